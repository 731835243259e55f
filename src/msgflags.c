/* msgflags.c: --peek and --oob: checks, relay settings, the urgent byte. */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <sys/socket.h>

#include "i18n.h"
#include "json.h"
#include "msgflags.h"
#include "report.h"
#include "sockit.h"
#include "textbook.h"

int
msgflags_check(const struct session *s, const struct endpoint *ep,
    bool serve)
{
	bool tls = s->tlso.tls || ep->tls;

	if ((s->oob_send || s->oob_recv) && endpoint_is_unix(ep)) {
		report_usage(s->oob_send ? N_("--oob sends TCP urgent data "
		    "(MSG_OOB), and %s is an AF_UNIX endpoint") : N_("--oob "
		    "reads TCP urgent data (MSG_OOB), and %s is an AF_UNIX "
		    "endpoint"), ep->text);
		return EXIT_USAGE;
	}
	if ((s->oob_send || s->oob_recv) && ep->row->socktype != SOCK_STREAM) {
		report_usage(s->oob_send ? N_("--oob sends TCP urgent data "
		    "(MSG_OOB), and %s is a UDP endpoint") : N_("--oob reads "
		    "TCP urgent data (MSG_OOB), and %s is a UDP endpoint"),
		    ep->text);
		return EXIT_USAGE;
	}
	if ((s->oob_send || s->oob_recv) && tls) {
		report_usage(s->oob_send ? N_("--oob sends TCP urgent data, "
		    "which would bypass TLS: give one of --oob and --tls") :
		    N_("--oob reads TCP urgent data, which would bypass TLS: "
		    "give one of --oob and --tls"));
		return EXIT_USAGE;
	}
	if (s->oob_recv && textbook_on()) {
		report_usage("--oob reads need plain mode, not --textbook: the "
		    "urgent byte comes with POLLPRI, which the blocking loop "
		    "does not watch for");
		return EXIT_USAGE;
	}
	if (!s->peek)
		return EXIT_OK;
	if (tls) {
		report_usage("--peek reads the socket's bytes twice, and a TLS "
		    "record is taken once: give one of --peek and --tls");
		return EXIT_USAGE;
	}
	if (serve) {
		report_usage("--peek has no effect with --serve: the service "
		    "reads the socket itself, not through sockit's relay");
		return EXIT_USAGE;
	}
	if (session_has_program(s)) {
		report_usage("--peek has no effect with %s: the program reads "
		    "the socket itself, not through sockit's relay",
		    s->opts.exec_prog != NULL ? "-e" : "-c");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Says which urgent byte came and how: a line, or a --json event. */
static void
urgent_hook(void *ctx, unsigned char byte, bool in_line)
{
	char storage[256], shown[8] = "";
	struct strbuf sb;

	(void)ctx;
	if (report.json) {
		report_event_begin(&sb, storage, sizeof(storage), "urgent");
		json_field_u64(&sb, "byte", byte);
		json_field_bool(&sb, "inline", in_line);
		report_event_end(&sb);
		return;
	}
	if (isprint(byte))
		snprintf(shown, sizeof(shown), " '%c'", byte);
	if (in_line)
		report_notice("urgent byte 0x%02x%s inline, at the mark "
		    "(sockatmark): it stays in the data", byte, shown);
	else
		report_notice("urgent byte 0x%02x%s (MSG_OOB)", byte, shown);
}

/* The last -o SO_OOBINLINE given says where the urgent byte goes. */
static bool
oob_inline(const struct session *s)
{
	bool on = false;
	int i;

	for (i = 0; i < s->setting_count; i++)
		if (s->settings[i].def->level == SOL_SOCKET &&
		    s->settings[i].def->optname == SO_OOBINLINE)
			on = s->settings[i].int_value != 0;
	return on;
}

void
msgflags_apply(const struct session *s, struct relay_config *cfg)
{
	cfg->peek = s->peek;
	cfg->send_flags = s->oob_send ? MSG_OOB : 0;
	if (!s->oob_recv)
		return;
	cfg->urgent = true;
	cfg->urgent_inline = oob_inline(s);
	cfg->hooks.on_urgent = urgent_hook;
}
