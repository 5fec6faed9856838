/*
 * test-sim-promql.c: the simulator's PromQL engine and Prometheus query
 * API.  Expected shapes and messages come from the reference (apis.md
 * §4: envelope, result types, timestamps as numbers with ms precision,
 * values as strings in Go's 'f'/'e' format, bad_data 400 with
 * `invalid parameter "query": ...`, execution 422) and from the engine's
 * documented semantics (rate() extrapolation, irate() on the last two
 * samples, lookback and staleness), not from this code's output.  The
 * parse error texts and positions were checked against Prometheus 2.42
 * (Debian) answering the same queries.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "util.h"
#include "prom-queries.h"
#include "sim/sim.h"
#include "sim/sim-prom.h"

#define T0	1700000000000LL		/* ms */

/* ---------------------------------------------------------------------- */
/* Number formats. */

static const char *
jv(double v)
{
	static char	 out[64];
	struct buf	 b = { 0 };

	sim_fmt_json_value(&b, v);
	snprintf(out, sizeof out, "%s", b.data);
	buf_free(&b);
	return (out);
}

static const char *
jt(int64_t ms)
{
	static char	 out[64];
	struct buf	 b = { 0 };

	sim_fmt_json_time(&b, ms);
	snprintf(out, sizeof out, "%s", b.data);
	buf_free(&b);
	return (out);
}

static void
test_value_format(void **state)
{
	(void)state;
	/* strconv.FormatFloat(v, 'f', -1, 64), 'e' outside [1e-6, 1e21) */
	assert_string_equal(jv(1), "\"1\"");
	assert_string_equal(jv(0), "\"0\"");
	assert_string_equal(jv(0.1), "\"0.1\"");
	assert_string_equal(jv(-0.5), "\"-0.5\"");
	assert_string_equal(jv(25.5), "\"25.5\"");
	assert_string_equal(jv(123456789012.0), "\"123456789012\"");
	assert_string_equal(jv(1e20), "\"100000000000000000000\"");
	assert_string_equal(jv(1e21), "\"1e+21\"");
	assert_string_equal(jv(1.5e22), "\"1.5e+22\"");
	assert_string_equal(jv(1e-6), "\"0.000001\"");
	assert_string_equal(jv(1.5e-6), "\"0.0000015\"");
	assert_string_equal(jv(1e-7), "\"1e-07\"");
	assert_string_equal(jv(-2.5e-9), "\"-2.5e-09\"");
	assert_string_equal(jv(1.0 / 3), "\"0.3333333333333333\"");
	assert_string_equal(jv(NAN), "\"NaN\"");
	assert_string_equal(jv(INFINITY), "\"+Inf\"");
	assert_string_equal(jv(-INFINITY), "\"-Inf\"");
	/* seconds, up to 3 decimals, no trailing-zero trimming of ms */
	assert_string_equal(jt(1435781451781LL), "1435781451.781");
	assert_string_equal(jt(1435781451000LL), "1435781451");
	assert_string_equal(jt(1435781451050LL), "1435781451.050");
	assert_string_equal(jt(1435781451005LL), "1435781451.005");
}

static const char *
tgo(double v)
{
	static char	 out[64];
	struct buf	 b = { 0 };

	sim_fmt_text_go(&b, v);
	snprintf(out, sizeof out, "%s", b.data);
	buf_free(&b);
	return (out);
}

static const char *
tpy(double v)
{
	static char	 out[64];
	struct buf	 b = { 0 };

	sim_fmt_text_py(&b, v);
	snprintf(out, sizeof out, "%s", b.data);
	buf_free(&b);
	return (out);
}

static void
test_text_format(void **state)
{
	(void)state;
	/* client_golang: 'g' shortest, %e from exponent 6 or below -4 */
	assert_string_equal(tgo(1), "1");
	assert_string_equal(tgo(0), "0");
	assert_string_equal(tgo(384340), "384340");
	assert_string_equal(tgo(473.71), "473.71");
	assert_string_equal(tgo(1e6), "1e+06");
	assert_string_equal(tgo(83991209), "8.3991209e+07");
	assert_string_equal(tgo(16663252992.0), "1.6663252992e+10");
	assert_string_equal(tgo(0.0001), "0.0001");
	assert_string_equal(tgo(0.00001), "1e-05");
	assert_string_equal(tgo(NAN), "NaN");
	assert_string_equal(tgo(INFINITY), "+Inf");
	/* client_python floatToGoString */
	assert_string_equal(tpy(3), "3.0");
	assert_string_equal(tpy(0), "0.0");
	assert_string_equal(tpy(0.5), "0.5");
	assert_string_equal(tpy(123456), "123456.0");
	assert_string_equal(tpy(1e6), "1e+06");
	assert_string_equal(tpy(1234567), "1.234567e+06");
	assert_string_equal(tpy(1795577661.39), "1.79557766139e+09");
	assert_string_equal(tpy(12345678901.5), "1.23456789015e+010");
	assert_string_equal(tpy(1e16), "1e+16");
	assert_string_equal(tpy(1.5e-5), "1.5e-05");
	assert_string_equal(tpy(-2), "-2.0");
	assert_string_equal(tpy(INFINITY), "+Inf");
}

/* ---------------------------------------------------------------------- */
/* Parser. */

static char *
parse_err(const char *q)
{
	struct sim_promql	*p;
	char			*cause = NULL;

	p = sim_promql_parse(q, &cause);
	if (p != NULL) {
		sim_promql_free(p);
		return (NULL);
	}
	assert_non_null(cause);
	return (cause);
}

static void
assert_parse_error(const char *q, const char *prefix, const char *part)
{
	char	*e = parse_err(q);

	if (e == NULL)
		fail_msg("query parsed: %s", q);
	if (strncmp(e, prefix, strlen(prefix)) != 0 ||
	    strstr(e, part) == NULL)
		fail_msg("query %s: error \"%s\", want prefix \"%s\" and "
		    "\"%s\"", q, e, prefix, part);
	free(e);
}

