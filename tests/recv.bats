#!/usr/bin/env bats
# tests/recv.bats: recv as a sink for senders that are not sockit: streams, datagrams, framing.
load test_helper

# start_recv_json NAME ARGS...: the same with --json, which reports the
# address in a "listening" event instead.
start_recv_json() {
	local name=$1
	shift
	bg "$name" "$SOCKIT" recv --json "$@"
	RECV_PID=$BG_PID
	wait_for_line "$TMP/$name.err" '"event": "listening"' 10 || return 1
	RECV_ADDR=$(jq -r 'select(.event == "listening") | .address' \
	    "$TMP/$name.err" | head -n 1)
	RECV_PORT=${RECV_ADDR##*:}
}

# send_datagrams HOST PORT PAYLOAD...: python3 sends each payload (Python
# escapes such as \n and \xff allowed) as one datagram from one socket and
# prints that socket's port.
send_datagrams() {
	python3 - "$@" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((host, 0))
for text in sys.argv[3:]:
    data = text.encode().decode("unicode_escape").encode("latin-1")
    s.sendto(data, (host, port))
print(s.getsockname()[1])
PY
}

# send_unix TYPE PATH PAYLOAD...: python3 sends each payload over one
# unnamed AF_UNIX socket of TYPE (dgram or seqpacket), then closes it.
send_unix() {
	python3 - "$@" <<'PY'
import socket, sys
kind = {"dgram": socket.SOCK_DGRAM, "seqpacket": socket.SOCK_SEQPACKET}
s = socket.socket(socket.AF_UNIX, kind[sys.argv[1]])
s.connect(sys.argv[2])
for text in sys.argv[3:]:
    s.send(text.encode().decode("unicode_escape").encode("latin-1"))
s.close()
PY
}

@test "TCP: a peer's bytes reach stdout exactly, and recv exits at its EOF" {
	random_file "$TMP/in" 4
	start_recv srv 127.0.0.1:0
	socat -u "FILE:$TMP/in" "TCP:127.0.0.1:$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/in")" ]
	assert_file_contains "$TMP/srv.err" "connection from 127.0.0.1:"
	assert_file_contains "$TMP/srv.err" "sent 0 bytes, received 4194304 bytes"
}

@test "recv never reads stdin and never sends, not even a FIN before the peer's" {
	echo secret >"$TMP/srv.in"
	bg srv "$SOCKIT" --trace recv -v 127.0.0.1:0
	RECV_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	run python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"upload\n")
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
print(len(got))
PY
	assert_success
	[ "$output" = 0 ]
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = upload ]
	run grep -E '^(send|shutdown|read)\(' "$TMP/srv.err"
	assert_status 1
}

@test "with no ENDPOINT recv takes every address on a port the kernel picks" {
	start_recv srv
	[[ "$RECV_ADDR" == "[::]:"* ]]
	[ "$RECV_PORT" -gt 0 ]
	printf 'any\n' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = any ]
}

@test "-k takes three senders one after another and keeps listening" {
	local i
	start_recv srv -k 127.0.0.1:0
	for i in 1 2 3; do
		printf 'sender %s\n' "$i" | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	done
	wait_for_line "$TMP/srv.out" "sender 3" 5
	[ "$(cat "$TMP/srv.out")" = "$(printf 'sender 1\nsender 2\nsender 3')" ]
	kill -0 "$RECV_PID"
	[ "$(grep -c 'connection from' "$TMP/srv.err")" -eq 3 ]
}

@test "--count 2 on a stream exits after two peers" {
	start_recv srv --count 2 127.0.0.1:0
	printf 'first\n' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	printf 'second\n' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'first\nsecond')" ]
	[ "$(grep -c 'connection from' "$TMP/srv.err")" -eq 2 ]
}

@test "UDP: each datagram is printed as it comes, and --count 3 ends it" {
	start_recv srv -u --count 3 127.0.0.1:0
	send_datagrams 127.0.0.1 "$RECV_PORT" 'one\n' 'two\n' 'three\n'
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'one\ntwo\nthree')" ]
	[ "$(grep -c '^sockit: datagram of [0-9]* bytes from 127.0.0.1:' "$TMP/srv.err")" -eq 3 ]
	assert_file_contains "$TMP/srv.err" "received 3 datagrams, 14 bytes"
}

@test "UDP: without --count recv goes on until a signal" {
	start_recv srv -u 127.0.0.1:0
	send_datagrams 127.0.0.1 "$RECV_PORT" 'a\n' 'b\n' 'c\n' 'd\n' >/dev/null
	wait_for_line "$TMP/srv.out" '^d$' 5
	kill -0 "$RECV_PID"
	kill -TERM "$RECV_PID"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'a\nb\nc\nd')" ]
}

