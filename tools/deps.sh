#!/bin/sh
# tools/deps.sh: install what a make target needs, or name exactly what is missing.
# `deps.sh build` sees to the build's optional libraries only and never fails;
# `deps.sh check` (the default) to what `make check` needs;
# `deps.sh valgrind` and `deps.sh fuzz` to the tools of those targets;
# `deps.sh bench` to the proxies make bench compares sockit with.
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

# The OpenSSL 3 headers, for TLS.
have_openssl() {
	printf '#include <openssl/ssl.h>\n' | ${CC:-cc} -E -x c - >/dev/null 2>&1
}

# apt may have to upgrade an installed library that a new package needs
# at a newer version: say which before it happens, never silently.
install() {
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || return 1
	upgrades=$(apt-get install -s -q --no-install-recommends $missing |
	    sed -n 's/^Inst \([^ ]*\) \[.*/\1/p' | tr '\n' ' ')
	[ -n "$upgrades" ] &&
	    echo "deps: apt-get also upgrades, because the new packages need" \
	        "newer versions: $upgrades"
	apt-get install -y -q --no-install-recommends $missing
}

can_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

case "${1:-check}" in
build)
	[ "${NO_READLINE:-}" = 1 ] || have_readline ||
	    missing=" libreadline-dev"
	[ "${NO_TLS:-}" = 1 ] || have_openssl || missing="$missing libssl-dev"
	want msgfmt gettext
	[ -z "$missing" ] && exit 0
	if can_install && install >&2; then
		exit 0
	fi
	echo "deps: missing:$missing; sockit builds without line editing," \
	    "TLS or translations for each" \
	    "(install with: sudo apt-get install$missing)" >&2
	exit 0
	;;
check)
	have_readline || missing="$missing libreadline-dev"
	have_openssl || missing="$missing libssl-dev"
	want openssl openssl
	want xgettext gettext
	want curl curl
	want cc gcc
	want make make
	want bats bats
	# moreutils has a parallel(1) of its own, with other options.
	parallel --version 2>/dev/null | grep -q 'GNU parallel' ||
	    missing="$missing parallel"
	want socat socat
	want ncat ncat
	want nc.openbsd netcat-openbsd
	want jq jq
	want python3 python3
	want pkill procps
	want timeout coreutils
	want ip iproute2
	want nsenter util-linux
	want zsh zsh
	want fish fish
	want tmux tmux
	want mandoc mandoc
	want redis-server redis-server
	# The real proxies and the sshd of tests/proxy_client.bats.
	want danted dante-server
	want microsocks microsocks
	want tinyproxy tinyproxy
	want /usr/sbin/sshd openssh-server
	want ssh openssh-client
	;;
valgrind)
	want valgrind valgrind
	;;
fuzz)
	want clang clang
	;;
bench)
	# bench/proxy.sh's peers; a missing one is a row that says so.
	PATH=$PATH:/usr/sbin:/sbin
	want danted dante-server
	want microsocks microsocks
	want tinyproxy tinyproxy
	;;
*)
	echo "deps: unknown set '$1' (build, check, valgrind, fuzz, bench)" >&2
	exit 2
	;;
esac

[ -z "$missing" ] && exit 0

if can_install; then
	install
	exit $?
fi
echo "deps: missing:$missing" >&2
echo "deps: install them with: sudo apt-get install$missing" >&2
exit 1
