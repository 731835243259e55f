/* endpoint.c: the endpoint grammar of SPEC "Endpoints", and resolving it. */
#include "compat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "endpoint.h"
#include "i18n.h"
#include "sys.h"

static const struct transport_row transport_rows[] = {
	{ TRANSPORT_TCP, "tcp", AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP },
	{ TRANSPORT_UDP, "udp", AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP },
	{ TRANSPORT_UNIX_STREAM, "unix", AF_UNIX, SOCK_STREAM, 0 },
	{ TRANSPORT_UNIX_DGRAM, "unix-dgram", AF_UNIX, SOCK_DGRAM, 0 },
	{ TRANSPORT_UNIX_SEQPACKET, "unix-seqpacket", AF_UNIX,
	  SOCK_SEQPACKET, 0 },
};

/* URL-style schemes: "tcp://", and the family-pinning "tcp4://" forms. */
struct ip_scheme {
	const char *name;
	enum transport transport;
	int family;
	bool tls;
};

static const struct ip_scheme ip_schemes[] = {
	{ "tcp", TRANSPORT_TCP, AF_UNSPEC, false },
	{ "udp", TRANSPORT_UDP, AF_UNSPEC, false },
	{ "tcp4", TRANSPORT_TCP, AF_INET, false },
	{ "tcp6", TRANSPORT_TCP, AF_INET6, false },
	{ "udp4", TRANSPORT_UDP, AF_INET, false },
	{ "udp6", TRANSPORT_UDP, AF_INET6, false },
	{ "tls", TRANSPORT_TCP, AF_UNSPEC, true },
};

/* TLS over a unix stream socket: the same as unix:PATH with --tls. */
#define TLS_UNIX_SCHEME "tls+unix:"

#define SCHEME_LIST "tcp, udp, tcp4, tcp6, udp4, udp6, tls, unix, " \
	"unix-dgram, unix-seqpacket, tls+unix"

const struct transport_row *
endpoint_transports(size_t *count)
{
	*count = ARRAY_LEN(transport_rows);
	return transport_rows;
}

static const struct transport_row *
row_of(enum transport t)
{
	return &transport_rows[t];
}

bool
endpoint_is_unix(const struct endpoint *ep)
{
	return ep->row->family == AF_UNIX;
}

bool
endpoint_is_dgram(const struct endpoint *ep)
{
	return ep->row->socktype == SOCK_DGRAM;
}

