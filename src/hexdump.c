/* hexdump.c: the -x traffic dump; pure formatting, no I/O. */
#include "compat.h"

#include <string.h>

#include "hexdump.h"

static const char hex_digits[] = "0123456789abcdef";

static size_t
format_line(char *out, char marker, uint64_t offset,
    const unsigned char *p, size_t n)
{
	size_t i, len = 0;
	int shift;

	out[len++] = marker;
	out[len++] = ' ';
	/* Eight digits, sixteen once a stream passes 4 GiB. */
	for (shift = offset >> 32 ? 60 : 28; shift >= 0; shift -= 4)
		out[len++] = hex_digits[(offset >> shift) & 0xf];
	out[len++] = ' ';
	for (i = 0; i < HEXDUMP_WIDTH; i++) {
		if (i == HEXDUMP_WIDTH / 2)
			out[len++] = ' ';
		out[len++] = ' ';
		if (i < n) {
			out[len++] = hex_digits[p[i] >> 4];
			out[len++] = hex_digits[p[i] & 0xf];
		} else {
			out[len++] = ' ';
			out[len++] = ' ';
		}
	}
	out[len++] = ' ';
	out[len++] = ' ';
	out[len++] = '|';
	for (i = 0; i < n; i++)
		out[len++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	out[len++] = '|';
	out[len++] = '\n';
	return len;
}

size_t
hexdump_format(char *out, char marker, uint64_t offset, const void *data,
    size_t len)
{
	const unsigned char *p = data;
	size_t written = 0, done = 0;

	while (done < len) {
		size_t n = len - done < HEXDUMP_WIDTH ? len - done :
		    HEXDUMP_WIDTH;

		written += format_line(out + written, marker, offset + done,
		    p + done, n);
		done += n;
	}
	return written;
}
