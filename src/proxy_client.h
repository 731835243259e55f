/* proxy_client.h: --proxy's pure part: the URL, the credentials file, and the handshake as a step machine any driver can run. */
#ifndef SOCKIT_PROXY_CLIENT_H
#define SOCKIT_PROXY_CLIENT_H

#include "compat.h"

#include <stddef.h>

#include "proxy.h"

/*
 * RFC 1929 gives a user name and a password one length byte each; the
 * other schemes keep as much, though their protocols have no such limit.
 */
#define PROXY_CRED_MAX 256
#define PROXY_HOST_MAX 256
/* The most an HTTP proxy's answer may hold up to its blank line. */
#define PROXY_HTTP_HEAD_MAX 16384
/* The most of a --proxy URL a message quotes. */
#define PROXY_URL_SHOWN_MAX 1024
/* Room for one decoded message on a trace line. */
#define PROXY_TRACE_MAX 600

struct proxy_credentials {
	bool given;
	char user[PROXY_CRED_MAX];	/* at most 255 bytes, no NUL inside */
	char password[PROXY_CRED_MAX];
};

/* What --proxy URL says. */
struct proxy_url {
	enum proxy_kind kind;
	char host[PROXY_HOST_MAX];	/* an IPv6 literal without brackets */
	int port;
	struct proxy_credentials cred;	/* from user:pass@, %XX decoded */
	/* scheme://host:port, without the credentials. */
	char text[PROXY_HOST_MAX + 64];
};

/*
 * Parses a --proxy URL: SCHEME://[USER[:PASS]@]HOST[:PORT][/], the
 * scheme in any case. Returns 0, or -1 with a message in err that names
 * the bad part and quotes the URL with its password masked.
 */
int proxy_url_parse(const char *text, struct proxy_url *u, char *err,
    size_t errlen);
/*
 * Writes text, a --proxy URL, into out with its password as "***".
 * Returns out.
 */
char *proxy_url_masked(const char *text, char *out, size_t cap);
/*
 * Parses the contents of a --proxy-auth-file (len bytes): one
 * "user:password" line, its line end optional, for a proxy of kind (whose
 * limits the message names). Returns 0, or -1 with what is wrong in err.
 */
int proxy_auth_parse(const char *text, size_t len, enum proxy_kind kind,
    struct proxy_credentials *cred, char *err, size_t errlen);

/* What proxy_client_input and proxy_client_start ask of the driver. */
enum proxy_step {
	PROXY_MORE,	/* read more and feed it */
	PROXY_SEND,	/* send proxy_client_output's bytes, then read */
	PROXY_DONE,	/* the tunnel is up: the target speaks from here */
	PROXY_FAILED,	/* see the failure fields */
};

enum proxy_failure {
	PROXY_FAIL_NONE,
	PROXY_FAIL_REPLY,	/* a SOCKS reply code, in code */
	PROXY_FAIL_METHOD,	/* SOCKS5: no method we offered will do */
	PROXY_FAIL_AUTH,	/* RFC 1929: the credentials were refused */
	PROXY_FAIL_STATUS,	/* HTTP: a status other than 2xx, in code */
	PROXY_FAIL_CLOSED,	/* the proxy closed before its answer ended */
	PROXY_FAIL_PROTOCOL,	/* what came is not the protocol's answer */
	PROXY_FAIL_TOO_LONG,	/* HTTP: no blank line in the cap */
};

struct proxy_handshake {
	enum proxy_kind kind;
	int state;
	char host[PROXY_HOST_MAX];	/* the target, as sent */
	int port;
	int atyp;		/* SOCKS5_ATYP_*: how host goes on the wire */
	unsigned char addr[16];	/* host's bytes, for an IP atyp */
	struct proxy_credentials cred;
	unsigned char out[1024];
	size_t out_len;
	/* Where out holds a password; equal: nowhere. */
	size_t secret_at, secret_end;
	unsigned char in[PROXY_HTTP_HEAD_MAX];
	size_t in_len;
	/* When it failed: */
	enum proxy_failure failure;
	int code;		/* SOCKS reply code, HTTP status, method */
	char status[256];	/* HTTP: the status line, escaped */
	/* The trace lines of the last message sent and the last received. */
	char said[PROXY_TRACE_MAX];
	char heard[PROXY_TRACE_MAX];
};

/*
 * Starts a handshake with a proxy of kind for host:port. host is a name
 * or an IP literal; socks5 and socks4 send an address, so their driver
 * resolves a name first and passes the address's text. Returns
 * PROXY_SEND with the first message in proxy_client_output, or -1 with
 * the reason in err (an IPv6 target through SOCKS4, a name too long).
 */
int proxy_client_start(struct proxy_handshake *hs, enum proxy_kind kind,
    const char *host, int port, const struct proxy_credentials *cred,
    char *err, size_t errlen);
/*
 * The bytes to send now; *len gets their count, and *secret_at and
 * *secret_end where a password (or its Basic encoding) lies in them, for
 * a trace to hide (equal when there is none).
 */
const unsigned char *proxy_client_output(const struct proxy_handshake *hs,
    size_t *len, size_t *secret_at, size_t *secret_end);
/*
 * Feeds len bytes received from the proxy (len 0: it closed). *used gets
 * how many belong to the handshake: after PROXY_DONE the rest are the
 * target's first bytes, and the driver keeps them. Returns the next step;
 * hs->heard holds the trace line of a message that ended here. After
 * PROXY_SEND, the bytes from *used on are fed again once it is sent.
 */
enum proxy_step proxy_client_input(struct proxy_handshake *hs,
    const unsigned char *in, size_t len, size_t *used);
/*
 * After PROXY_FAILED: the bytes of the proxy's answer its message
 * quotes, given the last read (len bytes, of which the handshake took
 * used). An HTTP refusal's are what came after the head, the body's
 * start; a proxy that closed midway, all it said; an odd SOCKS5 method
 * or a stranger's answer, the whole read; a SOCKS reply code, none, as
 * the code says it all. Returns them, their count in *shown.
 */
const unsigned char *proxy_client_quoted(const struct proxy_handshake *hs,
    const unsigned char *last, size_t len, size_t used, size_t *shown);
/*
 * Writes the methods hs offered, "NO_AUTH, USERPASS", into out. Returns
 * out.
 */
char *proxy_client_offered(const struct proxy_handshake *hs, char *out,
    size_t cap);
/*
 * Writes the first line of an HTTP answer's body (len bytes, maybe only
 * its start) into out, escaped and cut to about 160 bytes, for a message
 * after the status line: empty when the body has no words to show (none,
 * or markup, which a terminal shows as noise). Returns out.
 */
char *proxy_http_body_line(const unsigned char *body, size_t len, char *out,
    size_t cap);
/* Writes a Basic credential's base64 of in (len bytes). Returns out. */
char *proxy_base64(const unsigned char *in, size_t len, char *out,
    size_t cap);

#endif
