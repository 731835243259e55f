/* echoloop.c: the forwarding benchmark's target: a one-process epoll echo server for TCP, and for UDP. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * usage: echoloop tcp|udp PORT
 *
 * On 127.0.0.1:PORT, sends back what comes: each datagram to its sender,
 * or each stream's bytes on the stream, closing it at the peer's EOF. A
 * reply too big for the socket's buffer is cut short: the benchmark's
 * messages are small.
 */

int
main(int argc, char **argv)
{
	struct sockaddr_in at, from;
	struct epoll_event ev, evs[64];
	char buf[65536];
	socklen_t flen;
	int udp, lfd, ep, n, i, fd, one = 1;
	ssize_t got;

	if (argc != 3)
		return 2;
	udp = strcmp(argv[1], "udp") == 0;
	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)atoi(argv[2]));
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    (!udp && listen(lfd, 4096) < 0)) {
		perror("echoloop");
		return 1;
	}
	if (udp) {
		for (;;) {
			flen = sizeof(from);
			got = recvfrom(lfd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &flen);
			if (got >= 0)
				sendto(lfd, buf, (size_t)got, 0,
				    (struct sockaddr *)&from, flen);
		}
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				fd = accept(lfd, NULL, NULL);
				if (fd < 0)
					continue;
				setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */,
				    &one, sizeof(one));
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				continue;
			}
			got = read(fd, buf, sizeof(buf));
			if (got <= 0 || write(fd, buf, (size_t)got) < 0)
				close(fd);
		}
	}
}
