/*
 * ui.c: the dashboard's frame (header, totals, title, body, problem bar,
 * footer), the view stack (modal views, the dialog and the prompt, sit
 * on top and get every key first), key dispatch through the key table,
 * and the redraw-only-when-needed rule.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ui-int.h"

static bool	ui_src_retry(struct ui *, enum fleet_src, char *, size_t);

#define UI_MESSAGE_MS	6000

static const int64_t ui_refresh_steps[] = {
	500, 1000, 2000, 5000, 10000, 30000, 60000
};

static const struct ui_view_ops *const ui_view_table[UI_V_COUNT] = {
	[UI_V_NODES] = &ui_view_nodes_ops,
	[UI_V_NODE] = &ui_view_node_ops,
	[UI_V_MEETINGS] = &ui_view_meetings_ops,
	[UI_V_STACKS] = &ui_view_stacks_ops,
	[UI_V_HOSTS] = &ui_view_hosts_ops,
	[UI_V_PROBLEMS] = &ui_view_problems_ops,
	[UI_V_JOBS] = &ui_view_jobs_ops,
	[UI_V_AUDIT] = &ui_view_audit_ops,
	[UI_V_BACKUPS] = &ui_view_backups_ops,
	[UI_V_HELP] = &ui_view_help_ops,
	[UI_V_HOST] = &ui_view_host_ops,
	[UI_V_SERVICES] = &ui_view_services_ops,
};

/* --- shared helpers ------------------------------------------------------ */

const char *
ui_problem_text(const struct fleet_problem *p)
{
	size_t	 n;

	if (p->node_key == NULL || p->text == NULL)
		return (p->text != NULL ? p->text : "");
	n = strlen(p->node_key);
	if (strncmp(p->text, p->node_key, n) == 0 && p->text[n] == ' ')
		return (p->text + n + 1);
	return (p->text);
}

int64_t
ui_now(struct ui *ui)
{
	return (ui->opts.now != NULL ? ui->opts.now() : util_wall_ms());
}

const char *
ui_fmt_age(struct ui *ui, int64_t since, char *buf, size_t len)
{
	if (since <= 0) {
		snprintf(buf, len, "-");
		return (buf);
	}
	return (util_fmt_age(ui->now - since, buf, len));
}

bool
ui_src_trouble(struct ui *ui, enum fleet_src src, char *buf, size_t len)
{
	const char	*cause;
	int64_t		 since;
	char		 age[16], clock[16], retry[32];
	struct tm	 tm;
	time_t		 t;

	buf[0] = '\0';
	if (!fleet_source_trouble(ui->fleet, src, ui->now, &since, &cause))
		return (false);
	if (since == 0) {
		snprintf(buf, len, "%s failing, never answered: %s",
		    fleet_src_name(src), cause != NULL ? cause : "-");
		return (true);
	}
	t = (time_t)(since / 1000);
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(buf, len, "%s failing since %s (%s): %s%s%s",
	    fleet_src_name(src), clock, ui_fmt_age(ui, since, age, sizeof age),
	    cause != NULL ? cause : "-", ui_src_retry(ui, src, retry,
	    sizeof retry) ? "; " : "", ui_src_retry(ui, src, retry,
	    sizeof retry) ? retry : "");
	return (true);
}

enum ui_role
ui_sev_role(enum fleet_severity s)
{
	switch (s) {
	case FLEET_SEV_CRITICAL:
		return (UI_R_CRIT);
	case FLEET_SEV_WARNING:
		return (UI_R_WARN);
	default:
		return (UI_R_NORMAL);
	}
}

enum ui_role
ui_health_role(enum fleet_health h)
{
	switch (h) {
	case FLEET_HEALTH_PASSING:
		return (UI_R_OK);
	case FLEET_HEALTH_WARNING:
		return (UI_R_WARN);
	case FLEET_HEALTH_CRITICAL:
		return (UI_R_CRIT);
	default:
		return (UI_R_DIM);
	}
}

const char *
ui_health_label(enum fleet_health h)
{
	switch (h) {
	/* consul's words, as status and --json say them */
	case FLEET_HEALTH_PASSING:
		return ("passing");
	case FLEET_HEALTH_WARNING:
		return ("warning");
	case FLEET_HEALTH_CRITICAL:
		return ("CRITICAL");
	default:
		return ("-");
	}
}

bool
ui_src_late(struct ui *ui, enum fleet_src src)
{
	/* The schedule is the backends' own (fleet_source_set_period). */
	return (fleet_source_late(ui->fleet, src, ui->now));
}

int
ui_node_src(struct ui *ui, const struct fleet_node *n, enum fleet_src src)
{
	const struct fleet_source	*s = &ui->fleet->sources[src];

	if ((n->seen & FLEET_SRC_BIT(src)) == 0)
		return (-1);
	if (!fleet_node_fresh(ui->fleet, n, src))
		return (0);
	/* Fresh as the source's last answer, but that answer is old. */
	if (s->state == FLEET_SRC_STALE || s->state == FLEET_SRC_FAILED ||
	    ui_src_late(ui, src))
		return (0);
	return (1);
}

void
ui_lines_put(struct ui_lines *l, enum ui_role role, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 y = l->line - l->scroll;

	if (y >= 0 && y < l->h) {
		va_start(ap, fmt);
		s = xvasprintf(fmt, ap);
		va_end(ap);
		ui_put(l->win, l->y0 + y, 1, l->cols - 2, ui_colour_attr(role),
		    s);
		free(s);
	}
	l->line++;
}

void
ui_lines_kv(struct ui_lines *l, const char *label, enum ui_role role,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 y = l->line - l->scroll, lw;

	if (y >= 0 && y < l->h) {
		va_start(ap, fmt);
		s = xvasprintf(fmt, ap);
		va_end(ap);
		lw = ui_text_width(label);
		ui_put(l->win, l->y0 + y, 1, l->cols - 2,
		    ui_colour_attr(UI_R_DIM), label);
		if (lw + 2 < l->cols - 2)
			ui_put(l->win, l->y0 + y, 2 + lw, l->cols - 3 - lw,
			    ui_colour_attr(role), s);
		free(s);
	}
	l->line++;
}

/* --- views --------------------------------------------------------------- */

struct ui_view *
ui_view_top(struct ui *ui)
{
	size_t	 i;

	for (i = ui->depth; i > 0; i--) {
		if (ui->stack[i - 1]->ops->overlay == NULL)
			return (ui->stack[i - 1]);
	}
	return (NULL);
}

struct ui_view *
ui_view_modal(struct ui *ui)
{
	struct ui_view	*v;

	if (ui->depth == 0)
		return (NULL);
	v = ui->stack[ui->depth - 1];
	return (v->ops->overlay != NULL ? v : NULL);
}

bool
ui_wants_meetings(struct ui *ui)
{
	struct ui_view	*v = ui_view_top(ui);

	return (v != NULL && (v->ops == &ui_view_meetings_ops ||
	    v->ops == &ui_view_node_ops));
}

static struct ui_view *
ui_view_new(struct ui *ui, const struct ui_view_ops *ops, uint32_t node_id)
{
	struct ui_view	*v;

	v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->is_table = v->ops->collect != NULL;
	v->node_id = node_id;
	if (v->ops->init != NULL)
		v->ops->init(ui, v);
	return (v);
}

