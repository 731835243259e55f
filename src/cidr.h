/* cidr.h: --allow and --deny address blocks: parsing and matching peers. */
#ifndef SOCKIT_CIDR_H
#define SOCKIT_CIDR_H

#include "compat.h"

#include <sys/socket.h>

/* An address block: ADDR or ADDR/PREFIX, IPv4 or IPv6. */
struct cidr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];	/* network order; host bits cleared */
	int prefix;		/* 0..32 or 0..128 */
};

/*
 * Parses "192.0.2.0/24", "127.0.0.1", "::1", "[::1]", "fe80::/10" into
 * *out. Returns 0, or -1 with err naming the bad part.
 */
int cidr_parse(const char *text, struct cidr *out, char *err, size_t cap);
/*
 * Returns true when the address of sa lies in c. An IPv4 peer and its
 * IPv4-mapped form ::ffff:a.b.c.d are the same peer, whichever family the
 * block or the socket has: 127.0.0.1 and ::ffff:127.0.0.1 match both.
 * A peer that is not IPv4 or IPv6 matches nothing.
 */
bool cidr_match(const struct cidr *c, const struct sockaddr *sa,
    socklen_t len);
/*
 * Returns true when a peer may stay: it lies in one of allow (or allow is
 * empty) and in none of deny. Fails closed: with any block given, a peer
 * that cannot be compared with a block is refused.
 */
bool cidr_admit(const struct cidr *allow, int nallow,
    const struct cidr *deny, int ndeny, const struct sockaddr *sa,
    socklen_t len);

#endif
