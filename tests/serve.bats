#!/usr/bin/env bats
# tests/serve.bats: listen --serve, the classic services run inside sockit, with nc and socat as clients.

load test_helper

# udp_ask PORT DATA: one datagram from an unconnected python socket;
# prints the answer, or "none" when none came within 5 s.
udp_ask() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(sys.argv[2].encode(), ("127.0.0.1", int(sys.argv[1])))
try:
    sys.stdout.write(s.recv(65536).decode())
except socket.timeout:
    print("none")
PY
}

@test "TCP echo (RFC 862) answers nc.openbsd, and the trace shows the server's own recv and send" {
	start_listener srv --trace -k --serve echo 127.0.0.1:0
	run nc.openbsd -N 127.0.0.1 "$LISTEN_PORT" <<<"hola"
	assert_success
	[ "$output" = hola ]
	wait_for_line "$TMP/srv.err" '^close\(4\) = 0$'
	grep -qxF 'recv(4, "hola\n", 1024, 0) = 5' "$TMP/srv.err"
	grep -qxF 'send(4, "hola\n", 5, MSG_NOSIGNAL) = 5' "$TMP/srv.err"
	grep -qxF 'recv(4, "", 1024, 0) = 0' "$TMP/srv.err"
}

@test "TCP upper answers socat in capitals: the server really read the bytes" {
	start_listener srv -k --serve upper 127.0.0.1:0
	run socat -t 5 - "TCP:127.0.0.1:$LISTEN_PORT" <<<"Hello, class"
	assert_success
	[ "$output" = "HELLO, CLASS" ]
}

