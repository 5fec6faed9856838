/* test-fleet.c: fleet.c (the join, applies, seen bits, states, rings) and
 * hmap.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fleet.h"
#include "hmap.h"
#include "util.h"
#include "fleet-helpers.h"

#define T0	1700000000000LL
#define ALL	(FLEET_SRC_BIT(FLEET_SRC_COUNT) - 1)

static void
key_is(const char *name, const char *domain, enum fleet_key_rule rule,
    const char *want)
{
	char	*k;

	k = fleet_node_key_rule(name, domain, rule);
	if (want == NULL) {
		if (k != NULL)
			fail_msg("key of '%s' is '%s', want NULL",
			    name != NULL ? name : "(null)", k);
		return;
	}
	if (k == NULL)
		fail_msg("key of '%s' is NULL, want '%s'",
		    name != NULL ? name : "(null)", want);
	if (strcmp(k, want) != 0)
		fail_msg("key of '%s' is '%s', want '%s'", name, k, want);
	free(k);
}

static void
test_key_forms(void **state)
{
	enum fleet_key_rule	 r;

	(void)state;
	key_is("bbb-01", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("BBB-01", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("bbb-01:9100", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("bbb-01.example.org:9688", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("https://bbb-01.example.org/bigbluebutton/api/", NULL,
	    FLEET_KEY_HOST, "bbb-01");
	key_is("https://bbb-01.example.org/bigbluebutton/api", NULL,
	    FLEET_KEY_HOST, "bbb-01");
	key_is("http://u:p@Bbb-01.Example.Org:8443/x?y=1#z", NULL,
	    FLEET_KEY_HOST, "bbb-01");
	key_is("https://bbb-01.example.org?x=a/b", NULL, FLEET_KEY_HOST,
	    "bbb-01");
	key_is("bbb-01.example.org.", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("bbb-01.localhost:41234", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is(" bbb-01 ", NULL, FLEET_KEY_HOST, "bbb-01");
	key_is("10.0.0.5:9100", NULL, FLEET_KEY_HOST, "10.0.0.5");
	key_is("http://10.0.0.5/bigbluebutton/api/", NULL, FLEET_KEY_HOST,
	    "10.0.0.5");
	key_is("[2001:DB8::1]:9100", NULL, FLEET_KEY_HOST, "2001:db8::1");
	key_is("2001:db8::1", NULL, FLEET_KEY_HOST, "2001:db8::1");
	key_is("", NULL, FLEET_KEY_HOST, NULL);
	key_is(NULL, NULL, FLEET_KEY_HOST, NULL);
	key_is("https:///bigbluebutton/api/", NULL, FLEET_KEY_HOST, NULL);
	key_is(":9100", NULL, FLEET_KEY_HOST, NULL);
	key_is("[::1", NULL, FLEET_KEY_HOST, NULL);
	key_is(".example.org", NULL, FLEET_KEY_HOST, NULL);

	/* [cluster] domain keeps sub-domains apart */
	key_is("bbb-01.site-a.example.org", "example.org", FLEET_KEY_HOST,
	    "bbb-01.site-a");
	key_is("https://bbb-01.site-b.example.org/bigbluebutton/api/",
	    ".example.org.", FLEET_KEY_HOST, "bbb-01.site-b");
	key_is("bbb-01.other.net", "example.org", FLEET_KEY_HOST,
	    "bbb-01.other.net");
	key_is("bbb-01.site-a:9100", "example.org", FLEET_KEY_HOST,
	    "bbb-01.site-a");
	key_is("example.org", "example.org", FLEET_KEY_HOST, "example.org");
	key_is("bbb-01", "example.org", FLEET_KEY_HOST, "bbb-01");

	key_is("bbb-01.example.org", NULL, FLEET_KEY_FQDN,
	    "bbb-01.example.org");
	key_is("bbb-01.example.org:9100", "example.org", FLEET_KEY_FQDN,
	    "bbb-01");
	key_is("BBB_01.example.org", NULL, FLEET_KEY_ALNUM, "bbb01");
	key_is("bbb-01:9100", NULL, FLEET_KEY_ALNUM, "bbb01");
	key_is("---.example.org", NULL, FLEET_KEY_ALNUM, NULL);

	assert_int_equal(fleet_key_rule_parse("host", &r), 0);
	assert_int_equal(r, FLEET_KEY_HOST);
	assert_int_equal(fleet_key_rule_parse(NULL, &r), 0);
	assert_int_equal(r, FLEET_KEY_HOST);
	assert_int_equal(fleet_key_rule_parse("FQDN", &r), 0);
	assert_int_equal(r, FLEET_KEY_FQDN);
	assert_int_equal(fleet_key_rule_parse("alnum", &r), 0);
	assert_int_equal(r, FLEET_KEY_ALNUM);
	assert_int_equal(fleet_key_rule_parse("regex", &r), -1);

	/* the default entry point */
	{
		char *k = fleet_node_key("https://BBB-07.x.y/z", NULL);
		assert_string_equal(k, "bbb-07");
		free(k);
	}
}