static void
test_parse_defaults(void **state)
{
	static const struct prom_query_default defs[] = PROM_QUERY_DEFAULTS;
	struct sim_promql	*p;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(defs); i++) {
		p = sim_promql_parse(defs[i].promql, &cause);
		if (p == NULL)
			fail_msg("%s: %s", defs[i].name, cause);
		assert_int_equal(sim_promql_type(p), SIM_PROMQL_VECTOR);
		sim_promql_free(p);
	}
}

static void
test_parse_shapes(void **state)
{
	static const struct {
		const char		*q;
		enum sim_promql_type	 t;
	} ok[] = {
		{ "1", SIM_PROMQL_SCALAR },
		{ "-1.5e3", SIM_PROMQL_SCALAR },
		{ "0x1f + Inf - NaN", SIM_PROMQL_SCALAR },
		{ "\"text\"", SIM_PROMQL_STRING },
		{ "up", SIM_PROMQL_VECTOR },
		{ "up[5m]", SIM_PROMQL_MATRIX },
		{ "up[1h30m] offset 5m", SIM_PROMQL_MATRIX },
		{ "{__name__=~\"node_load.*\", job!=\"x\"}",
		    SIM_PROMQL_VECTOR },
		{ "node_cpu_seconds_total{mode!~'idle|iowait'}",
		    SIM_PROMQL_VECTOR },
		{ "sum without (cpu, mode) (node_cpu_seconds_total)",
		    SIM_PROMQL_VECTOR },
		{ "sum(up) by (job)", SIM_PROMQL_VECTOR },
		{ "count by (instance) (up == 1)", SIM_PROMQL_VECTOR },
		{ "up > bool 0", SIM_PROMQL_VECTOR },
		{ "1 < bool 2", SIM_PROMQL_SCALAR },
		{ "a / on (instance) b", SIM_PROMQL_VECTOR },
		{ "a and b or c unless d", SIM_PROMQL_VECTOR },
		{ "2 ^ 3 ^ 2", SIM_PROMQL_SCALAR },
		{ "time()", SIM_PROMQL_SCALAR },
		{ "scalar(up)", SIM_PROMQL_SCALAR },
		{ "vector(1)", SIM_PROMQL_VECTOR },
		{ "round(up, 0.1)", SIM_PROMQL_VECTOR },
		{ "avg_over_time(node_load1[5m])", SIM_PROMQL_VECTOR },
		{ "# a comment\nup", SIM_PROMQL_VECTOR },
	};
	struct sim_promql	*p;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(ok); i++) {
		p = sim_promql_parse(ok[i].q, &cause);
		if (p == NULL)
			fail_msg("%s: %s", ok[i].q, cause);
		if (sim_promql_type(p) != ok[i].t)
			fail_msg("%s: type %d, want %d", ok[i].q,
			    sim_promql_type(p), ok[i].t);
		sim_promql_free(p);
	}
}

static void
test_parse_errors(void **state)
{
	(void)state;
	/* messages as the Prometheus parser words them: "L:C: parse error" */
	assert_parse_error("", "1:1: parse error: ",
	    "no expression found in input");
	assert_parse_error("   ", "1:1: parse error: ",
	    "no expression found in input");
	assert_parse_error("rate(up)", "1:6: parse error: ",
	    "expected type range vector in call to function \"rate\", got "
	    "instant vector");
	assert_parse_error("sum(up[5m])", "1:5: parse error: ",
	    "expected type instant vector in aggregation expression, got "
	    "range vector");
	assert_parse_error("foo(up)", "1:1: parse error: ",
	    "unknown function with name \"foo\"");
	assert_parse_error("{}", "1:1: parse error: ",
	    "vector selector must contain at least one non-empty matcher");
	assert_parse_error("{job=\"\"}", "1:1: parse error: ",
	    "vector selector must contain at least one non-empty matcher");
	assert_parse_error("1 > 2", "1:3: parse error: ",
	    "comparisons between scalars must use BOOL modifier");
	assert_parse_error("up{job=~\"(\"}", "1:4: parse error: ",
	    "error parsing regexp");
	/* what RE2 refuses (and would cost glibc's regcomp dearly) */
	assert_parse_error("up{job=~\"b++\"}", "1:4: parse error: ",
	    "error parsing regexp: invalid nested repetition operator");
	assert_parse_error("up{job=~\"(a{1000}){1000}\"}", "1:4: parse error: ",
	    "error parsing regexp: ");
	assert_parse_error("up{job=~\"(a)\\\\1\"}", "1:4: parse error: ",
	    "error parsing regexp: invalid escape sequence");
	assert_parse_error("up[5x]", "1:", "parse error: ");
	assert_parse_error("(up", "1:4: parse error: ",
	    "unclosed left parenthesis");
	assert_parse_error("up)", "1:4: parse error: ",
	    "unexpected right parenthesis ')'");
	assert_parse_error("up{job=\"a}", "1:8: parse error: ",
	    "unterminated quoted string");
	assert_parse_error("sum(", "1:5: parse error: ",
	    "unclosed left parenthesis");
	assert_parse_error("sum by (", "1:9: parse error: ",
	    "unclosed left parenthesis");
	assert_parse_error("abs(up", "1:7: parse error: ",
	    "unclosed left parenthesis");
	assert_parse_error("up{job}", "1:7: parse error: ", "unexpected \"}\" "
	    "in label matching, expected label matching operator");
	assert_parse_error("up{1=\"a\"}", "1:4: parse error: ",
	    "unexpected character inside braces: '1'");
	assert_parse_error("up == == up", "1:7: parse error: ",
	    "unexpected <op:==>");
	assert_parse_error("up[0s]", "1:4: parse error: ",
	    "duration must be greater than 0");
	assert_parse_error("rate(up[5m])[1m]", "1:13: parse error: ",
	    "ranges only allowed for vector selectors");
	assert_parse_error("up[5m] + 1", "1:1: parse error: ",
	    "binary expression must contain only scalar and instant vector "
	    "types");
	assert_parse_error("1 and 2", "1:1: parse error: ",
	    "set operator \"and\" not allowed in binary scalar expression");
	assert_parse_error("up $", "1:4: parse error: ",
	    "unexpected character: '$'");
	assert_parse_error("up\n  +", "2:4: parse error: ",
	    "unexpected end of input");
	assert_parse_error("up{job=\"a\"} offset", "1:19: parse error: ",
	    "unexpected end of input in offset, expected duration");
	assert_parse_error("histogram_quantile(0.9, x)", "1:1: parse error: ",
	    "not supported");
	assert_parse_error("rate(up[5m:1m])", "1:", "subqueries");
	assert_parse_error("abs(1, 2)", "1:1: parse error: ",
	    "expected 1 argument(s) in call to \"abs\", got 2");
}

