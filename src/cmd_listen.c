/* cmd_listen.c: passive open: bind, listen, accept, then relay stdio with each peer. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dial.h"
#include "flows.h"
#include "i18n.h"
#include "inetd.h"
#include "msgflags.h"
#include "loop.h"
#include "report.h"
#include "serve.h"
#include "serve_proxy.h"
#include "session_proxy.h"
#include "services.h"
#include "session.h"
#include "sockit.h"
#include "spawn.h"
#include "sys.h"
#include "tcpstate.h"
#include "textbook.h"

struct listen_opts {
	int keep_open;
	int fork;
	long max_conns;
	double flow_idle;	/* < 0: not given */
	int serve;		/* --serve: index of the service; -1: none */
	int peek;
	struct opt_list to;	/* --to TARGET: forward each peer there */
	int refuse;		/* --max-conns-refuse */
	double drain;		/* --drain SECS; < 0: not given */
	long busy_poll;		/* --busy-poll USECS; 0: not given */
	int queue;		/* --queue */
	bool forwards;		/* --to, --socks5, --http-proxy: the loop */
	const char *proxy;	/* "--socks5", "--http-proxy", or NULL */
	bool shutdown_given;	/* --shutdown was on the line */
	bool hold_fin;		/* the loop keeps each peer's FIN back */
};

static const struct opt_def listen_defs[] = {
	{ 'k', "keep-open", OPT_FLAG, offsetof(struct listen_opts, keep_open),
	  NULL, N_("accept the next peer when one ends (iterative)"),
	  1, 0, 0, NULL },
	{ 0, "fork", OPT_FLAG, offsetof(struct listen_opts, fork), NULL,
	  N_("a child per peer runs -e/-c while we accept more (concurrent)"),
	  1, 0, 0, NULL },
	{ 0, "max-conns", OPT_COUNT, offsetof(struct listen_opts, max_conns),
	  "N", N_("with --fork or --to, at most N peers at once; others wait"),
	  0, 1, 1000000, NULL },
	{ 0, "to", OPT_LIST, offsetof(struct listen_opts, to), "TARGET",
	  N_("forward each peer to a new connection to TARGET (implies -k)"),
	  0, 0, 0, NULL },
	{ 0, "max-conns-refuse", OPT_FLAG, offsetof(struct listen_opts,
	  refuse), NULL, N_("with --to, reset peers over --max-conns at once"),
	  1, 0, 0, NULL },
	{ 0, "drain", OPT_SECONDS, offsetof(struct listen_opts, drain), "SECS",
	  N_("with --to, on SIGINT/SIGTERM let open pairs finish for SECS"),
	  0, 0, 1e9, NULL },
	{ 0, "busy-poll", OPT_COUNT, offsetof(struct listen_opts, busy_poll),
	  "USECS", N_("with --to, poll USECS after data before sleeping: "
	  "less latency, more CPU"), 0, 1, 1000000, NULL },
	{ 0, "flow-idle", OPT_SECONDS, offsetof(struct listen_opts, flow_idle),
	  "SECS", N_("UDP -k -e, --to: end a sender's flow quiet SECS "
	  "(default 60)"),
	  0, 0, 1e9, NULL },
	{ 0, "serve", OPT_CHOICE, offsetof(struct listen_opts, serve),
	  "SERVICE", N_("serve echo, discard, daytime, chargen or upper "
	  "itself"),
	  0, 0, 0, service_choices },
	{ 0, "peek", OPT_FLAG, offsetof(struct listen_opts, peek), NULL,
	  N_("each receive first with MSG_PEEK: the same bytes twice"),
	  1, 0, 0, NULL },
	{ 0, "queue", OPT_FLAG, offsetof(struct listen_opts, queue), NULL,
	  N_("with -v, note the accept queue against the backlog as peers "
	  "wait"),
	  1, 0, 0, NULL },
};

static const char listen_examples[] = N_(
	"  sockit listen -v 8080                 # port 0 picks a free port\n"
	"  sockit listen -k localhost:8080 < reply.txt\n"
	"  sockit listen --fork -v -e cat 7007   # a concurrent echo server\n"
	"  sockit listen -u :5514 -i 60          # print syslog datagrams\n"
	"  sockit listen -u -k -e cat 7007       # a UDP echo server for all\n"
	"  sockit --trace listen -k --serve echo 7007  # echo, every call shown\n"
	"  sockit listen --unlink unix:/tmp/app.sock\n"
	"  sockit listen -v --tls --cert cert.pem --key key.pem 8443\n"
	"  sockit listen -v --tls --fork -e cat 8443  # -v prints its --pin\n"
	"  sockit listen -v 127.0.0.1:8080 --to unix:/run/app.sock\n");

/* Largest datagram we take in one recvfrom(). */
#define DATAGRAM_MAX 65536

