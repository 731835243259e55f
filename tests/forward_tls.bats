#!/usr/bin/env bats
# tests/forward_tls.bats: listen --to with TLS: termination, origination, both at once, and handshakes that fail one pair at a time.
load test_helper
load tls_helper

PEER=$BATS_TEST_DIRNAME/forward_peer.py

setup_file() {
	tls_setup_file
	printf 'GET / HTTP/1.0\r\n\r\n' >"$BATS_FILE_TMPDIR/get"
}

setup() {
	tls_setup
}

# start_peer NAME ARGS...: forward_peer.py ARGS; sets PEER_PORT.
start_peer() {
	local name=$1
	shift
	bg "$name" python3 "$PEER" "$@"
	wait_for_line "$TMP/$name.out" '^(port [0-9]+|ready)$' 10 || return 1
	PEER_PORT=$(sed -n 's/^port //p' "$TMP/$name.out" | head -n 1)
}

@test "TLS termination: curl --cacert through the forward to a plain http.server [long]" {
	mkdir "$TMP/www"
	random_file "$TMP/www/blob" 2
	start_peer web http "$TMP/www"
	start_listener fwd --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	run curl -sS --max-time 20 --cacert "$CERTS/ca.pem" -o "$TMP/got" \
	    "https://127.0.0.1:$LISTEN_PORT/blob"
	assert_success
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/www/blob")" ]
	wait_for_line "$TMP/fwd.err" \
	    "^sockit: #1 closed \\(done\\): [0-9]+ bytes to 127\\.0\\.0\\.1:$PEER_PORT, [0-9]{7,} back, in "
}

@test "TLS termination without --cert: the self-signed certificate, trusted by its pin [long]" {
	mkdir "$TMP/www"
	echo 'hello through tls' >"$TMP/www/page"
	start_peer web http "$TMP/www"
	start_listener fwd --tls 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: tls: our pin sha256:'
	local pin
	pin=$(sed -n 's/^sockit: tls: our pin \(sha256:[^ ]*\).*/\1/p' "$TMP/fwd.err")
	run bash -c "printf 'GET /page HTTP/1.0\r\n\r\n' | timeout 20 \
	    '$SOCKIT' connect --tls --pin '$pin' 127.0.0.1 $LISTEN_PORT"
	assert_success
	assert_output_contains 'hello through tls'
}

@test "TLS origination: a plain client through the forward to openssl s_server, verified by --cafile [long]" {
	start_s_server srv -www
	start_listener fwd --trace --cafile "$CERTS/ca.pem" 127.0.0.1:0 \
	    --to "tls://127.0.0.1:$S_PORT"
	run bash -c "timeout 20 '$SOCKIT' connect 127.0.0.1 $LISTEN_PORT \
	    <'$BATS_FILE_TMPDIR/get'"
	assert_success
	assert_output_contains 's_server -accept'
	wait_for_line "$TMP/fwd.err" '^sockit: #1 closed \(done\): 18 bytes to '
	# The client's FIN went on as close_notify, then a FIN.
	grep -A1 '^\[#1\] SSL_shutdown(.*close_notify sent' "$TMP/fwd.err" |
	    grep -q '^\[#1\] shutdown([0-9]*, SHUT_WR) = 0'
}

@test "both sides TLS: --cert for the listening side, --cafile for the target's [long]" {
	start_s_server srv -www
	start_listener fwd --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" --cafile "$CERTS/ca.pem" 127.0.0.1:0 \
	    --to "tls://127.0.0.1:$S_PORT"
	run curl -sS --max-time 20 --cacert "$CERTS/ca.pem" \
	    "https://127.0.0.1:$LISTEN_PORT/"
	assert_success
	assert_output_contains 's_server -accept'
}

@test "a target with a wrong certificate resets the accepted peer and is reported [long]" {
	start_s_server srv -www -cert "$CERTS/wrong.pem" -key "$CERTS/wrong.key"
	start_listener fwd --cafile "$CERTS/ca.pem" 127.0.0.1:0 \
	    --to "tls://127.0.0.1:$S_PORT"
	run bash -c "timeout 20 '$SOCKIT' connect 127.0.0.1 $LISTEN_PORT \
	    </dev/null"
	# Not reached over TLS is not reached: the client fails, as it does
	# when the target refuses.
	assert_status 1
	[[ $output == *ECONNRESET* ]]
	[[ $output != *s_server* ]]
	wait_for_line "$TMP/fwd.err" \
	    "^sockit: tls handshake with 127\\.0\\.0\\.1:$S_PORT for #1: .*(mismatch|MISMATCH)"
	wait_for_line "$TMP/fwd.err" '^sockit: #1 closed: 127\.0\.0\.1:[0-9]+ is not reached over TLS$'
	kill -0 "$LISTEN_PID"
}

@test "a handshake that stalls on one pair does not hold up another [long]" {
	mkdir "$TMP/www"
	echo 'second pair' >"$TMP/www/page"
	start_peer web http "$TMP/www"
	start_listener fwd --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	# The first peer connects and says nothing: its handshake waits.
	mkfifo "$TMP/mute.in"
	exec 7<>"$TMP/mute.in"
	bg mute "$SOCKIT" connect -v 127.0.0.1 "$LISTEN_PORT"
	wait_for_line "$TMP/mute.err" '^sockit: connected to '
	# A second one that speaks plain text fails its handshake alone.
	run bash -c "printf 'GET / HTTP/1.0\r\n\r\n' | timeout 20 \
	    '$SOCKIT' connect 127.0.0.1 $LISTEN_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: tls handshake with 127\.0\.0\.1:[0-9]+ for #2: '
	run curl -sS --max-time 20 --cacert "$CERTS/ca.pem" \
	    "https://127.0.0.1:$LISTEN_PORT/page"
	assert_success
	[ "$output" = 'second pair' ]
	wait_for_line "$TMP/fwd.err" '^sockit: #3 closed \(done\)'
	refute grep -q 'for #1' "$TMP/fwd.err"
	exec 7>&-
}

@test "a handshake past -w ends its pair, and is reported [long]" {
	start_peer web http "$TMP"
	start_listener fwd -w 1 --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	mkfifo "$TMP/mute.in"
	exec 7<>"$TMP/mute.in"
	bg mute "$SOCKIT" connect 127.0.0.1 "$LISTEN_PORT"
	wait_for_line "$TMP/fwd.err" \
	    '^sockit: tls handshake with 127\.0\.0\.1:[0-9]+ for #1: no answer within 1 s \(-w\)$' 20
	kill -0 "$LISTEN_PID"
	exec 7>&-
}

@test "--verify-client with a tls:// --to is a usage error" {
	run --separate-stderr "$SOCKIT" listen --tls --verify-client \
	    --cafile "$CERTS/ca.pem" 127.0.0.1:0 --to tls://127.0.0.1:1
	assert_status 2
	assert_stderr_contains '--verify-client with a tls:// --to'
}