/* ---------------------------------------------------------------------- */
/* Evaluation over a synthetic store. */

/*
 * Two nodes, views every second from T0 for n seconds.  bbb-01: per cpu
 * idle grows 0.75/s (25 % busy), eth0 rx 1000 B/s, tx 3000 B/s; bbb-02:
 * 50 % busy, rx 2000 B/s.
 */
static struct sim_pstore *
store(int n, bool down_last)
{
	struct sim_pstore	*st = sim_pstore_new();
	struct sim_mview	 v;
	int			 i, k, c;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			memset(&v, 0, sizeof v);
			v.t_ms = T0 + i * 1000LL;
			v.up = v.exporter_up = v.api_ok = true;
			if (down_last && k == 1 && i == n - 1)
				v.exporter_up = false;
			v.version = k == 0 ? 2 : 7;
			v.ncpu = 4;
			for (c = 0; c < 4; c++) {
				v.cpu_idle[c] = 1000 + i * (k == 0 ? 0.75 :
				    0.5);
				v.cpu_busy[c] = 500 + i * (k == 0 ? 0.25 :
				    0.5);
			}
			v.mem_total = 8e9;
			v.mem_used = k == 0 ? 2e9 : 6e9;
			v.rx = 1e6 + i * (k == 0 ? 1000 : 2000);
			v.tx = 1e6 + i * 3000;
			v.lo = 100;
			v.load1 = k == 0 ? 1.5 : 3.25;
			v.meetings = 3 + k;
			v.participants = 40 + k;
			v.voice = 10;
			v.video = 5;
			v.listeners = 25;
			v.start_s = T0 / 1000 - 3600;
			v.boot_s = v.start_s - 30;
			sim_pstore_push(st, k == 0 ? "bbb-01" : "bbb-02", &v);
		}
	}
	return (st);
}

/* Evaluate q at t; returns the "data" object, or NULL with *err. */
static json_t *
eval(struct sim_pstore *st, const char *q, int64_t t, char **err)
{
	struct sim_promql	*p;
	struct buf		 out = { 0 };
	json_t			*j;
	json_error_t		 je;
	char			*cause = NULL;

	p = sim_promql_parse(q, &cause);
	if (p == NULL)
		fail_msg("%s: %s", q, cause);
	if (sim_promql_query(st, p, t, &out, &cause) != 0) {
		sim_promql_free(p);
		*err = cause;
		return (NULL);
	}
	sim_promql_free(p);
	j = json_loadb(out.data, out.len, 0, &je);
	if (j == NULL)
		fail_msg("%s: bad JSON %s: %s", q, je.text, out.data);
	buf_free(&out);
	return (j);
}

/* Value of the element whose labels include k=v (NULL k: the only one). */
static double
vec_get(json_t *data, const char *k, const char *v, size_t *count)
{
	json_t		*res = json_object_get(data, "result"), *e, *val;
	const char	*s, *lv;
	size_t		 i;
	double		 out = NAN;
	char		*end;

	assert_string_equal(json_string_value(json_object_get(data,
	    "resultType")), "vector");
	assert_true(json_is_array(res));
	if (count != NULL)
		*count = json_array_size(res);
	json_array_foreach(res, i, e) {
		assert_true(json_is_object(json_object_get(e, "metric")));
		val = json_object_get(e, "value");
		assert_true(json_is_array(val));
		assert_int_equal(json_array_size(val), 2);
		assert_true(json_is_number(json_array_get(val, 0)));
		assert_true(json_is_string(json_array_get(val, 1)));
		if (k != NULL) {
			lv = json_string_value(json_object_get(
			    json_object_get(e, "metric"), k));
			if (lv == NULL || strcmp(lv, v) != 0)
				continue;
		}
		s = json_string_value(json_array_get(val, 1));
		out = strtod(s, &end);
		assert_true(*end == '\0');
	}
	return (out);
}

static void
assert_near(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.17g, want %.17g (+- %g)", got, want, eps);
}

