#!/usr/bin/env bats
# tests/proxy_server.bats: listen --socks5 and --http-proxy: real clients (curl, ncat, nc.openbsd) through sockit's proxy to targets on loopback.
load test_helper

# Each test here starts a python target and real clients, most of a second
# of CPU: make check keeps curl over SOCKS and the checks made at start,
# and leaves the rest to make check-long.

FPEER=$BATS_TEST_DIRNAME/forward_peer.py
PPEER=$BATS_TEST_DIRNAME/proxy_server_peer.py

# target NAME KIND: forward_peer.py KIND (echo or http) on 127.0.0.1;
# sets TARGET_PORT. http serves $TMP/www, with a file "page".
target() {
	local arg=127.0.0.1:0
	if [ "$2" = http ]; then
		mkdir -p "$TMP/www"
		head -c 100000 /dev/urandom >"$TMP/www/page"
		arg=$TMP/www
	fi
	bg "$1" python3 "$FPEER" "$2" "$arg"
	wait_for_line "$TMP/$1.out" '^port [0-9]+$' 10 || return 1
	TARGET_PORT=$(sed -n 's/^port //p' "$TMP/$1.out" | head -n 1)
}

# echo_target: sockit's own echo on 127.0.0.1, quicker to start than
# python; sets TARGET_PORT.
echo_target() {
	start_listener echo -k --serve echo 127.0.0.1:0 || return 1
	TARGET_PORT=$LISTEN_PORT
}

# proxy ARGS...: `sockit listen -v ARGS 127.0.0.1:0`; sets PROXY_PORT.
proxy() {
	start_listener proxy "$@" 127.0.0.1:0 || return 1
	PROXY_PORT=$LISTEN_PORT
}

# fetch ARGS...: curl ARGS for the target's page into $TMP/got.
fetch() {
	timeout -s KILL 20 curl -sS --max-time 10 -o "$TMP/got" "$@" \
	    "http://$TARGET_HOST:$TARGET_PORT/page" 3>&-
}

@test "--socks5 serves curl over SOCKS5, 5h, 4 and 4a, byte for byte" {
	target www http
	proxy --socks5
	TARGET_HOST=127.0.0.1 fetch --socks5 "127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
	rm "$TMP/got"
	TARGET_HOST=localhost fetch --socks5-hostname "127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
	rm "$TMP/got"
	TARGET_HOST=127.0.0.1 fetch --socks4 "127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
	rm "$TMP/got"
	TARGET_HOST=localhost fetch --socks4a "127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
	assert_file_contains "$TMP/proxy.err" \
	    "socks5 CONNECT localhost:$TARGET_PORT -> 127.0.0.1:$TARGET_PORT"
	assert_file_contains "$TMP/proxy.err" \
	    "socks4 CONNECT 127.0.0.1:$TARGET_PORT -> 127.0.0.1:$TARGET_PORT"
	assert_file_contains "$TMP/proxy.err" \
	    "socks4a CONNECT localhost:$TARGET_PORT -> 127.0.0.1:$TARGET_PORT"
}

@test "an HTTP client at a --socks5 port hears in HTTP that it speaks SOCKS" {
	proxy --socks5
	run --separate-stderr timeout -s KILL 20 curl -sS --max-time 10 \
	    -x "http://127.0.0.1:$PROXY_PORT" http://127.0.0.1:1/page 3>&-
	assert_success
	[ "$output" = "this port speaks SOCKS4 and SOCKS5, not HTTP: give the client socks5h://HOST:PORT as its proxy" ]
	wait_for_line "$TMP/proxy.err" \
	    'http GET http://127.0.0.1:1/page refused: the client speaks HTTP to a SOCKS proxy'
}

@test "--http-proxy serves curl's CONNECT; any other method gets 405 [long]" {
	target www http
	proxy --http-proxy
	TARGET_HOST=localhost fetch -p -x "http://127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
	TARGET_HOST=127.0.0.1 run fetch -i -x "http://127.0.0.1:$PROXY_PORT"
	assert_success
	assert_file_contains "$TMP/got" "HTTP/1.1 405 Method Not Allowed"
	assert_file_contains "$TMP/got" "this is a CONNECT-only proxy"
	refute cmp -s "$TMP/got" "$TMP/www/page"
}

