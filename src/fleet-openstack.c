/*
 * fleet-openstack.c: the fleet model's apply of OpenStack Nova's
 * servers: the VM of each node (fleet.h, the update struct; fleet-int.h,
 * the pattern every apply follows).
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

/* --- openstack -------------------------------------------------------- */

void
fleet_openstack_update_free(struct fleet_openstack_update *u)
{
	struct fleet_os_server_u	*s;
	size_t				 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nservers; i++) {
		s = &u->servers[i];
		free(s->id);
		free(s->name);
		free(s->status);
		free(s->flavor);
		free(s->addresses);
	}
	free(u->servers);
	free(u);
}

static int
fleet_vm_cmp(const void *a, const void *b)
{
	const struct fleet_vm	*va = *(struct fleet_vm *const *)a;
	const struct fleet_vm	*vb = *(struct fleet_vm *const *)b;
	int			 c;

	if ((c = strcmp(va->name, vb->name)) != 0)
		return (c);
	return (strcmp(va->vm_id, vb->vm_id));
}

int
fleet_apply_openstack(struct fleet *f, struct fleet_openstack_update *u,
    int64_t now)
{
	struct fleet_os_server_u	*s;
	struct fleet_vm			*v, *old, **vms;
	struct fleet_node		*n;
	struct hmap			*oldids = &f->priv->scratch[0];
	size_t				 i, nv = 0;
	uint64_t			 before;

	if (u == NULL)
		return (-1);
	before = fleet_digest_view(f);
	hmap_clear(oldids);
	for (i = 0; i < f->nvms; i++)
		hmap_put(oldids, f->vms[i]->vm_id, f->vms[i]);
	vms = xcalloc(u->nservers + 1, sizeof *vms);
	f->priv->gen++;
	for (i = 0; i < u->nservers; i++) {
		s = &u->servers[i];
		if (s->id == NULL || s->name == NULL)
			continue;
		v = xcalloc(1, sizeof *v);
		old = hmap_del(oldids, s->id);
		v->id = old != NULL ? old->id : f->priv->next_id++;
		v->vm_id = s->id;
		v->name = s->name;
		v->status = s->status;
		v->flavor = s->flavor;
		v->addresses = s->addresses;
		v->created = s->created;
		s->id = s->name = s->status = s->flavor = s->addresses = NULL;
		v->node_key = fleet_key(f, v->name);
		vms[nv++] = v;

		if (v->node_key == NULL)
			continue;
		n = fleet_node_get(f, v->node_key);
		if (n->gen[FLEET_SRC_OPENSTACK] == f->priv->gen)
			continue;
		fleet_str_set(&n->vm_id, v->vm_id);
		fleet_str_set(&n->vm_status, v->status);
		fleet_str_set(&n->flavor, v->flavor);
		n->vm_created = v->created;
		fleet_node_touch(f, n, FLEET_SRC_OPENSTACK, now);
	}
	hmap_clear(oldids);
	qsort(vms, nv, sizeof *vms, fleet_vm_cmp);
	fleet_vms_free(f->vms, f->nvms);
	f->vms = vms;
	f->nvms = nv;

	fleet_nodes_sweep(f, FLEET_SRC_OPENSTACK);
	fleet_source_ok(f, FLEET_SRC_OPENSTACK, &u->fetch, now);
	fleet_openstack_update_free(u);
	fleet_changed_from(f, now, FLEET_SRC_OPENSTACK, before);
	return (0);
}
