/* spawn.c: the programs of -e and -c: fork, dup2 onto stdio, exec, and reaping them. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "i18n.h"
#include "relay.h"
#include "report.h"
#include "sockit.h"
#include "spawn.h"
#include "sys.h"
#include "trace.h"

/* Blanks that separate the words of -e. */
#define BLANKS " \t\n\v\f\r"

/* Where SIGCHLD writes a byte, so poll() learns that a child exited. */
static int child_pipe[2] = { -1, -1 };

/* The signals whose handlers a child must not run between fork and exec. */
static const int handled_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGWINCH
};

/* The signals that mean nothing to sockit: a coprocess gets them. */
static const int passed_signals[] = { SIGUSR1, SIGUSR2, SIGWINCH };

/* The children of die_with_us commands, which passed_signals go to. */
static volatile sig_atomic_t passed_to[2];

/* Whether each program leads a process group of its own: see own_groups. */
static int lead_groups = -1;

/*
 * Each program leads a process group of its own, so that one killpg()
 * stops it and all it started, unless sockit runs in the foreground of a
 * terminal that one of its stdio is: there the programs stay in sockit's
 * job, as a shell's pipeline would, so they may read that terminal (a
 * password prompt) instead of being stopped by SIGTTIN, and Ctrl-C
 * reaches all of them from the terminal itself. Decided once, before the
 * first vfork().
 */
static bool
own_groups(void)
{
	int fd;

	if (lead_groups >= 0)
		return lead_groups;
	lead_groups = 1;
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
			lead_groups = 0;
	return lead_groups;
}

void
spawn_stop(pid_t pid, int sig)
{
	/* Until it is reaped, the pid still names its group. */
	if (own_groups())
		sys_killpg(pid, sig);
	else
		sys_kill(pid, sig);
}

static void
on_child(int signo)
{
	int saved = errno;

	(void)signo;
	(void)!write(child_pipe[1], "", 1);
	errno = saved;
}

static void
on_passed(int signo)
{
	int saved = errno;
	size_t i;

	/*
	 * To the program's process group, as the terminal sends its signals
	 * to a whole job. Untraced: a trace line is no work for a handler.
	 */
	for (i = 0; i < ARRAY_LEN(passed_to); i++)
		if (passed_to[i] > 0)
			kill(lead_groups ? -(pid_t)passed_to[i] :
			    (pid_t)passed_to[i], signo);
	errno = saved;
}

/* From now on passed_signals go to pid as they come to us. */
static void
pass_signals_to(pid_t pid)
{
	struct sigaction sa;
	size_t i;

	for (i = 0; i < ARRAY_LEN(passed_to) && passed_to[i] > 0; i++)
		continue;
	if (i == ARRAY_LEN(passed_to))
		return;
	passed_to[i] = (sig_atomic_t)pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_passed;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < ARRAY_LEN(passed_signals); i++)
		sigaction(passed_signals[i], &sa, NULL);
}

