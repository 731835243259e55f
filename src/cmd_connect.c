/* cmd_connect.c: active open: connect, then relay stdio with the peer; also -z port checks. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dial.h"
#include "i18n.h"
#include "inetd.h"
#include "json.h"
#include "report.h"
#include "session.h"
#include "session_proxy.h"
#include "sockit.h"
#include "sys.h"
#include "textbook.h"
#include "trace.h"

struct connect_opts {
	int zero;
	double wait;
	const char *source;
};

static const struct opt_def connect_defs[] = {
	{ 'z', "zero", OPT_FLAG, offsetof(struct connect_opts, zero), NULL,
	  N_("port check (with --tls, a handshake); PORT: 22,80,90-99"),
	  1, 0, 0, NULL },
	{ 0, "wait", OPT_SECONDS, offsetof(struct connect_opts, wait), "SECS",
	  N_("retry a refused connect until SECS pass (124)"),
	  0, 0, 0, NULL },
	{ 's', "source", OPT_STRING, offsetof(struct connect_opts, source),
	  "ADDR[:PORT]", N_("bind the local end to ADDR and PORT first"),
	  0, 0, 0, NULL },
};

static const char *const connect_examples = N_(
	"  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | sockit connect example.org:80\n"
	"  sockit connect -z localhost:22,80,8000-8100\n"
	"  sockit connect --wait 30 db:5432 -z && ./migrate\n"
	"  sockit --trace connect unix:/run/app.sock\n"
	"  sockit connect --tcp-state localhost:8080  # each call's TCP state\n"
	"  printf 'HEAD / HTTP/1.0\\r\\n\\r\\n' | sockit connect -v --tls "
	"example.org:443\n"
	"  sockit connect --tls -c 'printf \"GET / HTTP/1.0\\r\\n\\r\\n\"; "
	"cat >&2' host:443\n"
	"  sockit connect --proxy socks5h://127.0.0.1:1080 example.org:22\n");

/*
 * UDP has no handshake: send an empty datagram and listen. An ICMP port
 * unreachable comes back as ECONNREFUSED; silence may mean open or dropped.
 */
static const char *
probe_udp(int fd, double timeout)
{
	char byte;
	ssize_t n;

	if (sys_send(fd, "", 0, 0) < 0)
		return errno == ECONNREFUSED ? "closed" : "error";
	if (session_wait(fd, POLLIN, timeout < 0 ? 1.0 : timeout) <= 0)
		return "open|filtered";
	n = sys_recv(fd, &byte, 1, 0);
	if (n < 0 && errno == ECONNREFUSED)
		return "closed";
	return n < 0 ? "error" : "open";
}

static void
print_port_state(struct session *s, const struct endpoint *ep,
    const char *address, const char *state)
{
	char storage[1024];
	struct strbuf sb;

	if (s->opts.json) {
		strbuf_init(&sb, storage, sizeof(storage));
		json_begin(&sb);
		json_field_str(&sb, "endpoint", ep->text);
		json_field_str(&sb, "host", ep->host);
		if (isdigit((unsigned char)ep->port[0]))
			json_field_u64(&sb, "port", strtoul(ep->port, NULL,
			    10));
		else if (!endpoint_is_unix(ep))
			json_field_str(&sb, "port", ep->port);
		json_field_str(&sb, "address", address);
		json_field_str(&sb, "state", state);
		json_end(&sb);
		printf("%s\n", strbuf_str(&sb));
	} else {
		printf("%s %s\n", ep->text, state);
	}
	fflush(stdout);
}

/*
 * -z --tls: whether TLS is up on the open port fd, whose address is
 * text: the handshake, checked as a connection's would be, and its facts
 * with -v; close_notify ends it. A failure is reported as a connection's
 * is, with its hint. Returns true when the handshake passed.
 */
static bool
check_tls(struct session *s, int fd, const char *text)
{
	struct relay_result done;

	if (session_tls_start(s, fd, text) != EXIT_OK)
		return false;
	memset(&done, 0, sizeof(done));
	done.end = RELAY_DONE;
	session_tls_finish(s, &done, text);
	return true;
}

/*
 * -z on one endpoint, retried under --wait; addrs as for open_connection.
 * Returns true when open (and with TLS, when its handshake passed).
 */
static bool
check_one(struct session *s, const struct endpoint *ep,
    const struct endpoint_addr *addrs, int n, double wait)
{
	struct dial_result t;
	char text[ADDR_TEXT_MAX];
	const char *state = "open";
	int status;

	status = dial_open(s, ep, addrs, n, wait, true, &t);
	if (status != EXIT_OK) {
		if (t.last_err > 0 && !t.fatal) {
			addr_format_kind((const struct sockaddr *)
			    &t.last_addr.sa, t.last_addr.len,
			    t.last_addr.socktype, text, sizeof(text));
			if (s->opts.json)
				print_port_state(s, ep, text, "closed");
			else
				report_note("%s closed: %s", ep->text,
				    i18n_errno_text(t.last_err));
		}
		return false;
	}
	addr_format_kind((const struct sockaddr *)&t.addr.sa, t.addr.len,
	    t.addr.socktype, text, sizeof(text));
	if (t.addr.socktype == SOCK_DGRAM && t.addr.family != AF_UNIX)
		state = probe_udp(t.fd, s->opts.timeout);
	else if (session_tls_on(s) && !check_tls(s, t.fd, text))
		state = "tls-failed";
	sys_close(t.fd);
	if (strcmp(state, "tls-failed") == 0) {
		/* check_tls has said why on stderr. */
		if (s->opts.json)
			print_port_state(s, ep, text, state);
		return false;
	}
	if (strcmp(state, "closed") == 0 || strcmp(state, "error") == 0) {
		if (s->opts.json)
			print_port_state(s, ep, text, state);
		else
			report_note("%s %s", ep->text, state);
		return false;
	}
	print_port_state(s, ep, text, state);
	return true;
}

