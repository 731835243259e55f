#!/usr/bin/env bats
# tests/proxy_client.bats: connect and send --proxy through real proxies (microsocks, danted, tinyproxy, ncat) and scripted ones: data both ways, the handshake's trace, the half-close default, TLS and ssh through a proxy, and every error a proxy can give.
load test_helper
load proxy_helper
load tls_helper

# through NAME URL ARGS...: printf 'ping\n' into `sockit connect --proxy
# URL ARGS`, as run --separate-stderr does.
through() {
	local url=$1
	shift
	run --separate-stderr bash -c 'printf "ping\n" | timeout -s KILL 20 \
	    "$SOCKIT" connect --proxy "$0" "$@" 3>&-' "$url" "$@"
}

@test "socks5 and socks5h through microsocks: the target's bytes both ways, exact, the name resolved here or by the proxy" {
	start_microsocks
	start_target
	through "socks5://127.0.0.1:$PROXY_PORT" -4 --trace -v \
	    "localhost:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	assert_stderr_contains "socks5> CONNECT 127.0.0.1:$TARGET_PORT"
	assert_stderr_contains "sockit: connected to proxy 127.0.0.1:$PROXY_PORT from 127.0.0.1:"
	assert_stderr_contains "sockit: proxy socks5: connected to localhost:$TARGET_PORT"
	through "SOCKS5H://127.0.0.1:$PROXY_PORT" --trace "localhost:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	assert_stderr_contains "socks5> CONNECT localhost:$TARGET_PORT"
	through "socks5h://127.0.0.1:$PROXY_PORT" --json "localhost:$TARGET_PORT"
	assert_success
	[ "$(jq -r 'select(.event == "proxy") | .proxy + " " + .target' \
	    <<<"$stderr")" = "socks5h://127.0.0.1:$PROXY_PORT localhost:$TARGET_PORT" ]
}

@test "--trace shows each handshake message decoded, the password only by its length" {
	start_microsocks alice 's3cret:x'
	start_target
	through "socks5h://alice:s3cret%3Ax@127.0.0.1:$PROXY_PORT" --trace \
	    "127.0.0.1:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	grep -E '^(socks5|http)[<>] ' <<<"$stderr" >"$TMP/lines"
	cat >"$TMP/want" <<EOF
socks5> VER=5 NMETHODS=2 [NO_AUTH, USERPASS]
socks5< VER=5 METHOD=USERPASS
socks5> AUTH user="alice" password=<8 bytes>
socks5< AUTH VER=1 STATUS=0 (success)
socks5> CONNECT 127.0.0.1:$TARGET_PORT
socks5< SUCCEEDED bound 0.0.0.0:0
EOF
	diff -u "$TMP/want" "$TMP/lines"
	[[ $stderr != *s3cret* ]]
}

@test "through a proxy stdin's EOF sends no FIN, so a slow target's reply arrives; --shutdown wr still sends it" {
	start_microsocks
	# The target answers 0.4 s after the line: microsocks ends the whole
	# tunnel at the client's FIN, and the answer with it.
	start_target 0.4
	through "socks5://127.0.0.1:$PROXY_PORT" --trace "127.0.0.1:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	[[ $stderr != *'shutdown('* ]]
	through "socks5://127.0.0.1:$PROXY_PORT" --trace --shutdown wr \
	    "127.0.0.1:$TARGET_PORT"
	assert_stderr_contains "shutdown(3, SHUT_WR) = 0"
}

@test "send --proxy: the message goes through, -r prints the reply" {
	start_microsocks
	start_target
	run --separate-stderr sockit send -r -n --proxy \
	    "socks5h://127.0.0.1:$PROXY_PORT" "127.0.0.1:$TARGET_PORT" ping
	assert_success
	[ "$output" = $'hi\necho:ping' ]
}

@test "credentials from --proxy-auth-file; a file others may read is refused with the chmod to run" {
	start_microsocks bob 'pa ss'
	start_target
	printf 'bob:pa ss\n' >"$TMP/auth"
	chmod 600 "$TMP/auth"
	through "socks5://127.0.0.1:$PROXY_PORT" --proxy-auth-file "$TMP/auth" \
	    "127.0.0.1:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	chmod 644 "$TMP/auth"
	through "socks5://127.0.0.1:$PROXY_PORT" --proxy-auth-file "$TMP/auth" \
	    "127.0.0.1:$TARGET_PORT"
	assert_status 1
	assert_stderr_contains "sockit: read --proxy-auth-file $TMP/auth: group or others may read it (mode 0644), and it holds a password"
	assert_stderr_contains "chmod 600 $TMP/auth"
}

