#!/usr/bin/env bats
# tests/errors.bats: each runtime error names the call that failed, and its hint fits the call, the family and the cause.
load test_helper

# time_wait_port: a loopback TCP port that no socket listens on, held
# only by the server's end of a connection in TIME_WAIT (the server closed
# first), a socket with SO_REUSEADDR set; sets TW_PORT.
time_wait_port() {
	TW_PORT=$(python3 -c '
import socket
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
port = ls.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
a, _ = ls.accept()
a.close()
c.recv(1)
c.close()
ls.close()
print(port)')
	[ -n "$TW_PORT" ]
	ss -Htan state time-wait "sport = :$TW_PORT" | grep -q .
}

@test "a port held only in TIME_WAIT: bind's EADDRINUSE names ss -tan and SO_REUSEADDR, and the default bind passes" {
	time_wait_port
	run --separate-stderr sockit listen --no-reuseaddr "127.0.0.1:$TW_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: bind to 127.0.0.1:$TW_PORT: bind: Address already in use (EADDRINUSE)"
	assert_stderr_contains "ss -ltnp 'sport = :$TW_PORT'"
	assert_stderr_contains "TIME_WAIT (ss -tan 'sport = :$TW_PORT')"
	assert_stderr_contains "SO_REUSEADDR"
	# Both ends set SO_REUSEADDR: the bind passes, and accept waits.
	run --separate-stderr sockit listen -w 0.1 "127.0.0.1:$TW_PORT" </dev/null
	assert_status 124
}

@test "a broadcast sendto without SO_BROADCAST: EACCES named sendto, with the broadcast hint, not a file's" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit --textbook connect -u "127.255.255.255:$port" <<<"to all"
	assert_status 1
	assert_stderr_contains "sockit: send to 127.255.255.255:$port: sendto: Permission denied (EACCES)"
	assert_stderr_contains "a broadcast address needs SO_BROADCAST: add --broadcast"
	refute grep -q "file modes" <<<"$stderr"
	run --separate-stderr sockit --textbook send -u "127.255.255.255:$port" "to all"
	assert_status 1
	assert_stderr_contains "sockit: send 6 bytes to 127.255.255.255:$port: sendto: Permission denied (EACCES)"
	assert_stderr_contains "a broadcast address needs SO_BROADCAST (add --broadcast)"
}

@test "out of descriptors at socket(): EMFILE named socket, not the connect or bind it was for" {
	local port
	port=$(refused_port)
	run --separate-stderr bash -c 'for fd in /proc/$$/fd/*; do
		fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec </dev/null; ulimit -n 5; exec "$SOCKIT" "$@"' - listen "127.0.0.1:$port"
	assert_status 1
	assert_stderr_contains "sockit: bind to 127.0.0.1:$port: socket: Too many open files (EMFILE)"
	assert_stderr_contains "the limit is per process ('ulimit -n' shows it)"
	run --separate-stderr bash -c 'for fd in /proc/$$/fd/*; do
		fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec </dev/null; ulimit -n 5; exec "$SOCKIT" "$@"' - connect "127.0.0.1:$port"
	assert_status 1
	assert_stderr_contains "sockit: connect to 127.0.0.1:$port: socket: Too many open files (EMFILE)"
}

@test "--json names the failed call as \"call\"" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect --json "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains '"operation": "connect to 127.0.0.1:'"$port"'", "call": "connect", "error": "ECONNREFUSED"'
}

@test "usage: --shutdown rd or rdwr with -k on a datagram endpoint, which connects to no sender" {
	local mode ep
	for mode in rd rdwr; do
		for ep in "-u 127.0.0.1:0" "unix-dgram:$SOCKDIR/d"; do
			# shellcheck disable=SC2086
			run --separate-stderr timeout -s KILL 5 "$SOCKIT" listen -k --shutdown "$mode" $ep </dev/null
			assert_status 2
			assert_stderr_contains "sockit listen: --shutdown $mode shuts down a connection"
			assert_stderr_contains "a datagram socket that is not connected has no connection to shut down"
		done
	done
	# Without -k the first sender becomes the peer: a connection to end.
	run --separate-stderr timeout -s KILL 5 "$SOCKIT" listen -u -w 0.1 --shutdown rdwr 127.0.0.1:0 </dev/null
	assert_status 124
}

@test "usage: --backlog on a datagram endpoint, which has no listen()" {
	run --separate-stderr timeout -s KILL 5 "$SOCKIT" listen -u --backlog 4 127.0.0.1:0 </dev/null
	assert_status 2
	assert_stderr_contains "--backlog sizes listen()'s queue of connections, and 127.0.0.1:0 is a datagram endpoint"
	run --separate-stderr timeout -s KILL 5 "$SOCKIT" recv --backlog 4 "unix-dgram:$SOCKDIR/d" </dev/null
	assert_status 2
	assert_stderr_contains "sockit recv: --backlog"
	run --separate-stderr timeout -s KILL 5 "$SOCKIT" listen -w 0.1 --backlog 4 127.0.0.1:0 </dev/null
	assert_status 124
}

@test "-o with an option the socket's family lacks: setsockopt named, with a hint for UDP and for unix" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -u -o TCP_NODELAY=1 "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: set TCP_NODELAY=1 on 127.0.0.1:$port: setsockopt: Protocol not available (ENOPROTOOPT)"
	assert_stderr_contains "no such option for UDP"
	run --separate-stderr sockit connect -o TCP_NODELAY=1 "unix:$SOCKDIR/none" </dev/null
	assert_status 1
	assert_stderr_contains "setsockopt: Operation not supported (EOPNOTSUPP)"
	assert_stderr_contains "a unix socket has only SOL_SOCKET options"
}

@test "bind to an address this host does not have: EADDRNOTAVAIL named bind" {
	# bind(2) is local: nothing is sent to the documentation address.
	run --separate-stderr sockit listen 192.0.2.1:0 </dev/null
	assert_status 1
	assert_stderr_contains "sockit: bind to 192.0.2.1:0: bind: Cannot assign requested address (EADDRNOTAVAIL)"
	assert_stderr_contains "not on any local interface"
}

@test "a relay's failure names the call the trace shows failing: recvmmsg's ECONNREFUSED over UDP" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit --trace connect -u -q 10 "127.0.0.1:$port" <<<"hi"
	assert_status 1
	grep -qE '^recvmmsg\(3, .* = -1 ECONNREFUSED \(Connection refused\)$' <<<"$stderr"
	assert_stderr_contains "sockit: recv from 127.0.0.1:$port: recvmmsg: Connection refused (ECONNREFUSED)"
}

@test "a forwarded pair whose target refuses: connect named, as the trace shows it" {
	local port
	port=$(refused_port)
	start_listener fwd -k --to "127.0.0.1:$port" 127.0.0.1:0
	run --separate-stderr sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	# The forward resets the peer it could not serve.
	assert_status 1
	assert_stderr_contains "(ECONNRESET)"
	wait_for_line "$TMP/fwd.err" "^sockit: connect to 127\\.0\\.0\\.1:$port for #1 \\(127\\.0\\.0\\.1:[0-9]+\\): connect: Connection refused \\(ECONNREFUSED\\)$"
}
