/*
 * fleet.c: the fleet model.
 *
 * Every name any source gives has a record (struct fleet_node) in a hash
 * map by key (and one by id); priv->all is the same set sorted by key,
 * rebuilt only when a record comes or goes.  fleet->nodes is the part
 * of it that is a node (fleet.h, "what is a node"), filtered anew after
 * every change; the other records only carry what Rancher, OpenStack or
 * node_exporter say until a BBB source names the same key.  Each
 * apply stamps the nodes its source names with a new generation; a
 * sweep then drops that source from the nodes it no longer names, and
 * frees nodes no source knows.  Entity lists (meetings, stacks, hosts,
 * VMs) are rebuilt from each update, keeping their ids by their
 * source's id.  Every id comes from one counter and is never reused.
 *
 * Each source's apply is in its own file, fleet-<source>.c (consul,
 * prom, scalelite with the meetings, rancher, openstack); what they
 * share with this file is in fleet-int.h.  A new source or entity is a
 * new fleet-<name>.c, its update struct in fleet.h and its digest here.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "fleet.h"
#include "fleet-int.h"
#include "hmap.h"
#include "problems.h"
#include "services.h"
#include "util.h"

#define FLEET_STALE_LIMIT_MS	(5 * 60 * 1000)

/* --- names ------------------------------------------------------------ */

const char *
fleet_src_name(enum fleet_src src)
{
	static const char *names[] = {
		"consul", "prometheus", "scalelite", "rancher", "openstack"
	};

	if ((unsigned)src >= nitems(names))
		return ("?");
	return (names[src]);
}

const char *
fleet_lb_name(enum fleet_lb lb)
{
	switch (lb) {
	case FLEET_LB_ENABLED:
		return ("enabled");
	case FLEET_LB_CORDONED:
		return ("cordoned");
	case FLEET_LB_DISABLED:
		return ("disabled");
	default:
		return ("unknown");
	}
}

const char *
fleet_health_name(enum fleet_health h)
{
	switch (h) {
	case FLEET_HEALTH_PASSING:
		return ("passing");
	case FLEET_HEALTH_WARNING:
		return ("warning");
	case FLEET_HEALTH_CRITICAL:
		return ("critical");
	default:
		return ("unknown");
	}
}

const char *
fleet_severity_name(enum fleet_severity s)
{
	switch (s) {
	case FLEET_SEV_CRITICAL:
		return ("critical");
	case FLEET_SEV_WARNING:
		return ("warning");
	default:
		return ("info");
	}
}

const char *
fleet_job_state_name(enum fleet_job_state s)
{
	static const char *names[] = {
		"planned", "waiting", "running", "done", "failed", "cancelled"
	};

	if ((unsigned)s >= nitems(names))
		return ("?");
	return (names[s]);
}

/* --- the join rule ---------------------------------------------------- */

int
fleet_key_rule_parse(const char *s, enum fleet_key_rule *rule)
{
	if (s == NULL || *s == '\0' || strcasecmp(s, "host") == 0)
		*rule = FLEET_KEY_HOST;
	else if (strcasecmp(s, "fqdn") == 0)
		*rule = FLEET_KEY_FQDN;
	else if (strcasecmp(s, "alnum") == 0)
		*rule = FLEET_KEY_ALNUM;
	else
		return (-1);
	return (0);
}

static bool
fleet_is_ipv4(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return (false);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return (false);
	}
	return (true);
}

/*
 * The rule (fleet.h) into key[FLEET_KEY_MAX]: false when the result is
 * empty or longer than a host name may be.
 */
#define FLEET_KEY_MAX	256
static bool
fleet_key_into(const char *name, const char *domain,
    enum fleet_key_rule rule, char *key)
{
	const char	*p, *e, *host;
	char		*q;
	size_t		 len, hlen, dlen, i, colons;
	bool		 literal = false;

