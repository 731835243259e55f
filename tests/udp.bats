#!/usr/bin/env bats
# tests/udp.bats: UDP servers of many senders, multicast, broadcast and batched receive.

load test_helper

@test "listen -u -k -e cat: ten senders each get only their own echoes" {
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
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 10 20
	assert_success
	[ "$output" = ok ]
}

@test "listen -u -k -e on a wildcard bind answers from the address each datagram came to" {
	start_listener srv -u -k -e cat 0.0.0.0:0
	# A client connected to 127.0.0.2 drops what comes from 127.0.0.1.
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 127.0.0.2
	assert_success
	[ "$output" = ok ]
	run python3 "$BATS_TEST_DIRNAME/udp_senders.py" "$LISTEN_PORT" 2 2 127.0.0.3
	[ "$output" = ok ]
}

@test "listen -u -k -e: a quiet sender's program gets end-of-file after --flow-idle" {
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

@test "listen -u -k -e --max-conns: a sender beyond the limit is dropped, and said so" {
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
