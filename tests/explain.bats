#!/usr/bin/env bats
# tests/explain.bats: explain: every code of the course's tables explained, and --demo provoking each it can.
load test_helper

# demo NAME CALL: explain --demo NAME succeeds, its trace shows CALL
# failing with NAME, and its one line of verdict names CALL and NAME.
demo() {
	local name=$1 call=$2 ret="-1 $1"
	[[ $name == EAI_* ]] && ret=$name
	run --separate-stderr sockit explain --demo "$name"
	assert_success
	grep -qE "^(\[pid [0-9]+\] )?$call\(.*\) = $ret \(" <<<"$stderr" || {
		echo "no trace line of $call failing with $name" >&2
		echo "stderr: $stderr" >&2
		return 1
	}
	[[ $output == "$call failed with $name ("*"), as promised" ]] || {
		echo "verdict: $output" >&2
		return 1
	}
}

@test "demo EACCES: sendto the loopback broadcast address without SO_BROADCAST" {
	demo EACCES sendto
}

@test "demo EADDRINUSE: a second bind to a port another socket holds" {
	demo EADDRINUSE bind
}

@test "demo EADDRNOTAVAIL: bind to an address that is not on this host" {
	demo EADDRNOTAVAIL bind
	grep -qF 'bind(3, {AF_INET, 192.0.2.1:0})' <<<"$stderr"
}

@test "demo EAFNOSUPPORT: connect an AF_INET socket to an IPv6 address" {
	demo EAFNOSUPPORT connect
}

@test "demo EAGAIN: recv on an empty non-blocking socket" {
	demo EAGAIN recv
}

@test "demo EALREADY: connect again while the first connect is pending" {
	demo EALREADY connect
	grep -qE 'connect\(5, .*\) = -1 EINPROGRESS' <<<"$stderr"
}

@test "demo EBADF: send on a closed descriptor" {
	demo EBADF send
}

@test "demo ECONNREFUSED: connect to a port bound but not listening" {
	demo ECONNREFUSED connect
}

@test "demo ECONNRESET: send after the peer reset the connection" {
	demo ECONNRESET send
	grep -qF 'SO_LINGER, {l_onoff=1, l_linger=0}) = 0' <<<"$stderr"
}

@test "demo EDESTADDRREQ: send on an unconnected UDP socket" {
	demo EDESTADDRREQ send
}

@test "demo EFAULT: recv into an address that is not mapped" {
	demo EFAULT recv
	grep -qF 'recv(3, 0x1, 1, MSG_DONTWAIT) = -1 EFAULT' <<<"$stderr"
}

@test "demo EINPROGRESS: a non-blocking connect that cannot finish at once" {
	demo EINPROGRESS connect
}

@test "demo EINTR: a blocking accept interrupted by SIGALRM" {
	demo EINTR accept
	grep -qF 'sigaction(SIGALRM, {sa_handler=on_alarm, sa_flags=0}' \
	    <<<"$stderr"
}

@test "demo EINVAL: bind twice" {
	demo EINVAL bind
}

@test "demo EISCONN: connect on a connected socket" {
	demo EISCONN connect
}

@test "demo EMFILE: socket past RLIMIT_NOFILE, in a child" {
	demo EMFILE socket
	grep -qE 'setrlimit\(RLIMIT_NOFILE, \{rlim_cur=[0-9]+' <<<"$stderr"
}

@test "demo EMSGSIZE: a UDP datagram of 65508 bytes" {
	demo EMSGSIZE sendto
}

@test "demo ENOBUFS: one multicast join past the limit of groups" {
	demo ENOBUFS setsockopt
	grep -qF 'gr_interface=if_nametoindex("lo")' <<<"$stderr"
}

@test "demo ENOPROTOOPT: a TCP option on a UDP socket" {
	demo ENOPROTOOPT setsockopt
}

@test "demo ENOTCONN: getpeername on an unconnected socket" {
	demo ENOTCONN getpeername
}

@test "demo ENOTSOCK: getsockname on a pipe" {
	demo ENOTSOCK getsockname
}

# userns: true when this machine lets a user make a network namespace.
userns() {
	command -v unshare >/dev/null && unshare -rn true 2>/dev/null
}