/* Every source names bbb-01 its own way; one node results. */
static void
apply_all(struct fleet *f, const char *suffix, int64_t now)
{
	struct fleet_consul_update	*cu = t_consul_new();
	struct fleet_scalelite_update	*su = t_sl_new();
	struct fleet_prom_update	*pu = t_prom_new();
	struct fleet_rancher_update	*ru = t_rancher_new();
	struct fleet_openstack_update	*ou = t_os_new();
	char				*url, *fq;

	url = xasprintf("https://bbb-01%s/bigbluebutton/api/", suffix);
	fq = xasprintf("bbb-01%s", suffix);
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_sl_add(su, url, FLEET_LB_ENABLED, 1, 12);
	t_prom_add(pu, "cpu", "bbb-01:9100", 42);
	t_prom_add(pu, "participants", "bbb-01:9688", 17);
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "up", "bbb-01:9688", 0);
	t_rancher_stack(ru, "1st1", "bbb", "active", "healthy");
	t_rancher_service(ru, "1s1", "1st1", "bbb-web", "active", "healthy",
	    "1i1");
	t_rancher_host(ru, "1h1", fq, "active", NULL, "1i1");
	t_os_add(ou, "uuid-1", "BBB-01", "ACTIVE");
	assert_int_equal(fleet_apply_consul(f, cu, now), 0);
	assert_int_equal(fleet_apply_scalelite(f, su, now), 0);
	assert_int_equal(fleet_apply_prom(f, pu, now), 0);
	assert_int_equal(fleet_apply_rancher(f, ru, now), 0);
	assert_int_equal(fleet_apply_openstack(f, ou, now), 0);
	free(url);
	free(fq);
}

static void
test_join_all_sources(void **state)
{
	struct fleet		*f;
	const struct fleet_node	*n;
	int			 s;

	(void)state;
	f = fleet_new("test");
	apply_all(f, ".example.org", T0);
	assert_int_equal(f->nnodes, 1);
	n = f->nodes[0];
	assert_string_equal(n->key, "bbb-01");
	assert_int_equal(n->seen, ALL);
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		assert_int_equal(n->seen_at[s], T0);
		assert_int_equal(f->sources[s].state, FLEET_SRC_OK);
		assert_true(fleet_node_fresh(f, n, s));
	}
	assert_string_equal(n->consul_node, "bbb-01");
	assert_int_equal(n->health, FLEET_HEALTH_PASSING);
	assert_int_equal(n->lb, FLEET_LB_ENABLED);
	assert_int_equal(n->online, 1);
	assert_true(n->load == 12);
	assert_true(n->cpu == 42);
	assert_int_equal(n->participants, 17);
	assert_int_equal(n->exporters_total, 2);
	assert_int_equal(n->exporters_up, 1);
	assert_true(isnan(n->mem));	/* no figure: unknown */
	assert_int_equal(n->meetings, -1);
	assert_string_equal(n->stack, "bbb");
	assert_string_equal(n->stack_state, "active");
	assert_string_equal(n->host_id, "1h1");
	assert_string_equal(n->vm_status, "ACTIVE");
	assert_string_equal(n->flavor, "m1.xlarge");
	assert_true(n->bbb);
	assert_ptr_equal(fleet_node_by_key(f, "bbb-01"), n);
	assert_ptr_equal(fleet_node_by_id(f, n->id), n);
	assert_null(fleet_node_by_key(f, "bbb-02"));
	assert_null(fleet_node_by_id(f, n->id + 1000));
	assert_int_equal(f->nhosts, 1);
	assert_string_equal(f->hosts[0]->node_key, "bbb-01");
	assert_int_equal(f->nvms, 1);
	assert_string_equal(f->vms[0]->node_key, "bbb-01");
	assert_int_equal(f->totals.nodes, 1);
	assert_int_equal(f->totals.up, 1);
	assert_int_equal(f->totals.participants, 17);
	fleet_free(f);
}

