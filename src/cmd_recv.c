/* cmd_recv.c: a one-shot sink: bind, [accept], print each message. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "dgram.h"
#include "i18n.h"
#include "json.h"
#include "msgflags.h"
#include "report.h"
#include "serve.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"
#include "textbook.h"

struct recv_opts {
	int keep_open;
	long count;	/* 0: no --count */
	int from;
	int peek;
	int oob;
};

static const struct opt_def recv_defs[] = {
	{ 'k', "keep-open", OPT_FLAG, offsetof(struct recv_opts, keep_open),
	  NULL, N_("stream: accept the next peer when one ends"),
	  1, 0, 0, NULL },
	{ 0, "count", OPT_COUNT, offsetof(struct recv_opts, count), "N",
	  N_("exit after N datagrams (stream: after N peers)"),
	  0, 1, 1000000000, NULL },
	{ 0, "from", OPT_FLAG, offsetof(struct recv_opts, from), NULL,
	  N_("prefix messages with \"SENDER: \" (stream: once)"),
	  1, 0, 0, NULL },
	{ 0, "peek", OPT_FLAG, offsetof(struct recv_opts, peek), NULL,
	  N_("each receive first with MSG_PEEK: the same bytes twice"),
	  1, 0, 0, NULL },
	{ 0, "oob", OPT_FLAG, offsetof(struct recv_opts, oob), NULL,
	  N_("TCP: read urgent data (MSG_OOB) and tell each byte"),
	  1, 0, 0, NULL },
};

static const char *const recv_examples = N_(
	"  sockit recv -v 9000 > upload.bin      # one TCP peer, exact bytes\n"
	"  sockit recv -u --from --count 3 127.0.0.1:5514\n"
	"  sockit recv --json -k unix:/tmp/log.sock | jq -r .data\n"
	"  sockit recv -w 5 unix-dgram:/tmp/ping.sock\n"
	"  sockit recv -u --from --join 224.0.0.251 :5353   # mDNS\n");

/*
 * Room for one framed message of len bytes: in a JSON string one byte may
 * become six ("\u0001"), base64 takes four for three, the sender's address
 * at most doubles with escaping, and the field names need the rest.
 */
#define FRAME_CAP(len) (6 * (size_t)(len) + 2 * ADDR_TEXT_MAX + 256)

/* How messages reach stdout: raw, after "SENDER: " (--from), or as JSON. */
struct framer {
	bool json;
	bool per_message;	/* --from on each message, not once a peer */
	bool prefixed;		/* this peer's prefix is written */
	bool line_open;		/* the output does not end in \n */
	char sender[ADDR_TEXT_MAX];
};

/* What one run of recv has seen so far. */
struct sink {
	struct session *s;
	const struct recv_opts *ro;
	const struct endpoint *ep;
	struct framer f;
	struct relay_stats stats;	/* of datagrams */
	long got;		/* datagrams, or peers served */
	double start;		/* relay_now() when the socket was ready */
	double last;		/* ... when the last message came */
	bool ticking;		/* --progress between datagrams */
	double next_tick;
};

static void
json_message(struct framer *f, struct strbuf *sb, const void *buf,
    size_t len)
{
	struct timespec now;

	/* The wall clock, not the monotonic one: a time people can read. */
	clock_gettime(CLOCK_REALTIME, &now);
	json_begin(sb);
	json_field_str(sb, "from", f->sender);
	json_field_u64(sb, "bytes", len);
	json_field_data(sb, buf, len);
	json_field_time(sb, "time", (long long)now.tv_sec, now.tv_nsec);
	json_end(sb);
	strbuf_add(sb, "\n", 1);
}

/*
 * Frames one message (a datagram, a record, or a chunk of a stream as
 * recv() returned it) into out. Returns the bytes to write. It is also the
 * relay's on_frame hook, so stream data goes through the one pump.
 */
static size_t
frame_message(void *ctx, const void *buf, size_t len, unsigned char *out,
    size_t cap)
{
	struct framer *f = ctx;
	const unsigned char *p = buf;
	struct strbuf sb;

	strbuf_init(&sb, (char *)out, cap);
	if (f->json) {
		json_message(f, &sb, buf, len);
		return strbuf_used(&sb);
	}
	if (f->per_message || !f->prefixed) {
		strbuf_printf(&sb, "%s: ", f->sender);
		f->prefixed = true;
		f->line_open = true;
	}
	strbuf_add(&sb, buf, len);
	if (len > 0)
		f->line_open = p[len - 1] != '\n';
	/* Each message ends a line, so the next prefix starts one. */
	if (f->per_message && f->line_open) {
		strbuf_add(&sb, "\n", 1);
		f->line_open = false;
	}
	return strbuf_used(&sb);
}

