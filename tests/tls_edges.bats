#!/usr/bin/env bats
# tests/tls_edges.bats: TLS at its edges: names the library refuses, a pin with a name, broken records after data, resumption with client certificates, servers that wait for nobody, bad files.
#
# The peers are openssl s_server and s_client, curl and python3's ssl;
# tests/tls_certs.sh makes the certificates once for the file.

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
CLIENT=(--cert "${CERTS:-}/client.pem" --key "${CERTS:-}/client.key")

# --- names and pins --------------------------------------------------------

@test "an --sni or --verify-name longer than a host name is a usage error, not a name left out" {
	local long
	long=$(printf 'a%.0s' {1..300})
	start_s_server srv -rev -naccept 1
	run --separate-stderr sockit connect --tls "${CA[@]}" --sni "$long" "localhost:$S_PORT" <<<"hello"
	assert_status 2
	assert_stderr_contains "--sni is longer than a host name may be (255 bytes)"
	run --separate-stderr sockit connect --tls "${CA[@]}" --verify-name "$long" "localhost:$S_PORT" </dev/null
	assert_status 2
	assert_stderr_contains "--verify-name is longer than a host name may be"
}

@test "--pin alone with --verify-name is a usage error: the name would go unchecked" {
	start_s_server srv -rev -naccept 1
	run --separate-stderr sockit connect --tls --pin "$(pin_of "$CERTS/leaf.pem")" --verify-name evil.example "127.0.0.1:$S_PORT" <<<"hello"
	assert_status 2
	assert_stderr_contains "--verify-name checks the certificate's name against a trusted chain, which --pin alone skips: add --cafile, or drop --verify-name"
	# With --cafile the name is checked, and this one fails.
	run --separate-stderr sockit connect --tls "${CA[@]}" --pin "$(pin_of "$CERTS/leaf.pem")" --verify-name evil.example "127.0.0.1:$S_PORT" <<<"hello"
	assert_status 1
	assert_stderr_contains "X509_V_ERR_HOSTNAME_MISMATCH"
}

# --- failures after data ------------------------------------------------------

# broken_peer NAME TAIL: a python3 TLS server that, after the handshake,
# sends "hello\n" and TAIL (hex) behind it in one send(): a broken record
# that arrives with the good one. Sets PEER_PORT.
broken_peer() {
	cat >"$TMP/$1.py" <<'PY'
import socket, ssl, sys
cert, key, tail = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
c, _ = ls.accept()
c.settimeout(20)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
s = ctx.wrap_bio(inc, out, server_side=True)
while True:
    try:
        s.do_handshake()
        break
    except ssl.SSLWantReadError:
        c.sendall(out.read())
        data = c.recv(65536)
        if not data:
            sys.exit("eof in the handshake")
        inc.write(data)
s.write(b"hello\n")
c.sendall(out.read() + tail)
print("sent", flush=True)
try:
    while c.recv(65536):
        pass
except OSError:
    pass
PY
	bg "$1" python3 "$TMP/$1.py" "$CERTS/leaf.pem" "$CERTS/leaf.key" "$2"
	wait_for_line "$TMP/$1.out" '^[0-9]+$' || return 1
	PEER_PORT=$(head -n 1 "$TMP/$1.out")
}

@test "a record too long after data: the data comes out, then the failure by its name, status 1 [long]" {
	broken_peer srv 1703037fff00000000
	run --separate-stderr sockit connect -q 5 --tls "${CA[@]}" "localhost:$PEER_PORT" </dev/null
	assert_status 1
	[ "$output" = hello ]
	assert_stderr_contains "sockit: tls with 127.0.0.1:$PEER_PORT:"
	grep -qiE 'too long|bad record' <<<"$stderr"
	refute grep -q "closed the connection" <<<"$stderr"
}

@test "garbage after data: the data comes out, then wrong version number, and --trace has its line [long]" {
	broken_peer srv 676172626167650a676172626167650a
	run --separate-stderr sockit connect --trace -q 5 --tls "${CA[@]}" "localhost:$PEER_PORT" </dev/null
	assert_status 1
	[ "$output" = hello ]
	assert_stderr_contains "wrong version number"
	grep -qE '^SSL_read\(3, \.\.\., [0-9]+\) = -1 SSL_ERROR_SSL \[.*wrong version number' <<<"$stderr"
}

# --- servers ----------------------------------------------------------------