@test "UDP: --from prefixes every datagram with its sender and ends its line" {
	local sport
	start_recv srv -u --from --count 3 127.0.0.1:0
	sport=$(send_datagrams 127.0.0.1 "$RECV_PORT" 'no newline' 'with newline\n' '')
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	printf '127.0.0.1:%s: no newline\n127.0.0.1:%s: with newline\n127.0.0.1:%s: \n' \
	    "$sport" "$sport" "$sport" >"$TMP/want"
	cmp "$TMP/want" "$TMP/srv.out"
}

@test "TCP: --from prefixes each peer's data once and ends its line" {
	start_recv srv --from --count 2 127.0.0.1:0
	printf 'abc' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	printf 'line 1\nline 2\n' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	local peers
	peers=$(sed -n 's/^sockit: connection from \(.*\) to .*/\1/p' "$TMP/srv.err")
	[ "$(echo "$peers" | wc -l)" -eq 2 ]
	printf '%s: abc\n%s: line 1\nline 2\n' $peers >"$TMP/want"
	cmp "$TMP/want" "$TMP/srv.out"
}

@test "UDP: --json prints one object per datagram on stdout: utf8, base64, bytes, time [long]" {
	local sport
	start_recv_json srv -u --count 3 127.0.0.1:0
	sport=$(send_datagrams 127.0.0.1 "$RECV_PORT" 'hello' '\xff\x00\x01' 'caf\xc3\xa9 "q"\n')
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(jq -s length "$TMP/srv.out")" -eq 3 ]
	[ "$(jq -r .from "$TMP/srv.out" | sort -u)" = "127.0.0.1:$sport" ]
	[ "$(jq -c '[.bytes, .encoding, .data]' "$TMP/srv.out" | head -n 2 | tr '\n' ' ')" = '[5,"utf8","hello"] [3,"base64","/wAB"] ' ]
	[ "$(jq -r 'select(.encoding == "base64") | .data' "$TMP/srv.out" | base64 -d | od -An -tx1 | tr -d ' ')" = ff0001 ]
	[ "$(jq -j 'select(.bytes == 10) | .data' "$TMP/srv.out")" = "$(printf 'caf\xc3\xa9 "q"\n')" ]
	[ "$(jq -r '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")' "$TMP/srv.out" | sort -u)" = true ]
	[ "$(jq -r 'has("truncated")' "$TMP/srv.out" | sort -u)" = false ]
	# Events stay on stderr, as JSON too.
	[ "$(jq -r .event "$TMP/srv.err" | tr '\n' ' ')" = "listening closed " ]
	[ "$(jq -r 'select(.event == "closed") | .messages' "$TMP/srv.err")" = 3 ]
}

@test "TCP: --json prints each chunk as an object; events stay on stderr [long]" {
	random_file "$TMP/in" 1
	start_recv_json srv 127.0.0.1:0
	socat -u "FILE:$TMP/in" "TCP:127.0.0.1:$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	jq -j 'if .encoding == "base64" then .data else error("not base64") end' \
	    "$TMP/srv.out" | base64 -d >"$TMP/got"
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/in")" ]
	[ "$(jq -s 'map(.bytes) | add' "$TMP/srv.out")" -eq 1048576 ]
	[ "$(jq -r .from "$TMP/srv.out" | sort -u | wc -l)" -eq 1 ]
	[ "$(jq -r .event "$TMP/srv.err" | tr '\n' ' ')" = "listening accepted closed " ]
	[ "$(jq -r 'select(.event == "closed") | .received' "$TMP/srv.err")" = 1048576 ]
}

@test "a datagram over 64 KiB is dropped with an error and exit status 1, never passed off cut [long]" {
	start_recv_json srv --count 2 "unix-dgram:$SOCKDIR/dg"
	send_unix dgram "$SOCKDIR/dg" "$(python3 -c 'print("x" * 70000)')" after
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	# The one after it is received as ever; the long one left no record.
	[ "$(jq -c '[.bytes, .data]' "$TMP/srv.out")" = '[5,"after"]' ]
	[ "$(jq -c 'select(.event == "error") | [.operation, .error]' "$TMP/srv.err")" = \
	    '["receive a datagram of 70000 bytes from unix-dgram:(unnamed)","EMSGSIZE"]' ]
	# Without --json: the error and its hint on stderr, nothing on stdout.
	start_recv raw --count 1 "unix-dgram:$SOCKDIR/raw"
	send_unix dgram "$SOCKDIR/raw" "$(python3 -c 'print("y" * 70000)')"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	[ ! -s "$TMP/raw.out" ]
	assert_file_contains "$TMP/raw.err" "sockit: receive a datagram of 70000 bytes from unix-dgram:(unnamed): Message too long (EMSGSIZE)"
	assert_file_contains "$TMP/raw.err" "dropped whole, never cut"
}

