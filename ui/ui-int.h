/*
 * ui-int.h: what the ui/ files share.  Curses lives here, never in ui.h.
 *
 * Frame model: every view keeps the ids of what it shows (the selection,
 * the node of a detail view), never pointers.  Rows of a table hold
 * borrowed pointers into the fleet that are valid only while
 * fleet->version equals the version they were built at; ui_view_sync()
 * rebuilds them before any use.
 */
#ifndef BBBCTL_UI_INT_H
#define BBBCTL_UI_INT_H

#include <curses.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action/registry.h"
#include "fleet.h"
#include "terminal.h"
#include "ui.h"
#include "util.h"

/* --- colour.c: semantic roles ----------------------------------------- */
enum ui_role {
	UI_R_NORMAL,
	UI_R_HEADER,		/* the top bar */
	UI_R_TITLE,		/* view title line */
	UI_R_COLHEAD,		/* table column names */
	UI_R_SORTED,		/* the sorted column's name */
	UI_R_SELECTED,		/* the selected row */
	UI_R_OK,
	UI_R_WARN,
	UI_R_CRIT,
	UI_R_STALE,		/* old data, shown but not trusted */
	UI_R_DIM,		/* unknown, secondary */
	UI_R_KEY,		/* a key in the footer */
	UI_R_FOOTER,
	UI_R_PROMPT,
	UI_R_ERROR,		/* prompt errors (bad regex) */
	UI_R_GRAPH,
	UI_R_COUNT
};

void		 ui_colour_init(bool colour);
attr_t		 ui_colour_attr(enum ui_role);

/* --- text.c: UTF-8 width and fitting ---------------------------------- */
#define UI_ALIGN_LEFT	0
#define UI_ALIGN_RIGHT	1
/*
 * Display width of a UTF-8 string as ui_text_fit() draws it (a control
 * character, an invalid byte or an unprintable character counts 1).
 */
int		 ui_text_width(const char *);
/*
 * Copy s into out (size outlen) truncated to width columns, padded with
 * spaces to exactly width when pad is set; an ellipsis marks a cut.
 * Every control character (\r, \n, ESC ...), byte that is not a
 * character and unprintable character becomes one '?': all text on the
 * screen goes through here (ui_put(), table cells), so outside text
 * (meeting names, check output, stack names) never moves the cursor.
 * Returns out.
 */
char		*ui_text_fit(char *out, size_t outlen, const char *s, int width,
		     int align, bool pad, bool ascii);
/* Case-insensitive substring search (ASCII folding). */
bool		 ui_text_contains(const char *hay, const char *needle);
/* ui_put() marks a cut with "~" instead of an ellipsis. */
void		 ui_text_set_ascii(bool);
/* Print s at y,x with attr, at most width columns. */
void		 ui_put(WINDOW *, int y, int x, int width, attr_t,
		     const char *);

/* --- spark.c ------------------------------------------------------------ */
/*
 * Map n values (NAN = gap) onto width glyphs between lo and hi (hi <= lo:
 * auto-scale to the values' maximum).  Writes a UTF-8 (or ASCII) string
 * into out.  Returns out.
 */
char		*ui_spark(char *out, size_t outlen, const float *v, size_t n,
		     int width, double lo, double hi, bool ascii);
/* The glyph index 0..7 for v in [lo, hi]; -1 for NAN. */
int		 ui_spark_level(double v, double lo, double hi);
/* Copy the newest n values of a ring (oldest first); returns count. */
size_t		 ui_ring_tail(const struct fleet_ring *, float *, size_t n);

/* --- filter.c ------------------------------------------------------------ */
enum ui_filter_op {
	UI_FOP_SUBSTR,		/* text contains */
	UI_FOP_REGEX,
	UI_FOP_EQ,		/* field: value or field:=N */
	UI_FOP_LT, UI_FOP_LE, UI_FOP_GT, UI_FOP_GE
};

