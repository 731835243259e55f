/* loop.c: listen --to: many forwarded pairs (or datagram flows) on one epoll loop, moved by relay.c's link steps. */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "json.h"
#include "loop.h"
#include "loop_int.h"
#include "report.h"
#include "serve.h"
#include "sockit.h"
#include "sys.h"
#include "tls.h"
#include "trace.h"

/* Events one epoll_wait takes. */
#define EVENTS_MAX 256
/* Peers one wake-up of the listening socket accepts before the pairs go on. */
#define ACCEPTS_PER_WAKE 64
/* Rounds of one link's step before the other pairs get their turn. */
#define LINK_ROUNDS 16
/* Descriptors kept for the listener, stdio, the signal pipe and epoll. */
#define FDS_RESERVED 32
/*
 * A spliced pair holds two sockets and two pipes; a copying one, two.
 * Spliced pairs also leave up to PIPE_POOL_FDS in the pipe pool.
 */
#define FDS_SPLICED 6
#define FDS_COPIED 2
/* How long accepting rests after it ran out of descriptors or memory. */
#define ACCEPT_REST 0.1
/*
 * How long a loop without pairs keeps its pooled pipes: an empty pipe
 * holds no pages, but its size still counts against the user's
 * /proc/sys/fs/pipe-user-pages-soft, past which every new pipe of theirs
 * is small.
 */
#define PIPE_POOL_IDLE 1.0
char *
loop_addr_format(const struct endpoint *ep, const struct sockaddr *sa,
    socklen_t len, char *out, size_t cap)
{
	return addr_format_kind(sa, len, ep->row->socktype, out, cap);
}

/* Returns the bytes p delivered both ways, to tell -i of activity. */
static uint64_t
pair_bytes(const struct pair *p)
{
	return p->link[0].bytes + p->link[1].bytes;
}

static void
listen_on(struct loop *lp, bool on)
{
	if (on == lp->accepting)
		return;
	if (lp->lfd >= 0 && sys_epoll_ctl(lp->ep, on ? EPOLL_CTL_ADD :
	    EPOLL_CTL_DEL, lp->lfd, EPOLLIN, &lp->listener) == 0)
		lp->accepting = on;
}

/* Accepting resumes when a pair ends under --max-conns, or a rest ends. */
static void
maybe_listen(struct loop *lp)
{
	if (!lp->stopping && lp->rest_until == 0 && (lp->count < lp->limit ||
	    lp->f->refuse))
		listen_on(lp, true);
}

/* The list a connecting pair or one in its handshakes waits on. */
static struct pair **
wait_list(struct loop *lp, const struct pair *p, struct pair ***tail)
{
	bool hs = p->state == PAIR_HANDSHAKE || p->state == PAIR_REQUEST;

	*tail = hs ? &lp->hs_tail : &lp->conn_tail;
	return hs ? &lp->hs_head : &lp->conn_head;
}

void
loop_conn_unlink(struct loop *lp, struct pair *p)
{
	struct pair **tail, **head = wait_list(lp, p, &tail);

	if (p->conn_prev != NULL)
		p->conn_prev->conn_next = p->conn_next;
	else if (*head == p)
		*head = p->conn_next;
	else
		return;
	if (p->conn_next != NULL)
		p->conn_next->conn_prev = p->conn_prev;
	else
		*tail = p->conn_prev;
	p->conn_prev = p->conn_next = NULL;
}

void
loop_conn_append(struct loop *lp, struct pair *p)
{
	struct pair **tail, **head = wait_list(lp, p, &tail);

	p->conn_prev = *tail;
	p->conn_next = NULL;
	if (*tail != NULL)
		(*tail)->conn_next = p;
	else
		*head = p;
	*tail = p;
}

/*
 * -v's and --json's word on a pair that opened; target is the address it
 * reached, or the one it was trying when it failed.
 */
static void
report_opened(struct loop *lp, const struct pair *p, const char *target)
{
	char storage[1024];
	struct strbuf sb;

	if (lp->f->s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "pair");
		json_field_u64(&sb, "pair", p->id);
		json_field_str(&sb, "remote", p->peer);
		json_field_str(&sb, "local", lp->f->local->text);
		json_field_str(&sb, "target", target);
		if (p->px != NULL)
			loop_proxy_fields(&sb, p);
		if (lp->f->upstream != NULL)
			json_field_str(&sb, "proxy", lp->f->upstream->url);
		report_event_end(&sb);
	} else if (p->px != NULL) {
		report_note("#%lu %s %s -> %s", p->id, p->peer,
		    loop_proxy_request(p), target);
	} else if (lp->f->upstream != NULL) {
		report_note("#%lu %s -> %s => %s via %s", p->id, p->peer,
		    lp->f->local->text, target, lp->f->upstream->url);
	} else {
		report_note("#%lu %s -> %s => %s", p->id, p->peer,
		    lp->f->local->text, target);
	}
}

