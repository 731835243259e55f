/* sys.c: the one socket layer; each call is made here, traced, errno kept. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <net/route.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "tcpdiag.h"
#include "trace.h"

volatile sig_atomic_t sys_signal_caught;
bool sys_textbook;
int sys_signal_wakeup_fd = -1;
int sys_signal_notify_fd = -1;
void (*sys_state_hook)(int fd, enum sys_state_point point);

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
trace_hints(struct strbuf *sb, const struct addrinfo *hints)
{
	static const struct {
		int bit;
		const char *name;
	} flags[] = {
		{ AI_PASSIVE, "AI_PASSIVE" }, { AI_CANONNAME, "AI_CANONNAME" },
		{ AI_NUMERICHOST, "AI_NUMERICHOST" },
		{ AI_NUMERICSERV, "AI_NUMERICSERV" },
		{ AI_ADDRCONFIG, "AI_ADDRCONFIG" },
		{ AI_V4MAPPED, "AI_V4MAPPED" }, { AI_ALL, "AI_ALL" },
	};
	const char *sep = ", ";
	size_t i;

	strbuf_puts(sb, "{");
	trace_name(sb, trace_family_name(hints->ai_family), hints->ai_family);
	strbuf_puts(sb, ", ");
	trace_name(sb, trace_socktype_name(hints->ai_socktype),
	    hints->ai_socktype);
	/* ai_flags is one field: its bits joined as C joins them. */
	for (i = 0; i < ARRAY_LEN(flags); i++)
		if (hints->ai_flags & flags[i].bit) {
			strbuf_printf(sb, "%s%s", sep, flags[i].name);
			sep = "|";
		}
	strbuf_puts(sb, "}");
}

static void
getaddrinfo_args(struct strbuf *sb, const char *host, const char *service,
    const struct addrinfo *hints)
{
	strbuf_puts(sb, "getaddrinfo(");
	sys_trace_quoted(sb, host);
	strbuf_puts(sb, ", ");
	sys_trace_quoted(sb, service);
	strbuf_puts(sb, ", ");
	trace_hints(sb, hints);
	strbuf_puts(sb, ")");
}

int
sys_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **result)
{
	char line[TRACE_LINE_MAX], text[ADDR_TEXT_MAX];
	struct strbuf sb;
	const struct addrinfo *ai;
	int rc, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		getaddrinfo_args(&sb, host, service, hints);
		step_pause(&sb);
	}
	rc = getaddrinfo(host, service, hints, result);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	getaddrinfo_args(&sb, host, service, hints);
	strbuf_puts(&sb, " = ");
	if (rc != 0) {
		trace_name(&sb, trace_eai_name(rc), rc);
		strbuf_printf(&sb, " (%s)", i18n_eai_text_english(rc));
	} else {
		strbuf_puts(&sb, "[");
		for (ai = *result; ai != NULL; ai = ai->ai_next) {
			strbuf_puts(&sb, addr_format(ai->ai_addr,
			    ai->ai_addrlen, text, sizeof(text)));
			if (ai->ai_next != NULL)
				strbuf_puts(&sb, ", ");
		}
		strbuf_puts(&sb, "]");
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}

/* Appends ", NI_NAMEREQD|NI_DGRAM" and the like; nothing for no flags. */
static void
trace_ni_flags(struct strbuf *sb, int flags)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ NI_NUMERICHOST, "NI_NUMERICHOST" },
		{ NI_NUMERICSERV, "NI_NUMERICSERV" },
		{ NI_NOFQDN, "NI_NOFQDN" }, { NI_NAMEREQD, "NI_NAMEREQD" },
		{ NI_DGRAM, "NI_DGRAM" },
	};
	const char *sep = ", ";
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		if (flags & names[i].bit) {
			strbuf_printf(sb, "%s%s", sep, names[i].name);
			sep = "|";
		}
	}
}

