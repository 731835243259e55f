# tests/test_helper.bash: shared helpers; every wait here has a deadline.

bats_require_minimum_version 1.5.0

: "${SOCKIT:=$BATS_TEST_DIRNAME/../sockit}"
# Every test loads this file: no process is started here for a path that
# is absolute already (tests/run passes one).
[[ $SOCKIT == /* ]] ||
    SOCKIT=$(cd "$(dirname "$SOCKIT")" && pwd)/$(basename "$SOCKIT")
export SOCKIT

# Background processes are killed after this long, whatever happens;
# foreground ones after FG_LIMIT.
: "${BG_LIMIT:=30}"
: "${FG_LIMIT:=30}"
# How often the readiness loops look again, in seconds.
poll_step=0.02

# nap: a pause of poll_step without starting a process (the loops below
# run by the thousand in parallel files, and each sleep(1) is a fork and
# an exec): read times out on a FIFO that nobody writes to, opened for
# reading and writing so that the open itself does not wait. The FIFO is
# made at the first pause, so a test that never waits pays nothing for it.
nap() {
	local fifo=$TMP/.nap
	if [ -p "$fifo" ] || mkfifo "$fifo" 2>/dev/null; then
		read -r -t "$poll_step" _ <>"$fifo" || true
	else
		sleep "$poll_step"
	fi
}

# untraced FUNCTION ARGS...: runs FUNCTION without bats' DEBUG trap, then
# puts the trap back. The trap notes where each command of a test is, at
# some 0.3 ms of CPU per command: a readiness loop that waits a second
# spent more on it than on looking, and the suite is CPU-bound. The loops
# below say themselves why they fail, so the trap's note is not missed.
untraced() {
	local rc=0
	[ -n "${bats_debug_trap_saved+set}" ] ||
	    bats_debug_trap_saved=$(trap -p DEBUG)
	trap - DEBUG
	"$@" || rc=$?
	eval "$bats_debug_trap_saved"
	return "$rc"
}

setup() {
	common_setup
}

# What every test file's setup starts with.
common_setup() {
	# A test named "... [long]" takes seconds of its own: make check
	# leaves it to make check-long (SOCKIT_LONG=1), to stay quick.
	if [[ $BATS_TEST_DESCRIPTION == *' [long]' ]] &&
	    [ "${SOCKIT_LONG:-}" != 1 ]; then
		skip "long: make check-long runs it"
	fi
	TMP=$BATS_TEST_TMPDIR
	# AF_UNIX paths must fit in sun_path (108 bytes): the test's own
	# directory will do when it is short, as under /tmp; bats removes it.
	if [ "${#TMP}" -le 48 ]; then
		SOCKDIR=$TMP/s
		mkdir "$SOCKDIR"
	else
		SOCKDIR=$(mktemp -d /tmp/sockit-test.XXXXXX)
	fi
	BG_PIDS=()
}

teardown() {
	common_teardown
}

# What every test file's teardown ends with.
common_teardown() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	[[ $SOCKDIR == "$TMP"/* ]] || rm -rf "$SOCKDIR"
}

# Descriptors bats keeps open are closed, so the first socket is fd 3 as
# in the golden trace lines; a hang is killed (status 137), never waited out.
sockit() {
	timeout -s KILL "$FG_LIMIT" "$SOCKIT" "$@" \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}

# wait_for_line FILE REGEX [SECS]: until a line of FILE matches REGEX (an
# ERE, as grep -E takes it). A wait polls thousands of times across the
# suite, and a grep each time was a fork and an exec: grep runs only when
# the file has grown, which a descriptor kept open on it tells by having
# something new to read, and once a second anyway, for a file rewritten
# from its start.
wait_for_line() {
	untraced wait_for_line_untraced "$@"
}
wait_for_line_untraced() {
	local file=$1 regex=$2 secs=${3:-10}
	local deadline=$((SECONDS + secs)) fd= chunk grown polls=0
	while ((SECONDS <= deadline)); do
		grown=
		if [ -z "$fd" ] && [ -e "$file" ] && exec {fd}<"$file"; then
			grown=1
		fi
		if [ -n "$fd" ] && { IFS= read -r -d '' -N 1048576 -u "$fd" chunk ||
		    [ -n "$chunk" ]; }; then
			grown=1
		fi
		if { [ -n "$grown" ] || ((++polls % 50 == 0)); } &&
		    grep -qE -- "$regex" "$file" 2>/dev/null; then
			[ -z "$fd" ] || exec {fd}<&-
			return 0
		fi
		nap
	done
	[ -z "$fd" ] || exec {fd}<&-
	echo "timed out after ${secs}s waiting for /$regex/ in $file:" >&2
	cat "$file" >&2 2>/dev/null
	return 1
}

# wait_for_socket PATH [SECS]: until PATH exists as a socket.
wait_for_socket() {
	untraced wait_for_socket_untraced "$@"
}
wait_for_socket_untraced() {
	local path=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		[ -S "$path" ] && return 0
		nap
	done
	echo "timed out after ${secs}s waiting for socket $path" >&2
	return 1
}

# wait_for_exit PID [SECS]: waits for a background job; sets EXIT_STATUS.
wait_for_exit() {
	untraced wait_for_exit_untraced "$@"
}
wait_for_exit_untraced() {
	local pid=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			EXIT_STATUS=0
			wait "$pid" || EXIT_STATUS=$?
			return 0
		fi
		nap
	done
	echo "process $pid still running after ${secs}s" >&2
	return 1
}

# wait_gone PID [SECS]: until no process PID runs (a zombie that its new
# parent has yet to reap counts as gone); fails after SECS.
wait_gone() {
	untraced wait_gone_untraced "$@"
}
wait_gone_untraced() {
	local pid=$1 secs=${2:-10} state
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 0
		[[ $state == Z* ]] && return 0
		nap
	done
	echo "process $pid still running after ${secs}s" >&2
	return 1
}

# children_of PID: the pids of PID's children, one a line.
children_of() {
	pgrep -P "$1" || true
}

# wait_for_children PID N [SECS]: until PID has exactly N children.
wait_for_children() {
	untraced wait_for_children_untraced "$@"
}
wait_for_children_untraced() {
	local pid=$1 n=$2 secs=${3:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		[ "$(children_of "$pid" | wc -l)" -eq "$n" ] && return 0
		nap
	done
	echo "$pid has $(children_of "$pid" | wc -l) children, not $n" >&2
	return 1
}

# bg NAME CMD...: runs CMD in the background (killed after BG_LIMIT),
# stdin from $TMP/NAME.in when it exists, output to $TMP/NAME.out/.err.
# Sets BG_PID.
bg() {
	local name=$1 in=/dev/null
	shift
	[ -e "$TMP/$name.in" ] && in=$TMP/$name.in
	# Emptied here, not only by the child's redirections, which come
	# later: a second job of the same name must not find the first
	# one's "listening on" line still in the file.
	: >"$TMP/$name.out"
	: >"$TMP/$name.err"
	timeout -s KILL "$BG_LIMIT" "$@" <"$in" >"$TMP/$name.out" \
	    2>"$TMP/$name.err" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# sockit_under PID: prints the pid of the sockit that bg's timeout PID
# runs, waiting up to 10 s for it to be started (bg returns at once).
sockit_under() {
	untraced sockit_under_untraced "$@"
}
sockit_under_untraced() {
	local i
	for ((i = 0; i < 200; i++)); do
		pgrep -P "$1" -x sockit && return 0
		sleep 0.05
	done
	echo "no sockit under pid $1 after 10 s" >&2
	return 1
}

# start_server NAME COMMAND ARGS...: `sockit COMMAND -v ARGS` in the
# background; waits for its "listening on" line and sets SERVER_PID,
# SERVER_ADDR and SERVER_PORT (the port the kernel chose for port 0).
start_server() {
	local name=$1
	shift
	bg "$name" "$SOCKIT" "$1" -v "${@:2}"
	SERVER_PID=$BG_PID
	wait_for_line "$TMP/$name.err" '^sockit: listening on ' 10 || return 1
	SERVER_ADDR=$(sed -n 's/^sockit: listening on //p' "$TMP/$name.err" |
	    head -n 1)
	SERVER_PORT=${SERVER_ADDR##*:}
}

# start_listener NAME ARGS...: start_server NAME listen ARGS..., which sets
# LISTEN_PID, LISTEN_ADDR and LISTEN_PORT.
start_listener() {
	start_server "$1" listen "${@:2}" || return 1
	LISTEN_PID=$SERVER_PID LISTEN_ADDR=$SERVER_ADDR
	LISTEN_PORT=$SERVER_PORT
}

# start_recv NAME ARGS...: start_server NAME recv ARGS..., which sets
# RECV_PID, RECV_ADDR and RECV_PORT.
start_recv() {
	start_server "$1" recv "${@:2}" || return 1
	RECV_PID=$SERVER_PID RECV_ADDR=$SERVER_ADDR RECV_PORT=$SERVER_PORT
}

# sigterm_resets COMMAND: `sockit --trace COMMAND` towards a recv, its
# stdin a pipe that never ends, gets SIGTERM once its first line arrived:
# it must end with 143 through SO_LINGER {1, 0}, and the receiver must
# learn of the loss from ECONNRESET instead of a FIN.
sigterm_resets() {
	start_recv rcv 127.0.0.1:0
	mkfifo "$TMP/snd.in"
	bg snd "$SOCKIT" --trace "$1" "127.0.0.1:$RECV_PORT"
	local snd_pid=$BG_PID
	exec 7>"$TMP/snd.in"
	printf 'the first part\n' >&7
	wait_for_line "$TMP/rcv.out" '^the first part$'
	kill -TERM "$snd_pid"
	wait_for_exit "$snd_pid"
	[ "$EXIT_STATUS" -eq 143 ]
	assert_file_contains "$TMP/snd.err" \
	    "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}) = 0"
	wait_for_exit "$RECV_PID"
	exec 7>&-
	[ "$EXIT_STATUS" -eq 1 ]
	assert_file_contains "$TMP/rcv.err" "(ECONNRESET)"
}

# early_peer NAME CODE: a python3 peer started before the sockit it talks
# to, so that its start-up falls in no timed window of sockit's: it says
# "ready", waits for `peer_go NAME PORT`, then runs CODE with `port` (a
# string: a number, or a unix path) set. Output in $TMP/NAME.out/.err.
early_peer() {
	local name=$1 code=$2
	cat >"$TMP/$name.py" <<PY
import os, socket, sys, time
print("ready", flush=True)
go = sys.argv[1]
for _ in range(2000):
    if os.path.exists(go):
        break
    time.sleep(0.005)
port = open(go).read().strip()
$code
PY
	bg "$name" python3 "$TMP/$name.py" "$TMP/$name.go"
	wait_for_line "$TMP/$name.out" '^ready$'
}

# peer_go NAME PORT: lets the early_peer NAME go on, towards PORT.
peer_go() {
	echo "$2" >"$TMP/$1.go.tmp" && mv "$TMP/$1.go.tmp" "$TMP/$1.go"
}

# bg_fed NAME CMD...: like bg, but stdin is a FIFO the test writes into
# through fd $FEED, so each printf >&"$FEED" is a separate read for CMD.
bg_fed() {
	mkfifo "$TMP/$1.in"
	bg "$@"
	exec {FEED}>"$TMP/$1.in"
}

# bounded NAME CMD...: CMD in the foreground, killed after 30 s; stdin from
# $TMP/NAME.in (or /dev/null), output to $TMP/NAME.out and $TMP/NAME.err.
# Sets status and stderr for assert_status instead of failing at once.
bounded() {
	local name=$1 in=/dev/null
	shift
	[ -e "$TMP/$name.in" ] && in=$TMP/$name.in
	status=0
	timeout -s KILL 30 "$@" <"$in" >"$TMP/$name.out" 2>"$TMP/$name.err" \
	    3>&- || status=$?
	stderr=$(cat "$TMP/$name.err")
	output=
}

# socat_port FILE: the port from socat's "listening on" line (-d -d).
socat_port() {
	wait_for_line "$1" ' listening on .*AF=' 10 >&2 || return 1
	sed -n 's/.* listening on .*:\([0-9][0-9]*\)$/\1/p' "$1" | head -n 1
}

# proc_port PID PROTO: the port bound by the program that `bg` started as
# PID (its timeout(1) wrapper), PROTO tcp or udp. A TCP socket counts only
# once it is listening, so the port is ready to connect to when it shows.
proc_port() {
	untraced proc_port_untraced "$@"
}
proc_port_untraced() {
	local pid=$1 proto=$2 deadline=$((SECONDS + 10))
	local child fd link inodes port
	while ((SECONDS <= deadline)); do
		child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null) || true
		child=${child%% *}
		inodes=
		for fd in ${child:+/proc/$child/fd/*}; do
			link=$(readlink "$fd" 2>/dev/null) || continue
			if [[ $link == socket:* ]]; then
				inodes+=" ${link//[^0-9]/}"
			fi
		done
		# /proc/net/tcp: local_address is HEXADDR:HEXPORT, st 0A is
		# LISTEN, the tenth field is the socket's inode.
		port=$(awk -v inodes="$inodes" -v proto="$proto" '
		    BEGIN { n = split(inodes, list, " ")
			    for (i = 1; i <= n; i++) want[list[i]] = 1 }
		    FNR > 1 && ($10 in want) && (proto == "udp" || $4 == "0A") {
			    split($2, addr, ":"); print addr[2]; exit }' \
		    "/proc/net/$proto" "/proc/net/${proto}6" 2>/dev/null)
		if [ -n "$port" ]; then
			echo $((16#$port))
			return 0
		fi
		nap
	done
	echo "process $pid bound no $proto port within 10s" >&2
	return 1
}

# refused_port: a loopback TCP port that nothing listens on any more.
refused_port() {
	local out=$TMP/refused.$$.err port
	timeout -s KILL 10 "$SOCKIT" listen -v 127.0.0.1:0 </dev/null \
	    >/dev/null 2>"$out" 3>&- &
	local pid=$!
	wait_for_line "$out" '^sockit: listening on ' 10 >&2 || return 1
	port=$(sed -n 's/^sockit: listening on .*://p' "$out" | head -n 1)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$port"
}

# refute CMD...: CMD must fail. A bare `! CMD` fails no bats test unless it
# is the test's last line, so every negative check goes through here.
refute() {
	if "$@"; then
		echo "expected to fail: $*" >&2
		return 1
	fi
}

assert_success() {
	if [ "$status" -ne 0 ]; then
		echo "expected success, got status $status" >&2
		echo "output: $output" >&2
		return 1
	fi
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected status $1, got $status" >&2
		echo "output: $output" >&2
		[ -n "${stderr:-}" ] && echo "stderr: $stderr" >&2
		return 1
	fi
}

# assert_output_contains TEXT: $output has TEXT somewhere.
assert_output_contains() {
	if [[ "$output" != *"$1"* ]]; then
		echo "expected output to contain: $1" >&2
		echo "output: $output" >&2
		return 1
	fi
}

# assert_stderr_contains TEXT: $stderr (run --separate-stderr) has TEXT.
assert_stderr_contains() {
	if [[ "$stderr" != *"$1"* ]]; then
		echo "expected stderr to contain: $1" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
}

# assert_file_contains FILE TEXT
assert_file_contains() {
	if ! grep -qF -- "$2" "$1"; then
		echo "expected $1 to contain: $2" >&2
		cat "$1" >&2
		return 1
	fi
}

# random_file PATH MIB: MIB mebibytes of random bytes.
random_file() {
	head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"
}

checksum() {
	sha256sum "$1" | cut -d' ' -f1
}
