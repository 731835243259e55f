#!/usr/bin/env bats
# tests/udp.bats: UDP servers of many senders, multicast, broadcast and batched receive.

load test_helper

@test "listen -u -k -e cat: ten senders each get only their own echoes [long]" {
	start_listener srv -u -k -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 10 3
	assert_success
	[ "$output" = ok ]
	[ "$(grep -c '^sockit: started pid ' "$TMP/srv.err")" -eq 10 ]
}

@test "listen -u --fork -e cat serves ten senders alike" {
	start_listener srv -u --fork -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 10 3
	assert_success
	[ "$output" = ok ]
}

@test "listen -u -k -e cat: ten senders' bursts at once, each gets exactly its own" {
	start_listener srv -u -k -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 10 10
	assert_success
	[ "$output" = ok ]
}

@test "listen -u -k -e on a wildcard bind answers from the address each datagram came to [long]" {
	start_listener srv -u -k -e cat 0.0.0.0:0
	# A client connected to 127.0.0.2 drops what comes from 127.0.0.1.
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 127.0.0.2
	assert_success
	[ "$output" = ok ]
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 127.0.0.3
	[ "$output" = ok ]
	# One dual-stack socket on [::]: IPv4 senders too, and IPv6 ones.
	start_listener dual -u -k -e cat :0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 127.0.0.2
	[ "$output" = ok ]
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 ::1
	[ "$output" = ok ]
}

@test "listen -u -k -e: a program learns its sender and the address it wrote to" {
	start_listener srv -u -k -v -c 'echo "$SOCKIT_PEER_ADDR $SOCKIT_LOCAL_ADDR:$SOCKIT_LOCAL_PORT"; exec cat' 0.0.0.0:0
	run python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.connect(("127.0.0.2", int(sys.argv[1])))
s.send(b"hi\n")
print(s.recv(100).decode(), end="")
print(s.recv(100).decode(), end="")
PY
	assert_success
	[ "$output" = "127.0.0.1 127.0.0.2:$LISTEN_PORT"$'\nhi' ]
	assert_file_contains "$TMP/srv.err" "to 127.0.0.2:$LISTEN_PORT"
}

@test "listen -u -k -e: a quiet sender's program gets end-of-file after --flow-idle [long]" {
	start_listener srv -u -k --flow-idle 0.3 -c 'cat; echo bye' 127.0.0.1:0
	run python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(b"hello\n")
print(s.recv(100).decode(), end="")
print(s.recv(100).decode(), end="")
PY
	assert_success
	[ "$output" = $'hello\nbye' ]
	wait_for_line "$TMP/srv.err" 'for 0\.3 s \(--flow-idle\): its program gets end-of-file'
	wait_for_line "$TMP/srv.err" '^sockit: pid [0-9]+ exited with status 0$'
	# The server goes on for the next sender.
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 1 1
	[ "$output" = ok ]
}

@test "listen -u -k -e --max-conns: a sender beyond the limit is dropped, and said so [long]" {
	start_listener srv -u -k --max-conns 1 -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 1 1
	[ "$output" = ok ]
	run python3 - "$LISTEN_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(b"second\n")
print(s.getsockname()[1])
PY
	wait_for_line "$TMP/srv.err" "^sockit: warning: dropped a datagram from 127\.0\.0\.1:$output: 1 program run already \(--max-conns\)$"
	[ "$(grep -c '^sockit: started pid ' "$TMP/srv.err")" -eq 1 ]
}

@test "listen -u -k -e: SIGTERM ends every sender's program, then sockit with 143; -w with no sender is 124 [long]" {
	start_listener srv -u -k -v -e cat 127.0.0.1:0
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 3 1
	[ "$output" = ok ]
	local pid children
	pid=$(sockit_pid)
	children=$(pgrep -P "$pid" | tr '\n' ' ')
	[ "$(wc -w <<<"$children")" -eq 3 ]
	kill -TERM "$pid"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	for child in $children; do
		wait_gone "$child"
	done
	[ "$(grep -c 'was killed by SIGTERM' "$TMP/srv.err")" -eq 3 ]
	run --separate-stderr sockit listen -u -k -w 0.2 -e cat 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "within 0.2 s (-w)"
}

@test "listen -u -k -e: usage of --flow-idle and --max-conns" {
	run --separate-stderr sockit listen -u --flow-idle 5 :0
	assert_status 2
	assert_stderr_contains "--flow-idle ends the program of a quiet sender"
	run --separate-stderr sockit listen --flow-idle 5 -k -e cat :0
	assert_status 2
	run --separate-stderr sockit listen -u --max-conns 2 -e cat :0
	assert_status 2
	assert_stderr_contains "--max-conns limits"
}

