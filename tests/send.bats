#!/usr/bin/env bats
# tests/send.bats: send's messages, boundaries and replies, against peers that are not sockit.
load test_helper

# The peer: a python3 server of KIND (tcp, tcp6, udp, unix, unix-dgram,
# unix-seqpacket) on ADDR, in MODE:
#   record  print each message, answer nothing, close after the peer's EOF
#   echo    answer each message with "echo:" and the message
#   silent  read to EOF, then neither answer nor close
#   banner  say "banner" at once, read to EOF, then neither answer nor close
#   http    a real HTTP/1.0 server (http.server) answering GET
# It prints its port (or "ready") first, then for each connection
# "peer ADDR", for each message "msg LEN HEX" (HEX is "-" when LEN is 0 or
# over 4096 bytes; "sha SHA256" follows), and "eof" at a stream's end.
write_peer() {
	cat >"$TMP/peer.py" <<'PY'
import hashlib, socket, sys, time
kind, addr, mode = sys.argv[1], sys.argv[2], sys.argv[3]
conns = int(sys.argv[4]) if len(sys.argv) > 4 else 1

def say(line):
    print(line, flush=True)

def record(data):
    hx = data.hex() if 0 < len(data) <= 4096 else "-"
    say("msg %d %s" % (len(data), hx))
    say("sha " + hashlib.sha256(data).hexdigest())

if mode == "http":
    import http.server
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("hello from " + self.path + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    say(server.server_address[1])
    for _ in range(conns):
        server.handle_request()
    sys.exit(0)

family = {"tcp": socket.AF_INET, "udp": socket.AF_INET,
          "tcp6": socket.AF_INET6}.get(kind, socket.AF_UNIX)
socktype = {"udp": socket.SOCK_DGRAM, "unix-dgram": socket.SOCK_DGRAM,
            "unix-seqpacket": socket.SOCK_SEQPACKET}.get(kind,
            socket.SOCK_STREAM)
s = socket.socket(family, socktype)
if family == socket.AF_UNIX:
    s.bind(addr)
    say("ready")
else:
    s.bind((addr, 0))
    say(s.getsockname()[1])
s.settimeout(20)

if socktype == socket.SOCK_DGRAM:
    while True:
        data, sender = s.recvfrom(300000)
        record(data)
        if mode == "echo":
            s.sendto(b"echo:" + data, sender)

s.listen(4)
for _ in range(conns):
    c, peer = s.accept()
    say("peer %s" % (peer if family == socket.AF_UNIX else
                     "%s:%d" % (peer[0], peer[1])))
    if mode == "banner":
        c.sendall(b"banner\n")
    whole, records = b"", []
    while True:
        data = c.recv(300000)
        if not data:
            break
        if socktype == socket.SOCK_SEQPACKET:
            record(data)
            records.append(data)
        whole += data
    if socktype == socket.SOCK_STREAM:
        record(whole)
        records = [whole]
    say("eof")
    if mode == "echo":
        for r in records:
            c.sendall(b"echo:" + r)
    if mode in ("silent", "banner"):
        time.sleep(60)
    c.close()
PY
}

# start_peer NAME KIND ADDR MODE [CONNS]: starts the peer in the background
# and sets PEER_PORT (for IP kinds) once it is ready.
start_peer() {
	local name=$1
	shift
	[ -e "$TMP/peer.py" ] || write_peer
	bg "$name" python3 "$TMP/peer.py" "$@"
	PEER_PID=$BG_PID
	wait_for_line "$TMP/$name.out" '^([0-9]+|ready)$' 10 || return 1
	PEER_PORT=$(head -n 1 "$TMP/$name.out")
}

# hex_of STRING: the hex of STRING's bytes, as the peer prints them.
hex_of() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# messages NAME: the hex of each message the peer NAME recorded, one a line.
messages() {
	awk '$1 == "msg" { print $3 }' "$TMP/$1.out"
}

# wait_messages NAME N: waits until the peer NAME recorded N messages.
wait_messages() {
	local name=$1 n=$2 deadline=$((SECONDS + 10))
	while ((SECONDS <= deadline)); do
		(($(grep -c '^msg ' "$TMP/$name.out") >= n)) && return 0
		nap
	done
	echo "peer $name recorded fewer than $n messages:" >&2
	cat "$TMP/$name.out" "$TMP/$name.err" >&2
	return 1
}

@test "DATA words are joined by single spaces and sent byte for byte over TCP [long]" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send "127.0.0.1:$PEER_PORT" hello "two  spaces" ' end'
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of 'hello two  spaces  end')" ]
}

