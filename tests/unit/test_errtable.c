/* test_errtable.c: explain's table: every code of the course is there, found by name or number. */
#include "compat.h"

#include <errno.h>
#include <locale.h>
#include <netdb.h>
#include <string.h>

#include "errtable.h"
#include "proxy.h"
#include "explain_demo.h"
#include "unit.h"

struct named {
	int value;
	const char *name;
	enum errtable_kind kind;
};

#define ERR(x) { x, #x, ERRTABLE_ERRNO }
#define EAI(x) { x, #x, ERRTABLE_EAI }
#define HERR(x) { x, #x, ERRTABLE_HERRNO }
#define SOCKS5(x) { SOCKS5_##x, #x, ERRTABLE_SOCKS5 }
#define SOCKS4(x) { SOCKS4_##x, #x, ERRTABLE_SOCKS4 }
#define HTTP(x) { x, "HTTP_" #x, ERRTABLE_HTTP }

/* The list, in its order, then getaddrinfo's codes and h_errno. */
static const struct named course[] = {
	ERR(EACCES), ERR(EADDRINUSE), ERR(EADDRNOTAVAIL), ERR(EAFNOSUPPORT),
	ERR(EAGAIN), ERR(EALREADY), ERR(EBADF), ERR(ECONNABORTED),
	ERR(ECONNREFUSED), ERR(ECONNRESET), ERR(EDESTADDRREQ), ERR(EFAULT),
	ERR(EHOSTUNREACH), ERR(EINPROGRESS), ERR(EINTR), ERR(EINVAL),
	ERR(EISCONN), ERR(EMFILE), ERR(EMSGSIZE), ERR(ENETUNREACH),
	ERR(ENFILE), ERR(ENOBUFS), ERR(ENOMEM), ERR(ENOPROTOOPT),
	ERR(ENOTCONN), ERR(ENOTSOCK), ERR(EOPNOTSUPP), ERR(EPIPE),
	ERR(EPROTONOSUPPORT), ERR(EPROTOTYPE), ERR(ESOCKTNOSUPPORT),
	ERR(ETIMEDOUT),
	EAI(EAI_ADDRFAMILY), EAI(EAI_AGAIN), EAI(EAI_BADFLAGS), EAI(EAI_FAIL),
	EAI(EAI_FAMILY), EAI(EAI_MEMORY), EAI(EAI_NODATA), EAI(EAI_NONAME),
	EAI(EAI_OVERFLOW), EAI(EAI_SERVICE), EAI(EAI_SOCKTYPE),
	EAI(EAI_SYSTEM),
	HERR(HOST_NOT_FOUND), HERR(TRY_AGAIN), HERR(NO_RECOVERY),
	HERR(NO_DATA),
	/* The names connect --proxy prints for a proxy's answer. */
	SOCKS5(GENERAL_FAILURE), SOCKS5(NOT_ALLOWED),
	SOCKS5(NETWORK_UNREACHABLE), SOCKS5(HOST_UNREACHABLE),
	SOCKS5(CONNECTION_REFUSED), SOCKS5(TTL_EXPIRED),
	SOCKS5(COMMAND_NOT_SUPPORTED), SOCKS5(ADDRESS_TYPE_NOT_SUPPORTED),
	SOCKS5(NO_ACCEPTABLE), { 0x01, "AUTH_FAILURE", ERRTABLE_SOCKS5 },
	SOCKS4(REJECTED), SOCKS4(NO_IDENTD), SOCKS4(IDENTD_MISMATCH),
	HTTP(400), HTTP(401), HTTP(403), HTTP(405), HTTP(407), HTTP(500),
	HTTP(502), HTTP(503), HTTP(504),
};

/*
 * The ones the kernel gives on loopback without privileges: each must
 * have a demo (tests/explain.bats runs them).
 */
