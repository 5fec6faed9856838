/*
 * test-sim-openstack.c: the simulated Keystone and Nova against their
 * wire formats (apis.md §2): application-credential tokens (201,
 * X-Subject-Token, catalog), the 401 error body, servers list / detail /
 * show, create (202, BUILD -> ACTIVE), delete (204, then 404), Nova's
 * fault bodies (itemNotFound, badRequest, the instances quota), paging.
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

#include "util.h"
#include "sim-test.h"

struct ctx {
	struct sim_world	*w;
	char			*token;		/* "X-Auth-Token: ..." */
	const char		*hdr[4];
	struct sim_resp		 r;
};

static json_t *
call(struct ctx *c, const char *method, const char *path, const char *query,
    const char *body, const char **hdr, int status)
{
	json_t	*j;

	st_call(c->w, sim_openstack_handle, SIM_OPENSTACK, method, path, query,
	    body, hdr, &c->r);
	assert_int_equal(c->r.status, status);
	if (status == 204) {
		assert_int_equal(c->r.len, 0);
		return (NULL);
	}
	assert_non_null(strstr(c->r.content_type, "application/json"));
	j = json_loadb(c->r.body, c->r.len, 0, NULL);
	assert_non_null(j);
	return (j);
}

static char *
auth_body(const char *id, const char *secret)
{
	return (xasprintf("{\"auth\":{\"identity\":{\"methods\":"
	    "[\"application_credential\"],\"application_credential\":"
	    "{\"id\":\"%s\",\"secret\":\"%s\"}}}}", id, secret));
}

static int
setup_n(void **state, int nodes)
{
	struct ctx	*c;
	const char	*json[] = { "Content-Type: application/json", NULL };
	char		*body;
	const char	*tok;
	size_t		 i;
	json_t		*j;

	c = xcalloc(1, sizeof *c);
	c->w = sim_world_new(nodes, 11, 1.0, "clean");
	assert_non_null(c->w);
	c->w->ports[SIM_OPENSTACK] = 15000;
	for (i = 0; i < c->w->nnodes; i++)
		snprintf(c->w->nodes[i].vm_status,
		    sizeof c->w->nodes[i].vm_status, "ACTIVE");
	c->r.status = 200;
	body = auth_body(c->w->os_cred_id, c->w->os_cred_secret);
	j = call(c, "POST", "/v3/auth/tokens", "", body, json, 201);
	free(body);
	json_decref(j);
	tok = st_resp_header(&c->r, "X-Subject-Token");
	assert_non_null(tok);
	c->token = xasprintf("X-Auth-Token: %s", tok);
	c->hdr[0] = c->token;
	c->hdr[1] = "Content-Type: application/json";
	c->hdr[2] = NULL;
	*state = c;
	return (0);
}

static int
setup(void **state)
{
	return (setup_n(state, 4));
}

/* More servers than Nova's default max_limit (1000). */
static int
setup_big(void **state)
{
	return (setup_n(state, 1001));
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	sim_resp_clear(&c->r);
	sim_world_free(c->w);
	free(c->token);
	free(c);
	return (0);
}

static const char *
str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return (json_string_value(v));
}

/* Nova's fault body: exactly one key, with code and message. */
static void
assert_fault(json_t *j, const char *name, int code)
{
	json_t	*f;

	assert_int_equal(json_object_size(j), 1);
	f = json_object_get(j, name);
	assert_true(json_is_object(f));
	assert_int_equal(json_integer_value(json_object_get(f, "code")), code);
	assert_true(json_is_string(json_object_get(f, "message")));
}

static void
assert_ks_error(json_t *j, int code)
{
	json_t	*e = json_object_get(j, "error");

	assert_true(json_is_object(e));
	assert_int_equal(json_integer_value(json_object_get(e, "code")), code);
	assert_true(json_is_string(json_object_get(e, "title")));
	assert_true(json_is_string(json_object_get(e, "message")));
}

