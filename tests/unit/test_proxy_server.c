/* test_proxy_server.c: the proxy server's handshakes, whole and split byte by byte, its answers and trace lines, and the --allow-to rules. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy_server.h"
#include "unit.h"

static enum psrv_auth
alice(void *ctx, const char *user, const char *pass)
{
	(void)ctx;
	if (strcmp(user, "alice") != 0)
		return PSRV_AUTH_UNKNOWN;
	return strcmp(pass, "s3cret") == 0 ? PSRV_AUTH_OK : PSRV_AUTH_WRONG;
}

/* Feeds msg whole, or one byte at a time; returns the last result. */
static enum psrv_result
feed(struct psrv *ps, const void *msg, size_t n, bool split)
{
	const unsigned char *b = msg;
	enum psrv_result r = PSRV_MORE;
	size_t i;

	if (!split)
		return psrv_feed(ps, msg, n);
	for (i = 0; i < n && r == PSRV_MORE; i++)
		r = psrv_feed(ps, b + i, 1);
	return r;
}

static void
socks5_connect(bool split)
{
	static const unsigned char msg[] = { 5, 1, 0,
	    5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r',
	    'g', 1, 187, 'h', 'i' };
	static const unsigned char ok[] = { 5, 0, 5, 0, 0, 1, 127, 0, 0, 1,
	    0x9c, 0x40 };
	struct sockaddr_in sin;
	struct psrv ps;
	const unsigned char *rest;
	size_t n;

	unit_begin("socks5: greeting and CONNECT to a name%s",
	    split ? ", a byte at a time" : "");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(feed(&ps, msg, sizeof(msg), split), PSRV_CONNECT);
	CHECK_STR(ps.target.host, "example.org");
	CHECK_INT(ps.target.port, 443);
	CHECK_INT(ps.target.family, 0);
	rest = psrv_rest(&ps, &n);
	/* Split, the bytes after the request were never fed. */
	if (!split)
		CHECK_MEM(rest, n, "hi", 2);
	CHECK_STR(ps.lines[0], "socks5> VER=5 NMETHODS=1 [NO_AUTH]");
	CHECK_STR(ps.lines[1], "socks5< VER=5 METHOD=NO_AUTH");
	CHECK_STR(ps.lines[2], "socks5> CONNECT example.org:443");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(40000);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	psrv_reply(&ps, SOCKS5_SUCCEEDED, (struct sockaddr *)&sin,
	    sizeof(sin));
	CHECK_MEM(ps.out, ps.outlen, ok, sizeof(ok));
	CHECK_STR(ps.lines[3], "socks5< SUCCEEDED bound 127.0.0.1:40000");
	unit_end();
}

