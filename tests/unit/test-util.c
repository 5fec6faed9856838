/* test-util.c: util.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static void
test_buf(void **state)
{
	struct buf	 b = { 0 };
	char		*s;
	int		 i;

	(void)state;
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	s = buf_steal(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(s + strlen(s) - 4, "999,");
	free(s);
}

/* Terminal escapes in remote data or config values become '?'. */
static void
test_clean(void **state)
{
	char	*s;

	(void)state;
	s = util_clean("bbb-01\033]0;pwned\a\033[2J");
	assert_string_equal(s, "bbb-01?]0;pwned??[2J");
	free(s);
	s = util_clean("a\xc2\x9b" "2J\x7f\r\n\tb");	/* C1 CSI, DEL */
	assert_string_equal(s, "a??2J????b");
	free(s);
	s = util_clean("caf\xc3\xa9 \xe2\x96\x81 \xff\xc0\x80");
	assert_string_equal(s, "caf\xc3\xa9 \xe2\x96\x81 ???");
	free(s);
	assert_null(util_clean(NULL));
}

static void
test_base64(void **state)
{
	char	*s;
	size_t	 n;

	(void)state;
	s = util_base64_decode("c2VjcmV0", 8, &n);
	assert_int_equal(n, 6);
	assert_memory_equal(s, "secret", 6);
	free(s);
	s = util_base64_decode("YQ==", 4, &n);
	assert_int_equal(n, 1);
	assert_string_equal(s, "a");
	free(s);
	s = util_base64_decode("YWI", 3, &n);	/* no padding */
	assert_string_equal(s, "ab");
	free(s);
	s = util_base64_decode("", 0, &n);
	assert_int_equal(n, 0);
	free(s);
	assert_null(util_base64_decode("YQ==YQ", 6, &n));
	assert_null(util_base64_decode("a b", 3, &n));
}

static void
test_write_atomic(void **state)
{
	char	 dir[] = "/tmp/test-util.XXXXXX", *path, *text, *cause = NULL;
	size_t	 len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/c.conf", dir);
	assert_int_equal(util_write_atomic(path, "[ssh]\n", 6, 0600,
	    &cause), 0);
	text = util_read_file(path, 1024 * 1024, &len, &cause);
	assert_non_null(text);
	assert_int_equal(len, 6);
	assert_memory_equal(text, "[ssh]\n", 6);
	free(text);
	assert_int_equal(access(path, R_OK), 0);
	unlink(path);
	/* A directory that is not there: an error, nothing left. */
	free(path);
	path = xasprintf("%s/no/c.conf", dir);
	assert_int_equal(util_write_atomic(path, "x", 1, 0600, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
	rmdir(dir);
}

static void
test_parse_ll(void **state)
{
	long long	 v;
	const char	*cause;

	(void)state;
	assert_int_equal(util_parse_ll("42", 0, 100, &v, &cause), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_ll("42x", 0, 100, &v, &cause), -1);
	assert_string_equal(cause, "not a number");
	assert_int_equal(util_parse_ll("101", 0, 100, &v, &cause), -1);
	assert_string_equal(cause, "too large");
	assert_int_equal(util_parse_ll("-1", 0, 100, &v, &cause), -1);
	assert_string_equal(cause, "too small");
	assert_int_equal(util_parse_ll("", 0, 100, &v, &cause), -1);
	assert_int_equal(util_parse_ll(" 1", 0, 100, &v, &cause), -1);
	assert_int_equal(util_parse_ll("99999999999999999999", 0, 100, &v,
	    &cause), -1);
}

static void
test_duration(void **state)
{
	int64_t		 ms;
	const char	*cause;

	(void)state;
	assert_int_equal(util_parse_duration_ms("2s", &ms, &cause), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(util_parse_duration_ms("250ms", &ms, &cause), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(util_parse_duration_ms("5m", &ms, &cause), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(util_parse_duration_ms("3", &ms, &cause), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(util_parse_duration_ms("3x", &ms, &cause), -1);
	assert_int_equal(util_parse_duration_ms("-3s", &ms, &cause), -1);
	assert_int_equal(util_parse_duration_ms("nan", &ms, &cause), -1);
}

static void
test_fmt(void **state)
{
	char	 b[16];

	(void)state;
	assert_string_equal(util_fmt_age(4000, b, sizeof b), "4s");
	assert_string_equal(util_fmt_age(1500, b, sizeof b), "1.5s");
	assert_string_equal(util_fmt_age(180000, b, sizeof b), "3m");
	assert_string_equal(util_fmt_age(7200000, b, sizeof b), "2h");
	assert_string_equal(util_fmt_bytes(512, b, sizeof b), "512B");
	assert_string_equal(util_fmt_bytes(120.0 * 1024 * 1024, b, sizeof b),
	    "120M");
	assert_string_equal(util_fmt_bytes(NAN, b, sizeof b), "-");
}

static void
test_levenshtein(void **state)
{
	(void)state;
	assert_int_equal(util_levenshtein("secret", "secret"), 0);
	assert_int_equal(util_levenshtein("secert", "secret"), 2);
	assert_int_equal(util_levenshtein("url", "URL"), 0);
	assert_int_equal(util_levenshtein("", "abc"), 3);
}

static void
test_url(void **state)
{
	char	*s, sum[65];

	(void)state;
	s = util_url_join("http://h:1/v2-beta/", "/projects?limit=5");
	assert_string_equal(s, "http://h:1/v2-beta/projects?limit=5");
	free(s);
	s = util_urlencode("a b&c=d/é~");
	assert_string_equal(s, "a%20b%26c%3Dd%2F%C3%A9~");
	free(s);
	/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
	util_sha256_hex("abc", sum);
	assert_string_equal(sum, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_parse_ll),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_levenshtein),
		cmocka_unit_test(test_url),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
