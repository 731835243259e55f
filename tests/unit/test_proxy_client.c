/* test_proxy_client.c: --proxy's URL and auth file, and each handshake's bytes both ways, fed whole and a byte at a time. */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "proxy_client.h"
#include "unit.h"

static void
url_ok(const char *text, enum proxy_kind kind, const char *host, int port,
    const char *user, const char *password)
{
	struct proxy_url u;
	char err[256];

	unit_begin("proxy URL %s", text);
	if (CHECK_INT(proxy_url_parse(text, &u, err, sizeof(err)), 0)) {
		CHECK_INT(u.kind, kind);
		CHECK_STR(u.host, host);
		CHECK_INT(u.port, port);
		CHECK_INT(u.cred.given, user != NULL);
		if (user != NULL) {
			CHECK_STR(u.cred.user, user);
			CHECK_STR(u.cred.password, password);
		}
	} else {
		unit_diag("%s", err);
	}
	unit_end();
}

static void
url_bad(const char *text, const char *needle)
{
	struct proxy_url u;
	char err[256] = "";

	unit_begin("proxy URL %s is refused", text);
	CHECK_INT(proxy_url_parse(text, &u, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, needle);
	unit_end();
}

static void
test_urls(void)
{
	url_ok("socks5://127.0.0.1:1080", PROXY_SOCKS5, "127.0.0.1", 1080,
	    NULL, NULL);
	url_ok("SOCKS5H://proxy.example", PROXY_SOCKS5H, "proxy.example",
	    1080, NULL, NULL);
	url_ok("socks4a://h:9050/", PROXY_SOCKS4A, "h", 9050, NULL, NULL);
	url_ok("http://[::1]:3128", PROXY_HTTP, "::1", 3128, NULL, NULL);
	url_ok("http://[::1]", PROXY_HTTP, "::1", 8080, NULL, NULL);
	url_ok("socks5://alice:s%40cr%3At@h:1", PROXY_SOCKS5, "h", 1,
	    "alice", "s@cr:t");
	url_ok("http://bob:p@ss@h:3128", PROXY_HTTP, "h", 3128, "bob",
	    "p@ss");
	url_ok("socks5://carol@h", PROXY_SOCKS5, "h", 1080, "carol", "");
	url_bad("127.0.0.1:1080", "needs a scheme");
	url_bad("socks6://h:1", "unknown proxy scheme 'socks6://'");
	url_bad("http://h:3128/path", "has a path or a query ('/path')");
	url_bad("http://h:3128?x=1", "'?x=1'");
	url_bad("socks5://:1080", "has no host");
	url_bad("socks5://h:0", "bad port '0'");
	url_bad("socks5://h:65536", "bad port '65536'");
	url_bad("socks5://h:", "bad port ''");
	url_bad("socks5://[::1:1080", "without closing it");
	url_bad("socks5://[nope]:1", "not an IPv6 address");
	url_bad("socks5://a:b%zz@h", "bad %-escape in the proxy URL's "
	    "password");
	url_bad("socks5://a%00:b@h", "NUL byte");
	url_bad("socks5://:b@h", "empty user name");
	/* A message quotes the URL with its password masked. */
	url_bad("http://bob:s3cret@h:99999", "'http://bob:***@h:99999'");
	url_bad("socks9://bob:s3cret@h", "in 'socks9://bob:***@h'");
	url_bad("http://bob:s3cret@h/x", "'http://bob:***@h/x' has a path");
	url_bad("socks5://bob:s3cret@[::1", "'socks5://bob:***@[::1'");
	url_bad("socks5://::1", "write it as socks5://[::1]:PORT");
	url_bad("socks5://::1:21080", "write it as socks5://[::1]:21080");
	url_bad("socks5://::1:80", "socks5://[::1]:80, or socks5://[::1:80]:PORT");
	url_bad("::1:21080", "--proxy http://[::1]:21080");
	url_bad("socks4://alice:pw@h", "SOCKS4 has a user id, no password");
	url_ok("socks4://alice@h", PROXY_SOCKS4, "h", 1080, "alice", "");
}

static void
auth_case(const char *text, const char *user, const char *password,
    const char *needle)
{
	struct proxy_credentials c;
	char err[256] = "";
	int rc = proxy_auth_parse(text, strlen(text), PROXY_SOCKS5, &c,
	    err, sizeof(err));

	unit_begin("auth file \"%s\"", text);
	if (user != NULL && CHECK_INT(rc, 0)) {
		CHECK_STR(c.user, user);
		CHECK_STR(c.password, password);
	} else if (user == NULL && CHECK_INT(rc, -1)) {
		CHECK_CONTAINS(err, needle);
	}
	unit_end();
}

static void
test_auth_file(void)
{
	auth_case("alice:secret\n", "alice", "secret", NULL);
	auth_case("alice:sec:ret\r\n\n", "alice", "sec:ret", NULL);
	auth_case("alice:", "alice", "", NULL);
	auth_case("", NULL, NULL, "it is empty");
	auth_case("alice\n", NULL, NULL, "no ':'");
	auth_case(":pw\n", NULL, NULL, "user name before ':' is empty");
	auth_case("a:b\nc:d\n", NULL, NULL, "more than one line");
}

/*
 * RFC 1929's 255 bytes are SOCKS5's limit; the other schemes' messages
 * name the room sockit keeps, not a protocol that is not in use.
 */
static void
test_cred_limits(void)
{
	char url[400], line[400], err[256];
	struct proxy_credentials c;
	struct proxy_url u;
	static const struct {
		const char *scheme;
		enum proxy_kind kind;
		const char *needle;
	} cases[] = {
		{ "socks5", PROXY_SOCKS5, "the most SOCKS5 carries" },
		{ "socks5h", PROXY_SOCKS5H, "the most SOCKS5 carries" },
		{ "socks4", PROXY_SOCKS4, "the 255 bytes sockit keeps" },
		{ "http", PROXY_HTTP, "the 255 bytes sockit keeps" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		unit_begin("a 300-byte user name through %s names %s's limit",
		    cases[i].scheme, cases[i].kind == PROXY_SOCKS5 ||
		    cases[i].kind == PROXY_SOCKS5H ? "SOCKS5" : "sockit");
		snprintf(url, sizeof(url), "%s://%0300d@h:1", cases[i].scheme,
		    0);
		CHECK_INT(proxy_url_parse(url, &u, err, sizeof(err)), -1);
		CHECK_CONTAINS(err, cases[i].needle);
		snprintf(line, sizeof(line), "%0300d:pw\n", 0);
		CHECK_INT(proxy_auth_parse(line, strlen(line), cases[i].kind,
		    &c, err, sizeof(err)), -1);
		CHECK_CONTAINS(err, cases[i].needle);
		unit_end();
	}
}

/*
 * Runs hs against the answer (len bytes), split into pieces of step
 * bytes, re-feeding what a SEND left as a driver would. Returns the last
 * step; *taken gets the answer's bytes the handshake used.
 */
static enum proxy_step
feed(struct proxy_handshake *hs, const void *answer, size_t len, size_t step,
    size_t *taken)
{
	const unsigned char *p = answer;
	size_t at = 0;
	enum proxy_step r = PROXY_MORE;

	while (at < len) {
		size_t n = len - at < step ? len - at : step, used;

		r = proxy_client_input(hs, p + at, n, &used);
		at += used;
		if (r == PROXY_DONE || r == PROXY_FAILED)
			break;
	}
	*taken = at;
	return r;
}

static void
start(struct proxy_handshake *hs, enum proxy_kind kind, const char *host,
    int port, const char *user, const char *password)
{
	struct proxy_credentials c;
	char err[256];

	memset(&c, 0, sizeof(c));
	if (user != NULL) {
		c.given = true;
		snprintf(c.user, sizeof(c.user), "%s", user);
		snprintf(c.password, sizeof(c.password), "%s", password);
	}
	if (proxy_client_start(hs, kind, host, port, &c, err, sizeof(err)) !=
	    PROXY_SEND)
		unit_diag("start: %s", err);
}

static void
out_is(const struct proxy_handshake *hs, const void *want, size_t len)
{
	size_t n, from, to;
	const unsigned char *out = proxy_client_output(hs, &n, &from, &to);

	CHECK_MEM(out, n, want, len);
}

static void
test_socks5(void)
{
	static const unsigned char reply[] = "\x05\x00\x00\x01\x7f\x00\x00\x01"
	    "\x1f\x90" "hello";
	struct proxy_handshake hs;
	size_t step, taken;

	for (step = 1; step <= 16; step += 15) {
		unit_begin("socks5h: a name goes to the proxy, fed %zu at a "
		    "time", step);
		start(&hs, PROXY_SOCKS5H, "example.org", 443, NULL, NULL);
		out_is(&hs, "\x05\x01\x00", 3);
		CHECK_STR(hs.said, "socks5> VER=5 NMETHODS=1 [NO_AUTH]");
		CHECK_INT(feed(&hs, "\x05\x00", 2, step, &taken), PROXY_SEND);
		CHECK_STR(hs.heard, "socks5< VER=5 METHOD=NO_AUTH");
		out_is(&hs, "\x05\x01\x00\x03\x0b" "example.org\x01\xbb", 18);
		CHECK_STR(hs.said, "socks5> CONNECT example.org:443");
		CHECK_INT(feed(&hs, reply, sizeof(reply) - 1, step, &taken),
		    PROXY_DONE);
		/* The target's "hello" is left for the caller. */
		CHECK_INT(taken, 10);
		CHECK_STR(hs.heard, "socks5< SUCCEEDED bound 127.0.0.1:8080");
		unit_end();
	}

	unit_begin("socks5 with credentials: RFC 1929, the password unshown");
	start(&hs, PROXY_SOCKS5, "::1", 22, "alice", "hunter");
	out_is(&hs, "\x05\x02\x00\x02", 4);
	CHECK_INT(feed(&hs, "\x05\x02", 2, 2, &taken), PROXY_SEND);
	out_is(&hs, "\x01\x05" "alice\x06" "hunter", 14);
	CHECK_STR(hs.said, "socks5> AUTH user=\"alice\" password=<6 bytes>");
	{
		size_t n, from, to;

		proxy_client_output(&hs, &n, &from, &to);
		/* The trace hides "hunter", the password's own bytes. */
		CHECK_INT(from, 8);
		CHECK_INT(to, 14);
	}
	CHECK_INT(feed(&hs, "\x01\x00", 2, 2, &taken), PROXY_SEND);
	out_is(&hs, "\x05\x01\x00\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"
	    "\x00\x16", 22);
	CHECK_STR(hs.said, "socks5> CONNECT [::1]:22");
	CHECK_INT(feed(&hs, "\x05\x00\x00\x03\x04" "host\x00\x50", 11, 3,
	    &taken), PROXY_DONE);
	CHECK_STR(hs.heard, "socks5< SUCCEEDED bound host:80");
	unit_end();

	unit_begin("socks5: a newline in the user is \\n, as the raw lines say");
	start(&hs, PROXY_SOCKS5, "::1", 22, "a\nb", "w");
	CHECK_INT(feed(&hs, "\x05\x02", 2, 2, &taken), PROXY_SEND);
	CHECK_STR(hs.said, "socks5> AUTH user=\"a\\nb\" password=<1 byte>");
	CHECK_INT(feed(&hs, "\x01\x01", 2, 2, &taken), PROXY_FAILED);
	CHECK_STR(hs.heard, "socks5< AUTH VER=1 STATUS=1 (failure)");
	unit_end();

	unit_begin("socks5: a refusal by code");
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, NULL, NULL);
	feed(&hs, "\x05\x00", 2, 2, &taken);
	CHECK_INT(feed(&hs, "\x05\x05\x00\x01\0\0\0\0\0\0", 10, 10, &taken),
	    PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_REPLY);
	CHECK_INT(hs.code, 5);
	CHECK_STR(hs.heard, "socks5< CONNECTION_REFUSED");
	unit_end();

	unit_begin("socks5: no acceptable method, a refused password");
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, NULL, NULL);
	CHECK_INT(feed(&hs, "\x05\xff", 2, 1, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_METHOD);
	CHECK_INT(hs.code, 0xff);
	CHECK_STR(hs.heard, "socks5< VER=5 METHOD=NO_ACCEPTABLE");
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, "a", "b");
	feed(&hs, "\x05\x02", 2, 2, &taken);
	CHECK_INT(feed(&hs, "\x01\x01", 2, 2, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_AUTH);
	unit_end();

	unit_begin("socks5: a USERPASS choice we never offered");
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, NULL, NULL);
	CHECK_INT(feed(&hs, "\x05\x02", 2, 2, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_METHOD);
	CHECK_INT(hs.code, 2);
	unit_end();

	unit_begin("socks5: another protocol, a close, at once");
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, NULL, NULL);
	CHECK_INT(feed(&hs, "HTTP/1.0 400", 12, 12, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_PROTOCOL);
	CHECK_INT(taken, 1);
	start(&hs, PROXY_SOCKS5, "10.0.0.1", 9, NULL, NULL);
	CHECK_INT(proxy_client_input(&hs, (const unsigned char *)"\x05", 1,
	    &taken), PROXY_MORE);
	CHECK_INT(proxy_client_input(&hs, NULL, 0, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_CLOSED);
	unit_end();
}

static void
test_socks4(void)
{
	struct proxy_handshake hs;
	struct proxy_credentials none;
	char err[256] = "";
	size_t taken;

	unit_begin("socks4: an IPv4 address and an empty USERID");
	start(&hs, PROXY_SOCKS4, "127.0.0.1", 80, NULL, NULL);
	out_is(&hs, "\x04\x01\x00\x50\x7f\x00\x00\x01\x00", 9);
	CHECK_STR(hs.said, "socks4> CONNECT 127.0.0.1:80 USERID=\"\"");
	CHECK_INT(feed(&hs, "\x00\x5a\x00\x00\x00\x00\x00\x00!", 9, 1,
	    &taken), PROXY_DONE);
	CHECK_INT(taken, 8);
	CHECK_STR(hs.heard, "socks4< GRANTED bound 0.0.0.0:0");
	unit_end();

	unit_begin("socks4a: 0.0.0.1 and the name after the USERID");
	start(&hs, PROXY_SOCKS4A, "example.org", 80, "bob", "");
	out_is(&hs, "\x04\x01\x00\x50\x00\x00\x00\x01" "bob\0example.org\0",
	    24);
	CHECK_STR(hs.said, "socks4> CONNECT 0.0.0.1:80 USERID=\"bob\" "
	    "HOST=example.org");
	CHECK_INT(feed(&hs, "\x00\x5b\0\0\0\0\0\0", 8, 8, &taken),
	    PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_REPLY);
	CHECK_INT(hs.code, 91);
	CHECK_STR(hs.heard, "socks4< REJECTED");
	unit_end();

	memset(&none, 0, sizeof(none));
	unit_begin("socks4 refuses IPv6 and names, pointing elsewhere");
	CHECK_INT(proxy_client_start(&hs, PROXY_SOCKS4A, "::1", 1, &none,
	    err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "use socks5://");
	CHECK_INT(proxy_client_start(&hs, PROXY_SOCKS4, "example.org", 1,
	    &none, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "socks4a://");
	unit_end();
}

static void
test_http(void)
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n"
	    "Via: test\r\n\r\nSSH-2.0-x\r\n";
	static const char want[] = "CONNECT [::1]:22 HTTP/1.1\r\n"
	    "Host: [::1]:22\r\nProxy-Authorization: Basic YWxpY2U6c2VjcmV0"
	    "\r\n\r\n";
	struct proxy_handshake hs;
	size_t step, taken;
	char b64[16];

	for (step = 1; step <= 64; step += 63) {
		unit_begin("http: CONNECT, a 200 fed %zu at a time", step);
		start(&hs, PROXY_HTTP, "::1", 22, "alice", "secret");
		out_is(&hs, want, sizeof(want) - 1);
		{
			size_t n, from, to;
			const unsigned char *o = proxy_client_output(&hs, &n,
			    &from, &to);

			CHECK_MEM(o + from, to - from, "YWxpY2U6c2VjcmV0", 16);
		}
		CHECK_STR(hs.said, "http> CONNECT [::1]:22 HTTP/1.1 "
		    "(Proxy-Authorization: Basic user=\"alice\" password=<6 "
		    "bytes>)");
		CHECK_INT(feed(&hs, ok, sizeof(ok) - 1, step, &taken),
		    PROXY_DONE);
		CHECK_INT(taken, sizeof(ok) - 1 - 11);
		CHECK_STR(hs.heard, "http< HTTP/1.1 200 Connection "
		    "established");
		unit_end();
	}

	for (step = 1; step <= 64; step += 63) {
		static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n"
		    "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
		    "HTTP/1.1 200 OK\r\n\r\nAFTER\n";

		unit_begin("http: 1xx answers before the 200 are skipped, fed "
		    "%zu at a time", step);
		start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
		CHECK_INT(feed(&hs, interim, sizeof(interim) - 1, step,
		    &taken), PROXY_DONE);
		CHECK_INT(taken, sizeof(interim) - 1 - 6);
		CHECK_INT(hs.code, 200);
		CHECK_STR(hs.heard, "http< HTTP/1.1 200 OK");
		unit_end();
	}

	unit_begin("http: a 407 after a 100 is the answer");
	start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
	CHECK_INT(feed(&hs, "HTTP/1.1 100 Continue\n\nHTTP/1.1 407 No\n\n",
	    40, 64, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_STATUS);
	CHECK_INT(hs.code, 407);
	CHECK_STR(hs.status, "HTTP/1.1 407 No");
	unit_end();

	unit_begin("http: 407 names its status line; bare LF ends a head");
	start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
	CHECK_INT(feed(&hs, "HTTP/1.0 407 Proxy Authentication Required\n"
	    "\n", 44, 5, &taken), PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_STATUS);
	CHECK_INT(hs.code, 407);
	CHECK_STR(hs.status, "HTTP/1.0 407 Proxy Authentication Required");
	unit_end();

	unit_begin("a refusal quotes the body's start, a half answer all of it");
	{
		static const char refusal[] = "HTTP/1.1 403 Forbidden\r\n\r\n"
		    "no CONNECT to that port\n";
		const unsigned char *q;
		size_t used, shown;

		start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
		CHECK_INT(proxy_client_input(&hs, (const unsigned char *)
		    refusal, sizeof(refusal) - 1, &used), PROXY_FAILED);
		q = proxy_client_quoted(&hs, (const unsigned char *)refusal,
		    sizeof(refusal) - 1, used, &shown);
		CHECK_MEM(q, shown, "no CONNECT to that port\n", 24);
		start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
		CHECK_INT(proxy_client_input(&hs, (const unsigned char *)
		    "HTTP/1.1 4", 10, &used), PROXY_MORE);
		CHECK_INT(proxy_client_input(&hs, NULL, 0, &used),
		    PROXY_FAILED);
		q = proxy_client_quoted(&hs, NULL, 0, used, &shown);
		CHECK_MEM(q, shown, "HTTP/1.1 4", 10);
		start(&hs, PROXY_SOCKS4, "127.0.0.1", 1, NULL, NULL);
		q = (const unsigned char *)"\0\x5b\0\0\0\0\0\0";
		CHECK_INT(proxy_client_input(&hs, q, 8, &used), PROXY_FAILED);
		proxy_client_quoted(&hs, q, 8, used, &shown);
		CHECK_INT((long)shown, 0);
	}
	unit_end();

	unit_begin("http: another protocol shows at its first odd byte");
	start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
	CHECK_INT(feed(&hs, "SSH-2.0-OpenSSH\r\n", 17, 17, &taken),
	    PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_PROTOCOL);
	start(&hs, PROXY_HTTP, "h", 1, NULL, NULL);
	CHECK_INT(feed(&hs, "HTTP/1.1 2x0 hm\r\n\r\n", 19, 19, &taken),
	    PROXY_FAILED);
	CHECK_INT(hs.failure, PROXY_FAIL_PROTOCOL);
	unit_end();

	unit_begin("base64 pads as RFC 4648 says");
	CHECK_STR(proxy_base64((const unsigned char *)"f", 1, b64,
	    sizeof(b64)), "Zg==");
	CHECK_STR(proxy_base64((const unsigned char *)"fo", 2, b64,
	    sizeof(b64)), "Zm8=");
	CHECK_STR(proxy_base64((const unsigned char *)"foo", 3, b64,
	    sizeof(b64)), "Zm9v");
	unit_end();
}

static void
body_line(const char *label, const char *body, const char *want)
{
	char out[256];

	unit_begin("an HTTP answer's body line: %s", label);
	CHECK_STR(proxy_http_body_line((const unsigned char *)body,
	    strlen(body), out, sizeof(out)), want);
	unit_end();
}

static void
test_body_line(void)
{
	char long_line[400];

	body_line("the first line", "\r\nno such port\r\nmore\r\n",
	    "no such port");
	body_line("escaped", "say \"\x1b[2J\"\n", "say \\\"\\x1b[2J\\\"");
	body_line("markup is left out", "<html><body>x</body></html>\n", "");
	body_line("none", "", "");
	body_line("without a line end", "cut sh", "cut sh");
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	unit_begin("an HTTP answer's long body line is cut");
	{
		char out[256];

		proxy_http_body_line((const unsigned char *)long_line,
		    strlen(long_line), out, sizeof(out));
		CHECK_INT((long)strlen(out), 163);
		CHECK_CONTAINS(out, "aaa...");
	}
	unit_end();
}

void
test_proxy_client(void)
{
	test_urls();
	test_auth_file();
	test_cred_limits();
	test_socks5();
	test_socks4();
	test_http();
	test_body_line();
}
