/*
 * test-ui-form.c: the form widget's model without a terminal (editing,
 * focus, validation, choices, secrets, Esc keeping the values, the
 * secret's memory wiped) and one drawing on a headless terminal (the
 * mask, the error line, nothing of the secret).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/form.h"
#include "ui/ui-int.h"

#define K_LEFT	UI_KEY_FN(KEY_LEFT)
#define K_RIGHT	UI_KEY_FN(KEY_RIGHT)
#define K_HOME	UI_KEY_FN(KEY_HOME)
#define K_END	UI_KEY_FN(KEY_END)
#define K_DEL	UI_KEY_FN(KEY_DC)
#define K_BS	UI_KEY_FN(KEY_BACKSPACE)
#define K_UP	UI_KEY_FN(KEY_UP)
#define K_DOWN	UI_KEY_FN(KEY_DOWN)
#define K_BTAB	UI_KEY_FN(KEY_BTAB)

static enum ui_form_res
type(struct ui_form *f, const char *s)
{
	enum ui_form_res r = UI_FORM_EDITING;

	while (*s != '\0')
		r = ui_form_key(f, (unsigned char)*s++);
	return (r);
}

static int	 checks;

static char *
check_even(const char *v, void *arg)
{
	checks++;
	assert_ptr_equal(arg, &checks);
	if (strlen(v) % 2 != 0)
		return (xstrdup("an even length, please"));
	return (NULL);
}

static void
test_editing(void **state)
{
	struct ui_form	*f;

	f = ui_form_new("t", NULL);
	assert_int_equal(ui_form_add(f, UI_FORM_TEXT, "a", "A", NULL,
	    "hello"), 0);
	/* The cursor starts at the end of the default. */
	type(f, " world");
	assert_string_equal(ui_form_value(f, 0), "hello world");
	ui_form_key(f, K_HOME);
	type(f, ">");
	assert_string_equal(ui_form_value(f, 0), ">hello world");
	ui_form_key(f, K_RIGHT);
	ui_form_key(f, K_DEL);
	assert_string_equal(ui_form_value(f, 0), ">hllo world");
	ui_form_key(f, K_BS);		/* the 'h' before the cursor */
	assert_string_equal(ui_form_value(f, 0), ">llo world");
	ui_form_key(f, K_END);
	ui_form_key(f, UI_KEY_CTRL('w'));
	assert_string_equal(ui_form_value(f, 0), ">llo ");
	ui_form_key(f, UI_KEY_CTRL('w'));
	assert_string_equal(ui_form_value(f, 0), "");
	type(f, "abc");
	ui_form_key(f, K_LEFT);
	ui_form_key(f, UI_KEY_CTRL('u'));
	assert_string_equal(ui_form_value(f, 0), "c");
	/* Left at the start and Right at the end stay put. */
	ui_form_key(f, K_LEFT);
	ui_form_key(f, K_LEFT);
	type(f, "x");
	assert_string_equal(ui_form_value(f, 0), "xc");
	ui_form_key(f, K_END);
	ui_form_key(f, K_RIGHT);
	type(f, "y");
	assert_string_equal(ui_form_value(f, 0), "xcy");
	/* Control characters and unknown keys type nothing. */
	ui_form_key(f, 0x01 + 2);
	ui_form_key(f, UI_KEY_UNKNOWN);
	assert_string_equal(ui_form_value(f, 0), "xcy");
	ui_form_free(f);
}