@test "microsocks with a password: none given is NO_ACCEPTABLE, a wrong one the RFC 1929 refusal" {
	start_microsocks alice right
	through "socks5://127.0.0.1:$PROXY_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "sockit: connect to 127.0.0.1:9 through proxy 127.0.0.1:$PROXY_PORT: the proxy takes none of the methods offered (NO_AUTH) (NO_ACCEPTABLE)"
	assert_stderr_contains "--proxy-auth-file"
	through "socks5://alice:wrong@127.0.0.1:$PROXY_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "the proxy refused the user name and password (RFC 1929 status 0x"
}

@test "in Spanish the proxy hints keep --help's placeholders: USER:PASS@HOST:PORT and FILE, as the 407 hint does" {
	start_microsocks alice right
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" --lang es connect \
	    --proxy "socks5://127.0.0.1:$PROXY_PORT" 127.0.0.1:9 </dev/null 3>&-
	assert_status 1
	assert_stderr_contains "--proxy socks5://USER:PASS@HOST:PORT o --proxy-auth-file FILE)"
	run --separate-stderr sockit --lang es connect -X 5 \
	    -x 127.0.0.1:1080 -P user h 22
	assert_status 2
	assert_stderr_contains "--proxy-auth-file FILE con USER:PASSWORD en lugar de USER@"
}

@test "a proxy that closes during the handshake, one that speaks another protocol, one that is not there" {
	start_listener closer 127.0.0.1:0
	through "socks5://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "sockit: connect to 127.0.0.1:9 through proxy 127.0.0.1:$LISTEN_PORT: the proxy closed the connection during the handshake"
	printf 'SSH-2.0-OpenSSH_9.2\r\n' >"$TMP/ssh.in"
	start_listener ssh 127.0.0.1:0
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains 'the proxy does not speak http here; it said "SSH-2.0-OpenSSH_9.2\r\n"'
	assert_stderr_contains "check --proxy's scheme and port"
	local port
	port=$(free_port)
	through "socks5://127.0.0.1:$port" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "sockit: connect to proxy 127.0.0.1:$port: connect: Connection refused (ECONNREFUSED)"
}

@test "-w or --wait bounds a handshake the proxy never answers; --json names the operation and ETIMEDOUT" {
	bg_fed mute "$SOCKIT" listen -v 127.0.0.1:0
	wait_for_line "$TMP/mute.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/mute.err")
	through "socks5h://127.0.0.1:$port" -w 0.3 example.org:443
	assert_status 124
	assert_stderr_contains "sockit: connect to example.org:443 through proxy 127.0.0.1:$port: no answer from the proxy within 0.3 s (-w)"
	through "socks5h://127.0.0.1:$port" --wait 0.3 example.org:443
	assert_status 124
	assert_stderr_contains "sockit: connect to example.org:443 through proxy 127.0.0.1:$port: no answer from the proxy within 0.3 s (--wait)"
	through "socks5h://127.0.0.1:$port" -w 0.3 --json example.org:443
	assert_status 124
	[ "$(jq -r 'select(.event == "error") | .operation + "|" + .error' \
	    <<<"$stderr")" = "connect to example.org:443 through proxy 127.0.0.1:$port|ETIMEDOUT" ]
}

@test "usage errors: nc's -X spells the line; UDP, unix, -z, a service name, IPv6 through socks4, credentials twice, a bad URL" {
	run --separate-stderr sockit connect -X 5 -x 127.0.0.1:1080 h:80
	assert_status 2
	assert_stderr_contains "use --proxy socks5h://127.0.0.1:1080"
	assert_stderr_contains "sockit connect --proxy socks5h://127.0.0.1:1080 h:80"
	run --separate-stderr sockit connect -X 5 -x ::1 h 22
	assert_status 2
	assert_stderr_contains "sockit connect --proxy socks5h://[::1]:1080 h:22"
	run --separate-stderr sockit connect -x -X 5 h 22
	assert_status 2
	refute grep -q -- '-X:1080' <<<"$stderr"
	run --separate-stderr sockit connect -X 6 -x 127.0.0.1 h 22
	assert_status 2
	assert_stderr_contains "nc's -X takes 4, 5 or connect, not '6'"
	run --separate-stderr sockit connect -x 127.0.0.1:1080 h 22
	assert_status 2
	assert_stderr_contains "sockit connect --proxy socks5h://127.0.0.1:1080 h:22"
	run --separate-stderr sockit -x connect 127.0.0.1 22
	assert_status 2
	refute grep -q -- '--proxy' <<<"$stderr"
	run --separate-stderr sockit send -X connect -x 10.0.0.1 h:80 x
	assert_status 2
	assert_stderr_contains "use --proxy http://10.0.0.1:3128"
	run --separate-stderr sockit listen -X 4 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "use --proxy socks4://HOST:PORT"
	run --separate-stderr sockit connect -u --proxy socks5://p:1 h:53
	assert_status 2
	assert_stderr_contains "-u cannot go through a proxy"
	run --separate-stderr sockit connect --proxy socks5://p:1 unix:/tmp/x
	assert_status 2
	assert_stderr_contains "unix socket"
	run --separate-stderr sockit connect -z --proxy socks5://p:1 h:80
	assert_status 2
	assert_stderr_contains "connect without -z"
	run --separate-stderr sockit connect --proxy socks5://p:1 h:https
	assert_status 2
	assert_stderr_contains "the port must be a number"
	run --separate-stderr sockit connect --proxy socks4a://p:1 '[::1]:80'
	assert_status 2
	assert_stderr_contains "use socks5:// or socks5h://"
	run --separate-stderr sockit connect --proxy-auth-file /dev/null \
	    --proxy socks5://a:b@p:1 h:80
	assert_status 2
	assert_stderr_contains "give them once"
	run --separate-stderr sockit connect --proxy http://p:3128/x h:80
	assert_status 2
	assert_stderr_contains "has a path or a query ('/x')"
}

