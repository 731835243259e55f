#!/usr/bin/env bats
# tests/step.bats: --step, the teacher's pace: sockit in a tmux pane waits for Enter before each call, a loopback peer elsewhere.
load test_helper

teardown() {
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null 7>&- || true
	fi
	exec 7>&- 2>/dev/null || true
	common_teardown
}

# in_pane CMD...: runs CMD in a 100x40 terminal of a tmux server of our
# own, stdin from $TMP/in (when it exists), stderr on the screen; its
# status goes to $TMP/status.
in_pane() {
	local script=$TMP/pane.sh
	TMUX_SOCK=$SOCKDIR/tmux
	{
		echo "cd '$TMP'"
		printf '%q ' "$@"
		[ -e "$TMP/in" ] && printf '<%q' "$TMP/in"
		echo
		echo "echo \$? >'$TMP/status'"
		echo "exec sleep $BG_LIMIT"
	} >"$script"
	env -u TMUX tmux -S "$TMUX_SOCK" -f /dev/null new-session -d \
	    -x 100 -y 40 "sh '$script'" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}

keys() {
	tmux -S "$TMUX_SOCK" send-keys "$@" 7>&-
}

screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p -S - 7>&-
}

# next_call REGEX [SECS]: until the screen shows a call about to run
# whose text matches REGEX: "socket\(" for socket(...) ...
next_call() {
	local regex="^$1.* \\.\\.\\.\$" secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		screen | grep -qE -- "$regex" && return 0
		nap
	done
	echo "timed out after ${secs}s waiting for /$regex/ on screen:" >&2
	screen >&2
	return 1
}

# wait_for_screen_count REGEX N: until N rows of the screen match REGEX.
wait_for_screen_count() {
	local regex=$1 want=$2 deadline=$((SECONDS + 10))
	while ((SECONDS <= deadline)); do
		[ "$(screen | grep -cE -- "$regex")" -ge "$want" ] && return 0
		nap
	done
	echo "fewer than $want rows match /$regex/ after 10s:" >&2
	screen >&2
	return 1
}

