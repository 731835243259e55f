#!/usr/bin/env bats
# tests/faults.bats: bad peers and hostile surroundings: resets, peers that never read, full queues, no descriptors, signals mid-way.
load test_helper

# py_server NAME CODE [ARG...]: a python3 TCP server on a loopback port of
# its own running CODE with the listening socket as `ls` and the ARGs in
# sys.argv; sets PY_PORT once it listens.
py_server() {
	local name=$1 code=$2
	cat >"$TMP/$name.py" <<PY
import socket, sys, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(BACKLOG)
print(ls.getsockname()[1], flush=True)
$code
PY
	sed -i "s/BACKLOG/${BACKLOG:-8}/" "$TMP/$name.py"
	shift 2
	bg "$name" python3 "$TMP/$name.py" "$@"
	wait_for_line "$TMP/$name.out" '^[0-9]+$'
	PY_PORT=$(head -n 1 "$TMP/$name.out")
}

# full_backlog_server: a listener whose queue its own connections fill,
# so the next connect waits for ever; sets PY_PORT.
full_backlog_server() {
	BACKLOG=0 py_server full '
fill = []
for i in range(8):
    s = socket.socket(); s.setblocking(False)
    try: s.connect(("127.0.0.1", ls.getsockname()[1]))
    except BlockingIOError: pass
    fill.append(s)
print("full", flush=True)
time.sleep(20)'
	wait_for_line "$TMP/full.out" '^full$'
}

# READ_TO_EOF: the end of a py_server CODE that adds what the peer sends
# until its FIN to `got`, then prints "LENGTH SHA256" of it all.
READ_TO_EOF='
while True:
    chunk = c.recv(65536)
    if not chunk: break
    got += chunk
import hashlib
print(len(got), hashlib.sha256(got).hexdigest(), flush=True)'

# peer_got NAME FILE: the py_server NAME, ended with READ_TO_EOF, got
# FILE whole: its length and checksum.
peer_got() {
	wait_for_line "$TMP/$1.out" '^[0-9]+ [0-9a-f]+$' 10
	[ "$(sed -n 2p "$TMP/$1.out")" = "$(wc -c <"$2") $(checksum "$2")" ]
}

@test "a peer that resets mid-stream (SO_LINGER 0): status 1, ECONNRESET explained" {
	py_server rst '
c, _ = ls.accept()
c.sendall(b"x" * 100000)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
time.sleep(0.2)
c.close()
time.sleep(5)'
	run --separate-stderr sockit connect "127.0.0.1:$PY_PORT" < <(sleep 3)
	assert_status 1
	assert_stderr_contains "(ECONNRESET)"
	assert_stderr_contains "the peer"
}

@test "a peer that never reads: memory stays bounded while sockit waits to send [long]" {
	py_server deaf '
c, _ = ls.accept()
time.sleep(20)'
	timeout -s KILL 20 "$SOCKIT" connect "127.0.0.1:$PY_PORT" \
	    < <(head -c 300000000 /dev/zero) >/dev/null 2>"$TMP/deaf.client" 3>&- &
	local pid=$! rss deadline=$((SECONDS + 10))
	BG_PIDS+=("$pid")
	# Once a megabyte waits in the send queue, sockit can only wait.
	local queued=0
	until [ "$queued" -gt 1000000 ]; do
		((SECONDS <= deadline))
		nap
		queued=$(ss -Htn "dport = :$PY_PORT" | awk '{ print $3; exit }')
		queued=${queued:-0}
	done
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(pgrep -P "$pid" -x sockit || echo "$pid")/status" 2>/dev/null ||
	    awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	kill "$pid" 2>/dev/null || true
	[ -n "$rss" ]
	[ "$rss" -lt 16384 ]
}

@test "stdin a FIFO: every byte arrives [long]" {
	echo -n >"$TMP/srv.in"
	start_listener srv 127.0.0.1:0
	mkfifo "$TMP/fifo"
	random_file "$TMP/data" 4
	(cat "$TMP/data" >"$TMP/fifo" &)
	run sockit connect "127.0.0.1:$LISTEN_PORT" <"$TMP/fifo"
	assert_success
	wait_for_exit "$LISTEN_PID"
	[ "$(checksum "$TMP/srv.out")" = "$(checksum "$TMP/data")" ]
}

