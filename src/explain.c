/* explain.c: the table of hints behind every error message. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "i18n.h"
#include "strbuf.h"

struct errno_hint {
	const char *call;	/* NULL: any call */
	int err;
	const char *hint;
};

/* accept() finds the kernel short of memory, with either errno. */
#define ACCEPT_SHORT_OF_MEMORY N_("the kernel is short of memory for a new " \
	"connection; the peer waits in the queue while sockit pauses")

/* A send's EACCES when the socket's family is not known. */
#define SEND_EACCES N_("a broadcast address needs SO_BROADCAST (add " \
	"--broadcast); to a unix socket, you need write permission on its file")

/* socket() and accept() each make a descriptor: the limit is per process. */
#define PROCESS_FD_LIMIT N_("this process has all the descriptors it may " \
	"have open: the limit is per process ('ulimit -n' shows it); raise " \
	"it or close descriptors")

/* listen() and accept() on a socket without connections. */
#define NO_CONNECTIONS N_("listen and accept are for stream and seqpacket " \
	"sockets: a datagram socket has no connections to queue or take")

/* Rows for a specific call come before the general row for that errno. */
static const struct errno_hint errno_hints[] = {
	{ "bind", EACCES, N_("ports below 1024 need root or "
	  "CAP_NET_BIND_SERVICE; for a unix socket, check the directory's "
	  "permissions") },
	{ "connect", EACCES, N_("for a unix socket, you need write permission "
	  "on the socket file; otherwise a firewall rule refused it") },
	{ "execvpe", EACCES, N_("the file is not executable (chmod +x) or is a "
	  "directory") },
	/* Without the family: a broadcast over UDP, or a unix socket file. */
	{ "send", EACCES, SEND_EACCES },
	{ "sendto", EACCES, SEND_EACCES },
	{ "sendmsg", EACCES, SEND_EACCES },
	{ "sendmmsg", EACCES, SEND_EACCES },
	{ NULL, EACCES, N_("permission denied: check file modes, capabilities "
	  "and firewall rules") },
	{ "bind", EADDRINUSE, N_("another socket already holds this address: a "
	  "listener ('ss -ltnp' for TCP, 'ss -lunp' for UDP) or, when those "
	  "show none, a TCP connection such as one in TIME_WAIT ('ss -tan'); "
	  "or pick another port") },
	{ NULL, EADDRINUSE, N_("the local address is already in use; choose "
	  "another source port or let the kernel pick one") },
	{ "bind", EADDRNOTAVAIL, N_("that address is not on any local "
	  "interface; use 0.0.0.0, ::, or an address 'ip addr' shows") },
	{ NULL, EADDRNOTAVAIL, N_("no local address or port is free for this "
	  "destination; the ephemeral port range may be exhausted") },
	{ "socket", EAFNOSUPPORT, N_("this kernel has no sockets of that "
	  "address family: IPv6 disabled (try -4), or a module not loaded") },
	{ NULL, EAFNOSUPPORT, N_("this address family is not supported here: "
	  "is IPv6 disabled (try -4), or the address of the wrong family?") },
	{ NULL, EALREADY, N_("a connect on this socket is already in "
	  "progress") },
	{ NULL, EBADF, N_("the file descriptor is not open: an internal error "
	  "or a closed standard stream") },
	{ NULL, ECONNABORTED, N_("the connection was aborted before accept() "
	  "could take it; the peer gave up, try again") },
	{ "connect", ECONNREFUSED, N_("nothing is listening on that port, or a "
	  "firewall rejected the SYN") },
	{ NULL, ECONNREFUSED, N_("an ICMP port-unreachable came back: no "
	  "socket there takes our datagrams, because nothing is bound to that "
	  "port or a UDP server there serves another sender only (sockit "
	  "listen -u without -k keeps to its first sender; -k serves all)") },
	{ NULL, ECONNRESET, N_("the peer reset the connection (RST): it "
	  "crashed, closed with unread data, or SO_LINGER 0") },
	{ NULL, EDESTADDRREQ, N_("a datagram needs a destination: connect the "
	  "socket or give an address") },
	{ NULL, EHOSTDOWN, N_("the host is down: it did not answer ARP or "
	  "neighbour discovery") },
	{ NULL, EHOSTUNREACH, N_("no route to that host: check the address, "
	  "'ip route', and firewalls that answer with ICMP") },
	{ NULL, EINPROGRESS, N_("the non-blocking connect has started and is "
	  "not finished yet") },
	{ NULL, EISCONN, N_("the socket is already connected") },
	{ "recvmmsg", EMSGSIZE, N_("a datagram longer than the 65536 bytes "
	  "sockit reads at once is dropped whole, never cut: send it over a "
	  "stream (unix:, tcp:) or in pieces; the exit status is 1") },
	{ NULL, EMSGSIZE, N_("the message is larger than one datagram can "
	  "carry (UDP: 65507 bytes over IPv4; unix: the socket's send "
	  "buffer)") },
	{ NULL, ENETDOWN, N_("the network interface is down: 'ip link' shows "
	  "its state") },
	{ NULL, ENETRESET, N_("the network dropped the connection (keepalive "
	  "failed or the interface reset)") },
	{ NULL, ENETUNREACH, N_("no route to that network: no default route, "
	  "or IPv6 without IPv6 connectivity (try -4)") },
	{ "accept", ENOBUFS, ACCEPT_SHORT_OF_MEMORY },
	{ "accept", ENOMEM, ACCEPT_SHORT_OF_MEMORY },
	{ NULL, ENOBUFS, N_("the kernel ran out of socket buffer memory; send "
	  "less at once or raise net.core.wmem_max") },
	/* Linux takes IP_ options on IPv6 sockets, not IPV6_ ones on IPv4. */
	{ "setsockopt", ENOPROTOOPT, N_("this option does not apply to this "
	  "kind of socket: an IPV6_ option on an IPv4 socket, or a TCP_ "
	  "option on UDP?") },
	{ "getsockopt", ENOPROTOOPT, N_("this option does not apply to this "
	  "kind of socket: an IPV6_ option on an IPv4 socket, or a TCP_ "
	  "option on UDP?") },
	/* A unix socket refuses another level's option with EOPNOTSUPP. */
	{ "setsockopt", EOPNOTSUPP, N_("this socket's protocol has no such "
	  "option: an IP_, IPV6_ or TCP_ option on a unix socket?") },
	{ NULL, ENOPROTOOPT, N_("the protocol does not know this option") },
	{ "shutdown", ENOTCONN, N_("shutdown ends a connection, and this "
	  "socket has none: a datagram socket that is not connected, or a "
	  "stream whose peer is gone") },
	{ NULL, ENOTCONN, N_("the socket is not connected: connect() first, or "
	  "the peer went away") },
	{ NULL, ENOTSOCK, N_("the descriptor is not a socket") },
	{ "listen", EOPNOTSUPP, NO_CONNECTIONS },
	{ "accept", EOPNOTSUPP, NO_CONNECTIONS },
	{ NULL, EOPNOTSUPP, N_("this socket type does not support the "
	  "operation (listen on a datagram socket?)") },
	{ NULL, EPFNOSUPPORT, N_("the protocol family is not supported by this "
	  "kernel") },
	{ NULL, EPIPE, N_("the peer closed the connection before everything "
	  "was sent; it did not read the rest") },
	{ NULL, EPROTONOSUPPORT, N_("the protocol is not supported for this "
	  "family and type") },
	{ NULL, EPROTOTYPE, N_("the socket type does not match the peer's: "
	  "stream, datagram and seqpacket unix sockets do not mix") },
	{ NULL, ESHUTDOWN, N_("the socket was shut down for writing already") },
	{ NULL, ESOCKTNOSUPPORT, N_("this socket type is not supported in this "
	  "address family") },
	{ "connect", ETIMEDOUT, N_("no answer to the SYN: the host is down, a "
	  "firewall drops it, or the listener's accept queue is full, when "
	  "Linux drops the SYN rather than refuse it and the client retries "
	  "('ss -ltn' there shows Recv-Q past Send-Q, the backlog)") },
	{ NULL, ETIMEDOUT, N_("the peer stopped acknowledging data: the path "
	  "or the host failed") },
	{ NULL, EAGAIN, N_("the operation would block; try again later (also "
	  "EWOULDBLOCK)") },
	{ "socket", EMFILE, PROCESS_FD_LIMIT },
	{ "accept", EMFILE, PROCESS_FD_LIMIT },
	{ NULL, EMFILE, N_("this process has too many open files: raise "
	  "'ulimit -n' or close descriptors") },
	{ NULL, ENFILE, N_("the whole system is out of file descriptors: "
	  "fs.file-max") },
	{ "connect", ENOENT, N_("no unix socket file at that path: is the "
	  "server running, and is the path right?") },
	{ "bind", ENOENT, N_("a directory on the socket's path does not "
	  "exist") },
	{ "setsockopt", ENOENT, N_("the kernel has no such value for this "
	  "option (TCP_CONGESTION: see "
	  "net.ipv4.tcp_available_congestion_control)") },
	{ "execvpe", ENOENT, N_("no such program: check its name and $PATH; -e "
	  "runs PROG without a shell, -c runs STRING with /bin/sh") },
	{ NULL, ENOENT, N_("no such file or directory on the path") },
	{ "select", EINVAL, N_("select(2) watches descriptors below FD_SETSIZE "
	  "(1024) only, and the socket is one above; --textbook without "
	  "=select waits with poll, which has no such limit") },
	{ "bind", EINVAL, N_("the socket is bound already (bind works once per "
	  "socket), or the address does not fit the socket's family") },
	{ "setsockopt", EINVAL, N_("the value is out of range for this option, "
	  "or the option does not fit the socket's state") },
	{ "listen", EINVAL, N_("the socket is connected already, or not a kind "
	  "that listens") },
	{ NULL, EINVAL, N_("an argument is not valid for this socket in its "
	  "current state") },
	{ NULL, EINTR, N_("a signal came before the call finished: sockit "
	  "retries, unless the signal ends it") },
	{ NULL, ENOTDIR, N_("a component of the socket path is not a "
	  "directory") },
	{ NULL, ENAMETOOLONG, N_("the unix socket path is longer than sun_path "
	  "allows (107 bytes)") },
	{ NULL, EROFS, N_("the socket file would be on a read-only file "
	  "system") },
	{ NULL, EPERM, N_("the operation needs privileges this process lacks "
	  "(a firewall rule can also cause this)") },
	/* The --unlink probe, which asks sock_diag instead of connecting. */
	{ "sock_diag", EADDRINUSE, N_("a live socket is bound to that file: "
	  "stop its server or choose another path; --unlink replaces only a "
	  "file that no socket holds") },
	{ "sock_diag", ENOENT, N_("this kernel cannot list unix sockets (no "
	  "unix_diag): remove the file by hand once no server holds it") },
	/* A bind's EADDRINUSE on a socket file that sock_diag says is free. */
	{ "stale_socket", EADDRINUSE, N_("no socket of this network namespace "
	  "holds this file: a stale file that a server which ended left; "
	  "--unlink replaces it once no server answers there") },
};

