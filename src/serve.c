/* serve.c: the passive open of listen and recv: bind, listen, accept. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "explain.h"
#include "i18n.h"
#include "inetd.h"
#include "json.h"
#include "report.h"
#include "serve.h"
#include "services.h"
#include "sockit.h"
#include "spawn.h"
#include "sys.h"
#include "textbook.h"
#include "textbook_session.h"
#include "unixdiag.h"

const struct opt_def serve_opt_defs[] = {
	{ 0, "backlog", OPT_COUNT, offsetof(struct serve_opts, backlog), "N",
	  N_("listen() queue (default 16; 4096 for a server of many peers)"),
	  0, 1, 65535, NULL },
	{ 0, "unlink", OPT_FLAG, offsetof(struct serve_opts, unlink_stale),
	  NULL, N_("replace a stale unix socket file"), 1, 0, 0, NULL },
	{ 0, "mode", OPT_STRING, offsetof(struct serve_opts, mode_text),
	  "OCTAL", N_("permissions of the unix socket file, e.g. 600"),
	  0, 0, 0, NULL },
};

const size_t serve_opt_count = ARRAY_LEN(serve_opt_defs);

const struct opt_def serve_access_defs[] = {
	{ 0, "allow", OPT_LIST, offsetof(struct serve_access, allow_text),
	  "CIDR", N_("keep only peers in CIDR, e.g. 127.0.0.0/8 (repeatable)"),
	  0, 0, 0, NULL },
	{ 0, "deny", OPT_LIST, offsetof(struct serve_access, deny_text),
	  "CIDR", N_("close peers in CIDR at once (repeatable)"), 0, 0, 0,
	  NULL },
};

const size_t serve_access_count = ARRAY_LEN(serve_access_defs);

/* Parses one list of blocks into out. Returns 0, or -1 after reporting. */
static int
parse_blocks(const struct opt_list *list, const char *opt, struct cidr *out,
    int *count)
{
	char err[256];
	int i;

	for (i = 0; i < list->count; i++) {
		if (cidr_parse(list->items[i], &out[i], err, sizeof(err)) < 0) {
			report_usage("bad %s: %s", opt, err);
			return -1;
		}
	}
	*count = list->count;
	return 0;
}

int
serve_access_check(struct serve_access *acl, const struct endpoint *ep)
{
	if (acl->allow_text.count + acl->deny_text.count == 0)
		return EXIT_OK;
	if (endpoint_is_unix(ep)) {
		report_usage("--allow and --deny judge IP addresses, and the "
		    "peers of a unix socket have none");
		return EXIT_USAGE;
	}
	if (parse_blocks(&acl->allow_text, "--allow", acl->allow,
	    &acl->nallow) < 0 ||
	    parse_blocks(&acl->deny_text, "--deny", acl->deny,
	    &acl->ndeny) < 0)
		return EXIT_USAGE;
	return EXIT_OK;
}

bool
serve_admit(struct session *s, const struct serve_access *acl,
    const struct sockaddr *sa, socklen_t len, const char *peer_text)
{
	char storage[512];
	struct strbuf sb;

	if (acl == NULL || cidr_admit(acl->allow, acl->nallow, acl->deny,
	    acl->ndeny, sa, len))
		return true;
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "denied");
		json_field_str(&sb, "remote", peer_text);
		report_event_end(&sb);
	} else {
		report_note("denied %s: not allowed by --allow/--deny",
		    peer_text);
	}
	return false;
}

void
serve_init(struct serve_opts *so)
{
	so->backlog = 0;
	so->many = false;
	so->unlink_stale = 0;
	so->mode_text = NULL;
	so->mode = -1;
	so->multicast = NULL;
}

