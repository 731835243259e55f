/* session_tls.h: the TLS options the commands share, their checks, the handshake's report. */
#ifndef SOCKIT_SESSION_TLS_H
#define SOCKIT_SESSION_TLS_H

#include "compat.h"

#include "endpoint.h"
#include "opt.h"

/* Seconds a server gives a client's handshake when -w gives none. */
#define SESSION_TLS_HANDSHAKE_WAIT 30

struct session;
struct relay_result;
struct tls_error;

/* The options of the "TLS options" group, parsed into struct session. */
struct session_tls_opts {
	int tls;		/* --tls, --ssl */
	int insecure;
	const char *cafile;
	const char *capath;
	const char *sni;
	int no_sni;
	const char *verify_name;
	const char *pin;
	const char *cert;
	const char *key;
	const char *key_pass_file;
	const char *alpn;
	int tls_min;		/* index in "1.2|1.3"; -1: unset */
	int tls_max;
	const char *ciphers;
	const char *ciphersuites;
	int verify_client;
	int show_certs;
	int starttls;		/* enum starttls_proto; -1: unset */
};

extern const struct opt_def session_tls_defs[];
extern const size_t session_tls_count;

/* Sets the defaults of the options. */
void session_tls_init(struct session_tls_opts *o);
/*
 * Checks the TLS options against the endpoint ep (whose tls:// scheme
 * turns TLS on too) for a client or a server, reads the files they name
 * and makes the context into s. Returns EXIT_OK (TLS on or off), EXIT_USAGE
 * or EXIT_FAIL, after reporting.
 */
int session_tls_setup(struct session *s, const struct endpoint *ep,
    bool server);
/* Returns true when the session speaks TLS. */
bool session_tls_on(const struct session *s);
/*
 * Runs the handshake on the connected sock, whose peer peer names, and
 * tells what it agreed on with -v and --json. Returns EXIT_OK, or the exit
 * status after reporting.
 */
int session_tls_start(struct session *s, int sock, const char *peer);
/*
 * Reports the failed handshake e of what ("tls handshake with PEER"):
 * what happened, the certificate's facts, a hint.
 */
void session_tls_report(struct session *s, const char *what,
    const struct tls_error *e);
/*
 * Ends the session's TLS after the relay: reports a failure of TLS
 * itself (failed_call "tls"), warns of an end without close_notify, and
 * sends close_notify when it has not gone yet. Frees the session.
 */
void session_tls_finish(struct session *s, const struct relay_result *res,
    const char *peer);
/* Frees the context at the end of the command. */
void session_tls_free(struct session *s);

#endif
