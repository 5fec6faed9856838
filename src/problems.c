/*
 * problems.c: the problem rules (see problems.h for the table in words).
 *
 * Each evaluation runs every rule; a rule reports each subject for which
 * its condition holds through problems_hit().  The state of a subject
 * (rule + subject, in a hash map) remembers since when the condition
 * holds and the problem's id; states not reported in an evaluation are
 * dropped, so a condition that goes away and comes back starts anew.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "hmap.h"
#include "problems.h"
#include "services.h"
#include "util.h"

#define DAY_MS	(24LL * 3600 * 1000)

struct problems_state {
	char		*key;		/* rule "\037" subject */
	int64_t		 since;
	uint64_t	 gen;
	struct fleet_problem *prob;	/* NULL until raised */
	struct fleet_problem *pend;	/* while held: pending, or NULL */
};

struct problems {
	struct problems_limits limits;
	struct hmap	 states;
	uint64_t	 gen;
	uint32_t	 next_id;

	/* during one evaluation */
	struct fleet	*fleet;
	unsigned	 judges;	/* sources that can say "missing" */
	struct hmap	 stack_nodes;	/* stack name -> its one node */
	bool		 stack_nodes_built;

	/*
	 * Which stacks are unhealthy (1) or degraded (2), for f->stacks as
	 * it was (every Rancher apply makes a new array; most evaluations
	 * follow other sources' applies).
	 */
	const void	*kinds_of;
	size_t		 nkinds;
	unsigned char	*kinds;
	int64_t		 now;
	struct fleet_problem **list;
	size_t		 nlist;
	size_t		 caplist;
	struct fleet_problem **plist;	/* pending */
	size_t		 nplist;
	size_t		 capplist;
};

struct problems_rule {
	struct problem_rule pub;
	int		 hold;		/* PROBLEMS_HOLD_* */
	void		(*node)(struct problems *,
			    const struct problems_rule *,
			    const struct fleet_node *);
	void		(*fleet)(struct problems *,
			    const struct problems_rule *);
};
#define PROBLEMS_HOLD_NONE	0
#define PROBLEMS_HOLD_LOAD	1	/* limits.hold_ms */
#define PROBLEMS_HOLD_IDLE	2	/* limits.idle_ms */

#define SRC(s)	FLEET_SRC_BIT(FLEET_SRC_ ## s)
#define PROBLEMS_PENDING_ID	0x80000000u	/* their own id space */

static void
problems_free_one(struct fleet_problem *fp)
{
	if (fp == NULL)
		return;
	free(fp->node_key);
	free(fp->text);
	free(fp);
}

/*
 * Report that rule's condition holds for subject.  node_key may be NULL
 * (fleet-wide); text is formatted.
 */