/* -z over a port list: the host is resolved once, then each port tried. */
static int
port_check(struct session *s, struct endpoint *ep, double wait)
{
	struct port_range ranges[ENDPOINT_PORT_RANGES_MAX];
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	char err[256];
	int nranges, naddrs, i, j;
	unsigned port;
	bool any_open = false;

	if (endpoint_is_unix(ep) || !isdigit((unsigned char)ep->port[0]))
		return check_one(s, ep, NULL, -1, wait) ? EXIT_OK : EXIT_FAIL;
	nranges = endpoint_port_list(ep->port, ranges, ARRAY_LEN(ranges), err,
	    sizeof(err));
	if (nranges < 0) {
		report_usage("%s", err);
		return EXIT_USAGE;
	}
	endpoint_set_port(ep, ranges[0].first);
	naddrs = dial_resolve(ep, wait >= 0 ? relay_now() + wait : -1,
	    addrs, ARRAY_LEN(addrs));
	if (naddrs < 0)
		return sys_signal_caught ? 128 + (int)sys_signal_caught :
		    EXIT_FAIL;
	for (i = 0; i < nranges; i++) {
		for (port = ranges[i].first; port <= ranges[i].last; port++) {
			endpoint_set_port(ep, port);
			for (j = 0; j < naddrs; j++)
				endpoint_addr_set_port(&addrs[j], port);
			if (check_one(s, ep, addrs, naddrs, wait))
				any_open = true;
			if (sys_signal_caught)
				return 128 + (int)sys_signal_caught;
		}
	}
	return any_open ? EXIT_OK : EXIT_FAIL;
}

int
cmd_connect(int argc, char **argv)
{
	struct session s;
	struct session_proxy px;
	struct connect_opts co = { 0, -1, NULL };
	struct multicast_send ms;
	struct endpoint ep;
	struct dial_result t;
	struct spawn_cmd prog;
	char *pos[3], peer[ADDR_TEXT_MAX];
	int npos, status;
	const struct opt_group groups[] = {
		{ N_("Options"), connect_defs, ARRAY_LEN(connect_defs), &co },
		{ N_("Socket options"), session_socket_defs,
		  session_socket_count, &s.opts },
		{ N_("Datagram options"), multicast_send_defs,
		  multicast_send_count, &ms },
		{ N_("Program options"), session_program_defs,
		  session_program_count, &s.opts },
		{ N_("Data options"), session_data_defs, session_data_count,
		  &s.opts },
		{ N_("TLS options"), session_tls_defs, session_tls_count,
		  &s.tlso },
		{ N_("Proxy options"), session_proxy_defs, session_proxy_count,
		  &px },
		{ N_("Terminal options"), session_tty_defs, session_tty_count,
		  &s.opts },
	};
	const struct opt_command cmd = {
		"connect", N_("[OPTIONS] ENDPOINT\n[OPTIONS] HOST PORT"),
		N_("Active open: connect to ENDPOINT, relay stdin to the peer, "
		"the peer to stdout.\nOn stdin EOF send FIN (shutdown SHUT_WR)\n"
		"(through --proxy: only with --shutdown wr) and print the rest of "
		"the reply."),
		connect_examples, groups, ARRAY_LEN(groups),
	};

	session_init(&s);
	session_proxy_init(&px, &s);
	multicast_send_init(&ms);
	s.may_edit = true;
	s.dialed = true;
	memset(&prog, 0, sizeof(prog));
	if ((status = opt_run(&cmd, argc, argv, pos, 3, &npos)) != OPT_GO_ON)
		return status;
	s.opts.source = co.source;
	session_proxy_shutdown_default(&px, &s);
	if ((status = session_check(&s)) != EXIT_OK)
		return status;
	if ((status = session_proxy_endpoint(&px, &s, pos, npos, co.zero,
	    &ep)) != EXIT_OK)
		return status;
	if ((status = session_parse_source(&s, &ep)) != EXIT_OK ||
	    (status = multicast_send_check(&ms, &ep)) != EXIT_OK)
		return status;
	s.multicast = &ms;
	if (co.zero && session_has_program(&s)) {
		report_usage("-z closes at once: there is no connection for "
		    "%s to talk to", s.opts.exec_prog != NULL ? "-e" : "-c");
		return EXIT_USAGE;
	}
	if (co.zero && textbook_on() && endpoint_is_dgram(&ep)) {
		report_usage("-z with -u needs plain mode, not --textbook: "
		    "only a connected UDP socket hears the ICMP error that "
		    "marks a port closed");
		return EXIT_USAGE;
	}
	if ((status = session_proxy_setup(&px, &s, &ep, co.zero)) != EXIT_OK ||
	    (status = session_tls_setup(&s, &ep, false)) != EXIT_OK)
		return status;
	if (co.zero) {
		status = port_check(&s, &ep, co.wait);
		session_tls_free(&s);
		return status;
	}
	if (session_has_program(&s) &&
	    (status = session_program(&s, &prog)) != EXIT_OK) {
		spawn_free(&prog);
		return status;
	}
	status = session_proxy_dial(&px, &s, &ep, co.wait, &t, peer,
	    sizeof(peer));
	if (status == EXIT_OK) {
		if (session_has_program(&s) && session_tls_on(&s)) {
			status = inetd_session(&s, &prog, t.fd);
		} else if (session_has_program(&s)) {
			status = session_run_program(&s, &prog, t.fd, -1);
		} else {
			status = session_relay(&s, t.fd, t.addr.socktype, peer);
			sys_close(t.fd);
		}
	}
	spawn_free(&prog);
	session_tls_free(&s);
	return status;
}
