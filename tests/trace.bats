#!/usr/bin/env bats
# tests/trace.bats: golden --trace lines: the syscall story each command tells.
load test_helper

# Runs a traced listener on 127.0.0.1 and a traced client that sends "hello\n".
trace_tcp_pair() {
	echo "hi there" >"$TMP/srv.in"
	bg srv "$SOCKIT" --trace "$@" listen -v 127.0.0.1:0
	LISTEN_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	LISTEN_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	run --separate-stderr sockit --trace "$@" connect "127.0.0.1:$LISTEN_PORT" <<<"hello"
	assert_success
	wait_for_exit "$LISTEN_PID"
}

# assert_trace FILE-OR-VAR LINE: LINE is a whole line of the trace.
assert_line_in() {
	if ! grep -qxF -- "$2" <<<"$1"; then
		echo "expected the line: $2" >&2
		echo "in: $1" >&2
		return 1
	fi
}

@test "listen narrates socket, setsockopt, bind, listen, accept, recv, send, close [long]" {
	trace_tcp_pair
	local t
	t=$(cat "$TMP/srv.err")
	assert_line_in "$t" 'getaddrinfo("127.0.0.1", "0", {AF_INET, SOCK_STREAM, AI_PASSIVE}) = [127.0.0.1:0]'
	assert_line_in "$t" "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3"
	assert_line_in "$t" "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1]) = 0"
	assert_line_in "$t" "bind(3, {AF_INET, 127.0.0.1:0}) = 0"
	assert_line_in "$t" "listen(3, 16) = 0"
	assert_line_in "$t" "getsockname(3) = 0 {AF_INET, 127.0.0.1:$LISTEN_PORT}"
	grep -qE '^accept\(3\) = 4 \{AF_INET, 127\.0\.0\.1:[0-9]+\}$' <<<"$t"
	assert_line_in "$t" 'recv(4, "hello\n", 65536, 0) = 6'
	assert_line_in "$t" 'send(4, "hi there\n", 9, MSG_NOSIGNAL) = 9'
	# O_NONBLOCK is sockit's plumbing: only --trace=full shows it.
	[[ "$t" != *fcntl\(* ]]
	assert_line_in "$t" "close(4) = 0"
	assert_line_in "$t" "close(3) = 0"
}

@test "a server of many peers asks listen() for 4096; one peer keeps 16 [long]" {
	local mode
	for mode in -k --fork; do
		run --separate-stderr sockit --trace listen $mode -e cat \
		    -w 0.1 127.0.0.1:0
		assert_status 124
		assert_line_in "$stderr" "listen(3, 4096) = 0"
	done
	run --separate-stderr sockit --trace recv -k -w 0.1 127.0.0.1:0
	assert_line_in "$stderr" "listen(3, 4096) = 0"
	run --separate-stderr sockit --trace listen -w 0.1 127.0.0.1:0
	assert_line_in "$stderr" "listen(3, 16) = 0"
	run --separate-stderr sockit --trace recv -w 0.1 127.0.0.1:0
	assert_line_in "$stderr" "listen(3, 16) = 0"
	run --separate-stderr sockit --trace listen -k --backlog 7 -w 0.1 \
	    127.0.0.1:0
	assert_line_in "$stderr" "listen(3, 7) = 0"
}

@test "connect narrates getaddrinfo, one folded connect, send, shutdown, recv, close [long]" {
	trace_tcp_pair
	assert_line_in "$stderr" "getaddrinfo(\"127.0.0.1\", \"$LISTEN_PORT\", {AF_INET, SOCK_STREAM}) = [127.0.0.1:$LISTEN_PORT]"
	assert_line_in "$stderr" "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3"
	assert_line_in "$stderr" "connect(3, {AF_INET, 127.0.0.1:$LISTEN_PORT}) = 0 [folded: EINPROGRESS, then SO_ERROR]"
	[[ "$stderr" != *EINPROGRESS\ \(* ]]
	[[ "$stderr" != *getsockopt\(* ]]
	assert_line_in "$stderr" 'send(3, "hello\n", 6, MSG_NOSIGNAL) = 6'
	assert_line_in "$stderr" "shutdown(3, SHUT_WR) = 0"
	assert_line_in "$stderr" 'recv(3, "hi there\n", 65536, 0) = 9'
	assert_line_in "$stderr" 'recv(3, "", 65536, 0) = 0'
	assert_line_in "$stderr" "close(3) = 0"
	[ "$output" = "hi there" ]
}

@test "the calls come in the order of the lesson" {
	trace_tcp_pair
	local order
	order=$(grep -oE '^[a-z]+\(' "$TMP/srv.err" | tr -d '(' | uniq | tr '\n' ' ')
	[[ "$order" == "getaddrinfo socket setsockopt bind listen getsockname accept getsockname getpeername "* ]]
	order=$(grep -oE '^[a-z]+\(' <<<"$stderr" | tr -d '(' | uniq | tr '\n' ' ')
	[[ "$order" == "getaddrinfo socket connect "* ]]
}

@test "a refused connect reads as the slide's: one connect line, the errno by name [long]" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit --trace connect "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_line_in "$stderr" "connect(3, {AF_INET, 127.0.0.1:$port}) = -1 ECONNREFUSED (Connection refused) [folded: EINPROGRESS, then SO_ERROR]"
	[ "$(grep -c '^connect(' <<<"$stderr")" -eq 1 ]
	# --trace=full shows the calls that were really made.
	run --separate-stderr sockit --trace=full connect "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_line_in "$stderr" "fcntl(3, F_SETFL, O_NONBLOCK) = 0"
	grep -qE '^connect\(3, \{sa_family=AF_INET, .*\) = -1 EINPROGRESS \(Operation now in progress\)$' <<<"$stderr"
	assert_line_in "$stderr" "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED]) = 0"
	[[ "$stderr" != *folded* ]]
}

@test "a failing call prints = -1 ENAME (text)" {
	start_listener one -k 127.0.0.1:0
	run --separate-stderr sockit --trace listen "127.0.0.1:$LISTEN_PORT"
	assert_status 1
	assert_line_in "$stderr" "bind(3, {AF_INET, 127.0.0.1:$LISTEN_PORT}) = -1 EADDRINUSE (Address already in use)"
}

@test "every trace line starts with the call name at column 0" {
	trace_tcp_pair
	run grep -vE '^([a-z_]+\(|sockit: )' "$TMP/srv.err"
	[ "$status" -ne 0 ]
	run grep -vE '^([a-z_]+\(|sockit: )' <<<"$stderr"
	[ "$status" -ne 0 ]
}

@test "tracing writes to stderr only; stdout keeps the data" {
	trace_tcp_pair
	[ "$output" = "hi there" ]
	[ "$(cat "$TMP/srv.out")" = hello ]
}

@test "-t after the command is the same switch" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -t "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	assert_line_in "$stderr" "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3"
}

@test "--trace=full prints sockaddrs as C structs, and stdio and poll calls" {
	trace_tcp_pair --trace=full
	assert_line_in "$stderr" "connect(3, {sa_family=AF_INET, sin_port=htons($LISTEN_PORT), sin_addr=inet_addr(\"127.0.0.1\")}) = -1 EINPROGRESS (Operation now in progress)"
	assert_line_in "$stderr" 'read(0, "hello\n", 65536) = 6'
	assert_line_in "$stderr" 'write(1, "hi there\n", 9) = 9'
	assert_line_in "$stderr" "fcntl(3, F_SETFL, O_NONBLOCK) = 0"
	assert_line_in "$stderr" "getsockopt(3, SOL_SOCKET, SO_ERROR, [0]) = 0"
	# The last slot is the pipe a signal wakes the loop through.
	grep -qE '^poll\(\[\{0, POLLIN\}, \{3, POLLIN\}, \{[0-9]+, POLLIN\}\], -1\) = [0-9] \[\{' <<<"$stderr"
}

@test "--trace=full shows IPv6 addresses with inet_pton" {
	start_listener srv '[::1]:0'
	run --separate-stderr sockit --trace=full connect "[::1]:$LISTEN_PORT" </dev/null
	assert_success
	assert_stderr_contains "sin6_port=htons($LISTEN_PORT), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}"
}

@test "--trace=time puts a timestamp before each line" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --trace=time connect "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} socket\(AF_INET, SOCK_STREAM, IPPROTO_TCP\) = 3$' <<<"$stderr"
}

