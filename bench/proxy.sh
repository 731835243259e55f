#!/usr/bin/env bash
# bench/proxy.sh: proxy servers side by side: sockit listen --socks5 and --http-proxy beside danted, microsocks, tinyproxy and ncat's HTTP proxy, rounds interleaved.
#
# Through each proxy on 127.0.0.1, with bench/proxyclient.c as the client
# (curl's own start-up would be most of a short connection): the
# throughput of DATA_MB (1024) MiB through one CONNECT tunnel to a sink
# that counts them, and short connections per second (connect, handshake,
# CONNECT, 16 bytes to an echo target and back, the target's close), CONC
# (32) at once for SECS (3) s after WARM (1) s unmeasured. Floors beside
# them: the same client straight to the targets ("direct", the client's
# own ceiling), a splice forwarder without any handshake ("splice
# floor"), and sockit listen --to, the relay without a handshake. The
# client's share of a core is shown beside each number, and the CPU
# each server spent on a short connection. ROUNDS (5)
# rounds; medians; ratios against the best peer in each column, which
# sockit's proxy server is to pass twice. PROXY_BENCH_QUICK=1: one round
# of 256 MiB and 1 s, under a minute. Last, the ceiling of any proxy's
# connections per second on this machine, from what the client, the
# target and the packets cost. A peer that is not installed is a
# row that says so, and so is sockit's server in a build that has none.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
# danted and tinyproxy live in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
if [ "${PROXY_BENCH_QUICK:-0}" = 1 ]; then
	ROUNDS=${ROUNDS:-1}
	DATA_MB=${DATA_MB:-256}
	SECS=${SECS:-1}
	WARM=${WARM:-0.5}
fi
ROUNDS=${ROUNDS:-5}
DATA_MB=${DATA_MB:-1024}
SECS=${SECS:-3}
WARM=${WARM:-1}
CONC=${CONC:-32}
OUT=$PWD/build/bench
mkdir -p "$OUT"
CLK_TCK=$(getconf CLK_TCK)

. bench/common.sh
need_peers
command -v ss >/dev/null 2>&1 || need_package iproute2
for tool in proxyclient splicefwd; do
	cc -O2 -o "$OUT/$tool" "bench/$tool.c"
done

DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockit-proxy-bench.XXXXXX")
# The servers running now, by pid: a pid leaves as its server is stopped,
# so that the trap never kills a stranger who got the number since.
declare -A RUNNING
cleanup() {
	local pid
	for pid in "${!RUNNING[@]}"; do
		stop "$pid"
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# stop PID: ends a server and the children it forked for its clients
# (danted's and ncat's), by their pids.
stop() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		kill "$child" 2>/dev/null || true
	done
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	unset "RUNNING[$1]"
}

# have COMMAND PACKAGE: whether COMMAND is there; installed first when we
# may, as the other benchmarks do, but a peer that stays missing is a
# row that says so, never a failure.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends "$2" >/dev/null 2>&1 || true
	fi
	command -v "$1" >/dev/null 2>&1
}

# wait_ready PID PORT: until PID listens on PORT, at most 5 s. Fails at
# once when PID has exited, as a proxy does whose port was taken
# between free_port and its bind.
wait_ready() {
	local deadline=$((SECONDS + 5))
	while ((SECONDS <= deadline)); do
		kill -0 "$1" 2>/dev/null || return 1
		[ -n "$(ss -Hltn "sport = :$2")" ] && return 0
		sleep 0.01
	done
	return 1
}

# configure NAME PORT: the configuration file NAME reads, written for
# PORT, on loopback only, allowing the targets on 127.0.0.0/8.
configure() {
	case $1 in
	danted)
		# As root danted wants users to switch to; root itself
		# will do for a benchmark on loopback.
		users=
		[ "$(id -u)" != 0 ] ||
		    users=$'user.privileged: root\nuser.unprivileged: root'
		cat >"$DIR/danted.conf" <<EOF
logoutput: $DIR/danted.log
internal: 127.0.0.1 port = $2
external: 127.0.0.1
clientmethod: none
socksmethod: none
$users
client pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
}
socks pass {
	from: 127.0.0.0/8 to: 127.0.0.0/8
	command: connect
}
EOF
		;;
	tinyproxy)
		# Without ConnectPort tinyproxy tunnels to 443 and 563 only.
		cat >"$DIR/tinyproxy.conf" <<EOF
Port $2
Listen 127.0.0.1
Allow 127.0.0.1
ConnectPort $SINK_PORT
ConnectPort $ECHO_PORT
MaxClients 1024
Timeout 60
LogLevel Error
LogFile "$DIR/tinyproxy.log"
PidFile "$DIR/tinyproxy.pid"
EOF
		;;
	esac
}