@test "danted: socks5, socks4 and socks4a with exact bytes; a name it will not reach is 91, a closed port 0x05, by name [long]" {
	start_danted
	start_target
	local url
	for url in socks5 socks4 socks4a; do
		through "$url://127.0.0.1:$PROXY_PORT" "127.0.0.1:$TARGET_PORT"
		assert_success
		[ "$output" = $'hi\necho:ping' ]
	done
	# The name goes to the proxy; this danted's rules name no hosts.
	through "socks4a://127.0.0.1:$PROXY_PORT" --trace \
	    "localhost:$TARGET_PORT"
	assert_status 1
	assert_stderr_contains "socks4> CONNECT 0.0.0.1:$TARGET_PORT USERID=\"\" HOST=localhost"
	assert_stderr_contains "socks4< REJECTED"
	assert_stderr_contains "the proxy said 91 request rejected or failed"
	local closed
	closed=$(free_port)
	through "socks5://127.0.0.1:$PROXY_PORT" "127.0.0.1:$closed"
	assert_status 1
	assert_stderr_contains "sockit: connect to 127.0.0.1:$closed through proxy 127.0.0.1:$PROXY_PORT: the proxy said 0x05 connection refused by the destination (CONNECTION_REFUSED)"
	assert_stderr_contains "nothing listens on that port"
}

@test "danted with socksmethod username: a system user's password, RFC 1929 [long]" {
	local user=sockitproxy$$
	useradd -M -s /usr/sbin/nologin "$user"
	echo "$user:pw-$$" | chpasswd
	start_danted username || { userdel "$user"; return 1; }
	start_target
	through "socks5://$user:pw-$$@127.0.0.1:$PROXY_PORT" \
	    "127.0.0.1:$TARGET_PORT"
	local ok=$status out=$output
	through "socks5://$user:nope@127.0.0.1:$PROXY_PORT" \
	    "127.0.0.1:$TARGET_PORT"
	userdel "$user"
	[ "$ok" -eq 0 ]
	[ "$out" = $'hi\necho:ping' ]
	assert_status 1
	assert_stderr_contains "the proxy refused the user name and password"
}

@test "tinyproxy: CONNECT with exact bytes; BasicAuth gives 407 without credentials, the tunnel with them; a port it does not allow is 403 [long]" {
	start_target
	TINYPROXY_PORTS=$TARGET_PORT start_tinyproxy carol c.pw
	through "http://127.0.0.1:$PROXY_PORT" "127.0.0.1:$TARGET_PORT"
	assert_status 1
	assert_stderr_contains 'the proxy answered "HTTP/1.0 407 Proxy Authentication Required"'
	assert_stderr_contains "give credentials with --proxy http://USER:PASS@HOST:PORT or --proxy-auth-file FILE"
	through "http://carol:c%2Epw@127.0.0.1:$PROXY_PORT" --trace \
	    "127.0.0.1:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
	assert_stderr_contains "http> CONNECT 127.0.0.1:$TARGET_PORT HTTP/1.1 (Proxy-Authorization: Basic user=\"carol\" password=<4 bytes>)"
	assert_stderr_contains "http< HTTP/1.0 200 Connection established"
	through "http://carol:c%2Epw@127.0.0.1:$PROXY_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains '403'
}

@test "ncat --proxy-type http as the proxy [long]" {
	start_target
	start_ncat_http
	through "http://127.0.0.1:$PROXY_PORT" "127.0.0.1:$TARGET_PORT"
	assert_success
	[ "$output" = $'hi\necho:ping' ]
}

