#!/usr/bin/env bats
# tests/i18n_cli.bats: the command line in Spanish: help, usage errors and --lang, with --json and the option names left in English.
load test_helper

# option_labels: the option column of the --help text in $output, in order.
option_labels() {
	grep -oE -- '^  (-[a-zA-Z0-9], |    )--[a-z][a-z0-9-]*' <<<"$output"
}

@test "--lang es: listen --help is Spanish, with the same options in the same order and no line wider than the English" {
	local english labels line widest=0
	local LC_ALL=C.UTF-8
	run --separate-stderr sockit listen --help
	assert_success
	english=$output
	labels=$(option_labels)
	while IFS= read -r line; do
		((${#line} > widest)) && widest=${#line}
	done <<<"$english"
	run --separate-stderr sockit --lang es listen --help
	assert_success
	assert_output_contains "uso: sockit listen [OPTIONS] [ENDPOINT]"
	assert_output_contains $'\nOpciones de servidor:\n'
	assert_output_contains "aceptar al siguiente cliente cuando termine uno"
	[ "$(option_labels)" = "$labels" ]
	while IFS= read -r line; do
		((${#line} <= widest)) || {
			echo "wider than the English ($widest): $line" >&2
			return 1
		}
	done <<<"$output"
}

@test "every command's --help fits 80 columns in English and in Spanish, a wrapped description under its own column" {
	local LC_ALL=C.UTF-8 cmd lang line
	for cmd in $(sockit --list-commands); do
		[ "$cmd" != help ] || continue
		for lang in en es; do
			run --separate-stderr sockit --lang "$lang" "$cmd" --help
			assert_success
			# ${#line} counts characters in a UTF-8 locale, not bytes.
			while IFS= read -r line; do
				((${#line} <= 80)) || {
					echo "$lang $cmd: ${#line}: $line" >&2
					return 1
				}
			done <<<"$output"
		done
	done
	run --separate-stderr sockit connect --help
	assert_output_contains $'  -z, --zero                     port check (with --tls, a handshake); PORT:\n                                 22,80,90-99\n'
}

@test "LANGUAGE=es LC_ALL=C.UTF-8: a usage error is Spanish with status 2, and --json keeps it English" {
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit listen --fork 0
	assert_status 2
	[ "${stderr_lines[0]}" = "sockit listen: --fork necesita -e, -c o --serve: cada proceso hijo atiende a un cliente, y stdio no se puede compartir" ]
	[ "${stderr_lines[1]}" = "consulte 'sockit listen --help'" ]
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit listen --json \
	    --fork 0
	assert_status 2
	assert_stderr_contains '"message": "--fork needs -e, -c or --serve: each child serves one peer, and stdio cannot be shared"'
}

@test "--lang fr is a usage error that names fr and the languages there are; --lang en speaks English in a Spanish locale" {
	local languages
	languages=$(sockit --version | sed -n 's/^languages: en //p')
	[ -n "$languages" ]
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit --lang fr listen
	assert_status 2
	[ "${stderr_lines[0]}" = "sockit: valor incorrecto 'fr' para --lang: en, o una de las traducciones: $languages" ]
	[ "${stderr_lines[1]}" = "consulte 'sockit --help'" ]
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit --lang en \
	    listen --fork 0
	assert_status 2
	assert_stderr_contains "sockit listen: --fork needs -e, -c or --serve"
}
