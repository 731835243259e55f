/* explain_demo.c: explain --demo's recipes: the fewest socket calls, on loopback, that end in a given error. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explain_demo.h"
#include "i18n.h"
#include "sys.h"
#include "trace.h"

/*
 * Every demo sends only to loopback or to nobody: an address off this
 * host (192.0.2.1, of TEST-NET-1) is only bound to, which sends nothing,
 * or connected to inside a network namespace with no interface up.
 */
#define TEST_NET_1 0xc0000201u		/* 192.0.2.1 */
#define LOOPBACK_BROADCAST 0x7fffffffu	/* 127.255.255.255 */
#define DISCARD_PORT 9
/* The largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define UDP_MAX 65507
/* How long a demo waits for something that should come at once. */
#define DEMO_WAIT_MS 2000
/*
 * Far more groups than net.ipv4.igmp_max_memberships (20 by default)
 * lets one socket join: the loop ends at the first refusal.
 */
#define GROUPS_MAX 4096
/* 239.255.0.0/16, organisation-local multicast: joined on lo only. */
#define LOCAL_GROUPS 0xefff0000u
/* Linux gives lo index 1 in every network namespace. */
#define LOOPBACK_IFINDEX 1

/* The descriptors a demo opened, closed at its end. */
static int open_fds[16];
static size_t open_count;

static int
keep(int fd)
{
	if (fd >= 0 && open_count < ARRAY_LEN(open_fds))
		open_fds[open_count++] = fd;
	return fd;
}

static void
close_all(void)
{
	while (open_count > 0)
		sys_close(open_fds[--open_count]);
}

/* A call before the promised one failed: returns true, and r says so. */
static bool
setup_failed(struct demo_result *r, const char *call, long rc)
{
	if (rc >= 0)
		return false;
	r->call = call;
	r->got = errno;
	r->setup = true;
	return true;
}

/* The promised call returned rc. */
static void
outcome(struct demo_result *r, const char *call, long rc)
{
	r->call = call;
	r->got = rc < 0 ? errno : 0;
}

static void
ipv4(struct sockaddr_in *sin, uint32_t addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	sin->sin_port = htons(port);
}

#define SA(p) ((struct sockaddr *)(p))

/* Waits until fd is readable. Returns 0, or -1 after filling r. */
static int
readable(struct demo_result *r, int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc = sys_poll(&p, 1, DEMO_WAIT_MS);

	if (rc == 0)
		errno = ETIMEDOUT;
	return setup_failed(r, "poll", rc > 0 ? 0 : -1) ? -1 : 0;
}

/* A TCP or UDP socket bound to 127.0.0.1 on a port the kernel picks. */
static int
bound(struct demo_result *r, int type, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = keep(sys_socket(AF_INET, type, 0));

	if (setup_failed(r, "socket", fd))
		return -1;
	ipv4(sin, INADDR_LOOPBACK, 0);
	if (setup_failed(r, "bind", sys_bind(fd, SA(sin), sizeof(*sin))) ||
	    setup_failed(r, "getsockname",
	    sys_getsockname(fd, SA(sin), &len)))
		return -1;
	return fd;
}

/* A TCP listener on 127.0.0.1 whose address goes to sin. */
static int
listener(struct demo_result *r, int backlog, struct sockaddr_in *sin)
{
	int fd = bound(r, SOCK_STREAM, sin);

	if (fd < 0 || setup_failed(r, "listen", sys_listen(fd, backlog)))
		return -1;
	return fd;
}

/* A new TCP socket connected to sin. */
static int
connected(struct demo_result *r, const struct sockaddr_in *sin)
{
	int fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));

	if (setup_failed(r, "socket", fd) ||
	    setup_failed(r, "connect",
	    sys_connect(fd, (const struct sockaddr *)sin, sizeof(*sin))))
		return -1;
	return fd;
}

