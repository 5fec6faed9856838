/*
 * test-sim-consul.c: contract tests of the simulated consul API, written
 * from the reference (apis.md §3: field names, types, status codes,
 * headers, plain-text errors), calling sim_consul_handle directly.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

#define NNODES	4

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

static struct sim_world *
world(void)
{
	struct sim_world	*w;

	w = sim_world_new(NNODES, 7, 0.0, "clean");
	assert_non_null(w);
	assert_true(w->consul_token[0] != '\0');
	return (w);
}

/* Do one request; token NULL = none.  Returns the response. */
static struct sim_resp
call(struct sim_world *w, const char *method, const char *uri,
    const char *token, const char *body)
{
	struct treq	 t;
	struct sim_resp	 r;
	const char	*q;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	q = strchr(uri, '?');
	t.path = q != NULL ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
	t.query = xstrdup(q != NULL ? q + 1 : "");
	t.req.system = SIM_CONSUL;
	t.req.method = method;
	t.req.path = t.path;
	t.req.query = t.query;
	t.req.host = "127.0.0.1";
	t.req.body = body != NULL ? body : "";
	t.req.bodylen = body != NULL ? strlen(body) : 0;
	t.req.header = treq_header;
	if (token != NULL) {
		t.hname[0] = "X-Consul-Token";
		t.hvalue[0] = token;
	}
	r.status = 200;
	pthread_mutex_lock(&w->lock);
	sim_consul_handle(w, &t.req, &r);
	pthread_mutex_unlock(&w->lock);
	free(t.path);
	free(t.query);
	return (r);
}

static const char *
hdr(const struct sim_resp *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return (r->headers[i].value);
	}
	return (NULL);
}

static json_t *
body_json(const struct sim_resp *r)
{
	json_t		*j;
	json_error_t	 e;

	assert_non_null(r->body);
	j = json_loadb(r->body, r->len, JSON_DECODE_ANY, &e);
	if (j == NULL)
		fail_msg("not JSON: %s: %.*s", e.text, (int)r->len, r->body);
	return (j);
}

static const char *
str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("field %s is not a string", key);
	return (json_string_value(v));
}

static void
is_plain(const struct sim_resp *r, int status, const char *text)
{
	assert_int_equal(r->status, status);
	assert_non_null(r->content_type);
	assert_non_null(strstr(r->content_type, "text/plain"));
	assert_non_null(r->body);
	assert_string_equal(r->body, text);
}

static uint64_t
index_of(const struct sim_resp *r)
{
	const char	*s = hdr(r, "X-Consul-Index");

	assert_non_null(s);
	assert_true(strspn(s, "0123456789") == strlen(s));
	assert_true(strtoull(s, NULL, 10) >= 1);
	return (strtoull(s, NULL, 10));
}

