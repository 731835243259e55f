#!/usr/bin/env bats
# tests/listen.bats: listen over TCP, UDP and AF_UNIX, serving, addresses and cleanup.
load test_helper

@test "port 0 with -v prints the port the kernel chose" {
	start_listener srv 127.0.0.1:0
	[[ "$LISTEN_ADDR" =~ ^127\.0\.0\.1:[0-9]+$ ]]
	[ "$LISTEN_PORT" -gt 0 ]
	run sockit connect -z "127.0.0.1:$LISTEN_PORT"
	assert_success
}

@test "listen relays stdio with one peer and exits when it ends" {
	echo "hello client" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect "127.0.0.1:$LISTEN_PORT" <<<"hello server"
	assert_success
	[ "$output" = "hello client" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "hello server" ]
	assert_file_contains "$TMP/srv.err" "connection from 127.0.0.1:"
	assert_file_contains "$TMP/srv.err" "sent 13 bytes, received 13 bytes"
}

@test "with no ENDPOINT listen takes every address, IPv4 and IPv6 alike" {
	start_listener srv -k
	[[ "$LISTEN_ADDR" == "[::]:"* ]]
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	run sockit connect "[::1]:$LISTEN_PORT" </dev/null
	assert_success
	wait_for_line "$TMP/srv.err" "connection from \\[::ffff:127\\.0\\.0\\.1\\]:" 5
	wait_for_line "$TMP/srv.err" "connection from \\[::1\\]:" 5
}

@test "-4 listens on 0.0.0.0 only; -6 on :: only" {
	start_listener four -4 -k :0
	[[ "$LISTEN_ADDR" == "0.0.0.0:"* ]]
	run sockit connect -z "[::1]:$LISTEN_PORT"
	assert_status 1
	start_listener six -6 -k :0
	[[ "$LISTEN_ADDR" == "[::]:"* ]]
	run sockit connect -z "[::1]:$LISTEN_PORT"
	assert_success
	run sockit connect -z "127.0.0.1:$LISTEN_PORT"
	assert_status 1
}

@test "-k serves peers one after another" {
	local i
	start_listener srv -k 127.0.0.1:0
	for i in 1 2 3; do
		run sockit connect "127.0.0.1:$LISTEN_PORT" <<<"client $i"
		assert_success
	done
	wait_for_line "$TMP/srv.out" "client 3" 5
	[ "$(cat "$TMP/srv.out")" = "$(printf 'client 1\nclient 2\nclient 3')" ]
	kill -0 "$LISTEN_PID"
}

@test "SO_REUSEADDR is on by default and --no-reuseaddr turns it off" {
	run --separate-stderr sockit --trace listen -w 0.1 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1]) = 0"
	run --separate-stderr sockit --trace listen --no-reuseaddr -w 0.1 127.0.0.1:0
	assert_status 124
	[[ "$stderr" != *SO_REUSEADDR* ]]
}

@test "--reuseport lets two listeners share a port" {
	start_listener one --reuseport -k 127.0.0.1:0
	local port=$LISTEN_PORT
	start_listener two --reuseport -k "127.0.0.1:$port"
	[ "$LISTEN_PORT" = "$port" ]
}

@test "a port in use is explained" {
	start_listener one -k 127.0.0.1:0
	run --separate-stderr sockit listen "127.0.0.1:$LISTEN_PORT"
	assert_status 1
	assert_stderr_contains "bind to 127.0.0.1:$LISTEN_PORT: Address already in use (EADDRINUSE)"
	assert_stderr_contains "ss -ltnp"
}

@test "--backlog sets the listen() queue" {
	run --separate-stderr sockit --trace listen --backlog 5 -w 0.1 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "listen(3, 5) = 0"
}

@test "-w bounds the wait for a peer with status 124" {
	run --separate-stderr sockit listen -w 0.2 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "no connection on 127.0.0.1:0 within 0.2 s (-w)"
}

@test "UDP: the first sender becomes the peer" {
	echo "to first" >"$TMP/srv.in"
	start_listener srv -u 127.0.0.1:0
	run --separate-stderr sockit connect -u -q 1 "127.0.0.1:$LISTEN_PORT" <<<"first"
	assert_success
	[ "$output" = "to first" ]
	assert_file_contains "$TMP/srv.err" "connection from 127.0.0.1:"
	run sockit connect -u -q 0.2 "127.0.0.1:$LISTEN_PORT" <<<"second"
	run sockit connect -u -q 0.2 "127.0.0.1:$LISTEN_PORT" <<<"third"
	[ "$(cat "$TMP/srv.out")" = first ]
}

@test "UDP: a listener waits for its first datagram no longer than -w" {
	run --separate-stderr sockit listen -u -w 0.2 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "no datagram on 127.0.0.1:0 within 0.2 s (-w)"
}

@test "AF_UNIX: the socket file is removed on exit" {
	start_listener srv "unix:$SOCKDIR/s"
	[ -S "$SOCKDIR/s" ]
	run sockit connect "unix:$SOCKDIR/s" </dev/null
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ ! -e "$SOCKDIR/s" ]
}

