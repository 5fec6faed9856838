/*
 * rancher-poll.c: Rancher 1.6 v2-beta stacks, services and hosts of one
 * project (apis.md §1): basic auth with the API access and secret key,
 * the project from [rancher] project (id or name; default the first
 * active one, looked up once), the three collections in parallel with
 * limit=1000, each following pagination.next to the end (on the same
 * origin only, and at most RANCHER_MAX_PAGES pages).  A cycle whose
 * pages are all the same as the last good one's is not decoded
 * (backend/memo.h): the fleet is only told that Rancher answered; a
 * collection whose pages are all the same is not decoded, its last
 * decode (kept in `last`) is copied into the update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/rancher.h"
#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define RANCHER_MAX_PAGES	1000
#define RANCHER_NCOLL		3

struct rancher_poll;
struct rancher_coll {
	struct rancher_poll	*rp;
	enum backend_rancher_kind kind;
	int			 pages;
};

struct rancher_poll {
	struct bk_source	*s;
	char			*base;		/* .../v2-beta */
	char			*project;	/* id, once known */
	struct rancher_coll	 coll[RANCHER_NCOLL];
	struct fleet_rancher_update *acc;
	struct bk_memo		*memo;
	struct fleet_rancher_update *last; /* the collections as decoded */
	int			 pending;
	char			*cause;
};

static const char *rancher_coll_name[RANCHER_NCOLL] = {
	"stacks", "services", "hosts"
};

static void	rancher_get(struct rancher_poll *, const char *,
		    http_done_cb, void *);

int
bk_rancher_decode_cb(void *arg, int part, const char *body, size_t len,
    char **next, char **cause)
{
	return (backend_rancher_decode((enum backend_rancher_kind)part, body,
	    len, arg, next, cause));
}

/* --- unchanged collections (backend/memo.h) ------------------------- */

static char *
rancher_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static char **
rancher_strv(char *const *v, size_t n)
{
	char	**c;
	size_t	  i;

	if (n == 0)
		return (NULL);
	c = xcalloc(n, sizeof *c);
	for (i = 0; i < n; i++)
		c[i] = rancher_dup(v[i]);
	return (c);
}

void
bk_rancher_copy(struct fleet_rancher_update *dst,
    const struct fleet_rancher_update *src, int part)
{
	const struct fleet_rancher_stack_u	*st;
	const struct fleet_rancher_service_u	*sv;
	const struct fleet_rancher_host_u	*h;
	struct fleet_rancher_stack_u		*dst_st;
	struct fleet_rancher_service_u		*dsv;
	struct fleet_rancher_host_u		*dh;
	size_t					 i;

	switch (part) {
	case BACKEND_RANCHER_STACKS:
		if (src->nstacks == 0)
			break;
		dst->stacks = xreallocarray(dst->stacks,
		    dst->nstacks + src->nstacks, sizeof *dst->stacks);
		for (i = 0; i < src->nstacks; i++) {
			st = &src->stacks[i];
			dst_st = &dst->stacks[dst->nstacks++];
			dst_st->id = rancher_dup(st->id);
			dst_st->name = rancher_dup(st->name);
			dst_st->state = rancher_dup(st->state);
			dst_st->health = rancher_dup(st->health);
			dst_st->system = st->system;
		}
		break;
	case BACKEND_RANCHER_SERVICES:
		if (src->nservices == 0)
			break;
		dst->services = xreallocarray(dst->services,
		    dst->nservices + src->nservices, sizeof *dst->services);
		for (i = 0; i < src->nservices; i++) {
			sv = &src->services[i];
			dsv = &dst->services[dst->nservices++];
			dsv->id = rancher_dup(sv->id);
			dsv->stack_id = rancher_dup(sv->stack_id);
			dsv->name = rancher_dup(sv->name);
			dsv->state = rancher_dup(sv->state);
			dsv->health = rancher_dup(sv->health);
			dsv->scale = sv->scale;
			dsv->system = sv->system;
			dsv->image = rancher_dup(sv->image);
			dsv->instance_ids = rancher_strv(sv->instance_ids,
			    sv->ninstance_ids);
			dsv->ninstance_ids = sv->ninstance_ids;
		}
		break;
	case BACKEND_RANCHER_HOSTS:
		if (src->nhosts == 0)
			break;
		dst->hosts = xreallocarray(dst->hosts,
		    dst->nhosts + src->nhosts, sizeof *dst->hosts);
		for (i = 0; i < src->nhosts; i++) {
			h = &src->hosts[i];
			dh = &dst->hosts[dst->nhosts++];
			dh->id = rancher_dup(h->id);
			dh->hostname = rancher_dup(h->hostname);
			dh->state = rancher_dup(h->state);
			dh->agent_state = rancher_dup(h->agent_state);
			dh->instance_ids = rancher_strv(h->instance_ids,
			    h->ninstance_ids);
			dh->ninstance_ids = h->ninstance_ids;
		}
		break;
	}
}

