/* sys_data.c: the socket layer's data calls: send and receive, read and write, splice. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "trace.h"

/*
 * MSG_NOSIGNAL keeps a send to a closed peer from raising SIGPIPE; sockit
 * ignores SIGPIPE anyway, so textbook mode sends with the flags of the
 * slides, and a closed peer is EPIPE all the same.
 */
static int
nosignal(void)
{
	return sys_textbook ? 0 : MSG_NOSIGNAL;
}

/*
 * The buffer argument of a data call: what was sent, or what arrived
 * (never more than the buffer holds, though MSG_TRUNC may return more);
 * a receive that failed filled nothing, so strace's address stands in.
 */
static void
trace_data_buffer(struct strbuf *sb, const void *buf, size_t len, long rc,
    bool incoming)
{
	if (!incoming)
		trace_buffer(sb, buf, len);
	else if (rc < 0)
		strbuf_printf(sb, "%p", buf);
	else
		trace_buffer(sb, buf, (size_t)rc < len ? (size_t)rc : len);
}

/* rc of a data call not made yet: its line for --step. */
#define STEP_PENDING (-2)

static void
data_args(struct strbuf *sb, const char *call, int fd, const void *buf,
    size_t len, int flags, long rc, const struct sockaddr *sa,
    socklen_t salen, bool incoming)
{
	strbuf_printf(sb, "%s(%d, ", call, fd);
	if (incoming && rc == STEP_PENDING)
		strbuf_puts(sb, "buf");
	else
		trace_data_buffer(sb, buf, len, rc, incoming);
	strbuf_printf(sb, ", %zu", len);
	if (flags >= 0) {
		strbuf_puts(sb, ", ");
		trace_msg_flags(sb, flags);
	}
	if (sa != NULL) {
		strbuf_puts(sb, ", ");
		if (incoming && rc == STEP_PENDING)
			strbuf_puts(sb, "&addr");
		else if (incoming && rc < 0)
			strbuf_printf(sb, "%p", (const void *)sa);
		else
			trace_sockaddr(sb, sa, salen);
		if (sys_textbook && !incoming)
			strbuf_printf(sb, ", %u", (unsigned)salen);
	}
	strbuf_puts(sb, ")");
}

/*
 * The shared shape of data calls, their C prototype:
 * send(fd, "buf", len, FLAGS) = RET, recvfrom(fd, "buf", len, FLAGS, {addr}).
 * flags < 0 is a call without flags (read, write).
 */
static void
trace_data(const char *call, int fd, const void *buf, size_t len, int flags,
    long rc, int err, const struct sockaddr *sa, socklen_t salen,
    bool incoming)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	trace_begin(&sb, line, sizeof(line));
	data_args(&sb, call, fd, buf, len, flags, rc, sa, salen, incoming);
	sys_finish(&sb, rc, err);
}

/*
 * --step before a data call: what goes out is known; what comes in is
 * not yet, so the C names of the arguments stand in, buf and &addr.
 */
static void
step_data(const char *call, int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *sa, socklen_t salen, bool incoming)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	if (flags >= 0 && (flags & MSG_DONTWAIT))
		return;
	trace_begin(&sb, line, sizeof(line));
	data_args(&sb, call, fd, buf, len, flags, STEP_PENDING, sa, salen,
	    incoming);
	step_pause(&sb);
}

/*
 * An iovec array as strace prints it, [{iov_base="...", iov_len=N}]; for
 * a receive, rc says how many bytes arrived to fill the buffers in order.
 */