@test "AF_UNIX: SIGINT and SIGTERM remove the socket file too" {
	local sig want
	for sig in INT TERM HUP; do
		start_listener srv "unix:$SOCKDIR/$sig"
		kill "-$sig" "$LISTEN_PID"
		wait_for_exit "$LISTEN_PID"
		case $sig in
		INT) want=130 ;;
		TERM) want=143 ;;
		HUP) want=129 ;;
		esac
		[ "$EXIT_STATUS" -eq "$want" ]
		[ ! -e "$SOCKDIR/$sig" ]
	done
}

@test "AF_UNIX: a stale socket file is replaced only with --unlink" {
	# A listener killed hard leaves its file behind.
	bg stale "$SOCKIT" listen -v "unix:$SOCKDIR/s"
	wait_for_socket "$SOCKDIR/s"
	# BG_PID is timeout(1), which cannot pass SIGKILL on: kill its child.
	pkill -KILL -P "$BG_PID"
	wait_for_exit "$BG_PID"
	[ -S "$SOCKDIR/s" ]
	run --separate-stderr sockit listen -w 0.1 "unix:$SOCKDIR/s"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	assert_stderr_contains "--unlink"
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 124
}

@test "AF_UNIX: --unlink never removes a file that is not a socket" {
	echo precious >"$SOCKDIR/file"
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/file"
	assert_status 1
	assert_stderr_contains "not a socket"
	[ "$(cat "$SOCKDIR/file")" = precious ]
}

@test "AF_UNIX seqpacket keeps each message whole" {
	start_listener srv "unix-seqpacket:$SOCKDIR/sp"
	run --separate-stderr sockit connect "unix-seqpacket:$SOCKDIR/sp" <<<"one message"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = "one message" ]
	assert_file_contains "$TMP/srv.err" "received 12 bytes"
}

@test "AF_UNIX datagram listener prints what arrives" {
	start_listener srv "unix-dgram:$SOCKDIR/dg"
	run --separate-stderr sockit connect -q 0.2 "unix-dgram:$SOCKDIR/dg" <<<"dgram"
	assert_success
	wait_for_line "$TMP/srv.out" "^dgram$" 5
}

@test "SIGTERM while waiting for a peer ends with status 143" {
	start_listener srv 127.0.0.1:0
	kill -TERM "$LISTEN_PID"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 143 ]
}

@test "--json reports listening, accepted and closed events" {
	bg srv "$SOCKIT" listen --json 127.0.0.1:0
	LISTEN_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '"listening"' 10
	local port
	port=$(jq -r 'select(.event == "listening") | .address' "$TMP/srv.err" | sed 's/.*://')
	run sockit connect "127.0.0.1:$port" <<<"json"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(jq -r .event "$TMP/srv.err" | tr '\n' ' ')" = "listening accepted closed " ]
	[ "$(jq -r 'select(.event == "closed") | .received' "$TMP/srv.err")" = 5 ]
}

@test "listen -x dumps what the peer sent" {
	start_listener srv -x 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" <<<"dump me"
	assert_success
	wait_for_exit "$LISTEN_PID"
	assert_file_contains "$TMP/srv.err" "< 00000000  64 75 6d 70 20 6d 65 0a"
}

@test "AF_UNIX: --unlink leaves a live server's socket alone" {
	start_listener live -k "unix:$SOCKDIR/live"
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/live"
	assert_status 1
	assert_stderr_contains "a server still answers on it"
	[ -S "$SOCKDIR/live" ]
	kill -0 "$LISTEN_PID"
}

@test "-k starts each peer's hex dump at offset 0" {
	local i
	start_listener srv -k -x 127.0.0.1:0
	for i in 1 2; do
		run sockit connect "127.0.0.1:$LISTEN_PORT" <<<"peer $i"
		assert_success
	done
	wait_for_line "$TMP/srv.err" "peer 2" 5
	[ "$(grep -c '^< 00000000 ' "$TMP/srv.err")" -eq 2 ]
}

@test "UDP: -w is met by the first datagram, the relay then waits on -i" {
	start_listener srv -u -w 1 -i 3 127.0.0.1:0
	python3 - "$LISTEN_PORT" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"one\n", ("127.0.0.1", int(sys.argv[1])))
time.sleep(1.5)
s.sendto(b"two\n", ("127.0.0.1", int(sys.argv[1])))
PY
	wait_for_exit "$LISTEN_PID" 10
	[ "$EXIT_STATUS" -eq 124 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'one\ntwo')" ]
	assert_file_contains "$TMP/srv.err" "(-i)"
}

@test "UDP: datagrams queued from other senders before lock-on are dropped" {
	start_listener srv -u -i 1 127.0.0.1:0
	python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
to = ("127.0.0.1", int(sys.argv[1]))
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for sock, data in ((a, b"a1\n"), (b, b"b1\n"), (a, b"a2\n"),
                   (b, b"b2\n"), (a, b"a3\n")):
    sock.sendto(data, to)
PY
	wait_for_exit "$LISTEN_PID" 10
	[ "$(cat "$TMP/srv.out")" = "$(printf 'a1\na2\na3')" ]
}

@test "AF_UNIX seqpacket: an empty record is not taken for the end" {
	start_listener srv "unix-seqpacket:$SOCKDIR/sp"
	python3 - "$SOCKDIR/sp" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
for record in (b"before\n", b"", b"after\n"):
    s.send(record)
s.close()
PY
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'before\nafter')" ]
}