static void
test_join_domain(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	struct config			*cfg;
	char				*cause = NULL;

	(void)state;
	f = fleet_new("test");
	fleet_set_join(f, FLEET_KEY_HOST, "example.org");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01.site-a", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-01.site-b", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.site-a.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 0);
	fleet_apply_scalelite(f, su, T0);
	assert_int_equal(f->nnodes, 2);
	assert_string_equal(f->nodes[0]->key, "bbb-01.site-a");
	assert_int_equal(f->nodes[0]->seen, FLEET_SRC_BIT(FLEET_SRC_CONSUL) |
	    FLEET_SRC_BIT(FLEET_SRC_SCALELITE));
	assert_int_equal(f->nodes[1]->seen, FLEET_SRC_BIT(FLEET_SRC_CONSUL));

	/* alnum joins differently spelled names */
	fleet_free(f);
	f = fleet_new("test");
	fleet_set_join(f, FLEET_KEY_ALNUM, NULL);
	cu = t_consul_new();
	t_consul_add(cu, "bbb_01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 0);
	fleet_apply_scalelite(f, su, T0);
	assert_int_equal(f->nnodes, 1);
	assert_string_equal(f->nodes[0]->key, "bbb01");
	fleet_free(f);

	/* the same through the [cluster] settings, as the programs do */
	cfg = config_new();
	free(cfg->cluster.node_key);
	cfg->cluster.node_key = xstrdup("alnum");
	f = fleet_new("test");
	assert_int_equal(fleet_configure(f, cfg, &cause), 0);
	cu = t_consul_new();
	t_consul_add(cu, "bbb_01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 0);
	fleet_apply_scalelite(f, su, T0);
	assert_int_equal(f->nnodes, 1);
	assert_string_equal(f->nodes[0]->key, "bbb01");
	fleet_free(f);
	free(cfg->cluster.node_key);
	cfg->cluster.node_key = xstrdup("nonsense");
	f = fleet_new("test");
	assert_int_equal(fleet_configure(f, cfg, &cause), -1);
	assert_non_null(strstr(cause, "node_key"));
	free(cause);
	fleet_free(f);
	config_free(cfg);
}

static void
test_appear_disappear(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	const struct fleet_node		*n;
	uint32_t			 id1, id2, id3;
	uint64_t			 v;

	(void)state;
	f = fleet_new("test");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-03", FLEET_HEALTH_PASSING);
	v = f->version;
	fleet_apply_consul(f, cu, T0);
	assert_true(f->version > v);
	assert_int_equal(f->nnodes, 3);
	/* sorted by key */
	assert_string_equal(f->nodes[0]->key, "bbb-01");
	assert_string_equal(f->nodes[1]->key, "bbb-02");
	assert_string_equal(f->nodes[2]->key, "bbb-03");
	id1 = f->nodes[0]->id;
	id2 = f->nodes[1]->id;
	id3 = f->nodes[2]->id;
	assert_true(id1 != id2 && id2 != id3 && id1 != id3);

	su = t_sl_new();
	t_sl_add(su, "https://bbb-02.example.org/bigbluebutton/api/",
	    FLEET_LB_CORDONED, 1, 3);
	fleet_apply_scalelite(f, su, T0 + 1000);

	/* bbb-02 leaves consul but stays in scalelite; bbb-03 leaves all */
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0 + 2000);
	assert_int_equal(f->nnodes, 2);
	n = fleet_node_by_key(f, "bbb-02");
	assert_non_null(n);
	assert_int_equal(n->id, id2);
	assert_int_equal(n->seen, FLEET_SRC_BIT(FLEET_SRC_SCALELITE));
	assert_null(n->consul_node);
	assert_int_equal(n->nchecks, 0);
	assert_int_equal(n->health, FLEET_HEALTH_UNKNOWN);
	assert_int_equal(n->seen_at[FLEET_SRC_CONSUL], T0);
	assert_false(fleet_node_fresh(f, n, FLEET_SRC_CONSUL));
	assert_true(fleet_node_fresh(f, n, FLEET_SRC_SCALELITE));
	assert_null(fleet_node_by_key(f, "bbb-03"));
	assert_null(fleet_node_by_id(f, id3));
	assert_int_equal(fleet_node_by_key(f, "bbb-01")->id, id1);

	/* bbb-03 returns: a new id, never the old one */
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-03", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0 + 3000);
	n = fleet_node_by_key(f, "bbb-03");
	assert_non_null(n);
	assert_true(n->id != id3 && n->id > id3);
	assert_int_equal(f->nnodes, 3);

	/* scalelite drops bbb-02: its fields go, then the node */
	su = t_sl_new();
	fleet_apply_scalelite(f, su, T0 + 4000);
	assert_null(fleet_node_by_key(f, "bbb-02"));
	assert_int_equal(f->nnodes, 2);
	for (size_t i = 0; i < f->nnodes; i++)
		assert_int_equal(f->nodes[i]->lb, FLEET_LB_UNKNOWN);
	fleet_free(f);
}

static void
test_consul_merge(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	const struct fleet_node		*n;

	(void)state;
	f = fleet_new("test");
	cu = t_consul_new();
	cu->index = 4711;
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_CRITICAL);
	fleet_apply_consul(f, cu, T0);
	n = fleet_node_by_key(f, "bbb-01");
	assert_int_equal(n->nchecks, 4);
	assert_int_equal(n->health, FLEET_HEALTH_CRITICAL);
	assert_int_equal(f->consul_index, 4711);
	/* the next answer replaces the checks */
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_WARNING);
	fleet_apply_consul(f, cu, T0 + 1);
	n = fleet_node_by_key(f, "bbb-01");
	assert_int_equal(n->nchecks, 2);
	assert_int_equal(n->health, FLEET_HEALTH_WARNING);
	fleet_free(f);
}

static void
test_source_states(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	const struct fleet_source	*s;
	int64_t				 lim;
	uint64_t			 v;

	(void)state;
	f = fleet_new("test");
	s = &f->sources[FLEET_SRC_CONSUL];
	lim = f->stale_limit_ms;
	assert_int_equal(s->state, FLEET_SRC_OFF);
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	assert_int_equal(s->state, FLEET_SRC_PENDING);

	/* failure without any data: FAILED at once */
	fleet_source_failed(f, FLEET_SRC_CONSUL, "connection refused", T0);
	assert_int_equal(s->state, FLEET_SRC_FAILED);
	assert_string_equal(s->cause, "connection refused");
	assert_int_equal(s->last_ok, 0);
	assert_int_equal(s->last_try, T0);

	cu = t_consul_new();
	cu->fetch.bytes = 1234;
	cu->fetch.latency_ms = 56;
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0 + 1000);
	assert_int_equal(s->state, FLEET_SRC_OK);
	assert_null(s->cause);
	assert_int_equal(s->last_ok, T0 + 1000);
	assert_int_equal(s->bytes, 1234);
	assert_int_equal(s->latency_ms, 56);

	/* failure with recent data: STALE, data kept */
	fleet_source_failed(f, FLEET_SRC_CONSUL, "HTTP 503", T0 + 2000);
	assert_int_equal(s->state, FLEET_SRC_STALE);
	assert_string_equal(s->cause, "HTTP 503");
	assert_int_equal(s->last_ok, T0 + 1000);
	assert_non_null(fleet_node_by_key(f, "bbb-01"));
	assert_true(fleet_node_fresh(f, fleet_node_by_key(f, "bbb-01"),
	    FLEET_SRC_CONSUL));

	/*
	 * time passes: STALE -> FAILED at the limit, not before; a tick
	 * bumps the version only when it changed something.
	 */
	fleet_tick(f, T0 + 1000 + lim - 2);
	v = f->version;
	fleet_tick(f, T0 + 1000 + lim - 1);
	assert_int_equal(s->state, FLEET_SRC_STALE);
	assert_int_equal(f->version, v);
	fleet_tick(f, T0 + 1000 + lim);
	assert_int_equal(s->state, FLEET_SRC_FAILED);
	assert_true(f->version > v);

	/* and another failure long after: FAILED */
	fleet_source_failed(f, FLEET_SRC_CONSUL, "timeout", T0 + 2 * lim);
	assert_int_equal(s->state, FLEET_SRC_FAILED);
	assert_string_equal(s->cause, "timeout");

	fleet_source_set_detail(f, FLEET_SRC_CONSUL, "index 12");
	assert_string_equal(s->detail, "index 12");
	fleet_source_set_detail(f, FLEET_SRC_CONSUL, NULL);
	assert_null(s->detail);
	fleet_source_enable(f, FLEET_SRC_RANCHER, false);
	assert_int_equal(f->sources[FLEET_SRC_RANCHER].state, FLEET_SRC_OFF);
	fleet_free(f);
}

