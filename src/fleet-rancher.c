/*
 * fleet-rancher.c: the fleet model's apply of Rancher's stacks, services
 * and hosts, and which stack each node runs (fleet.h, the update struct;
 * fleet-int.h, the pattern every apply follows).
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

/* --- rancher ---------------------------------------------------------- */

static void
fleet_strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
fleet_rancher_update_free(struct fleet_rancher_update *u)
{
	size_t	 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nstacks; i++) {
		free(u->stacks[i].id);
		free(u->stacks[i].name);
		free(u->stacks[i].state);
		free(u->stacks[i].health);
	}
	free(u->stacks);
	for (i = 0; i < u->nservices; i++) {
		free(u->services[i].id);
		free(u->services[i].stack_id);
		free(u->services[i].name);
		free(u->services[i].state);
		free(u->services[i].health);
		free(u->services[i].image);
		fleet_strv_free(u->services[i].instance_ids,
		    u->services[i].ninstance_ids);
	}
	free(u->services);
	for (i = 0; i < u->nhosts; i++) {
		free(u->hosts[i].id);
		free(u->hosts[i].hostname);
		free(u->hosts[i].state);
		free(u->hosts[i].agent_state);
		fleet_strv_free(u->hosts[i].instance_ids,
		    u->hosts[i].ninstance_ids);
	}
	free(u->hosts);
	free(u);
}

/*
 * How bad a service looks, for the node's stack_state: 0 fine ... 4
 * unhealthy; *word says it.
 */
static int
fleet_service_rank(const char *state, const char *health, const char **word)
{
	/* (the first letters first: this runs for every instance) */
	if (health != NULL && health[0] == 'u' &&
	    strcmp(health, "unhealthy") == 0) {
		*word = "unhealthy";
		return (4);
	}
	if (health != NULL && health[0] == 'd' &&
	    strcmp(health, "degraded") == 0) {
		*word = "degraded";
		return (3);
	}
	if (state != NULL && strcmp(state, "active") != 0) {
		*word = state;
		return (2);
	}
	if (health != NULL && strcmp(health, "healthy") != 0 &&
	    strcmp(health, "started-once") != 0) {
		*word = health;
		return (1);
	}
	*word = "active";
	return (0);
}

static int
fleet_stack_cmp(const void *a, const void *b)
{
	const struct fleet_stack *sa = *(struct fleet_stack *const *)a;
	const struct fleet_stack *sb = *(struct fleet_stack *const *)b;

	return (strcmp(sa->name, sb->name));
}

static int
fleet_host_cmp(const void *a, const void *b)
{
	const struct fleet_host	*ha = *(struct fleet_host *const *)a;
	const struct fleet_host	*hb = *(struct fleet_host *const *)b;

	return (strcmp(ha->hostname, hb->hostname));
}

static int
fleet_service_cmp(const void *a, const void *b)
{
	const struct fleet_service *sa = a, *sb = b;

	return (strcmp(sa->name, sb->name));
}

/* A service of this update, for finding the stack of a host. */
struct fleet_svc_ref {
	struct fleet_stack	*st;
	const char		*state;
	const char		*health;
	bool			 system;
};

