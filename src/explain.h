/* explain.h: what an errno or resolver code means after a call, and what to check. */
#ifndef SOCKIT_EXPLAIN_H
#define SOCKIT_EXPLAIN_H

#include "compat.h"

#include <sys/socket.h>

/*
 * Returns a one-line hint for errno err after the named call ("connect",
 * "bind", ...), preferring a row for that call over a general one. Returns
 * NULL when the table has nothing to add.
 */
const char *explain_errno(const char *call, int err);
/*
 * The same for a call on a socket of socktype whose own or peer address
 * is sa (len bytes): a row for its transport (TCP, UDP, a unix path, an
 * abstract name) comes first, written into out in the user's language
 * with its port filled in. Returns out, the general hint (English, the
 * catalogue's msgid, as every other hint here), or NULL.
 */
const char *explain_errno_at(const char *call, int err,
    const struct sockaddr *sa, socklen_t len, int socktype, char *out,
    size_t cap);
/*
 * Returns a one-line hint for a TLS failure named as the report names it:
 * an OpenSSL verify constant ("X509_V_ERR_CERT_HAS_EXPIRED"), an alert
 * ("alert handshake failure"), "pin mismatch", "not tls" (the peer speaks
 * something else), "plain client" or "eof". Returns NULL when none.
 */
const char *explain_tls(const char *name);
/*
 * Returns a one-line hint for what a proxy answered, named as
 * session_proxy.c names it: "refused", "407", "closed", "odd" (another
 * protocol). Returns NULL when none.
 */
const char *explain_proxy(const char *name);
/* Returns a one-line hint for a getaddrinfo/getnameinfo EAI_ code, or NULL. */
const char *explain_eai(int code);
/*
 * The hint for an h_errno of gethostbyname (by_addr false) or
 * gethostbyaddr, or NULL.
 */
const char *explain_h_errno(int herr, bool by_addr);

#endif
