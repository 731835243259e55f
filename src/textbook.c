/* textbook.c: textbook mode: the small blocking loop beside the pump, with the calls of a course's C program. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include "sys.h"
#include "textbook.h"

static enum textbook_mode mode;

/* Where an unconnected datagram client sends: textbook_send_to. */
static struct sockaddr_storage client_to;
static socklen_t client_to_len;

int
textbook_set_mode(const char *spec)
{
	if (strcmp(spec, "") == 0 || strcmp(spec, "poll") == 0)
		mode = TEXTBOOK_POLL;
	else if (strcmp(spec, "select") == 0)
		mode = TEXTBOOK_SELECT;
	else
		return -1;
	sys_textbook = true;
	return 0;
}

bool
textbook_on(void)
{
	return mode != TEXTBOOK_OFF;
}

size_t
textbook_bufsize(void)
{
	return relay_bufsize > 0 ? relay_bufsize : TEXTBOOK_BUFSIZE;
}

int
textbook_set_timeout(int fd, int optname, double secs)
{
	struct timeval tv = { 0, 0 };

	/* { 0, 0 } means "no limit" to the kernel: -w 0 is the least. */
	if (secs >= 0) {
		/*
		 * Whole milliseconds: -q 2, measured from a clock, is 1.999999
		 * s left, and the slide should read {tv_sec=2, tv_usec=0}.
		 */
		long long ms = (long long)(secs * 1000.0 + 0.5);

		tv.tv_sec = (time_t)(ms / 1000);
		tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
		if (tv.tv_sec == 0 && tv.tv_usec == 0)
			tv.tv_usec = 1;
	}
	return sys_setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof(tv));
}

void
textbook_send_to(const struct sockaddr *sa, socklen_t len)
{
	if (len > sizeof(client_to))
		len = sizeof(client_to);
	memcpy(&client_to, sa, len);
	client_to_len = len;
}

const char *
textbook_send_call(void)
{
	return client_to_len > 0 ? "sendto" : "send";
}

ssize_t
textbook_send(int fd, const void *buf, size_t len, int flags)
{
	if (client_to_len > 0)
		return sys_sendto(fd, buf, len, flags,
		    (const struct sockaddr *)&client_to, client_to_len);
	return sys_send(fd, buf, len, flags);
}

/* The state of one run of the loop. */
struct loop {
	const struct relay_config *cfg;
	struct relay_result *res;
	unsigned char *buf;		/* the one user buffer */
	size_t cap;
	unsigned char *framed;		/* on_frame's output, frame_cap */
	bool in_open;			/* stdin has more to send */
	bool sock_open;			/* the peer may send more */
	bool replied;			/* -w is met: something came */
	double quit_at;			/* -q's end; < 0: none */
	double rcvtimeo;		/* what SO_RCVTIMEO holds; -1: none */
	const char *rcv_which;		/* the option that set it */
	bool unconnected;		/* sendto and recvfrom */
	bool ended;			/* stop has said how */
	struct sockaddr_storage to;	/* where sends go when unconnected */
	socklen_t to_len;
};

/* Ends the run: what ended it, and for an error, which call and errno. */
static enum relay_end
stop(struct loop *l, enum relay_end end, const char *call, int err)
{
	l->ended = true;
	l->res->end = end;
	l->res->failed_call = call;
	l->res->err = err;
	return end;
}

/* A failed call: a signal that interrupted it, or the call's error. */
static enum relay_end
failed(struct loop *l, const char *call)
{
	if (sys_signal_caught)
		return stop(l, RELAY_SIGNAL, NULL, EINTR);
	return stop(l, RELAY_ERROR, call, errno);
}

/*
 * How long the next wait for the peer may last, and which option says
 * so: -w until the first reply, -i for any quiet spell, -q once stdin has
 * ended. Returns seconds, or -1 for no limit.
 */
static double
wait_limit(const struct loop *l, const char **which)
{
	const struct relay_config *cfg = l->cfg;
	double limit = -1;

	*which = NULL;
	if (!l->replied && cfg->reply_timeout >= 0) {
		limit = cfg->reply_timeout;
		*which = "-w";
	}
	if (cfg->idle_timeout >= 0 && (limit < 0 ||
	    cfg->idle_timeout < limit)) {
		limit = cfg->idle_timeout;
		*which = "-i";
	}
	if (l->quit_at >= 0) {
		double left = l->quit_at - relay_now();

		if (left < 0)
			left = 0;
		if (limit < 0 || left < limit) {
			limit = left;
			*which = "-q";
		}
	}
	return limit;
}

