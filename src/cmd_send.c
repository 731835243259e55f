/* cmd_send.c: one shot: send DATA, a file or stdin; with -r print the reply. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "dial.h"
#include "escape.h"
#include "i18n.h"
#include "json.h"
#include "msgflags.h"
#include "report.h"
#include "session.h"
#include "session_proxy.h"
#include "sockit.h"
#include "sys.h"
#include "textbook.h"

struct send_opts {
	int newline;
	int escapes;
	const char *file;
	int reply;
	int lines;
	long count;
	double interval;
	const char *source;
	int oob;
};

#define FIELD(name) offsetof(struct send_opts, name)

static const struct opt_def send_defs[] = {
	{ 'n', "newline", OPT_FLAG, FIELD(newline), NULL,
	  N_("append a newline to DATA, or to each --lines line"),
	  1, 0, 0, NULL },
	{ 'E', "escapes", OPT_FLAG, FIELD(escapes), NULL,
	  N_("DATA may use \\n \\r \\t \\xHH \\0 and \\\\"), 1, 0, 0, NULL },
	{ 'f', "file", OPT_STRING, FIELD(file), "FILE",
	  N_("send FILE instead of stdin"), 0, 0, 0, NULL },
	{ 'r', "reply", OPT_FLAG, FIELD(reply), NULL,
	  N_("print the reply (stream: to EOF; datagram: one each)"),
	  1, 0, 0, NULL },
	{ 0, "lines", OPT_FLAG, FIELD(lines), NULL,
	  N_("datagram, seqpacket: one message per input line"),
	  1, 0, 0, NULL },
	{ 0, "count", OPT_COUNT, FIELD(count), "N",
	  N_("send N times (stream: N connections)"), 0, 1, 1000000000, NULL },
	{ 0, "interval", OPT_SECONDS, FIELD(interval), "SECS",
	  N_("pause SECS between two sends of --count"), 0, 0, 0, NULL },
	{ 's', "source", OPT_STRING, FIELD(source), "ADDR[:PORT]",
	  N_("bind the local end to ADDR and PORT first"), 0, 0, 0, NULL },
	{ 0, "oob", OPT_FLAG, FIELD(oob), NULL,
	  N_("TCP: send with MSG_OOB: the last byte is urgent"),
	  1, 0, 0, NULL },
};

static const char *const send_examples = N_(
	"  sockit send -n localhost:9000 hello world\n"
	"  printf 'GET / HTTP/1.0\\r\\n\\r\\n' |\n"
	"      sockit send -r example.org:80\n"
	"  sockit send -u -E 127.0.0.1:514 '<14>deploy: done\\n'\n"
	"  sockit send -u -r -w 2 --json 127.0.0.1:7 ping\n"
	"  sockit send -u --lines -f events.log unix-dgram:/run/app.sock\n"
	"  sockit send -u --broadcast '<broadcast>:9' wake\n"
	"  sockit send -r -q 1 --proxy socks5h://127.0.0.1:1080 "
	"example.org:7 hello\n");

/*
 * Longest --lines line held, and the most one read of stdin or -f FILE
 * takes as a datagram: more than any datagram can carry, so a message
 * over the limit fails with EMSGSIZE, explained, instead of being cut.
 */
#define LINE_MAX_BYTES (256 * 1024)
/* Largest datagram taken in one recvfrom. */
#define REPLY_DATAGRAM_MAX 65536
/* A stream reply longer than this is split over several JSON objects. */
#define REPLY_OBJECT_MAX (1024 * 1024)
/* Room for "read FILE" and the like in a message; longer names are cut. */
#define WHAT_MAX 1100

/* What send sends each time: DATA, or what in_fd holds. */
struct source {
	const unsigned char *data;	/* DATA, NULL: read fd */
	size_t data_len;
	bool data_done;
	int fd;				/* -1: empty */
	const char *name;		/* "stdin" or the file, for errors */
	bool lines;
	bool eof;
	unsigned char *buf;
	size_t start, end;
};

