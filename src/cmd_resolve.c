/* cmd_resolve.c: what the resolver says, and the bytes in network order. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "endpoint.h"
#include "explain.h"
#include "json.h"
#include "opt.h"
#include "i18n.h"
#include "report.h"
#include "resolve_legacy.h"
#include "sockit.h"
#include "sys.h"
#include "trace.h"

/* The sizes of NI_MAXHOST and NI_MAXSERV, room for any host or service. */
#define HOST_TEXT_MAX 1025
#define SERV_TEXT_MAX 32
#define JSON_LINE_MAX 4096
#define TABLE_COLS 6

struct resolve_opts {
	int ipv4;
	int ipv6;
	int udp;
	int tcp;
	int reverse;
	int numeric;
	int canon;
	int self;
	int bytes;
	int json;
	int legacy;
	const char *service;
	const char *proto;
	const char *trace;
};

#define FIELD(name) offsetof(struct resolve_opts, name)

static const struct opt_def resolve_defs[] = {
	{ '4', "ipv4", OPT_FLAG, FIELD(ipv4), NULL,
	  N_("IPv4 results only (hints AF_INET)"), 1, 0, 0, NULL },
	{ '6', "ipv6", OPT_FLAG, FIELD(ipv6), NULL,
	  N_("IPv6 results only (hints AF_INET6)"), 1, 0, 0, NULL },
	{ 'u', "udp", OPT_FLAG, FIELD(udp), NULL,
	  N_("SOCK_DGRAM results only; services: udp"), 1, 0, 0, NULL },
	{ 0, "tcp", OPT_FLAG, FIELD(tcp), NULL,
	  N_("SOCK_STREAM results only; services: tcp"), 1, 0, 0, NULL },
	{ 'r', "reverse", OPT_FLAG, FIELD(reverse), NULL,
	  N_("also the name of each address found"), 1, 0, 0, NULL },
	{ 0, "numeric", OPT_FLAG, FIELD(numeric), NULL,
	  N_("no lookups: the address and port as numbers"),
	  1, 0, 0, NULL },
	{ 0, "canon", OPT_FLAG, FIELD(canon), NULL,
	  N_("also the canonical name (AI_CANONNAME)"), 1, 0, 0, NULL },
	{ 0, "service", OPT_STRING, FIELD(service), "NAME|PORT[/PROTO]",
	  N_("ask the services database"), 0, 0, 0, NULL },
	{ 0, "self", OPT_FLAG, FIELD(self), NULL,
	  N_("this host's name and FQDN"), 1, 0, 0, NULL },
	{ 0, "bytes", OPT_FLAG, FIELD(bytes), NULL,
	  N_("also the bytes, in network byte order"),
	  1, 0, 0, NULL },
	{ 0, "json", OPT_FLAG, FIELD(json), NULL,
	  N_("one JSON object per result on stdout"), 1, 0, 0, NULL },
	{ 0, "legacy", OPT_FLAG, FIELD(legacy), NULL,
	  N_("the older calls: gethostbyname, gethostbyaddr, getservbyname"),
	  1, 0, 0, NULL },
	{ 0, "proto", OPT_STRING, FIELD(proto), "PROTO",
	  N_("the protocols database: a name or a number (0-255)"),
	  0, 0, 0, NULL },
	{ 't', "trace", OPT_OPTARG, FIELD(trace), "full,bytes,time",
	  N_("print every resolver call on stderr"), 0, 0, 0, NULL },
};

static const char *const resolve_examples = N_(
	"  sockit resolve example.org https\n"
	"  sockit resolve -r --canon www.example.org\n"
	"  sockit resolve 127.0.0.1\n"
	"  sockit resolve --bytes --numeric 127.0.0.1 80\n"
	"  sockit resolve --service http; sockit resolve 53/udp\n"
	"  sockit resolve --self\n"
	"  sockit resolve --legacy localhost; sockit resolve --proto tcp\n"
	"  sockit resolve --json localhost | jq -r .address\n");

/* Rows of text cells, printed under a header with aligned columns. */
struct table {
	const char *head[TABLE_COLS];
	size_t cols;
	char **cells;		/* row after row, cols cells each */
	size_t rows, cap;
	bool no_memory;
};

static void
table_add(struct table *t, const char *const *cells)
{
	char **grown;
	size_t i;

	if (t->no_memory)
		return;
	if (t->rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		grown = realloc(t->cells, t->cap * t->cols * sizeof(*grown));
		if (grown == NULL) {
			t->no_memory = true;
			return;
		}
		t->cells = grown;
	}
	for (i = 0; i < t->cols; i++) {
		t->cells[t->rows * t->cols + i] = strdup(cells[i]);
		if (t->cells[t->rows * t->cols + i] == NULL)
			t->no_memory = true;
	}
	t->rows++;
}

/*
 * The columns text takes on a terminal: its characters, not its bytes,
 * so that a heading with an accent lines up as one without.
 */
static size_t
columns(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		if (((unsigned char)*text & 0xc0) != 0x80)
			n++;
	return n;
}

