/* test_hints.c: the hint for each (call, errno, family) that sockit meets. */
#include "compat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "explain.h"
#include "trace.h"
#include "unit.h"

/* The socket a hint is asked for: AF_UNSPEC when the family is unknown. */
struct hint_case {
	const char *call;
	int err;
	int family;
	int socktype;
	const char *want;	/* in the hint */
	const char *not_want;	/* not in it; NULL: nothing to rule out */
};

/*
 * The rows of the course's table that sockit can meet, each with a word
 * that only the right hint has: the call, the family and the cause.
 */
static const struct hint_case cases[] = {
	/* A broadcast without SO_BROADCAST, not a unix file's mode. */
	{ "sendto", EACCES, AF_INET, SOCK_DGRAM, "SO_BROADCAST", "unix" },
	{ "send", EACCES, AF_INET, SOCK_DGRAM, "SO_BROADCAST", "unix" },
	{ "sendmsg", EACCES, AF_INET6, SOCK_DGRAM, "SO_BROADCAST", "unix" },
	{ "connect", EACCES, AF_INET, SOCK_DGRAM, "--broadcast", "unix" },
	{ "sendto", EACCES, AF_UNSPEC, 0, "SO_BROADCAST", NULL },
	{ "sendto", EACCES, AF_UNIX, SOCK_DGRAM, "write permission",
	  "BROADCAST" },
	{ "connect", EACCES, AF_UNIX, SOCK_STREAM, "write permission",
	  "firewall" },
	{ "bind", EACCES, AF_INET, SOCK_STREAM, "1024", NULL },
	/* A listener, or a connection in TIME_WAIT that ss -ltnp misses. */
	{ "bind", EADDRINUSE, AF_INET, SOCK_STREAM, "ss -tan 'sport = :8080'",
	  NULL },
	{ "bind", EADDRINUSE, AF_INET6, SOCK_STREAM, "TIME_WAIT", NULL },
	{ "bind", EADDRINUSE, AF_INET, SOCK_STREAM,
	  "--no-reuseaddr)", NULL },
	{ "bind", EADDRINUSE, AF_INET, SOCK_DGRAM, "ss -lunp 'sport = :8080'",
	  "TIME_WAIT" },
	{ "bind", EADDRINUSE, AF_UNSPEC, 0, "TIME_WAIT", NULL },
	{ "bind", EADDRNOTAVAIL, AF_INET, SOCK_STREAM, "local interface",
	  NULL },
	{ "connect", EADDRNOTAVAIL, AF_INET, SOCK_STREAM, "ephemeral", NULL },
	{ "socket", EAFNOSUPPORT, AF_INET6, SOCK_STREAM, "-4", NULL },
	{ "connect", EAFNOSUPPORT, AF_INET6, SOCK_STREAM, "family", NULL },
	{ "connect", ECONNREFUSED, AF_INET, SOCK_STREAM, "listening", NULL },
	{ "recv", ECONNREFUSED, AF_INET, SOCK_DGRAM, "ICMP", NULL },
	{ "recv", ECONNRESET, AF_INET, SOCK_STREAM, "RST", NULL },
	{ "send", EPIPE, AF_INET, SOCK_STREAM, "closed", NULL },
	{ "connect", EHOSTUNREACH, AF_INET, SOCK_STREAM, "route", NULL },
	{ "connect", ENETUNREACH, AF_INET6, SOCK_STREAM, "route", NULL },
	{ "sendto", EMSGSIZE, AF_INET, SOCK_DGRAM, "65507", NULL },
	{ "send", EMSGSIZE, AF_INET6, SOCK_DGRAM, "65527", NULL },
	{ "send", EMSGSIZE, AF_UNIX, SOCK_DGRAM, "SO_SNDBUF", "65507" },
	{ "send", ENOBUFS, AF_INET, SOCK_DGRAM, "memory", NULL },
	{ "setsockopt", ENOPROTOOPT, AF_INET, SOCK_DGRAM, "for UDP",
	  NULL },
	{ "setsockopt", ENOPROTOOPT, AF_INET, SOCK_STREAM,
	  "IPV6_ option on an IPv4 socket", NULL },
	/* A unix socket refuses a TCP_ or IP_ option with EOPNOTSUPP. */
	{ "setsockopt", EOPNOTSUPP, AF_UNIX, SOCK_STREAM, "SOL_SOCKET",
	  "listen" },
	{ "setsockopt", EOPNOTSUPP, AF_UNSPEC, 0, "unix socket", "listen" },
	{ "recv", EINTR, AF_INET, SOCK_STREAM, "signal", NULL },
	{ "bind", EINVAL, AF_INET, SOCK_STREAM, "bound already", NULL },
	{ "listen", EINVAL, AF_INET, SOCK_STREAM, "connected already", NULL },
	{ "setsockopt", EINVAL, AF_INET, SOCK_STREAM, "out of range", NULL },
	/* shutdown needs a connection, which an unconnected datagram lacks. */
	{ "shutdown", ENOTCONN, AF_INET, SOCK_DGRAM, "not connected", NULL },
	{ "recv", ENOTCONN, AF_INET, SOCK_STREAM, "connect() first", NULL },
	/* A full accept queue: Linux drops the SYN, it sends no RST. */
	{ "connect", ETIMEDOUT, AF_INET, SOCK_STREAM, "accept queue is full",
	  NULL },
	{ "connect", ETIMEDOUT, AF_INET, SOCK_STREAM, "Recv-Q", NULL },
	{ "recv", ETIMEDOUT, AF_INET, SOCK_STREAM, "acknowledging", "SYN" },
	{ "connect", EAGAIN, AF_UNIX, SOCK_STREAM, "accept queue is full",
	  NULL },
	{ "socket", EMFILE, AF_INET, SOCK_STREAM, "per process", NULL },
	{ "accept", EMFILE, AF_INET, SOCK_STREAM, "ulimit -n", NULL },
	{ "accept", ENFILE, AF_INET, SOCK_STREAM, "fs.file-max", NULL },
	{ "accept", ECONNABORTED, AF_INET, SOCK_STREAM, "aborted", NULL },
	{ "accept", ENOBUFS, AF_INET, SOCK_STREAM, "short of memory", NULL },
	{ "listen", EOPNOTSUPP, AF_INET, SOCK_DGRAM, "datagram", NULL },
	{ "connect", ENOENT, AF_UNIX, SOCK_STREAM, "no unix socket file",
	  NULL },
	{ "bind", ENOENT, AF_UNIX, SOCK_DGRAM, "directory", NULL },
	{ "connect", EPROTOTYPE, AF_UNIX, SOCK_DGRAM, "do not mix", NULL },
};