static void
test_eval_defaults(void **state)
{
	static const struct prom_query_default defs[] = PROM_QUERY_DEFAULTS;
	struct sim_pstore	*st = store(120, false);
	int64_t			 t = T0 + 119000;
	json_t			*d;
	char			*err = NULL;
	size_t			 i, n;
	const char		*q;

	(void)state;
	for (i = 0; i < nitems(defs); i++) {
		q = defs[i].promql;
		d = eval(st, q, t, &err);
		assert_non_null(d);
		if (strcmp(defs[i].name, "cpu") == 0) {
			assert_near(vec_get(d, "instance", "bbb-01:9100", &n),
			    25, 1e-9);
			assert_near(vec_get(d, "instance", "bbb-02:9100", &n),
			    50, 1e-9);
			assert_int_equal(n, 2);
		} else if (strcmp(defs[i].name, "net_in") == 0) {
			assert_near(vec_get(d, "instance", "bbb-01:9100", &n),
			    1000, 1e-6);
			assert_near(vec_get(d, "instance", "bbb-02:9100", &n),
			    2000, 1e-6);
		} else if (strcmp(defs[i].name, "net_out") == 0) {
			assert_near(vec_get(d, "instance", "bbb-02:9100", &n),
			    3000, 1e-6);
		} else if (strcmp(defs[i].name, "mem") == 0) {
			assert_near(vec_get(d, "instance", "bbb-01:9100", &n),
			    25, 0.01);
			assert_near(vec_get(d, "instance", "bbb-02:9100", &n),
			    75, 0.01);
		} else if (strcmp(defs[i].name, "load1") == 0) {
			assert_near(vec_get(d, "instance", "bbb-02:9100", &n),
			    3.25, 1e-9);
		} else if (strcmp(defs[i].name, "meetings") == 0) {
			assert_near(vec_get(d, "instance", "bbb-01:9688", &n),
			    3, 0);
			assert_near(vec_get(d, "instance", "bbb-02:9688", &n),
			    4, 0);
			assert_int_equal(n, 2);
		} else if (strcmp(defs[i].name, "participants") == 0) {
			assert_near(vec_get(d, "instance", "bbb-02:9688", &n),
			    41, 0);
		} else if (strcmp(defs[i].name, "api_up") == 0) {
			assert_near(vec_get(d, "instance", "bbb-01:9688", &n),
			    1, 0);
		} else if (strcmp(defs[i].name, "up") == 0) {
			/* 2 nodes x 3 exporters, with __name__ and job */
			assert_near(vec_get(d, "job", "process", &n), 1, 0);
			assert_int_equal(n, 6);
		} else {
			vec_get(d, NULL, NULL, &n);
			assert_int_equal(n, 2);
		}
		json_decref(d);
	}
	sim_pstore_free(st);
}

static void
test_eval_rate(void **state)
{
	struct sim_pstore	*st = store(120, false);
	json_t			*d;
	char			*err = NULL;
	size_t			 n;

	(void)state;
	/* samples exactly on the window's edges: no extrapolation */
	d = eval(st, "rate(node_network_receive_bytes_total{device=\"eth0\","
	    "instance=\"bbb-01:9100\"}[5s])", T0 + 100000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 1000, 1e-9);
	assert_int_equal(n, 1);
	/* __name__ is dropped by functions, job stays */
	assert_null(json_object_get(json_object_get(json_array_get(
	    json_object_get(d, "result"), 0), "metric"), "__name__"));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(json_array_get(json_object_get(d, "result"), 0),
	    "metric"), "job")), "node");
	json_decref(d);
	/* increase over [10s] = 10 s of 1000 B/s */
	d = eval(st, "increase(node_network_receive_bytes_total{device="
	    "\"eth0\",instance=\"bbb-01:9100\"}[10s])", T0 + 100000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 10000, 1e-6);
	json_decref(d);
	/*
	 * Window [8s] at T0+5s starts 3 s before the first sample (more
	 * than 1.1 sample intervals): extrapolated by half an interval
	 * only, 5000 B * 5.5 / 5 over 8 s.
	 */
	d = eval(st, "rate(node_network_receive_bytes_total{device=\"eth0\","
	    "instance=\"bbb-01:9100\"}[8s])", T0 + 5000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 5500.0 / 8, 1e-9);
	json_decref(d);
	/* Window [10.5s] at T0+100.2s: 0.3 s and 0.2 s to the edges. */
	d = eval(st, "rate(node_network_receive_bytes_total{device=\"eth0\","
	    "instance=\"bbb-01:9100\"}[10500ms])", T0 + 100200, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 10000 * 10.5 / 10 / 10.5,
	    1e-9);
	json_decref(d);
	/* only one sample in the window: no result */
	d = eval(st, "rate(node_load1[1s])", T0 + 100500, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 0);
	json_decref(d);
	/* offset moves the window back */
	d = eval(st, "node_network_receive_bytes_total{device=\"eth0\","
	    "instance=\"bbb-01:9100\"} offset 10s", T0 + 100000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 1e6 + 90 * 1000, 0);
	json_decref(d);
	sim_pstore_free(st);
}

static void
test_eval_counter_reset(void **state)
{
	struct sim_pstore	*st = sim_pstore_new();
	struct sim_mview	 v;
	json_t			*d;
	char			*err = NULL;
	size_t			 n;
	static const double	 rx[] = { 100, 200, 300, 50, 150 };
	int			 i;

	(void)state;
	for (i = 0; i < 5; i++) {
		memset(&v, 0, sizeof v);
		v.t_ms = T0 + i * 1000LL;
		v.up = v.exporter_up = v.api_ok = true;
		v.ncpu = 1;
		v.rx = rx[i];
		sim_pstore_push(st, "bbb-01", &v);
	}
	/* irate: last two samples, 50 -> 150 */
	d = eval(st, "irate(node_network_receive_bytes_total{device=\"eth0\"}"
	    "[1m])", T0 + 4000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 100, 1e-9);
	json_decref(d);
	/* irate across the reset: the new value itself */
	d = eval(st, "irate(node_network_receive_bytes_total{device=\"eth0\"}"
	    "[1m])", T0 + 3000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 50, 1e-9);
	json_decref(d);
	/*
	 * increase over [4s] at T0+4s: 100 -> 300, reset, 50 -> 150:
	 * 200 + 300 (the reset adds the last value before it) - 100 + 50,
	 * i.e. 150 - 100 + 300 = 350; edges on samples, no extrapolation.
	 */
	d = eval(st, "increase(node_network_receive_bytes_total{device="
	    "\"eth0\"}[4s])", T0 + 4000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 350, 1e-9);
	json_decref(d);
	sim_pstore_free(st);
}

