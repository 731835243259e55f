/* sockopt.c: socket options by name for -o, and the names the trace prints. */
#include "compat.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "sockopt.h"

static const struct sockopt_def sockopt_rows[] = {
	{ "SO_BINDTODEVICE", SOL_SOCKET, SO_BINDTODEVICE, SOCKOPT_STRING,
	  N_("send and receive only through this interface") },
	{ "SO_BROADCAST", SOL_SOCKET, SO_BROADCAST, SOCKOPT_BOOL,
	  N_("allow datagrams to broadcast addresses") },
	{ "SO_DONTROUTE", SOL_SOCKET, SO_DONTROUTE, SOCKOPT_BOOL,
	  N_("bypass routing: directly connected hosts only") },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, SOCKOPT_BOOL,
	  N_("probe an idle connection to notice a dead peer") },
	{ "SO_LINGER", SOL_SOCKET, SO_LINGER, SOCKOPT_LINGER,
	  N_("close() waits SECS for unsent data; 0 resets (RST)") },
	{ "SO_MARK", SOL_SOCKET, SO_MARK, SOCKOPT_INT,
	  N_("firewall mark on outgoing packets (CAP_NET_ADMIN)") },
	{ "SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE, SOCKOPT_BOOL,
	  N_("deliver urgent data in the normal stream") },
	{ "SO_PRIORITY", SOL_SOCKET, SO_PRIORITY, SOCKOPT_INT,
	  N_("queueing priority of outgoing packets") },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, SOCKOPT_INT,
	  N_("receive buffer size in bytes (the kernel doubles it)") },
	{ "SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT, SOCKOPT_INT,
	  N_("bytes that must wait before a read wakes up") },
	{ "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, SOCKOPT_BOOL,
	  N_("bind a port that has connections in TIME_WAIT") },
	{ "SO_REUSEPORT", SOL_SOCKET, SO_REUSEPORT, SOCKOPT_BOOL,
	  N_("let several sockets bind the same port") },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, SOCKOPT_INT,
	  N_("send buffer size in bytes (the kernel doubles it)") },
	{ "TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION, SOCKOPT_STRING,
	  N_("congestion control algorithm, such as cubic or reno") },
	{ "TCP_CORK", IPPROTO_TCP, TCP_CORK, SOCKOPT_BOOL,
	  N_("hold partial segments until uncorked") },
	{ "TCP_DEFER_ACCEPT", IPPROTO_TCP, TCP_DEFER_ACCEPT, SOCKOPT_INT,
	  N_("accept() only once data arrived, waiting SECS at most") },
	{ "TCP_FASTOPEN", IPPROTO_TCP, TCP_FASTOPEN, SOCKOPT_INT,
	  N_("queue length for TCP Fast Open on a listener") },
	{ "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, SOCKOPT_INT,
	  N_("keepalive probes before the connection is dropped") },
	{ "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, SOCKOPT_INT,
	  N_("idle seconds before the first keepalive probe") },
	{ "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, SOCKOPT_INT,
	  N_("seconds between keepalive probes") },
	{ "TCP_LINGER2", IPPROTO_TCP, TCP_LINGER2, SOCKOPT_INT,
	  N_("lifetime of orphaned FIN_WAIT2 sockets") },
	{ "TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, SOCKOPT_INT,
	  N_("maximum segment size for outgoing segments") },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, SOCKOPT_BOOL,
	  N_("turn off Nagle's algorithm: send small writes at once") },
	{ "TCP_NOTSENT_LOWAT", IPPROTO_TCP, TCP_NOTSENT_LOWAT, SOCKOPT_INT,
	  N_("unsent bytes above which the socket is not writable") },
	{ "TCP_QUICKACK", IPPROTO_TCP, TCP_QUICKACK, SOCKOPT_BOOL,
	  N_("acknowledge at once instead of delaying ACKs") },
	{ "TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT, SOCKOPT_INT,
	  N_("SYN retransmits before connect() gives up") },
	{ "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, SOCKOPT_INT,
	  N_("milliseconds unacknowledged data may wait before reset") },
	{ "TCP_WINDOW_CLAMP", IPPROTO_TCP, TCP_WINDOW_CLAMP, SOCKOPT_INT,
	  N_("bound on the advertised receive window") },
	{ "IP_FREEBIND", IPPROTO_IP, IP_FREEBIND, SOCKOPT_BOOL,
	  N_("bind an address that is not (yet) configured") },
	{ "IP_MTU_DISCOVER", IPPROTO_IP, IP_MTU_DISCOVER, SOCKOPT_INT,
	  N_("path MTU discovery: 0 dont, 1 want, 2 do, 3 probe") },
	{ "IP_MULTICAST_LOOP", IPPROTO_IP, IP_MULTICAST_LOOP, SOCKOPT_BOOL,
	  N_("loop multicast back to local listeners") },
	{ "IP_MULTICAST_TTL", IPPROTO_IP, IP_MULTICAST_TTL, SOCKOPT_INT,
	  N_("time to live of outgoing multicast datagrams") },
	{ "IP_RECVERR", IPPROTO_IP, IP_RECVERR, SOCKOPT_BOOL,
	  N_("report ICMP errors on the socket at once") },
	{ "IP_TOS", IPPROTO_IP, IP_TOS, SOCKOPT_INT,
	  N_("type-of-service byte (DSCP and ECN) of outgoing packets") },
	{ "IP_TRANSPARENT", IPPROTO_IP, IP_TRANSPARENT, SOCKOPT_BOOL,
	  N_("transparent proxying (CAP_NET_ADMIN)") },
	{ "IP_TTL", IPPROTO_IP, IP_TTL, SOCKOPT_INT,
	  N_("time to live (hop limit) of outgoing IPv4 packets") },
	{ "IPV6_MULTICAST_HOPS", IPPROTO_IPV6, IPV6_MULTICAST_HOPS, SOCKOPT_INT,
	  N_("hop limit of outgoing IPv6 multicast") },
	{ "IPV6_MULTICAST_LOOP", IPPROTO_IPV6, IPV6_MULTICAST_LOOP, SOCKOPT_BOOL,
	  N_("loop IPv6 multicast back to local listeners") },
	{ "IPV6_RECVERR", IPPROTO_IPV6, IPV6_RECVERR, SOCKOPT_BOOL,
	  N_("report ICMPv6 errors on the socket at once") },
	{ "IPV6_TCLASS", IPPROTO_IPV6, IPV6_TCLASS, SOCKOPT_INT,
	  N_("traffic class byte of outgoing IPv6 packets") },
	{ "IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS, SOCKOPT_INT,
	  N_("hop limit of outgoing IPv6 packets") },
	{ "IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY, SOCKOPT_BOOL,
	  N_("an IPv6 socket does not also take IPv4 (mapped) peers") },
};