# resumed VERSION: two openssl s_client runs against one listen --tls
# --verify-client -k, the second with the first's session.
resumed() {
	start_listener srv -k --tls "${LEAF[@]}" "${CA[@]}" --verify-client -c 'echo hi' 127.0.0.1:0
	local sc=(openssl s_client -connect "127.0.0.1:$LISTEN_PORT" "-tls$1"
	    -CAfile "$CERTS/ca.pem" -cert "$CERTS/client.pem"
	    -key "$CERTS/client.key" -ign_eof)
	bounded first "${sc[@]}" -sess_out "$TMP/sess"
	assert_status 0
	grep -q '^New' "$TMP/first.out"
	bounded second "${sc[@]}" -sess_in "$TMP/sess"
	assert_status 0
	grep -q '^Reused' "$TMP/second.out"
	wait_for_line "$TMP/srv.err" 'resumed session'
	refute grep -q 'session id context' "$TMP/srv.err"
}

@test "--verify-client resumes a TLS 1.3 session [long]" {
	resumed 1_3
}

@test "--verify-client resumes a TLS 1.2 session [long]" {
	resumed 1_2
}

@test "with --insecure, a TLS 1.2 server that wants a client certificate: its alert and --cert, not a certificate check" {
	start_s_server srv -rev -naccept 1 -Verify 1 -tls1_2 \
	    -CAfile "$CERTS/ca.pem"
	run --separate-stderr sockit connect --tls --insecure "127.0.0.1:$S_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "the peer sent alert handshake failure"
	assert_stderr_contains "--cert"
	refute grep -q X509_V_ERR <<<"$stderr"
}

@test "a program behind listen --tls --fork that answers without reading: the client gets it all and close_notify, the server logs no error [long]" {
	# The program waits for the request, then answers and exits with it
	# unread: the socketpair then resets.
	start_listener srv --tls --fork "${LEAF[@]}" -c 'python3 -c "
import select, sys
select.select([0], [], [])
sys.stdout.write(\"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n\")"' 127.0.0.1:0
	cat >"$TMP/client.py" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[2]))),
                    server_hostname="localhost", suppress_ragged_eofs=False)
s.settimeout(20)
s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
got = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("eof close_notify")
            break
        got += d
except ssl.SSLEOFError:
    print("eof truncated")
sys.stdout.write(got.decode())
PY
	bounded client python3 "$TMP/client.py" "$CERTS/ca.pem" "$LISTEN_PORT"
	assert_status 0
	grep -qx 'eof close_notify' "$TMP/client.out"
	grep -qx 'hi' "$TMP/client.out"
	bounded curl curl -sS --cacert "$CERTS/ca.pem" "https://localhost:$LISTEN_PORT/"
	assert_status 0
	[ "$(cat "$TMP/curl.out")" = hi ]
	refute grep -qiE 'reset|error|relay' "$TMP/srv.err"
}

