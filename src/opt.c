/* opt.c: option parsing and help text generated from the commands' tables. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_nc.h"
#include "i18n.h"
#include "opt.h"

/* The width --help fits in, whatever the language. */
#define HELP_COLUMNS 80
#include "report.h"
#include "sockit.h"

int
opt_parse_seconds(const char *text, double *out)
{
	char *end;
	double v;

	/* Plain decimals only: no sign, spaces, exponents or hex. */
	if (*text == '\0' || strspn(text, "0123456789.") != strlen(text))
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

static void *
field(const struct opt_group *g, const struct opt_def *d)
{
	return (char *)g->base + d->offset;
}

/* Stores arg into the option's field. Returns 0, or -1 with err set. */
static int
store(const struct opt_group *g, const struct opt_def *d, const char *arg,
    const char *spelled, char *err, size_t errlen)
{
	switch (d->kind) {
	case OPT_FLAG:
		*(int *)field(g, d) = d->value;
		return 0;
	case OPT_STRING:
	case OPT_OPTARG:
		*(const char **)field(g, d) = arg;
		return 0;
	case OPT_SECONDS: {
		double v;

		if (opt_parse_seconds(arg, &v) < 0) {
			snprintf(err, errlen, _("bad value '%s' for %s: seconds, "
			    "such as 5 or 0.25"), arg, spelled);
			return -1;
		}
		if (d->max > 0 && v > d->max) {
			snprintf(err, errlen, _("%s %s is more than %g seconds"),
			    spelled, arg, d->max);
			return -1;
		}
		*(double *)field(g, d) = v;
		return 0;
	}
	case OPT_COUNT: {
		char *end;
		long v;

		/* Digits alone, as the seconds take them: no space, no '+'. */
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!(isdigit((unsigned char)*arg) || (*arg == '-' &&
		    isdigit((unsigned char)arg[1]))) || *end != '\0' ||
		    errno != 0 ||
		    v < (long)d->min || v > (long)d->max) {
			snprintf(err, errlen, _("bad value '%s' for %s: a whole "
			    "number from %ld to %ld"), arg, spelled,
			    (long)d->min, (long)d->max);
			return -1;
		}
		*(long *)field(g, d) = v;
		return 0;
	}
	case OPT_CHOICE: {
		const char *p = d->choices;
		size_t n = strlen(arg);
		int index = 0;

		while (*p) {
			size_t len = strcspn(p, "|");

			if (len == n && strncmp(p, arg, n) == 0) {
				*(int *)field(g, d) = index;
				return 0;
			}
			p += len;
			if (*p == '|')
				p++;
			index++;
		}
		snprintf(err, errlen, _("bad value '%s' for %s: one of %s"), arg,
		    spelled, d->choices);
		return -1;
	}
	case OPT_LIST: {
		struct opt_list *list = field(g, d);

		if (list->count == OPT_LIST_MAX) {
			snprintf(err, errlen, _("%s given more than %d times"),
			    spelled, OPT_LIST_MAX);
			return -1;
		}
		list->items[list->count++] = arg;
		return 0;
	}
	}
	return -1;
}

static bool
takes_arg(const struct opt_def *d)
{
	return d->kind != OPT_FLAG && d->kind != OPT_OPTARG;
}

static bool
find_long(const struct opt_command *cmd, const char *name, size_t len,
    const struct opt_group **g, const struct opt_def **d)
{
	size_t i, j;

	for (i = 0; i < cmd->group_count; i++) {
		for (j = 0; j < cmd->groups[i].count; j++) {
			const struct opt_def *def = &cmd->groups[i].defs[j];

			if (strlen(def->long_name) == len &&
			    strncmp(def->long_name, name, len) == 0) {
				*g = &cmd->groups[i];
				*d = def;
				return true;
			}
		}
	}
	return false;
}

static bool
find_short(const struct opt_command *cmd, char c,
    const struct opt_group **g, const struct opt_def **d)
{
	size_t i, j;

	for (i = 0; i < cmd->group_count; i++) {
		for (j = 0; j < cmd->groups[i].count; j++) {
			if (cmd->groups[i].defs[j].short_name == c) {
				*g = &cmd->groups[i];
				*d = &cmd->groups[i].defs[j];
				return true;
			}
		}
	}
	return false;
}

