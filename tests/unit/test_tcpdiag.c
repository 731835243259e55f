/* test_tcpdiag.c: TCP state names, and the sock_diag question and answer. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "tcpdiag.h"
#include "unit.h"

static void
check_names(void)
{
	unit_begin("tcpdiag_state_name: the kernel's numbers by name");
	CHECK_STR(tcpdiag_state_name(1), "ESTABLISHED");
	CHECK_STR(tcpdiag_state_name(2), "SYN_SENT");
	CHECK_STR(tcpdiag_state_name(4), "FIN_WAIT1");
	CHECK_STR(tcpdiag_state_name(5), "FIN_WAIT2");
	CHECK_STR(tcpdiag_state_name(6), "TIME_WAIT");
	CHECK_STR(tcpdiag_state_name(7), "CLOSE");
	CHECK_STR(tcpdiag_state_name(8), "CLOSE_WAIT");
	CHECK_STR(tcpdiag_state_name(9), "LAST_ACK");
	CHECK_STR(tcpdiag_state_name(10), "LISTEN");
	CHECK_STR(tcpdiag_state_name(11), "CLOSING");
	CHECK(tcpdiag_state_name(0) == NULL);
	CHECK(tcpdiag_state_name(13) == NULL);
	CHECK(tcpdiag_state_name(-1) == NULL);
	unit_end();
}

static struct sockaddr_in
in4(const char *addr, unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

static void
check_request(void)
{
	struct sockaddr_in local = in4("127.0.0.1", 8080);
	struct sockaddr_in remote = in4("127.0.0.2", 40000);
	struct sockaddr_in6 six;
	struct tcpdiag_request r;
	uint32_t want_src = htonl(0x7f000001), want_dst = htonl(0x7f000002);

	unit_begin("tcpdiag_request: one IPv4 connection by its four numbers");
	CHECK_INT(tcpdiag_request(&r, (struct sockaddr *)&local,
	    (struct sockaddr *)&remote), 0);
	CHECK_INT(r.h.nlmsg_len, sizeof(r));
	CHECK_INT(r.h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
	CHECK_INT(r.h.nlmsg_flags, NLM_F_REQUEST);
	CHECK_INT(r.req.sdiag_family, AF_INET);
	CHECK_INT(r.req.sdiag_protocol, IPPROTO_TCP);
	CHECK_INT(r.req.idiag_states, 0xffffffffu);
	CHECK_INT(r.req.id.idiag_sport, htons(8080));
	CHECK_INT(r.req.id.idiag_dport, htons(40000));
	CHECK_MEM(r.req.id.idiag_src, 4, &want_src, 4);
	CHECK_MEM(r.req.id.idiag_dst, 4, &want_dst, 4);
	CHECK_INT(r.req.id.idiag_cookie[0], INET_DIAG_NOCOOKIE);
	CHECK_INT(r.req.id.idiag_cookie[1], INET_DIAG_NOCOOKIE);
	unit_end();

	memset(&six, 0, sizeof(six));
	six.sin6_family = AF_INET6;
	six.sin6_port = htons(443);
	six.sin6_addr = in6addr_loopback;
	unit_begin("tcpdiag_request: IPv6 addresses whole; mixed families "
	    "refused");
	CHECK_INT(tcpdiag_request(&r, (struct sockaddr *)&six,
	    (struct sockaddr *)&six), 0);
	CHECK_INT(r.req.sdiag_family, AF_INET6);
	CHECK_MEM(r.req.id.idiag_src, 16, &in6addr_loopback, 16);
	CHECK_INT(r.req.id.idiag_sport, htons(443));
	CHECK_INT(tcpdiag_request(&r, (struct sockaddr *)&local,
	    (struct sockaddr *)&six), -1);
	unit_end();
}

/* A reply datagram as the kernel writes it. */
struct reply {
	unsigned char buf[512];
	size_t len;
};

/* A socket in state whose four numbers are id's. */
static void
reply_msg(struct reply *rp, int state, const struct inet_diag_sockid *id)
{
	struct nlmsghdr h;
	struct inet_diag_msg msg;

	memset(&h, 0, sizeof(h));
	memset(&msg, 0, sizeof(msg));
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h.nlmsg_len = NLMSG_LENGTH(sizeof(msg));
	msg.idiag_family = AF_INET;
	msg.idiag_state = (uint8_t)state;
	msg.id = *id;
	memcpy(rp->buf, &h, sizeof(h));
	memcpy(rp->buf + NLMSG_HDRLEN, &msg, sizeof(msg));
	rp->len = h.nlmsg_len;
}