/*
 * A listener with a backlog of 0 whose accept queue is full: one
 * connection completed and nobody accepts it. Linux then drops every
 * new SYN, so the next connect stays pending. The listener reads as
 * readable once that connection is in its queue, not merely handshaking.
 */
static int
full_listener(struct demo_result *r, struct sockaddr_in *sin)
{
	int fd = listener(r, 0, sin);

	if (fd < 0 || connected(r, sin) < 0)
		return -1;
	return readable(r, fd);
}

static void
demo_eacces(struct demo_result *r)
{
	struct sockaddr_in to;
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));

	if (setup_failed(r, "socket", fd))
		return;
	ipv4(&to, LOOPBACK_BROADCAST, DISCARD_PORT);
	outcome(r, "sendto", sys_sendto(fd, "x", 1, 0, SA(&to), sizeof(to)));
}

static void
demo_eaddrinuse(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd;

	if (bound(r, SOCK_STREAM, &sin) < 0)
		return;
	fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));
	if (setup_failed(r, "socket", fd))
		return;
	outcome(r, "bind", sys_bind(fd, SA(&sin), sizeof(sin)));
}

static void
demo_eaddrnotavail(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));

	if (setup_failed(r, "socket", fd))
		return;
	ipv4(&sin, TEST_NET_1, 0);
	outcome(r, "bind", sys_bind(fd, SA(&sin), sizeof(sin)));
}

static void
demo_eafnosupport(struct demo_result *r)
{
	struct sockaddr_in6 sin6;
	int fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));

	if (setup_failed(r, "socket", fd))
		return;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	sin6.sin6_port = htons(DISCARD_PORT);
	outcome(r, "connect", sys_connect(fd, SA(&sin6), sizeof(sin6)));
}

static void
demo_eagain(struct demo_result *r)
{
	struct sockaddr_in sin;
	char buf[1];
	int fd = bound(r, SOCK_DGRAM, &sin);

	if (fd < 0 ||
	    setup_failed(r, "fcntl", sys_set_nonblocking(fd)))
		return;
	outcome(r, "recv", sys_recv(fd, buf, sizeof(buf), 0));
}

/* A non-blocking socket whose connect to a full listener is pending. */
static int
pending(struct demo_result *r, struct sockaddr_in *sin, long *rc)
{
	int fd;

	if (full_listener(r, sin) < 0)
		return -1;
	fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));
	if (setup_failed(r, "socket", fd) ||
	    setup_failed(r, "fcntl", sys_set_nonblocking(fd)))
		return -1;
	*rc = sys_connect(fd, SA(sin), sizeof(*sin));
	return fd;
}

/*
 * An address no process owns: page 0 is never mapped, so the kernel's
 * copy to it fails and the call says so instead of the process crashing.
 */
#define UNMAPPED ((void *)(uintptr_t)1)

static void
demo_efault(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd = bound(r, SOCK_DGRAM, &sin);

	if (fd < 0 || setup_failed(r, "sendto",
	    sys_sendto(fd, "x", 1, 0, SA(&sin), sizeof(sin))) ||
	    readable(r, fd) < 0)
		return;
	outcome(r, "recv", sys_recv(fd, UNMAPPED, 1, MSG_DONTWAIT));
}

static void
demo_enobufs(struct demo_result *r)
{
	struct group_req req;
	struct sockaddr_in *group = (struct sockaddr_in *)&req.gr_group;
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));
	int i, rc = 0;

	if (setup_failed(r, "socket", fd))
		return;
	memset(&req, 0, sizeof(req));
	req.gr_interface = LOOPBACK_IFINDEX;
	for (i = 1; i < GROUPS_MAX && rc == 0; i++) {
		ipv4(group, LOCAL_GROUPS + (uint32_t)i, 0);
		rc = sys_setsockopt(fd, IPPROTO_IP, MCAST_JOIN_GROUP, &req,
		    sizeof(req));
	}
	outcome(r, "setsockopt", rc);
}

