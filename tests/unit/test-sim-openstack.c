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
#include <openssl/evp.h>

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


/* The registration URL of the simulated Rancher's active token. */
static char *
reg_url(struct ctx *c)
{
	struct sim_resp	 r;
	unsigned char	 b64[256];
	char		*plain, *auth, *url;
	const char	*hdr[2];
	json_t		*j;

	memset(&r, 0, sizeof r);
	r.status = 200;
	plain = xasprintf("%s:%s", c->w->rancher_access, c->w->rancher_secret);
	EVP_EncodeBlock(b64, (unsigned char *)plain, (int)strlen(plain));
	auth = xasprintf("Authorization: Basic %s", b64);
	hdr[0] = auth;
	hdr[1] = NULL;
	st_call(c->w, sim_rancher_handle, SIM_RANCHER, "GET",
	    "/v2-beta/projects/1a5/registrationtokens", "state=active", NULL,
	    hdr, &r);
	assert_int_equal(r.status, 200);
	j = json_loadb(r.body, r.len, 0, NULL);
	url = xstrdup(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "data"), 0), "registrationUrl")));
	json_decref(j);
	sim_resp_clear(&r);
	free(plain);
	free(auth);
	return (url);
}

/*
 * Scale out: a VM's user_data (base64) boots when it is ACTIVE; with
 * this Rancher's registration URL its host registers with the labels of
 * CATTLE_HOST_LABELS; --vm-fault noregister and a URL of no token keep
 * it away; a user_data that is not base64 is refused as Nova does.
 */