	if (name == NULL)
		return (false);
	p = name;
	while (isspace((unsigned char)*p))
		p++;
	len = strcspn(p, "/?#");
	if (len > 0 && p[len - 1] == ':' && p[len] == '/' &&
	    p[len + 1] == '/') {
		p += len + 2;	/* scheme:// */
		len = strcspn(p, "/?#");
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	/* user info */
	for (i = len; i > 0; i--) {
		if (p[i - 1] == '@') {
			p += i;
			len -= i;
			break;
		}
	}
	host = p;
	hlen = len;
	if (len > 0 && p[0] == '[') {
		if ((e = memchr(p, ']', len)) == NULL)
			return (false);
		host = p + 1;
		hlen = e - host;
		literal = true;
	} else {
		for (colons = 0, i = 0; i < len; i++)
			colons += p[i] == ':';
		if (colons == 1)
			hlen = (const char *)memchr(p, ':', len) - p;
		else if (colons > 1)
			literal = true;	/* a bare IPv6 address */
	}
	while (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (hlen == 0 || hlen >= FLEET_KEY_MAX)
		return (false);
	for (i = 0; i < hlen; i++)
		key[i] = tolower((unsigned char)host[i]);
	key[hlen] = '\0';
	if (literal || fleet_is_ipv4(key, hlen))
		return (true);

	if (domain != NULL) {
		while (*domain == '.')
			domain++;
		dlen = strlen(domain);
		while (dlen > 0 && domain[dlen - 1] == '.')
			dlen--;
	} else
		dlen = 0;
	if (dlen > 0) {
		if (hlen > dlen + 1 && key[hlen - dlen - 1] == '.' &&
		    strncasecmp(key + hlen - dlen, domain, dlen) == 0)
			key[hlen - dlen - 1] = '\0';
	} else if (rule != FLEET_KEY_FQDN) {
		if ((q = memchr(key, '.', hlen)) != NULL)
			*q = '\0';
	}

	if (rule == FLEET_KEY_ALNUM) {
		for (p = q = key; *p != '\0'; p++) {
			if (isalnum((unsigned char)*p))
				*q++ = *p;
		}
		*q = '\0';
	}
	return (*key != '\0');
}

char *
fleet_node_key_rule(const char *name, const char *domain,
    enum fleet_key_rule rule)
{
	char	 key[FLEET_KEY_MAX];

	if (!fleet_key_into(name, domain, rule, key))
		return (NULL);
	return (xstrdup(key));
}

char *
fleet_node_key(const char *name, const char *domain)
{
	return (fleet_node_key_rule(name, domain, FLEET_KEY_HOST));
}

void
fleet_set_join(struct fleet *f, enum fleet_key_rule rule, const char *domain)
{
	f->priv->rule = rule;
	free(f->priv->domain);
	f->priv->domain = (domain != NULL && *domain != '\0') ?
	    xstrdup(domain) : NULL;
}

/* [problems]: the rules' limits and when a stale source fails. */
static void
fleet_configure_problems(struct fleet *f, const struct config *cfg)
{
	struct problems_limits	*lim = problems_limits(f->priv->problems);

	lim->cpu_pct = cfg->problems.cpu_warn;
	lim->mem_pct = cfg->problems.mem_warn;
	lim->hold_ms = cfg->problems.hold_ms;
	lim->idle_ms = cfg->problems.cordoned_idle_ms;
	lim->cert_days = (int)cfg->problems.cert_days;
	lim->cert_crit_days = (int)cfg->problems.cert_crit_days;
	f->stale_limit_ms = cfg->problems.stale_after_ms;
	f->backup_max_age_ms = cfg->backup.dir != NULL ?
	    cfg->backup.max_age_ms : 0;
}

int
fleet_configure(struct fleet *f, const struct config *cfg, char **cause)
{
	enum fleet_key_rule	 rule = FLEET_KEY_HOST;

	if (cfg->cluster.node_key != NULL &&
	    fleet_key_rule_parse(cfg->cluster.node_key, &rule) == -1) {
		*cause = xasprintf("[cluster] node_key: unknown rule '%s' "
		    "(host, fqdn or alnum)", cfg->cluster.node_key);
		return (-1);
	}
	fleet_set_join(f, rule, cfg->cluster.domain);
	fleet_set_node_pattern(f, cfg->cluster.node_pattern);
	fleet_configure_problems(f, cfg);
	return (0);
}

void
fleet_set_node_pattern(struct fleet *f, const char *globs)
{
	struct fleet_priv	*p = f->priv;
	const char		*s = globs, *e;
	char			*g;
	size_t			 i;

	for (i = 0; i < p->npattern; i++)
		free(p->pattern[i]);
	free(p->pattern);
	p->pattern = NULL;
	p->npattern = 0;
	if (s != NULL && strcasecmp(s, "none") == 0)
		return;
	while (s != NULL && *s != '\0') {
		s += strspn(s, ", \t");
		if ((e = s + strcspn(s, ", \t")) == s)
			break;
		g = xstrndup(s, e - s);
		for (i = 0; g[i] != '\0'; i++)
			g[i] = tolower((unsigned char)g[i]);
		p->pattern = xreallocarray(p->pattern, p->npattern + 1,
		    sizeof *p->pattern);
		p->pattern[p->npattern++] = g;
		s = e;
	}
}

char *
fleet_key(const struct fleet *f, const char *name)
{
	return (fleet_node_key_rule(name, f->priv->domain, f->priv->rule));
}

static bool
fleet_key_buf(const struct fleet *f, const char *name, char *key)
{
	return (fleet_key_into(name, f->priv->domain, f->priv->rule, key));
}

/* --- rings ------------------------------------------------------------ */

void
fleet_ring_push(struct fleet_ring *r, float v)
{
	r->v[r->head] = v;
	r->head = (r->head + 1) % FLEET_HIST_LEN;
	if (r->count < FLEET_HIST_LEN)
		r->count++;
}

float
fleet_ring_get(const struct fleet_ring *r, size_t i)
{
	size_t	 start;

	if (i >= r->count)
		return (NAN);
	start = (r->head + FLEET_HIST_LEN - r->count) % FLEET_HIST_LEN;
	return (r->v[(start + i) % FLEET_HIST_LEN]);
}

/* --- nodes ------------------------------------------------------------ */

/* *dst = a copy of src (NULL allowed), reallocating only on a change. */
void
fleet_str_set(char **dst, const char *src)
{
	if (src == NULL) {
		free(*dst);
		*dst = NULL;
		return;
	}
	if (*dst != NULL && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

static void
fleet_checks_free(struct fleet_check *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(c[i].check_id);
		free(c[i].name);
		free(c[i].output);
	}
	free(c);
}

void
fleet_node_clear_consul(struct fleet_node *n)
{
	free(n->consul_node);
	free(n->address);
	n->consul_node = n->address = NULL;
	fleet_checks_free(n->checks, n->nchecks);
	n->checks = NULL;
	n->nchecks = 0;
	n->health = FLEET_HEALTH_UNKNOWN;
}

void
fleet_node_clear_scalelite(struct fleet_node *n)
{
	free(n->sl_id);
	free(n->sl_url);
	free(n->tag);
	free(n->bbb_version);
	n->sl_id = n->sl_url = n->tag = n->bbb_version = NULL;
	n->lb = FLEET_LB_UNKNOWN;
	n->online = -1;
	n->load = NAN;
	n->load_multiplier = NAN;
}

void
fleet_node_clear_prom(struct fleet_node *n)
{
	n->cpu = n->mem = n->load1 = n->net_in = n->net_out = NAN;
	n->meetings = n->participants = n->voice = n->video = -1;
	n->listeners = n->api_up = -1;
	n->exporters_up = n->exporters_total = -1;
	n->prom_figures = 0;
}

static void
fleet_node_clear_rancher(struct fleet_node *n)
{
	free(n->stack);
	free(n->stack_state);
	free(n->host_id);
	free(n->host_state);
	free(n->agent_state);
	n->stack = n->stack_state = n->host_id = NULL;
	n->host_state = n->agent_state = NULL;
}

static void
fleet_node_clear_openstack(struct fleet_node *n)
{
	free(n->vm_id);
	free(n->vm_status);
	free(n->flavor);
	n->vm_id = n->vm_status = n->flavor = NULL;
	n->vm_created = 0;
}

static void
fleet_node_clear(struct fleet_node *n, enum fleet_src src)
{
	switch (src) {
	case FLEET_SRC_CONSUL:
		fleet_node_clear_consul(n);
		break;
	case FLEET_SRC_PROMETHEUS:
		fleet_node_clear_prom(n);
		break;
	case FLEET_SRC_SCALELITE:
		fleet_node_clear_scalelite(n);
		break;
	case FLEET_SRC_RANCHER:
		fleet_node_clear_rancher(n);
		break;
	case FLEET_SRC_OPENSTACK:
		fleet_node_clear_openstack(n);
		break;
	default:
		break;
	}
}

static void
fleet_node_free(struct fleet_node *n)
{
	int	 s;

	if (n == NULL)
		return;
	for (s = 0; s < FLEET_SRC_COUNT; s++)
		fleet_node_clear(n, s);
	free(n->key);
	free(n);
}

/* The node of key (borrowed), created when new. */
struct fleet_node *
fleet_node_get(struct fleet *f, const char *key)
{
	struct fleet_priv	*p = f->priv;
	struct fleet_node	*n;

	if ((n = hmap_get(&p->by_key, key)) != NULL)
		return (n);
	n = xcalloc(1, sizeof *n);
	n->id = p->next_id++;
	n->key = xstrdup(key);
	n->health = FLEET_HEALTH_UNKNOWN;
	fleet_node_clear_scalelite(n);
	fleet_node_clear_prom(n);
	hmap_put(&p->by_key, n->key, n);
	hmap_iput(&p->by_id, n->id, n);
	p->resort = true;
	return (n);
}

/* The node of a name in any form, created when new; NULL: no key. */
struct fleet_node *
fleet_node_get_name(struct fleet *f, const char *name)
{
	char	 key[FLEET_KEY_MAX];

	if (!fleet_key_buf(f, name, key))
		return (NULL);
	return (fleet_node_get(f, key));
}

static struct fleet_node *
fleet_node_find(const struct fleet *f, const char *name)
{
	char	 key[FLEET_KEY_MAX];

	if (!fleet_key_buf(f, name, key))
		return (NULL);
	return (hmap_get(&f->priv->by_key, key));
}

void
fleet_node_touch(struct fleet *f, struct fleet_node *n, enum fleet_src src,
    int64_t now)
{
	n->seen |= FLEET_SRC_BIT(src);
	n->seen_at[src] = now;
	n->gen[src] = f->priv->gen;
}

static int
fleet_node_cmp(const void *a, const void *b)
{
	const struct fleet_node	*na = *(struct fleet_node *const *)a;
	const struct fleet_node	*nb = *(struct fleet_node *const *)b;

	return (strcmp(na->key, nb->key));
}

/* The key matches one of the node_pattern globs. */
static bool
fleet_pattern_match(const struct fleet *f, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->priv->npattern; i++) {
		if (fnmatch(f->priv->pattern[i], key, 0) == 0)
			return (true);
	}
	return (false);
}

/*
 * What is a node (fleet.h): bbb when a BBB source knows the record,
 * named when only a Rancher host or VM of a node-like name does.
 */
static void
fleet_node_classify(struct fleet *f, struct fleet_node *n)
{
	unsigned	 infra;

	n->bbb = (n->seen & (FLEET_SRC_BIT(FLEET_SRC_CONSUL) |
	    FLEET_SRC_BIT(FLEET_SRC_SCALELITE))) != 0 ||
	    (n->prom_figures & FLEET_PF_BBB) != 0 || n->meetings >= 0;
	infra = FLEET_SRC_BIT(FLEET_SRC_RANCHER) |
	    FLEET_SRC_BIT(FLEET_SRC_OPENSTACK);
	n->named = !n->bbb && (n->seen & infra) != 0 &&
	    fleet_pattern_match(f, n->key);
}

static bool
fleet_node_is(const struct fleet_node *n)
{
	return (n != NULL && (n->bbb || n->named));
}

/*
 * Rebuild priv->all when a record came or went, then fleet->nodes (the
 * records that are nodes) from it.
 */
static void
fleet_nodes_resort(struct fleet *f)
{
	struct fleet_priv	*p = f->priv;
	struct fleet_node	*n;
	size_t			 i = 0, it = 0;

	if (p->resort) {
		p->all = xreallocarray(p->all, p->by_key.n + 1,
		    sizeof *p->all);
		while ((n = hmap_next(&p->by_key, &it, NULL)) != NULL)
			p->all[i++] = n;
		p->nall = i;
		qsort(p->all, p->nall, sizeof *p->all, fleet_node_cmp);
		p->resort = false;
	}
	f->nodes = xreallocarray(f->nodes, p->nall + 1, sizeof *f->nodes);
	f->nnodes = 0;
	for (i = 0; i < p->nall; i++) {
		n = p->all[i];
		fleet_node_classify(f, n);
		if (fleet_node_is(n))
			f->nodes[f->nnodes++] = n;
	}
}

/*
 * After an apply of src: nodes src did not name this time lose src; the
 * ones no source knows any more go.
 */
void
fleet_nodes_sweep(struct fleet *f, enum fleet_src src)
{
	struct fleet_priv	*p = f->priv;
	struct fleet_node	*n;
	size_t			 i;

	fleet_nodes_resort(f);	/* records new in this apply */
	for (i = 0; i < p->nall; i++) {
		n = p->all[i];
		if ((n->seen & FLEET_SRC_BIT(src)) == 0 ||
		    n->gen[src] == p->gen)
			continue;
		n->seen &= ~FLEET_SRC_BIT(src);
		fleet_node_clear(n, src);
		if (n->seen == 0) {
			hmap_del(&p->by_key, n->key);
			hmap_idel(&p->by_id, n->id);
			fleet_node_free(n);
			p->all[i] = NULL;
			p->resort = true;
		}
	}
	fleet_nodes_resort(f);
}

/* --- the fleet -------------------------------------------------------- */

struct fleet *
fleet_new(const char *cluster)
{
	struct fleet	*f;

	f = xcalloc(1, sizeof *f);
	f->priv = xcalloc(1, sizeof *f->priv);
	f->priv->next_id = 1;
	f->priv->problems = problems_new();
	f->cluster = xstrdup(cluster != NULL ? cluster : "bbb");
	f->stale_limit_ms = FLEET_STALE_LIMIT_MS;
	f->nodes = xcalloc(1, sizeof *f->nodes);
	return (f);
}

void
fleet_meetings_free(struct fleet_meeting **m, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(m[i]->meeting_id);
		free(m[i]->name);
		free(m[i]->node_key);
		free(m[i]);
	}
	free(m);
}

void
fleet_stacks_free(struct fleet_stack **s, size_t n)
{
	struct fleet_service	*sv;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < s[i]->nservices; j++) {
			sv = &s[i]->services[j];
			free(sv->id);
			free(sv->name);
			free(sv->state);
			free(sv->health);
			free(sv->image);
		}
		free(s[i]->services);
		free(s[i]->rancher_id);
		free(s[i]->name);
		free(s[i]->state);
		free(s[i]->health);
		free(s[i]);
	}
	free(s);
}

