/* session.c: the options and steps that connect and listen share. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "explain.h"
#include "hexdump.h"
#include "json.h"
#include "line.h"
#include "msgflags.h"
#include "readback.h"
#include "i18n.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"
#include "tcpstate.h"
#include "textbook.h"
#include "textbook_session.h"
#include "trace.h"

#define FIELD(name) offsetof(struct session_opts, name)

/* --getsockopt, in the socket options and on its own for pair. */
#define GETSOCKOPT_ROW \
	{ 0, "getsockopt", OPT_LIST, FIELD(getsockopts), "OPTNAME", \
	  N_("read an option back after set-up and print it (repeatable)"), \
	  0, 0, 0, NULL }

/* How a socket is made: the options of every command with an endpoint. */
const struct opt_def session_socket_defs[] = {
	{ 'w', "timeout", OPT_SECONDS, FIELD(timeout), "SECS",
	  N_("limit on connect, accept, the first reply (124)"),
	  0, 0, 0, NULL },
	{ 0, "reuseaddr", OPT_FLAG, FIELD(reuseaddr), NULL,
	  N_("set SO_REUSEADDR before bind"), 1, 0, 0, NULL },
	{ 0, "no-reuseaddr", OPT_FLAG, FIELD(reuseaddr), NULL,
	  N_("do not set SO_REUSEADDR"), 0, 0, 0, NULL },
	{ 0, "reuseport", OPT_FLAG, FIELD(reuseport), NULL,
	  N_("set SO_REUSEPORT before bind"), 1, 0, 0, NULL },
	{ 'o', "sockopt", OPT_LIST, FIELD(sockopts), "NAME=VALUE",
	  N_("setsockopt by name, e.g. TCP_NODELAY=1 (repeatable)"),
	  0, 0, 0, NULL },
	GETSOCKOPT_ROW,
	{ 'u', "udp", OPT_FLAG, FIELD(udp), NULL,
	  N_("UDP (with a unix path: SOCK_DGRAM)"), 1, 0, 0, NULL },
	{ 'U', "unix", OPT_FLAG, FIELD(unix_path), NULL,
	  N_("the endpoint is an AF_UNIX socket path"), 1, 0, 0, NULL },
	{ 0, "seqpacket", OPT_FLAG, FIELD(seqpacket), NULL,
	  N_("AF_UNIX SOCK_SEQPACKET"), 1, 0, 0, NULL },
	{ '4', "ipv4", OPT_FLAG, FIELD(ipv4), NULL,
	  N_("IPv4 addresses only"), 1, 0, 0, NULL },
	{ '6', "ipv6", OPT_FLAG, FIELD(ipv6), NULL,
	  N_("IPv6 addresses only"), 1, 0, 0, NULL },
};

const size_t session_socket_count = ARRAY_LEN(session_socket_defs);

const struct opt_def session_readback_defs[] = { GETSOCKOPT_ROW };

const size_t session_readback_count = ARRAY_LEN(session_readback_defs);

/* How data moves and is shown: every command that relays data. */
const struct opt_def session_data_defs[] = {
	{ 'i', "idle-timeout", OPT_SECONDS, FIELD(idle_timeout), "SECS",
	  N_("end (status 124) when no data moved for SECS"), 0, 0, 0, NULL },
	{ 0, "shutdown", OPT_CHOICE, FIELD(shutdown_mode), "MODE",
	  N_("on stdin EOF: wr (FIN), rd, rdwr, none, close"),
	  0, 0, 0, RELAY_SHUTDOWN_CHOICES },
	{ 'q', "quit-after", OPT_SECONDS, FIELD(quit_after), "SECS",
	  N_("after stdin EOF, end at most SECS later"), 0, 0, 0, NULL },
	{ 'C', "crlf", OPT_FLAG, FIELD(crlf), NULL,
	  N_("send line endings as CRLF"), 1, 0, 0, NULL },
	{ 'v', "verbose", OPT_FLAG, FIELD(verbose), NULL,
	  N_("addresses, events and byte counts on stderr"), 1, 0, 0, NULL },
	{ 'x', "hex", OPT_FLAG, FIELD(hex), NULL,
	  N_("hex dump on stderr (> sent, < received)"),
	  1, 0, 0, NULL },
	{ 0, "json", OPT_FLAG, FIELD(json), NULL,
	  N_("events and errors as JSON objects, one per line"),
	  1, 0, 0, NULL },
	{ 0, "progress", OPT_FLAG, FIELD(progress), NULL,
	  N_("bytes and rate on stderr while data moves"), 1, 0, 0, NULL },
	{ 't', "trace", OPT_OPTARG, FIELD(trace), "full,bytes,time",
	  N_("print every socket call on stderr"), 0, 0, 0, NULL },
	{ 0, "tcp-state", OPT_FLAG, FIELD(tcp_state), NULL,
	  N_("show the TCP state after each call (implies --trace)"),
	  1, 0, 0, NULL },
};

const size_t session_data_count = ARRAY_LEN(session_data_defs);

/* A program instead of stdio, for connect and listen. */
const struct opt_def session_program_defs[] = {
	{ 'e', "exec", OPT_STRING, FIELD(exec_prog), "'PROG ARGS'",
	  N_("the peer talks to PROG (split on blanks, no shell)"),
	  0, 0, 0, NULL },
	{ 'c', "sh-exec", OPT_STRING, FIELD(sh_prog), "STRING",
	  N_("the peer talks to /bin/sh -c STRING"), 0, 0, 0, NULL },
	{ 0, "stderr", OPT_FLAG, FIELD(join_stderr), NULL,
	  N_("the program's stderr goes to the peer too"), 1, 0, 0, NULL },
};

