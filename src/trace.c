/* trace.c: the teaching-mode line format and the names of socket constants. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "sabytes.h"
#include "sockopt.h"
#include "trace.h"

unsigned trace_flags;
unsigned long trace_tag;

/* The process that turned tracing on: the others' lines carry their pid. */
static pid_t trace_origin;

/*
 * Lines held back while a vfork child runs in our memory: the parent
 * sleeps until the child execs, so the child's lines would come before
 * the parent's vfork line; the parent prints them after it instead.
 */
static char held[8192];
static size_t held_len;
static bool holding;
static pid_t holder;	/* its own lines go out at once */

/*
 * The sockaddrs of the line being built, for --trace=bytes, copied so
 * that trace_emit needs nothing from its caller but the line.
 */
#define BYTES_SLOTS 4
static struct {
	struct sockaddr_storage sa;
	socklen_t len;
} kept[BYTES_SLOTS];
static size_t kept_count;

int
trace_set_mode(const char *spec)
{
	char copy[64];
	char *word, *save = NULL;

	trace_flags |= TRACE_ON;
	trace_origin = getpid();
	if (spec == NULL || *spec == '\0')
		return 0;
	if (strlen(spec) >= sizeof(copy))
		return -1;
	strcpy(copy, spec);
	for (word = strtok_r(copy, ",", &save); word != NULL;
	    word = strtok_r(NULL, ",", &save)) {
		if (strcmp(word, "full") == 0)
			trace_flags |= TRACE_FULL;
		else if (strcmp(word, "bytes") == 0)
			trace_flags |= TRACE_BYTES;
		else if (strcmp(word, "time") == 0)
			trace_flags |= TRACE_TIME;
		else
			return -1;
	}
	return 0;
}

const char *
trace_errno_name(int err)
{
	/* glibc knows every name; EWOULDBLOCK is EAGAIN on Linux. */
	return strerrorname_np(err);
}

const char *
trace_eai_name(int code)
{
	switch (code) {
	case EAI_ADDRFAMILY:	return "EAI_ADDRFAMILY";
	case EAI_AGAIN:		return "EAI_AGAIN";
	case EAI_BADFLAGS:	return "EAI_BADFLAGS";
	case EAI_FAIL:		return "EAI_FAIL";
	case EAI_FAMILY:	return "EAI_FAMILY";
	case EAI_MEMORY:	return "EAI_MEMORY";
	case EAI_NODATA:	return "EAI_NODATA";
	case EAI_NONAME:	return "EAI_NONAME";
	case EAI_OVERFLOW:	return "EAI_OVERFLOW";
	case EAI_SERVICE:	return "EAI_SERVICE";
	case EAI_SOCKTYPE:	return "EAI_SOCKTYPE";
	case EAI_SYSTEM:	return "EAI_SYSTEM";
	}
	return NULL;
}

const char *
trace_family_name(int family)
{
	switch (family) {
	case AF_UNSPEC:	return "AF_UNSPEC";
	case AF_INET:	return "AF_INET";
	case AF_INET6:	return "AF_INET6";
	case AF_UNIX:	return "AF_UNIX";
	case AF_NETLINK: return "AF_NETLINK";
	}
	return NULL;
}

const char *
trace_socktype_name(int type)
{
	switch (type) {
	case SOCK_STREAM:	return "SOCK_STREAM";
	case SOCK_DGRAM:	return "SOCK_DGRAM";
	case SOCK_SEQPACKET:	return "SOCK_SEQPACKET";
	case SOCK_RAW:		return "SOCK_RAW";
	case SOCK_RDM:		return "SOCK_RDM";
	case 0:			return "0";
	}
	return NULL;
}

const char *
trace_protocol_name(int protocol)
{
	switch (protocol) {
	case 0:			return "0";
	case IPPROTO_TCP:	return "IPPROTO_TCP";
	case IPPROTO_UDP:	return "IPPROTO_UDP";
	}
	return NULL;
}

const char *
trace_socket_protocol_name(int family, int protocol)
{
	if (family != AF_NETLINK)
		return trace_protocol_name(protocol);
	switch (protocol) {
	case NETLINK_SOCK_DIAG:	return "NETLINK_SOCK_DIAG";
	}
	return NULL;
}

