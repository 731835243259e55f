/* loop_proxy.c: listen --socks5 and --http-proxy: pairs that begin with the client's request, a lookup that does not block, and the answer, on the --to loop. */
#include "compat.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "addr.h"
#include "i18n.h"
#include "json.h"
#include "loop_int.h"
#include "proxy_server.h"
#include "report.h"
#include "sys.h"
#include "sys_lookup.h"
#include "trace.h"

struct loop_proxy_pair {
	struct psrv *ps;	/* the handshake, until the answer is sent */
	struct sys_lookup *lookup;	/* the name under way, or NULL */
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];	/* allowed ones */
	char request[PSRV_NAME_MAX + 32];	/* "CONNECT example.org:443" */
	char line[PSRV_NAME_MAX + 48];	/* "socks5 CONNECT ..." for -v */
	const char *proto;	/* "socks5", ...: once the request told */
	char user[PSRV_NAME_MAX];	/* the one the client named, or "" */
	/* For --json, a pair that ended unopened: why, in English, ... */
	char reason[PSRV_NAME_MAX + 64];
	char reply[40];		/* ... the answer the client got ... */
	const char *error;	/* ... and an errno's or resolver's name */
};

/*
 * Returns true when a and b are the same string, in a time that depends
 * on their lengths only: strcmp stops at the first byte that differs,
 * and how soon it answers tells a client how much of a guess was right.
 */
static bool
same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ (lb > 0 ? b[i % lb] : 0));
	return diff == 0;
}

static enum psrv_auth
check_user(void *ctx, const char *user, const char *pass)
{
	const struct loop_proxy *px = ctx;
	bool ok = false, known = false;
	int i;

	/* Every user is weighed, so the time says nothing of which one. */
	for (i = 0; i < px->nusers; i++) {
		bool u = same_secret(px->users[i].user, user);
		bool w = same_secret(px->users[i].pass, pass);

		ok |= u && w;
		known |= u;
	}
	return ok ? PSRV_AUTH_OK : known ? PSRV_AUTH_WRONG : PSRV_AUTH_UNKNOWN;
}

const char *
loop_proxy_request(const struct pair *p)
{
	return p->px->line;
}

void
loop_proxy_fields(struct strbuf *sb, const struct pair *p)
{
	const struct loop_proxy_pair *px = p->px;

	json_field_str(sb, "protocol", px->proto);
	json_field_str(sb, "request", px->request);
	if (px->user[0] != '\0')
		json_field_str(sb, "user", px->user);
	if (px->reason[0] != '\0') {
		json_field_str(sb, "reason", px->reason);
		if (px->reply[0] != '\0')
			json_field_str(sb, "reply", px->reply);
		if (px->error != NULL)
			json_field_str(sb, "error", px->error);
	}
}

/*
 * Keeps why p ends before it opened, for its --json event: English, as
 * a machine reads it whatever the locale; error names an errno or a
 * resolver's code, or is NULL.
 */
static void PRINTF_LIKE(3, 4)
keep_reason(struct pair *p, const char *error, const char *fmt, ...)
{
	struct loop_proxy_pair *px = p->px;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(px->reason, sizeof(px->reason), fmt, ap);
	va_end(ap);
	if (px->ps != NULL)
		snprintf(px->reply, sizeof(px->reply), "%s", px->ps->reply);
	px->error = error;
}

/* --trace: the handshake's lines, decoded, tagged with the pair. */
static void
trace_lines(const struct pair *p, struct psrv *ps)
{
	char storage[PSRV_LINE_MAX + 32];
	struct strbuf sb;
	int i;

	if (trace_flags & TRACE_ON) {
		trace_tag = p->id;
		for (i = 0; i < ps->nlines; i++) {
			trace_begin(&sb, storage, sizeof(storage));
			strbuf_puts(&sb, ps->lines[i]);
			trace_emit(&sb);
		}
		trace_tag = 0;
	}
	ps->nlines = 0;
}

