/* sys_data.h: the data calls of the socket layer, traced, errno kept. */
#ifndef SOCKIT_SYS_DATA_H
#define SOCKIT_SYS_DATA_H

#include "compat.h"

#include <sys/socket.h>

ssize_t sys_send(int fd, const void *buf, size_t len, int flags);
/*
 * sys_send for a message that holds a password: the bytes from secret_at
 * up to secret_end are shown as '*' in the trace.
 */
ssize_t sys_send_secret(int fd, const void *buf, size_t len, int flags,
    size_t secret_at, size_t secret_end);
ssize_t sys_recv(int fd, void *buf, size_t len, int flags);
/*
 * sys_recv for bytes that may hold a password, whose place is known only
 * once they are parsed: the call is made and returned without its trace
 * line, which the caller writes with sys_recv_shown, and errno is kept.
 */
ssize_t sys_recv_secret(int fd, void *buf, size_t len, int flags);
/*
 * The trace line of that call (rc and err its return and errno), the
 * bytes from secret_at up to secret_end shown as '*'. Keeps errno.
 */
void sys_recv_shown(int fd, const void *buf, size_t len, int flags,
    ssize_t rc, int err, size_t secret_at, size_t secret_end);
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
 * when it can be (size 0: as it comes). Returns the pipe's size in bytes
 * (0: size was 0, or the system would not say), or -1 with errno.
 */
int sys_pipe(int fds[2], size_t size);

#endif
