#!/usr/bin/env bats
# tests/resolving.bats: signals while the resolver waits on a name server that never answers.
# run alone: binds 127.0.0.2:53, which one run at a time can hold
load test_helper

# start_silent_dns: a name server on 127.0.0.2:53 that reads every query,
# prints "query" for each to $TMP/dns.out, and never answers; skips the
# test when that port is taken.
start_silent_dns() {
	bg dns python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind(("127.0.0.2", 53))
except OSError as e:
    print("busy", e, flush=True)
    sys.exit(0)
print("ready", flush=True)
while True:
    s.recvfrom(512)
    print("query", flush=True)'
	wait_for_line "$TMP/dns.out" '^(ready|busy)'
	if grep -q '^busy' "$TMP/dns.out"; then
		skip "127.0.0.2 port 53 is taken: $(cat "$TMP/dns.out")"
	fi
}

@test "SIGINT, SIGTERM and SIGHUP while resolving end with 128+N once the resolver gives up [long]" {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
	    skip "needs root and unshare to give the resolver a silent server"
	start_silent_dns
	printf 'nameserver 127.0.0.2\noptions timeout:1 attempts:1\n' \
	    >"$TMP/resolv.conf"
	local sig pid queries=0
	for sig in INT TERM HUP; do
		unshare -m sh -c "mount --bind '$TMP/resolv.conf' /etc/resolv.conf &&
		    exec \"\$SOCKIT\" connect nothing-answers.example:80" \
		    </dev/null >/dev/null 2>"$TMP/client.err" 3>&- &
		pid=$!
		BG_PIDS+=("$pid")
		queries=$((queries + 1))
		local deadline=$((SECONDS + 10))
		until [ "$(grep -c '^query$' "$TMP/dns.out")" -ge "$queries" ]; do
			((SECONDS <= deadline))
			nap
		done
		queries=$(grep -c '^query$' "$TMP/dns.out")
		kill "-$sig" "$pid"
		wait_for_exit "$pid" 15
		[ "$EXIT_STATUS" -eq $((128 + $(kill -l "$sig"))) ]
	done
}

@test "listen --socks5: a name the DNS server does not answer holds up no other name's lookup" {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
	    skip "needs root and unshare to give the resolver a silent server"
	start_silent_dns
	# Long enough that the slow name is still unanswered when the other
	# one is through, on a slow machine too; the test does not wait it.
	printf 'nameserver 127.0.0.2\noptions timeout:30 attempts:1\n' \
	    >"$TMP/resolv.conf"
	bg proxy unshare -m sh -c "mount --bind '$TMP/resolv.conf' \
	    /etc/resolv.conf && exec \"\$SOCKIT\" listen -v --socks5 \
	    --allow-to 127.0.0.0/8 127.0.0.1:0"
	wait_for_line "$TMP/proxy.err" '^sockit: listening on '
	local proxy_port
	proxy_port=$(sed -n 's/^sockit: listening on 127.0.0.1://p' \
	    "$TMP/proxy.err")
	start_listener target -k --serve echo 127.0.0.1:0
	bg slow "$SOCKIT" connect -w 60 \
	    --proxy "socks5h://127.0.0.1:$proxy_port" slow-name.example:80
	wait_for_line "$TMP/dns.out" '^query$'
	# localhost is in /etc/hosts: only a worker held by the slow name
	# would keep it waiting.
	printf 'hello\n' >"$TMP/fast.in"
	run --separate-stderr timeout 20 "$SOCKIT" connect --shutdown wr \
	    --proxy "socks5h://127.0.0.1:$proxy_port" "localhost:$LISTEN_PORT" \
	    <"$TMP/fast.in"
	assert_success
	[ "$output" = hello ]
	refute grep -q 'slow-name.example' "$TMP/proxy.err"
	refute grep -q . "$TMP/slow.err"
}
