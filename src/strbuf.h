/* strbuf.h: a fixed-size text buffer that never overflows, for building one line at a time. */
#ifndef SOCKIT_STRBUF_H
#define SOCKIT_STRBUF_H

#include "compat.h"

struct strbuf {
	char *buf;
	size_t cap;
	size_t len;	/* may exceed cap - 1 when output was cut */
};

/* Points sb at storage[cap] and empties it. */
void strbuf_init(struct strbuf *sb, char *storage, size_t cap);
/* Appends formatted text, cutting it at the end of the storage. */
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Appends len bytes of s. */
void strbuf_add(struct strbuf *sb, const char *s, size_t len);
/* Appends a NUL-terminated string. */
void strbuf_puts(struct strbuf *sb, const char *s);
/* Appends a newline, cutting the text first if that is what makes room. */
void strbuf_end_line(struct strbuf *sb);
/* Returns the text, always NUL-terminated. */
const char *strbuf_str(const struct strbuf *sb);
/* Returns the number of bytes actually stored. */
size_t strbuf_used(const struct strbuf *sb);

#endif
