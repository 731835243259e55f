/* starttls.c: the plain-text preambles of --starttls: the commands each protocol sends, and what its answers say. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "starttls.h"

/*
 * The tag of our one IMAP command. RFC 3501 2.2.1: the server answers a
 * command with a line that starts with its tag; untagged lines ("* ")
 * may come first.
 */
#define IMAP_TAG "S1"

/*
 * PostgreSQL's SSLRequest: a length of 8 and the code 80877103 (1234 in
 * the high 16 bits, 5679 in the low), both big-endian. The server answers
 * one byte, S or N, and nothing else until the handshake.
 */
static const unsigned char pg_ssl_request[8] = {
	0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f,
};

const char *
starttls_name(enum starttls_proto proto)
{
	static const char *const names[] = {
		"smtp", "imap", "pop3", "ftp", "postgres",
	};

	return names[proto];
}

int
starttls_steps(enum starttls_proto proto)
{
	/* SMTP: greeting, EHLO, STARTTLS; RFC 3207 wants EHLO first. */
	return proto == STARTTLS_SMTP ? 3 : proto == STARTTLS_POSTGRES ? 1 : 2;
}

static long
put_text(unsigned char *out, size_t cap, const char *text)
{
	size_t n = strlen(text);

	if (n > cap)
		return -1;
	memcpy(out, text, n);
	return (long)n;
}

long
starttls_command(enum starttls_proto proto, int step, const char *hello,
    unsigned char *out, size_t cap)
{
	char line[320];

	switch (proto) {
	case STARTTLS_SMTP:
		if (step == 0)
			return 0;
		if (step == 2)
			return put_text(out, cap, "STARTTLS\r\n");
		/* RFC 5321 4.1.1.1: EHLO names the client, a domain or an
		 * address literal. */
		if (snprintf(line, sizeof(line), "EHLO %s\r\n", hello) >=
		    (int)sizeof(line))
			return -1;
		return put_text(out, cap, line);
	case STARTTLS_IMAP:
		return step == 0 ? 0 : put_text(out, cap,
		    IMAP_TAG " STARTTLS\r\n");
	case STARTTLS_POP3:
		/* RFC 2595 4. */
		return step == 0 ? 0 : put_text(out, cap, "STLS\r\n");
	case STARTTLS_FTP:
		/* RFC 4217 4. */
		return step == 0 ? 0 : put_text(out, cap, "AUTH TLS\r\n");
	case STARTTLS_POSTGRES:
		if (cap < sizeof(pg_ssl_request))
			return -1;
		memcpy(out, pg_ssl_request, sizeof(pg_ssl_request));
		return (long)sizeof(pg_ssl_request);
	}
	return -1;
}

/* Returns the offset just past the LF that ends the line at from, or 0. */
static size_t
line_end(const unsigned char *in, size_t len, size_t from)
{
	const unsigned char *lf = memchr(in + from, '\n', len - from);

	return lf == NULL ? 0 : (size_t)(lf - in) + 1;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Returns true when the n bytes at in start like a reply code, "NNN". */
static bool
code_prefix_ok(const unsigned char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 3; i++)
		if (!is_digit(in[i]))
			return false;
	/* After the code: a space, a hyphen, or the end of the line. */
	return n < 4 || in[3] == ' ' || in[3] == '-' || in[3] == '\r' ||
	    in[3] == '\n';
}

/*
 * An SMTP or FTP reply (RFC 5321 4.2, RFC 959 4.2): "NNN-text" lines and
 * a last "NNN text" line with the same code. SMTP repeats the code on
 * every line (strict); FTP's middle lines may say anything.
 */
static enum starttls_verdict
coded(const unsigned char *in, size_t len, size_t *used, const char *want,
    bool strict)
{
	size_t at = 0, end;

	if (!code_prefix_ok(in, len)) {
		*used = len;
		return STARTTLS_ODD;
	}
	while ((end = line_end(in, len, at)) != 0) {
		const unsigned char *line = in + at;
		size_t n = end - at;
		bool same = n >= 4 && memcmp(line, in, 3) == 0 &&
		    code_prefix_ok(line, n);

		if (at == 0 || same) {
			if (n < 4 || line[3] != '-')
				break;
		} else if (strict) {
			*used = end;
			return STARTTLS_ODD;
		}
		at = end;
	}
	if (end == 0)
		return STARTTLS_MORE;
	*used = end;
	if (memcmp(in, want, 3) == 0)
		return STARTTLS_GO;
	/* 4yz: not now; 5yz: not at all. Either way, no TLS. */
	if (in[0] == '4' || in[0] == '5')
		return STARTTLS_REFUSED;
	return STARTTLS_ODD;
}

/*
 * Returns true when the first n bytes at in are those of upper, ignoring
 * case: the protocols' words are case-insensitive.
 */
static bool
same_upper(const unsigned char *in, const char *upper, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = in[i];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (c != (unsigned char)upper[i])
			return false;
	}
	return true;
}

/* Returns true when the line at in starts with word, a whole word. */
static bool
word_is(const unsigned char *in, size_t n, const char *word)
{
	size_t w = strlen(word);

	if (n < w || !same_upper(in, word, w))
		return false;
	return n == w || in[w] == ' ' || in[w] == '\r' || in[w] == '\n';
}