/* Replies on their way to stdout as JSON objects (--json -r). */
struct reply {
	const char *from;	/* an address, or the target as named */
	const char *proxy;	/* --proxy's URL, or NULL */
	bool per_chunk;		/* each chunk is a message (seqpacket) */
	unsigned char *buf;	/* a stream reply gathered, REPLY_OBJECT_MAX */
	size_t len;
	struct timespec when;	/* the first byte of what buf holds */
	unsigned objects;
};

/*
 * Joins the DATA words with single spaces, then applies -E and -n. Stores
 * the message in *data and *len. Returns the exit status.
 */
static int
build_data(const struct send_opts *so, char **words, int count,
    unsigned char **data, size_t *len)
{
	size_t total = 2;
	char *joined, bad[8];
	unsigned char *out;
	long n;
	int i;

	for (i = 0; i < count; i++)
		total += strlen(words[i]) + 1;
	joined = malloc(total);
	out = malloc(total);
	if (joined == NULL || out == NULL) {
		report_errno("malloc", _("hold DATA"), errno);
		free(joined);
		free(out);
		return EXIT_FAIL;
	}
	joined[0] = '\0';
	for (i = 0; i < count; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, words[i]);
	}
	n = (long)strlen(joined);
	memcpy(out, joined, (size_t)n);
	if (so->escapes && (n = escape_decode(joined, out, bad, sizeof(bad))) < 0) {
		report_usage("bad escape '%s' in DATA: -E knows \\n \\r \\t "
		    "\\xHH \\0 and \\\\", bad);
		free(joined);
		free(out);
		return EXIT_USAGE;
	}
	free(joined);
	if (so->newline)
		out[n++] = '\n';
	*data = out;
	*len = (size_t)n;
	return EXIT_OK;
}

/* Opens -f FILE. Returns the descriptor, or -1 after reporting. */
static int
open_file(const char *path)
{
	char what[WHAT_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(what, sizeof(what), _("open %s (-f)"), path);
		report_errno("open", what, errno);
	}
	return fd;
}

/* The input when there is no DATA: -f FILE, or stdin when it is open. */
static int
open_input(const struct send_opts *so)
{
	if (so->file != NULL)
		return open_file(so->file);
	return fcntl(STDIN_FILENO, F_GETFL) == -1 ? -1 : STDIN_FILENO;
}

static void
close_input(const struct send_opts *so, int fd)
{
	if (so->file != NULL && fd >= 0)
		close(fd);
}

/* Sleeps SECS between two sends, waking for a signal. */
static int
pause_between(double secs)
{
	struct pollfd pfd = { sys_signal_wakeup_fd, POLLIN, 0 };
	double deadline = relay_now() + secs;

	while (!sys_signal_caught && relay_now() < deadline)
		sys_poll(&pfd, 1, relay_poll_timeout(deadline, relay_now()));
	return sys_signal_caught ? 128 + (int)sys_signal_caught : EXIT_OK;
}

/* The status after a wait gave up: a signal's, or a failure reported. */
static int
stop_status(void)
{
	return sys_signal_caught ? 128 + (int)sys_signal_caught : EXIT_FAIL;
}

/*
 * Prints one reply message as a JSON object on stdout. Returns false when
 * stdout's reader has gone.
 */