/*
 * Sends the client what the handshake answered. The answers are a few
 * bytes to a socket whose buffer holds kilobytes, so a send that takes
 * only a part of one means the client is gone or not reading at all, and
 * the pair ends. Returns 0, or -1 with errno.
 */
static int
answer(struct pair *p)
{
	struct psrv *ps = p->px->ps;
	ssize_t n = 0;

	trace_lines(p, ps);
	if (ps->outlen > 0) {
		trace_tag = p->id;
		n = sys_send(p->fd[0], ps->out, ps->outlen, MSG_NOSIGNAL);
		trace_tag = 0;
		if (n >= 0 && (size_t)n < ps->outlen)
			errno = EAGAIN;
	}
	if (n < 0 || (size_t)n < ps->outlen) {
		ps->outlen = 0;
		return -1;
	}
	ps->outlen = 0;
	return 0;
}

/* The client's request came to nothing: said on -v, and the pair ends. */
static void
refused(struct loop *lp, struct pair *p, const char *why)
{
	struct psrv *ps = p->px->ps;
	char text[PSRV_NAME_MAX + 16], user[80];

	/* What the client asked for, as far as it was read. */
	snprintf(p->px->request, sizeof(p->px->request), "%s", ps->request);
	snprintf(p->px->line, sizeof(p->px->line), "%s%s%s", psrv_name(ps),
	    ps->request[0] != '\0' ? " " : "", ps->request);
	if (ps->target.host[0] != '\0')
		snprintf(p->target, sizeof(p->target), "%s",
		    psrv_target_text(&ps->target, text, sizeof(text)));
	keep_reason(p, NULL, "%s", ps->why);
	trace_lines(p, ps);
	/* Whose login failed, never with what password. */
	psrv_user_text(ps, user, sizeof(user));
	if (user[0] != '\0')
		report_note("#%lu %s %s refused: %s (user %s)", p->id, p->peer,
		    p->px->line, why, user);
	else
		report_note("#%lu %s %s refused: %s", p->id, p->peer,
		    p->px->line, why);
	answer(p);
	/* A FIN, not a reset: the client reads the answer before the end. */
	loop_pair_end(lp, p, "refused", RESET_NONE);
}

/* Moves p from the list it waits on to the one of state. */
static void
move(struct loop *lp, struct pair *p, enum pair_state state, double deadline)
{
	loop_conn_unlink(lp, p);
	p->state = state;
	p->deadline = deadline;
	loop_conn_append(lp, p);
}

/* The -w deadline of a lookup or connect starting now, or -1. */
static double
connect_deadline(const struct loop *lp)
{
	double w = lp->f->s->opts.timeout;

	return w >= 0 ? relay_now() + w : -1;
}

/*
 * Dials the n addresses at cand that --allow-to and --deny-to let
 * through, in turn. They are judged here, after any lookup, on the
 * address the connect will go to: a rule on 127.0.0.1 holds for
 * "localhost" and for every other name that leads there.
 */
static void
dial_allowed(struct loop *lp, struct pair *p, const struct endpoint_addr *cand,
    int n)
{
	const struct loop_proxy *rules = lp->f->proxy;
	struct loop_proxy_pair *px = p->px;
	char text[ADDR_TEXT_MAX] = "";
	bool here = false;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		const struct sockaddr *sa = (const void *)&cand[i].sa;

		/*
		 * A name may lead to 0.0.0.0, :: or ::ffff:0.0.0.0, which
		 * are this host: no rule on 127.0.0.0/8 or ::1 would see it.
		 */
		if (proxy_this_host(sa)) {
			if (text[0] == '\0')
				here = true;
		} else if (proxy_rules_admit(rules->allow, rules->nallow,
		    rules->deny, rules->ndeny, sa, cand[i].len)) {
			px->addrs[k++] = cand[i];
			continue;
		}
		if (text[0] == '\0')
			addr_format(sa, cand[i].len, text, sizeof(text));
	}
	if (k == 0) {
		psrv_reply(px->ps, SOCKS5_NOT_ALLOWED, NULL, 0);
		trace_lines(p, px->ps);
		snprintf(p->target, sizeof(p->target), "%s", text);
		if (here) {
			report_note("#%lu %s %s refused: %s is this host to "
			    "connect(), and always refused", p->id, p->peer,
			    px->line, text);
			keep_reason(p, NULL, "%s is this host to connect(), "
			    "and always refused", text);
		} else {
			report_note("#%lu %s %s refused: %s is not allowed by "
			    "--allow-to/--deny-to", p->id, p->peer, px->line,
			    text);
			keep_reason(p, NULL, "%s is not allowed by "
			    "--allow-to/--deny-to", text);
		}
		answer(p);
		loop_pair_end(lp, p, "denied", RESET_NONE);
		return;
	}
	p->addrs = px->addrs;
	p->naddrs = k;
	p->addr = 0;
	move(lp, p, PAIR_CONNECTING, connect_deadline(lp));
	loop_pair_dial(lp, p);
}