int
fleet_apply_rancher(struct fleet *f, struct fleet_rancher_update *u,
    int64_t now)
{
	struct fleet_rancher_stack_u	*su;
	struct fleet_rancher_service_u	*vu;
	struct fleet_svc_ref		*refs, *ref;
	struct fleet_rancher_host_u	*hu;
	struct fleet_stack		*st, *old, **stacks;
	struct fleet_host		*h, *oldh, **hosts;
	struct fleet_service		*sv;
	struct fleet_node		*n;
	struct hmap			*oldids = &f->priv->scratch[0];
	struct hmap			*byid = &f->priv->scratch[1];
	struct hmap			*inst = &f->priv->scratch[2];
	const char			*word, *worst_word, *stack_name;
	size_t				 i, j, nst = 0, nh = 0;
	int				 rank, worst;
	uint64_t			 before;

	if (u == NULL)
		return (-1);
	before = fleet_digest_view(f);

	hmap_clear(oldids);
	hmap_clear(byid);
	hmap_clear(inst);

	/* Stacks, ids kept by Rancher id. */
	for (i = 0; i < f->nstacks; i++)
		hmap_put(oldids, f->stacks[i]->rancher_id, f->stacks[i]);
	stacks = xcalloc(u->nstacks + 1, sizeof *stacks);
	for (i = 0; i < u->nstacks; i++) {
		su = &u->stacks[i];
		if (su->id == NULL || hmap_get(byid, su->id) != NULL)
			continue;
		st = xcalloc(1, sizeof *st);
		old = hmap_get(oldids, su->id);
		st->id = old != NULL ? old->id : f->priv->next_id++;
		st->rancher_id = su->id;
		st->name = su->name != NULL ? su->name : xstrdup(su->id);
		st->state = su->state;
		st->health = su->health;
		su->id = su->name = su->state = su->health = NULL;
		hmap_put(byid, st->rancher_id, st);
		stacks[nst++] = st;
	}
	hmap_clear(oldids);

	/*
	 * Services into their stacks (two passes, so that the arrays do
	 * not move); instances to the services on them.
	 */
	refs = xcalloc(u->nservices + 1, sizeof *refs);
	for (i = 0; i < u->nservices; i++) {
		vu = &u->services[i];
		if (vu->stack_id != NULL &&
		    (st = hmap_get(byid, vu->stack_id)) != NULL) {
			refs[i].st = st;
			st->nservices++;
		}
	}
	for (i = 0; i < nst; i++) {
		stacks[i]->services = xcalloc(stacks[i]->nservices + 1,
		    sizeof *stacks[i]->services);
		stacks[i]->nservices = 0;
	}
	for (i = 0; i < u->nservices; i++) {
		vu = &u->services[i];
		if ((st = refs[i].st) == NULL)
			continue;
		sv = &st->services[st->nservices++];
		sv->id = vu->id != NULL ? vu->id : xstrdup("");
		sv->name = vu->name != NULL ? vu->name : xstrdup("");
		sv->state = vu->state;
		sv->health = vu->health;
		sv->scale = vu->scale;
		sv->image = vu->image;
		vu->id = vu->name = vu->state = vu->health = vu->image = NULL;
		refs[i].system = vu->system;
		refs[i].state = sv->state;	/* the strings stay put */
		refs[i].health = sv->health;
		for (j = 0; j < vu->ninstance_ids; j++) {
			if (vu->instance_ids[j] != NULL)
				hmap_put(inst, vu->instance_ids[j], &refs[i]);
		}
	}
	for (i = 0; i < nst; i++) {
		qsort(stacks[i]->services, stacks[i]->nservices,
		    sizeof *stacks[i]->services, fleet_service_cmp);
	}
	qsort(stacks, nst, sizeof *stacks, fleet_stack_cmp);

	/* Hosts, and the nodes they are. */
	for (i = 0; i < f->nhosts; i++)
		hmap_put(oldids, f->hosts[i]->rancher_id, f->hosts[i]);
	hosts = xcalloc(u->nhosts + 1, sizeof *hosts);
	f->priv->gen++;
	for (i = 0; i < u->nhosts; i++) {
		hu = &u->hosts[i];
		if (hu->id == NULL || hu->hostname == NULL)
			continue;
		h = xcalloc(1, sizeof *h);
		oldh = hmap_del(oldids, hu->id);
		h->id = oldh != NULL ? oldh->id : f->priv->next_id++;
		h->rancher_id = hu->id;
		h->hostname = hu->hostname;
		h->state = hu->state;
		h->agent_state = hu->agent_state;
		hu->id = hu->hostname = hu->state = hu->agent_state = NULL;
		h->node_key = fleet_key(f, h->hostname);
		hosts[nh++] = h;

		if (h->node_key == NULL)
			continue;
		n = fleet_node_get(f, h->node_key);
		if (n->gen[FLEET_SRC_RANCHER] == f->priv->gen)
			continue;	/* two hosts of one name: first wins */
		fleet_str_set(&n->host_id, h->rancher_id);
		fleet_str_set(&n->host_state, h->state);
		fleet_str_set(&n->agent_state, h->agent_state);
		stack_name = NULL;
		worst = -1;
		worst_word = NULL;
		for (j = 0; j < hu->ninstance_ids; j++) {
			if (hu->instance_ids[j] == NULL ||
			    (ref = hmap_get(inst, hu->instance_ids[j])) ==
			    NULL || ref->system)
				continue;
			if (stack_name == NULL ||
			    strcmp(ref->st->name, stack_name) < 0)
				stack_name = ref->st->name;
			rank = fleet_service_rank(ref->state, ref->health,
			    &word);
			if (rank > worst) {
				worst = rank;
				worst_word = word;
			}
		}
		fleet_str_set(&n->stack, stack_name);
		fleet_str_set(&n->stack_state, stack_name != NULL ?
		    worst_word : NULL);
		fleet_node_touch(f, n, FLEET_SRC_RANCHER, now);
	}
	hmap_clear(oldids);
	hmap_clear(inst);
	hmap_clear(byid);
	free(refs);
	qsort(hosts, nh, sizeof *hosts, fleet_host_cmp);

	fleet_stacks_free(f->stacks, f->nstacks);
	f->stacks = stacks;
	f->nstacks = nst;
	fleet_hosts_free(f->hosts, f->nhosts);
	f->hosts = hosts;
	f->nhosts = nh;

	fleet_nodes_sweep(f, FLEET_SRC_RANCHER);
	fleet_source_ok(f, FLEET_SRC_RANCHER, &u->fetch, now);
	fleet_rancher_update_free(u);
	fleet_changed_from(f, now, FLEET_SRC_RANCHER, before);
	return (0);
}
