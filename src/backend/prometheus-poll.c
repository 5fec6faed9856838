/*
 * prometheus-poll.c: one instant query per figure for the whole fleet
 * (prom-queries.h; the PromQL from config_prom_query()), all in
 * parallel, gzip (http.c asks for it), basic auth when configured.
 *
 * The refresh ends when every figure has answered.  Figures that failed
 * go to the fleet flagged failed with their cause; only when all of them
 * failed is the source failed (with the first cause).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "prom-queries.h"
#include "util.h"

static const struct prom_query_default prom_defaults[] = PROM_QUERY_DEFAULTS;
#define PROM_NQUERIES	nitems(prom_defaults)

struct prom_poll;
struct prom_query {
	struct prom_poll	*pp;
	size_t			 i;
};

struct prom_poll {
	struct bk_source	*s;
	struct prom_query	 q[PROM_NQUERIES];
	struct fleet_prom_figure figs[PROM_NQUERIES];
	size_t			 pending;
};

static bool
prom_configured(const struct config *cfg)
{
	return (cfg->prometheus.url != NULL && *cfg->prometheus.url != '\0');
}

static int64_t
prom_period(int64_t refresh_ms)
{
	return (refresh_ms);
}

static void	prom_figure_clear(struct fleet_prom_figure *);

static void
prom_figures_clear(struct prom_poll *pp)
{
	size_t	 i;

	for (i = 0; i < PROM_NQUERIES; i++)
		prom_figure_clear(&pp->figs[i]);
}

static void *
prom_new(struct bk_source *s)
{
	struct prom_poll	*pp;
	size_t			 i;

	pp = xcalloc(1, sizeof *pp);
	pp->s = s;
	for (i = 0; i < PROM_NQUERIES; i++) {
		pp->q[i].pp = pp;
		pp->q[i].i = i;
	}
	return (pp);
}

static void
prom_free(void *arg)
{
	struct prom_poll	*pp = arg;

	if (pp == NULL)
		return;
	prom_figures_clear(pp);
	free(pp);
}

static void
prom_finish(struct prom_poll *pp)
{
	struct fleet_prom_update	*u;
	const char			*first = NULL;
	size_t				 i, nfailed = 0;

	for (i = 0; i < PROM_NQUERIES; i++) {
		if (pp->figs[i].failed) {
			nfailed++;
			if (first == NULL)
				first = pp->figs[i].error;
		}
	}
	if (nfailed == PROM_NQUERIES) {
		bk_failed(pp->s, first);
		prom_figures_clear(pp);
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->fetch = bk_fetch(pp->s);
	u->figures = xcalloc(PROM_NQUERIES, sizeof *u->figures);
	memcpy(u->figures, pp->figs, sizeof pp->figs);
	u->nfigures = PROM_NQUERIES;
	memset(pp->figs, 0, sizeof pp->figs);
	fleet_apply_prom(bk_fleet(pp->s), u, util_wall_ms());
	bk_done(pp->s);
}

static void
prom_figure_clear(struct fleet_prom_figure *f)
{
	size_t	 j;

	for (j = 0; j < f->nsamples; j++) {
		free(f->samples[j].instance);
		free(f->samples[j].job);
	}
	free(f->samples);
	free(f->name);
	free(f->error);
	memset(f, 0, sizeof *f);
}

static void
prom_done_cb(struct http_response *resp, void *arg)
{
	struct prom_query		*q = arg;
	struct prom_poll		*pp = q->pp;
	struct fleet_prom_figure	*f = &pp->figs[q->i];
	const char			*name = prom_defaults[q->i].name;
	char				*cause = NULL, *warning = NULL, *d;

	/* Prometheus error answers (400/422/503) carry the envelope. */
	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		cause = bk_describe(name, resp);
	else if (backend_prom_decode(name, resp->body, resp->len, f,
	    &warning, &cause) != 0) {
		if (!http_response_ok(resp) &&
		    !bk_is_error_answer(cause)) {
			free(cause);
			cause = bk_describe(name, resp);
		} else {
			d = bk_prefix_status(name, resp, cause);
			free(cause);
			cause = d;
		}
	} else if (!http_response_ok(resp)) {
		prom_figure_clear(f);
		cause = bk_describe(name, resp);
	}
	if (warning != NULL) {
		log_debug("prometheus: %s: warning: %s", name, warning);
		free(warning);
	}
	if (cause != NULL) {
		prom_figure_clear(f);
		f->name = xstrdup(name);
		f->failed = true;
		f->error = bk_clean_cause(FLEET_SRC_PROMETHEUS, cause);
		free(cause);
	}
	if (--pp->pending == 0)
		prom_finish(pp);
}

static void
prom_start(struct bk_source *s, void *arg)
{
	struct prom_poll	*pp = arg;
	const struct config	*cfg = bk_config(s);
	struct http_req		 req;
	const char		*promql;
	char			*q, *path, *url;
	size_t			 i;

	prom_figures_clear(pp);
	pp->pending = PROM_NQUERIES;
	for (i = 0; i < PROM_NQUERIES; i++) {
		memset(&req, 0, sizeof req);
		promql = config_prom_query(cfg, prom_defaults[i].name);
		if (promql == NULL)
			promql = prom_defaults[i].promql;
		q = util_urlencode(promql);
		path = xasprintf("api/v1/query?query=%s", q);
		url = util_url_join(cfg->prometheus.url, path);
		req.url = url;
		req.timeout_ms = bk_timeout_ms(s);
		req.ca_file = cfg->prometheus.ca_file;
		if (cfg->prometheus.user != NULL &&
		    *cfg->prometheus.user != '\0') {
			req.user = cfg->prometheus.user;
			req.password = cfg->prometheus.password != NULL ?
			    cfg->prometheus.password : "";
		}
		bk_request(s, &req, prom_done_cb, &pp->q[i]);
		free(url);
		free(path);
		free(q);
	}
}

const struct bk_ops bk_prom_ops = {
	FLEET_SRC_PROMETHEUS,
	prom_configured,
	prom_new,
	prom_free,
	prom_start,
	prom_period
};
