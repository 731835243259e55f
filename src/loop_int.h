/* loop_int.h: what loop.c and loop_flows.c share: the loop's state, its pairs' ends, datagram flows. */
#ifndef SOCKIT_LOOP_INT_H
#define SOCKIT_LOOP_INT_H

#include "compat.h"

#include <sys/socket.h>

#include "addr.h"
#include "arrival.h"
#include "loop.h"
#include "pipe_pool.h"
#include "relay.h"

/* Buckets of the table that finds a sender's flow. */
#define FLOW_BUCKETS 4096
/* The largest datagram forwarded whole. */
#define DATAGRAM_MAX 65536
/* Datagrams one wake-up of a socket takes before the others go on. */
#define DATAGRAMS_PER_WAKE 64

/* What epoll hands back for a descriptor: its pair and which side. */
struct pair;
struct flow;
struct end {
	struct pair *p;		/* NULL: the listener, a flow, the signal */
	struct flow *fl;	/* a datagram flow's socket to the target */
	int side;		/* 0: the accepted peer, 1: the target */
};

/*
 * -x: one direction of a pair or flow. marker is '>' from the accepted
 * peer (or sender) to the target, '<' back; offset counts that direction.
 */
struct loop_hex_dir {
	unsigned long id;
	char marker;
	const char *from, *to;
	uint64_t offset;
};

/*
 * A datagram sender's flow: its own socket connected to the target, so
 * the target's replies come back on it and go to this sender alone.
 */
struct flow {
	unsigned long id;
	int fd;
	bool dead;
	struct end end;
	struct sockaddr_storage peer;
	socklen_t plen;
	union arrival at;	/* where its datagrams came to: answers' source */
	enum arrival_kind at_kind;
	double start, last;	/* last: either way, for --flow-idle */
	uint64_t bytes[2];	/* to the target, back */
	unsigned long refused;	/* datagrams the target refused */
	struct loop_hex_dir hex[2];	/* the same two ways, for -x */
	struct flow *prev, *next;	/* quiet longest first */
	struct flow *hnext, *next_dead;
	char peer_text[ADDR_TEXT_MAX];
	char target[ADDR_TEXT_MAX];
};

/*
 * The sides loop_pair_end resets (SO_LINGER 0) instead of closing with a
 * FIN: a client cut off must be able to tell it from an end the target
 * chose.
 */
#define RESET_NONE 0u
#define RESET_PEER 1u
#define RESET_TARGET 2u
#define RESET_BOTH (RESET_PEER | RESET_TARGET)

enum pair_state {
	PAIR_CONNECTING,	/* the connect() to the target is under way */
	PAIR_HANDSHAKE,		/* connected; a TLS side's handshake is not */
	PAIR_OPEN,		/* bytes flow */
	PAIR_DEAD,		/* closed; freed once this round's events are */
	PAIR_REQUEST,		/* a proxy's: reading the client's request */
	PAIR_RESOLVING,		/* a proxy's: the name asked for is looked up */
	PAIR_UPSTREAM,		/* --proxy: connected to it, asking for the
				 * target */
};

struct loop_proxy_pair;
struct loop_upstream_pair;
struct pair {
	unsigned long id;	/* #N of -v and of the trace's tag */
	enum pair_state state;
	int fd[2];
	struct end end[2];
	struct relay_link link[2];	/* [0] peer to target, [1] back */
	struct tls *tls[2];	/* a TLS side's session, or NULL */
	struct loop_hex_dir hex[2];	/* -x: the links' two ways */
	bool shaking[2];	/* ... whose handshake is under way */
	const struct endpoint_addr *addrs;	/* the target's addresses */
	int naddrs;
	int addr;		/* the target address tried */
	double start, deadline;	/* the connect's (-w), the handshake's */
	bool ready;		/* on the ready list */
	struct pair *prev, *next;	/* every live pair */
	struct pair *conn_prev, *conn_next;	/* connecting, oldest first */
	struct pair *next_ready, *next_dead;
	struct loop_proxy_pair *px;	/* a proxy's pair: its request */
	struct loop_upstream_pair *up;	/* --proxy: its handshake, meanwhile */
	int up_host;		/* --proxy: which of its hosts is asked */
	char peer[ADDR_TEXT_MAX];
	char target[ADDR_TEXT_MAX];
};

struct loop {
	const struct loop_forward *f;
	int lfd;		/* f->lfd, or -1 once a signal closed it */
	int ep;
	struct end listener, wakeup;
	struct end lookup;	/* a proxy's resolver has answers */
	bool accepting;		/* the listener is in the epoll set */
	bool stopping;		/* a signal came: no more peers */
	double rest_until;	/* accepting rests until then; 0: not */
	double drain_until;
	double last_data;	/* for -i */
	unsigned long next_id;
	long count, limit;
	struct pair *all, *conn_head, *conn_tail, *ready, *dead;
	struct pair *hs_head, *hs_tail;	/* in TLS handshakes, oldest first */
	struct flow *quiet, *loud;	/* flows, quiet longest first */
	struct flow *dead_flows;
	struct flow **buckets;		/* FLOW_BUCKETS of them */
	unsigned char *buf;		/* one datagram in hand */
	struct pipe_pool pipes;		/* ended links' empty pipes */
};