@test "-n appends a newline to DATA" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -n "127.0.0.1:$PEER_PORT" hi there
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of 'hi there')0a" ]
}

@test "-E turns \\n \\r \\t \\xHH \\0 and \\\\ into bytes, NUL and 0xff included" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -E "127.0.0.1:$PEER_PORT" \
	    'a\x00b\xffc\xFe' '\n\r\t\0\\'
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "610062ff63fe200a0d09005c" ]
}

@test "without -E a backslash is just a byte" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send "127.0.0.1:$PEER_PORT" 'a\x00'
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of 'a\x00')" ]
}

@test "-E names a bad escape in a usage error" {
	local bad
	for bad in '\q' '\x4' '\xg1' '\x4z' '\'; do
		run --separate-stderr sockit send -E 127.0.0.1:9 "a${bad}"
		assert_status 2
		[ -z "$output" ]
		assert_stderr_contains "bad escape '$bad'"
	done
}

@test "DATA that starts with a dash follows --" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send "127.0.0.1:$PEER_PORT" -- -n --x
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of '-n --x')" ]
}

@test "without DATA, stdin is sent untouched, then FIN [long]" {
	random_file "$TMP/up.bin" 2
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send "127.0.0.1:$PEER_PORT" <"$TMP/up.bin"
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	grep -qx "msg $((2 * 1024 * 1024)) -" "$TMP/srv.out"
	grep -qx "sha $(checksum "$TMP/up.bin")" "$TMP/srv.out"
}

@test "-f FILE sends the file, binary and whole [long]" {
	random_file "$TMP/up.bin" 1
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -f "$TMP/up.bin" "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	grep -qx "sha $(checksum "$TMP/up.bin")" "$TMP/srv.out"
}

@test "-f - reads stdin" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -f - "127.0.0.1:$PEER_PORT" <<<"piped"
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of 'piped')0a" ]
}

@test "-f with a missing file exits 1 with the errno explained" {
	run --separate-stderr sockit send -f "$TMP/absent" 127.0.0.1:9
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "open $TMP/absent (-f): open: No such file or directory (ENOENT)"
	[ "$(wc -l <<<"$stderr")" -eq 2 ]
}

@test "flags that cannot apply are usage errors that say why" {
	run --separate-stderr sockit send -f /etc/hostname 127.0.0.1:9 data
	assert_status 2
	assert_stderr_contains "DATA and -f FILE"
	run --separate-stderr sockit send -E 127.0.0.1:9 </dev/null
	assert_status 2
	assert_stderr_contains "-E interprets escapes in DATA"
	run --separate-stderr sockit send -n 127.0.0.1:9 </dev/null
	assert_status 2
	assert_stderr_contains "-n needs DATA or --lines"
	run --separate-stderr sockit send --lines 127.0.0.1:9 </dev/null
	assert_status 2
	assert_stderr_contains "a stream keeps no message boundaries"
	run --separate-stderr sockit send -u --lines 127.0.0.1:9 data
	assert_status 2
	assert_stderr_contains "DATA is one message already"
	run --separate-stderr sockit send --count 2 127.0.0.1:9 </dev/null
	assert_status 2
	assert_stderr_contains "stdin can be read only once"
	run --separate-stderr sockit send --count 0 127.0.0.1:9 x
	assert_status 2
	assert_stderr_contains "--count"
	run --separate-stderr sockit send
	assert_status 2
	assert_stderr_contains "missing ENDPOINT"
}

@test "-C sends each line ending as CRLF" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -C -E "127.0.0.1:$PEER_PORT" 'a\nb\r\nc'
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "610d0a620d0a63" ]
}

