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
	assert_stderr_contains "bind to 127.0.0.1:$LISTEN_PORT: bind: Address already in use (EADDRINUSE)"
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
	grep -qE '^sockit: no connection on 127\.0\.0\.1:[1-9][0-9]* within 0\.2 s \(-w\)$' <<<"$stderr"
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

@test "UDP without -k says that it serves its first sender only, and a second sender's error says why [long]" {
	start_listener srv -u 127.0.0.1:0
	run --separate-stderr sockit connect -u -q 0.2 "127.0.0.1:$LISTEN_PORT" <<<"first"
	wait_for_line "$TMP/srv.out" '^first$'
	assert_file_contains "$TMP/srv.err" "serving 127.0.0.1:"
	assert_file_contains "$TMP/srv.err" "datagrams from other senders are dropped from now on (-k serves every sender)"
	run --separate-stderr sockit connect -u -w 5 "127.0.0.1:$LISTEN_PORT" <<<"second"
	assert_status 1
	assert_stderr_contains "(ECONNREFUSED)"
	assert_stderr_contains "serves another sender only (sockit listen -u without -k keeps to its first sender; -k serves all)"
	# Said without -v too.
	bg quiet "$SOCKIT" listen -u 127.0.0.1:0
	wait_for_line "$TMP/quiet.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/quiet.err")
	printf 'one\n' | socat -u - "UDP:127.0.0.1:$port"
	wait_for_line "$TMP/quiet.err" '^sockit: serving 127\.0\.0\.1:[0-9]+ only: '
}

@test "UDP: datagrams of 0, 1, 1472 and 65507 bytes that wait together come in one recvmmsg, each exact" {
	bg srv "$SOCKIT" --trace listen -u -v 127.0.0.1:0
	wait_for_line "$TMP/srv.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	pgrep -P "$BG_PID" -x sockit >"$TMP/pid"
	run --separate-stderr python3 "$BATS_TEST_DIRNAME/dgram_batch.py" \
	    listen "$port" "$TMP/pid" "$TMP/srv.out" "$TMP/want"
	assert_success
	cmp "$TMP/srv.out" "$TMP/want"
	grep -qE '^recvmmsg\(3, \[\{"", 65536\} = 0 (\{AF_INET, 127\.0\.0\.1:[0-9]+\}|NULL), \{"([^"\\]|\\.)*", 65536\} = 1 (\{[^}]*\}|NULL), \{"([^"\\]|\\.)*"\.\.\., 65536\} = 1472 (\{[^}]*\}|NULL), \{"([^"\\]|\\.)*"\.\.\., 65536\} = 65507 (\{[^}]*\}|NULL)\], [0-9]+, MSG_TRUNC\|MSG_DONTWAIT, NULL\) = 4$' \
	    "$TMP/srv.err"
	# recvfrom took the first alone, before the relay.
	run grep -c '^recvfrom(3, ' "$TMP/srv.err"
	[ "$output" -eq 1 ]
}

@test "a datagram over 64 KiB is dropped with an error and exit status 1, never passed off cut [long]" {
	# stdin ends only once all four datagrams wait in the socket, so
	# -q's 2 s cannot run out before they are read, however slow python.
	mkfifo "$TMP/srv.in"
	exec 7<>"$TMP/srv.in"
	early_peer snd "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
s.bind('$SOCKDIR/cl')
s.connect(port)
for data in (b'first\\n', b'x' * 70000, b'after\\n', b'y' * 70000):
    s.send(data)
print('sent', flush=True)"
	start_listener srv -u -q 2 "unix-dgram:$SOCKDIR/dg"
	peer_go snd "$SOCKDIR/dg"
	wait_for_line "$TMP/snd.out" '^sent$'
	exec 7>&-
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	[ "$(cat "$TMP/srv.out")" = $'first\nafter' ]
	[ "$(grep -c "^sockit: receive a datagram of 70000 bytes from unix-dgram:$SOCKDIR/cl: Message too long (EMSGSIZE)$" "$TMP/srv.err")" -eq 2 ]
}

