/*
 * sim-consul.c: the consul HTTP API v1 (apis.md §3).
 *
 * The catalog is the world's nodes (one consul node per BBB node, each
 * with the service world->consul_service and two checks: serfHealth and
 * the service check) plus one server node "consul-01" with the service
 * "consul" and whatever was registered through the agent API.  KV and
 * sessions live here (world->consul).  Errors are plain text, as consul
 * gives them.  Blocking queries wait on the world's condition variable
 * with the lock released.
 *
 * ACLs: when world->consul_token is set, ?token= (first), X-Consul-Token
 * or "Authorization: Bearer" must carry it.  A wrong token gets 403 "ACL
 * not found"; no token is the anonymous token, which may not write (403
 * "Permission denied") and reads nothing (lists filtered to empty, with
 * X-Consul-Results-Filtered-By-ACLs: true; one KV key and agent/self are
 * 403 "Permission denied").
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

#define CONSUL_DC		"dc1"
#define CONSUL_SERVER_NODE	"consul-01"
#define CONSUL_SERVER_ADDR	"10.20.255.1"
#define CONSUL_SERVER_ID	"5a3c7c1e-2b9d-4f0e-8c41-0d1f6b7a9e01"
#define CONSUL_VERSION		"1.7.14"
#define CONSUL_WAIT_DEFAULT_MS	(5 * 60 * 1000)
#define CONSUL_WAIT_MAX_MS	(10 * 60 * 1000)
#define CONSUL_KV_MAX		(512 * 1024)
/* sessions expire after 2 x TTL, as consul's timers */
#define CONSUL_TTL_MULTIPLIER	2
#define CONSUL_LOCK_DELAY_MS	15000

struct consul_kv {
	char		*key;
	char		*value;		/* NULL = null */
	size_t		 len;
	uint64_t	 flags;
	uint64_t	 create_index;
	uint64_t	 modify_index;
	uint64_t	 lock_index;
	char		 session[40];	/* "" when not locked */
	int64_t		 lock_delay_until; /* rt_ms */
};

struct consul_session {
	char		 id[40];
	char		*name;
	char		 node[64];
	int64_t		 lock_delay_ms;
	bool		 delete;	/* Behavior "delete" */
	int64_t		 ttl_ms;	/* 0 = none */
	int64_t		 expires;	/* rt_ms */
	uint64_t	 create_index;
	uint64_t	 modify_index;
};

struct consul_service {
	char		*id;
	char		*name;
	json_t		*tags;		/* array of strings */
	json_t		*meta;		/* object */
	char		*address;
	long long	 port;
	bool		 has_check;
	uint64_t	 create_index;
	uint64_t	 modify_index;
};

/* The lock-delay of a key that a "delete" session's end removed. */
struct consul_delay {
	char		*key;
	int64_t		 until;		/* rt_ms */
};

struct consul {
	struct consul_kv	*kv;		/* sorted by key */
	size_t			 nkv;
	uint64_t		 kv_index;	/* last KV write or delete */
	struct consul_session	*sessions;
	size_t			 nsessions;
	uint64_t		 session_index;
	struct consul_service	*services;
	size_t			 nservices;
	uint64_t		 catalog_index;
	uint64_t		 session_seq;
	struct consul_delay	*delays;
	size_t			 ndelays;
};

enum consul_acl { CONSUL_ACL_OK, CONSUL_ACL_ANON, CONSUL_ACL_BAD };

static struct consul *
consul_get(struct sim_world *w)
{
	struct consul	*c = w->consul;

	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		c->kv_index = c->session_index = c->catalog_index = w->index;
		w->consul = c;
	}
	return (c);
}

static void
consul_kv_free_one(struct consul_kv *kv)
{
	free(kv->key);
	free(kv->value);
}

static void
consul_service_free_one(struct consul_service *s)
{
	free(s->id);
	free(s->name);
	free(s->address);
	json_decref(s->tags);
	json_decref(s->meta);
}

void
sim_consul_free(struct sim_world *w)
{
	struct consul	*c = w->consul;
	size_t		 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nkv; i++)
		consul_kv_free_one(&c->kv[i]);
	free(c->kv);
	for (i = 0; i < c->nsessions; i++)
		free(c->sessions[i].name);
	free(c->sessions);
	for (i = 0; i < c->nservices; i++)
		consul_service_free_one(&c->services[i]);
	free(c->services);
	for (i = 0; i < c->ndelays; i++)
		free(c->delays[i].key);
	free(c->delays);
	free(c);
	w->consul = NULL;
}

/* Plain-text error as consul writes it. */
static void
consul_error(struct sim_resp *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
consul_error(struct sim_resp *r, int status, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	sim_resp_set(r, status, "text/plain; charset=utf-8", s);
}

static void
consul_method_not_allowed(const struct sim_req *req, struct sim_resp *r,
    const char *allow)
{
	consul_error(r, 405, "method %s not allowed", req->method);
	sim_resp_header(r, "Allow", allow);
}

static bool
consul_method(const struct sim_req *req, const char *m1, const char *m2)
{
	return (strcmp(req->method, m1) == 0 ||
	    (m2 != NULL && strcmp(req->method, m2) == 0) ||
	    (strcmp(req->method, "HEAD") == 0 && strcmp(m1, "GET") == 0));
}

/*
 * A member of a request body by name, case-insensitively: consul decodes
 * bodies with mapstructure, whose field matching falls back to
 * strings.EqualFold (agent/http.go decodeBody; agent/session_endpoint.go
 * FixupLockDelay looks for "lockdelay" the same way), so "ttl", "TTL" and
 * "Ttl" are one field; python-consul sends session and service bodies in
 * lower case.
 */
static json_t *
consul_member(json_t *o, const char *key)
{
	const char	*k;
	json_t		*v;

	if ((v = json_object_get(o, key)) != NULL)
		return (v);
	json_object_foreach(o, k, v) {
		if (strcasecmp(k, key) == 0)
			return (v);
	}
	return (NULL);
}

static enum consul_acl
consul_acl(struct sim_world *w, const struct sim_req *req)
{
	const char	*h;
	char		*q;
	bool		 ok;

	if (w->consul_token[0] == '\0')
		return (CONSUL_ACL_OK);
	q = sim_query_get(req->query, "token");
	if (q != NULL && *q != '\0') {
		ok = strcmp(q, w->consul_token) == 0;
		free(q);
		return (ok ? CONSUL_ACL_OK : CONSUL_ACL_BAD);
	}
	free(q);
	h = req->header(req, "X-Consul-Token");
	if (h == NULL || *h == '\0') {
		h = req->header(req, "Authorization");
		if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
			h += 7;
		else
			h = NULL;
	}
	if (h == NULL || *h == '\0')
		return (CONSUL_ACL_ANON);
	return (strcmp(h, w->consul_token) == 0 ? CONSUL_ACL_OK :
	    CONSUL_ACL_BAD);
}

static void
consul_set_index(struct sim_resp *r, uint64_t index)
{
	char	s[32];

	if (index < 1)
		index = 1;
	snprintf(s, sizeof s, "%llu", (unsigned long long)index);
	sim_resp_header(r, "X-Consul-Index", s);
	sim_resp_header(r, "X-Consul-KnownLeader", "true");
	sim_resp_header(r, "X-Consul-LastContact", "0");
}

/*
 * Blocking query parameters: 0 when the request does not block, -1 after
 * answering 400.
 */
static int
consul_parse_wait(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, uint64_t *index, int64_t *wait_ms)
{
	char		*s;
	const char	*errstr;
	long long	 ll;
	int64_t		 ms;

	*index = 0;
	*wait_ms = CONSUL_WAIT_DEFAULT_MS;
	if ((s = sim_query_get(req->query, "wait")) != NULL && *s != '\0') {
		/* Go's time.ParseDuration: a unit is required but for 0 */
		if (util_parse_duration_ms(s, &ms, &errstr) != 0 || ms < 0 ||
		    (strspn(s, "0123456789") == strlen(s) &&
		    strcmp(s, "0") != 0)) {
			free(s);
			consul_error(r, 400, "Invalid wait time");
			return (-1);
		}
		*wait_ms = ms;
	}
	free(s);
	if ((s = sim_query_get(req->query, "index")) != NULL && *s != '\0') {
		if (util_parse_ll(s, 0, LLONG_MAX, &ll, &errstr) != 0) {
			free(s);
			consul_error(r, 400, "Invalid index");
			return (-1);
		}
		*index = (uint64_t)ll;
	}
	free(s);
	if (*wait_ms > CONSUL_WAIT_MAX_MS)
		*wait_ms = CONSUL_WAIT_MAX_MS;
	if (*wait_ms == 0)
		*wait_ms = CONSUL_WAIT_DEFAULT_MS;
	/* the server adds up to wait/16 of jitter */
	*wait_ms += (int64_t)(sim_rand(w) * (double)(*wait_ms / 16));
	return (0);
}

/* ------------------------------------------------------------------ */
/* Catalog and health */

static bool
consul_node_in(const struct sim_node *n)
{
	return (n->in_consul);
}

static uint64_t
consul_nodes_index(struct sim_world *w)
{
	struct consul	*c = consul_get(w);
	uint64_t	 idx = c->catalog_index;
	size_t		 i;

	for (i = 0; i < w->nnodes; i++) {
		if (w->nodes[i].consul_modify_index > idx)
			idx = w->nodes[i].consul_modify_index;
	}
	return (idx);
}

static uint64_t
consul_service_index(struct sim_world *w, const char *svc)
{
	struct consul	*c = consul_get(w);
	uint64_t	 idx = c->catalog_index;
	size_t		 i;

	if (strcmp(svc, w->consul_service) == 0)
		return (consul_nodes_index(w));
	for (i = 0; i < c->nservices; i++) {
		if (strcmp(c->services[i].name, svc) == 0 &&
		    c->services[i].modify_index > idx)
			idx = c->services[i].modify_index;
	}
	return (idx);
}

static json_t *
consul_tagged(const char *addr)
{
	return (json_pack("{s:s, s:s, s:s, s:s}", "lan", addr, "lan_ipv4",
	    addr, "wan", addr, "wan_ipv4", addr));
}

static json_t *
consul_node_json(const char *id, const char *name, const char *addr,
    uint64_t index)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s}, s:I, s:I}",
	    "ID", id, "Node", name, "Address", addr, "Datacenter", CONSUL_DC,
	    "TaggedAddresses", consul_tagged(addr), "Meta",
	    "consul-network-segment", "", "CreateIndex", (json_int_t)1,
	    "ModifyIndex", (json_int_t)index));
}

