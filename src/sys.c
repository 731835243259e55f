/* sys.c: the one socket layer: sockets, options, connecting, closing; sys_*.c hold the rest. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "trace.h"

volatile sig_atomic_t sys_signal_caught;
bool sys_textbook;
void (*sys_state_hook)(int fd, enum sys_state_point point);

bool
sys_retry_eintr(long ret)
{
	return ret == -1 && errno == EINTR && sys_signal_caught == 0;
}

bool
sys_tracing(void)
{
	return (trace_flags & TRACE_ON) != 0;
}

void
sys_state_after(int fd, long rc, bool ended)
{
	int err = errno;

	if (sys_state_hook == NULL || fd < 0)
		return;
	if (ended || (rc == -1 && err != EAGAIN))
		sys_state_hook(fd, SYS_STATE_AFTER);
	errno = err;
}

void
sys_finish(struct strbuf *sb, long ret, int err)
{
	trace_result(sb, ret, err);
	trace_emit(sb);
	errno = err;
}

void
sys_step_simple(const char *fmt, ...)
{
	char line[TRACE_LINE_MAX], text[TRACE_LINE_MAX];
	struct strbuf sb;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, text);
	step_pause(&sb);
}

void
sys_trace_quoted(struct strbuf *sb, const char *s)
{
	if (s == NULL) {
		strbuf_puts(sb, "NULL");
		return;
	}
	strbuf_puts(sb, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_printf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_puts(sb, "\\n");
		else if (c == '\t')
			strbuf_puts(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(sb, "\\x%02x", c);
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_puts(sb, "\"");
}

bool
sys_trace_data_call(long rc, int flags)
{
	if (!sys_tracing())
		return false;
	return rc != -1 || errno != EAGAIN || (trace_flags & TRACE_FULL) ||
	    (sys_textbook && !(flags & MSG_DONTWAIT));
}

void
sys_trace_addr_out(const char *call, int fd, long rc, int err,
    const struct sockaddr *sa, socklen_t len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "%s(%d)", call, fd);
	trace_result(&sb, rc, err);
	if (rc != -1) {
		strbuf_puts(&sb, " ");
		trace_sockaddr(&sb, sa, len);
	}
	trace_emit(&sb);
	errno = err;
}

static void
socket_args(struct strbuf *sb, int family, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	strbuf_puts(sb, "socket(");
	trace_name(sb, trace_family_name(family), family);
	strbuf_puts(sb, ", ");
	trace_name(sb, trace_socktype_name(base), base);
	if (type & SOCK_NONBLOCK)
		strbuf_puts(sb, "|SOCK_NONBLOCK");
	if (type & SOCK_CLOEXEC)
		strbuf_puts(sb, "|SOCK_CLOEXEC");
	strbuf_puts(sb, ", ");
	trace_name(sb, trace_socket_protocol_name(family, protocol),
	    protocol);
	strbuf_puts(sb, ")");
}

int
sys_socket(int family, int type, int protocol)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int fd, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		socket_args(&sb, family, type, protocol);
		step_pause(&sb);
	}
	fd = socket(family, type, protocol);
	err = errno;
	if (!sys_tracing())
		return fd;
	trace_begin(&sb, line, sizeof(line));
	socket_args(&sb, family, type, protocol);
	sys_finish(&sb, fd, err);
	return fd;
}

/* Sets or clears O_NONBLOCK, keeping the other status flags. */
static int
set_blocking_mode(int fd, bool nonblocking)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int flags = fcntl(fd, F_GETFL);
	int rc, err;

	if (flags == -1)
		return -1;
	flags = nonblocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	rc = fcntl(fd, F_SETFL, flags);
	err = errno;
	/* O_NONBLOCK is sockit's plumbing, not the lesson: full mode only. */
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "fcntl(%d, F_SETFL, %s)", fd,
	    nonblocking ? "O_NONBLOCK" : "~O_NONBLOCK");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_high_fd(int fd)
{
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 64);

	if (moved < 0)
		return fd;
	close(fd);
	return moved;
}