static void
test_keystone(void **state)
{
	struct ctx	*c = *state;
	const char	*json[] = { "Content-Type: application/json", NULL };
	json_t		*j, *tok, *cat, *e, *ep;
	const char	*compute = NULL;
	char		*body;
	size_t		 i, k;

	body = auth_body(c->w->os_cred_id, c->w->os_cred_secret);
	j = call(c, "POST", "/v3/auth/tokens", "", body, json, 201);
	free(body);
	/* The token is in the header, never in the body. */
	assert_non_null(st_resp_header(&c->r, "X-Subject-Token"));
	assert_null(strstr(c->r.body, st_resp_header(&c->r,
	    "X-Subject-Token")));
	tok = json_object_get(j, "token");
	assert_true(json_is_object(tok));
	assert_string_equal(str(json_object_get(tok,
	    "application_credential"), "id"), c->w->os_cred_id);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    tok, "methods"), 0)), "application_credential");
	assert_true(json_is_string(json_object_get(tok, "expires_at")));
	assert_int_equal(str(tok, "expires_at")[strlen(str(tok,
	    "expires_at")) - 1], 'Z');
	assert_true(json_is_object(json_object_get(tok, "project")));
	assert_true(json_is_object(json_object_get(tok, "user")));
	cat = json_object_get(tok, "catalog");
	assert_true(json_is_array(cat));
	json_array_foreach(cat, i, e) {
		assert_true(json_is_string(json_object_get(e, "type")));
		if (strcmp(str(e, "type"), "compute") != 0)
			continue;
		json_array_foreach(json_object_get(e, "endpoints"), k, ep) {
			if (strcmp(str(ep, "interface"), "public") == 0)
				compute = str(ep, "url");
		}
	}
	assert_non_null(compute);
	assert_string_equal(compute, "http://127.0.0.1:15000/compute/v2.1");
	json_decref(j);

	/* A wrong secret, a wrong id, another method: 401. */
	body = auth_body(c->w->os_cred_id, "wrong");
	j = call(c, "POST", "/v3/auth/tokens", "", body, json, 401);
	free(body);
	assert_ks_error(j, 401);
	assert_string_equal(str(json_object_get(j, "error"), "title"),
	    "Unauthorized");
	assert_non_null(st_resp_header(&c->r, "WWW-Authenticate"));
	assert_null(st_resp_header(&c->r, "X-Subject-Token"));
	json_decref(j);
	body = auth_body("nope", c->w->os_cred_secret);
	j = call(c, "POST", "/v3/auth/tokens", "", body, json, 401);
	free(body);
	json_decref(j);
	j = call(c, "POST", "/v3/auth/tokens", "", "{\"auth\":{\"identity\":"
	    "{\"methods\":[\"password\"],\"password\":{}}}}", json, 401);
	json_decref(j);
	j = call(c, "POST", "/v3/auth/tokens", "", "not json", json, 400);
	assert_ks_error(j, 400);
	json_decref(j);
}

