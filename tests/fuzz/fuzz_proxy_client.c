/* fuzz_proxy_client.c: any text as a --proxy URL or an auth file, any bytes as a proxy's answers; the machine must stay in bounds and agree with itself however the bytes are split. */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the whole answer through a handshake in pieces of step bytes. */
static enum proxy_step
run(struct proxy_handshake *hs, enum proxy_kind kind, const char *host,
    const struct proxy_credentials *cred, const uint8_t *data, size_t size,
    size_t step, size_t *taken)
{
	char err[256];
	enum proxy_step r = PROXY_MORE;
	size_t at = 0;

	if (proxy_client_start(hs, kind, host, 443, cred, err, sizeof(err)) !=
	    PROXY_SEND)
		abort();
	while (at < size) {
		size_t n = size - at < step ? size - at : step, used;

		r = proxy_client_input(hs, data + at, n, &used);
		if (used > n || (r == PROXY_MORE && used != n))
			abort();
		at += used;
		if (r == PROXY_DONE || r == PROXY_FAILED)
			break;
	}
	{
		size_t len, from, to;

		proxy_client_output(hs, &len, &from, &to);
		if (from > to || to > len || len > sizeof(hs->out))
			abort();
	}
	if (strlen(hs->said) >= sizeof(hs->said) ||
	    strlen(hs->heard) >= sizeof(hs->heard))
		abort();
	*taken = at;
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy_handshake a, b;
	struct proxy_credentials cred;
	struct proxy_url u;
	char text[512], err[256];
	enum proxy_kind kind;
	enum proxy_step ra, rb;
	size_t ta, tb, n;

	/* The first byte picks what the rest is. */
	if (size < 1)
		return 0;
	kind = (enum proxy_kind)(data[0] % 5);
	n = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, n);
	text[n] = '\0';
	if (data[0] & 0x80) {
		if (proxy_url_parse(text, &u, err, sizeof(err)) == 0 &&
		    (u.port < 1 || u.port > 65535 || u.host[0] == '\0'))
			abort();
		if (proxy_auth_parse((const char *)data + 1, size - 1, kind,
		    &cred, err, sizeof(err)) == 0 &&
		    (cred.user[0] == '\0' || strlen(cred.user) > 255))
			abort();
		return 0;
	}
	memset(&cred, 0, sizeof(cred));
	if (data[0] & 0x40) {
		cred.given = true;
		strcpy(cred.user, "alice");
		strcpy(cred.password, "secret");
	}
	/* Whole or a byte at a time, the answer must mean the same. */
	ra = run(&a, kind, kind == PROXY_SOCKS4 ? "127.0.0.1" : "example.org",
	    &cred, data + 1, size - 1, size, &ta);
	rb = run(&b, kind, kind == PROXY_SOCKS4 ? "127.0.0.1" : "example.org",
	    &cred, data + 1, size - 1, 1, &tb);
	if (ra != rb || ta != tb || a.failure != b.failure || a.code != b.code)
		abort();
	return 0;
}