/* Returns true while in's n bytes may still grow into prefix. */
static bool
may_become(const unsigned char *in, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return same_upper(in, prefix, n < p ? n : p);
}

/*
 * IMAP (RFC 3501 7.1): the greeting is one untagged line, OK or PREAUTH
 * to go on, BYE to refuse; the answer to our command ends with its
 * tagged line, OK, NO or BAD, after any untagged ones.
 */
static enum starttls_verdict
imap(int step, const unsigned char *in, size_t len, size_t *used)
{
	size_t at = 0, end;

	while ((end = line_end(in, len, at)) != 0) {
		const unsigned char *line = in + at;
		size_t n = end - at;

		*used = end;
		if (n >= 2 && memcmp(line, "* ", 2) == 0) {
			if (word_is(line + 2, n - 2, "BYE"))
				return STARTTLS_REFUSED;
			if (step == 0)
				return word_is(line + 2, n - 2, "OK") ||
				    word_is(line + 2, n - 2, "PREAUTH") ?
				    STARTTLS_GO : STARTTLS_ODD;
			at = end;
			continue;
		}
		if (step == 0 || n < 3 ||
		    !same_upper(line, IMAP_TAG " ", 3))
			return STARTTLS_ODD;
		if (word_is(line + 3, n - 3, "OK"))
			return STARTTLS_GO;
		if (word_is(line + 3, n - 3, "NO") ||
		    word_is(line + 3, n - 3, "BAD"))
			return STARTTLS_REFUSED;
		return STARTTLS_ODD;
	}
	/* A line that can be neither untagged nor ours is odd at once. */
	if (at < len && !may_become(in + at, len - at, "* ") &&
	    (step == 0 || !may_become(in + at, len - at, IMAP_TAG " "))) {
		*used = len;
		return STARTTLS_ODD;
	}
	return STARTTLS_MORE;
}

/* POP3 (RFC 1939 3): one line, +OK or -ERR. */
static enum starttls_verdict
pop3(const unsigned char *in, size_t len, size_t *used)
{
	size_t end = line_end(in, len, 0);

	if (end == 0) {
		if (may_become(in, len, "+OK") || may_become(in, len, "-ERR"))
			return STARTTLS_MORE;
		*used = len;
		return STARTTLS_ODD;
	}
	*used = end;
	if (word_is(in, end, "+OK"))
		return STARTTLS_GO;
	if (word_is(in, end, "-ERR"))
		return STARTTLS_REFUSED;
	return STARTTLS_ODD;
}

/*
 * PostgreSQL: S to go on, N to refuse; a server too old to know the
 * request answers an ErrorResponse instead: E, a big-endian length that
 * counts itself, and the fields.
 */
static enum starttls_verdict
postgres(const unsigned char *in, size_t len, size_t *used)
{
	unsigned long n;

	*used = 1;
	if (in[0] == 'S')
		return STARTTLS_GO;
	if (in[0] == 'N')
		return STARTTLS_REFUSED;
	if (in[0] != 'E') {
		*used = len;
		return STARTTLS_ODD;
	}
	if (len < 5)
		return STARTTLS_MORE;
	n = (unsigned long)in[1] << 24 | (unsigned long)in[2] << 16 |
	    (unsigned long)in[3] << 8 | in[4];
	if (n < 4 || n > STARTTLS_ANSWER_MAX - 1) {
		*used = len;
		return STARTTLS_ODD;
	}
	if (len < 1 + n)
		return STARTTLS_MORE;
	*used = 1 + n;
	return STARTTLS_REFUSED;
}

enum starttls_verdict
starttls_answer(enum starttls_proto proto, int step, const unsigned char *in,
    size_t len, size_t *used)
{
	enum starttls_verdict v = STARTTLS_MORE;

	*used = 0;
	if (len == 0)
		return STARTTLS_MORE;
	switch (proto) {
	case STARTTLS_SMTP:
		v = coded(in, len, used, step == 1 ? "250" : "220", true);
		break;
	case STARTTLS_FTP:
		v = coded(in, len, used, step == 0 ? "220" : "234", false);
		break;
	case STARTTLS_IMAP:
		v = imap(step, in, len, used);
		break;
	case STARTTLS_POP3:
		v = pop3(in, len, used);
		break;
	case STARTTLS_POSTGRES:
		v = postgres(in, len, used);
		break;
	}
	/* What is not whole yet has taken nothing. */
	if (v == STARTTLS_MORE)
		*used = 0;
	return v;
}

char *
starttls_quote(const unsigned char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0, i;

	out[o++] = '"';
	for (i = 0; i < len; i++) {
		char esc[8];
		unsigned char c = in[i];

		if (c == '\r' || c == '\n' || c == '\t' || c == '\\' ||
		    c == '"')
			snprintf(esc, sizeof(esc), "\\%c", c == '\r' ? 'r' :
			    c == '\n' ? 'n' : c == '\t' ? 't' : (char)c);
		else if (c < 0x20 || c >= 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		/* Room for this, and for ..." and the NUL after it. */
		if (o + strlen(esc) + 5 > cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, strlen(esc));
		o += strlen(esc);
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