/* The transports whose hints differ for the same call and errno. */
enum hint_transport {
	HINT_TCP,
	HINT_UDP,
	HINT_UNIX_PATH,
	HINT_UNIX_ABSTRACT,
};

struct transport_hint {
	const char *call;
	int err;
	enum hint_transport transport;
	const char *hint;	/* "{port}" becomes the address's port */
};

static const struct transport_hint transport_hints[] = {
	/*
	 * A listener, or only connections: one in TIME_WAIT keeps the port
	 * unless it and the new socket both have SO_REUSEADDR (Linux checks
	 * both), and ss -ltnp does not show it.
	 */
	{ "bind", EADDRINUSE, HINT_TCP, N_("another socket holds TCP port "
	  "{port}: a listener (ss -ltnp 'sport = :{port}') or, if none, a "
	  "connection such as one in TIME_WAIT (ss -tan 'sport = :{port}'), "
	  "which a bind passes only if both sockets set SO_REUSEADDR (sockit "
	  "listen does, unless --no-reuseaddr)") },
	{ "bind", EADDRINUSE, HINT_UDP, N_("another socket holds UDP port "
	  "{port}: find it with ss -lunp 'sport = :{port}', or pick another "
	  "port") },
	{ "bind", EADDRINUSE, HINT_UNIX_PATH, N_("a file is already at this "
	  "path: a stale socket file can be replaced with --unlink; any other "
	  "file needs another path") },
	{ "bind", EADDRINUSE, HINT_UNIX_ABSTRACT, N_("another socket holds "
	  "this abstract name; it is free again when that socket closes") },
	/* connect() on a UDP socket checks the broadcast permission early. */
	{ "connect", EACCES, HINT_UDP, N_("a broadcast address needs "
	  "SO_BROADCAST: add --broadcast (or check the address, and the "
	  "firewall)") },
	{ "send", EACCES, HINT_UDP, N_("a broadcast address needs "
	  "SO_BROADCAST: add --broadcast (or check the address, and the "
	  "firewall)") },
	/* A connected datagram socket learns of a refusal on its next call. */
	{ "recv", ECONNREFUSED, HINT_UDP, N_("nothing listens on UDP port "
	  "{port} there: an ICMP port-unreachable came back") },
	{ "send", ECONNREFUSED, HINT_UDP, N_("nothing listens on UDP port "
	  "{port} there: an ICMP port-unreachable came back") },
	{ "connect", ECONNREFUSED, HINT_UNIX_PATH, N_("no socket listens at "
	  "that path: a stale file whose server ended, a directory or a plain "
	  "file, or a socket bound there that never called listen") },
	{ "connect", ECONNREFUSED, HINT_UNIX_ABSTRACT, N_("no socket listens "
	  "on that abstract name: its server ended, or never called listen") },
	{ "send", ECONNREFUSED, HINT_UNIX_PATH, N_("the socket at that path is "
	  "closed: the server there ended, or was restarted and has a new "
	  "socket") },
	{ "sendto", EACCES, HINT_UDP, N_("a broadcast address needs "
	  "SO_BROADCAST: add --broadcast (or check the address, and the "
	  "firewall)") },
	{ "sendmsg", EACCES, HINT_UDP, N_("a broadcast address needs "
	  "SO_BROADCAST: add --broadcast (or check the address, and the "
	  "firewall)") },
	{ "connect", EACCES, HINT_UNIX_PATH, N_("connecting to a unix socket "
	  "needs write permission on its file, and search permission on "
	  "each directory above it") },
	{ "sendto", EACCES, HINT_UNIX_PATH, N_("sending to a unix socket needs "
	  "write permission on its file, and search permission on each "
	  "directory above it") },
	/* A unix stream listener refuses at once when its queue is full. */
	{ "connect", EAGAIN, HINT_UNIX_PATH, N_("the server's accept queue is "
	  "full: it accepts too slowly for its backlog (a unix socket says "
	  "so at once, where TCP drops the SYN and waits)") },
	{ "connect", EAGAIN, HINT_UNIX_ABSTRACT, N_("the server's accept queue "
	  "is full: it accepts too slowly for its backlog (a unix socket "
	  "says so at once, where TCP drops the SYN and waits)") },
	{ "send", EMSGSIZE, HINT_UDP, N_("a UDP datagram carries at most 65507 "
	  "bytes over IPv4 (65527 over IPv6): send less at once, or over "
	  "TCP") },
	{ "sendto", EMSGSIZE, HINT_UDP, N_("a UDP datagram carries at most "
	  "65507 bytes over IPv4 (65527 over IPv6): send less at once, or "
	  "over TCP") },
	{ "send", EMSGSIZE, HINT_UNIX_PATH, N_("a unix datagram must fit the "
	  "socket's send buffer (SO_SNDBUF, net.core.wmem_max): send less "
	  "at once, or over unix: (a stream)") },
	{ "setsockopt", ENOPROTOOPT, HINT_UDP, N_("no such option for UDP: a "
	  "TCP_ option, or an IPV6_ option on an IPv4 socket?") },
	{ "setsockopt", EOPNOTSUPP, HINT_UNIX_PATH, N_("a unix socket has only "
	  "SOL_SOCKET options: IP_, IPV6_ and TCP_ options do not apply") },
	{ "setsockopt", EOPNOTSUPP, HINT_UNIX_ABSTRACT, N_("a unix socket has "
	  "only SOL_SOCKET options: IP_, IPV6_ and TCP_ options do not "
	  "apply") },
};

