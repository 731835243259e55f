#!/usr/bin/env bats
# tests/resolve.bats: resolve: getaddrinfo rows, reverse lookups, services, --self, --bytes, --json; no DNS needed.
load test_helper

# A lookup that may reach a name server gives up fast instead of waiting
# out the default timeouts when none answers.
export RES_OPTIONS="timeout:1 attempts:1"

# has_line TEXT REGEX: some line of TEXT matches REGEX (extended).
has_line() {
	if ! grep -qE -- "$2" <<<"$1"; then
		echo "no line matches /$2/ in:" >&2
		echo "$1" >&2
		return 1
	fi
}

# every_line TEXT REGEX: each line of TEXT matches REGEX.
every_line() {
	local bad
	bad=$(grep -vE -- "$2" <<<"$1") || return 0
	echo "lines that do not match /$2/:" >&2
	echo "$bad" >&2
	return 1
}

# need_service NAME/PROTO: skip unless the services database has it.
need_service() {
	getent services "$1" >/dev/null || skip "no $1 in the services database"
}

# lacks_service NAME/PROTO: skip if the services database has it.
lacks_service() {
	! getent services "$1" >/dev/null || skip "$1 is in the services database"
}

# The name /etc/hosts gives 127.0.0.1: the first name on its line.
localhost_name() {
	getent hosts 127.0.0.1 | awk '{ print $2; exit }'
}

# This machine's order of the two bytes of a 16-bit 80: "50 00" on a
# little-endian CPU, "00 50" on a big-endian one.
host_order_80() {
	python3 -c 'import sys; print("50 00" if sys.byteorder == "little" else "00 50")'
}

@test "a name becomes a table of every getaddrinfo result" {
	run --separate-stderr sockit resolve localhost
	assert_success
	[ -z "$stderr" ]
	[[ "${lines[0]}" =~ ^FAMILY\ +SOCKTYPE\ +PROTOCOL\ +ADDRESS\ +PORT$ ]]
	has_line "$output" '^AF_INET +SOCK_STREAM +IPPROTO_TCP +127\.0\.0\.1 +0$'
	has_line "$output" '^AF_INET +SOCK_DGRAM +IPPROTO_UDP +127\.0\.0\.1 +0$'
	every_line "${output#*$'\n'}" '^AF_INET6? +SOCK_[A-Z]+ +[A-Z0-9_]+ +[0-9a-f.:]+ +0$'
}

@test "the columns line up under the header" {
	run --separate-stderr sockit resolve localhost
	assert_success
	local col line
	col=$(awk 'NR == 1 { print index($0, "ADDRESS") }' <<<"$output")
	[ "$col" -gt 1 ]
	while IFS= read -r line; do
		[ "${line:col-2:1}" = " " ]
		[ "${line:col-1:1}" != " " ]
	done <<<"$output"
}

@test "a SERVICE fills the port of the socket types that have it" {
	need_service domain/tcp
	need_service domain/udp
	run --separate-stderr sockit resolve -4 localhost domain
	assert_success
	has_line "$output" '^AF_INET +SOCK_STREAM +IPPROTO_TCP +127\.0\.0\.1 +53$'
	has_line "$output" '^AF_INET +SOCK_DGRAM +IPPROTO_UDP +127\.0\.0\.1 +53$'
	run --separate-stderr sockit resolve -4 localhost 8080
	assert_success
	has_line "$output" ' 127\.0\.0\.1 +8080$'
}

@test "a service that exists only for tcp gives only SOCK_STREAM rows" {
	need_service http/tcp
	lacks_service http/udp
	run --separate-stderr sockit resolve -4 localhost http
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	has_line "$output" '^AF_INET +SOCK_STREAM +IPPROTO_TCP +127\.0\.0\.1 +80$'
}

@test "-4 narrows the hints to AF_INET" {
	run --separate-stderr sockit resolve -t -4 localhost
	assert_success
	every_line "${output#*$'\n'}" '^AF_INET '
	has_line "$stderr" '^getaddrinfo\("localhost", NULL, \{AF_INET, 0\}\) = \['
}

@test "-6 narrows an address to AF_INET6" {
	run --separate-stderr sockit resolve -t -6 --numeric --json ::1
	assert_success
	[ "$(jq -r .family <<<"$output")" = AF_INET6 ]
	has_line "$stderr" '^getaddrinfo\("::1", NULL, \{AF_INET6, 0, AI_NUMERICHOST\|AI_NUMERICSERV\}\)'
}

