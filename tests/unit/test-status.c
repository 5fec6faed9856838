/* test-status.c: status.c (exit codes, the JSON schema, the table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "problems.h"
#include "status.h"
#include "util.h"
#include "fleet-helpers.h"

#define T0	1700000000000LL

static struct fleet *
healthy_fleet(void)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	struct fleet_prom_update	*pu;

	f = fleet_new("uni-x");
	problems_limits(fleet_problems(f))->hold = false;
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	fleet_source_enable(f, FLEET_SRC_SCALELITE, true);
	fleet_source_enable(f, FLEET_SRC_PROMETHEUS, true);
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 12);
	t_sl_add(su, "https://bbb-02.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 3);
	fleet_apply_scalelite(f, su, T0);
	pu = t_prom_new();
	t_prom_add(pu, "cpu", "bbb-01:9100", 40);
	t_prom_add(pu, "cpu", "bbb-02:9100", 30);
	t_prom_add(pu, "participants", "bbb-01:9688", 120);
	t_prom_add(pu, "participants", "bbb-02:9688", 7);
	t_prom_add(pu, "meetings", "bbb-01:9688", 4);
	t_prom_add(pu, "meetings", "bbb-02:9688", 1);
	fleet_apply_prom(f, pu, T0);
	return (f);
}

static char *
render(const struct fleet *f, bool json)
{
	struct status_opts	 o = { false, T0 + 5000 };
	char			*s = NULL;
	size_t			 len = 0;
	FILE			*fp;

	fp = open_memstream(&s, &len);
	assert_non_null(fp);
	if (json)
		assert_int_equal(status_print_json(fp, f, &o), 0);
	else
		status_print_text(fp, f, &o);
	fclose(fp);
	return (s);
}

static void
test_exit_codes(void **state)
{
	struct fleet	*f;

	(void)state;
	f = fleet_new("x");
	/* nothing configured: UNKNOWN */
	assert_int_equal(status_exit_code(f), STATUS_UNKNOWN);
	fleet_free(f);

	f = healthy_fleet();
	assert_int_equal(status_exit_code(f), STATUS_OK);
	assert_string_equal(status_exit_name(STATUS_OK), "OK");

	/* info does not count */
	{
		struct fleet_scalelite_update *su = t_sl_new();

		t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
		    FLEET_LB_ENABLED, 1, 12);
		t_sl_add(su, "https://bbb-02.example.org/bigbluebutton/api/",
		    FLEET_LB_CORDONED, 1, 0);
		fleet_apply_scalelite(f, su, T0 + 1);
	}
	assert_non_null(f->problems);
	assert_int_equal(f->nproblems, 1);
	assert_int_equal(f->problems[0]->severity, FLEET_SEV_INFO);
	assert_int_equal(status_exit_code(f), STATUS_OK);

	/* a source still pending at the end: UNKNOWN */
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	assert_int_equal(status_exit_code(f), STATUS_UNKNOWN);
	/* failed: still UNKNOWN, not CRITICAL */
	fleet_source_failed(f, FLEET_SRC_RANCHER, "no answer within 10s",
	    T0 + 2);
	assert_int_equal(status_exit_code(f), STATUS_UNKNOWN);
	fleet_source_enable(f, FLEET_SRC_RANCHER, false);
	fleet_tick(f, T0 + 3);
	assert_int_equal(status_exit_code(f), STATUS_OK);

	/* a warning */
	{
		struct fleet_consul_update *cu = t_consul_new();

		t_consul_add(cu, "bbb-01", FLEET_HEALTH_WARNING);
		t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
		fleet_apply_consul(f, cu, T0 + 4);
	}
	assert_int_equal(status_exit_code(f), STATUS_WARNING);

	/* a stale source is a warning */
	fleet_source_failed(f, FLEET_SRC_SCALELITE, "HTTP 502", T0 + 5);
	assert_int_equal(f->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_STALE);
	assert_int_equal(status_exit_code(f), STATUS_WARNING);

	/* critical outranks a failed source */
	{
		struct fleet_consul_update *cu = t_consul_new();

		t_consul_add(cu, "bbb-01", FLEET_HEALTH_CRITICAL);
		fleet_apply_consul(f, cu, T0 + 6);
	}
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	assert_int_equal(status_exit_code(f), STATUS_CRITICAL);
	assert_string_equal(status_exit_name(STATUS_CRITICAL), "CRITICAL");
	fleet_free(f);
}