static void
print_row(const struct table *t, const char *const *cells,
    const size_t *width)
{
	size_t i, last = t->cols - 1;

	/* Two spaces between columns; no spaces at the end of a line. */
	while (last > 0 && cells[last][0] == '\0')
		last--;
	for (i = 0; i < last; i++)
		printf("%s%*s", cells[i], (int)(width[i] - columns(cells[i]) +
		    2), "");
	printf("%s\n", cells[last]);
}

/* Prints the header and the rows, and frees them. Returns an exit status. */
static int
table_print(struct table *t)
{
	const char *head[TABLE_COLS];
	size_t width[TABLE_COLS], r, i;
	int status = EXIT_OK;

	for (i = 0; i < t->cols; i++) {
		head[i] = _(t->head[i]);
		width[i] = columns(head[i]);
	}
	if (t->no_memory) {
		report_errno("malloc", _("keep the results"), ENOMEM);
		status = EXIT_FAIL;
	} else {
		for (r = 0; r < t->rows; r++)
			for (i = 0; i < t->cols; i++)
				if (columns(t->cells[r * t->cols + i]) >
				    width[i])
					width[i] = columns(t->cells[r *
					    t->cols + i]);
		print_row(t, head, width);
		for (r = 0; r < t->rows; r++)
			print_row(t, (const char *const *)&t->cells[r *
			    t->cols], width);
	}
	for (r = 0; r < t->rows * t->cols; r++)
		free(t->cells[r]);
	free(t->cells);
	return status;
}

/* The C constant name, or the number when trace.h has no name for it. */
static const char *
constant(char *buf, size_t cap, const char *name, int value)
{
	if (name != NULL)
		return name;
	snprintf(buf, cap, "%d", value);
	return buf;
}

static void
hex_text(char *out, size_t cap, const unsigned char *p, size_t n)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb, out, cap);
	for (i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%02x", i ? " " : "", p[i]);
}

/*
 * Points at the address and port bytes inside sa, exactly as the kernel
 * and the wire want them: network byte order, most significant byte
 * first. Returns the address length (4 or 16), or 0 for another family.
 */
static size_t
raw_parts(const struct sockaddr *sa, const unsigned char **addr,
    const unsigned char **port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)(const void *)sa;

		*addr = (const unsigned char *)&sin->sin_addr;
		*port = (const unsigned char *)&sin->sin_port;
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)(const void *)sa;

		*addr = (const unsigned char *)&sin6->sin6_addr;
		*port = (const unsigned char *)&sin6->sin6_port;
		return 16;
	}
	return 0;
}

static void
address_text(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
	const unsigned char *addr, *port;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	char text[INET6_ADDRSTRLEN];
	struct strbuf sb;
	size_t n = raw_parts(sa, &addr, &port);

	/*
	 * inet_ntop turns sin_addr's bytes into text, the inverse of
	 * inet_pton, into a buffer of the size the course gives it; an IPv6
	 * zone it knows nothing of is the endpoint grammar's to add.
	 */
	strbuf_init(&sb, out, cap);
	if (n > 0 && sys_inet_ntop(sa->sa_family, addr, text, n == 4 ?
	    INET_ADDRSTRLEN : INET6_ADDRSTRLEN) != NULL &&
	    (n == 4 || sin6->sin6_scope_id == 0)) {
		strbuf_puts(&sb, text);
		return;
	}
	addr_host(&sb, sa, len);
}

/* "127.0.0.1 -> 7f 00 00 01": the bytes inet_pton puts in sin_addr. */
static void
print_address_bytes(const struct sockaddr *sa, socklen_t len)
{
	const unsigned char *addr, *port;
	char text[ADDR_TEXT_MAX], hex[64];
	size_t n = raw_parts(sa, &addr, &port);
	uint32_t net;

	if (n == 0)
		return;
	address_text(sa, len, text, sizeof(text));
	hex_text(hex, sizeof(hex), addr, n);
	if (n == 4) {
		memcpy(&net, addr, 4);
		printf(_("%s -> %s  (sin_addr, network order; ntohl: "
		    "0x%08x)\n"), text, hex, (unsigned)ntohl(net));
	} else {
		printf(_("%s -> %s  (sin6_addr, network order)\n"), text,
		    hex);
	}
}

/*
 * "port 80 -> 00 50": htons puts the high byte first whatever the CPU;
 * the host order beside it shows what htons had to undo (or not).
 */
static void
print_port_bytes(const unsigned char *net, const char *field)
{
	uint16_t wire, host;
	unsigned char mem[2];

	memcpy(&wire, net, 2);
	host = ntohs(wire);
	memcpy(mem, &host, 2);
	printf(_("port %u -> %02x %02x  (%s = htons(%u); this host stores %u "
	    "as %02x %02x)\n"), (unsigned)host, net[0], net[1], field,
	    (unsigned)host, (unsigned)host, mem[0], mem[1]);
}

