/* sys_wait.h: poll, select and epoll, traced, errno kept. */
#ifndef SOCKIT_SYS_WAIT_H
#define SOCKIT_SYS_WAIT_H

#include "compat.h"

#include <poll.h>
#include <sys/select.h>

int sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms);
/*
 * poll(2) as a program of the lesson makes it (textbook mode's wait on
 * stdin and a socket): traced in plain mode too, not only in full mode.
 */
int sys_poll_lesson(struct pollfd *fds, nfds_t count, int timeout_ms);
/*
 * select(2) on readable and writable (either NULL), timeout NULL for none;
 * every descriptor must be below FD_SETSIZE. On a retry after EINTR the
 * sets are given again as they were asked.
 */
int sys_select(int nfds, fd_set *readable, fd_set *writable,
    struct timeval *timeout);
/*
 * epoll_create1(EPOLL_CLOEXEC), epoll_ctl(2) with the events and the
 * pointer the loop gets back, and epoll_wait(2), retried on EINTR until a
 * terminating signal. Each returns what the call returns, errno kept.
 */
struct epoll_event;
int sys_epoll_create(void);
int sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, void *data);
int sys_epoll_wait(int epfd, struct epoll_event *events, int max,
    int timeout_ms);

#endif