static void
test_rings(void **state)
{
	struct fleet		*f;
	struct fleet_prom_update *pu;
	const struct fleet_node	*n;
	struct fleet_ring	 r = { 0 };
	int			 i;

	(void)state;
	assert_true(isnan(fleet_ring_get(&r, 0)));
	fleet_ring_push(&r, 1);
	fleet_ring_push(&r, 2);
	assert_int_equal(r.count, 2);
	assert_true(fleet_ring_get(&r, 0) == 1);
	assert_true(fleet_ring_get(&r, 1) == 2);
	assert_true(isnan(fleet_ring_get(&r, 2)));

	f = fleet_new("test");
	for (i = 0; i < 3 * FLEET_HIST_LEN + 7; i++) {
		pu = t_prom_new();
		t_prom_add(pu, "cpu", "bbb-01:9100", i);
		if (i % 2 == 1)
			t_prom_add(pu, "participants", "bbb-01:9688", i);
		else
			t_prom_add(pu, "participants", "bbb-01:9688", NAN);
		fleet_apply_prom(f, pu, T0 + i * 1000);
	}
	n = fleet_node_by_key(f, "bbb-01");
	assert_int_equal(n->hist_cpu.count, FLEET_HIST_LEN);
	assert_true(fleet_ring_get(&n->hist_cpu, FLEET_HIST_LEN - 1) ==
	    3 * FLEET_HIST_LEN + 6);
	assert_true(fleet_ring_get(&n->hist_cpu, 0) ==
	    2 * FLEET_HIST_LEN + 7);
	/* the last sample was NaN: a gap */
	assert_true(isnan(fleet_ring_get(&n->hist_participants,
	    FLEET_HIST_LEN - 1)));
	assert_true(fleet_ring_get(&n->hist_participants,
	    FLEET_HIST_LEN - 2) == 3 * FLEET_HIST_LEN + 5);
	assert_int_equal(f->totals.hist_participants.count, FLEET_HIST_LEN);
	fleet_free(f);
}

