/* json.h: writing JSON objects one line at a time, with exact string escaping. */
#ifndef SOCKIT_JSON_H
#define SOCKIT_JSON_H

#include "compat.h"

#include <stdint.h>

#include "strbuf.h"

/*
 * Appends s[0..len) as a JSON string, quotes included: ", \ and control
 * characters escaped, valid UTF-8 kept, each invalid byte as \ufffd.
 */
void json_string(struct strbuf *sb, const void *s, size_t len);
/* Returns true when data[0..len) is valid UTF-8. */
bool json_utf8_valid(const void *data, size_t len);

/* Appends data[0..len) in base64 (RFC 4648, with padding), no quotes. */
void json_base64(struct strbuf *sb, const void *data, size_t len);

/* An object under construction: json_begin, fields, json_end. */
void json_begin(struct strbuf *sb);
void json_field_str(struct strbuf *sb, const char *key, const char *value);
void json_field_u64(struct strbuf *sb, const char *key, uint64_t value);
void json_field_int(struct strbuf *sb, const char *key, long long value);
void json_field_null(struct strbuf *sb, const char *key);
void json_field_num(struct strbuf *sb, const char *key, double value);
void json_field_bool(struct strbuf *sb, const char *key, bool value);
/*
 * Appends a payload as two fields: "data" (the text when it is valid
 * UTF-8, else base64) and "encoding" ("utf8" or "base64").
 */
void json_field_data(struct strbuf *sb, const void *data, size_t len);
/*
 * Appends a wall-clock time in RFC 3339 form with microseconds, in UTC:
 * "2026-11-22T09:30:00.123456Z".
 */
void json_field_time(struct strbuf *sb, const char *key, long long sec,
    long nsec);
void json_end(struct strbuf *sb);

#endif
