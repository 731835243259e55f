/* proxy_server.h: a SOCKS4/4a/5 and HTTP CONNECT server's side of the handshake, as pure functions of the bytes, and --allow-to rules. */
#ifndef SOCKIT_PROXY_SERVER_H
#define SOCKIT_PROXY_SERVER_H

#include "compat.h"

#include <stddef.h>
#include <sys/socket.h>

#include "cidr.h"
#include "endpoint.h"
#include "proxy.h"

/* The most a client may send before its request is whole: HTTP's head. */
#define PSRV_IN_MAX 8192
#define PSRV_OUT_MAX 512
#define PSRV_LINE_MAX 320
/* Trace lines one call may leave: a greeting, its answer, auth, ... */
#define PSRV_LINES 6
#define PSRV_NAME_MAX 256

/* What the server speaks: --socks5 (SOCKS4, 4a and 5) or --http-proxy. */
enum psrv_mode {
	PSRV_MODE_SOCKS,
	PSRV_MODE_HTTP,
};

/* The protocol a client turned out to speak. */
enum psrv_proto {
	PSRV_UNKNOWN,
	PSRV_SOCKS4,
	PSRV_SOCKS5,
	PSRV_HTTP,
};

enum psrv_result {
	PSRV_MORE,	/* send out, if anything, and read on */
	PSRV_CONNECT,	/* the request is whole: reach target */
	PSRV_REFUSE,	/* send out, then close: why says why */
};

/* What a check of a user and password found. */
enum psrv_auth {
	PSRV_AUTH_OK,
	PSRV_AUTH_UNKNOWN,	/* no such user */
	PSRV_AUTH_WRONG,	/* a known user, and not their password */
};

/* Where the client asks to go. */
struct psrv_target {
	char host[PSRV_NAME_MAX];	/* a name, or an address's text */
	unsigned port;
	int family;		/* AF_INET, AF_INET6: host is literal; 0 a name */
	unsigned char addr[16];	/* a literal's bytes */
};

/* One client's handshake. */
struct psrv {
	enum psrv_mode mode;
	enum psrv_proto proto;
	bool socks4a;		/* SOCKS4 with the name after USERID */
	int stage;
	bool auth;		/* credentials are required */
	/* Judges a user and password; NULL refuses everyone. */
	enum psrv_auth (*check)(void *ctx, const char *user, const char *pass);
	void *ctx;
	unsigned char in[PSRV_IN_MAX];
	size_t len, pos;	/* in hand; taken by the messages parsed */
	size_t auth_at;		/* SOCKS5: where RFC 1929's message begins */
	/*
	 * Where a password lies in in, as far as it came (its Basic
	 * encoding for HTTP): the trace of the bytes shows it as '*'.
	 */
	size_t secret_at, secret_end;
	unsigned char out[PSRV_OUT_MAX];
	size_t outlen;		/* the answers to send, in order */
	char lines[PSRV_LINES][PSRV_LINE_MAX];
	int nlines;		/* trace lines, '>' from the client, '<' ours */
	struct psrv_target target;
	/* "CONNECT example.org:443", "BIND ...", "GET http://...": once read */
	char request[PSRV_NAME_MAX + 32];
	/* The user the client named, known or not: a log says whose */
	char user[PSRV_NAME_MAX];
	const char *why;	/* a refusal's reason, English, N_() marked */
	/* The last answer: "NOT_ALLOWED", "502 Bad Gateway" */
	char reply[40];
	int code;		/* a refusal's SOCKS5 code (HTTP: from it) */
};

/* Starts a handshake; with auth, each client must give credentials. */
void psrv_init(struct psrv *ps, enum psrv_mode mode, bool auth,
    enum psrv_auth (*check)(void *ctx, const char *user, const char *pass),
    void *ctx);
/* Returns where the next bytes from the client go; *cap: how many fit. */
unsigned char *psrv_room(struct psrv *ps, size_t *cap);
/*
 * Parses the n bytes just put at psrv_room. Returns what to do next; the
 * answers are in out and the trace lines in lines (the caller sends and
 * prints them, and sets outlen and nlines back to 0).
 */
