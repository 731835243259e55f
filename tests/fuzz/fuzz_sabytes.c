/* fuzz_sabytes.c: --trace=bytes's layout of any bytes as a sockaddr, reading only the addrlen bytes given. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sabytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char storage[8192];
	struct strbuf sb;
	void *sa;

	/* A buffer of exactly addrlen bytes: a read past it is caught. */
	sa = malloc(size ? size : 1);
	if (sa == NULL)
		return 0;
	memcpy(sa, data, size);
	strbuf_init(&sb, storage, sizeof(storage));
	sabytes_format(&sb, sa, (socklen_t)size, size % 2 ? "AF_X" : NULL);
	if (strbuf_used(&sb) >= sizeof(storage))
		abort();
	free(sa);
	return 0;
}
