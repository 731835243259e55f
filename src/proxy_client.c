/* proxy_client.c: --proxy's URL and credentials, and the SOCKS4/4a/5 and HTTP CONNECT client handshakes as a step machine, without a socket in sight. */
#include "compat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "i18n.h"
#include "proxy_client.h"
#include "strbuf.h"
#include "trace.h"

/* Where the machine stands: which answer it waits for. */
enum {
	ST_SOCKS5_METHOD,
	ST_SOCKS5_AUTH,
	ST_SOCKS5_REPLY,
	ST_SOCKS4_REPLY,
	ST_HTTP_HEAD,
	ST_DONE,
	ST_FAILED,
};

/*
 * Appends len bytes for a trace line or message: printable ASCII as it
 * is, anything else as \xHH, so a hostile answer cannot draw on the
 * terminal.
 */
static void
escape(struct strbuf *sb, const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' || s[i] == '"')
			strbuf_printf(sb, "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			strbuf_printf(sb, "%c", s[i]);
		else
			strbuf_printf(sb, "\\x%02x", s[i]);
	}
}

/*
 * RFC 1929 gives the user name and the password a length byte each; a
 * SOCKS4 user id or an HTTP Basic pair has no such limit, only our
 * buffers' size.
 */
static bool
socks5(enum proxy_kind kind)
{
	return kind == PROXY_SOCKS5 || kind == PROXY_SOCKS5H;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decodes the URL's user or password (len bytes) with its %XX escapes
 * into out. Returns 0, or -1 with err naming what (and which part) is
 * wrong.
 */
static int
decode_part(const char *in, size_t len, char *out, const char *part,
    enum proxy_kind kind, char *err, size_t errlen)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi = i + 2 < len ?
			    hex_value((unsigned char)in[i + 1]) : -1;
			int lo = i + 2 < len ?
			    hex_value((unsigned char)in[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, _("bad %%-escape in the "
				    "proxy URL's %s: '%%' must come before two "
				    "hex digits"), part);
				return -1;
			}
			c = hi * 16 + lo;
			i += 2;
			if (c == 0) {
				snprintf(err, errlen, _("the proxy URL's %s "
				    "holds a NUL byte (%%00)"), part);
				return -1;
			}
		}
		if (n == PROXY_CRED_MAX - 1) {
			snprintf(err, errlen, socks5(kind) ? _("the proxy URL's "
			    "%s is longer than 255 bytes, the most SOCKS5 "
			    "carries") : _("the proxy URL's %s is longer than the "
			    "255 bytes sockit keeps for it"), part);
			return -1;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

/* Parses the decimal port of len bytes at p into *port. */
static int
parse_port(const char *p, size_t len, int *port)
{
	size_t i;
	long v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* Splits user[:pass] (len bytes at p) into cred. */
static int
parse_userinfo(const char *p, size_t len, enum proxy_kind kind,
    struct proxy_credentials *cred, char *err, size_t errlen)
{
	const char *colon = memchr(p, ':', len);
	size_t ulen = colon != NULL ? (size_t)(colon - p) : len;

	if (ulen == 0) {
		snprintf(err, errlen, "%s", _("the proxy URL has an empty user "
		    "name before '@'"));
		return -1;
	}
	if (decode_part(p, ulen, cred->user, _("user name"), kind, err,
	    errlen) < 0)
		return -1;
	cred->password[0] = '\0';
	if (colon != NULL && decode_part(colon + 1, len - ulen - 1,
	    cred->password, _("password"), kind, err, errlen) < 0)
		return -1;
	cred->given = true;
	return 0;
}

/*
 * A usage error is pasted into bug reports and lands in shell history:
 * the password is the one part of the URL nobody needs to see again.
 */
char *
proxy_url_masked(const char *text, char *out, size_t cap)
{
	const char *sep = strstr(text, "://"), *start, *end, *at = NULL;
	const char *colon, *q;

	snprintf(out, cap, "%s", text);
	if (sep == NULL)
		return out;
	start = sep + 3;
	end = start + strcspn(start, "/?#");
	for (q = start; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return out;
	colon = memchr(start, ':', (size_t)(at - start));
	if (colon != NULL)
		snprintf(out, cap, "%.*s***%s", (int)(colon + 1 - text), text,
		    at);
	return out;
}

int
proxy_url_parse(const char *full, struct proxy_url *u, char *err,
    size_t errlen)
{
	const char *sep = strstr(full, "://"), *p, *end, *at, *hend, *port;
	char text[PROXY_URL_SHOWN_MAX];
	size_t hlen;
	int kind;

	memset(u, 0, sizeof(*u));
	proxy_url_masked(full, text, sizeof(text));
	/* ncat's --proxy HOST[:PORT], whose type is http unless told. */
	if (sep == NULL && full[0] != '\0' && strspn(full, "abcdefghijklmnopq"
	    "rstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	    strlen(full)) {
		bool bare6 = text[0] != '[' && strchr(text, ':') !=
		    strrchr(text, ':');
		size_t alen = 0;

		/*
		 * ncat reads a bare IPv6 address whole, with port 3128; one
		 * whose last group cannot be hex is no address, so it can
		 * only be an address and a port.
		 */
		if (bare6 && addr_v6_port_split(text, strlen(text), &alen) ==
		    1) {
			snprintf(err, errlen, _("bad proxy URL '%s': it needs "
			    "a scheme and brackets: --proxy http://[%.*s]:%s "
			    "(socks5:// or socks5h:// for a SOCKS proxy)"),
			    text, (int)alen, text, text + alen + 1);
			return -1;
		}
		snprintf(err, errlen, _("bad proxy URL '%s': it needs a "
		    "scheme; as ncat reads it, it is --proxy http://%s%s%s%s "
		    "(socks5:// or socks5h:// for a SOCKS proxy)"), text,
		    bare6 ? "[" : "", text, bare6 ? "]" : "",
		    strchr(text, ':') == NULL || bare6 || (text[0] == '[' &&
		    strstr(text, "]:") == NULL) ? ":3128" : "");
		return -1;
	}
	if (sep == NULL) {
		snprintf(err, errlen, _("bad proxy URL '%s': it needs a "
		    "scheme: socks5://, socks5h://, socks4://, socks4a:// or "
		    "http://"), text);
		return -1;
	}
	kind = proxy_kind_from_scheme(full, (size_t)(sep - full));
	if (kind < 0) {
		snprintf(err, errlen, _("unknown proxy scheme '%.*s://' in "
		    "'%s': socks5, socks5h, socks4, socks4a or http"),
		    (int)(sep - full), full, text);
		return -1;
	}
	u->kind = (enum proxy_kind)kind;
	p = sep + 3;
	end = p + strcspn(p, "/?#");
	if (*end == '?' || *end == '#' || (*end == '/' && end[1] != '\0')) {
		snprintf(err, errlen, _("the proxy URL '%s' has a path or a "
		    "query ('%s'): a proxy is a host and a port"), text, end);
		return -1;
	}
	/* The last '@' ends the user part: a password may hold one. */
	at = NULL;
	for (hend = p; hend < end; hend++)
		if (*hend == '@')
			at = hend;
	if (at != NULL) {
		if (parse_userinfo(p, (size_t)(at - p), u->kind, &u->cred,
		    err, errlen) < 0)
			return -1;
		/* SOCKS4's request has room for a user id and nothing more. */
		if ((kind == PROXY_SOCKS4 || kind == PROXY_SOCKS4A) &&
		    u->cred.password[0] != '\0') {
			explicit_bzero(&u->cred, sizeof(u->cred));
			snprintf(err, errlen, _("SOCKS4 has a user id, no "
			    "password: write %.*s://USER@... in '%s', or use "
			    "socks5://"), (int)(sep - full), full, text);
			return -1;
		}
		p = at + 1;
	}
	if (*p == '[') {
		hend = memchr(p, ']', (size_t)(end - p));
		if (hend == NULL) {
			snprintf(err, errlen, _("the proxy URL '%s' opens '[' "
			    "for an IPv6 address without closing it"), text);
			return -1;
		}
		hlen = (size_t)(hend - p - 1);
		port = hend + 1;
		if (hlen >= sizeof(u->host)) {
			snprintf(err, errlen, _("the proxy's host in '%s' is "
			    "too long"), text);
			return -1;
		}
		memcpy(u->host, p + 1, hlen);
		u->host[hlen] = '\0';
		{
			unsigned char a6[16];

			if (inet_pton(AF_INET6, u->host, a6) != 1) {
				snprintf(err, errlen, _("'%s' in the proxy URL "
				    "is not an IPv6 address"), u->host);
				return -1;
			}
		}
		if (port < end && *port != ':') {
			snprintf(err, errlen, _("unexpected '%.*s' after the "
			    "proxy's address in '%s'"), (int)(end - port),
			    port, text);
			return -1;
		}
	} else {
		port = memchr(p, ':', (size_t)(end - p));
		if (port != NULL && memchr(port + 1, ':',
		    (size_t)(end - port - 1)) != NULL) {
			size_t alen = 0;
			int split = addr_v6_port_split(p, (size_t)(end - p),
			    &alen);
			int slen = (int)(sep - full);
			int tail = (int)(end - p - (ptrdiff_t)alen - 1);

			if (split == 1)
				snprintf(err, errlen, _("the proxy URL '%s' "
				    "has an IPv6 address without brackets: "
				    "write it as %.*s://[%.*s]:%.*s"), text,
				    slen, full, (int)alen, p, tail,
				    p + alen + 1);
			else if (split == 2)
				snprintf(err, errlen, _("the proxy URL '%s' "
				    "has an IPv6 address without brackets, "
				    "and '%.*s' reads two ways: write it as "
				    "%.*s://[%.*s]:%.*s, or %.*s://[%.*s]:PORT"),
				    text, (int)(end - p), p, slen, full,
				    (int)alen, p, tail, p + alen + 1, slen,
				    full, (int)(end - p), p);
			else
				snprintf(err, errlen, _("the proxy URL '%s' "
				    "has an IPv6 address without brackets: "
				    "write it as %.*s://[%.*s]:PORT"), text,
				    slen, full, (int)(end - p), p);
			return -1;
		}
		hend = port != NULL ? port : end;
		hlen = (size_t)(hend - p);
		if (hlen >= sizeof(u->host)) {
			snprintf(err, errlen, _("the proxy's host in '%s' is "
			    "too long"), text);
			return -1;
		}
		memcpy(u->host, p, hlen);
		u->host[hlen] = '\0';
		if (port == NULL)
			port = end;
	}
	if (u->host[0] == '\0') {
		snprintf(err, errlen, _("the proxy URL '%s' has no host"),
		    text);
		return -1;
	}
	if (port < end) {
		if (parse_port(port + 1, (size_t)(end - port - 1), &u->port) <
		    0) {
			snprintf(err, errlen, _("bad port '%.*s' in the proxy "
			    "URL '%s': a number from 1 to 65535"),
			    (int)(end - port - 1), port + 1, text);
			return -1;
		}
	} else {
		u->port = proxy_kind_default_port(u->kind);
	}
	snprintf(u->text, sizeof(u->text), strchr(u->host, ':') ?
	    "%s://[%s]:%d" : "%s://%s:%d", proxy_kind_scheme(u->kind),
	    u->host, u->port);
	return 0;
}

int
proxy_auth_parse(const char *text, size_t len, enum proxy_kind kind,
    struct proxy_credentials *cred, char *err, size_t errlen)
{
	const char *nl = memchr(text, '\n', len), *colon;
	size_t line = nl != NULL ? (size_t)(nl - text) : len, ulen, plen;

	memset(cred, 0, sizeof(*cred));
	if (nl != NULL && nl + 1 < text + len) {
		const char *rest = nl + 1;
		size_t left = len - line - 1;

		/* A blank line or two at the end is what editors leave. */
		while (left > 0 && (*rest == '\n' || *rest == '\r')) {
			rest++;
			left--;
		}
		if (left > 0) {
			snprintf(err, errlen, "%s", _("it has more than one "
			    "line: give one line, user:password"));
			return -1;
		}
	}
	if (line > 0 && text[line - 1] == '\r')
		line--;
	if (memchr(text, '\0', line) != NULL) {
		snprintf(err, errlen, "%s", _("it holds a NUL byte"));
		return -1;
	}
	colon = memchr(text, ':', line);
	if (colon == NULL) {
		snprintf(err, errlen, "%s", line == 0 ? _("it is empty: give "
		    "one line, user:password") : _("its line has no ':' "
		    "between the user name and the password"));
		return -1;
	}
	ulen = (size_t)(colon - text);
	plen = line - ulen - 1;
	if (ulen == 0) {
		snprintf(err, errlen, "%s", _("the user name before ':' is "
		    "empty"));
		return -1;
	}
	if (ulen >= PROXY_CRED_MAX || plen >= PROXY_CRED_MAX) {
		snprintf(err, errlen, "%s", socks5(kind) ? _("the user name "
		    "or the password is longer than 255 bytes, the most SOCKS5 "
		    "carries") : _("the user name or the password is longer "
		    "than the 255 bytes sockit keeps for each"));
		return -1;
	}
	memcpy(cred->user, text, ulen);
	memcpy(cred->password, colon + 1, plen);
	cred->given = true;
	return 0;
}

/* The most of a body's line a message shows. */
#define BODY_LINE_SHOWN 160

char *
proxy_http_body_line(const unsigned char *body, size_t len, char *out,
    size_t cap)
{
	struct strbuf sb;
	size_t at = 0, end;

	strbuf_init(&sb, out, cap);
	while (at < len && (body[at] == '\r' || body[at] == '\n' ||
	    body[at] == ' ' || body[at] == '\t'))
		at++;
	if (at == len || body[at] == '<')
		return out;
	for (end = at; end < len && body[end] != '\r' && body[end] != '\n';
	    end++)
		continue;
	if (end - at > BODY_LINE_SHOWN) {
		escape(&sb, body + at, BODY_LINE_SHOWN);
		strbuf_puts(&sb, "...");
	} else {
		escape(&sb, body + at, end - at);
	}
	return out;
}

char *
proxy_base64(const unsigned char *in, size_t len, char *out, size_t cap)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 <= cap; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[n++] = digits[(v >> 18) & 63];
		out[n++] = digits[(v >> 12) & 63];
		out[n++] = i + 1 < len ? digits[(v >> 6) & 63] : '=';
		out[n++] = i + 2 < len ? digits[v & 63] : '=';
	}
	if (cap > 0)
		out[n < cap ? n : cap - 1] = '\0';
	return out;
}

/* "example.org:443", "[::1]:443": the target as messages write it. */
static void
host_port(struct strbuf *sb, const char *host, int port)
{
	if (strchr(host, ':') != NULL)
		strbuf_printf(sb, "[%s]:%d", host, port);
	else
		strbuf_printf(sb, "%s:%d", host, port);
}

static void
put16(unsigned char *p, int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* The first SOCKS5 message: the methods we can do (RFC 1928 3). */
static void
socks5_greeting(struct proxy_handshake *hs)
{
	struct strbuf sb;
	char offered[64];

	hs->out[0] = SOCKS5_VERSION;
	hs->out[1] = hs->cred.given ? 2 : 1;
	hs->out[2] = SOCKS5_NO_AUTH;
	hs->out[3] = SOCKS5_USERPASS;
	hs->out_len = hs->cred.given ? 4 : 3;
	strbuf_init(&sb, hs->said, sizeof(hs->said));
	strbuf_printf(&sb, "socks5> VER=5 NMETHODS=%d [%s]", hs->out[1],
	    proxy_client_offered(hs, offered, sizeof(offered)));
	hs->state = ST_SOCKS5_METHOD;
}

/* RFC 1929's request: VER, ULEN, UNAME, PLEN, PASSWD. */
static void
socks5_auth(struct proxy_handshake *hs)
{
	size_t ulen = strlen(hs->cred.user), plen = strlen(hs->cred.password);
	struct strbuf sb;

	hs->out[0] = SOCKS5_USERPASS_VERSION;
	hs->out[1] = (unsigned char)ulen;
	memcpy(hs->out + 2, hs->cred.user, ulen);
	hs->out[2 + ulen] = (unsigned char)plen;
	memcpy(hs->out + 3 + ulen, hs->cred.password, plen);
	hs->out_len = 3 + ulen + plen;
	hs->secret_at = 3 + ulen;
	hs->secret_end = hs->out_len;
	strbuf_init(&sb, hs->said, sizeof(hs->said));
	strbuf_printf(&sb, "socks5> AUTH user=\"");
	trace_escape(&sb, hs->cred.user, ulen);
	/* A trace is pasted into bug reports: the password's size only. */
	strbuf_printf(&sb, "\" password=<%zu byte%s>", plen,
	    plen == 1 ? "" : "s");
	hs->state = ST_SOCKS5_AUTH;
}

static void
socks5_connect(struct proxy_handshake *hs)
{
	size_t n = 4, hlen = strlen(hs->host);
	struct strbuf sb;

	hs->secret_at = hs->secret_end = 0;
	hs->out[0] = SOCKS5_VERSION;
	hs->out[1] = SOCKS5_CONNECT;
	hs->out[2] = 0;
	hs->out[3] = (unsigned char)hs->atyp;
	if (hs->atyp == SOCKS5_ATYP_IPV4) {
		memcpy(hs->out + n, hs->addr, 4);
		n += 4;
	} else if (hs->atyp == SOCKS5_ATYP_IPV6) {
		memcpy(hs->out + n, hs->addr, 16);
		n += 16;
	} else {
		hs->out[n++] = (unsigned char)hlen;
		memcpy(hs->out + n, hs->host, hlen);
		n += hlen;
	}
	put16(hs->out + n, hs->port);
	hs->out_len = n + 2;
	strbuf_init(&sb, hs->said, sizeof(hs->said));
	strbuf_printf(&sb, "socks5> CONNECT ");
	host_port(&sb, hs->host, hs->port);
	hs->state = ST_SOCKS5_REPLY;
}

/*
 * SOCKS4's request: VN, CD, DSTPORT, DSTIP, USERID, NUL; SOCKS4a puts
 * 0.0.0.1 (0.0.0.x, x not 0) in DSTIP and the name after the USERID.
 */
static void
socks4_connect(struct proxy_handshake *hs)
{
	size_t ulen = strlen(hs->cred.user), hlen = strlen(hs->host), n = 8;
	struct strbuf sb;
	bool by_name = hs->atyp == SOCKS5_ATYP_DOMAIN;
	static const unsigned char marker[4] = { 0, 0, 0, 1 };

	hs->out[0] = SOCKS4_VERSION;
	hs->out[1] = SOCKS4_CONNECT;
	put16(hs->out + 2, hs->port);
	memcpy(hs->out + 4, by_name ? marker : hs->addr, 4);
	memcpy(hs->out + n, hs->cred.user, ulen);
	n += ulen;
	hs->out[n++] = '\0';
	if (by_name) {
		memcpy(hs->out + n, hs->host, hlen);
		n += hlen;
		hs->out[n++] = '\0';
	}
	hs->out_len = n;
	strbuf_init(&sb, hs->said, sizeof(hs->said));
	strbuf_printf(&sb, "socks4> CONNECT ");
	host_port(&sb, by_name ? "0.0.0.1" : hs->host, hs->port);
	strbuf_printf(&sb, " USERID=\"");
	trace_escape(&sb, hs->cred.user, ulen);
	strbuf_printf(&sb, "\"");
	if (by_name)
		strbuf_printf(&sb, " HOST=%s", hs->host);
	hs->state = ST_SOCKS4_REPLY;
}

/* RFC 9110 9.3.6: CONNECT's target is host:port, and Host says it too. */
static void
http_connect(struct proxy_handshake *hs)
{
	char target[PROXY_HOST_MAX + 16], basic[700], pair[2 * PROXY_CRED_MAX];
	struct strbuf sb, t;
	int n;

	strbuf_init(&t, target, sizeof(target));
	host_port(&t, hs->host, hs->port);
	n = snprintf((char *)hs->out, sizeof(hs->out),
	    "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", target, target);
	if (hs->cred.given) {
		int len = snprintf(pair, sizeof(pair), "%s:%s", hs->cred.user,
		    hs->cred.password);

		proxy_base64((const unsigned char *)pair, (size_t)len, basic,
		    sizeof(basic));
		explicit_bzero(pair, sizeof(pair));
		n += snprintf((char *)hs->out + n, sizeof(hs->out) - (size_t)n,
		    "Proxy-Authorization: Basic ");
		hs->secret_at = (size_t)n;
		n += snprintf((char *)hs->out + n, sizeof(hs->out) - (size_t)n,
		    "%s\r\n", basic);
		hs->secret_end = (size_t)n - 2;
		explicit_bzero(basic, sizeof(basic));
	}
	n += snprintf((char *)hs->out + n, sizeof(hs->out) - (size_t)n,
	    "\r\n");
	hs->out_len = (size_t)n;
	strbuf_init(&sb, hs->said, sizeof(hs->said));
	strbuf_printf(&sb, "http> CONNECT %s HTTP/1.1", target);
	if (hs->cred.given) {
		size_t plen = strlen(hs->cred.password);

		strbuf_printf(&sb, " (Proxy-Authorization: Basic user=\"");
		trace_escape(&sb, hs->cred.user, strlen(hs->cred.user));
		strbuf_printf(&sb, "\" password=<%zu byte%s>)", plen,
		    plen == 1 ? "" : "s");
	}
	hs->state = ST_HTTP_HEAD;
}

int
proxy_client_start(struct proxy_handshake *hs, enum proxy_kind kind,
    const char *host, int port, const struct proxy_credentials *cred,
    char *err, size_t errlen)
{
	size_t hlen = strlen(host);
	bool socks4 = kind == PROXY_SOCKS4 || kind == PROXY_SOCKS4A;

	memset(hs, 0, sizeof(*hs));
	hs->kind = kind;
	hs->port = port;
	if (cred != NULL && cred->given)
		hs->cred = *cred;
	if (hlen == 0 || hlen > 255) {
		snprintf(err, errlen, _("the name '%s' is longer than the 255 "
		    "bytes a proxy request carries"), host);
		return -1;
	}
	memcpy(hs->host, host, hlen + 1);
	if (inet_pton(AF_INET, host, hs->addr) == 1) {
		hs->atyp = SOCKS5_ATYP_IPV4;
	} else if (inet_pton(AF_INET6, host, hs->addr) == 1) {
		hs->atyp = SOCKS5_ATYP_IPV6;
		if (socks4) {
			snprintf(err, errlen, _("%s:// carries IPv4 addresses "
			    "only, and %s is IPv6: use socks5:// or "
			    "socks5h://"), proxy_kind_scheme(kind), host);
			return -1;
		}
	} else {
		hs->atyp = SOCKS5_ATYP_DOMAIN;
		if (kind == PROXY_SOCKS4) {
			snprintf(err, errlen, _("socks4:// sends an address, "
			    "not the name %s: use socks4a:// to let the proxy "
			    "resolve it"), host);
			return -1;
		}
	}
	switch (kind) {
	case PROXY_SOCKS5:
	case PROXY_SOCKS5H:
		socks5_greeting(hs);
		break;
	case PROXY_SOCKS4:
	case PROXY_SOCKS4A:
		socks4_connect(hs);
		break;
	case PROXY_HTTP:
		http_connect(hs);
		break;
	}
	return PROXY_SEND;
}

const unsigned char *
proxy_client_output(const struct proxy_handshake *hs, size_t *len,
    size_t *secret_at, size_t *secret_end)
{
	*len = hs->out_len;
	*secret_at = hs->secret_at;
	*secret_end = hs->secret_end;
	return hs->out;
}

const unsigned char *
proxy_client_quoted(const struct proxy_handshake *hs,
    const unsigned char *last, size_t len, size_t used, size_t *shown)
{
	switch (hs->failure) {
	case PROXY_FAIL_CLOSED:
		/* The close is the last read: the answer is what came before. */
		*shown = hs->in_len;
		return hs->in;
	case PROXY_FAIL_STATUS:
		/* Only the body's start, if it came in the head's read. */
		*shown = used < len ? len - used : 0;
		return last + (used < len ? used : len);
	case PROXY_FAIL_PROTOCOL:
	case PROXY_FAIL_METHOD:
		*shown = len;
		return last;
	default:
		*shown = 0;
		return last;
	}
}

char *
proxy_client_offered(const struct proxy_handshake *hs, char *out, size_t cap)
{
	snprintf(out, cap, "%s", hs->cred.given ? "NO_AUTH, USERPASS" :
	    "NO_AUTH");
	return out;
}

static enum proxy_step
fail(struct proxy_handshake *hs, enum proxy_failure why, int code)
{
	hs->failure = why;
	hs->code = code;
	hs->state = ST_FAILED;
	return PROXY_FAILED;
}

/* The next message is out: the answer to it starts afresh. */
static enum proxy_step
next(struct proxy_handshake *hs)
{
	hs->in_len = 0;
	return PROXY_SEND;
}

/* Appends "a.b.c.d:p", "[v6]:p" or a name's "host:p" from a reply. */
static void
bound(struct strbuf *sb, int atyp, const unsigned char *a, size_t alen,
    const unsigned char *port)
{
	char text[INET6_ADDRSTRLEN];
	int p = port[0] << 8 | port[1];

	if (atyp == SOCKS5_ATYP_IPV4 && inet_ntop(AF_INET, a, text,
	    sizeof(text)) != NULL)
		strbuf_printf(sb, "%s:%d", text, p);
	else if (atyp == SOCKS5_ATYP_IPV6 && inet_ntop(AF_INET6, a, text,
	    sizeof(text)) != NULL)
		strbuf_printf(sb, "[%s]:%d", text, p);
	else {
		trace_escape(sb, a, alen);
		strbuf_printf(sb, ":%d", p);
	}
}

static void
heard_name(struct proxy_handshake *hs, const char *proto, const char *name,
    int code)
{
	struct strbuf sb;

	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	if (name != NULL)
		strbuf_printf(&sb, "%s< %s", proto, name);
	else
		strbuf_printf(&sb, "%s< REP=0x%02x", proto, code);
}

static enum proxy_step
socks5_method(struct proxy_handshake *hs)
{
	const char *name;
	struct strbuf sb;
	int m;

	if (hs->in[0] != SOCKS5_VERSION)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	if (hs->in_len < 2)
		return PROXY_MORE;
	m = hs->in[1];
	name = socks5_method_name(m);
	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	if (name != NULL)
		strbuf_printf(&sb, "socks5< VER=5 METHOD=%s", name);
	else
		strbuf_printf(&sb, "socks5< VER=5 METHOD=0x%02x", m);
	if (m == SOCKS5_NO_AUTH) {
		socks5_connect(hs);
		return next(hs);
	}
	if (m == SOCKS5_USERPASS && hs->cred.given) {
		socks5_auth(hs);
		return next(hs);
	}
	/* NO_ACCEPTABLE, or a method we never offered. */
	return fail(hs, PROXY_FAIL_METHOD, m);
}

static enum proxy_step
socks5_auth_reply(struct proxy_handshake *hs)
{
	struct strbuf sb;

	/* RFC 1929 says 0x01; some servers echo SOCKS's 0x05. */
	if (hs->in[0] != SOCKS5_USERPASS_VERSION && hs->in[0] !=
	    SOCKS5_VERSION)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	if (hs->in_len < 2)
		return PROXY_MORE;
	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	/* RFC 1929's words, as sockit's own server prints them. */
	strbuf_printf(&sb, "socks5< AUTH VER=%d STATUS=%d%s", hs->in[0],
	    hs->in[1], hs->in[1] == 0 ? " (success)" : " (failure)");
	if (hs->in[1] != 0)
		return fail(hs, PROXY_FAIL_AUTH, hs->in[1]);
	socks5_connect(hs);
	return next(hs);
}

static enum proxy_step
socks5_reply(struct proxy_handshake *hs)
{
	const unsigned char *r = hs->in;
	size_t need;
	struct strbuf sb;

	if (r[0] != SOCKS5_VERSION)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	if (hs->in_len < 2)
		return PROXY_MORE;
	/* A refusal is whole in its code: the address after it is moot. */
	if (r[1] != SOCKS5_SUCCEEDED) {
		heard_name(hs, "socks5", socks5_reply_name(r[1]), r[1]);
		return fail(hs, PROXY_FAIL_REPLY, r[1]);
	}
	if (hs->in_len < 4)
		return PROXY_MORE;
	switch (r[3]) {
	case SOCKS5_ATYP_IPV4:
		need = 4 + 4 + 2;
		break;
	case SOCKS5_ATYP_IPV6:
		need = 4 + 16 + 2;
		break;
	case SOCKS5_ATYP_DOMAIN:
		if (hs->in_len < 5)
			return PROXY_MORE;
		need = 5 + r[4] + 2;
		break;
	default:
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	}
	if (hs->in_len < need)
		return PROXY_MORE;
	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	strbuf_printf(&sb, "socks5< SUCCEEDED bound ");
	if (r[3] == SOCKS5_ATYP_DOMAIN)
		bound(&sb, r[3], r + 5, r[4], r + need - 2);
	else
		bound(&sb, r[3], r + 4, need - 6, r + need - 2);
	hs->state = ST_DONE;
	return PROXY_DONE;
}

static enum proxy_step
socks4_reply(struct proxy_handshake *hs)
{
	const unsigned char *r = hs->in;
	struct strbuf sb;

	/* The reply's VN is 0, the version of the reply format. */
	if (r[0] != 0)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	if (hs->in_len < 2)
		return PROXY_MORE;
	if (r[1] != SOCKS4_GRANTED) {
		heard_name(hs, "socks4", socks4_reply_name(r[1]), r[1]);
		return fail(hs, PROXY_FAIL_REPLY, r[1]);
	}
	if (hs->in_len < 8)
		return PROXY_MORE;
	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	strbuf_printf(&sb, "socks4< GRANTED bound ");
	bound(&sb, SOCKS5_ATYP_IPV4, r + 4, 4, r + 2);
	hs->state = ST_DONE;
	return PROXY_DONE;
}

/*
 * "HTTP/1.1 200 Connection established": the version, a three-digit
 * status, and a reason that may be empty. Returns the status, or -1.
 */
static int
status_code(const unsigned char *line, size_t len)
{
	if (len < 12 || memcmp(line, "HTTP/", 5) != 0 ||
	    !isdigit(line[5]) || line[6] != '.' || !isdigit(line[7]) ||
	    line[8] != ' ' || !isdigit(line[9]) || !isdigit(line[10]) ||
	    !isdigit(line[11]) || (len > 12 && line[12] != ' '))
		return -1;
	return (line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0';
}

static enum proxy_step
http_head(struct proxy_handshake *hs)
{
	static const char prefix[] = "HTTP/";
	const unsigned char *h = hs->in;
	size_t n = hs->in_len, line;
	struct strbuf sb;
	int code;

	if (n <= 5 && memcmp(h, prefix, n) != 0)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	/* The head ends at an empty line; RFC 9112 2.2 allows a bare LF. */
	if (!(n >= 2 && h[n - 1] == '\n' && (h[n - 2] == '\n' ||
	    (n >= 4 && h[n - 2] == '\r' && h[n - 3] == '\n' &&
	    h[n - 4] == '\r')))) {
		if (n == sizeof(hs->in))
			return fail(hs, PROXY_FAIL_TOO_LONG, 0);
		return PROXY_MORE;
	}
	line = (size_t)((const unsigned char *)memchr(h, '\n', n) - h);
	if (line > 0 && h[line - 1] == '\r')
		line--;
	strbuf_init(&sb, hs->status, sizeof(hs->status));
	escape(&sb, h, line);
	strbuf_init(&sb, hs->heard, sizeof(hs->heard));
	strbuf_printf(&sb, "http< %s", hs->status);
	code = status_code(h, line);
	if (code < 0)
		return fail(hs, PROXY_FAIL_PROTOCOL, 0);
	/*
	 * RFC 9110 15.2: a 1xx is an interim answer (100 Continue, 103
	 * Early Hints) and the final one follows: the head starts afresh.
	 */
	if (code >= 100 && code <= 199) {
		hs->in_len = 0;
		return PROXY_MORE;
	}
	if (code < 200 || code > 299)
		return fail(hs, PROXY_FAIL_STATUS, code);
	hs->code = code;
	hs->state = ST_DONE;
	return PROXY_DONE;
}

/* Looks at the answer so far, with its newest byte just added. */
static enum proxy_step
examine(struct proxy_handshake *hs)
{
	switch (hs->state) {
	case ST_SOCKS5_METHOD:
		return socks5_method(hs);
	case ST_SOCKS5_AUTH:
		return socks5_auth_reply(hs);
	case ST_SOCKS5_REPLY:
		return socks5_reply(hs);
	case ST_SOCKS4_REPLY:
		return socks4_reply(hs);
	case ST_HTTP_HEAD:
		return http_head(hs);
	}
	return hs->state == ST_DONE ? PROXY_DONE : PROXY_FAILED;
}

enum proxy_step
proxy_client_input(struct proxy_handshake *hs, const unsigned char *in,
    size_t len, size_t *used)
{
	enum proxy_step step = PROXY_MORE;

	*used = 0;
	hs->heard[0] = '\0';
	if (hs->state == ST_DONE)
		return PROXY_DONE;
	if (hs->state == ST_FAILED)
		return PROXY_FAILED;
	if (len == 0)
		return fail(hs, PROXY_FAIL_CLOSED, 0);
	/*
	 * A byte at a time: each message's length shows only as it comes,
	 * and what follows the last one is the target's, not ours to take.
	 */
	while (*used < len) {
		hs->in[hs->in_len++] = in[(*used)++];
		step = examine(hs);
		if (step != PROXY_MORE)
			break;
	}
	return step;
}
