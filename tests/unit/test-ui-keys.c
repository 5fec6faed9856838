/*
 * test-ui-keys.c: the key table (no key bound twice in one view), help
 * and footer hints generated from it, read-only hiding, the palette's
 * completion and history; the actions' rows generated from the action
 * registry (key, views, dispatch, help, hints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui-int.h"

static void
test_unique(void **state)
{
	const struct ui_key_def	*a, *b;
	size_t			 i, j;

	for (i = 0; i < ui_key_table_len; i++) {
		a = &ui_key_table[i];
		assert_non_null(a->name);
		assert_non_null(a->help);
		assert_int_not_equal(a->views, 0);
		for (j = i + 1; j < ui_key_table_len; j++) {
			b = &ui_key_table[j];
			if (a->key == b->key && (a->views & b->views) != 0)
				fail_msg("key %d bound twice (%s, %s)",
				    a->key, a->name, b->name);
		}
	}
}

static void
test_lookup(void **state)
{
	const struct ui_key_def	*d;

	d = ui_keys_lookup('q', UI_V_NODES, false);
	assert_non_null(d);
	assert_int_equal(d->cmd, UI_CMD_QUIT);
	d = ui_keys_lookup('/', UI_V_NODES, false);
	assert_int_equal(d->cmd, UI_CMD_FILTER);
	/* No filter in free-form views. */
	assert_null(ui_keys_lookup('/', UI_V_NODE, false));
	assert_null(ui_keys_lookup('Z', UI_V_NODES, false));
}

/* A table with a mutating key: hidden and not dispatched read-only. */
static const struct ui_key_def test_table[] = {
	{ 'q', UI_VB_ALL, UI_CMD_QUIT, "quit", "quit", UI_KEY_F_HINT },
	{ 'c', UI_VB(UI_V_NODES), UI_CMD_NONE, "cordon", "cordon the node",
	    UI_KEY_F_MUTATING | UI_KEY_F_HINT },
};

static void
test_readonly(void **state)
{
	assert_non_null(ui_keys_find(test_table, 2, 'c', UI_V_NODES, false));
	assert_null(ui_keys_find(test_table, 2, 'c', UI_V_NODES, true));
	assert_non_null(ui_keys_find(test_table, 2, 'q', UI_V_NODES, true));
	assert_null(ui_keys_find(test_table, 2, 'c', UI_V_MEETINGS, false));
}

static bool
help_has(char **lines, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strstr(lines[i], s) != NULL)
			return (true);
	return (false);
}

static void
test_help(void **state)
{
	const struct ui_key_def	*d;
	char			**lines;
	size_t			 n, i;

	lines = ui_keys_help(UI_V_NODES, false, &n);
	/* Every non-alias entry's help is in it. */
	for (i = 0; i < ui_key_table_len; i++) {
		d = &ui_key_table[i];
		if ((d->flags & UI_KEY_F_ALIAS) == 0)
			assert_true(help_has(lines, n, d->help));
	}
	/* Aliases are listed with their first key: "Down j". */
	assert_true(help_has(lines, n, "Down j"));
	assert_false(help_has(lines, n, "Read-only"));
	ui_keys_help_free(lines, n);
	lines = ui_keys_help(UI_V_NODES, true, &n);
	assert_true(help_has(lines, n, "Read-only"));
	ui_keys_help_free(lines, n);
}

static void
test_hints(void **state)
{
	struct buf	 b = { 0 };

	ui_keys_hints(UI_V_NODES, false, &b);
	assert_non_null(strstr(b.data, "? help"));
	assert_non_null(strstr(b.data, "/ filter"));
	assert_non_null(strstr(b.data, "q quit"));
	buf_free(&b);
	ui_keys_hints(UI_V_NODE, false, &b);
	assert_null(strstr(b.data, "/ filter"));
	buf_free(&b);
}

