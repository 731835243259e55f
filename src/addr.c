/* addr.c: rendering socket addresses for people, in the endpoint grammar. */
#include "compat.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "addr.h"

void
addr_unix_path(struct strbuf *sb, const struct sockaddr *sa, socklen_t len,
    bool quoted)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t n, i;
	const char *p = sun->sun_path;

	if (len <= off) {
		strbuf_puts(sb, "(unnamed)");
		return;
	}
	n = len - off;
	if (n > sizeof(sun->sun_path))
		n = sizeof(sun->sun_path);
	if (p[0] == '\0') {
		/* Linux abstract name: a leading NUL, then exactly n-1 bytes. */
		strbuf_puts(sb, "@");
		p++;
		n--;
	} else {
		n = strnlen(p, n);
	}
	if (quoted)
		strbuf_puts(sb, "\"");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			strbuf_add(sb, (const char *)&c, 1);
		else
			strbuf_printf(sb, "\\x%02x", c);
	}
	if (quoted)
		strbuf_puts(sb, "\"");
}

void
addr_host(struct strbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	char text[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		strbuf_puts(sb, text);
	} else if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)sa;
		char ifname[IF_NAMESIZE];

		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		strbuf_puts(sb, text);
		if (sin6->sin6_scope_id != 0) {
			if (if_indextoname(sin6->sin6_scope_id, ifname))
				strbuf_printf(sb, "%%%s", ifname);
			else
				strbuf_printf(sb, "%%%u", sin6->sin6_scope_id);
		}
	} else if (sa->sa_family == AF_UNIX) {
		addr_unix_path(sb, sa, len, false);
	} else {
		strbuf_printf(sb, "(family %d)", sa->sa_family);
	}
}

int
addr_port(const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return -1;
}

char *
addr_format(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
	return addr_format_kind(sa, len, SOCK_STREAM, out, cap);
}

char *
addr_format_kind(const struct sockaddr *sa, socklen_t len, int socktype,
    char *out, size_t cap)
{
	struct strbuf sb;

	strbuf_init(&sb, out, cap);
	if (len < sizeof(sa_family_t)) {
		strbuf_puts(&sb, "(none)");
		return out;
	}
	switch (sa->sa_family) {
	case AF_INET:
		addr_host(&sb, sa, len);
		strbuf_printf(&sb, ":%d", addr_port(sa, len));
		break;
	case AF_INET6:
		strbuf_puts(&sb, "[");
		addr_host(&sb, sa, len);
		strbuf_printf(&sb, "]:%d", addr_port(sa, len));
		break;
	case AF_UNIX:
		/* The address alone cannot say it; the socket's type can. */
		socktype &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
		strbuf_puts(&sb, socktype == SOCK_DGRAM ? "unix-dgram:" :
		    socktype == SOCK_SEQPACKET ? "unix-seqpacket:" : "unix:");
		addr_unix_path(&sb, sa, len, false);
		break;
	default:
		addr_host(&sb, sa, len);
	}
	return out;
}

bool
addr_equal(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

bool
addr_is_loopback(const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) &&
		    a->s6_addr[12] == 127);
	}
	return false;
}

bool
addr_is_literal(const char *text)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, text, buf) == 1 ||
	    inet_pton(AF_INET6, text, buf) == 1;
}

/* Whether text (len bytes) is an IPv6 address, with a %scope or without. */
static bool
v6_literal(const char *text, size_t len)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char copy[INET6_ADDRSTRLEN];
	const char *scope = memchr(text, '%', len);

	if (scope != NULL) {
		/* A scope is an interface name or number: no colon in it. */
		if (scope + 1 == text + len || memchr(scope, ':',
		    (size_t)(text + len - scope)) != NULL)
			return false;
		len = (size_t)(scope - text);
	}
	if (len >= sizeof(copy))
		return false;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return inet_pton(AF_INET6, copy, buf) == 1;
}

int
addr_v6_port_split(const char *text, size_t len, size_t *addrlen)
{
	const char *colon = NULL, *p;
	size_t digits;
	unsigned long port = 0;

	for (p = text; p < text + len; p++)
		if (*p == ':')
			colon = p;
	if (colon == NULL)
		return 0;
	digits = (size_t)(text + len - colon - 1);
	if (digits == 0 || digits > 5)
		return 0;
	for (p = colon + 1; p < text + len; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (port < 1 || port > 65535 || !v6_literal(text,
	    (size_t)(colon - text)))
		return 0;
	*addrlen = (size_t)(colon - text);
	return v6_literal(text, len) ? 2 : 1;
}
