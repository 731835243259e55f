#!/usr/bin/env bats
# tests/pair.bats: socketpair and fork: a coprocess, two commands, the loopback demonstration.
load test_helper

# assert_line_in TEXT LINE: LINE is a whole line of TEXT.
assert_line_in() {
	if ! grep -qxF -- "$2" <<<"$1"; then
		echo "expected the line: $2" >&2
		echo "in: $1" >&2
		return 1
	fi
}

# gone PID: true once no process PID exists (a zombie still counts).
gone() {
	! kill -0 "$1" 2>/dev/null
}

# signal_sockit SIG: sends SIG to the sockit under bg's timeout(1) only;
# timeout itself would pass it to its whole process group, commands too.
signal_sockit() {
	local pid
	pid=$(pgrep -P "$BG_PID" -x sockit)
	[ -n "$pid" ]
	kill "-$1" "$pid"
}

@test "one command: -e cat echoes a few MiB of stdin byte for byte" {
	random_file "$TMP/in.bin" 3
	timeout -s KILL 30 "$SOCKIT" pair -e cat <"$TMP/in.bin" \
	    >"$TMP/out.bin" 2>"$TMP/err" 3>&-
	[ "$(checksum "$TMP/out.bin")" = "$(checksum "$TMP/in.bin")" ]
	[ ! -s "$TMP/err" ]
}

@test "one command: -c runs the string through /bin/sh" {
	run --separate-stderr sockit pair -c 'tr a-z A-Z | sed s/^/x/' <<<"hello"
	assert_success
	[ "$output" = xHELLO ]
	[ -z "$stderr" ]
}

@test "stdin EOF reaches the command as EOF: wc -c prints the count" {
	run --separate-stderr sockit pair -c 'wc -c' < <(printf '12345')
	assert_success
	[ "$(tr -d ' ' <<<"$output")" = 5 ]
}

@test "-e splits PROG ARGS on blanks, with no shell" {
	run --separate-stderr sockit pair -e "printf %s:%s	'a b' \$HOME" </dev/null
	assert_success
	# Words: printf, %s:%s, 'a, b', $HOME; the format is used twice.
	[ "$output" = "'a:b'\$HOME:" ]
}

@test "the command's stderr is ours and only its stdout is relayed" {
	run --separate-stderr sockit pair -c 'echo out; echo err >&2' </dev/null
	assert_success
	[ "$output" = out ]
	[ "$stderr" = err ]
}

@test "a command that stops reading early is no error: yes | pair head -n 1" {
	run --separate-stderr bash -c 'yes | "$SOCKIT" pair -c "head -n 1"'
	assert_success
	[ "$output" = y ]
	[ -z "$stderr" ]
}

@test "dgram: each read is one datagram and an empty datagram is the EOF" {
	run --separate-stderr sockit --trace pair --type dgram -e 'tr a-z A-Z' < <(printf 'abc')
	assert_success
	[ "$output" = ABC ]
	assert_line_in "$stderr" "socketpair(AF_UNIX, SOCK_DGRAM, 0, [3, 4]) = 0"
	# sockit itself relays: its lines carry no tag, its child's do.
	assert_line_in "$stderr" 'send(3, "abc", 3, MSG_NOSIGNAL) = 3'
	assert_line_in "$stderr" 'send(3, "", 0, MSG_NOSIGNAL) = 0'
}

@test "seqpacket: a coprocess sees EOF and its records come back" {
	run --separate-stderr sockit pair --type seqpacket -e cat <<<"one record"
	assert_success
	[ "$output" = "one record" ]
}

@test "two commands talk to each other in both directions" {
	run --separate-stderr sockit pair \
	    -c "echo ping; read x; echo \"first got \$x\" >$TMP/a" \
	    -c "read x; echo \"second got \$x\" >$TMP/b; echo pong" </dev/null
	assert_success
	[ -z "$output" ]
	[ "$(cat "$TMP/a")" = "first got pong" ]
	[ "$(cat "$TMP/b")" = "second got ping" ]
}

@test "two commands: a dialog of several turns over one pair" {
	cat >"$TMP/server.sh" <<-'EOF'
	echo "220 ready"
	while read -r cmd; do
		case $cmd in
		QUIT) echo "221 bye"; exit 0 ;;
		*) echo "250 ok $cmd" ;;
		esac
	done
	EOF
	cat >"$TMP/client.sh" <<-EOF
	read -r greeting; echo "\$greeting" >$TMP/log
	for c in HELO MAIL QUIT; do
		echo "\$c"; read -r reply; echo "\$reply" >>$TMP/log
	done
	EOF
	run --separate-stderr sockit pair -c "sh $TMP/server.sh" \
	    -e "sh $TMP/client.sh" </dev/null
	assert_success
	[ "$(cat "$TMP/log")" = "$(printf '220 ready\n250 ok HELO\n250 ok MAIL\n221 bye')" ]
}

