/* test-problems.c: problems.c, every rule, positive and negative, and
 * `since` kept while a condition holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "problems.h"
#include "util.h"
#include "fleet-helpers.h"

#define T0	1700000000000LL
#define MIN	60000LL
#define DAY	(24 * 60 * MIN)

static const struct fleet_problem *
find(const struct fleet *f, const char *rule, const char *key)
{
	const struct fleet_problem	*p;
	size_t				 i;

	for (i = 0; i < f->nproblems; i++) {
		p = f->problems[i];
		if (strcmp(p->rule, rule) != 0)
			continue;
		if (key == NULL ? p->node_key == NULL :
		    p->node_key != NULL && strcmp(p->node_key, key) == 0)
			return (p);
	}
	return (NULL);
}

/* find() by a word in the text, for fleet-wide problems */
static const struct fleet_problem *
find_text(const struct fleet *f, const char *rule, const char *word)
{
	size_t	 i;

	for (i = 0; i < f->nproblems; i++) {
		if (strcmp(f->problems[i]->rule, rule) == 0 &&
		    strstr(f->problems[i]->text, word) != NULL)
			return (f->problems[i]);
	}
	return (NULL);
}

static size_t
count(const struct fleet *f, const char *rule)
{
	size_t	 i, n = 0;

	for (i = 0; i < f->nproblems; i++)
		n += strcmp(f->problems[i]->rule, rule) == 0;
	return (n);
}

static void
consul(struct fleet *f, int64_t now, const char *n1, enum fleet_health h1,
    const char *n2, enum fleet_health h2)
{
	struct fleet_consul_update	*u = t_consul_new();

	if (n1 != NULL)
		t_consul_add(u, n1, h1);
	if (n2 != NULL)
		t_consul_add(u, n2, h2);
	fleet_apply_consul(f, u, now);
}

static void
sl1(struct fleet *f, int64_t now, const char *name, enum fleet_lb lb,
    int online, double load)
{
	struct fleet_scalelite_update	*u = t_sl_new();
	char				*url;

	url = xasprintf("https://%s.example.org/bigbluebutton/api/", name);
	t_sl_add(u, url, lb, online, load);
	free(url);
	fleet_apply_scalelite(f, u, now);
}

static void
prom1(struct fleet *f, int64_t now, const char *name, const char *fig,
    double v)
{
	struct fleet_prom_update	*u = t_prom_new();
	char				*inst;

	inst = xasprintf("%s:9100", name);
	t_prom_add(u, "up", inst, 1);
	if (fig != NULL)
		t_prom_add(u, fig, inst, v);
	free(inst);
	/* its bbb-exporter makes it a BBB node (fleet.h) */
	inst = xasprintf("%s:9688", name);
	t_prom_add(u, "api_up", inst, 1);
	free(inst);
	fleet_apply_prom(f, u, now);
}

