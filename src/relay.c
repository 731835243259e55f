/* relay.c: the one pump: poll() over stdin, stdout and a socket, with half-close. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "dgram.h"
#include "pipe_pool.h"
#include "relay.h"
#include "sys.h"

/* One buffer per direction bounds memory whatever the peer does. */
#define RELAY_BUFFER RELAY_CHUNK_MAX

size_t relay_bufsize;

/* The most one read or recv takes: --bufsize's, or the whole buffer. */
static size_t
chunk_size(void)
{
	return relay_bufsize > 0 && relay_bufsize < RELAY_BUFFER ?
	    relay_bufsize : RELAY_BUFFER;
}

enum slot {
	SLOT_STDIN,
	SLOT_SOCKET,
	SLOT_RECV,	/* recv_sock, when it is not sock */
	SLOT_STDOUT,
	SLOT_SIGNAL,
	SLOT_END,	/* end_fd */
	SLOT_COUNT,
};

struct span {
	unsigned char *data;
	size_t off;	/* first byte not yet written */
	size_t len;	/* bytes held */
};

/*
 * A direction moves its bytes with splice(2) once it has carried
 * LANE_AFTER of them with nothing asking to see them: a bulk transfer goes
 * zero-copy, through a pipe of LANE_PIPE bytes, while a short exchange
 * keeps the recv and send calls that --trace narrates to a class.
 */
#define LANE_AFTER (256 * 1024)
#define LANE_PIPE (1024 * 1024)
/* Rounds of splicing one wake-up of a busy lane may take. */
#define LANE_ROUNDS 8
/* Splices of a blocking lane between two poll()s. */
#define BLOCKING_ROUNDS 64
/* The most one splice into a blocking socket moves: see splice_length. */
#define BLOCKING_SEND_MAX (256 * 1024)
/* Reads and sends one wake-up of stdin may take before poll() again. */
#define STDIN_ROUNDS 64
/*
 * Datagrams from stdin go out in batches, one sendmmsg for all that a
 * wake-up's reads found, up to BATCH_MAX of them in BATCH_BYTES; each
 * read offers a whole datagram's room, so the last one needs that much.
 */
#define BATCH_MAX 64
#define BATCH_BYTES (4 * RELAY_BUFFER)
/* Batches one wake-up of a datagram stdin may send before poll() again. */
#define BATCH_ROUNDS 4
/* Full recvmmsg batches one wake-up of a datagram socket may take. */
#define RECV_ROUNDS 4
/*
 * The longest a blocking lane waits in one send or receive before it looks
 * at poll() again: a signal that came just before the call is seen then.
 */
#define BLOCKING_WAIT_US 250000
/* The least time -q gives a peer that takes nothing: see quit_stall. */
#define QUIT_STALL_MIN 1.0

struct lane {
	bool possible;		/* both ends can splice; no hook needs bytes */
	bool on;		/* moving through the pipe */
	bool direct;		/* one end is a pipe: splice straight into or
				   out of it, with no pipe of ours between */
	bool want_out;		/* direct: the writing end is full; wait for
				   it before reading more */
	int pipe[2];
	size_t held;		/* bytes in the pipe */
	size_t cap;		/* the pipe's size */
};

struct relay {
	const struct relay_config *cfg;
	struct lane lane[2];	/* by enum relay_dir */
	struct relay_result *res;
	struct span up;		/* read from stdin, to send */
	struct span down;	/* received, to write to stdout */
	unsigned char *scratch;	/* raw stdin bytes before -C */
	unsigned char *raw;	/* received bytes; down.data unless framed */
	bool reading_stdin;
	bool stdin_eof;
	bool shutdown_done;
	bool reading_socket;
	bool peer_eof;
	bool ending;		/* rd, rdwr, close: end once stdout is written */
	bool eof_marker;	/* eof_datagram's empty datagram is still due */
	bool notify_due;	/* TLS: close_notify is still to go */
	bool rdwr_due;		/* TLS: --shutdown rdwr once all is out */
	bool out_shut;		/* to_program: the peer's end passed on */
	bool out_gone;		/* to_program: it reads no more */
	short want[2];		/* TLS: what the socket must be ready for
				   before each direction goes on */
	bool draining;		/* nothing more can arrive: read what is
				   queued without waiting, then stop reading */
	bool got_reply;
	size_t in_sent;		/* bytes of in_data taken so far */
	bool prev_cr;		/* -C: the last byte read was CR */
	bool out_is_socket;	/* stdout is a socket: MSG_DONTWAIT each time */
	bool no_nowait;		/* stdin refused RWF_NOWAIT reads */
	bool socket_blocking;	/* a lane alone: see block_for_lane */
	bool blocked_listening;	/* ... while the socket is still read:
				   see peer_silent */
	int sock_domain;	/* SO_DOMAIN once asked; -1: never block */
	bool stdin_waits;	/* a read of stdin can block: one per poll() */
	bool batching;		/* datagrams from stdin: see take_datagrams */
	size_t queued[BATCH_MAX];	/* lengths of the datagrams in up */
	unsigned queue_head, queue_count;
	size_t out_chunk;	/* most bytes one write may take; 0: all */
	struct dgram_batch *in;	/* a datagram socket's receive batch */
	bool gather;		/* stdout takes a batch's datagrams in one
				   write: it keeps no boundaries anyway */
	bool at_mark;		/* urgent_inline: the next byte read is the
				   urgent one */
	bool urgent_quiet;	/* urgent: POLLPRI lied once; not asked again
				   until data has been read */
	struct sockaddr_storage sender;	/* any_sender: whom stdin goes to */
	socklen_t sender_len;	/* 0: nobody has sent yet */
	double start, last_activity, last_up, stdin_eof_at, next_tick;
};

double
relay_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
span_empty(const struct span *s)
{
	return s->off == s->len;
}

static enum relay_end
fail(struct relay *r, const char *call, int err)
{
	r->res->failed_call = call;
	r->res->err = err;
	return RELAY_ERROR;
}

/*
 * Direction dir has read its end-of-file: stdin is done, or the peer's
 * FIN came. The FIN says the peer will send no more, not that it stops
 * reading: stdin goes on (a download with "< /dev/null" on the far side
 * depends on it). Only a person at a terminal has nothing left to wait for.
 */
static void
reached_eof(struct relay *r, enum relay_dir dir, double now)
{
	if (dir == RELAY_UP) {
		r->reading_stdin = false;
		r->stdin_eof = true;
		r->stdin_eof_at = now;
		return;
	}
	r->peer_eof = true;
	r->reading_socket = false;
	if (r->cfg->stdin_is_tty)
		r->reading_stdin = false;
}

/* The descriptor data arrives on: sock, or pair's other end. */
static int
recv_fd(const struct relay_config *cfg)
{
	return cfg->recv_sock > 0 ? cfg->recv_sock : cfg->sock;
}

/* A datagram socket has no EOF to send: only stream and seqpacket do. */
static bool
can_half_close(const struct relay_config *cfg)
{
	return cfg->eof_on_empty;
}

/* Stdin is at EOF and everything read was sent: do what --shutdown says. */
static void
apply_shutdown(struct relay *r)
{
	const struct relay_config *cfg = r->cfg;

	r->shutdown_done = true;
	switch (cfg->on_stdin_eof) {
	case RELAY_SHUT_WR:
		/*
		 * TLS's FIN is close_notify, and only TLS 1.3 promises that
		 * the answer still flows after it (RFC 8446 6.1); a TLS 1.2
		 * peer may drop what it has not sent yet (RFC 5246 7.2.1),
		 * so there nothing is sent and the answer read to its end.
		 */
		if (cfg->tls != NULL)
			r->notify_due = tls_half_close(cfg->tls);
		/* FIN tells the peer we are done; its answer still flows. */
		else if (can_half_close(cfg))
			r->res->fin_sent =
			    sys_shutdown(cfg->sock, SHUT_WR) == 0;
		else if (cfg->eof_datagram)
			r->eof_marker = true;
		else if (cfg->recv_sock > 0)
			/*
			 * Both ends are ours: a send on a socketpair puts the
			 * datagram straight into the other end's queue, so
			 * all there is to receive is there already.
			 */
			r->draining = true;
		break;
	case RELAY_SHUT_NONE:
		break;
	case RELAY_SHUT_RD:
		sys_shutdown(cfg->sock, SHUT_RD);
		r->ending = true;
		break;
	case RELAY_SHUT_RDWR:
		/*
		 * Ending for good. With TLS the records still held and the
		 * close_notify go first; the shutdown waits for them.
		 */
		if (cfg->tls != NULL) {
			r->notify_due = true;
			r->rdwr_due = true;
		} else {
			r->res->fin_sent =
			    sys_shutdown(cfg->sock, SHUT_RDWR) == 0;
		}
		r->ending = true;
		break;
	case RELAY_SHUT_CLOSE:
		r->ending = true;
		break;
	}
	if (cfg->end_after_shutdown)
		r->ending = true;
	if (r->ending)
		r->reading_socket = false;
}

/* Datagrams of the last batch not yet handed on to the down span. */
static bool
batch_left(const struct relay *r)
{
	return r->in != NULL && r->in->next < r->in->count;
}