static void
unknown_long(const struct opt_command *cmd, const char *name, size_t len,
    int argc, char **argv, char *err, size_t errlen)
{
	char advice[768];

	const char *names[128];
	char word[64], dashed[68];
	char *words[] = { dashed };
	size_t i, j, n = 0;
	const char *near, *missing;

	for (i = 0; i < cmd->group_count; i++)
		for (j = 0; j < cmd->groups[i].count && n < ARRAY_LEN(names);
		    j++)
			names[n++] = cmd->groups[i].defs[j].long_name;
	snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), name);
	near = opt_nearest(word, names, n);
	/* ncat's --proxy or --ssl: say what sockit lacks. */
	snprintf(dashed, sizeof(dashed), "--%s", word);
	missing = explain_nc_missing(1, words);
	/* ncat's proxy options: the line to type, from what was typed. */
	if (strncmp(word, "proxy-", 6) == 0 && (strcmp(cmd->name,
	    "connect") == 0 || strcmp(cmd->name, "send") == 0) &&
	    explain_ncat_proxy(cmd->name, argc - 1, argv + 1, advice,
	    sizeof(advice)) != NULL)
		missing = advice;
	if (strcmp(word, "textbook") == 0 || strcmp(word, "bufsize") == 0 ||
	    strcmp(word, "step") == 0 || strcmp(word, "lang") == 0)
		snprintf(err, errlen, _("--%s is a global option: put it before "
		    "the command (sockit --%s%s %s ...)"), word, word,
		    strcmp(word, "bufsize") == 0 ? " N" :
		    strcmp(word, "lang") == 0 ? " CODE" : "", cmd->name);
	else if (missing != NULL)
		snprintf(err, errlen, _("unknown option '--%s' for %s: %s"), word,
		    cmd->name, missing);
	else if (near != NULL)
		snprintf(err, errlen, _("unknown option '--%s' for %s (did you "
		    "mean '--%s'?)"), word, cmd->name, near);
	else
		snprintf(err, errlen, _("unknown option '--%s' for %s"), word,
		    cmd->name);
}

/*
 * An unknown -c, with advice when it is an nc habit; arg follows it, and
 * the words of argv (argc) may hold the -x that goes with nc's -X.
 */
static void
unknown_short(const struct opt_command *cmd, char c, const char *arg,
    int argc, char **argv, char *err, size_t errlen)
{
	char advice[512];

	if (c == 'X')
		snprintf(err, errlen, _("unknown option '-%c' for %s: %s"), c,
		    cmd->name, explain_nc_proxy(cmd->name, argc - 1, argv + 1,
		    advice, sizeof(advice)));
	else if (explain_nc_option(cmd->name, c, arg, advice,
	    sizeof(advice)) != NULL)
		snprintf(err, errlen, _("unknown option '-%c' for %s: %s"), c,
		    cmd->name, advice);
	else
		snprintf(err, errlen, _("unknown option '-%c' for %s"), c,
		    cmd->name);
}

static enum opt_result
parse_long(const struct opt_command *cmd, int argc, char **argv, int *i,
    char *err, size_t errlen)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_group *g;
	const struct opt_def *d;
	char spelled[80];
	const char *arg = NULL;

	if (!find_long(cmd, name, len, &g, &d)) {
		if (len == 4 && strncmp(name, "help", 4) == 0)
			return OPT_HELP;
		if (len == 12 && strncmp(name, "list-options", 12) == 0) {
			if (eq == NULL)
				return OPT_LIST_OPTIONS;
			if (strcmp(eq, "=help") == 0)
				return OPT_LIST_OPTIONS_HELP;
			snprintf(err, errlen, _("bad value '%s' for "
			    "--list-options: help"), eq + 1);
			return OPT_ERROR;
		}
		unknown_long(cmd, name, len, argc, argv, err, errlen);
		return OPT_ERROR;
	}
	snprintf(spelled, sizeof(spelled), "--%s", d->long_name);
	if (eq != NULL) {
		if (d->kind == OPT_FLAG) {
			snprintf(err, errlen, _("%s takes no value"), spelled);
			return OPT_ERROR;
		}
		arg = eq + 1;
	} else if (takes_arg(d)) {
		if (*i + 1 >= argc) {
			snprintf(err, errlen, _("%s needs a value (%s)"), spelled,
			    d->arg_name);
			return OPT_ERROR;
		}
		arg = argv[++*i];
	} else if (d->kind == OPT_OPTARG) {
		arg = "";
	}
	return store(g, d, arg, spelled, err, errlen) < 0 ? OPT_ERROR : OPT_OK;
}