static void
trace_iov(struct strbuf *sb, const struct iovec *iov, size_t count, long rc,
    bool incoming)
{
	size_t i, left = rc > 0 ? (size_t)rc : 0;

	strbuf_puts(sb, "[");
	for (i = 0; i < count; i++) {
		size_t got = left < iov[i].iov_len ? left : iov[i].iov_len;

		strbuf_puts(sb, i > 0 ? ", {iov_base=" : "{iov_base=");
		if (incoming)
			trace_data_buffer(sb, iov[i].iov_base, iov[i].iov_len,
			    rc < 0 ? -1 : (long)got, true);
		else
			trace_buffer(sb, iov[i].iov_base, iov[i].iov_len);
		strbuf_printf(sb, ", iov_len=%zu}", iov[i].iov_len);
		left -= got;
	}
	strbuf_puts(sb, "]");
}

/* The most of a message with a secret in it that a trace line shows. */
#define SHOWN_MAX 1024

/*
 * Copies buf's first len bytes, SHOWN_MAX at most, into shown with those
 * from secret_at to secret_end as '*': a trace is pasted into bug
 * reports, a password must not be. Returns how many were copied.
 */
static size_t
masked_copy(unsigned char *shown, const void *buf, size_t len,
    size_t secret_at, size_t secret_end)
{
	size_t n = len < SHOWN_MAX ? len : SHOWN_MAX, i;

	memcpy(shown, buf, n);
	for (i = secret_at; i < secret_end && i < n; i++)
		shown[i] = '*';
	return n;
}

/*
 * send(2), with the trace and --step showing shown's n bytes: buf itself
 * for a plain send, which so pays for no copy, or a masked copy of it.
 */
static inline ssize_t
send_showing(int fd, const void *buf, size_t len, int flags,
    const void *shown, size_t n)
{
	ssize_t rc;

	if (step_wanted())
		step_data("send", fd, shown, n, flags | nosignal(), NULL, 0,
		    false);
	do
		rc = send(fd, buf, len, flags | nosignal());
	while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, flags))
		trace_data("send", fd, shown, n, flags | nosignal(), rc,
		    errno, NULL, 0, false);
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_send(int fd, const void *buf, size_t len, int flags)
{
	return send_showing(fd, buf, len, flags, buf, len);
}

ssize_t
sys_send_secret(int fd, const void *buf, size_t len, int flags,
    size_t secret_at, size_t secret_end)
{
	unsigned char shown[SHOWN_MAX];
	size_t n = masked_copy(shown, buf, len, secret_at, secret_end);

	return send_showing(fd, buf, len, flags, shown, n);
}

/* recv as sys_recv makes it, for the caller to trace, or to mask first. */
static inline ssize_t
recv_stepped(int fd, void *buf, size_t len, int flags)
{
	ssize_t rc;

	if (step_wanted())
		step_data("recv", fd, buf, len, flags, NULL, 0, true);
	do
		rc = recv(fd, buf, len, flags);
	while (sys_retry_eintr(rc));
	return rc;
}

ssize_t
sys_recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t rc = recv_stepped(fd, buf, len, flags);

	if (sys_trace_data_call(rc, flags))
		trace_data("recv", fd, buf, len, flags, rc, errno, NULL, 0,
		    true);
	/* 0 is the peer's FIN: CLOSE_WAIT, or TIME_WAIT after ours. */
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_recv_secret(int fd, void *buf, size_t len, int flags)
{
	ssize_t rc = recv_stepped(fd, buf, len, flags);

	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

void
sys_recv_shown(int fd, const void *buf, size_t len, int flags, ssize_t rc,
    int err, size_t secret_at, size_t secret_end)
{
	unsigned char shown[SHOWN_MAX];
	size_t got = rc > 0 ? (size_t)rc : 0;
	int saved = errno;

	/* MSG_TRUNC may say more arrived than the buffer holds. */
	masked_copy(shown, buf, got < len ? got : len, secret_at, secret_end);
	errno = err;
	/* The line shows a few dozen bytes at most, all in the copy. */
	if (sys_trace_data_call(rc, flags))
		trace_data("recv", fd, rc < 0 ? buf : shown, len, flags, rc,
		    err, NULL, 0, true);
	errno = saved;
}

ssize_t
sys_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *sa, socklen_t salen)
{
	ssize_t rc;

	if (step_wanted())
		step_data("sendto", fd, buf, len, flags | nosignal(), sa,
		    salen, false);
	do
		rc = sendto(fd, buf, len, flags | nosignal(), sa, salen);
	while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, flags))
		trace_data("sendto", fd, buf, len, flags | nosignal(), rc,
		    errno, sa, salen, false);
	return rc;
}