/* Bytes read in direction dir and not yet written on. */
static bool
holding(const struct relay *r, enum relay_dir dir)
{
	return !span_empty(dir == RELAY_UP ? &r->up : &r->down) ||
	    r->lane[dir].held > 0 || (dir == RELAY_DOWN && batch_left(r));
}

/* What stdin gave that the peer has not taken yet, eof_datagram's too. */
static bool
up_pending(const struct relay *r)
{
	return holding(r, RELAY_UP) || r->eof_marker || r->notify_due ||
	    (r->cfg->tls != NULL && tls_unsent(r->cfg->tls));
}

static bool
finished(const struct relay *r)
{
	bool up_done = !r->reading_stdin && !up_pending(r) &&
	    (r->shutdown_done || !r->stdin_eof);
	bool down_done = !r->reading_socket && !holding(r, RELAY_DOWN);

	/* Ending stops the reading, never the sending of what was read. */
	if (r->ending)
		return !holding(r, RELAY_DOWN) && !up_pending(r);
	/* A program that has stopped reading and writing is done with us. */
	if (r->out_gone)
		return up_done;
	return up_done && down_done;
}

/* Copies n raw bytes into the up buffer, turning a bare LF into CRLF. */
static size_t
expand_crlf(struct relay *r, const unsigned char *in, size_t n)
{
	unsigned char *out = r->up.data;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && !r->prev_cr)
			out[len++] = '\r';
		out[len++] = in[i];
		r->prev_cr = in[i] == '\r';
	}
	return len;
}

/* The most one read of stdin takes: a datagram reads whole. */
static size_t
stdin_chunk(const struct relay_config *cfg)
{
	size_t chunk = cfg->crlf ? (chunk_size() + 1) / 2 : chunk_size();

	if (cfg->messages && cfg->max_message < chunk)
		chunk = cfg->max_message;
	return chunk;
}

/*
 * One read of stdin into `into`. Returns the count, with EOF noted at 0;
 * -1 when there is nothing now (*end RELAY_DONE) or the relay must stop.
 */
static ssize_t
read_some(struct relay *r, unsigned char *into, double now, bool nowait,
    enum relay_end *end)
{
	const struct relay_config *cfg = r->cfg;
	size_t chunk = stdin_chunk(cfg);
	ssize_t n;

	*end = RELAY_DONE;
	if (cfg->hooks.read_input)
		n = cfg->hooks.read_input(cfg->hooks.ctx, into, chunk);
	else if (nowait)
		n = sys_read_nowait(cfg->in_fd, into, chunk);
	else
		n = sys_read(cfg->in_fd, into, chunk);
	if (n < 0) {
		if (errno == EAGAIN)
			return -1;
		/*
		 * A program that exited with our bytes unread resets its end;
		 * Linux hands over what it wrote first, so this is its EOF.
		 */
		if (cfg->to_program && errno == ECONNRESET) {
			reached_eof(r, RELAY_UP, now);
			return 0;
		}
		if (nowait) {
			/* This kind of stdin cannot: poll() first from now on. */
			r->no_nowait = true;
			return -1;
		}
		*end = errno == EINTR ? RELAY_SIGNAL : fail(r, "read", errno);
		return -1;
	}
	if (n == 0)
		reached_eof(r, RELAY_UP, now);
	else
		r->last_activity = now;
	return n;
}

static enum relay_end
read_stdin(struct relay *r, double now, bool nowait)
{
	const struct relay_config *cfg = r->cfg;
	unsigned char *into = cfg->crlf ? r->scratch : r->up.data;
	enum relay_end end;
	ssize_t n = read_some(r, into, now, nowait, &end);

	if (n <= 0)
		return end;
	if (cfg->messages)
		r->prev_cr = false;	/* each datagram stands alone */
	r->up.off = 0;
	r->up.len = cfg->crlf ? expand_crlf(r, into, (size_t)n) : (size_t)n;
	return RELAY_DONE;
}

/* The same as read_stdin, for bytes given in memory: never waits. */
static void
read_memory(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	const unsigned char *from = (const unsigned char *)cfg->in_data +
	    r->in_sent;
	size_t chunk = stdin_chunk(cfg);

	if (chunk > cfg->in_len - r->in_sent)
		chunk = cfg->in_len - r->in_sent;
	if (chunk == 0) {
		reached_eof(r, RELAY_UP, now);
		return;
	}
	r->in_sent += chunk;
	r->last_activity = now;
	r->up.off = 0;
	if (cfg->crlf) {
		r->up.len = expand_crlf(r, from, chunk);
	} else {
		memcpy(r->up.data, from, chunk);
		r->up.len = chunk;
	}
}

/* Everything in up was sent, or is dropped: start it afresh. */
static void
forget_queue(struct relay *r)
{
	r->up.off = r->up.len = 0;
	r->queue_head = r->queue_count = 0;
}

/*
 * The peer's process has gone, or stopped reading: what stdin still has
 * cannot be delivered, and that is no error, as `yes | head -n 1` is none.
 */
static void
stop_sending(struct relay *r, double now)
{
	r->reading_stdin = false;
	if (!r->stdin_eof) {
		r->stdin_eof = true;
		r->stdin_eof_at = now;
	}
	forget_queue(r);
	/* What the pipe holds is dropped with it when the relay ends. */
	r->lane[RELAY_UP].held = 0;
	r->lane[RELAY_UP].possible = false;
	r->eof_marker = false;
	r->shutdown_done = true;
}

/* A send that failed with err in call: wait, stop, or end the relay. */
static enum relay_end
send_failed(struct relay *r, double now, const char *call, int err)
{
	if (err == EAGAIN)
		return RELAY_DONE;
	if (err == EINTR)
		return RELAY_SIGNAL;
	/*
	 * A process at the other end that exited or shut its reading side:
	 * EPIPE (stream, seqpacket) or ECONNREFUSED (datagram).
	 */
	if (r->cfg->end_fd > 0 && (err == EPIPE || err == ECONNREFUSED ||
	    err == ECONNRESET)) {
		stop_sending(r, now);
		return RELAY_DONE;
	}
	return fail(r, call, err);
}

/* Counts len bytes of up as sent, one datagram of them when messages. */
static void
count_sent(struct relay *r, size_t len, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct span *s = &r->up;

	if (cfg->hooks.on_data)
		cfg->hooks.on_data(cfg->hooks.ctx, RELAY_UP, s->data + s->off,
		    len);
	r->res->stats.bytes[RELAY_UP] += (uint64_t)len;
	s->off += len;
	if (cfg->messages || span_empty(s))
		r->res->stats.messages[RELAY_UP]++;
	if (cfg->messages && r->queue_head < r->queue_count)
		r->queue_head++;
	if (span_empty(s))
		forget_queue(r);
	r->last_activity = r->last_up = now;
}

/* Two or more queued datagrams: one sendmmsg for them all. */
static enum relay_end
send_batch(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct span *s = &r->up;
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	unsigned count = r->queue_count - r->queue_head, i;
	size_t at = s->off;
	int sent;

	memset(msgs, 0, count * sizeof(msgs[0]));
	for (i = 0; i < count; i++) {
		iov[i].iov_base = s->data + at;
		iov[i].iov_len = r->queued[r->queue_head + i];
		at += iov[i].iov_len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (cfg->any_sender) {
			msgs[i].msg_hdr.msg_name = &r->sender;
			msgs[i].msg_hdr.msg_namelen = r->sender_len;
		}
	}
	sent = sys_sendmmsg(cfg->sock, msgs, count);
	if (sent < 0)
		return send_failed(r, now, "sendmmsg", errno);
	/* The rest, if any, goes when poll() says there is room. */
	for (i = 0; i < (unsigned)sent; i++)
		count_sent(r, iov[i].iov_len, now);
	return RELAY_DONE;
}

static enum relay_end
send_up(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct span *s = &r->up;
	size_t len = s->len - s->off;
	ssize_t n;

	if (span_empty(s) && !r->eof_marker)
		return RELAY_DONE;	/* stop_sending dropped it meanwhile */
	if (r->queue_count - r->queue_head > 1)
		return send_batch(r, now);
	if (r->queue_head < r->queue_count)
		len = r->queued[r->queue_head];
	if (cfg->tls != NULL) {
		n = tls_write(cfg->tls, s->data + s->off, len);
		if (n < 0 && errno == EPROTO)
			return fail(r, "tls", errno);
		r->want[RELAY_UP] = tls_wants(cfg->tls);
		if (n < 0)
			return send_failed(r, now, "send", errno);
		count_sent(r, (size_t)n, now);
		return RELAY_DONE;
	}
	if (cfg->any_sender)
		n = sys_sendto(cfg->sock, s->data + s->off, len, 0,
		    (const struct sockaddr *)&r->sender, r->sender_len);
	else
		n = sys_send(cfg->sock, s->data + s->off, len,
		    cfg->send_flags);
	if (n < 0)
		return send_failed(r, now, cfg->any_sender ? "sendto" : "send",
		    errno);
	if (span_empty(s)) {
		/* The empty datagram of eof_datagram: sent, nothing counted. */
		r->eof_marker = false;
		return RELAY_DONE;
	}
	/* A datagram goes whole or not at all: never a remainder. */
	count_sent(r, cfg->messages ? len : (size_t)n, now);
	return RELAY_DONE;
}

