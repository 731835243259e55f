#!/usr/bin/env bats
# tests/interactive.bats: line editing at a terminal: sockit runs in a tmux pane, a loopback peer talks to it.
load test_helper

# bats 1.8 cannot skip from setup_file: it says why, setup skips.
setup_file() {
	if ! "$SOCKIT" --version | grep -q '^features: readline=yes'; then
		export NO_LINE_EDITOR="built without readline"
	fi
}

setup() {
	common_setup
	[ -z "${NO_LINE_EDITOR:-}" ] || skip "$NO_LINE_EDITOR"
}

teardown() {
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null 7>&- || true
	fi
	exec 7>&- 2>/dev/null || true
	common_teardown
}

# in_terminal CMD...: runs CMD in an 80x24 terminal of a tmux server of
# our own, with the history in $TMP/history (or $HISTORY_FILE when set)
# and stderr in $TMP/pane.err
# (on the terminal with STDERR_ON_SCREEN=1). CMD's status goes to
# $TMP/status and the terminal's settings after it to $TMP/stty. The
# shell in the pane shrugs off Ctrl-C, so the pane outlives sockit.
in_terminal() {
	local script=$TMP/pane.sh
	TMUX_SOCK=$SOCKDIR/tmux
	{
		echo "trap 'true' INT"
		echo "cd '$TMP'"
		printf 'SOCKIT_HISTORY=%q ' "${HISTORY_FILE:-$TMP/history}"
		printf '%q ' "$@"
		if [ "${STDERR_ON_SCREEN:-}" = 1 ]; then
			echo
		else
			printf '2>%q\n' "$TMP/pane.err"
		fi
		# The settings first: a test reads them once the status is there.
		echo "rc=\$?; stty -a >'$TMP/stty'; echo \$rc >'$TMP/status'"
		echo "exec sleep $BG_LIMIT"
	} >"$script"
	# The tmux server outlives this call: it must not hold fd 7 open.
	env -u TMUX tmux -S "$TMUX_SOCK" -f /dev/null new-session -d \
	    -x 80 -y 24 "sh '$script'" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}

keys() {
	tmux -S "$TMUX_SOCK" send-keys "$@" 7>&-
}

screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p 7>&-
}

# wait_for_screen REGEX [SECS]: until a row of the terminal matches REGEX.
wait_for_screen() {
	local regex=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while ((SECONDS <= deadline)); do
		screen | grep -qE -- "$regex" && return 0
		nap
	done
	echo "timed out after ${secs}s waiting for /$regex/ on screen:" >&2
	screen >&2
	return 1
}

# wait_for_editor [SECS]: until readline has the terminal (ICANON off), so
# keys typed from now on reach the editor, not the terminal's line buffer.
wait_for_editor() {
	local secs=${1:-10} tty
	local deadline=$((SECONDS + secs))
	tty=$(tmux -S "$TMUX_SOCK" display-message -p '#{pane_tty}' 7>&-)
	while ((SECONDS <= deadline)); do
		stty -F "$tty" -a 2>/dev/null | grep -q -- ' -icanon ' &&
		    return 0
		nap
	done
	echo "no line editor on $tty after ${secs}s:" >&2
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
	echo "the command in the terminal still runs after ${secs}s:" >&2
	screen >&2
	return 1
}

# start_peer: a loopback listener whose stdin is fd 7 of the test, so the
# test decides when the peer speaks; sets PEER_PORT.
start_peer() {
	mkfifo "$TMP/peer.in"
	bg peer "$SOCKIT" listen -v "$@" 127.0.0.1:0
	exec 7>"$TMP/peer.in"
	wait_for_line "$TMP/peer.err" '^sockit: listening on ' 10
	PEER_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
}

@test "--version names the line editor" {
	run "$SOCKIT" --version
	assert_success
	[[ "$output" == *"readline=yes"* ]]
	[[ "$output" == *"line editing: readline "* ]]
}

