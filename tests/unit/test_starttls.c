/* test_starttls.c: each STARTTLS preamble's commands, and what each kind of answer says, whole or in parts. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "starttls.h"
#include "unit.h"

static const char *const verdicts[] = { "more", "go", "refused", "odd" };

/* Answers and what they say; used is how much the answer takes. */
static const struct {
	enum starttls_proto proto;
	int step;
	const char *in;
	enum starttls_verdict want;
	size_t used;
} answers[] = {
	{ STARTTLS_SMTP, 0, "220 mx ready\r\n", STARTTLS_GO, 14 },
	{ STARTTLS_SMTP, 0, "220-mx\r\n220 ready\r\n", STARTTLS_GO, 19 },
	{ STARTTLS_SMTP, 0, "220-mx\r\n220-more\r\n", STARTTLS_MORE, 0 },
	{ STARTTLS_SMTP, 0, "220\r\n", STARTTLS_GO, 5 },
	{ STARTTLS_SMTP, 0, "554 no service\r\n", STARTTLS_REFUSED, 16 },
	{ STARTTLS_SMTP, 0, "421 busy\n", STARTTLS_REFUSED, 9 },
	{ STARTTLS_SMTP, 0, "SSH-2.0-x\r\n", STARTTLS_ODD, 11 },
	{ STARTTLS_SMTP, 0, "2", STARTTLS_MORE, 0 },
	{ STARTTLS_SMTP, 0, "2x", STARTTLS_ODD, 2 },
	{ STARTTLS_SMTP, 0, "220x\r\n", STARTTLS_ODD, 6 },
	{ STARTTLS_SMTP, 1, "250-a\r\n250-STARTTLS\r\n250 SIZE\r\n",
	  STARTTLS_GO, 31 },
	/* SMTP repeats the code on every line; FTP need not. */
	{ STARTTLS_SMTP, 1, "250-a\r\nb\r\n250 c\r\n", STARTTLS_ODD, 10 },
	{ STARTTLS_SMTP, 1, "250-a\r\n251 c\r\n", STARTTLS_ODD, 14 },
	{ STARTTLS_SMTP, 1, "220 again\r\n", STARTTLS_ODD, 11 },
	{ STARTTLS_SMTP, 2, "220 2.0.0 go\r\n", STARTTLS_GO, 14 },
	{ STARTTLS_SMTP, 2, "454 4.7.0 not now\r\n", STARTTLS_REFUSED, 19 },
	{ STARTTLS_SMTP, 2, "502 unknown\r\n", STARTTLS_REFUSED, 13 },
	{ STARTTLS_SMTP, 2, "220 go\r\nextra", STARTTLS_GO, 8 },
	{ STARTTLS_FTP, 0, "220-hi\r\n anything\r\n220 ok\r\n", STARTTLS_GO,
	  27 },
	{ STARTTLS_FTP, 0, "220-hi\r\n220-x\r\n", STARTTLS_MORE, 0 },
	{ STARTTLS_FTP, 1, "234 go\r\n", STARTTLS_GO, 8 },
	{ STARTTLS_FTP, 1, "534 policy\r\n", STARTTLS_REFUSED, 12 },
	{ STARTTLS_FTP, 1, "431 later\r\n", STARTTLS_REFUSED, 11 },
	{ STARTTLS_FTP, 1, "220 hm\r\n", STARTTLS_ODD, 8 },
	{ STARTTLS_IMAP, 0, "* OK [CAPABILITY IMAP4rev1] hi\r\n", STARTTLS_GO,
	  32 },
	{ STARTTLS_IMAP, 0, "* ok hi\r\n", STARTTLS_GO, 9 },
	{ STARTTLS_IMAP, 0, "* PREAUTH hi\r\n", STARTTLS_GO, 14 },
	{ STARTTLS_IMAP, 0, "* BYE go away\r\n", STARTTLS_REFUSED, 15 },
	{ STARTTLS_IMAP, 0, "* OKAY\r\n", STARTTLS_ODD, 8 },
	{ STARTTLS_IMAP, 0, "S1 OK\r\n", STARTTLS_ODD, 7 },
	{ STARTTLS_IMAP, 0, "*", STARTTLS_MORE, 0 },
	{ STARTTLS_IMAP, 0, "+O", STARTTLS_ODD, 2 },
	{ STARTTLS_IMAP, 1, "S1 OK go\r\n", STARTTLS_GO, 10 },
	{ STARTTLS_IMAP, 1, "* CAPABILITY X\r\nS1 OK go\r\n", STARTTLS_GO,
	  26 },
	{ STARTTLS_IMAP, 1, "* CAPABILITY X\r\n", STARTTLS_MORE, 0 },
	{ STARTTLS_IMAP, 1, "S1 NO off\r\n", STARTTLS_REFUSED, 11 },
	{ STARTTLS_IMAP, 1, "S1 BAD what\r\n", STARTTLS_REFUSED, 13 },
	{ STARTTLS_IMAP, 1, "* BYE\r\n", STARTTLS_REFUSED, 7 },
	{ STARTTLS_IMAP, 1, "S2 OK\r\n", STARTTLS_ODD, 7 },
	{ STARTTLS_IMAP, 1, "S1", STARTTLS_MORE, 0 },
	{ STARTTLS_POP3, 0, "+OK ready\r\n", STARTTLS_GO, 11 },
	{ STARTTLS_POP3, 0, "+OK\r\n", STARTTLS_GO, 5 },
	{ STARTTLS_POP3, 0, "-ERR busy\r\n", STARTTLS_REFUSED, 11 },
	{ STARTTLS_POP3, 0, "+OKAY\r\n", STARTTLS_ODD, 7 },
	{ STARTTLS_POP3, 0, "-E", STARTTLS_MORE, 0 },
	{ STARTTLS_POP3, 0, "220 smtp", STARTTLS_ODD, 8 },
	{ STARTTLS_POP3, 1, "-ERR no\r\n", STARTTLS_REFUSED, 9 },
	{ STARTTLS_POSTGRES, 0, "S", STARTTLS_GO, 1 },
	{ STARTTLS_POSTGRES, 0, "Sx", STARTTLS_GO, 1 },
	{ STARTTLS_POSTGRES, 0, "N", STARTTLS_REFUSED, 1 },
	{ STARTTLS_POSTGRES, 0, "E\0\0\0\x08" "abcd", STARTTLS_REFUSED, 9 },
	{ STARTTLS_POSTGRES, 0, "E\0\0\0\x08" "ab", STARTTLS_MORE, 0 },
	{ STARTTLS_POSTGRES, 0, "E\0\0\0\x02", STARTTLS_ODD, 5 },
	{ STARTTLS_POSTGRES, 0, "E\x7f\0\0\0", STARTTLS_ODD, 5 },
	{ STARTTLS_POSTGRES, 0, "H", STARTTLS_ODD, 1 },
};