const size_t session_program_count = ARRAY_LEN(session_program_defs);

/* How a person at a terminal types. */
const struct opt_def session_tty_defs[] = {
	{ 0, "no-readline", OPT_FLAG, FIELD(no_readline), NULL,
	  N_("no line editing, even at a terminal"), 1, 0, 0, NULL },
};

const size_t session_tty_count = ARRAY_LEN(session_tty_defs);

/* Room for "received 18446744073709551615 bytes" in any language. */
#define BYTE_COUNT_MAX 96

/* Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define UDP_PAYLOAD_MAX 65507

static char cleanup_path[sizeof(((struct endpoint *)0)->path)];

void
session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->opts.timeout = -1;
	s->opts.idle_timeout = -1;
	s->opts.quit_after = -1;
	s->opts.reuseaddr = -1;
	s->opts.shutdown_mode = RELAY_SHUT_WR;
	session_tls_init(&s->tlso);
}

static void
list_known_sockopts(char *out, size_t cap)
{
	struct strbuf sb;
	const struct sockopt_def *rows;
	size_t n, i;

	rows = sockopt_table(&n);
	strbuf_init(&sb, out, cap);
	for (i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s", i ? " " : "", rows[i].name);
}

int
session_check(struct session *s)
{
	struct session_opts *o = &s->opts;
	char err[256];
	int i;

	report.verbose = o->verbose;
	report_use_json(o->json);
	if (o->ipv4 && o->ipv6) {
		report_usage("-4 and -6 contradict each other");
		return EXIT_USAGE;
	}
	if (o->unix_path && (o->ipv4 || o->ipv6)) {
		report_usage("-U and %s contradict each other",
		    o->ipv4 ? "-4" : "-6");
		return EXIT_USAGE;
	}
	if (o->trace != NULL && trace_set_mode(o->trace) < 0) {
		report_usage("bad value '%s' for --trace: full, bytes, time, "
		    "or some joined by commas", o->trace);
		return EXIT_USAGE;
	}
	if (o->tcp_state) {
		/* The state is told under the call that moved it. */
		if (!(trace_flags & TRACE_ON))
			trace_set_mode("");
		tcpstate_start();
	}
	for (i = 0; i < o->sockopts.count; i++) {
		if (sockopt_parse(o->sockopts.items[i], &s->settings[i], err,
		    sizeof(err)) < 0) {
			char known[2048];

			list_known_sockopts(known, sizeof(known));
			if (strncmp(err, "unknown", 7) == 0)
				report_usage("%s; known: %s", err, known);
			else
				report_usage("%s", err);
			return EXIT_USAGE;
		}
	}
	for (i = 0; i < o->getsockopts.count; i++) {
		const char *name = o->getsockopts.items[i];

		s->readbacks[i] = sockopt_find(name);
		if (s->readbacks[i] == NULL) {
			char known[2048];

			list_known_sockopts(known, sizeof(known));
			report_usage("unknown socket option '%s' for "
			    "--getsockopt; known: %s", name, known);
			return EXIT_USAGE;
		}
	}
	s->readback_count = o->getsockopts.count;
	if (o->exec_prog != NULL && o->sh_prog != NULL) {
		report_usage("-e and -c both name a program: give one");
		return EXIT_USAGE;
	}
	if (o->join_stderr && !session_has_program(s)) {
		report_usage("--stderr needs a program (-e or -c) whose "
		    "stderr can join the connection");
		return EXIT_USAGE;
	}
	if (session_has_program(s)) {
		/* The program has the socket: no pump to shape. */
		const char *opt = o->idle_timeout >= 0 ? "-i" :
		    o->quit_after >= 0 ? "-q" : o->crlf ? "-C" :
		    o->hex ? "-x" : o->progress ? "--progress" :
		    o->shutdown_mode != RELAY_SHUT_WR ? "--shutdown" : NULL;

		if (opt != NULL) {
			report_usage("%s has no effect with %s: the program "
			    "talks to the peer itself, not through sockit",
			    opt, o->exec_prog != NULL ? "-e" : "-c");
			return EXIT_USAGE;
		}
	}
	s->setting_count = o->sockopts.count;
	s->flags.udp = o->udp;
	s->flags.unix_path = o->unix_path;
	s->flags.seqpacket = o->seqpacket;
	s->flags.family = o->ipv4 ? AF_INET : o->ipv6 ? AF_INET6 : AF_UNSPEC;
	s->progress_on_tty = isatty(STDERR_FILENO);
	return EXIT_OK;
}

int
session_endpoint(struct session *s, char **pos, int npos, bool port_list,
    struct endpoint *ep)
{
	char err[512];

	if (npos == 0) {
		report_usage("missing ENDPOINT (such as localhost:8080, "
		    "[::1]:80, unix:/path)");
		return EXIT_USAGE;
	}
	if (npos > 2) {
		report_usage("unexpected argument '%s'", pos[2]);
		return EXIT_USAGE;
	}
	s->flags.port_list = port_list;
	if (endpoint_parse(pos[0], npos == 2 ? pos[1] : NULL, &s->flags, ep,
	    err, sizeof(err)) < 0) {
		struct stat st;

		/*
		 * A word without '/' is a host; when a unix socket file of
		 * that name is here, that is surely what was meant.
		 */
		if (npos == 1 && strpbrk(pos[0], "/:") == NULL &&
		    stat(pos[0], &st) == 0 && S_ISSOCK(st.st_mode))
			report_usage("%s is a unix socket here: write ./%s or "
			    "unix:%s", pos[0], pos[0], pos[0]);
		else
			report_usage("%s", err);
		return EXIT_USAGE;
	}
	return textbook_check(s, ep);
}