static void
test_servers(void **state)
{
	struct ctx	*c = *state;
	const char	*bad[] = { "X-Auth-Token: gAAAAABbogus", NULL };
	const char	*none[] = { NULL };
	json_t		*j, *s = NULL, *d;
	size_t		 i, n;
	char		*path;

	/* No token, a bad token: 401. */
	j = call(c, "GET", "/compute/v2.1/servers/detail", "", NULL, none,
	    401);
	assert_ks_error(j, 401);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers", "", NULL, bad, 401);
	json_decref(j);

	j = call(c, "GET", "/compute/v2.1/servers", "", NULL, c->hdr, 200);
	assert_non_null(st_resp_header(&c->r, "X-Openstack-Request-Id"));
	assert_int_equal(strncmp(st_resp_header(&c->r,
	    "X-Openstack-Request-Id"), "req-", 4), 0);
	n = json_array_size(json_object_get(j, "servers"));
	assert_int_equal(n, c->w->nnodes + 2);
	json_array_foreach(json_object_get(j, "servers"), i, s) {
		assert_int_equal(json_object_size(s), 3);
		assert_true(json_is_string(json_object_get(s, "id")));
		assert_true(json_is_string(json_object_get(s, "name")));
		assert_true(json_is_array(json_object_get(s, "links")));
	}
	json_decref(j);

	j = call(c, "GET", "/compute/v2.1/servers/detail", "", NULL, c->hdr,
	    200);
	d = json_object_get(j, "servers");
	assert_int_equal(json_array_size(d), n);
	json_array_foreach(d, i, s) {
		assert_true(json_is_string(json_object_get(s, "status")));
		assert_true(json_is_object(json_object_get(s, "addresses")));
		assert_true(json_is_object(json_object_get(s, "flavor")));
		assert_true(json_is_object(json_object_get(s, "image")));
		assert_true(json_is_object(json_object_get(s, "metadata")));
		assert_true(json_is_string(json_object_get(s, "created")));
		assert_true(json_is_string(json_object_get(s,
		    "OS-EXT-STS:vm_state")));
		assert_true(json_is_integer(json_object_get(s,
		    "OS-EXT-STS:power_state")));
		assert_null(json_object_get(s, "fault"));
	}
	/* Each node's VM, by its id, with its address. */
	for (i = 0; i < c->w->nnodes; i++) {
		json_array_foreach(d, n, s) {
			if (strcmp(str(s, "id"), c->w->nodes[i].vm_id) == 0)
				break;
		}
		assert_true(n < json_array_size(d));
		assert_string_equal(str(s, "name"), c->w->nodes[i].name);
		assert_string_equal(str(s, "status"), "ACTIVE");
		assert_string_equal(str(json_array_get(json_object_get(
		    json_object_get(s, "addresses"), "bbb-net"), 0), "addr"),
		    c->w->nodes[i].ip);
	}
	json_decref(j);

	path = xasprintf("/compute/v2.1/servers/%s", c->w->nodes[1].vm_id);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	assert_string_equal(str(json_object_get(j, "server"), "id"),
	    c->w->nodes[1].vm_id);
	json_decref(j);
	free(path);

	j = call(c, "GET", "/compute/v2.1/servers/"
	    "00000000-0000-4000-8000-000000000000", "", NULL, c->hdr, 404);
	assert_fault(j, "itemNotFound", 404);
	json_decref(j);

	/* Filters. */
	j = call(c, "GET", "/compute/v2.1/servers/detail", "name=bbb-0[12]",
	    NULL, c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "servers")), 2);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers", "status=BUILD", NULL,
	    c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "servers")), 0);
	json_decref(j);

	/* An ERROR server shows its fault. */
	snprintf(c->w->nodes[3].vm_status, sizeof c->w->nodes[3].vm_status,
	    "ERROR");
	path = xasprintf("/compute/v2.1/servers/%s", c->w->nodes[3].vm_id);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	s = json_object_get(j, "server");
	assert_string_equal(str(s, "status"), "ERROR");
	assert_true(json_is_object(json_object_get(s, "fault")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s,
	    "fault"), "code")), 500);
	assert_true(json_is_string(json_object_get(json_object_get(s,
	    "fault"), "message")));
	json_decref(j);
	free(path);
}

/*
 * Without a limit, Nova still answers at most max_limit servers and then
 * links the next page (nova/api/openstack/common.py
 * _get_collection_links: "'limit' param is NOT specified but the number
 * of items is CONF.api.max_limit"); the link carries the marker only.
 */
static void
test_paging_default_limit(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *l;
	const char	*href, *q;
	char		*query;

	j = call(c, "GET", "/compute/v2.1/servers/detail", "", NULL, c->hdr,
	    200);
	assert_int_equal(json_array_size(json_object_get(j, "servers")), 1000);
	l = json_object_get(j, "servers_links");
	assert_non_null(l);
	assert_string_equal(str(json_array_get(l, 0), "rel"), "next");
	href = str(json_array_get(l, 0), "href");
	q = strchr(href, '?');
	assert_non_null(q);
	assert_null(strstr(q, "limit="));
	assert_non_null(strstr(href, "/servers/detail?marker="));
	query = xstrdup(q + 1);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers/detail", query, NULL, c->hdr,
	    200);
	free(query);
	assert_int_equal(json_array_size(json_object_get(j, "servers")),
	    c->w->nnodes + 2 - 1000);
	assert_null(json_object_get(j, "servers_links"));
	json_decref(j);
}