static void
demo_einprogress(struct demo_result *r)
{
	struct sockaddr_in sin;
	long rc;

	if (pending(r, &sin, &rc) >= 0)
		outcome(r, "connect", rc);
}

static void
demo_ealready(struct demo_result *r)
{
	struct sockaddr_in sin;
	long rc;
	int fd = pending(r, &sin, &rc);

	if (fd < 0)
		return;
	if (rc == 0 || errno != EINPROGRESS) {
		outcome(r, "connect", rc);
		r->setup = true;
		return;
	}
	outcome(r, "connect", sys_connect(fd, SA(&sin), sizeof(sin)));
}

static void
demo_ebadf(struct demo_result *r)
{
	int fd = sys_socket(AF_INET, SOCK_DGRAM, 0);

	if (setup_failed(r, "socket", fd) ||
	    setup_failed(r, "close", sys_close(fd)))
		return;
	outcome(r, "send", sys_send(fd, "x", 1, 0));
}

static void
demo_econnrefused(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd;

	/* Bound but not listening: the port is ours, and nobody answers. */
	if (bound(r, SOCK_STREAM, &sin) < 0)
		return;
	fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));
	if (setup_failed(r, "socket", fd))
		return;
	outcome(r, "connect", sys_connect(fd, SA(&sin), sizeof(sin)));
}

/*
 * A connection whose peer has reset it: the accepted end closes with
 * SO_LINGER {1, 0}, which sends RST instead of FIN. Returns the other
 * end once the reset has arrived.
 */
static int
reset_by_peer(struct demo_result *r)
{
	struct sockaddr_in sin;
	struct linger abort_close = { 1, 0 };
	socklen_t len = sizeof(sin);
	int lfd, fd, afd;

	if ((lfd = listener(r, 1, &sin)) < 0 || (fd = connected(r, &sin)) < 0)
		return -1;
	afd = sys_accept(lfd, SA(&sin), &len);
	if (setup_failed(r, "accept", afd))
		return -1;
	if (setup_failed(r, "setsockopt", sys_setsockopt(afd, SOL_SOCKET,
	    SO_LINGER, &abort_close, sizeof(abort_close))) ||
	    setup_failed(r, "close", sys_close(afd)))
		return -1;
	/* The reset makes the socket readable: recv would report it. */
	return readable(r, fd) < 0 ? -1 : fd;
}

static void
demo_econnreset(struct demo_result *r)
{
	int fd = reset_by_peer(r);

	if (fd >= 0)
		outcome(r, "send", sys_send(fd, "x", 1, 0));
}

static void
demo_epipe(struct demo_result *r)
{
	int fd = reset_by_peer(r);

	/* The first send reports the reset; the next finds the pipe broken. */
	if (fd < 0)
		return;
	if (sys_send(fd, "x", 1, 0) >= 0) {
		outcome(r, "send", 0);
		r->setup = true;
		return;
	}
	outcome(r, "send", sys_send(fd, "x", 1, 0));
}

static void
demo_edestaddrreq(struct demo_result *r)
{
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));

	if (!setup_failed(r, "socket", fd))
		outcome(r, "send", sys_send(fd, "x", 1, 0));
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
demo_eintr(struct demo_result *r)
{
	struct sockaddr_in sin;
	struct timeval bound_wait = { DEMO_WAIT_MS / 1000, 0 };
	socklen_t len = sizeof(sin);
	int fd = listener(r, 1, &sin);
	long rc;

	if (fd < 0 ||
	    setup_failed(r, "setsockopt", sys_setsockopt(fd, SOL_SOCKET,
	    SO_RCVTIMEO, &bound_wait, sizeof(bound_wait))) ||
	    setup_failed(r, "sigaction",
	    sys_sigaction(SIGALRM, on_alarm, "on_alarm")))
		return;
	/* Every 100 ms: a tick that comes before accept blocks is no loss. */
	if (setup_failed(r, "setitimer", sys_alarm_ms(100)))
		return;
	rc = sys_accept_intr(fd, SA(&sin), &len);
	outcome(r, "accept", rc);
	sys_alarm_ms(0);
	if (rc >= 0)
		keep((int)rc);
}

