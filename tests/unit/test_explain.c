/* test_explain.c: a hint for each socket errno and EAI_ code; their names. */
#include "compat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "explain.h"
#include "trace.h"
#include "unit.h"

struct named {
	int value;
	const char *name;
};

#define NAMED(x) { x, #x }

/* Every errno a socket call can hand a user, in the brief's order. */
static const struct named socket_errnos[] = {
	NAMED(EACCES), NAMED(EADDRINUSE), NAMED(EADDRNOTAVAIL),
	NAMED(EAFNOSUPPORT), NAMED(EALREADY), NAMED(EBADF),
	NAMED(ECONNABORTED), NAMED(ECONNREFUSED), NAMED(ECONNRESET),
	NAMED(EDESTADDRREQ), NAMED(EHOSTDOWN), NAMED(EHOSTUNREACH),
	NAMED(EINPROGRESS), NAMED(EISCONN), NAMED(EMSGSIZE), NAMED(ENETDOWN),
	NAMED(ENETRESET), NAMED(ENETUNREACH), NAMED(ENOBUFS),
	NAMED(ENOPROTOOPT), NAMED(ENOTCONN), NAMED(ENOTSOCK),
	NAMED(EOPNOTSUPP), NAMED(EPFNOSUPPORT), NAMED(EPIPE),
	NAMED(EPROTONOSUPPORT), NAMED(EPROTOTYPE), NAMED(ESHUTDOWN),
	NAMED(ESOCKTNOSUPPORT), NAMED(ETIMEDOUT), NAMED(EWOULDBLOCK),
	NAMED(EMFILE), NAMED(ENFILE),
};

/* Every EAI_ code glibc defines. */
static const struct named eai_codes[] = {
	NAMED(EAI_ADDRFAMILY), NAMED(EAI_AGAIN), NAMED(EAI_BADFLAGS),
	NAMED(EAI_FAIL), NAMED(EAI_FAMILY), NAMED(EAI_MEMORY),
	NAMED(EAI_NODATA), NAMED(EAI_NONAME), NAMED(EAI_OVERFLOW),
	NAMED(EAI_SERVICE), NAMED(EAI_SOCKTYPE), NAMED(EAI_SYSTEM),
};

/*
 * A hint is printed on its own indented line under the error, so it is
 * one line, and follows the message rules: lowercase, no full stop.
 */
static void
check_hint_shape(const char *hint)
{
	size_t len;

	if (hint == NULL)
		return;
	len = strlen(hint);
	CHECK(len > 0);
	CHECK(strchr(hint, '\n') == NULL);
	if (len > 0) {
		CHECK(!isupper((unsigned char)hint[0]));
		CHECK(hint[len - 1] != '.');
	}
}

static void
test_errno_hints(void)
{
	static const char *const calls[] = {
		NULL, "socket", "bind", "connect", "accept", "send", "recv",
		"setsockopt",
	};
	size_t i, j;

	for (i = 0; i < ARRAY_LEN(socket_errnos); i++) {
		const struct named *e = &socket_errnos[i];

		unit_begin("explain_errno has a hint for %s after any call",
		    e->name);
		for (j = 0; j < ARRAY_LEN(calls); j++) {
			const char *hint = explain_errno(calls[j], e->value);

			if (!CHECK(hint != NULL))
				unit_diag("after %s", calls[j] ? calls[j] :
				    "any call");
			check_hint_shape(hint);
		}
		unit_end();
	}
}

