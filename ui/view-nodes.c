/*
 * view-nodes.c: the default view, one row per node, the worst first.
 *
 * Every cell says where its value comes from: a node a source has never
 * reported shows "-", data older than the source's last good refresh is
 * shown as stale (marked '~', dimmed), never as zero.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "ui-int.h"

#define NODE(r)	((const struct fleet_node *)(r))

/* Sets the cell for a value from src: 0 to go on, -1 when unknown. */
static int
ui_nodes_src(struct ui *ui, const struct fleet_node *n, enum fleet_src src,
    struct ui_cell *c)
{
	switch (ui_node_src(ui, n, src)) {
	case -1:
		snprintf(c->text, sizeof c->text, "-");
		c->role = UI_R_DIM;
		return (-1);
	case 0:
		c->stale = true;
		break;
	}
	return (0);
}

static void
ui_nodes_int(struct ui_cell *c, int v)
{
	if (v < 0) {
		snprintf(c->text, sizeof c->text, "-");
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%d", v);
	c->num = v;
}

static void
cell_node(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	snprintf(c->text, sizeof c->text, "%s", n->key);
	if (n->nproblems > 0)
		c->role = ui_sev_role(n->worst);
}

static void
cell_problems(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	c->num = n->nproblems;
	if (n->nproblems == 0)
		return;
	snprintf(c->text, sizeof c->text, "%d", n->nproblems);
	c->role = ui_sev_role(n->worst);
}

static void
cell_lb(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	if (ui_nodes_src(ui, n, FLEET_SRC_SCALELITE, c) != 0)
		return;
	snprintf(c->text, sizeof c->text, "%s", fleet_lb_name(n->lb));
	c->num = n->lb;
	c->role = n->lb == FLEET_LB_ENABLED ? UI_R_NORMAL :
	    n->lb == FLEET_LB_CORDONED ? UI_R_WARN : UI_R_DIM;
}

static void
cell_health(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);
	bool			 sl, co;

	sl = (n->seen & FLEET_SRC_BIT(FLEET_SRC_SCALELITE)) != 0;
	co = (n->seen & FLEET_SRC_BIT(FLEET_SRC_CONSUL)) != 0;
	if (sl && n->online == 0) {
		snprintf(c->text, sizeof c->text, "OFFLINE");
		c->role = UI_R_CRIT;
		c->num = 3;
		c->stale = ui_node_src(ui, n, FLEET_SRC_SCALELITE) == 0;
		return;
	}
	if (!co) {
		snprintf(c->text, sizeof c->text, "%s", sl && n->online == 1 ?
		    "online" : "-");
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%s", ui_health_label(n->health));
	c->role = ui_health_role(n->health);
	c->num = n->health == FLEET_HEALTH_CRITICAL ? 2 :
	    n->health == FLEET_HEALTH_WARNING ? 1 : 0;
	c->stale = ui_node_src(ui, n, FLEET_SRC_CONSUL) == 0;
}

static void
cell_cpu(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);
	float			 v[6];
	char			 spark[32];
	size_t			 k;

	if (ui_nodes_src(ui, n, FLEET_SRC_PROMETHEUS, c) != 0)
		return;
	k = ui_ring_tail(&n->hist_cpu, v, nitems(v));
	ui_spark(spark, sizeof spark, v, k, (int)nitems(v), 0, 100,
	    !ui->utf8);
	if (isnan(n->cpu)) {
		snprintf(c->text, sizeof c->text, "%s    -", spark);
		return;
	}
	snprintf(c->text, sizeof c->text, "%s %3.0f%%", spark, n->cpu);
	c->num = n->cpu;
	c->role = n->cpu >= 90 ? UI_R_CRIT : n->cpu >= 75 ? UI_R_WARN :
	    UI_R_NORMAL;
}

static void
cell_mem(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	if (ui_nodes_src(ui, n, FLEET_SRC_PROMETHEUS, c) != 0)
		return;
	if (isnan(n->mem)) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	snprintf(c->text, sizeof c->text, "%.0f%%", n->mem);
	c->num = n->mem;
	c->role = n->mem >= 90 ? UI_R_CRIT : n->mem >= 80 ? UI_R_WARN :
	    UI_R_NORMAL;
}

static void
cell_net(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);
	char			 in[16], out[16];

	if (ui_nodes_src(ui, n, FLEET_SRC_PROMETHEUS, c) != 0)
		return;
	snprintf(c->text, sizeof c->text, "%s/%s",
	    util_fmt_bytes(n->net_in, in, sizeof in),
	    util_fmt_bytes(n->net_out, out, sizeof out));
	if (!isnan(n->net_in) && !isnan(n->net_out))
		c->num = n->net_in + n->net_out;
}

static void
cell_meetings(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (ui_nodes_src(ui, NODE(r), FLEET_SRC_PROMETHEUS, c) == 0)
		ui_nodes_int(c, NODE(r)->meetings);
}