static void
test_complete(void **state)
{
	static const char *const nodes[] = { "bbb-01", "bbb-02", "bbb-10" };
	struct buf	 line = { 0 };
	const char	*first;

	buf_adds(&line, "pro");
	assert_int_equal(ui_palette_complete(&line, nodes, 3, &first), 1);
	assert_string_equal(line.data, "problems");
	buf_reset(&line);
	buf_adds(&line, "no");		/* nodes, node */
	assert_int_equal(ui_palette_complete(&line, nodes, 3, &first), 2);
	assert_string_equal(line.data, "node");
	buf_reset(&line);
	buf_adds(&line, "node bbb-0");
	assert_int_equal(ui_palette_complete(&line, nodes, 3, &first), 2);
	assert_string_equal(line.data, "node bbb-0");
	buf_reset(&line);
	buf_adds(&line, "node bbb-1");
	assert_int_equal(ui_palette_complete(&line, nodes, 3, &first), 1);
	assert_string_equal(line.data, "node bbb-10");
	buf_reset(&line);
	buf_adds(&line, "xyz");
	assert_int_equal(ui_palette_complete(&line, nodes, 3, &first), 0);
	assert_string_equal(line.data, "xyz");
	buf_free(&line);
}

static void
test_prompt(void **state)
{
	struct ui_prompt	 p;
	int			 i;

	memset(&p, 0, sizeof p);
	ui_prompt_open(&p, ':', "");
	ui_prompt_key(&p, 'a');
	ui_prompt_key(&p, 0xe9);		/* é, two bytes */
	assert_string_equal(p.line.data, "a\xc3\xa9");
	ui_prompt_key(&p, 0x7f);
	assert_string_equal(p.line.data, "a");
	assert_int_equal(ui_prompt_key(&p, '\r'), UI_PROMPT_DONE);
	assert_false(p.active);
	for (i = 0; i < UI_HIST_MAX + 5; i++) {
		char	 s[16];

		snprintf(s, sizeof s, "cmd%d", i);
		ui_prompt_history_add(&p, s);
	}
	ui_prompt_history_add(&p, "cmd36");	/* no duplicate */
	assert_int_equal(p.nhist, UI_HIST_MAX);
	ui_prompt_open(&p, ':', "");
	ui_prompt_key(&p, UI_KEY_FN(KEY_UP));
	assert_string_equal(p.line.data, "cmd36");
	ui_prompt_key(&p, UI_KEY_FN(KEY_UP));
	assert_string_equal(p.line.data, "cmd35");
	ui_prompt_key(&p, UI_KEY_FN(KEY_DOWN));
	ui_prompt_key(&p, UI_KEY_FN(KEY_DOWN));
	assert_string_equal(p.line.data, "");
	ui_prompt_key(&p, 'x');
	ui_prompt_key(&p, ' ');
	ui_prompt_key(&p, 'y');
	ui_prompt_key(&p, UI_KEY_CTRL('w'));
	assert_string_equal(p.line.data, "x ");
	assert_int_equal(ui_prompt_key(&p, UI_KEY_ESC), UI_PROMPT_CANCEL);
	ui_prompt_free(&p);
}

