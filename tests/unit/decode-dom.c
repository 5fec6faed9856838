/*
 * decode-dom.c: the jansson (DOM) decoders that the streaming decoders
 * of src/backend/ replaced, kept out of bbbctl as the reference that
 * tests/unit/test-backend-dom.c, the fuzzers and the decode benchmark
 * compare the streaming decoders with.  They share with them what both
 * must read alike (decode.h, "shared with the reference decoders").
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "decode-dom.h"
#include "log.h"
#include "util.h"

/* ---- consul (src/backend/consul.c) ---------------------------------- */

#define SYS "consul"

static int
consul_decode_check(const json_t *c, const char *path,
    struct fleet_consul_check_u *uc, char **cause)
{
	const char	*status;

	if (!json_is_object(c)) {
		*cause = bkj_type_error(SYS, path, "an object", c);
		return (-1);
	}
	if (bkj_cstring(SYS, c, path, "Status", BKJ_REQUIRED, &status,
	    cause) != 0)
		return (-1);
	uc->status = backend_consul_status(status);
	if (bkj_string(SYS, c, path, "CheckID", BKJ_OPTIONAL, &uc->check_id,
	    cause) != 0 ||
	    bkj_string(SYS, c, path, "Name", BKJ_OPTIONAL, &uc->name,
	    cause) != 0 ||
	    bkj_string(SYS, c, path, "Output", BKJ_OPTIONAL, &uc->output,
	    cause) != 0)
		return (-1);
	return (0);
}

static int
consul_decode_entry(const json_t *e, size_t i, struct fleet_consul_node_u *un,
    char **cause)
{
	json_t		*node, *service, *checks, *c;
	const char	*addr, *saddr;
	char		 path[64], cpath[96];
	size_t		 j;

	snprintf(path, sizeof path, "[%zu]", i);
	if (!json_is_object(e)) {
		*cause = bkj_type_error(SYS, path, "an object", e);
		return (-1);
	}
	if (bkj_object(SYS, e, path, "Node", BKJ_REQUIRED, &node, cause) != 0)
		return (-1);
	snprintf(path, sizeof path, "[%zu].Node", i);
	if (bkj_string(SYS, node, path, "Node", BKJ_REQUIRED, &un->node,
	    cause) != 0 ||
	    bkj_cstring(SYS, node, path, "Address", BKJ_OPTIONAL, &addr,
	    cause) != 0)
		return (-1);

	snprintf(path, sizeof path, "[%zu]", i);
	if (bkj_object(SYS, e, path, "Service", BKJ_OPTIONAL, &service,
	    cause) != 0)
		return (-1);
	saddr = NULL;
	if (service != NULL) {
		snprintf(path, sizeof path, "[%zu].Service", i);
		if (bkj_cstring(SYS, service, path, "Address", BKJ_OPTIONAL,
		    &saddr, cause) != 0)
			return (-1);
	}
	if (saddr != NULL && *saddr != '\0')
		un->address = xstrdup(saddr);
	else if (addr != NULL && *addr != '\0')
		un->address = xstrdup(addr);

	snprintf(path, sizeof path, "[%zu]", i);
	if (bkj_array(SYS, e, path, "Checks", BKJ_OPTIONAL, &checks,
	    cause) != 0)
		return (-1);
	if (checks == NULL || json_array_size(checks) == 0)
		return (0);
	if (json_array_size(checks) > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, path, "Checks", "too many entries");
		return (-1);
	}
	un->checks = xcalloc(json_array_size(checks), sizeof *un->checks);
	json_array_foreach(checks, j, c) {
		snprintf(cpath, sizeof cpath, "[%zu].Checks[%zu]", i, j);
		un->nchecks = j + 1;
		if (consul_decode_check(c, cpath, &un->checks[j], cause) != 0)
			return (-1);
	}
	return (0);
}

int
backend_consul_decode_dom(const char *body, size_t len,
    struct fleet_consul_update **out, char **cause)
{
	struct fleet_consul_update	*u;
	json_t				*root, *e;
	size_t				 i, n;

