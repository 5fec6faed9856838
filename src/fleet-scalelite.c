/*
 * fleet-scalelite.c: the fleet model's apply of scalelite's server list
 * (the load balancer's state of each node) and the meetings of
 * getMeetings (fleet.h, the update struct; fleet-int.h, the pattern
 * every apply follows).
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

/* --- scalelite -------------------------------------------------------- */

void
fleet_scalelite_update_free(struct fleet_scalelite_update *u)
{
	struct fleet_sl_server_u	*s;
	size_t				 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nservers; i++) {
		s = &u->servers[i];
		free(s->id);
		free(s->url);
		free(s->tag);
		free(s->bbb_version);
	}
	free(u->servers);
	free(u);
}

int
fleet_apply_scalelite(struct fleet *f, struct fleet_scalelite_update *u,
    int64_t now)
{
	struct fleet_sl_server_u	*s;
	struct fleet_node		*n;
	size_t				 i;
	uint64_t			 before;

	if (u == NULL)
		return (-1);
	before = fleet_digest_view(f);
	f->scalelite_legacy = u->legacy;
	if (u->legacy) {
		fleet_source_ok(f, FLEET_SRC_SCALELITE, &u->fetch, now);
		fleet_source_set_detail(f, FLEET_SRC_SCALELITE,
		    "scalelite without admin API (< 1.5.1)");
		fleet_scalelite_update_free(u);
		fleet_changed_from(f, now, FLEET_SRC_SCALELITE, before);
		return (0);
	}
	f->priv->gen++;
	for (i = 0; i < u->nservers; i++) {
		s = &u->servers[i];
		if ((n = fleet_node_get_name(f, s->url)) == NULL)
			continue;
		fleet_node_clear_scalelite(n);
		n->sl_id = s->id;
		n->sl_url = s->url;
		n->tag = s->tag;
		n->bbb_version = s->bbb_version;
		s->id = s->url = s->tag = s->bbb_version = NULL;
		n->lb = s->state;
		n->online = s->online;
		n->load = s->load;
		n->load_multiplier = s->load_multiplier;
		fleet_node_touch(f, n, FLEET_SRC_SCALELITE, now);
	}
	fleet_nodes_sweep(f, FLEET_SRC_SCALELITE);
	fleet_source_ok(f, FLEET_SRC_SCALELITE, &u->fetch, now);
	fleet_source_set_detail(f, FLEET_SRC_SCALELITE, NULL);
	fleet_scalelite_update_free(u);
	fleet_changed_from(f, now, FLEET_SRC_SCALELITE, before);
	return (0);
}

/* --- meetings --------------------------------------------------------- */

void
fleet_meetings_update_free(struct fleet_meetings_update *u)
{
	struct fleet_meeting_u	*m;
	size_t			 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nmeetings; i++) {
		m = &u->meetings[i];
		free(m->meeting_id);
		free(m->name);
		free(m->node);
	}
	free(u->meetings);
	free(u);
}

static int
fleet_meeting_cmp(const void *a, const void *b)
{
	const struct fleet_meeting *ma = *(struct fleet_meeting *const *)a;
	const struct fleet_meeting *mb = *(struct fleet_meeting *const *)b;
	int			 c;

	c = strcmp(ma->node_key != NULL ? ma->node_key : "~",
	    mb->node_key != NULL ? mb->node_key : "~");
	if (c != 0)
		return (c);
	c = strcmp(ma->name != NULL ? ma->name : "",
	    mb->name != NULL ? mb->name : "");
	if (c != 0)
		return (c);
	return (strcmp(ma->meeting_id, mb->meeting_id));
}

static void
fleet_int_add(int *to, int v)
{
	if (v < 0)
		return;
	*to = *to < 0 ? v : *to + v;
}

int
fleet_apply_meetings(struct fleet *f, struct fleet_meetings_update *u,
    int64_t now)
{
	struct fleet_meeting_u	*mu;
	struct fleet_meeting	*m, *old, **list;
	struct fleet_node	*n;
	struct hmap		*ids = &f->priv->scratch[0];
	size_t			 i, nlist = 0;
	bool			 noprom;

	if (u == NULL)
		return (-1);
	hmap_clear(ids);
	hmap_reserve(ids, f->nmeetings);
	for (i = 0; i < f->nmeetings; i++)
		hmap_put(ids, f->meetings[i]->meeting_id, f->meetings[i]);
	list = xcalloc(u->nmeetings + 1, sizeof *list);
	for (i = 0; i < u->nmeetings; i++) {
		mu = &u->meetings[i];
		if (mu->meeting_id == NULL)
			continue;
		m = xcalloc(1, sizeof *m);
		/* a repeated id in one answer gets a new id */
		old = hmap_del(ids, mu->meeting_id);
		m->id = old != NULL ? old->id : f->priv->next_id++;
		m->meeting_id = mu->meeting_id;
		m->name = mu->name;
		mu->meeting_id = mu->name = NULL;
		m->node_key = fleet_key(f, mu->node);
		m->participants = mu->participants;
		m->voice = mu->voice;
		m->video = mu->video;
		m->listeners = mu->listeners;
		m->moderators = mu->moderators;
		m->recording = mu->recording;
		m->created = mu->created;
		list[nlist++] = m;
	}
	hmap_clear(ids);
	qsort(list, nlist, sizeof *list, fleet_meeting_cmp);
	fleet_meetings_free(f->meetings, f->nmeetings);
	f->meetings = list;
	f->nmeetings = nlist;
	f->meetings_fetch = u->fetch;
	f->meetings_at = now;
	fleet_meetings_update_free(u);

	/* Without Prometheus, the per-node figures come from here. */
	noprom = f->sources[FLEET_SRC_PROMETHEUS].last_ok == 0;
	if (noprom) {
		for (i = 0; i < f->priv->nall; i++) {
			n = f->priv->all[i];
			n->meetings = n->participants = n->voice = -1;
			n->video = n->listeners = -1;
		}
		for (i = 0; i < nlist; i++) {
			m = list[i];
			if (m->node_key == NULL || (n =
			    hmap_get(&f->priv->by_key, m->node_key)) == NULL)
				continue;
			fleet_int_add(&n->meetings, 1);
			fleet_int_add(&n->participants, m->participants);
			fleet_int_add(&n->voice, m->voice);
			fleet_int_add(&n->video, m->video);
			fleet_int_add(&n->listeners, m->listeners);
		}
	}
	fleet_changed(f, now);
	if (noprom)
		fleet_ring_push(&f->totals.hist_participants,
		    f->totals.participants);
	return (0);
}
