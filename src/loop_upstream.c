/* loop_upstream.c: listen --to with --proxy: each pair's target asked of the proxy in the step machine of proxy_client.c, on the forwarding loop. */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "loop.h"
#include "loop_int.h"
#include "relay.h"
#include "report.h"
#include "session_proxy.h"
#include "sys.h"
#include "trace.h"

/*
 * A handshake under way. It holds an HTTP answer's whole head, so it
 * lives only while the handshake runs, not as long as the pair.
 */
struct loop_upstream_pair {
	struct proxy_handshake hs;
	size_t sent;		/* of the message being sent */
	bool sending;
};

void
loop_upstream_free(struct pair *p)
{
	explicit_bzero(p->up, sizeof(*p->up));
	free(p->up);
	p->up = NULL;
}

/* From the proxy's address, which the pair dialled, to the target's. */
static void
set_target(const struct loop *lp, struct pair *p)
{
	snprintf(p->target, sizeof(p->target), "%.*s",
	    (int)sizeof(p->target) - 1, lp->f->target->text);
}

/* "connect to TARGET for #N (PEER) through proxy P", for messages. */
static void
what_failed(const struct loop *lp, const struct pair *p, char *out,
    size_t cap)
{
	snprintf(out, cap, _("connect to %s for #%lu (%s) through proxy %s"),
	    lp->f->target->text, p->id, p->peer, lp->f->upstream->proxy);
}

/*
 * A pair whose target the proxy did not reach ends as one whose target
 * refused: the peer is reset, so it cannot take the end for an answer.
 * --json's pair event names the target, not the proxy.
 */
static void
fail(struct loop *lp, struct pair *p, const char *why)
{
	set_target(lp, p);
	loop_pair_end(lp, p, why, RESET_PEER);
}

void
loop_upstream_unreached(struct loop *lp, struct pair *p, const char *call,
    int err, bool timed_out)
{
	char what[2 * ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 64];
	const struct loop_upstream *u = lp->f->upstream;

	if (timed_out && p->state == PAIR_UPSTREAM) {
		what_failed(lp, p, what, sizeof(what));
		report_error("%s: no answer from the proxy within %g s (-w)",
		    what, lp->f->s->opts.timeout);
	} else if (timed_out) {
		report_error("connect to proxy %s for #%lu (%s) timed out "
		    "after %g s (-w)", u->proxy, p->id, p->peer,
		    lp->f->s->opts.timeout);
	} else {
		snprintf(what, sizeof(what), _("connect to proxy %s for #%lu "
		    "(%s)"), p->target[0] != '\0' ? p->target : u->proxy,
		    p->id, p->peer);
		report_errno(call, what, err);
	}
	fail(lp, p, timed_out ? "timeout" : "unreached");
}

/*
 * Sends what is left of the message in hand, its password hidden from
 * the trace. Returns 1 when it is all sent, 0 when the socket is full
 * (the next EPOLLOUT goes on), -1 on a failure in errno.
 */
