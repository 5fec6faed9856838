/*
 * sim-metrics.c: SIM_METRICS, the per-node exporters of the simulated
 * fleet.  A view of a node (struct sim_mview) is taken from the world
 * under the lock; sim-exporters.c prints it.  Paths under
 * /bigbluebutton/api are the node's BBB API, /html5client/join its
 * client page (sim_bbb_node_handle).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim-prom.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* Views. */

static void
hist_add(int *h, const double *bounds, size_t n, int v)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (bounds[i] >= v)
			h[i]++;
	}
}

static double
node_hash(const char *name)
{
	uint32_t	 h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return ((double)(h % 10000) / 10000.0);
}

/*
 * Fill the view of node i from its meetings, whose indices in
 * w->meetings are mi[0 .. nmi-1].
 */
static void
mview_fill_at(struct sim_world *w, size_t i, struct sim_mview *v,
    const size_t *mi, size_t nmi)
{
	struct sim_node		*n = &w->nodes[i];
	struct sim_mstate	*st = sim_prom_mstate(w, i);
	const struct sim_meeting *m;
	double			 dt, a;
	size_t			 j;
	int			 c;

	memset(v, 0, sizeof *v);
	v->t_ms = w->now_ms;
	v->up = n->up;
	v->exporter_up = n->up && n->exporter_up;
	v->api_ok = n->up && n->bbb_api_ok;
	v->version = n->bbb_exporter_version == 7 ? 7 : 2;
	v->ncpu = n->ncpu;
	if (v->ncpu < 1)
		v->ncpu = 1;
	if (v->ncpu > SIM_MVIEW_MAXCPU)
		v->ncpu = SIM_MVIEW_MAXCPU;
	if (!st->init) {
		/* The model starts busy time at 0; a running host has some. */
		for (c = 0; c < SIM_MVIEW_MAXCPU; c++)
			st->busy_off[c] = floor(n->cpu_seconds[c][0] * 0.09);
	}
	for (c = 0; c < v->ncpu; c++) {
		v->cpu_idle[c] = n->cpu_seconds[c][0];
		v->cpu_busy[c] = n->cpu_seconds[c][1] + st->busy_off[c];
	}
	v->mem_total = n->mem_total;
	v->mem_used = n->mem_used;
	if (v->mem_used > v->mem_total)
		v->mem_used = v->mem_total;
	v->rx = floor(n->net_rx_bytes);
	v->tx = floor(n->net_tx_bytes);
	v->lo = floor((n->net_rx_bytes + n->net_tx_bytes) * 0.01);
	v->load1 = round(n->load1 * 100) / 100;

	if (!st->init) {
		st->init = true;
		st->last_ms = w->now_ms;
		st->load5 = n->load1;
		st->load15 = n->load1;
		st->start_s = floor((double)w->now_ms / 1000) -
		    3600 * (1 + 20 * node_hash(n->name));
		st->unique = (double)nmi;
	} else if (w->now_ms > st->last_ms) {
		dt = (double)(w->now_ms - st->last_ms) / 1000;
		a = 1 - exp(-dt / 300);
		st->load5 += (n->load1 - st->load5) * a;
		a = 1 - exp(-dt / 900);
		st->load15 += (n->load1 - st->load15) * a;
		for (j = 0; j < nmi; j++) {
			m = &w->meetings[mi[j]];
			if (m->created_ms > st->last_ms &&
			    m->created_ms <= w->now_ms)
				st->unique++;
		}
		st->last_ms = w->now_ms;
	}
	v->load5 = round(st->load5 * 100) / 100;
	v->load15 = round(st->load15 * 100) / 100;
	v->start_s = st->start_s;
	v->boot_s = st->start_s - 37;
	v->unique_meetings = st->unique;
	v->scrapes = floor((w->now_ms / 1000.0 - v->start_s) / 15) + 1;
	if (v->scrapes < 1)
		v->scrapes = 1;

	if (!v->api_ok)
		return;
	for (j = 0; j < nmi; j++) {
		m = &w->meetings[mi[j]];
		v->meetings++;
		v->participants += m->participants;
		if (m->participants > v->pmax)
			v->pmax = m->participants;
		v->listeners += m->listeners;
		v->voice += m->voice;
		v->video += m->video;
		v->dialin += m->voice / 25;
		if (m->recording)
			v->recording++;
		hist_add(v->hist_part, sim_room_pbounds, SIM_MVIEW_PBUCKETS,
		    m->participants);
		hist_add(v->hist_listen, sim_room_pbounds, SIM_MVIEW_PBUCKETS,
		    m->listeners);
		hist_add(v->hist_voice, sim_room_vbounds, SIM_MVIEW_VBUCKETS,
		    m->voice);
		hist_add(v->hist_video, sim_room_vbounds, SIM_MVIEW_VBUCKETS,
		    m->video);
	}
}

