/* cmd_explain.c: explain: what an errno, EAI_ code, h_errno or proxy's answer means, and --demo to provoke it. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errtable.h"
#include "explain_demo.h"
#include "json.h"
#include "opt.h"
#include "i18n.h"
#include "report.h"
#include "sockit.h"
#include "strbuf.h"
#include "trace.h"

struct explain_opts {
	int list;
	int json;
	int demo;
};

#define FIELD(f) offsetof(struct explain_opts, f)

static const struct opt_def explain_defs[] = {
	{ 0, "list", OPT_FLAG, FIELD(list), NULL,
	  N_("print the table: one line per code, its number and meaning"),
	  1, 0, 0, NULL },
	{ 0, "demo", OPT_FLAG, FIELD(demo), NULL,
	  N_("provoke NAME: make the calls, traced, that end in it on "
	  "loopback"),
	  1, 0, 0, NULL },
	{ 0, "json", OPT_FLAG, FIELD(json), NULL,
	  N_("print JSON: an object for NAME, an array for --list"),
	  1, 0, 0, NULL },
};

static const char explain_examples[] = N_(
	"  sockit explain ECONNREFUSED\n"
	"  sockit explain 111                  # an errno number\n"
	"  sockit explain eai_noname           # any case\n"
	"  sockit explain --demo EISCONN       # connect twice, traced\n"
	"  sockit explain NOT_ALLOWED          # a SOCKS5 proxy's answer\n"
	"  sockit explain --list\n");

/* The width explain wraps its paragraphs to. */
#define WRAP_COLUMNS 76
#define INDENT "    "
/* Higher than any errno Linux has. */
#define ERRNO_SCAN_MAX 4096
#define NEAR_MAX 4

/*
 * The columns the first len bytes of UTF-8 text take: one per character,
 * so that a translation's accented letters do not shorten its lines.
 */
