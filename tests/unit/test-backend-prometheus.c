/* test-backend-prometheus.c: the Prometheus query decoder on samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "fixture.h"

static void
figure_free(struct fleet_prom_figure *f)
{
	size_t	 i;

	for (i = 0; i < f->nsamples; i++) {
		free(f->samples[i].instance);
		free(f->samples[i].job);
	}
	free(f->samples);
	free(f->name);
	free(f->error);
}

static void
decode_ok(const char *name, struct fleet_prom_figure *f, char **warning)
{
	char	*body, *cause = NULL;
	size_t	 len;

	body = fixture_read(name, &len);
	if (backend_prom_decode("cpu", body, len, f, warning, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(body);
}

static char *
decode_fail(const char *name)
{
	struct fleet_prom_figure	 f;
	char				*body, *cause = NULL, *warning;
	size_t				 len;

	body = fixture_read(name, &len);
	assert_int_equal(backend_prom_decode("cpu", body, len, &f, &warning,
	    &cause), -1);
	assert_null(f.samples);
	assert_null(f.name);
	assert_null(warning);
	assert_non_null(cause);
	free(body);
	return (cause);
}

static void
test_vector(void **state)
{
	struct fleet_prom_figure	 f;
	char				*warning;

	(void)state;
	decode_ok("prometheus/query-cpu.json", &f, &warning);
	assert_null(warning);
	assert_string_equal(f.name, "cpu");
	assert_false(f.failed);
	assert_int_equal(f.nsamples, 3);
	assert_string_equal(f.samples[0].instance,
	    "bbb-01.bbb.example.com:9100");
	assert_null(f.samples[0].job);
	assert_true(f.samples[0].value == 71.25);
	assert_true(f.samples[1].value == 12.5);
	assert_string_equal(f.samples[2].instance, "bbb-03");
	assert_true(fabs(f.samples[2].value - 3.0) < 1e-9);
	figure_free(&f);
}

static void
test_specials(void **state)
{
	struct fleet_prom_figure	 f;

	(void)state;
	decode_ok("prometheus/query-specials.json", &f, NULL);
	assert_int_equal(f.nsamples, 5);
	assert_true(isnan(f.samples[0].value));
	assert_true(isinf(f.samples[1].value) && f.samples[1].value > 0);
	assert_true(isinf(f.samples[2].value) && f.samples[2].value < 0);
	assert_true(fabs(f.samples[3].value - 1.5e-7) < 1e-12);
	assert_true(f.samples[4].value == 2e21);
	figure_free(&f);
}

static void
test_up_jobs(void **state)
{
	struct fleet_prom_figure	 f;

	(void)state;
	decode_ok("prometheus/query-up.json", &f, NULL);
	assert_int_equal(f.nsamples, 6);
	assert_string_equal(f.samples[1].job, "bbb-exporter");
	assert_string_equal(f.samples[1].instance,
	    "bbb-01.bbb.example.com:9688");
	assert_true(f.samples[1].value == 1);
	assert_true(f.samples[4].value == 0);
	assert_string_equal(f.samples[4].job, "bbb-exporter");
	figure_free(&f);
}

static void
test_empty_and_warnings(void **state)
{
	struct fleet_prom_figure	 f;
	char				*warning;

	(void)state;
	decode_ok("prometheus/query-empty.json", &f, &warning);
	assert_int_equal(f.nsamples, 0);
	assert_null(warning);
	figure_free(&f);

	decode_ok("prometheus/query-warnings.json", &f, &warning);
	assert_int_equal(f.nsamples, 1);
	assert_true(f.samples[0].value == 14);
	assert_non_null(warning);
	assert_non_null(strstr(warning, "might not be a counter"));
	free(warning);
	figure_free(&f);
}

static void
test_no_instance_skipped(void **state)
{
	struct fleet_prom_figure	 f;

	(void)state;
	decode_ok("prometheus/no-instance.json", &f, NULL);
	assert_int_equal(f.nsamples, 1);
	assert_string_equal(f.samples[0].instance, "bbb-02:9100");
	figure_free(&f);
}

static void
test_errors(void **state)
{
	char	*cause;

	(void)state;
	cause = decode_fail("prometheus/error-bad-data.json");
	assert_string_equal(cause, "prometheus: bad_data: invalid parameter "
	    "\"query\": 1:8: parse error: unexpected end of input");
	free(cause);
	cause = decode_fail("prometheus/error-execution.json");
	assert_string_equal(cause, "prometheus: execution: query processing "
	    "would load too many samples into memory in query execution");
	free(cause);
	cause = decode_fail("prometheus/error-timeout.json");
	assert_string_equal(cause, "prometheus: timeout: query timed out in "
	    "expression evaluation");
	free(cause);
	cause = decode_fail("prometheus/query-matrix.json");
	assert_string_equal(cause, "prometheus: data.resultType: \"matrix\", "
	    "expected \"vector\"");
	free(cause);
	cause = decode_fail("prometheus/query-scalar.json");
	assert_non_null(strstr(cause, "\"scalar\""));
	free(cause);
	cause = decode_fail("prometheus/bad-value-type.json");
	assert_string_equal(cause, "prometheus: data.result[0].value[1]: "
	    "expected a string, got a number");
	free(cause);
	cause = decode_fail("prometheus/bad-value-string.json");
	assert_string_equal(cause, "prometheus: data.result[0].value[1]: "
	    "not a number: \"seventy\"");
	free(cause);
}

static void
test_hostile(void **state)
{
	struct fleet_prom_figure	 f;
	struct buf			 b = { 0 };
	char				*cause = NULL;
	int				 i;

	(void)state;
	/* deep nesting is refused by the parser, not a stack overflow */
	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	assert_int_equal(backend_prom_decode("cpu", b.data, b.len, &f, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "not JSON"));
	free(cause);
	buf_free(&b);

	assert_int_equal(backend_prom_decode("cpu", "", 0, &f, NULL, &cause),
	    -1);
	assert_string_equal(cause, "prometheus: empty answer");
	free(cause);
	assert_int_equal(backend_prom_decode("cpu", "<html>502</html>", 16, &f,
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "prometheus: not JSON"));
	free(cause);
}

