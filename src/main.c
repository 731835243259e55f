/* main.c: the command table, global options, signals and the final stdout check. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain_nc.h"
#include "i18n.h"
#include "line.h"
#include "opt.h"
#include "report.h"
#include "session.h"
#include "sockopt.h"
#include "sockit.h"
#include "step.h"
#include "sys.h"
#include "textbook.h"
#include "tls.h"
#include "trace.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Exact names only: a prefix never selects a command. */
static const struct command commands[] = {
	{ "connect", cmd_connect,
	  N_("active open: connect, relay stdin to the peer and the peer to "
	  "stdout") },
	{ "listen", cmd_listen,
	  N_("passive open: bind, accept a peer, relay stdio with it") },
	{ "send", cmd_send,
	  N_("one shot: send DATA or stdin, optionally print the reply") },
	{ "recv", cmd_recv,
	  N_("one shot: print what arrives, framed per message, then exit") },
	{ "resolve", cmd_resolve,
	  N_("what the resolver says: getaddrinfo, getnameinfo, services") },
	{ "pair", cmd_pair,
	  N_("socketpair and fork: a two-way pipe to or between commands") },
	{ "explain", cmd_explain,
	  N_("what an errno or resolver code means; --demo provokes it") },
};

/* The summary of "help", which is not in the table. */
static const char help_summary[] = N_("show the help of a command");

static const char endpoint_help[] = N_(
	"Endpoints:\n"
	"  HOST:PORT, HOST PORT     TCP (UDP with -u); HOST a name or "
	"address\n"
	"  [::1]:80, [fe80::1%eth0]:80   IPv6 literal, with scope\n"
	"  PORT, :PORT              listen: every address; connect: "
	"localhost\n"
	"  tcp://..., udp://...     explicit transport (tcp4://, udp6:// "
	"pin a family)\n"
	"  unix:PATH, ./PATH, /PATH AF_UNIX stream (-u: datagram, "
	"--seqpacket)\n"
	"  unix-dgram:PATH, unix-seqpacket:PATH, unix:@NAME (abstract)\n");

static void
usage(FILE *out)
{
	size_t i;

	fputs(_("usage: sockit [--trace[=full,bytes,time]] "
	    "[--textbook[=select]] [--step]\n              [--bufsize N] "
	    "[--lang CODE] COMMAND [OPTIONS] ENDPOINT\n"
	    "       sockit help [COMMAND | lessons] | --version\n\n"
	    "A socket Swiss army knife: each command maps onto the BSD "
	    "socket calls,\nand --trace narrates every call it makes.\n\n"
	    "Commands:\n"), out);
	for (i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
		    _(commands[i].summary));
	fprintf(out, "  %-9s %s\n\n", "help", _(help_summary));
	fputs(_("Global options:\n"
	    "  -t, --trace[=full,bytes,time]\n"
	    "                           print every socket call on stderr, "
	    "as strace does\n"
	    "      --textbook[=select]  blocking calls as a course's C program "
	    "makes them\n"
	    "      --step               show and explain each call before it "
	    "runs, then wait\n"
	    "                           for Enter on the terminal (q ends the "
	    "demo);\n"
	    "                           implies --textbook --trace\n"
	    "      --bufsize N          the user buffer of read and recv, 1 to "
	    "65536\n"
	    "                           (textbook mode's default: 1024)\n"
	    "      --lang CODE          messages and help in CODE: en, or a "
	    "translation\n"
	    "                           (see --version); trace lines and "
	    "--json stay English\n"
	    "      --version            print the version and features\n"
	    "  -h, --help               show this help\n\n"), out);
	fputs(_(endpoint_help), out);
	fputs(_("\nExamples:\n"
	    "  sockit listen -v 8080\n"
	    "  echo hello | sockit connect localhost:8080\n"
	    "  sockit --trace connect -z localhost:22\n\n"
	    "Exit status: 0 success, 1 failure, 2 usage error, 124 timeout, "
	    "128+N signal N.\nSee 'sockit help COMMAND' and sockit(1); "
	    "a lesson per topic of a sockets\ncourse: 'sockit help lessons' "
	    "and sockit-lessons(7).\n"),
	    out);
}