void
fleet_hosts_free(struct fleet_host **h, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(h[i]->rancher_id);
		free(h[i]->hostname);
		free(h[i]->node_key);
		free(h[i]->state);
		free(h[i]->agent_state);
		free(h[i]);
	}
	free(h);
}

void
fleet_vms_free(struct fleet_vm **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i]->vm_id);
		free(v[i]->name);
		free(v[i]->node_key);
		free(v[i]->status);
		free(v[i]->flavor);
		free(v[i]->addresses);
		free(v[i]);
	}
	free(v);
}

static void	fleet_job_free(struct fleet_job *);

void
fleet_free(struct fleet *f)
{
	size_t	 i;
	int	 s;

	if (f == NULL)
		return;
	free(f->quota.flavor);
	for (i = 0; i < f->priv->nall; i++)
		fleet_node_free(f->priv->all[i]);
	free(f->priv->all);
	free(f->nodes);
	fleet_meetings_free(f->meetings, f->nmeetings);
	fleet_stacks_free(f->stacks, f->nstacks);
	fleet_hosts_free(f->hosts, f->nhosts);
	fleet_vms_free(f->vms, f->nvms);
	free(f->problems);	/* the problems are problems.c's */
	free(f->pending);
	services_free_all(f);
	for (i = 0; i < f->njobs; i++)
		fleet_job_free(f->jobs[i]);
	free(f->jobs);
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		free(f->sources[s].cause);
		free(f->sources[s].detail);
	}
	problems_free(f->priv->problems);
	hmap_free(&f->priv->by_key);
	hmap_free(&f->priv->by_id);
	for (i = 0; i < nitems(f->priv->scratch); i++)
		hmap_free(&f->priv->scratch[i]);
	free(f->priv->domain);
	for (i = 0; i < f->priv->npattern; i++)
		free(f->priv->pattern[i]);
	free(f->priv->pattern);
	free(f->priv);
	free(f->cluster);
	free(f);
}