void
ui_view_free(struct ui_view *v)
{
	if (v == NULL)
		return;
	if (v->ops->free != NULL)
		v->ops->free(v);
	ui_table_free(&v->table);
	ui_filter_clear(&v->filter);
	free(v->node_key);
	free(v);
}

static void
ui_view_push_new(struct ui *ui, struct ui_view *v)
{
	if (ui->depth == UI_STACK_MAX) {
		/* Forget the oldest but one (keep the root view). */
		ui_view_free(ui->stack[1]);
		memmove(&ui->stack[1], &ui->stack[2],
		    (UI_STACK_MAX - 2) * sizeof *ui->stack);
		ui->depth--;
	}
	ui->stack[ui->depth++] = v;
	ui->dirty = true;
}

void
ui_view_push(struct ui *ui, enum ui_view_kind kind, uint32_t node_id)
{
	ui_view_push_new(ui, ui_view_new(ui, ui_view_table[kind], node_id));
}

void
ui_view_push_modal(struct ui *ui, const struct ui_view_ops *ops, void *priv)
{
	struct ui_view	*v;

	v = ui_view_new(ui, ops, 0);
	v->priv = priv;
	ui_view_push_new(ui, v);
}

/* Draw the modal views over the frame, bottom up. */
static void
ui_view_overlays(struct ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->depth; i++) {
		if (ui->stack[i]->ops->overlay != NULL)
			ui->stack[i]->ops->overlay(ui, ui->stack[i]);
	}
}

void
ui_view_pop(struct ui *ui)
{
	if (ui->depth <= 1)
		return;
	ui_view_free(ui->stack[--ui->depth]);
	ui->dirty = true;
}

void
ui_view_switch(struct ui *ui, enum ui_view_kind kind)
{
	struct ui_view	*top = ui_view_top(ui);

	if (top != NULL && top->ops->kind == kind && ui->depth == 1)
		return;
	while (ui->depth > 0)
		ui_view_free(ui->stack[--ui->depth]);
	ui_view_push(ui, kind, 0);
}

void
ui_view_sync(struct ui *ui, struct ui_view *v)
{
	if (!v->is_table)
		return;
	if (v->built && v->built_version == ui->fleet->version &&
	    v->built_gen == ui->audit_gen + ui->backups_gen)
		return;
	ui_table_clear(&v->table);
	v->ops->collect(ui, v);
	ui_table_finish(ui, &v->table, &v->filter);
	v->built = true;
	v->built_version = ui->fleet->version;
	v->built_gen = ui->audit_gen + ui->backups_gen;
}

void
ui_open_node_key(struct ui *ui, const char *key)
{
	const struct fleet_node	*n;

	if (key == NULL) {
		ui_message(ui, "fleet-wide: no node to open");
		return;
	}
	n = fleet_node_by_key(ui->fleet, key);
	if (n == NULL) {
		ui_message(ui, "that node is not in the fleet any more");
		return;
	}
	ui_view_push(ui, UI_V_NODE, n->id);
}

/* --- creation ------------------------------------------------------------ */

struct ui *
ui_new(const struct ui_opts *opts, const struct fleet *fleet, char **cause)
{
	struct ui_term_opts	 to;
	struct ui		*ui;

	ui = xcalloc(1, sizeof *ui);
	ui->opts = *opts;
	if (ui->opts.refresh_ms <= 0)
		ui->opts.refresh_ms = 2000;
	ui->fleet = fleet;
	memset(&to, 0, sizeof to);
	to.color = opts->color;
	to.ascii = opts->ascii;
	to.mouse = opts->mouse;
	to.headless_cols = opts->headless_cols;
	to.headless_rows = opts->headless_rows;
	if ((ui->term = ui_term_new(&to, cause)) == NULL) {
		free(ui);
		return (NULL);
	}
	ui->utf8 = ui_term_utf8(ui->term);
	ui->cols = ui_term_cols(ui->term);
	ui->rows = ui_term_rows(ui->term);
	ui->now = ui_now(ui);
	ui_keys_init();
	ui_view_push(ui, UI_V_NODES, 0);
	ui->dirty = true;
	return (ui);
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	while (ui->depth > 0)
		ui_view_free(ui->stack[--ui->depth]);
	ui_term_free(ui->term);
	ui_prompt_free(&ui->prompt);
	ui_prompt_free(&ui->palette_hist);
	free(ui->act_target);
	free(ui->act_arg);
	free(ui->ask_target);
	free(ui->message);
	ui_audit_clear(ui);
	free(ui->audit_cluster);
	ui_keycheck_set(ui, NULL, 0, NULL);
	ui_backups_clear(ui);
	free(ui->verify_id);
	free(ui);
}

int
ui_fd(const struct ui *ui)
{
	return (ui_term_fd(ui->term));
}

int64_t
ui_refresh_ms(const struct ui *ui)
{
	return (ui->opts.refresh_ms);
}

void
ui_set_refresh_ms(struct ui *ui, int64_t ms)
{
	ui->opts.refresh_ms = ms;
	ui->dirty = true;
}

uint64_t
ui_frames(const struct ui *ui)
{
	return (ui->frames);
}

uint64_t
ui_frames_full(const struct ui *ui)
{
	return (ui->full_frames);
}

void
ui_message(struct ui *ui, const char *msg)
{
	free(ui->message);
	ui->message = msg == NULL ? NULL : xstrdup(msg);
	ui->message_at = ui_now(ui);
	ui->dirty = true;
}

void
ui_resize(struct ui *ui)
{
	ui_term_resize(ui->term);
	ui->cols = ui_term_cols(ui->term);
	ui->rows = ui_term_rows(ui->term);
	ui->dirty = true;
}

void
ui_set_size(struct ui *ui, int cols, int rows)
{
	ui_term_set_size(ui->term, cols, rows);
	ui->cols = ui_term_cols(ui->term);
	ui->rows = ui_term_rows(ui->term);
	ui->dirty = true;
}

/* --- commands ------------------------------------------------------------ */

static void
ui_refresh_step(struct ui *ui, int dir)
{
	size_t	 i, n = nitems(ui_refresh_steps);
	int64_t	 cur = ui->opts.refresh_ms, next = cur;
	char	 msg[64];

	if (dir < 0) {
		/* Faster: the largest step below the current one. */
		for (i = n; i-- > 0;) {
			if (ui_refresh_steps[i] < cur) {
				next = ui_refresh_steps[i];
				break;
			}
		}
	} else {
		for (i = 0; i < n; i++) {
			if (ui_refresh_steps[i] > cur) {
				next = ui_refresh_steps[i];
				break;
			}
		}
	}
	if (next == cur) {
		ui_message(ui, dir < 0 ? "refresh: already the fastest" :
		    "refresh: already the slowest");
		return;
	}
	ui->opts.refresh_ms = next;
	ui->reqs |= UI_REQ_SET_REFRESH;
	snprintf(msg, sizeof msg, "refresh every %.1fs", next / 1000.0);
	ui_message(ui, msg);
}

static enum ui_view_kind
ui_cmd_view(enum ui_cmd cmd)
{
	switch (cmd) {
	case UI_CMD_VIEW_MEETINGS:
		return (UI_V_MEETINGS);
	case UI_CMD_VIEW_PROBLEMS:
		return (UI_V_PROBLEMS);
	case UI_CMD_VIEW_STACKS:
		return (UI_V_STACKS);
	case UI_CMD_VIEW_HOSTS:
		return (UI_V_HOSTS);
	case UI_CMD_VIEW_JOBS:
		return (UI_V_JOBS);
	case UI_CMD_VIEW_SERVICES:
		return (UI_V_SERVICES);
	default:
		return (UI_V_NODES);
	}
}

