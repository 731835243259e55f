/* serve_proxy.c: listen --socks5 and --http-proxy: the options, the checks made before anything is bound, and --auth-file. */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "i18n.h"
#include "report.h"
#include "serve_proxy.h"
#include "sockit.h"

/* An --auth-file is a few lines; anything near this is not one. */
#define AUTH_FILE_MAX (64 * 1024)

const struct opt_def serve_proxy_defs[] = {
	{ 0, "socks5", OPT_FLAG, offsetof(struct serve_proxy, socks5), NULL,
	  N_("be a SOCKS5 (and 4, 4a) proxy: each peer names its target"),
	  1, 0, 0, NULL },
	{ 0, "http-proxy", OPT_FLAG, offsetof(struct serve_proxy, http), NULL,
	  N_("be an HTTP CONNECT proxy: each peer names its target"),
	  1, 0, 0, NULL },
	{ 0, "auth-file", OPT_STRING, offsetof(struct serve_proxy, auth_file),
	  "FILE", N_("ask proxy clients for a user:password line of FILE "
	  "(mode 600)"), 0, 0, 0, NULL },
	{ 0, "allow-to", OPT_LIST, offsetof(struct serve_proxy, allow_text),
	  "CIDR[:PORTS]", N_("let proxy clients reach only CIDR (on PORTS) "
	  "(repeatable)"), 0, 0, 0, NULL },
	{ 0, "deny-to", OPT_LIST, offsetof(struct serve_proxy, deny_text),
	  "CIDR[:PORTS]", N_("keep proxy clients from CIDR (on PORTS) "
	  "(repeatable)"), 0, 0, 0, NULL },
};

const size_t serve_proxy_count = ARRAY_LEN(serve_proxy_defs);

bool
serve_proxy_on(const struct serve_proxy *sp)
{
	return sp->socks5 || sp->http;
}

static const char *
proxy_flag(const struct serve_proxy *sp)
{
	return sp->socks5 ? "--socks5" : "--http-proxy";
}

static int
parse_rules(const struct opt_list *list, const char *opt,
    struct proxy_rule *out)
{
	char err[256];
	int i;

	for (i = 0; i < list->count; i++)
		if (proxy_rule_parse(list->items[i], &out[i], err,
		    sizeof(err)) < 0) {
			report_usage("bad %s %s: %s", opt, list->items[i], err);
			return -1;
		}
	return 0;
}

/*
 * Reads --auth-file: "user:password" lines; empty lines and those that
 * begin with '#' are skipped. A file that others may read is refused:
 * the passwords in it are the proxy's only guard.
 */
