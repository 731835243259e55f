/* dial.c: the active open of connect and send: each address in turn, --wait. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "dial.h"
#include "explain.h"
#include "i18n.h"
#include "report.h"
#include "sockit.h"
#include "sys.h"
#include "textbook.h"
#include "trace.h"

/* The outcome of one connect attempt. */
enum attempt {
	ATTEMPT_OK,
	ATTEMPT_FAILED,		/* errno-style failure in *err: try the next */
	ATTEMPT_TIMEOUT,	/* -w expired */
	ATTEMPT_FATAL,		/* reported already: stop */
};

/*
 * The failure of one attempt: the errno and the call that gave it, so the
 * report names socket() when socket() failed, not the connect it was for.
 */
struct failure {
	int err;
	const char *call;
};

/* Fills f from errno after call failed. Returns ATTEMPT_FAILED. */
static enum attempt
failed(struct failure *f, const char *call, int err)
{
	f->err = err;
	f->call = call;
	return ATTEMPT_FAILED;
}

/*
 * Waits for a non-blocking connect to finish; SO_ERROR tells how it went,
 * and an error there is the connect's own, come back later.
 */
static enum attempt
finish_connect(int fd, double timeout, struct failure *f)
{
	int so_error = 0, ready;
	socklen_t len = sizeof(so_error);

	ready = session_wait(fd, POLLOUT, timeout);
	if (ready == 0)
		return ATTEMPT_TIMEOUT;
	if (ready < 0)
		return ATTEMPT_FATAL;
	if (sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0)
		return failed(f, "getsockopt", errno);
	if (so_error != 0)
		return failed(f, "connect", so_error);
	return ATTEMPT_OK;
}

/*
 * Textbook mode's active open, as the slides write it. A stream socket
 * makes one blocking connect, bounded for -w by SO_SNDTIMEO set before
 * it: a connect the timeout cuts off returns EINPROGRESS (the handshake
 * would go on in the kernel), which is the timeout, not a failure. A
 * datagram socket is never connected: its client names the address in
 * each sendto, so no ICMP error ever comes back to it as ECONNREFUSED.
 */
static enum attempt
connect_blocking(int fd, const struct endpoint_addr *a, double timeout,
    struct failure *f)
{
	if (a->socktype == SOCK_DGRAM) {
		textbook_send_to((const struct sockaddr *)&a->sa, a->len);
		return ATTEMPT_OK;
	}
	if (timeout >= 0 &&
	    textbook_set_timeout(fd, SO_SNDTIMEO, timeout) < 0)
		return failed(f, "setsockopt", errno);
	if (sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) == 0) {
		/* The limit was the connect's: sends must not inherit it. */
		if (timeout >= 0 &&
		    textbook_set_timeout(fd, SO_SNDTIMEO, -1) < 0)
			return failed(f, "setsockopt", errno);
		return ATTEMPT_OK;
	}
	if (errno == EINPROGRESS && timeout >= 0)
		return ATTEMPT_TIMEOUT;
	if (errno == EINTR && sys_signal_caught)
		return ATTEMPT_FATAL;
	return failed(f, "connect", errno);
}

static enum attempt
attempt_connect(struct session *s, const struct endpoint_addr *a,
    double timeout, int *fd_out, struct failure *f)
{
	enum attempt result = ATTEMPT_OK;
	int fd;

	fd = session_socket(s, a, false);
	if (fd == -1)
		return failed(f, "socket", errno);
	if (fd < 0)
		return ATTEMPT_FATAL;
	if (session_bind_source(s, fd, a) < 0) {
		sys_close(fd);
		session_cleanup();
		return ATTEMPT_FATAL;
	}
	/*
	 * Textbook mode blocks in connect_blocking. Elsewhere a non-blocking
	 * connect returns EINPROGRESS at once for TCP; poll() then says when
	 * the handshake is over, so -w can bound it.
	 */
	if (textbook_on())
		result = connect_blocking(fd, a, timeout, f);
	else if (sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) <
	    0) {
		if (errno == EINPROGRESS)
			result = finish_connect(fd, timeout, f);
		else
			result = failed(f, "connect", errno);
	}
	if (result != ATTEMPT_OK) {
		sys_close(fd);
		/* A unix -s path was bound: free it for the next attempt. */
		session_cleanup();
		return result;
	}
	*fd_out = fd;
	return ATTEMPT_OK;
}

/* Errors that mean "not up yet", worth another try under --wait. */
static bool
worth_retrying(int err)
{
	switch (err) {
	case ECONNREFUSED: case ENOENT: case ECONNRESET: case ETIMEDOUT:
	case EHOSTUNREACH: case ENETUNREACH: case EAGAIN: case ECONNABORTED:
		return true;
	}
	return false;
}


/*
 * Tries each address in turn. Returns EXIT_OK with t->fd set, EXIT_FAIL
 * with t->last_err (or t->fatal), or 128+signal.
 */