void
sim_mview_fill(struct sim_world *w, size_t i, struct sim_mview *v)
{
	size_t	*mi = NULL, nmi = 0, cap = 0, j;

	for (j = 0; j < w->nmeetings; j++) {
		if (w->meetings[j].node != (int)i)
			continue;
		if (nmi == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			mi = xreallocarray(mi, cap, sizeof *mi);
		}
		mi[nmi++] = j;
	}
	mview_fill_at(w, i, v, mi, nmi);
	free(mi);
}

void
sim_mview_fill_all(struct sim_world *w, struct sim_mview *views)
{
	size_t	*first, *mi, i, j, node;

	/* Meetings bucketed by node in one pass (a counting sort). */
	first = xcalloc(w->nnodes + 1, sizeof *first);
	mi = xcalloc(w->nmeetings + 1, sizeof *mi);
	for (j = 0; j < w->nmeetings; j++) {
		if (w->meetings[j].node >= 0 &&
		    (size_t)w->meetings[j].node < w->nnodes)
			first[w->meetings[j].node + 1]++;
	}
	for (i = 0; i < w->nnodes; i++)
		first[i + 1] += first[i];
	for (j = 0; j < w->nmeetings; j++) {
		if (w->meetings[j].node < 0 ||
		    (size_t)w->meetings[j].node >= w->nnodes)
			continue;
		node = (size_t)w->meetings[j].node;
		mi[first[node]++] = j;
	}
	/* first[i] is now the end of node i's bucket, its start first[i-1] */
	for (i = 0; i < w->nnodes; i++) {
		j = i == 0 ? 0 : first[i - 1];
		mview_fill_at(w, i, &views[i], mi + j, first[i] - j);
	}
	free(first);
	free(mi);
}

char *
sim_metrics_render(struct sim_world *w, size_t node, int version)
{
	struct sim_mview	 v;

	if (node >= w->nnodes)
		return (xstrdup(""));
	sim_mview_fill(w, node, &v);
	if (version == 2 || version == 7)
		v.version = version;
	return (sim_metrics_text(&v, w->nodes[node].name, SIM_EXP_BBB));
}

/* ---------------------------------------------------------------------- */
/* SIM_METRICS routing. */

static int
node_from_host(struct sim_world *w, const char *host)
{
	char	 name[64];
	size_t	 n;

	if (host == NULL)
		return (-1);
	n = strcspn(host, ".:");
	if (n == 0 || n >= sizeof name)
		return (-1);
	memcpy(name, host, n);
	name[n] = '\0';
	return (sim_node_by_name(w, name));
}

static int
exporter_by_name(const char *s, size_t len)
{
	int	 i;

	for (i = 0; i < SIM_NEXPORTERS; i++) {
		if (strlen(sim_exporter_job[i]) == len &&
		    strncmp(s, sim_exporter_job[i], len) == 0)
			return (i);
	}
	return (-1);
}

void
sim_metrics_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *resp)
{
	const char		*p = req->path, *slash;
	char			 name[64];
	struct sim_mview	 v;
	int			 node = -1, exp = SIM_EXP_BBB;
	size_t			 len;

	if ((strncmp(p, "/bigbluebutton/api", 18) == 0 &&
	    (p[18] == '\0' || p[18] == '/')) ||
	    strcmp(p, "/html5client/join") == 0) {
		node = node_from_host(w, req->host);
		if (node < 0) {
			sim_resp_printf(resp, 404, "text/plain",
			    "no such node: %s\n", req->host != NULL ?
			    req->host : "(no Host header)");
			return;
		}
		sim_bbb_node_handle(w, (size_t)node, req, resp);
		return;
	}
	if (strncmp(p, "/metrics", 8) != 0 ||
	    (p[8] != '\0' && p[8] != '/')) {
		sim_resp_printf(resp, 404, "text/plain",
		    "404 page not found\n");
		return;
	}
	p += 8;
	if (*p == '/')
		p++;
	if (*p != '\0') {
		slash = strchr(p, '/');
		if (slash != NULL) {
			/* /metrics/<node>/<exporter> */
			len = (size_t)(slash - p);
			if (len == 0 || len >= sizeof name)
				goto notfound;
			memcpy(name, p, len);
			name[len] = '\0';
			node = sim_node_by_name(w, name);
			exp = exporter_by_name(slash + 1, strlen(slash + 1));
		} else {
			/* /metrics/<exporter>, node from Host */
			exp = exporter_by_name(p, strlen(p));
			node = node_from_host(w, req->host);
		}
	} else
		node = node_from_host(w, req->host);
	if (node < 0 || exp < 0)
		goto notfound;

	sim_prom_tick(w);
	sim_mview_fill(w, (size_t)node, &v);
	if (!v.up || !v.exporter_up) {
		sim_resp_printf(resp, 503, "text/plain",
		    "503 Service Unavailable: %s exporter of %s is down\n",
		    sim_exporter_job[exp], w->nodes[node].name);
		return;
	}
	sim_resp_set(resp, 200, "text/plain; version=0.0.4; charset=utf-8",
	    sim_metrics_text(&v, w->nodes[node].name, exp));
	return;

notfound:
	sim_resp_printf(resp, 404, "text/plain", "404 page not found\n");
}