static json_t *
consul_check_json(const char *node, const char *check_id, const char *name,
    const char *status, const char *output, const char *service_id,
    const char *service_name, json_t *tags, const char *type,
    uint64_t index)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:s, s:{}, s:I, s:I}",
	    "Node", node, "CheckID", check_id, "Name", name, "Status", status,
	    "Notes", "", "Output", output, "ServiceID", service_id,
	    "ServiceName", service_name, "ServiceTags",
	    tags != NULL ? tags : json_array(), "Type", type, "Definition",
	    "CreateIndex", (json_int_t)1, "ModifyIndex", (json_int_t)index));
}

/* One BBB node's parts. */
static json_t *
consul_bbb_tags(void)
{
	return (json_pack("[s]", "bbb"));
}

static json_t *
consul_bbb_service(struct sim_world *w, const struct sim_node *n)
{
	return (json_pack("{s:s, s:s, s:o, s:s, s:o, s:{s:s}, s:i, "
	    "s:{s:i, s:i}, s:b, s:{s:{}, s:{}}, s:{}, s:I, s:I}",
	    "ID", w->consul_service, "Service", w->consul_service, "Tags",
	    consul_bbb_tags(), "Address", n->ip, "TaggedAddresses",
	    json_pack("{s:{s:s, s:i}, s:{s:s, s:i}}", "lan_ipv4", "Address",
	    n->ip, "Port", 443, "wan_ipv4", "Address", n->ip, "Port", 443),
	    "Meta", "fqdn", n->fqdn, "Port", 443, "Weights", "Passing", 1,
	    "Warning", 1, "EnableTagOverride", 0, "Proxy", "MeshGateway",
	    "Expose", "Connect", "CreateIndex", (json_int_t)1, "ModifyIndex",
	    (json_int_t)n->consul_modify_index));
}

/* The service check's Output, as consul's HTTP check writes it. */
static char *
consul_bbb_output(const struct sim_node *n)
{
	if (n->up && n->consul_passing)
		return (xasprintf("HTTP GET https://%s/bigbluebutton/api: "
		    "200 OK Output: <response><returncode>SUCCESS</returncode>"
		    "<version>2.0</version></response>", n->fqdn));
	else if (n->up)
		return (xasprintf("HTTP GET https://%s/bigbluebutton/api: 503 "
		    "Service Unavailable Output: <html><body><h1>503 Service "
		    "Unavailable</h1></body></html>", n->fqdn));
	else
		return (xasprintf("Get \"https://%s/bigbluebutton/api\": "
		    "dial tcp %s:443: connect: no route to host", n->fqdn, n->ip));
}

static json_t *
consul_bbb_checks(struct sim_world *w, const struct sim_node *n)
{
	json_t	*a;
	char	*out, *name, *id;

	a = json_array();
	json_array_append_new(a, consul_check_json(n->name, "serfHealth",
	    "Serf Health Status", n->up ? "passing" : "critical",
	    n->up ? "Agent alive and reachable" :
	    "Agent not live or unreachable", "", "", NULL, "",
	    n->consul_modify_index));
	out = consul_bbb_output(n);
	name = xasprintf("Service '%s' check", w->consul_service);
	id = xasprintf("service:%s", w->consul_service);
	json_array_append_new(a, consul_check_json(n->name, id, name,
	    n->up && n->consul_passing ? "passing" : "critical", out,
	    w->consul_service, w->consul_service, consul_bbb_tags(), "http",
	    n->consul_modify_index));
	free(out);
	free(name);
	free(id);
	return (a);
}

static bool
consul_bbb_passing(const struct sim_node *n)
{
	return (n->up && n->consul_passing);
}

static json_t *
consul_service_json(const struct consul_service *s)
{
	return (json_pack("{s:s, s:s, s:O, s:s, s:{}, s:O, s:I, "
	    "s:{s:i, s:i}, s:b, s:{s:{}, s:{}}, s:{}, s:I, s:I}",
	    "ID", s->id, "Service", s->name, "Tags", s->tags, "Address",
	    s->address, "TaggedAddresses", "Meta", s->meta, "Port",
	    (json_int_t)s->port, "Weights", "Passing", 1, "Warning", 1,
	    "EnableTagOverride", 0, "Proxy", "MeshGateway", "Expose",
	    "Connect", "CreateIndex", (json_int_t)s->create_index,
	    "ModifyIndex", (json_int_t)s->modify_index));
}

static json_t *
consul_server_checks(const struct consul_service *s)
{
	json_t	*a;
	char	*id, *name;

	a = json_array();
	json_array_append_new(a, consul_check_json(CONSUL_SERVER_NODE,
	    "serfHealth", "Serf Health Status", "passing",
	    "Agent alive and reachable", "", "", NULL, "", 1));
	if (s != NULL && s->has_check) {
		id = xasprintf("service:%s", s->id);
		name = xasprintf("Service '%s' check", s->name);
		json_array_append_new(a, consul_check_json(CONSUL_SERVER_NODE,
		    id, name, "passing", "", s->id, s->name,
		    json_incref(s->tags), "http", s->modify_index));
		free(id);
		free(name);
	}
	return (a);
}

static json_t *
consul_catalog_entry(json_t *node, json_t *svc)
{
	json_t		*e;
	const char	*k;
	json_t		*v;

	e = json_object();
	json_object_set(e, "ID", json_object_get(node, "ID"));
	json_object_set(e, "Node", json_object_get(node, "Node"));
	json_object_set(e, "Address", json_object_get(node, "Address"));
	json_object_set(e, "Datacenter", json_object_get(node, "Datacenter"));
	json_object_set(e, "TaggedAddresses",
	    json_object_get(node, "TaggedAddresses"));
	json_object_set(e, "NodeMeta", json_object_get(node, "Meta"));
	json_object_set_new(e, "ServiceKind", json_string(""));
	json_object_foreach(svc, k, v) {
		char	*key;

		if (strcmp(k, "CreateIndex") == 0 ||
		    strcmp(k, "ModifyIndex") == 0) {
			json_object_set(e, k, v);
			continue;
		}
		key = xasprintf("Service%s", strcmp(k, "Service") == 0 ?
		    "Name" : k);
		json_object_set(e, key, v);
		free(key);
	}
	json_decref(node);
	json_decref(svc);
	return (e);
}

static bool
consul_tags_have(json_t *tags, const char *tag)
{
	size_t	 i;
	json_t	*v;

	if (tag == NULL)
		return (true);
	json_array_foreach(tags, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), tag) == 0)
			return (true);
	}
	return (false);
}

