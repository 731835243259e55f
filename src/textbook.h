/* textbook.h: textbook mode, the blocking loop a course's C program runs, beside the pump. */
#ifndef SOCKIT_TEXTBOOK_H
#define SOCKIT_TEXTBOOK_H

#include "compat.h"

#include <sys/socket.h>

#include "relay.h"

/* How the loop waits when stdin and the socket both matter. */
enum textbook_mode {
	TEXTBOOK_OFF,
	TEXTBOOK_POLL,		/* --textbook: poll() */
	TEXTBOOK_SELECT,	/* --textbook=select: select() */
};

/* The user buffer when --bufsize is not given: a course's usual size. */
#define TEXTBOOK_BUFSIZE 1024

/*
 * Turns textbook mode on with spec "" (poll) or "select". Returns 0, or
 * -1 when spec is neither.
 */
int textbook_set_mode(const char *spec);
/* Returns true in textbook mode. */
bool textbook_on(void);
/* Returns the size of the loop's one buffer: --bufsize, or the default. */
size_t textbook_bufsize(void);
/*
 * setsockopt(SO_RCVTIMEO or SO_SNDTIMEO) of secs on fd (< 0: no limit).
 * Returns 0, or -1 with errno.
 */
int textbook_set_timeout(int fd, int optname, double secs);
/*
 * An unconnected datagram client sends to sa from now on: connect()
 * was never called, so the loop and textbook_send use sendto.
 */
void textbook_send_to(const struct sockaddr *sa, socklen_t len);
/*
 * Sends buf on fd: sendto the address of textbook_send_to when one was
 * given, else send. Returns what the call returns.
 */
ssize_t textbook_send(int fd, const void *buf, size_t len, int flags);
/* Returns the call textbook_send makes: "sendto" or "send". */
const char *textbook_send_call(void);
/*
 * Runs cfg as relay_run would, with blocking calls and one buffer: read
 * and send, recv and write, poll() or select() only while stdin and the
 * socket both matter, -i, -w and -q through SO_RCVTIMEO otherwise. It
 * takes neither TLS, nor on_tick, nor pair's recv_sock and end_fd (the
 * options that need them are refused before). Returns result->end.
 */
enum relay_end textbook_run(const struct relay_config *cfg,
    struct relay_result *result);

#endif
