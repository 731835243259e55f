/* test_endpoint.c: the endpoint grammar, one row per form taken or refused. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "endpoint.h"
#include "strbuf.h"
#include "unit.h"

/* The command-line flags a case is parsed under, as bits. */
enum {
	F_UDP = 1 << 0,		/* -u */
	F_UNIX = 1 << 1,	/* -U */
	F_SEQ = 1 << 2,		/* --seqpacket */
	F_4 = 1 << 3,		/* -4 */
	F_6 = 1 << 4,		/* -6 */
	F_LIST = 1 << 5,	/* connect -z takes port lists */
	F_PASSIVE = 1 << 6,	/* listen and recv: a bare port binds all */
};

/* An endpoint that parses, and every field it must parse into. */
struct valid_case {
	const char *arg;
	const char *second;	/* the nc-style PORT argument, or NULL */
	unsigned flags;
	enum transport transport;
	int family;
	const char *host;
	const char *port;
	const char *path;
	bool abstract;
	const char *text;	/* the canonical form messages show */
};

/* An endpoint that is refused, and what the message must name. */
struct invalid_case {
	const char *arg;
	const char *second;
	unsigned flags;
	const char *needle;
	const char *needle2;	/* a second part to name, or NULL */
};

static const struct valid_case valid_cases[] = {
	/* HOST:PORT; a literal address pins the family, a name does not. */
	{ "localhost:8080", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "8080", "", false, "localhost:8080" },
	{ "example.com:443", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "example.com", "443", "", false, "example.com:443" },
	{ "127.0.0.1:80", NULL, 0, TRANSPORT_TCP, AF_INET,
	  "127.0.0.1", "80", "", false, "127.0.0.1:80" },
	{ "LOCALHOST:22", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "LOCALHOST", "22", "", false, "LOCALHOST:22" },
	{ "localhost:0", NULL, F_PASSIVE, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "0", "", false, "localhost:0" },
	{ "localhost:65535", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "65535", "", false, "localhost:65535" },

	/* HOST PORT, the nc habit; a bare IPv6 address needs no brackets. */
	{ "localhost", "8080", 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "8080", "", false, "localhost:8080" },
	{ "10.0.0.1", "22", 0, TRANSPORT_TCP, AF_INET,
	  "10.0.0.1", "22", "", false, "10.0.0.1:22" },
	{ "::1", "22", 0, TRANSPORT_TCP, AF_INET6,
	  "::1", "22", "", false, "[::1]:22" },
	{ "fe80::1%eth0", "80", 0, TRANSPORT_TCP, AF_INET6,
	  "fe80::1%eth0", "80", "", false, "[fe80::1%eth0]:80" },
	{ "[::1]", "80", 0, TRANSPORT_TCP, AF_INET6,
	  "::1", "80", "", false, "[::1]:80" },
	{ "localhost", "ssh", 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "ssh", "", false, "localhost:ssh" },

	/* [IPv6]:PORT, with a scope, and IPv4-mapped. */
	{ "[::1]:8080", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "::1", "8080", "", false, "[::1]:8080" },
	{ "[fe80::1%eth0]:80", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "fe80::1%eth0", "80", "", false, "[fe80::1%eth0]:80" },
	{ "[2001:db8::1]:443", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "2001:db8::1", "443", "", false, "[2001:db8::1]:443" },
	{ "[::ffff:127.0.0.1]:80", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "::ffff:127.0.0.1", "80", "", false, "[::ffff:127.0.0.1]:80" },
	{ "[::]:0", NULL, F_PASSIVE, TRANSPORT_TCP, AF_INET6,
	  "::", "0", "", false, "[::]:0" },

	/* PORT and :PORT: every local address, or localhost to connect. */
	{ "8080", NULL, F_PASSIVE, TRANSPORT_TCP, AF_UNSPEC,
	  "", "8080", "", false, ":8080" },
	{ "8080", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "8080", "", false, "localhost:8080" },
	{ ":8080", NULL, F_PASSIVE, TRANSPORT_TCP, AF_UNSPEC,
	  "", "8080", "", false, ":8080" },
	{ ":8080", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "8080", "", false, "localhost:8080" },
	{ "0", NULL, F_PASSIVE, TRANSPORT_TCP, AF_UNSPEC,
	  "", "0", "", false, ":0" },
	{ "8080", NULL, F_6, TRANSPORT_TCP, AF_INET6,
	  "localhost", "8080", "", false, "localhost:8080" },
	{ ":53", NULL, F_UDP | F_PASSIVE, TRANSPORT_UDP, AF_UNSPEC,
	  "", "53", "", false, ":53" },

	/* URL-style schemes; the numbered ones pin the family. */
	{ "tcp://example.com:80", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "example.com", "80", "", false, "example.com:80" },
	/* <broadcast>: INADDR_BROADCAST, for UDP over IPv4 only. */
	{ "<broadcast>:9", NULL, F_UDP, TRANSPORT_UDP, AF_INET,
	  "255.255.255.255", "9", "", false, "255.255.255.255:9" },
	{ "<broadcast>", "9", F_UDP, TRANSPORT_UDP, AF_INET,
	  "255.255.255.255", "9", "", false, "255.255.255.255:9" },
	{ "udp://127.0.0.1:53", NULL, 0, TRANSPORT_UDP, AF_INET,
	  "127.0.0.1", "53", "", false, "127.0.0.1:53" },
	{ "tcp4://localhost:80", NULL, 0, TRANSPORT_TCP, AF_INET,
	  "localhost", "80", "", false, "localhost:80" },
	{ "localhost:000080", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "000080", "", false, "localhost:000080" },
	{ "tcp6://[::1]:80", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "::1", "80", "", false, "[::1]:80" },
	{ "udp4://localhost:53", NULL, 0, TRANSPORT_UDP, AF_INET,
	  "localhost", "53", "", false, "localhost:53" },
	{ "udp6://[::1]:53", NULL, 0, TRANSPORT_UDP, AF_INET6,
	  "::1", "53", "", false, "[::1]:53" },
	{ "tcp://:8080", NULL, F_PASSIVE, TRANSPORT_TCP, AF_UNSPEC,
	  "", "8080", "", false, ":8080" },
	{ "udp://:9", NULL, 0, TRANSPORT_UDP, AF_UNSPEC,
	  "localhost", "9", "", false, "localhost:9" },
	{ "tcp://[::1]:22", NULL, 0, TRANSPORT_TCP, AF_INET6,
	  "::1", "22", "", false, "[::1]:22" },
	{ "tcp6://localhost:80", NULL, F_6, TRANSPORT_TCP, AF_INET6,
	  "localhost", "80", "", false, "localhost:80" },
	{ "tcp4://127.0.0.1:80", NULL, F_4, TRANSPORT_TCP, AF_INET,
	  "127.0.0.1", "80", "", false, "127.0.0.1:80" },
	{ "udp://localhost:53", NULL, F_UDP, TRANSPORT_UDP, AF_UNSPEC,
	  "localhost", "53", "", false, "localhost:53" },
	{ "tcp://localhost", "80", 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "80", "", false, "localhost:80" },

	/* AF_UNIX by scheme, by a '/' in the argument, and abstract names. */
	{ "unix:/tmp/s", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "/tmp/s", false, "unix:/tmp/s" },
	{ "unix-dgram:/tmp/d", NULL, 0, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "/tmp/d", false, "unix-dgram:/tmp/d" },
	{ "unix-seqpacket:/tmp/q", NULL, 0, TRANSPORT_UNIX_SEQPACKET, AF_UNIX,
	  "", "", "/tmp/q", false, "unix-seqpacket:/tmp/q" },
	{ "unix:///tmp/s", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "/tmp/s", false, "unix:/tmp/s" },
	{ "unix:relative.sock", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "relative.sock", false, "unix:relative.sock" },
	{ "./sock", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "./sock", false, "unix:./sock" },
	{ "/run/app.sock", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "/run/app.sock", false, "unix:/run/app.sock" },
	{ "unix:@name", NULL, 0, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "name", true, "unix:@name" },
	{ "unix-dgram:@log", NULL, 0, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "log", true, "unix-dgram:@log" },
	{ "unix-seqpacket:@q", NULL, 0, TRANSPORT_UNIX_SEQPACKET, AF_UNIX,
	  "", "", "q", true, "unix-seqpacket:@q" },

	/* -u, -U and --seqpacket choose the transport nc-style. */
	{ "localhost:53", NULL, F_UDP, TRANSPORT_UDP, AF_UNSPEC,
	  "localhost", "53", "", false, "localhost:53" },
	{ "[::1]:53", NULL, F_UDP, TRANSPORT_UDP, AF_INET6,
	  "::1", "53", "", false, "[::1]:53" },
	{ "sock", NULL, F_UNIX, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "sock", false, "unix:sock" },
	{ "sock", NULL, F_UNIX | F_UDP, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "sock", false, "unix-dgram:sock" },
	{ "sock", NULL, F_UNIX | F_SEQ, TRANSPORT_UNIX_SEQPACKET, AF_UNIX,
	  "", "", "sock", false, "unix-seqpacket:sock" },
	{ "localhost:80", NULL, F_UNIX, TRANSPORT_UNIX_STREAM, AF_UNIX,
	  "", "", "localhost:80", false, "unix:localhost:80" },
	{ "/tmp/q", NULL, F_SEQ, TRANSPORT_UNIX_SEQPACKET, AF_UNIX,
	  "", "", "/tmp/q", false, "unix-seqpacket:/tmp/q" },
	{ "unix:/tmp/q", NULL, F_SEQ, TRANSPORT_UNIX_SEQPACKET, AF_UNIX,
	  "", "", "/tmp/q", false, "unix-seqpacket:/tmp/q" },
	{ "unix-seqpacket:/tmp/q", NULL, F_SEQ, TRANSPORT_UNIX_SEQPACKET,
	  AF_UNIX, "", "", "/tmp/q", false, "unix-seqpacket:/tmp/q" },
	{ "unix:/tmp/s", NULL, F_UDP, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "/tmp/s", false, "unix-dgram:/tmp/s" },
	{ "./s", NULL, F_UDP, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "./s", false, "unix-dgram:./s" },
	{ "unix-dgram:/tmp/s", NULL, F_UDP, TRANSPORT_UNIX_DGRAM, AF_UNIX,
	  "", "", "/tmp/s", false, "unix-dgram:/tmp/s" },

	/* -4 and -6 pin the family of names; literals must agree. */
	{ "localhost:80", NULL, F_4, TRANSPORT_TCP, AF_INET,
	  "localhost", "80", "", false, "localhost:80" },
	{ "localhost:80", NULL, F_6, TRANSPORT_TCP, AF_INET6,
	  "localhost", "80", "", false, "localhost:80" },
	{ "127.0.0.1:80", NULL, F_4, TRANSPORT_TCP, AF_INET,
	  "127.0.0.1", "80", "", false, "127.0.0.1:80" },
	{ "[::1]:80", NULL, F_6, TRANSPORT_TCP, AF_INET6,
	  "::1", "80", "", false, "[::1]:80" },

	/* Port lists, for connect -z only. */
	{ "localhost:22,80,8000-8100", NULL, F_LIST, TRANSPORT_TCP,
	  AF_UNSPEC, "localhost", "22,80,8000-8100", "", false,
	  "localhost:22,80,8000-8100" },
	{ "[::1]:1-1024", NULL, F_LIST, TRANSPORT_TCP, AF_INET6,
	  "::1", "1-1024", "", false, "[::1]:1-1024" },
	{ "80", NULL, F_LIST, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "80", "", false, "localhost:80" },
	{ "localhost", "22,80", F_LIST, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "22,80", "", false, "localhost:22,80" },

	/* Service names, left for getaddrinfo to look up. */
	{ "localhost:http", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "http", "", false, "localhost:http" },
	{ "tcp://localhost:https", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "https", "", false, "localhost:https" },
	{ "udp://localhost:domain", NULL, 0, TRANSPORT_UDP, AF_UNSPEC,
	  "localhost", "domain", "", false, "localhost:domain" },
	{ "localhost:http-alt", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "http-alt", "", false, "localhost:http-alt" },
	{ "TCP://localhost:80", NULL, 0, TRANSPORT_TCP, AF_UNSPEC,
	  "localhost", "80", "", false, "localhost:80" },
};