static void
test_eval_staleness(void **state)
{
	struct sim_pstore	*st = store(10, true);
	json_t			*d;
	char			*err = NULL;
	size_t			 n;

	(void)state;
	/* bbb-02's last scrape failed: up 0, its other series stale */
	d = eval(st, "up{instance=\"bbb-02:9100\"}", T0 + 9000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 0, 0);
	assert_int_equal(n, 1);
	json_decref(d);
	d = eval(st, "node_load1", T0 + 9000, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 1);
	assert_near(vec_get(d, "instance", "bbb-01:9100", NULL), 1.5, 0);
	json_decref(d);
	/* range vectors keep the samples before the failed scrape */
	d = eval(st, "irate(node_network_receive_bytes_total{device=\"eth0\""
	    ",instance=\"bbb-02:9100\"}[1m])", T0 + 9000, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 2000, 1e-9);
	assert_int_equal(n, 1);
	json_decref(d);
	d = eval(st, "rate(node_network_receive_bytes_total{device=\"eth0\""
	    ",instance=\"bbb-02:9100\"}[4s])", T0 + 9000, &err);
	assert_int_equal(json_array_size(json_object_get(d, "result")), 1);
	json_decref(d);
	/* irate of up sees the failed scrape */
	d = eval(st, "irate(up{instance=\"bbb-02:9100\"}[1m])", T0 + 9000,
	    &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 1);
	json_decref(d);
	/* a second earlier it was there */
	d = eval(st, "node_load1", T0 + 8000, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 2);
	json_decref(d);
	/* more than 5 minutes after the last view: nothing (lookback) */
	d = eval(st, "up", T0 + 9000 + 300001, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 0);
	json_decref(d);
	d = eval(st, "up", T0 + 9000 + 300000, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 6);
	json_decref(d);
	/* before the first view: nothing */
	d = eval(st, "up", T0 - 1, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 0);
	json_decref(d);
	sim_pstore_free(st);
}

static void
test_eval_operators(void **state)
{
	struct sim_pstore	*st = store(30, false);
	int64_t			 t = T0 + 29000;
	json_t			*d, *r;
	char			*err = NULL;
	size_t			 n;

	(void)state;
	/* matchers */
	d = eval(st, "node_cpu_seconds_total{mode=~\"user|system\","
	    "cpu!=\"0\",instance!~\"bbb-02.*\"}", t, &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 6);
	json_decref(d);
	/* count by, without */
	d = eval(st, "count by (instance) (node_cpu_seconds_total)", t, &err);
	assert_near(vec_get(d, "instance", "bbb-01:9100", &n), 32, 0);
	assert_int_equal(n, 2);
	json_decref(d);
	d = eval(st, "count without (cpu, mode) (node_cpu_seconds_total)", t,
	    &err);
	r = json_object_get(json_array_get(json_object_get(d, "result"), 0),
	    "metric");
	assert_null(json_object_get(r, "__name__"));
	assert_null(json_object_get(r, "cpu"));
	assert_non_null(json_object_get(r, "job"));
	json_decref(d);
	/* max, min, avg, sum */
	d = eval(st, "max(node_load1)", t, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 3.25, 0);
	assert_int_equal(json_object_size(json_object_get(json_array_get(
	    json_object_get(d, "result"), 0), "metric")), 0);
	json_decref(d);
	d = eval(st, "min(node_load1) + avg(node_load1) * sum(node_load1)", t,
	    &err);
	assert_near(vec_get(d, NULL, NULL, &n), 1.5 + 2.375 * 4.75, 1e-9);
	json_decref(d);
	/* comparison filter keeps the sample and the name; bool gives 0/1 */
	d = eval(st, "node_load1 > 2", t, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 3.25, 0);
	assert_int_equal(n, 1);
	assert_non_null(json_object_get(json_object_get(json_array_get(
	    json_object_get(d, "result"), 0), "metric"), "__name__"));
	json_decref(d);
	d = eval(st, "node_load1 > bool 2", t, &err);
	assert_near(vec_get(d, "instance", "bbb-01:9100", &n), 0, 0);
	assert_int_equal(n, 2);
	json_decref(d);
	/* one-to-one matching; on() */
	/* __name__ is not part of the match */
	d = eval(st, "node_memory_MemAvailable_bytes / "
	    "node_memory_MemTotal_bytes", t, &err);
	assert_near(vec_get(d, "instance", "bbb-01:9100", &n), 0.75, 1e-5);
	assert_int_equal(n, 2);
	json_decref(d);
	d = eval(st, "sum by (instance) (bbb_meetings) / on (instance) "
	    "sum by (instance) (bbb_meetings_participants)", t, &err);
	assert_near(vec_get(d, "instance", "bbb-02:9688", &n), 4.0 / 41,
	    1e-12);
	json_decref(d);
	/* scalar arithmetic, precedence, unary minus */
	d = eval(st, "-2 ^ 2 + 3 * 4 % 5", t, &err);
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "scalar");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(d, "result"), 1)), "-2");
	json_decref(d);
	d = eval(st, "2 ^ 3 ^ 2", t, &err);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(d, "result"), 1)), "512");
	json_decref(d);
	/* set operators */
	d = eval(st, "up{job=\"node\"} and on (instance) node_load1 > 2", t,
	    &err);
	vec_get(d, NULL, NULL, &n);
	assert_int_equal(n, 1);
	json_decref(d);
	d = eval(st, "node_load1 unless node_load1 > 2", t, &err);
	assert_near(vec_get(d, NULL, NULL, &n), 1.5, 0);
	assert_int_equal(n, 1);
	json_decref(d);
	/* many-to-many: an execution error */
	assert_null(eval(st, "node_cpu_seconds_total / on (instance) "
	    "node_cpu_seconds_total", t, &err));
	assert_non_null(strstr(err, "many-to-many matching not allowed"));
	free(err);
	/* range vector at the top: a matrix */
	d = eval(st, "node_load1{instance=\"bbb-01:9100\"}[3s]", t, &err);
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "matrix");
	r = json_array_get(json_object_get(d, "result"), 0);
	assert_int_equal(json_array_size(json_object_get(r, "values")), 4);
	json_decref(d);
	sim_pstore_free(st);
}

