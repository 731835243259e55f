/* line.h: line editing for a person at a terminal; the Makefile picks readline's or the plain module. */
#ifndef SOCKIT_LINE_H
#define SOCKIT_LINE_H

#include "compat.h"

/* Returns the line editor compiled in, such as "readline 8.2", or NULL. */
const char *line_editor(void);
/*
 * Starts editing lines on the terminal at stdin and stdout, with the
 * history kept in history_path (NULL: none). Returns 0, or -1 with errno
 * (ENOTSUP in a build without an editor).
 */
int line_open(const char *history_path);
/*
 * Feeds what the terminal has to the editor. Returns what read(2) would:
 * the bytes of one entered line with its LF (at most cap), 0 once input
 * has ended (Ctrl-D on an empty line), or -1 with errno EAGAIN while no
 * line is complete.
 */
ssize_t line_read(void *buf, size_t cap);
/* Returns true when line_read has bytes without the terminal being read. */
bool line_pending(void);
/*
 * Takes the prompt and the line being typed off the screen before other
 * output. keep_tail: what follows goes to stdout and continues the
 * output's last unfinished line, which is put back first. Calls nest;
 * each takes one line_show.
 */
void line_hide(bool keep_tail);
/*
 * Puts the line being typed back after output; out and len are what went
 * to stdout (NULL and 0 after other output).
 */
void line_show(const void *out, size_t len);
/* Stops editing: the terminal is as it was, and the history is saved. */
void line_close(void);
/*
 * Returns the errno that keeps the history file from being written (a
 * directory, a missing directory, a full device), found when editing
 * started or when line_close saved it, and forgets it; 0 when none.
 */
int line_history_error(void);

#endif