# netns_setup: a network namespace of the test's own, held by a sleeping
# process (unshare -n as root, unshare -rn in a user namespace otherwise);
# `netns CMD...` runs CMD in it. Skips, saying why, where none can be made.
netns_setup() {
	local flags=(-n) why
	[ "$(id -u)" -eq 0 ] || flags=(-r -n)
	if ! why=$(unshare "${flags[@]}" true 2>&1); then
		skip "cannot make a network namespace (unshare ${flags[*]}): $why"
	fi
	# The holder says its own pid: bg's is that of timeout, outside.
	bg netns unshare "${flags[@]}" sh -c 'echo "ready $$"; exec sleep 120'
	wait_for_line "$TMP/netns.out" '^ready [0-9]+$'
	NETNS_PID=$(sed -n 's/^ready //p' "$TMP/netns.out")
	# Never change the network of the machine the tests run on.
	[ "$(readlink "/proc/$NETNS_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	NSENTER=(nsenter -t "$NETNS_PID" -n)
	[ "$(id -u)" -eq 0 ] || NSENTER+=(-U --preserve-credentials)
	netns ip link set lo up multicast on
}

# netns CMD...: CMD in the test's namespace, with bats' descriptors closed
# (so the first socket is 3) and killed if it hangs.
netns() {
	timeout -s KILL "$FG_LIMIT" "${NSENTER[@]}" "$@" \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}

# netns_recv NAME ARGS...: `sockit recv -v ARGS` in the namespace, in the
# background; sets PORT from its "listening on" line.
netns_recv() {
	local name=$1
	shift
	bg "$name" "${NSENTER[@]}" "$SOCKIT" recv -v "$@"
	wait_for_line "$TMP/$name.err" '^sockit: listening on '
	PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/$name.err" |
	    head -n 1)
}

@test "multicast over IPv4: recv -u --join gets a group's datagrams, and --trace shows the struct [long]" {
	netns_setup
	netns ip route add 224.0.0.0/4 dev lo src 127.0.0.1
	bg rcv "${NSENTER[@]}" "$SOCKIT" --trace recv -v -u --count 1 --join 239.1.1.1 --multicast-if lo 0.0.0.0:0
	wait_for_line "$TMP/rcv.err" '^sockit: listening on '
	PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/rcv.err")
	assert_file_contains "$TMP/rcv.err" 'setsockopt(3, IPPROTO_IP, MCAST_JOIN_GROUP, {gr_interface=if_nametoindex("lo"), gr_group={AF_INET, 239.1.1.1}}) = 0'
	run netns "$SOCKIT" --trace send -u --ttl 0 "239.1.1.1:$PORT" hello-group
	assert_success
	assert_output_contains "setsockopt(3, IPPROTO_IP, IP_MULTICAST_TTL, [0]) = 0"
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = hello-group ]
}

# veth_pair: v0 (10.9.0.1, fd00::1) and v1 (10.9.0.2, fd00::2), the two
# ends of one cable inside the test's namespace.
veth_pair() {
	netns ip link add v0 type veth peer name v1
	netns ip link set v0 up
	netns ip link set v1 up
	netns ip addr add 10.9.0.1/24 dev v0
	netns ip addr add 10.9.0.2/24 dev v1
	netns ip -6 addr add fd00::1/64 dev v0 nodad
	netns ip -6 addr add fd00::2/64 dev v1 nodad
}

@test "multicast: listen -u --join relays a group's datagrams, and --multicast-loop off keeps ours from this host [long]" {
	netns_setup
	veth_pair
	# Joined on v0 alone: what goes out of v0 comes back only as the
	# copy that IP_MULTICAST_LOOP makes, since nobody joined on v1.
	bg lst "${NSENTER[@]}" "$SOCKIT" listen -v -u --join 239.2.2.2 --multicast-if v0 :0
	wait_for_line "$TMP/lst.err" '^sockit: listening on '
	PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/lst.err")
	run netns "$SOCKIT" --trace send -u --multicast-if v0 --multicast-loop off "239.2.2.2:$PORT" not-looped
	assert_success
	assert_output_contains "setsockopt(3, IPPROTO_IP, IP_MULTICAST_LOOP, [0]) = 0"
	assert_output_contains 'setsockopt(3, IPPROTO_IP, IP_MULTICAST_IF, {imr_multiaddr=0.0.0.0, imr_address=0.0.0.0, imr_ifindex=if_nametoindex("v0")}) = 0'
	run netns "$SOCKIT" send -u --multicast-if v0 --multicast-loop on "239.2.2.2:$PORT" looped
	assert_success
	wait_for_line "$TMP/lst.out" '^looped'
	[ "$(head -c 6 "$TMP/lst.out")" = looped ]
}

