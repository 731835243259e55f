#!/usr/bin/env bats
# tests/connect.bats: connect over TCP, UDP and AF_UNIX, its options, timeouts and errors.
load test_helper

# A server that says nothing and never sends FIN: it reads until we close.
start_silent_server() {
	start_listener silent --shutdown none "$@" 127.0.0.1:0
}

@test "connect relays stdin to the peer and the peer to stdout" {
	echo "from server" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr bash -c 'echo "from client" | "$SOCKIT" connect 127.0.0.1:'"$LISTEN_PORT"
	assert_success
	[ "$output" = "from server" ]
	[ -z "$stderr" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "from client" ]
}

@test "connect accepts the nc habit HOST PORT" {
	echo pong >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect 127.0.0.1 "$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = pong ]
}

@test "connect over IPv6 to [::1]" {
	echo six >"$TMP/srv.in"
	start_listener srv '[::1]:0'
	[[ "$LISTEN_ADDR" == "[::1]:"* ]]
	run --separate-stderr sockit connect "[::1]:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = six ]
}

@test "PORT alone connects to localhost" {
	echo local >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect "$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = local ]
}

@test "binary data passes untouched in both directions [long]" {
	random_file "$TMP/up.bin" 2
	random_file "$TMP/srv.in" 2
	start_listener srv 127.0.0.1:0
	timeout -s KILL 30 "$SOCKIT" connect "127.0.0.1:$LISTEN_PORT" \
	    <"$TMP/up.bin" >"$TMP/down.bin"
	wait_for_exit "$LISTEN_PID" 20
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/down.bin")" = "$(checksum "$TMP/srv.in")" ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/up.bin")" ]
}

@test "a download keeps flowing after our FIN (client stdin is /dev/null)" {
	random_file "$TMP/srv.in" 8
	start_listener srv 127.0.0.1:0
	timeout -s KILL 30 "$SOCKIT" connect "127.0.0.1:$LISTEN_PORT" \
	    </dev/null >"$TMP/down.bin"
	[ "$(checksum "$TMP/down.bin")" = "$(checksum "$TMP/srv.in")" ]
}

@test "a refused connect exits 1 with the errno name and a hint" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains "connect to 127.0.0.1:$port: connect: Connection refused (ECONNREFUSED)"
	assert_stderr_contains "nothing is listening on that port"
	[ -z "$output" ]
}

@test "a name that does not resolve exits 1 with the EAI_ name" {
	run --separate-stderr sockit connect no-such-host.invalid:80 </dev/null
	assert_status 1
	assert_stderr_contains "EAI_"
	assert_stderr_contains "no-such-host.invalid"
}

@test "an unknown service name is a resolver error" {
	run --separate-stderr sockit connect 127.0.0.1:no-such-service </dev/null
	assert_status 1
	assert_stderr_contains "EAI_SERVICE"
}

@test "a service name resolves through the services database" {
	run --separate-stderr sockit --trace connect -z 127.0.0.1:http
	assert_stderr_contains 'getaddrinfo("127.0.0.1", "http", {AF_INET, SOCK_STREAM}) = [127.0.0.1:80]'
}

@test "connect tries every address in turn" {
	if ! unshare -m true 2>/dev/null; then
		skip "needs a mount namespace for a private /etc/hosts"
	fi
	printf '::1 multi\n127.0.0.1 multi\n' >"$TMP/hosts"
	echo found >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr unshare -m sh -c \
	    'mount --bind "$1" /etc/hosts && exec "$2" connect -v multi:"$3" </dev/null' \
	    sh "$TMP/hosts" "$SOCKIT" "$LISTEN_PORT"
	assert_success
	[ "$output" = found ]
	assert_stderr_contains "connect to [::1]:$LISTEN_PORT: connect: Connection refused"
	assert_stderr_contains "connected to 127.0.0.1:$LISTEN_PORT"
}

@test "-s binds the source address and port" {
	local port
	start_listener srv 127.0.0.1:0
	port=$(refused_port)
	run --separate-stderr sockit connect -s "127.0.0.1:$port" "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	wait_for_exit "$LISTEN_PID"
	assert_file_contains "$TMP/srv.err" "connection from 127.0.0.1:$port"
}

@test "-s with an address of the wrong family fails clearly" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -s ::1 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "source ::1"
}

@test "-o sets socket options by name before connect" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --trace connect -o TCP_NODELAY=1 \
	    -o SO_RCVBUF=64k -o SO_LINGER=2 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	assert_stderr_contains "setsockopt(3, IPPROTO_TCP, TCP_NODELAY, [1]) = 0"
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536]) = 0"
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=2}) = 0"
}

