/* fuzz_alpn.c: --alpn lists on any text; what parses must walk to its end and read back as the list given. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Walks the wire form by its length bytes, joining the names with commas:
 * each prefix must be 1 to 255 and the last must end exactly at len.
 */
static void
walk(const unsigned char *wire, size_t len, const char *list)
{
	char *joined = malloc(len + 1);
	size_t at = 0, o = 0;

	if (joined == NULL)
		return;
	while (at < len) {
		size_t n = wire[at];

		if (n == 0 || n > ALPN_NAME_MAX || at + 1 + n > len)
			abort();
		if (o > 0)
			joined[o++] = ',';
		memcpy(joined + o, wire + at + 1, n);
		o += n;
		at += 1 + n;
	}
	joined[o] = '\0';
	if (at != len || strcmp(joined, list) != 0)
		abort();
	free(joined);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *list = malloc(size + 1), err[256];
	unsigned char *wire;
	size_t cap;
	long n;

	if (list == NULL)
		return 0;
	memcpy(list, data, size);
	list[size] = '\0';
	cap = alpn_wire_len(list);
	wire = malloc(cap);
	if (wire != NULL) {
		err[0] = '\0';
		n = alpn_wire(list, wire, cap, err, sizeof(err));
		if (n >= 0) {
			if ((size_t)n != cap || n == 0 || n > ALPN_WIRE_MAX)
				abort();
			walk(wire, (size_t)n, list);
			/* Checking alone agrees with writing. */
			if (alpn_wire(list, NULL, 0, err, sizeof(err)) != n)
				abort();
		} else if (err[0] == '\0' || strlen(err) >= sizeof(err)) {
			abort();
		}
	}
	free(wire);
	free(list);
	return 0;
}