@test "AF_UNIX datagram: a sender that closed before it could be answered still has all it sent printed" {
	mkfifo "$TMP/srv.in"
	exec 7<>"$TMP/srv.in"
	start_listener srv -q 1 unix-dgram:"$SOCKDIR/dg"
	# Stopped, the listener reads nothing until the sender has gone.
	pkill -STOP -P "$LISTEN_PID"
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.connect(sys.argv[2])
s.send(b'one\\n')
s.send(b'two\\n')
s.close()" "$SOCKDIR/cl" "$SOCKDIR/dg"
	pkill -CONT -P "$LISTEN_PID"
	wait_for_line "$TMP/srv.out" '^two$'
	exec 7>&-
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = $'one\ntwo' ]
	assert_file_contains "$TMP/srv.err" "unix-dgram:$SOCKDIR/cl has closed its socket: nothing can be sent back, receiving only"
}

@test "UDP: a listener waits for its first datagram no longer than -w" {
	run --separate-stderr sockit listen -u -w 0.2 127.0.0.1:0
	assert_status 124
	grep -qE '^sockit: no datagram on 127\.0\.0\.1:[1-9][0-9]* within 0\.2 s \(-w\)$' <<<"$stderr"
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

@test "AF_UNIX: SIGINT and SIGTERM remove the socket file too [long]" {
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

@test "AF_UNIX: SIGQUIT and SIGHUP during a session remove the socket file too [long]" {
	local sig listener pid
	for sig in QUIT HUP; do
		mkfifo "$TMP/$sig.in"
		bg "$sig" "$SOCKIT" listen -v "unix:$SOCKDIR/$sig"
		listener=$BG_PID
		exec 7>"$TMP/$sig.in"
		wait_for_socket "$SOCKDIR/$sig"
		pid=$(pgrep -P "$listener" -x sockit)
		bg "c$sig" "$SOCKIT" connect "unix:$SOCKDIR/$sig"
		wait_for_line "$TMP/$sig.err" '^sockit: connection from '
		kill "-$sig" "$pid"
		wait_for_exit "$listener"
		[ "$EXIT_STATUS" -eq $((128 + $(kill -l "$sig"))) ]
		[ ! -e "$SOCKDIR/$sig" ]
		exec 7>&-
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
	assert_stderr_contains "stale file"
	assert_stderr_contains "--unlink"
	# The hint is the unix path's alone: nothing about ports or ss.
	[[ "$stderr" != *"ss -l"* ]]
	[[ "$stderr" != *"another port"* ]]
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 124
}

@test "AF_UNIX: a socket file in use says whether a live server holds it, asking sock_diag" {
	echo data >"$TMP/srv.in"
	start_listener srv "unix:$SOCKDIR/live"
	run --separate-stderr sockit listen -w 0.1 "unix:$SOCKDIR/live"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	assert_stderr_contains "a live socket is bound to that file"
	# The first server lost nothing to the question: its one peer is ours.
	run --separate-stderr sockit connect "unix:$SOCKDIR/live" </dev/null
	assert_success
	[ "$output" = data ]
	echo precious >"$SOCKDIR/file"
	run --separate-stderr sockit listen -w 0.1 "unix:$SOCKDIR/file"
	assert_status 1
	assert_stderr_contains "any other file needs another path"
}

@test "AF_UNIX: --unlink leaves a live server in another network namespace alone, which sock_diag cannot see" {
	unshare -n true 2>/dev/null ||
	    skip "cannot make a network namespace here (needs root and unshare)"
	bg other unshare -n "$SOCKIT" listen -k -v "unix:$SOCKDIR/ns"
	wait_for_line "$TMP/other.err" '^sockit: listening on '
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/ns"
	assert_status 1
	assert_stderr_contains "a server still holds it"
	[ -S "$SOCKDIR/ns" ]
	# The file still leads to that server.
	run --separate-stderr sockit connect "unix:$SOCKDIR/ns" <<<"still here"
	assert_success
	wait_for_line "$TMP/other.out" '^still here$'
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

@test "AF_UNIX seqpacket and datagram: -v and --json name the kind, so the address can be typed again" {
	start_listener srv "unix-seqpacket:$SOCKDIR/sp"
	[ "$LISTEN_ADDR" = "unix-seqpacket:$SOCKDIR/sp" ]
	run --separate-stderr sockit connect -v "$LISTEN_ADDR" <<<"one"
	assert_success
	assert_stderr_contains "connected to unix-seqpacket:$SOCKDIR/sp from unix-seqpacket:(unnamed)"
	wait_for_exit "$LISTEN_PID"
	assert_file_contains "$TMP/srv.err" "connection from unix-seqpacket:(unnamed) to unix-seqpacket:$SOCKDIR/sp"
	bg dg "$SOCKIT" listen --json "unix-dgram:$SOCKDIR/dg"
	wait_for_line "$TMP/dg.err" '"event": "listening"'
	# The sender stays, so the listener can connect() to its name.
	mkfifo "$TMP/cl.in"
	exec 7<>"$TMP/cl.in"
	bg cl "$SOCKIT" connect -s "$SOCKDIR/me" "unix-dgram:$SOCKDIR/dg"
	printf 'two\n' >&7
	wait_for_line "$TMP/dg.err" '"event": "accepted"'
	exec 7>&-
	[ "$(jq -r 'select(.event == "listening") | .address' "$TMP/dg.err")" = "unix-dgram:$SOCKDIR/dg" ]
	[ "$(jq -r 'select(.event == "accepted") | .remote' "$TMP/dg.err")" = "unix-dgram:$SOCKDIR/me" ]
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
	assert_stderr_contains "a server still holds it"
	[ -S "$SOCKDIR/live" ]
	kill -0 "$LISTEN_PID"
}

# --unlink asks the kernel (sock_diag) whether a socket holds the file; a
# connect() to find out would be the one peer of a one-shot server.
@test "AF_UNIX: --unlink costs a live one-shot server nothing: it still serves its whole file [long]" {
	random_file "$TMP/srv.in" 1
	start_listener srv "unix:$SOCKDIR/s"
	run --separate-stderr sockit listen --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 1
	assert_stderr_contains "a server still holds it"
	assert_stderr_contains "(EADDRINUSE)"
	[ -S "$SOCKDIR/s" ]
	sockit connect "unix:$SOCKDIR/s" </dev/null >"$TMP/got"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/srv.in")" ]
}

@test "AF_UNIX: --unlink leaves live seqpacket and datagram servers alone, and replaces their stale files [long]" {
	start_listener sp "unix-seqpacket:$SOCKDIR/sp"
	local sp_pid=$LISTEN_PID
	start_listener dg "unix-dgram:$SOCKDIR/dg"
	local dg_pid=$LISTEN_PID
	run --separate-stderr sockit listen --unlink -w 0.1 \
	    "unix-seqpacket:$SOCKDIR/sp"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	run --separate-stderr sockit listen --unlink -w 0.1 \
	    "unix-dgram:$SOCKDIR/dg"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	# Both still serve their first peer.
	run sockit connect -q 0.2 "unix-dgram:$SOCKDIR/dg" <<<"dgram"
	assert_success
	wait_for_line "$TMP/dg.out" "^dgram$" 5
	run sockit connect "unix-seqpacket:$SOCKDIR/sp" <<<"one message"
	assert_success
	wait_for_exit "$sp_pid"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/sp.out")" = "one message" ]
	# Killed hard, the datagram server leaves a stale file to replace.
	pkill -KILL -P "$dg_pid"
	wait_for_exit "$dg_pid"
	[ -S "$SOCKDIR/dg" ]
	run --separate-stderr sockit listen --unlink -w 0.1 \
	    "unix-dgram:$SOCKDIR/dg"
	assert_status 124
}

@test "SIGTERM mid-transfer from a pipe that never ends resets: the client fails with ECONNRESET" {
	mkfifo "$TMP/srv.in"
	bg srv "$SOCKIT" --trace listen -v 127.0.0.1:0
	local srv_pid=$BG_PID
	exec 7>"$TMP/srv.in"
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	LISTEN_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	bg cli "$SOCKIT" connect "127.0.0.1:$LISTEN_PORT"
	local cli_pid=$BG_PID
	printf 'part one\n' >&7
	wait_for_line "$TMP/cli.out" '^part one$'
	kill -TERM "$srv_pid"
	wait_for_exit "$srv_pid"
	[ "$EXIT_STATUS" -eq 143 ]
	assert_file_contains "$TMP/srv.err" \
	    "setsockopt(4, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}) = 0"
	wait_for_exit "$cli_pid"
	exec 7>&-
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/cli.err" "(ECONNRESET)"
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

@test "UDP: -w is met by the first datagram, the relay then waits on -i [long]" {
	early_peer dgram '
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"one\n", ("127.0.0.1", int(port)))
time.sleep(1.5)
s.sendto(b"two\n", ("127.0.0.1", int(port)))
print("sent", flush=True)'
	start_listener srv -u -w 1 -i 3 127.0.0.1:0
	peer_go dgram "$LISTEN_PORT"
	wait_for_exit "$LISTEN_PID" 10
	[ "$EXIT_STATUS" -eq 124 ]
	assert_file_contains "$TMP/dgram.out" sent
	[ "$(cat "$TMP/srv.out")" = "$(printf 'one\ntwo')" ]
	assert_file_contains "$TMP/srv.err" "(-i)"
}

@test "UDP: datagrams queued from other senders before lock-on are dropped [long]" {
	early_peer senders '
to = ("127.0.0.1", int(port))
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for sock, data in ((a, b"a1\n"), (b, b"b1\n"), (a, b"a2\n"),
                   (b, b"b2\n"), (a, b"a3\n")):
    sock.sendto(data, to)'
	start_listener srv -u -i 2 127.0.0.1:0
	peer_go senders "$LISTEN_PORT"
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

@test "-e: the peer talks to the program, which finds SOCKIT_ addresses in its environment" {
	start_listener srv -e env 127.0.0.1:0
	run --separate-stderr sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	grep -qx 'SOCKIT_PEER_ADDR=127.0.0.1' <<<"$output"
	grep -qE '^SOCKIT_PEER_PORT=[0-9]+$' <<<"$output"
	grep -qx 'SOCKIT_LOCAL_ADDR=127.0.0.1' <<<"$output"
	grep -qx "SOCKIT_LOCAL_PORT=$LISTEN_PORT" <<<"$output"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "-e splits on blanks and uses no shell; -c goes through /bin/sh [long]" {
	start_listener one -e 'echo $HOME a  b' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = '$HOME a b' ]
	start_listener two -c 'echo "x  y" | tr x z' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = 'z  y' ]
}

@test "the program's exit status is listen's; one that cannot run is 127 [long]" {
	start_listener srv -c 'exit 7' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 7 ]
	start_listener bad -e /nonexistent/prog 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 127 ]
	grep -q 'ENOENT' "$TMP/bad.err"
}

