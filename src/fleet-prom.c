/*
 * fleet-prom.c: the fleet model's apply of Prometheus's figures, one
 * query each, onto the nodes their instance label names (fleet.h, the
 * update struct; fleet-int.h, the pattern every apply follows).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fleet.h"
#include "fleet-int.h"
#include "hmap.h"
#include "util.h"

static const char *fleet_pf_names[FLEET_PF_COUNT] = {
	"cpu", "mem", "load1", "net_in", "net_out", "meetings",
	"participants", "voice", "video", "listeners", "api_up", "up"
};


/* --- prometheus ------------------------------------------------------- */

static int
fleet_pf_lookup(const char *name)
{
	int	 i;

	if (name == NULL)
		return (-1);
	for (i = 0; i < FLEET_PF_COUNT; i++) {
		if (strcmp(name, fleet_pf_names[i]) == 0)
			return (i);
	}
	return (-1);
}

static double *
fleet_pf_double(struct fleet_node *n, int pf)
{
	switch (pf) {
	case FLEET_PF_CPU:
		return (&n->cpu);
	case FLEET_PF_MEM:
		return (&n->mem);
	case FLEET_PF_LOAD1:
		return (&n->load1);
	case FLEET_PF_NET_IN:
		return (&n->net_in);
	case FLEET_PF_NET_OUT:
		return (&n->net_out);
	}
	return (NULL);
}

static int *
fleet_pf_int(struct fleet_node *n, int pf)
{
	switch (pf) {
	case FLEET_PF_MEETINGS:
		return (&n->meetings);
	case FLEET_PF_PARTICIPANTS:
		return (&n->participants);
	case FLEET_PF_VOICE:
		return (&n->voice);
	case FLEET_PF_VIDEO:
		return (&n->video);
	case FLEET_PF_LISTENERS:
		return (&n->listeners);
	case FLEET_PF_API_UP:
		return (&n->api_up);
	}
	return (NULL);
}

static void
fleet_pf_reset(struct fleet_node *n, int pf)
{
	double	*d;
	int	*i;

	n->prom_figures &= ~(1u << pf);
	if ((d = fleet_pf_double(n, pf)) != NULL)
		*d = NAN;
	else if ((i = fleet_pf_int(n, pf)) != NULL)
		*i = -1;
	else if (pf == FLEET_PF_UP)
		n->exporters_up = n->exporters_total = -1;
}

/* Merge one sample: several instances of one node add up (max for
 * percentages and load, min for api_up). */
static void
fleet_pf_set(struct fleet_node *n, int pf, double v, int64_t now)
{
	double	*d;
	int	*i, iv;

	n->prom_figures |= 1u << pf;	/* even a NaN sample */
	if (pf == FLEET_PF_UP) {
		if (n->exporters_total < 0)
			n->exporters_total = n->exporters_up = 0;
		n->exporters_total++;
		if (v == 1)
			n->exporters_up++;
		return;
	}
	if (isnan(v))
		return;
	if ((d = fleet_pf_double(n, pf)) != NULL) {
		if (pf <= FLEET_PF_LOAD1) {
			n->prom_at = now;
			if (isnan(*d) || v > *d)
				*d = v;
		} else
			*d = isnan(*d) ? v : *d + v;
		return;
	}
	if ((i = fleet_pf_int(n, pf)) == NULL)
		return;
	if (v > 1e9)
		v = 1e9;
	if (v < -1e9)
		v = -1e9;
	iv = (int)lround(v);
	if (pf == FLEET_PF_API_UP)
		*i = (*i < 0 || iv < *i) ? iv : *i;
	else
		*i = *i < 0 ? iv : *i + iv;
}

void
fleet_prom_update_free(struct fleet_prom_update *u)
{
	struct fleet_prom_figure	*fg;
	size_t				 i, j;

	if (u == NULL)
		return;
	for (i = 0; i < u->nfigures; i++) {
		fg = &u->figures[i];
		free(fg->name);
		free(fg->error);
		for (j = 0; j < fg->nsamples; j++) {
			free(fg->samples[j].instance);
			free(fg->samples[j].job);
		}
		free(fg->samples);
	}
	free(u->figures);
	free(u);
}

