/* escape.h: the escapes of send -E, a pure function for tests and fuzzing. */
#ifndef SOCKIT_ESCAPE_H
#define SOCKIT_ESCAPE_H

#include "compat.h"

/*
 * Interprets the escapes of in (\n \r \t \0 \\ \xHH) into out, which
 * has room for strlen(in) bytes. Returns the length, or -1 with the bad
 * escape, as text, in bad (cap bytes).
 */
long escape_decode(const char *in, unsigned char *out, char *bad, size_t cap);

#endif