static void
test_create_boots(void **state)
{
	struct ctx	*c = *state;
	json_t		*j;
	char		*url, *ud, *body;
	unsigned char	 b64[2048];
	size_t		 at;

	snprintf(c->w->rancher_access, sizeof c->w->rancher_access, "AK0");
	snprintf(c->w->rancher_secret, sizeof c->w->rancher_secret, "SK0");
	c->w->os_boot_ms = 0;
	url = reg_url(c);
	ud = xasprintf("#cloud-config\nruncmd:\n  - [ sh, -c, \"docker run "
	    "-e CATTLE_HOST_LABELS='bbbnode=bbb-05&role=bbb' rancher/agent "
	    "%s\" ]\n", url);
	EVP_EncodeBlock(b64, (unsigned char *)ud, (int)strlen(ud));
	free(ud);

	body = xasprintf("{\"server\":{\"name\":\"bbb-05\",\"flavorRef\":"
	    "\"5\",\"imageRef\":\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\","
	    "\"user_data\":\"%s\",\"networks\":[{\"uuid\":"
	    "\"a1b2c3d4-0000-4000-8000-000000000001\"}]}}", "not base64!");
	j = call(c, "POST", "/compute/v2.1/servers", "", body, c->hdr, 400);
	ud = json_dumps(j, 0);
	assert_non_null(strstr(ud, "valid base 64"));
	free(ud);
	json_decref(j);
	free(body);

	at = c->w->nnodes;
	body = xasprintf("{\"server\":{\"name\":\"bbb-05\",\"flavorRef\":"
	    "\"5\",\"imageRef\":\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\","
	    "\"user_data\":\"%s\",\"networks\":[{\"uuid\":"
	    "\"a1b2c3d4-0000-4000-8000-000000000001\"}]}}", b64);
	json_decref(call(c, "POST", "/compute/v2.1/servers", "", body, c->hdr,
	    202));
	free(body);
	assert_true(c->w->nodes[at].scaled);
	sim_world_advance(c->w, 100);
	assert_string_equal(c->w->nodes[at].vm_status, "ACTIVE");
	assert_string_equal(c->w->nodes[at].host_state, "registering");
	assert_string_equal(c->w->nodes[at].host_labels,
	    "bbbnode=bbb-05&role=bbb");
	sim_world_advance(c->w, 5000);
	assert_string_equal(c->w->nodes[at].host_state, "active");
	assert_false(c->w->nodes[at].up);	/* no stack yet */

	/* --vm-fault noregister: ACTIVE, never a host */
	c->w->os_vm_fault = SIM_NODE_NOREGISTER;
	at = c->w->nnodes;
	body = xasprintf("{\"server\":{\"name\":\"bbb-06\",\"flavorRef\":"
	    "\"5\",\"imageRef\":\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\","
	    "\"user_data\":\"%s\",\"networks\":[{\"uuid\":"
	    "\"a1b2c3d4-0000-4000-8000-000000000001\"}]}}", b64);
	json_decref(call(c, "POST", "/compute/v2.1/servers", "", body, c->hdr,
	    202));
	free(body);
	sim_world_advance(c->w, 5000);
	assert_string_equal(c->w->nodes[at].vm_status, "ACTIVE");
	assert_string_equal(c->w->nodes[at].host_id, "");
	/* --vm-fault error: ERROR */
	c->w->os_vm_fault = SIM_NODE_ERROR;
	at = c->w->nnodes;
	json_decref(call(c, "POST", "/compute/v2.1/servers", "",
	    "{\"server\":{\"name\":\"bbb-07\",\"flavorRef\":\"5\",\"imageRef\":"
	    "\"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b\",\"networks\":[{\"uuid\":"
	    "\"a1b2c3d4-0000-4000-8000-000000000001\"}]}}", c->hdr, 202));
	sim_world_advance(c->w, 5000);
	assert_string_equal(c->w->nodes[at].vm_status, "ERROR");
	free(url);
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
	/* a 204 carries nova's version headers too */
	assert_string_equal(st_resp_header(&c->r, "OpenStack-API-Version"),
	    "compute 2.1");
	assert_non_null(st_resp_header(&c->r, "X-OpenStack-Nova-API-Version"));
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

/* A catalog entry's public URL by type, or NULL (j: the token body). */
static const char *
catalog_url(json_t *j, const char *type)
{
	json_t		*e, *ep;
	size_t		 i, k;

	json_array_foreach(json_object_get(json_object_get(j, "token"),
	    "catalog"), i, e) {
		if (strcmp(str(e, "type"), type) != 0)
			continue;
		json_array_foreach(json_object_get(e, "endpoints"), k, ep) {
			if (strcmp(str(ep, "interface"), "public") == 0)
				return (str(ep, "url"));
		}
	}
	return (NULL);
}

/* Every service's root answers its version document. */
static void
test_discovery(void **state)
{
	struct ctx	*c = *state;
	const char	*none[] = { NULL };
	const char	*json[] = { "Content-Type: application/json", NULL };
	json_t		*j, *v;
	char		*body;

	body = auth_body(c->w->os_cred_id, c->w->os_cred_secret);
	j = call(c, "POST", "/v3/auth/tokens", "", body, json, 201);
	free(body);
	assert_string_equal(catalog_url(j, "image"),
	    "http://127.0.0.1:15000/image");
	assert_string_equal(catalog_url(j, "network"),
	    "http://127.0.0.1:15000/network");
	json_decref(j);

	j = call(c, "GET", "/compute/v2.1", "", NULL, none, 200);
	v = json_object_get(j, "version");
	assert_string_equal(str(v, "id"), "v2.1");
	assert_string_equal(str(v, "min_version"), "2.1");
	assert_int_equal(strncmp(str(v, "version"), "2.", 2), 0);
	assert_true(json_array_size(json_object_get(v, "links")) >= 1);
	assert_true(json_array_size(json_object_get(v, "media-types")) == 1);
	json_decref(j);
	j = call(c, "GET", "/compute/", "", NULL, none, 200);
	assert_string_equal(str(json_array_get(json_object_get(j,
	    "versions"), 0), "id"), "v2.1");
	json_decref(j);

	j = call(c, "GET", "/v3", "", NULL, none, 200);
	v = json_object_get(j, "version");
	assert_string_equal(str(v, "status"), "stable");
	assert_true(json_array_size(json_object_get(v, "links")) == 1);
	assert_true(json_array_size(json_object_get(v, "media-types")) == 1);
	json_decref(j);
	j = call(c, "GET", "/", "", NULL, none, 300);
	assert_true(json_array_size(json_object_get(json_object_get(j,
	    "versions"), "values")) == 1);
	json_decref(j);
	j = call(c, "GET", "/image/", "", NULL, none, 300);
	assert_string_equal(str(json_array_get(json_object_get(j,
	    "versions"), 0), "status"), "CURRENT");
	json_decref(j);
	j = call(c, "GET", "/network/", "", NULL, none, 200);
	assert_string_equal(str(json_array_get(json_object_get(j,
	    "versions"), 0), "id"), "v2.0");
	json_decref(j);
}

/* GET /v3/auth/tokens validates a token; DELETE revokes it. */
static void
test_token_validate(void **state)
{
	struct ctx	*c = *state;
	const char	*h[4];
	char		*sub;
	json_t		*j;

	sub = xasprintf("X-Subject-Token: %s", c->token + 14);
	h[0] = c->token;
	h[1] = sub;
	h[2] = NULL;
	j = call(c, "GET", "/v3/auth/tokens", "", NULL, h, 200);
	assert_string_equal(st_resp_header(&c->r, "X-Subject-Token"),
	    c->token + 14);
	assert_string_equal(str(json_object_get(json_object_get(j, "token"),
	    "project"), "name"), "bbb");
	json_decref(j);
	h[1] = "X-Subject-Token: gAAAAABnope";
	j = call(c, "GET", "/v3/auth/tokens", "", NULL, h, 404);
	assert_ks_error(j, 404);
	json_decref(j);
	h[0] = "X-Auth-Token: gAAAAABnope";
	h[1] = sub;
	j = call(c, "GET", "/v3/auth/tokens", "", NULL, h, 401);
	json_decref(j);
	h[0] = c->token;
	call(c, "DELETE", "/v3/auth/tokens", "", NULL, h, 204);
	j = call(c, "GET", "/compute/v2.1/servers", "", NULL, c->hdr, 401);
	json_decref(j);
	free(sub);
}

static void
test_limits_flavors(void **state)
{
	struct ctx	*c = *state;
	const char	*h[4] = { c->token,
	    "OpenStack-API-Version: compute 2.75", NULL };
	json_t		*j, *a, *f;

	j = call(c, "GET", "/compute/v2.1/limits", "", NULL, c->hdr, 200);
	a = json_object_get(json_object_get(j, "limits"), "absolute");
	assert_int_equal(json_integer_value(json_object_get(a,
	    "totalInstancesUsed")), c->w->nnodes + 2);
	assert_int_equal(json_integer_value(json_object_get(a,
	    "maxTotalInstances")), c->w->nnodes + 2 + 10);
	assert_non_null(json_object_get(a, "maxImageMeta"));
	assert_non_null(json_object_get(a, "maxSecurityGroups"));
	assert_true(json_is_array(json_object_get(json_object_get(j,
	    "limits"), "rate")));
	json_decref(j);
	c->w->os_quota_instances = 7;
	j = call(c, "GET", "/compute/v2.1/limits", "", NULL, h, 200);
	a = json_object_get(json_object_get(j, "limits"), "absolute");
	assert_int_equal(json_integer_value(json_object_get(a,
	    "maxTotalInstances")), 7);
	assert_null(json_object_get(a, "maxImageMeta"));
	assert_null(json_object_get(a, "maxSecurityGroups"));
	assert_null(json_object_get(a, "maxPersonality"));
	json_decref(j);

	j = call(c, "GET", "/compute/v2.1/flavors/4", "", NULL, c->hdr, 200);
	f = json_object_get(j, "flavor");
	assert_string_equal(str(f, "name"), "m1.large");
	assert_int_equal(json_integer_value(json_object_get(f, "vcpus")), 4);
	assert_string_equal(str(f, "swap"), "");
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/flavors/4", "", NULL, h, 200);
	f = json_object_get(j, "flavor");
	assert_true(json_is_integer(json_object_get(f, "swap")));
	assert_true(json_is_object(json_object_get(f, "extra_specs")));
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/flavors/4/os-extra_specs", "",
	    NULL, c->hdr, 200);
	assert_true(json_is_object(json_object_get(j, "extra_specs")));
	json_decref(j);
	/* a name is no id */
	j = call(c, "GET", "/compute/v2.1/flavors/m1.large", "", NULL,
	    c->hdr, 404);
	assert_fault(j, "itemNotFound", 404);
	json_decref(j);
}