int
ui_command(struct ui *ui, const char *line)
{
	static const struct {
		const char		*name;
		enum ui_view_kind	 kind;
	} views[] = {
		{ "nodes", UI_V_NODES }, { "meetings", UI_V_MEETINGS },
		{ "stacks", UI_V_STACKS }, { "hosts", UI_V_HOSTS },
		{ "vms", UI_V_HOSTS }, { "problems", UI_V_PROBLEMS },
		{ "jobs", UI_V_JOBS }, { "audit", UI_V_AUDIT },
		{ "backups", UI_V_BACKUPS },
		{ "services", UI_V_SERVICES },
	};
	const char	*arg, *best = NULL;
	char		*cmd, msg[160];
	size_t		 i, d, bestd = SIZE_MAX, len;

	while (*line == ' ' || *line == ':')
		line++;
	len = strcspn(line, " ");
	cmd = xstrndup(line, len);
	arg = line + len;
	while (*arg == ' ')
		arg++;
	if (*cmd == '\0') {
		free(cmd);
		return (0);
	}
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 ||
	    strcmp(cmd, "q!") == 0) {
		ui->reqs |= UI_REQ_QUIT;
		free(cmd);
		return (0);
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "?") == 0) {
		ui_view_push(ui, UI_V_HELP, 0);
		free(cmd);
		return (0);
	}
	if (strcmp(cmd, "node") == 0 || strcmp(cmd, "no") == 0) {
		free(cmd);
		if (*arg == '\0') {
			ui_message(ui, "usage: :node NAME");
			return (-1);
		}
		ui_open_node_key(ui, arg);
		return (0);
	}
	for (i = 0; i < nitems(views); i++) {
		/* A full name, or a prefix of two letters or more. */
		if (strcmp(cmd, views[i].name) == 0 ||
		    (len >= 2 && strncmp(views[i].name, cmd, len) == 0)) {
			ui_view_switch(ui, views[i].kind);
			free(cmd);
			return (0);
		}
	}
	for (i = 0; ui_palette_cmds[i] != NULL; i++) {
		d = util_levenshtein(cmd, ui_palette_cmds[i]);
		if (d < bestd) {
			bestd = d;
			best = ui_palette_cmds[i];
		}
	}
	if (best != NULL && bestd <= 2)
		snprintf(msg, sizeof msg, "unknown command ':%s' (did you mean "
		    "':%s'?)", cmd, best);
	else
		snprintf(msg, sizeof msg, "unknown command ':%s' (? for help)",
		    cmd);
	ui_message(ui, msg);
	free(cmd);
	return (-1);
}

/*
 * Every field a term names is a column of the view: an unknown one would
 * silently match nothing.  0, or -1 with *cause naming the fields.
 */
static int
ui_filter_fields_check(struct ui_view *v, char **cause)
{
	const struct ui_table	*t = &v->table;
	const char		*f;
	struct buf		 b = { 0 };
	size_t			 i, k;

	if (!v->is_table)
		return (0);
	for (i = 0; i < v->filter.nterms; i++) {
		if ((f = v->filter.terms[i].field) == NULL)
			continue;
		for (k = 0; k < t->ncols; k++) {
			if ((t->cols[k].field != NULL &&
			    strcasecmp(t->cols[k].field, f) == 0) ||
			    strcasecmp(t->cols[k].name, f) == 0)
				break;
		}
		if (k < t->ncols)
			continue;
		for (k = 0; k < t->ncols; k++) {
			if (t->cols[k].field == NULL)
				continue;
			buf_printf(&b, "%s%s", b.len > 0 ? " " : "",
			    t->cols[k].field);
		}
		*cause = xasprintf("no field '%s' here; fields: %s", f,
		    b.data != NULL ? b.data : "none");
		buf_free(&b);
		return (-1);
	}
	return (0);
}

void
ui_filter_apply(struct ui *ui, struct ui_view *v, const char *text)
{
	char	*cause = NULL;

	if (ui_filter_parse(&v->filter, text, &cause) != 0 ||
	    ui_filter_fields_check(v, &cause) != 0) {
		ui_filter_clear(&v->filter);
		v->built = false;
		free(ui->prompt.error);
		ui->prompt.error = cause;
		return;
	}
	v->built = false;
	v->table.top = 0;
}

/* --- operator actions ----------------------------------------------- */

/* The node the view is about: the selected row, or the detail's node. */
static const char *
ui_action_node(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r;

	if (v->ops->kind == UI_V_NODE)
		return (v->node_key);
	ui_view_sync(ui, v);
	if ((r = ui_table_selected(&v->table)) == NULL)
		return (NULL);
	return (((const struct fleet_node *)r->p)->key);
}

/* The stack of the selected row (the stack itself or one of its). */
static const char *
ui_action_stack(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r;
	size_t			 i;

	ui_view_sync(ui, v);
	if ((r = ui_table_selected(&v->table)) == NULL)
		return (NULL);
	for (i = 0; i < ui->fleet->nstacks; i++) {
		if (ui->fleet->stacks[i]->id == r->id >> 10)
			return (ui->fleet->stacks[i]->name);
	}
	return (NULL);
}

/* What an action of target kind t acts on in view v; NULL: nothing. */
static const char *
ui_action_target(struct ui *ui, struct ui_view *v, enum action_target t)
{
	switch (t) {
	case ACTION_TARGET_NONE:
		return ("");
	case ACTION_TARGET_NODE:
	case ACTION_TARGET_NODES:
		if (v->ops->kind != UI_V_NODE && v->ops->kind != UI_V_NODES)
			return (NULL);
		return (ui_action_node(ui, v));
	case ACTION_TARGET_STACK:
		if (v->ops->kind != UI_V_STACKS)
			return (NULL);
		return (ui_action_stack(ui, v));
	case ACTION_TARGET_HOST:
		if (v->ops->kind != UI_V_HOSTS)
			return (NULL);
		return (ui_hosts_selected(ui, v));
	}
	return (NULL);
}

/* An action's key: ask the glue to plan it on the view's target. */
static void
ui_action(struct ui *ui, struct ui_view *v, const struct action *a)
{
	const char	*target;

	if (ui->opts.readonly)
		return;
	if ((target = ui_action_target(ui, v, a->target)) == NULL) {
		ui_message(ui, "nothing selected");
		return;
	}
	if (a->ask != NULL) {
		/* Its option's value first: the prompt view asks. */
		ui->ask = a;
		free(ui->ask_target);
		ui->ask_target = xstrdup(target);
		ui_prompt_open(&ui->prompt, '#', a->ask_default);
		ui_view_push_modal(ui, &ui_view_prompt_ops, NULL);
		return;
	}
	free(ui->act_target);
	free(ui->act_arg);
	ui->act = a;
	ui->act_target = xstrdup(target);
	ui->act_arg = NULL;
	ui->reqs |= UI_REQ_ACTION;
}