static void
test_catalog_services(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j;

	r = call(w, "GET", "/v1/catalog/services", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json");
	index_of(&r);
	assert_string_equal(hdr(&r, "X-Consul-KnownLeader"), "true");
	assert_non_null(hdr(&r, "X-Consul-LastContact"));
	j = body_json(&r);
	assert_true(json_is_object(j));
	assert_true(json_is_array(json_object_get(j, "bbb")));
	assert_true(json_is_array(json_object_get(j, "consul")));
	json_decref(j);
	sim_resp_clear(&r);
	sim_world_free(w);
}

static void
check_health_entry(json_t *e, const char *svc)
{
	json_t	*node, *s, *checks, *c, *wt;
	size_t	 i;
	bool	 serf = false, svc_check = false;

	node = json_object_get(e, "Node");
	s = json_object_get(e, "Service");
	checks = json_object_get(e, "Checks");
	assert_true(json_is_object(node));
	assert_true(json_is_object(s));
	assert_true(json_is_array(checks));
	str(node, "ID");
	assert_non_null(strstr(str(node, "Node"), "bbb-"));
	str(node, "Address");
	assert_string_equal(str(node, "Datacenter"), "dc1");
	assert_true(json_is_object(json_object_get(node, "TaggedAddresses")));
	assert_true(json_is_object(json_object_get(node, "Meta")));
	str(s, "ID");
	assert_string_equal(str(s, "Service"), svc);
	assert_true(json_is_array(json_object_get(s, "Tags")));
	str(s, "Address");
	assert_true(json_is_object(json_object_get(s, "Meta")));
	assert_true(json_is_integer(json_object_get(s, "Port")));
	wt = json_object_get(s, "Weights");
	assert_true(json_is_integer(json_object_get(wt, "Passing")));
	assert_true(json_is_integer(json_object_get(wt, "Warning")));
	json_array_foreach(checks, i, c) {
		const char *st = str(c, "Status");

		assert_true(strcmp(st, "passing") == 0 ||
		    strcmp(st, "warning") == 0 || strcmp(st, "critical") == 0);
		assert_string_equal(str(c, "Node"), str(node, "Node"));
		str(c, "CheckID");
		str(c, "Name");
		str(c, "Notes");
		str(c, "Output");
		str(c, "ServiceName");
		assert_true(json_is_array(json_object_get(c, "ServiceTags")));
		if (strcmp(str(c, "CheckID"), "serfHealth") == 0) {
			assert_string_equal(str(c, "ServiceID"), "");
			serf = true;
		} else if (strcmp(str(c, "ServiceID"), str(s, "ID")) == 0)
			svc_check = true;
	}
	assert_true(serf);
	assert_true(svc_check);
}

static void
test_health_service(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e, *c;
	size_t			 i, k;
	uint64_t		 before;

	r = call(w, "GET", "/v1/health/service/bbb", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	before = index_of(&r);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), NNODES);
	json_array_foreach(j, i, e)
		check_health_entry(e, "bbb");
	json_decref(j);
	sim_resp_clear(&r);

	/* one node's service check fails: ?passing leaves it out */
	pthread_mutex_lock(&w->lock);
	w->nodes[1].consul_passing = false;
	sim_world_changed(w);
	w->nodes[1].consul_modify_index = w->index;
	pthread_mutex_unlock(&w->lock);

	r = call(w, "GET", "/v1/health/service/bbb?passing", w->consul_token,
	    NULL);
	assert_true(index_of(&r) > before);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), NNODES - 1);
	json_array_foreach(j, i, e)
		assert_string_not_equal(str(json_object_get(e, "Node"),
		    "Node"), w->nodes[1].name);
	json_decref(j);
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/health/service/bbb", w->consul_token, NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), NNODES);
	e = json_array_get(j, 1);
	assert_string_equal(str(json_object_get(e, "Node"), "Node"),
	    w->nodes[1].name);
	json_array_foreach(json_object_get(e, "Checks"), k, c) {
		if (strcmp(str(c, "CheckID"), "serfHealth") == 0)
			assert_string_equal(str(c, "Status"), "passing");
		else
			assert_string_equal(str(c, "Status"), "critical");
	}
	json_decref(j);
	sim_resp_clear(&r);

	/* unknown service: an empty array, not an error */
	r = call(w, "GET", "/v1/health/service/nope", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	sim_resp_clear(&r);
	sim_world_free(w);
}

static void
test_catalog_service(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e;
	size_t			 i;

	r = call(w, "GET", "/v1/catalog/service/bbb", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	index_of(&r);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), NNODES);
	json_array_foreach(j, i, e) {
		str(e, "ID");
		str(e, "Node");
		str(e, "Address");
		assert_string_equal(str(e, "Datacenter"), "dc1");
		assert_true(json_is_object(json_object_get(e,
		    "TaggedAddresses")));
		assert_true(json_is_object(json_object_get(e, "NodeMeta")));
		assert_string_equal(str(e, "ServiceName"), "bbb");
		str(e, "ServiceID");
		str(e, "ServiceAddress");
		assert_true(json_is_integer(json_object_get(e,
		    "ServicePort")));
		assert_true(json_is_array(json_object_get(e, "ServiceTags")));
		assert_true(json_is_object(json_object_get(e, "ServiceMeta")));
		assert_true(json_is_boolean(json_object_get(e,
		    "ServiceEnableTagOverride")));
		assert_true(json_is_integer(json_object_get(e,
		    "CreateIndex")));
		assert_true(json_is_integer(json_object_get(e,
		    "ModifyIndex")));
	}
	json_decref(j);
	sim_resp_clear(&r);
	sim_world_free(w);
}

/* The fast text rendering equals the jansson one (?tag=bbb). */
static void
test_renderings_agree(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r1, r2;
	json_t			*a, *b;
	const char		*paths[] = { "/v1/health/service/bbb",
	    "/v1/catalog/service/bbb", "/v1/health/service/bbb?passing" };
	char			*uri;
	size_t			 i;

	pthread_mutex_lock(&w->lock);
	w->nodes[0].up = false;
	w->nodes[1].consul_passing = false;
	snprintf(w->nodes[2].fqdn, sizeof w->nodes[2].fqdn, "q\"uote\\.x");
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < nitems(paths); i++) {
		r1 = call(w, "GET", paths[i], w->consul_token, NULL);
		uri = xasprintf("%s%stag=bbb", paths[i],
		    strchr(paths[i], '?') != NULL ? "&" : "?");
		r2 = call(w, "GET", uri, w->consul_token, NULL);
		free(uri);
		a = body_json(&r1);
		b = body_json(&r2);
		assert_true(json_array_size(a) > 0);
		if (!json_equal(a, b))
			fail_msg("%s: renderings differ:\n%s\n%s", paths[i],
			    r1.body, r2.body);
		json_decref(a);
		json_decref(b);
		sim_resp_clear(&r1);
		sim_resp_clear(&r2);
	}
	sim_world_free(w);
}

