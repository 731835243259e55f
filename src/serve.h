/* serve.h: the passive open that listen and recv share. */
#ifndef SOCKIT_SERVE_H
#define SOCKIT_SERVE_H

#include "compat.h"

#include "cidr.h"
#include "endpoint.h"
#include "multicast.h"
#include "session.h"
#include "spawn.h"

/* The options of a passive open, part of each command's option struct. */
struct serve_opts {
	long backlog;		/* --backlog N for listen()'s queue; 0: unset */
	bool many;		/* serves peer after peer (-k, --fork) */
	int unlink_stale;	/* --unlink: replace a dead server's socket */
	const char *mode_text;	/* --mode OCTAL for a unix socket file */
	int mode;		/* its value; -1: as the umask says */
	/* Groups to join once bound, before the "listening on" line. */
	const struct multicast_recv *multicast;
};

/* The option table of struct serve_opts, a group of listen's and recv's. */
extern const struct opt_def serve_opt_defs[];
extern const size_t serve_opt_count;

/* --allow and --deny: which peers a server keeps. */
struct serve_access {
	struct opt_list allow_text;
	struct opt_list deny_text;
	struct cidr allow[OPT_LIST_MAX];
	struct cidr deny[OPT_LIST_MAX];
	int nallow, ndeny;
};

extern const struct opt_def serve_access_defs[];
extern const size_t serve_access_count;

/*
 * Parses --allow and --deny for a server on ep. Returns EXIT_OK, or
 * EXIT_USAGE after reporting.
 */
int serve_access_check(struct serve_access *acl, const struct endpoint *ep);
/*
 * Returns true when the peer at sa may stay; a refused one is reported on
 * -v or --json. acl NULL admits everyone.
 */
bool serve_admit(struct session *s, const struct serve_access *acl,
    const struct sockaddr *sa, socklen_t len, const char *peer_text);

/*
 * listen()'s queue when --backlog is not given: one peer needs a short one;
 * a server of many peers (-k, --fork) asks for a long one, which the kernel
 * cuts to net.core.somaxconn, so a burst of clients waits in it instead of
 * meeting SYN cookies (TCP) or EAGAIN (AF_UNIX).
 */
#define SERVE_BACKLOG_ONE 16
#define SERVE_BACKLOG_MANY 4096

/* Fills the defaults: no --backlog, one peer, no --unlink, no --mode. */
void serve_init(struct serve_opts *so);
/*
 * Checks --mode for ep: octal, 0 to 0777, and a unix path to apply it to.
 * Returns EXIT_OK, or EXIT_USAGE after reporting.
 */
int serve_check(struct serve_opts *so, const struct endpoint *ep);
/*
 * Opens the socket of a server on ep: socket, options, bind (each resolved
 * address in turn; --unlink for a stale unix path, whose file is then
 * removed at exit), listen() for stream and seqpacket, and the "listening
 * on" line of -v and --json. Stores what was bound in *bound. Returns the
 * descriptor, or -1 after reporting (or on a signal).
 */
int serve_open(struct session *s, const struct serve_opts *so,
    struct endpoint *ep, struct endpoint_addr *bound);
/*
 * Prints "listening on ADDR" (-v) or its JSON event for the fd bound to
 * ep; the line is printed without -v too when the kernel picked the port,
 * and ep's text names that port from then on, for every later message.
 */
void serve_announce(struct session *s, struct endpoint *ep, int fd);
/*
 * Waits (bounded by -w) for a peer on the listening lfd and accepts it:
 * a non-blocking *cfd_out, the peer's address in peer_text, the accepted
 * event reported. Returns EXIT_OK, or the exit status after reporting.
 */
int serve_accept(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, int *cfd_out, char *peer_text,
    size_t cap);
/*
 * The concurrent server of --fork: each peer of the listening lfd gets a
 * child running cmd on its connection (or, when svc is not NULL, a forked
 * sockit serving svc itself), at most max_conns at once (0: no limit;
 * more wait in the backlog), until a signal, when the children are told
 * to end. Returns the exit status.
 */
struct service;
int serve_fork(struct session *s, const struct serve_access *acl,
    const struct endpoint *ep, int lfd, struct spawn_cmd *cmd,
    const struct service *svc, long max_conns);
/* The status after a wait gave up: a signal's (128+N), or EXIT_FAIL. */
int serve_stop_status(void);

#endif
