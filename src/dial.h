/* dial.h: the active open that connect and send share. */
#ifndef SOCKIT_DIAL_H
#define SOCKIT_DIAL_H

#include "compat.h"

#include "endpoint.h"
#include "session.h"

/* What dial_open found: the connected socket, or the last failure. */
struct dial_result {
	int fd;
	struct endpoint_addr addr;	/* the address that answered */
	int last_err;
	const char *last_call;		/* the call that gave last_err */
	struct endpoint_addr last_addr;	/* the address that failed last */
	bool timed_out;
	bool fatal;			/* reported already: no retry helps */
	bool quiet;			/* -z: a failure is a result, not news */
};

/*
 * Resolves ep for connect, retrying until deadline (relay_now() seconds;
 * < 0: once) while the name does not resolve yet. Returns the count, or
 * -1 after reporting.
 */
int dial_resolve(const struct endpoint *ep, double deadline,
    struct endpoint_addr *addrs, size_t max);
/* Sleeps up to secs (<= 0: not at all), waking early for a signal. */
void dial_pause(double secs);
/*
 * Connects to ep: socket, -o options, -s source, a non-blocking connect
 * bounded by -w, each address in turn, every round again until wait
 * seconds pass (< 0: one round). Given addresses (ngiven >= 0) are used as
 * they are, otherwise ep is resolved each round. Returns EXIT_OK with
 * t->fd connected and non-blocking, or the exit status after reporting;
 * with quiet, a failed connect is left in t->last_err unreported.
 */
int dial_open(struct session *s, const struct endpoint *ep,
    const struct endpoint_addr *given, int ngiven, double wait, bool quiet,
    struct dial_result *t);

#endif