static bool
print_json(const char *from, const char *proxy, const void *data, size_t len,
    const struct timespec *when)
{
	size_t cap = len * 6 + 512;
	char *storage = malloc(cap);
	struct strbuf sb;
	bool ok;

	if (storage == NULL) {
		report_errno("malloc", _("format a reply as JSON"), errno);
		return true;
	}
	strbuf_init(&sb, storage, cap);
	json_begin(&sb);
	json_field_str(&sb, "from", from);
	/* As connect's "proxy" event names it: "from" stays an address. */
	if (proxy != NULL)
		json_field_str(&sb, "proxy", proxy);
	json_field_u64(&sb, "bytes", len);
	json_field_data(&sb, data, len);
	json_field_time(&sb, "time", (long long)when->tv_sec, when->tv_nsec);
	json_end(&sb);
	strbuf_end_line(&sb);
	fwrite(strbuf_str(&sb), 1, strbuf_used(&sb), stdout);
	ok = fflush(stdout) == 0;
	free(storage);
	return ok;
}

static void
reply_flush(struct reply *rp)
{
	/* An empty stream reply is dated by its end. */
	if (rp->len == 0)
		clock_gettime(CLOCK_REALTIME, &rp->when);
	print_json(rp->from, rp->proxy, rp->buf, rp->len, &rp->when);
	rp->objects++;
	rp->len = 0;
}

/* The relay's reply hook: a seqpacket record, or a piece of a stream. */
static void
reply_collect(void *ctx, const void *buf, size_t len)
{
	struct reply *rp = ctx;
	const unsigned char *p = buf;

	if (rp->per_chunk) {
		clock_gettime(CLOCK_REALTIME, &rp->when);
		print_json(rp->from, rp->proxy, buf, len, &rp->when);
		rp->objects++;
		return;
	}
	while (len > 0) {
		size_t take = REPLY_OBJECT_MAX - rp->len;

		if (take > len)
			take = len;
		if (rp->len == 0)
			clock_gettime(CLOCK_REALTIME, &rp->when);
		memcpy(rp->buf + rp->len, p, take);
		rp->len += take;
		p += take;
		len -= take;
		if (rp->len == REPLY_OBJECT_MAX)
			reply_flush(rp);
	}
}

/*
 * Runs the one pump on a connected stream or seqpacket socket: it sends
 * what the plan says (nothing for seqpacket, whose records went already),
 * does the --shutdown step and, with -r, prints the reply.
 */
static int
relay_with_plan(struct session *s, const struct send_opts *so,
    struct session_plan *plan, int fd, int socktype, const char *peer,
    const char *target, const char *proxy)
{
	struct reply rp;
	int status;

	memset(&rp, 0, sizeof(rp));
	plan->want_reply = so->reply;
	if (so->reply && s->opts.json) {
		/* Through a proxy, peer is a sentence: the target is named. */
		rp.from = proxy != NULL ? target : peer;
		rp.proxy = proxy;
		rp.per_chunk = socktype != SOCK_STREAM;
		if (!rp.per_chunk && (rp.buf = malloc(REPLY_OBJECT_MAX)) ==
		    NULL) {
			report_errno("malloc", _("hold the reply"), errno);
			return EXIT_FAIL;
		}
		plan->on_reply = reply_collect;
		plan->ctx = &rp;
	}
	s->plan = plan;
	status = session_relay(s, fd, socktype, peer);
	s->plan = NULL;
	/* A whole stream reply is one object, even an empty one. */
	if (!rp.per_chunk && rp.buf != NULL && (rp.len > 0 ||
	    (rp.objects == 0 && status == EXIT_OK)))
		reply_flush(&rp);
	free(rp.buf);
	return status;
}

/* Stream: one connection per --count round; the pump does everything. */
static int
stream_round(struct session *s, struct session_proxy *px,
    const struct send_opts *so, const struct endpoint *ep,
    const unsigned char *data, size_t len)
{
	struct session_plan plan;
	struct dial_result t;
	char peer[ADDR_TEXT_MAX];
	int status, in = -1;

	memset(&plan, 0, sizeof(plan));
	plan.data = data;
	plan.len = len;
	if (data == NULL && (in = open_input(so)) < 0 && so->file != NULL)
		return EXIT_FAIL;
	plan.in_fd = in;
	status = session_proxy_dial(px, s, ep, -1, &t, peer, sizeof(peer));
	if (status == EXIT_OK) {
		status = relay_with_plan(s, so, &plan, t.fd, t.addr.socktype,
		    peer, ep->text, px->on ? px->url.text : NULL);
		sys_close(t.fd);
	}
	close_input(so, in);
	return status;
}

