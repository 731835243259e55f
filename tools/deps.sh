#!/bin/sh
# tools/deps.sh: install what the build and the tests need, or name exactly what is missing.
# `deps.sh build` sees to the build's optional library only and never fails;
# `deps.sh` sees to everything `make check` needs.
set -u

missing=""
want() {
	# want COMMAND PACKAGE: PACKAGE provides COMMAND
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

# The readline headers, for line editing at a terminal.
have_readline() {
	printf '#include <stdio.h>\n#include <readline/readline.h>\n' |
	    ${CC:-cc} -E -x c - >/dev/null 2>&1
}

install() {
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	    apt-get install -y -q --no-install-recommends $missing
}

can_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

if [ "${1:-}" = build ]; then
	have_readline && exit 0
	missing=" libreadline-dev"
	if can_install && install >&2; then
		exit 0
	fi
	echo "deps: libreadline-dev is missing; sockit builds without line" \
	    "editing (install it with: sudo apt-get install libreadline-dev)" >&2
	exit 0
fi

have_readline || missing="$missing libreadline-dev"
want cc gcc
want make make
want bats bats
want socat socat
want ncat ncat
want nc.openbsd netcat-openbsd
want jq jq
want python3 python3
want ps procps
want timeout coreutils
want zsh zsh
want fish fish
want tmux tmux
want mandoc mandoc
want valgrind valgrind
want openssl openssl

[ -z "$missing" ] && exit 0

if can_install; then
	install
	exit $?
fi
echo "deps: missing:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
