/* test-mask.c: mask.c, the secrets masked in every form sent */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "mask.h"
#include "util.h"

static int
teardown(void **state)
{
	(void)state;
	mask_clear();
	return (0);
}

static void
assert_masked(const char *in, const char *want)
{
	char	*s = mask_text(in);

	assert_string_equal(s, want);
	free(s);
}

static void
test_forms(void **state)
{
	(void)state;
	mask_add("p@ss word/+=x\"y");
	mask_add_basic("bbbctl", "hunter22");
	/* raw, URL-encoded, JSON-escaped */
	assert_masked("a p@ss word/+=x\"y b", "a ******** b");
	assert_masked("q=p%40ss%20word%2F%2B%3Dx%22y&", "q=********&");
	assert_masked("{\"s\":\"p@ss word\\/+=x\\\"y\"}", "{\"s\":\"********\"}");
	/* base64 of bbbctl:hunter22, and the password alone */
	assert_masked("Authorization: Basic YmJiY3RsOmh1bnRlcjIy\n",
	    "Authorization: Basic ********\n");
	assert_masked("hunter22hunter22", "****************");
	assert_masked("nothing here", "nothing here");
	assert_true(mask_has("xx hunter22"));
	assert_false(mask_has("hunter2"));
	assert_null(mask_text(NULL));
}

static void
test_short(void **state)
{
	(void)state;
	mask_add("abc");		/* too short to search */
	mask_add(NULL);
	mask_add_basic("u", NULL);
	assert_int_equal(mask_longest(), 0);
	assert_masked("abc abc", "abc abc");
}

/* A reflected secret across the describe cut is masked whole. */
static void
test_describe_cut(void **state)
{
	struct http_response	 r;
	struct buf		 b = { 0 };
	const char		*secret = "S3cr3t-S3cr3t-S3cr3t-S3cr3t-0123";
	char			*d;
	size_t			 i, pad;

	(void)state;
	mask_add(secret);
	for (pad = 150; pad < 260; pad++) {
		buf_reset(&b);
		for (i = 0; i < pad; i++)
			buf_addc(&b, 'x');
		buf_adds(&b, secret);
		buf_adds(&b, " tail");
		memset(&r, 0, sizeof r);
		r.status = 500;
		r.body = b.data;
		r.len = b.len;
		d = http_response_describe(&r);
		assert_null(strstr(d, "S3cr3t"));
		free(d);
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_forms, teardown),
		cmocka_unit_test_teardown(test_short, teardown),
		cmocka_unit_test_teardown(test_describe_cut, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