static void
json_null(struct strbuf *sb, const char *key)
{
	strbuf_puts(sb, ", ");
	json_string(sb, key, strlen(key));
	strbuf_puts(sb, ": null");
}

/* Adds "address_bytes" and "port_bytes" as hex with spaces. */
static void
json_bytes(struct strbuf *sb, const struct sockaddr *sa)
{
	const unsigned char *addr, *port;
	size_t n = raw_parts(sa, &addr, &port);
	char hex[64];

	if (n == 0)
		return;
	hex_text(hex, sizeof(hex), addr, n);
	json_field_str(sb, "address_bytes", hex);
	hex_text(hex, sizeof(hex), port, 2);
	json_field_str(sb, "port_bytes", hex);
}

static void
json_print(struct strbuf *sb)
{
	json_end(sb);
	printf("%s\n", strbuf_str(sb));
}

static bool
same_address(const struct addrinfo *x, const struct addrinfo *y)
{
	const unsigned char *a, *b, *port;
	size_t n = raw_parts(x->ai_addr, &a, &port);

	return n > 0 && raw_parts(y->ai_addr, &b, &port) == n &&
	    memcmp(a, b, n) == 0;
}

/* True when an earlier result than ai has the same address. */
static bool
seen_address(const struct addrinfo *res, const struct addrinfo *ai)
{
	for (; res != ai; res = res->ai_next)
		if (same_address(res, ai))
			return true;
	return false;
}

/* True when an earlier result than ai has the same port. */
static bool
seen_port(const struct addrinfo *res, const struct addrinfo *ai)
{
	const unsigned char *addr, *a, *b;

	raw_parts(ai->ai_addr, &addr, &a);
	for (; res != ai; res = res->ai_next)
		if (raw_parts(res->ai_addr, &addr, &b) > 0 &&
		    memcmp(a, b, 2) == 0)
			return true;
	return false;
}

/* The --bytes lines under a table: each address once, each port once. */
static void
print_bytes_block(const struct addrinfo *res, const struct addrinfo *end,
    bool with_port)
{
	const struct addrinfo *ai;
	const unsigned char *addr, *port;

	printf("\n");
	for (ai = res; ai != end; ai = ai->ai_next)
		if (!seen_address(res, ai))
			print_address_bytes(ai->ai_addr, ai->ai_addrlen);
	for (ai = res; with_port && ai != end; ai = ai->ai_next)
		if (raw_parts(ai->ai_addr, &addr, &port) > 0 &&
		    !seen_port(res, ai))
			print_port_bytes(port, ai->ai_family == AF_INET6 ?
			    "sin6_port" : "sin_port");
}

/* "resolve NAME SERVICE", or "resolve NAME" when there is no service. */
static void
describe(char *what, size_t cap, const char *name, const char *service)
{
	if (service != NULL)
		snprintf(what, cap, _("resolve %s %s"), name, service);
	else
		snprintf(what, cap, _("resolve %s"), name);
}

static int
hint_family(const struct resolve_opts *o)
{
	return o->ipv4 ? AF_INET : o->ipv6 ? AF_INET6 : AF_UNSPEC;
}

/* 0 asks getaddrinfo for every kind of socket: stream, datagram, raw. */
static int
hint_socktype(const struct resolve_opts *o)
{
	return o->udp ? SOCK_DGRAM : o->tcp ? SOCK_STREAM : 0;
}

/* What getnameinfo said about one address, for -r. */
struct reverse_name {
	int rc;
	char host[HOST_TEXT_MAX];
};

/*
 * Asks for the name of each address once; rows that differ only in
 * socket type share it. NI_NAMEREQD makes "no name" an EAI_NONAME
 * instead of the address handed back as text. Returns an exit status.
 */
static int
reverse_each(const struct addrinfo *res, struct reverse_name *names)
{
	const struct addrinfo *ai, *prev;
	char text[ADDR_TEXT_MAX], what[ADDR_TEXT_MAX + 32];
	size_t i, j;
	int status = EXIT_OK;

	for (ai = res, i = 0; ai != NULL; ai = ai->ai_next, i++) {
		for (prev = res, j = 0; prev != ai; prev = prev->ai_next, j++)
			if (same_address(prev, ai))
				break;
		if (prev != ai) {
			names[i] = names[j];
			continue;
		}
		names[i].rc = sys_getnameinfo(ai->ai_addr, ai->ai_addrlen,
		    names[i].host, sizeof(names[i].host), NULL, 0,
		    NI_NAMEREQD);
		if (names[i].rc != 0 && names[i].rc != EAI_NONAME) {
			address_text(ai->ai_addr, ai->ai_addrlen, text,
			    sizeof(text));
			snprintf(what, sizeof(what), _("reverse lookup of %s"),
			    text);
			report_eai_call("getnameinfo", what, names[i].rc,
			    explain_eai(names[i].rc));
			status = EXIT_FAIL;
		}
	}
	return status;
}

