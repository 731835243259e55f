#!/usr/bin/env bats
# tests/proxy_forward.bats: listen --to TARGET --proxy URL: every forwarded peer's target reached through a proxy (sockit's own --socks5, microsocks, danted, tinyproxy), its failures and usage errors.
load test_helper
load proxy_helper
load tls_helper

# start_echo: a target that greets each peer with "hi", echoes its line
# as "echo:LINE" and closes, many peers at once; sets TARGET_PORT.
start_echo() {
	start_listener target --fork 127.0.0.1:0 -c \
	    "printf 'hi\\n'; read -r l; printf 'echo:%s\\n' \"\$l\"" || return 1
	TARGET_PORT=$LISTEN_PORT
}

# start_socks5: sockit's own SOCKS5 server as the upstream proxy; sets
# PROXY_PORT.
start_socks5() {
	start_listener socks5 127.0.0.1:0 --socks5 || return 1
	PROXY_PORT=$LISTEN_PORT
}

# start_forward ARGS...: `sockit listen -v 127.0.0.1:0 ARGS` as bg fwd;
# sets FWD_PORT.
start_forward() {
	start_listener fwd 127.0.0.1:0 "$@" || return 1
	FWD_PORT=$LISTEN_PORT
}

# file_matches FILE ERE: FILE has a line ERE matches, or says what it has.
file_matches() {
	grep -qE -- "$2" "$1" || { echo "no /$2/ in:" >&2; cat "$1" >&2; return 1; }
}

# ask LINE: `sockit connect` to the forward with LINE, as run
# --separate-stderr does.
ask() {
	run --separate-stderr bash -c 'printf "%s\n" "$0" | timeout -s KILL 20 \
	    "$SOCKIT" connect "127.0.0.1:$1" 3>&-' "$1" "$FWD_PORT"
}

# many N [ARGS...]: N clients (`sockit connect ARGS`) at once through the
# forward, each with its own line; fails unless each got exactly its
# greeting and its echo.
many() {
	local i n=$1 pids=()
	shift
	for ((i = 1; i <= n; i++)); do
		printf 'peer %d\n' "$i" | timeout -s KILL 20 "$SOCKIT" connect \
		    "$@" "127.0.0.1:$FWD_PORT" >"$TMP/got.$i" 2>"$TMP/err.$i" \
		    3>&- &
		pids+=($!)
	done
	for ((i = 1; i <= n; i++)); do
		wait "${pids[i - 1]}" || { cat "$TMP/err.$i" >&2; return 1; }
		[ "$(cat "$TMP/got.$i")" = "$(printf 'hi\necho:peer %d' "$i")" ] ||
		    { echo "peer $i got: $(cat "$TMP/got.$i")" >&2; return 1; }
	done
}

