#!/usr/bin/env bats
# tests/flags.bats: the flags a class asks about: --peek (MSG_PEEK) and --oob (MSG_OOB, TCP urgent data).
load test_helper

# A TCP peer that sends "hello ", then "!" as urgent data, then "world\n".
urgent_sender() {
	python3 "$BATS_TEST_DIRNAME/urgent_peer.py" send "$1"
}

# start_urgent_reader [inline]: urgent_peer.py read in the background;
# sets PEER_PID and PEER_PORT.
start_urgent_reader() {
	bg peer python3 "$BATS_TEST_DIRNAME/urgent_peer.py" read \
	    "$TMP/peer.port" "$@"
	PEER_PID=$BG_PID
	wait_for_line "$TMP/peer.port" '^[0-9]+$'
	PEER_PORT=$(cat "$TMP/peer.port")
}

@test "recv --peek over TCP: each recv is made with MSG_PEEK first, the bytes reach stdout once" {
	start_recv rcv --trace --peek 127.0.0.1:0
	run --separate-stderr sockit send -n "127.0.0.1:$RECV_PORT" hola
	assert_success
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = hola ]
	# The peek, then the read of the same bytes, on the next line.
	grep -A1 -xF 'recv(4, "hola\n", 65536, MSG_PEEK) = 5' "$TMP/rcv.err" |
	    tail -n 1 | grep -qxF 'recv(4, "hola\n", 65536, 0) = 5'
	grep -qxF 'recv(4, "", 65536, MSG_PEEK) = 0' "$TMP/rcv.err"
}

@test "recv --peek over UDP: each datagram is peeked at by a recvfrom, then taken by another, one at a time [long]" {
	start_recv rcv --trace --peek -u --count 2 127.0.0.1:0
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for d in (b"one", b"two"):
    s.sendto(d, ("127.0.0.1", int(sys.argv[1])))' "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = onetwo ]
	local d from='\{AF_INET, 127\.0\.0\.1:[0-9]+\}'
	for d in one two; do
		grep -A1 -xE "recvfrom\(3, \"$d\", 65536, MSG_PEEK\|MSG_TRUNC, $from\) = 3" \
		    "$TMP/rcv.err" | tail -n 1 |
		    grep -qxE "recvfrom\(3, \"$d\", 65536, MSG_TRUNC, $from\) = 3"
	done
	refute grep -q '^recvmmsg' "$TMP/rcv.err"
}

@test "recv --peek over a unix datagram socket: the same datagram twice in the trace, once on stdout" {
	start_recv rcv --trace --peek --count 1 "unix-dgram:$SOCKDIR/d.sock"
	run --separate-stderr sockit send "unix-dgram:$SOCKDIR/d.sock" hola
	assert_success
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = hola ]
	grep -A1 -xE 'recvfrom\(3, "hola", 65536, MSG_PEEK\|MSG_TRUNC, \{AF_UNIX[^}]*\}\) = 4' \
	    "$TMP/rcv.err" | tail -n 1 |
	    grep -qxE 'recvfrom\(3, "hola", 65536, MSG_TRUNC, \{AF_UNIX[^}]*\}\) = 4'
}

@test "listen --peek over UDP: the first datagram and those the relay takes are each peeked at first [long]" {
	start_listener lst --trace --peek -u 127.0.0.1:0
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(b"one")
s.send(b"two")' "$LISTEN_PORT"
	wait_for_line "$TMP/lst.out" 'onetwo'
	kill "$LISTEN_PID"
	local d
	for d in one two; do
		grep -qE "^recvfrom\(3, \"$d\", 65536, MSG_PEEK\|MSG_TRUNC(\|MSG_DONTWAIT)?, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = 3$" \
		    "$TMP/lst.err"
		grep -qE "^recvfrom\(3, \"$d\", 65536, MSG_TRUNC(\|MSG_DONTWAIT)?, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = 3$" \
		    "$TMP/lst.err"
	done
}

@test "listen --peek over seqpacket: each record is peeked at, then read" {
	start_listener lst --trace --peek --seqpacket "unix:$SOCKDIR/q.sock"
	run --separate-stderr sockit send --seqpacket "unix:$SOCKDIR/q.sock" hola
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/lst.out")" = hola ]
	grep -A1 -xF 'recv(4, "hola", 65536, MSG_PEEK|MSG_TRUNC) = 4' \
	    "$TMP/lst.err" | tail -n 1 |
	    grep -qxF 'recv(4, "hola", 65536, MSG_TRUNC) = 4'
}

@test "send --oob: each send carries MSG_OOB, and the peer reads the last byte out of band" {
	start_urgent_reader
	run --separate-stderr sockit --trace send --oob "127.0.0.1:$PEER_PORT" 'abc!'
	assert_success
	assert_stderr_contains 'send(3, "abc!", 4, MSG_OOB|MSG_NOSIGNAL) = 4'
	wait_for_exit "$PEER_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qxF "data: b'abc'" "$TMP/peer.out"
	grep -qxF "urgent: b'!'" "$TMP/peer.out"
}

@test "send --oob to a peer with SO_OOBINLINE: the urgent byte stays in the data, at the mark" {
	start_urgent_reader inline
	run --separate-stderr sockit send --oob "127.0.0.1:$PEER_PORT" 'abc!'
	assert_success
	wait_for_exit "$PEER_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qxF "data: b'abc!'" "$TMP/peer.out"
	grep -qxF "mark: 3" "$TMP/peer.out"
}

