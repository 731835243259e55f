/* services.c: echo, discard, daytime, chargen and upper, served inside sockit so that --trace shows their calls. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "relay.h"
#include "services.h"
#include "sys.h"
#include "textbook.h"

/*
 * The room of a stream service's recv: small, as the C program of a
 * course has it, so that a long line takes several visible calls.
 */
#define STREAM_ROOM 1024
/* A datagram service takes any UDP datagram whole (65507 at most). */
#define DATAGRAM_ROOM 65536
/* chargen's lines: 72 characters, then CR LF (RFC 864). */
#define CHARGEN_WIDTH 72
#define CHARGEN_PRINTABLE 95
/* A UDP chargen answer stays under RFC 864's 512 characters. */
#define CHARGEN_DATAGRAM_LINES 6

/*
 * What a service does with a peer's bytes: answer holds the reply of n
 * bytes into out (room cap) and returns its length, or -1 for no reply.
 */
typedef long (*answer_fn)(const unsigned char *in, size_t n,
    unsigned char *out, size_t cap);

struct service {
	const char *name;
	answer_fn answer;	/* to each block of bytes that came */
	answer_fn greet;	/* at once, for a peer that has not sent */
	bool stream_talks;	/* stream: keeps sending, never reads */
};

static long
answer_echo(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	if (n > cap)
		n = cap;
	memcpy(out, in, n);
	return (long)n;
}

static long
answer_upper(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	size_t i;

	if (n > cap)
		n = cap;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)toupper(in[i]);
	return (long)n;
}

static long
answer_none(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	(void)in;
	(void)n;
	(void)out;
	(void)cap;
	return -1;
}

/*
 * RFC 867 leaves the form free; this one, in English and UTC, is the
 * same whatever the locale of the machine.
 */