	*out = NULL;
	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_array(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an array, got %s",
		    bkj_type_name(root));
		json_decref(root);
		return (-1);
	}
	n = json_array_size(root);
	if (n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", NULL, "too many entries (%zu)", n);
		json_decref(root);
		return (-1);
	}
	u = xcalloc(1, sizeof *u);
	u->nodes = xcalloc(n, sizeof *u->nodes);
	json_array_foreach(root, i, e) {
		u->nnodes = i + 1;
		if (consul_decode_entry(e, i, &u->nodes[i], cause) != 0) {
			fleet_consul_update_free(u);
			json_decref(root);
			return (-1);
		}
	}
	json_decref(root);
	*out = u;
	return (0);
}

#undef SYS

/* ---- scalelite (src/backend/scalelite.c) ---------------------------- */

#define SYS "scalelite"

static int
sl_number(const json_t *obj, const char *path, const char *key,
    const char *nil_word, double *out, char **cause)
{
	json_t		*v;
	const char	*why;

	*out = NAN;
	v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return (0);
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return (0);
	}
	if (!json_is_string(v)) {
		*cause = bkj_error(SYS, path, key, "expected a number, got %s",
		    bkj_type_name(v));
		return (-1);
	}
	if (nil_word != NULL && strcmp(json_string_value(v), nil_word) == 0)
		return (0);
	if (*json_string_value(v) == '\0')
		return (0);
	if (util_parse_double(json_string_value(v), out, &why) != 0) {
		*cause = bkj_error(SYS, path, key, "%s: \"%.32s\"", why,
		    json_string_value(v));
		return (-1);
	}
	return (0);
}

static int
sl_decode_server(const json_t *s, const char *path,
    struct fleet_sl_server_u *u, struct backend_sl_secret *sec, char **cause)
{
	const char	*state, *online, *secret, *tag, *ver;

	if (!json_is_object(s)) {
		*cause = bkj_type_error(SYS, path, "an object", s);
		return (-1);
	}
	if (bkj_string(SYS, s, path, "id", BKJ_REQUIRED, &u->id, cause) != 0 ||
	    bkj_string(SYS, s, path, "url", BKJ_REQUIRED, &u->url,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "secret", BKJ_OPTIONAL, &secret,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "state", BKJ_OPTIONAL, &state,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "online", BKJ_OPTIONAL, &online,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "tag", BKJ_OPTIONAL, &tag, cause) != 0 ||
	    bkj_cstring(SYS, s, path, "bbb_version", BKJ_OPTIONAL, &ver,
	    cause) != 0)
		return (-1);
	if (sl_number(s, path, "load", "unavailable", &u->load, cause) != 0 ||
	    sl_number(s, path, "load_multiplier", NULL, &u->load_multiplier,
	    cause) != 0)
		return (-1);

	if (backend_sl_states(path, state, online, u, cause) != 0)
		return (-1);
	u->tag = tag != NULL && *tag != '\0' ? xstrdup(tag) : NULL;
	u->bbb_version = ver != NULL && *ver != '\0' ? xstrdup(ver) : NULL;

	if (sec != NULL) {
		sec->url = xstrdup(u->url);
		sec->secret = xstrdup(secret != NULL ? secret : "");
		sec->pollable = secret != NULL && *secret != '\0' &&
		    u->online != 0 && u->state != FLEET_LB_DISABLED;
	}
	return (0);
}