int
sys_getnameinfo(const struct sockaddr *sa, socklen_t len, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	rc = getnameinfo(sa, len, host, hostlen, serv, servlen, flags);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getnameinfo(");
	trace_sockaddr(&sb, sa, len);
	trace_ni_flags(&sb, flags);
	strbuf_puts(&sb, ") = ");
	if (rc != 0) {
		trace_name(&sb, trace_eai_name(rc), rc);
		strbuf_printf(&sb, " (%s)", i18n_eai_text_english(rc));
	} else {
		strbuf_printf(&sb, "0 {host=\"%s\", serv=\"%s\"}",
		    host ? host : "", serv ? serv : "");
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}

static void
socket_args(struct strbuf *sb, int family, int type, int protocol)
{
	strbuf_puts(sb, "socket(");
	trace_name(sb, trace_family_name(family), family);
	strbuf_puts(sb, ", ");
	trace_name(sb, trace_socktype_name(type), type);
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

/*
 * The kernel's numbers of the TCP states in tcpi_state (net/tcp_states.h);
 * netinet/tcp.h names them too, but cannot be included with linux/tcp.h,
 * whose struct tcp_info is the one with the byte counts.
 */
enum kernel_tcp_state {
	STATE_FIN_WAIT2 = 5,
	STATE_TIME_WAIT = 6,
	STATE_CLOSE_WAIT = 8,
	STATE_LAST_ACK = 9,
	STATE_CLOSING = 11,
};

int
sys_tcp_bytes(int fd, bool active_open, uint64_t *sent, uint64_t *received)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int rc, err;

	memset(&info, 0, sizeof(info));
	rc = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	err = errno;
	/* A kernel older than 4.2 fills less of the struct: no counts. */
	if (rc == 0 && len < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(info.tcpi_bytes_received)) {
		rc = -1;
		err = EOPNOTSUPP;
	}
	/*
	 * Both counts are of sequence space, where SYN and FIN take one
	 * number each: the SYN of an active open is in bytes_acked, and a FIN
	 * once the state says it went by.
	 */
	*sent = info.tcpi_bytes_acked;
	*received = info.tcpi_bytes_received;
	if (rc == 0) {
		bool fin_in = info.tcpi_state == STATE_CLOSE_WAIT ||
		    info.tcpi_state == STATE_LAST_ACK ||
		    info.tcpi_state == STATE_CLOSING ||
		    info.tcpi_state == STATE_TIME_WAIT;
		bool fin_out_acked = info.tcpi_state == STATE_FIN_WAIT2 ||
		    info.tcpi_state == STATE_TIME_WAIT;

		if (fin_in && *received > 0)
			(*received)--;
		if (fin_out_acked && *sent > 0)
			(*sent)--;
		if (active_open && *sent > 0)
			(*sent)--;
	}
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "getsockopt(%d, IPPROTO_TCP, TCP_INFO, ",
		    fd);
		if (rc == 0)
			strbuf_printf(&sb, "{tcpi_bytes_acked=%llu, "
			    "tcpi_bytes_received=%llu})",
			    (unsigned long long)*sent,
			    (unsigned long long)*received);
		else
			strbuf_puts(&sb, "[])");
		sys_finish(&sb, rc, err);
	}
	errno = err;
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


ssize_t
sys_send(int fd, const void *buf, size_t len, int flags)
{
	ssize_t rc;

	if (step_wanted())
		step_data("send", fd, buf, len, flags | nosignal(), NULL, 0,
		    false);
	do
		rc = send(fd, buf, len, flags | nosignal());
	while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, flags))
		trace_data("send", fd, buf, len, flags | nosignal(), rc,
		    errno, NULL, 0, false);
	sys_state_after(fd, rc, rc >= 0);
	return rc;
}

ssize_t
sys_recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t rc;

	if (step_wanted())
		step_data("recv", fd, buf, len, flags, NULL, 0, true);
	do
		rc = recv(fd, buf, len, flags);
	while (sys_retry_eintr(rc));
	if (sys_trace_data_call(rc, flags))
		trace_data("recv", fd, buf, len, flags, rc, errno, NULL, 0,
		    true);
	/* 0 is the peer's FIN: CLOSE_WAIT, or TIME_WAIT after ours. */
	sys_state_after(fd, rc, rc >= 0);
	return rc;
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

/* Whether a failed look at fd only means it is no TCP socket. */
static bool
not_tcp(int err)
{
	return err == ENOTSOCK || err == EOPNOTSUPP || err == ENOPROTOOPT ||
	    err == EBADF;
}

