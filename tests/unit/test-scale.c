/*
 * test-scale.c: what scale out/in/check read of the five sources
 * (action/scale.h), on recorded answers: names fitting the pattern and
 * their ids per source, removed Rancher rows skipped, leftovers in
 * words, and the name pattern both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "action/scale.h"
#include "util.h"
#include "fixture.h"

static json_t *
load(const char *name, const char *key)
{
	json_t	*o, *rows;
	char	*text;
	size_t	 len;

	text = fixture_read(name, &len);
	o = json_loadb(text, len, 0, NULL);
	free(text);
	assert_non_null(o);
	if (key == NULL)
		return (o);
	rows = json_incref(json_object_get(o, key));
	json_decref(o);
	return (rows);
}

static struct scale_seen *
find(struct scale_seen *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, name) == 0)
			return (&v[i]);
	}
	return (NULL);
}

static void
test_names(void **state)
{
	char	 out[64];
	long	 num;

	(void)state;
	assert_true(scale_name_match("bbb-NN", "bbb-07", &num));
	assert_int_equal(num, 7);
	assert_true(scale_name_match("bbb-NN", "bbb-123", &num));
	assert_int_equal(num, 123);
	assert_false(scale_name_match("bbb-NN", "bbb-scalelite", NULL));
	assert_false(scale_name_match("bbb-NN", "bbb-", NULL));
	assert_false(scale_name_match("bbb-NN", "infra-01", NULL));
	assert_false(scale_name_match("bbb-NN", "bbb-07x", NULL));
	assert_true(scale_name_match("node-NNN.bbb", "node-004.bbb", &num));
	assert_int_equal(num, 4);
	assert_false(scale_name_match("bbb", "bbb", NULL));
	scale_name_make("bbb-NN", 7, out, sizeof out);
	assert_string_equal(out, "bbb-07");
	scale_name_make("bbb-NN", 123, out, sizeof out);
	assert_string_equal(out, "bbb-123");
	scale_name_make("node-NNN.bbb", 4, out, sizeof out);
	assert_string_equal(out, "node-004.bbb");
	scale_short_name("https://bbb-03.example.org:443/bigbluebutton/api/",
	    out, sizeof out);
	assert_string_equal(out, "bbb-03");
	scale_short_name("bbb-04", out, sizeof out);
	assert_string_equal(out, "bbb-04");
}

/* Every source's recorded answer; a node known to some sources only. */
static void
test_sources(void **state)
{
	struct scale_seen	*v = NULL, *x;
	size_t			 n = 0;
	json_t			*rows;
	char			*t;

	(void)state;
	rows = load("openstack/servers-detail.json", "servers");
	scale_seen_add(SCALE_SRC_NOVA, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	rows = load("rancher/hosts.json", "data");
	scale_seen_add(SCALE_SRC_HOST, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	rows = load("rancher/stacks.json", "data");
	scale_seen_add(SCALE_SRC_STACK, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	rows = load("consul/health-service.json", NULL);
	scale_seen_add(SCALE_SRC_CONSUL, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	rows = load("scalelite/getservers-v1.6.json", NULL);
	scale_seen_add(SCALE_SRC_SL, rows, "bbb-NN", &v, &n);
	json_decref(rows);

	assert_null(find(v, n, "bbb-scalelite"));	/* an infra stack */
	x = find(v, n, "bbb-01");
	assert_non_null(x);
	assert_int_equal(x->src, SCALE_SRC_ALL);
	assert_string_equal(x->vm_id, "9168b536-cd40-4630-b43f-b259807c6e87");
	assert_string_equal(x->vm_status, "ACTIVE");
	assert_string_equal(x->host_id, "1h1");
	assert_string_equal(x->stack_id, "1st5");
	assert_string_equal(x->sl_id, "2d2d1a0c-4f0a-4a8e-9a4b-6f1b3f3c9e01");
	assert_string_equal(x->sl_state, "enabled");
	assert_true(x->sl_online);
	assert_true(x->load == 227);
	x = find(v, n, "bbb-07");
	assert_non_null(x);
	assert_string_equal(x->vm_status, "ERROR");
	assert_string_equal(x->host_state, "disconnected");
	assert_false(x->sl_online);
	assert_true(x->load == -1);		/* "unavailable" */
	t = scale_seen_text(x);
	assert_non_null(strstr(t, "bbb-07: OpenStack VM "));
	free(t);
	free(v);
}

/* Removed Rancher rows go; a half-made node reads as a leftover. */
static void
test_leftover(void **state)
{
	struct scale_seen	*v = NULL;
	size_t			 n = 0;
	json_t			*rows;
	char			*t;

	(void)state;
	rows = json_loads("[{\"name\":\"bbb-09\",\"id\":\"u9\","
	    "\"status\":\"BUILD\"}, {\"name\":\"cirros\",\"id\":\"x\"}, 7, "
	    "{\"id\":\"noname\"}]", 0, NULL);
	scale_seen_add(SCALE_SRC_NOVA, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	rows = json_loads("[{\"id\":\"1h9\",\"state\":\"removed\","
	    "\"hostname\":\"bbb-09.x\"}, {\"id\":\"1h10\",\"state\":"
	    "\"active\",\"hostname\":\"h\",\"labels\":{\"bbbnode\":"
	    "\"bbb-10\"}}]", 0, NULL);
	scale_seen_add(SCALE_SRC_HOST, rows, "bbb-NN", &v, &n);
	json_decref(rows);
	scale_seen_add(SCALE_SRC_SL, NULL, "bbb-NN", &v, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].src, SCALE_SRC_NOVA);
	t = scale_seen_text(&v[0]);
	assert_string_equal(t, "bbb-09: OpenStack VM u9 (BUILD); not in: "
	    "Rancher host, Rancher stack, consul service, scalelite server");
	free(t);
	assert_string_equal(v[1].name, "bbb-10");	/* by its label */
	assert_string_equal(v[1].host_id, "1h10");
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_leftover),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
