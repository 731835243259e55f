#!/usr/bin/env bats
# tests/tls_exec.bats: connect --tls with -e and -c (a program behind the client's TLS session) and connect -z --tls (is TLS up on a port?).
#
# The servers are openssl s_server and sockit's own listen --tls;
# tests/tls_certs.sh makes the CA and the certificates once.

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

# A client program that half-closes, which a shell cannot do on a socket:
# it sends the file $1, shuts its output down (shutdown SHUT_WR) and
# writes all it reads until EOF to the file $2.
HALF_CLOSER='import shutil, socket, sys
s = socket.socket(fileno=1)
with open(sys.argv[1], "rb") as f:
    shutil.copyfileobj(f, s.makefile("wb"))
s.shutdown(socket.SHUT_WR)
with open(sys.argv[2], "wb") as f:
    while True:
        b = s.recv(65536)
        if not b:
            break
        f.write(b)'

# --- programs behind the client's TLS ------------------------------------

@test "connect --tls -c fetches a page from openssl s_server: the request from the program, the page on its stdin [long]" {
	start_s_server srv -naccept 1 -www
	export PAGE=$TMP/page
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    -c 'printf "GET / HTTP/1.0\r\n\r\n"; cat >"$PAGE"' \
	    "localhost:$S_PORT"
	assert_success
	[ -z "$output" ]
	head -n 1 "$PAGE" | grep -q '^HTTP/1.0 200 ok'
	grep -q '^Ciphers supported in s_server binary' "$PAGE"
	refute grep -q 'without close_notify' <<<"$stderr"
}

@test "connect --tls -e: 4 MiB each way with listen --tls, byte-exact; with TLS 1.3 the program's shutdown is close_notify and the reply still reaches it [long]" {
	random_file "$TMP/a" 4
	random_file "$TMP/b" 4
	export B=$TMP/b GOT_SRV=$TMP/got.srv
	start_listener srv --tls "${LEAF[@]}" \
	    -c 'cat >"$GOT_SRV"; cat "$B"' 127.0.0.1:0
	printf '%s\n' "$HALF_CLOSER" >"$TMP/half.py"
	run --separate-stderr sockit connect -v --tls "${CA[@]}" \
	    -e "python3 $TMP/half.py $TMP/a $TMP/got.cli" \
	    "localhost:$LISTEN_PORT"
	assert_success
	grep -q '^sockit: tls: TLSv1.3' <<<"$stderr"
	[ "$(checksum "$TMP/got.cli")" = "$(checksum "$TMP/b")" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/got.srv")" = "$(checksum "$TMP/a")" ]
	# -v counts the plain text each way
	grep -q '^sockit: closed 127\.0\.0\.1:[0-9]*: sent 4194304 bytes, received 4194304 bytes in ' <<<"$stderr"
	refute grep -q 'without close_notify' <<<"$stderr"
	refute grep -q 'without close_notify' "$TMP/srv.err"
}

@test "TLS 1.2: the server's close_notify is EOF on the program's stdin, byte-exact, and a tls:// endpoint works as --tls [long]" {
	random_file "$TMP/b" 4
	export B=$TMP/b GOT=$TMP/got
	start_listener srv --tls "${LEAF[@]}" --tls-max 1.2 -c 'cat "$B"' \
	    127.0.0.1:0
	run --separate-stderr sockit connect -v "${CA[@]}" \
	    -c 'cat >"$GOT"; echo done >&2' "tls://localhost:$LISTEN_PORT"
	assert_success
	grep -q '^sockit: tls: TLSv1.2' <<<"$stderr"
	grep -qx done <<<"$stderr"
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/b")" ]
	refute grep -q 'without close_notify' <<<"$stderr"
}