/* Entries of a service: health form or catalog form. */
static json_t *
consul_service_entries(struct sim_world *w, const char *svc, bool health,
    bool passing, const char *tag)
{
	struct consul		*c = consul_get(w);
	struct sim_node		*n;
	struct consul_service	*s;
	json_t			*a, *node, *sj, *tags;
	size_t			 i;

	a = json_array();
	if (strcmp(svc, w->consul_service) == 0) {
		tags = consul_bbb_tags();
		if (!consul_tags_have(tags, tag)) {
			json_decref(tags);
			return (a);
		}
		json_decref(tags);
		for (i = 0; i < w->nnodes; i++) {
			n = &w->nodes[i];
			if (!consul_node_in(n))
				continue;
			if (passing && !consul_bbb_passing(n))
				continue;
			node = consul_node_json(n->vm_id, n->name, n->ip,
			    n->consul_modify_index);
			sj = consul_bbb_service(w, n);
			if (health)
				json_array_append_new(a, json_pack(
				    "{s:o, s:o, s:o}", "Node", node, "Service",
				    sj, "Checks", consul_bbb_checks(w, n)));
			else
				json_array_append_new(a,
				    consul_catalog_entry(node, sj));
		}
		return (a);
	}
	for (i = 0; i < c->nservices; i++) {
		s = &c->services[i];
		if (strcmp(s->name, svc) != 0 ||
		    !consul_tags_have(s->tags, tag))
			continue;
		node = consul_node_json(CONSUL_SERVER_ID,
		    CONSUL_SERVER_NODE, CONSUL_SERVER_ADDR, 1);
		sj = consul_service_json(s);
		if (health)
			json_array_append_new(a, json_pack("{s:o, s:o, s:o}",
			    "Node", node, "Service", sj, "Checks",
			    consul_server_checks(s)));
		else
			json_array_append_new(a, consul_catalog_entry(node,
			    sj));
	}
	return (a);
}

/*
 * The BBB service's entries rendered straight to text: at thousands of
 * nodes building jansson trees costs a second, this a few milliseconds.
 * Same fields as consul_node_json, consul_bbb_service, consul_bbb_checks.
 */
static void
consul_bbb_text(struct sim_world *w, struct buf *b, const struct sim_node *n,
    bool health)
{
	unsigned long long	 mi = n->consul_modify_index;
	const char		*svc = w->consul_service, *st;
	char			*out;

	buf_adds(b, health ? "{\"Node\":{\"ID\":" : "{\"ID\":");
	sim_json_str(b, n->vm_id);
	buf_adds(b, ",\"Node\":");
	sim_json_str(b, n->name);
	buf_printf(b, ",\"Address\":\"%s\",\"Datacenter\":\"" CONSUL_DC "\","
	    "\"TaggedAddresses\":{\"lan\":\"%s\",\"lan_ipv4\":\"%s\","
	    "\"wan\":\"%s\",\"wan_ipv4\":\"%s\"},", n->ip, n->ip, n->ip,
	    n->ip, n->ip);
	if (health) {
		buf_printf(b, "\"Meta\":{\"consul-network-segment\":\"\"},"
		    "\"CreateIndex\":1,\"ModifyIndex\":%llu},\"Service\":{"
		    "\"ID\":", mi);
		sim_json_str(b, svc);
		buf_adds(b, ",\"Service\":");
		sim_json_str(b, svc);
		buf_adds(b, ",\"Tags\":[\"bbb\"],\"Address\":");
	} else {
		buf_adds(b, "\"NodeMeta\":{\"consul-network-segment\":\"\"},"
		    "\"ServiceKind\":\"\",\"ServiceID\":");
		sim_json_str(b, svc);
		buf_adds(b, ",\"ServiceName\":");
		sim_json_str(b, svc);
		buf_adds(b, ",\"ServiceTags\":[\"bbb\"],\"ServiceAddress\":");
	}
	buf_printf(b, "\"%s\",\"%sTaggedAddresses\":{\"lan_ipv4\":{"
	    "\"Address\":\"%s\",\"Port\":443},\"wan_ipv4\":{\"Address\":"
	    "\"%s\",\"Port\":443}},\"%sMeta\":{\"fqdn\":", n->ip,
	    health ? "" : "Service", n->ip, n->ip, health ? "" : "Service");
	sim_json_str(b, n->fqdn);
	buf_printf(b, "},\"%sPort\":443,\"%sWeights\":{\"Passing\":1,"
	    "\"Warning\":1},\"%sEnableTagOverride\":false,\"%sProxy\":{"
	    "\"MeshGateway\":{},\"Expose\":{}},\"%sConnect\":{},"
	    "\"CreateIndex\":1,\"ModifyIndex\":%llu}", health ? "" : "Service",
	    health ? "" : "Service", health ? "" : "Service",
	    health ? "" : "Service", health ? "" : "Service", mi);
	if (!health)
		return;

	buf_adds(b, ",\"Checks\":[{\"Node\":");
	sim_json_str(b, n->name);
	buf_printf(b, ",\"CheckID\":\"serfHealth\",\"Name\":\"Serf Health "
	    "Status\",\"Status\":\"%s\",\"Notes\":\"\",\"Output\":\"%s\","
	    "\"ServiceID\":\"\",\"ServiceName\":\"\",\"ServiceTags\":[],"
	    "\"Type\":\"\",\"Definition\":{},\"CreateIndex\":1,"
	    "\"ModifyIndex\":%llu},{\"Node\":", n->up ? "passing" : "critical",
	    n->up ? "Agent alive and reachable" :
	    "Agent not live or unreachable", mi);
	sim_json_str(b, n->name);
	buf_adds(b, ",\"CheckID\":");
	out = xasprintf("service:%s", svc);
	sim_json_str(b, out);
	free(out);
	buf_adds(b, ",\"Name\":");
	out = xasprintf("Service '%s' check", svc);
	sim_json_str(b, out);
	free(out);
	st = n->up && n->consul_passing ? "passing" : "critical";
	buf_printf(b, ",\"Status\":\"%s\",\"Notes\":\"\",\"Output\":", st);
	out = consul_bbb_output(n);
	sim_json_str(b, out);
	free(out);
	buf_adds(b, ",\"ServiceID\":");
	sim_json_str(b, svc);
	buf_adds(b, ",\"ServiceName\":");
	sim_json_str(b, svc);
	buf_printf(b, ",\"ServiceTags\":[\"bbb\"],\"Type\":\"http\","
	    "\"Definition\":{},\"CreateIndex\":1,\"ModifyIndex\":%llu}]}", mi);
}

static char *
consul_bbb_entries_text(struct sim_world *w, bool health, bool passing)
{
	struct buf	 b = { 0 };
	struct sim_node	*n;
	size_t		 i;
	bool		 first = true;

	buf_addc(&b, '[');
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!consul_node_in(n) || (passing && !consul_bbb_passing(n)))
			continue;
		if (!first)
			buf_addc(&b, ',');
		first = false;
		consul_bbb_text(w, &b, n, health);
	}
	buf_addc(&b, ']');
	return (buf_steal(&b));
}

static void
consul_filtered(struct sim_resp *r)
{
	sim_resp_header(r, "X-Consul-Results-Filtered-By-ACLs", "true");
}

static bool
consul_dc_ok(const struct sim_req *req, struct sim_resp *r)
{
	char	*dc;
	bool	 ok = true;

	dc = sim_query_get(req->query, "dc");
	if (dc != NULL && *dc != '\0' && strcmp(dc, CONSUL_DC) != 0) {
		consul_error(r, 500, "No path to datacenter");
		ok = false;
	}
	free(dc);
	return (ok);
}

/* Wait until index_fn(w, arg) > index or the wait ends. */
static uint64_t
consul_block(struct sim_world *w, uint64_t (*index_fn)(struct sim_world *,
    const char *), const char *arg, uint64_t index, int64_t wait_ms)
{
	uint64_t	cur;
	int64_t		deadline, left;

	cur = index_fn(w, arg);
	if (index == 0 || cur > index)
		return (cur);
	deadline = util_mono_ms() + wait_ms;
	while (!w->shutdown && cur <= index) {
		left = deadline - util_mono_ms();
		if (left <= 0)
			break;
		sim_world_wait(w, w->index, left);
		sim_world_tick(w);
		cur = index_fn(w, arg);
	}
	return (cur);
}

static uint64_t
consul_services_index(struct sim_world *w, const char *unused)
{
	return (consul_nodes_index(w));
}

static uint64_t
consul_service_index_cb(struct sim_world *w, const char *svc)
{
	return (consul_service_index(w, svc));
}

static void
consul_catalog_services(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, enum consul_acl acl)
{
	struct consul	*c = consul_get(w);
	json_t		*o, *tags;
	uint64_t	 index, idx;
	int64_t		 wait;
	size_t		 i;

	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_services_index, NULL, index, wait);
	o = json_object();
	if (acl == CONSUL_ACL_OK) {
		json_object_set_new(o, "consul", json_array());
		for (i = 0; i < w->nnodes; i++) {
			if (consul_node_in(&w->nodes[i])) {
				json_object_set_new(o, w->consul_service,
				    consul_bbb_tags());
				break;
			}
		}
		for (i = 0; i < c->nservices; i++) {
			tags = json_object_get(o, c->services[i].name);
			if (tags == NULL)
				json_object_set(o, c->services[i].name,
				    c->services[i].tags);
		}
	} else
		consul_filtered(r);
	sim_resp_json(r, 200, o);
	consul_set_index(r, idx);
}

