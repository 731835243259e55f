/* step.h: --step, the teacher's pace: each call shown and explained before it runs. */
#ifndef SOCKIT_STEP_H
#define SOCKIT_STEP_H

#include "compat.h"

#include "strbuf.h"

/*
 * Turns stepping on: opens /dev/tty, where the teacher answers, so stdin
 * stays the data. Returns 0, or -1 with errno when there is no terminal.
 */
int step_enable(void);
/* Returns true while --step is on, whichever process asks. */
bool step_on(void);
/*
 * Returns true when the call about to be made should be shown and waited
 * for: stepping is on and this is the process that turned it on. A child
 * says once, on stderr, that it runs without stepping, and gets false:
 * reading the terminal from its own process group would stop it (SIGTTIN).
 */
bool step_wanted(void);
/*
 * Shows sb, a call as the trace prints it but without its result, and
 * the call's explanation, then waits for a line on the terminal: Enter
 * returns, so the call runs; "q" (or the terminal's end) calls
 * step_on_quit, which does not return.
 */
void step_pause(struct strbuf *sb);
/*
 * What the teacher's "q" runs: set by main, which cleans up and exits 0.
 * Stepping is off by then, so the clean-up's calls run unasked.
 */
extern void (*step_on_quit)(void);
/*
 * Returns the one-line explanation of the call named call ("connect"),
 * or NULL when the table has none.
 */
const char *step_explain(const char *call);
/*
 * Appends the explanation of the call a trace line names ("[pid 7]
 * connect(3, ...)": connect) as a C comment, one or more lines no wider
 * than STEP_WIDTH, each ending in a newline; nothing for a call the table
 * does not know.
 */
void step_explain_line(struct strbuf *out, const char *line);
/* The width of an explanation's lines: a projected 80-column screen. */
#define STEP_WIDTH 76

#endif