/* One row of the forward table, or one JSON object. */
static void
emit_result(const struct resolve_opts *o, struct table *t,
    const struct addrinfo *ai, const char *canon,
    const struct reverse_name *name)
{
	char storage[JSON_LINE_MAX], family[16], type[16], proto[16];
	char address[ADDR_TEXT_MAX], port[8];
	const char *cells[TABLE_COLS];
	struct strbuf sb;

	cells[0] = constant(family, sizeof(family),
	    trace_family_name(ai->ai_family), ai->ai_family);
	cells[1] = constant(type, sizeof(type),
	    trace_socktype_name(ai->ai_socktype), ai->ai_socktype);
	cells[2] = constant(proto, sizeof(proto),
	    trace_protocol_name(ai->ai_protocol), ai->ai_protocol);
	address_text(ai->ai_addr, ai->ai_addrlen, address, sizeof(address));
	cells[3] = address;
	snprintf(port, sizeof(port), "%d", addr_port(ai->ai_addr,
	    ai->ai_addrlen));
	cells[4] = port;
	cells[5] = name == NULL ? "" : name->rc == 0 ? name->host :
	    name->rc == EAI_NONAME ? _("(none)") : _("(failed)");
	if (!o->json) {
		table_add(t, cells);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "family", cells[0]);
	json_field_str(&sb, "socktype", cells[1]);
	json_field_str(&sb, "protocol", cells[2]);
	json_field_str(&sb, "address", address);
	json_field_u64(&sb, "port", (uint64_t)addr_port(ai->ai_addr,
	    ai->ai_addrlen));
	if (o->canon && canon != NULL)
		json_field_str(&sb, "canonname", canon);
	else if (o->canon)
		json_null(&sb, "canonname");
	if (name != NULL && name->rc == 0)
		json_field_str(&sb, "name", name->host);
	else if (name != NULL)
		json_null(&sb, "name");
	if (o->bytes)
		json_bytes(&sb, ai->ai_addr);
	json_print(&sb);
}

/* NAME [SERVICE] forward: one row per getaddrinfo result, as it comes. */
static int
forward(const struct resolve_opts *o, const char *name, const char *service)
{
	struct addrinfo hints, *res, *ai;
	struct reverse_name *names = NULL;
	struct table t = { { N_("FAMILY"), N_("SOCKTYPE"), N_("PROTOCOL"),
	    N_("ADDRESS"), N_("PORT"), N_("NAME") }, 5, NULL, 0, 0, false };
	char what[HOST_TEXT_MAX + 64];
	size_t count = 0, i;
	int rc, status = EXIT_OK;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = hint_family(o);
	hints.ai_socktype = hint_socktype(o);
	/*
	 * AI_CANONNAME: also the name the aliases (CNAMEs) finally lead to;
	 * only the first result carries it.
	 */
	hints.ai_flags = o->canon ? AI_CANONNAME : 0;
	rc = sys_getaddrinfo(name, service, &hints, &res);
	if (rc != 0) {
		describe(what, sizeof(what), name, service);
		report_eai(what, rc);
		return EXIT_FAIL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	if (o->reverse) {
		t.cols = 6;
		names = calloc(count, sizeof(*names));
		if (names == NULL) {
			report_errno("malloc", _("keep the names"), errno);
			freeaddrinfo(res);
			return EXIT_FAIL;
		}
		status = reverse_each(res, names);
	}
	if (!o->json && o->canon)
		printf(_("canonical name: %s\n"), res->ai_canonname ?
		    res->ai_canonname : _("(none)"));
	for (ai = res, i = 0; ai != NULL; ai = ai->ai_next, i++)
		emit_result(o, &t, ai, res->ai_canonname,
		    names ? &names[i] : NULL);
	if (!o->json) {
		if (table_print(&t) != EXIT_OK)
			status = EXIT_FAIL;
		else if (o->bytes)
			print_bytes_block(res, NULL, service != NULL);
	}
	free(names);
	freeaddrinfo(res);
	return status;
}

/*
 * An address literal: getaddrinfo with AI_NUMERICHOST turns the text into
 * a sockaddr without asking anybody, then getnameinfo asks for its name.
 */
static int
reverse(const struct resolve_opts *o, const char *name, int family,
    const char *service)
{
	struct addrinfo hints, *res;
	struct table t = { { N_("ADDRESS"), N_("NAME") }, 2, NULL, 0, 0,
	    false };
	char what[HOST_TEXT_MAX + 64], host[HOST_TEXT_MAX];
	char serv[SERV_TEXT_MAX], address[ADDR_TEXT_MAX], port[8];
	char storage[JSON_LINE_MAX];
	const char *cells[4];
	struct strbuf sb;
	int rc, flags, status;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = hint_socktype(o);
	hints.ai_flags = AI_NUMERICHOST | (o->numeric ? AI_NUMERICSERV : 0);
	rc = sys_getaddrinfo(name, service, &hints, &res);
	if (rc != 0) {
		describe(what, sizeof(what), name, service);
		report_eai(what, rc);
		return EXIT_FAIL;
	}
	/*
	 * NI_NAMEREQD: fail when there is no name rather than hand the
	 * address back as text; --numeric wants exactly that text instead.
	 * NI_DGRAM: a service name from the udp entries, not the tcp ones.
	 */
	flags = o->numeric ? NI_NUMERICHOST | NI_NUMERICSERV : NI_NAMEREQD;
	if (res->ai_socktype == SOCK_DGRAM)
		flags |= NI_DGRAM;
	rc = sys_getnameinfo(res->ai_addr, res->ai_addrlen, host,
	    sizeof(host), service ? serv : NULL, service ? sizeof(serv) : 0,
	    flags);
	address_text(res->ai_addr, res->ai_addrlen, address, sizeof(address));
	if (rc != 0) {
		snprintf(what, sizeof(what), _("reverse lookup of %s"),
		    address);
		report_eai_call("getnameinfo", what, rc, rc == EAI_NONAME ?
		    N_("the address has no name: no PTR record in DNS and no "
		    "line for it in /etc/hosts") : explain_eai(rc));
		freeaddrinfo(res);
		return EXIT_FAIL;
	}
	snprintf(port, sizeof(port), "%d", addr_port(res->ai_addr,
	    res->ai_addrlen));
	if (o->json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "family", trace_family_name(family));
		json_field_str(&sb, "address", address);
		if (service != NULL)
			json_field_u64(&sb, "port", strtoul(port, NULL, 10));
		json_field_str(&sb, "name", host);
		if (service != NULL)
			json_field_str(&sb, "service", serv);
		if (o->bytes)
			json_bytes(&sb, res->ai_addr);
		json_print(&sb);
		freeaddrinfo(res);
		return EXIT_OK;
	}
	cells[0] = address;
	cells[1] = host;
	if (service != NULL) {
		t.head[1] = N_("PORT");
		t.head[2] = N_("NAME");
		t.head[3] = N_("SERVICE");
		t.cols = 4;
		cells[1] = port;
		cells[2] = host;
		cells[3] = serv;
	}
	table_add(&t, cells);
	status = table_print(&t);
	if (status == EXIT_OK && o->bytes)
		print_bytes_block(res, res->ai_next, service != NULL);
	freeaddrinfo(res);
	return status;
}

