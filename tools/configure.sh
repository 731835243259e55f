#!/bin/sh
# tools/configure.sh: print the make variables of what this machine can build: readline or plain line input, TLS or none.
set -u
CC=${CC:-cc}

# Install libreadline-dev and libssl-dev when missing and we may; never
# fatal. deps.sh leaves out what NO_READLINE and NO_TLS turn off.
sh "$(dirname "$0")/deps.sh" build >&2

if [ "${NO_READLINE:-}" != 1 ]; then
	probe=$(mktemp)
	printf '%s\n' '#include <stdio.h>' '#include <readline/readline.h>' \
	    '#include <readline/history.h>' \
	    'int main(void) { rl_callback_read_char(); return 0; }' |
	    $CC -x c -o "$probe" - -lreadline >/dev/null 2>&1
	found=$?
	rm -f "$probe"
	if [ "$found" -eq 0 ]; then
		# Found at run time with dlopen, only when a terminal edits.
		echo "LINE_SRC = src/line_readline.c"
		echo "LINE_LIBS = -ldl"
		readline=yes
	else
		echo "configure: no readline headers: building without" \
		    "line editing" >&2
	fi
fi
if [ "${readline:-}" != yes ]; then
	echo "LINE_SRC = src/line_plain.c"
	echo "LINE_LIBS ="
fi

# OpenSSL 3 for TLS; without it (or with NO_TLS=1) every TLS option is
# refused with a note on how to get a TLS build.
if [ "${NO_TLS:-}" != 1 ]; then
	probe=$(mktemp)
	printf '%s\n' '#include <openssl/ssl.h>' \
	    '#if OPENSSL_VERSION_MAJOR < 3' '#error OpenSSL 3 needed' '#endif' \
	    'int main(void) { return SSL_CTX_new(TLS_method()) == 0; }' |
	    $CC -x c -o "$probe" - -lssl -lcrypto >/dev/null 2>&1
	found=$?
	rm -f "$probe"
	if [ "$found" -eq 0 ]; then
		echo "TLS_SRC = src/tls.c"
		echo "TLS_LIBS = -lssl -lcrypto"
		exit 0
	fi
	echo "configure: no OpenSSL 3 headers: building without TLS" >&2
fi
echo "TLS_SRC = src/tls_none.c"
echo "TLS_LIBS ="