static void printflike(7, 8)
problems_hit(struct problems *p, const struct problems_rule *r,
    const char *subject, const char *node_key, enum fleet_severity sev,
    unsigned sources, const char *fmt, ...)
{
	struct problems_state	*st;
	struct fleet_problem	*fp;
	char			 key[256], text[512];
	int64_t			 hold = 0;
	va_list			 ap;

	snprintf(key, sizeof key, "%s\037%s", r->pub.name,
	    subject != NULL ? subject : "");
	if ((st = hmap_get(&p->states, key)) == NULL) {
		st = xcalloc(1, sizeof *st);
		st->key = xstrdup(key);
		st->since = p->now;
		hmap_put(&p->states, st->key, st);
	}
	if (st->gen == p->gen)
		return;		/* reported twice: once is enough */
	st->gen = p->gen;

	if (p->limits.hold) {
		if (r->hold == PROBLEMS_HOLD_LOAD)
			hold = p->limits.hold_ms;
		else if (r->hold == PROBLEMS_HOLD_IDLE)
			hold = p->limits.idle_ms;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (p->now - st->since < hold) {
		/* Pending: shown as such, with when it fires. */
		if ((fp = st->pend) == NULL) {
			fp = st->pend = xcalloc(1, sizeof *fp);
			fp->id = PROBLEMS_PENDING_ID | p->next_id++;
			fp->rule = r->pub.name;
			fp->since = st->since;
			fp->action = r->pub.action;
			fp->node_key = node_key != NULL ? xstrdup(node_key) :
			    NULL;
		}
		free(fp->text);
		fp->text = xstrdup(text);
		fp->severity = sev;
		fp->sources = sources;
		fp->fires_at = st->since + hold;
		if (p->nplist == p->capplist) {
			p->capplist = p->capplist == 0 ? 16 :
			    p->capplist * 2;
			p->plist = xreallocarray(p->plist, p->capplist,
			    sizeof *p->plist);
		}
		p->plist[p->nplist++] = fp;
		return;
	}
	if (st->pend != NULL) {
		problems_free_one(st->pend);
		st->pend = NULL;
	}
	if ((fp = st->prob) == NULL) {
		fp = st->prob = xcalloc(1, sizeof *fp);
		fp->id = p->next_id++;
		fp->rule = r->pub.name;
		fp->since = st->since;
		fp->action = r->pub.action;
	}
	if (fp->text == NULL || strcmp(fp->text, text) != 0) {
		free(fp->text);
		fp->text = xstrdup(text);
	}
	if (node_key == NULL ? fp->node_key != NULL : fp->node_key == NULL ||
	    strcmp(fp->node_key, node_key) != 0) {
		free(fp->node_key);
		fp->node_key = node_key != NULL ? xstrdup(node_key) : NULL;
	}
	fp->severity = sev;
	fp->sources = sources;
	if (p->nlist == p->caplist) {
		p->caplist = p->caplist == 0 ? 64 : p->caplist * 2;
		p->list = xreallocarray(p->list, p->caplist, sizeof *p->list);
	}
	p->list[p->nlist++] = fp;
}

static void
problems_state_free(struct problems_state *st)
{
	if (st->prob != NULL) {
		free(st->prob->node_key);
		free(st->prob->text);
		free(st->prob);
	}
	problems_free_one(st->pend);
	free(st->key);
	free(st);
}

static bool
problems_has_data(const struct fleet *f, enum fleet_src src)
{
	enum fleet_src_state	 s = f->sources[src].state;

	return ((s == FLEET_SRC_OK || s == FLEET_SRC_STALE) &&
	    f->sources[src].last_ok != 0);
}

static bool
problems_seen(const struct fleet_node *n, enum fleet_src src)
{
	return ((n->seen & FLEET_SRC_BIT(src)) != 0);
}

/* --- node rules ------------------------------------------------------- */

static void
rule_offline_consul_passing(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (n->online != 0 || n->health != FLEET_HEALTH_PASSING ||
	    !problems_seen(n, FLEET_SRC_SCALELITE) ||
	    !problems_seen(n, FLEET_SRC_CONSUL) ||
	    n->lb == FLEET_LB_DISABLED)
		return;
	problems_hit(p, r, n->key, n->key, n->lb == FLEET_LB_ENABLED ?
	    FLEET_SEV_CRITICAL : FLEET_SEV_WARNING, r->pub.sources,
	    "%s offline in scalelite (%s), consul passing", n->key,
	    fleet_lb_name(n->lb));
}

static void
problems_checks_text(const struct fleet_node *n, enum fleet_health h,
    char *out, size_t len)
{
	size_t	 i, used = 0;
	int	 k, shown = 0;

	out[0] = '\0';
	for (i = 0; i < n->nchecks && shown < 3; i++) {
		if (n->checks[i].status != h)
			continue;
		k = snprintf(out + used, len - used, "%s%s",
		    shown > 0 ? ", " : "",
		    n->checks[i].name != NULL ? n->checks[i].name :
		    (n->checks[i].check_id != NULL ?
		    n->checks[i].check_id : "?"));
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += k;
		shown++;
	}
}

static void
rule_consul_critical(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	char	 checks[160];

	if (n->health != FLEET_HEALTH_CRITICAL)
		return;
	problems_checks_text(n, FLEET_HEALTH_CRITICAL, checks, sizeof checks);
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s consul check critical: %s", n->key, checks);
}

static void
rule_consul_warning(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	char	 checks[160];

	if (n->health != FLEET_HEALTH_WARNING)
		return;
	problems_checks_text(n, FLEET_HEALTH_WARNING, checks, sizeof checks);
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s consul check warning: %s", n->key, checks);
}

static void
rule_bbb_api_down(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (n->api_up != 0)
		return;
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s BBB API down (bbb_api_up 0)", n->key);
}

static void
rule_exporter_down(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (n->exporters_total <= 0 || n->exporters_up >= n->exporters_total)
		return;
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s exporter target down (%d of %d up)", n->key,
	    n->exporters_up, n->exporters_total);
}