static int
set_int_option(int fd, int level, int name, int value, const char *label,
    const char *where)
{
	char what[ADDR_TEXT_MAX + 64];

	if (sys_setsockopt(fd, level, name, &value, sizeof(value)) == 0)
		return 0;
	snprintf(what, sizeof(what), _("set %s on %s"), label, where);
	report_errno("setsockopt", what, errno);
	return -1;
}

int
session_socket(struct session *s, const struct endpoint_addr *a,
    bool reuseaddr)
{
	char where[ADDR_TEXT_MAX], what[ADDR_TEXT_MAX + 64];
	int fd, i;
	bool reuse = s->opts.reuseaddr < 0 ? reuseaddr : s->opts.reuseaddr;

	addr_format_kind((const struct sockaddr *)&a->sa, a->len, a->socktype,
	    where, sizeof(where));
	fd = sys_socket(a->family, a->socktype, a->protocol);
	if (fd < 0)
		return -1;
	s->family = a->family;
	s->socktype = a->socktype & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	/*
	 * Textbook mode's calls block, as the slides' do. A caller that
	 * asked for SOCK_NONBLOCK in the type (the forwarding loop, where
	 * each pair's syscalls count) has it already, without an fcntl.
	 */
	if (!textbook_on() && !(a->socktype & SOCK_NONBLOCK) &&
	    sys_set_nonblocking(fd) < 0) {
		snprintf(what, sizeof(what), _("make the socket for %s "
		    "non-blocking"), where);
		report_errno("fcntl", what, errno);
		goto fail;
	}
	/*
	 * SO_REUSEADDR must come before bind(): it lets a restarted server
	 * take its port while old connections sit in TIME_WAIT.
	 */
	if (reuse && a->family != AF_UNIX &&
	    set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR",
	    where) < 0)
		goto fail;
	/* Port sharing has no meaning for a unix path: skip it there too. */
	if (s->opts.reuseport && a->family != AF_UNIX &&
	    set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT",
	    where) < 0)
		goto fail;
	for (i = 0; i < s->setting_count; i++) {
		const struct sockopt_setting *set = &s->settings[i];
		socklen_t len;
		const void *value = sockopt_value(set, &len);

		if (sys_setsockopt(fd, set->def->level, set->def->optname,
		    value, len) < 0) {
			int err = errno;
			char hint[512];

			/* An option of another family or protocol: say which. */
			snprintf(what, sizeof(what), _("set %s on %s"),
			    s->opts.sockopts.items[i], where);
			report_errno_hint("setsockopt", what, err,
			    explain_errno_at("setsockopt", err,
			    (const struct sockaddr *)&a->sa, a->len,
			    a->socktype & ~(SOCK_NONBLOCK | SOCK_CLOEXEC),
			    hint, sizeof(hint)));
			goto fail;
		}
	}
	if (readback_show(fd, s->readbacks, s->readback_count, s->settings,
	    s->setting_count, where) < 0)
		goto fail;
	if (s->multicast != NULL && multicast_send_apply(s->multicast, fd,
	    a->family, where) < 0)
		goto fail;
	return fd;
fail:
	sys_close(fd);
	return -2;
}

/* Normalises -s ADDR[:PORT] into endpoint text: a missing port is 0. */
static void
source_text(const char *src, char *out, size_t cap)
{
	size_t len = strlen(src);
	const char *colon = strchr(src, ':');

	if (src[0] == '[' && len > 0 && src[len - 1] == ']')
		snprintf(out, cap, "%s:0", src);
	else if (src[0] != '[' && colon != NULL && strchr(colon + 1, ':'))
		snprintf(out, cap, "[%s]:0", src);
	else if (colon == NULL && strspn(src, "0123456789") == len)
		snprintf(out, cap, ":%s", src);
	else if (colon == NULL)
		snprintf(out, cap, "%s:0", src);
	else
		snprintf(out, cap, "%s", src);
}

int
session_parse_source(struct session *s, const struct endpoint *dest)
{
	struct endpoint_flags flags;
	char text[ENDPOINT_TEXT_MAX], err[512];

	if (s->opts.source == NULL)
		return EXIT_OK;
	memset(&flags, 0, sizeof(flags));
	flags.passive = true;
	flags.udp = dest->row->socktype == SOCK_DGRAM;
	flags.seqpacket = dest->row->socktype == SOCK_SEQPACKET;
	flags.family = s->flags.family;
	if (endpoint_is_unix(dest)) {
		flags.unix_path = true;
		snprintf(text, sizeof(text), "%s", s->opts.source);
	} else {
		source_text(s->opts.source, text, sizeof(text));
	}
	if (endpoint_parse(text, NULL, &flags, &s->source, err,
	    sizeof(err)) < 0) {
		/* The message may name the address already: say it once. */
		if (s->opts.source[0] != '\0' &&
		    strstr(err, s->opts.source) != NULL)
			report_usage("bad source address (-s): %s", err);
		else
			report_usage("bad source address '%s' (-s): %s",
			    s->opts.source, err);
		return EXIT_USAGE;
	}
	if (endpoint_is_unix(dest) != endpoint_is_unix(&s->source)) {
		report_usage("source '%s' (-s) and destination %s are of "
		    "different families", s->opts.source, dest->text);
		return EXIT_USAGE;
	}
	s->have_source = true;
	return EXIT_OK;
}