@test "-w 0.3 with nothing arriving ends with status 124" {
	run --separate-stderr sockit recv -w 0.3 127.0.0.1:0
	assert_status 124
	grep -qE '^sockit: no connection on 127\.0\.0\.1:[1-9][0-9]* within 0\.3 s \(-w\)$' <<<"$stderr"
	run --separate-stderr sockit recv -u -w 0.3 127.0.0.1:0
	assert_status 124
	grep -qE '^sockit: no datagram on 127\.0\.0\.1:[1-9][0-9]* within 0\.3 s \(-w\)$' <<<"$stderr"
	[ -z "$output" ]
}

@test "-w also bounds a connected peer's silence before its first byte [long]" {
	early_peer quiet '
s = socket.create_connection(("127.0.0.1", int(port)))
print("connected", flush=True)
time.sleep(20)'
	start_recv srv -w 2 127.0.0.1:0
	peer_go quiet "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 124 ]
	assert_file_contains "$TMP/quiet.out" connected
	assert_file_contains "$TMP/srv.err" "connection from 127.0.0.1:"
	assert_file_contains "$TMP/srv.err" "no data from 127.0.0.1:"
}

@test "-i ends recv when nothing arrived for SECS after the last message [long]" {
	early_peer dgram '
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"only\n", ("127.0.0.1", int(port)))'
	start_recv srv -u -i 2 127.0.0.1:0
	peer_go dgram "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 124 ]
	[ "$(cat "$TMP/srv.out")" = only ]
	assert_file_contains "$TMP/srv.err" "no datagram on 127.0.0.1:$RECV_PORT for 2 s (-i)"
	early_peer stream '
s = socket.create_connection(("127.0.0.1", int(port)))
s.sendall(b"peer\n")
s.close()'
	start_recv tcp -k -i 2 127.0.0.1:0
	peer_go stream "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 124 ]
	[ "$(cat "$TMP/tcp.out")" = peer ]
	assert_file_contains "$TMP/tcp.err" "no connection on 127.0.0.1:$RECV_PORT for 2 s (-i)"
}

@test "IPv6: TCP and UDP on ::1 [long]" {
	start_recv srv "[::1]:0"
	[[ "$RECV_ADDR" == "[::1]:"* ]]
	printf 'six\n' | socat -u - "TCP6:[::1]:$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = six ]
	local sport
	start_recv udp -6 -u --from --count 1 "[::1]:0"
	sport=$(send_datagrams ::1 "$RECV_PORT" 'datagram six\n')
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/udp.out")" = "[::1]:$sport: datagram six" ]
}

@test "-4 binds 0.0.0.0 and takes no IPv6 peer" {
	start_recv srv -4 -k
	[[ "$RECV_ADDR" == "0.0.0.0:"* ]]
	run sockit connect -z "[::1]:$RECV_PORT"
	assert_status 1
}

@test "unix stream: exact bytes, and the socket file is removed at the end" {
	random_file "$TMP/in" 2
	start_recv srv "unix:$SOCKDIR/s"
	[ -S "$SOCKDIR/s" ]
	socat -u "FILE:$TMP/in" "UNIX-CONNECT:$SOCKDIR/s"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/in")" ]
	[ ! -e "$SOCKDIR/s" ]
}

@test "-U takes a bare name as a unix path" {
	cd "$SOCKDIR"
	start_recv srv -U plain
	[ -S "$SOCKDIR/plain" ]
	printf 'bare\n' | socat -u - "UNIX-CONNECT:$SOCKDIR/plain"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = bare ]
}

@test "unix-dgram: an unnamed sender shows as unix-dgram:(unnamed)" {
	start_recv srv --from --count 2 "unix-dgram:$SOCKDIR/dg"
	send_unix dgram "$SOCKDIR/dg" 'one' 'two\n'
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'unix-dgram:(unnamed): one\nunix-dgram:(unnamed): two')" ]
	[ ! -e "$SOCKDIR/dg" ]
}

