/* session_tls.c: the TLS options the commands share, their checks, what a handshake tells. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "alpn.h"
#include "explain.h"
#include "i18n.h"
#include "json.h"
#include "pin.h"
#include "relay.h"
#include "report.h"
#include "session.h"
#include "session_starttls.h"
#include "session_tls.h"
#include "sockit.h"
#include "starttls.h"
#include "sys.h"
#include "tls.h"

#define FIELD(name) offsetof(struct session_tls_opts, name)

#define TLS_VERSIONS "1.2|1.3"

const struct opt_def session_tls_defs[] = {
	{ 0, "tls", OPT_FLAG, FIELD(tls), NULL,
	  N_("speak TLS over the connection (as tls:// does)"), 1, 0, 0, NULL },
	{ 0, "ssl", OPT_FLAG, FIELD(tls), NULL,
	  N_("the same as --tls (ncat's spelling)"), 1, 0, 0, NULL },
	{ 0, "insecure", OPT_FLAG, FIELD(insecure), NULL,
	  N_("do not check the server's certificate at all"), 1, 0, 0, NULL },
	{ 0, "cafile", OPT_STRING, FIELD(cafile), "FILE",
	  N_("trust the CA certificates in FILE (PEM)"), 0, 0, 0, NULL },
	{ 0, "capath", OPT_STRING, FIELD(capath), "DIR",
	  N_("trust the CA certificates in DIR (hashed names)"),
	  0, 0, 0, NULL },
	{ 0, "sni", OPT_STRING, FIELD(sni), "NAME",
	  N_("send NAME as the server name (SNI)"), 0, 0, 0, NULL },
	{ 0, "no-sni", OPT_FLAG, FIELD(no_sni), NULL,
	  N_("send no server name"), 1, 0, 0, NULL },
	{ 0, "verify-name", OPT_STRING, FIELD(verify_name), "NAME",
	  N_("the certificate must name NAME, not the host"), 0, 0, 0, NULL },
	{ 0, "pin", OPT_STRING, FIELD(pin), "sha256:BASE64",
	  N_("the server's public key must have this SHA-256"), 0, 0, 0, NULL },
	{ 0, "cert", OPT_STRING, FIELD(cert), "FILE",
	  N_("our certificate (PEM, chain after it)"), 0, 0, 0, NULL },
	{ 0, "key", OPT_STRING, FIELD(key), "FILE",
	  N_("our private key (PEM); default: in --cert's file"),
	  0, 0, 0, NULL },
	{ 0, "key-pass-file", OPT_STRING, FIELD(key_pass_file), "FILE",
	  N_("the key's passphrase is the first line of FILE"), 0, 0, 0, NULL },
	{ 0, "alpn", OPT_STRING, FIELD(alpn), "LIST",
	  N_("offer these protocols (a server: choose), e.g. h2,http/1.1"),
	  0, 0, 0, NULL },
	{ 0, "tls-min", OPT_CHOICE, FIELD(tls_min), "VERSION",
	  N_("the oldest TLS version to speak (default 1.2)"), 0, 0, 0,
	  TLS_VERSIONS },
	{ 0, "tls-max", OPT_CHOICE, FIELD(tls_max), "VERSION",
	  N_("the newest TLS version to speak"), 0, 0, 0, TLS_VERSIONS },
	{ 0, "ciphers", OPT_STRING, FIELD(ciphers), "LIST",
	  N_("TLS 1.2 ciphers, in OpenSSL's syntax"), 0, 0, 0, NULL },
	{ 0, "ciphersuites", OPT_STRING, FIELD(ciphersuites), "LIST",
	  N_("TLS 1.3 cipher suites, in OpenSSL's syntax"), 0, 0, 0, NULL },
	{ 0, "verify-client", OPT_FLAG, FIELD(verify_client), NULL,
	  N_("server: ask for a client certificate, check it (--cafile)"),
	  1, 0, 0, NULL },
	{ 0, "show-certs", OPT_FLAG, FIELD(show_certs), NULL,
	  N_("print the peer's certificate chain (PEM) on stderr"),
	  1, 0, 0, NULL },
	{ 0, "starttls", OPT_CHOICE, FIELD(starttls), "PROTO",
	  N_("speak PROTO's preamble (smtp imap pop3 ftp postgres), then TLS"),
	  0, 0, 0, STARTTLS_NAMES },
};

const size_t session_tls_count = ARRAY_LEN(session_tls_defs);

/* The first line of --key-pass-file, kept for the context. */
static char key_pass[1024];

