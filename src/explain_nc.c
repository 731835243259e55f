/* explain_nc.c: what to type instead of an nc command line or option. */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain_nc.h"
#include "i18n.h"
#include "strbuf.h"

/*
 * nc's flags (ncat's long names too), and how sockit spells each after its
 * command: nc listens with -l and connects without it; here listen and
 * connect are commands.
 */
enum nc_value {
	NC_NONE,	/* a flag alone */
	NC_WORD,	/* a plain word, repeated: -w 3 */
	NC_PORT,	/* -p's number */
	NC_HOST,	/* -s's address */
	NC_PROGRAM,	/* -e, -c: quoted for the shell when not plain */
};

struct nc_flag {
	char letter;
	const char *long_name;	/* ncat's, or NULL */
	enum nc_value value;
	const char *listen;	/* listen's option; "" drops it, NULL: none */
	const char *connect;	/* the same for connect */
};

static const struct nc_flag nc_flags[] = {
	{ 'l', "listen", NC_NONE, "", NULL },
	{ 'k', "keep-open", NC_NONE, "-k", NULL },
	{ 'u', "udp", NC_NONE, "-u", "-u" },
	/* -U: the endpoint becomes unix:PATH, which says it. */
	{ 'U', "unixsock", NC_NONE, "", "" },
	{ 'v', "verbose", NC_NONE, "-v", "-v" },
	{ 'z', NULL, NC_NONE, NULL, "-z" },
	{ '4', NULL, NC_NONE, "-4", "-4" },
	{ '6', NULL, NC_NONE, "-6", "-6" },
	/* -n: no name lookups; an address is never looked up here anyway. */
	{ 'n', "nodns", NC_NONE, "", "" },
	/* -N: FIN on stdin's EOF, which sockit sends by default. */
	{ 'N', NULL, NC_NONE, "", "" },
	{ 'C', "crlf", NC_NONE, "-C", "-C" },
	{ 'w', "wait", NC_WORD, "-w", "-w" },
	{ 'q', NULL, NC_WORD, "-q", "-q" },
	/* -p and -s: listen's endpoint, connect's source address. */
	{ 'p', "source-port", NC_PORT, "", "-s" },
	{ 's', "source", NC_HOST, "", "-s" },
	{ 'e', "exec", NC_PROGRAM, "-e", "-e" },
	{ 'c', "sh-exec", NC_PROGRAM, "-c", "-c" },
};

/*
 * nc's flags that sockit refuses together (each string's letters all
 * given), so that no advice is a line the parser rejects: a program talks
 * to the peer itself, and a unix socket has no family, port or source.
 */
static const char *const nc_conflicts[] = {
	"46", "ec", "eq", "cq", "eC", "cC", "ez", "cz", "kue", "kuc",
	"U4", "U6", "Up", "Us",
};

/* The words a suggestion may repeat without quoting for the shell. */
static bool
plain_word(const char *w)
{
	if (w == NULL || *w == '\0')
		return false;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && strchr("._-:%/@+,[]", *w) ==
		    NULL)
			return false;
	return true;
}

/* A word a suggestion may repeat inside single quotes: no ' and no control. */
static bool
quotable_word(const char *w)
{
	if (w == NULL || *w == '\0')
		return false;
	for (; *w; w++)
		if (*w == '\'' || iscntrl((unsigned char)*w))
			return false;
	return true;
}

static bool
all_digits(const char *w)
{
	return *w != '\0' && strspn(w, "0123456789") == strlen(w);
}

/*
 * nc's port word: a number, a service name (a letter, then letters, digits
 * and '-'), or with zero (-z) a list and ranges such as 22,80,8000-8100.
 */
static bool
is_port_word(const char *w, bool zero)
{
	static const char name[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

	if (all_digits(w))
		return true;
	if (isalpha((unsigned char)w[0]))
		return strspn(w, name) == strlen(w);
	return zero && isdigit((unsigned char)w[0]) &&
	    strspn(w, "0123456789,-") == strlen(w);
}

/* A host name or address, never HOST:PORT or a bare number. */
static bool
is_host(const char *w)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (!plain_word(w) || strpbrk(w, "/@,[]") != NULL || all_digits(w) ||
	    (!isalnum((unsigned char)w[0]) && w[0] != ':'))
		return false;
	return strchr(w, ':') == NULL || inet_pton(AF_INET6, w, addr) == 1;
}