static const char *
family_flag(int family)
{
	return family == AF_INET ? "-4" : "-6";
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Fills the canonical text from host and port: "host:80", "[::1]:80". */
static void
set_ip_text(struct endpoint *ep)
{
	if (strchr(ep->host, ':') != NULL)
		snprintf(ep->text, sizeof(ep->text), "[%s]:%s", ep->host,
		    ep->port);
	else
		snprintf(ep->text, sizeof(ep->text), "%s:%s", ep->host,
		    ep->port);
}

void
endpoint_set_port(struct endpoint *ep, unsigned port)
{
	snprintf(ep->port, sizeof(ep->port), "%u", port);
	set_ip_text(ep);
}

void
endpoint_addr_set_port(struct endpoint_addr *a, unsigned port)
{
	if (a->family == AF_INET)
		((struct sockaddr_in *)&a->sa)->sin_port = htons((uint16_t)port);
	else if (a->family == AF_INET6)
		((struct sockaddr_in6 *)&a->sa)->sin6_port =
		    htons((uint16_t)port);
}

/*
 * Writes " in 'WHOLE'" for a message about part (len bytes) of whole, or
 * nothing when the part is all of it: a message names its operand once.
 */
static const char *
in_whole(const char *part, size_t len, const char *whole, char *buf,
    size_t cap)
{
	if (strlen(whole) == len && strncmp(part, whole, len) == 0)
		return "";
	snprintf(buf, cap, _(" in '%s'"), whole);
	return buf;
}

/*
 * endpoint_port_list, with messages that name where the list stands:
 * whole is the endpoint it came in ("localhost:1-9"), or spec itself.
 */
static int
port_list(const char *spec, const char *whole, struct port_range *ranges,
    size_t max, char *err, size_t errlen)
{
	const char *p = spec;
	size_t n = 0;

	if (*spec == '\0') {
		snprintf(err, errlen, "%s", _("empty port list"));
		return -1;
	}
	while (*p != '\0') {
		const char *start = p, *bad_port;
		char *end, *first_end, where[ENDPOINT_TEXT_MAX + 8];
		unsigned long first, last;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		first = strtoul(p, &end, 10);
		first_end = end;
		last = first;
		if (*end == '-') {
			p = end + 1;
			if (!isdigit((unsigned char)*p))
				goto bad;
			last = strtoul(p, &end, 10);
		}
		if (errno != 0 || first > 65535 || last > 65535) {
			/* Name the number that is too big, as it was written. */
			bad_port = first > 65535 ? start : p;
			if (bad_port == start)
				end = first_end;
			snprintf(err, errlen,
			    _("port %.*s is outside 0-65535%s"),
			    (int)(end - bad_port > 40 ? 40 : end - bad_port),
			    bad_port, in_whole(bad_port, (size_t)(end -
			    bad_port), whole, where, sizeof(where)));
			return -1;
		}
		/*
		 * As for one port: 0 asks bind() for a free one, and no
		 * peer is there to check or to be let through to.
		 */
		if (first == 0) {
			snprintf(err, errlen, _("port 0%s is for binding (the "
			    "kernel picks a free one): a port list takes ports "
			    "from 1 to 65535"), in_whole(start, (size_t)(end -
			    start), whole, where, sizeof(where)));
			return -1;
		}
		if (first > last) {
			snprintf(err, errlen, _("port range %lu-%lu runs "
			    "backwards%s"), first, last, in_whole(start,
			    (size_t)(end - start), whole, where,
			    sizeof(where)));
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, _("more than %zu ranges in "
			    "'%s'"), max, whole);
			return -1;
		}
		ranges[n].first = (unsigned)first;
		ranges[n].last = (unsigned)last;
		n++;
		p = end;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				goto bad;
		} else if (*p != '\0') {
			goto bad;
		}
	}
	return (int)n;
bad:
	snprintf(err, errlen, whole != spec ?
	    _("bad port list in '%s': write PORT,PORT,FIRST-LAST") :
	    _("bad port list '%s': write PORT,PORT,FIRST-LAST"), whole);
	return -1;
}

int
endpoint_port_list(const char *spec, struct port_range *ranges, size_t max,
    char *err, size_t errlen)
{
	return port_list(spec, spec, ranges, max, err, errlen);
}

/* Checks the port of whole, the endpoint as written, for the messages. */
static int
check_port(const char *port, const char *whole,
    const struct endpoint_flags *flags, char *err, size_t errlen)
{
	const char *s;
	char where[ENDPOINT_TEXT_MAX + 8];

	if (*port == '\0') {
		snprintf(err, errlen, _("missing port in '%s'"), whole);
		return -1;
	}
	if (all_digits(port)) {
		const char *digits = port;

		/* Leading zeros change nothing: 000080 is port 80. */
		while (digits[0] == '0' && digits[1] != '\0')
			digits++;
		if (strlen(digits) > 5 || atol(digits) > 65535) {
			snprintf(err, errlen, _("port %s is outside 0-65535%s"),
			    port, in_whole(port, strlen(port), whole, where,
			    sizeof(where)));
			return -1;
		}
		/*
		 * Port 0 asks bind() for any free port; no server listens
		 * on it, and connect() there is refused or invalid.
		 */
		if (!flags->passive && atol(digits) == 0) {
			snprintf(err, errlen, _("port 0 in '%s' is for binding "
			    "(the kernel picks a free one): connect to a "
			    "port from 1 to 65535"), whole);
			return -1;
		}
		return 0;
	}
	if (isdigit((unsigned char)*port)) {
		struct port_range ranges[ENDPOINT_PORT_RANGES_MAX];

		if (flags->port_list && strspn(port, "0123456789,-") ==
		    strlen(port))
			return port_list(port, whole, ranges,
			    ARRAY_LEN(ranges), err, errlen) < 0 ? -1 : 0;
		if (!flags->passive && strspn(port, "0123456789,-") ==
		    strlen(port)) {
			snprintf(err, errlen, _("a port list such as '%s' in "
			    "'%s' is for connect -z, which checks each port"),
			    port, whole);
			return -1;
		}
		snprintf(err, errlen, _("bad port '%s'%s: a number from 0 to "
		    "65535 or a service name"), port, in_whole(port,
		    strlen(port), whole, where, sizeof(where)));
		return -1;
	}
	/* Service names (services(5)) start with a letter. */
	for (s = port; *s; s++) {
		if ((s == port && !isalpha((unsigned char)*s)) ||
		    (!isalnum((unsigned char)*s) && strchr("-_.+", *s) == NULL)) {
			snprintf(err, errlen, _("bad port or service name "
			    "'%s'%s"), port, in_whole(port, strlen(port), whole,
			    where, sizeof(where)));
			return -1;
		}
	}
	if (strlen(port) >= 64) {
		snprintf(err, errlen, _("service name '%.20s...' is too long"),
		    port);
		return -1;
	}
	return 0;
}

