#!/usr/bin/env bash
# bench/tls.sh: TLS over loopback: 1 GiB through sockit, socat OPENSSL, ncat --ssl and a minimal OpenSSL relay, rounds interleaved; a one-shot beside a minimal OpenSSL client; peak RSS and CPU seconds per GiB.
#
# Environment: SOCKIT (the binary, default ./sockit), ROUNDS (5), DATA_MB
# (1024), RUNS (200, the one-shot's). Every tool speaks TLS 1.3 with
# TLS_AES_128_GCM_SHA256 alone, forced through OPENSSL_CONF (all link the
# same libssl), with the same certificate; each pairs with itself.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
ROUNDS=${ROUNDS:-5}
DATA_MB=${DATA_MB:-1024}
RUNS=${RUNS:-200}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
command -v /usr/bin/time >/dev/null 2>&1 || need_package time
command -v hyperfine >/dev/null 2>&1 || need_package hyperfine
command -v openssl >/dev/null 2>&1 || need_package openssl
cc -O2 -o "$OUT/tlsrelay" bench/tlsrelay.c -lssl -lcrypto

CERTS=$OUT/tls-certs
sh tests/tls_certs.sh "$CERTS"
CERT=$CERTS/leaf.pem KEY=$CERTS/leaf.key CA=$CERTS/ca.pem
SUITE=TLS_AES_128_GCM_SHA256

# The one version and suite for every tool, whatever its defaults.
export OPENSSL_CONF=$OUT/tls-bench.cnf
cat >"$OPENSSL_CONF" <<CNF
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1.3
Ciphersuites = $SUITE
CNF

DATA_DIR=/dev/shm
[ -d "$DATA_DIR" ] && [ -w "$DATA_DIR" ] || DATA_DIR=$OUT
DATA=$DATA_DIR/sockit-tls-bench.$$
SERVE_PID=
trap 'rm -f "$DATA"; [ -z "$SERVE_PID" ] || kill "$SERVE_PID" 2>/dev/null || true' EXIT
head -c "$((DATA_MB * 1024 * 1024))" /dev/urandom >"$DATA"
BYTES=$((DATA_MB * 1024 * 1024))

TOOLS=(sockit socat ncat floor)

# receiver TOOL PORT / sender TOOL PORT: the command lines, at the tools'
# defaults but for the certificate (and the CA where a tool checks).
receiver() {
	case $1 in
	sockit) echo "$SOCKIT listen --tls --cert $CERT --key $KEY 127.0.0.1:$2" ;;
	socat) echo "socat -u OPENSSL-LISTEN:$2,bind=127.0.0.1,reuseaddr,cert=$CERT,key=$KEY,verify=0 STDOUT" ;;
	ncat) echo "ncat -l --recv-only --ssl --ssl-cert $CERT --ssl-key $KEY 127.0.0.1 $2" ;;
	floor) echo "$OUT/tlsrelay listen $2 $CERT $KEY" ;;
	esac
}

sender() {
	case $1 in
	sockit) echo "$SOCKIT connect --tls --cafile $CA 127.0.0.1:$2" ;;
	socat) echo "socat -u STDIN OPENSSL:127.0.0.1:$2,cafile=$CA" ;;
	# ncat checks nothing by default, and checks no IP address at all.
	ncat) echo "ncat --send-only --ssl 127.0.0.1 $2" ;;
	floor) echo "$OUT/tlsrelay connect $2 $CA" ;;
	esac
}

wait_listening() {
	local i
	for ((i = 0; i < 250; i++)); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.02
	done
	return 1
}

