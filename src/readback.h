/* readback.h: --getsockopt: an option read back after set-up, as text. */
#ifndef SOCKIT_READBACK_H
#define SOCKIT_READBACK_H

#include "compat.h"

#include <sys/socket.h>

#include "sockopt.h"
#include "strbuf.h"

/*
 * Appends "SO_RCVBUF = 8192" for the value getsockopt gave (len bytes),
 * and when set is not NULL (-o set this option), what was asked for:
 * the kernel doubles SO_RCVBUF and SO_SNDBUF, and says so here.
 */
void readback_format(struct strbuf *sb, const struct sockopt_def *def,
    const void *value, socklen_t len, const struct sockopt_setting *set);

/*
 * Reads each option in defs from fd with getsockopt and prints it on
 * stderr; settings are the -o options, to say what was set. Returns 0,
 * or -1 after reporting the getsockopt that failed (where names the
 * socket's address).
 */
int readback_show(int fd, const struct sockopt_def *const *defs, int count,
    const struct sockopt_setting *settings, int setting_count,
    const char *where);

#endif