/* One entry of the services database, copied out of its static storage. */
struct service_row {
	char name[256];
	char proto[32];
	char aliases[512];	/* separated by single spaces */
	unsigned char port_net[2];
	unsigned port;
};

static void
copy_servent(struct service_row *row, const struct servent *se)
{
	struct strbuf sb;
	char **alias;
	uint16_t net = (uint16_t)se->s_port;

	snprintf(row->name, sizeof(row->name), "%s", se->s_name);
	snprintf(row->proto, sizeof(row->proto), "%s", se->s_proto);
	strbuf_init(&sb, row->aliases, sizeof(row->aliases));
	for (alias = se->s_aliases; alias && *alias; alias++)
		strbuf_printf(&sb, "%s%s", alias == se->s_aliases ? "" : " ",
		    *alias);
	/* s_port is already in network byte order, as sin_port wants it. */
	memcpy(row->port_net, &net, 2);
	row->port = ntohs(net);
}

static void
emit_service(const struct resolve_opts *o, const struct service_row *row)
{
	char storage[JSON_LINE_MAX], hex[8], copy[sizeof(row->aliases)];
	struct strbuf sb;
	char *alias, *rest;

	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "service", row->name);
	json_field_u64(&sb, "port", row->port);
	json_field_str(&sb, "protocol", row->proto);
	strbuf_puts(&sb, ", \"aliases\": [");
	snprintf(copy, sizeof(copy), "%s", row->aliases);
	for (alias = strtok_r(copy, " ", &rest); alias != NULL;
	    alias = strtok_r(NULL, " ", &rest)) {
		if (alias != copy)
			strbuf_puts(&sb, ", ");
		json_string(&sb, alias, strlen(alias));
	}
	strbuf_puts(&sb, "]");
	if (o->bytes) {
		hex_text(hex, sizeof(hex), row->port_net, 2);
		json_field_str(&sb, "port_bytes", hex);
	}
	json_print(&sb);
}

/* A question for the services database: NAME or PORT, and protocols. */
struct service_query {
	char key[256];
	const char *protos[2];
	size_t nprotos;
	bool numeric;
	unsigned port;
};

