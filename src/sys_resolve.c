/* sys_resolve.c: the socket layer's resolver calls, getaddrinfo to inet_ntop. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "trace.h"

static void
trace_hints(struct strbuf *sb, const struct addrinfo *hints)
{
	static const struct {
		int bit;
		const char *name;
	} flags[] = {
		{ AI_PASSIVE, "AI_PASSIVE" }, { AI_CANONNAME, "AI_CANONNAME" },
		{ AI_NUMERICHOST, "AI_NUMERICHOST" },
		{ AI_NUMERICSERV, "AI_NUMERICSERV" },
		{ AI_ADDRCONFIG, "AI_ADDRCONFIG" },
		{ AI_V4MAPPED, "AI_V4MAPPED" }, { AI_ALL, "AI_ALL" },
	};
	const char *sep = ", ";
	size_t i;

	strbuf_puts(sb, "{");
	trace_name(sb, trace_family_name(hints->ai_family), hints->ai_family);
	strbuf_puts(sb, ", ");
	trace_name(sb, trace_socktype_name(hints->ai_socktype),
	    hints->ai_socktype);
	/* ai_flags is one field: its bits joined as C joins them. */
	for (i = 0; i < ARRAY_LEN(flags); i++)
		if (hints->ai_flags & flags[i].bit) {
			strbuf_printf(sb, "%s%s", sep, flags[i].name);
			sep = "|";
		}
	strbuf_puts(sb, "}");
}

static void
getaddrinfo_args(struct strbuf *sb, const char *host, const char *service,
    const struct addrinfo *hints)
{
	strbuf_puts(sb, "getaddrinfo(");
	sys_trace_quoted(sb, host);
	strbuf_puts(sb, ", ");
	sys_trace_quoted(sb, service);
	strbuf_puts(sb, ", ");
	trace_hints(sb, hints);
	strbuf_puts(sb, ")");
}

int
sys_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **result)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	if (step_wanted()) {
		trace_begin(&sb, line, sizeof(line));
		getaddrinfo_args(&sb, host, service, hints);
		step_pause(&sb);
	}
	rc = getaddrinfo(host, service, hints, result);
	err = errno;
	sys_trace_getaddrinfo(host, service, hints, rc, rc == 0 ? *result :
	    NULL);
	errno = err;
	return rc;
}

void
sys_trace_getaddrinfo(const char *host, const char *service,
    const struct addrinfo *hints, int rc, const struct addrinfo *result)
{
	char line[TRACE_LINE_MAX], text[ADDR_TEXT_MAX];
	struct strbuf sb;
	const struct addrinfo *ai;

	if (!sys_tracing())
		return;
	trace_begin(&sb, line, sizeof(line));
	getaddrinfo_args(&sb, host, service, hints);
	strbuf_puts(&sb, " = ");
	if (rc != 0) {
		trace_name(&sb, trace_eai_name(rc), rc);
		strbuf_printf(&sb, " (%s)", i18n_eai_text_english(rc));
	} else {
		strbuf_puts(&sb, "[");
		for (ai = result; ai != NULL; ai = ai->ai_next) {
			strbuf_puts(&sb, addr_format(ai->ai_addr,
			    ai->ai_addrlen, text, sizeof(text)));
			if (ai->ai_next != NULL)
				strbuf_puts(&sb, ", ");
		}
		strbuf_puts(&sb, "]");
	}
	trace_emit(&sb);
}

/* Appends ", NI_NAMEREQD|NI_DGRAM" and the like; nothing for no flags. */
static void
trace_ni_flags(struct strbuf *sb, int flags)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ NI_NUMERICHOST, "NI_NUMERICHOST" },
		{ NI_NUMERICSERV, "NI_NUMERICSERV" },
		{ NI_NOFQDN, "NI_NOFQDN" }, { NI_NAMEREQD, "NI_NAMEREQD" },
		{ NI_DGRAM, "NI_DGRAM" },
	};
	const char *sep = ", ";
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		if (flags & names[i].bit) {
			strbuf_printf(sb, "%s%s", sep, names[i].name);
			sep = "|";
		}
	}
}