static int
try_addresses(struct session *s, const struct endpoint_addr *addrs, int n,
    double timeout, struct dial_result *t)
{
	char text[ADDR_TEXT_MAX];
	int i;

	for (i = 0; i < n; i++) {
		struct failure f = { 0, "connect" };

		switch (attempt_connect(s, &addrs[i], timeout, &t->fd, &f)) {
		case ATTEMPT_OK:
			t->addr = addrs[i];
			return EXIT_OK;
		case ATTEMPT_FATAL:
			if (sys_signal_caught)
				return 128 + (int)sys_signal_caught;
			t->fatal = true;
			return EXIT_FAIL;
		case ATTEMPT_TIMEOUT:
			t->timed_out = true;
			f.err = ETIMEDOUT;
			break;
		case ATTEMPT_FAILED:
			t->timed_out = false;
			break;
		}
		t->last_err = f.err;
		t->last_call = f.call;
		t->last_addr = addrs[i];
		/* The last failure is the error itself: no note before it. */
		if (!t->quiet && i + 1 < n)
			report_note("connect to %s: %s: %s",
			    addr_format_kind((const struct sockaddr *)
			    &addrs[i].sa, addrs[i].len, addrs[i].socktype,
			    text, sizeof(text)), f.call,
			    i18n_errno_text(f.err));
	}
	return EXIT_FAIL;
}

void
dial_pause(double secs)
{
	struct pollfd pfd = { sys_signal_wakeup_fd, POLLIN, 0 };
	double now = relay_now();

	if (sys_signal_caught || secs <= 0)
		return;
	sys_poll(&pfd, 1, relay_poll_timeout(now + secs, now));
}

/* Returns how long to pause before the next round, doubling up to 0.5 s. */
static double
next_pause(double *backoff, double deadline)
{
	double left = deadline - relay_now(), secs = *backoff;

	if (*backoff < 0.5)
		*backoff *= 2;
	return secs < left ? secs : left;
}

static void
report_resolve_failure(const struct endpoint *ep, int eai)
{
	char what[ENDPOINT_TEXT_MAX + 32];

	snprintf(what, sizeof(what), _("resolve %s"), ep->text);
	report_eai(what, eai);
}

int
dial_resolve(const struct endpoint *ep, double deadline,
    struct endpoint_addr *addrs, size_t max)
{
	double backoff = 0.05;
	int n, eai;

	for (;;) {
		n = endpoint_resolve(ep, false, addrs, max, &eai);
		if (n >= 0)
			return n;
		/* A name that is not in DNS yet may be soon (containers). */
		if (deadline < 0 || relay_now() >= deadline ||
		    sys_signal_caught || (eai != EAI_AGAIN &&
		    eai != EAI_NONAME && eai != EAI_NODATA))
			break;
		dial_pause(next_pause(&backoff, deadline));
	}
	if (!sys_signal_caught)
		report_resolve_failure(ep, eai);
	return -1;
}

int
dial_open(struct session *s, const struct endpoint *ep,
    const struct endpoint_addr *given, int ngiven, double wait, bool quiet,
    struct dial_result *t)
{
	struct endpoint_addr resolved[ENDPOINT_ADDRS_MAX];
	const struct endpoint_addr *addrs = given;
	double deadline = wait >= 0 ? relay_now() + wait : -1;
	double backoff = 0.05;
	char text[ENDPOINT_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 32], hint[512];
	char message[64];
	int n = ngiven, status;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->last_err = -1;
	t->quiet = quiet;
	for (;;) {
		double timeout = s->opts.timeout;

		if (deadline >= 0) {
			double left = deadline - relay_now();

			if (left < 0)
				left = 0;
			if (timeout < 0 || left < timeout)
				timeout = left;
		}
		if (given == NULL) {
			n = dial_resolve(ep, deadline, resolved,
			    ARRAY_LEN(resolved));
			if (n < 0)
				return sys_signal_caught ?
				    128 + (int)sys_signal_caught : EXIT_FAIL;
			addrs = resolved;
		}
		status = try_addresses(s, addrs, n, timeout, t);
		if (status != EXIT_FAIL || sys_signal_caught || t->fatal)
			return status;
		if (deadline < 0 || relay_now() >= deadline ||
		    !worth_retrying(t->last_err))
			break;
		dial_pause(next_pause(&backoff, deadline));
	}
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	if (quiet)
		return t->timed_out || deadline >= 0 ? EXIT_TIMEOUT : EXIT_FAIL;
	/* A unix endpoint's text also says its type: unix-dgram:, ... */
	if (endpoint_is_unix(ep))
		snprintf(text, sizeof(text), "%s", ep->text);
	else
		addr_format((const struct sockaddr *)&t->last_addr.sa,
		    t->last_addr.len, text, sizeof(text));
	if (deadline >= 0 && (worth_retrying(t->last_err) || t->timed_out)) {
		report_error("%s did not accept a connection within %g s "
		    "(--wait); last error: %s: %s (%s)", text, wait,
		    t->last_call, i18n_errno_text(t->last_err),
		    trace_errno_name(t->last_err));
		return EXIT_TIMEOUT;
	}
	snprintf(what, sizeof(what), _("connect to %s"), text);
	if (t->timed_out) {
		/*
		 * Our own -w ran out, not the kernel's SYN retries: no errno,
		 * but the same causes as the kernel's ETIMEDOUT.
		 */
		snprintf(message, sizeof(message),
		    _("no answer within %g s (-w)"), s->opts.timeout);
		report_failure_lines(what, message, NULL, "", explain_errno_at(
		    "connect", ETIMEDOUT, (const struct sockaddr *)
		    &t->last_addr.sa, t->last_addr.len,
		    t->last_addr.socktype, hint, sizeof(hint)));
		return EXIT_TIMEOUT;
	}
	report_errno_hint(t->last_call, what, t->last_err,
	    explain_errno_at(t->last_call,
	    t->last_err, (const struct sockaddr *)&t->last_addr.sa,
	    t->last_addr.len, t->last_addr.socktype, hint, sizeof(hint)));
	return EXIT_FAIL;
}