@test "through sockit's --socks5: several peers at once, exact bytes both ways, the handshake traced with each pair's tag" {
	start_echo
	start_socks5
	start_forward --trace --to "127.0.0.1:$TARGET_PORT" \
	    --proxy "socks5h://127.0.0.1:$PROXY_PORT"
	many 4
	local i
	for i in 1 2 3 4; do
		wait_for_line "$TMP/fwd.err" "^sockit: #$i closed \\(done\\)"
	done
	grep -E '^\[#1\] socks5[<>] ' "$TMP/fwd.err" >"$TMP/lines"
	cat >"$TMP/want" <<EOF
[#1] socks5> VER=5 NMETHODS=1 [NO_AUTH]
[#1] socks5< VER=5 METHOD=NO_AUTH
[#1] socks5> CONNECT 127.0.0.1:$TARGET_PORT
EOF
	head -n 3 "$TMP/lines" | diff -u "$TMP/want" -
	file_matches "$TMP/fwd.err" '^\[#1\] socks5< SUCCEEDED bound 127\.0\.0\.1:[0-9]+$'
	file_matches "$TMP/fwd.err" "^sockit: #3 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$FWD_PORT => 127\\.0\\.0\\.1:$TARGET_PORT via socks5h://127\\.0\\.0\\.1:$PROXY_PORT\$"
	file_matches "$TMP/fwd.err" "^sockit: #2 closed \\(done\\): 7 bytes to 127\\.0\\.0\\.1:$TARGET_PORT, 15 back, "
}

@test "through a proxy a peer's FIN is held back unless --shutdown wr; --shutdown rd is a usage error" {
	# The target answers only once it has read to the end.
	start_listener target --fork 127.0.0.1:0 -c 'cat >/dev/null; echo eof-seen'
	TARGET_PORT=$LISTEN_PORT
	start_socks5
	start_forward --trace --to "127.0.0.1:$TARGET_PORT" \
	    --proxy "socks5://127.0.0.1:$PROXY_PORT"
	run --separate-stderr bash -c 'printf x | timeout -s KILL 20 \
	    "$SOCKIT" connect -q 1 "127.0.0.1:$0" 3>&-' "$FWD_PORT"
	assert_success
	[ -z "$output" ]
	refute grep -q '^\[#1\] shutdown(' "$TMP/fwd.err"
	kill "$LISTEN_PID"
	wait "$LISTEN_PID" || true
	start_forward --shutdown wr --to "127.0.0.1:$TARGET_PORT" \
	    --proxy "socks5://127.0.0.1:$PROXY_PORT"
	run --separate-stderr bash -c 'printf x | timeout -s KILL 20 \
	    "$SOCKIT" connect -q 5 "127.0.0.1:$0" 3>&-' "$FWD_PORT"
	assert_success
	[ "$output" = eof-seen ]
	run --separate-stderr sockit listen --shutdown rd 127.0.0.1:0 \
	    --to 127.0.0.1:9 --proxy socks5://127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--shutdown rd with --to: a forwarder passes"
}

@test "the target's first bytes, in the read that holds the proxy's answer, reach the peer" {
	# A proxy that sends its SUCCEEDED and the target's greeting in one
	# write, then echoes a line and closes (the forward holds the peer's
	# FIN back): a forward that read past its answer loses the greeting.
	start_listener proxy 127.0.0.1:0 -c "head -c 3 >/dev/null;
	    printf '\\005\\000'; head -c 10 >/dev/null;
	    printf '\\005\\000\\000\\001\\000\\000\\000\\000\\000\\000first\\n';
	    head -n 1"
	start_forward --to 127.0.0.1:9 --proxy "socks5://127.0.0.1:$LISTEN_PORT"
	ask again
	assert_success
	[ "$output" = $'first\nagain' ]
}

@test "a target the proxy finds refused: the peer is reset, the 0x05 reported once by name with its hint, on --json" {
	start_socks5
	local closed
	closed=$(refused_port)
	bg fwd "$SOCKIT" listen --json 127.0.0.1:0 --to "127.0.0.1:$closed" \
	    --proxy "socks5://127.0.0.1:$PROXY_PORT"
	wait_for_line "$TMP/fwd.err" '"event": "listening"'
	FWD_PORT=$(jq -r 'select(.event == "listening") | .address' \
	    "$TMP/fwd.err")
	FWD_PORT=${FWD_PORT##*:}
	ask ping
	assert_status 1
	assert_stderr_contains "Connection reset by peer (ECONNRESET)"
	wait_for_line "$TMP/fwd.err" '"event": "pair-closed"'
	jq -r 'select(.event == "error") | .operation, .message, .error, .hint' \
	    "$TMP/fwd.err" >"$TMP/error"
	[ "$(sed -n 1p "$TMP/error")" = "connect to 127.0.0.1:$closed for #1 ($(jq -r 'select(.event == "pair") | .remote' "$TMP/fwd.err")) through proxy 127.0.0.1:$PROXY_PORT" ]
	[ "$(sed -n 2p "$TMP/error")" = "the proxy said 0x05 connection refused by the destination" ]
	[ "$(sed -n 3p "$TMP/error")" = CONNECTION_REFUSED ]
	assert_file_contains "$TMP/error" "nothing listens on that port"
	[ "$(wc -l <"$TMP/error")" -eq 4 ]
	[ "$(jq -r 'select(.event == "pair") | .target + " " + .proxy' \
	    "$TMP/fwd.err")" = "127.0.0.1:$closed socks5://127.0.0.1:$PROXY_PORT" ]
	[ "$(jq -r 'select(.event == "pair-closed") | .end' "$TMP/fwd.err")" = unreached ]
}

@test "socks5:// asks for each address of the target in turn, on a new connection to the proxy, while it answers refused" {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
	    skip "needs root and unshare to give a name two addresses"
	printf '127.0.0.1 two.test\n127.0.0.2 two.test\n' >"$TMP/hosts"
	start_socks5
	start_listener target -k 127.0.0.2:0 -c "printf 'hi\\n'"
	bg fwd unshare -m sh -c "mount --bind '$TMP/hosts' /etc/hosts &&
	    exec \"\$SOCKIT\" --trace listen -v 127.0.0.1:0 \
	    --to two.test:$LISTEN_PORT --proxy socks5://127.0.0.1:$PROXY_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: listening on '
	FWD_PORT=$(sed -n 's/^sockit: listening on 127.0.0.1://p' \
	    "$TMP/fwd.err")
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" connect \
	    "127.0.0.1:$FWD_PORT" </dev/null
	assert_success
	[ "$output" = hi ]
	file_matches "$TMP/fwd.err" "socks5> CONNECT 127\\.0\\.0\\.1:$LISTEN_PORT"
	file_matches "$TMP/fwd.err" "#1 proxy socks5: CONNECTION_REFUSED for 127\\.0\\.0\\.1, trying 127\\.0\\.0\\.2"
	file_matches "$TMP/fwd.err" "socks5> CONNECT 127\\.0\\.0\\.2:$LISTEN_PORT"
}

@test "an HTTP proxy's refusal is reported with the first line of its body, as connect --proxy reports it" {
	start_listener proxy 127.0.0.1:0 --http-proxy
	local proxy=$LISTEN_PORT closed
	closed=$(refused_port)
	start_forward --to "127.0.0.1:$closed" \
	    --proxy "http://127.0.0.1:$proxy"
	ask ping
	assert_status 1
	wait_for_line "$TMP/fwd.err" 'the proxy answered'
	assert_file_contains "$TMP/fwd.err" "through proxy 127.0.0.1:$proxy: the proxy answered \"HTTP/1.1 502 Bad Gateway\" and said \"connection refused by the destination\""
}

@test "a proxy that is not there, and -w bounding one that never answers" {
	local port
	port=$(free_port)
	start_forward --to 127.0.0.1:9 --proxy "socks5://127.0.0.1:$port"
	ask ping
	assert_status 1
	wait_for_line "$TMP/fwd.err" "^sockit: connect to proxy 127\\.0\\.0\\.1:$port for #1 \\(127\\.0\\.0\\.1:[0-9]+\\): connect: Connection refused \\(ECONNREFUSED\\)\$"
	kill "$LISTEN_PID"
	bg_fed mute "$SOCKIT" listen -v 127.0.0.1:0
	wait_for_line "$TMP/mute.err" '^sockit: listening on '
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/mute.err")
	start_forward -w 0.2 --to example.org:443 \
	    --proxy "socks5h://127.0.0.1:$port"
	ask ping
	assert_status 1
	wait_for_line "$TMP/fwd.err" "^sockit: connect to example\\.org:443 for #1 \\(127\\.0\\.0\\.1:[0-9]+\\) through proxy 127\\.0\\.0\\.1:$port: no answer from the proxy within 0\\.2 s \\(-w\\)\$"
}

@test "--wait is connect's: listen --to --proxy has none, and the man page says a forwarder makes one round for each pair" {
	run --separate-stderr sockit listen --wait 1 --to 127.0.0.1:9 \
	    --proxy socks5://p:1 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "unknown option '--wait' for listen"
	grep -qF "makes one round for each pair" \
	    "$BATS_TEST_DIRNAME/../man/sockit.1"
}

@test "usage errors: --proxy needs --to and a TCP target, and does not chain a proxy server" {
	run --separate-stderr sockit listen --proxy socks5://p:1 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--proxy needs --to TARGET"
	run --separate-stderr sockit listen --socks5 --proxy socks5://p:1 \
	    127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--proxy with --socks5: a proxy server reaches its clients' targets itself"
	run --separate-stderr sockit listen -u --to 127.0.0.1:53 \
	    --proxy socks5://p:1 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "-u cannot go through a proxy"
	run --separate-stderr sockit listen --unix "$SOCKDIR/l" \
	    --to "unix:$SOCKDIR/t" --proxy socks5://p:1
	assert_status 2
	assert_stderr_contains "is a unix socket"
	run --separate-stderr sockit listen --to 127.0.0.1:80 \
	    --proxy-auth-file /dev/null 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--proxy-auth-file needs --proxy URL"
	run --separate-stderr sockit listen --to h:https --proxy socks5://p:1 \
	    127.0.0.1:0
	assert_status 2
	assert_stderr_contains "the port must be a number"
}

@test "microsocks: socks5 and socks5h, no credentials and -u/-P ones from --proxy-auth-file, several peers at once [long]" {
	start_echo
	start_microsocks
	# microsocks ends the tunnel at the client's FIN, and the reply
	# with it: through a proxy the forward holds each peer's FIN back,
	# so these peers, which send one, still get their echo.
	start_forward --to "localhost:$TARGET_PORT" \
	    --proxy "socks5h://127.0.0.1:$PROXY_PORT"
	many 3
	kill "$LISTEN_PID" "$DAEMON_PID"
	start_microsocks alice 's3cret'
	printf 'alice:s3cret\n' >"$TMP/auth"
	chmod 600 "$TMP/auth"
	start_forward --trace -4 --to "localhost:$TARGET_PORT" \
	    --proxy "socks5://127.0.0.1:$PROXY_PORT" --proxy-auth-file "$TMP/auth"
	many 3 --shutdown none
	file_matches "$TMP/fwd.err" '^\[#1\] socks5> AUTH user="alice" password=<6 bytes>$'
	file_matches "$TMP/fwd.err" "^\\[#1\\] socks5> CONNECT 127\\.0\\.0\\.1:$TARGET_PORT\$"
	refute grep -q s3cret "$TMP/fwd.err"
}

@test "danted: socks4 and socks5 with exact bytes [long]" {
	start_echo
	start_danted
	local url
	for url in socks4 socks5; do
		start_forward --to "127.0.0.1:$TARGET_PORT" \
		    --proxy "$url://127.0.0.1:$PROXY_PORT"
		many 2 --shutdown none
		kill "$LISTEN_PID"
	done
}

@test "tinyproxy: CONNECT with BasicAuth, exact bytes; no credentials is the 407 by name [long]" {
	start_echo
	TINYPROXY_PORTS=$TARGET_PORT start_tinyproxy carol c.pw
	start_forward --to "127.0.0.1:$TARGET_PORT" \
	    --proxy "http://carol:c.pw@127.0.0.1:$PROXY_PORT"
	many 2 --shutdown none
	kill "$LISTEN_PID"
	start_forward --to "127.0.0.1:$TARGET_PORT" \
	    --proxy "http://127.0.0.1:$PROXY_PORT"
	ask ping
	assert_status 1
	wait_for_line "$TMP/fwd.err" 'the proxy answered "HTTP/1.0 407 Proxy Authentication Required"'
	assert_file_contains "$TMP/fwd.err" 'give credentials with --proxy http://USER:PASS@HOST:PORT or --proxy-auth-file FILE'
}

@test "a tls:// target through microsocks: openssl s_server's certificate checked against the target's name [long]" {
	"$SOCKIT" --version | grep -q '^features:.* tls=no' &&
	    skip "built without TLS"
	local CERTS=$TMP/certs
	sh "$TLS_TESTS/tls_certs.sh" "$CERTS" >/dev/null
	start_s_server srv -www
	start_microsocks
	start_forward --cafile "$CERTS/ca.pem" --to "tls://localhost:$S_PORT" \
	    --proxy "socks5h://127.0.0.1:$PROXY_PORT"
	run --separate-stderr bash -c "printf 'GET / HTTP/1.0\r\n\r\n' |
	    timeout 20 '$SOCKIT' connect --shutdown none 127.0.0.1:$FWD_PORT 3>&-"
	assert_success
	assert_output_contains "s_server"
}
