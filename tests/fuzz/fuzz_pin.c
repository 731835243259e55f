/* fuzz_pin.c: --pin parsing and base64 on any text; each must read back what its writer wrote, and only that. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any 32 bytes make a pin that parses back to them. */
static void
round_trip(const uint8_t *data, size_t size)
{
	unsigned char hash[PIN_SHA256_LEN] = { 0 }, back[PIN_SHA256_LEN];
	char text[PIN_TEXT_MAX], err[256];

	memcpy(hash, data, size < sizeof(hash) ? size : sizeof(hash));
	pin_format(hash, text);
	if (strlen(text) != PIN_TEXT_MAX - 1)
		abort();
	if (pin_parse(text, back, err, sizeof(err)) != 0 ||
	    memcmp(hash, back, sizeof(hash)) != 0)
		abort();
}

/*
 * Text that parses is the one spelling of its digest; text that does not
 * leaves an error.
 */
static void
parse_text(const char *text)
{
	unsigned char hash[PIN_SHA256_LEN];
	char again[PIN_TEXT_MAX], err[256];

	err[0] = '\0';
	if (pin_parse(text, hash, err, sizeof(err)) == 0) {
		if (strcmp(pin_format(hash, again), text) != 0)
			abort();
	} else if (err[0] == '\0') {
		abort();
	}
}

/* Decoding then encoding gives the text back; any fault is in range. */
static void
base64_text(const char *text, size_t len)
{
	unsigned char *bytes = malloc(len + 1);
	char *again = malloc(pin_base64_len(len) + 1);
	enum pin_base64_fault fault;
	size_t where;
	long n;

	if (bytes == NULL || again == NULL)
		goto out;
	n = pin_base64_decode(text, len, bytes, len, &fault, &where);
	if (n >= 0) {
		if (fault != PIN_BASE64_OK || (size_t)n > len)
			abort();
		if (pin_base64_encode(bytes, (size_t)n, again) != len ||
		    memcmp(again, text, len) != 0)
			abort();
	} else if (fault == PIN_BASE64_OK || where > len) {
		abort();
	}
out:
	free(bytes);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), fp[PIN_FINGERPRINT_MAX];

	round_trip(data, size);
	pin_fingerprint(data, size, fp, sizeof(fp));
	if (strlen(fp) >= sizeof(fp))
		abort();
	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
		parse_text(text);
		base64_text(text, size);
	}
	free(text);
	return 0;
}