struct ui_filter_term {
	char		*field;		/* NULL: any text of the row */
	enum ui_filter_op op;
	char		*value;
	double		 num;		/* for LT..GE and numeric EQ */
	bool		 numeric;
	bool		 negate;	/* leading '!' */
	regex_t		 re;
	bool		 re_ok;
};

struct ui_filter {
	char		*text;		/* as typed */
	struct ui_filter_term *terms;	/* all must match */
	size_t		 nterms;
};

/*
 * Parse a filter:
 *   word            the row's text contains word (case-insensitive)
 *   re:EXPR  /EXPR/ the row's text matches the POSIX extended regex
 *   field:value     that field contains value (state:cordoned)
 *   field:>N <N >=N <=N =N   numeric comparison (problems:>0)
 *   field:re:EXPR   that field matches the regex
 *   !term           negation
 * Terms are separated by spaces; all must hold.  0, or -1 with an
 * allocated *cause (bad regex, empty field name).
 */
int		 ui_filter_parse(struct ui_filter *, const char *, char **);
void		 ui_filter_clear(struct ui_filter *);
bool		 ui_filter_empty(const struct ui_filter *);
/* Some term matches the row's whole text (not a field). */
bool		 ui_filter_needs_text(const struct ui_filter *);
/* Field lookup for matching: text (never NULL) and number (NAN). */
typedef bool	(*ui_filter_get_cb)(void *arg, const char *field,
		     const char **text, double *num);
/* Does a row match?  all_text is every column's text of the row. */
bool		 ui_filter_match(const struct ui_filter *,
		     const char *all_text, ui_filter_get_cb, void *arg);

/* --- table.c: a column widget ----------------------------------------- */
#define UI_COL_RIGHT	0x1	/* right-aligned */
#define UI_COL_FLEX	0x2	/* takes the spare width */
#define UI_COL_NOSORT	0x4

struct ui;
struct ui_cell {
	char		 text[160];
	enum ui_role	 role;
	bool		 stale;		/* shown with a marker, dimmed */
	double		 num;		/* sort/filter number, NAN if none */
};

struct ui_col {
	const char	*name;		/* header */
	const char	*field;		/* filter field name, NULL */
	int		 width;		/* preferred width */
	int		 prio;		/* 0 never dropped; higher first */
	int		 flags;
	void		(*cell)(struct ui *, const void *row,
			     struct ui_cell *);
};

struct ui_row {
	const void	*p;		/* borrowed, see the header comment */
	uint32_t	 id;
	double		 key_num;	/* sort key, computed at rebuild */
	char		 key_text[48];
	size_t		 seq;		/* order from collect, for ties */
};

#define UI_SORT_DEFAULT	(-1)		/* the view's own order */

struct ui_table {
	const struct ui_col *cols;
	size_t		 ncols;
	/* The view's default order ("worst first"): a score, higher first. */
	double		(*worst)(struct ui *, const void *row);

	struct ui_row	*all;		/* collected rows */
	size_t		 nall;
	size_t		 allcap;
	struct ui_row	*rows;		/* after filter and sort */
	size_t		 nrows;
	size_t		 rowscap;

	int		 sort;		/* column index or UI_SORT_DEFAULT */
	bool		 reverse;
	uint32_t	 sel_id;	/* selection kept by id */
	size_t		 sel;		/* its index in rows */
	size_t		 top;		/* first row shown */
	int		 page;		/* rows shown last frame */
	bool		 has_sel;
	size_t		 hscroll;	/* columns after the first skipped
					   (Left/Right) */
	bool		 moved;		/* the operator moved the selection */
};

void		 ui_table_init(struct ui_table *, const struct ui_col *,
		     size_t ncols);
void		 ui_table_free(struct ui_table *);
void		 ui_table_clear(struct ui_table *);
void		 ui_table_add(struct ui_table *, const void *, uint32_t id);
/* Filter and sort the collected rows; keep the selection by id. */
void		 ui_table_finish(struct ui *, struct ui_table *,
		     const struct ui_filter *);