void
session_tls_init(struct session_tls_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_min = -1;
	o->tls_max = -1;
	o->starttls = -1;
}

/* The first TLS option given, for "X needs --tls". */
static const char *
first_tls_option(const struct session_tls_opts *o)
{
	return o->insecure ? "--insecure" : o->cafile ? "--cafile" :
	    o->capath ? "--capath" : o->sni ? "--sni" : o->no_sni ?
	    "--no-sni" : o->verify_name ? "--verify-name" : o->pin ?
	    "--pin" : o->cert ? "--cert" : o->key ? "--key" :
	    o->key_pass_file ? "--key-pass-file" : o->alpn ? "--alpn" :
	    o->tls_min >= 0 ? "--tls-min" : o->tls_max >= 0 ? "--tls-max" :
	    o->ciphers ? "--ciphers" : o->ciphersuites ? "--ciphersuites" :
	    o->verify_client ? "--verify-client" : o->show_certs ?
	    "--show-certs" : NULL;
}

/* A file named at start-up must be readable now, not at the handshake. */
static int
check_file(const char *path, const char *option, bool dir)
{
	struct stat st;

	if (path == NULL)
		return 0;
	/* The type first: access(X_OK) of a file says EACCES, not why. */
	if (stat(path, &st) == 0 && dir != S_ISDIR(st.st_mode)) {
		if (dir)
			report_usage("%s %s is not a directory", option, path);
		else
			report_usage("%s %s is a directory, not a file", option,
			    path);
		return -1;
	}
	if (stat(path, &st) != 0 || access(path, dir ? R_OK | X_OK : R_OK)
	    != 0) {
		report_usage("cannot read %s %s: %s", option, path,
		    i18n_errno_text(errno));
		return -1;
	}
	return 0;
}

static int
read_key_pass(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		report_usage("cannot read --key-pass-file %s: %s", path,
		    i18n_errno_text(errno));
		return -1;
	}
	if (fgets(key_pass, sizeof(key_pass), f) == NULL)
		key_pass[0] = '\0';
	fclose(f);
	key_pass[strcspn(key_pass, "\r\n")] = '\0';
	return 0;
}

/*
 * An empty name or file given on purpose means nothing to send, check or
 * read; the library would take some of them as "none" without a word.
 */
static int
check_empty(const struct session_tls_opts *o)
{
	size_t i;

	for (i = 0; i < session_tls_count; i++) {
		const struct opt_def *d = &session_tls_defs[i];
		const char *value;

		/* --alpn's parser says which name of the list is empty. */
		if (d->kind != OPT_STRING || strcmp(d->long_name, "alpn") == 0)
			continue;
		memcpy(&value, (const char *)o + d->offset, sizeof(value));
		if (value == NULL || value[0] != '\0')
			continue;
		report_usage("--%s is empty: it takes a %s%s", d->long_name,
		    d->arg_name, strcmp(d->long_name, "sni") == 0 ?
		    _(" (to send no server name, use --no-sni)") :
		    strcmp(d->long_name, "ciphersuites") == 0 ?
		    _(" (to speak no TLS 1.3, use --tls-max 1.2)") : "");
		return -1;
	}
	return 0;
}