/*
 * -v's and --json's word on a pair that ended, with its counts. Every
 * pair has its pair event before its pair-closed, one that never opened
 * (its target not reached, a handshake failed) too.
 */
static void
report_closed(struct loop *lp, const struct pair *p, const char *why)
{
	const struct session *s = lp->f->s;
	double seconds = relay_now() - p->start;
	char storage[1024];
	struct strbuf sb;

	if (s->opts.json && p->state != PAIR_OPEN)
		report_opened(lp, p, p->target[0] != '\0' ? p->target :
		    lp->f->target != NULL ? lp->f->target->text : "");
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage),
		    "pair-closed");
		json_field_u64(&sb, "pair", p->id);
		json_field_str(&sb, "remote", p->peer);
		json_field_u64(&sb, "sent", p->link[0].bytes);
		json_field_u64(&sb, "received", p->link[1].bytes);
		json_field_num(&sb, "seconds", seconds);
		json_field_str(&sb, "end", why);
		report_event_end(&sb);
	} else if (p->state == PAIR_OPEN) {
		report_note(P_("#%lu closed (%s): %llu byte to %s, %llu back, "
		    "in %.3f s", "#%lu closed (%s): %llu bytes to %s, %llu "
		    "back, in %.3f s", p->link[0].bytes), p->id, why,
		    (unsigned long long)p->link[0].bytes, p->target,
		    (unsigned long long)p->link[1].bytes, seconds);
	}
}

/*
 * Ends p: both sockets closed (the sides in reset first given SO_LINGER
 * 0, so their peers get a reset, not a FIN; a unix socket has no reset
 * and ends with EOF), pipes freed, the pair out of every list.
 */
void
loop_pair_end(struct loop *lp, struct pair *p, const char *why, unsigned reset)
{
	static const struct linger abort_now = { 1, 0 };
	int i;

	trace_tag = p->id;
	report_closed(lp, p, why);
	for (i = 0; i < 2; i++)
		if ((reset & (1u << i)) && p->fd[i] >= 0)
			sys_setsockopt(p->fd[i], SOL_SOCKET, SO_LINGER,
			    &abort_now, sizeof(abort_now));
	for (i = 0; i < 2; i++) {
		/* An end that is not a reset or a failure says close_notify. */
		if (p->tls[i] != NULL && reset == RESET_NONE &&
		    p->state == PAIR_OPEN &&
		    strcmp(why, "error") != 0 && !tls_notified(p->tls[i]))
			tls_shutdown(p->tls[i]);
		tls_free(p->tls[i]);
		p->tls[i] = NULL;
		relay_link_free(&p->link[i]);
		if (p->fd[i] >= 0)
			sys_close(p->fd[i]);
		p->fd[i] = -1;
	}
	trace_tag = 0;
	loop_conn_unlink(lp, p);
	if (p->px != NULL)
		loop_proxy_free(p);
	if (p->up != NULL)
		loop_upstream_free(p);
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		lp->all = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->state = PAIR_DEAD;
	p->next_dead = lp->dead;
	lp->dead = p;
	lp->count--;
	maybe_listen(lp);
}

/*
 * A link broke: the end that failed is gone or going, and the other end
 * is reset, as a reset on one side resets the other.
 */
static void
pair_broken(struct loop *lp, struct pair *p, const struct relay_link *l)
{
	int side = l->broken_fd == p->fd[0] ? 0 : 1;
	char what[ADDR_TEXT_MAX * 2 + 64];

	if (l->err == ECONNRESET || l->err == EPIPE) {
		report_note("#%lu reset by %s: passed on to %s", p->id,
		    side == 0 ? p->peer : p->target,
		    side == 0 ? p->target : p->peer);
		loop_pair_end(lp, p, "reset", 1u << (1 - side));
		return;
	}
	if (side == 0)
		snprintf(what, sizeof(what), _("forward #%lu from %s"), p->id,
		    p->peer);
	else
		snprintf(what, sizeof(what), _("forward #%lu to %s"), p->id,
		    p->target);
	if (strcmp(l->failed_call, "tls") == 0 && p->tls[side] != NULL) {
		report_error("%s: tls: %s", what,
		    tls_last_error(p->tls[side])->reason);
		loop_pair_end(lp, p, "error", 1u << (1 - side));
		return;
	}
	report_errno(l->failed_call, what, l->err);
	loop_pair_end(lp, p, "error", 1u << (1 - side));
}