static void
cell_users(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (ui_nodes_src(ui, NODE(r), FLEET_SRC_PROMETHEUS, c) == 0)
		ui_nodes_int(c, NODE(r)->participants);
}

static void
cell_video(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (ui_nodes_src(ui, NODE(r), FLEET_SRC_PROMETHEUS, c) == 0)
		ui_nodes_int(c, NODE(r)->video);
}

static void
cell_load(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	if (ui_nodes_src(ui, n, FLEET_SRC_SCALELITE, c) != 0)
		return;
	if (isnan(n->load)) {
		snprintf(c->text, sizeof c->text, "-");
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%.0f", n->load);
	c->num = n->load;
}

static enum ui_role
ui_nodes_state_role(const char *s)
{
	if (s == NULL)
		return (UI_R_DIM);
	if (strcasecmp(s, "active") == 0 || strcasecmp(s, "ACTIVE") == 0)
		return (UI_R_NORMAL);
	if (strcasestr(s, "error") != NULL || strcasecmp(s, "SHUTOFF") == 0 ||
	    strcasestr(s, "unhealthy") != NULL ||
	    strcasestr(s, "disconnected") != NULL)
		return (UI_R_CRIT);
	return (UI_R_WARN);
}

static void
cell_stack(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	if (ui_nodes_src(ui, n, FLEET_SRC_RANCHER, c) != 0)
		return;
	snprintf(c->text, sizeof c->text, "%s", n->stack_state != NULL ?
	    n->stack_state : "-");
	c->role = ui_nodes_state_role(n->stack_state);
}

static void
cell_vm(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_node	*n = NODE(r);

	if (ui_nodes_src(ui, n, FLEET_SRC_OPENSTACK, c) != 0)
		return;
	snprintf(c->text, sizeof c->text, "%s", n->vm_status != NULL ?
	    n->vm_status : "-");
	c->role = ui_nodes_state_role(n->vm_status);
}

/* Drop order at narrow widths: the highest prio goes first. */
static const struct ui_col ui_nodes_cols[] = {
	{ "NODE", "node", 12, 0, 0, cell_node },
	{ "PROB", "problems", 4, 0, UI_COL_RIGHT, cell_problems },
	{ "LB", "state", 8, 1, 0, cell_lb },
	{ "HEALTH", "health", 8, 0, 0, cell_health },
	{ "CPU", "cpu", 11, 2, UI_COL_RIGHT, cell_cpu },
	{ "MEM", "mem", 4, 5, UI_COL_RIGHT, cell_mem },
	{ "NET in/out", "net", 11, 8, UI_COL_RIGHT, cell_net },
	{ "MEET", "meetings", 4, 4, UI_COL_RIGHT, cell_meetings },
	{ "USERS", "users", 5, 3, UI_COL_RIGHT, cell_users },
	{ "VID", "video", 4, 7, UI_COL_RIGHT, cell_video },
	{ "LOAD", "load", 5, 6, UI_COL_RIGHT, cell_load },
	{ "STACK", "stack", 9, 9, 0, cell_stack },
	{ "VM", "vm", 7, 10, 0, cell_vm },
};

/*
 * Worst first: nodes with problems by their worst severity and count,
 * then offline, then consul critical/warning.  Ties keep the fleet's
 * order (by name), so rows do not jump around between refreshes.
 */
static double
ui_nodes_worst(struct ui *ui, const void *r)
{
	const struct fleet_node	*n = NODE(r);
	double			 s = 0;

	if (n->nproblems > 0)
		s += (n->worst + 1) * 1e6 + n->nproblems * 1e4;
	if ((n->seen & FLEET_SRC_BIT(FLEET_SRC_SCALELITE)) && n->online == 0)
		s += 5e3;
	if (n->health == FLEET_HEALTH_CRITICAL)
		s += 2e3;
	else if (n->health == FLEET_HEALTH_WARNING)
		s += 1e3;
	return (s);
}

static void
ui_nodes_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_nodes_cols, nitems(ui_nodes_cols));
	v->table.worst = ui_nodes_worst;
}

static void
ui_nodes_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->fleet->nnodes; i++)
		ui_table_add(&v->table, ui->fleet->nodes[i],
		    ui->fleet->nodes[i]->id);
}

static void
ui_nodes_enter(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r = ui_table_selected(&v->table);

	if (r != NULL)
		ui_view_push(ui, UI_V_NODE, r->id);
}

const struct ui_view_ops ui_view_nodes_ops = {
	.kind = UI_V_NODES,
	.name = "nodes",
	.init = ui_nodes_init,
	.collect = ui_nodes_collect,
	.enter = ui_nodes_enter,
	.empty = "no nodes yet: waiting for the first answer of a source",
};
