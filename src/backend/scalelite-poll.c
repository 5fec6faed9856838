/*
 * scalelite-poll.c: scalelite's servers and the meetings
 * (scalelite-bbb.md §1.4, §2).
 *
 * One refresh: GET /scalelite/api/getServers (checksum SHA-256 of
 * "getServers" + query + secret; the admin API of v1.5.1+) and
 * GET /bigbluebutton/api/getMeetings (BBB checksum) in parallel; then,
 * with each node's secret from getServers, getMeetings on every online,
 * not disabled node (at most SL_NODE_CONCURRENCY at a time) to learn
 * which node each meeting runs on, and the TLS certificate expiry of the
 * node from the same handshake.  The nodes are asked only when a meeting
 * of scalelite's list has no known node, or SL_FANOUT_MS after the last
 * time (meetings do not move; this keeps a 1000-node fleet's refresh
 * small).  A meeting scalelite lists that no node has reported yet
 * does not make every node be asked again: in between the full rounds
 * only the nodes whose meeting count in Prometheus changed since they
 * were last asked are (and nodes never asked); without Prometheus, the
 * meeting waits for the next full round.  Meetings are fetched at all
 * only while wanted (backends_want_meetings()).
 *
 * The node secrets live only in struct backend_sl_secrets here (zeroed
 * when freed), never in the model or a log; the getServers body that
 * carried them is zeroed once decoded.
 *
 * Older scalelite (no admin API) answers getServers with XML
 * unsupportedRequest: the update says legacy, and meetings come from
 * scalelite's getMeetings without their node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/scalelite.h"
#include "backend/decode.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define SL_NODE_CONCURRENCY	16
#define SL_FANOUT_MS		30000

struct sl_where {
	char		*meeting_id;
	char		*node;		/* the node's API URL */
};

/* A node as it was when last asked (by its API URL, sorted). */
struct sl_seen {
	char		*url;
	int		 meetings;	/* Prometheus's count then, or -1 */
	bool		 ok;		/* it answered */
};

struct sl_poll;
struct sl_node {
	struct sl_poll	*sp;
	size_t		 i;		/* into sp->secrets */
	int		 meetings;	/* Prometheus's count now, or -1 */
	bool		 ok;
};

struct sl_poll {
	struct bk_source *s;
	char		*base;		/* without the API path */

	/* this refresh */
	int		 pending;	/* getServers, getMeetings, nodes */
	bool		 fanned;	/* the nodes' round was decided */
	bool		 detail_set;	/* we set the source's detail */
	char		*servers_cause;
	struct backend_sl_secrets secrets;
	struct fleet_meetings_update *meetings;
	char		*meetings_cause;
	struct sl_node	*nodes;
	size_t		 nnodes;
	size_t		 nnext;		/* next node to ask */
	struct sl_where	*fresh;
	size_t		 nfresh;

	/* from the refreshes before: meeting -> node, sorted */
	int64_t		 fanout_at;	/* mono ms, last full round */
	struct sl_where	*where;
	size_t		 nwhere;
	struct sl_seen	*seen;
	size_t		 nseen;
};

static void	sl_node_next(struct sl_poll *);
static void	sl_seen_set(struct sl_poll *, const char *, int, bool);
static void	sl_seen_clear(struct sl_poll *);

static bool
sl_configured(const struct config *cfg)
{
	return (cfg->scalelite.url != NULL && *cfg->scalelite.url != '\0');
}

static int64_t
sl_period(int64_t refresh_ms)
{
	return (refresh_ms);
}

static void *
sl_new(struct bk_source *s)
{
	struct sl_poll	*sp;

	sp = xcalloc(1, sizeof *sp);
	sp->s = s;
	sp->base = api_scalelite_base(bk_config(s)->scalelite.url);
	return (sp);
}

static void
sl_where_free(struct sl_where *w, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(w[i].meeting_id);
		free(w[i].node);
	}
	free(w);
}

