/* proxyclient.c: the proxy benchmark's client and bulk target: SOCKS5 or HTTP CONNECT tunnels to loopback, one big one or many short ones. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: proxyclient bulk socks5|http|none PORT TARGET_PORT MIB
 *        proxyclient rate socks5|http|none PORT TARGET_PORT SECONDS CONC
 *        proxyclient sink PORT
 *        proxyclient echo PORT
 *
 * bulk: connects to 127.0.0.1:PORT, asks the proxy there for a tunnel to
 * 127.0.0.1:TARGET_PORT (none: PORT is the target, or a plain forwarder
 * to it), then sends an 8-byte length and MIB MiB, and waits for the
 * sink's 8-byte answer that it has them all. No FIN is sent, because
 * some proxies end the tunnel at the client's FIN before the answer
 * comes back. Prints "BYTES SECONDS CPU": the seconds from the end of
 * the handshake to the answer, and the percent of a core the client
 * used.
 *
 * rate: CONC connections at once from one epoll loop, each a whole
 * transaction (connect, handshake, 16 bytes to the echo target and back,
 * the target's close, close), replaced as soon as it ends, for SECONDS.
 * One process, the cheapest way to keep many going, since client and
 * proxy share the machine's cores. Prints "CONNS ERRORS RATE CPU".
 *
 * sink: the bulk target: on 127.0.0.1:PORT, one client after another,
 * reads the length and that many bytes (spliced to /dev/null) and
 * answers with the count, and closes.
 *
 * echo: the rate target (see echo below).
 *
 * SOCKS5 asks for no authentication and CONNECT by IPv4 address; HTTP
 * sends CONNECT with a Host header and wants a 200. The first failure's
 * reason goes to stderr, so a proxy that refuses says why.
 */

#define CHUNK (1 << 20)
#define MESSAGE "sixteen bytes!!\n"

enum kind { SOCKS5, HTTP, NONE };
enum step_type {
	SEND, RECV_METHOD, RECV_SOCKS_REPLY, RECV_HTTP_HEAD, RECV_ECHO,
	RECV_EOF, DONE
};

struct step {
	enum step_type type;
	const char *data;
	size_t len;
};

struct conn {
	int fd;
	int fd_nonblocking;
	int step;
	size_t done;
	char in[1024];
	size_t inlen;
};

static struct step steps[8];
static char greeting[3] = { 5, 1, 0 };
static char request[10];
static char http_request[128];
static int said_why;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The share of one core this process has used since it started, in
 * percent: near 100 the client, not the proxy, is what was measured.
 */
static double
busy(double start)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return 100 * ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6) /
	    (now() - start);
}

