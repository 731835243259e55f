/* multicast.c: joining groups to receive, and SO_BROADCAST, the interface, TTL and loop to send. */
#include "compat.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "i18n.h"
#include "multicast.h"
#include "report.h"
#include "sockit.h"
#include "sys.h"

const struct opt_def multicast_send_defs[] = {
	{ 0, "broadcast", OPT_FLAG, offsetof(struct multicast_send, broadcast),
	  NULL, N_("may send to a broadcast address (SO_BROADCAST)"),
	  1, 0, 0, NULL },
	{ 0, "multicast-if", OPT_STRING,
	  offsetof(struct multicast_send, interface), "IFACE",
	  N_("send multicast out of interface IFACE"), 0, 0, 0, NULL },
	{ 0, "ttl", OPT_COUNT, offsetof(struct multicast_send, ttl), "N",
	  N_("multicast hops (default 1; 0: this host only)"), 0, 0, 255,
	  NULL },
	{ 0, "multicast-loop", OPT_CHOICE,
	  offsetof(struct multicast_send, loop), "on|off",
	  N_("our multicast to this host's members too"), 0, 0, 0, "off|on" },
};

const size_t multicast_send_count = ARRAY_LEN(multicast_send_defs);

const struct opt_def multicast_recv_defs[] = {
	{ 0, "join", OPT_LIST, offsetof(struct multicast_recv, join), "GROUP",
	  N_("join multicast GROUP, e.g. ff02::fb (repeatable)"), 0, 0, 0,
	  NULL },
	{ 0, "source", OPT_LIST, offsetof(struct multicast_recv, source),
	  "ADDR", N_("with --join: only ADDR's datagrams (repeatable)"),
	  0, 0, 0, NULL },
	{ 0, "multicast-if", OPT_STRING,
	  offsetof(struct multicast_recv, interface), "IFACE",
	  N_("with --join: join on interface IFACE"), 0, 0, 0, NULL },
};

const size_t multicast_recv_count = ARRAY_LEN(multicast_recv_defs);

void
multicast_send_init(struct multicast_send *ms)
{
	memset(ms, 0, sizeof(*ms));
	ms->ttl = -1;
	ms->loop = -1;
}

void
multicast_recv_init(struct multicast_recv *mr)
{
	memset(mr, 0, sizeof(*mr));
}

/* Returns true when ep is a UDP endpoint, which these options are for. */
static bool
is_udp(const struct endpoint *ep)
{
	return endpoint_is_dgram(ep) && !endpoint_is_unix(ep);
}

/*
 * Finds the interface IFACE. Returns EXIT_OK with *index set, or
 * EXIT_FAIL after reporting: a name this host lacks is not a mistake of
 * the command line, since another host may have it.
 */
static int
find_interface(const char *name, unsigned *index)
{
	char what[IF_NAMESIZE + 64];

	*index = if_nametoindex(name);
	if (*index != 0)
		return EXIT_OK;
	snprintf(what, sizeof(what), _("find interface '%s' (--multicast-if)"),
	    name);
	report_errno("if_nametoindex", what, errno);
	return EXIT_FAIL;
}

int
multicast_send_check(struct multicast_send *ms, const struct endpoint *ep)
{
	const char *given = ms->broadcast ? "--broadcast" :
	    ms->interface != NULL ? "--multicast-if" : ms->ttl >= 0 ? "--ttl" :
	    ms->loop >= 0 ? "--multicast-loop" : NULL;

	if (given != NULL && !is_udp(ep)) {
		report_usage("%s is for UDP datagrams, and %s is not UDP "
		    "(-u or udp://)", given, ep->text);
		return EXIT_USAGE;
	}
	if (ep->broadcast && !ms->broadcast) {
		report_usage("<broadcast> is 255.255.255.255, which the kernel "
		    "sends to only with --broadcast (SO_BROADCAST)");
		return EXIT_USAGE;
	}
	if (ms->interface != NULL)
		return find_interface(ms->interface, &ms->ifindex);
	return EXIT_OK;
}

/* setsockopt of an int that says what it is for. Returns 0 or -1. */
static int
set_int(int fd, int level, int name, int value, const char *label,
    const char *where)
{
	char what[ADDR_TEXT_MAX + 64];

	if (sys_setsockopt(fd, level, name, &value, sizeof(value)) == 0)
		return 0;
	snprintf(what, sizeof(what), _("set %s on the socket for %s"), label,
	    where);
	report_errno("setsockopt", what, errno);
	return -1;
}

