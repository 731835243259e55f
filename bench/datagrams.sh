#!/usr/bin/env bash
# bench/datagrams.sh: UDP datagrams per second, one per record of a packet-mode pipe; sockit beside nc, ncat, socat and a plain read/send loop, rounds interleaved.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (5), COUNT of
# 64-byte records per run (200000). Loopback only.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-200000}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
cc -O2 -o "$OUT/records" bench/records.c

# name|sender command; PORT is filled in by records
SENDERS=(
	"sockit|$SOCKIT connect -u -q 0 127.0.0.1:PORT"
	"nc.openbsd|nc.openbsd -u -q 0 127.0.0.1 PORT"
	"ncat|ncat -u --send-only 127.0.0.1 PORT"
	"socat|socat -u - UDP:127.0.0.1:PORT"
	"read/send loop|$OUT/records relay PORT"
)

declare -A RATES LOST
echo "datagrams: $ROUNDS rounds of $COUNT records of 64 bytes per sender"
for ((round = 1; round <= ROUNDS; round++)); do
	for row in "${SENDERS[@]}"; do
		name=${row%%|*}
		command=${row#*|}
		port=$(free_port)
		# shellcheck disable=SC2086
		read -r got lost rate <<<"$("$OUT/records" "$COUNT" 64 "$port" \
		    $command 2>/dev/null)"
		RATES[$name]="${RATES[$name]:-} $rate"
		LOST[$name]="${LOST[$name]:-} $lost"
		printf '  round %d  %-15s %8.0f datagrams/s  %7d lost\n' \
		    "$round" "$name" "$rate" "$lost"
	done
done

echo
echo "medians of $ROUNDS rounds:"
for row in "${SENDERS[@]}"; do
	name=${row%%|*}
	printf '  %-15s %8.0f datagrams/s  %7.0f lost\n' "$name" \
	    "$(median ${RATES[$name]})" "$(median ${LOST[$name]})"
done
echo
for other in nc.openbsd ncat socat "read/send loop"; do
	printf '  sockit / %-15s %sx\n' "$other" "$(awk \
	    -v a="$(median ${RATES[sockit]})" -v b="$(median ${RATES[$other]})" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