/*
 * recv() of 0 on a seqpacket socket is either the peer's end or a record
 * that was sent empty. It was the end when the peer has hung up and no
 * record waits behind it.
 */
static bool
peer_has_ended(int sock)
{
	struct pollfd pfd = { sock, POLLRDHUP, 0 };
	int waiting = 0;

	if (sys_poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLRDHUP | POLLHUP)))
		return false;
	return sys_pending(sock, &waiting) < 0 || waiting == 0;
}

/*
 * recv() on the socket; with --peek first with MSG_PEEK, so a class sees
 * the same bytes come twice: the peek leaves them queued for the read.
 */
static ssize_t
recv_socket(const struct relay_config *cfg, void *buf, int flags)
{
	if (cfg->peek && sys_recv(recv_fd(cfg), buf, chunk_size(),
	    flags | MSG_PEEK) < 0)
		return -1;
	return sys_recv(recv_fd(cfg), buf, chunk_size(), flags);
}

/*
 * POLLPRI: TCP urgent data waits. Out of band, its one byte is read with
 * MSG_OOB, ahead of the data before it; with SO_OOBINLINE it stays in
 * the stream, and sockatmark() says when the next read starts with it.
 */
static enum relay_end
take_urgent(struct relay *r)
{
	const struct relay_config *cfg = r->cfg;
	const struct relay_hooks *h = &cfg->hooks;
	unsigned char byte;
	int rc;

	if (cfg->urgent_inline) {
		rc = sys_sockatmark(recv_fd(cfg));
		if (rc > 0)
			r->at_mark = true;
	} else {
		rc = (int)sys_recv(recv_fd(cfg), &byte, 1, MSG_OOB);
		if (rc == 1 && h->on_urgent != NULL)
			h->on_urgent(h->ctx, byte, false);
	}
	if (rc < 0 && errno == EINTR)
		return RELAY_SIGNAL;
	/* Read already, or not there yet: wait for data, not POLLPRI. */
	if (rc < 0)
		r->urgent_quiet = true;
	return RELAY_DONE;
}

static enum relay_end
recv_down(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	int flags = cfg->messages ? MSG_TRUNC : 0;
	ssize_t n;

	/* With MSG_TRUNC a datagram socket reports its real length. */
	if (cfg->any_sender) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);

		n = sys_recvfrom(cfg->sock, r->raw, chunk_size(), flags,
		    (struct sockaddr *)&from, &flen);
		if (n >= 0 && cfg->hooks.admit != NULL &&
		    !cfg->hooks.admit(cfg->hooks.ctx,
		    (struct sockaddr *)&from, flen))
			return RELAY_DONE;	/* dropped, as if never sent */
		if (n >= 0 && (flen != r->sender_len ||
		    memcmp(&from, &r->sender, flen) != 0)) {
			memcpy(&r->sender, &from, flen);
			r->sender_len = flen;
			if (cfg->hooks.on_sender != NULL)
				cfg->hooks.on_sender(cfg->hooks.ctx,
				    (struct sockaddr *)&from, flen);
		}
	} else if (cfg->tls != NULL) {
		n = tls_read(cfg->tls, r->raw, chunk_size());
	} else {
		n = recv_socket(cfg, r->raw, flags);
	}
	if (n < 0) {
		if (errno == EAGAIN) {
			if (cfg->tls != NULL)
				r->want[RELAY_DOWN] = tls_wants(cfg->tls);
			if (r->draining)
				r->reading_socket = false;
			return RELAY_DONE;
		}
		if (errno == EINTR)
			return RELAY_SIGNAL;
		if (cfg->tls != NULL && errno == EPROTO)
			return fail(r, "tls", errno);
		/*
		 * A unix stream peer that closed with our data unread resets
		 * the connection; from a process that exited, all it sent has
		 * been read by now, so this is its end-of-file.
		 */
		if (cfg->end_fd > 0 && errno == ECONNRESET) {
			r->peer_eof = true;
			r->reading_socket = false;
			return RELAY_DONE;
		}
		return fail(r, cfg->any_sender ? "recvfrom" : "recv", errno);
	}
	if (n == 0 && cfg->eof_on_empty && cfg->messages &&
	    !peer_has_ended(recv_fd(cfg))) {
		/* An empty record: it counts, but there is nothing to write. */
		r->res->stats.messages[RELAY_DOWN]++;
		if (cfg->hooks.on_frame) {
			r->down.off = 0;
			r->down.len = cfg->hooks.on_frame(cfg->hooks.ctx,
			    r->raw, 0, r->down.data, cfg->hooks.frame_cap);
		}
		r->got_reply = true;
		r->last_activity = now;
		return RELAY_DONE;
	}
	if (n == 0 && cfg->eof_on_empty) {
		if (cfg->tls != NULL && tls_truncated(cfg->tls))
			r->res->truncated = true;
		reached_eof(r, RELAY_DOWN, now);
		return RELAY_DONE;
	}
	r->want[RELAY_DOWN] = POLLIN;
	if ((size_t)n > chunk_size() && cfg->messages) {
		if (cfg->hooks.on_oversize)
			cfg->hooks.on_oversize(cfg->hooks.ctx, (size_t)n,
			    NULL, 0);
		r->last_activity = now;
		return RELAY_DONE;
	}
	r->urgent_quiet = false;
	if (r->at_mark && n > 0) {
		r->at_mark = false;
		if (cfg->hooks.on_urgent != NULL)
			cfg->hooks.on_urgent(cfg->hooks.ctx, r->raw[0], true);
	}
	r->down.off = 0;
	r->down.len = (size_t)n;
	if (cfg->hooks.on_frame)
		r->down.len = cfg->hooks.on_frame(cfg->hooks.ctx, r->raw,
		    (size_t)n, r->down.data, cfg->hooks.frame_cap);
	r->res->stats.bytes[RELAY_DOWN] += (uint64_t)n;
	r->res->stats.messages[RELAY_DOWN]++;
	r->got_reply = true;
	r->last_activity = now;
	if (cfg->hooks.on_data)
		cfg->hooks.on_data(cfg->hooks.ctx, RELAY_DOWN, r->raw,
		    (size_t)n);
	/* Without an output the hooks had the data: nothing to write. */
	if (cfg->out_fd < 0 || r->out_gone)
		r->down.off = r->down.len = 0;
	return RELAY_DONE;
}

static enum relay_end write_down(struct relay *r, double now);

/*
 * Hands datagram i of the batch to the down span, through the hooks each
 * datagram passes as recv_down's would: the sender's, the frame's, -x's.
 * Returns false when it does not fit behind what the span holds yet.
 */
static bool
take_one(struct relay *r, unsigned i, double now)
{
	const struct relay_config *cfg = r->cfg;
	const struct relay_hooks *h = &cfg->hooks;
	unsigned char *buf = dgram_data(r->in, i);
	size_t len = dgram_len(r->in, i);
	struct span *s = &r->down;
	socklen_t flen;
	struct sockaddr *from = dgram_from(r->in, i, &flen);

	if (!dgram_cut(r->in, i) && !span_empty(s) &&
	    (!r->gather || RELAY_BUFFER - s->len < len))
		return false;
	r->in->next++;
	if (cfg->any_sender) {
		if (h->admit != NULL && !h->admit(h->ctx, from, flen))
			return true;	/* dropped, as if never sent */
		if (flen != r->sender_len ||
		    memcmp(from, &r->sender, flen) != 0) {
			memcpy(&r->sender, from, flen);
			r->sender_len = flen;
			if (h->on_sender != NULL)
				h->on_sender(h->ctx, from, flen);
		}
	}
	r->last_activity = now;
	if (dgram_cut(r->in, i)) {
		if (h->on_oversize != NULL)
			h->on_oversize(h->ctx, len, from, flen);
		return true;
	}
	r->res->stats.bytes[RELAY_DOWN] += len;
	r->res->stats.messages[RELAY_DOWN]++;
	r->got_reply = true;
	if (h->on_data)
		h->on_data(h->ctx, RELAY_DOWN, buf, len);
	/* Without an output the hooks had the data: nothing to write. */
	if (cfg->out_fd < 0 || r->out_gone)
		return true;
	if (h->on_frame) {
		s->off = 0;
		s->len = h->on_frame(h->ctx, buf, len, s->data, h->frame_cap);
	} else {
		memcpy(s->data + s->len, buf, len);
		s->len += len;
	}
	return true;
}

/*
 * Hands on what the batch holds and writes it, on while stdout takes it:
 * a datagram each write where stdout keeps boundaries, else as many as
 * the span holds in one. Stops when stdout is full; poll() then waits
 * for room, and the batch keeps the rest.
 */
static enum relay_end
hand_on(struct relay *r, double now)
{
	enum relay_end end;

	while (batch_left(r)) {
		while (batch_left(r) && take_one(r, r->in->next, now))
			;
		if (span_empty(&r->down))
			continue;
		if ((end = write_down(r, now)) != RELAY_DONE ||
		    !span_empty(&r->down))
			return end;
	}
	return RELAY_DONE;
}

/*
 * A datagram socket: one recvmmsg takes all that wait, up to a batch, and
 * each is written whole; poll() again only once the queue is empty or
 * stdout is full.
 */
