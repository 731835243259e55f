/* test_cidr.c: --allow/--deny blocks: parsing, and matching IPv4, IPv6 and mapped peers. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "cidr.h"
#include "unit.h"

struct parse_case {
	const char *text;
	int family;		/* 0: must fail */
	int prefix;
	const char *network;	/* the stored address, as text */
};

static const struct parse_case parse_cases[] = {
	{ "127.0.0.1", AF_INET, 32, "127.0.0.1" },
	{ "127.0.0.0/8", AF_INET, 8, "127.0.0.0" },
	{ "10.1.2.3/8", AF_INET, 8, "10.0.0.0" },
	{ "192.168.1.130/25", AF_INET, 25, "192.168.1.128" },
	{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0" },
	{ "::1", AF_INET6, 128, "::1" },
	{ "[::1]", AF_INET6, 128, "::1" },
	{ "[::1]/128", AF_INET6, 128, "::1" },
	{ "fe80::1/10", AF_INET6, 10, "fe80::" },
	{ "2001:db8::/32", AF_INET6, 32, "2001:db8::" },
	{ "::/0", AF_INET6, 0, "::" },
	{ "", 0, 0, NULL },
	{ "/8", 0, 0, NULL },
	{ "localhost", 0, 0, NULL },
	{ "127.0.0.1/33", 0, 0, NULL },
	{ "::1/129", 0, 0, NULL },
	{ "127.0.0.1/", 0, 0, NULL },
	{ "127.0.0.1/-1", 0, 0, NULL },
	{ "127.0.0.1/8x", 0, 0, NULL },
	{ "127.0.0.1/0008", 0, 0, NULL },
	{ "300.0.0.1", 0, 0, NULL },
	{ "[::1", 0, 0, NULL },
};

static void
check_parse(const struct parse_case *c)
{
	struct cidr out;
	char err[256], text[INET6_ADDRSTRLEN];
	int rc;

	unit_begin("cidr_parse(\"%s\")", c->text);
	err[0] = '\0';
	rc = cidr_parse(c->text, &out, err, sizeof(err));
	if (c->family == 0) {
		if (CHECK_INT(rc, -1))
			CHECK(err[0] != '\0');
	} else if (CHECK_INT(rc, 0)) {
		CHECK_INT(out.family, c->family);
		CHECK_INT(out.prefix, c->prefix);
		inet_ntop(out.family, out.addr, text, sizeof(text));
		CHECK_STR(text, c->network);
	}
	unit_end();
}

/* A peer address as accept() would fill it. */
static socklen_t
peer(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		return sizeof(*in);
	}
	inet_pton(AF_INET6, text, &in6->sin6_addr);
	in6->sin6_family = AF_INET6;
	return sizeof(*in6);
}

struct match_case {
	const char *block;
	const char *peer;
	bool match;
};

static const struct match_case match_cases[] = {
	{ "127.0.0.1", "127.0.0.1", true },
	{ "127.0.0.1", "127.0.0.2", false },
	{ "127.0.0.0/8", "127.255.1.1", true },
	{ "127.0.0.0/8", "128.0.0.1", false },
	{ "192.168.1.128/25", "192.168.1.200", true },
	{ "192.168.1.128/25", "192.168.1.127", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "::1", "::1", true },
	{ "::1", "::2", false },
	{ "fe80::/10", "febf::1", true },
	{ "fe80::/10", "fec0::1", false },
	/* An IPv4 peer on a dual-stack socket. */
	{ "127.0.0.1", "::ffff:127.0.0.1", true },
	{ "127.0.0.0/8", "::ffff:10.0.0.1", false },
	/* Families never mix otherwise. */
	{ "0.0.0.0/0", "::1", false },
	{ "::/0", "127.0.0.1", false },
	{ "::/0", "::ffff:127.0.0.1", true },
};

static void
check_match(const struct match_case *c)
{
	struct cidr block;
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256];

	unit_begin("%s %s %s", c->peer, c->match ? "in" : "not in", c->block);
	if (CHECK_INT(cidr_parse(c->block, &block, err, sizeof(err)), 0)) {
		len = peer(c->peer, &ss);
		CHECK_INT(cidr_match(&block, (struct sockaddr *)&ss, len),
		    c->match);
	}
	unit_end();
}

static void
check_admit(void)
{
	struct cidr allow[2], deny[1];
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256];

	unit_begin("cidr_admit: allow 127/8 and ::1, deny 127.0.0.2");
	cidr_parse("127.0.0.0/8", &allow[0], err, sizeof(err));
	cidr_parse("::1", &allow[1], err, sizeof(err));
	cidr_parse("127.0.0.2", &deny[0], err, sizeof(err));
	len = peer("127.0.0.1", &ss);
	CHECK(cidr_admit(allow, 2, deny, 1, (struct sockaddr *)&ss, len));
	len = peer("127.0.0.2", &ss);
	CHECK(!cidr_admit(allow, 2, deny, 1, (struct sockaddr *)&ss, len));
	len = peer("::1", &ss);
	CHECK(cidr_admit(allow, 2, deny, 1, (struct sockaddr *)&ss, len));
	len = peer("10.0.0.1", &ss);
	CHECK(!cidr_admit(allow, 2, deny, 1, (struct sockaddr *)&ss, len));
	/* No --allow: everyone but the denied. */
	CHECK(cidr_admit(NULL, 0, deny, 1, (struct sockaddr *)&ss, len));
	len = peer("127.0.0.2", &ss);
	CHECK(!cidr_admit(NULL, 0, deny, 1, (struct sockaddr *)&ss, len));
	unit_end();
}

void
test_cidr(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++)
		check_parse(&parse_cases[i]);
	for (i = 0; i < ARRAY_LEN(match_cases); i++)
		check_match(&match_cases[i]);
	check_admit();
}
