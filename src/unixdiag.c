/* unixdiag.c: whether a sock_diag dump shows a socket bound to a given file. */
#include "compat.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "unixdiag.h"

/* The socket states of unix_diag(7), which borrows TCP's numbers. */
#define UNIX_STATE_ESTABLISHED	1

/*
 * The kernel reports the device in its own encoding (major in the top 12
 * bits, minor in the low 20), not in the one stat(2) gives userspace, so
 * compare majors and minors, not the two numbers.
 */
static bool
same_device(uint32_t kernel_dev, dev_t dev)
{
	return (kernel_dev >> 20) == major(dev) &&
	    (kernel_dev & 0xfffff) == minor(dev);
}

/*
 * Looks through the attributes of one unix_diag_msg (attrs, len) for a
 * UNIX_DIAG_VFS naming the file st. Returns 1 found, 0 not, -1 malformed.
 */
static int
vfs_names(const unsigned char *attrs, size_t len, const struct stat *st)
{
	size_t off = 0;

	while (len - off >= sizeof(struct rtattr)) {
		struct rtattr rta;
		struct unix_diag_vfs vfs;

		memcpy(&rta, attrs + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len - off)
			return -1;
		if (rta.rta_type == UNIX_DIAG_VFS) {
			if (rta.rta_len < RTA_LENGTH(sizeof(vfs)))
				return -1;
			memcpy(&vfs, attrs + off + RTA_LENGTH(0), sizeof(vfs));
			/* The kernel gives the inode number's low 32 bits. */
			if (vfs.udiag_vfs_ino == (uint32_t)st->st_ino &&
			    same_device(vfs.udiag_vfs_dev, st->st_dev))
				return 1;
		}
		off += RTA_ALIGN(rta.rta_len);
		if (off > len)
			break;
	}
	return 0;
}

/* Returns 1 when the socket of one reply holds st, 0 when not, -1 malformed. */
static int
socket_holds(const unsigned char *body, size_t len, const struct stat *st)
{
	struct unix_diag_msg msg;
	size_t head = NLMSG_ALIGN(sizeof(msg));
	int found;

	if (len < sizeof(msg))
		return -1;
	memcpy(&msg, body, sizeof(msg));
	if (msg.udiag_family != AF_UNIX)
		return 0;
	found = len > head ? vfs_names(body + head, len - head, st) : 0;
	if (found != 1)
		return found;
	/* An accepted connection of a listener that may be gone. */
	if (msg.udiag_type != SOCK_DGRAM &&
	    msg.udiag_state == UNIX_STATE_ESTABLISHED)
		return 0;
	return 1;
}

/* The offset of the message after the one at off; the last needs no pad. */
static size_t
next_message(size_t off, uint32_t msg_len, size_t len)
{
	size_t next = off + NLMSG_ALIGN(msg_len);

	return next > len ? len : next;
}

enum unixdiag_answer
unixdiag_scan(const void *buf, size_t len, const struct stat *st, int *err)
{
	const unsigned char *p = buf;
	size_t off = 0;

	*err = 0;
	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t body_len;
		const unsigned char *body;
		int code, found;

		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
			break;
		body = p + off + NLMSG_HDRLEN;
		body_len = h.nlmsg_len - NLMSG_HDRLEN;
		switch (h.nlmsg_type) {
		case NLMSG_DONE:
			/* A dump may end with the error that cut it short. */
			if (body_len >= sizeof(code)) {
				memcpy(&code, body, sizeof(code));
				if (code < 0) {
					*err = -code;
					return UNIXDIAG_FAILED;
				}
			}
			return UNIXDIAG_FREE;
		case NLMSG_ERROR:
			if (body_len < sizeof(code))
				break;
			memcpy(&code, body, sizeof(code));
			*err = code < 0 ? -code : EPROTO;
			return UNIXDIAG_FAILED;
		case SOCK_DIAG_BY_FAMILY:
			found = socket_holds(body, body_len, st);
			if (found < 0)
				break;
			if (found == 1)
				return UNIXDIAG_HELD;
			off = next_message(off, h.nlmsg_len, len);
			continue;
		default:
			off = next_message(off, h.nlmsg_len, len);
			continue;
		}
		break;
	}
	if (off < len) {
		*err = EPROTO;
		return UNIXDIAG_FAILED;
	}
	return UNIXDIAG_MORE;
}
