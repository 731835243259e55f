/* step.c: --step: each call shown with what it is about to do, then run when the teacher presses Enter. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "step.h"
#include "sys.h"
#include "trace.h"

void (*step_on_quit)(void);

static int tty_fd = -1;
/* The process that turned stepping on: the only one that waits. */
static pid_t stepper;
/* The last child that said it runs free: each child says so once. */
static pid_t told;

/*
 * What each call is about to do, as a teacher would say it while the
 * class reads the line above. Kept to what is true of every use sockit
 * makes of the call, so it never contradicts the line it explains.
 */
static const struct {
	const char *call;
	const char *text;
} explanations[] = {
	{ "getaddrinfo", N_("looks the name and service up (hosts file, DNS, "
	    "services file) and returns a list of socket addresses to try") },
	{ "getnameinfo", N_("turns a socket address back into a host name and "
	    "a service name") },
	{ "inet_pton", N_("converts an address from text to the binary form "
	    "a sockaddr holds, in network byte order") },
	{ "inet_ntop", N_("converts a binary address back to text to print") },
	{ "socket", N_("asks the kernel for a new endpoint of this family and "
	    "type; returns its descriptor, not yet bound or connected") },
	{ "socketpair", N_("makes two sockets already connected to each other, "
	    "one descriptor for each end") },
	{ "setsockopt", N_("sets an option of the socket; set before bind or "
	    "connect, it changes what they do") },
	{ "getsockopt", N_("reads an option of the socket back from the "
	    "kernel") },
	{ "bind", N_("gives the socket its local address and port (port 0: the "
	    "kernel picks a free one)") },
	{ "listen", N_("makes the bound socket a listening one; the backlog "
	    "bounds the queue of connections waiting for accept") },
	{ "accept", N_("takes the next connection from the listen queue, "
	    "waiting for one if it is empty; returns a new socket for that "
	    "client while the listener stays") },
	{ "connect", N_("TCP: sends the SYN and waits for the three-way "
	    "handshake; UDP: only records the peer to send to") },
	{ "getsockname", N_("asks which local address and port the socket has "
	    "(after a bind to port 0, the port the kernel chose)") },
	{ "getpeername", N_("asks the address and port of the connected "
	    "peer") },
	{ "send", N_("copies the bytes into the socket's send buffer; the "
	    "count returned is what the kernel took, not what the peer has "
	    "read") },
	{ "recv", N_("waits for data and copies at most len bytes; 0 means "
	    "the peer has closed its side (end of file)") },
	{ "sendto", N_("sends one datagram to the address given; no connection "
	    "is needed") },
	{ "recvfrom", N_("waits for one datagram and says who sent it; a "
	    "datagram longer than the buffer is cut") },
	{ "sendmsg", N_("sends data with control messages beside it") },
	{ "recvmsg", N_("receives data and the control messages that came "
	    "with it") },
	{ "read", N_("reads from a descriptor: stdin here, or a socket, where "
	    "it is recv with no flags") },
	{ "write", N_("writes to a descriptor: stdout here, or a socket, where "
	    "it is send with no flags") },
	{ "poll", N_("waits until one of the descriptors is ready, so one "
	    "process can watch stdin and the socket at once") },
	{ "select", N_("waits until one of the descriptors in the sets is "
	    "ready, so one process can watch stdin and the socket at once") },
	{ "shutdown", N_("ends one direction of the connection (SHUT_WR sends "
	    "the FIN); the descriptor stays open") },
	{ "close", N_("releases the descriptor; when it was the last one, TCP "
	    "sends its FIN (or RST, if received data was left unread)") },
	{ "unlink", N_("removes the socket file's name: bind made it, and "
	    "close does not remove it") },
	{ "fork", N_("copies this process: the child serves the client while "
	    "the parent goes back to accept") },
	{ "waitpid", N_("collects a finished child's exit status, so it does "
	    "not stay a zombie") },
	{ "sigaction", N_("installs a signal handler: for SIGCHLD, the one "
	    "that reaps finished children") },
};

const char *
step_explain(const char *call)
{
	size_t i;

	if (call == NULL)
		return NULL;
	for (i = 0; i < ARRAY_LEN(explanations); i++)
		if (strcmp(explanations[i].call, call) == 0)
			return explanations[i].text;
	return NULL;
}

