#!/usr/bin/env bats
# tests/tls.bats: --tls, tls:// and tls+unix: against openssl, curl, socat, ncat and python3's ssl, with certificates made at test time.
#
# tests/tls_certs.sh makes a CA and its leaves once per file; the peers
# are Debian's own, and tests/tls_peer.py does what they cannot do on cue
# (close_notify or a bare FIN after a reply, mutual TLS, ALPN selection,
# the SNI it saw). Every server binds port 0 and says which port it got:
# openssl s_server's "ACCEPT" line, socat -d -d, the python peer's first
# line, /proc for ncat. Features of the server side that may not have
# landed yet are tried first and skipped, with sockit's reason, when it
# refuses them as a usage error (or, for --alpn, takes it but chooses
# nothing).

load test_helper
load tls_helper

# --- helpers -------------------------------------------------------------

setup_file() {
	tls_setup_file
	[ -z "${NO_TLS:-}" ] || return 0
	LEAF_PIN=$(pin_of "$CERTS/leaf.pem")
	SELF_PIN=$(pin_of "$CERTS/self.pem")
	LEAF_SHA256=$(fingerprint_of "$CERTS/leaf.pem")
	export LEAF_PIN SELF_PIN LEAF_SHA256
	printf 'GET / HTTP/1.0\r\n\r\n' >"$BATS_FILE_TMPDIR/get"
}

setup() {
	tls_setup
}

# The files of BULK_MIB, made by the tests that use them: more than the
# socket buffers and TLS records in flight hold, so the data keeps moving
# after close_notify.
BULK_MIB=16
bulk_files() {
	A_BULK=$BATS_FILE_TMPDIR/a.bulk B_BULK=$BATS_FILE_TMPDIR/b.bulk
	[ -s "$B_BULK" ] && return 0
	random_file "$A_BULK" "$BULK_MIB"
	random_file "$B_BULK" "$BULK_MIB"
}

# The CA the good certificates chain to, for sockit.
CA=(--cafile "${CERTS:-}/ca.pem")

# tls_peer NAME ARGS...: tests/tls_peer.py server ARGS with leaf.pem
# unless ARGS names another; sets PEER_PORT (or the path with --unix)
# once it is listening.
tls_peer() {
	local name=$1
	shift
	bg "$name" python3 "$TLS_PEER" server --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" "$@"
	PEER_PID=$BG_PID
	wait_for_line "$TMP/$name.out" '.' || return 1
	PEER_PORT=$(head -n 1 "$TMP/$name.out")
}

# tls_listener NAME ARGS...: `sockit listen -v --tls` with leaf.pem on
# 127.0.0.1 port 0 (ARGS may name another endpoint after the options).
tls_listener() {
	local name=$1
	shift
	start_listener "$name" --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" "$@" 127.0.0.1:0
}

# listen_or_skip NAME FEATURE ARGS...: `sockit listen -v ARGS` in the
# background until its "listening on" line (setting LISTEN_PID and
# LISTEN_PORT), or a skip that quotes sockit when it refuses ARGS as a
# usage error: FEATURE is not there yet. Any other end fails the test.
listen_or_skip() {
	local name=$1 feature=$2 deadline=$((SECONDS + 10)) rc
	shift 2
	bg "$name" "$SOCKIT" listen -v "$@"
	LISTEN_PID=$BG_PID
	while ((SECONDS <= deadline)); do
		if grep -q '^sockit: listening on ' "$TMP/$name.err"; then
			LISTEN_PORT=$(sed -n 's/^sockit: listening on .*://p' \
			    "$TMP/$name.err" | head -n 1)
			return 0
		fi
		if ! kill -0 "$LISTEN_PID" 2>/dev/null; then
			rc=0
			wait "$LISTEN_PID" || rc=$?
			[ "$rc" -eq 2 ] && skip "$feature: not in this sockit yet ($(
			    head -n 1 "$TMP/$name.err"))"
			echo "listen $* ended with $rc:" >&2
			cat "$TMP/$name.err" >&2
			return 1
		fi
		nap
	done
	echo "listen $* is not listening after 10 s" >&2
	return 1
}