@test "seqpacket: each record is a message for --from and --json, an empty one too [long]" {
	start_recv srv --from --seqpacket "$SOCKDIR/sp"
	send_unix seqpacket "$SOCKDIR/sp" 'rec one' '' 'rec two\n'
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'unix-seqpacket:(unnamed): rec one\nunix-seqpacket:(unnamed): \nunix-seqpacket:(unnamed): rec two')" ]
	start_recv_json js "unix-seqpacket:$SOCKDIR/js"
	send_unix seqpacket "$SOCKDIR/js" 'a' '' '\x80'
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(jq -c '[.bytes, .data, .encoding]' "$TMP/js.out" | tr '\n' ' ')" = '[1,"a","utf8"] [0,"","utf8"] [1,"gA==","base64"] ' ]
}

@test "-x dumps what arrives on stderr; stdout keeps the bytes alone [long]" {
	start_recv srv -x --count 2 -u 127.0.0.1:0
	send_datagrams 127.0.0.1 "$RECV_PORT" 'dump me\n' 'again\n' >/dev/null
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "$(printf 'dump me\nagain')" ]
	assert_file_contains "$TMP/srv.err" "< 00000000  64 75 6d 70 20 6d 65 0a"
	assert_file_contains "$TMP/srv.err" "< 00000000  61 67 61 69 6e 0a"
	start_recv tcp -x 127.0.0.1:0
	printf 'stream\n' | nc.openbsd -N 127.0.0.1 "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$(cat "$TMP/tcp.out")" = stream ]
	assert_file_contains "$TMP/tcp.err" "< 00000000  73 74 72 65 61 6d 0a"
}

@test "--trace narrates socket, setsockopt, bind, listen, accept, recv, close" {
	bg srv "$SOCKIT" recv --trace -v --backlog 5 -o SO_RCVBUF=65536 127.0.0.1:0
	RECV_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	printf 'traced\n' | nc.openbsd -N 127.0.0.1 "$port"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	local t
	t=$(cat "$TMP/srv.err")
	grep -qxF "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3" <<<"$t"
	grep -qxF "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1]) = 0" <<<"$t"
	grep -qE '^setsockopt\(3, SOL_SOCKET, SO_RCVBUF, \[65536\]\) = 0$' <<<"$t"
	grep -qxF "bind(3, {AF_INET, 127.0.0.1:0}) = 0" <<<"$t"
	grep -qxF "listen(3, 5) = 0" <<<"$t"
	grep -qE '^accept\(3\) = 4 \{AF_INET, 127\.0\.0\.1:[0-9]+\}$' <<<"$t"
	grep -qxF 'recv(4, "traced\n", 65536, 0) = 7' <<<"$t"
	grep -qxF 'recv(4, "", 65536, 0) = 0' <<<"$t"
	grep -qxF "close(4) = 0" <<<"$t"
	grep -qxF "close(3) = 0" <<<"$t"
	[ "$(cat "$TMP/srv.out")" = traced ]
}

@test "--trace shows recvmmsg and the length and sender of each datagram" {
	local sport
	bg srv "$SOCKIT" --trace recv -v -u --count 1 127.0.0.1:0
	RECV_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	sport=$(send_datagrams 127.0.0.1 "$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")" 'hi\n')
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qxF "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3" "$TMP/srv.err"
	grep -qxF "recvmmsg(3, [{\"hi\\n\", 65536} = 3 {AF_INET, 127.0.0.1:$sport}], 1, MSG_TRUNC|MSG_DONTWAIT, NULL) = 1" "$TMP/srv.err"
	run grep -E '^(listen|accept|sendto|send)\(' "$TMP/srv.err"
	assert_status 1
}

@test "SIGTERM ends recv with 143 and removes the unix socket file" {
	start_recv srv "unix:$SOCKDIR/s"
	[ -S "$SOCKDIR/s" ]
	kill -TERM "$RECV_PID"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	[ ! -e "$SOCKDIR/s" ]
	start_recv dg "unix-dgram:$SOCKDIR/d"
	send_unix dgram "$SOCKDIR/d" 'first\n'
	wait_for_line "$TMP/dg.out" '^first$' 5
	kill -TERM "$RECV_PID"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	[ ! -e "$SOCKDIR/d" ]
}

@test "SIGTERM in the middle of a peer's stream ends recv with 143" {
	start_recv srv 127.0.0.1:0
	bg slow python3 -c "import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'part\n')
time.sleep(10)" "$RECV_PORT"
	wait_for_line "$TMP/srv.out" '^part$' 5
	kill -TERM "$RECV_PID"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 143 ]
}

