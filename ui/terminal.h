/*
 * terminal.h: the terminal layer every full-screen program of bbbctl
 * runs on (the dashboard, the setup wizard, test programs).  It knows
 * no fleet.  This header is curses-free, so src/ may include it.
 *
 * It is the one part of ui/ that does I/O beyond drawing: it opens the
 * terminal (stdin/stdout when both are ttys, else /dev/tty), redirects
 * stderr into an unlinked temp file while curses is up (copied back to
 * the real stderr afterwards), asks the kernel for the size after
 * SIGWINCH, and decodes input (an escape sequence curses does not know
 * is swallowed whole, never delivered as Esc, '[', digits).  The
 * layering check allows exactly this file those calls.
 *
 * The event loop stays in src/: the program watches ui_term_fd() on its
 * loop, catches SIGWINCH (then ui_term_resize()) and the ending signals
 * there, and calls ui_restore_terminal() from every exit path,
 * including fatal ones (it is idempotent and needs no argument).
 *
 * One terminal at a time: ui_term_new() fails while another is up.
 */
#ifndef BBBCTL_UI_TERMINAL_H
#define BBBCTL_UI_TERMINAL_H

#include <stdbool.h>

struct ui_term;

struct ui_term_opts {
	bool		 color;		/* false: attributes only */
	bool		 ascii;		/* no UTF-8 glyphs */
	bool		 mouse;
	/*
	 * Headless: draw into curses' memory only (output to /dev/null),
	 * with this size; for tests and the benchmark.  0 = a real tty.
	 */
	int		 headless_cols;
	int		 headless_rows;
};

/* NULL with an allocated *cause when the terminal cannot be set up. */
struct ui_term	*ui_term_new(const struct ui_term_opts *, char **cause);
/* Give the terminal back and free; NULL is fine. */
void		 ui_term_free(struct ui_term *);
/* The fd to watch for input, or -1 when headless. */
int		 ui_term_fd(const struct ui_term *);
/* Read the size from the kernel again (after SIGWINCH). */
void		 ui_term_resize(struct ui_term *);
/* Headless: set the size. */
void		 ui_term_set_size(struct ui_term *, int cols, int rows);
int		 ui_term_cols(const struct ui_term *);
int		 ui_term_rows(const struct ui_term *);
/* Draw UTF-8 glyphs (a UTF-8 locale and not ascii). */
bool		 ui_term_utf8(const struct ui_term *);

/* Give the terminal back (fatal paths, signals); idempotent. */
void		 ui_restore_terminal(void);
/* Environment: NO_COLOR set and non-empty. */
bool		 ui_env_no_color(void);
/* The locale's charset is UTF-8 (call after setlocale). */
bool		 ui_locale_utf8(void);

#endif