static enum opt_result
parse_short(const struct opt_command *cmd, int argc, char **argv, int *i,
    char *err, size_t errlen)
{
	const char *p = argv[*i] + 1;

	for (; *p; p++) {
		const struct opt_group *g;
		const struct opt_def *d;
		char spelled[8];
		const char *arg = NULL;

		if (*p == 'h')
			return OPT_HELP;
		if (!find_short(cmd, *p, &g, &d)) {
			unknown_short(cmd, *p, p[1] != '\0' ? p + 1 :
			    *i + 1 < argc ? argv[*i + 1] : NULL, argc, argv,
			    err, errlen);
			return OPT_ERROR;
		}
		snprintf(spelled, sizeof(spelled), "-%c", *p);
		if (takes_arg(d)) {
			if (p[1] != '\0') {
				arg = p + 1;
			} else if (*i + 1 < argc) {
				arg = argv[++*i];
			} else {
				snprintf(err, errlen, _("%s needs a value (%s)"),
				    spelled, d->arg_name);
				return OPT_ERROR;
			}
			return store(g, d, arg, spelled, err, errlen) < 0 ?
			    OPT_ERROR : OPT_OK;
		}
		if (d->kind == OPT_OPTARG)
			arg = "";
		if (store(g, d, arg, spelled, err, errlen) < 0)
			return OPT_ERROR;
	}
	return OPT_OK;
}