static void
rule_cpu_high(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (isnan(n->cpu) || n->cpu < p->limits.cpu_pct)
		return;
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s CPU %.0f%% (limit %.0f%%)", n->key, n->cpu,
	    p->limits.cpu_pct);
}

static void
rule_mem_high(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (isnan(n->mem) || n->mem < p->limits.mem_pct)
		return;
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s memory %.0f%% (limit %.0f%%)", n->key, n->mem,
	    p->limits.mem_pct);
}

static bool
problems_host_disconnected(const char *s)
{
	return (s != NULL && (strcmp(s, "disconnected") == 0 ||
	    strcmp(s, "disconnecting") == 0 ||
	    strcmp(s, "reconnecting") == 0));
}

/*
 * Over fleet->vms, so that a VM that is no node (fleet.h, "what is a
 * node") is still seen: critical for a node's VM, warning for another.
 */
static void
rule_vm_not_active(struct problems *p, const struct problems_rule *r)
{
	const struct fleet	*f = p->fleet;
	const struct fleet_vm	*v;
	const struct fleet_node	*n;
	size_t			 i;

	if (!problems_has_data(f, FLEET_SRC_OPENSTACK))
		return;
	for (i = 0; i < f->nvms; i++) {
		v = f->vms[i];
		if (v->status == NULL || strcmp(v->status, "ACTIVE") == 0 ||
		    strcmp(v->status, "BUILD") == 0)
			continue;
		n = fleet_node_by_key(f, v->node_key);
		problems_hit(p, r, v->vm_id != NULL ? v->vm_id : v->name,
		    n != NULL ? n->key : NULL, n != NULL ? FLEET_SEV_CRITICAL :
		    FLEET_SEV_WARNING, r->pub.sources, "%s VM %s",
		    n != NULL ? n->key : v->name, v->status);
	}
}

static void
problems_src_list(unsigned bits, char *out, size_t len)
{
	size_t	 used = 0;
	int	 s, k;

	out[0] = '\0';
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if ((bits & FLEET_SRC_BIT(s)) == 0)
			continue;
		k = snprintf(out + used, len - used, "%s%s",
		    used > 0 ? ", " : "", fleet_src_name(s));
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += k;
	}
}

static void
rule_missing(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	char		 in[128], out[128];
	unsigned	 missing;

	if (!n->bbb && !n->named)
		return;
	missing = p->judges & ~n->seen;
	if (missing == 0)
		return;
	problems_src_list(n->seen, in, sizeof in);
	problems_src_list(missing, out, sizeof out);
	problems_hit(p, r, n->key, n->key, r->pub.severity,
	    missing | n->seen, "%s in %s, missing from %s", n->key, in, out);
}

static void
rule_enabled_stale(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	const struct fleet	*f = p->fleet;

	/*
	 * No host figure at all: a CPU rate that has no second sample yet
	 * (the first answers after a start) is not "no metrics".
	 */
	if (n->lb != FLEET_LB_ENABLED ||
	    f->sources[FLEET_SRC_PROMETHEUS].state != FLEET_SRC_OK ||
	    !problems_seen(n, FLEET_SRC_PROMETHEUS) || !isnan(n->cpu) ||
	    !isnan(n->mem) || !isnan(n->load1))
		return;
	if (n->prom_at != 0) {
		char	 age[16];

		problems_hit(p, r, n->key, n->key, r->pub.severity,
		    r->pub.sources, "%s enabled, no metrics for %s", n->key,
		    util_fmt_age(p->now - n->prom_at, age, sizeof age));
	} else
		problems_hit(p, r, n->key, n->key, r->pub.severity,
		    r->pub.sources, "%s enabled, no metrics", n->key);
}

static void
rule_cordoned_idle(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	if (n->lb != FLEET_LB_CORDONED)
		return;
	if (!isnan(n->load) ? n->load != 0 : n->participants != 0)
		return;
	problems_hit(p, r, n->key, n->key, r->pub.severity, r->pub.sources,
	    "%s cordoned and idle", n->key);
}