static void
demo_einval(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd = bound(r, SOCK_STREAM, &sin);

	if (fd >= 0)
		outcome(r, "bind", sys_bind(fd, SA(&sin), sizeof(sin)));
}

static void
demo_eisconn(struct demo_result *r)
{
	struct sockaddr_in sin;
	int fd;

	if (listener(r, 1, &sin) < 0 || (fd = connected(r, &sin)) < 0)
		return;
	outcome(r, "connect", sys_connect(fd, SA(&sin), sizeof(sin)));
}

/* What a child's steps exit with when one before the promised call failed. */
#define CHILD_SETUP_FAILED 255

/*
 * Runs steps in a child, so what they change of the process (a limit, a
 * namespace) dies with it. steps returns the errno of the promised call,
 * 0 when it succeeded, or CHILD_SETUP_FAILED after the step named setup
 * failed; the child's trace shows with what.
 */
static void
in_child(struct demo_result *r, const char *call, const char *setup,
    int (*steps)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(steps());
	sys_trace_fork(pid, errno);
	if (setup_failed(r, "fork", pid) ||
	    setup_failed(r, "waitpid", sys_waitpid(pid, &status, 0)))
		return;
	r->call = call;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == CHILD_SETUP_FAILED) {
		r->call = setup;
		r->setup = true;
		r->got = -1;
		return;
	}
	r->got = WEXITSTATUS(status);
}

/*
 * The first free descriptor becomes the limit, so the next socket finds
 * no number left.
 */
static int
emfile_steps(void)
{
	int fd = sys_socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || sys_close(fd) < 0 ||
	    sys_limit_fds((unsigned long)fd) < 0)
		return CHILD_SETUP_FAILED;
	return sys_socket(AF_INET, SOCK_STREAM, 0) < 0 ? errno : 0;
}

static void
demo_emfile(struct demo_result *r)
{
	in_child(r, "socket", "setrlimit", emfile_steps);
}

/* In a new network namespace loopback is down: no route to anything. */
static int
enetunreach_steps(void)
{
	struct sockaddr_in sin;
	int fd;

	if (sys_unshare_net() < 0 ||
	    (fd = sys_socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return CHILD_SETUP_FAILED;
	ipv4(&sin, INADDR_LOOPBACK, DISCARD_PORT);
	return sys_connect(fd, SA(&sin), sizeof(sin)) < 0 ? errno : 0;
}

static void
demo_enetunreach(struct demo_result *r)
{
	in_child(r, "connect", "unshare", enetunreach_steps);
}

/*
 * In a new network namespace, a route of type unreachable to TEST-NET-1:
 * connect finds it and fails at once. Only ever after unshare succeeded,
 * so the host's routes are never touched.
 */
static int
ehostunreach_steps(void)
{
	struct sockaddr_in net, mask, to;
	int fd;

	if (sys_unshare_net() < 0 ||
	    (fd = sys_socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return CHILD_SETUP_FAILED;
	ipv4(&net, TEST_NET_1 & 0xffffff00u, 0);
	ipv4(&mask, 0xffffff00u, 0);
	if (sys_add_reject_route(fd, &net, &mask) < 0)
		return CHILD_SETUP_FAILED;
	ipv4(&to, TEST_NET_1, DISCARD_PORT);
	return sys_connect(fd, SA(&to), sizeof(to)) < 0 ? errno : 0;
}

static void
demo_ehostunreach(struct demo_result *r)
{
	in_child(r, "connect", "unshare or ioctl", ehostunreach_steps);
}

static void
demo_emsgsize(struct demo_result *r)
{
	static const char big[UDP_MAX + 1];
	struct sockaddr_in to;
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));

	if (setup_failed(r, "socket", fd))
		return;
	ipv4(&to, INADDR_LOOPBACK, DISCARD_PORT);
	outcome(r, "sendto",
	    sys_sendto(fd, big, sizeof(big), 0, SA(&to), sizeof(to)));
}

static void
demo_enoprotoopt(struct demo_result *r)
{
	int one = 1;
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));

	if (!setup_failed(r, "socket", fd))
		outcome(r, "setsockopt", sys_setsockopt(fd, IPPROTO_TCP,
		    TCP_NODELAY, &one, sizeof(one)));
}

