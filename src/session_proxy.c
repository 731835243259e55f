/* session_proxy.c: --proxy's socket side: connect to the proxy, run the handshake of proxy_client.c on it, say what the proxy answered. */
#include "compat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "errtable.h"
#include "explain.h"
#include "explain_nc.h"
#include "i18n.h"
#include "json.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "session_proxy.h"
#include "sockit.h"
#include "starttls.h"
#include "sys.h"
#include "trace.h"

#define FIELD(name) offsetof(struct session_proxy, name)
/*
 * Without -w, how long the proxy may take over its answers: a proxy that
 * accepts and never speaks would hold the command forever, and the
 * server's side waits as long for a request.
 */
#define PROXY_HANDSHAKE_WAIT 30.0

const struct opt_def session_proxy_defs[] = {
	{ 0, "proxy", OPT_LIST, FIELD(urls), "URL",
	  N_("connect through a proxy: socks5://, socks5h://, socks4://, "
	  "socks4a://, http://"), 0, 0, 0, NULL },
	{ 0, "proxy-auth-file", OPT_LIST, FIELD(auth_files), "FILE",
	  N_("the proxy's user:password is the first line of FILE"),
	  0, 0, 0, NULL },
};

const size_t session_proxy_count = ARRAY_LEN(session_proxy_defs);

void
session_proxy_init(struct session_proxy *px, struct session *s)
{
	memset(px, 0, sizeof(*px));
	s->opts.shutdown_mode = -1;
}

void
session_proxy_shutdown_default(struct session_proxy *px, struct session *s)
{
	px->shutdown_given = s->opts.shutdown_mode >= 0;
	if (!px->shutdown_given)
		s->opts.shutdown_mode = RELAY_SHUT_WR;
}

/*
 * Reads the one line of --proxy-auth-file. A file others may read gives
 * the password away as surely as the command line would: refused.
 */
static int
read_auth_file(const char *path, enum proxy_kind kind,
    struct proxy_credentials *cred)
{
	char buf[2 * PROXY_CRED_MAX + 8], what[4200], hint[4200], err[256];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	snprintf(what, sizeof(what), _("read --proxy-auth-file %s"), path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report_errno("open", what, errno);
		return EXIT_FAIL;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		report_error("%s: %s", what, S_ISDIR(st.st_mode) ?
		    _("it is a directory, not a file holding user:password") :
		    _("it is not a regular file"));
		return EXIT_FAIL;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
		unsigned mode = (unsigned)(st.st_mode & 07777);
		char text[160];

		/* Any bit is refused; the message names the harm of those set. */
		static const char *const harm[] = {
			[SECRET_READ_WRITE] = N_("group or others may read and "
			    "write it (mode %04o), and it holds a password"),
			[SECRET_READ] = N_("group or others may read it (mode "
			    "%04o), and it holds a password"),
			[SECRET_WRITE] = N_("group or others may write it (mode "
			    "%04o), and so change the password sent to the "
			    "proxy"),
			[SECRET_OTHER] = N_("group or others have a permission "
			    "on it (mode %04o), and it holds a password"),
		};

		close(fd);
		snprintf(text, sizeof(text), _(harm[proxy_secret_access(mode)]),
		    mode);
		snprintf(hint, sizeof(hint), _("chmod 600 %s"), path);
		report_failure_lines(what, text, NULL, "", hint);
		return EXIT_FAIL;
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len,
	    sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			report_errno("read", what, errno);
			close(fd);
			return EXIT_FAIL;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len == sizeof(buf)) {
		report_error("%s: it is longer than one user:password line",
		    what);
		return EXIT_FAIL;
	}
	if (proxy_auth_parse(buf, len, kind, cred, err, sizeof(err)) < 0) {
		explicit_bzero(buf, sizeof(buf));
		report_error("%s: %s", what, err);
		return EXIT_FAIL;
	}
	explicit_bzero(buf, sizeof(buf));
	return EXIT_OK;
}