static void
rule_cert_expiry(struct problems *p, const struct problems_rule *r,
    const struct fleet_node *n)
{
	int64_t			 left;
	long long		 days;
	enum fleet_severity	 sev;

	if (n->cert_expiry == 0)
		return;
	left = n->cert_expiry - p->now;
	if (left >= p->limits.cert_days * DAY_MS)
		return;
	sev = left < p->limits.cert_crit_days * DAY_MS ?
	    FLEET_SEV_CRITICAL : FLEET_SEV_WARNING;
	if (left <= 0) {
		days = (-left) / DAY_MS;
		problems_hit(p, r, n->key, n->key, sev, r->pub.sources,
		    "%s TLS certificate expired %lldd ago", n->key, days);
	} else {
		days = left / DAY_MS;
		problems_hit(p, r, n->key, n->key, sev, r->pub.sources,
		    "%s TLS certificate expires in %lldd", n->key, days);
	}
}

/* --- fleet rules ------------------------------------------------------ */

static bool
problems_health_bad(const char *h)
{
	/* the first letter first: "healthy" is what it nearly always is */
	return (h != NULL && ((h[0] == 'u' && strcmp(h, "unhealthy") == 0) ||
	    (h[0] == 'd' && strcmp(h, "degraded") == 0)));
}

/* " (lb unhealthy, bbb degraded)": the services that are not well. */
static void
problems_stack_services(const struct fleet_stack *st, char *out, size_t len)
{
	const struct fleet_service *sv;
	size_t			 i, used = 0;
	int			 k, shown = 0;

	out[0] = '\0';
	for (i = 0; i < st->nservices && shown < 3; i++) {
		sv = &st->services[i];
		if (!problems_health_bad(sv->health))
			continue;
		k = snprintf(out + used, len - used, "%s%s %s",
		    shown == 0 ? " (" : ", ", sv->name, sv->health);
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += k;
		shown++;
	}
	if (shown > 0 && used + 1 < len) {
		out[used++] = ')';
		out[used] = '\0';
	}
}

/*
 * The stack's own healthState decides: "unhealthy" is the critical
 * rule, "degraded" the warning one; a stack that says healthy over a
 * service that is not counts as degraded.
 */
static bool
problems_stack_is(const struct fleet_stack *st, const char *health)
{
	size_t	 j;

	if (st->health != NULL && strcmp(st->health, health) == 0)
		return (true);
	if (strcmp(health, "degraded") != 0 ||
	    (st->health != NULL && strcmp(st->health, "unhealthy") == 0))
		return (false);
	for (j = 0; j < st->nservices; j++) {
		if (problems_health_bad(st->services[j].health))
			return (true);
	}
	return (false);
}

/* The one node that runs the stack, or NULL (none, or several). */
static const char *
problems_stack_node(struct problems *p, const struct fleet_stack *st)
{
	const struct fleet	*f = p->fleet;
	struct fleet_node	*n, *had;
	static char		 several;
	size_t			 i;

	if (!p->stack_nodes_built) {
		hmap_clear(&p->stack_nodes);
		for (i = 0; i < f->nnodes; i++) {
			n = f->nodes[i];
			if (n->stack == NULL)
				continue;
			had = hmap_get(&p->stack_nodes, n->stack);
			hmap_put(&p->stack_nodes, n->stack, had == NULL ?
			    (void *)n : (void *)&several);
		}
		p->stack_nodes_built = true;
	}
	n = hmap_get(&p->stack_nodes, st->name);
	if (n == NULL || (void *)n == (void *)&several)
		return (NULL);
	return (n->key);
}

static void
problems_stack_kinds(struct problems *p)
{
	const struct fleet	*f = p->fleet;
	size_t			 i;

	if (p->kinds_of == (const void *)f->stacks &&
	    p->nkinds == f->nstacks)
		return;
	p->kinds = xreallocarray(p->kinds, f->nstacks + 1, sizeof *p->kinds);
	for (i = 0; i < f->nstacks; i++) {
		p->kinds[i] =
		    (problems_stack_is(f->stacks[i], "unhealthy") ? 1 : 0) |
		    (problems_stack_is(f->stacks[i], "degraded") ? 2 : 0);
	}
	p->kinds_of = f->stacks;
	p->nkinds = f->nstacks;
}

static void
problems_stacks(struct problems *p, const struct problems_rule *r,
    const char *health)
{
	const struct fleet	*f = p->fleet;
	const struct fleet_stack *st;
	char			 svc[160];
	size_t			 i;
	unsigned char		 bit;

	if (!problems_has_data(f, FLEET_SRC_RANCHER))
		return;
	problems_stack_kinds(p);
	bit = strcmp(health, "unhealthy") == 0 ? 1 : 2;
	for (i = 0; i < f->nstacks; i++) {
		st = f->stacks[i];
		if ((p->kinds[i] & bit) == 0)
			continue;
		problems_stack_services(st, svc, sizeof svc);
		problems_hit(p, r, st->name, problems_stack_node(p, st),
		    r->pub.severity, r->pub.sources, "stack %s %s%s",
		    st->name, health, svc);
	}
}

