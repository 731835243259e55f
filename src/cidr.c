/* cidr.c: address blocks for --allow and --deny, and whether a peer lies in one. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

/* Clears the bits after the prefix, so 10.1.2.3/8 is stored as 10.0.0.0. */
static void
clear_host_bits(struct cidr *c)
{
	int bytes = c->family == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < bytes; i++) {
		int first_bit = i * 8;

		if (first_bit >= c->prefix)
			c->addr[i] = 0;
		else if (first_bit + 8 > c->prefix)
			c->addr[i] &= (unsigned char)(0xff << (8 - (c->prefix -
			    first_bit)));
	}
}

int
cidr_parse(const char *text, struct cidr *out, char *err, size_t cap)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	int max;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		snprintf(err, cap, "'%s' has no address before the prefix",
		    text);
		return -1;
	}
	if (len >= sizeof(host)) {
		snprintf(err, cap, "'%s' is not an IPv4 or IPv6 address", text);
		return -1;
	}
	memcpy(host, text, len);
	host[len] = '\0';
	/* [::1] as endpoints write it is accepted too. */
	if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
		memmove(host, host + 1, len - 2);
		host[len - 2] = '\0';
	}
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		snprintf(err, cap, "'%s' is not an IPv4 or IPv6 address "
		    "(names are not looked up)", host);
		return -1;
	}
	out->prefix = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		char *end;
		long prefix;

		if (*p < '0' || *p > '9') {
			snprintf(err, cap, "bad prefix length '%s' in '%s'", p,
			    text);
			return -1;
		}
		prefix = strtol(p, &end, 10);
		if (*end != '\0' || prefix > max || end - p > 3) {
			snprintf(err, cap, "bad prefix length '%s' in '%s': "
			    "0 to %d", p, text, max);
			return -1;
		}
		out->prefix = (int)prefix;
	}
	clear_host_bits(out);
	return 0;
}

static bool
prefix_equal(const unsigned char *a, const unsigned char *b, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest))) == 0;
}

bool
cidr_match(const struct cidr *c, const struct sockaddr *sa, socklen_t len)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return c->family == AF_INET && prefix_equal(
		    (const unsigned char *)&in->sin_addr, c->addr, c->prefix);
	}
	if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;
		const unsigned char *a = in6->sin6_addr.s6_addr;

		if (c->family == AF_INET6)
			return prefix_equal(a, c->addr, c->prefix);
		/* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
		return memcmp(a, mapped, sizeof(mapped)) == 0 &&
		    prefix_equal(a + 12, c->addr, c->prefix);
	}
	return false;
}

bool
cidr_admit(const struct cidr *allow, int nallow, const struct cidr *deny,
    int ndeny, const struct sockaddr *sa, socklen_t len)
{
	bool allowed = nallow == 0;
	int i;

	for (i = 0; i < nallow && !allowed; i++)
		allowed = cidr_match(&allow[i], sa, len);
	for (i = 0; i < ndeny && allowed; i++)
		allowed = !cidr_match(&deny[i], sa, len);
	return allowed;
}