int
spawn_watch(void)
{
	struct sigaction sa;

	if (child_pipe[0] >= 0)
		return child_pipe[0];
	if (pipe2(child_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		report_errno("pipe2", _("make a pipe to hear of child exits"),
		    errno);
		return -1;
	}
	child_pipe[0] = sys_high_fd(child_pipe[0]);
	child_pipe[1] = sys_high_fd(child_pipe[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	return child_pipe[0];
}

void
spawn_drain(void)
{
	char drain[64];

	while (read(child_pipe[0], drain, sizeof(drain)) > 0)
		continue;
}

/*
 * Looks name up in PATH once, so a server's children exec it at once
 * instead of each trying every directory of PATH. Returns the path (to be
 * freed), or NULL when name has a slash or is not found, for execvp to
 * try and report.
 */
static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH"), *dir, *end;
	char *full;

	if (strchr(name, '/') != NULL || path == NULL)
		return NULL;
	for (dir = path; ; dir = end + 1) {
		size_t dlen;

		end = strchr(dir, ':');
		dlen = end != NULL ? (size_t)(end - dir) : strlen(dir);
		/* An empty entry is the current directory, as for execvp. */
		if (asprintf(&full, "%.*s%s%s", (int)dlen, dir,
		    dlen ? "/" : "", name) < 0)
			return NULL;
		if (access(full, X_OK) == 0) {
			struct stat st;

			if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
				return full;
		}
		free(full);
		if (end == NULL)
			return NULL;
	}
}

int
spawn_prepare(struct spawn_cmd *cmd, const char *text, bool shell)
{
	size_t n = 0, cap = strlen(text) / 2 + 2;
	char *word, *rest;

	memset(cmd, 0, sizeof(*cmd));
	cmd->text = text;
	cmd->shell = shell;
	if (shell)
		return EXIT_OK;
	cmd->words = strdup(text);
	cmd->argv = calloc(cap, sizeof(*cmd->argv));
	if (cmd->words == NULL || cmd->argv == NULL) {
		report_errno("malloc", _("split the words of -e"), errno);
		return EXIT_FAIL;
	}
	for (word = strtok_r(cmd->words, BLANKS, &rest); word != NULL;
	    word = strtok_r(NULL, BLANKS, &rest))
		cmd->argv[n++] = word;
	if (n == 0) {
		report_usage("-e '%s' names no program: give 'PROG ARGS'",
		    text);
		return EXIT_USAGE;
	}
	cmd->path = find_in_path(cmd->argv[0]);
	return EXIT_OK;
}

void
spawn_free(struct spawn_cmd *cmd)
{
	free(cmd->argv);
	free(cmd->words);
	free(cmd->path);
	cmd->argv = NULL;
	cmd->words = NULL;
	cmd->path = NULL;
}

void
spawn_env_add(struct spawn_env *env, const char *name, const char *value)
{
	if (env->count >= (int)ARRAY_LEN(env->names))
		return;
	env->names[env->count] = name;
	snprintf(env->values[env->count], sizeof(env->values[0]), "%s", value);
	env->count++;
}

/*
 * The child's environment: ours, with env's variables in place of any of
 * the same name. Returns a malloc'd array whose strings live in env and
 * environ, or NULL.
 */
static char **
child_environment(const struct spawn_env *env, char (*text)[192])
{
	size_t n = 0, out = 0, i;
	int k;
	char **envp;

	while (environ[n] != NULL)
		n++;
	envp = malloc((n + ARRAY_LEN(env->names) + 1) * sizeof(*envp));
	if (envp == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		bool replaced = false;

		for (k = 0; k < env->count && !replaced; k++) {
			size_t len = strlen(env->names[k]);

			replaced = strncmp(environ[i], env->names[k], len) ==
			    0 && environ[i][len] == '=';
		}
		if (!replaced)
			envp[out++] = environ[i];
	}
	for (k = 0; k < env->count; k++) {
		snprintf(text[k], sizeof(text[k]), "%s=%s", env->names[k],
		    env->values[k]);
		envp[out++] = text[k];
	}
	envp[out] = NULL;
	return envp;
}

/*
 * The child's messages, in the user's language: looked up before vfork(),
 * since gettext may allocate the first time, which the child must not.
 */
static struct {
	const char *group, *descriptors, *run;
} child_words;

/*
 * In the child, which vfork() lets borrow our memory until it execs: the
 * descriptors become stdio, then exec. It writes no memory of ours that
 * we read afterwards, and it never returns.
 */
static _Noreturn void
run_child(const struct spawn_cmd *cmd, const int fds[4], char **envp,
    const sigset_t *mask, pid_t parent)
{
	char *sh_argv[] = { "sh", "-c", (char *)cmd->text, NULL };
	char *const *args = cmd->shell ? sh_argv : cmd->argv;
	const char *file = cmd->shell ? "/bin/sh" :
	    cmd->path != NULL ? cmd->path : cmd->argv[0];
	char what[512];
	size_t i;
	int e;

	/*
	 * Our handlers mean nothing after exec, but an ignored signal stays
	 * ignored: SIGPIPE must kill the program as it would in a pipeline.
	 */
	signal(SIGPIPE, SIG_DFL);
	for (i = 0; i < ARRAY_LEN(handled_signals); i++)
		signal(handled_signals[i], SIG_DFL);
	/*
	 * A process group of its own, led by the program (see own_groups):
	 * what the program starts stays in it, so one killpg() stops them
	 * all, and a signal meant for sockit's group (a kill -- -PGID)
	 * reaches the program only through us. We stay suspended in vfork()
	 * until the exec, so the group exists before we go on: the race a
	 * fork() would leave, a signal sent before the child's setpgid, has
	 * no room here, and a second setpgid from our side would only fail
	 * with EACCES once the program runs.
	 */
	if (lead_groups && sys_setpgid(0, 0) < 0) {
		report_errno("setpgid", child_words.group, errno);
		_exit(126);
	}
	/*
	 * A coprocess must not outlive us, even when we are killed by a
	 * signal we cannot catch; nor may a program in a group of its own,
	 * which a signal to sockit's whole group no longer reaches. If we
	 * died before the prctl, it is too late for it: the parent is
	 * someone else already.
	 */
	if ((cmd->die_with_us || lead_groups) &&
	    (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent))
		_exit(128 + SIGTERM);
	if (sys_dup2(fds[0], STDIN_FILENO) < 0 ||
	    sys_dup2(fds[1], STDOUT_FILENO) < 0 ||
	    (fds[2] >= 0 && sys_dup2(fds[2], STDERR_FILENO) < 0)) {
		report_errno("dup2", child_words.descriptors, errno);
		_exit(126);
	}
	/*
	 * 0 and 1 are copies now. The originals would keep the end open
	 * after the program closes its copies, so its peer would never see
	 * EOF; a listening socket left open would keep the port after we go.
	 */
	if (fds[3] > STDERR_FILENO)
		sys_close(fds[3]);
	if (fds[0] > STDERR_FILENO)
		sys_close(fds[0]);
	if (fds[1] > STDERR_FILENO && fds[1] != fds[0])
		sys_close(fds[1]);
	/* 0, 1 and 2 only: nothing else of ours leaks into the program. */
	sys_close_range(3);
	sigprocmask(SIG_SETMASK, mask, NULL);
	sys_execvpe(file, args, envp);
	e = errno;
	snprintf(what, sizeof(what), child_words.run, file);
	report_errno("execvpe", what, e);
	/* As the shell says it: 127 not found, 126 found but not run. */
	_exit(e == ENOENT ? 127 : 126);
}

/*
 * vfork() and, in the child, run_child(): the child never returns from
 * here, which a vfork child must not do, since its return would wreck the
 * stack frame we return through. Returns the pid, or -1 with errno.
 */
static pid_t
vfork_child(const struct spawn_cmd *cmd, const int fds[4], char **envp,
    const sigset_t *mask, pid_t parent)
{
	pid_t pid;

	child_words.group = _("give the program a process group");
	child_words.descriptors = _("give the program its descriptors");
	child_words.run = _("run '%s'");
	pid = vfork();
	if (pid == 0)
		run_child(cmd, fds, envp, mask, parent);
	return pid;
}

int
spawn_start(struct spawn_cmd *cmd, int in, int out, int err, int also_close,
    const struct spawn_env *env)
{
	const int fds[4] = { in, out, err, also_close };
	char text[ARRAY_LEN(env->names)][192];
	char **envp = environ;
	void (*hide)(void), (*show)(void);
	void (*state_hook)(int, enum sys_state_point);
	sigset_t hold, old;
	size_t i;
	pid_t pid, parent;
	int e;

	/* Made before vfork(): the child must not allocate in our heap. */
	if (env != NULL && (envp = child_environment(env, text)) == NULL) {
		report_errno("malloc",
		    _("make the program's environment"), errno);
		return -1;
	}
	own_groups();
	/* Signals are held across vfork() so the child never runs ours. */
	sigemptyset(&hold);
	for (i = 0; i < ARRAY_LEN(handled_signals); i++)
		sigaddset(&hold, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &hold, &old);
	parent = getpid();
	/*
	 * vfork(), not fork(): the child runs in our memory until it execs,
	 * so no page tables are copied and no page is copied on write: the
	 * cheapest way to start a program per connection. Its trace lines
	 * must not step around a line editor's prompt: that is our state.
	 */
	hide = trace_stderr_hide;
	show = trace_stderr_show;
	trace_stderr_hide = trace_stderr_show = NULL;
	/* Nor may --tcp-state look: its table of connections is ours. */
	state_hook = sys_state_hook;
	sys_state_hook = NULL;
	trace_hold();
	pid = vfork_child(cmd, fds, envp, &old, parent);
	e = errno;
	sys_trace_vfork(pid, e);
	trace_release();
	sys_state_hook = state_hook;
	trace_stderr_hide = hide;
	trace_stderr_show = show;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (envp != environ)
		free(envp);
	if (pid < 0) {
		report_errno("fork", _("start a process for the program"), e);
		return -1;
	}
	cmd->pid = pid;
	cmd->running = true;
	if (cmd->die_with_us)
		pass_signals_to(pid);
	return 0;
}

void
spawn_exec(const struct spawn_cmd *cmd, int in, int out, int err,
    const struct spawn_env *env)
{
	const int fds[4] = { in, out, err, -1 };
	char text[ARRAY_LEN(env->names)][192];
	char **envp = environ;
	sigset_t mask;

	if (env != NULL && (envp = child_environment(env, text)) == NULL) {
		report_errno("malloc",
		    _("make the program's environment"), errno);
		_exit(126);
	}
	sigprocmask(SIG_SETMASK, NULL, &mask);
	run_child(cmd, fds, envp, &mask, getppid());
}

/*
 * In the child of spawn_fork, before its signals are let in: a process
 * group of its own, an end with us, and pipes of its own for its child's
 * exit and its signals, which the parent's loops must not hear.
 */
static void
become_keeper(pid_t parent)
{
	size_t i;

	if (lead_groups && sys_setpgid(0, 0) < 0) {
		report_errno("setpgid",
		    _("give the connection a process group"),
		    errno);
		_exit(EXIT_FAIL);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(128 + SIGTERM);
	/* Its programs join its group: see own_groups. */
	lead_groups = 0;
	for (i = 0; i < ARRAY_LEN(passed_to); i++)
		passed_to[i] = 0;
	if (child_pipe[0] >= 0) {
		close(child_pipe[0]);
		close(child_pipe[1]);
		child_pipe[0] = child_pipe[1] = -1;
		if (spawn_watch() < 0)
			_exit(EXIT_FAIL);
	}
	if (sys_signal_pipe() < 0) {
		report_errno("pipe2",
		    _("make a pipe to hear of signals"), errno);
		_exit(EXIT_FAIL);
	}
}

/* In the child of spawn_fork: blocks until the parent closes the gate. */
static void
wait_gate(int gate[2])
{
	char c;

	if (gate[0] < 0)
		return;
	close(gate[1]);
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
	close(gate[0]);
}

static void
close_gate(int gate[2])
{
	if (gate[0] < 0)
		return;
	close(gate[0]);
	close(gate[1]);
}

pid_t
spawn_fork(void)
{
	sigset_t hold, old;
	size_t i;
	pid_t pid, parent;
	int e, gate[2] = { -1, -1 };

	sys_step_fork();
	own_groups();
	/* Held until the child has its own pipes for them. */
	sigemptyset(&hold);
	for (i = 0; i < ARRAY_LEN(handled_signals); i++)
		sigaddset(&hold, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &hold, &old);
	/*
	 * When tracing, the child waits for the end of this pipe until our
	 * fork line is out, so none of its lines comes before it.
	 */
	if ((trace_flags & TRACE_ON) && pipe2(gate, O_CLOEXEC) < 0)
		gate[0] = gate[1] = -1;
	parent = getpid();
	pid = fork();
	e = errno;
	if (pid == 0) {
		wait_gate(gate);
		become_keeper(parent);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	sys_trace_fork(pid, e);
	close_gate(gate);
	/*
	 * The child makes its group itself; asking here too closes the
	 * window in which a signal to the group would miss it. Nothing
	 * execs, so neither call can find it too late.
	 */
	if (pid > 0 && lead_groups)
		sys_setpgid(pid, pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		report_errno("fork",
		    _("start a process for the connection"), e);
	return pid;
}

pid_t
spawn_reap(int *status, int *signo)
{
	int wstatus = 0;
	pid_t pid = sys_waitpid(-1, &wstatus, WNOHANG);

	if (pid <= 0)
		return pid < 0 && errno == EINTR ? 0 : pid;
	if (WIFEXITED(wstatus)) {
		*status = WEXITSTATUS(wstatus);
		*signo = 0;
	} else {
		*signo = WTERMSIG(wstatus);
		*status = 128 + *signo;
	}
	return pid;
}

void
spawn_event_started(const struct spawn_cmd *cmd)
{
	char storage[1024];
	struct strbuf sb;

	if (report.json) {
		report_event_begin(&sb, storage, sizeof(storage), "started");
		json_field_u64(&sb, "pid", (uint64_t)cmd->pid);
		json_field_str(&sb, "command", cmd->text);
		json_field_bool(&sb, "shell", cmd->shell);
		report_event_end(&sb);
	} else {
		report_note("started pid %ld: %s%s", (long)cmd->pid,
		    cmd->shell ? "sh -c " : "", cmd->text);
	}
}

void
spawn_event_exited(pid_t pid, int status, int signo)
{
	char storage[1024];
	struct strbuf sb;
	const char *sig = signo ? trace_signal_name(signo) : "";

	if (report.json) {
		report_event_begin(&sb, storage, sizeof(storage), "exited");
		json_field_u64(&sb, "pid", (uint64_t)pid);
		json_field_u64(&sb, "status", (uint64_t)status);
		if (signo)
			json_field_str(&sb, "signal", sig);
		report_event_end(&sb);
	} else if (signo) {
		report_note("pid %ld was killed by %s (status %d)", (long)pid,
		    sig, status);
	} else {
		report_note("pid %ld exited with status %d", (long)pid,
		    status);
	}
}

/* Seconds a program has to exit when told to, before the next step. */
#define SPAWN_GRACE 1.0

/* Records the exit of whichever of cmds pid was, and reports it. */
static void
record_exit(struct spawn_cmd *cmds, int n, pid_t pid, int status, int signo)
{
	size_t p;
	int i;

	/* Its pid, and a group of that number, may soon be another's. */
	for (p = 0; p < ARRAY_LEN(passed_to); p++)
		if (passed_to[p] == (sig_atomic_t)pid)
			passed_to[p] = 0;
	for (i = 0; i < n; i++) {
		if (cmds[i].running && cmds[i].pid == pid) {
			cmds[i].running = false;
			cmds[i].status = status;
			if (!cmds[i].quiet)
				spawn_event_exited(pid, status, signo);
			return;
		}
	}
}

void
spawn_reap_all(struct spawn_cmd *cmds, int n)
{
	int i, wstatus = 0;

	for (i = 0; i < n; i++) {
		pid_t rc;

		if (!cmds[i].running)
			continue;
		rc = sys_waitpid(cmds[i].pid, &wstatus, WNOHANG);
		if (rc == 0 || (rc < 0 && errno == EINTR))
			continue;
		if (rc < 0) {
			cmds[i].running = false;
			cmds[i].status = EXIT_FAIL;
		} else if (WIFEXITED(wstatus)) {
			record_exit(cmds, n, rc, WEXITSTATUS(wstatus), 0);
		} else {
			record_exit(cmds, n, rc, 128 + WTERMSIG(wstatus),
			    WTERMSIG(wstatus));
		}
	}
}

static bool
any_running(const struct spawn_cmd *cmds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (cmds[i].running)
			return true;
	return false;
}

void
spawn_signal(struct spawn_cmd *cmds, int n, int sig, bool ours)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!cmds[i].running)
			continue;
		spawn_stop(cmds[i].pid, sig);
		cmds[i].stopped |= ours;
	}
}

void
spawn_wait(struct spawn_cmd *cmds, int n, bool stop)
{
	enum { PATIENT, ASKED, KILLED } stage = PATIENT;
	double next = stop ? relay_now() + SPAWN_GRACE : -1;
	bool forwarded = false;

	for (;;) {
		struct pollfd pfd[2];
		double now;

		spawn_reap_all(cmds, n);
		if (!any_running(cmds, n))
			return;
		now = relay_now();
		if (sys_signal_caught && !forwarded) {
			spawn_signal(cmds, n, (int)sys_signal_caught, false);
			forwarded = true;
			if (stage == PATIENT) {
				stage = ASKED;
				next = now + SPAWN_GRACE;
			}
		}
		if (next >= 0 && now >= next) {
			if (stage == PATIENT) {
				spawn_signal(cmds, n, SIGTERM, true);
				stage = ASKED;
				next = now + SPAWN_GRACE;
			} else {
				spawn_signal(cmds, n, SIGKILL, true);
				stage = KILLED;
				next = -1;
			}
		}
		pfd[0].fd = child_pipe[0];
		pfd[0].events = POLLIN;
		/* Once passed on, the signal pipe stays readable: skip it. */
		pfd[1].fd = forwarded ? -1 : sys_signal_wakeup_fd;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (sys_poll(pfd, 2, relay_poll_timeout(next, now)) > 0 &&
		    pfd[0].revents)
			spawn_drain();
	}
}
