/* splicecat.c: the benchmark's ceiling: the least a zero-copy relay can do, stdin to a socket or a socket to stdout. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * usage: splicecat listen|connect PORT|/unix/path
 *
 * listen: accept one peer and splice what it sends to stdout; connect:
 * splice stdin to the socket, then shut down. Blocking calls through one
 * 1 MiB pipe, or straight when the other side is a pipe already. No
 * options, no half-close care, no error messages worth the name.
 */

#define CHUNK (1 << 20)

static int
endpoint(const char *where, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (where[0] == '/') {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;

		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", where);
		*len = sizeof(*un);
		return AF_UNIX;
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)atoi(where));
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*in);
		return AF_INET;
	}
}

static int
is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* Moves everything from in to out. Returns 0 at EOF, -1 on failure. */
static int
move_all(int in, int out)
{
	int p[2];
	ssize_t n, m;

	if (is_pipe(in) || is_pipe(out)) {
		while ((n = splice(in, NULL, out, NULL, CHUNK,
		    SPLICE_F_MOVE)) > 0)
			continue;
		return n == 0 ? 0 : -1;
	}
	if (pipe(p) < 0)
		return -1;
	fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	while ((n = splice(in, NULL, p[1], NULL, CHUNK, SPLICE_F_MOVE)) > 0) {
		while (n > 0) {
			m = splice(p[0], NULL, out, NULL, (size_t)n,
			    SPLICE_F_MOVE);
			if (m <= 0)
				return -1;
			n -= m;
		}
	}
	return n == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family, fd, one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: splicecat listen|connect PORT|PATH\n");
		return 2;
	}
	family = endpoint(argv[2], &ss, &len);
	fd = socket(family, SOCK_STREAM, 0);
	if (strcmp(argv[1], "listen") == 0) {
		int cfd;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (family == AF_UNIX)
			unlink(argv[2]);
		if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
		    listen(fd, 1) < 0 || (cfd = accept(fd, NULL, NULL)) < 0) {
			perror("splicecat");
			return 1;
		}
		return move_all(cfd, STDOUT_FILENO) == 0 ? 0 : 1;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("splicecat");
		return 1;
	}
	if (move_all(STDIN_FILENO, fd) < 0)
		return 1;
	shutdown(fd, SHUT_WR);
	return 0;
}
