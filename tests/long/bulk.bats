#!/usr/bin/env bats
# tests/long/bulk.bats: make check-long: 10 GiB through one connection, checksummed at both ends.
# run alone: 10 GiB keeps both cores and loopback busy for a minute, which would stretch other tests past their deadlines
load ../test_helper

: "${LONG_GIB:=10}"

@test "$LONG_GIB GiB through one TCP connection arrive with the same SHA-256" {
	BG_LIMIT=1800
	bg srv bash -c "\"\$SOCKIT\" listen -v 127.0.0.1:0 </dev/null | sha256sum >\"$TMP/out.sum\""
	local listener=$BG_PID
	wait_for_line "$TMP/srv.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	# The same pseudo-random stream, made twice: once summed, once sent.
	local make_data="openssl enc -aes-128-ctr -nosalt -pass pass:sockit -in /dev/zero 2>/dev/null | head -c $((LONG_GIB * 1024 * 1024 * 1024))"
	bash -c "$make_data | sha256sum" >"$TMP/in.sum" &
	local summer=$!
	timeout 1800 bash -c "$make_data | \"\$SOCKIT\" connect -v 127.0.0.1:$port" \
	    2>"$TMP/client.err" 3>&-
	wait "$summer"
	wait_for_exit "$listener" 600
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cut -d' ' -f1 "$TMP/out.sum")" = "$(cut -d' ' -f1 "$TMP/in.sum")" ]
	grep -q "^sockit: sent $((LONG_GIB * 1024 * 1024 * 1024)) bytes" "$TMP/client.err"
}