static void
test_errors(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j;
	char			*uri;

	/* wrong token */
	r = call(w, "GET", "/v1/health/service/bbb", "nope", NULL);
	is_plain(&r, 403, "ACL not found");
	sim_resp_clear(&r);
	/* no token: anonymous reads are filtered, writes denied */
	r = call(w, "GET", "/v1/health/service/bbb", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr(&r, "X-Consul-Results-Filtered-By-ACLs"),
	    "true");
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/kv/a", NULL, "x");
	is_plain(&r, 403, "Permission denied");
	sim_resp_clear(&r);
	/* ?token= wins over the header */
	uri = xasprintf("/v1/catalog/services?token=%s", w->consul_token);
	r = call(w, "GET", uri, "wrong", NULL);
	assert_int_equal(r.status, 200);
	sim_resp_clear(&r);
	free(uri);
	r = call(w, "GET", "/v1/catalog/services?token=wrong",
	    w->consul_token, NULL);
	is_plain(&r, 403, "ACL not found");
	sim_resp_clear(&r);

	/* wrong method: 405 with Allow */
	r = call(w, "POST", "/v1/health/service/bbb", w->consul_token, NULL);
	assert_int_equal(r.status, 405);
	assert_non_null(hdr(&r, "Allow"));
	assert_non_null(strstr(hdr(&r, "Allow"), "GET"));
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/session/create", w->consul_token, NULL);
	assert_int_equal(r.status, 405);
	assert_string_equal(hdr(&r, "Allow"), "PUT");
	sim_resp_clear(&r);

	/* bad blocking parameters */
	r = call(w, "GET", "/v1/catalog/services?wait=soon", w->consul_token,
	    NULL);
	is_plain(&r, 400, "Invalid wait time");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/services?index=x1", w->consul_token,
	    NULL);
	is_plain(&r, 400, "Invalid index");
	sim_resp_clear(&r);

	/* other datacenter, unknown path */
	r = call(w, "GET", "/v1/catalog/services?dc=elsewhere",
	    w->consul_token, NULL);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.content_type, "text/plain"));
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/nothing", w->consul_token, NULL);
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);
	sim_world_free(w);
}

static void
test_acl_off(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;

	w->consul_token[0] = '\0';
	r = call(w, "PUT", "/v1/kv/k", NULL, "v");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	sim_world_free(w);
}

static void
test_kv(void **state)
{
	struct sim_world	*w = world();
	const char		*t = w->consul_token;
	struct sim_resp		 r;
	json_t			*j, *e;
	uint64_t		 mi;
	char			*uri;

	r = call(w, "GET", "/v1/kv/app/one", t, NULL);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.len, 0);
	index_of(&r);
	sim_resp_clear(&r);

	r = call(w, "PUT", "/v1/kv/app/one?flags=42", t, "hello");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/kv/app/one", t, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json");
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	e = json_array_get(j, 0);
	assert_string_equal(str(e, "Key"), "app/one");
	assert_string_equal(str(e, "Value"), "aGVsbG8=");
	assert_int_equal(json_integer_value(json_object_get(e, "Flags")), 42);
	assert_int_equal(json_integer_value(json_object_get(e, "LockIndex")),
	    0);
	assert_true(json_is_integer(json_object_get(e, "CreateIndex")));
	mi = (uint64_t)json_integer_value(json_object_get(e, "ModifyIndex"));
	assert_null(json_object_get(e, "Session"));
	assert_int_equal(index_of(&r), mi);
	json_decref(j);
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/kv/app/one?raw", t, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 5);
	assert_memory_equal(r.body, "hello", 5);
	sim_resp_clear(&r);

	/* cas: 0 only creates; a stale index loses; the right one wins */
	r = call(w, "PUT", "/v1/kv/app/one?cas=0", t, "x");
	assert_string_equal(r.body, "false");
	sim_resp_clear(&r);
	uri = xasprintf("/v1/kv/app/one?cas=%llu", (unsigned long long)mi + 7);
	r = call(w, "PUT", uri, t, "x");
	assert_string_equal(r.body, "false");
	sim_resp_clear(&r);
	free(uri);
	uri = xasprintf("/v1/kv/app/one?cas=%llu", (unsigned long long)mi);
	r = call(w, "PUT", uri, t, "world");
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	r = call(w, "PUT", uri, t, "again");
	assert_string_equal(r.body, "false");	/* index moved on */
	sim_resp_clear(&r);
	free(uri);
	r = call(w, "PUT", "/v1/kv/app/two?cas=0", t, "");
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/kv/app/sub/three", t, "3");
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/kv/other", t, "o");
	sim_resp_clear(&r);

	/* recurse and keys */
	r = call(w, "GET", "/v1/kv/app/?recurse", t, NULL);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 3);
	assert_string_equal(str(json_array_get(j, 0), "Key"), "app/one");
	assert_string_equal(str(json_array_get(j, 0), "Value"), "d29ybGQ=");
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/app/?keys&separator=/", t, NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 3);
	assert_string_equal(json_string_value(json_array_get(j, 0)),
	    "app/one");
	assert_string_equal(json_string_value(json_array_get(j, 1)),
	    "app/sub/");
	assert_string_equal(json_string_value(json_array_get(j, 2)),
	    "app/two");
	json_decref(j);
	sim_resp_clear(&r);

	/* delete: cas=0 does nothing, plain delete, recurse */
	r = call(w, "DELETE", "/v1/kv/other?cas=0", t, NULL);
	assert_string_equal(r.body, "false");
	sim_resp_clear(&r);
	r = call(w, "DELETE", "/v1/kv/other", t, NULL);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/other", t, NULL);
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);
	r = call(w, "DELETE", "/v1/kv/app/?recurse", t, NULL);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/app/?recurse", t, NULL);
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/kv/", t, NULL);
	is_plain(&r, 400, "Missing key name");
	sim_resp_clear(&r);
	sim_world_free(w);
}

