#!/usr/bin/env bats
# tests/docs.bats: the man page, README and completions agree with what the binary says.
load test_helper

MAN=$BATS_TEST_DIRNAME/../man/sockit.1
README=$BATS_TEST_DIRNAME/../README.md
COMPLETIONS=$BATS_TEST_DIRNAME/../completions

# commands: every command but help, one a line.
commands() {
	"$SOCKIT" --list-commands | grep -vx help
}

# long_options CMD: the long options CMD lists, without the dashes.
long_options() {
	"$SOCKIT" "$1" --list-options | awk '{ sub(/^--/, "", $1); print $1 }'
}

# man_form NAME: how --NAME is written in the man page source: \-\-NAME,
# with every hyphen escaped. Sets FORM rather than printing it: the
# callers loop over some hundreds of options, and a command substitution
# each time is a fork.
man_form() {
	FORM="\\-\\-${1//-/\\-}"
}

# complete_bash WORD...: the bash completions of the last WORD after
# "sockit WORD...", one a line, as bash would offer them.
complete_bash() {
	# shellcheck source=../completions/sockit.bash
	source "$COMPLETIONS/sockit.bash"
	COMP_WORDS=("$SOCKIT" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	unset COMP_LINE COMP_POINT
	COMPREPLY=()
	_sockit || true
	if ((${#COMPREPLY[@]} > 0)); then
		printf '%s\n' "${COMPREPLY[@]}"
	fi
}

@test "--list-commands names connect, listen and help" {
	run sockit --list-commands
	assert_success
	grep -qx connect <<<"$output"
	grep -qx listen <<<"$output"
	grep -qx help <<<"$output"
}

@test "every long option of every command is in the man page" {
	local cmd name man FORM missing=()
	man=$(<"$MAN")
	for cmd in $(commands); do
		for name in $(long_options "$cmd"); do
			man_form "$name"
			[[ $man == *"$FORM"* ]] || missing+=("$cmd --$name")
		done
	done
	if ((${#missing[@]} > 0)); then
		printf 'not in man/sockit.1: %s\n' "${missing[@]}" >&2
		return 1
	fi
}

@test "every long option of every command is in its --help" {
	local cmd name help missing=()
	for cmd in $(commands); do
		help=$("$SOCKIT" "$cmd" --help)
		for name in $(long_options "$cmd"); do
			[[ $help == *"--$name"* ]] || missing+=("$cmd --$name")
		done
	done
	if ((${#missing[@]} > 0)); then
		printf 'not in --help: %s\n' "${missing[@]}" >&2
		return 1
	fi
}

@test "every short option of every command is in the man page" {
	local cmd short man missing=()
	man=$(<"$MAN")
	for cmd in $(commands); do
		for short in $("$SOCKIT" "$cmd" --list-options |
		    awk '$2 ~ /^-.$/ { print substr($2, 2) }'); do
			[[ $man == *"\\-$short"* ]] || missing+=("$cmd -$short")
		done
	done
	if ((${#missing[@]} > 0)); then
		printf 'not in man/sockit.1: %s\n' "${missing[@]}" >&2
		return 1
	fi
}

@test "every command has a section in the man page and a mention in the README" {
	local cmd
	for cmd in $(commands); do
		grep -qx "\\.SS $cmd" "$MAN" || {
			echo "no '.SS $cmd' in man/sockit.1" >&2
			return 1
		}
		grep -qw -- "$cmd" "$README" || {
			echo "README.md does not mention $cmd" >&2
			return 1
		}
	done
}

@test "every --shutdown mode and every -o socket option is in the man page" {
	local mode name
	for mode in $("$SOCKIT" connect --list-options |
	    awk '$1 == "--shutdown" { gsub(/\|/, " ", $2); print $2 }'); do
		grep -qE "^\\.B $mode\$" "$MAN" || {
			echo "--shutdown $mode is not described" >&2
			return 1
		}
	done
	for name in $("$SOCKIT" --list-sockopts | cut -f1); do
		grep -qF -- "$name" "$MAN" || {
			echo "socket option $name is not in man/sockit.1" >&2
			return 1
		}
	done
}

@test "the man page's EXIT STATUS names every status of the contract" {
	local section code
	section=$(awk '/^\.SH /{ on = ($0 ~ /EXIT STATUS/) } on' "$MAN")
	for code in 0 1 2 124 '128\+'; do
		grep -qE "^\\.BR? $code( |\$)" <<<"$section" || {
			echo "exit status $code is not in EXIT STATUS" >&2
			return 1
		}
	done
}

@test "the man page is lint-clean for groff" {
	command -v groff >/dev/null || skip "groff is not installed"
	run groff -man -ww -z "$MAN"
	assert_success
	[ -z "$output" ]
}

@test "the man page is lint-clean for mandoc" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run mandoc -Tlint "$MAN"
	assert_success
	[ -z "$output" ]
}

@test "sockit help CMD prints exactly sockit CMD --help" {
	local cmd
	for cmd in $(commands); do
		[ "$("$SOCKIT" help "$cmd")" = "$("$SOCKIT" "$cmd" --help)" ] || {
			echo "help $cmd differs from $cmd --help" >&2
			return 1
		}
	done
}

@test "bash completion offers every command" {
	local offered cmd
	offered=$(complete_bash "")
	for cmd in $("$SOCKIT" --list-commands); do
		grep -qx -- "$cmd" <<<"$offered" || {
			echo "command $cmd not offered; got: $offered" >&2
			return 1
		}
	done
}

@test "bash completion offers every option of connect" {
	local offered name
	offered=$(complete_bash connect --)
	for name in $(long_options connect); do
		grep -qx -- "--$name" <<<"$offered" || {
			echo "--$name not offered; got: $offered" >&2
			return 1
		}
	done
}

@test "bash completion offers only options that exist" {
	local cmd word known
	local -A exists
	for cmd in $(commands); do
		exists=()
		for word in $("$SOCKIT" "$cmd" --list-options); do
			[[ $word != -* ]] || exists[$word]=1
		done
		for word in $(complete_bash "$cmd" -); do
			[ -n "${exists[$word]:-}" ] || {
				echo "$cmd: offers $word, which does not exist" >&2
				return 1
			}
		done
	done
	known=$("$SOCKIT" --help)
	for word in $(complete_bash --); do
		[[ $known == *"${word%%=*}"* ]] || {
			echo "offers global $word, which does not exist" >&2
			return 1
		}
	done
}

@test "bash completion takes --shutdown's choices and -o's names from the binary" {
	run complete_bash connect --shutdown ""
	assert_success
	[ "$(tr '\n' '|' <<<"$output")" = "$("$SOCKIT" connect --list-options |
	    awk '$1 == "--shutdown" { print $2 }')|" ]
	run complete_bash listen -o TCP_NOD
	assert_success
	[ "$output" = "TCP_NODELAY=" ]
}

@test "bash completion offers socket option names alone after --getsockopt" {
	run complete_bash listen --getsockopt SO_RCVB
	assert_success
	[ "$output" = "SO_RCVBUF" ]
}

@test "bash completion completes paths for unix endpoints" {
	mkdir "$SOCKDIR/run"
	run complete_bash connect "unix:$SOCKDIR/ru"
	assert_success
	[ "$output" = "unix:$SOCKDIR/run/" ]
	run complete_bash listen "$SOCKDIR/ru"
	assert_success
	[ "$output" = "$SOCKDIR/run/" ]
}

@test "no completion script names an option the binary does not know" {
	local known word file
	known=$({
		"$SOCKIT" --help
		echo --list-commands --list-options --list-sockopts
		for cmd in $(commands); do
			"$SOCKIT" "$cmd" --list-options
		done
	} | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
	for file in "$COMPLETIONS/sockit.bash" "$COMPLETIONS/_sockit" \
	    "$COMPLETIONS/sockit.fish"; do
		for word in $(grep -v '^[[:space:]]*#' "$file" |
		    grep -oE -- '(^|[^a-z-])--[a-z][a-z0-9-]*' |
		    grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			grep -qx -- "$word" <<<"$known" || {
				echo "${file##*/} names $word" >&2
				return 1
			}
		done
	done
}

@test "zsh completion parses" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$COMPLETIONS/_sockit"
	assert_success
}

@test "fish completion parses" {
	command -v fish >/dev/null || skip "fish is not installed"
	run fish --no-execute "$COMPLETIONS/sockit.fish"
	assert_success
}

@test "the man page's short EXAMPLES follows DESCRIPTION and names only options that exist" {
	local sections line cmd word known
	sections=$(sed -n 's/^\.SH //p' "$MAN" | head -5 | tr '\n' '|')
	[ "$sections" = "NAME|SYNOPSIS|DESCRIPTION|EXAMPLES|COMMANDS|" ] || {
		echo "sections begin $sections" >&2
		return 1
	}
	while read -r line; do
		# ".B sockit [--trace] CMD OPTIONS...", with \- for each hyphen.
		line=${line//\\-/-}
		set -- ${line#.B sockit }
		[ "$1" = --trace ] && shift
		cmd=$1
		known=$("$SOCKIT" "$cmd" --list-options) || {
			echo "EXAMPLES runs unknown command $cmd" >&2
			return 1
		}
		for word in "${@:2}"; do
			[[ $word == -* ]] || continue
			grep -qE -- "(^| )$word( |\$)" <<<"$known" || {
				echo "EXAMPLES: $cmd has no option $word" >&2
				return 1
			}
		done
	done < <(awk '/^\.SH /{ on = ($0 == ".SH EXAMPLES") } on' "$MAN" |
	    grep '^\.B sockit ')
}

@test "the demo runs and its Next line names ./sockit, which make builds" {
	run bash "$BATS_TEST_DIRNAME/../tools/demo.sh"
	assert_success
	grep -q "^Next: './sockit help'" <<<"$output"
	grep -q 'After `make` the binary is `./sockit`' "$README"
}

# make_install TARGET ROOT: make TARGET with DESTDIR=ROOT, PREFIX=/usr/local
# and the binary under test, building nothing in the tree.
make_install() {
	mkdir -p "$TMP/build"
	# An empty config.mk newer than configure.sh: make runs no configure.
	: >"$TMP/build/config.mk"
	# Nothing from a make check around this run: its flags, its jobserver.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$BATS_TEST_DIRNAME/.." -o "$SOCKIT" BIN="$SOCKIT" \
	    BUILD="$TMP/build" DESTDIR="$2" PREFIX=/usr/local "$1"
}

@test "make uninstall removes what make install put in place, empty directories too" {
	local left
	command -v make >/dev/null || skip "make is not installed"
	make_install install "$TMP/root" >/dev/null
	[ -x "$TMP/root/usr/local/bin/sockit" ]
	[ -f "$TMP/root/usr/local/share/zsh/site-functions/_sockit" ]
	[ -f "$TMP/root/usr/local/share/man/man7/sockit-lessons.7" ]
	# The installed binary reads the catalogue beside it, wherever the
	# tree was moved (here under DESTDIR), not the PREFIX it was built for.
	[ -f "$TMP/root/usr/local/share/locale/es/LC_MESSAGES/sockit.mo" ]
	run --separate-stderr "$TMP/root/usr/local/bin/sockit" --lang es connect 127.0.0.1:1
	[[ $stderr == *"conectar con 127.0.0.1:1"* ]]
	make_install uninstall "$TMP/root" >/dev/null
	left=$(find "$TMP/root" -mindepth 1 | sort)
	# PREFIX itself stays, with the directories above it.
	[ "$left" = "$TMP/root/usr
$TMP/root/usr/local" ] || {
		echo "left behind: $left" >&2
		return 1
	}

	# A directory that holds something else stays, and so does that file.
	make_install install "$TMP/root" >/dev/null
	echo other >"$TMP/root/usr/local/share/man/man1/other.1"
	make_install uninstall "$TMP/root" >/dev/null
	left=$(find "$TMP/root/usr/local" -mindepth 1 | sort)
	[ "$left" = "$TMP/root/usr/local/share
$TMP/root/usr/local/share/man
$TMP/root/usr/local/share/man/man1
$TMP/root/usr/local/share/man/man1/other.1" ] || {
		echo "left: $left" >&2
		return 1
	}
}

@test "--list-options=help is --list-options with each option's --help text" {
	local cmd spec help help_text
	for cmd in $(commands); do
		[ "$("$SOCKIT" "$cmd" --list-options=help | cut -f1)" = \
		    "$("$SOCKIT" "$cmd" --list-options)" ] || {
			echo "$cmd: --list-options=help lists other options" >&2
			return 1
		}
		# A description wrapped onto more lines reads as one.
		help_text=$("$SOCKIT" "$cmd" --help | tr -s ' \n' ' ')
		while IFS=$'\t' read -r spec help; do
			[[ -n $help && $help_text == *"$help"* ]] || {
				echo "$cmd ${spec%% *}: '$help' is not in --help" >&2
				return 1
			}
		done < <("$SOCKIT" "$cmd" --list-options=help)
	done
	run --separate-stderr "$SOCKIT" connect --list-options=nope
	[ "$status" -eq 2 ]
}

@test "--list-commands=help is --list-commands with the summaries of --help" {
	local name summary help_text
	[ "$("$SOCKIT" --list-commands=help | cut -f1)" = \
	    "$("$SOCKIT" --list-commands)" ]
	help_text=$("$SOCKIT" --help)
	while IFS=$'\t' read -r name summary; do
		[[ $help_text == *$'\n'"  $name "*" $summary"$'\n'* ]] || {
			echo "$name: '$summary' is not in sockit --help" >&2
			return 1
		}
	done < <("$SOCKIT" --list-commands=help)
}

# complete_zsh LINE...: runs tests/complete.zsh; $TMP/zsh/N holds what zsh
# listed for the Nth LINE, without carriage returns or escape sequences.
complete_zsh() {
	local file
	mkdir -p "$TMP/zsh"
	timeout -s KILL 60 zsh "$BATS_TEST_DIRNAME/complete.zsh" \
	    "$COMPLETIONS" "$TMP/zsh" "$@" </dev/null || return 1
	for file in "$TMP/zsh"/*; do
		sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$file" \
		    >"$file.txt"
	done
}

# zsh_listing FILE: reads what zsh showed into SHOWN, an associative
# array from each word left of a line's " -- " to the text after it (the
# texts of every line that has the word, a line each).
zsh_listing() {
	local - line word
	set -f
	SHOWN=()
	while IFS= read -r line; do
		[[ $line == *" -- "* ]] || continue
		for word in ${line%% -- *}; do
			SHOWN[$word]+=$'\n'"${line#* -- }"
		done
	done <"$1"
}

# zsh_shows WORD HELP: a line of the listing has WORD, then " -- HELP".
zsh_shows() {
	[[ ${SHOWN[$1]:-} == *$'\n'"$2"* ]]
}

@test "zsh completion shows the help of every option and the summary of every command" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	local -a cmds lines=("$SOCKIT ")
	local -A SHOWN
	local cmd spec help n name
	cmds=($(commands))
	for cmd in "${cmds[@]}"; do
		lines+=("$SOCKIT $cmd --")
	done
	complete_zsh "${lines[@]}"
	zsh_listing "$TMP/zsh/1.txt"
	while IFS=$'\t' read -r name help; do
		zsh_shows "$name" "$help" || {
			echo "zsh shows no summary for $name:" >&2
			cat "$TMP/zsh/1.txt" >&2
			return 1
		}
	done < <("$SOCKIT" --list-commands=help)
	n=1
	for cmd in "${cmds[@]}"; do
		n=$((n + 1))
		zsh_listing "$TMP/zsh/$n.txt"
		while IFS=$'\t' read -r spec help; do
			zsh_shows "${spec%% *}" "$help" || {
				echo "zsh shows no help for $cmd ${spec%% *}:" >&2
				cat "$TMP/zsh/$n.txt" >&2
				return 1
			}
		done < <("$SOCKIT" "$cmd" --list-options=help)
	done
}

# complete_fish LINE: what fish offers after LINE, "WORD<tab>HELP" a line.
complete_fish() {
	XDG_CONFIG_HOME=$TMP/fish XDG_DATA_HOME=$TMP/fish \
	    XDG_CACHE_HOME=$TMP/fish timeout -s KILL 30 fish --no-config -c \
	    'source $argv[1]; complete -C $argv[2]' \
	    "$COMPLETIONS/sockit.fish" "$1" </dev/null
}

@test "fish completion shows the help of every option and the summary of every command" {
	command -v fish >/dev/null || skip "fish is not installed"
	local cmd want got
	want=$("$SOCKIT" --list-commands=help | sort)
	got=$(complete_fish "$SOCKIT " | sort)
	[ "$got" = "$want" ] || {
		echo "fish offers: $got" >&2
		return 1
	}
	for cmd in $(commands); do
		want=$("$SOCKIT" "$cmd" --list-options=help |
		    sed -E 's/^(--[^ \t]*)[^\t]*/\1/' | sort)
		got=$(complete_fish "$SOCKIT $cmd --" | sort)
		[ "$got" = "$want" ] || {
			echo "fish offers for $cmd: $got" >&2
			echo "expected: $want" >&2
			return 1
		}
	done
}

@test "bash completes the optional value of --trace= and offers none after a bare --trace" {
	run complete_bash connect --trace=
	assert_success
	[ "$(sort <<<"$output")" = "--trace=bytes
--trace=full
--trace=full,bytes,time
--trace=time" ]
	run complete_bash connect --trace ""
	refute grep -q full <<<"$output"
}

@test "zsh and fish complete the optional value of --trace= from --list-options" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	command -v fish >/dev/null || skip "fish is not installed"
	local -a listing
	# The values, "full,bytes,time" among them, come from
	# "--trace -t [=full,bytes,time]".
	"$SOCKIT" connect --list-options |
	    grep -qx -- '--trace -t \[=full,bytes,time\]'
	complete_zsh "$SOCKIT connect --trace="
	mapfile -t listing <"$TMP/zsh/1.txt"
	[[ " ${listing[*]} " == *" full "* && " ${listing[*]} " == *" time "* &&
	    " ${listing[*]} " == *" bytes "* &&
	    " ${listing[*]} " == *" full,bytes,time "* ]] || {
		echo "zsh lists: ${listing[*]}" >&2
		return 1
	}
	run complete_fish "$SOCKIT connect --trace="
	assert_success
	[ "$(sort <<<"$output")" = "--trace=bytes
--trace=full
--trace=full,bytes,time
--trace=time" ]
}