static size_t
columns(const char *text, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Prints text wrapped to WRAP_COLUMNS, each line indented. */
static void
print_wrapped(const char *text)
{
	const char *p = text;
	size_t col = 0;

	while (*p != '\0') {
		size_t word = strcspn(p, " ");
		size_t width = columns(p, word);

		if (col > 0 && col + 1 + width > WRAP_COLUMNS) {
			putchar('\n');
			col = 0;
		}
		if (col == 0) {
			fputs(INDENT, stdout);
			col = strlen(INDENT);
		} else {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, word, stdout);
		col += width;
		p += word;
		p += strspn(p, " ");
	}
	if (col > 0)
		putchar('\n');
}

static void
print_entry(const struct errtable_entry *e)
{
	const char *recipe = explain_demo_recipe(e->name);

	if (e->kind == ERRTABLE_ERRNO)
		printf("%s, errno %d: %s\n", e->name, e->number,
		    _(e->meaning));
	else
		printf("%s, %s %d: %s\n", e->name, errtable_kind_name(e->kind),
		    e->number, _(e->meaning));
	if (e->alias != NULL)
		printf(_("Also called %s: the same number.\n"), e->alias);
	printf("\n%s\n", _("Who returns it"));
	print_wrapped(_(e->calls));
	printf("\n%s\n", _("What to check"));
	print_wrapped(_(e->check));
	printf("\n%s\n", _("How to provoke it"));
	if (e->provoke != NULL)
		printf(INDENT "$ %s\n", e->provoke);
	if (recipe != NULL) {
		printf(INDENT "$ sockit explain --demo %s\n", e->name);
		print_wrapped(_(recipe));
	} else {
		print_wrapped(_(e->takes));
	}
}

/* An entry's fields, for its object in --json and in --list --json. */
static void
json_entry(struct strbuf *sb, const struct errtable_entry *e)
{
	const char *recipe = explain_demo_recipe(e->name);

	json_field_str(sb, "name", e->name);
	if (e->alias != NULL)
		json_field_str(sb, "alias", e->alias);
	else
		json_field_null(sb, "alias");
	json_field_str(sb, "kind", errtable_kind_name(e->kind));
	json_field_int(sb, "number", e->number);
	json_field_str(sb, "meaning", e->meaning);
	json_field_str(sb, "calls", e->calls);
	json_field_str(sb, "check", e->check);
	if (e->provoke != NULL)
		json_field_str(sb, "provoke", e->provoke);
	else
		json_field_null(sb, "provoke");
	json_field_bool(sb, "demo", recipe != NULL);
	json_field_str(sb, "recipe", recipe != NULL ? recipe : e->takes);
}

/*
 * The proxy's answer that the number asked about also names, as two
 * fields, null when there is none: a --list entry has no such field, as
 * it is the word asked, not the entry, that names two codes.
 */
static void
json_also(struct strbuf *sb, const struct errtable_entry *also)
{
	if (also == NULL) {
		json_field_null(sb, "also");
		json_field_null(sb, "also_kind");
		return;
	}
	json_field_str(sb, "also", also->name);
	json_field_str(sb, "also_kind", errtable_kind_name(also->kind));
}

/* An entry as a JSON object, and the answer also named unless in --list. */
static void
print_json_entry(const struct errtable_entry *e, bool listed,
    const struct errtable_entry *also, const char *after)
{
	char storage[8192];
	struct strbuf sb;

	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_entry(&sb, e);
	if (!listed)
		json_also(&sb, also);
	json_end(&sb);
	printf("%s%s", strbuf_str(&sb), after);
}

static int
list(const struct explain_opts *o)
{
	size_t n, i;
	const struct errtable_entry *t = errtable_all(&n);
	int width = 0;

	/* The names' column is as wide as the longest, a SOCKS5 reply's. */
	for (i = 0; i < n; i++)
		if ((int)strlen(t[i].name) > width)
			width = (int)strlen(t[i].name);
	if (o->json)
		fputs("[\n", stdout);
	for (i = 0; i < n; i++) {
		if (o->json)
			print_json_entry(&t[i], true, NULL,
			    i + 1 < n ? ",\n" : "\n");
		else
			printf("%-*s %5d  %s%s\n", width, t[i].name,
			    t[i].number,
			    _(t[i].meaning),
			    explain_demo_recipe(t[i].name) != NULL ?
			    _(" [demo]") : "");
	}
	if (o->json)
		fputs("]\n", stdout);
	return EXIT_OK;
}

/*
 * An errno outside the course's table, by name or number: what libc says
 * of it. Returns its value, or 0 when word names no errno at all.
 */
static int
other_errno(const char *word)
{
	const char *name;
	char *end;
	long n;

	if (word[0] >= '0' && word[0] <= '9') {
		n = strtol(word, &end, 10);
		if (*end != '\0' || n <= 0 || n >= ERRNO_SCAN_MAX)
			return 0;
		return trace_errno_name((int)n) != NULL ? (int)n : 0;
	}
	for (n = 1; n < ERRNO_SCAN_MAX; n++)
		if ((name = trace_errno_name((int)n)) != NULL &&
		    strcasecmp(name, word) == 0)
			return (int)n;
	return 0;
}

static int
explain_other(const struct explain_opts *o, int err,
    const struct errtable_entry *also)
{
	char storage[1024];
	struct strbuf sb;

	if (o->json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "name", trace_errno_name(err));
		json_field_str(&sb, "kind", "errno");
		json_field_int(&sb, "number", err);
		json_field_str(&sb, "meaning", i18n_errno_text_english(err));
		json_field_bool(&sb, "demo", false);
		json_also(&sb, also);
		json_end(&sb);
		printf("%s\n", strbuf_str(&sb));
		return EXIT_OK;
	}
	printf("%s, errno %d: %s\n\n", trace_errno_name(err), err,
	    i18n_errno_text(err));
	print_wrapped(_("Not one of the errors of the course's socket calls, "
	    "so there is no more to say here than libc's text: see errno(3) "
	    "and the page of the call that returned it."));
	return EXIT_OK;
}

/*
 * "the proxy said 91 ..." and errno 91 share a number: the errno is
 * explained, and the proxy's answer is named after it, for whoever came
 * from that message. Returns that answer, or NULL when word names only
 * the entry shown.
 */
static const struct errtable_entry *
also_answer(const char *word, const struct errtable_entry *shown)
{
	const struct errtable_entry *a = errtable_find_answer(word);

	return a == shown ? NULL : a;
}

/* The text's line after the entry that names the answer also meant. */
static void
print_also(const char *word, const struct errtable_entry *also)
{
	if (also == NULL)
		return;
	printf("\n");
	printf(_("%s is also a %s proxy's answer, %s: sockit explain %s\n"),
	    word, errtable_kind_name(also->kind), also->name, also->name);
}

static int
unknown(const char *word)
{
	const char *near[NEAR_MAX];
	size_t n = errtable_nearest(word, near, NEAR_MAX);

	if (n == 0)
		report_usage("unknown error name '%s': an errno name or "
		    "number, an EAI_ code, an h_errno name or a proxy's answer "
		    "(see --list)", word);
	else if (n == 1)
		report_usage("unknown error name '%s' (did you mean %s?)",
		    word, near[0]);
	else if (n == 2)
		report_usage("unknown error name '%s' (did you mean %s or "
		    "%s?)", word, near[0], near[1]);
	else
		report_usage("unknown error name '%s' (did you mean %s, %s "
		    "or %s?)", word, near[0], near[1], near[2]);
	return EXIT_USAGE;
}

