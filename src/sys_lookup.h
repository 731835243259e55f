/* sys_lookup.h: getaddrinfo on a thread of its own, its answers announced on a descriptor, for an event loop that must not wait for DNS. */
#ifndef SOCKIT_SYS_LOOKUP_H
#define SOCKIT_SYS_LOOKUP_H

#include "compat.h"

#include <netdb.h>

/* One question and, once answered, its answer. */
struct sys_lookup {
	char host[256];
	char service[8];
	struct addrinfo hints;
	int rc;			/* the answer's EAI_ code, or 0 */
	struct addrinfo *result;	/* rc 0: the addresses */
	void *ctx;		/* the asker's; NULL: no longer wanted */
	struct sys_lookup *next;
};

/*
 * Starts the resolver thread, once. Returns the descriptor that becomes
 * readable when answers wait, or -1 with errno.
 */
int sys_lookup_start(void);
/* Queues l's question. Returns 0, or -1 with errno. */
int sys_lookup_ask(struct sys_lookup *l);
/*
 * Takes the answers that wait, in the order they came. Returns the list
 * (linked by next), or NULL.
 */
struct sys_lookup *sys_lookup_answers(void);
/* Writes an answer's getaddrinfo trace line, from the asker's thread. */
void sys_lookup_trace(const struct sys_lookup *l);
/* Frees an answered lookup and its addresses. */
void sys_lookup_free(struct sys_lookup *l);

#endif
