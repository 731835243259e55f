/* tls.c: TLS over a connected socket with OpenSSL, traced like the socket calls under it. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/proverr.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "addr.h"
#include "alpn.h"
#include "i18n.h"
#include "relay.h"
#include "sys.h"
#include "tls.h"
#include "trace.h"

#define TLS_TRACE_MAX 1024
/* Bytes of a buffer a trace line quotes before "...". */
#define TRACE_PREVIEW 16
/*
 * Room for several records: with read-ahead one recv() takes what the
 * socket has, up to this, and SSL_read hands it out record by record.
 */
#define TLS_READ_BUFFER (4 * (SSL3_RT_MAX_PLAIN_LENGTH + 2048))

struct tls_context {
	SSL_CTX *ctx;
	bool server;
	bool insecure;
	unsigned char *alpn;	/* --alpn in wire form: what a server
				   chooses from */
	size_t alpn_len;
};

/*
 * The certificate a server makes when given none: valid from a little
 * before now (the client's clock may be behind ours) for a day.
 */
#define SELF_SIGNED_SKEW (5 * 60)
#define SELF_SIGNED_LIFE (24 * 60 * 60)
#define SELF_SIGNED_SUBJECT "sockit ephemeral certificate"
/* What a resumed session must have been made under: sockit's servers. */
#define SESSION_ID_CONTEXT "sockit"

static int verify_callback(int ok, X509_STORE_CTX *store);

/*
 * Records a bulk write gathers before one send(): four full ones, so a
 * 64 KiB chunk of the pump leaves in one system call, not four.
 */
#define TLS_GATHER (4 * (SSL3_RT_MAX_PLAIN_LENGTH + 256))

/*
 * What the socket BIO keeps: the descriptor, its last errno, its end,
 * and while tls_write runs (gather), the records not sent yet.
 */
struct sock_bio {
	int fd;
	int err;
	bool eof;
	bool gather;
	unsigned char *out;
	size_t out_off, out_len;	/* out[out_off..out_len) waits */
};

struct tls {
	SSL *ssl;
	int fd;
	bool server;
	struct sock_bio io;
	struct tls_error err;
	short wants;
	bool partial;		/* buffered bytes are less than a record */
	bool truncated;
	bool notified;
	bool failed;		/* no more calls: the session is broken */
	bool failure_due;	/* ... after data that came first: the
				   next tls_read tells */
	bool peer_done;		/* close_notify or the end has come */
	bool end_told;		/* ... and tls_read returned 0 for it */
	const char *last_want;	/* the last WANT traced: no repeats */
	char last_call[16];
	bool has_pin;		/* tls_start's client: checked when done */
	unsigned char pin[TLS_SHA256_LEN];
};

static BIO_METHOD *sock_method;
static int keylog_fd = -1;

bool
tls_available(void)
{
	return true;
}

const char *
tls_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/*
 * The record layer reads and writes through sys_recv and sys_send, so
 * --trace shows the socket calls under each SSL call and every socket
 * call stays in the socket layer (sys.c and its sys_*.c parts).
 */
/* Sends what the BIO gathered. Returns 0 once all went, else -1, errno. */
static int
sock_flush(struct sock_bio *io)
{
	while (io->out_off < io->out_len) {
		ssize_t n = sys_send(io->fd, io->out + io->out_off,
		    io->out_len - io->out_off, 0);

		if (n < 0) {
			io->err = errno;
			return -1;
		}
		io->out_off += (size_t)n;
	}
	io->out_off = io->out_len = 0;
	return 0;
}

static int
sock_write(BIO *b, const char *buf, int len)
{
	struct sock_bio *io = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	/* Gathered records go first, whatever comes after them. */
	if (io->out_len > 0 && (!io->gather ||
	    io->out_len + (size_t)len > TLS_GATHER) && sock_flush(io) < 0) {
		if (io->err == EAGAIN)
			BIO_set_retry_write(b);
		return -1;
	}
	if (io->gather && io->out != NULL &&
	    io->out_len + (size_t)len <= TLS_GATHER) {
		memcpy(io->out + io->out_len, buf, (size_t)len);
		io->out_len += (size_t)len;
		return len;
	}
	n = sys_send(io->fd, buf, (size_t)len, 0);
	if (n < 0) {
		io->err = errno;
		if (errno == EAGAIN)
			BIO_set_retry_write(b);
		return -1;
	}
	return (int)n;
}

static int
sock_read(BIO *b, char *buf, int len)
{
	struct sock_bio *io = BIO_get_data(b);
	ssize_t n = sys_recv(io->fd, buf, (size_t)len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0) {
		io->err = errno;
		if (errno == EAGAIN)
			BIO_set_retry_read(b);
		return -1;
	}
	if (n == 0) {
		io->err = 0;
		io->eof = true;
	}
	return (int)n;
}

static long
sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct sock_bio *io = BIO_get_data(b);

	(void)num;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
	case BIO_CTRL_DUP:
		return 1;
	case BIO_CTRL_EOF:
		/* Tells an end without close_notify from a failed read. */
		return io->eof;
	case BIO_C_GET_FD:
		if (ptr != NULL)
			*(int *)ptr = io->fd;
		return io->fd;
	default:
		return 0;
	}
}

static BIO *
sock_bio(struct sock_bio *io)
{
	BIO *b;

	if (sock_method == NULL) {
		sock_method = BIO_meth_new(BIO_get_new_index() |
		    BIO_TYPE_SOURCE_SINK, "sockit socket");
		if (sock_method == NULL)
			return NULL;
		BIO_meth_set_write(sock_method, sock_write);
		BIO_meth_set_read(sock_method, sock_read);
		BIO_meth_set_ctrl(sock_method, sock_ctrl);
	}
	b = BIO_new(sock_method);
	if (b == NULL)
		return NULL;
	BIO_set_data(b, io);
	BIO_set_init(b, 1);
	return b;
}