static const struct invalid_case invalid_cases[] = {
	{ "", NULL, 0, "empty endpoint", NULL },

	/* Ports outside 0-65535, and ports that are missing. */
	{ "localhost:65536", NULL, 0, "65536", "0-65535" },
	{ "localhost:70000", NULL, 0, "70000", "0-65535" },
	{ "localhost:0065536", NULL, 0, "0065536", "0-65535" },
	{ "localhost:-1", NULL, 0, "'-1'", NULL },
	{ "localhost:+80", NULL, 0, "'+80'", NULL },
	{ "localhost:.", NULL, 0, "'.'", NULL },
	{ "localhost:99999999", NULL, 0, "99999999", NULL },
	{ "localhost", "65536", 0, "65536", NULL },
	{ "[::1]:70000", NULL, 0, "70000", NULL },
	{ "70000", NULL, F_PASSIVE, "port 70000 is outside 0-65535", NULL },
	{ "localhost:", NULL, 0, "missing port", "localhost:" },
	{ "[::1]:", NULL, 0, "missing port", NULL },
	{ "localhost", NULL, 0, "missing port", "localhost" },
	{ "app.sock", NULL, 0, "missing port in 'app.sock'",
	  "./app.sock or unix:app.sock" },
	{ "app.sock", NULL, F_PASSIVE | F_UDP, "missing port", "./app.sock" },
	{ "tcp://localhost", NULL, 0, "missing port", NULL },
	{ "[::1]", NULL, 0, "missing port", NULL },
	{ "localhost:80", "81", 0, "port given twice", "81" },
	{ "localhost:8o", NULL, 0, "bad port '8o' in 'localhost:8o': a number",
	  NULL },
	{ "localhost:ht!tp", NULL, 0, "bad port or service name", "ht!tp" },
	{ "localhost:22,80", NULL, 0,
	  "a port list such as '22,80' in 'localhost:22,80' is for connect -z",
	  NULL },
	{ "localhost:8000-8100", NULL, 0, "is for connect -z", NULL },
	{ "localhost:8000-8100", NULL, F_PASSIVE, "bad port '8000-8100'",
	  NULL },
	{ "localhost:0", NULL, 0, "port 0 in 'localhost:0' is for binding",
	  NULL },
	{ "[::1]:000", NULL, 0, "port 0 in '[::1]:000' is for binding", NULL },

	/* Hosts: empty, brackets, IPv6 syntax, characters, scopes. */
	{ "[]:80", NULL, 0, "empty host", NULL },
	{ "::1:80", NULL, 0, "needs brackets", "[::1:80]" },
	{ "::1:80", NULL, 0, "write [::1]:80 for port 80 of ::1", NULL },
	/* 21080 is no hex group: only an address and a port. */
	{ "::1:21080", NULL, 0, "needs brackets: write [::1]:21080", NULL },
	{ "2001:db8:1:2:3:4:5:6:80", NULL, 0,
	  "write [2001:db8:1:2:3:4:5:6]:80", NULL },
	{ "2001:db8::1", NULL, 0, "write [2001:db8::1]:PORT", NULL },
	{ "fe80::1%eth0:80", NULL, 0, "write [fe80::1%eth0]:80", NULL },
	{ "[::1:80", NULL, 0, "unbalanced '['", NULL },
	{ "::1]:80", NULL, 0, "unbalanced ']'", NULL },
	{ "[::1]x", NULL, 0, "unexpected 'x' after ']'", NULL },
	{ "[::1]80", NULL, 0, "unexpected '80' after ']'", NULL },
	{ "[127.0.0.1]:80", NULL, 0, "not an IPv6 address", "127.0.0.1" },
	{ "[zz::1]:80", NULL, 0, "not an IPv6 address", "zz::1" },
	{ "local host:80", NULL, 0, "bad character ' '", "local host" },
	{ "<broadcast>:9", NULL, 0, "<broadcast> is an address for UDP "
	  "datagrams (-u), not for tcp", NULL },
	{ "<broadcast>:9", NULL, F_UDP | F_6, "IPv6 has no broadcast", NULL },
	{ "udp6://<broadcast>:9", NULL, 0, "IPv6 has no broadcast", NULL },
	{ "user@host:80", NULL, 0, "bad character '@'", NULL },
	{ "a\001b:80", NULL, 0, "bad character \\x01 in host", NULL },
	{ "tcp://user@host:80", NULL, 0, "bad character '@'", NULL },
	{ "127.0.0.1%eth0:80", NULL, 0, "scope", "127.0.0.1%eth0" },
	{ "[fe80::1%]:80", NULL, 0, "empty scope", NULL },

	/* Schemes. */
	{ "foo://x:1", NULL, 0, "unknown scheme 'foo://'", NULL },
	{ "http://example.com:80", NULL, 0, "unknown scheme 'http://'",
	  "tcp, udp" },
	{ "tcp://", NULL, 0, "nothing after 'tcp://'", NULL },

	/* Flags that contradict the endpoint are refused, never ignored. */
	{ "tcp://localhost:80", NULL, F_UDP, "-u contradicts tcp://", NULL },
	{ "tcp6://[::1]:80", NULL, F_UDP, "-u contradicts tcp6://", NULL },
	{ "[::1]:80", NULL, F_4, "-4 contradicts", "::1" },
	{ "::1", "80", F_4, "-4 contradicts", "::1" },
	{ "127.0.0.1:80", NULL, F_6, "-6 contradicts", "127.0.0.1" },
	{ "tcp6://localhost:80", NULL, F_4, "-4 contradicts tcp6://", NULL },
	{ "udp4://localhost:53", NULL, F_6, "-6 contradicts udp4://", NULL },
	{ "tcp4://[::1]:80", NULL, 0, "tcp4://", "::1" },
	{ "tcp6://127.0.0.1:80", NULL, 0, "tcp6://", "127.0.0.1" },
	{ "udp4://[::1]:53", NULL, 0, "udp4://", "::1" },
	{ "udp6://127.0.0.1:53", NULL, 0, "udp6://", "127.0.0.1" },
	{ "localhost:80", NULL, F_SEQ, "--seqpacket", "localhost:80" },
	{ "tcp://localhost:80", NULL, F_SEQ, "--seqpacket contradicts tcp://",
	  NULL },
	{ "tcp://localhost:80", NULL, F_UNIX, "-U contradicts tcp://", NULL },
	{ "udp://localhost:80", NULL, F_UNIX, "-U contradicts udp://", NULL },
	{ "/tmp/s", NULL, F_4, "-4", "/tmp/s" },
	{ "unix:/tmp/s", NULL, F_6, "-6", "/tmp/s" },
	{ "sock", NULL, F_UNIX | F_4, "-4", "sock" },
	{ "/tmp/s", NULL, F_UDP | F_SEQ, "-u and --seqpacket", NULL },
	{ "unix-seqpacket:/tmp/s", NULL, F_UDP,
	  "-u contradicts unix-seqpacket:", NULL },
	{ "unix-dgram:/tmp/s", NULL, F_SEQ,
	  "--seqpacket contradicts unix-dgram:", NULL },

	/* AF_UNIX paths and names. */
	{ "unix:", NULL, 0, "empty unix socket path", NULL },
	{ "unix-dgram:", NULL, 0, "empty unix socket path", NULL },
	{ "unix:@", NULL, 0, "empty abstract socket name", NULL },
	{ "unix:/tmp/s", "80", 0, "unexpected argument '80'", "/tmp/s" },

	/* Port lists. */
	{ "localhost:8100-8000", NULL, F_LIST,
	  "port range 8100-8000 runs backwards in 'localhost:8100-8000'",
	  NULL },
	{ "127.0.0.1:100-50", NULL, F_LIST,
	  "port range 100-50 runs backwards in '127.0.0.1:100-50'", NULL },
	{ "localhost:1,,2", NULL, F_LIST, "bad port list in 'localhost:1,,2'",
	  NULL },
	{ "localhost:22,80,", NULL, F_LIST, "bad port list", NULL },
	{ "localhost:1-70000", NULL, F_LIST,
	  "port 70000 is outside 0-65535 in 'localhost:1-70000'", NULL },
};

