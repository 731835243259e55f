/* serve.c: the passive open of listen and recv: bind, listen, accept. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "json.h"
#include "report.h"
#include "serve.h"
#include "sockit.h"
#include "sys.h"

const struct opt_def serve_opt_defs[] = {
	{ 0, "backlog", OPT_COUNT, offsetof(struct serve_opts, backlog), "N",
	  "length of the listen() queue (default 16)", 0, 1, 65535, NULL },
	{ 0, "unlink", OPT_FLAG, offsetof(struct serve_opts, unlink_stale),
	  NULL, "replace a stale unix socket file", 1, 0, 0, NULL },
};

const size_t serve_opt_count = ARRAY_LEN(serve_opt_defs);

void
serve_init(struct serve_opts *so)
{
	so->backlog = 16;
	so->unlink_stale = 0;
}

static bool
is_wildcard(const struct endpoint_addr *a)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->sa;

	return a->family == AF_INET6 &&
	    memcmp(&sin6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0;
}

/*
 * Returns true when a live server still answers on the unix socket a:
 * connect() to a socket file whose owner is gone fails with ECONNREFUSED.
 */
static bool
unix_socket_alive(const struct endpoint_addr *a)
{
	int fd = sys_socket(AF_UNIX, a->socktype, 0);
	bool alive;

	if (fd < 0)
		return false;
	sys_set_nonblocking(fd);
	alive = sys_connect(fd, (const struct sockaddr *)&a->sa, a->len) == 0
	    || errno != ECONNREFUSED;
	sys_close(fd);
	return alive;
}

/* Removes a stale socket file; --unlink never eats a file or a live server. */
static int
remove_stale(const char *path, const struct endpoint_addr *a)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		report_error("refusing to remove %s: it is not a socket", path);
		return -1;
	}
	if (unix_socket_alive(a)) {
		report_error("refusing to remove %s: a server still answers "
		    "on it", path);
		return -1;
	}
	if (sys_unlink(path) < 0 && errno != ENOENT) {
		char what[256];

		snprintf(what, sizeof(what), "remove stale socket %s", path);
		report_errno("unlink", what, errno);
		return -1;
	}
	return 0;
}

static int
bind_one(struct session *s, const struct serve_opts *so,
    const struct endpoint *ep, const struct endpoint_addr *a, int *err)
{
	int fd = session_socket(s, a, true);
	int v6only = s->opts.ipv6;
	bool retried = false;

	if (fd == -1) {
		/* No IPv6 in this kernel? The next address may do. */
		*err = errno;
		return -1;
	}
	if (fd < 0)
		return -2;
	/*
	 * One IPv6 socket on :: also takes IPv4 peers (as ::ffff:a.b.c.d)
	 * unless IPV6_V6ONLY is set; make the choice explicit, not sysctl's.
	 */
	if (is_wildcard(a) && sys_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &v6only, sizeof(v6only)) < 0) {
		*err = errno;
		sys_close(fd);
		return -1;
	}
	while (sys_bind(fd, (const struct sockaddr *)&a->sa, a->len) < 0) {
		*err = errno;
		if (errno == EADDRINUSE && endpoint_is_unix(ep) &&
		    !ep->abstract && so->unlink_stale && !retried) {
			retried = true;
			if (remove_stale(ep->path, a) == 0)
				continue;
			sys_close(fd);
			return -2;
		}
		sys_close(fd);
		return -1;
	}
	if (endpoint_is_unix(ep) && !ep->abstract)
		session_remove_at_exit(ep->path);
	return fd;
}

/* Binds the first address that works. Returns the fd, or -1 reported. */
static int
bind_first(struct session *s, const struct serve_opts *so,
    const struct endpoint *ep, struct endpoint_addr *bound)
{
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char text[ADDR_TEXT_MAX], what[ENDPOINT_TEXT_MAX + 32];
	int n, i, eai, err = 0, fd = -1;

	n = endpoint_resolve(ep, true, addrs, ARRAY_LEN(addrs), &eai);
	if (n < 0) {
		snprintf(what, sizeof(what), "resolve %s", ep->text);
		report_eai(what, eai);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fd = bind_one(s, so, ep, &addrs[i], &err);
		if (fd >= 0) {
			*bound = addrs[i];
			return fd;
		}
		if (fd == -2)
			return -1;
		addr_format((const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len, text, sizeof(text));
		if (i + 1 < n)
			report_note("bind to %s: %s", text, strerror(err));
	}
	snprintf(what, sizeof(what), "bind to %s", text);
	report_errno("bind", what, err);
	return -1;
}

void
serve_announce(struct session *s, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[ADDR_TEXT_MAX], storage[512];
	struct strbuf sb;

	if (!s->opts.verbose && !s->opts.json)
		return;
	if (sys_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	addr_format((struct sockaddr *)&ss, len, text, sizeof(text));
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "listening");
		json_field_str(&sb, "address", text);
		report_event_end(&sb);
	} else {
		report_note("listening on %s", text);
	}
}

int
serve_stop_status(void)
{
	return sys_signal_caught ? 128 + (int)sys_signal_caught : EXIT_FAIL;
}

int
serve_open(struct session *s, const struct serve_opts *so,
    const struct endpoint *ep, struct endpoint_addr *bound)
{
	char what[ENDPOINT_TEXT_MAX + 16];
	int fd = bind_first(s, so, ep, bound);

	if (fd < 0)
		return -1;
	/* A datagram socket has no queue of connections: no listen(). */
	if (bound->socktype != SOCK_DGRAM &&
	    sys_listen(fd, (int)so->backlog) < 0) {
		snprintf(what, sizeof(what), "listen on %s", ep->text);
		report_errno("listen", what, errno);
		sys_close(fd);
		return -1;
	}
	serve_announce(s, fd);
	return fd;
}

int
serve_accept(struct session *s, const struct endpoint *ep, int lfd,
    int *cfd_out, char *peer_text, size_t cap)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char what[ENDPOINT_TEXT_MAX + 16];
		int ready, cfd;

		ready = session_wait(lfd, POLLIN, s->opts.timeout);
		if (ready < 0)
			return serve_stop_status();
		if (ready == 0) {
			report_error("no connection on %s within %g s (-w)",
			    ep->text, s->opts.timeout);
			return EXIT_TIMEOUT;
		}
		cfd = sys_accept(lfd, (struct sockaddr *)&peer, &plen);
		if (cfd < 0) {
			/* The peer gave up between poll() and accept(). */
			if (errno == EAGAIN || errno == ECONNABORTED)
				continue;
			if (sys_signal_caught)
				return serve_stop_status();
			snprintf(what, sizeof(what), "accept on %s", ep->text);
			report_errno("accept", what, errno);
			return EXIT_FAIL;
		}
		addr_format((struct sockaddr *)&peer, plen, peer_text, cap);
		if (sys_set_nonblocking(cfd) < 0) {
			snprintf(what, sizeof(what), "make the connection "
			    "from %s non-blocking", peer_text);
			report_errno("fcntl", what, errno);
			sys_close(cfd);
			return EXIT_FAIL;
		}
		session_connected(s, cfd, "accepted");
		*cfd_out = cfd;
		return EXIT_OK;
	}
}
