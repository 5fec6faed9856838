/*
 * test-ui-modal.c: modal views.  The confirm dialog and the ':' / '/'
 * prompt are views on the view stack with their own key handling: they
 * take every key while open, are never ui_view_top() (the prompt filters
 * the view below), draw over the frame and pop themselves when done.
 * Also: an escape sequence the terminal layer swallowed is no key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet.h"
#include "ui/ui-int.h"
#include "tests/unit/ui-gen.h"

#define NOW	1700000000000LL

static int64_t
test_clock(void)
{
	return (NOW);
}

struct env {
	struct fleet	*f;
	struct ui	*ui;
};

static struct env *
env_new(void)
{
	struct env	*e = xcalloc(1, sizeof *e);
	struct ui_opts	 o;
	char		*cause = NULL;

	setenv("TERM", "xterm-256color", 1);
	e->f = ui_gen_fleet(12, 7, NOW);
	memset(&o, 0, sizeof o);
	o.refresh_ms = 2000;
	o.headless_cols = 100;
	o.headless_rows = 30;
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
	ui_draw(e->ui);
	return (ui_dump(e->ui));
}

static int
keys(struct env *e, const char *s)
{
	int	 reqs = 0;

	for (; *s != '\0'; s++)
		reqs |= ui_key(e->ui, (unsigned char)*s);
	return (reqs);
}

static uint32_t
selected(struct env *e)
{
	struct ui_view		*v = ui_view_top(e->ui);
	const struct ui_row	*r;

	ui_view_sync(e->ui, v);
	r = ui_table_selected(&v->table);
	return (r == NULL ? 0 : r->id);
}

static void
test_dialog(void **state)
{
	struct env	*e = env_new();
	struct ui_view	*base = ui_view_top(e->ui);
	uint32_t	 token, sel;
	char		*s;
	int		 reqs;

	sel = selected(e);
	ui_confirm(e->ui, 7, "server cordon bbb-01?", "cordon it", NULL);
	assert_non_null(ui_view_modal(e->ui));
	assert_ptr_equal(ui_view_modal(e->ui)->ops, &ui_view_dialog_ops);
	assert_ptr_equal(ui_view_top(e->ui), base);
	s = screen(e);
	assert_non_null(strstr(s, "server cordon bbb-01?"));
	assert_non_null(strstr(s, "[ Cancel (n) ]"));
	assert_non_null(strstr(s, "bbb-"));	/* the table below stays */
	free(s);
	/* Keys of the view below do nothing while it is open. */
	reqs = keys(e, "jjq");
	assert_int_equal(reqs & UI_REQ_QUIT, 0);
	assert_int_equal(selected(e), sel);
	assert_non_null(ui_view_modal(e->ui));
	/* Enter on Cancel (focused first): closed, not confirmed. */
	reqs = ui_key(e->ui, '\r');
	assert_true(reqs & UI_REQ_DIALOG);
	assert_null(ui_view_modal(e->ui));
	assert_false(ui_take_dialog(e->ui, &token));
	assert_int_equal(token, 7);
	s = screen(e);
	assert_null(strstr(s, "[ Cancel (n) ]"));
	free(s);
	/* y confirms. */
	ui_confirm(e->ui, 8, "again?", "text", NULL);
	reqs = ui_key(e->ui, 'y');
	assert_true(reqs & UI_REQ_DIALOG);
	assert_true(ui_take_dialog(e->ui, &token));
	assert_int_equal(token, 8);
	/* Taken once. */
	assert_false(ui_take_dialog(e->ui, &token));
	/* Keys reach the table again. */
	keys(e, "j");
	assert_int_not_equal(selected(e), sel);
	env_free(e);
}

static void
test_dialog_typed(void **state)
{
	struct env	*e = env_new();
	uint32_t	 token;
	char		*s;
	int		 reqs;

	ui_confirm(e->ui, 1, "first?", "one", NULL);
	/* A second question replaces the first, never answered. */
	ui_confirm(e->ui, 2, "server panic bbb-03?  DESTRUCTIVE", "plan",
	    "bbb-03");
	assert_int_equal(e->ui->depth, 2);
	reqs = keys(e, "bbb-0\r");
	assert_int_equal(reqs & UI_REQ_DIALOG, 0);
	s = screen(e);
	assert_non_null(strstr(s, "that is not the name"));
	assert_null(strstr(s, "first?"));
	free(s);
	keys(e, "3");
	reqs = ui_key(e->ui, '\r');
	assert_true(reqs & UI_REQ_DIALOG);
	assert_true(ui_take_dialog(e->ui, &token));
	assert_int_equal(token, 2);
	/* Esc cancels a typed one. */
	ui_confirm(e->ui, 3, "x?", "plan", "bbb-03");
	keys(e, "bbb-03");
	reqs = ui_key(e->ui, UI_KEY_ESC);
	assert_true(reqs & UI_REQ_DIALOG);
	assert_false(ui_take_dialog(e->ui, &token));
	assert_null(ui_view_modal(e->ui));
	env_free(e);
}

static void
test_prompt_views(void **state)
{
	struct env	*e = env_new();
	struct ui_view	*base = ui_view_top(e->ui);
	char		*s;

	/* '/' opens the filter prompt over the nodes view. */
	keys(e, "/");
	assert_non_null(ui_view_modal(e->ui));
	assert_ptr_equal(ui_view_modal(e->ui)->ops, &ui_view_prompt_ops);
	assert_ptr_equal(ui_view_top(e->ui), base);
	keys(e, "bbb-03");
	s = screen(e);
	assert_non_null(strstr(s, "/bbb-03"));
	free(s);
	/* It filters the view below as typed; q is text, not quit. */
	assert_int_equal(keys(e, "q") & UI_REQ_QUIT, 0);
	ui_key(e->ui, 0x7f);
	keys(e, "\r");
	assert_null(ui_view_modal(e->ui));
	assert_string_equal(base->filter.text, "bbb-03");
	ui_view_sync(e->ui, base);
	assert_int_equal(base->table.nrows, 1);
	/* A bad filter keeps the prompt open. */
	keys(e, "/");
	ui_key(e->ui, UI_KEY_CTRL('u'));
	keys(e, "re:(\r");
	assert_non_null(ui_view_modal(e->ui));
	ui_key(e->ui, UI_KEY_ESC);
	assert_null(ui_view_modal(e->ui));
	/* ':' runs a command after closing itself. */
	keys(e, ":meetings\r");
	assert_null(ui_view_modal(e->ui));
	assert_int_equal(ui_view_top(e->ui)->ops->kind, UI_V_MEETINGS);
	assert_int_equal(e->ui->depth, 1);
	keys(e, ":help\r");
	assert_int_equal(ui_view_top(e->ui)->ops->kind, UI_V_HELP);
	assert_int_equal(e->ui->depth, 2);
	/* Esc in the palette: nothing run, back to the view. */
	keys(e, ":nodes");
	ui_key(e->ui, UI_KEY_ESC);
	assert_null(ui_view_modal(e->ui));
	assert_int_equal(ui_view_top(e->ui)->ops->kind, UI_V_HELP);
	env_free(e);
}

static void
test_unknown_key(void **state)
{
	struct env	*e = env_new();
	char		*s;

	assert_int_equal(ui_key(e->ui, UI_KEY_UNKNOWN), 0);
	s = screen(e);
	assert_null(strstr(s, "no such key"));
	free(s);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialog),
		cmocka_unit_test(test_dialog_typed),
		cmocka_unit_test(test_prompt_views),
		cmocka_unit_test(test_unknown_key),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