/* HOST:PORT with a numeric port, as sockit writes an endpoint. */
static bool
is_host_port(const char *w)
{
	const char *colon = strrchr(w, ':');
	char host[256];

	if (!plain_word(w) || colon == NULL || !all_digits(colon + 1) ||
	    (size_t)(colon - w) >= sizeof(host))
		return false;
	memcpy(host, w, (size_t)(colon - w));
	host[colon - w] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']')
		return true;
	return strchr(host, ':') == NULL && is_host(host);
}

/*
 * A word where a command should be that reads as a host: an address,
 * localhost, a dotted name, HOST:PORT, or any name followed by a port.
 */
static bool
looks_like_host(const char *w, const char *next)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (is_host_port(w))
		return true;
	if (!is_host(w))
		return false;
	return inet_pton(AF_INET, w, addr) == 1 || strchr(w, ':') != NULL ||
	    strcmp(w, "localhost") == 0 || strchr(w, '.') != NULL ||
	    (next != NULL && all_digits(next));
}

/* Whether argv (argc words) may be nc's at all, from its first word. */
static bool
may_be_nc(int argc, char *const *argv)
{
	return argc > 0 && (argv[0][0] == '-' || looks_like_host(argv[0],
	    argc > 1 ? argv[1] : NULL));
}

static const struct nc_flag *
find_nc_flag(char letter)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_flags); i++)
		if (nc_flags[i].letter == letter)
			return &nc_flags[i];
	return NULL;
}

static const struct nc_flag *
find_nc_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_flags); i++)
		if (nc_flags[i].long_name != NULL &&
		    strlen(nc_flags[i].long_name) == len &&
		    strncmp(nc_flags[i].long_name, name, len) == 0)
			return &nc_flags[i];
	return NULL;
}

/* An nc command line taken apart: its options in order, its words. */
struct nc_line {
	struct {
		const struct nc_flag *flag;
		const char *value;
	} opts[32];
	int nopts;
	const char *pos[2];
	int npos;
	bool listen, unix;
};

/* Adds flag f with value v to l. Returns 0, or -1 when v is no value for f. */
static int
add_nc_opt(struct nc_line *l, const struct nc_flag *f, const char *v)
{
	bool ok = true;

	switch (f->value) {
	case NC_NONE:
		break;
	case NC_WORD:
		ok = plain_word(v) && v[0] != '-';
		break;
	case NC_PORT:
		ok = v != NULL && all_digits(v);
		break;
	case NC_HOST:
		ok = v != NULL && is_host(v);
		break;
	case NC_PROGRAM:	/* never an option's word to sockit */
		ok = (plain_word(v) || quotable_word(v)) && v[0] != '-';
		break;
	}
	if (!ok || l->nopts == (int)ARRAY_LEN(l->opts))
		return -1;
	l->listen |= f->letter == 'l';
	l->unix |= f->letter == 'U';
	l->opts[l->nopts].flag = f;
	l->opts[l->nopts].value = v;
	l->nopts++;
	return 0;
}

/* Takes nc's words apart into l. Returns 0, or -1 when they are not nc's. */
static int
parse_nc_line(int argc, char *const *argv, struct nc_line *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;
		const struct nc_flag *f;

		if (a[0] != '-' || a[1] == '\0') {
			if (l->npos == 2 || !plain_word(a))
				return -1;
			l->pos[l->npos++] = a;
			continue;
		}
		if (a[1] == '-') {	/* ncat's --name or --name=VALUE */
			const char *name = a + 2, *v = NULL;
			size_t len = strcspn(name, "=");

			f = find_nc_long(name, len);
			if (f == NULL || (name[len] == '=' &&
			    f->value == NC_NONE))
				return -1;
			if (name[len] == '=')
				v = name + len + 1;
			else if (f->value != NC_NONE)
				v = i + 1 < argc ? argv[++i] : NULL;
			if (add_nc_opt(l, f, v) < 0)
				return -1;
			continue;
		}
		for (p = a + 1; *p; p++) {
			const char *v = NULL;

			f = find_nc_flag(*p);
			if (f == NULL)
				return -1;
			if (f->value != NC_NONE)
				v = p[1] != '\0' ? p + 1 :
				    i + 1 < argc ? argv[++i] : NULL;
			if (add_nc_opt(l, f, v) < 0)
				return -1;
			if (v != NULL)
				break;
		}
	}
	return 0;
}