int
multicast_send_apply(const struct multicast_send *ms, int fd, int family,
    const char *where)
{
	bool v6 = family == AF_INET6;
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;

	/* A datagram to a broadcast address is EACCES without this. */
	if (ms->broadcast && set_int(fd, SOL_SOCKET, SO_BROADCAST, 1,
	    "SO_BROADCAST", where) < 0)
		return -1;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (ms->interface != NULL) {
		char what[ADDR_TEXT_MAX + 64];
		struct ip_mreqn m;
		int rc;

		/* IPv4 takes the interface by index in struct ip_mreqn. */
		memset(&m, 0, sizeof(m));
		m.imr_ifindex = (int)ms->ifindex;
		if (v6)
			rc = set_int(fd, level, IPV6_MULTICAST_IF,
			    (int)ms->ifindex, "IPV6_MULTICAST_IF", where);
		else
			rc = sys_setsockopt(fd, level, IP_MULTICAST_IF, &m,
			    sizeof(m));
		if (rc < 0 && !v6) {
			snprintf(what, sizeof(what), _("set IP_MULTICAST_IF %s "
			    "on the socket for %s"), ms->interface, where);
			report_errno("setsockopt", what, errno);
		}
		if (rc < 0)
			return -1;
	}
	if (ms->ttl >= 0 && set_int(fd, level, v6 ? IPV6_MULTICAST_HOPS :
	    IP_MULTICAST_TTL, (int)ms->ttl, v6 ? "IPV6_MULTICAST_HOPS" :
	    "IP_MULTICAST_TTL", where) < 0)
		return -1;
	if (ms->loop >= 0 && set_int(fd, level, v6 ? IPV6_MULTICAST_LOOP :
	    IP_MULTICAST_LOOP, ms->loop, v6 ? "IPV6_MULTICAST_LOOP" :
	    "IP_MULTICAST_LOOP", where) < 0)
		return -1;
	return 0;
}

/*
 * Parses a numeric address of either family into ss, port 0. Returns
 * its family, or AF_UNSPEC when text is no address.
 */
static int
parse_host(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (sys_inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return AF_INET;
	}
	if (sys_inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return AF_INET6;
	}
	return AF_UNSPEC;
}

static bool
is_multicast(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return IN_MULTICAST(ntohl(sin->sin_addr.s_addr));
	return IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr);
}

int
multicast_recv_check(struct multicast_recv *mr, const struct endpoint *ep)
{
	int i, j;

	if (mr->join.count == 0) {
		if (mr->source.count > 0 || mr->interface != NULL) {
			report_usage("%s says where to join a group, and needs "
			    "--join GROUP", mr->source.count > 0 ? "--source" :
			    "--multicast-if");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (!is_udp(ep)) {
		report_usage("--join is for UDP (-u or udp://), and %s is not "
		    "UDP", ep->text);
		return EXIT_USAGE;
	}
	for (i = 0; i < mr->join.count; i++) {
		const char *g = mr->join.items[i];

		if (parse_host(g, &mr->groups[i]) == AF_UNSPEC ||
		    !is_multicast(&mr->groups[i])) {
			report_usage("bad --join '%s': a multicast group "
			    "address, 224.0.0.0 to 239.255.255.255 or ff00::/8",
			    g);
			return EXIT_USAGE;
		}
	}
	for (i = 0; i < mr->source.count; i++) {
		const char *a = mr->source.items[i];
		bool matched = false;

		if (parse_host(a, &mr->sources[i]) == AF_UNSPEC ||
		    is_multicast(&mr->sources[i])) {
			report_usage("bad --source '%s': the unicast address "
			    "of a sender", a);
			return EXIT_USAGE;
		}
		for (j = 0; j < mr->join.count; j++)
			matched |= mr->groups[j].ss_family ==
			    mr->sources[i].ss_family;
		if (!matched) {
			report_usage("--source %s has no --join group of its "
			    "address family", a);
			return EXIT_USAGE;
		}
	}
	if (mr->interface != NULL)
		return find_interface(mr->interface, &mr->ifindex);
	return EXIT_OK;
}

/* One join, reported when it fails. Returns 0 or -1. */
static int
join_one(const struct multicast_recv *mr, int fd, int g, int src)
{
	const struct sockaddr_storage *group = &mr->groups[g];
	int level = group->ss_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	char what[256], where_text[128];
	struct strbuf where;
	int rc;

	if (src < 0) {
		struct group_req req;

		memset(&req, 0, sizeof(req));
		req.gr_interface = mr->ifindex;
		memcpy(&req.gr_group, group, sizeof(*group));
		rc = sys_setsockopt(fd, level, MCAST_JOIN_GROUP, &req,
		    sizeof(req));
	} else {
		struct group_source_req req;

		memset(&req, 0, sizeof(req));
		req.gsr_interface = mr->ifindex;
		memcpy(&req.gsr_group, group, sizeof(*group));
		memcpy(&req.gsr_source, &mr->sources[src],
		    sizeof(mr->sources[src]));
		rc = sys_setsockopt(fd, level, MCAST_JOIN_SOURCE_GROUP, &req,
		    sizeof(req));
	}
	strbuf_init(&where, where_text, sizeof(where_text));
	if (src >= 0)
		strbuf_printf(&where, _(" for %s"), mr->source.items[src]);
	if (mr->interface)
		strbuf_printf(&where, _(" on %s"), mr->interface);
	if (rc == 0) {
		report_note("joined %s%s", mr->join.items[g],
		    strbuf_str(&where));
		return 0;
	}
	snprintf(what, sizeof(what), _("join %s%s"), mr->join.items[g],
	    strbuf_str(&where));
	report_errno("setsockopt", what, errno);
	return -1;
}

int
multicast_join(const struct multicast_recv *mr, int fd)
{
	int g, src;

	for (g = 0; g < mr->join.count; g++) {
		bool any = false;

		for (src = 0; src < mr->source.count; src++) {
			if (mr->sources[src].ss_family !=
			    mr->groups[g].ss_family)
				continue;
			any = true;
			if (join_one(mr, fd, g, src) < 0)
				return -1;
		}
		if (!any && join_one(mr, fd, g, -1) < 0)
			return -1;
	}
	return 0;
}
