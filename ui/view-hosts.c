/*
 * view-hosts.c: Rancher hosts and OpenStack VMs side by side, joined on
 * the node key; a host without a VM (or the reverse) shows "-" on the
 * other side, which is itself worth seeing.
 *
 * Also the host view: one Rancher host or OpenStack VM that is not a BBB
 * node, as each source sees it.  Its id is the row id of the hosts view
 * (a host's id, or a VM's id with the top bit set); the entities are
 * looked up again at every frame.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui-int.h"

struct ui_hv_row {
	const char		*key;
	const struct fleet_host	*h;
	const struct fleet_vm	*vm;
};

struct ui_hosts {
	struct ui_hv_row	*rows;
	size_t			 n, cap;
	const struct fleet_vm	**vms;		/* by node key */
	bool			*used;
};

#define HV(r)	((const struct ui_hv_row *)(r))

static enum ui_role
ui_hosts_role(const char *s)
{
	if (s == NULL)
		return (UI_R_DIM);
	if (strcasecmp(s, "active") == 0)
		return (UI_R_NORMAL);
	if (strcasestr(s, "error") != NULL || strcasecmp(s, "SHUTOFF") == 0 ||
	    strcasestr(s, "disconnected") != NULL ||
	    strcasecmp(s, "inactive") == 0)
		return (UI_R_CRIT);
	return (UI_R_WARN);
}

static void
cell_key(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", HV(r)->key != NULL ?
	    HV(r)->key : "?");
}

static void
cell_hstate(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_host	*h = HV(r)->h;

	if (h == NULL) {
		snprintf(c->text, sizeof c->text, "-");
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%s", h->state != NULL ? h->state :
	    "-");
	c->role = ui_hosts_role(h->state);
}

static void
cell_agent(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_host	*h = HV(r)->h;

	if (h == NULL || h->agent_state == NULL) {
		snprintf(c->text, sizeof c->text, "-");
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%s", h->agent_state);
	c->role = ui_hosts_role(h->agent_state);
}

static void
cell_vmname(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_vm	*vm = HV(r)->vm;

	snprintf(c->text, sizeof c->text, "%s", vm != NULL && vm->name !=
	    NULL ? vm->name : "-");
	if (vm == NULL)
		c->role = UI_R_DIM;
}

static void
cell_vmstatus(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_vm	*vm = HV(r)->vm;

	snprintf(c->text, sizeof c->text, "%s", vm != NULL && vm->status !=
	    NULL ? vm->status : "-");
	c->role = vm == NULL ? UI_R_DIM : ui_hosts_role(vm->status);
}

static void
cell_flavor(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_vm	*vm = HV(r)->vm;

	snprintf(c->text, sizeof c->text, "%s", vm != NULL && vm->flavor !=
	    NULL ? vm->flavor : "-");
}

static void
cell_addr(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_vm	*vm = HV(r)->vm;

	snprintf(c->text, sizeof c->text, "%s", vm != NULL &&
	    vm->addresses != NULL ? vm->addresses : "-");
}

static void
cell_age(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_vm	*vm = HV(r)->vm;

	ui_fmt_age(ui, vm != NULL ? vm->created : 0, c->text, sizeof c->text);
	if (vm != NULL && vm->created > 0)
		c->num = (double)(ui->now - vm->created);
}

static const struct ui_col ui_hosts_cols[] = {
	{ "NODE", "node", 12, 0, 0, cell_key },
	{ "HOST", "host", 10, 0, 0, cell_hstate },
	{ "AGENT", "agent", 12, 2, 0, cell_agent },
	{ "VM", "vm", 14, 1, 0, cell_vmname },
	{ "STATUS", "status", 8, 0, 0, cell_vmstatus },
	{ "FLAVOR", "flavor", 10, 3, 0, cell_flavor },
	{ "ADDRESSES", "addr", 16, 4, UI_COL_FLEX, cell_addr },
	{ "AGE", "age", 5, 5, UI_COL_RIGHT, cell_age },
};

static void
ui_hosts_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_hosts_cols, nitems(ui_hosts_cols));
	v->priv = xcalloc(1, sizeof (struct ui_hosts));
}

static int
ui_hosts_vmcmp(const void *a, const void *b)
{
	const struct fleet_vm	*x = *(const struct fleet_vm *const *)a;
	const struct fleet_vm	*y = *(const struct fleet_vm *const *)b;

	return (strcmp(x->node_key != NULL ? x->node_key : "",
	    y->node_key != NULL ? y->node_key : ""));
}