ssize_t
sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *sa,
    socklen_t *salen)
{
	socklen_t cap = *salen;
	ssize_t rc;

	if (step_wanted())
		step_data("recvfrom", fd, buf, len, flags, sa, cap, true);
	do {
		*salen = cap;
		rc = recvfrom(fd, buf, len, flags, sa, salen);
	} while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, flags))
		trace_data("recvfrom", fd, buf, len, flags, rc, errno, sa,
		    *salen, true);
	return rc;
}

/* Lengths a sendmmsg line lists before "...", but in full mode. */
#define TRACE_MMSG_SHOWN 4

int
sys_sendmmsg(int fd, struct mmsghdr *msgs, unsigned count)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	unsigned i;
	int rc, err;

	do
		rc = sendmmsg(fd, msgs, count, MSG_NOSIGNAL);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_trace_data_call(rc, 0))
		return rc;
	/*
	 * Each message as {"bytes", length}, and its destination when it
	 * has one, as sendto would give it.
	 */
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "sendmmsg(%d, [", fd);
	for (i = 0; i < count; i++) {
		const struct msghdr *h = &msgs[i].msg_hdr;

		if (i == TRACE_MMSG_SHOWN && !(trace_flags & TRACE_FULL)) {
			strbuf_puts(&sb, ", ...");
			break;
		}
		strbuf_puts(&sb, i > 0 ? ", {" : "{");
		trace_buffer(&sb, h->msg_iov[0].iov_base,
		    h->msg_iov[0].iov_len);
		strbuf_printf(&sb, ", %zu", h->msg_iov[0].iov_len);
		if (h->msg_name != NULL) {
			strbuf_puts(&sb, ", ");
			trace_sockaddr(&sb, h->msg_name, h->msg_namelen);
		}
		strbuf_puts(&sb, "}");
	}
	strbuf_printf(&sb, "], %u, ", count);
	trace_msg_flags(&sb, MSG_NOSIGNAL);
	strbuf_puts(&sb, ")");
	trace_result(&sb, rc, err);
	trace_emit(&sb);
	errno = err;
	return rc;
}

/* Appends the control messages in msg: , msg_control=[IP_PKTINFO {...}]. */
static void
trace_control(struct strbuf *sb, const struct msghdr *msg)
{
	struct cmsghdr *c;
	const char *sep = "";

	if (msg->msg_controllen == 0)
		return;
	strbuf_puts(sb, ", msg_control=[");
	for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		strbuf_puts(sb, sep);
		trace_cmsg(sb, c);
		sep = ", ";
	}
	strbuf_puts(sb, "]");
}

/*
 * A msghdr as strace prints it, the fields a lesson needs:
 * {msg_name={AF_INET, ...}, msg_iov=[...], msg_control=[...]}.
 */
static void
trace_msghdr(struct strbuf *sb, const struct msghdr *msg, long rc,
    bool incoming)
{
	strbuf_puts(sb, "{");
	if (msg->msg_name != NULL) {
		strbuf_puts(sb, "msg_name=");
		if (incoming && rc < 0)
			strbuf_printf(sb, "%p", msg->msg_name);
		else
			trace_sockaddr(sb, msg->msg_name, msg->msg_namelen);
		strbuf_puts(sb, ", ");
	}
	strbuf_puts(sb, "msg_iov=");
	trace_iov(sb, msg->msg_iov, msg->msg_iovlen, rc, incoming);
	if (!incoming || rc >= 0)
		trace_control(sb, msg);
	if (incoming && rc >= 0 && msg->msg_flags != 0) {
		strbuf_puts(sb, ", msg_flags=");
		trace_msg_flags(sb, msg->msg_flags);
	}
	strbuf_puts(sb, "}");
}