static enum relay_end
recv_batch(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	enum relay_end end;
	int round, n;

	for (round = 0; round < RECV_ROUNDS; round++) {
		if (!batch_left(r)) {
			n = dgram_batch_receive(r->in, recv_fd(cfg),
			    DGRAM_BATCH);
			if (n < 0) {
				if (errno == EAGAIN) {
					if (r->draining)
						r->reading_socket = false;
					return RELAY_DONE;
				}
				if (errno == EINTR)
					return RELAY_SIGNAL;
				return fail(r, dgram_batch_call(r->in), errno);
			}
		}
		if ((end = hand_on(r, now)) != RELAY_DONE || holding(r,
		    RELAY_DOWN) || r->in->count < DGRAM_BATCH)
			return end;
	}
	return RELAY_DONE;
}

static enum relay_end
write_down(struct relay *r, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct span *s = &r->down;
	ssize_t n;

	do {
		size_t len = s->len - s->off;

		if (r->out_chunk > 0 && len > r->out_chunk)
			len = r->out_chunk;
		if (cfg->hooks.before_output)
			cfg->hooks.before_output(cfg->hooks.ctx);
		if (r->out_is_socket)
			n = sys_send(cfg->out_fd, s->data + s->off, len,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = sys_write(cfg->out_fd, s->data + s->off, len);
		if (cfg->hooks.after_output) {
			int saved = errno;

			cfg->hooks.after_output(cfg->hooks.ctx,
			    s->data + s->off, n > 0 ? (size_t)n : 0);
			errno = saved;
		}
		if (n < 0) {
			if (errno == EAGAIN)
				return RELAY_DONE;
			if (errno == EINTR)
				return RELAY_SIGNAL;
			/*
			 * A program that exited or closed its stdin may still
			 * have output queued for the peer: that goes on.
			 */
			if (cfg->to_program && (errno == EPIPE ||
			    errno == ECONNRESET)) {
				r->out_gone = true;
				s->off = s->len = 0;
				return RELAY_DONE;
			}
			if (errno == EPIPE)
				return RELAY_OUTPUT_CLOSED;
			return fail(r, "write", errno);
		}
		s->off += (size_t)n;
		/* A datagram is written whole so its boundary survives. */
	} while (cfg->messages && r->out_chunk == 0 && !span_empty(s));
	if (span_empty(s))
		s->off = s->len = 0;
	r->last_activity = now;
	return RELAY_DONE;
}

/*
 * Whether splice(2) can take or give fd's bytes: pipes, sockets, regular
 * files (not O_APPEND ones, which splice refuses) and /dev/null. A
 * terminal, for one, cannot.
 */
static bool
can_splice(int fd, bool writing)
{
	struct stat st;
	int flags;

	if (fd < 0 || fstat(fd, &st) != 0)
		return false;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return true;
	if (S_ISREG(st.st_mode)) {
		flags = fcntl(fd, F_GETFL);
		return flags >= 0 && !(writing && (flags & O_APPEND));
	}
	return writing && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	    minor(st.st_rdev) == 3;
}

static bool
is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/*
 * Whether a splice from fd returns at once, data or not: a regular file,
 * a pipe, or a descriptor set O_NONBLOCK. A blocking socket may wait.
 */
static bool
never_waits(int fd)
{
	struct stat st;
	int flags = fcntl(fd, F_GETFL);

	/* A pipe's splice never waits: SPLICE_F_NONBLOCK. */
	if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) ||
	    S_ISFIFO(st.st_mode)))
		return true;
	return flags >= 0 && (flags & O_NONBLOCK);
}

/* Which directions may go zero-copy: a stream, and no hook on the bytes. */
static void
plan_lanes(struct relay *r)
{
	const struct relay_config *cfg = r->cfg;
	const struct relay_hooks *h = &cfg->hooks;
	bool stream = !cfg->messages && cfg->recv_sock <= 0 &&
	    !cfg->any_sender && h->on_data == NULL && h->on_frame == NULL &&
	    cfg->tls == NULL && !cfg->peek && !cfg->urgent &&
	    cfg->send_flags == 0;

	r->lane[RELAY_UP].possible = stream && !cfg->crlf &&
	    cfg->in_data == NULL && h->read_input == NULL &&
	    can_splice(cfg->in_fd, false);
	r->lane[RELAY_DOWN].possible = stream && h->before_output == NULL &&
	    can_splice(cfg->out_fd, true);
	r->lane[RELAY_UP].pipe[0] = r->lane[RELAY_UP].pipe[1] = -1;
	r->lane[RELAY_DOWN].pipe[0] = r->lane[RELAY_DOWN].pipe[1] = -1;
	r->stdin_waits = cfg->in_fd >= 0 && !never_waits(cfg->in_fd);
}

/* Switches dir to splice once it has carried LANE_AFTER bytes. */
static void
maybe_open_lane(struct relay *r, enum relay_dir dir)
{
	struct lane *l = &r->lane[dir];
	int size;

	if (!l->possible || l->on || holding(r, dir) ||
	    r->res->stats.bytes[dir] < LANE_AFTER)
		return;
	/*
	 * Straight into or out of a pipe, but not for pair's draining at the
	 * end, which must tell an empty socket from a full stdout.
	 */
	if (r->cfg->end_fd <= 0 &&
	    is_pipe(dir == RELAY_UP ? r->cfg->in_fd : r->cfg->out_fd)) {
		/*
		 * A default pipe holds 64 KiB: grown, each splice moves up
		 * to LANE_PIPE. Where the system says no, it stays as it is.
		 */
		fcntl(dir == RELAY_UP ? r->cfg->in_fd : r->cfg->out_fd,
		    F_SETPIPE_SZ, LANE_PIPE);
		l->on = l->direct = true;
		return;
	}
	size = sys_pipe(l->pipe, LANE_PIPE);
	if (size < 0) {
		l->possible = false;	/* the copying pump does it all */
		return;
	}
	l->cap = size > 0 ? (size_t)size : 65536;
	l->on = true;
}

/* Returns to copying for good, once the pipe is empty. */
static void
close_lane(struct relay *r, enum relay_dir dir)
{
	struct lane *l = &r->lane[dir];

	l->possible = false;
	if (l->held > 0)
		return;
	l->on = l->direct = l->want_out = false;
	if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
		l->pipe[0] = l->pipe[1] = -1;
	}
}

/* Reading end of a direction: stdin or the socket. */
static int
lane_source(const struct relay *r, enum relay_dir dir)
{
	return dir == RELAY_UP ? r->cfg->in_fd : recv_fd(r->cfg);
}

/*
 * The most one splice may move in dir. A blocking send loops in the
 * kernel while each of its sends moves a little, which SO_SNDTIMEO does
 * not bound: a smaller call lets a signal be seen between two.
 */
static size_t
splice_length(const struct relay *r, enum relay_dir dir, size_t len)
{
	if (r->socket_blocking && dir == RELAY_UP && len > BLOCKING_SEND_MAX)
		return BLOCKING_SEND_MAX;
	return len;
}

/* stdin or the socket into the pipe. */
/*
 * A splice from TCP never passes the urgent mark: it returns 0, or
 * EAGAIN, with the data behind the mark still queued, and poll() says
 * POLLPRI. Then the lane closes for good and recv(), which passes the
 * mark, takes over; a 0 without POLLPRI is the peer's end.
 */
static bool
stopped_at_mark(struct relay *r, enum relay_dir dir)
{
	struct pollfd pfd = { recv_fd(r->cfg), POLLPRI, 0 };

	if (dir != RELAY_DOWN || sys_poll(&pfd, 1, 0) <= 0 ||
	    !(pfd.revents & POLLPRI))
		return false;
	close_lane(r, dir);
	return true;
}

static enum relay_end
lane_fill(struct relay *r, enum relay_dir dir, double now)
{
	struct lane *l = &r->lane[dir];
	ssize_t n = sys_splice(lane_source(r, dir), l->pipe[1],
	    l->cap - l->held, dir == RELAY_DOWN);

	/*
	 * A non-blocking splice from TCP stops after what had arrived when
	 * it was called; take what came meanwhile too, as a blocking one
	 * would, so the pipe fills in large steps and the window opens wide.
	 */
	while (n > 0 && dir == RELAY_DOWN && !r->socket_blocking &&
	    l->held + (size_t)n < l->cap) {
		ssize_t more = sys_splice(lane_source(r, dir), l->pipe[1],
		    l->cap - l->held - (size_t)n, true);

		if (more <= 0)
			break;
		n += more;
	}

	if (n < 0) {
		if (errno == EAGAIN) {
			if (r->draining && dir == RELAY_DOWN)
				r->reading_socket = false;
			return RELAY_DONE;
		}
		if (errno == EINTR)
			return RELAY_SIGNAL;
		if (errno == EINVAL) {
			/* This end will not splice after all: copy. */
			close_lane(r, dir);
			return RELAY_DONE;
		}
		return fail(r, dir == RELAY_UP ? "read" : "recv", errno);
	}
	if (n == 0) {
		if (!stopped_at_mark(r, dir))
			reached_eof(r, dir, now);
		return RELAY_DONE;
	}
	l->held += (size_t)n;
	r->last_activity = now;
	if (dir == RELAY_DOWN) {
		r->res->stats.bytes[RELAY_DOWN] += (uint64_t)n;
		r->res->stats.messages[RELAY_DOWN]++;
		r->got_reply = true;
	}
	return RELAY_DONE;
}

