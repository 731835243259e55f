/* splicefwd.c: the forwarding benchmark's floor: the least a zero-copy forwarder does, a process per direction. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * usage: splicefwd PORT TARGET_PORT
 *
 * Accepts on 127.0.0.1:PORT; for each peer a child connects to
 * 127.0.0.1:TARGET_PORT and forks once more, so that each direction has a
 * process of its own moving bytes with blocking splice calls through a
 * 1 MiB pipe, and passing the end on with shutdown(SHUT_WR). No limits,
 * no resets passed on, no messages.
 */

#define CHUNK (1 << 20)

static void
pump(int in, int out)
{
	int p[2];
	ssize_t n, m;

	if (pipe(p) < 0)
		_exit(1);
	fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	while ((n = splice(in, NULL, p[1], NULL, CHUNK, SPLICE_F_MOVE)) > 0) {
		while (n > 0) {
			m = splice(p[0], NULL, out, NULL, (size_t)n,
			    SPLICE_F_MOVE);
			if (m <= 0)
				_exit(1);
			n -= m;
		}
	}
	shutdown(out, SHUT_WR);
	_exit(0);
}

static struct sockaddr_in
loopback(const char *port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in at, to;
	int lfd, cfd, tfd, one = 1;

	if (argc != 3)
		return 2;
	at = loopback(argv[1]);
	to = loopback(argv[2]);
	signal(SIGCHLD, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(lfd, 4096) < 0) {
		perror("splicefwd");
		return 1;
	}
	for (;;) {
		if ((cfd = accept(lfd, NULL, NULL)) < 0)
			continue;
		if (fork() == 0) {
			close(lfd);
			tfd = socket(AF_INET, SOCK_STREAM, 0);
			if (connect(tfd, (struct sockaddr *)&to,
			    sizeof(to)) < 0)
				_exit(1);
			if (fork() == 0)
				pump(cfd, tfd);
			pump(tfd, cfd);
		}
		close(cfd);
	}
}