/* Every registry row with a key has its row in the key table. */
static void
test_actions_keys(void **state)
{
	const struct action *const	*acts;
	const struct ui_key_def		*d;
	size_t				 i, n, nrows = 0;
	unsigned			 views;
	int				 v;

	acts = action_list(&n);
	assert_true(n >= 7);
	for (i = 0; i < ui_key_table_len; i++) {
		if (ui_key_table[i].cmd == UI_CMD_ACTION) {
			assert_non_null(ui_key_table[i].action);
			nrows++;
		}
	}
	for (i = 0; i < n; i++) {
		if (acts[i]->key == 0)
			continue;
		nrows--;
		views = ui_keys_action_views(acts[i]);
		assert_int_not_equal(views, 0);
		for (v = 0; v < UI_V_COUNT; v++) {
			d = ui_keys_lookup(acts[i]->key, v, false);
			if ((views & UI_VB(v)) == 0) {
				if (d != NULL)
					assert_ptr_not_equal(d->action,
					    acts[i]);
				continue;
			}
			assert_non_null(d);
			assert_int_equal(d->cmd, UI_CMD_ACTION);
			assert_ptr_equal(d->action, acts[i]);
			assert_string_equal(d->help, acts[i]->help);
			assert_true(d->flags & UI_KEY_F_MUTATING);
			/* Read-only: not dispatched. */
			assert_null(ui_keys_lookup(acts[i]->key, v, true));
		}
	}
	assert_int_equal(nrows, 0);
	/* The rows the dashboard had before the registry. */
	d = ui_keys_lookup('c', UI_V_NODES, false);
	assert_string_equal(d->action->verb, "server cordon");
	d = ui_keys_lookup('P', UI_V_NODE, false);
	assert_string_equal(d->action->verb, "server panic");
	d = ui_keys_lookup('r', UI_V_STACKS, false);
	assert_string_equal(d->action->verb, "stack redeploy");
	assert_null(ui_keys_lookup('r', UI_V_NODES, false));
	assert_null(ui_keys_lookup('c', UI_V_STACKS, false));
}

/* The ? screen's lines and the footer come from the registry rows. */
static void
test_actions_help(void **state)
{
	const struct action *const	*acts;
	char				**lines, want[256], name[32];
	struct buf			 b = { 0 };
	size_t				 i, n, nl;
	unsigned			 views;
	int				 v;

	acts = action_list(&n);
	for (v = 0; v < UI_V_COUNT; v++) {
		lines = ui_keys_help(v, false, &nl);
		ui_keys_hints(v, false, &b);
		for (i = 0; i < n; i++) {
			if (acts[i]->key == 0)
				continue;
			views = ui_keys_action_views(acts[i]);
			/* "c  server cordon NODE: stop new ..." */
			snprintf(want, sizeof want, "%s%s%s: %s%s (changes "
			    "the fleet)", acts[i]->verb, acts[i]->target !=
			    ACTION_TARGET_NONE ? " " : "", action_target_word(
			    acts[i]->target), acts[i]->help, acts[i]->risk ==
			    JOB_RISK_DESTRUCTIVE ? " (type its name)" : "");
			assert_true(help_has(lines, nl, want));
			snprintf(want, sizeof want, "%s %s",
			    ui_key_name(acts[i]->key, name, sizeof name),
			    action_name(acts[i]));
			if (acts[i]->hint && (views & UI_VB(v)))
				assert_non_null(strstr(b.data, want));
			else if (b.data != NULL)
				assert_null(strstr(b.data, want));
		}
		ui_keys_help_free(lines, nl);
		buf_free(&b);
		/* Read-only: no action at all. */
		lines = ui_keys_help(v, true, &nl);
		for (i = 0; i < n; i++)
			assert_false(help_has(lines, nl, acts[i]->verb));
		ui_keys_help_free(lines, nl);
	}
	/* The footer of the nodes view as before the registry. */
	ui_keys_hints(UI_V_NODES, false, &b);
	assert_non_null(strstr(b.data, "e enable  c cordon  d drain"));
	buf_free(&b);
}

static int
keys_setup(void **state)
{
	ui_keys_init();
	return (0);
}

/* Issue 16: key names are what an operator reads, not curses' names. */
static void
test_key_names(void **state)
{
	char	 b[32];

	(void)state;
	assert_string_equal(ui_key_name(UI_KEY_FN(KEY_F(1)), b, sizeof b),
	    "F1");
	assert_string_equal(ui_key_name(UI_KEY_FN(KEY_F(12)), b, sizeof b),
	    "F12");
	assert_string_equal(ui_key_name(UI_KEY_FN(KEY_BTAB), b, sizeof b),
	    "S-Tab");
	assert_string_equal(ui_key_name(UI_KEY_FN(KEY_LEFT), b, sizeof b),
	    "Left");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_actions_keys),
		cmocka_unit_test(test_actions_help),
	};

	return (cmocka_run_group_tests(tests, keys_setup, NULL));
}