static void
rule_stack_unhealthy(struct problems *p, const struct problems_rule *r)
{
	problems_stacks(p, r, "unhealthy");
}

static void
rule_stack_degraded(struct problems *p, const struct problems_rule *r)
{
	problems_stacks(p, r, "degraded");
}

static void
rule_host_disconnected(struct problems *p, const struct problems_rule *r)
{
	const struct fleet	*f = p->fleet;
	const struct fleet_host	*h;
	const char		*why;
	size_t			 i;

	if (!problems_has_data(f, FLEET_SRC_RANCHER))
		return;
	for (i = 0; i < f->nhosts; i++) {
		h = f->hosts[i];
		if (problems_host_disconnected(h->agent_state))
			why = h->agent_state;
		else if (problems_host_disconnected(h->state))
			why = h->state;
		else
			continue;
		problems_hit(p, r, h->hostname, fleet_node_by_key(f,
		    h->node_key) != NULL ? h->node_key : NULL,
		    r->pub.severity, r->pub.sources, "host %s %s",
		    h->hostname, why);
	}
}

static void
rule_source_failed(struct problems *p, const struct problems_rule *r)
{
	const struct fleet_source *s;
	int			 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		s = &p->fleet->sources[i];
		if (s->state != FLEET_SRC_FAILED)
			continue;
		problems_hit(p, r, fleet_src_name(i), NULL, r->pub.severity,
		    FLEET_SRC_BIT(i), "%s failed: %s", fleet_src_name(i),
		    s->cause != NULL ? s->cause : "no data");
	}
}

static void
rule_source_stale(struct problems *p, const struct problems_rule *r)
{
	const struct fleet_source *s;
	char			 age[16];
	int			 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		s = &p->fleet->sources[i];
		if (s->state != FLEET_SRC_STALE)
			continue;
		problems_hit(p, r, fleet_src_name(i), NULL, r->pub.severity,
		    FLEET_SRC_BIT(i), "%s stale (data %s old): %s",
		    fleet_src_name(i),
		    util_fmt_age(p->now - s->last_ok, age, sizeof age),
		    s->cause != NULL ? s->cause : "refresh failed");
	}
}

static void
rule_scalelite_legacy(struct problems *p, const struct problems_rule *r)
{
	if (!p->fleet->scalelite_legacy ||
	    !problems_has_data(p->fleet, FLEET_SRC_SCALELITE))
		return;
	problems_hit(p, r, "scalelite", NULL, r->pub.severity,
	    r->pub.sources, "scalelite < 1.5.1 without admin API: "
	    "server states unknown");
}

/* --- services (services.h) --------------------------------------------- */

static void
problems_svc_hit(struct problems *p, const struct problems_rule *r,
    const struct svc *s, enum fleet_severity sev, const char *what)
{
	const char	*fix = services_fix(s);

	problems_hit(p, r, s->name, NULL, sev, 0, "%s %s: %s%s%s", s->name,
	    what, s->detail != NULL ? s->detail : services_fail_name(s->fail),
	    fix != NULL ? " - " : "", fix != NULL ? fix : "");
}

static void
rule_service_down(struct problems *p, const struct problems_rule *r)
{
	const struct svc	*s;
	size_t			 i;

	for (i = 0; i < p->fleet->nsvcs; i++) {
		s = p->fleet->svcs[i];
		if (s->state != SVC_FAILED || s->fail == SVC_FAIL_AUTH ||
		    s->fail == SVC_FAIL_TLS || s->fail == SVC_FAIL_FULL)
			continue;
		/* Its source failing says it already (source-failed). */
		if (s->source >= 0 && s->source < FLEET_SRC_COUNT &&
		    (p->fleet->sources[s->source].state == FLEET_SRC_FAILED ||
		    p->fleet->sources[s->source].state == FLEET_SRC_STALE))
			continue;
		problems_svc_hit(p, r, s, r->pub.severity,
		    services_fail_name(s->fail));
	}
}

