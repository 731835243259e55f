#!/usr/bin/env bats
# tests/textbook.bats: --textbook runs each command with the blocking calls of a course's C program.
load test_helper

# tb_server NAME ARGS...: `sockit --textbook --trace ARGS` in the
# background, whose "listening on" line gives TB_PID and TB_PORT.
tb_server() {
	local name=$1
	shift
	bg "$name" "$SOCKIT" --textbook --trace "$@"
	TB_PID=$BG_PID
	wait_for_line "$TMP/$name.err" '^sockit: listening on ' 10 || return 1
	TB_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/$name.err" |
	    head -n 1)
}

# assert_line_in TEXT LINE: LINE is a whole line of TEXT.
assert_line_in() {
	if ! grep -qxF -- "$2" <<<"$1"; then
		echo "expected the line: $2" >&2
		echo "in: $1" >&2
		return 1
	fi
}

# assert_match_in TEXT REGEX: a whole line of TEXT matches REGEX.
assert_match_in() {
	if ! grep -qxE -- "$2" <<<"$1"; then
		echo "expected a line matching: $2" >&2
		echo "in: $1" >&2
		return 1
	fi
}

# A python peer that accepts and then neither sends nor closes: it prints
# its port once it listens; teardown ends it.
quiet_peer() {
	bg quiet python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
'
	wait_for_line "$TMP/quiet.out" '^[0-9]+$' 10
	QUIET_PORT=$(head -n 1 "$TMP/quiet.out")
}

@test "a refused connect is one blocking connect: ECONNREFUSED, its length, no fcntl, no fold" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit --textbook --trace connect "127.0.0.1:$port"
	assert_status 1
	assert_line_in "$stderr" "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3"
	assert_line_in "$stderr" "connect(3, {AF_INET, 127.0.0.1:$port}, 16) = -1 ECONNREFUSED (Connection refused)"
	refute grep -q 'fcntl(' <<<"$stderr"
	refute grep -q 'folded' <<<"$stderr"
	refute grep -q 'SO_ERROR' <<<"$stderr"
	assert_stderr_contains "connect to 127.0.0.1:$port: connect: Connection refused (ECONNREFUSED)"
}

@test "send -u sends with sendto on a socket it never connects" {
	start_recv rcv -u --count 1 127.0.0.1:0
	run --separate-stderr sockit --textbook --trace send -u "127.0.0.1:$RECV_PORT" hola
	assert_success
	assert_line_in "$stderr" "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3"
	assert_line_in "$stderr" "sendto(3, \"hola\", 4, 0, {AF_INET, 127.0.0.1:$RECV_PORT}, 16) = 4"
	refute grep -q '^connect(' <<<"$stderr"
	wait_for_exit "$RECV_PID"
	[ "$(cat "$TMP/rcv.out")" = hola ]
}

@test "an unconnected UDP client never hears ECONNREFUSED from a closed port" {
	local port
	port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	run --separate-stderr sockit --textbook --trace connect -u -q 0.5 \
	    "127.0.0.1:$port" <<<"anyone"
	assert_success
	assert_match_in "$stderr" "sendto\\(3, \"anyone\\\\n\", 7, 0, \\{AF_INET, 127\\.0\\.0\\.1:$port\\}, 16\\) = 7"
	refute grep -q ECONNREFUSED <<<"$stderr"
}

@test "connect -u talks to a UDP echo with sendto and recvfrom [long]" {
	tb_server srv listen -v -u --serve echo 127.0.0.1:0
	run --separate-stderr sockit --textbook --trace connect -u -w 5 -q 5 \
	    "127.0.0.1:$TB_PORT" <<<"ping"
	assert_success
	[ "$output" = ping ]
	assert_match_in "$stderr" "recvfrom\\(3, \"ping\\\\n\", 1024, MSG_TRUNC, \\{AF_INET, 127\\.0\\.0\\.1:$TB_PORT\\}\\) = 5"
	# The server: one unconnected socket, recvfrom then sendto back.
	assert_match_in "$(cat "$TMP/srv.err")" "sendto\\(3, \"ping\\\\n\", 5, 0, \\{AF_INET, 127\\.0\\.0\\.1:[0-9]+\\}, 16\\) = 5"
}

