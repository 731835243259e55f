#!/usr/bin/env bats
# tests/long/stress.bats: make check-long: a thousand connections to one server.
# run alone: a thousand connections and forked children at once, which other tests would share the process and port space with
load ../test_helper

@test "the parent's descriptors stay the same after 1,000 connections" {
	# A thousand fork+exec on a loaded machine may outlast BG_LIMIT.
	BG_LIMIT=85 start_listener srv --fork -c 'echo hi' 127.0.0.1:0
	local pid before after
	pid=$(pgrep -P "$LISTEN_PID" -x sockit)
	run python3 "$BATS_TEST_DIRNAME/../many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 10 --serial --expect 'hi\n'
	wait_for_children "$pid" 0
	before=$(ls "/proc/$pid/fd" | wc -l)
	run python3 "$BATS_TEST_DIRNAME/../many_clients.py" 127.0.0.1 \
	    "$LISTEN_PORT" 1000 --serial --expect 'hi\n'
	assert_success
	wait_for_children "$pid" 0
	after=$(ls "/proc/$pid/fd" | wc -l)
	[ "$after" -eq "$before" ]
}
