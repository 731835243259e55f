/* pin.h: --pin strings (sha256:BASE64), hex fingerprints, and the base64 they use. */
#ifndef SOCKIT_PIN_H
#define SOCKIT_PIN_H

#include "compat.h"

/* A SHA-256 digest, the only hash a pin may name. */
#define PIN_SHA256_LEN 32
/* "sha256:" and 44 base64 characters, with room for the NUL. */
#define PIN_TEXT_MAX 52
/* "AB:CD:..." for a SHA-256 digest: 32 pairs, 31 colons and the NUL. */
#define PIN_FINGERPRINT_MAX 96

/* Why pin_base64_decode refused its text. */
enum pin_base64_fault {
	PIN_BASE64_OK,
	PIN_BASE64_CHAR,	/* a character outside the alphabet */
	PIN_BASE64_PAD,		/* '=' where it cannot be, or text after it */
	PIN_BASE64_LENGTH,	/* not a multiple of 4 characters */
	PIN_BASE64_BITS,	/* the last character carries bits past the data */
	PIN_BASE64_SPACE,	/* more bytes than the output holds */
};

/*
 * Returns how many characters pin_base64_encode writes for len bytes,
 * not counting the NUL.
 */
size_t pin_base64_len(size_t len);
/*
 * Writes len bytes as standard base64 (RFC 4648 section 4) with its '='
 * padding, NUL-terminated, into out, which holds pin_base64_len(len) + 1.
 * Returns the number of characters written.
 */
size_t pin_base64_encode(const unsigned char *in, size_t len, char *out);
/*
 * Decodes len characters of standard base64 with padding into out (cap
 * bytes). Only the canonical spelling is taken: no white space, no missing
 * padding, and no bits set past the data in the last character, so every
 * byte string has exactly one text. Returns the number of bytes, or -1
 * with *fault saying why and *where the offset of the character to blame
 * (len itself for PIN_BASE64_LENGTH).
 */
long pin_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t cap, enum pin_base64_fault *fault, size_t *where);

/*
 * Parses a --pin value, "sha256:" and the base64 of the 32-byte SHA-256
 * of a public key (its DER SubjectPublicKeyInfo), into hash. Returns 0, or
 * -1 with err naming the bad part: the algorithm, the offset of a bad
 * character, or the length.
 */
int pin_parse(const char *text, unsigned char hash[PIN_SHA256_LEN],
    char *err, size_t cap);
/* Writes hash as "sha256:BASE64" into out. Returns out. */
char *pin_format(const unsigned char hash[PIN_SHA256_LEN],
    char out[PIN_TEXT_MAX]);
/*
 * Writes len bytes as colon-separated upper-case hex ("AB:CD:EF"), as
 * openssl x509 -fingerprint prints a digest, NUL-terminated and cut to
 * whole bytes when out (cap bytes, 3 per byte) is short. Returns out.
 */
char *pin_fingerprint(const unsigned char *md, size_t len, char *out,
    size_t cap);

#endif