void
trace_unix_diag_request(struct strbuf *sb, const struct nlmsghdr *h,
    const struct unix_diag_req *req)
{
	static const struct {
		unsigned bit;
		const char *name;
	} shows[] = {
		{ UDIAG_SHOW_NAME, "UDIAG_SHOW_NAME" },
		{ UDIAG_SHOW_VFS, "UDIAG_SHOW_VFS" },
		{ UDIAG_SHOW_PEER, "UDIAG_SHOW_PEER" },
		{ UDIAG_SHOW_ICONS, "UDIAG_SHOW_ICONS" },
		{ UDIAG_SHOW_RQLEN, "UDIAG_SHOW_RQLEN" },
		{ UDIAG_SHOW_MEMINFO, "UDIAG_SHOW_MEMINFO" },
	};
	const char *sep = "";
	size_t i;

	strbuf_puts(sb, "{{nlmsg_type=");
	trace_name(sb, h->nlmsg_type == SOCK_DIAG_BY_FAMILY ?
	    "SOCK_DIAG_BY_FAMILY" : NULL, h->nlmsg_type);
	strbuf_puts(sb, ", nlmsg_flags=");
	if (h->nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP))
		strbuf_puts(sb, "NLM_F_REQUEST|NLM_F_DUMP");
	else
		strbuf_printf(sb, "%#x", h->nlmsg_flags);
	strbuf_puts(sb, "}, {sdiag_family=");
	trace_name(sb, trace_family_name(req->sdiag_family),
	    req->sdiag_family);
	if (req->udiag_states == ~0u)
		strbuf_puts(sb, ", udiag_states=~0");
	else
		strbuf_printf(sb, ", udiag_states=%#x", req->udiag_states);
	strbuf_puts(sb, ", udiag_show=");
	for (i = 0; i < ARRAY_LEN(shows); i++) {
		if (req->udiag_show & shows[i].bit) {
			strbuf_printf(sb, "%s%s", sep, shows[i].name);
			sep = "|";
		}
	}
	if (*sep == '\0')
		strbuf_printf(sb, "%#x", req->udiag_show);
	strbuf_puts(sb, "}}");
}

const char *
trace_shutdown_name(int how)
{
	switch (how) {
	case SHUT_RD:	return "SHUT_RD";
	case SHUT_WR:	return "SHUT_WR";
	case SHUT_RDWR:	return "SHUT_RDWR";
	}
	return NULL;
}

const char *
trace_herror_name(int herr)
{
	switch (herr) {
	case HOST_NOT_FOUND:	return "HOST_NOT_FOUND";
	case TRY_AGAIN:		return "TRY_AGAIN";
	case NO_RECOVERY:	return "NO_RECOVERY";
	case NO_DATA:		return "NO_DATA";
	}
	return NULL;
}

const char *
trace_signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
		{ SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" },
		{ SIGUSR2, "SIGUSR2" }, { SIGPIPE, "SIGPIPE" },
		{ SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" },
		{ SIGSTOP, "SIGSTOP" }, { SIGTSTP, "SIGTSTP" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "SIG?";
}

void
trace_name(struct strbuf *sb, const char *name, int value)
{
	if (name != NULL)
		strbuf_puts(sb, name);
	else
		strbuf_printf(sb, "%d", value);
}

static void
trace_sockaddr_full(struct strbuf *sb, const struct sockaddr *sa,
    socklen_t len)
{
	struct strbuf host;
	char text[ADDR_TEXT_MAX];

	strbuf_puts(sb, "{sa_family=");
	trace_name(sb, trace_family_name(sa->sa_family), sa->sa_family);
	strbuf_init(&host, text, sizeof(text));
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		addr_host(&host, sa, len);
		strbuf_printf(sb, ", sin_port=htons(%d), "
		    "sin_addr=inet_addr(\"%s\")}", addr_port(sa, len), text);
	} else if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)sa;
		char plain[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &sin6->sin6_addr, plain, sizeof(plain));
		strbuf_printf(sb, ", sin6_port=htons(%d), "
		    "sin6_flowinfo=htonl(%u), "
		    "inet_pton(AF_INET6, \"%s\", &sin6_addr), "
		    "sin6_scope_id=%u}", addr_port(sa, len),
		    ntohl(sin6->sin6_flowinfo), plain, sin6->sin6_scope_id);
	} else if (sa->sa_family == AF_UNIX) {
		strbuf_puts(sb, ", sun_path=");
		addr_unix_path(sb, sa, len, true);
		strbuf_puts(sb, "}");
	} else {
		strbuf_puts(sb, "}");
	}
}