static void
test_eval_range(void **state)
{
	struct sim_pstore	*st = store(60, false);
	struct sim_promql	*p;
	struct buf		 out = { 0 };
	char			*cause = NULL;
	json_t			*d, *r, *vals;
	size_t			 i;

	(void)state;
	p = sim_promql_parse("sum by (instance) (rate(node_network_"
	    "receive_bytes_total{device=\"eth0\"}[5s]))", &cause);
	assert_non_null(p);
	assert_int_equal(sim_promql_query_range(st, p, T0 + 10000,
	    T0 + 50000, 10000, &out, &cause), 0);
	d = json_loads(out.data, 0, NULL);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "matrix");
	assert_int_equal(json_array_size(json_object_get(d, "result")), 2);
	r = json_array_get(json_object_get(d, "result"), 0);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(r, "metric"), "instance")), "bbb-01:9100");
	vals = json_object_get(r, "values");
	assert_int_equal(json_array_size(vals), 5);
	for (i = 0; i < 5; i++) {
		assert_true(json_is_number(json_array_get(json_array_get(vals,
		    i), 0)));
		assert_string_equal(json_string_value(json_array_get(
		    json_array_get(vals, i), 1)), "1000");
	}
	assert_near(json_number_value(json_array_get(json_array_get(vals, 0),
	    0)), (T0 + 10000) / 1000.0, 1e-6);
	json_decref(d);
	buf_free(&out);
	sim_promql_free(p);
	sim_pstore_free(st);
}

/* ---------------------------------------------------------------------- */
/* The HTTP API on a world. */

struct treq {
	struct sim_req	 req;
	const char	*hname[4];
	const char	*hvalue[4];
	char		*path;
	char		*query;
};

static const char *
treq_header(const struct sim_req *req, const char *name)
{
	const struct treq	*t = (const struct treq *)req;
	size_t			 i;

	for (i = 0; i < 4 && t->hname[i] != NULL; i++) {
		if (strcasecmp(t->hname[i], name) == 0)
			return (t->hvalue[i]);
	}
	return (NULL);
}

static char *
basic(struct sim_world *w)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			*plain, *out;
	size_t			 i, n, o = 0;
	unsigned		 v;

	plain = xasprintf("%s:%s", w->prom_user, w->prom_password);
	n = strlen(plain);
	out = xmalloc(6 + (n + 2) / 3 * 4 + 1);
	memcpy(out, "Basic ", 6);
	o = 6;
	for (i = 0; i < n; i += 3) {
		v = (unsigned)(unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)(unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned)(unsigned char)plain[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	free(plain);
	return (out);
}

static struct sim_resp
call(struct sim_world *w, const char *method, const char *uri,
    const char *body, bool auth)
{
	struct treq	 t;
	struct sim_resp	 r;
	const char	*q;
	char		*a = NULL;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	q = strchr(uri, '?');
	t.path = q != NULL ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
	t.query = xstrdup(q != NULL ? q + 1 : "");
	t.req.system = SIM_PROMETHEUS;
	t.req.method = method;
	t.req.path = t.path;
	t.req.query = t.query;
	t.req.host = "127.0.0.1";
	t.req.body = body != NULL ? body : "";
	t.req.bodylen = body != NULL ? strlen(body) : 0;
	t.req.header = treq_header;
	if (auth) {
		a = basic(w);
		t.hname[0] = "Authorization";
		t.hvalue[0] = a;
	}
	if (body != NULL) {
		t.hname[1] = "Content-Type";
		t.hvalue[1] = "application/x-www-form-urlencoded";
	}
	r.status = 200;
	sim_prom_handle(w, &t.req, &r);
	free(a);
	free(t.path);
	free(t.query);
	return (r);
}

static json_t *
body_json(const struct sim_resp *r)
{
	json_t		*j;
	json_error_t	 je;

	assert_non_null(r->body);
	j = json_loadb(r->body, r->len, 0, &je);
	if (j == NULL)
		fail_msg("bad JSON (%s): %.*s", je.text, (int)r->len, r->body);
	assert_non_null(strstr(r->content_type, "application/json"));
	return (j);
}

/* An error envelope: status, errorType, error prefix. */
static void
assert_api_error(struct sim_resp *r, int status, const char *type,
    const char *prefix)
{
	json_t	*j = body_json(r);

	assert_int_equal(r->status, status);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "error");
	assert_string_equal(json_string_value(json_object_get(j,
	    "errorType")), type);
	if (strncmp(json_string_value(json_object_get(j, "error")), prefix,
	    strlen(prefix)) != 0)
		fail_msg("error \"%s\", want prefix \"%s\"",
		    json_string_value(json_object_get(j, "error")), prefix);
	json_decref(j);
}

static struct sim_world *
world(void)
{
	struct sim_world	*w = sim_world_new(4, 11, 0.0, "clean");
	size_t			 i;

	assert_non_null(w);
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < 10; i++)
		sim_world_advance(w, 1000);
	pthread_mutex_unlock(&w->lock);
	return (w);
}

