/*
 * terminal.c: the terminal layer (terminal.h): curses set-up and
 * tear-down (htop CRT.c's shape), colours, stderr while curses is up,
 * the size, and input decoding.  No fleet, no view: the dashboard
 * (ui.c) and any other full-screen program draw on it.
 *
 * The terminal is stdin/stdout when both are ttys, else /dev/tty.  Esc
 * must feel instant (ESCDELAY 25 ms); input is non-blocking because the
 * program's event loop polls the fd.  While curses owns the terminal,
 * stderr goes to an unlinked temp file (in $TMPDIR) that is copied back
 * to the real stderr after endwin(), so a library's message cannot
 * scribble over the screen.  ui_restore_terminal() is safe to call from
 * any exit path, twice.
 *
 * This is the one file of ui/ allowed I/O of its own (opening the tty,
 * the temp file, the size ioctl); tests/check-src.sh knows it.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ui-int.h"

/* A sequence longer than this is not one: give up swallowing it. */
#define UI_TERM_SEQ_MAX	32
/* Readable but empty this many times in a row: the terminal is gone. */
#define UI_TERM_EMPTY_MAX 20

static struct ui_term	*ui_term_current;
static bool		 ui_term_up;
static int		 ui_stderr_saved = -1;
static int		 ui_stderr_tmp = -1;

bool
ui_locale_utf8(void)
{
	const char	*cs = nl_langinfo(CODESET);

	return (cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0));
}

bool
ui_env_no_color(void)
{
	const char	*s = getenv("NO_COLOR");

	return (s != NULL && *s != '\0');
}

static void
ui_stderr_redirect(void)
{
	char		*path;
	int		 fd;

	fflush(stderr);
	path = xasprintf("%s/bbbctl-stderr-XXXXXX", util_tmpdir());
	fd = mkstemp(path);
	if (fd == -1) {
		free(path);
		return;
	}
	unlink(path);
	free(path);
	ui_stderr_saved = dup(STDERR_FILENO);
	if (ui_stderr_saved == -1 || dup2(fd, STDERR_FILENO) == -1) {
		if (ui_stderr_saved != -1)
			close(ui_stderr_saved);
		ui_stderr_saved = -1;
		close(fd);
		return;
	}
	ui_stderr_tmp = fd;
}

static void
ui_stderr_restore(void)
{
	char	 buf[4096];
	ssize_t	 n;

	if (ui_stderr_saved == -1)
		return;
	fflush(stderr);
	dup2(ui_stderr_saved, STDERR_FILENO);
	close(ui_stderr_saved);
	ui_stderr_saved = -1;
	if (lseek(ui_stderr_tmp, 0, SEEK_SET) == 0) {
		while ((n = read(ui_stderr_tmp, buf, sizeof buf)) > 0) {
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
		}
	}
	close(ui_stderr_tmp);
	ui_stderr_tmp = -1;
}

static void
ui_term_close_files(struct ui_term *t)
{
	if (t->out != NULL && t->out != stdout)
		fclose(t->out);
	if (t->in != NULL && t->in != stdin)
		fclose(t->in);
	t->out = t->in = NULL;
}

struct ui_term *
ui_term_new(const struct ui_term_opts *o, char **cause)
{
	struct ui_term	*t;
	const char	*term = NULL;

	if (ui_term_up) {
		*cause = xstrdup("the terminal is already in use");
		return (NULL);
	}
	t = xcalloc(1, sizeof *t);
	setlocale(LC_ALL, "");
	t->utf8 = !o->ascii && ui_locale_utf8();
	ui_text_set_ascii(!t->utf8);
	t->fd = -1;
	if (o->headless_cols > 0) {
		t->out = fopen("/dev/null", "w");
		t->in = fopen("/dev/null", "r");
		if (t->out == NULL || t->in == NULL) {
			*cause = xasprintf("/dev/null: %s", strerror(errno));
			goto fail;
		}
		term = "xterm-256color";
	} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		t->out = stdout;
		t->in = stdin;
		t->fd = STDIN_FILENO;
	} else {
		t->out = fopen("/dev/tty", "w");
		t->in = fopen("/dev/tty", "r");
		if (t->out == NULL || t->in == NULL) {
			*cause = xasprintf("no terminal: /dev/tty: %s",
			    strerror(errno));
			goto fail;
		}
		t->fd = fileno(t->in);
	}
	t->screen = newterm(term, t->out, t->in);
	if (t->screen == NULL) {
		*cause = xasprintf("cannot use the terminal (TERM=%s)",
		    getenv("TERM") == NULL ? "unset" : getenv("TERM"));
		goto fail;
	}
	set_term(t->screen);
	if (o->headless_cols > 0)
		resizeterm(o->headless_rows, o->headless_cols);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	ui_colour_init(o->color);
	if (o->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
		    NULL);
	else
		mousemask(0, NULL);
	if (t->fd != -1)
		ui_stderr_redirect();
	t->cols = COLS;
	t->rows = LINES;
	ui_term_current = t;
	ui_term_up = true;
	return (t);