static void
rancher_coll_clear(struct fleet_rancher_update *u, int part)
{
	struct fleet_rancher_update	*t;

	/* Move the part into a scratch update and free that. */
	t = xcalloc(1, sizeof *t);
	switch (part) {
	case BACKEND_RANCHER_STACKS:
		t->stacks = u->stacks;
		t->nstacks = u->nstacks;
		u->stacks = NULL;
		u->nstacks = 0;
		break;
	case BACKEND_RANCHER_SERVICES:
		t->services = u->services;
		t->nservices = u->nservices;
		u->services = NULL;
		u->nservices = 0;
		break;
	case BACKEND_RANCHER_HOSTS:
		t->hosts = u->hosts;
		t->nhosts = u->nhosts;
		u->hosts = NULL;
		u->nhosts = 0;
		break;
	}
	fleet_rancher_update_free(t);
}

static bool
rancher_str_eq(const char *a, const char *b)
{
	return (a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0);
}

static bool
rancher_strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t	 i;

	if (na != nb)
		return (false);
	for (i = 0; i < na; i++) {
		if (!rancher_str_eq(a[i], b[i]))
			return (false);
	}
	return (true);
}

/* Does part of a say what part of b says (every field fleet reads)? */
static bool
rancher_coll_eq(const struct fleet_rancher_update *a,
    const struct fleet_rancher_update *b, int part)
{
	const struct fleet_rancher_stack_u	*sa, *sb;
	const struct fleet_rancher_service_u	*va, *vb;
	const struct fleet_rancher_host_u	*ha, *hb;
	size_t					 i;

	switch (part) {
	case BACKEND_RANCHER_STACKS:
		if (a->nstacks != b->nstacks)
			return (false);
		for (i = 0; i < a->nstacks; i++) {
			sa = &a->stacks[i];
			sb = &b->stacks[i];
			if (sa->system != sb->system ||
			    !rancher_str_eq(sa->id, sb->id) ||
			    !rancher_str_eq(sa->name, sb->name) ||
			    !rancher_str_eq(sa->state, sb->state) ||
			    !rancher_str_eq(sa->health, sb->health))
				return (false);
		}
		return (true);
	case BACKEND_RANCHER_SERVICES:
		if (a->nservices != b->nservices)
			return (false);
		for (i = 0; i < a->nservices; i++) {
			va = &a->services[i];
			vb = &b->services[i];
			if (va->scale != vb->scale || va->system != vb->system ||
			    !rancher_str_eq(va->id, vb->id) ||
			    !rancher_str_eq(va->stack_id, vb->stack_id) ||
			    !rancher_str_eq(va->name, vb->name) ||
			    !rancher_str_eq(va->state, vb->state) ||
			    !rancher_str_eq(va->health, vb->health) ||
			    !rancher_str_eq(va->image, vb->image) ||
			    !rancher_strv_eq(va->instance_ids,
			    va->ninstance_ids, vb->instance_ids,
			    vb->ninstance_ids))
				return (false);
		}
		return (true);
	case BACKEND_RANCHER_HOSTS:
		if (a->nhosts != b->nhosts)
			return (false);
		for (i = 0; i < a->nhosts; i++) {
			ha = &a->hosts[i];
			hb = &b->hosts[i];
			if (!rancher_str_eq(ha->id, hb->id) ||
			    !rancher_str_eq(ha->hostname, hb->hostname) ||
			    !rancher_str_eq(ha->state, hb->state) ||
			    !rancher_str_eq(ha->agent_state, hb->agent_state) ||
			    !rancher_strv_eq(ha->instance_ids,
			    ha->ninstance_ids, hb->instance_ids,
			    hb->ninstance_ids))
				return (false);
		}
		return (true);
	}
	return (false);
}

