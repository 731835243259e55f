/* flows.c: listen -u -k -e: one unconnected socket, a program per sender, and the demultiplexer between them. */
#include "compat.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arrival.h"
#include "flows.h"
#include "i18n.h"
#include "json.h"
#include "report.h"
#include "sockit.h"
#include "sys.h"

/*
 * Why one socket and a demultiplexer, not a connected socket per sender:
 * a second socket bound to the same port and connected to the new sender
 * takes, between its bind() and its connect(), datagrams that any sender
 * sends to the port, and the kernel picks among the sockets by its own
 * rules. Reading every datagram on one socket and handing it on by its
 * sender's address has no such window: each program gets exactly its own
 * sender's datagrams, in order, and nobody else's.
 */

/* The largest record either way: a UDP payload fits, with room to spare. */
#define FLOW_RECORD_MAX 65536
/* Records one wake-up takes from a program's socket before poll(). */
#define FLOW_ROUNDS 64
/*
 * Datagrams one recvmmsg takes, and batches one wake-up: each slot has
 * room for the largest, and only what arrives is touched, so memory stays
 * within FLOW_BATCH * FLOW_RECORD_MAX (1 MiB) however fast they come.
 */
#define FLOW_BATCH 16
#define FLOW_BATCH_ROUNDS 4
/* After end-of-file, how long a program has before SIGTERM, then SIGKILL. */
#define FLOW_GRACE 1.0
/* A dropped sender is named again after this many seconds. */
#define FLOW_SAY_AGAIN 1.0

struct flow {
	struct sockaddr_storage peer;
	socklen_t plen;
	union arrival at;
	enum arrival_kind at_kind;
	int fd;			/* our end of the pair; -1 once closed */
	pid_t pid;		/* 0 once reaped */
	bool told_eof;		/* --flow-idle passed: our end is shut */
	int stops;		/* signals sent after the grace: 0, 1, 2 */
	double start, last, eof_at;
	uint64_t in, out, lost;	/* datagrams to the program, answers, drops */
	char text[ADDR_TEXT_MAX];
};

/* The slots of one recvmmsg on the server's socket. */
struct arrivals {
	struct mmsghdr msgs[FLOW_BATCH];
	struct iovec iov[FLOW_BATCH];
	struct sockaddr_storage from[FLOW_BATCH];
	union {
		struct cmsghdr align;
		unsigned char bytes[ARRIVAL_CONTROL_MAX];
	} control[FLOW_BATCH];
	unsigned char *slots;	/* FLOW_BATCH * FLOW_RECORD_MAX */
};

struct demux {
	struct session *s;
	const struct flows_config *fc;
	int sock;
	struct flow *rows;
	size_t count, cap;
	unsigned char *buf;	/* a program's answer */
	struct arrivals in;
	/* An answer the socket had no room for: sent before any other. */
	bool held;
	size_t held_len;
	size_t held_flow;
	char dropped[ADDR_TEXT_MAX];	/* the sender named last */
	double dropped_at;
	int local_port;
};

/* Asks for each datagram's destination. Returns 0, or -1 reported. */
static int
ask_arrival(struct demux *d)
{
	char what[ENDPOINT_TEXT_MAX + 64];

	if (arrival_ask(d->sock, d->fc->bound, d->s->opts.ipv6) == 0)
		return 0;
	snprintf(what, sizeof(what), _("ask for each datagram's destination "
	    "on %s"), d->fc->ep->text);
	report_errno("setsockopt", what, errno);
	return -1;
}

/* Finds the flow of a sender whose program still takes datagrams. */
static struct flow *
find_flow(struct demux *d, const struct sockaddr *sa, socklen_t len)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		struct flow *f = &d->rows[i];

		if (f->fd >= 0 && !f->told_eof && addr_equal(sa, len,
		    (const struct sockaddr *)&f->peer, f->plen))
			return f;
	}
	return NULL;
}

static size_t
running(const struct demux *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->count; i++)
		n += d->rows[i].pid != 0;
	return n;
}