static void
test_call_rows(void)
{
	const char *general, *hint;

	unit_begin("explain_errno: connect ECONNREFUSED says nothing is "
	    "listening");
	hint = explain_errno("connect", ECONNREFUSED);
	general = explain_errno(NULL, ECONNREFUSED);
	CHECK_CONTAINS(hint, "listening");
	CHECK(general != NULL && hint != general);
	unit_end();

	unit_begin("explain_errno: an unlisted call gets the general row");
	CHECK(explain_errno("sendto", ECONNREFUSED) == general);
	CHECK(explain_errno("", ECONNREFUSED) == general);
	unit_end();

	unit_begin("explain_errno: bind EADDRINUSE names the tool to look");
	CHECK_CONTAINS(explain_errno("bind", EADDRINUSE), "ss -ltnp");
	CHECK(strstr(explain_errno("bind", EADDRINUSE), "unix") == NULL);
	CHECK(explain_errno("connect", EADDRINUSE) ==
	    explain_errno(NULL, EADDRINUSE));
	unit_end();

	unit_begin("explain_errno: bind EACCES mentions privileged ports");
	CHECK_CONTAINS(explain_errno("bind", EACCES), "1024");
	unit_end();

	unit_begin("explain_errno: connect ETIMEDOUT is about the SYN");
	CHECK_CONTAINS(explain_errno("connect", ETIMEDOUT), "SYN");
	CHECK(explain_errno("recv", ETIMEDOUT) != explain_errno("connect",
	    ETIMEDOUT));
	unit_end();

	unit_begin("explain_errno: setsockopt ENOPROTOOPT has its own row");
	CHECK(explain_errno("setsockopt", ENOPROTOOPT) !=
	    explain_errno(NULL, ENOPROTOOPT));
	unit_end();

	/* The call's row wins wherever it sits in the table. */
	unit_begin("explain_errno: bind and connect ENOENT differ from the "
	    "general row");
	CHECK_CONTAINS(explain_errno("bind", ENOENT), "directory");
	CHECK_CONTAINS(explain_errno("connect", ENOENT), "server");
	CHECK(explain_errno(NULL, ENOENT) != explain_errno("bind", ENOENT));
	unit_end();

	unit_begin("explain_errno: no hint for errnos without a row");
	CHECK(explain_errno(NULL, 0) == NULL);
	CHECK(explain_errno("connect", EDOM) == NULL);
	CHECK(explain_errno(NULL, -1) == NULL);
	unit_end();
}

static void
test_eai_hints(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(eai_codes); i++) {
		const char *hint = explain_eai(eai_codes[i].value);

		unit_begin("explain_eai has a hint for %s", eai_codes[i].name);
		CHECK(hint != NULL);
		check_hint_shape(hint);
		unit_end();
	}
	unit_begin("explain_eai has no hint for 0 or an unknown code");
	CHECK(explain_eai(0) == NULL);
	CHECK(explain_eai(12345) == NULL);
	unit_end();
}

/* The TLS failures the report names, each with a hint of the house shape. */
static void
test_tls_hints(void)
{
	static const char *const names[] = {
		"X509_V_ERR_CERT_HAS_EXPIRED", "X509_V_ERR_HOSTNAME_MISMATCH",
		"X509_V_ERR_IP_ADDRESS_MISMATCH",
		"X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
		"X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
		"X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN", "pin mismatch",
		"alert handshake failure", "alert certificate required",
		"alert protocol version", "not tls", "plain client", "eof",
		"client certificate", "no client certificate",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		const char *hint = explain_tls(names[i]);

		unit_begin("explain_tls has a hint for %s", names[i]);
		CHECK(hint != NULL);
		if (hint != NULL)
			check_hint_shape(hint);
		unit_end();
	}
	unit_begin("explain_tls has no hint for a name it does not know");
	CHECK(explain_tls("X509_V_OK") == NULL);
	CHECK(explain_tls("") == NULL);
	unit_end();
}

static void
test_names(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(socket_errnos); i++) {
		const struct named *e = &socket_errnos[i];

		/* On Linux EWOULDBLOCK is EAGAIN; the trace shows EAGAIN. */
		unit_begin("trace_errno_name names %s", e->name);
		CHECK_STR(trace_errno_name(e->value), e->value == EAGAIN ?
		    "EAGAIN" : e->name);
		unit_end();
	}
	unit_begin("trace_errno_name has no name for an unknown errno");
	CHECK(trace_errno_name(99999) == NULL);
	unit_end();

	for (i = 0; i < ARRAY_LEN(eai_codes); i++) {
		unit_begin("trace_eai_name names %s", eai_codes[i].name);
		CHECK_STR(trace_eai_name(eai_codes[i].value),
		    eai_codes[i].name);
		unit_end();
	}
	unit_begin("trace_eai_name has no name for an unknown code");
	CHECK(trace_eai_name(0) == NULL);
	CHECK(trace_eai_name(12345) == NULL);
	unit_end();
}

