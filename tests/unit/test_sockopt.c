/* test_sockopt.c: -o NAME=VALUE parsing and the socket option table. */
#include "compat.h"

#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#include "sockopt.h"
#include "unit.h"

/* A setting that parses, and the value setsockopt() would be given. */
struct valid_case {
	const char *arg;
	const char *name;	/* the table row it must find */
	int int_value;		/* SOCKOPT_INT and SOCKOPT_BOOL */
	int l_onoff;		/* SOCKOPT_LINGER */
	int l_linger;
	const char *string_value;	/* SOCKOPT_STRING */
};

struct invalid_case {
	const char *arg;
	const char *needle;
	const char *needle2;
};

static const struct valid_case valid_cases[] = {
	/* Integers, with the binary suffixes buffer sizes are written in. */
	{ "SO_RCVBUF=1048576", "SO_RCVBUF", 1048576, 0, 0, NULL },
	{ "SO_RCVBUF=1m", "SO_RCVBUF", 1048576, 0, 0, NULL },
	{ "SO_RCVBUF=1M", "SO_RCVBUF", 1048576, 0, 0, NULL },
	{ "SO_SNDBUF=64k", "SO_SNDBUF", 65536, 0, 0, NULL },
	{ "SO_SNDBUF=64K", "SO_SNDBUF", 65536, 0, 0, NULL },
	{ "SO_SNDBUF=1g", "SO_SNDBUF", 1073741824, 0, 0, NULL },
	{ "SO_SNDBUF=0", "SO_SNDBUF", 0, 0, 0, NULL },
	{ "IP_TTL=5", "IP_TTL", 5, 0, 0, NULL },
	{ "IP_TOS=184", "IP_TOS", 184, 0, 0, NULL },
	{ "SO_PRIORITY=-1", "SO_PRIORITY", -1, 0, 0, NULL },
	{ "SO_MARK=2147483647", "SO_MARK", 2147483647, 0, 0, NULL },
	{ "TCP_USER_TIMEOUT=30000", "TCP_USER_TIMEOUT", 30000, 0, 0, NULL },
	{ "IPV6_UNICAST_HOPS=64", "IPV6_UNICAST_HOPS", 64, 0, 0, NULL },

	/* Booleans: the words people use for on and off. */
	{ "TCP_NODELAY=1", "TCP_NODELAY", 1, 0, 0, NULL },
	{ "TCP_NODELAY=0", "TCP_NODELAY", 0, 0, 0, NULL },
	{ "TCP_NODELAY=on", "TCP_NODELAY", 1, 0, 0, NULL },
	{ "TCP_NODELAY=off", "TCP_NODELAY", 0, 0, 0, NULL },
	{ "SO_REUSEADDR=yes", "SO_REUSEADDR", 1, 0, 0, NULL },
	{ "SO_REUSEADDR=no", "SO_REUSEADDR", 0, 0, 0, NULL },
	{ "SO_KEEPALIVE=true", "SO_KEEPALIVE", 1, 0, 0, NULL },
	{ "SO_KEEPALIVE=false", "SO_KEEPALIVE", 0, 0, 0, NULL },
	{ "SO_BROADCAST=ON", "SO_BROADCAST", 1, 0, 0, NULL },
	{ "IPV6_V6ONLY=Off", "IPV6_V6ONLY", 0, 0, 0, NULL },

	/* Names are matched without regard to case. */
	{ "tcp_nodelay=1", "TCP_NODELAY", 1, 0, 0, NULL },
	{ "So_ReuseAddr=yes", "SO_REUSEADDR", 1, 0, 0, NULL },
	{ "ip_ttl=64", "IP_TTL", 64, 0, 0, NULL },

	/* SO_LINGER: seconds switch it on, 0 means reset on close. */
	{ "SO_LINGER=5", "SO_LINGER", 0, 1, 5, NULL },
	{ "SO_LINGER=0", "SO_LINGER", 0, 1, 0, NULL },
	{ "SO_LINGER=off", "SO_LINGER", 0, 0, 0, NULL },
	{ "SO_LINGER=OFF", "SO_LINGER", 0, 0, 0, NULL },
	{ "so_linger=30", "SO_LINGER", 0, 1, 30, NULL },

	/* Strings are passed on as written, '=' and all. */
	{ "SO_BINDTODEVICE=eth0", "SO_BINDTODEVICE", 0, 0, 0, "eth0" },
	{ "TCP_CONGESTION=cubic", "TCP_CONGESTION", 0, 0, 0, "cubic" },
	{ "TCP_CONGESTION=a=b", "TCP_CONGESTION", 0, 0, 0, "a=b" },
	{ "tcp_congestion=Reno", "TCP_CONGESTION", 0, 0, 0, "Reno" },
};

