#!/usr/bin/env bash
# bench/oneshot.sh: the one-shot path: connect, send 5 bytes, close; sockit beside nc, ncat, socat and a minimal C client, timed by hyperfine.
#
# Environment: SOCKIT (the binary, default ./sockit), RUNS (300). Loopback.
set -eu
cd "$(dirname "$0")/.."

SOCKIT=${SOCKIT:-$PWD/sockit}
RUNS=${RUNS:-300}
OUT=$PWD/build/bench
mkdir -p "$OUT"

. bench/common.sh
need_peers
command -v hyperfine >/dev/null 2>&1 || need_package hyperfine
cc -O2 -o "$OUT/oneclient" bench/oneclient.c
cc -O2 -o "$OUT/sink" bench/sink.c

port=$(free_port)
# A sink that takes one connection after another, with a deep backlog, so
# no client waits for a SYN to be sent again.
"$OUT/sink" "$port" </dev/null >/dev/null 2>&1 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
wait_port "$port"

hyperfine --warmup 20 --runs "$RUNS" --export-json "$OUT/oneshot.json" \
    -n sockit "$SOCKIT send 127.0.0.1:$port hello" \
    -n "sockit, stdin" "printf hello | $SOCKIT send 127.0.0.1:$port" \
    -n nc.openbsd "printf hello | nc.openbsd -N 127.0.0.1 $port" \
    -n ncat "printf hello | ncat --send-only 127.0.0.1 $port" \
    -n socat "printf hello | socat -u - TCP:127.0.0.1:$port" \
    -n "minimal C client" "$OUT/oneclient $port hello" >/dev/null

echo "one-shot (connect, send 5 bytes, close), mean of $RUNS runs:"
jq -r '(.results[] | select(.command == "minimal C client") | .mean) as $floor |
    .results[] | "  \(.command | . + " " * (18 - length)) \(.mean * 1000 |
    . * 1000 | round / 1000) ms  \(.mean / $floor * 100 | round / 100)x the minimal client"' \
    "$OUT/oneshot.json"
