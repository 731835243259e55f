#!/usr/bin/env bash
# tools/demo.sh: a loopback TCP conversation, both ends traced, for `make demo`.
set -u
: "${SOCKIT:=./sockit}"

dir=$(mktemp -d)
listener=
cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

bold= plain=
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	plain=$(tput sgr0 2>/dev/null || true)
fi
say() { printf '\n%s%s%s\n' "$bold" "$*" "$plain"; }

say "== sockit demo: one TCP conversation on 127.0.0.1, every socket call traced"
say "\$ echo 'hello from the server' | sockit --trace listen -v 127.0.0.1:0"
echo 'hello from the server' >"$dir/reply"
timeout -s KILL 20 "$SOCKIT" --trace listen -v 127.0.0.1:0 <"$dir/reply" \
    >"$dir/server.out" 2>"$dir/server.err" &
listener=$!

port=
for _ in $(seq 1 250); do
	port=$(sed -n 's/^sockit: listening on .*://p' "$dir/server.err")
	[ -n "$port" ] && break
	sleep 0.02
done
if [ -z "$port" ]; then
	echo "demo: the listener did not start:" >&2
	cat "$dir/server.err" >&2
	exit 1
fi
cat "$dir/server.err"
shown=$(wc -l <"$dir/server.err")

say "\$ echo 'hello from the client' | sockit --trace connect 127.0.0.1:$port"
echo 'hello from the client' |
    timeout -s KILL 20 "$SOCKIT" --trace connect "127.0.0.1:$port" \
    2>"$dir/client.err" >"$dir/client.out"
client_status=$?
cat "$dir/client.err"
say "client's stdout (what the server sent):"
cat "$dir/client.out"

wait "$listener"
server_status=$?
listener=
say "the rest of the server's story:"
tail -n +"$((shown + 1))" "$dir/server.err"
say "server's stdout (what the client sent):"
cat "$dir/server.out"

say "== exit statuses: client $client_status, server $server_status"
say "Next: './sockit help', 'man ./man/sockit.1', 'make check';" \
    "'make install' puts sockit on your PATH."
[ "$client_status" -eq 0 ] && [ "$server_status" -eq 0 ]
