/* test_json.c: JSON string escaping, UTF-8 checking and the object writer. */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"
#include "unit.h"

struct string_case {
	const char *what;
	const char *data;
	size_t len;
	const char *want;	/* the JSON text, quotes included */
};

/* Literals are split after a \x escape so the next letter is not hex. */
static const struct string_case string_cases[] = {
	{ "the empty string", "", 0, "\"\"" },
	{ "plain ASCII", "plain text", 10, "\"plain text\"" },
	{ "a slash is left alone", "a/b", 3, "\"a/b\"" },
	{ "a double quote", "\"", 1, "\"\\\"\"" },
	{ "a backslash", "\\", 1, "\"\\\\\"" },
	{ "newline", "\n", 1, "\"\\n\"" },
	{ "carriage return", "\r", 1, "\"\\r\"" },
	{ "tab", "\t", 1, "\"\\t\"" },
	{ "backspace", "\b", 1, "\"\\b\"" },
	{ "form feed", "\f", 1, "\"\\f\"" },
	{ "a NUL byte", "\0", 1, "\"\\u0000\"" },
	{ "0x01", "\x01", 1, "\"\\u0001\"" },
	{ "vertical tab", "\v", 1, "\"\\u000b\"" },
	{ "0x1f", "\x1f", 1, "\"\\u001f\"" },
	{ "an escape sequence", "\x1b" "[0m", 4, "\"\\u001b[0m\"" },
	{ "DEL 0x7f", "\x7f", 1, "\"\\u007f\"" },
	{ "quotes and a newline in text", "say \"hi\"\n", 9,
	  "\"say \\\"hi\\\"\\n\"" },

	/* Valid UTF-8 goes through as it is, at every sequence length. */
	{ "U+0080, the first 2-byte form", "\xc2\x80", 2, "\"\xc2\x80\"" },
	{ "e acute", "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
	{ "U+0800, the first 3-byte form", "\xe0\xa0\x80", 3,
	  "\"\xe0\xa0\x80\"" },
	{ "the euro sign", "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },
	{ "U+D7FF, just below the surrogates", "\xed\x9f\xbf", 3,
	  "\"\xed\x9f\xbf\"" },
	{ "U+E000, just above the surrogates", "\xee\x80\x80", 3,
	  "\"\xee\x80\x80\"" },
	{ "U+10000, the first 4-byte form", "\xf0\x90\x80\x80", 4,
	  "\"\xf0\x90\x80\x80\"" },
	{ "an emoji", "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
	{ "U+10FFFF, the last code point", "\xf4\x8f\xbf\xbf", 4,
	  "\"\xf4\x8f\xbf\xbf\"" },

	/* Each byte that is not part of a valid sequence is U+FFFD. */
	{ "0xff", "\xff", 1, "\"\\ufffd\"" },
	{ "a lone continuation byte", "\x80", 1, "\"\\ufffd\"" },
	{ "0xff between letters", "a\xff" "b", 3, "\"a\\ufffdb\"" },
	{ "overlong NUL c0 80", "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },
	{ "overlong c1 bf", "\xc1\xbf", 2, "\"\\ufffd\\ufffd\"" },
	{ "overlong 3-byte e0 80 80", "\xe0\x80\x80", 3,
	  "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong 4-byte f0 80 80 80", "\xf0\x80\x80\x80", 4,
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "surrogate U+D800", "\xed\xa0\x80", 3,
	  "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "surrogate U+DFFF", "\xed\xbf\xbf", 3,
	  "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "U+110000, past the last code point", "\xf4\x90\x80\x80", 4,
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "lead byte f5", "\xf5\x80\x80\x80", 4,
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "a sequence cut at the end", "\xe2\x82", 2,
	  "\"\\ufffd\\ufffd\"" },
	{ "a 4-byte sequence cut at the end", "\xf0\x9f\x98", 3,
	  "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "a sequence cut by a letter", "\xe2\x82" "A", 3,
	  "\"\\ufffd\\ufffdA\"" },
	{ "a lead byte does not swallow a quote", "\xc3\"", 2,
	  "\"\\ufffd\\\"\"" },
	{ "valid then cut", "\xc3\xa9\xc3", 3, "\"\xc3\xa9\\ufffd\"" },
};

static void
check_string(const struct string_case *c)
{
	char storage[256];
	struct strbuf sb;

	unit_begin("json_string: %s", c->what);
	strbuf_init(&sb, storage, sizeof(storage));
	json_string(&sb, c->data, c->len);
	CHECK_STR(strbuf_str(&sb), c->want);
	unit_end();
}

/* What one byte on its own must become. */
static void
expected_byte(unsigned char b, char *out, size_t cap)
{
	switch (b) {
	case '"':  snprintf(out, cap, "\"\\\"\""); return;
	case '\\': snprintf(out, cap, "\"\\\\\""); return;
	case '\n': snprintf(out, cap, "\"\\n\""); return;
	case '\r': snprintf(out, cap, "\"\\r\""); return;
	case '\t': snprintf(out, cap, "\"\\t\""); return;
	case '\b': snprintf(out, cap, "\"\\b\""); return;
	case '\f': snprintf(out, cap, "\"\\f\""); return;
	}
	if (b < 0x20 || b == 0x7f)
		snprintf(out, cap, "\"\\u%04x\"", b);
	else if (b >= 0x80)
		snprintf(out, cap, "\"\\ufffd\"");
	else
		snprintf(out, cap, "\"%c\"", b);
}

/* Whatever the byte, the result is valid UTF-8 with no raw control byte. */
static void
test_every_byte(void)
{
	unsigned b;

	unit_begin("json_string of each single byte 0x00-0xff");
	for (b = 0; b < 256; b++) {
		unsigned char byte = (unsigned char)b;
		char storage[32], want[32];
		struct strbuf sb;
		const char *p;

		strbuf_init(&sb, storage, sizeof(storage));
		json_string(&sb, &byte, 1);
		expected_byte(byte, want, sizeof(want));
		if (!CHECK_STR(strbuf_str(&sb), want))
			unit_diag("byte 0x%02x", b);
		CHECK(json_utf8_valid(storage, strlen(storage)));
		for (p = storage; *p != '\0'; p++)
			if (!CHECK((unsigned char)*p >= 0x20))
				unit_diag("byte 0x%02x", b);
	}
	unit_end();
}

/* A full buffer cuts the text; it never writes past the storage. */
static void
test_cut(void)
{
	char storage[8];
	struct strbuf sb;

	unit_begin("json_string into a full buffer is cut, NUL-terminated");
	strbuf_init(&sb, storage, sizeof(storage));
	json_string(&sb, "abcdefghij", 10);
	CHECK_STR(strbuf_str(&sb), "\"abcdef");
	unit_end();
}

struct utf8_case {
	const char *data;
	size_t len;
	bool valid;
};

static const struct utf8_case utf8_cases[] = {
	{ "", 0, true },
	{ "ascii", 5, true },
	{ "\0", 1, true },
	{ "\x7f", 1, true },
	{ "\xc2\x80", 2, true },
	{ "\xc3\xa9", 2, true },
	{ "\xdf\xbf", 2, true },
	{ "\xe0\xa0\x80", 3, true },
	{ "\xe2\x82\xac", 3, true },
	{ "\xed\x9f\xbf", 3, true },
	{ "\xee\x80\x80", 3, true },
	{ "\xef\xbf\xbf", 3, true },
	{ "\xf0\x90\x80\x80", 4, true },
	{ "\xf4\x8f\xbf\xbf", 4, true },
	{ "\x80", 1, false },
	{ "\xbf", 1, false },
	{ "\xff", 1, false },
	{ "\xfe", 1, false },
	{ "\xc0\x80", 2, false },
	{ "\xc1\xbf", 2, false },
	{ "\xc3", 1, false },
	{ "\xc3" "A", 2, false },
	{ "\xe0\x80\x80", 3, false },
	{ "\xe0\x9f\xbf", 3, false },
	{ "\xed\xa0\x80", 3, false },
	{ "\xed\xbf\xbf", 3, false },
	{ "\xe2\x82", 2, false },
	{ "\xf0\x80\x80\x80", 4, false },
	{ "\xf0\x8f\xbf\xbf", 4, false },
	{ "\xf4\x90\x80\x80", 4, false },
	{ "\xf5\x80\x80\x80", 4, false },
	{ "\xf0\x9f\x98", 3, false },
	{ "ok\xc3\xa9" "ok\xff", 7, false },
};

static void
test_utf8_valid(void)
{
	size_t i, j;

	for (i = 0; i < ARRAY_LEN(utf8_cases); i++) {
		const struct utf8_case *c = &utf8_cases[i];
		char hex[64] = "";
		size_t used = 0;

		for (j = 0; j < c->len && used + 4 < sizeof(hex); j++)
			used += (size_t)snprintf(hex + used, sizeof(hex) - used,
			    "%s%02x", j ? " " : "",
			    (unsigned char)c->data[j]);
		unit_begin("json_utf8_valid [%s] is %s", hex,
		    c->valid ? "true" : "false");
		CHECK_INT(json_utf8_valid(c->data, c->len), c->valid);
		unit_end();
	}
}

static void
test_objects(void)
{
	char storage[512];
	struct strbuf sb;

	unit_begin("json object with no fields is {}");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{}");
	unit_end();

	unit_begin("json object with one field has no separator");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "a", "b");
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"a\": \"b\"}");
	unit_end();

	unit_begin("json object with every field kind");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "a", "b");
	json_field_u64(&sb, "n", 5);
	json_field_bool(&sb, "ok", true);
	json_field_bool(&sb, "bad", false);
	json_field_num(&sb, "t", 0.25);
	json_field_num(&sb, "neg", -1.5);
	json_field_u64(&sb, "big", UINT64_MAX);
	json_field_u64(&sb, "zero", 0);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"a\": \"b\", \"n\": 5, \"ok\": true, "
	    "\"bad\": false, \"t\": 0.250000, \"neg\": -1.500000, "
	    "\"big\": 18446744073709551615, \"zero\": 0}");
	unit_end();

	unit_begin("json object keys and values are escaped");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "k\"ey", "line\n\xff");
	json_field_str(&sb, "empty", "");
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"k\\\"ey\": \"line\\n\\ufffd\", "
	    "\"empty\": \"\"}");
	unit_end();

	/* A value ending in '{' must not look like the start of the object. */
	unit_begin("json object after a value that ends in a brace");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_str(&sb, "a", "{");
	json_field_str(&sb, "b", "c");
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"a\": \"{\", \"b\": \"c\"}");
	unit_end();

	unit_begin("json object after text already in the buffer");
	strbuf_init(&sb, storage, sizeof(storage));
	strbuf_puts(&sb, "event ");
	json_begin(&sb);
	json_field_u64(&sb, "bytes", 12);
	json_field_str(&sb, "dir", "in");
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "event {\"bytes\": 12, \"dir\": \"in\"}");
	unit_end();
}