ssize_t
sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	socklen_t cap = msg->msg_namelen;
	size_t ccap = msg->msg_controllen;
	ssize_t rc;
	int err;

	do {
		msg->msg_namelen = cap;
		msg->msg_controllen = ccap;
		rc = recvmsg(fd, msg, flags);
	} while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_trace_data_call(rc, flags))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "recvmsg(%d, ", fd);
	trace_msghdr(&sb, msg, rc, true);
	strbuf_puts(&sb, ", ");
	trace_msg_flags(&sb, flags);
	strbuf_puts(&sb, ")");
	trace_result(&sb, rc, err);
	trace_emit(&sb);
	errno = err;
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	ssize_t rc;
	int err;

	do
		rc = sendmsg(fd, msg, flags | MSG_NOSIGNAL);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_trace_data_call(rc, flags))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "sendmsg(%d, ", fd);
	trace_msghdr(&sb, msg, rc, false);
	strbuf_puts(&sb, ", ");
	trace_msg_flags(&sb, flags | MSG_NOSIGNAL);
	strbuf_puts(&sb, ")");
	trace_result(&sb, rc, err);
	trace_emit(&sb);
	errno = err;
	return rc;
}

int
sys_recvmmsg(int fd, struct mmsghdr *msgs, unsigned count, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err, i;

	do
		rc = recvmmsg(fd, msgs, count, flags | MSG_DONTWAIT, NULL);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_trace_data_call(rc, flags | MSG_DONTWAIT))
		return rc;
	/*
	 * Each datagram that came as {"bytes", room} = length {sender}, the
	 * shape of a recvfrom line; nothing came when the call failed.
	 */
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "recvmmsg(%d, [", fd);
	for (i = 0; i < rc; i++) {
		const struct msghdr *h = &msgs[i].msg_hdr;
		size_t room = h->msg_iov[0].iov_len;

		if (i == TRACE_MMSG_SHOWN && !(trace_flags & TRACE_FULL)) {
			strbuf_puts(&sb, ", ...");
			break;
		}
		strbuf_puts(&sb, i > 0 ? ", {" : "{");
		trace_buffer(&sb, h->msg_iov[0].iov_base,
		    msgs[i].msg_len < room ? msgs[i].msg_len : room);
		strbuf_printf(&sb, ", %zu} = %u", room, msgs[i].msg_len);
		if (h->msg_name != NULL) {
			strbuf_puts(&sb, " ");
			trace_sockaddr(&sb, h->msg_name, h->msg_namelen);
		}
		trace_control(&sb, h);
	}
	strbuf_printf(&sb, "], %u, ", count);
	trace_msg_flags(&sb, flags | MSG_DONTWAIT);
	strbuf_puts(&sb, ", NULL)");
	trace_result(&sb, rc, err);
	trace_emit(&sb);
	errno = err;
	return rc;
}

ssize_t
sys_read(int fd, void *buf, size_t len)
{
	ssize_t rc;

	if (step_wanted() && ((trace_flags & TRACE_FULL) || sys_textbook))
		step_data("read", fd, buf, len, -1, NULL, 0, true);
	do
		rc = read(fd, buf, len);
	while (sys_retry_eintr(rc));
	if (sys_tracing() && ((trace_flags & TRACE_FULL) || sys_textbook))
		trace_data("read", fd, buf, len, -1, rc, errno, NULL, 0,
		    true);
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_read_nowait(int fd, void *buf, size_t len)
{
	struct iovec iov = { buf, len };
	ssize_t rc;

	do
		rc = preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
	while (sys_retry_eintr(rc));
	if (sys_tracing() && (trace_flags & TRACE_FULL)) {
		char line[TRACE_LINE_MAX];
		struct strbuf sb;

		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "preadv2(%d, ", fd);
		trace_iov(&sb, &iov, 1, rc, true);
		strbuf_puts(&sb, ", 1, -1, RWF_NOWAIT)");
		sys_finish(&sb, rc, errno);
	}
	return rc;
}