/* Runs both links of an open pair as far as their ends allow. */
static void
pair_step(struct loop *lp, struct pair *p)
{
	uint64_t before = pair_bytes(p);
	enum relay_step st;
	int i;

	trace_tag = p->id;
	for (i = 0; i < 2; i++) {
		p->link[i].last = p->link[1 - i].done;
		st = relay_link_step(&p->link[i], LINK_ROUNDS);
		if (st == RELAY_STEP_BROKEN) {
			trace_tag = 0;
			pair_broken(lp, p, &p->link[i]);
			return;
		}
		if (st == RELAY_STEP_MORE && !p->ready) {
			p->ready = true;
			p->next_ready = lp->ready;
			lp->ready = p;
		}
	}
	trace_tag = 0;
	if (pair_bytes(p) != before)
		lp->last_data = relay_now();
	if (p->link[0].done && p->link[1].done)
		loop_pair_end(lp, p, "done", RESET_NONE);
}

void
loop_pair_open(struct loop *lp, struct pair *p)
{
	int i;

	loop_conn_unlink(lp, p);
	p->state = PAIR_OPEN;
	p->link[0].tls_from = p->link[1].tls_to = p->tls[0];
	p->link[1].tls_from = p->link[0].tls_to = p->tls[1];
	for (i = 0; i < 2; i++) {
		/*
		 * The events while connecting kept readable as they came; a
		 * TLS handshake may have left records inside the library.
		 * Writing waits on nothing until bytes are held.
		 */
		if (p->tls[i] != NULL)
			p->link[i].readable = true;
		p->link[i].writable = true;
	}
	report_opened(lp, p, p->target);
	pair_step(lp, p);
}

/*
 * A TLS side's handshake failed: the pair ends. A target not reached over
 * TLS resets the peer, as one not reached at all does.
 */
static void
handshake_failed(struct loop *lp, struct pair *p, int side,
    const struct tls_error *e)
{
	const struct loop_forward *f = lp->f;
	char what[ADDR_TEXT_MAX + 64];

	snprintf(what, sizeof(what), _("tls handshake with %s for #%lu"),
	    side == 0 ? p->peer : p->target, p->id);
	session_tls_report(side == 0 ? f->s : f->tls_session, what, e);
	if (side == 1)
		report_note("#%lu closed: %s is not reached over TLS", p->id,
		    p->peer);
	loop_pair_end(lp, p, "tls", side == 1 ? RESET_PEER : RESET_NONE);
}

/* Moves the handshakes under way; the pair opens when none is left. */
static void
pair_shake(struct loop *lp, struct pair *p)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		if (!p->shaking[i])
			continue;
		trace_tag = p->id;
		rc = tls_handshake(p->tls[i]);
		trace_tag = 0;
		if (rc < 0) {
			handshake_failed(lp, p, i, tls_last_error(p->tls[i]));
			return;
		}
		if (rc > 0)
			p->shaking[i] = false;
	}
	if (!p->shaking[0] && !p->shaking[1])
		loop_pair_open(lp, p);
}

/*
 * A TLS side starts its handshake (both at once when both are TLS),
 * bounded by handshake_wait; a plain pair opens.
 */
void
loop_pair_connect_done(struct loop *lp, struct pair *p)
{
	const struct loop_forward *f = lp->f;
	struct tls_context *ctx[2];
	struct tls_error e;
	int i;

	if (f->upstream != NULL && p->state != PAIR_UPSTREAM) {
		loop_upstream_begin(lp, p);
		return;
	}
	if (p->px != NULL && loop_proxy_connected(lp, p) < 0)
		return;
	ctx[0] = f->tls_local;
	ctx[1] = f->tls_session != NULL ? f->tls_session->tls_ctx : NULL;
	if (ctx[0] == NULL && ctx[1] == NULL) {
		loop_pair_open(lp, p);
		return;
	}
	loop_conn_unlink(lp, p);
	p->state = PAIR_HANDSHAKE;
	p->deadline = relay_now() + f->handshake_wait;
	loop_conn_append(lp, p);
	for (i = 0; i < 2; i++) {
		if (ctx[i] == NULL)
			continue;
		trace_tag = p->id;
		p->tls[i] = tls_start(ctx[i], p->fd[i], i == 1 ?
		    &f->tls_session->tls_peer : NULL, &e);
		trace_tag = 0;
		if (p->tls[i] == NULL) {
			handshake_failed(lp, p, i, &e);
			return;
		}
		p->shaking[i] = true;
	}
	pair_shake(lp, p);
}