struct eai_hint {
	int code;
	const char *hint;
};

static const struct eai_hint eai_hints[] = {
	{ EAI_ADDRFAMILY, N_("the host has no address in the family asked for "
	  "(drop -4/-6)") },
	{ EAI_AGAIN, N_("the name server did not answer in time; try again, "
	  "check /etc/resolv.conf") },
	{ EAI_BADFLAGS, N_("the resolver hints were not valid") },
	{ EAI_FAIL, N_("the name server failed for good; check the name and "
	  "the DNS setup") },
	{ EAI_FAMILY, N_("the address family is not supported by the "
	  "resolver") },
	{ EAI_MEMORY, N_("the resolver ran out of memory") },
	{ EAI_NODATA, N_("the name exists but has no address records") },
	{ EAI_NONAME, N_("no such host (check the spelling, /etc/hosts and "
	  "DNS), or a numeric-only address that is not one") },
	{ EAI_OVERFLOW, N_("a resolver buffer was too small") },
	{ EAI_SERVICE, N_("no such service for this socket type: check "
	  "/etc/services or give a port number") },
	{ EAI_SOCKTYPE, N_("the socket type is not supported by the "
	  "resolver") },
	{ EAI_SYSTEM, N_("a system error inside the resolver; see errno") },
};

const char *
explain_errno(const char *call, int err)
{
	const struct errno_hint *general = NULL;
	size_t i;

	for (i = 0; i < ARRAY_LEN(errno_hints); i++) {
		const struct errno_hint *row = &errno_hints[i];

		if (row->err != err)
			continue;
		if (row->call == NULL) {
			if (general == NULL)
				general = row;
		} else if (call != NULL && strcmp(row->call, call) == 0) {
			return row->hint;
		}
	}
	return general ? general->hint : NULL;
}