/* Parses NAME|PORT[/PROTO] into *q. Returns EXIT_OK or EXIT_USAGE. */
static int
parse_service(const struct resolve_opts *o, const char *spec,
    struct service_query *q)
{
	const char *slash = strchr(spec, '/');
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec);

	memset(q, 0, sizeof(*q));
	if (len >= sizeof(q->key)) {
		report_usage("service '%.32s...' is longer than %zu bytes",
		    spec, sizeof(q->key) - 1);
		return EXIT_USAGE;
	}
	if (len == 0 || (slash != NULL &&
	    (slash[1] == '\0' || strchr(slash + 1, '/') != NULL))) {
		report_usage("bad service '%s': NAME or PORT, optionally "
		    "followed by /tcp or /udp", spec);
		return EXIT_USAGE;
	}
	memcpy(q->key, spec, len);
	if (slash != NULL) {
		if ((o->udp && strcmp(slash + 1, "udp") != 0) ||
		    (o->tcp && strcmp(slash + 1, "tcp") != 0)) {
			report_usage("%s contradicts '%s'", o->udp ? "-u" :
			    "--tcp", spec);
			return EXIT_USAGE;
		}
		q->protos[q->nprotos++] = slash + 1;
	} else {
		if (!o->udp)
			q->protos[q->nprotos++] = "tcp";
		if (!o->tcp)
			q->protos[q->nprotos++] = "udp";
	}
	q->numeric = strspn(q->key, "0123456789") == len;
	if (q->numeric) {
		if (len > 5 || strtoul(q->key, NULL, 10) > 65535) {
			report_usage("port %s is outside 0-65535", q->key);
			return EXIT_USAGE;
		}
		q->port = (unsigned)strtoul(q->key, NULL, 10);
	}
	return EXIT_OK;
}

/*
 * The services database both ways: a name through getservbyname, a
 * number through getservbyport, for tcp and udp unless one is asked for.
 */
static int
services(const struct resolve_opts *o, const struct service_query *q)
{
	struct service_row rows[2];
	struct table t = { { N_("SERVICE"), N_("PORT"), N_("PROTOCOL"),
	    N_("ALIASES") }, 4, NULL, 0, 0, false };
	const char *const *protos = q->protos, *cells[4];
	char port[8];
	const struct servent *se;
	char both[64] = "";
	size_t nprotos = q->nprotos, nrows = 0, i;
	int status;

	for (i = 0; i < nprotos; i++) {
		/* getservbyport wants the port as it sits in s_port: htons. */
		se = q->numeric ? sys_getservbyport((int)htons((uint16_t)
		    q->port), protos[i]) : sys_getservbyname(q->key, protos[i]);
		if (se != NULL)
			copy_servent(&rows[nrows++], se);
	}
	if (nrows == 0) {
		/* Two protocols are only ever tcp and udp, both asked for. */
		if (nprotos > 1)
			snprintf(both, sizeof(both), _("%s or %s"), protos[0],
			    protos[1]);
		report_error(q->numeric ? N_("port '%s' for %s is not in the "
		    "services database (/etc/services)") : N_("service '%s' "
		    "for %s is not in the services database (/etc/services)"),
		    q->key, nprotos > 1 ? both : protos[0]);
		return EXIT_FAIL;
	}
	for (i = 0; i < nrows; i++) {
		if (o->json) {
			emit_service(o, &rows[i]);
			continue;
		}
		snprintf(port, sizeof(port), "%u", rows[i].port);
		cells[0] = rows[i].name;
		cells[1] = port;
		cells[2] = rows[i].proto;
		cells[3] = rows[i].aliases;
		table_add(&t, cells);
	}
	if (o->json)
		return EXIT_OK;
	status = table_print(&t);
	if (status == EXIT_OK && o->bytes) {
		printf("\n");
		for (i = 0; i < nrows; i++)
			if (i == 0 || rows[i].port != rows[0].port)
				print_port_bytes(rows[i].port_net, "s_port");
	}
	return status;
}