# handshake_failed PORT TEXT...: the run failed with status 1, its first
# stderr line is about the handshake with the loopback server on PORT (by
# name or by address), and stderr holds each TEXT.
handshake_failed() {
	local port=$1 text
	shift
	assert_status 1
	if ! [[ ${stderr_lines[0]} =~ ^sockit:\ tls\ handshake\ with\ (localhost|127\.0\.0\.1):$port:\  ]]
	then
		echo "first line is not about the handshake with port $port:" >&2
		echo "$stderr" >&2
		return 1
	fi
	for text in "$@"; do
		assert_stderr_contains "$text"
	done
}

# --- verified success against real servers --------------------------------

@test "connect --tls verifies openssl s_server's certificate by IP SAN and fetches its page" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
	assert_output_contains "TLSv1.3"
	refute grep -q "close_notify" <<<"$stderr"
}

@test "connect --tls checks the host name it was given, localhost, against the certificate" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect -4 --tls "${CA[@]}" \
	    "localhost:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "connect --tls talks to socat OPENSSL-LISTEN, which echoes through cat" {
	bg srv socat -d -d "OPENSSL-LISTEN:0,bind=127.0.0.1,cert=$CERTS/leaf.pem,key=$CERTS/leaf.key,verify=0" EXEC:cat
	port=$(socat_port "$TMP/srv.err")
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$port" <<<"through socat"
	assert_success
	[ "$output" = "through socat" ]
}

@test "connect --tls talks to ncat --ssl --ssl-cert --ssl-key [long]" {
	echo "hello from ncat" >"$TMP/srv.in"
	bg srv ncat --ssl --ssl-cert "$CERTS/leaf.pem" \
	    --ssl-key "$CERTS/leaf.key" -l 127.0.0.1 0
	port=$(proc_port "$BG_PID" tcp)
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$port" <<<"hello from sockit"
	assert_success
	[ "$output" = "hello from ncat" ]
	wait_for_exit "$BG_PID"
	[ "$(cat "$TMP/srv.out")" = "hello from sockit" ]
}

# --- verified success against real clients --------------------------------

@test "openssl s_client verifies listen --tls --cert --key, and lines go both ways" {
	bg_fed srv "$SOCKIT" listen -v --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" 127.0.0.1:0
	LISTEN_PID=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on '
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	# -quiet reads on after its stdin ends: close_notify ends it. It must
	# not hold the listener's stdin open, or that would never end.
	echo "hello server" >"$TMP/cli.in"
	timeout -s KILL 30 openssl s_client -connect "127.0.0.1:$port" \
	    -CAfile "$CERTS/ca.pem" -verify_return_error \
	    -verify_hostname localhost -servername localhost -quiet \
	    <"$TMP/cli.in" >"$TMP/cli.out" 2>"$TMP/cli.err" {FEED}>&- &
	cli=$!
	BG_PIDS+=("$cli")
	wait_for_line "$TMP/srv.out" '^hello server$'
	echo "hello client" >&"$FEED"
	exec {FEED}>&-
	wait_for_exit "$cli"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qx "hello client" "$TMP/cli.out"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "listen --tls -k serves one client after another [long]" {
	tls_listener srv -k
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$LISTEN_PORT" <<<"first"
	assert_success
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$LISTEN_PORT" <<<"second"
	assert_success
	wait_for_line "$TMP/srv.out" '^second$'
	[ "$(cat "$TMP/srv.out")" = $'first\nsecond' ]
}

@test "curl --cacert fetches a page from listen --tls" {
	printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello curl\n' \
	    >"$TMP/srv.in"
	tls_listener srv
	run --separate-stderr timeout 30 curl -sS --cacert "$CERTS/ca.pem" \
	    --resolve "localhost:$LISTEN_PORT:127.0.0.1" \
	    "https://localhost:$LISTEN_PORT/hello"
	assert_success
	[ "$output" = "hello curl" ]
	wait_for_exit "$LISTEN_PID"
	grep -q "^GET /hello HTTP/1.1" "$TMP/srv.out"
	grep -q "^Host: localhost:$LISTEN_PORT" "$TMP/srv.out"
}

@test "socat OPENSSL: verifies listen --tls and trades lines" {
	echo "hello socat" >"$TMP/srv.in"
	tls_listener srv
	run --separate-stderr timeout 30 socat - \
	    "OPENSSL:127.0.0.1:$LISTEN_PORT,cafile=$CERTS/ca.pem" \
	    <<<"hello sockit"
	assert_success
	[ "$output" = "hello socat" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "hello sockit" ]
}

@test "ncat --ssl --ssl-verify talks to listen --tls" {
	echo "hello ncat" >"$TMP/srv.in"
	tls_listener srv
	run --separate-stderr timeout 30 ncat -4 --ssl --ssl-verify \
	    --ssl-trustfile "$CERTS/ca.pem" localhost "$LISTEN_PORT" \
	    <<<"hello sockit"
	assert_success
	[ "$output" = "hello ncat" ]
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = "hello sockit" ]
}

