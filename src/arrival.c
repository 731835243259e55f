/* arrival.c: where a datagram arrived on a wildcard-bound socket, for listen -u -k -e's flows and listen -u --to's. */
#include "compat.h"

#include <string.h>

#include "arrival.h"
#include "sys.h"

/* Returns true for an address family whose sockets take IP_PKTINFO. */
static bool
is_ip(int family)
{
	return family == AF_INET || family == AF_INET6;
}

static bool
is_wildcard(const struct endpoint_addr *a)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->sa;

	if (a->family == AF_INET)
		return sin->sin_addr.s_addr == htonl(INADDR_ANY);
	return a->family == AF_INET6 &&
	    memcmp(&sin6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0;
}

/*
 * On a wildcard bind the kernel would answer from whatever address the
 * route to the sender prefers, which a client connected to another of
 * our addresses drops as a stranger's. IP_PKTINFO (IPV6_RECVPKTINFO)
 * tells each datagram's destination, and the answer names it as source.
 * An IPv6 socket that takes IPv4 too gives IPV6_PKTINFO with the mapped
 * address for those. Returns 0, or -1 with errno.
 */
int
arrival_ask(int sock, const struct endpoint_addr *bound, bool v6only)
{
	int on = 1, level = IPPROTO_IP, name = IP_PKTINFO;

	if (!is_ip(bound->family) || !is_wildcard(bound))
		return 0;
	if (bound->family == AF_INET6) {
		level = IPPROTO_IPV6;
		name = IPV6_RECVPKTINFO;
	}
	if (sys_setsockopt(sock, level, name, &on, sizeof(on)) < 0)
		return -1;
	/*
	 * IPv4 senders of a dual-stack socket: IP_PKTINFO's ipi_spec_dst
	 * says what to answer a broadcast from, which the mapped destination
	 * cannot. With -6 the socket refuses it, and needs none.
	 */
	if (bound->family == AF_INET6 && !v6only)
		sys_setsockopt(sock, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	return 0;
}

/*
 * The source for answers to a datagram that arrived as msg says: IPv4's
 * ipi_spec_dst is the local address the kernel would answer from, which
 * is the destination itself unless that was a broadcast or multicast
 * address. IPv6 has only the destination; a multicast one cannot be a
 * source, and then the kernel picks.
 */
void
arrival_note(struct msghdr *msg, int family, union arrival *at,
    enum arrival_kind *kind)
{
	struct cmsghdr *c;

	*kind = ARRIVAL_NONE;
	memset(at, 0, sizeof(*at));
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(at, 0, sizeof(*at));
			if (family == AF_INET) {
				at->v4.ipi_spec_dst = pi.ipi_spec_dst;
				*kind = ARRIVAL_V4;
				continue;
			}
			/* An IPv6 socket answers from the mapped address. */
			at->v6.ipi6_addr.s6_addr[10] = 0xff;
			at->v6.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(&at->v6.ipi6_addr.s6_addr[12],
			    &pi.ipi_spec_dst, 4);
			*kind = ARRIVAL_V6;
			/* It says more than IPV6_PKTINFO: nothing else. */
			return;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			const uint8_t *a;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			a = pi.ipi6_addr.s6_addr;
			/* Multicast, or a mapped IPv4 class D or broadcast. */
			if (a[0] == 0xff || (IN6_IS_ADDR_V4MAPPED(&pi.ipi6_addr)
			    && (a[12] >= 224)))
				continue;
			at->v6.ipi6_addr = pi.ipi6_addr;
			/* A link-local source needs its interface. */
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				at->v6.ipi6_ifindex = pi.ipi6_ifindex;
			*kind = ARRIVAL_V6;
		}
	}
}

void
arrival_source(struct msghdr *msg, union arrival_control *control,
    const union arrival *at, enum arrival_kind kind)
{
	bool v4 = kind == ARRIVAL_V4;
	size_t size = v4 ? sizeof(at->v4) : sizeof(at->v6);
	struct cmsghdr *c;

	if (kind == ARRIVAL_NONE)
		return;
	memset(control, 0, sizeof(*control));
	msg->msg_control = control->bytes;
	msg->msg_controllen = CMSG_SPACE(size);
	c = CMSG_FIRSTHDR(msg);
	c->cmsg_level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
	c->cmsg_type = v4 ? IP_PKTINFO : IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(size);
	memcpy(CMSG_DATA(c), at, size);
}