/* The prompt asked for ui->ask's option: arg, or NULL when Esc. */
void
ui_ask_done(struct ui *ui, const char *arg)
{
	if (ui->ask == NULL)
		return;
	if (arg != NULL) {
		free(ui->act_target);
		free(ui->act_arg);
		ui->act = ui->ask;
		ui->act_target = ui->ask_target;
		ui->ask_target = NULL;
		ui->act_arg = xstrdup(arg);
		ui->reqs |= UI_REQ_ACTION;
	}
	ui->ask = NULL;
	free(ui->ask_target);
	ui->ask_target = NULL;
}

/* x in the jobs view. */
static void
ui_cancel_job(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r;

	if (ui->opts.readonly)
		return;
	ui_view_sync(ui, v);
	if ((r = ui_table_selected(&v->table)) == NULL) {
		ui_message(ui, "no job selected");
		return;
	}
	/* A part's row (view-jobs.c) cancels its job. */
	ui->cancel_job = r->id & UI_JOBS_ID_MASK;
	ui->reqs |= UI_REQ_CANCEL_JOB;
}

bool
ui_take_action(struct ui *ui, const struct action **a, char **target,
    char **arg)
{
	if (ui->act == NULL)
		return (false);
	*a = ui->act;
	*target = ui->act_target;
	*arg = ui->act_arg;
	ui->act = NULL;
	ui->act_target = NULL;
	ui->act_arg = NULL;
	return (true);
}

void
ui_confirm(struct ui *ui, uint32_t token, const char *title,
    const char *text, const char *typed)
{
	struct ui_dialog	*d;

	d = xcalloc(1, sizeof *d);
	if (typed != NULL)
		ui_dialog_open_typed(d, title, text, typed);
	else
		ui_dialog_open(d, title, text);
	d->token = token;
	ui_dialog_push(ui, d);
}

void
ui_show_text(struct ui *ui, const char *title, const char *text)
{
	struct ui_dialog	*d;

	d = xcalloc(1, sizeof *d);
	ui_dialog_open(d, title, text);
	d->info = true;
	ui_dialog_push(ui, d);
}

void
ui_ask_quit(struct ui *ui, const char *title, const char *text)
{
	struct ui_dialog	*d;

	d = xcalloc(1, sizeof *d);
	ui_dialog_open(d, title, text);
	d->quit = true;
	ui_dialog_push(ui, d);
}

int
ui_take_quit(struct ui *ui)
{
	int	 r = ui->quit_answer;

	ui->quit_answer = UI_QUIT_STAY;
	return (r);
}

bool
ui_take_dialog(struct ui *ui, uint32_t *token)
{
	bool	 yes = ui->dialog_done && ui->dialog_yes;

	*token = ui->dialog_token;
	ui->dialog_done = false;
	ui->dialog_yes = false;
	return (yes);
}

/* v and V in the backups view. */
static void
ui_verify_backup(struct ui *ui, struct ui_view *v, bool restore)
{
	const struct ui_row	*r;

	if (restore && ui->opts.readonly)
		return;
	ui_view_sync(ui, v);
	if ((r = ui_table_selected(&v->table)) == NULL || r->id == 0 ||
	    r->id > ui->nbackups) {
		ui_message(ui, "no backup selected");
		return;
	}
	free(ui->verify_id);
	ui->verify_id = xstrdup(ui->backups[r->id - 1].id);
	ui->verify_restore = restore;
	ui->reqs |= UI_REQ_VERIFY;
}

bool
ui_take_verify(struct ui *ui, char **id, bool *restore)
{
	if (ui->verify_id == NULL)
		return (false);
	*id = ui->verify_id;
	*restore = ui->verify_restore;
	ui->verify_id = NULL;
	return (true);
}

uint32_t
ui_take_cancel_job(struct ui *ui)
{
	uint32_t	 id = ui->cancel_job;

	ui->cancel_job = 0;
	return (id);
}

static void
ui_exec(struct ui *ui, enum ui_cmd cmd)
{
	struct ui_view		*v = ui_view_top(ui);
	struct ui_table		*t = &v->table;
	int			 page;

	switch (cmd) {
	case UI_CMD_NONE:
		break;
	case UI_CMD_QUIT:
		ui->reqs |= UI_REQ_QUIT;
		break;
	case UI_CMD_HELP:
		if (v->ops->kind != UI_V_HELP)
			ui_view_push(ui, UI_V_HELP, 0);
		break;
	case UI_CMD_PALETTE:
		ui_open_prompt(ui, ':');
		break;
	case UI_CMD_FILTER:
		ui_open_prompt(ui, '/');
		break;
	case UI_CMD_BACK:
		if (v->is_table && !ui_filter_empty(&v->filter)) {
			ui_filter_apply(ui, v, "");
			break;
		}
		ui_view_pop(ui);
		break;
	case UI_CMD_ENTER:
		ui_view_sync(ui, v);
		if (v->ops->enter != NULL && ui_table_selected(t) != NULL)
			v->ops->enter(ui, v);
		break;
	case UI_CMD_UP:
	case UI_CMD_DOWN:
	case UI_CMD_PGUP:
	case UI_CMD_PGDN:
	case UI_CMD_HOME:
	case UI_CMD_END:
		page = v->is_table ? (t->page > 1 ? t->page - 1 : 1) :
		    (ui->rows > 8 ? ui->rows - 8 : 1);
		if (v->is_table) {
			ui_view_sync(ui, v);
			ui_table_move(t, cmd == UI_CMD_UP ? -1 :
			    cmd == UI_CMD_DOWN ? 1 : cmd == UI_CMD_PGUP ?
			    -page : cmd == UI_CMD_PGDN ? page :
			    cmd == UI_CMD_HOME ? INT_MIN : INT_MAX);
		} else {
			page = v->page > 1 ? v->page - 1 : 1;
			v->scroll += cmd == UI_CMD_UP ? -1 :
			    cmd == UI_CMD_DOWN ? 1 : cmd == UI_CMD_PGUP ?
			    -page : cmd == UI_CMD_PGDN ? page :
			    cmd == UI_CMD_HOME ? -v->scroll : v->lines;
			/* Stop when the last line is at the bottom. */
			if (v->scroll > v->lines - v->page)
				v->scroll = v->lines - v->page;
			if (v->scroll < 0)
				v->scroll = 0;
		}
		break;
	case UI_CMD_SORT_NEXT:
	case UI_CMD_SORT_PREV:
		ui_table_sort_step(t, cmd == UI_CMD_SORT_NEXT ? 1 : -1);
		v->built = false;
		break;
	case UI_CMD_SORT_INVERT:
		t->reverse = !t->reverse;
		v->built = false;
		break;
	case UI_CMD_SORT_DEFAULT:
		t->sort = UI_SORT_DEFAULT;
		t->reverse = false;
		v->built = false;
		break;
	case UI_CMD_COL_LEFT:
		if (t->hscroll > 0)
			t->hscroll--;
		break;
	case UI_CMD_COL_RIGHT:
		if (t->ncols > 0 && t->hscroll + 2 < t->ncols &&
		    ui_table_hidden(t, ui->cols))
			t->hscroll++;
		break;
	case UI_CMD_FASTER:
		ui_refresh_step(ui, -1);
		break;
	case UI_CMD_SLOWER:
		ui_refresh_step(ui, 1);
		break;
	case UI_CMD_REFRESH:
		ui->reqs |= UI_REQ_REFRESH_NOW;
		if (v->ops->kind == UI_V_AUDIT) {
			ui_audit_request(ui);
			ui_message(ui, "reading the audit trail again");
		} else if (v->ops->kind == UI_V_BACKUPS) {
			ui_backups_request(ui);
			ui_message(ui, "reading the backups again");
		} else
			ui_message(ui, "refreshing every source now");
		break;
	case UI_CMD_REDRAW:
		clearok(curscr, TRUE);
		break;
	case UI_CMD_VIEW_NODES:
	case UI_CMD_VIEW_MEETINGS:
	case UI_CMD_VIEW_PROBLEMS:
	case UI_CMD_VIEW_STACKS:
	case UI_CMD_VIEW_HOSTS:
	case UI_CMD_VIEW_JOBS:
	case UI_CMD_VIEW_SERVICES:
		ui_view_switch(ui, ui_cmd_view(cmd));
		break;
	case UI_CMD_ACTION:		/* ui_key(): the row has it */
		break;
	case UI_CMD_CANCEL_JOB:
		ui_cancel_job(ui, v);
		break;
	case UI_CMD_VERIFY_BACKUP:
	case UI_CMD_RESTORE_TEST:
		ui_verify_backup(ui, v, cmd == UI_CMD_RESTORE_TEST);
		break;
	}
	ui->dirty = true;
}