static char *
session_create(struct sim_world *w, const char *body)
{
	struct sim_resp	 r;
	json_t		*j;
	char		*id;

	r = call(w, "PUT", "/v1/session/create", w->consul_token, body);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	id = xstrdup(str(j, "ID"));
	assert_int_equal(strlen(id), 36);
	json_decref(j);
	sim_resp_clear(&r);
	return (id);
}

static char *
kv_session(struct sim_world *w, const char *key)
{
	struct sim_resp	 r;
	json_t		*j, *s;
	char		*uri, *out = NULL;

	uri = xasprintf("/v1/kv/%s", key);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	if (r.status == 404) {
		sim_resp_clear(&r);
		return (xstrdup("<missing>"));
	}
	j = body_json(&r);
	s = json_object_get(json_array_get(j, 0), "Session");
	out = xstrdup(json_is_string(s) ? json_string_value(s) : "");
	json_decref(j);
	sim_resp_clear(&r);
	return (out);
}

/* PUT /v1/kv/KEY?OP=SESSION; returns the body ("true"/"false"). */
static const char *
put(struct sim_world *w, const char *key, const char *op, const char *arg)
{
	static char	 answer[16];
	struct sim_resp	 r;
	char		*uri;

	uri = xasprintf("/v1/kv/%s?%s=%s", key, op, arg);
	r = call(w, "PUT", uri, w->consul_token, "v");
	if (r.status != 200)
		fail_msg("PUT %s: %d %s", uri, r.status, r.body);
	free(uri);
	snprintf(answer, sizeof answer, "%s", r.body);
	sim_resp_clear(&r);
	return (answer);
}

static void
test_session_lock(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e;
	char			*a, *b, *s, *uri;

	a = session_create(w, "{\"Name\":\"bbbctl\",\"TTL\":\"15s\","
	    "\"Behavior\":\"release\",\"LockDelay\":\"15s\"}");
	b = session_create(w, NULL);
	/* a bare small LockDelay number means seconds, as consul reads it */
	s = session_create(w, "{\"LockDelay\":5}");
	uri = xasprintf("/v1/session/info/%s", s);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	j = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j,
	    0), "LockDelay")), 5000000000LL);
	json_decref(j);
	sim_resp_clear(&r);
	free(s);

	assert_string_equal(put(w, "lock", "acquire", a), "true");
	s = kv_session(w, "lock");
	assert_string_equal(s, a);
	free(s);
	/* held by a: b cannot acquire or release it */
	assert_string_equal(put(w, "lock", "acquire", b), "false");
	assert_string_equal(put(w, "lock", "release", b), "false");
	/* a again: value updated, LockIndex not incremented */
	assert_string_equal(put(w, "lock", "acquire", a), "true");
	r = call(w, "GET", "/v1/kv/lock", w->consul_token, NULL);
	j = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j,
	    0), "LockIndex")), 1);
	json_decref(j);
	sim_resp_clear(&r);

	/* info */
	uri = xasprintf("/v1/session/info/%s", a);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	assert_int_equal(r.status, 200);
	index_of(&r);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	e = json_array_get(j, 0);
	assert_string_equal(str(e, "ID"), a);
	assert_string_equal(str(e, "Name"), "bbbctl");
	assert_string_equal(str(e, "Behavior"), "release");
	assert_string_equal(str(e, "TTL"), "15s");
	str(e, "Node");
	assert_int_equal(json_integer_value(json_object_get(e, "LockDelay")),
	    15000000000LL);
	assert_true(json_is_integer(json_object_get(e, "CreateIndex")));
	json_decref(j);
	sim_resp_clear(&r);

	/* release by the holder; the Session field goes away */
	assert_string_equal(put(w, "lock", "release", a), "true");
	s = kv_session(w, "lock");
	assert_string_equal(s, "");
	free(s);
	/* an explicit release has no lock delay: b gets it at once */
	assert_string_equal(put(w, "lock", "acquire", b), "true");

	/* unknown session */
	r = call(w, "PUT", "/v1/kv/lock?acquire=00000000-0000-0000-0000-"
	    "000000000000", w->consul_token, "v");
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body, "session"));
	sim_resp_clear(&r);

	/* destroy: true, idempotent, the lock is released */
	uri = xasprintf("/v1/session/destroy/%s", b);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	free(uri);
	s = kv_session(w, "lock");
	assert_string_equal(s, "");
	free(s);
	uri = xasprintf("/v1/session/info/%s", b);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	j = body_json(&r);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	sim_resp_clear(&r);

	free(a);
	free(b);
	sim_world_free(w);
}