/* Says once a second at most, per sender, why its datagram was dropped. */
static void
dropped(struct demux *d, const char *text, const char *why)
{
	double now = relay_now();
	char storage[512];
	struct strbuf sb;

	if (strcmp(d->dropped, text) == 0 && now - d->dropped_at <
	    FLOW_SAY_AGAIN)
		return;
	snprintf(d->dropped, sizeof(d->dropped), "%s", text);
	d->dropped_at = now;
	if (d->s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "dropped");
		json_field_str(&sb, "remote", text);
		json_field_str(&sb, "reason", why);
		report_event_end(&sb);
	} else {
		report_warning("dropped a datagram from %s: %s", text, why);
	}
}

/*
 * The address a sender's datagrams came to, as a sockaddr with our port:
 * from IP_PKTINFO when the kernel told it, else the bound address.
 */
static void
arrival_addr(const struct demux *d, const struct flow *f,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (f->at_kind == ARRIVAL_V4 && d->fc->bound->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = f->at.v4.ipi_spec_dst;
		sin->sin_port = htons((unsigned short)d->local_port);
		*len = sizeof(*sin);
	} else if (f->at_kind == ARRIVAL_V6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = f->at.v6.ipi6_addr;
		sin6->sin6_port = htons((unsigned short)d->local_port);
		*len = sizeof(*sin6);
	} else {
		memcpy(ss, &d->fc->bound->sa, d->fc->bound->len);
		*len = d->fc->bound->len;
		if (sin->sin_family == AF_INET)
			sin->sin_port = htons((unsigned short)d->local_port);
		else if (sin6->sin6_family == AF_INET6)
			sin6->sin6_port = htons((unsigned short)d->local_port);
	}
}

/* The environment of a sender's program: its address and where it wrote. */
static void
flow_env(const struct demux *d, const struct flow *f, struct spawn_env *env)
{
	struct sockaddr_storage local;
	socklen_t llen;
	char host[ADDR_TEXT_MAX], port[16];
	struct strbuf sb;

	memset(env, 0, sizeof(*env));
	strbuf_init(&sb, host, sizeof(host));
	addr_host(&sb, (const struct sockaddr *)&f->peer, f->plen);
	snprintf(port, sizeof(port), "%d", addr_port((const struct sockaddr *)
	    &f->peer, f->plen));
	spawn_env_add(env, "SOCKIT_PEER_ADDR", host);
	spawn_env_add(env, "SOCKIT_PEER_PORT", port);
	arrival_addr(d, f, &local, &llen);
	strbuf_init(&sb, host, sizeof(host));
	addr_host(&sb, (const struct sockaddr *)&local, llen);
	snprintf(port, sizeof(port), "%d", d->local_port);
	spawn_env_add(env, "SOCKIT_LOCAL_ADDR", host);
	spawn_env_add(env, "SOCKIT_LOCAL_PORT", port);
}

static void
flow_started(struct demux *d, const struct flow *f)
{
	struct sockaddr_storage local;
	socklen_t llen;
	char storage[1024], text[ADDR_TEXT_MAX];
	struct strbuf sb;

	arrival_addr(d, f, &local, &llen);
	addr_format_kind((const struct sockaddr *)&local, llen, d->s->socktype,
	    text, sizeof(text));
	if (d->s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "accepted");
		json_field_str(&sb, "local", text);
		json_field_str(&sb, "remote", f->text);
		report_event_end(&sb);
	} else {
		report_note("datagrams from %s to %s", f->text, text);
	}
	spawn_event_started(d->fc->cmd);
}

/*
 * Starts the program for a new sender on a socket pair: SOCK_SEQPACKET
 * keeps each datagram one record, as a datagram socket would, and unlike
 * one it gives the program end-of-file when we shut our end. Returns the
 * flow, or NULL after reporting.
 */