/* Which row of transport_hints a socket's address picks. Returns -1: none. */
static int
transport_of(const struct sockaddr *sa, socklen_t len, int socktype)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);

	if (sa == NULL || len < sizeof(sa_family_t))
		return -1;
	if (sa->sa_family == AF_UNIX)
		return len > off && sun->sun_path[0] == '\0' ?
		    HINT_UNIX_ABSTRACT : HINT_UNIX_PATH;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return -1;
	if (socktype == SOCK_STREAM)
		return HINT_TCP;
	return socktype == SOCK_DGRAM ? HINT_UDP : -1;
}

static unsigned
port_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

const char *
explain_errno_at(const char *call, int err, const struct sockaddr *sa,
    socklen_t len, int socktype, char *out, size_t cap)
{
	int transport = transport_of(sa, len, socktype);
	struct strbuf sb;
	const char *p, *mark;
	size_t i;

	for (i = 0; i < ARRAY_LEN(transport_hints); i++) {
		const struct transport_hint *row = &transport_hints[i];

		if (row->err != err || (int)row->transport != transport ||
		    call == NULL || strcmp(row->call, call) != 0)
			continue;
		/*
		 * Translated before the port goes in: the catalogue has
		 * the text with "{port}", never one with a number.
		 */
		strbuf_init(&sb, out, cap);
		for (p = _(row->hint); (mark = strstr(p, "{port}")) != NULL;
		    p = mark + 6) {
			strbuf_add(&sb, p, (size_t)(mark - p));
			strbuf_printf(&sb, "%u", port_of(sa));
		}
		strbuf_puts(&sb, p);
		return out;
	}
	return explain_errno(call, err);
}

/*
 * TLS failures by the name the report gives them: a verify constant, an
 * alert as "alert NAME", or one of sockit's own words.
 */