static void
socks5_auth(void)
{
	static const unsigned char hello[] = { 5, 2, 0, 2 };
	static const unsigned char good[] = { 1, 5, 'a', 'l', 'i', 'c', 'e',
	    6, 's', '3', 'c', 'r', 'e', 't',
	    5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22 };
	static const unsigned char bad[] = { 1, 5, 'a', 'l', 'i', 'c', 'e',
	    5, 'w', 'r', 'o', 'n', 'g' };
	static const unsigned char failed[] = { 5, 2, 1, 1 };
	struct psrv ps;

	unit_begin("socks5: --auth-file takes USERPASS, the password unshown");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	/* The methods come after NMETHODS in a second read. */
	CHECK_INT(psrv_feed(&ps, hello, 2), PSRV_MORE);
	CHECK_INT(ps.nlines, 0);
	CHECK_INT(psrv_feed(&ps, hello + 2, 2), PSRV_MORE);
	CHECK_STR(ps.lines[0], "socks5> VER=5 NMETHODS=2 [NO_AUTH, USERPASS]");
	CHECK_STR(ps.lines[1], "socks5< VER=5 METHOD=USERPASS");
	CHECK_INT(psrv_feed(&ps, good, sizeof(good)), PSRV_CONNECT);
	CHECK_STR(ps.lines[2], "socks5> AUTH user=\"alice\" "
	    "password=<6 bytes>");
	CHECK_STR(ps.lines[3], "socks5< AUTH VER=1 STATUS=0 (success)");
	CHECK_STR(ps.lines[4], "socks5> CONNECT [::1]:22");
	CHECK_STR(ps.user, "alice");
	CHECK_INT(ps.target.family, AF_INET6);
	/* The password's place in the bytes, for the trace to hide. */
	CHECK_INT(ps.secret_at, 4 + 8);
	CHECK_INT(ps.secret_end, 4 + 14);
	unit_end();

	unit_begin("socks5: a newline in the user is \\n, as the raw lines say");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	psrv_feed(&ps, hello, sizeof(hello));
	CHECK_INT(psrv_feed(&ps, "\x01\x03" "a\nb\x01" "w", 7), PSRV_REFUSE);
	CHECK_STR(ps.lines[2], "socks5> AUTH user=\"a\\nb\" password=<1 byte>");
	CHECK_STR(ps.lines[3], "socks5< AUTH VER=1 STATUS=1 (failure)");
	unit_end();

	unit_begin("socks5: the password's place is known before it is whole");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	psrv_feed(&ps, hello, sizeof(hello));
	CHECK_INT(psrv_feed(&ps, good, 10), PSRV_MORE);
	CHECK_INT(ps.secret_at, 4 + 8);
	CHECK_INT(ps.secret_end, 4 + 14);
	unit_end();

	unit_begin("http: the place of Proxy-Authorization's credentials");
	psrv_init(&ps, PSRV_MODE_HTTP, true, alice, NULL);
	CHECK_INT(psrv_feed(&ps, "CONNECT h:1 HTTP/1.1\r\nproxy-authorization:"
	    " Basic YWxp", 53), PSRV_MORE);
	CHECK_INT(ps.secret_at, 49);
	CHECK_INT(ps.secret_end, 53);
	unit_end();

	unit_begin("socks5: a wrong password is refused, NO_AUTH alone too");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	psrv_feed(&ps, hello, sizeof(hello));
	CHECK_INT(psrv_feed(&ps, bad, sizeof(bad)), PSRV_REFUSE);
	CHECK_MEM(ps.out, ps.outlen, failed, sizeof(failed));
	/* The log says whose login failed, and which part was wrong. */
	CHECK_STR(ps.why, "wrong password for the user");
	CHECK_STR(ps.user, "alice");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	psrv_feed(&ps, hello, sizeof(hello));
	CHECK_INT(psrv_feed(&ps, "\1\3bob\1x", 7), PSRV_REFUSE);
	CHECK_STR(ps.why, "no such user in --auth-file");
	CHECK_STR(ps.user, "bob");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	CHECK_INT(psrv_feed(&ps, "\5\1\0", 3), PSRV_REFUSE);
	CHECK_MEM(ps.out, ps.outlen, "\5\377", 2);
	unit_end();
}

static void
socks_at_http(void)
{
	static const unsigned char rejected[] = { 0, 91, 0, 0, 0, 0, 0, 0 };
	struct psrv ps;

	unit_begin("http: a SOCKS client gets a refusal it can read");
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "\5\1\0", 3), PSRV_REFUSE);
	CHECK_MEM(ps.out, ps.outlen, "\5\377", 2);
	CHECK_STR(ps.reply, "NO_ACCEPTABLE");
	CHECK_STR(ps.why, "the client speaks SOCKS to an HTTP proxy "
	    "(--socks5 serves it)");
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "\4\1\0\26\177\0\0\1\0", 9),
	    PSRV_REFUSE);
	CHECK_MEM(ps.out, ps.outlen, rejected, sizeof(rejected));
	CHECK_STR(ps.lines[1], "socks4< REJECTED bound 0.0.0.0:0");
	unit_end();
}

static void
socks5_refusals(void)
{
	static const unsigned char bind[] = { 5, 1, 0, 5, 2, 0, 1, 127, 0, 0,
	    1, 0, 80 };
	static const unsigned char atyp[] = { 5, 1, 0, 5, 1, 0, 9, 1, 2 };
	struct psrv ps;

	unit_begin("socks5: BIND is COMMAND_NOT_SUPPORTED, ATYP 9 unknown");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, bind, sizeof(bind)), PSRV_REFUSE);
	CHECK_INT(ps.outlen, 12);
	CHECK_INT(ps.out[3], SOCKS5_COMMAND_NOT_SUPPORTED);
	CHECK_STR(ps.lines[2], "socks5> BIND 127.0.0.1:80");
	CHECK_STR(ps.lines[3], "socks5< COMMAND_NOT_SUPPORTED bound 0.0.0.0:0");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, atyp, sizeof(atyp)), PSRV_REFUSE);
	CHECK_INT(ps.out[3], SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED);
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "GET / HTTP/1.1\r\n", 16), PSRV_REFUSE);
	/* An HTTP client hears, in HTTP, that this port speaks SOCKS. */
	CHECK(ps.outlen > 12 && memcmp(ps.out, "HTTP/1.1 400 ", 13) == 0);
	CHECK(strstr((const char *)ps.out, "speaks SOCKS4 and SOCKS5") !=
	    NULL);
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "\26\3\1", 3), PSRV_REFUSE);
	CHECK_INT(ps.outlen, 0);
	unit_end();
}