static void
test_api(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *d, *e;
	char			*uri;
	size_t			 i;
	int64_t			 now;

	(void)state;
	pthread_mutex_lock(&w->lock);
	now = w->now_ms;

	/* auth */
	r = call(w, "GET", "/api/v1/query?query=up", NULL, false);
	assert_int_equal(r.status, 401);
	for (i = 0; i < r.nheaders; i++) {
		if (strcasecmp(r.headers[i].name, "WWW-Authenticate") == 0)
			break;
	}
	assert_true(i < r.nheaders);
	sim_resp_clear(&r);

	/* instant vector: envelope and element shape */
	r = call(w, "GET", "/api/v1/query?query=up", NULL, true);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "success");
	assert_null(json_object_get(j, "errorType"));
	d = json_object_get(j, "data");
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "vector");
	assert_int_equal(json_array_size(json_object_get(d, "result")), 12);
	json_array_foreach(json_object_get(d, "result"), i, e) {
		json_t	*m = json_object_get(e, "metric");

		assert_string_equal(json_string_value(json_object_get(m,
		    "__name__")), "up");
		assert_non_null(json_string_value(json_object_get(m, "job")));
		assert_non_null(strchr(json_string_value(json_object_get(m,
		    "instance")), ':'));
		assert_near(json_number_value(json_array_get(
		    json_object_get(e, "value"), 0)), now / 1000.0, 1e-3);
		assert_string_equal(json_string_value(json_array_get(
		    json_object_get(e, "value"), 1)), "1");
	}
	json_decref(j);
	sim_resp_clear(&r);

	/* POST form, explicit time: the timestamp is the evaluation time */
	r = call(w, "POST", "/api/v1/query", "query=sum%20by%20(instance)%20"
	    "(bbb_meetings)&time=1700000000.5", true);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	sim_resp_clear(&r);
	json_decref(j);
	uri = xasprintf("/api/v1/query?query=sum+by+(job)+(up)&"
	    "time=%lld.%03lld",
	    (long long)(now / 1000), (long long)(now % 1000));
	r = call(w, "POST", uri, "", true);
	free(uri);
	j = body_json(&r);
	e = json_array_get(json_object_get(json_object_get(j, "data"),
	    "result"), 0);
	assert_near(json_number_value(json_array_get(json_object_get(e,
	    "value"), 0)), now / 1000.0, 1e-3);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(e, "value"), 1)), "4");
	json_decref(j);
	sim_resp_clear(&r);

	/* scalar */
	r = call(w, "GET", "/api/v1/query?query=1%2B1&time=1700000000", NULL,
	    true);
	j = body_json(&r);
	d = json_object_get(j, "data");
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "scalar");
	assert_true(json_is_array(json_object_get(d, "result")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(d,
	    "result"), 0)), 1700000000);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(d, "result"), 1)), "2");
	json_decref(j);
	sim_resp_clear(&r);

	/* RFC3339 time */
	r = call(w, "GET", "/api/v1/query?query=time()&time="
	    "2023-11-14T22:13:20.250Z", NULL, true);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_object_get(j, "data"), "result"), 1)), "1700000000.25");
	json_decref(j);
	sim_resp_clear(&r);

	/* errors */
	r = call(w, "GET", "/api/v1/query?query=sum(", NULL, true);
	assert_api_error(&r, 400, "bad_data",
	    "invalid parameter \"query\": 1:5: parse error: ");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query", NULL, true);
	assert_api_error(&r, 400, "bad_data", "invalid parameter \"query\": "
	    "1:1: parse error: no expression found in input");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query?query=up&time=yesterday", NULL,
	    true);
	assert_api_error(&r, 400, "bad_data", "invalid parameter \"time\": ");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query?query=node_cpu_seconds_total+%2F+"
	    "on(instance)+node_cpu_seconds_total", NULL, true);
	assert_api_error(&r, 422, "execution", "found duplicate series");
	sim_resp_clear(&r);
	r = call(w, "DELETE", "/api/v1/query?query=up", NULL, true);
	assert_int_equal(r.status, 405);
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/nothing", NULL, true);
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);

	/* range queries */
	uri = xasprintf("/api/v1/query_range?query=node_load1&start=%lld&"
	    "end=%lld&step=2s", (long long)(now / 1000 - 8),
	    (long long)(now / 1000));
	r = call(w, "GET", uri, NULL, true);
	free(uri);
	j = body_json(&r);
	d = json_object_get(j, "data");
	assert_string_equal(json_string_value(json_object_get(d,
	    "resultType")), "matrix");
	assert_int_equal(json_array_size(json_object_get(d, "result")), 4);
	e = json_array_get(json_object_get(d, "result"), 0);
	assert_true(json_is_array(json_object_get(e, "values")));
	assert_null(json_object_get(e, "value"));
	assert_int_equal(json_array_size(json_object_get(e, "values")), 5);
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query_range?query=up&start=10&end=5&"
	    "step=1", NULL, true);
	assert_api_error(&r, 400, "bad_data", "invalid parameter \"end\": ");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query_range?query=up&start=0&end=5&"
	    "step=0", NULL, true);
	assert_api_error(&r, 400, "bad_data", "invalid parameter \"step\": "
	    "zero or negative");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query_range?query=up&start=0&end=20000&"
	    "step=1", NULL, true);
	assert_api_error(&r, 400, "bad_data", "exceeded maximum resolution "
	    "of 11,000 points per timeseries");
	sim_resp_clear(&r);
	r = call(w, "GET", "/api/v1/query_range?query=up[5m]&start=0&end=5&"
	    "step=1", NULL, true);
	assert_api_error(&r, 400, "bad_data", "invalid parameter \"query\": "
	    "invalid expression type \"range vector\"");
	sim_resp_clear(&r);

	/* targets */
	w->nodes[1].exporter_up = false;
	sim_world_advance(w, 1000);
	r = call(w, "GET", "/api/v1/targets", NULL, true);
	j = body_json(&r);
	d = json_object_get(j, "data");
	assert_true(json_is_array(json_object_get(d, "droppedTargets")));
	assert_int_equal(json_array_size(json_object_get(d,
	    "activeTargets")), 12);
	json_array_foreach(json_object_get(d, "activeTargets"), i, e) {
		const char	*inst = json_string_value(json_object_get(
		    json_object_get(e, "labels"), "instance"));
		const char	*h = json_string_value(json_object_get(e,
		    "health"));
		const char	*ls = json_string_value(json_object_get(e,
		    "lastScrape"));

		assert_non_null(inst);
		assert_non_null(json_string_value(json_object_get(
		    json_object_get(e, "labels"), "job")));
		assert_non_null(json_string_value(json_object_get(e,
		    "scrapePool")));
		assert_non_null(strstr(json_string_value(json_object_get(e,
		    "scrapeUrl")), "/metrics/"));
		assert_true(json_is_number(json_object_get(e,
		    "lastScrapeDuration")));
		assert_true(json_is_object(json_object_get(e,
		    "discoveredLabels")));
		assert_non_null(ls);
		assert_true(strlen(ls) >= 20 && ls[10] == 'T' &&
		    ls[strlen(ls) - 1] == 'Z');
		if (strncmp(inst, w->nodes[1].name,
		    strlen(w->nodes[1].name)) == 0) {
			assert_string_equal(h, "down");
			assert_true(strlen(json_string_value(json_object_get(e,
			    "lastError"))) > 0);
		} else {
			assert_string_equal(h, "up");
			assert_string_equal(json_string_value(json_object_get(e,
			    "lastError")), "");
		}
	}
	json_decref(j);
	sim_resp_clear(&r);

	/* up 0 for the down node's three targets */
	uri = xasprintf("/api/v1/query?query=sum(up%%7Binstance%%3D~%%22%s%%3A"
	    ".*%%22%%7D)", w->nodes[1].name);
	r = call(w, "GET", uri, NULL, true);
	free(uri);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_array_get(json_object_get(json_object_get(j, "data"),
	    "result"), 0), "value"), 1)), "0");
	json_decref(j);
	sim_resp_clear(&r);

	pthread_mutex_unlock(&w->lock);
	sim_world_free(w);
}