int
sys_set_nonblocking(int fd)
{
	return set_blocking_mode(fd, true);
}

int
sys_set_blocking(int fd)
{
	return set_blocking_mode(fd, false);
}

/* An ioctl that reports a byte count, traced by the request's name. */
static int
count_ioctl(int fd, unsigned long request, const char *name, int *count)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = ioctl(fd, request, count);
	int err = errno;

	/* sockit asks these for its own bookkeeping: full mode only. */
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "ioctl(%d, %s", fd, name);
	if (rc == 0)
		strbuf_printf(&sb, ", [%d]", *count);
	strbuf_puts(&sb, ")");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_pending(int fd, int *count)
{
	return count_ioctl(fd, FIONREAD, "FIONREAD", count);
}

int
sys_unsent(int fd, int *count)
{
	return count_ioctl(fd, SIOCOUTQ, "SIOCOUTQ", count);
}

int
sys_sockatmark(int fd)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = sockatmark(fd);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "sockatmark(%d)", fd);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_setsockopt(int fd, int level, int optname, const void *value,
    socklen_t len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "setsockopt(%d, ", fd);
		trace_sockopt(&sb, level, optname, value, len);
		strbuf_puts(&sb, ")");
		step_pause(&sb);
	}
	rc = setsockopt(fd, level, optname, value, len);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setsockopt(%d, ", fd);
	trace_sockopt(&sb, level, optname, value, len);
	strbuf_puts(&sb, ")");
	sys_finish(&sb, rc, err);
	return rc;
}

static void
fd_addr_args(struct strbuf *sb, const char *call, int fd,
    const struct sockaddr *sa, socklen_t len)
{
	strbuf_printf(sb, "%s(%d, ", call, fd);
	trace_sockaddr(sb, sa, len);
	/* The slides pass the length too: sizeof the sockaddr, by value. */
	if (sys_textbook)
		strbuf_printf(sb, ", %u", (unsigned)len);
	strbuf_puts(sb, ")");
}

static void
step_fd_addr(const char *call, int fd, const struct sockaddr *sa,
    socklen_t len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	trace_begin(&sb, line, sizeof(line));
	fd_addr_args(&sb, call, fd, sa, len);
	step_pause(&sb);
}

/* The shared shape of bind and connect: CALL(fd, sockaddr) = RET. */
static void
trace_fd_addr(const char *call, int fd, const struct sockaddr *sa,
    socklen_t len, int rc, int err, const char *note)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	trace_begin(&sb, line, sizeof(line));
	fd_addr_args(&sb, call, fd, sa, len);
	trace_result(&sb, rc, err);
	if (note != NULL)
		strbuf_printf(&sb, " %s", note);
	trace_emit(&sb);
	errno = err;
}

/*
 * A non-blocking connect is two calls: connect says EINPROGRESS, and once
 * poll says the socket is writable, getsockopt(SO_ERROR) says how the
 * handshake ended. The C on a slide is one blocking connect, so the plain
 * trace holds the first line back and prints one connect line with the
 * real outcome, marked as folded; full mode prints the calls as made.
 */
#define FOLD_SLOTS 8
#define FOLD_NOTE "[folded: EINPROGRESS, then SO_ERROR]"

static struct fold {
	bool used;
	int fd;
	struct sockaddr_storage sa;
	socklen_t len;
} folds[FOLD_SLOTS];

static struct fold *
fold_find(int fd)
{
	size_t i;

	for (i = 0; i < FOLD_SLOTS; i++)
		if (folds[i].used && folds[i].fd == fd)
			return &folds[i];
	return NULL;
}

static struct fold *
fold_free_slot(void)
{
	size_t i;

	for (i = 0; i < FOLD_SLOTS; i++)
		if (!folds[i].used)
			return &folds[i];
	return NULL;
}

/* Holds back a connect's EINPROGRESS line; false when no slot is free. */
static bool
fold_hold(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct fold *f;

	if ((trace_flags & TRACE_FULL) || sys_textbook)
		return false;
	f = fold_free_slot();
	if (f == NULL || len > sizeof(f->sa))
		return false;
	f->used = true;
	f->fd = fd;
	memcpy(&f->sa, sa, len);
	f->len = len;
	return true;
}