int
serve_check(struct serve_opts *so, const struct endpoint *ep)
{
	const char *p = so->mode_text;
	long mode = 0;

	/* The backlog sizes a queue of connections, and datagrams have none. */
	if (so->backlog > 0 && endpoint_is_dgram(ep)) {
		report_usage("--backlog sizes listen()'s queue of connections, "
		    "and %s is a datagram endpoint: it has no connections, so "
		    "no listen() and no backlog", ep->text);
		return EXIT_USAGE;
	}
	if (p == NULL)
		return EXIT_OK;
	if (!endpoint_is_unix(ep) || ep->abstract) {
		report_usage("--mode sets the permissions of a unix socket "
		    "file, and %s has none", ep->text);
		return EXIT_USAGE;
	}
	if (*p == '\0' || strlen(p) > 4 || strspn(p, "01234567") != strlen(p)) {
		report_usage("bad --mode '%s': octal permissions such as 600 "
		    "or 0660", p);
		return EXIT_USAGE;
	}
	mode = strtol(p, NULL, 8);
	if (mode > 0777) {
		report_usage("bad --mode '%s': 0 to 777, without set-id or "
		    "sticky bits", p);
		return EXIT_USAGE;
	}
	so->mode = (int)mode;
	return EXIT_OK;
}

static bool
is_wildcard(const struct endpoint_addr *a)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->sa;

	return a->family == AF_INET6 &&
	    memcmp(&sin6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0;
}

/*
 * Whether a socket is still bound to the socket file st, asked of the
 * kernel without touching the socket: a connect() to find out would be
 * accepted by a one-shot server as its one peer, and its data lost on the
 * probe. sock_diag lists the AF_UNIX sockets of this network namespace
 * with the inode and device of the file each is bound to. Returns 1 held,
 * 0 free, or -1 with errno when the kernel cannot say.
 */
static int
unix_file_held(const struct stat *st)
{
	/* The kernel fills at most 32 KiB per datagram of a dump. */
	static unsigned char buf[32768];
	enum unixdiag_answer answer = UNIXDIAG_MORE;
	ssize_t n;
	int fd = sys_unix_diag_request(), err = 0;

	if (fd < 0)
		return -1;
	while (answer == UNIXDIAG_MORE) {
		n = sys_recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n <= 0 || (size_t)n > sizeof(buf)) {
			err = n < 0 ? errno : EPROTO;
			break;
		}
		answer = unixdiag_scan(buf, (size_t)n, st, &err);
	}
	sys_close(fd);
	if (answer == UNIXDIAG_HELD || answer == UNIXDIAG_FREE)
		return answer == UNIXDIAG_HELD;
	errno = err;
	return -1;
}

/*
 * Whether a socket answers at the file of a, which sock_diag found free:
 * sock_diag sees this network namespace only, and a server in another
 * one (a container that shares the directory) is bound to the file all
 * the same. A non-blocking connect() tells: ECONNREFUSED (or ENOENT) is
 * a file no socket is bound to; anything else, a connection or a full
 * queue or a socket of another type, is someone's. Only that server, in
 * another namespace, pays for the question, with one connection.
 */
static bool
unix_file_answers(const struct endpoint_addr *a)
{
	int fd = sys_socket(AF_UNIX, a->socktype, 0), rc, err;

	if (fd < 0)
		return true;
	if (sys_set_nonblocking(fd) < 0) {
		sys_close(fd);
		return true;
	}
	rc = sys_connect(fd, (const struct sockaddr *)&a->sa, a->len);
	err = errno;
	sys_close(fd);
	return rc == 0 || (err != ECONNREFUSED && err != ENOENT);
}

/*
 * Removes a stale socket file; --unlink never eats a file or a live
 * server. When the kernel cannot say whether the file is held, it stays.
 */
static int
remove_stale(const char *path, const struct endpoint_addr *a)
{
	struct stat st;
	int held, err;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		report_error("refusing to remove %s: it is not a socket", path);
		return -1;
	}
	held = unix_file_held(&st);
	err = held < 0 ? errno : EADDRINUSE;
	if (held == 0 && unix_file_answers(a))
		held = 1;
	if (held != 0) {
		char what[256];

		snprintf(what, sizeof(what), held > 0 ?
		    _("refusing to remove %s: a server still holds it") :
		    _("refusing to remove %s: cannot tell whether a server "
		    "still holds it"), path);
		report_errno("sock_diag", what, err);
		return -1;
	}
	if (sys_unlink(path) < 0 && errno != ENOENT) {
		char what[256];

		snprintf(what, sizeof(what), _("remove stale socket %s"),
		    path);
		report_errno("unlink", what, errno);
		return -1;
	}
	return 0;
}

