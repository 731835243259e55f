/* json.c: JSON text for --json; pure, so the unit tests cover every escape. */
#include "compat.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"

/* Returns the length of the valid UTF-8 sequence at p, or 0 if invalid. */
static size_t
utf8_sequence(const unsigned char *p, size_t left)
{
	size_t need, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

bool
json_utf8_valid(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_sequence(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

void
json_string(struct strbuf *sb, const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i = 0, n;

	strbuf_puts(sb, "\"");
	while (i < len) {
		unsigned char c = p[i];

		switch (c) {
		case '"':  strbuf_puts(sb, "\\\""); i++; continue;
		case '\\': strbuf_puts(sb, "\\\\"); i++; continue;
		case '\n': strbuf_puts(sb, "\\n"); i++; continue;
		case '\r': strbuf_puts(sb, "\\r"); i++; continue;
		case '\t': strbuf_puts(sb, "\\t"); i++; continue;
		case '\b': strbuf_puts(sb, "\\b"); i++; continue;
		case '\f': strbuf_puts(sb, "\\f"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_printf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_sequence(p + i, len - i);
		if (n == 0) {
			strbuf_puts(sb, "\\ufffd");
			i++;
			continue;
		}
		strbuf_add(sb, (const char *)p + i, n);
		i += n;
	}
	strbuf_puts(sb, "\"");
}

static void
key(struct strbuf *sb, const char *name)
{
	size_t used = strbuf_used(sb);

	if (used > 0 && sb->buf[used - 1] != '{')
		strbuf_puts(sb, ", ");
	json_string(sb, name, strlen(name));
	strbuf_puts(sb, ": ");
}

void
json_begin(struct strbuf *sb)
{
	strbuf_puts(sb, "{");
}

void
json_field_str(struct strbuf *sb, const char *name, const char *value)
{
	key(sb, name);
	json_string(sb, value, strlen(value));
}

void
json_field_u64(struct strbuf *sb, const char *name, uint64_t value)
{
	key(sb, name);
	strbuf_printf(sb, "%" PRIu64, value);
}

void
json_field_int(struct strbuf *sb, const char *name, long long value)
{
	key(sb, name);
	strbuf_printf(sb, "%lld", value);
}

void
json_field_null(struct strbuf *sb, const char *name)
{
	key(sb, name);
	strbuf_puts(sb, "null");
}

void
json_field_num(struct strbuf *sb, const char *name, double value)
{
	key(sb, name);
	/* JSON has no NaN or infinity. */
	if (isfinite(value))
		strbuf_printf(sb, "%.6f", value);
	else
		strbuf_puts(sb, "null");
}

void
json_field_bool(struct strbuf *sb, const char *name, bool value)
{
	key(sb, name);
	strbuf_puts(sb, value ? "true" : "false");
}

void
json_base64(struct strbuf *sb, const void *data, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char quad[4];
	size_t i;

	/* Three bytes become four characters of six bits each. */
	for (i = 0; i + 2 < len; i += 3) {
		quad[0] = alphabet[p[i] >> 2];
		quad[1] = alphabet[((p[i] & 0x03) << 4) | (p[i + 1] >> 4)];
		quad[2] = alphabet[((p[i + 1] & 0x0f) << 2) | (p[i + 2] >> 6)];
		quad[3] = alphabet[p[i + 2] & 0x3f];
		strbuf_add(sb, quad, 4);
	}
	if (len - i == 1) {
		quad[0] = alphabet[p[i] >> 2];
		quad[1] = alphabet[(p[i] & 0x03) << 4];
		quad[2] = quad[3] = '=';
		strbuf_add(sb, quad, 4);
	} else if (len - i == 2) {
		quad[0] = alphabet[p[i] >> 2];
		quad[1] = alphabet[((p[i] & 0x03) << 4) | (p[i + 1] >> 4)];
		quad[2] = alphabet[(p[i + 1] & 0x0f) << 2];
		quad[3] = '=';
		strbuf_add(sb, quad, 4);
	}
}

void
json_field_data(struct strbuf *sb, const void *data, size_t len)
{
	bool text = json_utf8_valid(data, len);

	key(sb, "data");
	if (text) {
		json_string(sb, data, len);
	} else {
		strbuf_puts(sb, "\"");
		json_base64(sb, data, len);
		strbuf_puts(sb, "\"");
	}
	json_field_str(sb, "encoding", text ? "utf8" : "base64");
}

void
json_field_time(struct strbuf *sb, const char *name, long long sec,
    long nsec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char when[32];

	key(sb, name);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		strbuf_puts(sb, "null");
		return;
	}
	strbuf_printf(sb, "\"%s.%06ldZ\"", when, nsec / 1000);
}

void
json_end(struct strbuf *sb)
{
	strbuf_puts(sb, "}");
}