static void
sl_round_clear(struct sl_poll *sp)
{
	free(sp->servers_cause);
	sp->servers_cause = NULL;
	backend_sl_secrets_free(&sp->secrets);
	fleet_meetings_update_free(sp->meetings);
	sp->meetings = NULL;
	free(sp->meetings_cause);
	sp->meetings_cause = NULL;
	free(sp->nodes);
	sp->nodes = NULL;
	sp->nnodes = sp->nnext = 0;
	sl_where_free(sp->fresh, sp->nfresh);
	sp->fresh = NULL;
	sp->nfresh = 0;
	sp->fanned = false;
}

static void
sl_free(void *arg)
{
	struct sl_poll	*sp = arg;

	if (sp == NULL)
		return;
	sl_round_clear(sp);
	sl_where_free(sp->where, sp->nwhere);
	sl_seen_clear(sp);
	free(sp->base);
	free(sp);
}

/* "<what>: " + scalelite's error answer, the secret masked. */
static char *
sl_describe(struct sl_poll *sp, const char *what,
    const struct http_response *resp)
{
	struct api_conn	 c = api_scalelite_conn(bk_config(sp->s));

	return (bk_describe_api(what, api_scalelite_describe, &c, resp));
}

static int
sl_where_cmp(const void *a, const void *b)
{
	const struct sl_where	*wa = a, *wb = b;

	return (strcmp(wa->meeting_id, wb->meeting_id));
}

static int
sl_str_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Every answer is in: the meetings with their nodes, then the source. */
static void
sl_finish(struct sl_poll *sp)
{
	struct bk_source		*s = sp->s;
	struct sl_where			*map, key, *w;
	struct fleet_meetings_update	*u;
	const char			**okv, **live;
	size_t				 n, i, j, nok, nlive;

	/*
	 * Fresh answers, and the old ones of nodes that did not answer
	 * this time (kept while scalelite still lists their meeting).
	 */
	okv = xcalloc(sp->nnodes, sizeof *okv);
	nok = 0;
	for (j = 0; j < sp->nnodes; j++) {
		if (sp->nodes[j].ok)
			okv[nok++] = sp->secrets.v[sp->nodes[j].i].url;
	}
	qsort(okv, nok, sizeof *okv, sl_str_cmp);
	nlive = 0;
	live = NULL;
	if (sp->meetings != NULL) {
		live = xcalloc(sp->meetings->nmeetings, sizeof *live);
		for (i = 0; i < sp->meetings->nmeetings; i++)
			live[nlive++] = sp->meetings->meetings[i].meeting_id;
		qsort(live, nlive, sizeof *live, sl_str_cmp);
	}
	map = xcalloc(sp->nfresh + sp->nwhere, sizeof *map);
	n = 0;
	for (i = 0; i < sp->nfresh; i++)
		map[n++] = sp->fresh[i];
	free(sp->fresh);
	sp->fresh = NULL;
	sp->nfresh = 0;
	for (i = 0; i < sp->nwhere; i++) {
		if (bsearch(&sp->where[i].node, okv, nok, sizeof *okv,
		    sl_str_cmp) == NULL && (live == NULL ||
		    bsearch(&sp->where[i].meeting_id, live, nlive,
		    sizeof *live, sl_str_cmp) != NULL))
			map[n++] = sp->where[i];
		else {
			free(sp->where[i].meeting_id);
			free(sp->where[i].node);
		}
	}
	free(okv);
	free(live);
	free(sp->where);
	qsort(map, n, sizeof *map, sl_where_cmp);
	sp->where = map;
	sp->nwhere = n;

	if ((u = sp->meetings) != NULL) {
		sp->meetings = NULL;
		for (i = 0; i < u->nmeetings; i++) {
			if (u->meetings[i].meeting_id == NULL)
				continue;
			key.meeting_id = u->meetings[i].meeting_id;
			w = bsearch(&key, map, n, sizeof *map, sl_where_cmp);
			if (w != NULL && u->meetings[i].node == NULL)
				u->meetings[i].node = xstrdup(w->node);
		}
		u->fetch = bk_fetch(s);
		fleet_apply_meetings(bk_fleet(s), u, util_wall_ms());
	} else if (sp->meetings_cause != NULL)
		log_info("scalelite: %s", sp->meetings_cause);

	if (sp->servers_cause != NULL)
		bk_failed(s, sp->servers_cause);
	else {
		/* our detail: why the meetings failed; never the legacy one */
		if (sp->meetings_cause != NULL) {
			fleet_source_set_detail(bk_fleet(s),
			    FLEET_SRC_SCALELITE, sp->meetings_cause);
			sp->detail_set = true;
		} else if (sp->detail_set && !bk_fleet(s)->scalelite_legacy) {
			fleet_source_set_detail(bk_fleet(s),
			    FLEET_SRC_SCALELITE, NULL);
			sp->detail_set = false;
		}
		bk_done(s);
	}
	sl_round_clear(sp);
}

