/* loop_int.h: what loop.c and loop_flows.c share: the loop's state, its pairs' ends, datagram flows. */
#ifndef SOCKIT_LOOP_INT_H
#define SOCKIT_LOOP_INT_H

#include "compat.h"

#include <sys/socket.h>

#include "addr.h"
#include "arrival.h"
#include "loop.h"

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

struct loop {
	const struct loop_forward *f;
	int lfd;		/* f->lfd, or -1 once a signal closed it */
	int ep;
	struct end listener, wakeup;
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
};

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