/* One line on stderr for the first failure only: the rest are alike. */
static void
why(const char *fmt, ...)
{
	va_list ap;

	if (said_why++)
		return;
	fputs("proxyclient: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct sockaddr_in
loopback(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/*
 * The steps of one transaction: the handshake for the kind, then, when
 * echo is set, the message and its echo.
 */
static void
plan(enum kind kind, int target, int echo)
{
	int n = 0;
	uint16_t port = htons((uint16_t)target);
	uint32_t addr = htonl(INADDR_LOOPBACK);

	if (kind == SOCKS5) {
		request[0] = 5;
		request[1] = 1;
		request[2] = 0;
		request[3] = 1;
		memcpy(request + 4, &addr, 4);
		memcpy(request + 8, &port, 2);
		steps[n++] = (struct step){ SEND, greeting, sizeof(greeting) };
		steps[n++] = (struct step){ RECV_METHOD, NULL, 2 };
		steps[n++] = (struct step){ SEND, request, sizeof(request) };
		steps[n++] = (struct step){ RECV_SOCKS_REPLY, NULL, 0 };
	} else if (kind == HTTP) {
		snprintf(http_request, sizeof(http_request),
		    "CONNECT 127.0.0.1:%d HTTP/1.1\r\n"
		    "Host: 127.0.0.1:%d\r\n\r\n", target, target);
		steps[n++] = (struct step){ SEND, http_request,
		    strlen(http_request) };
		steps[n++] = (struct step){ RECV_HTTP_HEAD, NULL, 0 };
	}
	if (echo) {
		steps[n++] = (struct step){ SEND, MESSAGE, strlen(MESSAGE) };
		steps[n++] = (struct step){ RECV_ECHO, NULL,
		    strlen(MESSAGE) };
		steps[n++] = (struct step){ RECV_EOF, NULL, 1 };
	}
	steps[n] = (struct step){ DONE, NULL, 0 };
}

/* How many bytes the reply being read needs in all; 0 while unknown. */
static size_t
needed(const struct step *s, const struct conn *c)
{
	if (s->type == RECV_METHOD || s->type == RECV_ECHO ||
	    s->type == RECV_EOF)
		return s->len;
	if (s->type == RECV_SOCKS_REPLY) {
		if (c->inlen < 5)
			return 5;
		switch ((unsigned char)c->in[3]) {
		case 1:
			return 10;
		case 4:
			return 22;
		case 3:
			return 7 + (unsigned char)c->in[4];
		default:
			return 5;
		}
	}
	return sizeof(c->in) - 1;
}

/* Whether a reply that has all its bytes is the one hoped for. */
static int
good(const struct step *s, struct conn *c)
{
	if (s->type == RECV_METHOD) {
		if (c->in[0] != 5 || c->in[1] != 0) {
			why("socks5 method reply %02x %02x",
			    (unsigned char)c->in[0], (unsigned char)c->in[1]);
			return 0;
		}
	} else if (s->type == RECV_SOCKS_REPLY) {
		if (c->in[0] != 5 || c->in[1] != 0) {
			why("socks5 reply VER=%u REP=0x%02x",
			    (unsigned char)c->in[0], (unsigned char)c->in[1]);
			return 0;
		}
	} else if (s->type == RECV_HTTP_HEAD) {
		c->in[c->inlen] = '\0';
		if (strncmp(c->in, "HTTP/1.", 7) != 0 ||
		    strncmp(c->in + 8, " 200", 4) != 0) {
			c->in[strcspn(c->in, "\r\n")] = '\0';
			why("http answer: %s", c->in);
			return 0;
		}
	}
	return 1;
}

/*
 * Takes the connection as far as it goes without waiting. Returns 1 when
 * it is done, 0 when it waits for the socket, -1 when it failed.
 */
static int
advance(struct conn *c)
{
	for (;;) {
		const struct step *s = &steps[c->step];
		ssize_t n;
		size_t need;

		if (s->type == DONE)
			return 1;
		if (s->type == SEND) {
			n = send(c->fd, s->data + c->done, s->len - c->done,
			    MSG_NOSIGNAL);
			if (n < 0)
				break;
			c->done += (size_t)n;
			if (c->done < s->len)
				continue;
			c->step++;
			c->done = 0;
			/* The answer cannot be there yet: the edge of its
			 * coming wakes the loop, and a recv now would be one
			 * more call a transaction for nothing. */
			if (c->fd_nonblocking && steps[c->step].type != DONE)
				return 0;
			continue;
		}
		need = needed(s, c);
		n = recv(c->fd, c->in + c->inlen, need - c->inlen, 0);
		if (n == 0 && s->type == RECV_EOF) {
			c->step++;
			continue;
		}
		if (n > 0 && s->type == RECV_EOF) {
			why("more than the echo came back");
			return -1;
		}
		if (n == 0) {
			why("the peer closed in step %d", c->step);
			return -1;
		}
		if (n < 0)
			break;
		c->inlen += (size_t)n;
		if (s->type == RECV_HTTP_HEAD) {
			c->in[c->inlen] = '\0';
			if (strstr(c->in, "\r\n\r\n") == NULL) {
				if (c->inlen == sizeof(c->in) - 1)
					return -1;
				continue;
			}
		} else if (c->inlen < needed(s, c)) {
			continue;
		}
		if (!good(s, c))
			return -1;
		c->step++;
		c->inlen = 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	why("step %d: %s", c->step, strerror(errno));
	return -1;
}

static int
open_conn(struct conn *c, const struct sockaddr_in *to, int flags)
{
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | flags, 0);
	if (c->fd < 0)
		return -1;
	c->fd_nonblocking = (flags & SOCK_NONBLOCK) != 0;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)to, sizeof(*to)) < 0 &&
	    errno != EINPROGRESS) {
		why("connect: %s", strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
bulk(enum kind kind, int port, int target, long mib)
{
	static char buf[CHUNK];
	struct sockaddr_in to = loopback(port);
	struct conn c;
	uint64_t total = (uint64_t)mib * CHUNK, left, sent, back;
	double began = now(), start;

	plan(kind, target, 0);
	if (open_conn(&c, &to, 0) < 0 || advance(&c) != 1)
		return 1;
	start = now();
	sent = htobe64(total);
	if (write_all(c.fd, (const char *)&sent, sizeof(sent)) < 0)
		return 1;
	for (left = total; left > 0; left -= left < CHUNK ? left : CHUNK)
		if (write_all(c.fd, buf, left < CHUNK ? left : CHUNK) < 0) {
			why("write: %s", strerror(errno));
			return 1;
		}
	if (read_all(c.fd, (char *)&back, sizeof(back)) < 0 ||
	    be64toh(back) != total) {
		why("bulk: no count, or the wrong one, came back");
		return 1;
	}
	printf("%llu %.4f %.0f\n", (unsigned long long)total, now() - start,
	    busy(began));
	close(c.fd);
	return 0;
}

/* What the rate loop shares with launch. */
static struct sockaddr_in rate_to;
static int rate_ep;
static double rate_end;
static unsigned long rate_done, rate_errors;

/*
 * Puts a new transaction in c's place, and takes it as far as it goes at
 * once: on loopback the connect often completes within the call, and the
 * first request then leaves without a trip through epoll. Those that end
 * that soon are counted and replaced in the same way.
 */
static void
launch(struct conn *c)
{
	struct epoll_event ev;
	int r;

	for (;;) {
		while (open_conn(c, &rate_to, SOCK_NONBLOCK) < 0) {
			rate_errors++;
			if (now() >= rate_end)
				return;
		}
		ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
		ev.data.ptr = c;
		epoll_ctl(rate_ep, EPOLL_CTL_ADD, c->fd, &ev);
		r = advance(c);
		if (r == 0)
			return;
		if (r > 0)
			rate_done++;
		else
			rate_errors++;
		close(c->fd);
		c->fd = -1;
		if (now() >= rate_end)
			return;
	}
}

static int
rate(enum kind kind, int port, int target, double seconds, int conc)
{
	struct epoll_event evs[256];
	struct conn *conns = calloc((size_t)conc, sizeof(*conns));
	double start = now();
	int i, n, r;

	rate_to = loopback(port);
	rate_ep = epoll_create1(0);
	rate_end = start + seconds;
	if (conns == NULL || rate_ep < 0)
		return 1;
	plan(kind, target, 1);
	for (i = 0; i < conc; i++)
		launch(&conns[i]);
	while (now() < rate_end) {
		n = epoll_wait(rate_ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			r = advance(c);
			if (r == 0)
				continue;
			if (r > 0)
				rate_done++;
			else
				rate_errors++;
			close(c->fd);
			c->fd = -1;
			launch(c);
		}
	}
	printf("%lu %lu %.1f %.0f\n", rate_done, rate_errors,
	    (double)rate_done / (now() - start), busy(start));
	return 0;
}

static int
sink(int port)
{
	struct sockaddr_in at = loopback(port);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), null, p[2], one = 1;

	null = open("/dev/null", O_WRONLY);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (null < 0 || pipe(p) < 0 ||
	    bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(lfd, 64) < 0) {
		perror("proxyclient sink");
		return 1;
	}
	fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	for (;;) {
		uint64_t want, left;
		ssize_t n;
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0)
			continue;
		if (read_all(cfd, (char *)&want, sizeof(want)) < 0) {
			close(cfd);
			continue;
		}
		for (left = be64toh(want); left > 0; left -= (uint64_t)n) {
			n = splice(cfd, NULL, p[1], NULL,
			    left < CHUNK ? left : CHUNK, SPLICE_F_MOVE);
			if (n <= 0 || splice(p[0], NULL, null, NULL,
			    (size_t)n, SPLICE_F_MOVE) != n)
				break;
		}
		if (left == 0)
			write_all(cfd, (const char *)&want, sizeof(want));
		close(cfd);
	}
}

/*
 * The rate target: sends back what comes and closes once the message is
 * back, before the client does. The side that closes first keeps the
 * connection in TIME_WAIT for a minute; here that is this server's port,
 * and not the ephemeral ports a proxy connects from, which tens of
 * thousands of short connections would otherwise use up.
 */
static int
echo(int port)
{
	static size_t got[65536];
	struct sockaddr_in at = loopback(port);
	struct epoll_event ev, evs[64];
	char buf[256];
	int lfd = socket(AF_INET, SOCK_STREAM, 0), ep = epoll_create1(0);
	int one = 1, i, n, fd;
	ssize_t r;

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep < 0 || bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(lfd, 4096) < 0) {
		perror("proxyclient echo");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
				if (fd < 0)
					continue;
				if (fd >= 65536) {
					close(fd);
					continue;
				}
				got[fd] = 0;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				    sizeof(one));
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0 && write(fd, buf, (size_t)r) == r &&
			    (got[fd] += (size_t)r) < strlen(MESSAGE))
				continue;
			close(fd);
		}
	}
}

static enum kind
kind_of(const char *name)
{
	if (strcmp(name, "socks5") == 0)
		return SOCKS5;
	if (strcmp(name, "http") == 0)
		return HTTP;
	if (strcmp(name, "none") == 0)
		return NONE;
	fprintf(stderr, "proxyclient: unknown kind %s\n", name);
	exit(2);
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return echo(atoi(argv[2]));
	if (argc == 6 && strcmp(argv[1], "bulk") == 0)
		return bulk(kind_of(argv[2]), atoi(argv[3]), atoi(argv[4]),
		    atol(argv[5]));
	if (argc == 7 && strcmp(argv[1], "rate") == 0)
		return rate(kind_of(argv[2]), atoi(argv[3]), atoi(argv[4]),
		    atof(argv[5]), atoi(argv[6]));
	fprintf(stderr, "usage: proxyclient bulk KIND PORT TARGET_PORT MIB\n"
	    "       proxyclient rate KIND PORT TARGET_PORT SECONDS CONC\n"
	    "       proxyclient sink PORT\n"
	    "       proxyclient echo PORT\n");
	return 2;
}