/* Handshakes that ran past their time end their pairs. */
static void
expire_handshakes(struct loop *lp, double now)
{
	struct pair *p;
	int side;

	while ((p = lp->hs_head) != NULL && p->deadline <= now) {
		if (p->state == PAIR_REQUEST) {
			loop_proxy_expired(lp, p);
			continue;
		}
		side = p->shaking[0] ? 0 : 1;
		report_error("tls handshake with %s for #%lu: no answer within "
		    "%g s (%s)", side == 0 ? p->peer : p->target, p->id,
		    lp->f->handshake_wait, lp->f->s->opts.timeout >= 0 ? "-w" :
		    _("a server's default; -w sets another"));
		loop_pair_end(lp, p, "timeout", side == 1 ? RESET_PEER :
		    RESET_NONE);
	}
}

/*
 * The target could not be reached at all, the last try failing with err
 * in call: the peer is reset, so that a client which already sent its
 * FIN, or sends only later, sees a failure and not an empty answer.
 */
static void
pair_unreached(struct loop *lp, struct pair *p, const char *call, int err,
    bool timed_out)
{
	char what[ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 64];

	if (p->px != NULL) {
		loop_proxy_unreached(lp, p, call, err, timed_out);
		return;
	}
	if (lp->f->upstream != NULL) {
		loop_upstream_unreached(lp, p, call, err, timed_out);
		return;
	}
	if (timed_out)
		report_error("connect to %s for #%lu (%s) timed out after %g s "
		    "(-w)", lp->f->target->text, p->id, p->peer,
		    lp->f->s->opts.timeout);
	else {
		snprintf(what, sizeof(what), _("connect to %s for #%lu (%s)"),
		    p->target[0] != '\0' ? p->target : lp->f->target->text,
		    p->id, p->peer);
		report_errno(call, what, err);
	}
	loop_pair_end(lp, p, timed_out ? "timeout" : "unreached", RESET_PEER);
}

/*
 * A non-blocking connect to the target, from address p->addr on: one that
 * fails at once moves on to the next address.
 */
void
loop_pair_dial(struct loop *lp, struct pair *p)
{
	const struct loop_forward *f = lp->f;
	const char *call = "connect";
	struct endpoint_addr fast;
	int fd, err = ENOENT;

	trace_tag = p->id;
	for (; p->addr < p->naddrs; p->addr++) {
		const struct endpoint_addr *a = &p->addrs[p->addr];

		/* A proxy's targets are of its listener's kind: TCP. */
		loop_addr_format(f->target != NULL ? f->target : f->local,
		    (const struct sockaddr *)&a->sa,
		    a->len, p->target, sizeof(p->target));
		fast = *a;
		fast.socktype |= SOCK_NONBLOCK | SOCK_CLOEXEC;
		fd = session_socket(f->s, &fast, false);
		if (fd == -2) {
			trace_tag = 0;
			loop_pair_end(lp, p, "error", RESET_PEER);
			return;
		}
		if (fd < 0) {
			err = errno;
			call = "socket";
			continue;
		}
		p->fd[1] = fd;
		p->link[0].to = p->link[1].from = fd;
		if (sys_epoll_ctl(lp->ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT |
		    EPOLLRDHUP | EPOLLET, &p->end[1]) < 0) {
			err = errno;
			call = "epoll_ctl";
			break;
		}
		if (sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) ==
		    0) {
			trace_tag = 0;
			loop_pair_connect_done(lp, p);
			return;
		}
		if (errno == EINPROGRESS) {
			trace_tag = 0;
			p->state = PAIR_CONNECTING;
			return;
		}
		/* A full unix backlog says EAGAIN: that target is busy. */
		err = errno;
		call = "connect";
		sys_close(fd);
		p->fd[1] = -1;
	}
	trace_tag = 0;
	pair_unreached(lp, p, call, err, false);
}

