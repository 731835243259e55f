/* strbuf.c: bounded line building shared by the trace, hex dump and JSON writers. */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

void
strbuf_init(struct strbuf *sb, char *storage, size_t cap)
{
	sb->buf = storage;
	sb->cap = cap;
	sb->len = 0;
	if (cap > 0)
		storage[0] = '\0';
}

size_t
strbuf_used(const struct strbuf *sb)
{
	if (sb->cap == 0)
		return 0;
	return sb->len < sb->cap - 1 ? sb->len : sb->cap - 1;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t used = strbuf_used(sb);
	int n;

	if (sb->cap == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + used, sb->cap - used, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len = used + (size_t)n;
}

void
strbuf_add(struct strbuf *sb, const char *s, size_t len)
{
	size_t used = strbuf_used(sb);
	size_t room;

	if (sb->cap == 0)
		return;
	room = sb->cap - 1 - used;
	memcpy(sb->buf + used, s, len < room ? len : room);
	sb->len = used + len;
	sb->buf[strbuf_used(sb)] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->buf;
}

void
strbuf_end_line(struct strbuf *sb)
{
	if (sb->cap < 2)
		return;
	if (strbuf_used(sb) + 1 >= sb->cap)
		sb->len = sb->cap - 2;
	strbuf_puts(sb, "\n");
}