/* Appends option opt with a program's words, quoted when not plain. */
static void
put_program(struct strbuf *sb, const char *opt, const char *v)
{
	if (plain_word(v))
		strbuf_printf(sb, " %s %s", opt, v);
	else
		strbuf_printf(sb, " %s '%s'", opt, v);
}

/* Appends host, with port when not NULL, as an endpoint or -s's address. */
static void
put_host_port(struct strbuf *sb, const char *host, const char *port)
{
	if (host == NULL)
		strbuf_printf(sb, ":%s", port);
	else if (port == NULL)
		strbuf_puts(sb, host);
	else if (strchr(host, ':') != NULL)
		/* Quoted: zsh would take [::1] for a pattern, and fail. */
		strbuf_printf(sb, "\"[%s]:%s\"", host, port);
	else
		strbuf_printf(sb, "%s:%s", host, port);
}

/*
 * Appends the endpoint of nc's words: HOST PORT, or -l's [HOST] PORT, or
 * -l's [HOST] with -s's host and -p's port, or -U's PATH. zero: -z was
 * given. Returns 0, or -1 when they are not that.
 */
static int
put_nc_endpoint(struct strbuf *sb, const struct nc_line *l, bool zero,
    bool udp, const char *lhost, const char *port)
{
	const char *const *pos = l->pos;
	const char *host = NULL;
	int npos = l->npos;

	if (l->unix) {
		/* A path; unix:[..] would not paste safely (a glob). */
		if (npos != 1 || port != NULL || lhost != NULL ||
		    strpbrk(pos[0], "[]") != NULL)
			return -1;
		strbuf_printf(sb, " %s:%s", udp ? "unix-dgram" : "unix",
		    pos[0]);
		return 0;
	}
	if (npos == 1 && port == NULL && lhost == NULL &&
	    is_host_port(pos[0])) {
		strbuf_printf(sb, pos[0][0] == '[' ? " \"%s\"" : " %s",
		    pos[0]);
		return 0;
	}
	if (port != NULL && npos > 1)
		return -1;
	if (port != NULL || npos == 2)
		host = npos > 0 ? pos[0] : NULL;
	if (npos == 2)
		port = pos[1];
	else if (npos == 1 && port == NULL && l->listen)
		port = pos[0];
	else if (npos == 1 && port == NULL)
		host = pos[0];
	if (lhost != NULL && host != NULL)
		return -1;
	if (lhost != NULL)
		host = lhost;
	if (port == NULL && l->listen && host == NULL)
		return 0;	/* nc -l alone: a port the kernel picks */
	if (port == NULL && l->listen)
		port = "0";
	if (port != NULL ? !is_port_word(port, zero) : host == NULL)
		return -1;
	if (host != NULL && !is_host(host))
		return -1;
	if (port == NULL)
		port = "PORT";
	strbuf_puts(sb, " ");
	if (host == NULL && all_digits(port))
		strbuf_puts(sb, port);	/* a bare name would be a host */
	else
		put_host_port(sb, host, port);
	return 0;
}

int
explain_nc_line(int argc, char *const *argv, char *out, size_t cap)
{
	const char *port = NULL, *lhost = NULL, *sport = NULL, *shost = NULL;
	char seen[ARRAY_LEN(nc_flags) + 1] = "";
	struct nc_line l;
	struct strbuf sb;
	bool zero = false, udp = false;
	int i;

	/* First the words: which command, and nothing nc does not know. */
	if (!may_be_nc(argc, argv) || parse_nc_line(argc, argv, &l) < 0)
		return -1;
	strbuf_init(&sb, out, cap);
	strbuf_puts(&sb, l.listen ? "sockit listen" : "sockit connect");
	/* Then the options, each once, in the order given. */
	for (i = 0; i < l.nopts; i++) {
		const struct nc_flag *f = l.opts[i].flag;
		const char *opt = l.listen ? f->listen : f->connect;
		const char *value = l.opts[i].value;

		if (opt == NULL)
			return -1;
		zero |= f->letter == 'z';
		udp |= f->letter == 'u';
		if (f->letter == 'p' && l.listen)
			port = value;
		else if (f->letter == 'p')
			sport = value;
		else if (f->letter == 's' && l.listen)
			lhost = value;
		else if (f->letter == 's')
			shost = value;
		else if (f->letter == 'u' && l.unix)
			;	/* unix-dgram: says it */
		else if (*opt != '\0' && f->value == NC_PROGRAM)
			put_program(&sb, opt, value);
		else if (*opt != '\0' && value != NULL)
			strbuf_printf(&sb, " %s %s", opt, value);
		else if (*opt != '\0' && strchr(seen, f->letter) == NULL)
			strbuf_printf(&sb, " %s", opt);
		if (strchr(seen, f->letter) == NULL)
			seen[strlen(seen)] = f->letter;
	}
	for (i = 0; i < (int)ARRAY_LEN(nc_conflicts); i++)
		if (strspn(nc_conflicts[i], seen) == strlen(nc_conflicts[i]))
			return -1;
	if (sport != NULL || shost != NULL) {
		strbuf_puts(&sb, " -s ");
		put_host_port(&sb, shost, sport);
	}
	if (put_nc_endpoint(&sb, &l, zero, udp, lhost, port) < 0)
		return -1;
	return strbuf_used(&sb) == sb.len ? 0 : -1;
}

