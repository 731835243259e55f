/* proxy_rules.c: where a proxy's clients may go: --allow-to and --deny-to, and the addresses that are this host to connect(). */
#include "compat.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "i18n.h"
#include "proxy_server.h"

/*
 * 0.0.0.0, :: and ::ffff:0.0.0.0 as bytes: connect() takes each for this
 * host, the mapped one too, since Linux dials it as 0.0.0.0 over IPv4.
 */
bool
proxy_addr_this_host(int family, const unsigned char *a)
{
	static const unsigned char zeros[16];
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (family == AF_INET)
		return memcmp(a, zeros, 4) == 0;
	return family == AF_INET6 && (memcmp(a, zeros, 16) == 0 ||
	    (memcmp(a, mapped, 12) == 0 && memcmp(a + 12, zeros, 4) == 0));
}

bool
proxy_this_host(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return proxy_addr_this_host(AF_INET, (const unsigned char *)&((const
		    struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return proxy_addr_this_host(AF_INET6, ((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr.s6_addr);
	return false;
}

int
proxy_rule_parse(const char *text, struct proxy_rule *out, char *err,
    size_t cap)
{
	char block[128], perr[256];
	const char *ports = NULL, *close;
	size_t blen;
	int n;

	memset(out, 0, sizeof(*out));
	if (text[0] == '[') {
		/* [v6]/prefix:ports: the brackets keep the colons apart. */
		close = strchr(text, ']');
		if (close == NULL || close == text + 1) {
			snprintf(err, cap, _("bad address block in '%s'"),
			    text);
			return -1;
		}
		ports = strchr(close, ':');
		blen = ports != NULL ? (size_t)(ports - close - 1) :
		    strlen(close + 1);
		/* cidr_parse takes "v6/prefix": the brackets go. */
		n = snprintf(block, sizeof(block), "%.*s%.*s",
		    (int)(close - text - 1), text + 1, (int)blen, close + 1);
	} else {
		ports = strchr(text, ':');
		/* A bare IPv6 block has colons of its own, and no ports. */
		if (ports != NULL && strchr(ports + 1, ':') != NULL)
			ports = NULL;
		blen = ports != NULL ? (size_t)(ports - text) : strlen(text);
		n = snprintf(block, sizeof(block), "%.*s", (int)blen, text);
	}
	if (n < 0 || (size_t)n >= sizeof(block)) {
		snprintf(err, cap, _("bad address block in '%s'"), text);
		return -1;
	}
	if (cidr_parse(block, &out->block, err, cap) < 0) {
		const char *slash = strchr(text, '/');

		/* "::1/128:22": the ports read as part of the prefix. */
		if (text[0] != '[' && slash != NULL &&
		    strchr(slash, ':') != NULL)
			snprintf(err, cap, _("ports after an IPv6 block need "
			    "brackets: [%.*s]%s"), (int)(slash - text), text,
			    slash);
		return -1;
	}
	if (ports == NULL)
		return 0;
	n = endpoint_port_list(ports + 1, out->ports, PROXY_RULE_RANGES, perr,
	    sizeof(perr));
	if (n < 0) {
		snprintf(err, cap, "%s", perr);
		return -1;
	}
	out->nports = n;
	return 0;
}

bool
proxy_rule_match(const struct proxy_rule *r, const struct sockaddr *sa,
    socklen_t len)
{
	int port, i;

	if (!cidr_match(&r->block, sa, len))
		return false;
	if (r->nports == 0)
		return true;
	port = addr_port(sa, len);
	for (i = 0; i < r->nports; i++)
		if (port >= (int)r->ports[i].first &&
		    port <= (int)r->ports[i].last)
			return true;
	return false;
}

bool
proxy_rules_admit(const struct proxy_rule *allow, int nallow,
    const struct proxy_rule *deny, int ndeny, const struct sockaddr *sa,
    socklen_t len)
{
	bool in = nallow == 0;
	int i;

	for (i = 0; i < nallow && !in; i++)
		in = proxy_rule_match(&allow[i], sa, len);
	for (i = 0; i < ndeny && in; i++)
		if (proxy_rule_match(&deny[i], sa, len))
			in = false;
	return in;
}