@test "--tls through a proxy: openssl s_server's certificate checked against the target's name [long]" {
	"$SOCKIT" --version | grep -q '^features:.* tls=no' &&
	    skip "built without TLS"
	local CERTS=$TMP/certs
	sh "$TLS_TESTS/tls_certs.sh" "$CERTS" >/dev/null
	start_s_server srv -www
	# The proxy at 127.0.0.2, a name the certificate does not hold: the
	# check passes only if it is made against the target's name.
	DAEMON_ADDR=127.0.0.2 start_microsocks
	run --separate-stderr bash -c "printf 'GET / HTTP/1.0\r\n\r\n' |
	    timeout 20 '$SOCKIT' connect -v --tls --cafile '$CERTS/ca.pem' \
	    --proxy socks5h://127.0.0.2:$PROXY_PORT localhost:$S_PORT 3>&-"
	assert_success
	assert_output_contains "s_server"
	assert_stderr_contains "proxy socks5h: connected to localhost:$S_PORT"
	# And the other way: a certificate for another name is refused.
	start_s_server wrong -www -cert "$CERTS/wrong.pem" \
	    -key "$CERTS/wrong.key"
	run --separate-stderr bash -c "timeout 20 '$SOCKIT' connect --tls \
	    --cafile '$CERTS/ca.pem' --proxy socks5h://127.0.0.2:$PROXY_PORT \
	    localhost:$S_PORT </dev/null 3>&-"
	assert_status 1
}

@test "ssh's ProxyCommand: a real ssh client through sockit and microsocks to a test sshd, an IPv6 %h too [long]" {
	start_sshd
	start_microsocks
	local host
	# %h and %p as two words, as the man page writes it: an IPv6 %h
	# needs no brackets then.
	for host in 127.0.0.1 ::1; do
		[ "$host" = ::1 ] && ! grep -q '^ListenAddress ::1$' \
		    "$TMP/sshd_config" && continue
		run --separate-stderr timeout 30 ssh -F /dev/null \
		    -o "ProxyCommand=$SOCKIT connect --proxy socks5h://127.0.0.1:$PROXY_PORT %h %p" \
		    -o StrictHostKeyChecking=no \
		    -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
		    -i "$TMP/id" -p "$SSHD_PORT" "root@$host" echo hello
		assert_success
		[ "$output" = hello ]
	done
}

@test "usage errors mask the URL's password; --proxy twice, --proxy-auth-file twice, socks4 with a password, IPv6 without brackets" {
	local url
	for url in 'http://bob:s3cret@h:99999' 'socks9://bob:s3cret@h:1' \
	    'http://bob:s3cret@h:1/path' 'socks5://bob:s3cret@[::1'; do
		run --separate-stderr sockit connect --proxy "$url" x:1
		assert_status 2
		assert_stderr_contains "bob:***@"
		[[ $stderr != *s3cret* ]]
	done
	run --separate-stderr sockit connect --proxy socks5://a:s3cret@p:1 \
	    --proxy http://q:2 h:1
	assert_status 2
	assert_stderr_contains "--proxy given twice ('socks5://a:***@p:1' and 'http://q:2')"
	[[ $stderr != *s3cret* ]]
	run --separate-stderr sockit send --proxy socks5://p:1 \
	    --proxy-auth-file a --proxy-auth-file b h:1 x
	assert_status 2
	assert_stderr_contains "--proxy-auth-file given twice ('a' and 'b')"
	run --separate-stderr sockit connect --proxy socks4://alice:pw@p:1 h:1
	assert_status 2
	assert_stderr_contains "SOCKS4 has a user id, no password"
	run --separate-stderr sockit connect --proxy socks5://::1 h:1
	assert_status 2
	assert_stderr_contains "IPv6 address without brackets: write it as socks5://[::1]:PORT"
	# The last group cannot be hex: the one reading is address and port,
	# and the line it gives is taken.
	run --separate-stderr sockit connect --proxy socks5://::1:21080 h:1
	assert_status 2
	assert_stderr_contains "write it as socks5://[::1]:21080"
	run --separate-stderr sockit connect --proxy socks5://[::1]:21080 \
	    --proxy-auth-file "$TMP" h:1
	assert_status 1
	run --separate-stderr sockit connect --proxy socks5://::1:80 h:1
	assert_status 2
	assert_stderr_contains "write it as socks5://[::1]:80, or socks5://[::1:80]:PORT"
	run --separate-stderr sockit connect ::1:22222
	assert_status 2
	assert_stderr_contains "needs brackets: write [::1]:22222"
	run --separate-stderr sockit connect --proxy socks5://p:1 \
	    --proxy-auth-file "$TMP" h:1
	assert_status 1
	assert_stderr_contains "sockit: read --proxy-auth-file $TMP: it is a directory"
	refute grep -q chmod <<<"$stderr"
}

@test "a user name past 255 bytes names SOCKS5's limit for socks5:// only; http:// and socks4:// name sockit's own" {
	local long
	long=$(printf '%0300d' 0)
	run --separate-stderr sockit connect --proxy "http://$long@127.0.0.1:1" \
	    127.0.0.1:9
	assert_status 2
	assert_stderr_contains "the proxy URL's user name is longer than the 255 bytes sockit keeps for it"
	refute grep -q SOCKS5 <<<"$stderr"
	run --separate-stderr sockit connect --proxy "socks5://$long@127.0.0.1:1" \
	    127.0.0.1:9
	assert_status 2
	assert_stderr_contains "the proxy URL's user name is longer than 255 bytes, the most SOCKS5 carries"
}

