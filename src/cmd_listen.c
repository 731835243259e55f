/* cmd_listen.c: passive open: bind, listen, accept, then relay stdio with each peer. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "json.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"

struct listen_opts {
	int keep_open;
	long backlog;
	int unlink_stale;
};

static const struct opt_def listen_defs[] = {
	{ 'k', "keep-open", OPT_FLAG, offsetof(struct listen_opts, keep_open),
	  NULL, "accept the next peer when one ends (iterative)",
	  1, 0, 0, NULL },
	{ 0, "backlog", OPT_COUNT, offsetof(struct listen_opts, backlog), "N",
	  "length of the listen() queue (default 16)", 0, 1, 65535, NULL },
	{ 0, "unlink", OPT_FLAG, offsetof(struct listen_opts, unlink_stale),
	  NULL, "replace a stale unix socket file",
	  1, 0, 0, NULL },
};

static const char listen_examples[] =
	"  sockit listen -v 8080                 # port 0 picks a free port\n"
	"  sockit listen -k localhost:8080 < reply.txt\n"
	"  sockit listen -u :5514 -i 60          # print syslog datagrams\n"
	"  sockit listen --unlink unix:/tmp/app.sock\n";

/* Largest datagram we take in one recvfrom(). */
#define DATAGRAM_MAX 65536

static bool
is_wildcard(const struct endpoint_addr *a)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->sa;

	return a->family == AF_INET6 &&
	    memcmp(&sin6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0;
}

/*
 * Returns true when a live server still answers on the unix socket a:
 * connect() to a socket file whose owner is gone fails with ECONNREFUSED.
 */
static bool
unix_socket_alive(const struct endpoint_addr *a)
{
	int fd = sys_socket(AF_UNIX, a->socktype, 0);
	bool alive;

	if (fd < 0)
		return false;
	sys_set_nonblocking(fd);
	alive = sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) == 0
	    || errno != ECONNREFUSED;
	sys_close(fd);
	return alive;
}

/* Removes a stale socket file; --unlink never eats a file or a live server. */
static int
remove_stale(const char *path, const struct endpoint_addr *a)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		report_error("refusing to remove %s: it is not a socket", path);
		return -1;
	}
	if (unix_socket_alive(a)) {
		report_error("refusing to remove %s: a server still answers "
		    "on it", path);
		return -1;
	}
	if (sys_unlink(path) < 0 && errno != ENOENT) {
		char what[256];

		snprintf(what, sizeof(what), "remove stale socket %s", path);
		report_errno("unlink", what, errno);
		return -1;
	}
	return 0;
}

static int
bind_one(struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep, const struct endpoint_addr *a, int *err)
{
	int fd = session_socket(s, a, true);
	int v6only = s->opts.ipv6;
	bool retried = false;

	if (fd == -1) {
		/* No IPv6 in this kernel? The next address may do. */
		*err = errno;
		return -1;
	}
	if (fd < 0)
		return -2;
	/*
	 * One IPv6 socket on :: also takes IPv4 peers (as ::ffff:a.b.c.d)
	 * unless IPV6_V6ONLY is set; make the choice explicit, not sysctl's.
	 */
	if (is_wildcard(a) && sys_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &v6only, sizeof(v6only)) < 0) {
		*err = errno;
		sys_close(fd);
		return -1;
	}
	while (sys_bind(fd, (const struct sockaddr *)&a->sa, a->len) < 0) {
		*err = errno;
		if (errno == EADDRINUSE && endpoint_is_unix(ep) &&
		    !ep->abstract && lo->unlink_stale && !retried) {
			retried = true;
			if (remove_stale(ep->path, a) == 0)
				continue;
			sys_close(fd);
			return -2;
		}
		sys_close(fd);
		return -1;
	}
	if (endpoint_is_unix(ep) && !ep->abstract)
		session_remove_at_exit(ep->path);
	return fd;
}

