/* loop_flows.c: listen -u --to: a flow per datagram sender, each with its own connected socket to the target. */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "addr.h"
#include "explain.h"
#include "i18n.h"
#include "json.h"
#include "loop_int.h"
#include "report.h"
#include "serve.h"
#include "sys.h"
#include "trace.h"

/* Returns the bucket of the sender at sa. */
static size_t
flow_bucket(const struct sockaddr *sa, socklen_t len)
{
	const unsigned char *p = (const unsigned char *)sa;
	uint32_t h = 2166136261u;
	socklen_t i;

	/* FNV-1a over the address as the kernel wrote it. */
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % FLOW_BUCKETS;
}

static struct flow *
flow_find(struct loop *lp, const struct sockaddr *sa, socklen_t len)
{
	struct flow *fl = lp->buckets[flow_bucket(sa, len)];

	while (fl != NULL && !addr_equal((const struct sockaddr *)&fl->peer,
	    fl->plen, sa, len))
		fl = fl->hnext;
	return fl;
}

/* Takes fl out of the quiet-first list. */
static void
flow_unlist(struct loop *lp, struct flow *fl)
{
	if (fl->prev != NULL)
		fl->prev->next = fl->next;
	else
		lp->quiet = fl->next;
	if (fl->next != NULL)
		fl->next->prev = fl->prev;
	else
		lp->loud = fl->prev;
	fl->prev = fl->next = NULL;
}

/* fl carried a datagram: it goes to the loud end of the list. */
static void
flow_touch(struct loop *lp, struct flow *fl, double now)
{
	fl->last = now;
	lp->last_data = now;
	if (lp->loud == fl)
		return;
	if (fl->prev != NULL || lp->quiet == fl)
		flow_unlist(lp, fl);
	fl->prev = lp->loud;
	if (lp->loud != NULL)
		lp->loud->next = fl;
	else
		lp->quiet = fl;
	lp->loud = fl;
}

void
loop_flow_end(struct loop *lp, struct flow *fl, const char *why)
{
	const struct session *s = lp->f->s;
	struct flow **pp = &lp->buckets[flow_bucket((struct sockaddr *)
	    &fl->peer, fl->plen)];
	double seconds = relay_now() - fl->start;
	char storage[1024];
	struct strbuf sb;

	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage),
		    "pair-closed");
		json_field_u64(&sb, "pair", fl->id);
		json_field_str(&sb, "remote", fl->peer_text);
		json_field_u64(&sb, "sent", fl->bytes[0]);
		json_field_u64(&sb, "received", fl->bytes[1]);
		json_field_num(&sb, "seconds", seconds);
		json_field_str(&sb, "end", why);
		report_event_end(&sb);
	} else {
		report_note(P_("#%lu closed (%s): %llu byte to %s, %llu back, "
		    "in %.3f s", "#%lu closed (%s): %llu bytes to %s, %llu "
		    "back, in %.3f s", fl->bytes[0]), fl->id, why,
		    (unsigned long long)fl->bytes[0], fl->target,
		    (unsigned long long)fl->bytes[1], seconds);
	}
	trace_tag = fl->id;
	sys_close(fl->fd);
	trace_tag = 0;
	while (*pp != fl)
		pp = &(*pp)->hnext;
	*pp = fl->hnext;
	flow_unlist(lp, fl);
	fl->dead = true;
	fl->next_dead = lp->dead_flows;
	lp->dead_flows = fl;
	lp->count--;
}

/*
 * A new sender: a socket of its own, connected to the target (a unix
 * datagram one bound to an autobound name, for the replies). Returns the
 * flow, or NULL after reporting.
 */