static void
ui_mouse(struct ui *ui)
{
	MEVENT		 ev;
	struct ui_view	*v = ui_view_top(ui);
	long		 row;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		ui_exec(ui, UI_CMD_UP);
	else if (ev.bstate & BUTTON5_PRESSED)
		ui_exec(ui, UI_CMD_DOWN);
	else if ((ev.bstate & BUTTON1_CLICKED) && v->is_table) {
		/* Body rows start at line 4 (header, totals, title, names). */
		row = (long)v->table.top + ev.y - 4;
		if (ev.y >= 4 && row >= 0 && (size_t)row < v->table.nrows) {
			ui_table_move(&v->table, (int)(row -
			    (long)v->table.sel));
			ui->dirty = true;
		}
	}
}

int
ui_key(struct ui *ui, int key)
{
	const struct ui_key_def	*d;
	struct ui_view		*v = ui_view_top(ui), *top;
	char			 name[32], msg[96];
	int			 r;

	if (key == UI_KEY_FN(KEY_RESIZE)) {
		ui_resize(ui);
		goto out;
	}
	if (key == UI_KEY_FN(KEY_MOUSE)) {
		ui_mouse(ui);
		goto out;
	}
	/* An escape sequence curses does not know: no key at all. */
	if (key == UI_KEY_UNKNOWN)
		goto out;
	ui->dirty = true;
	/* The view on top first: a modal one (dialog, prompt) takes all. */
	top = ui->stack[ui->depth - 1];
	if (top->ops->key != NULL && top->ops->key(ui, top, key))
		goto out;
	d = ui_keys_lookup(key, v->ops->kind, ui->opts.readonly);
	if (d == NULL) {
		snprintf(msg, sizeof msg, "%s: no such key here (? for help)",
		    ui_key_name(key, name, sizeof name));
		ui_message(ui, msg);
		goto out;
	}
	if (ui->message != NULL) {
		free(ui->message);
		ui->message = NULL;
	}
	if (d->cmd == UI_CMD_ACTION)
		ui_action(ui, v, d->action);
	else
		ui_exec(ui, d->cmd);

out:
	r = ui->reqs;
	ui->reqs = 0;
	return (r);
}

int
ui_input(struct ui *ui)
{
	int	 key, reqs = 0, n = 0;

	while ((key = ui_term_key(ui->term)) != UI_KEY_NONE) {
		n++;
		reqs |= ui_key(ui, key);
		if (reqs & UI_REQ_QUIT)
			break;
	}
	if (ui_term_hangup(ui->term, n))
		reqs |= UI_REQ_HANGUP;
	return (reqs);
}

/* --- drawing ------------------------------------------------------------- */

static const char *
ui_src_short(enum fleet_src s, int level)
{
	static const char *names[FLEET_SRC_COUNT][2] = {
		{ "consul", "c" }, { "prom", "p" }, { "scalelite", "s" },
		{ "rancher", "r" }, { "os", "o" }
	};

	if (level == 0)
		return (s == FLEET_SRC_SCALELITE ? "scalelite" : names[s][0]);
	if (level == 1)
		return (s == FLEET_SRC_SCALELITE ? "sl" : names[s][0]);
	return (names[s][1]);
}

/* A source's mark, role and age text. */
static void
ui_src_state(struct ui *ui, enum fleet_src s, const char **mark,
    enum ui_role *role, char *age, size_t agelen)
{
	const struct fleet_source	*src = &ui->fleet->sources[s];
	bool				 u = ui->utf8;

	*mark = "?";
	*role = UI_R_DIM;
	age[0] = '\0';
	if (src->last_ok > 0)
		util_fmt_age(ui->now - src->last_ok, age, agelen);
	switch (src->state) {
	case FLEET_SRC_OFF:
		*mark = "-";
		*role = UI_R_DIM;
		snprintf(age, agelen, "off");
		break;
	case FLEET_SRC_PENDING:
		*mark = u ? "\xe2\x97\x8c" : "?";	/* ◌ */
		*role = UI_R_DIM;
		snprintf(age, agelen, "...");
		break;
	case FLEET_SRC_OK:
		if (ui_src_late(ui, s)) {
			*mark = u ? "\xe2\x97\x90" : "~";	/* ◐ */
			*role = UI_R_WARN;
		} else {
			*mark = u ? "\xe2\x97\x8f" : "*";	/* ● */
			*role = UI_R_OK;
		}
		break;
	case FLEET_SRC_STALE:
		*mark = u ? "\xe2\x97\x90" : "~";
		*role = UI_R_WARN;
		break;
	case FLEET_SRC_FAILED:
		*mark = u ? "\xe2\x9c\x96" : "x";	/* ✖ */
		*role = UI_R_CRIT;
		if (src->last_ok == 0)
			snprintf(age, agelen, "failed");
		break;
	}
}

/* A failing source's back-off: "retry 23s" (false when none). */
static bool
ui_src_retry(struct ui *ui, enum fleet_src s, char *buf, size_t len)
{
	const struct fleet_source	*src = &ui->fleet->sources[s];
	char				 in[16];

	if ((src->state != FLEET_SRC_FAILED && src->state != FLEET_SRC_STALE)
	    || src->next_try == 0)
		return (false);
	util_fmt_age(src->next_try > ui->now ? src->next_try - ui->now : 0,
	    in, sizeof in);
	snprintf(buf, len, "retry %s", in);
	return (true);
}

