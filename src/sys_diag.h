/* sys_diag.h: what the kernel tells of a socket, TCP_INFO and sock_diag, traced. */
#ifndef SOCKIT_SYS_DIAG_H
#define SOCKIT_SYS_DIAG_H

#include "compat.h"

#include <sys/socket.h>

/*
 * getsockopt(TCP_INFO): the bytes of a TCP connection that the peer has
 * acknowledged and that it sent us, as the kernel counts them; active_open
 * for a connection we made with connect(). Returns 0, or -1 (not TCP, or
 * a kernel that does not count).
 */
int sys_tcp_bytes(int fd, bool active_open, uint64_t *sent,
    uint64_t *received);
/*
 * Asks the kernel for its list of AF_UNIX sockets with the inode and
 * device of the file each is bound to (sock_diag(7), unix_diag(7)): opens
 * a NETLINK_SOCK_DIAG socket and sends it one SOCK_DIAG_BY_FAMILY dump
 * request with UDIAG_SHOW_VFS. Returns the netlink socket, whose replies
 * the caller reads with sys_recv until NLMSG_DONE and then closes, or -1
 * with errno.
 */
int sys_unix_diag_request(void);
/* What TCP_INFO tells of a TCP socket. */
struct sys_tcp_look {
	int state;		/* tcpi_state: tcpdiag.h's numbers */
	unsigned queued;	/* a listener's accept queue (tcpi_unacked) */
	unsigned backlog;	/* and its listen() backlog (tcpi_sacked) */
};
/*
 * getsockopt(TCP_INFO) for --tcp-state and --queue, sockit's own look:
 * traced in full mode only, and not at all when fd is no TCP socket.
 * Returns 0, or -1 with errno.
 */
int sys_tcp_look(int fd, struct sys_tcp_look *out);
/*
 * getsockname and getpeername of a connection, traced in full mode only.
 * Returns 0, or -1 with errno (ENOTCONN: no peer).
 */
int sys_tcp_ends(int fd, struct sockaddr_storage *local,
    struct sockaddr_storage *remote);
/*
 * Sends one sock_diag request (len bytes) on a NETLINK_SOCK_DIAG socket of
 * its own and reads the one reply into reply (cap bytes), as ss(8) asks
 * for one socket; each call traced in full mode only. Returns the reply's
 * length, or -1 with errno.
 */
ssize_t sys_sock_diag(const void *request, size_t len, void *reply,
    size_t cap);

#endif
