/* session_starttls.c: --starttls's socket side: send each command of the preamble, read each answer whole, say what went wrong. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "explain.h"
#include "i18n.h"
#include "json.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "session_starttls.h"
#include "sockit.h"
#include "starttls.h"
#include "sys.h"

/* The name EHLO gives: our address as RFC 5321 4.1.3 writes literals. */
static void
hello_name(int sock, char *out, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[INET6_ADDRSTRLEN];

	snprintf(out, cap, "localhost");
	if (sys_getsockname(sock, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
	    &((struct sockaddr_in *)&ss)->sin_addr, text, sizeof(text)))
		snprintf(out, cap, "[%s]", text);
	else if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr, text, sizeof(text)))
		snprintf(out, cap, "[IPv6:%s]", text);
}

/*
 * -v's lines: each line of what went (dir ">") or came ("<"), quoted
 * when it holds more than printable text.
 */
static void
show(const char *dir, const unsigned char *buf, size_t len,
    enum starttls_proto proto)
{
	char quoted[512];
	size_t at = 0;

	if (proto == STARTTLS_POSTGRES) {
		report_note("starttls: %s %s", dir, starttls_quote(buf, len,
		    quoted, sizeof(quoted)));
		return;
	}
	while (at < len) {
		const unsigned char *lf = memchr(buf + at, '\n', len - at);
		size_t end = lf != NULL ? (size_t)(lf - buf) + 1 : len;
		size_t n = end - at;

		/* The line's own CR LF says nothing: -v shows it whole. */
		if (n > 0 && buf[at + n - 1] == '\n')
			n--;
		if (n > 0 && buf[at + n - 1] == '\r')
			n--;
		report_note("starttls: %s %s", dir, starttls_quote(buf + at, n,
		    quoted, sizeof(quoted)));
		at = end;
	}
}

/* Sends the whole command, waiting for room as the deadline allows. */
static int
send_all(int sock, const unsigned char *buf, size_t len, double deadline,
    const char *what)
{
	int err = 0;
	int status = session_send_all(sock, buf, len, 0, 0, deadline, &err);

	if (status == EXIT_FAIL && err != 0)
		report_errno("send", what, err);
	return status;
}

/*
 * "the server refused: "454 ..."" and the like, with the hint; text is
 * a message id (N_) or a message already in the user's language.
 */
static void
tell(const char *what, const char *text, const unsigned char *said,
    size_t len, const char *name)
{
	char quoted[600], line[800];

	if (said != NULL)
		snprintf(line, sizeof(line), "%s: %s", _(text),
		    starttls_quote(said, len, quoted, sizeof(quoted)));
	else
		snprintf(line, sizeof(line), "%s", _(text));
	report_failure_lines(what, line, NULL, "", explain_tls(name));
}

/* --json's "starttls" event: the server's answer that agreed. */
static void
agreed(const char *peer, const char *name, const unsigned char *answer,
    size_t len)
{
	char storage[1024], text[256];
	struct strbuf sb;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, answer, len);
	text[len] = '\0';
	report_event_begin(&sb, storage, sizeof(storage), "starttls");
	json_field_str(&sb, "remote", peer);
	json_field_str(&sb, "protocol", name);
	json_field_str(&sb, "answer", text);
	report_event_end(&sb);
}

int
session_starttls(struct session *s, int sock, const char *peer,
    double deadline)
{
	static unsigned char buf[STARTTLS_ANSWER_MAX];
	enum starttls_proto proto = (enum starttls_proto)s->tlso.starttls;
	const char *name = starttls_name(proto);
	char what[ADDR_TEXT_MAX + 64], hello[INET6_ADDRSTRLEN + 8];
	unsigned char cmd[512];
	size_t last = 0;
	int step, status;

	snprintf(what, sizeof(what), _("starttls %s with %s"), name, peer);
	hello[0] = '\0';
	if (proto == STARTTLS_SMTP)
		hello_name(sock, hello, sizeof(hello));
	for (step = 0; step < starttls_steps(proto); step++) {
		enum starttls_verdict v;
		size_t have = 0, used = 0;
		long len = starttls_command(proto, step, hello, cmd,
		    sizeof(cmd));

		if (len > 0) {
			show(">", cmd, (size_t)len, proto);
			status = send_all(sock, cmd, (size_t)len, deadline,
			    what);
			if (status == EXIT_TIMEOUT)
				goto timeout;
			if (status != EXIT_OK)
				return status;
		}
		while ((v = starttls_answer(proto, step, buf, have, &used)) ==
		    STARTTLS_MORE) {
			ssize_t n;
			int rc;

			if (have == sizeof(buf)) {
				tell(what, N_("the answer is longer than any "
				    "of the protocol's, and goes on"), buf, 200,
				    "starttls odd");
				return EXIT_FAIL;
			}
			rc = session_wait(sock, POLLIN,
			    session_time_left(deadline));
			if (rc == 0)
				goto timeout;
			if (rc < 0)
				return sys_signal_caught ? 128 +
				    (int)sys_signal_caught : EXIT_FAIL;
			n = sys_recv(sock, buf + have, sizeof(buf) - have, 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n < 0) {
				report_errno("recv", what, errno);
				return EXIT_FAIL;
			}
			if (n == 0) {
				show("<", buf, have, proto);
				tell(what, have > 0 ? N_("the server closed "
				    "the connection in the middle of its "
				    "answer") : N_("the server closed the "
				    "connection without an answer"), have > 0 ?
				    buf : NULL, have,
				    "starttls closed");
				return EXIT_FAIL;
			}
			have += (size_t)n;
		}
		show("<", buf, used, proto);
		/*
		 * Only the last step asks for TLS: a no before it (a 554
		 * greeting, an IMAP BYE) turns the whole session away.
		 */
		if (v == STARTTLS_REFUSED) {
			tell(what, N_("the server refused"), buf, used,
			    step + 1 < starttls_steps(proto) ?
			    "starttls turned away" : "starttls refused");
			return EXIT_FAIL;
		}
		if (v == STARTTLS_ODD) {
			char text[96];

			snprintf(text, sizeof(text), _("the server does not "
			    "speak %s here; it said"), name);
			tell(what, text, buf, used, "starttls odd");
			return EXIT_FAIL;
		}
		/*
		 * A server waits for our next command, and before TLS, for
		 * our ClientHello: what it sent early would pass, unchecked,
		 * for the first words of the encrypted session (the STARTTLS
		 * injection of CVE-2011-0411 and CVE-2021-23222).
		 */
		if (used < have) {
			tell(what, N_("the server sent more than its answer "
			    "before its turn"), buf + used, have - used,
			    "starttls early");
			return EXIT_FAIL;
		}
		last = used;
	}
	if (s->opts.json)
		agreed(peer, name, buf, last);
	return EXIT_OK;
timeout:
	report_error("%s: no answer within %g s (-w)", what,
	    s->opts.timeout);
	return EXIT_TIMEOUT;
}