int
sys_getnameinfo(const struct sockaddr *sa, socklen_t len, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	rc = getnameinfo(sa, len, host, hostlen, serv, servlen, flags);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getnameinfo(");
	trace_sockaddr(&sb, sa, len);
	trace_ni_flags(&sb, flags);
	strbuf_puts(&sb, ") = ");
	if (rc != 0) {
		trace_name(&sb, trace_eai_name(rc), rc);
		strbuf_printf(&sb, " (%s)", i18n_eai_text_english(rc));
	} else {
		strbuf_printf(&sb, "0 {host=\"%s\", serv=\"%s\"}",
		    host ? host : "", serv ? serv : "");
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}

static void
trace_servent(struct strbuf *sb, const struct servent *se)
{
	if (se == NULL) {
		strbuf_puts(sb, " = NULL");
		return;
	}
	strbuf_printf(sb, " = {s_name=\"%s\", s_port=htons(%d), "
	    "s_proto=\"%s\"}", se->s_name, ntohs((uint16_t)se->s_port),
	    se->s_proto);
}

struct servent *
sys_getservbyname(const char *name, const char *proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct servent *se = getservbyname(name, proto);
	int err = errno;

	if (!sys_tracing())
		return se;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getservbyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ", ");
	sys_trace_quoted(&sb, proto);
	strbuf_puts(&sb, ")");
	trace_servent(&sb, se);
	trace_emit(&sb);
	errno = err;
	return se;
}

struct servent *
sys_getservbyport(int port_net, const char *proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct servent *se = getservbyport(port_net, proto);
	int err = errno;

	if (!sys_tracing())
		return se;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getservbyport(htons(%d), ",
	    ntohs((uint16_t)port_net));
	sys_trace_quoted(&sb, proto);
	strbuf_puts(&sb, ")");
	trace_servent(&sb, se);
	trace_emit(&sb);
	errno = err;
	return se;
}

/* The list of a hostent or protoent as C would write it: ["a", "b"]. */
static void
trace_aliases(struct strbuf *sb, char *const *aliases)
{
	const char *sep = "";

	strbuf_puts(sb, "[");
	for (; aliases != NULL && *aliases != NULL; aliases++) {
		strbuf_puts(sb, sep);
		sys_trace_quoted(sb, *aliases);
		sep = ", ";
	}
	strbuf_puts(sb, "]");
}

/* " = {h_name=...}", or " = NULL" and h_errno by name. */
static void
trace_hostent(struct strbuf *sb, const struct hostent *he, int herr)
{
	char text[INET6_ADDRSTRLEN];
	char *const *a;
	const char *sep = "";

	if (he == NULL) {
		strbuf_puts(sb, " = NULL (h_errno=");
		trace_name(sb, trace_herror_name(herr), herr);
		strbuf_puts(sb, ")");
		return;
	}
	strbuf_puts(sb, " = {h_name=");
	sys_trace_quoted(sb, he->h_name);
	strbuf_puts(sb, ", h_aliases=");
	trace_aliases(sb, he->h_aliases);
	strbuf_puts(sb, ", h_addrtype=");
	trace_name(sb, trace_family_name(he->h_addrtype), he->h_addrtype);
	strbuf_printf(sb, ", h_length=%d, h_addr_list=[", he->h_length);
	for (a = he->h_addr_list; a != NULL && *a != NULL; a++) {
		if (inet_ntop(he->h_addrtype, *a, text, sizeof(text)) == NULL)
			snprintf(text, sizeof(text), "?");
		strbuf_printf(sb, "%s%s", sep, text);
		sep = ", ";
	}
	strbuf_puts(sb, "]}");
}

struct hostent *
sys_gethostbyname(const char *name, int *herr)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct hostent *he = gethostbyname(name);
	int err = errno;

	/* The old calls report through h_errno, not errno. */
	*herr = he == NULL ? h_errno : 0;
	if (!sys_tracing())
		return he;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostbyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ")");
	trace_hostent(&sb, he, *herr);
	trace_emit(&sb);
	errno = err;
	return he;
}