/* Usage errors of the TLS options; ep->tls or --tls is given. */
static int
check_options(struct session *s, const struct endpoint *ep, bool server)
{
	const struct session_tls_opts *o = &s->tlso;
	const char *client_only = o->insecure ? "--insecure" : o->sni ?
	    "--sni" : o->no_sni ? "--no-sni" : o->verify_name ?
	    "--verify-name" : o->pin ? "--pin" : NULL;

	if (!tls_available()) {
		report_usage("this sockit was built without TLS: install "
		    "OpenSSL's headers (apt-get install libssl-dev) and run "
		    "make again");
		return -1;
	}
	if (check_empty(o) < 0)
		return -1;
	if (endpoint_is_dgram(ep) || s->opts.udp) {
		report_usage("TLS needs a stream: -u and datagram endpoints "
		    "have no TLS here (DTLS is not supported)");
		return -1;
	}
	if (ep->row->socktype != SOCK_STREAM) {
		report_usage("TLS needs a stream: %s has records, not a byte "
		    "stream", ep->row->scheme);
		return -1;
	}
	if (o->starttls >= 0 && (o->tls || ep->tls)) {
		report_usage("--starttls upgrades a plain connection: it "
		    "contradicts %s, which speaks TLS from the start",
		    o->tls ? "--tls" : _("a tls:// endpoint"));
		return -1;
	}
	if (server && o->starttls >= 0) {
		report_usage("--starttls is for the client side (connect, "
		    "send)");
		return -1;
	}
	if (server && client_only != NULL) {
		report_usage("%s is for the client side (connect, send)",
		    client_only);
		return -1;
	}
	if (!server && o->verify_client) {
		report_usage("--verify-client is for the server side (listen, "
		    "recv)");
		return -1;
	}
	/* RFC 6066 3 and RFC 1035 2.3.4: a host name fits in 255 bytes. */
	if ((o->sni != NULL && strlen(o->sni) > 255) ||
	    (o->verify_name != NULL && strlen(o->verify_name) > 255)) {
		report_usage("%s is longer than a host name may be (255 "
		    "bytes)", o->sni != NULL && strlen(o->sni) > 255 ?
		    "--sni" : "--verify-name");
		return -1;
	}
	if (o->sni != NULL && o->no_sni) {
		report_usage("--sni and --no-sni contradict each other");
		return -1;
	}
	if (o->tls_min >= 0 && o->tls_max >= 0 && o->tls_min > o->tls_max) {
		report_usage("--tls-min 1.%d is above --tls-max 1.%d",
		    o->tls_min + 2, o->tls_max + 2);
		return -1;
	}
	if (o->key != NULL && o->cert == NULL) {
		report_usage("--key needs --cert: the certificate that goes "
		    "with the key");
		return -1;
	}
	if (o->key_pass_file != NULL && o->cert == NULL) {
		report_usage("--key-pass-file needs --cert and the key it "
		    "unlocks");
		return -1;
	}
	if (o->insecure && (o->cafile != NULL || o->capath != NULL ||
	    o->pin != NULL || o->verify_name != NULL)) {
		report_usage("--insecure checks nothing: it contradicts %s",
		    o->cafile ? "--cafile" : o->capath ? "--capath" : o->pin ?
		    "--pin" : "--verify-name");
		return -1;
	}
	if (server && o->verify_client && o->cafile == NULL &&
	    o->capath == NULL) {
		report_usage("--verify-client needs --cafile or --capath: the "
		    "CA that signs the clients' certificates");
		return -1;
	}
	if (check_file(o->cafile, "--cafile", false) < 0 ||
	    check_file(o->capath, "--capath", true) < 0 ||
	    check_file(o->cert, "--cert", false) < 0 ||
	    check_file(o->key, "--key", false) < 0 ||
	    (o->key_pass_file != NULL && read_key_pass(o->key_pass_file) < 0))
		return -1;
	if (o->alpn != NULL) {
		char err[256];

		if (alpn_wire(o->alpn, NULL, 0, err, sizeof(err)) < 0) {
			report_usage("bad --alpn: %s", err);
			return -1;
		}
	}
	if (o->pin != NULL) {
		char err[256];

		if (pin_parse(o->pin, s->tls_peer.pin, err, sizeof(err)) < 0) {
			report_usage("bad --pin %s", err);
			return -1;
		}
		s->tls_peer.has_pin = true;
		s->tls_peer.pin_only = o->cafile == NULL && o->capath == NULL;
	}
	/* A pin alone skips the chain, and the name check with it. */
	if (s->tls_peer.pin_only && o->verify_name != NULL) {
		report_usage("--verify-name checks the certificate's name "
		    "against a trusted chain, which --pin alone skips: add "
		    "--cafile, or drop --verify-name");
		return -1;
	}
	return 0;
}

