/* proxy.c: the kinds of proxy, and the names and meanings of SOCKS codes, for clients, servers and traces alike. */
#include "compat.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "proxy.h"

struct proxy_kind_row {
	const char *scheme;
	const char *protocol;
	int port;
};

/* In the order of enum proxy_kind. 1080 is SOCKS's port (RFC 1928). */
static const struct proxy_kind_row kinds[] = {
	{ "socks5", "socks5", 1080 },
	{ "socks5h", "socks5", 1080 },
	{ "socks4", "socks4", 1080 },
	{ "socks4a", "socks4", 1080 },
	/* HTTP proxies have no port of their own; 8080 is the custom. */
	{ "http", "http", 8080 },
};

const char *
proxy_kind_scheme(enum proxy_kind kind)
{
	return kinds[kind].scheme;
}

const char *
proxy_kind_protocol(enum proxy_kind kind)
{
	return kinds[kind].protocol;
}

int
proxy_kind_from_scheme(const char *scheme, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].scheme) == len &&
		    strncasecmp(kinds[i].scheme, scheme, len) == 0)
			return (int)i;
	return -1;
}

int
proxy_kind_default_port(enum proxy_kind kind)
{
	return kinds[kind].port;
}

struct code_row {
	int code;
	const char *name;
	const char *meaning;
};

static const struct code_row socks5_replies[] = {
	{ SOCKS5_SUCCEEDED, "SUCCEEDED", N_("succeeded") },
	{ SOCKS5_GENERAL_FAILURE, "GENERAL_FAILURE",
	    N_("general SOCKS server failure") },
	{ SOCKS5_NOT_ALLOWED, "NOT_ALLOWED",
	    N_("connection not allowed by the proxy's rules") },
	{ SOCKS5_NETWORK_UNREACHABLE, "NETWORK_UNREACHABLE",
	    N_("network unreachable from the proxy") },
	{ SOCKS5_HOST_UNREACHABLE, "HOST_UNREACHABLE",
	    N_("host unreachable from the proxy") },
	{ SOCKS5_CONNECTION_REFUSED, "CONNECTION_REFUSED",
	    N_("connection refused by the destination") },
	{ SOCKS5_TTL_EXPIRED, "TTL_EXPIRED",
	    N_("TTL expired: the destination did not answer in time") },
	{ SOCKS5_COMMAND_NOT_SUPPORTED, "COMMAND_NOT_SUPPORTED",
	    N_("command not supported by the proxy") },
	{ SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED, "ADDRESS_TYPE_NOT_SUPPORTED",
	    N_("address type not supported by the proxy") },
};

static const struct code_row socks5_methods[] = {
	{ SOCKS5_NO_AUTH, "NO_AUTH", NULL },
	{ SOCKS5_GSSAPI, "GSSAPI", NULL },
	{ SOCKS5_USERPASS, "USERPASS", NULL },
	{ SOCKS5_NO_ACCEPTABLE, "NO_ACCEPTABLE", NULL },
};

static const struct code_row socks5_commands[] = {
	{ SOCKS5_CONNECT, "CONNECT", NULL },
	{ SOCKS5_BIND, "BIND", NULL },
	{ SOCKS5_UDP_ASSOCIATE, "UDP_ASSOCIATE", NULL },
};

static const struct code_row socks4_replies[] = {
	{ SOCKS4_GRANTED, "GRANTED", N_("request granted") },
	{ SOCKS4_REJECTED, "REJECTED",
	    N_("request rejected or failed: the proxy refused it, or could "
	    "not reach the destination") },
	{ SOCKS4_NO_IDENTD, "NO_IDENTD",
	    N_("request rejected: the proxy could not reach an identd on "
	    "the client") },
	{ SOCKS4_IDENTD_MISMATCH, "IDENTD_MISMATCH",
	    N_("request rejected: the client's identd named another user") },
};

#define ROWS(table) (sizeof(table) / sizeof((table)[0]))

static const struct code_row *
find(const struct code_row *rows, size_t n, int code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].code == code)
			return &rows[i];
	return NULL;
}

const char *
socks5_reply_name(int code)
{
	const struct code_row *r = find(socks5_replies, ROWS(socks5_replies),
	    code);

	return r != NULL ? r->name : NULL;
}

const char *
socks5_method_name(int method)
{
	const struct code_row *r = find(socks5_methods, ROWS(socks5_methods),
	    method);

	return r != NULL ? r->name : NULL;
}

const char *
socks5_command_name(int command)
{
	const struct code_row *r = find(socks5_commands,
	    ROWS(socks5_commands), command);

	return r != NULL ? r->name : NULL;
}

const char *
socks4_reply_name(int code)
{
	const struct code_row *r = find(socks4_replies, ROWS(socks4_replies),
	    code);

	return r != NULL ? r->name : NULL;
}

const char *
socks5_reply_meaning(int code)
{
	const struct code_row *r = find(socks5_replies, ROWS(socks5_replies),
	    code);

	/* RFC 1928 leaves X'09' to X'FF' unassigned. */
	return r != NULL ? r->meaning :
	    N_("a reply code RFC 1928 does not assign");
}

const char *
socks4_reply_meaning(int code)
{
	const struct code_row *r = find(socks4_replies, ROWS(socks4_replies),
	    code);

	return r != NULL ? r->meaning :
	    N_("a reply code SOCKS4 does not define");
}

enum secret_access
proxy_secret_access(unsigned mode)
{
	if ((mode & 044) != 0 && (mode & 022) != 0)
		return SECRET_READ_WRITE;
	if ((mode & 044) != 0)
		return SECRET_READ;
	if ((mode & 022) != 0)
		return SECRET_WRITE;
	return SECRET_OTHER;
}