static void	sl_fan_out(struct sl_poll *);

static void
sl_pending_done(struct sl_poll *sp)
{
	if (--sp->pending > 0)
		return;
	if (!sp->fanned) {
		sp->fanned = true;
		sp->pending = 1;
		sl_fan_out(sp);
		if (--sp->pending > 0)
			return;
	}
	sl_finish(sp);
}

static void
sl_node_cb(struct http_response *resp, void *arg)
{
	struct sl_node			*nd = arg;
	struct sl_poll			*sp = nd->sp;
	struct fleet_meetings_update	*u;
	const char			*url = sp->secrets.v[nd->i].url;
	struct api_conn			 c = { 0 };
	char				*cause;
	size_t				 i;

	if (resp->cert_expiry != 0)
		fleet_apply_cert(bk_fleet(sp->s), url,
		    (int64_t)resp->cert_expiry * 1000, util_wall_ms());
	if (!http_response_ok(resp)) {
		c.secret = sp->secrets.v[nd->i].secret;	/* the node's */
		cause = bk_describe_api(url, api_describe, &c, resp);
		log_debug("scalelite: node getMeetings: %s", cause);
		free(cause);
	} else if (backend_bbb_decode_meetings(resp->body, resp->len, &u,
	    &cause) != 0) {
		log_debug("scalelite: node %s: %s", url, cause);
		free(cause);
	} else {
		nd->ok = true;
		sp->fresh = xreallocarray(sp->fresh, sp->nfresh + u->nmeetings,
		    sizeof *sp->fresh);
		for (i = 0; i < u->nmeetings; i++) {
			sp->fresh[sp->nfresh].meeting_id =
			    u->meetings[i].meeting_id;
			u->meetings[i].meeting_id = NULL;
			sp->fresh[sp->nfresh++].node = xstrdup(url);
		}
		fleet_meetings_update_free(u);
	}
	sl_seen_set(sp, url, nd->meetings, nd->ok);
	sl_node_next(sp);
	sl_pending_done(sp);
}

static void
sl_node_next(struct sl_poll *sp)
{
	struct api_conn	 c = api_scalelite_conn(bk_config(sp->s));
	struct api_req	 r;
	struct sl_node	*nd;

	if (sp->nnext >= sp->nnodes)
		return;
	nd = &sp->nodes[sp->nnext++];
	/* the node's own API URL and secret (from getServers) */
	api_req_init(&r, &c, NULL, api_bbb_url(sp->secrets.v[nd->i].url,
	    "getMeetings", NULL, sp->secrets.v[nd->i].secret));
	r.http.timeout_ms = bk_timeout_ms(sp->s);
	r.http.want_cert_expiry = true;
	bk_request(sp->s, &r.http, sl_node_cb, nd);
	api_req_clear(&r);
}

