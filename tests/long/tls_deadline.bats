#!/usr/bin/env bats
# tests/long/tls_deadline.bats: make check-long: a TLS server's default handshake deadline, which takes its whole 30 s to show.
load ../test_helper
load ../tls_helper

setup_file() {
	tls_setup_file
}

setup() {
	tls_setup
}

LEAF=(--cert "${CERTS:-}/leaf.pem" --key "${CERTS:-}/leaf.key")

@test "without -w a TLS server drops a silent client after 30 s, and says why" {
	BG_LIMIT=60
	early_peer silent 's = socket.create_connection(("127.0.0.1", int(port)))
print("connected", flush=True)
s.settimeout(50)
print("ended" if s.recv(1) == b"" else "data", flush=True)'
	start_listener srv -k --tls "${LEAF[@]}" -c 'echo hi' 127.0.0.1:0
	peer_go silent "$LISTEN_PORT"
	wait_for_line "$TMP/silent.out" '^connected$'
	wait_for_line "$TMP/silent.out" '^ended$' 50
	assert_file_contains "$TMP/srv.err" "no answer within 30 s (a server's default; -w sets another)"
	kill -0 "$LISTEN_PID"
}
