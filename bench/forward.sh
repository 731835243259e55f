#!/usr/bin/env bash
# bench/forward.sh: forwarders side by side: sockit listen --to (also with --busy-poll), socat fork, ncat --sh-exec, the chained sockit and a minimal splice forwarder, rounds interleaved.
#
# Each forwarder stands between the same client and server on loopback:
# the throughput of DATA_MB (1024) MiB through one pair; short connections
# per second (connect, 100-byte request, its reply, close) from WORKERS (32)
# client processes for SECS (3) s; the latency one request and its reply
# add, p50 and p99 over PINGS (5000) round trips, against no forwarder at
# all; UDP round trips per second through those that forward UDP; and
# sockit's peak RSS with 1,000 pairs open. ROUNDS (3) rounds; medians.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-3}
DATA_MB=${DATA_MB:-1024}
SECS=${SECS:-3}
WORKERS=${WORKERS:-32}
PINGS=${PINGS:-5000}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
command -v ss >/dev/null 2>&1 || need_package iproute2
for tool in splicefwd echoloop pingpong connload splicecat; do
	cc -O2 -o "$OUT/$tool" "bench/$tool.c"
done

DATA_DIR=/dev/shm
[ -d "$DATA_DIR" ] && [ -w "$DATA_DIR" ] || DATA_DIR=$OUT
DATA=$DATA_DIR/sockit-forward.$$
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	rm -f "$DATA"
}
trap cleanup EXIT
head -c "$((DATA_MB * 1024 * 1024))" /dev/zero >"$DATA"

# name|command, PORT and TARGET replaced
FORWARDERS=(
	"sockit --to|$SOCKIT listen 127.0.0.1:PORT --to 127.0.0.1:TARGET"
	"sockit --busy-poll 300|$SOCKIT listen --busy-poll 300 127.0.0.1:PORT --to 127.0.0.1:TARGET"
	"socat fork|socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:TARGET"
	"ncat --sh-exec|ncat -lk 127.0.0.1 PORT --sh-exec 'exec ncat 127.0.0.1 TARGET'"
	"sockit --fork -c sockit|$SOCKIT listen --fork -c '$SOCKIT connect 127.0.0.1:TARGET' 127.0.0.1:PORT"
	"splice floor|$OUT/splicefwd PORT TARGET"
)
UDP_FORWARDERS=(
	"sockit -u --to|$SOCKIT listen -u 127.0.0.1:PORT --to 127.0.0.1:TARGET"
	"sockit -u --busy-poll 300|$SOCKIT listen -u --busy-poll 300 127.0.0.1:PORT --to 127.0.0.1:TARGET"
	"socat UDP fork|socat UDP4-RECVFROM:PORT,bind=127.0.0.1,reuseaddr,fork UDP4-SENDTO:127.0.0.1:TARGET"
)

# wait_listen tcp|udp PORT: until a socket is bound (TCP: listening) on
# PORT, at most 5 s, without connecting, which would use up a one-peer
# server.
wait_listen() {
	local flag=-ltn deadline=$((SECONDS + 5))
	[ "$1" = udp ] && flag=-lun
	while ((SECONDS <= deadline)); do
		[ -n "$(ss -H "$flag" "sport = :$2")" ] && return 0
		sleep 0.01
	done
	echo "forward: nothing listens on $1 port $2" >&2
	exit 1
}

# start PROTO COMMAND: COMMAND in the background, once it listens; sets
# STARTED to its pid.
start() {
	local proto=$1 port=$2
	bash -c "exec $3" </dev/null >/dev/null 2>"$OUT/forward.err" &
	STARTED=$!
	PIDS+=("$STARTED")
	wait_listen "$proto" "$port"
}

stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# forwarder PROTO ROW TARGET: starts the forwarder of ROW towards TARGET;
# sets FPORT and FPID.
forwarder() {
	local command=${2#*|}
	FPORT=$(free_port)
	command=${command//TARGET/$3}
	start "$1" "$FPORT" "${command//PORT/$FPORT}"
	FPID=$STARTED
}

now() {
	date +%s.%N
}

declare -A MBPS CPS P50 P99 UDP
echo "forward: $ROUNDS rounds; $DATA_MB MiB, $WORKERS clients for ${SECS}s," \
    "$PINGS round trips"
for ((round = 1; round <= ROUNDS; round++)); do
	# Throughput: one pair, a receiver that reads to EOF.
	for row in "${FORWARDERS[@]}"; do
		name=${row%%|*}
		tport=$(free_port)
		"$OUT/splicecat" listen "$tport" >/dev/null &
		receiver=$!
		wait_listen tcp "$tport"
		forwarder tcp "$row" "$tport"
		t0=$(now)
		"$OUT/splicecat" connect "$FPORT" <"$DATA"
		wait "$receiver"
		t1=$(now)
		stop "$FPID"
		MBPS[$name]+=" $(echo "$DATA_MB / ($t1 - $t0)" | bc -l)"
	done
	# Short connections and latency, towards one echo server.
	tport=$(free_port)
	start tcp "$tport" "$OUT/echoloop tcp $tport"
	echo_pid=$STARTED
	read -r p50 p99 _ < <("$OUT/pingpong" tcp "$tport" "$PINGS")
	P50[none]+=" $p50"
	P99[none]+=" $p99"
	for row in "${FORWARDERS[@]}"; do
		name=${row%%|*}
		forwarder tcp "$row" "$tport"
		read -r _ errors rate < <("$OUT/connload" "$FPORT" "$SECS" \
		    "$WORKERS" "$(head -c 99 /dev/zero | tr '\0' q)"$'\n')
		CPS[$name]+=" $rate"
		[ "$errors" -eq 0 ] ||
		    echo "forward: $name: $errors connections failed" >&2
		read -r p50 p99 _ < <("$OUT/pingpong" tcp "$FPORT" "$PINGS")
		P50[$name]+=" $p50"
		P99[$name]+=" $p99"
		stop "$FPID"
	done
	stop "$echo_pid"
	# UDP round trips.
	tport=$(free_port)
	start udp "$tport" "$OUT/echoloop udp $tport"
	echo_pid=$STARTED
	read -r _ _ rate < <("$OUT/pingpong" udp "$tport" "$PINGS")
	UDP[none]+=" $rate"
	for row in "${UDP_FORWARDERS[@]}"; do
		name=${row%%|*}
		forwarder udp "$row" "$tport"
		read -r _ _ rate < <("$OUT/pingpong" udp "$FPORT" "$PINGS")
		UDP[$name]+=" $rate"
		stop "$FPID"
	done
	stop "$echo_pid"
done

# Peak RSS of sockit with 1,000 pairs open at once.
tport=$(free_port)
start tcp "$tport" "$OUT/echoloop tcp $tport"
echo_pid=$STARTED
forwarder tcp "${FORWARDERS[0]}" "$tport"
python3 - "$FPORT" <<'EOF'
import resource, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
held = []
for i in range(1000):
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    c.sendall(b"x" * 100)
    held.append(c)
for c in held:
    got = 0
    while got < 100:
        got += len(c.recv(100))
EOF
rss_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$FPID/status")
stop "$FPID"
stop "$echo_pid"

m() {
	median $1
}
floor=$(m "${MBPS[splice floor]}")
socat_mbps=$(m "${MBPS[socat fork]}")
socat_cps=$(m "${CPS[socat fork]}")
none50=$(m "${P50[none]}")
none99=$(m "${P99[none]}")
socat_added99=$(echo "$(m "${P99[socat fork]}") - $none99" | bc -l)
printf '\n%-24s %10s %8s %8s %10s %14s %14s\n' forwarder "MiB/s" "x socat" \
    "x floor" "conns/s" "added p50 us" "added p99 us"
for row in "${FORWARDERS[@]}"; do
	name=${row%%|*}
	mbps=$(m "${MBPS[$name]}")
	printf '%-24s %10.0f %8.2f %8.2f %10.0f %14.1f %14.1f\n' "$name" \
	    "$mbps" "$(echo "$mbps / $socat_mbps" | bc -l)" \
	    "$(echo "$mbps / $floor" | bc -l)" "$(m "${CPS[$name]}")" \
	    "$(echo "$(m "${P50[$name]}") - $none50" | bc -l)" \
	    "$(echo "$(m "${P99[$name]}") - $none99" | bc -l)"
done
printf '\n%-24s %12s\n' "UDP" "round trips/s"
for name in none "sockit -u --to" "sockit -u --busy-poll 300" \
    "socat UDP fork"; do
	printf '%-24s %12.0f\n' "$name" "$(m "${UDP[$name]}")"
done
sockit_cps=$(m "${CPS[sockit --to]}")
sockit_mbps=$(m "${MBPS[sockit --to]}")
sockit_added99=$(echo "$(m "${P99[sockit --to]}") - $none99" | bc -l)
printf '\nsockit --to against the targets: throughput %.2fx socat (3x) and' \
    "$(echo "$sockit_mbps / $socat_mbps" | bc -l)"
printf ' %.2fx the floor (0.9x); %.2fx socat'"'"'s connections/s (5x);' \
    "$(echo "$sockit_mbps / $floor" | bc -l)" \
    "$(echo "$sockit_cps / $socat_cps" | bc -l)"
printf ' added p99 %.1f us against socat'"'"'s %.1f us (half); peak RSS' \
    "$sockit_added99" "$socat_added99"
printf ' with 1,000 pairs %.1f MiB (16 MiB)\n' "$(echo "$rss_kib / 1024" | bc -l)"
busy_added99=$(echo "$(m "${P99[sockit --busy-poll 300]}") - $none99" | bc -l)
printf 'sockit --to --busy-poll 300: added p99 %.1f us, %.2fx socat'"'"'s (half)\n' \
    "$busy_added99" "$(echo "$busy_added99 / $socat_added99" | bc -l)"
