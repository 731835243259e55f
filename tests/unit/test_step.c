/* test_step.c: --step's explanations: one for each call of the course, wrapped for a projected screen. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "step.h"
#include "strbuf.h"
#include "unit.h"

/* The calls a course teaches, each of which --step stops before. */
static const char *const course_calls[] = {
	"getaddrinfo", "socket", "socketpair", "setsockopt", "getsockopt",
	"bind", "listen", "accept", "connect", "getsockname", "getpeername",
	"send", "recv", "sendto", "recvfrom", "read", "write", "shutdown",
	"close", "poll", "select", "sigaction", "fork", "waitpid",
};

/* Returns the widest line of text, and counts its lines in *lines. */
static size_t
widest(const char *text, int *lines)
{
	size_t max = 0, len;
	const char *nl;

	*lines = 0;
	for (; *text != '\0'; text = nl + 1) {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		len = (size_t)(nl - text);
		if (len > max)
			max = len;
		(*lines)++;
		if (*nl == '\0')
			break;
	}
	return max;
}

static void
explained(const char *line, const char *want_start, const char *want_in)
{
	char buf[1024];
	struct strbuf sb;
	int lines;

	unit_begin("the explanation of %s", line);
	strbuf_init(&sb, buf, sizeof(buf));
	step_explain_line(&sb, line);
	if (CHECK(strncmp(buf, want_start, strlen(want_start)) == 0))
		CHECK_CONTAINS(buf, want_in);
	CHECK(widest(buf, &lines) <= STEP_WIDTH);
	CHECK(strlen(buf) > 0 && buf[strlen(buf) - 1] == '\n');
	CHECK(strstr(buf, " */\n") == buf + strlen(buf) - 4);
	unit_end();
}

void
test_step(void)
{
	char buf[1024];
	struct strbuf sb;
	size_t i;
	int lines;

	for (i = 0; i < ARRAY_LEN(course_calls); i++)
		unit_ok(step_explain(course_calls[i]) != NULL,
		    "%s has an explanation", course_calls[i]);
	unit_ok(step_explain("fcntl") == NULL && step_explain("") == NULL &&
	    step_explain(NULL) == NULL, "a call not in the table has none");
	explained("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)",
	    "    /* asks the kernel for a new endpoint", "descriptor");
	explained("connect(3, {AF_INET, 127.0.0.1:80}, 16)", "    /* TCP: ",
	    "three-way handshake");
	explained("[pid 42] recv(4, buf, 1024, 0)", "    /* waits for data",
	    "end of file");
	explained("12:00:00.000001 [#3] listen(3, 5)", "    /* makes the "
	    "bound socket", "backlog");

	unit_begin("every explanation wraps to %d columns, its words whole",
	    STEP_WIDTH);
	for (i = 0; i < ARRAY_LEN(course_calls); i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s(3)", course_calls[i]);
		strbuf_init(&sb, buf, sizeof(buf));
		step_explain_line(&sb, line);
		if (!CHECK(widest(buf, &lines) <= STEP_WIDTH))
			unit_diag("%s", buf);
		/* The lines rejoined are the table's text. */
		{
			char joined[1024];
			size_t n = 0;
			const char *p = buf + strlen("    /* ");

			for (; *p != '\0' && n + 1 < sizeof(joined); p++) {
				if (*p == '\n') {
					while (p[1] == ' ')
						p++;
					joined[n++] = ' ';
				} else {
					joined[n++] = *p;
				}
			}
			joined[n] = '\0';
			/* Less the comment's end and its newline. */
			if (n >= 4)
				joined[n - 4] = '\0';
			CHECK_STR(joined, step_explain(course_calls[i]));
		}
	}
	unit_end();

	strbuf_init(&sb, buf, sizeof(buf));
	step_explain_line(&sb, "fcntl(3, F_SETFL, O_NONBLOCK)");
	unit_ok(buf[0] == '\0', "a line whose call has no explanation adds "
	    "nothing");
	strbuf_init(&sb, buf, sizeof(buf));
	step_explain_line(&sb, "sockit: no call here");
	unit_ok(buf[0] == '\0', "a line that names no call adds nothing");
}