@test "no command: stdin goes in one end and out of the other, for every type [long]" {
	local type
	random_file "$TMP/in.bin" 1
	for type in stream dgram seqpacket; do
		timeout -s KILL 30 "$SOCKIT" pair --type "$type" \
		    <"$TMP/in.bin" >"$TMP/out.bin" 3>&-
		[ "$(checksum "$TMP/out.bin")" = "$(checksum "$TMP/in.bin")" ] || {
			echo "--type $type changed the data" >&2
			return 1
		}
	done
	run --separate-stderr sockit pair </dev/null
	assert_success
	[ -z "$output" ]
}

@test "no command: --trace shows send on one end and recv on the other [long]" {
	local type flags
	for type in stream seqpacket; do
		run --separate-stderr sockit --trace pair --type "$type" <<<"hello"
		assert_success
		[ "$output" = hello ]
		assert_line_in "$stderr" "socketpair(AF_UNIX, SOCK_${type^^}, 0, [3, 4]) = 0"
		# A record's receive asks MSG_TRUNC to learn of a cut record.
		flags=0
		[ "$type" = stream ] || flags=MSG_TRUNC
		assert_line_in "$stderr" 'send(3, "hello\n", 6, MSG_NOSIGNAL) = 6'
		assert_line_in "$stderr" "recv(4, \"hello\\n\", 65536, $flags) = 6"
		assert_line_in "$stderr" "shutdown(3, SHUT_WR) = 0"
		assert_line_in "$stderr" "recv(4, \"\", 65536, $flags) = 0"
		assert_line_in "$stderr" "close(3) = 0"
		assert_line_in "$stderr" "close(4) = 0"
	done
}

@test "no command: dgram and seqpacket keep the boundary of each read" {
	local type
	head -c 150000 /dev/zero >"$TMP/in.bin"
	for type in dgram seqpacket; do
		run --separate-stderr sockit --trace pair --type "$type" <"$TMP/in.bin"
		assert_success
		# 65507 + 65507 + 18986: each read is one message, the three
		# sent by one sendmmsg and received whole: datagrams by one
		# recvmmsg, as all three wait when it comes.
		local z='"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"...'
		assert_line_in "$stderr" "sendmmsg(3, [{$z, 65507}, {$z, 65507}, {$z, 18986}], 3, MSG_NOSIGNAL) = 3"
		if [ "$type" = dgram ]; then
			assert_line_in "$stderr" "recvmmsg(4, [{$z, 65536} = 65507 NULL, {$z, 65536} = 65507 NULL, {$z, 65536} = 18986 NULL], 32, MSG_TRUNC|MSG_DONTWAIT, NULL) = 3"
			continue
		fi
		[ "$(grep -cF "recv(4, $z, 65536, MSG_TRUNC) = 65507" <<<"$stderr")" -eq 2 ]
		assert_line_in "$stderr" "recv(4, $z, 65536, MSG_TRUNC) = 18986"
	done
}

@test "the exit status is the command's" {
	run sockit pair -c 'exit 3' </dev/null
	assert_status 3
	run sockit pair -e false </dev/null
	assert_status 1
	run sockit pair -e true </dev/null
	assert_success
}

@test "a command killed by signal N gives 128+N" {
	run sockit pair -c 'kill -USR1 $$' </dev/null
	assert_status 138
}

@test "two commands: the first non-zero status in command order" {
	run sockit pair -c 'exit 0' -c 'exit 5' </dev/null
	assert_status 5
	# The second ends first, but the first command's status comes first.
	run sockit pair -c 'sleep 0.2; exit 4' -c 'exit 5' </dev/null
	assert_status 4
	run sockit pair -c 'exit 6' -e false </dev/null
	assert_status 6
	run sockit pair -e false -c 'exit 6' </dev/null
	assert_status 1
	run sockit pair -e true -c 'exit 0' </dev/null
	assert_success
}

@test "a command that is not found exits 127 with an explained error" {
	run -127 --separate-stderr sockit pair -e 'no-such-program-here --x' </dev/null
	assert_status 127
	[ -z "$output" ]
	assert_stderr_contains "run 'no-such-program-here'"
	assert_stderr_contains "(ENOENT)"
	assert_stderr_contains "no such program"
	# The other command of a pair sees EOF and ends.
	run -127 --separate-stderr sockit pair -e no-such-program-here -e cat </dev/null
	assert_status 127
}

