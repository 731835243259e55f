#!/usr/bin/env bats
# tests/starttls.bats: --starttls for smtp, imap, pop3, ftp and postgres against tests/starttls_server.py: the upgrade, the refusals, odd servers, and the checks of --tls after it.
load test_helper
load tls_helper

STARTTLS_SERVER=$BATS_TEST_DIRNAME/starttls_server.py

setup_file() {
	tls_setup_file
}

setup() {
	tls_setup
}

# serve PROTO MODE: tests/starttls_server.py in the background, as srv;
# sets SRV_PID and SRV_PORT once it printed its port.
serve() {
	bg srv python3 "$STARTTLS_SERVER" "$1" "$2" "$CERTS/leaf.pem" \
	    "$CERTS/leaf.key"
	SRV_PID=$BG_PID
	wait_for_line "$TMP/srv.out" '^port [0-9]+$' 20
	SRV_PORT=$(sed -n 's/^port //p' "$TMP/srv.out")
}

# upgrade PROTO: data round-trips through the echo behind PROTO's
# preamble, checked against the CA that signed the server's certificate.
upgrade() {
	serve "$1" ok
	run --separate-stderr sockit connect --starttls "$1" \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" \
	    <<<"hello over $1"
	assert_success
	[ "$output" = "hello over $1" ]
	wait_for_exit "$SRV_PID" 20
	assert_file_contains "$TMP/srv.out" "tls TLSv1.3"
}

# refused PROTO ANSWER: the server's no ends sockit with 1 and the
# answer quoted.
refused() {
	serve "$1" refuse
	run --separate-stderr sockit connect --starttls "$1" \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" <<<"never sent"
	assert_status 1
	assert_stderr_contains "sockit: starttls $1 with 127.0.0.1:$SRV_PORT: the server refused: $2"
	[ -z "$output" ]
}

@test "smtp: EHLO, STARTTLS, then data round-trips over TLS [long]" {
	upgrade smtp
	assert_file_contains "$TMP/srv.out" "got b'EHLO [127.0.0.1]\\r\\n'"
	assert_file_contains "$TMP/srv.out" "got b'STARTTLS\\r\\n'"
}

@test "imap: a tagged STARTTLS after untagged lines, then TLS [long]" {
	upgrade imap
	assert_file_contains "$TMP/srv.out" "got b'S1 STARTTLS\\r\\n'"
}

@test "pop3: STLS, then TLS [long]" {
	upgrade pop3
	assert_file_contains "$TMP/srv.out" "got b'STLS\\r\\n'"
}

@test "ftp: AUTH TLS after a multi-line greeting, then TLS [long]" {
	upgrade ftp
	assert_file_contains "$TMP/srv.out" "got b'AUTH TLS\\r\\n'"
}

@test "postgres: the 8-byte SSLRequest, S, then TLS [long]" {
	upgrade postgres
	assert_file_contains "$TMP/srv.out" \
	    "got b'\\x00\\x00\\x00\\x08\\x04\\xd2\\x16/'"
}

@test "an IMAP greeting of BYE turns the session away, and the hint says so, not that TLS is off" {
	serve imap bye
	run --separate-stderr sockit connect --starttls imap \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains 'the server refused: "* BYE too many sessions, come back later\r\n"'
	assert_stderr_contains "the server refused the session before TLS came up"
	refute grep -q 'offers no TLS' <<<"$stderr"
}

@test "smtp's 454 exits 1 with the answer quoted" {
	refused smtp '"454 4.7.0 TLS not available due to temporary reason\r\n"'
}

@test "imap's NO exits 1 with the answer quoted" {
	refused imap '"S1 NO STARTTLS is off today\r\n"'
}

@test "pop3's -ERR exits 1 with the answer quoted" {
	refused pop3 '"-ERR command not permitted\r\n"'
}

@test "ftp's 534 exits 1 with the answer quoted" {
	refused ftp '"534 Local policy on server does not allow TLS\r\n"'
}

@test "postgres's N exits 1 with the answer quoted [long]" {
	refused postgres '"N"'
}

@test "a server that speaks another protocol exits 1 with what it said [long]" {
	serve smtp odd
	run --separate-stderr sockit connect --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains 'the server does not speak smtp here; it said: "HTTP/1.1 400 Bad Request\r\n"'
	assert_stderr_contains "try --tls"
}

@test "a server that hangs up instead of answering exits 1 [long]" {
	serve imap close
	run --separate-stderr sockit connect --starttls imap \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "starttls imap with 127.0.0.1:$SRV_PORT: the server closed the connection without an answer"
}

@test "-w limits the wait for a server that says nothing" {
	serve smtp silent
	run --separate-stderr sockit connect -w 1 --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "starttls smtp with 127.0.0.1:$SRV_PORT: no answer within 1 s (-w)"
}

@test "-w limits the wait for an answer that comes a byte at a time [long]" {
	serve smtp trickle
	run --separate-stderr sockit connect -w 1 --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "starttls smtp with 127.0.0.1:$SRV_PORT: no answer within 1 s (-w)"
}

