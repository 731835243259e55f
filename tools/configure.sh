#!/bin/sh
# tools/configure.sh: print the make variables of what this machine can build: readline or plain line input.
set -u
CC=${CC:-cc}

if [ "${NO_READLINE:-}" != 1 ]; then
	# Install libreadline-dev when it is missing and we may; never fatal.
	sh "$(dirname "$0")/deps.sh" build >&2
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
		exit 0
	fi
	echo "configure: no readline headers: building without line editing" >&2
fi
echo "LINE_SRC = src/line_plain.c"
echo "LINE_LIBS ="