@test "--auth-file: the right password passes, a wrong one is refused [long]" {
	target www http
	printf '# users\nalice:s3cret\nbob:pw\n' >"$TMP/users"
	chmod 600 "$TMP/users"
	proxy --socks5 --auth-file "$TMP/users"
	TARGET_HOST=127.0.0.1 fetch --socks5 "127.0.0.1:$PROXY_PORT" \
	    --proxy-user alice:s3cret
	cmp "$TMP/got" "$TMP/www/page"
	rm "$TMP/got"
	TARGET_HOST=127.0.0.1 run fetch --socks5 "127.0.0.1:$PROXY_PORT" \
	    --proxy-user alice:wrong
	refute [ "$status" -eq 0 ]
	wait_for_line "$TMP/proxy.err" \
	    'refused: wrong password for the user \(user "alice"\)'
	# SOCKS4 carries no password.
	TARGET_HOST=127.0.0.1 run fetch --socks4 "127.0.0.1:$PROXY_PORT"
	refute [ "$status" -eq 0 ]
	kill "$LISTEN_PID"
	proxy --http-proxy --auth-file "$TMP/users"
	TARGET_HOST=127.0.0.1 fetch -p -x "http://127.0.0.1:$PROXY_PORT" \
	    --proxy-user bob:pw
	cmp "$TMP/got" "$TMP/www/page"
	TARGET_HOST=127.0.0.1 run --separate-stderr fetch -p -x "http://127.0.0.1:$PROXY_PORT" \
	    --proxy-user bob:nope -w '%{http_connect}'
	[ "$output" = 407 ]
}

@test "--auth-file others may read or write is refused, naming the bits, with chmod 600 as the fix" {
	printf 'alice:s3cret\n' >"$TMP/users"
	chmod 644 "$TMP/users"
	run --separate-stderr sockit listen --socks5 --auth-file "$TMP/users" \
	    127.0.0.1:0
	assert_status 1
	assert_stderr_contains "sockit: read --auth-file $TMP/users: group or others may read it (mode 0644)"
	assert_stderr_contains "chmod 600 $TMP/users"
	chmod 620 "$TMP/users"
	run --separate-stderr sockit listen --socks5 --auth-file "$TMP/users" \
	    127.0.0.1:0
	assert_status 1
	assert_stderr_contains "group or others may write it (mode 0620), and so add a user to the proxy"
	refute grep -q 'may read' <<<"$stderr"
	run --separate-stderr sockit listen --socks5 --auth-file "$TMP/none" \
	    127.0.0.1:0
	assert_status 1
	assert_stderr_contains "read --auth-file $TMP/none: open: "
}

@test "ncat and nc.openbsd reach an echo through both proxies, in their own spelling [long]" {
	target echo echo
	proxy --socks5
	local socks=$PROXY_PORT
	start_listener http --http-proxy 127.0.0.1:0
	local http=$LISTEN_PORT line
	for args in "ncat --proxy 127.0.0.1:$socks --proxy-type socks5" \
	    "ncat --proxy 127.0.0.1:$socks --proxy-type socks4" \
	    "ncat --proxy 127.0.0.1:$http --proxy-type http" \
	    "nc.openbsd -N -X 5 -x 127.0.0.1:$socks" \
	    "nc.openbsd -N -X 4 -x 127.0.0.1:$socks" \
	    "nc.openbsd -N -X connect -x 127.0.0.1:$http"; do
		line=$(echo "through $args" | timeout -s KILL 20 $args \
		    127.0.0.1 "$TARGET_PORT" 3>&-)
		[ "$line" = "through $args" ]
	done
}

@test "--deny-to is judged after the lookup: localhost is 127.0.0.1 (0x02, 403) [long]" {
	target www http
	proxy --socks5 --deny-to 127.0.0.1/32
	TARGET_HOST=localhost run fetch --socks5-hostname \
	    "127.0.0.1:$PROXY_PORT"
	refute [ "$status" -eq 0 ]
	wait_for_line "$TMP/proxy.err" "CONNECT localhost:$TARGET_PORT refused: 127.0.0.1:$TARGET_PORT is not allowed by --allow-to/--deny-to"
	kill "$LISTEN_PID"
	proxy --http-proxy --allow-to "127.0.0.0/8:1-$((TARGET_PORT - 1))"
	TARGET_HOST=localhost run --separate-stderr fetch -p \
	    -x "http://127.0.0.1:$PROXY_PORT" -w '%{http_connect}'
	[ "$output" = 403 ]
	kill "$LISTEN_PID"
	proxy --http-proxy --allow-to "127.0.0.0/8:$TARGET_PORT"
	TARGET_HOST=localhost fetch -p -x "http://127.0.0.1:$PROXY_PORT"
	cmp "$TMP/got" "$TMP/www/page"
}