static struct flow *
start_flow(struct demux *d, const struct sockaddr_storage *peer,
    socklen_t plen, const union arrival *at, enum arrival_kind kind,
    const char *text)
{
	struct spawn_env env;
	struct flow *f;
	int pair[2];

	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct flow *rows = realloc(d->rows, cap * sizeof(*rows));

		if (rows == NULL) {
			report_errno("malloc", _("remember a sender"), ENOMEM);
			return NULL;
		}
		d->rows = rows;
		d->cap = cap;
	}
	if (sys_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) < 0) {
		char what[ADDR_TEXT_MAX + 48];

		snprintf(what, sizeof(what), _("make a socket pair for %s"),
		    text);
		report_errno("socketpair", what, errno);
		return NULL;
	}
	f = &d->rows[d->count];
	memset(f, 0, sizeof(*f));
	memcpy(&f->peer, peer, plen);
	f->plen = plen;
	f->at = *at;
	f->at_kind = kind;
	f->fd = pair[0];
	f->start = f->last = relay_now();
	snprintf(f->text, sizeof(f->text), "%s", text);
	flow_env(d, f, &env);
	if (sys_set_nonblocking(pair[0]) < 0) {
		report_errno("fcntl", _("make a socket pair non-blocking"),
		    errno);
		sys_close(pair[0]);
		sys_close(pair[1]);
		return NULL;
	}
	if (spawn_start(d->fc->cmd, pair[1], pair[1],
	    d->s->opts.join_stderr ? pair[1] : -1, d->sock, &env) < 0) {
		sys_close(pair[0]);
		sys_close(pair[1]);
		return NULL;
	}
	sys_close(pair[1]);
	f->pid = d->fc->cmd->pid;
	d->count++;
	flow_started(d, f);
	return f;
}

/*
 * Hands one datagram to its sender's program, starting one for a new
 * sender when --allow and --max-conns let it.
 */
static void
deliver(struct demux *d, struct msghdr *msg, const unsigned char *buf,
    size_t len)
{
	const struct sockaddr *sa = msg->msg_name;
	char text[ADDR_TEXT_MAX];
	union arrival at;
	enum arrival_kind kind;
	struct flow *f;

	addr_format_kind(sa, msg->msg_namelen, d->s->socktype, text,
	    sizeof(text));
	if (msg->msg_flags & MSG_TRUNC) {
		report_warning("a datagram from %s was longer than %d bytes: "
		    "dropped rather than cut (MSG_TRUNC)", text,
		    FLOW_RECORD_MAX);
		return;
	}
	f = find_flow(d, sa, msg->msg_namelen);
	if (f == NULL) {
		char reason[96];

		/* A unix sender that never bound a name cannot be answered. */
		if (msg->msg_namelen <= sizeof(sa_family_t)) {
			dropped(d, text,
			    _("an unnamed socket cannot be answered"));
			return;
		}
		if (!serve_admit(d->s, d->fc->acl, sa, msg->msg_namelen,
		    text))
			return;
		if (d->fc->max_conns > 0 &&
		    running(d) >= (size_t)d->fc->max_conns) {
			snprintf(reason, sizeof(reason),
			    P_("%ld program run already (--max-conns)",
			    "%ld programs run already (--max-conns)",
			    (unsigned long)d->fc->max_conns),
			    d->fc->max_conns);
			dropped(d, text, reason);
			return;
		}
		arrival_note(msg, d->fc->bound->family, &at, &kind);
		f = start_flow(d, msg->msg_name, msg->msg_namelen, &at, kind,
		    text);
		if (f == NULL)
			return;
	}
	f->last = relay_now();
	/*
	 * A program that reads too slowly loses datagrams, as it would on
	 * a socket of its own whose buffer is full: never a wait for all.
	 */
	if (sys_send(f->fd, buf, len, MSG_DONTWAIT) < 0)
		f->lost++;
	else
		f->in++;
}

/*
 * Reads the datagrams that wait on the socket, a batch per recvmmsg.
 * Returns 0, or -1 reported.
 */