/* Draw in the box; returns the number of data rows shown. */
int		 ui_table_draw(struct ui *, struct ui_table *, WINDOW *,
		     int y, int x, int w, int h);
/* Movement: delta rows (INT_MIN / INT_MAX for home / end). */
void		 ui_table_move(struct ui_table *, int delta);
const struct ui_row *ui_table_selected(const struct ui_table *);
/* Which columns fit in w (a bit per column); returns their count. */
int		 ui_table_layout(const struct ui_table *, int w, int *widths);
/* Some column is not shown in w (another Right would show it). */
bool		 ui_table_hidden(const struct ui_table *, int w);
/* Next / previous sortable column, wrapping through UI_SORT_DEFAULT. */
void		 ui_table_sort_step(struct ui_table *, int dir);
/* One cell (for filters, detail views). */
void		 ui_table_cell(struct ui *, const struct ui_table *, size_t col,
		     const void *row, struct ui_cell *);

/* --- keys.c: the one key table ------------------------------------------ */
/* Curses function keys are offset so they never meet a character. */
#define UI_KEY_FN(k)	((k) + 0x200000)
#define UI_KEY_CTRL(c)	((c) & 0x1f)
#define UI_KEY_ESC	0x1b

enum ui_view_kind {
	UI_V_NODES,
	UI_V_NODE,
	UI_V_MEETINGS,
	UI_V_STACKS,
	UI_V_HOSTS,
	UI_V_PROBLEMS,
	UI_V_JOBS,
	UI_V_AUDIT,
	UI_V_HELP,
	UI_V_HOST,		/* a Rancher host / VM that is not a node */
	UI_V_SERVICES,		/* fleet-wide services (probes) */
	UI_V_COUNT
};
/* Modal views (dialog, prompt) are in no key table row. */
#define UI_V_MODAL	UI_V_COUNT
#define UI_VB(v)	(1u << (v))
#define UI_VB_ALL	((1u << UI_V_COUNT) - 1)
#define UI_VB_TABLES	(UI_VB(UI_V_NODES) | UI_VB(UI_V_MEETINGS) | \
			 UI_VB(UI_V_STACKS) | UI_VB(UI_V_HOSTS) | \
			 UI_VB(UI_V_PROBLEMS) | UI_VB(UI_V_JOBS) | \
			 UI_VB(UI_V_AUDIT) | UI_VB(UI_V_SERVICES))
#define UI_VB_SCROLL	(UI_VB_TABLES | UI_VB(UI_V_NODE) | UI_VB(UI_V_HELP) | \
			 UI_VB(UI_V_AUDIT) | UI_VB(UI_V_HOST))

enum ui_cmd {
	UI_CMD_NONE,
	UI_CMD_QUIT,
	UI_CMD_HELP,
	UI_CMD_PALETTE,
	UI_CMD_FILTER,
	UI_CMD_BACK,
	UI_CMD_ENTER,
	UI_CMD_UP,
	UI_CMD_DOWN,
	UI_CMD_PGUP,
	UI_CMD_PGDN,
	UI_CMD_HOME,
	UI_CMD_END,
	UI_CMD_SORT_NEXT,
	UI_CMD_SORT_PREV,
	UI_CMD_SORT_INVERT,
	UI_CMD_SORT_DEFAULT,
	UI_CMD_COL_LEFT,
	UI_CMD_COL_RIGHT,
	UI_CMD_FASTER,
	UI_CMD_SLOWER,
	UI_CMD_REFRESH,
	UI_CMD_REDRAW,
	UI_CMD_VIEW_NODES,
	UI_CMD_VIEW_MEETINGS,
	UI_CMD_VIEW_PROBLEMS,
	UI_CMD_VIEW_STACKS,
	UI_CMD_VIEW_HOSTS,
	UI_CMD_VIEW_JOBS,
	UI_CMD_VIEW_SERVICES,
	UI_CMD_ACTION,		/* the row's action (registry.h) */
	UI_CMD_CANCEL_JOB
};