/*
 * Finds nc's -X TYPE and -x ADDR in argv (argc words). Once -X is known,
 * -x is surely nc's, and its word an address whatever it looks like; a
 * word that starts with '-' is the next option, not a value.
 */
static void
find_proxy_flags(int argc, char *const *argv, const char **type,
    const char **addr)
{
	unsigned char a4[4];
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;

		if (a[0] != '-' || a[1] == '-')
			continue;
		for (p = a + 1; *p; p++) {
			const struct nc_flag *f = find_nc_flag(*p);
			const char *v = p[1] != '\0' ? p + 1 :
			    i + 1 < argc ? argv[i + 1] : NULL;

			if (v != NULL && v[0] == '-' && p[1] == '\0')
				v = NULL;
			if (*p == 'X') {
				*type = v != NULL ? v : "";
				break;
			}
			/*
			 * Alone, -x's word must be an address: "-x connect"
			 * is sockit's hex dump before a command.
			 */
			if (*p == 'x' && v != NULL && (*type != NULL ||
			    is_host_port(v) || inet_pton(AF_INET, v, a4) == 1)) {
				*addr = v;
				break;
			}
			if (f != NULL && f->value != NC_NONE)
				break;
		}
	}
}

/* ncat's --proxy, --proxy-type, --proxy-dns and --proxy-auth, by name. */
static bool
ncat_proxy_option(const char *name)
{
	static const char *const names[] = {
		"proxy", "proxy-type", "proxy-dns", "proxy-auth",
	};
	size_t len = strcspn(name, "="), i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return true;
	return false;
}

/*
 * Whether argv[i], a long option, takes the next word as its value: an
 * ncat name that has one, written without '='. Returns 1 or 0.
 */
static int
long_takes_next(int argc, char *const *argv, int i)
{
	const char *name = argv[i] + 2;
	size_t len = strcspn(name, "=");
	const struct nc_flag *f = find_nc_long(name, len);

	return (ncat_proxy_option(name) || (f != NULL &&
	    f->value != NC_NONE)) && name[len] == '\0' && i + 1 < argc ? 1 : 0;
}

/*
 * Appends " WORD", quoted for the shell when it is not plain: in single
 * quotes, where only a ' itself needs the '\'' dance. A control character
 * would not survive a paste inside them, so such a word goes in bash's
 * and zsh's $'...', with \t, \n, \r and \xHH for its bytes.
 */
static void
put_word(struct strbuf *sb, const char *w)
{
	const char *p;

	if (plain_word(w)) {
		strbuf_printf(sb, " %s", w);
		return;
	}
	for (p = w; *p; p++)
		if (iscntrl((unsigned char)*p))
			break;
	if (*p == '\0') {
		strbuf_puts(sb, " '");
		for (p = w; *p; p++)
			if (*p == '\'')
				strbuf_puts(sb, "'\\''");
			else
				strbuf_printf(sb, "%c", *p);
		strbuf_puts(sb, "'");
		return;
	}
	strbuf_puts(sb, " $'");
	for (p = w; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\t')
			strbuf_puts(sb, "\\t");
		else if (c == '\n')
			strbuf_puts(sb, "\\n");
		else if (c == '\r')
			strbuf_puts(sb, "\\r");
		else if (c == '\'' || c == '\\')
			strbuf_printf(sb, "\\%c", c);
		else if (iscntrl(c))
			strbuf_printf(sb, "\\x%02x", c);
		else
			strbuf_printf(sb, "%c", c);
	}
	strbuf_puts(sb, "'");
}