@test "recv --oob: the urgent byte is read with MSG_OOB and told on stderr; the rest reaches stdout" {
	start_recv rcv --trace --oob 127.0.0.1:0
	urgent_sender "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = "hello world" ]
	assert_file_contains "$TMP/rcv.err" 'recv(4, "!", 1, MSG_OOB) = 1'
	assert_file_contains "$TMP/rcv.err" "sockit: urgent byte 0x21 '!' (MSG_OOB)"
}

@test "recv --oob -o SO_OOBINLINE=1: the byte stays in stdout, and sockatmark finds the mark" {
	start_recv rcv --trace --oob -o SO_OOBINLINE=1 127.0.0.1:0
	urgent_sender "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = "hello !world" ]
	assert_file_contains "$TMP/rcv.err" 'sockatmark(4) = 1'
	assert_file_contains "$TMP/rcv.err" \
	    "sockit: urgent byte 0x21 '!' inline, at the mark (sockatmark)"
	refute grep -q 'MSG_OOB' "$TMP/rcv.err"
}

@test "recv --oob --json: the urgent byte is an event" {
	bg rcv "$SOCKIT" recv --json --oob 127.0.0.1:0
	local pid=$BG_PID
	wait_for_line "$TMP/rcv.err" '"event": "listening"'
	local addr
	addr=$(jq -r 'select(.event == "listening") | .address' "$TMP/rcv.err")
	urgent_sender "${addr##*:}"
	wait_for_exit "$pid"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(jq -c 'select(.event == "urgent") | [.byte, .inline]' \
	    "$TMP/rcv.err")" = '[33,false]' ]
}

@test "a short exchange without --oob never asks for urgent data: no POLLPRI, no MSG_OOB, the run ends" {
	start_recv rcv --trace=full 127.0.0.1:0
	urgent_sender "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	# Out of band, unread: the kernel drops it from the data.
	[ "$(cat "$TMP/rcv.out")" = "hello world" ]
	refute grep -qE 'MSG_OOB|POLLPRI|sockatmark' "$TMP/rcv.err"
}

@test "a bulk transfer that meets urgent data without --oob loses nothing behind the mark, which splice cannot pass [long]" {
	# 1 MB moves by splice once 256 KiB went by recv; then the mark.
	start_recv rcv 127.0.0.1:0
	python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x" * 1000000)
s.send(b"!", socket.MSG_OOB)
s.sendall(b"y" * 1000)
s.close()' "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	# Out of band and unread, the urgent byte alone is left out.
	[ "$(wc -c <"$TMP/rcv.out")" -eq 1001000 ]
	[ "$(tail -c 1000 "$TMP/rcv.out" | tr -d y | wc -c)" -eq 0 ]
	refute grep -q '!' "$TMP/rcv.out"
}

@test "--oob is TCP's and --peek the relay's: other uses are usage errors naming why" {
	run --separate-stderr sockit send --oob -u 127.0.0.1:9 x
	assert_status 2
	assert_stderr_contains "--oob sends TCP urgent data (MSG_OOB), and 127.0.0.1:9 is a UDP endpoint"
	run --separate-stderr sockit recv --oob "unix:$SOCKDIR/x.sock"
	assert_status 2
	assert_stderr_contains "is an AF_UNIX endpoint"
	run --separate-stderr sockit send --oob --tls 127.0.0.1:9 x
	assert_status 2
	assert_stderr_contains "would bypass TLS"
	run --separate-stderr sockit recv --peek --tls 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--peek reads the socket's bytes twice"
	run --separate-stderr sockit listen --peek -e cat 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--peek has no effect with -e: the program reads"
	run --separate-stderr sockit listen --peek --serve echo 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--peek has no effect with --serve"
	run --separate-stderr sockit listen --oob 127.0.0.1:0
	assert_status 2
	[ -z "$output" ]
}

@test "textbook mode: the blocking loop peeks too, send --oob's flag is MSG_OOB alone, recv --oob needs plain mode" {
	bg rcv "$SOCKIT" --textbook --trace recv -v --peek 127.0.0.1:0
	RECV_PID=$BG_PID
	wait_for_line "$TMP/rcv.err" '^sockit: listening on ' 10
	RECV_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/rcv.err")
	run --separate-stderr sockit send -n "127.0.0.1:$RECV_PORT" hola
	assert_success
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = hola ]
	grep -A1 -xF 'recv(4, "hola\n", 1024, MSG_PEEK) = 5' "$TMP/rcv.err" |
	    tail -n 1 | grep -qxF 'recv(4, "hola\n", 1024, 0) = 5'

	start_urgent_reader
	run --separate-stderr sockit --textbook --trace send --oob \
	    "127.0.0.1:$PEER_PORT" 'abc!'
	assert_success
	assert_stderr_contains 'send(3, "abc!", 4, MSG_OOB) = 4'
	wait_for_exit "$PEER_PID"
	grep -qxF "urgent: b'!'" "$TMP/peer.out"

	run --separate-stderr sockit --textbook recv --oob 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--oob reads need plain mode, not --textbook"
}