@test "stderr stays ours unless --stderr joins it to the connection [long]" {
	start_listener plain -c 'echo out; echo err >&2' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = out ]
	wait_for_exit "$LISTEN_PID"
	grep -qx err "$TMP/plain.err"
	start_listener joined --stderr -c 'echo out; echo err >&2' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = "$(printf 'out\nerr')" ]
}

@test "-k -e serves three clients one after another, each its own echo" {
	start_listener srv -k -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 3 --serial
	assert_success
	[ "$output" = "3 ok" ]
}

@test "--fork serves 50 clients at once, each its own answer [long]" {
	# No --backlog: the default of a server of many peers holds them all,
	# where 16 would meet dropped handshakes and SYN cookies.
	start_listener srv --fork -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 50
	assert_success
	[ "$output" = "50 ok" ]
}

@test "--fork over AF_UNIX stream and seqpacket [long]" {
	start_listener s1 --fork -c 'echo stream' "unix:$SOCKDIR/s"
	run sockit connect "unix:$SOCKDIR/s" </dev/null
	[ "$output" = stream ]
	start_listener s2 --fork -c 'echo record' "unix-seqpacket:$SOCKDIR/q"
	run sockit connect "unix-seqpacket:$SOCKDIR/q" </dev/null
	[ "$output" = record ]
}