static int
take_datagrams(struct demux *d)
{
	struct arrivals *a = &d->in;
	char what[ENDPOINT_TEXT_MAX + 32];
	int round, i, n;

	for (round = 0; round < FLOW_BATCH_ROUNDS; round++) {
		for (i = 0; i < FLOW_BATCH; i++) {
			struct msghdr *h = &a->msgs[i].msg_hdr;

			a->iov[i].iov_base = a->slots +
			    (size_t)i * FLOW_RECORD_MAX;
			a->iov[i].iov_len = FLOW_RECORD_MAX;
			memset(&a->msgs[i], 0, sizeof(a->msgs[i]));
			h->msg_name = &a->from[i];
			h->msg_namelen = sizeof(a->from[i]);
			h->msg_iov = &a->iov[i];
			h->msg_iovlen = 1;
			h->msg_control = a->control[i].bytes;
			h->msg_controllen = sizeof(a->control[i].bytes);
		}
		n = sys_recvmmsg(d->sock, a->msgs, FLOW_BATCH, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			/* An ICMP error for an earlier answer: not ours. */
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				continue;
			snprintf(what, sizeof(what),
			    _("receive datagrams on %s"),
			    d->fc->ep->text);
			report_errno("recvmmsg", what, errno);
			return -1;
		}
		for (i = 0; i < n; i++)
			deliver(d, &a->msgs[i].msg_hdr, a->iov[i].iov_base,
			    a->msgs[i].msg_len);
		if (n < FLOW_BATCH)
			return 0;
	}
	return 0;
}

/*
 * Sends the flow's answer of len bytes in buf to its sender, from the
 * address its datagrams came to. Returns 1 when sent or given up, 0 when
 * the socket is full (the answer stays in buf, held).
 */
static int
answer(struct demux *d, size_t idx, size_t len)
{
	struct flow *f = &d->rows[idx];
	union arrival_control control;
	struct iovec iov = { d->buf, len };
	struct msghdr msg;
	char what[ADDR_TEXT_MAX + 16];

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &f->peer;
	msg.msg_namelen = f->plen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	arrival_source(&msg, &control, &f->at, f->at_kind);
	if (sys_sendmsg(d->sock, &msg, MSG_DONTWAIT) >= 0) {
		f->out++;
		f->last = relay_now();
		return 1;
	}
	if (errno == EAGAIN || errno == ENOBUFS)
		return 0;
	snprintf(what, sizeof(what), _("send to %s"), f->text);
	report_errno("sendmsg", what, errno);
	return 1;
}

/* Reads a program's answers and sends them on, until none wait. */
static void
take_answers(struct demux *d, size_t idx, short revents)
{
	int round;

	for (round = 0; round < FLOW_ROUNDS && !d->held; round++) {
		struct flow *f = &d->rows[idx];
		ssize_t n = sys_recv(f->fd, d->buf, FLOW_RECORD_MAX,
		    MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return;
		/* The program closed its end, or ended: no more answers. */
		if (n < 0 || (n == 0 && (revents & (POLLHUP | POLLRDHUP)))) {
			sys_close(f->fd);
			f->fd = -1;
			return;
		}
		if (answer(d, idx, (size_t)n) == 0) {
			d->held = true;
			d->held_len = (size_t)n;
			d->held_flow = idx;
		}
	}
}

static void
flow_closed(struct demux *d, const struct flow *f, int status)
{
	char storage[1024];
	struct strbuf sb;
	double seconds = relay_now() - f->start;

	if (d->s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "closed");
		json_field_str(&sb, "remote", f->text);
		json_field_u64(&sb, "pid", (uint64_t)f->pid);
		json_field_u64(&sb, "status", (uint64_t)status);
		json_field_u64(&sb, "received", f->in);
		json_field_u64(&sb, "sent", f->out);
		json_field_u64(&sb, "lost", f->lost);
		json_field_num(&sb, "seconds", seconds);
		report_event_end(&sb);
		return;
	}
	report_note(P_("closed %s: %llu datagram in, %llu out in %.3f s",
	    "closed %s: %llu datagrams in, %llu out in %.3f s", f->in),
	    f->text, (unsigned long long)f->in, (unsigned long long)f->out,
	    seconds);
	if (f->lost > 0)
		report_warning(P_("%llu datagram from %s were dropped: its "
		    "program read them too slowly", "%llu datagrams from %s "
		    "were dropped: its program read them too slowly", f->lost),
		    (unsigned long long)f->lost, f->text);
}