struct problems *
fleet_problems(struct fleet *f)
{
	return (f->priv->problems);
}

const struct fleet_node *
fleet_node_by_id(const struct fleet *f, uint32_t id)
{
	const struct fleet_node	*n;

	n = hmap_iget(&f->priv->by_id, id);
	return (fleet_node_is(n) ? n : NULL);
}

const struct fleet_node *
fleet_node_by_key(const struct fleet *f, const char *key)
{
	const struct fleet_node	*n;

	if (key == NULL)
		return (NULL);
	n = hmap_get(&f->priv->by_key, key);
	return (fleet_node_is(n) ? n : NULL);
}

bool
fleet_node_fresh(const struct fleet *f, const struct fleet_node *n,
    enum fleet_src src)
{
	if ((unsigned)src >= FLEET_SRC_COUNT ||
	    (n->seen & FLEET_SRC_BIT(src)) == 0)
		return (false);
	return (n->seen_at[src] >= f->sources[src].last_ok);
}

/* --- totals and the end of every change ------------------------------- */

static void
fleet_totals(struct fleet *f)
{
	struct fleet_totals	*t = &f->totals;
	struct fleet_node	*n;
	struct fleet_meeting	*m;
	size_t			 i;
	bool			 prom;

	t->nodes = f->nnodes;
	t->up = t->cordoned = t->disabled = t->offline = 0;
	t->meetings = t->participants = t->video = t->voice = 0;
	t->load_known = false;
	prom = f->sources[FLEET_SRC_PROMETHEUS].last_ok != 0;
	for (i = 0; i < f->nnodes; i++) {
		n = f->nodes[i];
		if (n->lb == FLEET_LB_ENABLED && n->online == 1)
			t->up++;
		if (n->lb == FLEET_LB_CORDONED)
			t->cordoned++;
		if (n->lb == FLEET_LB_DISABLED)
			t->disabled++;
		if (n->online == 0)
			t->offline++;
		if (!prom)
			continue;
		if (n->meetings >= 0 || n->participants >= 0)
			t->load_known = true;
		if (n->meetings > 0)
			t->meetings += n->meetings;
		if (n->participants > 0)
			t->participants += n->participants;
		if (n->video > 0)
			t->video += n->video;
		if (n->voice > 0)
			t->voice += n->voice;
	}
	if (prom && t->load_known)
		return;
	/* Without Prometheus, count from getMeetings. */
	t->load_known = f->sources[FLEET_SRC_SCALELITE].last_ok != 0;
	for (i = 0; i < f->nmeetings; i++) {
		m = f->meetings[i];
		t->meetings++;
		t->participants += m->participants > 0 ? m->participants : 0;
		t->video += m->video > 0 ? m->video : 0;
		t->voice += m->voice > 0 ? m->voice : 0;
	}
}

