/*
 * view-node.c: one node in detail: its problems, every source's fields
 * (with the age of that source's data), consul checks with their output,
 * CPU and participants history graphs, and its meetings.
 *
 * The view holds the node's id (and key, to say what vanished); the node
 * is looked up again at every frame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

static void
ui_node_init(struct ui *ui, struct ui_view *v)
{
	const struct fleet_node	*n = fleet_node_by_id(ui->fleet, v->node_id);

	if (n != NULL)
		v->node_key = xstrdup(n->key);
}

static void
ui_node_title(struct ui *ui, struct ui_view *v, struct buf *b)
{
	buf_adds(b, v->node_key != NULL ? v->node_key : "?");
}

/* Section heading with the source's freshness for this node. */
static void
ui_node_section(struct ui *ui, struct ui_lines *l,
    const struct fleet_node *n, enum fleet_src src, const char *title)
{
	char	 age[16];
	int	 st = ui_node_src(ui, n, src);

	if (st < 0) {
		ui_lines_put(l, UI_R_DIM, "%s: not known to %s", title,
		    fleet_src_name(src));
		return;
	}
	util_fmt_age(ui->now - n->seen_at[src], age, sizeof age);
	if (st == 0)
		ui_lines_put(l, UI_R_STALE, "%s  (stale: last seen %s ago)",
		    title, age);
	else
		ui_lines_put(l, UI_R_TITLE, "%s  (%s ago)", title, age);
}

static const char *
ui_node_num(char *buf, size_t len, double v, int prec, const char *suffix)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f%s", prec, v, suffix);
	return (buf);
}

