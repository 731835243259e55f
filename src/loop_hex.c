/* loop_hex.c: listen --to -x: each chunk a pair or flow moves, dumped under a line naming the pair and the direction. */
#include "compat.h"

#include <stdio.h>

#include "hexdump.h"
#include "i18n.h"
#include "loop_int.h"
#include "report.h"

/* Bytes dumped per write, so a large chunk needs no large buffer. */
#define HEX_PIECE 1024

void
loop_hex(void *ctx, const void *buf, size_t len)
{
	struct loop_hex_dir *d = ctx;
	const unsigned char *p = buf;
	char text[(HEX_PIECE / HEXDUMP_WIDTH) * HEXDUMP_LINE_MAX];
	int n;

	/*
	 * The heading names the pair: the loop moves many at once, and
	 * their chunks come in whatever order the peers send them.
	 */
	n = snprintf(text, sizeof(text), P_("[#%lu] %c %s -> %s, %zu byte\n",
	    "[#%lu] %c %s -> %s, %zu bytes\n", len), d->id, d->marker, d->from,
	    d->to, len);
	if (n > 0)
		report_write(text, (size_t)n < sizeof(text) ? (size_t)n :
		    sizeof(text) - 1);
	while (len > 0) {
		size_t k = len > HEX_PIECE ? HEX_PIECE : len;

		report_write(text, hexdump_format(text, d->marker, d->offset,
		    p, k));
		d->offset += k;
		p += k;
		len -= k;
	}
}

void
loop_hex_init(struct loop_hex_dir d[2], unsigned long id, const char *peer,
    const char *target)
{
	d[0].id = d[1].id = id;
	d[0].marker = '>';
	d[1].marker = '<';
	d[0].from = d[1].to = peer;
	d[0].to = d[1].from = target;
	d[0].offset = d[1].offset = 0;
}