@test "--max-conns 2 runs at most two children, and all five clients are served" {
	start_listener srv --fork --max-conns 2 \
	    -c "echo start >>$TMP/log; sleep 0.3; echo end >>$TMP/log; echo ok" \
	    127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 5 --expect 'ok\n'
	assert_success
	[ "$output" = "5 ok" ]
	# The most children running at once, from the order of their lines.
	local most
	most=$(awk '/start/ { n++ } /end/ { n-- } n > m { m = n } END { print m }' "$TMP/log")
	[ "$most" -eq 2 ]
}

@test "--allow keeps 127.0.0.1 and closes ::1; --deny the other way round [long]" {
	start_listener one --fork -v --allow 127.0.0.1 -c 'echo welcome' :0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = welcome ]
	run sockit connect "[::1]:$LISTEN_PORT" </dev/null
	[ -z "$output" ]
	wait_for_line "$TMP/one.err" '^sockit: denied \[::1\]:[0-9]+: not allowed'
	start_listener two --fork --deny 127.0.0.0/8 -c 'echo welcome' :0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ -z "$output" ]
	run sockit connect "[::1]:$LISTEN_PORT" </dev/null
	[ "$output" = welcome ]
}

# One rule for IPv4-mapped addresses: the peer 127.0.0.2 is the same peer
# whether an IPv4 socket shows it as 127.0.0.2 or a dual-stack one as
# ::ffff:127.0.0.2, and a rule may be written either way.
@test "--allow and --deny treat 127.0.0.2 and ::ffff:127.0.0.2 as one peer on 127.0.0.1 and [::] [long]" {
	local where rule got1 got2 n=0
	for where in 127.0.0.1:0 '[::]:0'; do
		for rule in '--allow ::ffff:127.0.0.1' '--deny ::ffff:127.0.0.2' \
		    '--allow 127.0.0.1' '--deny 127.0.0.2' \
		    '--allow ::ffff:7f00:1' '--deny ::ffff:127.0.0.2/127'; do
			# shellcheck disable=SC2086
			n=$((n + 1))
			start_listener "acl$n" --fork $rule \
			    -c 'echo welcome' "$where"
			got1=$("$SOCKIT" connect -s 127.0.0.1 \
			    "127.0.0.1:$LISTEN_PORT" </dev/null 2>/dev/null)
			got2=$("$SOCKIT" connect -s 127.0.0.2 \
			    "127.0.0.1:$LISTEN_PORT" </dev/null 2>/dev/null)
			echo "$where $rule: from .1 '$got1', from .2 '$got2'"
			[ "$got1" = welcome ]
			[ -z "$got2" ]
			kill "$LISTEN_PID"
			wait "$LISTEN_PID" 2>/dev/null || true
		done
	done
}