/* Whom the client expects: the server name it sends and checks. */
static void
choose_names(struct session *s, const struct endpoint *ep)
{
	const struct session_tls_opts *o = &s->tlso;
	const char *host = endpoint_is_unix(ep) ? NULL :
	    ep->host[0] != '\0' ? ep->host : "localhost";

	snprintf(s->tls_host, sizeof(s->tls_host), "%s", host != NULL ?
	    host : "");
	/* SNI carries names only: RFC 6066 forbids address literals. */
	if (o->sni != NULL)
		s->tls_peer.sni = o->sni;
	else if (!o->no_sni && host != NULL && !addr_is_literal(host))
		s->tls_peer.sni = s->tls_host;
	if (o->verify_name != NULL)
		s->tls_peer.verify_name = o->verify_name;
	else if (host != NULL)
		s->tls_peer.verify_name = s->tls_host;
	else if (o->sni != NULL)
		s->tls_peer.verify_name = o->sni;
}

/* Returns true for 0.0.0.0 and ::, which bind every address. */
static bool
is_unspecified(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	static const unsigned char zero[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, host, buf) == 1)
		return memcmp(buf, zero, 4) == 0;
	return inet_pton(AF_INET6, host, buf) == 1 &&
	    memcmp(buf, zero, sizeof(buf)) == 0;
}

/*
 * The names of the certificate a server without --cert makes: those a
 * client on this machine uses, and the host or address it was told to
 * bind, unless that binds every address.
 */
static const char *
self_names(const struct endpoint *ep)
{
	static char names[ENDPOINT_HOST_MAX + 64];
	const char *host = endpoint_is_unix(ep) ? "" : ep->host;
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";

	snprintf(names, sizeof(names), "DNS:localhost,IP:127.0.0.1,IP:::1");
	if (host[0] == '\0' || strcmp(host, "localhost") == 0 ||
	    strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
	    is_unspecified(host))
		return names;
	if (addr_is_literal(host))
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
		    ",IP:%s", host);
	else if (strspn(host, name_chars) == strlen(host))
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
		    ",DNS:%s", host);
	return names;
}

/*
 * What a client needs to trust the certificate made at start: its
 * fingerprints, with -v or as --json's "certificate" event.
 */
static void
announce_self(struct session *s)
{
	struct tls_info info;
	char fp[PIN_FINGERPRINT_MAX], pin[PIN_TEXT_MAX], storage[2048];
	struct strbuf sb;

	if ((!s->opts.verbose && !s->opts.json) ||
	    !tls_context_describe(s->tls_ctx, &info))
		return;
	pin_fingerprint(info.cert_sha256, TLS_SHA256_LEN, fp, sizeof(fp));
	pin_format(info.spki_sha256, pin);
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage),
		    "certificate");
		json_field_bool(&sb, "self_signed", true);
		json_field_str(&sb, "subject", info.subject);
		json_field_str(&sb, "names", info.names);
		json_field_str(&sb, "not_before", info.not_before);
		json_field_str(&sb, "not_after", info.not_after);
		json_field_str(&sb, "sha256", fp);
		json_field_str(&sb, "pin", pin);
		report_event_end(&sb);
		return;
	}
	report_note("tls: no --cert: made a self-signed certificate for %s, "
	    "valid until %s", info.names, info.not_after);
	report_note("tls: our sha256 %s", fp);
	report_note("tls: our pin %s (a client checks it with --pin)", pin);
}

/*
 * A context the library refused: an option's value is a usage error,
 * a file's contents a failure. Returns the exit status.
 */
