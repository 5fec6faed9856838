/*
 * test-jscan.c: the streaming JSON reader on its own, and against
 * json_loadb() (flags 0) on every input: the same accept / reject.
 * Every input is copied into a heap buffer of its exact size (no NUL
 * after it) so that ASan sees any read past the end.  The same tests run
 * twice: test-jscan (the SIMD scan where the machine has it) and
 * test-jscan-scalar (jscan.c built with JSCAN_NO_SIMD).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "util.h"

/* The whole of s skipped: 0 valid, -1 not; *off where it failed. */
static int
scan(const char *s, size_t n, char *why, size_t whysz, size_t *off)
{
	struct jscan	 j;
	char		*b;
	int		 rc;

	b = xmalloc(n == 0 ? 1 : n);
	memcpy(b, s, n);
	jscan_init(&j, b, n);
	rc = jscan_end(&j);
	if (why != NULL)
		snprintf(why, whysz, "%s", rc == 0 ? "" : jscan_error(&j));
	if (off != NULL)
		*off = jscan_offset(&j);
	if (rc != 0) {
		assert_non_null(jscan_error(&j));
		assert_true(jscan_offset(&j) <= n);
	}
	jscan_free(&j);
	free(b);
	return (rc);
}

static int
jansson(const char *s, size_t n)
{
	json_t		*j;
	json_error_t	 e;

	if ((j = json_loadb(s, n, 0, &e)) == NULL)
		return (-1);
	json_decref(j);
	return (0);
}

/* jscan and jansson agree on s; returns the verdict. */
static int
agree(const char *s, size_t n)
{
	int	 a, b;

	a = scan(s, n, NULL, 0, NULL);
	b = jansson(s, n);
	if (a != b) {
		print_error("jscan %d, jansson %d on %zu bytes: %.*s\n", a, b,
		    n, (int)(n > 200 ? 200 : n), s);
		fail();
	}
	return (a);
}

#define OK(s)	assert_int_equal(agree((s), sizeof (s) - 1), 0)
#define BAD(s)	assert_int_equal(agree((s), sizeof (s) - 1), -1)

static void
test_grammar(void **state)
{
	(void)state;
	OK("{}");
	OK("[]");
	OK(" \t\r\n[ 1 , 2 ]\n ");
	OK("{\"a\":{\"b\":[true,false,null,{}]},\"c\":\"\"}");
	OK("{\"a\":1,\"a\":2}");		/* duplicates: the last wins */
	OK("[1\0]");			/* jansson loses a NUL after a token */
	OK("[true\0,null\0]");
	BAD("[1\0\0]");
	BAD("[\"a\"\0]");
	BAD("[]\0");
	BAD("\0[]");
	BAD("");
	BAD(" ");
	BAD("1");			/* the top must be an object or array */
	BAD("\"a\"");
	BAD("true");
	BAD("null");
	BAD("[");
	BAD("[1");
	BAD("[1,");
	BAD("[1,]");
	BAD("[,1]");
	BAD("[1 2]");
	BAD("{");
	BAD("{\"a\"");
	BAD("{\"a\":");
	BAD("{\"a\":1");
	BAD("{\"a\":1,}");
	BAD("{\"a\" 1}");
	BAD("{1:1}");
	BAD("{\"a\":1 \"b\":2}");
	BAD("[}");
	BAD("{]");
	BAD("[] []");
	BAD("[]x");
	BAD("[tru]");
	BAD("[truex]");
	BAD("[True]");
	BAD("[nul]");
	BAD("[nulll]");
	BAD("[falsee]");
	BAD("[undefined]");
	BAD("['a']");
	BAD("[\v1]");
	BAD("[\f1]");
	BAD("\xef\xbb\xbf[]");		/* no BOM */
	BAD("[\xc3\xa9]");		/* UTF-8 outside strings */
}