#define UI_KEY_F_MUTATING 0x1	/* changes the fleet: hidden read-only */
#define UI_KEY_F_HINT	0x2	/* shown in the footer */
#define UI_KEY_F_ALIAS	0x4	/* a second key for a command: help
				   lists it on the first key's line */

struct ui_key_def {
	int		 key;
	unsigned	 views;		/* UI_VB() bits */
	enum ui_cmd	 cmd;
	const char	*name;		/* short, for the footer */
	const char	*help;		/* one line, for ? */
	unsigned	 flags;
	const struct action *action;	/* UI_CMD_ACTION: its row */
};

/*
 * The key table: keys.c's own rows with a row per action of the
 * registry (its key, views, name and help) where keys.c marks them.
 * ui_keys_init() builds it (once; the lookups below call it); it lives
 * as long as the program.
 */
extern const struct ui_key_def *ui_key_table;
extern size_t ui_key_table_len;
void		 ui_keys_init(void);
/* The UI_VB() bits of an action's ACTION_VIEW_* views. */
unsigned	 ui_keys_action_views(const struct action *);

/* The definition for key in view, or NULL (mutating ones hidden RO). */
const struct ui_key_def *ui_keys_lookup(int key, enum ui_view_kind,
		     bool readonly);
/* The same in any table (tests). */
const struct ui_key_def *ui_keys_find(const struct ui_key_def *, size_t,
		     int key, enum ui_view_kind, bool readonly);
/* Printable name of a key: "q", "Enter", "Esc", "^R", "Up" ... */
const char	*ui_key_name(int key, char *buf, size_t len);
/* Help text lines for view (allocated array of allocated strings). */
char		**ui_keys_help(enum ui_view_kind, bool readonly, size_t *n);
void		 ui_keys_help_free(char **, size_t);
/* Footer hints: "? help  : command ..." into buf for width. */
void		 ui_keys_hints(enum ui_view_kind, bool readonly, struct buf *);
const char	*ui_view_name(enum ui_view_kind);

/* --- palette.c: the ':' palette and the '/' prompt -------------------- */
#define UI_HIST_MAX	32
struct ui_prompt {
	bool		 active;
	char		 kind;		/* ':', '/' or '#' (an action's ask) */
	struct buf	 line;
	char		*hist[UI_HIST_MAX];	/* newest last */
	size_t		 nhist;
	size_t		 hpos;		/* browsing position */
	char		*error;		/* shown after the line */
};

enum ui_prompt_res {
	UI_PROMPT_EDITING,
	UI_PROMPT_DONE,			/* Enter */
	UI_PROMPT_CANCEL		/* Esc */
};

/* Commands the palette knows (NULL-terminated). */
extern const char *const ui_palette_cmds[];
/*
 * Complete line against the command names and (after "node ") the names
 * given: replaces line by the longest common prefix of the matches.
 * Returns the number of matches; *first gets the first match.
 */
size_t		 ui_palette_complete(struct buf *line,
		     const char *const *names, size_t nnames,
		     const char **first);
void		 ui_prompt_open(struct ui_prompt *, char kind,
		     const char *initial);
enum ui_prompt_res ui_prompt_key(struct ui_prompt *, int key);
void		 ui_prompt_history_add(struct ui_prompt *, const char *);
void		 ui_prompt_free(struct ui_prompt *);

