/* flows.h: a datagram server of many senders, a program for each. */
#ifndef SOCKIT_FLOWS_H
#define SOCKIT_FLOWS_H

#include "compat.h"

#include "endpoint.h"
#include "serve.h"
#include "session.h"
#include "spawn.h"

/* --flow-idle when it is not given, in seconds. */
#define FLOWS_IDLE_DEFAULT 60.0

struct flows_config {
	const struct serve_access *acl;	/* --allow, --deny */
	const struct endpoint *ep;	/* for messages */
	const struct endpoint_addr *bound;
	struct spawn_cmd *cmd;		/* the program of -e or -c */
	double idle;			/* --flow-idle: seconds */
	long max_conns;			/* programs at once; 0: no limit */
};

/*
 * Serves every sender of the bound, unconnected datagram socket fd: the
 * first datagram from an address starts cmd for it, on a socket pair
 * that carries that sender's datagrams one record each way, and its
 * answers go back from the address the datagram came to. A program whose
 * sender was quiet for idle seconds gets end-of-file. Runs until a signal
 * (or -w with no sender at all), then ends every program. Returns the
 * exit status.
 */
int flows_serve(struct session *s, int fd, const struct flows_config *fc);

#endif