static struct endpoint_flags
make_flags(unsigned f)
{
	struct endpoint_flags flags;

	memset(&flags, 0, sizeof(flags));
	flags.udp = (f & F_UDP) != 0;
	flags.unix_path = (f & F_UNIX) != 0;
	flags.seqpacket = (f & F_SEQ) != 0;
	flags.port_list = (f & F_LIST) != 0;
	flags.passive = (f & F_PASSIVE) != 0;
	flags.family = (f & F_4) ? AF_INET : (f & F_6) ? AF_INET6 : AF_UNSPEC;
	return flags;
}

/* Writes the arguments and flags of a case as a user would type them. */
static const char *
describe(char *buf, size_t cap, const char *arg, const char *second,
    unsigned f)
{
	static const struct {
		unsigned bit;
		const char *text;
	} names[] = {
		{ F_UDP, " -u" }, { F_UNIX, " -U" }, { F_SEQ, " --seqpacket" },
		{ F_4, " -4" }, { F_6, " -6" }, { F_LIST, " (port list)" },
		{ F_PASSIVE, " (passive)" },
	};
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb, buf, cap);
	strbuf_printf(&sb, "'%s'", arg);
	if (second != NULL)
		strbuf_printf(&sb, " '%s'", second);
	for (i = 0; i < ARRAY_LEN(names); i++)
		if (f & names[i].bit)
			strbuf_puts(&sb, names[i].text);
	return strbuf_str(&sb);
}

