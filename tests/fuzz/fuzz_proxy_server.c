/* fuzz_proxy_server.c: any bytes as what a client sends a SOCKS or HTTP CONNECT proxy, whole and in pieces: both must come to the same verdict, target and answer. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum psrv_auth
anyone_named_a(void *ctx, const char *user, const char *pass)
{
	(void)ctx;
	(void)pass;
	return strcmp(user, "a") == 0 ? PSRV_AUTH_OK : PSRV_AUTH_UNKNOWN;
}

static struct psrv whole, part;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum psrv_mode mode;
	enum psrv_result rw, rp = PSRV_MORE;
	size_t chunk, off, n, i;
	bool auth;

	/* The first byte picks the mode, --auth-file, and the pieces' size. */
	if (size < 1)
		return 0;
	mode = data[0] & 1 ? PSRV_MODE_HTTP : PSRV_MODE_SOCKS;
	auth = (data[0] & 2) != 0;
	chunk = (size_t)(data[0] >> 2) + 1;
	data++;
	size--;
	psrv_init(&whole, mode, auth, anyone_named_a, NULL);
	psrv_init(&part, mode, auth, anyone_named_a, NULL);
	rw = psrv_feed(&whole, data, size);
	for (off = 0; off < size && rp == PSRV_MORE; off += n) {
		n = size - off < chunk ? size - off : chunk;
		rp = psrv_feed(&part, data + off, n);
		part.nlines = 0;
	}
	if (rw != rp && size <= PSRV_IN_MAX)
		abort();
	if (rw == PSRV_CONNECT && (strcmp(whole.target.host,
	    part.target.host) != 0 || whole.target.port != part.target.port ||
	    whole.target.port == 0 || whole.target.host[0] == '\0'))
		abort();
	/* A password's place, for the trace to hide, is a range. */
	if (whole.secret_at > whole.secret_end ||
	    part.secret_at > part.secret_end)
		abort();
	for (i = 0; i < (size_t)whole.nlines; i++)
		if (strlen(whole.lines[i]) >= PSRV_LINE_MAX)
			abort();
	if (rw == PSRV_CONNECT) {
		psrv_rest(&whole, &n);
		if (n > size)
			abort();
		psrv_reply(&whole, size > 0 ? data[size - 1] % 10 : 0, NULL, 0);
	}
	return 0;
}
