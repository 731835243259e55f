/* resolve_legacy.c: hostent, servent and protoent, field by field, as the older calls give them. */
#include "compat.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "i18n.h"
#include "json.h"
#include "report.h"
#include "resolve_legacy.h"
#include "sockit.h"
#include "sys.h"
#include "trace.h"

#define JSON_LINE_MAX 4096
#define LIST_TEXT_MAX 1024

/* One field of a struct: its C name in a column, then the value. */
static void
field(const char *name, const char *value)
{
	printf("%-12s %s\n", name, value);
}

/* A NULL-terminated list of names, space-separated, or "(none)". */
static const char *
list_text(char *const *list, char *out, size_t cap)
{
	struct strbuf sb;

	strbuf_init(&sb, out, cap);
	for (; list != NULL && *list != NULL; list++)
		strbuf_printf(&sb, "%s%s", strbuf_used(&sb) ? " " : "", *list);
	return strbuf_used(&sb) ? out : _("(none)");
}

static void
json_list(struct strbuf *sb, const char *key, char *const *list)
{
	const char *sep = "";

	strbuf_puts(sb, ", ");
	json_string(sb, key, strlen(key));
	strbuf_puts(sb, ": [");
	for (; list != NULL && *list != NULL; list++) {
		strbuf_puts(sb, sep);
		json_string(sb, *list, strlen(*list));
		sep = ", ";
	}
	strbuf_puts(sb, "]");
}

static void
json_print(struct strbuf *sb)
{
	json_end(sb);
	printf("%s\n", strbuf_str(sb));
}

/*
 * The addresses of h_addr_list as text: inet_ntop, the inverse of
 * inet_pton, each call traced as the course writes it.
 */
static void
addr_list_text(const struct hostent *he, char *out, size_t cap,
    struct strbuf *json)
{
	char text[INET6_ADDRSTRLEN];
	struct strbuf sb;
	char **a;
	const char *sep = "";

	strbuf_init(&sb, out, cap);
	if (json != NULL)
		strbuf_puts(json, ", \"h_addr_list\": [");
	for (a = he->h_addr_list; a != NULL && *a != NULL; a++) {
		if (sys_inet_ntop(he->h_addrtype, *a, text,
		    he->h_addrtype == AF_INET ? INET_ADDRSTRLEN :
		    INET6_ADDRSTRLEN) == NULL)
			snprintf(text, sizeof(text), "?");
		strbuf_printf(&sb, "%s%s", sep, text);
		if (json != NULL) {
			strbuf_puts(json, sep);
			json_string(json, text, strlen(text));
		}
		sep = " ";
		if (json != NULL)
			sep = ", ";
	}
	if (json != NULL)
		strbuf_puts(json, "]");
}

static void
print_hostent(const char *call, const struct hostent *he, bool json)
{
	char aliases[LIST_TEXT_MAX], addrs[LIST_TEXT_MAX], num[16];
	char storage[JSON_LINE_MAX];
	const char *family = trace_family_name(he->h_addrtype);
	struct strbuf sb;

	if (family == NULL) {
		snprintf(num, sizeof(num), "%d", he->h_addrtype);
		family = num;
	}
	if (json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "call", call);
		json_field_str(&sb, "h_name", he->h_name);
		json_list(&sb, "h_aliases", he->h_aliases);
		json_field_str(&sb, "h_addrtype", family);
		json_field_u64(&sb, "h_length", (uint64_t)he->h_length);
		addr_list_text(he, addrs, sizeof(addrs), &sb);
		json_print(&sb);
		return;
	}
	field("h_name", he->h_name);
	field("h_aliases", list_text(he->h_aliases, aliases,
	    sizeof(aliases)));
	field("h_addrtype", family);
	snprintf(num, sizeof(num), "%d", he->h_length);
	field("h_length", num);
	addr_list_text(he, addrs, sizeof(addrs), NULL);
	field("h_addr_list", addrs);
}