@test "-o failing in the kernel is explained" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -o TCP_CONGESTION=no-such-algo "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "set TCP_CONGESTION=no-such-algo on 127.0.0.1:$LISTEN_PORT: setsockopt: No such file or directory (ENOENT)"
	assert_stderr_contains "(ENOENT)"
}

@test "-z reports an open port and exits 0" {
	start_listener srv -k 127.0.0.1:0
	run --separate-stderr sockit connect -z "127.0.0.1:$LISTEN_PORT"
	assert_success
	[ "$output" = "127.0.0.1:$LISTEN_PORT open" ]
}

@test "-z exits 1 when no port is open, and -v says why" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -z "127.0.0.1:$port"
	assert_status 1
	[ -z "$output" ]
	run --separate-stderr sockit connect -z -v "127.0.0.1:$port"
	assert_status 1
	assert_stderr_contains "127.0.0.1:$port closed: Connection refused"
}

@test "-z takes port lists and ranges [long]" {
	local closed
	start_listener srv -k 127.0.0.1:0
	closed=$(refused_port)
	run --separate-stderr sockit connect -z "127.0.0.1:$closed,$LISTEN_PORT-$LISTEN_PORT"
	assert_success
	[ "$output" = "127.0.0.1:$LISTEN_PORT open" ]
	run --separate-stderr sockit connect -z "127.0.0.1:$((LISTEN_PORT - 1))-$((LISTEN_PORT + 1))"
	assert_success
	assert_output_contains "127.0.0.1:$LISTEN_PORT open"
}

@test "-z with --json prints one parseable object per port [long]" {
	local closed
	start_listener srv -k 127.0.0.1:0
	closed=$(refused_port)
	run --separate-stderr sockit connect -z --json "127.0.0.1:$LISTEN_PORT,$closed"
	assert_success
	[ "$(echo "$output" | jq -r 'select(.state == "open") | .port')" = "$LISTEN_PORT" ]
	[ "$(echo "$output" | jq -r 'select(.state == "closed") | .port')" = "$closed" ]
	[ "$(echo "$output" | jq -s length)" -eq 2 ]
}

@test "-z on a unix socket path" {
	start_listener srv -k "unix:$SOCKDIR/s"
	run --separate-stderr sockit connect -z "unix:$SOCKDIR/s"
	assert_success
	[ "$output" = "unix:$SOCKDIR/s open" ]
}

@test "-z -u tells a closed UDP port by its ICMP refusal" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -z -u -v -w 2 "127.0.0.1:$port"
	assert_status 1
	assert_stderr_contains "closed"
}

@test "--wait retries until the service comes up [long]" {
	local port
	port=$(refused_port)
	bg client "$SOCKIT" connect -v --wait 20 "127.0.0.1:$port"
	local client=$BG_PID
	wait_for_line "$TMP/client.err" "." 1 || true
	echo ready >"$TMP/srv.in"
	start_listener srv "127.0.0.1:$port"
	wait_for_exit "$client" 25
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/client.out")" = ready ]
}

@test "--wait gives up with status 124 and the last error" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect --wait 0.3 "127.0.0.1:$port" </dev/null
	assert_status 124
	assert_stderr_contains "within 0.3 s (--wait)"
	assert_stderr_contains "ECONNREFUSED"
}

@test "-w gives up on a peer that never answers with status 124" {
	start_silent_server
	run --separate-stderr sockit connect --shutdown none -w 0.3 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "no reply from 127.0.0.1:$LISTEN_PORT within 0.3 s (-w)"
}

@test "-i ends an idle session with status 124" {
	start_silent_server
	run --separate-stderr sockit connect --shutdown none -i 0.3 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "(-i)"
}

@test "-q ends the session after stdin EOF even if the peer stays" {
	start_silent_server
	run --separate-stderr sockit connect --shutdown none -q 0.2 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
}

@test "--shutdown wr (the default) sends FIN and reads the reply to the end" {
	echo reply >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --trace connect "127.0.0.1:$LISTEN_PORT" <<<"request"
	assert_success
	[ "$output" = reply ]
	assert_stderr_contains "shutdown(3, SHUT_WR) = 0"
}

@test "--shutdown none sends no FIN" {
	start_silent_server
	run --separate-stderr sockit --trace connect --shutdown none -q 0.2 "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	[[ "$stderr" != *"shutdown("* ]]
}

@test "--shutdown rd, rdwr and close end at stdin EOF [long]" {
	local mode call
	for mode in rd rdwr close; do
		start_silent_server
		run --separate-stderr sockit --trace connect -w 10 --shutdown "$mode" "127.0.0.1:$LISTEN_PORT" </dev/null
		assert_success
		case $mode in
		rd) assert_stderr_contains "shutdown(3, SHUT_RD) = 0" ;;
		rdwr) assert_stderr_contains "shutdown(3, SHUT_RDWR) = 0" ;;
		close) [[ "$stderr" != *"shutdown("* ]] ;;
		esac
		assert_stderr_contains "close(3) = 0"
	done
}