@test "--allow and --deny are checked: a bad block or a unix endpoint is a usage error" {
	run --separate-stderr sockit listen --allow 10.0.0.0/33 -c true :0
	assert_status 2
	assert_stderr_contains "bad --allow"
	run --separate-stderr sockit listen --deny localhost :0
	assert_status 2
	assert_stderr_contains "names are not looked up"
	run --separate-stderr sockit listen --allow 127.0.0.1 "unix:$SOCKDIR/s"
	assert_status 2
	assert_stderr_contains "unix socket"
}

@test "no zombies after 200 connections to --fork [long]" {
	start_listener srv --fork -c 'echo hi' 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 200 --serial --expect 'hi\n'
	assert_success
	# Every child has been reaped, none is left a zombie.
	wait_for_children "$(pgrep -P "$LISTEN_PID" -x sockit)" 0
}

@test "children get only descriptors 0, 1 and 2, the listening socket closed" {
	start_listener srv --fork -c 'ls /proc/self/fd' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	# ls itself opens one more to read the directory.
	[ "$(grep -cvE '^[012]$' <<<"$output")" -le 1 ]
}

@test "SIGTERM ends the children of --fork and removes the unix socket file [long]" {
	start_listener srv --fork -c "echo \$\$ >>$TMP/pids; exec sleep 30" \
	    "unix:$SOCKDIR/s"
	local pid
	pid=$(pgrep -P "$LISTEN_PID" -x sockit)
	bg c1 "$SOCKIT" connect "unix:$SOCKDIR/s"
	bg c2 "$SOCKIT" connect "unix:$SOCKDIR/s"
	wait_for_children "$pid" 2
	kill -TERM "$pid"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	[ ! -e "$SOCKDIR/s" ]
	local child
	for child in $(cat "$TMP/pids"); do
		wait_gone "$child"
	done
}

