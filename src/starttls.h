/* starttls.h: the plain-text preambles that upgrade a connection to TLS, as pure functions. */
#ifndef SOCKIT_STARTTLS_H
#define SOCKIT_STARTTLS_H

#include "compat.h"

#include <stddef.h>

/* In the order of STARTTLS_NAMES: an --starttls choice is an index. */
enum starttls_proto {
	STARTTLS_SMTP,
	STARTTLS_IMAP,
	STARTTLS_POP3,
	STARTTLS_FTP,
	STARTTLS_POSTGRES,
};

#define STARTTLS_NAMES "smtp|imap|pop3|ftp|postgres"

/* The longest answer read whole; a longer one is not the protocol's. */
#define STARTTLS_ANSWER_MAX 8192

/* What an answer says, as far as the bytes at hand tell. */
enum starttls_verdict {
	STARTTLS_MORE,		/* not complete yet: read on */
	STARTTLS_GO,		/* the answer the step waits for */
	STARTTLS_REFUSED,	/* the server said no, in its protocol */
	STARTTLS_ODD,		/* not an answer of this protocol */
};

/* Returns proto's name ("smtp"). */
const char *starttls_name(enum starttls_proto proto);
/*
 * Returns how many steps proto's preamble has. A step sends its command
 * (none for a greeting) and then reads one whole answer.
 */
int starttls_steps(enum starttls_proto proto);
/*
 * Writes step's command into out (cap bytes); hello is the name EHLO
 * gives. Returns its length, 0 when the step only reads (the server
 * speaks first), -1 when it does not fit.
 */
long starttls_command(enum starttls_proto proto, int step, const char *hello,
    unsigned char *out, size_t cap);
/*
 * Reads the answer to step in the len bytes at in. Returns the verdict;
 * unless STARTTLS_MORE, *used is how many bytes the answer took (for
 * STARTTLS_ODD, those that show it is odd). Bytes after *used came before
 * the server had a reason to send them.
 */
enum starttls_verdict starttls_answer(enum starttls_proto proto, int step,
    const unsigned char *in, size_t len, size_t *used);
/*
 * Writes in's len bytes into out (cap > 8 bytes) quoted and escaped, as a
 * message shows a server's words: "..." with \r \n \t \\ \" and \xHH,
 * cut with ... before the closing quote when it does not fit. Returns out.
 */
char *starttls_quote(const unsigned char *in, size_t len, char *out,
    size_t cap);

#endif