@test "listen --fork --serve echo: fork(), the two closes, the child's recv and send, waitpid [long]" {
	tb_server srv listen -v --fork --serve echo 127.0.0.1:0
	run sockit --textbook connect "127.0.0.1:$TB_PORT" <<<"hola"
	assert_success
	[ "$output" = hola ]
	# The reaping loop ends with the call that finds no more.
	wait_for_line "$TMP/srv.err" '^waitpid\(-1, \[\], WNOHANG\) = 0$'
	local t child
	t=$(cat "$TMP/srv.err")
	assert_line_in "$t" "sigaction(SIGCHLD, {sa_handler=reap, sa_flags=0}, NULL) = 0"
	child=$(sed -nE 's/^fork\(\) = ([0-9]+)$/\1/p' <<<"$t" | head -n 1)
	[ -n "$child" ]
	# The parent closes the connection, the child the listening socket.
	assert_line_in "$(sed -n "/^fork() = $child\$/,\$p" <<<"$t" |
	    grep -v '^\[pid' | sed -n 2,3p)" "close(4) = 0"
	assert_line_in "$t" "[pid $child] close(3) = 0"
	assert_line_in "$t" "[pid $child] recv(4, \"hola\\n\", 1024, 0) = 5"
	assert_line_in "$t" "[pid $child] send(4, \"hola\\n\", 5, 0) = 5"
	assert_line_in "$t" "waitpid(-1, [exit status 0], WNOHANG) = $child"
	# No vfork, and none of the child's lines before its fork line.
	refute grep -q 'vfork' <<<"$t"
	[ "$(grep -nE "^(fork\(\) = $child|\[pid $child\] )" <<<"$t" |
	    head -n 1 | cut -d: -f2-)" = "fork() = $child" ]
	# SIGCHLD cut the blocking accept short, and the loop reaped.
	assert_line_in "$t" "accept(3) = -1 EINTR (Interrupted system call)"
}

@test "-w bounds a blocking connect with SO_SNDTIMEO; its EINPROGRESS is the timeout" {
	# A listener whose backlog is full drops our SYN: the connect waits.
	bg full python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
held = []
for i in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(s.getsockname())
    except BlockingIOError:
        pass
    held.append(c)
print(s.getsockname()[1], flush=True)
time.sleep(60)
'
	wait_for_line "$TMP/full.out" '^[0-9]+$' 10
	local port
	port=$(head -n 1 "$TMP/full.out")
	run --separate-stderr sockit --textbook --trace connect -w 1 "127.0.0.1:$port"
	assert_status 124
	assert_line_in "$stderr" "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {tv_sec=1, tv_usec=0}) = 0"
	assert_line_in "$stderr" "connect(3, {AF_INET, 127.0.0.1:$port}, 16) = -1 EINPROGRESS (Operation now in progress)"
	assert_stderr_contains "connect to 127.0.0.1:$port: no answer within 1 s (-w)"
}

@test "-i bounds a blocking recv with SO_RCVTIMEO; its EAGAIN ends with status 124 [long]" {
	quiet_peer
	run --separate-stderr sockit --textbook --trace connect -i 1 \
	    "127.0.0.1:$QUIET_PORT" </dev/null
	assert_status 124
	assert_line_in "$stderr" "shutdown(3, SHUT_WR) = 0"
	assert_line_in "$stderr" "setsockopt(3, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=1, tv_usec=0}) = 0"
	assert_match_in "$stderr" 'recv\(3, 0x[0-9a-f]+, 1024, 0\) = -1 EAGAIN \(Resource temporarily unavailable\)'
	assert_stderr_contains "no data moved for 1 s with 127.0.0.1:$QUIET_PORT (-i)"
}

@test "-w bounds a blocking accept with SO_RCVTIMEO" {
	run --separate-stderr sockit --textbook --trace listen -w 0.2 127.0.0.1:0
	assert_status 124
	assert_line_in "$stderr" "setsockopt(3, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=200000}) = 0"
	assert_line_in "$stderr" "accept(3) = -1 EAGAIN (Resource temporarily unavailable)"
	assert_stderr_contains "no connection on 127.0.0.1:"
}

@test "poll watches stdin and the socket; --textbook=select shows select instead [long]" {
	tb_server srv listen -v -k --serve upper 127.0.0.1:0
	run --separate-stderr sockit --textbook --trace connect "127.0.0.1:$TB_PORT" <<<"abc"
	assert_success
	[ "$output" = ABC ]
	assert_match_in "$stderr" 'poll\(\[\{0, POLLIN\}, \{3, POLLIN\}\], -1\) = [12] .*'
	refute grep -q '^select(' <<<"$stderr"
	run --separate-stderr sockit --textbook=select --trace connect "127.0.0.1:$TB_PORT" <<<"def"
	assert_success
	[ "$output" = DEF ]
	assert_match_in "$stderr" 'select\(4, \[0 3\], NULL, NULL, NULL\) = [12] \(in \[[0-9 ]+\]\)'
	assert_line_in "$stderr" 'read(0, "def\n", 1024) = 4'
	assert_line_in "$stderr" 'send(3, "def\n", 4, 0) = 4'
	refute grep -q '^poll(' <<<"$stderr"
}