static int
flush(struct pair *p)
{
	struct loop_upstream_pair *up = p->up;
	size_t len, at, secret_at, secret_end;
	const unsigned char *out = proxy_client_output(&up->hs, &len,
	    &secret_at, &secret_end);
	ssize_t n;

	while ((at = up->sent) < len) {
		n = sys_send_secret(p->fd[1], out + at, len - at,
		    MSG_NOSIGNAL, secret_at > at ? secret_at - at : 0,
		    secret_end > at ? secret_end - at : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		up->sent += (size_t)n;
	}
	up->sending = false;
	return 1;
}

/* Starts sending the handshake's next message. */
static void
send_next(struct pair *p)
{
	session_proxy_trace(p->up->hs.said);
	p->up->sent = 0;
	p->up->sending = true;
}

/*
 * The proxy could not reach the target at one of its addresses: the next
 * is asked on a new connection to the proxy, which ends a refused
 * request's, as connect --proxy tries each in turn. -w's deadline holds
 * for them all.
 */
static void
next_host(struct loop *lp, struct pair *p)
{
	const struct loop_upstream *u = lp->f->upstream;

	report_note("#%lu proxy %s: %s for %s, trying %s", p->id,
	    proxy_kind_scheme(u->kind), session_proxy_answer(&p->up->hs),
	    u->hosts[p->up_host], u->hosts[p->up_host + 1]);
	p->up_host++;
	loop_upstream_free(p);
	sys_close(p->fd[1]);
	p->fd[1] = -1;
	p->addr = 0;
	/* Not PAIR_UPSTREAM, which would take the new connection for the
	 * tunnel: the handshake starts again once it is up. */
	p->state = PAIR_CONNECTING;
	loop_pair_dial(lp, p);
}

/*
 * The proxy's answer was not the tunnel: said by name with its hint, and
 * with what it quoted (an HTTP body's first line), as connect --proxy
 * says it. n bytes of buf were the last read, used of them the answer's.
 */
static void
refused(struct loop *lp, struct pair *p, const unsigned char *buf, size_t n,
    size_t used)
{
	const struct proxy_handshake *hs = &p->up->hs;
	char what[2 * ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 64];
	size_t seen_len;
	const unsigned char *seen = proxy_client_quoted(hs, buf, n, used,
	    &seen_len);

	if (session_proxy_target_failed(hs) &&
	    p->up_host + 1 < lp->f->upstream->nhosts) {
		next_host(lp, p);
		return;
	}
	what_failed(lp, p, what, sizeof(what));
	session_proxy_failure(hs, what, seen, seen_len);
	fail(lp, p, "unreached");
}

/*
 * The tunnel is up: the target's name is what messages say from here,
 * and the pair goes on as one connected directly.
 */
static void
tunneled(struct loop *lp, struct pair *p)
{
	loop_upstream_free(p);
	set_target(lp, p);
	loop_pair_connect_done(lp, p);
}

/* A failed send or recv to the proxy ends the pair with its errno. */
static void
broken(struct loop *lp, struct pair *p, const char *call, int err)
{
	char what[2 * ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 64];

	what_failed(lp, p, what, sizeof(what));
	report_errno(call, what, err);
	fail(lp, p, "error");
}

/*
 * Runs the handshake as far as the socket allows. Each answer is peeked
 * at and only the bytes the handshake takes are read: what the target
 * sent right behind the proxy's answer stays in the socket for the
 * pair's first read.
 */
static void
run(struct loop *lp, struct pair *p)
{
	unsigned char buf[PROXY_HTTP_HEAD_MAX];
	enum proxy_step step;
	size_t used;
	ssize_t n;
	int rc;

	for (;;) {
		if (p->up->sending) {
			rc = flush(p);
			if (rc == 0)
				return;
			if (rc < 0) {
				broken(lp, p, "send", errno);
				return;
			}
		}
		n = sys_recv(p->fd[1], buf, sizeof(buf), MSG_PEEK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			broken(lp, p, "recv", errno);
			return;
		}
		step = proxy_client_input(&p->up->hs, buf, (size_t)n, &used);
		session_proxy_trace(p->up->hs.heard);
		if (used > 0 && sys_recv(p->fd[1], buf, used, 0) !=
		    (ssize_t)used) {
			broken(lp, p, "recv", errno);
			return;
		}
		if (step == PROXY_DONE) {
			tunneled(lp, p);
			return;
		}
		if (step == PROXY_FAILED) {
			refused(lp, p, buf, (size_t)n, used);
			return;
		}
		if (step == PROXY_SEND)
			send_next(p);
	}
}

void
loop_upstream_begin(struct loop *lp, struct pair *p)
{
	const struct loop_upstream *u = lp->f->upstream;
	char what[2 * ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 64], err[512];

	trace_tag = p->id;
	p->up = calloc(1, sizeof(*p->up));
	if (p->up == NULL) {
		report_errno("malloc", _("keep a proxy handshake"), errno);
		trace_tag = 0;
		fail(lp, p, "error");
		return;
	}
	/* -w bounds the handshake as it bounded the connect: no new start. */
	p->state = PAIR_UPSTREAM;
	if (proxy_client_start(&p->up->hs, u->kind, u->hosts[p->up_host],
	    u->port, u->cred, err, sizeof(err)) < 0) {
		what_failed(lp, p, what, sizeof(what));
		report_error("%s: %s", what, err);
		trace_tag = 0;
		fail(lp, p, "error");
		return;
	}
	send_next(p);
	run(lp, p);
	trace_tag = 0;
}

void
loop_upstream_event(struct loop *lp, struct pair *p)
{
	trace_tag = p->id;
	run(lp, p);
	trace_tag = 0;
}