int
endpoint_check_port(const char *port, char *err, size_t errlen)
{
	const struct endpoint_flags bind_side = { .passive = true };

	return check_port(port, port, &bind_side, err, errlen);
}

static int
check_host(struct endpoint *ep, const struct endpoint_flags *flags,
    bool bracketed, char *err, size_t errlen)
{
	const char *s;
	struct in_addr v4;
	struct in6_addr v6;
	char plain[ENDPOINT_HOST_MAX];
	char *pct;

	for (s = ep->host; *s; s++) {
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s) ||
		    strchr("[]/@", *s) != NULL) {
			if (isprint((unsigned char)*s))
				snprintf(err, errlen,
				    _("bad character '%c' in host '%s'"), *s,
				    ep->host);
			else
				snprintf(err, errlen,
				    _("bad character \\x%02x in host '%s'"),
				    (unsigned char)*s, ep->host);
			return -1;
		}
	}
	strcpy(plain, ep->host);
	pct = strchr(plain, '%');
	if (pct != NULL) {
		if (!bracketed && strchr(plain, ':') == NULL) {
			snprintf(err, errlen, _("a %%scope belongs to an IPv6 "
			    "address: '%s'"), ep->host);
			return -1;
		}
		if (pct[1] == '\0') {
			snprintf(err, errlen,
			    _("empty scope after '%%' in '%s'"), ep->host);
			return -1;
		}
		*pct = '\0';
	}
	if (bracketed || strchr(plain, ':') != NULL) {
		if (inet_pton(AF_INET6, plain, &v6) != 1) {
			snprintf(err, errlen, _("'%s' is not an IPv6 address"),
			    ep->host);
			return -1;
		}
		if (flags->family == AF_INET || ep->family == AF_INET) {
			snprintf(err, errlen, _("%s%s contradicts the IPv6 "
			    "address %s"), flags->family == AF_INET ? "-4" :
			    ep->row->scheme, flags->family == AF_INET ? "" :
			    "4://", ep->host);
			return -1;
		}
		ep->family = AF_INET6;
	} else if (inet_pton(AF_INET, plain, &v4) == 1) {
		if (flags->family == AF_INET6 || ep->family == AF_INET6) {
			snprintf(err, errlen, _("%s%s contradicts the IPv4 "
			    "address %s"), flags->family == AF_INET6 ? "-6" :
			    ep->row->scheme, flags->family == AF_INET6 ? "" :
			    "6://", ep->host);
			return -1;
		}
		ep->family = AF_INET;
	}
	return 0;
}

/*
 * The host <broadcast>, as Python's socket module and many a course spell
 * INADDR_BROADCAST: 255.255.255.255, which only a UDP socket over IPv4
 * can send to. Returns 0, or -1 with a message in err.
 */
static int
name_broadcast(struct endpoint *ep, const struct endpoint_flags *flags,
    char *err, size_t errlen)
{
	if (ep->row->socktype != SOCK_DGRAM) {
		snprintf(err, errlen, _("<broadcast> is an address for UDP "
		    "datagrams (-u), not for %s"), ep->row->scheme);
		return -1;
	}
	if (flags->family == AF_INET6 || ep->family == AF_INET6) {
		snprintf(err, errlen, "%s", _("<broadcast> is IPv4's "
		    "255.255.255.255; IPv6 has no broadcast (use a multicast "
		    "group such as ff02::1)"));
		return -1;
	}
	strcpy(ep->host, "255.255.255.255");
	ep->broadcast = true;
	return 0;
}