@test "--bufsize 4: every recv asks for 4 bytes at most" {
	tb_server srv --bufsize 4 listen -v 127.0.0.1:0
	run sockit --textbook connect "127.0.0.1:$TB_PORT" <<<"hello, world"
	assert_success
	wait_for_exit "$TB_PID"
	[ "$(cat "$TMP/srv.out")" = "hello, world" ]
	local t
	t=$(grep -E '^recv\(' "$TMP/srv.err")
	[ "$(wc -l <<<"$t")" -ge 4 ]
	refute grep -vE '^recv\(4, ("[^"]*"|0x[0-9a-f]+), 4, 0\) = [0-4]$' <<<"$t"
}

@test "--bufsize outside textbook mode sizes the pump's recv" {
	echo "twenty bytes to read" >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	run --separate-stderr sockit --trace --bufsize 8 connect \
	    "127.0.0.1:$LISTEN_PORT" </dev/null
	assert_success
	[ "$output" = "twenty bytes to read" ]
	assert_line_in "$stderr" 'recv(3, "twenty b", 8, 0) = 8'
	refute grep -qE '^recv\(3, .*, 65536, ' <<<"$stderr"
}

@test "--bufsize takes 1 to 65536; anything else is a usage error naming it" {
	local bad good port
	port=$(refused_port)
	for good in 1 65536; do
		run --separate-stderr sockit --bufsize "$good" connect "127.0.0.1:$port"
		assert_status 1
		assert_stderr_contains "Connection refused"
	done
	for bad in 0 65537 abc -1 ''; do
		run --separate-stderr sockit --bufsize "$bad" connect "127.0.0.1:$port"
		assert_status 2
		assert_stderr_contains "bad value '$bad' for --bufsize: a size in bytes, 1 to 65536"
	done
	run --separate-stderr sockit --bufsize
	assert_status 2
	assert_stderr_contains "--bufsize needs a size in bytes"
	run --separate-stderr sockit --textbook=epoll connect 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "--textbook"
}

@test "TLS, STARTTLS, --progress and -C need plain mode: a usage error names each" {
	local opt
	for opt in --tls '--starttls smtp' --progress -C; do
		run --separate-stderr sockit --textbook connect $opt 127.0.0.1:1
		assert_status 2
		assert_stderr_contains "${opt%% *} needs plain mode"
	done
}

@test "1 MiB goes through textbook connect and listen unchanged" {
	random_file "$TMP/data" 1
	bg srv "$SOCKIT" --textbook listen -v 127.0.0.1:0
	local pid=$BG_PID port
	wait_for_line "$TMP/srv.err" '^sockit: listening on ' 10
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/srv.err")
	run sockit --textbook connect "127.0.0.1:$port" <"$TMP/data"
	assert_success
	wait_for_exit "$pid"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/data")" ]
}

@test "listen --fork -e: the child dup2s the connection onto stdio and execs [long]" {
	tb_server srv listen -v --fork -e cat 127.0.0.1:0
	run sockit --textbook connect "127.0.0.1:$TB_PORT" <<<"meow"
	assert_success
	[ "$output" = meow ]
	# The reaping loop ends with the call that finds no more.
	wait_for_line "$TMP/srv.err" '^waitpid\(-1, \[\], WNOHANG\) = 0$'
	local t child
	t=$(cat "$TMP/srv.err")
	child=$(sed -nE 's/^fork\(\) = ([0-9]+)$/\1/p' <<<"$t" | head -n 1)
	assert_line_in "$t" "[pid $child] close(3) = 0"
	assert_line_in "$t" "[pid $child] dup2(4, 0) = 0"
	assert_line_in "$t" "[pid $child] dup2(4, 1) = 1"
	assert_match_in "$t" "\\[pid $child\\] execvpe\\(\"[^\"]*cat\", \\[\"cat\"\\], .*"
}

@test "recv -u takes each datagram with one blocking recvfrom; -i is SO_RCVTIMEO" {
	bg rcv "$SOCKIT" --textbook --trace recv -v -u -i 1 127.0.0.1:0
	local pid=$BG_PID port
	wait_for_line "$TMP/rcv.err" '^sockit: listening on ' 10
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/rcv.err")
	run sockit send -u "127.0.0.1:$port" hola
	assert_success
	wait_for_exit "$pid"
	[ "$EXIT_STATUS" -eq 124 ]
	[ "$(cat "$TMP/rcv.out")" = hola ]
	local t
	t=$(cat "$TMP/rcv.err")
	assert_line_in "$t" "setsockopt(3, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=1, tv_usec=0}) = 0"
	assert_match_in "$t" 'recvfrom\(3, "hola", 1024, MSG_TRUNC, \{AF_INET, 127\.0\.0\.1:[0-9]+\}\) = 4'
	refute grep -q 'recvmmsg' <<<"$t"
}