@test "-v logs each connection's open and close with bytes and duration; --json as objects [long]" {
	start_listener srv --fork -v -c 'head -c 6 >/dev/null; echo abc' \
	    127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" <<<"hello"
	[ "$output" = abc ]
	wait_for_line "$TMP/srv.err" '^sockit: closed 127\.0\.0\.1:[0-9]+: sent 4 bytes, received 6 bytes in [0-9.]+ s$'
	grep -qE '^sockit: connection from 127\.0\.0\.1:[0-9]+ to ' "$TMP/srv.err"
	grep -qE '^sockit: pid [0-9]+ exited with status 0$' "$TMP/srv.err"
	bg js "$SOCKIT" listen --fork --json -c 'echo abc' 127.0.0.1:0
	wait_for_line "$TMP/js.err" '"event": "listening"'
	local addr
	addr=$(jq -r 'select(.event == "listening") | .address' "$TMP/js.err")
	run sockit connect "$addr" </dev/null
	wait_for_line "$TMP/js.err" '"event": "closed"'
	jq -se 'map(select(.event == "closed")) | length == 1 and
	    (.[0] | .sent == 4 and .status == 0 and .seconds >= 0 and
	    (.remote | startswith("127.0.0.1:")))' "$TMP/js.err"
	jq -se 'map(select(.event == "accepted")) | length == 1' \
	    "$TMP/js.err"
}

@test "--trace shows accept, vfork, then the child's dup2, close and execvpe, tagged [pid N] as strace -f does [long]" {
	start_listener srv --trace --fork -c 'echo hi' 127.0.0.1:0
	run sockit connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[ "$output" = hi ]
	wait_for_line "$TMP/srv.err" '^waitpid\(-1, \[exit status 0\], WNOHANG\) = [0-9]+$'
	local child
	child=$(sed -nE 's/^vfork\(\) = ([0-9]+)$/\1/p' "$TMP/srv.err")
	[ -n "$child" ]
	grep -qE '^accept\(3\) = 4 \{AF_INET, 127\.0\.0\.1:[0-9]+\}$' "$TMP/srv.err"
	grep -qxF "[pid $child] dup2(4, 0) = 0" "$TMP/srv.err"
	grep -qxF "[pid $child] dup2(4, 1) = 1" "$TMP/srv.err"
	grep -qxF "[pid $child] close(3) = 0" "$TMP/srv.err"
	grep -qE "^\[pid $child\] execvpe\(\"/bin/sh\", \[\"sh\", \"-c\", \"echo hi\"\], \[[0-9]+ variables\]\)$" "$TMP/srv.err"
	grep -qxF "close(4) = 0" "$TMP/srv.err"
	# No line of the child comes before the vfork line.
	[ "$(grep -nE "^(vfork\(\) = $child|\[pid $child\] )" "$TMP/srv.err" |
	    head -n 1 | cut -d: -f2-)" = "vfork() = $child" ]
	# Every trace line starts with the call's name, or after one tag.
	refute grep -vE '^(sockit: |(\[pid [0-9]+\] )?[a-z_0-9]+\()' "$TMP/srv.err"
}

@test "--fork needs a program; --max-conns needs --fork" {
	run --separate-stderr sockit listen --fork :0
	assert_status 2
	assert_stderr_contains "--fork needs -e, -c or --serve"
	run --separate-stderr sockit listen --max-conns 2 -e cat :0
	assert_status 2
	assert_stderr_contains "--max-conns limits the children of --fork"
	run --separate-stderr sockit listen -e cat -c cat :0
	assert_status 2
	assert_stderr_contains "give one"
	run --separate-stderr sockit listen -x -e cat :0
	assert_status 2
	assert_stderr_contains "-x has no effect with -e"
}

