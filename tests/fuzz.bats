#!/usr/bin/env bats
# tests/fuzz.bats: every fuzz target replays its seed corpus and the crashers kept, under the build's own compiler.
load test_helper

FUZZ=$BATS_TEST_DIRNAME/fuzz

replay() {
	local target=$1
	[ -n "${FUZZ_REPLAY:-}" ] || skip "FUZZ_REPLAY is not set (make check sets it)"
	run "$FUZZ_REPLAY/fuzz-replay-$target" "$FUZZ/corpus/$target" \
	    "$FUZZ/regress/$target"
	assert_success
	[[ "$output" =~ ^replayed\ [1-9][0-9]*\ inputs$ ]]
}

@test "the endpoint parser takes every seed and kept crasher" {
	replay endpoint
}

@test "the option parser takes every argument vector kept" {
	replay argv
}

@test "the -E escape decoder takes every input kept" {
	replay escape
}

@test "the hex dumper takes every input kept" {
	replay hexdump
}

@test "the JSON encoder takes every input kept" {
	replay json
}

@test "the --pin parser and base64 take every input kept" {
	replay pin
}

@test "the --alpn list parser takes every input kept" {
	replay alpn
}

@test "the STARTTLS answer parsers take every input kept" {
	replay starttls
}

@test "the --trace=bytes sockaddr layout takes every input kept" {
	replay sabytes
}

@test "the sock_diag reply reader takes every reply kept" {
	replay tcpdiag
}

@test "the SOCKS and HTTP CONNECT server's parsers take every request kept" {
	replay proxy_server
}