@test "the options whose loop textbook mode does not run are usage errors" {
	run --separate-stderr sockit --textbook pair -e cat
	assert_status 2
	assert_stderr_contains "pair needs plain mode"
	run --separate-stderr sockit --textbook listen -u -k -e cat 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "-k with -e on a datagram endpoint needs plain mode"
	run --separate-stderr sockit --textbook connect -z -u 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "-z with -u needs plain mode"
}

@test "listen -k is iterative: accept, serve, close, then accept again" {
	tb_server srv listen -v -k --serve echo 127.0.0.1:0
	run sockit --textbook connect "127.0.0.1:$TB_PORT" <<<"one"
	assert_success
	[ "$output" = one ]
	run sockit --textbook connect "127.0.0.1:$TB_PORT" <<<"two"
	assert_success
	[ "$output" = two ]
	wait_for_line "$TMP/srv.err" '^send\(4, "two\\n", 4, 0\) = 4$'
	local calls
	calls=$(grep -E '^(accept|recv|send|close|fork)\(' "$TMP/srv.err" |
	    sed -E 's/^(accept\(3\) = 4) \{.*\}$/\1/' | head -n 7)
	[ "$calls" = 'accept(3) = 4
recv(4, "one\n", 1024, 0) = 4
send(4, "one\n", 4, 0) = 4
recv(4, "", 1024, 0) = 0
close(4) = 0
accept(3) = 4
recv(4, "two\n", 1024, 0) = 4' ]
}

# high_fds CMD...: runs CMD with descriptors 3 to 1099 open on /dev/null,
# so the first socket it makes is 1100 or above.
high_fds() {
	timeout -s KILL "$FG_LIMIT" python3 -c '
import os, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
fd = os.open("/dev/null", os.O_RDONLY)
os.set_inheritable(fd, True)
for i in range(3, 1100):
    if i != fd:
        os.dup2(fd, i)
os.execv(sys.argv[1], sys.argv[1:])
' "$SOCKIT" "$@"
}

@test "--textbook=select refuses a descriptor past FD_SETSIZE; poll takes it [long]" {
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1200 ] ||
	    skip "the hard limit of descriptors is below 1200"
	start_listener srv -k --serve echo 127.0.0.1:0
	run --separate-stderr high_fds --textbook=select --trace connect \
	    "127.0.0.1:$LISTEN_PORT" <<<"hi"
	assert_status 1
	assert_stderr_contains "select: Invalid argument (EINVAL)"
	assert_stderr_contains "select(2) watches descriptors below FD_SETSIZE (1024) only"
	refute grep -q '^select(' <<<"$stderr"
	run --separate-stderr high_fds --textbook --trace connect \
	    "127.0.0.1:$LISTEN_PORT" <<<"hi"
	assert_success
	[ "$output" = hi ]
	assert_match_in "$stderr" 'poll\(\[\{0, POLLIN\}, \{1101, POLLIN\}\], -1\) = .*'
}

@test "--bufsize cuts a datagram a UDP --serve echo receives, as recvfrom does, and send -u reads stdin a buffer at a time" {
	tb_server srv --bufsize 8 listen -v -u --serve echo 127.0.0.1:0
	run --separate-stderr sockit send -u -r -w 5 "127.0.0.1:$TB_PORT" holaholahola
	assert_success
	[ "$output" = holahola ]
	wait_for_line "$TMP/srv.err" '^recvfrom\(3, "holahola", 8, 0, '
	printf 'holaholahola\n' >"$TMP/in"
	run --separate-stderr sockit --textbook --bufsize 8 --trace send -u 127.0.0.1:9 <"$TMP/in"
	assert_success
	assert_line_in "$stderr" 'read(0, "holahola", 8) = 8'
	assert_line_in "$stderr" 'read(0, "hola\n", 8) = 5'
	refute grep -q '^poll' <<<"$stderr"
}

@test "--textbook or --bufsize after the command: the usage error says they go before it" {
	run --separate-stderr sockit connect --textbook 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "--textbook is a global option: put it before the command (sockit --textbook connect ...)"
	run --separate-stderr sockit listen --bufsize 8 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "--bufsize is a global option: put it before the command (sockit --bufsize N listen ...)"
}

@test "--to needs plain mode: a forward is one epoll loop, not the lesson's blocking calls" {
	run --separate-stderr sockit --textbook listen 127.0.0.1:0 --to 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "--to needs plain mode, not --textbook"
}