int
session_proxy_setup(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, bool zero)
{
	char err[512], text[PROXY_HOST_MAX + 16];
	char a[PROXY_URL_SHOWN_MAX], b[PROXY_URL_SHOWN_MAX];
	unsigned char a6[16];

	if (px->urls.count > 1) {
		report_usage("--proxy given twice ('%s' and '%s'): a connection "
		    "goes through one proxy", proxy_url_masked(px->urls.items[0], a,
		    sizeof(a)), proxy_url_masked(px->urls.items[1], b, sizeof(b)));
		return EXIT_USAGE;
	}
	if (px->auth_files.count > 1) {
		report_usage("--proxy-auth-file given twice ('%s' and '%s'): "
		    "give one file", px->auth_files.items[0],
		    px->auth_files.items[1]);
		return EXIT_USAGE;
	}
	px->url_text = px->urls.count > 0 ? px->urls.items[0] : NULL;
	px->auth_file = px->auth_files.count > 0 ? px->auth_files.items[0] :
	    NULL;
	if (px->url_text == NULL) {
		if (px->auth_file != NULL) {
			report_usage("--proxy-auth-file needs --proxy URL");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (proxy_url_parse(px->url_text, &px->url, err, sizeof(err)) < 0) {
		report_usage("%s", err);
		return EXIT_USAGE;
	}
	if (endpoint_is_unix(ep)) {
		report_usage("--proxy reaches TCP targets: %s is a unix "
		    "socket, which only this machine can reach", ep->text);
		return EXIT_USAGE;
	}
	if (ep->row->socktype != SOCK_STREAM) {
		report_usage("--proxy carries TCP only: SOCKS5's UDP ASSOCIATE "
		    "and the like are not done here, so -u cannot go through "
		    "a proxy");
		return EXIT_USAGE;
	}
	if (zero) {
		report_usage("-z checks ports from this machine; through a "
		    "proxy, connect without -z: a refused CONNECT ends with "
		    "the proxy's answer and status 1");
		return EXIT_USAGE;
	}
	if (!isdigit((unsigned char)ep->port[0])) {
		report_usage("through a proxy the port must be a number: the "
		    "proxy, not this machine, would look up the service '%s'",
		    ep->port);
		return EXIT_USAGE;
	}
	if ((px->url.kind == PROXY_SOCKS4 || px->url.kind == PROXY_SOCKS4A) &&
	    inet_pton(AF_INET6, ep->host, a6) == 1) {
		report_usage("%s:// carries IPv4 addresses only, and %s is "
		    "IPv6: use socks5:// or socks5h://",
		    proxy_kind_scheme(px->url.kind), ep->host);
		return EXIT_USAGE;
	}
	if (px->auth_file != NULL && px->url.cred.given) {
		report_usage("credentials in both --proxy's URL and "
		    "--proxy-auth-file: give them once");
		return EXIT_USAGE;
	}
	snprintf(text, sizeof(text), strchr(px->url.host, ':') ? "[%s]:%d" :
	    "%s:%d", px->url.host, px->url.port);
	if (endpoint_parse(text, NULL, &s->flags, &px->ep, err,
	    sizeof(err)) < 0) {
		report_usage("bad proxy address in --proxy: %s", err);
		return EXIT_USAGE;
	}
	if (px->auth_file != NULL && read_auth_file(px->auth_file,
	    px->url.kind, &px->url.cred) != EXIT_OK)
		return EXIT_FAIL;
	if ((px->url.kind == PROXY_SOCKS4 || px->url.kind == PROXY_SOCKS4A) &&
	    px->url.cred.password[0] != '\0') {
		explicit_bzero(&px->url.cred, sizeof(px->url.cred));
		report_usage("SOCKS4 has a user id, no password: %s's line "
		    "holds one; write USER: with nothing after the ':', or use "
		    "socks5://", px->auth_file);
		return EXIT_USAGE;
	}
	/*
	 * Many proxies end the tunnel when the client half-closes: a FIN
	 * after the request, and the reply is dropped. Without a word from
	 * --shutdown, stdin's EOF sends nothing; the peer's close ends it.
	 */
	if (!px->shutdown_given)
		s->opts.shutdown_mode = RELAY_SHUT_NONE;
	px->on = true;
	return EXIT_OK;
}

int
session_proxy_endpoint(struct session_proxy *px, struct session *s,
    char **pos, int npos, bool port_list, struct endpoint *ep)
{
	int family = s->flags.family, status;

	/*
	 * nc's -x ADDR alone is a SOCKS5 proxy; here -x is the hex dump,
	 * and ADDR HOST PORT one word too many.
	 */
	if (px->urls.count == 0 && s->opts.hex && npos == 3 &&
	    strchr(pos[0], ':') != NULL &&
	    strspn(pos[2], "0123456789") == strlen(pos[2])) {
		char advice[1024];

		report_usage("unexpected argument '%s': %s", pos[2],
		    explain_nc_proxy_line("connect", NULL, pos[0], 2, pos + 1,
		    advice, sizeof(advice)));
		return EXIT_USAGE;
	}
	if (px->urls.count == 0)
		return session_endpoint(s, pos, npos, port_list, ep);
	/*
	 * -4 and -6 choose how our socket reaches the proxy; the target is
	 * the proxy's to reach, by whatever address it names.
	 */
	s->flags.family = AF_UNSPEC;
	status = session_endpoint(s, pos, npos, port_list, ep);
	s->flags.family = family;
	return status;
}

void
session_proxy_trace(const char *text)
{
	char storage[PROXY_TRACE_MAX + 64];
	struct strbuf sb;

	if (!(trace_flags & TRACE_ON) || text[0] == '\0')
		return;
	trace_begin(&sb, storage, sizeof(storage));
	strbuf_puts(&sb, text);
	trace_emit(&sb);
}

static int
signal_status(void)
{
	return sys_signal_caught ? 128 + (int)sys_signal_caught : EXIT_FAIL;
}

/* The hint's key for a SOCKS reply code of kind. */
static const char *
reply_hint(enum proxy_kind kind, int code)
{
	if (kind == PROXY_SOCKS4 || kind == PROXY_SOCKS4A) {
		if (code == SOCKS4_REJECTED)
			return "socks4 rejected";
		/* Only these two are identd's; the rest SOCKS4 never defined. */
		return code == SOCKS4_NO_IDENTD || code == SOCKS4_IDENTD_MISMATCH ?
		    "socks4 identd" : "socks4 odd";
	}
	switch (code) {
	case SOCKS5_CONNECTION_REFUSED:
		return "refused";
	case SOCKS5_NETWORK_UNREACHABLE:
	case SOCKS5_HOST_UNREACHABLE:
	case SOCKS5_TTL_EXPIRED:
		return "unreachable";
	case SOCKS5_NOT_ALLOWED:
		return "not allowed";
	}
	return "failure";
}

/* The hint's key for an HTTP status. */
static const char *
status_hint(int code)
{
	if (code == 407)
		return "407";
	if (code == 401)
		return "401";
	if (code == 403)
		return "403";
	if (code >= 300 && code < 400)
		return "3xx";
	if (code == 400 || code == 405 || code == 501)
		return "no connect";
	if (code >= 500)
		return "5xx";
	return "http refused";
}

/*
 * Whether seen is our own last message coming back: a port that echoes
 * answers a handshake with it, which reads as nonsense unless named.
 */
static bool
echoed(const struct proxy_handshake *hs, const unsigned char *seen,
    size_t seen_len)
{
	size_t len, at, end;
	const unsigned char *out = proxy_client_output(hs, &len, &at, &end);

	/* All of it: a real proxy's odd answer may share a first byte. */
	return len > 0 && seen_len >= len && memcmp(seen, out, len) == 0;
}

void
session_proxy_failure(const struct proxy_handshake *hs, const char *what,
    const unsigned char *seen, size_t seen_len)
{
	char text[800], quoted[400], offered[64], status_name[16];
	const char *name = NULL, *hint = NULL;
	enum proxy_kind kind = hs->kind;
	bool v4 = kind == PROXY_SOCKS4 || kind == PROXY_SOCKS4A;

	switch (hs->failure) {
	case PROXY_FAIL_REPLY:
		name = session_proxy_answer(hs);
		/* SOCKS4's codes are told in decimal, as its text has them;
		 * one it does not define, in the trace's hex too. */
		if (name == NULL && v4)
			snprintf(text, sizeof(text), _("the proxy said %d "
			    "(0x%02x), a reply code SOCKS4 does not define"),
			    hs->code, hs->code);
		else if (name == NULL)
			snprintf(text, sizeof(text), _("the proxy said 0x%02x, "
			    "a reply code RFC 1928 does not assign"),
			    hs->code);
		else if (v4)
			snprintf(text, sizeof(text), _("the proxy said %d %s"),
			    hs->code, _(socks4_reply_meaning(hs->code)));
		else
			snprintf(text, sizeof(text), _("the proxy said 0x%02x "
			    "%s"), hs->code, _(socks5_reply_meaning(hs->code)));
		hint = explain_proxy(reply_hint(kind, hs->code));
		break;
	case PROXY_FAIL_METHOD:
		proxy_client_offered(hs, offered, sizeof(offered));
		if (hs->code == SOCKS5_NO_ACCEPTABLE) {
			snprintf(text, sizeof(text), _("the proxy takes none "
			    "of the methods offered (%s)"), offered);
			name = "NO_ACCEPTABLE";
			hint = explain_proxy(hs->cred.given ? "no method" :
			    "credentials");
		} else if (echoed(hs, seen, seen_len)) {
			snprintf(text, sizeof(text), _("what came back is our "
			    "own greeting, %s: the port echoes, it is no "
			    "SOCKS5 proxy"), starttls_quote(seen, seen_len,
			    quoted, sizeof(quoted)));
			hint = explain_proxy("echo");
		} else {
			const char *method = socks5_method_name(hs->code);

			snprintf(text, sizeof(text), _("the proxy chose method "
			    "0x%02x%s%s%s, which was not offered; offered: %s"),
			    hs->code, method != NULL ? " (" : "",
			    method != NULL ? method : "",
			    method != NULL ? ")" : "", offered);
			hint = explain_proxy("odd method");
		}
		break;
	case PROXY_FAIL_AUTH:
		snprintf(text, sizeof(text), _("the proxy refused the user "
		    "name and password (RFC 1929 status 0x%02x)"), hs->code);
		name = "AUTH_FAILURE";
		hint = explain_proxy("auth");
		break;
	case PROXY_FAIL_STATUS:
		/* The name explain knows, as --json's error: HTTP_407. */
		snprintf(status_name, sizeof(status_name), "HTTP_%d", hs->code);
		if (errtable_find(status_name) != NULL)
			name = status_name;
		/* The body often says why, as sockit's own SOCKS port does. */
		proxy_http_body_line(seen, seen_len, quoted, sizeof(quoted));
		if (quoted[0] != '\0')
			snprintf(text, sizeof(text), _("the proxy answered "
			    "\"%s\" and said \"%s\""), hs->status, quoted);
		else
			snprintf(text, sizeof(text), _("the proxy answered "
			    "\"%s\""), hs->status);
		hint = explain_proxy(hs->code == 407 && hs->cred.given ?
		    "auth" : hs->code == 400 && strcasestr(quoted, "socks") !=
		    NULL ? "socks port" : status_hint(hs->code));
		break;
	case PROXY_FAIL_CLOSED:
		if (seen_len > 0)
			snprintf(text, sizeof(text), _("the proxy closed the "
			    "connection in the middle of its answer: %s"),
			    starttls_quote(seen, seen_len, quoted,
			    sizeof(quoted)));
		else
			snprintf(text, sizeof(text), "%s", _("the proxy closed "
			    "the connection during the handshake"));
		/* Only a SOCKS4 request is what a SOCKS5 server may drop. */
		hint = explain_proxy(kind == PROXY_SOCKS4 ||
		    kind == PROXY_SOCKS4A ? "closed socks4" : "closed");
		break;
	case PROXY_FAIL_TOO_LONG:
		snprintf(text, sizeof(text), _("the proxy's answer has no "
		    "empty line in its first %d bytes"), PROXY_HTTP_HEAD_MAX);
		hint = explain_proxy("odd");
		break;
	default:
		/*
		 * A SOCKS5 answer to socks5://: a version byte that fits and
		 * a reply that breaks RFC 1928 (an unknown address type).
		 */
		if ((kind == PROXY_SOCKS5 || kind == PROXY_SOCKS5H) &&
		    seen_len > 0 && seen[0] == SOCKS5_VERSION) {
			snprintf(text, sizeof(text), _("the proxy's socks5 "
			    "reply is malformed: %s"), starttls_quote(seen,
			    seen_len, quoted, sizeof(quoted)));
			hint = explain_proxy("malformed");
			break;
		}
		snprintf(text, sizeof(text), echoed(hs, seen, seen_len) ?
		    _("the proxy does not speak %s here; what came back is our "
		    "own request, %s: the port echoes") : _("the proxy does "
		    "not speak %s here; it said %s"), proxy_kind_protocol(kind),
		    starttls_quote(seen, seen_len, quoted, sizeof(quoted)));
		/* A SOCKS5 server's "no method" to a SOCKS4 request. */
		hint = explain_proxy(echoed(hs, seen, seen_len) ? "echo" :
		    kind != PROXY_HTTP && seen_len > 0 &&
		    seen[0] == SOCKS5_VERSION ? "socks5 only" :
		    kind == PROXY_HTTP && seen_len > 0 && (seen[0] ==
		    SOCKS5_VERSION || seen[0] == 0) ? "socks port" : "odd");
		break;
	}
	report_failure_lines(what, text, name, "", hint);
}

/*
 * The hosts the requests may name, in the order to try them: the name
 * itself for the schemes that pass it on, otherwise each address it
 * resolves to (IPv4 only for socks4), as a direct connect tries each.
 * Returns the count, or -1 with the exit status in *status after
 * reporting.
 */
static int
target_hosts(const struct session_proxy *px, const struct endpoint *ep,
    char (*out)[ENDPOINT_HOST_MAX], int max, int *status)
{
	struct endpoint_addr addrs[ENDPOINT_ADDRS_MAX];
	struct endpoint e = *ep;
	char what[ENDPOINT_TEXT_MAX + 32];
	bool v4 = px->url.kind == PROXY_SOCKS4;
	int n, i, j, count = 0;
	int eai;

	snprintf(out[0], ENDPOINT_HOST_MAX, "%s", ep->host);
	if ((px->url.kind != PROXY_SOCKS5 && !v4) || addr_is_literal(ep->host))
		return 1;
	n = endpoint_resolve(&e, false, addrs, ARRAY_LEN(addrs), &eai);
	snprintf(what, sizeof(what), _("resolve %s"), ep->text);
	if (n < 0) {
		report_eai_hint(what, eai, explain_proxy(v4 ? "socks4 resolve" :
		    "socks5 resolve"));
		*status = signal_status();
		return -1;
	}
	for (i = 0; i < n && count < max; i++) {
		struct strbuf sb;

		if (v4 && addrs[i].family != AF_INET)
			continue;
		strbuf_init(&sb, out[count], ENDPOINT_HOST_MAX);
		addr_host(&sb, (const struct sockaddr *)&addrs[i].sa,
		    addrs[i].len);
		for (j = 0; j < count; j++)
			if (strcmp(out[j], out[count]) == 0)
				break;
		if (j == count)
			count++;
	}
	if (count == 0) {
		report_failure_lines(what, _("it has IPv6 addresses only, and "
		    "socks4:// carries IPv4"), NULL, "",
		    explain_proxy("socks4 ipv6"));
		*status = EXIT_FAIL;
		return -1;
	}
	return count;
}

int
session_proxy_target_hosts(const struct session_proxy *px,
    const struct endpoint *ep, char (*out)[ENDPOINT_HOST_MAX], int max,
    int *count)
{
	int status = EXIT_OK;

	if ((*count = target_hosts(px, ep, out, max, &status)) < 0)
		return status;
	return EXIT_OK;
}

/*
 * A refused or unreachable target is worth the next address or another
 * round of --wait; an authentication or a rule's refusal is not.
 */
bool
session_proxy_target_failed(const struct proxy_handshake *hs)
{
	if (hs->failure == PROXY_FAIL_REPLY) {
		if (hs->kind == PROXY_SOCKS4 || hs->kind == PROXY_SOCKS4A)
			return hs->code == SOCKS4_REJECTED;
		return hs->code == SOCKS5_NETWORK_UNREACHABLE ||
		    hs->code == SOCKS5_HOST_UNREACHABLE ||
		    hs->code == SOCKS5_CONNECTION_REFUSED;
	}
	/*
	 * tinyproxy answers a refused or unreachable target with 500 and a
	 * reason ("Unable to connect"): as much the target's failure as 502.
	 */
	if (hs->failure == PROXY_FAIL_STATUS)
		return hs->code == 500 || hs->code == 502 ||
		    hs->code == 503 || hs->code == 504;
	return false;
}

const char *
session_proxy_answer(const struct proxy_handshake *hs)
{
	if (hs->failure == PROXY_FAIL_STATUS)
		return hs->status;
	return hs->kind == PROXY_SOCKS4 || hs->kind == PROXY_SOCKS4A ?
	    socks4_reply_name(hs->code) : socks5_reply_name(hs->code);
}

/*
 * A reset or a broken pipe before the handshake ends is the proxy's
 * doing (it closed without reading what we sent): said as its close is,
 * with the errno's name. Returns whether it reported.
 */
static bool
proxy_hung_up(const struct proxy_handshake *hs, const char *what, int e)
{
	if (e != ECONNRESET && e != EPIPE)
		return false;
	report_failure_lines(what, e == ECONNRESET ? _("the proxy reset the "
	    "connection during the handshake") : _("the proxy closed the "
	    "connection during the handshake"), e == ECONNRESET ?
	    "ECONNRESET" : "EPIPE", "", explain_proxy(hs->kind ==
	    PROXY_SOCKS4 || hs->kind == PROXY_SOCKS4A ? "closed socks4" :
	    "closed"));
	return true;
}

/* -v's and --json's word on the connection to the proxy itself. */
static void
connected_to_proxy(struct session *s, int fd)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	char ltext[ADDR_TEXT_MAX], ptext[ADDR_TEXT_MAX];

	if (s->opts.json) {
		session_connected(s, fd, "connected");
		return;
	}
	if (!s->opts.verbose)
		return;
	if (sys_getsockname(fd, (struct sockaddr *)&local, &llen) < 0)
		llen = 0;
	if (sys_getpeername(fd, (struct sockaddr *)&peer, &plen) < 0)
		plen = 0;
	addr_format((struct sockaddr *)&local, llen, ltext, sizeof(ltext));
	addr_format((struct sockaddr *)&peer, plen, ptext, sizeof(ptext));
	report_note("connected to proxy %s from %s", ptext, ltext);
}

static void
through(struct session *s, const struct session_proxy *px,
    const struct endpoint *ep)
{
	char storage[1024];
	struct strbuf sb;

	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "proxy");
		json_field_str(&sb, "proxy", px->url.text);
		json_field_str(&sb, "target", ep->text);
		report_event_end(&sb);
	} else {
		report_note("proxy %s: connected to %s",
		    proxy_kind_scheme(px->url.kind), ep->text);
	}
}