static void
version(void)
{
	const char *editor = line_editor();
	const char *tls = tls_library_version();

	printf("sockit %s\nfeatures: readline=%s tls=%s\n", SOCKIT_VERSION,
	    editor != NULL ? "yes" : "no", tls != NULL ? "yes" : "no");
	printf("languages: en %s\n", i18n_languages());
	if (editor != NULL)
		printf("line editing: %s\n", editor);
	if (tls != NULL)
		printf("tls: %s\n", tls);
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * The sockit line for nc's argc words of argv into line, the nglobal
 * global options before them kept where they were. Returns 0, or -1 when
 * the words are not nc's or the line does not fit.
 */
static int
nc_advice(int nglobal, char **global, int argc, char **argv, char *line,
    size_t cap)
{
	char rest[512];
	const char *after = rest + strlen("sockit");
	struct strbuf sb;
	int g;

	if (explain_nc_line(argc, argv, rest, sizeof(rest)) < 0)
		return -1;
	strbuf_init(&sb, line, cap);
	strbuf_puts(&sb, "sockit");
	for (g = 0; g < nglobal; g++)
		strbuf_printf(&sb, " %s", global[g]);
	strbuf_puts(&sb, after);
	return strbuf_used(&sb) == sb.len ? 0 : -1;
}

/*
 * When argc words of argv, after the nglobal options of global, are an nc
 * command line, says so after what ("unknown command 'x'"): the sockit
 * line to write, after lead (which ends in its own punctuation), or what
 * sockit lacks. Returns false when
 * they are not nc's.
 */
static bool
nc_usage(const char *what, const char *lead, int nglobal, char **global,
    int argc, char **argv)
{
	const char *missing;
	char line[512];

	if (nc_advice(nglobal, global, argc, argv, line, sizeof(line)) == 0)
		report_usage("%s: %s write '%s'", what, _(lead), line);
	else if ((missing = explain_nc_missing(argc, argv)) != NULL)
		report_usage("%s: %s", what, missing);
	else
		return false;
	return true;
}

/*
 * name is no command; argc words of argv, from name on, may be nc's (argc
 * 0: do not look), after the nglobal global options of global.
 */
static int
unknown_command(const char *name, int argc, char **argv, int nglobal,
    char **global)
{
	const char *names[ARRAY_LEN(commands) + 1];
	char what[1024];
	const char *near;
	size_t i;

	for (i = 0; i < ARRAY_LEN(commands); i++)
		names[i] = commands[i].name;
	names[i] = "help";
	near = opt_nearest(name, names, ARRAY_LEN(names));
	snprintf(what, sizeof(what), _("unknown command '%s'"), name);
	if (near != NULL)
		report_usage("%s (did you mean '%s'?)", what, near);
	else if (argc == 0 || !nc_usage(what, N_("to connect as nc does,"),
	    nglobal, global, argc, argv))
		report_usage("%s", what);
	return EXIT_USAGE;
}

static void
on_signal(int signo)
{
	int saved = errno;

	if (sys_signal_caught == 0)
		sys_signal_caught = signo;
	if (sys_signal_notify_fd >= 0)
		(void)!write(sys_signal_notify_fd, "", 1);
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;
	static const int terminating[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	/* A closed peer is an EPIPE to report, never a silent death. */
	signal(SIGPIPE, SIG_IGN);
	sys_signal_pipe();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked call must return so we can clean up. */
	for (i = 0; i < ARRAY_LEN(terminating); i++)
		sigaction(terminating[i], &sa, NULL);
}

/* Flushes stdout; a write error other than a closed reader is a failure. */
static int
check_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno == EPIPE)
		return status;
	report_errno("write", _("write to stdout"), errno);
	return status == EXIT_OK ? EXIT_FAIL : status;
}

