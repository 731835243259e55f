/* explain.c: the table of hints behind every error message. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <errno.h>
#include <netdb.h>
#include <stddef.h>
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
	{ "open", EACCES, N_("this user may not read the file: see its mode "
	  "and owner, and its directories', with ls -l") },
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

/* A UDP socket's EACCES: the same cause at connect and at each send. */
#define UDP_BROADCAST N_("a broadcast address needs SO_BROADCAST: add " \
	"--broadcast (or check the address, and the firewall)")

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
	{ "connect", EACCES, HINT_UDP, UDP_BROADCAST },
	{ "send", EACCES, HINT_UDP, UDP_BROADCAST },
	{ "sendto", EACCES, HINT_UDP, UDP_BROADCAST },
	{ "sendmsg", EACCES, HINT_UDP, UDP_BROADCAST },
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

/* --proxy's failures: what the proxy's answer means, and what to check. */
static const struct {
	const char *name;
	const char *hint;
} proxy_hints[] = {
	{ "refused",
	  N_("the proxy reached the destination, where nothing listens on "
	  "that port: check the target's port as the proxy sees it") },
	{ "unreachable",
	  N_("the proxy cannot reach the destination: check the target's name "
	  "and address from the proxy's side, and its routes") },
	{ "not allowed",
	  N_("the proxy's rules do not let this client reach this destination "
	  "(sockit's --allow-to/--deny-to, danted's socks pass rules): its "
	  "log says which rule") },
	{ "failure",
	  N_("the proxy could not do the request: its log says why") },
	{ "socks4 rejected",
	  N_("the proxy refused the request or could not reach the "
	  "destination: SOCKS4 does not say which; socks5:// does") },
	{ "socks4 odd",
	  N_("SOCKS4 replies 90 to 93 only: this answer is outside the "
	  "protocol, a bug in the proxy or no SOCKS4 proxy at all; -t shows "
	  "the handshake") },
	{ "malformed",
	  N_("the reply breaks RFC 1928 (an address type other than 1, 3 or "
	  "4): a bug in the proxy; its log or -t's handshake may say more") },
	{ "socks4 identd",
	  N_("this SOCKS4 proxy checks the client's identd: run one, or use "
	  "socks5://") },
	{ "credentials",
	  N_("most often the proxy wants a user name and password (give them with --proxy "
	  "socks5://USER:PASS@HOST:PORT or --proxy-auth-file FILE); an HTTP "
	  "proxy's port can answer SOCKS this way too (try http://)") },
	{ "no method",
	  N_("the proxy takes neither no authentication nor a password: it may "
	  "want GSSAPI, which sockit does not speak") },
	{ "odd method",
	  N_("a SOCKS5 proxy must choose among the methods offered (RFC 1928): "
	  "this one does not follow the protocol") },
	{ "auth",
	  N_("check the user name and password: the proxy's log says which was "
	  "wrong") },
	{ "407",
	  N_("give credentials with --proxy http://USER:PASS@HOST:PORT or "
	  "--proxy-auth-file FILE") },
	{ "403",
	  N_("the proxy's rules forbid this destination or port (sockit's "
	  "--allow-to/--deny-to, tinyproxy's ConnectPort, squid's SSL_ports): "
	  "ask its admin") },
	{ "5xx",
	  N_("the proxy could not reach the destination: check the target's "
	  "name and port as the proxy sees them") },
	{ "socks port",
	  N_("this port is a SOCKS proxy, not an HTTP one: use --proxy "
	  "socks5h://HOST:PORT") },
	{ "http refused",
	  N_("the proxy did not open the tunnel: its status line says why, "
	  "its log more; -t shows the handshake") },
	{ "no connect",
	  N_("this server does not take CONNECT: is it a web server rather "
	  "than a proxy, or a proxy for plain HTTP only?") },
	{ "closed",
	  N_("the proxy hung up during the handshake: check --proxy's scheme "
	  "and port; its log says why") },
	{ "closed socks4",
	  N_("the proxy hung up during the handshake: check --proxy's scheme "
	  "(a SOCKS5 proxy may drop a SOCKS4 request); its log says why") },
	{ "401",
	  N_("401 is a web server's or tinyproxy's word for refused "
	  "credentials: check the user name and password, and that --proxy "
	  "names a proxy") },
	{ "3xx",
	  N_("a redirect is a web server's answer; a proxy answers CONNECT "
	  "with 200: check --proxy's host and port") },
	{ "echo",
	  N_("check --proxy's port: it reaches an echo service, not a proxy") },
	{ "silent",
	  N_("the proxy took the connection but never answered: check "
	  "--proxy's scheme and port (-t shows the handshake); -w sets how "
	  "long to wait") },
	{ "odd",
	  N_("check --proxy's scheme and port: socks5:// for a SOCKS port "
	  "(1080, 9050), http:// for an HTTP proxy (3128, 8080); -t shows the "
	  "handshake") },
	{ "socks5 only",
	  N_("the proxy answered as a SOCKS5 proxy does: use socks5:// or "
	  "socks5h://") },
	{ "socks5 resolve",
	  N_("with socks5:// this machine resolves the target; socks5h:// lets "
	  "the proxy resolve it, as it must for names only it knows") },
	{ "socks4 resolve",
	  N_("with socks4:// this machine resolves the target; socks4a:// lets "
	  "the proxy resolve it") },
	{ "socks4 ipv6",
	  N_("use socks5:// or socks5h://, which carry IPv6, or socks4a:// to "
	  "let the proxy resolve the name") },
};

const char *
explain_proxy(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < ARRAY_LEN(proxy_hints); i++)
		if (strcmp(proxy_hints[i].name, name) == 0)
			return proxy_hints[i].hint;
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