/*
 * The history store stays within its budget at 5000 nodes once every
 * ring is full, keeps enough views for the default [1m] windows at its
 * step, and still answers the default CPU query for every node.
 */
static void
fill_fleet(struct sim_pstore *st, size_t nodes, int64_t t0, size_t views,
    int64_t step)
{
	struct sim_mview	 v;
	char			 name[32];
	size_t			 i, k;
	int			 c;

	for (k = 0; k < views; k++) {
		for (i = 0; i < nodes; i++) {
			memset(&v, 0, sizeof v);
			v.t_ms = t0 + (int64_t)k * step;
			v.up = v.exporter_up = v.api_ok = true;
			v.version = 2;
			v.ncpu = 8;
			for (c = 0; c < 8; c++) {
				/* node i: i % 100 percent busy */
				v.cpu_busy[c] = (double)(k * step) / 1000 *
				    (double)(i % 100) / 100;
				v.cpu_idle[c] = (double)(k * step) / 1000 -
				    v.cpu_busy[c];
			}
			v.mem_total = 8e9;
			v.meetings = (int)(i % 7);
			v.hist_part[3] = 70000;	/* saturates */
			snprintf(name, sizeof name, "bbb-%04zu", i + 1);
			sim_pstore_push(st, name, &v);
		}
	}
}

static void
test_store_budget(void **state)
{
	struct sim_pstore	*st;
	struct sim_promql	*q;
	const struct sim_mview	*last;
	struct buf		 out = { 0 };
	json_t			*d;
	char			*cause = NULL;
	const char		*name;
	size_t			 ring, n;
	int64_t			 step, t;
	double			 busy;

	(void)state;
	st = sim_pstore_new();
	sim_pstore_plan(st, 5000);
	ring = sim_pstore_ring_len(st);
	step = sim_pstore_step_ms(st);
	assert_true(ring >= SIM_PSTORE_MIN_RING && ring < SIM_PSTORE_RING);
	assert_true(step > 1000 && step <= SIM_PSTORE_MAX_STEP_MS);
	/* irate over [1m] needs two views in 60 s; rate a few */
	assert_true((int64_t)(ring - 1) * step >= 60000 + step);
	fill_fleet(st, 5000, T0, ring + 5, step);
	assert_int_equal(sim_pstore_nnodes(st), 5000);
	/* every ring full: the accounting covers them all, within budget */
	assert_true(sim_pstore_bytes(st) >= 5000 * ring *
	    sim_pstore_slot_size());
	assert_true(sim_pstore_bytes(st) <= SIM_PSTORE_BUDGET);
	assert_true(sim_pstore_slot_size() < sizeof (struct sim_mview));
	last = sim_pstore_last(st, 4999, &name);
	assert_non_null(last);
	assert_string_equal(name, "bbb-5000");
	assert_int_equal(last->hist_part[3], 65535);

	t = T0 + (int64_t)(ring + 4) * step;
	q = sim_promql_parse("100 * (1 - avg by (instance) (irate("
	    "node_cpu_seconds_total{mode=\"idle\"}[1m])))", &cause);
	assert_non_null(q);
	assert_int_equal(sim_promql_query(st, q, t, &out, &cause), 0);
	sim_promql_free(q);
	d = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(d);
	busy = vec_get(d, "instance", "bbb-0043:9100", &n);
	assert_int_equal(n, 5000);
	assert_near(busy, 42, 1e-6);
	json_decref(d);
	buf_free(&out);

	/* nodes arriving without a plan: rings shrink at their next push */
	sim_pstore_free(st);
	st = sim_pstore_new();
	fill_fleet(st, 5000, T0, SIM_PSTORE_MIN_RING + 2, step);
	fill_fleet(st, 5000, T0 + 1000000, 1, step);
	assert_true(sim_pstore_bytes(st) <= SIM_PSTORE_BUDGET);

	/* a small fleet keeps a view a second for 5.5 minutes */
	sim_pstore_plan(st, 2);
	assert_int_equal(sim_pstore_ring_len(st), SIM_PSTORE_RING);
	assert_int_equal(sim_pstore_step_ms(st), 1000);
	sim_pstore_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_format),
		cmocka_unit_test(test_text_format),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_shapes),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_eval_defaults),
		cmocka_unit_test(test_eval_rate),
		cmocka_unit_test(test_eval_counter_reset),
		cmocka_unit_test(test_eval_staleness),
		cmocka_unit_test(test_eval_operators),
		cmocka_unit_test(test_eval_range),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_store_budget),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
