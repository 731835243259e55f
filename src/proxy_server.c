/* proxy_server.c: what a SOCKS4/4a/5 or HTTP CONNECT client sends, parsed a byte at a time if need be, the proxy's answers, and the destination rules. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "i18n.h"
#include "proxy_server.h"
#include "strbuf.h"
#include "trace.h"

enum stage {
	STAGE_FIRST,		/* nothing parsed: the first byte says which */
	STAGE_METHODS,		/* SOCKS5: the greeting's methods */
	STAGE_AUTH,		/* SOCKS5: RFC 1929 username and password */
	STAGE_REQUEST,		/* the request itself */
	STAGE_DONE,		/* answered, or refused */
};

/* A part is not whole yet: wait for more bytes. */
#define NEED (-1)

void
psrv_init(struct psrv *ps, enum psrv_mode mode, bool auth,
    enum psrv_auth (*check)(void *ctx, const char *user, const char *pass),
    void *ctx)
{
	memset(ps, 0, sizeof(*ps));
	ps->mode = mode;
	ps->auth = auth;
	ps->check = check;
	ps->ctx = ctx;
	ps->stage = STAGE_FIRST;
	if (mode == PSRV_MODE_HTTP) {
		ps->proto = PSRV_HTTP;
		ps->stage = STAGE_REQUEST;
	}
}

const char *
psrv_name(const struct psrv *ps)
{
	return ps->socks4a ? "socks4a" : psrv_proto_name(ps->proto);
}

const char *
psrv_proto_name(enum psrv_proto proto)
{
	switch (proto) {
	case PSRV_SOCKS4:
		return "socks4";
	case PSRV_SOCKS5:
		return "socks5";
	case PSRV_HTTP:
		return "http";
	default:
		return "proxy";
	}
}

/* Starts a trace line: "socks5> " and the like. */
static struct strbuf *
line(struct psrv *ps, struct strbuf *sb, char dir)
{
	/* Past the last slot the newest line takes it: the tail matters. */
	if (ps->nlines == PSRV_LINES)
		ps->nlines--;
	strbuf_init(sb, ps->lines[ps->nlines++], PSRV_LINE_MAX);
	strbuf_printf(sb, "%s%c ", psrv_proto_name(ps->proto), dir);
	return sb;
}

/*
 * Appends the first 64 bytes quoted, escaped as the raw recv lines show
 * them, so a name reads the same on the decoded line and the raw one.
 */
static void
quote(struct strbuf *sb, const unsigned char *s, size_t len)
{
	strbuf_puts(sb, "\"");
	trace_escape(sb, s, len < 64 ? len : 64);
	strbuf_puts(sb, len > 64 ? "\"..." : "\"");
}

static void
put(struct psrv *ps, const void *bytes, size_t n)
{
	if (n > sizeof(ps->out) - ps->outlen)
		n = sizeof(ps->out) - ps->outlen;
	memcpy(ps->out + ps->outlen, bytes, n);
	ps->outlen += n;
}

static enum psrv_result
refuse(struct psrv *ps, const char *why, int code)
{
	ps->why = why;
	ps->code = code;
	ps->stage = STAGE_DONE;
	return PSRV_REFUSE;
}

char *
psrv_target_text(const struct psrv_target *t, char *out, size_t cap)
{
	snprintf(out, cap, t->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    t->host, t->port);
	return out;
}

