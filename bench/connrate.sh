#!/usr/bin/env bash
# bench/connrate.sh: connections per second of fork+exec servers, sockit beside ncat, socat and a minimal C server, rounds interleaved.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (5), SECS per
# run (3), WORKERS, the client processes at once (1: one connection after
# another, so an iterative server is measured as fairly as a concurrent
# one; more measure concurrency). Loopback only.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
WORKERS=${WORKERS:-1}
OUT=build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
cc -O2 -o "$OUT/connload" bench/connload.c
cc -O2 -o "$OUT/forkserver" bench/forkserver.c

# name|client message ("" for none)|server command, PORT replaced
SERVERS=(
	"sockit --fork -c 'echo hi'||$SOCKIT listen --fork -c 'echo hi' 127.0.0.1:PORT"
	"ncat -lk --sh-exec 'echo hi'||ncat -lk --sh-exec 'echo hi' 127.0.0.1 PORT"
	"socat fork SYSTEM:'echo hi'||socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo hi'"
	"minimal fork+exec sh -c 'echo hi'||$OUT/forkserver PORT /bin/sh -c 'echo hi'"
	"sockit -k -e cat|hi|$SOCKIT listen -k -e cat 127.0.0.1:PORT"
	"sockit --fork -e cat|hi|$SOCKIT listen --fork -e cat 127.0.0.1:PORT"
	"ncat -lk --exec cat|hi|ncat -lk --exec /bin/cat 127.0.0.1 PORT"
	"socat fork EXEC:cat|hi|socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork EXEC:cat"
	"minimal fork+exec cat|hi|$OUT/forkserver PORT /bin/cat"
)

declare -A RATES
echo "connrate: $ROUNDS rounds of ${SECS}s per server, $WORKERS client processes"
for ((round = 1; round <= ROUNDS; round++)); do
	for row in "${SERVERS[@]}"; do
		name=${row%%|*}
		rest=${row#*|}
		message=${rest%%|*}
		command=${rest#*|}
		port=$(free_port)
		bash -c "exec ${command//PORT/$port}" </dev/null >/dev/null \
		    2>"$OUT/server.err" &
		pid=$!
		if ! wait_port "$port"; then
			echo "connrate: $name did not start:" >&2
			cat "$OUT/server.err" >&2
			kill "$pid" 2>/dev/null || true
			exit 1
		fi
		if [ -n "$message" ]; then
			result=$("$OUT/connload" "$port" "$SECS" "$WORKERS" \
			    "$message"$'\n')
		else
			result=$("$OUT/connload" "$port" "$SECS" "$WORKERS")
		fi
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		read -r conns errors rate <<<"$result"
		RATES[$name]="${RATES[$name]:-} $rate"
		printf '  round %d  %-36s %8.1f conn/s  (%s errors)\n' \
		    "$round" "$name" "$rate" "$errors"
	done
done

echo
echo "medians of $ROUNDS rounds, connections per second:"
declare -A MEDIAN
for row in "${SERVERS[@]}"; do
	name=${row%%|*}
	MEDIAN[$name]=$(median ${RATES[$name]})
	printf '  %-36s %8.1f\n' "$name" "${MEDIAN[$name]}"
done

ratio() {
	awk -v a="${MEDIAN[$1]}" -v b="${MEDIAN[$2]}" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

echo
echo "ratios (sockit / other):"
for other in "ncat -lk --sh-exec 'echo hi'" "socat fork SYSTEM:'echo hi'" \
    "minimal fork+exec sh -c 'echo hi'"; do
	printf "  sockit --fork -c 'echo hi' / %-34s %sx\n" "$other" \
	    "$(ratio "sockit --fork -c 'echo hi'" "$other")"
done
for other in "ncat -lk --exec cat" "socat fork EXEC:cat" \
    "minimal fork+exec cat"; do
	printf "  sockit --fork -e cat / %-40s %sx\n" "$other" \
	    "$(ratio "sockit --fork -e cat" "$other")"
	printf "  sockit -k -e cat / %-43s %sx\n" "$other" \
	    "$(ratio "sockit -k -e cat" "$other")"
done
