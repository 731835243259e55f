/* dgram.h: datagrams received in batches, whole, with their senders. */
#ifndef SOCKIT_DGRAM_H
#define SOCKIT_DGRAM_H

#include "compat.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* The most datagrams one recvmmsg takes. */
#define DGRAM_BATCH 32
/* Room for each: a datagram longer than this is dropped, never cut. */
#define DGRAM_ROOM (64 * 1024)

struct dgram_batch {
	struct mmsghdr msgs[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	struct sockaddr_storage from[DGRAM_BATCH];
	unsigned char *slots;	/* DGRAM_BATCH * DGRAM_ROOM */
	unsigned count;		/* datagrams the last receive took */
	unsigned next;		/* the first of them not yet handed on */
	bool peek;		/* --peek: one datagram a receive, peeked at
				   with MSG_PEEK first, then taken */
};

/* Returns a batch with its slots, or NULL with errno. */
struct dgram_batch *dgram_batch_new(void);
void dgram_batch_free(struct dgram_batch *b);
/*
 * Takes up to want (at most DGRAM_BATCH) datagrams that wait on fd,
 * without waiting, each with its sender's address. Returns how many came
 * (count and next set), or -1 with errno (EAGAIN: none waited). With
 * peek, one datagram, by two recvfrom calls.
 */
int dgram_batch_receive(struct dgram_batch *b, int fd, unsigned want);
/* Returns the call dgram_batch_receive makes: "recvmmsg" or "recvfrom". */
const char *dgram_batch_call(const struct dgram_batch *b);
/* Datagram i's real length: more than DGRAM_ROOM when it was cut. */
size_t dgram_len(const struct dgram_batch *b, unsigned i);
/* Returns whether datagram i came longer than its slot (MSG_TRUNC). */
bool dgram_cut(const struct dgram_batch *b, unsigned i);
unsigned char *dgram_data(const struct dgram_batch *b, unsigned i);
/*
 * Datagram i's sender; *len is 0 or sizeof(sa_family_t) for an unnamed
 * unix sender, or a connected socket's datagram, which come without one.
 */
struct sockaddr *dgram_from(struct dgram_batch *b, unsigned i,
    socklen_t *len);
/*
 * Returns whether fd keeps each write as a message of its own: a
 * packet-mode pipe (O_DIRECT) or a datagram or seqpacket socket. Other
 * outputs can take a whole batch in one write.
 */
bool dgram_output_keeps_messages(int fd);

#endif