@test "UDP: DATA is one datagram" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send -u "127.0.0.1:$PEER_PORT" one datagram only
	assert_success
	wait_messages srv 1
	[ "$(messages srv)" = "$(hex_of 'one datagram only')" ]
}

@test "UDP: --lines sends one datagram per line, without its newline [long]" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send -u --lines "127.0.0.1:$PEER_PORT" \
	    < <(printf 'first\nsecond\n\nlast')
	assert_success
	wait_messages srv 4
	[ "$(messages srv | tr '\n' ' ')" = "$(hex_of first) $(hex_of second) - $(hex_of last) " ]
	grep -qx 'msg 0 -' "$TMP/srv.out"
}

@test "UDP: --lines -n keeps a newline on each line" {
	start_peer srv udp 127.0.0.1 record
	printf 'a\nb\n' >"$TMP/lines"
	run --separate-stderr sockit send -u --lines -n -f "$TMP/lines" "127.0.0.1:$PEER_PORT"
	assert_success
	wait_messages srv 2
	[ "$(messages srv | tr '\n' ' ')" = "610a 620a " ]
}

@test "UDP: without --lines one read of stdin is one datagram [long]" {
	start_peer srv udp 127.0.0.1 record
	printf 'a\nb\nc\n' >"$TMP/three"
	run --separate-stderr sockit send -u "127.0.0.1:$PEER_PORT" <"$TMP/three"
	assert_success
	wait_messages srv 1
	[ "$(messages srv)" = "610a620a630a" ]
	# The sender has ended: a second datagram would have come before.
	run --separate-stderr sockit send -u "127.0.0.1:$PEER_PORT" marker
	wait_messages srv 2
	[ "$(messages srv | wc -l)" -eq 2 ]
}

@test "UDP: --count 3 --interval 0.1 sends three datagrams, 0.1 s apart [long]" {
	local start end
	start_peer srv udp 127.0.0.1 record
	start=$(date +%s%N)
	run --separate-stderr sockit send -u --count 3 --interval 0.1 "127.0.0.1:$PEER_PORT" tick
	end=$(date +%s%N)
	assert_success
	wait_messages srv 3
	[ "$(messages srv | tr '\n' ' ')" = "7469636b 7469636b 7469636b " ]
	(((end - start) >= 200000000))
}

@test "UDP: a datagram over the limit is refused with EMSGSIZE" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send -u "127.0.0.1:$PEER_PORT" "$(head -c 70000 /dev/zero | tr '\0' x)"
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "send 70000 bytes to 127.0.0.1:$PEER_PORT: send: Message too long (EMSGSIZE)"
	assert_stderr_contains "larger than one datagram can carry"
}

@test "UDP: -f FILE over the limit is refused whole, never cut in two [long]" {
	start_peer srv udp 127.0.0.1 record
	head -c 70000 /dev/zero | tr '\0' x >"$TMP/big"
	run --separate-stderr sockit send -u -f "$TMP/big" "127.0.0.1:$PEER_PORT"
	assert_status 1
	assert_stderr_contains "send 70000 bytes to 127.0.0.1:$PEER_PORT: send: Message too long (EMSGSIZE)"
	run --separate-stderr sockit send -u "127.0.0.1:$PEER_PORT" marker
	wait_messages srv 1
	[ "$(messages srv)" = "$(hex_of marker)" ]
}

@test "--interval without --count is a usage error" {
	run --separate-stderr sockit send --interval 1 127.0.0.1:9 x
	assert_status 2
	assert_stderr_contains "give --count too"
}

@test "-r prints a TCP server's whole reply: an HTTP GET" {
	start_peer web tcp 127.0.0.1 http
	run --separate-stderr sockit send -r -E "127.0.0.1:$PEER_PORT" \
	    'GET /page HTTP/1.0\r\nHost: localhost\r\n\r\n'
	assert_success
	[[ "${lines[0]}" == "HTTP/1.0 200 OK"* ]]
	[ "${lines[${#lines[@]} - 1]}" = "hello from /page" ]
	[ -z "$stderr" ]
}

