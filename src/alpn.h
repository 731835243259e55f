/* alpn.h: an --alpn list ("h2,http/1.1") in ALPN's wire form, with no TLS library. */
#ifndef SOCKIT_ALPN_H
#define SOCKIT_ALPN_H

#include "compat.h"

/* A protocol name's length travels in one byte (RFC 7301 section 3.1). */
#define ALPN_NAME_MAX 255
/*
 * The names with their length bytes travel inside the extension's 16-bit
 * body after the list's own 2-byte length.
 */
#define ALPN_WIRE_MAX 65533

/*
 * Returns how many bytes alpn_wire writes for list when it parses: one
 * length byte in place of each comma, and one more.
 */
size_t alpn_wire_len(const char *list);
/*
 * Turns a comma-separated list of protocol names into ALPN's wire form,
 * each name after its length byte, in out (cap bytes, at least
 * alpn_wire_len(list); NULL to check only). A name is 1 to 255 printable
 * ASCII characters other than space and comma. Returns the wire length,
 * or -1 with err naming the bad part: which name is empty, which is too
 * long and by how much, the byte that is not printable and where, or the
 * total.
 */
long alpn_wire(const char *list, unsigned char *out, size_t cap, char *err,
    size_t errcap);

#endif