@test "connect --tls -c exits with the program's status, as plain connect -c does [long]" {
	start_listener srv --tls "${LEAF[@]}" -k -e cat 127.0.0.1:0
	run --separate-stderr sockit connect --tls "${CA[@]}" \
	    -c 'echo hi; read -r line; [ "$line" = hi ] && exit 7' \
	    "localhost:$LISTEN_PORT"
	assert_status 7
	start_listener plain -k -e cat 127.0.0.1:0
	run --separate-stderr sockit connect \
	    -c 'echo hi; read -r line; [ "$line" = hi ] && exit 7' \
	    "127.0.0.1:$LISTEN_PORT"
	assert_status 7
}

@test "a certificate that fails the check is reported with status 1, and the program never runs [long]" {
	start_s_server srv -naccept 1 -www
	export RAN=$TMP/ran
	run --separate-stderr sockit connect --tls -c 'touch "$RAN"' \
	    "localhost:$S_PORT"
	assert_status 1
	assert_stderr_contains "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
	refute grep -q 'started pid' <<<"$stderr"
	refute test -e "$RAN"
}

@test "SIGTERM to connect --tls -c ends the program's process group, status 143 [long]" {
	export PIDFILE=$TMP/prog.pid
	start_listener srv --tls "${LEAF[@]}" -k -e cat 127.0.0.1:0
	bg client "$SOCKIT" connect --tls "${CA[@]}" \
	    -c 'sleep 60 & echo $$ >"$PIDFILE"; exec cat' \
	    "localhost:$LISTEN_PORT"
	local client=$BG_PID prog child
	wait_for_line "$PIDFILE" '^[0-9]' 10
	prog=$(cat "$PIDFILE")
	# the program leads a process group of its own, as for plain -c
	[ "$(ps -o pgid= -p "$prog" | tr -d ' ')" = "$prog" ]
	child=$(pgrep -P "$prog")
	kill -TERM "$client"
	wait_for_exit "$client"
	[ "$EXIT_STATUS" -eq 143 ]
	wait_gone "$prog"
	wait_gone "$child"
	kill -0 "$LISTEN_PID"
}

# --- -z --tls: is TLS up on a port? --------------------------------------

@test "connect -z --tls: open when the handshake passes; a failed check or a plain-text port is reported, and tls-failed in --json [long]" {
	start_listener tls --tls "${LEAF[@]}" -k 127.0.0.1:0
	local tls_port=$LISTEN_PORT
	start_listener plain -k -c 'echo hello' 127.0.0.1:0
	local plain_port=$LISTEN_PORT
	run --separate-stderr sockit connect -z --tls "${CA[@]}" \
	    "localhost:$tls_port"
	assert_success
	[ "$output" = "localhost:$tls_port open" ]
	# the system store does not know the test CA
	run --separate-stderr sockit connect -z --tls "localhost:$tls_port"
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
	# a list: the plain-text port fails, the TLS one is open
	run --separate-stderr sockit connect -z --tls "${CA[@]}" \
	    "127.0.0.1:$plain_port,$tls_port"
	assert_success
	[ "$output" = "127.0.0.1:$tls_port open" ]
	assert_stderr_contains "does not speak TLS"
	run --separate-stderr sockit connect -z --json --tls "${CA[@]}" \
	    "127.0.0.1:$plain_port"
	assert_status 1
	grep -q "\"port\": $plain_port, .*\"state\": \"tls-failed\"" <<<"$output"
	# without --tls the plain-text port is simply open
	run --separate-stderr sockit connect -z "127.0.0.1:$plain_port"
	assert_success
	kill -0 "$LISTEN_PID"
}

@test "connect -z -v --tls describes each open port's handshake and ends it with close_notify" {
	start_listener tls --tls "${LEAF[@]}" -k 127.0.0.1:0
	run --separate-stderr sockit connect -z -v --tls "${CA[@]}" \
	    "localhost:$LISTEN_PORT"
	assert_success
	grep -q '^sockit: tls: TLSv1.3' <<<"$stderr"
	grep -q '^sockit: tls: subject CN=localhost' <<<"$stderr"
	wait_for_line "$TMP/tls.err" '^sockit: sent 0 bytes, received 0 bytes' 10
	refute grep -q 'without close_notify' "$TMP/tls.err"
}