int
sys_tcp_look(int fd, struct sys_tcp_look *out)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int rc, err;

	memset(&info, 0, sizeof(info));
	rc = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	err = errno;
	out->state = info.tcpi_state;
	out->queued = info.tcpi_unacked;
	out->backlog = info.tcpi_sacked;
	if (!sys_tracing() || !(trace_flags & TRACE_FULL) ||
	    (rc < 0 && not_tcp(err)))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getsockopt(%d, IPPROTO_TCP, TCP_INFO, ", fd);
	if (rc == 0) {
		const char *name = tcpdiag_state_name(info.tcpi_state);

		strbuf_puts(&sb, "{tcpi_state=");
		if (name != NULL)
			strbuf_printf(&sb, "TCP_%s", name);
		else
			strbuf_printf(&sb, "%u", (unsigned)info.tcpi_state);
		strbuf_printf(&sb, ", tcpi_unacked=%u, tcpi_sacked=%u, ...})",
		    out->queued, out->backlog);
	}
	else
		strbuf_puts(&sb, "[])");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_tcp_ends(int fd, struct sockaddr_storage *local,
    struct sockaddr_storage *remote)
{
	socklen_t llen = sizeof(*local), rlen = sizeof(*remote);
	bool shown = sys_tracing() && (trace_flags & TRACE_FULL);
	int rc = getsockname(fd, (struct sockaddr *)local, &llen);

	if (shown)
		sys_trace_addr_out("getsockname", fd, rc, errno,
		    (struct sockaddr *)local, llen);
	if (rc < 0)
		return rc;
	rc = getpeername(fd, (struct sockaddr *)remote, &rlen);
	if (shown)
		sys_trace_addr_out("getpeername", fd, rc, errno,
		    (struct sockaddr *)remote, rlen);
	return rc;
}

/* One line of sock_diag plumbing, in full mode only: CALL = RET. */
static void
trace_plumbing(const char *text, long rc, int err)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	if (!sys_tracing() || !(trace_flags & TRACE_FULL)) {
		errno = err;
		return;
	}
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, text);
	sys_finish(&sb, rc, err);
}

ssize_t
sys_sock_diag(const void *request, size_t len, void *reply, size_t cap)
{
	char text[160];
	ssize_t rc;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	trace_plumbing("socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG)",
	    fd, errno);
	if (fd < 0)
		return -1;
	do
		rc = send(fd, request, len, 0);
	while (sys_retry_eintr(rc));
	snprintf(text, sizeof(text), "send(%d, {{nlmsg_type="
	    "SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST}, "
	    "inet_diag_req_v2}, %zu, 0)", fd, len);
	trace_plumbing(text, rc, errno);
	if (rc >= 0) {
		do
			rc = recv(fd, reply, cap, 0);
		while (sys_retry_eintr(rc));
		snprintf(text, sizeof(text), "recv(%d, {inet_diag_msg}, %zu, "
		    "0)", fd, cap);
		trace_plumbing(text, rc, errno);
	}
	err = errno;
	snprintf(text, sizeof(text), "close(%d)", fd);
	trace_plumbing(text, close(fd), errno);
	errno = err;
	return rc;
}

int
sys_unix_diag_request(void)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct {
		struct nlmsghdr h;
		struct unix_diag_req req;
	} msg;
	ssize_t rc;
	int fd, err;

	fd = sys_socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = AF_UNIX;
	/* Every state: a datagram socket is "unconnected", a server listens. */
	msg.req.udiag_states = ~0u;
	msg.req.udiag_show = UDIAG_SHOW_VFS;
	do
		rc = send(fd, &msg, sizeof(msg), 0);
	while (sys_retry_eintr(rc));
	err = errno;
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "send(%d, ", fd);
		trace_unix_diag_request(&sb, &msg.h, &msg.req);
		strbuf_printf(&sb, ", %zu, 0)", sizeof(msg));
		sys_finish(&sb, rc, err);
	}
	if (rc < 0) {
		sys_close(fd);
		errno = err;
		return -1;
	}
	return fd;
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

struct bit_name {
	uint32_t bit;
	const char *name;
};

/* Appends the names of value's bits, joined by |, or 0 when none is set. */
static void
trace_bit_names(struct strbuf *sb, uint32_t value,
    const struct bit_name *names, size_t n)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (value & names[i].bit) {
			strbuf_printf(sb, "%s%s", sep, names[i].name);
			sep = "|";
		}
	}
	if (*sep == '\0')
		strbuf_puts(sb, "0");
}