/* The names of the verify results a person meets, for messages and trace. */
static const struct {
	long code;
	const char *name;
} verify_names[] = {
	{ X509_V_OK, "X509_V_OK" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
	  "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
	  "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
	  "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
	  "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN" },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
	  "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
	{ X509_V_ERR_CERT_HAS_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED" },
	{ X509_V_ERR_CERT_NOT_YET_VALID, "X509_V_ERR_CERT_NOT_YET_VALID" },
	{ X509_V_ERR_HOSTNAME_MISMATCH, "X509_V_ERR_HOSTNAME_MISMATCH" },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, "X509_V_ERR_IP_ADDRESS_MISMATCH" },
	{ X509_V_ERR_CERT_REVOKED, "X509_V_ERR_CERT_REVOKED" },
	{ X509_V_ERR_INVALID_CA, "X509_V_ERR_INVALID_CA" },
	{ X509_V_ERR_INVALID_PURPOSE, "X509_V_ERR_INVALID_PURPOSE" },
	{ X509_V_ERR_CERT_SIGNATURE_FAILURE,
	  "X509_V_ERR_CERT_SIGNATURE_FAILURE" },
	{ X509_V_ERR_CERT_UNTRUSTED, "X509_V_ERR_CERT_UNTRUSTED" },
	{ X509_V_ERR_CERT_REJECTED, "X509_V_ERR_CERT_REJECTED" },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, "X509_V_ERR_EE_KEY_TOO_SMALL" },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, "X509_V_ERR_CA_KEY_TOO_SMALL" },
	{ X509_V_ERR_CA_MD_TOO_WEAK, "X509_V_ERR_CA_MD_TOO_WEAK" },
};

static const char *
verify_name(long code)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(verify_names); i++)
		if (verify_names[i].code == code)
			return verify_names[i].name;
	return NULL;
}

static enum tls_verify_kind
verify_kind(long code)
{
	switch (code) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return TLS_VERIFY_DATES;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return TLS_VERIFY_NAME;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return TLS_VERIFY_ISSUER;
	}
	return TLS_VERIFY_OTHER;
}

/*
 * Writes what the library's error queue says into e->reason: its first
 * entry, the root cause, where the last is the outermost wrapper ("PEM
 * lib" over "no start line").
 */
static unsigned long
take_library_error(struct tls_error *e)
{
	unsigned long code = ERR_peek_error();
	const char *text = code != 0 ? ERR_reason_error_string(code) : NULL;

	if (text != NULL)
		snprintf(e->reason, sizeof(e->reason), "%s", text);
	else if (code != 0)
		snprintf(e->reason, sizeof(e->reason), "%s",
		    ERR_error_string(code, NULL));
	ERR_clear_error();
	return code;
}

static void
setup_fault(struct tls_error *e, const char *file, const char *what)
{
	memset(e, 0, sizeof(*e));
	e->fault = TLS_FAULT_SETUP;
	snprintf(e->file, sizeof(e->file), "%s", file != NULL ? file : "");
	take_library_error(e);
	if (e->reason[0] == '\0')
		snprintf(e->reason, sizeof(e->reason), "%s", what);
}

static void
keylog_line(const SSL *ssl, const char *line)
{
	size_t len = strlen(line);
	char *copy;

	(void)ssl;
	if (keylog_fd < 0)
		return;
	/* One write per line, so lines of concurrent writers never mix. */
	copy = malloc(len + 1);
	if (copy == NULL)
		return;
	memcpy(copy, line, len);
	copy[len] = '\n';
	if (write(keylog_fd, copy, len + 1) < 0)
		keylog_fd = -1;
	free(copy);
}

static int
protocol_version(int v)
{
	return v == 13 ? TLS1_3_VERSION : v == 12 ? TLS1_2_VERSION : 0;
}

static int
pass_callback(char *buf, int size, int rwflag, void *userdata)
{
	const char *pass = userdata;
	size_t len;

	(void)rwflag;
	if (pass == NULL || size <= 0)
		return 0;
	len = strlen(pass);
	if (len > (size_t)size)
		len = (size_t)size;
	memcpy(buf, pass, len);
	return (int)len;
}

/*
 * A file the library refused, in sockit's words where the cause is one a
 * person meets: e->cause names it for the hint. what is the file's kind
 * ("certificate", "private key").
 */
static void
file_fault(struct tls_error *e, const char *file, const char *what,
    bool have_pass)
{
	unsigned long code = ERR_peek_error();
	int lib = ERR_GET_LIB(code), reason = ERR_GET_REASON(code);
	const char *cause = NULL;
	char text[TLS_TEXT_MAX];

	text[0] = '\0';
	if (lib == ERR_LIB_PEM && reason == PEM_R_NO_START_LINE) {
		/* Whole sentences: a kind's gender changes the words. */
		snprintf(text, sizeof(text), "%s", strcmp(what,
		    "certificate") == 0 ? _("no PEM certificate in it") :
		    _("no PEM private key in it"));
		cause = "no pem";
	} else if ((lib == ERR_LIB_PEM && (reason == PEM_R_BAD_DECRYPT ||
	    reason == PEM_R_BAD_PASSWORD_READ)) ||
	    (lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT) ||
	    (lib == ERR_LIB_PROV && reason == PROV_R_BAD_DECRYPT)) {
		snprintf(text, sizeof(text), "%s", have_pass ?
		    _("wrong passphrase: --key-pass-file does not open the "
		    "key") : _("the key is encrypted, and no --key-pass-file "
		    "gives its passphrase"));
		cause = have_pass ? "wrong passphrase" : "encrypted key";
	} else if (lib == ERR_LIB_X509 &&
	    reason == X509_R_KEY_VALUES_MISMATCH) {
		snprintf(text, sizeof(text), "%s", _("the key does not match "
		    "the certificate"));
		cause = "key mismatch";
	}
	setup_fault(e, file, what);
	if (cause != NULL) {
		snprintf(e->reason, sizeof(e->reason), "%s", text);
		snprintf(e->cause, sizeof(e->cause), "%s", cause);
	}
}

static int
load_identity(SSL_CTX *ctx, const struct tls_config *cfg,
    struct tls_error *e)
{
	const char *key = cfg->key != NULL ? cfg->key : cfg->cert;
	bool pass = cfg->key_pass != NULL;

	SSL_CTX_set_default_passwd_cb(ctx, pass_callback);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)cfg->key_pass);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
		file_fault(e, cfg->cert, "certificate", pass);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		file_fault(e, key, "private key", pass);
		return -1;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		file_fault(e, key, "private key", pass);
		snprintf(e->reason, sizeof(e->reason), _("the key does not "
		    "match the certificate %s"), cfg->cert);
		snprintf(e->cause, sizeof(e->cause), "key mismatch");
		return -1;
	}
	return 0;
}

