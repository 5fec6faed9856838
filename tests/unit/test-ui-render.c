/*
 * test-ui-render.c: the dashboard drawn headless (curses into memory,
 * tig's way) on a generated fleet, driven by keys, checked on the text
 * of the screen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <curses.h>

#include "fleet.h"
#include "util.h"
#include "ui/ui.h"
#include "ui/ui-int.h"
#include "ui-gen.h"

#define NOW	1767225600000LL		/* 2026-01-01 00:00:00 UTC */

static int64_t	 test_now = NOW;

static int64_t
test_clock(void)
{
	return (test_now);
}

struct env {
	struct fleet	*f;
	struct ui	*ui;
};

static struct env *
env_new(int cols, int rows, bool readonly)
{
	struct env	*e = xcalloc(1, sizeof *e);
	struct ui_opts	 o;
	char		*cause = NULL;

	setenv("TERM", "xterm-256color", 1);
	test_now = NOW;
	e->f = ui_gen_fleet(12, 7, NOW);
	memset(&o, 0, sizeof o);
	o.color = true;
	o.readonly = readonly;
	o.refresh_ms = 2000;
	o.headless_cols = cols;
	o.headless_rows = rows;
	o.now = test_clock;
	e->ui = ui_new(&o, e->f, &cause);
	assert_non_null(e->ui);
	return (e);
}

static void
env_free(struct env *e)
{
	ui_free(e->ui);
	fleet_free(e->f);
	free(e);
}

static char *
screen(struct env *e)
{
	char	*s;

	ui_draw(e->ui);
	s = ui_dump(e->ui);
	if (getenv("UI_TEST_SHOW") != NULL)
		fprintf(stderr, "----\n%s", s);
	return (s);
}

static void
keys(struct env *e, const char *s)
{
	for (; *s != '\0'; s++)
		ui_key(e->ui, (unsigned char)*s);
}

/* The line index of the first line containing s, -1 if none. */
static int
line_of(const char *scr, const char *s)
{
	const char	*p = strstr(scr, s), *q;
	int		 n = 0;

	if (p == NULL)
		return (-1);
	for (q = scr; q < p; q++)
		if (*q == '\n')
			n++;
	return (n);
}

static void
test_all_nodes(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s = screen(e);
	size_t		 i;

	for (i = 0; i < 12; i++)
		assert_true(line_of(s, ui_gen_name(12, i)) > 0);
	assert_non_null(strstr(s, "NODE"));
	assert_non_null(strstr(s, "HEALTH"));
	assert_non_null(strstr(s, "NODES 12"));
	assert_non_null(strstr(s, ":00:00"));	/* the clock, any zone */
	free(s);
	env_free(e);
}

static void
test_worst_first(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s = screen(e);
	int		 off = line_of(s, "bbb-03"), ok = line_of(s, "bbb-01");

	/* bbb-03 is offline in scalelite: above the healthy bbb-01. */
	assert_true(off > 0 && ok > 0);
	assert_true(off < ok);
	assert_non_null(strstr(s, "OFFLINE"));
	assert_non_null(strstr(s, "sort: worst first"));
	/* health in consul's words, as status and --json (issue 16) */
	assert_non_null(strstr(s, " passing "));
	free(s);
	env_free(e);
}

static void
test_sort_keys(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;

	keys(e, ">");		/* NODE */
	s = screen(e);
	assert_non_null(strstr(s, "sort: NODE"));
	assert_true(line_of(s, "bbb-01") < line_of(s, "bbb-02"));
	assert_true(line_of(s, "bbb-02") < line_of(s, "bbb-03"));
	free(s);
	keys(e, "I");
	s = screen(e);
	assert_true(line_of(s, "bbb-12") < line_of(s, "bbb-01"));
	free(s);
	keys(e, "w");
	s = screen(e);
	assert_non_null(strstr(s, "sort: worst first"));
	free(s);
	env_free(e);
}