int
session_bind_source(struct session *s, int fd, const struct endpoint_addr *dest)
{
	struct endpoint ep;
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char text[ENDPOINT_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 64];
	int n, i, eai;

	if (!s->have_source) {
		if (dest->family == AF_UNIX && dest->socktype == SOCK_DGRAM) {
			/*
			 * A unix datagram client needs a name of its own for
			 * replies: binding just the family autobinds one.
			 */
			struct sockaddr_un un;

			memset(&un, 0, sizeof(un));
			un.sun_family = AF_UNIX;
			if (sys_bind(fd, (const struct sockaddr *)&un,
			    sizeof(sa_family_t)) < 0) {
				report_errno("bind", _("autobind a unix "
				    "datagram socket"), errno);
				return -1;
			}
		}
		return 0;
	}
	ep = s->source;
	if (dest->family != AF_UNIX && ep.family != AF_UNSPEC &&
	    ep.family != dest->family) {
		report_error("source %s is an %s address, but the destination "
		    "is %s", s->opts.source, trace_family_name(ep.family),
		    trace_family_name(dest->family));
		return -1;
	}
	if (dest->family != AF_UNIX)
		ep.family = dest->family;
	n = endpoint_resolve(&ep, true, addrs, ARRAY_LEN(addrs), &eai);
	if (n < 0) {
		snprintf(what, sizeof(what), _("resolve source %s"), ep.text);
		report_eai(what, eai);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (addrs[i].family != dest->family)
			continue;
		if (sys_bind(fd, (const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len) == 0) {
			/* A bound unix path is a file: it goes when we do. */
			if (ep.family == AF_UNIX && !ep.abstract)
				session_remove_at_exit(ep.path);
			return 0;
		}
		snprintf(what, sizeof(what), _("bind to source %s"),
		    addr_format_kind((const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len, dest->socktype, text, sizeof(text)));
		report_errno("bind", what, errno);
		return -1;
	}
	report_error("source %s has no %s address for this destination",
	    s->opts.source, trace_family_name(dest->family));
	return -1;
}

int
session_wait(int fd, short events, double timeout)
{
	double deadline = timeout >= 0 ? relay_now() + timeout : -1;

	for (;;) {
		struct pollfd pfd[2];
		int rc;

		if (sys_signal_caught)
			return -1;
		pfd[0].fd = fd;
		pfd[0].events = events;
		pfd[0].revents = 0;
		pfd[1].fd = sys_signal_wakeup_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		rc = sys_poll(pfd, 2, relay_poll_timeout(deadline,
		    relay_now()));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			report_errno("poll", _("wait for the socket"), errno);
			return -1;
		}
		if (pfd[1].revents)
			return -1;
		if (pfd[0].revents)
			return 1;
		/* The timeout is capped: only a deadline that passed counts. */
		if (rc == 0 && relay_now() >= deadline)
			return 0;
	}
}

double
session_time_left(double deadline)
{
	double now = relay_now();

	if (deadline < 0)
		return -1;
	return deadline > now ? deadline - now : 0;
}

int
session_send_all(int fd, const unsigned char *buf, size_t len,
    size_t secret_at, size_t secret_end, double deadline, int *err)
{
	size_t at = 0;

	while (at < len) {
		ssize_t n = sys_send_secret(fd, buf + at, len - at,
		    MSG_NOSIGNAL, secret_at > at ? secret_at - at : 0,
		    secret_end > at ? secret_end - at : 0);
		int rc;

		if (n >= 0) {
			at += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			*err = errno;
			return EXIT_FAIL;
		}
		rc = session_wait(fd, POLLOUT, session_time_left(deadline));
		if (rc == 0)
			return EXIT_TIMEOUT;
		if (rc < 0)
			return sys_signal_caught ?
			    128 + (int)sys_signal_caught : EXIT_FAIL;
	}
	return EXIT_OK;
}

static void
hex_hook(void *ctx, enum relay_dir dir, const void *buf, size_t len)
{
	struct session *s = ctx;
	const unsigned char *p = buf;
	char text[(1024 / HEXDUMP_WIDTH) * HEXDUMP_LINE_MAX];

	while (len > 0) {
		size_t n = len > 1024 ? 1024 : len;
		size_t out = hexdump_format(text, dir == RELAY_UP ? '>' : '<',
		    s->hex_offset[dir], p, n);

		report_write(text, out);
		s->hex_offset[dir] += n;
		p += n;
		len -= n;
	}
}

static void
human_bytes(uint64_t n, char *out, size_t cap)
{
	if (n < 1024)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, cap, "%.1f KiB", (double)n / 1024);
	else if (n < 1024ull * 1024 * 1024)
		snprintf(out, cap, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(out, cap, "%.2f GiB", (double)n /
		    (1024.0 * 1024 * 1024));
}

static void
progress_hook(void *ctx, const struct relay_stats *st)
{
	struct session *s = ctx;
	char sent[32], received[32], rate[32], line[160];
	double secs = st->seconds > 0 ? st->seconds : 1;
	int n;

	human_bytes(st->bytes[RELAY_UP], sent, sizeof(sent));
	human_bytes(st->bytes[RELAY_DOWN], received, sizeof(received));
	human_bytes((uint64_t)((double)(st->bytes[RELAY_UP] +
	    st->bytes[RELAY_DOWN]) / secs), rate, sizeof(rate));
	n = snprintf(line, sizeof(line), _("%ssockit: %s sent, %s received, "
	    "%s/s, %.0f s%s"), s->progress_on_tty ? "\r" : "", sent, received,
	    rate, st->seconds, s->progress_on_tty ? "\033[K" : "\n");
	if (n > 0)
		report_write(line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
	s->progress_drawn = s->progress_on_tty;
}

static void
watch_hook(void *ctx, const struct relay_stats *st)
{
	struct session *s = ctx;

	(void)st;
	s->watch(s->watch_ctx);
}

static void
data_hook(void *ctx, enum relay_dir dir, const void *buf, size_t len)
{
	struct session *s = ctx;

	if (s->opts.hex)
		hex_hook(ctx, dir, buf, len);
	if (dir == RELAY_DOWN && s->plan != NULL && s->plan->on_reply)
		s->plan->on_reply(s->plan->ctx, buf, len);
}

void
session_hex(struct session *s, enum relay_dir dir, const void *buf,
    size_t len)
{
	if (s->opts.hex)
		hex_hook(s, dir, buf, len);
}

void
session_oversize(struct session *s, size_t len, const char *sender)
{
	char what[ADDR_TEXT_MAX + 64];

	s->oversize++;
	snprintf(what, sizeof(what),
	    _("receive a datagram of %zu bytes from %s"), len, sender);
	/*
	 * recvmmsg succeeded and said MSG_TRUNC: the EMSGSIZE is sockit's
	 * word for it, so the message names no call as if it had failed.
	 */
	report_errno_hint(NULL, what, EMSGSIZE, explain_errno("recvmmsg",
	    EMSGSIZE));
}

static void
oversize_hook(void *ctx, size_t len, const struct sockaddr *sa,
    socklen_t salen)
{
	struct session *s = ctx;
	struct sockaddr unnamed = { .sa_family = AF_UNIX };
	char text[ADDR_TEXT_MAX];

	/* Only a unix sender that never bound a name comes without one. */
	if (sa != NULL && salen < sizeof(sa_family_t)) {
		sa = &unnamed;
		salen = sizeof(sa_family_t);
	}
	if (sa != NULL)
		addr_format_kind(sa, salen, s->socktype, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s", _("the peer"));
	session_oversize(s, len, text);
}

static bool
admit_hook(void *ctx, const struct sockaddr *sa, socklen_t len)
{
	struct session *s = ctx;

	return s->admit(s->admit_ctx, sa, len);
}

/* -v names each new sender of an any_sender relay, --json as an event. */
static void
sender_hook(void *ctx, const struct sockaddr *sa, socklen_t len)
{
	struct session *s = ctx;
	char text[ADDR_TEXT_MAX], storage[512];
	struct strbuf sb;

	addr_format_kind(sa, len, s->socktype, text, sizeof(text));
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "sender");
		json_field_str(&sb, "remote", text);
		report_event_end(&sb);
	} else {
		report_note("datagrams from %s; stdin goes there now", text);
	}
}

static size_t
frame_hook(void *ctx, const void *buf, size_t len, unsigned char *out,
    size_t cap)
{
	struct session *s = ctx;

	return s->frame(s->frame_ctx, buf, len, out, cap);
}

void
session_progress(struct session *s, const struct relay_stats *st, bool last)
{
	progress_hook(s, st);
	if (last && s->progress_drawn)
		report_write("\n", 1);
	if (last)
		s->progress_drawn = false;
}

int
session_emit_datagram(struct session *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t off = 0;

	if (s->opts.hex)
		hex_hook(s, RELAY_DOWN, buf, len);
	s->early_bytes += len;
	s->early_arrival = true;
	while (off < len) {
		ssize_t n = sys_write(STDOUT_FILENO, p + off, len - off);

		if (n < 0) {
			/* The reader went away or a signal came: stop here. */
			if (errno == EPIPE || errno == EINTR) {
				s->output_closed = true;
				return EXIT_OK;
			}
			report_errno("write", _("write to stdout"), errno);
			return EXIT_FAIL;
		}
		off += (size_t)n;
	}
	return EXIT_OK;
}

void
session_connected(struct session *s, int sock, const char *event)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	char ltext[ADDR_TEXT_MAX], ptext[ADDR_TEXT_MAX];
	char storage[1024];
	struct strbuf sb;

	if (!s->opts.verbose && !s->opts.json)
		return;
	if (sys_getsockname(sock, (struct sockaddr *)&local, &llen) < 0)
		llen = 0;
	if (sys_getpeername(sock, (struct sockaddr *)&peer, &plen) < 0)
		plen = 0;
	addr_format_kind((struct sockaddr *)&local, llen, s->socktype, ltext,
	    sizeof(ltext));
	addr_format_kind((struct sockaddr *)&peer, plen, s->socktype, ptext,
	    sizeof(ptext));
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), event);
		json_field_str(&sb, "local", ltext);
		json_field_str(&sb, "remote", ptext);
		report_event_end(&sb);
	} else if (strcmp(event, "connected") == 0) {
		report_note("connected to %s from %s", ptext, ltext);
	} else {
		report_note("connection from %s to %s", ptext, ltext);
	}
}

