/* explain_nc.h: what to type instead of an nc command line or option. */
#ifndef SOCKIT_EXPLAIN_NC_H
#define SOCKIT_EXPLAIN_NC_H

#include "compat.h"

/*
 * Rewrites an nc command line as sockit's: argv (argc words) is what
 * followed "sockit" from the word that is neither a global option nor a
 * command, such as {"-lk", "8080"} or {"localhost", "80"}. Writes
 * "sockit listen -k 8080" into out and returns 0, or returns -1 when the
 * words are not nc's (a plain word must look like a host), when sockit's
 * parser would refuse the line, or when a word could not be pasted into
 * a shell as written (a program for -e or -c may be single-quoted).
 */
int explain_nc_line(int argc, char *const *argv, char *out, size_t cap);
/*
 * For nc's words that explain_nc_line cannot rewrite because sockit has
 * no such feature (a proxy, TLS): a clause that says so, in the user's
 * language, or NULL.
 */
const char *explain_nc_missing(int argc, char *const *argv);
/*
 * For nc's -X TYPE and -x ADDR[:PORT] anywhere in argv (argc words),
 * given to command: advice in the user's language written into out, the
 * --proxy URL they mean and, for connect and send, the whole line to
 * type ("... use --proxy socks5h://127.0.0.1:1080 ...: sockit connect
 * --proxy socks5h://127.0.0.1:1080 h:22"); a -X type nc lacks gets the
 * types it has. Returns out.
 */
const char *explain_nc_proxy(const char *command, int argc,
    char *const *argv, char *out, size_t cap);
/*
 * The same for a type and an addr already found (either may be NULL),
 * the target taken from argv's words that are not options. Returns out.
 */
const char *explain_nc_proxy_line(const char *command, const char *type,
    const char *addr, int argc, char *const *argv, char *out, size_t cap);
/*
 * For ncat's --proxy HOST:PORT with --proxy-type, --proxy-dns or
 * --proxy-auth in argv (argc words, after command): the whole line to
 * type, with the URL they make and the other options as typed, written
 * into out. Returns out, or NULL when argv has none of the three.
 */
const char *explain_ncat_proxy(const char *command, int argc,
    char *const *argv, char *out, size_t cap);
/*
 * Returns advice for nc's option -letter given to command (such as -N
 * for connect), written into out in the user's language; arg is the word
 * after it, or NULL.
 * Returns NULL when the letter is no nc habit for that command.
 */
const char *explain_nc_option(const char *command, char letter,
    const char *arg, char *out, size_t cap);

#endif
