/*
 * test-fleet-steady.c: an apply that changes nothing the screen shows
 * does not move fleet->version; one that does, does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleet-helpers.h"
#include "fleet.h"
#include "util.h"

#define T0	1764100000000LL

static struct fleet_consul_update *
consul(enum fleet_health h2)
{
	struct fleet_consul_update	*u = t_consul_new();

	t_consul_add(u, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(u, "bbb-02", h2);
	return (u);
}

static struct fleet_scalelite_update *
scalelite(double load)
{
	struct fleet_scalelite_update	*u = t_sl_new();

	t_sl_add(u, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 3);
	t_sl_add(u, "https://bbb-02.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, load);
	return (u);
}

static struct fleet_rancher_update *
rancher(const char *health)
{
	struct fleet_rancher_update	*u = t_rancher_new();

	t_rancher_stack(u, "1st1", "bbb-01", "active", "healthy");
	t_rancher_stack(u, "1st2", "bbb-02", "active", health);
	t_rancher_service(u, "1s1", "1st1", "bbb", "active", "healthy",
	    "1i1");
	t_rancher_service(u, "1s2", "1st2", "bbb", "active", health, "1i2");
	t_rancher_host(u, "1h1", "bbb-01.example.org", "active", NULL, "1i1");
	t_rancher_host(u, "1h2", "bbb-02.example.org", "active", NULL, "1i2");
	return (u);
}

static struct fleet_openstack_update *
openstack(const char *status)
{
	struct fleet_openstack_update	*u = t_os_new();

	t_os_add(u, "vm-1", "bbb-01", "ACTIVE");
	t_os_add(u, "vm-2", "bbb-02", status);
	return (u);
}

static void
test_same_apply_no_bump(void **state)
{
	struct fleet	*f;
	uint64_t	 v;

	(void)state;
	f = fleet_new("t");
	fleet_apply_consul(f, consul(FLEET_HEALTH_PASSING), T0);
	fleet_apply_scalelite(f, scalelite(5), T0);
	fleet_apply_rancher(f, rancher("healthy"), T0);
	fleet_apply_openstack(f, openstack("ACTIVE"), T0);
	assert_int_equal(f->nnodes, 2);

	/* The same again, later: nothing to redraw. */
	v = f->version;
	fleet_apply_consul(f, consul(FLEET_HEALTH_PASSING), T0 + 2000);
	fleet_apply_scalelite(f, scalelite(5), T0 + 2000);
	fleet_apply_rancher(f, rancher("healthy"), T0 + 2000);
	fleet_apply_openstack(f, openstack("ACTIVE"), T0 + 2000);
	assert_int_equal(f->version, v);
	/* ... but the data is fresh and the source says when. */
	assert_int_equal(f->sources[FLEET_SRC_RANCHER].last_ok, T0 + 2000);
	assert_true(fleet_node_fresh(f, f->nodes[1], FLEET_SRC_RANCHER));
	assert_true(fleet_node_fresh(f, f->nodes[1], FLEET_SRC_CONSUL));

	/* Each change moves it. */
	fleet_apply_consul(f, consul(FLEET_HEALTH_CRITICAL), T0 + 4000);
	assert_true(f->version > v);
	assert_int_equal(f->nodes[1]->health, FLEET_HEALTH_CRITICAL);
	v = f->version;
	fleet_apply_scalelite(f, scalelite(7), T0 + 4000);
	assert_true(f->version > v);
	v = f->version;
	fleet_apply_rancher(f, rancher("degraded"), T0 + 4000);
	assert_true(f->version > v);
	v = f->version;
	fleet_apply_openstack(f, openstack("SHUTOFF"), T0 + 4000);
	assert_true(f->version > v);
	assert_true(f->nproblems > 0);

	/* A source back from failure moves it, with the same data. */
	fleet_source_failed(f, FLEET_SRC_OPENSTACK, "timeout", T0 + 5000);
	v = f->version;
	fleet_apply_openstack(f, openstack("SHUTOFF"), T0 + 6000);
	assert_true(f->version > v);
	assert_int_equal(f->sources[FLEET_SRC_OPENSTACK].state,
	    FLEET_SRC_OK);
	fleet_free(f);
}

/* Prometheus figures are new every time: always a bump (sparklines). */
static void
test_prom_bumps(void **state)
{
	struct fleet		*f;
	struct fleet_prom_update *u;
	uint64_t		 v;
	int			 i;

	(void)state;
	f = fleet_new("t");
	fleet_apply_consul(f, consul(FLEET_HEALTH_PASSING), T0);
	for (i = 0; i < 2; i++) {
		u = t_prom_new();
		t_prom_add(u, "cpu", "bbb-01:9100", 20);
		v = f->version;
		fleet_apply_prom(f, u, T0 + i * 2000);
		assert_true(f->version > v);
	}
	assert_int_equal(f->nodes[0]->hist_cpu.count, 2);
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_apply_no_bump),
		cmocka_unit_test(test_prom_bumps),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
