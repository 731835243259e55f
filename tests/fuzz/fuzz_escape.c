/* fuzz_escape.c: send -E's escape decoder on any text. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), bad[16];
	unsigned char *out = malloc(size + 1);
	long n;

	if (in != NULL && out != NULL) {
		memcpy(in, data, size);
		in[size] = '\0';
		n = escape_decode(in, out, bad, sizeof(bad));
		/* Never longer than the text: out was sized so. */
		if (n > (long)strlen(in))
			abort();
	}
	free(in);
	free(out);
	return 0;
}
