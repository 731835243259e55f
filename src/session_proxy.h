/* session_proxy.h: --proxy for connect and send: reach the target through a SOCKS or HTTP CONNECT proxy, then go on as if connected to it. */
#ifndef SOCKIT_SESSION_PROXY_H
#define SOCKIT_SESSION_PROXY_H

#include "compat.h"

#include "dial.h"
#include "endpoint.h"
#include "opt.h"
#include "proxy_client.h"

struct session;

/* The options of the "Proxy options" group, and what they became. */
struct session_proxy {
	const char *url_text;		/* --proxy URL */
	const char *auth_file;		/* --proxy-auth-file FILE */
	bool on;
	struct proxy_url url;
	struct endpoint ep;		/* the proxy, for dial_open */
	bool shutdown_given;		/* --shutdown was on the line */
};

extern const struct opt_def session_proxy_defs[];
extern const size_t session_proxy_count;

/*
 * What the command does before parsing: --shutdown's default depends on
 * --proxy, so "not given" must show after parsing.
 */
void session_proxy_init(struct session_proxy *px, struct session *s);
/*
 * Settles --shutdown's default once the options are parsed: wr, the
 * usual. Call before session_check.
 */
void session_proxy_shutdown_default(struct session_proxy *px,
    struct session *s);
/*
 * Checks the proxy options against the target ep (a TCP endpoint with a
 * numeric port) and zero (-z), parses the URL and reads the credentials
 * file; through a proxy, stdin's EOF sends no FIN unless --shutdown was
 * given. Returns EXIT_OK (proxy on or off), EXIT_USAGE or EXIT_FAIL,
 * after reporting.
 */
int session_proxy_setup(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, bool zero);
/*
 * Connects to ep as dial_open does, or to the proxy and through it when
 * px is on; -v and --json say so. Writes the peer's text for messages
 * into peer: the address, or ep's text through a proxy. Returns EXIT_OK
 * with t->fd connected, or the exit status after reporting.
 */
int session_proxy_dial(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, double wait, struct dial_result *t,
    char *peer, size_t cap);

/*
 * The target's host as the request names it: socks5 and socks4 send an
 * address, which this machine looks up (socks4 wants IPv4); the others
 * send the name. Returns EXIT_OK with the text in out, or the status
 * after reporting.
 */
int session_proxy_target_host(const struct session_proxy *px,
    const struct endpoint *ep, char *out, size_t cap);
/* Writes a handshake line (hs->said, hs->heard) on --trace, if any. */
void session_proxy_trace(const char *text);
/*
 * Reports the failed handshake hs as what's failure: the proxy's answer
 * by name and what to check; seen (seen_len bytes) is the answer quoted
 * when it closed midway or spoke another protocol.
 */
void session_proxy_failure(const struct proxy_handshake *hs,
    const char *what, const unsigned char *seen, size_t seen_len);

#endif