static void
consul_service_nodes(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *svc, bool health, enum consul_acl acl)
{
	json_t		*a;
	char		*tag;
	uint64_t	 index, idx;
	int64_t		 wait;

	if (*svc == '\0') {
		consul_error(r, 400, "Missing service name");
		return;
	}
	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_service_index_cb, svc, index, wait);
	if (acl == CONSUL_ACL_OK) {
		tag = sim_query_get(req->query, "tag");
		/* the fast path; ?tag=bbb takes the tree path (tests
		 * compare the two) */
		if (strcmp(svc, w->consul_service) == 0 && tag == NULL) {
			free(tag);
			sim_resp_set(r, 200, "application/json",
			    consul_bbb_entries_text(w, health, health &&
			    sim_query_has(req->query, "passing")));
			consul_set_index(r, idx);
			return;
		}
		a = consul_service_entries(w, svc, health,
		    health && sim_query_has(req->query, "passing"), tag);
		free(tag);
	} else {
		a = json_array();
		consul_filtered(r);
	}
	sim_resp_json(r, 200, a);
	consul_set_index(r, idx);
}

static uint64_t
consul_state_index(struct sim_world *w, const char *unused)
{
	struct consul	*c = consul_get(w);
	uint64_t	 idx = consul_nodes_index(w);
	size_t		 i;

	for (i = 0; i < c->nservices; i++) {
		if (c->services[i].modify_index > idx)
			idx = c->services[i].modify_index;
	}
	return (idx);
}

static void
consul_health_state(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *state, enum consul_acl acl)
{
	struct consul	*c = consul_get(w);
	json_t		*a, *checks, *ck;
	uint64_t	 index, idx;
	int64_t		 wait;
	size_t		 i, j;
	bool		 any;

	any = strcmp(state, "any") == 0;
	if (!any && strcmp(state, "passing") != 0 &&
	    strcmp(state, "warning") != 0 &&
	    strcmp(state, "critical") != 0) {
		consul_error(r, 400, "Bad check state");
		return;
	}
	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_state_index, NULL, index, wait);
	a = json_array();
	if (acl != CONSUL_ACL_OK) {
		consul_filtered(r);
		goto out;
	}
	for (i = 0; i <= w->nnodes; i++) {
		if (i < w->nnodes) {
			if (!consul_node_in(&w->nodes[i]))
				continue;
			checks = consul_bbb_checks(w, &w->nodes[i]);
		} else
			checks = consul_server_checks(NULL);
		json_array_foreach(checks, j, ck) {
			if (any || strcmp(json_string_value(
			    json_object_get(ck, "Status")), state) == 0)
				json_array_append(a, ck);
		}
		json_decref(checks);
	}
	for (i = 0; i < c->nservices; i++) {
		if (!c->services[i].has_check)
			continue;
		checks = consul_server_checks(&c->services[i]);
		ck = json_array_get(checks, 1);
		if (any || strcmp(state, "passing") == 0)
			json_array_append(a, ck);
		json_decref(checks);
	}
out:
	sim_resp_json(r, 200, a);
	consul_set_index(r, idx);
}

/* Every consul node: the server and the BBB nodes in consul. */
static json_t *
consul_nodes_json(struct sim_world *w, const char *only)
{
	struct sim_node	*n;
	json_t		*a;
	size_t		 i;

	a = json_array();
	if (only == NULL || strcmp(only, CONSUL_SERVER_NODE) == 0)
		json_array_append_new(a, consul_node_json(CONSUL_SERVER_ID,
		    CONSUL_SERVER_NODE, CONSUL_SERVER_ADDR, 1));
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!consul_node_in(n) ||
		    (only != NULL && strcmp(only, n->name) != 0))
			continue;
		json_array_append_new(a, consul_node_json(n->vm_id, n->name,
		    n->ip, n->consul_modify_index));
	}
	return (a);
}

/* A BBB node in consul by name, or NULL. */
static struct sim_node *
consul_node_find(struct sim_world *w, const char *name)
{
	int	i = sim_node_by_name(w, name);

	if (i < 0 || !consul_node_in(&w->nodes[i]))
		return (NULL);
	return (&w->nodes[i]);
}

/* GET /v1/catalog/nodes (agent/catalog_endpoint.go CatalogNodes). */
static void
consul_catalog_nodes(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, enum consul_acl acl)
{
	uint64_t	 index, idx;
	int64_t		 wait;

	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_state_index, NULL, index, wait);
	if (acl != CONSUL_ACL_OK) {
		consul_filtered(r);
		sim_resp_json(r, 200, json_array());
	} else
		sim_resp_json(r, 200, consul_nodes_json(w, NULL));
	consul_set_index(r, idx);
}

/*
 * GET /v1/catalog/node/<name>: {"Node": {...}, "Services": {id: {...}}};
 * an unknown node is JSON null with 200 (agent/catalog_endpoint.go
 * CatalogNodeServices returns the nil NodeServices as is).
 */
static void
consul_catalog_node(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *name, enum consul_acl acl)
{
	struct consul	*c = consul_get(w);
	struct sim_node	*n;
	json_t		*nodes, *svcs;
	uint64_t	 index, idx;
	int64_t		 wait;
	size_t		 i;

	if (*name == '\0') {
		consul_error(r, 400, "Missing node name");
		return;
	}
	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_state_index, NULL, index, wait);
	nodes = consul_nodes_json(w, name);
	if (acl != CONSUL_ACL_OK || json_array_size(nodes) == 0) {
		if (acl != CONSUL_ACL_OK)
			consul_filtered(r);
		json_decref(nodes);
		sim_resp_json(r, 200, json_null());
		consul_set_index(r, idx);
		return;
	}
	svcs = json_object();
	if ((n = consul_node_find(w, name)) != NULL)
		json_object_set_new(svcs, w->consul_service,
		    consul_bbb_service(w, n));
	else {
		json_object_set_new(svcs, "consul", json_pack("{s:s, s:s, "
		    "s:[], s:s, s:{}, s:i, s:I, s:I}", "ID", "consul",
		    "Service", "consul", "Tags", "Address", "", "Meta",
		    "Port", 8300, "CreateIndex", (json_int_t)1, "ModifyIndex",
		    (json_int_t)1));
		for (i = 0; i < c->nservices; i++)
			json_object_set_new(svcs, c->services[i].id,
			    consul_service_json(&c->services[i]));
	}
	sim_resp_json(r, 200, json_pack("{s:o, s:o}", "Node",
	    json_incref(json_array_get(nodes, 0)), "Services", svcs));
	json_decref(nodes);
	consul_set_index(r, idx);
}

/*
 * GET /v1/health/checks/<service> (the service's checks, no serfHealth)
 * and GET /v1/health/node/<node> (all of a node's checks; [] for an
 * unknown node), both blocking.
 */
static void
consul_health_checks(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *name, bool by_node, enum consul_acl acl)
{
	struct consul	*c = consul_get(w);
	struct sim_node	*n;
	json_t		*a, *checks, *ck;
	uint64_t	 index, idx;
	int64_t		 wait;
	size_t		 i, j;

	if (*name == '\0') {
		consul_error(r, 400, by_node ? "Missing node name" :
		    "Missing service name");
		return;
	}
	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, consul_state_index, NULL, index, wait);
	a = json_array();
	if (acl != CONSUL_ACL_OK) {
		consul_filtered(r);
		goto out;
	}
	if (by_node && strcmp(name, CONSUL_SERVER_NODE) == 0) {
		for (i = 0; i <= c->nservices; i++) {
			checks = consul_server_checks(i < c->nservices ?
			    &c->services[i] : NULL);
			json_array_foreach(checks, j, ck) {
				if (i == c->nservices || j > 0)
					json_array_append(a, ck);
			}
			json_decref(checks);
		}
		goto out;
	}
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!consul_node_in(n))
			continue;
		if (by_node ? strcmp(n->name, name) != 0 :
		    strcmp(w->consul_service, name) != 0)
			continue;
		checks = consul_bbb_checks(w, n);
		json_array_foreach(checks, j, ck) {
			if (by_node || j > 0)
				json_array_append(a, ck);
		}
		json_decref(checks);
	}
	for (i = 0; !by_node && i < c->nservices; i++) {
		if (strcmp(c->services[i].name, name) != 0 ||
		    !c->services[i].has_check)
			continue;
		checks = consul_server_checks(&c->services[i]);
		json_array_append(a, json_array_get(checks, 1));
		json_decref(checks);
	}
