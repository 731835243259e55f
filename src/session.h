/* session.h: what connect and listen share: common options, socket set-up, the relay run. */
#ifndef SOCKIT_SESSION_H
#define SOCKIT_SESSION_H

#include "compat.h"

#include "endpoint.h"
#include "multicast.h"
#include "opt.h"
#include "relay.h"
#include "session_tls.h"
#include "sockopt.h"
#include "spawn.h"
#include "tls.h"

/* The options of SPEC "Options common to connect, listen, send, recv". */
struct session_opts {
	double timeout;		/* -w; < 0: unset */
	double idle_timeout;	/* -i */
	double quit_after;	/* -q */
	int shutdown_mode;	/* enum relay_shutdown */
	int reuseaddr;		/* -1: the command's default */
	int reuseport;
	const char *source;	/* -s ADDR[:PORT], set by commands that bind it */
	struct opt_list sockopts;
	struct opt_list getsockopts;	/* --getsockopt NAME */
	int crlf;
	int verbose;
	int hex;
	int json;
	int progress;
	const char *trace;
	int tcp_state;		/* --tcp-state */
	int udp;
	int unix_path;
	int seqpacket;
	int ipv4;
	int ipv6;
	int no_readline;
	const char *exec_prog;	/* -e PROG ARGS */
	const char *sh_prog;	/* -c STRING */
	int join_stderr;	/* --stderr */
};

/*
 * What send changes in session_relay: where the bytes to send come from
 * and what becomes of the reply. connect and listen leave it NULL.
 */