/* What a listener serves its peers with: stdio, or a program. */
struct server {
	struct session *s;
	const struct listen_opts *lo;
	const struct serve_access *acl;
	const struct endpoint *ep;
	struct spawn_cmd *prog;	/* NULL: relay stdio */
	const struct service *svc;	/* --serve; NULL: none */
};

/*
 * A built-in service's conversation with one stream peer ended: a reset
 * or a quiet peer is reported, a signal ends the server.
 */
static int
service_ended(struct server *sv, int rc, const char *peer)
{
	char what[ADDR_TEXT_MAX + 32];

	if (rc == 0)
		return EXIT_OK;
	if (sys_signal_caught || errno == EINTR)
		return serve_stop_status();
	if (errno == EAGAIN) {
		report_error("%s sent nothing within %g s (-i)", peer,
		    sv->s->opts.idle_timeout);
		return EXIT_TIMEOUT;
	}
	snprintf(what, sizeof(what), _("serve %s to %s"),
	    service_name(sv->svc), peer);
	report_errno("recv", what, errno);
	return EXIT_FAIL;
}

/* How often --queue looks at the accept queue while a peer is served. */
#define QUEUE_TICK 0.1

static void
queue_tick(void *ctx)
{
	tcpstate_queue_check(ctx);
}

/*
 * --queue watches the accept queue of an iterative server: one that
 * serves a peer through stdio while the next ones wait in the backlog.
 */