static void
test_json_schema(void **state)
{
	struct fleet	*f;
	json_t		*doc, *v, *n, *p, *s;
	json_error_t	 err;
	char		*out;
	size_t		 i;

	(void)state;
	f = healthy_fleet();
	{
		struct fleet_consul_update *cu = t_consul_new();

		t_consul_add(cu, "bbb-01", FLEET_HEALTH_CRITICAL);
		t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
		t_consul_add(cu, "bbb-03", FLEET_HEALTH_PASSING);
		fleet_apply_consul(f, cu, T0 + 1000);
	}
	fleet_source_enable(f, FLEET_SRC_OPENSTACK, true);
	fleet_source_failed(f, FLEET_SRC_OPENSTACK, "HTTP 401: \"bad\"",
	    T0 + 1000);
	out = render(f, true);
	doc = json_loads(out, 0, &err);
	if (doc == NULL)
		fail_msg("not JSON: %s: %s", err.text, out);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
	    "bbbctl.status/1");
	assert_string_equal(json_string_value(json_object_get(doc,
	    "cluster")), "uni-x");
	assert_string_equal(json_string_value(json_object_get(doc,
	    "status")), "CRITICAL");
	assert_int_equal(json_integer_value(json_object_get(doc,
	    "exit_code")), 2);
	assert_non_null(json_string_value(json_object_get(doc,
	    "generated")));

	/* every source, with its state */
	v = json_object_get(doc, "sources");
	assert_int_equal(json_array_size(v), FLEET_SRC_COUNT);
	for (i = 0; i < json_array_size(v); i++) {
		s = json_array_get(v, i);
		assert_string_equal(json_string_value(json_object_get(s,
		    "name")), fleet_src_name(i));
		assert_non_null(json_object_get(s, "state"));
		assert_non_null(json_object_get(s, "cause"));
		assert_non_null(json_object_get(s, "age_ms"));
	}
	s = json_array_get(v, FLEET_SRC_OPENSTACK);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "failed");
	assert_string_equal(json_string_value(json_object_get(s, "cause")),
	    "HTTP 401: \"bad\"");
	assert_true(json_is_null(json_object_get(s, "age_ms")));
	s = json_array_get(v, FLEET_SRC_CONSUL);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "ok");
	assert_int_equal(json_integer_value(json_object_get(s, "age_ms")),
	    4000);
	s = json_array_get(v, FLEET_SRC_RANCHER);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "off");

	/* nodes */
	v = json_object_get(doc, "nodes");
	assert_int_equal(json_array_size(v), 3);
	n = json_array_get(v, 0);
	assert_string_equal(json_string_value(json_object_get(n, "key")),
	    "bbb-01");
	assert_string_equal(json_string_value(json_object_get(n, "lb")),
	    "enabled");
	assert_true(json_is_true(json_object_get(n, "online")));
	assert_string_equal(json_string_value(json_object_get(n, "health")),
	    "critical");
	assert_true(json_real_value(json_object_get(n, "cpu")) == 40);
	assert_int_equal(json_integer_value(json_object_get(n,
	    "participants")), 120);
	assert_true(json_is_null(json_object_get(n, "mem")));
	assert_true(json_is_null(json_object_get(n, "stack")));
	assert_int_equal(json_array_size(json_object_get(n, "sources")), 3);
	assert_string_equal(json_string_value(json_object_get(n, "worst")),
	    "critical");
	n = json_array_get(v, 2);
	assert_string_equal(json_string_value(json_object_get(n, "key")),
	    "bbb-03");
	assert_true(json_is_null(json_object_get(n, "lb")));
	assert_true(json_is_null(json_object_get(n, "online")));

	/* totals */
	v = json_object_get(doc, "totals");
	assert_int_equal(json_integer_value(json_object_get(v, "nodes")), 3);
	assert_int_equal(json_integer_value(json_object_get(v,
	    "participants")), 127);
	assert_int_equal(json_integer_value(json_object_get(v, "meetings")),
	    5);

	/* problems: severity first */
	v = json_object_get(doc, "problems");
	assert_true(json_array_size(v) >= 3);
	p = json_array_get(v, 0);
	assert_string_equal(json_string_value(json_object_get(p,
	    "severity")), "critical");
	for (i = 0; i < json_array_size(v); i++) {
		p = json_array_get(v, i);
		assert_non_null(json_string_value(json_object_get(p, "rule")));
		assert_non_null(json_string_value(json_object_get(p, "text")));
		assert_non_null(json_string_value(json_object_get(p,
		    "since")));
		assert_true(json_is_array(json_object_get(p, "sources")));
		assert_non_null(json_object_get(p, "action"));
		assert_non_null(json_object_get(p, "node"));
	}
	json_decref(doc);
	free(out);
	fleet_free(f);
}