/* A count that may be unknown (-1): "?". */
static const char *
ui_node_int(char *buf, size_t len, int v)
{
	if (v < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", v);
	return (buf);
}

static void
ui_node_graph(struct ui *ui, struct ui_lines *l, const char *label,
    const struct fleet_ring *ring, double hi, int height)
{
	float	 v[FLEET_HIST_LEN];
	char	 row[FLEET_HIST_LEN * 3 + 8];
	size_t	 n;
	int	 w = l->cols - 16, i;
	float	 max = 0;

	if (w > FLEET_HIST_LEN)
		w = FLEET_HIST_LEN;
	if (w < 8) {
		ui_lines_put(l, UI_R_DIM, "  %s: (too narrow)", label);
		return;
	}
	n = ui_ring_tail(ring, v, (size_t)w);
	for (i = 0; i < (int)n; i++)
		if (!isnan(v[i]) && v[i] > max)
			max = v[i];
	if (n == 0) {
		ui_lines_put(l, UI_R_DIM, "  %s: no samples yet", label);
		return;
	}
	for (i = height - 1; i >= 0; i--) {
		ui_graph_row(row, sizeof row, v, n, w, 0, hi, i, height,
		    !ui->utf8);
		if (i == height - 1)
			ui_lines_kv(l, "", UI_R_GRAPH, "%-12.12s %s", label,
			    row);
		else if (i == 0 && isnan(v[n - 1]))
			ui_lines_kv(l, "", UI_R_GRAPH, "now %-8s %s",
			    "unknown", row);
		else if (i == 0)
			ui_lines_kv(l, "", UI_R_GRAPH, "now %-8.0f %s",
			    (double)v[n - 1], row);
		else
			ui_lines_kv(l, "", UI_R_GRAPH, "%-12s %s",
			    hi > 0 ? "0-100" : "", row);
	}
	(void)max;
}

static void
ui_node_checks(struct ui *ui, struct ui_lines *l, const struct fleet_node *n)
{
	const struct fleet_check	*c;
	const char			*out, *nl;
	size_t				 i;
	int				 k;

	for (i = 0; i < n->nchecks; i++) {
		c = &n->checks[i];
		ui_lines_kv(l, "  check", ui_health_role(c->status), "%s  %s",
		    c->name != NULL ? c->name : c->check_id,
		    ui_health_label(c->status));
		out = c->output;
		for (k = 0; out != NULL && *out != '\0' && k < 3; k++) {
			nl = strchr(out, '\n');
			ui_lines_put(l, UI_R_DIM, "      %.*s", nl == NULL ?
			    (int)strlen(out) : (int)(nl - out), out);
			out = nl == NULL ? NULL : nl + 1;
		}
	}
}

static void
ui_node_meetings(struct ui *ui, struct ui_lines *l,
    const struct fleet_node *n)
{
	const struct fleet_meeting	*m;
	size_t				 i, count = 0;
	char				 age[16];

	for (i = 0; i < ui->fleet->nmeetings; i++) {
		m = ui->fleet->meetings[i];
		if (m->node_key != NULL && strcmp(m->node_key, n->key) == 0)
			count++;
	}
	ui_lines_put(l, UI_R_TITLE, "Meetings (%zu)", count);
	for (i = 0; i < ui->fleet->nmeetings; i++) {
		m = ui->fleet->meetings[i];
		if (m->node_key == NULL || strcmp(m->node_key, n->key) != 0)
			continue;
		ui_lines_put(l, UI_R_NORMAL, "  %-32.32s users %3d  voice %3d  "
		    "video %3d  %s%s", m->name != NULL ? m->name :
		    m->meeting_id, m->participants, m->voice, m->video,
		    ui_fmt_age(ui, m->created, age, sizeof age),
		    m->recording ? "  rec" : "");
	}
}

static void
ui_node_problems(struct ui *ui, struct ui_lines *l,
    const struct fleet_node *n)
{
	const struct fleet_problem	*p;
	size_t				 i;
	char				 age[16], left[16];

	/* Held conditions: not problems yet, but not "no problems". */
	for (i = 0; i < ui->fleet->npending; i++) {
		p = ui->fleet->pending[i];
		if (p->node_key == NULL || strcmp(p->node_key, n->key) != 0)
			continue;
		ui_lines_put(l, UI_R_WARN, "  pending  %s  (for %s; a %s in "
		    "%s if it holds)", ui_problem_text(p),
		    ui_fmt_age(ui, p->since, age, sizeof age),
		    fleet_severity_name(p->severity),
		    util_fmt_age(p->fires_at > ui->now ? p->fires_at -
		    ui->now : 0, left, sizeof left));
	}
	if (n->nproblems == 0) {
		ui_lines_put(l, UI_R_OK, "No problems");
		return;
	}
	ui_lines_put(l, UI_R_TITLE, "Problems (%d)", n->nproblems);
	for (i = 0; i < ui->fleet->nproblems; i++) {
		p = ui->fleet->problems[i];
		if (p->node_key == NULL || strcmp(p->node_key, n->key) != 0)
			continue;
		ui_lines_put(l, ui_sev_role(p->severity), "  %-8s %s  (seen "
		    "for %s)%s%s", fleet_severity_name(p->severity),
		    ui_problem_text(p),
		    ui_fmt_age(ui, p->since, age, sizeof age),
		    p->action != NULL ? "  fix: " : "",
		    p->action != NULL ? p->action : "");
	}
}

static void
ui_node_draw(struct ui *ui, struct ui_view *v, int y, int h)
{
	const struct fleet_node	*n;
	struct ui_lines		 l;
	char			 a[32], b[32], c[32], d[32], e[32];
	char			 i1[16], i2[16], i3[16], i4[16], i5[16], i6[16];
	char			 i7[16];

	memset(&l, 0, sizeof l);
	l.win = stdscr;
	l.y0 = y;
	l.h = h;
	l.cols = ui->cols;
	l.scroll = v->scroll;

	n = fleet_node_by_id(ui->fleet, v->node_id);
	if (n == NULL) {
		ui_lines_put(&l, UI_R_WARN, "node %s is no longer in the "
		    "fleet (Esc goes back)", v->node_key != NULL ?
		    v->node_key : "?");
		v->lines = l.line;
		return;
	}

	ui_node_problems(ui, &l, n);
	ui_lines_put(&l, UI_R_NORMAL, " ");

	ui_node_section(ui, &l, n, FLEET_SRC_SCALELITE, "Scalelite");
	if (n->seen & FLEET_SRC_BIT(FLEET_SRC_SCALELITE)) {
		ui_lines_kv(&l, "  state", n->lb == FLEET_LB_ENABLED ?
		    UI_R_NORMAL : UI_R_WARN, "%s   online: %s",
		    fleet_lb_name(n->lb), n->online == 1 ? "yes" :
		    n->online == 0 ? "NO" : "-");
		ui_lines_kv(&l, "  load", UI_R_NORMAL, "%s (multiplier %s)"
		    "   tag %s   BBB %s", ui_node_num(a, sizeof a, n->load,
		    0, ""), ui_node_num(b, sizeof b, n->load_multiplier,
		    1, ""), n->tag != NULL ? n->tag : "-",
		    n->bbb_version != NULL ? n->bbb_version : "-");
		ui_lines_kv(&l, "  server", UI_R_DIM, "%s  %s",
		    n->sl_id != NULL ? n->sl_id : "-",
		    n->sl_url != NULL ? n->sl_url : "-");
	}

	ui_node_section(ui, &l, n, FLEET_SRC_CONSUL, "Consul");
	if (n->seen & FLEET_SRC_BIT(FLEET_SRC_CONSUL)) {
		ui_lines_kv(&l, "  node", ui_health_role(n->health),
		    "%s  %s  health %s", n->consul_node != NULL ?
		    n->consul_node : "-", n->address != NULL ? n->address :
		    "-", ui_health_label(n->health));
		ui_node_checks(ui, &l, n);
	}

	ui_node_section(ui, &l, n, FLEET_SRC_PROMETHEUS, "Prometheus");
	if (n->seen & FLEET_SRC_BIT(FLEET_SRC_PROMETHEUS)) {
		ui_lines_kv(&l, "  host", UI_R_NORMAL, "CPU %s  MEM %s  load1 "
		    "%s  net in %s/s out %s/s",
		    ui_node_num(a, sizeof a, n->cpu, 0, "%"),
		    ui_node_num(b, sizeof b, n->mem, 0, "%"),
		    ui_node_num(c, sizeof c, n->load1, 2, ""),
		    util_fmt_bytes(n->net_in, d, sizeof d),
		    util_fmt_bytes(n->net_out, e, sizeof e));
		ui_lines_kv(&l, "  bbb", UI_R_NORMAL, "meetings %s  users %s  "
		    "voice %s  video %s  listeners %s  API %s  exporters "
		    "%s/%s", ui_node_int(i1, sizeof i1, n->meetings),
		    ui_node_int(i2, sizeof i2, n->participants),
		    ui_node_int(i3, sizeof i3, n->voice),
		    ui_node_int(i4, sizeof i4, n->video),
		    ui_node_int(i5, sizeof i5, n->listeners),
		    n->api_up == 1 ? "up" : n->api_up == 0 ? "DOWN" : "?",
		    ui_node_int(i6, sizeof i6, n->exporters_up),
		    ui_node_int(i7, sizeof i7, n->exporters_total));
		ui_node_graph(ui, &l, "CPU %", &n->hist_cpu, 100, 3);
		ui_node_graph(ui, &l, "users", &n->hist_participants, 0, 3);
	}

	ui_node_section(ui, &l, n, FLEET_SRC_RANCHER, "Rancher");
	if (n->seen & FLEET_SRC_BIT(FLEET_SRC_RANCHER))
		ui_lines_kv(&l, "  host", UI_R_NORMAL, "%s  state %s  agent %s"
		    "  stack %s (%s)", n->host_id != NULL ? n->host_id : "-",
		    n->host_state != NULL ? n->host_state : "-",
		    n->agent_state != NULL ? n->agent_state : "-",
		    n->stack != NULL ? n->stack : "-",
		    n->stack_state != NULL ? n->stack_state : "-");

	ui_node_section(ui, &l, n, FLEET_SRC_OPENSTACK, "OpenStack");
	if (n->seen & FLEET_SRC_BIT(FLEET_SRC_OPENSTACK))
		ui_lines_kv(&l, "  vm", UI_R_NORMAL, "%s  %s  flavor %s  "
		    "created %s ago", n->vm_id != NULL ? n->vm_id : "-",
		    n->vm_status != NULL ? n->vm_status : "-",
		    n->flavor != NULL ? n->flavor : "-",
		    ui_fmt_age(ui, n->vm_created, a, sizeof a));
	if (n->cert_expiry > 0)
		ui_lines_kv(&l, "  TLS", n->cert_expiry - ui->now <
		    14 * 86400000LL ? UI_R_WARN : UI_R_NORMAL,
		    "certificate expires in %s",
		    util_fmt_age(n->cert_expiry - ui->now, a, sizeof a));
	ui_lines_put(&l, UI_R_NORMAL, " ");
	ui_node_meetings(ui, &l, n);
	v->lines = l.line;
}

const struct ui_view_ops ui_view_node_ops = {
	.kind = UI_V_NODE,
	.name = "node",
	.init = ui_node_init,
	.draw = ui_node_draw,
	.title = ui_node_title,
};
