/*
 * test-sim-rancher.c: the simulated Rancher 1.6 API (v2-beta) against its
 * wire format (apis.md §1): basic auth and the 401 error, collections
 * with pagination and filters, resources with links and actions, the
 * X-Api-Schemas header, the host agentState quirk, and the service
 * upgrade / finishupgrade / rollback state machine.
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
	char			*auth;		/* "Authorization: Basic ..." */
	const char		*hdr[3];
	struct sim_resp		 r;
};

static int
setup(void **state)
{
	struct ctx	*c;
	unsigned char	 out[256];
	char		*plain;
	size_t		 i;

	c = xcalloc(1, sizeof *c);
	c->w = sim_world_new(3, 7, 1.0, "default");
	assert_non_null(c->w);
	snprintf(c->w->rancher_access, sizeof c->w->rancher_access,
	    "4A1B2C3D4E5F60718293");
	snprintf(c->w->rancher_secret, sizeof c->w->rancher_secret,
	    "s3cr3tKeyForTheRancherApi");
	for (i = 0; i < c->w->nnodes; i++) {
		c->w->nodes[i].up = c->w->nodes[i].bbb_api_ok = true;
		c->w->nodes[i].exporter_up = true;
		c->w->nodes[i].rancher_degraded = false;
		c->w->nodes[i].agent_state[0] = '\0';
		snprintf(c->w->nodes[i].host_state,
		    sizeof c->w->nodes[i].host_state, "active");
	}
	c->w->nodes[1].rancher_degraded = true;
	plain = xasprintf("%s:%s", c->w->rancher_access,
	    c->w->rancher_secret);
	EVP_EncodeBlock(out, (unsigned char *)plain, (int)strlen(plain));
	c->auth = xasprintf("Authorization: Basic %s", out);
	free(plain);
	c->hdr[0] = c->auth;
	c->hdr[1] = "Content-Type: application/json";
	c->hdr[2] = NULL;
	c->r.status = 200;
	*state = c;
	return (0);
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	sim_resp_clear(&c->r);
	sim_world_free(c->w);
	free(c->auth);
	free(c);
	return (0);
}

/* Call and parse; the schemas header must be on every answer. */
static json_t *
rq(struct ctx *c, const char *method, const char *path, const char *query,
    const char *body, int status)
{
	json_error_t	 err;
	json_t		*j;

	st_call(c->w, sim_rancher_handle, SIM_RANCHER, method, path, query,
	    body, c->hdr, &c->r);
	assert_int_equal(c->r.status, status);
	assert_non_null(strstr(c->r.content_type, "application/json"));
	assert_non_null(st_resp_header(&c->r, "X-Api-Schemas"));
	j = json_loadb(c->r.body, c->r.len, 0, &err);
	assert_non_null(j);
	return (j);
}

static const char *
str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return (json_string_value(v));
}

static void
assert_error(json_t *j, int status, const char *code)
{
	assert_string_equal(str(j, "type"), "error");
	assert_int_equal(json_integer_value(json_object_get(j, "status")),
	    status);
	assert_string_equal(str(j, "code"), code);
	assert_true(json_is_string(json_object_get(j, "id")));
	assert_true(json_is_object(json_object_get(j, "links")));
	assert_true(json_is_object(json_object_get(j, "actions")));
	assert_non_null(json_object_get(j, "message"));
	assert_non_null(json_object_get(j, "detail"));
}

/* Every resource: id, type, links.self, actions, state, created(TS). */
static void
assert_resource(json_t *o, const char *type)
{
	const char	*created;

	assert_true(json_is_object(o));
	assert_string_equal(str(o, "type"), type);
	assert_true(json_is_string(json_object_get(o, "id")));
	assert_true(json_is_string(json_object_get(json_object_get(o,
	    "links"), "self")));
	assert_true(json_is_object(json_object_get(o, "actions")));
	assert_true(json_is_string(json_object_get(o, "state")));
	created = str(o, "created");
	/* yyyy-MM-ddTHH:mm:ssZ */
	assert_int_equal(strlen(created), 20);
	assert_int_equal(created[10], 'T');
	assert_int_equal(created[19], 'Z');
	assert_true(json_is_integer(json_object_get(o, "createdTS")));
	assert_non_null(json_object_get(o, "transitioning"));
}