@test "a server that answers only after EOF gets the request and its reply arrives" {
	start_listener srv --shutdown none 127.0.0.1:0
	# The server's stdin is /dev/null; with --shutdown none it waits for
	# our FIN before it ends, and everything we sent must be in its file.
	run --separate-stderr sockit connect "127.0.0.1:$LISTEN_PORT" <<<"all of it"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = "all of it" ]
}

@test "-C sends line endings as CRLF" {
	start_listener srv 127.0.0.1:0
	run sockit connect -C "127.0.0.1:$LISTEN_PORT" < <(printf 'HELO x\nQUIT\r\n')
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(od -An -c "$TMP/srv.out" | tr -s ' ')" = " H E L O x \r \n Q U I T \r \n" ]
}

@test "-x dumps both directions in hex on stderr" {
	echo pong >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -x "127.0.0.1:$LISTEN_PORT" <<<"ping"
	assert_success
	[ "$output" = pong ]
	assert_stderr_contains "> 00000000  70 69 6e 67 0a"
	assert_stderr_contains "|ping.|"
	assert_stderr_contains "< 00000000  70 6f 6e 67 0a"
}

@test "-v reports addresses and a byte count summary" {
	echo pong >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -v "127.0.0.1:$LISTEN_PORT" <<<"ping"
	assert_success
	[ "$output" = pong ]
	assert_stderr_contains "connected to 127.0.0.1:$LISTEN_PORT from 127.0.0.1:"
	assert_stderr_contains "sent 5 bytes, received 5 bytes"
}

@test "--json reports events and errors as JSON objects [long]" {
	echo pong >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect --json "127.0.0.1:$LISTEN_PORT" <<<"ping"
	assert_success
	[ "$output" = pong ]
	[ "$(echo "$stderr" | jq -r .event | tr '\n' ' ')" = "connected closed " ]
	[ "$(echo "$stderr" | jq -r 'select(.event == "closed") | .sent')" = 5 ]
	[ "$(echo "$stderr" | jq -r 'select(.event == "connected") | .remote')" = "127.0.0.1:$LISTEN_PORT" ]
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect --json "127.0.0.1:$port" </dev/null
	assert_status 1
	[ "$(echo "$stderr" | jq -r .error)" = ECONNREFUSED ]
	[ "$(echo "$stderr" | jq -r .event)" = error ]
}

@test "--progress prints figures on stderr, never on stdout" {
	echo pong >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect --progress "127.0.0.1:$LISTEN_PORT" <<<"ping"
	assert_success
	[ "$output" = pong ]
	assert_stderr_contains "5 B sent, 5 B received"
}

@test "a reader that goes away ends the session quietly" {
	random_file "$TMP/srv.in" 16
	start_listener srv 127.0.0.1:0
	run --separate-stderr bash -c '"$SOCKIT" connect 127.0.0.1:'"$LISTEN_PORT"' </dev/null | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"'
	[ "$output" = 0 ]
	[ -z "$stderr" ]
}

@test "UDP: each read is one datagram and replies come back" {
	echo pong >"$TMP/srv.in"
	start_listener srv -u 127.0.0.1:0
	run --separate-stderr sockit connect -u -q 1 "127.0.0.1:$LISTEN_PORT" <<<"ping"
	assert_success
	[ "$output" = pong ]
	[ "$(cat "$TMP/srv.out")" = ping ]
}

@test "UDP: datagrams of 0, 1, 1472 and 65507 bytes that wait together come in one recvmmsg, each exact" {
	bg peer python3 "$BATS_TEST_DIRNAME/dgram_batch.py" connect "$TMP/port" \
	    "$TMP/pid" "$TMP/cli.out" "$TMP/want"
	local peer=$BG_PID
	wait_for_line "$TMP/port" '^[0-9]+$'
	echo hi >"$TMP/cli.in"
	bg cli "$SOCKIT" --trace connect -u "127.0.0.1:$(cat "$TMP/port")"
	sockit_under "$BG_PID" >"$TMP/pid"
	wait_for_exit "$peer" 25
	[ "$EXIT_STATUS" -eq 0 ]
	cmp "$TMP/cli.out" "$TMP/want"
	grep -qE '^recvmmsg\(3, \[\{"", 65536\} = 0 (\{AF_INET, 127\.0\.0\.1:[0-9]+\}|NULL), \{"([^"\\]|\\.)*", 65536\} = 1 (\{[^}]*\}|NULL), \{"([^"\\]|\\.)*"\.\.\., 65536\} = 1472 (\{[^}]*\}|NULL), \{"([^"\\]|\\.)*"\.\.\., 65536\} = 65507 (\{[^}]*\}|NULL)\], [0-9]+, MSG_TRUNC\|MSG_DONTWAIT, NULL\) = 4$' \
	    "$TMP/cli.err"
}