@test "--capath trusts a hashed directory of CA certificates [long]" {
	mkdir "$TMP/cas"
	cp "$CERTS/ca.pem" "$TMP/cas/"
	openssl rehash "$TMP/cas"
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls --capath "$TMP/cas" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "--verify-name NAME checks NAME instead of the host" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/wrong.pem" -key "$CERTS/wrong.key"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --verify-name wrong.example "127.0.0.1:$S_PORT" \
	    <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "--ssl is ncat's spelling of --tls" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --ssl "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "--ciphersuites and --ciphers choose what TLS 1.3 and TLS 1.2 use [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    --ciphersuites TLS_CHACHA20_POLY1305_SHA256 "127.0.0.1:$S_PORT" \
	    <"$BATS_FILE_TMPDIR/get"
	assert_success
	grep -q "^sockit: tls: TLSv1\.3, TLS_CHACHA20_POLY1305_SHA256," \
	    <<<"$stderr"

	start_s_server srv2 -naccept 1 -www
	run --separate-stderr sockit connect -v --tls "${CA[@]}" --tls-max 1.2 \
	    --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "127.0.0.1:$S_PORT" \
	    <"$BATS_FILE_TMPDIR/get"
	assert_success
	grep -q "^sockit: tls: TLSv1\.2, ECDHE-ECDSA-AES128-GCM-SHA256," \
	    <<<"$stderr"
}

# --- every failure, its message and status 1 --------------------------------

@test "an expired certificate fails with X509_V_ERR_CERT_HAS_EXPIRED, its dates and the clock" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/expired.pem" -key "$CERTS/expired.key"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" X509_V_ERR_CERT_HAS_EXPIRED \
	    "until 2020-01-31T00:00:00Z" "$(date -u +%Y)-"
}

@test "a certificate for another name fails with X509_V_ERR_HOSTNAME_MISMATCH and says which names it has" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/wrong.pem" -key "$CERTS/wrong.key"
	run --separate-stderr sockit connect -4 --tls "${CA[@]}" \
	    "localhost:$S_PORT" </dev/null
	handshake_failed "$S_PORT" X509_V_ERR_HOSTNAME_MISMATCH \
	    "wrong.example"
}

@test "an IP literal is checked against the IP SANs: X509_V_ERR_IP_ADDRESS_MISMATCH" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/wrong.pem" -key "$CERTS/wrong.key"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" X509_V_ERR_IP_ADDRESS_MISMATCH \
	    "wrong.example"
}

@test "an unknown CA fails with X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, the issuer, and --cafile or --insecure" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls \
	    --cafile "$CERTS/ca2.pem" "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" \
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY "sockit test CA" \
	    --cafile --insecure
}

@test "a self-signed server fails against the system store with X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	run --separate-stderr sockit connect --tls "127.0.0.1:$S_PORT" \
	    </dev/null
	handshake_failed "$S_PORT" \
	    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
}

@test "a pin mismatch names both pins" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls --pin "$SELF_PIN" \
	    "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" "pin mismatch" "$SELF_PIN" \
	    "$LEAF_PIN"
}

@test "an alert from the server is named: protocol version for --tls-min 1.3 against a TLS 1.2 server" {
	start_s_server srv -naccept 1 -www -tls1_2
	run --separate-stderr sockit connect --tls "${CA[@]}" --tls-min 1.3 \
	    "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" "alert protocol version"
}

@test "an alert from the client is named on the server: unknown CA from an s_client that trusts another CA" {
	tls_listener srv
	bg cli openssl s_client -connect "127.0.0.1:$LISTEN_PORT" \
	    -CAfile "$CERTS/ca2.pem" -verify_return_error
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: " \
	    "$TMP/srv.err"
	assert_file_contains "$TMP/srv.err" "alert unknown CA"
}