@test "out of descriptors (ulimit -n 5): status 1, EMFILE explained" {
	# Only 0, 1 and 2 open, and room for two more: the signal pipe's.
	run --separate-stderr bash -c 'for fd in /proc/$$/fd/*; do
		fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec </dev/null; ulimit -n 5; exec "$SOCKIT" connect 127.0.0.1:9'
	assert_status 1
	assert_stderr_contains "connect to 127.0.0.1:9: socket: Too many open files (EMFILE)"
	assert_stderr_contains "ulimit -n"
}

@test "a full listen backlog: connect -w gives up with 124 [long]" {
	full_backlog_server
	run --separate-stderr sockit connect -w 0.5 "127.0.0.1:$PY_PORT" </dev/null
	assert_status 124
	assert_stderr_contains "sockit: connect to 127.0.0.1:$PY_PORT: no answer within 0.5 s (-w)"
	# sockit's own -w, not the kernel's ETIMEDOUT; Linux dropped the SYN.
	refute grep -q ETIMEDOUT <<<"$stderr"
	assert_stderr_contains "the listener's accept queue is full, when Linux drops the SYN rather than refuse it"
	assert_stderr_contains "'ss -ltn' there shows Recv-Q past Send-Q, the backlog"
}

@test "a connect that -w cut off is traced as it returned: EINPROGRESS, never folded [long]" {
	full_backlog_server
	run --separate-stderr sockit --trace connect -w 0.5 "127.0.0.1:$PY_PORT" </dev/null
	assert_status 124
	grep -qxF "connect(3, {AF_INET, 127.0.0.1:$PY_PORT}) = -1 EINPROGRESS (Operation now in progress)" <<<"$stderr"
	[[ "$stderr" != *folded* ]]
	# Printed when its socket is closed, just before the close.
	[ "$(grep -A1 '^connect(' <<<"$stderr" | tail -n 1)" = "close(3) = 0" ]
}

@test "SIGINT, SIGTERM and SIGHUP while connecting end with 128+N [long]" {
	full_backlog_server
	local sig
	for sig in INT TERM HUP; do
		bg "client$sig" "$SOCKIT" --trace=full connect "127.0.0.1:$PY_PORT"
		wait_for_line "$TMP/client$sig.err" '^connect\(3, '
		kill "-$sig" "$(pgrep -P "$BG_PID" -x sockit)"
		wait_for_exit "$BG_PID"
		[ "$EXIT_STATUS" -eq $((128 + $(kill -l "$sig"))) ]
	done
}

@test "stdout closed early on the zero-copy path: a prompt, quiet end" {
	py_server firehose '
c, _ = ls.accept()
try:
    while True: c.sendall(b"y" * 65536)
except OSError: pass'
	run --separate-stderr bash -c "\"\$SOCKIT\" connect 127.0.0.1:$PY_PORT </dev/null | head -c 1000000 | wc -c"
	assert_success
	[ "$output" = 1000000 ]
	[ -z "$stderr" ]
}

@test "-q 0 with a peer that reads late: all of stdin arrives, even what waited in the pipe [long]" {
	# Small buffers at both ends and the peer's pause leave part of the
	# megabyte in sockit's pipe when stdin's end-of-file is read; the
	# clock of -q starts only once that part has gone too.
	py_server late '
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
c, _ = ls.accept()
time.sleep(0.5)
got = b""'"$READ_TO_EOF"
	random_file "$TMP/in.bin" 1
	run --separate-stderr sockit connect -q 0 -o SO_SNDBUF=65536 \
	    "127.0.0.1:$PY_PORT" <"$TMP/in.bin"
	assert_success
	peer_got late "$TMP/in.bin"
}

@test "stdin a blocking TCP socket that goes quiet: -i still ends it, after every byte [long]" {
	# As under inetd or listen -e: the lane reads stdin once per poll(),
	# since a second splice from a quiet blocking socket would wait.
	start_listener srv 127.0.0.1:0
	cat >"$TMP/feed.py" <<'PY'
import os, socket, subprocess, sys, time
tcp_listener = socket.create_server(("127.0.0.1", 0))
feeder = socket.create_connection(tcp_listener.getsockname())
stdin_sock, _ = tcp_listener.accept()
stdin_sock.setblocking(True)
child = subprocess.Popen(sys.argv[1:], stdin=stdin_sock.fileno())
stdin_sock.close()
feeder.sendall(b"q" * (2 << 20))
start = time.monotonic()
status = child.wait(timeout=20)
print(status, round(time.monotonic() - start))
PY
	run --separate-stderr timeout 30 python3 "$TMP/feed.py" \
	    "$SOCKIT" connect -i 2 "127.0.0.1:$LISTEN_PORT"
	assert_success
	[ "${output%% *}" = 124 ]
	wait_for_exit "$LISTEN_PID" 10
	[ "$(wc -c <"$TMP/srv.out")" -eq $((2 << 20)) ]
}