static int
check_queue(const struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep)
{
	if (!lo->queue)
		return EXIT_OK;
	if (!s->opts.verbose) {
		report_usage("--queue tells the accept queue in -v's notes: "
		    "add -v");
		return EXIT_USAGE;
	}
	if (ep->row->socktype != SOCK_STREAM || ep->row->family == AF_UNIX) {
		report_usage("--queue needs a TCP listener: only TCP tells its "
		    "accept queue");
		return EXIT_USAGE;
	}
	if (lo->fork || lo->forwards || s->opts.progress) {
		report_usage("--queue watches a server of one peer at a time, "
		    "and %s", s->opts.progress ? _("--progress draws on the "
		    "same clock: give one") : _("--fork and --to take every "
		    "peer at once"));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * Stream and seqpacket: accept a peer, relay stdio with it (or run the
 * program on it), and with -k do it again: an iterative server, where the
 * next peer waits in the listen() backlog until this one is done.
 */
static int
serve_stream(struct server *sv, int lfd, int socktype)
{
	struct session *s = sv->s;
	struct tcpstate_queue queue;
	char peer[ADDR_TEXT_MAX];
	int status, cfd;

	tcpstate_queue_init(&queue, lfd);
	if (sv->lo->queue) {
		/* An iterative server hears arrivals only by looking. */
		s->watch = queue_tick;
		s->watch_ctx = &queue;
		s->watch_seconds = QUEUE_TICK;
	}
	for (;;) {
		status = serve_accept(s, sv->acl, sv->ep, lfd, &cfd, peer,
		    sizeof(peer));
		if (status != EXIT_OK)
			return status;
		if (sv->lo->queue)
			tcpstate_queue_check(&queue);
		if (sv->svc != NULL) {
			status = service_ended(sv, service_stream(sv->svc, cfd,
			    s->opts.idle_timeout), peer);
			sys_close(cfd);
		} else if (sv->prog != NULL && session_tls_on(s)) {
			status = inetd_run(s, sv->prog, cfd, lfd);
		} else if (sv->prog != NULL) {
			status = session_run_program(s, sv->prog, cfd, lfd);
		} else {
			status = session_relay(s, cfd, socktype, peer);
			sys_close(cfd);
		}
		if (sys_signal_caught)
			return serve_stop_status();
		if (!sv->lo->keep_open)
			return status;
	}
}

/*
 * recvfrom() of one datagram; with --peek made first with MSG_PEEK, which
 * leaves it queued, so a class sees the same datagram come twice.
 */
static ssize_t
recv_datagram(const struct session *s, int fd, void *buf, size_t cap,
    int flags, struct sockaddr_storage *from, socklen_t *flen)
{
	socklen_t plen = *flen;

	if (s->peek && !(flags & MSG_PEEK) && sys_recvfrom(fd, buf, cap,
	    flags | MSG_PEEK, (struct sockaddr *)from, &plen) < 0)
		return -1;
	return sys_recvfrom(fd, buf, cap, flags, (struct sockaddr *)from,
	    flen);
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

		n = recv_datagram(s, fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
		    &from, &flen);
		if (n < 0)
			break;	/* empty; a real error shows again in the relay */
		if (!addr_equal((const struct sockaddr *)&from, flen,
		    (const struct sockaddr *)peer, plen)) {
			if (s->opts.verbose) {
				addr_format_kind((struct sockaddr *)&from,
				    flen, SOCK_DGRAM, text, sizeof(text));
				report_note("dropped a datagram from %s: not "
				    "the peer", text);
			}
			continue;
		}
		if ((size_t)n > cap) {
			addr_format_kind((struct sockaddr *)&from, flen,
			    SOCK_DGRAM, text, sizeof(text));
			session_oversize(s, (size_t)n, text);
			continue;
		}
		if ((status = session_emit_datagram(s, buf, (size_t)n)) !=
		    EXIT_OK || s->output_closed)
			return status;
	}
	return EXIT_OK;
}

static bool
admit_sender(void *ctx, const struct sockaddr *sa, socklen_t len)
{
	struct server *sv = ctx;
	char text[ADDR_TEXT_MAX];

	addr_format_kind(sa, len, sv->ep->row->socktype, text, sizeof(text));
	return serve_admit(sv->s, sv->acl, sa, len, text);
}

/*
 * -k on a datagram socket: no connect(), no lock-on. Every sender's
 * datagrams are printed, and stdin goes to whoever sent the latest.
 */
static int
serve_any_sender(struct server *sv, int fd, int socktype)
{
	struct session *s = sv->s;

	s->any_sender = true;
	s->admit = admit_sender;
	s->admit_ctx = sv;
	return session_relay(s, fd, socktype, sv->ep->text);
}

/*
 * Waits for the first datagram an admitted sender sends, and fills *from.
 * With peek it stays queued, for the program to read. Returns its length
 * (> 0 or 0), or -1 - status after reporting.
 */
static ssize_t
first_datagram(struct server *sv, int fd, unsigned char *buf, size_t cap,
    bool peek, struct sockaddr_storage *from, socklen_t *flen)
{
	struct session *s = sv->s;
	char what[ENDPOINT_TEXT_MAX + 48], text[ADDR_TEXT_MAX];
	int ready;
	ssize_t n;

	for (;;) {
		ready = session_wait(fd, POLLIN, s->opts.timeout);
		if (ready < 0)
			return -1 - serve_stop_status();
		if (ready == 0) {
			report_error("no datagram on %s within %g s (-w)",
			    sv->ep->text, s->opts.timeout);
			return -1 - EXIT_TIMEOUT;
		}
		*flen = sizeof(*from);
		n = recv_datagram(s, fd, buf, cap, MSG_TRUNC | (peek ?
		    MSG_PEEK : 0), from, flen);
		if (n < 0) {
			if (errno == EAGAIN)
				continue;
			if (sys_signal_caught)
				return -1 - serve_stop_status();
			snprintf(what, sizeof(what),
			    _("receive a datagram on %s"), sv->ep->text);
			report_errno("recvfrom", what, errno);
			return -1 - EXIT_FAIL;
		}
		addr_format_kind((struct sockaddr *)from, *flen, SOCK_DGRAM,
		    text, sizeof(text));
		if (serve_admit(s, sv->acl, (struct sockaddr *)from, *flen,
		    text))
			return n;
		/* Turned away: a peeked datagram must go from the queue. */
		if (peek)
			sys_recv(fd, buf, 0, MSG_TRUNC);
	}
}

/* Datagrams: the first sender becomes the peer (connect), then relay. */
static int
serve_datagrams(struct server *sv, int fd, int socktype)
{
	static unsigned char first[DATAGRAM_MAX];
	struct session *s = sv->s;
	struct sockaddr_storage from;
	socklen_t flen;
	char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 48];
	ssize_t n;
	int status;

	if (sv->lo->keep_open)
		return serve_any_sender(sv, fd, socktype);
	/* The program reads the first datagram itself: only peek at it. */
	n = first_datagram(sv, fd, first, sizeof(first), sv->prog != NULL,
	    &from, &flen);
	if (n < 0)
		return (int)(-1 - n);
	/* The program reads the datagram itself, with a buffer of its own. */
	if ((size_t)n > sizeof(first) && sv->prog != NULL)
		report_warning("a datagram of %zd bytes is more than %zu "
		    "(MSG_TRUNC): the program may read a part", n,
		    sizeof(first));
	addr_format_kind((struct sockaddr *)&from, flen, socktype, text,
	    sizeof(text));
	if (flen > sizeof(sa_family_t) &&
	    sys_connect(fd, (struct sockaddr *)&from, flen) < 0) {
		/*
		 * A unix sender that sent and closed at once is gone before
		 * it can be answered; what it sent still waits to be read.
		 */
		if (from.ss_family != AF_UNIX ||
		    (errno != ECONNREFUSED && errno != ENOENT)) {
			snprintf(what, sizeof(what), _("connect to %s"), text);
			report_errno("connect", what, errno);
			return EXIT_FAIL;
		}
		report_note("%s has closed its socket: nothing can be sent "
		    "back, receiving only", text);
		s->receive_only = true;
	} else if (flen > sizeof(sa_family_t)) {
		/*
		 * connect() on a datagram socket picks the one peer it talks
		 * to: send() goes there and datagrams from others are dropped.
		 */
		session_connected(s, fd, "accepted");
		/*
		 * Said without -v too: the others' datagrams vanish from
		 * now on, and nothing else would tell why.
		 */
		if (!s->opts.json)
			report_notice("serving %s only: datagrams from other "
			    "senders are dropped from now on (-k serves every "
			    "sender)", text);
	} else {
		report_note("datagram from an unnamed socket: nothing can be "
		    "sent back, receiving only");
		s->receive_only = true;
	}
	if (sv->prog != NULL) {
		/*
		 * session_run_program closes the descriptor it is given, and
		 * cmd_listen closes fd: give the program a copy.
		 */
		int copy = dup(fd);

		if (copy < 0) {
			report_errno("dup",
			    _("copy the socket for the program"), errno);
			return EXIT_FAIL;
		}
		return session_run_program(s, sv->prog, copy, -1);
	}
	if ((size_t)n > sizeof(first)) {
		session_oversize(s, (size_t)n, flen > sizeof(sa_family_t) ?
		    text : "unix-dgram:(unnamed)");
		status = EXIT_OK;
	} else {
		status = session_emit_datagram(s, first, (size_t)n);
	}
	if (status == EXIT_OK && !s->receive_only)
		status = drain_queued(s, fd, &from, flen, first,
		    sizeof(first));
	if (status != EXIT_OK || s->output_closed)
		return sys_signal_caught ? serve_stop_status() : status;
	return session_relay(s, fd, socktype, text);
}