void
trace_sockaddr(struct strbuf *sb, const struct sockaddr *sa, socklen_t len)
{
	char text[ADDR_TEXT_MAX];

	if (sa == NULL || len < sizeof(sa_family_t)) {
		strbuf_puts(sb, "NULL");
		return;
	}
	if ((trace_flags & TRACE_BYTES) && kept_count < BYTES_SLOTS) {
		socklen_t n = len < sizeof(kept[0].sa) ? len :
		    (socklen_t)sizeof(kept[0].sa);

		memcpy(&kept[kept_count].sa, sa, n);
		kept[kept_count++].len = n;
	}
	if (trace_flags & TRACE_FULL) {
		trace_sockaddr_full(sb, sa, len);
		return;
	}
	strbuf_puts(sb, "{");
	trace_name(sb, trace_family_name(sa->sa_family), sa->sa_family);
	strbuf_puts(sb, ", ");
	if (sa->sa_family == AF_UNIX)
		addr_unix_path(sb, sa, len, true);
	else
		strbuf_puts(sb, addr_format(sa, len, text, sizeof(text)));
	strbuf_puts(sb, "}");
}

/*
 * Options that sockit sets itself and -o does not offer, since their
 * values are structs or they only make sense with sockit's own reading.
 */
static const struct {
	int level, optname;
	const char *name;
} own_options[] = {
	{ IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO" },
	{ IPPROTO_IP, IP_MULTICAST_IF, "IP_MULTICAST_IF" },
	{ IPPROTO_IP, MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP" },
	{ IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, "MCAST_JOIN_SOURCE_GROUP" },
	{ IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
	{ IPPROTO_IPV6, IPV6_MULTICAST_IF, "IPV6_MULTICAST_IF" },
	{ IPPROTO_IPV6, MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP" },
	{ IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, "MCAST_JOIN_SOURCE_GROUP" },
};

static const char *
own_option_name(int level, int optname)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(own_options); i++)
		if (own_options[i].level == level &&
		    own_options[i].optname == optname)
			return own_options[i].name;
	return NULL;
}

/* An interface index as strace shows it: if_nametoindex("eth0"). */
static void
trace_ifindex(struct strbuf *sb, unsigned index)
{
	char name[IF_NAMESIZE];

	if (index != 0 && if_indextoname(index, name) != NULL)
		strbuf_printf(sb, "if_nametoindex(\"%s\")", name);
	else
		strbuf_printf(sb, "%u", index);
}

/* A group or source address: {AF_INET, 239.1.1.1}, without a port. */
static void
trace_host(struct strbuf *sb, const struct sockaddr_storage *ss)
{
	strbuf_puts(sb, "{");
	trace_name(sb, trace_family_name(ss->ss_family), ss->ss_family);
	strbuf_puts(sb, ", ");
	addr_host(sb, (const struct sockaddr *)ss, sizeof(*ss));
	strbuf_puts(sb, "}");
}

static void
trace_in_addr(struct strbuf *sb, const char *field, struct in_addr a)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, text, sizeof(text));
	strbuf_printf(sb, "%s=%s", field, text);
}

/* The struct values of the options in own_options. Returns true if shown. */
static bool
trace_struct_value(struct strbuf *sb, int optname, const void *value,
    socklen_t len)
{
	if (optname == MCAST_JOIN_GROUP && len >= sizeof(struct group_req)) {
		const struct group_req *g = value;

		strbuf_puts(sb, ", {gr_interface=");
		trace_ifindex(sb, g->gr_interface);
		strbuf_puts(sb, ", gr_group=");
		trace_host(sb, &g->gr_group);
		strbuf_puts(sb, "}");
		return true;
	}
	if (optname == MCAST_JOIN_SOURCE_GROUP &&
	    len >= sizeof(struct group_source_req)) {
		const struct group_source_req *g = value;

		strbuf_puts(sb, ", {gsr_interface=");
		trace_ifindex(sb, g->gsr_interface);
		strbuf_puts(sb, ", gsr_group=");
		trace_host(sb, &g->gsr_group);
		strbuf_puts(sb, ", gsr_source=");
		trace_host(sb, &g->gsr_source);
		strbuf_puts(sb, "}");
		return true;
	}
	if (optname == IP_MULTICAST_IF && len >= sizeof(struct ip_mreqn)) {
		const struct ip_mreqn *m = value;

		strbuf_puts(sb, ", {");
		trace_in_addr(sb, "imr_multiaddr", m->imr_multiaddr);
		strbuf_puts(sb, ", ");
		trace_in_addr(sb, "imr_address", m->imr_address);
		strbuf_puts(sb, ", imr_ifindex=");
		trace_ifindex(sb, (unsigned)m->imr_ifindex);
		strbuf_puts(sb, "}");
		return true;
	}
	return false;
}