/*
 * The handshake on fd. Each answer is peeked at and only the bytes the
 * handshake takes are read, so whatever the target sent at once stays in
 * the socket for the relay, the TLS handshake or the program.
 */
static int
handshake(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, const char *host, const char *next_host,
    int fd, bool tell, double wait, double until, char *last,
    size_t last_cap, bool *again)
{
	static struct proxy_handshake hs;
	unsigned char buf[PROXY_HTTP_HEAD_MAX];
	char what[2 * ENDPOINT_TEXT_MAX + 64];
	char err[512];
	double limit = s->opts.timeout >= 0 ? s->opts.timeout :
	    PROXY_HANDSHAKE_WAIT;
	double deadline = relay_now() + limit;
	/* --wait's end bounds the whole dial, this round's answers too. */
	bool by_wait = until >= 0 && until < deadline;
	char message[160];
	const char *answer;
	int status, e = 0;
	enum proxy_step step;

	*again = false;
	if (by_wait)
		deadline = until;
	snprintf(what, sizeof(what), _("connect to %s through proxy %s"),
	    ep->text, px->ep.text);
	if (proxy_client_start(&hs, px->url.kind, host, atoi(ep->port),
	    &px->url.cred, err, sizeof(err)) < 0) {
		report_error("%s: %s", what, err);
		return EXIT_FAIL;
	}
	step = PROXY_SEND;
	for (;;) {
		size_t len, used, secret_at, secret_end;
		const unsigned char *out;
		ssize_t n;
		int rc;

		if (step == PROXY_SEND) {
			session_proxy_trace(hs.said);
			out = proxy_client_output(&hs, &len, &secret_at,
			    &secret_end);
			status = session_send_all(fd, out, len, secret_at, secret_end,
			    deadline, &e);
			if (status == EXIT_TIMEOUT)
				goto timeout;
			if (status != EXIT_OK && e == 0)
				return status;
			if (status != EXIT_OK) {
				if (!proxy_hung_up(&hs, what, e))
					report_errno("send", what, e);
				return status;
			}
		}
		rc = session_wait(fd, POLLIN, session_time_left(deadline));
		if (rc == 0)
			goto timeout;
		if (rc < 0)
			return signal_status();
		n = sys_recv(fd, buf, sizeof(buf), MSG_PEEK);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			if (!proxy_hung_up(&hs, what, errno))
				report_errno("recv", what, errno);
			return EXIT_FAIL;
		}
		step = proxy_client_input(&hs, buf, (size_t)n, &used);
		session_proxy_trace(hs.heard);
		/* The peeked bytes are still there: take what was used. */
		if (used > 0 && sys_recv(fd, buf, used, 0) != (ssize_t)used) {
			report_errno("recv", what, errno);
			return EXIT_FAIL;
		}
		if (step == PROXY_DONE)
			break;
		if (step == PROXY_FAILED) {
			size_t seen_len;
			const unsigned char *seen = proxy_client_quoted(&hs,
			    buf, (size_t)n, used, &seen_len);

			*again = session_proxy_target_failed(&hs);
			answer = session_proxy_answer(&hs);
			if (*again)
				snprintf(last, last_cap, "%s", answer);
			status = EXIT_FAIL;
			if (*again && !tell && next_host != NULL) {
				/* The words of the forwarder's next_host. */
				report_note("proxy %s: %s for %s, trying %s",
				    proxy_kind_scheme(hs.kind), answer, host,
				    next_host);
			} else if (*again && !tell) {
				report_note("proxy %s: %s for %s, trying again",
				    proxy_kind_scheme(hs.kind), answer, host);
			} else if (*again && wait >= 0) {
				/* As a direct --wait that runs out: 124. */
				report_error("%s did not accept a connection "
				    "through proxy %s within %g s (--wait); the "
				    "proxy's last answer: %s", ep->text,
				    px->ep.text, wait, answer);
				status = EXIT_TIMEOUT;
			} else {
				session_proxy_failure(&hs, what, seen,
				    seen_len);
			}
			explicit_bzero(&hs, sizeof(hs));
			return status;
		}
	}
	explicit_bzero(&hs, sizeof(hs));
	through(s, px, ep);
	return EXIT_OK;