@test "multicast over IPv6 between the ends of a veth pair: --join and --multicast-if [long]" {
	netns_setup
	veth_pair
	# A group of global scope: for a link-local one (ff12::) the kernel
	# would send from fe80:: once that address is out of DAD, and from
	# fd00::1 before, so which sender shows would depend on timing.
	netns_recv rcv -u --count 1 --join ff1e::1234 --multicast-if v1 :0
	assert_file_contains "$TMP/rcv.err" "joined ff1e::1234 on v1"
	run netns "$SOCKIT" send -u --multicast-if v0 --ttl 2 "[ff1e::1234]:$PORT" hello-six
	assert_success
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = hello-six ]
	assert_file_contains "$TMP/rcv.err" "from [fd00::1]:"
}

@test "multicast: a source-specific --join takes its source's datagrams, not another's [long]" {
	netns_setup
	netns ip route add 224.0.0.0/4 dev lo src 127.0.0.1
	netns_recv rcv -u --count 1 --from --join 232.1.1.1 --source 127.0.0.2 0.0.0.0:0
	run netns "$SOCKIT" send -u -s 127.0.0.1 "232.1.1.1:$PORT" from-one
	assert_success
	run netns "$SOCKIT" send -u -s 127.0.0.2 "232.1.1.1:$PORT" from-two
	assert_success
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qE '^127\.0\.0\.2:[0-9]+: from-two$' "$TMP/rcv.out"
	refute grep -q from-one "$TMP/rcv.out"
}

@test "multicast: usage errors name the bad part" {
	run --separate-stderr sockit recv -u --join 10.0.0.1 :0
	assert_status 2
	assert_stderr_contains "bad --join '10.0.0.1': a multicast group address"
	run --separate-stderr sockit recv --join 239.1.1.1 :0
	assert_status 2
	assert_stderr_contains "--join is for UDP"
	run --separate-stderr sockit recv -u --source 127.0.0.1 :0
	assert_status 2
	assert_stderr_contains "--source says where to join a group, and needs --join GROUP"
	run --separate-stderr sockit recv -u --join ff02::fb --source 127.0.0.1 :0
	assert_status 2
	assert_stderr_contains "--source 127.0.0.1 has no --join group of its address family"
	run --separate-stderr sockit send --ttl 3 127.0.0.1:9 hi
	assert_status 2
	assert_stderr_contains "--ttl is for UDP datagrams"
	run --separate-stderr sockit recv -u --join 239.1.1.1 --multicast-if no-such-if0 :0
	assert_status 1
	assert_stderr_contains "find interface 'no-such-if0' (--multicast-if)"
}

@test "broadcast to 127.255.255.255: EACCES naming --broadcast without it, delivered with it [long]" {
	netns_setup
	netns_recv rcv -u --count 1 0.0.0.0:0
	run --separate-stderr netns "$SOCKIT" send -u "127.255.255.255:$PORT" refused
	assert_status 1
	assert_stderr_contains "connect to 127.255.255.255:$PORT: connect: Permission denied (EACCES)"
	assert_stderr_contains "a broadcast address needs SO_BROADCAST: add --broadcast"
	run --separate-stderr netns "$SOCKIT" --trace connect -u --broadcast -q 0 "127.255.255.255:$PORT" <<<"to all"
	assert_success
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_BROADCAST, [1]) = 0"
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/rcv.out")" = "to all" ]
}

@test "<broadcast> is 255.255.255.255 for UDP with --broadcast, and a usage error otherwise" {
	run --separate-stderr sockit send -u "<broadcast>:9" hi
	assert_status 2
	assert_stderr_contains "<broadcast> is 255.255.255.255, which the kernel sends to only with --broadcast (SO_BROADCAST)"
	run --separate-stderr sockit connect "<broadcast>:9"
	assert_status 2
	assert_stderr_contains "<broadcast> is an address for UDP datagrams (-u), not for tcp"
	run --separate-stderr sockit send -6 -u --broadcast "<broadcast>:9" hi
	assert_status 2
	assert_stderr_contains "IPv6 has no broadcast"
	run --separate-stderr sockit --trace send -u --broadcast -w 1 "<broadcast>:9" hi
	assert_stderr_contains 'getaddrinfo("255.255.255.255", "9"'
	assert_stderr_contains "setsockopt(3, SOL_SOCKET, SO_BROADCAST, [1]) = 0"
}

