/* sys_proc.c: the socket layer's process calls: signals, children, exec, limits, namespaces. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <net/route.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "step.h"
#include "sys.h"
#include "sys_int.h"
#include "trace.h"

int sys_signal_wakeup_fd = -1;
int sys_signal_notify_fd = -1;

static void
trace_fork(const char *call, pid_t pid, int err)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	if (!sys_tracing())
		return;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, call);
	trace_result(&sb, pid, err);
	trace_emit(&sb);
}

void
sys_trace_vfork(pid_t pid, int err)
{
	trace_fork("vfork()", pid, err);
}

void
sys_trace_fork(pid_t pid, int err)
{
	trace_fork("fork()", pid, err);
}

void
sys_step_fork(void)
{
	if (step_wanted())
		sys_step_simple("fork()");
}

int
sys_sigaction(int sig, void (*handler)(int), const char *handler_name)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct sigaction sa;
	int rc, err;

	if (step_wanted())
		sys_step_simple(
		    "sigaction(%s, {sa_handler=%s, sa_flags=0}, NULL)",
		    trace_signal_name(sig), handler_name);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	rc = sigaction(sig, &sa, NULL);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "sigaction(%s, {sa_handler=%s, sa_flags=0}, NULL)",
	    trace_signal_name(sig), handler_name);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_signal_pipe(void)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	if (sys_signal_wakeup_fd >= 0)
		close(sys_signal_wakeup_fd);
	if (sys_signal_notify_fd >= 0)
		close(sys_signal_notify_fd);
	sys_signal_wakeup_fd = sys_high_fd(fds[0]);
	sys_signal_notify_fd = sys_high_fd(fds[1]);
	return 0;
}

int
sys_dup2(int from, int to)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc, err;

	do
		rc = dup2(from, to);
	while (sys_retry_eintr(rc));
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "dup2(%d, %d)", from, to);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_execvpe(const char *file, char *const argv[], char *const envp[])
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int i, err;

	if (sys_tracing()) {
		/* Printed first: a successful exec never comes back to say so. */
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "execvpe(");
		sys_trace_quoted(&sb, file);
		strbuf_puts(&sb, ", [");
		for (i = 0; argv[i] != NULL; i++) {
			strbuf_puts(&sb, i ? ", " : "");
			sys_trace_quoted(&sb, argv[i]);
		}
		for (i = 0; envp[i] != NULL; i++)
			continue;
		strbuf_printf(&sb, "], [%d variable%s])", i, i == 1 ? "" : "s");
		trace_emit(&sb);
	}
	execvpe(file, argv, envp);
	err = errno;
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "execvpe(");
		sys_trace_quoted(&sb, file);
		strbuf_puts(&sb, ", ...)");
		sys_finish(&sb, -1, err);
	}
	errno = err;
	return -1;
}

pid_t
sys_waitpid(pid_t pid, int *status, int flags)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	pid_t rc;
	int err;

	/* Textbook mode shows each call of the slide's reaping loop. */
	if (step_wanted() && ((trace_flags & TRACE_FULL) || sys_textbook))
		sys_step_simple("waitpid(%ld, &status, %s)", (long)pid,
		    flags & WNOHANG ? "WNOHANG" : "0");
	do
		rc = waitpid(pid, status, flags);
	while (sys_retry_eintr(rc));
	err = errno;
	/*
	 * WNOHANG polls that find nothing (no child done, or no child at
	 * all) are noise, as poll() is: only full mode shows them. In
	 * textbook mode the last of them ends the reaping loop on the slide.
	 */
	if (!sys_tracing() || (!(trace_flags & TRACE_FULL) && !sys_textbook &&
	    (rc == 0 ||
	    (rc == -1 && err == ECHILD && (flags & WNOHANG)))))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "waitpid(%ld, ", (long)pid);
	if (rc > 0 && WIFEXITED(*status))
		strbuf_printf(&sb, "[exit status %d]", WEXITSTATUS(*status));
	else if (rc > 0 && WIFSIGNALED(*status))
		strbuf_printf(&sb, "[killed by %s]",
		    trace_signal_name(WTERMSIG(*status)));
	else
		strbuf_puts(&sb, "[]");
	strbuf_puts(&sb, flags & WNOHANG ? ", WNOHANG)" : ", 0)");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_kill(pid_t pid, int sig)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = kill(pid, sig);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "kill(%ld, %s)", (long)pid, trace_signal_name(sig));
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_killpg(pid_t pgrp, int sig)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = killpg(pgrp, sig);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "killpg(%ld, %s)", (long)pgrp,
	    trace_signal_name(sig));
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_setpgid(pid_t pid, pid_t pgid)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = setpgid(pid, pgid);
	int err = errno;

	/* Process groups are how sockit stops its children: plumbing. */
	if (!sys_tracing() || !(trace_flags & TRACE_FULL))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setpgid(%ld, %ld)", (long)pid, (long)pgid);
	sys_finish(&sb, rc, err);
	return rc;
}

