/* flood.c: the UDP receive benchmark: a sender that outruns the receiver, and the datagrams the receiver wrote counted on its stdout. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: flood COUNT SIZE PORT RECEIVER ARGS...
 *
 * Starts RECEIVER ("PORT" in its arguments becomes the port) with its
 * stdout a pipe, waits until something has bound UDP 127.0.0.1:PORT, and
 * sends it COUNT datagrams of SIZE bytes from one socket, with sendmmsg
 * and as fast as the kernel takes them, which is faster than any receiver
 * drains them, so the socket's receive buffer overflows and what the
 * receiver takes per second is what is measured. Counts the bytes the
 * receiver writes until none came for half a second, and prints
 * "WRITTEN LOST RATE": datagrams written (bytes / SIZE), those lost, and
 * datagrams per second from the first written to the last.
 *
 * usage: flood sink PORT: the floor: a plain loop of recv and write on
 * 127.0.0.1:PORT, for ever.
 */

#define BATCH 64

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in
loopback(int port)
{
	struct sockaddr_in at;

	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)port);
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return at;
}

static int
sink(int port)
{
	struct sockaddr_in at = loopback(port);
	char buf[65536];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0) {
		perror("flood sink");
		return 1;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) >= 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	return 1;
}

/* Whether a socket is bound to UDP 127.0.0.1:port: ours cannot be. */
static bool
bound(int port)
{
	struct sockaddr_in at = loopback(port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool taken = bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0 &&
	    errno == EADDRINUSE;

	close(fd);
	return taken;
}

static void
send_all(int port, long count, size_t size)
{
	struct sockaddr_in at = loopback(port);
	static char rec[65536];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { rec, size };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), i, n;
	long sent = 0;

	memset(rec, 'f', size);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (connect(fd, (struct sockaddr *)&at, sizeof(at)) < 0) {
		perror("flood: connect");
		_exit(1);
	}
	while (sent < count) {
		n = count - sent < BATCH ? (int)(count - sent) : BATCH;
		n = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (n < 0 && errno != ENOBUFS && errno != ECONNREFUSED) {
			perror("flood: sendmmsg");
			_exit(1);
		}
		if (n > 0)
			sent += n;
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	char portbuf[16], buf[1 << 16];
	long count, bytes = 0;
	size_t size;
	int port, p[2], a, i;
	double first = 0, last = 0;
	pid_t pid;

	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]));
	if (argc < 5) {
		fprintf(stderr, "usage: flood COUNT SIZE PORT RECEIVER ARGS...\n");
		return 2;
	}
	count = atol(argv[1]);
	size = (size_t)atol(argv[2]);
	port = atoi(argv[3]);
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	for (a = 4; a < argc; a++) {
		char *at = strstr(argv[a], "PORT"), *with;

		if (at == NULL)
			continue;
		if (asprintf(&with, "%.*s%s%s", (int)(at - argv[a]), argv[a],
		    portbuf, at + 4) < 0)
			return 1;
		argv[a] = with;
	}
	if (pipe(p) < 0) {
		perror("flood: pipe");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(p[1]);
	for (i = 0; i < 500 && !bound(port); i++)
		usleep(10000);
	if (fork() == 0)
		send_all(port, count, size);
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, bytes == 0 ? 10000 : 500) <= 0)
			break;
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (bytes == 0)
			first = now();
		bytes += n;
		last = now();
	}
	kill(pid, SIGTERM);
	while (wait(NULL) > 0)
		continue;
	printf("%ld %ld %.0f\n", bytes / (long)size, count - bytes / (long)size,
	    bytes > (long)size && last > first ?
	    (double)(bytes / (long)size - 1) / (last - first) : 0);
	return 0;
}