# datagram_sizes PORT SIZE...: one datagram of each SIZE from one socket to
# 127.0.0.1:PORT, each filled with its own byte; the same bytes go to
# $TMP/want, one after another.
datagram_sizes() {
	python3 - "$TMP/want" "$@" <<'PY'
import socket, sys
want, port, sizes = sys.argv[1], int(sys.argv[2]), map(int, sys.argv[3:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with open(want, "wb") as out:
    for i, n in enumerate(sizes):
        data = bytes([0x41 + i]) * n
        s.sendto(data, ("127.0.0.1", port))
        out.write(data)
PY
}

# wait_for_udp_port PORT: until a socket is bound to UDP port PORT on
# 127.0.0.1, for peers that print no line when they are ready.
wait_for_udp_port() {
	local deadline=$((SECONDS + 10))
	while ((SECONDS <= deadline)); do
		[ -n "$(ss -Hlun "sport = :$1")" ] && return 0
		nap
	done
	echo "nothing bound UDP port $1 within 10 s" >&2
	return 1
}

# sockit_pid: the pid of sockit under bg's timeout.
sockit_pid() {
	pgrep -P "$BG_PID" -x sockit
}

@test "recv -u takes datagrams of 0, 1, 1472 and 65507 bytes in one recvmmsg, each exact" {
	start_recv rcv --trace -u --count 4 127.0.0.1:0
	local pid
	pid=$(sockit_pid)
	# Stopped, it cannot read: all four wait for one call.
	kill -STOP "$pid"
	datagram_sizes "$RECV_PORT" 0 1 1472 65507
	kill -CONT "$pid"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	cmp "$TMP/want" "$TMP/rcv.out"
	grep -qE '^recvmmsg\(3, \[\{"", 65536\} = 0 \{AF_INET, 127\.0\.0\.1:[0-9]+\}, \{"([^"\\]|\\.)*", 65536\} = 1 \{[^}]*\}, \{"([^"\\]|\\.)*"\.\.\., 65536\} = 1472 \{[^}]*\}, \{"([^"\\]|\\.)*"\.\.\., 65536\} = 65507 \{[^}]*\}\], 4, MSG_TRUNC\|MSG_DONTWAIT, NULL\) = 4$' "$TMP/rcv.err"
	assert_file_contains "$TMP/rcv.err" "received 4 datagrams, 66980 bytes"
}

@test "recv -u --json keeps each datagram of a batch apart, the empty one too [long]" {
	bg rcv "$SOCKIT" recv -v --json -u --count 3 127.0.0.1:0
	RECV_PID=$BG_PID
	wait_for_line "$TMP/rcv.err" '"event": *"listening"'
	local port pid
	port=$(jq -r 'select(.event == "listening") | .address' "$TMP/rcv.err" | sed 's/.*://')
	pid=$(sockit_pid)
	kill -STOP "$pid"
	datagram_sizes "$port" 3 0 2
	kill -CONT "$pid"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(jq -c '[.bytes, .data]' "$TMP/rcv.out" | tr '\n' ' ')" = '[3,"AAA"] [0,""] [2,"CC"] ' ]
}

@test "recv -u under a flood of 65507-byte datagrams stays within 16 MiB" {
	start_recv rcv -u 127.0.0.1:0
	local pid
	pid=$(sockit_pid)
	python3 - "$RECV_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
data = b"z" * 65507
for _ in range(500):
    s.send(data)
PY
	local hwm
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	[ -n "$hwm" ]
	[ "$hwm" -lt 16384 ]
	[ "$(wc -c <"$TMP/rcv.out")" -gt 0 ]
}

@test "socat and nc.openbsd -u send to recv -u; sockit sends to socat and nc.openbsd -lu" {
	start_recv rcv -u --count 2 --from 127.0.0.1:0
	printf 'from socat\n' | socat -u - "UDP:127.0.0.1:$RECV_PORT"
	printf 'from nc\n' | timeout 10 nc.openbsd -u -w 1 127.0.0.1 "$RECV_PORT"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qE '^127\.0\.0\.1:[0-9]+: from socat$' "$TMP/rcv.out"
	grep -qE '^127\.0\.0\.1:[0-9]+: from nc$' "$TMP/rcv.out"

	local port
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	bg srt socat -u "UDP-RECV:$port,bind=127.0.0.1" -
	wait_for_udp_port "$port"
	sockit send -u "127.0.0.1:$port" 'to socat'
	wait_for_line "$TMP/srt.out" '^to socat$'

	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	bg nc nc.openbsd -u -l 127.0.0.1 "$port"
	wait_for_udp_port "$port"
	sockit connect -u -q 0 "127.0.0.1:$port" <<<'to nc'
	wait_for_line "$TMP/nc.out" '^to nc$'
}
