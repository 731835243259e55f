/* trace.h: names of socket constants and the format of a --trace line. */
#ifndef SOCKIT_TRACE_H
#define SOCKIT_TRACE_H

#include "compat.h"

#include <sys/socket.h>

#include "strbuf.h"

enum trace_flag {
	TRACE_ON = 1u << 0,	/* print a line per socket-layer call */
	TRACE_FULL = 1u << 1,	/* sockaddrs as C structs, stdio and poll */
	TRACE_TIME = 1u << 2,	/* timestamp before each line */
	TRACE_BYTES = 1u << 3,	/* each sockaddr's raw bytes under the line */
};

extern unsigned trace_flags;
/*
 * When not 0, the number of the forwarded pair whose calls are being made:
 * each line then carries "[#N] " before the call, as strace -f tags the
 * lines of each process.
 */
extern unsigned long trace_tag;

/*
 * Parses "" or a comma-separated list of "full", "bytes" and "time".
 * Returns 0, or -1 if a word is unknown.
 */
int trace_set_mode(const char *spec);

/* Each returns the C constant name, or NULL when it has none here. */
const char *trace_errno_name(int err);
const char *trace_eai_name(int code);
const char *trace_family_name(int family);
const char *trace_socktype_name(int type);
const char *trace_protocol_name(int protocol);
/* The protocol of socket(2) as named in family: NETLINK_SOCK_DIAG too. */
const char *trace_socket_protocol_name(int family, int protocol);
const char *trace_shutdown_name(int how);
/* The h_errno of gethostbyname and gethostbyaddr: "HOST_NOT_FOUND"... */
const char *trace_herror_name(int herr);
/* Returns "SIGTERM" and the like; "SIG?" for a signal not in the table. */
const char *trace_signal_name(int sig);

/* Appends a constant name, or the number when it has no name. */
void trace_name(struct strbuf *sb, const char *name, int value);
/*
 * Appends a sockaddr: {AF_INET, 1.2.3.4:80}, or C struct form when full.
 * With TRACE_BYTES, its bytes are kept too, and trace_emit writes them
 * under the line.
 */
void trace_sockaddr(struct strbuf *sb, const struct sockaddr *sa,
    socklen_t len);
/* Appends a sockopt level, name and value as strace prints them. */
void trace_sockopt(struct strbuf *sb, int level, int optname,
    const void *value, socklen_t len);
struct cmsghdr;
/*
 * Appends a control message of recvmsg or sendmsg:
 * IP_PKTINFO {ipi_ifindex=..., ipi_spec_dst=..., ipi_addr=...}.
 */
void trace_cmsg(struct strbuf *sb, const struct cmsghdr *c);
struct nlmsghdr;
struct unix_diag_req;
/*
 * Appends a sock_diag request for AF_UNIX sockets as strace prints it:
 * {{nlmsg_type=SOCK_DIAG_BY_FAMILY, ...}, {sdiag_family=AF_UNIX, ...}}.
 */
void trace_unix_diag_request(struct strbuf *sb, const struct nlmsghdr *h,
    const struct unix_diag_req *req);
/*
 * Appends len bytes escaped as a data call's buffer shows them, without
 * the quotes or the limit, so decoded lines match the raw ones.
 */
void trace_escape(struct strbuf *sb, const void *buf, size_t len);
/*
 * Appends a data call's buffer as strace shows it: quoted, escaped as C
 * would write it, the first 32 bytes, then "..." when there were more.
 */
void trace_buffer(struct strbuf *sb, const void *buf, size_t len);
/* Appends send/recv flags by name, MSG_PEEK|MSG_TRUNC, or 0. */
void trace_msg_flags(struct strbuf *sb, int flags);
/*
 * Starts a line: "[pid N] " in a process other than the one that turned
 * tracing on (as strace -f tags them), then the timestamp when asked for,
 * then "[#N] " while trace_tag names a pair.
 */
void trace_begin(struct strbuf *sb, char *storage, size_t cap);
/* Appends " = RET", or " = -1 ENAME (text)" when ret is -1. */
void trace_result(struct strbuf *sb, long ret, int err);
/* Ends the line and writes it to stderr in one write, or holds it. */
void trace_emit(struct strbuf *sb);
/*
 * From trace_hold on, the lines of other processes (a vfork child, which
 * runs in our memory) are kept instead of written, until trace_release
 * writes them: so the parent's vfork line comes first, as it happened.
 */
void trace_hold(void);
void trace_release(void);
/*
 * When set, called before and after each write to stderr, so a line
 * editor's prompt can step aside while a trace line or message goes by.
 */
extern void (*trace_stderr_hide)(void);
extern void (*trace_stderr_show)(void);
/* Writes text to stderr in full, between those two calls. */
void trace_write_stderr(const char *text, size_t len);

#endif