timeout:
	explicit_bzero(&hs, sizeof(hs));
	/* --wait ran out in a round after the proxy had answered: as above. */
	if (by_wait && last[0] != '\0') {
		report_error("%s did not accept a connection through proxy %s "
		    "within %g s (--wait); the proxy's last answer: %s",
		    ep->text, px->ep.text, wait, last);
		return EXIT_TIMEOUT;
	}
	if (by_wait)
		snprintf(message, sizeof(message), _("no answer from the proxy "
		    "within %g s (--wait)"), wait);
	else
		snprintf(message, sizeof(message), s->opts.timeout >= 0 ?
		    _("no answer from the proxy within %g s (-w)") :
		    _("no answer from the proxy within %g s (the handshake's "
		    "limit without -w)"), limit);
	report_failure_lines(what, message, "ETIMEDOUT", "",
	    explain_proxy("silent"));
	return EXIT_TIMEOUT;
}

/* Reports a failed connect to the proxy, naming it as the proxy. */
static int
proxy_unreachable(struct session_proxy *px, struct session *s,
    const struct dial_result *t, int status)
{
	char what[ENDPOINT_TEXT_MAX + 32], hint[512];

	/* A resolver failure, a signal or a set-up failure: told already. */
	if (t->fatal || t->last_err <= 0 || sys_signal_caught)
		return status;
	snprintf(what, sizeof(what), _("connect to proxy %s"), px->ep.text);
	if (t->timed_out) {
		char message[128];

		snprintf(message, sizeof(message), _("no answer within %g s "
		    "(-w)"), s->opts.timeout);
		report_failure_lines(what, message, "ETIMEDOUT", "",
		    explain_errno_at("connect", ETIMEDOUT, (const struct
		    sockaddr *)&t->last_addr.sa, t->last_addr.len,
		    t->last_addr.socktype, hint, sizeof(hint)));
		return EXIT_TIMEOUT;
	}
	report_errno_hint(t->last_call, what, t->last_err, explain_errno_at(
	    t->last_call, t->last_err,
	    (const struct sockaddr *)&t->last_addr.sa, t->last_addr.len,
	    t->last_addr.socktype, hint, sizeof(hint)));
	return status == EXIT_TIMEOUT ? EXIT_TIMEOUT : EXIT_FAIL;
}