/* A wait that ran out: -q's is the end it asked for, the others fail. */
static enum relay_end
expired(struct loop *l, const char *which)
{
	if (strcmp(which, "-q") == 0)
		return stop(l, RELAY_DONE, NULL, 0);
	l->res->expired = which;
	return stop(l, RELAY_TIMEOUT, NULL, ETIMEDOUT);
}

/* Writes all of buf to out_fd; EPIPE means the reader left. */
static enum relay_end
write_out(struct loop *l, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = sys_write(l->cfg->out_fd, buf, len);

		if (n < 0 && errno == EPIPE)
			return stop(l, RELAY_OUTPUT_CLOSED, NULL, 0);
		if (n < 0)
			return failed(l, "write");
		buf += n;
		len -= (size_t)n;
	}
	return RELAY_DONE;
}

/*
 * Sends buf: a stream may take part of it, so send again with the rest,
 * as every course's send loop does; a datagram goes whole, with sendto
 * when the socket is not connected.
 */
static enum relay_end
send_out(struct loop *l, const unsigned char *buf, size_t len)
{
	const struct relay_config *cfg = l->cfg;
	size_t left = len;

	do {
		ssize_t n = l->unconnected ? sys_sendto(cfg->sock, buf, left,
		    cfg->send_flags, (const struct sockaddr *)&l->to,
		    l->to_len) : sys_send(cfg->sock, buf, left,
		    cfg->send_flags);

		if (n < 0)
			return failed(l, l->unconnected ? "sendto" : "send");
		buf += n;
		left -= (size_t)n;
	} while (left > 0 && !cfg->messages);
	l->res->stats.bytes[RELAY_UP] += len;
	l->res->stats.messages[RELAY_UP]++;
	if (cfg->hooks.on_data != NULL)
		cfg->hooks.on_data(cfg->hooks.ctx, RELAY_UP, buf - len, len);
	return RELAY_DONE;
}

/*
 * stdin has ended: --shutdown's step, then -q's clock, or the end when
 * nothing is to be read after it (*over).
 */
static enum relay_end
stdin_ended(struct loop *l, bool *over)
{
	const struct relay_config *cfg = l->cfg;
	int how = -1;

	l->in_open = false;
	switch (cfg->on_stdin_eof) {
	case RELAY_SHUT_WR:
		how = SHUT_WR;
		break;
	case RELAY_SHUT_RD:
		how = SHUT_RD;
		*over = true;
		break;
	case RELAY_SHUT_RDWR:
		how = SHUT_RDWR;
		*over = true;
		break;
	case RELAY_SHUT_NONE:
		break;
	case RELAY_SHUT_CLOSE:
		*over = true;
		break;
	}
	/* A datagram socket has no stream to end: there is no FIN to send. */
	if (how >= 0 && !cfg->eof_on_empty)
		how = -1;
	if (how >= 0) {
		if (sys_shutdown(cfg->sock, how) < 0 && errno != ENOTCONN)
			return failed(l, "shutdown");
		l->res->fin_sent = how != SHUT_RD;
	}
	if (cfg->end_after_shutdown)
		*over = true;
	if (cfg->quit_after >= 0)
		l->quit_at = relay_now() + cfg->quit_after;
	return RELAY_DONE;
}

/* One read of stdin into the buffer, sent on. */
static enum relay_end
from_stdin(struct loop *l, bool *over)
{
	const struct relay_config *cfg = l->cfg;
	size_t chunk = l->cap;
	ssize_t n;

	if (cfg->messages && cfg->max_message < chunk)
		chunk = cfg->max_message;
	n = sys_read(cfg->in_fd, l->buf, chunk);
	if (n < 0)
		return failed(l, "read");
	if (n == 0)
		return stdin_ended(l, over);
	return send_out(l, l->buf, (size_t)n);
}

/* A datagram from a sender not heard before: remember it, say so. */
static void
new_sender(struct loop *l, const struct sockaddr_storage *from,
    socklen_t flen)
{
	const struct relay_config *cfg = l->cfg;

	if (flen == l->to_len && memcmp(from, &l->to, flen) == 0)
		return;
	memcpy(&l->to, from, flen);
	l->to_len = flen;
	if (cfg->hooks.on_sender != NULL)
		cfg->hooks.on_sender(cfg->hooks.ctx,
		    (const struct sockaddr *)from, flen);
}

