/* hexdump.h: hex and ASCII lines for -x, one direction marker per line. */
#ifndef SOCKIT_HEXDUMP_H
#define SOCKIT_HEXDUMP_H

#include "compat.h"

#include <stdint.h>

/* Bytes shown per line, and the longest line written, newline included. */
#define HEXDUMP_WIDTH 16
#define HEXDUMP_LINE_MAX 90

/*
 * Writes len bytes as lines "M OFFSET  hex bytes  |ascii|\n", where M is
 * marker and OFFSET counts from offset. out must hold
 * HEXDUMP_LINE_MAX per started HEXDUMP_WIDTH bytes. Returns the bytes
 * written (no NUL).
 */
size_t hexdump_format(char *out, char marker, uint64_t offset,
    const void *data, size_t len);

#endif