int
backend_scalelite_decode_dom(const char *body, size_t len,
    struct fleet_scalelite_update **out, struct backend_sl_secrets *secrets,
    char **cause)
{
	struct fleet_scalelite_update	*u;
	json_t				*root, *s;
	const char			*err;
	char				 path[32];
	size_t				 i, n, k;

	*out = NULL;
	if (secrets != NULL)
		memset(secrets, 0, sizeof *secrets);
	for (k = 0; k < len && isspace((unsigned char)body[k]); k++)
		/* nothing */;
	if (k < len && body[k] == '<')
		return (backend_sl_decode_xml(body, len, out, cause));

	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (-1);
	if (json_is_object(root)) {
		if (bkj_cstring(SYS, root, "", "error", BKJ_REQUIRED, &err,
		    cause) != 0) {
			json_decref(root);
			return (-1);
		}
		if (strcmp(err, "No servers are configured") == 0) {
			json_decref(root);
			*out = xcalloc(1, sizeof **out);
			return (0);
		}
		*cause = xasprintf("%s: %.200s", SYS, err);
		json_decref(root);
		return (-1);
	}
	if (!json_is_array(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an array, got %s",
		    bkj_type_name(root));
		json_decref(root);
		return (-1);
	}
	n = json_array_size(root);
	if (n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", NULL, "too many servers (%zu)", n);
		json_decref(root);
		return (-1);
	}
	u = xcalloc(1, sizeof *u);
	u->servers = xcalloc(n, sizeof *u->servers);
	if (secrets != NULL)
		secrets->v = xcalloc(n, sizeof *secrets->v);
	json_array_foreach(root, i, s) {
		snprintf(path, sizeof path, "[%zu]", i);
		u->nservers = i + 1;
		if (secrets != NULL)
			secrets->n = i + 1;
		if (sl_decode_server(s, path, &u->servers[i],
		    secrets != NULL ? &secrets->v[i] : NULL, cause) != 0) {
			fleet_scalelite_update_free(u);
			backend_sl_secrets_free(secrets);
			json_decref(root);
			return (-1);
		}
	}
	json_decref(root);
	*out = u;
	return (0);
}

#undef SYS

/* ---- rancher (src/backend/rancher.c) -------------------------------- */

#define SYS "rancher"

static int
rancher_ids(const json_t *o, const char *path, const char *key, char ***v,
    size_t *n, char **cause)
{
	json_t	*a, *e;
	size_t	 i;
	char	 epath[96];

	*v = NULL;
	*n = 0;
	if (bkj_array(SYS, o, path, key, BKJ_OPTIONAL, &a, cause) != 0)
		return (-1);
	if (a == NULL || json_array_size(a) == 0)
		return (0);
	if (json_array_size(a) > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, path, key, "too many entries");
		return (-1);
	}
	*v = xcalloc(json_array_size(a), sizeof **v);
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			snprintf(epath, sizeof epath, "%s[%zu]", key, i);
			*cause = bkj_error(SYS, path, epath, "expected a "
			    "string, got %s", bkj_type_name(e));
			return (-1);
		}
		(*v)[(*n)++] = xstrdup(json_string_value(e));
	}
	return (0);
}

/* Rancher writes "system" as a boolean; tolerate its absence. */
static int
rancher_common(const json_t *o, const char *path, char **id, char **name,
    char **state, char **health, char **cause)
{
	if (bkj_string(SYS, o, path, "id", BKJ_REQUIRED, id, cause) != 0 ||
	    bkj_string(SYS, o, path, "name", BKJ_OPTIONAL, name, cause) != 0 ||
	    bkj_string(SYS, o, path, "state", BKJ_OPTIONAL, state,
	    cause) != 0)
		return (-1);
	if (health != NULL && bkj_string(SYS, o, path, "healthState",
	    BKJ_OPTIONAL, health, cause) != 0)
		return (-1);
	return (0);
}

static int
rancher_stack(const json_t *o, const char *path,
    struct fleet_rancher_stack_u *s, char **cause)
{
	if (rancher_common(o, path, &s->id, &s->name, &s->state, &s->health,
	    cause) != 0 ||
	    bkj_bool(SYS, o, path, "system", BKJ_OPTIONAL, &s->system,
	    cause) != 0)
		return (-1);
	return (0);
}

static int
rancher_service(const json_t *o, const char *path,
    struct fleet_rancher_service_u *s, char **cause)
{
	json_t		*lc;
	const char	*image;
	long long	 scale;
	char		 lpath[96];