@test "-u asks for datagram sockets only, --tcp for stream sockets only" {
	run --separate-stderr sockit resolve -t -u localhost
	assert_success
	every_line "${output#*$'\n'}" ' SOCK_DGRAM +IPPROTO_UDP '
	has_line "$stderr" '^getaddrinfo\("localhost", NULL, \{AF_UNSPEC, SOCK_DGRAM\}\)'
	run --separate-stderr sockit resolve --tcp localhost
	assert_success
	every_line "${output#*$'\n'}" ' SOCK_STREAM +IPPROTO_TCP '
}

@test "--canon prints the canonical name (AI_CANONNAME)" {
	run --separate-stderr sockit resolve -t --canon localhost
	assert_success
	[ "${lines[0]}" = "canonical name: localhost" ]
	[[ "${lines[1]}" =~ ^FAMILY ]]
	has_line "$stderr" '^getaddrinfo\("localhost", NULL, \{AF_UNSPEC, 0, AI_CANONNAME\}\)'
}

@test "an address is looked up in reverse" {
	local name
	name=$(localhost_name)
	[ -n "$name" ]
	run --separate-stderr sockit resolve 127.0.0.1
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^ADDRESS\ +NAME$ ]]
	[[ "${lines[1]}" =~ ^127\.0\.0\.1\ +$name$ ]]
}

@test "an address with a SERVICE gets the service name too" {
	need_service http/tcp
	run --separate-stderr sockit resolve 127.0.0.1 80
	assert_success
	[[ "${lines[0]}" =~ ^ADDRESS\ +PORT\ +NAME\ +SERVICE$ ]]
	[[ "${lines[1]}" =~ ^127\.0\.0\.1\ +80\ +$(localhost_name)\ +http$ ]]
}

@test "-u names the port from the udp entries (NI_DGRAM)" {
	need_service domain/udp
	need_service http/tcp
	lacks_service http/udp
	run --separate-stderr sockit resolve -u 127.0.0.1 53
	assert_success
	[[ "${lines[1]}" =~ \ domain$ ]]
	# http is a tcp service only: over udp port 80 has no name.
	run --separate-stderr sockit resolve -u 127.0.0.1 80
	assert_success
	[[ "${lines[1]}" =~ \ 80\ +[^\ ]+\ +80$ ]]
}

@test "an address without a name says so and fails" {
	grep -qw 192.0.2.1 /etc/hosts && skip "192.0.2.1 is in /etc/hosts"
	run --separate-stderr sockit resolve 192.0.2.1
	assert_status 1
	[ -z "$output" ]
	[[ "$stderr" =~ ^sockit:\ reverse\ lookup\ of\ 192\.0\.2\.1:\ .*\((EAI_NONAME|EAI_AGAIN)\) ]]
}

@test "a name that cannot resolve is EAI_NONAME with a hint, status 1" {
	run --separate-stderr sockit resolve no-such-host.invalid
	assert_status 1
	[ -z "$output" ]
	[[ "${stderr_lines[0]}" =~ ^sockit:\ resolve\ no-such-host\.invalid:\ .+\ \((EAI_NONAME|EAI_AGAIN)\)$ ]]
	[[ "${stderr_lines[1]}" =~ ^\ \ [a-z] ]]
}

@test "an unknown SERVICE is EAI_SERVICE, status 1" {
	lacks_service no-such-service/tcp
	run --separate-stderr sockit resolve localhost no-such-service
	assert_status 1
	assert_stderr_contains "(EAI_SERVICE)"
	assert_stderr_contains "/etc/services"
}

@test "-r looks up the name of each address found, once per address" {
	run --separate-stderr sockit resolve -t -r -4 localhost
	assert_success
	[[ "${lines[0]}" =~ \ NAME$ ]]
	every_line "${output#*$'\n'}" " $(localhost_name)\$"
	# Three rows (stream, datagram, raw) share one address: one lookup.
	[ "${#lines[@]}" -eq 4 ]
	[ "$(grep -c '^getnameinfo(' <<<"$stderr")" -eq 1 ]
	has_line "$stderr" '^getnameinfo\(\{AF_INET, 127\.0\.0\.1:0\}, NI_NAMEREQD\) = 0 \{host="'
}

