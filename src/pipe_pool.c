/* pipe_pool.c: empty pipes kept by the forwarding loop for its next pairs, so a short pair does not pay pipe2, F_SETPIPE_SZ and two close() for each of its two pipes. */
#include "compat.h"

#include <unistd.h>

#include "pipe_pool.h"
#include "sys_data.h"

int
pipe_pool_take(struct pipe_pool *pool, int fds[2], size_t size)
{
	if (pool == NULL || pool->n == 0)
		return sys_pipe(fds, size);
	pool->n--;
	fds[0] = pool->fds[pool->n][0];
	fds[1] = pool->fds[pool->n][1];
	return pool->cap[pool->n];
}

void
pipe_pool_give(struct pipe_pool *pool, int fds[2], int cap, bool empty)
{
	if (fds[0] < 0)
		return;
	/*
	 * Only an empty pipe may serve another pair: bytes left in one are
	 * the last pair's, and would reach the next pair's peer.
	 */
	if (pool != NULL && empty && pool->n < PIPE_POOL_MAX) {
		pool->fds[pool->n][0] = fds[0];
		pool->fds[pool->n][1] = fds[1];
		pool->cap[pool->n] = cap;
		pool->n++;
	} else {
		close(fds[0]);
		close(fds[1]);
	}
	fds[0] = fds[1] = -1;
}

void
pipe_pool_free(struct pipe_pool *pool)
{
	while (pool->n > 0) {
		pool->n--;
		close(pool->fds[pool->n][0]);
		close(pool->fds[pool->n][1]);
	}
}