/* Order, totals and problems from the nodes, without a version bump. */
static void
fleet_reeval(struct fleet *f, int64_t now)
{
	if (now > f->now_ms)
		f->now_ms = now;
	fleet_nodes_resort(f);
	fleet_totals(f);
	problems_eval(f->priv->problems, f, f->now_ms);
}

void
fleet_changed(struct fleet *f, int64_t now)
{
	fleet_reeval(f, now);
	f->version++;
}

void
fleet_note_change(struct fleet *f, int64_t now)
{
	fleet_changed(f, now);
}

static uint64_t
fleet_hash_add(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return (h);
}

/* A digest of what the problem list shows, to see whether a tick moved it. */
static uint64_t
fleet_problems_digest(const struct fleet *f)
{
	const struct fleet_problem	*p;
	uint64_t			 h = 14695981039346656037ULL;
	size_t				 i;

	h = fleet_hash_add(h, &f->nproblems, sizeof f->nproblems);
	for (i = 0; i < f->nproblems; i++) {
		p = f->problems[i];
		h = fleet_hash_add(h, &p->id, sizeof p->id);
		h = fleet_hash_add(h, &p->severity, sizeof p->severity);
		h = fleet_hash_add(h, &p->sources, sizeof p->sources);
		h = fleet_hash_add(h, &p->since, sizeof p->since);
		if (p->rule != NULL)
			h = fleet_hash_add(h, p->rule, strlen(p->rule) + 1);
		if (p->node_key != NULL)
			h = fleet_hash_add(h, p->node_key,
			    strlen(p->node_key) + 1);
		h = fleet_hash_add(h, "|", 1);
		if (p->text != NULL)
			h = fleet_hash_add(h, p->text, strlen(p->text) + 1);
		h = fleet_hash_add(h, "|", 1);
	}
	return (h);
}

/* --- what the screen shows, to tell whether an apply changed it ------- */

static inline uint64_t
fleet_dg(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return (h ^ (h >> 29));
}

