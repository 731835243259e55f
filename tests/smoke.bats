#!/usr/bin/env bats
# tests/smoke.bats: placeholder removed once the real files land.
load test_helper

@test "connect and listen exchange a line each way over TCP" {
	echo "from server" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr bash -c 'echo "from client" | "$SOCKIT" connect 127.0.0.1:'"$LISTEN_PORT"
	assert_success
	[ "$output" = "from server" ]
	wait_for_exit "$LISTEN_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/srv.out")" = "from client" ]
}