/* bind EADDRINUSE: TCP, UDP, a unix path and an abstract name each. */
static void
test_transport_rows(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	socklen_t off = (socklen_t)offsetof(struct sockaddr_un, sun_path);
	char out[512];
	const char *hint;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(8080);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(53);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;

	unit_begin("explain_errno_at: a TCP port in use names ss -ltnp and "
	    "the port");
	hint = explain_errno_at("bind", EADDRINUSE, (struct sockaddr *)&sin,
	    sizeof(sin), SOCK_STREAM, out, sizeof(out));
	CHECK_CONTAINS(hint, "ss -ltnp 'sport = :8080'");
	CHECK(hint != NULL && strstr(hint, "unlink") == NULL);
	check_hint_shape(hint);
	unit_end();

	unit_begin("explain_errno_at: a UDP port in use names ss -lunp");
	hint = explain_errno_at("bind", EADDRINUSE, (struct sockaddr *)&sin6,
	    sizeof(sin6), SOCK_DGRAM, out, sizeof(out));
	CHECK_CONTAINS(hint, "ss -lunp 'sport = :53'");
	check_hint_shape(hint);
	unit_end();

	unit_begin("explain_errno_at: a unix path in use is a stale file or "
	    "--unlink, no port");
	strcpy(sun.sun_path, "/tmp/app.sock");
	hint = explain_errno_at("bind", EADDRINUSE, (struct sockaddr *)&sun,
	    off + 14, SOCK_STREAM, out, sizeof(out));
	CHECK_CONTAINS(hint, "--unlink");
	CHECK(hint != NULL && strstr(hint, "ss -") == NULL &&
	    strstr(hint, "port") == NULL);
	check_hint_shape(hint);
	unit_end();

	unit_begin("explain_errno_at: an abstract name has no file to remove");
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path + 1, "app", 3);
	hint = explain_errno_at("bind", EADDRINUSE, (struct sockaddr *)&sun,
	    off + 4, SOCK_STREAM, out, sizeof(out));
	CHECK_CONTAINS(hint, "abstract");
	CHECK(hint != NULL && strstr(hint, "--unlink") == NULL);
	unit_end();

	unit_begin("explain_errno_at: other errnos and calls get explain_errno");
	CHECK(explain_errno_at("bind", EACCES, (struct sockaddr *)&sin,
	    sizeof(sin), SOCK_STREAM, out, sizeof(out)) ==
	    explain_errno("bind", EACCES));
	CHECK(explain_errno_at("connect", EADDRINUSE, (struct sockaddr *)&sin,
	    sizeof(sin), SOCK_STREAM, out, sizeof(out)) ==
	    explain_errno("connect", EADDRINUSE));
	CHECK(explain_errno_at("bind", EADDRINUSE, NULL, 0, SOCK_STREAM, out,
	    sizeof(out)) == explain_errno("bind", EADDRINUSE));
	unit_end();
}