/* The pause before --wait's next round: doubling up to 0.5 s. */
static double
next_pause(double *backoff, double until)
{
	double secs = *backoff, rest = session_time_left(until);

	if (*backoff < 0.5)
		*backoff *= 2;
	return secs < rest ? secs : rest;
}

/*
 * Resolves the proxy's own address, again while the name is not known
 * yet and --wait lasts. Returns the count, or -1 after reporting, the
 * message naming the proxy (not the target) and, under -4 or -6, saying
 * when the name has addresses of the other family only.
 */
static int
proxy_addrs(struct session_proxy *px, double until,
    struct endpoint_addr *addrs, size_t max)
{
	char what[ENDPOINT_TEXT_MAX + 32], message[256];
	double backoff = 0.05;
	int n, eai;

	for (;;) {
		n = endpoint_resolve(&px->ep, false, addrs, max, &eai);
		if (n >= 0)
			return n;
		if (until < 0 || relay_now() >= until || sys_signal_caught ||
		    (eai != EAI_AGAIN && eai != EAI_NONAME &&
		    eai != EAI_NODATA))
			break;
		dial_pause(next_pause(&backoff, until));
	}
	if (sys_signal_caught)
		return -1;
	snprintf(what, sizeof(what), _("resolve proxy %s"), px->ep.text);
	if (px->ep.family == AF_INET || px->ep.family == AF_INET6) {
		struct endpoint any = px->ep;
		int other;

		any.family = AF_UNSPEC;
		if (endpoint_resolve(&any, false, addrs, max, &other) > 0) {
			snprintf(message, sizeof(message), "%s",
			    px->ep.family == AF_INET6 ? _("it has no IPv6 "
			    "address, and -6 asks for one") : _("it has no "
			    "IPv4 address, and -4 asks for one"));
			report_failure_lines(what, message, NULL, "",
			    px->ep.family == AF_INET6 ? N_("leave -6 out, or "
			    "give the proxy's IPv6 address in --proxy") :
			    N_("leave -4 out, or give the proxy's IPv4 address "
			    "in --proxy"));
			return -1;
		}
	}
	report_eai(what, eai);
	return -1;
}

