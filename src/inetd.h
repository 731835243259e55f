/* inetd.h: programs served over TLS, a child per connection between the two. */
#ifndef SOCKIT_INETD_H
#define SOCKIT_INETD_H

#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>

#include "session.h"
#include "spawn.h"

/*
 * Serves the accepted sock (its peer at peer, plen bytes) with cmd behind
 * TLS: forks a child that leads a process group (spawn_fork), closes
 * also_close (-1: none) in it, runs the handshake and then cmd in its
 * group on one end of a socketpair, and relays the plain text between that
 * end and the TLS session with the one pump; the child ends with the
 * program's exit status, or the handshake's failure status. sock stays
 * open here. Returns the child's pid, or -1 after reporting.
 */
pid_t inetd_start(struct session *s, struct spawn_cmd *cmd, int sock,
    int also_close, const struct sockaddr *peer, socklen_t plen);
/*
 * The same for one connection at a time (listen -e, -k): starts the child,
 * closes sock and waits for the child, passing signals on. Returns the
 * program's exit status, 128+N after signal N, or EXIT_FAIL after
 * reporting.
 */
int inetd_run(struct session *s, struct spawn_cmd *cmd, int sock,
    int also_close);
/*
 * The same in this process, for connect --tls -e: the client's handshake
 * on the connected sock, whose failure is reported before cmd starts,
 * then cmd in a process group of its own (see spawn_start) and the relay.
 * Closes sock. Returns the program's exit status, 128+N after signal N,
 * or the handshake's failure status after reporting.
 */
int inetd_session(struct session *s, struct spawn_cmd *cmd, int sock);

#endif
