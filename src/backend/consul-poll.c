/*
 * consul-poll.c: consul health of the BBB service with blocking queries
 * (apis.md §3.2, §3.4).
 *
 * The first request returns at once; each next one carries
 * index=<X-Consul-Index>&wait=<W> and returns as soon as the service's
 * health changes, so a change arrives within a second, not a refresh
 * later.  W is 5 refresh intervals (10 s by default, at least 5 s): a
 * consul that hangs is noticed within W + W/16 + 2 s.  The index is
 * reset to 0 when it goes backwards and read as 1 below 1 (consul's
 * rules); requests start at least BK_CONSUL_MIN_GAP_MS apart, so an
 * index that returns at once cannot make a hot loop.  An answer that is
 * the same as the last good one (a blocking query that timed out) is
 * not decoded again (backend/memo.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/consul.h"
#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define BK_CONSUL_MIN_GAP_MS	250

struct consul_poll {
	struct bk_source	*s;
	struct bk_memo		*memo;
	uint64_t		 index;		/* 0: no blocking yet */
	int64_t			 wait_ms;
};

int
bk_consul_decode_cb(void *arg, int part, const char *body, size_t len,
    char **next, char **cause)
{
	struct fleet_consul_update	**u = arg;

	(void)part;
	*next = NULL;
	if (*u != NULL) {	/* one page; a second one replaces it */
		fleet_consul_update_free(*u);
		*u = NULL;
	}
	return (backend_consul_decode(body, len, u, cause));
}

static bool
consul_configured(const struct config *cfg)
{
	return (cfg->consul.url != NULL && *cfg->consul.url != '\0');
}

static int64_t
consul_period(int64_t refresh_ms)
{
	return (refresh_ms);
}

static void *
consul_new(struct bk_source *s)
{
	struct consul_poll	*cp;

	cp = xcalloc(1, sizeof *cp);
	cp->s = s;
	cp->memo = bk_memo_new(1);
	return (cp);
}

static void
consul_free(void *arg)
{
	struct consul_poll	*cp = arg;

	if (cp == NULL)
		return;
	bk_memo_free(cp->memo);
	free(cp);
}

static int
consul_parse_index(const char *v, uint64_t *out)
{
	long long	 n;
	const char	*why;

	if (v == NULL || util_parse_ll(v, 0, INT64_MAX, &n, &why) != 0)
		return (-1);
	*out = (uint64_t)n;
	return (0);
}

static void
consul_done_cb(struct http_response *resp, void *arg)
{
	struct consul_poll		*cp = arg;
	struct bk_source		*s = cp->s;
	struct fleet_consul_update	*u = NULL;
	struct fleet_fetch		 fetch;
	struct api_conn			 c;
	char				*cause = NULL, *next = NULL, *body;
	uint64_t			 idx;
	int64_t				 gap;
	bool				 same = false;

	if (!http_response_ok(resp) || resp->body == NULL) {
		cp->index = 0;
		c = api_consul_conn(bk_config(s));
		cause = bk_describe_api("health", api_consul_describe, &c,
		    resp);
		bk_failed(s, cause);
		free(cause);
		return;
	}
	body = resp->body;
	resp->body = NULL;
	bk_memo_begin(cp->memo, bk_consul_decode_cb, &u);
	if (bk_memo_page(cp->memo, 0, body, resp->len, &next, &cause) != 0 ||
	    bk_memo_end(cp->memo, &same, &cause) != 0) {
		bk_memo_abort(cp->memo);
		fleet_consul_update_free(u);
		cp->index = 0;
		/* Which request, as every other cause says. */
		body = xasprintf("health: %s", cause);
		bk_failed(s, body);
		free(body);
		free(cause);
		return;
	}
	free(next);
	fetch = bk_fetch(s);
	if (consul_parse_index(http_response_header(resp, "X-Consul-Index"),
	    &idx) != 0)
		idx = 0;	/* not blocking-capable: poll by refresh */
	else if (idx < cp->index)
		idx = 0;	/* went backwards: a full read at once */
	else if (idx < 1)
		idx = 1;
	if (same) {
		fleet_touch_source(bk_fleet(s), FLEET_SRC_CONSUL, &fetch,
		    util_wall_ms());
	} else {
		u->index = idx;
		u->fetch = fetch;
		fleet_apply_consul(bk_fleet(s), u, util_wall_ms());
	}
	if ((cp->index = idx) == 0 && consul_parse_index(
	    http_response_header(resp, "X-Consul-Index"), &idx) != 0) {
		bk_done(s);
		return;
	}
	gap = bk_started(s) + BK_CONSUL_MIN_GAP_MS - util_mono_ms();
	bk_done_after(s, gap > 0 ? gap : 0);
}

static void
consul_start(struct bk_source *s, void *arg)
{
	struct consul_poll	*cp = arg;
	const struct config	*cfg = bk_config(s);
	struct api_conn		 c = api_consul_conn(cfg);
	struct api_req		 r;
	char			*svc, *path;
	long			 timeout_ms;

	cp->wait_ms = bk_refresh_ms(s) * 5;
	if (cp->wait_ms < 5000)
		cp->wait_ms = 5000;
	if (cp->wait_ms > 600000)
		cp->wait_ms = 600000;
	bk_hold(s, cp->wait_ms + cp->wait_ms / 16);

	svc = util_urlencode(cfg->consul.service != NULL ?
	    cfg->consul.service : "bbb");
	if (cp->index != 0) {
		path = xasprintf("v1/health/service/%s?index=%" PRIu64
		    "&wait=%" PRId64 "s", svc, cp->index, cp->wait_ms / 1000);
		timeout_ms = (long)(cp->wait_ms + cp->wait_ms / 16 + 2000);
	} else {
		path = xasprintf("v1/health/service/%s", svc);
		timeout_ms = bk_timeout_ms(s);
	}
	api_consul_req(&r, &c, NULL, path, NULL);
	r.http.timeout_ms = timeout_ms;
	bk_request(s, &r.http, consul_done_cb, cp);
	api_req_clear(&r);
	free(path);
	free(svc);
}

const struct bk_ops bk_consul_ops = {
	FLEET_SRC_CONSUL,
	consul_configured,
	consul_new,
	consul_free,
	consul_start,
	consul_period
};