static void
trace_poll_events(struct strbuf *sb, short events)
{
	static const struct bit_name names[] = {
		{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" },
		{ POLLOUT, "POLLOUT" }, { POLLRDHUP, "POLLRDHUP" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" },
		{ POLLNVAL, "POLLNVAL" },
	};

	trace_bit_names(sb, (unsigned short)events, names, ARRAY_LEN(names));
}

/* Appends epoll's event bits by name, EPOLLIN|EPOLLET, or 0. */
static void
trace_epoll_events(struct strbuf *sb, uint32_t events)
{
	static const struct bit_name names[] = {
		{ EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" },
		{ EPOLLOUT, "EPOLLOUT" }, { EPOLLRDHUP, "EPOLLRDHUP" },
		{ EPOLLERR, "EPOLLERR" }, { EPOLLHUP, "EPOLLHUP" },
		{ EPOLLET, "EPOLLET" },
	};

	trace_bit_names(sb, events, names, ARRAY_LEN(names));
}

/*
 * The epoll calls are the forwarding loop's heartbeat, as poll is the
 * pump's: only full mode narrates them.
 */
int
sys_epoll_create(void)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = epoll_create1(EPOLL_CLOEXEC);
	int err = errno;

	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "epoll_create1(EPOLL_CLOEXEC)");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, void *data)
{
	static const char *const ops[] = {
		[EPOLL_CTL_ADD] = "EPOLL_CTL_ADD",
		[EPOLL_CTL_DEL] = "EPOLL_CTL_DEL",
		[EPOLL_CTL_MOD] = "EPOLL_CTL_MOD",
	};
	char line[TRACE_LINE_MAX];
	struct epoll_event ev;
	struct strbuf sb;
	int rc, err;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = data;
	rc = epoll_ctl(epfd, op, fd, &ev);
	err = errno;
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "epoll_ctl(%d, ", epfd);
	trace_name(&sb, op >= 0 && (size_t)op < ARRAY_LEN(ops) ? ops[op] :
	    NULL, op);
	strbuf_printf(&sb, ", %d, {events=", fd);
	trace_epoll_events(&sb, events);
	strbuf_puts(&sb, "})");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_epoll_wait(int epfd, struct epoll_event *events, int max,
    int timeout_ms)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err, i;
	const char *sep = "";

	do
		rc = epoll_wait(epfd, events, max, timeout_ms);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "epoll_wait(%d, ", epfd);
	strbuf_puts(&sb, "[");
	for (i = 0; i < rc; i++) {
		strbuf_printf(&sb, "%s{events=", sep);
		trace_epoll_events(&sb, events[i].events);
		strbuf_puts(&sb, "}");
		sep = ", ";
	}
	strbuf_printf(&sb, "], %d, %d)", max, timeout_ms);
	sys_finish(&sb, rc, err);
	return rc;
}

static void
poll_args(struct strbuf *sb, const struct pollfd *fds, nfds_t count,
    int timeout_ms)
{
	const char *sep = "";
	nfds_t i;

	strbuf_puts(sb, "poll([");
	for (i = 0; i < count; i++) {
		if (fds[i].fd < 0)
			continue;
		strbuf_printf(sb, "%s{%d, ", sep, fds[i].fd);
		trace_poll_events(sb, fds[i].events);
		strbuf_puts(sb, "}");
		sep = ", ";
	}
	strbuf_printf(sb, "], %d)", timeout_ms);
}

/* poll(2), traced when shown (or in full mode). */
static int
poll_traced(struct pollfd *fds, nfds_t count, int timeout_ms, bool shown)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;
	nfds_t i;
	const char *sep = "";

	if (step_wanted() && (shown || (trace_flags & TRACE_FULL))) {
		trace_begin(&sb, line, sizeof(line));
		poll_args(&sb, fds, count, timeout_ms);
		step_pause(&sb);
	}
	rc = poll(fds, count, timeout_ms);
	err = errno;
	if (!sys_tracing() || (!(trace_flags & TRACE_FULL) && !shown))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	poll_args(&sb, fds, count, timeout_ms);
	trace_result(&sb, rc, err);
	if (rc > 0) {
		strbuf_puts(&sb, " [");
		sep = "";
		for (i = 0; i < count; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			strbuf_printf(&sb, "%s{%d, ", sep, fds[i].fd);
			trace_poll_events(&sb, fds[i].revents);
			strbuf_puts(&sb, "}");
			sep = ", ";
		}
		strbuf_puts(&sb, "]");
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}