/* Strings here are short: a byte loop beats a call and a strlen(). */
static inline uint64_t
fleet_dg_str(uint64_t h, const char *s)
{
	uint64_t	 x = 0xcbf29ce484222325ULL;

	if (s == NULL)
		return (fleet_dg(h, 0x5bd1e9955bd1e995ULL));
	while (*s != '\0')
		x = (x ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (fleet_dg(h, x));
}

static inline uint64_t
fleet_dg_double(uint64_t h, double d)
{
	uint64_t	 v;

	if (isnan(d))
		d = NAN;	/* one pattern for every NaN */
	memcpy(&v, &d, sizeof v);
	return (fleet_dg(h, v));
}

static uint64_t
fleet_dg_node(uint64_t h, const struct fleet_node *n, enum fleet_src src)
{
	const struct fleet_check	*c;
	size_t				 i;

	h = fleet_dg(h, n->id);	/* its key goes with it */
	switch (src) {
	case FLEET_SRC_CONSUL:
		h = fleet_dg_str(h, n->consul_node);
		h = fleet_dg_str(h, n->address);
		h = fleet_dg(h, n->health);
		h = fleet_dg(h, n->nchecks);
		for (i = 0; i < n->nchecks; i++) {
			c = &n->checks[i];
			h = fleet_dg_str(h, c->check_id);
			h = fleet_dg_str(h, c->name);
			h = fleet_dg(h, c->status);
			h = fleet_dg_str(h, c->output);
		}
		break;
	case FLEET_SRC_SCALELITE:
		h = fleet_dg_str(h, n->sl_id);
		h = fleet_dg_str(h, n->sl_url);
		h = fleet_dg(h, n->lb);
		h = fleet_dg(h, (uint64_t)(int64_t)n->online);
		h = fleet_dg_double(h, n->load);
		h = fleet_dg_double(h, n->load_multiplier);
		h = fleet_dg_str(h, n->tag);
		h = fleet_dg_str(h, n->bbb_version);
		break;
	case FLEET_SRC_RANCHER:
		h = fleet_dg_str(h, n->stack);
		h = fleet_dg_str(h, n->stack_state);
		h = fleet_dg_str(h, n->host_id);
		h = fleet_dg_str(h, n->host_state);
		h = fleet_dg_str(h, n->agent_state);
		break;
	case FLEET_SRC_OPENSTACK:
		h = fleet_dg_str(h, n->vm_id);
		h = fleet_dg_str(h, n->vm_status);
		h = fleet_dg_str(h, n->flavor);
		h = fleet_dg(h, (uint64_t)n->vm_created);
		break;
	default:
		break;
	}
	return (h);
}

static uint64_t	fleet_problems_digest(const struct fleet *);

/*
 * A digest of src's data as the screen shows it: the records src names
 * (their keys, ids, what names them and src's fields) and src's entity
 * lists.  Kept per source after every apply (priv->digest) to tell
 * whether the next apply changed them.
 */
static uint64_t
fleet_digest(const struct fleet *f, enum fleet_src src)
{
	const struct fleet_priv		*p = f->priv;
	const struct fleet_stack	*st;
	const struct fleet_service	*sv;
	const struct fleet_host		*ho;
	const struct fleet_vm		*vm;
	uint64_t			 h = 0x243f6a8885a308d3ULL;
	size_t				 i, j;

	for (i = 0; i < p->nall; i++) {
		if (p->all[i] != NULL &&
		    (p->all[i]->seen & FLEET_SRC_BIT(src)) != 0)
			h = fleet_dg_node(h, p->all[i], src);
	}
	h = fleet_dg(h, f->scalelite_legacy);
	if (src == FLEET_SRC_RANCHER) {
		h = fleet_dg(h, f->nstacks);
		for (i = 0; i < f->nstacks; i++) {
			st = f->stacks[i];
			h = fleet_dg(h, st->id);
			h = fleet_dg_str(h, st->rancher_id);
			h = fleet_dg_str(h, st->name);
			h = fleet_dg_str(h, st->state);
			h = fleet_dg_str(h, st->health);
			h = fleet_dg(h, st->nservices);
			for (j = 0; j < st->nservices; j++) {
				sv = &st->services[j];
				h = fleet_dg_str(h, sv->id);
				h = fleet_dg_str(h, sv->name);
				h = fleet_dg_str(h, sv->state);
				h = fleet_dg_str(h, sv->health);
				h = fleet_dg(h, (uint64_t)(int64_t)sv->scale);
				h = fleet_dg_str(h, sv->image);
			}
		}
		h = fleet_dg(h, f->nhosts);
		for (i = 0; i < f->nhosts; i++) {
			ho = f->hosts[i];
			h = fleet_dg(h, ho->id);
			h = fleet_dg_str(h, ho->rancher_id);
			h = fleet_dg_str(h, ho->hostname);
			h = fleet_dg_str(h, ho->node_key);
			h = fleet_dg_str(h, ho->state);
			h = fleet_dg_str(h, ho->agent_state);
		}
	}
	if (src == FLEET_SRC_OPENSTACK) {
		h = fleet_dg(h, f->nvms);
		for (i = 0; i < f->nvms; i++) {
			vm = f->vms[i];
			h = fleet_dg(h, vm->id);
			h = fleet_dg_str(h, vm->vm_id);
			h = fleet_dg_str(h, vm->name);
			h = fleet_dg_str(h, vm->node_key);
			h = fleet_dg_str(h, vm->status);
			h = fleet_dg_str(h, vm->flavor);
			h = fleet_dg_str(h, vm->addresses);
			h = fleet_dg(h, (uint64_t)vm->created);
		}
	}
	return (h);
}

/*
 * The rest of what the screen shows, cheap: the node list, the sources'
 * states, the totals and the problems.
 */
uint64_t
fleet_digest_view(const struct fleet *f)
{
	const struct fleet_source	*so;
	const struct fleet_totals	*t = &f->totals;
	uint64_t			 h = 0x13198a2e03707345ULL;
	size_t				 i;
	int				 k;

	h = fleet_dg(h, f->priv->nall);
	h = fleet_dg(h, f->nnodes);
	for (i = 0; i < f->nnodes; i++)
		h = fleet_dg(h, f->nodes[i]->id);
	for (k = 0; k < FLEET_SRC_COUNT; k++) {
		so = &f->sources[k];
		h = fleet_dg(h, so->state);
		h = fleet_dg_str(h, so->cause);
		h = fleet_dg_str(h, so->detail);
	}
	h = fleet_dg(h, (uint64_t)t->nodes << 32 ^ (uint64_t)t->up);
	h = fleet_dg(h, (uint64_t)t->cordoned << 32 ^ (uint64_t)t->disabled);
	h = fleet_dg(h, (uint64_t)t->offline << 32 ^ (uint64_t)t->meetings);
	h = fleet_dg(h, (uint64_t)t->participants << 32 ^ (uint64_t)t->video);
	h = fleet_dg(h, (uint64_t)t->voice);
	return (fleet_dg(h, fleet_problems_digest(f)));
}

/*
 * The end of an apply of src: order, totals and problems; the version
 * moves only when what the screen shows moved: src's data since its
 * last apply, or the rest (before: fleet_digest_view() at the start of
 * the apply).
 */
void
fleet_changed_from(struct fleet *f, int64_t now, enum fleet_src src,
    uint64_t before)
{
	struct fleet_priv	*p = f->priv;
	uint64_t		 d;

	fleet_reeval(f, now);
	d = fleet_digest(f, src);
	if (!p->digest_set[src] || d != p->digest[src] ||
	    fleet_digest_view(f) != before)
		f->version++;
	p->digest[src] = d;
	p->digest_set[src] = true;
}

void
fleet_source_ok(struct fleet *f, enum fleet_src src,
    const struct fleet_fetch *fetch, int64_t now)
{
	struct fleet_source	*s = &f->sources[src];

	s->state = FLEET_SRC_OK;
	free(s->cause);
	s->cause = NULL;
	s->failing_since = 0;
	s->next_try = 0;
	s->last_ok = s->last_try = now;
	s->latency_ms = fetch->latency_ms;
	s->bytes = fetch->bytes;
}

void
fleet_source_enable(struct fleet *f, enum fleet_src src, bool on)
{
	struct fleet_source	*s;

	if ((unsigned)src >= FLEET_SRC_COUNT)
		return;
	s = &f->sources[src];
	if (on && s->state == FLEET_SRC_OFF)
		s->state = FLEET_SRC_PENDING;
	else if (!on)
		s->state = FLEET_SRC_OFF;
	f->version++;
}

void
fleet_source_failed(struct fleet *f, enum fleet_src src, const char *cause,
    int64_t now)
{
	struct fleet_source	*s;

	if ((unsigned)src >= FLEET_SRC_COUNT)
		return;
	s = &f->sources[src];
	free(s->cause);
	s->cause = xstrdup(cause != NULL ? cause : "unknown error");
	s->last_try = now;
	if (s->failing_since == 0)
		s->failing_since = now;
	if (s->last_ok != 0 && now - s->last_ok < f->stale_limit_ms)
		s->state = FLEET_SRC_STALE;
	else
		s->state = FLEET_SRC_FAILED;
	fleet_changed(f, now);
}

void
fleet_touch_source(struct fleet *f, enum fleet_src src,
    const struct fleet_fetch *fetch, int64_t now)
{
	struct fleet_priv	*p = f->priv;
	struct fleet_source	*s;
	bool			 moved;
	size_t			 i;

	if ((unsigned)src >= FLEET_SRC_COUNT)
		return;
	s = &f->sources[src];
	/* (late: the header's mark turns back at once) */
	moved = s->state != FLEET_SRC_OK || s->cause != NULL ||
	    fleet_source_late(f, src, now);
	for (i = 0; i < p->nall; i++) {
		if (p->all[i] != NULL &&
		    (p->all[i]->seen & FLEET_SRC_BIT(src)) != 0)
			p->all[i]->seen_at[src] = now;
	}
	fleet_source_ok(f, src, fetch, now);
	if (now > f->now_ms)
		f->now_ms = now;
	if (moved)
		fleet_changed(f, now);
}

void
fleet_source_set_period(struct fleet *f, enum fleet_src src,
    int64_t period_ms)
{
	if ((unsigned)src >= FLEET_SRC_COUNT || period_ms < 0 ||
	    f->sources[src].period_ms == period_ms)
		return;
	f->sources[src].period_ms = period_ms;
	f->version++;
}

bool
fleet_source_late(const struct fleet *f, enum fleet_src src, int64_t now)
{
	const struct fleet_source	*s;

	if ((unsigned)src >= FLEET_SRC_COUNT)
		return (false);
	s = &f->sources[src];
	return (s->state == FLEET_SRC_OK && s->last_ok > 0 &&
	    s->period_ms > 0 &&
	    now - s->last_ok > s->period_ms + FLEET_LATE_SLACK_MS);
}

void
fleet_source_set_retry(struct fleet *f, enum fleet_src src, int64_t at)
{
	if ((unsigned)src >= FLEET_SRC_COUNT ||
	    f->sources[src].next_try == at)
		return;
	f->sources[src].next_try = at;
	f->version++;
}

bool
fleet_source_trouble(const struct fleet *f, enum fleet_src src,
    int64_t now, int64_t *since, const char **cause)
{
	const struct fleet_source	*s;

	*since = 0;
	*cause = NULL;
	if ((unsigned)src >= FLEET_SRC_COUNT)
		return (false);
	s = &f->sources[src];
	switch (s->state) {
	case FLEET_SRC_STALE:
	case FLEET_SRC_FAILED:
		*since = s->failing_since;
		*cause = s->cause;
		return (true);
	case FLEET_SRC_OK:
		if (!fleet_source_late(f, src, now))
			return (false);
		*since = s->last_ok + s->period_ms;
		*cause = "no answer since then (it may hang)";
		return (true);
	default:
		return (false);
	}
}

char *
fleet_node_meetings_text(const struct fleet *f, const struct fleet_node *n,
    int64_t now)
{
	const struct fleet_source	*s;
	enum fleet_src			 src;
	int64_t				 at;
	char				 age[16];

	if (f->sources[FLEET_SRC_PROMETHEUS].last_ok != 0 &&
	    (n->seen & FLEET_SRC_BIT(FLEET_SRC_PROMETHEUS)) != 0) {
		src = FLEET_SRC_PROMETHEUS;
		at = f->sources[src].last_ok;
	} else {
		src = FLEET_SRC_SCALELITE;
		at = f->meetings_at;
	}
	s = &f->sources[src];
	if (at == 0 || n->meetings < 0)
		return (xasprintf("meetings unknown (%s has no figures for "
		    "%s)", fleet_src_name(src), n->key));
	util_fmt_age(now - at, age, sizeof age);
	return (xasprintf("%d meeting%s, %d participant%s (%s, %s ago%s)",
	    n->meetings, n->meetings == 1 ? "" : "s",
	    n->participants < 0 ? 0 : n->participants,
	    n->participants == 1 ? "" : "s", fleet_src_name(src), age,
	    s->state == FLEET_SRC_OK ? "" : ", source failing"));
}

void
fleet_source_set_detail(struct fleet *f, enum fleet_src src,
    const char *detail)
{
	struct fleet_source	*s;

	if ((unsigned)src >= FLEET_SRC_COUNT)
		return;
	s = &f->sources[src];
	if (detail == NULL && s->detail == NULL)
		return;
	if (detail != NULL && s->detail != NULL &&
	    strcmp(detail, s->detail) == 0)
		return;
	free(s->detail);
	s->detail = detail != NULL ? xstrdup(detail) : NULL;
	f->version++;
}

void
fleet_tick(struct fleet *f, int64_t now)
{
	struct fleet_source	*s;
	uint64_t		 before = fleet_problems_digest(f);
	bool			 changed = false;
	int			 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		s = &f->sources[i];
		if (s->state == FLEET_SRC_STALE &&
		    now - s->last_ok >= f->stale_limit_ms) {
			s->state = FLEET_SRC_FAILED;
			changed = true;
		}
	}
	/*
	 * Only time passed: bump the version (the UI rebuilds its rows and
	 * redraws the whole frame on a bump) only when a source's state or
	 * the problems moved.
	 */
	fleet_reeval(f, now);
	if (changed || fleet_problems_digest(f) != before)
		f->version++;
}

