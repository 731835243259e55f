/* dgram.c: datagrams received in batches, whole, with their senders. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dgram.h"
#include "sys.h"
#include "textbook.h"

/*
 * One recvmmsg takes all that wait, up to DGRAM_BATCH, each into a slot of
 * DGRAM_ROOM bytes, so no UDP datagram is cut (the largest is 65507 over
 * IPv4, 65527 over IPv6). The slots' memory is only touched as far as
 * datagrams fill it: small datagrams cost a page each, and the whole is
 * bounded by DGRAM_BATCH * DGRAM_ROOM (2 MiB) however fast they come. A
 * socket's default receive buffer (about 208 KiB) holds at most three
 * datagrams of that size and some hundreds of small ones, of which one call
 * takes 32: the calls per datagram drop from three (a poll, a receive, a
 * write) to about two per 32.
 */
struct dgram_batch *
dgram_batch_new(void)
{
	struct dgram_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->slots = malloc((size_t)DGRAM_BATCH * DGRAM_ROOM);
	if (b->slots == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void
dgram_batch_free(struct dgram_batch *b)
{
	if (b == NULL)
		return;
	free(b->slots);
	free(b);
}

/*
 * One datagram by recvfrom, where a batch cannot serve: textbook mode's
 * blocking read into a buffer of --bufsize bytes (SO_RCVTIMEO bounds it),
 * as the slides' loop makes it, and --peek, which shows the datagram read
 * twice: first with MSG_PEEK, which leaves it queued. MSG_TRUNC returns
 * the real length, so a datagram the buffer cut is known, and dropped.
 */
static int
receive_one(struct dgram_batch *b, int fd)
{
	size_t room = DGRAM_ROOM;
	socklen_t flen = sizeof(b->from[0]);
	ssize_t n;

	if (textbook_on() && textbook_bufsize() < room)
		room = textbook_bufsize();
	memset(&b->msgs[0], 0, sizeof(b->msgs[0]));
	b->iov[0].iov_base = b->slots;
	b->iov[0].iov_len = room;
	b->count = b->next = 0;
	if (b->peek && sys_recvfrom(fd, b->slots, room, MSG_TRUNC | MSG_PEEK,
	    (struct sockaddr *)&b->from[0], &flen) < 0)
		return -1;
	flen = sizeof(b->from[0]);
	n = sys_recvfrom(fd, b->slots, room, MSG_TRUNC,
	    (struct sockaddr *)&b->from[0], &flen);
	if (n < 0)
		return -1;
	b->msgs[0].msg_len = (unsigned)n;
	b->msgs[0].msg_hdr.msg_iov = &b->iov[0];
	b->msgs[0].msg_hdr.msg_iovlen = 1;
	b->msgs[0].msg_hdr.msg_name = &b->from[0];
	b->msgs[0].msg_hdr.msg_namelen = flen;
	b->msgs[0].msg_hdr.msg_flags = (size_t)n > room ? MSG_TRUNC : 0;
	b->count = 1;
	return 1;
}

const char *
dgram_batch_call(const struct dgram_batch *b)
{
	return textbook_on() || b->peek ? "recvfrom" : "recvmmsg";
}

int
dgram_batch_receive(struct dgram_batch *b, int fd, unsigned want)
{
	unsigned i;
	int n;

	if (textbook_on() || b->peek)
		return receive_one(b, fd);
	if (want > DGRAM_BATCH)
		want = DGRAM_BATCH;
	for (i = 0; i < want; i++) {
		b->iov[i].iov_base = b->slots + (size_t)i * DGRAM_ROOM;
		b->iov[i].iov_len = DGRAM_ROOM;
		memset(&b->msgs[i], 0, sizeof(b->msgs[i]));
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
		b->msgs[i].msg_hdr.msg_name = &b->from[i];
		b->msgs[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
	}
	b->count = b->next = 0;
	/* With MSG_TRUNC each msg_len is the datagram's real length. */
	n = sys_recvmmsg(fd, b->msgs, want, MSG_TRUNC);
	if (n > 0)
		b->count = (unsigned)n;
	return n;
}

size_t
dgram_len(const struct dgram_batch *b, unsigned i)
{
	return b->msgs[i].msg_len;
}

bool
dgram_cut(const struct dgram_batch *b, unsigned i)
{
	return (b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ||
	    b->msgs[i].msg_len > DGRAM_ROOM;
}

unsigned char *
dgram_data(const struct dgram_batch *b, unsigned i)
{
	return b->iov[i].iov_base;
}

struct sockaddr *
dgram_from(struct dgram_batch *b, unsigned i, socklen_t *len)
{
	*len = b->msgs[i].msg_hdr.msg_namelen;
	return (struct sockaddr *)&b->from[i];
}

bool
dgram_output_keeps_messages(int fd)
{
	struct stat st;
	int type = 0, flags;
	socklen_t len = sizeof(type);

	if (fstat(fd, &st) != 0)
		return true;
	if (S_ISFIFO(st.st_mode)) {
		flags = fcntl(fd, F_GETFL);
		return flags < 0 || (flags & O_DIRECT);
	}
	if (S_ISSOCK(st.st_mode))
		return sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type,
		    &len) < 0 || type != SOCK_STREAM;
	return false;
}
