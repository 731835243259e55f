/* test_explain_nc.c: nc's words, and the sockit line or advice they get. */
#include "compat.h"

#include <ctype.h>
#include <string.h>

#include "explain_nc.h"
#include "unit.h"

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
		{ { "-x", "proxy:1080", "host", "80" },
		  "use --proxy socks5h://proxy:1080" },
		{ { "-X", "5", "-x", "proxy:1080", "host", "80" },
		  "sockit connect --proxy socks5h://proxy:1080 host:80" },
		{ { "-X", "5", "-x", "::1", "host", "80" },
		  "sockit connect --proxy socks5h://[::1]:1080 host:80" },
		{ { "-x", "-X", "5", "host", "80" },
		  "sockit connect --proxy socks5h://HOST:PORT host:80" },
		{ { "-X", "6", "-x", "proxy", "host", "80" },
		  "nc's -X takes 4, 5 or connect, not '6'" },
		{ { "-X", "connect", "host", "80" },
		  "use --proxy http://HOST:PORT" },
		{ { "-X4", "-x", "proxy", "host", "80" },
		  "use --proxy socks4://proxy:1080" },
		{ { "-vx10.0.0.1", "host", "80" },
		  "use --proxy socks5h://10.0.0.1:1080" },
		{ { "--proxy", "p:3128", "host", "80" }, "takes a URL" },
		{ { "--proxy-type", "socks5", "host", "80" }, "takes a URL" },
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
			if (strstr(lines[i].want, "proxy ") != NULL)
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
	/* A clause the caller puts into its message: lowercase, one line. */
	if (advice != NULL) {
		CHECK(!isupper((unsigned char)advice[0]));
		CHECK(strchr(advice, '\n') == NULL);
		CHECK(advice[strlen(advice) - 1] != '.');
	}
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

	unit_begin("explain_nc_proxy: -X and -x become one --proxy URL");
	{
		char *words[] = { "-X", "connect", "-x", "10.0.0.1", "h:80" };
		char *bare[] = { "-X", "5", "h:80" };

		CHECK_CONTAINS(explain_nc_proxy("send", 5, words, out,
		    sizeof(out)), "use --proxy http://10.0.0.1:3128");
		CHECK_CONTAINS(out, "sockit send --proxy http://10.0.0.1:3128 "
		    "h:80");
		CHECK_CONTAINS(explain_nc_proxy("connect", 3, bare, out,
		    sizeof(out)), "use --proxy socks5h://HOST:PORT");
		CHECK(strstr(explain_nc_proxy("listen", 3, bare, out,
		    sizeof(out)), "sockit listen") == NULL);
	}
	unit_end();

	unit_begin("explain_nc_proxy: the other options stay, -P's user "
	    "goes into the URL");
	{
		char *words[] = { "-vX", "5", "-x", "127.0.0.1:1080", "-w3",
		    "--wait", "2", "-P", "bob", "h", "22" };

		CHECK_CONTAINS(explain_nc_proxy("connect", 11, words, out,
		    sizeof(out)), "sockit connect -v -w 3 --wait 2 --proxy "
		    "socks5h://bob@127.0.0.1:1080 h:22");
	}
	unit_end();

	unit_begin("explain_ncat_proxy: the type, --proxy-dns and "
	    "--proxy-auth make the URL and the line");
	{
		char *words[] = { "--proxy", "10.0.0.1", "--proxy-type=socks4",
		    "--proxy-dns", "remote", "--proxy-auth", "u:pw", "-v",
		    "h", "22" };
		char *none[] = { "--proxy", "10.0.0.1:3128", "h:22" };

		CHECK_CONTAINS(explain_ncat_proxy("connect", 10, words, out,
		    sizeof(out)), "sockit connect -v --proxy "
		    "socks4a://10.0.0.1:1080 --proxy-auth-file FILE h:22");
		CHECK(strstr(out, "pw") == NULL);
		CHECK(explain_ncat_proxy("connect", 3, none, out,
		    sizeof(out)) == NULL);
	}
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
test_explain_nc(void)
{
	test_nc_lines();
	test_nc_missing();
	test_nc_options();
}