/* A name a client may ask for: printable, no spaces, not empty. */
static bool
name_ok(const unsigned char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

/* Sets t to the literal address of family at addr, port. */
static void
target_literal(struct psrv_target *t, int family, const unsigned char *addr,
    unsigned port)
{
	t->family = family;
	memcpy(t->addr, addr, family == AF_INET ? 4 : 16);
	inet_ntop(family, addr, t->host, sizeof(t->host));
	t->port = port;
}

/*
 * Sets t to the name at s: a name that is an address's text ("127.0.0.1"
 * sent as a SOCKS5 domain, a 4a name) is taken as that address.
 */
static void
target_name(struct psrv_target *t, const unsigned char *s, size_t len,
    unsigned port)
{
	unsigned char addr[16];

	memcpy(t->host, s, len);
	t->host[len] = '\0';
	t->family = 0;
	t->port = port;
	if (inet_pton(AF_INET, t->host, addr) == 1)
		target_literal(t, AF_INET, addr, port);
	else if (inet_pton(AF_INET6, t->host, addr) == 1)
		target_literal(t, AF_INET6, addr, port);
}

static enum psrv_auth
authorized(struct psrv *ps, const char *user, const char *pass)
{
	snprintf(ps->user, sizeof(ps->user), "%s", user);
	return ps->check == NULL ? PSRV_AUTH_UNKNOWN :
	    ps->check(ps->ctx, user, pass);
}

/*
 * A refused login's reason: which part was wrong. The client hears only
 * "failure", as RFC 1929 and HTTP's 407 have it, and its hint sends the
 * user to the proxy's log for the rest.
 */
static const char *
login_refused(enum psrv_auth r)
{
	return r == PSRV_AUTH_WRONG ? N_("wrong password for the user") :
	    N_("no such user in --auth-file");
}

char *
psrv_user_text(const struct psrv *ps, char *out, size_t cap)
{
	struct strbuf sb;

	strbuf_init(&sb, out, cap);
	if (ps->user[0] != '\0')
		quote(&sb, (const unsigned char *)ps->user, strlen(ps->user));
	return out;
}

/* SOCKS5 greeting: VER NMETHODS METHODS... (RFC 1928 section 3). */
static int
socks5_methods(struct psrv *ps, const unsigned char *b, size_t n)
{
	unsigned char want = ps->auth ? SOCKS5_USERPASS : SOCKS5_NO_AUTH;
	unsigned char answer[2] = { SOCKS5_VERSION, SOCKS5_NO_ACCEPTABLE };
	struct strbuf sb;
	const char *name;
	size_t i;

	if (n < 2 || n < 2 + (size_t)b[1])
		return NEED;
	line(ps, &sb, '>');
	strbuf_printf(&sb, "VER=5 NMETHODS=%u [", b[1]);
	for (i = 0; i < b[1]; i++) {
		name = socks5_method_name(b[2 + i]);
		if (name != NULL)
			strbuf_printf(&sb, "%s%s", i > 0 ? ", " : "", name);
		else
			strbuf_printf(&sb, "%s0x%02x", i > 0 ? ", " : "",
			    b[2 + i]);
		if (b[2 + i] == want)
			answer[1] = want;
	}
	strbuf_puts(&sb, "]");
	put(ps, answer, 2);
	line(ps, &sb, '<');
	strbuf_printf(&sb, "VER=5 METHOD=%s", socks5_method_name(answer[1]));
	snprintf(ps->reply, sizeof(ps->reply), "%s",
	    socks5_method_name(answer[1]));
	if (answer[1] == SOCKS5_NO_ACCEPTABLE) {
		refuse(ps, ps->auth ? N_("the client offers no username and "
		    "password, and --auth-file asks for them") :
		    N_("the client offers no method the proxy takes"),
		    SOCKS5_NOT_ALLOWED);
		return (int)(2 + b[1]);
	}
	ps->stage = ps->auth ? STAGE_AUTH : STAGE_REQUEST;
	return (int)(2 + b[1]);
}

/* RFC 1929: VER ULEN UNAME PLEN PASSWD; the answer is VER STATUS. */
static int
socks5_auth(struct psrv *ps, const unsigned char *b, size_t n)
{
	unsigned char answer[2] = { SOCKS5_USERPASS_VERSION, 0x01 };
	char user[256], pass[256];
	size_t ulen, plen;
	struct strbuf sb;
	enum psrv_auth r;
	bool ok;

	if (n < 2)
		return NEED;
	if (b[0] != SOCKS5_USERPASS_VERSION) {
		line(ps, &sb, '>');
		strbuf_printf(&sb, "AUTH VER=%u", b[0]);
		put(ps, answer, 2);
		line(ps, &sb, '<');
		strbuf_puts(&sb, "AUTH VER=1 STATUS=1 (failure)");
		snprintf(ps->reply, sizeof(ps->reply), "AUTH STATUS=1");
		refuse(ps, N_("the client's username and password request "
		    "is not version 1 (RFC 1929)"), SOCKS5_NOT_ALLOWED);
		return (int)n;
	}
	ulen = b[1];
	if (n < 3 + ulen || n < 3 + ulen + b[2 + ulen])
		return NEED;
	plen = b[2 + ulen];
	memcpy(user, b + 2, ulen);
	user[ulen] = '\0';
	memcpy(pass, b + 3 + ulen, plen);
	pass[plen] = '\0';
	line(ps, &sb, '>');
	strbuf_puts(&sb, "AUTH user=");
	quote(&sb, b + 2, ulen);
	strbuf_printf(&sb, " password=<%zu byte%s>", plen,
	    plen == 1 ? "" : "s");
	r = authorized(ps, user, pass);
	/* A NUL inside could make two different names compare the same. */
	if (r == PSRV_AUTH_OK && (strlen(user) != ulen || strlen(pass) != plen))
		r = PSRV_AUTH_WRONG;
	ok = r == PSRV_AUTH_OK;
	answer[1] = ok ? 0x00 : 0x01;
	put(ps, answer, 2);
	line(ps, &sb, '<');
	strbuf_puts(&sb, ok ? "AUTH VER=1 STATUS=0 (success)" :
	    "AUTH VER=1 STATUS=1 (failure)");
	snprintf(ps->reply, sizeof(ps->reply), "AUTH STATUS=%d", !ok);
	if (!ok)
		refuse(ps, login_refused(r), SOCKS5_NOT_ALLOWED);
	else
		ps->stage = STAGE_REQUEST;
	return (int)(3 + ulen + plen);
}

/* A reply that refuses before any address is known. */
static void
socks5_answer(struct psrv *ps, int code)
{
	static const unsigned char zeros[6];
	unsigned char head[4] = { SOCKS5_VERSION, 0, 0, SOCKS5_ATYP_IPV4 };
	struct strbuf sb;

	head[1] = (unsigned char)code;
	put(ps, head, 4);
	put(ps, zeros, 6);
	line(ps, &sb, '<');
	strbuf_printf(&sb, "%s bound 0.0.0.0:0", socks5_reply_name(code));
	snprintf(ps->reply, sizeof(ps->reply), "%s", socks5_reply_name(code));
}

/* A refusal's reason for a command the proxy does not carry out. */
static const char *
not_connect(int cmd)
{
	switch (cmd) {
	case SOCKS5_BIND:
		return N_("the client asks for BIND, and the proxy makes only "
		    "CONNECT's outgoing connections");
	case SOCKS5_UDP_ASSOCIATE:
		return N_("the client asks for UDP ASSOCIATE, and the proxy "
		    "relays only CONNECT's TCP streams");
	default:
		return N_("the client asks for an unknown command, not "
		    "CONNECT, BIND or UDP ASSOCIATE");
	}
}

/* VER CMD RSV ATYP DST.ADDR DST.PORT (RFC 1928 section 4). */
static int
socks5_request(struct psrv *ps, const unsigned char *b, size_t n)
{
	struct psrv_target *t = &ps->target;
	const char *cmd;
	char text[PSRV_NAME_MAX + 16];
	struct strbuf sb;
	size_t alen, used;
	unsigned port;

	if (n < 5)
		return NEED;
	if (b[0] != SOCKS5_VERSION) {
		line(ps, &sb, '>');
		strbuf_printf(&sb, "VER=%u", b[0]);
		socks5_answer(ps, SOCKS5_GENERAL_FAILURE);
		refuse(ps, N_("the client's request is not SOCKS version 5"),
		    SOCKS5_GENERAL_FAILURE);
		return (int)n;
	}
	switch (b[3]) {
	case SOCKS5_ATYP_IPV4:
		alen = 4;
		break;
	case SOCKS5_ATYP_IPV6:
		alen = 16;
		break;
	case SOCKS5_ATYP_DOMAIN:
		alen = 1 + (size_t)b[4];
		break;
	default:
		line(ps, &sb, '>');
		strbuf_printf(&sb, "%s ATYP=%u", socks5_command_name(b[1]) ?
		    socks5_command_name(b[1]) : "CMD", b[3]);
		socks5_answer(ps, SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED);
		refuse(ps, N_("the client's address type is not IPv4, IPv6 or "
		    "a name"), SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED);
		return (int)n;
	}
	used = 4 + alen + 2;
	if (n < used)
		return NEED;
	port = (unsigned)b[4 + alen] << 8 | b[5 + alen];
	if (b[3] == SOCKS5_ATYP_DOMAIN) {
		if (!name_ok(b + 5, b[4])) {
			line(ps, &sb, '>');
			strbuf_puts(&sb, "CONNECT ");
			quote(&sb, b + 5, b[4]);
			socks5_answer(ps, SOCKS5_GENERAL_FAILURE);
			refuse(ps, N_("the client asks for a name that is "
			    "empty or holds spaces or control bytes"),
			    SOCKS5_GENERAL_FAILURE);
			return (int)used;
		}
		target_name(t, b + 5, b[4], port);
	} else {
		target_literal(t, alen == 4 ? AF_INET : AF_INET6, b + 4,
		    port);
	}
	cmd = socks5_command_name(b[1]);
	if (cmd != NULL)
		snprintf(ps->request, sizeof(ps->request), "%s %s", cmd,
		    psrv_target_text(t, text, sizeof(text)));
	else
		snprintf(ps->request, sizeof(ps->request), "CMD=0x%02x %s",
		    b[1], psrv_target_text(t, text, sizeof(text)));
	line(ps, &sb, '>');
	strbuf_puts(&sb, ps->request);
	if (b[1] != SOCKS5_CONNECT) {
		socks5_answer(ps, SOCKS5_COMMAND_NOT_SUPPORTED);
		refuse(ps, not_connect(b[1]), SOCKS5_COMMAND_NOT_SUPPORTED);
		return (int)used;
	}
	ps->stage = STAGE_DONE;
	return (int)used;
}

/* SOCKS4's reply: VN=0 CD DSTPORT DSTIP. */
static void
socks4_answer(struct psrv *ps, int cd, const struct sockaddr *bound,
    socklen_t blen)
{
	unsigned char r[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	char text[ADDR_TEXT_MAX] = "0.0.0.0:0";
	struct strbuf sb;

	r[1] = (unsigned char)cd;
	if (bound != NULL && bound->sa_family == AF_INET &&
	    blen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)bound;

		memcpy(r + 2, &sin->sin_port, 2);
		memcpy(r + 4, &sin->sin_addr, 4);
		addr_format(bound, blen, text, sizeof(text));
	}
	put(ps, r, 8);
	line(ps, &sb, '<');
	strbuf_printf(&sb, "%s bound %s", socks4_reply_name(cd), text);
	snprintf(ps->reply, sizeof(ps->reply), "%s", socks4_reply_name(cd));
}

static int
socks4_too_long(struct psrv *ps, size_t n)
{
	struct strbuf sb;

	line(ps, &sb, '>');
	strbuf_puts(&sb, "USERID or name over 255 bytes");
	socks4_answer(ps, SOCKS4_REJECTED, NULL, 0);
	refuse(ps, N_("the client's SOCKS4 user or name is over 255 bytes"),
	    SOCKS5_GENERAL_FAILURE);
	return (int)n;
}

/*
 * VN=4 CD DSTPORT DSTIP USERID NUL, and with DSTIP 0.0.0.x (x not 0)
 * SOCKS4a's HOSTNAME NUL after it.
 */
static int
socks4_request(struct psrv *ps, const unsigned char *b, size_t n)
{
	const unsigned char *uid = b + 8, *nul, *name = NULL;
	char text[PSRV_NAME_MAX + 16];
	struct strbuf sb;
	size_t used, ulen, nlen = 0;
	unsigned port;

	if (n < 9)
		return NEED;
	nul = memchr(uid, '\0', n - 8);
	if (nul == NULL && n - 8 < PSRV_NAME_MAX)
		return NEED;
	if (nul == NULL || nul - uid >= PSRV_NAME_MAX)
		return socks4_too_long(ps, n);
	ulen = (size_t)(nul - uid);
	used = 8 + ulen + 1;
	port = (unsigned)b[2] << 8 | b[3];
	if (b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0) {
		ps->socks4a = true;
		name = nul + 1;
		nul = memchr(name, '\0', n - used);
		if (nul == NULL && n - used < PSRV_NAME_MAX)
			return NEED;
		if (nul == NULL || nul - name >= PSRV_NAME_MAX)
			return socks4_too_long(ps, n);
		nlen = (size_t)(nul - name);
		used += nlen + 1;
	}
	if (name != NULL && name_ok(name, nlen))
		target_name(&ps->target, name, nlen, port);
	else if (name == NULL)
		target_literal(&ps->target, AF_INET, b + 4, port);
	line(ps, &sb, '>');
	strbuf_puts(&sb, b[1] == SOCKS4_CONNECT ? "CONNECT " : "BIND ");
	if (name != NULL && ps->target.host[0] == '\0') {
		quote(&sb, name, nlen);
	} else {
		snprintf(ps->request, sizeof(ps->request), "%s %s",
		    b[1] == SOCKS4_CONNECT ? "CONNECT" : "BIND",
		    psrv_target_text(&ps->target, text, sizeof(text)));
		strbuf_puts(&sb, text);
	}
	strbuf_puts(&sb, " USERID=");
	quote(&sb, uid, ulen);
	ps->stage = STAGE_DONE;
	if (b[1] != SOCKS4_CONNECT) {
		socks4_answer(ps, SOCKS4_REJECTED, NULL, 0);
		/* SOCKS4's command 2 is BIND, as SOCKS5's is. */
		refuse(ps, not_connect(b[1] == 2 ? SOCKS5_BIND : 0),
		    SOCKS5_COMMAND_NOT_SUPPORTED);
	} else if (name != NULL && ps->target.host[0] == '\0') {
		socks4_answer(ps, SOCKS4_REJECTED, NULL, 0);
		refuse(ps, N_("the client asks for a name that is empty or "
		    "holds spaces or control bytes"), SOCKS5_GENERAL_FAILURE);
	} else if (ps->auth) {
		socks4_answer(ps, SOCKS4_REJECTED, NULL, 0);
		refuse(ps, N_("SOCKS4 carries no password, and --auth-file "
		    "asks for one: the client must use SOCKS5"),
		    SOCKS5_NOT_ALLOWED);
	}
	return (int)used;
}

/* HTTP's answers: the status line and, but for 200, a one-line body. */
static void
http_answer(struct psrv *ps, int status, const char *body)
{
	const char *reason;
	char head[PSRV_OUT_MAX];
	struct strbuf sb;
	int n;

	switch (status) {
	case 200: reason = "Connection established"; break;
	case 400: reason = "Bad Request"; break;
	case 403: reason = "Forbidden"; break;
	case 405: reason = "Method Not Allowed"; break;
	case 407: reason = "Proxy Authentication Required"; break;
	case 504: reason = "Gateway Timeout"; break;
	default: reason = "Bad Gateway"; break;
	}
	if (status == 200)
		n = snprintf(head, sizeof(head), "HTTP/1.1 200 %s\r\n\r\n",
		    reason);
	else
		n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n%s"
		    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s\n", status, reason,
		    status == 405 ? "Allow: CONNECT\r\n" : status == 407 ?
		    "Proxy-Authenticate: Basic realm=\"sockit\"\r\n" : "",
		    strlen(body) + 1, body);
	if (n > 0)
		put(ps, head, (size_t)n < sizeof(head) ? (size_t)n :
		    sizeof(head) - 1);
	line(ps, &sb, '<');
	strbuf_printf(&sb, "HTTP/1.1 %d %s", status, reason);
	snprintf(ps->reply, sizeof(ps->reply), "%d %s", status, reason);
}

