/* escape.c: the escapes of send -E: \n \r \t \0 \\ and \xHH into bytes. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

/* Returns the value of hex digit c, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
escape_decode(const char *in, unsigned char *out, char *bad, size_t cap)
{
	size_t n = 0;

	while (*in) {
		int hi, lo;

		if (*in != '\\') {
			out[n++] = (unsigned char)*in++;
			continue;
		}
		switch (in[1]) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case '0': out[n++] = '\0'; break;
		case '\\': out[n++] = '\\'; break;
		case 'x':
			hi = hex_value(in[2]);
			lo = hi < 0 ? -1 : hex_value(in[3]);
			if (lo < 0) {
				snprintf(bad, cap, "%.*s", (int)strnlen(in, 4),
				    in);
				return -1;
			}
			out[n++] = (unsigned char)(hi * 16 + lo);
			in += 2;
			break;
		default:
			snprintf(bad, cap, "%.*s", in[1] ? 2 : 1, in);
			return -1;
		}
		in += 2;
	}
	return (long)n;
}