static const char *
code_name(const struct demo_result *r, int code)
{
	const char *name = r->eai ? trace_eai_name(code) :
	    trace_errno_name(code);

	return name != NULL ? name : "?";
}

static const char *
code_text(const struct demo_result *r, int code)
{
	return r->eai ? i18n_eai_text(code) : i18n_errno_text(code);
}

static int
demo(const struct explain_opts *o, const struct errtable_entry *e)
{
	struct demo_result r;
	char storage[1024];
	struct strbuf sb;
	bool ok;

	if (!explain_demo_run(e->name, &r)) {
		report_error("no demo of %s here: 'sockit explain %s' says "
		    "what provoking it would take", e->name, e->name);
		return EXIT_FAIL;
	}
	ok = !r.setup && r.got == r.want;
	if (o->json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "name", e->name);
		json_field_str(&sb, "call", r.call);
		json_field_str(&sb, "want", code_name(&r, r.want));
		if (r.got == 0)
			json_field_null(&sb, "got");
		else
			json_field_str(&sb, "got", code_name(&r, r.got));
		json_field_bool(&sb, "setup_failed", r.setup);
		json_field_bool(&sb, "ok", ok);
		json_end(&sb);
		printf("%s\n", strbuf_str(&sb));
		return ok ? EXIT_OK : EXIT_FAIL;
	}
	if (ok) {
		printf(_("%s failed with %s (%s), as promised\n"), r.call,
		    code_name(&r, r.got), code_text(&r, r.got));
		return EXIT_OK;
	}
	if (r.setup && r.got < 0)
		report_error("%s, a step before the one that shows %s, failed "
		    "in the child: its trace line says with what", r.call,
		    e->name);
	else if (r.setup && r.got != 0)
		report_error("%s, a step before the one that shows %s, failed "
		    "with %s (%s)", r.call, e->name, code_name(&r, r.got),
		    code_text(&r, r.got));
	else if (r.setup)
		report_error("%s succeeded, so the step that shows %s could "
		    "not follow", r.call, e->name);
	else if (r.got == 0)
		report_error("%s succeeded on this kernel instead of failing "
		    "with %s", r.call, e->name);
	else
		report_error("%s failed with %s (%s) on this kernel, not with "
		    "%s", r.call, code_name(&r, r.got), code_text(&r, r.got),
		    e->name);
	return EXIT_FAIL;
}

int
cmd_explain(int argc, char **argv)
{
	struct explain_opts o;
	const struct errtable_entry *e, *also;
	char *pos[1];
	int npos, status, err;
	const struct opt_group groups[] = {
		{ N_("Options"), explain_defs, ARRAY_LEN(explain_defs), &o },
	};
	const struct opt_command cmd = {
		"explain", N_("[--json] [--demo] NAME\n[--json] --list"),
		N_("What an error code means: an errno name or number, an EAI_ "
		"code of getaddrinfo,\nan h_errno name, or a proxy's answer "
		"(NOT_ALLOWED, REJECTED, 407); which calls\nreturn it and why, "
		"what to check, and how to provoke it. --demo makes the\ncalls, "
		"traced, that end in it here on loopback."),
		explain_examples, groups, ARRAY_LEN(groups),
	};

	memset(&o, 0, sizeof(o));
	if ((status = opt_run(&cmd, argc, argv, pos, 1, &npos)) != OPT_GO_ON)
		return status;
	report_use_json(o.json);
	if (o.list && (npos > 0 || o.demo)) {
		report_usage("--list prints every code: it takes no NAME and "
		    "no --demo");
		return EXIT_USAGE;
	}
	if (o.list)
		return list(&o);
	if (npos == 0) {
		report_usage("explain needs an error NAME, such as "
		    "ECONNREFUSED, 111 or EAI_NONAME, or --list");
		return EXIT_USAGE;
	}
	e = errtable_find(pos[0]);
	also = also_answer(pos[0], e);
	if (e == NULL) {
		if ((err = other_errno(pos[0])) == 0)
			return unknown(pos[0]);
		if (o.demo) {
			report_error("no demo of %s: it is not one of the "
			    "errors of the course's socket calls",
			    trace_errno_name(err));
			return EXIT_FAIL;
		}
		explain_other(&o, err, also);
	} else if (o.demo) {
		return demo(&o, e);
	} else if (o.json) {
		print_json_entry(e, false, also, "\n");
	} else {
		print_entry(e);
	}
	if (!o.json)
		print_also(pos[0], also);
	return EXIT_OK;
}