static void
ui_hosts_push(struct ui_hosts *s, const char *key,
    const struct fleet_host *h, const struct fleet_vm *vm)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	s->rows[s->n].key = key;
	s->rows[s->n].h = h;
	s->rows[s->n].vm = vm;
	s->n++;
}

static void
ui_hosts_collect(struct ui *ui, struct ui_view *v)
{
	const struct fleet	*f = ui->fleet;
	struct ui_hosts		*s = v->priv;
	const struct fleet_host	*h;
	const struct fleet_vm	*vm, **found, *keyp;
	struct fleet_vm		 key;
	size_t			 i;

	free(s->vms);
	free(s->used);
	s->vms = xreallocarray(NULL, f->nvms + 1, sizeof *s->vms);
	s->used = xcalloc(f->nvms + 1, sizeof *s->used);
	for (i = 0; i < f->nvms; i++)
		s->vms[i] = f->vms[i];
	qsort(s->vms, f->nvms, sizeof *s->vms, ui_hosts_vmcmp);

	s->n = 0;
	for (i = 0; i < f->nhosts; i++) {
		h = f->hosts[i];
		vm = NULL;
		if (h->node_key != NULL) {
			memset(&key, 0, sizeof key);
			key.node_key = h->node_key;
			keyp = &key;
			found = bsearch(&keyp, s->vms, f->nvms,
			    sizeof *s->vms, ui_hosts_vmcmp);
			if (found != NULL) {
				vm = *found;
				s->used[found - s->vms] = true;
			}
		}
		ui_hosts_push(s, h->node_key != NULL ? h->node_key :
		    h->hostname, h, vm);
	}
	for (i = 0; i < f->nvms; i++) {
		if (!s->used[i])
			ui_hosts_push(s, s->vms[i]->node_key != NULL ?
			    s->vms[i]->node_key : s->vms[i]->name, NULL,
			    s->vms[i]);
	}
	for (i = 0; i < s->n; i++)
		ui_table_add(&v->table, &s->rows[i], s->rows[i].h != NULL ?
		    s->rows[i].h->id : (s->rows[i].vm->id | 0x80000000u));
}

/*
 * Enter: a fleet node opens its detail; any other host or VM (a Rancher
 * host of the scalelite or greenlight stack, a VM not yet joined ...)
 * opens the host view below, which says what each source knows of it.
 */
static void
ui_hosts_enter(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r = ui_table_selected(&v->table);

	if (r == NULL)
		return;
	if (HV(r->p)->key != NULL &&
	    fleet_node_by_key(ui->fleet, HV(r->p)->key) != NULL) {
		ui_open_node_key(ui, HV(r->p)->key);
		return;
	}
	ui_view_push(ui, UI_V_HOST, r->id);
}

const char *
ui_hosts_selected(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r;

	ui_view_sync(ui, v);
	if ((r = ui_table_selected(&v->table)) == NULL)
		return (NULL);
	return (HV(r->p)->key);
}

static void
ui_hosts_free(struct ui_view *v)
{
	struct ui_hosts	*s = v->priv;

	if (s != NULL) {
		free(s->rows);
		free(s->vms);
		free(s->used);
	}
	free(s);
}

const struct ui_view_ops ui_view_hosts_ops = {
	.kind = UI_V_HOSTS,
	.name = "hosts",
	.init = ui_hosts_init,
	.collect = ui_hosts_collect,
	.enter = ui_hosts_enter,
	.free = ui_hosts_free,
	.empty = "no Rancher hosts nor OpenStack VMs (are [rancher] and "
	    "[openstack] configured?)",
};

/* --- one host or VM that is not a node ----------------------------------- */

#define UI_HOST_VM	0x80000000u

static const struct fleet_host *
ui_host_find(const struct fleet *f, uint32_t id, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->nhosts; i++) {
		if (id != 0 ? f->hosts[i]->id == id : key != NULL &&
		    f->hosts[i]->node_key != NULL &&
		    strcmp(f->hosts[i]->node_key, key) == 0)
			return (f->hosts[i]);
	}
	return (NULL);
}

static const struct fleet_vm *
ui_host_vm_find(const struct fleet *f, uint32_t id, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->nvms; i++) {
		if (id != 0 ? f->vms[i]->id == id : key != NULL &&
		    f->vms[i]->node_key != NULL &&
		    strcmp(f->vms[i]->node_key, key) == 0)
			return (f->vms[i]);
	}
	return (NULL);
}

