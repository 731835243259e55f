/* multicast.h: UDP's group options: --join and --source to receive, --broadcast, --ttl and the like to send. */
#ifndef SOCKIT_MULTICAST_H
#define SOCKIT_MULTICAST_H

#include "compat.h"

#include <sys/socket.h>

#include "endpoint.h"
#include "opt.h"

/* The options of a sender: connect and send. */
struct multicast_send {
	int broadcast;		/* --broadcast: SO_BROADCAST */
	const char *interface;	/* --multicast-if IFACE */
	long ttl;		/* --ttl N; -1: unset */
	int loop;		/* --multicast-loop off|on; -1: unset */
	unsigned ifindex;	/* of interface, once checked */
};

/* The options of a receiver: listen and recv. */
struct multicast_recv {
	struct opt_list join;	/* --join GROUP */
	struct opt_list source;	/* --source ADDR */
	const char *interface;	/* --multicast-if IFACE */
	unsigned ifindex;
	struct sockaddr_storage groups[OPT_LIST_MAX];
	struct sockaddr_storage sources[OPT_LIST_MAX];
};

extern const struct opt_def multicast_send_defs[];
extern const size_t multicast_send_count;
extern const struct opt_def multicast_recv_defs[];
extern const size_t multicast_recv_count;

/* Fills the defaults: nothing set. */
void multicast_send_init(struct multicast_send *ms);
void multicast_recv_init(struct multicast_recv *mr);
/*
 * Checks the sender's options against ep: UDP only, and <broadcast>
 * needs --broadcast. Returns EXIT_OK, or the status after reporting
 * (EXIT_USAGE, or EXIT_FAIL for an interface this host lacks).
 */
int multicast_send_check(struct multicast_send *ms, const struct endpoint *ep);
/*
 * Sets SO_BROADCAST, the multicast interface, TTL and loop on fd, a
 * socket of family for the address where. Returns 0, or -1 after
 * reporting.
 */
int multicast_send_apply(const struct multicast_send *ms, int fd, int family,
    const char *where);
/*
 * Checks the receiver's options against ep: numeric multicast groups, a
 * source for a group of its family. Returns EXIT_OK, or the status after
 * reporting.
 */
int multicast_recv_check(struct multicast_recv *mr, const struct endpoint *ep);
/*
 * Joins every group on the bound fd: MCAST_JOIN_GROUP, or with sources
 * MCAST_JOIN_SOURCE_GROUP for each of the group's family. Returns 0, or
 * -1 after reporting.
 */
int multicast_join(const struct multicast_recv *mr, int fd);

#endif
