/* unit.c: the unit test harness: runs every test group and prints TAP. */
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"
#include "unit.h"

#define UNIT_NAME_MAX 256
#define UNIT_DIAG_MAX 8192

static struct {
	int run;		/* cases finished */
	int failed;
	bool open;		/* between unit_begin and unit_end */
	bool ok;		/* no check of the open case has failed */
	char name[UNIT_NAME_MAX];
	char diag_storage[UNIT_DIAG_MAX];
	struct strbuf diag;	/* "# " lines printed after the result */
} unit;

static const struct {
	const char *name;
	void (*run)(void);
} groups[] = {
	{ "endpoint", test_endpoint },
	{ "sockopt", test_sockopt },
	{ "hexdump", test_hexdump },
	{ "json", test_json },
	{ "opt", test_opt },
	{ "explain", test_explain },
	{ "explain_nc", test_explain_nc },
	{ "hints", test_hints },
	{ "cidr", test_cidr },
	{ "unixdiag", test_unixdiag },
	{ "pin", test_pin },
	{ "alpn", test_alpn },
	{ "trace", test_trace },
	{ "step", test_step },
	{ "starttls", test_starttls },
	{ "errtable", test_errtable },
	{ "structs", test_structs },
	{ "tcpdiag", test_tcpdiag },
	{ "proxy_server", test_proxy_server },
	{ "proxy_client", test_proxy_client },
};

/* Appends bytes as a C literal would spell them, so a value stays one line. */
static void
append_escaped(struct strbuf *sb, const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i;

	strbuf_puts(sb, "\"");
	for (i = 0; i < len; i++) {
		switch (p[i]) {
		case '\n': strbuf_puts(sb, "\\n"); break;
		case '\r': strbuf_puts(sb, "\\r"); break;
		case '\t': strbuf_puts(sb, "\\t"); break;
		case '\\': strbuf_puts(sb, "\\\\"); break;
		case '"': strbuf_puts(sb, "\\\""); break;
		default:
			if (p[i] < 0x20 || p[i] >= 0x7f)
				strbuf_printf(sb, "\\x%02x", p[i]);
			else
				strbuf_add(sb, (const char *)p + i, 1);
		}
	}
	strbuf_puts(sb, "\"");
}

static void
append_value(struct strbuf *sb, const char *s)
{
	if (s == NULL)
		strbuf_puts(sb, "NULL");
	else
		append_escaped(sb, s, strlen(s));
}

static void
vbegin(const char *fmt, va_list ap)
{
	char raw[UNIT_NAME_MAX];
	struct strbuf sb;
	const unsigned char *p;

	if (unit.open)
		unit_end();
	vsnprintf(raw, sizeof(raw), fmt, ap);
	/*
	 * TAP reads " # " in a description as the start of a directive
	 * (SKIP, TODO), so a literal '#' is written "\#".
	 */
	strbuf_init(&sb, unit.name, sizeof(unit.name));
	for (p = (const unsigned char *)raw; *p != '\0'; p++) {
		if (*p == '#')
			strbuf_puts(&sb, "\\#");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(&sb, "\\x%02x", *p);
		else
			strbuf_add(&sb, (const char *)p, 1);
	}
	strbuf_init(&unit.diag, unit.diag_storage, sizeof(unit.diag_storage));
	unit.open = true;
	unit.ok = true;
}

void
unit_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbegin(fmt, ap);
	va_end(ap);
}

void
unit_end(void)
{
	const char *diag = strbuf_str(&unit.diag);
	size_t used = strbuf_used(&unit.diag);

	unit.run++;
	if (!unit.ok)
		unit.failed++;
	printf("%sok %d - %s\n", unit.ok ? "" : "not ", unit.run, unit.name);
	fputs(diag, stdout);
	/* Diagnostics cut at the end of the buffer still end their line. */
	if (used > 0 && diag[used - 1] != '\n')
		fputs("\n", stdout);
	unit.open = false;
}

bool
unit_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbegin(fmt, ap);
	va_end(ap);
	unit.ok = ok;
	unit_end();
	return ok;
}

void
unit_diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strbuf_printf(&unit.diag, "#   %s\n", line);
}

/* Marks the open case failed and names the check. */
static void
failed_at(const char *file, int line, const char *expr)
{
	if (!unit.open) {
		printf("Bail out! %s:%d: check outside a test case\n", file,
		    line);
		exit(1);
	}
	unit.ok = false;
	strbuf_printf(&unit.diag, "#   %s:%d: %s\n", file, line, expr);
}

bool
unit_check(bool ok, const char *file, int line, const char *expr)
{
	if (!ok)
		failed_at(file, line, expr);
	return ok;
}

bool
unit_check_int(long long got, long long want, const char *file, int line,
    const char *expr)
{
	if (got == want)
		return true;
	failed_at(file, line, expr);
	strbuf_printf(&unit.diag, "#     got:  %lld\n#     want: %lld\n", got,
	    want);
	return false;
}

bool
unit_check_str(const char *got, const char *want, const char *file,
    int line, const char *expr)
{
	if (got == NULL && want == NULL)
		return true;
	if (got != NULL && want != NULL && strcmp(got, want) == 0)
		return true;
	failed_at(file, line, expr);
	strbuf_puts(&unit.diag, "#     got:  ");
	append_value(&unit.diag, got);
	strbuf_puts(&unit.diag, "\n#     want: ");
	append_value(&unit.diag, want);
	strbuf_puts(&unit.diag, "\n");
	return false;
}

bool
unit_check_mem(const void *got, size_t got_len, const void *want,
    size_t want_len, const char *file, int line, const char *expr)
{
	if (got_len == want_len && (got_len == 0 ||
	    memcmp(got, want, got_len) == 0))
		return true;
	failed_at(file, line, expr);
	strbuf_printf(&unit.diag, "#     got:  %zu bytes ", got_len);
	append_escaped(&unit.diag, got, got_len);
	strbuf_printf(&unit.diag, "\n#     want: %zu bytes ", want_len);
	append_escaped(&unit.diag, want, want_len);
	strbuf_puts(&unit.diag, "\n");
	return false;
}

bool
unit_check_contains(const char *got, const char *needle, const char *file,
    int line, const char *expr)
{
	if (got != NULL && strstr(got, needle) != NULL)
		return true;
	failed_at(file, line, expr);
	strbuf_puts(&unit.diag, "#     got:      ");
	append_value(&unit.diag, got);
	strbuf_puts(&unit.diag, "\n#     contains: ");
	append_value(&unit.diag, needle);
	strbuf_puts(&unit.diag, "\n");
	return false;
}

int
unit_in_child(int (*fn)(const void *), const void *arg)
{
	pid_t pid;
	int status;

	/* Whatever is buffered now must not be written twice. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
main(void)
{
	size_t i;

	/* Line buffered, so the results so far survive a crash in a case. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_LEN(groups); i++) {
		int run = unit.run, failed = unit.failed;

		printf("# %s\n", groups[i].name);
		groups[i].run();
		if (unit.open)
			unit_end();
		printf("# %s: %d cases, %d failed\n", groups[i].name,
		    unit.run - run, unit.failed - failed);
	}
	/*
	 * The plan comes last, which TAP allows: the count is whatever the
	 * tables hold, and a run that dies half way has no plan at all, so a
	 * TAP reader reports it as failed.
	 */
	printf("1..%d\n", unit.run);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return unit.failed > 0 ? 1 : 0;
}
