/* explain_demo.h: the smallest call sequences that make the kernel return a given error. */
#ifndef SOCKIT_EXPLAIN_DEMO_H
#define SOCKIT_EXPLAIN_DEMO_H

#include "compat.h"

/* What a demo did: the call that was to fail, and how it ended. */
struct demo_result {
	const char *call;	/* "connect", "getaddrinfo", ... */
	int want;		/* the errno or EAI_ code promised */
	int got;		/* what the call gave: 0 for success, -1 when
				   a child's step failed (its trace says how) */
	bool eai;		/* want and got are EAI_ codes, not errno */
	bool setup;		/* a call before the promised one failed */
};

/*
 * Returns the recipe of name's demo, one paragraph saying which calls it
 * makes, or NULL when there is no demo for name (an exact table name).
 */
const char *explain_demo_recipe(const char *name);
/*
 * Runs the demo of name on loopback, tracing every call, and fills r.
 * Returns false when there is no such demo; r->got == r->want when the
 * kernel gave what was promised.
 */
bool explain_demo_run(const char *name, struct demo_result *r);

#endif