/*
 * Ends p: both sockets closed (the sides in reset, a RESET_ mask, first
 * given SO_LINGER 0), the pair out of every list; why is -v's and
 * --json's word for it.
 */
void loop_pair_end(struct loop *lp, struct pair *p, const char *why,
    unsigned reset);
/* A non-blocking connect to p's target, from address p->addr on. */
void loop_pair_dial(struct loop *lp, struct pair *p);
/*
 * The target is connected (through --proxy: the tunnel is up, p in
 * PAIR_UPSTREAM): a TLS side's handshake starts, or the pair opens.
 */
void loop_pair_connect_done(struct loop *lp, struct pair *p);
/* Opens a connected pair: bytes flow both ways from now on. */
void loop_pair_open(struct loop *lp, struct pair *p);
/*
 * Puts p on, or takes it off, the list of its state's deadline: the
 * connecting pairs', or those in a handshake or request.
 */
void loop_conn_append(struct loop *lp, struct pair *p);
void loop_conn_unlink(struct loop *lp, struct pair *p);

/*
 * A proxy's pairs (loop_proxy.c). loop_proxy_begin starts reading p's
 * request; loop_proxy_event takes an event of a pair in PAIR_REQUEST or
 * PAIR_RESOLVING; loop_proxy_answers takes the resolver's answers.
 */
void loop_proxy_begin(struct loop *lp, struct pair *p);
/* Starts the resolver, its answers watched by lp. Returns 0, or -1. */
int loop_proxy_watch(struct loop *lp);
void loop_proxy_event(struct loop *lp, struct pair *p, int side);
void loop_proxy_answers(struct loop *lp);
/*
 * The target is connected: sends the client its success. Returns 0, or
 * -1 when the pair ended.
 */
int loop_proxy_connected(struct loop *lp, struct pair *p);
/*
 * The target was not reached (err in call; timed_out: -w ran out): the
 * client gets the answer that says why, and the pair ends.
 */
void loop_proxy_unreached(struct loop *lp, struct pair *p, const char *call,
    int err, bool timed_out);
/* A request that ran past its time ends its pair. */
void loop_proxy_expired(struct loop *lp, struct pair *p);
/* Frees a proxy pair's state (a lookup under way is given up). */
void loop_proxy_free(struct pair *p);
/* Returns "socks5 CONNECT example.org:443" for -v's lines. */
const char *loop_proxy_request(const struct pair *p);
/* Adds "protocol" and "request" to p's --json pair event. */
void loop_proxy_fields(struct strbuf *sb, const struct pair *p);

/*
 * --proxy's side (loop_upstream.c). loop_upstream_begin starts the
 * handshake on p's connection to the proxy; loop_upstream_event takes
 * an event of that connection; loop_upstream_unreached reports a proxy
 * not reached, or a handshake past -w, and ends p.
 */
void loop_upstream_begin(struct loop *lp, struct pair *p);
void loop_upstream_event(struct loop *lp, struct pair *p);
void loop_upstream_unreached(struct loop *lp, struct pair *p,
    const char *call, int err, bool timed_out);
/* Frees p's handshake state, the credentials in it wiped. */
void loop_upstream_free(struct pair *p);

/*
 * Datagrams from the senders, each to its flow's target (a new flow for
 * a new sender).
 */
void loop_take_datagrams(struct loop *lp);
/* The target's replies on fl's socket, each back to fl's sender. */
void loop_flow_replies(struct loop *lp, struct flow *fl);
/* Dumps a chunk that moved one way (ctx: its struct loop_hex_dir). */
void loop_hex(void *ctx, const void *buf, size_t len);
/* Sets up the two ways of pair or flow id, for -x. */
void loop_hex_init(struct loop_hex_dir d[2], unsigned long id,
    const char *peer, const char *target);
/* Ends the flows quiet for --flow-idle. */
void loop_expire_flows(struct loop *lp, double now);
/* Ends fl (why: "idle", "stopped", ...), reported on -v and --json. */
void loop_flow_end(struct loop *lp, struct flow *fl, const char *why);
/*
 * Writes sa, an address on ep's side of the forward, as addr_format does
 * but with ep's scheme where "unix:" would hide the kind: "unix-dgram:",
 * "unix-seqpacket:". Returns out.
 */
char *loop_addr_format(const struct endpoint *ep, const struct sockaddr *sa,
    socklen_t len, char *out, size_t cap);

#endif
