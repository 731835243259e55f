# tests/tls_helper.bash: what the TLS test files share: the certificates of tests/tls_certs.sh, the pins openssl computes and openssl s_server started on a free port.

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

# start_s_server NAME ARGS...: `openssl s_server ARGS` in the background
# (bg NAME, so teardown ends it), on 127.0.0.1 port 0 with $CERTS/leaf.pem
# unless ARGS has a -cert of its own; sets S_PORT once its ACCEPT line
# names the port, which it prints only after listen(2), so a client may
# connect at once. Each test names its kind of server in ARGS (-www or
# -rev, -naccept 1, -Verify ...), so the call shows what it talks to.
start_s_server() {
	local name=$1 arg line cert=(-cert "$CERTS/leaf.pem"
	    -key "$CERTS/leaf.key")
	shift
	for arg; do
		[ "$arg" != -cert ] || cert=()
	done
	bg "$name" openssl s_server -accept 127.0.0.1:0 "${cert[@]}" "$@"
	if ! wait_for_line "$TMP/$name.out" '^ACCEPT ' 10; then
		echo "openssl s_server $*, its stderr:" >&2
		cat "$TMP/$name.err" >&2
		return 1
	fi
	# Read here: sed and head were two more programs for each server.
	while IFS= read -r line; do
		if [[ $line == ACCEPT\ *:* ]]; then
			S_PORT=${line##*:}
			return 0
		fi
	done <"$TMP/$name.out"
	return 1
}
