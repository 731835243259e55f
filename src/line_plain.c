/* line_plain.c: the line module of a build without readline: no editing, the pump reads stdin itself. */
#include "compat.h"

#include <errno.h>

#include "line.h"

const char *
line_editor(void)
{
	return NULL;
}

int
line_open(const char *history_path)
{
	(void)history_path;
	errno = ENOTSUP;
	return -1;
}

int
line_history_error(void)
{
	return 0;
}

ssize_t
line_read(void *buf, size_t cap)
{
	(void)buf;
	(void)cap;
	return 0;
}

bool
line_pending(void)
{
	return false;
}

void
line_hide(bool keep_tail)
{
	(void)keep_tail;
}

void
line_show(const void *out, size_t len)
{
	(void)out;
	(void)len;
}

void
line_close(void)
{
}
