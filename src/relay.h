/* relay.h: the one data pump between stdio and a connected socket. */
#ifndef SOCKIT_RELAY_H
#define SOCKIT_RELAY_H

#include "compat.h"

#include <stdint.h>
#include <sys/socket.h>

#include "tls.h"

/* What happens when stdin reaches EOF; the order is --shutdown's choices. */
enum relay_shutdown {
	RELAY_SHUT_WR,		/* shutdown(SHUT_WR), read until the peer ends */
	RELAY_SHUT_RD,		/* shutdown(SHUT_RD), then end */
	RELAY_SHUT_RDWR,	/* shutdown(SHUT_RDWR), then end */
	RELAY_SHUT_NONE,	/* send nothing, read until the peer ends */
	RELAY_SHUT_CLOSE,	/* end at once: close() */
};

#define RELAY_SHUTDOWN_CHOICES "wr|rd|rdwr|none|close"

/* The most bytes one recv() of the relay takes. */
#define RELAY_CHUNK_MAX (64 * 1024)
/*
 * --bufsize: the most one read of stdin or recv of the socket takes, 1 to
 * RELAY_CHUNK_MAX; 0: RELAY_CHUNK_MAX. Splice and recvmmsg batches keep
 * their own sizes.
 */
extern size_t relay_bufsize;

enum relay_dir {
	RELAY_UP,	/* stdin -> socket */
	RELAY_DOWN,	/* socket -> stdout */
};

struct relay_stats {
	uint64_t bytes[2];	/* indexed by enum relay_dir */
	uint64_t messages[2];
	double seconds;
};

struct relay_hooks {
	/* Called with each chunk after it was sent, or as it was received. */
	void (*on_data)(void *ctx, enum relay_dir dir, const void *buf,
	    size_t len);
	/* Called about every tick_seconds while the relay runs. */
	void (*on_tick)(void *ctx, const struct relay_stats *stats);
	/*
	 * Called for each datagram longer than RELAY_CHUNK_MAX, with its
	 * real length and its sender (NULL: the connected peer's record).
	 * It is dropped whole: a part is never passed off as the datagram.
	 */
	void (*on_oversize)(void *ctx, size_t len, const struct sockaddr *sa,
	    socklen_t salen);
	/*
	 * When set, what reaches out_fd for each received chunk (an empty
	 * record included) is what this writes into out, at most cap bytes,
	 * instead of the chunk itself; it returns how many bytes it wrote.
	 */
	size_t (*on_frame)(void *ctx, const void *buf, size_t len,
	    unsigned char *out, size_t cap);
	size_t frame_cap;	/* room on_frame needs for RELAY_CHUNK_MAX */
	/*
	 * When set, stdin is read through this instead of read(2), for line
	 * editing: it returns what read(2) would, or -1 with errno EAGAIN
	 * while no whole line is ready.
	 */
	ssize_t (*read_input)(void *ctx, void *buf, size_t cap);
	/* When set, true while read_input has bytes stdin's poll won't show. */
	bool (*input_pending)(void *ctx);
	/*
	 * With any_sender: whether a datagram from sa is taken (NULL: all),
	 * and news of each sender that differs from the one before.
	 */
	bool (*admit)(void *ctx, const struct sockaddr *sa, socklen_t len);
	void (*on_sender)(void *ctx, const struct sockaddr *sa,
	    socklen_t len);
	/*
	 * With urgent: TCP's urgent byte arrived, read out of band
	 * (in_line false), or it is the byte the mark reached in the data
	 * (SO_OOBINLINE: in_line true; it goes to out_fd with the rest).
	 */
	void (*on_urgent)(void *ctx, unsigned char byte, bool in_line);
	/* Called around each write to out_fd, so a prompt can step aside. */
	void (*before_output)(void *ctx);
	void (*after_output)(void *ctx, const void *buf, size_t len);
	void *ctx;
	double tick_seconds;	/* 0: no ticks */
};

struct relay_config {
	int sock;		/* connected, non-blocking; a lane left
				   alone may make it blocking */
	int in_fd;		/* stdin, or -1 when there is nothing to send */
	const void *in_data;	/* not NULL: send these bytes, not in_fd's */
	size_t in_len;
	int out_fd;		/* stdout; -1: received data goes to hooks only */
	bool messages;		/* keep boundaries: dgram and seqpacket */
	bool eof_on_empty;	/* recv() of 0 is EOF (stream, seqpacket) */
	size_t max_message;	/* largest datagram to send from one read */
	enum relay_shutdown on_stdin_eof;
	bool stdin_is_tty;	/* a person types: the peer's EOF ends it all */
	bool crlf;		/* -C: LF becomes CRLF on the way up */
	double quit_after;	/* -q; < 0: unset */
	bool end_after_shutdown;	/* send without a reply: end once all
					   of stdin went and --shutdown ran */
	double idle_timeout;	/* -i; < 0: unset */
	double reply_timeout;	/* -w: wait for the peer's first byte */
	struct relay_hooks hooks;
	/*
	 * For pair. Descriptor 0 is stdin and never one of these, so 0 means
	 * none and a zeroed config keeps the plain one-socket pump.
	 */
	int recv_sock;		/* > 0: receive here, send on sock (both ends
				   of one socketpair) */
	int end_fd;		/* > 0: readable once the peer's process has
				   exited: take what it left queued and end;
				   a send it refuses then ends our sending */
	bool any_sender;	/* an unconnected datagram socket: take
				   datagrams from anyone (recvfrom) and send
				   stdin to the latest sender (sendto); stdin
				   waits until someone has sent */
	bool eof_datagram;	/* on stdin EOF a datagram socket sends an
				   empty datagram, which the peer's read(2)
				   returns as 0: end-of-file to most programs */
	/*
	 * Not NULL: sock carries this TLS session, and its bytes go through
	 * it. stdin's EOF sends close_notify where TLS 1.3 lets one
	 * direction end alone (--shutdown wr), nothing on TLS 1.2.
	 */
	struct tls *tls;
	/*
	 * --peek: each receive is made first with MSG_PEEK, which leaves the
	 * bytes queued, then again for real (datagrams one at a time); the
	 * zero-copy lanes, which cannot peek, stay off.
	 */
	bool peek;
	/* Added to each send on sock: MSG_OOB for send --oob. */
	int send_flags;
	/*
	 * TCP urgent data: poll() also asks POLLPRI, and the urgent byte is
	 * read with MSG_OOB, or with urgent_inline (SO_OOBINLINE is set)
	 * sockatmark() says when the next byte read is the one.
	 */
	bool urgent;
	bool urgent_inline;
	/*
	 * in_fd and out_fd are one socket to a program (listen --tls -e):
	 * once the peer has ended and all it sent is written, the end goes
	 * on as shutdown(SHUT_WR), EOF on the program's stdin; once the
	 * program reads no more (EPIPE), what the peer sends is dropped, and
	 * the relay ends when the program's output has.
	 */
	bool to_program;
};

