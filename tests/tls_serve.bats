#!/usr/bin/env bats
# tests/tls_serve.bats: the TLS server's extras: a certificate made at start, mutual TLS, ALPN selection, and programs behind TLS (-e, -c, -k, --fork).
#
# The clients are curl, openssl s_client, tests/tls_peer.py and sockit's
# own connect; tests/tls_certs.sh makes the CA and the certificates once.

load test_helper
load tls_helper

setup_file() {
	tls_setup_file
}

setup() {
	tls_setup
}

CA=(--cafile "${CERTS:-}/ca.pem")
LEAF=(--cert "${CERTS:-}/leaf.pem" --key "${CERTS:-}/leaf.key")

# our_pin FILE: the pin a server without --cert printed with -v.
our_pin() {
	sed -n 's/^sockit: tls: our pin \(sha256:[^ ]*\) .*/\1/p' "$1"
}

# --- a certificate made at start -----------------------------------------

@test "listen --tls without --cert: a P-256 certificate for the loopback names and the address given, for a day, whose pin and fingerprint -v prints [long]" {
	start_listener srv --tls 127.0.0.2:0
	pin=$(our_pin "$TMP/srv.err")
	fp=$(sed -n 's/^sockit: tls: our sha256 //p' "$TMP/srv.err")
	[ -n "$pin" ] && [ -n "$fp" ]
	run --separate-stderr sockit connect --tls --pin "$pin" --show-certs \
	    "127.0.0.2:$LISTEN_PORT" <<<"pinned"
	assert_success
	sed -n '/BEGIN CERT/,/END CERT/p' <<<"$stderr" >"$TMP/got.pem"
	# openssl computes the same pin and fingerprint from what was sent
	[ "$(pin_of "$TMP/got.pem")" = "$pin" ]
	[ "$(fingerprint_of "$TMP/got.pem")" = "$fp" ]
	openssl x509 -in "$TMP/got.pem" -noout -text >"$TMP/text"
	assert_file_contains "$TMP/text" "prime256v1"
	assert_file_contains "$TMP/text" "DNS:localhost"
	assert_file_contains "$TMP/text" "IP Address:127.0.0.1"
	assert_file_contains "$TMP/text" "IP Address:0:0:0:0:0:0:0:1"
	assert_file_contains "$TMP/text" "IP Address:127.0.0.2"
	# valid now, and gone within a day and an hour
	openssl x509 -in "$TMP/got.pem" -noout -checkend 0
	refute openssl x509 -in "$TMP/got.pem" -noout -checkend 90000
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = pinned ]
}

@test "each run makes a new key: the pin of another run is refused [long]" {
	start_listener one --tls 127.0.0.1:0
	old=$(our_pin "$TMP/one.err")
	kill "$LISTEN_PID"
	start_listener two --tls 127.0.0.1:0
	new=$(our_pin "$TMP/two.err")
	[ -n "$old" ] && [ -n "$new" ] && [ "$old" != "$new" ]
	run --separate-stderr sockit connect --tls --pin "$old" \
	    "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "pin mismatch"
	assert_stderr_contains "$new"
}

@test "--json: the certificate made at start is a certificate event with its pin" {
	run --separate-stderr sockit listen --json --tls -w 0.1 127.0.0.1:0
	assert_status 124
	grep -q '"event": "certificate".*"self_signed": true.*"pin": "sha256:[A-Za-z0-9+/]\{43\}="' <<<"$stderr"
}

# --- mutual TLS ---------------------------------------------------------------