fail:
	ui_term_close_files(t);
	free(t);
	return (NULL);
}

void
ui_restore_terminal(void)
{
	if (!ui_term_up)
		return;
	ui_term_up = false;
	if (ui_term_current != NULL && ui_term_current->screen != NULL) {
		set_term(ui_term_current->screen);
		curs_set(1);
		endwin();
	}
	ui_stderr_restore();
}

void
ui_term_free(struct ui_term *t)
{
	if (t == NULL)
		return;
	if (ui_term_current == t)
		ui_restore_terminal();
	if (t->screen != NULL)
		delscreen(t->screen);
	ui_term_close_files(t);
	if (ui_term_current == t)
		ui_term_current = NULL;
	free(t);
}

void
ui_term_select(struct ui_term *t)
{
	set_term(t->screen);
}

int
ui_term_fd(const struct ui_term *t)
{
	return (t->fd);
}

int
ui_term_cols(const struct ui_term *t)
{
	return (t->cols);
}

int
ui_term_rows(const struct ui_term *t)
{
	return (t->rows);
}

bool
ui_term_utf8(const struct ui_term *t)
{
	return (t->utf8);
}

/* The terminal's size now (after SIGWINCH). */
void
ui_term_resize(struct ui_term *t)
{
	struct winsize	 ws;

	set_term(t->screen);
	if (t->fd != -1 && ioctl(t->fd, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 && ws.ws_row > 0) {
		if (ws.ws_col != COLS || ws.ws_row != LINES)
			resizeterm(ws.ws_row, ws.ws_col);
	}
	t->cols = COLS;
	t->rows = LINES;
}

void
ui_term_set_size(struct ui_term *t, int cols, int rows)
{
	set_term(t->screen);
	resizeterm(rows, cols);
	t->cols = COLS;
	t->rows = LINES;
}

/*
 * After an Esc that curses could not match to a key: the rest of an
 * unknown sequence is already waiting.  Swallow a CSI (Esc [ parameters
 * final byte) or an SS3 (Esc O x) whole; anything else after the Esc is
 * given back and the Esc stands alone.
 */
static int
ui_term_escape(void)
{
	wint_t	 wc;
	int	 rc, i;

	rc = wget_wch(stdscr, &wc);
	if (rc == ERR)
		return (UI_KEY_ESC);
	if (rc == KEY_CODE_YES || (wc != '[' && wc != 'O')) {
		if (rc == KEY_CODE_YES)
			ungetch((int)wc);
		else
			unget_wch((wchar_t)wc);
		return (UI_KEY_ESC);
	}
	if (wc == 'O') {
		wget_wch(stdscr, &wc);
		return (UI_KEY_UNKNOWN);
	}
	for (i = 0; i < UI_TERM_SEQ_MAX; i++) {
		rc = wget_wch(stdscr, &wc);
		if (rc == ERR || rc == KEY_CODE_YES)
			break;
		/* A final byte ends the sequence. */
		if (wc >= 0x40 && wc <= 0x7e)
			break;
	}
	return (UI_KEY_UNKNOWN);
}

int
ui_term_key(struct ui_term *t)
{
	wint_t	 wc;
	int	 rc;

	set_term(t->screen);
	rc = wget_wch(stdscr, &wc);
	if (rc == ERR)
		return (UI_KEY_NONE);
	if (rc == KEY_CODE_YES)
		return (UI_KEY_FN((int)wc));
	if (wc == UI_KEY_ESC)
		return (ui_term_escape());
	return ((int)wc);
}

bool
ui_term_hangup(struct ui_term *t, int nkeys)
{
	/*
	 * Readable but nothing to read, again and again: the terminal is
	 * gone (EOF or EIO after the SSH connection dropped).
	 */
	if (nkeys > 0) {
		t->empty_reads = 0;
		return (false);
	}
	return (++t->empty_reads >= UI_TERM_EMPTY_MAX);
}