/* --- dialog.c: confirmations (the jobs will use it) -------------------- */
struct ui_dialog {
	bool		 active;
	char		*title;
	char		*text;		/* may hold newlines */
	int		 choice;	/* 0 = Cancel (default), 1 = OK */
	char		*typed;		/* word to type, or NULL (y/N) */
	struct buf	 input;		/* what was typed */
	bool		 mismatch;	/* Enter with the wrong word */
	uint32_t	 token;		/* the glue's, for ui_take_dialog */
	bool		 done;		/* closed, not yet taken */
	bool		 confirmed;
	bool		 quit;		/* the quit question (ui_ask_quit) */
	bool		 info;		/* text only: any of Esc, Enter, q
					   closes; n opens node */
	char		*node;		/* info: the node n opens, or NULL */
	bool		 ascii;		/* borders in ASCII */
};
void		 ui_dialog_open(struct ui_dialog *, const char *,
		     const char *);
/* A destructive confirmation: typed must be typed in full. */
void		 ui_dialog_open_typed(struct ui_dialog *, const char *,
		     const char *, const char *typed);
void		 ui_dialog_close(struct ui_dialog *);
/* 1 confirmed, 0 cancelled, -1 still open. */
int		 ui_dialog_key(struct ui_dialog *, int key);
void		 ui_dialog_draw(struct ui_dialog *, WINDOW *, int cols,
		     int rows);
struct ui;
/* Show d (owned from now on) as a modal view over the frame. */
void		 ui_dialog_push(struct ui *, struct ui_dialog *);

/* --- form.c: the form widget (form.h) ---------------------------------- */
struct ui_form;
/* Draw the form in the box (h rows: its title, fields, status, keys). */
void		 ui_form_draw(struct ui_form *, WINDOW *, int y, int x, int w,
		     int h, bool utf8);

/* --- views ---------------------------------------------------------------- */
struct ui_view;
struct ui_view_ops {
	enum ui_view_kind kind;
	const char	*name;		/* palette command and title */
	void		(*init)(struct ui *, struct ui_view *);
	/* Fill the table (table views) from the fleet. */
	void		(*collect)(struct ui *, struct ui_view *);
	/* Draw free-form content (non-table views) into the body box. */
	void		(*draw)(struct ui *, struct ui_view *, int y, int h);
	/* Enter on the selected row. */
	void		(*enter)(struct ui *, struct ui_view *);
	/* Extra title text ("bbb-03"), may be NULL. */
	void		(*title)(struct ui *, struct ui_view *, struct buf *);
	/* Title text after the counts and sort (the data's age), or NULL. */
	void		(*title_tail)(struct ui *, struct ui_view *,
			    struct buf *);
	/* Shown when the table has no rows and no filter. */
	const char	*empty;
	/* The same, from the view's state; may be NULL (then empty). */
	const char	*(*empty_text)(struct ui *, struct ui_view *);
	void		(*free)(struct ui_view *);
	/*
	 * A key, before the key table: true when the view took it.  A
	 * modal view takes every key and pops itself when done.
	 */
	bool		(*key)(struct ui *, struct ui_view *, int key);
	/*
	 * Set for modal views only: drawn over the frame of the views
	 * below (the dialog's box, the prompt's footer line).  A modal
	 * view is never ui_view_top().
	 */
	void		(*overlay)(struct ui *, struct ui_view *);
};

struct ui_view {
	const struct ui_view_ops *ops;
	struct ui_table	 table;
	bool		 is_table;
	struct ui_filter filter;
	uint64_t	 built_version;	/* fleet version rows were built at */
	bool		 built;
	uint32_t	 node_id;	/* detail view: its node */
	char		*node_key;	/* detail view: for when it is gone */
	int		 scroll;	/* free-form views */
	int		 lines;		/* free-form: lines last drawn */
	int		 page;		/* free-form: rows of the body */
	uint64_t	 built_gen;	/* audit view: ui->audit_gen built at */
	void		*priv;
};

