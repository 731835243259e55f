/* fuzz_starttls.c: any bytes as any step's answer of any STARTTLS protocol; the verdict must agree with itself byte by byte, and a quote must stay in bounds. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "starttls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum starttls_proto proto;
	enum starttls_verdict whole, part;
	size_t used, used_part, n;
	char quoted[64];
	int step;

	/* The first byte picks the protocol and the step. */
	if (size < 1)
		return 0;
	proto = (enum starttls_proto)(data[0] % 5);
	step = (data[0] / 5) % starttls_steps(proto);
	data++;
	size--;
	whole = starttls_answer(proto, step, data, size, &used);
	if (whole == STARTTLS_MORE ? used != 0 : used == 0 || used > size)
		abort();
	/*
	 * An answer is whole once its bytes are at hand, and then it says the
	 * same whatever follows: a prefix that is whole must be this one.
	 */
	if (whole != STARTTLS_MORE && whole != STARTTLS_ODD) {
		part = starttls_answer(proto, step, data, used, &used_part);
		if (part != whole || used_part != used)
			abort();
		for (n = 0; n < used; n++)
			if (starttls_answer(proto, step, data, n, &used_part) !=
			    STARTTLS_MORE)
				abort();
	}
	starttls_quote(data, size, quoted, sizeof(quoted));
	if (strlen(quoted) >= sizeof(quoted) || quoted[0] != '"' ||
	    quoted[strlen(quoted) - 1] != '"')
		abort();
	return 0;
}