@test "a file that cannot be executed exits 126" {
	echo 'echo hi' >"$TMP/script"
	chmod 644 "$TMP/script"
	run --separate-stderr sockit pair -e "$TMP/script" </dev/null
	assert_status 126
	assert_stderr_contains "(EACCES)"
}

@test "SIGTERM to sockit reaches the command, and sockit exits 143" {
	bg pair "$SOCKIT" --trace pair -c "echo \$\$ >$TMP/child.pid; exec sleep 30"
	wait_for_line "$TMP/child.pid" '^[0-9]+$'
	local child
	child=$(cat "$TMP/child.pid")
	kill -0 "$child"
	signal_sockit TERM
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 143 ]
	gone "$child"
	# Passed on, not waited out: the command died of the same signal.
	grep -qxF "killpg($child, SIGTERM) = 0" "$TMP/pair.err"
	grep -qxF "waitpid($child, [killed by SIGTERM], WNOHANG) = $child" "$TMP/pair.err"
}

@test "a command does not outlive a sockit killed by SIGKILL [long]" {
	bg pair "$SOCKIT" pair -c "echo \$\$ >$TMP/child.pid; exec sleep 30"
	wait_for_line "$TMP/child.pid" '^[0-9]+$'
	local child deadline=$((SECONDS + 10))
	child=$(cat "$TMP/child.pid")
	signal_sockit KILL
	wait_for_exit "$BG_PID" 10
	until gone "$child"; do
		((SECONDS <= deadline))
		sleep 0.02
	done
}

@test "SIGUSR1 and SIGUSR2 are passed to the command; sockit goes on" {
	bg pair "$SOCKIT" pair -c "trap 'echo usr1 >>$TMP/got' USR1; trap 'echo usr2 >>$TMP/got; exit 4' USR2; echo \$\$ >$TMP/child.pid; while :; do sleep 0.05; done"
	wait_for_line "$TMP/child.pid" '^[0-9]+$'
	signal_sockit USR1
	wait_for_line "$TMP/got" '^usr1$'
	signal_sockit USR2
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 4 ]
	[ "$(cat "$TMP/got")" = "$(printf 'usr1\nusr2')" ]
}

@test "a command that ignores SIGTERM is killed after a grace period" {
	bg pair "$SOCKIT" --trace pair -c "trap '' TERM; echo \$\$ >$TMP/child.pid; while :; do sleep 0.1; done"
	wait_for_line "$TMP/child.pid" '^[0-9]+$'
	local child
	child=$(cat "$TMP/child.pid")
	signal_sockit TERM
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 143 ]
	gone "$child"
	grep -qxF "killpg($child, SIGTERM) = 0" "$TMP/pair.err"
	grep -qxF "killpg($child, SIGKILL) = 0" "$TMP/pair.err"
	grep -qxF "waitpid($child, [killed by SIGKILL], WNOHANG) = $child" "$TMP/pair.err"
}

@test "SIGINT with two commands stops both and exits 130" {
	bg pair "$SOCKIT" --trace pair -c "echo \$\$ >$TMP/one.pid; exec sleep 30" \
	    -c "echo \$\$ >$TMP/two.pid; exec sleep 30"
	wait_for_line "$TMP/one.pid" '^[0-9]+$'
	wait_for_line "$TMP/two.pid" '^[0-9]+$'
	signal_sockit INT
	wait_for_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 130 ]
	gone "$(cat "$TMP/one.pid")"
	gone "$(cat "$TMP/two.pid")"
	[ "$(grep -c '\[killed by SIGINT\], WNOHANG' "$TMP/pair.err")" -eq 2 ]
}

@test "-i ends a silent coprocess with 124 and stops the command" {
	run --separate-stderr sockit pair -i 0.2 -c "echo \$\$ >$TMP/child.pid; exec sleep 30"
	assert_status 124
	assert_stderr_contains "(-i)"
	gone "$(cat "$TMP/child.pid")"
}

@test "the command gets descriptors 0, 1 and 2 only" {
	# 12 is open in sockit; the pair and sockit's own pipes are too.
	run --separate-stderr bash -c '"$SOCKIT" pair -c "ls /proc/\$\$/fd" </dev/null 12</dev/null'
	assert_success
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 2 " ]
}