/*
 * A closed stdin, stdout or stderr would be reused by the first socket()
 * and mistaken for a standard stream. Fill the gap with /dev/null: read
 * only, so stdin reads EOF and a write to stdout fails (EBADF) instead of
 * vanishing.
 */
static void
fill_standard_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY) != fd)
			_exit(EXIT_FAIL);
	}
}

/*
 * --bufsize's value v (NULL: it was the last word): 1 to RELAY_CHUNK_MAX.
 * Returns 0, or -1 after reporting.
 */
static int
set_bufsize(const char *v)
{
	char *end;
	unsigned long n;

	if (v == NULL) {
		report_usage("--bufsize needs a size in bytes, 1 to %d",
		    RELAY_CHUNK_MAX);
		return -1;
	}
	errno = 0;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n < 1 ||
	    n > RELAY_CHUNK_MAX) {
		report_usage("bad value '%s' for --bufsize: a size in bytes, "
		    "1 to %d", v, RELAY_CHUNK_MAX);
		return -1;
	}
	relay_bufsize = n;
	return 0;
}

/* Cleans up after a command; a signal that ended it ends us the same way. */
static int
finish_command(int status)
{
	session_cleanup();
	if (sys_signal_caught) {
		int signo = (int)sys_signal_caught;

		fflush(stdout);
		signal(signo, SIG_DFL);
		raise(signo);
		return 128 + signo;
	}
	return check_stdout(status);
}

static int
run_command(const struct command *cmd, int argc, char **argv)
{
	report.command = cmd->name;
	return finish_command(cmd->run(argc, argv));
}

/*
 * The teacher's "q" under --step: the demo ends as a finished command
 * does, socket file removed, status 0; exit closes the sockets.
 */
static void
end_step_demo(void)
{
	exit(finish_command(EXIT_OK));
}

/* sockit help lessons: where the lesson plan is. */
static int
lessons(void)
{
	fputs(_("The lesson plan is the manual page sockit-lessons(7): for "
	    "each topic of a\nsockets course, in the order it is taught, the "
	    "command that shows it, the\nlines of its trace, and the point "
	    "to make.\n\n"
	    "  man 7 sockit-lessons            (after make install)\n"
	    "  man -l man/sockit-lessons.7     (in the source tree)\n\n"
	    "With --step, each call is shown and explained before it runs.\n"),
	    stdout);
	return check_stdout(EXIT_OK);
}

/*
 * --help, --version and the listings the completions ask for: run once
 * every global option has been read, so that one given after them
 * (--lang above all) counts as it would before them. Returns the status.
 */
static int
global_action(const char *a)
{
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		usage(stdout);
	} else if (strcmp(a, "--version") == 0) {
		version();
	} else if (strcmp(a, "--list-sockopts") == 0) {
		const struct sockopt_def *rows;
		size_t n, r;

		rows = sockopt_table(&n);
		for (r = 0; r < n; r++)
			printf("%s\t%s\n", rows[r].name, _(rows[r].help));
	} else {
		/* --list-commands=help: a tab and the summary after each. */
		bool summaries = strchr(a, '=') != NULL;
		size_t c;

		for (c = 0; c < ARRAY_LEN(commands); c++)
			printf(summaries ? "%s\t%s\n" : "%s\n",
			    commands[c].name, _(commands[c].summary));
		printf(summaries ? "%s\t%s\n" : "%s\n", "help",
		    _(help_summary));
	}
	return check_stdout(EXIT_OK);
}

