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

/* An object under construction: json_begin, fields, json_end. */
void json_begin(struct strbuf *sb);
void json_field_str(struct strbuf *sb, const char *key, const char *value);
void json_field_u64(struct strbuf *sb, const char *key, uint64_t value);
void json_field_num(struct strbuf *sb, const char *key, double value);
void json_field_bool(struct strbuf *sb, const char *key, bool value);
void json_end(struct strbuf *sb);

#endif
