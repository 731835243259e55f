#!/usr/bin/env bash
# bench/throughput.sh: bulk transfer speed over loopback and AF_UNIX, sockit beside nc, ncat, socat and a minimal splice relay, rounds interleaved.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (9), DATA_MB,
# the size of the data moved each time (1024). Loopback and a unix path
# under the build directory only.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-9}
DATA_MB=${DATA_MB:-1024}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
command -v /usr/bin/time >/dev/null 2>&1 || need_package time
cc -O2 -o "$OUT/splicecat" bench/splicecat.c

# The data sits in memory (tmpfs when there is one), so the disk is not
# what is measured.
DATA_DIR=/dev/shm
[ -d "$DATA_DIR" ] && [ -w "$DATA_DIR" ] || DATA_DIR=$OUT
DATA=$DATA_DIR/sockit-bench.$$
trap 'rm -f "$DATA" "$OUT"/unix.sock' EXIT
head -c "$((DATA_MB * 1024 * 1024))" /dev/urandom >"$DATA"
BYTES=$((DATA_MB * 1024 * 1024))
SOCK=$OUT/unix.sock

TOOLS=(sockit "sockit recv" nc.openbsd ncat socat "socat -b256k" splice-relay)
SCENARIOS=(tcp-file tcp-pipe unix-file)