@test "-r --json prints the reply as one object: from, bytes, data, encoding, time [long]" {
	start_peer web tcp 127.0.0.1 http
	run --separate-stderr sockit send -r --json -E "127.0.0.1:$PEER_PORT" \
	    'GET /json HTTP/1.0\r\n\r\n'
	assert_success
	[ "$(jq -s length <<<"$output")" -eq 1 ]
	[ "$(jq -r .from <<<"$output")" = "127.0.0.1:$PEER_PORT" ]
	[ "$(jq -r .encoding <<<"$output")" = utf8 ]
	[ "$(jq -r '.bytes == (.data | length)' <<<"$output")" = true ]
	jq -r .data <<<"$output" | grep -q '^hello from /json$'
	jq -r .time <<<"$output" |
	    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z$'
	# The events are on stderr, parsed as JSON too.
	[ "$(jq -sr 'map(.event) | join(",")' <<<"$stderr")" = "connected,closed" ]
}

@test "-r --json gives binary replies in base64 [long]" {
	start_peer srv tcp 127.0.0.1 echo
	run --separate-stderr sockit send -r --json -E "127.0.0.1:$PEER_PORT" '\xff\x00'
	assert_success
	[ "$(jq -r .encoding <<<"$output")" = base64 ]
	[ "$(jq -r .data <<<"$output" | base64 -d | od -An -tx1 | tr -d ' \n')" = "6563686f3aff00" ]
	[ "$(jq -r .bytes <<<"$output")" -eq 7 ]
}

@test "-r --json on a stream that ends without a word prints one empty object [long]" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send -r --json "127.0.0.1:$PEER_PORT" x
	assert_success
	[ "$(jq -c '[.bytes, .data, .encoding]' <<<"$output")" = '[0,"","utf8"]' ]
	jq -r .time <<<"$output" | grep -qv '^1970'
}

@test "UDP -r prints one reply datagram for each datagram sent" {
	start_peer srv udp 127.0.0.1 echo
	run --separate-stderr sockit send -u -r -w 5 --count 2 "127.0.0.1:$PEER_PORT" ping
	assert_success
	[ "$output" = "echo:pingecho:ping" ]
	wait_messages srv 2
}

@test "UDP -r --json: one object per reply datagram, with its sender [long]" {
	start_peer srv udp 127.0.0.1 echo
	run --separate-stderr sockit send -u -r -w 5 --json --lines "127.0.0.1:$PEER_PORT" \
	    < <(printf 'a\nb\n')
	assert_success
	[ "$(jq -s length <<<"$output")" -eq 2 ]
	[ "$(jq -sr 'map(.data) | join(",")' <<<"$output")" = "echo:a,echo:b" ]
	[ "$(jq -sr 'map(.from) | unique | .[]' <<<"$output")" = "127.0.0.1:$PEER_PORT" ]
	[ "$(jq -sr 'map(.bytes) | add' <<<"$output")" -eq 12 ]
}

@test "UDP: -i ends a wait for stdin that brings nothing with 124" {
	local fd
	start_peer srv udp 127.0.0.1 record
	mkfifo "$TMP/quiet"
	# Held open for writing and reading here: no data, and no EOF either.
	exec {fd}<>"$TMP/quiet"
	run --separate-stderr sockit send -u -i 0.3 "127.0.0.1:$PEER_PORT" <"$TMP/quiet"
	exec {fd}>&-
	assert_status 124
	assert_stderr_contains "nothing to read on stdin for 0.3 s (-i)"
}

@test "-r -w gives up with 124 when the server never answers" {
	start_peer srv tcp 127.0.0.1 silent
	run --separate-stderr sockit send -r -w 0.3 "127.0.0.1:$PEER_PORT" question
	assert_status 124
	[ -z "$output" ]
	assert_stderr_contains "no reply from 127.0.0.1:$PEER_PORT within 0.3 s (-w)"
}

@test "UDP -r -w gives up with 124 when no datagram comes back" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send -u -r -w 0.3 "127.0.0.1:$PEER_PORT" question
	assert_status 124
	assert_stderr_contains "no reply from 127.0.0.1:$PEER_PORT within 0.3 s (-w)"
}