@test "a plain-text server on a TLS port: does not speak TLS" {
	bg srv socat -d -d TCP-LISTEN:0,bind=127.0.0.1 \
	    SYSTEM:'echo SSH-2.0-OpenSSH_9.2p1; cat >/dev/null'
	port=$(socat_port "$TMP/srv.err")
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$port" </dev/null
	handshake_failed "$port" "does not speak TLS"
}

@test "a plain-text client of listen --tls: plain text, not TLS" {
	tls_listener srv
	run --separate-stderr timeout 30 socat - "TCP:127.0.0.1:$LISTEN_PORT" \
	    <"$BATS_FILE_TMPDIR/get"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: " \
	    "$TMP/srv.err"
	assert_file_contains "$TMP/srv.err" "plain text, not TLS"
}

# --- pinning and --insecure -------------------------------------------------

@test "--pin alone accepts a self-signed server whose public key it names [long]" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	run --separate-stderr sockit connect --tls --pin "$SELF_PIN" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "--pin with --cafile: the pin and the chain must both pass [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls --pin "$LEAF_PIN" \
	    "${CA[@]}" "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]

	start_s_server srv2 -naccept 1 -www
	run --separate-stderr sockit connect --tls --pin "$LEAF_PIN" \
	    --cafile "$CERTS/ca2.pem" "127.0.0.1:$S_PORT" </dev/null
	handshake_failed "$S_PORT" \
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
}

@test "--insecure connects to a self-signed server and warns that nothing is checked" {
	start_s_server srv -naccept 1 -www \
	    -cert "$CERTS/self.pem" -key "$CERTS/self.key"
	run --separate-stderr sockit connect --tls --insecure \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
	[[ $stderr == *--insecure* ]]
	[[ $stderr == *"not checked"* ]]
}

# --- client certificates both ways ----------------------------------------

@test "connect --cert --key presents a client certificate the server checks [long]" {
	tls_peer srv --verify-client "$CERTS/ca.pem" --reply "welcome"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --cert "$CERTS/client.pem" --key "$CERTS/client.key" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	[ "$output" = welcome ]
	grep -qx "client sockit test client" "$TMP/srv.out"
}

@test "--key-pass-file opens an encrypted client key" {
	tls_peer srv --verify-client "$CERTS/ca.pem" --reply "welcome"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --cert "$CERTS/client.pem" --key "$CERTS/client-enc.key" \
	    --key-pass-file "$CERTS/client.pass" "127.0.0.1:$PEER_PORT" \
	    </dev/null
	assert_success
	[ "$output" = welcome ]
	grep -qx "client sockit test client" "$TMP/srv.out"
}

@test "a wrong passphrase in --key-pass-file fails before connecting" {
	echo "not the passphrase" >"$TMP/wrong.pass"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --cert "$CERTS/client.pem" --key "$CERTS/client-enc.key" \
	    --key-pass-file "$TMP/wrong.pass" 127.0.0.1:80 </dev/null
	assert_status 1
	assert_stderr_contains "client-enc.key"
	refute grep -q "tls handshake" <<<"$stderr"
}

@test "with TLS 1.2 a server that wants a client certificate ends the handshake with an alert [long]" {
	tls_peer srv --verify-client "$CERTS/ca.pem" --reply "welcome"
	run --separate-stderr sockit connect --tls "${CA[@]}" --tls-max 1.2 \
	    "127.0.0.1:$PEER_PORT" </dev/null
	handshake_failed "$PEER_PORT" "alert handshake failure"
}

@test "with TLS 1.3 a refused client certificate fails after the handshake, status 1" {
	tls_peer srv --verify-client "$CERTS/ca.pem" --reply "welcome"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "certificate required"
	refute grep -qx welcome <<<"$output"
}

@test "listen --verify-client takes a client certificate from its CA and names it with -v" {
	listen_or_skip srv "listen --verify-client" --tls \
	    --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" --verify-client \
	    "${CA[@]}" 127.0.0.1:0
	echo "hello" >"$TMP/data"
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
	    --key "$CERTS/client.key" --send "$TMP/data"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = hello ]
	grep -q "^sockit: tls: .*sockit test client" "$TMP/srv.err"
}

@test "listen --verify-client refuses a client certificate from another CA, and none [long]" {
	listen_or_skip srv "listen --verify-client" --tls \
	    --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" --verify-client \
	    "${CA[@]}" 127.0.0.1:0
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --cert "$CERTS/client2.pem" \
	    --key "$CERTS/client2.key"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: " \
	    "$TMP/srv.err"
	assert_file_contains "$TMP/srv.err" X509_V_ERR_

	listen_or_skip srv2 "listen --verify-client" --tls \
	    --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" --verify-client \
	    "${CA[@]}" 127.0.0.1:0
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: " \
	    "$TMP/srv2.err"
}