# receiver TOOL WHERE / sender TOOL WHERE: the command lines; WHERE is a
# port or a unix path.
receiver() {
	local tool=$1 where=$2
	case "$tool:$where" in
	sockit:/*) echo "$SOCKIT listen unix:$where" ;;
	sockit:*) echo "$SOCKIT listen 127.0.0.1:$where" ;;
	"sockit recv:"/*) echo "$SOCKIT recv unix:$where" ;;
	"sockit recv:"*) echo "$SOCKIT recv 127.0.0.1:$where" ;;
	nc.openbsd:/*) echo "nc.openbsd -lU $where" ;;
	nc.openbsd:*) echo "nc.openbsd -l 127.0.0.1 $where" ;;
	ncat:/*) echo "ncat -lU --recv-only $where" ;;
	ncat:*) echo "ncat -l --recv-only 127.0.0.1 $where" ;;
	"socat:"/*) echo "socat -u UNIX-LISTEN:$where STDOUT" ;;
	socat:*) echo "socat -u TCP-LISTEN:$where,bind=127.0.0.1,reuseaddr STDOUT" ;;
	"socat -b256k:"/*) echo "socat -b262144 -u UNIX-LISTEN:$where STDOUT" ;;
	"socat -b256k:"*) echo "socat -b262144 -u TCP-LISTEN:$where,bind=127.0.0.1,reuseaddr STDOUT" ;;
	splice-relay:*) echo "$OUT/splicecat listen $where" ;;
	esac
}

sender() {
	local tool=$1 where=$2
	case "$tool:$where" in
	sockit:/* | "sockit recv:"/*) echo "$SOCKIT connect unix:$where" ;;
	sockit:* | "sockit recv:"*) echo "$SOCKIT connect 127.0.0.1:$where" ;;
	nc.openbsd:/*) echo "nc.openbsd -NU $where" ;;
	nc.openbsd:*) echo "nc.openbsd -N 127.0.0.1 $where" ;;
	ncat:/*) echo "ncat -U --send-only $where" ;;
	ncat:*) echo "ncat --send-only 127.0.0.1 $where" ;;
	"socat:"/*) echo "socat -u STDIN UNIX-CONNECT:$where" ;;
	socat:*) echo "socat -u STDIN TCP:127.0.0.1:$where" ;;
	"socat -b256k:"/*) echo "socat -b262144 -u STDIN UNIX-CONNECT:$where" ;;
	"socat -b256k:"*) echo "socat -b262144 -u STDIN TCP:127.0.0.1:$where" ;;
	splice-relay:*) echo "$OUT/splicecat connect $where" ;;
	esac
}

# wait_listening WHERE: until a TCP port listens or a unix socket exists.
wait_listening() {
	local i
	for ((i = 0; i < 250; i++)); do
		case "$1" in
		/*) [ -S "$1" ] && return 0 ;;
		*) [ -n "$(ss -Hltn "sport = :$1")" ] && return 0 ;;
		esac
		sleep 0.02
	done
	return 1
}

# run_once TOOL SCENARIO: one transfer; prints "SECONDS CPU RSS_KB", the
# CPU seconds and the larger peak RSS of the two ends.
run_once() {
	local tool=$1 scenario=$2 where rcmd scmd start end rpid
	if [ "$scenario" = unix-file ]; then
		where=$SOCK
		rm -f "$SOCK"
	else
		where=$(free_port)
	fi
	rcmd=$(receiver "$tool" "$where")
	scmd=$(sender "$tool" "$where")
	if [ "$scenario" = tcp-pipe ]; then
		/usr/bin/time -f '%M %U %S' -o "$OUT/recv.time" \
		    bash -c "$rcmd | cat >/dev/null" </dev/null &
	else
		/usr/bin/time -f '%M %U %S' -o "$OUT/recv.time" $rcmd \
		    </dev/null >/dev/null &
	fi
	rpid=$!
	wait_listening "$where" || { echo "bench: $tool did not listen" >&2; exit 1; }
	start=$(date +%s.%N)
	if [ "$scenario" = tcp-pipe ]; then
		/usr/bin/time -f '%M %U %S' -o "$OUT/send.time" \
		    bash -c "cat '$DATA' | $scmd" >/dev/null
	else
		/usr/bin/time -f '%M %U %S' -o "$OUT/send.time" $scmd \
		    <"$DATA" >/dev/null
	fi
	wait "$rpid"
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" '
	    FNR == 1 { rss = $1 > rss ? $1 : rss; cpu += $2 + $3 }
	    END { printf "%.4f %.2f %d\n", e - s, cpu, rss }' \
	    "$OUT/recv.time" "$OUT/send.time"
}

declare -A SECS CPUS RSSES
echo "throughput: $ROUNDS rounds of $DATA_MB MiB per tool and scenario"
for ((round = 1; round <= ROUNDS; round++)); do
	for scenario in "${SCENARIOS[@]}"; do
		for tool in "${TOOLS[@]}"; do
			read -r secs cpu rss <<<"$(run_once "$tool" "$scenario")"
			key="$scenario|$tool"
			SECS[$key]="${SECS[$key]:-} $secs"
			CPUS[$key]="${CPUS[$key]:-} $cpu"
			RSSES[$key]="${RSSES[$key]:-} $rss"
			printf '  round %d  %-10s %-13s %6.2f GiB/s  cpu %5.2f s  rss %6d KiB\n' \
			    "$round" "$scenario" "$tool" \
			    "$(awk -v b="$BYTES" -v s="$secs" 'BEGIN { print b / s / 2^30 }')" \
			    "$cpu" "$rss"
		done
	done
done

declare -A RATE
echo
echo "medians of $ROUNDS rounds: GiB/s, CPU seconds of both ends, peak RSS (KiB)"
printf '  %-10s' scenario
printf ' %14s' "${TOOLS[@]}"
echo
for scenario in "${SCENARIOS[@]}"; do
	for what in rate cpu rss; do
		printf '  %-10s' "$([ $what = rate ] && echo "$scenario" || echo "  $what")"
		for tool in "${TOOLS[@]}"; do
			key="$scenario|$tool"
			case $what in
			rate)
				RATE[$key]=$(awk -v b="$BYTES" -v s="$(median ${SECS[$key]})" \
				    'BEGIN { printf "%.2f", b / s / 2^30 }')
				printf ' %14s' "${RATE[$key]}" ;;
			cpu) printf ' %14s' "$(median ${CPUS[$key]})" ;;
			rss) printf ' %14s' "$(median ${RSSES[$key]})" ;;
			esac
		done
		echo
	done
done

echo
echo "sockit recv beside sockit listen, the same sender (target: within 5%):"
for scenario in "${SCENARIOS[@]}"; do
	printf '  %-10s recv / listen %sx\n' "$scenario" \
	    "$(awk -v a="${RATE[$scenario|sockit recv]}" -v b="${RATE[$scenario|sockit]}" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done

echo
echo "ratios of sockit's throughput:"
for scenario in "${SCENARIOS[@]}"; do
	for other in nc.openbsd ncat socat "socat -b256k" splice-relay; do
		printf '  %-10s sockit / %-13s %sx\n' "$scenario" "$other" \
		    "$(awk -v a="${RATE[$scenario|sockit]}" -v b="${RATE[$scenario|$other]}" \
		    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	done
done