/*
 * "sent N bytes" and "received N bytes" as two phrases, each with the
 * plural its own count needs: one sentence cannot hold two ngettext forms.
 */
static void
byte_counts(uint64_t sent, uint64_t received, char *up, char *down)
{
	snprintf(up, BYTE_COUNT_MAX, P_("sent %llu byte", "sent %llu bytes",
	    sent), (unsigned long long)sent);
	snprintf(down, BYTE_COUNT_MAX, P_("received %llu byte",
	    "received %llu bytes", received), (unsigned long long)received);
}

static void
summary(struct session *s, const struct relay_result *res)
{
	char storage[1024], up[BYTE_COUNT_MAX], down[BYTE_COUNT_MAX];
	struct strbuf sb;
	uint64_t received = res->stats.bytes[RELAY_DOWN] + s->early_bytes;
	uint64_t sent = res->stats.bytes[RELAY_UP] + s->early_sent;

	if (s->opts.progress) {
		/* The final figures, whether or not a tick came by. */
		progress_hook(s, &res->stats);
		if (s->progress_drawn)
			report_write("\n", 1);
		s->progress_drawn = false;
	}
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "closed");
		json_field_u64(&sb, "sent", sent);
		json_field_u64(&sb, "received", received);
		json_field_num(&sb, "seconds", res->stats.seconds);
		if (res->truncated)
			json_field_bool(&sb, "truncated", true);
		report_event_end(&sb);
	} else {
		byte_counts(sent, received, up, down);
		report_note("%s, %s in %.3f s", up, down, res->stats.seconds);
	}
}