static void
assert_collection(json_t *j, const char *rtype)
{
	json_t	*p;

	assert_string_equal(str(j, "type"), "collection");
	assert_string_equal(str(j, "resourceType"), rtype);
	assert_true(json_is_array(json_object_get(j, "data")));
	assert_true(json_is_object(json_object_get(j, "links")));
	assert_true(json_is_object(json_object_get(j, "filters")));
	p = json_object_get(j, "pagination");
	assert_true(json_is_object(p));
	assert_true(json_is_integer(json_object_get(p, "limit")));
	assert_true(json_is_boolean(json_object_get(p, "partial")));
}

static json_t *
find_by(json_t *data, const char *key, const char *value)
{
	json_t	*o;
	size_t	 i;

	json_array_foreach(data, i, o) {
		if (json_is_string(json_object_get(o, key)) &&
		    strcmp(json_string_value(json_object_get(o, key)),
		    value) == 0)
			return (o);
	}
	return (NULL);
}

static void
test_auth(void **state)
{
	struct ctx	*c = *state;
	const char	*none[] = { NULL };
	const char	*bad[] = { "Authorization: Basic "
	    "NEExQjJDM0Q0RTVGNjA3MTgyOTM6d3Jvbmc=", NULL };
	const char	*hdr[] = { "Authorization: Basic !!!!", NULL };
	json_t		*j;
	size_t		 k;

	for (k = 0; k < 3; k++) {
		const char **h = k == 0 ? none : k == 1 ? bad : hdr;

		st_call(c->w, sim_rancher_handle, SIM_RANCHER, "GET",
		    "/v2-beta/projects/1a5/stacks", "", NULL, h, &c->r);
		assert_int_equal(c->r.status, 401);
		assert_non_null(st_resp_header(&c->r, "X-Api-Schemas"));
		j = json_loads(c->r.body, 0, NULL);
		assert_non_null(j);
		assert_error(j, 401, "Unauthorized");
		json_decref(j);
	}

	j = rq(c, "GET", "/v2-beta", "", NULL, 200);
	assert_string_equal(str(j, "type"), "apiVersion");
	assert_true(json_is_string(json_object_get(json_object_get(j, "links"),
	    "projects")));
	json_decref(j);

	j = rq(c, "GET", "/v2-beta/projects", "", NULL, 200);
	assert_collection(j, "project");
	assert_string_equal(str(json_array_get(json_object_get(j, "data"), 0),
	    "id"), "1a5");
	json_decref(j);

	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks/1st999999", "", NULL,
	    404);
	assert_error(j, 404, "NotFound");
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/projects/1a5/nonsense", "", NULL, 404);
	assert_error(j, 404, "NotFound");
	json_decref(j);
}

