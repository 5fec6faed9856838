/*
 * test-ui-terminal.c: the terminal layer without a tty (headless): one
 * terminal at a time, its size, and key decoding: an escape sequence
 * curses does not know is one unknown key, never Esc and its characters.
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
test_one_terminal(void **state)
{
	struct ui_term_opts	 o;
	struct ui_term		*t;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.headless_cols = 80;
	o.headless_rows = 24;
	t = ui_term_new(&o, &cause);
	assert_non_null(t);
	assert_null(ui_term_new(&o, &cause));
	assert_string_equal(cause, "the terminal is already in use");
	free(cause);
	assert_int_equal(ui_term_cols(t), 80);
	assert_int_equal(ui_term_rows(t), 24);
	assert_int_equal(ui_term_fd(t), -1);	/* headless */
	ui_term_set_size(t, 100, 30);
	assert_int_equal(ui_term_cols(t), 100);
	assert_int_equal(ui_term_rows(t), 30);
	ui_term_free(t);
	/* Given back: a new one may start. */
	t = ui_term_new(&o, &cause);
	assert_non_null(t);
	ui_term_free(t);
}

/* Bytes as the terminal would send them, into curses' input queue. */
static void
feed(const char *bytes)
{
	size_t	 n = strlen(bytes);

	/* ungetch() pushes at the front: the last byte first. */
	while (n-- > 0)
		ungetch((unsigned char)bytes[n]);
}

static void
test_term_keys(void **state)
{
	struct ui_term_opts	 o;
	struct ui_term		*t;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.headless_cols = 80;
	o.headless_rows = 24;
	t = ui_term_new(&o, &cause);
	assert_non_null(t);
	/* The headless size set at the start queued a resize. */
	assert_int_equal(ui_term_key(t), UI_KEY_FN(KEY_RESIZE));
	assert_int_equal(ui_term_key(t), UI_KEY_NONE);
	/* An unknown CSI sequence: one unknown key, not Esc and digits. */
	feed("\033[99~x");
	assert_int_equal(ui_term_key(t), UI_KEY_UNKNOWN);
	assert_int_equal(ui_term_key(t), 'x');
	assert_int_equal(ui_term_key(t), UI_KEY_NONE);
	/* With parameters and intermediates, and an unknown SS3. */
	feed("\033[1;2;3$zy\033Oz");
	assert_int_equal(ui_term_key(t), UI_KEY_UNKNOWN);
	assert_int_equal(ui_term_key(t), 'y');
	assert_int_equal(ui_term_key(t), UI_KEY_UNKNOWN);
	assert_int_equal(ui_term_key(t), UI_KEY_NONE);
	/* Esc alone, and Esc then a character: both kept. */
	feed("\033");
	assert_int_equal(ui_term_key(t), UI_KEY_ESC);
	feed("\033q");
	assert_int_equal(ui_term_key(t), UI_KEY_ESC);
	assert_int_equal(ui_term_key(t), 'q');
	/* A key curses knows still arrives as that key. */
	ungetch(KEY_UP);
	assert_int_equal(ui_term_key(t), UI_KEY_FN(KEY_UP));
	/* UTF-8 bytes make one character. */
	feed("\xc3\xa9");
	assert_int_equal(ui_term_key(t), 0xe9);
	/* Readable with nothing to read, twenty times: gone. */
	assert_false(ui_term_hangup(t, 1));
	for (int i = 0; i < 19; i++)
		assert_false(ui_term_hangup(t, 0));
	assert_true(ui_term_hangup(t, 0));
	ui_term_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_terminal),
		cmocka_unit_test(test_term_keys),
	};

	setenv("TERM", "xterm-256color", 1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