/* The test vectors of RFC 4648, section 10, and a few bytes outside ASCII. */
static void
test_base64(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" }, { "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
		{ "\0", 1, "AA==" }, { "\xff\xfe\xfd", 3, "//79" },
		{ "\xfb\xff", 2, "+/8=" },
	};
	char storage[64];
	struct strbuf sb;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		unit_begin("json_base64 of %zu bytes gives \"%s\"", cases[i].len,
		    cases[i].want);
		strbuf_init(&sb, storage, sizeof(storage));
		json_base64(&sb, cases[i].in, cases[i].len);
		CHECK_STR(strbuf_str(&sb), cases[i].want);
		unit_end();
	}
}

static void
test_data_and_time(void)
{
	char storage[256];
	struct strbuf sb;

	unit_begin("json_field_data keeps UTF-8 text as text");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_data(&sb, "h\xc3\xa9\n", 4);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"data\": \"h\xc3\xa9\\n\", "
	    "\"encoding\": \"utf8\"}");
	unit_end();

	unit_begin("json_field_data turns other bytes into base64");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_data(&sb, "\xff\x00", 2);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"data\": \"/wA=\", "
	    "\"encoding\": \"base64\"}");
	unit_end();

	unit_begin("json_field_data of nothing is empty UTF-8");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_data(&sb, "", 0);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"data\": \"\", \"encoding\": "
	    "\"utf8\"}");
	unit_end();

	unit_begin("json_field_time is RFC 3339 in UTC with microseconds");
	strbuf_init(&sb, storage, sizeof(storage));
	json_begin(&sb);
	json_field_time(&sb, "time", 1795339800LL, 123456789L);
	json_field_time(&sb, "epoch", 0, 0);
	json_end(&sb);
	CHECK_STR(strbuf_str(&sb), "{\"time\": "
	    "\"2026-11-22T09:30:00.123456Z\", \"epoch\": \"1970-01-01T00:00:00.000000Z\"}");
	unit_end();
}

void
test_json(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(string_cases); i++)
		check_string(&string_cases[i]);
	test_every_byte();
	test_cut();
	test_utf8_valid();
	test_objects();
	test_base64();
	test_data_and_time();
}