/*
 * Sets *p and *len to the next message of src; *p is NULL at the end.
 * Returns EXIT_OK, or the exit status after reporting.
 */
static int
next_message(struct session *s, struct source *src, size_t chunk,
    const unsigned char **p, size_t *len)
{
	char what[WHAT_MAX];

	*p = NULL;
	if (src->data != NULL) {
		if (!src->data_done) {
			*p = src->data;
			*len = src->data_len;
		}
		src->data_done = true;
		return EXIT_OK;
	}
	for (;;) {
		unsigned char *nl = NULL;
		ssize_t n;
		int ready;

		if (src->lines)
			nl = memchr(src->buf + src->start, '\n',
			    src->end - src->start);
		if (nl != NULL || (src->end > src->start &&
		    (src->eof || !src->lines))) {
			size_t stop = nl != NULL ? (size_t)(nl - src->buf) :
			    src->end;

			*p = src->buf + src->start;
			*len = stop - src->start;
			/* A line goes without its newline. */
			src->start = nl != NULL ? stop + 1 : stop;
			return EXIT_OK;
		}
		if (src->eof || src->fd < 0)
			return EXIT_OK;
		memmove(src->buf, src->buf + src->start, src->end - src->start);
		src->end -= src->start;
		src->start = 0;
		if (src->lines && src->end == LINE_MAX_BYTES) {
			report_error("a line of %s is longer than %d bytes, "
			    "more than any datagram (--lines)", src->name,
			    LINE_MAX_BYTES);
			return EXIT_FAIL;
		}
		/*
		 * -i bounds the wait for input as it bounds the relay; the
		 * slide's client just reads, and so does textbook mode.
		 */
		ready = textbook_on() && s->opts.idle_timeout < 0 ? 1 :
		    session_wait(src->fd, POLLIN, s->opts.idle_timeout);
		if (ready == 0) {
			report_error("nothing to read on %s for %g s (-i)",
			    src->name, s->opts.idle_timeout);
			return EXIT_TIMEOUT;
		}
		if (ready < 0)
			return stop_status();
		n = sys_read(src->fd, src->buf + src->end, src->lines ?
		    LINE_MAX_BYTES - src->end : chunk);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			if (sys_signal_caught)
				return stop_status();
			snprintf(what, sizeof(what), _("read %s"), src->name);
			report_errno("read", what, errno);
			return EXIT_FAIL;
		}
		if (n == 0)
			src->eof = true;
		src->end += (size_t)n;
	}
}

/*
 * Copies a message into out for sending: -n adds a newline (to lines),
 * -C turns each LF that does not follow a CR into CR LF. out holds
 * 2 * len + 2 bytes. Returns the length.
 */
static size_t
compose(const struct session *s, const unsigned char *in, size_t len,
    bool newline, unsigned char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len + (newline ? 1 : 0); i++) {
		unsigned char c = i < len ? in[i] : '\n';

		if (s->opts.crlf && c == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = c;
	}
	return n;
}

/*
 * Sends one datagram or record; it goes whole or not at all, so a
 * message over the limit fails with EMSGSIZE. Returns the exit status.
 */