static void
test_numbers(void **state)
{
	struct jscan		 j;
	struct jscan_val	 v;
	static const char	*nums[] = { "0", "-0", "1", "-1", "10", "0.5",
				    "-0.5", "1e5", "1E5", "1e+5", "1e-5",
				    "1.5e3", "123456789012345678",
				    "9223372036854775807",
				    "-9223372036854775808", "1e308",
				    "1.7976931348623157e308", "1e-400",
				    "0.000001", "1234567890.0987654321",
				    "100000000000000000000000000000e-20",
				    "0e1000", "0.0e999999",
				    "4.9e-324", "2.5e-324" };
	char			 buf[128];
	json_t			*d;
	double			 x;
	size_t			 i;

	(void)state;
	BAD("[01]");
	BAD("[-01]");
	BAD("[00]");
	BAD("[1.]");
	BAD("[.5]");
	BAD("[-]");
	BAD("[+1]");
	BAD("[1e]");
	BAD("[1e+]");
	BAD("[1.e5]");
	BAD("[0x10]");
	BAD("[1e400]");
	BAD("[-1e400]");
	BAD("[1.8e308]");
	BAD("[1000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "000000.0]");
	BAD("[1e99999999999999999999999]");
	BAD("[1e309]");
	OK("[1e-99999999999999999999999]");
	BAD("[9223372036854775808]");
	BAD("[-9223372036854775809]");
	BAD("[99999999999999999999999999999999999999]");
	BAD("[NaN]");
	BAD("[Infinity]");
	BAD("[-Infinity]");
	BAD("[1_000]");
	BAD("[1 000]");

	for (i = 0; i < nitems(nums); i++) {
		snprintf(buf, sizeof buf, "[%s]", nums[i]);
		assert_int_equal(agree(buf, strlen(buf)), 0);
		d = json_loadb(buf, strlen(buf), 0, NULL);
		jscan_init(&j, buf, strlen(buf));
		assert_int_equal(jscan_begin_array(&j), 0);
		assert_int_equal(jscan_next_elem(&j), 1);
		assert_int_equal(jscan_read(&j, &v), 0);
		if (json_is_integer(json_array_get(d, 0))) {
			assert_int_equal(v.type, JSCAN_INT);
			assert_true(v.i ==
			    json_integer_value(json_array_get(d, 0)));
		} else {
			assert_int_equal(v.type, JSCAN_REAL);
			x = jscan_val_double(&v);
			assert_memory_equal(&x, &(double){ json_real_value(
			    json_array_get(d, 0)) }, sizeof x);
		}
		assert_int_equal(jscan_end(&j), 0);
		jscan_free(&j);
		json_decref(d);
	}
}

/* Read the one string of [<s>] into out; -1 when rejected. */
static int
read_string(const char *s, char *out, size_t outsz, bool *zerocopy)
{
	struct jscan		 j;
	struct jscan_val	 v;
	const char		*p;
	char			*b, *dup;
	size_t			 n, len = strlen(s);
	int			 rc = -1;

	b = xmalloc(len);
	memcpy(b, s, len);
	jscan_init(&j, b, len);
	if (jscan_begin_array(&j) != 0 || jscan_next_elem(&j) != 1 ||
	    jscan_read(&j, &v) != 0 || jscan_end(&j) != 0)
		goto out;
	assert_int_equal(v.type, JSCAN_STRING);
	p = jscan_val_str(&j, &v, &n);
	assert_true(n < outsz);
	memcpy(out, p, n);
	out[n] = '\0';
	*zerocopy = p >= b && p < b + len;
	dup = jscan_val_strdup(&v);
	assert_string_equal(dup, out);
	assert_true(jscan_val_is(&j, &v, dup));
	free(dup);
	rc = 0;
out:
	jscan_free(&j);
	free(b);
	return (rc);
}