static const struct {
	const char *name;
	const char *hint;
} tls_hints[] = {
	{ "X509_V_ERR_CERT_HAS_EXPIRED",
	  N_("the server must renew its certificate; if the dates look right, "
	  "check this machine's clock") },
	{ "X509_V_ERR_CERT_NOT_YET_VALID",
	  N_("the certificate starts later than the clock here says: check the "
	  "clocks of both machines") },
	{ "X509_V_ERR_HOSTNAME_MISMATCH",
	  N_("connect by a name the certificate has, or name the one to check "
	  "with --verify-name NAME") },
	{ "X509_V_ERR_IP_ADDRESS_MISMATCH",
	  N_("the certificate has no IP SAN for this address: connect by a "
	  "name it has, or check one with --verify-name NAME") },
	{ "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
	  N_("trust its CA with --cafile FILE, pin the server's key with --pin "
	  "(sockit connect -v --insecure shows it), or check nothing with "
	  "--insecure") },
	{ "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT",
	  N_("trust its CA with --cafile FILE, pin the server's key with "
	  "--pin, or check nothing with --insecure") },
	{ "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
	  N_("a self-signed certificate: trust it with --cafile FILE (the "
	  "certificate itself), pin its key with --pin (sockit connect -v "
	  "--insecure shows it), or check nothing with --insecure") },
	{ "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
	  N_("the chain ends in a CA this machine does not trust: trust it "
	  "with --cafile FILE, pin the server's key with --pin, or check "
	  "nothing with --insecure") },
	{ "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE",
	  N_("the server sent no chain up to a CA we trust: trust its CA with "
	  "--cafile FILE, or pin its key with --pin") },
	{ "pin mismatch",
	  N_("a new key, or someone else answering: ask the server's owner "
	  "before changing --pin") },
	{ "alert handshake failure",
	  N_("the peer accepts none of the versions, ciphers or certificates "
	  "offered: see --tls-min, --tls-max, --ciphers, --ciphersuites, "
	  "--cert") },
	{ "alert certificate required",
	  N_("the server wants a client certificate: --cert FILE --key FILE") },
	{ "alert bad certificate",
	  N_("the peer refused our certificate: is it signed by a CA the peer "
	  "trusts?") },
	{ "alert unknown CA",
	  N_("the peer does not trust the CA that signed our certificate") },
	{ "alert certificate expired",
	  N_("the peer found our certificate expired: renew it, or check the "
	  "clocks") },
	{ "alert protocol version",
	  N_("no TLS version both sides speak: see --tls-min and --tls-max") },
	{ "alert unrecognized name",
	  N_("the server knows no site by the name sent (SNI): see --sni") },
	{ "alert no application protocol",
	  N_("the server speaks none of the --alpn protocols offered") },
	{ "alert decrypt error",
	  N_("the peer could not check a signature: a wrong key for the "
	  "certificate?") },
	{ "alert internal error",
	  N_("the peer failed on its side: its log says why") },
	{ "not tls",
	  N_("the port answers in plain text or another protocol: try without "
	  "--tls, or check the port (443 for HTTPS, 993 for IMAPS)") },
	{ "plain client",
	  N_("the client must speak TLS here: https:// rather than http://, or "
	  "a TLS option such as --tls") },
	{ "client certificate",
	  N_("--verify-client takes certificates signed by a CA in --cafile "
	  "or --capath, valid now") },
	{ "no client certificate",
	  N_("a client presents one with --cert FILE --key FILE (sockit, curl) "
	  "or -cert FILE -key FILE (openssl s_client)") },
	{ "eof",
	  N_("the peer may not speak TLS on this port, or refused what we "
	  "offered without saying why: try -t to see the exchange") },
	{ "protocol",
	  N_("the peer sent what TLS does not allow here: a broken peer, or "
	  "something on the path that changes the bytes; -t shows the calls") },
	{ "no pem",
	  N_("a PEM file starts with a -----BEGIN line: is it DER (convert it "
	  "with openssl x509 -inform der), or --cert and --key swapped?") },
	{ "encrypted key",
	  N_("give its passphrase with --key-pass-file FILE (the first line of "
	  "FILE)") },
	{ "wrong passphrase",
	  N_("the first line of --key-pass-file must be the key's passphrase, "
	  "as openssl pkey -in KEY -noout asks for it") },
	{ "key mismatch",
	  N_("give the key the certificate was made for: their public keys "
	  "must be the same (openssl x509 -pubkey and openssl pkey -pubout)") },
	{ "no ca",
	  N_("--cafile takes PEM certificates, one -----BEGIN CERTIFICATE----- "
	  "block each") },
	{ "starttls refused",
	  N_("the server offers no TLS on this port, or not now: try its TLS "
	  "port (465 for SMTP, 993 IMAP, 995 POP3, 990 FTP) with --tls, or "
	  "ask its owner to turn STARTTLS on") },
	{ "starttls turned away",
	  N_("the server refused the session before TLS came up (busy, or not "
	  "serving this client): its answer says why; -v shows the "
	  "exchange") },
	{ "starttls odd",
	  N_("another protocol on this port, or TLS from the first byte: check "
	  "--starttls's protocol and the port, or try --tls; -v shows the "
	  "exchange") },
	{ "starttls closed",
	  N_("the server hung up before TLS: it may limit clients, or want "
	  "another protocol; -v shows the exchange") },
	{ "starttls early",
	  N_("a server must wait for our command, and after agreeing, for the "
	  "TLS handshake: bytes sent early could pass for encrypted data, so "
	  "the connection is dropped") },
};

const char *
explain_tls(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(tls_hints); i++)
		if (strcmp(tls_hints[i].name, name) == 0)
			return tls_hints[i].hint;
	return NULL;
}

const char *
explain_eai(int code)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(eai_hints); i++)
		if (eai_hints[i].code == code)
			return eai_hints[i].hint;
	return NULL;
}

const char *
explain_h_errno(int herr, bool by_addr)
{
	switch (herr) {
	case HOST_NOT_FOUND:
		return by_addr ? N_("the address has no name: no PTR record "
		    "in DNS and no line for it in /etc/hosts") :
		    N_("the name is in neither /etc/hosts nor DNS (a name "
		    "under .invalid never is)");
	case TRY_AGAIN:
		return N_("the name server did not answer in time: try "
		    "again, or check /etc/resolv.conf");
	case NO_RECOVERY:
		return N_("the name server failed for good: it refused the "
		    "query or its answer was broken");
	case NO_DATA:
		return N_("the name exists but has no IPv4 address, the "
		    "only kind gethostbyname gives; resolve without --legacy "
		    "asks getaddrinfo, which finds IPv6 too");
	}
	return NULL;
}

/*
 * nc's flags (ncat's long names too), and how sockit spells each after its
 * command: nc listens with -l and connects without it; here listen and
 * connect are commands.
 */
enum nc_value {
	NC_NONE,	/* a flag alone */
	NC_WORD,	/* a plain word, repeated: -w 3 */
	NC_PORT,	/* -p's number */
	NC_HOST,	/* -s's address */
	NC_PROGRAM,	/* -e, -c: quoted for the shell when not plain */
};

struct nc_flag {
	char letter;
	const char *long_name;	/* ncat's, or NULL */
	enum nc_value value;
	const char *listen;	/* listen's option; "" drops it, NULL: none */
	const char *connect;	/* the same for connect */
};