/* label replaces the argument in the description when it is too long. */
static void
check_valid(const struct valid_case *c, const char *label)
{
	struct endpoint_flags flags = make_flags(c->flags);
	struct endpoint ep;
	char err[256] = "", desc[200];
	int rc;

	unit_begin("endpoint parses %s", describe(desc, sizeof(desc),
	    label ? label : c->arg, c->second, c->flags));
	rc = endpoint_parse(c->arg, c->second, &flags, &ep, err, sizeof(err));
	if (!CHECK_INT(rc, 0)) {
		unit_diag("error: %s", err);
		unit_end();
		return;
	}
	if (CHECK(ep.row != NULL))
		CHECK_INT(ep.row->transport, c->transport);
	CHECK_INT(ep.family, c->family);
	CHECK_STR(ep.host, c->host);
	CHECK_STR(ep.port, c->port);
	CHECK_STR(ep.path, c->path);
	CHECK_INT(ep.path_len, strlen(c->path));
	CHECK_INT(ep.abstract, c->abstract);
	CHECK_STR(ep.text, c->text);
	if (ep.row != NULL) {
		CHECK_INT(endpoint_is_unix(&ep), c->family == AF_UNIX);
		CHECK_INT(endpoint_is_dgram(&ep),
		    c->transport == TRANSPORT_UDP ||
		    c->transport == TRANSPORT_UNIX_DGRAM);
	}
	unit_end();
}

