/* tcpdiag.c: TCP state names; asking sock_diag for one connection's state. */
#include "compat.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>

#include "tcpdiag.h"

static const char *const state_names[] = {
	[TCPDIAG_ESTABLISHED] = "ESTABLISHED",
	[TCPDIAG_SYN_SENT] = "SYN_SENT",
	[TCPDIAG_SYN_RECV] = "SYN_RECV",
	[TCPDIAG_FIN_WAIT1] = "FIN_WAIT1",
	[TCPDIAG_FIN_WAIT2] = "FIN_WAIT2",
	[TCPDIAG_TIME_WAIT] = "TIME_WAIT",
	[TCPDIAG_CLOSE] = "CLOSE",
	[TCPDIAG_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCPDIAG_LAST_ACK] = "LAST_ACK",
	[TCPDIAG_LISTEN] = "LISTEN",
	[TCPDIAG_CLOSING] = "CLOSING",
	[TCPDIAG_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *
tcpdiag_state_name(int state)
{
	if (state < 0 || (size_t)state >= ARRAY_LEN(state_names))
		return NULL;
	return state_names[state];
}

/* Copies one address and port into the request's id, network order kept. */
static int
put_end(const struct sockaddr *sa, __be16 *port, __be32 addr[4])
{
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;

		memcpy(&in, sa, sizeof(in));
		*port = in.sin_port;
		memcpy(addr, &in.sin_addr, sizeof(in.sin_addr));
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;

		memcpy(&in6, sa, sizeof(in6));
		*port = in6.sin6_port;
		memcpy(addr, &in6.sin6_addr, sizeof(in6.sin6_addr));
		return 0;
	}
	return -1;
}

int
tcpdiag_request(struct tcpdiag_request *out, const struct sockaddr *local,
    const struct sockaddr *remote)
{
	struct inet_diag_sockid *id = &out->req.id;

	memset(out, 0, sizeof(*out));
	if (local->sa_family != remote->sa_family)
		return -1;
	if (put_end(local, &id->idiag_sport, id->idiag_src) < 0 ||
	    put_end(remote, &id->idiag_dport, id->idiag_dst) < 0)
		return -1;
	out->h.nlmsg_len = sizeof(*out);
	out->h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	/* No NLM_F_DUMP: the kernel looks the four numbers up in its hash. */
	out->h.nlmsg_flags = NLM_F_REQUEST;
	out->req.sdiag_family = local->sa_family;
	out->req.sdiag_protocol = IPPROTO_TCP;
	/* TIME_WAIT too: it lives on in the hash after the socket is gone. */
	out->req.idiag_states = ~0u;
	/* No cookie: any socket with these four numbers will do. */
	id->idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	id->idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	return 0;
}

enum tcpdiag_answer
tcpdiag_parse(const struct tcpdiag_request *asked, const void *buf,
    size_t len, int *state, int *err)
{
	struct nlmsghdr h;
	const unsigned char *body = (const unsigned char *)buf + NLMSG_HDRLEN;
	size_t body_len;
	int code;

	*err = EPROTO;
	if (len < NLMSG_HDRLEN)
		return TCPDIAG_FAILED;
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return TCPDIAG_FAILED;
	body_len = h.nlmsg_len - NLMSG_HDRLEN;
	if (h.nlmsg_type == NLMSG_ERROR) {
		if (body_len < sizeof(code))
			return TCPDIAG_FAILED;
		memcpy(&code, body, sizeof(code));
		if (code == -ENOENT) {
			*err = 0;
			return TCPDIAG_GONE;
		}
		/* An errno is 1 to 4095 (MAX_ERRNO); anything else is noise. */
		*err = code < 0 && code >= -4095 ? -code : EPROTO;
		return TCPDIAG_FAILED;
	}
	if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
	    body_len >= sizeof(struct inet_diag_msg)) {
		struct inet_diag_msg msg;

		memcpy(&msg, body, sizeof(msg));
		*err = 0;
		if (msg.id.idiag_dport != asked->req.id.idiag_dport ||
		    memcmp(msg.id.idiag_dst, asked->req.id.idiag_dst,
		    sizeof(msg.id.idiag_dst)) != 0)
			return TCPDIAG_GONE;
		*state = msg.idiag_state;
		return TCPDIAG_FOUND;
	}
	return TCPDIAG_FAILED;
}
