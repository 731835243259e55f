/* sys_wait.c: the socket layer's waits for descriptors: poll, select and epoll. */
#include "compat.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "trace.h"

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
