/* errtable.c: the table of the course's error codes, a proxy's answers among them, and the lookups on it; pure data, no calls. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "errtable.h"
#include "i18n.h"

#define E(n) #n, NULL, ERRTABLE_ERRNO, n
#define EA(n, a) #n, #a, ERRTABLE_ERRNO, n
#define G(n) #n, NULL, ERRTABLE_EAI, n
#define H(n) #n, NULL, ERRTABLE_HERRNO, n
#define HA(n, a) #n, #a, ERRTABLE_HERRNO, n
#define S5(name, n) name, NULL, ERRTABLE_SOCKS5, n
#define S4(name, n) name, NULL, ERRTABLE_SOCKS4, n
#define HT(n) "HTTP_" #n, NULL, ERRTABLE_HTTP, n

/* Sorted by name within each kind, as --list prints them. */
static const struct errtable_entry table[] = {
	{ E(EACCES), N_("Permission denied"),
	  N_("bind returns it for a port below 1024 without "
	  "CAP_NET_BIND_SERVICE and for a unix path in a directory the user "
	  "may not write; connect for a unix socket file without write "
	  "permission; connect, send and sendto for a broadcast address on a "
	  "UDP socket without SO_BROADCAST, and for a route of type prohibit."),
	  N_("For a port, use one above 1023 or lower "
	  "net.ipv4.ip_unprivileged_port_start; "
	  "for a path, the permissions of the file and of its directory; "
	  "for a broadcast, set SO_BROADCAST (sockit's --broadcast)."),
	  "sockit send -u 127.255.255.255:9 hi",
	  NULL },
	{ E(EADDRINUSE), N_("Address already in use"),
	  N_("bind returns it when another socket holds the address and port "
	  "(listening, connected, or only bound), or when a connection of "
	  "that port lingers in TIME_WAIT and SO_REUSEADDR is not set; "
	  "listen and connect return it when an automatic port cannot be "
	  "found, and bind for a unix path that already exists."),
	  N_("Look for the holder with ss -tanp 'sport = :PORT': a listener "
	  "shows in ss -ltnp too, but a connection in TIME_WAIT only here, "
	  "without a process; for a unix path, remove the stale file."),
	  "sockit listen 127.0.0.1:8080 & sockit listen 127.0.0.1:8080",
	  NULL },
	{ E(EADDRNOTAVAIL), N_("Cannot assign requested address"),
	  N_("bind returns it for an address that is not on any interface of "
	  "this host; connect when no local port is left to pick (the "
	  "ephemeral range is used up towards that destination)."),
	  N_("Compare the address with ip -brief address; for connect, count "
	  "the connections in TIME_WAIT and look at "
	  "net.ipv4.ip_local_port_range."),
	  "sockit listen 192.0.2.1:8080",
	  NULL },
	{ E(EAFNOSUPPORT), N_("Address family not supported by protocol"),
	  N_("socket returns it for a family the kernel does not have; bind, "
	  "connect and sendto return it when the address's family is not "
	  "the socket's (an IPv6 address on an AF_INET socket)."),
	  N_("Make the sockaddr of the family the socket was made with; "
	  "getaddrinfo with the socket's family gives the right one."),
	  NULL,
	  NULL },
	{ EA(EAGAIN, EWOULDBLOCK), N_("Resource temporarily unavailable"),
	  N_("recv, send, accept and connect on a non-blocking socket return "
	  "it when they would have to wait: nothing has arrived, the send "
	  "buffer is full, no connection is waiting; a blocking call with "
	  "SO_RCVTIMEO or SO_SNDTIMEO returns it when the time runs out; "
	  "connect on a unix socket whose listener's queue is full."),
	  N_("It is not a failure: wait with poll or select until the socket "
	  "is ready, then call again."),
	  NULL,
	  NULL },
	{ E(EALREADY), N_("Operation already in progress"),
	  N_("connect returns it on a non-blocking socket whose previous "
	  "connect is still in progress."),
	  N_("Wait for the first connect with poll for POLLOUT, then read its "
	  "outcome with getsockopt SO_ERROR; do not call connect again."),
	  NULL,
	  NULL },
	{ E(EBADF), N_("Bad file descriptor"),
	  N_("Every call on a descriptor returns it when the number is not an "
	  "open descriptor: closed already, never opened, or -1 from a "
	  "failed socket or accept."),
	  N_("Check the return value of socket and accept before using it, and "
	  "that no other path closed the descriptor first."),
	  NULL,
	  NULL },
	{ E(ECONNABORTED), N_("Software caused connection abort"),
	  N_("accept returns it on BSD when the client reset a connection that "
	  "was waiting in the queue; Linux instead hands out the connection "
	  "and the first recv says ECONNRESET."),
	  N_("A server should treat it as harmless and accept again."),
	  NULL,
	  N_("On Linux accept returns the reset connection itself, so it takes "
	  "a BSD kernel, or a race inside the kernel that cannot be forced "
	  "from outside.") },
	{ E(ECONNREFUSED), N_("Connection refused"),
	  N_("connect returns it when the peer answers the SYN with a reset: "
	  "nobody listens on that port, or a firewall rejects it; on a "
	  "connected UDP socket, send or recv return it after an ICMP port "
	  "unreachable; connect on a unix path with no listener."),
	  N_("Check that the server runs and listens on that address and port "
	  "(ss -ltn), and that it listens on the family you connect to "
	  "(127.0.0.1 is not ::1)."),
	  "sockit connect 127.0.0.1:1",
	  NULL },
	{ E(ECONNRESET), N_("Connection reset by peer"),
	  N_("recv and send return it when the peer sent a reset: it closed "
	  "with data still unread, or with SO_LINGER set to zero, or it "
	  "crashed and its host answered for it."),
	  N_("Look at the peer: it closed while data was still coming, or it "
	  "aborted; the data it had not read is lost."),
	  NULL,
	  NULL },
	{ E(EDESTADDRREQ), N_("Destination address required"),
	  N_("send and write return it on a datagram socket that was never "
	  "connected: there is nowhere to send to."),
	  N_("Use sendto with an address, or connect the socket first."),
	  NULL,
	  NULL },
	{ E(EFAULT), N_("Bad address"),
	  N_("Any call that takes a pointer returns it when the pointer is "
	  "outside the process's memory: a buffer, a sockaddr or a length."),
	  N_("Check the pointers and the lengths passed: a socklen_t that is "
	  "not initialised before accept or getsockname is the classic."),
	  NULL,
	  NULL },
	{ E(EHOSTUNREACH), N_("No route to host"),
	  N_("connect, send and sendto return it when the route says the host "
	  "cannot be reached: an ICMP host unreachable came back, the "
	  "neighbour does not answer ARP, or the route is of type "
	  "unreachable."),
	  N_("Check the host is up and on that network (ip neigh, ping), and "
	  "the routes (ip route get ADDRESS); a firewall may reject with it."),
	  "unshare -rn sh -c 'ip route add unreachable 192.0.2.0/24; sockit "
	  "connect 192.0.2.1:9'",
	  NULL },
	{ E(EINPROGRESS), N_("Operation now in progress"),
	  N_("connect on a non-blocking socket returns it when the handshake "
	  "has started and will finish later."),
	  N_("It is not a failure: wait with poll for POLLOUT, then read the "
	  "outcome with getsockopt SO_ERROR."),
	  NULL,
	  NULL },
	{ E(EINTR), N_("Interrupted system call"),
	  N_("A blocking call (accept, connect, recv, send, poll) returns it "
	  "when a signal handler ran while it waited and the handler was set "
	  "without SA_RESTART."),
	  N_("Call again, or set the handler with SA_RESTART; a connect "
	  "interrupted this way goes on in the background and must be "
	  "awaited with poll, not repeated."),
	  NULL,
	  NULL },
	{ E(EINVAL), N_("Invalid argument"),
	  N_("bind returns it for a socket that is already bound; listen for a "
	  "socket that cannot listen in its state; accept when the socket "
	  "does not listen; setsockopt for a bad value or length; shutdown "
	  "for a bad how."),
	  N_("Look at the state of the socket before the call: bind once, "
	  "listen before accept."),
	  NULL,
	  NULL },
	{ E(EISCONN), N_("Transport endpoint is already connected"),
	  N_("connect returns it on a stream socket that is already connected; "
	  "sendto with an address on a connected stream socket."),
	  N_("A socket connects once: make a new socket for a new connection."),
	  NULL,
	  NULL },
	{ E(EMFILE), N_("Too many open files"),
	  N_("socket, accept, socketpair and pipe return it when the process "
	  "has as many descriptors open as its limit (RLIMIT_NOFILE) allows."),
	  N_("Close the descriptors no longer needed (a server that forgets to "
	  "close accepted sockets leaks them), or raise ulimit -n."),
	  NULL,
	  NULL },
	{ E(EMSGSIZE), N_("Message too long"),
	  N_("send and sendto on a datagram socket return it when the datagram "
	  "is larger than the protocol allows (65507 bytes of UDP over IPv4) "
	  "or than the path MTU with don't-fragment set."),
	  N_("Send smaller datagrams, or use a stream socket for bulk data."),
	  "head -c 65508 /dev/zero | sockit send -u 127.0.0.1:9",
	  NULL },
	{ E(ENETUNREACH), N_("Network is unreachable"),
	  N_("connect, send and sendto return it when no route leads to the "
	  "destination's network: no default route, or the interface is "
	  "down."),
	  N_("Look at ip route and ip route get ADDRESS; IPv6 without a "
	  "default route gives it for every global address."),
	  "unshare -rn sockit connect 127.0.0.1:9",
	  NULL },
	{ E(ENFILE), N_("Too many open files in system"),
	  N_("socket, accept and open return it when the whole system has as "
	  "many files open as fs.file-max allows."),
	  N_("Look at /proc/sys/fs/file-nr and the process that holds the "
	  "most."),
	  NULL,
	  N_("It takes filling the system-wide file table, which needs root "
	  "and would break every other program on the host.") },
	{ E(ENOBUFS), N_("No buffer space available"),
	  N_("socket, send and sendto return it when the kernel has no memory "
	  "for the buffers of the socket or the queue of an interface is "
	  "full; setsockopt for a multicast join past the number of groups "
	  "one socket may join, net.ipv4.igmp_max_memberships."),
	  N_("Send more slowly, or look at memory pressure (ss -m, "
	  "/proc/net/sockstat); for groups, leave the ones no longer "
	  "needed or raise the sysctl."),
	  NULL,
	  NULL },
	{ E(ENOMEM), N_("Cannot allocate memory"),
	  N_("socket, accept and other calls return it when the kernel cannot "
	  "allocate memory for the new socket or its buffers."),
	  N_("Look at the memory of the host and at the sockets in use (ss "
	  "-s)."),
	  NULL,
	  N_("It takes exhausting the kernel's memory, which no demo should do "
	  "to a shared machine.") },
	{ E(ENOPROTOOPT), N_("Protocol not available"),
	  N_("getsockopt and setsockopt return it for an option the level does "
	  "not know; setsockopt also for a level the socket does not have (a "
	  "TCP option on a UDP socket), where recent kernels' getsockopt "
	  "says EOPNOTSUPP."),
	  N_("Check the level and option pair: SOL_SOCKET with SO_*, "
	  "IPPROTO_TCP with TCP_*, IPPROTO_IP with IP_*."),
	  NULL,
	  NULL },
	{ E(ENOTCONN), N_("Transport endpoint is not connected"),
	  N_("getpeername, recv, send and shutdown return it on a socket that "
	  "is not connected: a stream socket before connect or accept, a "
	  "datagram socket that was never connected."),
	  N_("Connect first, or for datagrams use recvfrom and sendto."),
	  NULL,
	  NULL },
	{ E(ENOTSOCK), N_("Socket operation on non-socket"),
	  N_("Every socket call returns it when the descriptor is open but is "
	  "a file, a pipe or a terminal, not a socket."),
	  N_("Check which descriptor was passed: often a mix-up of the "
	  "listening socket, the accepted one and stdin or a file."),
	  NULL,
	  NULL },
	{ EA(EOPNOTSUPP, ENOTSUP), N_("Operation not supported"),
	  N_("listen and accept return it on a socket type without connections "
	  "(a datagram socket); send with a flag the protocol does not have "
	  "(MSG_OOB on UDP); on recent kernels getsockopt for a level the "
	  "socket does not have."),
	  N_("Datagram sockets have no listen and no accept: bind, then "
	  "recvfrom."),
	  NULL,
	  NULL },
	{ E(EPIPE), N_("Broken pipe"),
	  N_("send and write return it on a stream socket that can no longer "
	  "send: the peer reset the connection and the reset was already "
	  "reported, or this side shut down writing; without MSG_NOSIGNAL the "
	  "process also gets SIGPIPE, which kills it by default."),
	  N_("The peer is gone: stop writing; ignore SIGPIPE or use "
	  "MSG_NOSIGNAL so the error comes back instead of a silent death."),
	  NULL,
	  NULL },
	{ E(EPROTONOSUPPORT), N_("Protocol not supported"),
	  N_("socket returns it when the protocol does not exist in the family "
	  "or does not fit the type, such as an AF_INET socket of type "
	  "SOCK_STREAM asked for IPPROTO_UDP."),
	  N_("Pass 0 as the protocol, or the one that goes with the type: "
	  "IPPROTO_TCP with SOCK_STREAM, IPPROTO_UDP with SOCK_DGRAM."),
	  NULL,
	  NULL },
	{ E(EPROTOTYPE), N_("Protocol wrong type for socket"),
	  N_("connect on a unix socket returns it when the socket at that path "
	  "is of another type (a stream client, a datagram server)."),
	  N_("Make the client's socket of the server's type: -u for datagram, "
	  "--seqpacket for sequenced packets."),
	  NULL,
	  NULL },
	{ E(ESOCKTNOSUPPORT), N_("Socket type not supported"),
	  N_("socket returns it when the family has no such type for that "
	  "protocol, such as an AF_INET socket of type SOCK_SEQPACKET with "
	  "IPPROTO_TCP."),
	  N_("Use a type the family has: AF_INET offers SOCK_STREAM, "
	  "SOCK_DGRAM and SOCK_RAW; SOCK_SEQPACKET needs AF_UNIX or SCTP."),
	  NULL,
	  NULL },
	{ E(ETIMEDOUT), N_("Connection timed out"),
	  N_("connect returns it when no answer came to the SYN and its "
	  "retransmissions (about two minutes on Linux); a full accept queue "
	  "is one cause, as Linux drops the SYN instead of refusing it; recv "
	  "and send return it when an established connection stopped "
	  "hearing from the peer (retransmissions or keepalive ran out)."),
	  N_("Check the host answers at all (a firewall that drops), and "
	  "whether the server's backlog is full (ss -ltn: Recv-Q against "
	  "Send-Q)."),
	  NULL,
	  NULL },

	{ G(EAI_ADDRFAMILY), N_("Address family for hostname not supported"),
	  N_("getaddrinfo returns it when the name exists but has no address "
	  "of the family asked for, such as 127.0.0.1 with AF_INET6."),
	  N_("Ask for AF_UNSPEC, or for the family the name has (resolve -4, "
	  "resolve -6)."),
	  NULL,
	  NULL },
	{ G(EAI_AGAIN), N_("Temporary failure in name resolution"),
	  N_("getaddrinfo and getnameinfo return it when the DNS server did "
	  "not answer in time or answered SERVFAIL."),
	  N_("Check /etc/resolv.conf and that the server answers (dig NAME); "
	  "try again later."),
	  NULL,
	  N_("It takes a DNS server that does not answer, which means sending "
	  "a query off this host or running one's own resolver.") },
	{ G(EAI_BADFLAGS), N_("Bad value for ai_flags"),
	  N_("getaddrinfo returns it for flags it does not know, or a bad mix, "
	  "such as AI_CANONNAME without a host name."),
	  N_("Check the ai_flags of the hints and that a host is given when "
	  "AI_CANONNAME is set."),
	  NULL,
	  NULL },
	{ G(EAI_FAIL), N_("Non-recoverable failure in name resolution"),
	  N_("getaddrinfo returns it when the DNS server refused the query or "
	  "answered with an error that trying again will not fix."),
	  N_("Check the DNS server's configuration and the name (dig NAME "
	  "shows the status)."),
	  NULL,
	  N_("It takes a DNS server that answers REFUSED or FORMERR, which "
	  "means a resolver of one's own.") },
	{ G(EAI_FAMILY), N_("ai_family not supported"),
	  N_("getaddrinfo returns it when the ai_family of the hints is not "
	  "AF_UNSPEC, AF_INET or AF_INET6."),
	  N_("Check the ai_family of the hints."),
	  NULL,
	  NULL },
	{ G(EAI_MEMORY), N_("Memory allocation failure"),
	  N_("getaddrinfo returns it when it cannot allocate the result list."),
	  N_("Look at the memory of the process."),
	  NULL,
	  N_("It takes running the process out of memory.") },
	{ G(EAI_NODATA), N_("No address associated with hostname"),
	  N_("getaddrinfo returns it when the name exists in DNS but has no "
	  "address record of any family."),
	  N_("Look at the records of the name (dig NAME ANY): it may have only "
	  "MX or TXT records."),
	  NULL,
	  N_("It takes a DNS name with records but no address, which means "
	  "asking a DNS server off this host.") },
	{ G(EAI_NONAME), N_("Name or service not known"),
	  N_("getaddrinfo returns it when the name is not in /etc/hosts nor in "
	  "DNS, or with AI_NUMERICHOST when the host is not a numeric "
	  "address; getnameinfo with NI_NAMEREQD when the address has no "
	  "name."),
	  N_("Check the spelling of the name and that it resolves (getent "
	  "hosts NAME)."),
	  "sockit resolve nosuchhost.invalid",
	  NULL },
	{ G(EAI_OVERFLOW), N_("Result too large for supplied buffer"),
	  N_("getnameinfo returns it when the host or service buffer is too "
	  "small for the answer."),
	  N_("Use buffers of NI_MAXHOST and NI_MAXSERV bytes."),
	  NULL,
	  NULL },
	{ G(EAI_SERVICE), N_("Servname not supported for ai_socktype"),
	  N_("getaddrinfo returns it when the service name is not in "
	  "/etc/services for that socket type, or the socket type has no "
	  "ports at all (SOCK_RAW)."),
	  N_("Check the service name (getent services NAME), or give a "
	  "number."),
	  "sockit connect localhost:nosuchservice",
	  NULL },
	{ G(EAI_SOCKTYPE), N_("ai_socktype not supported"),
	  N_("getaddrinfo returns it when the ai_socktype of the hints is not "
	  "a socket type it has a protocol for (SOCK_RDM), or the ai_protocol "
	  "does not fit it."),
	  N_("Check the ai_socktype of the hints: SOCK_STREAM, SOCK_DGRAM or "
	  "0."),
	  NULL,
	  NULL },
	{ G(EAI_SYSTEM), N_("System error"),
	  N_("getaddrinfo returns it when a system call inside it failed; the "
	  "cause is in errno."),
	  N_("Read errno right after the call: a file it could not open (such "
	  "as /etc/hosts) or a descriptor limit."),
	  NULL,
	  N_("It takes a failure that glibc reports as such: measured here, a "
	  "process with no descriptor left gets EAI_NONAME instead, as its "
	  "files and sockets all fail, so no demo can promise it.") },

	{ H(HOST_NOT_FOUND), N_("Unknown host"),
	  N_("gethostbyname and gethostbyaddr set it when the name or address "
	  "is not known: the old API's EAI_NONAME."),
	  N_("Check the spelling (getent hosts NAME); new code should call "
	  "getaddrinfo, which sockit uses."),
	  "sockit resolve --legacy nosuchhost.invalid",
	  N_("A demo would send a DNS query off this host: gethostbyname has "
	  "no numeric-only flag, so a name fails it only once the resolver "
	  "was asked; getaddrinfo says the same as EAI_NONAME without a "
	  "query: sockit explain --demo EAI_NONAME.") },
	{ HA(NO_DATA, NO_ADDRESS), N_("No address associated with name"),
	  N_("gethostbyname sets it when the name exists but has no address: "
	  "the old API's EAI_NODATA."),
	  N_("Look at the records of the name (dig NAME ANY)."),
	  NULL,
	  N_("It takes gethostbyname and a DNS name with records but no "
	  "address.") },
	{ H(NO_RECOVERY), N_("Unknown server error"),
	  N_("gethostbyname sets it when the DNS server refused or failed in a "
	  "way that trying again will not fix: the old API's EAI_FAIL."),
	  N_("Check the DNS server's configuration."),
	  NULL,
	  N_("It takes gethostbyname and a DNS server that answers REFUSED.") },
	{ H(TRY_AGAIN), N_("Host name lookup failure"),
	  N_("gethostbyname sets it when the DNS server did not answer in "
	  "time: the old API's EAI_AGAIN."),
	  N_("Check /etc/resolv.conf and that the server answers; try again "
	  "later."),
	  NULL,
	  N_("It takes gethostbyname and a DNS server that does not answer.") },

	/*
	 * A proxy's answers: what connect --proxy prints by name, and the
	 * reasons sockit's own proxy gives them.
	 */
	{ S5("ADDRESS_TYPE_NOT_SUPPORTED", 0x08),
	  N_("Address type not supported"),
	  N_("A SOCKS5 proxy answers it when it does not take the request's "
	  "kind of address: an IPv6 address, or the name socks5h:// sends; "
	  "sockit's own, when the kind is none of IPv4, IPv6 and a name."),
	  N_("With socks5h://, try socks5://, which sends the address this "
	  "machine resolved; an IPv6 target wants a proxy that takes IPv6."),
	  NULL,
	  N_("It takes a SOCKS5 proxy that takes only some kinds of "
	  "address.") },
	{ S5("COMMAND_NOT_SUPPORTED", 0x07), N_("Command not supported"),
	  N_("A SOCKS5 proxy answers it to BIND or UDP ASSOCIATE when it "
	  "does only CONNECT, as sockit's does."),
	  N_("Use a proxy that does the command, or CONNECT."),
	  NULL,
	  N_("It takes a client that asks for BIND or UDP ASSOCIATE.") },
	{ S5("CONNECTION_REFUSED", 0x05), N_("Connection refused"),
	  N_("A SOCKS5 proxy answers it when its connect to the destination "
	  "got ECONNREFUSED: the proxy reached the host, where nothing "
	  "listens on that port."),
	  N_("Check the target's port as the proxy sees it: the proxy's "
	  "localhost is not yours. --wait asks again until it comes up."),
	  "sockit listen --socks5 127.0.0.1:1080 & sockit connect --proxy "
	  "socks5://127.0.0.1:1080 127.0.0.1:9",
	  N_("It takes a SOCKS5 proxy and a closed port behind it.") },
	{ S5("GENERAL_FAILURE", 0x01), N_("General SOCKS server failure"),
	  N_("A SOCKS5 proxy answers it when the request failed for a reason "
	  "the other codes do not name."),
	  N_("The proxy's log says why."),
	  NULL,
	  N_("It takes a SOCKS5 proxy that fails in a way of its own.") },
	{ S5("HOST_UNREACHABLE", 0x04), N_("Host unreachable"),
	  N_("A SOCKS5 proxy answers it when the destination's name did not "
	  "resolve on its side, or its connect got EHOSTUNREACH."),
	  N_("Check the name and the routes from the proxy's side; with "
	  "socks5h:// the proxy resolves the name, with socks5:// this "
	  "machine does."),
	  "sockit listen --socks5 127.0.0.1:1080 & sockit connect --proxy "
	  "socks5h://127.0.0.1:1080 nothing.invalid:80",
	  N_("It takes a SOCKS5 proxy and a name it cannot resolve.") },
	{ S5("NETWORK_UNREACHABLE", 0x03), N_("Network unreachable"),
	  N_("A SOCKS5 proxy answers it when its connect to the destination "
	  "got ENETUNREACH: it has no route there."),
	  N_("Check the proxy's routes to the destination (ip route get ADDR "
	  "on the proxy's host)."),
	  NULL,
	  N_("It takes a SOCKS5 proxy without a route to the destination.") },
	{ S5("NOT_ALLOWED", 0x02), N_("Connection not allowed by ruleset"),
	  N_("A SOCKS5 proxy answers it when its rules do not let this client "
	  "reach this destination (sockit's --allow-to and --deny-to, "
	  "danted's socks pass rules)."),
	  N_("The proxy's log names the rule; ask its admin, or pick a "
	  "destination the rules allow."),
	  "sockit listen --socks5 --deny-to 127.0.0.0/8 127.0.0.1:1080 & "
	  "sockit connect --proxy socks5://127.0.0.1:1080 127.0.0.1:22",
	  N_("It takes a SOCKS5 proxy with a rule against the destination.") },
	{ S5("NO_ACCEPTABLE", 0xff), N_("No acceptable methods"),
	  N_("A SOCKS5 proxy answers it to the greeting when it takes none of "
	  "the methods offered: most often it wants a user name and password "
	  "and none was given."),
	  N_("Give credentials with --proxy socks5://USER:PASS@HOST:PORT or "
	  "--proxy-auth-file FILE; sockit does not speak GSSAPI."),
	  NULL,
	  N_("It takes a SOCKS5 proxy with passwords and a client without "
	  "one.") },
	{ S5("TTL_EXPIRED", 0x06), N_("TTL expired"),
	  N_("A SOCKS5 proxy answers it when its connect to the destination "
	  "timed out; sockit's own proxy when -w ran out."),
	  N_("The destination does not answer the proxy's SYN: a firewall "
	  "that drops it, or a host that is down."),
	  NULL,
	  N_("It takes a SOCKS5 proxy and a destination that never "
	  "answers.") },
	/*
	 * After GENERAL_FAILURE, which 0x01 names: RFC 1929's status is
	 * another message's, and any value but 0 is its failure.
	 */
	{ S5("AUTH_FAILURE", 0x01), N_("Username/password authentication "
	  "failed"),
	  N_("A SOCKS5 proxy answers it (RFC 1929 status other than 0) to "
	  "the user name and password when it takes neither: connect "
	  "--proxy names it so, the trace shows the AUTH status."),
	  N_("Check the user name and password in --proxy's URL or "
	  "--proxy-auth-file: the proxy's log says which was wrong."),
	  "sockit listen --socks5 --auth-file FILE 127.0.0.1:1080 & sockit "
	  "connect --proxy socks5://USER:WRONG@127.0.0.1:1080 127.0.0.1:22",
	  N_("It takes a SOCKS5 proxy with passwords and a wrong one.") },
	{ S4("REJECTED", 91), N_("Request rejected or failed"),
	  N_("A SOCKS4 proxy answers it when its rules refuse the request or "
	  "its connect failed: SOCKS4 has one code for both."),
	  N_("The proxy's log says which; socks5:// gets a code that "
	  "says."),
	  "sockit listen --socks5 127.0.0.1:1080 & sockit connect --proxy "
	  "socks4://127.0.0.1:1080 127.0.0.1:9",
	  N_("It takes a SOCKS4 proxy and a closed port behind it.") },
	{ S4("NO_IDENTD", 92), N_("Request rejected: no identd"),
	  N_("A SOCKS4 proxy answers it when it checks the client's user id "
	  "with identd (RFC 1413) and none answers on the client's host."),
	  N_("Run an identd, or use socks5://."),
	  NULL,
	  N_("It takes a SOCKS4 proxy that asks identd.") },
	{ S4("IDENTD_MISMATCH", 93), N_("Request rejected: identd user "
	  "mismatch"),
	  N_("A SOCKS4 proxy answers it when it checks the client's user id "
	  "with identd (RFC 1413) and the identd names a user other than "
	  "the request's user id."),
	  N_("Send the user identd names as the user id "
	  "(socks4://USER@HOST), or use socks5://."),
	  NULL,
	  N_("It takes a SOCKS4 proxy that asks identd, and another user "
	  "id.") },
	{ HT(400), N_("Bad Request"),
	  N_("An HTTP proxy answers it to a request it cannot read; a SOCKS "
	  "port that knows HTTP when it sees it, as sockit's own does, "
	  "answers it to CONNECT, its body saying so."),
	  N_("Check --proxy's scheme: a SOCKS port wants socks5h://; the "
	  "first line of the body, which the error shows, often says why."),
	  "sockit listen --socks5 127.0.0.1:1080 & sockit connect --proxy "
	  "http://127.0.0.1:1080 127.0.0.1:22",
	  N_("It takes a SOCKS port that answers HTTP, as sockit's own "
	  "does.") },
	{ HT(401), N_("Unauthorized"),
	  N_("A web server answers it to a request without the credentials "
	  "it wants. A proxy asks for its own with 407, so a 401 to CONNECT "
	  "most often means --proxy reaches a web server, or a proxy that "
	  "answers as one."),
	  N_("Check the user name and password, given with --proxy "
	  "http://USER:PASS@HOST:PORT or --proxy-auth-file FILE, and that "
	  "--proxy names a proxy, not a web server."),
	  NULL,
	  N_("It takes a web server that wants a password at --proxy's "
	  "port.") },
	{ HT(403), N_("Forbidden"),
	  N_("An HTTP proxy answers it to CONNECT when its rules forbid the "
	  "destination or its port (sockit's --allow-to and --deny-to, "
	  "tinyproxy's ConnectPort, squid's SSL_ports)."),
	  N_("Ask the proxy's admin, or use a port the rules allow."),
	  "sockit listen --http-proxy --deny-to 127.0.0.0/8 127.0.0.1:3128 & "
	  "sockit connect --proxy http://127.0.0.1:3128 127.0.0.1:22",
	  N_("It takes an HTTP proxy with a rule against the destination.") },
	{ HT(405), N_("Method Not Allowed"),
	  N_("A web server, or a proxy for plain HTTP only, answers it to "
	  "CONNECT: it does not make tunnels."),
	  N_("Check --proxy's port: it reaches a web server, or a proxy "
	  "that must be told to allow CONNECT."),
	  NULL,
	  N_("It takes a web server, or a proxy that refuses CONNECT.") },
	{ HT(407), N_("Proxy Authentication Required"),
	  N_("An HTTP proxy answers it to CONNECT without credentials, or "
	  "with ones it does not take."),
	  N_("Give them with --proxy http://USER:PASS@HOST:PORT or "
	  "--proxy-auth-file FILE."),
	  "sockit listen --http-proxy --auth-file FILE 127.0.0.1:3128 & "
	  "sockit connect --proxy http://127.0.0.1:3128 127.0.0.1:22",
	  N_("It takes an HTTP proxy with passwords and a client without "
	  "one.") },
	{ HT(500), N_("Internal Server Error"),
	  N_("tinyproxy answers it to CONNECT when it could not reach the "
	  "destination (\"Unable to connect\"); other proxies when they "
	  "failed in a way of their own."),
	  N_("Check the target's name and port as the proxy sees them; "
	  "--wait asks again until it comes up."),
	  NULL,
	  N_("It takes tinyproxy and a closed port behind it.") },
	{ HT(502), N_("Bad Gateway"),
	  N_("An HTTP proxy answers it to CONNECT when it could not reach the "
	  "destination: refused, unreachable, or a name that does not "
	  "resolve."),
	  N_("Check the target's name and port as the proxy sees them; "
	  "--wait asks again until it comes up."),
	  "sockit listen --http-proxy 127.0.0.1:3128 & sockit connect --proxy "
	  "http://127.0.0.1:3128 127.0.0.1:9",
	  N_("It takes an HTTP proxy and a closed port behind it.") },
	{ HT(503), N_("Service Unavailable"),
	  N_("An HTTP proxy answers it to CONNECT when it could not reach the "
	  "destination (squid), or is too busy to try."),
	  N_("Check the target's name and port as the proxy sees them; "
	  "--wait asks again until it comes up."),
	  NULL,
	  N_("It takes an HTTP proxy that says 503 for a closed port, such "
	  "as squid.") },
	{ HT(504), N_("Gateway Timeout"),
	  N_("An HTTP proxy answers it to CONNECT when the destination did not "
	  "answer in time."),
	  N_("The destination does not answer the proxy's SYN: a firewall "
	  "that drops it, or a host that is down."),
	  NULL,
	  N_("It takes an HTTP proxy and a destination that never "
	  "answers.") },
};

