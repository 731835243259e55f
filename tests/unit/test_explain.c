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
	/* A file that may not be read is no firewall's doing. */
	CHECK(strstr(explain_errno("open", EACCES), "firewall") == NULL);
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

void
test_explain(void)
{
	test_errno_hints();
	test_call_rows();
	test_eai_hints();
	test_tls_hints();
	test_names();
	test_transport_rows();
}