@test "UDP: records from a packet-mode pipe go out in sendmmsg batches, each whole and in order" {
	TMP=$TMP run --separate-stderr python3 "$BATS_TEST_DIRNAME/records.py" udp 300 64 - \
	    "$SOCKIT" --trace connect -u -q 0 ENDPOINT
	assert_success
	[ "$output" = "300 ok" ]
	grep -qE '^sendmmsg\(3, \[\{".*"(\.\.\.)?, 64\}(, \{".*"(\.\.\.)?, 64\})*(, \.\.\.)?\], [0-9]+, MSG_NOSIGNAL\) = [0-9]+$' \
	    "$TMP/sockit.err"
}

@test "unix-dgram: a receiver that lags makes sendmmsg send part; the rest follows in order" {
	TMP=$TMP run --separate-stderr python3 "$BATS_TEST_DIRNAME/records.py" unix 300 100 \
	    "$SOCKDIR/slow.sock" "$SOCKIT" --trace connect -q 0 ENDPOINT
	assert_success
	[ "$output" = "300 ok" ]
	# At least one batch went only in part:
	# "sendmmsg(3, [...], N, MSG_NOSIGNAL) = K" with K < N.
	sed -nE 's/^sendmmsg\(3, .*\], ([0-9]+), MSG_NOSIGNAL\) = ([0-9]+)$/\1 \2/p' \
	    "$TMP/sockit.err" | awk '$2 < $1 { part = 1 } END { exit !part }'
}

@test "-v counts every byte of a batch" {
	TMP=$TMP run --separate-stderr python3 "$BATS_TEST_DIRNAME/records.py" udp 200 10 - \
	    "$SOCKIT" connect -v -u -q 0 ENDPOINT
	assert_success
	grep -q "^sockit: sent 2000 bytes, " "$TMP/sockit.err"
}

@test "UDP to a closed port explains the ICMP refusal" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -u -w 5 "127.0.0.1:$port" <<<"anyone?"
	assert_status 1
	assert_stderr_contains "Connection refused (ECONNREFUSED)"
	assert_stderr_contains "ICMP"
}

@test "AF_UNIX stream, datagram and seqpacket connect [long]" {
	local kind
	for kind in unix unix-dgram unix-seqpacket; do
		echo "srv $kind" >"$TMP/srv.in"
		start_listener srv "$kind:$SOCKDIR/$kind.sock"
		run --separate-stderr sockit connect -q 1 "$kind:$SOCKDIR/$kind.sock" <<<"cli $kind"
		assert_success
		[ "$output" = "srv $kind" ]
		wait_for_line "$TMP/srv.out" "cli $kind" 5
	done
}

@test "a path with a slash is an AF_UNIX stream endpoint; -U takes any path [long]" {
	echo slash >"$TMP/srv.in"
	start_listener srv "$SOCKDIR/s"
	run --separate-stderr sockit connect "$SOCKDIR/s" </dev/null
	assert_success
	[ "$output" = slash ]
	cd "$SOCKDIR"
	echo bare >"$TMP/srv.in"
	start_listener srv -U bare.sock
	run --separate-stderr sockit connect -U bare.sock </dev/null
	assert_success
	[ "$output" = bare ]
}

@test "an abstract AF_UNIX name needs no file" {
	local name="sockit-test-$$-$RANDOM"
	echo abstract >"$TMP/srv.in"
	start_listener srv "unix:@$name"
	run --separate-stderr sockit connect "unix:@$name" </dev/null
	assert_success
	[ "$output" = abstract ]
}

@test "a missing unix socket file is explained" {
	run --separate-stderr sockit connect "unix:$SOCKDIR/none" </dev/null
	assert_status 1
	assert_stderr_contains "(ENOENT)"
	assert_stderr_contains "no unix socket file at that path"
}

@test "SIGTERM while relaying ends with status 143" {
	start_silent_server
	bg client "$SOCKIT" connect -v --shutdown none "127.0.0.1:$LISTEN_PORT"
	wait_for_line "$TMP/client.err" "connected to" 10
	kill -TERM "$BG_PID"
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 143 ]
}

@test "SIGTERM mid-transfer from a pipe that never ends resets: the receiver fails with ECONNRESET" {
	sigterm_resets connect
}

