/* i18n.h: the user's language: messages through gettext, trace lines never. */
#ifndef SOCKIT_I18N_H
#define SOCKIT_I18N_H

#include "compat.h"

/*
 * _(TEXT) is TEXT in the user's language; N_(TEXT) only marks TEXT for
 * extraction, for a table whose rows are translated where they are shown;
 * P_(ONE, MANY, N) picks the form for the number N. The English in the
 * code is the message id, and what a machine reads (--json) keeps it.
 */
#define _(text) i18n_text(text)
#define N_(text) (text)
#define P_(one, many, n) i18n_plural(one, many, n)

const char *i18n_text(const char *msgid);
const char *i18n_plural(const char *one, const char *many, unsigned long n);

/*
 * Takes LC_MESSAGES and LC_CTYPE from the environment (never LC_NUMERIC,
 * which would make "-w 0.5" and JSON numbers depend on the locale) and
 * finds the catalogues: the source tree's for a binary run from there,
 * the installed ones otherwise.
 */
void i18n_setup(void);
/*
 * --lang CODE: messages in CODE whatever the locale says, on a machine
 * with no locale installed for it too. -1 when CODE has no catalogue.
 */
int i18n_set_language(const char *code);
/* The languages sockit speaks besides English, as "es". */
const char *i18n_languages(void);
/* From here on, messages stay in English: a machine reads them (--json). */
void i18n_keep_english(void);

/* strerror(err) in the user's language, and in English for --json. */
const char *i18n_errno_text(int err);
const char *i18n_errno_text_english(int err);
/* gai_strerror(code), the same two ways. */
const char *i18n_eai_text(int code);
const char *i18n_eai_text_english(int code);
/* hstrerror(herr) of the older resolver calls, in English for --json. */
const char *i18n_herror_text(int herr);

#endif
