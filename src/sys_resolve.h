/* sys_resolve.h: the resolver calls of the socket layer, traced, errno kept. */
#ifndef SOCKIT_SYS_RESOLVE_H
#define SOCKIT_SYS_RESOLVE_H

#include "compat.h"

#include <netdb.h>
#include <sys/socket.h>

/* getaddrinfo(3) and getnameinfo(3): each returns its EAI_ code, or 0. */
int sys_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **result);
int sys_getnameinfo(const struct sockaddr *sa, socklen_t len, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags);
/* The services database and the host name. */
struct servent;
struct servent *sys_getservbyname(const char *name, const char *proto);
struct servent *sys_getservbyport(int port_net, const char *proto);
/*
 * The resolver calls before getaddrinfo, kept for the course: each
 * returns the static entry or NULL; the host calls store h_errno in *herr
 * (0 on success), HOST_NOT_FOUND and the like.
 */
struct hostent *sys_gethostbyname(const char *name, int *herr);
struct hostent *sys_gethostbyaddr(const void *addr, socklen_t len,
    int family, int *herr);
struct protoent *sys_getprotobyname(const char *name);
struct protoent *sys_getprotobynumber(int proto);
int sys_gethostname(char *name, size_t len);
/* inet_pton(3): 1 when text is an address of family, stored in out. */
int sys_inet_pton(int family, const char *text, void *out);
/* inet_ntop(3): out (the text of the 4 or 16 bytes at addr), or NULL. */
const char *sys_inet_ntop(int family, const void *addr, char *out,
    socklen_t cap);

#endif
