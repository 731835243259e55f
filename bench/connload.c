/* connload.c: the benchmark's client: connections to a loopback server as fast as they complete, for a while. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: connload PORT SECONDS WORKERS [MESSAGE]
 *
 * WORKERS processes each connect to 127.0.0.1:PORT and, again and again
 * until SECONDS pass: without MESSAGE, read until the server's EOF; with
 * it, send MESSAGE, read until it has come back (an echo server), and
 * close. No FIN goes first: a server that ends the session at the client's
 * EOF (ncat does) would never answer. Prints "CONNS ERRORS RATE": the
 * connections that got their answer, those that failed, and connections
 * per second.
 */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One connection. Returns 0 when it got an answer, -1 otherwise. */
static int
one(const struct sockaddr_in *to, const char *message)
{
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		close(fd);
		return -1;
	}
	if (message != NULL &&
	    write(fd, message, strlen(message)) != (ssize_t)strlen(message)) {
		close(fd);
		return -1;
	}
	while ((message == NULL || got < strlen(message)) &&
	    (n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	close(fd);
	return got > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	double seconds, start, end;
	int workers, i, fds[2];
	const char *message;
	unsigned long conns = 0, errors = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: connload PORT SECONDS WORKERS "
		    "[MESSAGE]\n");
		return 2;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	seconds = atof(argv[2]);
	workers = atoi(argv[3]);
	message = argc > 4 ? argv[4] : NULL;
	if (pipe(fds) < 0)
		return 1;
	start = now();
	end = start + seconds;
	for (i = 0; i < workers; i++) {
		if (fork() == 0) {
			unsigned long counts[2] = { 0, 0 };

			close(fds[0]);
			while (now() < end)
				counts[one(&to, message) == 0 ? 0 : 1]++;
			if (write(fds[1], counts, sizeof(counts)) < 0)
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < workers; i++) {
		unsigned long counts[2];

		if (read(fds[0], counts, sizeof(counts)) == sizeof(counts)) {
			conns += counts[0];
			errors += counts[1];
		}
	}
	while (wait(NULL) > 0)
		continue;
	printf("%lu %lu %.1f\n", conns, errors, (double)conns /
	    (now() - start));
	return 0;
}
