/* unixdiag.h: reading the kernel's sock_diag list of bound AF_UNIX sockets. */
#ifndef SOCKIT_UNIXDIAG_H
#define SOCKIT_UNIXDIAG_H

#include "compat.h"

#include <sys/stat.h>

/* What one datagram of a sock_diag dump says about a socket file. */
enum unixdiag_answer {
	UNIXDIAG_MORE,		/* nothing yet: read the next datagram */
	UNIXDIAG_HELD,		/* a socket is bound to the file */
	UNIXDIAG_FREE,		/* the dump ended and no socket holds it */
	UNIXDIAG_FAILED,	/* an error reply, or bytes that do not parse */
};

/*
 * Reads one datagram (buf, len) of the reply to a SOCK_DIAG_BY_FAMILY
 * dump of AF_UNIX sockets made with UDIAG_SHOW_VFS, looking for a socket
 * bound to the file whose stat(2) is st: one whose UNIX_DIAG_VFS inode and
 * device are st_ino and st_dev. A listening socket holds its file, and so
 * does any datagram socket or a stream socket bound but not yet listening;
 * the connections a listener accepted carry its file too, but hold nothing
 * once it is gone. Returns the answer; with UNIXDIAG_FAILED, *err is the
 * errno of the error reply, or EPROTO for bytes that do not parse.
 */
enum unixdiag_answer unixdiag_scan(const void *buf, size_t len,
    const struct stat *st, int *err);

#endif