/* One recv from the peer into the buffer, written to stdout. */
static enum relay_end
from_socket(struct loop *l, bool *over)
{
	const struct relay_config *cfg = l->cfg;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	/* A datagram's real length, to know one the buffer cut. */
	int flags = cfg->messages ? MSG_TRUNC : 0;
	const char *which;
	size_t len;
	ssize_t n = 0;

	/* --peek: the same bytes twice, first left in the queue. */
	if (cfg->peek)
		n = l->unconnected ? sys_recvfrom(cfg->sock, l->buf, l->cap,
		    flags | MSG_PEEK, (struct sockaddr *)&from, &flen) :
		    sys_recv(cfg->sock, l->buf, l->cap, flags | MSG_PEEK);
	if (!cfg->peek || n >= 0) {
		flen = sizeof(from);
		n = l->unconnected ? sys_recvfrom(cfg->sock, l->buf, l->cap,
		    flags, (struct sockaddr *)&from, &flen) :
		    sys_recv(cfg->sock, l->buf, l->cap, flags);
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		/* SO_RCVTIMEO ran out: the limit of the option that set it. */
		wait_limit(l, &which);
		return expired(l, which != NULL ? which : "-i");
	}
	if (n < 0)
		return failed(l, "recv");
	if (n == 0 && cfg->eof_on_empty) {
		l->sock_open = false;
		/* A person at a terminal is done once the peer is. */
		if (!l->in_open || cfg->stdin_is_tty)
			*over = true;
		return RELAY_DONE;
	}
	if (cfg->any_sender) {
		if (cfg->hooks.admit != NULL && !cfg->hooks.admit(
		    cfg->hooks.ctx, (struct sockaddr *)&from, flen))
			return RELAY_DONE;
		new_sender(l, &from, flen);
	}
	l->replied = true;
	len = (size_t)n;
	if (cfg->messages && len > l->cap) {
		/* Never a part passed off as the datagram: dropped, said. */
		if (cfg->hooks.on_oversize != NULL)
			cfg->hooks.on_oversize(cfg->hooks.ctx, len,
			    l->unconnected ? (struct sockaddr *)&from : NULL,
			    l->unconnected ? flen : 0);
		return RELAY_DONE;
	}
	l->res->stats.bytes[RELAY_DOWN] += len;
	l->res->stats.messages[RELAY_DOWN]++;
	if (cfg->hooks.on_data != NULL)
		cfg->hooks.on_data(cfg->hooks.ctx, RELAY_DOWN, l->buf, len);
	if (cfg->out_fd < 0)
		return RELAY_DONE;
	if (cfg->hooks.on_frame != NULL)
		return write_out(l, l->framed, cfg->hooks.on_frame(
		    cfg->hooks.ctx, l->buf, len, l->framed,
		    cfg->hooks.frame_cap));
	return write_out(l, l->buf, len);
}

/*
 * Sets SO_RCVTIMEO to the limit of the next blocking recv when another
 * option took over (-w until the first reply, then -i, then -q): the
 * course's way to bound a wait. -q's is set once, at stdin's end; its
 * end is checked again after each recv.
 */
static enum relay_end
bound_recv(struct loop *l)
{
	const char *which;
	double limit = wait_limit(l, &which);

	if (which != NULL && strcmp(which, "-q") == 0 &&
	    relay_now() >= l->quit_at)
		return expired(l, which);
	if (which == l->rcv_which && (which == NULL ||
	    strcmp(which, "-q") == 0 || limit == l->rcvtimeo))
		return RELAY_DONE;
	if (textbook_set_timeout(l->cfg->sock, SO_RCVTIMEO, limit) < 0)
		return failed(l, "setsockopt");
	l->rcvtimeo = limit;
	l->rcv_which = which;
	return RELAY_DONE;
}

/* Milliseconds for poll() of a limit in seconds (< 0: -1, none). */
static int
limit_ms(double limit)
{
	if (limit < 0)
		return -1;
	if (limit > 3600)
		return 3600 * 1000;
	return (int)(limit * 1000 + 0.999);
}

