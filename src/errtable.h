/* errtable.h: the course's error codes as data: errno, EAI_, h_errno and a proxy's answers, each explained. */
#ifndef SOCKIT_ERRTABLE_H
#define SOCKIT_ERRTABLE_H

#include "compat.h"

enum errtable_kind {
	ERRTABLE_ERRNO,		/* errno after a system call */
	ERRTABLE_EAI,		/* what getaddrinfo or getnameinfo return */
	ERRTABLE_HERRNO,	/* h_errno after gethostbyname and its kin */
	ERRTABLE_SOCKS5,	/* a SOCKS5 proxy's reply (RFC 1928) or method */
	ERRTABLE_SOCKS4,	/* a SOCKS4 proxy's reply */
	ERRTABLE_HTTP,		/* an HTTP proxy's status to CONNECT */
};

/*
 * One code. Every text is a whole sentence or paragraph of its own, so
 * that each can be translated as it stands.
 */
struct errtable_entry {
	const char *name;	/* "ECONNREFUSED" */
	const char *alias;	/* another name of the same value, or NULL */
	enum errtable_kind kind;
	int number;		/* the libc's value of the constant */
	const char *meaning;	/* libc's English text of it */
	const char *calls;	/* the course's calls that return it, and why */
	const char *check;	/* what to look at when it happens */
	const char *provoke;	/* a sockit line that meets it, or NULL */
	const char *takes;	/* what provoking it takes, if no demo can */
};

/* An errno and libc's English text of it (strerror in the C locale). */
struct errtable_text {
	int number;
	const char *text;
};

/* Returns the table and stores its length in *count. */
const struct errtable_entry *errtable_all(size_t *count);
/*
 * Returns the errnos outside the table whose text a message may show,
 * and stores their count in *count. The table's own meanings are libc's
 * English texts too: the catalogue translates both.
 */
const struct errtable_text *errtable_other_texts(size_t *count);
/*
 * Returns the entry called name or its alias (any case), or for a decimal
 * number the errno entry of that value, else the HTTP status of that
 * number, or for 0xNN the SOCKS5 reply; NULL when there is none.
 */
const struct errtable_entry *errtable_find(const char *name);
/*
 * Returns the proxy's answer a number names as connect --proxy prints it:
 * "0x05" a SOCKS5 reply, "91" a SOCKS4 reply or an HTTP status; NULL
 * when there is none. "91" is also an errno, which errtable_find prefers.
 */
const struct errtable_entry *errtable_find_answer(const char *name);
/*
 * Returns "errno", "getaddrinfo", "h_errno", "socks5", "socks4" or
 * "http": what kind of code it is.
 */
const char *errtable_kind_name(enum errtable_kind kind);
/*
 * Fills near (up to cap) with the names closest to word: those it is a
 * prefix of, then those within a small edit distance, best first.
 * Returns how many were stored.
 */
size_t errtable_nearest(const char *word, const char **near, size_t cap);

#endif
