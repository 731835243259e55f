/* cmd_pair.c: socketpair and fork: a coprocess, a pipe between two commands, or a loopback. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "sys.h"
#include "trace.h"

struct pair_opts {
	int type;		/* index into pair_types */
	struct opt_list exec;	/* -e */
	struct opt_list sh;	/* -c */
};

static const int pair_types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

static const struct opt_def pair_defs[] = {
	{ 0, "type", OPT_CHOICE, offsetof(struct pair_opts, type), "TYPE",
	  "stream (default), dgram or seqpacket",
	  0, 0, 0, "stream|dgram|seqpacket" },
	{ 'e', "exec", OPT_LIST, offsetof(struct pair_opts, exec), "COMMAND",
	  "run 'PROG ARGS' on one end: split on blanks, no shell",
	  0, 0, 0, NULL },
	{ 'c', "sh-exec", OPT_LIST, offsetof(struct pair_opts, sh), "STRING",
	  "run /bin/sh -c STRING on one end", 0, 0, 0, NULL },
};

static const char pair_examples[] =
	"  printf 'hello\\n' | sockit pair -e 'tr a-z A-Z'   # a coprocess\n"
	"  sockit pair -c 'sockit connect mail:25' -c ./smtp-dialog\n"
	"  echo hi | sockit --trace pair --type seqpacket   # no command\n";

/* At most two commands: one for each end of the pair. */
#define PAIR_MAX 2
/* Seconds a command has to exit when told to, before the next step. */
#define PAIR_GRACE 1.0
/* Blanks that separate the words of -e. */
#define BLANKS " \t\n\v\f\r"

struct pair_cmd {
	const char *text;	/* as given to -e or -c */
	bool shell;		/* -c: /bin/sh -c text */
	char *words;		/* -e: a copy of text, cut into argv */
	char **argv;		/* for execvp, NULL-terminated */
	pid_t pid;		/* 0 until started */
	bool running;
	bool stopped;		/* we sent it SIGTERM or SIGKILL ourselves */
	int status;		/* once reaped: exit status, or 128+N */
};

/* Where SIGCHLD writes a byte, so poll() learns that a child exited. */
static int child_pipe[2] = { -1, -1 };

/* The signals whose handlers a child must not run between fork and exec. */
static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };

static void
on_child(int signo)
{
	int saved = errno;

	(void)signo;
	(void)!write(child_pipe[1], "", 1);
	errno = saved;
}

/* Moves fd to 64 or above, as main.c does, so the pair is still 3 and 4. */
static int
high_fd(int fd)
{
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 64);

	if (moved < 0)
		return fd;
	close(fd);
	return moved;
}