static int
read_users(struct serve_proxy *sp)
{
	const char *path = sp->auth_file;
	struct stat st;
	char *line, *next, *colon;
	ssize_t n;
	size_t len = 0;
	int fd, count = 0, lineno = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		char what[1024];

		snprintf(what, sizeof(what), _("read --auth-file %s"), path);
		report_errno("open", what, err);
		return EXIT_FAIL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		report_error("--auth-file %s: not a regular file", path);
		close(fd);
		return EXIT_FAIL;
	}
	if (st.st_mode & 077) {
		unsigned mode = (unsigned)(st.st_mode & 07777);
		char what[1024], text[160], hint[1024];

		/* Any bit is refused; the message names the harm of those set. */
		static const char *const harm[] = {
			[SECRET_READ_WRITE] = N_("group or others may read and "
			    "write it (mode %04o), and it holds the proxy's "
			    "passwords"),
			[SECRET_READ] = N_("group or others may read it (mode "
			    "%04o), and it holds the proxy's passwords"),
			[SECRET_WRITE] = N_("group or others may write it (mode "
			    "%04o), and so add a user to the proxy"),
			[SECRET_OTHER] = N_("group or others have a permission "
			    "on it (mode %04o), and it holds the proxy's "
			    "passwords"),
		};

		snprintf(text, sizeof(text), _(harm[proxy_secret_access(mode)]),
		    mode);
		snprintf(what, sizeof(what), _("read --auth-file %s"), path);
		snprintf(hint, sizeof(hint), _("chmod 600 %s"), path);
		report_failure_lines(what, text, NULL, "", hint);
		close(fd);
		return EXIT_FAIL;
	}
	sp->file = malloc(AUTH_FILE_MAX + 1);
	if (sp->file == NULL) {
		report_errno("malloc", path, errno);
		close(fd);
		return EXIT_FAIL;
	}
	while (len < AUTH_FILE_MAX && (n = read(fd, sp->file + len,
	    AUTH_FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	sp->file[len] = '\0';
	/* At most a user per two bytes: "a:" is the shortest line. */
	sp->users = calloc(len / 2 + 1, sizeof(*sp->users));
	if (sp->users == NULL) {
		report_errno("malloc", path, errno);
		return EXIT_FAIL;
	}
	for (line = sp->file; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		colon = strchr(line, ':');
		if (colon == NULL || colon == line) {
			report_error("--auth-file %s line %d: write "
			    "user:password", path, lineno);
			return EXIT_FAIL;
		}
		*colon = '\0';
		sp->users[count].user = line;
		sp->users[count].pass = colon + 1;
		count++;
	}
	if (count == 0) {
		report_error("--auth-file %s holds no user:password line: no "
		    "client could use the proxy", path);
		return EXIT_FAIL;
	}
	sp->config.users = sp->users;
	sp->config.nusers = count;
	return EXIT_OK;
}

/*
 * The guard, with warn true once the address is bound: an --allow whose
 * block has prefix 0 (0.0.0.0/0, ::/0) turns the guard off as surely as
 * no --allow would, and the user asked for it, so it stays, said aloud.
 */
static int
exposed(const struct serve_proxy *sp, const struct serve_access *acl,
    const struct sockaddr *sa, socklen_t len, const char *text, bool warn)
{
	int i;

	if (sp->auth_file != NULL || (sa != NULL && addr_is_loopback(sa,
	    len)))
		return EXIT_OK;
	if (acl->nallow > 0) {
		for (i = 0; warn && i < acl->nallow; i++)
			if (acl->allow[i].prefix == 0) {
				report_warning("%s on %s: --allow %s opens the "
				    "proxy to every address, to reach others "
				    "in your name: close it with --auth-file "
				    "FILE or a narrower --allow CIDR",
				    proxy_flag(sp), text,
				    acl->allow_text.items[i]);
				break;
			}
		return EXIT_OK;
	}
	report_usage("%s on %s would be an open proxy, which anyone who can "
	    "reach it may use to reach others in your name: bind 127.0.0.1 or "
	    "::1, or add --allow CIDR (who may use it) or --auth-file FILE",
	    proxy_flag(sp), text);
	return EXIT_USAGE;
}

int
serve_proxy_exposed(const struct serve_proxy *sp,
    const struct serve_access *acl, const struct sockaddr *sa, socklen_t len,
    const char *text)
{
	return exposed(sp, acl, sa, len, text, true);
}

/*
 * The bind address, when it is known before the bind: empty or literal.
 * Its warning waits for serve_proxy_exposed, after the bind, to be said
 * once.
 */
static int
exposed_early(const struct serve_proxy *sp, const struct serve_access *acl,
    const struct endpoint *ep)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	sin.sin_family = AF_INET;
	sin6.sin6_family = AF_INET6;
	if (ep->host[0] == '\0')
		return exposed(sp, acl, NULL, 0, ep->text, false);
	if (inet_pton(AF_INET, ep->host, &sin.sin_addr) == 1)
		return exposed(sp, acl, (struct sockaddr *)&sin,
		    sizeof(sin), ep->text, false);
	if (inet_pton(AF_INET6, ep->host, &sin6.sin6_addr) == 1)
		return exposed(sp, acl, (struct sockaddr *)&sin6,
		    sizeof(sin6), ep->text, false);
	/* A name: judged once it is bound. */
	return EXIT_OK;
}

int
serve_proxy_check(struct serve_proxy *sp, const struct session *s,
    const struct endpoint *ep, const struct serve_access *acl,
    const char *other)
{
	const char *flag = proxy_flag(sp);

	if (!serve_proxy_on(sp)) {
		if (sp->auth_file != NULL || sp->allow_text.count > 0 ||
		    sp->deny_text.count > 0) {
			report_usage("%s needs --socks5 or --http-proxy: it acts "
			    "on a proxy's clients", sp->auth_file != NULL ?
			    "--auth-file" : sp->allow_text.count > 0 ?
			    "--allow-to" : "--deny-to");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (sp->socks5 && sp->http) {
		report_usage("--socks5 and --http-proxy each say what the "
		    "proxy speaks: give one (a port each)");
		return EXIT_USAGE;
	}
	if (other != NULL) {
		report_usage("%s and %s each say who answers the peer: give one",
		    flag, other);
		return EXIT_USAGE;
	}
	if (ep->row->socktype != SOCK_STREAM || endpoint_is_unix(ep)) {
		report_usage("%s listens on TCP, and %s is a %s endpoint", flag,
		    ep->text, ep->row->scheme);
		return EXIT_USAGE;
	}
	if (ep->tls || s->tlso.tls) {
		report_usage("%s speaks to its clients in the clear: a client "
		    "that wants TLS asks the proxy for a tunnel and speaks TLS "
		    "through it", flag);
		return EXIT_USAGE;
	}
	if (parse_rules(&sp->allow_text, "--allow-to", sp->allow) < 0 ||
	    parse_rules(&sp->deny_text, "--deny-to", sp->deny) < 0)
		return EXIT_USAGE;
	if (exposed_early(sp, acl, ep) != EXIT_OK)
		return EXIT_USAGE;
	sp->config.mode = sp->http ? PSRV_MODE_HTTP : PSRV_MODE_SOCKS;
	sp->config.allow = sp->allow;
	sp->config.nallow = sp->allow_text.count;
	sp->config.deny = sp->deny;
	sp->config.ndeny = sp->deny_text.count;
	if (sp->auth_file != NULL)
		return read_users(sp);
	return EXIT_OK;
}

void
serve_proxy_free(struct serve_proxy *sp)
{
	free(sp->users);
	free(sp->file);
	sp->users = NULL;
	sp->file = NULL;
}
