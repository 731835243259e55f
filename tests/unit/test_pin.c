/* test_pin.c: base64 against RFC 4648's vectors, --pin parsing and its errors, and fingerprints as openssl prints them. */
#include "compat.h"

#include <string.h>

#include "pin.h"
#include "unit.h"

/* RFC 4648 section 10. */
static const struct {
	const char *bytes;
	const char *text;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

/*
 * A P-256 key's pin and its digest in hex, both from openssl:
 * openssl x509 -pubkey -noout | openssl pkey -pubin -outform der |
 * openssl dgst -sha256 -binary | base64 (or xxd -p).
 */
static const char openssl_pin[] =
    "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=";
static const unsigned char openssl_digest[PIN_SHA256_LEN] = {
	0x0d, 0x2f, 0x51, 0x14, 0x06, 0xc3, 0x74, 0x3b,
	0xe3, 0x6c, 0x65, 0xa4, 0x2c, 0x97, 0xd0, 0x2d,
	0xe8, 0x90, 0xfc, 0x44, 0xd3, 0x8e, 0x7d, 0x5a,
	0x98, 0xc3, 0x3f, 0xb3, 0x6f, 0x91, 0x1b, 0x62,
};
/*
 * The same certificate's fingerprint, from openssl x509 -fingerprint
 * -sha256, and the digest it shows (sha256sum of the DER).
 */
static const char openssl_fingerprint[] =
    "9F:BD:86:F8:91:0F:AB:24:1B:7E:02:B9:E0:7F:9C:BE:"
    "CF:27:DF:B3:33:B5:80:2A:EF:08:84:4D:51:F3:67:39";
static const unsigned char cert_digest[PIN_SHA256_LEN] = {
	0x9f, 0xbd, 0x86, 0xf8, 0x91, 0x0f, 0xab, 0x24,
	0x1b, 0x7e, 0x02, 0xb9, 0xe0, 0x7f, 0x9c, 0xbe,
	0xcf, 0x27, 0xdf, 0xb3, 0x33, 0xb5, 0x80, 0x2a,
	0xef, 0x08, 0x84, 0x4d, 0x51, 0xf3, 0x67, 0x39,
};

struct decode_case {
	const char *text;
	enum pin_base64_fault fault;
	size_t where;
};

static const struct decode_case bad_base64[] = {
	{ "Zg=", PIN_BASE64_LENGTH, 3 },
	{ "Zg", PIN_BASE64_LENGTH, 2 },
	{ "Z", PIN_BASE64_LENGTH, 1 },
	{ "Zm9 v", PIN_BASE64_CHAR, 3 },
	{ "Zm9v\n", PIN_BASE64_CHAR, 4 },
	{ "Zm-v", PIN_BASE64_CHAR, 2 },
	{ "Zg=a", PIN_BASE64_PAD, 3 },
	{ "Z===", PIN_BASE64_PAD, 1 },
	{ "====", PIN_BASE64_PAD, 0 },
	{ "Zh==", PIN_BASE64_BITS, 1 },
	{ "Zm9=", PIN_BASE64_BITS, 2 },
	{ "Zm9vYmFyZg==", PIN_BASE64_SPACE, 8 },
};

static void
test_rfc4648(void)
{
	unsigned char bytes[16];
	char text[16];
	enum pin_base64_fault fault;
	size_t i, where, len;
	long n;

	for (i = 0; i < ARRAY_LEN(rfc4648); i++) {
		len = strlen(rfc4648[i].bytes);
		unit_begin("base64 of \"%s\" is \"%s\"", rfc4648[i].bytes,
		    rfc4648[i].text);
		CHECK_INT(pin_base64_len(len), strlen(rfc4648[i].text));
		CHECK_INT(pin_base64_encode((const unsigned char *)
		    rfc4648[i].bytes, len, text), strlen(rfc4648[i].text));
		CHECK_STR(text, rfc4648[i].text);
		n = pin_base64_decode(rfc4648[i].text, strlen(rfc4648[i].text),
		    bytes, sizeof(bytes), &fault, &where);
		if (CHECK_INT(n, (long)len))
			CHECK_MEM(bytes, len, rfc4648[i].bytes, len);
		CHECK_INT(fault, PIN_BASE64_OK);
		unit_end();
	}
}

static void
test_bad_base64(void)
{
	unsigned char bytes[6];
	enum pin_base64_fault fault;
	size_t i, where;

	for (i = 0; i < ARRAY_LEN(bad_base64); i++) {
		const struct decode_case *c = &bad_base64[i];

		unit_begin("base64 \"%s\" is refused, at offset %zu", c->text,
		    c->where);
		CHECK_INT(pin_base64_decode(c->text, strlen(c->text), bytes,
		    sizeof(bytes), &fault, &where), -1);
		CHECK_INT(fault, c->fault);
		CHECK_INT(where, c->where);
		unit_end();
	}
}

static void
test_every_length(void)
{
	unsigned char bytes[40], back[40];
	char text[64];
	enum pin_base64_fault fault;
	size_t len, i, where;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 97 + 0xfb);
	unit_begin("base64 reads back what it wrote, 0 to 40 bytes, "
	    "and refuses one byte less of room");
	for (len = 0; len <= sizeof(bytes); len++) {
		pin_base64_encode(bytes, len, text);
		if (!CHECK_INT(pin_base64_decode(text, strlen(text), back, len,
		    &fault, &where), (long)len))
			unit_diag("%zu bytes: %s", len, text);
		CHECK_MEM(back, len, bytes, len);
		if (len > 0)
			CHECK_INT(pin_base64_decode(text, strlen(text), back,
			    len - 1, &fault, &where), -1);
	}
	unit_end();
}

