/* explain.h: what an errno or resolver code means after a call, and what to check. */
#ifndef SOCKIT_EXPLAIN_H
#define SOCKIT_EXPLAIN_H

#include "compat.h"

/*
 * Returns a one-line hint for errno err after the named call ("connect",
 * "bind", ...), preferring a row for that call over a general one. Returns
 * NULL when the table has nothing to add.
 */
const char *explain_errno(const char *call, int err);
/* Returns a one-line hint for a getaddrinfo/getnameinfo EAI_ code, or NULL. */
const char *explain_eai(int code);

#endif
