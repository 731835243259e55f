#!/usr/bin/env bats
# tests/resolving.bats: signals while the resolver waits on a name server that never answers.
# run alone: binds 127.0.0.2:53, which one run at a time can hold
load test_helper

@test "SIGINT, SIGTERM and SIGHUP while resolving end with 128+N once the resolver gives up [long]" {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
	    skip "needs root and unshare to give the resolver a silent server"
	# A name server that reads every query and never answers.
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