static void
test_keypairs(void **state)
{
	struct ctx	*c = *state;
	const char	*h22[4] = { c->token,
	    "Content-Type: application/json",
	    "OpenStack-API-Version: compute 2.2", NULL };
	const char	*imp = "{\"keypair\":{\"name\":\"rot-1\","
	    "\"public_key\":"
	    "\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILr0ZCytXByxI70lpx2aQl3q0"
	    "G+3da6YPN+Hq/KM0Uzx c\"}}";
	json_t		*j, *k;

	j = call(c, "GET", "/compute/v2.1/os-keypairs", "", NULL, c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "keypairs")), 1);
	assert_string_equal(str(json_object_get(json_array_get(
	    json_object_get(j, "keypairs"), 0), "keypair"), "name"), "deploy");
	json_decref(j);

	/* 2.1: 200 on import, 202 on delete; the fingerprint is MD5 */
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "", imp, c->hdr, 200);
	k = json_object_get(j, "keypair");
	assert_string_equal(str(k, "fingerprint"),
	    "2d:64:ae:1b:0c:2f:fa:10:80:60:a3:07:6c:76:b5:bb");
	assert_null(json_object_get(k, "type"));
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "", imp, c->hdr, 409);
	assert_fault(j, "conflictingRequest", 409);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/os-keypairs/rot-1", "", NULL, c->hdr,
	    200);
	assert_string_equal(str(json_object_get(j, "keypair"), "user_id"),
	    "9b7e6d5c4a3f2e1d0c9b8a7f6e5d4c3b");
	json_decref(j);
	st_call(c->w, sim_openstack_handle, SIM_OPENSTACK, "DELETE",
	    "/compute/v2.1/os-keypairs/rot-1", "", NULL, c->hdr, &c->r);
	assert_int_equal(c->r.status, 202);
	assert_int_equal(c->r.len, 0);
	j = call(c, "GET", "/compute/v2.1/os-keypairs/rot-1", "", NULL, c->hdr,
	    404);
	assert_fault(j, "itemNotFound", 404);
	json_decref(j);

	/* 2.2: 201 and 204, with a type */
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "", imp, h22, 201);
	assert_string_equal(str(json_object_get(j, "keypair"), "type"), "ssh");
	json_decref(j);
	call(c, "DELETE", "/compute/v2.1/os-keypairs/rot-1", "", NULL, h22,
	    204);
	assert_string_equal(st_resp_header(&c->r, "OpenStack-API-Version"),
	    "compute 2.2");
	/* before 2.92 nova makes the key pair when none is given */
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "",
	    "{\"keypair\":{\"name\":\"made\"}}", c->hdr, 200);
	k = json_object_get(j, "keypair");
	assert_int_equal(strncmp(str(k, "private_key"),
	    "-----BEGIN RSA PRIVATE KEY-----", 31), 0);
	assert_int_equal(strncmp(str(k, "public_key"),
	    "ssh-rsa AAAAB3NzaC1yc2E", 23), 0);
	assert_int_equal(strlen(str(k, "fingerprint")), 47);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/os-keypairs/made", "", NULL, c->hdr,
	    200);
	assert_null(json_object_get(json_object_get(j, "keypair"),
	    "private_key"));
	json_decref(j);
	c->hdr[2] = "OpenStack-API-Version: compute 2.92";
	c->hdr[3] = NULL;
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "",
	    "{\"keypair\":{\"name\":\"made2\"}}", c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	c->hdr[2] = NULL;
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "",
	    "{\"keypair\":{\"name\":\"bad\",\"public_key\":\"nonsense\"}}",
	    c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/os-keypairs", "",
	    "{\"keypair\":{\"name\":\"a/b\",\"public_key\":\"x\"}}", c->hdr,
	    400);
	json_decref(j);
}