@test "--numeric prints the address and port as numbers, asking nobody" {
	run --separate-stderr sockit resolve -t --numeric 127.0.0.1 80
	assert_success
	[[ "${lines[1]}" =~ ^127\.0\.0\.1\ +80\ +127\.0\.0\.1\ +80$ ]]
	has_line "$stderr" 'AI_NUMERICHOST\|AI_NUMERICSERV\}'
	run --separate-stderr sockit resolve --numeric ::0:1
	assert_success
	[[ "${lines[1]}" =~ ^::1\ +::1$ ]]
}

@test "--numeric with a name or a service name is a usage error" {
	run --separate-stderr sockit resolve --numeric localhost
	assert_status 2
	assert_stderr_contains "'localhost' is not an address"
	run --separate-stderr sockit resolve --numeric 127.0.0.1 http
	assert_status 2
	assert_stderr_contains "'http' is not a port number"
}

@test "--service NAME asks getservbyname for tcp and udp" {
	need_service domain/tcp
	need_service domain/udp
	run --separate-stderr sockit resolve -t --service domain
	assert_success
	[[ "${lines[0]}" =~ ^SERVICE\ +PORT\ +PROTOCOL\ +ALIASES$ ]]
	[[ "${lines[1]}" =~ ^domain\ +53\ +tcp ]]
	[[ "${lines[2]}" =~ ^domain\ +53\ +udp ]]
	has_line "$stderr" '^getservbyname\("domain", "tcp"\) = \{s_name="domain", s_port=htons\(53\), s_proto="tcp"\}$'
	has_line "$stderr" '^getservbyname\("domain", "udp"\) = \{s_name="domain", s_port=htons\(53\), s_proto="udp"\}$'
	run --separate-stderr sockit resolve -u --service domain
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" =~ ^domain\ +53\ +udp ]]
	run --separate-stderr sockit resolve --tcp --service domain
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" =~ ^domain\ +53\ +tcp ]]
}

@test "--service PORT and PORT/PROTO ask getservbyport" {
	need_service http/tcp
	run --separate-stderr sockit resolve -t --service 80
	assert_success
	[[ "${lines[1]}" =~ ^http\ +80\ +tcp ]]
	has_line "$stderr" '^getservbyport\(htons\(80\), "tcp"\) = \{s_name="http"'
	run --separate-stderr sockit resolve 80/tcp
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" =~ ^http\ +80\ +tcp ]]
	need_service domain/udp
	run --separate-stderr sockit resolve domain/udp
	assert_success
	[[ "${lines[1]}" =~ ^domain\ +53\ +udp$ ]]
}

@test "an unknown service is an error naming it, status 1" {
	lacks_service no-such-service/tcp
	lacks_service no-such-service/udp
	run --separate-stderr sockit resolve --service no-such-service
	assert_status 1
	[ -z "$output" ]
	assert_stderr_contains "service 'no-such-service' for tcp or udp is not in the services database"
	lacks_service 65001/tcp
	run --separate-stderr sockit resolve 65001/tcp
	assert_status 1
	assert_stderr_contains "port '65001' for tcp is not in the services database"
}

@test "--self prints the host name and its FQDN" {
	run --separate-stderr sockit resolve -t --self
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	[ "${lines[0]}" = "hostname  $(uname -n)" ]
	has_line "$stderr" "^gethostname\\(\\) = 0 \"$(uname -n)\"\$"
	has_line "$stderr" "^getaddrinfo\\(\"$(uname -n)\", NULL, \\{AF_UNSPEC, 0, AI_CANONNAME\\}\\) = "
	if [ "$status" -eq 0 ]; then
		[[ "${lines[1]}" =~ ^fqdn\ \ \ \ \ \ [^\ ]+$ ]]
	else
		assert_stderr_contains "resolve the host name $(uname -n)"
	fi
}

@test "--bytes shows 127.0.0.1 and port 80 in network byte order" {
	run --separate-stderr sockit resolve --bytes --numeric 127.0.0.1 80
	assert_success
	assert_output_contains "127.0.0.1 -> 7f 00 00 01  (sin_addr, network order; ntohl: 0x7f000001)"
	assert_output_contains "port 80 -> 00 50  (sin_port = htons(80); this host stores 80 as $(host_order_80))"
}

@test "--bytes shows ::1 as sixteen bytes" {
	run --separate-stderr sockit resolve --bytes --numeric ::1
	assert_success
	assert_output_contains "::1 -> 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01  (sin6_addr, network order)"
	# Without a SERVICE there is no port worth showing.
	[[ "$output" != *"port "* ]]
}

