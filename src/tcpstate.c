/* tcpstate.c: --tcp-state's lines after the calls, and --queue's notes. */
#include "compat.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "report.h"
#include "strbuf.h"
#include "sys.h"
#include "tcpdiag.h"
#include "tcpstate.h"
#include "trace.h"

/*
 * The connections being watched: the state last shown for each, and its
 * two addresses, kept while the descriptor lives, because after close()
 * (and in TIME_WAIT, which belongs to no descriptor) only they can find
 * the connection in the kernel's tables.
 */
#define WATCH_SLOTS 64

static struct watched {
	bool used;
	int fd;
	int shown;		/* the state last shown; 0: none yet */
	bool have_ends;
	struct sockaddr_storage local, remote;
} slots[WATCH_SLOTS];

static struct watched *
find(int fd)
{
	size_t i;

	for (i = 0; i < WATCH_SLOTS; i++)
		if (slots[i].used && slots[i].fd == fd)
			return &slots[i];
	return NULL;
}

static struct watched *
take(int fd)
{
	size_t i;

	for (i = 0; i < WATCH_SLOTS; i++)
		if (!slots[i].used) {
			memset(&slots[i], 0, sizeof(slots[i]));
			slots[i].used = true;
			slots[i].fd = fd;
			return &slots[i];
		}
	return NULL;
}

/* Keeps the connection's addresses, once it has a peer to be known by. */
static void
remember_ends(struct watched *w)
{
	if (w->have_ends)
		return;
	if (sys_tcp_ends(w->fd, &w->local, &w->remote) < 0)
		return;
	w->have_ends = (w->local.ss_family == AF_INET ||
	    w->local.ss_family == AF_INET6) &&
	    w->local.ss_family == w->remote.ss_family;
}

/*
 * Asks sock_diag for the state of the connection with w's addresses, as
 * ss(8) does. Returns the state, TCPDIAG_CLOSE when the kernel knows no
 * such connection any more, or -1 when it could not be asked.
 */
static int
looked_up(const struct watched *w)
{
	struct tcpdiag_request req;
	unsigned char reply[1024];
	ssize_t n;
	int state = -1, err;

	if (tcpdiag_request(&req, (const struct sockaddr *)&w->local,
	    (const struct sockaddr *)&w->remote) < 0)
		return -1;
	n = sys_sock_diag(&req, sizeof(req), reply, sizeof(reply));
	if (n < 0)
		return -1;
	switch (tcpdiag_parse(&req, reply, (size_t)n, &state, &err)) {
	case TCPDIAG_FOUND:
		return state;
	case TCPDIAG_GONE:
		return TCPDIAG_CLOSE;
	case TCPDIAG_FAILED:
		break;
	}
	return -1;
}

static void
show(struct watched *w, int state)
{
	char line[128];
	struct strbuf sb;

	if (state <= 0 || state == w->shown)
		return;
	w->shown = state;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "    tcp state: ");
	trace_name(&sb, tcpdiag_state_name(state), state);
	trace_emit(&sb);
}

/* Whether a socket in state has a peer whose address can be asked. */
static bool
has_peer(int state)
{
	return state != TCPDIAG_LISTEN && state != TCPDIAG_CLOSE &&
	    state != TCPDIAG_SYN_SENT;
}

static void
after_call(int fd)
{
	struct sys_tcp_look look;
	struct watched *w;
	int state;

	if (sys_tcp_look(fd, &look) < 0)
		return;
	w = find(fd);
	if (w == NULL && (w = take(fd)) == NULL)
		return;
	state = look.state;
	if (has_peer(state))
		remember_ends(w);
	/*
	 * A socket whose FIN_WAIT2 ends in the peer's FIN is CLOSE to its
	 * descriptor, while the connection waits on in TIME_WAIT without it.
	 */
	if (state == TCPDIAG_CLOSE && w->have_ends) {
		int later = looked_up(w);

		if (later > 0)
			state = later;
	}
	show(w, state);
}

static void
state_hook(int fd, enum sys_state_point point)
{
	struct watched *w;

	switch (point) {
	case SYS_STATE_AFTER:
		after_call(fd);
		break;
	case SYS_STATE_CLOSING:
		w = find(fd);
		if (w != NULL && has_peer(w->shown))
			remember_ends(w);
		break;
	case SYS_STATE_CLOSED:
		w = find(fd);
		if (w == NULL)
			break;
		/* A listener or a connection never made: nothing remains. */
		show(w, w->have_ends ? looked_up(w) : TCPDIAG_CLOSE);
		w->used = false;
		break;
	}
}

void
tcpstate_start(void)
{
	sys_state_hook = state_hook;
}

void
tcpstate_queue_init(struct tcpstate_queue *q, int listen_fd)
{
	q->fd = listen_fd;
	q->queued = -1;
	q->backlog = -1;
	q->failed = false;
}

void
tcpstate_queue_check(struct tcpstate_queue *q)
{
	struct sys_tcp_look look;

	if (q->failed)
		return;
	if (sys_tcp_look(q->fd, &look) < 0 || look.state != TCPDIAG_LISTEN) {
		report_note("accept queue: not shown: only a TCP listener "
		    "tells its queue");
		q->failed = true;
		return;
	}
	if ((long)look.queued == q->queued && (long)look.backlog == q->backlog)
		return;
	q->queued = look.queued;
	q->backlog = look.backlog;
	report_note("accept queue %u/%u", look.queued, look.backlog);
}
