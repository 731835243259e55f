#!/usr/bin/env bats
# tests/long/errors.bats: make check-long: the kernel's own ETIMEDOUT for a connect to a full accept queue, which takes its 3 s to show.
load ../test_helper

@test "a full accept queue without -w: the kernel's ETIMEDOUT after TCP_SYNCNT=1's retry, and Linux's dropped SYN explained" {
	cat >"$TMP/full.py" <<'PY'
import socket, time
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(0)
fill = []
for i in range(8):
    s = socket.socket(); s.setblocking(False)
    try: s.connect(ls.getsockname())
    except BlockingIOError: pass
    fill.append(s)
print(ls.getsockname()[1], flush=True)
time.sleep(30)
PY
	bg full python3 "$TMP/full.py"
	wait_for_line "$TMP/full.out" '^[0-9]+$'
	local port
	port=$(head -n 1 "$TMP/full.out")
	# A SYN, one retry a second later, and the give-up two seconds after.
	run --separate-stderr sockit --trace connect -o TCP_SYNCNT=1 "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains "connect(3, {AF_INET, 127.0.0.1:$port}) = -1 ETIMEDOUT (Connection timed out)"
	assert_stderr_contains "sockit: connect to 127.0.0.1:$port: connect: Connection timed out (ETIMEDOUT)"
	assert_stderr_contains "the listener's accept queue is full, when Linux drops the SYN rather than refuse it"
}
