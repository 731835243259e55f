#!/usr/bin/env bats
# tests/tls_core.bats: TLS for connect, send, listen and recv against openssl, curl, python3 and sockit itself.
load test_helper
load tls_helper

# A CA, a leaf for localhost and 127.0.0.1, the same leaf expired, a
# self-signed leaf, one without SANs and a client certificate, made once
# for the file.
setup_file() {
	local d=$BATS_FILE_TMPDIR ec=(-newkey ec -pkeyopt
	    ec_paramgen_curve:prime256v1 -nodes)
	openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.pem" \
	    -days 30 -subj "/CN=sockit test CA" 2>/dev/null
	openssl req "${ec[@]}" -keyout "$d/leaf.key" -out "$d/leaf.csr" \
	    -subj "/CN=localhost" 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/leaf.ext"
	openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -CAcreateserial -out "$d/leaf.pem" -days 30 \
	    -extfile "$d/leaf.ext" 2>/dev/null
	# -days -1: its notAfter lies a day before its notBefore, now.
	openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -CAcreateserial -out "$d/expired.pem" \
	    -days -1 -extfile "$d/leaf.ext" 2>/dev/null
	openssl req -x509 "${ec[@]}" -keyout "$d/self.key" -out "$d/self.pem" \
	    -days 30 -subj "/CN=localhost" \
	    -addext subjectAltName=DNS:localhost 2>/dev/null
	# No -addext: no subjectAltName, only the subject's CN.
	openssl req -x509 "${ec[@]}" -keyout "$d/nosan.key" \
	    -out "$d/nosan.pem" -days 30 -subj "/CN=localhost" 2>/dev/null
	openssl x509 -in "$d/leaf.pem" -pubkey -noout |
	    openssl pkey -pubin -outform der |
	    openssl dgst -sha256 -binary | base64 >"$d/leaf.pin"
}

setup() {
	TMP=$BATS_TEST_TMPDIR
	SOCKDIR=$TMP
	BG_PIDS=()
	C=$BATS_FILE_TMPDIR
	# Where start_s_server finds the leaf.
	CERTS=$C
}

# tls_listener NAME CERT KEY ARGS...: sockit listen --tls on a free port.
tls_listener() {
	start_listener "$1" --tls --cert "$2" --key "$3" "${@:4}" 127.0.0.1:0
}

# py_server NAME MODE [TLSMAX]: a python3 ssl server with the leaf; prints
# its port, then what it saw. MODE: info (SNI and ALPN, then a reply
# and close_notify), halfclose (the reply only after our close_notify),
# watch (how our end came: clean, without close_notify, or a reset),
# cut (data, then the socket closes without close_notify, which
# Python's close() never sends).
py_server() {
	cat >"$TMP/$1.py" <<'PY'
import socket, ssl, sys
cert, key, mode, tlsmax = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if tlsmax == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.set_alpn_protocols(["h2", "http/1.1"])
seen = []
ctx.sni_callback = lambda s, name, c: seen.append(name)
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
c, _ = ls.accept()
s = ctx.wrap_socket(c, server_side=True, suppress_ragged_eofs=False)
print("sni", (seen[0] if seen else None) or "none", "alpn",
      s.selected_alpn_protocol(), "version", s.version(), flush=True)
if mode == "info":
    s.recv(100)
    s.sendall(b"reply\n")
    s.unwrap()
elif mode == "halfclose":
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    print("eof after", len(got), flush=True)
    s.sendall(b"after eof: %d\n" % len(got))
    s.unwrap()
elif mode == "watch":
    try:
        while s.recv(65536):
            pass
        print("clean eof", flush=True)
    except ssl.SSLEOFError:
        print("eof without close_notify", flush=True)
    except ConnectionResetError:
        print("reset", flush=True)
elif mode == "cut":
    # Our close_notify is read first: a close with it unread is a reset.
    s.sendall(b"partial\n")
    while s.recv(65536):
        pass
    s.close()
PY
	bg "$1" python3 "$TMP/$1.py" "$C/leaf.pem" "$C/leaf.key" "$2" "${3:-}"
	wait_for_line "$TMP/$1.out" '^[0-9]+$' 10
	PY_PORT=$(head -n 1 "$TMP/$1.out")
}