/*
 * Waits for stdin or the socket, whichever is ready first, with poll()
 * or select(). Sets *in and *sock. Returns RELAY_DONE to go on.
 */
static enum relay_end
wait_both(struct loop *l, bool *in, bool *sock)
{
	const struct relay_config *cfg = l->cfg;
	const char *which;
	double limit = wait_limit(l, &which);
	int rc;

	if (mode == TEXTBOOK_SELECT) {
		struct timeval tv, *tvp = NULL;
		fd_set readable;
		int top = cfg->in_fd > cfg->sock ? cfg->in_fd : cfg->sock;

		/*
		 * An fd_set has FD_SETSIZE bits: a higher one would write
		 * past it. Refused before the call; explain.c says why.
		 */
		if (top >= FD_SETSIZE)
			return stop(l, RELAY_ERROR, "select", EINVAL);
		FD_ZERO(&readable);
		FD_SET(cfg->in_fd, &readable);
		FD_SET(cfg->sock, &readable);
		if (limit >= 0) {
			tv.tv_sec = (time_t)limit;
			tv.tv_usec = (suseconds_t)((limit - (double)tv.tv_sec) *
			    1e6);
			tvp = &tv;
		}
		rc = sys_select(top + 1, &readable, NULL, tvp);
		*in = rc > 0 && FD_ISSET(cfg->in_fd, &readable);
		*sock = rc > 0 && FD_ISSET(cfg->sock, &readable);
	} else {
		struct pollfd pfd[2] = {
			{ cfg->in_fd, POLLIN, 0 },
			{ cfg->sock, POLLIN, 0 },
		};

		rc = sys_poll_lesson(pfd, 2, limit_ms(limit));
		*in = rc > 0 && pfd[0].revents != 0;
		*sock = rc > 0 && pfd[1].revents != 0;
	}
	if (rc < 0)
		return failed(l, mode == TEXTBOOK_SELECT ? "select" : "poll");
	if (rc == 0 && which != NULL)
		return expired(l, which);
	return RELAY_DONE;
}

/* Sends in_data, the bytes given instead of stdin, then ends stdin. */
static enum relay_end
send_given(struct loop *l, bool *over)
{
	const struct relay_config *cfg = l->cfg;
	send_out(l, cfg->in_data, cfg->in_len);
	if (l->ended)
		return l->res->end;
	return stdin_ended(l, over);
}

/* The loop: wait on both while both matter, else block on the one left. */
static void
run(struct loop *l)
{
	const struct relay_config *cfg = l->cfg;
	bool over = false;

	if (cfg->in_data != NULL)
		send_given(l, &over);
	while (!over && !l->ended) {
		/* stdin waits for a sender to answer, as the pump's does. */
		bool in = l->in_open && !(cfg->any_sender && l->to_len == 0);
		bool sock = l->sock_open;
		bool both = in && sock;

		if (!in && !sock)
			break;
		if (both)
			wait_both(l, &in, &sock);
		else if (sock)
			bound_recv(l);
		if (sock && !l->ended)
			from_socket(l, &over);
		if (in && !over && !l->ended)
			from_stdin(l, &over);
	}
}

enum relay_end
textbook_run(const struct relay_config *cfg, struct relay_result *result)
{
	struct loop l;
	double start = relay_now();

	memset(result, 0, sizeof(*result));
	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.res = result;
	l.cap = textbook_bufsize();
	l.quit_at = -1;
	l.rcvtimeo = -1;
	/* in_data counts as stdin until it has all gone. */
	l.in_open = cfg->in_fd >= 0 || cfg->in_data != NULL;
	l.sock_open = true;
	l.unconnected = cfg->any_sender || client_to_len > 0;
	if (client_to_len > 0 && !cfg->any_sender) {
		memcpy(&l.to, &client_to, client_to_len);
		l.to_len = client_to_len;
	}
	l.buf = malloc(l.cap);
	if (cfg->hooks.on_frame != NULL)
		l.framed = malloc(cfg->hooks.frame_cap);
	if (l.buf == NULL || (cfg->hooks.on_frame != NULL && l.framed == NULL))
		stop(&l, RELAY_ERROR, "malloc", ENOMEM);
	else
		run(&l);
	result->unsent = l.in_open;
	result->stats.seconds = relay_now() - start;
	free(l.buf);
	free(l.framed);
	return result->end;
}