extern const struct ui_view_ops ui_view_nodes_ops;
extern const struct ui_view_ops ui_view_node_ops;
extern const struct ui_view_ops ui_view_meetings_ops;
extern const struct ui_view_ops ui_view_stacks_ops;
extern const struct ui_view_ops ui_view_hosts_ops;
extern const struct ui_view_ops ui_view_services_ops;
extern const struct ui_view_ops ui_view_host_ops;
extern const struct ui_view_ops ui_view_problems_ops;
extern const struct ui_view_ops ui_view_jobs_ops;
extern const struct ui_view_ops ui_view_audit_ops;
extern const struct ui_view_ops ui_view_help_ops;
/* The hosts view: the selected row's host (node key or name), or NULL. */
const char	*ui_hosts_selected(struct ui *, struct ui_view *);
extern const struct ui_view_ops ui_view_dialog_ops;
extern const struct ui_view_ops ui_view_prompt_ops;

/* --- terminal.c: the terminal layer (terminal.h) ------------------------ */
struct ui_term {
	SCREEN		*screen;
	FILE		*out;
	FILE		*in;
	int		 fd;
	bool		 utf8;
	int		 cols, rows;
	int		 empty_reads;
};

#define UI_KEY_NONE	(-1)			/* nothing to read */
#define UI_KEY_UNKNOWN	UI_KEY_FN(KEY_MAX + 1)	/* a sequence swallowed */

/* Make t curses' current terminal. */
void		 ui_term_select(struct ui_term *);
/* The next key (a character or UI_KEY_FN(code)), or UI_KEY_NONE. */
int		 ui_term_key(struct ui_term *);
/* After a readable fd gave nkeys keys: true when the terminal is gone. */
bool		 ui_term_hangup(struct ui_term *, int nkeys);

/* --- spark.c: multi-row graphs ------------------------------------------- */
/*
 * One text row (row 0 = the bottom) of a graph height rows tall, of the
 * newest width values of v (NAN = gap), scaled to [lo, hi] (hi <= lo:
 * auto).  Returns out.
 */
char		*ui_graph_row(char *out, size_t outlen, const float *v,
		     size_t n, int width, double lo, double hi, int row,
		     int height, bool ascii);

/* --- ui.c: the state every file sees ------------------------------------- */
#define UI_STACK_MAX	16

struct ui {
	struct ui_opts	 opts;
	const struct fleet *fleet;
	struct ui_term	*term;
	bool		 utf8;		/* draw UTF-8 glyphs */
	int		 cols, rows;

	struct ui_view	*stack[UI_STACK_MAX];
	size_t		 depth;

	struct ui_prompt prompt;	/* the prompt view's line */
	struct ui_prompt palette_hist;	/* palette history kept apart */
	uint32_t	 dialog_token;	/* the last dialog's answer */
	bool		 dialog_done;
	bool		 dialog_yes;
	int		 quit_answer;	/* UI_QUIT_*, for ui_take_quit */
	uint32_t	 prob_seen;	/* newest problem id the operator saw
					   in the problems view */
	uint32_t	 prob_rung;	/* newest critical the bell rang for */
	uint64_t	 bells;		/* rung so far (tests) */
	bool		 hdr_retry;	/* the header has room for back-offs */
	char		*message;
	int64_t		 message_at;

	bool		 dirty;
	uint64_t	 drawn_version;
	int64_t		 drawn_second;
	bool		 drawn_once;
	uint64_t	 drawn_late;	/* late sources at the last full one */
	uint32_t	 drawn_top;	/* top view at the last full frame */
	uint64_t	 frames;
	uint64_t	 full_frames;	/* frames that redrew the body */
	int64_t		 now;		/* wall ms of the current frame */
	int		 reqs;		/* pending UI_REQ_* */
	const struct action *act;	/* pending UI_REQ_ACTION */
	char		*act_target;
	char		*act_arg;	/* the answer to the row's ask */
	const struct action *ask;	/* the prompt '#' asks for it */
	char		*ask_target;
	uint32_t	 cancel_job;	/* pending UI_REQ_CANCEL_JOB */

	/* the audit view's records (ui_audit_set), owned */
	struct ui_audit_rec *audit;
	size_t		 naudit;
	char		*audit_note;	/* or the error of the last read */
	bool		 audit_failed;
	bool		 audit_reading;	/* asked, not answered yet */
	int64_t		 audit_at;	/* wall ms of the last answer; 0 */
	uint64_t	 audit_gen;	/* bumped by every answer */

