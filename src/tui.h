/*
 * tui.h: a full-screen program on the event loop (the dashboard, the
 * setup wizard, test programs).  src/ side of the terminal layer
 * (ui/terminal.h): it owns what needs the loop or the process.
 *
 * tui_new() must run before curses starts, so that curses installs no
 * SIGWINCH handler of its own: it catches SIGWINCH (resize), SIGHUP
 * (the SSH connection dropped: end at once, draw nothing more), SIGTERM
 * and SIGINT (end cleanly) on the loop, sends log messages away from
 * stderr, and installs crash handlers (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT, and SIGQUIT from the ^\ key) that give the terminal back
 * (cbs->restore) before the default action.  tui_attach() watches the
 * terminal's fd once the program's terminal is up.  tui_free() undoes
 * all of it; the four signals stay caught (and ignored) until the loop
 * is freed.
 *
 * One tui at a time (the crash handlers are process-wide).
 */
#ifndef BBBCTL_TUI_H
#define BBBCTL_TUI_H

#include <stdbool.h>

struct loop;
struct tui;

struct tui_cbs {
	/* The terminal fd is readable. */
	void		(*input)(void *arg);
	/* SIGWINCH: read the size again and redraw. */
	void		(*resize)(void *arg);
	/*
	 * SIGHUP, SIGTERM or SIGINT: the program should end (usually
	 * loop_break).  hup: the terminal is gone, draw nothing more.
	 */
	void		(*end)(int signo, bool hup, void *arg);
	/*
	 * Give the terminal back; called from the crash handlers (signal
	 * context: keep it to ui_restore_terminal() and kill(2)).
	 */
	void		(*crash)(void);
};

struct tui	*tui_new(struct loop *, const struct tui_cbs *, void *arg);
/* Watch the terminal's fd (-1: headless, nothing to watch). */
void		 tui_attach(struct tui *, int fd);
void		 tui_free(struct tui *);

#endif