static int
load_trust(SSL_CTX *ctx, const struct tls_config *cfg, struct tls_error *e)
{
	if (cfg->cafile == NULL && cfg->capath == NULL) {
		if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
			setup_fault(e, NULL, _("cannot load the system trust "
			    "store"));
			return -1;
		}
		return 0;
	}
	if (SSL_CTX_load_verify_locations(ctx, cfg->cafile, cfg->capath) !=
	    1) {
		file_fault(e, cfg->cafile != NULL ? cfg->cafile : cfg->capath,
		    "certificate", false);
		if (e->cause[0] == '\0' || strcmp(e->cause, "no pem") == 0) {
			snprintf(e->reason, sizeof(e->reason), "%s",
			    _("no certificate in it"));
			snprintf(e->cause, sizeof(e->cause), "no ca");
		}
		return -1;
	}
	/*
	 * What --cafile or --capath holds is trusted as it is: an
	 * intermediate CA there anchors the chains under it, as with curl,
	 * without the root above it (the system store holds roots only).
	 */
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx),
	    X509_V_FLAG_PARTIAL_CHAIN);
	if (cfg->server && cfg->cafile != NULL)
		SSL_CTX_set_client_CA_list(ctx,
		    SSL_load_client_CA_file(cfg->cafile));
	return 0;
}

/*
 * The server's choice (RFC 7301 3.2): the first of our --alpn list that
 * the client offers. With none in common the handshake goes on without
 * ALPN, as most servers do, rather than failing with
 * no_application_protocol: the client learns that nothing was chosen and
 * decides for itself whether it can go on.
 */
static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	struct tls_context *c = arg;
	unsigned char *chosen = NULL;

	(void)ssl;
	if (SSL_select_next_proto(&chosen, outlen, c->alpn,
	    (unsigned)c->alpn_len, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = chosen;
	return SSL_TLSEXT_ERR_OK;
}

/* Adds the extension nid, written as openssl.cnf would write it. */
static bool
add_extension(X509 *cert, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, v3, nid, value);
	bool ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;

	X509_EXTENSION_free(ext);
	return ok;
}

/*
 * A server given no certificate makes one at start: a fresh P-256 key
 * that never leaves memory, in a certificate signed by itself for names.
 * No CA vouches for it, so a client checks it by its key (--pin) or not at
 * all, and since the key dies with the process, a pin names this run of
 * the server and no other.
 */
static int
use_self_signed(SSL_CTX *ctx, const char *names, struct tls_error *e)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	BIGNUM *serial = NULL;
	unsigned char random[16];
	X509_NAME *subject;
	X509V3_CTX v3;
	int rc = -1;

	if (key == NULL || cert == NULL ||
	    RAND_bytes(random, sizeof(random)) != 1)
		goto done;
	/* A positive serial of 127 random bits, as RFC 5280 4.1.2.2 asks. */
	random[0] &= 0x7f;
	serial = BN_bin2bn(random, sizeof(random), NULL);
	subject = X509_get_subject_name(cert);
	if (serial == NULL ||
	    X509_set_version(cert, X509_VERSION_3) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), -SELF_SIGNED_SKEW) ==
	    NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(cert), SELF_SIGNED_LIFE) ==
	    NULL ||
	    X509_set_pubkey(cert, key) != 1 ||
	    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
	    (const unsigned char *)SELF_SIGNED_SUBJECT, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, subject) != 1)
		goto done;
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	if (!add_extension(cert, &v3, NID_basic_constraints,
	    "critical,CA:FALSE") ||
	    !add_extension(cert, &v3, NID_key_usage,
	    "critical,digitalSignature") ||
	    !add_extension(cert, &v3, NID_ext_key_usage, "serverAuth") ||
	    !add_extension(cert, &v3, NID_subject_alt_name, names) ||
	    X509_sign(cert, key, EVP_sha256()) == 0 ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		setup_fault(e, NULL, _("cannot make a certificate"));
	BN_free(serial);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

struct tls_context *
tls_context_new(const struct tls_config *cfg, struct tls_error *e)
{
	struct tls_context *c = calloc(1, sizeof(*c));
	SSL_CTX *ctx;
	int min = protocol_version(cfg->min_version);

	memset(e, 0, sizeof(*e));
	if (c == NULL) {
		e->fault = TLS_FAULT_SYSCALL;
		e->err = errno;
		return NULL;
	}
	ctx = SSL_CTX_new(cfg->server ? TLS_server_method() :
	    TLS_client_method());
	if (ctx == NULL) {
		setup_fault(e, NULL, _("cannot make a TLS context"));
		free(c);
		return NULL;
	}
	c->ctx = ctx;
	c->server = cfg->server;
	c->insecure = cfg->insecure;
	/* Nothing older than TLS 1.2 unless the library's policy says so. */
	SSL_CTX_set_min_proto_version(ctx, min != 0 ? min : TLS1_2_VERSION);
	if (cfg->max_version != 0)
		SSL_CTX_set_max_proto_version(ctx,
		    protocol_version(cfg->max_version));
	/*
	 * The pump keeps its bytes in place until they are taken, but may
	 * offer more of them on a retry, and takes a record at a time.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_default_read_buffer_len(ctx, TLS_READ_BUFFER);
	if (cfg->ciphers != NULL &&
	    SSL_CTX_set_cipher_list(ctx, cfg->ciphers) != 1) {
		setup_fault(e, NULL, _("no usable cipher in --ciphers"));
		snprintf(e->file, sizeof(e->file), "--ciphers");
		goto fail;
	}
	if (cfg->ciphersuites != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, cfg->ciphersuites) != 1) {
		setup_fault(e, NULL, _("no usable suite in --ciphersuites"));
		snprintf(e->file, sizeof(e->file), "--ciphersuites");
		goto fail;
	}
	if (cfg->cert != NULL && load_identity(ctx, cfg, e) < 0)
		goto fail;
	if (cfg->server && cfg->cert == NULL && cfg->self_names != NULL &&
	    use_self_signed(ctx, cfg->self_names, e) < 0)
		goto fail;
	if (!cfg->server && !cfg->insecure && load_trust(ctx, cfg, e) < 0)
		goto fail;
	/*
	 * A server that checks clients refuses to resume a session made
	 * without an id context (a session of another context could skip
	 * the check): one name for all of sockit's servers is enough.
	 */
	if (cfg->server && SSL_CTX_set_session_id_context(ctx,
	    (const unsigned char *)SESSION_ID_CONTEXT,
	    sizeof(SESSION_ID_CONTEXT) - 1) != 1) {
		setup_fault(e, NULL, _("cannot name the session cache"));
		goto fail;
	}
	if (cfg->server && cfg->verify_client) {
		if (load_trust(ctx, cfg, e) < 0)
			goto fail;
		/* The callback keeps the client's details for the report. */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_callback);
	}
	if (cfg->alpn != NULL) {
		size_t cap = alpn_wire_len(cfg->alpn);
		char why[256];
		long len = -1;

		snprintf(why, sizeof(why), "%s", _("bad --alpn list"));
		if ((c->alpn = malloc(cap > 0 ? cap : 1)) != NULL)
			len = alpn_wire(cfg->alpn, c->alpn, cap, why,
			    sizeof(why));
		if (len < 0 || (!cfg->server && SSL_CTX_set_alpn_protos(ctx,
		    c->alpn, (unsigned)len) != 0)) {
			setup_fault(e, NULL, why);
			snprintf(e->file, sizeof(e->file), "--alpn");
			goto fail;
		}
		c->alpn_len = (size_t)len;
		if (cfg->server)
			SSL_CTX_set_alpn_select_cb(ctx, alpn_select, c);
	}
	if (cfg->keylog != NULL) {
		if (keylog_fd < 0)
			keylog_fd = open(cfg->keylog, O_WRONLY | O_APPEND |
			    O_CREAT | O_CLOEXEC, 0600);
		if (keylog_fd < 0) {
			memset(e, 0, sizeof(*e));
			e->fault = TLS_FAULT_SETUP;
			e->err = errno;
			snprintf(e->file, sizeof(e->file), "%s", cfg->keylog);
			snprintf(e->reason, sizeof(e->reason), "%s",
			    strerror(errno));
			snprintf(e->cause, sizeof(e->cause), "keylog");
			goto fail;
		}
		SSL_CTX_set_keylog_callback(ctx, keylog_line);
	}
	return c;
fail:
	SSL_CTX_free(ctx);
	if (c != NULL)
		free(c->alpn);
	free(c);
	return NULL;
}