static void
demo_enotconn(struct demo_result *r)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));

	if (!setup_failed(r, "socket", fd))
		outcome(r, "getpeername",
		    sys_getpeername(fd, SA(&sin), &len));
}

static void
demo_enotsock(struct demo_result *r)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int p[2];

	if (setup_failed(r, "pipe", sys_pipe(p, 0)))
		return;
	keep(p[0]);
	keep(p[1]);
	outcome(r, "getsockname", sys_getsockname(p[0], SA(&sin), &len));
}

static void
demo_eopnotsupp(struct demo_result *r)
{
	int fd = keep(sys_socket(AF_INET, SOCK_DGRAM, 0));

	if (!setup_failed(r, "socket", fd))
		outcome(r, "listen", sys_listen(fd, 1));
}

static void
demo_eprotonosupport(struct demo_result *r)
{
	outcome(r, "socket", keep(sys_socket(AF_INET, SOCK_STREAM,
	    IPPROTO_UDP)));
}

static void
demo_esocktnosupport(struct demo_result *r)
{
	outcome(r, "socket", keep(sys_socket(AF_INET, SOCK_SEQPACKET,
	    IPPROTO_TCP)));
}

/*
 * A unix path in $TMPDIR, or /tmp when that is unset or too long for
 * sun_path: abstract names are looked up per socket type, so only a path
 * reaches a socket of another type.
 */
static socklen_t
unix_path(struct sockaddr_un *sun)
{
	const char *dir = getenv("TMPDIR");
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = -1;
	if (dir != NULL && dir[0] != '\0')
		n = snprintf(sun->sun_path, sizeof(sun->sun_path),
		    "%s/sockit-demo-%ld", dir, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path))
		n = snprintf(sun->sun_path, sizeof(sun->sun_path),
		    "/tmp/sockit-demo-%ld", (long)getpid());
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static void
demo_eprototype(struct demo_result *r)
{
	struct sockaddr_un sun;
	socklen_t len = unix_path(&sun);
	int server, fd;

	server = keep(sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	if (setup_failed(r, "socket", server) ||
	    setup_failed(r, "bind", sys_bind(server, SA(&sun), len)))
		return;
	fd = keep(sys_socket(AF_UNIX, SOCK_STREAM, 0));
	if (!setup_failed(r, "socket", fd))
		outcome(r, "connect", sys_connect(fd, SA(&sun), len));
	sys_unlink(sun.sun_path);
}

static void
demo_etimedout(struct demo_result *r)
{
	struct sockaddr_in sin;
	int one = 1, half_second = 500, fd;

	if (full_listener(r, &sin) < 0)
		return;
	fd = keep(sys_socket(AF_INET, SOCK_STREAM, 0));
	if (setup_failed(r, "socket", fd) ||
	    setup_failed(r, "setsockopt", sys_setsockopt(fd, IPPROTO_TCP,
	    TCP_SYNCNT, &one, sizeof(one))) ||
	    setup_failed(r, "setsockopt", sys_setsockopt(fd, IPPROTO_TCP,
	    TCP_USER_TIMEOUT, &half_second, sizeof(half_second))))
		return;
	outcome(r, "connect", sys_connect(fd, SA(&sin), sizeof(sin)));
}

/* getaddrinfo with the given hints; the code it returned goes to r. */
static void
resolve(struct demo_result *r, const char *host, const char *service,
    int family, int socktype, int flags)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags;
	rc = sys_getaddrinfo(host, service, &hints, &res);
	if (rc == 0)
		freeaddrinfo(res);
	r->call = "getaddrinfo";
	r->got = rc;
}

