/* alpn.c: reading an --alpn list into ALPN's wire form, with no TLS library. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "alpn.h"
#include "i18n.h"

size_t
alpn_wire_len(const char *list)
{
	return strlen(list) + 1;
}

/*
 * Any byte may be in a protocol name on the wire, but the registered ones
 * are printable ASCII, and a space or control byte from a command line is
 * far more often a slip ("h2, http/1.1") than a protocol.
 */
static bool
name_byte(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != ',';
}

long
alpn_wire(const char *list, unsigned char *out, size_t cap, char *err,
    size_t errcap)
{
	size_t total = alpn_wire_len(list), at = 0, len = 0;
	unsigned index = 0, count = 1;
	const char *p;

	for (p = list; *p != '\0'; p++)
		count += *p == ',';
	if (out != NULL && cap < total) {
		snprintf(err, errcap, _("no room for the list's %zu bytes"),
		    total);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(list + at, ","), i;

		index++;
		if (n == 0) {
			snprintf(err, errcap, _("protocol name %u of %u is "
			    "empty%s"), index, count, list[0] == '\0' ?
			    _(" (the list is empty)") : list[at] == ',' ? "" :
			    _(" (a comma ends the list)"));
			return -1;
		}
		if (n > ALPN_NAME_MAX) {
			snprintf(err, errcap, _("protocol name %u is %zu "
			    "bytes, over ALPN's %d"), index, n, ALPN_NAME_MAX);
			return -1;
		}
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)list[at + i];

			if (!name_byte(c)) {
				snprintf(err, errcap, _("protocol name %u has "
				    "%s0x%02x at byte %zu: names are printable "
				    "ASCII, no spaces"), index, c == ' ' ?
				    _("a space, ") : "", c, i + 1);
				return -1;
			}
		}
		if (out != NULL) {
			out[len] = (unsigned char)n;
			memcpy(out + len + 1, list + at, n);
		}
		len += 1 + n;
		at += n;
		if (list[at] == '\0')
			break;
		at++;
	}
	if (len > ALPN_WIRE_MAX) {
		snprintf(err, errcap, _("the list is %zu bytes on the wire, "
		    "over ALPN's %d"), len, ALPN_WIRE_MAX);
		return -1;
	}
	return (long)len;
}
