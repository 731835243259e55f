/* test_opt.c: option tables: every kind of option, the errors and the hints. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "opt.h"
#include "unit.h"

/* The fields a made-up command "demo" parses into. */
struct demo_opts {
	int verbose;
	int extra;
	int reuse;
	const char *name;
	const char *trace;
	double wait;
	double idle;
	long count;
	int mode;
	struct opt_list sockopts;
};

static const struct opt_def demo_basic[] = {
	{ 'v', "verbose", OPT_FLAG, offsetof(struct demo_opts, verbose),
	  NULL, "say more", 1, 0, 0, NULL },
	{ 'x', "extra", OPT_FLAG, offsetof(struct demo_opts, extra),
	  NULL, "an extra flag to bundle", 1, 0, 0, NULL },
	{ 0, "reuse", OPT_FLAG, offsetof(struct demo_opts, reuse),
	  NULL, "turn reuse on", 1, 0, 0, NULL },
	{ 0, "no-reuse", OPT_FLAG, offsetof(struct demo_opts, reuse),
	  NULL, "turn reuse off", 0, 0, 0, NULL },
	{ 'n', "name", OPT_STRING, offsetof(struct demo_opts, name),
	  "NAME", "a name", 0, 0, 0, NULL },
	{ 't', "trace", OPT_OPTARG, offsetof(struct demo_opts, trace),
	  "MODE", "trace, optionally with a mode", 0, 0, 0, NULL },
};

/* A second group, so lookups must cross groups. */
static const struct opt_def demo_timing[] = {
	{ 'w', "wait", OPT_SECONDS, offsetof(struct demo_opts, wait),
	  "SECS", "wait at most SECS", 0, 0, 60, NULL },
	{ 0, "idle", OPT_SECONDS, offsetof(struct demo_opts, idle),
	  "SECS", "no upper bound", 0, 0, 0, NULL },
	{ 'c', "count", OPT_COUNT, offsetof(struct demo_opts, count),
	  "N", "between 1 and 10", 0, 1, 10, NULL },
	{ 0, "mode", OPT_CHOICE, offsetof(struct demo_opts, mode),
	  "MODE", "one of four", 0, 0, 0, "wr|rd|rdwr|none" },
	{ 'o', "sockopt", OPT_LIST, offsetof(struct demo_opts, sockopts),
	  "NAME=VALUE", "repeatable", 0, 0, 0, NULL },
};

static struct demo_opts opts;

static const struct opt_group demo_groups[] = {
	{ "Basic options", demo_basic, ARRAY_LEN(demo_basic), &opts },
	{ "Timing options", demo_timing, ARRAY_LEN(demo_timing), &opts },
};

static const struct opt_command demo = {
	"demo", "[OPTIONS] ARG...", "a command for the tests", NULL,
	demo_groups, ARRAY_LEN(demo_groups),
};

#define WORDS_MAX 40
#define POS_MAX 4

/* One parse: its own copy of argv, since positionals point into it. */
struct run {
	char words[WORDS_MAX][48];
	char *argv[WORDS_MAX + 1];
	char *pos[POS_MAX];
	int npos;
	char err[256];
	enum opt_result result;
};

static struct run run;

/* Resets the options and parses "demo" followed by words. */
static enum opt_result
parse_words(int max, const char *const *words)
{
	int argc = 0;

	memset(&opts, 0, sizeof(opts));
	opts.reuse = -1;
	memset(&run, 0, sizeof(run));
	snprintf(run.words[0], sizeof(run.words[0]), "demo");
	run.argv[argc++] = run.words[0];
	for (; *words != NULL && argc < WORDS_MAX; words++) {
		snprintf(run.words[argc], sizeof(run.words[argc]), "%s",
		    *words);
		run.argv[argc] = run.words[argc];
		argc++;
	}
	run.result = opt_parse(&demo, argc, run.argv, run.pos, max, &run.npos,
	    run.err, sizeof(run.err));
	return run.result;
}

#define PARSE(max, ...) \
	parse_words((max), (const char *const[]){ __VA_ARGS__, NULL })

/* Checks the result is OPT_OK, showing the message when it is not. */
static bool
parsed_ok(void)
{
	if (CHECK_INT(run.result, OPT_OK))
		return true;
	unit_diag("error: %s", run.err);
	return false;
}