static int
report_setup(const struct tls_error *e)
{
	if (e->file[0] == '-') {
		report_usage("bad %s: %s", e->file, e->reason);
		return EXIT_USAGE;
	}
	if (strcmp(e->cause, "keylog") == 0) {
		char what[TLS_TEXT_MAX + 24];

		snprintf(what, sizeof(what), _("open SSLKEYLOGFILE %s"),
		    e->file);
		report_errno("open", what, e->err);
	} else if (e->file[0] != '\0') {
		char what[TLS_TEXT_MAX + 8];

		snprintf(what, sizeof(what), _("load %s"), e->file);
		report_failure_lines(what, e->reason, NULL, "",
		    e->cause[0] != '\0' ? explain_tls(e->cause) : NULL);
	} else
		report_error("tls: %s", e->reason);
	return EXIT_FAIL;
}

int
session_tls_setup(struct session *s, const struct endpoint *ep, bool server)
{
	struct session_tls_opts *o = &s->tlso;
	struct tls_config cfg;
	struct tls_error e;
	const char *keylog = getenv("SSLKEYLOGFILE");
	const char *given = first_tls_option(o);

	if (!o->tls && !ep->tls && o->starttls < 0) {
		if (given == NULL)
			return EXIT_OK;
		/* How to get TLS at all comes before how to turn it on. */
		if (!tls_available())
			report_usage("%s: this sockit was built without TLS: "
			    "install OpenSSL's headers (apt-get install "
			    "libssl-dev) and run make again", given);
		else
			report_usage("%s needs --tls (or a tls:// endpoint, "
			    "or --starttls)", given);
		return EXIT_USAGE;
	}
	if (check_options(s, ep, server) < 0)
		return EXIT_USAGE;
	if (!server)
		choose_names(s, ep);
	memset(&cfg, 0, sizeof(cfg));
	cfg.server = server;
	cfg.insecure = o->insecure;
	cfg.cafile = o->cafile;
	cfg.capath = o->capath;
	cfg.cert = o->cert;
	cfg.key = o->key;
	cfg.key_pass = o->key_pass_file != NULL ? key_pass : NULL;
	cfg.alpn = o->alpn;
	cfg.min_version = o->tls_min >= 0 ? 12 + o->tls_min : 0;
	cfg.max_version = o->tls_max >= 0 ? 12 + o->tls_max : 0;
	cfg.ciphers = o->ciphers;
	cfg.ciphersuites = o->ciphersuites;
	cfg.verify_client = o->verify_client;
	cfg.keylog = keylog != NULL && keylog[0] != '\0' ? keylog : NULL;
	if (server && o->cert == NULL)
		cfg.self_names = self_names(ep);
	s->tls_ctx = tls_context_new(&cfg, &e);
	/* The context holds the key now: the passphrase has done its work. */
	explicit_bzero(key_pass, sizeof(key_pass));
	if (s->tls_ctx == NULL)
		return report_setup(&e);
	if (server && o->cert == NULL)
		announce_self(s);
	if (cfg.keylog != NULL)
		report_note("tls: session keys are logged to %s "
		    "(SSLKEYLOGFILE)", cfg.keylog);
	return EXIT_OK;
}

bool
session_tls_on(const struct session *s)
{
	return s->tls_ctx != NULL;
}

static void
put_pem(void *ctx, const char *pem, size_t len)
{
	(void)ctx;
	report_write(pem, len);
}

/*
 * The certificate's SANs, and when none is a DNS name, the CN a host name
 * is checked against instead: not a SAN, and one browsers ignore.
 */
static const char *
names_text(const char *names, const char *host_cn, char *out, size_t cap)
{
	if (host_cn[0] == '\0')
		return names[0] != '\0' ? names : _("none");
	snprintf(out, cap, _("%s (no DNS name, so a host name is checked "
	    "against the subject's CN=%s; browsers ignore the CN)"),
	    names[0] != '\0' ? names : _("none"), host_cn);
	return out;
}