bool
bk_rancher_fill(const struct bk_memo *m, struct fleet_rancher_update *u,
    struct fleet_rancher_update *last)
{
	bool	 same[RANCHER_NCOLL], all = true;
	int	 p;

	/* What was decoded may say what the last decode said. */
	for (p = 0; p < RANCHER_NCOLL; p++) {
		same[p] = bk_memo_had_ref(m) && (bk_memo_part_same(m, p) ||
		    rancher_coll_eq(u, last, p));
		if (!same[p])
			all = false;
	}
	if (all)
		return (true);
	for (p = 0; p < RANCHER_NCOLL; p++) {
		if (same[p] && bk_memo_part_same(m, p))
			bk_rancher_copy(u, last, p);
		else if (!same[p]) {
			rancher_coll_clear(last, p);
			bk_rancher_copy(last, u, p);
		}
	}
	return (false);
}

static bool
rancher_configured(const struct config *cfg)
{
	return (cfg->rancher.url != NULL && *cfg->rancher.url != '\0');
}

static int64_t
rancher_period(int64_t refresh_ms)
{
	return (refresh_ms * 5);
}

static void *
rancher_new(struct bk_source *s)
{
	struct rancher_poll	*rp;
	size_t			 i;

	rp = xcalloc(1, sizeof *rp);
	rp->s = s;
	rp->base = api_rancher_base(bk_config(s)->rancher.url);
	rp->memo = bk_memo_new(RANCHER_NCOLL);
	rp->last = xcalloc(1, sizeof *rp->last);
	for (i = 0; i < RANCHER_NCOLL; i++) {
		rp->coll[i].rp = rp;
		rp->coll[i].kind = (enum backend_rancher_kind)i;
	}
	return (rp);
}

static void
rancher_free(void *arg)
{
	struct rancher_poll	*rp = arg;

	if (rp == NULL)
		return;
	fleet_rancher_update_free(rp->acc);
	bk_memo_free(rp->memo);
	fleet_rancher_update_free(rp->last);
	free(rp->cause);
	free(rp->project);
	free(rp->base);
	free(rp);
}

static void
rancher_coll_done(struct rancher_poll *rp, char *cause)
{
	struct fleet_rancher_update	*u;
	struct fleet_fetch		 fetch;
	bool				 same;

	if (cause != NULL && rp->cause == NULL)
		rp->cause = cause;
	else
		free(cause);
	if (--rp->pending > 0)
		return;
	if (rp->cause == NULL &&
	    bk_memo_end(rp->memo, &same, &rp->cause) == 0 && same) {
		fleet_rancher_update_free(rp->acc);
		rp->acc = NULL;
		fetch = bk_fetch(rp->s);
		fleet_touch_source(bk_fleet(rp->s), FLEET_SRC_RANCHER, &fetch,
		    util_wall_ms());
		bk_done(rp->s);
		return;
	}
	if (rp->cause != NULL) {
		bk_memo_abort(rp->memo);
		bk_failed(rp->s, rp->cause);
		free(rp->cause);
		rp->cause = NULL;
		free(rp->project);	/* look it up again next time */
		rp->project = NULL;
		fleet_rancher_update_free(rp->acc);
		rp->acc = NULL;
		return;
	}
	u = rp->acc;
	rp->acc = NULL;
	if (bk_rancher_fill(rp->memo, u, rp->last)) {
		/* new bytes, nothing fleet reads changed */
		fleet_rancher_update_free(u);
		fetch = bk_fetch(rp->s);
		fleet_touch_source(bk_fleet(rp->s), FLEET_SRC_RANCHER, &fetch,
		    util_wall_ms());
		bk_done(rp->s);
		return;
	}
	u->fetch = bk_fetch(rp->s);
	fleet_apply_rancher(bk_fleet(rp->s), u, util_wall_ms());
	bk_done(rp->s);
}

/* "<what>: " + Rancher's error answer, the secret key masked. */
static char *
rancher_describe(struct rancher_poll *rp, const char *what,
    const struct http_response *resp)
{
	struct api_conn	 c = api_rancher_conn(bk_config(rp->s));

	return (bk_describe_api(what, api_rancher_describe, &c, resp));
}