/* Appends a descriptor set as strace prints it: [0 3]; NULL. */
static void
trace_fd_set(struct strbuf *sb, int nfds, const fd_set *set)
{
	const char *sep = "";
	int fd;

	if (set == NULL) {
		strbuf_puts(sb, "NULL");
		return;
	}
	strbuf_puts(sb, "[");
	for (fd = 0; fd < nfds; fd++) {
		if (FD_ISSET(fd, set)) {
			strbuf_printf(sb, "%s%d", sep, fd);
			sep = " ";
		}
	}
	strbuf_puts(sb, "]");
}

int
sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms)
{
	/* poll is the pump's heartbeat: only full mode narrates it. */
	return poll_traced(fds, count, timeout_ms, false);
}

int
sys_poll_lesson(struct pollfd *fds, nfds_t count, int timeout_ms)
{
	return poll_traced(fds, count, timeout_ms, true);
}

/* The sets and the time a select was asked for, before it changes them. */
static void
select_args(struct strbuf *sb, int nfds, const fd_set *readable,
    const fd_set *writable, const struct timeval *timeout)
{
	strbuf_printf(sb, "select(%d, ", nfds);
	trace_fd_set(sb, nfds, readable);
	strbuf_puts(sb, ", ");
	trace_fd_set(sb, nfds, writable);
	strbuf_puts(sb, ", NULL, ");
	if (timeout != NULL)
		strbuf_printf(sb, "{tv_sec=%ld, tv_usec=%ld})",
		    (long)timeout->tv_sec, (long)timeout->tv_usec);
	else
		strbuf_puts(sb, "NULL)");
}

int
sys_select(int nfds, fd_set *readable, fd_set *writable,
    struct timeval *timeout)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	fd_set asked_r, asked_w;
	struct timeval asked_t = { 0, 0 };
	int rc, err;

	if (readable != NULL)
		asked_r = *readable;
	if (writable != NULL)
		asked_w = *writable;
	if (timeout != NULL)
		asked_t = *timeout;
	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		select_args(&sb, nfds, readable != NULL ? &asked_r : NULL,
		    writable != NULL ? &asked_w : NULL,
		    timeout != NULL ? &asked_t : NULL);
		step_pause(&sb);
	}
	/*
	 * Linux writes the time left into timeout; the sets and the time
	 * are given again on a retry, as a program's loop would.
	 */
	for (;;) {
		rc = select(nfds, readable, writable, NULL, timeout);
		if (!sys_retry_eintr(rc))
			break;
		if (readable != NULL)
			*readable = asked_r;
		if (writable != NULL)
			*writable = asked_w;
	}
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	select_args(&sb, nfds, readable != NULL ? &asked_r : NULL,
	    writable != NULL ? &asked_w : NULL,
	    timeout != NULL ? &asked_t : NULL);
	trace_result(&sb, rc, err);
	if (rc > 0) {
		strbuf_puts(&sb, " (");
		if (readable != NULL) {
			strbuf_puts(&sb, "in ");
			trace_fd_set(&sb, nfds, readable);
		}
		if (writable != NULL) {
			strbuf_puts(&sb, readable != NULL ? ", out " : "out ");
			trace_fd_set(&sb, nfds, writable);
		}
		strbuf_puts(&sb, ")");
	} else if (rc == 0) {
		strbuf_puts(&sb, " (Timeout)");
	}
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

	if (rc == 0 && size > 0)
		got = fcntl(fds[1], F_SETPIPE_SZ, (int)size);
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
			sys_finish(&sb, got, errno);
		}
	}
	errno = err;
	return rc;
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

static void
trace_servent(struct strbuf *sb, const struct servent *se)
{
	if (se == NULL) {
		strbuf_puts(sb, " = NULL");
		return;
	}
	strbuf_printf(sb, " = {s_name=\"%s\", s_port=htons(%d), "
	    "s_proto=\"%s\"}", se->s_name, ntohs((uint16_t)se->s_port),
	    se->s_proto);
}

struct servent *
sys_getservbyname(const char *name, const char *proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct servent *se = getservbyname(name, proto);
	int err = errno;

	if (!sys_tracing())
		return se;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getservbyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ", ");
	sys_trace_quoted(&sb, proto);
	strbuf_puts(&sb, ")");
	trace_servent(&sb, se);
	trace_emit(&sb);
	errno = err;
	return se;
}

