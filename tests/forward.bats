#!/usr/bin/env bats
# tests/forward.bats: listen --to: forwarding streams and seqpacket to a target, many pairs on one loop.
load test_helper

PEER=$BATS_TEST_DIRNAME/forward_peer.py

# start_peer NAME ARGS...: forward_peer.py ARGS in the background; waits
# for its "port N" (sets PEER_PORT) or "ready" line.
start_peer() {
	local name=$1
	shift
	bg "$name" python3 "$PEER" "$@"
	wait_for_line "$TMP/$name.out" '^(port [0-9]+|ready)$' 10 || return 1
	PEER_PORT=$(sed -n 's/^port //p' "$TMP/$name.out" | head -n 1)
}

# start_forward NAME ARGS...: `sockit listen -v ARGS`; sets FWD_PID and
# FWD_PORT.
start_forward() {
	start_listener "$@" || return 1
	FWD_PID=$LISTEN_PID FWD_PORT=$LISTEN_PORT
}

# fd_count PID: descriptors of the sockit that bg started as PID.
fd_count() {
	local child
	child=$(cat "/proc/$1/task/$1/children")
	child=${child%% *}
	ls "/proc/$child/fd" | wc -l
}

@test "curl fetches a file through the forward from python's http.server [long]" {
	mkdir "$TMP/www"
	random_file "$TMP/www/blob" 2
	start_peer web http "$TMP/www"
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	run curl -sS --max-time 20 -o "$TMP/got" \
	    "http://127.0.0.1:$FWD_PORT/blob"
	assert_success
	[ "$(checksum "$TMP/got")" = "$(checksum "$TMP/www/blob")" ]
	wait_for_line "$TMP/fwd.err" \
	    "^sockit: #1 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$FWD_PORT => 127\\.0\\.0\\.1:$PEER_PORT$"
	wait_for_line "$TMP/fwd.err" \
	    "^sockit: #1 closed \\(done\\): [0-9]+ bytes to 127\\.0\\.0\\.1:$PEER_PORT, [0-9]{7,} back, in "
}

@test "socat as the client and ncat as the target, then ncat to socat [long]" {
	bg tgt ncat -l 127.0.0.1 0
	local tport=$(proc_port "$BG_PID" tcp)
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$tport"
	run bash -c "echo 'from socat' | timeout 20 socat - TCP:127.0.0.1:$FWD_PORT"
	assert_success
	wait_for_line "$TMP/tgt.out" '^from socat$'

	bg tgt2 socat -d -d TCP-LISTEN:0,bind=127.0.0.1 SYSTEM:'echo from socat target; cat >&2'
	tport=$(socat_port "$TMP/tgt2.err")
	start_forward fwd2 127.0.0.1:0 --to "127.0.0.1:$tport"
	run bash -c "echo 'from ncat' | timeout 20 ncat 127.0.0.1 $FWD_PORT"
	assert_success
	[ "$output" = "from socat target" ]
	wait_for_line "$TMP/tgt2.err" '^from ncat$'
}

@test "200 pairs at once each get back exactly what they sent [long]" {
	start_peer echo echo 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	run python3 "$PEER" load 127.0.0.1 "$FWD_PORT" 200 100000
	[ "$output" = "200 ok" ]
	assert_success
	wait_for_line "$TMP/fwd.err" '^sockit: #200 '
}

@test "-x dumps both ways of two pairs at once, each under its own number [long]" {
	start_peer echo echo 127.0.0.1:0
	start_forward fwd -x 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	run python3 "$PEER" load 127.0.0.1 "$FWD_PORT" 2 100000 --show
	assert_success
	[ "${lines[2]}" = "2 ok" ]
	wait_for_line "$TMP/fwd.err" '^sockit: #1 closed \(done\): 100000 bytes'
	wait_for_line "$TMP/fwd.err" '^sockit: #2 closed \(done\): 100000 bytes'
	python3 "$PEER" undump "$TMP/fwd.err" >"$TMP/ways"
	[ "$(wc -l <"$TMP/ways")" -eq 4 ]
	local port sha n pairs=""
	for i in 0 1; do
		read -r port sha <<<"${lines[$i]}"
		# The pair that carried this client's bytes, and both its ways.
		n=$(sed -n "s/^#\([0-9]*\) > 127\.0\.0\.1:$port -> 127\.0\.0\.1:$PEER_PORT 100000 $sha\$/\1/p" "$TMP/ways")
		[ -n "$n" ]
		grep -qx "#$n < 127\.0\.0\.1:$PEER_PORT -> 127\.0\.0\.1:$port 100000 $sha" "$TMP/ways"
		grep -q "^sockit: #$n 127\.0\.0\.1:$port -> " "$TMP/fwd.err"
		pairs="$pairs $n"
	done
	[ "$pairs" = " 1 2" ] || [ "$pairs" = " 2 1" ]
}