/* Fills a with the literal address of t. */
static void
literal_addr(const struct psrv_target *t, struct endpoint_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = t->family;
	a->socktype = SOCK_STREAM;
	a->protocol = IPPROTO_TCP;
	if (t->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)t->port);
		memcpy(&sin->sin_addr, t->addr, 4);
		a->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)t->port);
		memcpy(&sin6->sin6_addr, t->addr, 16);
		a->len = sizeof(*sin6);
	}
}

/* The request is whole: an address is dialed, a name looked up first. */
static void
start(struct loop *lp, struct pair *p)
{
	const struct session_opts *o = &lp->f->s->opts;
	struct loop_proxy_pair *px = p->px;
	const struct psrv_target *t = &px->ps->target;
	struct endpoint_addr a;
	struct sys_lookup *l;
	char text[PSRV_NAME_MAX + 16];

	snprintf(px->request, sizeof(px->request), "CONNECT %s",
	    psrv_target_text(t, text, sizeof(text)));
	snprintf(px->line, sizeof(px->line), "%s %s",
	    px->proto, px->request);
	if (t->family != 0) {
		literal_addr(t, &a);
		dial_allowed(lp, p, &a, 1);
		return;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		report_errno("malloc", _("look up a proxy client's name"),
		    errno);
		psrv_reply(px->ps, SOCKS5_GENERAL_FAILURE, NULL, 0);
		answer(p);
		loop_pair_end(lp, p, "error", RESET_NONE);
		return;
	}
	snprintf(l->host, sizeof(l->host), "%s", t->host);
	snprintf(l->service, sizeof(l->service), "%u", t->port);
	l->hints.ai_family = o->ipv4 ? AF_INET : o->ipv6 ? AF_INET6 :
	    AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_NUMERICSERV;
	l->ctx = p;
	if (sys_lookup_ask(l) < 0) {
		free(l);
		psrv_reply(px->ps, SOCKS5_GENERAL_FAILURE, NULL, 0);
		answer(p);
		loop_pair_end(lp, p, "error", RESET_NONE);
		return;
	}
	px->lookup = l;
	move(lp, p, PAIR_RESOLVING, connect_deadline(lp));
}