static struct flow *
flow_new(struct loop *lp, struct msghdr *msg, const char *text)
{
	const struct sockaddr_storage *from = msg->msg_name;
	socklen_t flen = msg->msg_namelen;
	const struct loop_forward *f = lp->f;
	const struct endpoint_addr *a = &f->addrs[0];
	struct flow *fl = calloc(1, sizeof(*fl));
	char what[ADDR_TEXT_MAX * 2 + 32], storage[1024];
	struct strbuf sb;
	size_t b;

	if (fl == NULL) {
		report_errno("malloc", _("keep a datagram flow"), errno);
		return NULL;
	}
	fl->id = ++lp->next_id;
	trace_tag = fl->id;
	loop_addr_format(f->target, (const struct sockaddr *)&a->sa, a->len,
	    fl->target, sizeof(fl->target));
	fl->fd = session_socket(f->s, a, false);
	if (fl->fd == -1) {
		snprintf(what, sizeof(what), _("open a socket to %s for %s"),
		    fl->target, text);
		report_errno("socket", what, errno);
	}
	if (fl->fd >= 0 && session_bind_source(f->s, fl->fd, a) < 0) {
		sys_close(fl->fd);
		fl->fd = -1;
	}
	/*
	 * connect() on a datagram socket names the one peer it talks to:
	 * the target's replies come back here, and nobody else's. The
	 * socket stays level-triggered: what one wake-up leaves is taken
	 * on the next.
	 */
	if (fl->fd >= 0 && (sys_connect(fl->fd, (const struct sockaddr *)&a->sa,
	    a->len) < 0 || sys_epoll_ctl(lp->ep, EPOLL_CTL_ADD, fl->fd,
	    EPOLLIN, &fl->end) < 0)) {
		snprintf(what, sizeof(what), _("connect to %s for %s"),
		    fl->target, text);
		report_errno("connect", what, errno);
		sys_close(fl->fd);
		fl->fd = -1;
	}
	trace_tag = 0;
	if (fl->fd < 0) {
		free(fl);
		return NULL;
	}
	fl->end.fl = fl;
	fl->peer = *from;
	fl->plen = flen;
	arrival_note(msg, f->bound->family, &fl->at, &fl->at_kind);
	fl->start = relay_now();
	snprintf(fl->peer_text, sizeof(fl->peer_text), "%s", text);
	loop_hex_init(fl->hex, fl->id, fl->peer_text, fl->target);
	b = flow_bucket((const struct sockaddr *)from, flen);
	fl->hnext = lp->buckets[b];
	lp->buckets[b] = fl;
	lp->count++;
	flow_touch(lp, fl, fl->start);
	if (f->s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "pair");
		json_field_u64(&sb, "pair", fl->id);
		json_field_str(&sb, "remote", text);
		json_field_str(&sb, "local", f->local->text);
		json_field_str(&sb, "target", fl->target);
		report_event_end(&sb);
	} else {
		report_note("#%lu %s -> %s => %s", fl->id, text,
		    f->local->text, fl->target);
	}
	return fl;
}

/*
 * A datagram the target's side could not take: it is dropped, as a
 * datagram may be, and said on -v. A refusal means nobody listens at the
 * target (an ICMP port-unreachable came back for an earlier datagram, or
 * the unix socket there is gone): an error with its hint, said once per
 * flow, as a sender that retries would repeat it for each datagram.
 */
static void
flow_dropped(struct loop *lp, struct flow *fl, const char *call, int err)
{
	const struct endpoint_addr *a = &lp->f->addrs[0];
	const char *name = trace_errno_name(err);
	char what[ADDR_TEXT_MAX + 64], hint[256];

	if (err != ECONNREFUSED || fl->refused++ > 0) {
		report_note("#%lu dropped a datagram: %s: %s (%s)", fl->id,
		    call, i18n_errno_text(err), name != NULL ? name : "?");
		return;
	}
	snprintf(what, sizeof(what), _("#%lu target %s refused a datagram"),
	    fl->id, fl->target);
	report_errno_hint(call, what, err, explain_errno_at(call, err,
	    (const struct sockaddr *)&a->sa, a->len, SOCK_DGRAM, hint,
	    sizeof(hint)));
}

/*
 * Sends len bytes of lp->buf on fl's socket to the target, and reports a
 * datagram that does not get there. A connected unix datagram socket holds
 * the target's socket, not its path: once that socket is closed the kernel
 * refuses our next datagram (ECONNREFUSED) and disconnects ours, and every
 * one after that fails with ENOTCONN, even when a restarted target is
 * bound at the path again. Connecting again looks the path up anew, so the
 * flow tries it before giving a datagram up. Returns true when it was sent.
 */
static bool
flow_send(struct loop *lp, struct flow *fl, size_t len)
{
	const struct endpoint_addr *a = &lp->f->addrs[0];
	int err;

	if (sys_send(fl->fd, lp->buf, len, MSG_DONTWAIT) >= 0)
		return true;
	err = errno;
	if (a->family != AF_UNIX || (err != ECONNREFUSED && err != ENOTCONN)) {
		flow_dropped(lp, fl, "send", err);
		return false;
	}
	if (sys_connect(fl->fd, (const struct sockaddr *)&a->sa, a->len) < 0) {
		/* Not back yet: the refusal is the news, said once. */
		if (err == ECONNREFUSED)
			flow_dropped(lp, fl, "send", err);
		else
			flow_dropped(lp, fl, "connect", errno);
		return false;
	}
	report_note("#%lu connected again to %s, a new socket at its path",
	    fl->id, fl->target);
	/* A later outage is news again. */
	fl->refused = 0;
	if (sys_send(fl->fd, lp->buf, len, MSG_DONTWAIT) >= 0)
		return true;
	flow_dropped(lp, fl, "send", errno);
	return false;
}

