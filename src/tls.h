/* tls.h: TLS sessions over a connected socket; tls.c alone includes OpenSSL. */
#ifndef SOCKIT_TLS_H
#define SOCKIT_TLS_H

#include "compat.h"

#include <stddef.h>
#include <sys/types.h>

/* A SHA-256 digest: certificate fingerprints and public key pins. */
#define TLS_SHA256_LEN 32

/* What a context is made from: plain values, parsed and checked before. */
struct tls_config {
	bool server;
	bool insecure;		/* client: no chain or name check */
	const char *cafile;	/* NULL: the system trust store ... */
	const char *capath;	/* ... unless one of these is given */
	const char *cert;	/* PEM certificate (chain), or NULL */
	const char *key;	/* PEM private key; NULL: in cert's file */
	const char *key_pass;	/* the key's passphrase, or NULL */
	const char *alpn;	/* "h2,http/1.1", or NULL */
	int min_version;	/* 0: the library's; 12: TLS 1.2; 13: TLS 1.3 */
	int max_version;
	const char *ciphers;	/* TLS 1.2 and below, OpenSSL's syntax */
	const char *ciphersuites;	/* TLS 1.3 */
	bool verify_client;	/* server: ask for and check a client cert */
	const char *keylog;	/* SSLKEYLOGFILE's path, or NULL */
	/*
	 * Server with no cert: the names of the certificate made at start,
	 * as subjectAltName says them ("DNS:localhost,IP:127.0.0.1").
	 */
	const char *self_names;
};

/* What one connection checks: per peer, unlike the context. */
struct tls_peer {
	const char *sni;	/* server name to send, or NULL */
	const char *verify_name;	/* host name or IP literal the
					   certificate must carry; NULL: none */
	bool has_pin;		/* the public key's SHA-256 must be pin */
	unsigned char pin[TLS_SHA256_LEN];
	bool pin_only;		/* the pin is the whole check */
};

/* Why the last call failed, kept for the caller to report. */
enum tls_fault {
	TLS_FAULT_NONE,
	TLS_FAULT_SETUP,	/* a file or option the library refused */
	TLS_FAULT_VERIFY,	/* the certificate check: verify says which */
	TLS_FAULT_PIN,		/* the public key is not the pinned one */
	TLS_FAULT_ALERT,	/* the peer sent an alert: alert says which */
	TLS_FAULT_NOT_TLS,	/* the peer answered in something else */
	TLS_FAULT_PLAIN_CLIENT,	/* server: the client sent plain text */
	TLS_FAULT_EOF,		/* the peer closed during the handshake */
	TLS_FAULT_SYSCALL,	/* a socket call failed: err says how */
	TLS_FAULT_TIMEOUT,	/* -w passed during the handshake */
	TLS_FAULT_SIGNAL,	/* a terminating signal came */
	TLS_FAULT_PROTOCOL,	/* anything else the library refused */
	TLS_FAULT_NO_CERT,	/* server: --verify-client, and the client
				   sent no certificate */
};

/* What a failed certificate check is about, for the facts to show. */
enum tls_verify_kind {
	TLS_VERIFY_OTHER,
	TLS_VERIFY_DATES,	/* expired or not yet valid */
	TLS_VERIFY_NAME,	/* host name or IP address mismatch */
	TLS_VERIFY_ISSUER,	/* an issuer we do not trust or have */
};

#define TLS_TEXT_MAX 256
#define TLS_NAMES_MAX 1024
/* "2026-12-04T23:37:14Z", with room to spare. */
#define TLS_DATE_MAX 40

struct tls_error {
	enum tls_fault fault;
	int err;			/* errno for TLS_FAULT_SYSCALL */
	long verify;			/* X509_V_ERR_*: TLS_FAULT_VERIFY */
	enum tls_verify_kind verify_kind;
	char verify_name[64];		/* "X509_V_ERR_CERT_HAS_EXPIRED" */
	char reason[TLS_TEXT_MAX];	/* the library's words */
	char alert[64];			/* "handshake failure" */
	char file[TLS_TEXT_MAX];	/* TLS_FAULT_SETUP: which file */
	char cause[32];			/* ... and for explain_tls, what in
					   it: "no pem", "key mismatch" */
	/* What the peer's certificate said, when it sent one. */
	bool have_cert;
	char subject[TLS_TEXT_MAX];
	char issuer[TLS_TEXT_MAX];
	char names[TLS_NAMES_MAX];	/* "DNS:a.example, IP:127.0.0.1" */
	char host_cn[TLS_TEXT_MAX];	/* see tls_info */
	char not_before[TLS_DATE_MAX];
	char not_after[TLS_DATE_MAX];
	unsigned char spki_sha256[TLS_SHA256_LEN];
};

