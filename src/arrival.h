/* arrival.h: where a datagram arrived on a wildcard-bound socket (IP_PKTINFO, IPV6_PKTINFO), so answers leave from that address. */
#ifndef SOCKIT_ARRIVAL_H
#define SOCKIT_ARRIVAL_H

#include "compat.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "endpoint.h"

/* Room for IP_PKTINFO and IPV6_PKTINFO together, for recvmsg. */
#define ARRIVAL_CONTROL_MAX 128

/* Where a sender's datagram arrived: the source of the answers. */
union arrival {
	struct in_pktinfo v4;
	struct in6_pktinfo v6;
};

enum arrival_kind {
	ARRIVAL_NONE,	/* no IP_PKTINFO: the kernel picks the source */
	ARRIVAL_V4,
	ARRIVAL_V6,
};

/* The control message of one answer's source, for sendmsg. */
union arrival_control {
	struct cmsghdr align;
	unsigned char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/*
 * Asks the kernel to tell each datagram's destination on sock, when it is
 * bound to a wildcard IP address (else there is nothing to ask). v6only:
 * the socket takes no IPv4 (-6). Returns 0, or -1 with errno.
 */
int arrival_ask(int sock, const struct endpoint_addr *bound, bool v6only);
/*
 * Reads the source for answers to a datagram that arrived as msg says,
 * on a socket of family; ARRIVAL_NONE when the kernel should pick.
 */
void arrival_note(struct msghdr *msg, int family, union arrival *at,
    enum arrival_kind *kind);
/* Makes msg's answer leave from at, with control as its room. */
void arrival_source(struct msghdr *msg, union arrival_control *control,
    const union arrival *at, enum arrival_kind kind);

#endif