static int
ui_draw_sources(struct ui *ui, int x, int maxw, int level, bool draw)
{
	const char	*mark, *name;
	enum ui_role	 role;
	char		 age[24], seg[64], retry[32];
	int		 s, w = 0, sw, nw;

	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (ui->fleet->sources[s].state == FLEET_SRC_OFF && level > 0)
			continue;
		ui_src_state(ui, s, &mark, &role, age, sizeof age);
		if (level == 0 && ui->hdr_retry &&
		    ui_src_retry(ui, s, retry, sizeof retry))
			snprintf(seg, sizeof seg, "%s %s %s %s",
			    ui_src_short(s, 0), mark, age, retry);
		else if (level == 0)
			snprintf(seg, sizeof seg, "%s %s %s",
			    ui_src_short(s, 0), mark, age);
		else if (level == 1)
			snprintf(seg, sizeof seg, "%s%s%s", ui_src_short(s, 1),
			    mark, age);
		else
			snprintf(seg, sizeof seg, "%s%s", ui_src_short(s, 2),
			    mark);
		sw = ui_text_width(seg);
		if (draw && w < maxw) {
			/* The name plain, the mark and age in the role. */
			name = ui_src_short(s, level);
			nw = ui_text_width(name) + (level == 0 ? 1 : 0);
			ui_put(stdscr, 0, x + w, maxw - w, A_NORMAL, name);
			if (level == 0 && ui->hdr_retry &&
			    ui_src_retry(ui, s, retry, sizeof retry))
				snprintf(seg, sizeof seg, "%s %s %s", mark,
				    age, retry);
			else
				snprintf(seg, sizeof seg, level == 0 ?
				    "%s %s" : "%s%s", mark, level == 2 ? "" :
				    age);
			ui_put(stdscr, 0, x + w + nw, maxw - w - nw,
			    ui_colour_attr(role), seg);
		}
		w += sw + (level == 0 ? 2 : 1);
	}
	return (w);
}

static void
ui_draw_header(struct ui *ui)
{
	char		 left[96], right[48], clock[16];
	struct tm	 tm;
	time_t		 t = (time_t)(ui->now / 1000);
	int		 lw, rw, level, avail;

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(left, sizeof left, " bbbctl %s ",
	    ui->fleet->cluster == NULL ? "" : ui->fleet->cluster);
	snprintf(right, sizeof right, "%s%s ", ui->opts.readonly ? "RO " :
	    "", clock);
	lw = ui_text_width(left);
	if (lw > ui->cols / 3) {
		ui_text_fit(left, sizeof left, left, ui->cols / 3,
		    UI_ALIGN_LEFT, false, !ui->utf8);
		lw = ui_text_width(left);
	}
	rw = ui_text_width(right);
	ui_put(stdscr, 0, 0, lw, ui_colour_attr(UI_R_HEADER), left);
	avail = ui->cols - lw - rw - 1;
	/* The back-off ("retry 23s") only where it fits as it is. */
	ui->hdr_retry = true;
	if (ui_draw_sources(ui, 0, avail, 0, false) <= avail + 1)
		level = 0;
	else {
		ui->hdr_retry = false;
		for (level = 0; level < 3; level++) {
			if (ui_draw_sources(ui, 0, avail, level, false) <=
			    avail + 1)
				break;
		}
	}
	ui_draw_sources(ui, lw + 1, avail, level > 2 ? 2 : level, true);
	if (ui->opts.readonly) {
		ui_put(stdscr, 0, ui->cols - rw, 3,
		    ui_colour_attr(UI_R_WARN), "RO");
		ui_put(stdscr, 0, ui->cols - rw + 3, rw - 3, A_NORMAL,
		    clock);
	} else
		ui_put(stdscr, 0, ui->cols - rw, rw, A_NORMAL, clock);
}

/*
 * How much to trust a totals figure from src: "" when fresh; "?" when
 * it never answered; " STALE 5m" when it is failing or late.
 */
static int
ui_totals_mark(struct ui *ui, enum fleet_src src, char *buf, size_t len)
{
	const struct fleet_source	*s = &ui->fleet->sources[src];
	const char			*cause;
	int64_t				 since;
	char				 age[16];

	buf[0] = '\0';
	if (s->state == FLEET_SRC_OFF || s->last_ok == 0)
		return (-1);
	if (!fleet_source_trouble(ui->fleet, src, ui->now, &since, &cause))
		return (0);
	snprintf(buf, len, " STALE %s", ui_fmt_age(ui, s->last_ok, age,
	    sizeof age));
	return (1);
}

#define UI_TOTALS_SPARK	24	/* the users graph: samples shown */

static void
ui_draw_totals(struct ui *ui)
{
	const struct fleet_totals	*t = &ui->fleet->totals;
	char				 line[320], spark[512];
	char				 nodes[128], meet[128], sl[32], pm[32];
	float				 v[FLEET_HIST_LEN];
	char				 range[48];
	double				 lo, hi;
	size_t				 n, k;
	int				 w, sw, slk, pmk, rw, x;
	enum fleet_src			 msrc;

	/* Node states are scalelite's; the meetings Prometheus' (or its). */
	slk = ui_totals_mark(ui, FLEET_SRC_SCALELITE, sl, sizeof sl);
	msrc = ui->fleet->sources[FLEET_SRC_PROMETHEUS].last_ok != 0 ?
	    FLEET_SRC_PROMETHEUS : FLEET_SRC_SCALELITE;
	pmk = ui_totals_mark(ui, msrc, pm, sizeof pm);
	if (!t->load_known)
		pmk = -1;	/* "?", not 0: no source knows them */
	if (slk < 0)
		snprintf(nodes, sizeof nodes, "(states unknown: no scalelite)");
	else
		snprintf(nodes, sizeof nodes, "(%d up, %d cordoned, %d "
		    "disabled, %d offline%s)", t->up, t->cordoned,
		    t->disabled, t->offline, sl);
	if (pmk < 0)
		snprintf(meet, sizeof meet, "MEETINGS ?  USERS ?  VIDEO ?");
	else
		snprintf(meet, sizeof meet, "MEETINGS %d  USERS %d  VIDEO %d%s",
		    t->meetings, t->participants, t->video, pm);
	snprintf(line, sizeof line, " NODES %d %s  %s ", t->nodes, nodes,
	    meet);
	w = ui_text_width(line);
	if (w > ui->cols) {
		/* Shorter words, every count kept. */
		if (slk >= 0)
			snprintf(nodes, sizeof nodes, "(%d up, %d cord, %d "
			    "dis, %d off%s)", t->up, t->cordoned, t->disabled,
			    t->offline, sl);
		else
			snprintf(nodes, sizeof nodes, "(states ?)");
		if (pmk >= 0)
			snprintf(meet, sizeof meet, "MEET %d  USERS %d  VID "
			    "%d%s", t->meetings, t->participants, t->video, pm);
		else
			snprintf(meet, sizeof meet, "MEET ?  USERS ?  VID ?");
		snprintf(line, sizeof line, " NODES %d %s  %s ", t->nodes,
		    nodes, meet);
		w = ui_text_width(line);
	}
	ui_put(stdscr, 1, 0, ui->cols, ui_colour_attr(UI_R_TITLE), line);
	/*
	 * The users graph: labelled, a fixed width at the right end (it
	 * does not grow nor move), scaled to the range it shows, which it
	 * prints after it.
	 */
	sw = UI_TOTALS_SPARK;
	n = ui_ring_tail(&t->hist_participants, v, (size_t)sw);
	lo = hi = NAN;
	for (k = 0; k < n; k++) {
		if (isnan(v[k]))
			continue;
		if (isnan(lo) || v[k] < lo)
			lo = v[k];
		if (isnan(hi) || v[k] > hi)
			hi = v[k];
	}
	if (isnan(lo))
		snprintf(range, sizeof range, " -");
	else
		snprintf(range, sizeof range, " %.0f-%.0f", lo, hi);
	rw = ui_text_width(range);
	while (sw >= 8 && w + 1 + 6 + sw + rw > ui->cols)
		sw -= 4;
	if (sw >= 8 && w + 1 + 6 + sw + rw <= ui->cols) {
		if (n > (size_t)sw) {
			memmove(v, v + (n - (size_t)sw), (size_t)sw *
			    sizeof *v);
			n = (size_t)sw;
		}
		x = ui->cols - (6 + sw + rw);
		ui_put(stdscr, 1, x, 6, ui_colour_attr(UI_R_TITLE), "users ");
		/* Its own range; a flat line sits in the middle. */
		ui_spark(spark, sizeof spark, v, n, sw, isnan(lo) ? 0 :
		    lo == hi ? lo - 1 : lo, isnan(hi) ? 1 : lo == hi ?
		    hi + 1 : hi, !ui->utf8);
		ui_put(stdscr, 1, x + 6, sw, ui_colour_attr(UI_R_GRAPH), spark);
		ui_put(stdscr, 1, x + 6 + sw, rw, ui_colour_attr(UI_R_TITLE),
		    range);
	}
}

