/* tlsrelay.c: the TLS benchmark's floor: OpenSSL over blocking sockets, 16 KiB records, nothing else. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* One TLS record's worth of plain text: the most a record carries. */
#define CHUNK 16384

static void
die(const char *what)
{
	fprintf(stderr, "tlsrelay: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
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

/* Reads the client's data to its end, to stdout when out is set. */
static void
drain(SSL *ssl, int out)
{
	static char buf[CHUNK];
	int n;

	while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
		if (out && write(STDOUT_FILENO, buf, (size_t)n) != n)
			die("write stdout");
}

/*
 * listen PORT CERT KEY: one client's data to stdout.
 * serve PORT CERT KEY: client after client, their data dropped.
 */
static int
server(int forever, char **argv)
{
	struct sockaddr_in a = loopback(argv[0]);
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[1])
	    != 1 || SSL_CTX_use_PrivateKey_file(ctx, argv[2],
	    SSL_FILETYPE_PEM) != 1)
		die("load the certificate");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lfd, 512) < 0)
		die("bind");
	do {
		int fd = accept(lfd, NULL, NULL);
		SSL *ssl = SSL_new(ctx);

		if (fd < 0 || ssl == NULL)
			die("accept");
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1) {
			drain(ssl, !forever);
			SSL_shutdown(ssl);
		}
		SSL_free(ssl);
		close(fd);
	} while (forever);
	return 0;
}

/*
 * connect PORT CAFILE [TEXT]: stdin (or TEXT) to the server, checked
 * against CAFILE and named 127.0.0.1, then close_notify.
 */
static int
client(int argc, char **argv)
{
	static char buf[CHUNK];
	struct sockaddr_in a = loopback(argv[0]);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	SSL *ssl;
	ssize_t n;

	if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, argv[1], NULL)
	    != 1)
		die("load the CA");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
	if (SSL_connect(ssl) != 1)
		die("handshake");
	if (argc > 2) {
		if (SSL_write(ssl, argv[2], (int)strlen(argv[2])) <= 0)
			die("SSL_write");
	} else {
		while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
			if (SSL_write(ssl, buf, (int)n) != n)
				die("SSL_write");
	}
	SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return close(fd) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && strcmp(argv[1], "listen") == 0)
		return server(0, argv + 2);
	if (argc >= 5 && strcmp(argv[1], "serve") == 0)
		return server(1, argv + 2);
	if (argc >= 4 && strcmp(argv[1], "connect") == 0)
		return client(argc - 2, argv + 2);
	fprintf(stderr, "usage: tlsrelay listen|serve PORT CERT KEY\n"
	    "       tlsrelay connect PORT CAFILE [TEXT]\n");
	return 2;
}
