# tests/tls_helper.bash: what the TLS test files share: the certificates of tests/tls_certs.sh and the pins openssl computes.

# Where the TLS helpers live, also for a file under tests/long.
TLS_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# pin_of CERT: the pin of CERT's public key, as openssl computes it.
pin_of() {
	echo "sha256:$(openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform der |
	    openssl dgst -sha256 -binary | base64)"
}

# fingerprint_of CERT: CERT's SHA-256 fingerprint, as openssl prints it.
fingerprint_of() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

# tls_setup_file: for a file's setup_file: makes the certificates in
# $CERTS once, or sets NO_TLS for a build without TLS (bats 1.8 cannot
# skip from setup_file: tls_setup skips each test instead).
tls_setup_file() {
	if "$SOCKIT" --version | grep -q '^features:.* tls=no'; then
		export NO_TLS="built without TLS (features: tls=no)"
		return 0
	fi
	export CERTS=$BATS_FILE_TMPDIR/certs
	sh "$TLS_TESTS/tls_certs.sh" "$CERTS"
	export TLS_PEER=$TLS_TESTS/tls_peer.py
}

# tls_setup: for a file's setup.
tls_setup() {
	common_setup
	[ -z "${NO_TLS:-}" ] || skip "$NO_TLS"
}
