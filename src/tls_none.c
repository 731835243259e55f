/* tls_none.c: the TLS interface of a build without OpenSSL: nothing is available. */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "tls.h"

/*
 * The commands refuse every TLS option before any of these is reached;
 * they fail all the same, so nothing can go on in plain text by mistake.
 */
static void
unavailable(struct tls_error *e)
{
	memset(e, 0, sizeof(*e));
	e->fault = TLS_FAULT_SETUP;
	snprintf(e->reason, sizeof(e->reason), "%s",
	    _("this sockit was built without TLS"));
}

bool
tls_available(void)
{
	return false;
}

const char *
tls_library_version(void)
{
	return NULL;
}

struct tls_context *
tls_context_new(const struct tls_config *cfg, struct tls_error *e)
{
	(void)cfg;
	unavailable(e);
	return NULL;
}

void
tls_context_free(struct tls_context *ctx)
{
	(void)ctx;
}

bool
tls_context_describe(const struct tls_context *ctx, struct tls_info *info)
{
	(void)ctx;
	memset(info, 0, sizeof(*info));
	return false;
}

struct tls *
tls_client(struct tls_context *ctx, int fd, const struct tls_peer *peer,
    double deadline, struct tls_error *e)
{
	(void)ctx;
	(void)fd;
	(void)peer;
	(void)deadline;
	unavailable(e);
	return NULL;
}

struct tls *
tls_server(struct tls_context *ctx, int fd, double deadline,
    struct tls_error *e)
{
	(void)ctx;
	(void)fd;
	(void)deadline;
	unavailable(e);
	return NULL;
}

struct tls *
tls_start(struct tls_context *ctx, int fd, const struct tls_peer *peer,
    struct tls_error *e)
{
	(void)ctx;
	(void)fd;
	(void)peer;
	unavailable(e);
	return NULL;
}

int
tls_handshake(struct tls *t)
{
	(void)t;
	errno = ENOSYS;
	return -1;
}

ssize_t
tls_read(struct tls *t, void *buf, size_t len)
{
	(void)t;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
tls_write(struct tls *t, const void *buf, size_t len)
{
	(void)t;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int
tls_flush(struct tls *t)
{
	(void)t;
	errno = ENOSYS;
	return -1;
}

bool
tls_unsent(const struct tls *t)
{
	(void)t;
	return false;
}

int
tls_shutdown(struct tls *t)
{
	(void)t;
	errno = ENOSYS;
	return -1;
}

bool
tls_pending(const struct tls *t)
{
	(void)t;
	return false;
}

short
tls_wants(const struct tls *t)
{
	(void)t;
	return POLLIN;
}

bool
tls_truncated(const struct tls *t)
{
	(void)t;
	return false;
}

bool
tls_notified(const struct tls *t)
{
	(void)t;
	return false;
}

bool
tls_half_close(const struct tls *t)
{
	(void)t;
	return false;
}

const struct tls_error *
tls_last_error(const struct tls *t)
{
	static struct tls_error none;

	(void)t;
	unavailable(&none);
	return &none;
}

void
tls_describe(const struct tls *t, struct tls_info *info)
{
	(void)t;
	memset(info, 0, sizeof(*info));
}

int
tls_peer_chain_pem(const struct tls *t,
    void (*put)(void *ctx, const char *pem, size_t len), void *ctx)
{
	(void)t;
	(void)put;
	(void)ctx;
	return 0;
}

void
tls_free(struct tls *t)
{
	(void)t;
}