static int
send_message(struct session *s, int fd, const char *peer,
    const unsigned char *p, size_t len, struct relay_stats *st)
{
	char what[ADDR_TEXT_MAX + 64];
	int ready;

	while (textbook_send(fd, p, len, 0) < 0) {
		if (errno != EAGAIN) {
			if (sys_signal_caught)
				return stop_status();
			/* English says "1 bytes" here, as it always has. */
			snprintf(what, sizeof(what), P_("send %zu bytes to %s",
			    "send %zu bytes to %s", len), len, peer);
			report_errno(textbook_send_call(), what, errno);
			return EXIT_FAIL;
		}
		/* The peer's queue is full (a slow unix reader): wait. */
		ready = session_wait(fd, POLLOUT, s->opts.idle_timeout);
		if (ready == 0) {
			report_error("no data moved for %g s with %s (-i)",
			    s->opts.idle_timeout, peer);
			return EXIT_TIMEOUT;
		}
		if (ready < 0)
			return stop_status();
	}
	session_hex(s, RELAY_UP, p, len);
	st->bytes[RELAY_UP] += len;
	st->messages[RELAY_UP]++;
	return EXIT_OK;
}

/* -r on a datagram socket: waits for one datagram and prints it. */
static int
await_reply(struct session *s, int fd, const char *peer,
    struct relay_stats *st)
{
	static unsigned char buf[REPLY_DATAGRAM_MAX];
	struct sockaddr_storage from;
	socklen_t flen;
	struct timespec when;
	char text[ADDR_TEXT_MAX], what[ADDR_TEXT_MAX + 32];
	double limit = s->opts.timeout;
	const char *which = "-w";
	ssize_t n;
	int ready;

	if (s->opts.idle_timeout >= 0 && (limit < 0 ||
	    s->opts.idle_timeout < limit)) {
		limit = s->opts.idle_timeout;
		which = "-i";
	}
	do {
		ready = session_wait(fd, POLLIN, limit);
		if (ready == 0) {
			report_error("no reply from %s within %g s (%s)", peer,
			    limit, which);
			return EXIT_TIMEOUT;
		}
		if (ready < 0)
			return stop_status();
		flen = sizeof(from);
		/* With MSG_TRUNC the result is the datagram's real length. */
		n = sys_recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &flen);
	} while (n < 0 && errno == EAGAIN);
	clock_gettime(CLOCK_REALTIME, &when);
	if (n < 0) {
		if (sys_signal_caught)
			return stop_status();
		snprintf(what, sizeof(what), _("recv from %s"), peer);
		report_errno("recvfrom", what, errno);
		return EXIT_FAIL;
	}
	/* A reply too long to read whole is dropped, never passed off cut. */
	if ((size_t)n > sizeof(buf)) {
		session_oversize(s, (size_t)n, peer);
		return EXIT_FAIL;
	}
	st->bytes[RELAY_DOWN] += (uint64_t)n;
	st->messages[RELAY_DOWN]++;
	if (!s->opts.json) {
		int status = session_emit_datagram(s, buf, (size_t)n);

		/* Counted in st already: not again in the summary. */
		s->early_bytes = 0;
		s->early_arrival = false;
		return status;
	}
	session_hex(s, RELAY_DOWN, buf, (size_t)n);
	/* An unnamed unix sender has no address: name the peer instead. */
	if (flen > sizeof(sa_family_t))
		addr_format_kind((struct sockaddr *)&from, flen,
		    s->socktype, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s", peer);
	if (!print_json(text, NULL, buf, (size_t)n, &when))
		s->output_closed = true;
	return EXIT_OK;
}

/* Sends every message of one --count round. */
static int
message_round(struct session *s, const struct send_opts *so,
    struct source *src, int fd, int socktype, const char *peer,
    unsigned char *out, struct relay_stats *st)
{
	/* Textbook mode reads each datagram into the one user buffer. */
	size_t chunk = textbook_on() ? textbook_bufsize() : LINE_MAX_BYTES;
	const unsigned char *p;
	size_t len, n;
	int status;

	for (;;) {
		status = next_message(s, src, chunk, &p, &len);
		if (status != EXIT_OK || p == NULL)
			return status;
		n = compose(s, p, len, src->lines && so->newline, out);
		status = send_message(s, fd, peer, out, n, st);
		if (status == EXIT_OK && so->reply && socktype == SOCK_DGRAM)
			status = await_reply(s, fd, peer, st);
		if (status != EXIT_OK || s->output_closed)
			return status;
	}
}