/* How far the fallback of sys_close_range goes when no limit is known. */
#define CLOSE_ALL_MAX 65536

int
sys_close_range(unsigned first)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	int rc = close_range(first, ~0U, 0);
	int err = errno;

	if (rc < 0 && err == ENOSYS) {
		/* A kernel before 5.9: close each possible descriptor. */
		long limit = sysconf(_SC_OPEN_MAX);
		long fd;

		if (limit < 0 || limit > CLOSE_ALL_MAX)
			limit = CLOSE_ALL_MAX;
		for (fd = first; fd < limit; fd++)
			close((int)fd);
		rc = 0;
		err = 0;
	}
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "close_range(%u, ~0U, 0)", first);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_limit_fds(unsigned long count)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct rlimit rl = { 0, 0 };
	int rc, err;

	rc = getrlimit(RLIMIT_NOFILE, &rl);
	if (rc == 0) {
		rl.rlim_cur = count;
		rc = setrlimit(RLIMIT_NOFILE, &rl);
	}
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setrlimit(RLIMIT_NOFILE, {rlim_cur=%lu, "
	    "rlim_max=", count);
	if (rl.rlim_max == RLIM_INFINITY)
		strbuf_puts(&sb, "RLIM_INFINITY})");
	else
		strbuf_printf(&sb, "%llu})", (unsigned long long)rl.rlim_max);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_alarm_ms(long ms)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct itimerval it;
	int rc, err;

	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = ms % 1000 * 1000;
	it.it_interval = it.it_value;
	rc = setitimer(ITIMER_REAL, &it, NULL);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "setitimer(ITIMER_REAL, {it_interval={%ld, %ld}, "
	    "it_value={%ld, %ld}}, NULL)", ms / 1000, ms % 1000 * 1000,
	    ms / 1000, ms % 1000 * 1000);
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_unshare_net(void)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	/* A user namespace first: it is what lets an unprivileged user in. */
	int rc = unshare(CLONE_NEWUSER | CLONE_NEWNET);
	int err = errno;

	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, "unshare(CLONE_NEWUSER|CLONE_NEWNET)");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_add_reject_route(int fd, const struct sockaddr_in *dst,
    const struct sockaddr_in *mask)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct rtentry rt;
	int rc, err;

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, dst, sizeof(*dst));
	memcpy(&rt.rt_genmask, mask, sizeof(*mask));
	rt.rt_flags = RTF_UP | RTF_REJECT;
	rc = ioctl(fd, SIOCADDRT, &rt);
	err = errno;
	if (!sys_tracing())
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "ioctl(%d, SIOCADDRT, {rt_dst=", fd);
	trace_sockaddr(&sb, (const struct sockaddr *)dst, sizeof(*dst));
	strbuf_puts(&sb, ", rt_genmask=");
	trace_sockaddr(&sb, (const struct sockaddr *)mask, sizeof(*mask));
	strbuf_puts(&sb, ", rt_flags=RTF_UP|RTF_REJECT})");
	sys_finish(&sb, rc, err);
	return rc;
}