@test "SIGTERM after stdin's end with bytes the peer has not acknowledged resets too [long]" {
	head -c 262144 /dev/urandom >"$TMP/snd.in"
	start_recv rcv 127.0.0.1:0
	# A receiver that reads nothing: the data waits in the send queue.
	pkill -STOP -P "$RECV_PID"
	bg snd "$SOCKIT" --trace=full connect "127.0.0.1:$RECV_PORT"
	local snd_pid=$BG_PID
	# All of stdin went into the socket: then comes the FIN.
	wait_for_line "$TMP/snd.err" '^shutdown\(3, SHUT_WR\) = 0$'
	kill -TERM "$snd_pid"
	wait_for_exit "$snd_pid"
	pkill -CONT -P "$RECV_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	grep -qE '^ioctl\(3, SIOCOUTQ, \[[1-9][0-9]*\]\) = 0$' "$TMP/snd.err"
	assert_file_contains "$TMP/snd.err" \
	    "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}) = 0"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/rcv.err" "(ECONNRESET)"
	[ "$(stat -c %s "$TMP/rcv.out")" -lt "$(stat -c %s "$TMP/snd.in")" ]
}

@test "a signal after all of stdin was delivered closes normally, without a reset" {
	# The peer keeps its side open until the test closes its stdin.
	mkfifo "$TMP/peer.in"
	bg peer "$SOCKIT" listen -v 127.0.0.1:0
	local peer_pid=$BG_PID
	exec 7>"$TMP/peer.in"
	wait_for_line "$TMP/peer.err" '^sockit: listening on ' 10
	LISTEN_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
	printf 'all of it\n' >"$TMP/snd.in"
	bg snd "$SOCKIT" --trace=full connect "127.0.0.1:$LISTEN_PORT"
	local snd_pid=$BG_PID
	wait_for_line "$TMP/snd.err" '^shutdown\(3, SHUT_WR\) = 0$'
	wait_for_line "$TMP/peer.out" '^all of it$'
	kill -TERM "$snd_pid"
	wait_for_exit "$snd_pid"
	[ "$EXIT_STATUS" -eq 143 ]
	grep -qE '^ioctl\(3, SIOCOUTQ, \[[01]\]\) = 0$' "$TMP/snd.err"
	[[ "$(cat "$TMP/snd.err")" != *SO_LINGER* ]]
	exec 7>&-
	wait_for_exit "$peer_pid"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/peer.out")" = "all of it" ]
}

@test "--reuseaddr on connect sets SO_REUSEADDR before bind" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --trace connect --reuseaddr "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1]) = 0"
	run --separate-stderr sockit --trace connect "127.0.0.1:$LISTEN_PORT" </dev/null
	[[ "$stderr" != *SO_REUSEADDR* ]]
}

@test "--seqpacket and -u turn a path into seqpacket and datagram sockets [long]" {
	echo sp >"$TMP/srv.in"
	start_listener srv --seqpacket "$SOCKDIR/sp"
	run --separate-stderr sockit --trace connect --seqpacket "$SOCKDIR/sp" </dev/null
	assert_success
	[ "$output" = sp ]
	assert_stderr_contains "socket(AF_UNIX, SOCK_SEQPACKET, 0) = 3"
	echo dg >"$TMP/srv.in"
	start_listener srv -u "$SOCKDIR/dg"
	run --separate-stderr sockit --trace connect -u -q 1 "$SOCKDIR/dg" <<<"hi"
	assert_success
	[ "$output" = dg ]
	assert_stderr_contains "socket(AF_UNIX, SOCK_DGRAM, 0) = 3"
}

@test "a datagram over 64 KiB is dropped with an error and exit status 1, never passed off cut [long]" {
	cat >"$TMP/peer.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
s.bind(sys.argv[1])
data, peer = s.recvfrom(100)
for reply in (b"x" * 70000, b"after\n"):
    s.sendto(reply, peer)
PY
	bg peer python3 "$TMP/peer.py" "$SOCKDIR/big"
	wait_for_socket "$SOCKDIR/big"
	run --separate-stderr sockit connect -u -q 2 "unix-dgram:$SOCKDIR/big" <<<"hi"
	assert_status 1
	[ "$output" = after ]
	assert_stderr_contains "sockit: receive a datagram of 70000 bytes from unix-dgram:$SOCKDIR/big: Message too long (EMSGSIZE)"
	assert_stderr_contains "dropped whole, never cut"
}

@test "-4 and -6 narrow what a name resolves to" {
	run --separate-stderr sockit --trace connect -4 -z localhost:1
	assert_stderr_contains '{AF_INET, SOCK_STREAM}'
	run --separate-stderr sockit --trace connect -6 -z localhost:1
	assert_stderr_contains '{AF_INET6, SOCK_STREAM}'
}