static void
test_session_ttl(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j;
	char			*a, *b, *s, *uri;

	a = session_create(w, "{\"TTL\":\"10s\",\"LockDelay\":\"15s\"}");
	assert_string_equal(put(w, "lock", "acquire", a), "true");

	/* renewing keeps it past its TTL; renew answers the entry */
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 15000);
	pthread_mutex_unlock(&w->lock);
	uri = xasprintf("/v1/session/renew/%s", a);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	free(uri);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(str(json_array_get(j, 0), "ID"), a);
	assert_string_equal(str(json_array_get(j, 0), "TTL"), "10s");
	json_decref(j);
	sim_resp_clear(&r);
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 15000);
	pthread_mutex_unlock(&w->lock);
	s = kv_session(w, "lock");
	assert_string_equal(s, a);
	free(s);

	/* no renewal: gone after (at most) twice the TTL, lock released */
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 21000);
	pthread_mutex_unlock(&w->lock);
	s = kv_session(w, "lock");
	assert_string_equal(s, "");
	free(s);
	uri = xasprintf("/v1/session/renew/%s", a);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "not found"));
	sim_resp_clear(&r);
	free(uri);

	/* the lock delay keeps the key from a new holder for 15 s */
	b = session_create(w, "{\"TTL\":\"60s\"}");
	assert_string_equal(put(w, "lock", "acquire", b), "false");
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 16000);
	pthread_mutex_unlock(&w->lock);
	assert_string_equal(put(w, "lock", "acquire", b), "true");

	/*
	 * TTL errors come from the server's Session.Apply as plain errors:
	 * 500, with consul's texts; a TTL needs a unit (Go durations).
	 */
	r = call(w, "PUT", "/v1/session/create", w->consul_token,
	    "{\"TTL\":\"5s\"}");
	is_plain(&r, 500, "Invalid Session TTL '5000000000', must be "
	    "between [10s=24h0m0s]");
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/session/create", w->consul_token,
	    "{\"TTL\":\"15\"}");
	is_plain(&r, 500, "Session TTL '15' invalid: time: missing unit in "
	    "duration \"15\"");
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/session/create", w->consul_token,
	    "{\"TTL\":\"25h\"}");
	assert_int_equal(r.status, 500);
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/session/create", w->consul_token,
	    "{\"LockDelay\":\"15\"}");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "Request decode failed"));
	sim_resp_clear(&r);
	free(a);
	free(b);
	sim_world_free(w);
}

static void
test_session_delete_behavior(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	char			*a, *s, *uri;

	a = session_create(w, "{\"TTL\":\"10s\",\"Behavior\":\"delete\"}");
	assert_string_equal(put(w, "eph", "acquire", a), "true");
	uri = xasprintf("/v1/session/destroy/%s", a);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	sim_resp_clear(&r);
	free(uri);
	s = kv_session(w, "eph");
	assert_string_equal(s, "<missing>");
	free(s);

	/* a node going down invalidates its sessions */
	uri = xasprintf("{\"Node\":\"%s\",\"TTL\":\"60s\"}", w->nodes[0].name);
	free(a);
	a = session_create(w, uri);
	free(uri);
	assert_string_equal(put(w, "n", "acquire", a), "true");
	pthread_mutex_lock(&w->lock);
	w->nodes[0].up = false;
	sim_world_advance(w, 1000);
	pthread_mutex_unlock(&w->lock);
	s = kv_session(w, "n");
	assert_string_equal(s, "");
	free(s);
	r = call(w, "PUT", "/v1/session/create", w->consul_token,
	    "{\"Node\":\"no-such-node\"}");
	assert_int_equal(r.status, 500);
	sim_resp_clear(&r);
	free(a);
	sim_world_free(w);
}