/* The length of an answer's text: the postgres ones hold NULs. */
static size_t
answer_len(size_t i)
{
	const char *in = answers[i].in;

	if (answers[i].proto != STARTTLS_POSTGRES || in[0] != 'E')
		return strlen(in);
	/* E and four length bytes, then the text after them. */
	return 5 + strlen(in + 5);
}

static void
test_answers(void)
{
	size_t i, used;

	for (i = 0; i < ARRAY_LEN(answers); i++) {
		size_t len = answer_len(i);

		unit_begin("starttls %s step %d: %zu bytes are %s",
		    starttls_name(answers[i].proto), answers[i].step, len,
		    verdicts[answers[i].want]);
		CHECK_STR(verdicts[starttls_answer(answers[i].proto,
		    answers[i].step, (const unsigned char *)answers[i].in, len,
		    &used)], verdicts[answers[i].want]);
		CHECK_INT(used, answers[i].used);
		unit_end();
	}
}

/*
 * An answer that arrives a byte at a time says "more" until its last
 * byte, then what it says whole.
 */
static void
test_in_parts(void)
{
	static const char smtp[] = "250-a\r\n250-STARTTLS\r\n250 SIZE\r\n";
	static const char imap[] = "* CAPABILITY X\r\nS1 OK go\r\n";
	size_t n, used;
	bool early = false;

	unit_begin("starttls answers read in parts are more until whole");
	for (n = 0; n < sizeof(smtp) - 1; n++)
		early |= starttls_answer(STARTTLS_SMTP, 1,
		    (const unsigned char *)smtp, n, &used) != STARTTLS_MORE;
	for (n = 0; n < sizeof(imap) - 1; n++)
		early |= starttls_answer(STARTTLS_IMAP, 1,
		    (const unsigned char *)imap, n, &used) != STARTTLS_MORE;
	CHECK(!early);
	CHECK_INT(starttls_answer(STARTTLS_IMAP, 1,
	    (const unsigned char *)imap, sizeof(imap) - 1, &used),
	    STARTTLS_GO);
	unit_end();
}

