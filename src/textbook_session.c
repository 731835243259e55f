/* textbook_session.c: textbook mode's blocking servers, iterative and forking, and the options it refuses. */
#include "compat.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "report.h"
#include "services.h"
#include "sockit.h"
#include "sys.h"
#include "textbook.h"
#include "textbook_session.h"

int
textbook_check(const struct session *s, const struct endpoint *ep)
{
	const char *opt = NULL, *why = NULL;

	if (!textbook_on())
		return EXIT_OK;
	if (s->tlso.tls || ep->tls || s->tlso.starttls >= 0) {
		opt = s->tlso.starttls >= 0 ? "--starttls" : "--tls";
		why = N_("TLS is a library's calls, not the socket calls of "
		    "the lesson");
	} else if (s->opts.progress) {
		opt = "--progress";
		why = N_("the blocking loop has no clock to draw the line by");
	} else if (s->opts.crlf) {
		opt = "-C";
		why = N_("the loop sends what it read, unchanged");
	}
	if (opt == NULL)
		return EXIT_OK;
	report_usage("%s needs plain mode, not --textbook: %s", opt, _(why));
	return EXIT_USAGE;
}

/* Sets -w on the listening lfd once: SO_RCVTIMEO bounds accept() too. */
static int
bound_accept(struct session *s, const struct endpoint *ep, int lfd)
{
	static int bounded = -1;
	char what[ENDPOINT_TEXT_MAX + 32];

	if (s->opts.timeout < 0 || bounded == lfd)
		return 0;
	if (textbook_set_timeout(lfd, SO_RCVTIMEO, s->opts.timeout) < 0) {
		snprintf(what, sizeof(what), _("setsockopt SO_RCVTIMEO on %s"),
		    ep->text);
		report_errno("setsockopt", what, errno);
		return -1;
	}
	bounded = lfd;
	return 0;
}

/* accept() failed with errno: the exit status, after reporting. */
static int
accept_failed(const struct session *s, const struct endpoint *ep)
{
	char what[ENDPOINT_TEXT_MAX + 16];

	if (sys_signal_caught)
		return serve_stop_status();
	/* SO_RCVTIMEO ran out: EAGAIN is the timeout of -w. */
	if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
	    s->opts.timeout >= 0) {
		report_error("no connection on %s within %g s (-w)", ep->text,
		    s->opts.timeout);
		return EXIT_TIMEOUT;
	}
	snprintf(what, sizeof(what), _("accept on %s"), ep->text);
	report_errno("accept", what, errno);
	return EXIT_FAIL;
}

int
textbook_accept(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, int *cfd_out, char *peer_text,
    size_t cap)
{
	if (bound_accept(s, ep, lfd) < 0)
		return EXIT_FAIL;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int cfd = sys_accept(lfd, (struct sockaddr *)&peer, &plen);

		if (cfd < 0 && errno == ECONNABORTED && !sys_signal_caught)
			continue;	/* it gave up while queued: the next */
		if (cfd < 0)
			return accept_failed(s, ep);
		addr_format_kind((struct sockaddr *)&peer, plen,
		    ep->row->socktype, peer_text, cap);
		if (!serve_admit(s, acl, (struct sockaddr *)&peer, plen,
		    peer_text)) {
			sys_close(cfd);
			continue;
		}
		session_connected(s, cfd, "accepted");
		*cfd_out = cfd;
		return EXIT_OK;
	}
}

/*
 * The SIGCHLD handler only interrupts: waitpid is made and traced in the
 * loop, where printing is safe, instead of inside the handler.
 */
static void
on_child(int signo)
{
	(void)signo;
}

/* Reports a reaped child's end on -v or --json, for a program's child. */
static void
reaped(const struct spawn_cmd *cmd, pid_t pid, int wstatus)
{
	if (cmd == NULL || cmd->text == NULL)
		return;
	if (WIFSIGNALED(wstatus))
		spawn_event_exited(pid, 128 + WTERMSIG(wstatus),
		    WTERMSIG(wstatus));
	else
		spawn_event_exited(pid, WEXITSTATUS(wstatus), 0);
}

/*
 * Reaps every child that has ended without waiting (WNOHANG), or, with
 * block, waits for one first. Returns how many were reaped.
 */
static long
reap(const struct spawn_cmd *cmd, bool block)
{
	long n = 0;
	int wstatus;
	pid_t pid;

	while ((pid = sys_waitpid(-1, &wstatus, block ? 0 : WNOHANG)) > 0) {
		reaped(cmd, pid, wstatus);
		n++;
		block = false;
	}
	return n;
}

/* In the child after fork(): serve the one peer, then end. */
static _Noreturn void
serve_child(struct session *s, struct spawn_cmd *cmd,
    const struct service *svc, int cfd, int lfd,
    const struct sockaddr_storage *peer, socklen_t plen)
{
	struct spawn_env env;
	int rc;

	/* The listening socket is the parent's to accept on. */
	sys_close(lfd);
	if (svc != NULL) {
		rc = service_stream(svc, cfd, s->opts.idle_timeout);
		sys_close(cfd);
		/* _exit: the parent's exit work (a unix file) is not ours. */
		_exit(rc == 0 ? EXIT_OK : EXIT_FAIL);
	}
	session_program_env(cfd, (const struct sockaddr *)peer, plen, &env);
	spawn_exec(cmd, cfd, cfd, s->opts.join_stderr ? cfd : -1, &env);
}

int
textbook_serve_fork(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, struct spawn_cmd *cmd,
    const struct service *svc, long max_conns)
{
	long running = 0;
	int status = EXIT_OK;

	if (sys_sigaction(SIGCHLD, on_child, "reap") < 0) {
		report_errno("sigaction", _("hear of children's ends"), errno);
		return EXIT_FAIL;
	}
	if (bound_accept(s, ep, lfd) < 0)
		return EXIT_FAIL;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char text[ADDR_TEXT_MAX];
		pid_t pid;
		int cfd;

		running -= reap(svc != NULL ? NULL : cmd, false);
		if (sys_signal_caught)
			break;
		/* A full house: new peers wait in the backlog meanwhile. */
		if (max_conns > 0 && running >= max_conns) {
			long n = reap(svc != NULL ? NULL : cmd, true);

			/* None left to wait for: the count was off. */
			running = n == 0 && errno == ECHILD ? 0 : running - n;
			continue;
		}
		cfd = sys_accept_intr(lfd, (struct sockaddr *)&peer, &plen);
		if (cfd < 0 && errno == EINTR && !sys_signal_caught)
			continue;	/* SIGCHLD: a child to reap */
		if (cfd < 0 && errno == ECONNABORTED && !sys_signal_caught)
			continue;
		/* -w ends a server with nobody left to serve. */
		if (cfd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    running > 0 && !sys_signal_caught)
			continue;
		if (cfd < 0) {
			status = accept_failed(s, ep);
			break;
		}
		addr_format_kind((struct sockaddr *)&peer, plen,
		    ep->row->socktype, text, sizeof(text));
		if (!serve_admit(s, acl, (struct sockaddr *)&peer, plen,
		    text)) {
			sys_close(cfd);
			continue;
		}
		session_connected(s, cfd, "accepted");
		pid = spawn_fork();
		if (pid == 0)
			serve_child(s, cmd, svc, cfd, lfd, &peer, plen);
		/* The child has its copy: ours would hold the FIN back. */
		sys_close(cfd);
		if (pid > 0)
			running++;
	}
	/*
	 * The children were given SIGTERM for our death (spawn_fork); those
	 * that end before we do are reaped here, the rest by init.
	 */
	return sys_signal_caught ? serve_stop_status() : status;
}