@test "--unlink replaces a stale socket file" {
	bg stale "$SOCKIT" recv "unix:$SOCKDIR/s"
	wait_for_socket "$SOCKDIR/s"
	pkill -KILL -P "$BG_PID"
	wait_for_exit "$BG_PID"
	[ -S "$SOCKDIR/s" ]
	run --separate-stderr sockit recv -w 0.1 "unix:$SOCKDIR/s"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	run --separate-stderr sockit recv --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 124
	[ ! -e "$SOCKDIR/s" ]
}

@test "--unlink costs a live one-shot receiver nothing: it still gets the whole file" {
	random_file "$TMP/in" 1
	start_recv srv "unix:$SOCKDIR/s"
	run --separate-stderr sockit recv --unlink -w 0.1 "unix:$SOCKDIR/s"
	assert_status 1
	assert_stderr_contains "a server still holds it"
	assert_stderr_contains "(EADDRINUSE)"
	socat -u "FILE:$TMP/in" "UNIX-CONNECT:$SOCKDIR/s"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/in")" ]
}

@test "--progress reports what was received on stderr" {
	start_recv srv --progress -u --count 2 127.0.0.1:0
	send_datagrams 127.0.0.1 "$RECV_PORT" 'abcd' 'e' >/dev/null
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	assert_file_contains "$TMP/srv.err" "sockit: 0 B sent, 5 B received"
}

@test "--reuseport lets two receivers share a port; --no-reuseaddr drops SO_REUSEADDR" {
	start_recv one --reuseport -u 127.0.0.1:0
	local port=$RECV_PORT
	start_recv two --reuseport -u "127.0.0.1:$port"
	[ "$RECV_PORT" = "$port" ]
	run --separate-stderr sockit --trace recv --no-reuseaddr -w 0.1 127.0.0.1:0
	assert_status 124
	[[ "$stderr" != *SO_REUSEADDR* ]]
}

@test "a reader that goes away ends recv quietly" {
	random_file "$TMP/in" 2
	bg srv bash -c '"$SOCKIT" recv -v 127.0.0.1:0 2>"$1" |
	    head -c 10 >/dev/null; exit "${PIPESTATUS[0]}"' _ "$TMP/recv.err"
	RECV_PID=$BG_PID
	wait_for_line "$TMP/recv.err" '^sockit: listening on ' 10
	socat -u "FILE:$TMP/in" "TCP:127.0.0.1:$(sed -n 's/^sockit: listening on .*://p' "$TMP/recv.err")" || true
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	run grep -E 'error|EPIPE' "$TMP/recv.err"
	assert_status 1
}

@test "-C, -q and --shutdown are usage errors: recv sends nothing" {
	run --separate-stderr sockit recv -C 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "-C changes what is sent"
	run --separate-stderr sockit recv -q 1 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "-q counts from the end of stdin"
	run --separate-stderr sockit recv --shutdown wr 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--shutdown acts at the end of stdin"
	run --separate-stderr sockit recv --count 0 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--count"
	run --separate-stderr sockit recv 127.0.0.1:99999
	assert_status 2
}

@test "a port the kernel picks is printed without -v, TCP and UDP" {
	bg tcp "$SOCKIT" recv -w 10 127.0.0.1:0
	bg udp "$SOCKIT" recv -u -w 10 127.0.0.1:0
	wait_for_line "$TMP/tcp.err" '^sockit: listening on 127\.0\.0\.1:[0-9]+$' 10
	wait_for_line "$TMP/udp.err" '^sockit: listening on 127\.0\.0\.1:[0-9]+$' 10
	local port
	port=$(sed -n 's/^sockit: listening on 127\.0\.0\.1://p' "$TMP/tcp.err")
	printf 'hi\n' | nc.openbsd -N 127.0.0.1 "$port"
	wait_for_line "$TMP/tcp.out" '^hi$' 10
}

@test "TCP: the sender's lane moves on a blocking socket though recv never ends its side" {
	random_file "$TMP/in.bin" 16
	start_recv rcv 127.0.0.1:0
	timeout 60 "$SOCKIT" --trace=full connect "127.0.0.1:$RECV_PORT" \
	    <"$TMP/in.bin" 2>"$TMP/send.err" 3>&-
	wait_for_exit "$RECV_PID" 60
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/rcv.out")" = "$(checksum "$TMP/in.bin")" ]
	grep -q '^setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, ' "$TMP/send.err"
	grep -q '^fcntl(3, F_SETFL, ~O_NONBLOCK) = 0' "$TMP/send.err"
}
