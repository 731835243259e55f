/* sys_proc.h: the process calls of the socket layer: signals, children, limits. */
#ifndef SOCKIT_SYS_PROC_H
#define SOCKIT_SYS_PROC_H

#include "compat.h"

/*
 * The read end of a pipe the signal handler writes a byte into, so a poll
 * loop wakes up even when the signal came just before poll(); -1 if unset.
 */
extern int sys_signal_wakeup_fd;
/* The write end of that pipe, for the handler; -1 if unset. */
extern int sys_signal_notify_fd;
/*
 * Makes the wake-up pipe, or a new one in place of the old: a child that
 * forks and runs on, sockit without an exec, must not share its parent's,
 * whose loops would take the child's signals for their own. Returns 0, or
 * -1 with errno (the pipe stays unset). Not traced.
 */
int sys_signal_pipe(void);
/* The process calls of pair. */
int sys_dup2(int from, int to);
/*
 * sigaction(2): handler for sig, no SA_RESTART (a blocked call returns
 * EINTR), an empty mask; traced with handler_name. Returns 0 or -1.
 */
int sys_sigaction(int sig, void (*handler)(int), const char *handler_name);
/*
 * The trace line of a vfork(2) that the caller made itself: a vfork child
 * must not return from the function that called vfork, so no wrapper can
 * make the call. The parent narrates once the child has exec'd or exited.
 */
void sys_trace_vfork(pid_t pid, int err);
/* The same for a fork() whose child runs sockit on. */
void sys_trace_fork(pid_t pid, int err);
/*
 * Under --step, shows the fork() about to be made and waits for the
 * teacher; called before the caller blocks signals, so Ctrl-C still ends
 * the wait.
 */
void sys_step_fork(void);
/*
 * Traces the call, then replaces the process with file (searched in PATH
 * when it has no slash) and environment envp; returns only on failure.
 */
int sys_execvpe(const char *file, char *const argv[], char *const envp[]);
/*
 * waitpid(2), retried on EINTR; a WNOHANG that finds nothing is traced
 * only in full mode.
 */
pid_t sys_waitpid(pid_t pid, int *status, int flags);
/* kill(2): sends sig to the process pid. Returns 0, or -1 with errno. */
int sys_kill(pid_t pid, int sig);
/*
 * killpg(3): sends sig to every process of the process group pgrp.
 * Returns 0, or -1 with errno (ESRCH: the group has no process left).
 */
int sys_killpg(pid_t pgrp, int sig);
/*
 * setpgid(2): moves the process pid (0: ourselves) into the process group
 * pgid (0: a new one led by pid). Returns 0, or -1 with errno.
 */
int sys_setpgid(pid_t pid, pid_t pgid);
/*
 * close_range(2) from first to the highest descriptor, so a child about to
 * exec keeps only what it was given (one by one where the call is missing).
 * Returns 0 or -1.
 */
int sys_close_range(unsigned first);
/*
 * Lowers the soft RLIMIT_NOFILE to count, the hard limit kept, so the
 * next descriptor past it fails with EMFILE. Returns 0 or -1.
 */
int sys_limit_fds(unsigned long count);
/*
 * Arms ITIMER_REAL to raise SIGALRM every ms milliseconds (0: disarms).
 * Returns 0 or -1.
 */
int sys_alarm_ms(long ms);
/*
 * Moves the calling process into a network namespace of its own, in a
 * user namespace of its own: no interface but a loopback that is down, so
 * nothing it sends can leave. Returns 0 or -1.
 */
int sys_unshare_net(void);
struct sockaddr_in;
/*
 * Adds a route of type unreachable (RTF_REJECT) to dst/mask with the old
 * SIOCADDRT ioctl on fd, any AF_INET socket. Only for a network namespace
 * of sys_unshare_net's: it changes the namespace's routing table. Returns
 * 0 or -1.
 */
int sys_add_reject_route(int fd, const struct sockaddr_in *dst,
    const struct sockaddr_in *mask);

#endif
