/* addr.h: the one place that turns a socket address into text. */
#ifndef SOCKIT_ADDR_H
#define SOCKIT_ADDR_H

#include "compat.h"

#include <sys/socket.h>

#include "strbuf.h"

/* Longest text addr_format can produce, NUL included. */
#define ADDR_TEXT_MAX 240

/*
 * Writes the address in the endpoint grammar, so a user can paste it back:
 * "127.0.0.1:80", "[::1]:80", "[fe80::1%eth0]:80", "unix:/run/x.sock",
 * "unix:@name", "unix:(unnamed)". Returns out.
 */
char *addr_format(const struct sockaddr *sa, socklen_t len,
    char *out, size_t cap);
/*
 * As addr_format, for an address of a socket of type socktype: a unix
 * datagram or seqpacket address says its kind ("unix-dgram:/run/x.sock",
 * "unix-seqpacket:@name"), as the user must spell it to reach it again.
 * Returns out.
 */
char *addr_format_kind(const struct sockaddr *sa, socklen_t len,
    int socktype, char *out, size_t cap);
/* Appends the host part only ("127.0.0.1", "::1", "/run/x.sock"). */
void addr_host(struct strbuf *sb, const struct sockaddr *sa, socklen_t len);
/* Returns the port in host order, or -1 when sa has none. */
int addr_port(const struct sockaddr *sa, socklen_t len);
/* Returns true when a and b are the same address, byte for byte. */
bool addr_equal(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen);
/* Returns true for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool addr_is_loopback(const struct sockaddr *sa, socklen_t len);
/* Returns true when text is an IPv4 or IPv6 address, not a host name. */
bool addr_is_literal(const char *text);
/*
 * For text (len bytes, no brackets) that may be an IPv6 address with a
 * port after its last colon, as "::1:21080": returns 0 when that split is
 * no reading (the tail is no port 1-65535, or what precedes it no
 * address), 1 when it is the only one (the whole is no address: "21080"
 * cannot be a hex group), 2 when the whole is an address too ("::1:80").
 * On 1 and 2, *addrlen is the length of the address part.
 */
int addr_v6_port_split(const char *text, size_t len, size_t *addrlen);
/* Appends an AF_UNIX path or abstract name, escaping unprintable bytes. */
void addr_unix_path(struct strbuf *sb, const struct sockaddr *sa,
    socklen_t len, bool quoted);

#endif
