/* forkserver.c: the benchmark's floor: the least a fork+exec server can do per connection. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * usage: forkserver PORT PROG ARGS...
 *
 * accept() on 127.0.0.1:PORT, fork, and in the child the connection on 0
 * and 1 and execvp PROG; SIGCHLD ignored, so the kernel reaps. Nothing
 * else: no logging, no limits, no cleanup. It is the yardstick, not a
 * server to use.
 */
int
main(int argc, char **argv)
{
	struct sockaddr_in at;
	int lfd, one = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: forkserver PORT PROG ARGS...\n");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)atoi(argv[1]));
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(lfd, 128) < 0) {
		perror("forkserver");
		return 1;
	}
	for (;;) {
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0)
			continue;
		if (fork() == 0) {
			dup2(cfd, 0);
			dup2(cfd, 1);
			close(cfd);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		close(cfd);
	}
}