/*
 * The fast path against the jansson decoder: when the fast path takes
 * an answer, both give the same figure field by field; whatever it
 * takes or not, backend_prom_decode() gives what the jansson decoder
 * gives (return, figure, warning, message).  Returns whether the fast
 * path took it.
 */
static void
figure_same(const struct fleet_prom_figure *a,
    const struct fleet_prom_figure *b)
{
	size_t	 i;

	assert_string_equal(a->name, b->name);
	assert_int_equal(a->failed, b->failed);
	assert_null(a->error);
	assert_null(b->error);
	assert_int_equal(a->nsamples, b->nsamples);
	for (i = 0; i < a->nsamples; i++) {
		assert_string_equal(a->samples[i].instance,
		    b->samples[i].instance);
		if (a->samples[i].job == NULL || b->samples[i].job == NULL)
			assert_ptr_equal(a->samples[i].job, b->samples[i].job);
		else
			assert_string_equal(a->samples[i].job,
			    b->samples[i].job);
		assert_memory_equal(&a->samples[i].value,
		    &b->samples[i].value, sizeof a->samples[i].value);
	}
}

static bool
fast_vs_dom(const char *body, size_t len)
{
	struct fleet_prom_figure	 ff, df, bf;
	char				*dw = NULL, *dc = NULL, *bw = NULL;
	char				*bc = NULL;
	int				 took, drc, brc;

	took = backend_prom_decode_fast("cpu", body, len, &ff);
	drc = backend_prom_decode_dom("cpu", body, len, &df, &dw, &dc);
	brc = backend_prom_decode("cpu", body, len, &bf, &bw, &bc);
	assert_int_equal(brc, drc);
	if (took) {
		assert_int_equal(drc, 0);
		assert_null(dw);
		figure_same(&ff, &df);
		figure_free(&ff);
	} else {
		assert_null(ff.name);
		assert_null(ff.samples);
		assert_int_equal(ff.nsamples, 0);
	}
	if (drc == 0) {
		figure_same(&bf, &df);
		if (dw == NULL || bw == NULL)
			assert_ptr_equal(dw, bw);
		else
			assert_string_equal(dw, bw);
		figure_free(&df);
		figure_free(&bf);
	} else {
		assert_non_null(dc);
		assert_non_null(bc);
		assert_string_equal(dc, bc);
		assert_null(bf.samples);
		assert_null(bw);
	}
	free(dw);
	free(bw);
	free(dc);
	free(bc);
	return (took != 0);
}

static void
test_fast_fixtures(void **state)
{
	static const char	*common[] = { "query-cpu.json",
	    "query-empty.json", "query-specials.json", "query-up.json",
	    "no-instance.json" };
	const char		*top = getenv("top_srcdir");
	char			*dir, *name, *body;
	struct dirent		*de;
	DIR			*d;
	size_t			 len, end, i, cut, seen = 0;
	bool			 took, want;

	(void)state;
	dir = xasprintf("%s/tests/fixtures/prometheus", top != NULL ? top :
	    ".");
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".json") == NULL)
			continue;
		name = xasprintf("prometheus/%s", de->d_name);
		body = fixture_read(name, &len);
		took = fast_vs_dom(body, len);
		want = false;
		for (i = 0; i < sizeof common / sizeof common[0]; i++)
			if (strcmp(de->d_name, common[i]) == 0)
				want = true;
		if (took != want)
			fail_msg("%s: fast path %s", de->d_name, took ?
			    "took it" : "declined");
		/* every truncation: declined, the old message */
		end = len;
		while (end > 0 && body[end - 1] != '\0' &&
		    strchr(" \t\r\n", body[end - 1]) != NULL)
			end--;
		for (cut = 0; cut < len; cut++)
			if (fast_vs_dom(body, cut) && cut < end)
				fail_msg("%s: took %zu bytes of %zu",
				    de->d_name, cut, len);
		free(body);
		free(name);
		seen++;
	}
	closedir(d);
	free(dir);
	assert_true(seen >= 13);
}

