/* oneclient.c: the benchmark's one-shot floor: connect, send a few bytes, close. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* usage: oneclient PORT TEXT: TEXT to 127.0.0.1:PORT, then close. */
int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	int fd;

	if (argc != 3)
		return 2;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
		return 1;
	if (write(fd, argv[2], strlen(argv[2])) < 0)
		return 1;
	return close(fd) == 0 ? 0 : 1;
}
