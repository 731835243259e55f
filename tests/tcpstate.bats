#!/usr/bin/env bats
# tests/tcpstate.bats: --tcp-state's line under each call that moves a TCP
# connection, and listen --queue's accept queue behind a busy server.
load test_helper

# assert_state_after FILE CALL STATE: a line of FILE starting with CALL is
# followed at once by "    tcp state: STATE".
assert_state_after() {
	if ! awk -v call="$2" -v want="    tcp state: $3" '
	    seen && $0 == want { found = 1 }
	    { seen = index($0, call) == 1 }
	    END { exit !found }' "$1"; then
		echo "expected '$2...' then 'tcp state: $3' in $1:" >&2
		cat "$1" >&2
		return 1
	fi
}

# start_peer MODE: tests/tcp_state_peer.py MODE as "peer"; sets PEER_PORT.
start_peer() {
	bg peer python3 "$BATS_TEST_DIRNAME/tcp_state_peer.py" "$1" \
	    "$TMP/peer.go"
	wait_for_line "$TMP/peer.out" '^[0-9]+$'
	PEER_PORT=$(head -n 1 "$TMP/peer.out")
}

@test "listen: LISTEN after listen(), ESTABLISHED after accept, CLOSE_WAIT when the peer closes first, CLOSE once the listener is closed [long]" {
	start_listener srv --tcp-state --shutdown none 127.0.0.1:0
	early_peer cli 'c = socket.create_connection(("127.0.0.1", int(port)))
while not os.path.exists(sys.argv[1] + ".close"):
    time.sleep(0.01)
c.close()'
	peer_go cli "$LISTEN_PORT"
	wait_for_line "$TMP/srv.err" '^    tcp state: ESTABLISHED$'
	touch "$TMP/cli.go.close"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	assert_state_after "$TMP/srv.err" 'listen(3, 16) = 0' LISTEN
	assert_state_after "$TMP/srv.err" 'accept(3) = 4 ' ESTABLISHED
	assert_state_after "$TMP/srv.err" 'recv(4, "", ' CLOSE_WAIT
	# The closed connection's addresses lead sock_diag to the listener
	# it came from, which is not the connection's state.
	[ "$(grep -c 'tcp state: LISTEN' "$TMP/srv.err")" -eq 1 ]
	[ "$(tail -n 2 "$TMP/srv.err")" = "close(3) = 0
    tcp state: CLOSE" ]
}

@test "connect: ESTABLISHED, FIN_WAIT2 once the peer acks the FIN of shutdown, TIME_WAIT after the peer's FIN, found by sock_diag [long]" {
	start_peer reply
	bg cli "$SOCKIT" connect --tcp-state "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/cli.err" '^    tcp state: FIN_WAIT2$'
	touch "$TMP/peer.go"
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/cli.out")" = bye ]
	assert_state_after "$TMP/cli.err" 'connect(3, ' ESTABLISHED
	# FIN_WAIT1 until the ACK came: at once, or with the reply.
	grep -qxE '    tcp state: FIN_WAIT[12]' \
	    <(sed -n '/^shutdown(3, SHUT_WR) = 0$/{n;p}' "$TMP/cli.err")
	assert_state_after "$TMP/cli.err" 'recv(3, "", ' TIME_WAIT
	# Each state is said once, when it changes.
	[ "$(grep -c 'tcp state: FIN_WAIT2' "$TMP/cli.err")" -eq 1 ]
}

@test "listen: close() after the peer's FIN, with data still queued, leaves LAST_ACK [long]" {
	head -c 1048576 /dev/zero >"$TMP/srv.in"
	# A small window, and the FIN sent at once: nothing is read.
	early_peer cli 'c = socket.socket()
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
c.connect(("127.0.0.1", int(port)))
c.shutdown(socket.SHUT_WR)
while not os.path.exists(sys.argv[1] + ".end"):
    time.sleep(0.01)'
	start_listener srv --tcp-state -o SO_SNDBUF=4096 -i 0.3 127.0.0.1:0
	peer_go cli "$LISTEN_PORT"
	wait_for_exit "$LISTEN_PID"
	touch "$TMP/cli.go.end"
	[ "$EXIT_STATUS" -eq 124 ]
	# The peer's FIN shows at the first call after it came.
	grep -qx '    tcp state: CLOSE_WAIT' \
	    <(sed '/^close(4) = 0$/,$d' "$TMP/srv.err")
	assert_state_after "$TMP/srv.err" 'close(4) = 0' LAST_ACK
}

