/*
 * ui.h: the dashboard, as seen by the glue (src/dashboard.c).
 *
 * This header is curses-free.  The UI reads the fleet model through a
 * const pointer and never does I/O of its own; it draws on the terminal
 * layer (terminal.h), which other full-screen programs share.
 *
 * Call order: ui_new() takes the terminal; then, on the loop thread,
 * ui_input() whenever the terminal fd (ui_fd()) is readable, ui_resize()
 * on SIGWINCH, ui_draw() after every event (it redraws only when the
 * fleet version, the clock second or the UI's own state changed);
 * ui_free() gives the terminal back.  ui_restore_terminal() may be
 * called from a fatal path at any time (it is idempotent).
 *
 * The fleet pointer is borrowed for the life of the ui; the UI keeps only
 * ids of entities across frames, never pointers into the fleet.
 */
#ifndef BBBCTL_UI_H
#define BBBCTL_UI_H

#include <stdbool.h>
#include <stdint.h>

struct action;
/* ui_restore_terminal(), ui_env_no_color(): the terminal layer's. */
#include "terminal.h"

struct fleet;
struct ui;

struct ui_opts {
	bool		 readonly;	/* hide every mutating key */
	bool		 color;		/* false: monochrome */
	bool		 ascii;		/* no UTF-8 lines or sparklines */
	bool		 mouse;
	bool		 bell;		/* a new critical rings the bell */
	int64_t		 refresh_ms;	/* shown, changed by + and - */
	/*
	 * Headless: draw into curses' memory only (output to /dev/null),
	 * with this size; for tests and the benchmark.  0 = a real tty.
	 */
	int		 headless_cols;
	int		 headless_rows;
	/* Wall clock in ms; NULL = util_wall_ms.  For tests. */
	int64_t		(*now)(void);
};

/* What the glue must do after ui_input() (bits). */
#define UI_REQ_QUIT		0x1
#define UI_REQ_REFRESH_NOW	0x2
#define UI_REQ_SET_REFRESH	0x4	/* read ui_refresh_ms() */
#define UI_REQ_HANGUP		0x8	/* the terminal is gone */
#define UI_REQ_ACTION		0x10	/* an action key: ui_take_action() */
#define UI_REQ_DIALOG		0x20	/* the confirm dialog closed:
					   ui_take_dialog() */
#define UI_REQ_CANCEL_JOB	0x40	/* ui_take_cancel_job() */
#define UI_REQ_AUDIT		0x80	/* the audit view wants the records:
					   read them off the loop thread,
					   then ui_audit_set() */
#define UI_REQ_KEYCHECK		0x100	/* a host view wants keys check:
					   run it off the loop thread,
					   then ui_keycheck_set() */
#define UI_REQ_QUIT_ANSWER	0x800	/* the quit question was answered:
					   ui_take_quit() */
#define UI_REQ_BACKUPS		0x200	/* the backups view wants the list:
					   read it off the loop thread, then
					   ui_backups_set() */
#define UI_REQ_VERIFY		0x400	/* v or V in the backups view:
					   ui_take_verify() */

#define UI_REFRESH_MIN_MS	500
#define UI_REFRESH_MAX_MS	60000

/* Minimum usable terminal size; below it a "too small" screen. */
#define UI_MIN_COLS		60
#define UI_MIN_ROWS		12

/* NULL with an allocated *cause when the terminal cannot be set up. */
struct ui	*ui_new(const struct ui_opts *, const struct fleet *,
		     char **cause);
void		 ui_free(struct ui *);
/* The fd to watch for input (the terminal), or -1 when headless. */
int		 ui_fd(const struct ui *);
/* Read every available key; returns UI_REQ_* bits. */
int		 ui_input(struct ui *);
/* Feed one key (curses key code or character); for tests. */
int		 ui_key(struct ui *, int key);
/* Redraw if needed; true when something was drawn. */
bool		 ui_draw(struct ui *);
/* Redraw unconditionally (after ui_resize, ^L). */
void		 ui_redraw(struct ui *);
void		 ui_resize(struct ui *);
/* Headless: change the screen size. */
void		 ui_set_size(struct ui *, int cols, int rows);
int64_t		 ui_refresh_ms(const struct ui *);
/* The view on top shows meetings (the meetings list or a node's detail). */
bool		 ui_wants_meetings(struct ui *);
void		 ui_set_refresh_ms(struct ui *, int64_t);
/* A one-line message in the footer (copied); NULL clears. */
void		 ui_message(struct ui *, const char *);
/* Write the visible screen as text, one line a row (tests). */
char		*ui_dump(struct ui *);
/* Frames drawn so far (tests and benchmark). */
uint64_t	 ui_frames(const struct ui *);

