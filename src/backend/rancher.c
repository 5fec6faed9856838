/*
 * rancher.c: decode Rancher 1.6 v2-beta collections (pure).
 *
 * {"type":"collection","data":[...],"pagination":{"next","partial",..}}
 * (apis.md §1.4); errors {"type":"error","status","code","message"}
 * (§1.5).  Host state quirk (§1.6): the API replaces an active host's
 * state with a non-blank agentState; we also read state "active" with
 * agentState "disconnected" (older or filtered answers) as disconnected.
 */
#include <stddef.h>
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

void
backend_rancher_stack_clear(struct fleet_rancher_stack_u *s)
{
	free(s->id);
	free(s->name);
	free(s->state);
	free(s->health);
}

void
backend_rancher_service_clear(struct fleet_rancher_service_u *s)
{
	free(s->id);
	free(s->stack_id);
	free(s->name);
	free(s->state);
	free(s->health);
	free(s->image);
	rancher_strv_free(s->instance_ids, s->ninstance_ids);
}

void
backend_rancher_host_clear(struct fleet_rancher_host_u *h)
{
	free(h->id);
	free(h->hostname);
	free(h->state);
	free(h->agent_state);
	rancher_strv_free(h->instance_ids, h->ninstance_ids);
}

/* ---- the streaming decoder ------------------------------------------- */

/*
 * One pass over the answer with jscan; per object the last value of each
 * key is kept (duplicates: the last wins, as in jansson's tree) and the
 * checks run when the object closes, in the order of the DOM decoder
 * above, so that the outputs and the messages are the same.  A syntax
 * error anywhere wins over any other error (jscan_end() runs first).
 */
enum {
	RS_ID, RS_NAME, RS_STATE, RS_HEALTH, RS_STACK_ID, RS_SCALE, RS_SYSTEM,
	RS_AGENT, RS_HOSTNAME, RS_LC, RS_IDS, RS_NF
};
static const struct jscan_field rs_fields[RS_NF] = {
	JSCAN_FIELD("id"), JSCAN_FIELD("name"), JSCAN_FIELD("state"),
	JSCAN_FIELD("healthState"), JSCAN_FIELD("stackId"),
	JSCAN_FIELD("scale"), JSCAN_FIELD("system"),
	JSCAN_FIELD("agentState"), JSCAN_FIELD("hostname"),
	JSCAN_STOP("launchConfig"), JSCAN_STOP("instanceIds")
};

static const struct jscan_field rs_lc_fields[1] = {
	JSCAN_FIELD("imageUuid")
};

struct rs_elem {
	struct jscan_keys	 keys, lc_keys;	/* rs_fields, rs_lc_fields */
	struct jscan_val	 v[RS_NF];	/* last value of each key */
	struct jscan_val	 image;		/* launchConfig.imageUuid */
	struct jscan_val	*idv;		/* instanceIds strings */
	size_t			 nidv, capidv;
	size_t			 nids;		/* all elements */
	struct jscan_val	 bad;		/* first non-string */
	size_t			 badidx;
};

struct rs_page {
	enum backend_rancher_kind kind;
	bool			 projects;
	const char		*want;		/* projects */
	void			**arr;		/* acc's array: items go */
	size_t			 base;		/* after its base ones */
	size_t			 n, cap, count;	/* decoded, room, all */
	char			*cause;		/* first element error */
	char			*pid;		/* projects: the match */
	struct rs_elem		 e;
};

struct rs_root {
	struct jscan_val	 type, status, code, message, data;
	struct jscan_val	 pag, next, partial;
	struct rs_page		 page;
};

static size_t
rs_item_size(enum backend_rancher_kind kind)
{
	switch (kind) {
	case BACKEND_RANCHER_STACKS:
		return (sizeof (struct fleet_rancher_stack_u));
	case BACKEND_RANCHER_SERVICES:
		return (sizeof (struct fleet_rancher_service_u));
	case BACKEND_RANCHER_HOSTS:
		return (sizeof (struct fleet_rancher_host_u));
	}
	fatalx("rancher: bad kind %d", kind);
}

static void
rs_page_reset(struct rs_page *pg)
{
	size_t	 i;

	for (i = pg->base; i < pg->base + pg->n; i++) {
		if (pg->kind == BACKEND_RANCHER_STACKS)
			backend_rancher_stack_clear(
			    &((struct fleet_rancher_stack_u *)*pg->arr)[i]);
		else if (pg->kind == BACKEND_RANCHER_SERVICES)
			backend_rancher_service_clear(
			    &((struct fleet_rancher_service_u *)*pg->arr)[i]);
		else
			backend_rancher_host_clear(
			    &((struct fleet_rancher_host_u *)*pg->arr)[i]);
	}
	pg->n = pg->count = 0;
	free(pg->cause);
	pg->cause = NULL;
	free(pg->pid);
	pg->pid = NULL;
}