@test "a typed line reaches the peer; Ctrl-D sends FIN and ends with 0 [long]" {
	start_peer
	in_terminal "$SOCKIT" connect "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'hello there' Enter
	wait_for_line "$TMP/peer.out" '^hello there$'
	keys C-d
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$TMP/peer.out")" = "hello there" ]
	grep -q ' icanon ' "$TMP/stty"
	grep -q ' echo ' "$TMP/stty"
}

@test "data that arrives while a line is typed prints above it, both intact [long]" {
	start_peer
	in_terminal "$SOCKIT" connect "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'half a li'
	wait_for_screen '^half a li$'
	printf 'news from the peer\n' >&7
	wait_for_screen '^news from the peer$'
	screen >"$TMP/screen"
	# The news sits on its own row, the half line below it, unbroken.
	grep -n -x 'news from the peer' "$TMP/screen" | cut -d: -f1 >"$TMP/a"
	grep -n -x 'half a li' "$TMP/screen" | cut -d: -f1 >"$TMP/b"
	[ "$(cat "$TMP/b")" -eq $(($(cat "$TMP/a") + 1)) ]
	keys 'ne' Enter
	wait_for_line "$TMP/peer.out" '^half a line$'
	keys C-d
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "an unfinished line from the peer stays before the prompt [long]" {
	start_peer
	in_terminal "$SOCKIT" connect "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	printf 'Name: ' >&7
	wait_for_screen '^Name:'
	keys 'ada'
	wait_for_screen '^Name: ada$'
	printf '(hurry) ' >&7
	wait_for_screen '^Name: \(hurry\) ada$'
	keys ' lovelace' Enter
	wait_for_line "$TMP/peer.out" '^ada lovelace$'
	printf 'thanks\n' >&7
	wait_for_screen '^thanks$'
	keys C-d
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "history is kept across runs in SOCKIT_HISTORY [long]" {
	# recv -k: a peer that never sends FIN and takes one client after another.
	bg peer "$SOCKIT" recv -k -v 127.0.0.1:0
	wait_for_line "$TMP/peer.err" '^sockit: listening on '
	PEER_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
	in_terminal "$SOCKIT" connect -q 0 "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'remember me' Enter
	wait_for_line "$TMP/peer.out" '^remember me$'
	keys C-d
	wait_for_status
	[ "$STATUS" -eq 0 ]
	grep -qx 'remember me' "$TMP/history"
	tmux -S "$TMUX_SOCK" kill-server 7>&-
	rm -f "$TMP/status"
	in_terminal "$SOCKIT" connect -q 0 "127.0.0.1:$PEER_PORT"
	wait_for_editor
	keys Up
	wait_for_screen '^remember me$'
	keys Enter
	local deadline=$((SECONDS + 10))
	until [ "$(grep -c '^remember me$' "$TMP/peer.out")" -eq 2 ]; do
		((SECONDS <= deadline))
		nap
	done
	keys C-d
	wait_for_status
	[ "$STATUS" -eq 0 ]
	# Entered twice, kept once.
	[ "$(grep -c '^remember me$' "$TMP/history")" -eq 1 ]
}

@test "a history file that cannot be written is warned about once, not per line [long]" {
	local spec path why runs=0
	mkdir "$TMP/histdir"
	bg peer "$SOCKIT" recv -k -v 127.0.0.1:0
	wait_for_line "$TMP/peer.err" '^sockit: listening on '
	PEER_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
	for spec in "$TMP/histdir|Is a directory (EISDIR)" \
	    "/dev/full|No space left on device (ENOSPC)" \
	    "$TMP/no/such/dir/history|No such file or directory (ENOENT)"; do
		path=${spec%|*}
		why=${spec#*|}
		runs=$((runs + 1))
		rm -f "$TMP/status"
		HISTORY_FILE=$path in_terminal "$SOCKIT" connect -q 0 \
		    "127.0.0.1:$PEER_PORT"
		wait_for_editor
		keys "first $runs" Enter "second $runs" Enter "third $runs" Enter
		wait_for_line "$TMP/peer.out" "^third $runs\$"
		keys C-d
		wait_for_status
		[ "$STATUS" -eq 0 ]
		cat "$TMP/pane.err"
		# Once, though three lines were lost.
		[ "$(grep -c 'history' "$TMP/pane.err")" -eq 1 ]
		grep -qxF "sockit: warning: history file $path: $why" \
		    "$TMP/pane.err"
		tmux -S "$TMUX_SOCK" kill-server 7>&-
	done
	[ ! -e "$TMP/no" ]
}

@test "a history file that can be written, or /dev/null, brings no warning [long]" {
	local path
	bg peer "$SOCKIT" recv -k -v 127.0.0.1:0
	wait_for_line "$TMP/peer.err" '^sockit: listening on '
	PEER_PORT=$(sed -n 's/^sockit: listening on .*://p' "$TMP/peer.err")
	for path in /dev/null "$TMP/fresh-history"; do
		rm -f "$TMP/status"
		HISTORY_FILE=$path in_terminal "$SOCKIT" connect -q 0 \
		    "127.0.0.1:$PEER_PORT"
		wait_for_editor
		keys "line for $path" Enter
		wait_for_line "$TMP/peer.out" "^line for $path\$"
		keys C-d
		wait_for_status
		[ "$STATUS" -eq 0 ]
		[ ! -s "$TMP/pane.err" ]
		tmux -S "$TMUX_SOCK" kill-server 7>&-
	done
	grep -qx "line for $TMP/fresh-history" "$TMP/fresh-history"
}

@test "Ctrl-C exits 130, gives the terminal back and closes without a reset; the typed line is not sent [long]" {
	start_peer
	in_terminal "$SOCKIT" connect "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'never sent'
	wait_for_screen '^never sent$'
	keys C-c
	wait_for_status
	[ "$STATUS" -eq 130 ]
	grep -q ' icanon ' "$TMP/stty"
	grep -q ' echo ' "$TMP/stty"
	exec 7>&-
	wait_for_exit "$BG_PID"
	# A person's Ctrl-C closes with a FIN, not a reset: the peer ends well.
	[ "$EXIT_STATUS" -eq 0 ]
	[ ! -s "$TMP/peer.out" ]
}

@test "--no-readline relays the terminal's bytes as they come, with no history" {
	start_peer
	in_terminal "$SOCKIT" connect --no-readline "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'plain line' Enter
	wait_for_line "$TMP/peer.out" '^plain line$'
	keys C-d
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
	[ ! -e "$TMP/history" ]
}

@test "stdin that is not a terminal is relayed byte for byte, with no history" {
	start_peer
	exec 7>&-
	printf 'a\tb\033[A\r\n\x7f' >"$TMP/bytes"
	HOME=$TMP SOCKIT_HISTORY= run sockit connect "127.0.0.1:$PEER_PORT" \
	    <"$TMP/bytes"
	assert_success
	wait_for_exit "$BG_PID"
	cmp "$TMP/bytes" "$TMP/peer.out"
	[ ! -e "$TMP/.sockit_history" ]
}

@test "listen edits lines too, for a client that is not sockit [long]" {
	in_terminal "$SOCKIT" listen -v 127.0.0.1:0
	wait_for_line "$TMP/pane.err" '^sockit: listening on '
	local port
	port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/pane.err")
	mkfifo "$TMP/client.in"
	bg client socat -t 5 - "TCP:127.0.0.1:$port"
	exec 7>"$TMP/client.in"
	wait_for_line "$TMP/pane.err" '^sockit: connection from '
	wait_for_editor
	printf 'hello from socat\n' >&7
	wait_for_screen '^hello from socat$'
	keys 'hello from a person' Enter
	wait_for_line "$TMP/client.out" '^hello from a person$'
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "pair with one command edits lines for the coprocess" {
	in_terminal "$SOCKIT" pair -e 'tr a-z A-Z'
	wait_for_editor
	keys 'shout this' Enter
	wait_for_screen '^shout this$'
	# tr writes when its input ends: to a socket, its output is buffered.
	keys C-d
	wait_for_screen '^SHOUT THIS$'
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "Ctrl-C at the terminal reaches the programs of pair and connect, and all they started [long]" {
	# The program is a pipeline: the shell, the inner sh that becomes
	# cat, and the last cat, none of them a reader of the terminal.
	local prog="sh -c 'echo \$\$ >$TMP/gc; exec cat' | cat" gc
	in_terminal "$SOCKIT" pair -c "$prog"
	wait_for_editor
	wait_for_line "$TMP/gc" '^[0-9]+$'
	gc=$(cat "$TMP/gc")
	BG_PIDS+=("$gc")
	keys 'typed at the terminal' Enter
	# Once as typed, once as the pipeline sends it back.
	wait_for_screen '^typed at the terminal$'
	local deadline=$((SECONDS + 10))
	until [ "$(screen | grep -c '^typed at the terminal$')" -eq 2 ]; do
		[ "$SECONDS" -le "$deadline" ] || { screen >&2; return 1; }
		nap
	done
	keys C-c
	wait_for_status
	[ "$STATUS" -eq 130 ]
	wait_gone "$gc" 5
	tmux -S "$TMUX_SOCK" kill-server 7>&-
	rm -f "$TMP/status" "$TMP/gc"
	start_peer --shutdown none
	in_terminal "$SOCKIT" connect -c "$prog" "127.0.0.1:$PEER_PORT"
	wait_for_line "$TMP/gc" '^[0-9]+$'
	gc=$(cat "$TMP/gc")
	BG_PIDS+=("$gc")
	printf 'from the peer\n' >&7
	wait_for_line "$TMP/peer.out" '^from the peer$'
	keys C-c
	wait_for_status
	[ "$STATUS" -eq 130 ]
	wait_gone "$gc" 5
}

@test "a program that reads the terminal itself is not stopped: at a terminal it stays in sockit's job" {
	# stdin is not the terminal, but stderr is, and sockit runs in its
	# foreground: the program, as a password prompt would, opens /dev/tty.
	STDERR_ON_SCREEN=1 in_terminal sh -c \
	    "exec \"\$0\" pair -c 'read -r word </dev/tty; echo \"got \$word\" >$TMP/said' </dev/null" \
	    "$SOCKIT"
	keys 'secret' Enter
	wait_for_line "$TMP/said" '^got secret$'
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "UDP: each entered line is one datagram [long]" {
	bg recv "$SOCKIT" recv -u -v --json --count 2 127.0.0.1:0
	wait_for_line "$TMP/recv.err" '"event": "listening"'
	local port
	port=$(jq -r 'select(.event == "listening") | .address' \
	    "$TMP/recv.err")
	port=${port##*:}
	# A datagram socket has no FIN to send: -q 0 ends it at Ctrl-D.
	in_terminal "$SOCKIT" connect -u -q 0 "127.0.0.1:$port"
	wait_for_editor
	keys 'one' Enter
	keys 'two words' Enter
	wait_for_exit "$BG_PID"
	[ "$EXIT_STATUS" -eq 0 ]
	[ "$(jq -r .data "$TMP/recv.out" | head -n 1)" = "one" ]
	[ "$(jq -r .bytes "$TMP/recv.out")" = "$(printf '4\n10')" ]
	keys C-d
	wait_for_status
	[ "$STATUS" -eq 0 ]
}

@test "--trace lines and the line being typed share the terminal" {
	start_peer
	STDERR_ON_SCREEN=1 in_terminal "$SOCKIT" --trace connect \
	    "127.0.0.1:$PEER_PORT"
	wait_for_editor
	wait_for_line "$TMP/peer.err" '^sockit: connection from '
	keys 'traced'
	wait_for_screen '^traced$'
	printf 'ping\n' >&7
	wait_for_screen '^recv\(3, "ping\\n", 65536, 0\) = 5$'
	screen >"$TMP/screen"
	grep -qx 'ping' "$TMP/screen"
	# The line being typed is still whole, after the trace and the data.
	[ "$(grep -v '^$' "$TMP/screen" | tail -n 1)" = traced ]
	keys Enter
	wait_for_line "$TMP/peer.out" '^traced$'
	wait_for_screen '^send\(3, "traced\\n", 7, MSG_NOSIGNAL\) = 7$'
	keys C-d
	exec 7>&-
	wait_for_status
	[ "$STATUS" -eq 0 ]
}