@test "after close(), the FIN's state is found by sock_diag; --trace=full shows the looks" {
	start_peer hold
	run --separate-stderr sockit --trace=full connect --tcp-state \
	    --shutdown close "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	wait_for_line "$TMP/peer.out" '^eof$'
	touch "$TMP/peer.go"
	grep -qxE '    tcp state: FIN_WAIT[12]' \
	    <(sed -n '/^close(3) = 0$/,$p' <<<"$stderr")
	# Full mode shows how: TCP_INFO, then ss's way after close().
	assert_stderr_contains 'getsockopt(3, IPPROTO_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED, '
	assert_stderr_contains 'socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG) = '
}

@test "close() with SO_LINGER=0 resets: CLOSE, never FIN_WAIT or TIME_WAIT [long]" {
	start_peer hold
	run --separate-stderr sockit connect --tcp-state -o SO_LINGER=0 \
	    --shutdown close "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	wait_for_line "$TMP/peer.out" '^reset$'
	touch "$TMP/peer.go"
	[ "$(tail -n 2 <<<"$stderr")" = "close(3) = 0
    tcp state: CLOSE" ]
	refute grep -qE 'TIME_WAIT|FIN_WAIT' <<<"$stderr"
	# The plain trace keeps sockit's own looks out of the lesson.
	refute grep -qE 'TCP_INFO|NETLINK' <<<"$stderr"
}

@test "a refused connect ends in CLOSE" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect --tcp-state "127.0.0.1:$port"
	assert_status 1
	assert_state_after <(printf '%s\n' "$stderr") 'connect(3, ' CLOSE
}

@test "listen -e: the program's vfork child leaves the parent's table alone, so its own close still tells" {
	start_listener srv --tcp-state -e cat 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" <<<"hi"
	assert_success
	[ "$output" = hi ]
	wait_for_exit "$LISTEN_PID"
	assert_file_contains "$TMP/srv.err" '] close(4) = 0'
	grep -qxE '    tcp state: (CLOSE|LAST_ACK)' \
	    <(sed -n '/^close(4) = 0$/{n;p}' "$TMP/srv.err")
}

@test "listen -v --queue: three clients behind a busy iterative server make the queue 3 [long]" {
	early_peer cli 'first = socket.create_connection(("127.0.0.1", int(port)))
while not os.path.exists(sys.argv[1] + ".more"):
    time.sleep(0.01)
rest = [socket.create_connection(("127.0.0.1", int(port)))
        for _ in range(3)]
print("connected", flush=True)
while not os.path.exists(sys.argv[1] + ".end"):
    time.sleep(0.01)'
	start_listener srv --queue -k --backlog 5 127.0.0.1:0
	peer_go cli "$LISTEN_PORT"
	# The first is being served before the others come: only a look
	# while it is served can see them.
	wait_for_line "$TMP/srv.err" '^sockit: accept queue 0/5$'
	touch "$TMP/cli.go.more"
	wait_for_line "$TMP/srv.err" '^sockit: accept queue 3/5$'
	[ "$(grep -c '^sockit: connection from' "$TMP/srv.err")" -eq 1 ]
	touch "$TMP/cli.go.end"
}

@test "--queue needs -v and a TCP listener of one peer at a time" {
	run --separate-stderr sockit listen --queue 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--queue tells the accept queue in -v's notes"
	run --separate-stderr sockit listen -v --queue -u 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--queue needs a TCP listener"
	run --separate-stderr sockit listen -v --queue --fork -e cat \
	    127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--queue watches a server of one peer"
}
