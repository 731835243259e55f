#!/usr/bin/env bats
# tests/structs.bats: what the slides draw: --getsockopt's values read back and --trace=bytes's sockaddr layouts.
load test_helper

# A listener that gives up at once: its options are read back before bind,
# so the -w timeout (status 124) only ends the run.
readback() {
	run --separate-stderr sockit listen -w 0.01 "$@" 127.0.0.1:0
}

@test "--getsockopt SO_RCVBUF reads back twice what -o SO_RCVBUF set, and says the kernel doubled it" {
	readback -o SO_RCVBUF=4096 --getsockopt SO_RCVBUF
	assert_status 124
	assert_stderr_contains "sockit: SO_RCVBUF = 8192 (-o set 4096; the kernel doubles the value set"
}

@test "--getsockopt of a boolean option says on or off, and names are case-insensitive" {
	readback -o SO_KEEPALIVE=1 --getsockopt so_keepalive --getsockopt SO_OOBINLINE
	assert_status 124
	assert_stderr_contains "sockit: SO_KEEPALIVE = 1 (on)"
	assert_stderr_contains "sockit: SO_OOBINLINE = 0 (off)"
}

@test "--getsockopt TCP_NODELAY reads what -o TCP_NODELAY set" {
	readback --getsockopt TCP_NODELAY
	assert_stderr_contains "sockit: TCP_NODELAY = 0 (off)"
	readback -o TCP_NODELAY=1 --getsockopt TCP_NODELAY
	assert_stderr_contains "sockit: TCP_NODELAY = 1 (on)"
}

@test "--getsockopt is traced, with the optlen in textbook mode" {
	run --separate-stderr sockit --textbook --trace listen -w 0.01 \
	    -o SO_RCVBUF=4096 --getsockopt SO_RCVBUF 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "getsockopt(3, SOL_SOCKET, SO_RCVBUF, [8192], [4]) = 0"
}

@test "--getsockopt of an unknown name is a usage error naming it" {
	run --separate-stderr sockit connect --getsockopt SO_NOSUCH 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "unknown socket option 'SO_NOSUCH' for --getsockopt; known: SO_BINDTODEVICE"
}

@test "--getsockopt of a TCP option on a UDP socket fails at run time, naming the option" {
	run --separate-stderr sockit send -u --getsockopt TCP_NODELAY 127.0.0.1:9 x
	assert_status 1
	assert_stderr_contains "getsockopt TCP_NODELAY on 127.0.0.1:9"
}

# block_hex TEXT PREFIX: the bytes --trace=bytes printed under the first
# line of TEXT that starts with PREFIX, as one hex string, then a space and
# the "(N bytes)" count.
block_hex() {
	awk -v p="$2" '
		!found { if (index($0, p) == 1) found = 1; next }
		/^    [0-9a-f][0-9a-f] / || /^ +\| / {
			if (match($0, /\(([0-9]+) bytes\)$/)) {
				n = substr($0, RSTART + 1)
				sub(/ bytes\)$/, "", n)
				$0 = substr($0, 1, RSTART - 1)
			}
			gsub(/[^0-9a-f]/, "")
			hex = hex $0
			next
		}
		{ exit }
		END { print hex " " n }' <<<"$1"
}

# packed EXPR: Python's bytes EXPR (with socket and struct imported) as
# the hex string and byte count block_hex prints.
packed() {
	python3 -c 'import socket, struct, sys
b = eval(sys.argv[1])
print(b.hex(), len(b))' "$1"
}

# bound_port TEXT: the port getsockname() gave, from the -v line.
bound_port() {
	sed -n 's/^sockit: listening on .*://p' <<<"$1"
}

