/*
 * test-ui-spark.c: sparkline levels and glyphs, ASCII fallback, the
 * ring's newest samples, text width and fitting, table layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui-int.h"

static void
test_levels(void **state)
{
	assert_int_equal(ui_spark_level(0, 0, 100), 0);
	assert_int_equal(ui_spark_level(-5, 0, 100), 0);
	assert_int_equal(ui_spark_level(12.4, 0, 100), 0);
	assert_int_equal(ui_spark_level(12.5, 0, 100), 1);
	assert_int_equal(ui_spark_level(50, 0, 100), 4);
	assert_int_equal(ui_spark_level(99.9, 0, 100), 7);
	assert_int_equal(ui_spark_level(100, 0, 100), 7);
	assert_int_equal(ui_spark_level(250, 0, 100), 7);
	assert_int_equal(ui_spark_level(NAN, 0, 100), -1);
}

static void
test_glyphs(void **state)
{
	float	 v[] = { 0, 50, 100, NAN };
	char	 out[64];

	ui_spark(out, sizeof out, v, 4, 4, 0, 100, false);
	assert_string_equal(out, "\xe2\x96\x81\xe2\x96\x85\xe2\x96\x88 ");
	ui_spark(out, sizeof out, v, 4, 4, 0, 100, true);
	assert_string_equal(out, "_=# ");
	/* Right-aligned when there are fewer values than columns. */
	ui_spark(out, sizeof out, v, 3, 5, 0, 100, true);
	assert_string_equal(out, "  _=#");
	/* Only the newest width values. */
	ui_spark(out, sizeof out, v, 3, 2, 0, 100, true);
	assert_string_equal(out, "=#");
	/* Auto scale: the maximum is the top. */
	ui_spark(out, sizeof out, v, 2, 2, 0, 0, true);
	assert_string_equal(out, "_#");
	/* A small buffer never overflows. */
	ui_spark(out, 5, v, 3, 3, 0, 100, false);
	assert_true(strlen(out) < 5);
}

static void
test_ring(void **state)
{
	struct fleet_ring	 r;
	float			 out[FLEET_HIST_LEN];
	size_t			 n, i;

	memset(&r, 0, sizeof r);
	assert_int_equal(ui_ring_tail(&r, out, 5), 0);
	for (i = 0; i < FLEET_HIST_LEN + 7; i++)
		fleet_ring_push(&r, (float)i);
	n = ui_ring_tail(&r, out, 3);
	assert_int_equal(n, 3);
	assert_true(out[0] == FLEET_HIST_LEN + 4);
	assert_true(out[2] == FLEET_HIST_LEN + 6);
	/* Agrees with the model's own accessor. */
	n = ui_ring_tail(&r, out, FLEET_HIST_LEN);
	for (i = 0; i < n; i++)
		assert_true(out[i] == fleet_ring_get(&r, i));
}

static void
test_text(void **state)
{
	char	 out[64];

	assert_int_equal(ui_text_width("abc"), 3);
	assert_int_equal(ui_text_width("\xe2\x96\x81\xe2\x96\x82"), 2);
	assert_string_equal(ui_text_fit(out, sizeof out, "abc", 5,
	    UI_ALIGN_RIGHT, true, true), "  abc");
	assert_string_equal(ui_text_fit(out, sizeof out, "abcdef", 4,
	    UI_ALIGN_LEFT, true, true), "abc~");
	assert_string_equal(ui_text_fit(out, sizeof out, "abcdef", 4,
	    UI_ALIGN_LEFT, true, false), "abc\xe2\x80\xa6");
	assert_true(ui_text_contains("Hello World", "o w"));
	assert_false(ui_text_contains("Hello", "xyz"));
}

static void
cell_dummy(struct ui *ui, const void *r, struct ui_cell *c)
{
}

static void
test_layout(void **state)
{
	static const struct ui_col cols[] = {
		{ "A", NULL, 10, 0, 0, cell_dummy },
		{ "B", NULL, 10, 2, 0, cell_dummy },
		{ "C", NULL, 10, 1, 0, cell_dummy },
		{ "D", NULL, 10, 3, UI_COL_FLEX, cell_dummy },
	};
	struct ui_table	 t;
	int		 w[4];

	ui_table_init(&t, cols, 4);
	assert_int_equal(ui_table_layout(&t, 100, w), 4);
	assert_int_equal(w[3], 100 - 33);	/* the flex gets the rest */
	/* Narrower: D (prio 3) goes first, then B (prio 2). */
	assert_int_equal(ui_table_layout(&t, 35, w), 3);
	assert_int_equal(w[3], -1);
	assert_int_equal(ui_table_layout(&t, 25, w), 2);
	assert_int_equal(w[1], -1);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[2], 10);
	/* Never drops prio 0. */
	assert_int_equal(ui_table_layout(&t, 5, w), 1);
	assert_true(w[0] >= 1);
	ui_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_layout),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