static void
test_strings(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: rejected */
	} t[] = {
		{ "[\"\"]", "" },
		{ "[\"abc\"]", "abc" },
		{ "[\"a\\\"b\\\\c\\/d\"]", "a\"b\\c/d" },
		{ "[\"\\b\\f\\n\\r\\t\"]", "\b\f\n\r\t" },
		{ "[\"\\u0041\\u00e9\\u20AC\"]", "A\xc3\xa9\xe2\x82\xac" },
		{ "[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80" },
		{ "[\"\\uDBFF\\uDFFF\"]", "\xf4\x8f\xbf\xbf" },
		{ "[\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"]",
		    "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf" },
		{ "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
		    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "[\"\x7f\"]", "\x7f" },
		{ "[\"\\u0000\"]", NULL },
		{ "[\"\\ud800\"]", NULL },
		{ "[\"\\udc00\"]", NULL },
		{ "[\"\\ude00\\ud83d\"]", NULL },
		{ "[\"\\ud800\\u0041\"]", NULL },
		{ "[\"\\ud800\\ud800\"]", NULL },
		{ "[\"\\ud800x\"]", NULL },
		{ "[\"\\ud800\\\"]", NULL },
		{ "[\"\\u12\"]", NULL },
		{ "[\"\\u12g4\"]", NULL },
		{ "[\"\\x41\"]", NULL },
		{ "[\"\\a\"]", NULL },
		{ "[\"\\'\"]", NULL },
		{ "[\"\\", NULL },
		{ "[\"abc", NULL },
		{ "[\"a\nb\"]", NULL },
		{ "[\"a\tb\"]", NULL },
		{ "[\"\x01\"]", NULL },
		{ "[\"\x1f\"]", NULL },
		{ "[\"\x80\"]", NULL },
		{ "[\"\xbf\"]", NULL },
		{ "[\"\xc0\x80\"]", NULL },		/* overlong NUL */
		{ "[\"\xc1\xbf\"]", NULL },
		{ "[\"\xc2\"]", NULL },			/* cut short */
		{ "[\"\xc2\x41\"]", NULL },
		{ "[\"\xe0\x80\x80\"]", NULL },		/* overlong */
		{ "[\"\xe0\x9f\xbf\"]", NULL },
		{ "[\"\xe0\xa0\x80\"]", "\xe0\xa0\x80" },
		{ "[\"\xed\x9f\xbf\"]", "\xed\x9f\xbf" },
		{ "[\"\xed\xa0\x80\"]", NULL },		/* surrogate */
		{ "[\"\xed\xbf\xbf\"]", NULL },
		{ "[\"\xef\xbf\xbf\"]", "\xef\xbf\xbf" },
		{ "[\"\xf0\x8f\xbf\xbf\"]", NULL },	/* overlong */
		{ "[\"\xf0\x90\x80\x80\"]", "\xf0\x90\x80\x80" },
		{ "[\"\xf4\x8f\xbf\xbf\"]", "\xf4\x8f\xbf\xbf" },
		{ "[\"\xf4\x90\x80\x80\"]", NULL },	/* > U+10FFFF */
		{ "[\"\xf5\x80\x80\x80\"]", NULL },
		{ "[\"\xff\"]", NULL },
		{ "[\"\xe2\x82\"]", NULL },
		{ "[\"\xf0\x9f\x98\"]", NULL },
	};
	char	 out[256];
	size_t	 i;
	bool	 zc;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		assert_int_equal(agree(t[i].in, strlen(t[i].in)),
		    t[i].out != NULL ? 0 : -1);
		if (t[i].out == NULL) {
			assert_int_equal(read_string(t[i].in, out, sizeof out,
			    &zc), -1);
			continue;
		}
		assert_int_equal(read_string(t[i].in, out, sizeof out, &zc),
		    0);
		assert_string_equal(out, t[i].out);
		assert_int_equal(zc, strchr(t[i].in, '\\') == NULL);
	}
}

/*
 * Strings of every length to 70 with one special byte sequence at
 * every place: the word and vector scans must find each at any
 * alignment and near the end of the buffer.
 */
static void
test_string_alignment(void **state)
{
	static const char *const specials[] = { "\"", "\\n", "\\u00e9",
	    "\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
	    "\x01", "\x1f", "\x7f", "\x80", "\xc3", "\xed\xa0\x80", "\\",
	    "\\u0000", "\n", " " };
	char		 buf[128], out[128];
	size_t		 len, at, k, n;
	bool		 zc;
	int		 rc;

	(void)state;
	for (len = 0; len < 70; len++) {
		for (at = 0; at <= len; at++) {
			for (k = 0; k < nitems(specials); k++) {
				n = 0;
				buf[n++] = '[';
				buf[n++] = '"';
				memset(buf + n, 'a', at);
				n += at;
				memcpy(buf + n, specials[k],
				    strlen(specials[k]));
				n += strlen(specials[k]);
				memset(buf + n, 'b', len - at);
				n += len - at;
				buf[n++] = '"';
				buf[n++] = ']';
				rc = agree(buf, n);
				/* and cut before the closing quote */
				assert_int_equal(agree(buf, n - 2), -1);
				buf[n] = '\0';
				if (rc == 0) {
					assert_int_equal(read_string(buf, out,
					    sizeof out, &zc), 0);
					assert_int_equal(zc,
					    strchr(specials[k], '\\') == NULL);
				}
			}
		}
	}
}