static const struct nc_flag nc_flags[] = {
	{ 'l', "listen", NC_NONE, "", NULL },
	{ 'k', "keep-open", NC_NONE, "-k", NULL },
	{ 'u', "udp", NC_NONE, "-u", "-u" },
	/* -U: the endpoint becomes unix:PATH, which says it. */
	{ 'U', "unixsock", NC_NONE, "", "" },
	{ 'v', "verbose", NC_NONE, "-v", "-v" },
	{ 'z', NULL, NC_NONE, NULL, "-z" },
	{ '4', NULL, NC_NONE, "-4", "-4" },
	{ '6', NULL, NC_NONE, "-6", "-6" },
	/* -n: no name lookups; an address is never looked up here anyway. */
	{ 'n', "nodns", NC_NONE, "", "" },
	/* -N: FIN on stdin's EOF, which sockit sends by default. */
	{ 'N', NULL, NC_NONE, "", "" },
	{ 'C', "crlf", NC_NONE, "-C", "-C" },
	{ 'w', "wait", NC_WORD, "-w", "-w" },
	{ 'q', NULL, NC_WORD, "-q", "-q" },
	/* -p and -s: listen's endpoint, connect's source address. */
	{ 'p', "source-port", NC_PORT, "", "-s" },
	{ 's', "source", NC_HOST, "", "-s" },
	{ 'e', "exec", NC_PROGRAM, "-e", "-e" },
	{ 'c', "sh-exec", NC_PROGRAM, "-c", "-c" },
};

/*
 * nc's flags that sockit refuses together (each string's letters all
 * given), so that no advice is a line the parser rejects: a program talks
 * to the peer itself, and a unix socket has no family, port or source.
 */
static const char *const nc_conflicts[] = {
	"46", "ec", "eq", "cq", "eC", "cC", "ez", "cz", "kue", "kuc",
	"U4", "U6", "Up", "Us",
};

/* The words a suggestion may repeat without quoting for the shell. */
static bool
plain_word(const char *w)
{
	if (w == NULL || *w == '\0')
		return false;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && strchr("._-:%/@+,[]", *w) ==
		    NULL)
			return false;
	return true;
}

/* A word a suggestion may repeat inside single quotes: no ' and no control. */
static bool
quotable_word(const char *w)
{
	if (w == NULL || *w == '\0')
		return false;
	for (; *w; w++)
		if (*w == '\'' || iscntrl((unsigned char)*w))
			return false;
	return true;
}

static bool
all_digits(const char *w)
{
	return *w != '\0' && strspn(w, "0123456789") == strlen(w);
}

/*
 * nc's port word: a number, a service name (a letter, then letters, digits
 * and '-'), or with zero (-z) a list and ranges such as 22,80,8000-8100.
 */
static bool
is_port_word(const char *w, bool zero)
{
	static const char name[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

	if (all_digits(w))
		return true;
	if (isalpha((unsigned char)w[0]))
		return strspn(w, name) == strlen(w);
	return zero && isdigit((unsigned char)w[0]) &&
	    strspn(w, "0123456789,-") == strlen(w);
}

/* A host name or address, never HOST:PORT or a bare number. */
static bool
is_host(const char *w)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (!plain_word(w) || strpbrk(w, "/@,[]") != NULL || all_digits(w) ||
	    (!isalnum((unsigned char)w[0]) && w[0] != ':'))
		return false;
	return strchr(w, ':') == NULL || inet_pton(AF_INET6, w, addr) == 1;
}

/* HOST:PORT with a numeric port, as sockit writes an endpoint. */
static bool
is_host_port(const char *w)
{
	const char *colon = strrchr(w, ':');
	char host[256];

	if (!plain_word(w) || colon == NULL || !all_digits(colon + 1) ||
	    (size_t)(colon - w) >= sizeof(host))
		return false;
	memcpy(host, w, (size_t)(colon - w));
	host[colon - w] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']')
		return true;
	return strchr(host, ':') == NULL && is_host(host);
}

/*
 * A word where a command should be that reads as a host: an address,
 * localhost, a dotted name, HOST:PORT, or any name followed by a port.
 */
static bool
looks_like_host(const char *w, const char *next)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (is_host_port(w))
		return true;
	if (!is_host(w))
		return false;
	return inet_pton(AF_INET, w, addr) == 1 || strchr(w, ':') != NULL ||
	    strcmp(w, "localhost") == 0 || strchr(w, '.') != NULL ||
	    (next != NULL && all_digits(next));
}

/* Whether argv (argc words) may be nc's at all, from its first word. */
static bool
may_be_nc(int argc, char *const *argv)
{
	return argc > 0 && (argv[0][0] == '-' || looks_like_host(argv[0],
	    argc > 1 ? argv[1] : NULL));
}

static const struct nc_flag *
find_nc_flag(char letter)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_flags); i++)
		if (nc_flags[i].letter == letter)
			return &nc_flags[i];
	return NULL;
}

static const struct nc_flag *
find_nc_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_flags); i++)
		if (nc_flags[i].long_name != NULL &&
		    strlen(nc_flags[i].long_name) == len &&
		    strncmp(nc_flags[i].long_name, name, len) == 0)
			return &nc_flags[i];
	return NULL;
}

/* An nc command line taken apart: its options in order, its words. */
struct nc_line {
	struct {
		const struct nc_flag *flag;
		const char *value;
	} opts[32];
	int nopts;
	const char *pos[2];
	int npos;
	bool listen, unix;
};