# --- ALPN and SNI -----------------------------------------------------------

@test "--alpn offers protocols; the server's choice is what -v reports [long]" {
	tls_peer srv --alpn http/1.1 --reply ok
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    --alpn h2,http/1.1 "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	grep -qx "alpn http/1.1" "$TMP/srv.out"
	grep -q "^sockit: tls: .*alpn http/1.1" <<<"$stderr"
}

@test "without --alpn nothing is offered, and -v says alpn none [long]" {
	tls_peer srv --alpn http/1.1 --reply ok
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	grep -qx "alpn none" "$TMP/srv.out"
	grep -q "^sockit: tls: .*alpn none" <<<"$stderr"
}

@test "listen --tls --alpn selects from what openssl s_client offers" {
	listen_or_skip srv "listen --alpn" --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" --alpn h2,http/1.1 127.0.0.1:0
	run timeout 30 openssl s_client -connect "127.0.0.1:$LISTEN_PORT" \
	    -CAfile "$CERTS/ca.pem" -verify_return_error \
	    -alpn http/1.1,spdy/3 </dev/null
	assert_success
	# A listener that takes --alpn but chooses nothing has yet to get
	# ALPN selection; one that chooses wrongly fails below.
	if [[ $output == *"No ALPN negotiated"* ]]; then
		skip "listen --alpn: this sockit takes the option but selects no protocol yet"
	fi
	assert_output_contains "ALPN protocol: http/1.1"
}

@test "SNI is the host name of the endpoint by default [long]" {
	tls_peer srv --reply ok
	run --separate-stderr sockit connect -4 --tls "${CA[@]}" \
	    "localhost:$PEER_PORT" </dev/null
	assert_success
	grep -qx "sni localhost" "$TMP/srv.out"
}

@test "--sni NAME sends NAME [long]" {
	tls_peer srv --reply ok
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --sni other.example "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	grep -qx "sni other.example" "$TMP/srv.out"
}

@test "--no-sni sends none, even for a host name [long]" {
	tls_peer srv --reply ok
	run --separate-stderr sockit connect -4 --tls "${CA[@]}" --no-sni \
	    "localhost:$PEER_PORT" </dev/null
	assert_success
	grep -qx "sni none" "$TMP/srv.out"
}

@test "an IP literal sends no SNI [long]" {
	tls_peer srv --reply ok
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	grep -qx "sni none" "$TMP/srv.out"
}

# --- half-close, close_notify and truncation --------------------------------

@test "TLS 1.3: connect sends close_notify at EOF and reads $BULK_MIB MiB sent after it, byte-exact both ways [long]" {
	bulk_files
	tls_peer srv --read --out "$TMP/srv.got" --send "$B_BULK"
	ln -s "$A_BULK" "$TMP/cli.in"
	bounded cli "$SOCKIT" connect --tls "${CA[@]}" "127.0.0.1:$PEER_PORT"
	assert_success
	wait_for_exit "$PEER_PID"
	grep -qx "eof close_notify" "$TMP/srv.out"
	[ "$(checksum "$TMP/srv.got")" = "$(checksum "$A_BULK")" ]
	[ "$(checksum "$TMP/cli.out")" = "$(checksum "$B_BULK")" ]
	refute grep -q close_notify "$TMP/cli.err"
}

@test "TLS 1.3: listen --tls sends close_notify at EOF and reads $BULK_MIB MiB on, byte-exact both ways [long]" {
	bulk_files
	ln -s "$B_BULK" "$TMP/srv.in"
	tls_listener srv
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --send "$A_BULK" --out "$TMP/cli.got"
	assert_success
	[ "${lines[2]}" = "eof close_notify" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$A_BULK")" ]
	[ "$(checksum "$TMP/cli.got")" = "$(checksum "$B_BULK")" ]
}