enum relay_end {
	RELAY_DONE,		/* both directions finished */
	RELAY_TIMEOUT,		/* -i, -w or -q's stall expired */
	RELAY_SIGNAL,		/* a terminating signal arrived */
	RELAY_OUTPUT_CLOSED,	/* stdout's reader went away: a clean end */
	RELAY_ERROR,		/* failed_call and err say what */
};

struct relay_result {
	enum relay_end end;
	const char *failed_call;	/* "send", "recv", "read", "write",
					   "tls" (tls_last_error says) */
	const char *expired;		/* RELAY_TIMEOUT: "-i", "-w" or "-q" */
	double stalled;			/* "-q": how long the peer took
					   nothing of what was left */
	int err;
	bool unsent;			/* bytes to send were left behind:
					   stdin (or in_data) had not reached
					   its end, or the relay still held
					   some it had read */
	bool fin_sent;			/* stdin's end was passed on with
					   shutdown(SHUT_WR or SHUT_RDWR) */
	bool truncated;			/* TLS: the peer's end came without
					   close_notify */
	struct relay_stats stats;
};

/* Pumps until the session ends. Returns result->end. */
enum relay_end relay_run(const struct relay_config *cfg,
    struct relay_result *result);

/*
 * One direction of a forwarded pair: bytes from one socket to another, a
 * FIN passed on as shutdown(SHUT_WR). The forwarding loop says when an end
 * became ready (readable, writable: edge-triggered, so each stays true
 * until a call finds EAGAIN, or reads short from a stream) and calls
 * relay_link_step.
 */
struct pipe_pool;
struct relay_link {
	int from, to;		/* non-blocking sockets */
	struct tls *tls_from, *tls_to;	/* a TLS side: read, write through
					   tls.c, never spliced */
	bool splice;		/* a stream: through a pipe, zero-copy */
	int pipe[2];		/* -1 until the first bytes can come */
	struct pipe_pool *pool;	/* where pipe comes from and goes back to,
				   or NULL: made and closed */
	/* -x: sees each chunk taken from from; the link then never splices */
	void (*on_bytes)(void *ctx, const void *buf, size_t len);
	void *ctx;
	unsigned char *buf;	/* messages: the one in hand */
	size_t held, off, cap;
	bool readable, writable;
	bool ending;		/* from said EPOLLRDHUP, EPOLLHUP or EPOLLERR:
				   its end waits to be read */
	bool eof;		/* from has ended */
	bool done;		/* and its end was passed on */
	bool last;		/* the other link is done: when this one is,
				   its owner closes both ends at once */
	bool hold_fin;		/* from's end is not passed on (--shutdown
				   none): to ends the pair by closing */
	uint64_t bytes;		/* delivered to to */
	int broken_fd;		/* RELAY_STEP_BROKEN: the end that failed, */
	const char *failed_call;	/* in which call, */
	int err;		/* and why */
};

enum relay_step {
	RELAY_STEP_IDLE,	/* waits for an end to become ready */
	RELAY_STEP_MORE,	/* could go on: call again after the others */
	RELAY_STEP_DONE,	/* all delivered and the end passed on */
	RELAY_STEP_BROKEN,	/* an end failed (a reset, mostly) */
};

/* Sets up l from from to to; messages keeps boundaries (seqpacket). */
void relay_link_init(struct relay_link *l, int from, int to, bool messages);
/*
 * Moves what the ends' readiness allows, at most rounds times round.
 * Returns what the link waits for, or that it is done or broken.
 */
enum relay_step relay_link_step(struct relay_link *l, unsigned rounds);
/*
 * Gives the link's pipe back (kept by its pool when empty, else closed)
 * and frees its buffer; the sockets stay.
 */
void relay_link_free(struct relay_link *l);

/* Returns monotonic seconds, for deadlines and rates. */
double relay_now(void);
/*
 * Returns poll()'s timeout in milliseconds for a deadline in relay_now()
 * seconds (< 0: none, -1), rounded up and capped at an hour, so callers
 * loop until the deadline has really passed.
 */
int relay_poll_timeout(double deadline, double now);

#endif
