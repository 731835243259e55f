/* readback.c: --getsockopt: what the kernel really holds for an option. */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "i18n.h"
#include "readback.h"
#include "report.h"
#include "sys.h"

void
readback_format(struct strbuf *sb, const struct sockopt_def *def,
    const void *value, socklen_t len, const struct sockopt_setting *set)
{
	int v = 0;

	strbuf_printf(sb, "%s = ", def->name);
	if (def->kind == SOCKOPT_STRING) {
		/* The kernel may count the NUL in len; the name stops there. */
		strbuf_printf(sb, "\"%.*s\"", (int)strnlen(value, len),
		    (const char *)value);
		return;
	}
	if (def->kind == SOCKOPT_LINGER && len >= sizeof(struct linger)) {
		const struct linger *lg = value;

		strbuf_printf(sb, "{l_onoff=%d, l_linger=%d}", lg->l_onoff,
		    lg->l_linger);
		return;
	}
	/* A few int options (IP_MULTICAST_TTL) may come back as one byte. */
	if (len == sizeof(int))
		memcpy(&v, value, sizeof(v));
	else if (len == 1)
		v = *(const unsigned char *)value;
	else {
		strbuf_printf(sb, P_("(%u byte)", "(%u bytes)", len),
		    (unsigned)len);
		return;
	}
	strbuf_printf(sb, "%d", v);
	if (def->kind == SOCKOPT_BOOL)
		strbuf_puts(sb, v ? _(" (on)") : _(" (off)"));
	/*
	 * The kernel doubles the value given to setsockopt, to leave room
	 * for its own bookkeeping, and getsockopt returns the doubled value
	 * (the socket page of the manual, section 7).
	 */
	if (set != NULL && def->level == SOL_SOCKET &&
	    (def->optname == SO_RCVBUF || def->optname == SO_SNDBUF))
		strbuf_printf(sb, _(" (-o set %d; the kernel doubles the "
		    "value set, for its own bookkeeping)"), set->int_value);
}

int
readback_show(int fd, const struct sockopt_def *const *defs, int count,
    const struct sockopt_setting *settings, int setting_count,
    const char *where)
{
	char text[256], what[ADDR_TEXT_MAX + 64];
	union {
		int i;
		struct linger lg;
		char s[64];
	} value;
	struct strbuf sb;
	int i, j;

	for (i = 0; i < count; i++) {
		const struct sockopt_setting *set = NULL;
		socklen_t len = sizeof(value);

		memset(&value, 0, sizeof(value));
		if (sys_getsockopt(fd, defs[i]->level, defs[i]->optname,
		    &value, &len) < 0) {
			snprintf(what, sizeof(what), _("getsockopt %s on %s"),
			    defs[i]->name, where);
			report_errno("getsockopt", what, errno);
			return -1;
		}
		for (j = 0; j < setting_count; j++)
			if (settings[j].def == defs[i])
				set = &settings[j];
		strbuf_init(&sb, text, sizeof(text));
		readback_format(&sb, defs[i], &value, len, set);
		report_notice("%s", strbuf_str(&sb));
	}
	return 0;
}