/*
 * The writing end refused splice (EINVAL) with bytes in the pipe: take
 * them back into the direction's buffer, a buffer at a time, and copy on.
 */
static enum relay_end
unload_lane(struct relay *r, enum relay_dir dir)
{
	struct lane *l = &r->lane[dir];
	struct span *sp = dir == RELAY_UP ? &r->up : &r->down;
	ssize_t n;

	l->possible = false;
	if (!span_empty(sp))
		return RELAY_DONE;
	n = read(l->pipe[0], sp->data, l->held < RELAY_BUFFER ? l->held :
	    RELAY_BUFFER);
	if (n < 0)
		return fail(r, "read", errno);
	sp->off = 0;
	sp->len = (size_t)n;
	l->held -= (size_t)n;
	if (l->held == 0)
		close_lane(r, dir);
	return RELAY_DONE;
}

/* The pipe out to the socket or stdout. */
static enum relay_end
lane_drain(struct relay *r, enum relay_dir dir, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct lane *l = &r->lane[dir];
	int out = dir == RELAY_UP ? cfg->sock : cfg->out_fd;
	ssize_t n = sys_splice(l->pipe[0], out, splice_length(r, dir, l->held),
	    dir == RELAY_UP);

	if (n < 0) {
		if (errno == EAGAIN)
			return RELAY_DONE;
		if (errno == EINTR)
			return RELAY_SIGNAL;
		if (dir == RELAY_DOWN && errno == EPIPE)
			return RELAY_OUTPUT_CLOSED;
		if (dir == RELAY_UP && cfg->end_fd > 0 && (errno == EPIPE ||
		    errno == ECONNRESET)) {
			stop_sending(r, now);
			l->held = 0;
			close_lane(r, dir);
			return RELAY_DONE;
		}
		if (errno == EINVAL)
			return unload_lane(r, dir);
		return fail(r, dir == RELAY_UP ? "send" : "write", errno);
	}
	l->held -= (size_t)n;
	r->last_activity = now;
	if (dir == RELAY_UP) {
		r->res->stats.bytes[RELAY_UP] += (uint64_t)n;
		r->last_up = now;
	}
	if (l->held == 0 && !l->possible)
		close_lane(r, dir);
	return RELAY_DONE;
}

/*
 * poll() saying stdout is writable promises room for some bytes, not for a
 * whole buffer: a larger write() to a blocking pipe would sleep until the
 * reader catches up, and -i, -w, -q and signals would wait with it. A
 * socket takes MSG_DONTWAIT on each call; a blocking pipe gets at most
 * PIPE_BUF bytes per write, which a pipe with one free slot always takes.
 * O_NONBLOCK is not set instead: the pipe's other writers share that flag.
 */
static void
choose_output_mode(struct relay *r)
{
	struct stat st;
	int flags;

	if (fstat(r->cfg->out_fd, &st) != 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		r->out_is_socket = true;
		return;
	}
	if (!S_ISFIFO(st.st_mode))
		return;
	flags = fcntl(r->cfg->out_fd, F_GETFL);
	/* A packet-mode pipe (O_DIRECT) keeps each write as one message. */
	if (flags < 0 || (flags & (O_NONBLOCK | O_DIRECT)))
		return;
	r->out_chunk = PIPE_BUF;
}

/*
 * After -q's time, how long the peer may take none of what stdin gave
 * before sockit ends without it: -q's own time, and a second at least, so
 * that -q 0 waits out a full socket buffer instead of dropping it.
 */
static double
quit_stall(const struct relay_config *cfg)
{
	return cfg->quit_after > QUIT_STALL_MIN ? cfg->quit_after :
	    QUIT_STALL_MIN;
}

static void
consider(double *earliest, double deadline)
{
	if (*earliest < 0 || deadline < *earliest)
		*earliest = deadline;
}

/* Returns the next deadline, or -1 when there is none. */
static double
next_deadline(const struct relay *r)
{
	const struct relay_config *cfg = r->cfg;
	double d = -1;

	if (cfg->idle_timeout >= 0)
		consider(&d, r->last_activity + cfg->idle_timeout);
	if (cfg->reply_timeout >= 0 && !r->got_reply)
		consider(&d, r->last_up + cfg->reply_timeout);
	if (cfg->quit_after >= 0 && r->stdin_eof && !r->ending)
		consider(&d, r->stdin_eof_at + cfg->quit_after);
	if (cfg->quit_after >= 0 && r->ending && up_pending(r))
		consider(&d, r->last_up + quit_stall(cfg));
	if (cfg->hooks.tick_seconds > 0)
		consider(&d, r->next_tick);
	return d;
}

/* Acts on deadlines that passed. Returns true when the relay must end. */
static bool
deadlines(struct relay *r, double now, enum relay_end *end)
{
	const struct relay_config *cfg = r->cfg;

	if (cfg->hooks.tick_seconds > 0 && now >= r->next_tick) {
		r->res->stats.seconds = now - r->start;
		cfg->hooks.on_tick(cfg->hooks.ctx, &r->res->stats);
		r->next_tick = now + cfg->hooks.tick_seconds;
	}
	if (cfg->idle_timeout >= 0 &&
	    now >= r->last_activity + cfg->idle_timeout) {
		r->res->expired = "-i";
		*end = RELAY_TIMEOUT;
		return true;
	}
	if (cfg->reply_timeout >= 0 && !r->got_reply &&
	    now >= r->last_up + cfg->reply_timeout) {
		r->res->expired = "-w";
		*end = RELAY_TIMEOUT;
		return true;
	}
	if (cfg->quit_after >= 0 && r->stdin_eof && !r->ending &&
	    now >= r->stdin_eof_at + cfg->quit_after) {
		/*
		 * -q: end, but what we already hold still goes out, and the
		 * socket is read until it has (see pump), for a peer that
		 * reads only while its own writes move.
		 */
		r->ending = true;
	}
	if (cfg->quit_after >= 0 && r->ending && up_pending(r) &&
	    now >= r->last_up + quit_stall(cfg)) {
		/* ... unless the peer has stopped taking it. */
		r->res->expired = "-q";
		r->res->stalled = quit_stall(cfg);
		*end = RELAY_TIMEOUT;
		return true;
	}
	return false;
}

int
relay_poll_timeout(double deadline, double now)
{
	double ms;

	if (deadline < 0)
		return -1;
	/* Round up, so poll() never wakes just before the deadline. */
	ms = (deadline - now) * 1000.0 + 0.999;
	if (ms < 0)
		return 0;
	return ms > 3600000 ? 3600000 : (int)ms;
}

/*
 * A direct lane: one splice from the reading end to the writing end. The
 * reading end was ready, so EAGAIN means the writing end is full: wait
 * for it (want_out) instead of reading again at once.
 */
static enum relay_end
direct_move(struct relay *r, enum relay_dir dir, double now)
{
	const struct relay_config *cfg = r->cfg;
	struct lane *l = &r->lane[dir];
	int in = lane_source(r, dir);
	int out = dir == RELAY_UP ? cfg->sock : cfg->out_fd;
	int rounds = r->socket_blocking ? BLOCKING_ROUNDS : LANE_ROUNDS;
	int i;

	for (i = 0; i < rounds && !sys_signal_caught; i++) {
		ssize_t n = sys_splice(in, out,
		    splice_length(r, dir, LANE_PIPE), true);

		if (n < 0) {
			if (errno == EAGAIN) {
				l->want_out = i == 0;
				return RELAY_DONE;
			}
			if (errno == EINTR)
				return RELAY_SIGNAL;
			if (errno == EINVAL) {
				close_lane(r, dir);
				return RELAY_DONE;
			}
			if (dir == RELAY_DOWN && errno == EPIPE)
				return RELAY_OUTPUT_CLOSED;
			if (dir == RELAY_UP && cfg->end_fd > 0 &&
			    (errno == EPIPE || errno == ECONNRESET)) {
				stop_sending(r, now);
				close_lane(r, dir);
				return RELAY_DONE;
			}
			return fail(r, dir == RELAY_UP ? "send" : "recv",
			    errno);
		}
		if (n == 0) {
			if (i > 0)
				return RELAY_DONE;	/* more next time */
			if (!stopped_at_mark(r, dir))
				reached_eof(r, dir, now);
			return RELAY_DONE;
		}
		r->res->stats.bytes[dir] += (uint64_t)n;
		r->last_activity = now;
		if (dir == RELAY_UP) {
			r->last_up = now;
		} else {
			r->res->stats.messages[RELAY_DOWN]++;
			r->got_reply = true;
		}
	}
	return RELAY_DONE;
}

/*
 * A peer that has sent nothing and not ended its side, such as recv or
 * a listener with --shutdown none, may never send at all; the send lane
 * need not wait for its FIN to move on a blocking socket. Should the
 * peer speak after all, poll() still watches the socket, and the first
 * sign of it makes the socket non-blocking again for good (see
 * wake_listening), so no receive ever waits. Not at a terminal, where a
 * person waits for the peer's every line.
 */