ssize_t
sys_splice(int in, int out, size_t len, bool socket_side)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	ssize_t rc;
	int err;

	/*
	 * SPLICE_F_NONBLOCK makes the pipe end never wait, whatever its
	 * O_NONBLOCK; a TCP socket end waits only when a lane left alone
	 * made it blocking, each wait bounded by SO_RCVTIMEO or SO_SNDTIMEO.
	 */
	do
		rc = splice(in, NULL, out, NULL, len,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	while (sys_retry_eintr(rc));
	err = errno;
	/*
	 * A splice moves the bytes as recv and send would: each shows, but
	 * its EAGAIN only in full mode, as theirs.
	 */
	(void)socket_side;
	if (sys_trace_data_call(rc, MSG_DONTWAIT)) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "splice(%d, NULL, %d, NULL, %zu, "
		    "SPLICE_F_MOVE|SPLICE_F_NONBLOCK)", in, out, len);
		sys_finish(&sb, rc, err);
	}
	sys_state_after(in, rc, rc >= 0);
	sys_state_after(out, rc, rc >= 0);
	errno = err;
	return rc;
}

int
sys_pipe(int fds[2], size_t size)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = pipe2(fds, O_CLOEXEC | O_NONBLOCK), err = errno, got = -1;
	int set_err = 0, cap = 0;

	/*
	 * F_SETPIPE_SZ answers with the size it gave (rounded up to whole
	 * pages), so no F_GETPIPE_SZ is needed after it; only a refusal
	 * (past /proc/sys/fs/pipe-max-size without the privilege) asks.
	 */
	if (rc == 0 && size > 0) {
		got = fcntl(fds[1], F_SETPIPE_SZ, (int)size);
		set_err = errno;
		cap = got > 0 ? got : fcntl(fds[1], F_GETPIPE_SZ);
	}
	if (sys_tracing() && (trace_flags & TRACE_FULL)) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "pipe2(");
		if (rc == 0)
			strbuf_printf(&sb, "[%d, %d]", fds[0], fds[1]);
		else
			strbuf_puts(&sb, "[]");
		strbuf_puts(&sb, ", O_CLOEXEC|O_NONBLOCK)");
		sys_finish(&sb, rc, err);
		if (rc == 0 && size > 0) {
			trace_begin(&sb, line, sizeof(line));
			strbuf_printf(&sb, "fcntl(%d, F_SETPIPE_SZ, %zu)",
			    fds[1], size);
			sys_finish(&sb, got, set_err);
		}
	}
	errno = err;
	return rc < 0 ? -1 : cap > 0 ? cap : 0;
}

ssize_t
sys_write(int fd, const void *buf, size_t len)
{
	ssize_t rc;

	if (step_wanted() && ((trace_flags & TRACE_FULL) || sys_textbook))
		step_data("write", fd, buf, len, -1, NULL, 0, false);
	do
		rc = write(fd, buf, len);
	while (sys_retry_eintr(rc));
	if (sys_tracing() && ((trace_flags & TRACE_FULL) || sys_textbook))
		trace_data("write", fd, buf, len, -1, rc, errno, NULL, 0,
		    false);
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_writev(int fd, const struct iovec *iov, int count)
{
	ssize_t rc;

	do
		rc = writev(fd, iov, count);
	while (sys_retry_eintr(rc));
	if (sys_tracing() && (trace_flags & TRACE_FULL)) {
		char line[TRACE_LINE_MAX];
		struct strbuf sb;

		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "writev(%d, ", fd);
		trace_iov(&sb, iov, (size_t)count, rc, false);
		strbuf_printf(&sb, ", %d)", count);
		sys_finish(&sb, rc, errno);
	}
	return rc;
}