/* A message names each operand once: 'X' no more than once in err. */
static void
check_named_once(const char *err, const char *operand)
{
	char quoted[300];
	const char *first;

	if (operand == NULL || *operand == '\0')
		return;
	snprintf(quoted, sizeof(quoted), "'%s'", operand);
	first = strstr(err, quoted);
	if (!CHECK(first == NULL || strstr(first + 1, quoted) == NULL))
		unit_diag("%s named twice in: %s", quoted, err);
}

static void
check_invalid(const struct invalid_case *c, const char *label)
{
	struct endpoint_flags flags = make_flags(c->flags);
	struct endpoint ep;
	char err[256] = "", desc[200];

	unit_begin("endpoint refuses %s", describe(desc, sizeof(desc),
	    label ? label : c->arg, c->second, c->flags));
	if (CHECK_INT(endpoint_parse(c->arg, c->second, &flags, &ep, err,
	    sizeof(err)), -1)) {
		CHECK_CONTAINS(err, c->needle);
		if (c->needle2 != NULL)
			CHECK_CONTAINS(err, c->needle2);
		check_named_once(err, c->arg);
		check_named_once(err, c->second);
	} else {
		unit_diag("parsed as '%s'", ep.text);
	}
	unit_end();
}

/* Arguments too long to write out: AF_UNIX limits, long hosts and names. */
static void
test_lengths(void)
{
	/* sun_path is 108 bytes: 107 and a NUL, or a NUL and 107. */
	char path107[108], path108[109];
	char arg[160], name[80], host[300];
	struct valid_case v;
	struct invalid_case bad;

	memset(path107, 'p', sizeof(path107));
	path107[0] = '/';
	path107[107] = '\0';
	memset(path108, 'p', sizeof(path108));
	path108[0] = '/';
	path108[108] = '\0';

	memset(&v, 0, sizeof(v));
	v.arg = arg;
	v.transport = TRANSPORT_UNIX_STREAM;
	v.family = AF_UNIX;
	v.host = "";
	v.port = "";
	v.path = path107;
	snprintf(arg, sizeof(arg), "unix:%s", path107);
	v.text = arg;
	check_valid(&v, "unix:PATH of 107 bytes, the longest");

	v.arg = path107;
	check_valid(&v, "/PATH of 107 bytes");

	/* An abstract name has the same room: sun_path[0] marks it. */
	snprintf(arg, sizeof(arg), "unix:@%s", path107);
	v.arg = arg;
	v.path = path107;
	v.abstract = true;
	check_valid(&v, "unix:@NAME of 107 bytes, the longest");

	memset(&bad, 0, sizeof(bad));
	snprintf(arg, sizeof(arg), "unix:%s", path108);
	bad.arg = arg;
	bad.needle = "sun_path";
	bad.needle2 = "107";
	check_invalid(&bad, "unix:PATH of 108 bytes");

	bad.arg = path108;
	check_invalid(&bad, "/PATH of 108 bytes");

	snprintf(arg, sizeof(arg), "unix:@%s", path108);
	bad.arg = arg;
	bad.needle = "name is 108 bytes";
	check_invalid(&bad, "unix:@NAME of 108 bytes");

	memset(host, 'h', sizeof(host));
	strcpy(host + 280, ":80");
	bad.arg = host;
	bad.needle = "host is longer than 255";
	bad.needle2 = NULL;
	check_invalid(&bad, "a host of 280 characters");

	/* Service names are short; 63 characters is the most accepted. */
	memset(name, 's', sizeof(name));
	name[63] = '\0';
	snprintf(arg, sizeof(arg), "localhost:%s", name);
	memset(&v, 0, sizeof(v));
	v.arg = arg;
	v.transport = TRANSPORT_TCP;
	v.family = AF_UNSPEC;
	v.host = "localhost";
	v.port = name;
	v.path = "";
	v.text = arg;
	check_valid(&v, "localhost:SERVICE of 63 characters");

	name[63] = 's';
	name[64] = '\0';
	snprintf(arg, sizeof(arg), "localhost:%s", name);
	bad.arg = arg;
	bad.needle = "too long";
	check_invalid(&bad, "localhost:SERVICE of 64 characters");
}