/* gethostname, then getaddrinfo with AI_CANONNAME on it for the FQDN. */
static int
self(const struct resolve_opts *o)
{
	struct addrinfo hints, *res = NULL;
	char host[HOST_TEXT_MAX], what[HOST_TEXT_MAX + 64];
	char storage[JSON_LINE_MAX];
	const char *fqdn = NULL;
	struct strbuf sb;
	int rc;

	memset(host, 0, sizeof(host));
	if (sys_gethostname(host, sizeof(host) - 1) < 0) {
		report_errno("gethostname", "gethostname", errno);
		return EXIT_FAIL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = hint_family(o);
	hints.ai_flags = AI_CANONNAME;
	rc = sys_getaddrinfo(host, NULL, &hints, &res);
	if (rc == 0)
		fqdn = res->ai_canonname ? res->ai_canonname : host;
	if (o->json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "hostname", host);
		if (fqdn != NULL)
			json_field_str(&sb, "fqdn", fqdn);
		else
			json_null(&sb, "fqdn");
		json_print(&sb);
	} else {
		/* TRANSLATORS: the value starts in column 11, as fqdn's. */
		printf(_("hostname  %s\n"), host);
		if (fqdn != NULL)
			printf(_("fqdn      %s\n"), fqdn);
	}
	if (res != NULL)
		freeaddrinfo(res);
	if (rc != 0) {
		snprintf(what, sizeof(what), _("resolve the host name %s"),
		    host);
		report_eai(what, rc);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * Returns AF_INET or AF_INET6 when name is an address literal, as
 * inet_pton decides (an IPv6 zone after '%' is left to getaddrinfo), or
 * AF_UNSPEC for a name.
 */
static int
literal_family(const char *name)
{
	unsigned char buf[16];
	char plain[HOST_TEXT_MAX];
	size_t n = strcspn(name, "%");

	if (strchr(name, ':') == NULL)
		return sys_inet_pton(AF_INET, name, buf) == 1 ? AF_INET :
		    AF_UNSPEC;
	if (n >= sizeof(plain))
		return AF_UNSPEC;
	memcpy(plain, name, n);
	plain[n] = '\0';
	return sys_inet_pton(AF_INET6, plain, buf) == 1 ? AF_INET6 :
	    AF_UNSPEC;
}

/* Options that a kind of question has no use for. */
enum {
	NO_FAMILY = 1 << 0,
	NO_TYPE = 1 << 1,
	NO_REVERSE = 1 << 2,
	NO_NUMERIC = 1 << 3,
	NO_CANON = 1 << 4,
	NO_BYTES = 1 << 5,
};

/* Returns the first option given that mask rules out, or NULL. */
static const char *
stray_option(const struct resolve_opts *o, unsigned mask)
{
	const struct {
		unsigned bit;
		int set;
		const char *name;
	} rows[] = {
		{ NO_FAMILY, o->ipv4, "-4" }, { NO_FAMILY, o->ipv6, "-6" },
		{ NO_TYPE, o->udp, "-u" }, { NO_TYPE, o->tcp, "--tcp" },
		{ NO_REVERSE, o->reverse, "-r" },
		{ NO_NUMERIC, o->numeric, "--numeric" },
		{ NO_CANON, o->canon, "--canon" },
		{ NO_BYTES, o->bytes, "--bytes" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(rows); i++)
		if ((mask & rows[i].bit) && rows[i].set)
			return rows[i].name;
	return NULL;
}

/* Contradictions and missing pieces. Returns EXIT_OK or EXIT_USAGE. */
static int
check(const struct resolve_opts *o, char **pos, int npos)
{
	const char *stray = NULL, *question = NULL;

	if (o->trace != NULL && trace_set_mode(o->trace) < 0) {
		report_usage("bad value '%s' for --trace: full, bytes, time, "
		    "or some joined by commas", o->trace);
		return EXIT_USAGE;
	}
	if (o->ipv4 && o->ipv6) {
		report_usage("-4 and -6 contradict each other");
		return EXIT_USAGE;
	}
	if (o->udp && o->tcp) {
		report_usage("-u and --tcp contradict each other");
		return EXIT_USAGE;
	}
	if (o->proto != NULL) {
		if (npos > 0) {
			report_usage("--proto takes no NAME, but '%s' was "
			    "given", pos[0]);
			return EXIT_USAGE;
		}
		stray = o->self ? "--self" : o->service ? "--service" :
		    stray_option(o, NO_FAMILY | NO_TYPE | NO_REVERSE |
		    NO_NUMERIC | NO_CANON | NO_BYTES);
		if (stray != NULL) {
			report_usage("--proto asks the protocols database "
			    "alone: %s does not apply to it", stray);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (o->legacy && (o->self || (stray = stray_option(o, NO_FAMILY |
	    NO_REVERSE | NO_NUMERIC | NO_CANON | NO_BYTES)) != NULL)) {
		report_usage("%s does not apply to --legacy, whose calls "
		    "take a name or an address alone", o->self ? "--self" :
		    stray);
		return EXIT_USAGE;
	}
	if (o->self && o->service != NULL) {
		report_usage("--self and --service are two different "
		    "questions: ask one at a time");
		return EXIT_USAGE;
	}
	if (o->self || o->service != NULL) {
		question = o->self ? "--self" : "--service";
		if (npos > 0) {
			report_usage("%s takes no NAME, but '%s' was given",
			    question, pos[0]);
			return EXIT_USAGE;
		}
	} else if (npos == 0) {
		report_usage("missing NAME (a host name, an address such as "
		    "127.0.0.1, or PORT/PROTO such as 80/tcp)");
		return EXIT_USAGE;
	} else if (pos[0][0] == '\0' || (npos == 2 && pos[1][0] == '\0')) {
		report_usage("empty %s", pos[0][0] ? "SERVICE" : "NAME");
		return EXIT_USAGE;
	} else if (strchr(pos[0], '/') != NULL) {
		question = pos[0];
		if (npos == 2) {
			report_usage("unexpected argument '%s' after the "
			    "service '%s'", pos[1], pos[0]);
			return EXIT_USAGE;
		}
	}
	if (o->self)
		stray = stray_option(o, NO_TYPE | NO_REVERSE | NO_NUMERIC |
		    NO_BYTES);
	else if (question != NULL)
		stray = stray_option(o, NO_FAMILY | NO_REVERSE | NO_NUMERIC |
		    NO_CANON);
	if (stray != NULL) {
		report_usage("%s does not apply to %s", stray, question);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * Checks NAME [SERVICE] against the options, once inet_pton has said
 * whether NAME is an address (family) or a name (AF_UNSPEC). Returns
 * EXIT_OK or EXIT_USAGE.
 */
static int
check_lookup(const struct resolve_opts *o, const char *name, int family,
    const char *service)
{
	char err[256];

	if (o->numeric && family == AF_UNSPEC) {
		report_usage("--numeric looks up no names, and '%s' is not an "
		    "address", name);
		return EXIT_USAGE;
	}
	if (o->numeric && service != NULL &&
	    strspn(service, "0123456789") != strlen(service)) {
		report_usage("--numeric looks up no services, and '%s' is not "
		    "a port number", service);
		return EXIT_USAGE;
	}
	/*
	 * getaddrinfo takes any number strtoul reads, "+80" and "99999"
	 * too, and keeps its low 16 bits: the port is checked as every
	 * endpoint's is.
	 */
	if (service != NULL && endpoint_check_port(service, err,
	    sizeof(err)) < 0) {
		report_usage("%s", err);
		return EXIT_USAGE;
	}
	if (family == AF_UNSPEC)
		return EXIT_OK;
	if ((o->ipv4 && family != AF_INET) || (o->ipv6 &&
	    family != AF_INET6)) {
		report_usage("%s contradicts the %s address '%s'",
		    o->ipv4 ? "-4" : "-6", family == AF_INET ? "IPv4" :
		    "IPv6", name);
		return EXIT_USAGE;
	}
	if (o->canon) {
		report_usage("--canon asks for the canonical name of a NAME; "
		    "'%s' is an address, looked up in reverse", name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * An IPv6 literal as endpoints write it, "[::1]", is the address inside
 * the brackets. Returns text itself when it has none, else out.
 */
static char *
strip_brackets(char *text, char *out, size_t cap)
{
	size_t len = strlen(text);

	if (len < 3 || text[0] != '[' || text[len - 1] != ']' ||
	    len - 2 >= cap)
		return text;
	memcpy(out, text + 1, len - 2);
	out[len - 2] = '\0';
	return out;
}

/*
 * --legacy: a service question, or NAME (gethostbyname or, for an
 * address, gethostbyaddr) and then its SERVICE if one was given.
 */
static int
legacy(const struct resolve_opts *o, const char *name, int family,
    const char *service, struct service_query *q)
{
	int status;

	if (service != NULL &&
	    (status = parse_service(o, service, q)) != EXIT_OK)
		return status;
	if (name != NULL) {
		status = legacy_host(name, family, o->json);
		if (status != EXIT_OK || service == NULL)
			return status;
		if (!o->json)
			printf("\n");
	}
	return legacy_service(q->key, q->numeric, q->port, q->protos,
	    q->nprotos, o->json);
}

int
cmd_resolve(int argc, char **argv)
{
	struct resolve_opts o;
	struct service_query query;
	char *pos[2], bare[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *name = NULL, *service = NULL;
	int npos, status, family = AF_UNSPEC;
	const struct opt_group groups[] = {
		{ N_("Options"), resolve_defs, ARRAY_LEN(resolve_defs), &o },
	};
	const struct opt_command cmd = {
		"resolve", N_("[OPTIONS] NAME [SERVICE]\n"
		"[OPTIONS] --service NAME|PORT[/PROTO]\n"
		"[OPTIONS] PORT/PROTO\n"
		"[OPTIONS] --self\n"
		"[OPTIONS] --proto NAME|NUMBER"),
		N_("Ask the resolver: the addresses of a NAME (getaddrinfo), "
		"the name of an address\n(getnameinfo), a service's port "
		"(getservbyname, getservbyport), this host's\nname "
		"(gethostname). --bytes shows them in network byte order.\n"
		"--legacy asks the older calls instead (gethostbyname, "
		"gethostbyaddr) and prints\nthe structs they fill; --proto "
		"asks the protocols database."),
		resolve_examples, groups, ARRAY_LEN(groups),
	};

	memset(&o, 0, sizeof(o));
	if ((status = opt_run(&cmd, argc, argv, pos, 2, &npos)) != OPT_GO_ON)
		return status;
	/* As for every command: once --json is known, errors are JSON. */
	report_use_json(o.json);
	if (npos > 0)
		pos[0] = strip_brackets(pos[0], bare, sizeof(bare));
	if ((status = check(&o, pos, npos)) != EXIT_OK)
		return status;
	if (o.proto != NULL)
		return legacy_proto(o.proto, o.json);
	if (o.service != NULL || (!o.self && strchr(pos[0], '/') != NULL)) {
		if ((status = parse_service(&o, o.service ? o.service : pos[0],
		    &query)) != EXIT_OK)
			return status;
	} else if (!o.self) {
		name = pos[0];
		service = npos == 2 ? pos[1] : NULL;
		family = literal_family(name);
		if ((status = check_lookup(&o, name, family, service)) !=
		    EXIT_OK)
			return status;
	}
	if (o.self)
		return self(&o);
	if (o.legacy)
		return legacy(&o, name, family, service, &query);
	if (name == NULL)
		return services(&o, &query);
	if (family == AF_UNSPEC)
		return forward(&o, name, service);
	return reverse(&o, name, family, service);
}
