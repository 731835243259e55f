/* cidr.c: address blocks for --allow and --deny, and whether a peer lies in one. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "i18n.h"

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
		snprintf(err, cap, _("'%s' has no address before the prefix"),
		    text);
		return -1;
	}
	if (len >= sizeof(host)) {
		snprintf(err, cap,
		    _("'%s' is not an IPv4 or IPv6 address"), text);
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
		snprintf(err, cap, _("'%s' is not an IPv4 or IPv6 address "
		    "(names are not looked up)"), host);
		return -1;
	}
	out->prefix = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		char *end;
		long prefix;

		if (*p < '0' || *p > '9') {
			snprintf(err, cap,
			    _("bad prefix length '%s' in '%s'"), p,
			    text);
			return -1;
		}
		prefix = strtol(p, &end, 10);
		if (*end != '\0' || prefix > max || end - p > 3) {
			snprintf(err, cap, _("bad prefix length '%s' in '%s': "
			    "0 to %d"), p, text, max);
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

/*
 * The one rule for IPv4-mapped addresses: an IPv4 peer and its
 * ::ffff:a.b.c.d form are the same peer, whichever family the socket or
 * the rule has. So both sides are compared in the IPv6 space: an IPv4
 * address becomes ::ffff:a.b.c.d and an IPv4 block a.b.c.d/N becomes
 * ::ffff:a.b.c.d/(96+N). Then 127.0.0.1, ::ffff:127.0.0.1 and
 * ::ffff:7f00:1 are one rule, and ::/0 holds every peer.
 */
static const unsigned char mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Fills out[16] with the peer's address. Returns false if it has none. */
static bool
peer_as_v6(const struct sockaddr *sa, socklen_t len, unsigned char *out)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		memcpy(out, mapped_prefix, sizeof(mapped_prefix));
		memcpy(out + 12, &in->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;

		memcpy(out, in6->sin6_addr.s6_addr, 16);
		return true;
	}
	return false;
}

/* Fills out[16] and *prefix with the block. Returns false if it is none. */
static bool
block_as_v6(const struct cidr *c, unsigned char *out, int *prefix)
{
	if (c->family == AF_INET && c->prefix >= 0 && c->prefix <= 32) {
		memcpy(out, mapped_prefix, sizeof(mapped_prefix));
		memcpy(out + 12, c->addr, 4);
		*prefix = 96 + c->prefix;
		return true;
	}
	if (c->family == AF_INET6 && c->prefix >= 0 && c->prefix <= 128) {
		memcpy(out, c->addr, 16);
		*prefix = c->prefix;
		return true;
	}
	return false;
}

/* 1 when the peer lies in c, 0 when not, -1 when they cannot be compared. */
static int
compare(const struct cidr *c, const struct sockaddr *sa, socklen_t len)
{
	unsigned char peer[16], block[16];
	int prefix;

	if (!peer_as_v6(sa, len, peer) || !block_as_v6(c, block, &prefix))
		return -1;
	return prefix_equal(peer, block, prefix) ? 1 : 0;
}

bool
cidr_match(const struct cidr *c, const struct sockaddr *sa, socklen_t len)
{
	return compare(c, sa, len) == 1;
}

/*
 * Fails closed: a peer must match an --allow block for certain to be let
 * in, and any doubt about a --deny block (a peer or block that cannot be
 * compared) counts as a match.
 */
bool
cidr_admit(const struct cidr *allow, int nallow, const struct cidr *deny,
    int ndeny, const struct sockaddr *sa, socklen_t len)
{
	bool allowed = nallow == 0;
	int i;

	for (i = 0; i < nallow && !allowed; i++)
		allowed = compare(&allow[i], sa, len) == 1;
	for (i = 0; i < ndeny && allowed; i++)
		allowed = compare(&deny[i], sa, len) == 0;
	return allowed;
}