/* The self-pipe trick for SIGCHLD. Returns 0, or -1 after reporting. */
static int
watch_children(void)
{
	struct sigaction sa;

	if (pipe2(child_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		report_errno("pipe2", "make a pipe to hear of child exits",
		    errno);
		return -1;
	}
	child_pipe[0] = high_fd(child_pipe[0]);
	child_pipe[1] = high_fd(child_pipe[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	return 0;
}

/* The argv element that holds p: -e X, -eX, --exec=X all point into one. */
static int
arg_index(int argc, char **argv, const char *p)
{
	int i;
	size_t k, len;

	for (i = 0; i < argc; i++)
		for (k = 0, len = strlen(argv[i]); k <= len; k++)
			if (argv[i] + k == p)
				return i;
	return argc;
}

/* Cuts the words of -e into cmd->argv. Returns EXIT_OK or EXIT_USAGE. */
static int
split_words(struct pair_cmd *cmd)
{
	size_t n = 0, cap = strlen(cmd->text) / 2 + 2;
	char *word, *rest;

	cmd->words = strdup(cmd->text);
	cmd->argv = calloc(cap, sizeof(*cmd->argv));
	if (cmd->words == NULL || cmd->argv == NULL) {
		report_errno("malloc", "split the words of -e", errno);
		return EXIT_FAIL;
	}
	for (word = strtok_r(cmd->words, BLANKS, &rest); word != NULL;
	    word = strtok_r(NULL, BLANKS, &rest))
		cmd->argv[n++] = word;
	if (n == 0) {
		report_usage("-e '%s' names no program: give 'PROG ARGS'",
		    cmd->text);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * Fills cmds from -e and -c in the order they were given. Returns
 * EXIT_OK, or the status after reporting.
 */
static int
collect_commands(const struct pair_opts *po, int argc, char **argv,
    struct pair_cmd *cmds, int *count)
{
	int i, j, n = po->exec.count + po->sh.count, status;

	if (n > PAIR_MAX) {
		report_usage("at most two commands (-e or -c), one for each "
		    "end of the pair; got %d", n);
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		struct pair_cmd *c = &cmds[i];

		memset(c, 0, sizeof(*c));
		c->shell = i >= po->exec.count;
		c->text = c->shell ? po->sh.items[i - po->exec.count] :
		    po->exec.items[i];
	}
	if (n == 2 && arg_index(argc, argv, cmds[0].text) >
	    arg_index(argc, argv, cmds[1].text)) {
		struct pair_cmd t = cmds[0];

		cmds[0] = cmds[1];
		cmds[1] = t;
	}
	*count = n;
	for (j = 0; j < n; j++) {
		if (!cmds[j].shell &&
		    (status = split_words(&cmds[j])) != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

static void
free_commands(struct pair_cmd *cmds, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!cmds[i].shell) {
			free(cmds[i].argv);
			free(cmds[i].words);
		}
	}
}

/* In the child: one end becomes stdin and stdout, then exec. */
static _Noreturn void
run_child(const struct pair_cmd *cmd, int end, const int sv[2],
    const sigset_t *mask)
{
	char *sh_argv[] = { "sh", "-c", (char *)cmd->text, NULL };
	char *const *args = cmd->shell ? sh_argv : cmd->argv;
	const char *file = cmd->shell ? "/bin/sh" : cmd->argv[0];
	char what[512];
	size_t i;
	int err;

	/*
	 * Our handlers mean nothing after exec, but an ignored signal stays
	 * ignored: SIGPIPE must kill the command as it would in a pipeline.
	 */
	signal(SIGPIPE, SIG_DFL);
	for (i = 0; i < ARRAY_LEN(handled_signals); i++)
		signal(handled_signals[i], SIG_DFL);
	if (sys_dup2(end, STDIN_FILENO) < 0 ||
	    sys_dup2(end, STDOUT_FILENO) < 0) {
		report_errno("dup2", "give the command its end of the pair",
		    errno);
		_exit(126);
	}
	/* 0 and 1 are the copies; the originals would keep EOF away. */
	sys_close(sv[0]);
	sys_close(sv[1]);
	/* Nothing else leaks in: our pipes and whatever we inherited. */
	sys_close_range(3);
	sigprocmask(SIG_SETMASK, mask, NULL);
	sys_execvp(file, args);
	err = errno;
	snprintf(what, sizeof(what), "run '%s'", file);
	report_errno("execvp", what, err);
	/* As the shell says it: 127 not found, 126 found but not run. */
	_exit(err == ENOENT ? 127 : 126);
}

static void
event_started(const struct pair_cmd *cmd)
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

/*
 * Forks the command onto end. Signals are held across fork() so the child
 * never runs our handlers. Returns 0, or -1 after reporting.
 */
static int
start_command(struct pair_cmd *cmd, int end, const int sv[2])
{
	sigset_t hold, old;
	size_t i;
	pid_t pid;
	int err;

	sigemptyset(&hold);
	for (i = 0; i < ARRAY_LEN(handled_signals); i++)
		sigaddset(&hold, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &hold, &old);
	/* From the fork on, two processes trace: tell their lines apart. */
	if (trace_flags & TRACE_ON)
		trace_flags |= TRACE_PID;
	pid = sys_fork();
	if (pid == 0)
		run_child(cmd, end, sv, &old);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		report_errno("fork", "start a process for the command", err);
		return -1;
	}
	cmd->pid = pid;
	cmd->running = true;
	event_started(cmd);
	return 0;
}

static void
event_exited(const struct pair_cmd *cmd, int wstatus)
{
	char storage[1024];
	struct strbuf sb;
	bool killed = WIFSIGNALED(wstatus);
	const char *sig = killed ? trace_signal_name(WTERMSIG(wstatus)) : "";

	if (report.json) {
		report_event_begin(&sb, storage, sizeof(storage), "exited");
		json_field_u64(&sb, "pid", (uint64_t)cmd->pid);
		json_field_u64(&sb, "status", (uint64_t)cmd->status);
		if (killed)
			json_field_str(&sb, "signal", sig);
		report_event_end(&sb);
	} else if (killed) {
		report_note("pid %ld was killed by %s (status %d)",
		    (long)cmd->pid, sig, cmd->status);
	} else {
		report_note("pid %ld exited with status %d", (long)cmd->pid,
		    cmd->status);
	}
}

/* Reaps the commands that have ended, without waiting. */
static void
reap(struct pair_cmd *cmds, int n)
{
	int i, wstatus = 0;

	for (i = 0; i < n; i++) {
		pid_t rc;

		if (!cmds[i].running)
			continue;
		rc = sys_waitpid(cmds[i].pid, &wstatus, WNOHANG);
		if (rc == 0 || (rc < 0 && errno == EINTR))
			continue;
		cmds[i].running = false;
		if (rc < 0)
			cmds[i].status = EXIT_FAIL;
		else if (WIFEXITED(wstatus))
			cmds[i].status = WEXITSTATUS(wstatus);
		else
			cmds[i].status = 128 + WTERMSIG(wstatus);
		if (rc > 0)
			event_exited(&cmds[i], wstatus);
	}
}

static bool
any_running(const struct pair_cmd *cmds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (cmds[i].running)
			return true;
	return false;
}

static void
signal_commands(struct pair_cmd *cmds, int n, int sig, bool ours)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!cmds[i].running)
			continue;
		sys_kill(cmds[i].pid, sig);
		cmds[i].stopped |= ours;
	}
}

/*
 * Waits until every command has ended. A signal to us is passed on; with
 * stop, or after a signal, a command still running PAIR_GRACE seconds
 * later gets SIGTERM (stop) and then SIGKILL, so none outlives us.
 */
static void
wait_commands(struct pair_cmd *cmds, int n, bool stop)
{
	enum { PATIENT, ASKED, KILLED } stage = PATIENT;
	double next = stop ? relay_now() + PAIR_GRACE : -1;
	bool forwarded = false;
	char drain[64];

	for (;;) {
		struct pollfd pfd[2];
		double now;

		reap(cmds, n);
		if (!any_running(cmds, n))
			return;
		now = relay_now();
		if (sys_signal_caught && !forwarded) {
			signal_commands(cmds, n, (int)sys_signal_caught, false);
			forwarded = true;
			if (stage == PATIENT) {
				stage = ASKED;
				next = now + PAIR_GRACE;
			}
		}
		if (next >= 0 && now >= next) {
			if (stage == PATIENT) {
				signal_commands(cmds, n, SIGTERM, true);
				stage = ASKED;
				next = now + PAIR_GRACE;
			} else {
				signal_commands(cmds, n, SIGKILL, true);
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
			while (read(child_pipe[0], drain, sizeof(drain)) > 0)
				continue;
	}
}

/* One command: it talks on one end, our stdio is relayed on the other. */
static int
run_coprocess(struct session *s, struct pair_cmd *cmd, int type, int sv[2])
{
	char peer[256];
	int status;
	bool stop;

	if (sys_set_nonblocking(sv[0]) < 0) {
		report_errno("fcntl", "make our end of the pair non-blocking",
		    errno);
		return EXIT_FAIL;
	}
	if (start_command(cmd, sv[1], sv) < 0) {
		sys_close(sv[0]);
		sys_close(sv[1]);
		return EXIT_FAIL;
	}
	/* While we hold the command's end, its exit would bring no EOF. */
	sys_close(sv[1]);
	s->end_fd = child_pipe[0];
	s->eof_datagram = type == SOCK_DGRAM;
	snprintf(peer, sizeof(peer), "pid %ld", (long)cmd->pid);
	status = session_relay(s, sv[0], type, peer);
	/*
	 * The command now reads EOF, and its next write raises SIGPIPE as in
	 * a pipeline. A close() with its data unread would hand it
	 * ECONNRESET instead, so ours waits until it has gone. A datagram
	 * socket has no such news to pass on: it is closed at once.
	 */
	if (type == SOCK_DGRAM)
		sys_close(sv[0]);
	else
		sys_shutdown(sv[0], SHUT_RDWR);
	stop = status != EXIT_OK || s->opts.quit_after >= 0;
	wait_commands(cmd, 1, stop);
	if (type != SOCK_DGRAM)
		sys_close(sv[0]);
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	if (status != EXIT_OK || cmd->stopped)
		return status;
	return cmd->status;
}

/* Two commands: each on one end; we only wait. */
static int
run_two(struct pair_cmd *cmds, int sv[2])
{
	int i, started = 0;

	for (i = 0; i < PAIR_MAX; i++) {
		if (start_command(&cmds[i], sv[i], sv) < 0)
			break;
		started++;
	}
	/* Ours are copies: an end closes only when its command is done. */
	sys_close(sv[0]);
	sys_close(sv[1]);
	wait_commands(cmds, started, started < PAIR_MAX);
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	if (started < PAIR_MAX)
		return EXIT_FAIL;
	/* The first failure in the order the commands were given. */
	for (i = 0; i < PAIR_MAX; i++)
		if (cmds[i].status != EXIT_OK)
			return cmds[i].status;
	return EXIT_OK;
}

/* No command: stdin goes in at one end and comes out of the other. */
static int
run_demo(struct session *s, int type, int sv[2])
{
	char peer[64];
	int status = EXIT_FAIL;

	if (sys_set_nonblocking(sv[0]) < 0 || sys_set_nonblocking(sv[1]) < 0) {
		report_errno("fcntl", "make the pair non-blocking", errno);
	} else {
		s->recv_sock = sv[1];
		snprintf(peer, sizeof(peer), "the other end (%d)", sv[1]);
		status = session_relay(s, sv[0], type, peer);
	}
	sys_close(sv[0]);
	sys_close(sv[1]);
	return status;
}

/* Options that shape a relay, which two commands do not have. */
static int
check_two(const struct session *s)
{
	const struct session_opts *o = &s->opts;
	const char *opt = o->idle_timeout >= 0 ? "-i" :
	    o->quit_after >= 0 ? "-q" : o->crlf ? "-C" : o->hex ? "-x" :
	    o->progress ? "--progress" : o->no_readline ? "--no-readline" :
	    o->shutdown_mode != RELAY_SHUT_WR ? "--shutdown" : NULL;

	if (opt == NULL)
		return EXIT_OK;
	report_usage("%s has no effect with two commands: the data goes "
	    "between them, not through sockit", opt);
	return EXIT_USAGE;
}

int
cmd_pair(int argc, char **argv)
{
	struct session s;
	struct pair_opts po;
	struct pair_cmd cmds[PAIR_MAX];
	char *pos[1], err[512];
	int npos, ncmds = 0, status, type, sv[2];
	const struct opt_group groups[] = {
		{ "Options", pair_defs, ARRAY_LEN(pair_defs), &po },
		{ "Data options", session_data_defs, session_data_count,
		  &s.opts },
		{ "Terminal options", session_tty_defs, session_tty_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"pair", "[OPTIONS]\n[OPTIONS] {-e COMMAND|-c STRING}\n"
		"[OPTIONS] {-e COMMAND|-c STRING} {-e COMMAND|-c STRING}",
		"An AF_UNIX socketpair() and fork(). One command: it runs with "
		"one end as stdin\nand stdout, and our stdio is relayed with "
		"the other (a coprocess). Two commands:\none end each, a "
		"two-way pipe. No command: stdin goes in at one end and\n"
		"comes out of the other, so --trace shows both sides.",
		pair_examples, groups, ARRAY_LEN(groups),
	};

	memset(&po, 0, sizeof(po));
	session_init(&s);
	s.may_edit = true;
	switch (opt_parse(&cmd, argc, argv, pos, 1, &npos, err, sizeof(err))) {
	case OPT_HELP:
		opt_help(&cmd, stdout);
		return EXIT_OK;
	case OPT_LIST_OPTIONS:
		opt_list_options(&cmd, stdout);
		return EXIT_OK;
	case OPT_ERROR:
		report_usage("%s", err);
		return EXIT_USAGE;
	case OPT_OK:
		break;
	}
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	if (npos > 0) {
		report_usage("unexpected argument '%s': a command goes in "
		    "-e 'PROG ARGS' or -c STRING", pos[0]);
		return EXIT_USAGE;
	}
	status = collect_commands(&po, argc, argv, cmds, &ncmds);
	if (status == EXIT_OK && ncmds == 2)
		status = check_two(&s);
	if (status != EXIT_OK) {
		free_commands(cmds, ncmds);
		return status;
	}
	type = pair_types[po.type];
	if (sys_socketpair(AF_UNIX, type, 0, sv) < 0) {
		report_errno("socketpair", "make a socket pair", errno);
		free_commands(cmds, ncmds);
		return EXIT_FAIL;
	}
	if (ncmds == 0) {
		status = run_demo(&s, type, sv);
	} else if (watch_children() < 0) {
		sys_close(sv[0]);
		sys_close(sv[1]);
		status = EXIT_FAIL;
	} else {
		if (ncmds == 1)
			status = run_coprocess(&s, &cmds[0], type, sv);
		else
			status = run_two(cmds, sv);
	}
	free_commands(cmds, ncmds);
	return status;
}