int
psrv_base64_decode(const char *text, size_t len, char *out, size_t cap)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	size_t i, n = 0, pad = 0;
	int bits = 0;
	const char *d;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (text[i] == '=') {
			/* Only the last two may be padding. */
			if (i + 2 < len)
				return -1;
			pad++;
			continue;
		}
		if (pad > 0 || (d = memchr(digits, text[i], 64)) == NULL)
			return -1;
		acc = (acc << 6 | (unsigned long)(d - digits)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= cap)
				return -1;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	out[n] = '\0';
	return (int)n;
}

/* Ends of the head's lines: CRLF, or a bare LF some clients send. */
static const unsigned char *
next_line(const unsigned char *p, const unsigned char *end,
    const unsigned char **after)
{
	const unsigned char *lf = memchr(p, '\n', (size_t)(end - p));

	if (lf == NULL)
		return NULL;
	*after = lf + 1;
	return lf > p && lf[-1] == '\r' ? lf - 1 : lf;
}

/*
 * Looks through the header lines for Proxy-Authorization: Basic and
 * decodes it into user and pass. Returns true when one was there.
 */
static bool
http_credentials(const unsigned char *p, const unsigned char *end,
    char *user, char *pass, size_t cap)
{
	static const char name[] = "proxy-authorization:";
	const unsigned char *eol, *after, *v;
	char both[2 * PSRV_NAME_MAX], *colon;

	for (; (eol = next_line(p, end, &after)) != NULL && eol > p;
	    p = after) {
		if ((size_t)(eol - p) < sizeof(name) - 1 ||
		    strncasecmp((const char *)p, name, sizeof(name) - 1) != 0)
			continue;
		v = p + sizeof(name) - 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		if (eol - v < 6 || strncasecmp((const char *)v, "basic ", 6) !=
		    0)
			return false;
		v += 6;
		while (v < eol && *v == ' ')
			v++;
		if (psrv_base64_decode((const char *)v, (size_t)(eol - v), both,
		    sizeof(both)) < 0 || (colon = strchr(both, ':')) == NULL)
			return false;
		*colon = '\0';
		if (strlen(both) >= cap || strlen(colon + 1) >= cap)
			return false;
		strcpy(user, both);
		strcpy(pass, colon + 1);
		return true;
	}
	return false;
}