static void
rule_service_auth(struct problems *p, const struct problems_rule *r)
{
	const struct svc	*s;
	size_t			 i;

	for (i = 0; i < p->fleet->nsvcs; i++) {
		s = p->fleet->svcs[i];
		if (s->state == SVC_FAILED && s->fail == SVC_FAIL_AUTH)
			problems_svc_hit(p, r, s, r->pub.severity,
			    "credentials refused");
	}
}

static void
rule_service_tls(struct problems *p, const struct problems_rule *r)
{
	const struct svc	*s;
	size_t			 i;

	for (i = 0; i < p->fleet->nsvcs; i++) {
		s = p->fleet->svcs[i];
		if (s->state == SVC_FAILED && s->fail == SVC_FAIL_TLS)
			problems_svc_hit(p, r, s, r->pub.severity, "TLS");
	}
}

static void
rule_db_connections(struct problems *p, const struct problems_rule *r)
{
	const struct svc	*s;
	size_t			 i;

	for (i = 0; i < p->fleet->nsvcs; i++) {
		s = p->fleet->svcs[i];
		if (s->fail == SVC_FAIL_FULL && s->state == SVC_FAILED)
			problems_svc_hit(p, r, s, FLEET_SEV_CRITICAL,
			    "out of connections");
		else if (s->state == SVC_WARN && s->conn_max > 0)
			problems_svc_hit(p, r, s, r->pub.severity,
			    "connections nearly used up");
	}
}

static void
rule_service_cert(struct problems *p, const struct problems_rule *r)
{
	const struct svc	*s;
	int64_t			 left;
	enum fleet_severity	 sev;
	size_t			 i;

	for (i = 0; i < p->fleet->nsvcs; i++) {
		s = p->fleet->svcs[i];
		if (s->cert_expiry == 0)
			continue;
		left = s->cert_expiry - p->now;
		if (left >= p->limits.cert_days * DAY_MS)
			continue;
		sev = left < p->limits.cert_crit_days * DAY_MS ?
		    FLEET_SEV_CRITICAL : FLEET_SEV_WARNING;
		if (left <= 0)
			problems_hit(p, r, s->name, NULL, sev, 0,
			    "%s TLS certificate expired %lldd ago (%s)",
			    s->name, (long long)(-left / DAY_MS),
			    s->target != NULL ? s->target : "-");
		else
			problems_hit(p, r, s->name, NULL, sev, 0,
			    "%s TLS certificate expires in %lldd (%s)",
			    s->name, (long long)(left / DAY_MS),
			    s->target != NULL ? s->target : "-");
	}
}