static void
test_prom_figures(void **state)
{
	struct fleet		*f;
	struct fleet_prom_update *pu;
	const struct fleet_node	*n;
	const struct fleet_source *s;
	uint32_t		 id;

	(void)state;
	f = fleet_new("test");
	s = &f->sources[FLEET_SRC_PROMETHEUS];
	pu = t_prom_new();
	t_prom_add(pu, "cpu", "bbb-01:9100", 50);
	t_prom_add(pu, "mem", "bbb-01:9100", 60);
	t_prom_add(pu, "load1", "bbb-01:9100", 1.5);
	t_prom_add(pu, "net_in", "bbb-01:9100", 100);
	t_prom_add(pu, "net_out", "bbb-01:9100", 200);
	t_prom_add(pu, "meetings", "bbb-01:9688", 3);
	t_prom_add(pu, "participants", "bbb-01:9688", 30);
	t_prom_add(pu, "voice", "bbb-01:9688", 10);
	t_prom_add(pu, "video", "bbb-01:9688", 5);
	t_prom_add(pu, "listeners", "bbb-01:9688", 20);
	t_prom_add(pu, "api_up", "bbb-01:9688", 1);
	t_prom_add(pu, "api_up", "bbb-01.example.org:9688", 0);
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "up", "bbb-01:9688", 1);
	t_prom_add(pu, "up", "prometheus:9090", 1);
	t_prom_add(pu, "no_such_figure", "bbb-09:1", 1);
	fleet_apply_prom(f, pu, T0);
	assert_int_equal(s->state, FLEET_SRC_OK);
	assert_null(s->detail);
	n = fleet_node_by_key(f, "bbb-01");
	assert_true(n->cpu == 50 && n->mem == 60 && n->load1 == 1.5);
	assert_true(n->net_in == 100 && n->net_out == 200);
	assert_int_equal(n->meetings, 3);
	assert_int_equal(n->participants, 30);
	assert_int_equal(n->voice, 10);
	assert_int_equal(n->video, 5);
	assert_int_equal(n->listeners, 20);
	assert_int_equal(n->api_up, 0);		/* min of the two */
	assert_int_equal(n->exporters_up, 2);
	assert_int_equal(n->prom_at, T0);
	assert_true(n->bbb);
	assert_false(n->named);
	/* a target that is no BBB node (no bbb-exporter) is no node */
	assert_null(fleet_node_by_key(f, "prometheus"));
	assert_int_equal(f->nnodes, 1);		/* not bbb-09 of a figure
						   fleet does not know */
	assert_null(fleet_node_by_key(f, "bbb-09"));
	assert_int_equal(f->totals.nodes, 1);

	/* cpu fails: cpu values kept, detail says so; mem gone from the
	 * answer: unknown */
	pu = t_prom_new();
	t_prom_fail(pu, "cpu", "query timed out");
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "mem", "bbb-02:9100", 10);
	fleet_apply_prom(f, pu, T0 + 1000);
	assert_int_equal(s->state, FLEET_SRC_OK);
	assert_non_null(s->detail);
	assert_non_null(strstr(s->detail, "1 of 3 queries failed"));
	assert_non_null(strstr(s->detail, "query timed out"));
	n = fleet_node_by_key(f, "bbb-01");
	assert_true(n->cpu == 50);
	assert_true(isnan(n->mem));
	assert_int_equal(n->exporters_total, 1);
	assert_true(n->bbb);	/* bbb-exporter figures not asked: kept */
	assert_null(fleet_node_by_key(f, "prometheus"));
	/* node_exporter alone makes no node */
	assert_null(fleet_node_by_key(f, "bbb-02"));
	assert_int_equal(f->nnodes, 1);

	/* its bbb-exporter does, even with a NaN sample; and when that
	 * figure answers without it, it is no node again */
	pu = t_prom_new();
	t_prom_add(pu, "mem", "bbb-02:9100", 10);
	t_prom_add(pu, "participants", "bbb-02:9688", NAN);
	fleet_apply_prom(f, pu, T0 + 1500);
	n = fleet_node_by_key(f, "bbb-02");
	assert_non_null(n);
	assert_true(n->bbb);
	assert_true(n->mem == 10);
	assert_int_equal(f->nnodes, 1);		/* bbb-01 left prometheus */
	id = n->id;
	pu = t_prom_new();
	t_prom_add(pu, "mem", "bbb-02:9100", 11);
	t_prom_fig(pu, "participants");
	fleet_apply_prom(f, pu, T0 + 1600);
	assert_null(fleet_node_by_key(f, "bbb-02"));
	assert_null(fleet_node_by_id(f, id));
	assert_int_equal(f->nnodes, 0);
	assert_int_equal(f->totals.nodes, 0);
	pu = t_prom_new();
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "api_up", "bbb-01:9688", 1);
	t_prom_add(pu, "mem", "bbb-02:9100", 10);
	t_prom_add(pu, "participants", "bbb-02:9688", 4);
	fleet_apply_prom(f, pu, T0 + 1700);
	assert_int_equal(fleet_node_by_key(f, "bbb-02")->id, id); /* kept */
	assert_int_equal(f->nnodes, 2);

	/* every figure fails: the source failed (stale, data kept) */
	pu = t_prom_new();
	t_prom_fail(pu, "cpu", "bad_data");
	t_prom_fail(pu, "mem", "bad_data");
	fleet_apply_prom(f, pu, T0 + 2000);
	assert_int_equal(s->state, FLEET_SRC_STALE);
	assert_non_null(strstr(s->cause, "bad_data"));
	assert_non_null(fleet_node_by_key(f, "bbb-01"));

	/* an answer with no samples: every node leaves prometheus */
	pu = t_prom_new();
	t_prom_fig(pu, "cpu");
	fleet_apply_prom(f, pu, T0 + 3000);
	assert_int_equal(f->nnodes, 0);
	fleet_free(f);
}

static void
test_scalelite(void **state)
{
	struct fleet			*f;
	struct fleet_scalelite_update	*su;
	const struct fleet_node		*n;

	(void)state;
	f = fleet_new("test");
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, NAN);
	t_sl_add(su, "https://bbb-02.example.org/bigbluebutton/api/",
	    FLEET_LB_CORDONED, 0, 4);
	t_sl_add(su, "https://bbb-03.example.org/bigbluebutton/api/",
	    FLEET_LB_DISABLED, 1, 0);
	fleet_apply_scalelite(f, su, T0);
	n = fleet_node_by_key(f, "bbb-01");
	assert_true(isnan(n->load));
	assert_string_equal(n->sl_url,
	    "https://bbb-01.example.org/bigbluebutton/api/");
	assert_string_equal(n->bbb_version, "2.7.3");
	assert_int_equal(f->totals.up, 1);
	assert_int_equal(f->totals.cordoned, 1);
	assert_int_equal(f->totals.disabled, 1);
	assert_int_equal(f->totals.offline, 1);
	assert_false(f->scalelite_legacy);

	/* old scalelite: nothing about the servers changes */
	su = t_sl_new();
	su->legacy = true;
	fleet_apply_scalelite(f, su, T0 + 1000);
	assert_true(f->scalelite_legacy);
	assert_int_equal(f->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_OK);
	assert_non_null(strstr(f->sources[FLEET_SRC_SCALELITE].detail,
	    "1.5.1"));
	assert_int_equal(f->nnodes, 3);
	assert_int_equal(fleet_node_by_key(f, "bbb-02")->lb,
	    FLEET_LB_CORDONED);
	fleet_free(f);
}