static void
test_paging(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *l, *seen;
	const char	*href, *q;
	char		*query;
	size_t		 pages = 0, total = 0, i;
	json_t		*s;

	seen = json_object();
	query = xstrdup("limit=2");
	for (;;) {
		j = call(c, "GET", "/compute/v2.1/servers", query, NULL, c->hdr,
		    200);
		free(query);
		json_array_foreach(json_object_get(j, "servers"), i, s) {
			assert_null(json_object_get(seen, str(s, "id")));
			json_object_set_new(seen, str(s, "id"), json_true());
			total++;
		}
		pages++;
		l = json_object_get(j, "servers_links");
		if (l == NULL) {
			json_decref(j);
			break;
		}
		assert_string_equal(str(json_array_get(l, 0), "rel"), "next");
		href = str(json_array_get(l, 0), "href");
		q = strchr(href, '?');
		assert_non_null(q);
		assert_non_null(strstr(q, "marker="));
		query = xstrdup(q + 1);
		json_decref(j);
		assert_true(pages < 20);
	}
	assert_int_equal(total, c->w->nnodes + 2);
	json_decref(seen);

	j = call(c, "GET", "/compute/v2.1/servers", "marker=nosuch", NULL,
	    c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers", "limit=-1", NULL, c->hdr,
	    400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
}

static size_t
vm_count(struct ctx *c)
{
	json_t	*j;
	size_t	 n;

	j = call(c, "GET", "/compute/v2.1/servers", "", NULL, c->hdr, 200);
	n = json_array_size(json_object_get(j, "servers"));
	json_decref(j);
	return (n);
}

static void
test_create_delete(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *s;
	char		*id, *path, *body;
	size_t		 used, nodes = c->w->nnodes;
	const char	*create = "{\"server\":{\"name\":\"bbb-05\","
	    "\"flavorRef\":\"5\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\",\"key_name\":\"deploy\","
	    "\"networks\":[{\"uuid\":\"a1b2c3d4-0000-4000-8000-000000000001\"}],"
	    "\"metadata\":{\"role\":\"bbb\"}}}";
	const char	*v237[] = { NULL, "Content-Type: application/json",
	    "OpenStack-API-Version: compute 2.37", NULL };

	j = call(c, "POST", "/compute/v2.1/servers", "", create, c->hdr, 202);
	s = json_object_get(j, "server");
	assert_true(json_is_string(json_object_get(s, "id")));
	assert_true(json_is_array(json_object_get(s, "links")));
	assert_true(json_is_string(json_object_get(s, "adminPass")));
	assert_true(json_is_array(json_object_get(s, "security_groups")));
	assert_null(json_object_get(s, "status"));
	assert_non_null(st_resp_header(&c->r, "Location"));
	id = xstrdup(str(s, "id"));
	json_decref(j);
	/* The VM is a new node of the world, registered nowhere yet. */
	assert_int_equal(c->w->nnodes, nodes + 1);
	assert_string_equal(c->w->nodes[nodes].name, "bbb-05");
	assert_string_equal(c->w->nodes[nodes].vm_id, id);
	assert_false(c->w->nodes[nodes].in_consul);
	assert_false(c->w->nodes[nodes].in_scalelite);
	assert_false(c->w->nodes[nodes].up);

	path = xasprintf("/compute/v2.1/servers/%s", id);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	s = json_object_get(j, "server");
	assert_string_equal(str(s, "status"), "BUILD");
	assert_string_equal(str(s, "OS-EXT-STS:vm_state"), "building");
	assert_string_equal(str(json_object_get(s, "metadata"), "role"), "bbb");
	json_decref(j);

	sim_world_advance(c->w, 120 * 1000);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	s = json_object_get(j, "server");
	assert_string_equal(str(s, "status"), "ACTIVE");
	assert_true(json_object_size(json_object_get(s, "addresses")) > 0);
	json_decref(j);

	/* Delete: 204, then gone. */
	assert_null(call(c, "DELETE", path, "", NULL, c->hdr, 204));
	sim_world_advance(c->w, 30 * 1000);
	j = call(c, "GET", path, "", NULL, c->hdr, 404);
	assert_fault(j, "itemNotFound", 404);
	json_decref(j);
	free(path);
	free(id);

	/* Input errors. */
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":"
	    "{\"name\":\"x\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\"}}", c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	assert_non_null(strstr(str(json_object_get(j, "badRequest"),
	    "message"), "'flavorRef' is a required property"));
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":"
	    "{\"name\":\"x\",\"flavorRef\":\"99\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\"}}", c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":"
	    "{\"name\":\"x\",\"flavorRef\":\"5\",\"imageRef\":\"fedora\"}}",
	    c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/servers", "", "{", c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	/* networks are required from 2.37 */
	v237[0] = c->token;
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":"
	    "{\"name\":\"x\",\"flavorRef\":\"5\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\"}}", v237, 400);
	assert_non_null(strstr(str(json_object_get(j, "badRequest"),
	    "message"), "'networks' is a required property"));
	json_decref(j);

	/* The instances quota: 403 forbidden with Nova's message. */
	used = vm_count(c);
	c->w->os_quota_instances = (int)used + 1;
	j = call(c, "POST", "/compute/v2.1/servers", "", create, c->hdr, 202);
	json_decref(j);
	assert_int_equal(vm_count(c), used + 1);
	j = call(c, "POST", "/compute/v2.1/servers", "", create, c->hdr, 403);
	assert_fault(j, "forbidden", 403);
	body = xasprintf("Quota exceeded for instances: Requested 1, but "
	    "already used %zu of %zu instances", used + 1, used + 1);
	assert_string_equal(str(json_object_get(j, "forbidden"), "message"),
	    body);
	free(body);
	json_decref(j);

	/* A failing build ends in ERROR with a fault. */
	c->w->os_quota_instances = 0;
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":"
	    "{\"name\":\"bad\",\"flavorRef\":\"5\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\",\"metadata\":"
	    "{\"bbbctl-sim-fault\":\"error\"}}}", c->hdr, 202);
	path = xasprintf("/compute/v2.1/servers/%s", str(json_object_get(j,
	    "server"), "id"));
	json_decref(j);
	sim_world_advance(c->w, 120 * 1000);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	assert_string_equal(str(json_object_get(j, "server"), "status"),
	    "ERROR");
	assert_true(json_is_object(json_object_get(json_object_get(j,
	    "server"), "fault")));
	json_decref(j);
	free(path);
}

