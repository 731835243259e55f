#!/usr/bin/env bats
# tests/i18n.bats: the Spanish catalogue is complete, the locale is followed
# through LC_MESSAGES alone (never LC_NUMERIC), and --lang works with none.
load test_helper

# es_ES.UTF-8: the installed one, or one localedef builds under LOCPATH from
# the locales package's sources; neither: the tests that need it skip.
setup_file() {
	ES_LOCPATH=
	if locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8'; then
		ES_LOCALE=ready
	elif command -v localedef >/dev/null &&
	    [ -e /usr/share/i18n/locales/es_ES ]; then
		ES_LOCPATH=$BATS_FILE_TMPDIR/locales
		mkdir -p "$ES_LOCPATH"
		if localedef -i es_ES -f UTF-8 "$ES_LOCPATH/es_ES.UTF-8" \
		    >/dev/null 2>&1; then
			ES_LOCALE=ready
		else
			ES_LOCALE="localedef could not build es_ES.UTF-8"
		fi
	else
		ES_LOCALE="no es_ES.UTF-8 locale, and no locales package to build one"
	fi
	export ES_LOCALE ES_LOCPATH
}

# es CMD...: CMD under LANG=es_ES.UTF-8 (and LOCPATH when built here),
# with nothing else of the locale set.
es() {
	env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LC_NUMERIC -u LC_CTYPE \
	    ${ES_LOCPATH:+LOCPATH=$ES_LOCPATH} LANG=es_ES.UTF-8 "$@"
}

@test "every message of the code has a Spanish entry, none fuzzy" {
	run sh "$BATS_TEST_DIRNAME/../tools/po-check.sh"
	assert_success
	assert_output_contains "po/es.po: "
	refute grep -q 'untranslated\|fuzzy' <<<"$output"
}

# in_spanish RUNNER...: connect's, send's and listen's errors, and
# connect --help, in Spanish when each runs as RUNNER... sockit ARGS.
in_spanish() {
	local port
	port=$(refused_port)
	run --separate-stderr "$@" connect "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains "sockit: conectar con 127.0.0.1:$port: connect: Conexión rechazada (ECONNREFUSED)"
	assert_stderr_contains "  nadie escucha en ese puerto, o un cortafuegos rechazó el SYN"
	run --separate-stderr "$@" send -u 127.0.0.1:1 -E 'a\q'
	assert_status 2
	assert_stderr_contains "sockit send: secuencia de escape incorrecta '\q' en DATA"
	assert_stderr_contains "consulte 'sockit send --help'"
	run --separate-stderr "$@" listen --mode 999 unix:/nonexistent/x
	assert_status 2
	assert_stderr_contains "valor incorrecto '999' para --mode"
	run --separate-stderr "$@" connect --help
	assert_success
	[[ $output == "uso: sockit connect [OPTIONS] ENDPOINT"* ]]
	assert_output_contains "--tls"
}

@test "LANGUAGE=es with LC_ALL=C.UTF-8: three commands' errors and --help in Spanish" {
	in_spanish env LANGUAGE=es LC_ALL=C.UTF-8 "$SOCKIT"
}

@test "LANG=es_ES.UTF-8: three commands' errors and --help in Spanish" {
	[ "$ES_LOCALE" = ready ] || skip "$ES_LOCALE"
	in_spanish es "$SOCKIT"
}

@test "--lang es: three commands' errors and --help in Spanish" {
	in_spanish env -u LANGUAGE LC_ALL=C.UTF-8 "$SOCKIT" --lang es
}

@test "a Spanish locale leaves -w 0.5 and --json's numbers alone" {
	[ "$ES_LOCALE" = ready ] || skip "$ES_LOCALE"
	# Under LC_ALL=es_ES.UTF-8 printf itself writes the decimal comma.
	[ "$(es env LC_ALL=es_ES.UTF-8 printf '%.1f' 0.5)" = "0,5" ]
	run --separate-stderr es env LC_ALL=es_ES.UTF-8 "$SOCKIT" recv -u -w 0.5 127.0.0.1:0
	assert_status 124
	assert_stderr_contains "0.5 s"
	run --separate-stderr es env LC_ALL=es_ES.UTF-8 "$SOCKIT" recv --json -u -w 0.5 127.0.0.1:0
	assert_status 124
	[[ $stderr == *'"seconds": 0.'* ]] || [[ $stderr == *'0.5'* ]]
	refute grep -q '0,5' <<<"$stderr"
}

@test "--lang es on a machine set up with no locale at all (LC_ALL=C)" {
	run --separate-stderr env -u LANGUAGE LC_ALL=C "$SOCKIT" --lang es send -u 127.0.0.1:1 -E 'a\q'
	assert_status 2
	refute grep -q "^see 'sockit" <<<"$stderr"
	# The same with --lang en, and with nothing: English.
	run --separate-stderr env LANGUAGE=es LC_ALL=C.UTF-8 "$SOCKIT" --lang en send -u 127.0.0.1:1 -E 'a\q'
	assert_status 2
	assert_stderr_contains "see 'sockit send --help'"
	run --separate-stderr sockit --lang fr connect 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "--lang: en, or one of the translations: es"
	run --separate-stderr sockit connect --lang es 127.0.0.1:1
	assert_status 2
	assert_stderr_contains "--lang is a global option: put it before the command"
}

@test "global options in any order: --lang after --version or --help counts as before it" {
	local order
	for order in "--version --lang fr" "--lang fr --version" \
	    "--help --lang fr" "--lang en --lang fr --help"; do
		run --separate-stderr sockit $order
		assert_status 2
		[ -z "$output" ]
		assert_stderr_contains "bad value 'fr' for --lang"
	done
	run --separate-stderr env -u LANGUAGE LC_ALL=C.UTF-8 "$SOCKIT" --help --lang es
	assert_success
	[[ $output == "uso: sockit "* ]]
	run --separate-stderr env -u LANGUAGE LC_ALL=C.UTF-8 "$SOCKIT" --lang es --lang en --help
	assert_success
	[[ $output == "usage: sockit "* ]]
}

@test "a language without a catalogue is English throughout, libc's error text too" {
	local port
	port=$(refused_port)
	run --separate-stderr env LANGUAGE=fr LC_ALL=C.UTF-8 "$SOCKIT" connect "127.0.0.1:$port"
	assert_status 1
	assert_stderr_contains ": connect: Connection refused (ECONNREFUSED)"
}