@test "UDP -k serves every sender, and stdin goes to the latest" {
	mkfifo "$TMP/srv.in"
	bg srv "$SOCKIT" listen -u -k -v 127.0.0.1:0
	exec 7>"$TMP/srv.in"
	wait_for_line "$TMP/srv.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	printf 'one\n' | socat -u - "UDP:127.0.0.1:$port"
	wait_for_line "$TMP/srv.out" '^one$'
	mkfifo "$TMP/two.in"
	bg two socat -T 5 - "UDP:127.0.0.1:$port"
	exec 8>"$TMP/two.in"
	printf 'two\n' >&8
	wait_for_line "$TMP/srv.out" '^two$'
	printf 'reply\n' >&7
	wait_for_line "$TMP/two.out" '^reply$'
	grep -c 'datagrams from 127.0.0.1:' "$TMP/srv.err" | grep -qx 2
	exec 7>&- 8>&-
}

@test "UDP -e: the program reads the first datagram and answers its sender" {
	start_listener srv -u -e cat 127.0.0.1:0
	run bash -c "printf 'ping\n' | timeout 5 socat -T 2 - UDP:127.0.0.1:$LISTEN_PORT"
	[ "$output" = ping ]
}

@test "a program on an address others can reach is warned about, unless --allow says who [long]" {
	start_listener open -e cat :0
	grep -q "^sockit: warning: 'cat' runs for anyone who can reach " "$TMP/open.err"
	start_listener lo -e cat 127.0.0.1:0
	refute grep -q 'warning' "$TMP/lo.err"
	start_listener allowed --allow 127.0.0.1 -e cat :0
	refute grep -q 'warning' "$TMP/allowed.err"
}

@test "AF_UNIX: --mode sets the socket file's permissions; the umask rules without it [long]" {
	start_listener m --mode 600 "unix:$SOCKDIR/m"
	[ "$(stat -c %a "$SOCKDIR/m")" = 600 ]
	(umask 077 && exec "$SOCKIT" listen -v "unix:$SOCKDIR/u" </dev/null \
	    >/dev/null 2>"$TMP/u.err" 3>&- & echo $! >"$TMP/u.pid")
	BG_PIDS+=("$(cat "$TMP/u.pid")")
	wait_for_socket "$SOCKDIR/u"
	[ "$(stat -c %a "$SOCKDIR/u")" = 700 ]
	run --separate-stderr sockit listen --mode 8 "unix:$SOCKDIR/x"
	assert_status 2
	assert_stderr_contains "bad --mode '8'"
	run --separate-stderr sockit listen --mode 600 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "has none"
}

@test "a port in use: the default bind names [::] then 0.0.0.0, with TCP's hint" {
	# A listener on 127.0.0.1 holds the port for both wildcard binds.
	start_listener holder -w 10 127.0.0.1:0
	run --separate-stderr sockit listen -w 0.1 "$LISTEN_PORT"
	assert_status 1
	assert_stderr_contains "bind to [::]:$LISTEN_PORT, then 0.0.0.0:$LISTEN_PORT: bind: Address already in use"
	assert_stderr_contains "ss -ltnp 'sport = :$LISTEN_PORT'"
	[[ "$stderr" != *unlink* ]]
}

@test "a port the kernel picks is printed without -v; a port given is not" {
	bg srv "$SOCKIT" listen -w 10 127.0.0.1:0
	wait_for_line "$TMP/srv.err" '^sockit: listening on 127\.0\.0\.1:[0-9]+$' 10
	local port
	port=$(sed -n 's/^sockit: listening on 127\.0\.0\.1://p' "$TMP/srv.err")
	run --separate-stderr sockit connect -z "127.0.0.1:$port"
	assert_success
	wait_for_exit "$BG_PID"
	[ "$(grep -c 'listening on' "$TMP/srv.err")" -eq 1 ]
	run --separate-stderr sockit listen -w 0.1 "127.0.0.1:$(refused_port)"
	assert_status 124
	[[ "$stderr" != *"listening on"* ]]
}