# A row: name|client kind|what it needs|command, PORT, TARGET and DIR
# replaced. The kind "none" with TARGET is a forwarder fixed to one
# target: started once per job; the others tunnel to either target.
ROWS=(
	"direct (no proxy)|direct||"
	"splice floor (no handshake)|none||$OUT/splicefwd PORT TARGET"
	"sockit --to (no handshake)|none|sockit|$SOCKIT listen 127.0.0.1:PORT --to 127.0.0.1:TARGET"
	"sockit --socks5|socks5|sockit --socks5|$SOCKIT listen --socks5 ALLOW_TO127.0.0.1:PORT"
	"sockit --http-proxy|http|sockit --http-proxy|$SOCKIT listen --http-proxy ALLOW_TO127.0.0.1:PORT"
	"danted (SOCKS5)|socks5|danted dante-server|danted -f DIR/danted.conf -p DIR/danted.pid"
	"microsocks (SOCKS5)|socks5|microsocks microsocks|microsocks -i 127.0.0.1 -p PORT"
	"tinyproxy (HTTP CONNECT)|http|tinyproxy tinyproxy|tinyproxy -d -c DIR/tinyproxy.conf"
	"ncat --proxy-type http|http|ncat ncat|ncat -lk --proxy-type http 127.0.0.1 PORT"
)
PEERS=("danted (SOCKS5)" "microsocks (SOCKS5)" "tinyproxy (HTTP CONNECT)"
    "ncat --proxy-type http")
SOCKIT_ROWS=("sockit --socks5" "sockit --http-proxy")

# Which rows cannot run, and why, before the first round.
declare -A MISSING
listen_help=$("$SOCKIT" listen --help 2>&1 || true)
ALLOW_TO=
case $listen_help in
*--allow-to*) ALLOW_TO="--allow-to 127.0.0.0/8 " ;;
esac
for row in "${ROWS[@]}"; do
	IFS='|' read -r name _ needs _ <<<"$row"
	set -- $needs
	case ${1:-} in
	"") ;;
	sockit)
		if [ ! -x "$SOCKIT" ]; then
			MISSING[$name]="no sockit at $SOCKIT"
		elif [ -n "${2:-}" ] && [[ $listen_help != *"$2"* ]]; then
			MISSING[$name]="n/a (this build has no proxy server)"
		fi
		;;
	*)
		have "$1" "$2" ||
		    MISSING[$name]="not installed (apt-get install $2)"
		;;
	esac
done

# The targets, for the whole run: the sink that counts the bulk bytes,
# and the echo server of the short connections.
SINK_PORT=$(free_port)
"$OUT/proxyclient" sink "$SINK_PORT" </dev/null >/dev/null 2>&1 &
RUNNING[$!]=1
wait_ready "$!" "$SINK_PORT" || { echo "proxy: the sink did not start" >&2; exit 1; }
ECHO_PORT=$(free_port)
"$OUT/proxyclient" echo "$ECHO_PORT" </dev/null >/dev/null 2>&1 &
ECHO_PID=$!
RUNNING[$!]=1
wait_ready "$!" "$ECHO_PORT" || { echo "proxy: the echo server did not start" >&2; exit 1; }