/* Parses CONNECT's authority, "host:port" or "[v6]:port", into t. */
static bool
http_authority(const unsigned char *s, size_t len, struct psrv_target *t)
{
	const unsigned char *colon, *host = s;
	size_t hlen;
	unsigned long port = 0;
	unsigned char addr[16];
	char buf[PSRV_NAME_MAX];
	size_t i;

	if (len > 0 && s[0] == '[') {
		const unsigned char *close = memchr(s, ']', len);

		if (close == NULL || close + 1 >= s + len || close[1] != ':')
			return false;
		host = s + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
		if (hlen == 0 || hlen >= sizeof(buf))
			return false;
		memcpy(buf, host, hlen);
		buf[hlen] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return false;
	} else {
		colon = NULL;
		for (i = len; i > 0; i--)
			if (s[i - 1] == ':') {
				colon = s + i - 1;
				break;
			}
		if (colon == NULL)
			return false;
		hlen = (size_t)(colon - s);
		if (hlen >= PSRV_NAME_MAX || !name_ok(s, hlen) ||
		    memchr(s, ':', hlen) != NULL)
			return false;
	}
	if (colon + 1 == s + len || s + len - colon > 6)
		return false;
	for (i = 1; colon + i < s + len; i++) {
		if (colon[i] < '0' || colon[i] > '9')
			return false;
		port = port * 10 + (unsigned long)(colon[i] - '0');
	}
	if (port == 0 || port > 65535)
		return false;
	target_name(t, host, hlen, (unsigned)port);
	return true;
}