static void
test_meetings(void **state)
{
	struct fleet			*f;
	struct fleet_meetings_update	*mu;
	struct fleet_scalelite_update	*su;
	uint32_t			 ida, idb;
	size_t				 i;

	(void)state;
	f = fleet_new("test");
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 1);
	fleet_apply_scalelite(f, su, T0);
	mu = t_meetings_new();
	t_meetings_add(mu, "b", "https://bbb-01.example.org/", 10);
	t_meetings_add(mu, "a", "bbb-01:9688", 4);
	t_meetings_add(mu, "c", NULL, 2);
	mu->fetch.bytes = 999;
	fleet_apply_meetings(f, mu, T0);
	assert_int_equal(f->nmeetings, 3);
	assert_string_equal(f->meetings[0]->meeting_id, "a");
	assert_string_equal(f->meetings[0]->node_key, "bbb-01");
	assert_null(f->meetings[2]->node_key);
	assert_int_equal(f->meetings_fetch.bytes, 999);
	ida = f->meetings[0]->id;
	idb = f->meetings[1]->id;
	/* no Prometheus: the node's figures come from the meetings */
	assert_int_equal(f->nodes[0]->meetings, 2);
	assert_int_equal(f->nodes[0]->participants, 14);
	assert_int_equal(f->totals.meetings, 3);
	assert_int_equal(f->totals.participants, 16);

	mu = t_meetings_new();
	t_meetings_add(mu, "d", NULL, 1);
	t_meetings_add(mu, "b", "bbb-01", 11);
	fleet_apply_meetings(f, mu, T0 + 1000);
	assert_int_equal(f->nmeetings, 2);
	for (i = 0; i < f->nmeetings; i++) {
		if (strcmp(f->meetings[i]->meeting_id, "b") == 0)
			assert_int_equal(f->meetings[i]->id, idb);
		else
			assert_true(f->meetings[i]->id != ida &&
			    f->meetings[i]->id != idb);
	}
	fleet_free(f);
}

static void
test_rancher(void **state)
{
	struct fleet			*f;
	struct fleet_rancher_update	*ru;
	const struct fleet_node		*n;
	struct fleet_consul_update	*cu;
	uint32_t			 sid, hid;

	(void)state;
	f = fleet_new("test");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-02", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	ru = t_rancher_new();
	t_rancher_stack(ru, "1st2", "bbb-02", "active", "degraded");
	t_rancher_stack(ru, "1st1", "bbb-01", "active", "healthy");
	t_rancher_stack(ru, "1st9", "healthcheck", "active", "healthy");
	t_rancher_service(ru, "1s1", "1st1", "web", "active", "healthy",
	    "1i1 1i2");
	t_rancher_service(ru, "1s2", "1st2", "web", "active", "healthy",
	    "1i3");
	t_rancher_service(ru, "1s3", "1st2", "freeswitch", "upgraded",
	    "degraded", "1i4");
	t_rancher_service(ru, "1s9", "1st9", "healthcheck", "active",
	    "healthy", "1i8 1i9");
	ru->services[3].system = true;
	t_rancher_service(ru, "1s7", "1st-gone", "orphan", "active",
	    "healthy", "");
	t_rancher_host(ru, "1h1", "bbb-01.example.org", "active", NULL,
	    "1i1 1i2 1i8");
	t_rancher_host(ru, "1h2", "bbb-02", "disconnected", "disconnected",
	    "1i3 1i4 1i9");
	t_rancher_host(ru, "1h3", "spare", "active", NULL, "");
	fleet_apply_rancher(f, ru, T0);
	assert_int_equal(f->nstacks, 3);
	assert_string_equal(f->stacks[0]->name, "bbb-01");
	assert_int_equal(f->stacks[0]->nservices, 1);
	assert_string_equal(f->stacks[1]->name, "bbb-02");
	assert_int_equal(f->stacks[1]->nservices, 2);
	/* services sorted by name */
	assert_string_equal(f->stacks[1]->services[0].name, "freeswitch");
	assert_int_equal(f->nhosts, 3);
	n = fleet_node_by_key(f, "bbb-01");
	assert_string_equal(n->stack, "bbb-01");
	assert_string_equal(n->stack_state, "active");
	n = fleet_node_by_key(f, "bbb-02");
	assert_string_equal(n->stack, "bbb-02");
	assert_string_equal(n->stack_state, "degraded");
	assert_string_equal(n->agent_state, "disconnected");
	/* a host no BBB source knows: a host, no node */
	assert_null(fleet_node_by_key(f, "spare"));
	assert_string_equal(f->hosts[2]->node_key, "spare");
	assert_int_equal(f->nnodes, 2);
	sid = f->stacks[1]->id;
	hid = f->hosts[0]->id;

	/* again: ids kept */
	ru = t_rancher_new();
	t_rancher_stack(ru, "1st2", "bbb-02", "active", "healthy");
	t_rancher_host(ru, "1h1", "bbb-01.example.org", "active", NULL, "");
	fleet_apply_rancher(f, ru, T0 + 1000);
	assert_int_equal(f->nstacks, 1);
	assert_int_equal(f->stacks[0]->id, sid);
	assert_int_equal(f->nhosts, 1);
	assert_int_equal(f->hosts[0]->id, hid);
	assert_null(fleet_node_by_key(f, "spare"));
	assert_null(fleet_node_by_key(f, "bbb-01")->stack);
	fleet_free(f);
}

/*
 * What is a node (fleet.h): a BBB source makes one; Rancher hosts,
 * VMs and node_exporter only enrich it, unless their name matches the
 * node pattern.
 */