out:
	sim_resp_json(r, 200, a);
	consul_set_index(r, idx);
}

/* GET /v1/agent/self: the agent's configuration and member entry. */
static void
consul_agent_self(struct sim_world *w, struct sim_resp *r,
    enum consul_acl acl)
{
	/* agent:read, which the anonymous token lacks (acl.go) */
	if (acl != CONSUL_ACL_OK) {
		consul_error(r, 403, "Permission denied");
		return;
	}
	sim_resp_json(r, 200, json_pack("{s:{s:s, s:s, s:s, s:s, s:b, "
	    "s:s, s:s}, s:{s:s, s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}, "
	    "s:i}, s:{s:s}}",
	    "Config", "Datacenter", CONSUL_DC, "PrimaryDatacenter", CONSUL_DC,
	    "NodeName", CONSUL_SERVER_NODE, "NodeID", CONSUL_SERVER_ID,
	    "Server", 1, "Revision", "2cf0a3c8", "Version", CONSUL_VERSION,
	    "Member", "Name", CONSUL_SERVER_NODE, "Addr", CONSUL_SERVER_ADDR,
	    "Port", 8301, "Tags", "role", "consul", "dc", CONSUL_DC,
	    "build", CONSUL_VERSION ":2cf0a3c8", "port", "8300", "acl_mode",
	    w->consul_token[0] != '\0' ? "1" : "0", "Status", 1,
	    "Meta", "consul-network-segment", ""));
}

/* ------------------------------------------------------------------ */
/* Agent service register / deregister */

static struct consul_service *
consul_service_find(struct consul *c, const char *id)
{
	size_t	i;

	for (i = 0; i < c->nservices; i++) {
		if (strcmp(c->services[i].id, id) == 0)
			return (&c->services[i]);
	}
	return (NULL);
}

static void
consul_agent_register(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	struct consul		*c = consul_get(w);
	struct consul_service	*s, ns;
	json_t			*j, *v;
	json_error_t		 err;
	const char		*name, *id;
	int			 node;

	j = json_loadb(req->body, req->bodylen, 0, &err);
	if (j == NULL || !json_is_object(j)) {
		consul_error(r, 400, "Request decode failed: %s",
		    j == NULL ? err.text : "not an object");
		json_decref(j);
		return;
	}
	name = json_string_value(consul_member(j, "Name"));
	if (name == NULL || *name == '\0') {
		consul_error(r, 400, "Missing service name");
		json_decref(j);
		return;
	}
	id = json_string_value(consul_member(j, "ID"));
	if (id == NULL || *id == '\0')
		id = name;

	memset(&ns, 0, sizeof ns);
	ns.id = xstrdup(id);
	ns.name = xstrdup(name);
	v = consul_member(j, "Tags");
	ns.tags = json_is_array(v) ? json_deep_copy(v) : json_array();
	v = consul_member(j, "Meta");
	ns.meta = json_is_object(v) ? json_deep_copy(v) : json_object();
	v = consul_member(j, "Address");
	ns.address = xstrdup(json_is_string(v) ? json_string_value(v) : "");
	ns.port = json_integer_value(consul_member(j, "Port"));
	ns.has_check = consul_member(j, "Check") != NULL ||
	    json_array_size(consul_member(j, "Checks")) > 0;
	json_decref(j);

	/*
	 * The BBB service of a node (scale out): the node is in consul
	 * from now on, as the seed nodes' registrations put it.
	 */
	if (strcmp(ns.name, w->consul_service) == 0 &&
	    (node = sim_node_by_name(w, ns.id)) >= 0) {
		w->nodes[node].in_consul = true;
		w->nodes[node].consul_passing = true;
		sim_node_changed(w, (size_t)node);
		consul_service_free_one(&ns);
		sim_resp_set(r, 200, "text/plain; charset=utf-8", NULL);
		return;
	}
	sim_world_changed(w);
	ns.modify_index = w->index;
	/* ns.id: id pointed into j, freed above */
	if ((s = consul_service_find(c, ns.id)) != NULL) {
		ns.create_index = s->create_index;
		consul_service_free_one(s);
		*s = ns;
	} else {
		ns.create_index = w->index;
		c->services = xreallocarray(c->services, c->nservices + 1,
		    sizeof *c->services);
		c->services[c->nservices++] = ns;
	}
	c->catalog_index = w->index;
	sim_resp_set(r, 200, "text/plain; charset=utf-8", NULL);
}

static void
consul_agent_deregister(struct sim_world *w, const char *id,
    struct sim_resp *r)
{
	struct consul		*c = consul_get(w);
	struct consul_service	*s;
	int			 node;

	if (*id == '\0') {
		consul_error(r, 400, "Missing service ID");
		return;
	}
	if ((node = sim_node_by_name(w, id)) >= 0 &&
	    w->nodes[node].in_consul && consul_service_find(c, id) == NULL) {
		w->nodes[node].in_consul = false;
		sim_node_changed(w, (size_t)node);
	} else if ((s = consul_service_find(c, id)) != NULL) {
		consul_service_free_one(s);
		*s = c->services[--c->nservices];
		sim_world_changed(w);
		c->catalog_index = w->index;
	}
	sim_resp_set(r, 200, "text/plain; charset=utf-8", NULL);
}

/* ------------------------------------------------------------------ */
/* Sessions */

static struct consul_session *
consul_session_find(struct consul *c, const char *id)
{
	size_t	i;

	for (i = 0; i < c->nsessions; i++) {
		if (strcmp(c->sessions[i].id, id) == 0)
			return (&c->sessions[i]);
	}
	return (NULL);
}

static struct consul_kv *
consul_kv_find(struct consul *c, const char *key, size_t *at)
{
	size_t	lo = 0, hi = c->nkv, mid;
	int	cmp;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		cmp = strcmp(c->kv[mid].key, key);
		if (cmp == 0) {
			if (at != NULL)
				*at = mid;
			return (&c->kv[mid]);
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at != NULL)
		*at = lo;
	return (NULL);
}

static void
consul_kv_remove(struct consul *c, size_t i)
{
	consul_kv_free_one(&c->kv[i]);
	memmove(&c->kv[i], &c->kv[i + 1], (c->nkv - i - 1) * sizeof *c->kv);
	c->nkv--;
}

/*
 * Lock-delays outlive the keys: consul keeps them by key name (the state
 * store's lockDelay), so a key that a "delete" session's end removed
 * cannot be acquired, even as a new key, until the delay is over.
 * Returns the key's delay end (rt_ms), 0 if none; drops expired ones.
 */
static int64_t
consul_delay_get(struct consul *c, const char *key, int64_t now)
{
	int64_t	 until = 0;
	size_t	 i = 0;

	while (i < c->ndelays) {
		if (c->delays[i].until <= now) {
			free(c->delays[i].key);
			c->delays[i] = c->delays[--c->ndelays];
			continue;
		}
		if (strcmp(c->delays[i].key, key) == 0)
			until = c->delays[i].until;
		i++;
	}
	return (until);
}

static void
consul_delay_add(struct consul *c, const char *key, int64_t until)
{
	c->delays = xreallocarray(c->delays, c->ndelays + 1,
	    sizeof *c->delays);
	c->delays[c->ndelays].key = xstrdup(key);
	c->delays[c->ndelays++].until = until;
}

/* Invalidate a session: release or delete what it holds. */
static void
consul_session_invalidate(struct sim_world *w, size_t si, bool lock_delay)
{
	struct consul		*c = consul_get(w);
	struct consul_session	*s = &c->sessions[si];
	size_t			 i;

	sim_world_changed(w);
	i = 0;
	while (i < c->nkv) {
		if (strcmp(c->kv[i].session, s->id) != 0) {
			i++;
			continue;
		}
		if (s->delete) {
			/* deleteSessionTxn: the delay applies to deleted
			 * keys too */
			if (lock_delay && s->lock_delay_ms > 0)
				consul_delay_add(c, c->kv[i].key, w->rt_ms +
				    s->lock_delay_ms);
			consul_kv_remove(c, i);
			continue;
		}
		c->kv[i].session[0] = '\0';
		c->kv[i].modify_index = w->index;
		if (lock_delay)
			c->kv[i].lock_delay_until = w->rt_ms +
			    s->lock_delay_ms;
		i++;
	}
	c->kv_index = w->index;
	c->session_index = w->index;
	free(s->name);
	c->sessions[si] = c->sessions[--c->nsessions];
}