void
tls_context_free(struct tls_context *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	free(c->alpn);
	free(c);
}

/* Appends a distinguished name in RFC 2253's one-line form. */
static void
name_text(const X509_NAME *name, char *out, size_t cap)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long len;

	out[0] = '\0';
	if (mem == NULL)
		return;
	X509_NAME_print_ex(mem, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(mem, &data);
	snprintf(out, cap, "%.*s", (int)len, data);
	BIO_free(mem);
}

/*
 * A certificate's date in ISO 8601, UTC, as --json's "time" is written
 * (certificates count whole seconds): "2026-12-04T23:37:14Z".
 */
static void
time_text(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;

	out[0] = '\0';
	if (ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * "DNS:a.example, IP:127.0.0.1" into out; into cn the subject's CN when
 * no SAN is a DNS name, as X509_check_host without
 * X509_CHECK_FLAG_NEVER_CHECK_SUBJECT then matches a host name against it.
 */
static void
cert_names(X509 *cert, char *out, size_t cap, char *cn, size_t cncap)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	size_t used = 0;
	bool dns = false;
	int i;

	out[0] = '\0';
	cn[0] = '\0';
	for (i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		char text[INET6_ADDRSTRLEN + 8] = "";
		const ASN1_STRING *s;
		int n = 0;

		if (g->type == GEN_DNS) {
			s = g->d.dNSName;
			n = snprintf(out + used, cap - used, "%sDNS:%.*s",
			    used ? ", " : "", ASN1_STRING_length(s),
			    (const char *)ASN1_STRING_get0_data(s));
		} else if (g->type == GEN_IPADD) {
			s = g->d.iPAddress;
			if (ASN1_STRING_length(s) == 4)
				inet_ntop(AF_INET, ASN1_STRING_get0_data(s),
				    text, sizeof(text));
			else if (ASN1_STRING_length(s) == 16)
				inet_ntop(AF_INET6, ASN1_STRING_get0_data(s),
				    text, sizeof(text));
			n = snprintf(out + used, cap - used, "%sIP:%s",
			    used ? ", " : "", text);
		} else if (g->type == GEN_EMAIL) {
			s = g->d.rfc822Name;
			n = snprintf(out + used, cap - used, "%semail:%.*s",
			    used ? ", " : "", ASN1_STRING_length(s),
			    (const char *)ASN1_STRING_get0_data(s));
		} else if (g->type == GEN_URI) {
			s = g->d.uniformResourceIdentifier;
			n = snprintf(out + used, cap - used, "%sURI:%.*s",
			    used ? ", " : "", ASN1_STRING_length(s),
			    (const char *)ASN1_STRING_get0_data(s));
		}
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
	/* All of them: the text above may have run out of room. */
	for (i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++)
		dns |= sk_GENERAL_NAME_value(names, i)->type == GEN_DNS;
	GENERAL_NAMES_free(names);
	if (!dns && X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	    NID_commonName, cn, (int)cncap) <= 0)
		cn[0] = '\0';
}

/* The SHA-256 of the DER SubjectPublicKeyInfo: what --pin names. */
static void
spki_digest(X509 *cert, unsigned char out[TLS_SHA256_LEN])
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	unsigned int mdlen = TLS_SHA256_LEN;

	memset(out, 0, TLS_SHA256_LEN);
	if (len > 0)
		EVP_Digest(der, (size_t)len, out, &mdlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
}

/*
 * What a person needs to judge cert, into the fields of a tls_error or a
 * tls_info, which both keep them.
 */
static void
cert_facts(X509 *cert, char subject[TLS_TEXT_MAX], char issuer[TLS_TEXT_MAX],
    char names[TLS_NAMES_MAX], char host_cn[TLS_TEXT_MAX],
    char not_before[TLS_DATE_MAX], char not_after[TLS_DATE_MAX],
    unsigned char spki[TLS_SHA256_LEN])
{
	name_text(X509_get_subject_name(cert), subject, TLS_TEXT_MAX);
	name_text(X509_get_issuer_name(cert), issuer, TLS_TEXT_MAX);
	cert_names(cert, names, TLS_NAMES_MAX, host_cn, TLS_TEXT_MAX);
	time_text(X509_get0_notBefore(cert), not_before, TLS_DATE_MAX);
	time_text(X509_get0_notAfter(cert), not_after, TLS_DATE_MAX);
	spki_digest(cert, spki);
}

/* Keeps what a person needs to judge cert in e, for the report. */
static void
note_cert(struct tls_error *e, X509 *cert)
{
	e->have_cert = true;
	cert_facts(cert, e->subject, e->issuer, e->names, e->host_cn,
	    e->not_before, e->not_after, e->spki_sha256);
}

/* The same in info, with the certificate's own fingerprint. */
static void
info_cert(struct tls_info *info, X509 *cert)
{
	unsigned int mdlen = TLS_SHA256_LEN;

	info->have_cert = true;
	cert_facts(cert, info->subject, info->issuer, info->names, info->host_cn,
	    info->not_before, info->not_after, info->spki_sha256);
	X509_digest(cert, EVP_sha256(), info->cert_sha256, &mdlen);
}

/*
 * Runs for each certificate the chain check looks at: the leaf's details
 * are kept whatever the outcome, and for a missing issuer the name of the
 * one that was looked for.
 */
static int
verify_callback(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls *t = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);
	X509 *current = X509_STORE_CTX_get_current_cert(store);
	int code = X509_STORE_CTX_get_error(store);

	if (t == NULL)
		return ok;
	if (!t->err.have_cert && leaf != NULL)
		note_cert(&t->err, leaf);
	if (!ok && t->err.verify == 0 && current != NULL) {
		t->err.verify = code;
		if (code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
		    code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
		    code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
			name_text(X509_get_issuer_name(current),
			    t->err.issuer, sizeof(t->err.issuer));
	}
	return ok;
}

/*
 * An alert's name as RFC 8446 spells it, with spaces; OpenSSL 3.0 calls
 * the alerts TLS 1.3 added "unknown".
 */
static const char *
alert_name(int ret)
{
	switch (ret & 0xff) {
	case 109:	return "missing extension";
	case 115:	return "unknown psk identity";
	case 116:	return "certificate required";
	case 120:	return "no application protocol";
	}
	return SSL_alert_desc_string_long(ret);
}

/* Alerts by name, as they pass: the trace tells, the error keeps. */
static void
info_callback(const SSL *ssl, int where, int ret)
{
	struct tls *t = SSL_get_app_data(ssl);
	char line[TLS_TRACE_MAX];
	struct strbuf sb;
	bool received = (where & SSL_CB_READ) != 0;

	if (t == NULL || !(where & SSL_CB_ALERT))
		return;
	if (received && (ret & 0xff) != SSL3_AD_CLOSE_NOTIFY &&
	    t->err.alert[0] == '\0')
		snprintf(t->err.alert, sizeof(t->err.alert), "%s",
		    alert_name(ret));
	if (!(trace_flags & TRACE_ON))
		return;
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "--- alert %s: %s (%s) ---",
	    received ? "received" : "sent", alert_name(ret),
	    SSL_alert_type_string_long(ret));
	trace_emit(&sb);
}

