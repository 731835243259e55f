/* sys_int.h: what the parts of the socket layer, sys.c and sys_*.c, share. */
#ifndef SOCKIT_SYS_INT_H
#define SOCKIT_SYS_INT_H

#include "compat.h"

#include <sys/socket.h>

struct strbuf;

#define TRACE_LINE_MAX 1024

/*
 * Whether a call that returned ret is to be made again: a call interrupted
 * by a signal is retried unless the signal ends us.
 */
bool sys_retry_eintr(long ret);
/* Whether --trace is on. */
bool sys_tracing(void);
/*
 * Writes getaddrinfo's trace line for a call made elsewhere (rc: its EAI_
 * code, result its list), as sys_getaddrinfo writes its own.
 */
struct addrinfo;
void sys_trace_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, int rc, const struct addrinfo *result);
/*
 * Gives --tcp-state's hook its look at fd after a call that may have moved
 * a connection's state (the peer's segments move it between our calls,
 * and the next call on the descriptor is where a class can see it): when
 * ended is true, or the call failed for a reason other than EAGAIN.
 * errno is kept.
 */
void sys_state_after(int fd, long rc, bool ended);
/* Finishes a traced line with the result and writes it, keeping errno. */
void sys_finish(struct strbuf *sb, long ret, int err);
/*
 * --step: a call's line up to its result, shown before the call is made;
 * step_pause returns when the teacher says to go on.
 */
void sys_step_simple(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Appends s as a C string literal, so a trace line stays one line. */
void sys_trace_quoted(struct strbuf *sb, const char *s);
/*
 * Whether a data call that returned rc with flags is traced (true) or
 * passed over in silence (false).
 *
 * EAGAIN is the normal answer of a non-blocking socket with nothing to give;
 * tracing each one would drown the lesson, so only full mode shows them.
 * In textbook mode a call without MSG_DONTWAIT blocks, and its EAGAIN is
 * the timeout of SO_RCVTIMEO or SO_SNDTIMEO: the lesson's, shown.
 */
bool sys_trace_data_call(long rc, int flags);
/* The shared shape of accept, getsockname, getpeername: = RET {addr}. */
void sys_trace_addr_out(const char *call, int fd, long rc, int err,
    const struct sockaddr *sa, socklen_t len);

#endif
