/* sockit.h: shared types, exit statuses and the checklist for adding a command. */
#ifndef SOCKIT_SOCKIT_H
#define SOCKIT_SOCKIT_H

#include "compat.h"

/*
 * Adding a command takes, in one change:
 *   1. src/cmd_NAME.c exporting only cmd_NAME(), with its option table;
 *   2. a row in the command table in src/main.c and the prototype below;
 *   3. the SRCS list in the Makefile;
 *   4. a section in man/sockit.1 naming every option;
 *   5. nothing in completions/ (they ask the binary), but a tests/NAME.bats;
 *   6. the command list in README.md.
 * tests/docs.bats fails when step 2, 4 or 6 is missed.
 */

/* Exit statuses of the contract (SPEC "Errors and exit status"). */
enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_TIMEOUT = 124,
};

#define SOCKIT_VERSION "0.1.0"

int cmd_connect(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_pair(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