static const char *
ssl_error_name(int code)
{
	switch (code) {
	case SSL_ERROR_NONE:		return "SSL_ERROR_NONE";
	case SSL_ERROR_SSL:		return "SSL_ERROR_SSL";
	case SSL_ERROR_WANT_READ:	return "SSL_ERROR_WANT_READ";
	case SSL_ERROR_WANT_WRITE:	return "SSL_ERROR_WANT_WRITE";
	case SSL_ERROR_SYSCALL:		return "SSL_ERROR_SYSCALL";
	case SSL_ERROR_ZERO_RETURN:	return "SSL_ERROR_ZERO_RETURN";
	}
	return "SSL_ERROR_?";
}

/* Appends buf as strace quotes it: its first bytes, then "...". */
static void
trace_preview(struct strbuf *sb, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i, n = len < TRACE_PREVIEW ? len : TRACE_PREVIEW;

	strbuf_puts(sb, "\"");
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			strbuf_printf(sb, "\\%c", p[i]);
		else if (p[i] == '\n')
			strbuf_puts(sb, "\\n");
		else if (p[i] == '\r')
			strbuf_puts(sb, "\\r");
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			strbuf_printf(sb, "\\x%02x", p[i]);
		else
			strbuf_printf(sb, "%c", p[i]);
	}
	strbuf_puts(sb, n < len ? "\"..." : "\"");
}

/*
 * Whether a call that waits is worth a line: the first of a run of the
 * same wait, or every one with --trace=full, so a slow peer is no storm.
 */
static bool
trace_wait(struct tls *t, const char *call, const char *want)
{
	bool repeat = t->last_want == want && strcmp(t->last_call, call) == 0;

	t->last_want = want;
	snprintf(t->last_call, sizeof(t->last_call), "%s", call);
	return !repeat || (trace_flags & TRACE_FULL);
}

/*
 * One line for an SSL call: "SSL_read(3, ..., 16384) = 0 [close_notify]".
 * args is what goes between the descriptor and ")"; code the
 * SSL_get_error of a failure; note what goes in brackets, or NULL.
 */
static void
trace_call(struct tls *t, const char *call, const void *buf, size_t len,
    bool show_buf, long rc, int code, const char *note)
{
	char line[TLS_TRACE_MAX];
	struct strbuf sb;

	if (!(trace_flags & TRACE_ON))
		return;
	if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
		if (!trace_wait(t, call, ssl_error_name(code)))
			return;
	} else {
		t->last_want = NULL;
	}
	trace_begin(&sb, line, sizeof(line));
	strbuf_printf(&sb, "%s(%d", call, t->fd);
	if (buf != NULL) {
		strbuf_puts(&sb, ", ");
		if (show_buf)
			trace_preview(&sb, buf, len);
		else
			strbuf_puts(&sb, "...");
		strbuf_printf(&sb, ", %zu", len);
	}
	strbuf_puts(&sb, ")");
	if (code == SSL_ERROR_NONE || code == SSL_ERROR_ZERO_RETURN)
		strbuf_printf(&sb, " = %ld", rc);
	else
		strbuf_printf(&sb, " = -1 %s", ssl_error_name(code));
	if (note != NULL && note[0] != '\0')
		strbuf_printf(&sb, " [%s]", note);
	trace_emit(&sb);
}