int
main(int argc, char **argv)
{
	const char *action = NULL;
	int i;

	fill_standard_fds();
	i18n_setup();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			/* The end of the global options: the command follows. */
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ||
		    strcmp(a, "--version") == 0 ||
		    strcmp(a, "--list-commands") == 0 ||
		    strcmp(a, "--list-commands=help") == 0 ||
		    strcmp(a, "--list-sockopts") == 0) {
			/* The first of them is the one done. */
			if (action == NULL)
				action = a;
		} else if (strcmp(a, "--lang") == 0 ||
		    strncmp(a, "--lang=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : argv[++i];

			if (v == NULL) {
				report_usage("--lang needs a value (CODE): en, "
				    "or one of the translations: %s",
				    i18n_languages());
				return EXIT_USAGE;
			}
			if (i18n_set_language(v) < 0) {
				report_usage("bad value '%s' for --lang: en, or "
				    "one of the translations: %s", v,
				    i18n_languages());
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "-t") == 0 || strcmp(a, "--trace") == 0) {
			trace_set_mode("");
		} else if (strcmp(a, "--textbook") == 0 ||
		    strncmp(a, "--textbook=", 11) == 0) {
			const char *v = a[10] == '=' ? a + 11 : "";

			if (a[10] == '=' && strcmp(v, "select") != 0) {
				report_usage("bad value '%s' for --textbook: "
				    "select, or none for poll", v);
				return EXIT_USAGE;
			}
			textbook_set_mode(v);
		} else if (strcmp(a, "--step") == 0) {
			if (!step_on() && step_enable() < 0) {
				report_usage("--step needs a terminal to wait "
				    "on: /dev/tty: %s", i18n_errno_text(errno));
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--bufsize") == 0 ||
		    strncmp(a, "--bufsize=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : argv[++i];

			if (set_bufsize(v) < 0)
				return EXIT_USAGE;
		} else if (strncmp(a, "--trace=", 8) == 0) {
			if (trace_set_mode(a + 8) < 0) {
				report_usage("bad value '%s' for --trace: "
				    "full, bytes, time, or some joined by commas", a + 8);
				return EXIT_USAGE;
			}
		} else {
			char what[1024];

			const struct command *next = i + 1 < argc ?
			    find_command(argv[i + 1]) : NULL;

			snprintf(what, sizeof(what),
			    _("unknown global option '%s'"), a);
			/*
			 * A command's name next makes this sockit's line, not
			 * nc's: the words after it (a --proxy among them) are
			 * the command's, and only this option is out of place.
			 */
			if (next == NULL && nc_usage(what,
			    N_("nc's flags follow a command here:"), i - 1,
			    argv + 1, argc - i, argv + i))
				return EXIT_USAGE;
			/* Most options belong to a command: say where they go. */
			if (next != NULL || strncmp(a, "--", 2) == 0)
				report_usage("%s: a command's own options follow "
				    "its name, as in sockit %s %s "
				    "(sockit COMMAND --help lists them)", what,
				    next != NULL ? next->name : "COMMAND", a);
			else
				report_usage("%s", what);
			return EXIT_USAGE;
		}
	}
	if (action != NULL)
		return global_action(action);
	if (step_on()) {
		/* The pace is a lesson's: the slides' calls, each one shown. */
		if (!textbook_on())
			textbook_set_mode("");
		if (!(trace_flags & TRACE_ON))
			trace_set_mode("");
		step_on_quit = end_step_demo;
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		const struct command *cmd;
		char *help_argv[] = { argv[i + 1], "--help", NULL };

		if (i + 1 == argc || strcmp(argv[i + 1], "help") == 0 ||
		    strcmp(argv[i + 1], "--help") == 0 ||
		    strcmp(argv[i + 1], "-h") == 0) {
			usage(stdout);
			return check_stdout(EXIT_OK);
		}
		if (strcmp(argv[i + 1], "lessons") == 0)
			return lessons();
		cmd = find_command(argv[i + 1]);
		if (cmd == NULL)
			return unknown_command(argv[i + 1], 0, NULL, 0, NULL);
		return run_command(cmd, 2, help_argv);
	}
	{
		const struct command *cmd = find_command(argv[i]);

		if (cmd == NULL)
			return unknown_command(argv[i], argc - i, argv + i,
			    i - 1, argv + 1);
		setup_signals();
		return run_command(cmd, argc - i, argv + i);
	}
}