/* Keeps "GET http://example.org/" of a request line from b to eol. */
static void
method_target(struct psrv *ps, const unsigned char *b,
    const unsigned char *eol)
{
	const unsigned char *sp1 = memchr(b, ' ', (size_t)(eol - b)), *sp2;

	if (sp1 == NULL)
		return;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 != NULL && name_ok(b, (size_t)(sp1 - b)) &&
	    name_ok(sp1 + 1, (size_t)(sp2 - sp1 - 1)))
		snprintf(ps->request, sizeof(ps->request), "%.*s %.*s",
		    (int)(sp1 - b), b, (int)(sp2 - sp1 - 1), sp1 + 1);
}

/*
 * A SOCKS client at an HTTP proxy's port: its first byte, the version 4
 * or 5, begins no method. It gets the refusal its own protocol has, a
 * SOCKS5 greeting's NO_ACCEPTABLE or SOCKS4's REJECTED, and the close,
 * rather than a silence while it waits for an answer.
 */
static int
socks_at_http(struct psrv *ps, const unsigned char *b, size_t n)
{
	static const unsigned char none[2] = { SOCKS5_VERSION,
	    SOCKS5_NO_ACCEPTABLE };
	struct strbuf sb;

	ps->proto = b[0] == SOCKS5_VERSION ? PSRV_SOCKS5 : PSRV_SOCKS4;
	line(ps, &sb, '>');
	quote(&sb, b, n > 16 ? 16 : n);
	if (ps->proto == PSRV_SOCKS5) {
		put(ps, none, sizeof(none));
		line(ps, &sb, '<');
		strbuf_printf(&sb, "VER=5 METHOD=%s",
		    socks5_method_name(SOCKS5_NO_ACCEPTABLE));
		snprintf(ps->reply, sizeof(ps->reply), "%s",
		    socks5_method_name(SOCKS5_NO_ACCEPTABLE));
	} else
		socks4_answer(ps, SOCKS4_REJECTED, NULL, 0);
	refuse(ps, N_("the client speaks SOCKS to an HTTP proxy (--socks5 "
	    "serves it)"), SOCKS5_GENERAL_FAILURE);
	return (int)n;
}