/* too_long: the message, with the most characters there is room for. */
static int
copy_part(char *dst, size_t cap, const char *src, size_t len,
    const char *too_long, char *err, size_t errlen)
{
	if (len >= cap) {
		snprintf(err, errlen, too_long, cap - 1);
		return -1;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* Writes c as a message shows it: \r, \n, \t, or \xHH. */
static void
show_control(char *out, size_t cap, unsigned char c)
{
	if (c == '\r' || c == '\n' || c == '\t')
		snprintf(out, cap, "\\%c", c == '\r' ? 'r' : c == '\n' ? 'n' :
		    't');
	else
		snprintf(out, cap, "\\x%02x", c);
}

/*
 * Refuses a control character in an IP endpoint. No name or address
 * holds one, and a CR LF in a host would end a line of an HTTP proxy's
 * request early: what follows it would be a header of the user's making.
 * The message escapes the operand, so a newline cannot reach the terminal.
 */
static int
check_control(const char *rest, char *err, size_t errlen)
{
	char shown[256], one[8];
	const char *p, *bad, *start, *end;
	const char *colon = strrchr(rest, ':'), *close = strchr(rest, ']');
	bool in_port;
	size_t n = 0;

	for (bad = rest; *bad != '\0'; bad++)
		if ((unsigned char)*bad < 0x20 || *bad == 0x7f)
			break;
	if (*bad == '\0')
		return 0;
	/* [V6]:PORT: the port's colon is the one after the bracket. */
	if (rest[0] == '[')
		colon = close != NULL && close[1] == ':' ? close + 1 : NULL;
	in_port = colon != NULL && bad > colon;
	start = in_port ? colon + 1 : rest + (rest[0] == '[');
	end = in_port ? rest + strlen(rest) : rest[0] == '[' && close != NULL ?
	    close : colon != NULL ? colon : rest + strlen(rest);
	show_control(one, sizeof(one), (unsigned char)*bad);
	shown[0] = '\0';
	for (p = start; p < end && n + 8 < sizeof(shown); p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			char e[8];

			show_control(e, sizeof(e), (unsigned char)*p);
			n += (size_t)snprintf(shown + n, sizeof(shown) - n, "%s",
			    e);
		} else {
			shown[n++] = *p;
			shown[n] = '\0';
		}
	}
	snprintf(err, errlen, in_port ? _("bad character %s in port '%s'") :
	    _("bad character %s in host '%s'"), one, shown);
	return -1;
}

/* HOST:PORT, [V6]:PORT, :PORT, PORT, or HOST with the port in second. */
static int
parse_ip(const char *rest, const char *second,
    const struct endpoint_flags *flags, struct endpoint *ep,
    char *err, size_t errlen)
{
	const char *host = rest, *port = NULL, *colon;
	char words[2 * ENDPOINT_TEXT_MAX + 2];
	size_t hostlen;
	bool bracketed = false;

	if (check_control(rest, err, errlen) < 0)
		return -1;
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');

		if (close == NULL) {
			snprintf(err, errlen, _("unbalanced '[' in '%s'"),
			    rest);
			return -1;
		}
		host = rest + 1;
		hostlen = (size_t)(close - host);
		bracketed = true;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0') {
			snprintf(err, errlen, _("unexpected '%s' after ']' in "
			    "'%s'"), close + 1, rest);
			return -1;
		}
		if (hostlen == 0) {
			snprintf(err, errlen, _("empty host in '%s'"), rest);
			return -1;
		}
	} else if (strchr(rest, ']') != NULL) {
		snprintf(err, errlen, _("unbalanced ']' in '%s'"), rest);
		return -1;
	} else if (strchr(rest, '[') != NULL) {
		snprintf(err, errlen, _("a '[' may only open the host, as in "
		    "[::1]:80: '%s'"), rest);
		return -1;
	} else if ((colon = strchr(rest, ':')) == NULL) {
		if (second == NULL && all_digits(rest)) {
			port = rest;
			hostlen = 0;
		} else {
			hostlen = strlen(rest);
		}
	} else if (strchr(colon + 1, ':') != NULL) {
		/* Several colons: a bare IPv6 address, legal only as HOST PORT. */
		if (second == NULL) {
			size_t alen = 0;
			int split = addr_v6_port_split(rest, strlen(rest),
			    &alen);

			/* Brackets stay required: the advice is the reading. */
			if (split == 1)
				snprintf(err, errlen, _("an IPv6 address with "
				    "a port needs brackets: write [%.*s]:%s"),
				    (int)alen, rest, rest + alen + 1);
			else if (split == 2)
				snprintf(err, errlen, _("an IPv6 address with "
				    "a port needs brackets, and '%s' reads two "
				    "ways: write [%.*s]:%s for port %s of %.*s, "
				    "or [%s]:PORT"), rest, (int)alen, rest,
				    rest + alen + 1, rest + alen + 1,
				    (int)alen, rest, rest);
			else
				snprintf(err, errlen, _("an IPv6 address with "
				    "a port needs brackets: write [%s]:PORT"),
				    rest);
			return -1;
		}
		hostlen = strlen(rest);
	} else {
		hostlen = (size_t)(colon - rest);
		port = colon + 1;
		if (*port == '\0') {
			snprintf(err, errlen,
			    _("missing port after ':' in '%s'"), rest);
			return -1;
		}
	}
	if (port != NULL && second != NULL) {
		snprintf(err, errlen, _("port given twice: '%s' and '%s'"),
		    rest, second);
		return -1;
	}
	if (port == NULL)
		port = second;
	if (port == NULL) {
		snprintf(err, errlen,
		    _("missing port in '%s': write HOST:PORT"), rest);
		return -1;
	}
	if (copy_part(ep->host, sizeof(ep->host), host, hostlen,
	    _("host is longer than %zu characters"), err, errlen) < 0 ||
	    copy_part(ep->port, sizeof(ep->port), port, strlen(port),
	    _("port is longer than %zu characters"), err, errlen) < 0)
		return -1;
	/* A port given as its own word is quoted with the host's word. */
	if (port == second)
		snprintf(words, sizeof(words), "%s %s", rest, second);
	if (check_port(ep->port, port == second ? words : rest, flags, err,
	    errlen) < 0)
		return -1;
	if (strcmp(ep->host, "<broadcast>") == 0 &&
	    name_broadcast(ep, flags, err, errlen) < 0)
		return -1;
	if (ep->host[0] != '\0' &&
	    check_host(ep, flags, bracketed, err, errlen) < 0)
		return -1;
	if (ep->host[0] == '\0' && !flags->passive)
		strcpy(ep->host, "localhost");
	if (flags->family != AF_UNSPEC)
		ep->family = flags->family;
	set_ip_text(ep);
	return 0;
}

