/* endpoint.h: the one endpoint grammar: parse, resolve, describe. */
#ifndef SOCKIT_ENDPOINT_H
#define SOCKIT_ENDPOINT_H

#include "compat.h"

#include <sys/socket.h>
#include <sys/un.h>

enum transport {
	TRANSPORT_TCP,
	TRANSPORT_UDP,
	TRANSPORT_UNIX_STREAM,
	TRANSPORT_UNIX_DGRAM,
	TRANSPORT_UNIX_SEQPACKET,
};

/* One row per transport: how its endpoints are written and opened. */
struct transport_row {
	enum transport transport;
	const char *scheme;	/* "tcp", "unix-dgram", ... */
	int family;		/* AF_UNIX, or AF_UNSPEC for IP */
	int socktype;
	int protocol;
};

/* What the command-line flags say about the endpoint. */
struct endpoint_flags {
	bool udp;		/* -u */
	bool unix_path;		/* -U: the argument is a path */
	bool seqpacket;		/* --seqpacket */
	int family;		/* AF_UNSPEC, or AF_INET for -4, AF_INET6 for -6 */
	bool port_list;		/* accept "22,80,8000-8100" (connect -z) */
	bool passive;		/* a bare PORT means every local address */
};

#define ENDPOINT_HOST_MAX 256
#define ENDPOINT_PORT_MAX 256
#define ENDPOINT_TEXT_MAX 560

struct endpoint {
	const struct transport_row *row;
	int family;			/* AF_UNIX, AF_UNSPEC, AF_INET, AF_INET6 */
	char host[ENDPOINT_HOST_MAX];	/* "" when only a port was given */
	char port[ENDPOINT_PORT_MAX];	/* number, service name or port list */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t path_len;		/* bytes of path, without a NUL */
	bool abstract;			/* Linux abstract name (unix:@NAME) */
	bool tls;			/* tls:// or tls+unix: (as --tls) */
	bool broadcast;			/* the host was <broadcast> */
	char text[ENDPOINT_TEXT_MAX];	/* canonical form, for messages */
};

/* A resolved address, ready for socket() and bind()/connect(). */
struct endpoint_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
	int socktype;
	int protocol;
};

#define ENDPOINT_ADDRS_MAX 16
#define ENDPOINT_PORT_RANGES_MAX 64

struct port_range {
	unsigned first;
	unsigned last;
};

/*
 * Parses ENDPOINT (and the nc-style PORT in second, or NULL) into *ep.
 * Returns 0, or -1 with a message in err that names the bad part.
 */
int endpoint_parse(const char *arg, const char *second,
    const struct endpoint_flags *flags, struct endpoint *ep,
    char *err, size_t errlen);

/* Returns true when ep is an AF_UNIX endpoint. */
bool endpoint_is_unix(const struct endpoint *ep);
/* Returns true when ep carries datagrams (UDP, unix-dgram). */
bool endpoint_is_dgram(const struct endpoint *ep);

/*
 * Checks one port as an endpoint's would be: a number in 0-65535 or a
 * service name. Returns 0, or -1 with a message in err.
 */
int endpoint_check_port(const char *port, char *err, size_t errlen);

/*
 * Parses a port list "22,80,8000-8100" into ranges. Returns the number of
 * ranges, or -1 with a message in err.
 */
int endpoint_port_list(const char *spec, struct port_range *ranges,
    size_t max, char *err, size_t errlen);

/*
 * Resolves ep into at most max addresses (getaddrinfo for IP, a built
 * sockaddr_un for AF_UNIX), for bind when passive, else for connect.
 * Returns the count, or -1 with the EAI_ code in *eai.
 */
int endpoint_resolve(const struct endpoint *ep, bool passive,
    struct endpoint_addr *out, size_t max, int *eai);

/* Sets the port of an IP endpoint (one port of a list) and its text. */
void endpoint_set_port(struct endpoint *ep, unsigned port);

/* Sets the port of a resolved IP address; AF_UNIX addresses have none. */
void endpoint_addr_set_port(struct endpoint_addr *a, unsigned port);

/* Returns the transport rows, for help text; stores the count. */
const struct transport_row *endpoint_transports(size_t *count);

#endif
