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

#include "i18n.h"
#include "json.h"
#include "readback.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "spawn.h"
#include "sys.h"
#include "textbook.h"
#include "trace.h"

struct pair_opts {
	int type;		/* index into pair_types */
	struct opt_list exec;	/* -e */
	struct opt_list sh;	/* -c */
};

static const int pair_types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

static const struct opt_def pair_defs[] = {
	{ 0, "type", OPT_CHOICE, offsetof(struct pair_opts, type), "TYPE",
	  N_("stream (default), dgram or seqpacket"),
	  0, 0, 0, "stream|dgram|seqpacket" },
	{ 'e', "exec", OPT_LIST, offsetof(struct pair_opts, exec), "COMMAND",
	  N_("run 'PROG ARGS' on one end: split on blanks, no shell"),
	  0, 0, 0, NULL },
	{ 'c', "sh-exec", OPT_LIST, offsetof(struct pair_opts, sh), "STRING",
	  N_("run /bin/sh -c STRING on one end"), 0, 0, 0, NULL },
};

static const char *const pair_examples = N_(
	"  printf 'hello\\n' | sockit pair -e 'tr a-z A-Z'   # a coprocess\n"
	"  sockit pair -c 'sockit connect mail:25' -c ./smtp-dialog\n"
	"  echo hi | sockit --trace pair --type seqpacket   # no command\n");

/* At most two commands: one for each end of the pair. */
#define PAIR_MAX 2

/* Readable once a command has exited: spawn_watch's pipe. */
static int child_fd = -1;

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

/*
 * Fills cmds from -e and -c in the order they were given. Returns
 * EXIT_OK, or the status after reporting.
 */
static int
collect_commands(const struct pair_opts *po, int argc, char **argv,
    struct spawn_cmd *cmds, int *count)
{
	int i, j, n = po->exec.count + po->sh.count, status;

	if (n > PAIR_MAX) {
		report_usage("at most two commands (-e or -c), one for each "
		    "end of the pair; got %d", n);
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		struct spawn_cmd *c = &cmds[i];

		memset(c, 0, sizeof(*c));
		c->shell = i >= po->exec.count;
		c->text = c->shell ? po->sh.items[i - po->exec.count] :
		    po->exec.items[i];
	}
	if (n == 2 && arg_index(argc, argv, cmds[0].text) >
	    arg_index(argc, argv, cmds[1].text)) {
		struct spawn_cmd t = cmds[0];

		cmds[0] = cmds[1];
		cmds[1] = t;
	}
	*count = n;
	for (j = 0; j < n; j++) {
		if ((status = spawn_prepare(&cmds[j], cmds[j].text,
		    cmds[j].shell)) != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

static void
free_commands(struct spawn_cmd *cmds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		spawn_free(&cmds[i]);
}

/*
 * Forks cmd onto end, the other end closed in it, and says so. Returns 0,
 * or -1 after reporting.
 */
static int
start_command(struct spawn_cmd *cmd, int end, int other)
{
	cmd->die_with_us = true;
	if (spawn_start(cmd, end, end, -1, other, NULL) < 0)
		return -1;
	spawn_event_started(cmd);
	return 0;
}

/* One command: it talks on one end, our stdio is relayed on the other. */
static int
run_coprocess(struct session *s, struct spawn_cmd *cmd, int type, int sv[2])
{
	char peer[256];
	int status;
	bool stop;

	if (sys_set_nonblocking(sv[0]) < 0) {
		report_errno("fcntl",
		    _("make our end of the pair non-blocking"), errno);
		return EXIT_FAIL;
	}
	if (start_command(cmd, sv[1], sv[0]) < 0) {
		sys_close(sv[0]);
		sys_close(sv[1]);
		return EXIT_FAIL;
	}
	/* While we hold the command's end, its exit would bring no EOF. */
	sys_close(sv[1]);
	s->end_fd = child_fd;
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
	spawn_wait(cmd, 1, stop);
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
run_two(struct spawn_cmd *cmds, int sv[2])
{
	int i, started = 0;

	for (i = 0; i < PAIR_MAX; i++) {
		if (start_command(&cmds[i], sv[i], sv[1 - i]) < 0)
			break;
		started++;
	}
	/* Ours are copies: an end closes only when its command is done. */
	sys_close(sv[0]);
	sys_close(sv[1]);
	spawn_wait(cmds, started, started < PAIR_MAX);
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
		report_errno("fcntl", _("make the pair non-blocking"), errno);
	} else {
		s->recv_sock = sv[1];
		snprintf(peer, sizeof(peer), _("the other end (%d)"), sv[1]);
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
	struct spawn_cmd cmds[PAIR_MAX];
	char *pos[1];
	int npos, ncmds = 0, status, type, sv[2];
	const struct opt_group groups[] = {
		{ N_("Options"), pair_defs, ARRAY_LEN(pair_defs), &po },
		{ N_("Socket options"), session_readback_defs,
		  session_readback_count, &s.opts },
		{ N_("Data options"), session_data_defs, session_data_count,
		  &s.opts },
		{ N_("Terminal options"), session_tty_defs, session_tty_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"pair", N_("[OPTIONS]\n[OPTIONS] {-e COMMAND|-c STRING}\n"
		"[OPTIONS] {-e COMMAND|-c STRING} {-e COMMAND|-c STRING}"),
		N_("An AF_UNIX socketpair() and fork(). One command: it runs "
		"with one end as stdin\nand stdout, and our stdio is relayed "
		"with the other (a coprocess). Two commands:\none end each, a "
		"two-way pipe. No command: stdin goes in at one end and\n"
		"comes out of the other, so --trace shows both sides."),
		pair_examples, groups, ARRAY_LEN(groups),
	};

	memset(&po, 0, sizeof(po));
	session_init(&s);
	s.may_edit = true;
	if ((status = opt_run(&cmd, argc, argv, pos, 1, &npos)) != OPT_GO_ON)
		return status;
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	if (textbook_on()) {
		report_usage("pair needs plain mode, not --textbook: it pumps "
		    "a socketpair while it watches a child's end, which the "
		    "blocking loop cannot");
		return EXIT_USAGE;
	}
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
		report_errno("socketpair", _("make a socket pair"), errno);
		free_commands(cmds, ncmds);
		return EXIT_FAIL;
	}
	/* Both ends are alike: the first speaks for the pair. */
	if (readback_show(sv[0], s.readbacks, s.readback_count, NULL, 0,
	    _("the socket pair")) < 0) {
		sys_close(sv[0]);
		sys_close(sv[1]);
		free_commands(cmds, ncmds);
		return EXIT_FAIL;
	}
	if (ncmds == 0) {
		status = run_demo(&s, type, sv);
	} else if ((child_fd = spawn_watch()) < 0) {
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
