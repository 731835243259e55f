/* records.c: the UDP benchmark's source: fixed-size records through a packet-mode pipe into a sender, and the datagrams counted at a receiver. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <fcntl.h>
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
 * usage: records COUNT SIZE PORT SENDER ARGS...
 *
 * Binds a UDP receiver on 127.0.0.1:PORT, starts SENDER with a packet-mode
 * pipe (O_DIRECT: each write is one record, each read returns one) as its
 * stdin, writes COUNT records of SIZE bytes into it and closes it, then
 * counts the datagrams that arrive until none has come for half a second.
 * Prints "RECEIVED LOST RATE", RATE in datagrams per second from the first
 * to the last. "PORT" in the arguments of SENDER becomes the port.
 *
 * usage: records relay PORT: the floor: read stdin, send each read as a
 * datagram to 127.0.0.1:PORT, until EOF.
 */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
udp_to(int port, bool bind_it)
{
	struct sockaddr_in at;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 32 << 20;

	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)port);
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if ((bind_it ? bind(fd, (struct sockaddr *)&at, sizeof(at)) :
	    connect(fd, (struct sockaddr *)&at, sizeof(at))) < 0) {
		perror("records");
		exit(1);
	}
	return fd;
}

static int
relay(int port)
{
	char buf[65536];
	int fd = udp_to(port, false);
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (send(fd, buf, (size_t)n, 0) < 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	char portbuf[16], rec[65536];
	long count, i, got = 0;
	size_t size;
	int port, rfd, p[2], a;
	double first = 0, last = 0;
	pid_t pid;

	if (argc == 3 && strcmp(argv[1], "relay") == 0)
		return relay(atoi(argv[2]));
	if (argc < 5) {
		fprintf(stderr, "usage: records COUNT SIZE PORT SENDER ARGS...\n");
		return 2;
	}
	count = atol(argv[1]);
	size = (size_t)atol(argv[2]);
	port = atoi(argv[3]);
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	for (a = 5; a < argc; a++) {
		char *at = strstr(argv[a], "PORT"), *with;

		if (at == NULL)
			continue;
		if (asprintf(&with, "%.*s%s%s", (int)(at - argv[a]), argv[a],
		    portbuf, at + 4) < 0)
			return 1;
		argv[a] = with;
	}
	rfd = udp_to(port, true);
	if (pipe2(p, O_DIRECT) < 0) {
		perror("records: pipe2");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
		close(p[1]);
		close(rfd);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(p[0]);
	memset(rec, 'r', size);
	if (fork() == 0) {
		/* The writer, so the reader below never waits on it. */
		for (i = 0; i < count; i++)
			if (write(p[1], rec, size) != (ssize_t)size)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { rfd, POLLIN, 0 };

		if (poll(&pfd, 1, got == 0 ? 10000 : 500) <= 0)
			break;
		while (recv(rfd, rec, sizeof(rec), MSG_DONTWAIT) >= 0) {
			if (got++ == 0)
				first = now();
			last = now();
		}
	}
	kill(pid, SIGTERM);
	while (wait(NULL) > 0)
		continue;
	printf("%ld %ld %.0f\n", got, count - got,
	    got > 1 && last > first ? (double)(got - 1) / (last - first) : 0);
	return 0;
}