/* instanceIds: an array of strings (kept as values), or anything else. */
static int
rs_ids(struct jscan *j, struct rs_elem *e)
{
	struct jscan_val	 v;
	int			 r;

	if (jscan_peek(j) != JSCAN_ARRAY)
		return (jscan_read(j, &e->v[RS_IDS]));
	e->v[RS_IDS].type = JSCAN_ARRAY;
	e->nidv = e->nids = 0;
	e->bad.type = JSCAN_NONE;
	if (jscan_begin_array(j) != 0)
		return (-1);
	while ((r = jscan_next_elem(j)) == 1) {
		if (jscan_read(j, &v) != 0)
			return (-1);
		if (e->nids++ >= BACKEND_MAX_ENTRIES ||
		    e->bad.type != JSCAN_NONE)
			continue;
		if (v.type != JSCAN_STRING) {
			e->bad = v;
			e->badidx = e->nids - 1;
			continue;
		}
		if (e->nidv == e->capidv) {
			e->capidv = e->capidv == 0 ? 8 : e->capidv * 2;
			e->idv = xreallocarray(e->idv, e->capidv,
			    sizeof *e->idv);
		}
		e->idv[e->nidv++] = v;
	}
	return (r);
}

/* The fields of one element (at an object). */
static int
rs_elem_scan(struct jscan *j, struct rs_elem *e)
{
	size_t		 i;
	int		 r;

	for (i = 0; i < RS_NF; i++)
		e->v[i].type = JSCAN_NONE;
	e->image.type = JSCAN_NONE;
	e->nidv = e->nids = 0;
	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_fields(j, &e->keys, e->v)) > 0) {
		if (r - 1 == RS_IDS) {
			if (rs_ids(j, e) != 0)
				return (-1);
			continue;
		}
		/* launchConfig */
		e->image.type = JSCAN_NONE;
		if (jscan_peek(j) != JSCAN_OBJECT) {
			if (jscan_read(j, &e->v[RS_LC]) != 0)
				return (-1);
			continue;
		}
		e->v[RS_LC].type = JSCAN_OBJECT;
		if (jscan_begin_object(j) != 0 ||
		    jscan_fields(j, &e->lc_keys, &e->image) != 0)
			return (-1);
	}
	return (r);
}

static int
rs_ids_finish(const struct rs_elem *e, const char *path, char ***v,
    size_t *n, char **cause)
{
	char	 epath[96];
	size_t	 i;

	*v = NULL;
	*n = 0;
	if (bks_type(SYS, &e->v[RS_IDS], path, "instanceIds", BKJ_OPTIONAL,
	    JSCAN_ARRAY, cause) != 0)
		return (-1);
	if (e->v[RS_IDS].type != JSCAN_ARRAY || e->nids == 0)
		return (0);
	if (e->nids > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, path, "instanceIds",
		    "too many entries");
		return (-1);
	}
	if (e->bad.type != JSCAN_NONE) {
		snprintf(epath, sizeof epath, "instanceIds[%zu]", e->badidx);
		*cause = bkj_error(SYS, path, epath, "expected a string, "
		    "got %s", jscan_type_name(e->bad.type));
		return (-1);
	}
	*v = xcalloc(e->nidv, sizeof **v);
	for (i = 0; i < e->nidv; i++)
		(*v)[(*n)++] = jscan_val_strdup(&e->idv[i]);
	return (0);
}

static int
rs_common(const struct rs_elem *e, const char *path, char **id, char **name,
    char **state, char **health, char **cause)
{
	if (bks_string(SYS, &e->v[RS_ID], path, "id", BKJ_REQUIRED, id,
	    cause) != 0 ||
	    bks_string(SYS, &e->v[RS_NAME], path, "name", BKJ_OPTIONAL, name,
	    cause) != 0 ||
	    bks_string(SYS, &e->v[RS_STATE], path, "state", BKJ_OPTIONAL, state,
	    cause) != 0)
		return (-1);
	if (health != NULL && bks_string(SYS, &e->v[RS_HEALTH], path,
	    "healthState", BKJ_OPTIONAL, health, cause) != 0)
		return (-1);
	return (0);
}