/* What a finished handshake agreed on and what the peer showed. */
struct tls_info {
	char version[16];		/* "TLSv1.3" */
	char cipher[64];
	char alpn[64];			/* "" when none was agreed */
	bool resumed;
	bool have_cert;
	char subject[TLS_TEXT_MAX];
	char issuer[TLS_TEXT_MAX];
	char names[TLS_NAMES_MAX];	/* the SANs only */
	/*
	 * The subject's CN when no SAN is a DNS name: OpenSSL's host check
	 * then matches a host name against it. "" otherwise.
	 */
	char host_cn[TLS_TEXT_MAX];
	char not_before[TLS_DATE_MAX];
	char not_after[TLS_DATE_MAX];
	unsigned char cert_sha256[TLS_SHA256_LEN];
	unsigned char spki_sha256[TLS_SHA256_LEN];
};

struct tls_context;
struct tls;

/* Returns true when this build has TLS (tls.c), false for tls_none.c. */
bool tls_available(void);
/* Returns the library's version line ("OpenSSL 3.0.11 ..."), or NULL. */
const char *tls_library_version(void);

/*
 * Makes a context from cfg: versions, ciphers, trust, our certificate.
 * Returns it, or NULL with *e filled.
 */
struct tls_context *tls_context_new(const struct tls_config *cfg,
    struct tls_error *e);
void tls_context_free(struct tls_context *ctx);
/*
 * Fills *info with our own certificate's facts (no version or cipher):
 * the one a server made at start for self_names. Returns false when the
 * context has no certificate.
 */
bool tls_context_describe(const struct tls_context *ctx,
    struct tls_info *info);

/*
 * Runs the handshake on the connected non-blocking fd as a client
 * (tls_client) or a server (tls_server), until it is done, deadline
 * passes (relay_now() seconds; < 0: none) or a signal comes. Returns the
 * session, or NULL with *e filled (TLS_FAULT_TIMEOUT, _SIGNAL, ...).
 */
struct tls *tls_client(struct tls_context *ctx, int fd,
    const struct tls_peer *peer, double deadline, struct tls_error *e);
struct tls *tls_server(struct tls_context *ctx, int fd, double deadline,
    struct tls_error *e);

/*
 * The handshake for an event loop: tls_start makes the session on the
 * connected non-blocking fd (a client checks peer; a server's context
 * takes NULL), and tls_handshake moves it as far as the socket allows.
 * tls_handshake returns 1 once done (a client's pin checked too), 0 when
 * it waits for tls_wants(), -1 after a failure (tls_last_error).
 */
struct tls *tls_start(struct tls_context *ctx, int fd,
    const struct tls_peer *peer, struct tls_error *e);
int tls_handshake(struct tls *t);

/*
 * Reads plain text into buf, as many whole records as are at hand and
 * fit. Returns the count; 0 at the peer's end (tls_truncated says whether
 * close_notify came first); -1 with errno EAGAIN when the socket must
 * become ready for tls_wants() first, or another errno after a failure
 * (EPROTO: tls_last_error says what).
 */
ssize_t tls_read(struct tls *t, void *buf, size_t len);
/*
 * Writes from buf, record by record, until it is all taken or the socket
 * is full; the records go out in as few send() calls as fit, and what the
 * socket did not take waits for tls_flush (tls_unsent). Returns the count
 * taken, or -1 as tls_read.
 */
ssize_t tls_write(struct tls *t, const void *buf, size_t len);
/*
 * Sends the records tls_write gathered and could not send yet. Returns 0
 * once none wait, -1 with errno (EAGAIN: wait for POLLOUT).
 */
int tls_flush(struct tls *t);
/* Returns true while records tls_write took wait to be sent. */
bool tls_unsent(const struct tls *t);
/*
 * Sends close_notify: our end of the data, the TLS form of a FIN.
 * Returns 0 once sent, -1 with errno (EAGAIN: wait for tls_wants()).
 */
int tls_shutdown(struct tls *t);
/*
 * Returns true while decrypted or buffered bytes wait to be read, or an
 * end or a failure that came behind them waits to be told by tls_read.
 */
bool tls_pending(const struct tls *t);
/* Returns POLLIN or POLLOUT: what the last call that got EAGAIN waits for. */
short tls_wants(const struct tls *t);
/* Returns true when the peer's end came without close_notify. */
bool tls_truncated(const struct tls *t);
/* Returns true once close_notify went out. */
bool tls_notified(const struct tls *t);
/*
 * Returns true when close_notify may end our direction alone: TLS 1.3.
 * A TLS 1.2 peer may drop its pending writes on receiving it.
 */
bool tls_half_close(const struct tls *t);
/* Returns the error of the last failure. */
const struct tls_error *tls_last_error(const struct tls *t);
/* Fills *info from the finished handshake. */
void tls_describe(const struct tls *t, struct tls_info *info);
/*
 * Calls put for each certificate of the peer's chain in PEM form, leaf
 * first. Returns how many.
 */
int tls_peer_chain_pem(const struct tls *t,
    void (*put)(void *ctx, const char *pem, size_t len), void *ctx);
/* Frees the session; the socket stays open. */
void tls_free(struct tls *t);

#endif