static int
parse_unix(const char *path, enum transport transport, const char *second,
    const struct endpoint_flags *flags, struct endpoint *ep,
    char *err, size_t errlen)
{
	size_t len = strlen(path);
	size_t limit = sizeof(ep->path) - 1;

	if (flags->family != AF_UNSPEC) {
		snprintf(err, errlen, _("%s applies to IP endpoints, not the "
		    "unix socket '%s'"), family_flag(flags->family), path);
		return -1;
	}
	if (second != NULL) {
		snprintf(err, errlen, _("unexpected argument '%s' after the "
		    "unix socket '%s'"), second, path);
		return -1;
	}
	ep->row = row_of(transport);
	ep->family = AF_UNIX;
	if (path[0] == '@') {
		ep->abstract = true;
		path++;
		len--;
		if (len == 0) {
			snprintf(err, errlen, "%s", _("empty abstract socket "
			    "name after '@'"));
			return -1;
		}
	} else if (len == 0) {
		snprintf(err, errlen, "%s", _("empty unix socket path"));
		return -1;
	}
	if (len > limit) {
		snprintf(err, errlen, ep->abstract ?
		    _("unix socket name is %zu bytes; the limit is %zu "
		    "(sizeof sun_path, less one)") :
		    _("unix socket path is %zu bytes; the limit is %zu "
		    "(sizeof sun_path, less one)"), len, limit);
		return -1;
	}
	memcpy(ep->path, path, len);
	ep->path[len] = '\0';
	ep->path_len = len;
	snprintf(ep->text, sizeof(ep->text), "%s:%s%s", ep->row->scheme,
	    ep->abstract ? "@" : "", path);
	return 0;
}