/*
 * A held connect whose outcome never came (closed while in progress, as
 * when -w ends it) is printed as it returned: EINPROGRESS, the truth.
 */
static void
fold_release(int fd)
{
	struct fold *f = fold_find(fd);

	if (f == NULL)
		return;
	trace_fd_addr("connect", fd, (const struct sockaddr *)&f->sa, f->len,
	    -1, EINPROGRESS, NULL);
	f->used = false;
}

int
sys_getsockopt(int fd, int level, int optname, void *value, socklen_t *len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;
	struct fold *f;

	/* The folded connect's SO_ERROR is part of the connect shown. */
	if (step_wanted() && fold_find(fd) == NULL) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "getsockopt(%d, ", fd);
		trace_sockopt(&sb, level, optname, NULL, *len);
		strbuf_puts(&sb, ")");
		step_pause(&sb);
	}
	rc = getsockopt(fd, level, optname, value, len);
	err = errno;

	if (!sys_tracing())
		return rc;
	f = fold_find(fd);
	if (f != NULL && level == SOL_SOCKET && optname == SO_ERROR &&
	    rc == 0 && *len == sizeof(int)) {
		int so_error = *(const int *)value;

		trace_fd_addr("connect", fd, (const struct sockaddr *)&f->sa,
		    f->len, so_error == 0 ? 0 : -1, so_error, FOLD_NOTE);
		f->used = false;
		sys_state_after(fd, 0, true);
		errno = err;
		return rc;
	}
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getsockopt(%d, ", fd);
	trace_sockopt(&sb, level, optname, rc == 0 ? value : NULL, *len);
	/* The slides pass &optlen, which the kernel sets to the size given. */
	if (sys_textbook && rc == 0)
		strbuf_printf(&sb, ", [%u]", (unsigned)*len);
	strbuf_puts(&sb, ")");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int rc;

	if (step_wanted())
		step_fd_addr("bind", fd, sa, len);
	rc = bind(fd, sa, len);
	if (sys_tracing())
		trace_fd_addr("bind", fd, sa, len, rc, errno, NULL);
	return rc;
}

int
sys_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int rc;

	if (step_wanted())
		step_fd_addr("connect", fd, sa, len);
	/* Not retried: after EINTR the connection goes on in the background. */
	rc = connect(fd, sa, len);
	if (!sys_tracing())
		return rc;
	/* A held line's state comes under the folded line, at SO_ERROR. */
	if (rc == -1 && errno == EINPROGRESS && fold_hold(fd, sa, len))
		return rc;
	trace_fd_addr("connect", fd, sa, len, rc, errno, NULL);
	sys_state_after(fd, rc, true);
	return rc;
}

int
sys_listen(int fd, int backlog)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted())
		sys_step_simple("listen(%d, %d)", fd, backlog);
	rc = listen(fd, backlog);
	err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "listen(%d, %d)", fd, backlog);
	sys_finish(&sb, rc, err);
	sys_state_after(fd, rc, rc == 0);
	return rc;
}

int
sys_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	socklen_t cap = *len;
	int rc;

	if (step_wanted())
		sys_step_simple("accept(%d)", fd);
	do {
		*len = cap;
		rc = accept(fd, sa, len);
	} while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, 0))
		sys_trace_addr_out("accept", fd, rc, errno, sa, *len);
	sys_state_after(rc, rc, true);
	return rc;
}

/* "accept4(fd, FLAGS)", the flags as its caller wrote them. */
static void
accept4_args(struct strbuf *sb, int fd, int flags)
{
	const char *sep = "";

	strbuf_printf(sb, "accept4(%d, ", fd);
	if (flags & SOCK_NONBLOCK) {
		strbuf_puts(sb, "SOCK_NONBLOCK");
		sep = "|";
	}
	if (flags & SOCK_CLOEXEC)
		strbuf_printf(sb, "%sSOCK_CLOEXEC", sep);
	else if (*sep == '\0')
		strbuf_puts(sb, "0");
	strbuf_puts(sb, ")");
}