@test "AF_UNIX: paths are quoted, and the file's removal is traced" {
	bg srv "$SOCKIT" --trace listen "unix:$SOCKDIR/s"
	LISTEN_PID=$BG_PID
	wait_for_socket "$SOCKDIR/s"
	run --separate-stderr sockit --trace connect "unix:$SOCKDIR/s" </dev/null
	assert_success
	assert_line_in "$stderr" "socket(AF_UNIX, SOCK_STREAM, 0) = 3"
	assert_line_in "$stderr" "connect(3, {AF_UNIX, \"$SOCKDIR/s\"}) = 0"
	wait_for_exit "$LISTEN_PID"
	assert_file_contains "$TMP/srv.err" "bind(3, {AF_UNIX, \"$SOCKDIR/s\"}) = 0"
	assert_file_contains "$TMP/srv.err" "unlink(\"$SOCKDIR/s\") = 0"
}

@test "--unlink asks sock_diag about a stale file, then a connect is refused, and it removes the file [long]" {
	bg stale "$SOCKIT" listen "unix:$SOCKDIR/s"
	wait_for_socket "$SOCKDIR/s"
	pkill -KILL -P "$BG_PID"
	wait_for_exit "$BG_PID"
	run --separate-stderr sockit --trace listen --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 124
	assert_line_in "$stderr" "bind(3, {AF_UNIX, \"$SOCKDIR/s\"}) = -1 EADDRINUSE (Address already in use)"
	assert_line_in "$stderr" "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG) = 4"
	assert_line_in "$stderr" "send(4, {{nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP}, {sdiag_family=AF_UNIX, udiag_states=~0, udiag_show=UDIAG_SHOW_VFS}}, 40, 0) = 40"
	grep -qE '^recv\(4, ".*, 32768, MSG_TRUNC\) = [0-9]+$' <<<"$stderr"
	assert_line_in "$stderr" "close(4) = 0"
	assert_line_in "$stderr" "connect(4, {AF_UNIX, \"$SOCKDIR/s\"}) = -1 ECONNREFUSED (Connection refused)"
	assert_line_in "$stderr" "unlink(\"$SOCKDIR/s\") = 0"
	assert_line_in "$stderr" "bind(3, {AF_UNIX, \"$SOCKDIR/s\"}) = 0"
}