static void
socks4(bool split)
{
	static const unsigned char v4[] = { 4, 1, 0, 80, 127, 0, 0, 1, 'x',
	    0 };
	static const unsigned char v4a[] = { 4, 1, 0x1f, 0x90, 0, 0, 0, 1, 0,
	    'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0 };
	struct psrv ps;

	unit_begin("socks4 and 4a requests%s", split ? ", a byte at a time" :
	    "");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(feed(&ps, v4, sizeof(v4), split), PSRV_CONNECT);
	CHECK_STR(ps.lines[0], "socks4> CONNECT 127.0.0.1:80 USERID=\"x\"");
	CHECK_INT(ps.target.family, AF_INET);
	psrv_reply(&ps, SOCKS5_CONNECTION_REFUSED, NULL, 0);
	CHECK_MEM(ps.out, ps.outlen, "\0\133\0\0\0\0\0\0", 8);
	CHECK_STR(ps.lines[1], "socks4< REJECTED bound 0.0.0.0:0");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(feed(&ps, v4a, sizeof(v4a), split), PSRV_CONNECT);
	CHECK_STR(ps.target.host, "localhost");
	CHECK_INT(ps.target.port, 8080);
	CHECK_STR(ps.lines[0], "socks4> CONNECT localhost:8080 USERID=\"\"");
	psrv_init(&ps, PSRV_MODE_SOCKS, true, alice, NULL);
	CHECK_INT(feed(&ps, v4, sizeof(v4), split), PSRV_REFUSE);
	unit_end();
}

static void
http(bool split)
{
	static const char req[] = "CONNECT [::1]:443 HTTP/1.1\r\n"
	    "Host: [::1]:443\r\n"
	    "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n\x16\x03";
	struct psrv ps;
	const unsigned char *rest;
	size_t n;

	unit_begin("http: CONNECT with Basic credentials%s",
	    split ? ", a byte at a time" : "");
	psrv_init(&ps, PSRV_MODE_HTTP, true, alice, NULL);
	CHECK_INT(feed(&ps, req, sizeof(req) - 1, split), PSRV_CONNECT);
	CHECK_STR(ps.target.host, "::1");
	CHECK_INT(ps.target.port, 443);
	CHECK_STR(ps.lines[0], "http> CONNECT [::1]:443 HTTP/1.1 "
	    "(Proxy-Authorization: Basic user=\"alice\" password=<6 bytes>)");
	rest = psrv_rest(&ps, &n);
	if (!split)
		CHECK_MEM(rest, n, "\x16\x03", 2);
	psrv_reply(&ps, SOCKS5_SUCCEEDED, NULL, 0);
	CHECK_MEM(ps.out, ps.outlen, "HTTP/1.1 200 Connection established"
	    "\r\n\r\n", 39);
	CHECK_STR(ps.lines[1], "http< HTTP/1.1 200 Connection established");
	unit_end();
}

static void
http_refusals(void)
{
	struct psrv ps;

	unit_begin("http: 405 for GET, 407 without credentials, 400, 502");
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "GET http://x/ HTTP/1.1\r\n\r\n", 26),
	    PSRV_REFUSE);
	ps.out[ps.outlen] = 0;
	CHECK_CONTAINS((char *)ps.out, "HTTP/1.1 405 Method Not Allowed\r\n");
	CHECK_CONTAINS((char *)ps.out, "CONNECT-only proxy");
	psrv_init(&ps, PSRV_MODE_HTTP, true, alice, NULL);
	CHECK_INT(psrv_feed(&ps, "CONNECT a:1 HTTP/1.1\r\n\r\n", 24),
	    PSRV_REFUSE);
	ps.out[ps.outlen] = 0;
	CHECK_CONTAINS((char *)ps.out, "Proxy-Authenticate: Basic "
	    "realm=\"sockit\"\r\n");
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "CONNECT a HTTP/1.1\n\n", 20), PSRV_REFUSE);
	CHECK_STR(ps.lines[1], "http< HTTP/1.1 400 Bad Request");
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "CONNECT a:1 HTTP/1.0\n\n", 22),
	    PSRV_CONNECT);
	psrv_reply(&ps, SOCKS5_CONNECTION_REFUSED, NULL, 0);
	CHECK_STR(ps.lines[1], "http< HTTP/1.1 502 Bad Gateway");
	/* What an HTTP client got, not the SOCKS5 name it came from. */
	CHECK_STR(ps.reply, "502 Bad Gateway");
	/* A name that did not resolve: said in the body, not as a host. */
	psrv_init(&ps, PSRV_MODE_HTTP, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "CONNECT nx.test:1 HTTP/1.0\n\n", 29),
	    PSRV_CONNECT);
	psrv_reply_unresolved(&ps, "EAI_NONAME");
	ps.out[ps.outlen] = 0;
	CHECK_CONTAINS((char *)ps.out, "HTTP/1.1 502 Bad Gateway\r\n");
	CHECK_CONTAINS((char *)ps.out,
	    "\r\n\r\nthe proxy could not look up nx.test (EAI_NONAME)\n");
	CHECK_STR(ps.reply, "502 Bad Gateway");
	psrv_init(&ps, PSRV_MODE_SOCKS, false, NULL, NULL);
	CHECK_INT(psrv_feed(&ps, "\5\1\0\5\1\0\3\7nx.test\0\1", 17),
	    PSRV_CONNECT);
	psrv_reply_unresolved(&ps, "EAI_NONAME");
	CHECK_STR(ps.reply, "HOST_UNREACHABLE");
	CHECK_INT(psrv_http_status(SOCKS5_NOT_ALLOWED), 403);
	CHECK_INT(psrv_http_status(SOCKS5_TTL_EXPIRED), 504);
	CHECK_INT(psrv_code_for_errno(ECONNREFUSED), 5);
	CHECK_INT(psrv_code_for_errno(ENETUNREACH), 3);
	CHECK_INT(psrv_code_for_errno(EHOSTUNREACH), 4);
	CHECK_INT(psrv_code_for_errno(ETIMEDOUT), 6);
	unit_end();
}