static int
rs_stack(const struct rs_elem *e, const char *path,
    struct fleet_rancher_stack_u *s, char **cause)
{
	if (rs_common(e, path, &s->id, &s->name, &s->state, &s->health,
	    cause) != 0 ||
	    bks_bool(SYS, &e->v[RS_SYSTEM], path, "system", BKJ_OPTIONAL,
	    &s->system, cause) != 0)
		return (-1);
	return (0);
}

static int
rs_service(const struct rs_elem *e, const char *path,
    struct fleet_rancher_service_u *s, char **cause)
{
	char		*image;
	long long	 scale;
	char		 lpath[96];

	if (rs_common(e, path, &s->id, &s->name, &s->state, &s->health,
	    cause) != 0 ||
	    bks_string(SYS, &e->v[RS_STACK_ID], path, "stackId", BKJ_OPTIONAL,
	    &s->stack_id, cause) != 0 ||
	    bks_int(SYS, &e->v[RS_SCALE], path, "scale", BKJ_OPTIONAL, 0,
	    1000000, &scale, cause) != 0 ||
	    bks_bool(SYS, &e->v[RS_SYSTEM], path, "system", BKJ_OPTIONAL,
	    &s->system, cause) != 0 ||
	    bks_type(SYS, &e->v[RS_LC], path, "launchConfig", BKJ_OPTIONAL,
	    JSCAN_OBJECT, cause) != 0 ||
	    rs_ids_finish(e, path, &s->instance_ids, &s->ninstance_ids,
	    cause) != 0)
		return (-1);
	s->scale = (int)scale;
	if (e->v[RS_LC].type == JSCAN_OBJECT) {
		/* the path only for a message */
		if (jscan_val_present(&e->image) &&
		    e->image.type != JSCAN_STRING)
			snprintf(lpath, sizeof lpath, "%s.launchConfig", path);
		else
			lpath[0] = '\0';
		if (bks_string(SYS, &e->image, lpath, "imageUuid",
		    BKJ_OPTIONAL, &image, cause) != 0)
			return (-1);
		if (image != NULL) {
			if (strncmp(image, "docker:", 7) == 0)
				memmove(image, image + 7,
				    strlen(image + 7) + 1);
			s->image = image;
		}
	}
	return (0);
}

static int
rs_host(const struct rs_elem *e, const char *path,
    struct fleet_rancher_host_u *h, char **cause)
{
	char		*name = NULL, *state = NULL, *agent = NULL;
	char		*hostname = NULL;
	const char	*st;
	int		 rc = -1;

	if (rs_common(e, path, &h->id, &name, &state, NULL, cause) != 0 ||
	    bks_string(SYS, &e->v[RS_AGENT], path, "agentState", BKJ_OPTIONAL,
	    &agent, cause) != 0 ||
	    bks_string(SYS, &e->v[RS_HOSTNAME], path, "hostname", BKJ_OPTIONAL,
	    &hostname, cause) != 0 ||
	    rs_ids_finish(e, path, &h->instance_ids, &h->ninstance_ids,
	    cause) != 0)
		goto out;
	if (hostname != NULL && *hostname != '\0') {
		h->hostname = hostname;
		hostname = NULL;
	} else if (name != NULL && *name != '\0') {
		h->hostname = name;
		name = NULL;
	}
	if (agent != NULL && *agent != '\0') {
		h->agent_state = agent;
		agent = NULL;
	}
	st = backend_rancher_host_state(state, h->agent_state);
	h->state = st != NULL ? xstrdup(st) : NULL;
	rc = 0;
out:
	free(name);
	free(state);
	free(agent);
	free(hostname);
	return (rc);
}

/* A project element: the match, or nothing (checks as the DOM's). */
static int
rs_project(struct jscan *j, const struct rs_elem *e, const char *path,
    const char *want, char **pid, char **cause)
{
	char	*id, *name, *state;
	bool	 match;

	*pid = NULL;
	if (bks_string(SYS, &e->v[RS_ID], path, "id", BKJ_REQUIRED, &id,
	    cause) != 0)
		return (-1);
	if (bks_string(SYS, &e->v[RS_NAME], path, "name", BKJ_OPTIONAL, &name,
	    cause) != 0) {
		free(id);
		return (-1);
	}
	if (bks_string(SYS, &e->v[RS_STATE], path, "state", BKJ_OPTIONAL,
	    &state, cause) != 0) {
		free(id);
		free(name);
		return (-1);
	}
	(void)j;
	if (want != NULL)
		match = strcmp(id, want) == 0 ||
		    (name != NULL && strcmp(name, want) == 0);
	else
		match = state == NULL || strcmp(state, "active") == 0;
	free(name);
	free(state);
	if (match)
		*pid = id;
	else
		free(id);
	return (0);
}