/*
 * Writes buf to stdout whole. Returns EXIT_OK, also when the reader went
 * away (output_closed is then set), or the status after reporting.
 */
static int
write_out(struct session *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t off = 0;

	while (off < len) {
		ssize_t n = sys_write(STDOUT_FILENO, p + off, len - off);

		if (n < 0) {
			if (errno == EPIPE) {
				s->output_closed = true;
				return EXIT_OK;
			}
			if (sys_signal_caught)
				return serve_stop_status();
			report_errno("write", _("write to stdout"), errno);
			return EXIT_FAIL;
		}
		off += (size_t)n;
	}
	return EXIT_OK;
}

/*
 * Waits until fd is readable: a peer to accept or a datagram. -w bounds
 * the wait for the first, -i every wait, counted from the last arrival;
 * --progress draws its line meanwhile. Returns EXIT_OK when fd is ready,
 * or the exit status after reporting.
 */
static int
wait_arrival(struct sink *k, int fd, bool datagram)
{
	struct session *s = k->s;
	const struct session_opts *o = &s->opts;

	for (;;) {
		double now = relay_now(), limit = -1, until;
		bool idle = false;
		int ready;

		if (k->got == 0 && o->timeout >= 0)
			limit = k->start + o->timeout;
		if (o->idle_timeout >= 0 &&
		    (limit < 0 || k->last + o->idle_timeout < limit)) {
			limit = k->last + o->idle_timeout;
			idle = true;
		}
		until = limit;
		if (k->ticking && (until < 0 || k->next_tick < until))
			until = k->next_tick;
		ready = session_wait(fd, POLLIN, until < 0 ? -1 :
		    until > now ? until - now : 0);
		if (ready > 0)
			return EXIT_OK;
		if (ready < 0)
			return serve_stop_status();
		now = relay_now();
		if (k->ticking && now >= k->next_tick) {
			k->stats.seconds = now - k->start;
			session_progress(s, &k->stats, false);
			k->next_tick = now + (s->progress_on_tty ? 0.5 : 1.0);
		}
		if (limit < 0 || now < limit)
			continue;
		/* One message per noun: other languages give them genders. */
		if (idle && datagram)
			report_error("no datagram on %s for %g s (-i)",
			    k->ep->text, o->idle_timeout);
		else if (idle)
			report_error("no connection on %s for %g s (-i)",
			    k->ep->text, o->idle_timeout);
		else if (datagram)
			report_error("no datagram on %s within %g s (-w)",
			    k->ep->text, o->timeout);
		else
			report_error("no connection on %s within %g s (-w)",
			    k->ep->text, o->timeout);
		return EXIT_TIMEOUT;
	}
}

/*
 * Stream and seqpacket: accept a peer and copy what it sends to stdout
 * through the relay, which never reads stdin here, until the peer's EOF;
 * then the next peer, as -k and --count say.
 */
static int
recv_stream(struct sink *k, int lfd, int socktype)
{
	struct session *s = k->s;
	long limit = k->ro->count > 0 ? k->ro->count : k->ro->keep_open ?
	    0 : 1;
	char peer[ADDR_TEXT_MAX];
	int status, worst = EXIT_OK, cfd;

	s->receive_only = true;
	/* A seqpacket record is a message; a byte stream has none. */
	k->f.per_message = socktype == SOCK_SEQPACKET;
	if (k->f.json || k->ro->from) {
		s->frame = frame_message;
		s->frame_ctx = &k->f;
		s->frame_cap = FRAME_CAP(RELAY_CHUNK_MAX);
	}
	for (;;) {
		if ((status = wait_arrival(k, lfd, false)) != EXIT_OK)
			return status;
		status = serve_accept(s, NULL, k->ep, lfd, &cfd, peer,
		    sizeof(peer));
		if (status != EXIT_OK)
			return status;
		snprintf(k->f.sender, sizeof(k->f.sender), "%s", peer);
		k->f.prefixed = k->f.line_open = false;
		status = session_relay(s, cfd, socktype, peer);
		sys_close(cfd);
		if (sys_signal_caught)
			return serve_stop_status();
		/* The next peer's prefix starts a line of its own. */
		if (k->f.line_open && !k->f.json && !s->output_closed &&
		    write_out(s, "\n", 1) != EXIT_OK)
			return sys_signal_caught ? serve_stop_status() :
			    EXIT_FAIL;
		if (s->output_closed)
			return EXIT_OK;
		if (status != EXIT_OK)
			worst = status;
		k->got++;
		k->last = relay_now();
		if (limit > 0 && k->got >= limit)
			return worst;
		/* -w was for the first peer and its first byte; -i goes on. */
		s->opts.timeout = -1;
	}
}