enum psrv_result psrv_took(struct psrv *ps, size_t n);
/* psrv_room and psrv_took over a copy of buf; what does not fit is lost. */
enum psrv_result psrv_feed(struct psrv *ps, const void *buf, size_t n);
/*
 * Returns false for a target no proxy should dial: port 0, or 0.0.0.0,
 * :: or ::ffff:0.0.0.0, which connect() takes for this host itself, past
 * any rule on 127.0.0.0/8.
 */
bool psrv_target_ok(const struct psrv_target *t);

/* Returns the bytes after the request, for the target; *n their count. */
const unsigned char *psrv_rest(const struct psrv *ps, size_t *n);
/*
 * Answers the request: code SOCKS5_SUCCEEDED (bound: the address the
 * proxy connected from), or a SOCKS5 reply code, which SOCKS4 turns into
 * REJECTED and HTTP into its status (403, 502, 504). Appends to out and
 * lines.
 */
void psrv_reply(struct psrv *ps, int code, const struct sockaddr *bound,
    socklen_t blen);
/*
 * Answers that the target's name did not resolve (why: the resolver's
 * code name, EAI_NONAME): HOST_UNREACHABLE, which is as near as SOCKS
 * comes, or for HTTP a 502 whose body says so.
 */
void psrv_reply_unresolved(struct psrv *ps, const char *why);
/*
 * Writes the user the client named into out, quoted and escaped as the
 * trace shows strings, or "" when it named none. Returns out.
 */
char *psrv_user_text(const struct psrv *ps, char *out, size_t cap);
/* Returns the protocol's name as traces and -v show it: "socks5". */
const char *psrv_proto_name(enum psrv_proto proto);
/* Returns the name of what ps's client speaks, "socks4a" for 4a. */
const char *psrv_name(const struct psrv *ps);
/* Writes "example.org:443" or "[::1]:22" for t into out; returns out. */
char *psrv_target_text(const struct psrv_target *t, char *out, size_t cap);
/*
 * Returns the SOCKS5 reply code for a connect that failed with err:
 * ECONNREFUSED is CONNECTION_REFUSED, ETIMEDOUT TTL_EXPIRED, ...
 */
int psrv_code_for_errno(int err);
/* Returns the HTTP status for a SOCKS5 reply code: 403, 502, 504. */
int psrv_http_status(int code);

/* RFC 4648 base64, as Basic credentials carry them. Returns the length
 * decoded into out (NUL-terminated), or -1 when text is not base64 or
 * does not fit. */
int psrv_base64_decode(const char *text, size_t len, char *out, size_t cap);

/* proxy_rules.c */

/*
 * Returns true when the address of family at a (4 or 16 bytes) is one
 * that connect() takes for this host: 0.0.0.0, :: or ::ffff:0.0.0.0.
 */
bool proxy_addr_this_host(int family, const unsigned char *a);
/* Returns true when sa's address is one of those three. */
bool proxy_this_host(const struct sockaddr *sa);

/* --allow-to, --deny-to: a block of destinations and, maybe, their ports. */
#define PROXY_RULE_RANGES 16
struct proxy_rule {
	struct cidr block;
	struct port_range ports[PROXY_RULE_RANGES];
	int nports;		/* 0: every port */
};

/*
 * Parses "127.0.0.0/8", "10.0.0.0/8:22,80,8000-8100", "[::1]/128:22".
 * Returns 0, or -1 with err naming the bad part.
 */
int proxy_rule_parse(const char *text, struct proxy_rule *out, char *err,
    size_t cap);
/* Returns true when sa (address and port) lies in rule r. */
bool proxy_rule_match(const struct proxy_rule *r, const struct sockaddr *sa,
    socklen_t len);
/*
 * Returns true when a destination may be reached: in one of allow (or
 * allow is empty) and in none of deny.
 */
bool proxy_rules_admit(const struct proxy_rule *allow, int nallow,
    const struct proxy_rule *deny, int ndeny, const struct sockaddr *sa,
    socklen_t len);

#endif