/* Binds the first address that works. Returns the fd, or -1 reported. */
static int
bind_listener(struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep, struct endpoint_addr *bound)
{
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 32];
	int n, i, eai, err = 0, fd = -1;

	n = endpoint_resolve(ep, true, addrs, ARRAY_LEN(addrs), &eai);
	if (n < 0) {
		snprintf(what, sizeof(what), "resolve %s", ep->text);
		report_eai(what, eai);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fd = bind_one(s, lo, ep, &addrs[i], &err);
		if (fd >= 0) {
			*bound = addrs[i];
			return fd;
		}
		if (fd == -2)
			return -1;
		addr_format((const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len, text, sizeof(text));
		if (i + 1 < n)
			report_note("bind to %s: %s", text, strerror(err));
	}
	snprintf(what, sizeof(what), "bind to %s", text);
	report_errno("bind", what, err);
	return -1;
}

static void
announce(struct session *s, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[ADDR_TEXT_MAX], storage[512];
	struct strbuf sb;

	if (!s->opts.verbose && !s->opts.json)
		return;
	if (sys_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	addr_format((struct sockaddr *)&ss, len, text, sizeof(text));
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "listening");
		json_field_str(&sb, "address", text);
		report_event_end(&sb);
	} else {
		report_note("listening on %s", text);
	}
}

/* The status after session_wait() gave up: a signal's, or a failure's. */
static int
signal_status(void)
{
	return sys_signal_caught ? 128 + (int)sys_signal_caught : EXIT_FAIL;
}

/* Stream and seqpacket: accept a peer, relay, and with -k do it again. */
static int
serve_stream(struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep, int lfd, int socktype)
{
	int status = EXIT_OK;

	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 16];
		int ready, cfd;

		ready = session_wait(lfd, POLLIN, s->opts.timeout);
		if (ready < 0)
			return signal_status();
		if (ready == 0) {
			report_error("no connection on %s within %g s (-w)",
			    ep->text, s->opts.timeout);
			return EXIT_TIMEOUT;
		}
		cfd = sys_accept(lfd, (struct sockaddr *)&peer, &plen);
		if (cfd < 0) {
			/* The peer gave up between poll() and accept(). */
			if (errno == EAGAIN || errno == ECONNABORTED)
				continue;	/* back to waiting, -k or not */
			if (sys_signal_caught)
				return signal_status();
			snprintf(what, sizeof(what), "accept on %s", ep->text);
			report_errno("accept", what, errno);
			return EXIT_FAIL;
		}
		addr_format((struct sockaddr *)&peer, plen, text, sizeof(text));
		if (sys_set_nonblocking(cfd) < 0) {
			report_errno("fcntl", "make the connection "
			    "non-blocking", errno);
			sys_close(cfd);
			return EXIT_FAIL;
		}
		session_connected(s, cfd, "accepted");
		status = session_relay(s, cfd, socktype, text);
		sys_close(cfd);
		if (sys_signal_caught)
			return signal_status();
		if (!lo->keep_open)
			return status;
	}
}

/* How many queued datagrams lock-on sorts through before the relay starts. */
#define DRAIN_MAX 1024

/*
 * connect() filters the datagrams that arrive after it, but those already
 * queued from other senders would still be read as if the peer sent them.
 * Take the queue as it stands: the peer's datagrams are printed in order,
 * the others dropped (and named with -v).
 */
static int
drain_queued(struct session *s, int fd, const struct sockaddr_storage *peer,
    socklen_t plen, unsigned char *buf, size_t cap)
{
	int i, status;

	for (i = 0; i < DRAIN_MAX; i++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		char text[ADDR_TEXT_MAX];
		ssize_t n;

		n = sys_recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;	/* empty; a real error shows again in the relay */
		if (!addr_equal((const struct sockaddr *)&from, flen,
		    (const struct sockaddr *)peer, plen)) {
			if (s->opts.verbose) {
				addr_format((struct sockaddr *)&from, flen,
				    text, sizeof(text));
				report_note("dropped a datagram from %s: not "
				    "the peer", text);
			}
			continue;
		}
		if ((size_t)n > cap) {
			report_warning("a datagram of %zd bytes was cut to "
			    "%zu (MSG_TRUNC)", n, cap);
			n = (ssize_t)cap;
		}
		if ((status = session_emit_datagram(s, buf, (size_t)n)) !=
		    EXIT_OK || s->output_closed)
			return status;
	}
	return EXIT_OK;
}