/*
 * -k (or --fork) with a program on a datagram socket: a datagram server
 * has no accept queue to make senders wait in, so each sender gets a
 * program of its own at once, running beside the others.
 */
static int
serve_senders(struct server *sv, int fd, const struct endpoint_addr *bound)
{
	struct flows_config fc;

	fc.acl = sv->acl;
	fc.ep = sv->ep;
	fc.bound = bound;
	fc.cmd = sv->prog;
	fc.idle = sv->lo->flow_idle >= 0 ? sv->lo->flow_idle :
	    FLOWS_IDLE_DEFAULT;
	fc.max_conns = sv->lo->max_conns;
	return flows_serve(sv->s, fd, &fc);
}

/*
 * A UDP service answers whoever sends, on one unconnected socket: each
 * datagram a recvfrom, each answer a sendto back to its sender.
 */
static int
serve_service_datagrams(struct server *sv, int fd)
{
	const struct session_opts *o = &sv->s->opts;
	/* No accept to bound: -w, like -i, bounds the wait for a datagram. */
	double quiet = o->idle_timeout >= 0 ? o->idle_timeout : o->timeout;
	int rc = service_datagrams(sv->svc, fd, quiet);

	if (sys_signal_caught || errno == EINTR)
		return serve_stop_status();
	if (rc < 0 && errno == EAGAIN) {
		report_error("no datagram on %s within %g s (%s)",
		    sv->ep->text, quiet, o->idle_timeout >= 0 ? "-i" : "-w");
		return EXIT_TIMEOUT;
	}
	report_errno("recvfrom", sv->ep->text, errno);
	return EXIT_FAIL;
}

/*
 * A built-in service with no address (PORT or nothing) binds loopback
 * only: a UDP echo or chargen open to the world is a traffic amplifier
 * for forged senders. An address given opens it up.
 */
static int
loopback_unless_given(struct session *s, struct endpoint *ep)
{
	char text[ENDPOINT_PORT_MAX + 16];
	char *arg[] = { text };

	if (ep->family == AF_UNIX || ep->host[0] != '\0')
		return EXIT_OK;
	snprintf(text, sizeof(text), "127.0.0.1:%s", ep->port);
	return session_endpoint(s, arg, 1, false, ep);
}

/*
 * What cannot go with the loop of --to and the proxies; how names the
 * option ("--to", "--socks5").
 */