/* -v's lines and --json's event about the finished handshake. */
static void
describe(struct session *s, const char *peer)
{
	struct tls_info info;
	char fp[PIN_FINGERPRINT_MAX], pin[PIN_TEXT_MAX], storage[4096];
	char text[TLS_NAMES_MAX + TLS_TEXT_MAX + 128];
	struct strbuf sb;
	const char *keylog = getenv("SSLKEYLOGFILE");

	tls_describe(s->tls, &info);
	pin_fingerprint(info.cert_sha256, TLS_SHA256_LEN, fp, sizeof(fp));
	pin_format(info.spki_sha256, pin);
	if (s->opts.json) {
		report_event_begin(&sb, storage, sizeof(storage), "tls");
		json_field_str(&sb, "remote", peer);
		json_field_str(&sb, "version", info.version);
		json_field_str(&sb, "cipher", info.cipher);
		json_field_str(&sb, "alpn", info.alpn);
		json_field_bool(&sb, "resumed", info.resumed);
		/* The context could not be made had the log not opened. */
		json_field_bool(&sb, "keylog", keylog != NULL &&
		    keylog[0] != '\0');
		json_field_bool(&sb, "verified", s->dialed ?
		    !s->tlso.insecure && !s->tls_peer.pin_only :
		    s->tlso.verify_client != 0);
		if (info.have_cert) {
			json_field_str(&sb, "subject", info.subject);
			json_field_str(&sb, "issuer", info.issuer);
			json_field_str(&sb, "names", info.names);
			if (info.host_cn[0] != '\0')
				json_field_str(&sb, "host_cn", info.host_cn);
			json_field_str(&sb, "not_before", info.not_before);
			json_field_str(&sb, "not_after", info.not_after);
			json_field_str(&sb, "sha256", fp);
			json_field_str(&sb, "pin", pin);
		}
		report_event_end(&sb);
	} else if (s->opts.verbose) {
		const char *alpn = info.alpn[0] ? info.alpn : _("none");

		if (info.resumed)
			report_note("tls: %s, %s, alpn %s, resumed session",
			    info.version, info.cipher, alpn);
		else
			report_note("tls: %s, %s, alpn %s, new session",
			    info.version, info.cipher, alpn);
		if (info.have_cert) {
			report_note("tls: subject %s", info.subject);
			report_note("tls: issuer %s", info.issuer);
			report_note("tls: names %s", names_text(info.names,
			    info.host_cn, text, sizeof(text)));
			report_note("tls: valid from %s until %s",
			    info.not_before, info.not_after);
			report_note("tls: sha256 %s", fp);
			report_note("tls: pin %s", pin);
		} else {
			if (s->dialed)
				report_note("tls: the server sent no "
				    "certificate");
			else
				report_note("tls: the client sent no "
				    "certificate");
		}
	}
	if (s->tlso.show_certs)
		tls_peer_chain_pem(s->tls, put_pem, NULL);
}

/*
 * The library's words for the certificate checks a course meets, as
 * OpenSSL 3 says them: the library has no catalogue of its own, so these
 * are sockit's message ids. Another version's words stay as they are.
 */
static const char *const verify_texts[] = {
	N_("CA certificate key too weak"),
	N_("CA signature digest algorithm too weak"),
	N_("certificate has expired"),
	N_("certificate is not yet valid"),
	N_("certificate rejected"),
	N_("certificate revoked"),
	N_("certificate signature failure"),
	N_("certificate not trusted"),
	N_("self-signed certificate"),
	N_("EE certificate key too weak"),
	N_("hostname mismatch"),
	N_("invalid CA certificate"),
	N_("unsuitable certificate purpose"),
	N_("IP address mismatch"),
	N_("self-signed certificate in certificate chain"),
	N_("unable to get issuer certificate"),
	N_("unable to get local issuer certificate"),
	N_("unable to verify the first certificate"),
};

/* A failed check's reason in the user's language when it is known. */
static const char *
verify_text(const struct tls_error *e)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(verify_texts); i++)
		if (strcmp(e->reason, verify_texts[i]) == 0)
			return _(verify_texts[i]);
	return e->reason;
}

/* Lines under the first that give the facts a failure depends on. */
static void
failure_facts(struct session *s, const struct tls_error *e,
    struct strbuf *sb)
{
	char theirs[PIN_TEXT_MAX], now[64];
	char text[TLS_NAMES_MAX + TLS_TEXT_MAX + 128];
	time_t t = time(NULL);
	struct tm tm;

