/* test_hexdump.c: the exact lines the -x dump writes. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "hexdump.h"
#include "unit.h"

struct dump_case {
	const char *what;
	const char *data;
	size_t len;
	char marker;
	uint64_t offset;
	const char *want;
};

/*
 * Each expected line is split after the first eight bytes, so the columns
 * of a short line can be read against a full one.
 */
static const struct dump_case dump_cases[] = {
	{ "no bytes write nothing", "", 0, '>', 0, "" },
	{ "1 byte pads the hex columns", "A", 1, '>', 0,
	  "> 00000000  41                       "
	  "                         |A|\n" },
	{ "15 bytes leave one column blank", "0123456789abcde", 15, '<', 0,
	  "< 00000000  30 31 32 33 34 35 36 37  "
	  "38 39 61 62 63 64 65     |0123456789abcde|\n" },
	{ "16 bytes fill one line", "ABCDEFGHIJKLMNOP", 16, '>', 0,
	  "> 00000000  41 42 43 44 45 46 47 48  "
	  "49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n" },
	{ "17 bytes start a second line", "ABCDEFGHIJKLMNOPQ", 17, '>', 0,
	  "> 00000000  41 42 43 44 45 46 47 48  "
	  "49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
	  "> 00000010  51                       "
	  "                         |Q|\n" },
	{ "40 bytes at offset 0x1000, non-printable bytes as dots",
	  "\x00\x01\x1f\x20\x41\x7e\x7f\x80\xff\x0a\x0d\x09\x5c\x22\x25\x2e"
	  "GET / HTTP/1.1\r\n"
	  "Host: x\n", 40, '<', 0x1000,
	  "< 00001000  00 01 1f 20 41 7e 7f 80  "
	  "ff 0a 0d 09 5c 22 25 2e  |... A~......\\\"%.|\n"
	  "< 00001010  47 45 54 20 2f 20 48 54  "
	  "54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n"
	  "< 00001020  48 6f 73 74 3a 20 78 0a  "
	  "                         |Host: x.|\n" },
	{ "offsets count on across lines", "0123456789abcdefXY", 18, '<',
	  0x7ffffff0,
	  "< 7ffffff0  30 31 32 33 34 35 36 37  "
	  "38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
	  "< 80000000  58 59                    "
	  "                         |XY|\n" },
	{ "the offset is hex, lower case", "z", 1, '>', 0xabcdef,
	  "> 00abcdef  7a                       "
	  "                         |z|\n" },
};

static void
check_dump(const struct dump_case *c)
{
	char out[8 * HEXDUMP_LINE_MAX + 1];
	size_t n, want_len = strlen(c->want);

	unit_begin("hexdump_format: %s", c->what);
	/* The dump is not NUL-terminated: what follows must stay as it was. */
	memset(out, 'Z', sizeof(out));
	n = hexdump_format(out, c->marker, c->offset, c->data, c->len);
	CHECK_MEM(out, n, c->want, want_len);
	if (n < sizeof(out))
		CHECK_INT(out[n], 'Z');
	unit_end();
}

/* A line of 16 bytes: prefix 11, hex 49, gap and bars 3, text 16, '\n'. */
#define FULL_LINE 81

/* Every byte value: printable ASCII as itself, anything else as '.'. */
static void
test_all_bytes(void)
{
	unsigned char data[256];
	char out[16 * HEXDUMP_LINE_MAX];
	size_t n, line, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	unit_begin("hexdump_format shows only printable ASCII as itself");
	n = hexdump_format(out, '>', 0, data, sizeof(data));
	if (!CHECK_INT(n, 16 * FULL_LINE)) {
		unit_end();
		return;
	}
	for (line = 0; line < 16; line++) {
		const char *start = out + line * FULL_LINE;
		const char *bar = memchr(start, '|', FULL_LINE);

		if (!CHECK(bar != NULL))
			break;
		for (i = 0; i < 16; i++) {
			unsigned char b = data[line * 16 + i];
			char want = b >= 0x20 && b < 0x7f ? (char)b : '.';

			if (!CHECK_INT(bar[1 + i], want))
				unit_diag("byte 0x%02x", b);
		}
	}
	unit_end();
}

/*
 * Any length fits a buffer of HEXDUMP_LINE_MAX per started line; the
 * buffer is allocated to exactly that size so that the address sanitizer
 * catches a write past it.
 */
static void
test_line_lengths(void)
{
	unsigned char data[64];
	size_t len, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37);
	unit_begin("hexdump_format lines fit HEXDUMP_LINE_MAX for 0 to 64 "
	    "bytes");
	for (len = 0; len <= sizeof(data); len++) {
		size_t lines = (len + HEXDUMP_WIDTH - 1) / HEXDUMP_WIDTH;
		size_t cap = lines * HEXDUMP_LINE_MAX;
		char *out = malloc(cap > 0 ? cap : 1);
		size_t n, pos = 0, count = 0;

		if (!CHECK(out != NULL))
			break;
		n = hexdump_format(out, '<', 0, data, len);
		if (!CHECK(n <= cap))
			unit_diag("%zu bytes", len);
		while (pos < n) {
			const char *nl = memchr(out + pos, '\n', n - pos);
			size_t line_len;

			if (!CHECK(nl != NULL))
				break;
			line_len = (size_t)(nl - (out + pos)) + 1;
			if (!CHECK(line_len <= HEXDUMP_LINE_MAX))
				unit_diag("%zu bytes: a line of %zu", len,
				    line_len);
			CHECK_INT(out[pos], '<');
			pos += line_len;
			count++;
		}
		CHECK_INT(count, lines);
		free(out);
	}
	unit_end();
}

void
test_hexdump(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(dump_cases); i++)
		check_dump(&dump_cases[i]);
	test_all_bytes();
	test_line_lengths();
}
