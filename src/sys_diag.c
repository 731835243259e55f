/* sys_diag.c: the socket layer's questions to the kernel: TCP_INFO, the two ends, sock_diag. */
#include "compat.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys.h"
#include "sys_int.h"
#include "tcpdiag.h"
#include "trace.h"

/*
 * The kernel's numbers of the TCP states in tcpi_state (net/tcp_states.h);
 * netinet/tcp.h names them too, but cannot be included with linux/tcp.h,
 * whose struct tcp_info is the one with the byte counts.
 */
enum kernel_tcp_state {
	STATE_FIN_WAIT2 = 5,
	STATE_TIME_WAIT = 6,
	STATE_CLOSE_WAIT = 8,
	STATE_LAST_ACK = 9,
	STATE_CLOSING = 11,
};

int
sys_tcp_bytes(int fd, bool active_open, uint64_t *sent, uint64_t *received)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int rc, err;

	memset(&info, 0, sizeof(info));
	rc = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	err = errno;
	/* A kernel older than 4.2 fills less of the struct: no counts. */
	if (rc == 0 && len < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(info.tcpi_bytes_received)) {
		rc = -1;
		err = EOPNOTSUPP;
	}
	/*
	 * Both counts are of sequence space, where SYN and FIN take one
	 * number each: the SYN of an active open is in bytes_acked, and a FIN
	 * once the state says it went by.
	 */
	*sent = info.tcpi_bytes_acked;
	*received = info.tcpi_bytes_received;
	if (rc == 0) {
		bool fin_in = info.tcpi_state == STATE_CLOSE_WAIT ||
		    info.tcpi_state == STATE_LAST_ACK ||
		    info.tcpi_state == STATE_CLOSING ||
		    info.tcpi_state == STATE_TIME_WAIT;
		bool fin_out_acked = info.tcpi_state == STATE_FIN_WAIT2 ||
		    info.tcpi_state == STATE_TIME_WAIT;

		if (fin_in && *received > 0)
			(*received)--;
		if (fin_out_acked && *sent > 0)
			(*sent)--;
		if (active_open && *sent > 0)
			(*sent)--;
	}
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "getsockopt(%d, IPPROTO_TCP, TCP_INFO, ",
		    fd);
		if (rc == 0)
			strbuf_printf(&sb, "{tcpi_bytes_acked=%llu, "
			    "tcpi_bytes_received=%llu})",
			    (unsigned long long)*sent,
			    (unsigned long long)*received);
		else
			strbuf_puts(&sb, "[])");
		sys_finish(&sb, rc, err);
	}
	errno = err;
	return rc;
}

/* Whether a failed look at fd only means it is no TCP socket. */
static bool
not_tcp(int err)
{
	return err == ENOTSOCK || err == EOPNOTSUPP || err == ENOPROTOOPT ||
	    err == EBADF;
}

int
sys_tcp_look(int fd, struct sys_tcp_look *out)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int rc, err;

	memset(&info, 0, sizeof(info));
	rc = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	err = errno;
	out->state = info.tcpi_state;
	out->queued = info.tcpi_unacked;
	out->backlog = info.tcpi_sacked;
	if (!sys_tracing() || !(trace_flags & TRACE_FULL) ||
	    (rc < 0 && not_tcp(err)))
		return rc;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "getsockopt(%d, IPPROTO_TCP, TCP_INFO, ", fd);
	if (rc == 0) {
		const char *name = tcpdiag_state_name(info.tcpi_state);

		strbuf_puts(&sb, "{tcpi_state=");
		if (name != NULL)
			strbuf_printf(&sb, "TCP_%s", name);
		else
			strbuf_printf(&sb, "%u", (unsigned)info.tcpi_state);
		strbuf_printf(&sb, ", tcpi_unacked=%u, tcpi_sacked=%u, ...})",
		    out->queued, out->backlog);
	}
	else
		strbuf_puts(&sb, "[])");
	sys_finish(&sb, rc, err);
	return rc;
}

int
sys_tcp_ends(int fd, struct sockaddr_storage *local,
    struct sockaddr_storage *remote)
{
	socklen_t llen = sizeof(*local), rlen = sizeof(*remote);
	bool shown = sys_tracing() && (trace_flags & TRACE_FULL);
	int rc = getsockname(fd, (struct sockaddr *)local, &llen);

	if (shown)
		sys_trace_addr_out("getsockname", fd, rc, errno,
		    (struct sockaddr *)local, llen);
	if (rc < 0)
		return rc;
	rc = getpeername(fd, (struct sockaddr *)remote, &rlen);
	if (shown)
		sys_trace_addr_out("getpeername", fd, rc, errno,
		    (struct sockaddr *)remote, rlen);
	return rc;
}

/* One line of sock_diag plumbing, in full mode only: CALL = RET. */
static void
trace_plumbing(const char *text, long rc, int err)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;

	if (!sys_tracing() || !(trace_flags & TRACE_FULL)) {
		errno = err;
		return;
	}
	trace_begin(&sb, line, sizeof(line));
	strbuf_puts(&sb, text);
	sys_finish(&sb, rc, err);
}

ssize_t
sys_sock_diag(const void *request, size_t len, void *reply, size_t cap)
{
	char text[160];
	ssize_t rc;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	trace_plumbing("socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG)",
	    fd, errno);
	if (fd < 0)
		return -1;
	do
		rc = send(fd, request, len, 0);
	while (sys_retry_eintr(rc));
	snprintf(text, sizeof(text), "send(%d, {{nlmsg_type="
	    "SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST}, "
	    "inet_diag_req_v2}, %zu, 0)", fd, len);
	trace_plumbing(text, rc, errno);
	if (rc >= 0) {
		do
			rc = recv(fd, reply, cap, 0);
		while (sys_retry_eintr(rc));
		snprintf(text, sizeof(text), "recv(%d, {inet_diag_msg}, %zu, "
		    "0)", fd, cap);
		trace_plumbing(text, rc, errno);
	}
	err = errno;
	snprintf(text, sizeof(text), "close(%d)", fd);
	trace_plumbing(text, close(fd), errno);
	errno = err;
	return rc;
}

int
sys_unix_diag_request(void)
{
	char line[TRACE_LINE_MAX];
	struct strbuf sb;
	struct {
		struct nlmsghdr h;
		struct unix_diag_req req;
	} msg;
	ssize_t rc;
	int fd, err;

	fd = sys_socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = AF_UNIX;
	/* Every state: a datagram socket is "unconnected", a server listens. */
	msg.req.udiag_states = ~0u;
	msg.req.udiag_show = UDIAG_SHOW_VFS;
	do
		rc = send(fd, &msg, sizeof(msg), 0);
	while (sys_retry_eintr(rc));
	err = errno;
	if (sys_tracing()) {
		trace_begin(&sb, line, sizeof(line));
		strbuf_printf(&sb, "send(%d, ", fd);
		trace_unix_diag_request(&sb, &msg.h, &msg.req);
		strbuf_printf(&sb, ", %zu, 0)", sizeof(msg));
		sys_finish(&sb, rc, err);
	}
	if (rc < 0) {
		sys_close(fd);
		errno = err;
		return -1;
	}
	return fd;
}