@test "connect --tls verifies openssl s_server's certificate with --cafile" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr bash -c "printf 'GET / HTTP/1.0\r\n\r\n' |
	    \"\$SOCKIT\" connect --tls --cafile '$C/ca.pem' localhost:$S_PORT"
	assert_success
	[[ "${lines[0]}" == "HTTP/1.0 200 ok"* ]]
	[ -z "$stderr" ]
}

@test "tls:// is --tls, and --ssl is its ncat spelling" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr bash -c "printf 'GET / HTTP/1.0\r\n\r\n' |
	    \"\$SOCKIT\" connect --cafile '$C/ca.pem' tls://localhost:$S_PORT"
	assert_success
	[[ "${lines[0]}" == "HTTP/1.0 200 ok"* ]]
	start_s_server srv2 -naccept 1 -www
	run --separate-stderr bash -c "printf 'GET / HTTP/1.0\r\n\r\n' |
	    \"\$SOCKIT\" connect --ssl --cafile '$C/ca.pem' localhost:$S_PORT"
	assert_success
	[[ "${lines[0]}" == "HTTP/1.0 200 ok"* ]]
}

@test "an unknown CA fails with its constant, the issuer and what to do" {
	start_s_server srv -naccept 1 -www
	run --separate-stderr sockit connect --tls "localhost:$S_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: tls handshake with 127.0.0.1:$S_PORT: unable to get local issuer certificate (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)"
	assert_stderr_contains "issuer CN=sockit test CA"
	assert_stderr_contains "--cafile"
	assert_stderr_contains "--insecure"
	[ -z "$output" ]
}

@test "a self-signed server fails with DEPTH_ZERO_SELF_SIGNED_CERT" {
	tls_listener srv "$C/self.pem" "$C/self.key"
	run --separate-stderr sockit connect --tls "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)"
	assert_stderr_contains "--pin"
}

@test "--insecure connects to a self-signed server and warns that it checks nothing" {
	echo secret >"$TMP/srv.in"
	tls_listener srv "$C/self.pem" "$C/self.key"
	run --separate-stderr sockit connect --tls --insecure "localhost:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = secret ]
	assert_stderr_contains "sockit: warning: --insecure: the certificate of 127.0.0.1:$LISTEN_PORT is not checked"
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "an expired certificate fails with its dates and the clock" {
	tls_listener srv "$C/expired.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "certificate has expired (X509_V_ERR_CERT_HAS_EXPIRED)"
	assert_stderr_contains "the certificate is valid from "
	assert_stderr_contains "the clock here says "
	# The server hears of it as the alert our side sent.
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/srv.err" "the peer sent alert certificate expired"
	# --trace names the verify result and the alert.
	tls_listener srv2 "$C/expired.pem" "$C/leaf.key"
	run --separate-stderr sockit connect -t --tls --cafile "$C/ca.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "SSL_connect(3) = -1 SSL_ERROR_SSL [X509_V_ERR_CERT_HAS_EXPIRED: certificate has expired]"
	assert_stderr_contains "--- alert sent: certificate expired (fatal) ---"
}

@test "a name mismatch lists the names the certificate has" {
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" --verify-name www.example.org "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_HOSTNAME_MISMATCH)"
	assert_stderr_contains "asked for www.example.org; the certificate names DNS:localhost, IP:127.0.0.1"
}

@test "an IP literal is checked against the IP SANs" {
	echo ok >"$TMP/srv.in"
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = ok ]
	tls_listener srv2 "$C/self.pem" "$C/self.key"
	run --separate-stderr sockit connect --tls --cafile "$C/self.pem" "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_IP_ADDRESS_MISMATCH)"
	assert_stderr_contains "the certificate names DNS:localhost"
}