void
sim_consul_tick(struct sim_world *w)
{
	struct consul		*c = w->consul;
	struct consul_session	*s;
	size_t			 i;
	int			 n;

	if (c == NULL)
		return;
	i = 0;
	while (i < c->nsessions) {
		s = &c->sessions[i];
		n = sim_node_by_name(w, s->node);
		if ((s->ttl_ms > 0 && w->rt_ms >= s->expires) ||
		    (n != -1 && (!w->nodes[n].up || !w->nodes[n].in_consul)))
			consul_session_invalidate(w, i, true);
		else
			i++;
	}
}

static json_t *
consul_session_json(const struct consul_session *s)
{
	json_t	*o;
	char	 ttl[32];

	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:[s], s:n, s:I, s:I}",
	    "ID", s->id, "Name", s->name, "Node", s->node, "LockDelay",
	    (json_int_t)(s->lock_delay_ms * 1000000), "Behavior",
	    s->delete ? "delete" : "release", "NodeChecks", "serfHealth",
	    "ServiceChecks", "CreateIndex", (json_int_t)s->create_index,
	    "ModifyIndex", (json_int_t)s->modify_index);
	if (s->ttl_ms > 0)
		snprintf(ttl, sizeof ttl, "%llds", (long long)s->ttl_ms / 1000);
	else
		ttl[0] = '\0';
	json_object_set_new(o, "TTL", json_string(ttl));
	return (o);
}

/*
 * Go's time.ParseDuration as far as consul's callers notice: a number
 * needs a unit unless it is 0.  0, or -1 with the Go error text.
 */
static int
consul_go_duration(const char *s, int64_t *ms, char **cause)
{
	const char	*errstr;

	if (*s != '\0' && strspn(s, "0123456789.") == strlen(s) &&
	    strspn(s, "0.") != strlen(s)) {
		*cause = xasprintf("time: missing unit in duration \"%s\"", s);
		return (-1);
	}
	if (util_parse_duration_ms(s, ms, &errstr) != 0) {
		*cause = xasprintf("time: invalid duration \"%s\"", s);
		return (-1);
	}
	return (0);
}

/*
 * LockDelay as agent/session_endpoint.go FixupLockDelay reads it: a Go
 * duration string, or a number of nanoseconds; either below 1000 (ns)
 * is taken as seconds.
 */
static int
consul_parse_lock_delay(json_t *v, int64_t *ms, char **cause)
{
	double	 ns;

	if (json_is_integer(v) || json_is_real(v)) {
		ns = json_number_value(v);
		*ms = ns < 1000 ? (int64_t)(ns * 1000) : (int64_t)(ns / 1e6);
		return (0);
	}
	if (!json_is_string(v)) {
		*cause = xstrdup("LockDelay: not a duration");
		return (-1);
	}
	if (consul_go_duration(json_string_value(v), ms, cause) != 0)
		return (-1);
	/* "5ms" is 5000000 ns, not below the threshold: kept as is */
	return (0);
}

static void
consul_session_create(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	struct consul		*c = consul_get(w);
	struct consul_session	 s;
	json_t			*j = NULL, *v;
	json_error_t		 err;
	const char		*str;
	char			 h[33], *cause = NULL;
	uint64_t		 x;
	int			 i;

	memset(&s, 0, sizeof s);
	snprintf(s.node, sizeof s.node, "%s", CONSUL_SERVER_NODE);
	s.lock_delay_ms = CONSUL_LOCK_DELAY_MS;
	if (req->bodylen > 0) {
		j = json_loadb(req->body, req->bodylen, 0, &err);
		if (j == NULL || !json_is_object(j)) {
			consul_error(r, 400, "Request decode failed: %s",
			    j == NULL ? err.text : "not an object");
			goto out;
		}
		if ((v = consul_member(j, "LockDelay")) != NULL &&
		    consul_parse_lock_delay(v, &s.lock_delay_ms, &cause) != 0) {
			consul_error(r, 400, "Request decode failed: %s",
			    cause);
			goto out;
		}
		v = consul_member(j, "TTL");
		if (v != NULL && !json_is_string(v) && !json_is_null(v)) {
			consul_error(r, 400, "Request decode failed: 1 "
			    "error(s) decoding:\n\n* 'TTL' expected type "
			    "'string'");
			goto out;
		}
		if (s.lock_delay_ms > 60000)
			s.lock_delay_ms = 60000;
		if ((str = json_string_value(consul_member(j, "Node")))
		    != NULL && *str != '\0') {
			if (strcmp(str, CONSUL_SERVER_NODE) != 0 &&
			    sim_node_by_name(w, str) == -1) {
				consul_error(r, 500, "Missing node "
				    "registration");
				goto out;
			}
			snprintf(s.node, sizeof s.node, "%s", str);
		}
		/*
		 * The order of agent/consul/session_endpoint.go Apply:
		 * Behavior, then TTL; its errors are plain errors, which the
		 * HTTP layer answers with 500.
		 */
		if ((str = json_string_value(consul_member(j, "Behavior")))
		    != NULL && *str != '\0') {
			if (strcmp(str, "delete") == 0)
				s.delete = true;
			else if (strcmp(str, "release") != 0) {
				consul_error(r, 500, "Invalid Behavior "
				    "setting '%s'", str);
				goto out;
			}
		}
		if ((str = json_string_value(v)) != NULL && *str != '\0') {
			if (consul_go_duration(str, &s.ttl_ms, &cause) != 0) {
				consul_error(r, 500, "Session TTL '%s' "
				    "invalid: %s", str, cause);
				goto out;
			}
			if (s.ttl_ms != 0 && (s.ttl_ms < 10000 ||
			    s.ttl_ms > 86400000)) {
				consul_error(r, 500, "Invalid Session TTL "
				    "'%lld', must be between [10s=24h0m0s]",
				    (long long)s.ttl_ms * 1000000);
				goto out;
			}
		}
		str = json_string_value(consul_member(j, "Name"));
		if (str != NULL)
			s.name = xstrdup(str);
	}
	if (s.name == NULL)
		s.name = xstrdup("");
	/* ids: random-looking, unique, reproducible per seed */
	x = w->seed ^ (++c->session_seq * 0x9E3779B97F4A7C15ULL);
	for (i = 0; i < 32; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		h[i] = "0123456789abcdef"[x & 0xf];
	}
	h[32] = '\0';
	snprintf(s.id, sizeof s.id, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8,
	    h + 12, h + 16, h + 20);
	s.expires = w->rt_ms + s.ttl_ms * CONSUL_TTL_MULTIPLIER;
	sim_world_changed(w);
	s.create_index = s.modify_index = w->index;
	c->session_index = w->index;
	c->sessions = xreallocarray(c->sessions, c->nsessions + 1,
	    sizeof *c->sessions);
	c->sessions[c->nsessions++] = s;
	sim_resp_json(r, 200, json_pack("{s:s}", "ID", s.id));
	json_decref(j);
	return;
out:
	free(cause);
	free(s.name);
	json_decref(j);
}

static uint64_t
consul_session_index_cb(struct sim_world *w, const char *unused)
{
	return (consul_get(w)->session_index);
}

static void
consul_session(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *rest, enum consul_acl acl)
{
	struct consul		*c = consul_get(w);
	struct consul_session	*s;
	json_t			*a;
	const char		*id;
	uint64_t		 index, idx;
	int64_t			 wait;
	size_t			 i;

	if (strcmp(rest, "create") == 0) {
		if (!consul_method(req, "PUT", NULL)) {
			consul_method_not_allowed(req, r, "PUT");
			return;
		}
		if (acl != CONSUL_ACL_OK)
			goto denied;
		consul_session_create(w, req, r);
		return;
	}
	if (strncmp(rest, "destroy/", 8) == 0 ||
	    strncmp(rest, "renew/", 6) == 0) {
		if (!consul_method(req, "PUT", NULL)) {
			consul_method_not_allowed(req, r, "PUT");
			return;
		}
		if (acl != CONSUL_ACL_OK)
			goto denied;
		id = strchr(rest, '/') + 1;
		if (*id == '\0') {
			consul_error(r, 400, "Missing session");
			return;
		}
		s = consul_session_find(c, id);
		if (rest[0] == 'd') {
			/*
			 * Destroying is an invalidation like any other: the
			 * state store's session delete sets the lock-delay
			 * of every key the session held (agent/consul/state
			 * session.go deleteSessionTxn), so another session
			 * cannot take them for LockDelay.
			 */
			if (s != NULL)
				consul_session_invalidate(w,
				    (size_t)(s - c->sessions), true);
			sim_resp_set(r, 200, "application/json",
			    xstrdup("true"));
			return;
		}
		if (s == NULL) {
			consul_error(r, 404, "Session id '%s' not found", id);
			return;
		}
		s->expires = w->rt_ms + s->ttl_ms * CONSUL_TTL_MULTIPLIER;
		sim_resp_json(r, 200, json_pack("[o]",
		    consul_session_json(s)));
		return;
	}
	if (strncmp(rest, "info/", 5) == 0 || strcmp(rest, "list") == 0 ||
	    strncmp(rest, "node/", 5) == 0) {
		if (!consul_method(req, "GET", NULL)) {
			consul_method_not_allowed(req, r, "GET");
			return;
		}
		id = strchr(rest, '/') != NULL ? strchr(rest, '/') + 1 : NULL;
		if (id != NULL && *id == '\0') {
			consul_error(r, 400, rest[0] == 'i' ?
			    "Missing session" : "Missing node name");
			return;
		}
		if (consul_parse_wait(w, req, r, &index, &wait) != 0)
			return;
		idx = consul_block(w, consul_session_index_cb, NULL, index,
		    wait);
		a = json_array();
		for (i = 0; acl == CONSUL_ACL_OK && i < c->nsessions; i++) {
			s = &c->sessions[i];
			if (rest[0] == 'i' && strcmp(s->id, id) != 0)
				continue;
			if (rest[0] == 'n' && strcmp(s->node, id) != 0)
				continue;
			json_array_append_new(a, consul_session_json(s));
		}
		if (acl != CONSUL_ACL_OK)
			consul_filtered(r);
		sim_resp_json(r, 200, a);
		consul_set_index(r, idx);
		return;
	}
	consul_error(r, 404, "404 page not found");
	return;
denied:
	consul_error(r, 403, "Permission denied");
}