@test "-q with a peer that stops reading after stdin's end: status 124, and it says so" {
	py_server stalls '
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
c, _ = ls.accept()
n = 0
while n < 400000: n += len(c.recv(65536))
time.sleep(20)'
	random_file "$TMP/in.bin" 1
	run --separate-stderr sockit connect -q 1 -o SO_SNDBUF=65536 \
	    "127.0.0.1:$PY_PORT" <"$TMP/in.bin"
	assert_status 124
	assert_stderr_contains "took none of the rest of stdin for 1 s"
	assert_stderr_contains "(-q)"
}

@test "send from a file to a peer that pauses mid-way: every byte, status 0 [long]" {
	py_server pauses '
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
c, _ = ls.accept()
got = b""
while len(got) < 400000: got += c.recv(65536)
time.sleep(1.5)'"$READ_TO_EOF"
	random_file "$TMP/in.bin" 1
	run --separate-stderr sockit send -o SO_SNDBUF=65536 "127.0.0.1:$PY_PORT" <"$TMP/in.bin"
	assert_success
	peer_got pauses "$TMP/in.bin"
}

@test "-q 0 with an echo peer: sockit reads on while it sends, so all of stdin goes [long]" {
	# The peer writes each chunk back before it reads the next: had
	# sockit stopped reading at -q's time, both would wait.
	py_server echoes '
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
c, _ = ls.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32768)
n = 0
try:
    while True:
        chunk = c.recv(65536)
        if not chunk: break
        n += len(chunk)
        c.sendall(chunk)
except OSError:
    pass
print(n, flush=True)'
	random_file "$TMP/in.bin" 4
	run --separate-stderr bash -c "\"\$SOCKIT\" connect -v -q 0 -o SO_SNDBUF=65536 \
	    127.0.0.1:$PY_PORT <\"$TMP/in.bin\" >/dev/null"
	assert_success
	# What the peer had not read when sockit closed is lost to it by TCP's
	# reset, as -q 0 means; what counts is that all of it was sent.
	assert_stderr_contains "sent 4194304 bytes"
}

# blocked_receiver SIG STATUS: a peer sends a megabyte and goes quiet;
# once sockit waits in a blocking splice for more, SIG ends it with STATUS
# and the megabyte is all in its stdout.
blocked_receiver() {
	local sig=$1 status=$2 deadline=$((SECONDS + 10))
	py_server "trickle$sig" '
c, _ = ls.accept()
c.sendall(b"z" * (1 << 20))
time.sleep(20)'
	bg "recv$sig" "$SOCKIT" --trace=full connect "127.0.0.1:$PY_PORT"
	wait_for_line "$TMP/recv$sig.err" '~O_NONBLOCK\) = 0' 10
	until [ "$(wc -c <"$TMP/recv$sig.out")" -eq $((1 << 20)) ]; do
		((SECONDS <= deadline)) || return 1
		nap
	done
	kill -"$sig" "$BG_PID"
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq "$status" ]
}

@test "SIGTERM reaches a sender waiting in a blocking splice for room [long]" {
	# The peer ends its side at once and reads until sockit's trace shows
	# its splice lane, then reads no more: sockit, alone with its sending,
	# blocks in splice once the socket is full. (Stopping after a fixed
	# amount instead left sockit on its copying path whenever the socket's
	# buffers took that much before the lane opened.)
	py_server deaf '
c, _ = ls.accept()
c.shutdown(socket.SHUT_WR)
trace = sys.argv[1]
deadline = time.time() + 20
while time.time() < deadline:
    c.recv(65536)
    with open(trace) as f:
        if "splice(" in f.read():
            break
print("stopped", flush=True)
time.sleep(20)' "$TMP/sender.err"
	random_file "$TMP/sender.in" 32
	bg sender "$SOCKIT" --trace=full connect "127.0.0.1:$PY_PORT"
	wait_for_line "$TMP/sender.err" '^fcntl\(3, F_SETFL, ~O_NONBLOCK\) = 0' 10
	kill -TERM "$BG_PID"
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 143 ]
}

@test "SIGTERM and SIGINT reach a receiver waiting in a blocking splice [long]" {
	blocked_receiver TERM 143
	blocked_receiver INT 130
}

@test "UDP: an answer of ICMP port unreachable is ECONNREFUSED, explained" {
	local port
	port=$(refused_port)
	run --separate-stderr sockit connect -u -w 2 "127.0.0.1:$port" < <(echo ping; sleep 1)
	assert_status 1
	assert_stderr_contains "(ECONNREFUSED)"
}