@test "a certificate without SANs: its CN is checked, and -v and a mismatch say so [long]" {
	echo by-cn >"$TMP/srv.in"
	tls_listener srv "$C/nosan.pem" "$C/nosan.key"
	run --separate-stderr sockit connect -v --tls --cafile "$C/nosan.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = by-cn ]
	assert_stderr_contains "sockit: tls: names none (no DNS name, so a host name is checked against the subject's CN=localhost; browsers ignore the CN)"
	refute grep -q "CN:" <<<"$stderr"
	tls_listener srv2 "$C/nosan.pem" "$C/nosan.key"
	run --separate-stderr sockit connect --tls --cafile "$C/nosan.pem" --verify-name www.example.org "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_HOSTNAME_MISMATCH)"
	assert_stderr_contains "asked for www.example.org; the certificate names none (no DNS name, so a host name is checked against the subject's CN=localhost"
	refute grep -q "CN:" <<<"$stderr"
	tls_listener srv3 "$C/nosan.pem" "$C/nosan.key"
	run --separate-stderr sockit connect --json --tls --cafile "$C/nosan.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_success
	assert_stderr_contains '"names": "", "host_cn": "localhost"'
}

@test "--pin alone accepts the pinned key, and a wrong pin names both" {
	echo pinned >"$TMP/srv.in"
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --pin "sha256:$(cat "$C/leaf.pin")" "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = pinned ]
	tls_listener srv2 "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --pin sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "pin mismatch"
	assert_stderr_contains "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	assert_stderr_contains "sha256:$(cat "$C/leaf.pin")"
}

