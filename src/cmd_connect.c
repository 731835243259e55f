/* cmd_connect.c: active open: connect, then relay stdio with the peer; also -z port checks. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "json.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"
#include "trace.h"

struct connect_opts {
	int zero;
	double wait;
	const char *source;
};

static const struct opt_def connect_defs[] = {
	{ 'z', "zero", OPT_FLAG, offsetof(struct connect_opts, zero), NULL,
	  "port check: connect, close; PORT may be 22,80,90-99", 1, 0, 0, NULL },
	{ 0, "wait", OPT_SECONDS, offsetof(struct connect_opts, wait), "SECS",
	  "retry a refused connect until SECS pass (124)",
	  0, 0, 0, NULL },
	{ 's', "source", OPT_STRING, offsetof(struct connect_opts, source),
	  "ADDR[:PORT]", "bind the local end to ADDR and PORT first",
	  0, 0, 0, NULL },
};

static const char connect_examples[] =
	"  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | sockit connect example.org:80\n"
	"  sockit connect -z localhost:22,80,8000-8100\n"
	"  sockit connect --wait 30 db:5432 -z && ./migrate\n"
	"  sockit --trace connect unix:/run/app.sock\n";

/* The outcome of one connect attempt. */
enum attempt {
	ATTEMPT_OK,
	ATTEMPT_FAILED,		/* errno-style failure in *err: try the next */
	ATTEMPT_TIMEOUT,	/* -w expired */
	ATTEMPT_FATAL,		/* reported already: stop */
};

/* Waits for a non-blocking connect to finish; SO_ERROR tells how it went. */
static enum attempt
finish_connect(int fd, double timeout, int *err)
{
	int so_error = 0, ready;
	socklen_t len = sizeof(so_error);

	ready = session_wait(fd, POLLOUT, timeout);
	if (ready == 0)
		return ATTEMPT_TIMEOUT;
	if (ready < 0)
		return ATTEMPT_FATAL;
	if (sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0) {
		*err = errno;
		return ATTEMPT_FAILED;
	}
	if (so_error != 0) {
		*err = so_error;
		return ATTEMPT_FAILED;
	}
	return ATTEMPT_OK;
}

static enum attempt
attempt_connect(struct session *s, const struct endpoint_addr *a,
    double timeout, int *fd_out, int *err)
{
	enum attempt result = ATTEMPT_OK;
	int fd;

	fd = session_socket(s, a, false);
	if (fd == -1) {
		*err = errno;
		return ATTEMPT_FAILED;
	}
	if (fd < 0)
		return ATTEMPT_FATAL;
	if (session_bind_source(s, fd, a) < 0) {
		sys_close(fd);
		session_cleanup();
		return ATTEMPT_FATAL;
	}
	/*
	 * A non-blocking connect returns EINPROGRESS at once for TCP; poll()
	 * then says when the handshake is over, so -w can bound it.
	 */
	if (sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) < 0) {
		if (errno == EINPROGRESS)
			result = finish_connect(fd, timeout, err);
		else {
			*err = errno;
			result = ATTEMPT_FAILED;
		}
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

struct connect_try {
	int fd;
	struct endpoint_addr addr;	/* the address that answered */
	int last_err;
	struct endpoint_addr last_addr;	/* the address that failed last */
	bool timed_out;
	bool fatal;			/* reported already: no retry helps */
	bool quiet;			/* -z: a failure is a result, not news */
};

/*
 * Tries each address in turn. Returns EXIT_OK with t->fd set, EXIT_FAIL
 * with t->last_err (or t->fatal), or 128+signal.
 */
static int
try_addresses(struct session *s, const struct endpoint_addr *addrs, int n,
    double timeout, struct connect_try *t)
{
	char text[ADDR_TEXT_MAX];
	int i;

	for (i = 0; i < n; i++) {
		int err = 0;

		switch (attempt_connect(s, &addrs[i], timeout, &t->fd, &err)) {
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
			err = ETIMEDOUT;
			break;
		case ATTEMPT_FAILED:
			t->timed_out = false;
			break;
		}
		t->last_err = err;
		t->last_addr = addrs[i];
		/* The last failure is the error itself: no note before it. */
		if (!t->quiet && i + 1 < n)
			report_note("connect to %s: %s", addr_format(
			    (const struct sockaddr *)&addrs[i].sa,
			    addrs[i].len, text, sizeof(text)), strerror(err));
	}
	return EXIT_FAIL;
}

/* Sleeps up to secs, waking early for a signal. */
static void
pause_for(double secs)
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

	snprintf(what, sizeof(what), "resolve %s", ep->text);
	report_eai(what, eai);
}

