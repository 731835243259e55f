#!/usr/bin/env bats
# tests/resolve_legacy.bats: resolve --legacy and --proto: hostent, servent and protoent field by field; inet_ntop in the trace.
load test_helper

# Only /etc/hosts answers these, but for the .invalid name: a lookup that
# reaches a name server then gives up fast instead of waiting.
export RES_OPTIONS="timeout:1 attempts:1"

need_service() {
	getent services "$1" >/dev/null || skip "no $1 in the services database"
}

# field TEXT NAME: the value printed beside the struct field NAME.
field() {
	sed -n "s/^$2  *//p" <<<"$1"
}

@test "resolve --legacy NAME prints gethostbyname's hostent field by field" {
	run --separate-stderr sockit resolve --legacy localhost
	assert_success
	[ "$(field "$output" h_name)" = localhost ]
	[ "$(field "$output" h_addrtype)" = AF_INET ]
	[ "$(field "$output" h_length)" = 4 ]
	[[ " $(field "$output" h_addr_list) " == *" 127.0.0.1 "* ]]
	[ -n "$(field "$output" h_aliases)" ]
}

@test "resolve --legacy --trace shows gethostbyname's struct and an inet_ntop per address" {
	run --separate-stderr sockit resolve --trace --legacy localhost
	assert_success
	assert_stderr_contains 'gethostbyname("localhost") = {h_name="localhost", h_aliases=['
	assert_stderr_contains ', h_addrtype=AF_INET, h_length=4, h_addr_list=['
	assert_stderr_contains 'inet_ntop(AF_INET, [7f 00 00 01], "127.0.0.1", 16) = "127.0.0.1"'
}

@test "resolve --legacy ADDRESS asks gethostbyaddr with the address's bytes, and names it as the C library does" {
	want=$(python3 -c 'import socket; print(socket.gethostbyaddr("127.0.0.1")[0])')
	run --separate-stderr sockit resolve --trace --legacy 127.0.0.1
	assert_success
	[ "$(field "$output" h_name)" = "$want" ]
	[[ " $(field "$output" h_addr_list) " == *" 127.0.0.1 "* ]]
	assert_stderr_contains "gethostbyaddr([7f 00 00 01], 4, AF_INET) = {h_name=\"$want\""
}

@test "resolve --legacy of an unknown name fails with h_errno HOST_NOT_FOUND and a hint" {
	name=no-such-host-$$.invalid
	run --separate-stderr sockit resolve --trace --legacy "$name"
	[[ $stderr != *TRY_AGAIN* ]] || skip "no name server answered for .invalid"
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "gethostbyname(\"$name\") = NULL (h_errno=HOST_NOT_FOUND)"
	assert_stderr_contains "sockit: gethostbyname $name: Unknown host (HOST_NOT_FOUND)"
	assert_stderr_contains "the name is in neither /etc/hosts nor DNS"
}

@test "resolve --legacy of a service prints the servent, s_port as htons [long]" {
	need_service http/tcp
	run --separate-stderr sockit resolve --trace --legacy --service http --tcp
	assert_success
	[ "$(field "$output" s_name)" = http ]
	[ "$(field "$output" s_port)" = "htons($(python3 -c 'import socket; print(socket.getservbyname("http", "tcp"))'))" ]
	[ "$(field "$output" s_proto)" = tcp ]
	assert_stderr_contains 'getservbyname("http", "tcp") = {s_name="http", s_port=htons(80)'
	run --separate-stderr sockit resolve --trace --legacy 80/tcp
	assert_success
	[ "$(field "$output" s_name)" = http ]
	assert_stderr_contains 'getservbyport(htons(80), "tcp") = {s_name="http"'
}

@test "resolve --proto answers the protocols database by name and by number [long]" {
	run --separate-stderr sockit resolve --trace --proto tcp
	assert_success
	[ "$(field "$output" p_name)" = tcp ]
	[ "$(field "$output" p_proto)" = "$(python3 -c 'import socket; print(socket.getprotobyname("tcp"))')" ]
	assert_stderr_contains 'getprotobyname("tcp") = {p_name="tcp", p_aliases=['
	run --separate-stderr sockit resolve --trace --proto 17
	assert_success
	[ "$(field "$output" p_name)" = udp ]
	assert_stderr_contains 'getprotobynumber(17) = {p_name="udp"'
	run --separate-stderr sockit resolve --proto no-such-protocol
	assert_status 1
	assert_stderr_contains "protocol 'no-such-protocol' is not in the protocols database"
}

@test "resolve --legacy and --proto answer in JSON with --json" {
	run --separate-stderr sockit resolve --json --legacy localhost
	assert_success
	python3 -c 'import json, sys
o = json.loads(sys.argv[1])
assert o["call"] == "gethostbyname" and o["h_name"] == "localhost", o
assert o["h_addrtype"] == "AF_INET" and o["h_length"] == 4, o
assert "127.0.0.1" in o["h_addr_list"], o' "$output"
	run --separate-stderr sockit resolve --json --proto 6
	assert_success
	python3 -c 'import json, sys
o = json.loads(sys.argv[1])
assert o == dict(o, call="getprotobynumber", p_name="tcp", p_proto=6), o' "$output"
}

@test "resolve --trace shows inet_ntop for each address it turns into text" {
	run --separate-stderr sockit resolve --trace --numeric 127.0.0.1
	assert_success
	assert_stderr_contains 'inet_ntop(AF_INET, [7f 00 00 01], "127.0.0.1", 16) = "127.0.0.1"'
	run --separate-stderr sockit resolve --trace --numeric ::1
	assert_success
	assert_stderr_contains 'inet_ntop(AF_INET6, [00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01], "::1", 46) = "::1"'
}

@test "resolve --legacy and --proto refuse what does not apply, naming it" {
	run --separate-stderr sockit resolve --legacy -6 localhost
	assert_status 2
	assert_stderr_contains "-6 does not apply to --legacy"
	run --separate-stderr sockit resolve --proto tcp localhost
	assert_status 2
	assert_stderr_contains "--proto takes no NAME, but 'localhost' was given"
	run --separate-stderr sockit resolve --proto 256
	assert_status 2
	assert_stderr_contains "protocol number 256 is outside 0-255"
}
