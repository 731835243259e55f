/* fuzz_json.c: JSON strings and payloads of any bytes, in storage of any size. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb;
	size_t cap;
	char *storage;

	/* The first byte sizes the storage, so cut output is tried too. */
	if (size == 0)
		return 0;
	cap = (size_t)data[0] * 8 + 1;
	storage = malloc(cap);
	if (storage == NULL)
		return 0;
	strbuf_init(&sb, storage, cap);
	json_begin(&sb);
	json_field_str(&sb, "from", "fuzz");
	json_field_data(&sb, data + 1, size - 1);
	json_end(&sb);
	if (strlen(strbuf_str(&sb)) >= cap)
		abort();
	strbuf_init(&sb, storage, cap);
	json_string(&sb, data + 1, size - 1);
	(void)json_utf8_valid(data + 1, size - 1);
	free(storage);
	return 0;
}