	if (rancher_common(o, path, &s->id, &s->name, &s->state, &s->health,
	    cause) != 0 ||
	    bkj_string(SYS, o, path, "stackId", BKJ_OPTIONAL, &s->stack_id,
	    cause) != 0 ||
	    bkj_int(SYS, o, path, "scale", BKJ_OPTIONAL, 0, 1000000, &scale,
	    cause) != 0 ||
	    bkj_bool(SYS, o, path, "system", BKJ_OPTIONAL, &s->system,
	    cause) != 0 ||
	    bkj_object(SYS, o, path, "launchConfig", BKJ_OPTIONAL, &lc,
	    cause) != 0 ||
	    rancher_ids(o, path, "instanceIds", &s->instance_ids,
	    &s->ninstance_ids, cause) != 0)
		return (-1);
	s->scale = (int)scale;
	if (lc != NULL) {
		snprintf(lpath, sizeof lpath, "%s.launchConfig", path);
		if (bkj_cstring(SYS, lc, lpath, "imageUuid", BKJ_OPTIONAL,
		    &image, cause) != 0)
			return (-1);
		if (image != NULL) {
			if (strncmp(image, "docker:", 7) == 0)
				image += 7;
			s->image = xstrdup(image);
		}
	}
	return (0);
}

static int
rancher_host(const json_t *o, const char *path,
    struct fleet_rancher_host_u *h, char **cause)
{
	char		*name = NULL, *state = NULL;
	const char	*agent, *hostname, *st;

	if (rancher_common(o, path, &h->id, &name, &state, NULL, cause) != 0 ||
	    bkj_cstring(SYS, o, path, "agentState", BKJ_OPTIONAL, &agent,
	    cause) != 0 ||
	    bkj_cstring(SYS, o, path, "hostname", BKJ_OPTIONAL, &hostname,
	    cause) != 0 ||
	    rancher_ids(o, path, "instanceIds", &h->instance_ids,
	    &h->ninstance_ids, cause) != 0) {
		free(name);
		free(state);
		return (-1);
	}
	if (hostname != NULL && *hostname != '\0')
		h->hostname = xstrdup(hostname);
	else if (name != NULL && *name != '\0') {
		h->hostname = name;
		name = NULL;
	}
	free(name);
	if (agent != NULL && *agent != '\0')
		h->agent_state = xstrdup(agent);
	st = backend_rancher_host_state(state, h->agent_state);
	h->state = st != NULL ? xstrdup(st) : NULL;
	free(state);
	return (0);
}

/* The root object, errors and the collection's data array. */
static json_t *
rancher_collection(const char *body, size_t len, json_t **data,
    char **cause)
{
	json_t		*root;
	const char	*type, *code, *msg;
	long long	 status;

	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (NULL);
	if (!json_is_object(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an object, got %s",
		    bkj_type_name(root));
		goto fail;
	}
	if (bkj_cstring(SYS, root, "", "type", BKJ_OPTIONAL, &type,
	    cause) != 0)
		goto fail;
	if (type != NULL && strcmp(type, "error") == 0) {
		if (bkj_int(SYS, root, "", "status", BKJ_OPTIONAL, 0, 999,
		    &status, cause) != 0 ||
		    bkj_cstring(SYS, root, "", "code", BKJ_OPTIONAL, &code,
		    cause) != 0 ||
		    bkj_cstring(SYS, root, "", "message", BKJ_OPTIONAL, &msg,
		    cause) != 0)
			goto fail;
		*cause = xasprintf("%s: error %lld %s: %.200s", SYS, status,
		    code != NULL ? code : "?", msg != NULL ? msg : "");
		goto fail;
	}
	if (bkj_array(SYS, root, "", "data", BKJ_REQUIRED, data, cause) != 0)
		goto fail;
	if (json_array_size(*data) > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", "data", "too many entries");
		goto fail;
	}
	return (root);

fail:
	json_decref(root);
	return (NULL);
}

