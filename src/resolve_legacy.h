/* resolve_legacy.h: resolve --legacy and --proto: the resolver calls before getaddrinfo. */
#ifndef SOCKIT_RESOLVE_LEGACY_H
#define SOCKIT_RESOLVE_LEGACY_H

#include "compat.h"

/*
 * Asks gethostbyname for a name, or gethostbyaddr for an address
 * (family AF_INET or AF_INET6, as inet_pton decided), and prints the
 * hostent's fields, or one JSON object. Returns an exit status; a
 * failure is reported with h_errno by name.
 */
int legacy_host(const char *name, int family, bool json);

/*
 * Asks getservbyname (a name) or getservbyport (numeric: port) for each
 * of the nprotos protocols and prints each servent found. Returns an
 * exit status: a failure only when none was found.
 */
int legacy_service(const char *key, bool numeric, unsigned port,
    const char *const *protos, size_t nprotos, bool json);

/*
 * Asks the protocols database: getprotobynumber for a number,
 * getprotobyname for a name. Returns EXIT_OK, EXIT_FAIL, or EXIT_USAGE
 * for a number out of 0-255.
 */
int legacy_proto(const char *spec, bool json);

#endif
