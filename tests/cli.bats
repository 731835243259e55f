#!/usr/bin/env bats
# tests/cli.bats: the command line itself: help, version, usage errors and their exit status.
load test_helper

@test "--help lists every command and exits 0" {
	run --separate-stderr sockit --help
	assert_success
	assert_output_contains "connect"
	assert_output_contains "listen"
	assert_output_contains "Exit status"
}

@test "--version names the version and the compiled-in features" {
	run sockit --version
	assert_success
	[[ "${lines[0]}" =~ ^sockit\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	assert_output_contains "readline="
}

@test "help COMMAND prints the same text as COMMAND --help" {
	run sockit help connect
	assert_success
	local via_help=$output
	run sockit connect --help
	assert_success
	[ "$output" = "$via_help" ]
	assert_output_contains "usage: sockit connect"
	assert_output_contains "Examples:"
}

@test "no command is a usage error on stderr" {
	run --separate-stderr sockit
	assert_status 2
	[ -z "$output" ]
	assert_stderr_contains "usage: sockit"
}

@test "an unknown command suggests the nearest one" {
	run --separate-stderr sockit lisen 80
	assert_status 2
	assert_stderr_contains "unknown command 'lisen'"
	assert_stderr_contains "did you mean 'listen'?"
}

@test "a command is never chosen by prefix" {
	run --separate-stderr sockit conn localhost:1
	assert_status 2
	assert_stderr_contains "unknown command 'conn'"
}

@test "an unknown option suggests the nearest one" {
	run --separate-stderr sockit connect --timout 3 localhost:1
	assert_status 2
	assert_stderr_contains "unknown option '--timout'"
	assert_stderr_contains "did you mean '--timeout'?"
}

@test "an unknown short option is a usage error naming it" {
	run --separate-stderr sockit listen -Z 80
	assert_status 2
	assert_stderr_contains "'-Z'"
}

@test "a missing ENDPOINT is a usage error" {
	run --separate-stderr sockit connect
	assert_status 2
	assert_stderr_contains "missing ENDPOINT"
}

@test "an option without its value is a usage error" {
	run --separate-stderr sockit connect localhost:1 -w
	assert_status 2
	assert_stderr_contains "-w needs a value"
}

@test "bad seconds are a usage error naming the option" {
	run --separate-stderr sockit connect -w soon localhost:1
	assert_status 2
	assert_stderr_contains "'soon'"
	assert_stderr_contains "-w"
	run --separate-stderr sockit connect --idle-timeout=-1 localhost:1
	assert_status 2
}

@test "--shutdown lists its modes when given a bad one" {
	run --separate-stderr sockit connect --shutdown half localhost:1
	assert_status 2
	assert_stderr_contains "wr|rd|rdwr|none|close"
}

@test "--backlog out of range is a usage error" {
	run --separate-stderr sockit listen --backlog 0 :0
	assert_status 2
	assert_stderr_contains "--backlog"
}

@test "an unknown socket option lists the known ones" {
	run --separate-stderr sockit connect -o SO_FOO=1 localhost:1
	assert_status 2
	assert_stderr_contains "unknown socket option 'SO_FOO'"
	assert_stderr_contains "TCP_NODELAY"
	assert_stderr_contains "SO_RCVBUF"
}

@test "a bad socket option value names the option" {
	run --separate-stderr sockit connect -o TCP_NODELAY=maybe localhost:1
	assert_status 2
	assert_stderr_contains "TCP_NODELAY takes 0 or 1"
	run --separate-stderr sockit connect -o TCP_NODELAY localhost:1
	assert_status 2
	assert_stderr_contains "needs =VALUE"
}

@test "a port outside 0-65535 is a usage error naming the port" {
	run --separate-stderr sockit connect localhost:70000
	assert_status 2
	assert_stderr_contains "70000 is outside 0-65535"
}

@test "an unbalanced bracket is a usage error" {
	run --separate-stderr sockit connect '[::1:80'
	assert_status 2
	assert_stderr_contains "unbalanced '['"
}

@test "an empty host is a usage error" {
	run --separate-stderr sockit connect '[]:80'
	assert_status 2
	assert_stderr_contains "empty host"
}

@test "an IPv6 address with a port needs brackets" {
	run --separate-stderr sockit connect '::1:80'
	assert_status 2
	assert_stderr_contains "[::1:80]:PORT"
}

@test "an unknown scheme is a usage error listing the known ones" {
	run --separate-stderr sockit connect 'sctp://localhost:80'
	assert_status 2
	assert_stderr_contains "unknown scheme 'sctp://'"
	assert_stderr_contains "unix-seqpacket"
}

@test "a unix path longer than sun_path says the limit" {
	local long
	long=/tmp/$(printf 'x%.0s' {1..120})
	run --separate-stderr sockit connect "unix:$long"
	assert_status 2
	assert_stderr_contains "the limit is 107"
}

@test "a flag that contradicts the endpoint is a usage error" {
	run --separate-stderr sockit connect -u tcp://localhost:80
	assert_status 2
	assert_stderr_contains "-u contradicts tcp://"
	run --separate-stderr sockit connect -4 '[::1]:80'
	assert_status 2
	assert_stderr_contains "-4 contradicts the IPv6 address"
	run --separate-stderr sockit connect -6 127.0.0.1:80
	assert_status 2
	run --separate-stderr sockit connect --seqpacket localhost:80
	assert_status 2
	assert_stderr_contains "--seqpacket needs a unix endpoint"
	run --separate-stderr sockit connect -4 unix:/tmp/x
	assert_status 2
	run --separate-stderr sockit connect -4 -6 localhost:80
	assert_status 2
	assert_stderr_contains "-4 and -6 contradict"
}

@test "a port given twice is a usage error" {
	run --separate-stderr sockit connect localhost:80 81
	assert_status 2
	assert_stderr_contains "port given twice"
}

@test "a bad --trace mode is a usage error" {
	run --separate-stderr sockit --trace=loud connect localhost:1
	assert_status 2
	assert_stderr_contains "'loud'"
	run --separate-stderr sockit connect --trace=loud localhost:1
	assert_status 2
}

@test "the hidden --list-commands and --list-options feed completions" {
	run sockit --list-commands
	assert_success
	[ "${lines[0]}" = connect ]
	[ "${lines[1]}" = listen ]
	run sockit listen --list-options
	assert_success
	assert_output_contains "--keep-open -k"
	assert_output_contains "--shutdown wr|rd|rdwr|none|close"
}

@test "usage errors print nothing on stdout" {
	run --separate-stderr sockit connect localhost:99999
	assert_status 2
	[ -z "$output" ]
}

@test "no file outside the socket layer calls the socket API" {
	cd "$BATS_TEST_DIRNAME/../src"
	run grep -nE '(^|[^_a-zA-Z0-9.>])(socket|connect|bind|accept4?|listen|getaddrinfo|getnameinfo|setsockopt|getsockopt|shutdown|send|recv|sendto|recvfrom|sendmmsg|recvmmsg|getsockname|getpeername|socketpair|poll|ppoll|epoll_create1|epoll_ctl|epoll_wait)[[:space:]]*\([^)]' \
	    $(ls *.c | grep -vE '^(sys|sys_[a-z]+|trace)\.c$')
	if [ "$status" -eq 0 ]; then
		echo "direct socket calls outside sys.c and sys_*.c:" >&2
		echo "$output" >&2
		return 1
	fi
}

@test "command files and the pump have no #if" {
	cd "$BATS_TEST_DIRNAME/../src"
	run grep -nE '^[[:space:]]*#[[:space:]]*if' cmd_*.c relay.c
	[ "$status" -ne 0 ]
}

@test "the hidden --list-sockopts names every -o option with its help" {
	run sockit --list-sockopts
	assert_success
	assert_output_contains "TCP_NODELAY"
	assert_output_contains "IPV6_V6ONLY"
	[ "${#lines[@]}" -ge 30 ]
}

@test "sockit help help, help --help and help -h print the general help" {
	run sockit help help
	assert_success
	assert_output_contains "usage: sockit"
	run --separate-stderr sockit help --help
	assert_success
	assert_output_contains "usage: sockit"
	run --separate-stderr sockit help -h
	assert_success
	assert_output_contains "usage: sockit"
}

@test "-s belongs to connect; listen names its address in ENDPOINT" {
	run --separate-stderr sockit listen -s 127.0.0.1 :0
	assert_status 2
	assert_stderr_contains "'-s'"
}

@test "with --json a usage error after parsing is a JSON object too" {
	run --separate-stderr sockit connect --json localhost:99999
	assert_status 2
	[ "$(echo "$stderr" | jq -r .event)" = error ]
	[ "$(echo "$stderr" | jq -r .operation)" = usage ]
}

@test "an unknown option's hint appears once" {
	run --separate-stderr sockit connect --frob x:1
	assert_status 2
	[ "$(grep -c "see 'sockit connect --help'" <<<"$stderr")" -eq 1 ]
}

@test "nc's -l before a command says what to type instead" {
	run --separate-stderr sockit -l 8080
	assert_status 2
	assert_stderr_contains "unknown global option '-l'"
	assert_stderr_contains "write 'sockit listen 8080'"
	run --separate-stderr sockit -lk 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -k 8080'"
	run --separate-stderr sockit -l -p 8080
	assert_status 2
	assert_stderr_contains "'sockit listen 8080'"
	run --separate-stderr sockit -lv 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -v 8080'"
	run --separate-stderr sockit -lu 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -u 8080'"
	run --separate-stderr sockit -zv localhost 22
	assert_status 2
	assert_stderr_contains "'sockit connect -z -v localhost:22'"
	# Global options already given stay in the line to type.
	run --separate-stderr sockit -t -lk 8080
	assert_status 2
	assert_stderr_contains "'sockit -t listen -k 8080'"
	run --separate-stderr sockit --trace=full localhost 80
	assert_status 2
	assert_stderr_contains "'sockit --trace=full connect localhost:80'"
	# A flag nc does not have keeps the plain message.
	run --separate-stderr sockit -Q 8080
	assert_status 2
	assert_stderr_contains "unknown global option '-Q'"
	[[ "$stderr" != *write* ]]
}

@test "nc's HOST PORT without a command says to connect" {
	run --separate-stderr sockit localhost 80
	assert_status 2
	assert_stderr_contains "unknown command 'localhost'"
	assert_stderr_contains "write 'sockit connect localhost:80'"
	run --separate-stderr sockit example.org 443
	assert_status 2
	assert_stderr_contains "'sockit connect example.org:443'"
	run --separate-stderr sockit 127.0.0.1 8080
	assert_status 2
	assert_stderr_contains "'sockit connect 127.0.0.1:8080'"
	# A word that is no host keeps the plain message.
	run --separate-stderr sockit frobnicate
	assert_status 2
	assert_stderr_contains "unknown command 'frobnicate'"
	[[ "$stderr" != *"sockit connect"* ]]
}

@test "nc's port names, lists and ranges get advice, lists only with -z" {
	run --separate-stderr sockit -zv localhost 20-25
	assert_status 2
	assert_stderr_contains "write 'sockit connect -z -v localhost:20-25'"
	run --separate-stderr sockit -zv localhost 22,80
	assert_status 2
	assert_stderr_contains "'sockit connect -z -v localhost:22,80'"
	run --separate-stderr sockit -zv localhost http
	assert_status 2
	assert_stderr_contains "'sockit connect -z -v localhost:http'"
	run --separate-stderr sockit localhost http
	assert_status 2
	assert_stderr_contains "'sockit connect localhost:http'"
	run --separate-stderr sockit -l http
	assert_status 2
	assert_stderr_contains "'sockit listen :http'"
	run --separate-stderr sockit -u localhost syslog
	assert_status 2
	assert_stderr_contains "'sockit connect -u localhost:syslog'"
	# A range without -z, or a word the shell would expand: no advice.
	run --separate-stderr sockit localhost 20-25
	assert_status 2
	[[ "$stderr" != *write* ]]
	run --separate-stderr sockit -z localhost 'ht$p'
	assert_status 2
	[[ "$stderr" != *write* ]]
}

@test "nc's -U, -e, -c, -C, -s and ncat's long names get advice" {
	run --separate-stderr sockit -U /tmp/x.sock
	assert_status 2
	assert_stderr_contains "write 'sockit connect unix:/tmp/x.sock'"
	run --separate-stderr sockit -lU /tmp/x.sock
	assert_status 2
	assert_stderr_contains "'sockit listen unix:/tmp/x.sock'"
	run --separate-stderr sockit -uU /tmp/x.sock
	assert_status 2
	assert_stderr_contains "'sockit connect unix-dgram:/tmp/x.sock'"
	run --separate-stderr sockit -lke cat 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -k -e cat 8080'"
	run --separate-stderr sockit -l -c 'tr a-z A-Z' 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -c 'tr a-z A-Z' 8080'"
	run --separate-stderr sockit -C -s 127.0.0.1 localhost 25
	assert_status 2
	assert_stderr_contains "'sockit connect -C -s 127.0.0.1 localhost:25'"
	run --separate-stderr sockit --listen --keep-open --sh-exec cat 8080
	assert_status 2
	assert_stderr_contains "'sockit listen -k -c cat 8080'"
	run --separate-stderr sockit --udp --verbose --exec=cat localhost 53
	assert_status 2
	assert_stderr_contains "'sockit connect -u -v -e cat localhost:53'"
	# A program the advice could not quote safely: the plain message.
	run --separate-stderr sockit -l -c "echo it's" 8080
	assert_status 2
	assert_stderr_contains "unknown global option '-l'"
	[[ "$stderr" != *write* ]]
}

@test "nc's advice is a line sockit's parser takes" {
	local sock=$BATS_TEST_TMPDIR/none.sock line
	for words in "-U $sock" "-uU $sock" "-zv 127.0.0.1 1-2" \
	    "-e cat -U $sock" "-C -s 127.0.0.1 -p 0 127.0.0.1 1"; do
		# shellcheck disable=SC2086
		run --separate-stderr sockit $words
		assert_status 2
		line=$(sed -n "s/.*write 'sockit connect \(.*\)'\$/\1/p" \
		    <<<"$stderr")
		[ -n "$line" ]
		# shellcheck disable=SC2086
		run --separate-stderr sockit connect -w 5 $line </dev/null
		[ "$status" -ne 2 ] || {
			echo "'$words' -> '$line': status $status: $stderr"
			return 1
		}
	done
}

@test "nc's proxy flags spell the --proxy URL, and --ssl where TLS is" {
	run --separate-stderr sockit -x proxy:1080 localhost 80
	assert_status 2
	assert_stderr_contains "unknown global option '-x': nc's -X and -x are spelled as one URL: use --proxy socks5h://proxy:1080 (-x is the hex dump here): sockit connect --proxy socks5h://proxy:1080 localhost:80"
	run --separate-stderr sockit -X 5 -x proxy:1080 localhost 80
	assert_status 2
	assert_stderr_contains "use --proxy socks5h://proxy:1080"
	run --separate-stderr sockit --ssl localhost 443
	assert_status 2
	assert_stderr_contains "unknown global option '--ssl': TLS is an option of the command here: sockit connect --tls HOST:PORT"
	run --separate-stderr sockit connect --proxy proxy:3128 localhost:80
	assert_status 2
	assert_stderr_contains "bad proxy URL 'proxy:3128': it needs a scheme"
	run --separate-stderr sockit connect -X 5 localhost:80
	assert_status 2
	assert_stderr_contains "unknown option '-X' for connect: nc's -X and -x are spelled as one URL: use --proxy socks5h://HOST:PORT"
	# sockit's own -x before the command is no proxy.
	run --separate-stderr sockit -x connect localhost:80
	assert_status 2
	assert_stderr_contains "unknown global option '-x'"
	[[ "$stderr" != *proxy* ]]
}

@test "connect -N says FIN on EOF is already the default" {
	run --separate-stderr sockit connect -N localhost:1
	assert_status 2
	assert_stderr_contains "unknown option '-N'"
	assert_stderr_contains "default"
	assert_stderr_contains "--shutdown wr"
}

@test "listen -p and recv -p say the port is the endpoint" {
	run --separate-stderr sockit listen -p 8080
	assert_status 2
	assert_stderr_contains "the port is the endpoint"
	assert_stderr_contains "'sockit listen 8080'"
	run --separate-stderr sockit recv -p 8080
	assert_status 2
	assert_stderr_contains "'sockit recv 8080'"
}

@test "a port range that runs backwards is named once" {
	run --separate-stderr sockit connect -z 127.0.0.1:100-50
	assert_status 2
	assert_stderr_contains "port range 100-50 runs backwards in '127.0.0.1:100-50'"
	[ "$(grep -o "100-50" <<<"$stderr" | wc -l)" -eq 2 ]
}

@test "control bytes of an argument never reach the terminal raw: a message shows them as \\xHH" {
	run --separate-stderr sockit connect $'\e]0;title\a\e[31mred:80'
	assert_status 2
	assert_stderr_contains '\x1b]0;title\x07\x1b[31mred'
	refute grep -q $'\e' <<<"$stderr"
	run --separate-stderr sockit connect $'a\x01b:80'
	assert_status 2
	assert_stderr_contains "bad character \\x01 in host 'a\\x01b'"
	run --separate-stderr sockit listen --json $'\e[1m'
	assert_status 2
	refute grep -q $'\e' <<<"$stderr"
}

@test "-- ends the global options: the command follows" {
	run --separate-stderr sockit -t -- resolve --bytes 127.0.0.1
	assert_success
	assert_output_contains "7f 00 00 01"
	run --separate-stderr sockit --
	assert_status 2
}

@test "a command's option given before the command says where it goes" {
	run --separate-stderr sockit --tcp-state listen 127.0.0.1:0
	assert_status 2
	assert_stderr_contains "unknown global option '--tcp-state': a command's own options follow its name, as in sockit listen --tcp-state"
}