/* Sorts a failed call into a fault, keeping what explains it. */
static void
classify(struct tls *t, int code, bool handshake)
{
	struct tls_error *e = &t->err;
	unsigned long lib;
	int reason;
	long vr;

	t->failed = true;
	if (code == SSL_ERROR_SYSCALL) {
		lib = take_library_error(e);
		if (t->io.err != 0 && lib == 0) {
			e->fault = TLS_FAULT_SYSCALL;
			e->err = t->io.err;
		} else {
			e->fault = handshake ? TLS_FAULT_EOF :
			    TLS_FAULT_PROTOCOL;
			/*
			 * The trace line shows it as it is; the report
			 * translates it (N_), as the trace never is.
			 */
			if (e->reason[0] == '\0')
				snprintf(e->reason, sizeof(e->reason), "%s",
				    N_("the peer closed the connection"));
		}
		return;
	}
	lib = take_library_error(e);
	reason = ERR_GET_REASON(lib);
	/*
	 * Under SSL_VERIFY_NONE the result is kept but decided nothing: a
	 * failure then has another cause (a server that wants our
	 * certificate, say), which the result would hide.
	 */
	vr = (SSL_get_verify_mode(t->ssl) & SSL_VERIFY_PEER) ||
	    reason == SSL_R_CERTIFICATE_VERIFY_FAILED ?
	    SSL_get_verify_result(t->ssl) : X509_V_OK;
	if (handshake && vr != X509_V_OK && !t->server) {
		e->fault = TLS_FAULT_VERIFY;
		e->verify = vr;
	} else if (t->server && handshake &&
	    reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
		e->fault = TLS_FAULT_NO_CERT;
	} else if (reason == SSL_R_HTTP_REQUEST ||
	    reason == SSL_R_HTTPS_PROXY_REQUEST ||
	    (t->server && handshake && reason == SSL_R_WRONG_VERSION_NUMBER)) {
		e->fault = TLS_FAULT_PLAIN_CLIENT;
	} else if (handshake && (reason == SSL_R_WRONG_VERSION_NUMBER ||
	    reason == SSL_R_PACKET_LENGTH_TOO_LONG)) {
		e->fault = TLS_FAULT_NOT_TLS;
	} else if (e->alert[0] != '\0') {
		e->fault = TLS_FAULT_ALERT;
	} else if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		e->fault = TLS_FAULT_EOF;
	} else if (handshake && t->server && vr != X509_V_OK) {
		e->fault = TLS_FAULT_VERIFY;
		e->verify = vr;
	} else {
		e->fault = TLS_FAULT_PROTOCOL;
	}
	if (e->fault == TLS_FAULT_VERIFY) {
		const char *name = verify_name(vr);

		snprintf(e->verify_name, sizeof(e->verify_name), "%s",
		    name != NULL ? name : "X509_V_ERR_?");
		snprintf(e->reason, sizeof(e->reason), "%s",
		    X509_verify_cert_error_string(vr));
		e->verify_kind = verify_kind(vr);
	}
}

/* The bracketed note of a failed call's trace line. */
static void
failure_note(const struct tls *t, char *out, size_t cap)
{
	const struct tls_error *e = &t->err;

	if (e->fault == TLS_FAULT_VERIFY)
		snprintf(out, cap, "%s: %s", e->verify_name, e->reason);
	else if (e->fault == TLS_FAULT_ALERT)
		snprintf(out, cap, "alert %s", e->alert);
	else if (e->fault == TLS_FAULT_SYSCALL)
		snprintf(out, cap, "%s", trace_errno_name(e->err) != NULL ?
		    trace_errno_name(e->err) : "?");
	else
		snprintf(out, cap, "%s", e->reason);
}

/* Waits until fd is ready for events, the deadline or a signal. */
static int
wait_ready(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ fd, events, 0 },
			{ sys_signal_wakeup_fd, POLLIN, 0 },
		};
		double now = relay_now();
		int rc;

		if (sys_signal_caught)
			return -1;
		if (deadline >= 0 && now >= deadline)
			return 0;
		rc = sys_poll(pfd, 2, relay_poll_timeout(deadline, now));
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc > 0 && pfd[1].revents)
			return -1;
		if (rc > 0 && pfd[0].revents)
			return 1;
	}
}

static void
handshake_note(const struct tls *t, char *out, size_t cap)
{
	const unsigned char *alpn = NULL;
	unsigned int alen = 0;
	int n;

	n = snprintf(out, cap, "%s, %s", SSL_get_version(t->ssl),
	    SSL_get_cipher_name(t->ssl));
	SSL_get0_alpn_selected(t->ssl, &alpn, &alen);
	if (alen > 0 && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, ", alpn \"%.*s\"",
		    (int)alen, (const char *)alpn);
}

/*
 * One try of the handshake. Returns 1 once done, 0 when it waits for
 * t->wants, -1 after a failure (t->err).
 */
static int
handshake_step(struct tls *t)
{
	const char *call = t->server ? "SSL_accept" : "SSL_connect";
	char note[TLS_TEXT_MAX + 80];
	int rc, code;

	ERR_clear_error();
	t->io.err = 0;
	rc = t->server ? SSL_accept(t->ssl) : SSL_connect(t->ssl);
	if (rc == 1) {
		handshake_note(t, note, sizeof(note));
		trace_call(t, call, NULL, 0, false, 1, SSL_ERROR_NONE, note);
		return 1;
	}
	code = SSL_get_error(t->ssl, rc);
	if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
		trace_call(t, call, NULL, 0, false, -1, code, NULL);
		t->wants = code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	classify(t, code, true);
	failure_note(t, note, sizeof(note));
	trace_call(t, call, NULL, 0, false, -1, code, note);
	t->failed = true;
	return -1;
}

static struct tls *
handshake(struct tls *t, double deadline, struct tls_error *e)
{
	for (;;) {
		int rc = handshake_step(t), ready;

		if (rc > 0)
			return t;
		if (rc < 0)
			break;
		ready = wait_ready(t->fd, t->wants, deadline);
		if (ready > 0)
			continue;
		t->err.fault = ready == 0 ? TLS_FAULT_TIMEOUT :
		    TLS_FAULT_SIGNAL;
		break;
	}
	*e = t->err;
	tls_free(t);
	return NULL;
}