/*
 * Resolves ep for connect, retrying until deadline (< 0: once) while the
 * name does not resolve yet. Returns the count, or -1 after reporting.
 */
static int
resolve_waiting(const struct endpoint *ep, double deadline,
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
		pause_for(next_pause(&backoff, deadline));
	}
	if (!sys_signal_caught)
		report_resolve_failure(ep, eai);
	return -1;
}

/*
 * Connects to ep, retrying under --wait; given addresses (n >= 0) are
 * used as they are, otherwise ep is resolved each round. Returns EXIT_OK
 * with *t filled, or the exit status after reporting; with quiet, a failed
 * connect is left in t->last_err unreported.
 */
static int
open_connection(struct session *s, const struct endpoint *ep,
    const struct endpoint_addr *given, int ngiven, double wait, bool quiet,
    struct connect_try *t)
{
	struct endpoint_addr resolved[ENDPOINT_ADDRS_MAX];
	const struct endpoint_addr *addrs = given;
	double deadline = wait >= 0 ? relay_now() + wait : -1;
	double backoff = 0.05;
	char text[ADDR_TEXT_MAX], what[ADDR_TEXT_MAX + 32];
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
			n = resolve_waiting(ep, deadline, resolved,
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
		pause_for(next_pause(&backoff, deadline));
	}
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	if (quiet)
		return t->timed_out || deadline >= 0 ? EXIT_TIMEOUT : EXIT_FAIL;
	addr_format((const struct sockaddr *)&t->last_addr.sa,
	    t->last_addr.len, text, sizeof(text));
	if (deadline >= 0 && (worth_retrying(t->last_err) || t->timed_out)) {
		report_error("%s did not accept a connection within %g s "
		    "(--wait); last error: %s (%s)", text, wait,
		    strerror(t->last_err), trace_errno_name(t->last_err));
		return EXIT_TIMEOUT;
	}
	if (t->timed_out) {
		report_error("connect to %s: no answer within %g s (-w)", text,
		    s->opts.timeout);
		return EXIT_TIMEOUT;
	}
	snprintf(what, sizeof(what), "connect to %s", text);
	report_errno("connect", what, t->last_err);
	return EXIT_FAIL;
}

/*
 * UDP has no handshake: send an empty datagram and listen. An ICMP port
 * unreachable comes back as ECONNREFUSED; silence may mean open or dropped.
 */
static const char *
probe_udp(int fd, double timeout)
{
	char byte;
	ssize_t n;

	if (sys_send(fd, "", 0, 0) < 0)
		return errno == ECONNREFUSED ? "closed" : "error";
	if (session_wait(fd, POLLIN, timeout < 0 ? 1.0 : timeout) <= 0)
		return "open|filtered";
	n = sys_recv(fd, &byte, 1, 0);
	if (n < 0 && errno == ECONNREFUSED)
		return "closed";
	return n < 0 ? "error" : "open";
}

static void
print_port_state(struct session *s, const struct endpoint *ep,
    const char *address, const char *state)
{
	char storage[1024];
	struct strbuf sb;

	if (s->opts.json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "endpoint", ep->text);
		json_field_str(&sb, "host", ep->host);
		if (isdigit((unsigned char)ep->port[0]))
			json_field_u64(&sb, "port", strtoul(ep->port, NULL,
			    10));
		else if (!endpoint_is_unix(ep))
			json_field_str(&sb, "port", ep->port);
		json_field_str(&sb, "address", address);
		json_field_str(&sb, "state", state);
		json_end(&sb);
		printf("%s\n", strbuf_str(&sb));
	} else {
		printf("%s %s\n", ep->text, state);
	}
	fflush(stdout);
}

/*
 * -z on one endpoint, retried under --wait; addrs as for open_connection.
 * Returns true when open.
 */
