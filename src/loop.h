/* loop.h: listen --to: every accepted peer joined to a new connection to the target, on one epoll loop. */
#ifndef SOCKIT_LOOP_H
#define SOCKIT_LOOP_H

#include "compat.h"

#include "endpoint.h"
#include "proxy_client.h"
#include "proxy_server.h"
#include "serve.h"
#include "session.h"

/* A user and password of --auth-file. */
struct loop_proxy_user {
	char *user, *pass;
};

/*
 * listen --socks5, --http-proxy: each peer names its own target in a
 * SOCKS or HTTP CONNECT request, checked against the rules.
 */
struct loop_proxy {
	enum psrv_mode mode;
	const struct proxy_rule *allow, *deny;	/* --allow-to, --deny-to */
	int nallow, ndeny;
	const struct loop_proxy_user *users;	/* none: no credentials */
	int nusers;
};

/*
 * --to with --proxy: each target connection is made to the proxy, which
 * is asked for the target in a SOCKS or HTTP CONNECT handshake.
 */
struct loop_upstream {
	enum proxy_kind kind;
	const struct proxy_credentials *cred;
	/* The target as the requests name it, each address in turn. */
	const char (*hosts)[ENDPOINT_HOST_MAX];
	int nhosts;
	int port;
	const char *proxy;	/* the proxy's endpoint, for messages */
	const char *url;	/* its URL, without credentials: --json's */
};

/* What a forwarder needs; -w, -i, -o, -v and --json come from s. */
struct loop_forward {
	struct session *s;
	const struct serve_access *acl;
	const struct endpoint *local;	/* its text names the listener */
	const struct endpoint_addr *bound;	/* where lfd is bound */
	const struct endpoint *target;	/* NULL for a proxy */
	const struct endpoint_addr *addrs;	/* the target, resolved */
	int naddrs;
	int lfd;		/* listening, non-blocking */
	bool messages;		/* seqpacket: boundaries kept, no splice */
	bool datagrams;		/* UDP, unix-dgram: a flow per sender */
	double flow_idle;	/* datagrams: a flow this quiet ends */
	long max_conns;		/* 0: as many as descriptors allow */
	bool refuse;		/* over max_conns: reset, not wait */
	double drain;		/* after a signal, seconds pairs may finish */
	double busy_poll;	/* seconds of polling after data; 0: none */
	/*
	 * --shutdown none, and the default through --proxy: a peer's FIN
	 * is not passed on to the target, whose close ends the pair.
	 */
	bool hold_fin;
	/*
	 * TLS: the accepted peers' side (a server's context) and the
	 * target's (a client's, checked by tls_session's tls_peer); NULL:
	 * plain. Each handshake has handshake_wait seconds.
	 */
	struct tls_context *tls_local;
	struct session *tls_session;
	double handshake_wait;
	/* A proxy: the request's deadline is handshake_wait too. */
	const struct loop_proxy *proxy;
	/* Through a proxy: addrs are the proxy's, reached first. */
	const struct loop_upstream *upstream;
};

/*
 * Serves f->lfd (listening, or for datagrams bound) until a signal (after
 * --drain), -i, or a failure that ends the server, and closes it (a
 * signal closes a stream listener at once). Returns the exit status,
 * after reporting.
 */
int loop_forward(const struct loop_forward *f);

#endif