@test "a closed port is CONNECTION_REFUSED (0x05) and 502; BIND is COMMAND_NOT_SUPPORTED [long]" {
	local closed
	closed=$(refused_port)
	proxy --socks5
	run timeout -s KILL 20 python3 "$PPEER" reply "$PROXY_PORT" "$closed"
	[ "$output" = "rep 0x05" ]
	run timeout -s KILL 20 python3 "$PPEER" bind "$PROXY_PORT" "$closed"
	[ "$output" = "rep 0x07" ]
	wait_for_line "$TMP/proxy.err" 'refused: the client asks for BIND'
	wait_for_line "$TMP/proxy.err" "socks5 BIND 127.0.0.1:$closed refused"
	start_listener http --http-proxy 127.0.0.1:0
	TARGET_HOST=127.0.0.1 TARGET_PORT=$closed run --separate-stderr fetch -p \
	    -x "http://127.0.0.1:$LISTEN_PORT" -w '%{http_connect}'
	[ "$output" = 502 ]
}

@test "-v names a refused HTTP CONNECT's answer as the client got it: 502" {
	local closed
	closed=$(refused_port)
	proxy --http-proxy
	run --separate-stderr sockit connect --proxy \
	    "http://127.0.0.1:$PROXY_PORT" "127.0.0.1:$closed"
	assert_status 1
	wait_for_line "$TMP/proxy.err" \
	    "CONNECT 127.0.0.1:$closed: connect 127.0.0.1:$closed: .*: 502 Bad Gateway\$"
	refute grep -q CONNECTION_REFUSED "$TMP/proxy.err"
}

@test "a refusal by a rule hints at sockit's own --allow-to/--deny-to first" {
	proxy --socks5 --deny-to 127.0.0.0/8
	run --separate-stderr sockit connect --proxy \
	    "socks5://127.0.0.1:$PROXY_PORT" "127.0.0.1:$PROXY_PORT"
	assert_status 1
	assert_stderr_contains "(sockit's --allow-to/--deny-to, danted's socks pass rules)"
	start_listener http --http-proxy --deny-to 127.0.0.0/8 127.0.0.1:0
	run --separate-stderr sockit connect --proxy \
	    "http://127.0.0.1:$LISTEN_PORT" "127.0.0.1:$LISTEN_PORT"
	assert_status 1
	assert_stderr_contains "(sockit's --allow-to/--deny-to, tinyproxy's ConnectPort"
	run sockit explain 403
	assert_output_contains "(sockit's --allow-to and --deny-to, tinyproxy's"
}

@test "a proxy bound beyond loopback needs --allow or --auth-file" {
	run --separate-stderr sockit listen --socks5 :0
	assert_status 2
	assert_stderr_contains "would be an open proxy"
	assert_stderr_contains "--allow CIDR"
	run --separate-stderr sockit listen --http-proxy 0.0.0.0:0
	assert_status 2
	run --separate-stderr sockit listen --http-proxy --to 127.0.0.1:1 \
	    127.0.0.1:0
	assert_status 2
	start_listener open --socks5 --allow 127.0.0.0/8 0.0.0.0:0
	refute grep -q warning "$TMP/open.err"
}

@test "--allow of every address keeps the proxy open with a warning; port 0 in --allow-to is a usage error" {
	local block n=0
	for block in 0.0.0.0/0 ::/0; do
		n=$((n + 1))
		start_listener "wide$n" --socks5 --allow "$block" 0.0.0.0:0
		wait_for_line "$TMP/wide$n.err" "warning: --socks5 on 0\.0\.0\.0:$LISTEN_PORT: --allow $block opens the proxy to every address, to reach others in your name: close it with --auth-file FILE or a narrower --allow CIDR"
	done
	run --separate-stderr sockit listen --socks5 --allow-to 127.0.0.0/8:0 \
	    127.0.0.1:0
	assert_status 2
	assert_stderr_contains "bad --allow-to 127.0.0.0/8:0: port 0 is for binding"
	run --separate-stderr sockit connect -z 127.0.0.1:22,0
	assert_status 2
	assert_stderr_contains "port 0 in '127.0.0.1:22,0' is for binding"
}

@test "a client that sends no request is dropped after -w" {
	proxy --socks5 -w 0.2
	exec 5<>"/dev/tcp/127.0.0.1/$PROXY_PORT"
	local rc=0
	read -r -t 20 -u 5 _ || rc=$?
	exec 5<&-
	# 1: end of file, the proxy closed; over 128: still open after 20 s.
	[ "$rc" -eq 1 ]
	wait_for_line "$TMP/proxy.err" 'sent no whole request within 0.2 s \(-w\)'
}