/*
 * libc's English text of the errnos the hints of explain.c speak of
 * besides the table's: i18n_errno_text() looks a text up in the
 * catalogue, so these get the course's words too, not libc's own.
 */
static const struct errtable_text other_texts[] = {
	{ ENOENT, N_("No such file or directory") },
	{ EPERM, N_("Operation not permitted") },
	{ ENOTDIR, N_("Not a directory") },
	{ ENAMETOOLONG, N_("File name too long") },
	{ EROFS, N_("Read-only file system") },
	{ EHOSTDOWN, N_("Host is down") },
	{ ENETDOWN, N_("Network is down") },
	{ ENETRESET, N_("Network dropped connection on reset") },
	{ EPFNOSUPPORT, N_("Protocol family not supported") },
	{ ESHUTDOWN, N_("Cannot send after transport endpoint shutdown") },
};

const struct errtable_text *
errtable_other_texts(size_t *count)
{
	*count = ARRAY_LEN(other_texts);
	return other_texts;
}

const struct errtable_entry *
errtable_all(size_t *count)
{
	*count = ARRAY_LEN(table);
	return table;
}

const char *
errtable_kind_name(enum errtable_kind kind)
{
	switch (kind) {
	case ERRTABLE_ERRNO:	return "errno";
	case ERRTABLE_EAI:	return "getaddrinfo";
	case ERRTABLE_HERRNO:	return "h_errno";
	case ERRTABLE_SOCKS5:	return "socks5";
	case ERRTABLE_SOCKS4:	return "socks4";
	case ERRTABLE_HTTP:	return "http";
	}
	return "errno";
}