@test "-z --wait retries until the port opens" {
	local port
	port=$(refused_port)
	bg check "$SOCKIT" connect -z --wait 20 "127.0.0.1:$port"
	local checker=$BG_PID
	start_listener srv -k "127.0.0.1:$port"
	wait_for_exit "$checker" 25
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/check.out")" = "127.0.0.1:$port open" ]
}

@test "-z --wait on a port that stays closed counts it closed: status 1, not 124" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -z --wait 0.3 "127.0.0.1:$port"
	assert_status 1
	[ -z "$output" ]
}

@test "-z -v says once why a port is closed" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -z -v "127.0.0.1:$port"
	assert_status 1
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
}

@test "a closed stdin reads as EOF" {
	echo reply >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	# Closed inside the child: bash's own pipes must not fill the gap.
	run timeout -s KILL 20 bash -c 'exec <&-; exec "$SOCKIT" connect "$1" >"$2"' \
	    sh "127.0.0.1:$LISTEN_PORT" "$TMP/out"
	assert_success
	[ "$(cat "$TMP/out")" = reply ]
}

@test "a closed stdout is an error, never an echo back to the peer" {
	echo "for stdout" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr bash -c '"$SOCKIT" connect 127.0.0.1:'"$LISTEN_PORT"' </dev/null >&-'
	assert_status 1
	assert_stderr_contains "write to stdout"
	assert_stderr_contains "(EBADF)"
	wait_for_exit "$LISTEN_PID"
	[ ! -s "$TMP/srv.out" ]
}

@test "the summary counts one byte in the singular" {
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect -v "127.0.0.1:$LISTEN_PORT" < <(printf x)
	assert_success
	assert_stderr_contains "sent 1 byte, received 0 bytes"
}

@test "a stdout nobody reads does not stop -i from firing [long]" {
	# A short line first leaves the pipe partly full, so a whole-buffer
	# write() would block; 32 MiB is more than pipe and sockets hold.
	mkfifo "$TMP/srv.in"
	{ echo hello; sleep 0.5; head -c 33554432 /dev/zero; } >"$TMP/srv.in" &
	BG_PIDS+=("$!")
	start_listener srv 127.0.0.1:0
	mkfifo "$TMP/stdout"
	# The reader opens the pipe and never reads it.
	timeout -s KILL 20 sleep 20 <"$TMP/stdout" 3>&- &
	BG_PIDS+=("$!")
	timeout -s KILL 20 "$SOCKIT" connect -i 1 "127.0.0.1:$LISTEN_PORT" \
	    </dev/null >"$TMP/stdout" 2>"$TMP/cli.err" 3>&- &
	local cli=$!
	BG_PIDS+=("$cli")
	wait_for_exit "$cli" 10
	[ "$EXIT_STATUS" -eq 124 ]
	assert_file_contains "$TMP/cli.err" "(-i)"
}

@test "-s with a malformed address is a usage error" {
	run --separate-stderr sockit connect -s '[::1' 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "bad source address (-s)"
	assert_stderr_contains "'[::1'"
	run --separate-stderr sockit connect -s 127.0.0.1:99999 127.0.0.1:1
	assert_status 2
	run --separate-stderr sockit connect -s /tmp/x 127.0.0.1:1
	assert_status 2
}

@test "-s PATH on a unix client is removed when it ends" {
	start_listener srv "unix-dgram:$SOCKDIR/dg"
	run --separate-stderr sockit connect -q 0.2 -s "$SOCKDIR/me" "unix-dgram:$SOCKDIR/dg" <<<"hi"
	assert_success
	wait_for_line "$TMP/srv.out" "^hi$" 5
	assert_file_contains "$TMP/srv.err" "unix-dgram:$SOCKDIR/me"
	[ ! -e "$SOCKDIR/me" ]
}

@test "--wait stops at once on a failure that waiting cannot mend" {
	start_listener srv 127.0.0.1:0
	local start=$SECONDS
	# The source port is taken by the listener itself: bind fails.
	run --separate-stderr sockit connect --wait 20 -o SO_REUSEADDR=0 \
	    -s "127.0.0.1:$LISTEN_PORT" "127.0.0.1:$LISTEN_PORT"
	assert_status 1
	assert_stderr_contains "(EADDRINUSE)"
	[ $((SECONDS - start)) -lt 10 ]
}

@test "-z over a port range resolves the host once" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit --trace connect -z "localhost:$port,$port"
	assert_status 1
	[ "$(grep -c '^getaddrinfo(' <<<"$stderr")" -eq 1 ]
	[ "$(grep -c '^connect(' <<<"$stderr")" -ge 2 ]
}

