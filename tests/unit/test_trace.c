/* test_trace.c: the buffer and flags of a data call's trace line, exactly. */
#include "compat.h"

#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"
#include "trace.h"
#include "unit.h"

struct buffer_case {
	const char *what;
	const char *data;
	size_t len;
	const char *want;
};

static const struct buffer_case buffer_cases[] = {
	{ "no bytes are an empty string", "", 0, "\"\"" },
	{ "printable bytes stay as they are", "hola", 4, "\"hola\"" },
	{ "C's named escapes", "a\tb\nc\rd\ve\ff", 11,
	  "\"a\\tb\\nc\\rd\\ve\\ff\"" },
	{ "a quote and a backslash are escaped", "\"\\", 2, "\"\\\"\\\\\"" },
	{ "other bytes are octal, as short as C allows", "\0x\377", 3,
	  "\"\\0x\\377\"" },
	{ "an octal escape before a digit takes three digits", "\0" "1", 2,
	  "\"\\0001\"" },
	{ "32 bytes are shown whole", "0123456789abcdef0123456789abcdef", 32,
	  "\"0123456789abcdef0123456789abcdef\"" },
	{ "from the 33rd byte on, ... after the string",
	  "0123456789abcdef0123456789abcdefX", 33,
	  "\"0123456789abcdef0123456789abcdef\"..." },
};

struct flags_case {
	const char *what;
	int flags;
	const char *want;
};

static const struct flags_case flags_cases[] = {
	{ "no flags are 0", 0, "0" },
	{ "one flag by name", MSG_NOSIGNAL, "MSG_NOSIGNAL" },
	{ "several joined by |", MSG_PEEK | MSG_TRUNC, "MSG_PEEK|MSG_TRUNC" },
	{ "a bit without a name here as a number", MSG_OOB | 0x100000,
	  "MSG_OOB|0x100000" },
};

void
test_trace(void)
{
	char storage[256];
	struct strbuf sb;
	size_t i;

	for (i = 0; i < sizeof(buffer_cases) / sizeof(buffer_cases[0]); i++) {
		const struct buffer_case *c = &buffer_cases[i];

		unit_begin("trace_buffer: %s", c->what);
		strbuf_init(&sb, storage, sizeof(storage));
		trace_buffer(&sb, c->data, c->len);
		CHECK_STR(strbuf_str(&sb), c->want);
		unit_end();
	}
	for (i = 0; i < sizeof(flags_cases) / sizeof(flags_cases[0]); i++) {
		const struct flags_case *c = &flags_cases[i];

		unit_begin("trace_msg_flags: %s", c->what);
		strbuf_init(&sb, storage, sizeof(storage));
		trace_msg_flags(&sb, c->flags);
		CHECK_STR(strbuf_str(&sb), c->want);
		unit_end();
	}
}
