# bench/common.sh: what the benchmark scripts share: the peers, free ports, readiness, medians.

# need_peers: nc.openbsd, ncat and socat from Debian, installed when we may.
need_peers() {
	local missing=""
	command -v nc.openbsd >/dev/null 2>&1 || missing="$missing netcat-openbsd"
	command -v ncat >/dev/null 2>&1 || missing="$missing ncat"
	command -v socat >/dev/null 2>&1 || missing="$missing socat"
	command -v python3 >/dev/null 2>&1 || missing="$missing python3"
	command -v cc >/dev/null 2>&1 || missing="$missing gcc"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing$missing"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends $missing >/dev/null
		return
	fi
	echo "bench: missing:$missing (sudo apt-get install$missing)" >&2
	exit 1
}

# free_port: a loopback TCP port that nothing uses at this moment.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT, at most 5 s.
wait_port() {
	python3 - "$1" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)
EOF
}

# median NUMBERS...: the middle one (the mean of the two middle ones).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	    END { if (NR % 2) print v[(NR + 1) / 2];
	          else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# need_package PACKAGE: installs one Debian package when we may.
need_package() {
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends "$1" >/dev/null
		return
	fi
	echo "bench: missing $1 (sudo apt-get install $1)" >&2
	exit 1
}