static void
test_delete_node_vm(void **state)
{
	struct ctx	*c = *state;
	json_t		*j;
	char		*path;

	assert_true(c->w->nodes[0].up);
	path = xasprintf("/compute/v2.1/servers/%s", c->w->nodes[0].vm_id);
	call(c, "DELETE", path, "", NULL, c->hdr, 204);
	assert_false(c->w->nodes[0].up);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	assert_string_equal(str(json_object_get(j, "server"),
	    "OS-EXT-STS:task_state"), "deleting");
	json_decref(j);
	sim_world_advance(c->w, 30 * 1000);
	j = call(c, "GET", path, "", NULL, c->hdr, 404);
	json_decref(j);
	free(path);

	/* Unsupported microversion. */
	c->hdr[2] = "OpenStack-API-Version: compute 2.999";
	j = call(c, "GET", "/compute/v2.1/servers", "", NULL, c->hdr, 406);
	json_decref(j);
	c->hdr[2] = NULL;
}

/* The default quota leaves room for ten more VMs, not one more. */
static void
test_default_quota(void **state)
{
	struct ctx	*c = *state;
	json_t		*j;
	int		 i;
	const char	*create = "{\"server\":{\"name\":\"extra\","
	    "\"flavorRef\":\"5\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\"}}";

	c->w->os_quota_instances = 0;
	for (i = 0; i < 10; i++) {
		j = call(c, "POST", "/compute/v2.1/servers", "", create,
		    c->hdr, 202);
		json_decref(j);
	}
	j = call(c, "POST", "/compute/v2.1/servers", "", create, c->hdr, 403);
	assert_fault(j, "forbidden", 403);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keystone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_default_limit,
		    setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_create_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_node_vm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_quota, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