@test "--trace shows the SOCKS5 handshake decoded, one line each way [long]" {
	target echo echo
	bg proxy "$SOCKIT" --trace listen -v --socks5 127.0.0.1:0
	wait_for_line "$TMP/proxy.err" '^sockit: listening on ' 10
	PROXY_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/proxy.err")
	run timeout -s KILL 20 python3 "$PPEER" echo "$PROXY_PORT" \
	    "$TARGET_PORT" 2000
	[ "$output" = ok ]
	wait_for_line "$TMP/proxy.err" 'socks5< SUCCEEDED'
	assert_file_contains "$TMP/proxy.err" \
	    "[#1] socks5> VER=5 NMETHODS=1 [NO_AUTH]"
	assert_file_contains "$TMP/proxy.err" "[#1] socks5< VER=5 METHOD=NO_AUTH"
	assert_file_contains "$TMP/proxy.err" \
	    "[#1] socks5> CONNECT 127.0.0.1:$TARGET_PORT"
	grep -qE '^\[#1\] socks5< SUCCEEDED bound 127\.0\.0\.1:[0-9]+$' \
	    "$TMP/proxy.err"
	# The connect to the target shows how it ended, before the answer.
	local conn=$(grep -n -m1 '^\[#1\] connect(.*) = 0 \[folded' "$TMP/proxy.err")
	local answer=$(grep -n -m1 'socks5< SUCCEEDED' "$TMP/proxy.err")
	[ -n "$conn" ]
	[ "${conn%%:*}" -lt "${answer%%:*}" ]
}

@test "1 MiB both ways, bytes sent with the request kept, and 50 clients at once [long]" {
	target echo echo
	proxy --socks5
	run timeout -s KILL 20 python3 "$PPEER" echo "$PROXY_PORT" \
	    "$TARGET_PORT" 1048576
	[ "$output" = ok ]
	run timeout -s KILL 20 python3 "$PPEER" many "$PROXY_PORT" \
	    "$TARGET_PORT" 50
	[ "$output" = "50 ok" ]
}

@test "::ffff:0.0.0.0, this host to connect(), is refused past --deny-to" {
	echo_target
	proxy --socks5 --deny-to 127.0.0.0/8
	run --separate-stderr sockit connect -q 1 --proxy \
	    "socks5://127.0.0.1:$PROXY_PORT" "[::ffff:0.0.0.0]:$TARGET_PORT" <<<hi
	assert_status 1
	refute [ "$output" = hi ]
	wait_for_line "$TMP/proxy.err" \
	    'refused: .*this host.*always refused'
	start_listener http --http-proxy --deny-to 127.0.0.0/8 127.0.0.1:0
	run --separate-stderr sockit connect -q 1 --proxy \
	    "http://127.0.0.1:$LISTEN_PORT" "[::ffff:0.0.0.0]:$TARGET_PORT" <<<hi
	assert_status 1
	refute [ "$output" = hi ]
}

@test "--trace shows a SOCKS5 password as stars in the recv line too" {
	echo_target
	printf 'alice:wonder land\n' >"$TMP/users"
	chmod 600 "$TMP/users"
	bg proxy "$SOCKIT" --trace listen -v --socks5 --auth-file "$TMP/users" \
	    127.0.0.1:0
	wait_for_line "$TMP/proxy.err" '^sockit: listening on ' 10
	PROXY_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/proxy.err")
	run --separate-stderr sockit connect -q 0 --proxy \
	    "socks5://alice:wonder%20land@127.0.0.1:$PROXY_PORT" \
	    "127.0.0.1:$TARGET_PORT" <<<hi
	assert_success
	assert_file_contains "$TMP/proxy.err" '\5alice\v***********"'
	refute grep -e 'wonder land' "$TMP/proxy.err"
}

# traced_proxy NAME ARGS...: `sockit --trace listen -v ARGS 127.0.0.1:0`
# in the background; sets PROXY_PORT.
traced_proxy() {
	bg "$1" "$SOCKIT" --trace listen -v "${@:2}" 127.0.0.1:0
	wait_for_line "$TMP/$1.err" '^sockit: listening on ' 10 || return 1
	PROXY_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/$1.err")
}

