/* i18n.c: which language the messages are in, and where its catalogue is. */
#include "compat.h"

#include <errno.h>
#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

#define TEXT_DOMAIN "sockit"

/* Set by the Makefile: where make install puts the catalogues, where the
 * source tree builds them, and the languages po/ has. */
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef SOURCE_DIR
#define SOURCE_DIR ""
#endif
#ifndef LINGUAS
#define LINGUAS ""
#endif

static bool keep_english;
static char catalogue_dir[PATH_MAX];

/* The C locale, for the English text of libc's own messages. */
static locale_t
c_locale(void)
{
	static locale_t c;

	if (c == (locale_t)0)
		c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c;
}

const char *
i18n_text(const char *msgid)
{
	/* "" is the catalogue's header in gettext, never a message. */
	if (keep_english || msgid == NULL || msgid[0] == '\0')
		return msgid;
	return gettext(msgid);
}

const char *
i18n_plural(const char *one, const char *many, unsigned long n)
{
	if (keep_english)
		return n == 1 ? one : many;
	return ngettext(one, many, n);
}

void
i18n_keep_english(void)
{
	keep_english = true;
}

const char *
i18n_languages(void)
{
	return LINGUAS;
}

/*
 * A binary run from the source tree it was built in reads the tree's
 * catalogues (build/locale), so that make check and make demo need no
 * install; any other reads LOCALEDIR.
 */
static void
find_catalogues(void)
{
	char exe[PATH_MAX];
	size_t src = strlen(SOURCE_DIR);
	ssize_t n;

	char *slash;
	struct stat st;

	snprintf(catalogue_dir, sizeof(catalogue_dir), "%s", LOCALEDIR);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (src > 0 && strncmp(exe, SOURCE_DIR, src) == 0 && exe[src] == '/') {
		snprintf(catalogue_dir, sizeof(catalogue_dir),
		    "%s/build/locale", SOURCE_DIR);
		return;
	}
	/*
	 * An installed binary: PREFIX/bin/sockit reads PREFIX/share/locale,
	 * where make install put the catalogues, even when PREFIX differs
	 * from the one it was compiled with.
	 */
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL || strcmp(slash, "/bin") != 0)
		return;
	snprintf(slash, sizeof(exe) - (size_t)(slash - exe), "/share/locale");
	if (stat(exe, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(catalogue_dir, sizeof(catalogue_dir), "%s", exe);
}

void
i18n_setup(void)
{
	setlocale(LC_MESSAGES, "");
	setlocale(LC_CTYPE, "");
	find_catalogues();
	bindtextdomain(TEXT_DOMAIN, catalogue_dir);
	textdomain(TEXT_DOMAIN);
}

static bool
is_utf8_ctype(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0;
}

/* Whether LINGUAS names CODE's language ("es" for es, es_AR, es_ES.UTF-8). */
static bool
have_catalogue(const char *code)
{
	size_t len = strcspn(code, "_.@");
	const char *p = LINGUAS;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == len && strncmp(p, code, len) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

int
i18n_set_language(const char *code)
{
	const char *messages;

	if (strcmp(code, "C") == 0 || strcmp(code, "POSIX") == 0 ||
	    (strncmp(code, "en", 2) == 0 && strchr("_.@", code[2]) != NULL)) {
		/* English is the text in the code: no catalogue, libc's too. */
		setlocale(LC_MESSAGES, "C");
		unsetenv("LANGUAGE");
		textdomain(TEXT_DOMAIN);
		return 0;
	}
	if (!have_catalogue(code))
		return -1;
	/*
	 * gettext reads LANGUAGE before the locale, but ignores it while
	 * LC_MESSAGES is "C": a machine set up with no locale at all gets
	 * C.UTF-8, which every glibc since 2.35 has built in. The text is
	 * UTF-8, so the character set becomes UTF-8 too where it was ASCII.
	 */
	setenv("LANGUAGE", code, 1);
	messages = setlocale(LC_MESSAGES, NULL);
	if (messages == NULL || strcmp(messages, "C") == 0 ||
	    strcmp(messages, "POSIX") == 0) {
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, "C.utf8");
	}
	if (!is_utf8_ctype() && setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		bind_textdomain_codeset(TEXT_DOMAIN, "UTF-8");
	/* A new textdomain() call makes gettext forget what it looked up. */
	textdomain(TEXT_DOMAIN);
	return 0;
}

/*
 * Whether messages come from one of our catalogues: when none is there
 * for the language asked for, sockit speaks English, and libc's error
 * text must not be in that language while the rest is English. The
 * header of the catalogue in use is the translation of "".
 */
static bool
speaking_translation(void)
{
	static const char header_id[] = "";
	const char *header = gettext(header_id);

	return header != NULL && header[0] != '\0';
}

/*
 * libc's text in the user's language: ours first, since the catalogue has
 * the course's words for the errors of its tables ("Conexión rechazada");
 * libc's own translation for the rest, but only while a catalogue of ours
 * speaks, else the English.
 */
static const char *
libc_text(const char *english, const char *libc)
{
	const char *ours;

	if (keep_english)
		return english;
	ours = gettext(english);
	if (ours != english)
		return ours;
	return speaking_translation() ? libc : english;
}

const char *
i18n_errno_text_english(int err)
{
	locale_t c = c_locale();

	return c != (locale_t)0 ? strerror_l(err, c) : strerror(err);
}

const char *
i18n_errno_text(int err)
{
	return libc_text(i18n_errno_text_english(err), strerror(err));
}

/* What text_of(code) says in the C locale: libc's English. */
static const char *
english_of(const char *(*text_of)(int), int code)
{
	locale_t c = c_locale(), before;
	const char *text;

	if (c == (locale_t)0)
		return text_of(code);
	before = uselocale(c);
	text = text_of(code);
	uselocale(before);
	return text;
}

const char *
i18n_eai_text_english(int code)
{
	return english_of(gai_strerror, code);
}

const char *
i18n_eai_text(int code)
{
	return libc_text(i18n_eai_text_english(code), gai_strerror(code));
}

const char *
i18n_herror_text(int herr)
{
	return libc_text(english_of(hstrerror, herr), hstrerror(herr));
}