static const struct invalid_case invalid_cases[] = {
	{ "TCP_NODELAY", "TCP_NODELAY", "=VALUE" },
	{ "=1", "bad socket option name", "'=1'" },
	{ "SO_BOGUS=1", "unknown socket option", "SO_BOGUS" },
	{ "TCP_NODELAYY=1", "unknown socket option", "TCP_NODELAYY" },
	{ "TCP_NODELAY=2", "TCP_NODELAY takes 0 or 1", "'2'" },
	{ "TCP_NODELAY=", "TCP_NODELAY takes 0 or 1", "''" },
	{ "TCP_NODELAY=enabled", "TCP_NODELAY", "'enabled'" },
	{ "SO_RCVBUF=abc", "SO_RCVBUF takes an integer", "'abc'" },
	{ "SO_RCVBUF=", "SO_RCVBUF takes an integer", "''" },
	{ "SO_RCVBUF=1x", "SO_RCVBUF takes an integer", "'1x'" },
	{ "SO_RCVBUF=1kb", "SO_RCVBUF takes an integer", "'1kb'" },
	{ "SO_RCVBUF=k", "SO_RCVBUF takes an integer", "'k'" },
	{ "SO_RCVBUF=2g", "SO_RCVBUF takes an integer", "'2g'" },
	{ "SO_RCVBUF=2147483648", "SO_RCVBUF takes an integer", NULL },
	{ "SO_RCVBUF=-2147483649", "SO_RCVBUF takes an integer", NULL },
	{ "SO_RCVBUF=99999999999999999999", "SO_RCVBUF takes an integer",
	  NULL },
	{ "SO_LINGER=-1", "SO_LINGER takes seconds or 'off'", "'-1'" },
	{ "SO_LINGER=on", "SO_LINGER takes seconds or 'off'", "'on'" },
	{ "SO_LINGER=", "SO_LINGER", NULL },
	{ "SO_BINDTODEVICE=", "SO_BINDTODEVICE takes a name", "63" },
	{ "TCP_CONGESTION=0123456789012345678901234567890123456789"
	  "012345678901234567890123", "TCP_CONGESTION takes a name", "63" },
};

static void
check_valid(const struct valid_case *c)
{
	struct sockopt_setting s;
	char err[256] = "";

	unit_begin("sockopt_parse '%s'", c->arg);
	if (!CHECK_INT(sockopt_parse(c->arg, &s, err, sizeof(err)), 0)) {
		unit_diag("error: %s", err);
		unit_end();
		return;
	}
	if (!CHECK(s.def != NULL) || !CHECK_STR(s.def->name, c->name)) {
		unit_end();
		return;
	}
	switch (s.def->kind) {
	case SOCKOPT_INT:
	case SOCKOPT_BOOL:
		CHECK_INT(s.int_value, c->int_value);
		break;
	case SOCKOPT_LINGER:
		CHECK_INT(s.linger_value.l_onoff, c->l_onoff);
		CHECK_INT(s.linger_value.l_linger, c->l_linger);
		break;
	case SOCKOPT_STRING:
		CHECK_STR(s.string_value, c->string_value);
		break;
	}
	unit_end();
}

static void
check_invalid(const struct invalid_case *c)
{
	struct sockopt_setting s;
	char err[256] = "";

	unit_begin("sockopt_parse refuses '%s'", c->arg);
	if (CHECK_INT(sockopt_parse(c->arg, &s, err, sizeof(err)), -1)) {
		CHECK_CONTAINS(err, c->needle);
		if (c->needle2 != NULL)
			CHECK_CONTAINS(err, c->needle2);
	}
	unit_end();
}

/* Exit statuses of the child that parses; a sanitizer exits with 1. */
#define CHILD_REFUSED 0
#define CHILD_ACCEPTED 10

/*
 * The suffix multiplies before the range check, so a number that fits a
 * long long can overflow on the way; run it in a child so that a crash
 * (an overflow trap under -fsanitize) fails this case alone.
 */
static int
parse_in_child(const void *arg)
{
	struct sockopt_setting s;
	char err[256];

	if (sockopt_parse(arg, &s, err, sizeof(err)) == -1)
		return CHILD_REFUSED;
	return CHILD_ACCEPTED;
}

static void
test_suffix_overflow(void)
{
	static const char *const args[] = {
		"SO_RCVBUF=9223372036854775807k",
		"SO_RCVBUF=17179869184g",
		"SO_RCVBUF=-9223372036854775807m",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(args); i++) {
		int status;

		unit_begin("sockopt_parse refuses '%s' (overflows when scaled)",
		    args[i]);
		status = unit_in_child(parse_in_child, args[i]);
		if (!CHECK_INT(status, CHILD_REFUSED))
			unit_diag("%s", status == CHILD_ACCEPTED ?
			    "the value was accepted" :
			    "the parse died: a crash or a sanitizer report");
		unit_end();
	}
}