# check_suite: each tool's client against sockit's server, and sockit's
# client against each tool's server, must agree on TLS 1.3 and $SUITE.
check_suite() {
	local tool port
	for tool in "${TOOLS[@]}"; do
		port=$(free_port)
		$SOCKIT listen -v --tls --cert "$CERT" --key "$KEY" \
		    "127.0.0.1:$port" </dev/null >/dev/null 2>"$OUT/suite.err" &
		wait_listening "$port"
		echo hi | $(sender "$tool" "$port") >/dev/null 2>&1 || true
		wait
		grep -q "tls: TLSv1.3, $SUITE," "$OUT/suite.err" || {
			echo "bench: $tool's client did not speak TLS 1.3 with $SUITE:" >&2
			cat "$OUT/suite.err" >&2
			exit 1
		}
		port=$(free_port)
		$(receiver "$tool" "$port") </dev/null >/dev/null 2>&1 &
		wait_listening "$port"
		echo hi | $SOCKIT connect -v --tls --cafile "$CA" \
		    "127.0.0.1:$port" >/dev/null 2>"$OUT/suite.err" || true
		wait
		grep -q "tls: TLSv1.3, $SUITE," "$OUT/suite.err" || {
			echo "bench: $tool's server did not speak TLS 1.3 with $SUITE:" >&2
			cat "$OUT/suite.err" >&2
			exit 1
		}
	done
	echo "every tool speaks TLSv1.3 with $SUITE, both ways"
}

# run_once TOOL: one transfer; writes "SECONDS CPU RSS_KB" to
# $OUT/once.result, the CPU seconds of both ends and the larger peak RSS
# of the two. Fails, saying why, when either end did.
run_once() {
	local tool=$1 port rcmd scmd start end rpid
	port=$(free_port)
	rcmd=$(receiver "$tool" "$port")
	scmd=$(sender "$tool" "$port")
	/usr/bin/time -f '%M %U %S' -o "$OUT/recv.time" $rcmd \
	    </dev/null >/dev/null 2>"$OUT/recv.err" &
	rpid=$!
	wait_listening "$port" || { echo "bench: $tool did not listen" >&2; exit 1; }
	start=$(date +%s.%N)
	if ! /usr/bin/time -f '%M %U %S' -o "$OUT/send.time" $scmd \
	    <"$DATA" >/dev/null 2>"$OUT/send.err"; then
		echo "bench: $tool's sender failed:" >&2
		cat "$OUT/send.err" >&2
		return 1
	fi
	# ncat's sender closes with the server's session tickets unread: the
	# reset that sends loses the last megabyte or so on the receiver,
	# which may then fail. Counted, and said below the table.
	if ! wait "$rpid"; then
		if [ "$tool" != ncat ]; then
			echo "bench: $tool's receiver failed:" >&2
			cat "$OUT/recv.err" >&2
			return 1
		fi
		NCAT_LOST=$((NCAT_LOST + 1))
	fi
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" '
	    FNR == 1 { rss = $1 > rss ? $1 : rss; cpu += $2 + $3 }
	    END { printf "%.4f %.2f %d\n", e - s, cpu, rss }' \
	    "$OUT/recv.time" "$OUT/send.time" >"$OUT/once.result"
}

NCAT_LOST=0
check_suite
declare -A SECS CPUS RSSES RATE CPUGIB
echo "tls bulk: $ROUNDS rounds of $DATA_MB MiB per tool, TLS 1.3, $SUITE"
for ((round = 1; round <= ROUNDS; round++)); do
	for tool in "${TOOLS[@]}"; do
		run_once "$tool"
		read -r secs cpu rss <"$OUT/once.result"
		SECS[$tool]="${SECS[$tool]:-} $secs"
		CPUS[$tool]="${CPUS[$tool]:-} $cpu"
		RSSES[$tool]="${RSSES[$tool]:-} $rss"
		printf '  round %d  %-7s %6.2f GiB/s  cpu %5.2f s  rss %6d KiB\n' \
		    "$round" "$tool" \
		    "$(awk -v b="$BYTES" -v s="$secs" 'BEGIN { print b / s / 2^30 }')" \
		    "$cpu" "$rss"
	done
done

