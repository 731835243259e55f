#!/bin/sh
# tests/tls_certs.sh DIR: makes the TLS tests' throwaway certificates in DIR,
# once: silent when it works, loud and non-zero when it does not.
#
#   ca.pem ca.key          the CA every good certificate chains to
#   leaf.pem leaf.key      localhost, 127.0.0.1 and ::1, signed by ca
#   expired.pem/.key       the same names, valid only in January 2020
#   wrong.pem wrong.key    only wrong.example, signed by ca
#   self.pem self.key      localhost, 127.0.0.1 and ::1, signed by itself
#   client.pem client.key  a client certificate (CN=sockit test client)
#   client-enc.key         client.key encrypted with the passphrase in
#   client.pass            this file
#   ca2.pem ca2.key        a second CA, unrelated to the first
#   client2.pem/.key       a client certificate signed by ca2
#
# EC P-256 keys: a key takes milliseconds, where RSA takes a noticeable
# part of a second on a busy machine.
set -eu

dir=${1:?usage: tls_certs.sh DIR}
[ -f "$dir/done" ] && exit 0
mkdir -p "$dir"
cd "$dir"

# Every command's chatter goes to a log that is shown when one fails.
log=$PWD/openssl.log
: >"$log"
fail() {
	echo "tls_certs.sh: $*" >&2
	cat "$log" >&2
	exit 1
}
run() {
	"$@" >>"$log" 2>&1 || fail "failed: $*"
}

key() {
	run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key"
}

# ca NAME CN: a self-signed CA certificate.
ca() {
	key "$1"
	run openssl req -new -x509 -key "$1.key" -out "$1.pem" -days 30 \
	    -subj "/CN=$2" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# ext NAME KIND SANS: the extensions of a leaf, server or client.
ext() {
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature"
		echo "extendedKeyUsage=$2"
		[ -n "$3" ] && echo "subjectAltName=$3"
		echo "subjectKeyIdentifier=hash"
		echo "authorityKeyIdentifier=keyid"
	} >"$1.ext"
}

# leaf NAME CA CN KIND SANS: a key and a certificate signed by CA.
leaf() {
	key "$1"
	run openssl req -new -key "$1.key" -subj "/CN=$3" -out "$1.csr"
	ext "$1" "$4" "$5"
	run openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
	    -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
	    -days 30 -extfile "$1.ext" -out "$1.pem"
}

names="DNS:localhost,IP:127.0.0.1,IP:::1"

ca ca "sockit test CA"
ca ca2 "sockit unrelated CA"
leaf leaf ca localhost serverAuth "$names"
leaf wrong ca wrong.example serverAuth "DNS:wrong.example"
leaf client ca "sockit test client" clientAuth ""
leaf client2 ca2 "sockit unrelated client" clientAuth ""

# Self-signed: its own issuer, as openssl req -x509 makes it.
key self
run openssl req -new -x509 -key self.key -out self.pem -days 30 \
    -subj "/CN=localhost" -addext "subjectAltName=$names" \
    -addext "basicConstraints=critical,CA:FALSE"

# Expired: openssl x509 -req in OpenSSL 3.0 only counts days from now, but
# openssl ca takes both dates, given a minimal database to record in.
key expired
run openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr
ext expired serverAuth "$names"
: >index.txt
mkdir -p issued
cat >ca.cnf <<EOF
[ca]
default_ca = test
[test]
database = $PWD/index.txt
serial = $PWD/serial
new_certs_dir = $PWD/issued
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
EOF
run openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
    -create_serial -notext -startdate 20200101000000Z \
    -enddate 20200131000000Z -extfile expired.ext -in expired.csr \
    -out expired.pem

# The passphrase has a space and no newline after it, as a file may.
printf 'sockit test passphrase' >client.pass
run openssl pkey -in client.key -aes-256-cbc -passout file:client.pass \
    -out client-enc.key

# Each certificate must verify, or fail, as the tests count on.
verify() {
	openssl verify -CAfile "$2" ${3:+-verify_hostname "$3"} "$1" 2>&1
}
verify leaf.pem ca.pem localhost >>"$log" || fail "leaf.pem does not verify"
verify client.pem ca.pem >>"$log" || fail "client.pem does not verify"
verify client2.pem ca2.pem >>"$log" || fail "client2.pem does not verify"
verify self.pem self.pem localhost >>"$log" ||
    fail "self.pem does not verify against itself"
verify expired.pem ca.pem | grep -q "certificate has expired" ||
    fail "expired.pem is not reported as expired"
verify wrong.pem ca.pem localhost | grep -q "hostname mismatch" ||
    fail "wrong.pem is not a name mismatch for localhost"
verify leaf.pem ca2.pem | grep -q "unable to get local issuer" ||
    fail "leaf.pem verifies against the unrelated CA"
openssl pkey -in client-enc.key -passin pass:wrong -noout >/dev/null 2>&1 &&
    fail "client-enc.key opens without its passphrase"

rm -rf ./*.csr ./*.ext ca.cnf index.txt* serial* issued "$log"
touch done