	switch (e->fault) {
	case TLS_FAULT_VERIFY:
		if (e->verify_kind == TLS_VERIFY_DATES) {
			gmtime_r(&t, &tm);
			strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
			strbuf_printf(sb, _("\n  the certificate is valid from "
			    "%s until %s; the clock here says %s"),
			    e->not_before, e->not_after, now);
		} else if (e->verify_kind == TLS_VERIFY_NAME) {
			strbuf_printf(sb, _("\n  asked for %s; the certificate "
			    "names %s"), s->tls_peer.verify_name != NULL ?
			    s->tls_peer.verify_name : "?", names_text(e->names,
			    e->host_cn, text, sizeof(text)));
		} else if (e->have_cert) {
			strbuf_printf(sb, _("\n  issuer %s; subject %s"),
			    e->issuer, e->subject);
		}
		break;
	case TLS_FAULT_PIN:
		pin_format(e->spki_sha256, theirs);
		strbuf_printf(sb, _("\n  --pin wants %s; the server's key is "
		    "%s"), s->tlso.pin, e->have_cert ? theirs :
		    _("absent (no certificate)"));
		break;
	default:
		break;
	}
}

/* The name a failure goes by, for the message and for explain_tls. */
static const char *
failure_name(const struct tls_error *e, char *out, size_t cap)
{
	switch (e->fault) {
	case TLS_FAULT_VERIFY:
		return e->verify_name;
	case TLS_FAULT_PIN:
		return "pin mismatch";
	case TLS_FAULT_ALERT:
		snprintf(out, cap, "alert %s", e->alert);
		return out;
	case TLS_FAULT_NOT_TLS:
		return "not tls";
	case TLS_FAULT_PLAIN_CLIENT:
		return "plain client";
	case TLS_FAULT_EOF:
		return "eof";
	default:
		return NULL;
	}
}

/* "sockit: tls handshake with PEER: WHAT HAPPENED (NAME)" and the hints. */
void
session_tls_report(struct session *s, const char *what,
    const struct tls_error *e)
{
	char storage[2048], name_buf[96], text[TLS_TEXT_MAX + 128];
	struct strbuf facts;
	const char *name = failure_name(e, name_buf, sizeof(name_buf));
	const char *hint = name != NULL ? explain_tls(name) : NULL;
	bool server = !s->dialed;

	if (e->fault == TLS_FAULT_SYSCALL) {
		report_errno("recv", what, e->err);
		return;
	}
	switch (e->fault) {
	case TLS_FAULT_VERIFY:
		/* A server checks the client's certificate: --verify-client. */
		if (server)
			snprintf(text, sizeof(text), _("refused the client's "
			    "certificate: %s"), verify_text(e));
		else
			snprintf(text, sizeof(text), "%s", verify_text(e));
		if (server)
			hint = explain_tls("client certificate");
		break;
	case TLS_FAULT_NO_CERT:
		snprintf(text, sizeof(text), "%s", _("the client sent no "
		    "certificate, and --verify-client wants one"));
		hint = explain_tls("no client certificate");
		break;
	case TLS_FAULT_PIN:
		snprintf(text, sizeof(text), "%s", _("pin mismatch: the "
		    "server's public key is not the one --pin names"));
		name = NULL;
		break;
	case TLS_FAULT_ALERT:
		snprintf(text, sizeof(text), _("the peer sent alert %s"),
		    e->alert);
		name = NULL;
		break;
	case TLS_FAULT_NOT_TLS:
		snprintf(text, sizeof(text), _("the peer does not speak TLS "
		    "(%s)"), e->reason);
		name = NULL;
		break;
	case TLS_FAULT_PLAIN_CLIENT:
		snprintf(text, sizeof(text), _("the client sent plain text, "
		    "not TLS (%s)"), e->reason);
		name = NULL;
		break;
	case TLS_FAULT_EOF:
		snprintf(text, sizeof(text), "%s", _("the peer closed the "
		    "connection before the handshake finished"));
		name = NULL;
		break;
	default:
		/* tls.c's own reasons are message ids: this translates them. */
		snprintf(text, sizeof(text), "%s", e->reason[0] ?
		    _(e->reason) : _("failed"));
		name = NULL;
		if (e->fault == TLS_FAULT_PROTOCOL)
			hint = explain_tls("protocol");
		break;
	}
	strbuf_init(&facts, storage, sizeof(storage));
	failure_facts(s, e, &facts);
	report_failure_lines(what, text, name, strbuf_str(&facts), hint);
}