static void
reply_error(struct reply *rp, int code)
{
	struct nlmsghdr h;
	struct nlmsgerr e;

	memset(&h, 0, sizeof(h));
	memset(&e, 0, sizeof(e));
	h.nlmsg_type = NLMSG_ERROR;
	h.nlmsg_len = NLMSG_LENGTH(sizeof(e));
	e.error = code;
	memcpy(rp->buf, &h, sizeof(h));
	memcpy(rp->buf + NLMSG_HDRLEN, &e, sizeof(e));
	rp->len = h.nlmsg_len;
}

/*
 * A reply captured from Linux 6.18 for a connection 127.0.0.1:47524 ->
 * 127.0.0.1:58315 that our side closed first: TIME_WAIT (6), then the
 * inet_diag_msg's other fields and one 8-byte attribute.
 */
static const char captured_time_wait[] =
	"600000001400000000000000952d0000" "02060300b9a4e3cb7f00000100000000"
	"00000000000000007f00000100000000" "000000000000000000000000337e0000"
	"0000000060ea00000000000000000000" "000000000000000008000f0000000000";

static size_t
unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned byte;

	while (hex[0] != '\0' && hex[1] != '\0' && n < cap &&
	    sscanf(hex, "%2x", &byte) == 1) {
		out[n++] = (unsigned char)byte;
		hex += 2;
	}
	return n;
}

static void
check_parse(void)
{
	struct sockaddr_in local = in4("127.0.0.1", 47524);
	struct sockaddr_in remote = in4("127.0.0.1", 58315);
	struct tcpdiag_request asked;
	struct inet_diag_sockid listener;
	struct reply rp;
	int state = -1, err = -1;

	tcpdiag_request(&asked, (struct sockaddr *)&local,
	    (struct sockaddr *)&remote);
	reply_msg(&rp, 6, &asked.req.id);
	unit_begin("tcpdiag_parse: an inet_diag_msg gives idiag_state");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err),
	    TCPDIAG_FOUND);
	CHECK_INT(state, 6);
	CHECK_INT(err, 0);
	unit_end();

	/* What the kernel finds for a connection gone from a listener. */
	listener = asked.req.id;
	listener.idiag_dport = 0;
	memset(listener.idiag_dst, 0, sizeof(listener.idiag_dst));
	reply_msg(&rp, 10, &listener);
	unit_begin("tcpdiag_parse: the listener it came from is no answer");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err),
	    TCPDIAG_GONE);
	unit_end();

	rp.len = unhex(captured_time_wait, rp.buf, sizeof(rp.buf));
	unit_begin("tcpdiag_parse: a reply captured from the kernel");
	CHECK_INT(rp.len, 96);
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err), TCPDIAG_FOUND);
	CHECK_STR(tcpdiag_state_name(state), "TIME_WAIT");
	unit_end();

	reply_error(&rp, -ENOENT);
	unit_begin("tcpdiag_parse: ENOENT is a connection gone");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err), TCPDIAG_GONE);
	unit_end();

	reply_error(&rp, -EPERM);
	unit_begin("tcpdiag_parse: another error keeps its errno");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err),
	    TCPDIAG_FAILED);
	CHECK_INT(err, EPERM);
	unit_end();

	/* Found by fuzz_tcpdiag: -INT_MIN is no int, and no errno either. */
	reply_error(&rp, INT_MIN);
	unit_begin("tcpdiag_parse: an error code that is no errno is EPROTO");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len, &state, &err),
	    TCPDIAG_FAILED);
	CHECK_INT(err, EPROTO);
	unit_end();

	reply_msg(&rp, 1, &asked.req.id);
	unit_begin("tcpdiag_parse: cut short or lying lengths fail as EPROTO");
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, 8, &state, &err),
	    TCPDIAG_FAILED);
	CHECK_INT(err, EPROTO);
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, rp.len - 1, &state, &err),
	    TCPDIAG_FAILED);
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, NLMSG_HDRLEN + 4, &state,
	    &err), TCPDIAG_FAILED);
	CHECK_INT(tcpdiag_parse(&asked, rp.buf, 0, &state, &err),
	    TCPDIAG_FAILED);
	unit_end();
}

void
test_tcpdiag(void)
{
	check_names();
	check_request();
	check_parse();
}