@test "TCP discard (RFC 863) reads and answers nothing" {
	start_listener srv --trace --serve discard 127.0.0.1:0
	run nc.openbsd -N 127.0.0.1 "$LISTEN_PORT" <<<"into the void"
	assert_success
	[ -z "$output" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qxF 'recv(4, "into the void\n", 1024, 0) = 14' "$TMP/srv.err"
	refute grep -q '^send(' "$TMP/srv.err"
}

@test "TCP daytime (RFC 867) sends the time in one line and closes" {
	start_listener srv --serve daytime 127.0.0.1:0
	run nc.openbsd -d 127.0.0.1 "$LISTEN_PORT"
	assert_success
	[[ "$output" =~ ^[A-Z][a-z]+day,\ [A-Z][a-z]+\ [0-9]{1,2},\ [0-9]{4}\ [0-9]{2}:[0-9]{2}:[0-9]{2}-UTC$'\r'$ ]]
}

@test "TCP chargen (RFC 864) sends the rotating lines until the client goes" {
	start_listener srv --serve chargen 127.0.0.1:0
	nc.openbsd -d 127.0.0.1 "$LISTEN_PORT" | head -c 222 >"$TMP/got"
	python3 - "$TMP/got" <<'PY'
import sys
want = b"".join(bytes(32 + (i + j) % 95 for j in range(72)) + b"\r\n"
               for i in range(3))
sys.exit(open(sys.argv[1], "rb").read() != want)
PY
	# The client went: the server ends this conversation without error.
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "UDP echo answers nc.openbsd and socat, each at its own address, with recvfrom and sendto [long]" {
	start_listener srv --trace -u --serve echo 127.0.0.1:0
	run nc.openbsd -u -w 2 127.0.0.1 "$LISTEN_PORT" <<<"from nc"
	[ "$output" = "from nc" ]
	run socat -t 2 - "UDP:127.0.0.1:$LISTEN_PORT" <<<"from socat"
	assert_success
	[ "$output" = "from socat" ]
	[ "$(grep -cE '^recvfrom\(3, "from (nc|socat)\\n", 65536, 0, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = [0-9]+$' "$TMP/srv.err")" -eq 2 ]
	[ "$(grep -cE '^sendto\(3, "from (nc|socat)\\n", [0-9]+, MSG_NOSIGNAL, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = [0-9]+$' "$TMP/srv.err")" -eq 2 ]
	# One unconnected socket for all: no connect locks on to a sender.
	refute grep -q '^connect(' "$TMP/srv.err"
	# The server is still there for the next sender.
	run udp_ask "$LISTEN_PORT" "third"
	[ "$output" = third ]
}

@test "UDP discard stays silent, daytime and chargen answer each datagram [long]" {
	start_listener d -u --serve discard 127.0.0.1:0
	run udp_ask "$LISTEN_PORT" "x"
	[ "$output" = none ]
	start_listener t -u --serve daytime 127.0.0.1:0
	run udp_ask "$LISTEN_PORT" "x"
	[[ "$output" == *-UTC* ]]
	start_listener c -u --serve chargen 127.0.0.1:0
	run udp_ask "$LISTEN_PORT" "x"
	[[ "$output" == ' !"#$%&'* ]]
	[ "${#output}" -le 512 ]
}

@test "-k is iterative: a second client waits in the backlog until the first is done" {
	start_listener srv -k --serve echo 127.0.0.1:0
	run python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
a.sendall(b"first\n")
assert a.recv(100) == b"first\n"
b = socket.create_connection(("127.0.0.1", port))   # queued, not accepted
b.sendall(b"second\n")
b.settimeout(0.5)
try:
    b.recv(100)
    print("served at once")
except socket.timeout:
    a.close()
    b.settimeout(10)
    print(b.recv(100).decode().strip())
PY
	assert_success
	[ "$output" = second ]
}

@test "--fork is concurrent: a child per client, the fork line before the child's lines [long]" {
	start_listener srv --trace --fork --serve echo 127.0.0.1:0
	run python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
a.sendall(b"first\n")
assert a.recv(100) == b"first\n"
b = socket.create_connection(("127.0.0.1", port))
b.sendall(b"second\n")
b.settimeout(10)
print(b.recv(100).decode().strip())   # while a is still connected
a.close(); b.close()
PY
	assert_success
	[ "$output" = second ]
	wait_for_line "$TMP/srv.err" '^waitpid\(-1, \[exit status 0\], WNOHANG\) = [0-9]+$'
	local child
	child=$(sed -nE 's/^fork\(\) = ([0-9]+)$/\1/p' "$TMP/srv.err" | head -n 1)
	[ -n "$child" ]
	# The parent closes the connection, the child the listening socket.
	grep -qxF "[pid $child] close(3) = 0" "$TMP/srv.err"
	grep -qxF "[pid $child] recv(4, \"first\\n\", 1024, 0) = 6" "$TMP/srv.err"
	grep -qxF "[pid $child] send(4, \"first\\n\", 6, MSG_NOSIGNAL) = 6" "$TMP/srv.err"
	# None of the child's lines comes before its fork line.
	[ "$(grep -nE "^(fork\(\) = $child|\[pid $child\] )" "$TMP/srv.err" |
	    head -n 1 | cut -d: -f2-)" = "fork() = $child" ]
}

@test "with no address --serve binds loopback only; an address given opens it up" {
	run --separate-stderr sockit --trace listen --serve echo -w 0.1
	assert_status 124
	grep -qxF "bind(3, {AF_INET, 127.0.0.1:0}) = 0" <<<"$stderr"
	run --separate-stderr sockit --trace listen -u --serve chargen -w 0.1 0
	assert_status 124
	grep -qxF "bind(3, {AF_INET, 127.0.0.1:0}) = 0" <<<"$stderr"
	run --separate-stderr sockit --trace listen --serve echo -w 0.1 0.0.0.0:0
	assert_status 124
	grep -qxF "bind(3, {AF_INET, 0.0.0.0:0}) = 0" <<<"$stderr"
}

@test "--serve takes one of the five services and no program, no TLS, no -x" {
	run --separate-stderr sockit listen --serve quote 127.0.0.1:0
	assert_status 2
	[[ "$stderr" == *quote* ]]
	run --separate-stderr sockit listen --serve echo -e cat 127.0.0.1:0
	assert_status 2
	[[ "$stderr" == *--serve* ]]
	run --separate-stderr sockit listen --serve echo --tls 127.0.0.1:0
	assert_status 2
	[[ "$stderr" == *TLS* ]]
	# The service answers by itself: stdio's options have nothing to do.
	run --separate-stderr sockit listen --serve upper -x 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "-x works on stdio's bytes, and a --serve service answers the peer by itself"
}