static const struct problems_rule rule_table[] = {
	{ { "offline-consul-passing", FLEET_SEV_CRITICAL,
	    SRC(SCALELITE) | SRC(CONSUL), "stack restart",
	    "offline in scalelite while consul passes (warning when "
	    "cordoned, silent when disabled)" },
	  PROBLEMS_HOLD_NONE, rule_offline_consul_passing, NULL },
	{ { "consul-critical", FLEET_SEV_CRITICAL, SRC(CONSUL),
	    "stack restart", "a consul check of the node is critical" },
	  PROBLEMS_HOLD_NONE, rule_consul_critical, NULL },
	{ { "consul-warning", FLEET_SEV_WARNING, SRC(CONSUL),
	    "stack restart", "a consul check of the node is warning" },
	  PROBLEMS_HOLD_NONE, rule_consul_warning, NULL },
	{ { "bbb-api-down", FLEET_SEV_CRITICAL, SRC(PROMETHEUS),
	    "stack restart", "bbb-exporter reports bbb_api_up 0" },
	  PROBLEMS_HOLD_NONE, rule_bbb_api_down, NULL },
	{ { "exporter-down", FLEET_SEV_WARNING, SRC(PROMETHEUS),
	    "stack redeploy", "a Prometheus target of the node is down" },
	  PROBLEMS_HOLD_NONE, rule_exporter_down, NULL },
	{ { "cpu-high", FLEET_SEV_WARNING, SRC(PROMETHEUS), "server cordon",
	    "CPU at or above the limit for the hold time" },
	  PROBLEMS_HOLD_LOAD, rule_cpu_high, NULL },
	{ { "mem-high", FLEET_SEV_WARNING, SRC(PROMETHEUS), "server cordon",
	    "memory at or above the limit for the hold time" },
	  PROBLEMS_HOLD_LOAD, rule_mem_high, NULL },
	{ { "stack-unhealthy", FLEET_SEV_CRITICAL, SRC(RANCHER),
	    "stack redeploy", "a Rancher stack is unhealthy" },
	  PROBLEMS_HOLD_NONE, NULL, rule_stack_unhealthy },
	{ { "stack-degraded", FLEET_SEV_WARNING, SRC(RANCHER),
	    "stack redeploy", "a Rancher stack is degraded, or one of its "
	    "services is not healthy" },
	  PROBLEMS_HOLD_NONE, NULL, rule_stack_degraded },
	{ { "host-disconnected", FLEET_SEV_CRITICAL, SRC(RANCHER),
	    "server cordon", "a Rancher host or its agent is disconnected "
	    "or reconnecting" },
	  PROBLEMS_HOLD_NONE, NULL, rule_host_disconnected },
	{ { "vm-not-active", FLEET_SEV_CRITICAL, SRC(OPENSTACK), "scale in",
	    "the node's VM is not ACTIVE or BUILD (warning for non-BBB "
	    "VMs)" },
	  PROBLEMS_HOLD_NONE, NULL, rule_vm_not_active },
	{ { "missing-from-source", FLEET_SEV_WARNING, 0, NULL,
	    "a node is missing from a source that answers (also a VM or "
	    "Rancher host that matches node_pattern and no BBB source "
	    "knows)" },
	  PROBLEMS_HOLD_NONE, rule_missing, NULL },
	{ { "enabled-stale", FLEET_SEV_WARNING,
	    SRC(PROMETHEUS) | SRC(SCALELITE), "server cordon",
	    "an enabled node has no current metrics while Prometheus "
	    "answers" },
	  PROBLEMS_HOLD_NONE, rule_enabled_stale, NULL },
	{ { "source-failed", FLEET_SEV_CRITICAL, 0, NULL,
	    "a source has no usable data" },
	  PROBLEMS_HOLD_NONE, NULL, rule_source_failed },
	{ { "source-stale", FLEET_SEV_WARNING, 0, NULL,
	    "a source's last refresh failed; older data is shown" },
	  PROBLEMS_HOLD_NONE, NULL, rule_source_stale },
	{ { "scalelite-legacy", FLEET_SEV_INFO, SRC(SCALELITE), NULL,
	    "scalelite older than 1.5.1: no admin API" },
	  PROBLEMS_HOLD_NONE, NULL, rule_scalelite_legacy },
	{ { "cordoned-idle", FLEET_SEV_INFO, SRC(SCALELITE),
	    "server disable", "cordoned with load 0 for the idle time" },
	  PROBLEMS_HOLD_IDLE, rule_cordoned_idle, NULL },
	{ { "cert-expiry", FLEET_SEV_WARNING, 0, NULL,
	    "the node's TLS certificate expires within cert_days" },
	  PROBLEMS_HOLD_NONE, rule_cert_expiry, NULL },
	{ { "service-down", FLEET_SEV_CRITICAL, 0, NULL,
	    "a fleet-wide service (scalelite, Greenlight, coturn, PostgreSQL, "
	    "consul leader, Rancher) fails its probe" },
	  PROBLEMS_HOLD_NONE, NULL, rule_service_down },
	{ { "service-auth", FLEET_SEV_CRITICAL, 0, NULL,
	    "a service refuses bbbctl's credentials (TURN 401 with the REST "
	    "secret, database password)" },
	  PROBLEMS_HOLD_NONE, NULL, rule_service_auth },
	{ { "service-tls", FLEET_SEV_CRITICAL, 0, NULL,
	    "a TLS endpoint's handshake or certificate chain fails "
	    "(expired, self-signed, unknown CA)" },
	  PROBLEMS_HOLD_NONE, NULL, rule_service_tls },
	{ { "service-cert-expiry", FLEET_SEV_WARNING, 0, NULL,
	    "a service's TLS certificate expires within cert_days (crit "
	    "within cert_crit_days or expired)" },
	  PROBLEMS_HOLD_NONE, NULL, rule_service_cert },
	{ { "db-connections", FLEET_SEV_WARNING, 0, NULL,
	    "PostgreSQL connections at 90 % of max_connections (critical "
	    "when none are left)" },
	  PROBLEMS_HOLD_NONE, NULL, rule_db_connections },
};

const struct problem_rule *
problems_rules(size_t *n)
{
	static struct problem_rule	 pub[nitems(rule_table)];
	size_t				 i;

	for (i = 0; i < nitems(rule_table); i++)
		pub[i] = rule_table[i].pub;
	*n = nitems(rule_table);
	return (pub);
}