/* Datagrams: the first sender becomes the peer (connect), then relay. */
static int
serve_datagrams(struct session *s, const struct endpoint *ep, int fd,
    int socktype)
{
	static unsigned char first[DATAGRAM_MAX];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 48];
	ssize_t n;
	int ready, status;

	ready = session_wait(fd, POLLIN, s->opts.timeout);
	if (ready < 0)
		return signal_status();
	if (ready == 0) {
		report_error("no datagram on %s within %g s (-w)", ep->text,
		    s->opts.timeout);
		return EXIT_TIMEOUT;
	}
	n = sys_recvfrom(fd, first, sizeof(first), MSG_TRUNC,
	    (struct sockaddr *)&from, &flen);
	if (n < 0) {
		if (sys_signal_caught)
			return signal_status();
		snprintf(what, sizeof(what), "receive a datagram on %s",
		    ep->text);
		report_errno("recvfrom", what, errno);
		return EXIT_FAIL;
	}
	if ((size_t)n > sizeof(first)) {
		report_warning("a datagram of %zd bytes was cut to %zu "
		    "(MSG_TRUNC)", n, sizeof(first));
		n = sizeof(first);
	}
	addr_format((struct sockaddr *)&from, flen, text, sizeof(text));
	if (flen > sizeof(sa_family_t)) {
		/*
		 * connect() on a datagram socket picks the one peer it talks
		 * to: send() goes there and datagrams from others are dropped.
		 */
		if (sys_connect(fd, (struct sockaddr *)&from, flen) < 0) {
			snprintf(what, sizeof(what), "connect to %s", text);
			report_errno("connect", what, errno);
			return EXIT_FAIL;
		}
		session_connected(s, fd, "accepted");
	} else {
		report_note("datagram from an unnamed socket: nothing can be "
		    "sent back, receiving only");
		s->receive_only = true;
	}
	status = session_emit_datagram(s, first, (size_t)n);
	if (status == EXIT_OK && !s->receive_only)
		status = drain_queued(s, fd, &from, flen, first,
		    sizeof(first));
	if (status != EXIT_OK || s->output_closed)
		return sys_signal_caught ? signal_status() : status;
	return session_relay(s, fd, socktype, text);
}

int
cmd_listen(int argc, char **argv)
{
	struct session s;
	struct listen_opts lo = { 0, 16, 0 };
	struct endpoint ep;
	struct endpoint_addr bound;
	char *pos[3], err[512];
	char *any_port[] = { ":0" };
	int npos, status, fd;
	const struct opt_group groups[] = {
		{ "Options", listen_defs, ARRAY_LEN(listen_defs), &lo },
		{ "Common options", session_opt_defs, session_opt_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"listen", "[OPTIONS] [ENDPOINT]\n[OPTIONS] HOST PORT",
		"Passive open: bind ENDPOINT (default: every address, a port "
		"the kernel picks),\naccept one peer and relay stdio with it. "
		"UDP: the first sender becomes the peer.",
		listen_examples, groups, ARRAY_LEN(groups),
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
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	s.flags.passive = true;
	if (npos == 0 && !s.opts.unix_path && !s.opts.seqpacket) {
		status = session_endpoint(&s, any_port, 1, false, &ep);
	} else {
		status = session_endpoint(&s, pos, npos, false, &ep);
	}
	if (status != EXIT_OK)
		return status;
	if (lo.keep_open && endpoint_is_dgram(&ep)) {
		report_usage("-k needs a stream or seqpacket endpoint: a "
		    "datagram listener serves its first sender");
		return EXIT_USAGE;
	}
	fd = bind_listener(&s, &lo, &ep, &bound);
	if (fd < 0)
		return sys_signal_caught ? signal_status() : EXIT_FAIL;
	if (bound.socktype != SOCK_DGRAM &&
	    sys_listen(fd, (int)lo.backlog) < 0) {
		char what[ENDPOINT_TEXT_MAX + 16];

		snprintf(what, sizeof(what), "listen on %s", ep.text);
		report_errno("listen", what, errno);
		sys_close(fd);
		return EXIT_FAIL;
	}
	announce(&s, fd);
	if (bound.socktype == SOCK_DGRAM)
		status = serve_datagrams(&s, &ep, fd, bound.socktype);
	else
		status = serve_stream(&s, &lo, &ep, fd, bound.socktype);
	sys_close(fd);
	return status;
}