/* A socket address of family with port 8080; its length, 0 for none. */
static socklen_t
make_addr(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	switch (family) {
	case AF_INET:
		((struct sockaddr_in *)ss)->sin_port = htons(8080);
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		((struct sockaddr_in6 *)ss)->sin6_port = htons(8080);
		return sizeof(struct sockaddr_in6);
	case AF_UNIX:
		strcpy(((struct sockaddr_un *)ss)->sun_path, "/tmp/s");
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 7);
	}
	return 0;
}

void
test_hints(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct hint_case *c = &cases[i];
		struct sockaddr_storage ss;
		socklen_t len = make_addr(c->family, &ss);
		char out[512];
		const char *hint;

		unit_begin("hint for %s %s on %s says \"%s\"", c->call,
		    trace_errno_name(c->err), c->family == AF_UNSPEC ?
		    "an unknown family" : trace_family_name(c->family),
		    c->want);
		hint = explain_errno_at(c->call, c->err, len > 0 ?
		    (const struct sockaddr *)&ss : NULL, len, c->socktype,
		    out, sizeof(out));
		if (CHECK(hint != NULL)) {
			size_t n = strlen(hint);

			CHECK_CONTAINS(hint, c->want);
			if (c->not_want != NULL &&
			    !CHECK(strstr(hint, c->not_want) == NULL))
				unit_diag("hint: %s", hint);
			/* One line, lowercase, no full stop, not cut short. */
			CHECK(strchr(hint, '\n') == NULL);
			CHECK(n > 0 && !isupper((unsigned char)hint[0]) &&
			    hint[n - 1] != '.');
			CHECK(n + 1 < sizeof(out));
		}
		unit_end();
	}
}