const struct sockopt_def *
sockopt_table(size_t *count)
{
	*count = ARRAY_LEN(sockopt_rows);
	return sockopt_rows;
}

const struct sockopt_def *
sockopt_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(sockopt_rows); i++)
		if (strcasecmp(sockopt_rows[i].name, name) == 0)
			return &sockopt_rows[i];
	return NULL;
}

const struct sockopt_def *
sockopt_by_value(int level, int optname)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(sockopt_rows); i++)
		if (sockopt_rows[i].level == level &&
		    sockopt_rows[i].optname == optname)
			return &sockopt_rows[i];
	return NULL;
}

const char *
sockopt_level_name(int level)
{
	switch (level) {
	case SOL_SOCKET:	return "SOL_SOCKET";
	case IPPROTO_TCP:	return "IPPROTO_TCP";
	case IPPROTO_UDP:	return "IPPROTO_UDP";
	case IPPROTO_IP:	return "IPPROTO_IP";
	case IPPROTO_IPV6:	return "IPPROTO_IPV6";
	}
	return NULL;
}

static int
parse_bool(const char *text, int *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Accepts a decimal int with an optional binary k/m/g suffix. */
static int
parse_int(const char *text, int *out)
{
	char *end;
	long long v, scale = 1;

	if (*text == '\0')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text)
		return -1;
	switch (*end) {
	case 'k': case 'K': scale = 1024; end++; break;
	case 'm': case 'M': scale = 1024 * 1024; end++; break;
	case 'g': case 'G': scale = 1024 * 1024 * 1024; end++; break;
	}
	/* Check the range before scaling, so nothing can overflow. */
	if (*end != '\0' || v < INT_MIN / scale || v > INT_MAX / scale)
		return -1;
	v *= scale;
	*out = (int)v;
	return 0;
}

int
sockopt_parse(const char *arg, struct sockopt_setting *out,
    char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char name[64];
	size_t nlen;
	const char *value;
	const struct sockopt_def *def;

	memset(out, 0, sizeof(*out));
	if (eq == NULL) {
		snprintf(err, errlen, _("socket option '%s' needs =VALUE"),
		    arg);
		return -1;
	}
	nlen = (size_t)(eq - arg);
	if (nlen == 0 || nlen >= sizeof(name)) {
		snprintf(err, errlen, _("bad socket option name in '%s'"), arg);
		return -1;
	}
	memcpy(name, arg, nlen);
	name[nlen] = '\0';
	value = eq + 1;
	def = sockopt_find(name);
	if (def == NULL) {
		snprintf(err, errlen, _("unknown socket option '%s'"), name);
		return -1;
	}
	out->def = def;
	switch (def->kind) {
	case SOCKOPT_BOOL:
		if (parse_bool(value, &out->int_value) == 0)
			return 0;
		snprintf(err, errlen, _("%s takes 0 or 1, not '%s'"),
		    def->name, value);
		return -1;
	case SOCKOPT_INT:
		if (parse_int(value, &out->int_value) == 0)
			return 0;
		snprintf(err, errlen, _("%s takes an integer, not '%s'"),
		    def->name, value);
		return -1;
	case SOCKOPT_LINGER:
		if (strcasecmp(value, "off") == 0)
			return 0;
		if (parse_int(value, &out->linger_value.l_linger) == 0 &&
		    out->linger_value.l_linger >= 0) {
			out->linger_value.l_onoff = 1;
			return 0;
		}
		snprintf(err, errlen, _("%s takes seconds or 'off', not '%s'"),
		    def->name, value);
		return -1;
	case SOCKOPT_STRING:
		if (*value != '\0' &&
		    strlen(value) < sizeof(out->string_value)) {
			strcpy(out->string_value, value);
			return 0;
		}
		snprintf(err, errlen,
		    _("%s takes a name of 1 to %zu characters"), def->name,
		    sizeof(out->string_value) - 1);
		return -1;
	}
	return -1;
}

const void *
sockopt_value(const struct sockopt_setting *s, socklen_t *len)
{
	switch (s->def->kind) {
	case SOCKOPT_LINGER:
		*len = sizeof(s->linger_value);
		return &s->linger_value;
	case SOCKOPT_STRING:
		*len = (socklen_t)strlen(s->string_value);
		return s->string_value;
	default:
		*len = sizeof(s->int_value);
		return &s->int_value;
	}
}