static void
test_offline_consul_passing(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	consul(f, T0, "bbb-01", FLEET_HEALTH_PASSING, NULL, 0);
	sl1(f, T0, "bbb-01", FLEET_LB_ENABLED, 0, NAN);
	p = find(f, "offline-consul-passing", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_int_equal(p->sources, FLEET_SRC_BIT(FLEET_SRC_SCALELITE) |
	    FLEET_SRC_BIT(FLEET_SRC_CONSUL));
	assert_non_null(p->action);
	assert_int_equal(p->since, T0);
	assert_non_null(strstr(p->text, "bbb-01"));
	assert_int_equal(f->nodes[0]->nproblems, 1);
	assert_int_equal(f->nodes[0]->worst, FLEET_SEV_CRITICAL);

	/* still so later: since kept, id kept */
	uint32_t id = p->id;
	sl1(f, T0 + 5 * MIN, "bbb-01", FLEET_LB_ENABLED, 0, NAN);
	p = find(f, "offline-consul-passing", "bbb-01");
	assert_int_equal(p->since, T0);
	assert_int_equal(p->id, id);

	/* cordoned: a warning; disabled: nothing */
	sl1(f, T0 + 6 * MIN, "bbb-01", FLEET_LB_CORDONED, 0, NAN);
	p = find(f, "offline-consul-passing", "bbb-01");
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	sl1(f, T0 + 7 * MIN, "bbb-01", FLEET_LB_DISABLED, 0, NAN);
	assert_null(find(f, "offline-consul-passing", "bbb-01"));

	/* online again: gone; offline with consul critical: not this rule */
	sl1(f, T0 + 8 * MIN, "bbb-01", FLEET_LB_ENABLED, 1, 1);
	assert_null(find(f, "offline-consul-passing", "bbb-01"));
	assert_int_equal(f->nodes[0]->nproblems, 0);
	consul(f, T0 + 9 * MIN, "bbb-01", FLEET_HEALTH_CRITICAL, NULL, 0);
	sl1(f, T0 + 9 * MIN, "bbb-01", FLEET_LB_ENABLED, 0, 1);
	assert_null(find(f, "offline-consul-passing", "bbb-01"));
	assert_non_null(find(f, "consul-critical", "bbb-01"));

	/* back: a new since */
	consul(f, T0 + 10 * MIN, "bbb-01", FLEET_HEALTH_PASSING, NULL, 0);
	p = find(f, "offline-consul-passing", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->since, T0 + 10 * MIN);
	assert_true(p->id != id);
	fleet_free(f);
}

static void
test_consul_checks(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	consul(f, T0, "bbb-01", FLEET_HEALTH_CRITICAL, "bbb-02",
	    FLEET_HEALTH_WARNING);
	p = find(f, "consul-critical", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_non_null(strstr(p->text, "bbb-web"));
	assert_null(strstr(p->text, "Serf"));	/* the passing one */
	assert_null(find(f, "consul-warning", "bbb-01"));
	p = find(f, "consul-warning", "bbb-02");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_null(find(f, "consul-critical", "bbb-02"));
	consul(f, T0 + 1, "bbb-01", FLEET_HEALTH_PASSING, "bbb-02",
	    FLEET_HEALTH_PASSING);
	assert_int_equal(f->nproblems, 0);
	fleet_free(f);
}

static void
test_prom_rules(void **state)
{
	struct fleet			*f;
	struct fleet_prom_update	*u;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	u = t_prom_new();
	t_prom_add(u, "api_up", "bbb-01:9688", 0);
	t_prom_add(u, "api_up", "bbb-02:9688", 1);
	t_prom_add(u, "cpu", "bbb-01:9100", 10);
	t_prom_add(u, "cpu", "bbb-02:9100", 10);
	t_prom_add(u, "up", "bbb-01:9100", 1);
	t_prom_add(u, "up", "bbb-01:9688", 1);
	t_prom_add(u, "up", "bbb-02:9100", 0);
	t_prom_add(u, "up", "bbb-02:9688", 1);
	fleet_apply_prom(f, u, T0);
	p = find(f, "bbb-api-down", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_int_equal(p->sources, FLEET_SRC_BIT(FLEET_SRC_PROMETHEUS));
	assert_null(find(f, "bbb-api-down", "bbb-02"));
	p = find(f, "exporter-down", "bbb-02");
	assert_non_null(p);
	assert_non_null(strstr(p->text, "1 of 2"));
	assert_null(find(f, "exporter-down", "bbb-01"));

	/* unknown api_up (-1) is no finding; nor are no targets */
	u = t_prom_new();
	t_prom_add(u, "cpu", "bbb-01:9100", 10);
	t_prom_fig(u, "api_up");
	t_prom_fig(u, "up");
	fleet_apply_prom(f, u, T0 + 1);
	assert_int_equal(count(f, "bbb-api-down"), 0);
	assert_int_equal(count(f, "exporter-down"), 0);
	fleet_free(f);
}

static void
test_cpu_mem_hold(void **state)
{
	struct fleet			*f;
	struct problems_limits		*lim;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	lim = problems_limits(fleet_problems(f));
	assert_true(lim->hold);
	prom1(f, T0, "bbb-01", "cpu", 95);
	assert_null(find(f, "cpu-high", "bbb-01"));	/* pending */
	prom1(f, T0 + lim->hold_ms - 1, "bbb-01", "cpu", 97);
	assert_null(find(f, "cpu-high", "bbb-01"));
	prom1(f, T0 + lim->hold_ms, "bbb-01", "cpu", 96);
	p = find(f, "cpu-high", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->since, T0);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_non_null(strstr(p->text, "96%"));
	/* a dip resets it */
	prom1(f, T0 + lim->hold_ms + 1, "bbb-01", "cpu", 50);
	assert_null(find(f, "cpu-high", "bbb-01"));
	prom1(f, T0 + lim->hold_ms + 2, "bbb-01", "cpu", 95);
	assert_null(find(f, "cpu-high", "bbb-01"));
	/* at the limit exactly it counts; just below not */
	prom1(f, T0 + 2 * lim->hold_ms + 2, "bbb-01", "cpu", lim->cpu_pct);
	assert_non_null(find(f, "cpu-high", "bbb-01"));
	prom1(f, T0 + 2 * lim->hold_ms + 3, "bbb-01", "cpu",
	    lim->cpu_pct - 0.1);
	assert_null(find(f, "cpu-high", "bbb-01"));

	/* one-shot: no hold */
	lim->hold = false;
	prom1(f, T0 + 3 * lim->hold_ms, "bbb-01", "mem", 93);
	p = find(f, "mem-high", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->since, T0 + 3 * lim->hold_ms);
	prom1(f, T0 + 3 * lim->hold_ms + 1, "bbb-01", "mem", 10);
	assert_null(find(f, "mem-high", "bbb-01"));
	/* a configured limit */
	lim->mem_pct = 5;
	prom1(f, T0 + 3 * lim->hold_ms + 2, "bbb-01", "mem", 10);
	assert_non_null(find(f, "mem-high", "bbb-01"));
	fleet_free(f);
}

static void
test_rancher_rules(void **state)
{
	struct fleet			*f;
	struct fleet_rancher_update	*u;
	struct fleet_consul_update	*cu;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-03", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-04", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	u = t_rancher_new();
	t_rancher_stack(u, "1st1", "bbb-01", "active", "healthy");
	t_rancher_stack(u, "1st2", "bbb-02", "active", "degraded");
	t_rancher_stack(u, "1st3", "bbb-03", "active", "unhealthy");
	t_rancher_stack(u, "1st4", "bbb-04", "active", "healthy");
	t_rancher_service(u, "1s1", "1st1", "web", "active", "healthy", "1i1");
	t_rancher_service(u, "1s2", "1st2", "fs", "active", "degraded",
	    "1i2");
	t_rancher_service(u, "1s3", "1st3", "web", "active", "unhealthy",
	    "1i3");
	/* a stack that says healthy over an unhealthy service */
	t_rancher_service(u, "1s4", "1st4", "kurento", "active", "unhealthy",
	    "1i4");
	t_rancher_host(u, "1h1", "bbb-01", "active", NULL, "1i1");
	t_rancher_host(u, "1h2", "bbb-02", "active", "disconnected", "1i2");
	t_rancher_host(u, "1h3", "bbb-03", "reconnecting", NULL, "1i3");
	t_rancher_host(u, "1h4", "bbb-04", "inactive", NULL, "1i4");
	fleet_apply_rancher(f, u, T0);

	assert_null(find_text(f, "stack-degraded", "bbb-01"));
	assert_null(find_text(f, "stack-unhealthy", "bbb-01"));
	p = find_text(f, "stack-degraded", "bbb-02");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_string_equal(p->node_key, "bbb-02");	/* its one host */
	assert_string_equal(p->text, "stack bbb-02 degraded (fs degraded)");
	assert_string_equal(p->action, "stack redeploy");
	p = find_text(f, "stack-unhealthy", "bbb-03");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_string_equal(p->text, "stack bbb-03 unhealthy (web unhealthy)");
	assert_null(find_text(f, "stack-degraded", "bbb-03"));
	/* a healthy stack over an unhealthy service: degraded */
	p = find_text(f, "stack-degraded", "bbb-04");
	assert_non_null(p);
	assert_string_equal(p->text,
	    "stack bbb-04 degraded (kurento unhealthy)");
	assert_int_equal(count(f, "stack-unhealthy"), 1);
	assert_int_equal(count(f, "stack-degraded"), 2);

	assert_null(find(f, "host-disconnected", "bbb-01"));
	p = find(f, "host-disconnected", "bbb-02");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_non_null(find(f, "host-disconnected", "bbb-03"));
	assert_null(find(f, "host-disconnected", "bbb-04"));	/* inactive */

	/* a host that is no node: still seen, bound to no node */
	u = t_rancher_new();
	t_rancher_host(u, "1h1", "bbb-01", "active", NULL, "");
	t_rancher_host(u, "1h9", "infra-01", "disconnected", NULL, "");
	fleet_apply_rancher(f, u, T0 + 1);
	assert_null(fleet_node_by_key(f, "infra-01"));
	p = find_text(f, "host-disconnected", "infra-01");
	assert_non_null(p);
	assert_null(p->node_key);
	assert_int_equal(count(f, "host-disconnected"), 1);
	assert_null(find_text(f, "missing-from-source", "infra-01"));
	fleet_free(f);
}

static void
test_vm(void **state)
{
	struct fleet			*f;
	struct fleet_openstack_update	*u;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	consul(f, T0, "bbb-01", FLEET_HEALTH_PASSING, "bbb-02",
	    FLEET_HEALTH_PASSING);
	u = t_os_new();
	t_os_add(u, "u1", "bbb-01", "ERROR");
	t_os_add(u, "u2", "bbb-02", "BUILD");
	t_os_add(u, "u3", "greenlight", "SHUTOFF");
	fleet_apply_openstack(f, u, T0);
	p = find(f, "vm-not-active", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_null(find(f, "vm-not-active", "bbb-02"));
	/* a VM that is no node: a warning, bound to no node */
	assert_null(fleet_node_by_key(f, "greenlight"));
	assert_null(find(f, "vm-not-active", "greenlight"));
	p = find_text(f, "vm-not-active", "greenlight");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_null(p->node_key);
	assert_string_equal(p->text, "greenlight VM SHUTOFF");
	assert_int_equal(count(f, "vm-not-active"), 2);

	/* a VM of a node-like name that no BBB source knows is a node */
	fleet_set_node_pattern(f, "bbb-*");
	u = t_os_new();
	t_os_add(u, "u1", "bbb-01", "ACTIVE");
	t_os_add(u, "u3", "greenlight", "SHUTOFF");
	t_os_add(u, "u4", "bbb-13", "ERROR");
	fleet_apply_openstack(f, u, T0 + 1);
	p = find(f, "vm-not-active", "bbb-13");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	p = find(f, "missing-from-source", "bbb-13");
	assert_non_null(p);
	assert_string_equal(p->text,
	    "bbb-13 in openstack, missing from consul");
	assert_int_equal(fleet_node_by_key(f, "bbb-13")->nproblems, 2);
	fleet_free(f);
}

static void
test_missing(void **state)
{
	struct fleet			*f;
	struct fleet_scalelite_update	*su;
	struct fleet_openstack_update	*ou;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	fleet_source_enable(f, FLEET_SRC_SCALELITE, true);
	consul(f, T0, "bbb-01", FLEET_HEALTH_PASSING, "bbb-02",
	    FLEET_HEALTH_PASSING);
	/* scalelite has not answered: nothing is missing yet */
	assert_int_equal(count(f, "missing-from-source"), 0);
	sl1(f, T0 + 1000, "bbb-01", FLEET_LB_ENABLED, 1, 1);
	p = find(f, "missing-from-source", "bbb-02");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_string_equal(p->text,
	    "bbb-02 in consul, missing from scalelite");
	assert_int_equal(p->sources, FLEET_SRC_BIT(FLEET_SRC_CONSUL) |
	    FLEET_SRC_BIT(FLEET_SRC_SCALELITE));
	assert_int_equal(p->since, T0 + 1000);
	assert_null(find(f, "missing-from-source", "bbb-01"));

	/* a VM that is no BBB node is not "missing" anywhere */
	ou = t_os_new();
	t_os_add(ou, "u1", "bbb-01", "ACTIVE");
	t_os_add(ou, "u9", "greenlight-01", "ACTIVE");
	fleet_apply_openstack(f, ou, T0 + 2000);
	assert_null(find(f, "missing-from-source", "greenlight-01"));
	p = find(f, "missing-from-source", "bbb-02");
	assert_string_equal(p->text,
	    "bbb-02 in consul, missing from scalelite, openstack");
	assert_int_equal(p->since, T0 + 1000);	/* kept */

	/* scalelite fails for good: no longer a judge */
	f->stale_limit_ms = 1;
	fleet_source_failed(f, FLEET_SRC_SCALELITE, "HTTP 500", T0 + 3000);
	p = find(f, "missing-from-source", "bbb-02");
	assert_string_equal(p->text,
	    "bbb-02 in consul, missing from openstack");

	/* legacy scalelite cannot say */
	f->stale_limit_ms = 60000;
	ou = t_os_new();
	t_os_add(ou, "u1", "bbb-01", "ACTIVE");
	t_os_add(ou, "u2", "bbb-02", "ACTIVE");
	fleet_apply_openstack(f, ou, T0 + 4000);
	su = t_sl_new();
	su->legacy = true;
	fleet_apply_scalelite(f, su, T0 + 4000);
	assert_int_equal(count(f, "missing-from-source"), 0);
	p = find(f, "scalelite-legacy", NULL);
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_INFO);
	fleet_free(f);
}

static void
test_enabled_stale(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	sl1(f, T0, "bbb-01", FLEET_LB_ENABLED, 1, 1);
	prom1(f, T0, "bbb-01", "cpu", 10);
	assert_null(find(f, "enabled-stale", "bbb-01"));
	/* the target is there but its metrics are not */
	{
		struct fleet_prom_update *u = t_prom_new();

		t_prom_add(u, "up", "bbb-01:9100", 1);
		t_prom_fig(u, "cpu");
		fleet_apply_prom(f, u, T0 + MIN);
	}
	p = find(f, "enabled-stale", "bbb-01");
	assert_non_null(p);
	assert_non_null(strstr(p->text, "1m"));
	/* cordoned: no matter */
	sl1(f, T0 + MIN, "bbb-01", FLEET_LB_CORDONED, 1, 1);
	assert_null(find(f, "enabled-stale", "bbb-01"));
	fleet_free(f);
}

/*
 * Issue 16 item 9: the first answers after a start have no CPU rate yet
 * (a rate needs two samples) but do have the load: that is not "no
 * metrics", and no rule fires on a source that has not answered once.
 */
static void
test_no_false_start(void **state)
{
	struct fleet			*f;

	(void)state;
	f = fleet_new("t");
	sl1(f, T0, "bbb-01", FLEET_LB_ENABLED, 1, 1);
	{
		struct fleet_prom_update *u = t_prom_new();

		t_prom_add(u, "up", "bbb-01:9100", 1);
		t_prom_add(u, "load1", "bbb-01:9100", 0.5);
		t_prom_fig(u, "cpu");
		fleet_apply_prom(f, u, T0 + 600);
	}
	assert_null(find(f, "enabled-stale", "bbb-01"));
	assert_int_equal(count(f, "enabled-stale"), 0);
	fleet_free(f);

	/* Rancher has not answered yet: no stack rule has a say. */
	f = fleet_new("t");
	sl1(f, T0, "bbb-01", FLEET_LB_ENABLED, 1, 1);
	assert_int_equal(f->sources[FLEET_SRC_RANCHER].last_ok, 0);
	assert_int_equal(count(f, "stack-unhealthy"), 0);
	assert_int_equal(count(f, "stack-degraded"), 0);
	assert_int_equal(count(f, "host-disconnected"), 0);
	fleet_free(f);
}

/*
 * Issue 16 item 15: a condition held before it fires (CPU 100% for the
 * 5-minute hold) is published as pending, with when it fires; not as a
 * problem.
 */
static void
test_pending(void **state)
{
	struct fleet			*f;
	struct problems_limits		*lim;

	(void)state;
	f = fleet_new("t");
	lim = problems_limits(fleet_problems(f));
	prom1(f, T0, "bbb-01", "cpu", 100);
	assert_null(find(f, "cpu-high", "bbb-01"));
	assert_int_equal(f->npending, 1);
	assert_string_equal(f->pending[0]->rule, "cpu-high");
	assert_string_equal(f->pending[0]->node_key, "bbb-01");
	assert_int_equal(f->pending[0]->fires_at, T0 + lim->hold_ms);
	assert_non_null(strstr(f->pending[0]->text, "100%"));
	prom1(f, T0 + lim->hold_ms, "bbb-01", "cpu", 100);
	assert_non_null(find(f, "cpu-high", "bbb-01"));
	assert_int_equal(f->npending, 0);
	/* a dip clears a pending one */
	prom1(f, T0 + lim->hold_ms + 1, "bbb-01", "cpu", 10);
	prom1(f, T0 + lim->hold_ms + 2, "bbb-01", "cpu", 99);
	assert_int_equal(f->npending, 1);
	prom1(f, T0 + lim->hold_ms + 3, "bbb-01", "cpu", 10);
	assert_int_equal(f->npending, 0);
	fleet_free(f);
}

static void
test_sources(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;

	(void)state;
	f = fleet_new("t");
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	assert_int_equal(f->nproblems, 0);	/* pending is no problem */
	fleet_source_failed(f, FLEET_SRC_RANCHER, "timed out after 10 s",
	    T0);
	p = find(f, "source-failed", NULL);
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_int_equal(p->sources, FLEET_SRC_BIT(FLEET_SRC_RANCHER));
	assert_string_equal(p->text, "rancher failed: timed out after 10 s");

	consul(f, T0, "bbb-01", FLEET_HEALTH_PASSING, NULL, 0);
	fleet_source_failed(f, FLEET_SRC_CONSUL, "HTTP 500", T0 + 2 * MIN);
	p = find(f, "source-stale", NULL);
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_string_equal(p->text, "consul stale (data 2m old): HTTP 500");
	fleet_tick(f, T0 + f->stale_limit_ms);
	assert_null(find(f, "source-stale", NULL));
	assert_int_equal(count(f, "source-failed"), 2);
	fleet_free(f);
}

static void
test_cordoned_idle(void **state)
{
	struct fleet			*f;
	struct problems_limits		*lim;

	(void)state;
	f = fleet_new("t");
	lim = problems_limits(fleet_problems(f));
	sl1(f, T0, "bbb-01", FLEET_LB_CORDONED, 1, 0);
	assert_null(find(f, "cordoned-idle", "bbb-01"));
	fleet_tick(f, T0 + lim->idle_ms);
	assert_non_null(find(f, "cordoned-idle", "bbb-01"));
	assert_int_equal(find(f, "cordoned-idle", "bbb-01")->severity,
	    FLEET_SEV_INFO);
	assert_string_equal(find(f, "cordoned-idle", "bbb-01")->action,
	    "server disable");
	sl1(f, T0 + lim->idle_ms + 1, "bbb-01", FLEET_LB_CORDONED, 1, 2);
	assert_null(find(f, "cordoned-idle", "bbb-01"));
	sl1(f, T0 + lim->idle_ms + 2, "bbb-01", FLEET_LB_ENABLED, 1, 0);
	fleet_tick(f, T0 + 3 * lim->idle_ms);
	assert_null(find(f, "cordoned-idle", "bbb-01"));
	fleet_free(f);
}

static void
test_cert(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;
	const char			*u = "https://bbb-01.example.org/";

	(void)state;
	f = fleet_new("t");
	consul(f, T0, "bbb-01", FLEET_HEALTH_PASSING, NULL, 0);
	fleet_apply_cert(f, u, T0 + 20 * DAY, T0);
	assert_null(find(f, "cert-expiry", "bbb-01"));
	fleet_apply_cert(f, u, T0 + 10 * DAY, T0);
	p = find(f, "cert-expiry", "bbb-01");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_string_equal(p->text,
	    "bbb-01 TLS certificate expires in 10d");
	fleet_apply_cert(f, u, T0 + 2 * DAY, T0);
	p = find(f, "cert-expiry", "bbb-01");
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	fleet_apply_cert(f, u, T0 - 3 * DAY, T0);
	p = find(f, "cert-expiry", "bbb-01");
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_non_null(strstr(p->text, "expired 3d ago"));
	fleet_free(f);
}

static void
test_order_and_table(void **state)
{
	struct fleet			*f;
	const struct problem_rule	*rules;
	size_t				 n, i, j;

	(void)state;
	f = fleet_new("t");
	problems_limits(fleet_problems(f))->hold = false;
	/* an info problem first, then a warning, then a critical */
	sl1(f, T0, "bbb-01", FLEET_LB_CORDONED, 1, 0);
	prom1(f, T0 + 1000, "bbb-02", "cpu", 99);
	consul(f, T0 + 2000, "bbb-01", FLEET_HEALTH_CRITICAL, "bbb-02",
	    FLEET_HEALTH_CRITICAL);
	fleet_tick(f, T0 + 3000);
	assert_true(f->nproblems >= 4);
	for (i = 1; i < f->nproblems; i++) {
		assert_true(f->problems[i - 1]->severity >=
		    f->problems[i]->severity);
		/* the newest first within a severity (issue 16 item 12) */
		if (f->problems[i - 1]->severity == f->problems[i]->severity)
			assert_true(f->problems[i - 1]->since >=
			    f->problems[i]->since);
	}
	assert_int_equal(f->problems[0]->severity, FLEET_SEV_CRITICAL);
	assert_int_equal(f->problems[f->nproblems - 1]->severity,
	    FLEET_SEV_INFO);

	rules = problems_rules(&n);
	assert_true(n >= 17);
	for (i = 0; i < n; i++) {
		assert_non_null(rules[i].name);
		assert_non_null(rules[i].doc);
		for (j = 0; j < i; j++)
			assert_true(strcmp(rules[i].name, rules[j].name) != 0);
	}
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline_consul_passing),
		cmocka_unit_test(test_consul_checks),
		cmocka_unit_test(test_prom_rules),
		cmocka_unit_test(test_cpu_mem_hold),
		cmocka_unit_test(test_rancher_rules),
		cmocka_unit_test(test_vm),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_enabled_stale),
		cmocka_unit_test(test_no_false_start),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_cordoned_idle),
		cmocka_unit_test(test_cert),
		cmocka_unit_test(test_order_and_table),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