@test "-v tells the version, cipher, ALPN and the certificate, with the pin --pin takes" {
	py_server srv info
	run --separate-stderr sockit connect -v --tls --cafile "$C/ca.pem" --alpn h2,http/1.1 "localhost:$PY_PORT" <<<"hello"
	assert_success
	[ "$output" = reply ]
	assert_stderr_contains "sockit: tls: TLSv1.3, TLS_"
	assert_stderr_contains ", alpn h2, new session"
	assert_stderr_contains "sockit: tls: subject CN=localhost"
	assert_stderr_contains "sockit: tls: issuer CN=sockit test CA"
	assert_stderr_contains "sockit: tls: names DNS:localhost, IP:127.0.0.1"
	assert_stderr_contains "sockit: tls: valid from "
	fp=$(openssl x509 -in "$C/leaf.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
	assert_stderr_contains "sockit: tls: sha256 $fp"
	assert_stderr_contains "sockit: tls: pin sha256:$(cat "$C/leaf.pin")"
	wait_for_exit "$BG_PID"
	assert_file_contains "$TMP/srv.out" "sni localhost alpn h2"
}

@test "SNI is the host's name, none for an IP literal, --sni's, or none with --no-sni [long]" {
	py_server srv info
	run sockit connect --tls --cafile "$C/ca.pem" --sni other.example --verify-name localhost "127.0.0.1:$PY_PORT" <<<"x"
	assert_success
	wait_for_exit "$BG_PID"
	assert_file_contains "$TMP/srv.out" "sni other.example"
	py_server srv2 info
	run sockit connect --tls --cafile "$C/ca.pem" "127.0.0.1:$PY_PORT" <<<"x"
	assert_success
	wait_for_exit "$BG_PID"
	assert_file_contains "$TMP/srv2.out" "sni none"
	py_server srv3 info
	run sockit connect --tls --cafile "$C/ca.pem" --no-sni "localhost:$PY_PORT" <<<"x"
	assert_success
	wait_for_exit "$BG_PID"
	assert_file_contains "$TMP/srv3.out" "sni none"
}

@test "--json reports one tls event, and the closed event [long]" {
	py_server srv info
	run --separate-stderr sockit connect --json --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" <<<"hello"
	assert_success
	tls=$(grep '"event": "tls"' <<<"$stderr")
	[ "$(jq -r .version <<<"$tls")" = TLSv1.3 ]
	[ "$(jq -r .alpn <<<"$tls")" = "" ]
	[ "$(jq -r .verified <<<"$tls")" = true ]
	[ "$(jq -r .subject <<<"$tls")" = CN=localhost ]
	[ "$(jq -r .pin <<<"$tls")" = "sha256:$(cat "$C/leaf.pin")" ]
	[[ "$(jq -r .sha256 <<<"$tls")" == *:*:* ]]
	[ "$(grep -c '"event": "tls"' <<<"$stderr")" -eq 1 ]
	closed=$(grep '"event": "closed"' <<<"$stderr")
	[ "$(jq -r .truncated <<<"$closed")" = null ]
}

@test "the peer's close_notify is EOF; with TLS 1.3 stdin's EOF sends close_notify and the answer still comes" {
	py_server srv halfclose
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" <<<"twelve bytes"
	assert_success
	[ "$output" = "after eof: 13" ]
	wait_for_exit "$BG_PID"
	assert_file_contains "$TMP/srv.out" "eof after 13"
}

@test "with TLS 1.2 stdin's EOF sends nothing and the reply is read to the peer's close_notify" {
	py_server srv info 1.2
	run --separate-stderr sockit -t connect --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" <<<"hello"
	assert_success
	[ "$output" = reply ]
	assert_stderr_contains "SSL_connect(3) = 1 [TLSv1.2, "
	assert_stderr_contains "= 0 [close_notify]"
	# Our close_notify only answers the peer's, after its end was read.
	refute grep -q "^SSL_shutdown" <<<"$(sed '/\[close_notify\]$/,$d' <<<"$stderr")"
}

@test "an end without close_notify is a warning and \"truncated\" in --json, the status unchanged [long]" {
	py_server srv cut
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" </dev/null
	assert_success
	[ "$output" = partial ]
	assert_stderr_contains "sockit: warning: tls: 127.0.0.1:$PY_PORT closed without close_notify: the data may be truncated"
	py_server srv2 cut
	run --separate-stderr sockit connect --json --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" </dev/null
	assert_success
	closed=$(grep '"event": "closed"' <<<"$stderr")
	[ "$(jq -r .truncated <<<"$closed")" = true ]
}

@test "a signal ends the session without close_notify, so the part is not taken for the whole" {
	py_server srv watch
	local py=$BG_PID
	mkfifo "$TMP/cli.in"
	bg cli "$SOCKIT" connect --tls --cafile "$C/ca.pem" "localhost:$PY_PORT"
	local cli=$BG_PID
	exec 7>"$TMP/cli.in"
	printf 'the first part\n' >&7
	wait_for_line "$TMP/srv.out" '^sni '
	kill -TERM "$cli"
	wait_for_exit "$cli"
	exec 7>&-
	[ "$EXIT_STATUS" -eq 143 ]
	wait_for_exit "$py"
	refute grep -q "clean eof" "$TMP/srv.out"
	grep -qE "^(eof without close_notify|reset)$" "$TMP/srv.out"
}

@test "--trace shows the SSL calls above the socket calls" {
	py_server srv info
	run --separate-stderr sockit connect -t --tls --cafile "$C/ca.pem" --alpn h2 "localhost:$PY_PORT" <<<"GET / HTTP/1.0"
	assert_success
	grep -qE '^SSL_connect\(3\) = 1 \[TLSv1\.3, TLS_[A-Z0-9_]+, alpn "h2"\]$' <<<"$stderr"
	assert_stderr_contains 'SSL_write(3, "GET / HTTP/1.0\n", 15) = 15'
	grep -qE '^SSL_read\(3, \.\.\., [0-9]+\) = 0 \[close_notify\]$' <<<"$stderr"
	assert_stderr_contains "--- alert received: close notify (warning) ---"
	grep -qE '^send\(3, ".*, [0-9]+, MSG_NOSIGNAL\) = [0-9]+$' <<<"$stderr"
	grep -qE '^recv\(3, ".*, [0-9]+, 0\) = [0-9]+$' <<<"$stderr"
}

@test "a received alert is named: protocol version" {
	start_s_server srv -naccept 1 -www -tls1_3
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" --tls-max 1.2 "localhost:$S_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: tls handshake with 127.0.0.1:$S_PORT: the peer sent alert protocol version"
	assert_stderr_contains "--tls-min and --tls-max"
}

@test "a server that wants a client certificate: alert certificate required, then --cert works" {
	start_s_server srv -naccept 1 -rev -Verify 1 -CAfile "$C/ca.pem"
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "localhost:$S_PORT" <<<"hello"
	assert_status 1
	assert_stderr_contains "sockit: tls handshake with 127.0.0.1:$S_PORT: the peer sent alert certificate required"
	assert_stderr_contains "--cert FILE --key FILE"
	start_s_server srv2 -naccept 1 -rev -Verify 1 -CAfile "$C/ca.pem"
	run --separate-stderr sockit connect -q 2 --tls --cafile "$C/ca.pem" --cert "$C/leaf.pem" --key "$C/leaf.key" "localhost:$S_PORT" <<<"hello"
	assert_success
	[ "$output" = olleh ]
}

@test "a plain-text peer on a TLS port: the peer does not speak TLS" {
	printf 'HTTP/1.0 200 OK\r\n\r\n' >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "the peer does not speak TLS"
}

@test "listen --tls tells a plain-text client it sent plain text, not TLS" {
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run curl -sS --max-time 10 "http://127.0.0.1:$LISTEN_PORT/"
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/srv.err" "sockit: tls handshake with 127.0.0.1:"
	assert_file_contains "$TMP/srv.err" "sent plain text, not TLS"
}

@test "listen --tls serves curl --cacert, and -v tells the handshake" {
	printf 'HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n' >"$TMP/srv.in"
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr curl -sS --max-time 10 --cacert "$C/ca.pem" "https://localhost:$LISTEN_PORT/"
	assert_success
	[ "$output" = hello ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	assert_file_contains "$TMP/srv.out" "GET / HTTP/1.1"
	assert_file_contains "$TMP/srv.err" "sockit: tls: TLSv1.3, "
}

@test "listen --tls -k serves openssl s_client twice" {
	tls_listener srv "$C/leaf.pem" "$C/leaf.key" -k
	for word in first second; do
		run bash -c "echo $word | timeout 10 openssl s_client -quiet \
		    -verify_return_error -CAfile '$C/ca.pem' \
		    -connect 127.0.0.1:$LISTEN_PORT -servername localhost"
		assert_success
	done
	wait_for_line "$TMP/srv.out" '^second$'
	assert_file_contains "$TMP/srv.out" first
}

@test "recv --tls prints what a TLS client sends, byte for byte" {
	random_file "$TMP/data" 8
	start_recv rcv --tls --cert "$C/leaf.pem" --key "$C/leaf.key" 127.0.0.1:0
	run sockit send --tls --cafile "$C/ca.pem" -f "$TMP/data" "localhost:$RECV_PORT"
	assert_success
	wait_for_exit "$RECV_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/rcv.out")" = "$(checksum "$TMP/data")" ]
}

@test "connect --tls to listen --tls: 16 MiB each way, byte for byte [long]" {
	random_file "$TMP/srv.in" 16
	random_file "$TMP/up" 16
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run bash -c "\"\$SOCKIT\" connect --tls --cafile '$C/ca.pem' localhost:$LISTEN_PORT < '$TMP/up' > '$TMP/down'"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/down")" = "$(checksum "$TMP/srv.in")" ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/up")" ]
}