static void
sl_servers_cb(struct http_response *resp, void *arg)
{
	struct sl_poll			*sp = arg;
	struct fleet_scalelite_update	*u = NULL;
	char				*cause = NULL, *d;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0 ||
	    (resp->status != 200 && resp->status != 404))
		cause = sl_describe(sp, "getServers", resp);
	else if (backend_scalelite_decode(resp->body, resp->len, &u,
	    &sp->secrets, &cause) != 0) {
		d = resp->status != 200 ? sl_describe(sp, "getServers", resp) :
		    xasprintf("getServers: %s", cause);
		free(cause);
		cause = d;
	} else if (resp->status == 404 && u->nservers != 0) {
		/* never describe(): the body holds the node secrets */
		fleet_scalelite_update_free(u);
		backend_sl_secrets_free(&sp->secrets);
		cause = xstrdup("getServers: HTTP 404 with a server list");
	}
	if (resp->body != NULL)
		explicit_bzero(resp->body, resp->len);	/* node secrets */
	if (cause != NULL) {
		sp->servers_cause = cause;
		sl_pending_done(sp);
		return;
	}

	u->fetch = bk_fetch(sp->s);
	fleet_apply_scalelite(bk_fleet(sp->s), u, util_wall_ms());
	bk_changed(sp->s);
	sl_pending_done(sp);
}

/* Does a meeting scalelite lists have no known node yet? */
static bool
sl_unplaced(struct sl_poll *sp)
{
	struct sl_where	 key;
	size_t		 i;

	if (sp->meetings == NULL)
		return (false);
	for (i = 0; i < sp->meetings->nmeetings; i++) {
		key.meeting_id = sp->meetings->meetings[i].meeting_id;
		if (sp->nwhere == 0 || bsearch(&key, sp->where, sp->nwhere, sizeof *sp->where,
		    sl_where_cmp) == NULL)
			return (true);
	}
	return (false);
}

static int
sl_seen_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct sl_seen *)a)->url,
	    ((const struct sl_seen *)b)->url));
}

static struct sl_seen *
sl_seen_find(struct sl_poll *sp, const char *url)
{
	struct sl_seen	 key;

	if (sp->nseen == 0)
		return (NULL);
	key.url = (char *)(uintptr_t)url;
	return (bsearch(&key, sp->seen, sp->nseen, sizeof *sp->seen,
	    sl_seen_cmp));
}

static void
sl_seen_set(struct sl_poll *sp, const char *url, int meetings, bool ok)
{
	struct sl_seen	*e;
	size_t		 lo = 0, hi = sp->nseen, mid;

	if ((e = sl_seen_find(sp, url)) == NULL) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (strcmp(sp->seen[mid].url, url) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		sp->seen = xreallocarray(sp->seen, sp->nseen + 1,
		    sizeof *sp->seen);
		memmove(&sp->seen[lo + 1], &sp->seen[lo],
		    (sp->nseen - lo) * sizeof *sp->seen);
		sp->nseen++;
		e = &sp->seen[lo];
		e->url = xstrdup(url);
	}
	e->meetings = meetings;
	e->ok = ok;
}

static void
sl_seen_clear(struct sl_poll *sp)
{
	size_t	 i;

	for (i = 0; i < sp->nseen; i++)
		free(sp->seen[i].url);
	free(sp->seen);
	sp->seen = NULL;
	sp->nseen = 0;
}

/*
 * Prometheus's meeting count of every node by its API URL (sorted; the
 * URLs borrowed from the model), or none when the counts in the model
 * are not Prometheus's (it has no data: they come from the meetings).
 */
static struct sl_seen *
sl_prom_counts(const struct fleet *f, size_t *np)
{
	struct sl_seen	*v;
	size_t		 i, n = 0;

	*np = 0;
	if (f->sources[FLEET_SRC_PROMETHEUS].last_ok == 0)
		return (NULL);
	v = xcalloc(f->nnodes + 1, sizeof *v);
	for (i = 0; i < f->nnodes; i++) {
		if (f->nodes[i]->sl_url == NULL)
			continue;
		v[n].url = f->nodes[i]->sl_url;
		v[n++].meetings = f->nodes[i]->meetings;
	}
	qsort(v, n, sizeof *v, sl_seen_cmp);
	*np = n;
	return (v);
}