/* --- certificates ----------------------------------------------------- */

void
fleet_apply_cert(struct fleet *f, const char *name, int64_t not_after,
    int64_t now)
{
	struct fleet_node	*n;

	if ((n = fleet_node_find(f, name)) == NULL ||
	    n->cert_expiry == not_after)
		return;
	n->cert_expiry = not_after;
	fleet_changed(f, now);
}

void
fleet_apply_backups(struct fleet *f, int64_t newest, int64_t now)
{
	if (f->backup_known && f->backup_newest_ms == newest)
		return;
	f->backup_known = true;
	f->backup_newest_ms = newest;
	fleet_changed(f, now);
}

/* --- jobs (jobs.c) ------------------------------------------------------ */

void
fleet_job_update_free(struct fleet_job_update *u)
{
	if (u == NULL)
		return;
	free(u->verb);
	free(u->target);
	free(u->step);
	free(u->result);
	free(u->part);
	free(u->part_step);
	free(u);
}

static void
fleet_job_free(struct fleet_job *j)
{
	size_t	 i;

	for (i = 0; i < j->nparts; i++) {
		free(j->parts[i].name);
		free(j->parts[i].step);
	}
	free(j->parts);
	free(j->verb);
	free(j->target);
	free(j->step);
	free(j->result);
	free(j);
}