enum opt_result
opt_parse(const struct opt_command *cmd, int argc, char **argv,
    char **positional, int max, int *npos, char *err, size_t errlen)
{
	int i;
	bool options_done = false;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		enum opt_result r;

		if (options_done || a[0] != '-' || a[1] == '\0') {
			if (*npos == max) {
				snprintf(err, errlen, _("unexpected argument '%s' "
				    "for %s"), a, cmd->name);
				return OPT_ERROR;
			}
			positional[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (a[1] == '-')
			r = parse_long(cmd, argc, argv, &i, err, errlen);
		else
			r = parse_short(cmd, argc, argv, &i, err, errlen);
		if (r != OPT_OK)
			return r;
	}
	return OPT_OK;
}

/* What --help and --list-options=help say of -h, --help. */
static const char help_help[] = N_("show this help and exit");

static void
option_label(const struct opt_def *d, char *buf, size_t cap)
{
	const char *arg = d->arg_name ? d->arg_name : "";

	if (d->kind == OPT_OPTARG)
		snprintf(buf, cap, "%c%c%s--%s[=%s]", d->short_name ? '-' : ' ',
		    d->short_name ? d->short_name : ' ',
		    d->short_name ? ", " : "  ", d->long_name, arg);
	else
		snprintf(buf, cap, "%c%c%s--%s%s%s", d->short_name ? '-' : ' ',
		    d->short_name ? d->short_name : ' ',
		    d->short_name ? ", " : "  ", d->long_name, *arg ? " " : "",
		    arg);
}

/* The characters of UTF-8 text, its first len bytes: what a column holds. */
static size_t
text_width(const char *text, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && text[i] != '\0'; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Writes help text that starts at column indent, broken at blanks before
 * it passes column limit; each new line starts at indent again.
 */
static void
print_wrapped(const char *text, size_t indent, size_t limit, FILE *out)
{
	size_t column = indent;

	while (*text != '\0') {
		size_t blanks = strspn(text, " ");
		size_t len = strcspn(text + blanks, " ");
		size_t w = text_width(text + blanks, len);

		if (column > indent && column + blanks + w > limit) {
			fprintf(out, "\n%*s", (int)indent, "");
			column = indent;
			text += blanks;
			blanks = 0;
		}
		if (column == indent) {
			text += blanks;
			blanks = 0;
		}
		fprintf(out, "%.*s", (int)(blanks + len), text);
		column += blanks + w;
		text += blanks + len;
	}
	fputc('\n', out);
}

void
opt_help(const struct opt_command *cmd, FILE *out)
{
	const char *usage = _(cmd->usage), *line = usage;
	const char *lead = _("usage: ");
	size_t i, j, width = 0, limit;
	char label[96];

	fputs(lead, out);
	while (*line) {
		size_t len = strcspn(line, "\n");

		fprintf(out, "%*ssockit %s %.*s\n", line == usage ? 0 :
		    (int)text_width(lead, strlen(lead)), "", cmd->name,
		    (int)len, line);
		line += len;
		if (*line == '\n')
			line++;
	}
	fprintf(out, "\n%s\n", _(cmd->summary));
	for (i = 0; i < cmd->group_count; i++) {
		for (j = 0; j < cmd->groups[i].count; j++) {
			option_label(&cmd->groups[i].defs[j], label,
			    sizeof(label));
			if (strlen(label) > width)
				width = strlen(label);
		}
	}
	/*
	 * Every language is wrapped to 80 columns, the width of a terminal
	 * nobody has to widen; a description goes on under its own column,
	 * so the option names stay alone at the left edge.
	 */
	limit = HELP_COLUMNS;
	for (i = 0; i < cmd->group_count; i++) {
		fprintf(out, "\n%s:\n", _(cmd->groups[i].title));
		for (j = 0; j < cmd->groups[i].count; j++) {
			const struct opt_def *d = &cmd->groups[i].defs[j];

			option_label(d, label, sizeof(label));
			fprintf(out, "  %-*s  ", (int)width, label);
			print_wrapped(_(d->help), width + 4, limit, out);
		}
	}
	fprintf(out, "  %-*s  ", (int)width, "-h, --help");
	print_wrapped(_(help_help), width + 4, limit, out);
	if (cmd->examples != NULL)
		fprintf(out, "\n%s\n%s", _("Examples:"), _(cmd->examples));
}

/* One line per option; with_help adds a tab and the option's help. */
static void
list_options(const struct opt_command *cmd, bool with_help, FILE *out)
{
	size_t i, j;

	for (i = 0; i < cmd->group_count; i++) {
		for (j = 0; j < cmd->groups[i].count; j++) {
			const struct opt_def *d = &cmd->groups[i].defs[j];

			fprintf(out, "--%s", d->long_name);
			if (d->short_name)
				fprintf(out, " -%c", d->short_name);
			if (d->kind == OPT_CHOICE)
				fprintf(out, " %s", d->choices);
			else if (d->kind == OPT_OPTARG)
				fprintf(out, " [=%s]", d->arg_name);
			else if (takes_arg(d))
				fprintf(out, " %s", d->arg_name);
			if (with_help)
				fprintf(out, "\t%s", _(d->help));
			fputc('\n', out);
		}
	}
	fputs("--help -h", out);
	if (with_help)
		fprintf(out, "\t%s", _(help_help));
	fputc('\n', out);
}

void
opt_list_options(const struct opt_command *cmd, FILE *out)
{
	list_options(cmd, false, out);
}

void
opt_list_options_help(const struct opt_command *cmd, FILE *out)
{
	list_options(cmd, true, out);
}

/* Levenshtein distance, bounded to short words. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65];

	if (la > 64 || lb > 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], up;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best;

			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
opt_nearest(const char *word, const char *const *candidates, size_t count)
{
	const char *best = NULL;
	size_t best_distance = (size_t)-1, i;
	size_t limit = strlen(word) < 4 ? 1 : 2;

	for (i = 0; i < count; i++) {
		size_t dist = edit_distance(word, candidates[i]);

		if (strncmp(word, candidates[i], strlen(word)) == 0 &&
		    strlen(word) >= 3)
			dist = 1;
		if (dist < best_distance) {
			best_distance = dist;
			best = candidates[i];
		}
	}
	return best_distance <= limit ? best : NULL;
}

int
opt_run(const struct opt_command *cmd, int argc, char **argv,
    char **positional, int max, int *npos)
{
	char err[512];

	switch (opt_parse(cmd, argc, argv, positional, max, npos, err,
	    sizeof(err))) {
	case OPT_HELP:
		opt_help(cmd, stdout);
		return EXIT_OK;
	case OPT_LIST_OPTIONS:
		opt_list_options(cmd, stdout);
		return EXIT_OK;
	case OPT_LIST_OPTIONS_HELP:
		opt_list_options_help(cmd, stdout);
		return EXIT_OK;
	case OPT_ERROR:
		report_usage("%s", err);
		return EXIT_USAGE;
	case OPT_OK:
		break;
	}
	return OPT_GO_ON;
}