/* Picks the unix transport from the scheme and -u/--seqpacket. */
static int
unix_transport(enum transport scheme, bool explicit_scheme,
    const struct endpoint_flags *flags, enum transport *out,
    char *err, size_t errlen)
{
	if (flags->udp && flags->seqpacket) {
		snprintf(err, errlen, "%s", _("-u and --seqpacket contradict "
		    "each other"));
		return -1;
	}
	if (flags->udp) {
		if (explicit_scheme && scheme != TRANSPORT_UNIX_STREAM &&
		    scheme != TRANSPORT_UNIX_DGRAM) {
			snprintf(err, errlen, _("-u contradicts %s:"),
			    row_of(scheme)->scheme);
			return -1;
		}
		*out = TRANSPORT_UNIX_DGRAM;
	} else if (flags->seqpacket) {
		if (explicit_scheme && scheme != TRANSPORT_UNIX_STREAM &&
		    scheme != TRANSPORT_UNIX_SEQPACKET) {
			snprintf(err, errlen, _("--seqpacket contradicts %s:"),
			    row_of(scheme)->scheme);
			return -1;
		}
		*out = TRANSPORT_UNIX_SEQPACKET;
	} else {
		*out = scheme;
	}
	return 0;
}

/* Matches "unix:", "unix-dgram:", "unix-seqpacket:" (and "unix://"). */
static const char *
match_unix_scheme(const char *arg, enum transport *transport)
{
	size_t i;

	for (i = TRANSPORT_UNIX_STREAM; i < ARRAY_LEN(transport_rows); i++) {
		size_t n = strlen(transport_rows[i].scheme);

		if (strncasecmp(arg, transport_rows[i].scheme, n) == 0 &&
		    arg[n] == ':') {
			*transport = transport_rows[i].transport;
			arg += n + 1;
			if (strncmp(arg, "//", 2) == 0)
				arg += 2;
			return arg;
		}
	}
	return NULL;
}

int
endpoint_parse(const char *arg, const char *second,
    const struct endpoint_flags *flags, struct endpoint *ep,
    char *err, size_t errlen)
{
	const char *sep, *rest;
	enum transport transport;
	size_t i;

	memset(ep, 0, sizeof(*ep));
	ep->family = AF_UNSPEC;
	if (arg == NULL || *arg == '\0') {
		snprintf(err, errlen, "%s", _("empty endpoint"));
		return -1;
	}
	if (strncasecmp(arg, TLS_UNIX_SCHEME, strlen(TLS_UNIX_SCHEME)) == 0) {
		rest = arg + strlen(TLS_UNIX_SCHEME);
		if (strncmp(rest, "//", 2) == 0)
			rest += 2;
		if (flags->udp || flags->seqpacket) {
			snprintf(err, errlen, _("%s contradicts tls+unix: (TLS "
			    "needs a stream)"), flags->udp ? "-u" :
			    "--seqpacket");
			return -1;
		}
		if (parse_unix(rest, TRANSPORT_UNIX_STREAM, second, flags, ep,
		    err, errlen) < 0)
			return -1;
		ep->tls = true;
		return 0;
	}
	if ((rest = match_unix_scheme(arg, &transport)) != NULL) {
		if (unix_transport(transport, true, flags, &transport, err,
		    errlen) < 0)
			return -1;
		return parse_unix(rest, transport, second, flags, ep, err,
		    errlen);
	}
	sep = strstr(arg, "://");
	if (sep != NULL) {
		const struct ip_scheme *scheme = NULL;
		size_t n = (size_t)(sep - arg);

		for (i = 0; i < ARRAY_LEN(ip_schemes); i++)
			if (strlen(ip_schemes[i].name) == n &&
			    strncasecmp(arg, ip_schemes[i].name, n) == 0)
				scheme = &ip_schemes[i];
		if (scheme == NULL) {
			snprintf(err, errlen, _("unknown scheme '%.*s://' "
			    "(known: %s)"), (int)(n > 32 ? 32 : n), arg,
			    SCHEME_LIST);
			return -1;
		}
		if (flags->unix_path || flags->seqpacket) {
			snprintf(err, errlen, _("%s contradicts %s://"),
			    flags->unix_path ? "-U" : "--seqpacket",
			    scheme->name);
			return -1;
		}
		if (flags->udp && scheme->transport != TRANSPORT_UDP) {
			snprintf(err, errlen, _("-u contradicts %s://"),
			    scheme->name);
			return -1;
		}
		if (scheme->family != AF_UNSPEC && flags->family !=
		    AF_UNSPEC && scheme->family != flags->family) {
			snprintf(err, errlen, _("%s contradicts %s://"),
			    family_flag(flags->family), scheme->name);
			return -1;
		}
		ep->row = row_of(scheme->transport);
		ep->family = scheme->family;
		if (sep[3] == '\0') {
			snprintf(err, errlen, _("nothing after '%s'"), arg);
			return -1;
		}
		if (parse_ip(sep + 3, second, flags, ep, err, errlen) < 0)
			return -1;
		ep->tls = scheme->tls;
		return 0;
	}
	if (flags->unix_path || strchr(arg, '/') != NULL) {
		if (unix_transport(TRANSPORT_UNIX_STREAM, false, flags,
		    &transport, err, errlen) < 0)
			return -1;
		return parse_unix(arg, transport, second, flags, ep, err,
		    errlen);
	}
	if (flags->seqpacket) {
		snprintf(err, errlen, _("--seqpacket needs a unix endpoint, "
		    "not '%s'"), arg);
		return -1;
	}
	ep->row = row_of(flags->udp ? TRANSPORT_UDP : TRANSPORT_TCP);
	if (second == NULL && strpbrk(arg, ":[]") == NULL && !all_digits(arg)) {
		/* A host without a port, or a unix socket file without ./ */
		snprintf(err, errlen, _("missing port in '%s': write "
		    "HOST:PORT, or ./%s or unix:%s for a unix socket"), arg,
		    arg, arg);
		return -1;
	}
	return parse_ip(arg, second, flags, ep, err, errlen);
}

