/* report.c: every message sockit prints on stderr is shaped here. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "i18n.h"
#include "json.h"
#include "report.h"
#include "trace.h"

struct report_settings report;

#define REPORT_LINE_MAX 2048

void
report_use_json(bool json)
{
	report.json = json;
	if (json)
		i18n_keep_english();
}

void
report_write(const char *text, size_t len)
{
	trace_write_stderr(text, len);
}

/*
 * Writes a message, its control bytes but the line breaks and tabs shown
 * as \xHH: a message quotes what it was given (a host, a path, an option),
 * and an escape sequence in an argument must not reach the terminal as one.
 */
static void
emit(struct strbuf *sb)
{
	char storage[REPORT_LINE_MAX * 4];
	struct strbuf shown;
	const char *p;

	strbuf_end_line(sb);
	strbuf_init(&shown, storage, sizeof(storage));
	for (p = strbuf_str(sb); *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			strbuf_printf(&shown, "\\x%02x", c);
		else
			strbuf_printf(&shown, "%c", c);
	}
	report_write(strbuf_str(&shown), strbuf_used(&shown));
}

/*
 * Writes an error as a JSON object: what failed, the names and the hint,
 * and with times > 0 how often it failed in the last seconds.
 */
static void
emit_json_error(const char *what, const char *call, const char *name,
    const char *text, const char *hint, unsigned long times, double seconds)
{
	char storage[REPORT_LINE_MAX];
	struct strbuf sb;

	report_event_begin(&sb, storage, sizeof(storage), "error");
	json_field_str(&sb, "operation", what);
	if (call != NULL)
		json_field_str(&sb, "call", call);
	if (name != NULL)
		json_field_str(&sb, "error", name);
	json_field_str(&sb, "message", text);
	if (hint != NULL)
		json_field_str(&sb, "hint", hint);
	if (times > 0) {
		json_field_u64(&sb, "times", (uint64_t)times);
		json_field_num(&sb, "seconds", seconds);
	}
	report_event_end(&sb);
}