@test "TLS 1.2: connect sends nothing at EOF and reads until the server's close_notify, byte-exact [long]" {
	bulk_files
	tls_peer srv --tls-max 1.2 --expect $((BULK_MIB << 20)) \
	    --out "$TMP/srv.got" --send "$B_BULK"
	ln -s "$A_BULK" "$TMP/cli.in"
	bounded cli "$SOCKIT" connect --tls "${CA[@]}" "127.0.0.1:$PEER_PORT"
	assert_success
	wait_for_exit "$PEER_PID"
	grep -qx "got all" "$TMP/srv.out"
	[ "$(checksum "$TMP/srv.got")" = "$(checksum "$A_BULK")" ]
	[ "$(checksum "$TMP/cli.out")" = "$(checksum "$B_BULK")" ]
}

@test "TLS 1.2: --trace shows no close_notify sent before the server's arrives; TLS 1.3 sends it at EOF [long]" {
	echo "request" >"$TMP/data"
	tls_peer srv --tls-max 1.2 --expect 8 --send "$TMP/data"
	run --separate-stderr sockit --trace connect --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" <"$TMP/data"
	assert_success
	[ "$output" = request ]
	first_shutdown=$(grep -n '^SSL_shutdown(' <<<"$stderr" | head -n 1)
	peer_end=$(grep -n '^SSL_read(.* = 0 \[close_notify\]' <<<"$stderr" |
	    head -n 1)
	[ -n "$peer_end" ]
	[ -z "$first_shutdown" ] || ((${first_shutdown%%:*} > ${peer_end%%:*}))

	tls_peer srv13 --read --send "$TMP/data"
	run --separate-stderr sockit --trace connect --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" <"$TMP/data"
	assert_success
	[ "$output" = request ]
	first_shutdown=$(grep -n '^SSL_shutdown(' <<<"$stderr" | head -n 1)
	peer_end=$(grep -n '^SSL_read(.* = 0 \[close_notify\]' <<<"$stderr" |
	    head -n 1)
	[ -n "$first_shutdown" ] && [ -n "$peer_end" ]
	((${first_shutdown%%:*} < ${peer_end%%:*}))
}

@test "a FIN without close_notify is a warning, and the status stays 0 [long]" {
	tls_peer srv --reply "the last words" --end truncate
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	[ "$output" = "the last words" ]
	assert_stderr_contains "close_notify"
	assert_stderr_contains "truncated"
}

@test "--json: the closed event says \"truncated\": true after a bare FIN, and not after close_notify [long]" {
	tls_peer srv --reply "the last words" --end truncate
	run --separate-stderr sockit connect --json --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	[ "$(jq -r 'select(.event == "closed") | .truncated' <<<"$stderr")" = true ]

	tls_peer srv2 --reply "the last words" --end notify
	run --separate-stderr sockit connect --json --tls "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" </dev/null
	assert_success
	[ "$(jq -r 'select(.event == "closed") | .truncated // false' \
	    <<<"$stderr")" = false ]
}

# --- send and recv ----------------------------------------------------------

@test "send --tls -r sends, ends with close_notify and prints the reply [long]" {
	echo "the reply" >"$TMP/reply"
	tls_peer srv --read --out "$TMP/srv.got" --send "$TMP/reply"
	run --separate-stderr sockit send --tls -r "${CA[@]}" \
	    "127.0.0.1:$PEER_PORT" "the request"
	assert_success
	[ "$output" = "the reply" ]
	wait_for_exit "$PEER_PID"
	grep -qx "eof close_notify" "$TMP/srv.out"
	[ "$(cat "$TMP/srv.got")" = "the request" ]
}

@test "send --tls checks the server's name and pin as connect does [long]" {
	tls_peer srv --read
	run --separate-stderr sockit send --tls "${CA[@]}" \
	    --verify-name wrong.example "127.0.0.1:$PEER_PORT" "never read"
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_HOSTNAME_MISMATCH)"
	tls_peer srv2 --read
	run --separate-stderr sockit send --tls --pin "$SELF_PIN" \
	    "127.0.0.1:$PEER_PORT" "never read"
	assert_status 1
	assert_stderr_contains "pin mismatch"
}

@test "recv --tls prints what a TLS client sends [long]" {
	start_recv srv --tls --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" \
	    127.0.0.1:0
	printf 'one\ntwo\n' >"$TMP/data"
	# The client's last data and close_notify come in one read: recv must
	# see the end in it, and answer with close_notify of its own.
	bg cli python3 "$TLS_PEER" client --port "$RECV_PORT" \
	    --cafile "$CERTS/ca.pem" --send "$TMP/data"
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = $'one\ntwo' ]
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qx "eof close_notify" "$TMP/cli.out"
}