/*
 * Datagram and seqpacket: one socket, and each message sent whole. A
 * seqpacket connection then ends as a stream does, through the pump.
 */
static int
send_messages(struct session *s, const struct send_opts *so,
    const struct endpoint *ep, const unsigned char *data, size_t len)
{
	struct dial_result t;
	struct relay_stats st;
	struct source src;
	struct session_plan plan;
	char peer[ADDR_TEXT_MAX];
	unsigned char *out, *in = NULL;
	size_t room = data != NULL ? len : LINE_MAX_BYTES;
	double start = relay_now();
	long round;
	int status;

	out = malloc(2 * room + 2);
	if (data == NULL)
		in = malloc(LINE_MAX_BYTES);
	if (out == NULL || (data == NULL && in == NULL)) {
		report_errno("malloc", _("hold a message"), errno);
		free(out);
		free(in);
		return EXIT_FAIL;
	}
	memset(&st, 0, sizeof(st));
	status = dial_open(s, ep, NULL, -1, -1, false, &t);
	if (status != EXIT_OK)
		goto done;
	addr_format_kind((const struct sockaddr *)&t.addr.sa, t.addr.len,
	    t.addr.socktype, peer, sizeof(peer));
	session_connected(s, t.fd, "connected");
	for (round = 0; round < so->count && status == EXIT_OK; round++) {
		if (round > 0 && (status = pause_between(so->interval)) !=
		    EXIT_OK)
			break;
		memset(&src, 0, sizeof(src));
		src.data = data;
		src.data_len = len;
		src.buf = in;
		src.lines = so->lines;
		src.name = so->file != NULL ? so->file : "stdin";
		src.fd = data != NULL ? -1 : open_input(so);
		if (data == NULL && src.fd < 0 && so->file != NULL) {
			status = EXIT_FAIL;
			break;
		}
		status = message_round(s, so, &src, t.fd, t.addr.socktype,
		    peer, out, &st);
		close_input(so, src.fd);
		if (s->output_closed)
			break;
	}
	st.seconds = relay_now() - start;
	if (status == EXIT_OK && t.addr.socktype == SOCK_SEQPACKET) {
		memset(&plan, 0, sizeof(plan));
		plan.in_fd = -1;
		s->early_sent = st.bytes[RELAY_UP];
		status = relay_with_plan(s, so, &plan, t.fd, t.addr.socktype,
		    peer, NULL, NULL);
	} else {
		session_summary(s, &st);
	}
	sys_close(t.fd);
done:
	free(out);
	free(in);
	return status;
}