static void
ui_draw_title(struct ui *ui, struct ui_view *v)
{
	struct buf	 b;
	size_t		 i;
	int		 widths[32], vis;
	char		 sort[64];

	memset(&b, 0, sizeof b);
	buf_adds(&b, " ");
	for (i = 0; i < ui->depth; i++) {
		if (i > 0)
			buf_adds(&b, ui->utf8 ? " \xe2\x80\xba " : " > ");
		buf_adds(&b, ui->stack[i]->ops->name);
		if (i + 1 == ui->depth && v->ops->title != NULL) {
			buf_addc(&b, ' ');
			v->ops->title(ui, v, &b);
		}
	}
	if (v->is_table) {
		buf_printf(&b, "  [%zu/%zu]", v->table.nrows, v->table.nall);
		if (v->table.sort == UI_SORT_DEFAULT)
			snprintf(sort, sizeof sort, "%s",
			    v->table.worst != NULL ? "worst first" :
			    "default");
		else
			snprintf(sort, sizeof sort, "%s%s",
			    v->table.cols[v->table.sort].name,
			    v->table.reverse ? " (inverted)" : "");
		buf_printf(&b, "  sort: %s", sort);
		if (!ui_filter_empty(&v->filter))
			buf_printf(&b, "  filter: %s", v->filter.text);
		if (v->table.ncols <= nitems(widths)) {
			vis = ui_table_layout(&v->table, ui->cols, widths);
			if ((size_t)vis < v->table.ncols)
				buf_printf(&b, "  +%zu cols hidden "
				    "(Left/Right)",
				    v->table.ncols - (size_t)vis);
		}
	}
	if (v->ops->title_tail != NULL)
		v->ops->title_tail(ui, v, &b);
	buf_printf(&b, "  refresh %.1fs", ui->opts.refresh_ms / 1000.0);
	ui_put(stdscr, 2, 0, ui->cols, ui_colour_attr(UI_R_TITLE), b.data);
	buf_free(&b);
}

static void
ui_draw_problems(struct ui *ui, int y)
{
	const struct fleet	*f = ui->fleet;
	const struct fleet_problem *p;
	char			 seg[320], age[16];
	int			 x, w;
	size_t			 i, nnew = 0;

	if (f->nproblems == 0) {
		ui_put(stdscr, y, 0, ui->cols, ui_colour_attr(UI_R_OK),
		    " no problems");
		return;
	}
	for (i = 0; i < f->nproblems; i++) {
		if (f->problems[i]->id > ui->prob_seen)
			nnew++;
	}
	if (nnew > 0)
		snprintf(seg, sizeof seg, " PROBLEMS %zu (%zu NEW) ",
		    f->nproblems, nnew);
	else
		snprintf(seg, sizeof seg, " PROBLEMS %zu ", f->nproblems);
	ui_put(stdscr, y, 0, ui->cols, ui_colour_attr(ui_sev_role(
	    f->problems[0]->severity)) | A_REVERSE, seg);
	x = ui_text_width(seg) + 1;
	for (i = 0; i < f->nproblems && x < ui->cols - 4; i++) {
		p = f->problems[i];
		snprintf(seg, sizeof seg, "%s%s%s (seen %s)",
		    p->node_key != NULL ? p->node_key : "",
		    p->node_key != NULL ? " " : "", ui_problem_text(p),
		    ui_fmt_age(ui, p->since, age, sizeof age));
		w = ui_text_width(seg);
		ui_put(stdscr, y, x, ui->cols - x,
		    ui_colour_attr(ui_sev_role(p->severity)), seg);
		x += w + 3;
	}
}

/*
 * Which footer hints go first when not all fit: ? (it leads to the
 * rest), the actions, the palette, quit, the filter, then the others.
 */
#define UI_FOOTER_PRIO_MAX	6
static int
ui_footer_prio(const struct ui_key_def *d)
{
	if (d->key == '?')
		return (0);
	if (d->flags & UI_KEY_F_MUTATING)
		return (1);
	switch (d->key) {
	case ':':
		return (2);
	case 'q':
		return (3);
	case '/':
		return (4);
	case UI_KEY_ESC:
		return (5);
	}
	return (UI_FOOTER_PRIO_MAX);
}

static void
ui_draw_footer(struct ui *ui, struct ui_view *v, int y)
{
	char			 name[32];
	const char		*label;
	const struct ui_key_def	*d;
	size_t			 i, idx[64], n, k;
	bool			 shown[64], more = false;
	int			 x, w, p, total;

	if (ui->message != NULL && ui->now - ui->message_at < UI_MESSAGE_MS) {
		ui_put(stdscr, y, 0, ui->cols, ui_colour_attr(UI_R_PROMPT),
		    ui->message);
		return;
	}
	/*
	 * Hints from the key table: the key in its role, then its name.
	 * What fits, by priority (ui_footer_prio); ? says "more" when some
	 * did not fit: the help lists them all.
	 */
	n = 0;
	for (i = 0; i < ui_key_table_len && n < nitems(idx); i++) {
		d = &ui_key_table[i];
		if ((d->flags & UI_KEY_F_HINT) == 0 ||
		    (d->views & UI_VB(v->ops->kind)) == 0)
			continue;
		if (ui->opts.readonly && (d->flags & UI_KEY_F_MUTATING))
			continue;
		idx[n] = i;
		shown[n++] = false;
	}
	total = 0;
	for (p = 0; p <= UI_FOOTER_PRIO_MAX; p++) {
		for (k = 0; k < n; k++) {
			d = &ui_key_table[idx[k]];
			if (ui_footer_prio(d) != p)
				continue;
			ui_key_name(d->key, name, sizeof name);
			w = ui_text_width(name) + ui_text_width(d->name) + 3;
			if (total + w > ui->cols + 2 - (p == 0 ? 0 : 3)) {
				more = true;
				continue;
			}
			total += w;
			shown[k] = true;
		}
	}
	x = 0;
	for (k = 0; k < n && x < ui->cols; k++) {
		if (!shown[k])
			continue;
		d = &ui_key_table[idx[k]];
		ui_key_name(d->key, name, sizeof name);
		label = d->key == '?' && more ? "more" : d->name;
		ui_put(stdscr, y, x, ui->cols - x, ui_colour_attr(UI_R_KEY),
		    name);
		x += ui_text_width(name) + 1;
		ui_put(stdscr, y, x, ui->cols - x,
		    ui_colour_attr(UI_R_FOOTER), label);
		x += ui_text_width(label) + 2;
	}
}

