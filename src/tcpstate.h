/* tcpstate.h: --tcp-state, the state a call left behind, and --queue. */
#ifndef SOCKIT_TCPSTATE_H
#define SOCKIT_TCPSTATE_H

#include "compat.h"

/*
 * Turns --tcp-state on: from now on, after each traced call that may move
 * a TCP connection to another state, a line "    tcp state: NAME" follows
 * the call's line when the state is not the one last shown for it.
 */
void tcpstate_start(void);

/* --queue: the accept queue of one listening TCP socket, as last told. */
struct tcpstate_queue {
	int fd;
	long queued;		/* -1: not told yet */
	long backlog;
	bool failed;		/* the look failed and that was said */
};

void tcpstate_queue_init(struct tcpstate_queue *q, int listen_fd);
/*
 * Reads the listener's accept queue and its backlog (TCP_INFO's
 * tcpi_unacked and tcpi_sacked on a LISTEN socket) and, when either
 * changed since the last, says "accept queue N/BACKLOG" as a -v note.
 * A socket that cannot say (not TCP) gets one note, then silence.
 */
void tcpstate_queue_check(struct tcpstate_queue *q);

#endif
