/* proxy.h: what SOCKS and HTTP CONNECT clients and servers share: the kinds of proxy and the names of the codes on the wire. */
#ifndef SOCKIT_PROXY_H
#define SOCKIT_PROXY_H

#include "compat.h"

/* The protocols a proxy speaks, as --proxy's URL schemes name them. */
enum proxy_kind {
	PROXY_SOCKS5,		/* socks5://: the client resolves the name */
	PROXY_SOCKS5H,		/* socks5h://: the proxy resolves it */
	PROXY_SOCKS4,		/* socks4://: IPv4 addresses only */
	PROXY_SOCKS4A,		/* socks4a://: the proxy resolves the name */
	PROXY_HTTP,		/* http://: HTTP CONNECT (RFC 9110 9.3.6) */
};

/* RFC 1928: the version byte, the methods, the command, address types. */
#define SOCKS5_VERSION 0x05
#define SOCKS5_NO_AUTH 0x00
#define SOCKS5_GSSAPI 0x01
#define SOCKS5_USERPASS 0x02
#define SOCKS5_NO_ACCEPTABLE 0xff
#define SOCKS5_CONNECT 0x01
#define SOCKS5_BIND 0x02
#define SOCKS5_UDP_ASSOCIATE 0x03
#define SOCKS5_ATYP_IPV4 0x01
#define SOCKS5_ATYP_DOMAIN 0x03
#define SOCKS5_ATYP_IPV6 0x04
/* RFC 1929: the version of the username/password sub-negotiation. */
#define SOCKS5_USERPASS_VERSION 0x01

/* RFC 1928 section 6: the REP field of a reply. */
enum socks5_reply {
	SOCKS5_SUCCEEDED = 0x00,
	SOCKS5_GENERAL_FAILURE = 0x01,
	SOCKS5_NOT_ALLOWED = 0x02,
	SOCKS5_NETWORK_UNREACHABLE = 0x03,
	SOCKS5_HOST_UNREACHABLE = 0x04,
	SOCKS5_CONNECTION_REFUSED = 0x05,
	SOCKS5_TTL_EXPIRED = 0x06,
	SOCKS5_COMMAND_NOT_SUPPORTED = 0x07,
	SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED = 0x08,
};

/* SOCKS4 (and 4a): the version byte, CONNECT, and the CD of a reply. */
#define SOCKS4_VERSION 0x04
#define SOCKS4_CONNECT 0x01
enum socks4_reply {
	SOCKS4_GRANTED = 90,
	SOCKS4_REJECTED = 91,
	SOCKS4_NO_IDENTD = 92,
	SOCKS4_IDENTD_MISMATCH = 93,
};

/* Returns kind's URL scheme without "://": "socks5h". */
/*
 * What the group and other bits of a secret file's mode let them do, for
 * the message that refuses it: an index into the caller's four texts.
 */
enum secret_access {
	SECRET_READ_WRITE, SECRET_READ, SECRET_WRITE, SECRET_OTHER
};
enum secret_access proxy_secret_access(unsigned mode);
const char *proxy_kind_scheme(enum proxy_kind kind);
/* Returns the protocol's name in a trace line: "socks5", "socks4", "http". */
const char *proxy_kind_protocol(enum proxy_kind kind);
/*
 * Returns the kind whose scheme is the len bytes at scheme (any case),
 * or -1.
 */
int proxy_kind_from_scheme(const char *scheme, size_t len);
/* Returns the port a proxy of kind listens on when a URL gives none. */
int proxy_kind_default_port(enum proxy_kind kind);

/*
 * Each returns the constant's name as a trace line shows it
 * ("CONNECTION_REFUSED", "NO_AUTH"), or NULL for a code without one.
 */
const char *socks5_reply_name(int code);
const char *socks5_method_name(int method);
const char *socks5_command_name(int command);
const char *socks4_reply_name(int code);
/*
 * Each returns what a reply code means, in English, marked for gettext
 * (the caller translates it with _()): "connection refused by the
 * destination". An unknown code gets a sentence that says so.
 */
const char *socks5_reply_meaning(int code);
const char *socks4_reply_meaning(int code);

#endif
