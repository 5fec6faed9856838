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
	if (bk_memo_rancher_fill(rp->memo, u, rp->last)) {
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
	bk_memo_begin(rp->memo, bk_memo_rancher_cb, rp->acc);
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