static bool
peer_silent(const struct relay *r)
{
	return !r->got_reply && r->res->stats.bytes[RELAY_DOWN] == 0 &&
	    !r->cfg->stdin_is_tty && r->cfg->hooks.read_input == NULL;
}

/*
 * The socket became readable while peer_silent's lane had made it
 * blocking: back to non-blocking, and never blocking again.
 */
static void
wake_listening(struct relay *r)
{
	if (!r->socket_blocking || !r->blocked_listening)
		return;
	if (sys_set_nonblocking(r->cfg->sock) == 0)
		r->socket_blocking = false;
	r->sock_domain = -1;
}

/*
 * A TCP lane left alone moves on a blocking socket, as a plain relay's
 * does: the receive lane once nothing more will be sent, the send lane
 * once the peer has ended its side. One splice then takes what arrives
 * while it runs, or waits for room itself, and the socket's lock held
 * meanwhile lets this process, not the other end's, do its share of the
 * protocol work; poll() in between lets the scheduler put both ends on
 * one core, which costs a fifth of the rate. Not while a deadline (-i,
 * -w, -q, a tick) must be kept, nor for pair, a separate receive socket
 * or draining, which tell an empty socket from a finished one. AF_UNIX
 * stays non-blocking: its splice reads as if non-blocking anyway, and a
 * blocking send into it wakes for every bit of room where poll() waits
 * for a quarter of the buffer.
 */
static void
block_for_lane(struct relay *r, enum relay_dir dir)
{
	const struct relay_config *cfg = r->cfg;
	struct timeval wait = { 0, BLOCKING_WAIT_US };
	socklen_t len = sizeof(r->sock_domain);
	bool alone;

	if (r->socket_blocking || r->sock_domain < 0 || !r->lane[dir].on ||
	    cfg->end_fd > 0 || cfg->recv_sock > 0 || r->draining ||
	    cfg->quit_after >= 0)
		return;
	if (dir == RELAY_DOWN)
		alone = !r->reading_stdin && !up_pending(r) &&
		    r->shutdown_done;
	else
		alone = (!r->reading_socket || peer_silent(r)) &&
		    !holding(r, RELAY_DOWN);
	if (!alone || next_deadline(r) >= 0)
		return;
	if (r->sock_domain == 0 && sys_getsockopt(cfg->sock, SOL_SOCKET,
	    SO_DOMAIN, &r->sock_domain, &len) < 0)
		r->sock_domain = -1;
	if (r->sock_domain != AF_INET && r->sock_domain != AF_INET6) {
		r->sock_domain = -1;	/* AF_UNIX: never */
		return;
	}
	/* The timeout bounds each wait: see BLOCKING_WAIT_US. */
	if (sys_setsockopt(cfg->sock, SOL_SOCKET, dir == RELAY_DOWN ?
	    SO_RCVTIMEO : SO_SNDTIMEO, &wait, sizeof(wait)) == 0 &&
	    sys_set_blocking(cfg->sock) == 0) {
		r->socket_blocking = true;
		r->blocked_listening = r->reading_socket;
	} else {
		r->sock_domain = -1;	/* not again */
	}
}

/*
 * While the reading end keeps giving, pass the pipe on and fill it again
 * without a poll() in between; stop when nothing more has come or the
 * writing end takes no more, and let poll() say when it has room. Once
 * block_for_lane has made the socket blocking, the fills wait in the
 * kernel, so more rounds go by between two poll()s; a signal still ends a
 * wait, as none is SA_RESTART.
 */
static enum relay_end
lane_rounds(struct relay *r, enum relay_dir dir, double now)
{
	struct lane *l = &r->lane[dir];
	int rounds = r->socket_blocking ? BLOCKING_ROUNDS : LANE_ROUNDS;
	enum relay_end end;
	int i;

	for (i = 0; i < rounds && !sys_signal_caught; i++) {
		size_t before = l->held;

		if ((end = lane_fill(r, dir, now)) != RELAY_DONE)
			return end;
		if (!l->on || l->held == before ||
		    !(dir == RELAY_UP ? r->reading_stdin : r->reading_socket))
			return RELAY_DONE;
		if ((end = lane_drain(r, dir, now)) != RELAY_DONE)
			return end;
		/* A stdin that can block is read once per poll() only. */
		if (!l->on || l->held > 0 ||
		    (dir == RELAY_UP && r->stdin_waits))
			return RELAY_DONE;
		now = relay_now();
	}
	return RELAY_DONE;
}

/*
 * Datagrams from stdin: after the read poll() promised, read on without
 * waiting while stdin has more whole datagrams ready, then send them all
 * with one sendmmsg instead of a send each. Each read is one datagram, as
 * ever; a person typing still gets one send per line.
 */
static enum relay_end
take_datagrams(struct relay *r, double now)
{
	struct span *s = &r->up;
	size_t chunk = stdin_chunk(r->cfg);
	enum relay_end end;
	int round;

	for (round = 0; round < BATCH_ROUNDS; round++) {
		while (r->reading_stdin && r->queue_count < BATCH_MAX &&
		    BATCH_BYTES - s->len >= chunk) {
			bool nowait = round > 0 || r->queue_count > 0;
			ssize_t n;

			if (nowait && r->no_nowait)
				break;
			n = read_some(r, s->data + s->len, now, nowait, &end);
			if (n < 0 && end != RELAY_DONE)
				return end;
			if (n <= 0)
				break;
			s->len += (size_t)n;
			r->queued[r->queue_count++] = (size_t)n;
		}
		if (span_empty(s))
			return RELAY_DONE;
		if ((end = send_up(r, now)) != RELAY_DONE ||
		    !span_empty(s) || !r->reading_stdin || r->no_nowait)
			return end;
	}
	return RELAY_DONE;
}

/* The next step of stdin: its lane when it is on, else copying. */
static enum relay_end
take_stdin(struct relay *r, double now)
{
	enum relay_end end;
	int i;

	if (r->lane[RELAY_UP].on) {
		block_for_lane(r, RELAY_UP);
		if (r->lane[RELAY_UP].direct)
			return direct_move(r, RELAY_UP, now);
		return lane_rounds(r, RELAY_UP, now);
	}
	if (r->batching)
		return take_datagrams(r, now);
	if ((end = read_stdin(r, now, false)) != RELAY_DONE)
		return end;
	/*
	 * The socket is non-blocking and nearly always has room, and stdin
	 * often has more: send now and read again without waiting, rather
	 * than poll() before each call, which thirds the system calls of a
	 * stream of small datagrams. Either EAGAIN goes back to poll().
	 */
	for (i = 0; i < STDIN_ROUNDS && !span_empty(&r->up); i++) {
		if ((end = send_up(r, now)) != RELAY_DONE ||
		    !span_empty(&r->up) || !r->reading_stdin || r->no_nowait ||
		    r->cfg->hooks.read_input != NULL)
			return end;
		if ((end = read_stdin(r, now, true)) != RELAY_DONE)
			return end;
	}
	return RELAY_DONE;
}

static enum relay_end
take_socket(struct relay *r, double now)
{
	struct lane *l = &r->lane[RELAY_DOWN];

	if (r->in != NULL)
		return recv_batch(r, now);
	if (!l->on)
		return recv_down(r, now);
	block_for_lane(r, RELAY_DOWN);
	if (l->direct)
		return direct_move(r, RELAY_DOWN, now);
	return lane_rounds(r, RELAY_DOWN, now);
}

/* Sends close_notify once the socket has room for it. */
static enum relay_end
send_notify(struct relay *r)
{
	struct tls *t = r->cfg->tls;

	if (tls_shutdown(t) < 0 && errno == EAGAIN) {
		r->want[RELAY_UP] = tls_wants(t);
		return RELAY_DONE;
	}
	/* A peer that has gone needs no notice: its end shows on reading. */
	r->notify_due = false;
	return RELAY_DONE;
}

/* Writes on what dir holds: its buffer first, then its pipe. */
static enum relay_end
give(struct relay *r, enum relay_dir dir, double now)
{
	const struct span *sp = dir == RELAY_UP ? &r->up : &r->down;

	/* Records TLS took but the socket did not, first. */
	if (dir == RELAY_UP && r->cfg->tls != NULL &&
	    tls_unsent(r->cfg->tls)) {
		if (tls_flush(r->cfg->tls) < 0) {
			if (errno == EAGAIN)
				r->want[RELAY_UP] = POLLOUT;
			return send_failed(r, now, "send", errno);
		}
		r->want[RELAY_UP] = POLLOUT;
	}
	if (dir == RELAY_UP && r->notify_due && span_empty(sp))
		return send_notify(r);

	if (r->lane[dir].direct) {
		/* The full end has room again: read on. */
		r->lane[dir].want_out = false;
		return RELAY_DONE;
	}
	if (!span_empty(sp) || (dir == RELAY_UP && r->eof_marker))
		return dir == RELAY_UP ? send_up(r, now) : write_down(r, now);
	if (dir == RELAY_DOWN && batch_left(r))
		return hand_on(r, now);
	if (r->lane[dir].held == 0)
		return RELAY_DONE;
	return r->lane[dir].possible ? lane_drain(r, dir, now) :
	    unload_lane(r, dir);
}

