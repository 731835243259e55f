/* sys.h: every socket-level call, traced at run time and errno-preserving. */
#ifndef SOCKIT_SYS_H
#define SOCKIT_SYS_H

#include "compat.h"

#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>

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
 * The read end of a pipe the signal handler writes a byte into, so a poll
 * loop wakes up even when the signal came just before poll(); -1 if unset.
 */
extern int sys_signal_wakeup_fd;
/* The write end of that pipe, for the handler; -1 if unset. */
extern int sys_signal_notify_fd;
/*
 * Makes the wake-up pipe, or a new one in place of the old: a child that
 * forks and runs on, sockit without an exec, must not share its parent's,
 * whose loops would take the child's signals for their own. Returns 0, or
 * -1 with errno (the pipe stays unset). Not traced.
 */
int sys_signal_pipe(void);

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
int sys_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **result);
int sys_getnameinfo(const struct sockaddr *sa, socklen_t len, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags);
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
/*
 * getsockopt(TCP_INFO): the bytes of a TCP connection that the peer has
 * acknowledged and that it sent us, as the kernel counts them; active_open
 * for a connection we made with connect(). Returns 0, or -1 (not TCP, or
 * a kernel that does not count).
 */
int sys_tcp_bytes(int fd, bool active_open, uint64_t *sent,
    uint64_t *received);
int sys_bind(int fd, const struct sockaddr *sa, socklen_t len);
int sys_listen(int fd, int backlog);
int sys_accept(int fd, struct sockaddr *sa, socklen_t *len);
/*
 * accept(2) as a blocking server of a course makes it: a signal's EINTR
 * (a SIGCHLD to reap) comes back to the caller instead of a retry.
 */
int sys_accept_intr(int fd, struct sockaddr *sa, socklen_t *len);
int sys_connect(int fd, const struct sockaddr *sa, socklen_t len);
ssize_t sys_send(int fd, const void *buf, size_t len, int flags);
ssize_t sys_recv(int fd, void *buf, size_t len, int flags);
ssize_t sys_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *sa, socklen_t salen);
ssize_t sys_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *sa, socklen_t *salen);
/*
 * sendmmsg(2) of count messages of one buffer each, each to its own
 * msg_name when it has one (the trace shows the first's). Returns how
 * many went, or -1.
 */
int sys_sendmmsg(int fd, struct mmsghdr *msgs, unsigned count);
/*
 * recvmsg(2) and sendmsg(2) of one buffer (msg_iov[0]), with the
 * sender's or destination's address in msg_name and any control data;
 * traced as recvfrom and sendto are, with the control data named.
 */
ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags);
/*
 * recvmmsg(2) of up to count messages of one buffer each, without
 * waiting (MSG_DONTWAIT) and with the flags given. Returns how many came
 * (each msg_len set), or -1.
 */
int sys_recvmmsg(int fd, struct mmsghdr *msgs, unsigned count, int flags);
int sys_shutdown(int fd, int how);
int sys_close(int fd);
int sys_getsockname(int fd, struct sockaddr *sa, socklen_t *len);
int sys_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
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
int sys_socketpair(int family, int type, int protocol, int fds[2]);
int sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms);
/*
 * poll(2) as a program of the lesson makes it (textbook mode's wait on
 * stdin and a socket): traced in plain mode too, not only in full mode.
 */
int sys_poll_lesson(struct pollfd *fds, nfds_t count, int timeout_ms);
/*
 * select(2) on readable and writable (either NULL), timeout NULL for none;
 * every descriptor must be below FD_SETSIZE. On a retry after EINTR the
 * sets are given again as they were asked.
 */
int sys_select(int nfds, fd_set *readable, fd_set *writable,
    struct timeval *timeout);
/*
 * epoll_create1(EPOLL_CLOEXEC), epoll_ctl(2) with the events and the
 * pointer the loop gets back, and epoll_wait(2), retried on EINTR until a
 * terminating signal. Each returns what the call returns, errno kept.
 */
struct epoll_event;
int sys_epoll_create(void);
int sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, void *data);
int sys_epoll_wait(int epfd, struct epoll_event *events, int max,
    int timeout_ms);
ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_write(int fd, const void *buf, size_t len);
struct iovec;
/* writev(2), traced like write (full mode only) with the total length. */
ssize_t sys_writev(int fd, const struct iovec *iov, int count);
/*
 * preadv2(RWF_NOWAIT): a read that returns EAGAIN instead of waiting,
 * whatever O_NONBLOCK says; EOPNOTSUPP where fd's kind cannot do it.
 */