int
legacy_host(const char *name, int family, bool json)
{
	unsigned char addr[16];
	char what[1100];
	const struct hostent *he;
	const char *call;
	int herr;

	if (family == AF_UNSPEC) {
		call = "gethostbyname";
		he = sys_gethostbyname(name, &herr);
	} else {
		call = "gethostbyaddr";
		/* The bytes of the address, in network order, as it wants. */
		if (sys_inet_pton(family, name, addr) != 1) {
			report_usage("'%s' is not an address gethostbyaddr "
			    "takes (no zone)", name);
			return EXIT_USAGE;
		}
		he = sys_gethostbyaddr(addr, family == AF_INET ? 4 : 16,
		    family, &herr);
	}
	if (he == NULL) {
		snprintf(what, sizeof(what), "%s %s", call, name);
		report_failure_lines(what, i18n_herror_text(herr),
		    trace_herror_name(herr), "",
		    explain_h_errno(herr, family != AF_UNSPEC));
		return EXIT_FAIL;
	}
	print_hostent(call, he, json);
	return EXIT_OK;
}

static void
print_servent(const char *call, const struct servent *se, bool json)
{
	char aliases[LIST_TEXT_MAX], port[32], storage[JSON_LINE_MAX];
	struct strbuf sb;
	/* s_port is in network byte order, ready for sin_port. */
	unsigned host = ntohs((uint16_t)se->s_port);

	if (json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "call", call);
		json_field_str(&sb, "s_name", se->s_name);
		json_list(&sb, "s_aliases", se->s_aliases);
		json_field_u64(&sb, "s_port", host);
		json_field_str(&sb, "s_proto", se->s_proto);
		json_print(&sb);
		return;
	}
	field("s_name", se->s_name);
	field("s_aliases", list_text(se->s_aliases, aliases,
	    sizeof(aliases)));
	snprintf(port, sizeof(port), "htons(%u)", host);
	field("s_port", port);
	field("s_proto", se->s_proto);
}

int
legacy_service(const char *key, bool numeric, unsigned port,
    const char *const *protos, size_t nprotos, bool json)
{
	const char *call = numeric ? "getservbyport" : "getservbyname";
	const struct servent *se;
	char both[64] = "";
	size_t i, found = 0;

	for (i = 0; i < nprotos; i++) {
		/* getservbyport wants the port as s_port holds it: htons. */
		se = numeric ? sys_getservbyport((int)htons((uint16_t)port),
		    protos[i]) : sys_getservbyname(key, protos[i]);
		if (se == NULL)
			continue;
		if (found++ > 0 && !json)
			printf("\n");
		print_servent(call, se, json);
	}
	if (found > 0)
		return EXIT_OK;
	/* Two protocols are only ever tcp and udp, both asked for. */
	if (nprotos > 1)
		snprintf(both, sizeof(both), _("%s or %s"), protos[0],
		    protos[1]);
	report_error(numeric ? N_("%s %s: port '%s' for %s is not in the "
	    "services database (/etc/services)") : N_("%s %s: service '%s' "
	    "for %s is not in the services database (/etc/services)"), call,
	    key, key, nprotos > 1 ? both : protos[0]);
	return EXIT_FAIL;
}

int
legacy_proto(const char *spec, bool json)
{
	char aliases[LIST_TEXT_MAX], num[16], storage[JSON_LINE_MAX];
	const struct protoent *pe;
	const char *call;
	struct strbuf sb;
	size_t len = strlen(spec);

	if (len > 0 && strspn(spec, "0123456789") == len) {
		if (len > 3 || strtoul(spec, NULL, 10) > 255) {
			report_usage("protocol number %s is outside 0-255 "
			    "(the IP header's protocol field is one byte)",
			    spec);
			return EXIT_USAGE;
		}
		call = "getprotobynumber";
		pe = sys_getprotobynumber((int)strtoul(spec, NULL, 10));
	} else {
		call = "getprotobyname";
		pe = sys_getprotobyname(spec);
	}
	if (pe == NULL) {
		report_error("%s %s: protocol '%s' is not in the protocols "
		    "database (/etc/protocols)", call, spec, spec);
		return EXIT_FAIL;
	}
	if (json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "call", call);
		json_field_str(&sb, "p_name", pe->p_name);
		json_list(&sb, "p_aliases", pe->p_aliases);
		json_field_u64(&sb, "p_proto", (uint64_t)pe->p_proto);
		json_print(&sb);
		return EXIT_OK;
	}
	field("p_name", pe->p_name);
	field("p_aliases", list_text(pe->p_aliases, aliases,
	    sizeof(aliases)));
	snprintf(num, sizeof(num), "%d", pe->p_proto);
	field("p_proto", num);
	return EXIT_OK;
}
