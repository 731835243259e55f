#!/bin/sh
# tools/deps.sh: install what the build and the tests need, or name exactly what is missing.
set -u

missing=""
want() {
	# want COMMAND PACKAGE: PACKAGE provides COMMAND
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

want cc gcc
want make make
want bats bats
want socat socat
want ncat ncat
want nc.openbsd netcat-openbsd
want jq jq
want timeout coreutils
want zsh zsh
want fish fish

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	    apt-get install -y -q --no-install-recommends $missing
	exit $?
fi
echo "deps: missing:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