const struct errtable_entry *
errtable_find_answer(const char *name)
{
	bool hex = name[0] == '0' && (name[1] == 'x' || name[1] == 'X');
	const char *digits = hex ? name + 2 : name;
	char *end;
	long n;
	size_t i;

	if (!(hex ? isxdigit((unsigned char)digits[0]) :
	    isdigit((unsigned char)digits[0])))
		return NULL;
	n = strtol(digits, &end, hex ? 16 : 10);
	if (*end != '\0')
		return NULL;
	/* connect --proxy prints SOCKS5's codes in hex, the others not. */
	for (i = 0; i < ARRAY_LEN(table); i++)
		if (table[i].number == n && (hex ?
		    table[i].kind == ERRTABLE_SOCKS5 :
		    table[i].kind == ERRTABLE_SOCKS4 ||
		    table[i].kind == ERRTABLE_HTTP))
			return &table[i];
	return NULL;
}

const struct errtable_entry *
errtable_find(const char *name)
{
	size_t i;

	if (name[0] == '0' && (name[1] == 'x' || name[1] == 'X'))
		return errtable_find_answer(name);
	if (name[0] >= '0' && name[0] <= '9') {
		char *end;
		long n = strtol(name, &end, 10);

		if (*end != '\0')
			return NULL;
		for (i = 0; i < ARRAY_LEN(table); i++)
			if (table[i].kind == ERRTABLE_ERRNO &&
			    table[i].number == n)
				return &table[i];
		/* No errno is that high: "407" is the proxy's status. */
		for (i = 0; i < ARRAY_LEN(table); i++)
			if (table[i].kind == ERRTABLE_HTTP &&
			    table[i].number == n)
				return &table[i];
		return NULL;
	}
	for (i = 0; i < ARRAY_LEN(table); i++)
		if (strcasecmp(table[i].name, name) == 0 ||
		    (table[i].alias != NULL &&
		    strcasecmp(table[i].alias, name) == 0))
			return &table[i];
	return NULL;
}

/* Edit distance between a and b, ignoring case, or more than cap. */
static size_t
distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= ARRAY_LEN(row) || (la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (tolower((unsigned char)a[i - 1])
			    != tolower((unsigned char)b[j - 1]));

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static bool
has_prefix(const char *name, const char *word)
{
	return strncasecmp(name, word, strlen(word)) == 0;
}

size_t
errtable_nearest(const char *word, const char **near, size_t cap)
{
	/* A word of two letters is within two edits of too much. */
	size_t limit = strlen(word) < 5 ? 1 : 2, d, i, n = 0;

	if (word[0] == '\0' || cap == 0)
		return 0;
	for (i = 0; i < ARRAY_LEN(table) && n < cap; i++)
		if (has_prefix(table[i].name, word))
			near[n++] = table[i].name;
	for (d = 1; d <= limit && n == 0; d++)
		for (i = 0; i < ARRAY_LEN(table) && n < cap; i++)
			if (distance(word, table[i].name, d) == d)
				near[n++] = table[i].name;
	return n;
}
