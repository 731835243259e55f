/* session_starttls.h: --starttls: a protocol's plain-text preamble on a connected socket, before the TLS handshake. */
#ifndef SOCKIT_SESSION_STARTTLS_H
#define SOCKIT_SESSION_STARTTLS_H

#include "compat.h"

struct session;

/*
 * Speaks the preamble of --starttls's protocol on the connected
 * non-blocking sock, whose peer peer names, until the server agrees to
 * TLS or deadline (relay_now() seconds; < 0: none) passes; -v shows the
 * lines exchanged. Returns EXIT_OK when the handshake may start, or the
 * exit status after reporting a refusal, an odd answer or a failure.
 */
int session_starttls(struct session *s, int sock, const char *peer,
    double deadline);

#endif
