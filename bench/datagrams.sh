#!/usr/bin/env bash
# bench/datagrams.sh: UDP datagrams per second, sent (one per record of a packet-mode pipe) and received (from a sender that outruns the receiver); sockit beside nc, ncat, socat and plain C loops, rounds interleaved.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (5), COUNT of
# 64-byte records per sending run (200000), RECV_COUNT datagrams per
# receiving run and size (200000), SIDES ("send recv"). Loopback only.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-200000}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
SIDES=${SIDES:-send recv}
RECV_COUNT=${RECV_COUNT:-200000}
cc -O2 -o "$OUT/records" bench/records.c
cc -O2 -o "$OUT/flood" bench/flood.c

# name|sender command; PORT is filled in by records
SENDERS=(
	"sockit|$SOCKIT connect -u -q 0 127.0.0.1:PORT"
	"nc.openbsd|nc.openbsd -u -q 0 127.0.0.1 PORT"
	"ncat|ncat -u --send-only 127.0.0.1 PORT"
	"socat|socat -u - UDP:127.0.0.1:PORT"
	"read/send loop|$OUT/records relay PORT"
)

send_side() {
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
}

# name|receiver command; PORT is filled in by flood
RECEIVERS=(
	"sockit|$SOCKIT recv -u 127.0.0.1:PORT"
	"sockit listen|$SOCKIT listen -u 127.0.0.1:PORT"
	"nc.openbsd|nc.openbsd -d -u -l 127.0.0.1 PORT"
	"ncat|ncat -u -l --recv-only 127.0.0.1 PORT"
	"socat|socat -u UDP-RECV:PORT,bind=127.0.0.1 STDOUT"
	"recv/write loop|$OUT/flood sink PORT"
)

# recv_side SIZE: each receiver under a flood of SIZE-byte datagrams.
recv_side() {
	local size=$1 round row name command port got lost rate other
	local -A RRATES RLOST
	echo
	echo "receiving: $ROUNDS rounds of $RECV_COUNT datagrams of $size bytes, sent faster than any receiver takes them"
	for ((round = 1; round <= ROUNDS; round++)); do
		for row in "${RECEIVERS[@]}"; do
			name=${row%%|*}
			command=${row#*|}
			port=$(free_port)
			# shellcheck disable=SC2086
			read -r got lost rate <<<"$("$OUT/flood" "$RECV_COUNT" "$size" \
			    "$port" $command 2>/dev/null)"
			RRATES[$name]="${RRATES[$name]:-} $rate"
			RLOST[$name]="${RLOST[$name]:-} $lost"
			printf '  round %d  %-15s %8.0f datagrams/s written  %7d lost\n' \
			    "$round" "$name" "$rate" "$lost"
		done
	done
	echo
	echo "medians of $ROUNDS rounds, $size-byte datagrams:"
	for row in "${RECEIVERS[@]}"; do
		name=${row%%|*}
		printf '  %-15s %8.0f datagrams/s  %7.0f lost of %d\n' "$name" \
		    "$(median ${RRATES[$name]})" "$(median ${RLOST[$name]})" \
		    "$RECV_COUNT"
	done
	echo
	for other in "sockit listen" nc.openbsd ncat socat "recv/write loop"; do
		printf '  sockit / %-15s %sx\n' "$other" "$(awk \
		    -v a="$(median ${RRATES[sockit]})" \
		    -v b="$(median ${RRATES[$other]})" \
		    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	done
}

for side in $SIDES; do
	case $side in
	send) send_side ;;
	recv) recv_side 64; recv_side 1400 ;;
	esac
done
