/* sabytes.c: a sockaddr's bytes under its field names, for the projector. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "addr.h"
#include "sabytes.h"

#define FIELDS_MAX 6
#define VALUE_MAX 160
/* Bytes of a field per row: a sun_path of 108 goes on over rows. */
#define ROW_BYTES 16

struct field {
	const char *name;
	char value[VALUE_MAX];
	size_t off, size;
};

/*
 * The fields of the family's struct, as <netinet/in.h> and <sys/un.h> lay
 * them out; a field the length cuts short keeps the bytes there are.
 */
static size_t
fields_of(const struct sockaddr *sa, socklen_t len, const char *family_name,
    struct field *f)
{
	const unsigned char *b = (const unsigned char *)sa;
	struct strbuf sb;
	size_t n = 0, i, end = 0;
	char text[INET6_ADDRSTRLEN];

	memset(f, 0, sizeof(*f) * FIELDS_MAX);
	f[0].off = 0;
	f[0].size = sizeof(sa_family_t);
	if (family_name != NULL)
		snprintf(f[0].value, VALUE_MAX, "%s", family_name);
	else
		snprintf(f[0].value, VALUE_MAX, "%d", sa->sa_family);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		f[0].name = "sin_family";
		f[1] = (struct field){ "sin_port", "", 2, 2, };
		f[2] = (struct field){ "sin_addr", "", 4, 4, };
		f[3] = (struct field){ "sin_zero", "", 8, 8, };
		n = 4;
		if (len >= offsetof(struct sockaddr_in, sin_addr))
			snprintf(f[1].value, VALUE_MAX, "htons(%u)",
			    ntohs(sin->sin_port));
		if (len >= offsetof(struct sockaddr_in, sin_zero)) {
			inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
			snprintf(f[2].value, VALUE_MAX, "%s", text);
		}
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)sa;

		f[0].name = "sin6_family";
		f[1] = (struct field){ "sin6_port", "", 2, 2, };
		f[2] = (struct field){ "sin6_flowinfo", "", 4, 4, };
		f[3] = (struct field){ "sin6_addr", "", 8, 16, };
		f[4] = (struct field){ "sin6_scope_id", "", 24, 4, };
		n = 5;
		if (len >= offsetof(struct sockaddr_in6, sin6_flowinfo))
			snprintf(f[1].value, VALUE_MAX, "htons(%u)",
			    ntohs(s6->sin6_port));
		if (len >= offsetof(struct sockaddr_in6, sin6_addr))
			snprintf(f[2].value, VALUE_MAX, "htonl(%u)",
			    ntohl(s6->sin6_flowinfo));
		if (len >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
			inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
			snprintf(f[3].value, VALUE_MAX, "%s", text);
		}
		/* The scope is an interface index, in host order. */
		if (len >= sizeof(struct sockaddr_in6))
			snprintf(f[4].value, VALUE_MAX, "%u",
			    s6->sin6_scope_id);
	} else if (sa->sa_family == AF_UNIX) {
		f[0].name = "sun_family";
		f[1].name = "sun_path";
		f[1].off = offsetof(struct sockaddr_un, sun_path);
		f[1].size = sizeof(((struct sockaddr_un *)0)->sun_path);
		n = 2;
		strbuf_init(&sb, f[1].value, VALUE_MAX);
		if (len <= f[1].off)
			strbuf_puts(&sb, "(unnamed: no path)");
		else
			addr_unix_path(&sb, sa, len, true);
		/* The kernel tells an abstract name by its first byte, 00. */
		if (len > f[1].off && b[f[1].off] == '\0')
			strbuf_puts(&sb, " (abstract: starts with 00)");
	} else {
		f[0].name = "sa_family";
		f[1].name = "sa_data";
		f[1].off = sizeof(sa_family_t);
		f[1].size = len > f[1].off ? len - f[1].off : 0;
		n = 2;
	}
	/* Only the bytes the call was given: addrlen may stop mid-struct. */
	for (i = 0; i < n; i++) {
		if (f[i].off >= len)
			f[i].size = 0;
		else if (f[i].off + f[i].size > len)
			f[i].size = len - f[i].off;
		end = f[i].off + f[i].size;
	}
	while (n > 1 && f[n - 1].size == 0 && f[n - 1].off >= len &&
	    sa->sa_family != AF_UNIX)
		n--;
	if (end < len && n < FIELDS_MAX) {
		f[n] = (struct field){ "(beyond the struct)", "", end,
		    len - end, };
		n++;
	}
	return n;
}

/* Appends n bytes as "xx xx xx". */
static size_t
put_hex(struct strbuf *sb, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_printf(sb, "%s%02x", i ? " " : "", p[i]);
	return n ? n * 3 - 1 : 0;
}

static void
pad(struct strbuf *sb, size_t n)
{
	while (n-- > 0)
		strbuf_puts(sb, " ");
}

/* Ends a row, dropping the spaces a last, narrower cell left. */
static void
end_row(struct strbuf *sb)
{
	size_t used = strbuf_used(sb);

	while (used > 0 && sb->buf[used - 1] == ' ')
		used--;
	sb->buf[used] = '\0';
	sb->len = used;
	strbuf_puts(sb, "\n");
}

void
sabytes_format(struct strbuf *sb, const struct sockaddr *sa, socklen_t len,
    const char *family_name)
{
	const unsigned char *b = (const unsigned char *)sa;
	struct field f[FIELDS_MAX];
	size_t width[FIELDS_MAX];
	size_t n, i, rows = 1, row, w;

	if (sa == NULL || len < sizeof(sa_family_t))
		return;
	if (len > sizeof(struct sockaddr_storage))
		len = sizeof(struct sockaddr_storage);
	n = fields_of(sa, len, family_name, f);
	for (i = 0; i < n; i++) {
		size_t shown = f[i].size;

		/* Only the last field runs on over rows. */
		if (i == n - 1 && shown > ROW_BYTES) {
			rows = (shown + ROW_BYTES - 1) / ROW_BYTES;
			shown = ROW_BYTES;
		}
		width[i] = shown ? shown * 3 - 1 : 0;
		if (strlen(f[i].name) > width[i])
			width[i] = strlen(f[i].name);
		if (strlen(f[i].value) > width[i])
			width[i] = strlen(f[i].value);
	}
	for (row = 0; row < rows; row++) {
		strbuf_puts(sb, "    ");
		for (i = 0; i < n; i++) {
			size_t from = 0, count = f[i].size;

			if (i > 0)
				strbuf_puts(sb, " | ");
			if (i == n - 1 && rows > 1) {
				from = row * ROW_BYTES;
				count = count - from < ROW_BYTES ?
				    count - from : ROW_BYTES;
			} else if (row > 0) {
				count = 0;
			}
			w = put_hex(sb, b + f[i].off + from, count);
			if (i < n - 1)
				pad(sb, width[i] - w);
		}
		if (row == rows - 1)
			strbuf_printf(sb, "   (%u bytes)", (unsigned)len);
		end_row(sb);
	}
	strbuf_puts(sb, "    ");
	for (i = 0; i < n; i++) {
		strbuf_printf(sb, "%s%s", i ? " | " : "", f[i].name);
		pad(sb, width[i] - strlen(f[i].name));
	}
	end_row(sb);
	strbuf_puts(sb, "    ");
	for (i = 0; i < n; i++) {
		strbuf_printf(sb, "%s%s", i ? " | " : "", f[i].value);
		pad(sb, width[i] - strlen(f[i].value));
	}
	end_row(sb);
}