/* Reaps ended programs and forgets flows with nothing left to carry. */
static void
reap_flows(struct demux *d)
{
	int status, signo;
	pid_t pid;
	size_t i;

	while ((pid = spawn_reap(&status, &signo)) > 0) {
		spawn_event_exited(pid, status, signo);
		for (i = 0; i < d->count; i++) {
			if (d->rows[i].pid != pid)
				continue;
			flow_closed(d, &d->rows[i], status);
			d->rows[i].pid = 0;
		}
	}
	for (i = 0; i < d->count; ) {
		if (d->rows[i].pid == 0 && d->rows[i].fd < 0 &&
		    !(d->held && d->held_flow == i)) {
			if (d->held && d->held_flow == d->count - 1)
				d->held_flow = i;
			d->rows[i] = d->rows[--d->count];
		} else {
			i++;
		}
	}
}

/*
 * --flow-idle: a program whose sender was quiet that long gets
 * end-of-file; one that has not ended FLOW_GRACE later gets SIGTERM, and
 * after another, SIGKILL. Returns the next deadline (-1: none).
 */
static double
idle_flows(struct demux *d, double now)
{
	double next = -1, due;
	size_t i;

	for (i = 0; i < d->count; i++) {
		struct flow *f = &d->rows[i];

		if (!f->told_eof) {
			due = f->last + d->fc->idle;
			if (now >= due && f->fd >= 0) {
				report_note("no datagram from %s for %g s "
				    "(--flow-idle): its program gets "
				    "end-of-file", f->text, d->fc->idle);
				sys_shutdown(f->fd, SHUT_WR);
				f->told_eof = true;
				f->eof_at = now;
			} else if (f->fd >= 0) {
				if (next < 0 || due < next)
					next = due;
				continue;
			} else {
				f->told_eof = true;
				f->eof_at = now;
			}
		}
		if (f->pid == 0 || f->stops >= 2)
			continue;
		due = f->eof_at + FLOW_GRACE * (f->stops + 1);
		if (now >= due) {
			spawn_stop(f->pid, f->stops == 0 ? SIGTERM : SIGKILL);
			f->stops++;
			due += FLOW_GRACE;
		}
		if (next < 0 || due < next)
			next = due;
	}
	return next;
}

/* Ends every program: the signal we got, or SIGTERM; SIGKILL after. */
static void
end_flows(struct demux *d, int wake_fd)
{
	int sig = sys_signal_caught ? (int)sys_signal_caught : SIGTERM;
	int round;
	size_t i;

	for (round = 0; round < 2 && running(d) > 0; round++) {
		double deadline = relay_now() + FLOW_GRACE;

		for (i = 0; i < d->count; i++)
			if (d->rows[i].pid != 0)
				spawn_stop(d->rows[i].pid, round ? SIGKILL :
				    sig);
		while (running(d) > 0 && relay_now() < deadline) {
			struct pollfd pfd = { wake_fd, POLLIN, 0 };

			if (sys_poll(&pfd, 1, relay_poll_timeout(deadline,
			    relay_now())) > 0)
				spawn_drain();
			reap_flows(d);
		}
	}
	for (i = 0; i < d->count; i++)
		if (d->rows[i].fd >= 0)
			sys_close(d->rows[i].fd);
}

static int
local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (sys_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return addr_port((struct sockaddr *)&ss, len);
}

/* The slots of the poll() set before the flows' own. */
enum {
	SLOT_SOCK,
	SLOT_WAKE,
	SLOT_SIGNAL,
	SLOT_FLOWS,
};