static const char *const provokable[] = {
	"EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN",
	"EALREADY", "EBADF", "ECONNREFUSED", "ECONNRESET", "EDESTADDRREQ",
	"EFAULT", "EHOSTUNREACH", "EINPROGRESS", "EINTR", "EINVAL",
	"EISCONN", "EMFILE", "EMSGSIZE", "ENETUNREACH", "ENOBUFS",
	"ENOPROTOOPT", "ENOTCONN", "ENOTSOCK", "EOPNOTSUPP", "EPIPE",
	"EPROTONOSUPPORT", "EPROTOTYPE", "ESOCKTNOSUPPORT", "ETIMEDOUT",
	"EAI_ADDRFAMILY", "EAI_BADFLAGS", "EAI_FAMILY", "EAI_NONAME",
	"EAI_OVERFLOW", "EAI_SERVICE", "EAI_SOCKTYPE",
};

static bool
filled(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void
test_course_complete(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(course); i++) {
		const struct errtable_entry *e = errtable_find(course[i].name);

		unit_begin("explain knows %s", course[i].name);
		if (CHECK(e != NULL)) {
			CHECK_STR(e->name, course[i].name);
			CHECK_INT(e->number, course[i].value);
			CHECK_INT(e->kind, course[i].kind);
		}
		unit_end();
	}
}

static void
test_entries_filled(void)
{
	size_t n, i;
	const struct errtable_entry *t = errtable_all(&n);

	unit_ok(n == ARRAY_LEN(course), "the table holds the course's %zu "
	    "codes and no others (holds %zu)", ARRAY_LEN(course), n);
	for (i = 0; i < n; i++) {
		unit_begin("%s: meaning, calls, what to check, how to provoke",
		    t[i].name);
		CHECK(filled(t[i].meaning));
		CHECK(filled(t[i].calls));
		CHECK(filled(t[i].check));
		/* A demo, or the words for what one would take. */
		CHECK((explain_demo_recipe(t[i].name) != NULL) !=
		    filled(t[i].takes));
		CHECK(t[i].provoke == NULL ||
		    strncmp(t[i].provoke, "sockit ", 7) == 0 ||
		    strstr(t[i].provoke, " sockit ") != NULL);
		unit_end();
	}
	for (i = 0; i < ARRAY_LEN(provokable); i++)
		unit_ok(explain_demo_recipe(provokable[i]) != NULL,
		    "%s has a demo", provokable[i]);
}

static void
test_find(void)
{
	const struct errtable_entry *e;

	unit_begin("names are found in any case");
	e = errtable_find("econnrefused");
	CHECK(e != NULL && e->number == ECONNREFUSED);
	e = errtable_find("Eai_NoName");
	CHECK(e != NULL && e->number == EAI_NONAME);
	e = errtable_find("host_not_found");
	CHECK(e != NULL && e->kind == ERRTABLE_HERRNO);
	unit_end();

	unit_begin("an errno number finds its errno entry, never an h_errno");
	e = errtable_find("111");
	CHECK(e != NULL && strcmp(e->name, "ECONNREFUSED") == 0);
	/* TRY_AGAIN is 2, but 4 is EINTR: numbers are errno values. */
	e = errtable_find("4");
	CHECK(e != NULL && strcmp(e->name, "EINTR") == 0);
	CHECK(errtable_find("2") == NULL);
	CHECK(errtable_find("111x") == NULL);
	/* Past every errno, a number is an HTTP proxy's status. */
	e = errtable_find("407");
	CHECK(e != NULL && strcmp(e->name, "HTTP_407") == 0);
	CHECK(errtable_find("-2") == NULL);
	unit_end();

	unit_begin("0xNN is a SOCKS5 reply; a number is also a proxy's answer");
	e = errtable_find("0x05");
	CHECK(e != NULL && strcmp(e->name, "CONNECTION_REFUSED") == 0);
	e = errtable_find("0XFF");
	CHECK(e != NULL && strcmp(e->name, "NO_ACCEPTABLE") == 0);
	CHECK(errtable_find("0x") == NULL);
	CHECK(errtable_find("0x5g") == NULL);
	e = errtable_find_answer("91");
	CHECK(e != NULL && strcmp(e->name, "REJECTED") == 0);
	e = errtable_find("91");
	CHECK(e != NULL && strcmp(e->name, "EPROTOTYPE") == 0);
	e = errtable_find("500");
	CHECK(e != NULL && strcmp(e->name, "HTTP_500") == 0);
	CHECK(errtable_find_answer("111") == NULL);
	unit_end();

	unit_begin("the other name of a value finds its entry");
	e = errtable_find("EWOULDBLOCK");
	CHECK(e != NULL && strcmp(e->name, "EAGAIN") == 0);
	e = errtable_find("enotsup");
	CHECK(e != NULL && strcmp(e->name, "EOPNOTSUPP") == 0);
	e = errtable_find("NO_ADDRESS");
	CHECK(e != NULL && strcmp(e->name, "NO_DATA") == 0);
	unit_end();

	unit_begin("words that name nothing are not found");
	CHECK(errtable_find("") == NULL);
	CHECK(errtable_find("ECONN") == NULL);
	CHECK(errtable_find("ENOENT") == NULL);
	unit_end();
}