/* A passive wildcard lists :: first so one dual-stack socket serves both. */
static void
prefer_ipv6_wildcard(struct endpoint_addr *out, int n)
{
	int i;

	for (i = 1; i < n; i++) {
		if (out[i].family == AF_INET6 && out[0].family == AF_INET) {
			struct endpoint_addr tmp = out[0];

			out[0] = out[i];
			out[i] = tmp;
			return;
		}
	}
}

int
endpoint_resolve(const struct endpoint *ep, bool passive,
    struct endpoint_addr *out, size_t max, int *eai)
{
	struct addrinfo hints, *list, *ai;
	int n = 0, rc;

	*eai = 0;
	if (endpoint_is_unix(ep)) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&out[0].sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);

		memset(&out[0], 0, sizeof(out[0]));
		sun->sun_family = AF_UNIX;
		if (ep->abstract) {
			/* The length, not a NUL, ends an abstract name. */
			memcpy(sun->sun_path + 1, ep->path, ep->path_len);
			out[0].len = (socklen_t)(off + 1 + ep->path_len);
		} else {
			memcpy(sun->sun_path, ep->path, ep->path_len);
			out[0].len = (socklen_t)(off + ep->path_len + 1);
		}
		out[0].family = AF_UNIX;
		out[0].socktype = ep->row->socktype;
		out[0].protocol = 0;
		return 1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = ep->family;
	hints.ai_socktype = ep->row->socktype;
	hints.ai_protocol = ep->row->protocol;
	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	rc = sys_getaddrinfo(ep->host[0] ? ep->host : NULL, ep->port, &hints,
	    &list);
	if (rc != 0) {
		*eai = rc;
		return -1;
	}
	for (ai = list; ai != NULL && (size_t)n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out[n].sa))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n].sa, ai->ai_addr, ai->ai_addrlen);
		out[n].len = ai->ai_addrlen;
		out[n].family = ai->ai_family;
		out[n].socktype = ai->ai_socktype;
		out[n].protocol = ai->ai_protocol;
		n++;
	}
	freeaddrinfo(list);
	if (passive && ep->host[0] == '\0')
		prefer_ipv6_wildcard(out, n);
	return n;
}
