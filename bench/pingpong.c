/* pingpong.c: the forwarding benchmark's latency client: one request and its reply at a time, each timed. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: pingpong tcp|udp PORT COUNT
 *
 * Sends COUNT requests of 100 bytes to an echo at 127.0.0.1:PORT, each
 * after the reply to the one before (over one TCP connection, or one
 * connected UDP socket), and prints "P50 P99 RATE": the round trips'
 * median and 99th percentile in microseconds, and round trips per second.
 * A UDP reply lost for a second counts as a second.
 */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	struct timeval second = { 1, 0 };
	char msg[100], buf[4096];
	double *rtt, start, t;
	int udp, fd, count, i, one = 1;
	size_t got;
	ssize_t n;

	if (argc != 4)
		return 2;
	udp = strcmp(argv[1], "udp") == 0;
	count = atoi(argv[3]);
	rtt = calloc((size_t)count, sizeof(*rtt));
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(msg, 'q', sizeof(msg));
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof(second));
	if (rtt == NULL || connect(fd, (struct sockaddr *)&to,
	    sizeof(to)) < 0) {
		perror("pingpong");
		return 1;
	}
	start = now();
	for (i = 0; i < count; i++) {
		t = now();
		if (send(fd, msg, sizeof(msg), 0) != (ssize_t)sizeof(msg))
			return 1;
		for (got = 0; got < sizeof(msg); got += (size_t)n) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0 && !udp)
				return 1;
			if (n <= 0)
				break;
		}
		rtt[i] = (now() - t) * 1e6;
	}
	t = now() - start;
	qsort(rtt, (size_t)count, sizeof(*rtt), by_value);
	printf("%.1f %.1f %.0f\n", rtt[count / 2], rtt[count * 99 / 100],
	    count / t);
	return 0;
}
