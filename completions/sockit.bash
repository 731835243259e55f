# completions/sockit.bash: bash completion for sockit; every list comes from the binary.
#
# Commands come from `sockit --list-commands`, options and their arguments
# from `sockit CMD --list-options` (one line each: --long [-s] [ARG|a|b|c]),
# socket option names from `sockit --list-sockopts` (NAME, a tab, its help),
# --lang's languages from the "languages:" line of `sockit --version`
# and endpoint schemes from the "known:" list of an unknown scheme. Nothing
# here repeats the binary's tables, so a new option completes at once.

# The binary being completed: the word typed if it is a path, else $PATH's.
_sockit_bin() {
	local bin=${COMP_WORDS[0]:-sockit}

	bin=${bin/#\~/$HOME}
	if [[ $bin == */* && -x $bin ]]; then
		printf '%s\n' "$bin"
	else
		printf 'sockit\n'
	fi
}

# _sockit_known BIN ARGS...: the "known: a, b c" list of an error, one a line.
_sockit_known() {
	local text

	text=$("$@" 2>&1 >/dev/null)
	[[ $text == *"known: "* ]] || return 0
	text=${text#*known: }
	text=${text%%$'\n'*}
	text=${text%%)*}
	text=${text//,/}
	printf '%s\n' "${text// /$'\n'}"
}

# _sockit_schemes BIN: the endpoint schemes, written "tcp://" or "unix:".
_sockit_schemes() {
	local scheme

	while read -r scheme; do
		case $scheme in
		'') ;;
		unix*) printf '%s:\n' "$scheme" ;;
		*) printf '%s://\n' "$scheme" ;;
		esac
	# In English, whatever the locale: the list follows "known: ".
	done < <(_sockit_known "$1" --lang en connect nope://x:1)
}

# _sockit_offer WORDS: adds the newline-separated WORDS that start with $cur.
_sockit_offer() {
	local IFS=$'\n'
	local -a found

	mapfile -t found < <(compgen -W "$1" -- "$cur")
	COMPREPLY+=("${found[@]}")
}

# _sockit_paths PREFIX PARTIAL: files and directories for a unix endpoint.
_sockit_paths() {
	local prefix=$1 path
	local -a found

	mapfile -t found < <(compgen -f -- "$2")
	for path in "${found[@]}"; do
		[[ -d $path ]] && path+=/
		COMPREPLY+=("$prefix$path")
	done
}

# Readline replaces only the part of the word after the last COMP_WORDBREAKS
# character (= and : by default): cut what it keeps off every candidate.
_sockit_trim() {
	local i keep='' breaks=${COMP_WORDBREAKS-}

	[[ -n ${COMP_LINE-} ]] || return 0
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		if [[ $breaks == *"${cur:i:1}"* ]]; then
			keep=${cur:0:i+1}
			break
		fi
	done
	[[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]#"$keep"}")
	return 0
}

# _sockit_value OPTION: completes the value of OPTION, given as the previous
# word or as --opt=VALUE in $cur. Returns 1 when OPTION takes no value here.
_sockit_value() {
	local want=$1 prefix='' spec long short arg

	if [[ $cur == --*=* ]]; then
		prefix=${cur%%=*}=
		cur=${cur#*=}
	fi
	for spec in "${specs[@]}"; do
		read -r long short arg <<<"$spec"
		[[ $want == "$long" || $want == "$short" ]] || continue
		if [[ $arg =~ ^\[=([a-z,]+)\]$ ]]; then
			# An optional value such as "[=full,time]": it is only
			# ever written --opt=VALUE.
			[[ -n $prefix ]] || return 1
			arg=${BASH_REMATCH[1]}
			_sockit_offer "${arg//,/$'\n'}"$'\n'"$arg"
		elif [[ $arg == *'|'* ]]; then
			_sockit_offer "${arg//|/$'\n'}"
		elif [[ $arg == NAME=VALUE ]]; then
			_sockit_offer "$("$bin" --list-sockopts 2>/dev/null |
			    cut -f1 | sed 's/$/=/')"
			compopt -o nospace 2>/dev/null
		elif [[ $arg == OPTNAME ]]; then
			_sockit_offer "$("$bin" --list-sockopts 2>/dev/null |
			    cut -f1)"
		elif [[ -z $arg ]]; then
			return 1
		fi
		# SECS, N, ADDR[:PORT] and the like: nothing to offer.
		break
	done
	if [[ -n $prefix ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		cur=$prefix$cur
	fi
	return 0
}

_sockit() {
	local bin line cur prev cmd='' i n long short arg unix_flag=''
	local -a words specs longs shorts
	COMPREPLY=()
	bin=$(_sockit_bin)

	# Work on whole words: bash splits "--shutdown=wr" and "unix:/x" at
	# = and :, so rebuild them from the line when bash gives us one.
	if [[ -n ${COMP_LINE-} ]]; then
		line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
	else
		line="${COMP_WORDS[*]:0:COMP_CWORD+1}"
	fi
	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	n=${#words[@]}
	cur=${words[n - 1]}
	prev=''
	((n > 1)) && prev=${words[n - 2]}

	# The command is the first word that is not a global option (nor
	# the value after --bufsize or --lang).
	for ((i = 1; i < n - 1; i++)); do
		if [[ ${words[i]} == --bufsize || ${words[i]} == --lang ]]; then
			((i++))
		elif [[ ${words[i]} != -* ]]; then
			cmd=${words[i]}
			break
		fi
	done

	if [[ -z $cmd ]]; then
		if [[ $prev == --bufsize ]]; then
			:
		elif [[ $prev == --lang ]]; then
			_sockit_offer "$("$bin" --version 2>/dev/null |
			    sed -n 's/^languages: //p' | tr ' ' '\n')"
		elif [[ $cur == --lang=* ]]; then
			_sockit_offer "$("$bin" --version 2>/dev/null |
			    sed -n 's/^languages: //p' | tr ' ' '\n' |
			    sed 's/^/--lang=/')"
		elif [[ $cur == -* ]]; then
			_sockit_offer $'--trace\n--trace=full\n--trace=bytes\n--trace=time
--trace=full,time\n--trace=full,bytes\n--textbook\n--textbook=select\n--step\n--bufsize\n--lang\n--version
--help'
		else
			_sockit_offer "$("$bin" --list-commands 2>/dev/null)"
		fi
		_sockit_trim
		return 0
	fi
	if [[ $cmd == help ]]; then
		((i == n - 2)) && _sockit_offer "$("$bin" --list-commands \
		    2>/dev/null | grep -vx help)"$'\nlessons'
		return 0
	fi

	# One spec per option, "--long -s ARG", with "-" for a missing short.
	while read -r long short arg; do
		[[ $long == --* ]] || continue
		if [[ $short != -? ]]; then
			arg=$short
			short=-
		fi
		specs+=("$long $short $arg")
		longs+=("$long")
		[[ $short != - ]] && shorts+=("$short")
	done < <("$bin" "$cmd" --list-options 2>/dev/null)
	((${#specs[@]} > 0)) || return 0

	if [[ $cur == --*=* ]]; then
		_sockit_value "${cur%%=*}"
		_sockit_trim
		return 0
	fi
	if [[ $prev == -* && $prev != *=* ]] && _sockit_value "$prev"; then
		_sockit_trim
		return 0
	fi

	if [[ $cur == --* ]]; then
		_sockit_offer "$(printf '%s\n' "${longs[@]}")"
		_sockit_trim
		return 0
	fi
	if [[ $cur == -* ]]; then
		_sockit_offer "$(printf '%s\n' "${longs[@]}" "${shorts[@]}")"
		return 0
	fi

	# explain takes a code's name, not an endpoint: the table's names.
	if [[ $cmd == explain ]]; then
		_sockit_offer "$("$bin" explain --list 2>/dev/null |
		    cut -d' ' -f1)"
		return 0
	fi

	# The endpoint: paths for unix sockets, else the schemes.
	for ((i = 1; i < n - 1; i++)); do
		case ${words[i]} in
		--unix | -U | -[!-]*U*) unix_flag=1 ;;
		esac
	done
	case $cur in
	unix*:@*) ;;
	unix:* | unix-dgram:* | unix-seqpacket:*)
		_sockit_paths "${cur%%:*}:" "${cur#*:}"
		;;
	*://*) ;;
	*/* | .* | \~*)
		_sockit_paths '' "$cur"
		;;
	*)
		if [[ -n $unix_flag ]]; then
			_sockit_paths '' "$cur"
		elif [[ -n $cur ]]; then
			_sockit_offer "$(_sockit_schemes "$bin")"
		fi
		;;
	esac
	# A directory or a scheme is only the start of an endpoint.
	if [[ ${#COMPREPLY[@]} -gt 0 && ${COMPREPLY[0]} == *[/:] ]]; then
		compopt -o nospace 2>/dev/null
	fi
	_sockit_trim
	return 0
}

complete -F _sockit sockit
