/* pin.c: reading and writing --pin values and certificate fingerprints, with no TLS library. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "pin.h"
#include "strbuf.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define PIN_PREFIX "sha256:"
#define PIN_PREFIX_LEN (sizeof(PIN_PREFIX) - 1)
/* 32 bytes are 10 groups of 3 and 2 left over: 11 groups, one '='. */
#define PIN_BASE64_CHARS 44

/* Returns the 6-bit value of a base64 character, or -1. */
static int
base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t
pin_base64_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

size_t
pin_base64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 3 <= len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16 |
		    (unsigned long)in[i + 1] << 8 | in[i + 2];

		out[o++] = base64_alphabet[v >> 18 & 63];
		out[o++] = base64_alphabet[v >> 12 & 63];
		out[o++] = base64_alphabet[v >> 6 & 63];
		out[o++] = base64_alphabet[v & 63];
	}
	if (len - i == 1) {
		out[o++] = base64_alphabet[in[i] >> 2];
		out[o++] = base64_alphabet[(in[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		unsigned long v = (unsigned long)in[i] << 8 | in[i + 1];

		out[o++] = base64_alphabet[v >> 10];
		out[o++] = base64_alphabet[v >> 4 & 63];
		out[o++] = base64_alphabet[(v & 15) << 2];
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static long
refuse(enum pin_base64_fault why, size_t at, enum pin_base64_fault *fault,
    size_t *where)
{
	*fault = why;
	*where = at;
	return -1;
}

long
pin_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t cap, enum pin_base64_fault *fault, size_t *where)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, pad = 0, first_pad = 0, n, o = 0;
	unsigned long acc = 0;
	int bits = 0;

	/*
	 * The whole text is looked at before any byte is written, so the
	 * fault named is the first one a reader would see.
	 */
	for (i = 0; i < len; i++) {
		if (p[i] == '=') {
			if (pad++ == 0)
				first_pad = i;
			continue;
		}
		if (base64_value(p[i]) < 0)
			return refuse(PIN_BASE64_CHAR, i, fault, where);
		if (pad > 0)
			return refuse(PIN_BASE64_PAD, i, fault, where);
	}
	if (len % 4 != 0)
		return refuse(PIN_BASE64_LENGTH, len, fault, where);
	/* A group of four carries at least one byte: two characters. */
	if (pad > 2)
		return refuse(PIN_BASE64_PAD, first_pad, fault, where);
	n = len / 4 * 3 - pad;
	if (n > cap)
		return refuse(PIN_BASE64_SPACE, cap * 4 / 3, fault, where);
	for (i = 0; i < len - pad; i++) {
		acc = acc << 6 | (unsigned long)base64_value(p[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/*
	 * RFC 4648 section 3.5: the bits left over must be zero, or two
	 * texts would spell the same bytes and a pin could be written twice.
	 */
	if (acc != 0)
		return refuse(PIN_BASE64_BITS, len - pad - 1, fault, where);
	*fault = PIN_BASE64_OK;
	*where = 0;
	return (long)o;
}

/* Appends text, its unprintable bytes as \xNN, so an error stays one line. */
static void
put_quoted(struct strbuf *sb, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i;

	strbuf_puts(sb, "'");
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\'' ||
		    p[i] == '\\')
			strbuf_printf(sb, "\\x%02x", p[i]);
		else
			strbuf_add(sb, text + i, 1);
	}
	strbuf_puts(sb, "'");
}

/* Room for a quoted algorithm name: a pin's text is cut at this. */
#define PIN_QUOTED_MAX 256

/* text's first len bytes as put_quoted writes them, in out. */
static const char *
quoted(const char *text, size_t len, char *out, size_t cap)
{
	struct strbuf sb;

	strbuf_init(&sb, out, cap);
	put_quoted(&sb, text, len);
	return strbuf_str(&sb);
}

/*
 * True for 64 hex digits, or 32 hex pairs with colons between. len is
 * strlen(s), so no NUL is inside and strchr never matches the terminator.
 */
static bool
looks_like_hex_fingerprint(const char *s, size_t len)
{
	size_t i;

	if (len == 2 * PIN_SHA256_LEN) {
		for (i = 0; i < len; i++)
			if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
				return false;
		return true;
	}
	if (len != 3 * PIN_SHA256_LEN - 1)
		return false;
	for (i = 0; i < len; i++) {
		if (i % 3 == 2 ? s[i] != ':' :
		    strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	}
	return true;
}

/* The error for base64 text of the wrong length, with what is right. */
static void
wrong_length(struct strbuf *sb, const char *b64, size_t len)
{
	size_t pad = 0;

	while (pad < len && pad < 2 && b64[len - 1 - pad] == '=')
		pad++;
	/* English says "1 base64 characters", as it always has. */
	strbuf_printf(sb, P_("%zu base64 characters", "%zu base64 characters",
	    len), len);
	if (len % 4 == 0 && len > 0)
		strbuf_printf(sb, P_(" (%zu bytes)", " (%zu bytes)",
		    len / 4 * 3 - pad), len / 4 * 3 - pad);
	strbuf_printf(sb, _(" after '%s'; a sha256 pin is %d characters "
	    "(%d bytes, ending in one '=')"), PIN_PREFIX, PIN_BASE64_CHARS,
	    PIN_SHA256_LEN);
}

int
pin_parse(const char *text, unsigned char hash[PIN_SHA256_LEN],
    char *err, size_t cap)
{
	struct strbuf sb;
	const char *colon = strchr(text, ':'), *b64;
	size_t len = strlen(text), b64_len, where;
	unsigned char buf[PIN_SHA256_LEN];
	enum pin_base64_fault fault;
	char q[PIN_QUOTED_MAX];
	long n;

	strbuf_init(&sb, err, cap);
	put_quoted(&sb, text, len);
	strbuf_puts(&sb, ": ");
	if (looks_like_hex_fingerprint(text, len) || (colon != NULL &&
	    looks_like_hex_fingerprint(colon + 1, strlen(colon + 1)))) {
		strbuf_puts(&sb, _("a hex fingerprint is not a pin; --pin "
		    "takes the SHA-256 of the public key in base64, "
		    "sha256:BASE64, as -v prints it"));
		return -1;
	}
	if (strncmp(text, "sha256//", 8) == 0) {
		strbuf_puts(&sb, _("write sha256:BASE64 (sha256// is curl's "
		    "spelling)"));
		return -1;
	}
	if (colon == NULL) {
		strbuf_puts(&sb, _("no algorithm: write sha256:BASE64"));
		return -1;
	}
	if ((size_t)(colon - text) + 1 != PIN_PREFIX_LEN ||
	    strncmp(text, PIN_PREFIX, PIN_PREFIX_LEN) != 0) {
		strbuf_printf(&sb, _("algorithm %s is not sha256, the only "
		    "one a pin may name (lower case)"), quoted(text,
		    (size_t)(colon - text), q, sizeof(q)));
		return -1;
	}
	b64 = colon + 1;
	b64_len = len - PIN_PREFIX_LEN;
	if (b64_len == 0) {
		strbuf_puts(&sb, _("no base64 after 'sha256:'"));
		return -1;
	}
	n = pin_base64_decode(b64, b64_len, buf, sizeof(buf), &fault, &where);
	if (fault == PIN_BASE64_CHAR) {
		strbuf_printf(&sb, _("bad base64 character %s at offset %zu"),
		    quoted(b64 + where, 1, q, sizeof(q)),
		    PIN_PREFIX_LEN + where);
		if (b64[where] == '-' || b64[where] == '_')
			strbuf_puts(&sb, _(" (that is base64url; a pin uses "
			    "standard base64, with + and /)"));
		return -1;
	}
	if (fault == PIN_BASE64_PAD) {
		if (b64[where] == '=')
			strbuf_printf(&sb, _("'=' at offset %zu is more "
			    "padding than base64 has"), PIN_PREFIX_LEN + where);
		else
			strbuf_printf(&sb, _("base64 character at offset %zu "
			    "follows the '=' padding"), PIN_PREFIX_LEN + where);
		return -1;
	}
	/* A wrong length explains stray bits too: it is said first. */
	if (b64_len != PIN_BASE64_CHARS || b64[b64_len - 2] == '=') {
		wrong_length(&sb, b64, b64_len);
		return -1;
	}
	if (fault == PIN_BASE64_BITS) {
		strbuf_printf(&sb, _("base64 character %s at offset %zu sets "
		    "bits past the end of the data (not canonical base64; "
		    "was it copied whole?)"), quoted(b64 + where, 1, q,
		    sizeof(q)), PIN_PREFIX_LEN + where);
		return -1;
	}
	/* 44 characters, one '=', no fault: nothing else decodes so. */
	if (n != PIN_SHA256_LEN) {
		wrong_length(&sb, b64, b64_len);
		return -1;
	}
	memcpy(hash, buf, PIN_SHA256_LEN);
	if (cap > 0)
		err[0] = '\0';
	return 0;
}

char *
pin_format(const unsigned char hash[PIN_SHA256_LEN], char out[PIN_TEXT_MAX])
{
	memcpy(out, PIN_PREFIX, PIN_PREFIX_LEN);
	pin_base64_encode(hash, PIN_SHA256_LEN, out + PIN_PREFIX_LEN);
	return out;
}

char *
pin_fingerprint(const unsigned char *md, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	if (cap == 0)
		return out;
	for (i = 0; i < len && o + (i > 0 ? 3 : 2) < cap; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
	return out;
}