int
session_tls_start(struct session *s, int sock, const char *peer)
{
	char what[ENDPOINT_TEXT_MAX + 64];
	struct tls_error e;
	bool server = !s->dialed;
	/*
	 * A server waits for no client forever: one that connects and says
	 * nothing would hold a -k server, or a --fork child, for good.
	 */
	double limit = s->opts.timeout >= 0 ? s->opts.timeout : server ?
	    SESSION_TLS_HANDSHAKE_WAIT : -1;
	double deadline = limit >= 0 ? relay_now() + limit : -1;

	if (s->tlso.insecure)
		report_warning("--insecure: the certificate of %s is not "
		    "checked: anyone on the path can read and change the data",
		    peer);
	if (!server && s->tlso.starttls >= 0) {
		int status = session_starttls(s, sock, peer, deadline);

		if (status != EXIT_OK)
			return status;
	}
	s->tls = server ? tls_server(s->tls_ctx, sock, deadline, &e) :
	    tls_client(s->tls_ctx, sock, &s->tls_peer, deadline, &e);
	if (s->tls != NULL) {
		describe(s, peer);
		return EXIT_OK;
	}
	snprintf(what, sizeof(what), _("tls handshake with %s"), peer);
	if (e.fault == TLS_FAULT_SIGNAL)
		return 128 + (int)sys_signal_caught;
	if (e.fault == TLS_FAULT_TIMEOUT) {
		report_error("%s: no answer within %g s (%s)", what,
		    limit, s->opts.timeout >= 0 ? "-w" :
		    _("a server's default; -w sets another"));
		return EXIT_TIMEOUT;
	}
	session_tls_report(s, what, &e);
	return EXIT_FAIL;
}

void
session_tls_finish(struct session *s, const struct relay_result *res,
    const char *peer)
{
	char what[ENDPOINT_TEXT_MAX + 64];

	if (s->tls == NULL)
		return;
	if (res->end == RELAY_ERROR && strcmp(res->failed_call, "tls") == 0) {
		/*
		 * A TLS 1.3 server checks our certificate after our side of
		 * the handshake is done: its refusal is the first thing read.
		 */
		if (res->stats.bytes[RELAY_DOWN] == 0)
			snprintf(what, sizeof(what), _("tls handshake with %s"),
			    peer);
		else
			snprintf(what, sizeof(what), _("tls with %s"), peer);
		session_tls_report(s, what, tls_last_error(s->tls));
	}
	if (res->truncated)
		report_warning("tls: %s closed without close_notify: the "
		    "data may be truncated", peer);
	/*
	 * Our close_notify tells the peer the data ended here on purpose:
	 * not after a signal or with data left unsent (the peer would take
	 * the part for the whole), nor to a broken session. What the peer
	 * sent that nobody read (session tickets, a reply send did not want)
	 * is read now: a close() with it unread sends a reset, which may
	 * cost the peer what it had not read yet of ours.
	 */
	if (res->end != RELAY_ERROR && res->end != RELAY_SIGNAL &&
	    !res->unsent) {
		char sink[16384];
		int i;

		if (!tls_notified(s->tls))
			tls_shutdown(s->tls);
		for (i = 0; i < 16 && tls_read(s->tls, sink, sizeof(sink)) > 0;
		    i++)
			continue;
	}
	tls_free(s->tls);
	s->tls = NULL;
}

void
session_tls_free(struct session *s)
{
	tls_context_free(s->tls_ctx);
	s->tls_ctx = NULL;
}