static void
test_depth(void **state)
{
	char	*b;
	size_t	 d, n;

	(void)state;
	b = xmalloc(7 * (JSCAN_MAX_DEPTH + 2));
	for (d = JSCAN_MAX_DEPTH - 1; d <= JSCAN_MAX_DEPTH + 1; d++) {
		/* d nested arrays: allowed to the limit */
		memset(b, '[', d);
		memset(b + d, ']', d);
		assert_int_equal(agree(b, 2 * d),
		    d <= JSCAN_MAX_DEPTH ? 0 : -1);
		/* a value inside d arrays is at level d + 1 */
		memset(b + d, ']', d);
		b[d] = '1';
		memset(b + d + 1, ']', d);
		assert_int_equal(agree(b, 2 * d + 1),
		    d + 1 <= JSCAN_MAX_DEPTH ? 0 : -1);
		/* objects: {"a":{"a":...{}}} */
		n = 0;
		for (size_t i = 0; i < d; i++) {
			memcpy(b + n, i + 1 < d ? "{\"a\":" : "{", i + 1 < d ?
			    5 : 1);
			n += i + 1 < d ? 5 : 1;
		}
		memset(b + n, '}', d);
		n += d;
		assert_int_equal(agree(b, n), d <= JSCAN_MAX_DEPTH ? 0 : -1);
	}
	/* hostile depth far beyond the limit, and unbalanced */
	free(b);
	b = xmalloc(1000000);
	memset(b, '[', 1000000);
	assert_int_equal(agree(b, 1000000), -1);
	free(b);
}

static const char sample[] =
    "{\"type\":\"collection\",\"data\":[{\"id\":\"1s12\",\"name\":\"bbb\","
    "\"scale\":2,\"ratio\":-1.5e-3,\"system\":false,\"x\":null,\"t\":true,"
    "\"ids\":[\"1i45\",\"1i\\u00e9\"],\"lc\":{\"imageUuid\":\"docker:r\\/b"
    ":beta4\",\"labels\":{}},\"txt\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
    " \\ud83d\\ude00\\n\"}],\"pagination\":{\"next\":null,\"partial\":"
    "false}}\n";

static void
test_truncation(void **state)
{
	size_t	 cut, off;
	char	 why[128];

	(void)state;
	assert_int_equal(agree(sample, sizeof sample - 1), 0);
	for (cut = 0; cut < sizeof sample - 2; cut++) {
		assert_int_equal(agree(sample, cut), -1);
		assert_int_equal(scan(sample, cut, why, sizeof why, &off), -1);
		assert_true(off <= cut);
		assert_true(*why != '\0');
	}
}

/* Every byte of the sample replaced by each of a set: as jansson. */
static void
test_mutation(void **state)
{
	static const char	 subst[] = "\0\x01\x1f \"\\/,:[]{}0-+.eEtfnu"
				    "a\x7f\x80\xbf\xc3\xed\xf0\xff";
	char			 b[sizeof sample];
	size_t			 at, k;

	(void)state;
	for (at = 0; at < sizeof sample - 1; at++) {
		for (k = 0; k < sizeof subst - 1; k++) {
			memcpy(b, sample, sizeof sample - 1);
			b[at] = subst[k];
			agree(b, sizeof sample - 1);
			/* and a byte inserted */
			memcpy(b, sample, at);
			b[at] = subst[k];
			memcpy(b + at + 1, sample + at, sizeof sample - 2 -
			    at);
			agree(b, sizeof sample - 1);
		}
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*in;
		const char	*why;
		size_t		 off;
	} t[] = {
		{ "", "'[' or '{' expected", 0 },
		{ "  7", "'[' or '{' expected", 2 },
		{ "[1,]", "invalid token", 3 },
		{ "[1 2]", "',' or ']' expected", 3 },
		{ "{\"a\":1 2}", "',' or '}' expected", 7 },
		{ "{\"a\" 1}", "':' expected", 5 },
		{ "{1}", "string or '}' expected", 1 },
		{ "[\"a", "premature end of input", 3 },
		{ "[1", "premature end of input", 2 },
		{ "[\"\\q\"]", "invalid escape", 2 },
		{ "[\"\\u0000\"]", "\\u0000 is not allowed", 2 },
		{ "[\"\\udc00\"]", "invalid Unicode '\\uDC00'", 2 },
		{ "[\"\\ud800\"]", "invalid Unicode '\\uD800'", 2 },
		{ "[\"a\x01\"]", "control character 0x1", 3 },
		{ "[\"\xff\"]", "unable to decode byte 0xff", 2 },
		{ "[9223372036854775808]", "too big integer", 1 },
		{ "[-9223372036854775809]", "too big negative integer", 1 },
		{ "[1e999]", "real number overflow", 1 },
		{ "[nul]", "invalid token", 1 },
		{ "[] 1", "end of file expected", 3 },
	};
	char	 why[128];
	size_t	 i, off;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		assert_int_equal(agree(t[i].in, strlen(t[i].in)), -1);
		assert_int_equal(scan(t[i].in, strlen(t[i].in), why,
		    sizeof why, &off), -1);
		if (strncmp(why, t[i].why, strlen(t[i].why)) != 0) {
			print_error("%s: \"%s\", want \"%s\"\n", t[i].in, why,
			    t[i].why);
			fail();
		}
		assert_int_equal(off, t[i].off);
	}
}