/*
 * Is the node worth asking between full rounds: never asked since the
 * last one, or its count in Prometheus moved since it answered?
 */
static bool
sl_suspect(struct sl_poll *sp, const char *url, int meetings)
{
	const struct sl_seen	*e;

	if ((e = sl_seen_find(sp, url)) == NULL)
		return (true);
	return (e->ok && meetings >= 0 && meetings != e->meetings);
}

/*
 * getServers and getMeetings are in: ask every node when the last full
 * round is older than SL_FANOUT_MS; else, when a meeting has no known
 * node, the suspect nodes only.
 */
static void
sl_fan_out(struct sl_poll *sp)
{
	struct sl_seen		*pc, key, *e;
	size_t			 i, n, npc;
	int64_t			 now = util_mono_ms();
	bool			 full;
	int			 m;

	if (!bk_want_meetings(sp->s) || sp->secrets.n == 0)
		return;
	full = now - sp->fanout_at >= SL_FANOUT_MS;
	if (!full && !sl_unplaced(sp))
		return;
	if (full) {
		sp->fanout_at = now;
		sl_seen_clear(sp);
	}
	pc = sl_prom_counts(bk_fleet(sp->s), &npc);
	n = 0;
	sp->nodes = xcalloc(sp->secrets.n, sizeof *sp->nodes);
	for (i = 0; i < sp->secrets.n; i++) {
		if (!sp->secrets.v[i].pollable)
			continue;
		key.url = sp->secrets.v[i].url;
		e = npc == 0 ? NULL : bsearch(&key, pc, npc, sizeof *pc,
		    sl_seen_cmp);
		m = e != NULL ? e->meetings : -1;
		if (!full && !sl_suspect(sp, sp->secrets.v[i].url, m))
			continue;
		sp->nodes[n].sp = sp;
		sp->nodes[n].i = i;
		sp->nodes[n].meetings = m;
		n++;
	}
	free(pc);
	sp->nnodes = n;
	sp->pending += (int)n;
	for (i = 0; i < n && i < SL_NODE_CONCURRENCY; i++)
		sl_node_next(sp);
}

static void
sl_meetings_cb(struct http_response *resp, void *arg)
{
	struct sl_poll	*sp = arg;
	char		*cause;

	if (!http_response_ok(resp))
		sp->meetings_cause = sl_describe(sp, "getMeetings", resp);
	else if (backend_bbb_decode_meetings(resp->body, resp->len,
	    &sp->meetings, &cause) != 0) {
		sp->meetings_cause = xasprintf("getMeetings: %s", cause);
		free(cause);
	}
	sl_pending_done(sp);
}

static void
sl_start(struct bk_source *s, void *arg)
{
	struct sl_poll		*sp = arg;
	struct api_conn		 c = api_scalelite_conn(bk_config(s));
	struct api_req		 r;

	sl_round_clear(sp);
	sp->pending = bk_want_meetings(s) ? 2 : 1;
	c.timeout_ms = bk_timeout_ms(s);

	api_scalelite_admin(&r, &c, "getServers", NULL, NULL);
	bk_request(s, &r.http, sl_servers_cb, sp);
	api_req_clear(&r);
	if (!bk_want_meetings(s))
		return;

	api_scalelite_bbb(&r, &c, "getMeetings", NULL);
	bk_request(s, &r.http, sl_meetings_cb, sp);
	api_req_clear(&r);
}

const struct bk_ops bk_scalelite_ops = {
	FLEET_SRC_SCALELITE,
	sl_configured,
	sl_new,
	sl_free,
	sl_start,
	sl_period
};
