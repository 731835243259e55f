# tests/proxy_helper.bash: start real proxies (danted, microsocks, tinyproxy, ncat's HTTP proxy), a test sshd and the destination behind them, each on 127.0.0.1 with its config in the test's directory.
#
# None of these daemons takes port 0: each start picks a port nothing
# listens on, starts the daemon there and waits until a connect succeeds;
# when the daemon died because the port was taken meanwhile, it tries
# another, three times at most.

# free_port: prints a TCP port of 127.0.0.1 that nothing listens on now,
# from 20000-31999, below the kernel's range for port 0 (a python3 that
# binds port 0 would take half a second to start, each time).
free_port() {
	local port fd try
	for ((try = 0; try < 100; try++)); do
		port=$((20000 + RANDOM % 12000))
		if ! { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null
		then
			echo "$port"
			return 0
		fi
		exec {fd}>&-
	done
	return 1
}

# wait_for_port PORT [SECS]: until a TCP connect to 127.0.0.1:PORT (or
# DAEMON_ADDR:PORT) succeeds; fails after SECS (10).
wait_for_port() {
	untraced wait_for_port_untraced "$@"
}
wait_for_port_untraced() {
	local port=$1 secs=${2:-10} fd end
	end=$((SECONDS + secs))
	while ((SECONDS <= end)); do
		# bash's /dev/tcp: a connect without starting a process.
		if { exec {fd}<>"/dev/tcp/${DAEMON_ADDR:-127.0.0.1}/$port"; } \
		    2>/dev/null; then
			exec {fd}>&-
			return 0
		fi
		nap
	done
	echo "nothing listens on ${DAEMON_ADDR:-127.0.0.1}:$port after" \
	    "$secs s" >&2
	return 1
}

# start_daemon NAME CONFIG_FUNCTION CMD...: up to three times, picks a
# free port as PORT, calls CONFIG_FUNCTION PORT to write its config,
# starts CMD (with every word @PORT@ replaced by the port) as bg NAME and
# waits for it to listen. Sets DAEMON_PORT and DAEMON_PID.
start_daemon() {
	local name=$1 config=$2 try port word
	local -a cmd
	shift 2
	for try in 1 2 3; do
		port=$(free_port)
		"$config" "$port"
		cmd=()
		for word in "$@"; do
			cmd+=("${word//@PORT@/$port}")
		done
		bg "$name" "${cmd[@]}"
		DAEMON_PID=$BG_PID
		DAEMON_PORT=$port
		if wait_for_port "$port" 10 && kill -0 "$DAEMON_PID" 2>/dev/null
		then
			return 0
		fi
		kill "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	done
	echo "$name did not start; its stderr:" >&2
	cat "$TMP/$name.err" >&2
	return 1
}

# start_target [DELAY]: the destination behind the proxy, a sockit
# listen -k; sets TARGET_PORT. Each connection gets "hi\n" at once, then
# "echo:LINE" for the line it sent, DELAY seconds later (a slow server),
# and the close.
start_target() {
	start_listener target -k 127.0.0.1:0 -c "printf 'hi\\n'; read -r l;
	    sleep ${1:-0}; printf 'echo:%s\\n' \"\$l\"" || return 1
	TARGET_PORT=$LISTEN_PORT
}

no_config() {
	:
}

# start_microsocks [USER PASS]: on 127.0.0.1, or DAEMON_ADDR (another
# loopback address); sets PROXY_PORT.
start_microsocks() {
	local -a auth=()
	[ $# -eq 2 ] && auth=(-u "$1" -P "$2")
	start_daemon microsocks no_config microsocks \
	    -i "${DAEMON_ADDR:-127.0.0.1}" \
	    -p @PORT@ "${auth[@]}" || return 1
	PROXY_PORT=$DAEMON_PORT
}

# danted's config: SOCKS4 and 5 to 127.0.0.0/8 only; DANTED_METHOD is
# none or username (system users, checked against /etc/shadow).
danted_config() {
	cat >"$TMP/danted.conf" <<EOF
logoutput: $TMP/danted.log
internal: 127.0.0.1 port = $1
external: 127.0.0.1
clientmethod: none
socksmethod: ${DANTED_METHOD:-none}
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 command: connect }
EOF
}

# start_danted [username]: danted in the foreground (-D would daemonise);
# sets PROXY_PORT.
start_danted() {
	DANTED_METHOD=${1:-none}
	start_daemon danted danted_config danted -f "$TMP/danted.conf" \
	    -p "$TMP/danted.pid" -N 1 || return 1
	PROXY_PORT=$DAEMON_PORT
}

# tinyproxy's config: TINYPROXY_AUTH "USER PASS" turns BasicAuth on.
tinyproxy_config() {
	cat >"$TMP/tinyproxy.conf" <<EOF
Port $1
Listen 127.0.0.1
User nobody
Group nogroup
Timeout 30
MaxClients 20
LogFile "$TMP/tinyproxy.log"
PidFile "$TMP/tinyproxy.pid"
Allow 127.0.0.1
DisableViaHeader Yes
EOF
	[ -z "${TINYPROXY_AUTH:-}" ] ||
	    echo "BasicAuth $TINYPROXY_AUTH" >>"$TMP/tinyproxy.conf"
	[ -z "${TINYPROXY_PORTS:-}" ] ||
	    echo "ConnectPort $TINYPROXY_PORTS" >>"$TMP/tinyproxy.conf"
}

# start_tinyproxy [USER PASS]: tinyproxy -d (in the foreground), which
# with TINYPROXY_PORTS set allows CONNECT to that port only; sets
# PROXY_PORT.
start_tinyproxy() {
	TINYPROXY_AUTH=${1:+$1 $2}
	start_daemon tinyproxy tinyproxy_config tinyproxy -d \
	    -c "$TMP/tinyproxy.conf" || return 1
	PROXY_PORT=$DAEMON_PORT
}

# start_ncat_http: ncat's own HTTP proxy, for one client; sets PROXY_PORT.
start_ncat_http() {
	start_daemon ncat no_config ncat -l 127.0.0.1 @PORT@ \
	    --proxy-type http || return 1
	PROXY_PORT=$DAEMON_PORT
}

sshd_config() {
	local v6=
	# ::1 too where lo has it, for a ProxyCommand given an IPv6 %h.
	grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null &&
	    v6='ListenAddress ::1'
	cat >"$TMP/sshd_config" <<EOF
ListenAddress 127.0.0.1
$v6
Port $1
HostKey $TMP/ssh_host_key
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AuthorizedKeysFile $TMP/authorized_keys
StrictModes no
PidFile $TMP/sshd.pid
EOF
}

# start_sshd: a test sshd on 127.0.0.1 (and ::1 where lo has it) that
# takes the key $TMP/id (made here with its host key) for any user; sets
# SSHD_PORT.
start_sshd() {
	ssh-keygen -q -t ed25519 -N '' -f "$TMP/ssh_host_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$TMP/id" || return 1
	cp "$TMP/id.pub" "$TMP/authorized_keys"
	# sshd's privilege separation wants its empty directory.
	mkdir -p /run/sshd
	start_daemon sshd sshd_config /usr/sbin/sshd -D -e \
	    -f "$TMP/sshd_config" || return 1
	SSHD_PORT=$DAEMON_PORT
}