/*
 * The target's socket had news while connecting (ev): did it work? A
 * connect that failed leaves its error in SO_ERROR and makes the socket
 * say EPOLLERR; one that worked says EPOLLOUT alone, and asking SO_ERROR
 * then would only cost a call per pair. Neither: still connecting.
 * Under --trace SO_ERROR is asked all the same: it is the call that shows
 * how a non-blocking connect ended, and the one the plain trace folds the
 * connect line into, which would otherwise wait for the close.
 */
static void
pair_connected(struct loop *lp, struct pair *p, uint32_t ev)
{
	const char *call = "connect";	/* SO_ERROR is the connect's */
	int err = 0;
	socklen_t len = sizeof(err);

	if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		return;
	trace_tag = p->id;
	if ((ev & (EPOLLERR | EPOLLHUP) || (trace_flags & TRACE_ON)) &&
	    sys_getsockopt(p->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
		err = errno;
		call = "getsockopt";
	}
	if (err == 0) {
		trace_tag = 0;
		loop_pair_connect_done(lp, p);
		return;
	}
	sys_close(p->fd[1]);
	trace_tag = 0;
	p->fd[1] = -1;
	p->addr++;
	if (p->addr < p->naddrs) {
		report_note("connect to %s for #%lu: %s: %s", p->target, p->id,
		    call, i18n_errno_text(err));
		loop_pair_dial(lp, p);
		return;
	}
	pair_unreached(lp, p, call, err, false);
}

static void
pair_new(struct loop *lp, int cfd, const char *peer)
{
	const struct loop_forward *f = lp->f;
	struct pair *p = calloc(1, sizeof(*p));
	int i;

	if (p == NULL) {
		report_errno("malloc", _("keep a forwarded pair"), errno);
		sys_close(cfd);
		return;
	}
	p->id = ++lp->next_id;
	p->start = relay_now();
	p->deadline = f->s->opts.timeout >= 0 ? p->start + f->s->opts.timeout :
	    -1;
	p->fd[0] = cfd;
	p->fd[1] = -1;
	p->addrs = f->addrs;
	p->naddrs = f->naddrs;
	if (f->proxy != NULL) {
		/* Until the request is in, the handshake's deadline holds. */
		p->state = PAIR_REQUEST;
		p->deadline = p->start + f->handshake_wait;
	}
	for (i = 0; i < 2; i++) {
		p->end[i].p = p;
		p->end[i].side = i;
	}
	relay_link_init(&p->link[0], cfd, -1, f->messages);
	relay_link_init(&p->link[1], -1, cfd, f->messages);
	p->link[0].pool = p->link[1].pool = &lp->pipes;
	p->link[0].hold_fin = f->hold_fin;
	snprintf(p->peer, sizeof(p->peer), "%s", peer);
	if (f->s->opts.hex) {
		loop_hex_init(p->hex, p->id, p->peer, p->target);
		for (i = 0; i < 2; i++) {
			p->link[i].on_bytes = loop_hex;
			p->link[i].ctx = &p->hex[i];
		}
	}
	p->next = lp->all;
	if (lp->all != NULL)
		lp->all->prev = p;
	lp->all = p;
	lp->count++;
	loop_conn_append(lp, p);
	if (sys_epoll_ctl(lp->ep, EPOLL_CTL_ADD, cfd, EPOLLIN | EPOLLOUT |
	    EPOLLRDHUP | EPOLLET, &p->end[0]) < 0) {
		report_errno("epoll_ctl", _("watch a forwarded peer"), errno);
		loop_pair_end(lp, p, "error", RESET_PEER);
		return;
	}
	if (f->proxy != NULL)
		loop_proxy_begin(lp, p);
	else
		loop_pair_dial(lp, p);
}

/* Accepting failed for want of descriptors or memory: rest a moment. */
static void
accept_rest(struct loop *lp, int err)
{
	char what[ENDPOINT_TEXT_MAX + 16];

	snprintf(what, sizeof(what), _("accept on %s"), lp->f->local->text);
	report_errno("accept", what, err);
	listen_on(lp, false);
	lp->rest_until = relay_now() + ACCEPT_REST;
}

/*
 * Turns away a peer over --max-conns with --max-conns-refuse: SO_LINGER 0
 * makes the close a reset, which the client sees at once.
 */
static void
refuse(struct loop *lp, int cfd, const char *peer)
{
	static const struct linger abort_now = { 1, 0 };

	report_note(P_("refused %s: %ld pair open, the limit set by "
	    "--max-conns", "refused %s: %ld pairs open, the limit set by "
	    "--max-conns", (unsigned long)lp->limit), peer, lp->limit);
	sys_setsockopt(cfd, SOL_SOCKET, SO_LINGER, &abort_now,
	    sizeof(abort_now));
	sys_close(cfd);
}

/* Takes the peers waiting in the backlog. Returns EXIT_OK, or a failure. */
static int
accept_some(struct loop *lp)
{
	const struct loop_forward *f = lp->f;
	int i;

	for (i = 0; i < ACCEPTS_PER_WAKE; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 16];
		int cfd;

		if (lp->count >= lp->limit && !f->refuse) {
			/* The rest wait in the backlog until a pair ends. */
			listen_on(lp, false);
			return EXIT_OK;
		}
		/*
		 * The pair's sockets never block: accept4 sets that in the
		 * same call instead of two fcntl calls after.
		 */
		cfd = sys_accept4(lp->lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EAGAIN || errno == ECONNABORTED)
				return EXIT_OK;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				accept_rest(lp, errno);
				return EXIT_OK;
			}
			if (sys_signal_caught)
				return EXIT_OK;
			snprintf(what, sizeof(what), _("accept on %s"),
			    f->local->text);
			report_errno("accept", what, errno);
			return EXIT_FAIL;
		}
		loop_addr_format(f->local, (struct sockaddr *)&peer, plen,
		    text, sizeof(text));
		if (!serve_admit(f->s, f->acl, (struct sockaddr *)&peer, plen,
		    text)) {
			sys_close(cfd);
			continue;
		}
		if (lp->count >= lp->limit) {
			refuse(lp, cfd, text);
			continue;
		}
		pair_new(lp, cfd, text);
	}
	return EXIT_OK;
}