static void
ui_draw_too_small(struct ui *ui)
{
	char	 line[96];
	int	 y = ui->rows / 2;

	snprintf(line, sizeof line, "terminal too small: need %dx%d",
	    UI_MIN_COLS, UI_MIN_ROWS);
	ui_put(stdscr, y > 0 ? y - 1 : 0, 0, ui->cols,
	    ui_colour_attr(UI_R_CRIT), line);
	snprintf(line, sizeof line, "now %dx%d; q quits", ui->cols,
	    ui->rows);
	if (ui->rows > 1)
		ui_put(stdscr, y, 0, ui->cols, A_NORMAL, line);
}

static void
ui_draw_body(struct ui *ui, struct ui_view *v, int y, int h)
{
	char	 msg[256];

	if (!v->is_table) {
		v->page = h;
		v->ops->draw(ui, v, y, h);
		return;
	}
	ui_view_sync(ui, v);
	ui_table_draw(ui, &v->table, stdscr, y, 0, ui->cols, h);
	if (v->table.nrows > 0 || h < 2)
		return;
	if (!ui_filter_empty(&v->filter))
		snprintf(msg, sizeof msg, "  nothing matches the filter '%s' "
		    "(Esc clears it)", v->filter.text);
	else if (v->ops->empty_text != NULL)
		snprintf(msg, sizeof msg, "  %s", v->ops->empty_text(ui, v));
	else
		snprintf(msg, sizeof msg, "  %s", v->ops->empty != NULL ?
		    v->ops->empty : "nothing to show");
	ui_put(stdscr, y + 1, 0, ui->cols, ui_colour_attr(UI_R_DIM), msg);
}

/*
 * The problems the operator has seen: those there when the problems view
 * was last on top; the bar counts the others as NEW.  A critical newer
 * than the last one rung for rings the bell ([ui] bell).
 */
static void
ui_problems_note(struct ui *ui, struct ui_view *v)
{
	const struct fleet	*f = ui->fleet;
	const struct fleet_problem *p;
	uint32_t		 top = 0, crit = ui->prob_rung;
	size_t			 i;

	for (i = 0; i < f->nproblems; i++) {
		p = f->problems[i];
		if (p->id > top)
			top = p->id;
		if (p->severity == FLEET_SEV_CRITICAL && p->id > crit)
			crit = p->id;
	}
	if (v->ops->kind == UI_V_PROBLEMS && top > ui->prob_seen)
		ui->prob_seen = top;
	if (crit > ui->prob_rung) {
		ui->prob_rung = crit;
		if (ui->opts.bell) {
			ui->bells++;
			beep();
		}
	}
}

static void
ui_frame(struct ui *ui)
{
	struct ui_view	*v = ui_view_top(ui);

	ui_term_select(ui->term);
	erase();
	if (ui->cols < UI_MIN_COLS || ui->rows < UI_MIN_ROWS) {
		ui_draw_too_small(ui);
		goto out;
	}
	ui_problems_note(ui, v);
	ui_draw_header(ui);
	ui_draw_totals(ui);
	ui_draw_body(ui, v, 3, ui->rows - 5);
	ui_draw_title(ui, v);
	ui_draw_problems(ui, ui->rows - 2);
	ui_draw_footer(ui, v, ui->rows - 1);
	ui_view_overlays(ui);
out:
	wnoutrefresh(stdscr);
	doupdate();
	ui->frames++;
	ui->full_frames++;
}

/*
 * The clock's tick: only the lines that change with time alone (the
 * header's clock and source ages, the problem bar's ages, the footer's
 * message expiring).  Curses sends only what differs.
 */
static void
ui_frame_tick(struct ui *ui)
{
	struct ui_view	*v = ui_view_top(ui);
	int		 y;
	int		 lines[] = { 0, ui->rows - 2, ui->rows - 1 };
	size_t		 i;

	ui_term_select(ui->term);
	for (i = 0; i < nitems(lines); i++) {
		y = lines[i];
		wmove(stdscr, y, 0);
		wclrtoeol(stdscr);
	}
	ui_draw_header(ui);
	ui_draw_problems(ui, ui->rows - 2);
	ui_draw_footer(ui, v, ui->rows - 1);
	wnoutrefresh(stdscr);
	doupdate();
	ui->frames++;
}

/* Which sources ui_src_late() calls late now: body cells depend on it. */
static uint64_t
ui_late_mask(struct ui *ui)
{
	uint64_t	 m = 0;
	int		 s;

	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (ui_src_late(ui, s))
			m |= (uint64_t)1 << s;
	}
	return (m);
}

/* The top of the view stack, to notice a push, pop or switch. */
static uint32_t
ui_top_id(struct ui *ui)
{
	return ((uint32_t)ui->depth << 16 | ui_view_top(ui)->ops->kind);
}

/*
 * Whether the body of the top view may be left as drawn when only time
 * passed: its cells show no ages (meetings, hosts, problems, jobs and the
 * node detail show ages, so they get full frames every second).
 */
static bool
ui_body_timeless(struct ui *ui)
{
	switch (ui_view_top(ui)->ops->kind) {
	case UI_V_NODES:
	case UI_V_STACKS:
	case UI_V_HELP:
		return (true);
	default:
		return (false);
	}
}

bool
ui_draw(struct ui *ui)
{
	int64_t	 now = ui_now(ui);
	bool	 expired;

	expired = ui->message != NULL && now - ui->message_at >= UI_MESSAGE_MS;
	if (!ui->dirty && ui->drawn_once &&
	    ui->drawn_version == ui->fleet->version &&
	    ui->drawn_second == now / 1000 && !expired)
		return (false);
	if (expired) {
		free(ui->message);
		ui->message = NULL;
	}
	ui->now = now;
	if (!ui->dirty && ui->drawn_once &&
	    ui->drawn_version == ui->fleet->version &&
	    ui->drawn_late == ui_late_mask(ui) &&
	    ui->drawn_top == ui_top_id(ui) && ui_body_timeless(ui) &&
	    ui_view_modal(ui) == NULL && ui->cols >= UI_MIN_COLS &&
	    ui->rows >= UI_MIN_ROWS)
		ui_frame_tick(ui);
	else {
		ui_frame(ui);
		ui->drawn_late = ui_late_mask(ui);
		ui->drawn_top = ui_top_id(ui);
	}
	ui->dirty = false;
	ui->drawn_once = true;
	ui->drawn_version = ui->fleet->version;
	ui->drawn_second = now / 1000;
	return (true);
}

void
ui_redraw(struct ui *ui)
{
	ui->dirty = true;
	ui_draw(ui);
}

char *
ui_dump(struct ui *ui)
{
	struct buf	 b;
	char		 line[2048];
	int		 y, n;

	memset(&b, 0, sizeof b);
	ui_term_select(ui->term);
	for (y = 0; y < LINES; y++) {
		/* mvwinnstr returns the characters as the locale's text. */
		n = mvwinnstr(stdscr, y, 0, line, (int)sizeof line - 1);
		if (n < 0)
			n = 0;
		line[n] = '\0';
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		buf_adds(&b, line);
		buf_addc(&b, '\n');
	}
	return (buf_steal(&b));
}
