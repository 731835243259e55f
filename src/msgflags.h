/* msgflags.h: --peek and --oob: checks, relay settings, the urgent byte. */
#ifndef SOCKIT_MSGFLAGS_H
#define SOCKIT_MSGFLAGS_H

#include "compat.h"

#include "endpoint.h"
#include "relay.h"
#include "session.h"

/*
 * Checks the session's --peek and --oob against ep and the other options;
 * serve is listen's --serve. Returns EXIT_OK or EXIT_USAGE (reported).
 */
int msgflags_check(const struct session *s, const struct endpoint *ep,
    bool serve);
/* Sets what --peek and --oob ask of the relay in cfg. */
void msgflags_apply(const struct session *s, struct relay_config *cfg);

#endif