# trace_settled FILE BYTES: until FILE's trace shows SSL_write taking
# BYTES in all after the handshake, and the send(2) that followed.
trace_settled() {
	local deadline=$((SECONDS + 20))
	while ((SECONDS <= deadline)); do
		awk -v want="$2" '
		    /^SSL_connect\(3\) = 1/ { on = 1; next }
		    !on { next }
		    /^SSL_write\(3, .*\) = [0-9]+$/ { sum += $NF; last = "w" }
		    /^send\(3, / { last = "s" }
		    END { exit !(sum == want && last == "s") }' "$1" && return 0
		nap
	done
	echo "no send after $2 bytes of SSL_write in $1:" >&2
	tail -n 5 "$1" >&2
	return 1
}

@test "--shutdown rdwr sends what TLS holds and close_notify before shutdown(2) [long]" {
	# A peer that reads nothing until the client has tried to end, so
	# that TLS holds records the socket could not take.
	cat >"$TMP/peer.py" <<'PY'
import hashlib, os, socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
c, _ = ls.accept()
s = ctx.wrap_socket(c, server_side=True, suppress_ragged_eofs=False)
s.settimeout(20)
for _ in range(8000):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.005)
h, n = hashlib.sha256(), 0
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("eof close_notify", flush=True)
            break
        h.update(d)
        n += len(d)
except (ssl.SSLError, OSError) as e:
    print("eof broken", type(e).__name__, flush=True)
print("got", n, h.hexdigest(), flush=True)
PY
	head -c 16384 /dev/urandom >"$TMP/block"
	bg peer python3 "$TMP/peer.py" "$CERTS/leaf.pem" "$CERTS/leaf.key" "$TMP/go"
	wait_for_line "$TMP/peer.out" '^[0-9]+$'
	local port i=0 last
	port=$(head -n 1 "$TMP/peer.out")
	bg_fed cli "$SOCKIT" --trace=full connect -o SO_SNDBUF=4096 --tls "${CA[@]}" --shutdown rdwr "localhost:$port"
	local cli=$BG_PID
	wait_for_line "$TMP/cli.err" '^SSL_connect\(3\) = 1'
	# A block at a time until the socket takes only part of one: the
	# rest waits in TLS, and stdin ends right then.
	while ((++i <= 2000)); do
		cat "$TMP/block" >&"$FEED"
		trace_settled "$TMP/cli.err" $((i * 16384))
		last=$(grep -E '^send\(3, ' "$TMP/cli.err" | tail -n 1)
		[[ $last == *"= -1 EAGAIN"* ]] && break
		[[ $last =~ ^send\(3,\ ([0-9]+)\)\ =\ ([0-9]+)$ ]] &&
		    ((BASH_REMATCH[2] < BASH_REMATCH[1])) && break
	done
	# stdin's end wakes the client at once; the peer looks for "go"
	# every 5 ms, so its reading starts after the client has acted on
	# that end (the fixed client waits for it however late it starts).
	exec {FEED}>&-
	touch "$TMP/go"
	wait_for_line "$TMP/peer.out" '^got ' 20
	wait_for_exit "$cli" 20
	cat "$TMP/peer.out"
	[ "$EXIT_STATUS" -eq 0 ]
	grep -qx 'eof close_notify' "$TMP/peer.out"
	local sum
	sum=$(for ((k = 0; k < i; k++)); do cat "$TMP/block"; done | sha256sum | cut -d' ' -f1)
	grep -qx "got $((i * 16384)) $sum" "$TMP/peer.out"
}

# silent_peer NAME: an early_peer that connects to the port it is given,
# says "connected", and says "ended" when the server closes on it.
silent_peer() {
	early_peer "$1" 's = socket.create_connection(("127.0.0.1", int(port)))
print("connected", flush=True)
s.settimeout(50)
print("ended" if s.recv(1) == b"" else "data", flush=True)'
}

@test "a silent client of listen --tls -k is dropped at -w, and the next one is served [long]" {
	silent_peer silent
	early_peer next 'import ssl
c = ssl.create_default_context(cafile=os.environ["CERTS"] + "/ca.pem")
s = c.wrap_socket(socket.create_connection(("127.0.0.1", int(port))),
                  server_hostname="localhost")
s.settimeout(20)
print(s.recv(100).decode().strip(), flush=True)'
	start_listener srv -k -w 3 --tls "${LEAF[@]}" -c 'echo hi' 127.0.0.1:0
	peer_go silent "$LISTEN_PORT"
	wait_for_line "$TMP/silent.out" '^connected$'
	# The next one waits in the backlog while the silent one is served.
	peer_go next "$LISTEN_PORT"
	wait_for_line "$TMP/next.out" '^hi$' 20
	wait_for_line "$TMP/silent.out" '^ended$'
	assert_file_contains "$TMP/srv.err" "no answer within 3 s (-w)"
}

# --- files ---------------------------------------------------------------------

# bad_file ARGS... -- TEXT HINT: connect --tls ARGS fails with status 1
# before connecting, naming the file, TEXT, and HINT on the next line.
bad_file() {
	local args=() text hint
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	text=$2 hint=$3
	run --separate-stderr sockit connect --tls "${args[@]}" 127.0.0.1:9 </dev/null
	assert_status 1
	assert_stderr_contains "$text"
	assert_stderr_contains "$hint"
	refute grep -q 'connect to' <<<"$stderr"
}

@test "an empty certificate file, and a key given as --cert: no PEM certificate in it" {
	: >"$TMP/empty.pem"
	bad_file --cert "$TMP/empty.pem" --key "$CERTS/client.key" -- \
	    "sockit: load $TMP/empty.pem: no PEM certificate in it" "-----BEGIN"
	bad_file --cert "$CERTS/client.key" --key "$CERTS/client.key" -- \
	    "sockit: load $CERTS/client.key: no PEM certificate in it" "swapped"
}