static void
test_stacks_and_services(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *data, *s, *svc, *e;
	const char	*names[] = { "bbb-greenlight", "bbb-scalelite",
	    "consul", "metrics" };
	size_t		 i;
	char		*path;

	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks", "", NULL, 200);
	assert_collection(j, "stack");
	data = json_object_get(j, "data");
	json_array_foreach(data, i, s) {
		assert_resource(s, "stack");
		assert_true(json_is_array(json_object_get(s, "serviceIds")));
		assert_true(json_is_string(json_object_get(s, "healthState")));
	}
	/* A stack per node, named as the node, and the infrastructure. */
	for (i = 0; i < c->w->nnodes; i++) {
		s = find_by(data, "name", c->w->nodes[i].name);
		assert_non_null(s);
		assert_string_equal(str(s, "state"), "active");
		assert_string_equal(str(s, "healthState"),
		    i == 1 ? "degraded" : "healthy");
		assert_int_equal(json_array_size(json_object_get(s,
		    "serviceIds")), 3);
		assert_non_null(json_object_get(json_object_get(s, "actions"),
		    "exportconfig"));
	}
	for (i = 0; i < nitems(names); i++)
		assert_non_null(find_by(data, "name", names[i]));
	s = find_by(data, "name", c->w->nodes[0].name);

	/* The stack's services through its link, then by filter. */
	path = xasprintf("/v2-beta/projects/1a5/stacks/%s/services",
	    str(s, "id"));
	e = rq(c, "GET", path, "", NULL, 200);
	free(path);
	assert_collection(e, "service");
	assert_int_equal(json_array_size(json_object_get(e, "data")), 3);
	svc = find_by(json_object_get(e, "data"), "name", "bbb");
	assert_non_null(svc);
	assert_resource(svc, "service");
	assert_string_equal(str(svc, "stackId"), str(s, "id"));
	assert_true(json_is_integer(json_object_get(svc, "scale")));
	assert_true(json_is_integer(json_object_get(svc, "currentScale")));
	assert_true(json_is_object(json_object_get(svc, "launchConfig")));
	assert_int_equal(strncmp(str(json_object_get(svc, "launchConfig"),
	    "imageUuid"), "docker:", 7), 0);
	assert_non_null(json_object_get(json_object_get(svc, "actions"),
	    "upgrade"));
	assert_null(json_object_get(json_object_get(svc, "actions"),
	    "finishupgrade"));
	assert_non_null(find_by(json_object_get(e, "data"), "kind",
	    "loadBalancerService"));
	json_decref(e);

	path = xasprintf("name=bbb&stackId=%s", str(s, "id"));
	e = rq(c, "GET", "/v2-beta/services", path, NULL, 200);
	free(path);
	assert_int_equal(json_array_size(json_object_get(e, "data")), 1);
	/* the applied filter is echoed */
	assert_true(json_is_array(json_object_get(json_object_get(e,
	    "filters"), "name")));
	json_decref(e);
	json_decref(j);

	/* Filter modifiers; an unknown filter field is ignored. */
	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks", "name_prefix=bbb-0",
	    NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")),
	    c->w->nnodes);
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks",
	    "healthState=degraded", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	assert_string_equal(str(json_array_get(json_object_get(j, "data"), 0),
	    "name"), c->w->nodes[1].name);
	json_decref(j);
	/* ne: the degraded one and ssh-keys (started-once) */
	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks",
	    "healthState_ne=healthy", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 2);
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks",
	    "name_like=bbb-%25lite&bogus=1", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	assert_string_equal(str(json_array_get(json_object_get(j, "data"), 0),
	    "name"), "bbb-scalelite");
	json_decref(j);

	/* exportconfig answers a composeConfig. */
	j = rq(c, "GET", "/v2-beta/projects/1a5/stacks", "name=bbb-01", NULL,
	    200);
	path = xasprintf("/v2-beta/projects/1a5/stacks/%s",
	    str(json_array_get(json_object_get(j, "data"), 0), "id"));
	json_decref(j);
	j = rq(c, "POST", path, "action=exportconfig", "{}", 200);
	free(path);
	assert_string_equal(str(j, "type"), "composeConfig");
	assert_non_null(strstr(str(j, "dockerComposeConfig"), "image: "));
	assert_non_null(strstr(str(j, "rancherComposeConfig"), "scale: 1"));
	json_decref(j);
}