@test "-c: the peer talks to a program, whose exit status is connect's" {
	echo "question" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect \
	    -c 'read q; echo "answer to $q from $SOCKIT_LOCAL_ADDR to $SOCKIT_PEER_PORT"; exit 3' \
	    "127.0.0.1:$LISTEN_PORT"
	assert_status 3
	[ -z "$output" ]
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = "answer to question from 127.0.0.1 to $LISTEN_PORT" ]
}

@test "-e runs a program without a shell on a unix socket" {
	printf 'abc' >"$TMP/srv.in"
	start_listener srv "unix:$SOCKDIR/s"
	run sockit connect -e 'tr a-z A-Z' "unix:$SOCKDIR/s"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = ABC ]
}

@test "-z with -e is a usage error" {
	run --separate-stderr sockit connect -z -e cat 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "no connection for -e"
}

# zero_copy_run NAME SENDER_STDIN_MODE RECEIVER_STDOUT_MODE [OPTS...]:
# ZERO_COPY_MIB from connect to listen over loopback, the modes file, pipe
# or null; both ends traced in full, so the test sees which calls moved
# the bytes. 16 MiB is more than a pipe and both socket buffers hold, so
# every call that moves bytes is met many times over.
ZERO_COPY_MIB=16
zero_copy_run() {
	local name=$1 in_mode=$2 out_mode=$3
	shift 3
	random_file "$TMP/in.bin" "$ZERO_COPY_MIB"
	case $out_mode in
	file) bg "$name" "$SOCKIT" --trace=full listen -v "$@" 127.0.0.1:0 ;;
	pipe) bg "$name" bash -c "\"\$SOCKIT\" --trace=full listen -v $* 127.0.0.1:0 | cat" ;;
	null) bg "$name" bash -c "\"\$SOCKIT\" --trace=full listen -v $* 127.0.0.1:0 >/dev/null" ;;
	append) : >"$TMP/$name.out"
		bg "$name" bash -c "\"\$SOCKIT\" --trace=full listen -v $* 127.0.0.1:0 >>\"$TMP/$name.out\"" ;;
	esac
	local listener=$BG_PID
	wait_for_line "$TMP/$name.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/$name.err")
	case $in_mode in
	file) timeout 60 "$SOCKIT" --trace=full connect "$@" "127.0.0.1:$port" \
	    <"$TMP/in.bin" 2>"$TMP/send.err" 3>&- ;;
	pipe) cat "$TMP/in.bin" | timeout 60 "$SOCKIT" --trace=full connect \
	    "$@" "127.0.0.1:$port" 2>"$TMP/send.err" 3>&- ;;
	esac
	wait_for_exit "$listener" 60
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "zero-copy: $ZERO_COPY_MIB MiB from a file to a file goes by splice, every byte [long]" {
	zero_copy_run recv file file
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	grep -q '^splice(.*, NULL, 3, NULL, ' "$TMP/send.err"
	grep -q '^splice(4, NULL, ' "$TMP/recv.err"
	grep -q "^sockit: sent 0 bytes, received $((ZERO_COPY_MIB << 20)) bytes" "$TMP/recv.err"
	# With nothing left to send, the receiver waits in splice itself, and
	# so does the sender once the receiver's FIN has come; each wait is
	# bounded for signals' sake.
	grep -q '^setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=250000}) = 0' \
	    "$TMP/recv.err"
	grep -q '^fcntl(4, F_SETFL, ~O_NONBLOCK) = 0' "$TMP/recv.err"
	grep -q '^setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, ' "$TMP/send.err"
	grep -q '^fcntl(3, F_SETFL, ~O_NONBLOCK) = 0' "$TMP/send.err"
}

@test "zero-copy: AF_UNIX lanes stay non-blocking, and every byte arrives [long]" {
	random_file "$TMP/in.bin" 16
	bg recv "$SOCKIT" --trace=full listen -v "unix:$SOCKDIR/zc.sock"
	wait_for_socket "$SOCKDIR/zc.sock"
	timeout 60 "$SOCKIT" --trace=full connect "unix:$SOCKDIR/zc.sock" \
	    <"$TMP/in.bin" 2>"$TMP/send.err" 3>&-
	wait_for_exit "$BG_PID" 60
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	grep -q '^splice(4, NULL, ' "$TMP/recv.err"
	grep -q 'SO_DOMAIN, \[AF_UNIX\]' "$TMP/recv.err"
	refute grep -q '~O_NONBLOCK' "$TMP/recv.err" "$TMP/send.err"
}

