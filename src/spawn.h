/* spawn.h: running -e and -c programs on a socket: fork, dup2, exec, reaping. */
#ifndef SOCKIT_SPAWN_H
#define SOCKIT_SPAWN_H

#include "compat.h"

#include <sys/types.h>

/* One program of -e (argv split on blanks, no shell) or -c (sh -c). */
struct spawn_cmd {
	const char *text;	/* as given to -e or -c */
	bool shell;		/* -c: /bin/sh -c text */
	char *words;		/* -e: a copy of text, cut into argv */
	char **argv;		/* for execvp, NULL-terminated */
	char *path;		/* argv[0] found in PATH once, or NULL */
	pid_t pid;		/* 0 until started */
	bool running;
	bool stopped;		/* we sent it SIGTERM or SIGKILL ourselves */
	bool die_with_us;	/* a coprocess: SIGTERM when sockit dies, even
				   by SIGKILL, and SIGUSR1, SIGUSR2 and
				   SIGWINCH passed on to its group */
	int status;		/* once reaped: exit status, or 128+N */
	bool quiet;		/* a child of spawn_fork, whose own reports
				   tell of its program: no "exited" here */
};

/* What the program finds in its environment besides ours. */
struct spawn_env {
	const char *names[4];
	char values[4][160];
	int count;
};

/*
 * Fills cmd for text; -e words are split on blanks. Returns EXIT_OK, or
 * the status after reporting (a -e naming no program is a usage error).
 */
int spawn_prepare(struct spawn_cmd *cmd, const char *text, bool shell);
/* Frees what spawn_prepare took. */
void spawn_free(struct spawn_cmd *cmd);
/*
 * Starts hearing of child exits: a SIGCHLD handler writes to a pipe.
 * Returns the pipe's read end for poll(), or -1 after reporting.
 */
int spawn_watch(void);
/* Empties the pipe of spawn_watch after poll() found it readable. */
void spawn_drain(void);
/*
 * Forks cmd, in a process group of its own that it leads (its pgid is its
 * pid), with in as its stdin, out as its stdout and, when err >= 0,
 * err as its stderr; also_close (-1: none) and every other descriptor is
 * closed in the child, and env (NULL: none) is added to its environment.
 * Returns 0, or -1 after reporting.
 */
int spawn_start(struct spawn_cmd *cmd, int in, int out, int err,
    int also_close, const struct spawn_env *env);
/*
 * Forks a child that runs sockit on, not a program: the keeper of one
 * connection's TLS session. Like spawn_start's programs it leads a process
 * group of its own (unless they stay in our job, see spawn.c) and gets
 * SIGTERM should we die; the programs it starts then join its group, so
 * that spawn_stop of its pid reaches them too. It hears of its own
 * children and signals on pipes of its own. Returns the child's pid in the
 * parent, 0 in the child, or -1 after reporting.
 */
pid_t spawn_fork(void);
/*
 * In a child of spawn_fork: makes in and out (and err when >= 0) its
 * stdin, stdout and stderr, closes every other descriptor, and execs cmd
 * with env added, as a course's concurrent server does after fork().
 * Never returns: a failed exec is reported and ends the child.
 */
_Noreturn void spawn_exec(const struct spawn_cmd *cmd, int in, int out,
    int err, const struct spawn_env *env);
/*
 * Reaps one child that has ended, without waiting. Returns its pid with
 * *status its exit status (128+N for signal N) and *signo the signal or 0,
 * 0 when none has ended, -1 when there are no children.
 */
pid_t spawn_reap(int *status, int *signo);
/*
 * Sends sig to a started program that has not been reaped yet: to its
 * process group when it leads one, else to it alone.
 */
void spawn_stop(pid_t pid, int sig);
/* Reports a started child on -v, or its --json event. */
void spawn_event_started(const struct spawn_cmd *cmd);
/* Reports an exited child on -v, or its --json event. */
void spawn_event_exited(pid_t pid, int status, int signo);
/* Reaps every child that has ended; those of cmds are recorded there. */
void spawn_reap_all(struct spawn_cmd *cmds, int n);
/*
 * Sends sig to the process group of each running one of cmds, the program
 * and what it started; ours: we stopped it.
 */
void spawn_signal(struct spawn_cmd *cmds, int n, int sig, bool ours);
/*
 * Waits until every one of cmds has ended. A signal to us is passed on;
 * with stop, or after a signal, one still running a second later gets
 * SIGTERM (stop), and a second after that SIGKILL, so none outlives us.
 */
void spawn_wait(struct spawn_cmd *cmds, int n, bool stop);
/* Adds NAME=VALUE to env (the value is cut at 63 bytes). */
void spawn_env_add(struct spawn_env *env, const char *name,
    const char *value);

#endif
