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
	/*
	 * One rule for IPv4-mapped addresses: a block written as IPv4, as
	 * ::ffff:a.b.c.d or in hex (::ffff:7f00:1) matches the IPv4 peer as
	 * an IPv4 socket shows it and as a dual-stack socket shows it.
	 */
	{ "127.0.0.1", "127.0.0.1", true },
	{ "127.0.0.1", "::ffff:127.0.0.1", true },
	{ "::ffff:127.0.0.1", "127.0.0.1", true },
	{ "::ffff:127.0.0.1", "::ffff:127.0.0.1", true },
	{ "::ffff:7f00:1", "127.0.0.1", true },
	{ "::ffff:7f00:1", "::ffff:127.0.0.1", true },
	{ "127.0.0.1", "127.0.0.2", false },
	{ "127.0.0.1", "::ffff:127.0.0.2", false },
	{ "::ffff:127.0.0.1", "127.0.0.2", false },
	{ "::ffff:127.0.0.1", "::ffff:127.0.0.2", false },
	{ "127.0.0.0/8", "::ffff:127.9.9.9", true },
	{ "127.0.0.0/8", "::ffff:10.0.0.1", false },
	{ "::ffff:127.0.0.0/104", "127.9.9.9", true },
	{ "::ffff:127.0.0.0/104", "10.0.0.1", false },
	{ "::ffff:127.0.0.0/104", "::ffff:127.9.9.9", true },
	{ "::ffff:0:0/96", "203.0.113.9", true },
	{ "::ffff:0:0/96", "::1", false },
	/* A plain IPv6 block holds IPv4 peers only in their mapped form. */
	{ "::1", "127.0.0.1", false },
	{ "::1", "::ffff:127.0.0.1", false },
	{ "::/0", "127.0.0.1", true },
	{ "::/0", "::ffff:127.0.0.1", true },
	{ "::/0", "::1", true },
	{ "fe80::/10", "127.0.0.1", false },
	/* The mapped form is not the deprecated compatible form ::a.b.c.d. */
	{ "127.0.0.1", "::127.0.0.1", false },
	/* An IPv4 block never holds a native IPv6 peer. */
	{ "0.0.0.0/0", "::1", false },
	{ "0.0.0.0/0", "2001:db8::1", false },
	{ "0.0.0.0/0", "::ffff:198.51.100.7", true },
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

/* The verdict of cidr_admit for one allow or deny rule and one peer. */
static bool
admit_one(const char *allow, const char *deny, const char *who)
{
	struct cidr block;
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256];

	cidr_parse(allow != NULL ? allow : deny, &block, err, sizeof(err));
	len = peer(who, &ss);
	if (allow != NULL)
		return cidr_admit(&block, 1, NULL, 0, (struct sockaddr *)&ss,
		    len);
	return cidr_admit(NULL, 0, &block, 1, (struct sockaddr *)&ss, len);
}

/*
 * Every combination of a rule written as IPv4, mapped or plain IPv6 and a
 * peer seen as IPv4 or mapped, in both lists: allow and deny must be
 * mirror images, so a rule never lets in on one list what it fails to
 * keep out on the other.
 */
static void
check_admit_mapped(void)
{
	static const char *const rules[] = {
		"127.0.0.2", "::ffff:127.0.0.2", "::ffff:7f00:2",
		"127.0.0.0/30", "::ffff:127.0.0.0/126",
	};
	static const char *const v6_rules[] = { "::2", "::1", "fe80::/10" };
	static const char *const same[] = { "127.0.0.2", "::ffff:127.0.0.2" };
	static const char *const other[] = { "10.0.0.2", "::ffff:10.0.0.2" };
	size_t r, p;

	for (r = 0; r < ARRAY_LEN(rules); r++) {
		for (p = 0; p < ARRAY_LEN(same); p++) {
			unit_begin("--allow %s / --deny %s, peers %s and %s",
			    rules[r], rules[r], same[p], other[p]);
			CHECK(admit_one(rules[r], NULL, same[p]));
			CHECK(!admit_one(NULL, rules[r], same[p]));
			CHECK(!admit_one(rules[r], NULL, other[p]));
			CHECK(admit_one(NULL, rules[r], other[p]));
			unit_end();
		}
	}
	for (r = 0; r < ARRAY_LEN(v6_rules); r++) {
		for (p = 0; p < ARRAY_LEN(same); p++) {
			unit_begin("--allow %s / --deny %s, peer %s",
			    v6_rules[r], v6_rules[r], same[p]);
			CHECK(!admit_one(v6_rules[r], NULL, same[p]));
			CHECK(admit_one(NULL, v6_rules[r], same[p]));
			unit_end();
		}
	}
}

/* A peer that is neither IPv4 nor IPv6, or cut short, is refused. */
static void
check_admit_closed(void)
{
	struct cidr allow[1], deny[1], odd[1];
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	char err[256];

	unit_begin("cidr_admit fails closed");
	cidr_parse("127.0.0.0/8", &allow[0], err, sizeof(err));
	cidr_parse("10.0.0.0/8", &deny[0], err, sizeof(err));
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	CHECK(!cidr_admit(allow, 1, NULL, 0, (struct sockaddr *)&ss,
	    sizeof(ss)));
	CHECK(!cidr_admit(NULL, 0, deny, 1, (struct sockaddr *)&ss,
	    sizeof(ss)));
	/* An IPv4 address with a length too short to hold it. */
	peer("127.0.0.1", &ss);
	CHECK(!cidr_admit(NULL, 0, deny, 1, (struct sockaddr *)&ss, 4));
	CHECK(!cidr_admit(allow, 1, NULL, 0, (struct sockaddr *)&ss, 4));
	CHECK(cidr_admit(NULL, 0, deny, 1, (struct sockaddr *)&ss,
	    sizeof(*in)));
	/* A block of no known family denies and never allows. */
	memset(odd, 0, sizeof(odd));
	CHECK(!cidr_admit(NULL, 0, odd, 1, (struct sockaddr *)&ss,
	    sizeof(*in)));
	CHECK(!cidr_admit(odd, 1, NULL, 0, (struct sockaddr *)&ss,
	    sizeof(*in)));
	/* No block at all: every peer stays, as without --allow/--deny. */
	CHECK(cidr_admit(NULL, 0, NULL, 0, (struct sockaddr *)&ss, 4));
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
	check_admit_mapped();
	check_admit_closed();
}