/* Adds flag f with value v to l. Returns 0, or -1 when v is no value for f. */
static int
add_nc_opt(struct nc_line *l, const struct nc_flag *f, const char *v)
{
	bool ok = true;

	switch (f->value) {
	case NC_NONE:
		break;
	case NC_WORD:
		ok = plain_word(v) && v[0] != '-';
		break;
	case NC_PORT:
		ok = v != NULL && all_digits(v);
		break;
	case NC_HOST:
		ok = v != NULL && is_host(v);
		break;
	case NC_PROGRAM:	/* never an option's word to sockit */
		ok = (plain_word(v) || quotable_word(v)) && v[0] != '-';
		break;
	}
	if (!ok || l->nopts == (int)ARRAY_LEN(l->opts))
		return -1;
	l->listen |= f->letter == 'l';
	l->unix |= f->letter == 'U';
	l->opts[l->nopts].flag = f;
	l->opts[l->nopts].value = v;
	l->nopts++;
	return 0;
}

/* Takes nc's words apart into l. Returns 0, or -1 when they are not nc's. */
static int
parse_nc_line(int argc, char *const *argv, struct nc_line *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;
		const struct nc_flag *f;

		if (a[0] != '-' || a[1] == '\0') {
			if (l->npos == 2 || !plain_word(a))
				return -1;
			l->pos[l->npos++] = a;
			continue;
		}
		if (a[1] == '-') {	/* ncat's --name or --name=VALUE */
			const char *name = a + 2, *v = NULL;
			size_t len = strcspn(name, "=");

			f = find_nc_long(name, len);
			if (f == NULL || (name[len] == '=' &&
			    f->value == NC_NONE))
				return -1;
			if (name[len] == '=')
				v = name + len + 1;
			else if (f->value != NC_NONE)
				v = i + 1 < argc ? argv[++i] : NULL;
			if (add_nc_opt(l, f, v) < 0)
				return -1;
			continue;
		}
		for (p = a + 1; *p; p++) {
			const char *v = NULL;

			f = find_nc_flag(*p);
			if (f == NULL)
				return -1;
			if (f->value != NC_NONE)
				v = p[1] != '\0' ? p + 1 :
				    i + 1 < argc ? argv[++i] : NULL;
			if (add_nc_opt(l, f, v) < 0)
				return -1;
			if (v != NULL)
				break;
		}
	}
	return 0;
}

/* Appends option opt with a program's words, quoted when not plain. */
static void
put_program(struct strbuf *sb, const char *opt, const char *v)
{
	if (plain_word(v))
		strbuf_printf(sb, " %s %s", opt, v);
	else
		strbuf_printf(sb, " %s '%s'", opt, v);
}

/* Appends host, with port when not NULL, as an endpoint or -s's address. */
static void
put_host_port(struct strbuf *sb, const char *host, const char *port)
{
	if (host == NULL)
		strbuf_printf(sb, ":%s", port);
	else if (port == NULL)
		strbuf_puts(sb, host);
	else if (strchr(host, ':') != NULL)
		/* Quoted: zsh would take [::1] for a pattern, and fail. */
		strbuf_printf(sb, "\"[%s]:%s\"", host, port);
	else
		strbuf_printf(sb, "%s:%s", host, port);
}

/*
 * Appends the endpoint of nc's words: HOST PORT, or -l's [HOST] PORT, or
 * -l's [HOST] with -s's host and -p's port, or -U's PATH. zero: -z was
 * given. Returns 0, or -1 when they are not that.
 */
static int
put_nc_endpoint(struct strbuf *sb, const struct nc_line *l, bool zero,
    bool udp, const char *lhost, const char *port)
{
	const char *const *pos = l->pos;
	const char *host = NULL;
	int npos = l->npos;

	if (l->unix) {
		/* A path; unix:[..] would not paste safely (a glob). */
		if (npos != 1 || port != NULL || lhost != NULL ||
		    strpbrk(pos[0], "[]") != NULL)
			return -1;
		strbuf_printf(sb, " %s:%s", udp ? "unix-dgram" : "unix",
		    pos[0]);
		return 0;
	}
	if (npos == 1 && port == NULL && lhost == NULL &&
	    is_host_port(pos[0])) {
		strbuf_printf(sb, pos[0][0] == '[' ? " \"%s\"" : " %s",
		    pos[0]);
		return 0;
	}
	if (port != NULL && npos > 1)
		return -1;
	if (port != NULL || npos == 2)
		host = npos > 0 ? pos[0] : NULL;
	if (npos == 2)
		port = pos[1];
	else if (npos == 1 && port == NULL && l->listen)
		port = pos[0];
	else if (npos == 1 && port == NULL)
		host = pos[0];
	if (lhost != NULL && host != NULL)
		return -1;
	if (lhost != NULL)
		host = lhost;
	if (port == NULL && l->listen && host == NULL)
		return 0;	/* nc -l alone: a port the kernel picks */
	if (port == NULL && l->listen)
		port = "0";
	if (port != NULL ? !is_port_word(port, zero) : host == NULL)
		return -1;
	if (host != NULL && !is_host(host))
		return -1;
	if (port == NULL)
		port = "PORT";
	strbuf_puts(sb, " ");
	if (host == NULL && all_digits(port))
		strbuf_puts(sb, port);	/* a bare name would be a host */
	else
		put_host_port(sb, host, port);
	return 0;
}

