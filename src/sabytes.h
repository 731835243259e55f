/* sabytes.h: a sockaddr's raw bytes, field by field, as --trace=bytes shows them. */
#ifndef SOCKIT_SABYTES_H
#define SOCKIT_SABYTES_H

#include "compat.h"

#include <sys/socket.h>

#include "strbuf.h"

/*
 * Appends the len bytes at sa as lines, each starting with four spaces
 * and ending with a newline: the bytes in hex, grouped by field, then
 * the fields' names, then their values, each column as wide as its
 * widest row (the first row ends with "   (16 bytes)", cut here):
 *
 *     02 00      | 1f 90       | 7f 00 00 01 | 00 00 00 00 00 00 00 00
 *     sin_family | sin_port    | sin_addr    | sin_zero
 *     AF_INET    | htons(8080) | 127.0.0.1   |
 *
 * A last field longer than 16 bytes (a sun_path) goes on over more rows
 * of 16, and "(N bytes)" ends the last of them. family_name names
 * sa_family (NULL: its number).
 */
void sabytes_format(struct strbuf *sb, const struct sockaddr *sa,
    socklen_t len, const char *family_name);

#endif
