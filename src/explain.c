/* explain.c: the table of hints behind every error message. */
#include "compat.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "explain.h"

struct errno_hint {
	const char *call;	/* NULL: any call */
	int err;
	const char *hint;
};

/* Rows for a specific call come before the general row for that errno. */
static const struct errno_hint errno_hints[] = {
	{ "bind", EACCES, "ports below 1024 need root or CAP_NET_BIND_SERVICE; "
	  "for a unix socket, check the directory's permissions" },
	{ "connect", EACCES, "for a unix socket, you need write permission "
	  "on the socket file; otherwise a firewall rule refused it" },
	{ "execvpe", EACCES, "the file is not executable (chmod +x) or is a "
	  "directory" },
	{ NULL, EACCES, "permission denied: check file modes, capabilities "
	  "and firewall rules" },
	{ "bind", EADDRINUSE, "another socket already holds this address: find "
	  "it with 'ss -ltnp', or pick another port; for a unix socket, "
	  "remove the stale file or use --unlink" },
	{ NULL, EADDRINUSE, "the local address is already in use; choose "
	  "another source port or let the kernel pick one" },
	{ "bind", EADDRNOTAVAIL, "that address is not on any local interface; "
	  "use 0.0.0.0, ::, or an address 'ip addr' shows" },
	{ NULL, EADDRNOTAVAIL, "no local address or port is free for this "
	  "destination; the ephemeral port range may be exhausted" },
	{ NULL, EAFNOSUPPORT, "this address family is not supported here: is "
	  "IPv6 disabled (try -4), or the address of the wrong family?" },
	{ NULL, EALREADY, "a connect on this socket is already in progress" },
	{ NULL, EBADF, "the file descriptor is not open: an internal error "
	  "or a closed standard stream" },
	{ NULL, ECONNABORTED, "the connection was aborted before accept() "
	  "could take it; the peer gave up, try again" },
	{ "connect", ECONNREFUSED, "nothing is listening on that port, or a "
	  "firewall rejected the SYN" },
	{ NULL, ECONNREFUSED, "the peer's port is closed: for UDP an ICMP "
	  "port-unreachable came back, so nothing listens there" },
	{ NULL, ECONNRESET, "the peer reset the connection (RST): it crashed, "
	  "closed with unread data, or SO_LINGER 0" },
	{ NULL, EDESTADDRREQ, "a datagram needs a destination: connect the "
	  "socket or give an address" },
	{ NULL, EHOSTDOWN, "the host is down: it did not answer ARP or "
	  "neighbour discovery" },
	{ NULL, EHOSTUNREACH, "no route to that host: check the address, "
	  "'ip route', and firewalls that answer with ICMP" },
	{ NULL, EINPROGRESS, "the non-blocking connect has started and is "
	  "not finished yet" },
	{ NULL, EISCONN, "the socket is already connected" },
	{ NULL, EMSGSIZE, "the message is larger than one datagram can carry "
	  "(UDP: 65507 bytes over IPv4; unix: the socket's send buffer)" },
	{ NULL, ENETDOWN, "the network interface is down: 'ip link' shows "
	  "its state" },
	{ NULL, ENETRESET, "the network dropped the connection (keepalive "
	  "failed or the interface reset)" },
	{ NULL, ENETUNREACH, "no route to that network: no default route, or "
	  "IPv6 without IPv6 connectivity (try -4)" },
	{ "accept", ENOBUFS, "the kernel is short of memory for a new "
	  "connection; the peer waits in the queue while sockit pauses" },
	{ "accept", ENOMEM, "the kernel is short of memory for a new "
	  "connection; the peer waits in the queue while sockit pauses" },
	{ NULL, ENOBUFS, "the kernel ran out of socket buffer memory; send "
	  "less at once or raise net.core.wmem_max" },
	{ "setsockopt", ENOPROTOOPT, "this option does not apply to this kind "
	  "of socket: an IP_ option on IPv6, or a TCP_ option on UDP?" },
	{ NULL, ENOPROTOOPT, "the protocol does not know this option" },
	{ NULL, ENOTCONN, "the socket is not connected: connect() first, or "
	  "the peer went away" },
	{ NULL, ENOTSOCK, "the descriptor is not a socket" },
	{ NULL, EOPNOTSUPP, "this socket type does not support the operation "
	  "(listen on a datagram socket?)" },
	{ NULL, EPFNOSUPPORT, "the protocol family is not supported by this "
	  "kernel" },
	{ NULL, EPIPE, "the peer closed the connection before everything was "
	  "sent; it did not read the rest" },
	{ NULL, EPROTONOSUPPORT, "the protocol is not supported for this "
	  "family and type" },
	{ NULL, EPROTOTYPE, "the socket type does not match the peer's: "
	  "stream, datagram and seqpacket unix sockets do not mix" },
	{ NULL, ESHUTDOWN, "the socket was shut down for writing already" },
	{ NULL, ESOCKTNOSUPPORT, "this socket type is not supported in this "
	  "address family" },
	{ "connect", ETIMEDOUT, "no answer to the SYN: the host is down, or a "
	  "firewall drops packets silently" },
	{ NULL, ETIMEDOUT, "the peer stopped acknowledging data: the path or "
	  "the host failed" },
	{ NULL, EAGAIN, "the operation would block; try again later (also "
	  "EWOULDBLOCK)" },
	{ NULL, EMFILE, "this process has too many open files: raise "
	  "'ulimit -n' or close descriptors" },
	{ NULL, ENFILE, "the whole system is out of file descriptors: "
	  "fs.file-max" },
	{ "connect", ENOENT, "no unix socket file at that path: is the server "
	  "running, and is the path right?" },
	{ "bind", ENOENT, "a directory on the socket's path does not exist" },
	{ "setsockopt", ENOENT, "the kernel has no such value for this option "
	  "(TCP_CONGESTION: see net.ipv4.tcp_available_congestion_control)" },
	{ "execvpe", ENOENT, "no such program: check its name and $PATH; -e "
	  "runs PROG without a shell, -c runs STRING with /bin/sh" },
	{ NULL, ENOENT, "no such file or directory on the path" },
	{ NULL, EINVAL, "an argument is not valid for this socket in its "
	  "current state" },
	{ NULL, ENOTDIR, "a component of the socket path is not a directory" },
	{ NULL, ENAMETOOLONG, "the unix socket path is longer than sun_path "
	  "allows (107 bytes)" },
	{ NULL, EROFS, "the socket file would be on a read-only file system" },
	{ NULL, EPERM, "the operation needs privileges this process lacks "
	  "(a firewall rule can also cause this)" },
	/* The --unlink probe, which asks sock_diag instead of connecting. */
	{ "sock_diag", EADDRINUSE, "a live socket is bound to that file: stop "
	  "its server or choose another path; --unlink replaces only a file "
	  "that no socket holds" },
	{ "sock_diag", ENOENT, "this kernel cannot list unix sockets (no "
	  "unix_diag): remove the file by hand once no server holds it" },
};