@test "demo ENETUNREACH: connect in a network namespace of its own" {
	userns || skip "user namespaces are off here"
	demo ENETUNREACH connect
	grep -qF 'unshare(CLONE_NEWUSER|CLONE_NEWNET) = 0' <<<"$stderr"
}

@test "demo EHOSTUNREACH: connect on a route of type unreachable, in a namespace" {
	userns || skip "user namespaces are off here"
	demo EHOSTUNREACH connect
	grep -qF 'SIOCADDRT, {rt_dst={AF_INET, 192.0.2.0:0}' <<<"$stderr"
}

@test "a demo whose set-up fails says which step, and exits 1" {
	userns || skip "user namespaces are off here"
	# No namespace may be made under this one: the demo's unshare fails.
	run --separate-stderr unshare -Ur sh -c \
	    'echo 0 >/proc/sys/user/max_user_namespaces || exit 99
	    exec "$0" explain --demo ENETUNREACH' "$SOCKIT"
	[ "$status" -ne 99 ] || skip "max_user_namespaces cannot be set here"
	assert_status 1
	assert_stderr_contains "unshare, a step before the one that shows ENETUNREACH, failed"
	[ -z "$output" ]
}

@test "demo EOPNOTSUPP: listen on a datagram socket" {
	demo EOPNOTSUPP listen
}

@test "demo EPIPE: the second send after the peer reset" {
	demo EPIPE send
	grep -qE 'send\(4, .*\) = -1 ECONNRESET' <<<"$stderr"
}

@test "demo EPROTONOSUPPORT: socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)" {
	demo EPROTONOSUPPORT socket
	grep -qF 'socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) = -1' <<<"$stderr"
}

@test "demo EPROTOTYPE: a unix stream connect to a datagram socket" {
	TMPDIR=$SOCKDIR demo EPROTOTYPE connect
	# The path was the demo's own, and it is gone.
	refute compgen -G "$SOCKDIR/sockit-demo-*"
}

@test "demo ESOCKTNOSUPPORT: socket(AF_INET, SOCK_SEQPACKET, IPPROTO_TCP)" {
	demo ESOCKTNOSUPPORT socket
}

@test "demo ETIMEDOUT: connect to a full backlog, with TCP_SYNCNT 1" {
	demo ETIMEDOUT connect
	grep -qF 'TCP_SYNCNT, [1]) = 0' <<<"$stderr"
}

@test "demo EAI_ADDRFAMILY, EAI_BADFLAGS, EAI_FAMILY from getaddrinfo" {
	demo EAI_ADDRFAMILY getaddrinfo
	demo EAI_BADFLAGS getaddrinfo
	demo EAI_FAMILY getaddrinfo
}

@test "demo EAI_NONAME, EAI_SERVICE, EAI_SOCKTYPE from getaddrinfo" {
	demo EAI_NONAME getaddrinfo
	demo EAI_SERVICE getaddrinfo
	demo EAI_SOCKTYPE getaddrinfo
}

@test "demo EAI_OVERFLOW: getnameinfo into a buffer too small" {
	demo EAI_OVERFLOW getnameinfo
}

@test "demo trace lines are --trace's: untagged, and with --trace=time timed" {
	run --separate-stderr sockit explain --demo EISCONN
	assert_success
	# Only a child's lines carry a pid, as with any other command.
	refute grep -q '^\[pid' <<<"$stderr"
	run --separate-stderr sockit --trace=time explain --demo EISCONN
	assert_success
	grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} connect\(4, .*EISCONN' \
	    <<<"$stderr"
}

@test "demo of a code that cannot be provoked here fails and names it" {
	run --separate-stderr sockit explain --demo ENFILE
	assert_status 1
	assert_stderr_contains "no demo of ENFILE here"
	[ -z "$output" ]
}

@test "demo --json: one object that says the promise held" {
	run --separate-stderr sockit explain --demo --json EISCONN
	assert_success
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["name"] == "EISCONN" and d["call"] == "connect", d
assert d["want"] == "EISCONN" and d["got"] == "EISCONN" and d["ok"], d
' "$output"
}