int
step_enable(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* Out of the low numbers, so the first socket is still 3. */
	tty_fd = fcntl(fd, F_DUPFD_CLOEXEC, 64);
	if (tty_fd < 0)
		tty_fd = fd;
	else
		close(fd);
	stepper = getpid();
	return 0;
}

bool
step_on(void)
{
	return tty_fd >= 0;
}

bool
step_wanted(void)
{
	pid_t pid;

	if (tty_fd < 0)
		return false;
	pid = getpid();
	if (pid == stepper)
		return true;
	if (told != pid) {
		char line[128];
		struct strbuf sb;

		/* A vfork child shares told with us: it holds its own pid. */
		told = pid;
		strbuf_init(&sb, line, sizeof(line));
		strbuf_printf(&sb, _("sockit: child %ld runs without stepping"),
		    (long)pid);
		trace_emit(&sb);
	}
	return false;
}

/* The call's name: the line's text up to its "(", after any tags. */
static const char *
call_name(const char *line, char *name, size_t cap)
{
	const char *open = strchr(line, '(');
	const char *start = open;
	size_t len;

	if (open == NULL)
		return NULL;
	while (start > line && start[-1] != ' ' && start[-1] != ']')
		start--;
	len = (size_t)(open - start);
	if (len == 0 || len >= cap)
		return NULL;
	memcpy(name, start, len);
	name[len] = '\0';
	return name;
}

/*
 * Reads the teacher's answer, a line. Returns true for Enter, false for
 * "q", the terminal's end, an error, or a signal that ends sockit; any
 * other signal (a child's SIGCHLD) leaves the teacher still to answer.
 */
static bool
answer_go(void)
{
	char buf[64];
	bool first = true, quit = false;
	ssize_t n, i;

	for (;;) {
		n = read(tty_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR && sys_signal_caught == 0)
			continue;
		if (n <= 0)
			return false;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n')
				return !quit;
			if (first && buf[i] != ' ' && buf[i] != '\t') {
				quit = buf[i] == 'q' || buf[i] == 'Q';
				first = false;
			}
		}
	}
}

/*
 * Appends text as a C comment under the call, broken between words.
 * Columns are counted in characters, not bytes: a translation's "ó" is
 * two bytes of UTF-8 and one place on the screen.
 */
static void
wrap_comment(struct strbuf *out, const char *text)
{
	const char *lead = "    /* ";
	size_t at, col, room;

	while (*text != '\0') {
		const char *end = text, *space = NULL;

		room = STEP_WIDTH - strlen(lead);
		for (at = 0, col = 0; end[at] != '\0'; at++) {
			/* A continuation byte adds no column of its own. */
			if (((unsigned char)end[at] & 0xc0) == 0x80)
				continue;
			if (col == room)
				break;
			if (end[at] == ' ')
				space = end + at;
			col++;
		}
		if (end[at] == '\0' && col + 3 <= room)
			space = end + at;
		else if (space == NULL)
			space = end + at;
		strbuf_printf(out, "%s%.*s", lead, (int)(space - text), text);
		text = *space == ' ' ? space + 1 : space;
		lead = "\n       ";
	}
	strbuf_puts(out, " */\n");
}

void
step_explain_line(struct strbuf *out, const char *line)
{
	char name[32];
	const char *text = step_explain(call_name(line, name, sizeof(name)));

	if (text != NULL)
		wrap_comment(out, _(text));
}

void
step_pause(struct strbuf *sb)
{
	char line[512];
	struct strbuf out;

	strbuf_init(&out, line, sizeof(line));
	step_explain_line(&out, strbuf_str(sb));
	strbuf_puts(sb, " ...");
	trace_emit(sb);
	/*
	 * A whole line: a child's lines may come while we wait, and the
	 * Enter the terminal echoes then only leaves a blank line.
	 */
	strbuf_puts(&out, _("    [Enter: run it, q: end the demo]\n"));
	trace_write_stderr(strbuf_str(&out), strbuf_used(&out));
	if (answer_go())
		return;
	close(tty_fd);
	tty_fd = -1;
	if (step_on_quit != NULL)
		step_on_quit();
	_exit(0);
}