/* nc's command lines, and what sockit's message says to type instead. */
static const struct {
	const char *words[7];
	const char *want;	/* NULL: no advice */
} nc_lines[] = {
	{ { "-l", "8080" }, "sockit listen 8080" },
	{ { "-lk", "8080" }, "sockit listen -k 8080" },
	{ { "-l", "-p", "8080" }, "sockit listen 8080" },
	{ { "-lp", "8080" }, "sockit listen 8080" },
	{ { "-lv", "8080" }, "sockit listen -v 8080" },
	{ { "-lu", "8080" }, "sockit listen -u 8080" },
	{ { "-lnvp", "8080" }, "sockit listen -v 8080" },
	{ { "-l", "-k", "-v", "-v", "8080" }, "sockit listen -k -v 8080" },
	{ { "-l", "127.0.0.1", "8080" }, "sockit listen 127.0.0.1:8080" },
	{ { "-l" }, "sockit listen" },
	{ { "-zv", "host", "22" }, "sockit connect -z -v host:22" },
	{ { "-N", "-w", "3", "host", "80" }, "sockit connect -w 3 host:80" },
	{ { "-p", "5000", "host", "80" }, "sockit connect -s :5000 host:80" },
	{ { "localhost", "80" }, "sockit connect localhost:80" },
	{ { "example.org", "443" }, "sockit connect example.org:443" },
	{ { "127.0.0.1", "8080" }, "sockit connect 127.0.0.1:8080" },
	{ { "::1", "80" }, "sockit connect \"[::1]:80\"" },
	{ { "localhost:80" }, "sockit connect localhost:80" },
	{ { "localhost" }, "sockit connect localhost:PORT" },
	{ { "db", "5432" }, "sockit connect db:5432" },
	/* Ports as words: a service name, and with -z a list or range. */
	{ { "-zv", "localhost", "20-25" },
	  "sockit connect -z -v localhost:20-25" },
	{ { "-zv", "localhost", "22,80" },
	  "sockit connect -z -v localhost:22,80" },
	{ { "-z", "host", "22,80,8000-8100" },
	  "sockit connect -z host:22,80,8000-8100" },
	{ { "-zv", "localhost", "http" },
	  "sockit connect -z -v localhost:http" },
	{ { "localhost", "http" }, "sockit connect localhost:http" },
	{ { "-u", "localhost", "syslog" },
	  "sockit connect -u localhost:syslog" },
	{ { "-l", "http" }, "sockit listen :http" },
	{ { "-l", "localhost", "http" }, "sockit listen localhost:http" },
	{ { "-l", "::1", "http-alt" }, "sockit listen \"[::1]:http-alt\"" },
	{ { "-l", "-p", "8080", "::1" }, "sockit listen \"[::1]:8080\"" },
	/* -U: the endpoint is unix:PATH, or unix-dgram:PATH with -u. */
	{ { "-U", "/tmp/x.sock" }, "sockit connect unix:/tmp/x.sock" },
	{ { "-lU", "/tmp/x.sock" }, "sockit listen unix:/tmp/x.sock" },
	{ { "-uU", "/tmp/x.sock" }, "sockit connect unix-dgram:/tmp/x.sock" },
	{ { "-lUu", "/tmp/x.sock" }, "sockit listen unix-dgram:/tmp/x.sock" },
	{ { "-U", "-u", "-v", "x.sock" },
	  "sockit connect -v unix-dgram:x.sock" },
	{ { "-zU", "/run/a.sock" }, "sockit connect -z unix:/run/a.sock" },
	{ { "-U", "@name" }, "sockit connect unix:@name" },
	/* -e and -c: one plain word, or single-quoted when it can be. */
	{ { "-lke", "cat", "8080" }, "sockit listen -k -e cat 8080" },
	{ { "-l", "-e", "cat", "8080" }, "sockit listen -e cat 8080" },
	{ { "-e", "/bin/cat", "host", "80" },
	  "sockit connect -e /bin/cat host:80" },
	{ { "-l", "-c", "a b", "8080" }, "sockit listen -c 'a b' 8080" },
	{ { "-lk", "-c", "echo \"$HOME\" | tr a-z A-Z", "8080" },
	  "sockit listen -k -c 'echo \"$HOME\" | tr a-z A-Z' 8080" },
	{ { "-lU", "-e", "cat", "/tmp/e.sock" },
	  "sockit listen -e cat unix:/tmp/e.sock" },
	/* -C, -s, and -s with -p: the source; with -l, the endpoint. */
	{ { "-C", "localhost", "25" }, "sockit connect -C localhost:25" },
	{ { "-s", "192.0.2.7", "host", "80" },
	  "sockit connect -s 192.0.2.7 host:80" },
	{ { "-s", "::1", "-p", "5000", "::1", "80" },
	  "sockit connect -s \"[::1]:5000\" \"[::1]:80\"" },
	{ { "-p", "5000", "-s", "10.0.0.1", "host", "80" },
	  "sockit connect -s 10.0.0.1:5000 host:80" },
	{ { "-l", "-s", "127.0.0.1", "-p", "8080" },
	  "sockit listen 127.0.0.1:8080" },
	{ { "-l", "-s", "127.0.0.1" }, "sockit listen 127.0.0.1:0" },
	/* ncat's long names. */
	{ { "--listen", "80" }, "sockit listen 80" },
	{ { "--listen", "--keep-open", "--exec", "cat", "8080" },
	  "sockit listen -k -e cat 8080" },
	{ { "--udp", "--verbose", "localhost", "53" },
	  "sockit connect -u -v localhost:53" },
	{ { "-l", "--sh-exec=echo hi", "8080" },
	  "sockit listen -c 'echo hi' 8080" },
	{ { "--exec=/bin/cat", "host", "80" },
	  "sockit connect -e /bin/cat host:80" },
	{ { "--unixsock", "/tmp/x.sock" }, "sockit connect unix:/tmp/x.sock" },
	/* Not nc's, or not safe to repeat: the plain message stays. */
	{ { "localhost", "20-25" }, NULL },
	{ { "localhost", "22,80" }, NULL },
	{ { "-l", "8000-8100" }, NULL },
	{ { "-z", "host", "-80" }, NULL },
	{ { "-z", "host", "http,80" }, NULL },
	{ { "localhost", "ht_tp" }, NULL },
	{ { "localhost", "2http" }, NULL },
	{ { "-u", "host", "sys$log" }, NULL },
	{ { "-l", "-c", "it's", "8080" }, NULL },
	{ { "-l", "-c", "a\nb", "8080" }, NULL },
	{ { "-l", "-e", "", "8080" }, NULL },
	{ { "-lke" }, NULL },
	{ { "-l", "-e", "-k", "8080" }, NULL },
	{ { "-w", "-z", "host", "80" }, NULL },
	{ { "--exec" }, NULL },
	{ { "--listen=1", "80" }, NULL },
	{ { "--lis", "80" }, NULL },
	{ { "--", "80" }, NULL },
	{ { "-U", "/tmp/[ab].sock" }, NULL },
	{ { "-U", "a", "b" }, NULL },
	{ { "-U", "/tmp/$x" }, NULL },
	{ { "-U" }, NULL },
	{ { "-s", "a;b", "host", "80" }, NULL },
	{ { "-s", "1.2.3.4:5", "host", "80" }, NULL },
	{ { "-l", "-s", "127.0.0.1", "::1", "80" }, NULL },
	/* What sockit's parser refuses together: no advice to type. */
	{ { "-q", "1", "-e", "cat", "host", "80" }, NULL },
	{ { "-C", "-c", "cat", "host", "80" }, NULL },
	{ { "-e", "cat", "-c", "cat", "host", "80" }, NULL },
	{ { "-z", "-e", "cat", "host", "80" }, NULL },
	{ { "-lku", "-e", "cat", "5514" }, NULL },
	{ { "-4U", "/tmp/x.sock" }, NULL },
	{ { "-lU", "-p", "80", "/tmp/x.sock" }, NULL },
	{ { "-U", "-s", "a", "/tmp/x.sock" }, NULL },
	{ { "-46", "host", "80" }, NULL },
	{ { "frob" }, NULL },
	{ { "8080" }, NULL },
	{ { "-lz", "8080" }, NULL },
	{ { "-k", "8080" }, NULL },
	{ { "-v", "connect", "x:1" }, NULL },
	{ { "-l", "a", "b", "c" }, NULL },
	{ { "-l", "-p", "8080", "a", "b" }, NULL },
	{ { "-l", "80;rm" }, NULL },
	{ { "-lp" }, NULL },
	{ { "host$(x)", "80" }, NULL },
	{ { "-w5;x", "host", "80" }, NULL },
	{ { "-p", "http", "host", "80" }, NULL },
	{ { "-", "80" }, NULL },
	{ { "-.x", "80" }, NULL },
};