/* Whether dir may read more now: room in its pipe, or an empty buffer. */
static bool
room(const struct relay *r, enum relay_dir dir)
{
	const struct lane *l = &r->lane[dir];

	if (l->direct)
		return !l->want_out;
	if (l->on)
		return l->possible && l->held < l->cap;
	return span_empty(dir == RELAY_UP ? &r->up : &r->down);
}

static enum relay_end
pump(struct relay *r)
{
	const struct relay_config *cfg = r->cfg;
	struct pollfd pfd[SLOT_COUNT];
	enum relay_end end;
	enum slot in_slot = cfg->recv_sock > 0 ? SLOT_RECV : SLOT_SOCKET;
	short got, up_events, down_events;
	bool up_asked, down_asked;

	for (;;) {
		double now;
		int rc;

		if (!r->shutdown_done && r->stdin_eof &&
		    !holding(r, RELAY_UP))
			apply_shutdown(r);
		if (r->rdwr_due && !up_pending(r)) {
			r->rdwr_due = false;
			r->res->fin_sent =
			    sys_shutdown(cfg->sock, SHUT_RDWR) == 0;
		}
		if (r->ending && !up_pending(r))
			r->reading_socket = false;
		if (cfg->to_program && r->peer_eof && !r->out_shut &&
		    !holding(r, RELAY_DOWN)) {
			r->out_shut = true;
			sys_shutdown(cfg->out_fd, SHUT_WR);
		}
		if (finished(r))
			return RELAY_DONE;
		if (sys_signal_caught)
			return RELAY_SIGNAL;
		maybe_open_lane(r, RELAY_UP);
		maybe_open_lane(r, RELAY_DOWN);
		/* Bytes in memory are always ready: look at the end again. */
		if (r->reading_stdin && cfg->in_data != NULL &&
		    span_empty(&r->up)) {
			read_memory(r, relay_now());
			continue;
		}
		/* A line editor may hold more entered lines than one read took. */
		if (r->reading_stdin && cfg->hooks.input_pending != NULL &&
		    span_empty(&r->up) &&
		    cfg->hooks.input_pending(cfg->hooks.ctx)) {
			if ((end = read_stdin(r, relay_now(), false)) != RELAY_DONE)
				return end;
			continue;
		}
		/* A batch's rest: the socket has given it, poll() won't wake. */
		if (batch_left(r) && span_empty(&r->down)) {
			if ((end = hand_on(r, relay_now())) != RELAY_DONE)
				return end;
			if (span_empty(&r->down))
				continue;
		}
		if (r->draining && r->reading_socket &&
		    !holding(r, RELAY_DOWN)) {
			/* Nothing will wake poll() for what is queued: ask. */
			if ((end = take_socket(r, relay_now())) != RELAY_DONE)
				return end;
			continue;
		}
		/*
		 * TLS may hold whole records it read ahead: the socket has
		 * given them already, so poll() would not wake for them.
		 */
		if (cfg->tls != NULL && r->reading_socket &&
		    room(r, RELAY_DOWN) && tls_pending(cfg->tls)) {
			if ((end = take_socket(r, relay_now())) != RELAY_DONE)
				return end;
			continue;
		}
		up_asked = up_pending(r) || r->lane[RELAY_UP].want_out;
		down_asked = r->reading_socket && room(r, RELAY_DOWN);
		up_events = cfg->tls != NULL ? r->want[RELAY_UP] : POLLOUT;
		down_events = cfg->tls != NULL ? r->want[RELAY_DOWN] : POLLIN;
		memset(pfd, 0, sizeof(pfd));
		/* any_sender: nobody to send to until someone has sent. */
		pfd[SLOT_STDIN].fd = r->reading_stdin && room(r, RELAY_UP) &&
		    (!cfg->any_sender || r->sender_len > 0) ? cfg->in_fd : -1;
		pfd[SLOT_STDIN].events = POLLIN;
		pfd[in_slot].events = down_asked ? down_events : 0;
		/* A lane learns of the urgent mark it cannot pass. */
		if (down_asked && ((cfg->urgent && !r->urgent_quiet) ||
		    r->lane[RELAY_DOWN].on))
			pfd[in_slot].events |= POLLPRI;
		pfd[SLOT_SOCKET].events |= up_asked ? up_events : 0;
		pfd[SLOT_SOCKET].fd = pfd[SLOT_SOCKET].events ? cfg->sock : -1;
		pfd[SLOT_RECV].fd = pfd[SLOT_RECV].events ? cfg->recv_sock : -1;
		pfd[SLOT_STDOUT].fd = holding(r, RELAY_DOWN) ||
		    r->lane[RELAY_DOWN].want_out ? cfg->out_fd : -1;
		pfd[SLOT_STDOUT].events = POLLOUT;
		pfd[SLOT_SIGNAL].fd = sys_signal_wakeup_fd;
		pfd[SLOT_SIGNAL].events = POLLIN;
		pfd[SLOT_END].fd = cfg->end_fd > 0 && !r->draining ?
		    cfg->end_fd : -1;
		pfd[SLOT_END].events = POLLIN;
		now = relay_now();
		rc = sys_poll(pfd, SLOT_COUNT, relay_poll_timeout(next_deadline(r),
		    now));
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return fail(r, "poll", errno);
		}
		now = relay_now();
		if (pfd[SLOT_SIGNAL].revents)
			return RELAY_SIGNAL;
		if (pfd[SLOT_END].revents) {
			/*
			 * The peer's process exited: everything it sent is
			 * queued by now, and nobody will read what we send.
			 */
			stop_sending(r, now);
			r->draining = true;
		}
		if (pfd[SLOT_STDOUT].revents) {
			if ((end = give(r, RELAY_DOWN, now)) != RELAY_DONE)
				return end;
		}
		got = pfd[SLOT_SOCKET].revents;
		if (up_asked && (got & (up_events | POLLERR | POLLHUP))) {
			if ((end = give(r, RELAY_UP, now)) != RELAY_DONE)
				return end;
		}
		got = pfd[in_slot].revents;
		if (down_asked && (got & POLLPRI) && r->lane[RELAY_DOWN].on)
			close_lane(r, RELAY_DOWN);
		else if (down_asked && (got & POLLPRI) &&
		    (end = take_urgent(r)) != RELAY_DONE)
			return end;
		if (down_asked && (got & (down_events | POLLERR | POLLHUP))) {
			wake_listening(r);
			if ((end = take_socket(r, now)) != RELAY_DONE)
				return end;
		}
		got = pfd[SLOT_STDIN].revents;
		if (got & POLLNVAL) {
			reached_eof(r, RELAY_UP, now);
		} else if (got && r->reading_stdin) {
			if ((end = take_stdin(r, now)) != RELAY_DONE)
				return end;
		}
		if (deadlines(r, now, &end))
			return end;
	}
}

enum relay_end
relay_run(const struct relay_config *cfg, struct relay_result *result)
{
	struct relay r;
	unsigned char *memory, *framed = NULL;
	int i;

	memset(result, 0, sizeof(*result));
	memset(&r, 0, sizeof(r));
	memory = malloc(2 * RELAY_BUFFER + BATCH_BYTES);
	if (memory == NULL) {
		result->end = RELAY_ERROR;
		result->failed_call = "malloc";
		result->err = errno;
		return result->end;
	}
	r.cfg = cfg;
	r.res = result;
	r.want[RELAY_UP] = POLLOUT;
	r.want[RELAY_DOWN] = POLLIN;
	r.down.data = memory;
	r.scratch = memory + RELAY_BUFFER;
	r.up.data = memory + 2 * RELAY_BUFFER;
	r.raw = r.down.data;
	if (cfg->hooks.on_frame) {
		/* Framed output may be larger than the bytes it frames. */
		framed = malloc(cfg->hooks.frame_cap);
		if (framed == NULL) {
			result->end = RELAY_ERROR;
			result->failed_call = "malloc";
			result->err = errno;
			free(memory);
			return result->end;
		}
		r.down.data = framed;
	}
	r.reading_stdin = cfg->in_fd >= 0 || cfg->in_data != NULL;
	r.stdin_eof = !r.reading_stdin;
	r.reading_socket = true;
	r.start = r.last_activity = r.last_up = r.stdin_eof_at = relay_now();
	r.next_tick = r.start + cfg->hooks.tick_seconds;
	choose_output_mode(&r);
	plan_lanes(&r);
	if (cfg->messages && !cfg->eof_on_empty && cfg->tls == NULL) {
		r.in = dgram_batch_new();
		if (r.in == NULL) {
			result->end = RELAY_ERROR;
			result->failed_call = "malloc";
			result->err = errno;
			free(framed);
			free(memory);
			return result->end;
		}
		r.in->peek = cfg->peek;
		r.gather = cfg->hooks.on_frame == NULL && cfg->out_fd >= 0 &&
		    !dgram_output_keeps_messages(cfg->out_fd);
	}
	r.batching = cfg->messages && cfg->in_fd >= 0 &&
	    cfg->in_data == NULL && !cfg->crlf && cfg->hooks.read_input == NULL;
	result->end = pump(&r);
	result->unsent = !r.stdin_eof || up_pending(&r);
	for (i = 0; i < 2; i++) {
		if (r.lane[i].pipe[0] >= 0) {
			close(r.lane[i].pipe[0]);
			close(r.lane[i].pipe[1]);
		}
	}
	result->stats.seconds = relay_now() - r.start;
	dgram_batch_free(r.in);
	free(framed);
	free(memory);
	return result->end;
}