static int
forward_checks(const struct session *s, const struct listen_opts *lo,
    const char *how)
{
	if (textbook_on()) {
		report_usage("%s needs plain mode, not --textbook: every pair "
		    "runs on one epoll loop, not the blocking calls of the "
		    "lesson", how);
		return EXIT_USAGE;
	}
	if (s->peek) {
		report_usage("--peek shows sockit's own receives twice, and "
		    "%s splices bytes socket to socket: give one", how);
		return EXIT_USAGE;
	}
	if (lo->fork) {
		report_usage("--fork is not needed with %s: one process "
		    "serves every pair at once, without a child per peer", how);
		return EXIT_USAGE;
	}
	if (lo->refuse && lo->max_conns == 0) {
		report_usage("--max-conns-refuse needs --max-conns N");
		return EXIT_USAGE;
	}
	if (s->opts.shutdown_mode == RELAY_SHUT_RD ||
	    s->opts.shutdown_mode == RELAY_SHUT_RDWR) {
		report_usage("--shutdown %s with %s: a forwarder passes each "
		    "peer's FIN on to the target (wr) or holds it back (none)",
		    s->opts.shutdown_mode == RELAY_SHUT_RD ? "rd" : "rdwr",
		    how);
		return EXIT_USAGE;
	}
	if (s->opts.crlf || s->opts.quit_after >= 0 || s->opts.progress) {
		report_usage("%s works on stdio's bytes, and %s relays none",
		    s->opts.crlf ? "-C" : s->opts.quit_after >= 0 ? "-q" :
		    "--progress", how);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * --to and what cannot go with it, and the target: parsed in the local
 * endpoint's terms (-u, --seqpacket) and of the same kind.
 */
static int
check_forward(struct session *s, const struct listen_opts *lo,
    const struct endpoint *ep, struct endpoint *target)
{
	struct endpoint_flags flags;
	char err[512];
	int status;

	if (!lo->forwards) {
		if (lo->refuse || lo->drain >= 0 || lo->busy_poll > 0) {
			report_usage("%s needs --to: it acts on the pairs of "
			    "a forward",
			    lo->refuse ? "--max-conns-refuse" :
			    lo->drain >= 0 ? "--drain" : "--busy-poll");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (lo->to.count > 1) {
		report_usage("--to given twice (%s, then %s): a forward has one "
		    "target", lo->to.items[0], lo->to.items[1]);
		return EXIT_USAGE;
	}
	if (lo->to.count == 0) {
		/* A proxy: serve_proxy_check judges the rest. */
		return forward_checks(s, lo, lo->proxy);
	}
	if (session_has_program(s) || lo->serve >= 0) {
		report_usage("--to and %s each say who answers the peer: give "
		    "one", lo->serve >= 0 ? "--serve" :
		    s->opts.exec_prog != NULL ? "-e" : "-c");
		return EXIT_USAGE;
	}
	if ((status = forward_checks(s, lo, "--to")) != EXIT_OK)
		return status;
	memset(&flags, 0, sizeof(flags));
	flags.udp = s->flags.udp;
	flags.seqpacket = s->flags.seqpacket;
	if (endpoint_parse(lo->to.items[0], NULL, &flags, target, err,
	    sizeof(err)) < 0) {
		report_usage("bad --to: %s", err);
		return EXIT_USAGE;
	}
	if (target->row->socktype != ep->row->socktype) {
		report_usage("--to %s is a %s endpoint and %s a %s one: both "
		    "sides of a forward are of one kind", target->text,
		    target->row->scheme, ep->text, ep->row->scheme);
		return EXIT_USAGE;
	}
	if (target->tls && s->tlso.verify_client) {
		report_usage("--verify-client with a tls:// --to: --cafile "
		    "checks the target's certificate, not the clients'");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * --proxy: each connection to --to's target goes through a proxy. A
 * proxy server's own connects do not: its clients name their targets,
 * which it looks up itself, and a chained socks5h would have to pass the
 * names on instead.
 */
static int
check_upstream(struct session *s, struct listen_opts *lo,
    struct session_proxy *px, const struct endpoint *target)
{
	int status;

	if (px->urls.count > 0 && lo->to.count == 0) {
		if (lo->proxy != NULL)
			report_usage("--proxy with %s: a proxy server reaches "
			    "its clients' targets itself, not through another "
			    "proxy; --to TARGET --proxy URL forwards to one "
			    "target through it", lo->proxy);
		else
			report_usage("--proxy needs --to TARGET: it carries "
			    "each forwarded peer's connection to the target");
		return EXIT_USAGE;
	}
	/*
	 * Many proxies end the tunnel at the client's FIN, and the target's
	 * reply with it (microsocks, tinyproxy): through one, a forwarder
	 * holds each peer's FIN back, as connect --proxy holds stdin's,
	 * unless --shutdown wr asks for it. Without a proxy it passes the
	 * FIN on unless --shutdown none.
	 */
	px->shutdown_given = true;
	status = session_proxy_setup(px, s, target, false);
	lo->hold_fin = s->opts.shutdown_mode == RELAY_SHUT_NONE ||
	    (px->on && !lo->shutdown_given);
	return status;
}

/*
 * A tls:// --to: the target's side is a client, made into ts from the
 * client's options (--cafile, --capath, --pin, --verify-name, --sni,
 * --insecure) and the shared ones; the listening side keeps the server's
 * (--cert, --key, --key-pass-file), and the shared ones when it speaks
 * TLS too.
 */
static int
forward_tls(struct session *s, const struct endpoint *ep,
    const struct endpoint *target, struct session *ts)
{
	struct session_tls_opts *o = &s->tlso;
	int status;

	if (!target->tls)
		return EXIT_OK;
	*ts = *s;
	ts->dialed = true;
	ts->tlso.cert = ts->tlso.key = ts->tlso.key_pass_file = NULL;
	if ((status = session_tls_setup(ts, target, false)) != EXIT_OK)
		return status;
	if (ts->tlso.insecure)
		report_warning("--insecure: the certificate of %s is not "
		    "checked: anyone on the path can read and change the data",
		    target->text);
	o->insecure = o->no_sni = 0;
	o->cafile = o->capath = o->sni = o->verify_name = o->pin = NULL;
	if (!o->tls && !ep->tls) {
		o->alpn = o->ciphers = o->ciphersuites = NULL;
		o->tls_min = o->tls_max = -1;
	}
	return EXIT_OK;
}

/*
 * --to: every peer gets a connection of its own to the target's addrs
 * (resolved once, before binding; through --proxy, the proxy's), all on
 * one loop, which closes fd.
 */
static int
serve_forward(struct server *sv, int fd, const struct endpoint_addr *bound,
    const struct endpoint *target, struct session *ts,
    const struct endpoint_addr *addrs, int n, const struct loop_proxy *proxy,
    const struct loop_upstream *up)
{
	struct loop_forward f;

	memset(&f, 0, sizeof(f));
	f.proxy = proxy;
	f.upstream = up;
	if (proxy != NULL)
		target = NULL;
	f.s = sv->s;
	f.acl = sv->acl;
	f.local = sv->ep;
	f.bound = bound;
	f.target = target;
	f.addrs = addrs;
	f.naddrs = n;
	f.lfd = fd;
	f.messages = target != NULL && target->row->socktype ==
	    SOCK_SEQPACKET;
	f.datagrams = target != NULL && endpoint_is_dgram(target);
	f.flow_idle = sv->lo->flow_idle >= 0 ? sv->lo->flow_idle :
	    FLOWS_IDLE_DEFAULT;
	f.max_conns = sv->lo->max_conns;
	f.refuse = sv->lo->refuse;
	f.drain = sv->lo->drain;
	f.busy_poll = (double)sv->lo->busy_poll / 1e6;
	f.hold_fin = sv->lo->hold_fin;
	f.tls_local = sv->s->tls_ctx;
	f.tls_session = target != NULL && target->tls ? ts : NULL;
	f.handshake_wait = sv->s->opts.timeout >= 0 ? sv->s->opts.timeout :
	    SESSION_TLS_HANDSHAKE_WAIT;
	return loop_forward(&f);
}

/* The flags that contradict each other or the endpoint. */
static int
check_listen(const struct session *s, const struct listen_opts *lo,
    const struct serve_access *acl, const struct endpoint *ep)
{
	bool dgram = endpoint_is_dgram(ep);
	const char *prog = s->opts.exec_prog != NULL ? "-e" : "-c";

	if (lo->serve >= 0 && session_has_program(s)) {
		report_usage("--serve and %s each say who answers the peer: "
		    "give one", prog);
		return EXIT_USAGE;
	}
	if (lo->serve >= 0 && (s->opts.hex || s->opts.crlf ||
	    s->opts.quit_after >= 0 || s->opts.progress)) {
		report_usage("%s works on stdio's bytes, and a --serve service "
		    "answers the peer by itself", s->opts.hex ? "-x" :
		    s->opts.crlf ? "-C" : s->opts.quit_after >= 0 ? "-q" :
		    "--progress");
		return EXIT_USAGE;
	}
	if (lo->serve >= 0 && (s->tlso.tls || ep->tls)) {
		report_usage("--serve runs without TLS: its calls are the "
		    "plain socket calls of the lesson");
		return EXIT_USAGE;
	}
	if (textbook_on() && dgram && (lo->keep_open || lo->fork) &&
	    session_has_program(s)) {
		report_usage("%s with %s on a datagram endpoint needs plain "
		    "mode, not --textbook: a program per sender runs on "
		    "sockit's own event loop", lo->fork ? "--fork" : "-k",
		    prog);
		return EXIT_USAGE;
	}
	/*
	 * -k on a datagram socket answers every sender, so it connects to
	 * none, and shutdown() of a socket without a connection is ENOTCONN.
	 */
	if (dgram && lo->keep_open && !session_has_program(s) &&
	    !lo->forwards && (s->opts.shutdown_mode == RELAY_SHUT_RD ||
	    s->opts.shutdown_mode == RELAY_SHUT_RDWR)) {
		report_usage("--shutdown %s shuts down a connection, and -k on "
		    "a datagram endpoint takes every sender without connecting "
		    "to one: a datagram socket that is not connected has no "
		    "connection to shut down",
		    s->opts.shutdown_mode == RELAY_SHUT_RD ? "rd" : "rdwr");
		return EXIT_USAGE;
	}
	if (lo->fork && !session_has_program(s) && lo->serve < 0) {
		report_usage("--fork needs -e, -c or --serve: each child "
		    "serves one peer, and stdio cannot be shared");
		return EXIT_USAGE;
	}
	if (lo->max_conns > 0 && !lo->fork && !lo->forwards &&
	    !(dgram && lo->keep_open && session_has_program(s))) {
		report_usage("--max-conns limits the children of --fork, the "
		    "pairs of --to (or the programs of -k with -e or -c on a "
		    "datagram socket); without them one peer is served at a "
		    "time");
		return EXIT_USAGE;
	}
	if (lo->flow_idle >= 0 && !(dgram && lo->to.count > 0) &&
	    !(dgram && (lo->keep_open || lo->fork) && session_has_program(s))) {
		report_usage("--flow-idle ends the program of a quiet sender, "
		    "and needs a datagram endpoint with -k (or --fork) and %s "
		    "(or ends its flow, with --to)", session_has_program(s) ?
		    prog : _("-e or -c"));
		return EXIT_USAGE;
	}
	return serve_access_check((struct serve_access *)acl, ep);
}

/*
 * A program served on an address others can reach runs for them too: say
 * so, unless --allow already names who may connect.
 */
static void
warn_if_exposed(const struct server *sv, int fd,
    const struct endpoint_addr *bound)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[ADDR_TEXT_MAX];

	if (bound->family == AF_UNIX || sv->acl->nallow > 0 ||
	    addr_is_loopback((const struct sockaddr *)&bound->sa, bound->len))
		return;
	if (sys_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		len = 0;
	addr_format((struct sockaddr *)&ss, len, text, sizeof(text));
	report_warning("'%s' runs for anyone who can reach %s; bind "
	    "127.0.0.1 or ::1, or say who may with --allow", sv->prog->text,
	    text);
}

int
cmd_listen(int argc, char **argv)
{
	struct session s, ts;
	struct listen_opts lo = { 0, 0, 0, -1, -1, 0, { { NULL }, 0 }, 0, -1, 0, 0,
	    false, NULL, false, false };
	struct serve_proxy sp;
	struct session_proxy px;
	struct loop_upstream up;
	char up_hosts[ENDPOINT_ADDRS_MAX][ENDPOINT_HOST_MAX];
	struct multicast_recv mr;
	struct serve_opts so;
	struct serve_access acl;
	struct spawn_cmd prog;
	struct server sv;
	struct endpoint ep, target;
	struct endpoint_addr bound, addrs[ENDPOINT_ADDRS_MAX];
	char *pos[3];
	char *any_port[] = { ":0" };
	int npos, status, fd, naddrs = 0;
	const struct opt_group groups[] = {
		{ N_("Options"), listen_defs, ARRAY_LEN(listen_defs), &lo },
		{ N_("Server options"), serve_opt_defs, serve_opt_count, &so },
		{ N_("Access options"), serve_access_defs, serve_access_count,
		  &acl },
		{ N_("Proxy options"), serve_proxy_defs, serve_proxy_count,
		  &sp },
		{ N_("Upstream proxy options"), session_proxy_defs,
		  session_proxy_count, &px },
		{ N_("Multicast options"), multicast_recv_defs,
		  multicast_recv_count, &mr },
		{ N_("Program options"), session_program_defs,
		  session_program_count, &s.opts },
		{ N_("Socket options"), session_socket_defs,
		  session_socket_count, &s.opts },
		{ N_("Data options"), session_data_defs, session_data_count,
		  &s.opts },
		{ N_("TLS options"), session_tls_defs, session_tls_count,
		  &s.tlso },
		{ N_("Terminal options"), session_tty_defs, session_tty_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"listen", N_("[OPTIONS] [ENDPOINT]\n[OPTIONS] HOST PORT"),
		N_("Passive open: bind ENDPOINT (default: every address, a "
		"port the kernel picks),\naccept one peer and relay stdio with it. "
		"UDP: the first sender becomes the peer.\nWith -e or -c a "
		"program talks to the peer; --fork runs one per peer at once\n"
		"(UDP: -k or --fork, one per sender). --to TARGET forwards "
		"each peer to TARGET."),
		listen_examples, groups, ARRAY_LEN(groups),
	};

	session_init(&s);
	multicast_recv_init(&mr);
	s.may_edit = true;
	serve_init(&so);
	memset(&acl, 0, sizeof(acl));
	memset(&sp, 0, sizeof(sp));
	memset(&px, 0, sizeof(px));
	memset(&up, 0, sizeof(up));
	memset(&prog, 0, sizeof(prog));
	s.opts.shutdown_mode = -1;
	if ((status = opt_run(&cmd, argc, argv, pos, 3, &npos)) != OPT_GO_ON)
		return status;
	lo.shutdown_given = s.opts.shutdown_mode >= 0;
	if (!lo.shutdown_given)
		s.opts.shutdown_mode = RELAY_SHUT_WR;
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	s.flags.passive = true;
	if (npos == 0 && !s.opts.unix_path && !s.opts.seqpacket) {
		status = session_endpoint(&s, any_port, 1, false, &ep);
	} else {
		status = session_endpoint(&s, pos, npos, false, &ep);
	}
	if (status == EXIT_OK && lo.serve >= 0)
		status = loopback_unless_given(&s, &ep);
	if (status != EXIT_OK)
		return status;
	s.peek = lo.peek;
	lo.forwards = lo.to.count > 0 || serve_proxy_on(&sp);
	lo.proxy = sp.socks5 ? "--socks5" : sp.http ? "--http-proxy" : NULL;
	if ((status = check_forward(&s, &lo, &ep, &target)) != EXIT_OK ||
	    (status = check_listen(&s, &lo, &acl, &ep)) != EXIT_OK ||
	    (status = check_upstream(&s, &lo, &px, &target)) != EXIT_OK ||
	    (status = msgflags_check(&s, &ep, lo.serve >= 0)) != EXIT_OK ||
	    (status = check_queue(&s, &lo, &ep)) != EXIT_OK)
		return status;
	if ((status = serve_check(&so, &ep)) != EXIT_OK ||
	    (status = multicast_recv_check(&mr, &ep)) != EXIT_OK ||
	    (status = serve_proxy_check(&sp, &s, &ep, &acl, lo.to.count > 0 ?
	    "--to" : lo.serve >= 0 ? "--serve" : s.opts.exec_prog != NULL ?
	    "-e" : session_has_program(&s) ? "-c" : NULL)) != EXIT_OK) {
		serve_proxy_free(&sp);
		return status;
	}
	memset(&ts, 0, sizeof(ts));
	if (lo.to.count > 0 &&
	    (status = forward_tls(&s, &ep, &target, &ts)) != EXIT_OK)
		return status;
	if ((status = session_tls_setup(&s, &ep, true)) != EXIT_OK) {
		session_tls_free(&ts);
		return status;
	}
	if (session_has_program(&s) &&
	    (status = session_program(&s, &prog)) != EXIT_OK) {
		spawn_free(&prog);
		return status;
	}
	/*
	 * The target is resolved once, before anything is bound: a name that
	 * does not resolve fails the start, not each peer. Through --proxy
	 * the proxy is, and the target only where the request wants an
	 * address (socks5, socks4).
	 */
	if (px.on) {
		up.kind = px.url.kind;
		up.cred = &px.url.cred;
		up.hosts = (const char (*)[ENDPOINT_HOST_MAX])up_hosts;
		up.port = atoi(target.port);
		up.proxy = px.ep.text;
		up.url = px.url.text;
		status = session_proxy_target_hosts(&px, &target, up_hosts,
		    ENDPOINT_ADDRS_MAX, &up.nhosts);
		if (status == EXIT_OK && (naddrs = dial_resolve(&px.ep, -1,
		    addrs, ARRAY_LEN(addrs))) < 0)
			status = EXIT_FAIL;
	} else if (lo.to.count > 0 && (naddrs = dial_resolve(&target, -1,
	    addrs, ARRAY_LEN(addrs))) < 0) {
		status = EXIT_FAIL;
	}
	if (status != EXIT_OK) {
		spawn_free(&prog);
		session_tls_free(&s);
		session_tls_free(&ts);
		return status;
	}
	so.many = lo.keep_open || lo.fork || lo.forwards;
	sv.s = &s;
	sv.lo = &lo;
	sv.acl = &acl;
	sv.ep = &ep;
	sv.prog = session_has_program(&s) ? &prog : NULL;
	sv.svc = service_at(lo.serve);
	so.multicast = &mr;
	fd = serve_open(&s, &so, &ep, &bound);
	if (fd >= 0 && sv.prog != NULL)
		warn_if_exposed(&sv, fd, &bound);
	if (fd < 0)
		status = sys_signal_caught ? serve_stop_status() : EXIT_FAIL;
	else if (serve_proxy_on(&sp) && (status = serve_proxy_exposed(&sp,
	    &acl, (const struct sockaddr *)&bound.sa, bound.len, ep.text)) !=
	    EXIT_OK)
		;
	else if (lo.forwards) {
		status = serve_forward(&sv, fd, &bound, &target, &ts, addrs,
		    naddrs, serve_proxy_on(&sp) ? &sp.config : NULL,
		    px.on ? &up : NULL);
		fd = -1;
	}
	else if (bound.socktype == SOCK_DGRAM && sv.svc != NULL)
		status = serve_service_datagrams(&sv, fd);
	else if (bound.socktype == SOCK_DGRAM && sv.prog != NULL &&
	    (lo.keep_open || lo.fork))
		status = serve_senders(&sv, fd, &bound);
	else if (bound.socktype == SOCK_DGRAM)
		status = serve_datagrams(&sv, fd, bound.socktype);
	else if (lo.fork)
		status = serve_fork(&s, &acl, &ep, fd, &prog, sv.svc,
		    lo.max_conns);
	else
		status = serve_stream(&sv, fd, bound.socktype);
	if (fd >= 0)
		sys_close(fd);
	spawn_free(&prog);
	serve_proxy_free(&sp);
	explicit_bzero(&px.url.cred, sizeof(px.url.cred));
	session_tls_free(&s);
	session_tls_free(&ts);
	return status;
}