/*
 * The head of an HTTP request, up to its empty line: "CONNECT host:port
 * HTTP/1.1", headers; any other method is refused.
 */
static int
http_request(struct psrv *ps, const unsigned char *b, size_t n)
{
	const unsigned char *end = b + n, *p, *eol, *after, *sp1, *sp2;
	char user[PSRV_NAME_MAX], pass[PSRV_NAME_MAX];
	struct strbuf sb;
	size_t used;
	enum psrv_auth r = PSRV_AUTH_UNKNOWN;
	bool creds;

	/* The head ends at an empty line. */
	for (p = b; (eol = next_line(p, end, &after)) != NULL; p = after)
		if (eol == p)
			break;
	if (eol == NULL) {
		if (n >= sizeof(ps->in)) {
			line(ps, &sb, '>');
			quote(&sb, b, 40);
			http_answer(ps, 400, "the request head is over 8 KiB");
			refuse(ps, N_("the client's request head is over "
			    "8 KiB"), SOCKS5_GENERAL_FAILURE);
			return (int)n;
		}
		return NEED;
	}
	used = (size_t)(after - b);
	ps->stage = STAGE_DONE;
	eol = next_line(b, end, &after);
	line(ps, &sb, '>');
	strbuf_add(&sb, (const char *)b, (size_t)(eol - b) > 200 ? 200 :
	    (size_t)(eol - b));
	sp1 = memchr(b, ' ', (size_t)(eol - b));
	sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) :
	    NULL;
	method_target(ps, b, eol);
	if (sp1 == NULL || sp2 == NULL || sp1 == b ||
	    (size_t)(eol - sp2 - 1) != 8 ||
	    strncmp((const char *)sp2 + 1, "HTTP/1.", 7) != 0) {
		http_answer(ps, 400, "this is not an HTTP/1 request line");
		refuse(ps, N_("the client's first line is not an HTTP/1 "
		    "request"), SOCKS5_GENERAL_FAILURE);
		return (int)used;
	}
	if (sp1 - b != 7 || strncmp((const char *)b, "CONNECT", 7) != 0) {
		http_answer(ps, 405, "this is a CONNECT-only proxy: it tunnels "
		    "to host:port and fetches nothing itself");
		refuse(ps, N_("the client's method is not CONNECT"),
		    SOCKS5_COMMAND_NOT_SUPPORTED);
		return (int)used;
	}
	creds = http_credentials(after, end, user, pass, sizeof(user));
	if (creds) {
		size_t plen = strlen(pass);

		/* The header's name, as the client's line shows it. */
		strbuf_puts(&sb, " (Proxy-Authorization: Basic user=");
		quote(&sb, (const unsigned char *)user, strlen(user));
		strbuf_printf(&sb, " password=<%zu byte%s>)", plen,
		    plen == 1 ? "" : "s");
	}
	if (!http_authority(sp1 + 1, (size_t)(sp2 - sp1 - 1), &ps->target)) {
		http_answer(ps, 400, "CONNECT takes host:port or [v6]:port");
		refuse(ps, N_("the client's CONNECT target is not host:port"),
		    SOCKS5_GENERAL_FAILURE);
		return (int)used;
	}
	if (ps->auth && (!creds || (r = authorized(ps, user, pass)) !=
	    PSRV_AUTH_OK)) {
		http_answer(ps, 407, "give credentials with "
		    "Proxy-Authorization: Basic");
		refuse(ps, creds ? login_refused(r) :
		    N_("the client gives no Proxy-Authorization, and "
		    "--auth-file asks for it"), SOCKS5_NOT_ALLOWED);
	}
	return (int)used;
}