/* ------------------------------------------------------------------ */
/* KV */

static json_t *
consul_kv_json(const struct consul_kv *kv)
{
	json_t	*o;
	char	*b64;

	o = json_pack("{s:I, s:s, s:I, s:I, s:I}", "LockIndex",
	    (json_int_t)kv->lock_index, "Key", kv->key, "Flags",
	    (json_int_t)kv->flags, "CreateIndex",
	    (json_int_t)kv->create_index, "ModifyIndex",
	    (json_int_t)kv->modify_index);
	if (kv->value == NULL)
		json_object_set_new(o, "Value", json_null());
	else {
		b64 = sim_base64(kv->value, kv->len);
		json_object_set_new(o, "Value", json_string(b64));
		free(b64);
	}
	if (kv->session[0] != '\0')
		json_object_set_new(o, "Session", json_string(kv->session));
	return (o);
}

static uint64_t
consul_kv_index(struct sim_world *w, const char *key)
{
	struct consul	*c = consul_get(w);
	struct consul_kv *kv;

	if ((kv = consul_kv_find(c, key, NULL)) != NULL)
		return (kv->modify_index);
	return (c->kv_index);
}

static uint64_t
consul_kv_prefix_index(struct sim_world *w, const char *prefix)
{
	struct consul	*c = consul_get(w);
	uint64_t	 idx = 0;
	size_t		 i, plen = strlen(prefix);

	consul_kv_find(c, prefix, &i);
	for (; i < c->nkv && strncmp(c->kv[i].key, prefix, plen) == 0; i++) {
		if (c->kv[i].modify_index > idx)
			idx = c->kv[i].modify_index;
	}
	/* deletions under the prefix are not tracked one by one */
	if (c->kv_index > idx)
		idx = c->kv_index;
	return (idx);
}

static void
consul_kv_get(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *key, enum consul_acl acl)
{
	struct consul		*c = consul_get(w);
	struct consul_kv	*kv;
	json_t			*a;
	char			*sep, *last = NULL;
	uint64_t		 index, idx;
	int64_t			 wait;
	size_t			 i, plen = strlen(key), slen;
	bool			 recurse, keys;

	recurse = sim_query_has(req->query, "recurse");
	keys = sim_query_has(req->query, "keys");
	if (!recurse && !keys && *key == '\0') {
		consul_error(r, 400, "Missing key name");
		return;
	}
	if (consul_parse_wait(w, req, r, &index, &wait) != 0)
		return;
	idx = consul_block(w, recurse || keys ? consul_kv_prefix_index :
	    consul_kv_index, key, index, wait);
	if (acl != CONSUL_ACL_OK && !recurse && !keys) {
		/*
		 * One key is checked, not filtered: agent/consul/
		 * kvs_endpoint.go Get returns acl.ErrPermissionDenied when
		 * the token may not read it (403), where List and ListKeys
		 * filter their entries (FilterDirEnt).
		 */
		consul_error(r, 403, "Permission denied");
		return;
	}
	if (acl != CONSUL_ACL_OK) {
		/* the anonymous token sees no keys */
		consul_filtered(r);
		sim_resp_set(r, 404, "text/plain; charset=utf-8", NULL);
		consul_set_index(r, idx);
		return;
	}
	if (keys) {
		sep = sim_query_get(req->query, "separator");
		slen = sep != NULL ? strlen(sep) : 0;
		a = json_array();
		consul_kv_find(c, key, &i);
		for (; i < c->nkv && strncmp(c->kv[i].key, key, plen) == 0;
		    i++) {
			const char	*rest = c->kv[i].key + plen, *p;
			char		*k;

			p = slen > 0 ? strstr(rest, sep) : NULL;
			if (p != NULL)
				k = xstrndup(c->kv[i].key,
				    (size_t)(p - c->kv[i].key) + slen);
			else
				k = xstrdup(c->kv[i].key);
			if (last == NULL || strcmp(last, k) != 0) {
				json_array_append_new(a, json_string(k));
				free(last);
				last = k;
			} else
				free(k);
		}
		free(last);
		free(sep);
		if (json_array_size(a) == 0) {
			json_decref(a);
			sim_resp_set(r, 404, "text/plain; charset=utf-8",
			    NULL);
		} else
			sim_resp_json(r, 200, a);
		consul_set_index(r, idx);
		return;
	}
	if (recurse) {
		a = json_array();
		consul_kv_find(c, key, &i);
		for (; i < c->nkv && strncmp(c->kv[i].key, key, plen) == 0;
		    i++)
			json_array_append_new(a, consul_kv_json(&c->kv[i]));
		if (json_array_size(a) == 0) {
			json_decref(a);
			sim_resp_set(r, 404, "text/plain; charset=utf-8",
			    NULL);
		} else
			sim_resp_json(r, 200, a);
		consul_set_index(r, idx);
		return;
	}
	if ((kv = consul_kv_find(c, key, NULL)) == NULL) {
		sim_resp_set(r, 404, "text/plain; charset=utf-8", NULL);
		consul_set_index(r, idx);
		return;
	}
	if (sim_query_has(req->query, "raw")) {
		sim_resp_set(r, 200, "text/plain; charset=utf-8", NULL);
		if (kv->value != NULL) {
			r->body = xmalloc(kv->len + 1);
			memcpy(r->body, kv->value, kv->len);
			r->body[kv->len] = '\0';
			r->len = kv->len;
		}
	} else
		sim_resp_json(r, 200, json_pack("[o]", consul_kv_json(kv)));
	consul_set_index(r, idx);
}

static bool
consul_parse_u64(const struct sim_req *req, const char *name, uint64_t *v,
    bool *present, struct sim_resp *r)
{
	char		*s;
	const char	*errstr;
	long long	 ll;

	*present = false;
	if ((s = sim_query_get(req->query, name)) == NULL)
		return (true);
	*present = true;
	if (util_parse_ll(s, 0, LLONG_MAX, &ll, &errstr) != 0) {
		consul_error(r, 400, "Invalid %s index", name);
		free(s);
		return (false);
	}
	*v = (uint64_t)ll;
	free(s);
	return (true);
}