static void
test_openssl_pin(void)
{
	unsigned char hash[PIN_SHA256_LEN];
	char text[PIN_TEXT_MAX], err[256];

	unit_begin("the pin openssl computes is parsed to its digest");
	if (CHECK_INT(pin_parse(openssl_pin, hash, err, sizeof(err)), 0))
		CHECK_MEM(hash, sizeof(hash), openssl_digest,
		    sizeof(openssl_digest));
	CHECK_STR(err, "");
	unit_end();

	unit_begin("the digest is formatted as openssl's pin");
	CHECK_STR(pin_format(openssl_digest, text), openssl_pin);
	CHECK_INT(strlen(text), PIN_TEXT_MAX - 1);
	unit_end();
}

struct pin_case {
	const char *text;
	const char *err;	/* the error must contain this */
};

static const struct pin_case bad_pins[] = {
	{ "", "no algorithm" },
	{ "DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "'DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=': no algorithm: "
	    "write sha256:BASE64" },
	{ "md5:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "algorithm 'md5' is not sha256" },
	{ "sha1:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "algorithm 'sha1' is not sha256" },
	{ "SHA256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "algorithm 'SHA256' is not sha256, the only one a pin may name "
	    "(lower case)" },
	{ ":DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "algorithm '' is not sha256" },
	{ "sha256//DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "sha256// is curl's spelling" },
	{ "sha256:", "no base64 after 'sha256:'" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ!ETTjn1amMM/s2+RG2I=",
	    "bad base64 character '!' at offset 31" },
	{ "sha256: DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=",
	    "bad base64 character ' ' at offset 7" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ_ETTjn1amMM_s2-RG2I=",
	    "bad base64 character '_' at offset 31 (that is base64url" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=\n",
	    "'sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=\\x0a': "
	    "bad base64 character '\\x0a' at offset 51" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I",
	    "43 base64 characters after 'sha256:'; a sha256 pin is 44 "
	    "characters (32 bytes, ending in one '=')" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2I=AAAA",
	    "base64 character at offset 51 follows the '=' padding" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2IAAAAA",
	    "48 base64 characters (36 bytes) after 'sha256:'" },
	{ "sha256:Zm9vYmFy", "8 base64 characters (6 bytes) after" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2J=",
	    "base64 character 'J' at offset 49 sets bits past the end" },
	{ "sha256:DS9RFAbDdDvjbGWkLJfQLeiQ/ETTjn1amMM/s2+RG2==",
	    "44 base64 characters (31 bytes) after 'sha256:'" },
	{ "9F:BD:86:F8:91:0F:AB:24:1B:7E:02:B9:E0:7F:9C:BE:"
	    "CF:27:DF:B3:33:B5:80:2A:EF:08:84:4D:51:F3:67:39",
	    "a hex fingerprint is not a pin" },
	{ "sha256:9fbd86f8910fab241b7e02b9e07f9cbecf27dfb333b5802aef08844d51f"
	    "36739", "a hex fingerprint is not a pin" },
};

static void
test_bad_pins(void)
{
	unsigned char hash[PIN_SHA256_LEN];
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad_pins); i++) {
		unit_begin("pin \"%s\" is refused: %s", bad_pins[i].text,
		    bad_pins[i].err);
		err[0] = '\0';
		CHECK_INT(pin_parse(bad_pins[i].text, hash, err, sizeof(err)),
		    -1);
		CHECK_CONTAINS(err, bad_pins[i].err);
		unit_end();
	}

	unit_begin("an error cut short by a small buffer still ends");
	CHECK_INT(pin_parse("md5:x", hash, err, 8), -1);
	CHECK_STR(err, "'md5:x'");
	unit_end();
}

static void
test_fingerprint(void)
{
	char out[PIN_FINGERPRINT_MAX], small[8];
	static const unsigned char two[] = { 0x0a, 0xf0 };

	unit_begin("a fingerprint is written as openssl x509 -fingerprint "
	    "writes it");
	CHECK_STR(pin_fingerprint(cert_digest, sizeof(cert_digest), out,
	    sizeof(out)), openssl_fingerprint);
	CHECK_INT(strlen(out), PIN_FINGERPRINT_MAX - 1);
	unit_end();

	unit_begin("a fingerprint is cut to whole bytes");
	CHECK_STR(pin_fingerprint(cert_digest, sizeof(cert_digest), small,
	    sizeof(small)), "9F:BD");
	CHECK_STR(pin_fingerprint(two, sizeof(two), small, 6), "0A:F0");
	CHECK_STR(pin_fingerprint(two, sizeof(two), small, 5), "0A");
	CHECK_STR(pin_fingerprint(two, sizeof(two), small, 3), "0A");
	CHECK_STR(pin_fingerprint(two, sizeof(two), small, 2), "");
	CHECK_STR(pin_fingerprint(two, 0, small, sizeof(small)), "");
	unit_end();
}

void
test_pin(void)
{
	test_rfc4648();
	test_bad_base64();
	test_every_length();
	test_openssl_pin();
	test_bad_pins();
	test_fingerprint();
}