/*
 * Appends the options of argv (argc words) as typed, but for nc's -X, -x
 * and -P and their words, which the URL holds, and the flags in drop: the
 * rest of the line, such as -v -w 3, means the same to sockit's command.
 */
static void
nc_other_options(int argc, char *const *argv, const char *drop,
    struct strbuf *sb)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;
		char kept[64];
		size_t n = 0;

		if (a[0] != '-' || a[1] == '\0')
			continue;
		if (a[1] == '-' && ncat_proxy_option(a + 2)) {
			i += long_takes_next(argc, argv, i);
			continue;
		}
		if (a[1] == '-') {
			put_word(sb, a);
			if (long_takes_next(argc, argv, i))
				put_word(sb, argv[++i]);
			continue;
		}
		for (p = a + 1; *p && n + 1 < sizeof(kept); p++) {
			const struct nc_flag *f = find_nc_flag(*p);
			bool proxy = *p == 'X' || *p == 'x' || *p == 'P';
			const char *v;

			if (!proxy && (f == NULL || f->value == NC_NONE)) {
				if (strchr(drop, *p) == NULL)
					kept[n++] = *p;
				continue;
			}
			v = p[1] != '\0' ? p + 1 : NULL;
			if (v == NULL && i + 1 < argc && argv[i + 1][0] != '-')
				v = argv[++i];
			if (!proxy)
				kept[n++] = *p;
			kept[n] = '\0';
			if (n > 0)
				strbuf_printf(sb, " -%s", kept);
			n = 0;
			if (!proxy && v != NULL)
				put_word(sb, v);
			break;
		}
		kept[n] = '\0';
		if (n > 0)
			strbuf_printf(sb, " -%s", kept);
	}
}

/*
 * Whether nc's flag -letter is among argv's short options; *value, when
 * asked for, is its value for a flag that takes one (the rest of its word,
 * or the next word), else NULL. A flag that takes a value ends its word's
 * cluster: -xPROXY holds no -P.
 */
static bool
nc_find_flag(int argc, char *const *argv, char letter, const char **value)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *p;

		if (a[0] != '-' || a[1] == '-')
			continue;
		for (p = a + 1; *p; p++) {
			const struct nc_flag *f = find_nc_flag(*p);
			bool takes = *p == 'X' || *p == 'x' || *p == 'P' ||
			    (f != NULL && f->value != NC_NONE);

			if (*p == letter) {
				if (value != NULL)
					*value = !takes ? NULL : p[1] != '\0' ?
					    p + 1 : i + 1 < argc ? argv[i + 1] :
					    NULL;
				return true;
			}
			if (takes)
				break;
		}
	}
	return false;
}

/*
 * argv[i] is an option: the index of its last word, its value's when it
 * takes one as the next word (a long option's as long_takes_next says;
 * in a cluster of nc's short ones, the first that takes a value ends it).
 */
static int
past_option(int argc, char *const *argv, int i)
{
	const char *p;

	if (argv[i][1] == '-')
		return i + long_takes_next(argc, argv, i);
	for (p = argv[i] + 1; *p; p++) {
		const struct nc_flag *f = find_nc_flag(*p);

		if (*p != 'X' && *p != 'x' && *p != 'P' &&
		    (f == NULL || f->value == NC_NONE))
			continue;
		if (p[1] == '\0' && i + 1 < argc && argv[i + 1][0] != '-')
			return i + 1;
		break;
	}
	return i;
}

/*
 * The target among nc's words: the words that are neither options nor
 * their values, "HOST PORT" joined as an endpoint, then the words after
 * it (send's message) as typed, quoted for the shell. Writes "HOST:PORT"
 * when there is none. With zero (nc's -z), only the target, and a list
 * of ports is "HOST:PORT".
 */
static void
nc_target(int argc, char *const *argv, bool zero, struct strbuf *sb)
{
	const char *words[2] = { NULL, NULL };
	int i, n = 0, first = -1, rest = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0') {
			i = past_option(argc, argv, i);
			continue;
		}
		if (n < 2)
			words[n] = a;
		if (n == 0)
			first = i;
		n++;
	}
	if (n >= 2 && is_host(words[0]) && all_digits(words[1])) {
		strbuf_printf(sb, strchr(words[0], ':') != NULL ?
		    "[%s]:%s" : "%s:%s", words[0], words[1]);
		rest = 2;
	} else if (n >= 1 && is_host_port(words[0])) {
		strbuf_puts(sb, words[0]);
		rest = 1;
	} else if (zero && n >= 2 && is_host(words[0]) &&
	    is_port_word(words[1], true))
		strbuf_printf(sb, strchr(words[0], ':') != NULL ?
		    "[%s]:PORT" : "%s:PORT", words[0]);
	else
		strbuf_puts(sb, "HOST:PORT");
	if (zero || rest == 0)
		return;
	/* The words after the target, in order, skipping options again. */
	for (i = first, n = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0') {
			i = past_option(argc, argv, i);
			continue;
		}
		if (n++ >= rest)
			put_word(sb, a);
	}
}