@test "hints that fit: a socks5 reply with an unknown address type, a SOCKS4 code outside 90-93, an auth file others may write" {
	start_listener s5 -k 127.0.0.1:0 -c \
	    "printf '\\005\\000\\005\\000\\000\\011\\000\\000'; cat >/dev/null"
	through "socks5://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "the proxy's socks5 reply is malformed"
	assert_stderr_contains "the reply breaks RFC 1928"
	refute grep -q 'use socks5://' <<<"$stderr"
	start_listener s4 -k 127.0.0.1:0 -c \
	    "printf '\\000\\102\\000\\000\\000\\000\\000\\000'; cat >/dev/null"
	through "socks4://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "the proxy said 66 (0x42), a reply code SOCKS4 does not define"
	assert_stderr_contains "SOCKS4 replies 90 to 93 only"
	refute grep -q identd <<<"$stderr"
	printf 'bob:pw\n' >"$TMP/auth"
	chmod 620 "$TMP/auth"
	through "socks5://127.0.0.1:1" --proxy-auth-file "$TMP/auth" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "group or others may write it (mode 0620)"
	refute grep -q 'may read' <<<"$stderr"
}

@test "http://: a 100 Continue before the 200 is skipped; a status without a hint of its own still gets one" {
	start_listener h100 -k 127.0.0.1:0 -c "printf 'HTTP/1.1 100 \
Continue\\r\\n\\r\\nHTTP/1.1 200 OK\\r\\n\\r\\nhi\\n'; grep -q ping"
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_success
	[ "$output" = hi ]
	start_listener h404 -k 127.0.0.1:0 -c \
	    "printf 'HTTP/1.1 404 Not Found\\r\\n\\r\\n'; cat >/dev/null"
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains 'the proxy answered "HTTP/1.1 404 Not Found"'
	assert_stderr_contains "  the proxy did not open the tunnel"
}

@test "--json names every refusal: HTTP_502 and HTTP_407, a refused password AUTH_FAILURE; send -r's from is the target, proxy the URL" {
	start_listener e502 -k 127.0.0.1:0 -c \
	    "printf 'HTTP/1.1 502 Bad Gateway\\r\\n\\r\\n'; cat >/dev/null"
	through "http://127.0.0.1:$LISTEN_PORT" --json 127.0.0.1:9
	assert_status 1
	[ "$(jq -r 'select(.event == "error") | .error' <<<"$stderr")" = HTTP_502 ]
	start_listener e407 -k 127.0.0.1:0 -c "printf 'HTTP/1.1 407 \
Proxy Authentication Required\\r\\n\\r\\n'; cat >/dev/null"
	through "http://127.0.0.1:$LISTEN_PORT" --json 127.0.0.1:9
	assert_status 1
	[ "$(jq -r 'select(.event == "error") | .error' <<<"$stderr")" = HTTP_407 ]
	printf 'alice:right\n' >"$TMP/users"
	chmod 600 "$TMP/users"
	start_listener proxy --socks5 --auth-file "$TMP/users" 127.0.0.1:0
	local proxy=$LISTEN_PORT
	through "socks5://alice:wrong@127.0.0.1:$proxy" --json 127.0.0.1:9
	assert_status 1
	[ "$(jq -r 'select(.event == "error") | .error' <<<"$stderr")" = AUTH_FAILURE ]
	start_listener echo -k --serve echo 127.0.0.1:0
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" send -r -q 1 --json \
	    --proxy "socks5://alice:right@127.0.0.1:$proxy" \
	    "127.0.0.1:$LISTEN_PORT" hello
	assert_success
	[ "$(jq -r '.from + " " + .proxy + " " + .data' <<<"$output")" = \
	    "127.0.0.1:$LISTEN_PORT socks5://127.0.0.1:$proxy hello" ]
}

@test "a proxy that resets during the handshake is named as the proxy, with ECONNRESET, for every scheme" {
	# SO_LINGER 0: each peer's close is a reset.
	start_listener rst -k -o SO_LINGER=0 127.0.0.1:0 -c true
	local scheme
	for scheme in socks5 socks4 http; do
		through "$scheme://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
		assert_status 1
		assert_stderr_contains "through proxy 127.0.0.1:$LISTEN_PORT: the proxy reset the connection during the handshake (ECONNRESET)"
		assert_stderr_contains "the proxy hung up during the handshake"
	done
}