struct servent *
sys_getservbyport(int port_net, const char *proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct servent *se = getservbyport(port_net, proto);
	int err = errno;

	if (!sys_tracing())
		return se;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getservbyport(htons(%d), ",
	    ntohs((uint16_t)port_net));
	sys_trace_quoted(&sb, proto);
	strbuf_puts(&sb, ")");
	trace_servent(&sb, se);
	trace_emit(&sb);
	errno = err;
	return se;
}

/* The list of a hostent or protoent as C would write it: ["a", "b"]. */
static void
trace_aliases(struct strbuf *sb, char *const *aliases)
{
	const char *sep = "";

	strbuf_puts(sb, "[");
	for (; aliases != NULL && *aliases != NULL; aliases++) {
		strbuf_puts(sb, sep);
		sys_trace_quoted(sb, *aliases);
		sep = ", ";
	}
	strbuf_puts(sb, "]");
}

/* " = {h_name=...}", or " = NULL" and h_errno by name. */
static void
trace_hostent(struct strbuf *sb, const struct hostent *he, int herr)
{
	char text[INET6_ADDRSTRLEN];
	char *const *a;
	const char *sep = "";

	if (he == NULL) {
		strbuf_puts(sb, " = NULL (h_errno=");
		trace_name(sb, trace_herror_name(herr), herr);
		strbuf_puts(sb, ")");
		return;
	}
	strbuf_puts(sb, " = {h_name=");
	sys_trace_quoted(sb, he->h_name);
	strbuf_puts(sb, ", h_aliases=");
	trace_aliases(sb, he->h_aliases);
	strbuf_puts(sb, ", h_addrtype=");
	trace_name(sb, trace_family_name(he->h_addrtype), he->h_addrtype);
	strbuf_printf(sb, ", h_length=%d, h_addr_list=[", he->h_length);
	for (a = he->h_addr_list; a != NULL && *a != NULL; a++) {
		if (inet_ntop(he->h_addrtype, *a, text, sizeof(text)) == NULL)
			snprintf(text, sizeof(text), "?");
		strbuf_printf(sb, "%s%s", sep, text);
		sep = ", ";
	}
	strbuf_puts(sb, "]}");
}

struct hostent *
sys_gethostbyname(const char *name, int *herr)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct hostent *he = gethostbyname(name);
	int err = errno;

	/* The old calls report through h_errno, not errno. */
	*herr = he == NULL ? h_errno : 0;
	if (!sys_tracing())
		return he;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostbyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ")");
	trace_hostent(&sb, he, *herr);
	trace_emit(&sb);
	errno = err;
	return he;
}

struct hostent *
sys_gethostbyaddr(const void *addr, socklen_t len, int family, int *herr)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct hostent *he = gethostbyaddr(addr, len, family);
	int err = errno;
	socklen_t i;

	*herr = he == NULL ? h_errno : 0;
	if (!sys_tracing())
		return he;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostbyaddr([");
	for (i = 0; i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)addr)[i]);
	strbuf_printf(&sb, "], %u, ", (unsigned)len);
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ")");
	trace_hostent(&sb, he, *herr);
	trace_emit(&sb);
	errno = err;
	return he;
}

static void
trace_protoent(struct strbuf *sb, const struct protoent *pe)
{
	if (pe == NULL) {
		strbuf_puts(sb, " = NULL");
		return;
	}
	strbuf_puts(sb, " = {p_name=");
	sys_trace_quoted(sb, pe->p_name);
	strbuf_puts(sb, ", p_aliases=");
	trace_aliases(sb, pe->p_aliases);
	strbuf_printf(sb, ", p_proto=%d}", pe->p_proto);
}

struct protoent *
sys_getprotobyname(const char *name)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct protoent *pe = getprotobyname(name);
	int err = errno;

	if (!sys_tracing())
		return pe;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getprotobyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ")");
	trace_protoent(&sb, pe);
	trace_emit(&sb);
	errno = err;
	return pe;
}

struct protoent *
sys_getprotobynumber(int proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct protoent *pe = getprotobynumber(proto);
	int err = errno;

	if (!sys_tracing())
		return pe;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getprotobynumber(%d)", proto);
	trace_protoent(&sb, pe);
	trace_emit(&sb);
	errno = err;
	return pe;
}

int
sys_gethostname(char *name, size_t len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = gethostname(name, len);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostname()");
	trace_result(&sb, rc, err);
	if (rc == 0)
		strbuf_printf(&sb, " \"%.*s\"", (int)len, name);
	trace_emit(&sb);
	errno = err;
	return rc;
}