@test "bytes sent after the answer, before TLS, are refused [long]" {
	serve smtp early
	run --separate-stderr sockit connect --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains 'the server sent more than its answer before its turn: "250 injected\r\n"'
	wait_for_exit "$SRV_PID" 20
	refute grep -q '^tls ' "$TMP/srv.out"
}

@test "after the upgrade the certificate is checked as --tls checks it [long]" {
	serve pop3 ok
	run --separate-stderr sockit connect --starttls pop3 \
	    --cafile "$CERTS/ca2.pem" "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: tls handshake with 127.0.0.1:$SRV_PORT:"
	assert_stderr_contains "(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)"
}

@test "the name checked is the host typed, not the address [long]" {
	serve smtp ok
	run --separate-stderr sockit connect --starttls smtp \
	    --cafile "$CERTS/ca.pem" --verify-name mail.example \
	    "localhost:$SRV_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(X509_V_ERR_HOSTNAME_MISMATCH)"
	assert_stderr_contains "asked for mail.example"
}

@test "-v shows the preamble both ways, then the TLS facts [long]" {
	serve smtp ok
	run --separate-stderr sockit connect -v --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_success
	assert_stderr_contains 'sockit: starttls: < "220 mail.test ESMTP ready"'
	assert_stderr_contains 'sockit: starttls: > "EHLO [127.0.0.1]"'
	assert_stderr_contains 'sockit: starttls: < "250-STARTTLS"'
	assert_stderr_contains 'sockit: starttls: > "STARTTLS"'
	assert_stderr_contains 'sockit: starttls: < "220 2.0.0 go ahead"'
	assert_stderr_contains "sockit: tls: TLSv1.3"
}

@test "--json tells the answer that agreed in a starttls event [long]" {
	serve imap ok
	run --separate-stderr sockit connect --json --starttls imap \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_success
	[ "$(jq -r 'select(.event == "starttls") | .protocol' <<<"$stderr")" = imap ]
	[ "$(jq -c 'select(.event == "starttls") | .answer' <<<"$stderr")" = \
	    '"* CAPABILITY IMAP4rev1\r\nS1 OK begin TLS now\r\n"' ]
	[ "$(jq -r 'select(.event == "tls") | .version' <<<"$stderr")" = TLSv1.3 ]
}

@test "--trace shows the plain-text lines before SSL_connect [long]" {
	serve imap ok
	run --separate-stderr sockit --trace connect --starttls imap \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" </dev/null
	assert_success
	local tagged connect
	tagged=$(grep -n '^send(3, "S1 STARTTLS\\r\\n", 13, MSG_NOSIGNAL) = 13$' \
	    <<<"$stderr" | cut -d: -f1)
	connect=$(grep -n '^SSL_connect(3) = 1' <<<"$stderr" | cut -d: -f1)
	[ -n "$tagged" ] && [ -n "$connect" ]
	((tagged < connect))
	assert_stderr_contains 'recv(3, "* OK [CAPABILITY IMAP4rev1 START"...'
}

@test "-C sends CR LF over the upgraded connection [long]" {
	serve smtp ok
	run --separate-stderr sockit connect -C --starttls smtp \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" <<<"QUIT"
	assert_success
	[ "$output" = $'QUIT\r' ]
}

@test "send --starttls sends over the upgraded connection [long]" {
	serve pop3 ok
	run --separate-stderr sockit send -r --starttls pop3 \
	    --cafile "$CERTS/ca.pem" "localhost:$SRV_PORT" "sent once"
	assert_success
	[ "$output" = "sent once" ]
	wait_for_exit "$SRV_PID" 20
	assert_file_contains "$TMP/srv.out" "tls TLSv1.3"
}

@test "an unknown --starttls protocol is a usage error that lists the known" {
	run --separate-stderr sockit connect --starttls xmpp localhost:5222
	assert_status 2
	assert_stderr_contains "bad value 'xmpp' for --starttls: one of smtp|imap|pop3|ftp|postgres"
}

@test "--starttls with --tls or tls:// is a usage error" {
	run --separate-stderr sockit connect --starttls smtp --tls \
	    localhost:25
	assert_status 2
	assert_stderr_contains "--starttls upgrades a plain connection: it contradicts --tls"
	run --separate-stderr sockit connect --starttls smtp \
	    tls://localhost:465
	assert_status 2
	assert_stderr_contains "contradicts a tls:// endpoint"
}

@test "--starttls with -u or a unix datagram endpoint is a usage error" {
	run --separate-stderr sockit connect -u --starttls smtp localhost:25
	assert_status 2
	assert_stderr_contains "TLS needs a stream"
	run --separate-stderr sockit connect --starttls smtp \
	    "unix-dgram:$SOCKDIR/x.sock"
	assert_status 2
	assert_stderr_contains "TLS needs a stream"
}

@test "--starttls is for the client side" {
	run --separate-stderr sockit listen --starttls smtp 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--starttls is for the client side (connect, send)"
}