@test "zero-copy: with -i to keep, the receiver never blocks, and every byte arrives [long]" {
	zero_copy_run recv file file -i 30
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	grep -q '^splice(4, NULL, ' "$TMP/recv.err"
	refute grep -q '~O_NONBLOCK' "$TMP/recv.err"
}

@test "zero-copy: $ZERO_COPY_MIB MiB from a pipe to a pipe, straight, every byte [long]" {
	zero_copy_run recv pipe pipe
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	# A pipe at either end needs no pipe of ours in between.
	grep -q '^splice(0, NULL, 3, NULL, ' "$TMP/send.err"
	refute grep -q '^pipe2(' "$TMP/send.err"
	grep -q '^splice(4, NULL, 1, NULL, ' "$TMP/recv.err"
	refute grep -q '^pipe2(' "$TMP/recv.err"
	grep -q '^fcntl(4, F_SETFL, ~O_NONBLOCK) = 0' "$TMP/recv.err"
}

@test "zero-copy: to /dev/null, every byte is still counted" {
	zero_copy_run recv file null
	grep -q "^sockit: sent 0 bytes, received $((ZERO_COPY_MIB << 20)) bytes" "$TMP/recv.err"
	grep -q '^splice(4, NULL, ' "$TMP/recv.err"
}

@test "zero-copy: -x needs the bytes, so they are copied, and arrive the same" {
	# Twice the 256 KiB after which a direction would go by splice.
	head -c 524288 /dev/urandom >"$TMP/in.bin"
	bg recv "$SOCKIT" --trace=full listen -v 127.0.0.1:0
	wait_for_line "$TMP/recv.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/recv.err")
	sockit --trace=full connect -x "127.0.0.1:$port" <"$TMP/in.bin" \
	    2>"$TMP/send.err"
	wait_for_exit "$BG_PID" 60
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	refute grep -q '^splice(' "$TMP/send.err"
	grep -q '^> 0007fff0 ' "$TMP/send.err"
	grep -q '^splice(' "$TMP/recv.err"
}

@test "zero-copy: an O_APPEND stdout, which splice refuses, is written by copying [long]" {
	zero_copy_run recv file append
	[ "$(checksum "$TMP/recv.out")" = "$(checksum "$TMP/in.bin")" ]
	refute grep -q '^splice(.*, NULL, 1, NULL' "$TMP/recv.err"
	grep -q '^write(1, ' "$TMP/recv.err"
}

@test "a unix socket named without ./ is pointed out, more plainly when it is there" {
	cd "$SOCKDIR"
	run --separate-stderr sockit connect app.sock
	assert_status 2
	assert_stderr_contains "missing port in 'app.sock'"
	assert_stderr_contains "./app.sock or unix:app.sock"
	start_listener srv "unix:$SOCKDIR/app.sock"
	run --separate-stderr sockit connect app.sock
	assert_status 2
	assert_stderr_contains "app.sock is a unix socket here: write ./app.sock or unix:app.sock"
	[[ "$stderr" != *"missing port"* ]]
}

@test "port 0 and a port list without -z are usage errors for connect and send" {
	run --separate-stderr sockit connect localhost:0
	assert_status 2
	assert_stderr_contains "port 0 in 'localhost:0' is for binding"
	# As HOST PORT, the message quotes both words, not the host alone.
	run --separate-stderr sockit connect -z 127.0.0.1 22,0
	assert_status 2
	assert_stderr_contains "port 0 in '127.0.0.1 22,0' is for binding"
	run --separate-stderr sockit send -u 127.0.0.1:0 x
	assert_status 2
	run --separate-stderr sockit connect 127.0.0.1:80,81
	assert_status 2
	assert_stderr_contains "a port list such as '80,81' in '127.0.0.1:80,81' is for connect -z"
}

@test "zero-copy: a peer silent through a bulk send that speaks at last is still heard" {
	random_file "$TMP/in.bin" 16
	early_peer peer '
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
got = 0
while got < 4 << 20:
    got += len(c.recv(1 << 20))
c.sendall(b"ack\n")
while True:
    data = c.recv(1 << 20)
    if not data:
        break
    got += len(data)
c.sendall(b"%d\n" % got)
c.close()
'
	peer_go peer go
	wait_for_line "$TMP/peer.out" '^[0-9]+$'
	local port
	port=$(sed -n '2p' "$TMP/peer.out")
	run --separate-stderr timeout 60 "$SOCKIT" --trace=full connect "127.0.0.1:$port" <"$TMP/in.bin" 3>&-
	assert_success
	[ "$output" = $'ack\n16777216' ]
	assert_stderr_contains "fcntl(3, F_SETFL, ~O_NONBLOCK) = 0"
}