/* Lower-case body keys are the same fields (mapstructure's EqualFold). */
static void
test_session_lowercase(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e;
	char			*a, *b, *s, *uri;

	a = session_create(w, "{\"name\":\"lc\",\"ttl\":\"10s\","
	    "\"behavior\":\"delete\",\"lockdelay\":\"2s\"}");
	uri = xasprintf("/v1/session/info/%s", a);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	j = body_json(&r);
	e = json_array_get(j, 0);
	assert_non_null(e);
	assert_string_equal(str(e, "Name"), "lc");
	assert_string_equal(str(e, "TTL"), "10s");
	assert_string_equal(str(e, "Behavior"), "delete");
	assert_int_equal(json_integer_value(json_object_get(e, "LockDelay")),
	    2000000000LL);
	json_decref(j);
	sim_resp_clear(&r);

	/* the ttl holds: 25 s later (> 2 x 10 s) the key is gone */
	assert_string_equal(put(w, "lc", "acquire", a), "true");
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 25000);
	pthread_mutex_unlock(&w->lock);
	s = kv_session(w, "lc");
	assert_string_equal(s, "<missing>");
	free(s);

	/* a number for LockDelay below 1000 is seconds */
	b = session_create(w, "{\"LockDelay\":3}");
	uri = xasprintf("/v1/session/info/%s", b);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	j = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(j, 0), "LockDelay")), 3000000000LL);
	json_decref(j);
	sim_resp_clear(&r);

	/* a service registered with lower-case keys (python-consul) */
	r = call(w, "PUT", "/v1/agent/service/register", w->consul_token,
	    "{\"name\":\"lcsvc\",\"id\":\"lcsvc-1\",\"port\":81,"
	    "\"tags\":[\"x\"]}");
	assert_int_equal(r.status, 200);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/service/lcsvc", w->consul_token, NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(str(json_array_get(j, 0), "ServiceID"), "lcsvc-1");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j,
	    0), "ServicePort")), 81);
	json_decref(j);
	sim_resp_clear(&r);
	/* registering the same id again replaces it */
	r = call(w, "PUT", "/v1/agent/service/register", w->consul_token,
	    "{\"Name\":\"lcsvc\",\"ID\":\"lcsvc-1\",\"Port\":82}");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/service/lcsvc", w->consul_token, NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j,
	    0), "ServicePort")), 82);
	json_decref(j);
	sim_resp_clear(&r);
	free(a);
	free(b);
	sim_world_free(w);
}

/* Destroying a session that holds a key starts the key's lock-delay. */
static void
test_session_destroy_lock_delay(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	char			*a, *b, *c = NULL, *s, *uri;

	a = session_create(w, "{\"TTL\":\"60s\"}");
	b = session_create(w, "{\"TTL\":\"120s\"}");
	assert_string_equal(put(w, "dl", "acquire", a), "true");
	uri = xasprintf("/v1/session/destroy/%s", a);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	assert_string_equal(r.body, "true");
	sim_resp_clear(&r);
	free(uri);
	assert_string_equal(put(w, "dl", "acquire", b), "false");
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 14000);
	pthread_mutex_unlock(&w->lock);
	assert_string_equal(put(w, "dl", "acquire", b), "false");
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 2000);
	pthread_mutex_unlock(&w->lock);
	assert_string_equal(put(w, "dl", "acquire", b), "true");

	/* a delete session's keys are delayed too, as new keys */
	free(c);
	c = session_create(w, "{\"TTL\":\"60s\",\"Behavior\":\"delete\"}");
	assert_string_equal(put(w, "dk", "acquire", c), "true");
	uri = xasprintf("/v1/session/destroy/%s", c);
	r = call(w, "PUT", uri, w->consul_token, NULL);
	sim_resp_clear(&r);
	free(uri);
	s = kv_session(w, "dk");
	assert_string_equal(s, "<missing>");
	free(s);
	assert_string_equal(put(w, "dk", "acquire", b), "false");
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 16000);
	pthread_mutex_unlock(&w->lock);
	assert_string_equal(put(w, "dk", "acquire", b), "true");
	assert_string_equal(put(w, "dk", "release", b), "true");

	/* a release by the holder itself has no lock-delay */
	assert_string_equal(put(w, "dl", "release", b), "true");
	free(c);
	c = session_create(w, "{\"TTL\":\"60s\"}");
	assert_string_equal(put(w, "dl", "acquire", c), "true");
	free(a);
	free(b);
	free(c);
	sim_world_free(w);
}