static void
test_flags(void)
{
	unit_begin("opt: no arguments leave every field alone");
	PARSE(POS_MAX, NULL);
	if (parsed_ok()) {
		CHECK_INT(run.npos, 0);
		CHECK_INT(opts.verbose, 0);
		CHECK(opts.name == NULL);
		CHECK(opts.trace == NULL);
		CHECK_INT(opts.reuse, -1);
	}
	unit_end();

	unit_begin("opt: -v sets a flag");
	PARSE(POS_MAX, "-v");
	if (parsed_ok())
		CHECK_INT(opts.verbose, 1);
	unit_end();

	unit_begin("opt: --verbose sets a flag");
	PARSE(POS_MAX, "--verbose");
	if (parsed_ok()) {
		CHECK_INT(opts.verbose, 1);
		CHECK_INT(opts.extra, 0);
	}
	unit_end();

	unit_begin("opt: -vx sets both bundled flags");
	PARSE(POS_MAX, "-vx");
	if (parsed_ok()) {
		CHECK_INT(opts.verbose, 1);
		CHECK_INT(opts.extra, 1);
	}
	unit_end();

	unit_begin("opt: -vxw5 bundles flags then a value");
	PARSE(POS_MAX, "-vxw5");
	if (parsed_ok()) {
		CHECK_INT(opts.verbose, 1);
		CHECK_INT(opts.extra, 1);
		CHECK(opts.wait == 5.0);
	}
	unit_end();

	unit_begin("opt: a flag stores its value, the last one wins");
	PARSE(POS_MAX, "--reuse", "--no-reuse");
	if (parsed_ok())
		CHECK_INT(opts.reuse, 0);
	PARSE(POS_MAX, "--no-reuse", "--reuse");
	if (parsed_ok())
		CHECK_INT(opts.reuse, 1);
	unit_end();

	unit_begin("opt: --verbose=1 is refused, a flag takes no value");
	if (CHECK_INT(PARSE(POS_MAX, "--verbose=1"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "--verbose takes no value");
	unit_end();
}

static void
test_values(void)
{
	unit_begin("opt: -w5 takes the attached value");
	PARSE(POS_MAX, "-w5");
	if (parsed_ok())
		CHECK(opts.wait == 5.0);
	unit_end();

	unit_begin("opt: -w 2.5 takes the next word");
	PARSE(POS_MAX, "-w", "2.5", "host");
	if (parsed_ok()) {
		CHECK(opts.wait == 2.5);
		if (CHECK_INT(run.npos, 1))
			CHECK_STR(run.pos[0], "host");
	}
	unit_end();

	unit_begin("opt: --wait=0.25 takes the value after '='");
	PARSE(POS_MAX, "--wait=0.25");
	if (parsed_ok())
		CHECK(opts.wait == 0.25);
	unit_end();

	unit_begin("opt: --wait 1 takes the next word");
	PARSE(POS_MAX, "--wait", "1");
	if (parsed_ok()) {
		CHECK(opts.wait == 1.0);
		CHECK_INT(run.npos, 0);
	}
	unit_end();

	unit_begin("opt: the last of a repeated option wins");
	PARSE(POS_MAX, "-w1", "--wait=2", "-w", "3");
	if (parsed_ok())
		CHECK(opts.wait == 3.0);
	unit_end();

	unit_begin("opt: -n NAME and --name=NAME store the string");
	PARSE(POS_MAX, "-n", "bob");
	if (parsed_ok())
		CHECK_STR(opts.name, "bob");
	PARSE(POS_MAX, "--name=alice");
	if (parsed_ok())
		CHECK_STR(opts.name, "alice");
	PARSE(POS_MAX, "-nbob");
	if (parsed_ok())
		CHECK_STR(opts.name, "bob");
	unit_end();

	unit_begin("opt: --name= stores an empty string");
	PARSE(POS_MAX, "--name=");
	if (parsed_ok())
		CHECK_STR(opts.name, "");
	unit_end();

	/* As with getopt, the word after an option that takes one is its. */
	unit_begin("opt: --name --verbose takes --verbose as the name");
	PARSE(POS_MAX, "--name", "--verbose");
	if (parsed_ok()) {
		CHECK_STR(opts.name, "--verbose");
		CHECK_INT(opts.verbose, 0);
	}
	unit_end();
}

/* An optional argument is only ever attached with '='. */
static void
test_optarg(void)
{
	unit_begin("opt: --trace alone stores \"\"");
	PARSE(POS_MAX, "--trace");
	if (parsed_ok())
		CHECK_STR(opts.trace, "");
	unit_end();

	unit_begin("opt: --trace=full stores full");
	PARSE(POS_MAX, "--trace=full");
	if (parsed_ok())
		CHECK_STR(opts.trace, "full");
	unit_end();

	unit_begin("opt: -t stores \"\"");
	PARSE(POS_MAX, "-t");
	if (parsed_ok())
		CHECK_STR(opts.trace, "");
	unit_end();

	unit_begin("opt: --trace full leaves full as a positional");
	PARSE(POS_MAX, "--trace", "full");
	if (parsed_ok()) {
		CHECK_STR(opts.trace, "");
		if (CHECK_INT(run.npos, 1))
			CHECK_STR(run.pos[0], "full");
	}
	unit_end();

	unit_begin("opt: -tv is -t then -v");
	PARSE(POS_MAX, "-tv");
	if (parsed_ok()) {
		CHECK_STR(opts.trace, "");
		CHECK_INT(opts.verbose, 1);
	}
	unit_end();
}

struct bad_value {
	const char *word;
	const char *word2;	/* the separate value, or NULL */
	const char *needle;
};

static void
check_bad_values(const struct bad_value *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bad_value *c = &cases[i];

		unit_begin("opt: '%s%s%s' is refused", c->word,
		    c->word2 ? " " : "", c->word2 ? c->word2 : "");
		if (c->word2 != NULL)
			PARSE(POS_MAX, c->word, c->word2);
		else
			PARSE(POS_MAX, c->word);
		if (CHECK_INT(run.result, OPT_ERROR))
			CHECK_CONTAINS(run.err, c->needle);
		unit_end();
	}
}

static void
test_seconds(void)
{
	static const struct bad_value bad[] = {
		{ "-w60.5", NULL, "-w 60.5 is more than 60 seconds" },
		{ "--wait=61", NULL, "--wait 61 is more than 60 seconds" },
		{ "--wait", "61", "more than 60 seconds" },
		{ "--wait", "1e3", "seconds, such as 5" },
		{ "-wabc", NULL, "bad value 'abc' for -w" },
		{ "--wait=-1", NULL, "bad value '-1' for --wait" },
		{ "--wait=", NULL, "bad value '' for --wait" },
		{ "--wait=1s", NULL, "bad value '1s'" },
		{ "--wait=inf", NULL, "bad value 'inf'" },
		{ "--wait=nan", NULL, "bad value 'nan'" },
		{ "--idle=-0", NULL, "bad value '-0'" },
	};

	unit_begin("opt: -w0 and -w60 are the bounds of --wait");
	PARSE(POS_MAX, "-w0");
	if (parsed_ok())
		CHECK(opts.wait == 0.0);
	PARSE(POS_MAX, "-w60");
	if (parsed_ok())
		CHECK(opts.wait == 60.0);
	unit_end();

	unit_begin("opt: a max of 0 means no upper bound");
	PARSE(POS_MAX, "--idle=86400");
	if (parsed_ok())
		CHECK(opts.idle == 86400.0);
	unit_end();

	check_bad_values(bad, ARRAY_LEN(bad));
}

static void
test_count(void)
{
	static const struct bad_value bad[] = {
		{ "--count=0", NULL, "bad value '0' for --count: a whole "
		  "number from 1 to 10" },
		{ "--count=11", NULL, "from 1 to 10" },
		{ "-c", "x", "bad value 'x' for -c" },
		{ "--count=", NULL, "bad value '' for --count" },
		{ "--count=3x", NULL, "bad value '3x'" },
		{ "--count=2.5", NULL, "bad value '2.5'" },
		{ "--count= 5", NULL, "bad value ' 5'" },
		{ "--count=+5", NULL, "bad value '+5'" },
		{ "--count=99999999999999999999", NULL, "from 1 to 10" },
	};

	unit_begin("opt: --count takes whole numbers between its bounds");
	PARSE(POS_MAX, "-c3");
	if (parsed_ok())
		CHECK_INT(opts.count, 3);
	PARSE(POS_MAX, "--count=1");
	if (parsed_ok())
		CHECK_INT(opts.count, 1);
	PARSE(POS_MAX, "--count", "10");
	if (parsed_ok())
		CHECK_INT(opts.count, 10);
	unit_end();

	check_bad_values(bad, ARRAY_LEN(bad));
}

static void
test_choice(void)
{
	static const struct bad_value bad[] = {
		{ "--mode=r", NULL, "bad value 'r' for --mode: one of "
		  "wr|rd|rdwr|none" },
		{ "--mode=", NULL, "bad value '' for --mode" },
		{ "--mode", "WR", "bad value 'WR'" },
		{ "--mode=rdwrx", NULL, "bad value 'rdwrx'" },
	};
	static const char *const choices[] = { "wr", "rd", "rdwr", "none" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(choices); i++) {
		unit_begin("opt: --mode %s stores index %zu", choices[i], i);
		PARSE(POS_MAX, "--mode", choices[i]);
		if (parsed_ok())
			CHECK_INT(opts.mode, i);
		unit_end();
	}
	check_bad_values(bad, ARRAY_LEN(bad));
}

static void
test_list(void)
{
	char words[OPT_LIST_MAX + 1][16];
	const char *args[OPT_LIST_MAX + 2];
	size_t i;

	unit_begin("opt: a list option collects each use in order");
	PARSE(POS_MAX, "-o", "a=1", "--sockopt=b=2", "-oc=3",
	    "--sockopt", "d=4");
	if (parsed_ok() && CHECK_INT(opts.sockopts.count, 4)) {
		CHECK_STR(opts.sockopts.items[0], "a=1");
		CHECK_STR(opts.sockopts.items[1], "b=2");
		CHECK_STR(opts.sockopts.items[2], "c=3");
		CHECK_STR(opts.sockopts.items[3], "d=4");
	}
	unit_end();

	for (i = 0; i <= OPT_LIST_MAX; i++) {
		snprintf(words[i], sizeof(words[i]), "-ox=%zu", i);
		args[i] = words[i];
	}
	args[OPT_LIST_MAX + 1] = NULL;

	unit_begin("opt: a list option takes %d uses", OPT_LIST_MAX);
	args[OPT_LIST_MAX] = NULL;
	parse_words(POS_MAX, args);
	if (parsed_ok() && CHECK_INT(opts.sockopts.count, OPT_LIST_MAX))
		CHECK_STR(opts.sockopts.items[OPT_LIST_MAX - 1], "x=31");
	unit_end();

	unit_begin("opt: a list option refuses use %d", OPT_LIST_MAX + 1);
	args[OPT_LIST_MAX] = words[OPT_LIST_MAX];
	if (CHECK_INT(parse_words(POS_MAX, args), OPT_ERROR))
		CHECK_CONTAINS(run.err, "-o given more than 32 times");
	unit_end();
}

static void
test_positionals(void)
{
	unit_begin("opt: -- ends the options");
	PARSE(POS_MAX, "--", "-v", "--wait=1");
	if (parsed_ok() && CHECK_INT(run.npos, 2)) {
		CHECK_STR(run.pos[0], "-v");
		CHECK_STR(run.pos[1], "--wait=1");
		CHECK_INT(opts.verbose, 0);
		CHECK(opts.wait == 0.0);
	}
	unit_end();

	unit_begin("opt: a second -- is a positional");
	PARSE(POS_MAX, "-v", "--", "--", "x");
	if (parsed_ok() && CHECK_INT(run.npos, 2)) {
		CHECK_INT(opts.verbose, 1);
		CHECK_STR(run.pos[0], "--");
		CHECK_STR(run.pos[1], "x");
	}
	unit_end();

	unit_begin("opt: a lone - is a positional (stdin)");
	PARSE(POS_MAX, "-", "-v");
	if (parsed_ok() && CHECK_INT(run.npos, 1)) {
		CHECK_STR(run.pos[0], "-");
		CHECK_INT(opts.verbose, 1);
	}
	unit_end();

	unit_begin("opt: positionals and options interleave");
	PARSE(3, "a", "-v", "b", "--wait=1", "c", "-x");
	if (parsed_ok() && CHECK_INT(run.npos, 3)) {
		CHECK_STR(run.pos[0], "a");
		CHECK_STR(run.pos[1], "b");
		CHECK_STR(run.pos[2], "c");
		CHECK_INT(opts.verbose, 1);
		CHECK_INT(opts.extra, 1);
		CHECK(opts.wait == 1.0);
	}
	unit_end();

	unit_begin("opt: one positional too many is refused");
	if (CHECK_INT(PARSE(2, "a", "b", "c"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "unexpected argument 'c' for demo");
	unit_end();

	unit_begin("opt: no positional allowed");
	if (CHECK_INT(PARSE(0, "-v", "host"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "unexpected argument 'host'");
	unit_end();
}

static void
test_errors(void)
{
	unit_begin("opt: an unknown long option suggests the nearest");
	if (CHECK_INT(PARSE(POS_MAX, "--verbos"), OPT_ERROR)) {
		CHECK_CONTAINS(run.err, "unknown option '--verbos' for demo");
		CHECK_CONTAINS(run.err, "did you mean '--verbose'?");
	}
	unit_end();

	unit_begin("opt: the suggestion ignores the =VALUE part");
	if (CHECK_INT(PARSE(POS_MAX, "--wiat=5"), OPT_ERROR)) {
		CHECK_CONTAINS(run.err, "unknown option '--wiat'");
		CHECK_CONTAINS(run.err, "did you mean '--wait'?");
	}
	unit_end();

	unit_begin("opt: a prefix of a long option suggests it");
	if (CHECK_INT(PARSE(POS_MAX, "--sock"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "did you mean '--sockopt'?");
	unit_end();

	unit_begin("opt: an unknown long option far from all points to help");
	if (CHECK_INT(PARSE(POS_MAX, "--zzzzzz"), OPT_ERROR)) {
		CHECK_CONTAINS(run.err, "unknown option '--zzzzzz'");
		CHECK_CONTAINS(run.err, "unknown option '--zzzzzz' for demo");
		CHECK(strstr(run.err, "did you mean") == NULL);
	}
	unit_end();

	unit_begin("opt: long names match exactly, not by prefix");
	if (CHECK_INT(PARSE(POS_MAX, "--verb"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "unknown option '--verb'");
	unit_end();

	unit_begin("opt: an unknown short option");
	if (CHECK_INT(PARSE(POS_MAX, "-q"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "unknown option '-q' for demo");
	unit_end();

	unit_begin("opt: an unknown short option inside a bundle");
	if (CHECK_INT(PARSE(POS_MAX, "-vq"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "unknown option '-q'");
	unit_end();

	unit_begin("opt: -w at the end needs a value");
	if (CHECK_INT(PARSE(POS_MAX, "-w"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "-w needs a value (SECS)");
	unit_end();

	unit_begin("opt: --wait at the end needs a value");
	if (CHECK_INT(PARSE(POS_MAX, "--wait"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "--wait needs a value (SECS)");
	unit_end();

	unit_begin("opt: --name at the end needs a value");
	if (CHECK_INT(PARSE(POS_MAX, "host", "--name"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "--name needs a value (NAME)");
	unit_end();

	unit_begin("opt: -vw at the end needs a value");
	if (CHECK_INT(PARSE(POS_MAX, "-vw"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "-w needs a value");
	unit_end();
}

static void
test_help(void)
{
	unit_begin("opt: --help returns OPT_HELP");
	CHECK_INT(PARSE(POS_MAX, "--help"), OPT_HELP);
	unit_end();

	unit_begin("opt: -h returns OPT_HELP");
	CHECK_INT(PARSE(POS_MAX, "-h"), OPT_HELP);
	unit_end();

	unit_begin("opt: -vh returns OPT_HELP");
	CHECK_INT(PARSE(POS_MAX, "-vh"), OPT_HELP);
	unit_end();

	unit_begin("opt: --help after a positional returns OPT_HELP");
	CHECK_INT(PARSE(POS_MAX, "host", "--help"), OPT_HELP);
	unit_end();

	unit_begin("opt: --list-options returns OPT_LIST_OPTIONS");
	CHECK_INT(PARSE(POS_MAX, "--list-options"), OPT_LIST_OPTIONS);
	unit_end();

	unit_begin("opt: --list-options=help returns OPT_LIST_OPTIONS_HELP");
	CHECK_INT(PARSE(POS_MAX, "--list-options=help"),
	    OPT_LIST_OPTIONS_HELP);
	unit_end();

	unit_begin("opt: --list-options=other is an error");
	if (CHECK_INT(PARSE(POS_MAX, "--list-options=all"), OPT_ERROR))
		CHECK_CONTAINS(run.err, "bad value 'all' for --list-options");
	unit_end();

	unit_begin("opt: --help after -- is a positional");
	PARSE(POS_MAX, "--", "--help");
	if (parsed_ok() && CHECK_INT(run.npos, 1))
		CHECK_STR(run.pos[0], "--help");
	unit_end();
}

/* What fn prints for demo, in buf. Returns false if it could not be read. */
static bool
listed(void (*fn)(const struct opt_command *, FILE *), char *buf,
    size_t cap)
{
	FILE *f = tmpfile();
	size_t len;

	if (f == NULL)
		return false;
	fn(&demo, f);
	rewind(f);
	len = fread(buf, 1, cap - 1, f);
	buf[len] = '\0';
	fclose(f);
	return true;
}

static void
test_list_options(void)
{
	char buf[1024];

	unit_begin("opt: --list-options prints each option's words");
	if (CHECK(listed(opt_list_options, buf, sizeof(buf)))) {
		CHECK_CONTAINS(buf, "\n--name -n NAME\n");
		CHECK_CONTAINS(buf, "\n--trace -t [=MODE]\n");
		CHECK_CONTAINS(buf, "\n--mode wr|rd|rdwr|none\n");
		CHECK(strchr(buf, '\t') == NULL);
	}
	unit_end();

	unit_begin("opt: --list-options=help adds a tab and the help");
	if (CHECK(listed(opt_list_options_help, buf, sizeof(buf)))) {
		CHECK_CONTAINS(buf, "--verbose -v\tsay more\n");
		CHECK_CONTAINS(buf, "\n--name -n NAME\ta name\n");
		CHECK_CONTAINS(buf, "\n--mode wr|rd|rdwr|none\tone of four\n");
		CHECK_CONTAINS(buf, "\n--help -h\tshow this help and exit\n");
	}
	unit_end();
}

static void
test_nearest(void)
{
	static const char *const words[] = {
		"verbose", "version", "wait", "timeout", "bat", "hat",
	};
	static const struct {
		const char *word;
		const char *want;
	} cases[] = {
		{ "verbos", "verbose" },
		{ "verbse", "verbose" },
		{ "vers", "version" },
		{ "wiat", "wait" },
		{ "wai", "wait" },
		{ "time", "timeout" },
		{ "cat", "bat" },
		{ "ba", "bat" },
		{ "wt", NULL },
		{ "xyz", NULL },
		{ "", NULL },
		{ "timeoutxyz", NULL },
		{ "completely-unrelated", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		unit_begin("opt_nearest '%s' is %s", cases[i].word,
		    cases[i].want ? cases[i].want : "nothing");
		CHECK_STR(opt_nearest(cases[i].word, words, ARRAY_LEN(words)),
		    cases[i].want);
		unit_end();
	}
	unit_begin("opt_nearest with no candidates is nothing");
	CHECK(opt_nearest("wait", words, 0) == NULL);
	unit_end();
}

static void
test_parse_seconds(void)
{
	static const struct {
		const char *text;
		double want;
	} good[] = {
		{ "1", 1.0 }, { "0", 0.0 }, { "0.25", 0.25 }, { ".5", 0.5 },
		{ "5.", 5.0 }, { "86400", 86400.0 },
	};
	static const char *const bad[] = {
		"", "-1", "+1", "-0", "abc", "1s", "1.5.2", "inf", "nan",
		"1e999",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(good); i++) {
		double v = -1;

		unit_begin("opt_parse_seconds '%s'", good[i].text);
		if (CHECK_INT(opt_parse_seconds(good[i].text, &v), 0))
			CHECK(v == good[i].want);
		unit_end();
	}
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		double v = 42;

		unit_begin("opt_parse_seconds refuses '%s'", bad[i]);
		CHECK_INT(opt_parse_seconds(bad[i], &v), -1);
		CHECK(v == 42);
		unit_end();
	}
}

void
test_opt(void)
{
	test_flags();
	test_values();
	test_optarg();
	test_seconds();
	test_count();
	test_choice();
	test_list();
	test_positionals();
	test_errors();
	test_help();
	test_list_options();
	test_nearest();
	test_parse_seconds();
}