/* Applies an event's news of one side of p. */
static void
pair_event(struct loop *lp, struct pair *p, int side, uint32_t ev)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (p->state == PAIR_DEAD)
		return;
	/*
	 * Edge-triggered: each flag holds until a call finds EAGAIN, or a
	 * read comes back short, which on a stream socket emptied it.
	 */
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		p->link[side].readable = true;
	if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		p->link[side].ending = true;
	if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		p->link[1 - side].writable = true;
	/* A TLS read may wait to write, and a write to read. */
	if (p->tls[side] != NULL)
		p->link[side].readable = p->link[1 - side].writable = true;
	if (p->state == PAIR_REQUEST || p->state == PAIR_RESOLVING) {
		loop_proxy_event(lp, p, side);
		return;
	}
	if (p->state == PAIR_UPSTREAM) {
		if (side == 1)
			loop_upstream_event(lp, p);
		return;
	}
	if (p->state == PAIR_CONNECTING) {
		if (side == 1)
			pair_connected(lp, p, ev);
		return;
	}
	if (p->state == PAIR_HANDSHAKE) {
		pair_shake(lp, p);
		return;
	}
	/*
	 * A reset on a side whose reading has ended shows only here: no
	 * recv() of ours would meet it.
	 */
	if ((ev & EPOLLERR) && p->link[side].eof) {
		trace_tag = p->id;
		if (sys_getsockopt(p->fd[side], SOL_SOCKET, SO_ERROR, &err,
		    &len) == 0 && err != 0) {
			trace_tag = 0;
			p->link[side].broken_fd = p->fd[side];
			p->link[side].failed_call = "recv";
			p->link[side].err = err;
			pair_broken(lp, p, &p->link[side]);
			return;
		}
		trace_tag = 0;
	}
	pair_step(lp, p);
}

/* The pairs whose links could go on take another turn. */
static void
run_ready(struct loop *lp)
{
	struct pair *list = lp->ready, *p;

	lp->ready = NULL;
	while ((p = list) != NULL) {
		list = p->next_ready;
		p->ready = false;
		if (p->state == PAIR_OPEN)
			pair_step(lp, p);
	}
}

/* Connects that ran past -w end their pairs. */
static void
expire_connects(struct loop *lp, double now)
{
	struct pair *p;

	while ((p = lp->conn_head) != NULL && p->deadline >= 0 &&
	    p->deadline <= now)
		pair_unreached(lp, p, "connect", ETIMEDOUT, true);
}

static void
free_dead(struct loop *lp)
{
	struct pair *p;
	struct flow *fl;

	while ((p = lp->dead) != NULL) {
		lp->dead = p->next_dead;
		free(p);
	}
	while ((fl = lp->dead_flows) != NULL) {
		lp->dead_flows = fl->next_dead;
		free(fl);
	}
}

/*
 * The run ends: pairs cut off by a signal or by the end of --drain are
 * reset both ways, so neither side takes the cut for a clean end.
 */