bool
psrv_target_ok(const struct psrv_target *t)
{
	if (t->port == 0 || t->host[0] == '\0')
		return false;
	return t->family == 0 || !proxy_addr_this_host(t->family, t->addr);
}

unsigned char *
psrv_room(struct psrv *ps, size_t *cap)
{
	*cap = sizeof(ps->in) - ps->len;
	return ps->in + ps->len;
}

/* The value of a Proxy-Authorization line that starts at p, up to end. */
static void
http_secret(struct psrv *ps, const unsigned char *p, const unsigned char *end)
{
	static const char name[] = "proxy-authorization:", scheme[] = "basic ";
	const unsigned char *v = p + sizeof(name) - 1, *stop = v;
	size_t left;

	if ((size_t)(end - p) < sizeof(name) - 1 ||
	    strncasecmp((const char *)p, name, sizeof(name) - 1) != 0)
		return;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	left = (size_t)(end - v);
	/* "Basic " says only how the rest is written. */
	if (strncasecmp((const char *)v, scheme, left < 6 ? left : 6) == 0)
		v += left < 6 ? left : 6;
	for (stop = v; stop < end && *stop != '\r' && *stop != '\n'; stop++)
		continue;
	ps->secret_at = (size_t)(v - ps->in);
	ps->secret_end = (size_t)(stop - ps->in);
}

/*
 * Finds where the password lies in what came so far, even a part of it:
 * a message cut short still shows its start in the trace of its bytes.
 */
static void
find_secret(struct psrv *ps)
{
	const unsigned char *b = ps->in + ps->auth_at, *p, *end;
	size_t avail = ps->len - ps->auth_at;

	if (ps->proto == PSRV_SOCKS5 && ps->auth_at > 0 && avail >= 3 &&
	    b[0] == SOCKS5_USERPASS_VERSION && avail >= 3 + (size_t)b[1]) {
		ps->secret_at = ps->auth_at + 3 + b[1];
		ps->secret_end = ps->secret_at + b[2 + b[1]];
	}
	if (ps->proto != PSRV_HTTP)
		return;
	end = ps->in + ps->len;
	for (p = ps->in; p < end; p++)
		if ((p == ps->in || p[-1] == '\n') && (*p == 'p' ||
		    *p == 'P'))
			http_secret(ps, p, end);
}

enum psrv_result
psrv_took(struct psrv *ps, size_t n)
{
	const unsigned char *eol;
	struct strbuf sb;
	int used;

	if (n > sizeof(ps->in) - ps->len)
		n = sizeof(ps->in) - ps->len;
	ps->len += n;
	while (ps->stage != STAGE_DONE && ps->pos < ps->len) {
		const unsigned char *b = ps->in + ps->pos;
		size_t avail = ps->len - ps->pos;

		switch (ps->stage) {
		case STAGE_FIRST:
			if (b[0] == SOCKS5_VERSION) {
				ps->proto = PSRV_SOCKS5;
				ps->stage = STAGE_METHODS;
				continue;
			}
			if (b[0] == SOCKS4_VERSION) {
				ps->proto = PSRV_SOCKS4;
				ps->stage = STAGE_REQUEST;
				continue;
			}
			line(ps, &sb, '>');
			quote(&sb, b, avail > 16 ? 16 : avail);
			if (b[0] < 'A' || b[0] > 'Z')
				return refuse(ps, N_("the client does not speak "
				    "SOCKS4 or SOCKS5"), SOCKS5_GENERAL_FAILURE);
			/*
			 * SOCKS begins with its version, 4 or 5, HTTP with
			 * a method in capitals: an HTTP client reads an
			 * answer in its own words better than a silence.
			 */
			ps->proto = PSRV_HTTP;
			if ((eol = memchr(b, '\n', avail)) != NULL)
				method_target(ps, b, eol);
			http_answer(ps, 400, "this port speaks SOCKS4 and "
			    "SOCKS5, not HTTP: give the client "
			    "socks5h://HOST:PORT as its proxy");
			return refuse(ps, avail >= 4 && memcmp(b, "CONN", 4) ==
			    0 ? N_("the client speaks HTTP CONNECT to a SOCKS "
			    "proxy (--http-proxy serves it)") :
			    N_("the client speaks HTTP to a SOCKS proxy"),
			    SOCKS5_GENERAL_FAILURE);
		case STAGE_METHODS:
			used = socks5_methods(ps, b, avail);
			break;
		case STAGE_AUTH:
			used = socks5_auth(ps, b, avail);
			break;
		default:
			if (ps->proto == PSRV_HTTP && ps->pos == 0 &&
			    (b[0] == SOCKS5_VERSION || b[0] == SOCKS4_VERSION)) {
				used = socks_at_http(ps, b, avail);
				break;
			}
			used = ps->proto == PSRV_HTTP ? http_request(ps, b,
			    avail) : ps->proto == PSRV_SOCKS4 ?
			    socks4_request(ps, b, avail) :
			    socks5_request(ps, b, avail);
			break;
		}
		if (used == NEED)
			break;
		ps->pos += (size_t)used;
		if (ps->stage == STAGE_AUTH && ps->auth_at == 0)
			ps->auth_at = ps->pos;
	}
	find_secret(ps);
	if (ps->why != NULL)
		return PSRV_REFUSE;
	if (ps->stage == STAGE_DONE && !psrv_target_ok(&ps->target)) {
		psrv_reply(ps, SOCKS5_NOT_ALLOWED, NULL, 0);
		return refuse(ps, ps->target.port == 0 ? N_("the client "
		    "asks for port 0") : N_("the client asks for 0.0.0.0, :: "
		    "or ::ffff:0.0.0.0, which connect() takes for this host: "
		    "always refused"), SOCKS5_NOT_ALLOWED);
	}
	if (ps->stage == STAGE_DONE)
		return PSRV_CONNECT;
	if (ps->len == sizeof(ps->in))
		return refuse(ps, N_("the client's request is too long"),
		    SOCKS5_GENERAL_FAILURE);
	return PSRV_MORE;
}