echo
echo "medians of $ROUNDS rounds (both ends):"
printf '  %-8s %8s %12s %10s\n' tool GiB/s "cpu s/GiB" "rss KiB"
for tool in "${TOOLS[@]}"; do
	RATE[$tool]=$(awk -v b="$BYTES" -v s="$(median ${SECS[$tool]})" \
	    'BEGIN { printf "%.3f", b / s / 2^30 }')
	CPUGIB[$tool]=$(awk -v b="$BYTES" -v c="$(median ${CPUS[$tool]})" \
	    'BEGIN { printf "%.2f", c / (b / 2^30) }')
	RSSES[$tool]=$(median ${RSSES[$tool]})
	printf '  %-8s %8s %12s %10s\n' "$tool" "${RATE[$tool]}" \
	    "${CPUGIB[$tool]}" "${RSSES[$tool]}"
done

[ "$NCAT_LOST" -eq 0 ] ||
    echo "  (ncat's receiver failed in $NCAT_LOST of $ROUNDS rounds, having lost the end of the data)"

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}
faster=$(awk -v a="${RATE[socat]}" -v b="${RATE[ncat]}" \
    'BEGIN { print (a > b ? a : b) }')
echo
echo "targets:"
echo "  bulk: sockit / the faster of socat and ncat $(ratio "${RATE[sockit]}" "$faster")x (at least 1.3x)"
echo "  bulk: sockit / the floor $(ratio "${RATE[sockit]}" "${RATE[floor]}")x (at least 0.9x)"
echo "  peak RSS: sockit / socat $(ratio "${RSSES[sockit]}" "${RSSES[socat]}")x (at most 1x)"

# The one-shot: a server that takes client after client, and each client
# connects, shakes hands (checking the certificate), sends 5 bytes and
# closes.
port=$(free_port)
"$OUT/tlsrelay" serve "$port" "$CERT" "$KEY" </dev/null >/dev/null 2>&1 &
SERVE_PID=$!
wait_port "$port"
# hyperfine runs one command's runs, then the other's: in rounds of
# RUNS / ROUNDS runs each, the order turned every round, a busy spell
# falls on both alike.
declare -A ONESHOT
per=$(((RUNS + ROUNDS - 1) / ROUNDS))
for ((round = 1; round <= ROUNDS; round++)); do
	a=("-n" sockit "$SOCKIT send --tls --cafile $CA 127.0.0.1:$port hello")
	b=("-n" "minimal C client" "$OUT/tlsrelay connect $port $CA hello")
	if ((round % 2)); then set -- "${a[@]}" "${b[@]}"; else set -- "${b[@]}" "${a[@]}"; fi
	hyperfine -N --warmup 5 --runs "$per" \
	    --export-json "$OUT/tls-oneshot.json" "$@" >/dev/null
	while read -r name mean; do
		ONESHOT[$name]="${ONESHOT[$name]:-} $mean"
	done < <(jq -r '.results[] | "\(.command | sub(" "; "_"; "g")) \(.mean * 1000)"' \
	    "$OUT/tls-oneshot.json")
done
sockit_ms=$(median ${ONESHOT[sockit]})
floor_ms=$(median ${ONESHOT[minimal_C_client]})
RATIOS=()
for ((i = 1; i <= ROUNDS; i++)); do
	RATIOS+=("$(ratio "$(echo ${ONESHOT[sockit]} | cut -d' ' -f$i)" \
	    "$(echo ${ONESHOT[minimal_C_client]} | cut -d' ' -f$i)")")
done
echo
echo "one-shot (connect, handshake, send 5 bytes, close), $ROUNDS rounds of $per runs each:"
printf '  %-18s %7.3f ms (median of the rounds'"'"' means)\n' sockit "$sockit_ms"
printf '  %-18s %7.3f ms\n' "minimal C client" "$floor_ms"
echo "  sockit / minimal, each round: ${RATIOS[*]}"
echo "  sockit / minimal, the median round: $(median "${RATIOS[@]}")x (at most 1.1x)"