static struct tls *
session_new(struct tls_context *c, int fd, struct tls_error *e)
{
	struct tls *t = calloc(1, sizeof(*t));
	BIO *bio;

	memset(e, 0, sizeof(*e));
	if (t == NULL) {
		e->fault = TLS_FAULT_SYSCALL;
		e->err = errno;
		return NULL;
	}
	t->fd = fd;
	t->io.fd = fd;
	/* Without room to gather, each record goes on its own: no failure. */
	t->io.out = malloc(TLS_GATHER);
	t->server = c->server;
	t->wants = POLLIN;
	t->ssl = SSL_new(c->ctx);
	bio = t->ssl != NULL ? sock_bio(&t->io) : NULL;
	if (bio == NULL) {
		setup_fault(e, NULL, _("cannot make a TLS session"));
		SSL_free(t->ssl);
		free(t->io.out);
		free(t);
		return NULL;
	}
	SSL_set_bio(t->ssl, bio, bio);
	SSL_set_app_data(t->ssl, t);
	SSL_set_info_callback(t->ssl, info_callback);
	return t;
}

/* A name the library would not take for option: the session ends. */
static void
client_setup_fault(struct tls *t, struct tls_error *e, const char *option,
    const char *name)
{
	char why[128];

	setup_fault(e, NULL, _("refused by the library"));
	snprintf(why, sizeof(why), "%.100s", e->reason);
	snprintf(e->file, sizeof(e->file), "%s", option);
	snprintf(e->reason, sizeof(e->reason), "%.20s %.64s%s: %s", option,
	    name, strlen(name) > 64 ? "..." : "", why);
	tls_free(t);
}

/* What a client checks, set on t before the handshake. */
static bool
client_prepare(struct tls_context *c, struct tls *t,
    const struct tls_peer *peer, struct tls_error *e)
{
	/* A name the library refuses must fail here, never go unchecked. */
	if (peer->sni != NULL &&
	    SSL_set_tlsext_host_name(t->ssl, peer->sni) != 1) {
		client_setup_fault(t, e, "--sni", peer->sni);
		return false;
	}
	if (c->insecure || peer->pin_only) {
		SSL_set_verify(t->ssl, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_set_verify(t->ssl, SSL_VERIFY_PEER, verify_callback);
		if (peer->verify_name != NULL &&
		    (addr_is_literal(peer->verify_name) ?
		    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl),
		    peer->verify_name) : SSL_set1_host(t->ssl,
		    peer->verify_name)) != 1) {
			client_setup_fault(t, e, "--verify-name",
			    peer->verify_name);
			return false;
		}
	}
	t->has_pin = peer->has_pin;
	memcpy(t->pin, peer->pin, TLS_SHA256_LEN);
	return true;
}

/* After the handshake: the public key --pin names. false: t->err says. */
static bool
pin_matches(struct tls *t)
{
	X509 *cert;

	if (!t->has_pin)
		return true;
	cert = SSL_get0_peer_certificate(t->ssl);
	if (cert != NULL && !t->err.have_cert)
		note_cert(&t->err, cert);
	if (cert != NULL && memcmp(t->err.spki_sha256, t->pin,
	    TLS_SHA256_LEN) == 0)
		return true;
	t->err.fault = TLS_FAULT_PIN;
	snprintf(t->err.reason, sizeof(t->err.reason), "pin mismatch");
	if (trace_flags & TRACE_ON) {
		char line[TLS_TRACE_MAX];
		struct strbuf sb;

		trace_begin(&sb, line, sizeof(line));
		strbuf_puts(&sb, "--- public key pin mismatch ---");
		trace_emit(&sb);
	}
	t->failed = true;
	return false;
}

struct tls *
tls_client(struct tls_context *c, int fd, const struct tls_peer *peer,
    double deadline, struct tls_error *e)
{
	struct tls *t = session_new(c, fd, e);

	if (t == NULL || !client_prepare(c, t, peer, e))
		return NULL;
	if (handshake(t, deadline, e) == NULL)
		return NULL;
	if (!pin_matches(t)) {
		*e = t->err;
		tls_free(t);
		return NULL;
	}
	return t;
}

struct tls *
tls_start(struct tls_context *c, int fd, const struct tls_peer *peer,
    struct tls_error *e)
{
	struct tls *t = session_new(c, fd, e);

	if (t == NULL || (!c->server && !client_prepare(c, t, peer, e)))
		return NULL;
	return t;
}

int
tls_handshake(struct tls *t)
{
	int rc = handshake_step(t);

	if (rc > 0 && !pin_matches(t))
		return -1;
	if (rc == 0)
		errno = EAGAIN;
	return rc;
}

struct tls *
tls_server(struct tls_context *c, int fd, double deadline,
    struct tls_error *e)
{
	struct tls *t = session_new(c, fd, e);

	if (t == NULL)
		return NULL;
	return handshake(t, deadline, e);
}

/* A failed read or write: sets errno and returns -1. */
static ssize_t
failure(struct tls *t, const char *call, int code, const void *buf,
    size_t len, bool show_buf)
{
	char note[TLS_TEXT_MAX + 80];

	classify(t, code, false);
	failure_note(t, note, sizeof(note));
	trace_call(t, call, buf, len, show_buf, -1, code, note);
	errno = t->err.fault == TLS_FAULT_SYSCALL ? t->err.err : EPROTO;
	return -1;
}

