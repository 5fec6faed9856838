/*
 * fleet-consul.c: the fleet model's apply of consul's health of the BBB
 * service: each node's checks, its worst status and address (fleet.h,
 * the update struct; fleet-int.h, the pattern every apply follows).
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

/* --- consul ----------------------------------------------------------- */

void
fleet_consul_update_free(struct fleet_consul_update *u)
{
	struct fleet_consul_node_u	*cn;
	size_t				 i, j;

	if (u == NULL)
		return;
	for (i = 0; i < u->nnodes; i++) {
		cn = &u->nodes[i];
		free(cn->node);
		free(cn->address);
		for (j = 0; j < cn->nchecks; j++) {
			free(cn->checks[j].check_id);
			free(cn->checks[j].name);
			free(cn->checks[j].output);
		}
		free(cn->checks);
	}
	free(u->nodes);
	free(u);
}

int
fleet_apply_consul(struct fleet *f, struct fleet_consul_update *u,
    int64_t now)
{
	struct fleet_consul_node_u	*cn;
	struct fleet_consul_check_u	*cu;
	struct fleet_check		*c;
	struct fleet_node		*n;
	size_t				 i, j;
	uint64_t			 before;

	if (u == NULL)
		return (-1);
	before = fleet_digest_view(f);
	f->priv->gen++;
	for (i = 0; i < u->nnodes; i++) {
		cn = &u->nodes[i];
		if ((n = fleet_node_get_name(f, cn->node)) == NULL)
			continue;
		if (n->gen[FLEET_SRC_CONSUL] != f->priv->gen) {
			fleet_node_clear_consul(n);
			n->consul_node = cn->node;
			cn->node = NULL;
			n->health = FLEET_HEALTH_PASSING;
		}
		if (n->address == NULL) {
			n->address = cn->address;
			cn->address = NULL;
		}
		n->checks = xreallocarray(n->checks,
		    n->nchecks + cn->nchecks, sizeof *n->checks);
		for (j = 0; j < cn->nchecks; j++) {
			cu = &cn->checks[j];
			c = &n->checks[n->nchecks++];
			c->check_id = cu->check_id;
			c->name = cu->name;
			c->output = cu->output;
			c->status = cu->status;
			cu->check_id = cu->name = cu->output = NULL;
			if (c->status > n->health)
				n->health = c->status;
		}
		fleet_node_touch(f, n, FLEET_SRC_CONSUL, now);
	}
	fleet_nodes_sweep(f, FLEET_SRC_CONSUL);
	f->consul_index = u->index;
	fleet_source_ok(f, FLEET_SRC_CONSUL, &u->fetch, now);
	fleet_consul_update_free(u);
	fleet_changed_from(f, now, FLEET_SRC_CONSUL, before);
	return (0);
}