/*
 * Writes the URL of nc's -X type and -x addr (either may be NULL; type
 * "" when -X lacks its word): nc.openbsd sends the name to a SOCKS5
 * proxy, so 5 and a lone -x are socks5h://. Returns -1 for a type nc
 * does not have.
 */
static int
nc_url(const char *type, const char *addr, const char *user,
    struct strbuf *sb)
{
	const char *scheme, *port;

	if (type == NULL || strcmp(type, "5") == 0)
		scheme = "socks5h";
	else if (strcmp(type, "4") == 0)
		scheme = "socks4";
	else if (strcasecmp(type, "connect") == 0)
		scheme = "http";
	else
		return -1;
	/* A port given must be one: the URL would be refused later. */
	port = addr == NULL ? NULL : addr[0] == '[' ? strstr(addr, "]:") :
	    strchr(addr, ':') == strrchr(addr, ':') ? strchr(addr, ':') : NULL;
	if (port != NULL) {
		port += port[0] == ']' ? 2 : 1;
		if (!all_digits(port) || strlen(port) > 5 || atoi(port) < 1 ||
		    atoi(port) > 65535)
			return -2;
	}
	strbuf_printf(sb, "%s://", scheme);
	if (user != NULL)
		strbuf_printf(sb, "%s@", user);
	/* nc's default proxy ports: 1080 for SOCKS, 3128 for CONNECT. */
	if (addr == NULL)
		strbuf_puts(sb, "HOST:PORT");
	else if (addr[0] == '[' && strchr(addr, ']') != NULL)
		strbuf_printf(sb, "%s%s", addr, strstr(addr, "]:") != NULL ?
		    "" : strcmp(scheme, "http") == 0 ? ":3128" : ":1080");
	else if (strchr(addr, ':') != NULL && strchr(addr, ':') !=
	    strrchr(addr, ':'))
		strbuf_printf(sb, "[%s]:%s", addr, strcmp(scheme, "http") ==
		    0 ? "3128" : "1080");
	else if (strchr(addr, ':') == NULL)
		strbuf_printf(sb, "%s:%s", addr, strcmp(scheme, "http") == 0 ?
		    "3128" : "1080");
	else
		strbuf_puts(sb, addr);
	return 0;
}

const char *
explain_nc_proxy_line(const char *command, const char *type,
    const char *addr, int argc, char *const *argv, char *out, size_t cap)
{
	const char *user = NULL;
	char url[300];
	struct strbuf sb;
	bool zero;
	int rc;

	nc_find_flag(argc, argv, 'P', &user);
	strbuf_init(&sb, url, sizeof(url));
	rc = nc_url(type, addr, user != NULL && plain_word(user) &&
	    strchr(user, '@') == NULL && strchr(user, ':') == NULL ? user :
	    NULL, &sb);
	if (rc == -2) {
		snprintf(out, cap, _("nc's -x takes HOST[:PORT], and the port "
		    "of '%s' is not a number from 1 to 65535"),
		    plain_word(addr) ? addr : "");
		return out;
	}
	if (rc < 0 || !plain_word(url)) {
		/* Translated here: the callers put it into their messages. */
		snprintf(out, cap, _("nc's -X takes 4, 5 or connect, not '%s'"),
		    type != NULL && plain_word(type) ? type : "");
		return out;
	}
	strbuf_init(&sb, out, cap);
	zero = command != NULL && strcmp(command, "connect") == 0 &&
	    nc_find_flag(argc, argv, 'z', NULL);
	if (zero) {
		/*
		 * connect -z refuses --proxy: a port check is a connect from
		 * here. Through the proxy, a connect that ends at stdin's EOF
		 * (-q 0) is one: 0 when the proxy reached the port, 1 when it
		 * could not, and -w bounds a proxy that never answers.
		 */
		strbuf_printf(&sb, _("nc's -X and -x are spelled as one URL, "
		    "--proxy %s (-x is the hex dump here), and -z does not go "
		    "through a proxy: check each port with"), url);
		strbuf_puts(&sb, " sockit connect");
		nc_other_options(argc, argv, "z", &sb);
		if (!nc_find_flag(argc, argv, 'w', NULL))
			strbuf_puts(&sb, " -w 3");
		if (!nc_find_flag(argc, argv, 'q', NULL))
			strbuf_puts(&sb, " -q 0");
		strbuf_printf(&sb, " --proxy %s ", url);
		nc_target(argc, argv, true, &sb);
		strbuf_puts(&sb, " </dev/null");
		strbuf_puts(&sb, _(" (status 0: the proxy reached the port)"));
		return out;
	}
	strbuf_printf(&sb, _("nc's -X and -x are spelled as one URL: use "
	    "--proxy %s (-x is the hex dump here)"), url);
	if (command != NULL && (strcmp(command, "connect") == 0 ||
	    strcmp(command, "send") == 0)) {
		strbuf_printf(&sb, ": sockit %s", command);
		nc_other_options(argc, argv, "", &sb);
		strbuf_printf(&sb, " --proxy %s ", url);
		nc_target(argc, argv, false, &sb);
		/* nc asks for -P's password; a URL would show it in ps. */
		if (user != NULL)
			strbuf_puts(&sb, _(" (for the password nc would ask "
			    "for, give --proxy-auth-file FILE holding "
			    "USER:PASSWORD instead of USER@ in the URL)"));
	}
	return out;
}

