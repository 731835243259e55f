/* sys.h: every socket-level call, traced at run time and errno-preserving. */
#ifndef SOCKIT_SYS_H
#define SOCKIT_SYS_H

#include "compat.h"

#include <signal.h>
#include <sys/socket.h>

#include "sys_data.h"
#include "sys_diag.h"
#include "sys_proc.h"
#include "sys_resolve.h"
#include "sys_wait.h"

/*
 * Set by the signal handler to the number of a terminating signal. While it
 * is 0 the wrappers retry calls that EINTR interrupted; once it is set they
 * return -1 with EINTR so the caller can unwind.
 */
extern volatile sig_atomic_t sys_signal_caught;
/*
 * Textbook mode (--textbook): sends carry the slides' flags, not
 * MSG_NOSIGNAL; a connect is never folded; bind, connect and sendto show
 * their address length; read and write are traced without full mode, and
 * so is a blocking call's EAGAIN.
 */
extern bool sys_textbook;

/*
 * Where a call stands when --tcp-state's hook is called: after one that
 * may have moved a TCP connection to another state or seen the peer move
 * it (connect, listen, accept, shutdown, a data call, a call that failed);
 * just before close(), while the descriptor still names the connection;
 * and after it, when only the kernel's tables know it.
 */
enum sys_state_point {
	SYS_STATE_AFTER,
	SYS_STATE_CLOSING,
	SYS_STATE_CLOSED,
};
/* When set, called at those points with the call's descriptor. */
extern void (*sys_state_hook)(int fd, enum sys_state_point point);

/*
 * Each wrapper returns what the system call returns and leaves its errno
 * untouched; getaddrinfo and getnameinfo return their EAI_ code.
 */
int sys_socket(int family, int type, int protocol);
/*
 * Moves fd to 64 or above (close-on-exec), so sockit's own pipes keep out
 * of the low numbers and the first socket is 3, as in class. Returns the
 * new descriptor, or fd itself when it cannot be moved. Not traced.
 */
int sys_high_fd(int fd);
int sys_set_nonblocking(int fd);
/* Clears O_NONBLOCK, for a socket handed to a program that expects it. */
int sys_set_blocking(int fd);
/*
 * ioctl(FIONREAD): bytes waiting to be read; on a datagram or seqpacket
 * socket, the length of the next message. Returns 0 or -1.
 */
int sys_pending(int fd, int *count);
/*
 * ioctl(SIOCOUTQ): the bytes in the send queue that the peer has not
 * acknowledged yet (TCP) or not read yet (unix). Returns 0 or -1.
 */
int sys_unsent(int fd, int *count);
/*
 * sockatmark(3): 1 when the next byte to read is TCP's urgent byte, the
 * mark (with SO_OOBINLINE it waits inline), 0 when not, -1 with errno.
 */
int sys_sockatmark(int fd);
int sys_setsockopt(int fd, int level, int optname, const void *value,
    socklen_t len);
int sys_getsockopt(int fd, int level, int optname, void *value,
    socklen_t *len);
int sys_bind(int fd, const struct sockaddr *sa, socklen_t len);
int sys_listen(int fd, int backlog);
int sys_accept(int fd, struct sockaddr *sa, socklen_t *len);
/*
 * accept4(2): the accepted socket comes with flags (SOCK_NONBLOCK,
 * SOCK_CLOEXEC) set, saving the fcntl calls that would set them after.
 * Returns the new descriptor, or -1 with errno.
 */
int sys_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags);
/*
 * accept(2) as a blocking server of a course makes it: a signal's EINTR
 * (a SIGCHLD to reap) comes back to the caller instead of a retry.
 */
int sys_accept_intr(int fd, struct sockaddr *sa, socklen_t *len);
int sys_connect(int fd, const struct sockaddr *sa, socklen_t len);
int sys_shutdown(int fd, int how);
int sys_close(int fd);
int sys_getsockname(int fd, struct sockaddr *sa, socklen_t *len);
int sys_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int sys_socketpair(int family, int type, int protocol, int fds[2]);
int sys_unlink(const char *path);

#endif
