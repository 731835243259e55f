#!/bin/sh
# tools/busy.sh CMD...: runs CMD while one busy loop per core competes for the CPU, as on a loaded machine.
set -u
# Each loop ends by itself after this long, whatever becomes of CMD.
limit=${BUSY_SECONDS:-1800}
cores=$(nproc 2>/dev/null || echo 2)
pids=""
i=0
while [ "$i" -lt "$cores" ]; do
	timeout "$limit" sh -c 'while :; do :; done' &
	pids="$pids $!"
	i=$((i + 1))
done
echo "busy: $cores busy loops at normal priority, for at most $limit s" >&2
"$@"
status=$?
kill $pids 2>/dev/null
wait 2>/dev/null
exit "$status"