@test "SSLKEYLOGFILE gets the session keys, mode 0600, and -v says so" {
	py_server srv info
	run --separate-stderr env SSLKEYLOGFILE="$TMP/keys.log" "$SOCKIT" connect -v --tls --cafile "$C/ca.pem" "localhost:$PY_PORT" <<<"x"
	assert_success
	assert_stderr_contains "sockit: tls: session keys are logged to $TMP/keys.log (SSLKEYLOGFILE)"
	grep -q '^CLIENT_TRAFFIC_SECRET_0 ' "$TMP/keys.log"
	[ "$(stat -c %a "$TMP/keys.log")" = 600 ]
}

@test "--show-certs prints the chain in PEM on stderr, -x dumps the plain text" {
	echo hello-back >"$TMP/srv.in"
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect -x --show-certs --tls --cafile "$C/ca.pem" "localhost:$LISTEN_PORT" <<<"hello-there"
	assert_success
	[ "$output" = hello-back ]
	assert_stderr_contains "-----BEGIN CERTIFICATE-----"
	sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' <<<"$stderr" >"$TMP/shown.pem"
	[ "$(openssl x509 -in "$TMP/shown.pem" -noout -fingerprint -sha256)" = "$(openssl x509 -in "$C/leaf.pem" -noout -fingerprint -sha256)" ]
	assert_stderr_contains "hello-there"
	assert_stderr_contains "hello-back"
}

