/*
 * screen.c: curses set-up and tear-down (htop CRT.c's shape).
 *
 * The terminal is stdin/stdout when both are ttys, else /dev/tty.  Esc
 * must feel instant (ESCDELAY 25 ms); input is non-blocking because the
 * event loop polls the fd.  While curses owns the terminal, stderr goes
 * to an unlinked temp file that is copied back to the real stderr after
 * endwin(), so a library's message cannot scribble over the screen.
 * ui_restore_terminal() is safe to call from any exit path, twice.
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

static struct ui	*ui_screen_current;
static bool		 ui_screen_up;
static int		 ui_stderr_saved = -1;
static int		 ui_stderr_tmp = -1;

/* The locale's charset is UTF-8 (call after setlocale). */
static bool
ui_locale_utf8(void)
{
	const char	*cs = nl_langinfo(CODESET);

	return (cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0));
}

static void
ui_stderr_redirect(void)
{
	char	*path;
	int	 fd;

	fflush(stderr);
	path = xasprintf("%s/bbbctl-stderr-XXXXXX", util_tmpdir());
	fd = mkstemp(path);
	if (fd != -1)
		unlink(path);
	free(path);
	if (fd == -1)
		return;
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

int
ui_screen_init(struct ui *ui, char **cause)
{
	const char	*term = NULL;
	bool		 own = false;

	setlocale(LC_ALL, "");
	ui->utf8 = !ui->opts.ascii && ui_locale_utf8();
	ui_text_set_ascii(!ui->utf8);
	ui->fd = -1;
	if (ui->opts.headless_cols > 0) {
		ui->out = fopen("/dev/null", "w");
		ui->in = fopen("/dev/null", "r");
		if (ui->out == NULL || ui->in == NULL) {
			*cause = xasprintf("/dev/null: %s", strerror(errno));
			goto fail;
		}
		term = "xterm-256color";
		own = true;
	} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		ui->out = stdout;
		ui->in = stdin;
		ui->fd = STDIN_FILENO;
	} else {
		ui->out = fopen("/dev/tty", "w");
		ui->in = fopen("/dev/tty", "r");
		if (ui->out == NULL || ui->in == NULL) {
			*cause = xasprintf("no terminal: /dev/tty: %s",
			    strerror(errno));
			goto fail;
		}
		ui->fd = fileno(ui->in);
		own = true;
	}
	ui->screen = newterm(term, ui->out, ui->in);
	if (ui->screen == NULL) {
		*cause = xasprintf("cannot use the terminal (TERM=%s)",
		    getenv("TERM") == NULL ? "unset" : getenv("TERM"));
		goto fail;
	}
	set_term(ui->screen);
	if (ui->opts.headless_cols > 0)
		resizeterm(ui->opts.headless_rows, ui->opts.headless_cols);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	ui_colour_init(ui->opts.color);
	if (ui->opts.mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
		    NULL);
	else
		mousemask(0, NULL);
	if (ui->fd != -1)
		ui_stderr_redirect();
	ui->cols = COLS;
	ui->rows = LINES;
	ui_screen_current = ui;
	ui_screen_up = true;
	return (0);

fail:
	if (own) {
		if (ui->out != NULL)
			fclose(ui->out);
		if (ui->in != NULL)
			fclose(ui->in);
	}
	ui->out = ui->in = NULL;
	return (-1);
}

void
ui_restore_terminal(void)
{
	if (!ui_screen_up)
		return;
	ui_screen_up = false;
	if (ui_screen_current != NULL && ui_screen_current->screen != NULL) {
		set_term(ui_screen_current->screen);
		curs_set(1);
		endwin();
	}
	ui_stderr_restore();
}

void
ui_screen_done(struct ui *ui)
{
	ui_restore_terminal();
	if (ui->screen != NULL) {
		delscreen(ui->screen);
		ui->screen = NULL;
	}
	if (ui->out != NULL && ui->out != stdout)
		fclose(ui->out);
	if (ui->in != NULL && ui->in != stdin)
		fclose(ui->in);
	ui->out = ui->in = NULL;
	if (ui_screen_current == ui)
		ui_screen_current = NULL;
}

/* The terminal's size now (after SIGWINCH). */
void
ui_screen_size(struct ui *ui)
{
	struct winsize	 ws;

	if (ui->fd != -1 && ioctl(ui->fd, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 && ws.ws_row > 0) {
		if (ws.ws_col != COLS || ws.ws_row != LINES)
			resizeterm(ws.ws_row, ws.ws_col);
	}
	ui->cols = COLS;
	ui->rows = LINES;
}