@test "explain NAME: meaning, the calls that return it, what to check, how to provoke it" {
	run --separate-stderr sockit explain ECONNREFUSED
	assert_success
	[[ ${lines[0]} == "ECONNREFUSED, errno 111: Connection refused" ]]
	assert_output_contains "Who returns it"
	assert_output_contains "connect returns it when the peer answers"
	assert_output_contains "What to check"
	assert_output_contains "\$ sockit explain --demo ECONNREFUSED"
}

@test "explain takes any case, and an errno number for its name" {
	run sockit explain 111
	assert_success
	local by_number=$output
	run sockit explain econnrefused
	assert_success
	[ "$output" = "$by_number" ]
}

@test "explain EWOULDBLOCK is EAGAIN, by its other name" {
	run sockit explain EWOULDBLOCK
	assert_success
	[[ ${lines[0]} == "EAGAIN, errno 11: "* ]]
	assert_output_contains "Also called EWOULDBLOCK"
}

@test "explain an EAI_ code and an h_errno name" {
	run sockit explain EAI_NONAME
	assert_success
	[[ ${lines[0]} == "EAI_NONAME, getaddrinfo -2: Name or service not known" ]]
	run sockit explain try_again
	assert_success
	[[ ${lines[0]} == "TRY_AGAIN, h_errno 2: "* ]]
	assert_output_contains "gethostbyname"
}

@test "explain a code that cannot be provoked here says what it would take" {
	run sockit explain ENFILE
	assert_success
	assert_output_contains "system-wide file table"
	refute grep -qF -- "--demo" <<<"$output"
}

@test "explain an errno outside the course's table gives libc's text" {
	run --separate-stderr sockit explain ENOENT
	assert_success
	[[ ${lines[0]} == "ENOENT, errno 2: "* ]]
}

@test "explain an unknown name: exit 2, naming it and the nearest names" {
	run --separate-stderr sockit explain ECONREFUSED
	assert_status 2
	assert_stderr_contains "unknown error name 'ECONREFUSED'"
	assert_stderr_contains "did you mean ECONNREFUSED?"
	run --separate-stderr sockit explain econn
	assert_status 2
	assert_stderr_contains "ECONNABORTED, ECONNREFUSED or ECONNRESET"
	run --separate-stderr sockit explain 99999
	assert_status 2
	assert_stderr_contains "'99999'"
}

@test "explain without a NAME, or --list with one, is a usage error" {
	run --separate-stderr sockit explain
	assert_status 2
	assert_stderr_contains "needs an error NAME"
	run --separate-stderr sockit explain --list EINVAL
	assert_status 2
	assert_stderr_contains "--list"
}

@test "explain --list: a line per code, with its number and meaning" {
	run --separate-stderr sockit explain --list
	assert_success
	[ "${#lines[@]}" -eq 70 ]
	grep -qE '^ECONNREFUSED +111  Connection refused \[demo\]$' <<<"$output"
	grep -qE '^EAI_AGAIN +-3  Temporary failure in name resolution$' \
	    <<<"$output"
	grep -qE '^HOST_NOT_FOUND +1  ' <<<"$output"
	# The numbers line up, the longest name (a SOCKS reply's) too.
	[ "$(awk '{ match($0, /^[A-Z_0-9]+ +-?[0-9]+/); print RLENGTH }' \
	    <<<"$output" | sort -u | wc -l)" -eq 1 ]
}

@test "explain --json and --list --json are valid JSON" {
	run --separate-stderr sockit explain --json EMSGSIZE
	assert_success
	local one=$output
	run --separate-stderr sockit explain --list --json
	assert_success
	# json.loads refuses anything that is not one valid JSON document.
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["name"] == "EMSGSIZE" and d["number"] == 90 and d["demo"], d
assert d["alias"] is None and d["kind"] == "errno", d
t = json.loads(sys.argv[2])
assert len(t) == 70, len(t)
assert {"ENFILE", "EAI_NONAME", "NO_DATA", "NOT_ALLOWED", "HTTP_407"} <= {e["name"] for e in t}
' "$one" "$output"
}