void
report_usage(const char *fmt, ...)
{
	char storage[REPORT_LINE_MAX], msg[REPORT_LINE_MAX];
	struct strbuf sb;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	if (report.json) {
		emit_json_error("usage", NULL, NULL, msg, NULL, 0, 0);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	if (report.command != NULL) {
		strbuf_printf(&sb, "sockit %s: %s\n", report.command, msg);
		strbuf_printf(&sb, _("see 'sockit %s --help'"),
		    report.command);
	} else {
		strbuf_printf(&sb, "sockit: %s\n", msg);
		strbuf_puts(&sb, _("see 'sockit --help'"));
	}
	emit(&sb);
}

/*
 * "sockit: WHAT: CALL: strerror (ENAME)" and the hint; with times > 0, how
 * often it failed in the last seconds goes after the name. The call is
 * the one whose errno this is, so that "connect to HOST" that failed in
 * socket() says so; it is left out when what says nothing more.
 */
static void
errno_message(const char *call, const char *what, int err, const char *hint,
    unsigned long times, double seconds)
{
	char storage[REPORT_LINE_MAX];
	struct strbuf sb;
	const char *name = trace_errno_name(err);

	if (report.json) {
		emit_json_error(what, call, name,
		    i18n_errno_text_english(err), hint, times, seconds);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	if (call != NULL && strcmp(call, what) != 0)
		strbuf_printf(&sb, "sockit: %s: %s: %s (%s)", what, call,
		    i18n_errno_text(err), name ? name : "?");
	else
		strbuf_printf(&sb, "sockit: %s: %s (%s)", what,
		    i18n_errno_text(err), name ? name : "?");
	if (times > 0) {
		strbuf_puts(&sb, ", ");
		strbuf_printf(&sb, P_("%lu time in the last %.1f s",
		    "%lu times in the last %.1f s", times), times, seconds);
	}
	if (hint != NULL)
		strbuf_printf(&sb, "\n  %s", _(hint));
	emit(&sb);
}

void
report_errno(const char *call, const char *what, int err)
{
	errno_message(call, what, err, explain_errno(call, err), 0, 0);
}

void
report_errno_hint(const char *call, const char *what, int err,
    const char *hint)
{
	errno_message(call, what, err, hint, 0, 0);
}

void
report_errno_repeated(const char *call, const char *what, int err,
    unsigned long times, double seconds)
{
	errno_message(call, what, err, explain_errno(call, err), times,
	    seconds);
}

void
report_eai_call(const char *call, const char *what, int code,
    const char *hint)
{
	char storage[REPORT_LINE_MAX];
	struct strbuf sb;
	const char *name = trace_eai_name(code);
	char text[256];

	if (code == EAI_SYSTEM) {
		report_errno(call, what, errno);
		return;
	}
	snprintf(text, sizeof(text), "%s", report.json ?
	    i18n_eai_text_english(code) : i18n_eai_text(code));
	if (report.json) {
		emit_json_error(what, call, name, text, hint, 0, 0);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	strbuf_printf(&sb, "sockit: %s: %s: %s (%s)", what, call, text,
	    name ? name : "?");
	if (hint != NULL)
		strbuf_printf(&sb, "\n  %s", _(hint));
	emit(&sb);
}

void
report_failure_lines(const char *what, const char *text, const char *name,
    const char *facts, const char *hint)
{
	char storage[REPORT_LINE_MAX], message[REPORT_LINE_MAX];
	const char *p;
	struct strbuf sb;

	if (report.json) {
		/* The facts join the message: one line, one object. */
		strbuf_init(&sb, message, sizeof(message));
		strbuf_puts(&sb, text);
		for (p = facts; *p != '\0'; p++) {
			if (*p != '\n') {
				strbuf_add(&sb, p, 1);
				continue;
			}
			strbuf_puts(&sb, "; ");
			while (p[1] == ' ')
				p++;
		}
		emit_json_error(what, NULL, name, message, hint, 0, 0);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	strbuf_printf(&sb, "sockit: %s: %s", what, _(text));
	if (name != NULL)
		strbuf_printf(&sb, " (%s)", name);
	strbuf_puts(&sb, facts);
	if (hint != NULL)
		strbuf_printf(&sb, "\n  %s", _(hint));
	emit(&sb);
}

void
report_eai_hint(const char *what, int code, const char *hint)
{
	report_eai_call("getaddrinfo", what, code, hint);
}

void
report_eai(const char *what, int code)
{
	report_eai_hint(what, code, explain_eai(code));
}

static void
vmessage(const char *kind, const char *fmt, va_list ap)
{
	char storage[REPORT_LINE_MAX], msg[REPORT_LINE_MAX];
	struct strbuf sb;

	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	if (report.json && kind != NULL) {
		report_event_begin(&sb, storage, sizeof(storage), kind);
		json_field_str(&sb, "message", msg);
		report_event_end(&sb);
		return;
	}
	strbuf_init(&sb, storage, sizeof(storage));
	strbuf_printf(&sb, "sockit: %s%s", kind && strcmp(kind, "warning") == 0
	    ? _("warning: ") : "", msg);
	emit(&sb);
}

void
report_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("error", fmt, ap);
	va_end(ap);
}

void
report_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning", fmt, ap);
	va_end(ap);
}

void
report_note(const char *fmt, ...)
{
	va_list ap;

	if (!report.verbose || report.json)
		return;
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
report_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
report_event_begin(struct strbuf *sb, char *storage, size_t cap,
    const char *event)
{
	struct timeval tv;
	struct tm tm;
	char stamp[64];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
	strbuf_init(sb, storage, cap);
	json_begin(sb);
	json_field_str(sb, "event", event);
	json_field_str(sb, "time", stamp);
}

void
report_event_end(struct strbuf *sb)
{
	json_end(sb);
	emit(sb);
}