@test "the login lines read the same at the client and at the server" {
	printf 'alice:w\n' >"$TMP/users"
	chmod 600 "$TMP/users"
	traced_proxy socks --socks5 --auth-file "$TMP/users"
	local socks=$PROXY_PORT line
	traced_proxy http --http-proxy --auth-file "$TMP/users"
	# Each proxy is the other's target: no third server to start. The
	# socks client's pair is the HTTP proxy's #1, the HTTP client's #2.
	run --separate-stderr sockit --trace connect -q 0 --proxy \
	    "socks5://alice:w@127.0.0.1:$socks" "127.0.0.1:$PROXY_PORT" </dev/null
	line='socks5< AUTH VER=1 STATUS=0 (success)'
	assert_stderr_contains "$line"
	wait_for_line "$TMP/socks.err" '^\[#1\] socks5< SUCCEEDED'
	assert_file_contains "$TMP/socks.err" "[#1] $line"
	run --separate-stderr sockit --trace connect -q 0 --proxy \
	    "http://alice:w@127.0.0.1:$PROXY_PORT" "127.0.0.1:$socks" </dev/null
	line="http> CONNECT 127.0.0.1:$socks HTTP/1.1"
	line+=' (Proxy-Authorization: Basic user="alice" password=<1 byte>)'
	assert_stderr_contains "$line"
	wait_for_line "$TMP/http.err" '^\[#2\] http< HTTP/1.1 200'
	assert_file_contains "$TMP/http.err" "[#2] $line"
}

@test "--json: a pair refused or not reached says why, what was asked and the answer" {
	local closed
	closed=$(refused_port)
	printf 'alice:s3cret\n' >"$TMP/users"
	chmod 600 "$TMP/users"
	bg proxy "$SOCKIT" listen --json --socks5 --auth-file "$TMP/users" \
	    127.0.0.1:0
	wait_for_line "$TMP/proxy.err" '"event": "listening"'
	PROXY_PORT=$(jq -r 'select(.event == "listening") | .address' \
	    "$TMP/proxy.err")
	PROXY_PORT=${PROXY_PORT##*:}
	run --separate-stderr sockit connect --proxy \
	    "socks5://alice:wrong@127.0.0.1:$PROXY_PORT" "127.0.0.1:$closed"
	assert_status 1
	wait_for_line "$TMP/proxy.err" '"pair": 1, .*"end"'
	run --separate-stderr sockit connect --proxy \
	    "socks5://alice:s3cret@127.0.0.1:$PROXY_PORT" "127.0.0.1:$closed"
	assert_status 1
	wait_for_line "$TMP/proxy.err" '"pair": 2, .*"end"'
	run --separate-stderr sockit connect --proxy \
	    "socks5://bob:s3cret@127.0.0.1:$PROXY_PORT" "127.0.0.1:$closed"
	assert_status 1
	wait_for_line "$TMP/proxy.err" '"pair": 3, .*"end"'
	run --separate-stderr sockit connect --proxy \
	    "socks5h://alice:s3cret@127.0.0.1:$PROXY_PORT" no-such-host.invalid:80
	assert_status 1
	wait_for_line "$TMP/proxy.err" '"pair": 4, .*"end"'
	jq -r 'select(.event == "pair") | [.pair, .user // "-", .request,
	    .target, .reason, .reply, .error // "-"] | join("|")' \
	    "$TMP/proxy.err" >"$TMP/why"
	[ "$(sed -n 1p "$TMP/why")" = "1|alice|||wrong password for the user|AUTH STATUS=1|-" ]
	[ "$(sed -n 2p "$TMP/why")" = "2|alice|CONNECT 127.0.0.1:$closed|127.0.0.1:$closed|connect 127.0.0.1:$closed failed|CONNECTION_REFUSED|ECONNREFUSED" ]
	[ "$(sed -n 3p "$TMP/why")" = "3|bob|||no such user in --auth-file|AUTH STATUS=1|-" ]
	[ "$(sed -n 4p "$TMP/why")" = "4|alice|CONNECT no-such-host.invalid:80|no-such-host.invalid:80|the lookup of no-such-host.invalid failed|HOST_UNREACHABLE|EAI_NONAME" ]
}

@test "a SOCKS client at an --http-proxy port gets its own protocol's refusal at once" {
	proxy --http-proxy
	run --separate-stderr sockit connect -w 20 --proxy \
	    "socks5://127.0.0.1:$PROXY_PORT" 127.0.0.1:9
	assert_status 1
	wait_for_line "$TMP/proxy.err" \
	    '#1 .* socks5 refused: the client speaks SOCKS to an HTTP proxy'
	run --separate-stderr sockit connect -w 20 --proxy \
	    "socks4://127.0.0.1:$PROXY_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "REJECTED"
	wait_for_line "$TMP/proxy.err" '#2 .* socks4 refused: the client speaks SOCKS'
}