void
session_summary(struct session *s, const struct relay_stats *stats)
{
	struct relay_result res;

	memset(&res, 0, sizeof(res));
	res.stats = *stats;
	if (s->opts.verbose || s->opts.json || s->opts.progress)
		summary(s, &res);
}

static char history_file[4096];

/* Returns $SOCKIT_HISTORY (empty: none), else ~/.sockit_history. */
static const char *
history_path(void)
{
	const char *env = getenv("SOCKIT_HISTORY");
	const char *home = getenv("HOME");

	if (env != NULL)
		return env[0] != '\0' ? env : NULL;
	if (home == NULL || home[0] == '\0')
		return NULL;
	snprintf(history_file, sizeof(history_file), "%s/.sockit_history",
	    home);
	return history_file;
}

/*
 * A history file that cannot be written loses every line typed: say so,
 * once a run however many sessions or lines meet it.
 */
static void
check_history(void)
{
	static bool warned;
	int err = line_history_error();
	const char *path = history_path();

	if (err == 0 || warned || path == NULL)
		return;
	warned = true;
	report_warning("history file %s: %s (%s)", path, i18n_errno_text(err),
	    trace_errno_name(err) != NULL ? trace_errno_name(err) : "?");
}

static ssize_t
edit_read(void *ctx, void *buf, size_t cap)
{
	(void)ctx;
	return line_read(buf, cap);
}

static bool
edit_pending(void *ctx)
{
	(void)ctx;
	return line_pending();
}

static void
edit_before_output(void *ctx)
{
	(void)ctx;
	line_hide(true);
}

static void
edit_after_output(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	line_show(buf, len);
}

static void
edit_hide_for_stderr(void)
{
	line_hide(false);
}

static void
edit_show_after_stderr(void)
{
	line_show(NULL, 0);
}

/*
 * A person types at a terminal and reads the answers on it: edit lines
 * with readline, the peer's data printed above the line being typed.
 * Returns true when editing started.
 */
static bool
start_editing(struct session *s, struct relay_config *cfg)
{
	if (!s->may_edit || s->plan != NULL || s->opts.no_readline ||
	    cfg->in_fd != STDIN_FILENO || cfg->out_fd != STDOUT_FILENO ||
	    !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
	    line_editor() == NULL || line_open(history_path()) < 0)
		return false;
	cfg->hooks.read_input = edit_read;
	cfg->hooks.input_pending = edit_pending;
	cfg->hooks.before_output = edit_before_output;
	cfg->hooks.after_output = edit_after_output;
	if (isatty(STDERR_FILENO)) {
		trace_stderr_hide = edit_hide_for_stderr;
		trace_stderr_show = edit_show_after_stderr;
	}
	/* A line redrawn in place would fight the prompt: plain lines. */
	s->progress_on_tty = false;
	check_history();
	return true;
}

static void
stop_editing(void)
{
	line_close();
	check_history();
	trace_stderr_hide = NULL;
	trace_stderr_show = NULL;
}

/* Returns stdin when it is open, else -1: nothing to send. */
static int
usable_stdin(void)
{
	return fcntl(STDIN_FILENO, F_GETFL) == -1 ? -1 : STDIN_FILENO;
}

/*
 * A sender stopped by a signal before all its data reached the peer ends
 * TCP with a reset, not a FIN: a FIN says "that was everything", and the
 * receiver would take the truncated data for the whole. SO_LINGER with a
 * zero timeout makes the close() that follows drop the send queue and
 * send RST, so the peer's next read fails with ECONNRESET. Data is left
 * when stdin had not ended or the relay still held bytes (res->unsent),
 * or when the send queue holds bytes the peer has not acknowledged
 * (SIOCOUTQ; a FIN already sent counts one there and is no data).
 * A unix stream socket has no reset: its peer sees an ordinary end.
 */
static void
reset_if_unsent(int sock, const struct relay_result *res)
{
	struct linger abort_close = { 1, 0 };
	socklen_t len = sizeof(int);
	int domain = 0, queued = 0;

	if (sys_getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    (domain != AF_INET && domain != AF_INET6))
		return;
	/* When the queue cannot be measured, the data may be short: reset. */
	if (!res->unsent && sys_unsent(sock, &queued) == 0 &&
	    queued <= (res->fin_sent ? 1 : 0))
		return;
	sys_setsockopt(sock, SOL_SOCKET, SO_LINGER, &abort_close,
	    sizeof(abort_close));
}

/*
 * Reports a relay's failed call with the hint for the socket's family, as
 * a send's EACCES is a broadcast over UDP and a file's mode over unix.
 */