static void
test_pagination(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *p, *o, *seen;
	const char	*next, *q;
	char		*query;
	size_t		 i, total = 0, pages = 0, all;

	j = rq(c, "GET", "/v2-beta/projects/1a5/containers", "", NULL, 200);
	assert_collection(j, "container");
	all = json_array_size(json_object_get(j, "data"));
	assert_true(all > 5);
	assert_false(json_is_true(json_object_get(json_object_get(j,
	    "pagination"), "partial")));
	json_array_foreach(json_object_get(j, "data"), i, o) {
		assert_resource(o, "container");
		assert_true(json_is_string(json_object_get(o, "hostId")));
		assert_true(json_is_array(json_object_get(o, "serviceIds")));
	}
	json_decref(j);

	seen = json_object();
	query = xstrdup("limit=2");
	for (;;) {
		j = rq(c, "GET", "/v2-beta/projects/1a5/containers", query,
		    NULL, 200);
		free(query);
		p = json_object_get(j, "pagination");
		assert_int_equal(json_integer_value(json_object_get(p,
		    "limit")), 2);
		json_array_foreach(json_object_get(j, "data"), i, o) {
			assert_null(json_object_get(seen, str(o, "id")));
			json_object_set_new(seen, str(o, "id"), json_true());
			total++;
		}
		pages++;
		if (!json_is_true(json_object_get(p, "partial"))) {
			assert_true(json_is_null(json_object_get(p, "next")));
			json_decref(j);
			break;
		}
		next = str(p, "next");
		q = strchr(next, '?');
		assert_non_null(q);
		assert_non_null(strstr(q, "marker=m"));
		query = xstrdup(q + 1);
		json_decref(j);
		assert_true(pages < 100);
	}
	assert_int_equal(total, all);
	assert_int_equal(pages, (all + 1) / 2);
	json_decref(seen);

	/* A plain page and a filtered listing agree on rows and order. */
	j = rq(c, "GET", "/v2-beta/projects/1a5/containers", "limit=1000",
	    NULL, 200);
	p = rq(c, "GET", "/v2-beta/projects/1a5/containers",
	    "limit=1000&name_notnull=", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")),
	    json_array_size(json_object_get(p, "data")));
	json_array_foreach(json_object_get(j, "data"), i, o)
		assert_string_equal(str(o, "id"), str(json_array_get(
		    json_object_get(p, "data"), i), "id"));
	json_decref(p);
	json_decref(j);

	/* limit is clamped, not refused */
	j = rq(c, "GET", "/v2-beta/projects/1a5/containers", "limit=999999",
	    NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "pagination"), "limit")), 3000);
	json_decref(j);
}

static void
test_hosts(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *h, *data;
	char		*path;
	size_t		 i;

	j = rq(c, "GET", "/v2-beta/projects/1a5/hosts", "", NULL, 200);
	assert_collection(j, "host");
	data = json_object_get(j, "data");
	assert_int_equal(json_array_size(data), c->w->nnodes + 1);
	json_array_foreach(data, i, h) {
		assert_resource(h, "host");
		assert_true(json_is_string(json_object_get(h, "hostname")));
		assert_true(json_is_object(json_object_get(h, "info")));
	}
	for (i = 0; i < c->w->nnodes; i++) {
		h = find_by(data, "id", c->w->nodes[i].host_id);
		assert_non_null(h);
		assert_string_equal(str(h, "hostname"), c->w->nodes[i].fqdn);
		assert_string_equal(str(h, "state"), "active");
		assert_true(json_is_null(json_object_get(h, "agentState")));
	}
	json_decref(j);

	/* A disconnected agent shows as the host's state ... */
	snprintf(c->w->nodes[2].agent_state, sizeof c->w->nodes[2].agent_state,
	    "disconnected");
	path = xasprintf("/v2-beta/projects/1a5/hosts/%s",
	    c->w->nodes[2].host_id);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "disconnected");
	assert_string_equal(str(j, "agentState"), "disconnected");
	json_decref(j);
	/* ... but filters see the stored state. */
	j = rq(c, "GET", "/v2-beta/hosts", "state=active", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")),
	    c->w->nnodes + 1);
	assert_non_null(find_by(json_object_get(j, "data"), "state",
	    "disconnected"));
	json_decref(j);
	c->w->nodes[2].agent_state[0] = '\0';

	/* Not removable while active: deactivate first. */
	j = rq(c, "POST", path, "action=remove", NULL, 409);
	assert_error(j, 409, "Conflict");
	json_decref(j);
	j = rq(c, "DELETE", path, "", NULL, 405);
	json_decref(j);
	j = rq(c, "POST", path, "action=deactivate", NULL, 202);
	assert_string_equal(str(j, "state"), "deactivating");
	assert_string_equal(str(j, "transitioning"), "yes");
	json_decref(j);
	sim_world_advance(c->w, 5000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "inactive");
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "remove"));
	assert_null(json_object_get(json_object_get(j, "actions"),
	    "deactivate"));
	json_decref(j);
	j = rq(c, "DELETE", path, "", NULL, 202);
	assert_string_equal(str(j, "state"), "removing");
	json_decref(j);
	sim_world_advance(c->w, 5000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "removed");
	assert_true(json_is_string(json_object_get(j, "removed")));
	json_decref(j);
	free(path);
}