@test "--verify-client: curl, openssl s_client, tls_peer.py and connect --cert are served; no certificate or another CA's is refused, named on stderr, and -k serves on [long]" {
	start_listener srv --tls "${LEAF[@]}" --verify-client "${CA[@]}" -k \
	    -c 'printf "HTTP/1.0 200 OK\r\n\r\nhello\n"' 127.0.0.1:0
	local url=https://localhost:$LISTEN_PORT/
	run curl -sS --cacert "$CERTS/ca.pem" "$url"
	[ "$status" -ne 0 ]
	wait_for_line "$TMP/srv.err" 'the client sent no certificate'
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: the client sent no certificate" "$TMP/srv.err"
	run curl -sS --cacert "$CERTS/ca.pem" --cert "$CERTS/client2.pem" \
	    --key "$CERTS/client2.key" "$url"
	[ "$status" -ne 0 ]
	wait_for_line "$TMP/srv.err" 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
	grep -q "^sockit: tls handshake with 127\.0\.0\.1:[0-9]*: refused the client's certificate" "$TMP/srv.err"
	assert_file_contains "$TMP/srv.err" "subject CN=sockit unrelated client"

	run curl -sS --cacert "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
	    --key "$CERTS/client.key" "$url"
	assert_success
	[ "$output" = hello ]
	run timeout 30 openssl s_client -quiet -verify_return_error \
	    -connect "127.0.0.1:$LISTEN_PORT" -CAfile "$CERTS/ca.pem" \
	    -cert "$CERTS/client.pem" -key "$CERTS/client.key" </dev/null
	assert_output_contains hello
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
	    --key "$CERTS/client.key" --out "$TMP/peer.out"
	assert_success
	grep -qx hello "$TMP/peer.out"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    --cert "$CERTS/client.pem" --key "$CERTS/client.key" \
	    "localhost:$LISTEN_PORT" </dev/null
	assert_success
	grep -qx hello <<<"$output"
	kill -0 "$LISTEN_PID"
	[ "$(grep -c '^sockit: tls: subject CN=sockit test client' "$TMP/srv.err")" -eq 4 ]
}

@test "--verify-client without --cafile or --capath is a usage error" {
	run --separate-stderr sockit listen --tls --verify-client 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--verify-client needs --cafile or --capath"
}

# --- ALPN --------------------------------------------------------------------

@test "listen --alpn chooses the first of its list that the client offers; with none in common the handshake goes on without ALPN [long]" {
	start_listener srv --tls "${LEAF[@]}" --alpn h2,http/1.1 -k \
	    -c 'echo ok' 127.0.0.1:0
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --alpn http/1.1,h2
	assert_success
	grep -qx "alpn h2" <<<"$output"
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --alpn spdy/3,http/1.1
	assert_success
	grep -qx "alpn http/1.1" <<<"$output"
	run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
	    --cafile "$CERTS/ca.pem" --alpn spdy/3
	assert_success
	grep -qx "alpn none" <<<"$output"
	run --separate-stderr sockit connect --json --tls "${CA[@]}" \
	    --alpn http/1.1 "localhost:$LISTEN_PORT" </dev/null
	assert_success
	assert_stderr_contains '"alpn": "http/1.1"'
	grep -q "^sockit: tls: .*alpn h2," "$TMP/srv.err"
	grep -q "^sockit: tls: .*alpn none," "$TMP/srv.err"
}

# --- programs behind TLS ---------------------------------------------------------

@test "listen --tls --fork -e cat serves 20 clients at once, 1 MiB each way, byte-exact [long]" {
	start_listener srv --tls "${LEAF[@]}" --fork -e cat 127.0.0.1:0
	local i pids=()
	for i in $(seq 20); do
		random_file "$TMP/c$i.in" 1
		bg "c$i" "$SOCKIT" connect --tls "${CA[@]}" \
		    "localhost:$LISTEN_PORT"
		pids+=("$BG_PID")
	done
	for i in $(seq 20); do
		wait_for_exit "${pids[i - 1]}" 30
		[ "$EXIT_STATUS" -eq 0 ] || { cat "$TMP/c$i.err" >&2; false; }
		[ "$(checksum "$TMP/c$i.out")" = "$(checksum "$TMP/c$i.in")" ]
	done
	kill -0 "$LISTEN_PID"
}

@test "-k -c: each client gets its own program, with SOCKIT_PEER_ADDR and SOCKIT_PEER_PORT, and -v reports each exit status [long]" {
	start_listener srv --tls "${LEAF[@]}" -k \
	    -c 'echo "$SOCKIT_PEER_ADDR $SOCKIT_PEER_PORT"; exit 5' 127.0.0.1:0
	local i port
	for i in 1 2; do
		run --separate-stderr sockit connect -v --tls "${CA[@]}" \
		    "localhost:$LISTEN_PORT" </dev/null
		assert_success
		port=$(sed -n 's/^sockit: connected to .* from 127\.0\.0\.1://p' \
		    <<<"$stderr")
		[ "$output" = "127.0.0.1 $port" ]
		wait_for_line "$TMP/srv.err" \
		    "^sockit: closed 127\.0\.0\.1:$port: sent $((${#output} + 1)) bytes, received 0 bytes in " 10
	done
	wait_for_line "$TMP/srv.err" 'exited with status 5.*' 10
	[ "$(grep -c '^sockit: pid [0-9]* exited with status 5$' "$TMP/srv.err")" -ge 1 ]
	kill -0 "$LISTEN_PID"
}