@test "nc's -X advice keeps the other options, puts -P's user in the URL, and checks -x's port" {
	run --separate-stderr sockit connect -v -w 3 -X 5 -x 127.0.0.1:1080 h 22
	assert_status 2
	assert_stderr_contains ": sockit connect -v -w 3 --proxy socks5h://127.0.0.1:1080 h:22"
	run --separate-stderr sockit connect -X 5 -x 127.0.0.1:1080 -P user h 22
	assert_status 2
	assert_stderr_contains ": sockit connect --proxy socks5h://user@127.0.0.1:1080 h:22 (for the password"
	run --separate-stderr sockit connect -X 5 -x 127.0.0.1:99999 h 22
	assert_status 2
	assert_stderr_contains "the port of '127.0.0.1:99999' is not a number from 1 to 65535"
}

@test "nc's -X advice keeps send's message words, quoted; with -z it gives the port check through the proxy" {
	run --separate-stderr sockit send -X 5 -x 127.0.0.1:1080 h 7 hello world
	assert_status 2
	assert_stderr_contains ": sockit send --proxy socks5h://127.0.0.1:1080 h:7 hello world"
	run --separate-stderr sockit send -v -X connect -x 127.0.0.1:1080 h:7 \
	    'hello world' "it's"
	assert_status 2
	assert_stderr_contains ": sockit send -v --proxy http://127.0.0.1:1080 h:7 'hello world' 'it'\\''s'"
	# A tab is kept too, in bash's $'...'.
	run --separate-stderr sockit send -X 5 -x 127.0.0.1:1080 h 7 $'a\tb'
	assert_status 2
	assert_stderr_contains "h:7 \$'a\\tb'"
	local line="sockit connect -w 3 -q 0 --proxy socks5h://127.0.0.1:1080 h:22 </dev/null"
	run --separate-stderr sockit -z -X 5 -x 127.0.0.1:1080 h 22
	assert_status 2
	assert_stderr_contains "-z does not go through a proxy: check each port with $line"
	run --separate-stderr sockit connect -z -X 5 -x 127.0.0.1:1080 h 22
	assert_status 2
	assert_stderr_contains "with $line"
}

@test "the port check that advice gives: status 0 for a port the proxy reaches, though it never speaks; 1 for a closed one" {
	start_microsocks
	# A port that accepts and stays silent: no byte, no FIN at its EOF.
	start_listener silent --shutdown none 127.0.0.1:0
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" connect -w 3 -q 0 \
	    --proxy "socks5h://127.0.0.1:$PROXY_PORT" "127.0.0.1:$LISTEN_PORT" \
	    </dev/null 3>&-
	assert_success
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" connect -w 3 -q 0 \
	    --proxy "socks5h://127.0.0.1:$PROXY_PORT" "127.0.0.1:$(free_port)" \
	    </dev/null 3>&-
	assert_status 1
}

@test "an option before the command is named as the one out of place, not a --proxy after it" {
	local opt
	for opt in --json -v -x; do
		run --separate-stderr sockit "$opt" connect \
		    --proxy socks5://127.0.0.1:1 127.0.0.1:1
		assert_status 2
		assert_stderr_contains "unknown global option '$opt': a command's own options follow its name, as in sockit connect $opt"
		refute grep -q -- '--proxy is' <<<"$stderr"
	done
}

@test "ncat's --proxy with --proxy-type, --proxy-dns, --proxy-auth: the line to type from what was typed; a bare HOST:PORT is http://" {
	run --separate-stderr sockit connect -v --proxy 127.0.0.1:1080 \
	    --proxy-type socks5 --proxy-dns remote h 22
	assert_status 2
	assert_stderr_contains ": sockit connect -v --proxy socks5h://127.0.0.1:1080 h:22"
	run --separate-stderr sockit connect --proxy 127.0.0.1:3128 \
	    --proxy-auth u:secret h 22
	assert_status 2
	assert_stderr_contains ": sockit connect --proxy http://127.0.0.1:3128 --proxy-auth-file FILE h:22"
	refute grep -q secret <<<"$stderr"
	run --separate-stderr sockit connect --proxy 127.0.0.1:3128 h:22
	assert_status 2
	assert_stderr_contains "as ncat reads it, it is --proxy http://127.0.0.1:3128"
}

@test "-4/-6 choose the proxy's address family, not the target's" {
	local port
	port=$(free_port)
	run --separate-stderr sockit connect -6 --proxy "socks5://[::1]:$port" \
	    127.0.0.1:9 </dev/null
	assert_status 1
	assert_stderr_contains "sockit: connect to proxy [::1]:$port: connect:"
	run --separate-stderr sockit connect -4 --proxy "socks5://127.0.0.1:$port" \
	    '[::1]:9' </dev/null
	assert_status 1
	assert_stderr_contains "sockit: connect to proxy 127.0.0.1:$port: connect:"
}