/* Reads what the client sent so far, and goes as far as it allows. */
static void
read_request(struct loop *lp, struct pair *p)
{
	struct psrv *ps = p->px->ps;
	enum psrv_result r;
	unsigned char *room;
	size_t cap, at;
	ssize_t n;
	int err;

	for (;;) {
		room = psrv_room(ps, &cap);
		at = (size_t)(room - ps->in);
		n = sys_recv_secret(p->fd[0], room, cap, 0);
		err = errno;
		r = n > 0 ? psrv_took(ps, (size_t)n) : PSRV_MORE;
		/* Written once parsed, so a password's bytes show as '*'. */
		trace_tag = p->id;
		sys_recv_shown(p->fd[0], room, cap, 0, n, err,
		    ps->secret_end > at && ps->secret_at > at ?
		    ps->secret_at - at : 0, ps->secret_end > at ?
		    ps->secret_end - at : 0);
		trace_tag = 0;
		errno = err;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			report_note("#%lu %s %s before its request was whole",
			    p->id, p->peer, n == 0 ? _("closed") :
			    i18n_errno_text(errno));
			keep_reason(p, n == 0 ? NULL : trace_errno_name(errno),
			    "the client %s before its request was whole",
			    n == 0 ? "closed" : "failed");
			loop_pair_end(lp, p, n == 0 ? "closed" : "error",
			    RESET_NONE);
			return;
		}
		p->px->proto = psrv_name(ps);
		snprintf(p->px->user, sizeof(p->px->user), "%s", ps->user);
		if (r == PSRV_REFUSE) {
			refused(lp, p, _(ps->why));
			return;
		}
		if (answer(p) < 0) {
			report_note("#%lu %s: send: %s", p->id, p->peer,
			    i18n_errno_text(errno));
			loop_pair_end(lp, p, "error", RESET_PEER);
			return;
		}
		/*
		 * A short read emptied the socket: what the client sends
		 * next is an event of its own (epoll(7) on a stream), so no
		 * recv is spent to hear EAGAIN. Its FIN, though, if already
		 * told, is found by the next recv.
		 */
		if ((size_t)n < cap && !p->link[0].ending)
			p->link[0].readable = false;
		if (r == PSRV_CONNECT) {
			start(lp, p);
			return;
		}
		if (!p->link[0].readable)
			return;
	}
}

void
loop_proxy_begin(struct loop *lp, struct pair *p)
{
	const struct loop_proxy *proxy = lp->f->proxy;
	struct loop_proxy_pair *px = calloc(1, sizeof(*px));

	if (px == NULL || (px->ps = malloc(sizeof(*px->ps))) == NULL) {
		free(px);
		report_errno("malloc", _("keep a proxy client's request"),
		    errno);
		loop_pair_end(lp, p, "error", RESET_PEER);
		return;
	}
	psrv_init(px->ps, proxy->mode, proxy->nusers > 0, check_user,
	    (void *)proxy);
	px->proto = psrv_name(px->ps);
	p->px = px;
	read_request(lp, p);
}

void
loop_proxy_event(struct loop *lp, struct pair *p, int side)
{
	/* While the name is looked up, the client's news waits its turn. */
	if (p->state == PAIR_REQUEST && side == 0)
		read_request(lp, p);
}

int
loop_proxy_connected(struct loop *lp, struct pair *p)
{
	struct loop_proxy_pair *px = p->px;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const unsigned char *rest;
	size_t n;
	ssize_t sent = 0;

	/* SOCKS tells the client the address it connected from; HTTP not. */
	trace_tag = p->id;
	if (px->ps->proto == PSRV_HTTP ||
	    sys_getsockname(p->fd[1], (struct sockaddr *)&ss, &len) < 0)
		len = 0;
	trace_tag = 0;
	psrv_reply(px->ps, SOCKS5_SUCCEEDED, len > 0 ?
	    (struct sockaddr *)&ss : NULL, len);
	/*
	 * Bytes the client sent after its request (the start of a TLS
	 * handshake, often) were read with it: they go to the target first,
	 * into the empty buffer of a socket just connected.
	 */
	rest = psrv_rest(px->ps, &n);
	if (answer(p) < 0 || (n > 0 && (sent = sys_send(p->fd[1], rest, n,
	    MSG_NOSIGNAL)) != (ssize_t)n)) {
		report_note("#%lu %s: send: %s", p->id, sent < 0 ||
		    n == 0 ? p->peer : p->target, i18n_errno_text(sent >= 0 &&
		    n > 0 ? EAGAIN : errno));
		loop_pair_end(lp, p, "error", RESET_BOTH);
		return -1;
	}
	p->link[0].bytes += n;
	free(px->ps);
	px->ps = NULL;
	return 0;
}

