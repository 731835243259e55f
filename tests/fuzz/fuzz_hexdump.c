/* fuzz_hexdump.c: -x's hex dump of any bytes at any offset, in the room it promises. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hexdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t offset = 0;
	size_t room, n, i;
	char *out;

	/* The first eight bytes are the offset, the rest the data. */
	for (i = 0; i < 8 && i < size; i++)
		offset = offset << 8 | data[i];
	data += i;
	size -= i;
	room = (size / HEXDUMP_WIDTH + 1) * HEXDUMP_LINE_MAX;
	out = malloc(room);
	if (out == NULL)
		return 0;
	n = hexdump_format(out, size % 2 ? '<' : '>', offset, data, size);
	if (n > room)
		abort();
	free(out);
	return 0;
}