/* Datagrams from the senders, each to its flow's target. */
void
loop_take_datagrams(struct loop *lp)
{
	const struct loop_forward *f = lp->f;
	int i;

	for (i = 0; i < DATAGRAMS_PER_WAKE; i++) {
		struct sockaddr_storage from;
		socklen_t flen;
		union {
			struct cmsghdr align;
			unsigned char bytes[ARRIVAL_CONTROL_MAX];
		} control;
		struct iovec iov = { lp->buf, DATAGRAM_MAX };
		struct msghdr msg;
		char text[ADDR_TEXT_MAX];
		struct flow *fl;
		ssize_t n;

		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.bytes;
		msg.msg_controllen = sizeof(control.bytes);
		n = sys_recvmsg(f->lfd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		flen = msg.msg_namelen;
		loop_addr_format(f->local, (struct sockaddr *)&from, flen,
		    text, sizeof(text));
		if (n > DATAGRAM_MAX) {
			report_note("dropped a datagram of %zd bytes from %s: "
			    "more than %d", n, text, DATAGRAM_MAX);
			continue;
		}
		fl = flow_find(lp, (struct sockaddr *)&from, flen);
		if (fl == NULL) {
			if (lp->stopping || !serve_admit(f->s, f->acl,
			    (struct sockaddr *)&from, flen, text))
				continue;
			if (lp->count >= lp->limit) {
				report_note("dropped a datagram from %s: "
				    "--max-conns %ld flows are open", text,
				    lp->limit);
				continue;
			}
			if ((fl = flow_new(lp, &msg, text)) == NULL)
				continue;
		}
		flow_touch(lp, fl, relay_now());
		if (f->s->opts.hex)
			loop_hex(&fl->hex[0], lp->buf, (size_t)n);
		trace_tag = fl->id;
		if (flow_send(lp, fl, (size_t)n))
			fl->bytes[0] += (uint64_t)n;
		trace_tag = 0;
	}
}

/*
 * Sends the reply of len bytes in lp->buf to fl's sender, from the
 * address its datagrams came to (a wildcard bind's kernel would pick the
 * route's). Returns what sendmsg does.
 */
static ssize_t
answer(struct loop *lp, struct flow *fl, size_t len)
{
	union arrival_control control;
	struct iovec iov = { lp->buf, len };
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &fl->peer;
	msg.msg_namelen = fl->plen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	arrival_source(&msg, &control, &fl->at, fl->at_kind);
	return sys_sendmsg(lp->f->lfd, &msg, MSG_DONTWAIT);
}

/* The target's replies on fl's socket, each back to fl's sender. */
void
loop_flow_replies(struct loop *lp, struct flow *fl)
{
	int i;

	if (fl->dead)
		return;
	trace_tag = fl->id;
	for (i = 0; i < DATAGRAMS_PER_WAKE; i++) {
		ssize_t n = sys_recv(fl->fd, lp->buf, DATAGRAM_MAX,
		    MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			flow_dropped(lp, fl, "recv", errno);
			continue;
		}
		if (n > DATAGRAM_MAX) {
			report_note("#%lu dropped a reply of %zd bytes: more "
			    "than %d", fl->id, n, DATAGRAM_MAX);
			continue;
		}
		flow_touch(lp, fl, relay_now());
		if (lp->f->s->opts.hex)
			loop_hex(&fl->hex[1], lp->buf, (size_t)n);
		if (fl->plen <= sizeof(sa_family_t)) {
			report_note("#%lu dropped a reply: %s is unnamed and "
			    "cannot be answered", fl->id, fl->peer_text);
			continue;
		}
		if (answer(lp, fl, (size_t)n) < 0)
			flow_dropped(lp, fl, "sendmsg", errno);
		else
			fl->bytes[1] += (uint64_t)n;
	}
	trace_tag = 0;
}

/* Flows quiet for --flow-idle end. */
void
loop_expire_flows(struct loop *lp, double now)
{
	while (lp->quiet != NULL && lp->quiet->last + lp->f->flow_idle <= now)
		loop_flow_end(lp, lp->quiet, "idle");
}
