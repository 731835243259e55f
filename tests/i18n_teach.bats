#!/usr/bin/env bats
# tests/i18n_teach.bats: the teaching commands in Spanish: resolve's words follow the language, trace lines and --json never do.
load test_helper

# trace_lines: the lines of $stderr in the strace shape, "call(...) = ...".
trace_lines() {
	grep -E '^[a-z_0-9]+\(' <<<"$stderr"
}

@test "--trace lines read the same under --lang es and LANGUAGE=es as in English, errno and EAI_ texts too" {
	local port en_all en demo
	port=$(refused_port)
	run --separate-stderr sockit --trace connect "127.0.0.1:$port" </dev/null
	assert_status 1
	en_all=$stderr
	en=$(trace_lines)
	[[ $en == *"= -1 ECONNREFUSED (Connection refused)"* ]]
	run --separate-stderr sockit --lang es --trace connect \
	    "127.0.0.1:$port" </dev/null
	assert_status 1
	# The message is Spanish, so the trace had its chance to be too.
	[ "$stderr" != "$en_all" ]
	[ "$(trace_lines)" = "$en" ]
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit --trace \
	    connect "127.0.0.1:$port" </dev/null
	assert_status 1
	[ "$(trace_lines)" = "$en" ]
	run --separate-stderr sockit --lang es explain --demo EAI_NONAME
	assert_success
	demo=$(trace_lines)
	[[ $demo == *"= EAI_NONAME (Name or service not known)" ]]
}

@test "resolve's errors are Spanish under --lang es and LANGUAGE=es, English under --json" {
	run --separate-stderr sockit --lang es resolve --canon 127.0.0.1
	assert_status 2
	assert_stderr_contains "--canon pide el nombre canónico de un NAME; '127.0.0.1' es una dirección, que se resuelve a la inversa"
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit resolve \
	    --service no-such-service
	assert_status 1
	assert_stderr_contains "sockit: el servicio 'no-such-service' para tcp o udp no está en la base de datos de servicios (/etc/services)"
	run --separate-stderr sockit --lang es resolve --json \
	    --service no-such-service
	assert_status 1
	assert_stderr_contains "\"message\": \"service 'no-such-service' for tcp or udp is not in the services database (/etc/services)\""
}

@test "resolve's table under --lang es: Spanish headings, lined up by characters, the values as they are" {
	run --separate-stderr sockit --lang es resolve --numeric 127.0.0.1 80
	assert_success
	[ "${lines[0]}" = "DIRECCIÓN  PUERTO  NOMBRE     SERVICIO" ]
	[ "${lines[1]}" = "127.0.0.1  80      127.0.0.1  80" ]
}