static void
demo_eai_addrfamily(struct demo_result *r)
{
	resolve(r, "127.0.0.1", NULL, AF_INET6, 0, AI_NUMERICHOST);
}

static void
demo_eai_badflags(struct demo_result *r)
{
	resolve(r, NULL, "9", AF_UNSPEC, SOCK_STREAM, AI_CANONNAME);
}

static void
demo_eai_family(struct demo_result *r)
{
	resolve(r, "127.0.0.1", NULL, AF_UNIX, 0, AI_NUMERICHOST);
}

static void
demo_eai_noname(struct demo_result *r)
{
	resolve(r, "nosuchhost.invalid", NULL, AF_UNSPEC, 0, AI_NUMERICHOST);
}

static void
demo_eai_service(struct demo_result *r)
{
	resolve(r, "127.0.0.1", "nosuchservice", AF_UNSPEC, SOCK_STREAM,
	    AI_NUMERICHOST);
}

static void
demo_eai_socktype(struct demo_result *r)
{
	resolve(r, "127.0.0.1", NULL, AF_UNSPEC, SOCK_RDM, AI_NUMERICHOST);
}

static void
demo_eai_overflow(struct demo_result *r)
{
	struct sockaddr_in sin;
	char host[2];

	ipv4(&sin, INADDR_LOOPBACK, DISCARD_PORT);
	r->call = "getnameinfo";
	r->got = sys_getnameinfo(SA(&sin), sizeof(sin), host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST);
}

struct demo {
	const char *name;
	int want;
	bool eai;
	/* Its key line is one the plain trace hides (EAGAIN) or folds. */
	bool full;
	void (*run)(struct demo_result *);
	const char *recipe;
};