static void
trace_fork(const char *call, pid_t pid, int err)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	if (!sys_tracing())
		return;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, call);
	trace_result(&sb, pid, err);
	trace_emit(&sb);
}

void
sys_trace_vfork(pid_t pid, int err)
{
	trace_fork("vfork()", pid, err);
}

void
sys_trace_fork(pid_t pid, int err)
{
	trace_fork("fork()", pid, err);
}

void
sys_step_fork(void)
{
	if (step_wanted())
		sys_step_simple("fork()");
}

int
sys_sigaction(int sig, void (*handler)(int), const char *handler_name)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct sigaction sa;
	int rc, err;

	if (step_wanted())
		sys_step_simple(
		    "sigaction(%s, {sa_handler=%s, sa_flags=0}, NULL)",
		    trace_signal_name(sig), handler_name);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	rc = sigaction(sig, &sa, NULL);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "sigaction(%s, {sa_handler=%s, sa_flags=0}, NULL)",
	    trace_signal_name(sig), handler_name);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_signal_pipe(void)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	if (sys_signal_wakeup_fd >= 0)
		close(sys_signal_wakeup_fd);
	if (sys_signal_notify_fd >= 0)
		close(sys_signal_notify_fd);
	sys_signal_wakeup_fd = sys_high_fd(fds[0]);
	sys_signal_notify_fd = sys_high_fd(fds[1]);
	return 0;
}

int
sys_dup2(int from, int to)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	do
		rc = dup2(from, to);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "dup2(%d, %d)", from, to);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_execvpe(const char *file, char *const argv[], char *const envp[])
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int i, err;

	if (sys_tracing()) {
		/* Printed first: a successful exec never comes back to say so. */
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "execvpe(");
		sys_trace_quoted(&sb, file);
		strbuf_puts(&sb, ", [");
		for (i = 0; argv[i] != NULL; i++) {
			strbuf_puts(&sb, i ? ", " : "");
			sys_trace_quoted(&sb, argv[i]);
		}
		for (i = 0; envp[i] != NULL; i++)
			continue;
		strbuf_printf(&sb, "], [%d variable%s])", i, i == 1 ? "" : "s");
		trace_emit(&sb);
	}
	execvpe(file, argv, envp);
	err = errno;
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "execvpe(");
		sys_trace_quoted(&sb, file);
		strbuf_puts(&sb, ", ...)");
		sys_finish(&sb, -1, err);
	}
	errno = err;
	return -1;
}

pid_t
sys_waitpid(pid_t pid, int *status, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	pid_t rc;
	int err;

	/* Textbook mode shows each call of the slide's reaping loop. */
	if (step_wanted() && ((trace_flags & TRACE_FULL) || sys_textbook))
		sys_step_simple("waitpid(%ld, &status, %s)", (long)pid,
		    flags & WNOHANG ? "WNOHANG" : "0");
	do
		rc = waitpid(pid, status, flags);
	while (sys_retry_eintr(rc));
	err = errno;
	/*
	 * WNOHANG polls that find nothing (no child done, or no child at
	 * all) are noise, as poll() is: only full mode shows them. In
	 * textbook mode the last of them ends the reaping loop on the slide.
	 */
	if (!sys_tracing() || (!(trace_flags & TRACE_FULL) && !sys_textbook &&
	    (rc == 0 ||
	    (rc == -1 && err == ECHILD && (flags & WNOHANG)))))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "waitpid(%ld, ", (long)pid);
	if (rc > 0 && WIFEXITED(*status))
		strbuf_printf(&sb, "[exit status %d]", WEXITSTATUS(*status));
	else if (rc > 0 && WIFSIGNALED(*status))
		strbuf_printf(&sb, "[killed by %s]",
		    trace_signal_name(WTERMSIG(*status)));
	else
		strbuf_puts(&sb, "[]");
	strbuf_puts(&sb, flags & WNOHANG ? ", WNOHANG)" : ", 0)");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_kill(pid_t pid, int sig)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = kill(pid, sig);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "kill(%ld, %s)", (long)pid, trace_signal_name(sig));
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_killpg(pid_t pgrp, int sig)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = killpg(pgrp, sig);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "killpg(%ld, %s)", (long)pgrp,
	    trace_signal_name(sig));
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_setpgid(pid_t pid, pid_t pgid)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = setpgid(pid, pgid);
	int err = errno;

	/* Process groups are how sockit stops its children: plumbing. */
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setpgid(%ld, %ld)", (long)pid, (long)pgid);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_inet_pton(int family, const char *text, void *out)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = inet_pton(family, text, out);
	int err = errno;
	size_t i, len = family == AF_INET ? 4 : 16;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "inet_pton(");
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ", ");
	sys_trace_quoted(&sb, text);
	strbuf_puts(&sb, ", [");
	for (i = 0; rc == 1 && i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)out)[i]);
	strbuf_puts(&sb, "])");
	sys_finish(&sb, rc, err);
	return rc;
}