/*
 * The steps of one direction of a forwarded pair: the same lane, a pipe
 * between two descriptors, that carries stdio's bulk bytes above, here
 * between two sockets, driven by the forwarding loop (loop.c) instead of
 * pump()'s poll(). Unless -x hooks the bytes, a stream splices from its
 * first byte; messages (seqpacket) keep their boundaries by recv and
 * send, one message in hand at a time.
 */

/* The pipe of a link: big enough that one splice moves a burst of TCP. */
#define LINK_PIPE (1024 * 1024)
/* A take this large means a burst under way: more may have come since. */
#define LINK_BURST (64 * 1024)

void
relay_link_init(struct relay_link *l, int from, int to, bool messages)
{
	memset(l, 0, sizeof(*l));
	l->from = from;
	l->to = to;
	l->splice = !messages;
	l->pipe[0] = l->pipe[1] = -1;
}

void
relay_link_free(struct relay_link *l)
{
	pipe_pool_give(l->pool, l->pipe, (int)l->cap, l->held == 0);
	free(l->buf);
	l->buf = NULL;
}

/* Makes the pipe, or the message buffer, the first time bytes can come. */
static bool
link_ready_to_take(struct relay_link *l)
{
	int size;

	if (l->tls_from != NULL || l->tls_to != NULL || l->on_bytes != NULL)
		l->splice = false;
	if (l->splice && l->pipe[0] < 0) {
		size = pipe_pool_take(l->pool, l->pipe, LINK_PIPE);
		if (size >= 0) {
			l->cap = size > 0 ? (size_t)size : 65536;
			return true;
		}
		/* Out of descriptors for a pipe: copy through a buffer. */
		l->splice = false;
	}
	if (!l->splice && l->buf == NULL) {
		l->buf = malloc(RELAY_CHUNK_MAX);
		if (l->buf == NULL) {
			l->failed_call = "malloc";
			l->err = errno;
			l->broken_fd = l->from;
			return false;
		}
		l->cap = RELAY_CHUNK_MAX;
	}
	return true;
}

/*
 * Whether l's pipe, holding held bytes, has a free slot. A pipe has one
 * slot per page of its size, and a splice puts each fragment of the
 * socket's into a slot of its own, so a pipe holding bytes may be full
 * long before its size; but a slot holds at least a byte, and fewer bytes
 * than slots leave one free. A splice that then finds EAGAIN found the
 * socket empty, not the pipe full.
 */
static bool
link_has_slot(const struct relay_link *l, size_t held)
{
	static long page;

	if (page <= 0)
		page = sysconf(_SC_PAGESIZE);
	return page > 0 && held < l->cap / (size_t)page;
}

/* The link cannot go on: which end failed, in which call, and why. */
static enum relay_step
link_broken(struct relay_link *l, int fd, const char *call, int err)
{
	l->broken_fd = fd;
	l->failed_call = call;
	l->err = err;
	return RELAY_STEP_BROKEN;
}

/* from into the pipe or the buffer. Returns bytes taken, 0, or -1. */
static ssize_t
link_fill(struct relay_link *l)
{
	if (l->splice)
		return sys_splice(l->from, l->pipe[1], l->cap - l->held, false);
	/* A message is moved whole before the next is taken. */
	if (l->held > 0) {
		errno = EAGAIN;
		return -1;
	}
	l->off = 0;
	if (l->tls_from != NULL)
		return tls_read(l->tls_from, l->buf, l->cap);
	return sys_recv(l->from, l->buf, l->cap, MSG_DONTWAIT);
}

/* The pipe or the buffer out to to. Returns bytes written, or -1. */
static ssize_t
link_drain(struct relay_link *l)
{
	ssize_t n;

	if (l->splice)
		return sys_splice(l->pipe[0], l->to, l->held, true);
	if (l->tls_to != NULL)
		n = tls_write(l->tls_to, l->buf + l->off, l->held);
	else
		n = sys_send(l->to, l->buf + l->off, l->held, MSG_DONTWAIT |
	    MSG_NOSIGNAL);
	if (n > 0)
		l->off += (size_t)n;
	return n;
}

enum relay_step
relay_link_step(struct relay_link *l, unsigned rounds)
{
	ssize_t n;
	bool moved;

	if (l->done)
		return RELAY_STEP_DONE;
	if (!link_ready_to_take(l))
		return RELAY_STEP_BROKEN;
	while (rounds-- > 0) {
		moved = false;
		if (!l->eof && l->readable && l->held < l->cap) {
			size_t was_held = l->held;

			n = link_fill(l);
			/*
			 * A small take into a pipe with a slot to spare
			 * emptied the socket; edge-triggered epoll tells of
			 * whatever comes after it (epoll(7)), so no call is
			 * spent to hear EAGAIN. Not when the end has come:
			 * its news was told once, and the next call finds it.
			 */
			if (n > 0 && l->splice && (size_t)n < LINK_BURST &&
			    !l->ending && link_has_slot(l, l->held + (size_t)n))
				l->readable = false;
			/*
			 * A non-blocking splice takes what had arrived when it
			 * was called; in a burst what came meanwhile goes too,
			 * so that each drain moves a large step.
			 */
			while (n > 0 && l->splice && l->readable &&
			    l->held + (size_t)n < l->cap) {
				ssize_t more = sys_splice(l->from, l->pipe[1],
				    l->cap - l->held - (size_t)n, false);

				/*
				 * What this call found is news too: the end,
				 * or a socket emptied, needs no second call
				 * to be told again.
				 */
				if (more == 0)
					l->eof = true;
				else if (more < 0 && errno == EAGAIN &&
				    link_has_slot(l, l->held + (size_t)n))
					l->readable = false;
				if (more <= 0)
					break;
				n += more;
			}
			if (n > 0 && l->on_bytes != NULL)
				l->on_bytes(l->ctx, l->buf, (size_t)n);
			if (n > 0) {
				l->held += (size_t)n;
				moved = true;
			} else if (n == 0) {
				l->eof = true;
			} else if (errno == EAGAIN && (was_held == 0 ||
			    (l->splice && link_has_slot(l, was_held)))) {
				l->readable = false;
			} else if (errno == EAGAIN) {
				/*
				 * A pipe holding bytes may have no slot left
				 * (one per fragment the socket gave it): the
				 * socket may still have more, so readable
				 * stays, and filling waits for the drain.
				 */
			} else if (errno == EINVAL && l->splice && l->held == 0) {
				/* This kind of socket does not splice: copy. */
				relay_link_free(l);
				l->splice = false;
				if (!link_ready_to_take(l))
					return RELAY_STEP_BROKEN;
				moved = true;
			} else {
				return link_broken(l, l->from,
				    l->tls_from != NULL && errno == EPROTO ?
				    "tls" : "recv", errno);
			}
		}
		/* Records tls_write took and the socket did not, first. */
		if (l->tls_to != NULL && l->writable && tls_unsent(l->tls_to)) {
			if (tls_flush(l->tls_to) < 0 && errno == EAGAIN)
				l->writable = false;
			else if (tls_unsent(l->tls_to))
				return link_broken(l, l->to, "send", errno);
			else
				moved = true;
		}
		if (l->held > 0 && l->writable &&
		    (l->tls_to == NULL || !tls_unsent(l->tls_to))) {
			n = link_drain(l);
			if (n > 0) {
				l->held -= (size_t)n;
				l->bytes += (uint64_t)n;
				moved = true;
			} else if (n < 0 && errno == EAGAIN) {
				l->writable = false;
			} else if (n < 0) {
				return link_broken(l, l->to, l->tls_to != NULL &&
				    errno == EPROTO ? "tls" : "send", errno);
			}
		}
		if (l->eof && l->held == 0 && l->tls_to != NULL &&
		    !l->hold_fin) {
			/* TLS's FIN is close_notify, after every record. */
			if (tls_unsent(l->tls_to))
				return moved ? RELAY_STEP_MORE : RELAY_STEP_IDLE;
			if (tls_shutdown(l->tls_to) < 0) {
				if (errno != EAGAIN)
					return link_broken(l, l->to, "tls",
					    errno);
				l->writable = false;
				return RELAY_STEP_IDLE;
			}
		}
		if (l->eof && l->held == 0) {
			/*
			 * The sender's FIN becomes ours to the receiver: it
			 * may still answer, and the pair ends only when both
			 * directions have. A receiver that is already gone
			 * (ENOTCONN) needs no FIN. The last link of a pair
			 * leaves its FIN to the close() that comes at once:
			 * a socket closed with nothing unread sends one too.
			 */
			if (!(l->last && l->tls_to == NULL) && !l->hold_fin &&
			    sys_shutdown(l->to, SHUT_WR) < 0 && errno != ENOTCONN)
				return link_broken(l, l->to, "shutdown", errno);
			l->done = true;
			relay_link_free(l);
			return RELAY_STEP_DONE;
		}
		if (!moved)
			return RELAY_STEP_IDLE;
	}
	return RELAY_STEP_MORE;
}
