/* test-backend-prometheus.c: the Prometheus query decoder on samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
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
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
