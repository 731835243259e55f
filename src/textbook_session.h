/* textbook_session.h: textbook mode's servers and the options it refuses. */
#ifndef SOCKIT_TEXTBOOK_SESSION_H
#define SOCKIT_TEXTBOOK_SESSION_H

#include "compat.h"

#include "endpoint.h"
#include "serve.h"
#include "session.h"
#include "spawn.h"

/*
 * In textbook mode, refuses the options that need the pump (TLS,
 * --progress, -C) with a usage error naming the option. Returns
 * EXIT_OK (always outside textbook mode), or EXIT_USAGE after reporting.
 */
int textbook_check(const struct session *s, const struct endpoint *ep);
/*
 * serve_accept in textbook mode: one blocking accept() on lfd, bounded
 * by -w through SO_RCVTIMEO; the peer's socket stays blocking.
 */
int textbook_accept(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, int *cfd_out, char *peer_text,
    size_t cap);
/*
 * serve_fork in textbook mode: the concurrent server of a course. A
 * blocking accept(), then fork(): the child closes the listening socket
 * and serves svc, or dup2s the connection onto stdio and execs cmd; the
 * parent closes the connection and accepts again. A SIGCHLD handler
 * interrupts accept(), and the loop reaps with waitpid(WNOHANG). At most
 * max_conns children (0: no limit): a full house waits in waitpid.
 * Returns the exit status.
 */
int textbook_serve_fork(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, struct spawn_cmd *cmd,
    const struct service *svc, long max_conns);

#endif