static json_t *
bbb_service(struct ctx *c, size_t node)
{
	json_t	*j, *s;
	char	*q;

	q = xasprintf("name=%s", c->w->nodes[node].name);
	j = rq(c, "GET", "/v2-beta/stacks", q, NULL, 200);
	free(q);
	q = xasprintf("name=bbb&stackId=%s",
	    str(json_array_get(json_object_get(j, "data"), 0), "id"));
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/services", q, NULL, 200);
	free(q);
	s = json_incref(json_array_get(json_object_get(j, "data"), 0));
	json_decref(j);
	assert_non_null(s);
	return (s);
}

static void
test_upgrade(void **state)
{
	struct ctx	*c = *state;
	json_t		*s, *j, *up;
	char		*path;
	const char	*body = "{\"inServiceStrategy\":{\"batchSize\":1,"
	    "\"intervalMillis\":2000,\"startFirst\":false,\"launchConfig\":"
	    "{\"imageUuid\":\"docker:bigbluebutton/bigbluebutton:v2.7.13\"}}}";

	s = bbb_service(c, 0);
	path = xasprintf("/v2-beta/projects/1a5/services/%s", str(s, "id"));
	json_decref(s);

	/* Input rules. */
	j = rq(c, "POST", path, "action=upgrade", "{}", 422);
	assert_error(j, 422, "MissingRequired");
	json_decref(j);
	j = rq(c, "POST", path, "action=upgrade",
	    "{\"inServiceStrategy\":{\"batchSize\":1}}", 422);
	assert_error(j, 422, "InvalidOption");
	json_decref(j);
	j = rq(c, "POST", path, "action=finishupgrade", NULL, 409);
	json_decref(j);

	/* upgrading -> upgraded; the node is down meanwhile. */
	c->w->nodes[0].up = true;
	j = rq(c, "POST", path, "action=upgrade", body, 202);
	assert_string_equal(str(j, "state"), "upgrading");
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "rollback"));
	assert_null(json_object_get(json_object_get(j, "actions"),
	    "finishupgrade"));
	assert_string_equal(str(json_object_get(j, "launchConfig"),
	    "imageUuid"), "docker:bigbluebutton/bigbluebutton:v2.7.13");
	up = json_object_get(json_object_get(j, "upgrade"),
	    "inServiceStrategy");
	assert_true(json_is_object(json_object_get(up,
	    "previousLaunchConfig")));
	assert_string_equal(str(json_object_get(up, "previousLaunchConfig"),
	    "imageUuid"), "docker:bigbluebutton/bigbluebutton:v2.7.12");
	json_decref(j);
	assert_false(c->w->nodes[0].up);

	sim_world_advance(c->w, 60000);
	assert_true(c->w->nodes[0].up);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "upgraded");
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "finishupgrade"));
	json_decref(j);

	j = rq(c, "POST", path, "action=finishupgrade", NULL, 202);
	assert_string_equal(str(j, "state"), "finishing-upgrade");
	json_decref(j);
	sim_world_advance(c->w, 60000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "active");
	assert_string_equal(str(j, "healthState"), "healthy");
	json_decref(j);

	/* Upgrade again, then roll back to the previous image. */
	j = rq(c, "POST", path, "action=upgrade", "{\"inServiceStrategy\":"
	    "{\"launchConfig\":{\"imageUuid\":\"docker:bad:1\"}}}", 202);
	json_decref(j);
	sim_world_advance(c->w, 60000);
	j = rq(c, "POST", path, "action=rollback", NULL, 202);
	assert_string_equal(str(j, "state"), "rolling-back");
	json_decref(j);
	sim_world_advance(c->w, 60000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "active");
	assert_string_equal(str(json_object_get(j, "launchConfig"),
	    "imageUuid"), "docker:bigbluebutton/bigbluebutton:v2.7.13");
	json_decref(j);

	/* restart needs its strategy */
	j = rq(c, "POST", path, "action=restart", "{}", 422);
	json_decref(j);
	j = rq(c, "POST", path, "action=restart", "{\"rollingRestartStrategy\":"
	    "{\"batchSize\":1,\"intervalMillis\":2000}}", 202);
	assert_string_equal(str(j, "state"), "restarting");
	json_decref(j);
	j = rq(c, "POST", path, "action=nosuchaction", NULL, 404);
	json_decref(j);
	free(path);
}

