/* test-backend-openstack.c: Keystone token catalog and Nova servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "fixture.h"

static int
keystone(const char *name, const char *region, char **url, int64_t *exp,
    char **cause)
{
	char	*body;
	size_t	 len;
	int	 rc;

	body = fixture_read(name, &len);
	rc = backend_keystone_decode(body, len, region, "public", url, exp,
	    cause);
	free(body);
	return (rc);
}

static void
test_keystone(void **state)
{
	char	*url, *cause;
	int64_t	 exp;

	(void)state;
	assert_int_equal(keystone("openstack/keystone-token.json", "RegionOne",
	    &url, &exp, &cause), 0);
	/* public, RegionOne, trailing slash dropped */
	assert_string_equal(url, "https://compute.example.com/v2.1");
	/* 2026-11-26T22:14:05Z */
	assert_int_equal(exp, 1795731245000LL);
	free(url);
	assert_int_equal(keystone("openstack/keystone-token.json", "RegionTwo",
	    &url, &exp, &cause), 0);
	assert_string_equal(url, "https://compute.r2.example.com/v2.1");
	free(url);
	/* no region configured: the first public compute endpoint */
	assert_int_equal(keystone("openstack/keystone-token.json", NULL,
	    &url, &exp, &cause), 0);
	assert_string_equal(url, "https://compute.r2.example.com/v2.1");
	free(url);
	/* older catalogs name the region in "region" only */
	assert_int_equal(keystone("openstack/keystone-token-legacy-region.json",
	    "RegionOne", &url, &exp, &cause), 0);
	assert_string_equal(url, "https://compute.example.com/v2.1/"
	    "a6944d763bf64ee6a275f1263fae0352");
	free(url);
}

static void
test_keystone_errors(void **state)
{
	char	*url, *cause;
	int64_t	 exp;

	(void)state;
	assert_int_equal(keystone("openstack/keystone-token-no-compute.json",
	    "RegionOne", &url, &exp, &cause), -1);
	assert_null(url);
	assert_string_equal(cause, "keystone: no public compute endpoint for "
	    "region RegionOne in the catalog");
	free(cause);
	assert_int_equal(keystone("openstack/keystone-token.json", "RegionX",
	    &url, &exp, &cause), -1);
	free(cause);
	assert_int_equal(keystone("openstack/keystone-error-401.json", NULL,
	    &url, &exp, &cause), -1);
	assert_string_equal(cause, "keystone: 401 Unauthorized: The request "
	    "you have made requires authentication.");
	free(cause);
}

static int
nova(const char *name, struct fleet_openstack_update *u, char **next,
    char **cause)
{
	char	*body;
	size_t	 len;
	int	 rc;

	body = fixture_read(name, &len);
	rc = backend_nova_decode(body, len, u, next, cause);
	free(body);
	return (rc);
}

static void
test_servers(void **state)
{
	struct fleet_openstack_update	*u;
	char				*next, *cause;

	(void)state;
	u = xcalloc(1, sizeof *u);
	if (nova("openstack/servers-detail.json", u, &next, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(next, "https://compute.example.com/v2.1/servers/"
	    "detail?limit=3&marker=e2c9b2ef-1f5f-4b7f-0b4f-2c3d4e5f6071");
	free(next);
	assert_int_equal(u->nservers, 3);
	assert_string_equal(u->servers[0].id,
	    "9168b536-cd40-4630-b43f-b259807c6e87");
	assert_string_equal(u->servers[0].name, "bbb-01");
	assert_string_equal(u->servers[0].status, "ACTIVE");
	assert_string_equal(u->servers[0].flavor, "1");
	assert_string_equal(u->servers[0].addresses,
	    "10.1.10.12, 2001:db8::12, 193.197.0.12");
	assert_int_equal(u->servers[0].created, 1776676353000LL);
	assert_string_equal(u->servers[1].status, "BUILD");
	assert_string_equal(u->servers[1].flavor, "m1.xlarge");
	assert_null(u->servers[1].addresses);
	assert_string_equal(u->servers[2].status, "ERROR");
	assert_string_equal(u->servers[2].flavor, "m1.large");
	assert_string_equal(u->servers[2].addresses, "10.1.10.18");
	assert_int_equal(nova("openstack/servers-empty.json", u, &next,
	    &cause), 0);
	assert_null(next);
	assert_int_equal(u->nservers, 3);
	fleet_openstack_update_free(u);
}

static void
test_nova_errors(void **state)
{
	struct fleet_openstack_update	*u;
	char				*next, *cause;

	(void)state;
	u = xcalloc(1, sizeof *u);
	assert_int_equal(nova("openstack/nova-overlimit.json", u, &next,
	    &cause), -1);
	assert_string_equal(cause, "nova: overLimit (413): Over limit");
	free(cause);
	assert_int_equal(nova("openstack/nova-itemnotfound.json", u, &next,
	    &cause), -1);
	assert_string_equal(cause, "nova: itemNotFound (404): Instance could "
	    "not be found.");
	free(cause);
	assert_int_equal(nova("openstack/nova-unauthorized.json", u, &next,
	    &cause), -1);
	assert_string_equal(cause, "nova: unauthorized (401): The request you "
	    "have made requires authentication.");
	free(cause);
	assert_int_equal(nova("openstack/servers-bad-status.json", u, &next,
	    &cause), -1);
	assert_string_equal(cause, "nova: servers[0].status: missing");
	free(cause);
	assert_int_equal(nova("openstack/servers-bad-created.json", u, &next,
	    &cause), -1);
	assert_string_equal(cause, "nova: servers[0].created: not a time: "
	    "\"yesterday\"");
	free(cause);
	assert_int_equal(u->nservers, 0);
	fleet_openstack_update_free(u);
}

static void
test_time(void **state)
{
	int64_t	 t;

	(void)state;
	assert_int_equal(backend_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(backend_parse_time("1970-01-01T00:00:01.5Z", &t), 0);
	assert_int_equal(t, 1500);
	assert_int_equal(backend_parse_time("1970-01-01T01:00:00+01:00", &t),
	    0);
	assert_int_equal(t, 0);
	assert_int_equal(backend_parse_time("2026-11-25T22:14:05.000000Z",
	    &t), 0);
	assert_int_equal(t, 1795644845000LL);
	assert_int_equal(backend_parse_time("2026-13-25T22:14:05Z", &t), -1);
	assert_int_equal(backend_parse_time("2026-11-25", &t), -1);
	assert_int_equal(backend_parse_time("2026-11-25T22:14:05Zx", &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keystone),
		cmocka_unit_test(test_keystone_errors),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_nova_errors),
		cmocka_unit_test(test_time),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
