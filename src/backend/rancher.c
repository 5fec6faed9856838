/*
 * rancher.c: decode Rancher 1.6 v2-beta collections (pure).
 *
 * {"type":"collection","data":[...],"pagination":{"next","partial",..}}
 * (apis.md §1.4); errors {"type":"error","status","code","message"}
 * (§1.5).  Host state quirk (§1.6): the API replaces an active host's
 * state with a non-blank agentState; we also read state "active" with
 * agentState "disconnected" (older or filtered answers) as disconnected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "log.h"
#include "util.h"

#define SYS "rancher"

const char *
backend_rancher_host_state(const char *state, const char *agent_state)
{
	if (state == NULL)
		return (agent_state);
	if (strcmp(state, "active") == 0 && agent_state != NULL &&
	    *agent_state != '\0' && strcmp(agent_state, "active") != 0)
		return (agent_state);
	return (state);
}

static void
rancher_strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

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

static void
rancher_stack_clear(struct fleet_rancher_stack_u *s)
{
	free(s->id);
	free(s->name);
	free(s->state);
	free(s->health);
}

static void
rancher_service_clear(struct fleet_rancher_service_u *s)
{
	free(s->id);
	free(s->stack_id);
	free(s->name);
	free(s->state);
	free(s->health);
	free(s->image);
	rancher_strv_free(s->instance_ids, s->ninstance_ids);
}

static void
rancher_host_clear(struct fleet_rancher_host_u *h)
{
	free(h->id);
	free(h->hostname);
	free(h->state);
	free(h->agent_state);
	rancher_strv_free(h->instance_ids, h->ninstance_ids);
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
backend_rancher_decode(enum backend_rancher_kind kind, const char *body,
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
				rancher_stack_clear(&acc->stacks[base + i]);
			else if (kind == BACKEND_RANCHER_SERVICES)
				rancher_service_clear(&acc->services[base + i]);
			else
				rancher_host_clear(&acc->hosts[base + i]);
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
backend_rancher_decode_projects(const char *body, size_t len,
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
