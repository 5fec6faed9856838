/*
 * decode-same.h: compare the outputs of the streaming decoders with
 * those of the jansson (DOM) decoders, field by field (tests and fuzz
 * targets only).  Each ds_*() returns NULL when the two are the same,
 * else a static description of the first difference.
 */
#ifndef BBBCTL_TEST_DECODE_SAME_H
#define BBBCTL_TEST_DECODE_SAME_H

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"

static inline bool
ds_str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != b);
	return (strcmp(a, b) != 0);
}

/* Same double, NaN included. */
static inline bool
ds_dbl_differ(double a, double b)
{
	if (isnan(a) || isnan(b))
		return (isnan(a) != isnan(b));
	return (memcmp(&a, &b, sizeof a) != 0);
}

static inline bool
ds_strv_differ(char **a, size_t na, char **b, size_t nb)
{
	size_t	 i;

	if (na != nb)
		return (true);
	for (i = 0; i < na; i++)
		if (ds_str_differ(a[i], b[i]))
			return (true);
	return (false);
}

static inline const char *
ds_rancher(const struct fleet_rancher_update *a,
    const struct fleet_rancher_update *b)
{
	const struct fleet_rancher_stack_u	*sa, *sb;
	const struct fleet_rancher_service_u	*va, *vb;
	const struct fleet_rancher_host_u	*ha, *hb;
	size_t					 i;

	if (a->nstacks != b->nstacks || a->nservices != b->nservices ||
	    a->nhosts != b->nhosts)
		return ("counts");
	for (i = 0; i < a->nstacks; i++) {
		sa = &a->stacks[i];
		sb = &b->stacks[i];
		if (ds_str_differ(sa->id, sb->id) ||
		    ds_str_differ(sa->name, sb->name) ||
		    ds_str_differ(sa->state, sb->state) ||
		    ds_str_differ(sa->health, sb->health) ||
		    sa->system != sb->system)
			return ("a stack");
	}
	for (i = 0; i < a->nservices; i++) {
		va = &a->services[i];
		vb = &b->services[i];
		if (ds_str_differ(va->id, vb->id) ||
		    ds_str_differ(va->stack_id, vb->stack_id) ||
		    ds_str_differ(va->name, vb->name) ||
		    ds_str_differ(va->state, vb->state) ||
		    ds_str_differ(va->health, vb->health) ||
		    va->scale != vb->scale || va->system != vb->system ||
		    ds_str_differ(va->image, vb->image) ||
		    ds_strv_differ(va->instance_ids, va->ninstance_ids,
		    vb->instance_ids, vb->ninstance_ids))
			return ("a service");
	}
	for (i = 0; i < a->nhosts; i++) {
		ha = &a->hosts[i];
		hb = &b->hosts[i];
		if (ds_str_differ(ha->id, hb->id) ||
		    ds_str_differ(ha->hostname, hb->hostname) ||
		    ds_str_differ(ha->state, hb->state) ||
		    ds_str_differ(ha->agent_state, hb->agent_state) ||
		    ds_strv_differ(ha->instance_ids, ha->ninstance_ids,
		    hb->instance_ids, hb->ninstance_ids))
			return ("a host");
	}
	return (NULL);
}

static inline const char *
ds_nova(const struct fleet_openstack_update *a,
    const struct fleet_openstack_update *b)
{
	const struct fleet_os_server_u	*sa, *sb;
	size_t				 i;

	if (a->nservers != b->nservers)
		return ("counts");
	for (i = 0; i < a->nservers; i++) {
		sa = &a->servers[i];
		sb = &b->servers[i];
		if (ds_str_differ(sa->id, sb->id) ||
		    ds_str_differ(sa->name, sb->name) ||
		    ds_str_differ(sa->status, sb->status) ||
		    ds_str_differ(sa->flavor, sb->flavor) ||
		    ds_str_differ(sa->addresses, sb->addresses) ||
		    sa->created != sb->created)
			return ("a server");
	}
	return (NULL);
}

static inline const char *
ds_consul(const struct fleet_consul_update *a,
    const struct fleet_consul_update *b)
{
	const struct fleet_consul_node_u	*na, *nb;
	const struct fleet_consul_check_u	*ca, *cb;
	size_t					 i, k;

	if (a->nnodes != b->nnodes || a->index != b->index)
		return ("counts");
	for (i = 0; i < a->nnodes; i++) {
		na = &a->nodes[i];
		nb = &b->nodes[i];
		if (ds_str_differ(na->node, nb->node) ||
		    ds_str_differ(na->address, nb->address) ||
		    na->nchecks != nb->nchecks)
			return ("a node");
		for (k = 0; k < na->nchecks; k++) {
			ca = &na->checks[k];
			cb = &nb->checks[k];
			if (ds_str_differ(ca->check_id, cb->check_id) ||
			    ds_str_differ(ca->name, cb->name) ||
			    ds_str_differ(ca->output, cb->output) ||
			    ca->status != cb->status)
				return ("a check");
		}
	}
	return (NULL);
}

static inline const char *
ds_scalelite(const struct fleet_scalelite_update *a,
    const struct backend_sl_secrets *as, const struct fleet_scalelite_update *b,
    const struct backend_sl_secrets *bs)
{
	const struct fleet_sl_server_u	*sa, *sb;
	size_t				 i;

	if (a->legacy != b->legacy || a->nservers != b->nservers)
		return ("counts");
	for (i = 0; i < a->nservers; i++) {
		sa = &a->servers[i];
		sb = &b->servers[i];
		if (ds_str_differ(sa->id, sb->id) ||
		    ds_str_differ(sa->url, sb->url) ||
		    sa->state != sb->state || sa->online != sb->online ||
		    ds_dbl_differ(sa->load, sb->load) ||
		    ds_dbl_differ(sa->load_multiplier, sb->load_multiplier) ||
		    ds_str_differ(sa->tag, sb->tag) ||
		    ds_str_differ(sa->bbb_version, sb->bbb_version))
			return ("a server");
	}
	if (as == NULL || bs == NULL)
		return (as != bs ? "secrets" : NULL);
	if (as->n != bs->n)
		return ("secret counts");
	for (i = 0; i < as->n; i++) {
		if (ds_str_differ(as->v[i].url, bs->v[i].url) ||
		    ds_str_differ(as->v[i].secret, bs->v[i].secret) ||
		    as->v[i].pollable != bs->v[i].pollable)
			return ("a secret");
	}
	return (NULL);
}

#endif