/* One element of data (at its value). */
static int
rs_element(struct jscan *j, struct rs_page *pg)
{
	struct jscan_val	 v;
	size_t			 i = pg->count++, sz;
	char			 path[48];
	char			*cause = NULL;
	void			*item;
	int			 rc;

	if (pg->cause != NULL || pg->pid != NULL || i >= BACKEND_MAX_ENTRIES)
		return (jscan_skip(j));
	bks_path(path, sizeof path, "data", i);
	if (jscan_peek(j) != JSCAN_OBJECT) {
		if (jscan_read(j, &v) != 0)
			return (-1);
		pg->cause = bkj_error(SYS, path, NULL, "expected an object, "
		    "got %s", jscan_type_name(v.type));
		return (0);
	}
	if (rs_elem_scan(j, &pg->e) != 0)
		return (-1);
	if (pg->projects)
		rc = rs_project(j, &pg->e, path, pg->want, &pg->pid, &cause);
	else {
		sz = rs_item_size(pg->kind);
		if (pg->n == pg->cap) {
			pg->cap = pg->cap == 0 ? 64 : pg->cap * 2;
			*pg->arr = xreallocarray(*pg->arr, pg->base + pg->cap,
			    sz);
		}
		item = (char *)*pg->arr + (pg->base + pg->n) * sz;
		memset(item, 0, sz);
		pg->n++;	/* freed with the page even when it fails */
		if (pg->kind == BACKEND_RANCHER_STACKS)
			rc = rs_stack(&pg->e, path, item, &cause);
		else if (pg->kind == BACKEND_RANCHER_SERVICES)
			rc = rs_service(&pg->e, path, item, &cause);
		else
			rc = rs_host(&pg->e, path, item, &cause);
	}
	if (rc != 0)
		pg->cause = cause;
	return (0);
}

static int
rs_scan(struct jscan *j, struct rs_root *rt)
{
	const char	*k;
	size_t		 n;
	int		 r;

	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "data")) {
			rs_page_reset(&rt->page);
			if (jscan_peek(j) != JSCAN_ARRAY) {
				r = jscan_read(j, &rt->data);
				rt->page.count = 0;
			} else {
				rt->data.type = JSCAN_ARRAY;
				if (jscan_begin_array(j) != 0)
					return (-1);
				while ((r = jscan_next_elem(j)) == 1)
					if (rs_element(j, &rt->page) != 0)
						return (-1);
			}
		} else if (BKS_KEY(k, n, "type"))
			r = jscan_read(j, &rt->type);
		else if (BKS_KEY(k, n, "status"))
			r = jscan_read(j, &rt->status);
		else if (BKS_KEY(k, n, "code"))
			r = jscan_read(j, &rt->code);
		else if (BKS_KEY(k, n, "message"))
			r = jscan_read(j, &rt->message);
		else if (BKS_KEY(k, n, "pagination")) {
			rt->next.type = rt->partial.type = JSCAN_NONE;
			if (jscan_peek(j) != JSCAN_OBJECT)
				r = jscan_read(j, &rt->pag);
			else {
				rt->pag.type = JSCAN_OBJECT;
				if (jscan_begin_object(j) != 0)
					return (-1);
				while ((r = jscan_next_key(j, &k, &n)) == 1) {
					if (BKS_KEY(k, n, "next"))
						r = jscan_read(j, &rt->next);
					else if (BKS_KEY(k, n, "partial"))
						r = jscan_read(j,
						    &rt->partial);
					if (r < 0)
						return (-1);
				}
			}
		}
		if (r < 0)
			return (-1);
	}
	return (r);
}

/*
 * The answer as far as the DOM decoder checks it before the elements:
 * 0 and the page, or -1 and *cause.
 */