# start ROW TARGET: starts the server of ROW on a free port, with its
# configuration written first; a few tries, since none of the peers
# takes port 0. Sets PPORT and PPID_ (empty when it would not start).
start() {
	local command=$1
	PPORT='' PPID_=''
	for _ in 1 2 3; do
		PPORT=$(free_port) || continue
		configure "$NAME_BIN" "$PPORT"
		command=${1//TARGET/$2}
		command=${command//ALLOW_TO/$ALLOW_TO}
		command=${command//DIR/$DIR}
		bash -c "exec ${command//PORT/$PPORT}" </dev/null >/dev/null \
		    2>"$DIR/server.err" &
		PPID_=$!
		RUNNING[$PPID_]=1
		wait_ready "$PPID_" "$PPORT" && return 0
		stop "$PPID_"
	done
	echo "proxy: $NAME did not start:" >&2
	cat "$DIR/server.err" >&2 2>/dev/null || true
	PPID_=
	return 1
}

# bulk KIND PORT: "MiB/s CPU" through one tunnel to the sink, or nothing;
# CPU is the client's percent of a core.
bulk() {
	local bytes secs cpu
	if read -r bytes secs cpu < <(timeout 300 "$OUT/proxyclient" bulk \
	    "$1" "$2" "$SINK_PORT" "$DATA_MB" 2>"$DIR/client.err"); then
		awk -v b="$bytes" -v s="$secs" -v c="$cpu" \
		    'BEGIN { printf "%.1f %d", b / 1048576 / s, c }'
	else
		echo "proxy: $NAME: bulk failed: $(cat "$DIR/client.err")" >&2
	fi
}

# server_ticks PID: the clock ticks of CPU that PID and its children
# have used, those still running and those it has reaped: danted and
# ncat fork for their clients.
server_ticks() {
	local pid ticks total=0
	for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		ticks=$(awk '{ print $14 + $15 + $16 + $17 }' \
		    "/proc/$pid/stat" 2>/dev/null) || continue
		total=$((total + ${ticks:-0}))
	done
	echo "$total"
}

# irq_ticks: the clock ticks all cores have spent in interrupts and
# softirqs, where loopback's packets are carried for everyone.
irq_ticks() {
	awk '$1 == "cpu" { print $7 + $8 }' /proc/stat
}

# per_conn TICKS CONNS: microseconds a connection.
per_conn() {
	awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" \
	    'BEGIN { printf "%.0f", t * 1e6 / hz / n }'
}

# rate KIND PORT [PID]: "CONNS/S CPU US REST", short connections per
# second to the echo server, the client's percent of a core, the
# microseconds of CPU the server PID (and its children) spent on each
# connection ("-" without PID), and those the rest spent on it: the
# client, the echo target and the packets' softirqs. WARM seconds of
# the same go first, unmeasured: danted forks more children for seconds
# as the load comes, and each server is measured as it runs under load.
rate() {
	local conns errors rate cpu us=- rest=- server0 echo0 irq0 client_us
	"$OUT/proxyclient" rate "$1" "$2" "$ECHO_PORT" "$WARM" "$CONC" \
	    >/dev/null 2>&1 || true
	server0=$(server_ticks "${3:-$ECHO_PID}")
	echo0=$(server_ticks "$ECHO_PID")
	irq0=$(irq_ticks)
	read -r conns errors rate cpu < <("$OUT/proxyclient" rate "$1" "$2" \
	    "$ECHO_PORT" "$SECS" "$CONC" 2>"$DIR/client.err")
	if [ "${conns:-0}" -gt 0 ] && [ "${rate%.*}" -gt 0 ]; then
		[ -z "${3:-}" ] ||
		    us=$(per_conn $(($(server_ticks "$3") - server0)) "$conns")
		client_us=$(awk -v c="$cpu" -v r="$rate" \
		    'BEGIN { printf "%.0f", c * 1e4 / r }')
		rest=$((client_us + $(per_conn $(($(server_ticks "$ECHO_PID") -
		    echo0 + $(irq_ticks) - irq0)) "$conns")))
	fi
	[ "${errors:-1}" -eq 0 ] ||
	    echo "proxy: $NAME: $errors of $((conns + errors)) connections" \
	        "failed: $(cat "$DIR/client.err")" >&2
	echo "${rate:-0} ${cpu:-0} $us $rest"
}

declare -A MBPS CPS MBPS_CPU CPS_CPU CONN_US REST_US
echo "proxy: $ROUNDS rounds; $DATA_MB MiB through one tunnel, $CONC" \
    "connections at once for ${SECS}s"
for ((round = 1; round <= ROUNDS; round++)); do
	for row in "${ROWS[@]}"; do
		IFS='|' read -r NAME kind needs command <<<"$row"
		[ -z "${MISSING[$NAME]:-}" ] || continue
		NAME_BIN=${needs%% *}
		bulk_out='' rate_out=''
		case $kind in
		direct)
			bulk_out=$(bulk none "$SINK_PORT")
			rate_out=$(rate none "$ECHO_PORT")
			;;
		none)
			if start "$command" "$SINK_PORT"; then
				bulk_out=$(bulk none "$PPORT")
				stop "$PPID_"
			fi
			# The splice floor forks twice a connection: a floor
			# for bytes, not for connections.
			if [ "$NAME_BIN" = sockit ] &&
			    start "$command" "$ECHO_PORT"; then
				rate_out=$(rate none "$PPORT" "$PPID_")
				stop "$PPID_"
			fi
			;;
		*)
			if start "$command" ""; then
				bulk_out=$(bulk "$kind" "$PPORT")
				rate_out=$(rate "$kind" "$PPORT" "$PPID_")
				stop "$PPID_"
			fi
			;;
		esac
		read -r mbps mbps_cpu <<<"$bulk_out"
		read -r cps cps_cpu conn_us rest_us <<<"$rate_out"
		if [ -n "$mbps" ]; then
			MBPS[$NAME]+=" $mbps"
			MBPS_CPU[$NAME]+=" $mbps_cpu"
		fi
		if [ -n "$cps" ]; then
			CPS[$NAME]+=" $cps"
			CPS_CPU[$NAME]+=" $cps_cpu"
			[ "${conn_us:--}" = - ] || CONN_US[$NAME]+=" $conn_us"
			[ "${rest_us:--}" = - ] || REST_US[$NAME]+=" $rest_us"
		fi
		printf '  round %d  %-32s %8s MiB/s %8s conns/s  client %s%% %s%%  us/conn %s + %s\n' \
		    "$round" "$NAME" "${mbps:--}" "${cps:--}" "${mbps_cpu:--}" \
		    "${cps_cpu:--}" "${conn_us:--}" "${rest_us:--}"
	done