@test "SIGINT and SIGHUP to listen --fork end the children and remove the socket file, as SIGTERM does [long]" {
	local sig child
	for sig in INT HUP; do
		: >"$TMP/pids.$sig"
		start_listener "f$sig" --fork \
		    -c "echo \$\$ >>$TMP/pids.$sig; exec sleep 30" \
		    "unix:$SOCKDIR/$sig"
		local listener=$LISTEN_PID pid
		pid=$(pgrep -P "$listener" -x sockit)
		bg "c$sig" "$SOCKIT" connect "unix:$SOCKDIR/$sig"
		wait_for_line "$TMP/pids.$sig" '^[0-9]+$'
		kill "-$sig" "$pid"
		wait_for_exit "$listener"
		[ "$EXIT_STATUS" -eq $((128 + $(kill -l "$sig"))) ]
		[ ! -e "$SOCKDIR/$sig" ]
		for child in $(cat "$TMP/pids.$sig"); do
			wait_gone "$child"
		done
	done
}

@test "SIGTERM to connect -c passes on to the program, and both end [long]" {
	echo -n >"$TMP/srv.in"
	start_listener srv --shutdown none 127.0.0.1:0
	bg client "$SOCKIT" connect -c "echo \$\$ >$TMP/prog.pid; exec sleep 30" \
	    "127.0.0.1:$LISTEN_PORT"
	wait_for_line "$TMP/prog.pid" '^[0-9]+$'
	kill -TERM "$(pgrep -P "$BG_PID" -x sockit)"
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	wait_gone "$(cat "$TMP/prog.pid")"
}

# A program's own child, in the background of its shell: it holds the
# connection as the program does, and SIGTERM to sockit must end it too.
GRANDCHILD='sleep 300 & echo $! >"$GC"; wait'

# stop_and_check NAME: SIGTERM to the sockit of bg job NAME ($BG_PID) once
# the grandchild's pid is in $GC; both sockit and the grandchild end.
stop_and_check() {
	local gc
	wait_for_line "$GC" '^[0-9]+$'
	gc=$(cat "$GC")
	BG_PIDS+=("$gc")
	kill -TERM "$(pgrep -P "$BG_PID" -x sockit)"
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	wait_gone "$gc" 5
}

@test "SIGTERM to listen --fork, listen -k, connect and pair ends the programs' own children too [long]" {
	export GC
	GC=$TMP/gc.fork
	start_listener fork --fork -c "$GRANDCHILD" 127.0.0.1:0
	bg cfork "$SOCKIT" connect "127.0.0.1:$LISTEN_PORT"
	BG_PID=$LISTEN_PID stop_and_check
	GC=$TMP/gc.k
	start_listener k -k -c "$GRANDCHILD" 127.0.0.1:0
	bg ck "$SOCKIT" connect "127.0.0.1:$LISTEN_PORT"
	BG_PID=$LISTEN_PID stop_and_check
	GC=$TMP/gc.connect
	start_listener srv --shutdown none 127.0.0.1:0
	bg connect "$SOCKIT" connect -c "$GRANDCHILD" "127.0.0.1:$LISTEN_PORT"
	stop_and_check
	GC=$TMP/gc.pair
	bg pair "$SOCKIT" pair -c "$GRANDCHILD"
	stop_and_check
}

# start_limited NAME NOFILE ARGS...: `sockit ARGS` (a server with -v) in
# the background under `prlimit --nofile=NOFILE`; waits for its
# "listening on" line and sets LIMITED_PORT.
start_limited() {
	local name=$1 nofile=$2
	shift 2
	bg "$name" prlimit --nofile="$nofile" -- "$SOCKIT" "$@"
	wait_for_line "$TMP/$name.err" '^sockit: listening on ' 10
	LIMITED_PORT=$(sed -n 's/^sockit: listening on .*://p' \
	    "$TMP/$name.err" | head -n 1)
}

# starved_lines FILE: how many lines of FILE report the EMFILE of accept.
starved_lines() {
	grep -c '^sockit: accept on .*(EMFILE)' "$1" || true
}

# wait_for_repeat FILE: until FILE has the second report of accept's
# EMFILE, the one with a count; fails after 10 s, or at once when there
# are more than 3 reports.
wait_for_repeat() {
	local deadline=$((SECONDS + 10)) n
	while n=$(starved_lines "$1"); ((n <= 3)); do
		grep -q ' times\{0,1\} in the last ' "$1" && return 0
		((SECONDS <= deadline)) || break
		nap
	done
	echo "$n reports of EMFILE in $1 within 10 s:" >&2
	head -n 40 "$1" >&2
	return 1
}