const char *
explain_nc_proxy(const char *command, int argc, char *const *argv,
    char *out, size_t cap)
{
	const char *type = NULL, *addr = NULL;

	find_proxy_flags(argc, argv, &type, &addr);
	/* A -x before the -X is read again, now as nc's. */
	if (type != NULL && addr == NULL)
		find_proxy_flags(argc, argv, &type, &addr);
	return explain_nc_proxy_line(command, type, addr, argc, argv, out,
	    cap);
}

/* The value of ncat's --NAME VALUE or --NAME=VALUE in argv, or NULL. */
static const char *
ncat_value(int argc, char *const *argv, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0)
			continue;
		if (a[2 + len] == '=')
			return a + 3 + len;
		if (a[2 + len] == '\0' && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

const char *
explain_ncat_proxy(const char *command, int argc, char *const *argv,
    char *out, size_t cap)
{
	const char *addr = ncat_value(argc, argv, "proxy");
	const char *type = ncat_value(argc, argv, "proxy-type");
	const char *dns = ncat_value(argc, argv, "proxy-dns");
	const char *auth = ncat_value(argc, argv, "proxy-auth");
	const char *scheme, *port;
	bool remote;
	struct strbuf sb;

	if (type == NULL && dns == NULL && auth == NULL)
		return NULL;
	/* ncat's default type is http; its DNS is done here unless told. */
	remote = dns != NULL && (strcmp(dns, "remote") == 0 ||
	    strcmp(dns, "both") == 0);
	if (type == NULL || strcasecmp(type, "http") == 0)
		scheme = "http";
	else if (strcasecmp(type, "socks4") == 0)
		scheme = remote ? "socks4a" : "socks4";
	else if (strcasecmp(type, "socks5") == 0)
		scheme = remote ? "socks5h" : "socks5";
	else {
		snprintf(out, cap, _("ncat's --proxy-type takes http, socks4 or "
		    "socks5, not '%s'"), plain_word(type) ? type : "");
		return out;
	}
	if (addr != NULL && (!plain_word(addr) || strstr(addr, "://")))
		addr = NULL;
	port = addr == NULL ? NULL : addr[0] == '[' ? strstr(addr, "]:") :
	    strchr(addr, ':') == strrchr(addr, ':') ? strchr(addr, ':') : NULL;
	strbuf_init(&sb, out, cap);
	strbuf_printf(&sb, _("ncat's --proxy HOST:PORT and its --proxy-* "
	    "options make one URL here: sockit %s"), command);
	nc_other_options(argc, argv, "", &sb);
	strbuf_printf(&sb, " --proxy %s://", scheme);
	if (addr == NULL)
		strbuf_puts(&sb, "HOST:PORT");
	else if (port == NULL && strchr(addr, ':') != NULL && addr[0] != '[')
		strbuf_printf(&sb, "[%s]:%s", addr, scheme[0] == 'h' ? "3128" :
		    "1080");
	else
		strbuf_printf(&sb, "%s%s", addr, port != NULL ? "" :
		    scheme[0] == 'h' ? ":3128" : ":1080");
	if (auth != NULL)
		strbuf_puts(&sb, " --proxy-auth-file FILE");
	strbuf_puts(&sb, " ");
	nc_target(argc, argv, false, &sb);
	if (dns != NULL && !remote && strcmp(dns, "local") != 0)
		strbuf_printf(&sb, _(" (--proxy-dns %s has no match: a name is "
		    "looked up here with socks5://, by the proxy with "
		    "socks5h://)"), plain_word(dns) ? dns : "");
	/* The password stays out of the line, as out of ps. */
	if (auth != NULL)
		strbuf_puts(&sb, _(" (FILE holds --proxy-auth's USER:PASSWORD "
		    "on one line, chmod 600)"));
	return out;
}

const char *
explain_nc_missing(int argc, char *const *argv)
{
	static char advice[512];
	int i;

	if (!may_be_nc(argc, argv))
		return NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		/* ncat's --proxy HOST:PORT and --proxy-type. */
		if (strncmp(a, "--proxy", 7) == 0)
			return _("--proxy is an option of connect and send "
			    "here, and takes a URL: sockit connect --proxy "
			    "socks5://HOST:PORT (or http://) TARGET");
		if (strncmp(a, "--ssl", 5) == 0)
			return _("TLS is an option of the command here: "
			    "sockit connect --tls HOST:PORT, sockit listen "
			    "--tls --cert FILE PORT");
	}
	{
		const char *type = NULL, *addr = NULL;

		find_proxy_flags(argc, argv, &type, &addr);
		if (type != NULL || addr != NULL)
			return explain_nc_proxy("connect", argc, argv, advice,
			    sizeof(advice));
	}
	return NULL;
}

