/* test_unixdiag.c: reading sock_diag dumps: which sockets hold a file. */
#include "compat.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "unit.h"
#include "unixdiag.h"

#define STATE_ESTABLISHED	1
#define STATE_CLOSE		7
#define STATE_LISTEN		10

/* A dump datagram under construction. */
struct dump {
	unsigned char buf[4096];
	size_t len;
};

/* The kernel's encoding of a device number (MKDEV). */
static uint32_t
kdev(unsigned maj, unsigned min)
{
	return (uint32_t)(maj << 20 | min);
}

static void
put(struct dump *d, const void *p, size_t n)
{
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

static void
pad(struct dump *d, size_t to)
{
	while (d->len % to != 0)
		d->buf[d->len++] = 0;
}

/*
 * Appends one SOCK_DIAG_BY_FAMILY reply: a socket of type and state, with
 * a UNIX_DIAG_NAME attribute first and a UNIX_DIAG_VFS one when vfs is set.
 */
static void
add_socket(struct dump *d, int type, int state, bool vfs, uint32_t ino,
    uint32_t dev)
{
	struct nlmsghdr h;
	struct unix_diag_msg msg;
	struct rtattr rta;
	struct unix_diag_vfs v;
	size_t start = d->len;
	static const char name[] = "/run/x.sock";

	memset(&h, 0, sizeof(h));
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	put(d, &h, sizeof(h));
	memset(&msg, 0, sizeof(msg));
	msg.udiag_family = AF_UNIX;
	msg.udiag_type = (unsigned char)type;
	msg.udiag_state = (unsigned char)state;
	msg.udiag_ino = 4242;
	put(d, &msg, sizeof(msg));
	pad(d, NLMSG_ALIGNTO);
	rta.rta_type = UNIX_DIAG_NAME;
	rta.rta_len = (unsigned short)RTA_LENGTH(sizeof(name) - 1);
	put(d, &rta, sizeof(rta));
	put(d, name, sizeof(name) - 1);
	pad(d, RTA_ALIGNTO);
	if (vfs) {
		rta.rta_type = UNIX_DIAG_VFS;
		rta.rta_len = (unsigned short)RTA_LENGTH(sizeof(v));
		v.udiag_vfs_ino = ino;
		v.udiag_vfs_dev = dev;
		put(d, &rta, sizeof(rta));
		put(d, &v, sizeof(v));
	}
	h.nlmsg_len = (uint32_t)(d->len - start);
	memcpy(d->buf + start, &h, sizeof(h));
	pad(d, NLMSG_ALIGNTO);
}

/* Appends NLMSG_DONE carrying code, or NLMSG_ERROR carrying it. */
static void
add_end(struct dump *d, int type, int code)
{
	struct nlmsghdr h;
	struct nlmsgerr e;

	memset(&h, 0, sizeof(h));
	memset(&e, 0, sizeof(e));
	h.nlmsg_type = (uint16_t)type;
	h.nlmsg_len = type == NLMSG_ERROR ? NLMSG_LENGTH(sizeof(e)) :
	    NLMSG_LENGTH(sizeof(code));
	put(d, &h, sizeof(h));
	if (type == NLMSG_ERROR) {
		/* The code, then the header of the request that failed. */
		e.error = code;
		put(d, &e, sizeof(e));
	} else {
		put(d, &code, sizeof(code));
	}
}

/* The file that the cases look for: inode 77 on device 8:1. */
static void
file_stat(struct stat *st, uint64_t ino, unsigned maj, unsigned min)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0755;
	st->st_ino = (ino_t)ino;
	st->st_dev = makedev(maj, min);
}

static void
check_answer(const char *what, const struct dump *d, const struct stat *st,
    enum unixdiag_answer want, int want_err)
{
	int err = -1;

	unit_begin("unixdiag_scan: %s", what);
	CHECK_INT(unixdiag_scan(d->buf, d->len, st, &err), want);
	CHECK_INT(err, want_err);
	unit_end();
}

static void
check_holders(void)
{
	static const struct {
		const char *what;
		int type, state;
		bool held;
	} cases[] = {
		{ "a listening stream socket holds its file", SOCK_STREAM,
		  STATE_LISTEN, true },
		{ "a listening seqpacket socket holds its file",
		  SOCK_SEQPACKET, STATE_LISTEN, true },
		{ "a bound datagram socket holds its file", SOCK_DGRAM,
		  STATE_CLOSE, true },
		{ "a bound and connected datagram socket holds its file",
		  SOCK_DGRAM, STATE_ESTABLISHED, true },
		{ "a stream socket bound but not yet listening holds it",
		  SOCK_STREAM, STATE_CLOSE, true },
		{ "an accepted stream connection does not hold it",
		  SOCK_STREAM, STATE_ESTABLISHED, false },
		{ "an accepted seqpacket connection does not hold it",
		  SOCK_SEQPACKET, STATE_ESTABLISHED, false },
	};
	struct dump d;
	struct stat st;
	size_t i;

	file_stat(&st, 77, 8, 1);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		d.len = 0;
		add_socket(&d, cases[i].type, cases[i].state, true, 77,
		    kdev(8, 1));
		check_answer(cases[i].what, &d, &st, cases[i].held ?
		    UNIXDIAG_HELD : UNIXDIAG_MORE, 0);
	}
}