struct list_case {
	const char *spec;
	size_t max;
	int count;		/* -1: refused */
	struct port_range ranges[4];
	const char *needle;	/* for refused lists */
};

static const struct list_case list_cases[] = {
	{ "22,80,8000-8100", 8, 3, { { 22, 22 }, { 80, 80 },
	  { 8000, 8100 } }, NULL },
	{ "65535", 8, 1, { { 65535, 65535 } }, NULL },
	{ "1-65535", 8, 1, { { 1, 65535 } }, NULL },
	/* Port 0 is bind()'s "any": no port to check or let through. */
	{ "0", 8, -1, { { 0, 0 } }, "port 0 is for binding" },
	{ "0-65535", 8, -1, { { 0, 0 } }, "port 0 is for binding" },
	{ "22,000", 8, -1, { { 0, 0 } }, "port 0 in '22,000' is for binding" },
	{ "5-5", 8, 1, { { 5, 5 } }, NULL },
	{ "4,3,2,1", 8, 4, { { 4, 4 }, { 3, 3 }, { 2, 2 }, { 1, 1 } },
	  NULL },
	{ "1,2,3", 3, 3, { { 1, 1 }, { 2, 2 }, { 3, 3 } }, NULL },
	{ "1,2,3", 2, -1, { { 0, 0 } }, "more than 2 ranges" },
	{ "8100-8000", 8, -1, { { 0, 0 } }, "port range 8100-8000 runs "
	  "backwards" },
	{ "22,8100-8000", 8, -1, { { 0, 0 } }, "port range 8100-8000 runs "
	  "backwards in '22,8100-8000'" },
	{ "1-99999999999999999999999", 8, -1, { { 0, 0 } },
	  "port 99999999999999999999999 is outside" },
	{ "1,,2", 8, -1, { { 0, 0 } }, "bad port list '1,,2'" },
	{ "", 8, -1, { { 0, 0 } }, "empty port list" },
	{ ",1", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "1,", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "1-", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "-1", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "1-2-3", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "http", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "1, 2", 8, -1, { { 0, 0 } }, "bad port list" },
	{ "65536", 8, -1, { { 0, 0 } }, "outside 0-65535" },
	{ "1-65536", 8, -1, { { 0, 0 } }, "outside 0-65535" },
	{ "99999999999999999999999", 8, -1, { { 0, 0 } },
	  "outside 0-65535" },
};