static void
test_scale_and_tokens(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *s;
	char		*path;

	j = rq(c, "GET", "/v2-beta/services", "name=greenlight", NULL, 200);
	s = json_array_get(json_object_get(j, "data"), 0);
	path = xasprintf("/v2-beta/projects/1a5/services/%s", str(s, "id"));
	json_decref(j);
	j = rq(c, "PUT", path, "", "{\"scale\":3}", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "scale")), 3);
	assert_string_equal(str(j, "state"), "updating-active");
	json_decref(j);
	sim_world_advance(c->w, 10000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "active");
	assert_int_equal(json_integer_value(json_object_get(j,
	    "currentScale")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "instanceIds")),
	    3);
	json_decref(j);
	j = rq(c, "PUT", path, "", "{\"scale\":\"many\"}", 422);
	json_decref(j);
	free(path);

	j = rq(c, "GET", "/v2-beta/projects/1a5/registrationtokens", "", NULL,
	    200);
	assert_collection(j, "registrationToken");
	s = json_array_get(json_object_get(j, "data"), 0);
	assert_resource(s, "registrationToken");
	assert_int_equal(strncmp(str(s, "command"), "sudo docker run --rm "
	    "--privileged", 33), 0);
	assert_non_null(strstr(str(s, "command"), str(s, "registrationUrl")));
	assert_non_null(strstr(str(s, "registrationUrl"), str(s, "token")));
	json_decref(j);
	j = rq(c, "POST", "/v2-beta/projects/1a5/registrationtokens", "", "{}",
	    201);
	assert_string_equal(str(j, "state"), "registering");
	path = xasprintf("/v2-beta/projects/1a5/registrationtokens/%s",
	    str(j, "id"));
	json_decref(j);

	/*
	 * Its life (apis.md 1.7, cattle's default processes): active;
	 * remove refused while active; deactivate -> inactive; remove ->
	 * removed, still readable by id; the actions offered follow.
	 */
	sim_world_advance(c->w, 5000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "active");
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "deactivate"));
	assert_null(json_object_get(json_object_get(j, "actions"), "remove"));
	json_decref(j);
	j = rq(c, "POST", path, "action=remove", NULL, 409);
	json_decref(j);
	j = rq(c, "POST", path, "action=deactivate", NULL, 202);
	assert_string_equal(str(j, "state"), "deactivating");
	json_decref(j);
	sim_world_advance(c->w, 5000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "inactive");
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "remove"));
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/projects/1a5/registrationtokens",
	    "state=active", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);
	j = rq(c, "POST", path, "action=remove", NULL, 202);
	assert_string_equal(str(j, "state"), "removing");
	json_decref(j);
	sim_world_advance(c->w, 5000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "removed");
	assert_true(json_is_string(json_object_get(j, "removed")));
	assert_non_null(json_object_get(json_object_get(j, "actions"),
	    "purge"));
	json_decref(j);
	j = rq(c, "POST", path, "action=frob", NULL, 404);
	json_decref(j);
	free(path);
}

/* A new VM is no Rancher host until its agent registers. */
static void
test_new_node(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *h;
	size_t		 i, n, before;
	char		*q;

	j = rq(c, "GET", "/v2-beta/hosts", "", NULL, 200);
	before = json_array_size(json_object_get(j, "data"));
	json_decref(j);
	i = sim_world_add_node(c->w);
	j = rq(c, "GET", "/v2-beta/hosts", "", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), before);
	json_decref(j);
	q = xasprintf("name=%s", c->w->nodes[i].name);
	j = rq(c, "GET", "/v2-beta/stacks", q, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
	json_decref(j);

	/* Registered: its host, its stack, the global services on it. */
	snprintf(c->w->nodes[i].host_id, sizeof c->w->nodes[i].host_id,
	    "1h%zu", i + 1);
	j = rq(c, "GET", "/v2-beta/hosts", "", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")),
	    before + 1);
	h = find_by(json_object_get(j, "data"), "id", c->w->nodes[i].host_id);
	assert_non_null(h);
	assert_string_equal(str(h, "hostname"), c->w->nodes[i].fqdn);
	n = json_array_size(json_object_get(h, "instanceIds"));
	/* bbb, bbb-exporter, lb; global: node/process exporters, ssh keys */
	assert_int_equal(n, 6);
	json_decref(j);
	j = rq(c, "GET", "/v2-beta/stacks", q, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);
	free(q);
}