@test "--fork out of descriptors: accept pauses, says so once a second with a count, and serves again when clients leave [long]" {
	# With -v the server keeps a descriptor per peer: held clients use
	# up the few that prlimit leaves, and the next peer meets EMFILE.
	start_limited srv 16 listen -v --fork -e cat 127.0.0.1:0
	mkfifo "$TMP/hold"
	exec 7<>"$TMP/hold"
	local i started deadline
	for ((i = 1; i <= 16; i++)); do
		ln -s "$TMP/hold" "$TMP/held$i.in"
		bg "held$i" "$SOCKIT" connect "127.0.0.1:$LIMITED_PORT"
		deadline=$((SECONDS + 10))
		while started=$(grep -c '^sockit: started pid ' "$TMP/srv.err");
		    ((started < i)) && (($(starved_lines "$TMP/srv.err") == 0)); do
			((SECONDS <= deadline)) || { cat "$TMP/srv.err" >&2;
			    return 1; }
			nap
		done
		(($(starved_lines "$TMP/srv.err") == 0)) || break
	done
	# The accept() after the last peer served found no descriptor for
	# whatever might come next; this one waits in the queue.
	ln -s "$TMP/hold" "$TMP/waiting.in"
	bg waiting "$SOCKIT" connect "127.0.0.1:$LIMITED_PORT"
	# A second report, a second or more after the first, with a count;
	# a server that retried at once writes thousands instead.
	wait_for_repeat "$TMP/srv.err"
	grep -qE '^sockit: accept on 127\.0\.0\.1:[0-9]+: accept: Too many open files \(EMFILE\), [0-9]+ times? in the last [0-9.]+ s$' "$TMP/srv.err"
	(($(wc -l <"$TMP/srv.err") <= 3 * 16 + 10))
	grep -qF "per process ('ulimit -n' shows it)" "$TMP/srv.err"
	# The held clients leave: their children end, and with them the
	# descriptors; the waiting peer and a new one are served.
	exec 7>&-
	run --separate-stderr sockit connect -w 10 "127.0.0.1:$LIMITED_PORT" \
	    <<<"served again"
	assert_success
	[ "$output" = "served again" ]
	(($(starved_lines "$TMP/srv.err") <= 4))
}

@test "recv -k and listen -k out of descriptors: accept pauses quietly and serves again once descriptors are back [long]" {
	local cmd pid lowest
	for cmd in recv listen; do
		start_limited "$cmd" 64 "$cmd" -k -v 127.0.0.1:0
		pid=$(pgrep -P "$BG_PID" -x sockit)
		# Lower the limit to the lowest free descriptor of the
		# running server: its next accept() finds none.
		lowest=0
		while [ -e "/proc/$pid/fd/$lowest" ]; do
			lowest=$((lowest + 1))
		done
		prlimit --pid "$pid" --nofile="$lowest":
		bg "c$cmd" "$SOCKIT" connect "127.0.0.1:$LIMITED_PORT"
		wait_for_repeat "$TMP/$cmd.err"
		prlimit --pid "$pid" --nofile=64:
		wait_for_line "$TMP/$cmd.err" '^sockit: connection from ' 10
		kill -0 "$pid"
		kill "$pid"
	done
}

@test "a lossy, slow link (netem in a network namespace): every byte arrives" {
	local ns=sockit-faults-$$
	ip netns add "$ns" 2>/dev/null ||
	    skip "cannot create a network namespace here (needs root and iproute2)"
	ip netns exec "$ns" ip link set lo up
	if ! ip netns exec "$ns" tc qdisc add dev lo root netem delay 5ms \
	    loss 2% 2>/dev/null; then
		ip netns del "$ns"
		skip "this kernel has no netem queueing discipline (sch_netem)"
	fi
	random_file "$TMP/data" 4
	ip netns exec "$ns" timeout 60 "$SOCKIT" listen -v 127.0.0.1:0 \
	    </dev/null >"$TMP/got" 2>"$TMP/l.err" 3>&- &
	local listener=$!
	wait_for_line "$TMP/l.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/l.err")
	ip netns exec "$ns" timeout 60 "$SOCKIT" connect "127.0.0.1:$port" \
	    <"$TMP/data" 3>&-
	wait "$listener"
	ip netns del "$ns"
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/data")" ]
}