int
fleet_apply_prom(struct fleet *f, struct fleet_prom_update *u, int64_t now)
{
	struct fleet_prom_figure	*fg;
	struct fleet_prom_sample	*sm;
	struct fleet_node		*n, **prev_node, **cur_node, **t;
	struct fleet_prom_figure	*prev;
	struct hmap			*inst = &f->priv->scratch[0];
	struct buf			 detail = { 0 };
	const char			*first_error = NULL;
	size_t				 i, j, nfailed = 0, ngood = 0;
	size_t				 ncur = 0;
	int				 pf;
	bool				 good[FLEET_PF_COUNT] = { false };
	char				*cause;

	if (u == NULL)
		return (-1);
	for (i = 0; i < u->nfigures; i++) {
		fg = &u->figures[i];
		if (fg->failed) {
			nfailed++;
			if (first_error == NULL) {
				first_error = fg->error != NULL ?
				    fg->error : "failed";
				buf_printf(&detail, "%s: %s",
				    fg->name != NULL ? fg->name : "?",
				    first_error);
			}
			continue;
		}
		ngood++;
		if ((pf = fleet_pf_lookup(fg->name)) >= 0)
			good[pf] = true;
	}
	if (ngood == 0 && nfailed > 0) {
		cause = xasprintf("every query failed; %s", detail.data);
		fleet_source_failed(f, FLEET_SRC_PROMETHEUS, cause, now);
		free(cause);
		buf_free(&detail);
		fleet_prom_update_free(u);
		return (0);
	}

	f->priv->gen++;
	for (i = 0; i < f->priv->nall; i++) {
		for (pf = 0; pf < FLEET_PF_COUNT; pf++) {
			if (good[pf])
				fleet_pf_reset(f->priv->all[i], pf);
		}
	}
	hmap_clear(inst);
	hmap_reserve(inst, f->priv->nall + 16);
	for (i = 0; i < u->nfigures; i++) {
		if (u->figures[i].nsamples > ncur)
			ncur = u->figures[i].nsamples;
	}
	prev_node = xcalloc(ncur + 1, sizeof *prev_node);
	cur_node = xcalloc(ncur + 1, sizeof *cur_node);
	prev = NULL;
	for (i = 0; i < u->nfigures; i++) {
		fg = &u->figures[i];
		if (fg->failed)
			continue;
		if ((pf = fleet_pf_lookup(fg->name)) < 0)
			continue;	/* a figure fleet does not know */
		for (j = 0; j < fg->nsamples; j++) {
			sm = &fg->samples[j];
			cur_node[j] = NULL;
			if (sm->instance == NULL)
				continue;
			/*
			 * The figures mostly list the instances in one
			 * order: the last figure's j-th instance first.
			 */
			if (prev != NULL && j < prev->nsamples &&
			    prev_node[j] != NULL &&
			    strcmp(prev->samples[j].instance, sm->instance) == 0)
				n = prev_node[j];
			else if ((n = hmap_get(inst, sm->instance)) == NULL) {
				n = fleet_node_get_name(f, sm->instance);
				if (n != NULL)
					hmap_put(inst, sm->instance, n);
			}
			if ((cur_node[j] = n) == NULL)
				continue;
			if (n->gen[FLEET_SRC_PROMETHEUS] != f->priv->gen) {
				if ((n->seen & FLEET_SRC_BIT(
				    FLEET_SRC_PROMETHEUS)) == 0)
					fleet_node_clear_prom(n);
				fleet_node_touch(f, n, FLEET_SRC_PROMETHEUS,
				    now);
			}
			fleet_pf_set(n, pf, sm->value, now);
		}
		prev = fg;
		t = prev_node;
		prev_node = cur_node;
		cur_node = t;
	}
	free(prev_node);
	free(cur_node);
	hmap_clear(inst);
	fleet_nodes_sweep(f, FLEET_SRC_PROMETHEUS);

	fleet_source_ok(f, FLEET_SRC_PROMETHEUS, &u->fetch, now);
	if (nfailed > 0) {
		cause = xasprintf("%zu of %zu queries failed (%s)", nfailed,
		    u->nfigures, detail.data);
		fleet_source_set_detail(f, FLEET_SRC_PROMETHEUS, cause);
		free(cause);
	} else
		fleet_source_set_detail(f, FLEET_SRC_PROMETHEUS, NULL);
	buf_free(&detail);
	fleet_prom_update_free(u);

	for (i = 0; i < f->priv->nall; i++) {
		n = f->priv->all[i];
		if ((n->seen & FLEET_SRC_BIT(FLEET_SRC_PROMETHEUS)) == 0)
			continue;
		fleet_ring_push(&n->hist_cpu, n->cpu);
		fleet_ring_push(&n->hist_participants, n->participants < 0 ?
		    NAN : n->participants);
	}
	fleet_changed(f, now);
	fleet_ring_push(&f->totals.hist_participants, f->totals.participants);
	return (0);
}