void
trace_cmsg(struct strbuf *sb, const struct cmsghdr *c)
{
	char text[INET6_ADDRSTRLEN];

	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
		struct in_pktinfo pi;

		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		strbuf_puts(sb, "IP_PKTINFO {ipi_ifindex=");
		trace_ifindex(sb, (unsigned)pi.ipi_ifindex);
		strbuf_puts(sb, ", ");
		trace_in_addr(sb, "ipi_spec_dst", pi.ipi_spec_dst);
		strbuf_puts(sb, ", ");
		trace_in_addr(sb, "ipi_addr", pi.ipi_addr);
		strbuf_puts(sb, "}");
	} else if (c->cmsg_level == IPPROTO_IPV6 &&
	    c->cmsg_type == IPV6_PKTINFO &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
		struct in6_pktinfo pi;

		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		inet_ntop(AF_INET6, &pi.ipi6_addr, text, sizeof(text));
		strbuf_printf(sb, "IPV6_PKTINFO {ipi6_addr=%s, ipi6_ifindex=",
		    text);
		trace_ifindex(sb, pi.ipi6_ifindex);
		strbuf_puts(sb, "}");
	} else {
		strbuf_printf(sb, "{cmsg_level=%d, cmsg_type=%d}",
		    c->cmsg_level, c->cmsg_type);
	}
}

void
trace_sockopt(struct strbuf *sb, int level, int optname, const void *value,
    socklen_t len)
{
	const struct sockopt_def *def = sockopt_by_value(level, optname);
	const char *own = own_option_name(level, optname);

	trace_name(sb, sockopt_level_name(level), level);
	strbuf_puts(sb, ", ");
	if (def != NULL)
		strbuf_puts(sb, def->name);
	else if (own != NULL)
		strbuf_puts(sb, own);
	else if (level == SOL_SOCKET && optname == SO_ERROR)
		strbuf_puts(sb, "SO_ERROR");
	else if (level == SOL_SOCKET && optname == SO_TYPE)
		strbuf_puts(sb, "SO_TYPE");
	else if (level == SOL_SOCKET && optname == SO_DOMAIN)
		strbuf_puts(sb, "SO_DOMAIN");
	else if (level == SOL_SOCKET && optname == SO_RCVTIMEO)
		strbuf_puts(sb, "SO_RCVTIMEO");
	else if (level == SOL_SOCKET && optname == SO_SNDTIMEO)
		strbuf_puts(sb, "SO_SNDTIMEO");
	else
		strbuf_printf(sb, "%d", optname);
	if (value == NULL)
		return;
	if (own != NULL && trace_struct_value(sb, optname, value, len))
		return;
	if (level == SOL_SOCKET && (optname == SO_RCVTIMEO ||
	    optname == SO_SNDTIMEO) && len >= sizeof(struct timeval)) {
		const struct timeval *tv = value;

		strbuf_printf(sb, ", {tv_sec=%ld, tv_usec=%ld}",
		    (long)tv->tv_sec, (long)tv->tv_usec);
		return;
	}
	if (level == SOL_SOCKET && optname == SO_DOMAIN &&
	    len == sizeof(int)) {
		int family;

		memcpy(&family, value, sizeof(family));
		strbuf_puts(sb, ", [");
		trace_name(sb, trace_family_name(family), family);
		strbuf_puts(sb, "]");
		return;
	}
	if (def != NULL && def->kind == SOCKOPT_LINGER &&
	    len >= sizeof(struct linger)) {
		const struct linger *lg = value;

		strbuf_printf(sb, ", {l_onoff=%d, l_linger=%d}",
		    lg->l_onoff, lg->l_linger);
	} else if (def != NULL && def->kind == SOCKOPT_STRING) {
		strbuf_printf(sb, ", \"%.*s\"", (int)len, (const char *)value);
	} else if (len == sizeof(int)) {
		int v;

		memcpy(&v, value, sizeof(v));
		if (level == SOL_SOCKET && optname == SO_ERROR && v != 0 &&
		    trace_errno_name(v) != NULL)
			strbuf_printf(sb, ", [%s]", trace_errno_name(v));
		else
			strbuf_printf(sb, ", [%d]", v);
	}
}