enum psrv_result
psrv_feed(struct psrv *ps, const void *buf, size_t n)
{
	size_t cap;
	unsigned char *room = psrv_room(ps, &cap);

	if (n > cap)
		n = cap;
	memcpy(room, buf, n);
	return psrv_took(ps, n);
}

const unsigned char *
psrv_rest(const struct psrv *ps, size_t *n)
{
	*n = ps->len - ps->pos;
	return ps->in + ps->pos;
}

int
psrv_http_status(int code)
{
	switch (code) {
	case SOCKS5_SUCCEEDED:
		return 200;
	case SOCKS5_NOT_ALLOWED:
		return 403;
	case SOCKS5_TTL_EXPIRED:
		return 504;
	case SOCKS5_COMMAND_NOT_SUPPORTED:
		return 405;
	default:
		return 502;
	}
}

int
psrv_code_for_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return SOCKS5_CONNECTION_REFUSED;
	case ENETUNREACH:
	case ENETDOWN:
		return SOCKS5_NETWORK_UNREACHABLE;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		return SOCKS5_HOST_UNREACHABLE;
	case ETIMEDOUT:
		return SOCKS5_TTL_EXPIRED;
	case EACCES:
	case EPERM:
		return SOCKS5_NOT_ALLOWED;
	default:
		return SOCKS5_GENERAL_FAILURE;
	}
}

void
psrv_reply_unresolved(struct psrv *ps, const char *why)
{
	char body[PSRV_NAME_MAX + 64];

	if (ps->proto != PSRV_HTTP) {
		psrv_reply(ps, SOCKS5_HOST_UNREACHABLE, NULL, 0);
		return;
	}
	snprintf(body, sizeof(body), "the proxy could not look up %s (%s)",
	    ps->target.host, why);
	http_answer(ps, 502, body);
}

void
psrv_reply(struct psrv *ps, int code, const struct sockaddr *bound,
    socklen_t blen)
{
	unsigned char r[4 + 16 + 2] = { SOCKS5_VERSION, 0, 0,
	    SOCKS5_ATYP_IPV4 };
	char text[ADDR_TEXT_MAX] = "0.0.0.0:0";
	struct strbuf sb;
	size_t alen = 4;

	if (ps->proto == PSRV_HTTP) {
		/* The body is the wire's, English, as the status line is. */
		http_answer(ps, psrv_http_status(code),
		    socks5_reply_meaning(code));
		return;
	}
	if (ps->proto == PSRV_SOCKS4) {
		socks4_answer(ps, code == SOCKS5_SUCCEEDED ? SOCKS4_GRANTED :
		    SOCKS4_REJECTED, bound, blen);
		return;
	}
	r[1] = (unsigned char)code;
	if (bound != NULL && bound->sa_family == AF_INET &&
	    blen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)bound;

		memcpy(r + 4, &sin->sin_addr, 4);
		memcpy(r + 8, &sin->sin_port, 2);
		addr_format(bound, blen, text, sizeof(text));
	} else if (bound != NULL && bound->sa_family == AF_INET6 &&
	    blen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const void *)bound;

		r[3] = SOCKS5_ATYP_IPV6;
		alen = 16;
		memcpy(r + 4, &sin6->sin6_addr, 16);
		memcpy(r + 20, &sin6->sin6_port, 2);
		addr_format(bound, blen, text, sizeof(text));
	}
	put(ps, r, 4 + alen + 2);
	line(ps, &sb, '<');
	strbuf_printf(&sb, "%s bound %s", socks5_reply_name(code) != NULL ?
	    socks5_reply_name(code) : "REP", text);
	snprintf(ps->reply, sizeof(ps->reply), "%s",
	    socks5_reply_name(code) != NULL ? socks5_reply_name(code) : "REP");
}
