/* test-ui-filter.c: the '/' filter language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui-int.h"

/* A row: field=value pairs. */
struct row {
	const char	*node, *state, *health;
	double		 problems, cpu;
};

static bool
get_cb(void *arg, const char *field, const char **text, double *num)
{
	const struct row	*r = arg;
	static char		 buf[32];

	*num = NAN;
	if (strcmp(field, "node") == 0)
		*text = r->node;
	else if (strcmp(field, "state") == 0)
		*text = r->state;
	else if (strcmp(field, "health") == 0)
		*text = r->health;
	else if (strcmp(field, "problems") == 0 || strcmp(field, "cpu") == 0) {
		*num = field[0] == 'p' ? r->problems : r->cpu;
		snprintf(buf, sizeof buf, "%g", *num);
		*text = buf;
	} else
		return (false);
	return (true);
}

static bool
match(const char *filter, const struct row *r)
{
	struct ui_filter	 f = { 0 };
	char			*cause = NULL, all[256];
	bool			 m;

	assert_int_equal(ui_filter_parse(&f, filter, &cause), 0);
	snprintf(all, sizeof all, "%s %s %s", r->node, r->state, r->health);
	m = ui_filter_match(&f, all, get_cb, (void *)r);
	ui_filter_clear(&f);
	return (m);
}

static const struct row r1 = { "bbb-01", "enabled", "passing", 0, 30 };
static const struct row r5 = { "bbb-05", "cordoned", "critical", 2, 91 };

static void
test_substring(void **state)
{
	assert_true(match("", &r1));
	assert_true(match("bbb", &r1));
	assert_true(match("BBB-05", &r5));		/* any case */
	assert_false(match("bbb-05", &r1));
	assert_true(match("bbb cordoned", &r5));	/* all terms */
	assert_false(match("bbb cordoned", &r1));
}

static void
test_fields(void **state)
{
	assert_true(match("state:cordoned", &r5));
	assert_false(match("state:cordoned", &r1));
	assert_true(match("health:critical", &r5));
	assert_true(match("node:bbb-0", &r1));
	assert_false(match("nosuchfield:x", &r1));
	/* A field value is matched in that field only. */
	assert_false(match("node:cordoned", &r5));
}

static void
test_numbers(void **state)
{
	assert_true(match("problems:>0", &r5));
	assert_false(match("problems:>0", &r1));
	assert_true(match("problems:=0", &r1));
	assert_true(match("cpu:>=91", &r5));
	assert_false(match("cpu:>91", &r5));
	assert_true(match("cpu:<31", &r1));
	assert_true(match("cpu:<=30", &r1));
}

static void
test_regex_and_negation(void **state)
{
	assert_true(match("re:^bbb-0[15]", &r1));
	assert_true(match("/cord.ned/", &r5));
	assert_false(match("re:^bbb-0[23]", &r1));
	assert_true(match("node:re:5$", &r5));
	assert_false(match("node:re:5$", &r1));
	assert_true(match("!cordoned", &r1));
	assert_false(match("!cordoned", &r5));
	assert_true(match("!problems:>0", &r1));
}

static void
test_errors(void **state)
{
	struct ui_filter	 f = { 0 };
	char			*cause = NULL;

	assert_int_equal(ui_filter_parse(&f, "re:(", &cause), -1);
	assert_non_null(strstr(cause, "bad regex"));
	free(cause);
	cause = NULL;
	assert_int_equal(ui_filter_parse(&f, ":x", &cause), -1);
	assert_non_null(strstr(cause, "field"));
	free(cause);
	cause = NULL;
	assert_int_equal(ui_filter_parse(&f, "cpu:>lots", &cause), -1);
	assert_non_null(strstr(cause, "number"));
	free(cause);
	cause = NULL;
	/* A failed parse keeps the previous filter. */
	assert_int_equal(ui_filter_parse(&f, "bbb", &cause), 0);
	assert_int_equal(ui_filter_parse(&f, "re:[", &cause), -1);
	free(cause);
	assert_int_equal(f.nterms, 1);
	assert_string_equal(f.text, "bbb");
	ui_filter_clear(&f);
	assert_true(ui_filter_empty(&f));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_substring),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_regex_and_negation),
		cmocka_unit_test(test_errors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