struct hostent *
sys_gethostbyaddr(const void *addr, socklen_t len, int family, int *herr)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct hostent *he = gethostbyaddr(addr, len, family);
	int err = errno;
	socklen_t i;

	*herr = he == NULL ? h_errno : 0;
	if (!sys_tracing())
		return he;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostbyaddr([");
	for (i = 0; i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)addr)[i]);
	strbuf_printf(&sb, "], %u, ", (unsigned)len);
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ")");
	trace_hostent(&sb, he, *herr);
	trace_emit(&sb);
	errno = err;
	return he;
}

static void
trace_protoent(struct strbuf *sb, const struct protoent *pe)
{
	if (pe == NULL) {
		strbuf_puts(sb, " = NULL");
		return;
	}
	strbuf_puts(sb, " = {p_name=");
	sys_trace_quoted(sb, pe->p_name);
	strbuf_puts(sb, ", p_aliases=");
	trace_aliases(sb, pe->p_aliases);
	strbuf_printf(sb, ", p_proto=%d}", pe->p_proto);
}

struct protoent *
sys_getprotobyname(const char *name)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct protoent *pe = getprotobyname(name);
	int err = errno;

	if (!sys_tracing())
		return pe;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "getprotobyname(");
	sys_trace_quoted(&sb, name);
	strbuf_puts(&sb, ")");
	trace_protoent(&sb, pe);
	trace_emit(&sb);
	errno = err;
	return pe;
}

struct protoent *
sys_getprotobynumber(int proto)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct protoent *pe = getprotobynumber(proto);
	int err = errno;

	if (!sys_tracing())
		return pe;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getprotobynumber(%d)", proto);
	trace_protoent(&sb, pe);
	trace_emit(&sb);
	errno = err;
	return pe;
}

int
sys_gethostname(char *name, size_t len)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = gethostname(name, len);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "gethostname()");
	trace_result(&sb, rc, err);
	if (rc == 0)
		strbuf_printf(&sb, " \"%.*s\"", (int)len, name);
	trace_emit(&sb);
	errno = err;
	return rc;
}

int
sys_inet_pton(int family, const char *text, void *out)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = inet_pton(family, text, out);
	int err = errno;
	size_t i, len = family == AF_INET ? 4 : 16;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "inet_pton(");
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ", ");
	sys_trace_quoted(&sb, text);
	strbuf_puts(&sb, ", [");
	for (i = 0; rc == 1 && i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)out)[i]);
	strbuf_puts(&sb, "])");
	sys_finish(&sb, rc, err);
	return rc;
}

const char *
sys_inet_ntop(int family, const void *addr, char *out, socklen_t cap)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	const char *rc = inet_ntop(family, addr, out, cap);
	int err = errno;
	size_t i, len = family == AF_INET ? 4 : 16;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "inet_ntop(");
	trace_name(&sb, trace_family_name(family), family);
	strbuf_puts(&sb, ", [");
	for (i = 0; i < len; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "",
		    ((const unsigned char *)addr)[i]);
	/* It returns dst, the buffer it wrote: the text is shown twice. */
	strbuf_puts(&sb, "], ");
	sys_trace_quoted(&sb, rc != NULL ? out : NULL);
	strbuf_printf(&sb, ", %u) = ", (unsigned)cap);
	if (rc != NULL) {
		sys_trace_quoted(&sb, out);
	} else {
		strbuf_puts(&sb, "NULL ");
		trace_name(&sb, trace_errno_name(err), err);
		strbuf_printf(&sb, " (%s)", i18n_errno_text_english(err));
	}
	trace_emit(&sb);
	errno = err;
	return rc;
}