static void
test_nc_lines(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_lines); i++) {
		char *const *words = (char *const *)nc_lines[i].words;
		const char *want = nc_lines[i].want;
		char out[256] = "";
		int argc = 0, rc;

		while (argc < 7 && words[argc] != NULL)
			argc++;
		unit_begin("explain_nc_line: '%s%s%s' %s %s", words[0],
		    argc > 1 ? " " : "", argc > 1 ? words[1] : "",
		    want != NULL ? "becomes" : "gets no advice",
		    want != NULL ? want : "");
		rc = explain_nc_line(argc, words, out, sizeof(out));
		if (CHECK_INT(rc, want != NULL ? 0 : -1) && want != NULL)
			CHECK_STR(out, want);
		unit_end();
	}
	unit_begin("explain_nc_line: a line too long for out is no advice");
	{
		char *const words[] = { "-l", "example.org", "8080" };
		char out[16];

		CHECK_INT(explain_nc_line(3, words, out, sizeof(out)), -1);
	}
	unit_end();
}

static void
test_nc_missing(void)
{
	static const struct {
		const char *words[7];
		const char *want;	/* NULL: nothing to say */
	} lines[] = {
		{ { "-x", "proxy:1080", "host", "80" }, "no proxy support" },
		{ { "-X", "5", "-x", "proxy:1080", "host", "80" },
		  "no proxy support" },
		{ { "-X", "connect", "host", "80" }, "no proxy support" },
		{ { "-vx10.0.0.1", "host", "80" }, "no proxy support" },
		{ { "--proxy", "p:3128", "host", "80" }, "no proxy support" },
		{ { "--proxy-type", "socks5", "host", "80" },
		  "no proxy support" },
		{ { "--ssl", "host", "443" }, "connect --tls HOST:PORT" },
		{ { "host.example", "443", "--ssl" }, "connect --tls" },
		/* sockit's own -x, given before the command, is no proxy. */
		{ { "-x", "connect", "host:80" }, NULL },
		{ { "-w", "X", "host", "80" }, NULL },
		{ { "frob", "--ssl" }, NULL },
		{ { "-l", "8080" }, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(lines); i++) {
		char *const *words = (char *const *)lines[i].words;
		const char *got;
		int argc = 0;

		while (argc < 7 && words[argc] != NULL)
			argc++;
		unit_begin("explain_nc_missing: '%s %s' %s", words[0],
		    words[1], lines[i].want != NULL ? lines[i].want :
		    "says nothing");
		got = explain_nc_missing(argc, words);
		if (lines[i].want == NULL) {
			CHECK(got == NULL);
		} else {
			CHECK_CONTAINS(got, lines[i].want);
			if (strstr(lines[i].want, "proxy") != NULL)
				CHECK_CONTAINS(got, "-x is the hex dump here");
		}
		unit_end();
	}
}

static void
test_nc_options(void)
{
	char out[512];
	const char *advice;

	unit_begin("explain_nc_option: connect -N is the default");
	advice = explain_nc_option("connect", 'N', "host:80", out,
	    sizeof(out));
	CHECK_CONTAINS(advice, "default");
	CHECK_CONTAINS(advice, "--shutdown wr");
	check_hint_shape(advice);
	unit_end();

	unit_begin("explain_nc_option: listen -p 8080 is the endpoint");
	CHECK_CONTAINS(explain_nc_option("listen", 'p', "8080", out,
	    sizeof(out)), "'sockit listen 8080'");
	CHECK_CONTAINS(explain_nc_option("recv", 'p', "53", out,
	    sizeof(out)), "'sockit recv 53'");
	CHECK_CONTAINS(explain_nc_option("listen", 'p', NULL, out,
	    sizeof(out)), "'sockit listen PORT'");
	CHECK_CONTAINS(explain_nc_option("listen", 'p', "-k", out,
	    sizeof(out)), "'sockit listen PORT'");
	unit_end();

	unit_begin("explain_nc_option: connect -p is the source port");
	CHECK_CONTAINS(explain_nc_option("connect", 'p', "5000", out,
	    sizeof(out)), "-s :5000");
	unit_end();

	unit_begin("explain_nc_option: connect -X says there is no proxy");
	CHECK_CONTAINS(explain_nc_option("connect", 'X', "5", out,
	    sizeof(out)), "no proxy support yet");
	unit_end();

	unit_begin("explain_nc_option: no advice for other letters or "
	    "commands");
	CHECK(explain_nc_option("connect", 'Z', NULL, out, sizeof(out)) ==
	    NULL);
	CHECK(explain_nc_option("resolve", 'N', NULL, out, sizeof(out)) ==
	    NULL);
	CHECK(explain_nc_option("listen", 'N', NULL, out, sizeof(out)) ==
	    NULL);
	CHECK(explain_nc_option("conn", 'N', NULL, out, sizeof(out)) ==
	    NULL);
	unit_end();
}

void
test_explain(void)
{
	test_errno_hints();
	test_call_rows();
	test_eai_hints();
	test_tls_hints();
	test_names();
	test_transport_rows();
	test_nc_lines();
	test_nc_missing();
	test_nc_options();
}