void
loop_proxy_unreached(struct loop *lp, struct pair *p, const char *call,
    int err, bool timed_out)
{
	struct loop_proxy_pair *px = p->px;
	int code = timed_out ? SOCKS5_TTL_EXPIRED : psrv_code_for_errno(err);

	/* The log names the answer in the client's protocol: 502, not 0x05. */
	psrv_reply(px->ps, code, NULL, 0);
	if (timed_out)
		report_note("#%lu %s %s: no answer within %g s (-w): %s",
		    p->id, p->peer, px->line, lp->f->s->opts.timeout,
		    px->ps->reply);
	else
		report_note("#%lu %s %s: %s %s: %s: %s", p->id, p->peer,
		    px->line, call, p->target, i18n_errno_text(err),
		    px->ps->reply);
	if (timed_out)
		keep_reason(p, NULL, "no answer within %g s (-w)",
		    lp->f->s->opts.timeout);
	else
		keep_reason(p, trace_errno_name(err), "%s %s failed", call,
		    p->target);
	answer(p);
	loop_pair_end(lp, p, timed_out ? "timeout" : "unreached", RESET_NONE);
}

void
loop_proxy_expired(struct loop *lp, struct pair *p)
{
	report_note("#%lu %s sent no whole request within %g s (%s)", p->id,
	    p->peer, lp->f->handshake_wait, lp->f->s->opts.timeout >= 0 ?
	    "-w" : _("a server's default; -w sets another"));
	keep_reason(p, NULL, "no whole request within %g s",
	    lp->f->handshake_wait);
	loop_pair_end(lp, p, "timeout", RESET_NONE);
}

/* A name's lookup came back: dial its allowed addresses, or say why not. */
static void
resolved(struct loop *lp, struct pair *p, const struct sys_lookup *l)
{
	struct endpoint_addr cand[ENDPOINT_ADDRS_MAX];
	const struct addrinfo *ai;
	int n = 0;

	p->px->lookup = NULL;
	trace_tag = p->id;
	sys_lookup_trace(l);
	trace_tag = 0;
	if (l->rc != 0) {
		/* No address came: the target is the name asked for. */
		psrv_target_text(&p->px->ps->target, p->target,
		    sizeof(p->target));
		psrv_reply_unresolved(p->px->ps, trace_eai_name(l->rc));
		report_note("#%lu %s %s: %s: %s: %s", p->id, p->peer,
		    p->px->line, l->host, i18n_eai_text(l->rc),
		    p->px->ps->reply);
		keep_reason(p, trace_eai_name(l->rc), "the lookup of %s failed",
		    l->host);
		answer(p);
		loop_pair_end(lp, p, "unreached", RESET_NONE);
		return;
	}
	for (ai = l->result; ai != NULL && n < ENDPOINT_ADDRS_MAX;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(cand[n].sa))
			continue;
		memset(&cand[n], 0, sizeof(cand[n]));
		memcpy(&cand[n].sa, ai->ai_addr, ai->ai_addrlen);
		cand[n].len = ai->ai_addrlen;
		cand[n].family = ai->ai_family;
		cand[n].socktype = ai->ai_socktype;
		cand[n].protocol = ai->ai_protocol;
		n++;
	}
	dial_allowed(lp, p, cand, n);
}

void
loop_proxy_answers(struct loop *lp)
{
	struct sys_lookup *l = sys_lookup_answers(), *next;

	for (; l != NULL; l = next) {
		next = l->next;
		if (l->ctx != NULL)
			resolved(lp, l->ctx, l);
		sys_lookup_free(l);
	}
}

int
loop_proxy_watch(struct loop *lp)
{
	int fd = sys_lookup_start();

	if (fd < 0 || sys_epoll_ctl(lp->ep, EPOLL_CTL_ADD, fd, EPOLLIN,
	    &lp->lookup) < 0) {
		report_errno(fd < 0 ? "pthread_create" : "epoll_ctl",
		    _("start the proxy's name lookups"), errno);
		return -1;
	}
	return 0;
}

void
loop_proxy_free(struct pair *p)
{
	/* The answer still comes; with no one to take it, it is freed. */
	if (p->px->lookup != NULL)
		p->px->lookup->ctx = NULL;
	free(p->px->ps);
	free(p->px);
	p->px = NULL;
}