static void
fleet_job_part_apply(struct fleet_job *j, struct fleet_job_update *u)
{
	struct fleet_job_part	*p = NULL;
	size_t			 i;

	for (i = 0; i < j->nparts; i++) {
		if (strcmp(j->parts[i].name, u->part) == 0) {
			p = &j->parts[i];
			break;
		}
	}
	if (p == NULL) {
		if (j->nparts >= FLEET_JOB_PARTS_MAX)
			return;
		j->parts = xreallocarray(j->parts, j->nparts + 1,
		    sizeof *j->parts);
		p = &j->parts[j->nparts++];
		p->name = u->part;
		u->part = NULL;
		p->step = NULL;
	}
	if (u->part_step != NULL) {
		free(p->step);
		p->step = u->part_step;
		u->part_step = NULL;
	}
	p->progress = u->part_progress < 0 ? -1 : u->part_progress > 100 ?
	    100 : u->part_progress;
}

static bool
fleet_job_finished(const struct fleet_job *j)
{
	return (j->state == FLEET_JOB_DONE || j->state == FLEET_JOB_FAILED ||
	    j->state == FLEET_JOB_CANCELLED);
}

int
fleet_apply_job(struct fleet *f, struct fleet_job_update *u, int64_t now)
{
	struct fleet_job	*j = NULL;
	size_t			 i;

	if (u == NULL)
		return (-1);
	for (i = 0; i < f->njobs; i++) {
		if (f->jobs[i]->id == u->id) {
			j = f->jobs[i];
			break;
		}
	}
	if (j == NULL) {
		/* Keep the list bounded: drop the oldest finished job. */
		if (f->njobs >= FLEET_JOBS_MAX) {
			for (i = f->njobs; i > 0; i--) {
				if (fleet_job_finished(f->jobs[i - 1]))
					break;
			}
			if (i > 0) {
				fleet_job_free(f->jobs[i - 1]);
				memmove(&f->jobs[i - 1], &f->jobs[i],
				    (f->njobs - i) * sizeof *f->jobs);
				f->njobs--;
			}
		}
		j = xcalloc(1, sizeof *j);
		j->id = u->id;
		j->progress = -1;
		f->jobs = xreallocarray(f->jobs, f->njobs + 1,
		    sizeof *f->jobs);
		memmove(&f->jobs[1], &f->jobs[0], f->njobs * sizeof *f->jobs);
		f->jobs[0] = j;
		f->njobs++;
	}
	if (u->verb != NULL) {
		free(j->verb);
		j->verb = u->verb;
		u->verb = NULL;
	}
	if (u->target != NULL) {
		free(j->target);
		j->target = u->target;
		u->target = NULL;
	}
	if (u->step != NULL) {
		free(j->step);
		j->step = u->step;
		u->step = NULL;
	}
	if (u->result != NULL) {
		free(j->result);
		j->result = u->result;
		u->result = NULL;
	}
	if (u->part != NULL)
		fleet_job_part_apply(j, u);
	j->state = u->state;
	j->progress = u->progress;
	j->cancellable = u->cancellable;
	if (u->started != 0)
		j->started = u->started;
	if (u->ended != 0)
		j->ended = u->ended;
	fleet_job_update_free(u);
	if (now > f->now_ms)
		f->now_ms = now;
	f->version++;
	return (0);
}

const struct fleet_job *
fleet_job_by_id(const struct fleet *f, uint32_t id)
{
	size_t	 i;

	for (i = 0; i < f->njobs; i++) {
		if (f->jobs[i]->id == id)
			return (f->jobs[i]);
	}
	return (NULL);
}

void
fleet_apply_quota(struct fleet *f, const struct fleet_quota *q, int64_t now)
{
	free(f->quota.flavor);
	f->quota = *q;
	f->quota.flavor = q->flavor != NULL ? xstrdup(q->flavor) : NULL;
	if (now > f->now_ms)
		f->now_ms = now;
	f->version++;
}

static void
fleet_quota_min(int64_t *room, int64_t max, int64_t used, int64_t each)
{
	int64_t	 r;

	if (max < 0 || each <= 0)
		return;
	r = max > used ? (max - (used > 0 ? used : 0)) / each : 0;
	if (*room < 0 || r < *room)
		*room = r;
}

int64_t
fleet_quota_room(const struct fleet_quota *q)
{
	int64_t	 room = -1;

	if (q->at == 0)
		return (-1);
	fleet_quota_min(&room, q->max_instances, q->instances_used, 1);
	if (q->flavor != NULL) {
		fleet_quota_min(&room, q->max_cores, q->cores_used,
		    q->flavor_vcpus);
		fleet_quota_min(&room, q->max_ram_mb, q->ram_used_mb,
		    q->flavor_ram_mb);
	}
	return (room);
}
