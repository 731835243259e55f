/* pipe_pool.h: empty pipes kept by the forwarding loop for its next pairs. */
#ifndef SOCKIT_PIPE_POOL_H
#define SOCKIT_PIPE_POOL_H

#include "compat.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The most pipes a pool keeps: enough for the pairs that end in one round
 * of a busy loop to hand theirs to the pairs that start in the next.
 */
#define PIPE_POOL_MAX 64
/* The descriptors a full pool holds, for the loop's budget. */
#define PIPE_POOL_FDS (2 * PIPE_POOL_MAX)

struct pipe_pool {
	int n;
	int fds[PIPE_POOL_MAX][2];
	int cap[PIPE_POOL_MAX];
};

/*
 * A pipe for fds: one kept in pool (NULL: none), else a new one of size
 * bytes (sys_pipe). Returns its size in bytes (0: the system would not
 * say), or -1 with errno.
 */
int pipe_pool_take(struct pipe_pool *pool, int fds[2], size_t size);
/*
 * Gives fds back: kept in pool when it was empty and there is room, else
 * closed. fds becomes -1, -1.
 */
void pipe_pool_give(struct pipe_pool *pool, int fds[2], int cap, bool empty);
/* Closes every pipe pool keeps. */
void pipe_pool_free(struct pipe_pool *pool);

#endif