/* What an nc option means to a command that spells it another way. */
enum nc_example {
	NC_EXAMPLE_NONE,
	NC_EXAMPLE_ENDPOINT,	/* "sockit COMMAND ARG" */
	NC_EXAMPLE_SOURCE,	/* "-s :ARG" */
	NC_EXAMPLE_LISTEN,	/* "sockit listen PORT" */
};

struct nc_option {
	const char *commands;	/* the commands it is given to, each once */
	char letter;
	const char *advice;
	enum nc_example example;	/* what follows the advice */
};

static const struct nc_option nc_options[] = {
	{ "connect send", 'N', N_("nc's -N is the default here: stdin's EOF "
	  "sends FIN (--shutdown wr); drop -N"), NC_EXAMPLE_NONE },
	{ "listen recv", 'p', N_("unlike nc, the port is the endpoint: write"),
	  NC_EXAMPLE_ENDPOINT },
	{ "connect send", 'p', N_("unlike nc, a source port is -s: write"),
	  NC_EXAMPLE_SOURCE },
	{ "listen recv", 'l', N_("the command listens already, as nc -l does; "
	  "drop -l"), NC_EXAMPLE_NONE },
	{ "connect send", 'l', N_("nc's -l is a command here: write"),
	  NC_EXAMPLE_LISTEN },
};

/* Returns true when word is one of the blank-separated words of list. */
static bool
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list != '\0') {
		size_t len = strcspn(list, " ");

		if (len == n && strncmp(list, word, n) == 0)
			return true;
		list += len;
		list += strspn(list, " ");
	}
	return false;
}

const char *
explain_nc_option(const char *command, char letter, const char *arg,
    char *out, size_t cap)
{
	const char *value = arg != NULL && all_digits(arg) ? arg : "PORT";
	const char *advice;
	size_t i;

	for (i = 0; i < ARRAY_LEN(nc_options); i++) {
		const struct nc_option *o = &nc_options[i];

		if (o->letter != letter || !in_list(o->commands, command))
			continue;
		/* The caller puts it into its message as it stands. */
		advice = _(o->advice);
		switch (o->example) {
		case NC_EXAMPLE_NONE:
			snprintf(out, cap, "%s", advice);
			break;
		case NC_EXAMPLE_ENDPOINT:
			snprintf(out, cap, "%s 'sockit %s %s'", advice,
			    command, value);
			break;
		case NC_EXAMPLE_SOURCE:
			snprintf(out, cap, "%s '-s :%s'", advice, value);
			break;
		case NC_EXAMPLE_LISTEN:
			snprintf(out, cap, "%s 'sockit listen PORT'",
			    advice);
			break;
		}
		return out;
	}
	return NULL;
}
