/* sink.c: the one-shot benchmark's server: accept, read to EOF, close, as fast as clients come. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* usage: sink PORT: on 127.0.0.1:PORT, with a deep backlog, for ever. */
int
main(int argc, char **argv)
{
	struct sockaddr_in at;
	char buf[4096];
	int lfd, one = 1;

	if (argc != 2)
		return 2;
	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)atoi(argv[1]));
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(lfd, 4096) < 0) {
		perror("sink");
		return 1;
	}
	for (;;) {
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0)
			continue;
		while (read(cfd, buf, sizeof(buf)) > 0)
			continue;
		close(cfd);
	}
}
