#!/usr/bin/env bats
# tests/long/forward.bats: make check-long: listen --to with 1,000 pairs open at once: peak memory, memory after, and as an unprivileged user.
# run alone: a thousand pairs held open at once, which other tests would share the descriptor and port space with
load ../test_helper

PEER=$BATS_TEST_DIRNAME/../forward_peer.py

# A pair's sockets and pipes are the kernel's; sockit's own share of 1,000
# pairs is their small records, which the issue bounds.
HWM_MAX_KB=16384
# What the heap may keep once every pair has ended: 1,000 records not
# freed would be about 1 MiB.
RSS_SLACK_KB=512

# status_kb PID FIELD: a VmRSS or VmHWM line of /proc/PID/status, in kB.
status_kb() {
	sed -n "s/^$2:[[:space:]]*\\([0-9]*\\) kB\$/\\1/p" "/proc/$1/status"
}

# thousand_pairs [RUNNER...]: an echo target, a forward run by RUNNER
# (nothing: as we are), and 1,000 clients that each join a pair, all open
# at once, then send 100 KB each and check the sha256 of the echo.
# Sets FWD (the sockit's pid), RSS_START, HWM_OPEN, HWM_END, RSS_END.
thousand_pairs() {
	bg echo python3 "$PEER" echo 127.0.0.1:0
	wait_for_line "$TMP/echo.out" '^port [0-9]+$'
	local tport=$(sed -n 's/^port //p' "$TMP/echo.out")
	bg fwd "$@" "$SOCKIT" listen -v 127.0.0.1:0 --to "127.0.0.1:$tport"
	wait_for_line "$TMP/fwd.err" '^sockit: listening on '
	local port=$(sed -n 's/^sockit: listening on .*://p' "$TMP/fwd.err")
	FWD=$(sockit_under "$BG_PID")
	RSS_START=$(status_kb "$FWD" VmRSS)
	bg cli python3 "$PEER" many 127.0.0.1 "$port" 1000 100000 \
	    --until "$TMP/go"
	wait_for_line "$TMP/cli.out" '^(open 1000|client [0-9]+: .*)$' 120
	grep -qx 'open 1000' "$TMP/cli.out"
	HWM_OPEN=$(status_kb "$FWD" VmHWM)
	touch "$TMP/go"
	wait_for_line "$TMP/cli.out" '^(1000 ok|.* failed)$' 300
	grep -qx '1000 ok' "$TMP/cli.out"
	local deadline=$((SECONDS + 60))
	until [ "$(grep -cE '^sockit: #[0-9]+ closed \(done\): 1000[01][0-9] bytes' "$TMP/fwd.err")" -eq 1000 ]; do
		((SECONDS <= deadline)) || return 1
		nap
	done
	RSS_END=$(status_kb "$FWD" VmRSS)
	HWM_END=$(status_kb "$FWD" VmHWM)
	echo "# RSS $RSS_START kB at start, peak $HWM_OPEN kB with 1000 pairs open ($HWM_END kB over the run), $RSS_END kB after" >&3
}

@test "1,000 pairs open at once stay under 16 MiB of peak RSS, and RSS comes back after" {
	BG_LIMIT=600
	refute grep -qa __asan_init "$SOCKIT" ||
	    skip "AddressSanitizer keeps freed memory in quarantine: RSS tells nothing"
	thousand_pairs
	[ "$HWM_OPEN" -lt "$HWM_MAX_KB" ]
	[ "$HWM_END" -lt "$HWM_MAX_KB" ]
	[ "$RSS_END" -le $((RSS_START + RSS_SLACK_KB)) ]
}

@test "1,000 pairs as an unprivileged user, whose pipes pipe-user-pages-soft caps, each arrive whole" {
	BG_LIMIT=600
	[ "$(id -u)" -eq 0 ] || skip "not root: this run is unprivileged already"
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	local runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	"${runner[@]}" test -x "$SOCKIT" ||
	    skip "user nobody cannot run $SOCKIT"
	thousand_pairs "${runner[@]}"
	[ "$(stat -c %U "/proc/$FWD")" = nobody ]
}