int
session_proxy_dial(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, double wait, struct dial_result *t,
    char *peer, size_t cap)
{
	char hosts[ENDPOINT_ADDRS_MAX][ENDPOINT_HOST_MAX], last[256] = "";
	double until = wait >= 0 ? relay_now() + wait : -1;
	struct endpoint_addr paddrs[ENDPOINT_ADDRS_MAX];
	double backoff = 0.05;
	bool first = true;
	int status, n, np, i;

	if (!px->on) {
		status = dial_open(s, ep, NULL, -1, wait, false, t);
		if (status != EXIT_OK)
			return status;
		addr_format((const struct sockaddr *)&t->addr.sa, t->addr.len,
		    peer, cap);
		session_connected(s, t->fd, "connected");
		return EXIT_OK;
	}
	if ((n = target_hosts(px, ep, hosts, ENDPOINT_ADDRS_MAX, &status)) < 0)
		return status;
	np = proxy_addrs(px, until, paddrs, ARRAY_LEN(paddrs));
	if (np < 0)
		return sys_signal_caught ? signal_status() : EXIT_FAIL;
	for (;;) {
		bool last_round = until < 0 || relay_now() >= until;

		for (i = 0; i < n; i++) {
			bool again;

			status = dial_open(s, &px->ep, paddrs, np, until < 0 ?
			    -1 : session_time_left(until), true, t);
			if (status != EXIT_OK)
				return proxy_unreachable(px, s, t, status);
			/*
			 * Once: a line per round of --wait would read as
			 * that many connections to the target.
			 */
			if (first) {
				connected_to_proxy(s, t->fd);
				first = false;
			}
			status = handshake(px, s, ep, hosts[i], i + 1 < n ?
			    hosts[i + 1] : NULL, t->fd, last_round && i == n - 1,
			    wait, until, last, sizeof(last), &again);
			if (status == EXIT_OK)
				goto tunnel;
			sys_close(t->fd);
			t->fd = -1;
			if (!again || (last_round && i == n - 1))
				return status;
		}
		dial_pause(next_pause(&backoff, until));
		if (sys_signal_caught)
			return signal_status();
	}
tunnel:
	/*
	 * From here the socket is the target's, and messages say so; a
	 * reset or a close may come from the proxy as well, so they name it.
	 */
	snprintf(peer, cap, _("%s through proxy %s"), ep->text, px->ep.text);
	return EXIT_OK;
}
