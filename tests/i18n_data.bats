#!/usr/bin/env bats
# tests/i18n_data.bats: connect's notes and TLS failures speak Spanish under --lang es or LANGUAGE=es, and --json stays English.
load test_helper

@test "--lang es: connect -v says connected and counts the bytes in Spanish, one byte in the singular" {
	printf x >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --lang es connect -v \
	    "127.0.0.1:$LISTEN_PORT" <<<hola
	assert_success
	[ "$output" = x ]
	assert_stderr_contains "sockit: conectado a 127.0.0.1:$LISTEN_PORT desde 127.0.0.1:"
	assert_stderr_contains "sockit: 5 bytes enviados, 1 byte recibido en "
}

@test "LANGUAGE=es: a self-signed server's certificate fails in Spanish, with the check's name and the certificate's facts" {
	start_listener srv --tls 127.0.0.1:0
	export LANGUAGE=es LC_ALL=C.UTF-8
	run --separate-stderr sockit connect --tls "127.0.0.1:$LISTEN_PORT" \
	    </dev/null
	assert_status 1
	assert_stderr_contains "sockit: negociación TLS con 127.0.0.1:$LISTEN_PORT: certificado autofirmado (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)"
	assert_stderr_contains "  emisor CN=sockit ephemeral certificate; sujeto CN=sockit ephemeral certificate"
}

@test "--lang es --json: the same failure is English for the machine that reads it" {
	start_listener srv --tls 127.0.0.1:0
	run --separate-stderr sockit --lang es connect --json --tls \
	    "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "\"operation\": \"tls handshake with 127.0.0.1:$LISTEN_PORT\""
	assert_stderr_contains "\"message\": \"self-signed certificate; issuer CN=sockit ephemeral certificate; subject CN=sockit ephemeral certificate\""
	refute grep -q 'negociación\|autofirmado\|emisor' <<<"$stderr"
}