@test "a proxy name that does not resolve is named as the proxy; under -6 a name with IPv4 only says so" {
	run --separate-stderr sockit connect --proxy socks5://nosuch.invalid:1 \
	    127.0.0.1:9 </dev/null
	assert_status 1
	assert_stderr_contains "sockit: resolve proxy nosuch.invalid:1: getaddrinfo:"
	grep -q '^127\.0\.0\.1[[:space:]].*localhost' /etc/hosts &&
	    ! grep -q '^::1[[:space:]].*[[:space:]]localhost' /etc/hosts ||
	    skip "needs a localhost with IPv4 only"
	run --separate-stderr sockit connect -6 --proxy socks5://localhost:1 \
	    127.0.0.1:9 </dev/null
	assert_status 1
	assert_stderr_contains "sockit: resolve proxy localhost:1: it has no IPv6 address, and -6 asks for one"
}

@test "a CR LF in the target is a bad character, escaped, never a header of the CONNECT request" {
	run --separate-stderr sockit connect --proxy http://127.0.0.1:1 \
	    $'a\r\nX-Evil: 1:80' </dev/null
	assert_status 2
	assert_stderr_contains "bad character \\r in host 'a\\r\\nX-Evil: 1'"
	[ "$(wc -l <<<"$stderr")" = 2 ]
}

@test "an echo port as the proxy: the message says our own bytes came back; 401 and 302 get hints; a closed SOCKS5 handshake does not blame SOCKS4" {
	start_listener echo -k --serve echo 127.0.0.1:0
	through "socks5://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains 'what came back is our own greeting, "\x05\x01\x00": the port echoes'
	assert_stderr_contains "it reaches an echo service, not a proxy"
	refute grep -q '(NO_AUTH) (GSSAPI)' <<<"$stderr"
	printf 'HTTP/1.0 401 Unauthorized\r\n\r\n' >"$TMP/e401.in"
	start_listener e401 127.0.0.1:0
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "401 is a web server's or tinyproxy's word for refused credentials"
	printf 'HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n' >"$TMP/e302.in"
	start_listener e302 127.0.0.1:0
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "a redirect is a web server's answer"
	start_listener closer 127.0.0.1:0
	through "socks5://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains "the proxy closed the connection during the handshake"
	refute grep -q SOCKS4 <<<"$stderr"
}

@test "socks5:// asks for each address of the target in turn while the proxy answers refused; -v names the next" {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
	    skip "needs root and unshare to give a name two addresses"
	printf '127.0.0.1 two.test\n127.0.0.2 two.test\n' >"$TMP/hosts"
	start_listener proxy --socks5 127.0.0.1:0
	local proxy=$LISTEN_PORT
	start_listener target -k 127.0.0.2:0 -c "printf 'hi\\n'"
	run --separate-stderr unshare -m sh -c "mount --bind '$TMP/hosts' \
	    /etc/hosts && exec \"\$SOCKIT\" --trace connect -v --proxy \
	    socks5://127.0.0.1:$proxy two.test:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = hi ]
	assert_stderr_contains "socks5> CONNECT 127.0.0.1:$LISTEN_PORT"
	assert_stderr_contains "sockit: proxy socks5: CONNECTION_REFUSED for 127.0.0.1, trying 127.0.0.2"
	assert_stderr_contains "socks5> CONNECT 127.0.0.2:$LISTEN_PORT"
}

@test "--wait asks the proxy again while it answers that the target refused" {
	start_listener proxy -v --socks5 127.0.0.1:0
	local proxy=$LISTEN_PORT port
	port=$(free_port)
	bg client "$SOCKIT" connect --wait 20 --proxy \
	    "socks5://127.0.0.1:$proxy" "127.0.0.1:$port"
	local client=$BG_PID
	wait_for_line "$TMP/proxy.err" "CONNECT 127.0.0.1:$port: .*CONNECTION_REFUSED"
	start_listener target "127.0.0.1:$port" -c "printf 'up\\n'"
	wait_for_exit "$client"
	wait "$client"
	[ "$(cat "$TMP/client.out")" = up ]
}

@test "--wait that runs out through a proxy: 124 naming --wait, one connected event; tinyproxy's 500 is worth another round" {
	start_listener proxy --socks5 127.0.0.1:0
	local port
	port=$(free_port)
	through "socks5://127.0.0.1:$LISTEN_PORT" --json --wait 0.2 \
	    "127.0.0.1:$port"
	assert_status 124
	assert_stderr_contains "127.0.0.1:$port did not accept a connection through proxy 127.0.0.1:$LISTEN_PORT within 0.2 s (--wait)"
	[ "$(grep -c '"event": "connected"' <<<"$stderr")" = 1 ]
	start_listener e500 -k 127.0.0.1:0 -c \
	    "printf 'HTTP/1.1 500 Unable to connect\\r\\n\\r\\n'"
	through "http://127.0.0.1:$LISTEN_PORT" --wait 0.2 "127.0.0.1:$port"
	assert_status 124
	assert_stderr_contains 'the proxy'"'"'s last answer: HTTP/1.1 500 Unable to connect'
}

