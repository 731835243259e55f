/* cmd_listen.c: passive open: bind, listen, accept, then relay stdio with each peer. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "report.h"
#include "serve.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"

struct listen_opts {
	int keep_open;
};

static const struct opt_def listen_defs[] = {
	{ 'k', "keep-open", OPT_FLAG, offsetof(struct listen_opts, keep_open),
	  NULL, "accept the next peer when one ends (iterative)",
	  1, 0, 0, NULL },
};

static const char listen_examples[] =
	"  sockit listen -v 8080                 # port 0 picks a free port\n"
	"  sockit listen -k localhost:8080 < reply.txt\n"
	"  sockit listen -u :5514 -i 60          # print syslog datagrams\n"
	"  sockit listen --unlink unix:/tmp/app.sock\n";

/* Largest datagram we take in one recvfrom(). */
#define DATAGRAM_MAX 65536

/* Stream and seqpacket: accept a peer, relay, and with -k do it again. */
static int
serve_stream(struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep, int lfd, int socktype)
{
	char peer[ADDR_TEXT_MAX];
	int status, cfd;

	for (;;) {
		status = serve_accept(s, ep, lfd, &cfd, peer, sizeof(peer));
		if (status != EXIT_OK)
			return status;
		status = session_relay(s, cfd, socktype, peer);
		sys_close(cfd);
		if (sys_signal_caught)
			return serve_stop_status();
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
		return serve_stop_status();
	if (ready == 0) {
		report_error("no datagram on %s within %g s (-w)", ep->text,
		    s->opts.timeout);
		return EXIT_TIMEOUT;
	}
	n = sys_recvfrom(fd, first, sizeof(first), MSG_TRUNC,
	    (struct sockaddr *)&from, &flen);
	if (n < 0) {
		if (sys_signal_caught)
			return serve_stop_status();
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
		return sys_signal_caught ? serve_stop_status() : status;
	return session_relay(s, fd, socktype, text);
}

int
cmd_listen(int argc, char **argv)
{
	struct session s;
	struct listen_opts lo = { 0 };
	struct serve_opts so;
	struct endpoint ep;
	struct endpoint_addr bound;
	char *pos[3], err[512];
	char *any_port[] = { ":0" };
	int npos, status, fd;
	const struct opt_group groups[] = {
		{ "Options", listen_defs, ARRAY_LEN(listen_defs), &lo },
		{ "Server options", serve_opt_defs, serve_opt_count, &so },
		{ "Socket options", session_socket_defs,
		  session_socket_count, &s.opts },
		{ "Data options", session_data_defs, session_data_count,
		  &s.opts },
		{ "Terminal options", session_tty_defs, session_tty_count,
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
	s.may_edit = true;
	serve_init(&so);
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
	fd = serve_open(&s, &so, &ep, &bound);
	if (fd < 0)
		return sys_signal_caught ? serve_stop_status() : EXIT_FAIL;
	if (bound.socktype == SOCK_DGRAM)
		status = serve_datagrams(&s, &ep, fd, bound.socktype);
	else
		status = serve_stream(&s, &lo, &ep, fd, bound.socktype);
	sys_close(fd);
	return status;
}
