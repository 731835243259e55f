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
	/* Lists only to catch a second one: each is given once. */
	struct opt_list urls;		/* --proxy URL */
	struct opt_list auth_files;	/* --proxy-auth-file FILE */
	const char *url_text;		/* the one --proxy, or NULL */
	const char *auth_file;		/* the one --proxy-auth-file, or NULL */
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
 * session_endpoint for the target, which through --proxy is parsed
 * without -4/-6: they apply to the connection to the proxy. Returns as
 * session_endpoint does.
 */
int session_proxy_endpoint(struct session_proxy *px, struct session *s,
    char **pos, int npos, bool port_list, struct endpoint *ep);
/*
 * Connects to ep as dial_open does, or to the proxy and through it when
 * px is on; -v and --json say so. Through a proxy each address of ep
 * (socks5, socks4) is asked for in turn while the proxy answers that it
 * failed, and with wait >= 0 every round again until wait seconds pass. Writes the peer's text for messages
 * into peer: the address, or ep's text through a proxy. Returns EXIT_OK
 * with t->fd connected, or the exit status after reporting.
 */
int session_proxy_dial(struct session_proxy *px, struct session *s,
    const struct endpoint *ep, double wait, struct dial_result *t,
    char *peer, size_t cap);

/*
 * The target's hosts as the requests name them, in the order to try
 * them: socks5 and socks4 send an address, which this machine looks up
 * (socks4 wants IPv4), each of a name's in turn; the others send the
 * name. Returns EXIT_OK with up to max hosts in out and their count in
 * *count, or the status after reporting.
 */
int session_proxy_target_hosts(const struct session_proxy *px,
    const struct endpoint *ep, char (*out)[ENDPOINT_HOST_MAX], int max,
    int *count);
/*
 * Whether the failed handshake hs says the target, not the proxy or its
 * rules, failed: refused or unreachable, worth the next address.
 */
bool session_proxy_target_failed(const struct proxy_handshake *hs);
/* The proxy's answer in hs by name: "CONNECTION_REFUSED", "502". */
const char *session_proxy_answer(const struct proxy_handshake *hs);
/* Writes a handshake line (hs->said, hs->heard) on --trace, if any. */
void session_proxy_trace(const char *text);
/*
 * Reports the failed handshake hs as what's failure: the proxy's answer
 * by name and what to check; seen (seen_len bytes) is the answer quoted
 * when it closed midway or spoke another protocol, and for an HTTP status
 * what came after the head, whose first line is shown.
 */
void session_proxy_failure(const struct proxy_handshake *hs,
    const char *what, const unsigned char *seen, size_t seen_len);

#endif