/* --- evaluation ------------------------------------------------------- */

struct problems *
problems_new(void)
{
	struct problems	*p;

	p = xcalloc(1, sizeof *p);
	p->limits.cpu_pct = 90;
	p->limits.mem_pct = 90;
	p->limits.hold_ms = 5 * 60 * 1000;
	p->limits.idle_ms = 30 * 60 * 1000;
	p->limits.cert_days = 14;
	p->limits.cert_crit_days = 3;
	p->limits.hold = true;
	p->next_id = 1;
	return (p);
}

void
problems_free(struct problems *p)
{
	struct problems_state	*st;
	size_t			 i = 0;

	if (p == NULL)
		return;
	while ((st = hmap_next(&p->states, &i, NULL)) != NULL)
		problems_state_free(st);
	hmap_free(&p->states);
	hmap_free(&p->stack_nodes);
	free(p->kinds);
	free(p->list);
	free(p->plist);
	free(p);
}

struct problems_limits *
problems_limits(struct problems *p)
{
	return (&p->limits);
}

static int
problems_cmp(const void *a, const void *b)
{
	const struct fleet_problem *pa = *(struct fleet_problem *const *)a;
	const struct fleet_problem *pb = *(struct fleet_problem *const *)b;

	if (pa->severity != pb->severity)
		return (pa->severity > pb->severity ? -1 : 1);
	/* The newest first: a new critical is never hidden by old ones. */
	if (pa->since != pb->since)
		return (pa->since > pb->since ? -1 : 1);
	if (pa->id != pb->id)
		return (pa->id > pb->id ? -1 : 1);
	return (0);
}

void
problems_eval(struct problems *p, struct fleet *f, int64_t now)
{
	const struct problems_rule *r;
	struct problems_state	*st;
	struct fleet_problem	*fp;
	struct fleet_node	*n;
	size_t			 i, j;
	unsigned		 answered = 0;

	p->gen++;
	p->fleet = f;
	p->now = now;
	p->nlist = 0;
	p->nplist = 0;
	p->judges = 0;
	p->stack_nodes_built = false;
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if (!problems_has_data(f, i) || (i == FLEET_SRC_SCALELITE &&
		    f->scalelite_legacy))
			continue;
		p->judges |= FLEET_SRC_BIT(i);
	}
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if (f->sources[i].last_ok != 0)
			answered |= FLEET_SRC_BIT(i);
	}
	for (j = 0; j < nitems(rule_table); j++) {
		r = &rule_table[j];
		/* No rule judges by a source that has not answered once. */
		if ((r->pub.sources & ~answered) != 0)
			continue;
		if (r->fleet != NULL)
			r->fleet(p, r);
		if (r->node == NULL)
			continue;
		for (i = 0; i < f->nnodes; i++)
			r->node(p, r, f->nodes[i]);
	}

	/* Forget conditions that no longer hold. */
	i = 0;
	while ((st = hmap_next(&p->states, &i, NULL)) != NULL) {
		if (st->gen == p->gen)
			continue;
		hmap_del(&p->states, st->key);
		problems_state_free(st);
	}

	/* The problems are the states'; fleet->problems points at them. */
	if (p->nlist > 1)
		qsort(p->list, p->nlist, sizeof *p->list, problems_cmp);
	f->problems = xreallocarray(f->problems, p->nlist + 1,
	    sizeof *f->problems);
	if (p->nlist > 0)
		memcpy(f->problems, p->list, p->nlist * sizeof *p->list);
	f->nproblems = p->nlist;
	f->pending = xreallocarray(f->pending, p->nplist + 1,
	    sizeof *f->pending);
	if (p->nplist > 0)
		memcpy(f->pending, p->plist, p->nplist * sizeof *p->plist);
	f->npending = p->nplist;

	for (i = 0; i < f->nnodes; i++) {
		f->nodes[i]->nproblems = 0;
		f->nodes[i]->worst = FLEET_SEV_INFO;
	}
	for (i = 0; i < f->nproblems; i++) {
		fp = f->problems[i];
		if (fp->node_key == NULL)
			continue;
		n = (struct fleet_node *)fleet_node_by_key(f, fp->node_key);
		if (n == NULL)
			continue;
		if (n->nproblems == 0 || fp->severity > n->worst)
			n->worst = fp->severity;
		n->nproblems++;
	}
	p->fleet = NULL;
}
