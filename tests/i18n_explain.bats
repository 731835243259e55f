#!/usr/bin/env bats
# tests/i18n_explain.bats: explain and the hints in Spanish, with the course's words for libc's errors; --json keeps the English.
load test_helper

@test "explain in Spanish: the course's words for the error, the headings and the paragraphs; a mistyped name too" {
	run --separate-stderr sockit --lang es explain ECONNREFUSED
	assert_success
	assert_output_contains "ECONNREFUSED, errno 111: Conexión rechazada"
	assert_output_contains "Quién lo devuelve"
	assert_output_contains "Qué comprobar"
	assert_output_contains "Cómo provocarlo"
	assert_output_contains "connect lo devuelve cuando el otro extremo responde al SYN"
	run --separate-stderr sockit --lang es explain ECONREFUSED
	assert_status 2
	assert_stderr_contains "sockit explain: nombre de error desconocido 'ECONREFUSED' (¿quería decir ECONNREFUSED?)"
}

@test "LANGUAGE=es: a refused connect says 'Conexión rechazada', not libc's wording, and its hint is Spanish" {
	local port
	port=$(refused_port)
	LANGUAGE=es LC_ALL=C.UTF-8 run --separate-stderr sockit connect "127.0.0.1:$port" </dev/null
	assert_status 1
	assert_stderr_contains ": connect: Conexión rechazada (ECONNREFUSED)"
	assert_stderr_contains "  nadie escucha en ese puerto, o un cortafuegos rechazó el SYN"
}

@test "explain --json stays English under --lang es, libc's text of an errno outside the table too" {
	run --separate-stderr sockit --lang es explain --json ECONNREFUSED
	assert_success
	assert_output_contains '"meaning": "Connection refused"'
	assert_output_contains '"calls": "connect returns it when the peer answers the SYN'
	run --separate-stderr sockit --lang es explain --json EPERM
	assert_success
	assert_output_contains '"meaning": "Operation not permitted"'
}
