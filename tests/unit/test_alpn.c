/* test_alpn.c: --alpn lists in ALPN's wire form, and the errors that name the bad part. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alpn.h"
#include "unit.h"

/* Lists that parse, and their wire form as RFC 7301 section 3.1 lays it out. */
static const struct {
	const char *list;
	const char *wire;
	size_t len;
} good[] = {
	{ "h2", "\x02h2", 3 },
	{ "h2,http/1.1", "\x02h2\x08http/1.1", 12 },
	{ "http/1.1,h2", "\x08http/1.1\x02h2", 12 },
	{ "x", "\x01x", 2 },
	{ "a,b,c", "\x01" "a\x01" "b\x01" "c", 6 },
	{ "acme-tls/1", "\x0a" "acme-tls/1", 11 },
};

/* Lists refused, and the words the error must have. */
static const struct {
	const char *list;
	const char *says;
} bad[] = {
	{ "", "name 1 of 1 is empty (the list is empty)" },
	{ "h2,", "name 2 of 2 is empty (a comma ends the list)" },
	{ ",,", "name 1 of 3 is empty" },
	{ ",h2", "name 1 of 2 is empty" },
	{ "h2,,http/1.1", "name 2 of 3 is empty" },
	{ "h2, http/1.1", "name 2 has a space, 0x20 at byte 1" },
	{ "h2\t", "name 1 has 0x09 at byte 3" },
	{ "h\x7f", "name 1 has 0x7f at byte 2" },
	{ "ok,\xc3\xa9", "name 2 has 0xc3 at byte 1" },
};

static void
test_good(void)
{
	unsigned char wire[64];
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_LEN(good); i++) {
		unit_begin("alpn \"%s\" goes on the wire as %zu bytes",
		    good[i].list, good[i].len);
		CHECK_INT(alpn_wire_len(good[i].list), good[i].len);
		CHECK_INT(alpn_wire(good[i].list, wire, sizeof(wire), err,
		    sizeof(err)), (long)good[i].len);
		CHECK_MEM(wire, good[i].len, good[i].wire, good[i].len);
		CHECK_INT(alpn_wire(good[i].list, NULL, 0, err, sizeof(err)),
		    (long)good[i].len);
		unit_end();
	}
}

static void
test_bad(void)
{
	unsigned char wire[64];
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		unit_begin("alpn \"%s\" is refused: %s", bad[i].list,
		    bad[i].says);
		err[0] = '\0';
		CHECK_INT(alpn_wire(bad[i].list, wire, sizeof(wire), err,
		    sizeof(err)), -1);
		CHECK_CONTAINS(err, bad[i].says);
		unit_end();
	}
}

/* A list of count names of len bytes each, 'a' to 'z' over and over. */
static char *
names(size_t count, size_t len)
{
	char *s = malloc(count * (len + 1) + 1);
	size_t i, o = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		memset(s + o, 'a' + (int)(i % 26), len);
		o += len;
		s[o++] = ',';
	}
	s[o > 0 ? o - 1 : 0] = '\0';
	return s;
}

static void
test_limits(void)
{
	char err[256];
	/* 255 names of 255 bytes: 65280 on the wire; one of 252 more fits. */
	char *most = names(255, ALPN_NAME_MAX), *full, *over;
	char *long_one = names(2, ALPN_NAME_MAX + 1);
	unsigned char *wire = malloc(ALPN_WIRE_MAX + 300);

	unit_begin("alpn takes names of 255 bytes and a list of exactly "
	    "65533 bytes on the wire, and no more");
	if (!CHECK(most != NULL && long_one != NULL && wire != NULL))
		goto out;
	full = malloc(strlen(most) + 300);
	over = malloc(strlen(most) + 300);
	if (!CHECK(full != NULL && over != NULL))
		goto out2;
	/* 65280 + 1 + 252 = 65533 */
	snprintf(full, strlen(most) + 300, "%s,%0252d", most, 0);
	snprintf(over, strlen(most) + 300, "%s,%0253d", most, 0);
	CHECK_INT(alpn_wire(most, wire, ALPN_WIRE_MAX + 300, err,
	    sizeof(err)), 255 * 256);
	CHECK_INT(alpn_wire(full, wire, ALPN_WIRE_MAX + 300, err,
	    sizeof(err)), ALPN_WIRE_MAX);
	CHECK_INT(alpn_wire(over, wire, ALPN_WIRE_MAX + 300, err,
	    sizeof(err)), -1);
	CHECK_CONTAINS(err, "the list is 65534 bytes on the wire, over "
	    "ALPN's 65533");
	CHECK_INT(alpn_wire(long_one, NULL, 0, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "name 1 is 256 bytes, over ALPN's 255");
	CHECK_INT(alpn_wire("h2", wire, 2, err, sizeof(err)), -1);
out2:
	free(full);
	free(over);
out:
	free(most);
	free(long_one);
	free(wire);
	unit_end();
}

void
test_alpn(void)
{
	test_good();
	test_bad();
	test_limits();
}