# wait_for_status [SECS]: until the command in the pane has ended.
wait_for_status() {
	local secs=${1:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		if [ -s "$TMP/status" ]; then
			STATUS=$(cat "$TMP/status")
			return 0
		fi
		nap
	done
	echo "the command in the pane still runs after ${secs}s:" >&2
	screen >&2
	return 1
}

@test "--step without a terminal is a usage error that says it needs one" {
	run --separate-stderr setsid -w "$SOCKIT" --step connect 127.0.0.1:9 \
	    </dev/null
	assert_status 2
	assert_stderr_contains "--step needs a terminal"
	assert_stderr_contains "/dev/tty"
}

@test "--step after the command says it goes before" {
	run --separate-stderr sockit connect --step 127.0.0.1:9
	assert_status 2
	assert_stderr_contains "--step is a global option: put it before the command (sockit --step connect ...)"
}

@test "--step: Enter runs each call, stdin's data reaches the peer, q ends with 0 [long]" {
	mkfifo "$TMP/peer.in"
	bg peer "$SOCKIT" listen -v 127.0.0.1:0
	exec 7>"$TMP/peer.in"
	wait_for_line "$TMP/peer.err" '^sockit: listening on '
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
	echo "hola" >"$TMP/in"
	in_pane "$SOCKIT" --step connect "127.0.0.1:$port"
	next_call 'getaddrinfo\("127\.0\.0\.1"'
	screen | grep -q 'looks the name and service up'
	keys Enter
	next_call 'socket\(AF_INET, SOCK_STREAM, IPPROTO_TCP\)'
	# Shown before it runs: no result line yet.
	refute grep -q '^socket(.*) = 3$' <(screen)
	keys Enter
	next_call 'connect\(3, \{AF_INET, 127\.0\.0\.1:'"$port"'\}, 16\)'
	screen | grep -q '^socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3$'
	screen | grep -q 'three-way handshake'
	keys Enter
	next_call 'poll\(\[\{0, POLLIN\}, \{3, POLLIN\}\], -1\)'
	keys Enter
	next_call 'read\(0, buf, 1024\)'
	keys Enter
	next_call 'send\(3, "hola\\n", 5, 0\)'
	refute grep -q hola "$TMP/peer.out"
	keys Enter
	wait_for_line "$TMP/peer.out" '^hola$'
	wait_for_screen_count '^poll\(.* \.\.\.$' 2
	keys q Enter
	wait_for_status
	[ "$STATUS" -eq 0 ]
	screen | grep -q '^send(3, "hola\\n", 5, 0) = 5$'
	# The peer sees the connection closed.
	exec 7>&-
	wait_for_exit "${BG_PIDS[0]}"
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "--step: q before accept ends a unix listener with 0 and removes its socket file [long]" {
	in_pane "$SOCKIT" --step listen "unix:$SOCKDIR/s.sock"
	next_call 'socket\(AF_UNIX, SOCK_STREAM, 0\)'
	keys Enter
	next_call 'bind\(3, \{AF_UNIX, "'"$SOCKDIR"'/s\.sock"\}'
	keys Enter
	next_call 'listen\(3, 16\)'
	[ -S "$SOCKDIR/s.sock" ]
	keys Enter
	next_call 'accept\(3\)'
	keys q Enter
	wait_for_status
	[ "$STATUS" -eq 0 ]
	refute grep -q '^accept(3) =' <(screen)
	refute test -e "$SOCKDIR/s.sock"
}

@test "--step: a forked child runs without stepping, says so once, and its end does not end the demo [long]" {
	in_pane "$SOCKIT" --step listen --fork --serve echo \
	    "unix:$SOCKDIR/f.sock"
	next_call 'socket\('
	# Typed ahead: the terminal hands sockit one line per read.
	keys Enter Enter Enter
	next_call 'sigaction\(SIGCHLD, \{sa_handler=reap, sa_flags=0\}, NULL\)'
	screen | grep -q 'installs a signal handler'
	keys Enter
	next_call 'waitpid\(-1, &status, WNOHANG\)'
	keys Enter
	next_call 'accept\(3\)'
	keys Enter
	printf 'uno\n' >"$TMP/c1.in"
	bg c1 "$SOCKIT" connect "unix:$SOCKDIR/f.sock"
	next_call 'fork\(\)'
	screen | grep -q 'the child serves the client'
	keys Enter
	next_call 'close\(4\)'
	wait_for_screen_count '^\[pid [0-9]+\] close\(4\) = 0$' 1
	[ "$(screen | grep -cE '^sockit: child [0-9]+ runs without stepping$')" -eq 1 ]
	screen | grep -qE '^\[pid [0-9]+\] send\(4, "uno\\n", 4, 0\) = 4$'
	# The child's SIGCHLD comes while the parent waits for the teacher.
	child=$(screen | sed -n 's/^sockit: child \([0-9]*\) runs.*/\1/p')
	wait_gone "$child"
	# The parent's copy of the connection holds the client's EOF back.
	refute test -s "$TMP/status"
	keys Enter
	wait_for_exit "${BG_PIDS[0]}"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(cat "$TMP/c1.out")" = uno ]
	# The loop's top reaps the child, then accepts again.
	wait_for_screen_count '^waitpid\(-1, &status, WNOHANG\) \.\.\.$' 2
	keys Enter
	wait_for_screen_count '^waitpid\(-1, &status, WNOHANG\) \.\.\.$' 3
	screen | grep -qE '^waitpid\(-1, \[exit status 0\], WNOHANG\) = [0-9]+$'
	keys Enter
	wait_for_screen_count '^accept\(3\) \.\.\.$' 2
	keys q Enter
	wait_for_status
	[ "$STATUS" -eq 0 ]
	refute test -e "$SOCKDIR/f.sock"
}