/* The cursor: keys, nesting, unread values, a stop half-way, misuse. */
static void
test_cursor(void **state)
{
	struct jscan		 j;
	struct jscan_val	 v;
	const char		*k, *s;
	size_t			 n, count;
	char			*b;
	int			 r;

	(void)state;
	b = xmalloc(sizeof sample - 1);
	memcpy(b, sample, sizeof sample - 1);
	jscan_init(&j, b, sizeof sample - 1);
	assert_int_equal(jscan_peek(&j), JSCAN_OBJECT);
	assert_int_equal(jscan_begin_object(&j), 0);
	count = 0;
	while ((r = jscan_next_key(&j, &k, &n)) == 1) {
		count++;
		if (n == 4 && memcmp(k, "data", 4) == 0) {
			assert_int_equal(jscan_peek(&j), JSCAN_ARRAY);
			assert_int_equal(jscan_begin_array(&j), 0);
			assert_int_equal(jscan_next_elem(&j), 1);
			assert_int_equal(jscan_begin_object(&j), 0);
			assert_int_equal(jscan_next_key(&j, &k, &n), 1);
			assert_int_equal(n, 2);
			assert_memory_equal(k, "id", 2);
			assert_int_equal(jscan_read(&j, &v), 0);
			assert_int_equal(v.type, JSCAN_STRING);
			assert_true(jscan_val_is(&j, &v, "1s12"));
			assert_false(jscan_val_is(&j, &v, "1s1"));
			/* the rest of the element and array unread */
			assert_int_equal(jscan_next_key(&j, &k, &n), 1);
			assert_memory_equal(k, "name", 4);
			while (jscan_next_key(&j, &k, &n) == 1) {
				if (n == 5 && memcmp(k, "scale", 5) == 0) {
					assert_int_equal(jscan_peek(&j),
					    JSCAN_INT);
					assert_int_equal(jscan_read(&j, &v),
					    0);
					assert_int_equal(v.i, 2);
				} else if (n == 3 && memcmp(k, "ids", 3) == 0) {
					assert_int_equal(jscan_read(&j, &v),
					    0);
					assert_int_equal(v.type, JSCAN_ARRAY);
					assert_int_equal(v.n, strlen(
					    "[\"1i45\",\"1i\\u00e9\"]"));
				}
			}
			assert_int_equal(jscan_next_elem(&j), 0);
		} else if (n == 4 && memcmp(k, "type", 4) == 0) {
			assert_int_equal(jscan_read(&j, &v), 0);
			s = jscan_val_str(&j, &v, &n);
			assert_int_equal(n, 10);
			assert_memory_equal(s, "collection", 10);
			assert_true(s > b && s < b + sizeof sample);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, 3);
	assert_int_equal(jscan_end(&j), 0);
	assert_null(jscan_error(&j));
	/* nothing more to read */
	assert_int_equal(jscan_read(&j, &v), -1);
	assert_non_null(jscan_error(&j));
	jscan_free(&j);

	/* A stop half-way: jscan_end() checks the rest. */
	jscan_init(&j, b, sizeof sample - 1);
	assert_int_equal(jscan_begin_object(&j), 0);
	assert_int_equal(jscan_next_key(&j, &k, &n), 1);
	assert_int_equal(jscan_end(&j), 0);
	jscan_free(&j);
	b[sizeof sample - 3] = ']';	/* the last } */
	jscan_init(&j, b, sizeof sample - 1);
	assert_int_equal(jscan_begin_object(&j), 0);
	assert_int_equal(jscan_next_key(&j, &k, &n), 1);
	assert_int_equal(jscan_end(&j), -1);
	assert_int_equal(jscan_offset(&j), sizeof sample - 3);
	jscan_free(&j);

	/* Misuse fails cleanly. */
	jscan_init(&j, "[1]", 3);
	assert_int_equal(jscan_begin_object(&j), -1);
	assert_int_equal(jscan_next_elem(&j), -1);
	jscan_free(&j);
	jscan_init(&j, "[1]", 3);
	assert_int_equal(jscan_next_key(&j, &k, &n), -1);
	jscan_free(&j);
	jscan_init(&j, NULL, 0);
	assert_int_equal(jscan_peek(&j), JSCAN_NONE);
	assert_int_equal(jscan_end(&j), -1);
	jscan_free(&j);

	/* Escaped keys come unescaped. */
	jscan_init(&j, "{\"\\u0069\\u0064\":1}", 18);
	assert_int_equal(jscan_begin_object(&j), 0);
	assert_int_equal(jscan_next_key(&j, &k, &n), 1);
	assert_int_equal(n, 2);
	assert_memory_equal(k, "id", 2);
	assert_int_equal(jscan_end(&j), 0);
	jscan_free(&j);
	free(b);
}

/* jscan_fields(): wanted keys, the last duplicate, stops, long keys. */
static void
test_fields(void **state)
{
	static const struct jscan_field f[] = {
		JSCAN_FIELD("id"), JSCAN_FIELD("name"), JSCAN_STOP("sub"),
		JSCAN_FIELD("a_key_longer_than_sixty_three_bytes_which_goes_"
		    "in_the_last_bit")
	};
	static const char body[] = "{\"x\":[1,{\"id\":7}],\"id\":1,"
	    "\"nam\":2,\"name\":\"n\",\"sub\":{\"id\":3},\"id\":\"last\","
	    "\"\\u0069d\":\"escaped\",\"sub\":[],\"a_key_longer_than_sixty_"
	    "three_bytes_which_goes_in_the_last_bit\":true,\"names\":9}";
	struct jscan		 j;
	struct jscan_keys	 ks;
	struct jscan_val	 v[nitems(f)], sub;
	int			 r, stops = 0;
	size_t			 i;
	char			*b;

	(void)state;
	b = xmalloc(sizeof body - 1);
	memcpy(b, body, sizeof body - 1);
	jscan_keys_init(&ks, f, nitems(f));
	for (i = 0; i < nitems(f); i++)
		v[i].type = JSCAN_NONE;
	jscan_init(&j, b, sizeof body - 1);
	assert_int_equal(jscan_begin_object(&j), 0);
	while ((r = jscan_fields(&j, &ks, v)) > 0) {
		assert_int_equal(r, 3);
		stops++;
		if (stops == 1) {
			assert_int_equal(jscan_peek(&j), JSCAN_OBJECT);
			assert_int_equal(jscan_read(&j, &sub), 0);
			assert_int_equal(sub.type, JSCAN_OBJECT);
		}		/* the second is left unread: skipped */
	}
	assert_int_equal(r, 0);
	assert_int_equal(stops, 2);
	assert_true(jscan_val_is(&j, &v[0], "escaped"));
	assert_true(jscan_val_is(&j, &v[1], "n"));
	assert_int_equal(v[2].type, JSCAN_NONE);
	assert_int_equal(v[3].type, JSCAN_TRUE);
	assert_int_equal(jscan_end(&j), 0);
	jscan_free(&j);

	/* a syntax error inside a skipped member */
	jscan_init(&j, "{\"x\":[1,}", 10);
	assert_int_equal(jscan_begin_object(&j), 0);
	assert_int_equal(jscan_fields(&j, &ks, v), -1);
	assert_non_null(jscan_error(&j));
	jscan_free(&j);
	free(b);
}

/* Reals are read as jansson reads them, whatever LC_NUMERIC says. */
static void
test_locale(void **state)
{
	static const char	*locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8",
				    "C.UTF-8" };
	struct jscan		 j;
	struct jscan_val	 v;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(locales); i++) {
		if (setlocale(LC_NUMERIC, locales[i]) == NULL)
			continue;
		jscan_init(&j, "[1.5]", 5);
		assert_int_equal(jscan_begin_array(&j), 0);
		assert_int_equal(jscan_next_elem(&j), 1);
		assert_int_equal(jscan_read(&j, &v), 0);
		assert_true(jscan_val_double(&v) == 1.5);
		jscan_free(&j);
	}
	setlocale(LC_NUMERIC, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_string_alignment),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_mutation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_locale),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