static int
rancher_next(const json_t *root, char **next, char **cause)
{
	json_t		*pg;
	const char	*n;
	bool		 partial;

	*next = NULL;
	if (bkj_object(SYS, root, "", "pagination", BKJ_OPTIONAL, &pg,
	    cause) != 0)
		return (-1);
	if (pg == NULL)
		return (0);
	if (bkj_cstring(SYS, pg, "pagination", "next", BKJ_OPTIONAL, &n,
	    cause) != 0 ||
	    bkj_bool(SYS, pg, "pagination", "partial", BKJ_OPTIONAL, &partial,
	    cause) != 0)
		return (-1);
	/* cattle: partial => truncated; a next link alone also counts. */
	if (n != NULL && *n != '\0')
		*next = xstrdup(n);
	return (0);
}

int
backend_rancher_decode_dom(enum backend_rancher_kind kind, const char *body,
    size_t len, struct fleet_rancher_update *acc, char **next, char **cause)
{
	json_t	*root, *data, *o;
	size_t	 i, n, base;
	char	 path[48];
	int	 rc = 0;

	*next = NULL;
	if ((root = rancher_collection(body, len, &data, cause)) == NULL)
		return (-1);
	n = json_array_size(data);
	switch (kind) {
	case BACKEND_RANCHER_STACKS:
		base = acc->nstacks;
		acc->stacks = xreallocarray(acc->stacks, base + n,
		    sizeof *acc->stacks);
		memset(acc->stacks + base, 0, n * sizeof *acc->stacks);
		break;
	case BACKEND_RANCHER_SERVICES:
		base = acc->nservices;
		acc->services = xreallocarray(acc->services, base + n,
		    sizeof *acc->services);
		memset(acc->services + base, 0, n * sizeof *acc->services);
		break;
	case BACKEND_RANCHER_HOSTS:
		base = acc->nhosts;
		acc->hosts = xreallocarray(acc->hosts, base + n,
		    sizeof *acc->hosts);
		memset(acc->hosts + base, 0, n * sizeof *acc->hosts);
		break;
	default:
		fatalx("rancher: bad kind %d", kind);
	}
	json_array_foreach(data, i, o) {
		snprintf(path, sizeof path, "data[%zu]", i);
		if (!json_is_object(o)) {
			*cause = bkj_type_error(SYS, path, "an object", o);
			rc = -1;
		} else if (kind == BACKEND_RANCHER_STACKS)
			rc = rancher_stack(o, path, &acc->stacks[base + i],
			    cause);
		else if (kind == BACKEND_RANCHER_SERVICES)
			rc = rancher_service(o, path, &acc->services[base + i],
			    cause);
		else
			rc = rancher_host(o, path, &acc->hosts[base + i],
			    cause);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = rancher_next(root, next, cause);
	if (rc != 0) {
		/* Drop this whole page; acc stays as it was. */
		for (i = 0; i < n; i++) {
			if (kind == BACKEND_RANCHER_STACKS)
				backend_rancher_stack_clear(
				    &acc->stacks[base + i]);
			else if (kind == BACKEND_RANCHER_SERVICES)
				backend_rancher_service_clear(
				    &acc->services[base + i]);
			else
				backend_rancher_host_clear(
				    &acc->hosts[base + i]);
		}
	} else {
		if (kind == BACKEND_RANCHER_STACKS)
			acc->nstacks += n;
		else if (kind == BACKEND_RANCHER_SERVICES)
			acc->nservices += n;
		else
			acc->nhosts += n;
	}
	json_decref(root);
	return (rc);
}

int
backend_rancher_decode_projects_dom(const char *body, size_t len,
    const char *want, char **id, char **cause)
{
	json_t		*root, *data, *o;
	const char	*pid, *name, *state;
	char		 path[48];
	size_t		 i;

	*id = NULL;
	if ((root = rancher_collection(body, len, &data, cause)) == NULL)
		return (-1);
	json_array_foreach(data, i, o) {
		snprintf(path, sizeof path, "data[%zu]", i);
		if (!json_is_object(o)) {
			*cause = bkj_type_error(SYS, path, "an object", o);
			goto fail;
		}
		if (bkj_cstring(SYS, o, path, "id", BKJ_REQUIRED, &pid,
		    cause) != 0 ||
		    bkj_cstring(SYS, o, path, "name", BKJ_OPTIONAL, &name,
		    cause) != 0 ||
		    bkj_cstring(SYS, o, path, "state", BKJ_OPTIONAL, &state,
		    cause) != 0)
			goto fail;
		if (want != NULL) {
			if (strcmp(pid, want) == 0 ||
			    (name != NULL && strcmp(name, want) == 0))
				break;
		} else if (state == NULL || strcmp(state, "active") == 0)
			break;
	}
	if (i == json_array_size(data)) {
		if (want != NULL)
			*cause = xasprintf("%s: no project (environment) "
			    "\"%.64s\"", SYS, want);
		else
			*cause = xasprintf("%s: no active project "
			    "(environment)", SYS);
		goto fail;
	}
	*id = xstrdup(pid);
	json_decref(root);
	return (0);

fail:
	json_decref(root);
	return (-1);
}

#undef SYS

/* ---- nova (src/backend/openstack.c) --------------------------------- */

#define NSYS "nova"

static int
nova_fault(const json_t *root, char **cause)
{
	const char	*key, *msg;
	json_t		*v;
	long long	 code;

	json_object_foreach((json_t *)root, key, v) {
		if (!json_is_object(v) || !bkj_has(v, "message"))
			continue;
		if (bkj_int(NSYS, v, key, "code", BKJ_OPTIONAL, 0, 999, &code,
		    cause) != 0 ||
		    bkj_cstring(NSYS, v, key, "message", BKJ_OPTIONAL, &msg,
		    cause) != 0)
			return (-1);
		*cause = xasprintf("%s: %.32s (%lld): %.200s", NSYS, key, code,
		    msg);
		return (-1);
	}
	*cause = bkj_error(NSYS, "", "servers", "missing");
	return (-1);
}

static int
nova_addresses(const json_t *s, const char *path, char **out, char **cause)
{
	json_t		*addrs, *list, *a;
	const char	*net, *addr;
	struct buf	 b = { 0 };
	char		 apath[160];
	size_t		 i;

	*out = NULL;
	if (bkj_object(NSYS, s, path, "addresses", BKJ_OPTIONAL, &addrs,
	    cause) != 0)
		return (-1);
	if (addrs == NULL)
		return (0);
	json_object_foreach(addrs, net, list) {
		if (!json_is_array(list)) {
			snprintf(apath, sizeof apath, "%s.addresses", path);
			*cause = bkj_error(NSYS, apath, net, "expected an "
			    "array, got %s", bkj_type_name(list));
			goto fail;
		}
		json_array_foreach(list, i, a) {
			snprintf(apath, sizeof apath, "%s.addresses.%.32s[%zu]",
			    path, net, i);
			if (!json_is_object(a)) {
				*cause = bkj_type_error(NSYS, apath,
				    "an object", a);
				goto fail;
			}
			if (bkj_cstring(NSYS, a, apath, "addr", BKJ_REQUIRED,
			    &addr, cause) != 0)
				goto fail;
			if (b.len != 0)
				buf_adds(&b, ", ");
			buf_adds(&b, addr);
		}
	}
	if (b.len != 0)
		*out = buf_steal(&b);
	return (0);

fail:
	buf_free(&b);
	return (-1);
}

static int
nova_server(const json_t *s, const char *path, struct fleet_os_server_u *u,
    char **cause)
{
	json_t		*flavor;
	const char	*created, *fname;
	char		 fpath[96];

	if (!json_is_object(s)) {
		*cause = bkj_type_error(NSYS, path, "an object", s);
		return (-1);
	}
	if (bkj_string(NSYS, s, path, "id", BKJ_REQUIRED, &u->id, cause) != 0 ||
	    bkj_string(NSYS, s, path, "name", BKJ_OPTIONAL, &u->name,
	    cause) != 0 ||
	    bkj_string(NSYS, s, path, "status", BKJ_REQUIRED, &u->status,
	    cause) != 0 ||
	    bkj_cstring(NSYS, s, path, "created", BKJ_OPTIONAL, &created,
	    cause) != 0 ||
	    bkj_object(NSYS, s, path, "flavor", BKJ_OPTIONAL, &flavor,
	    cause) != 0 ||
	    nova_addresses(s, path, &u->addresses, cause) != 0)
		return (-1);
	if (created != NULL && backend_parse_time(created, &u->created) != 0) {
		*cause = bkj_error(NSYS, path, "created", "not a time: "
		    "\"%.40s\"", created);
		return (-1);
	}
	if (flavor != NULL) {
		snprintf(fpath, sizeof fpath, "%s.flavor", path);
		/* original_name since microversion 2.47, id before. */
		if (bkj_cstring(NSYS, flavor, fpath, "original_name",
		    BKJ_OPTIONAL, &fname, cause) != 0)
			return (-1);
		if (fname == NULL && bkj_cstring(NSYS, flavor, fpath, "id",
		    BKJ_OPTIONAL, &fname, cause) != 0)
			return (-1);
		if (fname != NULL)
			u->flavor = xstrdup(fname);
	}
	return (0);
}

static int
nova_next(const json_t *root, char **next, char **cause)
{
	json_t		*links, *l;
	const char	*rel, *href;
	char		 path[48];
	size_t		 i;

	if (bkj_array(NSYS, root, "", "servers_links", BKJ_OPTIONAL, &links,
	    cause) != 0)
		return (-1);
	json_array_foreach(links, i, l) {
		snprintf(path, sizeof path, "servers_links[%zu]", i);
		if (!json_is_object(l)) {
			*cause = bkj_type_error(NSYS, path, "an object", l);
			return (-1);
		}
		if (bkj_cstring(NSYS, l, path, "rel", BKJ_OPTIONAL, &rel,
		    cause) != 0 ||
		    bkj_cstring(NSYS, l, path, "href", BKJ_OPTIONAL, &href,
		    cause) != 0)
			return (-1);
		if (rel != NULL && href != NULL && strcmp(rel, "next") == 0) {
			*next = xstrdup(href);
			return (0);
		}
	}
	return (0);
}

int
backend_nova_decode_dom(const char *body, size_t len,
    struct fleet_openstack_update *acc, char **next, char **cause)
{
	json_t	*root, *servers, *s;
	char	 path[48];
	size_t	 i, n, base;

	*next = NULL;
	if ((root = bkj_load(NSYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_object(root)) {
		*cause = bkj_error(NSYS, "", NULL, "expected an object, got %s",
		    bkj_type_name(root));
		goto fail;
	}
	if (!bkj_has(root, "servers")) {
		nova_fault(root, cause);
		goto fail;
	}
	if (bkj_array(NSYS, root, "", "servers", BKJ_REQUIRED, &servers,
	    cause) != 0)
		goto fail;
	n = json_array_size(servers);
	if (acc->nservers + n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(NSYS, "", "servers", "too many servers");
		goto fail;
	}
	base = acc->nservers;
	acc->servers = xreallocarray(acc->servers, base + n,
	    sizeof *acc->servers);
	memset(acc->servers + base, 0, n * sizeof *acc->servers);
	json_array_foreach(servers, i, s) {
		snprintf(path, sizeof path, "servers[%zu]", i);
		if (nova_server(s, path, &acc->servers[base + i], cause) != 0)
			goto fail_page;
	}
	if (nova_next(root, next, cause) != 0)
		goto fail_page;
	acc->nservers += n;
	json_decref(root);
	return (0);

fail_page:
	for (i = 0; i < n; i++)
		backend_nova_server_clear(&acc->servers[base + i]);
fail:
	json_decref(root);
	return (-1);
}

#undef NSYS