@test "--bytes after a forward lookup shows each address and port once" {
	need_service domain/tcp
	run --separate-stderr sockit resolve --bytes -4 localhost domain
	assert_success
	[ "$(grep -c '^127\.0\.0\.1 -> 7f 00 00 01 ' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^port 53 -> 00 35 ' <<<"$output")" -eq 1 ]
}

@test "--bytes with --service shows s_port as htons made it" {
	need_service http/tcp
	run --separate-stderr sockit resolve --bytes --service http
	assert_success
	assert_output_contains "port 80 -> 00 50  (s_port = htons(80);"
}

@test "--bytes --trace shows inet_pton filling in the bytes" {
	run --separate-stderr sockit --trace resolve --bytes 127.0.0.1
	assert_success
	has_line "$stderr" '^inet_pton\(AF_INET, "127\.0\.0\.1", \[7f 00 00 01\]\) = 1$'
	has_line "$stderr" '^getaddrinfo\("127\.0\.0\.1", NULL, \{AF_INET, 0, AI_NUMERICHOST\}\) = \[127\.0\.0\.1:0'
	has_line "$stderr" '^getnameinfo\(\{AF_INET, 127\.0\.0\.1:0\}, NI_NAMEREQD\) = 0 \{host="'
}

@test "--json prints one object per getaddrinfo result" {
	run --separate-stderr sockit resolve localhost
	assert_success
	local rows=$((${#lines[@]} - 1))
	run --separate-stderr sockit resolve --json localhost
	assert_success
	[ "$(jq -s length <<<"$output")" -eq "$rows" ]
	[ "$(jq -c 'select(.socktype == "SOCK_STREAM" and .family == "AF_INET")
	    | [.protocol, .address, .port]' <<<"$output")" = '["IPPROTO_TCP","127.0.0.1",0]' ]
	[ "$(jq -r 'has("canonname") or has("name")' <<<"$output" | sort -u)" = false ]
}

@test "--json carries canonname, name and the bytes when asked" {
	need_service http/tcp
	run --separate-stderr sockit resolve --json --canon -r --bytes -4 localhost http
	assert_success
	[ "$(jq -c '[.canonname, .name, .port, .address_bytes, .port_bytes]' <<<"$output")" = \
	    "[\"localhost\",\"$(localhost_name)\",80,\"7f 00 00 01\",\"00 50\"]" ]
}

@test "--json for a reverse lookup, a service and --self [long]" {
	need_service http/tcp
	run --separate-stderr sockit resolve --json 127.0.0.1 80
	assert_success
	[ "$(jq -c '[.family, .address, .port, .name, .service]' <<<"$output")" = \
	    "[\"AF_INET\",\"127.0.0.1\",80,\"$(localhost_name)\",\"http\"]" ]
	run --separate-stderr sockit resolve --json --bytes --service 80/tcp
	assert_success
	[ "$(jq -c '[.service, .port, .protocol, (.aliases | type), .port_bytes]' <<<"$output")" = \
	    '["http",80,"tcp","array","00 50"]' ]
	run --separate-stderr sockit resolve --json --self
	[ "$(jq -r .hostname <<<"$output")" = "$(uname -n)" ]
}

@test "--json errors are JSON objects on stderr [long]" {
	run --separate-stderr sockit resolve --json no-such-host.invalid
	assert_status 1
	[ -z "$output" ]
	[ "$(jq -r .event <<<"$stderr")" = error ]
	[[ "$(jq -r .error <<<"$stderr")" =~ ^(EAI_NONAME|EAI_AGAIN)$ ]]
	[ "$(jq -r .operation <<<"$stderr")" = "resolve no-such-host.invalid" ]
	[ -n "$(jq -r .hint <<<"$stderr")" ]
	run --separate-stderr sockit resolve --json --service no-such-service
	assert_status 1
	[ "$(jq -r .event <<<"$stderr")" = error ]
}

@test "usage errors are JSON objects under --json, as for every command" {
	run --separate-stderr sockit resolve --json --numeric localhost
	assert_status 2
	[ -z "$output" ]
	[ "$(jq -r .operation <<<"$stderr")" = usage ]
	[[ "$(jq -r .message <<<"$stderr")" == *--numeric* ]]
}

@test "an IPv6 literal may come in brackets, as in an endpoint" {
	run --separate-stderr sockit resolve --numeric '[::1]' 80
	assert_success
	grep -qE '^::1 +80 ' <<<"$output"
}

@test "--trace narrates each resolver call with C constant names [long]" {
	need_service http/tcp
	run --separate-stderr sockit resolve -t -r -4 localhost http
	assert_success
	every_line "$stderr" '^(inet_pton|getaddrinfo|getnameinfo|inet_ntop)\('
	has_line "$stderr" '^inet_pton\(AF_INET, "localhost", \[\]\) = 0$'
	has_line "$stderr" '^getaddrinfo\("localhost", "http", \{AF_INET, 0\}\) = \[127\.0\.0\.1:80\]$'
	has_line "$stderr" '^getnameinfo\(\{AF_INET, 127\.0\.0\.1:80\}, NI_NAMEREQD\) = 0 \{host="'
	run --separate-stderr sockit --trace resolve --self
	every_line "$stderr" '^(gethostname|getaddrinfo)\(|^sockit: |^  '
	run --separate-stderr sockit --trace resolve --service 80/tcp
	every_line "$stderr" '^getservbyport\(htons\(80\), "tcp"\) = '
}

@test "--trace=time puts the time of day before each line" {
	run --separate-stderr sockit resolve --trace=time --numeric 127.0.0.1
	assert_success
	every_line "$stderr" '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} (inet_pton|getaddrinfo|getnameinfo|inet_ntop)\('
}

@test "usage errors exit 2, name the bad part and print nothing on stdout" {
	local -a cases=(
		"--self localhost|--self takes no NAME"
		"--service http localhost|--service takes no NAME"
		"--self --service http|two different questions"
		"localhost http extra|unexpected argument 'extra'"
		"80/tcp extra|unexpected argument 'extra'"
		"|missing NAME"
		"-4 -6 localhost|-4 and -6 contradict"
		"-u --tcp localhost|-u and --tcp contradict"
		"-6 127.0.0.1|-6 contradicts the IPv4 address"
		"-4 ::1|-4 contradicts the IPv6 address"
		"--canon 127.0.0.1|'127.0.0.1' is an address"
		"--service 70000|70000 is outside 0-65535"
		"--service /tcp|bad service '/tcp'"
		"--service http/|bad service 'http/'"
		"-u --service http/tcp|-u contradicts 'http/tcp'"
		"--self -r|-r does not apply to --self"
		"--self --bytes|--bytes does not apply to --self"
		"-4 --service http|-4 does not apply to --service"
		"--canon 80/tcp|--canon does not apply to 80/tcp"
		"--trace=loud localhost|bad value 'loud' for --trace"
		"--service|--service needs a value"
		"--frobnicate localhost|unknown option '--frobnicate'"
	)
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086
		run --separate-stderr sockit resolve $args
		[ "$status" -eq 2 ] || {
			echo "resolve $args: status $status, want 2" >&2
			return 1
		}
		[ -z "$output" ] || {
			echo "resolve $args: stdout: $output" >&2
			return 1
		}
		assert_stderr_contains "$want"
	done
}

@test "an empty NAME or SERVICE is a usage error" {
	run --separate-stderr sockit resolve ""
	assert_status 2
	assert_stderr_contains "empty NAME"
	run --separate-stderr sockit resolve localhost ""
	assert_status 2
	assert_stderr_contains "empty SERVICE"
}

@test "help resolve names every option and the examples" {
	run sockit help resolve
	assert_success
	assert_output_contains "usage: sockit resolve [OPTIONS] NAME [SERVICE]"
	local name
	for name in $("$SOCKIT" resolve --list-options | awk '{ print $1 }'); do
		assert_output_contains "$name"
	done
	assert_output_contains "Examples:"
}

@test "a SERVICE that is a number must be a port: 99999 and +80 are usage errors, not wrapped" {
	run --separate-stderr sockit resolve localhost 99999
	assert_status 2
	assert_stderr_contains "port 99999 is outside 0-65535"
	[ -z "$output" ]
	run --separate-stderr sockit resolve --bytes 127.0.0.1 65536
	assert_status 2
	assert_stderr_contains "port 65536 is outside 0-65535"
	run --separate-stderr sockit resolve localhost +80
	assert_status 2
	assert_stderr_contains "bad port or service name '+80'"
	run --separate-stderr sockit resolve -4 --numeric 127.0.0.1 65535
	assert_success
}