/* The host and the VM of the view, either may be NULL. */
static void
ui_host_lookup(struct ui *ui, struct ui_view *v, const struct fleet_host **h,
    const struct fleet_vm **vm)
{
	const struct fleet	*f = ui->fleet;

	*h = NULL;
	*vm = NULL;
	if (v->node_id & UI_HOST_VM) {
		*vm = ui_host_vm_find(f, v->node_id & ~UI_HOST_VM, NULL);
		if (*vm != NULL && (*vm)->node_key != NULL)
			*h = ui_host_find(f, 0, (*vm)->node_key);
	} else {
		*h = ui_host_find(f, v->node_id, NULL);
		if (*h != NULL && (*h)->node_key != NULL)
			*vm = ui_host_vm_find(f, 0, (*h)->node_key);
	}
}

static void
ui_host_init(struct ui *ui, struct ui_view *v)
{
	const struct fleet_host	*h;
	const struct fleet_vm	*vm;

	ui_host_lookup(ui, v, &h, &vm);
	if (h != NULL)
		v->node_key = xstrdup(h->node_key != NULL ? h->node_key :
		    h->hostname != NULL ? h->hostname : "?");
	else if (vm != NULL)
		v->node_key = xstrdup(vm->node_key != NULL ? vm->node_key :
		    vm->name != NULL ? vm->name : "?");
	if (!ui->keycheck_reading && (ui->keycheck_at == 0 ||
	    ui_now(ui) - ui->keycheck_at > UI_KEYCHECK_MAX_AGE_MS)) {
		ui->keycheck_reading = true;
		ui->reqs |= UI_REQ_KEYCHECK;
	}
}

/* A copy with control characters as '?' (outside text on screen). */
static char *
ui_host_clean(const char *s)
{
	char	*c = xstrdup(s), *p;

	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return (c);
}

void
ui_keycheck_set(struct ui *ui, const struct ui_keycheck *v, size_t n,
    const char *error)
{
	size_t	 i;

	for (i = 0; i < ui->nkeychecks; i++) {
		free((char *)ui->keychecks[i].key);
		free((char *)ui->keychecks[i].why);
	}
	free(ui->keychecks);
	ui->keychecks = NULL;
	ui->nkeychecks = 0;
	free(ui->keycheck_error);
	ui->keycheck_error = NULL;
	ui->keycheck_reading = false;
	ui->keycheck_at = ui_now(ui);
	ui->dirty = true;
	if (error != NULL) {
		ui->keycheck_error = ui_host_clean(error);
		return;
	}
	if (n == 0)
		return;
	ui->keychecks = xcalloc(n, sizeof *ui->keychecks);
	for (i = 0; i < n; i++) {
		ui->keychecks[i].key = xstrdup(v[i].key != NULL ? v[i].key :
		    "");
		ui->keychecks[i].accepts = v[i].accepts;
		ui->keychecks[i].why = v[i].why != NULL ?
		    ui_host_clean(v[i].why) : NULL;
	}
	ui->nkeychecks = n;
}

static const struct ui_keycheck *
ui_keycheck_find(struct ui *ui, const char *key)
{
	size_t	 i;

	for (i = 0; key != NULL && i < ui->nkeychecks; i++) {
		if (strcmp(ui->keychecks[i].key, key) == 0)
			return (&ui->keychecks[i]);
	}
	return (NULL);
}

/* "accepts our key", from the last keys check. */
static void
ui_host_keycheck(struct ui *ui, struct ui_lines *l, const char *key)
{
	const struct ui_keycheck	*kc = ui_keycheck_find(ui, key);
	char				 age[16];

	ui_lines_put(l, UI_R_NORMAL, " ");
	ui_lines_put(l, UI_R_TITLE, "ssh");
	if (kc == NULL && ui->keycheck_reading)
		ui_lines_kv(l, "  our key    ", UI_R_DIM, "checking ...");
	else if (kc == NULL && ui->keycheck_error != NULL)
		ui_lines_kv(l, "  our key    ", UI_R_WARN, "not checked: %s",
		    ui->keycheck_error);
	else if (kc == NULL)
		ui_lines_kv(l, "  our key    ", UI_R_DIM, "not checked");
	else if (kc->accepts == 1)
		ui_lines_kv(l, "  our key    ", UI_R_NORMAL, "accepts our key "
		    "(checked %s ago)", ui_fmt_age(ui, ui->keycheck_at, age,
		    sizeof age));
	else if (kc->accepts == 0)
		ui_lines_kv(l, "  our key    ", UI_R_CRIT, "REFUSES our key "
		    "(checked %s ago)", ui_fmt_age(ui, ui->keycheck_at, age,
		    sizeof age));
	else
		ui_lines_kv(l, "  our key    ", UI_R_WARN, "unknown: %s",
		    kc->why != NULL ? kc->why : "?");
}