/* The node endpoints answer with query metadata, as python-consul needs. */
static void
test_node_endpoints(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e;
	char			*uri;
	size_t			 i, in = 0;

	for (i = 0; i < w->nnodes; i++)
		in += w->nodes[i].in_consul;
	assert_true(in > 0);
	r = call(w, "GET", "/v1/catalog/nodes", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	assert_true(index_of(&r) >= 1);
	assert_string_equal(hdr(&r, "X-Consul-Effective-Consistency"),
	    "leader");
	j = body_json(&r);
	assert_int_equal(json_array_size(j), in + 1);
	assert_string_equal(str(json_array_get(j, 0), "Node"), "consul-01");
	json_decref(j);
	sim_resp_clear(&r);

	uri = xasprintf("/v1/catalog/node/%s?stale", w->nodes[0].name);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	assert_int_equal(r.status, 200);
	assert_true(index_of(&r) >= 1);
	assert_string_equal(hdr(&r, "X-Consul-Effective-Consistency"),
	    "stale");
	j = body_json(&r);
	assert_string_equal(str(json_object_get(j, "Node"), "Node"),
	    w->nodes[0].name);
	assert_non_null(json_object_get(json_object_get(j, "Services"),
	    w->consul_service));
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/node/nope", w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(hdr(&r, "X-Consul-Index"));
	assert_string_equal(r.body, "null");
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/catalog/datacenters", w->consul_token, NULL);
	assert_string_equal(r.body, "[\"dc1\"]");
	sim_resp_clear(&r);

	/* the service's checks: one per node, no serfHealth */
	r = call(w, "GET", "/v1/health/checks/bbb?consistent",
	    w->consul_token, NULL);
	assert_true(index_of(&r) >= 1);
	assert_string_equal(hdr(&r, "X-Consul-Effective-Consistency"),
	    "consistent");
	j = body_json(&r);
	assert_int_equal(json_array_size(j), in);
	json_array_foreach(j, i, e)
		assert_string_equal(str(e, "ServiceName"), "bbb");
	json_decref(j);
	sim_resp_clear(&r);

	uri = xasprintf("/v1/health/node/%s", w->nodes[0].name);
	r = call(w, "GET", uri, w->consul_token, NULL);
	free(uri);
	assert_true(index_of(&r) >= 1);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(str(json_array_get(j, 0), "CheckID"),
	    "serfHealth");
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/health/node/nope", w->consul_token, NULL);
	assert_string_equal(r.body, "[]");
	assert_non_null(hdr(&r, "X-Consul-Index"));
	sim_resp_clear(&r);

	r = call(w, "GET", "/v1/agent/self", w->consul_token, NULL);
	j = body_json(&r);
	assert_string_equal(str(json_object_get(j, "Config"), "Datacenter"),
	    "dc1");
	assert_string_equal(str(json_object_get(j, "Member"), "Name"),
	    "consul-01");
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/agent/self", NULL, NULL);
	is_plain(&r, 403, "Permission denied");
	sim_resp_clear(&r);

	/* no metadata, no consistency header */
	r = call(w, "PUT", "/v1/kv/x", w->consul_token, "1");
	assert_null(hdr(&r, "X-Consul-Effective-Consistency"));
	sim_resp_clear(&r);
	sim_world_free(w);
}

/* One key without a token is denied; a listing is filtered. */
static void
test_kv_anonymous(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;

	r = call(w, "PUT", "/v1/kv/secret/a", w->consul_token, "1");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/secret/a", NULL, NULL);
	is_plain(&r, 403, "Permission denied");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/secret/?recurse", NULL, NULL);
	assert_int_equal(r.status, 404);
	assert_string_equal(hdr(&r, "X-Consul-Results-Filtered-By-ACLs"),
	    "true");
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/kv/secret/a", "wrong", NULL);
	is_plain(&r, 403, "ACL not found");
	sim_resp_clear(&r);
	sim_world_free(w);
}

static void
test_agent_register(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *e;

	r = call(w, "PUT", "/v1/agent/service/register", w->consul_token,
	    "{\"ID\":\"web1\",\"Name\":\"web\",\"Tags\":[\"blue\"],"
	    "\"Address\":\"10.0.0.9\",\"Port\":8080,\"Meta\":{\"v\":\"1\"}}");
	assert_int_equal(r.status, 200);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/services", w->consul_token, NULL);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(j, "web"), 0)), "blue");
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/service/web?tag=blue", w->consul_token,
	    NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	e = json_array_get(j, 0);
	assert_string_equal(str(e, "ServiceID"), "web1");
	assert_string_equal(str(e, "ServiceName"), "web");
	assert_string_equal(str(e, "ServiceAddress"), "10.0.0.9");
	assert_int_equal(json_integer_value(json_object_get(e,
	    "ServicePort")), 8080);
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/service/web?tag=green",
	    w->consul_token, NULL);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	sim_resp_clear(&r);

	r = call(w, "PUT", "/v1/agent/service/register", w->consul_token,
	    "{\"Port\":1}");
	assert_int_equal(r.status, 400);
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/agent/service/register", w->consul_token,
	    "{not json");
	assert_int_equal(r.status, 400);
	sim_resp_clear(&r);

	r = call(w, "PUT", "/v1/agent/service/deregister/web1",
	    w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/catalog/services", w->consul_token, NULL);
	j = body_json(&r);
	assert_null(json_object_get(j, "web"));
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "PUT", "/v1/agent/service/deregister/absent",
	    w->consul_token, NULL);
	assert_int_equal(r.status, 200);
	sim_resp_clear(&r);
	sim_world_free(w);
}

