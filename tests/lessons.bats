#!/usr/bin/env bats
# tests/lessons.bats: every lesson of man/sockit-lessons.7 runs as the page writes it, and its output holds the lines the page promises.
load test_helper

PAGE=$BATS_TEST_DIRNAME/../man/sockit-lessons.7

# lesson_names: the name of each lesson the page enables, in its order.
lesson_names() {
	sed -n 's/^\.\\" lesson \(.*\)$/\1/p' "$PAGE"
}

# lesson_block NAME KIND: the lines of the .EX block after '.\" KIND'
# (commands or shows) in lesson NAME, roff escapes undone.
lesson_block() {
	awk -v name="$1" -v kind="$2" '
		/^\.\\" lesson / { inside = ($3 == name); next }
		!inside { next }
		$0 == ".\\\" " kind { want = 1; next }
		want && $0 == ".EX" { copy = 1; next }
		copy && $0 == ".EE" { copy = 0; want = 0; next }
		copy { print }
	' "$PAGE" | sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\&//g' \
	    -e "s/\\\\(aq/'/g"
}

# as_regex LINE: a promised line as an anchored ERE: "..." is anything,
# 8080 the server's port (or the 0 it bound), "1f 90" that port's bytes
# in network order (or 00 00), /tmp/ our directory; two spaces or more
# are one or more, as --trace=bytes widens a column for a longer port.
as_regex() {
	local line=$1 re port_bytes=none
	[[ $PORT != [0-9]* ]] ||
	    printf -v port_bytes '%02x %02x' $((PORT >> 8)) $((PORT & 255))
	re=$(printf '%s' "$line" | sed -e 's/[][\\.^$*+?(){}|]/\\&/g' \
	    -e 's/   */ +/g')
	re=${re//\\.\\.\\./.*}
	re=${re//1f 90/($port_bytes|00 00)}
	re=${re//8080/($PORT|0)}
	re=${re//\/tmp\//$SOCKDIR/}
	printf '^%s$' "$re"
}

# run_lesson NAME: starts the lesson's servers (port 0 for 8080, each
# waited for until it says "listening on"), runs its other commands in
# order, each of which must succeed, then waits until every promised line
# is in what they all wrote.
run_lesson() {
	local name=$1 cmd n=0 line re
	local -a cmds shows
	mapfile -t cmds < <(lesson_block "$name" commands)
	mapfile -t shows < <(lesson_block "$name" shows)
	[ "${#cmds[@]}" -gt 0 ] || { echo "lesson $name: no commands" >&2; return 1; }
	[ "${#shows[@]}" -gt 0 ] || { echo "lesson $name: no lines shown" >&2; return 1; }
	# "sockit" in the page is the binary under test.
	mkdir -p "$TMP/bin"
	ln -sf "$SOCKIT" "$TMP/bin/sockit"
	PORT=none
	for cmd in "${cmds[@]}"; do
		n=$((n + 1))
		[[ $cmd == '$ '* ]] || { echo "not a command: $cmd" >&2; return 1; }
		cmd=${cmd#\$ }
		cmd=${cmd//\/tmp\//$SOCKDIR/}
		if [[ $cmd == *' &' ]]; then
			cmd=${cmd% &}
			cmd=${cmd//:8080/:0}
			bg "out$n" env PATH="$TMP/bin:$PATH" bash -c "exec $cmd"
			wait_for_line "$TMP/out$n.err" '^sockit: listening on ' ||
			    return 1
			PORT=$(sed -n 's/^sockit: listening on .*://p' \
			    "$TMP/out$n.err" | head -n 1)
		else
			cmd=${cmd//:8080/:$PORT}
			timeout -s KILL "$FG_LIMIT" env PATH="$TMP/bin:$PATH" \
			    bash -c "$cmd" >"$TMP/out$n.out" 2>"$TMP/out$n.err" \
			    </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || {
				echo "lesson $name: '$cmd' failed ($?):" >&2
				cat "$TMP/out$n.err" >&2
				return 1
			}
		fi
	done
	for line in "${shows[@]}"; do
		re=$(as_regex "$line")
		wait_for_lines "$re" "$TMP"/out*.out "$TMP"/out*.err || {
			echo "lesson $name promises: $line" >&2
			return 1
		}
	done
}

# wait_for_lines REGEX FILE...: until a line of one of the files matches.
wait_for_lines() {
	local regex=$1 deadline=$((SECONDS + 10))
	shift
	while ((SECONDS <= deadline)); do
		cat "$@" 2>/dev/null | grep -qE -- "$regex" && return 0
		nap
	done
	echo "timed out waiting for /$regex/ in:" >&2
	cat "$@" >&2 2>/dev/null
	return 1
}

@test "every lesson of the page has a test here, and every test a lesson" {
	local page tests
	page=$(lesson_names | sort)
	tests=$(sed -n 's/^	run_lesson \([^ ]*\)$/\1/p' "$BATS_TEST_FILENAME" |
	    sort)
	[ -n "$page" ]
	[ "$page" = "$tests" ]
}

@test "sockit help lessons names the page" {
	run sockit help lessons
	assert_success
	assert_output_contains "sockit-lessons(7)"
	assert_output_contains "man -l man/sockit-lessons.7"
}

@test "the lessons page is lint-clean for groff and mandoc" {
	run groff -man -ww -z "$PAGE"
	assert_success
	[ -z "$output" ]
	run mandoc -Tlint "$PAGE"
	assert_success
	[ -z "$output" ]
}

@test "lesson 1: socket [long]" {
	run_lesson socket
}

@test "lesson 2: bind [long]" {
	run_lesson bind
}

@test "lesson 3: listen and the backlog [long]" {
	run_lesson listen
}

@test "lesson 4: accept [long]" {
	run_lesson accept
}

@test "lesson 5: connect [long]" {
	run_lesson connect
}

@test "lesson 6: send and recv [long]" {
	run_lesson send-recv
}

@test "lesson 7: read and write [long]" {
	run_lesson read-write
}

@test "lesson 8: sendto and recvfrom [long]" {
	run_lesson sendto-recvfrom
}

@test "lesson 9: close [long]" {
	run_lesson close
}

@test "lesson 10: shutdown [long]" {
	run_lesson shutdown
}

@test "lesson 11: socketpair [long]" {
	run_lesson socketpair
}

@test "lesson 12: getsockname and getpeername [long]" {
	run_lesson getsockname-getpeername
}

@test "lesson 13: setsockopt and getsockopt [long]" {
	run_lesson setsockopt-getsockopt
}

@test "lesson 14: MSG_PEEK [long]" {
	run_lesson msg-peek
}

@test "lesson 15: MSG_OOB [long]" {
	run_lesson msg-oob
}

@test "lesson 16: inet_pton [long]" {
	run_lesson inet_pton
}

@test "lesson 17: htons and htonl [long]" {
	run_lesson htons
}

@test "lesson 18: getaddrinfo [long]" {
	run_lesson getaddrinfo
}

@test "lesson 19: an iterative server [long]" {
	run_lesson iterative
}

@test "lesson 20: a concurrent server [long]" {
	run_lesson concurrent
}

@test "lesson 21: select and poll [long]" {
	run_lesson select-poll
}

@test "lesson 22: the address structures [long]" {
	run_lesson sockaddr
}

@test "lesson 23: socket types [long]" {
	run_lesson socket-types
}

@test "lesson 24: broadcast" {
	run_lesson broadcast
}