int
flows_serve(struct session *s, int fd, const struct flows_config *fc)
{
	struct demux d;
	struct pollfd *pfd = NULL;
	size_t pcap = 0, i, polled;
	double last_flow = relay_now();
	int wake_fd = spawn_watch(), status = EXIT_OK;

	if (wake_fd < 0)
		return EXIT_FAIL;
	memset(&d, 0, sizeof(d));
	d.s = s;
	d.fc = fc;
	d.sock = fd;
	d.local_port = local_port(fd);
	d.buf = malloc(FLOW_RECORD_MAX);
	d.in.slots = malloc((size_t)FLOW_BATCH * FLOW_RECORD_MAX);
	if (d.buf == NULL || d.in.slots == NULL) {
		free(d.in.slots);
		report_errno("malloc", _("allocate the datagram buffer"),
		    errno);
		return EXIT_FAIL;
	}
	if (ask_arrival(&d) < 0) {
		free(d.in.slots);
		free(d.buf);
		return EXIT_FAIL;
	}
	for (;;) {
		double now, next, deadline = -1;
		int rc;

		reap_flows(&d);
		if (sys_signal_caught)
			break;
		now = relay_now();
		if (d.count > 0)
			last_flow = now;
		/* -w: give up when no sender came for SECS and none is served. */
		if (s->opts.timeout >= 0 && d.count == 0)
			deadline = last_flow + s->opts.timeout;
		next = idle_flows(&d, now);
		if (deadline >= 0 && (next < 0 || deadline < next))
			next = deadline;
		if (pcap < d.count + SLOT_FLOWS) {
			struct pollfd *p;

			pcap = (d.count + SLOT_FLOWS) * 2;
			p = realloc(pfd, pcap * sizeof(*p));
			if (p == NULL) {
				report_errno("malloc", _("watch the senders"),
				    ENOMEM);
				status = EXIT_FAIL;
				break;
			}
			pfd = p;
		}
		memset(pfd, 0, (d.count + SLOT_FLOWS) * sizeof(*pfd));
		pfd[SLOT_SOCK].fd = fd;
		pfd[SLOT_SOCK].events = POLLIN | (d.held ? POLLOUT : 0);
		pfd[SLOT_WAKE].fd = wake_fd;
		pfd[SLOT_WAKE].events = POLLIN;
		pfd[SLOT_SIGNAL].fd = sys_signal_wakeup_fd;
		pfd[SLOT_SIGNAL].events = POLLIN;
		/* While an answer waits for room, the programs' answers wait. */
		for (i = 0; i < d.count; i++) {
			pfd[SLOT_FLOWS + i].fd = d.held ? -1 : d.rows[i].fd;
			pfd[SLOT_FLOWS + i].events = POLLIN | POLLRDHUP;
		}
		polled = d.count;
		rc = sys_poll(pfd, (nfds_t)(polled + SLOT_FLOWS),
		    relay_poll_timeout(next, now));
		if (rc < 0 && errno != EINTR) {
			report_errno("poll", _("wait for datagrams"), errno);
			status = EXIT_FAIL;
			break;
		}
		if (rc <= 0) {
			if (deadline >= 0 && relay_now() >= deadline) {
				report_error("no datagram on %s within %g s "
				    "(-w)", fc->ep->text, s->opts.timeout);
				status = EXIT_TIMEOUT;
				break;
			}
			continue;
		}
		if (pfd[SLOT_SIGNAL].revents)
			break;
		if (pfd[SLOT_WAKE].revents)
			spawn_drain();
		if (d.held && (pfd[SLOT_SOCK].revents & (POLLOUT | POLLERR))) {
			/* The held answer is still in d.buf: nothing overwrote it. */
			if (answer(&d, d.held_flow, d.held_len) != 0)
				d.held = false;
		}
		/* Answers first: the held one must go before any other. */
		for (i = 0; i < polled && !d.held; i++)
			if (pfd[SLOT_FLOWS + i].revents)
				take_answers(&d, i, pfd[SLOT_FLOWS + i].revents);
		if ((pfd[SLOT_SOCK].revents & (POLLIN | POLLERR)) &&
		    take_datagrams(&d) < 0) {
			status = EXIT_FAIL;
			break;
		}
	}
	end_flows(&d, wake_fd);
	free(d.rows);
	free(pfd);
	free(d.in.slots);
	free(d.buf);
	return sys_signal_caught ? serve_stop_status() : status;
}