static void
test_filter_keys(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;

	keys(e, "/state:cordoned\r");
	s = screen(e);
	assert_true(line_of(s, "bbb-05") > 0);
	assert_int_equal(line_of(s, "bbb-01 "), -1);
	assert_non_null(strstr(s, "[1/12]"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);	/* clears the filter */
	s = screen(e);
	assert_non_null(strstr(s, "[12/12]"));
	free(s);
	keys(e, "/problems:>0\r");
	s = screen(e);
	assert_true(line_of(s, "bbb-03") > 0);
	assert_int_equal(line_of(s, "bbb-11"), -1);
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	keys(e, "/re:bbb-1[01]\r");
	s = screen(e);
	assert_non_null(strstr(s, "[2/12]"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	keys(e, "/re:(\r");	/* a bad regex keeps the prompt, says why */
	s = screen(e);
	assert_non_null(strstr(s, "bad regex"));
	free(s);
	env_free(e);

	/* An unknown field is said, not silently matching nothing. */
	e = env_new(120, 24, false);
	keys(e, "/bogus:1\r");
	s = screen(e);
	assert_non_null(strstr(s, "no field 'bogus' here; fields: "));
	assert_null(strstr(s, "[0/12]"));
	free(s);
	env_free(e);
	/* every field the help names is one */
	{
		static const char *const fields[] = { "node", "state",
		    "health", "cpu", "mem", "net", "meetings", "users",
		    "video", "load", "stack", "vm", "problems" };
		size_t	 i;
		char	 k[64];

		for (i = 0; i < nitems(fields); i++) {
			e = env_new(120, 24, false);
			snprintf(k, sizeof k, "/%s:x\r", fields[i]);
			keys(e, k);
			s = screen(e);
			if (strstr(s, "no field") != NULL)
				fail_msg("field %s unknown", fields[i]);
			free(s);
			env_free(e);
		}
	}
}

static void
test_drill_down(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;

	keys(e, ">");		/* by NODE: bbb-01 selected first */
	keys(e, "j\r");		/* bbb-02 */
	s = screen(e);
	assert_non_null(strstr(s, "node bbb-02"));
	assert_non_null(strstr(s, "Consul"));
	assert_non_null(strstr(s, "Scalelite"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	s = screen(e);
	assert_non_null(strstr(s, "sort: NODE"));
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 8: the detail of a node whose figures are unknown says
 * "?" and "unknown", never -1 or nan.
 */
static void
test_node_unknown(void **state)
{
	struct env		*e = env_new(120, 40, false);
	struct fleet_node	*n;
	char			*s;

	(void)state;
	n = (struct fleet_node *)fleet_node_by_key(e->f, "bbb-02");
	assert_non_null(n);
	n->meetings = n->participants = n->voice = n->video = -1;
	n->listeners = n->exporters_up = n->exporters_total = -1;
	n->api_up = -1;
	n->cpu = NAN;
	fleet_ring_push(&n->hist_cpu, NAN);
	fleet_ring_push(&n->hist_participants, NAN);
	e->f->version++;
	keys(e, ">");
	keys(e, "j\r");
	s = screen(e);
	assert_non_null(strstr(s, "node bbb-02"));
	assert_non_null(strstr(s, "meetings ?  users ?"));
	assert_non_null(strstr(s, "now unknown"));
	assert_null(strstr(s, " -1"));
	assert_null(strstr(s, "/-1"));
	assert_null(strstr(s, "nan"));
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 12: the problem bar counts the problems the operator has
 * not seen in the problems view, shows the newest critical first, and
 * rings the bell for a new critical when [ui] bell is on.
 */
static void
test_new_problems(void **state)
{
	struct env	*e = env_new(160, 30, false);
	char		*s, *bar;
	uint64_t	 bells;

	(void)state;
	e->ui->opts.bell = true;
	s = screen(e);
	assert_non_null(strstr(s, " NEW) "));
	free(s);
	bells = e->ui->bells;
	keys(e, "3");
	free(screen(e));
	keys(e, "1");
	s = screen(e);
	assert_null(strstr(s, " NEW) "));
	free(s);

	/* consul fails for good: a new critical */
	test_now = NOW + 10 * 60000;
	fleet_source_failed(e->f, FLEET_SRC_CONSUL, "connection refused",
	    NOW + 60000);
	fleet_source_failed(e->f, FLEET_SRC_CONSUL, "connection refused",
	    test_now);
	fleet_tick(e->f, test_now);
	s = screen(e);
	bar = strstr(s, " PROBLEMS ");
	assert_non_null(bar);
	/* counted as new, and first, before the older criticals */
	assert_non_null(strstr(bar, " NEW)  consul failed: "));
	assert_int_equal(e->ui->bells, bells + 1);
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 13: at 100 columns Enter on a problem, fleet-wide too,
 * opens its whole text, rule, sources, since and usual fix.
 */
static void
test_problem_open(void **state)
{
	struct env	*e = env_new(100, 30, false);
	char		*s;

	(void)state;
	test_now = NOW + 10 * 60000;
	fleet_source_failed(e->f, FLEET_SRC_CONSUL, "connection refused "
	    "by 10.0.0.1:8500 after a very long wait that does not fit in "
	    "any column at all", NOW + 60000);
	fleet_source_failed(e->f, FLEET_SRC_CONSUL, "connection refused "
	    "by 10.0.0.1:8500 after a very long wait that does not fit in "
	    "any column at all", test_now);
	fleet_tick(e->f, test_now);
	keys(e, "3");
	free(screen(e));
	keys(e, "g\r");
	s = screen(e);
	assert_null(strstr(s, "no node to open"));
	assert_non_null(strstr(s, "(fleet-wide)"));
	assert_non_null(strstr(s, "rule: source-failed"));
	assert_non_null(strstr(s, "sources: "));
	/* said to be this console's: a restart must not read as new */
	assert_non_null(strstr(s, "seen since: "));
	assert_non_null(strstr(s, "when this console first saw it"));
	assert_non_null(strstr(s, "usual fix: "));
	assert_non_null(strstr(s, "any column at all"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	s = screen(e);
	assert_null(strstr(s, "rule: source-failed"));
	assert_non_null(strstr(s, "problems"));
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 14: at 80 columns the footer shows the keys that fit by
 * priority (the actions before sort and open) and "? more" for the rest;
 * Left/Right scroll to the columns hidden for want of width.
 */
static void
test_narrow_reach(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s, *foot;
	int		 i;
	bool		 seen = false;

	(void)state;
	s = screen(e);
	foot = strrchr(s, '?');
	assert_non_null(foot);
	assert_non_null(strstr(foot, "? more"));
	assert_non_null(strstr(foot, "c cordon"));
	assert_non_null(strstr(foot, "d drain"));
	assert_non_null(strstr(s, "cols hidden (Left/Right)"));
	assert_null(strstr(s, "STACK"));
	free(s);
	for (i = 0; i < 12 && !seen; i++) {
		ui_key(e->ui, UI_KEY_FN(KEY_RIGHT));
		s = screen(e);
		seen = strstr(s, "STACK") != NULL;
		if (seen)	/* the node name stays */
			assert_true(line_of(s, "bbb-03") > 0);
		free(s);
	}
	assert_true(seen);
	for (i = 0; i < 12; i++)
		ui_key(e->ui, UI_KEY_FN(KEY_LEFT));
	s = screen(e);
	assert_null(strstr(s, "STACK"));
	assert_non_null(strstr(s, "HEALTH"));
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 15: bbb-09 runs at 95% CPU, inside the 5-minute hold:
 * its detail and the problems view show the problem as pending, with
 * when it fires, not "No problems" alone.
 */
static void
test_pending_shown(void **state)
{
	struct env	*e = env_new(120, 40, false);
	char		*s;

	(void)state;
	assert_true(e->f->npending > 0);
	keys(e, ":node bbb-09\r");
	s = screen(e);
	assert_non_null(strstr(s, "node bbb-09"));
	assert_non_null(strstr(s, "pending  "));
	assert_non_null(strstr(s, "if it holds"));
	free(s);
	keys(e, "3");
	s = screen(e);
	assert_non_null(strstr(s, "pending "));
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 16: the totals graph is labelled, has a fixed place and
 * width (it neither grows nor moves as samples come), and prints the
 * range it is scaled to.
 */
static void
test_totals_graph(void **state)
{
	struct env	*e = env_new(160, 24, false);
	char		*s, *l1, *p;
	size_t		 at, at2;

	(void)state;
	s = screen(e);
	l1 = strchr(s, '\n') + 1;
	*strchr(l1, '\n') = '\0';
	p = strstr(l1, "users ");
	assert_non_null(p);
	at = (size_t)(p - l1);
	/* the range printed at the end: "low-high" */
	p = strrchr(l1, ' ');
	assert_non_null(strchr(p, '-'));
	free(s);
	fleet_ring_push(&e->f->totals.hist_participants, 5000);
	e->f->version++;
	s = screen(e);
	l1 = strchr(s, '\n') + 1;
	*strchr(l1, '\n') = '\0';
	at2 = (size_t)(strstr(l1, "users ") - l1);
	assert_int_equal(at, at2);
	assert_non_null(strstr(l1, "-5000"));
	free(s);
	env_free(e);
}

/* Sorted by SEVERITY, critical comes first (issue 16, smaller items). */
static void
test_severity_sort(void **state)
{
	struct env	*e = env_new(120, 30, false);
	char		*s;
	int		 crit, pend;

	(void)state;
	keys(e, "3>");
	s = screen(e);
	assert_non_null(strstr(s, "sort: SEVERITY"));
	crit = line_of(s, "critical ");
	pend = line_of(s, "pending ");
	assert_true(crit > 0 && pend > 0);
	assert_true(crit < pend);
	assert_true(crit == line_of(s, " NODE  ") + 1);
	free(s);
	env_free(e);
}

/*
 * Until the operator moves it, the selection is on the worst node, also
 * when a node turns worst after the first frame (issue 16, smaller
 * items: it stayed on the first node of the first frame).
 */
static void
test_first_selection_worst(void **state)
{
	struct env		*e = env_new(120, 30, false);
	struct fleet_node	*n;
	struct ui_view		*v;
	const struct ui_row	*r;

	(void)state;
	free(screen(e));
	n = (struct fleet_node *)fleet_node_by_key(e->f, "bbb-12");
	n->health = FLEET_HEALTH_CRITICAL;
	n->online = 0;
	n->nproblems = 3;
	n->worst = FLEET_SEV_CRITICAL;
	e->f->version++;
	free(screen(e));
	v = ui_view_top(e->ui);
	r = ui_table_selected(&v->table);
	assert_non_null(r);
	assert_string_equal(((const struct fleet_node *)r->p)->key, "bbb-12");
	env_free(e);
}

/* --ascii: the dialog's borders are ASCII too (issue 16, smaller items). */
static void
test_ascii_dialog(void **state)
{
	struct env	*e = xcalloc(1, sizeof *e);
	struct ui_opts	 o;
	char		*cause = NULL, *s;

	(void)state;
	setenv("TERM", "xterm-256color", 1);
	test_now = NOW;
	e->f = ui_gen_fleet(12, 7, NOW);
	memset(&o, 0, sizeof o);
	o.ascii = true;
	o.refresh_ms = 2000;
	o.headless_cols = 100;
	o.headless_rows = 30;
	o.now = test_clock;
	e->ui = ui_new(&o, e->f, &cause);
	assert_non_null(e->ui);
	ui_confirm(e->ui, 1, "server cordon bbb-01?", "the plan", NULL);
	s = screen(e);
	assert_non_null(strstr(s, "+------"));
	assert_non_null(strstr(s, "| "));
	assert_null(strstr(s, "\xe2\x94"));	/* box drawing */
	assert_null(strstr(s, "lqqq"));
	free(s);
	env_free(e);
}

/* A failing source's back-off is shown: when it is tried next. */
static void
test_retry_shown(void **state)
{
	struct env	*e = env_new(160, 24, false);
	char		*s;

	(void)state;
	test_now = NOW + 3000;
	fleet_source_failed(e->f, FLEET_SRC_SCALELITE, "timeout", test_now);
	fleet_source_set_retry(e->f, FLEET_SRC_SCALELITE, test_now + 23000);
	s = screen(e);
	assert_non_null(strstr(s, "retry 23s"));
	free(s);
	keys(e, "2");
	s = screen(e);
	assert_non_null(strstr(s, "; retry 23s"));
	free(s);
	env_free(e);
}

static void
test_palette(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;

	keys(e, ":no\t");		/* two candidates: both listed */
	s = screen(e);
	assert_non_null(strstr(s, ":node "));
	assert_non_null(strstr(s, "nodes node"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	keys(e, ":node bbb-1\t");	/* node names complete too */
	s = screen(e);
	assert_non_null(strstr(s, "bbb-10 bbb-11 bbb-12"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	keys(e, ":prob\t\r");
	s = screen(e);
	assert_non_null(strstr(s, " problems"));
	assert_non_null(strstr(s, "SEVERITY"));
	free(s);
	keys(e, ":meetings\r");
	s = screen(e);
	assert_non_null(strstr(s, "Lecture"));
	free(s);
	keys(e, ":");
	ui_key(e->ui, UI_KEY_FN(KEY_UP));	/* history: meetings */
	ui_key(e->ui, UI_KEY_FN(KEY_UP));	/* problems */
	s = screen(e);
	assert_non_null(strstr(s, ":problems"));
	free(s);
	ui_key(e->ui, UI_KEY_ESC);
	keys(e, ":nodez\r");
	s = screen(e);
	assert_non_null(strstr(s, "did you mean ':nodes'"));
	free(s);
	keys(e, ":node bbb-07\r");
	s = screen(e);
	assert_non_null(strstr(s, "node bbb-07"));
	assert_non_null(strstr(s, "502 Bad Gateway"));
	free(s);
	env_free(e);
}

static void
test_help(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;

	keys(e, "?");
	s = screen(e);
	assert_non_null(strstr(s, "help"));
	assert_non_null(strstr(s, "filter rows"));
	assert_non_null(strstr(s, "command palette"));
	free(s);
	keys(e, "q");
	assert_int_equal(ui_key(e->ui, 'q') & UI_REQ_QUIT, UI_REQ_QUIT);
	env_free(e);
}

static void
test_sizes(void **state)
{
	struct env	*e = env_new(80, 24, false);
	char		*s;
	size_t		 i;

	ui_set_size(e->ui, 40, 10);
	s = screen(e);
	assert_non_null(strstr(s, "terminal too small: need 60x12"));
	free(s);
	ui_set_size(e->ui, 60, 20);
	s = screen(e);
	for (i = 0; i < 12; i++)
		assert_true(line_of(s, ui_gen_name(12, i)) > 0);
	assert_non_null(strstr(s, "cols hidden"));
	free(s);
	ui_set_size(e->ui, 250, 60);
	s = screen(e);
	assert_non_null(strstr(s, "VM"));
	assert_non_null(strstr(s, "STACK"));
	assert_null(strstr(s, "cols hidden"));
	free(s);
	env_free(e);
}

static void
test_redraw_only_on_change(void **state)
{
	struct env	*e = env_new(80, 24, false);
	uint64_t	 n;

	ui_draw(e->ui);
	n = ui_frames(e->ui);
	assert_false(ui_draw(e->ui));		/* nothing changed */
	test_now += 1000;			/* the clock's second */
	assert_true(ui_draw(e->ui));
	assert_false(ui_draw(e->ui));
	ui_gen_prom(e->f, 12, 99, test_now);	/* the fleet */
	assert_true(ui_draw(e->ui));
	ui_key(e->ui, 'j');			/* UI state */
	assert_true(ui_draw(e->ui));
	assert_int_equal(ui_frames(e->ui), n + 3);
	env_free(e);
}

/*
 * The lines between the header and the problem bar (the ones a tick
 * leaves alone), as an allocated string.
 */
static char *
middle_lines(const char *s)
{
	const char	*p = strchr(s, '\n'), *end = s + strlen(s);
	int		 n = 0;

	assert_non_null(p);
	/* Back over the last three newlines: problem bar and footer. */
	while (end > p && n < 3) {
		end--;
		if (*end == '\n')
			n++;
	}
	return (xstrndup(p + 1, (size_t)(end - p - 1)));
}

static void
test_tick_redraws_header_only(void **state)
{
	struct env	*e = env_new(100, 30, false);
	uint64_t	 full, n;
	char		*a, *b, *c, *ma, *mb;

	a = screen(e);
	full = ui_frames_full(e->ui);
	n = ui_frames(e->ui);

	/* Only the clock moved: a frame, but not a full one. */
	test_now += 1000;
	b = screen(e);
	assert_int_equal(ui_frames(e->ui), n + 1);
	assert_int_equal(ui_frames_full(e->ui), full);
	assert_string_not_equal(a, b);			/* the clock */
	ma = middle_lines(a);
	mb = middle_lines(b);
	assert_true(strlen(ma) > 100);
	assert_string_equal(ma, mb);
	free(ma);
	free(mb);
	/* What the tick drew is what a full frame draws. */
	ui_redraw(e->ui);
	assert_int_equal(ui_frames_full(e->ui), full + 1);
	c = ui_dump(e->ui);
	assert_string_equal(b, c);
	free(a);
	free(b);
	free(c);

	/* The fleet changed: a full frame. */
	full = ui_frames_full(e->ui);
	ui_gen_prom(e->f, 12, 99, test_now);
	assert_true(ui_draw(e->ui));
	assert_int_equal(ui_frames_full(e->ui), full + 1);

	/* UI state changed: a full frame. */
	ui_key(e->ui, 'j');
	assert_true(ui_draw(e->ui));
	assert_int_equal(ui_frames_full(e->ui), full + 2);

	/*
	 * A source's data grows old with no fleet change: the body's stale
	 * marks depend on it, so the frame when it turns late is full.
	 */
	assert_false(ui_src_late(e->ui, FLEET_SRC_PROMETHEUS));
	full = ui_frames_full(e->ui);
	test_now += 60000;
	assert_true(ui_draw(e->ui));
	assert_true(ui_src_late(e->ui, FLEET_SRC_PROMETHEUS));
	assert_int_equal(ui_frames_full(e->ui), full + 1);
	test_now += 1000;
	assert_true(ui_draw(e->ui));
	assert_int_equal(ui_frames_full(e->ui), full + 1);

	/* A view whose body shows ages gets full frames on every tick. */
	keys(e, ":problems\r");
	ui_draw(e->ui);
	full = ui_frames_full(e->ui);
	test_now += 1000;
	assert_true(ui_draw(e->ui));
	assert_int_equal(ui_frames_full(e->ui), full + 1);
	env_free(e);
}

static void
test_selection_by_id(void **state)
{
	struct env		*e = env_new(80, 24, false);
	struct ui_view		*v;
	const struct ui_row	*r;
	uint32_t		 id;

	ui_draw(e->ui);
	keys(e, "jj");
	v = ui_view_top(e->ui);
	r = ui_table_selected(&v->table);
	assert_non_null(r);
	id = r->id;
	/* New data that reorders nothing still keeps the same node. */
	ui_gen_prom(e->f, 12, 1234, NOW + 2000);
	test_now = NOW + 2000;
	ui_draw(e->ui);
	r = ui_table_selected(&v->table);
	assert_int_equal(r->id, id);
	/* Sorting by another column keeps the node selected. */
	keys(e, ">>>>");
	ui_draw(e->ui);
	r = ui_table_selected(&v->table);
	assert_int_equal(r->id, id);
	env_free(e);
}

static void
test_stale_marked(void **state)
{
	struct env	*e = env_new(100, 24, false);
	char		*s;

	/* Prometheus stops answering; its values are kept as stale. */
	test_now = NOW + 3000;
	fleet_source_failed(e->f, FLEET_SRC_PROMETHEUS, "timeout", test_now);
	s = screen(e);
	assert_non_null(strstr(s, "~"));
	assert_true(strstr(s, "prom") != NULL);
	free(s);
	env_free(e);
}

/*
 * Issue 16 item 6: a stale CPU cell keeps its value readable at every
 * width: "~38%", never "10…" or "…".
 */
static void
test_stale_readable(void **state)
{
	static const int widths[] = { 80, 100, 120, 160 };
	struct env	*e;
	char		*s, *p;
	size_t		 i;
	int		 marks;

	(void)state;
	for (i = 0; i < nitems(widths); i++) {
		e = env_new(widths[i], 24, false);
		test_now = NOW + 3000;
		fleet_source_failed(e->f, FLEET_SRC_PROMETHEUS, "timeout",
		    test_now);
		s = screen(e);
		/* the table, not the problem bar */
		assert_non_null(p = strstr(s, " PROBLEMS "));
		*p = '\0';
		assert_null(strstr(s, "\xe2\x80\xa6"));	/* … */
		marks = 0;
		for (p = s; (p = strstr(p, "~")) != NULL; p++) {
			if (p[1] >= '0' && p[1] <= '9' &&
			    strchr(p, '%') != NULL &&
			    strchr(p, '%') < p + 5)
				marks++;
		}
		assert_true(marks >= 12);	/* CPU and MEM, 12 nodes */
		free(s);
		env_free(e);
	}
}

/*
 * Issue 16 items 7 and 14: the totals line marks scalelite's node states
 * STALE with their age when scalelite stops answering, and at 80
 * columns keeps the cordoned and disabled counts.
 */
static void
test_totals_stale(void **state)
{
	struct env	*e = env_new(160, 24, false);
	char		*s, *l;

	(void)state;
	s = screen(e);
	assert_null(strstr(s, "STALE"));
	free(s);
	test_now = NOW + 5 * 60000;
	fleet_source_failed(e->f, FLEET_SRC_SCALELITE, "timeout", test_now);
	s = screen(e);
	l = strstr(s, " NODES ");
	assert_non_null(l);
	assert_true(line_of(s, " NODES ") == line_of(s, "offline STALE 5m)"));
	free(s);
	env_free(e);

	e = env_new(80, 24, false);
	s = screen(e);
	assert_true(line_of(s, " NODES ") >= 0);
	assert_true(line_of(s, " NODES ") == line_of(s, " cord, "));
	assert_true(line_of(s, " NODES ") == line_of(s, " dis, "));
	free(s);
	env_free(e);
}

/*
 * The header's late mark follows the schedule the backends publish.  At
 * --refresh 10 Rancher is polled every 5th refresh: backend.c publishes
 * 50 s + one refresh.  45 s after its last answer it is on time (a rule
 * of "every 2nd refresh" called it late from 40 s on); past 60 s plus
 * the request slack it is late.
 */
#define RANCHER_ON_TIME	"rancher \xe2\x97\x8f "	/* ● */
#define RANCHER_LATE	"rancher \xe2\x97\x90 "	/* ◐ */
static void
test_late_mark_refresh_10(void **state)
{
	struct env		*e = env_new(160, 24, false);
	struct fleet_fetch	 fetch = { 5, 100 };
	char			*s;

	(void)state;
	ui_set_refresh_ms(e->ui, 10000);
	fleet_source_set_period(e->f, FLEET_SRC_RANCHER, 60000);
	s = screen(e);
	assert_non_null(strstr(s, RANCHER_ON_TIME));
	free(s);

	/* (ui_src_late() reads the clock of the last draw) */
	test_now = NOW + 45000;
	s = screen(e);
	assert_false(ui_src_late(e->ui, FLEET_SRC_RANCHER));
	assert_non_null(strstr(s, RANCHER_ON_TIME));
	assert_null(strstr(s, RANCHER_LATE));
	free(s);

	test_now = NOW + 60000 + FLEET_LATE_SLACK_MS;
	free(screen(e));
	assert_false(ui_src_late(e->ui, FLEET_SRC_RANCHER));
	test_now += 1000;	/* the next second the header draws */
	s = screen(e);
	assert_true(ui_src_late(e->ui, FLEET_SRC_RANCHER));
	assert_non_null(strstr(s, RANCHER_LATE));
	free(s);

	/* An answer puts it back on time. */
	fleet_touch_source(e->f, FLEET_SRC_RANCHER, &fetch, test_now);
	s = screen(e);
	assert_non_null(strstr(s, RANCHER_ON_TIME));
	free(s);
	env_free(e);
}

/*
 * Outside text with control characters is drawn with '?' for each, on
 * its own row: a \r in a meeting name went back to the start of the
 * row and overwrote the meeting's node and figures with the rest.
 */
static void
test_control_characters(void **state)
{
	struct env			*e = env_new(120, 30, false);
	struct fleet_meetings_update	*u;
	struct fleet_meeting_u		*m;
	char				 buf[64], *s, *row, *end;

	(void)state;
	u = xcalloc(1, sizeof *u);
	u->meetings = xcalloc(1, sizeof *u->meetings);
	u->nmeetings = 1;
	m = &u->meetings[0];
	m->meeting_id = xstrdup("m-evil");
	m->name = xstrdup("Night\rshift\n\x1b[2J\x7f\tend");
	m->node = xstrdup("bbb-02");
	m->participants = 77;
	fleet_apply_meetings(e->f, u, test_now);
	keys(e, ":meetings\r");
	s = screen(e);
	row = strstr(s, "Night?shift??[2J??end");
	assert_non_null(row);
	/* the rest of its row is still there: its node and participants */
	while (row > s && row[-1] != '\n')
		row--;
	end = strchr(row, '\n');
	assert_non_null(end);
	*end = '\0';
	assert_non_null(strstr(row, "bbb-02"));
	assert_non_null(strstr(row, "77"));
	free(s);
	env_free(e);

	/* The primitive: widths agree with what is drawn. */
	ui_text_fit(buf, sizeof buf, "a\rb", 10, UI_ALIGN_LEFT, false,
	    false);
	assert_string_equal(buf, "a?b");
	assert_int_equal(ui_text_width("a\rb"), 3);
	ui_text_fit(buf, sizeof buf, "x\xff\xc2\x85y", 10, UI_ALIGN_LEFT,
	    true, false);
	assert_string_equal(buf, "x??y      ");
	assert_int_equal(ui_text_width("x\xff\xc2\x85y"), 4);
	ui_text_fit(buf, sizeof buf, "\x1b\x1b\x1b\x1b\x1b", 3,
	    UI_ALIGN_LEFT, false, true);
	assert_string_equal(buf, "??~");
}

static void
test_views(void **state)
{
	struct env	*e = env_new(100, 30, false);
	char		*s;

	keys(e, ":stacks\r");
	s = screen(e);
	assert_non_null(strstr(s, "bbb-web"));
	free(s);
	keys(e, ":hosts\r");
	s = screen(e);
	assert_non_null(strstr(s, "ACTIVE"));
	assert_non_null(strstr(s, "m1.xlarge"));
	free(s);
	keys(e, ":jobs\r");
	s = screen(e);
	assert_non_null(strstr(s, "no jobs"));
	free(s);
	keys(e, ":audit\r");
	s = screen(e);
	assert_non_null(strstr(s, "reading the audit trail"));
	free(s);
	keys(e, ":problems\r\r");	/* Enter on the first problem */
	s = screen(e);
	assert_non_null(strstr(s, "n opens the node"));
	free(s);
	keys(e, "n");			/* its node */
	s = screen(e);
	assert_true(strstr(s, "problems \xe2\x80\xba node") != NULL ||
	    strstr(s, "problems > node") != NULL);
	free(s);
	env_free(e);
}

/*
 * The audit view asks for the records (UI_REQ_AUDIT), says it is reading,
 * then lists what ui_audit_set() gave, newest first, with the columns of
 * `bbbctl audit`; a failed read keeps the records and says why; ^R asks
 * again.
 */
static void
test_audit_view(void **state)
{
	struct env		*e = env_new(150, 20, false);
	struct ui_audit_rec	 r[3];
	const char		*k;
	char			*s;
	int			 reqs = 0;

	for (k = ":audit\r"; *k != '\0'; k++)
		reqs |= ui_key(e->ui, (unsigned char)*k);
	assert_true(reqs & UI_REQ_AUDIT);
	assert_true(ui_wants_audit(e->ui));
	s = screen(e);
	assert_non_null(strstr(s, "reading the audit trail"));
	assert_non_null(strstr(s, "reading ..."));
	free(s);

	memset(r, 0, sizeof r);
	r[0].at_ms = NOW - 60000;
	r[0].event = "started";
	r[0].job_id = 7;
	r[0].verb = "server drain";
	r[0].target = "bbb-03";
	r[0].operator_ = "alice";
	r[0].origin = "10.0.0.5";
	r[0].duration_ms = -1;
	r[1] = r[0];
	r[1].at_ms = NOW - 30000;
	r[1].event = "failed";
	r[1].duration_ms = 30000;
	r[1].result = "lock lost: the session is gone";
	r[2] = r[1];
	r[2].event = "done";
	r[2].job_id = 0;
	r[2].verb = "stack restart";
	r[2].target = NULL;
	r[2].result = NULL;
	r[2].spooled = true;
	ui_audit_set(e->ui, r, 3, "audit database: down", NULL);
	s = screen(e);
	assert_non_null(strstr(s, "TIME"));
	assert_true(line_of(s, "EVENT") >= 0 && line_of(s, "EVENT") ==
	    line_of(s, "OPERATOR") && line_of(s, "EVENT") ==
	    line_of(s, "RESULT") && line_of(s, "EVENT") == line_of(s, "TOOK"));
	assert_non_null(strstr(s, "alice@10.0.0.5"));
	assert_non_null(strstr(s, "lock lost: the session is gone"));
	assert_non_null(strstr(s, "- (spooled)"));
	assert_non_null(strstr(s, "3 records, read"));
	assert_non_null(strstr(s, "(audit database: down)"));
	/* Newest first; of one millisecond, the later record first. */
	assert_true(line_of(s, "stack restart") < line_of(s, "failed"));
	assert_true(line_of(s, "failed") < line_of(s, "started"));
	free(s);

	/* A failed read keeps what is shown and says why. */
	reqs = ui_key(e->ui, UI_KEY_CTRL('r'));
	assert_true(reqs & UI_REQ_AUDIT);
	ui_audit_set(e->ui, NULL, 0, NULL, "audit spool: permission denied");
	s = screen(e);
	assert_non_null(strstr(s, "NOT READ: audit spool: permission denied"));
	assert_non_null(strstr(s, "lock lost: the session is gone"));
	free(s);

	/* No record at all. */
	ui_audit_set(e->ui, NULL, 0, NULL, NULL);
	s = screen(e);
	assert_non_null(strstr(s, "no audit records"));
	free(s);
	env_free(e);
}

/* Before any source answered: every view copes with an empty fleet. */
static void
test_empty_fleet(void **state)
{
	struct fleet	*f = fleet_new("empty");
	struct ui_opts	 o;
	struct ui	*ui;
	char		*cause = NULL, *s;
	const char	*const cmds[] = { ":meetings\r", ":stacks\r",
	    ":hosts\r", ":problems\r", ":jobs\r", ":audit\r", ":nodes\r",
	    "/x\r", ">", "\r", "?" };
	size_t		 i;
	const char	*k;

	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	memset(&o, 0, sizeof o);
	o.color = true;
	o.refresh_ms = 2000;
	o.headless_cols = 80;
	o.headless_rows = 24;
	o.now = test_clock;
	ui = ui_new(&o, f, &cause);
	assert_non_null(ui);
	ui_draw(ui);
	s = ui_dump(ui);
	assert_non_null(strstr(s, "no nodes yet"));
	assert_non_null(strstr(s, "NODES 0"));
	/* No source knows them yet: unknown, not 0. */
	assert_non_null(strstr(s, "?  USERS ?  VID"));
	assert_null(strstr(s, "USERS 0"));
	free(s);
	for (i = 0; i < nitems(cmds); i++) {
		for (k = cmds[i]; *k != '\0'; k++)
			ui_key(ui, (unsigned char)*k);
		ui_draw(ui);
	}
	s = ui_dump(ui);
	assert_non_null(strstr(s, "help"));
	free(s);
	ui_free(ui);
	fleet_free(f);
}

static void
test_readonly_marker(void **state)
{
	struct env	*e = env_new(80, 24, true);
	char		*s = screen(e);

	assert_non_null(strstr(s, "RO "));
	free(s);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_nodes),
		cmocka_unit_test(test_worst_first),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_filter_keys),
		cmocka_unit_test(test_drill_down),
		cmocka_unit_test(test_node_unknown),
		cmocka_unit_test(test_new_problems),
		cmocka_unit_test(test_problem_open),
		cmocka_unit_test(test_narrow_reach),
		cmocka_unit_test(test_pending_shown),
		cmocka_unit_test(test_totals_graph),
		cmocka_unit_test(test_severity_sort),
		cmocka_unit_test(test_first_selection_worst),
		cmocka_unit_test(test_ascii_dialog),
		cmocka_unit_test(test_retry_shown),
		cmocka_unit_test(test_palette),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_redraw_only_on_change),
		cmocka_unit_test(test_tick_redraws_header_only),
		cmocka_unit_test(test_selection_by_id),
		cmocka_unit_test(test_stale_marked),
		cmocka_unit_test(test_totals_stale),
		cmocka_unit_test(test_stale_readable),
		cmocka_unit_test(test_late_mark_refresh_10),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_audit_view),
		cmocka_unit_test(test_empty_fleet),
		cmocka_unit_test(test_readonly_marker),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