int
sys_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	socklen_t cap = *len;
	int rc, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		accept4_args(&sb, fd, flags);
		step_pause(&sb);
	}
	do {
		*len = cap;
		rc = accept4(fd, sa, len, flags);
	} while (sys_retry_eintr(rc));
	err = errno;
	if (sys_trace_data_call(rc, 0)) {
		trace_begin(&sb, line, sizeof(line));
		accept4_args(&sb, fd, flags);
		trace_result(&sb, rc, err);
		if (rc != -1) {
			strbuf_puts(&sb, " ");
			trace_sockaddr(&sb, sa, *len);
		}
		trace_emit(&sb);
	}
	errno = err;
	sys_state_after(rc, rc, true);
	return rc;
}

int
sys_accept_intr(int fd, struct sockaddr *sa, socklen_t *len)
{
	int rc;

	if (step_wanted())
		sys_step_simple("accept(%d)", fd);
	rc = accept(fd, sa, len);
	if (sys_trace_data_call(rc, 0))
		sys_trace_addr_out("accept", fd, rc, errno, sa, *len);
	sys_state_after(rc, rc, true);
	return rc;
}

int
sys_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	int rc;

	if (step_wanted())
		sys_step_simple("getsockname(%d)", fd);
	rc = getsockname(fd, sa, len);
	if (sys_tracing())
		sys_trace_addr_out("getsockname", fd, rc, errno, sa, *len);
	return rc;
}

int
sys_getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	int rc;

	if (step_wanted())
		sys_step_simple("getpeername(%d)", fd);
	rc = getpeername(fd, sa, len);
	if (sys_tracing())
		sys_trace_addr_out("getpeername", fd, rc, errno, sa, *len);
	return rc;
}

int
sys_shutdown(int fd, int how)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted())
		sys_step_simple("shutdown(%d, %s)", fd,
		    trace_shutdown_name(how) ? trace_shutdown_name(how) : "?");
	rc = shutdown(fd, how);
	err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "shutdown(%d, ", fd);
	trace_name(&sb, trace_shutdown_name(how), how);
	strbuf_puts(&sb, ")");
	sys_finish(&sb, rc, err);
	sys_state_after(fd, rc, true);
	return rc;
}

int
sys_close(int fd)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted())
		sys_step_simple("close(%d)", fd);
	/* The connection's addresses are known only while fd is. */
	if (sys_state_hook != NULL)
		sys_state_hook(fd, SYS_STATE_CLOSING);
	/* Never retried: on Linux the descriptor is gone even after EINTR. */
	rc = close(fd);
	err = errno;
	if (!sys_tracing())
		return rc;
	fold_release(fd);
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "close(%d)", fd);
	sys_finish(&sb, rc, err);
	if (sys_state_hook != NULL)
		sys_state_hook(fd, SYS_STATE_CLOSED);
	errno = err;
	return rc;
}

int
sys_socketpair(int family, int type, int protocol, int fds[2])
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "socketpair(");
		trace_name(&sb, trace_family_name(family), family);
		strbuf_puts(&sb, ", ");
		trace_name(&sb, trace_socktype_name(type), type);
		strbuf_puts(&sb, ", ");
		trace_name(&sb, trace_protocol_name(protocol), protocol);
		strbuf_puts(&sb, ", sv)");
		step_pause(&sb);
	}
	rc = socketpair(family, type, protocol, fds);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "socketpair(");
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ", ");
	trace_name(&sb, trace_socktype_name(type), type);
	strbuf_puts(&sb, ", ");
	trace_name(&sb, trace_protocol_name(protocol), protocol);
	if (rc == 0)
		strbuf_printf(&sb, ", [%d, %d])", fds[0], fds[1]);
	else
		strbuf_puts(&sb, ")");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_unlink(const char *path)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = unlink(path);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "unlink(\"%s\")", path);
	sys_finish(&sb, rc, err);
	return rc;
}