@test "-r -i ends a reply that stalls with 124, after printing what came" {
	start_peer srv tcp 127.0.0.1 banner
	run --separate-stderr sockit send -r -i 0.3 "127.0.0.1:$PEER_PORT" x
	assert_status 124
	[ "$output" = banner ]
	assert_stderr_contains "(-i)"
}

@test "-r -q ends at most SECS after sending, with status 0" {
	start_peer srv tcp 127.0.0.1 banner
	run --separate-stderr sockit send -r -q 0.3 "127.0.0.1:$PEER_PORT" x
	assert_success
	[ "$output" = banner ]
}

@test "without -r send ends after its FIN, even when the peer stays open [long]" {
	start_peer srv tcp 127.0.0.1 banner
	run --separate-stderr sockit send "127.0.0.1:$PEER_PORT" request
	assert_success
	[ -z "$output" ]
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of request)" ]
}

@test "a refused connect exits 1 with ECONNREFUSED" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit send "127.0.0.1:$port" hello
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "connect to 127.0.0.1:$port: connect: Connection refused (ECONNREFUSED)"
}

@test "UDP -r to a closed port exits 1 with ECONNREFUSED" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit send -u -r -w 5 "127.0.0.1:$port" hello
	assert_status 1
	assert_stderr_contains "ECONNREFUSED"
}

@test "--count 2 on TCP makes two connections, each with its reply" {
	start_peer srv tcp 127.0.0.1 echo 2
	run --separate-stderr sockit send -r --count 2 --interval 0.05 "127.0.0.1:$PEER_PORT" hi
	assert_success
	[ "$output" = "echo:hiecho:hi" ]
	[ "$(grep -c '^peer ' "$TMP/srv.out")" -eq 2 ]
}

@test "over IPv6 to [::1]" {
	start_peer srv tcp6 ::1 echo
	run --separate-stderr sockit send -r "[::1]:$PEER_PORT" six
	assert_success
	[ "$output" = "echo:six" ]
	grep -q '^peer ::1:' "$TMP/srv.out"
}

@test "unix stream: DATA, FIN, and the reply with -r" {
	start_peer srv unix "$SOCKDIR/st" echo
	run --separate-stderr sockit send -r "unix:$SOCKDIR/st" over unix
	assert_success
	[ "$output" = "echo:over unix" ]
}

@test "unix-dgram: one datagram, and the reply reaches the autobound client" {
	start_peer srv unix-dgram "$SOCKDIR/dg" echo
	run --separate-stderr sockit send -r -w 5 "unix-dgram:$SOCKDIR/dg" dgram
	assert_success
	[ "$output" = "echo:dgram" ]
	[ "$(messages srv)" = "$(hex_of dgram)" ]
}

@test "unix-seqpacket: one record per line, then FIN, and every reply record [long]" {
	start_peer srv unix-seqpacket "$SOCKDIR/sp" echo
	run --separate-stderr sockit send -r --json --lines "unix-seqpacket:$SOCKDIR/sp" \
	    < <(printf 'r1\nrec2\n')
	assert_success
	[ "$(messages srv | tr '\n' ' ')" = "$(hex_of r1) $(hex_of rec2) " ]
	grep -qx eof "$TMP/srv.out"
	[ "$(jq -sr 'map(.data) | join(",")' <<<"$output")" = "echo:r1,echo:rec2" ]
}

@test "unix-seqpacket: DATA is one record [long]" {
	start_peer srv unix-seqpacket "$SOCKDIR/sp" record
	run --separate-stderr sockit send --seqpacket "$SOCKDIR/sp" a b
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	[ "$(messages srv)" = "$(hex_of 'a b')" ]
}

@test "-s binds the source address and port [long]" {
	local port
	start_peer srv tcp 127.0.0.1 record
	port=$(refused_port)
	run --separate-stderr sockit send -s "127.0.0.1:$port" "127.0.0.1:$PEER_PORT" x
	assert_success
	wait_for_line "$TMP/srv.out" '^eof$'
	grep -qx "peer 127.0.0.1:$port" "$TMP/srv.out"
}