ssize_t
tls_read(struct tls *t, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t total = 0;

	if (t->failed) {
		t->failure_due = false;
		errno = t->err.fault == TLS_FAULT_SYSCALL ? t->err.err : EPROTO;
		return -1;
	}
	if (t->peer_done) {
		t->end_told = true;
		return 0;
	}
	while (total < len) {
		size_t got = 0;
		int rc, code;

		ERR_clear_error();
		t->io.err = 0;
		rc = SSL_read_ex(t->ssl, p + total, len - total, &got);
		if (rc == 1) {
			trace_call(t, "SSL_read", p + total, len - total,
			    false, (long)got, SSL_ERROR_NONE, NULL);
			total += got;
			t->partial = false;
			if (!SSL_has_pending(t->ssl))
				break;
			continue;
		}
		code = SSL_get_error(t->ssl, rc);
		if (code == SSL_ERROR_WANT_READ ||
		    code == SSL_ERROR_WANT_WRITE) {
			trace_call(t, "SSL_read", p + total, len - total,
			    false, -1, code, NULL);
			t->wants = code == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT;
			t->partial = true;
			if (total > 0)
				break;
			errno = EAGAIN;
			return -1;
		}
		if (code == SSL_ERROR_ZERO_RETURN) {
			trace_call(t, "SSL_read", p + total, len - total,
			    false, 0, code, "close_notify");
			t->peer_done = true;
			break;
		}
		if (code == SSL_ERROR_SSL &&
		    ERR_GET_REASON(ERR_peek_last_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			/* The socket ended with no close_notify before it. */
			ERR_clear_error();
			trace_call(t, "SSL_read", p + total, len - total,
			    false, -1, code, "end without close_notify");
			t->peer_done = true;
			t->truncated = true;
			break;
		}
		if (total > 0) {
			/*
			 * Deliver what came; the failure, sorted now while
			 * the library still says why, shows next time.
			 */
			failure(t, "SSL_read", code, p + total, len - total,
			    false);
			t->failure_due = true;
			break;
		}
		return failure(t, "SSL_read", code, p, len, false);
	}
	if (total == 0 && t->peer_done)
		t->end_told = true;
	t->wants = POLLIN;
	return (ssize_t)total;
}

ssize_t
tls_write(struct tls *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t total = 0;
	int code = SSL_ERROR_NONE;

	if (t->failed) {
		errno = t->err.fault == TLS_FAULT_SYSCALL ? t->err.err : EPROTO;
		return -1;
	}
	t->io.gather = true;
	while (total < len) {
		size_t put = 0;
		int rc;

		ERR_clear_error();
		t->io.err = 0;
		rc = SSL_write_ex(t->ssl, p + total, len - total, &put);
		if (rc == 1) {
			trace_call(t, "SSL_write", p + total, len - total,
			    true, (long)put, SSL_ERROR_NONE, NULL);
			total += put;
			continue;
		}
		code = SSL_get_error(t->ssl, rc);
		if (code == SSL_ERROR_WANT_READ ||
		    code == SSL_ERROR_WANT_WRITE) {
			trace_call(t, "SSL_write", p + total, len - total,
			    true, -1, code, NULL);
			t->wants = code == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT;
		} else if (total > 0) {
			/* Deliver what went; the failure shows next time. */
			failure(t, "SSL_write", code, p + total, len - total,
			    true);
			t->failure_due = true;
		} else {
			t->io.gather = false;
			return failure(t, "SSL_write", code, p, len, true);
		}
		break;
	}
	t->io.gather = false;
	if (tls_flush(t) < 0 && errno != EAGAIN) {
		t->failed = true;
		t->err.fault = TLS_FAULT_SYSCALL;
		t->err.err = errno;
		return -1;
	}
	if (total == 0) {
		errno = EAGAIN;
		return -1;
	}
	if (code == SSL_ERROR_NONE && !tls_unsent(t))
		t->wants = POLLOUT;
	return (ssize_t)total;
}

int
tls_flush(struct tls *t)
{
	if (sock_flush(&t->io) == 0)
		return 0;
	errno = t->io.err;
	if (errno == EAGAIN)
		t->wants = POLLOUT;
	return -1;
}

bool
tls_unsent(const struct tls *t)
{
	return t->io.out_off < t->io.out_len;
}

int
tls_shutdown(struct tls *t)
{
	int rc, code;

	if (t->notified)
		return 0;
	if (t->failed) {
		errno = EPROTO;
		return -1;
	}
	ERR_clear_error();
	t->io.err = 0;
	rc = SSL_shutdown(t->ssl);
	if (rc >= 0) {
		t->notified = true;
		trace_call(t, "SSL_shutdown", NULL, 0, false, rc,
		    SSL_ERROR_NONE, "close_notify sent");
		return 0;
	}
	code = SSL_get_error(t->ssl, rc);
	if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
		trace_call(t, "SSL_shutdown", NULL, 0, false, -1, code, NULL);
		t->wants = code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		errno = EAGAIN;
		return -1;
	}
	failure(t, "SSL_shutdown", code, NULL, 0, false);
	return -1;
}

bool
tls_pending(const struct tls *t)
{
	/* An end that came behind the last bytes read is still to tell. */
	if (t->peer_done)
		return !t->end_told;
	/* A failure behind the last bytes is to tell, as an end would be. */
	if (t->failed)
		return t->failure_due;
	return SSL_pending(t->ssl) > 0 ||
	    (SSL_has_pending(t->ssl) && !t->partial);
}

short
tls_wants(const struct tls *t)
{
	return t->wants;
}

bool
tls_truncated(const struct tls *t)
{
	return t->truncated;
}

bool
tls_notified(const struct tls *t)
{
	return t->notified;
}

bool
tls_half_close(const struct tls *t)
{
	return SSL_version(t->ssl) >= TLS1_3_VERSION;
}

const struct tls_error *
tls_last_error(const struct tls *t)
{
	return &t->err;
}

void
tls_describe(const struct tls *t, struct tls_info *info)
{
	const unsigned char *alpn = NULL;
	unsigned int alen = 0;
	X509 *cert = SSL_get0_peer_certificate(t->ssl);

	memset(info, 0, sizeof(*info));
	snprintf(info->version, sizeof(info->version), "%s",
	    SSL_get_version(t->ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s",
	    SSL_get_cipher_name(t->ssl));
	SSL_get0_alpn_selected(t->ssl, &alpn, &alen);
	if (alen > 0)
		snprintf(info->alpn, sizeof(info->alpn), "%.*s", (int)alen,
		    (const char *)alpn);
	info->resumed = SSL_session_reused(t->ssl) == 1;
	if (cert != NULL)
		info_cert(info, cert);
}

bool
tls_context_describe(const struct tls_context *c, struct tls_info *info)
{
	X509 *cert = SSL_CTX_get0_certificate(c->ctx);

	memset(info, 0, sizeof(*info));
	if (cert == NULL)
		return false;
	info_cert(info, cert);
	return true;
}

static void
put_pem(X509 *cert, void (*put)(void *ctx, const char *pem, size_t len),
    void *ctx)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long len;

	if (mem == NULL)
		return;
	if (PEM_write_bio_X509(mem, cert) == 1) {
		len = BIO_get_mem_data(mem, &data);
		put(ctx, data, (size_t)len);
	}
	BIO_free(mem);
}

int
tls_peer_chain_pem(const struct tls *t,
    void (*put)(void *ctx, const char *pem, size_t len), void *ctx)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(t->ssl);
	X509 *leaf = SSL_get0_peer_certificate(t->ssl);
	int i, n = 0;

	/* A server's view of the chain leaves the client's leaf out. */
	if (t->server && leaf != NULL) {
		put_pem(leaf, put, ctx);
		n++;
	}
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		put_pem(sk_X509_value(chain, i), put, ctx);
		n++;
	}
	return n;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);
	free(t->io.out);
	free(t);
}