const char *
sys_inet_ntop(int family, const void *addr, char *out, socklen_t cap)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	const char *rc = inet_ntop(family, addr, out, cap);
	int err = errno;
	size_t i, len = family == AF_INET ? 4 : 16;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "inet_ntop(");
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ", [");
	for (i = 0; i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)addr)[i]);
	/* It returns dst, the buffer it wrote: the text is shown twice. */
	strbuf_puts(&sb, "], ");
	sys_trace_quoted(&sb, rc != NULL ? out : NULL);
	strbuf_printf(&sb, ", %u) = ", (unsigned)cap);
	if (rc != NULL) {
		sys_trace_quoted(&sb, out);
	} else {
		strbuf_puts(&sb, "NULL ");
		trace_name(&sb, trace_errno_name(err), err);
		strbuf_printf(&sb, " (%s)", i18n_errno_text_english(err));
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}

/* How far the fallback of sys_close_range goes when no limit is known. */
#define CLOSE_ALL_MAX 65536

int
sys_close_range(unsigned first)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = close_range(first, ~0U, 0);
	int err = errno;

	if (rc < 0 && err == ENOSYS) {
		/* A kernel before 5.9: close each possible descriptor. */
		long limit = sysconf(_SC_OPEN_MAX);
		long fd;

		if (limit < 0 || limit > CLOSE_ALL_MAX)
			limit = CLOSE_ALL_MAX;
		for (fd = first; fd < limit; fd++)
			close((int)fd);
		rc = 0;
		err = 0;
	}
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "close_range(%u, ~0U, 0)", first);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_limit_fds(unsigned long count)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct rlimit rl = { 0, 0 };
	int rc, err;

	rc = getrlimit(RLIMIT_NOFILE, &rl);
	if (rc == 0) {
		rl.rlim_cur = count;
		rc = setrlimit(RLIMIT_NOFILE, &rl);
	}
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setrlimit(RLIMIT_NOFILE, {rlim_cur=%lu, "
	    "rlim_max=", count);
	if (rl.rlim_max == RLIM_INFINITY)
		strbuf_puts(&sb, "RLIM_INFINITY})");
	else
		strbuf_printf(&sb, "%llu})", (unsigned long long)rl.rlim_max);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_alarm_ms(long ms)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct itimerval it;
	int rc, err;

	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = ms % 1000 * 1000;
	it.it_interval = it.it_value;
	rc = setitimer(ITIMER_REAL, &it, NULL);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setitimer(ITIMER_REAL, {it_interval={%ld, %ld}, "
	    "it_value={%ld, %ld}}, NULL)", ms / 1000, ms % 1000 * 1000,
	    ms / 1000, ms % 1000 * 1000);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_unshare_net(void)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	/* A user namespace first: it is what lets an unprivileged user in. */
	int rc = unshare(CLONE_NEWUSER | CLONE_NEWNET);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "unshare(CLONE_NEWUSER|CLONE_NEWNET)");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_add_reject_route(int fd, const struct sockaddr_in *dst,
    const struct sockaddr_in *mask)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct rtentry rt;
	int rc, err;

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, dst, sizeof(*dst));
	memcpy(&rt.rt_genmask, mask, sizeof(*mask));
	rt.rt_flags = RTF_UP | RTF_REJECT;
	rc = ioctl(fd, SIOCADDRT, &rt);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "ioctl(%d, SIOCADDRT, {rt_dst=", fd);
	trace_sockaddr(&sb, (const struct sockaddr *)dst, sizeof(*dst));
	strbuf_puts(&sb, ", rt_genmask=");
	trace_sockaddr(&sb, (const struct sockaddr *)mask, sizeof(*mask));
	strbuf_puts(&sb, ", rt_flags=RTF_UP|RTF_REJECT})");
	sys_finish(&sb, rc, err);
	return rc;
}