static void
test_port_lists(void)
{
	size_t i;
	int j;

	for (i = 0; i < ARRAY_LEN(list_cases); i++) {
		const struct list_case *c = &list_cases[i];
		struct port_range got[8];
		char err[256] = "";
		int n;

		unit_begin("endpoint_port_list '%s' (at most %zu) %s", c->spec,
		    c->max, c->count < 0 ? "is refused" : "gives its ranges");
		n = endpoint_port_list(c->spec, got, c->max, err, sizeof(err));
		if (!CHECK_INT(n, c->count)) {
			unit_diag("error: %s", err);
		} else if (n < 0) {
			CHECK_CONTAINS(err, c->needle);
			check_named_once(err, c->spec);
		} else {
			for (j = 0; j < n; j++) {
				CHECK_INT(got[j].first, c->ranges[j].first);
				CHECK_INT(got[j].last, c->ranges[j].last);
			}
		}
		unit_end();
	}
}

/* connect -z walks a list by setting one port at a time. */
static void
check_set_port(const char *arg, unsigned f, unsigned port, const char *host,
    const char *text)
{
	struct endpoint_flags flags = make_flags(f);
	struct endpoint ep;
	char err[256] = "", want_port[16];

	unit_begin("endpoint_set_port %u on '%s'", port, arg);
	if (!CHECK_INT(endpoint_parse(arg, NULL, &flags, &ep, err,
	    sizeof(err)), 0)) {
		unit_diag("error: %s", err);
		unit_end();
		return;
	}
	endpoint_set_port(&ep, port);
	snprintf(want_port, sizeof(want_port), "%u", port);
	CHECK_STR(ep.port, want_port);
	CHECK_STR(ep.host, host);
	CHECK_STR(ep.text, text);
	unit_end();
}