static void
test_text(void **state)
{
	struct fleet	*f;
	char		*out, *line2;

	(void)state;
	f = healthy_fleet();
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	fleet_source_failed(f, FLEET_SRC_RANCHER, "timed out", T0 + 1);
	out = render(f, false);
	assert_true(strncmp(out, "BBBCTL UNKNOWN - uni-x: rancher failed",
	    38) == 0);
	assert_non_null(strstr(out, "| nodes=2 up=2"));
	assert_non_null(strstr(out, "NODE    LB STATE  ONLINE  HEALTH"));
	assert_non_null(strstr(out, "bbb-01  enabled   online  passing"));
	assert_non_null(strstr(out, "MEETINGS  USERS  VIDEO  LOAD  STACK  VM"
	    "  PROBLEMS"));
	assert_non_null(strstr(out, "TOTAL 2 nodes: 2 up"));
	assert_non_null(strstr(out, "rancher failed: timed out"));
	assert_non_null(strstr(out, "rancher     failed"));
	assert_null(strstr(out, "\033["));	/* no colour asked */
	/* the summary is one line */
	line2 = strchr(out, '\n');
	assert_non_null(line2);
	assert_true(line2[1] == '\n');
	free(out);
	fleet_free(f);

	f = fleet_new("empty");
	out = render(f, false);
	assert_non_null(strstr(out, "no source configured"));
	assert_non_null(strstr(out, "PROBLEMS none"));
	free(out);
	fleet_free(f);
}

/*
 * Remote data and config values with terminal escapes: the table
 * writes no control character (a node named to retitle and clear the
 * operator's terminal, a cause with a C1 CSI, a cluster name with BEL).
 */
static void
test_text_escapes(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	char				*out;
	const unsigned char		*p;

	(void)state;
	f = fleet_new("uni\a-x\033[2J");
	problems_limits(fleet_problems(f))->hold = false;
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01\033]0;pwned\a\033[2J", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	fleet_source_failed(f, FLEET_SRC_RANCHER, "bad \xc2\x9b" "2J \r\x7f end",
	    T0 + 1);
	out = render(f, false);
	assert_non_null(strstr(out, "bbb-01?]0;pwned??[2j"));
	assert_non_null(strstr(out, "uni?-x?[2J"));
	for (p = (const unsigned char *)out; *p != '\0'; p++) {
		if (*p == '\n')
			continue;
		assert_false(*p < 0x20 || *p == 0x7f);
		assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
	}
	free(out);
	fleet_free(f);
}

/*
 * Prometheus and scalelite fail: the totals are unknown, and say so
 * (perfdata U, JSON null), never 0, which a graph records as a drop.
 */
static void
test_unknown_totals(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	json_t				*doc, *t;
	json_error_t			 err;
	char				*out;

	(void)state;
	f = fleet_new("uni-x");
	problems_limits(fleet_problems(f))->hold = false;
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	fleet_source_enable(f, FLEET_SRC_SCALELITE, true);
	fleet_source_enable(f, FLEET_SRC_PROMETHEUS, true);
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	fleet_source_failed(f, FLEET_SRC_PROMETHEUS, "HTTP 500", T0 + 1);
	fleet_source_failed(f, FLEET_SRC_SCALELITE, "HTTP 500", T0 + 1);
	assert_false(f->totals.load_known);
	out = render(f, false);
	assert_non_null(strstr(out, "meetings=U users=U video=U "));
	assert_null(strstr(out, "meetings=0"));
	assert_non_null(strstr(out, "meetings and users unknown"));
	assert_null(strstr(out, " 0 meetings"));
	free(out);
	out = render(f, true);
	doc = json_loads(out, 0, &err);
	assert_non_null(doc);
	t = json_object_get(doc, "totals");
	assert_true(json_is_null(json_object_get(t, "meetings")));
	assert_true(json_is_null(json_object_get(t, "participants")));
	assert_true(json_is_null(json_object_get(t, "video")));
	assert_true(json_is_null(json_object_get(t, "voice")));
	assert_int_equal(json_integer_value(json_object_get(t, "nodes")), 2);
	json_decref(doc);
	free(out);
	fleet_free(f);

	/* A healthy fleet's totals are numbers. */
	f = healthy_fleet();
	assert_true(f->totals.load_known);
	out = render(f, false);
	assert_non_null(strstr(out, "meetings=5 users=127 "));
	free(out);
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_unknown_totals),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