/*
 * Operator actions (the glue makes the plan and runs the job; jobs.h).
 * After UI_REQ_ACTION, ui_take_action() gives the action (its registry
 * row, action/registry.h) and the target (node key or stack name, by the
 * row's target kind; allocated) of the key pressed (false when there is
 * none), and *arg: the value the operator typed for the row's ask
 * option (allocated), NULL for a row without one.  The glue then opens the confirm dialog
 * with the plan: typed NULL asks y/N with Cancel focused; a typed word
 * (the target) must be typed in full for a destructive action.  When
 * the dialog closes, UI_REQ_DIALOG: ui_take_dialog() says whether it was
 * confirmed and for which token.  After UI_REQ_CANCEL_JOB,
 * ui_take_cancel_job() gives the id of the job to cancel (0 none).
 * Read-only mode neither shows nor dispatches any of these keys.
 */
bool		 ui_take_action(struct ui *, const struct action **,
		     char **target, char **arg);
void		 ui_confirm(struct ui *, uint32_t token, const char *title,
		     const char *text, const char *typed);
bool		 ui_take_dialog(struct ui *, uint32_t *token);
/* A text to read only (a plan the job would refuse): Esc, Enter or q. */
void		 ui_show_text(struct ui *, const char *title, const char *text);
uint32_t	 ui_take_cancel_job(struct ui *);

/*
 * The audit view (:audit) lists what `bbbctl audit` lists, with the same
 * columns.  The UI asks for the records with UI_REQ_AUDIT when the view
 * opens and on ^R in it; the glue reads them without blocking the loop
 * and hands them over here (copied; the strings are borrowed for the
 * call, secrets already masked by audit.c).  recs NULL with error set:
 * the reading failed.  note: said above the records (the database was
 * not read: only the spooled ones), may be NULL.
 */
struct ui_audit_rec {
	int64_t		 at_ms;
	const char	*event;
	uint32_t	 job_id;	/* 0: none */
	const char	*verb;
	const char	*target;	/* may be NULL */
	const char	*operator_;
	const char	*origin;
	int64_t		 duration_ms;	/* < 0: none */
	const char	*result;	/* may be NULL */
	bool		 spooled;
};
/* The cluster the audit view lists (its name and identity); copied. */
void		 ui_audit_set_cluster(struct ui *, const char *);
void		 ui_audit_set(struct ui *, const struct ui_audit_rec *,
		     size_t n, const char *note, const char *error);
/*
 * Quitting while jobs run: the glue asks (text: the jobs and what each
 * choice does to them).  Esc, Enter or k keep them running and stay
 * (the default); w quits once they have finished (the screen closes at
 * once, the jobs go on in this process); c cancels them and quits.
 * Then UI_REQ_QUIT_ANSWER, and ui_take_quit() gives the answer.
 */
#define UI_QUIT_STAY	0
#define UI_QUIT_FINISH	1
#define UI_QUIT_CANCEL	2
void		 ui_ask_quit(struct ui *, const char *title, const char *text);
int		 ui_take_quit(struct ui *);
/* The audit view is open (the glue reads again when a job ends). */
bool		 ui_wants_audit(struct ui *);

/*
 * The backups view (:backups) lists what `bbbctl backup list` lists.  As
 * the audit view: asked with UI_REQ_BACKUPS when it opens and on ^R, the
 * glue reads the backup directory off the loop thread and hands the
 * entries over here (copied; strings borrowed for the call).  recs NULL
 * with error set: the reading failed.
 */
struct ui_backup_rec {
	const char	*id;
	int64_t		 time_ms;
	uint64_t	 size;
	const char	*contents;	/* "db stacks consul" */
	const char	*state;		/* "complete", "verified" ... */
	bool		 good;		/* complete or verified */
	bool		 bad;		/* incomplete or verify failed */
	int64_t		 verified_ms;	/* 0: never */
	const char	*why;		/* may be NULL */
};
void		 ui_backups_set(struct ui *, const struct ui_backup_rec *,
		     size_t n, const char *error);
/* The backups view is open (the glue reads again when a job ends). */
bool		 ui_wants_backups(struct ui *);
/*
 * After UI_REQ_VERIFY: the ID of the backup to verify (allocated) and
 * whether to restore it too; false when none is pending.
 */
bool		 ui_take_verify(struct ui *, char **id, bool *restore);

/*
 * "accepts our key" in the host view: the answer of the last keys
 * check (does each host accept [ssh] identity?).  The UI asks with
 * UI_REQ_KEYCHECK when a host view opens and the last answer is older
 * than UI_KEYCHECK_MAX_AGE_MS; the glue also runs it after keys rotate.
 * Copied; error set (v NULL): the check could not run.
 */
#define UI_KEYCHECK_MAX_AGE_MS	60000
struct ui_keycheck {
	const char	*key;		/* node key of the host */
	int		 accepts;	/* 1 yes, 0 refused, -1 unknown */
	const char	*why;		/* when -1 */
};
void		 ui_keycheck_set(struct ui *, const struct ui_keycheck *,
		     size_t n, const char *error);

#endif