@test "a client certificate with an encrypted key and --key-pass-file" {
	openssl pkey -in "$C/leaf.key" -aes256 -passout pass:sesame -out "$TMP/enc.key"
	echo sesame >"$TMP/pass"
	start_s_server srv -naccept 1 -rev -Verify 1 -CAfile "$C/ca.pem"
	run --separate-stderr sockit connect -q 2 --tls --cafile "$C/ca.pem" --cert "$C/leaf.pem" --key "$TMP/enc.key" --key-pass-file "$TMP/pass" "localhost:$S_PORT" <<<"abc"
	assert_success
	[ "$output" = cba ]
	echo wrong >"$TMP/pass"
	run --separate-stderr sockit connect --tls --cafile "$C/ca.pem" --cert "$C/leaf.pem" --key "$TMP/enc.key" --key-pass-file "$TMP/pass" localhost:1
	assert_status 1
	assert_stderr_contains "load $TMP/enc.key: "
}

@test "--capath trusts a hashed directory of CAs" {
	mkdir "$TMP/cas"
	cp "$C/ca.pem" "$TMP/cas/"
	openssl rehash "$TMP/cas"
	echo via-capath >"$TMP/srv.in"
	tls_listener srv "$C/leaf.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --tls --capath "$TMP/cas" "localhost:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = via-capath ]
}

@test "tls+unix: is TLS over a unix stream socket, checked by --verify-name" {
	echo over-unix >"$TMP/srv.in"
	start_listener srv --tls --cert "$C/leaf.pem" --key "$C/leaf.key" "unix:$SOCKDIR/t.sock"
	run --separate-stderr sockit connect --cafile "$C/ca.pem" --verify-name localhost "tls+unix:$SOCKDIR/t.sock" </dev/null
	assert_success
	[ "$output" = over-unix ]
	run --separate-stderr sockit connect -u "tls+unix:$SOCKDIR/t.sock"
	assert_status 2
	assert_stderr_contains "-u contradicts tls+unix:"
}

@test "send --tls -r sends its words and prints the reply" {
	start_s_server srv -naccept 1 -rev
	run --separate-stderr sockit send -r -q 2 --tls --cafile "$C/ca.pem" "localhost:$S_PORT" hello
	assert_success
	[ "$output" = olleh ]
}

@test "a handshake that gets no answer ends at -w with 124" {
	start_listener silent --shutdown none 127.0.0.1:0
	run --separate-stderr sockit connect -w 0.5 --tls "localhost:$LISTEN_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "sockit: tls handshake with 127.0.0.1:$LISTEN_PORT: no answer within 0.5 s (-w)"
}

@test "--json reports a failed handshake as an error named by its constant" {
	tls_listener srv "$C/expired.pem" "$C/leaf.key"
	run --separate-stderr sockit connect --json --tls --cafile "$C/ca.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_status 1
	err=$(grep '"event": "error"' <<<"$stderr")
	[ "$(jq -r .error <<<"$err")" = X509_V_ERR_CERT_HAS_EXPIRED ]
	[[ "$(jq -r .operation <<<"$err")" == "tls handshake with 127.0.0.1:"* ]]
	[[ "$(jq -r .message <<<"$err")" == *"the clock here says"* ]]
}