static void
end_all(struct loop *lp, const char *why)
{
	while (lp->all != NULL)
		loop_pair_end(lp, lp->all, why, lp->stopping ? RESET_BOTH :
		    RESET_NONE);
	while (lp->quiet != NULL)
		loop_flow_end(lp, lp->quiet, why);
	free_dead(lp);
}

static void
consider(double *earliest, double deadline)
{
	if (deadline >= 0 && (*earliest < 0 || deadline < *earliest))
		*earliest = deadline;
}

static int
next_timeout(const struct loop *lp, double now)
{
	const struct session_opts *o = &lp->f->s->opts;
	double earliest = -1;

	if (lp->ready != NULL)
		return 0;
	if (lp->conn_head != NULL)
		consider(&earliest, lp->conn_head->deadline);
	if (lp->hs_head != NULL)
		consider(&earliest, lp->hs_head->deadline);
	if (lp->rest_until > 0)
		consider(&earliest, lp->rest_until);
	if (lp->quiet != NULL)
		consider(&earliest, lp->quiet->last + lp->f->flow_idle);
	if (lp->stopping)
		consider(&earliest, lp->drain_until);
	if (o->idle_timeout >= 0)
		consider(&earliest, lp->last_data + o->idle_timeout);
	if (lp->pipes.n > 0 && lp->all == NULL)
		consider(&earliest, now + PIPE_POOL_IDLE);
	return relay_poll_timeout(earliest, now);
}

/*
 * Raises the soft descriptor limit to the hard one: each pair holds up to
 * six. Returns how many pairs the limit allows.
 */
static long
raise_fd_limit(const struct loop_forward *f)
{
	struct rlimit rl;
	long per = f->datagrams ? 1 : f->messages || f->tls_local != NULL ||
	    f->tls_session != NULL || f->s->opts.hex ? FDS_COPIED :
	    FDS_SPLICED;
	long pairs;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1000000;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000000)
		rl.rlim_cur = 1000000000;
	pairs = ((long)rl.rlim_cur - FDS_RESERVED -
	    (per == FDS_SPLICED ? PIPE_POOL_FDS : 0)) / per;
	if (pairs < 1)
		pairs = 1;
	report_note(f->datagrams ?
	    N_("%llu descriptors (RLIMIT_NOFILE) allow %ld flows at once") :
	    N_("%llu descriptors (RLIMIT_NOFILE) allow %ld pairs at once"),
	    (unsigned long long)rl.rlim_cur, pairs);
	return pairs;
}

/*
 * A terminating signal: no more peers; the open pairs may get --drain.
 * A stream listener closes at once (and its socket file goes), so new
 * clients are refused, not left in the backlog to be reset at the end; a
 * datagram forward's socket carries the replies and stays.
 */
static bool
stop(struct loop *lp, double now)
{
	if (lp->stopping)
		return true;
	lp->stopping = true;
	listen_on(lp, false);
	if (!lp->f->datagrams && lp->lfd >= 0) {
		sys_close(lp->lfd);
		lp->lfd = -1;
		session_cleanup();
	}
	sys_epoll_ctl(lp->ep, EPOLL_CTL_DEL, sys_signal_wakeup_fd, EPOLLIN,
	    &lp->wakeup);
	if (lp->f->drain <= 0 || (lp->all == NULL && lp->quiet == NULL))
		return false;
	report_note(P_("stopping: %ld pair may finish within %g s (--drain)",
	    "stopping: %ld pairs may finish within %g s (--drain)",
	    (unsigned long)lp->count), lp->count, lp->f->drain);
	lp->drain_until = now + lp->f->drain;
	return true;
}