static void
test_set_port(void)
{
	check_set_port("localhost:22,80,8000-8100", F_LIST, 8000, "localhost",
	    "localhost:8000");
	check_set_port("[::1]:1-3", F_LIST, 2, "::1", "[::1]:2");
	check_set_port(":1-3", F_LIST | F_PASSIVE, 3, "", ":3");
	check_set_port("127.0.0.1:80", 0, 65535, "127.0.0.1",
	    "127.0.0.1:65535");
	check_set_port("localhost:http", 0, 0, "localhost", "localhost:0");
}

/* The parser finds a row by indexing with the enum; the order must agree. */
static void
test_transport_rows(void)
{
	static const char *const schemes[] = {
		"tcp", "udp", "unix", "unix-dgram", "unix-seqpacket",
	};
	static const int socktypes[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM, SOCK_DGRAM,
		SOCK_SEQPACKET,
	};
	const struct transport_row *rows;
	size_t count, i;

	unit_begin("endpoint_transports lists every transport in enum order");
	rows = endpoint_transports(&count);
	if (CHECK_INT(count, ARRAY_LEN(schemes))) {
		for (i = 0; i < count; i++) {
			CHECK_INT(rows[i].transport, i);
			CHECK_STR(rows[i].scheme, schemes[i]);
			CHECK_INT(rows[i].socktype, socktypes[i]);
			CHECK_INT(rows[i].family,
			    i >= TRANSPORT_UNIX_STREAM ? AF_UNIX : AF_UNSPEC);
		}
	}
	unit_end();
}

void
test_endpoint(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(valid_cases); i++)
		check_valid(&valid_cases[i], NULL);
	for (i = 0; i < ARRAY_LEN(invalid_cases); i++)
		check_invalid(&invalid_cases[i], NULL);
	test_lengths();
	test_port_lists();
	test_set_port();
	test_transport_rows();
}