static int
rs_decode(const char *body, size_t len, struct rs_root *rt, char **cause)
{
	struct jscan	 j;
	enum jscan_type	 t;
	char		*type = NULL, *code = NULL, *msg = NULL;
	long long	 status;
	int		 rc = -1;

	jscan_keys_init(&rt->page.e.keys, rs_fields, RS_NF);
	jscan_keys_init(&rt->page.e.lc_keys, rs_lc_fields, 1);
	jscan_init(&j, body, len);
	if ((t = jscan_peek(&j)) == JSCAN_OBJECT)
		rs_scan(&j, rt);
	if (jscan_end(&j) != 0) {
		*cause = bks_syntax(SYS, &j);
		goto out;
	}
	if (t != JSCAN_OBJECT) {
		*cause = bkj_error(SYS, "", NULL, "expected an object, got %s",
		    jscan_type_name(t));
		goto out;
	}
	if (bks_string(SYS, &rt->type, "", "type", BKJ_OPTIONAL, &type,
	    cause) != 0)
		goto out;
	if (type != NULL && strcmp(type, "error") == 0) {
		if (bks_int(SYS, &rt->status, "", "status", BKJ_OPTIONAL, 0,
		    999, &status, cause) != 0 ||
		    bks_string(SYS, &rt->code, "", "code", BKJ_OPTIONAL, &code,
		    cause) != 0 ||
		    bks_string(SYS, &rt->message, "", "message", BKJ_OPTIONAL,
		    &msg, cause) != 0)
			goto out;
		*cause = xasprintf("%s: error %lld %s: %.200s", SYS, status,
		    code != NULL ? code : "?", msg != NULL ? msg : "");
		goto out;
	}
	if (bks_type(SYS, &rt->data, "", "data", BKJ_REQUIRED, JSCAN_ARRAY,
	    cause) != 0)
		goto out;
	if (rt->page.count > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", "data", "too many entries");
		goto out;
	}
	rc = 0;
out:
	free(type);
	free(code);
	free(msg);
	jscan_free(&j);
	return (rc);
}

static void
rs_root_free(struct rs_root *rt)
{
	rs_page_reset(&rt->page);
	free(rt->page.e.idv);
}

int
backend_rancher_decode(enum backend_rancher_kind kind, const char *body,
    size_t len, struct fleet_rancher_update *acc, char **next, char **cause)
{
	struct rs_root	 rt;
	char		*n = NULL;
	bool		 partial;
	size_t		*nv;

	*next = NULL;
	memset(&rt, 0, sizeof rt);
	rt.page.kind = kind;
	switch (kind) {
	case BACKEND_RANCHER_STACKS:
		rt.page.arr = (void **)&acc->stacks;
		nv = &acc->nstacks;
		break;
	case BACKEND_RANCHER_SERVICES:
		rt.page.arr = (void **)&acc->services;
		nv = &acc->nservices;
		break;
	case BACKEND_RANCHER_HOSTS:
		rt.page.arr = (void **)&acc->hosts;
		nv = &acc->nhosts;
		break;
	default:
		fatalx("rancher: bad kind %d", kind);
	}
	/* The page goes straight after acc's items, counted on success. */
	rt.page.base = *nv;
	if (rs_decode(body, len, &rt, cause) != 0)
		goto fail;
	if (rt.page.cause != NULL) {
		*cause = rt.page.cause;
		rt.page.cause = NULL;
		goto fail;
	}
	if (bks_type(SYS, &rt.pag, "", "pagination", BKJ_OPTIONAL,
	    JSCAN_OBJECT, cause) != 0)
		goto fail;
	if (rt.pag.type == JSCAN_OBJECT) {
		if (bks_string(SYS, &rt.next, "pagination", "next",
		    BKJ_OPTIONAL, &n, cause) != 0 ||
		    bks_bool(SYS, &rt.partial, "pagination", "partial",
		    BKJ_OPTIONAL, &partial, cause) != 0)
			goto fail;
		if (n != NULL && *n != '\0') {
			*next = n;
			n = NULL;
		}
	}
	free(n);
	*nv += rt.page.n;
	rt.page.n = 0;		/* acc's now */
	rs_root_free(&rt);
	return (0);

fail:
	free(n);
	free(*next);
	*next = NULL;
	rs_root_free(&rt);
	return (-1);
}

int
backend_rancher_decode_projects(const char *body, size_t len,
    const char *want, char **id, char **cause)
{
	struct rs_root	 rt;

	*id = NULL;
	memset(&rt, 0, sizeof rt);
	rt.page.projects = true;
	rt.page.want = want;
	if (rs_decode(body, len, &rt, cause) != 0)
		goto fail;
	if (rt.page.cause != NULL) {
		*cause = rt.page.cause;
		rt.page.cause = NULL;
		goto fail;
	}
	if (rt.page.pid == NULL) {
		if (want != NULL)
			*cause = xasprintf("%s: no project (environment) "
			    "\"%.64s\"", SYS, want);
		else
			*cause = xasprintf("%s: no active project "
			    "(environment)", SYS);
		goto fail;
	}
	*id = rt.page.pid;
	rt.page.pid = NULL;
	rs_root_free(&rt);
	return (0);

fail:
	rs_root_free(&rt);
	return (-1);
}