@test "--trace=bytes shows a sockaddr_in as Python's struct packs it: family in host order, port in network order" {
	run --separate-stderr sockit --trace=bytes listen -w 0.01 127.0.0.1:0
	assert_status 124
	port=$(bound_port "$stderr")
	[ -n "$port" ]
	got=$(block_hex "$stderr" "getsockname(3) = 0")
	want=$(packed "struct.pack('=H', socket.AF_INET) + struct.pack('!H', $port) + socket.inet_aton('127.0.0.1') + bytes(8)")
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	assert_stderr_contains "    sin_family | sin_port     | sin_addr    | sin_zero"
	assert_stderr_contains "    AF_INET    | htons($port) | 127.0.0.1   |"
}

@test "--trace=bytes shows a sockaddr_in6 field by field as Python packs it" {
	run --separate-stderr sockit --trace=bytes listen -w 0.01 '[::1]:0'
	assert_status 124
	port=$(bound_port "$stderr")
	[ -n "$port" ]
	got=$(block_hex "$stderr" "getsockname(3) = 0")
	want=$(packed "struct.pack('=H', socket.AF_INET6) + struct.pack('!H', $port) + struct.pack('!I', 0) + socket.inet_pton(socket.AF_INET6, '::1') + struct.pack('=I', 0)")
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	assert_stderr_contains "| sin6_port "
	assert_stderr_contains "| sin6_flowinfo | sin6_addr "
	assert_stderr_contains "| sin6_scope_id"
}

@test "--trace=bytes shows the sun_path bytes bind was given, its NUL included, over rows of 16" {
	path=$SOCKDIR/structs-bytes.sock
	run --separate-stderr sockit --textbook --trace=bytes listen -w 0.01 "unix:$path"
	assert_status 124
	got=$(block_hex "$stderr" "bind(3, ")
	want=$(packed "struct.pack('=H', socket.AF_UNIX) + b'$path' + b'\\0'")
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	assert_stderr_contains "    AF_UNIX    | \"$path\""
}

@test "--trace=bytes shows an abstract name's leading 00 and says it is abstract" {
	name=sockit-structs-$$-$BATS_TEST_NUMBER
	run --separate-stderr sockit --trace=bytes listen -w 0.01 "unix:@$name"
	assert_status 124
	got=$(block_hex "$stderr" "bind(3, ")
	want=$(packed "struct.pack('=H', socket.AF_UNIX) + b'\\0$name'")
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
	assert_stderr_contains "    AF_UNIX    | @\"$name\" (abstract: starts with 00)"
}

@test "--trace=bytes adds the bytes to textbook mode's lines and to a refused connect [long]" {
	port=$(refused_port)
	run --separate-stderr sockit --textbook --trace=bytes connect 127.0.0.1:"$port" </dev/null
	assert_status 1
	got=$(block_hex "$stderr" "connect(3, {AF_INET, 127.0.0.1:$port}, 16) = -1 ECONNREFUSED")
	want=$(packed "struct.pack('=H', socket.AF_INET) + struct.pack('!H', $port) + socket.inet_aton('127.0.0.1') + bytes(8)")
	[ "$got" = "$want" ] || { echo "got  $got"; echo "want $want"; return 1; }
}

@test "--trace without bytes prints no byte rows" {
	run --separate-stderr sockit --trace=full listen -w 0.01 127.0.0.1:0
	assert_status 124
	refute grep -q "sin_family |" <<<"$stderr"
}

@test "pair --getsockopt reads the first socket of the pair, and a TCP option fails on it" {
	run --separate-stderr sockit --trace pair --getsockopt SO_SNDBUF </dev/null
	assert_success
	want=$(python3 -c 'import socket
a, b = socket.socketpair()
print(a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))')
	assert_stderr_contains "sockit: SO_SNDBUF = $want"
	assert_stderr_contains "getsockopt(3, SOL_SOCKET, SO_SNDBUF, [$want]) = 0"
	run --separate-stderr sockit pair --getsockopt TCP_NODELAY </dev/null
	assert_status 1
	assert_stderr_contains "getsockopt TCP_NODELAY on the socket pair"
}