@test "--unlink on a live server's file asks sock_diag only: no connect reaches the server" {
	start_listener srv "unix:$SOCKDIR/s"
	run --separate-stderr sockit --trace listen --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 1
	assert_line_in "$stderr" "socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG) = 4"
	[[ "$stderr" != *connect\(* ]]
}

@test "UDP: recvfrom names the sender and connect locks on to it" {
	bg srv "$SOCKIT" --trace listen -v -u 127.0.0.1:0
	LISTEN_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	LISTEN_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	run --separate-stderr sockit --trace connect -u -q 0.3 "127.0.0.1:$LISTEN_PORT" <<<"dgram"
	assert_success
	assert_line_in "$stderr" "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3"
	assert_line_in "$stderr" 'send(3, "dgram\n", 6, MSG_NOSIGNAL) = 6'
	wait_for_line "$TMP/srv.err" '^connect\(3, ' 5
	grep -qE '^recvfrom\(3, "dgram\\n", 65536, MSG_TRUNC, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = 6$' "$TMP/srv.err"
}

@test "the dual-stack listener shows IPV6_V6ONLY made explicit" {
	run --separate-stderr sockit --trace listen -w 0.1 :0
	assert_status 124
	assert_line_in "$stderr" "socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) = 3"
	assert_line_in "$stderr" "setsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [0]) = 0"
	assert_line_in "$stderr" "bind(3, {AF_INET6, [::]:0}) = 0"
}

@test "getnameinfo names its flags" {
	run --separate-stderr sockit --trace resolve 127.0.0.1
	grep -qE '^getnameinfo\(\{AF_INET, 127\.0\.0\.1:0\}, NI_NAMEREQD\) = ' <<<"$stderr"
	run --separate-stderr sockit --trace resolve --numeric 127.0.0.1 80
	grep -qE '^getnameinfo\(.*, NI_NUMERICHOST\|NI_NUMERICSERV' <<<"$stderr"
}

@test "sendmmsg lists each message's bytes and length, then the count and flags" {
	head -c 150000 /dev/zero >"$TMP/in.bin"
	run --separate-stderr sockit --trace pair --type dgram <"$TMP/in.bin"
	assert_success
	local z='"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"...'
	assert_line_in "$stderr" "sendmmsg(3, [{$z, 65507}, {$z, 65507}, {$z, 18986}], 3, MSG_NOSIGNAL) = 3"
	run --separate-stderr sockit --trace=full pair --type dgram <"$TMP/in.bin"
	assert_success
	assert_line_in "$stderr" "sendmmsg(3, [{$z, 65507}, {$z, 65507}, {$z, 18986}], 3, MSG_NOSIGNAL) = 3"
}

@test "a data call shows its buffer as C escapes, 32 bytes then ..., and its flags by name" {
	printf 'tab\there "q" back\\slash \001\0012 and more than thirty-two' >"$TMP/in.bin"
	run --separate-stderr sockit --trace pair <"$TMP/in.bin"
	assert_success
	assert_line_in "$stderr" 'send(3, "tab\there \"q\" back\\slash \1\0012 and "..., 52, MSG_NOSIGNAL) = 52'
}

@test "recv on AF_UNIX shows MSG_TRUNC: a datagram longer than the buffer" {
	bg srv "$SOCKIT" --trace recv -u --count 1 "unix:$SOCKDIR/d"
	wait_for_socket "$SOCKDIR/d"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
s.sendto(b"x" * 70000, sys.argv[1])' "$SOCKDIR/d"
	wait_for_exit "$BG_PID"
	grep -qE '^recvmmsg\(3, \[\{"x{32}"\.\.\., 65536\} = 70000 .*\], 1, MSG_TRUNC\|MSG_DONTWAIT, NULL\) = 1$' \
	    "$TMP/srv.err"
}