@test "the command starts with SIGPIPE at its default, not ignored" {
	run --separate-stderr sockit pair -e 'grep SigIgn /proc/self/status' </dev/null
	assert_success
	local mask=${output##*[[:space:]]}
	# Bit 12 is SIGPIPE (13); sockit itself ignores it.
	[[ $mask =~ ^[0-9a-f]{16}$ ]]
	(((0x$mask & 0x1000) == 0))
}

@test "--trace narrates socketpair, vfork, dup2, close, execvpe and waitpid, the child's lines tagged and after the vfork" {
	run --separate-stderr sockit --trace pair -e cat <<<"hi"
	assert_success
	[ "$output" = hi ]
	assert_line_in "$stderr" "socketpair(AF_UNIX, SOCK_STREAM, 0, [3, 4]) = 0"
	local child
	child=$(sed -nE 's/^vfork\(\) = ([0-9]+)$/\1/p' <<<"$stderr")
	[ -n "$child" ]
	assert_line_in "$stderr" "[pid $child] dup2(4, 0) = 0"
	assert_line_in "$stderr" "[pid $child] dup2(4, 1) = 1"
	assert_line_in "$stderr" "[pid $child] close(3) = 0"
	assert_line_in "$stderr" "[pid $child] close(4) = 0"
	assert_line_in "$stderr" "[pid $child] close_range(3, ~0U, 0) = 0"
	# -e found cat in PATH once, before the fork.
	grep -qE "^\[pid $child\] execvpe\(\"/([a-z]+/)*cat\", \[\"cat\"\], \[[0-9]+ variables\]\)$" <<<"$stderr"
	assert_line_in "$stderr" "close(4) = 0"
	assert_line_in "$stderr" "shutdown(3, SHUT_WR) = 0"
	assert_line_in "$stderr" "waitpid($child, [exit status 0], WNOHANG) = $child"
	# The vfork line comes first, then the child's, as on the slides:
	# the child ran while the parent slept in vfork().
	[ "$(grep -nE "^(vfork\(\) = |\[pid )" <<<"$stderr" | head -n 1 |
	    cut -d: -f2-)" = "vfork() = $child" ]
}

@test "--trace quotes -c's string as one C string and gives the first command the first end" {
	run --separate-stderr sockit pair --trace -c 'echo "a"
exit 0' -c 'cat >/dev/null' </dev/null
	assert_success
	local first
	first=$(sed -nE 's/^vfork\(\) = ([0-9]+)$/\1/p' <<<"$stderr" | head -n 1)
	[ -n "$first" ]
	assert_line_in "$stderr" "[pid $first] dup2(3, 0) = 0"
	grep -qE "^\[pid $first\] execvpe\(\"/bin/sh\", \[\"sh\", \"-c\", \"echo \\\\\"a\\\\\"\\\\nexit 0\"\], \[[0-9]+ variables\]\)$" <<<"$stderr"
}

@test "-v notes each command's pid and exit; --json makes them events [long]" {
	run --separate-stderr sockit pair -v -c 'cat; exit 2' <<<"ping"
	assert_status 2
	[ "$output" = ping ]
	assert_stderr_contains "sockit: started pid "
	assert_stderr_contains "exited with status 2"
	assert_stderr_contains "sent 5 bytes, received 5 bytes"
	run --separate-stderr sockit pair --json -c 'cat; exit 2' <<<"ping"
	assert_status 2
	[ "$(jq -r .event <<<"$stderr" | tr '\n' ' ')" = "started closed exited " ]
	[ "$(jq -r 'select(.event == "started") | .command' <<<"$stderr")" = "cat; exit 2" ]
	[ "$(jq -r 'select(.event == "started") | .shell' <<<"$stderr")" = true ]
	[ "$(jq -r 'select(.event == "exited") | .status' <<<"$stderr")" = 2 ]
	[ "$(jq -r 'select(.event == "closed") | .received' <<<"$stderr")" = 5 ]
}

@test "-x dumps both directions of a coprocess" {
	run --separate-stderr sockit pair -x -e 'tr a-z A-Z' <<<"abc"
	assert_success
	[ "$output" = ABC ]
	assert_stderr_contains "> 00000000  61 62 63 0a"
	assert_stderr_contains "< 00000000  41 42 43 0a"
}

@test "a bad --type is a usage error" {
	run --separate-stderr sockit pair --type raw </dev/null
	assert_status 2
	[ -z "$output" ]
	assert_stderr_contains "bad value 'raw' for --type"
}

@test "three commands, a stray argument or an empty -e are usage errors" {
	run --separate-stderr sockit pair -e true -c true -e true </dev/null
	assert_status 2
	assert_stderr_contains "at most two commands"
	run --separate-stderr sockit pair cat </dev/null
	assert_status 2
	assert_stderr_contains "unexpected argument 'cat'"
	run --separate-stderr sockit pair -e ' ' </dev/null
	assert_status 2
	assert_stderr_contains "names no program"
}

@test "relay options with two commands are usage errors" {
	local opt
	for opt in -x -C --progress "-i 1" "-q 1" "--shutdown none"; do
		# shellcheck disable=SC2086
		run --separate-stderr sockit pair $opt -e true -e true </dev/null
		assert_status 2
		assert_stderr_contains "has no effect with two commands"
	done
}