static bool
admits(const char *rule, bool allow, const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct proxy_rule r;
	char err[256];

	memset(&ss, 0, sizeof(ss));
	if (proxy_rule_parse(rule, &r, err, sizeof(err)) < 0)
		return unit_ok(false, "%s: %s", rule, err);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else {
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
	}
	return allow ? proxy_rules_admit(&r, 1, NULL, 0,
	    (struct sockaddr *)&ss, sizeof(ss)) : proxy_rules_admit(NULL, 0,
	    &r, 1, (struct sockaddr *)&ss, sizeof(ss));
}

static void
rules(void)
{
	struct proxy_rule r;
	char err[256];

	unit_begin("--allow-to/--deny-to: CIDR[:PORTS], [v6]/N:PORTS");
	CHECK(admits("127.0.0.0/8", true, "127.0.0.1", 80));
	CHECK(!admits("127.0.0.0/8", true, "10.0.0.1", 80));
	CHECK(admits("127.0.0.0/8:22,80,8000-8100", true, "127.0.0.1", 8050));
	CHECK(!admits("127.0.0.0/8:22,80,8000-8100", true, "127.0.0.1", 81));
	CHECK(!admits("127.0.0.1/32", false, "127.0.0.1", 1));
	CHECK(admits("127.0.0.1/32", false, "127.0.0.2", 1));
	CHECK(admits("[::1]/128:22", true, "::1", 22));
	CHECK(!admits("[::1]/128:22", true, "::1", 23));
	CHECK(admits("::1", true, "::1", 23));
	CHECK(admits("[::1]", true, "::1", 9));
	CHECK_INT(proxy_rule_parse("localhost:80", &r, err, sizeof(err)), -1);
	CHECK_INT(proxy_rule_parse("127.0.0.1:99999", &r, err, sizeof(err)),
	    -1);
	CHECK_INT(proxy_rule_parse("[::1:80", &r, err, sizeof(err)), -1);
	CHECK_INT(proxy_rule_parse("127.0.0.1:", &r, err, sizeof(err)), -1);
	/* Ports after a bare IPv6 block: the fix is shown. */
	CHECK_INT(proxy_rule_parse("::1/128:22", &r, err, sizeof(err)), -1);
	CHECK_STR(err, "ports after an IPv6 block need brackets: "
	    "[::1]/128:22");
	/* A mapped address is its IPv4 one to the rules. */
	CHECK(!admits("127.0.0.0/8", false, "::ffff:127.0.0.1", 80));
	unit_end();
}

/* True when ip is this host to connect(), as proxy_this_host judges. */
static bool
here(const char *ip)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	return proxy_this_host((struct sockaddr *)&ss);
}

static void
this_host(void)
{
	unit_begin("0.0.0.0, :: and ::ffff:0.0.0.0 are this host, always "
	    "refused");
	CHECK(here("0.0.0.0"));
	CHECK(here("::"));
	CHECK(here("::ffff:0.0.0.0"));
	CHECK(!here("::ffff:0.0.0.1"));
	CHECK(!here("127.0.0.1"));
	CHECK(!here("64:ff9b::"));
	unit_end();
}

void
test_proxy_server(void)
{
	socks5_connect(false);
	socks5_connect(true);
	socks5_auth();
	socks5_refusals();
	socks_at_http();
	socks4(false);
	socks4(true);
	http(false);
	http(true);
	http_refusals();
	rules();
	this_host();
}