# --- what happened: -v, --json, --trace, --show-certs, SSLKEYLOGFILE ----------

@test "-v names the version, cipher, ALPN, session, subject, issuer and the fingerprints openssl computes [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	grep -qE '^sockit: tls: TLSv1\.3, TLS_[A-Z0-9_]+, alpn none, new' \
	    <<<"$stderr"
	grep -q "^sockit: tls: .*CN *= *localhost" <<<"$stderr"
	grep -q "^sockit: tls: .*sockit test CA" <<<"$stderr"
	grep -q "^sockit: tls: .*127\.0\.0\.1" <<<"$stderr"
	grep -q "^sockit: tls: .*$(date -u +%Y)" <<<"$stderr"
	grep -qF "$LEAF_SHA256" <<<"$stderr"
	grep -qF "$LEAF_PIN" <<<"$stderr"
}

@test "--json: one tls event with the handshake's facts [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --json --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	ev=$(jq -c 'select(.event == "tls")' <<<"$stderr")
	[ "$(wc -l <<<"$ev")" -eq 1 ]
	[ "$(jq -r .version <<<"$ev")" = TLSv1.3 ]
	[[ $(jq -r .cipher <<<"$ev") == TLS_* ]]
	[ "$(jq -r '.alpn // ""' <<<"$ev")" = "" ]
	[ "$(jq -r .resumed <<<"$ev")" = false ]
	[[ $(jq -r .subject <<<"$ev") == *localhost* ]]
	[[ $(jq -r .issuer <<<"$ev") == *"sockit test CA"* ]]
	[[ $(jq -r .names <<<"$ev") == *127.0.0.1* ]]
	[ "$(jq -r .sha256 <<<"$ev")" = "$LEAF_SHA256" ]
	[ "$(jq -r .pin <<<"$ev")" = "$LEAF_PIN" ]
}

@test "--trace shows SSL_connect, SSL_write and SSL_read above the socket calls [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit --trace connect --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	grep -q "^connect(3, {AF_INET, 127.0.0.1:$S_PORT}) = " <<<"$stderr"
	grep -qE '^SSL_connect\(3\) = 1 \[TLSv1\.3, TLS_[A-Z0-9_]+' <<<"$stderr"
	grep -qE '^SSL_write\(3, "GET / HTTP/1\.0.*, 18\) = 18$' <<<"$stderr"
	grep -q '^SSL_read(3, .*) = 0 \[close_notify\]' <<<"$stderr"
}

@test "--show-certs prints the server's certificate in PEM [long]" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls --show-certs "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	sed -n '/-BEGIN CERTIFICATE-/,/-END CERTIFICATE-/p' <<<"$stderr" |
	    head -n "$(wc -l <"$CERTS/leaf.pem")" >"$TMP/shown.pem"
	cmp "$TMP/shown.pem" "$CERTS/leaf.pem"
}

@test "SSLKEYLOGFILE gets the session's secrets, and -v says so" {
	start_s_server srv -naccept 1 -www
	export SSLKEYLOGFILE=$TMP/keys.log
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    "127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	assert_stderr_contains "SSLKEYLOGFILE"
	grep -qE '^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64,}$' \
	    "$TMP/keys.log"
	grep -qE '^SERVER_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64,}$' \
	    "$TMP/keys.log"
}

# --- tls:// and tls+unix: -----------------------------------------------------

@test "tls://HOST:PORT needs no --tls" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect "${CA[@]}" \
	    "tls://127.0.0.1:$S_PORT" <"$BATS_FILE_TMPDIR/get"
	assert_success
	[ "${lines[0]}" = $'HTTP/1.0 200 ok\r' ]
}

@test "tls+unix:PATH: connect and listen speak TLS over an AF_UNIX stream [long]" {
	echo "over a unix socket" >"$TMP/data"
	tls_peer srv --unix "$SOCKDIR/peer.sock" --read --out "$TMP/srv.got" \
	    --send "$TMP/data"
	run --separate-stderr sockit connect "${CA[@]}" \
	    --verify-name localhost "tls+unix:$SOCKDIR/peer.sock" <"$TMP/data"
	assert_success
	[ "$output" = "over a unix socket" ]
	wait_for_exit "$PEER_PID"
	[ "$(cat "$TMP/srv.got")" = "over a unix socket" ]

	echo "from the listener" >"$TMP/lsn.in"
	start_listener lsn --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" \
	    "tls+unix:$SOCKDIR/lsn.sock"
	run python3 "$TLS_PEER" client --unix "$SOCKDIR/lsn.sock" \
	    --cafile "$CERTS/ca.pem" --send "$TMP/data" --out "$TMP/cli.got"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/lsn.out")" = "over a unix socket" ]
	[ "$(cat "$TMP/cli.got")" = "from the listener" ]
}