/*
 * bind(); a unix socket file made by it gets mode (when >= 0) through the
 * umask, so it never exists with wider permissions, not even for a moment.
 */
static int
bind_with_mode(int fd, const struct endpoint_addr *a, int mode)
{
	mode_t old;
	int rc, err;

	if (mode < 0 || a->family != AF_UNIX)
		return sys_bind(fd, (const struct sockaddr *)&a->sa, a->len);
	old = umask((mode_t)(~mode & 0777));
	rc = sys_bind(fd, (const struct sockaddr *)&a->sa, a->len);
	err = errno;
	umask(old);
	errno = err;
	return rc;
}

/*
 * Makes a socket for a and binds it. Returns the fd, -2 when reported, or
 * -1 with the errno in *err and the call that gave it in *call.
 */
static int
bind_one(struct session *s, const struct serve_opts *so,
    const struct endpoint *ep, const struct endpoint_addr *a, int *err,
    const char **call)
{
	int fd = session_socket(s, a, true);
	int v6only = s->opts.ipv6;
	bool retried = false;

	if (fd == -1) {
		/* No IPv6 in this kernel? The next address may do. */
		*err = errno;
		*call = "socket";
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
		*call = "setsockopt";
		sys_close(fd);
		return -1;
	}
	while (bind_with_mode(fd, a, so->mode) < 0) {
		*err = errno;
		*call = "bind";
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

/*
 * The hint for a failed bind to a: for a socket file in use, whether a
 * server still holds it, as the kernel says (the probe of --unlink, which
 * costs a live server nothing), else the transport's hint.
 */
static const char *
bind_hint(const struct endpoint *ep, const char *call, int err,
    const struct endpoint_addr *a, char *out, size_t cap)
{
	struct stat st;
	int held;

	if (strcmp(call, "bind") == 0 && err == EADDRINUSE &&
	    endpoint_is_unix(ep) && !ep->abstract &&
	    lstat(ep->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    (held = unix_file_held(&st)) >= 0)
		return explain_errno(held ? "sock_diag" : "stale_socket", err);
	return explain_errno_at(call, err, (const struct sockaddr *)&a->sa,
	    a->len, a->socktype, out, cap);
}

/*
 * Binds the first address that works. Returns the fd, or -1 reported:
 * the last failure, naming every address that failed the same way (a
 * default bind tries [::] and then 0.0.0.0), the others on -v.
 */
static int
bind_first(struct session *s, const struct serve_opts *so,
    const struct endpoint *ep, struct endpoint_addr *bound)
{
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char text[ENDPOINT_ADDRS_MAX][ADDR_TEXT_MAX], hint[512];
	char storage[ENDPOINT_TEXT_MAX + 64];
	int errs[ENDPOINT_ADDRS_MAX];
	const char *calls[ENDPOINT_ADDRS_MAX], *call = "bind";
	struct strbuf what;
	bool named = false;
	int n, i, eai, err = 0, fd = -1;

	n = endpoint_resolve(ep, true, addrs, ARRAY_LEN(addrs), &eai);
	if (n == 0)
		eai = EAI_NONAME;
	if (n <= 0) {
		snprintf(storage, sizeof(storage), _("resolve %s"), ep->text);
		report_eai(storage, eai);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fd = bind_one(s, so, ep, &addrs[i], &err, &call);
		if (fd >= 0) {
			*bound = addrs[i];
			return fd;
		}
		if (fd == -2)
			return -1;
		errs[i] = err;
		calls[i] = call;
		addr_format_kind((const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len, addrs[i].socktype, text[i],
		    sizeof(text[i]));
	}
	strbuf_init(&what, storage, sizeof(storage));
	strbuf_puts(&what, _("bind to "));
	for (i = 0; i < n; i++) {
		if (errs[i] != err || strcmp(calls[i], call) != 0) {
			report_note("bind to %s: %s: %s", text[i], calls[i],
			    i18n_errno_text(errs[i]));
		} else {
			strbuf_printf(&what, "%s%s", named ? _(", then ") : "",
			    text[i]);
			named = true;
		}
	}
	report_errno_hint(call, strbuf_str(&what), err, bind_hint(ep, call,
	    err, &addrs[n - 1], hint, sizeof(hint)));
	return -1;
}

/* Port 0 (or none given): the kernel picks a free port at bind(). */
static bool
kernel_picks_port(const struct endpoint *ep)
{
	return !endpoint_is_unix(ep) && ep->port[0] != '\0' &&
	    strspn(ep->port, "0") == strlen(ep->port);
}

void
serve_announce(struct session *s, struct endpoint *ep, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[ADDR_TEXT_MAX], storage[512];
	struct strbuf sb;
	bool picked = kernel_picks_port(ep);

	if (!s->opts.verbose && !s->opts.json && !picked)
		return;
	if (sys_getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	addr_format_kind((struct sockaddr *)&ss, len, ep->row->socktype,
	    text, sizeof(text));
	/* From now on, messages name the port that the kernel chose. */
	if (picked)
		snprintf(ep->text, sizeof(ep->text), "%s", text);
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "listening");
		json_field_str(&sb, "address", text);
		report_event_end(&sb);
	} else if (picked) {
		/* Without this line nobody could learn the port to connect to. */
		report_notice("listening on %s", text);
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
    struct endpoint *ep, struct endpoint_addr *bound)
{
	char what[ENDPOINT_TEXT_MAX + 16];
	int fd = bind_first(s, so, ep, bound);
	long backlog = so->backlog > 0 ? so->backlog : so->many ?
	    SERVE_BACKLOG_MANY : SERVE_BACKLOG_ONE;

	if (fd < 0)
		return -1;
	/* A datagram socket has no queue of connections: no listen(). */
	if (bound->socktype != SOCK_DGRAM &&
	    sys_listen(fd, (int)backlog) < 0) {
		snprintf(what, sizeof(what), _("listen on %s"), ep->text);
		report_errno("listen", what, errno);
		sys_close(fd);
		return -1;
	}
	/* Joined before the line that tells senders they may begin. */
	if (so->multicast != NULL && multicast_join(so->multicast, fd) < 0) {
		sys_close(fd);
		return -1;
	}
	serve_announce(s, ep, fd);
	return fd;
}

/*
 * An accept() that fails for want of descriptors (EMFILE, ENFILE) or of
 * kernel memory (ENOBUFS, ENOMEM) leaves the peer in the queue, so poll()
 * at once says it is still there: retrying at once spins on the CPU and
 * fills stderr. Instead the server stops asking for a pause that doubles
 * from BACKOFF_MIN to BACKOFF_MAX, and is back to none after the next
 * accept() that works; meanwhile it reaps children and hears signals.
 * The failure is said at most once every BACKOFF_SAY seconds, with how
 * often it happened in between.
 */
#define BACKOFF_MIN 0.005
#define BACKOFF_MAX 1.0
#define BACKOFF_SAY 1.0

struct backoff {
	double pause;		/* the last pause, seconds; 0: none */
	double until;		/* no accept() before this relay_now() */
	double said;		/* when the failure was last said; 0: never */
	unsigned long failed;	/* failures not reported yet */
	int err;		/* the last failure's errno */
	char what[ENDPOINT_TEXT_MAX + ADDR_TEXT_MAX + 16];	/* its operand */
};

/* One listening socket per process: one state for its accept loop. */
static struct backoff starved;

/* Returns true when accept() failed for want of descriptors or memory. */
static bool
accept_starved(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM;
}

/*
 * Counts one starved accept() on the listening socket of ep, sets the next
 * pause, and says so when it is time to.
 */
static void
backoff_failed(struct backoff *b, const struct endpoint *ep, int err)
{
	double now = relay_now();

	b->pause = b->pause > 0 ? b->pause * 2 : BACKOFF_MIN;
	if (b->pause > BACKOFF_MAX)
		b->pause = BACKOFF_MAX;
	b->until = now + b->pause;
	b->failed++;
	b->err = err;
	if (b->said > 0 && now - b->said < BACKOFF_SAY)
		return;
	snprintf(b->what, sizeof(b->what), _("accept on %s"), ep->text);
	if (b->said > 0)
		report_errno_repeated("accept", b->what, err, b->failed,
		    now - b->said);
	else
		report_errno("accept", b->what, err);
	b->said = now;
	b->failed = 0;
}

/*
 * An accept() worked: no more pauses until the next failure, and the
 * failures not said yet are said now, so the next run of them is counted
 * from its own start.
 */
static void
backoff_passed(struct backoff *b)
{
	if (b->failed > 0)
		report_errno_repeated("accept", b->what, b->err, b->failed,
		    relay_now() - b->said);
	b->pause = 0;
	b->until = 0;
	b->said = 0;
	b->failed = 0;
}

int
serve_accept(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, int *cfd_out, char *peer_text,
    size_t cap)
{
	if (textbook_on())
		return textbook_accept(s, acl, ep, lfd, cfd_out, peer_text,
		    cap);
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char what[ENDPOINT_TEXT_MAX + 16];
		int ready, cfd;

		/* Starved: the peer stays queued; signals are still heard. */
		if (starved.until > relay_now() && session_wait(-1, 0,
		    starved.until - relay_now()) < 0)
			return serve_stop_status();
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
			if (accept_starved(errno)) {
				backoff_failed(&starved, ep, errno);
				continue;
			}
			snprintf(what, sizeof(what), _("accept on %s"),
			    ep->text);
			report_errno("accept", what, errno);
			return EXIT_FAIL;
		}
		backoff_passed(&starved);
		addr_format_kind((struct sockaddr *)&peer, plen,
		    ep->row->socktype, peer_text, cap);
		if (!serve_admit(s, acl, (struct sockaddr *)&peer, plen,
		    peer_text)) {
			sys_close(cfd);
			continue;
		}
		if (sys_set_nonblocking(cfd) < 0) {
			snprintf(what, sizeof(what), _("make the connection "
			    "from %s non-blocking"), peer_text);
			report_errno("fcntl", what, errno);
			sys_close(cfd);
			return EXIT_FAIL;
		}
		session_connected(s, cfd, "accepted");
		*cfd_out = cfd;
		return EXIT_OK;
	}
}

/* A child of --fork and the connection it serves. */
struct served {
	pid_t pid;
	int fd;			/* our copy, held for -v's counts; else -1 */
	bool quiet;		/* keeps a TLS session: it tells of its end */
	double start;
	char peer[ADDR_TEXT_MAX];
};

struct children {
	struct served *rows;
	size_t count, cap;
};

/* Seconds children have to end after SIGTERM, before SIGKILL. */
#define SERVE_GRACE 1.0

static struct served *
add_child(struct children *c)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct served *rows = realloc(c->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return NULL;
		c->rows = rows;
		c->cap = cap;
	}
	return &c->rows[c->count++];
}

/* Reaps every child that has ended and reports its connection's end. */
static void
reap_children(struct session *s, struct children *c)
{
	int status, signo;
	pid_t pid;
	size_t i;

	while ((pid = spawn_reap(&status, &signo)) > 0) {
		for (i = 0; i < c->count && c->rows[i].pid != pid; i++)
			continue;
		if (i == c->count)
			continue;
		if (!c->rows[i].quiet)
			spawn_event_exited(pid, status, signo);
		if (c->rows[i].fd >= 0) {
			session_program_closed(s, c->rows[i].fd,
			    c->rows[i].peer, c->rows[i].start, pid, status);
			sys_close(c->rows[i].fd);
		}
		c->rows[i] = c->rows[--c->count];
	}
}

/*
 * Sends sig to every child's process group, the program and what it
 * started, then waits up to SERVE_GRACE for the children.
 */
static bool
end_children(struct session *s, struct children *c, int sig, int wake_fd)
{
	double deadline = relay_now() + SERVE_GRACE;
	size_t i;

	for (i = 0; i < c->count; i++)
		spawn_stop(c->rows[i].pid, sig);
	for (;;) {
		struct pollfd pfd = { wake_fd, POLLIN, 0 };

		reap_children(s, c);
		if (c->count == 0)
			return true;
		if (relay_now() >= deadline)
			return false;
		if (sys_poll(&pfd, 1, relay_poll_timeout(deadline,
		    relay_now())) > 0)
			spawn_drain();
	}
}

/*
 * Fills row for a child that reports its own end (a TLS session's, a
 * service's), so the parent says nothing of it when it is reaped.
 */
static void
keep_quiet_child(struct served *row, pid_t pid, const char *text)
{
	row->pid = pid;
	row->fd = -1;
	row->quiet = true;
	row->start = relay_now();
	snprintf(row->peer, sizeof(row->peer), "%s", text);
}

/*
 * A child that keeps cfd's TLS session and runs cmd behind it (inetd.c).
 * It reports its own handshake, program and counts, so the connection
 * is not ours to hold. Returns 1, as serve_one.
 */
static int
serve_tls_one(struct session *s, struct spawn_cmd *cmd, struct children *c,
    int cfd, int lfd, const struct sockaddr_storage *peer, socklen_t plen,
    const char *text)
{
	struct served *row = add_child(c);
	pid_t pid = -1;

	if (row == NULL)
		report_errno("malloc", _("remember a child"), ENOMEM);
	else
		pid = inetd_start(s, cmd, cfd, lfd,
		    (const struct sockaddr *)peer, plen);
	sys_close(cfd);
	if (pid < 0) {
		if (row != NULL)
			c->count--;
		return 1;
	}
	keep_quiet_child(row, pid, text);
	return 1;
}

/*
 * A forked child that serves a built-in service on cfd, as a concurrent
 * server of a course does: the child closes the listening socket, the
 * parent its copy of the connection. Returns 1, as serve_one.
 */
static int
serve_service_one(struct session *s, const struct service *svc,
    struct children *c, int cfd, int lfd, const char *text)
{
	struct served *row = add_child(c);
	pid_t pid;
	int rc;

	if (row == NULL) {
		report_errno("malloc", _("remember a child"), ENOMEM);
		sys_close(cfd);
		return 1;
	}
	pid = spawn_fork();
	if (pid == 0) {
		sys_close(lfd);
		rc = service_stream(svc, cfd, s->opts.idle_timeout);
		sys_close(cfd);
		/* _exit: the parent's exit work (a unix file) is not ours. */
		_exit(rc == 0 ? EXIT_OK : EXIT_FAIL);
	}
	sys_close(cfd);
	if (pid < 0) {
		c->count--;
		return 1;
	}
	keep_quiet_child(row, pid, text);
	return 1;
}

/*
 * Accepts one peer of lfd and starts a child for it. Returns 1 when one
 * was started or turned away, 0 when none was waiting, -1 on a failure
 * that ends the server (reported).
 */
static int
serve_one(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, struct spawn_cmd *cmd,
    const struct service *svc, struct children *c)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct spawn_env env;
	struct served *row;
	char what[ENDPOINT_TEXT_MAX + 16], text[ADDR_TEXT_MAX];
	int cfd;

	/* accept() hands back a blocking socket: right for the program. */
	cfd = sys_accept(lfd, (struct sockaddr *)&peer, &plen);
	if (cfd < 0) {
		if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
			return 0;
		/* Out of descriptors: the children that end give some back. */
		if (accept_starved(errno)) {
			backoff_failed(&starved, ep, errno);
			return 0;
		}
		snprintf(what, sizeof(what), _("accept on %s"), ep->text);
		report_errno("accept", what, errno);
		return -1;
	}
	backoff_passed(&starved);
	addr_format_kind((struct sockaddr *)&peer, plen, ep->row->socktype,
	    text, sizeof(text));
	if (!serve_admit(s, acl, (struct sockaddr *)&peer, plen, text)) {
		sys_close(cfd);
		return 1;
	}
	session_connected(s, cfd, "accepted");
	if (svc != NULL)
		return serve_service_one(s, svc, c, cfd, lfd, text);
	if (session_tls_on(s))
		return serve_tls_one(s, cmd, c, cfd, lfd, &peer, plen, text);
	session_program_env(cfd, (struct sockaddr *)&peer, plen, &env);
	row = add_child(c);
	if (row == NULL || spawn_start(cmd, cfd, cfd,
	    s->opts.join_stderr ? cfd : -1, lfd, &env) < 0) {
		if (row == NULL)
			report_errno("malloc", _("remember a child"), ENOMEM);
		else
			c->count--;
		sys_close(cfd);
		return 1;
	}
	spawn_event_started(cmd);
	row->pid = cmd->pid;
	row->start = relay_now();
	snprintf(row->peer, sizeof(row->peer), "%s", text);
	row->fd = cfd;
	row->quiet = false;
	/*
	 * The parent goes straight back to accept(); its copy of the
	 * connection would keep the FIN back after the child closes, so it
	 * stays only when -v wants TCP's byte counts at the end.
	 */
	if (!s->opts.verbose && !s->opts.json) {
		sys_close(cfd);
		row->fd = -1;
	}
	return 1;
}