@test "a FIN from the client reaches the target, which still answers [long]" {
	early_peer tgt '
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(1)
print("port %d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
got = b""
while True:
    b = c.recv(100)
    if not b: break
    got += b
c.sendall(b"after your FIN I got " + got)
c.close()'
	peer_go tgt unused
	wait_for_line "$TMP/tgt.out" '^port '
	local tport=$(sed -n 's/^port //p' "$TMP/tgt.out")
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$tport"
	run sockit connect "127.0.0.1:$FWD_PORT" <<<"ping"
	assert_success
	[ "$output" = "after your FIN I got ping" ]
	wait_for_line "$TMP/fwd.err" '#1 closed \(done\)'
}

@test "a FIN from the target reaches the client, which still sends [long]" {
	early_peer tgt '
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(1)
print("port %d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
c.sendall(b"hello then FIN\n")
c.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = c.recv(100)
    if not b: break
    got += b
print("target got %r" % got, flush=True)'
	peer_go tgt unused
	wait_for_line "$TMP/tgt.out" '^port '
	local tport=$(sed -n 's/^port //p' "$TMP/tgt.out")
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$tport"
	early_peer cli '
c = socket.create_connection(("127.0.0.1", int(port)))
got = b""
while True:
    b = c.recv(100)
    if not b: break
    got += b
print("client got %r" % got, flush=True)
c.sendall(b"late words")
c.shutdown(socket.SHUT_WR)
c.recv(10)'
	peer_go cli "$FWD_PORT"
	wait_for_line "$TMP/cli.out" "^client got b'hello then FIN\\\\n'$"
	wait_for_line "$TMP/tgt.out" "^target got b'late words'$"
}

@test "a reset from the client resets the target [long]" {
	early_peer tgt '
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(1)
print("port %d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
print("got %r" % c.recv(100), flush=True)
try:
    print("then %r" % c.recv(100), flush=True)
except ConnectionResetError:
    print("reset", flush=True)'
	peer_go tgt unused
	wait_for_line "$TMP/tgt.out" '^port '
	local tport=$(sed -n 's/^port //p' "$TMP/tgt.out")
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$tport"
	early_peer cli '
import struct
c = socket.create_connection(("127.0.0.1", int(port)))
c.sendall(b"x")
while not os.path.exists(sys.argv[1] + ".reset"):
    time.sleep(0.005)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()'
	peer_go cli "$FWD_PORT"
	wait_for_line "$TMP/tgt.out" "^got b'x'$"
	touch "$TMP/cli.go.reset"
	wait_for_line "$TMP/tgt.out" '^reset$'
	wait_for_line "$TMP/fwd.err" "#1 reset by 127\\.0\\.0\\.1:[0-9]+: passed on to 127\\.0\\.0\\.1:$tport"
}

@test "a reset from the target resets the client [long]" {
	early_peer tgt '
import struct
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(1)
print("port %d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
print("got %r" % c.recv(100), flush=True)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()'
	peer_go tgt unused
	wait_for_line "$TMP/tgt.out" '^port '
	local tport=$(sed -n 's/^port //p' "$TMP/tgt.out")
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$tport"
	early_peer cli '
c = socket.create_connection(("127.0.0.1", int(port)))
c.sendall(b"x")
try:
    print("then %r" % c.recv(100), flush=True)
except ConnectionResetError:
    print("reset", flush=True)'
	peer_go cli "$FWD_PORT"
	wait_for_line "$TMP/cli.out" '^reset$'
	wait_for_line "$TMP/fwd.err" "#1 reset by 127\\.0\\.0\\.1:$tport: passed on to 127\\.0\\.0\\.1:"
}

@test "a refused target resets the peer, is reported, and the forward goes on [long]" {
	local port=$(refused_port)
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$port"
	# Its stdin closed, the client has sent its FIN before the refusal.
	run --separate-stderr sockit connect "127.0.0.1:$FWD_PORT" </dev/null
	assert_status 1
	[ "$output" = "" ]
	assert_stderr_contains "(ECONNRESET)"
	wait_for_line "$TMP/fwd.err" "^sockit: connect to 127\\.0\\.0\\.1:$port for #1 \\(127\\.0\\.0\\.1:[0-9]+\\): .*\\(ECONNREFUSED\\)"
	# A client that would send only later learns of it too.
	bg_fed late "$SOCKIT" connect "127.0.0.1:$FWD_PORT"
	local late_pid=$BG_PID
	wait_for_line "$TMP/fwd.err" "for #2 \\("
	wait_for_exit "$late_pid"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/late.err" "(ECONNRESET)"
	kill -0 "$FWD_PID"
}

@test "--max-conns 2 keeps a third peer waiting until a pair ends [long]" {
	start_peer tgt hold 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 --max-conns 2 --to "127.0.0.1:$PEER_PORT"
	bg one python3 "$PEER" client 127.0.0.1 "$FWD_PORT" one --until "$TMP/one.end"
	wait_for_line "$TMP/tgt.out" '^peer 1: one$'
	bg two python3 "$PEER" client 127.0.0.1 "$FWD_PORT" two
	wait_for_line "$TMP/tgt.out" '^peer 2: two$'
	bg three python3 "$PEER" client 127.0.0.1 "$FWD_PORT" three
	# Connected, but by the kernel's backlog: sockit waits for #1 to end.
	wait_for_line "$TMP/three.out" '^connected$'
	touch "$TMP/one.end"
	wait_for_line "$TMP/one.out" '^ended$'
	wait_for_line "$TMP/tgt.out" '^peer 3: three$'
	# #1 ended before #3 began: the two open pairs were the bound.
	local closed=$(grep -n '#1 closed' "$TMP/fwd.err" | cut -d: -f1)
	local third=$(grep -n '#3 127' "$TMP/fwd.err" | cut -d: -f1)
	[ -n "$closed" ] && [ -n "$third" ] && [ "$closed" -lt "$third" ]
}

@test "--max-conns-refuse resets a peer over the bound at once [long]" {
	start_peer tgt hold 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 --max-conns 1 --max-conns-refuse \
	    --to "127.0.0.1:$PEER_PORT"
	bg one python3 "$PEER" client 127.0.0.1 "$FWD_PORT" one
	wait_for_line "$TMP/tgt.out" '^peer 1: one$'
	run --separate-stderr sockit connect "127.0.0.1:$FWD_PORT" <<<"two"
	assert_status 1
	wait_for_line "$TMP/fwd.err" "^sockit: refused 127\\.0\\.0\\.1:[0-9]+: 1 pair open, the limit set by --max-conns$"
	# The man page quotes the message word for word.
	grep -qx 'sockit: refused 127\.0\.0\.1:51000: 1 pair open, the limit set by \\-\\-max\\-conns' "$BATS_TEST_DIRNAME/../man/sockit.1"
}

@test "IPv4 peers are forwarded to an IPv6 target [long]" {
	start_peer echo echo '[::1]:0'
	start_forward fwd 127.0.0.1:0 --to "[::1]:$PEER_PORT"
	run sockit connect "127.0.0.1:$FWD_PORT" <<<"over to six"
	assert_success
	[ "$output" = "over to six" ]
	wait_for_line "$TMP/fwd.err" "=> \\[::1\\]:$PEER_PORT$"
}

@test "abstract unix names on both sides" {
	local name=sockit-fwd-$$-$BATS_TEST_NUMBER
	start_peer echo echo "unix:@$name-target"
	bg fwd "$SOCKIT" listen -v "unix:@$name" --to "unix:@$name-target"
	wait_for_line "$TMP/fwd.err" "^sockit: listening on "
	run sockit connect "unix:@$name" <<<"abstract hello"
	assert_success
	[ "$output" = "abstract hello" ]
	wait_for_line "$TMP/fwd.err" "^sockit: #1 unix:\\(unnamed\\) -> unix:@$name => unix:@$name-target$"
}

@test "seqpacket to seqpacket keeps each message whole [long]" {
	start_peer echo echo --seqpacket "unix:$SOCKDIR/target"
	bg fwd "$SOCKIT" listen -v --seqpacket "unix:$SOCKDIR/front" \
	    --to "unix:$SOCKDIR/target"
	wait_for_socket "$SOCKDIR/front"
	early_peer cli '
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
c.connect(port)
for m in (b"one", b"two two", b"x" * 60000):
    c.send(m)
got = [c.recv(65536) for _ in range(3)]
print([len(g) for g in got], got[0], got[1], flush=True)'
	peer_go cli "$SOCKDIR/front"
	wait_for_line "$TMP/cli.out" "^\\[3, 7, 60000\\] b'one' b'two two'$"
	wait_for_line "$TMP/fwd.err" "^sockit: #1 unix-seqpacket:\\(unnamed\\) -> unix-seqpacket:$SOCKDIR/front => unix-seqpacket:$SOCKDIR/target$"
}

@test "TCP to a unix socket: redis-cli through the forward to redis-server" {
	command -v redis-server >/dev/null || skip "redis-server is not installed"
	bg redis redis-server --port 0 --unixsocket "$SOCKDIR/redis.sock" \
	    --save '' --appendonly no
	wait_for_socket "$SOCKDIR/redis.sock"
	start_forward fwd 127.0.0.1:0 --to "unix:$SOCKDIR/redis.sock"
	run redis-cli -h 127.0.0.1 -p "$FWD_PORT" set greeting "through sockit"
	[ "$output" = "OK" ]
	run redis-cli -h 127.0.0.1 -p "$FWD_PORT" get greeting
	[ "$output" = "through sockit" ]
}

@test "usage: --fork, -e, a datagram target and --drain alone are refused" {
	run --separate-stderr sockit listen --fork --to 127.0.0.1:9 :0
	assert_status 2
	assert_stderr_contains "--fork is not needed with --to"
	run --separate-stderr sockit listen -e cat --to 127.0.0.1:9 :0
	assert_status 2
	assert_stderr_contains "--to and -e each say who answers the peer"
	run --separate-stderr sockit listen :0 --to udp://127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--to 127.0.0.1:9 is a udp endpoint and :0 a tcp one"
	run --separate-stderr sockit listen :0 --drain 5
	assert_status 2
	assert_stderr_contains "--drain needs --to: it acts on the pairs of a forward"
	run --separate-stderr sockit listen :0 --busy-poll 50
	assert_status 2
	assert_stderr_contains "--busy-poll needs --to: it acts on the pairs of a forward"
	run --separate-stderr sockit listen :0 --max-conns-refuse --to 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--max-conns-refuse needs --max-conns N"
	run --separate-stderr sockit listen --peek :0 --to 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--peek shows sockit's own receives twice, and --to splices"
	run --separate-stderr sockit listen :0 --to 127.0.0.1:9 --to 127.0.0.1:10
	assert_status 2
	assert_stderr_contains "--to given twice (127.0.0.1:9, then 127.0.0.1:10): a forward has one target"
}

@test "--json tells of each pair's opening and end, with its counts [long]" {
	start_peer echo echo 127.0.0.1:0
	bg fwd "$SOCKIT" listen --json 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/fwd.err" '"event": "listening"'
	local port=$(jq -r 'select(.event == "listening") | .address' "$TMP/fwd.err")
	port=${port##*:}
	run sockit connect "127.0.0.1:$port" <<<"json please"
	assert_success
	wait_for_line "$TMP/fwd.err" '"event": "pair-closed"'
	run jq -c 'select(.event == "pair") | [.pair, .target]' "$TMP/fwd.err"
	[ "$output" = "[1,\"127.0.0.1:$PEER_PORT\"]" ]
	run jq -c 'select(.event == "pair-closed") | [.pair, .sent, .received, .end]' "$TMP/fwd.err"
	[ "$output" = '[1,12,12,"done"]' ]
}

@test "--trace tags each pair's calls with its number [long]" {
	start_peer echo echo 127.0.0.1:0
	bg fwd "$SOCKIT" --trace listen -v 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: listening on '
	local port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/fwd.err")
	run sockit connect "127.0.0.1:$port" <<<"one"
	run sockit connect "127.0.0.1:$port" <<<"two"
	wait_for_line "$TMP/fwd.err" '#2 closed'
	assert_file_contains "$TMP/fwd.err" "[#1] connect("
	assert_file_contains "$TMP/fwd.err" "[#2] connect("
	assert_file_contains "$TMP/fwd.err" "[#2] shutdown("
	refute grep -q '^\[#[0-9]*\] accept(' "$TMP/fwd.err"
	# The connect's folded line comes when it ended, before the bytes.
	local conn=$(grep -n -m1 '^\[#1\] connect(.*) = 0 \[folded' "$TMP/fwd.err")
	local moved=$(grep -n -m1 '^\[#1\] splice(' "$TMP/fwd.err")
	[ -n "$conn" ]
	[ "${conn%%:*}" -lt "${moved%%:*}" ]
	# The bytes moving: one line per splice, into a pipe and out of it,
	# both ways; the EAGAINs only with --trace=full.
	[ "$(grep -cE '^\[#1\] splice\([0-9]+, NULL, [0-9]+, NULL, [0-9]+, SPLICE_F_MOVE\|SPLICE_F_NONBLOCK\) = 4$' "$TMP/fwd.err")" -eq 4 ]
	refute grep -q '^\[#[0-9]*\] splice(.* EAGAIN' "$TMP/fwd.err"
}

@test "--trace=full: accept4 makes the peer's socket non-blocking; a pair takes the pipes an ended one left" {
	start_peer echo echo 127.0.0.1:0
	bg fwd "$SOCKIT" --trace=full listen -v 127.0.0.1:0 \
	    --to "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: listening on '
	local port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/fwd.err")
	# #1 stays open throughout: a loop left without pairs for a while
	# gives its pooled pipes back.
	bg_fed hold "$SOCKIT" connect "127.0.0.1:$port"
	printf 'hold\n' >&"$FEED"
	wait_for_line "$TMP/hold.out" '^hold$'
	# #2 holds both its pipes at once: its peer's FIN comes only after
	# the echo, and both go to the pool when it ends.
	local hold_feed=$FEED
	bg_fed two "$SOCKIT" connect "127.0.0.1:$port"
	printf 'two\n' >&"$FEED"
	wait_for_line "$TMP/two.out" '^two$'
	exec {FEED}>&-
	wait_for_line "$TMP/fwd.err" '#2 closed'
	run sockit connect "127.0.0.1:$port" <<<"three"
	[ "$output" = "three" ]
	wait_for_line "$TMP/fwd.err" '#3 closed'
	[ "$(grep -c '^\[#2\] pipe2(' "$TMP/fwd.err")" -eq 2 ]
	refute grep -q '^\[#3\] pipe2(' "$TMP/fwd.err"
	grep -qE '^accept4\([0-9]+, SOCK_NONBLOCK\|SOCK_CLOEXEC\) = [0-9]+ ' \
	    "$TMP/fwd.err"
	refute grep -q '^fcntl(' <(grep -A1 '^accept4(' "$TMP/fwd.err")
	exec {hold_feed}>&-
}

@test "--busy-poll polls without sleeping for USECS after bytes moved [long]" {
	start_peer echo echo 127.0.0.1:0
	bg fwd "$SOCKIT" --trace=full listen -v --busy-poll 100000 \
	    127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/fwd.err" '^sockit: listening on '
	local port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/fwd.err")
	run sockit connect "127.0.0.1:$port" <<<"one"
	[ "$output" = "one" ]
	wait_for_line "$TMP/fwd.err" '#1 closed'
	# After the last bytes, 0.1 s of epoll_wait calls that do not sleep
	# (a timeout of 0); a loop that sleeps makes a handful at most.
	local deadline=$((SECONDS + 10))
	until [ "$(grep -cE '^epoll_wait\([0-9]+, \[\], [0-9]+, 0\) = 0$' "$TMP/fwd.err")" -gt 100 ]; do
		((SECONDS < deadline))
		nap
	done
}

@test "SIGTERM ends the forward at once: 143, no socket file left" {
	start_peer tgt hold 127.0.0.1:0
	bg fwd "$SOCKIT" listen -v "unix:$SOCKDIR/front" --to "127.0.0.1:$PEER_PORT"
	local fwd_pid=$BG_PID
	wait_for_socket "$SOCKDIR/front"
	bg_fed one "$SOCKIT" connect "unix:$SOCKDIR/front"
	printf 'one\n' >&"$FEED"
	wait_for_line "$TMP/tgt.out" '^peer 1: one$'
	kill -TERM "$fwd_pid"
	wait_for_exit "$fwd_pid"
	[ "$EXIT_STATUS" -eq 143 ]
	[ ! -e "$SOCKDIR/front" ]
	# The pair was ended, not left to the target: it closes its side.
	wait_for_line "$TMP/tgt.out" '^peer 1 ended$'
}

@test "--drain lets an open pair finish after SIGINT, then exits 130 [long]" {
	start_peer echo echo 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 --drain 20 --to "127.0.0.1:$PEER_PORT"
	bg_fed cli "$SOCKIT" connect "127.0.0.1:$FWD_PORT"
	local cli_pid=$BG_PID
	printf 'before\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^before$'
	kill -INT "$FWD_PID"
	wait_for_line "$TMP/fwd.err" 'stopping: 1 pair may finish within 20 s'
	printf 'after\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^after$'
	exec {FEED}>&-
	wait_for_exit "$FWD_PID"
	[ "$EXIT_STATUS" -eq 130 ]
	wait_for_exit "$cli_pid"
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "descriptors are back to their start after 1,000 pairs [long]" {
	start_peer echo echo 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	local before=$(fd_count "$FWD_PID")
	run python3 "$PEER" load 127.0.0.1 "$FWD_PORT" 1000 1000 --at-once 100
	[ "$output" = "1000 ok" ]
	wait_for_line "$TMP/fwd.err" '#1000 closed'
	local deadline=$((SECONDS + 10))
	while [ "$(fd_count "$FWD_PID")" -ne "$before" ] &&
	    ((SECONDS <= deadline)); do
		nap
	done
	[ "$(fd_count "$FWD_PID")" -eq "$before" ]
}

@test "20 UDP senders at once each get their own replies and no others [long]" {
	start_peer echo udpecho 127.0.0.1:0
	start_forward fwd -u 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	run python3 "$PEER" udpload "127.0.0.1:$FWD_PORT" 20 10
	[ "$output" = "20 ok" ]
	assert_success
	wait_for_line "$TMP/fwd.err" '^sockit: #20 127\.0\.0\.1:[0-9]+ -> '
	refute grep -q '^sockit: #21 ' "$TMP/fwd.err"
}

@test "UDP on a wildcard address answers each sender from the address it wrote to [long]" {
	start_peer echo udpecho 127.0.0.1:0
	# A connected UDP socket takes replies from its peer alone: one from
	# another of our addresses never arrives, and recv times out.
	local client='
import socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(10)
c.connect(("127.0.0.2", int(sys.argv[1])))
c.send(b"to the second address")
print(c.recv(100).split(b": ")[1].decode())'
	start_forward fwd -u 0.0.0.0:0 --to "127.0.0.1:$PEER_PORT"
	run python3 -c "$client" "$FWD_PORT"
	assert_success
	[ "$output" = "to the second address" ]
	start_forward fwd6 -u '[::]:0' --to "127.0.0.1:$PEER_PORT"
	run python3 -c "$client" "$FWD_PORT"
	assert_success
	[ "$output" = "to the second address" ]
}

@test "UDP senders reach a unix datagram target, and its replies come back [long]" {
	start_peer echo udpecho "unix:$SOCKDIR/target"
	start_forward fwd -u 127.0.0.1:0 --to "unix-dgram:$SOCKDIR/target"
	# A unix datagram socket queues 10 (net.unix.max_dgram_qlen): more
	# at once could be dropped, as datagrams may be.
	run python3 "$PEER" udpload "127.0.0.1:$FWD_PORT" 3 3
	[ "$output" = "3 ok" ]
	assert_success
	# -v spells the target's kind as it was given.
	wait_for_line "$TMP/fwd.err" "^sockit: #1 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$FWD_PORT => unix-dgram:$SOCKDIR/target$"
}

@test "a unix datagram target that is restarted at its path gets the next datagram of a busy flow" {
	start_listener tgt -k --serve echo "unix-dgram:$SOCKDIR/target"
	local tgt_pid=$LISTEN_PID
	start_forward fwd -u 127.0.0.1:0 --to "unix-dgram:$SOCKDIR/target"
	bg_fed cli "$SOCKIT" connect -u "127.0.0.1:$FWD_PORT"
	printf 'first\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^first$'
	kill "$tgt_pid"
	wait_for_exit "$tgt_pid"
	# While the target is gone its refusal is said, once.
	printf 'lost\n' >&"$FEED"
	wait_for_line "$TMP/fwd.err" "^sockit: #1 target unix-dgram:$SOCKDIR/target refused a datagram: send: .*ECONNREFUSED"
	start_listener tgt -k --serve echo "unix-dgram:$SOCKDIR/target"
	printf 'second\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^second$'
	assert_file_contains "$TMP/fwd.err" "#1 connected again to unix-dgram:$SOCKDIR/target"
	refute grep -q '^sockit: #2 ' "$TMP/fwd.err"
	exec {FEED}>&-
}

@test "--flow-idle ends a quiet flow, and the sender's next datagram starts one [long]" {
	start_peer echo udpecho 127.0.0.1:0
	start_forward fwd -u 127.0.0.1:0 --flow-idle 0.2 --to "127.0.0.1:$PEER_PORT"
	early_peer cli '
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind(("127.0.0.1", 0))
c.settimeout(10)
for word in (b"first", b"second"):
    while not os.path.exists(sys.argv[1] + "." + word.decode()):
        time.sleep(0.005)
    c.sendto(word, ("127.0.0.1", int(port)))
    print(c.recv(100).split(b": ")[1].decode(), flush=True)'
	peer_go cli "$FWD_PORT"
	touch "$TMP/cli.go.first"
	wait_for_line "$TMP/cli.out" '^first$'
	wait_for_line "$TMP/fwd.err" '^sockit: #1 closed \(idle\): 5 bytes to 127\.0\.0\.1:[0-9]+, [0-9]+ back, in '
	touch "$TMP/cli.go.second"
	wait_for_line "$TMP/cli.out" '^second$'
	wait_for_line "$TMP/fwd.err" '^sockit: #2 127\.0\.0\.1:[0-9]+ -> '
}

@test "-i ends a UDP forward that carried nothing for SECS with 124 [long]" {
	start_peer echo udpecho 127.0.0.1:0
	start_forward fwd -u 127.0.0.1:0 -i 0.3 --to "127.0.0.1:$PEER_PORT"
	wait_for_exit "$FWD_PID"
	[ "$EXIT_STATUS" -eq 124 ]
	assert_file_contains "$TMP/fwd.err" "no data through 127.0.0.1:$FWD_PORT within 0.3 s (-i)"
}

@test "seqpacket: messages held up by a slow target all go once it reads [long]" {
	early_peer tgt '
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(port); s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
while not os.path.exists(sys.argv[1] + ".read"):
    time.sleep(0.005)
n = 0
while c.recv(65536):
    n += 1
    print("got %d" % n, flush=True)'
	peer_go tgt "$SOCKDIR/target"
	wait_for_line "$TMP/tgt.out" '^listening$'
	bg fwd "$SOCKIT" listen -v --seqpacket "unix:$SOCKDIR/front" \
	    --to "unix:$SOCKDIR/target"
	wait_for_socket "$SOCKDIR/front"
	# The client sends until every queue on the way is full, then stops:
	# no new message wakes the forwarder after that. (Under load a pause
	# may stop it early, and the test then proves less, never fails.)
	early_peer cli '
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
c.connect(port)
c.setblocking(False)
import select
n = 0
while True:
    try:
        c.send(b"m" * 30000)
        n += 1
    except BlockingIOError:
        # Blocked for a second: full all the way to the target.
        if not select.select([], [c], [], 1.0)[1]:
            break
print("sent %d" % n, flush=True)
time.sleep(60)'
	peer_go cli "$SOCKDIR/front"
	wait_for_line "$TMP/cli.out" '^sent [0-9]+$'
	local sent=$(sed -n 's/^sent //p' "$TMP/cli.out")
	touch "$TMP/tgt.go.read"
	wait_for_line "$TMP/tgt.out" "^got $sent\$"
}

@test "-w bounds the connect to a target that does not answer; the peer is reset [long]" {
	# A listener whose queue is full drops new SYNs: connect() waits.
	early_peer tgt '
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(0)
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(s.getsockname())
    held.append(c)
print("port %d" % s.getsockname()[1], flush=True)
time.sleep(60)'
	peer_go tgt unused
	wait_for_line "$TMP/tgt.out" '^port '
	local tport=$(sed -n 's/^port //p' "$TMP/tgt.out")
	start_forward fwd -w 0.5 127.0.0.1:0 --to "127.0.0.1:$tport"
	run --separate-stderr sockit connect "127.0.0.1:$FWD_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(ECONNRESET)"
	wait_for_line "$TMP/fwd.err" "^sockit: connect to 127\\.0\\.0\\.1:$tport for #1 \\(127\\.0\\.0\\.1:[0-9]+\\) timed out after 0\\.5 s \\(-w\\)$"
	kill -0 "$FWD_PID"
}

@test "a --to name that does not resolve fails the start: nothing bound, no listening line" {
	run --separate-stderr sockit listen -v "unix:$SOCKDIR/front" --to no-such-host.invalid:80
	assert_status 1
	assert_stderr_contains "resolve no-such-host.invalid:80: "
	refute grep -q 'listening on' <<<"$stderr"
	[ ! -e "$SOCKDIR/front" ]
}

@test "a UDP target that refuses is reported with its errno name and a hint [long]" {
	local port
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	bg fwd "$SOCKIT" listen -u 127.0.0.1:0 --json --to "127.0.0.1:$port"
	wait_for_line "$TMP/fwd.err" '"event": "listening"'
	local fport=$(jq -r 'select(.event == "listening") | .address' "$TMP/fwd.err")
	fport=${fport##*:}
	run python3 -c "
import socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.sendto(b'anyone?', ('127.0.0.1', int(sys.argv[1])))" "$fport"
	wait_for_line "$TMP/fwd.err" '"event": "error"'
	run jq -r 'select(.event == "error") | [.operation, .call, .error, .hint] | join(" | ")' "$TMP/fwd.err"
	[ "$output" = "#1 target 127.0.0.1:$port refused a datagram | recv | ECONNREFUSED | nothing listens on UDP port $port there: an ICMP port-unreachable came back" ]
}

@test "--json: a refused target's pair event comes before its pair-closed" {
	local port=$(refused_port)
	bg fwd "$SOCKIT" listen --json 127.0.0.1:0 --to "127.0.0.1:$port"
	wait_for_line "$TMP/fwd.err" '"event": "listening"'
	local fport=$(jq -r 'select(.event == "listening") | .address' "$TMP/fwd.err")
	fport=${fport##*:}
	run sockit connect "127.0.0.1:${fport}" </dev/null
	wait_for_line "$TMP/fwd.err" '"event": "pair-closed"'
	run jq -c 'select(.event | startswith("pair")) | [.event, .pair, .target, .end]' "$TMP/fwd.err"
	[ "${lines[0]}" = "[\"pair\",1,\"127.0.0.1:$port\",null]" ]
	[ "${lines[1]}" = '["pair-closed",1,null,"unreached"]' ]
	[ "${#lines[@]}" -eq 2 ]
}

# cut_off SIGNAL ARGS...: a client in an open pair to an echo target
# through `listen ARGS --to`, then SIGNAL to the forward.
cut_off() {
	local sig=$1
	shift
	start_peer echo echo 127.0.0.1:0
	start_forward fwd 127.0.0.1:0 "$@" --to "127.0.0.1:$PEER_PORT"
	bg_fed cli "$SOCKIT" connect "127.0.0.1:$FWD_PORT"
	CLI_PID=$BG_PID
	printf 'before\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^before$'
	kill "-$sig" "$FWD_PID"
}

@test "SIGTERM resets the pairs it cuts off: the client fails, not a clean end [long]" {
	cut_off TERM
	wait_for_exit "$FWD_PID"
	[ "$EXIT_STATUS" -eq 143 ]
	wait_for_exit "$CLI_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/cli.err" "(ECONNRESET)"
}

@test "a pair still open when --drain runs out is reset [long]" {
	cut_off INT --drain 0.3
	wait_for_exit "$FWD_PID"
	[ "$EXIT_STATUS" -eq 130 ]
	wait_for_line "$TMP/fwd.err" '^sockit: #1 closed \(stopped\)'
	wait_for_exit "$CLI_PID"
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/cli.err" "(ECONNRESET)"
}

@test "--drain closes the listener at once: new clients are refused, the socket file goes" {
	start_peer echo echo 127.0.0.1:0
	bg fwd "$SOCKIT" listen -v --drain 20 "unix:$SOCKDIR/front" --to "127.0.0.1:$PEER_PORT"
	local fwd_pid=$BG_PID
	wait_for_socket "$SOCKDIR/front"
	start_forward tcp --drain 20 127.0.0.1:0 --to "127.0.0.1:$PEER_PORT"
	bg_fed cli "$SOCKIT" connect "127.0.0.1:$FWD_PORT"
	printf 'before\n' >&"$FEED"
	wait_for_line "$TMP/cli.out" '^before$'
	bg_fed cli2 "$SOCKIT" connect "unix:$SOCKDIR/front"
	local feed2=$FEED
	printf 'before\n' >&"$feed2"
	wait_for_line "$TMP/cli2.out" '^before$'
	kill -INT "$FWD_PID" "$fwd_pid"
	wait_for_line "$TMP/tcp.err" 'stopping: 1 pair may finish within 20 s'
	wait_for_line "$TMP/fwd.err" 'stopping: 1 pair may finish within 20 s'
	run --separate-stderr sockit connect "127.0.0.1:$FWD_PORT" </dev/null
	assert_status 1
	assert_stderr_contains "(ECONNREFUSED)"
	[ ! -e "$SOCKDIR/front" ]
	# The pairs already open still carry bytes.
	printf 'after\n' >&"$feed2"
	wait_for_line "$TMP/cli2.out" '^after$'
}