struct eai_hint {
	int code;
	const char *hint;
};

static const struct eai_hint eai_hints[] = {
	{ EAI_ADDRFAMILY, "the host has no address in the family asked for "
	  "(drop -4/-6)" },
	{ EAI_AGAIN, "the name server did not answer in time; try again, "
	  "check /etc/resolv.conf" },
	{ EAI_BADFLAGS, "the resolver hints were not valid" },
	{ EAI_FAIL, "the name server failed for good; check the name and "
	  "the DNS setup" },
	{ EAI_FAMILY, "the address family is not supported by the resolver" },
	{ EAI_MEMORY, "the resolver ran out of memory" },
	{ EAI_NODATA, "the name exists but has no address records" },
	{ EAI_NONAME, "no such host (check the spelling, /etc/hosts and DNS), "
	  "or a numeric-only address that is not one" },
	{ EAI_OVERFLOW, "a resolver buffer was too small" },
	{ EAI_SERVICE, "no such service for this socket type: check "
	  "/etc/services or give a port number" },
	{ EAI_SOCKTYPE, "the socket type is not supported by the resolver" },
	{ EAI_SYSTEM, "a system error inside the resolver; see errno" },
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

const char *
explain_eai(int code)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(eai_hints); i++)
		if (eai_hints[i].code == code)
			return eai_hints[i].hint;
	return NULL;
}