static void
rancher_page_cb(struct http_response *resp, void *arg)
{
	struct rancher_coll	*c = arg;
	struct rancher_poll	*rp = c->rp;
	const char		*name = rancher_coll_name[c->kind];
	char			*cause = NULL, *next = NULL, *d, *body;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		cause = rancher_describe(rp, name, resp);
	else if (http_response_ok(resp)) {
		body = resp->body;	/* taken: the memo may hold it */
		resp->body = NULL;
		if (bk_memo_page(rp->memo, c->kind, body, resp->len, &next,
		    &cause) != 0) {
			d = bk_prefix_status(name, resp, cause);
			free(cause);
			cause = d;
		}
	} else if (backend_rancher_decode(c->kind, resp->body, resp->len,
	    rp->acc, &next, &cause) != 0) {
		if (!http_response_ok(resp) &&
		    !bk_is_error_answer(cause)) {
			free(cause);
			cause = rancher_describe(rp, name, resp);
		} else {
			d = bk_prefix_status(name, resp, cause);
			free(cause);
			cause = d;
		}
	} else if (!http_response_ok(resp))
		cause = rancher_describe(rp, name, resp);
	if (cause == NULL && next != NULL) {
		if (!bk_same_origin(next, rp->base))
			cause = xasprintf("%s: pagination.next leaves the "
			    "server: %.100s", name, next);
		else if (++c->pages >= RANCHER_MAX_PAGES)
			cause = xasprintf("%s: more than %d pages", name,
			    RANCHER_MAX_PAGES);
		else {
			rancher_get(rp, next, rancher_page_cb, c);
			free(next);
			return;
		}
	}
	free(next);
	rancher_coll_done(rp, cause);
}

static void
rancher_get(struct rancher_poll *rp, const char *url, http_done_cb cb,
    void *arg)
{
	struct api_conn	 c = api_rancher_conn(bk_config(rp->s));
	struct api_req	 r;

	c.timeout_ms = bk_timeout_ms(rp->s);
	api_rancher_req(&r, &c, NULL, url, NULL);
	bk_request(rp->s, &r.http, cb, arg);
	api_req_clear(&r);
}

static void
rancher_collections(struct rancher_poll *rp)
{
	char	*path, *url;
	size_t	 i;

	rp->acc = xcalloc(1, sizeof *rp->acc);
	bk_memo_begin(rp->memo, bk_rancher_decode_cb, rp->acc);
	rp->pending = RANCHER_NCOLL;
	for (i = 0; i < RANCHER_NCOLL; i++) {
		rp->coll[i].pages = 0;
		path = api_rancher_path(rp->project, rancher_coll_name[i],
		    NULL, "limit=1000");
		url = util_url_join(rp->base, path);
		rancher_get(rp, url, rancher_page_cb, &rp->coll[i]);
		free(url);
		free(path);
	}
}

static void
rancher_projects_cb(struct http_response *resp, void *arg)
{
	struct rancher_poll	*rp = arg;
	const struct config	*cfg = bk_config(rp->s);
	char			*cause = NULL, *d;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		cause = rancher_describe(rp, "projects", resp);
	else if (backend_rancher_decode_projects(resp->body, resp->len,
	    cfg->rancher.project, &rp->project, &cause) != 0) {
		if (!http_response_ok(resp) &&
		    !bk_is_error_answer(cause)) {
			free(cause);
			cause = rancher_describe(rp, "projects", resp);
		} else {
			d = bk_prefix_status("projects", resp, cause);
			free(cause);
			cause = d;
		}
	}
	if (cause != NULL) {
		bk_failed(rp->s, cause);
		free(cause);
		return;
	}
	rancher_collections(rp);
}

static void
rancher_start(struct bk_source *s, void *arg)
{
	struct rancher_poll	*rp = arg;
	char			*path, *url;

	fleet_rancher_update_free(rp->acc);
	rp->acc = NULL;
	if (rp->project != NULL) {
		rancher_collections(rp);
		return;
	}
	path = api_rancher_path(NULL, NULL, NULL, "limit=1000");
	url = util_url_join(rp->base, path);
	free(path);
	rancher_get(rp, url, rancher_projects_cb, rp);
	free(url);
}

const struct bk_ops bk_rancher_ops = {
	FLEET_SRC_RANCHER,
	rancher_configured,
	rancher_new,
	rancher_free,
	rancher_start,
	rancher_period
};