/* sim-compose.c: what the simulated Rancher reads of a compose file. */
static void
test_compose(void **state)
{
	struct sim_compose_svc	*sv;
	json_t			*env;
	char			*cause = NULL, *s;
	const char		*bad;
	size_t			 n;
	static const char	 list[] = "version: '2'\nservices:\n"
	    "  web:\n    image: nginx:${TAG}\n    labels:\n"
	    "      - io.rancher.scheduler.affinity:host_label=bbbnode=$NODE\n"
	    "  db:\n    image: postgres\n";

	(void)state;
	env = json_pack("{s:s, s:s}", "TAG", "1.25", "NODE", "bbb-09");
	s = sim_compose_interpolate("a ${TAG} $$ $NODE ${NOPE}.", 27, env);
	assert_string_equal(s, "a 1.25 $ bbb-09 .");
	free(s);
	assert_int_equal(sim_compose_parse(list, strlen(list), env, &sv, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(sv[0].name, "web");
	assert_string_equal(sv[0].image, "nginx:1.25");
	assert_string_equal(sv[0].host_label, "bbbnode=bbb-09");
	assert_string_equal(sv[1].name, "db");
	assert_null(sv[1].host_label);
	sim_compose_free(sv, n);

	bad = "services:\n  a:\n    ports: []\n";
	assert_int_equal(sim_compose_parse(bad, strlen(bad), env, &sv, &n,
	    &cause), -1);
	assert_non_null(strstr(cause, "service a has no image"));
	free(cause);
	cause = NULL;
	assert_int_equal(sim_compose_parse("version: 2\n", 11, env, &sv, &n,
	    &cause), -1);
	assert_non_null(strstr(cause, "no services"));
	free(cause);
	cause = NULL;
	assert_int_equal(sim_compose_parse("services:\n  a: [\n", 17, env,
	    &sv, &n, &cause), -1);
	assert_non_null(strstr(cause, "line "));
	free(cause);
	json_decref(env);
}

static char *
read_data(const char *rel)
{
	const char	*top = getenv("top_srcdir");
	char		*path, *buf;
	FILE		*f;
	long		 len;

	path = xasprintf("%s/%s", top != NULL ? top : ".", rel);
	f = fopen(path, "r");
	assert_non_null(f);
	free(path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return (buf);
}

/*
 * Scale out: a new VM boots; its user_data registers its host when it
 * holds an active token's URL; POST /stacks with the shipped compose
 * files puts the stack on that host by its label, activating -> active,
 * and BBB comes up; the stack removed takes it down; the host goes
 * deactivate -> remove -> purge.
 */
static void
test_scale_out_node(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *t, *h, *body;
	char		*ud, *dc, *rcomp, *path, *q, *txt;
	size_t		 i;
	struct sim_node	*n;

	i = sim_world_add_node(c->w);
	n = &c->w->nodes[i];
	n->scaled = true;
	snprintf(n->vm_status, sizeof n->vm_status, "ACTIVE");

	assert_int_equal(sim_rancher_boot(c->w, i, "#cloud-config\n"), -1);
	assert_string_equal(n->host_id, "");
	j = rq(c, "GET", "/v2-beta/projects/1a5/registrationtokens",
	    "state=active", NULL, 200);
	t = json_array_get(json_object_get(j, "data"), 0);
	ud = xasprintf("runcmd:\n  - [ sh, -c, \"docker run -e "
	    "CATTLE_HOST_LABELS='bbbnode=%s&role=bbb' rancher/agent %s\" ]\n",
	    n->name, str(t, "registrationUrl"));
	json_decref(j);
	assert_int_equal(sim_rancher_boot(c->w, i, ud), 0);
	free(ud);
	n = &c->w->nodes[i];
	assert_string_equal(n->host_state, "registering");
	sim_world_advance(c->w, 3000);
	path = xasprintf("/v2-beta/projects/1a5/hosts/%s", n->host_id);
	h = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(h, "state"), "active");
	assert_string_equal(str(json_object_get(h, "labels"), "bbbnode"),
	    n->name);
	json_decref(h);
	q = xasprintf("name=%s", n->name);
	j = rq(c, "GET", "/v2-beta/stacks", q, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
	json_decref(j);

	dc = read_data("data/stacks/bbb-node/docker-compose.yml");
	rcomp = read_data("data/stacks/bbb-node/rancher-compose.yml");
	body = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:b}",
	    "name", n->name, "dockerCompose", dc, "rancherCompose", rcomp,
	    "environment", "NODE", n->name, "BBB_DOMAIN", "x.example.org",
	    "BBB_SECRET", "s", "BBB_IMAGE", "bigbluebutton/bbb:2.7",
	    "startOnCreate", 1);
	txt = json_dumps(body, JSON_COMPACT);
	j = rq(c, "POST", "/v2-beta/projects/1a5/stacks", "", txt, 201);
	assert_string_equal(str(j, "state"), "activating");
	json_decref(j);
	/* the same name again: NotUnique */
	j = rq(c, "POST", "/v2-beta/projects/1a5/stacks", "", txt, 422);
	assert_error(j, 422, "NotUnique");
	json_decref(j);
	free(txt);
	json_decref(body);
	assert_false(c->w->nodes[i].up);
	sim_world_advance(c->w, 3000);
	j = rq(c, "GET", "/v2-beta/stacks", q, NULL, 200);
	t = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(str(t, "state"), "active");
	assert_string_equal(str(t, "healthState"), "healthy");
	assert_int_equal(json_array_size(json_object_get(t, "serviceIds")), 3);
	free(path);
	path = xasprintf("/v2-beta/projects/1a5/stacks/%s", str(t, "id"));
	txt = xasprintf("stackId=%s&name=bbb", str(t, "id"));
	json_decref(j);
	assert_true(c->w->nodes[i].up);
	/* the environment interpolated: the image, the host by its label */
	j = rq(c, "GET", "/v2-beta/services", txt, NULL, 200);
	free(txt);
	h = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(str(json_object_get(h, "launchConfig"),
	    "imageUuid"), "docker:bigbluebutton/bbb:2.7");
	json_decref(j);

	/* a stack pinned to a label no host has waits */
	body = json_pack("{s:s, s:s}", "name", "stray", "dockerCompose",
	    "services:\n  a:\n    image: x\n    labels:\n      "
	    "io.rancher.scheduler.affinity:host_label: bbbnode=none\n");
	txt = json_dumps(body, JSON_COMPACT);
	j = rq(c, "POST", "/v2-beta/projects/1a5/stacks", "", txt, 201);
	free(txt);
	json_decref(body);
	json_decref(j);
	sim_world_advance(c->w, 10000);
	j = rq(c, "GET", "/v2-beta/stacks", "name=stray", NULL, 200);
	assert_string_equal(str(json_array_get(json_object_get(j, "data"), 0),
	    "state"), "activating");
	json_decref(j);

	/* removed: BBB goes */
	j = rq(c, "DELETE", path, "", NULL, 202);
	assert_string_equal(str(j, "state"), "removing");
	json_decref(j);
	sim_world_advance(c->w, 3000);
	j = rq(c, "GET", path, "", NULL, 200);
	assert_string_equal(str(j, "state"), "removed");
	json_decref(j);
	assert_false(c->w->nodes[i].up);
	free(path);

	path = xasprintf("/v2-beta/projects/1a5/hosts/%s",
	    c->w->nodes[i].host_id);
	j = rq(c, "POST", path, "action=remove", NULL, 409);
	json_decref(j);
	j = rq(c, "POST", path, "action=deactivate", NULL, 202);
	json_decref(j);
	sim_world_advance(c->w, 3000);
	j = rq(c, "POST", path, "action=remove", NULL, 202);
	json_decref(j);
	sim_world_advance(c->w, 3000);
	j = rq(c, "POST", path, "action=purge", NULL, 202);
	json_decref(j);
	sim_world_advance(c->w, 3000);
	assert_string_equal(c->w->nodes[i].host_state, "purged");
	free(path);
	free(q);
	free(dc);
	free(rcomp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stacks_and_services,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagination, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_and_tokens, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_node, setup,
		    teardown),
		cmocka_unit_test(test_compose),
		cmocka_unit_test_setup_teardown(test_scale_out_node, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