/* One round of events. Returns EXIT_OK to go on, else the status. */
static int
loop_round(struct loop *lp, struct epoll_event *events)
{
	double now = relay_now();
	int n, i, status = EXIT_OK, timeout = next_timeout(lp, now);

	/*
	 * --busy-poll: a loop that sleeps pays the scheduler's wakeup on
	 * every hop, tens of microseconds on an idle machine; polling a
	 * while after the last bytes catches a quick reply without it.
	 */
	if (lp->f->busy_poll > 0 && now < lp->last_data + lp->f->busy_poll)
		timeout = 0;
	n = sys_epoll_wait(lp->ep, events, EVENTS_MAX, timeout);
	if (n < 0 && errno != EINTR) {
		report_errno("epoll_wait", _("wait for the forwarded pairs"),
		    errno);
		return EXIT_FAIL;
	}
	/* No pair, and a wait that found nothing: the pool's pipes go. */
	if (n == 0 && timeout != 0 && lp->all == NULL)
		pipe_pool_free(&lp->pipes);
	for (i = 0; i < n; i++) {
		struct end *e = events[i].data.ptr;

		if (e == &lp->listener && lp->accepting && lp->f->datagrams)
			loop_take_datagrams(lp);
		else if (e == &lp->listener && lp->accepting)
			status = accept_some(lp);
		else if (e == &lp->lookup)
			loop_proxy_answers(lp);
		else if (e->fl != NULL)
			loop_flow_replies(lp, e->fl);
		else if (e->p != NULL)
			pair_event(lp, e->p, e->side, events[i].events);
		if (status != EXIT_OK)
			return status;
	}
	run_ready(lp);
	now = relay_now();
	expire_connects(lp, now);
	expire_handshakes(lp, now);
	loop_expire_flows(lp, now);
	free_dead(lp);
	if (lp->rest_until > 0 && now >= lp->rest_until) {
		lp->rest_until = 0;
		maybe_listen(lp);
	}
	if (sys_signal_caught && !stop(lp, now))
		return serve_stop_status();
	if (lp->stopping && ((lp->all == NULL && lp->quiet == NULL) ||
	    now >= lp->drain_until))
		return serve_stop_status();
	if (lp->f->s->opts.idle_timeout >= 0 &&
	    now >= lp->last_data + lp->f->s->opts.idle_timeout) {
		report_error("no data through %s within %g s (-i)",
		    lp->f->local->text, lp->f->s->opts.idle_timeout);
		return EXIT_TIMEOUT;
	}
	return EXIT_OK;
}

/* loop_forward's work, which may close lp->lfd early. */
static int
run(struct loop *lp)
{
	static struct epoll_event events[EVENTS_MAX];
	const struct loop_forward *f = lp->f;
	int status;

	lp->listener.side = lp->wakeup.side = lp->lookup.side = -1;
	lp->limit = raise_fd_limit(f);
	if (f->max_conns > 0 && f->max_conns < lp->limit)
		lp->limit = f->max_conns;
	lp->last_data = relay_now();
	/* A wildcard bind answers each sender from the address it wrote to. */
	if (f->datagrams && arrival_ask(f->lfd, f->bound, f->s->opts.ipv6) <
	    0) {
		char what[ENDPOINT_TEXT_MAX + 64];

		snprintf(what, sizeof(what), _("ask for each datagram's "
		    "destination on %s"), f->local->text);
		report_errno("setsockopt", what, errno);
		return EXIT_FAIL;
	}
	if (f->datagrams) {
		lp->buckets = calloc(FLOW_BUCKETS, sizeof(*lp->buckets));
		lp->buf = malloc(DATAGRAM_MAX);
		if (lp->buckets == NULL || lp->buf == NULL) {
			report_errno("malloc", _("keep the datagram flows"),
			    errno);
			free(lp->buckets);
			free(lp->buf);
			return EXIT_FAIL;
		}
	}
	lp->ep = sys_epoll_create();
	if (lp->ep < 0) {
		report_errno("epoll_create1", _("start the forwarding loop"),
		    errno);
		return EXIT_FAIL;
	}
	if (sys_signal_wakeup_fd >= 0)
		sys_epoll_ctl(lp->ep, EPOLL_CTL_ADD, sys_signal_wakeup_fd,
		    EPOLLIN, &lp->wakeup);
	if (f->proxy != NULL && loop_proxy_watch(lp) < 0) {
		close(lp->ep);
		return EXIT_FAIL;
	}
	listen_on(lp, true);
	if (!lp->accepting) {
		report_errno("epoll_ctl", _("watch the listening socket"),
		    errno);
		close(lp->ep);
		free(lp->buckets);
		free(lp->buf);
		return EXIT_FAIL;
	}
	do
		status = loop_round(lp, events);
	while (status == EXIT_OK);
	end_all(lp, lp->stopping ? "stopped" : "ended");
	pipe_pool_free(&lp->pipes);
	close(lp->ep);
	free(lp->buckets);
	free(lp->buf);
	return status;
}

int
loop_forward(const struct loop_forward *f)
{
	struct loop lp;
	int status;

	memset(&lp, 0, sizeof(lp));
	lp.f = f;
	lp.lfd = f->lfd;
	status = run(&lp);
	if (lp.lfd >= 0)
		sys_close(lp.lfd);
	return status;
}
