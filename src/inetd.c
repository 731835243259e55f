/* inetd.c: a program behind TLS: a child per connection (or connect itself) keeps the TLS session and relays plain text to the program over a socketpair. */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "inetd.h"
#include "i18n.h"
#include "json.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "sockit.h"
#include "spawn.h"
#include "sys.h"

/*
 * What the relay between the TLS session and the program ended with,
 * when it is a failure that is not TLS's own (session_tls_finish tells
 * those): a peer that reset the connection, say.
 */
static void
report_relay(const struct relay_result *res, const char *peer)
{
	char what[ADDR_TEXT_MAX + 32];

	if (res->end != RELAY_ERROR || strcmp(res->failed_call, "tls") == 0)
		return;
	if (strncmp(res->failed_call, "send", 4) == 0)
		snprintf(what, sizeof(what), _("send to %s"), peer);
	else if (strncmp(res->failed_call, "recv", 4) == 0)
		snprintf(what, sizeof(what), _("recv from %s"), peer);
	else
		snprintf(what, sizeof(what),
		    _("relay between %s and the program"),
		    peer);
	report_errno(res->failed_call, what, res->err);
}

/*
 * The end of a connection on -v or --json, as plain listen --fork reports
 * it, but in bytes of plain text: what the program sent and received.
 */
static void
report_closed(struct session *s, const char *peer,
    const struct spawn_cmd *cmd, const struct relay_stats *st)
{
	char storage[1024], up[32], down[32];
	struct strbuf sb;
	uint64_t sent = st->bytes[RELAY_UP], received = st->bytes[RELAY_DOWN];

	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "closed");
		json_field_str(&sb, "remote", peer);
		json_field_u64(&sb, "pid", (uint64_t)cmd->pid);
		json_field_u64(&sb, "status", (uint64_t)cmd->status);
		json_field_u64(&sb, "sent", sent);
		json_field_u64(&sb, "received", received);
		json_field_num(&sb, "seconds", st->seconds);
		report_event_end(&sb);
	} else if (s->opts.verbose) {
		snprintf(up, sizeof(up), P_("%llu byte", "%llu bytes", sent),
		    (unsigned long long)sent);
		snprintf(down, sizeof(down), P_("%llu byte", "%llu bytes",
		    received), (unsigned long long)received);
		report_note("closed %s: sent %s, received %s in %.3f s", peer,
		    up, down, st->seconds);
	}
}

/*
 * The program's side of the pump: it reads what the peer sent and writes
 * what goes back, on one end of a socketpair, so the shutdown that passes
 * the peer's end on leaves its output open. Its end of the data becomes
 * close_notify where TLS lets one direction end alone (1.3); TLS 1.2 has
 * no half-close (RFC 5246 7.2.1), so there it ends the session, as a
 * program that exits ends its TCP connection under plain listen -e.
 */
static int
relay_program(struct session *s, struct spawn_cmd *cmd, int sock,
    const char *peer_text, int pair)
{
	struct relay_config cfg;
	struct relay_result res;
	bool signalled;

	memset(&cfg, 0, sizeof(cfg));
	cfg.sock = sock;
	cfg.tls = s->tls;
	cfg.in_fd = cfg.out_fd = pair;
	cfg.eof_on_empty = true;
	cfg.on_stdin_eof = tls_half_close(s->tls) ? RELAY_SHUT_WR :
	    RELAY_SHUT_RDWR;
	cfg.quit_after = cfg.idle_timeout = cfg.reply_timeout = -1;
	cfg.to_program = true;
	relay_run(&cfg, &res);
	session_tls_finish(s, &res, peer_text);
	report_relay(&res, peer_text);
	/*
	 * The program sees EOF on stdin, and EPIPE if it writes on. After a
	 * signal, not yet: spawn_wait passes the signal on first, as to a
	 * program that has the socket itself; an EOF first could end the
	 * program and see it reaped before its group heard of the signal.
	 */
	signalled = sys_signal_caught != 0;
	if (!signalled)
		sys_close(pair);
	sys_close(sock);
	spawn_wait(cmd, 1, false);
	if (signalled)
		sys_close(pair);
	report_closed(s, peer_text, cmd, &res.stats);
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	return cmd->status;
}

/*
 * The child of inetd_start, or connect itself: the handshake, the
 * program, the relay.
 */
static int
keep_session(struct session *s, struct spawn_cmd *cmd, int sock,
    const struct sockaddr *peer, socklen_t plen)
{
	struct spawn_env env;
	char text[ADDR_TEXT_MAX];
	int pair[2], status;

	addr_format(peer, plen, text, sizeof(text));
	if (sys_set_nonblocking(sock) < 0) {
		report_errno("fcntl", _("make the connection non-blocking"),
		    errno);
		return EXIT_FAIL;
	}
	if ((status = session_tls_start(s, sock, text)) != EXIT_OK)
		return status;
	/* No SOCK_CLOEXEC: spawn_start closes all but stdio in the program. */
	if (sys_socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0) {
		report_errno("socketpair",
		    _("make a socket pair for the program"),
		    errno);
		return EXIT_FAIL;
	}
	/* The environment names the TLS peer, not the socketpair's end. */
	session_program_env(sock, peer, plen, &env);
	if (spawn_start(cmd, pair[1], pair[1], s->opts.join_stderr ?
	    pair[1] : -1, -1, &env) < 0)
		return EXIT_FAIL;
	spawn_event_started(cmd);
	sys_close(pair[1]);
	if (sys_set_nonblocking(pair[0]) < 0) {
		report_errno("fcntl",
		    _("make the program's socket non-blocking"),
		    errno);
		return EXIT_FAIL;
	}
	return relay_program(s, cmd, sock, text, pair[0]);
}

int
inetd_session(struct session *s, struct spawn_cmd *cmd, int sock)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int status;

	if (sys_getpeername(sock, (struct sockaddr *)&peer, &plen) < 0)
		plen = 0;
	status = keep_session(s, cmd, sock, (struct sockaddr *)&peer, plen);
	/* Once the program ran, relay_program has closed it. */
	if (cmd->pid == 0)
		sys_close(sock);
	return status;
}

pid_t
inetd_start(struct session *s, struct spawn_cmd *cmd, int sock,
    int also_close, const struct sockaddr *peer, socklen_t plen)
{
	pid_t pid = spawn_fork();

	if (pid != 0)
		return pid;
	if (also_close >= 0)
		sys_close(also_close);
	/*
	 * _exit: the parent's exit work is not ours; removing a unix
	 * socket's file, for one, would take it from the server.
	 */
	_exit(keep_session(s, cmd, sock, peer, plen));
}

int
inetd_run(struct session *s, struct spawn_cmd *cmd, int sock, int also_close)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct spawn_cmd child;
	pid_t pid;

	if (sys_getpeername(sock, (struct sockaddr *)&peer, &plen) < 0)
		plen = 0;
	pid = inetd_start(s, cmd, sock, also_close, (struct sockaddr *)&peer,
	    plen);
	sys_close(sock);
	if (pid < 0)
		return EXIT_FAIL;
	memset(&child, 0, sizeof(child));
	child.text = cmd->text;
	child.pid = pid;
	child.running = true;
	child.quiet = true;
	spawn_wait(&child, 1, false);
	if (sys_signal_caught)
		return 128 + (int)sys_signal_caught;
	return child.status;
}