/* The bytes and length setsockopt() gets for each kind. */
static void
test_values(void)
{
	struct sockopt_setting s;
	const void *p;
	socklen_t len;
	char err[256] = "";
	int rc;

	unit_begin("sockopt_value of an int is the int");
	rc = sockopt_parse("SO_RCVBUF=4k", &s, err, sizeof(err));
	if (CHECK_INT(rc, 0)) {
		p = sockopt_value(&s, &len);
		CHECK_INT(len, sizeof(int));
		CHECK(p == &s.int_value);
		CHECK_INT(*(const int *)p, 4096);
	}
	unit_end();

	unit_begin("sockopt_value of a bool is an int");
	rc = sockopt_parse("TCP_NODELAY=yes", &s, err, sizeof(err));
	if (CHECK_INT(rc, 0)) {
		p = sockopt_value(&s, &len);
		CHECK_INT(len, sizeof(int));
		CHECK_INT(*(const int *)p, 1);
	}
	unit_end();

	unit_begin("sockopt_value of SO_LINGER is a struct linger");
	rc = sockopt_parse("SO_LINGER=7", &s, err, sizeof(err));
	if (CHECK_INT(rc, 0)) {
		const struct linger *l;

		p = sockopt_value(&s, &len);
		l = p;
		CHECK_INT(len, sizeof(struct linger));
		CHECK_INT(l->l_onoff, 1);
		CHECK_INT(l->l_linger, 7);
	}
	unit_end();

	/* The kernel takes the name without its NUL for both string rows. */
	unit_begin("sockopt_value of a string is its bytes, no NUL");
	rc = sockopt_parse("SO_BINDTODEVICE=lo", &s, err, sizeof(err));
	if (CHECK_INT(rc, 0)) {
		p = sockopt_value(&s, &len);
		CHECK_MEM(p, len, "lo", 2);
	}
	unit_end();
}

/* The level a name's prefix says it belongs to. */
static int
level_of_prefix(const char *name)
{
	if (strncmp(name, "SO_", 3) == 0)
		return SOL_SOCKET;
	if (strncmp(name, "TCP_", 4) == 0)
		return IPPROTO_TCP;
	if (strncmp(name, "IPV6_", 5) == 0)
		return IPPROTO_IPV6;
	if (strncmp(name, "IP_", 3) == 0)
		return IPPROTO_IP;
	return -1;
}

/* Every row: found by name in any case, by value, and settable. */
static void
test_table(void)
{
	const struct sockopt_def *rows;
	size_t count, i, j;

	rows = sockopt_table(&count);
	unit_ok(count > 0, "sockopt_table is not empty");
	for (i = 0; i < count; i++) {
		const struct sockopt_def *row = &rows[i];
		struct sockopt_setting s;
		char lower[64], arg[96], err[256] = "";

		unit_begin("sockopt row %s round-trips", row->name);
		CHECK(sockopt_find(row->name) == row);
		for (j = 0; row->name[j] != '\0' && j < sizeof(lower) - 1; j++)
			lower[j] = (char)tolower((unsigned char)row->name[j]);
		lower[j] = '\0';
		CHECK(sockopt_find(lower) == row);
		CHECK(sockopt_by_value(row->level, row->optname) == row);
		CHECK_INT(level_of_prefix(row->name), row->level);
		CHECK(sockopt_level_name(row->level) != NULL);
		CHECK(row->help != NULL && row->help[0] != '\0');
		snprintf(arg, sizeof(arg), "%s=%s", row->name,
		    row->kind == SOCKOPT_STRING ? "x" : "1");
		if (!CHECK_INT(sockopt_parse(arg, &s, err, sizeof(err)), 0))
			unit_diag("error: %s", err);
		else
			CHECK(s.def == row);
		unit_end();
	}

	unit_begin("sockopt_find and sockopt_by_value miss unknown options");
	CHECK(sockopt_find("SO_NOSUCH") == NULL);
	CHECK(sockopt_find("") == NULL);
	CHECK(sockopt_find("SO_RCVBUF ") == NULL);
	CHECK(sockopt_by_value(SOL_SOCKET, -1) == NULL);
	CHECK(sockopt_by_value(-1, SO_RCVBUF) == NULL);
	/* The option number alone is not enough: the level picks the row. */
	CHECK(sockopt_by_value(IPPROTO_IPV6, IP_TTL) == NULL);
	unit_end();
}

static void
test_level_names(void)
{
	static const struct {
		int level;
		const char *name;
	} levels[] = {
		{ SOL_SOCKET, "SOL_SOCKET" },
		{ IPPROTO_TCP, "IPPROTO_TCP" },
		{ IPPROTO_UDP, "IPPROTO_UDP" },
		{ IPPROTO_IP, "IPPROTO_IP" },
		{ IPPROTO_IPV6, "IPPROTO_IPV6" },
		{ 12345, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(levels); i++) {
		unit_begin("sockopt_level_name %d is %s", levels[i].level,
		    levels[i].name ? levels[i].name : "unknown");
		CHECK_STR(sockopt_level_name(levels[i].level), levels[i].name);
		unit_end();
	}
}

void
test_sockopt(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(valid_cases); i++)
		check_valid(&valid_cases[i]);
	for (i = 0; i < ARRAY_LEN(invalid_cases); i++)
		check_invalid(&invalid_cases[i]);
	test_suffix_overflow();
	test_values();
	test_table();
	test_level_names();
}