static void
check_matching(void)
{
	struct dump d;
	struct stat st;

	file_stat(&st, 77, 8, 1);
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 78, kdev(8, 1));
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77, kdev(8, 2));
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77, kdev(9, 1));
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, false, 0, 0);
	check_answer("another inode, device or none is not the file", &d,
	    &st, UNIXDIAG_MORE, 0);
	/* The same dump ended: no socket holds the file, it is stale. */
	add_end(&d, NLMSG_DONE, 0);
	check_answer("a dump that ends without the file: free", &d, &st,
	    UNIXDIAG_FREE, 0);
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_ESTABLISHED, true, 77, kdev(8, 1));
	add_socket(&d, SOCK_DGRAM, STATE_CLOSE, true, 77, kdev(8, 1));
	add_end(&d, NLMSG_DONE, 0);
	check_answer("the holder after an accepted connection", &d, &st,
	    UNIXDIAG_HELD, 0);
	/* The st_dev of stat(2) and the kernel's dev_t differ past 255. */
	file_stat(&st, 77, 259, 0x12345);
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77,
	    kdev(259, 0x12345));
	check_answer("major and minor compared, not the encodings", &d, &st,
	    UNIXDIAG_HELD, 0);
	file_stat(&st, 77, 0, 0x1a);
	d.len = 0;
	add_socket(&d, SOCK_DGRAM, STATE_CLOSE, true, 77, 0x1a);
	check_answer("a tmpfs device 0:26", &d, &st, UNIXDIAG_HELD, 0);
	/* The kernel reports the inode number's low 32 bits. */
	file_stat(&st, 0x100000000ULL + 77, 8, 1);
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77, kdev(8, 1));
	check_answer("a 64-bit inode number meets its low 32 bits", &d, &st,
	    UNIXDIAG_HELD, 0);
}

static void
check_ends(void)
{
	struct dump d;
	struct stat st;

	file_stat(&st, 77, 8, 1);
	d.len = 0;
	add_end(&d, NLMSG_DONE, 0);
	check_answer("an empty dump: free", &d, &st, UNIXDIAG_FREE, 0);
	d.len = 0;
	add_end(&d, NLMSG_DONE, -EINTR);
	check_answer("a dump cut short: failed with its errno", &d, &st,
	    UNIXDIAG_FAILED, EINTR);
	d.len = 0;
	add_end(&d, NLMSG_ERROR, -ENOENT);
	check_answer("an error reply (no unix_diag): failed", &d, &st,
	    UNIXDIAG_FAILED, ENOENT);
	d.len = 0;
	check_answer("an empty datagram: read on", &d, &st, UNIXDIAG_MORE,
	    0);
}

static void
check_malformed(void)
{
	struct dump d;
	struct stat st;
	struct rtattr rta;
	size_t full;

	file_stat(&st, 77, 8, 1);
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77, kdev(8, 1));
	full = d.len;
	/* Every cut of a datagram that would hold the file. */
	for (d.len = 1; d.len < full; d.len++) {
		int err = 0;
		enum unixdiag_answer a = unixdiag_scan(d.buf, d.len, &st,
		    &err);

		if (a != UNIXDIAG_FAILED || err != EPROTO) {
			unit_ok(false, "unixdiag_scan: cut at %zu of %zu: "
			    "got %d", d.len, full, (int)a);
			return;
		}
	}
	unit_ok(true, "unixdiag_scan: every cut datagram fails with EPROTO");
	/* A header that claims more than it has. */
	d.len = full;
	d.buf[0] = 0xff;
	d.buf[1] = 0xff;
	check_answer("a header longer than the datagram", &d, &st,
	    UNIXDIAG_FAILED, EPROTO);
	/* An attribute that claims more than its message has. */
	d.len = 0;
	add_socket(&d, SOCK_STREAM, STATE_LISTEN, true, 77, kdev(8, 1));
	memcpy(&rta, d.buf + d.len - RTA_LENGTH(sizeof(struct unix_diag_vfs)),
	    sizeof(rta));
	rta.rta_len = 200;
	memcpy(d.buf + d.len - RTA_LENGTH(sizeof(struct unix_diag_vfs)), &rta,
	    sizeof(rta));
	check_answer("an attribute longer than its message", &d, &st,
	    UNIXDIAG_FAILED, EPROTO);
}

void
test_unixdiag(void)
{
	check_holders();
	check_matching();
	check_ends();
	check_malformed();
}