done

m() {
	[ -z "${1:-}" ] || median $1
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b <= 0) print "-";
	    else printf "%.2f", a / b }'
}

# The best peer in each column: the bar sockit is to pass twice.
best_mbps=0 best_cps=0 best_mbps_name=none best_cps_name=none
for name in "${PEERS[@]}"; do
	v=$(m "${MBPS[$name]:-}")
	if [ -n "$v" ] && awk -v a="$v" -v b="$best_mbps" 'BEGIN { exit !(a > b) }'; then
		best_mbps=$v best_mbps_name=$name
	fi
	v=$(m "${CPS[$name]:-}")
	if [ -n "$v" ] && awk -v a="$v" -v b="$best_cps" 'BEGIN { exit !(a > b) }'; then
		best_cps=$v best_cps_name=$name
	fi
done

# The client's share of a core beside each number: near 100%, the client
# and not the proxy was the limit. server and rest: the microseconds of
# CPU spent on each short connection by the server, and by the rest (the
# client, the echo target, softirqs).
printf '\nmedians of %d rounds\n' "$ROUNDS"
printf '%-32s %8s %7s %7s %9s %7s %7s %7s %7s\n' proxy "MiB/s" "x best" \
    "client" "conns/s" "x best" "client" "server" "rest"
for row in "${ROWS[@]}"; do
	IFS='|' read -r name _ <<<"$row"
	if [ -n "${MISSING[$name]:-}" ]; then
		printf '%-32s %s\n' "$name" "${MISSING[$name]}"
		continue
	fi
	mbps=$(m "${MBPS[$name]:-}")
	cps=$(m "${CPS[$name]:-}")
	mbps_cpu=$(m "${MBPS_CPU[$name]:-}")
	cps_cpu=$(m "${CPS_CPU[$name]:-}")
	conn_us=$(m "${CONN_US[$name]:-}")
	rest_us=$(m "${REST_US[$name]:-}")
	printf '%-32s %8s %7s %7s %9s %7s %7s %7s %7s\n' "$name" "${mbps:--}" \
	    "$(ratio "$mbps" "$best_mbps")" "${mbps_cpu:+$mbps_cpu%}" \
	    "${cps:--}" "$(ratio "$cps" "$best_cps")" "${cps_cpu:+$cps_cpu%}" \
	    "${conn_us:--}" "${rest_us:--}"
done

echo
echo "best peer: $best_mbps_name in MiB/s ($best_mbps), $best_cps_name in conns/s ($best_cps)"
echo "the client's headroom (direct / best peer): $(ratio \
    "$(m "${MBPS[direct (no proxy)]:-}")" "$best_mbps")x in MiB/s," \
    "$(ratio "$(m "${CPS[direct (no proxy)]:-}")" "$best_cps")x in conns/s" \
    "(above 2x, or the targets cannot be seen)"
# Even a proxy that took no CPU at all leaves the rest's cost on the
# machine's cores: its rate cannot pass their number over the cheapest
# rest a proxied connection had. Upper bound: it counts no idle time.
cores=$(nproc)
least_rest=
for name in "${SOCKIT_ROWS[@]}" "${PEERS[@]}"; do
	v=$(m "${REST_US[$name]:-}")
	[ -n "$v" ] || continue
	if [ -z "$least_rest" ] || [ "$v" -lt "$least_rest" ]; then
		least_rest=$v
	fi
done
if [ -n "$least_rest" ] && [ "$least_rest" -gt 0 ]; then
	ceiling=$((cores * 1000000 / least_rest))
	echo "any proxy's ceiling here: $cores cores / $least_rest us of the" \
	    "rest a connection = $ceiling conns/s, $(ratio "$ceiling" \
	    "$best_cps")x the best peer"
fi
for name in "${SOCKIT_ROWS[@]}"; do
	if [ -n "${MISSING[$name]:-}" ]; then
		echo "target: $name at least 2x the best peer in MiB/s and in conns/s: not measured, ${MISSING[$name]}"
		continue
	fi
	echo "target: $name at least 2x the best peer:" \
	    "$(ratio "$(m "${MBPS[$name]:-}")" "$best_mbps")x in MiB/s," \
	    "$(ratio "$(m "${CPS[$name]:-}")" "$best_cps")x in conns/s"
done
