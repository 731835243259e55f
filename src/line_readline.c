/* line_readline.c: line editing with GNU readline's callback interface, driven by the pump's poll(); readline is loaded when a terminal needs it. */
#include "compat.h"

#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "line.h"

/* The history file keeps the newest entries, up to this many. */
#define HISTORY_KEEP 1000

/*
 * The output's last unfinished line (after its last LF), remembered so it
 * can be the prompt: the line being typed then sits after it, as it would
 * on a plain terminal, and redrawing the line redraws it too.
 */
#define TAIL_MAX 256

static struct {
	bool editing;		/* the handler is installed */
	bool shown;		/* the prompt and the line are on screen */
	bool ended;		/* Ctrl-D on an empty line */
	bool registered;	/* line_close runs at exit */
	int depth;		/* line_hide calls not yet shown again */
	char *queue;		/* entered lines, each with its LF */
	size_t queue_off, queue_len, queue_cap;
	char tail[TAIL_MAX + 1];
	size_t tail_len;
	bool tail_long;		/* longer than TAIL_MAX: never the prompt */
	bool tail_is_prompt;
	const char *history_path;
	int added;		/* history entries made by this run */
	int history_err;	/* why the history file cannot be written */
	char version[32];
} ed;

/* readline's calls and variables, found in the library at run time. */
static struct {
	void *lib;
	bool tried;
	__typeof__(&add_history) add_history;
	__typeof__(&append_history) append_history;
	__typeof__(&clear_history) clear_history;
	__typeof__(&history_get) history_get;
	__typeof__(&history_truncate_file) history_truncate_file;
	__typeof__(&read_history) read_history;
	__typeof__(&write_history) write_history;
	__typeof__(&rl_callback_handler_install) rl_callback_handler_install;
	__typeof__(&rl_callback_handler_remove) rl_callback_handler_remove;
	__typeof__(&rl_callback_read_char) rl_callback_read_char;
	__typeof__(&rl_clear_visible_line) rl_clear_visible_line;
	__typeof__(&rl_get_screen_size) rl_get_screen_size;
	__typeof__(&rl_on_new_line) rl_on_new_line;
	__typeof__(&rl_redisplay) rl_redisplay;
	__typeof__(&rl_reset_screen_size) rl_reset_screen_size;
	__typeof__(&rl_set_prompt) rl_set_prompt;
	__typeof__(&history_base) history_base;
	__typeof__(&history_length) history_length;
	__typeof__(&rl_catch_signals) rl_catch_signals;
	__typeof__(&rl_catch_sigwinch) rl_catch_sigwinch;
	__typeof__(&rl_change_environment) rl_change_environment;
	__typeof__(&rl_end) rl_end;
	__typeof__(&rl_instream) rl_instream;
	__typeof__(&rl_library_version) rl_library_version;
	__typeof__(&rl_outstream) rl_outstream;
	__typeof__(&rl_readline_name) rl_readline_name;
} rl;

#define SYMBOL(name) { #name, (void **)&rl.name }

static const struct {
	const char *name;
	void **slot;
} symbols[] = {
	SYMBOL(add_history),
	SYMBOL(append_history),
	SYMBOL(clear_history),
	SYMBOL(history_get),
	SYMBOL(history_truncate_file),
	SYMBOL(read_history),
	SYMBOL(write_history),
	SYMBOL(rl_callback_handler_install),
	SYMBOL(rl_callback_handler_remove),
	SYMBOL(rl_callback_read_char),
	SYMBOL(rl_clear_visible_line),
	SYMBOL(rl_get_screen_size),
	SYMBOL(rl_on_new_line),
	SYMBOL(rl_redisplay),
	SYMBOL(rl_reset_screen_size),
	SYMBOL(rl_set_prompt),
	SYMBOL(history_base),
	SYMBOL(history_length),
	SYMBOL(rl_catch_signals),
	SYMBOL(rl_catch_sigwinch),
	SYMBOL(rl_change_environment),
	SYMBOL(rl_end),
	SYMBOL(rl_instream),
	SYMBOL(rl_library_version),
	SYMBOL(rl_outstream),
	SYMBOL(rl_readline_name),
};

/* The library's soname, from the version of the headers we built with. */
#define STRINGIFY(x) #x
#define SONAME(major) "libreadline.so." STRINGIFY(major)

/*
 * Loads readline the first time a terminal needs it, so a session that
 * edits nothing (a script, a bulk transfer) never maps it and its
 * terminal library: a smaller process, and a quicker start. Returns true
 * when every symbol was found.
 */