static void
consul_kv_put(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *key)
{
	struct consul		*c = consul_get(w);
	struct consul_kv	*kv, nkv;
	char			*acquire, *release, *fl;
	const char		*errstr;
	uint64_t		 cas = 0, flags = 0;
	bool			 has_cas, ok = false;
	long long		 ll;
	size_t			 at;

	if (*key == '\0') {
		consul_error(r, 400, "Missing key name");
		return;
	}
	if (req->bodylen > CONSUL_KV_MAX) {
		consul_error(r, 413, "Value exceeds %d byte limit",
		    CONSUL_KV_MAX);
		return;
	}
	if (!consul_parse_u64(req, "cas", &cas, &has_cas, r))
		return;
	if ((fl = sim_query_get(req->query, "flags")) != NULL) {
		if (util_parse_ll(fl, 0, LLONG_MAX, &ll, &errstr) != 0) {
			/* consul parses uint64; ours is narrower */
			free(fl);
			consul_error(r, 400, "Invalid flags");
			return;
		}
		flags = (uint64_t)ll;
		free(fl);
	}
	acquire = sim_query_get(req->query, "acquire");
	release = sim_query_get(req->query, "release");
	if ((acquire != NULL && consul_session_find(c, acquire) == NULL) ||
	    (release != NULL && consul_session_find(c, release) == NULL)) {
		consul_error(r, 500, "Invalid session \"%s\"",
		    acquire != NULL ? acquire : release);
		goto out;
	}
	kv = consul_kv_find(c, key, &at);
	if (has_cas && ((cas == 0 && kv != NULL) ||
	    (cas != 0 && (kv == NULL || kv->modify_index != cas))))
		goto answer;
	if (acquire != NULL && kv != NULL && kv->session[0] != '\0' &&
	    strcmp(kv->session, acquire) != 0)
		goto answer;
	if (acquire != NULL && kv != NULL && kv->session[0] == '\0' &&
	    w->rt_ms < kv->lock_delay_until)
		goto answer;
	if (acquire != NULL && kv == NULL &&
	    w->rt_ms < consul_delay_get(c, key, w->rt_ms))
		goto answer;
	if (release != NULL && (kv == NULL ||
	    strcmp(kv->session, release) != 0))
		goto answer;

	sim_world_changed(w);
	if (kv == NULL) {
		memset(&nkv, 0, sizeof nkv);
		nkv.key = xstrdup(key);
		nkv.create_index = w->index;
		nkv.lock_delay_until = consul_delay_get(c, key, w->rt_ms);
		c->kv = xreallocarray(c->kv, c->nkv + 1, sizeof *c->kv);
		memmove(&c->kv[at + 1], &c->kv[at],
		    (c->nkv - at) * sizeof *c->kv);
		c->kv[at] = nkv;
		c->nkv++;
		kv = &c->kv[at];
	}
	free(kv->value);
	kv->value = xmalloc(req->bodylen + 1);
	memcpy(kv->value, req->body, req->bodylen);
	kv->len = req->bodylen;
	kv->flags = flags;
	kv->modify_index = w->index;
	if (acquire != NULL && strcmp(kv->session, acquire) != 0) {
		snprintf(kv->session, sizeof kv->session, "%s", acquire);
		kv->lock_index++;
	}
	if (release != NULL)
		kv->session[0] = '\0';
	c->kv_index = w->index;
	ok = true;
answer:
	sim_resp_set(r, 200, "application/json", xstrdup(ok ? "true" :
	    "false"));
out:
	free(acquire);
	free(release);
}

static void
consul_kv_delete(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *key)
{
	struct consul		*c = consul_get(w);
	struct consul_kv	*kv;
	uint64_t		 cas = 0;
	bool			 has_cas, ok = true;
	size_t			 at, plen = strlen(key);

	if (!consul_parse_u64(req, "cas", &cas, &has_cas, r))
		return;
	if (sim_query_has(req->query, "recurse")) {
		consul_kv_find(c, key, &at);
		if (at < c->nkv && strncmp(c->kv[at].key, key, plen) == 0) {
			sim_world_changed(w);
			while (at < c->nkv &&
			    strncmp(c->kv[at].key, key, plen) == 0)
				consul_kv_remove(c, at);
			c->kv_index = w->index;
		}
		goto answer;
	}
	if (*key == '\0') {
		consul_error(r, 400, "Missing key name");
		return;
	}
	kv = consul_kv_find(c, key, &at);
	if (has_cas && (cas == 0 || kv == NULL || kv->modify_index != cas)) {
		ok = false;
		goto answer;
	}
	if (kv != NULL) {
		sim_world_changed(w);
		consul_kv_remove(c, at);
		c->kv_index = w->index;
	}
answer:
	sim_resp_set(r, 200, "application/json", xstrdup(ok ? "true" :
	    "false"));
}

static void
consul_kv(struct sim_world *w, const struct sim_req *req, struct sim_resp *r,
    const char *key, enum consul_acl acl)
{
	if (consul_method(req, "GET", NULL)) {
		consul_kv_get(w, req, r, key, acl);
		return;
	}
	if (strcmp(req->method, "PUT") != 0 &&
	    strcmp(req->method, "DELETE") != 0) {
		consul_method_not_allowed(req, r, "GET,PUT,DELETE");
		return;
	}
	if (acl != CONSUL_ACL_OK) {
		consul_error(r, 403, "Permission denied");
		return;
	}
	if (strcmp(req->method, "PUT") == 0)
		consul_kv_put(w, req, r, key);
	else
		consul_kv_delete(w, req, r, key);
}

/* ------------------------------------------------------------------ */

static void
consul_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	enum consul_acl	 acl;
	const char	*p = req->path;

	consul_get(w);
	acl = consul_acl(w, req);
	if (acl == CONSUL_ACL_BAD) {
		consul_error(r, 403, "ACL not found");
		return;
	}
	if (strcmp(p, "/") == 0) {
		sim_resp_set(r, 200, "text/plain; charset=utf-8",
		    xstrdup("Consul Agent"));
		return;
	}
	if (!consul_dc_ok(req, r))
		return;
	if (sim_query_has(req->query, "stale") &&
	    sim_query_has(req->query, "consistent")) {
		consul_error(r, 400, "Cannot specify ?stale with ?consistent, "
		    "conflicting semantics.");
		return;
	}

	if (strncmp(p, "/v1/kv/", 7) == 0) {
		consul_kv(w, req, r, p + 7, acl);
		return;
	}
	if (strncmp(p, "/v1/session/", 12) == 0) {
		consul_session(w, req, r, p + 12, acl);
		return;
	}
	if (strcmp(p, "/v1/agent/service/register") == 0) {
		if (strcmp(req->method, "PUT") != 0) {
			consul_method_not_allowed(req, r, "PUT");
			return;
		}
		if (acl != CONSUL_ACL_OK) {
			consul_error(r, 403, "Permission denied");
			return;
		}
		consul_agent_register(w, req, r);
		return;
	}
	if (strncmp(p, "/v1/agent/service/deregister/", 29) == 0) {
		if (strcmp(req->method, "PUT") != 0) {
			consul_method_not_allowed(req, r, "PUT");
			return;
		}
		if (acl != CONSUL_ACL_OK) {
			consul_error(r, 403, "Permission denied");
			return;
		}
		consul_agent_deregister(w, p + 29, r);
		return;
	}

	/* the read-only endpoints */
	if (strncmp(p, "/v1/catalog/", 12) == 0 ||
	    strncmp(p, "/v1/health/", 11) == 0 ||
	    strcmp(p, "/v1/agent/self") == 0 ||
	    strcmp(p, "/v1/status/leader") == 0) {
		if (!consul_method(req, "GET", NULL)) {
			consul_method_not_allowed(req, r, "GET");
			return;
		}
	}
	if (strcmp(p, "/v1/catalog/nodes") == 0)
		consul_catalog_nodes(w, req, r, acl);
	else if (strncmp(p, "/v1/catalog/node/", 17) == 0)
		consul_catalog_node(w, req, r, p + 17, acl);
	else if (strcmp(p, "/v1/catalog/datacenters") == 0)
		sim_resp_json(r, 200, json_pack("[s]", CONSUL_DC));
	else if (strncmp(p, "/v1/health/checks/", 18) == 0)
		consul_health_checks(w, req, r, p + 18, false, acl);
	else if (strncmp(p, "/v1/health/node/", 16) == 0)
		consul_health_checks(w, req, r, p + 16, true, acl);
	else if (strcmp(p, "/v1/agent/self") == 0)
		consul_agent_self(w, r, acl);
	else if (strcmp(p, "/v1/catalog/services") == 0)
		consul_catalog_services(w, req, r, acl);
	else if (strncmp(p, "/v1/catalog/service/", 20) == 0)
		consul_service_nodes(w, req, r, p + 20, false, acl);
	else if (strncmp(p, "/v1/health/service/", 19) == 0)
		consul_service_nodes(w, req, r, p + 19, true, acl);
	else if (strncmp(p, "/v1/health/state/", 17) == 0)
		consul_health_state(w, req, r, p + 17, acl);
	else if (strcmp(p, "/v1/status/leader") == 0)
		sim_resp_json(r, 200, json_string(CONSUL_SERVER_ADDR ":8300"));
	else
		sim_resp_set(r, 404, "text/plain; charset=utf-8", NULL);
}

/*
 * Every answer that carries query metadata (X-Consul-Index) also says
 * which consistency mode served it: agent/http.go setMeta calls
 * setConsistency with the QueryMeta's ConsistencyLevel, "leader" by
 * default, "stale" or "consistent" when asked for.
 */
void
sim_consul_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	size_t	i;

	consul_handle(w, req, r);
	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, "X-Consul-Index") != 0)
			continue;
		sim_resp_header(r, "X-Consul-Effective-Consistency",
		    sim_query_has(req->query, "stale") ? "stale" :
		    sim_query_has(req->query, "consistent") ? "consistent" :
		    "leader");
		break;
	}
}
