/* opt.h: declarative option tables; parsing, --help and --list-options from one source. */
#ifndef SOCKIT_OPT_H
#define SOCKIT_OPT_H

#include "compat.h"

#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* int field := value */
	OPT_STRING,	/* const char * field := argument */
	OPT_OPTARG,	/* const char * field := "=ARG" part, or "" */
	OPT_SECONDS,	/* double field := non-negative seconds */
	OPT_COUNT,	/* long field := whole number in [min, max] */
	OPT_CHOICE,	/* int field := index of the argument in choices */
	OPT_LIST,	/* struct opt_list field := one more argument */
};

#define OPT_LIST_MAX 32

struct opt_list {
	const char *items[OPT_LIST_MAX];
	int count;
};

struct opt_def {
	char short_name;	/* 0: long only */
	const char *long_name;
	enum opt_kind kind;
	size_t offset;		/* of the field in the group's struct */
	const char *arg_name;	/* "SECS", shown in help; NULL for flags */
	const char *help;
	int value;		/* OPT_FLAG: what to store */
	double min, max;	/* OPT_SECONDS, OPT_COUNT bounds */
	const char *choices;	/* OPT_CHOICE: "wr|rd|rdwr" */
};

/* A table and the struct its offsets point into. */
struct opt_group {
	const char *title;
	const struct opt_def *defs;
	size_t count;
	void *base;
};

/* What a command tells the parser and the help printer about itself. */
struct opt_command {
	const char *name;
	const char *usage;	/* lines after "sockit NAME " */
	const char *summary;
	const char *examples;	/* "  sockit ...\n" lines */
	const struct opt_group *groups;
	size_t group_count;
};

enum opt_result {
	OPT_OK,
	OPT_HELP,	/* --help was given: print opt_help and exit 0 */
	OPT_LIST_OPTIONS, /* --list-options: print opt_list_options, exit 0 */
	OPT_LIST_OPTIONS_HELP, /* --list-options=help: opt_list_options_help */
	OPT_ERROR,	/* err names the bad part; exit 2 */
};

/*
 * Parses argv[1..argc-1] against cmd's groups, in any order with the
 * positional arguments, which are stored in positional[] (up to max) and
 * counted in *npos. "--" ends the options.
 */
enum opt_result opt_parse(const struct opt_command *cmd, int argc,
    char **argv, char **positional, int max, int *npos,
    char *err, size_t errlen);
/* What opt_run returns when the command should go on with its work. */
#define OPT_GO_ON (-1)
/*
 * opt_parse as a command's handler wants it: --help and --list-options are
 * printed and a usage error reported here, and their exit status returned;
 * OPT_GO_ON when the options parsed and the command has work to do.
 */
int opt_run(const struct opt_command *cmd, int argc, char **argv,
    char **positional, int max, int *npos);
/* Prints the usage, summary, options and examples of cmd. */
void opt_help(const struct opt_command *cmd, FILE *out);
/*
 * Prints one line per option for completion scripts: "--long -s ARG",
 * "--long a|b|c" for choices, "--long -s [=ARG]" for an optional value.
 */
void opt_list_options(const struct opt_command *cmd, FILE *out);
/*
 * Prints the lines of opt_list_options, each followed by a tab and the
 * option's help, for the shells that show a description beside a name.
 */
void opt_list_options_help(const struct opt_command *cmd, FILE *out);
/* Returns the candidate closest to word, or NULL if none is close. */
const char *opt_nearest(const char *word, const char *const *candidates,
    size_t count);
/* Parses a seconds value ("1", "0.25"). Returns 0, or -1 if malformed. */
int opt_parse_seconds(const char *text, double *out);

#endif