static void
test_what_is_a_node(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	struct fleet_openstack_update	*ou;
	struct fleet_rancher_update	*ru;
	struct fleet_prom_update	*pu;
	const struct fleet_node		*n;
	uint32_t			 id;

	(void)state;
	f = fleet_new("test");
	fleet_set_node_pattern(f, " BBB-[0-9]*,, edge-* ");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	su = t_sl_new();
	t_sl_add(su, "https://bbb-02.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 1);
	fleet_apply_scalelite(f, su, T0);
	ou = t_os_new();
	t_os_add(ou, "u1", "bbb-01", "ACTIVE");
	t_os_add(ou, "u2", "BBB-02.example.org", "ACTIVE");
	t_os_add(ou, "u8", "rancher-server", "ACTIVE");
	t_os_add(ou, "u9", "infra-01", "ACTIVE");
	t_os_add(ou, "u13", "bbb-13", "BUILD");	/* never registered */
	t_os_add(ou, "u14", "bbb-db", "ACTIVE");	/* no digit */
	fleet_apply_openstack(f, ou, T0);
	ru = t_rancher_new();
	t_rancher_host(ru, "1h1", "bbb-01.example.org", "active", NULL, "");
	t_rancher_host(ru, "1h9", "infra-01.example.org", "active", NULL,
	    "");
	t_rancher_host(ru, "1h5", "Edge-05", "active", NULL, "");
	fleet_apply_rancher(f, ru, T0);
	pu = t_prom_new();
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "up", "infra-01:9100", 1);
	t_prom_add(pu, "cpu", "infra-01:9100", 12);
	t_prom_add(pu, "up", "bbb-99:9100", 1);	/* node_exporter only */
	t_prom_add(pu, "up", "prometheus:9090", 1);
	fleet_apply_prom(f, pu, T0);

	/* the infrastructure: listed as hosts and VMs, not as nodes */
	assert_int_equal(f->nvms, 6);
	assert_int_equal(f->nhosts, 3);
	assert_null(fleet_node_by_key(f, "infra-01"));
	assert_null(fleet_node_by_key(f, "rancher-server"));
	assert_null(fleet_node_by_key(f, "prometheus"));
	assert_null(fleet_node_by_key(f, "bbb-db"));
	/* the pattern speaks of VMs and hosts, not of node_exporter */
	assert_null(fleet_node_by_key(f, "bbb-99"));

	/* the nodes: bbb-01, bbb-02, bbb-13, edge-05, by key */
	assert_int_equal(f->nnodes, 4);
	assert_int_equal(f->totals.nodes, 4);
	assert_string_equal(f->nodes[0]->key, "bbb-01");
	assert_string_equal(f->nodes[1]->key, "bbb-02");
	assert_string_equal(f->nodes[2]->key, "bbb-13");
	assert_string_equal(f->nodes[3]->key, "edge-05");
	n = fleet_node_by_key(f, "bbb-01");	/* enriched by all four */
	assert_true(n->bbb && !n->named);
	assert_string_equal(n->vm_status, "ACTIVE");
	assert_string_equal(n->host_id, "1h1");
	assert_int_equal(n->exporters_total, 1);
	n = fleet_node_by_key(f, "bbb-02");
	assert_true(n->bbb && !n->named);
	assert_string_equal(n->vm_id, "u2");
	n = fleet_node_by_key(f, "bbb-13");
	assert_non_null(n);
	assert_false(n->bbb);
	assert_true(n->named);
	assert_int_equal(n->seen, FLEET_SRC_BIT(FLEET_SRC_OPENSTACK));
	assert_true(fleet_node_by_id(f, n->id) == n);
	id = n->id;
	n = fleet_node_by_key(f, "edge-05");
	assert_true(n->named);
	assert_int_equal(n->seen, FLEET_SRC_BIT(FLEET_SRC_RANCHER));

	/* registered later: a BBB node, same id */
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	t_consul_add(cu, "bbb-13", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0 + 1000);
	n = fleet_node_by_key(f, "bbb-13");
	assert_int_equal(n->id, id);
	assert_true(n->bbb && !n->named);
	assert_string_equal(n->vm_status, "BUILD");

	/* without a pattern a VM alone is no node; one known to a BBB
	 * source stays one */
	fleet_set_node_pattern(f, "None");
	ou = t_os_new();
	t_os_add(ou, "u1", "bbb-01", "ACTIVE");
	t_os_add(ou, "u13", "bbb-13", "ACTIVE");
	t_os_add(ou, "u14", "bbb-14", "ACTIVE");
	fleet_apply_openstack(f, ou, T0 + 2000);
	assert_null(fleet_node_by_key(f, "bbb-14"));
	assert_null(fleet_node_by_key(f, "edge-05"));
	assert_non_null(fleet_node_by_key(f, "bbb-13"));
	assert_int_equal(f->nnodes, 3);	/* bbb-01, -02, -13 */
	assert_int_equal(f->totals.nodes, 3);
	fleet_set_node_pattern(f, "");
	fleet_apply_openstack(f, t_os_new(), T0 + 3000);
	assert_int_equal(f->nnodes, 3);
	fleet_set_node_pattern(f, "bbb-1?");	/* bbb-14 is a VM no more */
	ou = t_os_new();
	t_os_add(ou, "u15", "bbb-15", "ACTIVE");
	fleet_apply_openstack(f, ou, T0 + 4000);
	assert_true(fleet_node_by_key(f, "bbb-15")->named);
	assert_int_equal(f->nnodes, 4);
	fleet_set_node_pattern(f, NULL);
	fleet_free(f);
}