void
trace_begin(struct strbuf *sb, char *storage, size_t cap)
{
	pid_t pid = getpid();

	strbuf_init(sb, storage, cap);
	kept_count = 0;
	/* As strace -f: first the tag, then the time, then the call. */
	if (pid != trace_origin)
		strbuf_printf(sb, "[pid %ld] ", (long)pid);
	if (trace_flags & TRACE_TIME) {
		struct timeval tv;
		struct tm tm;

		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strbuf_printf(sb, "%02d:%02d:%02d.%06ld ", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
	}
	if (trace_tag != 0)
		strbuf_printf(sb, "[#%lu] ", trace_tag);
}

/* Bytes of a data call a line shows, as strace's default -s 32. */
#define TRACE_BUFFER_SHOWN 32

void
trace_escape(struct strbuf *sb, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		switch (c) {
		case '"':	strbuf_puts(sb, "\\\""); continue;
		case '\\':	strbuf_puts(sb, "\\\\"); continue;
		case '\t':	strbuf_puts(sb, "\\t"); continue;
		case '\n':	strbuf_puts(sb, "\\n"); continue;
		case '\v':	strbuf_puts(sb, "\\v"); continue;
		case '\f':	strbuf_puts(sb, "\\f"); continue;
		case '\r':	strbuf_puts(sb, "\\r"); continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			strbuf_add(sb, (const char *)&c, 1);
			continue;
		}
		/*
		 * Octal as C writes it: the shortest form, unless a digit
		 * follows and would be read as part of the escape.
		 */
		if (i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7')
			strbuf_printf(sb, "\\%03o", c);
		else
			strbuf_printf(sb, "\\%o", c);
	}
}

void
trace_buffer(struct strbuf *sb, const void *buf, size_t len)
{
	size_t shown = len < TRACE_BUFFER_SHOWN ? len : TRACE_BUFFER_SHOWN;

	strbuf_puts(sb, "\"");
	trace_escape(sb, buf, shown);
	strbuf_puts(sb, "\"");
	if (shown < len)
		strbuf_puts(sb, "...");
}

void
trace_msg_flags(struct strbuf *sb, int flags)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ MSG_OOB, "MSG_OOB" }, { MSG_PEEK, "MSG_PEEK" },
		{ MSG_DONTROUTE, "MSG_DONTROUTE" }, { MSG_TRUNC, "MSG_TRUNC" },
		{ MSG_DONTWAIT, "MSG_DONTWAIT" }, { MSG_EOR, "MSG_EOR" },
		{ MSG_WAITALL, "MSG_WAITALL" }, { MSG_CONFIRM, "MSG_CONFIRM" },
		{ MSG_ERRQUEUE, "MSG_ERRQUEUE" }, { MSG_NOSIGNAL, "MSG_NOSIGNAL" },
		{ MSG_MORE, "MSG_MORE" }, { MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC" },
	};
	const char *sep = "";
	size_t i;

	if (flags == 0) {
		strbuf_puts(sb, "0");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			strbuf_printf(sb, "%s%s", sep, names[i].name);
			sep = "|";
			flags &= ~names[i].bit;
		}
	}
	if (flags != 0)
		strbuf_printf(sb, "%s%#x", sep, (unsigned)flags);
}

void
trace_result(struct strbuf *sb, long ret, int err)
{
	if (ret != -1) {
		strbuf_printf(sb, " = %ld", ret);
		return;
	}
	strbuf_puts(sb, " = -1 ");
	trace_name(sb, trace_errno_name(err), err);
	/* A trace line reads the same in every language, as strace's do. */
	strbuf_printf(sb, " (%s)", i18n_errno_text_english(err));
}

void (*trace_stderr_hide)(void);
void (*trace_stderr_show)(void);

void
trace_write_stderr(const char *text, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int saved = errno;	/* the caller may report the call's errno */

	if (trace_stderr_hide != NULL)
		trace_stderr_hide();
	while (off < len) {
		n = write(STDERR_FILENO, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (trace_stderr_show != NULL)
		trace_stderr_show();
	errno = saved;
}

/* Writes text now, or keeps it while another process's lines are held. */
static void
emit_text(const char *text, size_t used)
{
	if (!holding || getpid() == holder) {
		trace_write_stderr(text, used);
		return;
	}
	if (used <= sizeof(held) - held_len) {
		memcpy(held + held_len, text, used);
		held_len += used;
	}
}

void
trace_emit(struct strbuf *sb)
{
	char storage[4096];
	struct strbuf bytes;
	size_t i;

	strbuf_end_line(sb);
	strbuf_init(&bytes, storage, sizeof(storage));
	strbuf_add(&bytes, sb->buf, strbuf_used(sb));
	for (i = 0; i < kept_count; i++)
		sabytes_format(&bytes, (const struct sockaddr *)&kept[i].sa,
		    kept[i].len, trace_family_name(kept[i].sa.ss_family));
	kept_count = 0;
	/* The call and its bytes in one write, so no other line cuts in. */
	emit_text(bytes.buf, strbuf_used(&bytes));
}

void
trace_hold(void)
{
	holding = true;
	holder = getpid();
	held_len = 0;
}

void
trace_release(void)
{
	holding = false;
	if (held_len > 0)
		trace_write_stderr(held, held_len);
	held_len = 0;
}
