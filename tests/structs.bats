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