static void
test_commands(void)
{
	unsigned char out[512];
	static const unsigned char pg[] = {
		0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f,
	};

	unit_begin("starttls commands: EHLO, STARTTLS, S1 STARTTLS, STLS, "
	    "AUTH TLS, SSLRequest");
	CHECK_INT(starttls_steps(STARTTLS_SMTP), 3);
	CHECK_INT(starttls_steps(STARTTLS_POSTGRES), 1);
	CHECK_INT(starttls_command(STARTTLS_SMTP, 0, "x", out, sizeof(out)),
	    0);
	CHECK_INT(starttls_command(STARTTLS_SMTP, 1, "[127.0.0.1]", out,
	    sizeof(out)), 18);
	CHECK_MEM(out, 18, "EHLO [127.0.0.1]\r\n", 18);
	CHECK_INT(starttls_command(STARTTLS_SMTP, 2, "x", out, sizeof(out)),
	    10);
	CHECK_MEM(out, 10, "STARTTLS\r\n", 10);
	CHECK_INT(starttls_command(STARTTLS_IMAP, 1, "x", out, sizeof(out)),
	    13);
	CHECK_MEM(out, 13, "S1 STARTTLS\r\n", 13);
	CHECK_INT(starttls_command(STARTTLS_POP3, 1, "x", out, sizeof(out)),
	    6);
	CHECK_MEM(out, 6, "STLS\r\n", 6);
	CHECK_INT(starttls_command(STARTTLS_FTP, 1, "x", out, sizeof(out)),
	    10);
	CHECK_MEM(out, 10, "AUTH TLS\r\n", 10);
	CHECK_INT(starttls_command(STARTTLS_POSTGRES, 0, "x", out,
	    sizeof(out)), 8);
	CHECK_MEM(out, 8, pg, 8);
	CHECK_INT(starttls_command(STARTTLS_POP3, 1, "x", out, 3), -1);
	unit_end();
}

static void
test_quote(void)
{
	char out[16];

	unit_begin("starttls quotes a server's words escaped, and cuts them "
	    "with ...");
	CHECK_STR(starttls_quote((const unsigned char *)"454 no\r\n", 8, out,
	    sizeof(out)), "\"454 no\\r\\n\"");
	CHECK_STR(starttls_quote((const unsigned char *)"a\"\\\x01", 4, out,
	    sizeof(out)), "\"a\\\"\\\\\\x01\"");
	CHECK_STR(starttls_quote((const unsigned char *)"0123456789abcdef",
	    16, out, sizeof(out)), "\"0123456789...\"");
	CHECK_STR(starttls_quote((const unsigned char *)"", 0, out,
	    sizeof(out)), "\"\"");
	unit_end();
}

void
test_starttls(void)
{
	test_answers();
	test_in_parts();
	test_commands();
	test_quote();
}