@test "http:// at a SOCKS port: the 400's body line is shown and the hint names socks5h://" {
	start_listener proxy --socks5 127.0.0.1:0
	through "http://127.0.0.1:$LISTEN_PORT" 127.0.0.1:9
	assert_status 1
	assert_stderr_contains 'the proxy answered "HTTP/1.1 400 Bad Request" and said "this port speaks SOCKS4 and SOCKS5'
	assert_stderr_contains "this port is a SOCKS proxy, not an HTTP one: use --proxy socks5h://HOST:PORT"
}

@test "send -r -q 1 through a proxy: no FIN, the reply, and -q ends it with status 0" {
	start_listener proxy --socks5 127.0.0.1:0
	local proxy=$LISTEN_PORT
	start_listener echo -k --serve echo 127.0.0.1:0
	run --separate-stderr timeout -s KILL 20 "$SOCKIT" send -r -q 1 --trace \
	    --proxy "socks5://127.0.0.1:$proxy" "127.0.0.1:$LISTEN_PORT" hello
	assert_success
	[ "$output" = hello ]
	refute grep -q 'shutdown(' <<<"$stderr"
}

@test "explain knows the names of a proxy's answers: NOT_ALLOWED, REJECTED, 407" {
	run --separate-stderr sockit explain NOT_ALLOWED
	assert_success
	assert_output_contains "NOT_ALLOWED, socks5 2: Connection not allowed by ruleset"
	run --separate-stderr sockit explain rejected
	assert_success
	assert_output_contains "REJECTED, socks4 91"
	run --separate-stderr sockit explain --json 407
	assert_success
	[ "$(jq -r '.name + " " + .kind' <<<"$output")" = "HTTP_407 http" ]
}

@test "explain 0x05 is SOCKS5's reply, 91 names SOCKS4's REJECTED after the errno, 500, 400 and 401 are known" {
	run --separate-stderr sockit explain 0x05
	assert_success
	assert_output_contains "CONNECTION_REFUSED, socks5 5:"
	run --separate-stderr sockit explain 91
	assert_success
	assert_output_contains "EPROTOTYPE, errno 91"
	assert_output_contains "91 is also a socks4 proxy's answer, REJECTED: sockit explain REJECTED"
	run --separate-stderr sockit explain --list
	assert_output_contains "HTTP_500"
	assert_output_contains "HTTP_400"
	run --separate-stderr sockit explain 407
	assert_output_contains "sockit listen --http-proxy --auth-file FILE"
	run --separate-stderr sockit explain 401
	assert_success
	assert_output_contains "HTTP_401, http 401: Unauthorized"
}

@test "explain --json 91 names SOCKS4's REJECTED after the errno, as the text does; a name or 0x05 names one code" {
	run --separate-stderr sockit explain --json 91
	assert_success
	[ "$(jq -r '.name + " " + .also + " " + .also_kind' <<<"$output")" = "EPROTOTYPE REJECTED socks4" ]
	run --separate-stderr sockit explain --json 0x05
	assert_success
	[ "$(jq -r '.name + " " + (.also | tostring)' <<<"$output")" = "CONNECTION_REFUSED null" ]
}

@test "explain knows every name connect --proxy prints: 0x08 ADDRESS_TYPE_NOT_SUPPORTED, and 93 IDENTD_MISMATCH after the errno" {
	run --separate-stderr sockit explain 0x08
	assert_success
	assert_output_contains "ADDRESS_TYPE_NOT_SUPPORTED, socks5 8: Address type not supported"
	run --separate-stderr sockit explain 93
	assert_success
	assert_output_contains "93 is also a socks4 proxy's answer, IDENTD_MISMATCH: sockit explain IDENTD_MISMATCH"
}

@test "a reset after the tunnel is up names the target and the proxy it came through" {
	start_listener proxy --socks5 127.0.0.1:0
	local proxy=$LISTEN_PORT pid
	pid=$(sockit_under "$LISTEN_PID")
	start_listener target 127.0.0.1:0 -c 'cat >/dev/null'
	bg_fed client "$SOCKIT" connect -v --proxy "socks5://127.0.0.1:$proxy" \
	    "127.0.0.1:$LISTEN_PORT"
	local client=$BG_PID
	wait_for_line "$TMP/client.err" '^sockit: proxy socks5: connected to '
	# Bytes the stopped proxy never reads: its death then sends a reset.
	kill -STOP "$pid"
	echo unread >&"$FEED"
	local deadline=$((SECONDS + 10))
	until ss -tnH state established "( sport = :$proxy )" |
	    awk '$1 > 0 { found = 1 } END { exit !found }'; do
		((SECONDS <= deadline))
		sleep 0.05
	done
	kill -KILL "$pid"
	wait_for_exit "$client"
	assert_file_contains "$TMP/client.err" "sockit: recv from 127.0.0.1:$LISTEN_PORT through proxy 127.0.0.1:$proxy: recv: Connection reset by peer"
}
