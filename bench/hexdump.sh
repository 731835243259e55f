#!/usr/bin/env bash
# bench/hexdump.sh: how fast a receiver dumps what it gets in hex: sockit -x beside ncat --hex-dump and socat -x, rounds interleaved.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (3), DATA_MB,
# the size received each time (32; socat dumps a few MiB/s). Loopback only.
# The dump goes to /dev/null, so what is timed is making it, not a disk.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-3}
DATA_MB=${DATA_MB:-32}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers

DATA_DIR=/dev/shm
[ -d "$DATA_DIR" ] && [ -w "$DATA_DIR" ] || DATA_DIR=$OUT
DATA=$DATA_DIR/sockit-hex.$$
trap 'rm -f "$DATA"' EXIT
head -c "$((DATA_MB * 1024 * 1024))" /dev/urandom >"$DATA"

TOOLS=("sockit -x" "ncat --hex-dump" "socat -x")

# receiver TOOL PORT: the command line of a receiver that dumps in hex.
receiver() {
	case $1 in
	"sockit -x") echo "$SOCKIT listen -x 127.0.0.1:$2" ;;
	"ncat --hex-dump") echo "ncat -l --recv-only --hex-dump /dev/null 127.0.0.1 $2" ;;
	"socat -x") echo "socat -x -u TCP-LISTEN:$2,bind=127.0.0.1,reuseaddr STDOUT" ;;
	esac
}

# run_once TOOL: seconds from the first byte sent to the receiver's end.
run_once() {
	local port rpid start end
	port=$(free_port)
	# shellcheck disable=SC2046
	$(receiver "$1" "$port") </dev/null >/dev/null 2>/dev/null &
	rpid=$!
	for ((i = 0; i < 250; i++)); do
		[ -n "$(ss -Hltn "sport = :$port")" ] && break
		sleep 0.02
	done
	start=$(date +%s.%N)
	timeout 120 "$SOCKIT" connect "127.0.0.1:$port" <"$DATA" >/dev/null
	wait "$rpid"
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f\n", e - s }'
}

declare -A SECS
echo "hexdump: $ROUNDS rounds of $DATA_MB MiB received and dumped per tool"
for ((round = 1; round <= ROUNDS; round++)); do
	for tool in "${TOOLS[@]}"; do
		secs=$(run_once "$tool")
		SECS[$tool]="${SECS[$tool]:-} $secs"
		printf '  round %d  %-16s %8.1f MiB/s\n' "$round" "$tool" \
		    "$(awk -v m="$DATA_MB" -v s="$secs" 'BEGIN { print m / s }')"
	done
done

declare -A RATE
echo
echo "medians of $ROUNDS rounds, MiB/s dumped:"
for tool in "${TOOLS[@]}"; do
	# shellcheck disable=SC2086
	RATE[$tool]=$(awk -v m="$DATA_MB" -v s="$(median ${SECS[$tool]})" \
	    'BEGIN { printf "%.1f", m / s }')
	printf '  %-16s %8s\n' "$tool" "${RATE[$tool]}"
done
echo
for tool in "ncat --hex-dump" "socat -x"; do
	printf '  sockit -x / %-16s %sx\n' "$tool" \
	    "$(awk -v a="${RATE[sockit -x]}" -v b="${RATE[$tool]}" \
	    'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
done
