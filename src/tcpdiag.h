/* tcpdiag.h: TCP state names and the sock_diag question about one socket. */
#ifndef SOCKIT_TCPDIAG_H
#define SOCKIT_TCPDIAG_H

#include "compat.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <sys/socket.h>

/* The kernel's numbers of TCP's states (include/net/tcp_states.h). */
enum tcpdiag_state {
	TCPDIAG_ESTABLISHED = 1,
	TCPDIAG_SYN_SENT = 2,
	TCPDIAG_SYN_RECV = 3,
	TCPDIAG_FIN_WAIT1 = 4,
	TCPDIAG_FIN_WAIT2 = 5,
	TCPDIAG_TIME_WAIT = 6,
	TCPDIAG_CLOSE = 7,
	TCPDIAG_CLOSE_WAIT = 8,
	TCPDIAG_LAST_ACK = 9,
	TCPDIAG_LISTEN = 10,
	TCPDIAG_CLOSING = 11,
	TCPDIAG_NEW_SYN_RECV = 12,
};

/* Returns RFC 793's name of state, ESTABLISHED or TIME_WAIT, or NULL. */
const char *tcpdiag_state_name(int state);

/* A SOCK_DIAG_BY_FAMILY request for one socket, as it goes on the wire. */
struct tcpdiag_request {
	struct nlmsghdr h;
	struct inet_diag_req_v2 req;
};

/*
 * Fills out with the question "which state is the TCP socket in whose
 * local address is local and whose peer is remote?", the way ss(8) asks
 * for one connection: by its four numbers, not by a dump of all of them.
 * The two addresses must be of one family, AF_INET or AF_INET6. Returns
 * 0, or -1 when they are not.
 */
int tcpdiag_request(struct tcpdiag_request *out,
    const struct sockaddr *local, const struct sockaddr *remote);

/* What the kernel answered. */
enum tcpdiag_answer {
	TCPDIAG_FOUND,		/* *state is the socket's state */
	TCPDIAG_GONE,		/* no such socket: ENOENT */
	TCPDIAG_FAILED,		/* another error, or bytes that do not parse */
};

/*
 * Reads the reply (buf, len) to the question asked: one inet_diag_msg, or
 * an NLMSG_ERROR. The kernel looks the four numbers up as an arriving
 * segment would, so a connection gone may find the listener it came
 * from: a socket whose peer is not the one asked for is no answer, and
 * the connection counts as gone. Returns the answer; with TCPDIAG_FAILED,
 * *err is the error's errno, or EPROTO.
 */
enum tcpdiag_answer tcpdiag_parse(const struct tcpdiag_request *asked,
    const void *buf, size_t len, int *state, int *err);

#endif