static const struct demo demos[] = {
	{ "EACCES", EACCES, false, false, demo_eacces,
	  N_("A UDP socket, then sendto 127.255.255.255, the "
	  "loopback broadcast address, without SO_BROADCAST: the kernel "
	  "refuses before anything is sent, even to root.") },
	{ "EADDRINUSE", EADDRINUSE, false, false, demo_eaddrinuse,
	  N_("A socket bound to 127.0.0.1 on a port the kernel picks, then a "
	  "second socket bound to the same port, neither with SO_REUSEADDR.") },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL, false, false, demo_eaddrnotavail,
	  N_("bind to 192.0.2.1, an address of TEST-NET-1 that is not one of "
	  "this host's; bind sends nothing.") },
	{ "EAFNOSUPPORT", EAFNOSUPPORT, false, false, demo_eafnosupport,
	  N_("connect an AF_INET socket to a sockaddr_in6 (::1): the family of "
	  "the address is not the socket's.") },
	{ "EAGAIN", EAGAIN, false, true, demo_eagain,
	  N_("A UDP socket bound to 127.0.0.1, made non-blocking, then recv "
	  "with nothing queued; traced in full, as the plain trace leaves "
	  "out EAGAIN.") },
	{ "EALREADY", EALREADY, false, true, demo_ealready,
	  N_("A listener with backlog 0 whose one queued connection is never "
	  "accepted, so the kernel drops new SYNs; a non-blocking connect to "
	  "it (EINPROGRESS), then connect again while the first is pending.") },
	{ "EBADF", EBADF, false, false, demo_ebadf,
	  N_("socket, close, then send on the descriptor just closed.") },
	{ "ECONNREFUSED", ECONNREFUSED, false, false, demo_econnrefused,
	  N_("A socket bound to a loopback port but not listening holds the "
	  "port; connect to it is answered with a reset.") },
	{ "ECONNRESET", ECONNRESET, false, false, demo_econnreset,
	  N_("connect to a loopback listener and accept; the accepted end sets "
	  "SO_LINGER to {1, 0} and closes, which sends RST; poll until it "
	  "arrives, then send.") },
	{ "EDESTADDRREQ", EDESTADDRREQ, false, false, demo_edestaddrreq,
	  N_("send on a UDP socket that was never connected.") },
	{ "EFAULT", EFAULT, false, true, demo_efault,
	  N_("A UDP socket sends itself one datagram, then recv into the "
	  "address 0x1, which is not mapped: the kernel's copy fails and "
	  "recv says EFAULT (the process is not killed, as a write of its "
	  "own there would be). Traced in full, for the poll that waits for "
	  "the datagram.") },
	{ "EHOSTUNREACH", EHOSTUNREACH, false, false, demo_ehostunreach,
	  N_("In a child, in a network namespace of its own as for "
	  "ENETUNREACH: ioctl SIOCADDRT adds a route of type unreachable "
	  "(RTF_REJECT) to 192.0.2.0/24, then connect to 192.0.2.1 fails on "
	  "it; the route dies with the namespace, and nothing is sent.") },
	{ "EINPROGRESS", EINPROGRESS, false, true, demo_einprogress,
	  N_("A non-blocking connect to a listener whose accept queue is "
	  "full, so the handshake cannot finish at once; traced in full, as "
	  "the plain trace folds EINPROGRESS into the outcome.") },
	{ "EINTR", EINTR, false, false, demo_eintr,
	  N_("sigaction for SIGALRM without SA_RESTART, setitimer every 100 "
	  "ms, then a blocking accept on a listener nobody connects to "
	  "(SO_RCVTIMEO bounds the wait to 2 s).") },
	{ "EINVAL", EINVAL, false, false, demo_einval,
	  N_("bind a socket to 127.0.0.1, then bind it again.") },
	{ "EISCONN", EISCONN, false, false, demo_eisconn,
	  N_("connect to a loopback listener, then connect the same socket "
	  "again.") },
	{ "EMFILE", EMFILE, false, false, demo_emfile,
	  N_("In a child: socket and close it to learn the lowest free "
	  "descriptor, setrlimit RLIMIT_NOFILE to that number, then socket "
	  "again.") },
	{ "ENETUNREACH", ENETUNREACH, false, false, demo_enetunreach,
	  N_("In a child: unshare into a network namespace of its own (with a "
	  "user namespace, so no privilege is needed), where loopback is "
	  "down and no route exists, then connect to 127.0.0.1. Where user "
	  "namespaces are off it cannot run.") },
	{ "EMSGSIZE", EMSGSIZE, false, false, demo_emsgsize,
	  N_("sendto 127.0.0.1 a UDP datagram of 65508 bytes, one more than "
	  "IPv4 can carry.") },
	{ "ENOBUFS", ENOBUFS, false, false, demo_enobufs,
	  N_("A UDP socket joins multicast groups of 239.255.0.0/16 on lo, one "
	  "MCAST_JOIN_GROUP after another, until the kernel refuses the one "
	  "past net.ipv4.igmp_max_memberships (20 by default).") },
	{ "ENOPROTOOPT", ENOPROTOOPT, false, false, demo_enoprotoopt,
	  N_("setsockopt IPPROTO_TCP TCP_NODELAY on a UDP socket: a TCP option "
	  "at a level the socket does not have (getsockopt says EOPNOTSUPP "
	  "for it on recent kernels).") },
	{ "ENOTCONN", ENOTCONN, false, false, demo_enotconn,
	  N_("getpeername on a TCP socket that never connected.") },
	{ "ENOTSOCK", ENOTSOCK, false, true, demo_enotsock,
	  N_("getsockname on the read end of a pipe; traced in full, as the "
	  "plain trace leaves out pipe2.") },
	{ "EOPNOTSUPP", EOPNOTSUPP, false, false, demo_eopnotsupp,
	  N_("listen on a UDP socket.") },
	{ "EPIPE", EPIPE, false, false, demo_epipe,
	  N_("As for ECONNRESET: the peer resets the connection; the first "
	  "send reports ECONNRESET, the second EPIPE.") },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT, false, false,
	  demo_eprotonosupport,
	  N_("socket with AF_INET, SOCK_STREAM and IPPROTO_UDP: the stream "
	  "type with the datagram protocol.") },
	{ "EPROTOTYPE", EPROTOTYPE, false, false, demo_eprototype,
	  N_("A unix datagram socket bound to a path in $TMPDIR, then a unix "
	  "stream socket connecting to that path (an abstract name would "
	  "say ECONNREFUSED: the kernel looks those up per type).") },
	{ "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT, false, false,
	  demo_esocktnosupport,
	  N_("socket with AF_INET, SOCK_SEQPACKET and IPPROTO_TCP: a type "
	  "AF_INET does not have.") },
	{ "ETIMEDOUT", ETIMEDOUT, false, false, demo_etimedout,
	  N_("A blocking connect, with TCP_SYNCNT 1 and TCP_USER_TIMEOUT 500 "
	  "ms, to a listener whose accept queue is full: Linux drops the SYN "
	  "rather than refusing it, and the connect gives up after the first "
	  "retransmission, about 1 s (3 s with TCP_SYNCNT alone, two minutes "
	  "by default).") },
	{ "EAI_ADDRFAMILY", EAI_ADDRFAMILY, true, false, demo_eai_addrfamily,
	  N_("getaddrinfo of 127.0.0.1 asking for AF_INET6, with "
	  "AI_NUMERICHOST so nothing is looked up.") },
	{ "EAI_BADFLAGS", EAI_BADFLAGS, true, false, demo_eai_badflags,
	  N_("getaddrinfo with AI_CANONNAME and no host name.") },
	{ "EAI_FAMILY", EAI_FAMILY, true, false, demo_eai_family,
	  N_("getaddrinfo asking for AF_UNIX, a family it does not resolve.") },
	{ "EAI_NONAME", EAI_NONAME, true, false, demo_eai_noname,
	  N_("getaddrinfo of nosuchhost.invalid with AI_NUMERICHOST: not a "
	  "numeric address, and no query is sent.") },
	{ "EAI_OVERFLOW", EAI_OVERFLOW, true, false, demo_eai_overflow,
	  N_("getnameinfo of 127.0.0.1 with NI_NUMERICHOST into a host buffer "
	  "of 2 bytes.") },
	{ "EAI_SERVICE", EAI_SERVICE, true, false, demo_eai_service,
	  N_("getaddrinfo of service nosuchservice for SOCK_STREAM, which "
	  "/etc/services does not name.") },
	{ "EAI_SOCKTYPE", EAI_SOCKTYPE, true, false, demo_eai_socktype,
	  N_("getaddrinfo asking for SOCK_RDM, a socket type it has no "
	  "protocol for (SOCK_SEQPACKET passes, with protocol 0).") },
};

static const struct demo *
find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(demos); i++)
		if (strcmp(demos[i].name, name) == 0)
			return &demos[i];
	return NULL;
}

const char *
explain_demo_recipe(const char *name)
{
	const struct demo *d = find(name);

	return d != NULL ? d->recipe : NULL;
}

bool
explain_demo_run(const char *name, struct demo_result *r)
{
	const struct demo *d = find(name);

	if (d == NULL)
		return false;
	memset(r, 0, sizeof(*r));
	r->want = d->want;
	r->eai = d->eai;
	/* Adds to what --trace asked for: "time" stays, say. */
	trace_set_mode(d->full ? "full" : "");
	d->run(r);
	close_all();
	return true;
}