@test "an encrypted key without --key-pass-file, and with a wrong passphrase, say which" {
	bad_file --cert "$CERTS/client.pem" --key "$CERTS/client-enc.key" -- \
	    "load $CERTS/client-enc.key: the key is encrypted, and no --key-pass-file gives its passphrase" \
	    "--key-pass-file FILE"
	echo "not the passphrase" >"$TMP/wrong.pass"
	bad_file --cert "$CERTS/client.pem" --key "$CERTS/client-enc.key" --key-pass-file "$TMP/wrong.pass" -- \
	    "load $CERTS/client-enc.key: wrong passphrase: --key-pass-file does not open the key" \
	    "the first line of --key-pass-file"
}

@test "a key that is not the certificate's, and an empty --cafile" {
	bad_file --cert "$CERTS/client.pem" --key "$CERTS/leaf.key" -- \
	    "load $CERTS/leaf.key: the key does not match the certificate" \
	    "openssl x509 -pubkey"
	: >"$TMP/empty.pem"
	bad_file --cafile "$TMP/empty.pem" -- \
	    "sockit: load $TMP/empty.pem: no certificate in it" \
	    "BEGIN CERTIFICATE"
}

# --- options and what they say ------------------------------------------------

@test "--capath given a file says it is not a directory; a directory as SSLKEYLOGFILE says so" {
	run --separate-stderr sockit connect --tls --capath "$CERTS/ca.pem" 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--capath $CERTS/ca.pem is not a directory"
	SSLKEYLOGFILE=$TMP run --separate-stderr sockit connect --tls "${CA[@]}" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "sockit: open SSLKEYLOGFILE $TMP: open: Is a directory (EISDIR)"
}

@test "--json: the tls event's dates are ISO 8601 like its time, and keylog says whether keys are logged [long]" {
	start_s_server srv -rev -naccept 1
	run --separate-stderr sockit connect --json --tls "${CA[@]}" "localhost:$S_PORT" <<<"hello"
	assert_success
	tls=$(grep '"event": "tls"' <<<"$stderr")
	[[ $(jq -r .not_before <<<"$tls") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[[ $(jq -r .not_after <<<"$tls") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	# The same instant openssl names.
	[ "$(date -u -d "$(openssl x509 -in "$CERTS/leaf.pem" -noout -enddate | sed 's/.*=//')" +%Y-%m-%dT%H:%M:%SZ)" = "$(jq -r .not_after <<<"$tls")" ]
	[ "$(jq -r .keylog <<<"$tls")" = false ]
	start_s_server srv2 -rev -naccept 1
	SSLKEYLOGFILE=$TMP/keys run --separate-stderr sockit connect --json --tls "${CA[@]}" "localhost:$S_PORT" <<<"hello"
	assert_success
	[ "$(grep '"event": "tls"' <<<"$stderr" | jq -r .keylog)" = true ]
	[ -s "$TMP/keys" ]
}

@test "--cafile with an intermediate CA anchors the chains under it (X509_V_FLAG_PARTIAL_CHAIN) [long]" {
	local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
	openssl req -new "${ec[@]}" -keyout "$TMP/int.key" -out "$TMP/int.csr" -subj "/CN=sockit test intermediate" 2>/dev/null
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$TMP/int.ext"
	openssl x509 -req -in "$TMP/int.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" -set_serial 7001 -days 2 -extfile "$TMP/int.ext" -out "$TMP/int.pem" 2>/dev/null
	openssl req -new "${ec[@]}" -keyout "$TMP/il.key" -out "$TMP/il.csr" -subj "/CN=localhost" 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$TMP/il.ext"
	openssl x509 -req -in "$TMP/il.csr" -CA "$TMP/int.pem" -CAkey "$TMP/int.key" -set_serial 7002 -days 2 -extfile "$TMP/il.ext" -out "$TMP/il.pem" 2>/dev/null
	start_listener srv --tls --cert "$TMP/il.pem" --key "$TMP/il.key" -c 'echo hi' 127.0.0.1:0
	run --separate-stderr sockit connect --tls --cafile "$TMP/int.pem" "localhost:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = hi ]
}

@test "a build without TLS: a TLS option without --tls says how to get TLS, not --tls" {
	local notls=${SOCKIT_NOTLS:-$BATS_TEST_DIRNAME/../build/release-notls/sockit}
	[ -x "$notls" ] || skip "no $notls: make NO_TLS=1, or run make check"
	run --separate-stderr "$notls" connect --cert x localhost:443
	assert_status 2
	assert_stderr_contains "--cert: this sockit was built without TLS"
	assert_stderr_contains "apt-get install libssl-dev"
	refute grep -q "needs --tls" <<<"$stderr"
}