@test "TLS usage errors name the bad part" {
	run --separate-stderr sockit connect --cafile "$C/ca.pem" localhost:443
	assert_status 2
	assert_stderr_contains "--cafile needs --tls"
	run --separate-stderr sockit connect -u --tls localhost:443
	assert_status 2
	assert_stderr_contains "DTLS"
	run --separate-stderr sockit connect --tls unix-dgram:/tmp/x
	assert_status 2
	run --separate-stderr sockit connect --tls --sni a --no-sni localhost:443
	assert_status 2
	assert_stderr_contains "--sni and --no-sni contradict each other"
	run --separate-stderr sockit connect --tls --tls-min 1.1 localhost:443
	assert_status 2
	assert_stderr_contains "bad value '1.1' for --tls-min"
	run --separate-stderr sockit connect --tls --tls-min 1.3 --tls-max 1.2 localhost:443
	assert_status 2
	assert_stderr_contains "--tls-min 1.3 is above --tls-max 1.2"
	run --separate-stderr sockit connect --tls --key "$C/leaf.key" localhost:443
	assert_status 2
	assert_stderr_contains "--key needs --cert"
	run --separate-stderr sockit connect --tls --cafile "$TMP/absent.pem" localhost:443
	assert_status 2
	assert_stderr_contains "cannot read --cafile $TMP/absent.pem: No such file or directory"
	run --separate-stderr sockit connect --tls --pin sha256:abc localhost:443
	assert_status 2
	assert_stderr_contains "bad --pin"
	run --separate-stderr sockit connect --tls --ciphers NOSUCHCIPHER localhost:443
	assert_status 2
	assert_stderr_contains "bad --ciphers"
	run --separate-stderr sockit listen --tls --verify-client 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--verify-client needs --cafile or --capath"
}

@test "--alpn errors name the bad name and come before any socket" {
	local long
	long=$(printf '%0300d' 0)
	run --separate-stderr sockit connect --trace --tls --alpn 'h2,' localhost:443
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 2 of 2 is empty (a comma ends the list)"
	refute grep -q "socket(" <<<"$stderr"
	run --separate-stderr sockit connect --tls --alpn ',,' localhost:443
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 1 of 3 is empty"
	run --separate-stderr sockit connect --tls --alpn '' localhost:443
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 1 of 1 is empty (the list is empty)"
	run --separate-stderr sockit connect --tls --alpn "h2,$long" localhost:443
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 2 is 300 bytes, over ALPN's 255"
	run --separate-stderr sockit connect --tls --alpn 'h2, http/1.1' localhost:443
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 2 has a space, 0x20 at byte 1"
	run --separate-stderr sockit listen --tls --cert "$C/leaf.pem" --key "$C/leaf.key" --alpn "$(printf 'h2\001')" 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "bad --alpn: protocol name 1 has 0x01 at byte 3"
}

@test "an empty name, file or list for a TLS option is a usage error naming it" {
	local opt
	run --separate-stderr sockit connect --trace --tls --sni '' localhost:443
	assert_status 2
	assert_stderr_contains "--sni is empty: it takes a NAME (to send no server name, use --no-sni)"
	refute grep -q "socket(" <<<"$stderr"
	run --separate-stderr sockit connect --tls --verify-name '' localhost:443
	assert_status 2
	assert_stderr_contains "--verify-name is empty: it takes a NAME"
	run --separate-stderr sockit connect --tls --ciphersuites '' localhost:443
	assert_status 2
	assert_stderr_contains "--ciphersuites is empty: it takes a LIST (to speak no TLS 1.3, use --tls-max 1.2)"
	for opt in cafile capath cert key-pass-file pin ciphers; do
		run --separate-stderr sockit connect --tls "--$opt" '' localhost:443
		assert_status 2
		assert_stderr_contains "--$opt is empty: it takes a "
	done
	run --separate-stderr sockit connect --tls --cert "$C/leaf.pem" --key '' localhost:443
	assert_status 2
	assert_stderr_contains "--key is empty: it takes a FILE"
	run --separate-stderr sockit listen --tls --cert '' 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--cert is empty: it takes a FILE"
}

@test "a build without TLS refuses TLS with how to get it (make NO_TLS=1)" {
	# make check links one beside sockit (build/*/sockit-notls).
	local notls=${SOCKIT_NOTLS:-$BATS_TEST_DIRNAME/../build/release-notls/sockit}
	[ -x "$notls" ] || skip "no $notls: make NO_TLS=1, or run make check"
	run "$notls" --version
	assert_output_contains "tls=no"
	run --separate-stderr "$notls" connect --tls localhost:443
	assert_status 2
	assert_stderr_contains "this sockit was built without TLS"
	assert_stderr_contains "apt-get install libssl-dev"
	run --separate-stderr "$notls" connect tls://localhost:443
	assert_status 2
	assert_stderr_contains "built without TLS"
}