struct session_plan {
	const void *data;	/* the bytes to send; NULL: read in_fd */
	size_t len;
	int in_fd;		/* with data NULL; -1: send nothing */
	bool want_reply;	/* false: end after the --shutdown step */
	/* Not NULL: each received chunk goes here instead of stdout. */
	void (*on_reply)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

struct session {
	struct session_opts opts;
	struct endpoint_flags flags;
	struct sockopt_setting settings[OPT_LIST_MAX];
	int setting_count;
	const struct sockopt_def *readbacks[OPT_LIST_MAX];	/* --getsockopt */
	int readback_count;
	uint64_t hex_offset[2];
	uint64_t early_bytes;	/* received before the relay started */
	uint64_t early_sent;	/* sent before the relay started */
	uint64_t oversize;	/* datagrams dropped as too long to read */
	const struct session_plan *plan;	/* send's; NULL: stdio */
	bool output_closed;	/* stdout's reader left before the relay */
	bool early_arrival;	/* a datagram came before the relay: -w is met */
	bool receive_only;	/* the peer has no address to send to */
	bool have_source;	/* -s was given and parsed into source */
	bool may_edit;		/* the command lets a person edit lines */
	bool dialed;		/* our end made the connection: connect() */
	int family;		/* of the last socket made; 0: not known */
	int socktype;		/* of the last socket made; 0: not known */
	struct endpoint source;
	bool progress_on_tty;
	bool progress_drawn;
	/*
	 * When set, session_relay writes each received chunk to stdout as
	 * frame puts it in out (at most cap, frame_cap for RELAY_CHUNK_MAX
	 * bytes), not raw: recv's --json lines and --from prefixes.
	 */
	size_t (*frame)(void *ctx, const void *buf, size_t len,
	    unsigned char *out, size_t cap);
	void *frame_ctx;
	size_t frame_cap;
	/*
	 * listen -k on a datagram socket: serve every sender (relay.h's
	 * any_sender), those admit takes when it is set.
	 */
	bool any_sender;
	bool (*admit)(void *ctx, const struct sockaddr *sa, socklen_t len);
	void *admit_ctx;
	/*
	 * --peek: every receive peeks first (MSG_PEEK); send --oob: every
	 * send is urgent (MSG_OOB); recv --oob: urgent bytes are read and
	 * told. msgflags.c checks them and sets the relay up.
	 */
	bool peek;
	bool oob_send;
	bool oob_recv;
	/*
	 * listen --queue: called about every watch_seconds while the relay
	 * runs, so the queue is watched while the peer is served.
	 */
	void (*watch)(void *ctx);
	void *watch_ctx;
	double watch_seconds;
	/* connect's and send's UDP options, applied to each new socket. */
	const struct multicast_send *multicast;
	/* pair's additions to the relay, 0 when unused: see relay.h. */
	int recv_sock;
	int end_fd;
	bool eof_datagram;
	/* TLS: the options, and once set up the context and the session. */
	struct session_tls_opts tlso;
	struct tls_context *tls_ctx;	/* NULL: plain */
	struct tls *tls;		/* during session_relay */
	struct tls_peer tls_peer;	/* what the client checks */
	char tls_host[ENDPOINT_HOST_MAX];
};

/* Two option groups, both parsed into struct session_opts. */
extern const struct opt_def session_socket_defs[];
extern const size_t session_socket_count;
extern const struct opt_def session_data_defs[];
extern const size_t session_data_count;
/* --getsockopt alone, for pair, whose sockets take no other option. */
extern const struct opt_def session_readback_defs[];
extern const size_t session_readback_count;
/* -e, -c and --stderr: a program talks to the peer instead of stdio. */
extern const struct opt_def session_program_defs[];
extern const size_t session_program_count;
/* For the commands that relay a person's typing: --no-readline. */
extern const struct opt_def session_tty_defs[];
extern const size_t session_tty_count;

/* Fills the defaults every command starts from. */
void session_init(struct session *s);
/*
 * Checks the parsed options: contradictions, -o values, the trace mode;
 * sets report's mode. Returns EXIT_OK or EXIT_USAGE (already reported).
 */
int session_check(struct session *s);
/*
 * Parses the positional ENDPOINT [PORT] into *ep. Returns EXIT_OK or
 * EXIT_USAGE (already reported).
 */
int session_endpoint(struct session *s, char **pos, int npos,
    bool port_list, struct endpoint *ep);
/*
 * Opens a non-blocking socket for a and applies SO_REUSEADDR (when
 * reuseaddr, or as -o says), SO_REUSEPORT and every -o option.
 * Returns the descriptor; -1 with errno when socket() itself failed (the
 * caller may try another address), or -2 after reporting any other failure.
 */
int session_socket(struct session *s, const struct endpoint_addr *a,
    bool reuseaddr);
/*
 * Parses -s ADDR[:PORT] (or a unix path) in the terms of the destination
 * dest, so a malformed source is a usage error before any socket exists.
 * Returns EXIT_OK or EXIT_USAGE (already reported).
 */
int session_parse_source(struct session *s, const struct endpoint *dest);
/*
 * Binds to the parsed -s source when given (a unix datagram client
 * without one autobinds a name). Returns 0, or -1 after reporting.
 */
int session_bind_source(struct session *s, int fd,
    const struct endpoint_addr *dest);
/*
 * Waits until fd is ready for events or timeout seconds pass (< 0: no
 * limit). Returns 1 when ready, 0 on timeout, -1 on a signal or after
 * reporting a failed poll().
 */
int session_wait(int fd, short events, double timeout);
/*
 * Seconds left until deadline (relay_now() seconds) for session_wait:
 * -1 when deadline < 0 (none), 0 once it passed.
 */
double session_time_left(double deadline);
/*
 * Sends all len bytes of buf on the non-blocking fd, waiting for room
 * until deadline; the bytes from secret_at to secret_end are '*' in the
 * trace (equal: none). Returns EXIT_OK, EXIT_TIMEOUT, 128 + a signal
 * that came, or EXIT_FAIL with the send's errno in *err (not reported).
 */
int session_send_all(int fd, const unsigned char *buf, size_t len,
    size_t secret_at, size_t secret_end, double deadline, int *err);
/*
 * Relays stdio with the connected sock, whose peer is described by peer.
 * Returns the exit status, after reporting any failure.
 */
int session_relay(struct session *s, int sock, int socktype,
    const char *peer);
/* Dumps buf for -x, marked as sent (RELAY_UP) or received. */
void session_hex(struct session *s, enum relay_dir dir, const void *buf,
    size_t len);
/* Prints the end-of-session summary of -v, --json and --progress. */
void session_summary(struct session *s, const struct relay_stats *stats);
/* Prints -v's "connected" note or --json event for sock. */
void session_connected(struct session *s, int sock, const char *event);
/* Sends a received datagram through the -x/-v hooks and to stdout. */
/*
 * A datagram of len bytes from sender (text) was longer than a read takes:
 * says that it was dropped, and counts it, to fail the run at its end.
 */
void session_oversize(struct session *s, size_t len, const char *sender);
int session_emit_datagram(struct session *s, const void *buf, size_t len);
/*
 * Draws --progress's line for st; last ends it, as the end of a session
 * does.
 */
void session_progress(struct session *s, const struct relay_stats *st,
    bool last);
/* Returns true when -e or -c names a program. */
bool session_has_program(const struct session *s);
/*
 * Fills cmd from -e or -c and starts hearing of child exits. Returns
 * EXIT_OK, or the status after reporting.
 */
int session_program(struct session *s, struct spawn_cmd *cmd);
/*
 * The environment a program gets for the connected sock, whose peer
 * (plen bytes; 0: unnamed) accept or getpeername gave: SOCKIT_PEER_ADDR,
 * SOCKIT_PEER_PORT, SOCKIT_LOCAL_ADDR and SOCKIT_LOCAL_PORT.
 */
void session_program_env(int sock, const struct sockaddr *peer,
    socklen_t plen, struct spawn_env *env);
/*
 * Runs cmd with the connected sock as its stdin and stdout (also_close
 * closed in it), waits for it, and closes sock. Returns the program's exit
 * status, 128+N after signal N, or EXIT_FAIL after reporting.
 */
int session_run_program(struct session *s, struct spawn_cmd *cmd, int sock,
    int also_close);
/*
 * Reports the end of a program's connection on -v or --json: the bytes
 * TCP counted on sock (when it can), the seconds since start, the pid
 * and its status.
 */
void session_program_closed(struct session *s, int sock, const char *peer,
    double start, pid_t pid, int status);
/* Remembers an AF_UNIX path to remove at exit, even on a signal. */
void session_remove_at_exit(const char *path);
/* Removes the remembered path, if any. */
void session_cleanup(void);

#endif