/* What a batch writes: a pointer per datagram into its slots. */
struct batch {
	struct dgram_batch *in;
	struct iovec out[DGRAM_BATCH];
	bool one_write_each;	/* stdout keeps write boundaries */
};

/*
 * Writes the iovecs whole, on after a short write. Returns EXIT_OK, also
 * when the reader went away (output_closed is then set), or the status
 * after reporting.
 */
static int
write_all(struct session *s, struct iovec *iov, int count)
{
	while (count > 0) {
		ssize_t n = sys_writev(STDOUT_FILENO, iov, count);

		if (n < 0) {
			if (errno == EPIPE) {
				s->output_closed = true;
				return EXIT_OK;
			}
			if (sys_signal_caught)
				return serve_stop_status();
			report_errno("write", _("write to stdout"), errno);
			return EXIT_FAIL;
		}
		while (count > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			count--;
		}
		if (count > 0) {
			iov->iov_base = (unsigned char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return EXIT_OK;
}

/*
 * Counts one datagram of len bytes from from, and says what -v and -x ask
 * for. One longer than its slot (MSG_TRUNC) is dropped with an error, not
 * passed off whole; returns false then.
 */
static bool
count_one(struct sink *k, int family, const unsigned char *buf,
    size_t len, bool cut, struct sockaddr *from, socklen_t flen)
{
	struct session *s = k->s;

	/* A unix sender that never bound a name comes with no address. */
	if (flen < sizeof(sa_family_t)) {
		from->sa_family = (sa_family_t)family;
		flen = sizeof(sa_family_t);
	}
	/* Only what is printed is formatted: a flood has no time to spare. */
	if (s->opts.verbose || k->f.json || k->ro->from || cut)
		addr_format_kind(from, flen, s->socktype, k->f.sender,
		    sizeof(k->f.sender));
	k->got++;
	k->last = relay_now();
	if (cut) {
		session_oversize(s, len, k->f.sender);
		return false;
	}
	k->stats.bytes[RELAY_DOWN] += len;
	k->stats.messages[RELAY_DOWN]++;
	report_note(P_("datagram of %zu byte from %s",
	    "datagram of %zu bytes from %s", len), len, k->f.sender);
	if (s->opts.hex) {
		/* Each datagram stands alone: its dump starts at offset 0. */
		s->hex_offset[RELAY_DOWN] = 0;
		session_hex(s, RELAY_DOWN, buf, len);
	}
	return true;
}

/*
 * Takes up to want datagrams that wait on fd, without waiting, and prints
 * them. Returns EXIT_OK (with *took 0 when none waited), or the exit
 * status after reporting.
 */
static int
receive_batch(struct sink *k, int fd, int family, struct batch *b,
    unsigned want, unsigned char *framed, int *took)
{
	char what[ENDPOINT_TEXT_MAX + 32];
	int n, nout = 0, status = EXIT_OK;
	unsigned i;

	*took = 0;
	n = dgram_batch_receive(b->in, fd, want);
	if (n < 0) {
		if (errno == EAGAIN)
			return EXIT_OK;
		if (sys_signal_caught)
			return serve_stop_status();
		snprintf(what, sizeof(what), _("receive datagrams on %s"),
		    k->ep->text);
		report_errno("recvmmsg", what, errno);
		return EXIT_FAIL;
	}
	*took = n;
	for (i = 0; i < (unsigned)n && status == EXIT_OK &&
	    !k->s->output_closed; i++) {
		unsigned char *buf = dgram_data(b->in, i);
		size_t len = dgram_len(b->in, i);
		socklen_t flen;
		struct sockaddr *from = dgram_from(b->in, i, &flen);

		if (!count_one(k, family, buf, len, dgram_cut(b->in, i), from,
		    flen))
			continue;
		if (framed != NULL) {
			status = write_out(k->s, framed, frame_message(&k->f,
			    buf, len, framed, FRAME_CAP(RELAY_CHUNK_MAX)));
		} else if (b->one_write_each) {
			status = write_out(k->s, buf, len);
		} else if (len > 0) {
			b->out[nout].iov_base = buf;
			b->out[nout++].iov_len = len;
		}
	}
	if (status == EXIT_OK && nout > 0)
		status = write_all(k->s, b->out, nout);
	return status;
}

static void
datagram_summary(struct sink *k)
{
	struct session *s = k->s;
	char storage[512], datagrams[64], octets[64];
	struct strbuf sb;
	unsigned long long bytes = k->stats.bytes[RELAY_DOWN];
	unsigned long long count = k->stats.messages[RELAY_DOWN];

	k->stats.seconds = relay_now() - k->start;
	if (s->opts.progress)
		session_progress(s, &k->stats, true);
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "closed");
		json_field_u64(&sb, "sent", 0);
		json_field_u64(&sb, "received", bytes);
		json_field_u64(&sb, "messages", count);
		json_field_num(&sb, "seconds", k->stats.seconds);
		report_event_end(&sb);
	} else {
		/* Two counts, two plurals: each phrase picks its own. */
		snprintf(datagrams, sizeof(datagrams), P_("%llu datagram",
		    "%llu datagrams", count), count);
		snprintf(octets, sizeof(octets), P_("%llu byte", "%llu bytes",
		    bytes), bytes);
		report_note("received %s, %s in %.3f s", datagrams, octets,
		    k->stats.seconds);
	}
}

/* Sets SO_RCVTIMEO to the shorter of -w and -i, when either is given. */
static int
recv_timeout(struct sink *k, int fd)
{
	const struct session_opts *o = &k->s->opts;
	double limit = o->timeout;
	char what[ENDPOINT_TEXT_MAX + 32];

	if (o->idle_timeout >= 0 && (limit < 0 || o->idle_timeout < limit))
		limit = o->idle_timeout;
	if (limit < 0 || textbook_set_timeout(fd, SO_RCVTIMEO, limit) == 0)
		return EXIT_OK;
	snprintf(what, sizeof(what), _("setsockopt SO_RCVTIMEO on %s"),
	    k->ep->text);
	report_errno("setsockopt", what, errno);
	return EXIT_FAIL;
}

/*
 * Datagrams: no listen(), no accept(), no peer. Each datagram comes whole
 * with who sent it, so each is printed on its own; poll() only when none
 * is waiting.
 */
static int
recv_datagrams(struct sink *k, int fd, int family)
{
	struct batch b;
	unsigned char *framed = NULL;
	int status = EXIT_OK, took;

	k->f.per_message = true;
	b.in = dgram_batch_new();
	if (b.in != NULL)
		b.in->peek = k->s->peek;
	if (b.in != NULL && (k->f.json || k->ro->from))
		framed = malloc(FRAME_CAP(RELAY_CHUNK_MAX));
	if (b.in == NULL || ((k->f.json || k->ro->from) && framed == NULL)) {
		report_errno("malloc", _("allocate the datagram buffers"),
		    errno);
		dgram_batch_free(b.in);
		return EXIT_FAIL;
	}
	b.one_write_each = dgram_output_keeps_messages(STDOUT_FILENO);
	/*
	 * Textbook mode's recvfrom blocks: SO_RCVTIMEO cuts it short for -w
	 * or -i, and the wait below then says which ran out.
	 */
	if (textbook_on() && (status = recv_timeout(k, fd)) != EXIT_OK) {
		free(framed);
		dgram_batch_free(b.in);
		return status;
	}
	k->ticking = k->s->opts.progress;
	k->next_tick = k->start + (k->s->progress_on_tty ? 0.5 : 1.0);
	while (k->ro->count == 0 || k->got < k->ro->count) {
		unsigned want = DGRAM_BATCH;

		/* Never take more than --count: the rest is for others. */
		if (k->ro->count > 0 && k->ro->count - k->got < DGRAM_BATCH)
			want = (unsigned)(k->ro->count - k->got);
		status = receive_batch(k, fd, family, &b, want, framed, &took);
		if (status != EXIT_OK || k->s->output_closed)
			break;
		if (k->ticking && relay_now() >= k->next_tick) {
			k->stats.seconds = relay_now() - k->start;
			session_progress(k->s, &k->stats, false);
			k->next_tick = relay_now() +
			    (k->s->progress_on_tty ? 0.5 : 1.0);
		}
		if (took == 0 && (status = wait_arrival(k, fd, true)) !=
		    EXIT_OK)
			break;
	}
	free(framed);
	dgram_batch_free(b.in);
	datagram_summary(k);
	/* A datagram dropped as too long fails the run, once all is read. */
	if (status == EXIT_OK && k->s->oversize > 0)
		status = EXIT_FAIL;
	return status;
}

/* -C, -q and --shutdown act on what we send, and recv sends nothing. */
static int
check_receive_only(const struct session *s)
{
	if (s->opts.crlf) {
		report_usage("-C changes what is sent, and recv sends nothing");
		return EXIT_USAGE;
	}
	if (s->opts.quit_after >= 0) {
		report_usage("-q counts from the end of stdin, and recv does "
		    "not read stdin");
		return EXIT_USAGE;
	}
	if (s->opts.shutdown_mode >= 0) {
		report_usage("--shutdown acts at the end of stdin, and recv "
		    "does not read stdin");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
cmd_recv(int argc, char **argv)
{
	struct session s;
	struct recv_opts ro = { 0, 0, 0, 0, 0 };
	struct multicast_recv mr;
	struct serve_opts so;
	struct endpoint ep;
	struct endpoint_addr bound;
	struct sink k;
	char *pos[3];
	char *any_port[] = { ":0" };
	int npos, status, fd;
	const struct opt_group groups[] = {
		{ N_("Options"), recv_defs, ARRAY_LEN(recv_defs), &ro },
		{ N_("Server options"), serve_opt_defs, serve_opt_count, &so },
		{ N_("Multicast options"), multicast_recv_defs,
		  multicast_recv_count, &mr },
		{ N_("Socket options"), session_socket_defs,
		  session_socket_count, &s.opts },
		{ N_("Data options"), session_data_defs, session_data_count,
		  &s.opts },
		{ N_("TLS options"), session_tls_defs, session_tls_count,
		  &s.tlso },
	};
	const struct opt_command cmd = {
		"recv", N_("[OPTIONS] [ENDPOINT]\n[OPTIONS] HOST PORT"),
		N_("One-shot sink: bind ENDPOINT (default: every address, a "
		"port the kernel picks)\nand print what arrives: a stream "
		"peer's bytes until its EOF, or each datagram.\nNothing is "
		"ever sent."),
		recv_examples, groups, ARRAY_LEN(groups),
	};

	session_init(&s);
	multicast_recv_init(&mr);
	serve_init(&so);
	/* Unset, so that a --shutdown given at all can be refused. */
	s.opts.shutdown_mode = -1;
	if ((status = opt_run(&cmd, argc, argv, pos, 3, &npos)) != OPT_GO_ON)
		return status;
	if ((status = session_check(&s)) != EXIT_OK ||
	    (status = check_receive_only(&s)) != EXIT_OK)
		return status;
	/* With no stdin to end, the relay ends at the peer's EOF alone. */
	s.opts.shutdown_mode = RELAY_SHUT_NONE;
	s.flags.passive = true;
	if (npos == 0 && !s.opts.unix_path && !s.opts.seqpacket)
		status = session_endpoint(&s, any_port, 1, false, &ep);
	else
		status = session_endpoint(&s, pos, npos, false, &ep);
	s.peek = ro.peek;
	s.oob_recv = ro.oob;
	if (status != EXIT_OK ||
	    (status = msgflags_check(&s, &ep, false)) != EXIT_OK ||
	    (status = serve_check(&so, &ep)) != EXIT_OK ||
	    (status = multicast_recv_check(&mr, &ep)) != EXIT_OK ||
	    (status = session_tls_setup(&s, &ep, true)) != EXIT_OK)
		return status;
	/* Peer after peer: -k, or --count for more than one. */
	so.many = ro.keep_open || ro.count > 1;
	so.multicast = &mr;
	fd = serve_open(&s, &so, &ep, &bound);
	if (fd < 0) {
		session_tls_free(&s);
		return sys_signal_caught ? serve_stop_status() : EXIT_FAIL;
	}
	memset(&k, 0, sizeof(k));
	k.s = &s;
	k.ro = &ro;
	k.ep = &ep;
	k.f.json = s.opts.json;
	k.start = k.last = relay_now();
	if (bound.socktype == SOCK_DGRAM)
		status = recv_datagrams(&k, fd, bound.family);
	else
		status = recv_stream(&k, fd, bound.socktype);
	sys_close(fd);
	session_tls_free(&s);
	return status;
}