static long
greet_daytime(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	static const char *const days[] = { "Sunday", "Monday", "Tuesday",
		"Wednesday", "Thursday", "Friday", "Saturday" };
	static const char *const months[] = { "January", "February",
		"March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December" };
	time_t now = time(NULL);
	struct tm tm;
	int len;

	(void)in;
	(void)n;
	gmtime_r(&now, &tm);
	len = snprintf((char *)out, cap, "%s, %s %d, %d %02d:%02d:%02d-UTC\r\n",
	    days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return len < 0 || (size_t)len >= cap ? -1 : len;
}

/* Line `first` of chargen's rotating pattern, CR LF included, at out. */
static void
chargen_line(unsigned first, unsigned char *out)
{
	unsigned j;

	for (j = 0; j < CHARGEN_WIDTH; j++)
		out[j] = (unsigned char)(' ' + (first + j) % CHARGEN_PRINTABLE);
	out[CHARGEN_WIDTH] = '\r';
	out[CHARGEN_WIDTH + 1] = '\n';
}

static long
greet_chargen(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	unsigned i;

	(void)in;
	(void)n;
	if (cap < CHARGEN_DATAGRAM_LINES * (CHARGEN_WIDTH + 2))
		return -1;
	for (i = 0; i < CHARGEN_DATAGRAM_LINES; i++)
		chargen_line(i, out + i * (CHARGEN_WIDTH + 2));
	return CHARGEN_DATAGRAM_LINES * (CHARGEN_WIDTH + 2);
}

/* The services are data: a new one is a row and, at most, a function. */
static const struct service services[] = {
	{ "echo", answer_echo, NULL, false },		/* RFC 862 */
	{ "discard", answer_none, NULL, false },	/* RFC 863 */
	{ "daytime", greet_daytime, greet_daytime, false }, /* RFC 867 */
	{ "chargen", greet_chargen, greet_chargen, true }, /* RFC 864 */
	{ "upper", answer_upper, NULL, false },		/* echo, in capitals */
};

/* In the order of the table: --serve's argument is an index into it. */
const char service_choices[] = "echo|discard|daytime|chargen|upper";

const struct service *
service_at(int i)
{
	if (i < 0 || (size_t)i >= sizeof(services) / sizeof(services[0]))
		return NULL;
	return &services[i];
}

const char *
service_name(const struct service *svc)
{
	return svc->name;
}

/* Blocking calls, as the lesson's program makes them; idle bounds them. */
static int
make_blocking(int fd, double idle)
{
	struct timeval tv;

	if (sys_set_blocking(fd) < 0)
		return -1;
	if (idle <= 0)
		return 0;
	tv.tv_sec = (time_t)idle;
	tv.tv_usec = (suseconds_t)((idle - (double)tv.tv_sec) * 1e6);
	if (sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return 0;
}

/* send until all of buf is gone, as a stream may take part of it. */
static int
send_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = sys_send(fd, buf, len, 0);

		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A peer that went away ends a service's conversation, not the server. */
static int
peer_gone(void)
{
	if (errno == EPIPE || errno == ECONNRESET)
		return 0;
	return -1;
}

/* chargen over a stream: lines until the peer stops taking them. */
static int
chargen_stream(int fd)
{
	unsigned char buf[CHARGEN_PRINTABLE * (CHARGEN_WIDTH + 2)];
	unsigned i;

	/* One full turn of the pattern per send: it starts over after. */
	for (i = 0; i < CHARGEN_PRINTABLE; i++)
		chargen_line(i, buf + i * (CHARGEN_WIDTH + 2));
	for (;;) {
		if (sys_signal_caught) {
			errno = EINTR;
			return -1;
		}
		if (send_all(fd, buf, sizeof(buf)) < 0)
			return peer_gone();
	}
}

int
service_stream(const struct service *svc, int fd, double idle)
{
	/* --bufsize sets the room, up to what one recv of the pump takes. */
	static unsigned char in[RELAY_CHUNK_MAX], out[RELAY_CHUNK_MAX];
	size_t room = relay_bufsize > 0 ? relay_bufsize : STREAM_ROOM;
	long len;
	ssize_t n;

	if (make_blocking(fd, idle) < 0)
		return -1;
	if (svc->stream_talks)
		return chargen_stream(fd);
	if (svc->greet != NULL) {
		len = svc->greet(NULL, 0, out, sizeof(out));
		if (len > 0 && send_all(fd, out, (size_t)len) < 0)
			return peer_gone();
		return 0;
	}
	for (;;) {
		if (sys_signal_caught) {
			errno = EINTR;
			return -1;
		}
		n = sys_recv(fd, in, room, 0);
		if (n == 0)
			return 0;
		if (n < 0)
			return peer_gone();
		len = svc->answer(in, (size_t)n, out, room);
		if (len > 0 && send_all(fd, out, (size_t)len) < 0)
			return peer_gone();
	}
}

int
service_datagrams(const struct service *svc, int fd, double idle)
{
	static unsigned char in[DATAGRAM_ROOM], out[DATAGRAM_ROOM];
	/* --bufsize, or textbook mode's one buffer, sets the room. */
	size_t room = relay_bufsize > 0 ? relay_bufsize : textbook_on() ?
	    textbook_bufsize() : sizeof(in);
	struct sockaddr_storage from;
	socklen_t flen;
	long len;
	ssize_t n;

	if (make_blocking(fd, idle) < 0)
		return -1;
	for (;;) {
		if (sys_signal_caught) {
			errno = EINTR;
			return -1;
		}
		flen = sizeof(from);
		/* A buffer shorter than a datagram cuts it: the lesson. */
		n = sys_recvfrom(fd, in, room, 0,
		    (struct sockaddr *)&from, &flen);
		if (n < 0 && (errno == ECONNREFUSED || errno == EHOSTUNREACH))
			continue;	/* an earlier answer's ICMP error */
		if (n < 0)
			return -1;
		len = svc->answer(in, (size_t)n, out, sizeof(out));
		/*
		 * Each answer goes to the sender of its datagram, whoever it
		 * was: one unconnected socket serves any number of senders.
		 * A send that fails concerns that sender alone.
		 */
		if (len >= 0)
			(void)sys_sendto(fd, out, (size_t)len, 0,
			    (const struct sockaddr *)&from, flen);
	}
}