@test "without -k the listener's status is the program's [long]" {
	start_listener srv --tls "${LEAF[@]}" -c 'cat >/dev/null; exit 7' \
	    127.0.0.1:0
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "localhost:$LISTEN_PORT" <<<"data"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 7 ]
	grep -q '^sockit: pid [0-9]* exited with status 7$' "$TMP/srv.err"
}

@test "the peer's close_notify is EOF on the program's stdin and the program's end is close_notify, with TLS 1.3 and 1.2 [long]" {
	random_file "$TMP/data" 1
	start_listener srv --tls "${LEAF[@]}" -k -c 'wc -c' 127.0.0.1:0
	for v in 1.3 1.2; do
		run python3 "$TLS_PEER" client --port "$LISTEN_PORT" \
		    --cafile "$CERTS/ca.pem" --tls-max "$v" --send "$TMP/data" \
		    --out "$TMP/got.$v"
		assert_success
		grep -qx "version TLSv$v" <<<"$output"
		grep -qx done <<<"$output"
		[ "$(tr -d ' ' <"$TMP/got.$v")" = 1048576 ]
	done
	refute grep -q "without close_notify" "$TMP/srv.err"
}

@test "a signal to a --fork server ends each connection's child and its program [long]" {
	export PIDFILE=$TMP/prog.pid
	start_listener srv2 --tls "${LEAF[@]}" --fork \
	    -c 'echo $$ >"$PIDFILE"; exec cat' 127.0.0.1:0
	bg client bash -c "sleep 30 | \"$SOCKIT\" connect --tls --cafile \"$CERTS/ca.pem\" localhost:$LISTEN_PORT"
	wait_for_line "$PIDFILE" '^[0-9]' 10
	prog=$(cat "$PIDFILE")
	keeper=$(ps -o ppid= -p "$prog" | tr -d ' ')
	# the child leads a process group, and the program is in it
	[ "$(ps -o pgid= -p "$keeper" | tr -d ' ')" = "$keeper" ]
	[ "$(ps -o pgid= -p "$prog" | tr -d ' ')" = \
	    "$(ps -o pgid= -p "$keeper" | tr -d ' ')" ]
	kill -TERM "$LISTEN_PID"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	wait_gone "$prog"
	wait_gone "$keeper"
	grep -q "^sockit: pid $prog was killed by SIGTERM" "$TMP/srv2.err"
}

@test "a plain-text client of a TLS program server is refused, and no program runs for it" {
	export RAN=$TMP/ran
	start_listener srv --tls "${LEAF[@]}" -k -c 'touch "$RAN"' 127.0.0.1:0
	run --separate-stderr sockit connect "127.0.0.1:$LISTEN_PORT" \
	    <<<"GET / HTTP/1.0"
	wait_for_line "$TMP/srv.err" 'not TLS'
	refute test -e "$TMP/ran"
	kill -0 "$LISTEN_PID"
}

@test "curl fetches a page from a TLS-terminating inetd: listen --tls --fork -c" {
	start_listener srv --tls "${LEAF[@]}" --fork \
	    -c 'printf "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n"' \
	    127.0.0.1:0
	run curl -sS --cacert "$CERTS/ca.pem" \
	    "https://localhost:$LISTEN_PORT/" "https://localhost:$LISTEN_PORT/"
	assert_success
	[ "$output" = "hello
hello" ]
}

@test "a signal to one connection's child ends that connection and its program only: -k serves the next client" {
	export PIDFILE=$TMP/prog.pid
	start_listener srv --tls "${LEAF[@]}" -k \
	    -c 'echo $$ >"$PIDFILE"; exec cat' 127.0.0.1:0
	bg client bash -c "sleep 30 | \"$SOCKIT\" connect --tls --cafile \"$CERTS/ca.pem\" localhost:$LISTEN_PORT"
	wait_for_line "$PIDFILE" '^[0-9]' 10
	prog=$(cat "$PIDFILE")
	keeper=$(ps -o ppid= -p "$prog" | tr -d ' ')
	[ "$keeper" != "$LISTEN_PID" ]
	kill -TERM "$keeper"
	wait_gone "$prog"
	rm -f "$PIDFILE"
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    "localhost:$LISTEN_PORT" <<<"next"
	assert_success
	[ "$output" = next ]
	kill -0 "$LISTEN_PID"
}