static void
test_images_networks(void **state)
{
	struct ctx	*c = *state;
	const char	*none[] = { NULL };
	json_t		*j;

	j = call(c, "GET", "/image/v2/images", "", NULL, none, 401);
	json_decref(j);
	j = call(c, "GET", "/image/v2/images", "", NULL, c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "images")), 2);
	assert_string_equal(str(j, "schema"), "/v2/schemas/images");
	json_decref(j);
	j = call(c, "GET", "/image/v2/images", "name=cirros-0.6.2", NULL,
	    c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "images")), 1);
	json_decref(j);
	j = call(c, "GET", "/image/v2/images", "limit=1", NULL, c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "images")), 1);
	assert_non_null(strstr(str(j, "next"), "marker="));
	json_decref(j);
	j = call(c, "GET", "/image/v2/images/4f5e8c1a-2b3d-4e6f-8a9b-"
	    "0c1d2e3f4a5b", "", NULL, c->hdr, 200);
	assert_string_equal(str(j, "status"), "active");
	json_decref(j);
	j = call(c, "GET", "/image/v2/images/ubuntu", "", NULL, c->hdr, 404);
	json_decref(j);

	j = call(c, "GET", "/network/v2.0/networks", "", NULL, c->hdr, 200);
	assert_int_equal(json_array_size(json_object_get(j, "networks")), 2);
	json_decref(j);
	j = call(c, "GET", "/network/v2.0/networks", "name=bbb-net", NULL,
	    c->hdr, 200);
	assert_string_equal(str(json_array_get(json_object_get(j, "networks"),
	    0), "id"), "a1b2c3d4-0000-4000-8000-000000000001");
	json_decref(j);
	j = call(c, "GET", "/network/v2.0/networks/bbb-net", "", NULL, c->hdr,
	    404);
	assert_string_equal(str(json_object_get(j, "NeutronError"), "type"),
	    "NetworkNotFound");
	json_decref(j);
}