static void
ui_host_title(struct ui *ui, struct ui_view *v, struct buf *b)
{
	buf_adds(b, v->node_key != NULL ? v->node_key : "?");
}

static const char *
ui_host_str(const char *s)
{
	return (s != NULL && *s != '\0' ? s : "-");
}

static void
ui_host_draw(struct ui *ui, struct ui_view *v, int y, int h)
{
	const struct fleet_host	*host;
	const struct fleet_vm	*vm;
	const char		*name = v->node_key != NULL ? v->node_key :
				    "?";
	struct ui_lines		 l;
	char			 age[16];

	memset(&l, 0, sizeof l);
	l.win = stdscr;
	l.y0 = y;
	l.h = h;
	l.cols = ui->cols;
	l.scroll = v->scroll;

	ui_host_lookup(ui, v, &host, &vm);
	if (host == NULL && vm == NULL) {
		ui_lines_put(&l, UI_R_WARN, "%s is no longer known to Rancher "
		    "nor OpenStack (Esc goes back)", name);
		v->lines = l.line;
		return;
	}
	if (fleet_node_by_key(ui->fleet, name) != NULL)
		ui_lines_put(&l, UI_R_NORMAL, "%s is a BBB node of the fleet "
		    "now: :node %s shows it", name, name);
	else {
		ui_lines_put(&l, UI_R_TITLE, "%s is %s, not a BBB node:",
		    name, host != NULL && vm != NULL ? "a Rancher host and "
		    "an OpenStack VM" : host != NULL ? "a Rancher host" :
		    "an OpenStack VM");
		ui_lines_put(&l, UI_R_NORMAL, "  consul, scalelite, "
		    "Prometheus and the BBB API know no node of that name");
	}
	ui_lines_put(&l, UI_R_NORMAL, " ");

	if (host == NULL)
		ui_lines_put(&l, UI_R_DIM, "Rancher: no host of that name");
	else {
		ui_lines_put(&l, UI_R_TITLE, "Rancher host");
		ui_lines_kv(&l, "  hostname   ", UI_R_NORMAL, "%s",
		    ui_host_str(host->hostname));
		ui_lines_kv(&l, "  id         ", UI_R_NORMAL, "%s",
		    ui_host_str(host->rancher_id));
		ui_lines_kv(&l, "  state      ", ui_hosts_role(host->state),
		    "%s", ui_host_str(host->state));
		ui_lines_kv(&l, "  agent      ", host->agent_state != NULL ?
		    ui_hosts_role(host->agent_state) : UI_R_DIM, "%s",
		    ui_host_str(host->agent_state));
	}
	ui_lines_put(&l, UI_R_NORMAL, " ");
	if (vm == NULL)
		ui_lines_put(&l, UI_R_DIM, "OpenStack: no VM of that name");
	else {
		ui_lines_put(&l, UI_R_TITLE, "OpenStack VM");
		ui_lines_kv(&l, "  name       ", UI_R_NORMAL, "%s",
		    ui_host_str(vm->name));
		ui_lines_kv(&l, "  id         ", UI_R_NORMAL, "%s",
		    ui_host_str(vm->vm_id));
		ui_lines_kv(&l, "  status     ", ui_hosts_role(vm->status),
		    "%s", ui_host_str(vm->status));
		ui_lines_kv(&l, "  flavor     ", UI_R_NORMAL, "%s",
		    ui_host_str(vm->flavor));
		ui_lines_kv(&l, "  addresses  ", UI_R_NORMAL, "%s",
		    ui_host_str(vm->addresses));
		if (vm->created > 0)
			ui_lines_kv(&l, "  created    ", UI_R_NORMAL,
			    "%s ago", ui_fmt_age(ui, vm->created, age,
			    sizeof age));
		else
			ui_lines_kv(&l, "  created    ", UI_R_DIM, "-");
	}
	ui_host_keycheck(ui, &l, v->node_key);
	v->lines = l.line;
}

const struct ui_view_ops ui_view_host_ops = {
	.kind = UI_V_HOST,
	.name = "host",
	.init = ui_host_init,
	.draw = ui_host_draw,
	.title = ui_host_title,
};