int
serve_fork(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, struct spawn_cmd *cmd,
    const struct service *svc, long max_conns)
{
	struct children c = { NULL, 0, 0 };
	double last_peer = relay_now();
	int wake_fd, status = EXIT_OK;

	if (textbook_on())
		return textbook_serve_fork(s, acl, ep, lfd, cmd, svc,
		    max_conns);
	wake_fd = spawn_watch();
	if (wake_fd < 0)
		return EXIT_FAIL;
	for (;;) {
		struct pollfd pfd[3];
		double deadline = -1, wake;
		bool room, paused;
		int rc, got = 0;

		reap_children(s, &c);
		if (sys_signal_caught)
			break;
		room = max_conns == 0 || c.count < (size_t)max_conns;
		/* -w: give up when no peer came for SECS and none is served. */
		if (s->opts.timeout >= 0 && c.count == 0)
			deadline = last_peer + s->opts.timeout;
		/*
		 * A full house leaves new peers in the listen() backlog, and
		 * so does a pause after accept() found no descriptor.
		 */
		paused = starved.until > relay_now();
		wake = deadline;
		if (paused && (wake < 0 || starved.until < wake))
			wake = starved.until;
		pfd[0].fd = room && !paused ? lfd : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = wake_fd;
		pfd[1].events = POLLIN;
		pfd[2].fd = sys_signal_wakeup_fd;
		pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		rc = sys_poll(pfd, 3, relay_poll_timeout(wake, relay_now()));
		if (rc < 0 && errno != EINTR) {
			report_errno("poll", _("wait for peers"), errno);
			status = EXIT_FAIL;
			break;
		}
		if (rc == 0 && deadline >= 0 && relay_now() >= deadline) {
			report_error("no connection on %s within %g s (-w)",
			    ep->text, s->opts.timeout);
			status = EXIT_TIMEOUT;
			break;
		}
		/* A child that ended gave its descriptors back: try again. */
		if (pfd[1].revents) {
			spawn_drain();
			starved.until = 0;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		while ((max_conns == 0 || c.count < (size_t)max_conns) &&
		    !sys_signal_caught &&
		    (got = serve_one(s, acl, ep, lfd, cmd, svc, &c)) > 0)
			last_peer = relay_now();
		if (got < 0) {
			status = EXIT_FAIL;
			break;
		}
	}
	/* None outlives us: the signal we got, or SIGTERM, then SIGKILL. */
	if (c.count > 0 && !end_children(s, &c, sys_signal_caught ?
	    (int)sys_signal_caught : SIGTERM, wake_fd))
		end_children(s, &c, SIGKILL, wake_fd);
	free(c.rows);
	return sys_signal_caught ? serve_stop_status() : status;
}