static void
test_cert(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	uint64_t			 v;

	(void)state;
	f = fleet_new("test");
	cu = t_consul_new();
	t_consul_add(cu, "bbb-01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, cu, T0);
	v = f->version;
	fleet_apply_cert(f, "https://bbb-01.example.org/bigbluebutton/api/",
	    T0 + 86400000, T0);
	assert_int_equal(f->nodes[0]->cert_expiry, T0 + 86400000);
	assert_true(f->version > v);
	fleet_apply_cert(f, "https://bbb-99.example.org/", T0, T0);
	assert_int_equal(f->nnodes, 1);
	fleet_free(f);
}

/* Big fleets: every lookup right, sorted, and nothing lost. */
static void
test_many_nodes(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	char				 name[64];
	size_t				 i;
	int				 k;

	(void)state;
	f = fleet_new("test");
	cu = t_consul_new();
	su = t_sl_new();
	for (k = 4999; k >= 0; k--) {
		snprintf(name, sizeof name, "bbb-%04d", k);
		t_consul_add(cu, name, FLEET_HEALTH_PASSING);
		snprintf(name, sizeof name,
		    "https://bbb-%04d.example.org/bigbluebutton/api/", k);
		if (k % 2 == 0)
			t_sl_add(su, name, FLEET_LB_ENABLED, 1, k);
	}
	fleet_apply_consul(f, cu, T0);
	fleet_apply_scalelite(f, su, T0);
	assert_int_equal(f->nnodes, 5000);
	for (i = 1; i < f->nnodes; i++)
		assert_true(strcmp(f->nodes[i - 1]->key, f->nodes[i]->key) < 0);
	for (i = 0; i < f->nnodes; i++) {
		assert_ptr_equal(fleet_node_by_id(f, f->nodes[i]->id),
		    f->nodes[i]);
		assert_int_equal(f->nodes[i]->lb, i % 2 == 0 ?
		    FLEET_LB_ENABLED : FLEET_LB_UNKNOWN);
	}
	/* half leave consul: the ones scalelite does not know go */
	cu = t_consul_new();
	for (k = 0; k < 2500; k++) {
		snprintf(name, sizeof name, "bbb-%04d", k);
		t_consul_add(cu, name, FLEET_HEALTH_PASSING);
	}
	fleet_apply_consul(f, cu, T0 + 1);
	assert_int_equal(f->nnodes, 2500 + 1250);
	assert_int_equal(f->totals.nodes, 3750);
	fleet_free(f);
}

static void
test_hmap(void **state)
{
	struct hmap	 m = { 0 }, im = { 0 };
	char		*keys[3000];
	const char	*k;
	size_t		 i, it, n;
	void		*v;

	(void)state;
	assert_null(hmap_get(&m, "x"));
	assert_null(hmap_del(&m, "x"));
	for (i = 0; i < nitems(keys); i++) {
		keys[i] = xasprintf("key-%zu", i);
		assert_null(hmap_put(&m, keys[i], keys[i]));
		assert_null(hmap_iput(&im, i * 7919, keys[i]));
	}
	assert_int_equal(m.n, nitems(keys));
	for (i = 0; i < nitems(keys); i += 2) {
		assert_ptr_equal(hmap_del(&m, keys[i]), keys[i]);
		assert_ptr_equal(hmap_idel(&im, i * 7919), keys[i]);
	}
	for (i = 0; i < nitems(keys); i++) {
		v = hmap_get(&m, keys[i]);
		assert_ptr_equal(v, i % 2 ? keys[i] : NULL);
		v = hmap_iget(&im, i * 7919);
		assert_ptr_equal(v, i % 2 ? keys[i] : NULL);
	}
	/* churn through tombstones stays correct */
	for (n = 0; n < 20; n++) {
		for (i = 0; i < nitems(keys); i += 2)
			hmap_put(&m, keys[i], keys[i]);
		for (i = 0; i < nitems(keys); i += 2)
			hmap_del(&m, keys[i]);
	}
	assert_int_equal(m.n, nitems(keys) / 2);
	assert_true(m.cap < 16 * nitems(keys));
	n = 0;
	it = 0;
	while ((v = hmap_next(&m, &it, &k)) != NULL) {
		assert_ptr_equal(v, k);
		n++;
	}
	assert_int_equal(n, nitems(keys) / 2);
	assert_ptr_equal(hmap_put(&m, keys[1], keys[3]), keys[1]);
	hmap_clear(&m);
	assert_null(hmap_get(&m, keys[1]));
	hmap_free(&m);
	hmap_free(&im);
	for (i = 0; i < nitems(keys); i++)
		free(keys[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_forms),
		cmocka_unit_test(test_join_all_sources),
		cmocka_unit_test(test_join_domain),
		cmocka_unit_test(test_appear_disappear),
		cmocka_unit_test(test_consul_merge),
		cmocka_unit_test(test_source_states),
		cmocka_unit_test(test_rings),
		cmocka_unit_test(test_prom_figures),
		cmocka_unit_test(test_scalelite),
		cmocka_unit_test(test_meetings),
		cmocka_unit_test(test_rancher),
		cmocka_unit_test(test_what_is_a_node),
		cmocka_unit_test(test_cert),
		cmocka_unit_test(test_many_nodes),
		cmocka_unit_test(test_hmap),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