static void
test_fast_crafted(void **state)
{
	static const struct {
		const char	*body;
		bool		 took;
	} c[] = {
		/* reordered keys, extra keys of every type, whitespace */
		{ " {\"data\" : {\"result\":[{\"value\":[1.5e9,\"2\"],"
		  "\"metric\":{\"x\":\"y\",\"job\":\"j\",\"instance\":"
		  "\"a:1\"}}],\"extra\":[1,{\"k\":[true,false,null]},-0.5e-3],"
		  "\"resultType\":\"vector\"},\t\"infos\":[\"i\"],"
		  "\"status\":\"success\",\"n\":null}\r\n", true },
		/* escapes: \" \\ \/ \b \u00e9 a surrogate pair */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\\\"b\\\\c\\/d"
		  "\\b\\u00e9\\ud83d\\ude00\\u0041\",\"job\":null},"
		  "\"value\":[1,\"NaN\"]},{\"metric\":{\"instance\":\"\","
		  "\"job\":\"j\"},\"value\":[2,\"+Inf\"]},{\"metric\":{},"
		  "\"value\":[3,\"-Inf\"]}]}}", true },
		/* escaped keys are still the keys */
		{ "{\"st\\u0061tus\":\"success\",\"data\":{\"resultType\":"
		  "\"vector\",\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[1,\"1e3\"]}]}}", true },
		/* lone surrogates, \u0000, bad escapes: jansson's word */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"\\ud83d\"},"
		  "\"value\":[1,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"\\ude00x\"},"
		  "\"value\":[1,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\\u0000\"},"
		  "\"value\":[1,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\\x\"},"
		  "\"value\":[1,\"1\"]}]}}", false },
		/* numbers jansson refuses or treats with care */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[1e999,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[012,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[99999999999999999999,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[1.,\"1\"]}]}}", false },
		/* duplicate keys (jansson: the last wins) */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\",\"instance\":"
		  "\"b\"},\"value\":[1,\"1\"]}]}}", false },
		/* shapes it leaves alone */
		{ "{\"status\":\"success\",\"warnings\":[\"w\"],\"data\":"
		  "{\"resultType\":\"vector\",\"result\":[]}}", false },
		{ "{\"status\":\"error\",\"errorType\":\"bad_data\","
		  "\"error\":\"x\"}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"a\"},"
		  "\"value\":[1,\"1\",3]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":7},"
		  "\"value\":[1,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[]}} x", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[]},}", false },
		{ "[]", false },
		/* UTF-8 and deep nesting: jscan checks them as jansson */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"caf\xc3\xa9\"},"
		  "\"value\":[1,\"1\"]}]}}", true },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"instance\":\"caf\xc3\"},"
		  "\"value\":[1,\"1\"]}]}}", false },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[],\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}", true },
	};
	struct fleet_prom_figure	 f;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		if (fast_vs_dom(c[i].body, strlen(c[i].body)) != c[i].took)
			fail_msg("case %zu: fast path %s", i, c[i].took ?
			    "declined" : "took it");
	}

	/* what the escapes decode to */
	assert_int_equal(backend_prom_decode_fast("cpu", c[1].body,
	    strlen(c[1].body), &f), 1);
	assert_int_equal(f.nsamples, 1);
	assert_string_equal(f.samples[0].instance,
	    "a\"b\\c/d\b\xc3\xa9\xf0\x9f\x98\x80" "A");
	assert_null(f.samples[0].job);
	assert_true(isnan(f.samples[0].value));
	figure_free(&f);
	assert_int_equal(backend_prom_decode_fast("cpu", c[0].body,
	    strlen(c[0].body), &f), 1);
	assert_int_equal(f.nsamples, 1);
	assert_string_equal(f.samples[0].instance, "a:1");
	assert_string_equal(f.samples[0].job, "j");
	assert_true(f.samples[0].value == 2);
	figure_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_specials),
		cmocka_unit_test(test_up_jobs),
		cmocka_unit_test(test_empty_and_warnings),
		cmocka_unit_test(test_no_instance_skipped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_fast_fixtures),
		cmocka_unit_test(test_fast_crafted),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