	/* keys check (ui_keycheck_set), owned */
	struct ui_keycheck *keychecks;
	size_t		 nkeychecks;
	char		*keycheck_error;
	int64_t		 keycheck_at;	/* wall ms of the last answer; 0 */
	bool		 keycheck_reading; /* asked, not answered yet */
};

/* The top view that is not modal (the one a prompt filters). */
struct ui_view	*ui_view_top(struct ui *);
/* The modal view on top (dialog, prompt), or NULL. */
struct ui_view	*ui_view_modal(struct ui *);
/* Push a modal view (ops->overlay set) with its private state. */
void		 ui_view_push_modal(struct ui *, const struct ui_view_ops *,
		     void *priv);
/* Push a new view of kind (node_id for the detail view). */
void		 ui_view_push(struct ui *, enum ui_view_kind, uint32_t node_id);
void		 ui_view_pop(struct ui *);
/* Replace the whole stack by one view of kind (":nodes"). */
void		 ui_view_switch(struct ui *, enum ui_view_kind);
/* Frames that redrew everything; the rest redrew only the clock lines. */
uint64_t	 ui_frames_full(const struct ui *);
/* Rebuild the rows if the fleet changed since they were built. */
void		 ui_view_sync(struct ui *, struct ui_view *);
void		 ui_view_free(struct ui_view *);
/* Open the prompt view: ':' the palette, '/' the top view's filter. */
void		 ui_open_prompt(struct ui *, char kind);
/* The '#' prompt's answer for ui->ask (NULL: Esc): ui.c. */
void		 ui_ask_done(struct ui *, const char *arg);
/* Set v's filter; a bad one leaves it and says why on the prompt. */
void		 ui_filter_apply(struct ui *, struct ui_view *, const char *);
/* Run a palette command; 0, or -1 with a message set. */
int		 ui_command(struct ui *, const char *);
/* Ask the glue for the audit records (UI_REQ_AUDIT). */
void		 ui_audit_request(struct ui *);
/* Free the audit records (ui_free). */
void		 ui_audit_clear(struct ui *);
/* Open the node detail of a node key (problems, meetings). */
void		 ui_open_node_key(struct ui *, const char *key);

/* Shared helpers for views (view-common in ui.c). */
int64_t		 ui_now(struct ui *);
/* A problem's text without its leading node name. */
const char	*ui_problem_text(const struct fleet_problem *);
const char	*ui_fmt_age(struct ui *, int64_t since_ms, char *, size_t);
/*
 * "scalelite failing since 21:03:12 (4m): cause" when the source is not
 * answering well (fleet_source_trouble), else false and "".
 */
bool		 ui_src_trouble(struct ui *, enum fleet_src, char *, size_t);
enum ui_role	 ui_sev_role(enum fleet_severity);
enum ui_role	 ui_health_role(enum fleet_health);
const char	*ui_health_label(enum fleet_health);
/* src answered OK, but not for much longer than its refresh interval. */
bool		 ui_src_late(struct ui *, enum fleet_src);
/* Is the node's data from src fresh: 1 fresh, 0 stale, -1 never seen. */
int		 ui_node_src(struct ui *, const struct fleet_node *,
		     enum fleet_src);
/* Free-form line output for detail/help views. */
struct ui_lines {
	WINDOW		*win;
	int		 y0, h, cols;
	int		 line;		/* logical line being written */
	int		 scroll;
};
void		 ui_lines_put(struct ui_lines *, enum ui_role, const char *,
		     ...) printflike(3, 4);
/* Put two segments on one line: a label in one role, text in another. */
void		 ui_lines_kv(struct ui_lines *, const char *label,
		     enum ui_role, const char *fmt, ...) printflike(4, 5);

#endif
