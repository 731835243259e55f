/* line_readline.c: line editing with GNU readline's callback interface, driven by the pump's poll(). */
#include "compat.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	char version[32];
} ed;

const char *
line_editor(void)
{
	snprintf(ed.version, sizeof(ed.version), "readline %s",
	    rl_library_version != NULL ? rl_library_version : "");
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
	rl_get_screen_size(&rows, &cols);
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
	HIST_ENTRY *last = history_get(history_base + history_length - 1);

	return last != NULL && strcmp(last->line, line) == 0;
}

/* readline calls this with each entered line, and NULL at end of input. */
static void
on_line(char *line)
{
	if (line == NULL) {
		ed.ended = true;
		rl_callback_handler_remove();
		ed.editing = false;
		ed.shown = false;
		return;
	}
	enqueue(line);
	if (line[0] != '\0' && !repeats_last_entry(line)) {
		add_history(line);
		ed.added++;
	}
	free(line);
	/* Enter moved the cursor to a new row: the old tail is above it. */
	forget_tail();
	ed.tail_is_prompt = false;
	rl_set_prompt("");
}

int
line_open(const char *history_path)
{
	if (ed.editing)
		return 0;
	/* The terminal's character set, so readline counts UTF-8 right. */
	setlocale(LC_CTYPE, "");
	rl_readline_name = "sockit";
	rl_instream = stdin;
	rl_outstream = stdout;
	/*
	 * sockit handles SIGINT and SIGTERM itself (the pump ends and the
	 * terminal is restored); readline must not take them, nor change
	 * LINES and COLUMNS in the environment a command inherits.
	 */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	ed.history_path = history_path;
	clear_history();
	if (history_path != NULL)
		read_history(history_path);
	ed.ended = false;
	ed.depth = 0;
	ed.tail_is_prompt = ed.tail_len > 0 && tail_fits();
	if (ed.tail_len > 0 && !ed.tail_is_prompt) {
		write_all("\n", 1);
		forget_tail();
	}
	if (ed.tail_is_prompt)
		write_all("\r", 1);
	rl_callback_handler_install(ed.tail_is_prompt ? ed.tail : "",
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
		rl_callback_read_char();
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
	rl_reset_screen_size();
	rl_clear_visible_line();
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
	rl_set_prompt(ed.tail_is_prompt ? ed.tail : "");
	rl_on_new_line();
	rl_redisplay();
	fflush(stdout);
	ed.shown = true;
}

static void
save_history(void)
{
	if (ed.history_path == NULL || ed.added == 0)
		return;
	/* Append this run's lines: two sessions at once both keep theirs. */
	if (access(ed.history_path, F_OK) == 0)
		append_history(ed.added, ed.history_path);
	else
		write_history(ed.history_path);
	history_truncate_file(ed.history_path, HISTORY_KEEP);
	ed.added = 0;
}

void
line_close(void)
{
	if (ed.editing) {
		bool typed = rl_end > 0;

		rl_callback_handler_remove();
		ed.editing = false;
		ed.shown = false;
		/* A line typed but never entered stays visible; go past it. */
		if (typed)
			write_all("\n", 1);
		fflush(stdout);
	}
	save_history();
}