/* Create takes what nova takes, no more. */
static void
test_create_strict(void **state)
{
	struct ctx	*c = *state;
	const char	*v237[4] = { c->token,
	    "Content-Type: application/json",
	    "OpenStack-API-Version: compute 2.37", NULL };
	const char	*img = "\"imageRef\":\"4f5e8c1a-2b3d-4e6f-8a9b-"
	    "0c1d2e3f4a5b\"";
	char		*b;
	json_t		*j, *s;
	char		*path;
	int64_t		 t0;

	/* a flavor name is no flavorRef */
	b = xasprintf("{\"server\":{\"name\":\"x\",\"flavorRef\":\"m1.large\","
	    "%s}}", img);
	j = call(c, "POST", "/compute/v2.1/servers", "", b, c->hdr, 400);
	assert_string_equal(str(json_object_get(j, "badRequest"), "message"),
	    "Invalid flavorRef provided.");
	json_decref(j);
	free(b);
	/* "auto" is 2.37+ */
	b = xasprintf("{\"server\":{\"name\":\"x\",\"flavorRef\":\"4\",%s,"
	    "\"networks\":\"auto\"}}", img);
	j = call(c, "POST", "/compute/v2.1/servers", "", b, c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "POST", "/compute/v2.1/servers", "", b, v237, 202);
	json_decref(j);
	free(b);
	/* unknown image, network, key pair */
	j = call(c, "POST", "/compute/v2.1/servers", "", "{\"server\":{"
	    "\"name\":\"x\",\"flavorRef\":\"4\",\"imageRef\":"
	    "\"00000000-0000-4000-8000-000000000000\"}}", c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	b = xasprintf("{\"server\":{\"name\":\"x\",\"flavorRef\":\"4\",%s,"
	    "\"networks\":[{\"uuid\":\"00000000-0000-4000-8000-0000000000aa\"}"
	    "]}}", img);
	j = call(c, "POST", "/compute/v2.1/servers", "", b, c->hdr, 400);
	assert_non_null(strstr(str(json_object_get(j, "badRequest"),
	    "message"), "Network"));
	json_decref(j);
	free(b);
	b = xasprintf("{\"server\":{\"name\":\"x\",\"flavorRef\":\"4\",%s,"
	    "\"key_name\":\"nokey\"}}", img);
	j = call(c, "POST", "/compute/v2.1/servers", "", b, c->hdr, 400);
	assert_string_equal(str(json_object_get(j, "badRequest"), "message"),
	    "Invalid key_name provided.");
	json_decref(j);
	free(b);

	/* a building server was not updated in the future */
	b = xasprintf("{\"server\":{\"name\":\"bld\",\"flavorRef\":"
	    "\"http://x/compute/flavors/4\",%s}}", img);
	t0 = c->w->now_ms;
	j = call(c, "POST", "/compute/v2.1/servers", "", b, c->hdr, 202);
	path = xasprintf("/compute/v2.1/servers/%s", str(json_object_get(j,
	    "server"), "id"));
	json_decref(j);
	free(b);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	s = json_object_get(j, "server");
	assert_string_equal(str(s, "status"), "BUILD");
	assert_string_equal(str(s, "updated"), str(s, "created"));
	json_decref(j);
	sim_world_advance(c->w, 120 * 1000);
	j = call(c, "GET", path, "", NULL, c->hdr, 200);
	s = json_object_get(j, "server");
	assert_string_equal(str(s, "status"), "ACTIVE");
	assert_true(strcmp(str(s, "updated"), str(s, "created")) > 0);
	json_decref(j);
	free(path);
	(void)t0;
}

static void
test_sort(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *a;
	size_t		 i;

	j = call(c, "GET", "/compute/v2.1/servers/detail",
	    "sort_key=display_name&sort_dir=asc", NULL, c->hdr, 200);
	a = json_object_get(j, "servers");
	assert_true(json_array_size(a) > 2);
	for (i = 1; i < json_array_size(a); i++)
		assert_true(strcmp(str(json_array_get(a, i - 1), "name"),
		    str(json_array_get(a, i), "name")) <= 0);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers/detail",
	    "sort_key=display_name&sort_dir=desc", NULL, c->hdr, 200);
	a = json_object_get(j, "servers");
	for (i = 1; i < json_array_size(a); i++)
		assert_true(strcmp(str(json_array_get(a, i - 1), "name"),
		    str(json_array_get(a, i), "name")) >= 0);
	json_decref(j);
	/* paging keeps the order: the next link repeats the sort */
	j = call(c, "GET", "/compute/v2.1/servers",
	    "sort_key=display_name&sort_dir=asc&limit=2", NULL, c->hdr, 200);
	assert_non_null(strstr(str(json_array_get(json_object_get(j,
	    "servers_links"), 0), "href"), "?sort_key=display_name&sort_dir="
	    "asc&limit=2&marker="));
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers", "sort_key=colour", NULL,
	    c->hdr, 400);
	assert_fault(j, "badRequest", 400);
	json_decref(j);
	j = call(c, "GET", "/compute/v2.1/servers", "sort_dir=up", NULL,
	    c->hdr, 400);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_boots, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keystone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discovery, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_token_validate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits_flavors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keypairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_networks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_strict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
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
