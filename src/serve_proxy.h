/* serve_proxy.h: listen --socks5 and --http-proxy: their options, what cannot go with them, --auth-file, and the rule against an open proxy. */
#ifndef SOCKIT_SERVE_PROXY_H
#define SOCKIT_SERVE_PROXY_H

#include "compat.h"

#include "endpoint.h"
#include "loop.h"
#include "opt.h"
#include "serve.h"
#include "session.h"

struct serve_proxy {
	int socks5;		/* --socks5 */
	int http;		/* --http-proxy */
	const char *auth_file;	/* --auth-file FILE */
	struct opt_list allow_text, deny_text;	/* --allow-to, --deny-to */
	struct proxy_rule allow[OPT_LIST_MAX], deny[OPT_LIST_MAX];
	struct loop_proxy config;	/* what the loop is given */
	char *file;		/* --auth-file's text, which users points into */
	struct loop_proxy_user *users;
};

extern const struct opt_def serve_proxy_defs[];
extern const size_t serve_proxy_count;

/* Returns true when listen serves a proxy. */
bool serve_proxy_on(const struct serve_proxy *sp);
/*
 * Checks the proxy's options against ep, the access list and other, the
 * other way of answering peers that was given (--to, -e, ...; NULL for
 * none); parses the rules and reads --auth-file. Returns EXIT_OK, or the
 * status after reporting.
 */
int serve_proxy_check(struct serve_proxy *sp, const struct session *s,
    const struct endpoint *ep, const struct serve_access *acl,
    const char *other);
/*
 * No open proxy by accident: a proxy bound to an address beyond loopback
 * needs --allow or --auth-file; an --allow of every address (0.0.0.0/0,
 * ::/0) without --auth-file is warned of. Returns EXIT_OK, or EXIT_USAGE
 * after reporting.
 */
int serve_proxy_exposed(const struct serve_proxy *sp,
    const struct serve_access *acl, const struct sockaddr *sa,
    socklen_t len, const char *text);
/* Frees what serve_proxy_check read. */
void serve_proxy_free(struct serve_proxy *sp);

#endif