ssize_t sys_read_nowait(int fd, void *buf, size_t len);
/*
 * splice(2) of up to len bytes from in to out, one of them a pipe, without
 * waiting on the pipe. Traced only in full mode, as sockit's own plumbing;
 * socket_side (the other end is the socket) is kept for the callers.
 */
ssize_t sys_splice(int in, int out, size_t len, bool socket_side);
/*
 * pipe2(O_CLOEXEC | O_NONBLOCK), grown to size bytes with F_SETPIPE_SZ
 * when it can be (size 0: as it comes). Returns 0, or -1 with errno.
 */
int sys_pipe(int fds[2], size_t size);
int sys_unlink(const char *path);

/* The services database, the host name, and the process calls of pair. */
struct servent;
struct servent *sys_getservbyname(const char *name, const char *proto);
struct servent *sys_getservbyport(int port_net, const char *proto);
/*
 * The resolver calls before getaddrinfo, kept for the course: each
 * returns the static entry or NULL; the host calls store h_errno in *herr
 * (0 on success), HOST_NOT_FOUND and the like.
 */
struct hostent *sys_gethostbyname(const char *name, int *herr);
struct hostent *sys_gethostbyaddr(const void *addr, socklen_t len,
    int family, int *herr);
struct protoent *sys_getprotobyname(const char *name);
struct protoent *sys_getprotobynumber(int proto);
int sys_gethostname(char *name, size_t len);
int sys_dup2(int from, int to);
/*
 * sigaction(2): handler for sig, no SA_RESTART (a blocked call returns
 * EINTR), an empty mask; traced with handler_name. Returns 0 or -1.
 */
int sys_sigaction(int sig, void (*handler)(int), const char *handler_name);
/*
 * The trace line of a vfork(2) that the caller made itself: a vfork child
 * must not return from the function that called vfork, so no wrapper can
 * make the call. The parent narrates once the child has exec'd or exited.
 */
void sys_trace_vfork(pid_t pid, int err);
/* The same for a fork() whose child runs sockit on. */
void sys_trace_fork(pid_t pid, int err);
/*
 * Under --step, shows the fork() about to be made and waits for the
 * teacher; called before the caller blocks signals, so Ctrl-C still ends
 * the wait.
 */
void sys_step_fork(void);
/*
 * Traces the call, then replaces the process with file (searched in PATH
 * when it has no slash) and environment envp; returns only on failure.
 */
int sys_execvpe(const char *file, char *const argv[], char *const envp[]);
/*
 * waitpid(2), retried on EINTR; a WNOHANG that finds nothing is traced
 * only in full mode.
 */
pid_t sys_waitpid(pid_t pid, int *status, int flags);
/* kill(2): sends sig to the process pid. Returns 0, or -1 with errno. */
int sys_kill(pid_t pid, int sig);
/*
 * killpg(3): sends sig to every process of the process group pgrp.
 * Returns 0, or -1 with errno (ESRCH: the group has no process left).
 */
int sys_killpg(pid_t pgrp, int sig);
/*
 * setpgid(2): moves the process pid (0: ourselves) into the process group
 * pgid (0: a new one led by pid). Returns 0, or -1 with errno.
 */
int sys_setpgid(pid_t pid, pid_t pgid);
/* inet_pton(3): 1 when text is an address of family, stored in out. */
int sys_inet_pton(int family, const char *text, void *out);
/* inet_ntop(3): out (the text of the 4 or 16 bytes at addr), or NULL. */
const char *sys_inet_ntop(int family, const void *addr, char *out,
    socklen_t cap);
/*
 * close_range(2) from first to the highest descriptor, so a child about to
 * exec keeps only what it was given (one by one where the call is missing).
 * Returns 0 or -1.
 */
int sys_close_range(unsigned first);

/*
 * Lowers the soft RLIMIT_NOFILE to count, the hard limit kept, so the
 * next descriptor past it fails with EMFILE. Returns 0 or -1.
 */
int sys_limit_fds(unsigned long count);
/*
 * Arms ITIMER_REAL to raise SIGALRM every ms milliseconds (0: disarms).
 * Returns 0 or -1.
 */
int sys_alarm_ms(long ms);

/*
 * Moves the calling process into a network namespace of its own, in a
 * user namespace of its own: no interface but a loopback that is down, so
 * nothing it sends can leave. Returns 0 or -1.
 */
int sys_unshare_net(void);

struct sockaddr_in;
/*
 * Adds a route of type unreachable (RTF_REJECT) to dst/mask with the old
 * SIOCADDRT ioctl on fd, any AF_INET socket. Only for a network namespace
 * of sys_unshare_net's: it changes the namespace's routing table. Returns
 * 0 or -1.
 */
int sys_add_reject_route(int fd, const struct sockaddr_in *dst,
    const struct sockaddr_in *mask);

#endif