int
explain_nc_line(int argc, char *const *argv, char *out, size_t cap)
{
	const char *port = NULL, *lhost = NULL, *sport = NULL, *shost = NULL;
	char seen[ARRAY_LEN(nc_flags) + 1] = "";
	struct nc_line l;
	struct strbuf sb;
	bool zero = false, udp = false;
	int i;

	/* First the words: which command, and nothing nc does not know. */
	if (!may_be_nc(argc, argv) || parse_nc_line(argc, argv, &l) < 0)
		return -1;
	strbuf_init(&sb, out, cap);
	strbuf_puts(&sb, l.listen ? "sockit listen" : "sockit connect");
	/* Then the options, each once, in the order given. */
	for (i = 0; i < l.nopts; i++) {
		const struct nc_flag *f = l.opts[i].flag;
		const char *opt = l.listen ? f->listen : f->connect;
		const char *value = l.opts[i].value;

		if (opt == NULL)
			return -1;
		zero |= f->letter == 'z';
		udp |= f->letter == 'u';
		if (f->letter == 'p' && l.listen)
			port = value;
		else if (f->letter == 'p')
			sport = value;
		else if (f->letter == 's' && l.listen)
			lhost = value;
		else if (f->letter == 's')
			shost = value;
		else if (f->letter == 'u' && l.unix)
			;	/* unix-dgram: says it */
		else if (*opt != '\0' && f->value == NC_PROGRAM)
			put_program(&sb, opt, value);
		else if (*opt != '\0' && value != NULL)
			strbuf_printf(&sb, " %s %s", opt, value);
		else if (*opt != '\0' && strchr(seen, f->letter) == NULL)
			strbuf_printf(&sb, " %s", opt);
		if (strchr(seen, f->letter) == NULL)
			seen[strlen(seen)] = f->letter;
	}
	for (i = 0; i < (int)ARRAY_LEN(nc_conflicts); i++)
		if (strspn(nc_conflicts[i], seen) == strlen(nc_conflicts[i]))
			return -1;
	if (sport != NULL || shost != NULL) {
		strbuf_puts(&sb, " -s ");
		put_host_port(&sb, shost, sport);
	}
	if (put_nc_endpoint(&sb, &l, zero, udp, lhost, port) < 0)
		return -1;
	return strbuf_used(&sb) == sb.len ? 0 : -1;
}

const char *
explain_nc_missing(int argc, char *const *argv)
{
	/* Translated here: the callers put it into a message of their own. */
	static const char proxy[] = N_("sockit has no proxy support yet (-x "
	    "is the hex dump here)");
	int i;

	if (!may_be_nc(argc, argv))
		return NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;

		if (strncmp(a, "--proxy", 7) == 0)
			return _(proxy);
		if (strncmp(a, "--ssl", 5) == 0)
			return _("TLS is an option of the command here: "
			    "sockit connect --tls HOST:PORT, sockit listen "
			    "--tls --cert FILE PORT");
		if (a[0] != '-' || a[1] == '-')
			continue;
		/* -X TYPE, or -x with a proxy's address after it. */
		for (p = a + 1; *p; p++) {
			const struct nc_flag *f = find_nc_flag(*p);
			const char *v = p[1] != '\0' ? p + 1 :
			    i + 1 < argc ? argv[i + 1] : NULL;

			if (*p == 'X' || (*p == 'x' && v != NULL &&
			    looks_like_host(v, NULL)))
				return _(proxy);
			if (f != NULL && f->value != NC_NONE)
				break;
		}
	}
	return NULL;
}

/* What an nc option means to a command that spells it another way. */
enum nc_example {
	NC_EXAMPLE_NONE,
	NC_EXAMPLE_ENDPOINT,	/* "sockit COMMAND ARG" */
	NC_EXAMPLE_SOURCE,	/* "-s :ARG" */
	NC_EXAMPLE_LISTEN,	/* "sockit listen PORT" */
};

struct nc_option {
	const char *commands;	/* the commands it is given to, each once */
	char letter;
	const char *advice;
	enum nc_example example;	/* what follows the advice */
};

static const struct nc_option nc_options[] = {
	{ "connect send", 'N', N_("nc's -N is the default here: stdin's EOF "
	  "sends FIN (--shutdown wr); drop -N"), NC_EXAMPLE_NONE },
	{ "listen recv", 'p', N_("unlike nc, the port is the endpoint: write"),
	  NC_EXAMPLE_ENDPOINT },
	{ "connect send", 'p', N_("unlike nc, a source port is -s: write"),
	  NC_EXAMPLE_SOURCE },
	{ "listen recv", 'l', N_("the command listens already, as nc -l does; "
	  "drop -l"), NC_EXAMPLE_NONE },
	{ "connect send", 'l', N_("nc's -l is a command here: write"),
	  NC_EXAMPLE_LISTEN },
	{ "connect send", 'X', N_("sockit has no proxy support yet (-x is the "
	  "hex dump here)"), NC_EXAMPLE_NONE },
};

/* Returns true when word is one of the blank-separated words of list. */
static bool
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list != '\0') {
		size_t len = strcspn(list, " ");

		if (len == n && strncmp(list, word, n) == 0)
			return true;
		list += len;
		list += strspn(list, " ");
	}
	return false;
}

const char *
explain_nc_option(const char *command, char letter, const char *arg,
    char *out, size_t cap)
{
	const char *value = arg != NULL && all_digits(arg) ? arg : "PORT";
	const char *advice;
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_options); i++) {
		const struct nc_option *o = &nc_options[i];

		if (o->letter != letter || !in_list(o->commands, command))
			continue;
		/* The caller puts it into its message as it stands. */
		advice = _(o->advice);
		switch (o->example) {
		case NC_EXAMPLE_NONE:
			snprintf(out, cap, "%s", advice);
			break;
		case NC_EXAMPLE_ENDPOINT:
			snprintf(out, cap, "%s 'sockit %s %s'", advice,
			    command, value);
			break;
		case NC_EXAMPLE_SOURCE:
			snprintf(out, cap, "%s '-s :%s'", advice, value);
			break;
		case NC_EXAMPLE_LISTEN:
			snprintf(out, cap, "%s 'sockit listen PORT'",
			    advice);
			break;
		}
		return out;
	}
	return NULL;
}