static void
test_utf8(void **state)
{
	struct ui_form	*f;

	f = ui_form_new("t", NULL);
	ui_form_add(f, UI_FORM_TEXT, "a", "A", NULL, NULL);
	ui_form_key(f, 'n');
	ui_form_key(f, 0xe9);		/* é: two bytes */
	ui_form_key(f, 0x20ac);		/* €: three */
	ui_form_key(f, 0x1f600);	/* an emoji: four */
	assert_string_equal(ui_form_value(f, 0),
	    "n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	ui_form_key(f, K_LEFT);		/* before the emoji */
	ui_form_key(f, K_BS);		/* takes the whole euro sign */
	assert_string_equal(ui_form_value(f, 0), "n\xc3\xa9\xf0\x9f\x98\x80");
	ui_form_key(f, K_LEFT);
	ui_form_key(f, K_DEL);		/* the whole é */
	assert_string_equal(ui_form_value(f, 0), "n\xf0\x9f\x98\x80");
	ui_form_free(f);
}

/* Control characters are refused: C0, DEL and C1 (U+0080 to U+009F). */
static void
test_controls(void **state)
{
	struct ui_form	*f;
	int		 key;

	(void)state;
	f = ui_form_new("t", NULL);
	ui_form_add(f, UI_FORM_TEXT, "a", "A", NULL, NULL);
	ui_form_key(f, 'a');
	for (key = 0; key < 0x20; key++) {
		if (key != '\t' && key != '\r' && key != '\n' &&
		    key != UI_KEY_ESC && key != UI_KEY_CTRL('h'))
			ui_form_key(f, key);
	}
	ui_form_key(f, 0x7f);
	assert_string_equal(ui_form_value(f, 0), "");
	ui_form_key(f, 'a');
	for (key = 0x80; key <= 0x9f; key++)
		ui_form_key(f, key);
	ui_form_key(f, 0xa0);		/* no-break space: printable */
	ui_form_key(f, 'b');
	assert_string_equal(ui_form_value(f, 0), "a\xc2\xa0" "b");
	ui_form_free(f);
}

static void
test_focus_and_validation(void **state)
{
	struct ui_form	*f;
	size_t		 a, n;

	f = ui_form_new("t", "intro");
	a = ui_form_add(f, UI_FORM_TEXT, "a", "A", "help a", NULL);
	n = ui_form_add(f, UI_FORM_NUMBER, "n", "N", NULL, "5");
	ui_form_set_required(f, a, true);
	ui_form_set_check(f, a, check_even, &checks);
	ui_form_set_range(f, n, 1, 10);
	assert_int_equal(ui_form_focus(f), 0);
	assert_null(ui_form_error(f, a));
	/* Leaving an empty required field: its error. */
	assert_int_equal(ui_form_key(f, '\t'), UI_FORM_EDITING);
	assert_int_equal(ui_form_focus(f), 1);
	assert_non_null(ui_form_error(f, a));
	assert_non_null(strstr(ui_form_error(f, a), "required"));
	/* Tab wraps; Shift-Tab and Up go back; Down forward. */
	ui_form_key(f, '\t');
	assert_int_equal(ui_form_focus(f), 0);
	ui_form_key(f, K_BTAB);
	assert_int_equal(ui_form_focus(f), 1);
	ui_form_key(f, K_UP);
	assert_int_equal(ui_form_focus(f), 0);
	/* Typing clears the error; the callback sees the value. */
	type(f, "abc");
	assert_null(ui_form_error(f, a));
	checks = 0;
	ui_form_key(f, K_DOWN);
	assert_int_equal(checks, 1);
	assert_string_equal(ui_form_error(f, a), "an even length, please");
	/* Enter with an error: focus on the first bad field, no submit. */
	assert_int_equal(ui_form_key(f, '\r'), UI_FORM_EDITING);
	assert_int_equal(ui_form_focus(f), 0);
	type(f, "d");
	/* The number: out of range, then fine. */
	ui_form_key(f, '\t');
	ui_form_key(f, K_BS);
	type(f, "11");
	assert_int_equal(ui_form_key(f, '\r'), UI_FORM_EDITING);
	assert_int_equal(ui_form_focus(f), n);
	assert_string_equal(ui_form_error(f, n), "must be from 1 to 10");
	ui_form_key(f, UI_KEY_CTRL('u'));
	assert_int_equal(ui_form_key(f, '\r'), UI_FORM_EDITING);
	assert_non_null(ui_form_error(f, n));
	type(f, "10");
	assert_int_equal(ui_form_key(f, '\r'), UI_FORM_SUBMIT);
	assert_int_equal(ui_form_check_all(f), 0);
	assert_string_equal(ui_form_get(f, "a"), "abcd");
	assert_string_equal(ui_form_get(f, "n"), "10");
	assert_null(ui_form_get(f, "nope"));
	/* Esc cancels and keeps every value. */
	type(f, "0");
	assert_int_equal(ui_form_key(f, UI_KEY_ESC), UI_FORM_CANCEL);
	assert_string_equal(ui_form_get(f, "n"), "100");
	assert_string_equal(ui_form_get(f, "a"), "abcd");
	/* Out of range indexes: nothing happens. */
	ui_form_set_value(f, 7, "x");
	assert_null(ui_form_value(f, 7));
	assert_null(ui_form_error(f, 7));
	ui_form_free(f);
}

static void
test_number(void **state)
{
	struct ui_form	*f;
	size_t		 p, s;

	f = ui_form_new("t", NULL);
	p = ui_form_add(f, UI_FORM_NUMBER, "p", "P", NULL, NULL);
	ui_form_set_range(f, p, 0, 9);
	s = ui_form_add(f, UI_FORM_NUMBER, "s", "S", NULL, NULL);
	ui_form_set_range(f, s, -5, 5);
	type(f, "-1a2 .");
	assert_string_equal(ui_form_value(f, p), "12");
	ui_form_key(f, '\t');
	type(f, "3");
	ui_form_key(f, K_HOME);
	type(f, "--");
	assert_string_equal(ui_form_value(f, s), "-3");
	ui_form_free(f);
}

static void
test_choice(void **state)
{
	static const char *const c[] = { "alpha", "beta", "gamma" };
	struct ui_form	*f;
	size_t		 i;

	f = ui_form_new("t", NULL);
	i = ui_form_add(f, UI_FORM_CHOICE, "c", "C", NULL, NULL);
	ui_form_set_choices(f, i, c, 3);
	assert_string_equal(ui_form_value(f, i), "alpha");
	ui_form_key(f, K_RIGHT);
	assert_string_equal(ui_form_value(f, i), "beta");
	ui_form_key(f, ' ');
	assert_string_equal(ui_form_value(f, i), "gamma");
	ui_form_key(f, ' ');
	assert_string_equal(ui_form_value(f, i), "alpha");
	ui_form_key(f, K_LEFT);
	assert_string_equal(ui_form_value(f, i), "gamma");
	ui_form_key(f, 'b');
	assert_string_equal(ui_form_value(f, i), "beta");
	/* No typing into a choice. */
	ui_form_key(f, 'z');
	ui_form_key(f, K_BS);
	assert_string_equal(ui_form_value(f, i), "beta");
	ui_form_set_value(f, i, "gamma");
	assert_string_equal(ui_form_value(f, i), "gamma");
	ui_form_set_value(f, i, "delta");	/* not a choice: unchanged */
	assert_string_equal(ui_form_value(f, i), "gamma");
	assert_int_equal(ui_form_key(f, '\r'), UI_FORM_SUBMIT);
	/* A default names the choice made first; an unknown one: the first. */
	i = ui_form_add(f, UI_FORM_CHOICE, "d", "D", NULL, "beta");
	ui_form_set_choices(f, i, c, 3);
	assert_string_equal(ui_form_value(f, i), "beta");
	i = ui_form_add(f, UI_FORM_CHOICE, "e", "E", NULL, "omega");
	ui_form_set_choices(f, i, c, 3);
	assert_string_equal(ui_form_value(f, i), "alpha");
	ui_form_free(f);
}

static void
test_secret(void **state)
{
	struct ui_form	*f;
	const char	*v;
	size_t		 i, k;

	f = ui_form_new("t", NULL);
	i = ui_form_add(f, UI_FORM_SECRET, "s", "S", NULL, NULL);
	type(f, "abcdef");
	v = ui_form_value(f, i);
	/* The cursor stays at the end: Left and Home do not move it. */
	ui_form_key(f, K_LEFT);
	ui_form_key(f, K_HOME);
	type(f, "g");
	assert_string_equal(v, "abcdefg");
	ui_form_key(f, K_BS);
	assert_string_equal(v, "abcdef");
	/* ^U: gone, and the bytes behind it are wiped, not just cut. */
	ui_form_key(f, UI_KEY_CTRL('u'));
	assert_ptr_equal(ui_form_value(f, i), v);
	assert_string_equal(v, "");
	for (k = 0; k < 8; k++)
		assert_int_equal(v[k], 0);
	ui_form_free(f);
}

/* The text of the headless screen. */
static char *
screen_text(void)
{
	struct buf	 b;
	char		 line[512];
	int		 y, n;

	memset(&b, 0, sizeof b);
	for (y = 0; y < LINES; y++) {
		n = mvwinnstr(stdscr, y, 0, line, (int)sizeof line - 1);
		line[n < 0 ? 0 : n] = '\0';
		buf_adds(&b, line);
		buf_addc(&b, '\n');
	}
	return (buf_steal(&b));
}

static void
test_draw(void **state)
{
	static const char *const c[] = { "one", "two" };
	struct ui_term_opts	 o;
	struct ui_term		*t;
	struct ui_form		*f;
	char			*cause = NULL, *s, label[16];
	size_t			 i;

	memset(&o, 0, sizeof o);
	o.headless_cols = 80;
	o.headless_rows = 24;
	t = ui_term_new(&o, &cause);
	assert_non_null(t);
	f = ui_form_new("The title", "An intro line");
	i = ui_form_add(f, UI_FORM_TEXT, "a", "Name", "Help for name", NULL);
	ui_form_set_required(f, i, true);
	ui_form_add(f, UI_FORM_SECRET, "s", "Secret", "Help for secret",
	    "sw0rdfish");
	i = ui_form_add(f, UI_FORM_CHOICE, "c", "Pick", NULL, NULL);
	ui_form_set_choices(f, i, c, 2);
	ui_form_key(f, '\t');		/* leaves Name empty: its error */
	ui_form_show(f, t);
	s = screen_text();
	assert_non_null(strstr(s, "The title"));
	assert_non_null(strstr(s, "An intro line"));
	assert_non_null(strstr(s, "required: this cannot be empty"));
	assert_non_null(strstr(s, "Help for secret"));	/* focused */
	assert_null(strstr(s, "Help for name"));	/* not focused */
	assert_non_null(strstr(s, "********"));
	assert_null(strstr(s, "sw0rd"));
	assert_null(strstr(s, "fish"));
	assert_non_null(strstr(s, "< one >"));
	free(s);
	ui_form_free(f);

	/* More fields than rows: the focused one is always shown. */
	f = ui_form_new("Many", NULL);
	for (i = 0; i < 15; i++) {
		snprintf(label, sizeof label, "Field %02zu", i);
		ui_form_add(f, UI_FORM_TEXT, label, label, NULL, NULL);
	}
	ui_form_show(f, t);
	s = screen_text();
	assert_non_null(strstr(s, "Field 00"));
	assert_null(strstr(s, "Field 14"));
	free(s);
	ui_form_key(f, K_BTAB);		/* wraps to the last */
	ui_form_show(f, t);
	s = screen_text();
	assert_non_null(strstr(s, "Field 14"));
	assert_null(strstr(s, "Field 00"));
	free(s);
	ui_form_free(f);
	ui_term_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_focus_and_validation),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_draw),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