static bool
load_readline(void)
{
	size_t i;

	if (rl.tried)
		return rl.lib != NULL;
	rl.tried = true;
	rl.lib = dlopen(SONAME(RL_VERSION_MAJOR), RTLD_NOW | RTLD_LOCAL);
	if (rl.lib == NULL)
		return false;
	for (i = 0; i < ARRAY_LEN(symbols); i++) {
		*symbols[i].slot = dlsym(rl.lib, symbols[i].name);
		if (*symbols[i].slot == NULL) {
			dlclose(rl.lib);
			rl.lib = NULL;
			return false;
		}
	}
	return true;
}

const char *
line_editor(void)
{
	if (!load_readline())
		return NULL;
	snprintf(ed.version, sizeof(ed.version), "readline %s",
	    (*rl.rl_library_version) != NULL ? (*rl.rl_library_version) : "");
	return ed.version;
}

static void
write_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void
forget_tail(void)
{
	ed.tail_len = 0;
	ed.tail_long = false;
	ed.tail[0] = '\0';
}

static void
remember_output(const char *p, size_t len)
{
	const char *nl = memrchr(p, '\n', len);

	if (nl != NULL) {
		forget_tail();
		len -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	if (ed.tail_long || ed.tail_len + len > TAIL_MAX) {
		ed.tail_long = len > 0 || ed.tail_long;
		return;
	}
	memcpy(ed.tail + ed.tail_len, p, len);
	ed.tail_len += len;
	ed.tail[ed.tail_len] = '\0';
}

/*
 * The tail can be the prompt when readline can measure it: no control
 * bytes (a tab, an escape sequence or a CR would move the cursor in ways
 * it cannot count) and narrower than the screen, so it takes one row.
 */
static bool
tail_fits(void)
{
	int rows = 0, cols = 0;
	size_t i, width = 0;

	if (ed.tail_long)
		return false;
	for (i = 0; i < ed.tail_len; i++) {
		unsigned char c = (unsigned char)ed.tail[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if ((c & 0xc0) != 0x80)		/* not a UTF-8 continuation */
			width++;
	}
	rl.rl_get_screen_size(&rows, &cols);
	return cols <= 0 || width + 1 < (size_t)cols;
}

static void
enqueue(const char *line)
{
	size_t len = strlen(line), need;

	if (ed.queue_off == ed.queue_len)
		ed.queue_off = ed.queue_len = 0;
	need = ed.queue_len + len + 1;
	if (need > ed.queue_cap) {
		size_t cap = ed.queue_cap ? ed.queue_cap : 256;
		char *grown;

		while (cap < need)
			cap *= 2;
		grown = realloc(ed.queue, cap);
		if (grown == NULL)
			return;		/* the line is lost, never half sent */
		ed.queue = grown;
		ed.queue_cap = cap;
	}
	memcpy(ed.queue + ed.queue_len, line, len);
	ed.queue[ed.queue_len + len] = '\n';
	ed.queue_len = need;
}

/* The same line entered twice in a row is kept once, as bash's ignoredups. */
static bool
repeats_last_entry(const char *line)
{
	HIST_ENTRY *last = rl.history_get((*rl.history_base) + (*rl.history_length) - 1);

	return last != NULL && strcmp(last->line, line) == 0;
}

/* readline calls this with each entered line, and NULL at end of input. */
static void
on_line(char *line)
{
	if (line == NULL) {
		ed.ended = true;
		rl.rl_callback_handler_remove();
		ed.editing = false;
		ed.shown = false;
		return;
	}
	enqueue(line);
	if (line[0] != '\0' && !repeats_last_entry(line)) {
		rl.add_history(line);
		ed.added++;
	}
	free(line);
	/* Enter moved the cursor to a new row: the old tail is above it. */
	forget_tail();
	ed.tail_is_prompt = false;
	rl.rl_set_prompt("");
}

/*
 * Why the history file could not be written at the end, found before a
 * line is typed: 0 when it looks writable. A file that is not there yet
 * is made by the first save, in a directory that must exist.
 */
static int
history_unwritable(const char *path)
{
	struct stat st;
	char dir[4096];
	const char *slash;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		return access(path, W_OK) == 0 ? 0 : errno;
	}
	if (errno != ENOENT)
		return errno;
	slash = strrchr(path, '/');
	if (slash == NULL)
		return access(".", W_OK | X_OK) == 0 ? 0 : errno;
	if (slash == path)
		return access("/", W_OK | X_OK) == 0 ? 0 : errno;
	if ((size_t)(slash - path) >= sizeof(dir))
		return ENAMETOOLONG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (stat(dir, &st) < 0)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	return access(dir, W_OK | X_OK) == 0 ? 0 : errno;
}

int
line_history_error(void)
{
	int err = ed.history_err;

	ed.history_err = 0;
	return err;
}

int
line_open(const char *history_path)
{
	if (ed.editing)
		return 0;
	if (!load_readline()) {
		errno = ENOTSUP;
		return -1;
	}
	/* The terminal's character set, so readline counts UTF-8 right. */
	setlocale(LC_CTYPE, "");
	(*rl.rl_readline_name) = "sockit";
	(*rl.rl_instream) = stdin;
	(*rl.rl_outstream) = stdout;
	/*
	 * sockit handles SIGINT and SIGTERM itself (the pump ends and the
	 * terminal is restored); readline must not take them, nor change
	 * LINES and COLUMNS in the environment a command inherits.
	 */
	(*rl.rl_catch_signals) = 0;
	(*rl.rl_catch_sigwinch) = 0;
	(*rl.rl_change_environment) = 0;
	ed.history_path = history_path;
	rl.clear_history();
	if (history_path != NULL) {
		rl.read_history(history_path);
		ed.history_err = history_unwritable(history_path);
	}
	ed.ended = false;
	ed.depth = 0;
	ed.tail_is_prompt = ed.tail_len > 0 && tail_fits();
	if (ed.tail_len > 0 && !ed.tail_is_prompt) {
		write_all("\n", 1);
		forget_tail();
	}
	if (ed.tail_is_prompt)
		write_all("\r", 1);
	rl.rl_callback_handler_install(ed.tail_is_prompt ? ed.tail : "",
	    on_line);
	fflush(stdout);
	ed.editing = true;
	ed.shown = true;
	if (!ed.registered) {
		atexit(line_close);
		ed.registered = true;
	}
	return 0;
}

ssize_t
line_read(void *buf, size_t cap)
{
	size_t avail, n;
	const char *start, *nl;

	if (ed.queue_off == ed.queue_len && ed.editing) {
		rl.rl_callback_read_char();
		fflush(stdout);
	}
	avail = ed.queue_len - ed.queue_off;
	if (avail > 0) {
		/* One line per read: a datagram socket sends one per line. */
		start = ed.queue + ed.queue_off;
		nl = memchr(start, '\n', avail);
		n = nl != NULL ? (size_t)(nl + 1 - start) : avail;
		if (n > cap)
			n = cap;
		memcpy(buf, start, n);
		ed.queue_off += n;
		return (ssize_t)n;
	}
	if (ed.ended || !ed.editing)
		return 0;
	errno = EAGAIN;
	return -1;
}

bool
line_pending(void)
{
	return ed.queue_off < ed.queue_len;
}

void
line_hide(bool keep_tail)
{
	if (ed.depth++ > 0 || !ed.editing || !ed.shown)
		return;
	/* The screen may have been resized since readline last looked. */
	rl.rl_reset_screen_size();
	rl.rl_clear_visible_line();
	fflush(stdout);
	ed.shown = false;
	if (keep_tail && ed.tail_is_prompt)
		write_all(ed.tail, ed.tail_len);
}

void
line_show(const void *out, size_t len)
{
	if (out != NULL && len > 0)
		remember_output(out, len);
	if (ed.depth > 0)
		ed.depth--;
	if (ed.depth > 0 || !ed.editing || ed.shown)
		return;
	ed.tail_is_prompt = false;
	if (ed.tail_len > 0 || ed.tail_long) {
		if (tail_fits()) {
			/* To the row's start: the prompt redraws the tail. */
			write_all("\r", 1);
			ed.tail_is_prompt = true;
		} else {
			/* A tail readline cannot measure: start a new row. */
			write_all("\n", 1);
			forget_tail();
		}
	}
	rl.rl_set_prompt(ed.tail_is_prompt ? ed.tail : "");
	rl.rl_on_new_line();
	rl.rl_redisplay();
	fflush(stdout);
	ed.shown = true;
}

static void
save_history(void)
{
	int err;

	if (ed.history_path == NULL || ed.added == 0)
		return;
	/*
	 * Append this run's lines: two sessions at once both keep theirs.
	 * Each call returns 0 or an errno; the one that wrote decides, as
	 * trimming fails on a file that is not regular, such as /dev/null.
	 */
	if (access(ed.history_path, F_OK) == 0)
		err = rl.append_history(ed.added, ed.history_path);
	else
		err = rl.write_history(ed.history_path);
	if (err == 0)
		rl.history_truncate_file(ed.history_path, HISTORY_KEEP);
	else
		ed.history_err = err;
	ed.added = 0;
}

void
line_close(void)
{
	if (rl.lib == NULL)
		return;
	if (ed.editing) {
		bool typed = (*rl.rl_end) > 0;

		rl.rl_callback_handler_remove();
		ed.editing = false;
		ed.shown = false;
		/* A line typed but never entered stays visible; go past it. */
		if (typed)
			write_all("\n", 1);
		fflush(stdout);
	}
	save_history();
}