static bool
check_one(struct session *s, const struct endpoint *ep,
    const struct endpoint_addr *addrs, int n, double wait)
{
	struct connect_try t;
	char text[ADDR_TEXT_MAX];
	const char *state = "open";
	int status;

	status = open_connection(s, ep, addrs, n, wait, true, &t);
	if (status != EXIT_OK) {
		if (t.last_err > 0 && !t.fatal) {
			addr_format((const struct sockaddr *)&t.last_addr.sa,
			    t.last_addr.len, text, sizeof(text));
			if (s->opts.json)
				print_port_state(s, ep, text, "closed");
			else
				report_note("%s closed: %s", ep->text,
				    strerror(t.last_err));
		}
		return false;
	}
	addr_format((const struct sockaddr *)&t.addr.sa, t.addr.len, text,
	    sizeof(text));
	if (t.addr.socktype == SOCK_DGRAM && t.addr.family != AF_UNIX)
		state = probe_udp(t.fd, s->opts.timeout);
	sys_close(t.fd);
	if (strcmp(state, "closed") == 0 || strcmp(state, "error") == 0) {
		if (s->opts.json)
			print_port_state(s, ep, text, state);
		else
			report_note("%s %s", ep->text, state);
		return false;
	}
	print_port_state(s, ep, text, state);
	return true;
}

/* -z over a port list: the host is resolved once, then each port tried. */
static int
port_check(struct session *s, struct endpoint *ep, double wait)
{
	struct port_range ranges[ENDPOINT_PORT_RANGES_MAX];
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char err[256];
	int nranges, naddrs, i, j;
	unsigned port;
	bool any_open = false;

	if (endpoint_is_unix(ep) || !isdigit((unsigned char)ep->port[0]))
		return check_one(s, ep, NULL, -1, wait) ? EXIT_OK : EXIT_FAIL;
	nranges = endpoint_port_list(ep->port, ranges, ARRAY_LEN(ranges), err,
	    sizeof(err));
	if (nranges < 0) {
		report_usage("%s", err);
		return EXIT_USAGE;
	}
	endpoint_set_port(ep, ranges[0].first);
	naddrs = resolve_waiting(ep, wait >= 0 ? relay_now() + wait : -1,
	    addrs, ARRAY_LEN(addrs));
	if (naddrs < 0)
		return sys_signal_caught ? 128 + (int)sys_signal_caught :
		    EXIT_FAIL;
	for (i = 0; i < nranges; i++) {
		for (port = ranges[i].first; port <= ranges[i].last; port++) {
			endpoint_set_port(ep, port);
			for (j = 0; j < naddrs; j++)
				endpoint_addr_set_port(&addrs[j], port);
			if (check_one(s, ep, addrs, naddrs, wait))
				any_open = true;
			if (sys_signal_caught)
				return 128 + (int)sys_signal_caught;
		}
	}
	return any_open ? EXIT_OK : EXIT_FAIL;
}

int
cmd_connect(int argc, char **argv)
{
	struct session s;
	struct connect_opts co = { 0, -1, NULL };
	struct endpoint ep;
	struct connect_try t;
	char *pos[3], err[512], peer[ADDR_TEXT_MAX];
	int npos, status;
	const struct opt_group groups[] = {
		{ "Options", connect_defs, ARRAY_LEN(connect_defs), &co },
		{ "Common options", session_opt_defs, session_opt_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"connect", "[OPTIONS] ENDPOINT\n[OPTIONS] HOST PORT",
		"Active open: connect to ENDPOINT, relay stdin to the peer, "
		"the peer to stdout.\nOn stdin EOF send FIN (shutdown SHUT_WR) "
		"and print the rest of the reply.",
		connect_examples, groups, ARRAY_LEN(groups),
	};

	session_init(&s);
	switch (opt_parse(&cmd, argc, argv, pos, 3, &npos, err, sizeof(err))) {
	case OPT_HELP:
		opt_help(&cmd, stdout);
		return EXIT_OK;
	case OPT_LIST_OPTIONS:
		opt_list_options(&cmd, stdout);
		return EXIT_OK;
	case OPT_ERROR:
		report_usage("%s", err);
		return EXIT_USAGE;
	case OPT_OK:
		break;
	}
	s.opts.source = co.source;
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	if ((status = session_endpoint(&s, pos, npos, co.zero, &ep)) !=
	    EXIT_OK)
		return status;
	if ((status = session_parse_source(&s, &ep)) != EXIT_OK)
		return status;
	if (co.zero)
		return port_check(&s, &ep, co.wait);
	status = open_connection(&s, &ep, NULL, -1, co.wait, false, &t);
	if (status != EXIT_OK)
		return status;
	addr_format((const struct sockaddr *)&t.addr.sa, t.addr.len, peer,
	    sizeof(peer));
	session_connected(&s, t.fd, "connected");
	status = session_relay(&s, t.fd, t.addr.socktype, peer);
	sys_close(t.fd);
	return status;
}