static void
report_relay_errno(const struct session *s, int socktype, const char *call,
    const char *what, int err)
{
	struct sockaddr_storage family;
	char hint[512];

	memset(&family, 0, sizeof(family));
	family.ss_family = (sa_family_t)s->family;
	report_errno_hint(call, what, err, explain_errno_at(call, err,
	    s->family != 0 ? (const struct sockaddr *)&family : NULL,
	    sizeof(sa_family_t), socktype, hint, sizeof(hint)));
}

int
session_relay(struct session *s, int sock, int socktype, const char *peer)
{
	struct relay_config cfg;
	struct relay_result res;
	char what[ADDR_TEXT_MAX + 32];
	bool editing;

	if (session_tls_on(s)) {
		int status = session_tls_start(s, sock, peer);

		if (status != EXIT_OK)
			return status;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.sock = sock;
	cfg.tls = s->tls;
	cfg.in_fd = s->receive_only ? -1 : usable_stdin();
	cfg.out_fd = STDOUT_FILENO;
	if (s->plan != NULL) {
		cfg.in_fd = s->plan->data != NULL ? -1 : s->plan->in_fd;
		cfg.in_data = s->plan->data;
		cfg.in_len = s->plan->len;
		/* Unwanted replies are read all the same, and dropped. */
		if (s->plan->on_reply != NULL || !s->plan->want_reply)
			cfg.out_fd = -1;
	}
	cfg.messages = socktype != SOCK_STREAM;
	cfg.eof_on_empty = socktype != SOCK_DGRAM;
	cfg.max_message = UDP_PAYLOAD_MAX;
	cfg.on_stdin_eof = (enum relay_shutdown)s->opts.shutdown_mode;
	cfg.stdin_is_tty = cfg.in_fd >= 0 && isatty(cfg.in_fd);
	cfg.crlf = s->opts.crlf;
	cfg.quit_after = s->opts.quit_after;
	cfg.idle_timeout = s->opts.idle_timeout;
	/* -w waits for the first byte; a datagram before the relay was it. */
	cfg.reply_timeout = s->early_arrival ? -1 : s->opts.timeout;
	if (s->plan != NULL && !s->plan->want_reply) {
		/* Nothing to wait for once the --shutdown step is done. */
		cfg.end_after_shutdown = true;
		cfg.reply_timeout = -1;
	}
	cfg.recv_sock = s->recv_sock;
	cfg.end_fd = s->end_fd;
	cfg.eof_datagram = s->eof_datagram;
	cfg.any_sender = s->any_sender;
	if (s->any_sender && s->admit != NULL)
		cfg.hooks.admit = admit_hook;
	if (s->any_sender && (s->opts.verbose || s->opts.json))
		cfg.hooks.on_sender = sender_hook;
	cfg.hooks.ctx = s;
	cfg.hooks.on_oversize = oversize_hook;
	if (s->opts.hex || (s->plan != NULL && s->plan->on_reply != NULL))
		cfg.hooks.on_data = data_hook;
	/* The course's program reads stdin with read(2), unedited. */
	editing = !textbook_on() && start_editing(s, &cfg);
	if (s->opts.progress) {
		cfg.hooks.on_tick = progress_hook;
		cfg.hooks.tick_seconds = s->progress_on_tty ? 0.5 : 1.0;
	} else if (s->watch != NULL) {
		cfg.hooks.on_tick = watch_hook;
		cfg.hooks.tick_seconds = s->watch_seconds;
	}
	msgflags_apply(s, &cfg);
	if (s->frame != NULL) {
		cfg.hooks.on_frame = frame_hook;
		cfg.hooks.frame_cap = s->frame_cap;
	}
	if (textbook_on())
		textbook_run(&cfg, &res);
	else
		relay_run(&cfg, &res);
	if (editing)
		stop_editing();
	session_tls_finish(s, &res, peer);
	if (res.end == RELAY_OUTPUT_CLOSED)
		s->output_closed = true;
	if (s->opts.verbose || s->opts.json || s->opts.progress)
		summary(s, &res);
	/* The next peer of -k starts its counts and dump offsets afresh. */
	s->early_bytes = 0;
	s->early_sent = 0;
	s->early_arrival = false;
	s->hex_offset[0] = s->hex_offset[1] = 0;
	switch (res.end) {
	case RELAY_DONE:
	case RELAY_OUTPUT_CLOSED:
		/* What was dropped as too long was said; the status says it. */
		return s->oversize > 0 ? EXIT_FAIL : EXIT_OK;
	case RELAY_SIGNAL:
		/* A person at a terminal who presses Ctrl-C means "enough". */
		if (socktype == SOCK_STREAM && !cfg.stdin_is_tty &&
		    (cfg.in_fd >= 0 || cfg.in_data != NULL))
			reset_if_unsent(sock, &res);
		return 128 + (int)sys_signal_caught;
	case RELAY_TIMEOUT:
		if (strcmp(res.expired, "-i") == 0)
			report_error("no data moved for %g s with %s (-i)",
			    s->opts.idle_timeout, peer);
		else if (strcmp(res.expired, "-q") == 0)
			report_error("%s took none of the rest of stdin for "
			    "%g s after -q's time: not all was sent (-q)", peer,
			    res.stalled);
		else if (s->receive_only)
			report_error("no data from %s within %g s (-w)",
			    peer, s->opts.timeout);
		else
			report_error("no reply from %s within %g s (-w)",
			    peer, s->opts.timeout);
		return EXIT_TIMEOUT;
	case RELAY_ERROR:
		break;
	}
	/* session_tls_finish has told what TLS refused. */
	if (strcmp(res.failed_call, "tls") == 0)
		return EXIT_FAIL;
	/* send, sendto, sendmmsg; recv, recvfrom, recvmmsg. */
	if (strncmp(res.failed_call, "send", 4) == 0)
		snprintf(what, sizeof(what), _("send to %s"), peer);
	else if (strncmp(res.failed_call, "recv", 4) == 0)
		snprintf(what, sizeof(what), _("recv from %s"), peer);
	else if (strcmp(res.failed_call, "read") == 0)
		snprintf(what, sizeof(what), "%s", _("read from stdin"));
	else if (strcmp(res.failed_call, "write") == 0)
		snprintf(what, sizeof(what), "%s", _("write to stdout"));
	else
		snprintf(what, sizeof(what), "%s", res.failed_call);
	report_relay_errno(s, socktype, res.failed_call, what, res.err);
	return EXIT_FAIL;
}

bool
session_has_program(const struct session *s)
{
	return s->opts.exec_prog != NULL || s->opts.sh_prog != NULL;
}

int
session_program(struct session *s, struct spawn_cmd *cmd)
{
	bool shell = s->opts.sh_prog != NULL;
	int status;

	status = spawn_prepare(cmd, shell ? s->opts.sh_prog :
	    s->opts.exec_prog, shell);
	if (status != EXIT_OK)
		return status;
	if (spawn_watch() < 0)
		return EXIT_FAIL;
	return EXIT_OK;
}

/* Puts an address's host and port into env as PREFIX_ADDR, PREFIX_PORT. */
static void
env_address(struct spawn_env *env, const char *addr_name,
    const char *port_name, const struct sockaddr *sa, socklen_t len)
{
	char host[ADDR_TEXT_MAX], port[16] = "";
	struct strbuf sb;
	int p;

	strbuf_init(&sb, host, sizeof(host));
	if (len > sizeof(sa_family_t))
		addr_host(&sb, sa, len);
	p = len > sizeof(sa_family_t) ? addr_port(sa, len) : -1;
	if (p >= 0)
		snprintf(port, sizeof(port), "%d", p);
	spawn_env_add(env, addr_name, strbuf_str(&sb));
	spawn_env_add(env, port_name, port);
}

void
session_program_env(int sock, const struct sockaddr *peer, socklen_t plen,
    struct spawn_env *env)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);

	memset(env, 0, sizeof(*env));
	if (sys_getsockname(sock, (struct sockaddr *)&local, &llen) < 0)
		llen = 0;
	env_address(env, "SOCKIT_PEER_ADDR", "SOCKIT_PEER_PORT", peer, plen);
	env_address(env, "SOCKIT_LOCAL_ADDR", "SOCKIT_LOCAL_PORT",
	    (const struct sockaddr *)&local, llen);
}