static void
test_nearest(void)
{
	const char *near[4];
	size_t n;

	unit_begin("a missing letter suggests the name");
	n = errtable_nearest("ECONREFUSED", near, 4);
	if (CHECK_INT(n, 1))
		CHECK_STR(near[0], "ECONNREFUSED");
	unit_end();

	unit_begin("a prefix suggests every name it starts");
	n = errtable_nearest("econn", near, 4);
	if (CHECK_INT(n, 3)) {
		CHECK_STR(near[0], "ECONNABORTED");
		CHECK_STR(near[1], "ECONNREFUSED");
		CHECK_STR(near[2], "ECONNRESET");
	}
	unit_end();

	unit_begin("a swapped pair of letters in an EAI_ name");
	n = errtable_nearest("EAI_NONMAE", near, 4);
	if (CHECK_INT(n, 1))
		CHECK_STR(near[0], "EAI_NONAME");
	unit_end();

	unit_begin("a word near nothing suggests nothing");
	CHECK_INT(errtable_nearest("banana", near, 4), 0);
	CHECK_INT(errtable_nearest("", near, 4), 0);
	unit_end();
}

/*
 * libc's English text of a code, as the C locale has it: the catalogue's
 * msgid, which i18n_errno_text() and i18n_eai_text() look up.
 */
static const char *
libc_text(const struct errtable_entry *e, locale_t c)
{
	locale_t before;
	const char *text;

	switch (e->kind) {
	case ERRTABLE_ERRNO:
		return strerror_l(e->number, c);
	case ERRTABLE_EAI:
		before = uselocale(c);
		text = gai_strerror(e->number);
		uselocale(before);
		return text;
	case ERRTABLE_HERRNO:
		return hstrerror(e->number);
	case ERRTABLE_SOCKS5:
	case ERRTABLE_SOCKS4:
	case ERRTABLE_HTTP:
		/* No libc text: the words of RFC 1928 and RFC 9110. */
		return e->meaning;
	}
	return "";
}

static void
test_libc_texts(void)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	const struct errtable_entry *t;
	const struct errtable_text *o;
	size_t n, i;

	if (!unit_ok(c != (locale_t)0, "the C locale is there"))
		return;
	t = errtable_all(&n);
	for (i = 0; i < n; i++) {
		const char *want = libc_text(&t[i], c);

		unit_begin("%s's meaning is libc's English text", t[i].name);
		/* glibc has no text for EAI_OVERFLOW: the table has its own. */
		if (strcmp(t[i].name, "EAI_OVERFLOW") == 0)
			CHECK_STR(want, "Unknown error");
		else
			CHECK_STR(t[i].meaning, want);
		unit_end();
	}
	o = errtable_other_texts(&n);
	for (i = 0; i < n; i++) {
		unit_begin("errno %d's text is libc's English text",
		    o[i].number);
		CHECK_STR(o[i].text, strerror_l(o[i].number, c));
		unit_end();
	}
	freelocale(c);
}

void
test_errtable(void)
{
	test_course_complete();
	test_entries_filled();
	test_find();
	test_nearest();
	test_libc_texts();
}