struct blocker {
	struct sim_world	*w;
	char			*uri;
	struct sim_resp		 r;
	int64_t			 ms;
};

static void *
blocker_main(void *arg)
{
	struct blocker	*b = arg;
	int64_t		 t0 = util_mono_ms();

	b->r = call(b->w, "GET", b->uri, b->w->consul_token, NULL);
	b->ms = util_mono_ms() - t0;
	return (NULL);
}

static void
test_blocking(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	struct blocker		 b;
	pthread_t		 t;
	uint64_t		 idx;

	r = call(w, "GET", "/v1/health/service/bbb", w->consul_token, NULL);
	idx = index_of(&r);
	sim_resp_clear(&r);

	/* times out with the same index when nothing changes */
	memset(&b, 0, sizeof b);
	b.w = w;
	b.uri = xasprintf("/v1/health/service/bbb?index=%llu&wait=300ms",
	    (unsigned long long)idx);
	pthread_create(&t, NULL, blocker_main, &b);
	pthread_join(t, NULL);
	assert_int_equal(b.r.status, 200);
	assert_true(b.ms >= 300);
	assert_true(b.ms < 3000);
	assert_int_equal(index_of(&b.r), idx);
	sim_resp_clear(&b.r);
	free(b.uri);

	/* returns early when the service changes */
	memset(&b, 0, sizeof b);
	b.w = w;
	b.uri = xasprintf("/v1/health/service/bbb?index=%llu&wait=20s",
	    (unsigned long long)idx);
	pthread_create(&t, NULL, blocker_main, &b);
	usleep(200 * 1000);
	/* a KV write does not wake it for good: the index it waits on
	 * does not move */
	r = call(w, "PUT", "/v1/kv/unrelated", w->consul_token, "x");
	sim_resp_clear(&r);
	usleep(100 * 1000);
	pthread_mutex_lock(&w->lock);
	w->nodes[2].consul_passing = false;
	sim_world_changed(w);
	w->nodes[2].consul_modify_index = w->index;
	pthread_mutex_unlock(&w->lock);
	pthread_join(t, NULL);
	assert_int_equal(b.r.status, 200);
	assert_true(b.ms >= 250);
	assert_true(b.ms < 10000);
	assert_true(index_of(&b.r) > idx);
	sim_resp_clear(&b.r);
	free(b.uri);

	/* shutdown releases a waiter */
	memset(&b, 0, sizeof b);
	b.w = w;
	r = call(w, "GET", "/v1/kv/unrelated", w->consul_token, NULL);
	b.uri = xasprintf("/v1/kv/unrelated?index=%llu&wait=10m",
	    (unsigned long long)index_of(&r));
	sim_resp_clear(&r);
	pthread_create(&t, NULL, blocker_main, &b);
	usleep(100 * 1000);
	sim_world_shutdown(w);
	pthread_join(t, NULL);
	assert_true(b.ms < 5000);
	sim_resp_clear(&b.r);
	free(b.uri);
	sim_world_free(w);
}

static void
test_health_state(void **state)
{
	struct sim_world	*w = world();
	struct sim_resp		 r;
	json_t			*j, *c;
	size_t			 i;

	pthread_mutex_lock(&w->lock);
	w->nodes[3].consul_passing = false;
	pthread_mutex_unlock(&w->lock);
	r = call(w, "GET", "/v1/health/state/critical", w->consul_token,
	    NULL);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_int_equal(json_array_size(j), 1);
	json_array_foreach(j, i, c) {
		assert_string_equal(str(c, "Status"), "critical");
		assert_string_equal(str(c, "Node"), w->nodes[3].name);
	}
	json_decref(j);
	sim_resp_clear(&r);
	r = call(w, "GET", "/v1/health/state/bogus", w->consul_token, NULL);
	assert_int_equal(r.status, 400);
	sim_resp_clear(&r);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_services),
		cmocka_unit_test(test_health_service),
		cmocka_unit_test(test_catalog_service),
		cmocka_unit_test(test_renderings_agree),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_acl_off),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_session_lock),
		cmocka_unit_test(test_session_ttl),
		cmocka_unit_test(test_session_delete_behavior),
		cmocka_unit_test(test_session_lowercase),
		cmocka_unit_test(test_session_destroy_lock_delay),
		cmocka_unit_test(test_node_endpoints),
		cmocka_unit_test(test_kv_anonymous),
		cmocka_unit_test(test_agent_register),
		cmocka_unit_test(test_blocking),
		cmocka_unit_test(test_health_state),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