void
session_program_closed(struct session *s, int sock, const char *peer,
    double start, pid_t pid, int status)
{
	char storage[1024], up[BYTE_COUNT_MAX], down[BYTE_COUNT_MAX];
	struct strbuf sb;
	uint64_t sent = 0, received = 0;
	bool counted;
	double seconds = relay_now() - start;

	counted = sys_tcp_bytes(sock, s->dialed, &sent, &received) == 0;

	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "closed");
		json_field_str(&sb, "remote", peer);
		json_field_u64(&sb, "pid", (uint64_t)pid);
		json_field_u64(&sb, "status", (uint64_t)status);
		if (counted) {
			json_field_u64(&sb, "sent", sent);
			json_field_u64(&sb, "received", received);
		}
		json_field_num(&sb, "seconds", seconds);
		report_event_end(&sb);
	} else if (counted) {
		byte_counts(sent, received, up, down);
		report_note("closed %s: %s, %s in %.3f s", peer, up, down,
		    seconds);
	} else {
		report_note("closed %s after %.3f s", peer, seconds);
	}
}

int
session_run_program(struct session *s, struct spawn_cmd *cmd, int sock,
    int also_close)
{
	struct spawn_env env;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	char text[ADDR_TEXT_MAX];
	/* Held open for TCP's counts, our copy delays the FIN: only for -v. */
	bool keep = s->opts.verbose || s->opts.json;
	double start = relay_now();

	if (sys_getpeername(sock, (struct sockaddr *)&peer, &plen) < 0)
		plen = 0;
	addr_format_kind((struct sockaddr *)&peer, plen, s->socktype, text,
	    sizeof(text));
	/* O_NONBLOCK belongs to the socket, not our descriptor: clear it. */
	if (sys_set_blocking(sock) < 0) {
		report_errno("fcntl", _("make the socket blocking for the "
		    "program"), errno);
		sys_close(sock);
		return EXIT_FAIL;
	}
	session_program_env(sock, (struct sockaddr *)&peer, plen, &env);
	if (spawn_start(cmd, sock, sock, s->opts.join_stderr ? sock : -1,
	    also_close, &env) < 0) {
		sys_close(sock);
		return EXIT_FAIL;
	}
	spawn_event_started(cmd);
	/* The program has its copies: ours would keep the peer from EOF. */
	if (!keep)
		sys_close(sock);
	spawn_wait(cmd, 1, false);
	if (keep) {
		session_program_closed(s, sock, text, start, cmd->pid,
		    cmd->status);
		sys_close(sock);
	}
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	return cmd->status;
}

void
session_remove_at_exit(const char *path)
{
	snprintf(cleanup_path, sizeof(cleanup_path), "%s", path);
}

void
session_cleanup(void)
{
	if (cleanup_path[0] == '\0')
		return;
	sys_unlink(cleanup_path);
	cleanup_path[0] = '\0';
}