# --- usage errors -------------------------------------------------------------

@test "-u with --tls is a usage error: no DTLS" {
	run --separate-stderr sockit connect -u --tls 127.0.0.1:80
	assert_status 2
	assert_stderr_contains "DTLS"
}

@test "--cafile without TLS is a usage error naming it" {
	run --separate-stderr sockit connect --cafile "$CERTS/ca.pem" \
	    127.0.0.1:80
	assert_status 2
	assert_stderr_contains "--cafile"
	assert_stderr_contains "--tls"
}

@test "--tls-min 1.4 is a usage error naming 1.4" {
	run --separate-stderr sockit connect --tls --tls-min 1.4 127.0.0.1:80
	assert_status 2
	assert_stderr_contains "1.4"
}

@test "a bad --pin is a usage error that names the bad part" {
	local good=${LEAF_PIN#sha256:}
	run --separate-stderr sockit connect --tls --pin "md5:$good" \
	    127.0.0.1:80
	assert_status 2
	assert_stderr_contains "algorithm 'md5'"

	run --separate-stderr sockit connect --tls \
	    --pin "sha256:${good:0:10}!${good:11}" 127.0.0.1:80
	assert_status 2
	assert_stderr_contains "bad base64 character '!' at offset 17"

	run --separate-stderr sockit connect --tls --pin "sha256:${good%=}" \
	    127.0.0.1:80
	assert_status 2
	assert_stderr_contains "43 base64 characters"

	run --separate-stderr sockit connect --tls --pin "$LEAF_SHA256" \
	    127.0.0.1:80
	assert_status 2
	assert_stderr_contains "hex fingerprint"
}

# --- the server's extras -------------------------------------------------------

@test "listen --tls with no --cert makes a certificate whose pin -v prints, and --pin accepts it [long]" {
	listen_or_skip srv "listen --tls without --cert" --tls 127.0.0.1:0
	wait_for_line "$TMP/srv.err" 'sha256:[A-Za-z0-9+/]{43}='
	pin=$(grep -oE 'sha256:[A-Za-z0-9+/]{43}=' "$TMP/srv.err" | head -n 1)
	run --separate-stderr sockit connect --tls --pin "$pin" \
	    "127.0.0.1:$LISTEN_PORT" <<<"pinned"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(cat "$TMP/srv.out")" = pinned ]
}

@test "listen --tls --fork -c serves 20 clients at once [long]" {
	# Each program waits (10 s at most) until all 20 have started: a
	# listener that served one client after another would time out.
	local started=$TMP/started i pids=()
	listen_or_skip srv "listen --tls --fork -c" --tls \
	    --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key" --fork -c "
	    echo >>'$started'; n=0
	    while [ \$(wc -l <'$started') -lt 20 ] && [ \$n -lt 500 ]; do
		    sleep 0.02; n=\$((n + 1)); done
	    cat" 127.0.0.1:0
	for i in $(seq 20); do
		echo "client $i" >"$TMP/c$i.in"
		bg "c$i" "$SOCKIT" connect --tls "${CA[@]}" \
		    "127.0.0.1:$LISTEN_PORT"
		pids+=("$BG_PID")
	done
	for i in $(seq 20); do
		wait_for_exit "${pids[i - 1]}" 30
		[ "$EXIT_STATUS" -eq 0 ] || { cat "$TMP/c$i.err" >&2; false; }
		[ "$(cat "$TMP/c$i.out")" = "client $i" ]
	done
	[ "$(wc -l <"$started")" -eq 20 ]
}

@test "listen --tls -e relays plain text to the program and TLS to the peer" {
	listen_or_skip srv "listen --tls -e" --tls --cert "$CERTS/leaf.pem" \
	    --key "$CERTS/leaf.key" -e 'tr a-z A-Z' 127.0.0.1:0
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "127.0.0.1:$LISTEN_PORT" <<<"shout"
	assert_success
	[ "$output" = SHOUT ]
}