/* The flag combinations that cannot mean anything: usage errors. */
static int
check_options(const struct send_opts *so, const struct endpoint *ep,
    int ndata)
{
	bool stream = ep->row->socktype == SOCK_STREAM;

	if (ndata > 0 && so->file != NULL) {
		report_usage("DATA and -f FILE are two messages: give one");
		return EXIT_USAGE;
	}
	if (ndata == 0 && so->escapes) {
		report_usage("-E interprets escapes in DATA, and there is "
		    "none");
		return EXIT_USAGE;
	}
	if (ndata == 0 && so->newline && !so->lines) {
		report_usage("-n needs DATA or --lines: stdin and -f FILE are "
		    "sent as they are");
		return EXIT_USAGE;
	}
	if (so->lines && ndata > 0) {
		report_usage("--lines splits stdin or -f FILE; DATA is one "
		    "message already");
		return EXIT_USAGE;
	}
	if (so->lines && stream) {
		report_usage("--lines needs a datagram or seqpacket endpoint: "
		    "a stream keeps no message boundaries");
		return EXIT_USAGE;
	}
	if (so->interval > 0 && so->count <= 1) {
		report_usage("--interval is the pause between the sends of "
		    "--count N: give --count too");
		return EXIT_USAGE;
	}
	if (so->count > 1 && ndata == 0 && so->file == NULL) {
		report_usage("--count repeats DATA or -f FILE: stdin can be "
		    "read only once");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
cmd_send(int argc, char **argv)
{
	struct session s;
	struct session_proxy px;
	struct send_opts so = { 0, 0, NULL, 0, 0, 1, 0, NULL, 0 };
	struct multicast_send ms;
	struct endpoint ep;
	unsigned char *data = NULL;
	char **pos;
	size_t len = 0;
	long round;
	int npos, status;
	const struct opt_group groups[] = {
		{ N_("Options"), send_defs, ARRAY_LEN(send_defs), &so },
		{ N_("Socket options"), session_socket_defs,
		  session_socket_count, &s.opts },
		{ N_("Datagram options"), multicast_send_defs,
		  multicast_send_count, &ms },
		{ N_("Data options"), session_data_defs, session_data_count,
		  &s.opts },
		{ N_("TLS options"), session_tls_defs, session_tls_count,
		  &s.tlso },
		{ N_("Proxy options"), session_proxy_defs, session_proxy_count,
		  &px },
	};
	const struct opt_command cmd = {
		"send", N_("[OPTIONS] ENDPOINT [DATA ...]"),
		N_("One shot: connect to ENDPOINT, send DATA (the words joined "
		"by spaces), -f FILE\nor stdin, end with FIN (shutdown "
		"SHUT_WR)\n(through --proxy: only with --shutdown wr) and exit; "
		"-r prints the reply.\nDatagrams: one per DATA, one "
		"per read, or one per line with --lines."),
		send_examples, groups, ARRAY_LEN(groups),
	};

	session_init(&s);
	session_proxy_init(&px, &s);
	multicast_send_init(&ms);
	s.multicast = &ms;
	/* Our end connects: TLS is the client's, checking name and pin. */
	s.dialed = true;
	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (pos == NULL) {
		report_errno("malloc", _("parse the arguments"), errno);
		return EXIT_FAIL;
	}
	if ((status = opt_run(&cmd, argc, argv, pos, argc, &npos)) !=
	    OPT_GO_ON)
		goto done;
	s.opts.source = so.source;
	s.oob_send = so.oob;
	session_proxy_shutdown_default(&px, &s);
	/* "-f -" is stdin, as many tools read it. */
	if (so.file != NULL && strcmp(so.file, "-") == 0)
		so.file = NULL;
	if ((status = session_check(&s)) != EXIT_OK ||
	    (status = session_proxy_endpoint(&px, &s, pos, npos > 0, false,
	    &ep)) != EXIT_OK ||
	    (status = session_parse_source(&s, &ep)) != EXIT_OK ||
	    (status = multicast_send_check(&ms, &ep)) != EXIT_OK ||
	    (status = check_options(&so, &ep, npos - 1)) != EXIT_OK ||
	    (status = msgflags_check(&s, &ep, false)) != EXIT_OK ||
	    (status = session_proxy_setup(&px, &s, &ep, false)) != EXIT_OK ||
	    (status = session_tls_setup(&s, &ep, false)) != EXIT_OK)
		goto done;
	if (npos > 1 && (status = build_data(&so, pos + 1, npos - 1, &data,
	    &len)) != EXIT_OK)
		goto done;
	if (ep.row->socktype != SOCK_STREAM) {
		status = send_messages(&s, &so, &ep, data, len);
		goto done;
	}
	for (round = 0; round < so.count; round++) {
		if (round > 0 && (status = pause_between(so.interval)) !=
		    EXIT_OK)
			break;
		if ((status = stream_round(&s, &px, &so, &ep, data, len)) !=
		    EXIT_OK)
			break;
	}
done:
	session_tls_free(&s);
	free(data);
	free(pos);
	return status;
}
