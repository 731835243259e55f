/* report.h: the one place that tells the user what happened: errors, notes, events. */
#ifndef SOCKIT_REPORT_H
#define SOCKIT_REPORT_H

#include "compat.h"

#include "strbuf.h"

struct report_settings {
	bool verbose;	/* -v: notes about addresses and events */
	bool json;	/* --json: notes and errors as JSON objects */
	const char *command;	/* for "see 'sockit CMD --help'" */
};

extern struct report_settings report;

/*
 * --json or not: with it, every message stays in English, the words a
 * machine reads, however the locale or --lang asks.
 */
void report_use_json(bool json);

/* A usage error: "sockit CMD: MESSAGE" and where to read more. */
void report_usage(const char *fmt, ...) PRINTF_LIKE(1, 2);
/*
 * A failed call: "sockit: WHAT: CALL: strerror (ENAME)" and the hint for
 * (call, err) on the next line. what names the operation and operand,
 * such as "connect to 127.0.0.1:9"; call is the function whose errno err
 * is ("socket", "connect"), and is left out when what is just the same.
 * --json gives it as "call".
 */
void report_errno(const char *call, const char *what, int err);
/*
 * A failed call that keeps failing, said once for many: as report_errno,
 * with ", TIMES times in the last SECONDS s" after the error's name
 * (--json: "times" and "seconds" fields).
 */
void report_errno_repeated(const char *call, const char *what, int err,
    unsigned long times, double seconds);
/* The same with the caller's hint (NULL: none), such as explain_errno_at's. */
void report_errno_hint(const char *call, const char *what, int err,
    const char *hint);
/*
 * A resolver failure of getaddrinfo:
 * "sockit: WHAT: getaddrinfo: gai_strerror (EAI_NAME)".
 */
void report_eai(const char *what, int code);
/* The same with the caller's hint, when it knows better than the code. */
void report_eai_hint(const char *what, int code, const char *hint);
/* The same for another resolver call, such as getnameinfo. */
void report_eai_call(const char *call, const char *what, int code,
    const char *hint);
/*
 * A failure with a name of its own, such as a certificate check:
 * "sockit: WHAT: TEXT (NAME)", then facts (lines that start "\n  ",
 * or "") and the hint on a line of its own; name and hint may be NULL.
 */
void report_failure_lines(const char *what, const char *text,
    const char *name, const char *facts, const char *hint);
/* A failure that is not an errno, such as a timeout. */
void report_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A warning that is always shown. */
void report_warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A -v note; a no-op unless verbose (and written as text, not JSON). */
void report_note(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A note shown without -v too, for what the user cannot learn otherwise. */
void report_notice(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Starts a --json event object with "event" and "time" filled in. */
void report_event_begin(struct strbuf *sb, char *storage, size_t cap,
    const char *event);
/* Ends the event object and writes it as one line on stderr. */
void report_event_end(struct strbuf *sb);
/* Writes text to stderr in one write. */
void report_write(const char *text, size_t len);

#endif
