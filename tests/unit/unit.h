/* unit.h: the unit test harness's checks and the test groups unit.c runs. */
#ifndef SOCKIT_UNIT_H
#define SOCKIT_UNIT_H

#include "compat.h"

/*
 * A test case runs from unit_begin() to unit_end() and prints one TAP line.
 * Every check inside it may fail; the failures are printed as "# " lines
 * after the result, so one case can check a whole parsed struct and still
 * say which field was wrong.
 */
void unit_begin(const char *fmt, ...) PRINTF_LIKE(1, 2);
void unit_end(void);
/* A case made of a single condition. Returns ok. */
bool unit_ok(bool ok, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Adds a "# " line to the open case without failing it. */
void unit_diag(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Each check returns true when it passed, so a case can stop early. */
bool unit_check(bool ok, const char *file, int line, const char *expr);
bool unit_check_int(long long got, long long want, const char *file,
    int line, const char *expr);
bool unit_check_str(const char *got, const char *want, const char *file,
    int line, const char *expr);
bool unit_check_mem(const void *got, size_t got_len, const void *want,
    size_t want_len, const char *file, int line, const char *expr);
bool unit_check_contains(const char *got, const char *needle,
    const char *file, int line, const char *expr);

#define CHECK(cond) unit_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(got, want) unit_check_int((long long)(got), \
	(long long)(want), __FILE__, __LINE__, #got)
#define CHECK_STR(got, want) unit_check_str((got), (want), __FILE__, \
	__LINE__, #got)
#define CHECK_MEM(got, got_len, want, want_len) unit_check_mem((got), \
	(got_len), (want), (want_len), __FILE__, __LINE__, #got)
#define CHECK_CONTAINS(got, needle) unit_check_contains((got), (needle), \
	__FILE__, __LINE__, #got)

/*
 * Runs fn(arg) in a child process. Returns the child's exit status, or -1
 * when it could not start or was killed by a signal. For inputs that might
 * crash the code under test: a crash then fails one case, not the run.
 */
int unit_in_child(int (*fn)(const void *), const void *arg);

/* The test groups, one per module. */
void test_endpoint(void);
void test_sockopt(void);
void test_hexdump(void);
void test_json(void);
void test_opt(void);
void test_explain(void);
void test_explain_nc(void);
void test_hints(void);
void test_cidr(void);
void test_unixdiag(void);
void test_pin(void);
void test_alpn(void);
void test_trace(void);
void test_step(void);
void test_starttls(void);
void test_errtable(void);
void test_structs(void);
void test_tcpdiag(void);
void test_proxy_server(void);
void test_proxy_client(void);

#endif