@test "--trace shows connect, send and shutdown in that order [long]" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit --trace send "127.0.0.1:$PEER_PORT" hello
	assert_success
	[ "$(grep -oE '^(socket|connect|send|shutdown|close)\(' <<<"$stderr" |
	    tr -d '(' | tr '\n' ' ')" = "socket connect send shutdown close " ]
	grep -qxF 'send(3, "hello", 5, MSG_NOSIGNAL) = 5' <<<"$stderr"
	grep -qx 'shutdown(3, SHUT_WR) = 0' <<<"$stderr"
}

@test "--trace on UDP shows connect, then one send per datagram" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit -t send -u --count 2 "127.0.0.1:$PEER_PORT" ab
	assert_success
	[ "$(grep -oE '^(socket|connect|send|shutdown|close)\(' <<<"$stderr" |
	    tr -d '(' | tr '\n' ' ')" = "socket connect send send close " ]
}

@test "-x dumps what was sent and what came back" {
	start_peer srv tcp 127.0.0.1 echo
	run --separate-stderr sockit send -r -x "127.0.0.1:$PEER_PORT" hi
	assert_success
	[ "$output" = "echo:hi" ]
	assert_stderr_contains "> 00000000  68 69"
	assert_stderr_contains "< 00000000  65 63 68 6f 3a 68 69"
}

@test "-x on UDP dumps each datagram both ways" {
	start_peer srv udp 127.0.0.1 echo
	run --separate-stderr sockit send -u -r -x -w 5 "127.0.0.1:$PEER_PORT" hi
	assert_success
	assert_stderr_contains "> 00000000  68 69"
	assert_stderr_contains "< 00000000  65 63 68 6f 3a 68 69"
}

@test "-v reports the addresses and the byte counts" {
	start_peer srv tcp 127.0.0.1 echo
	run --separate-stderr sockit send -v -r "127.0.0.1:$PEER_PORT" hello
	assert_success
	assert_stderr_contains "sockit: connected to 127.0.0.1:$PEER_PORT from 127.0.0.1:"
	assert_stderr_contains "sockit: sent 5 bytes, received 10 bytes in"
}

@test "-v on UDP counts every datagram" {
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send -v -u --count 3 "127.0.0.1:$PEER_PORT" abcd
	assert_success
	assert_stderr_contains "sockit: connected to 127.0.0.1:$PEER_PORT"
	assert_stderr_contains "sockit: sent 12 bytes, received 0 bytes in"
}

@test "--json reports events and errors on stderr [long]" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit send --json "127.0.0.1:$port" x
	assert_status 1
	[ -z "$output" ]
	[ "$(jq -r .event <<<"$stderr")" = error ]
	[ "$(jq -r .error <<<"$stderr")" = ECONNREFUSED ]
	start_peer srv udp 127.0.0.1 record
	run --separate-stderr sockit send --json -u "127.0.0.1:$PEER_PORT" abc
	assert_success
	[ "$(jq -sr 'map(.event) | join(",")' <<<"$stderr")" = "connected,closed" ]
	[ "$(jq -sr '.[1].sent' <<<"$stderr")" -eq 3 ]
}

@test "--progress prints the final figures" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit send --progress "127.0.0.1:$PEER_PORT" abc
	assert_success
	assert_stderr_contains "sockit: 3 B sent, 0 B received"
}

@test "--shutdown none sends no FIN, and -q still ends the wait" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit -t send -r --shutdown none -q 0.3 "127.0.0.1:$PEER_PORT" x
	assert_success
	[ "$(grep -c '^shutdown(' <<<"$stderr")" -eq 0 ]
	grep -qxF 'send(3, "x", 1, MSG_NOSIGNAL) = 1' <<<"$stderr"
}

@test "-o sets a socket option before connect" {
	start_peer srv tcp 127.0.0.1 record
	run --separate-stderr sockit -t send -o TCP_NODELAY=1 "127.0.0.1:$PEER_PORT" x
	assert_success
	assert_stderr_contains "setsockopt(3, IPPROTO_TCP, TCP_NODELAY, [1]) = 0"
}

@test "SIGTERM before stdin ended resets the stream: the receiver fails with ECONNRESET" {
	sigterm_resets send
}
