/*
 * sim-rancher.c: Rancher 1.6 (cattle), API v2-beta, one environment
 * (project 1a5) laid out as the seed deployment has it: a stack `bbb-NN`
 * per BBB node (services bbb, bbb-exporter, lb) on that node's host, and
 * the infrastructure stacks (bbb-greenlight, bbb-scalelite, consul,
 * coturn, metrics, postgres, ssh-keys) on one more host, `infra-01`.
 * metrics/nodeexporter is a global service: one container on every host.
 *
 * Hosts are the nodes' (node->host_id, ->host_state, ->agent_state are
 * the truth the faults layer may change); stacks, services, containers
 * and registration tokens are private (world->rancher), built on first
 * use.  Health follows the world: a node that is down makes its bbb
 * container unhealthy, a dead exporter its bbb-exporter container, and
 * node->rancher_degraded its lb container, so that its stack is degraded.
 *
 * Processes take simulated time (sim_rancher_tick completes them): a
 * service upgrade goes upgrading -> upgraded (finishupgrade -> active),
 * restart restarting -> active, and so on (apis.md §1.7).  While a node's
 * bbb service is upgrading or restarting the node is down (its meetings
 * end), as a redeploy of BBB does.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

#define RC_JSON		"application/json; charset=utf-8"
#define RC_PROJECT	"1a5"
#define RC_DEF_LIMIT	100
#define RC_MAX_LIMIT	3000
#define RC_REMOVED_MS	(120 * 1000)	/* removed rows stay listed */

/* How long processes take (simulated ms). */
#define RC_T_UPGRADE	12000
#define RC_T_RESTART	6000
#define RC_T_SHORT	2000

enum rc_type { RC_STACK, RC_SERVICE, RC_HOST, RC_CONTAINER, RC_TOKEN };

struct rc_stack {
	char		 id[16];
	char		 name[64];
	int		 node;		/* -1: infrastructure */
	char		 state[24];
	char		 next[24];	/* state when the process ends */
	int64_t		 until_ms;
	int64_t		 created_ms;
	int64_t		 removed_ms;
	bool		 posted;	/* created by POST /stacks */
	int		*svcs;		/* its services */
	size_t		 nsvcs;
};

struct rc_service {
	char		 id[16];
	char		 name[64];
	int		 stack;
	int		 node;		/* node of its stack, -1 infra */
	bool		 global;
	bool		 lb;		/* loadBalancerService */
	bool		 start_once;
	char		 image[128];
	char		 prev_image[128];
	char		 version[40];
	char		 prev_version[40];
	char		 state[24];
	char		 next[24];
	int64_t		 until_ms;
	int		 scale;
	json_t		*upgrade;	/* last serviceUpgrade input */
	int64_t		 created_ms;
	int		 create_index;
	bool		 took_node_down;
	int		*conts;		/* its containers */
	size_t		 nconts;
};

struct rc_container {
	char		 id[16];
	char		 name[160];
	int		 service;
	int		 host;		/* node index, -1 infra host */
	int		 index;		/* -N suffix */
	char		 state[24];
	char		 next[24];
	int64_t		 until_ms;
	int64_t		 created_ms;
	int		 start_count;
	char		 ip[16];
	char		 external_id[72];
	bool		 gone;		/* purged: no longer listed */
	int64_t		 removed_ms;
};

struct rc_token {
	char		 id[16];
	char		 token[96];
	char		 name[64];
	char		 state[24];
	char		 next[24];	/* after until_ms; "": none */
	int64_t		 until_ms;
	int64_t		 created_ms;
	int64_t		 removed_ms;
};

struct rc_hostp {		/* a host's running process, containers */
	char		 next[24];
	int64_t		 until_ms;
	int64_t		 removed_ms;
	int		*conts;
	size_t		 nconts;
};

struct rc_state {
	struct rc_hostp	*hostp;		/* per node */
	bool		*synced;	/* per node: its stack exists */
	struct rc_hostp	 infra_hostp;
	struct rc_stack	*stacks;
	size_t		 nstacks;
	struct rc_service *services;
	size_t		 nservices;
	struct rc_container *containers;
	size_t		 ncontainers;
	struct rc_token	*tokens;
	size_t		 ntokens;
	size_t		 nnodes;	/* nodes given a stack so far */
	int		 next_id;	/* shared counter for new ids */
	char		 infra_host_id[16];
	char		 infra_host_state[24];
	int64_t		 created_ms;
};

/* Request context. */
struct rc_req {
	struct sim_world	*w;
	struct rc_state		*st;
	const struct sim_req	*q;
	struct sim_resp		*r;
	char			*base;	/* http://host:port/v2-beta */
	char			*proj;	/* base/projects/1a5 */
};

/* --- building the world ------------------------------------------------- */

static void
rc_id(struct rc_state *st, const char *prefix, char *out, size_t outsz)
{
	snprintf(out, outsz, "1%s%d", prefix, st->next_id++);
}

static void
rc_uuid(struct sim_world *w, char *out, size_t outsz)
{
	unsigned char	 u[16];
	size_t		 i;

	for (i = 0; i < sizeof u; i++)
		u[i] = (unsigned char)(sim_rand(w) * 256.0);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, outsz, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void
rc_push(int **a, size_t *n, int v)
{
	*a = xreallocarray(*a, *n + 1, sizeof **a);
	(*a)[(*n)++] = v;
}

static int
rc_add_stack(struct rc_state *st, const char *name, int node, int64_t created)
{
	struct rc_stack	*s;

	st->stacks = xreallocarray(st->stacks, st->nstacks + 1,
	    sizeof *st->stacks);
	s = &st->stacks[st->nstacks];
	memset(s, 0, sizeof *s);
	rc_id(st, "st", s->id, sizeof s->id);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->node = node;
	snprintf(s->state, sizeof s->state, "active");
	s->created_ms = created;
	return ((int)st->nstacks++);
}

static void rc_add_container(struct sim_world *, struct rc_state *, int, int);

static int
rc_add_service(struct sim_world *w, struct rc_state *st, int stack,
    const char *name, const char *image, int flags)
{
	struct rc_service *s;
	int		 i, node = st->stacks[stack].node;

	st->services = xreallocarray(st->services, st->nservices + 1,
	    sizeof *st->services);
	s = &st->services[st->nservices];
	memset(s, 0, sizeof *s);
	rc_id(st, "s", s->id, sizeof s->id);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->stack = stack;
	s->node = node;
	s->global = (flags & 1) != 0;
	s->lb = (flags & 2) != 0;
	s->start_once = (flags & 4) != 0;
	snprintf(s->image, sizeof s->image, "docker:%s", image);
	rc_uuid(w, s->version, sizeof s->version);
	snprintf(s->state, sizeof s->state, "active");
	s->scale = 1;
	s->created_ms = st->stacks[stack].created_ms;
	s->create_index = 1;
	st->nservices++;
	rc_push(&st->stacks[stack].svcs, &st->stacks[stack].nsvcs,
	    (int)st->nservices - 1);

	if (s->global) {
		for (i = 0; i < (int)w->nnodes; i++) {
			if (st->synced[i])
				rc_add_container(w, st,
				    (int)st->nservices - 1, i);
		}
		rc_add_container(w, st, (int)st->nservices - 1, -1);
	} else
		rc_add_container(w, st, (int)st->nservices - 1, node);
	return ((int)st->nservices - 1);
}

static void
rc_add_container(struct sim_world *w, struct rc_state *st, int svc, int host)
{
	struct rc_service *s = &st->services[svc];
	struct rc_container *c;
	size_t		 i;
	int		 n = 0;

	/* The service's containers are numbered in order: the last is max. */
	if (s->nconts > 0)
		n = st->containers[s->conts[s->nconts - 1]].index;
	st->containers = xreallocarray(st->containers, st->ncontainers + 1,
	    sizeof *st->containers);
	c = &st->containers[st->ncontainers++];
	memset(c, 0, sizeof *c);
	rc_push(&s->conts, &s->nconts, (int)st->ncontainers - 1);
	if (host < 0)
		rc_push(&st->infra_hostp.conts, &st->infra_hostp.nconts,
		    (int)st->ncontainers - 1);
	else
		rc_push(&st->hostp[host].conts, &st->hostp[host].nconts,
		    (int)st->ncontainers - 1);
	rc_id(st, "i", c->id, sizeof c->id);
	c->service = svc;
	c->host = host;
	c->index = n + 1;
	snprintf(c->name, sizeof c->name, "%s-%s-%d",
	    st->stacks[s->stack].name, s->name, c->index);
	snprintf(c->state, sizeof c->state, "%s",
	    s->start_once ? "stopped" : "running");
	c->created_ms = s->created_ms;
	c->start_count = 1;
	snprintf(c->ip, sizeof c->ip, "10.42.%d.%d",
	    (st->next_id / 250) % 250, st->next_id % 250 + 2);
	for (i = 0; i < 64; i++)
		c->external_id[i] = "0123456789abcdef"[(int)(sim_rand(w) * 16)];
	c->external_id[64] = '\0';
}

static void
rc_add_node(struct sim_world *w, struct rc_state *st, size_t i)
{
	struct sim_node	*n = &w->nodes[i];
	size_t		 k, nsvc = st->nservices;
	int		 stack;

	if (n->host_state[0] == '\0')
		snprintf(n->host_state, sizeof n->host_state, "active");
	/* A host registered later runs the global services too. */
	for (k = 0; k < nsvc; k++) {
		if (st->services[k].global)
			rc_add_container(w, st, (int)k, (int)i);
	}
	if (n->scaled)
		return;		/* its stack comes with POST /stacks */
	stack = rc_add_stack(st, n->name, (int)i, st->created_ms);
	rc_add_service(w, st, stack, "bbb",
	    "bigbluebutton/bigbluebutton:v2.7.12", 0);
	rc_add_service(w, st, stack, "bbb-exporter",
	    "greenstatic/bigbluebutton-exporter:v0.2.0", 0);
	rc_add_service(w, st, stack, "lb", "rancher/lb-service-haproxy:v0.9.6",
	    2);
}

/* Nodes whose host has registered (host_id set) get their stack. */
static void
rc_sync(struct sim_world *w, struct rc_state *st)
{
	size_t	 i;

	if (st->nnodes < w->nnodes) {
		st->hostp = xreallocarray(st->hostp, w->nnodes,
		    sizeof *st->hostp);
		memset(st->hostp + st->nnodes, 0,
		    (w->nnodes - st->nnodes) * sizeof *st->hostp);
		st->synced = xreallocarray(st->synced, w->nnodes,
		    sizeof *st->synced);
		memset(st->synced + st->nnodes, 0,
		    (w->nnodes - st->nnodes) * sizeof *st->synced);
		st->nnodes = w->nnodes;
	}
	for (i = 0; i < w->nnodes; i++) {
		if (st->synced[i] || w->nodes[i].host_id[0] == '\0')
			continue;
		st->synced[i] = true;
		rc_add_node(w, st, i);
	}
}

static struct rc_state *
rc_state(struct sim_world *w)
{
	static const struct {
		const char	*stack;
		const char	*service;
		const char	*image;
		int		 flags;	/* 1 global, 2 lb, 4 start once */
	} infra[] = {
		{ "bbb-greenlight", "greenlight",
		    "bigbluebutton/greenlight:release-2.5", 0 },
		{ "bbb-scalelite", "scalelite-api",
		    "blindsidenetwks/scalelite:v1-api", 0 },
		{ "bbb-scalelite", "scalelite-poller",
		    "blindsidenetwks/scalelite:v1-poller", 0 },
		{ "bbb-scalelite", "scalelite-redis", "redis:5.0.8-alpine3.11",
		    0 },
		{ "bbb-scalelite", "scalelite-registrator",
		    "blindsidenetwks/scalelite:v1-poller", 0 },
		{ "consul", "consul", "consul:1.7", 0 },
		{ "consul", "lb", "rancher/lb-service-haproxy:v0.9.6", 2 },
		{ "coturn", "coturn", "coturn/coturn:4.5.1", 0 },
		{ "metrics", "prometheus", "prom/prometheus:v2.16.0", 0 },
		{ "metrics", "nodeexporter", "prom/node-exporter:v0.18.1", 1 },
		{ "metrics", "processexporter",
		    "ncabatoff/process-exporter:0.6.0", 1 },
		{ "metrics", "grafana", "grafana/grafana:6.7.1", 0 },
		{ "postgres", "postgres", "postgres:12-alpine", 0 },
		{ "ssh-keys", "update-ssh-keys", "alpine:3.11", 5 },
	};
	struct rc_state	*st = w->rancher;
	struct rc_token	*t;
	size_t		 i, k;
	int		 stack = -1, max = 0, v;

	if (st != NULL) {
		rc_sync(w, st);
		return (st);
	}
	st = xcalloc(1, sizeof *st);
	w->rancher = st;
	st->next_id = 1;
	st->created_ms = w->now_ms - 86400000LL * 30;

	/*
	 * The infrastructure host's id: far after the nodes' hosts, so that
	 * hosts registered later (1h<n+1> ...) do not meet it.
	 */
	for (i = 0; i < w->nnodes; i++) {
		if (sscanf(w->nodes[i].host_id, "1h%d", &v) == 1 && v > max)
			max = v;
	}
	snprintf(st->infra_host_id, sizeof st->infra_host_id, "1h%d",
	    max + 1000);
	snprintf(st->infra_host_state, sizeof st->infra_host_state, "active");
	st->next_id = 5;
	rc_sync(w, st);
	/* empty: the environment has its infra host and no stack yet */
	for (k = 0; k < nitems(infra) && strcmp(w->profile, "empty") != 0;
	    k++) {
		if (stack < 0 ||
		    strcmp(st->stacks[stack].name, infra[k].stack) != 0)
			stack = rc_add_stack(st, infra[k].stack, -1,
			    st->created_ms);
		rc_add_service(w, st, stack, infra[k].service, infra[k].image,
		    infra[k].flags);
	}

	st->tokens = xcalloc(1, sizeof *st->tokens);
	t = &st->tokens[st->ntokens++];
	rc_id(st, "c", t->id, sizeof t->id);
	snprintf(t->state, sizeof t->state, "active");
	t->created_ms = st->created_ms;
	snprintf(t->token, sizeof t->token,
	    "9F1A3C5E7B2D4F6A8C0E:%lld:Zk3qP8sVx2LmT7yN4bW6hR9cJ1dF5gA",
	    (long long)(st->created_ms / 1000 * 1000));
	return (st);
}

void
sim_rancher_free(struct sim_world *w)
{
	struct rc_state	*st;
	size_t		 i;

	if (w == NULL || (st = w->rancher) == NULL)
		return;
	for (i = 0; i < st->nservices; i++) {
		json_decref(st->services[i].upgrade);
		free(st->services[i].conts);
	}
	for (i = 0; i < st->nstacks; i++)
		free(st->stacks[i].svcs);
	for (i = 0; i < st->nnodes; i++)
		free(st->hostp[i].conts);
	free(st->infra_hostp.conts);
	free(st->hostp);
	free(st->synced);
	free(st->stacks);
	free(st->services);
	free(st->containers);
	free(st->tokens);
	free(st);
	w->rancher = NULL;
}

/* --- processes ---------------------------------------------------------- */

static void
rc_start(char *state, size_t statesz, char *next, size_t nextsz,
    int64_t *until, int64_t now, const char *during, const char *after,
    int64_t ms)
{
	snprintf(state, statesz, "%s", during);
	snprintf(next, nextsz, "%s", after);
	*until = now + ms;
}

#define RC_START(o, w, during, after, ms)				\
	rc_start((o)->state, sizeof (o)->state, (o)->next, sizeof (o)->next, \
	    &(o)->until_ms, (w)->now_ms, during, after, ms)

/* The service's node goes down while BBB itself is redeployed. */
static void
rc_service_takes_node(struct sim_world *w, struct rc_service *s)
{
	if (s->node < 0 || strcmp(s->name, "bbb") != 0 ||
	    (size_t)s->node >= w->nnodes)
		return;
	if (w->nodes[s->node].up) {
		w->nodes[s->node].up = false;
		s->took_node_down = true;
		sim_world_end_meetings(w, (size_t)s->node);
	}
}

static void
rc_service_gives_node(struct sim_world *w, struct rc_service *s)
{
	if (s->took_node_down && (size_t)s->node < w->nnodes)
		w->nodes[s->node].up = true;
	s->took_node_down = false;
}

/*
 * A stack made by POST /stacks is up (BBB runs on its node, unless the
 * node's fault says it never comes up) or removed (BBB is gone).
 */
static void
rc_stack_settled(struct sim_world *w, struct rc_state *st, int i)
{
	struct rc_stack	*sk = &st->stacks[i];
	struct sim_node	*n;

	if (!sk->posted || sk->node < 0 || (size_t)sk->node >= w->nnodes)
		return;
	n = &w->nodes[sk->node];
	if (strcmp(sk->state, "active") == 0 &&
	    (n->sim_fault & SIM_NODE_UNHEALTHY) == 0 &&
	    strcmp(n->vm_status, "ACTIVE") == 0) {
		n->up = n->bbb_api_ok = n->exporter_up = true;
		sim_node_changed(w, (size_t)sk->node);
	} else if (strcmp(sk->state, "removed") == 0) {
		n->up = n->exporter_up = false;
		sim_world_end_meetings(w, (size_t)sk->node);
		sim_node_changed(w, (size_t)sk->node);
	}
}

void
sim_rancher_tick(struct sim_world *w)
{
	struct rc_state	*st;
	struct rc_service *s;
	struct rc_container *c;
	struct rc_hostp	*hp;
	char		*hs;
	size_t		 i, j;
	int		 h;
	bool		 run;

	if (w->rancher == NULL)
		return;
	st = rc_state(w);
	for (i = 0; i < st->nservices; i++) {
		s = &st->services[i];
		if (s->next[0] == '\0' || s->until_ms > w->now_ms)
			continue;
		snprintf(s->state, sizeof s->state, "%s", s->next);
		s->next[0] = '\0';
		run = strcmp(s->state, "active") == 0 ||
		    strcmp(s->state, "upgraded") == 0 ||
		    strcmp(s->state, "canceled-upgrade") == 0;
		if (run)
			rc_service_gives_node(w, s);
		for (j = 0; j < s->nconts; j++) {
			c = &st->containers[s->conts[j]];
			if (c->gone || strncmp(c->state, "remov", 5) == 0)
				continue;
			if (strcmp(s->state, "inactive") == 0)
				snprintf(c->state, sizeof c->state, "stopped");
			else if (run && !s->start_once)
				snprintf(c->state, sizeof c->state, "running");
			else if (run && strcmp(c->state, "restarting") == 0) {
				/* A start-once container runs, then exits. */
				RC_START(c, w, "running", "stopped",
				    RC_T_SHORT);
				continue;
			}
			c->next[0] = '\0';
		}
	}
	for (i = 0; i < st->nstacks; i++) {
		if (st->stacks[i].next[0] == '\0' ||
		    st->stacks[i].until_ms > w->now_ms)
			continue;
		snprintf(st->stacks[i].state, sizeof st->stacks[i].state, "%s",
		    st->stacks[i].next);
		st->stacks[i].next[0] = '\0';
		rc_stack_settled(w, st, (int)i);
	}
	for (i = 0; i < st->ncontainers; i++) {
		c = &st->containers[i];
		if (c->next[0] == '\0' || c->until_ms > w->now_ms)
			continue;
		snprintf(c->state, sizeof c->state, "%s", c->next);
		c->next[0] = '\0';
		if (strcmp(c->state, "removed") == 0)
			c->removed_ms = w->now_ms;
		/* A start-once container runs its task, then exits 0. */
		if (strcmp(c->state, "running") == 0 &&
		    st->services[c->service].start_once)
			RC_START(c, w, "running", "stopped", RC_T_SHORT);
	}
	for (i = 0; i < st->ntokens; i++) {
		struct rc_token	*t = &st->tokens[i];

		if (t->until_ms > w->now_ms)
			continue;
		if (strcmp(t->state, "registering") == 0)
			snprintf(t->state, sizeof t->state, "active");
		else if (t->next[0] != '\0') {
			snprintf(t->state, sizeof t->state, "%s", t->next);
			t->next[0] = '\0';
			if (strcmp(t->state, "removed") == 0)
				t->removed_ms = w->now_ms;
		}
	}
	for (h = -1; h < (int)w->nnodes; h++) {
		if (h >= 0 && !st->synced[h])
			continue;
		hp = h < 0 ? &st->infra_hostp : &st->hostp[h];
		hs = h < 0 ? st->infra_host_state : w->nodes[h].host_state;
		if (hp->next[0] == '\0' || hp->until_ms > w->now_ms)
			continue;
		snprintf(hs, 24, "%s", hp->next);
		hp->next[0] = '\0';
		if (strcmp(hs, "removed") == 0) {
			hp->removed_ms = w->now_ms;
			for (j = 0; j < hp->nconts; j++) {
				c = &st->containers[hp->conts[j]];
				if (c->gone)
					continue;
				snprintf(c->state, sizeof c->state, "removed");
				c->next[0] = '\0';
				c->removed_ms = w->now_ms;
			}
		}
	}
}

/* --- rendering ---------------------------------------------------------- */

static char *
rc_date(int64_t ms, char *out, size_t outsz)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (out);
}

static bool
rc_transitioning(const char *state)
{
	static const char *states[] = { "activating", "deactivating",
	    "upgrading", "finishing-upgrade", "rolling-back", "restarting",
	    "canceling-upgrade", "removing", "purging", "registering",
	    "updating-active", "updating-inactive", "starting", "stopping",
	    "creating", "requested" };
	size_t	 i;

	for (i = 0; i < nitems(states); i++) {
		if (strcmp(state, states[i]) == 0)
			return (true);
	}
	return (false);
}

static unsigned
rc_hash(const char *s)
{
	unsigned	 h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h);
}

/* The fields every resource has. */
static json_t *
rc_resource(struct rc_req *rq, const char *type, const char *base_type,
    const char *coll, const char *id, const char *name, const char *state,
    int64_t created_ms, int64_t removed_ms, const char *kind)
{
	json_t	*o, *links;
	char	 date[32], *self, uuid[40];

	if (coll != NULL)
		self = xasprintf("%s/%s/%s", rq->proj, coll, id);
	else
		self = xasprintf("%s/projects/%s", rq->base, id);
	links = json_pack("{s:s, s:s}", "self", self, "account",
	    coll != NULL ? rq->proj : self);
	snprintf(uuid, sizeof uuid, "%08x-5f1e-4c7a-9d2b-%012x",
	    (unsigned)(created_ms / 1000) ^ (unsigned)strlen(id),
	    rc_hash(id));
	o = json_pack("{s:s, s:s, s:s, s:o, s:{}, s:s, s:s, s:I, s:s, s:s, "
	    "s:s, s:o, s:n, s:s}",
	    "id", id,
	    "type", type,
	    "baseType", base_type,
	    "links", links,
	    "actions",
	    "accountId", RC_PROJECT,
	    "created", rc_date(created_ms, date, sizeof date),
	    "createdTS", (json_int_t)created_ms,
	    "kind", kind,
	    "state", state,
	    "transitioning", rc_transitioning(state) ? "yes" : "no",
	    "transitioningMessage", rc_transitioning(state) ?
	    json_string("In Progress") : json_null(),
	    "description",
	    "uuid", uuid);
	json_object_set_new(o, "transitioningProgress",
	    rc_transitioning(state) ? json_integer(50) : json_null());
	if (name != NULL)
		json_object_set_new(o, "name", json_string(name));
	else
		json_object_set_new(o, "name", json_null());
	if (removed_ms != 0) {
		json_object_set_new(o, "removed", json_string(rc_date(removed_ms,
		    date, sizeof date)));
		json_object_set_new(o, "removedTS", json_integer(removed_ms));
	} else
		json_object_set_new(o, "removed", json_null());
	json_object_set_new(o, "removeTime", json_null());
	free(self);
	return (o);
}

static void
rc_action(struct rc_req *rq, json_t *o, const char *name)
{
	json_t	*self = json_object_get(json_object_get(o, "links"), "self");
	char	*url;

	url = xasprintf("%s?action=%s", json_string_value(self), name);
	json_object_set_new(json_object_get(o, "actions"), name,
	    json_string(url));
	free(url);
	(void)rq;
}

static void
rc_link(struct rc_req *rq, json_t *o, const char *name, const char *target)
{
	json_t	*links = json_object_get(o, "links");
	char	*url;

	if (target != NULL)
		url = xasprintf("%s/%s", rq->proj, target);
	else {
		url = xasprintf("%s/%s", json_string_value(json_object_get(links,
		    "self")), name);
	}
	json_object_set_new(links, name, json_string(url));
	free(url);
}

static json_t *
rc_strings(const char *a, const char *b)
{
	json_t	*arr = json_array();

	if (a != NULL)
		json_array_append_new(arr, json_string(a));
	if (b != NULL)
		json_array_append_new(arr, json_string(b));
	return (arr);
}

/* Host helpers: index = node, or -1 for the infrastructure host. */
static const char *
rc_host_id(struct rc_req *rq, int host)
{
	return (host < 0 ? rq->st->infra_host_id : rq->w->nodes[host].host_id);
}

static char *
rc_host_state(struct rc_req *rq, int host)
{
	return (host < 0 ? rq->st->infra_host_state :
	    rq->w->nodes[host].host_state);
}

static struct rc_hostp *
rc_host_proc(struct rc_req *rq, int host)
{
	return (host < 0 ? &rq->st->infra_hostp : &rq->st->hostp[host]);
}

static bool
rc_host_gone(struct rc_req *rq, int host)
{
	struct rc_hostp	*hp = rc_host_proc(rq, host);

	return (strcmp(rc_host_state(rq, host), "removed") == 0 &&
	    hp->removed_ms + RC_REMOVED_MS < rq->w->now_ms);
}

/* --- health --------------------------------------------------------------- */

static const char *
rc_container_health(struct rc_req *rq, const struct rc_container *c)
{
	const struct rc_service	*s = &rq->st->services[c->service];
	const struct sim_node	*n;

	if (s->start_once)
		return (NULL);
	if (strcmp(c->state, "running") != 0)
		return (rc_transitioning(c->state) ||
		    strcmp(s->state, "upgrading") == 0 ||
		    strcmp(s->state, "restarting") == 0 ?
		    "initializing" : NULL);
	if (strcmp(s->state, "upgrading") == 0 ||
	    strcmp(s->state, "restarting") == 0 ||
	    strcmp(s->state, "rolling-back") == 0)
		return ("reinitializing");
	if (s->node < 0 || (size_t)s->node >= rq->w->nnodes)
		return ("healthy");
	n = &rq->w->nodes[s->node];
	if (strcmp(s->name, "bbb") == 0)
		return (n->up && n->bbb_api_ok ? "healthy" : "unhealthy");
	if (strcmp(s->name, "bbb-exporter") == 0)
		return (n->up && n->exporter_up ? "healthy" : "unhealthy");
	if (s->lb)
		return (n->rancher_degraded ? "unhealthy" : "healthy");
	return ("healthy");
}

static bool
rc_container_listed(struct rc_req *rq, const struct rc_container *c)
{
	if (c->gone)
		return (false);
	if (strcmp(c->state, "removed") == 0 &&
	    c->removed_ms + RC_REMOVED_MS < rq->w->now_ms)
		return (false);
	return (true);
}

static const char *
rc_service_health(struct rc_req *rq, int svc)
{
	const struct rc_service	*s = &rq->st->services[svc];
	const struct rc_container *c;
	const char		*h;
	size_t			 i, n = 0, ok = 0, init = 0;

	if (s->start_once)
		return ("started-once");
	if (strcmp(s->state, "inactive") == 0)
		return ("unhealthy");
	for (i = 0; i < s->nconts; i++) {
		c = &rq->st->containers[s->conts[i]];
		if (strcmp(c->state, "removed") == 0 || c->gone)
			continue;
		n++;
		if ((h = rc_container_health(rq, c)) == NULL)
			continue;
		if (strcmp(h, "healthy") == 0)
			ok++;
		else if (strstr(h, "initializing") != NULL)
			init++;
	}
	if (init > 0)
		return ("initializing");
	if (n == 0 || ok == n)
		return ("healthy");
	return (ok == 0 ? "unhealthy" : "degraded");
}

static const char *
rc_stack_health(struct rc_req *rq, int stack)
{
	const struct rc_stack *sk = &rq->st->stacks[stack];
	const char	*h;
	size_t		 i, n = 0, ok = 0, bad = 0, init = 0;

	for (i = 0; i < sk->nsvcs; i++) {
		h = rc_service_health(rq, sk->svcs[i]);
		if (strcmp(h, "started-once") == 0)
			continue;
		n++;
		if (strcmp(h, "healthy") == 0)
			ok++;
		else if (strcmp(h, "unhealthy") == 0)
			bad++;
		else if (strcmp(h, "initializing") == 0)
			init++;
	}
	if (n == 0)
		return ("started-once");
	if (ok == n)
		return ("healthy");
	if (init > 0 && init + ok == n)
		return ("initializing");
	if (bad == n)
		return ("unhealthy");
	return ("degraded");
}

/* --- resources ------------------------------------------------------------ */

static json_t *
rc_service_ids(struct rc_req *rq, int stack)
{
	const struct rc_stack *sk = &rq->st->stacks[stack];
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < sk->nsvcs; i++)
		json_array_append_new(arr,
		    json_string(rq->st->services[sk->svcs[i]].id));
	return (arr);
}

static json_t *
rc_stack_json(struct rc_req *rq, int i)
{
	struct rc_stack	*s = &rq->st->stacks[i];
	json_t		*o;

	o = rc_resource(rq, "stack", "stack", "stacks", s->id, s->name,
	    s->state, s->created_ms, s->removed_ms, "stack");
	json_object_set_new(o, "healthState",
	    json_string(rc_stack_health(rq, i)));
	json_object_set_new(o, "serviceIds", rc_service_ids(rq, i));
	json_object_set_new(o, "dockerCompose", json_null());
	json_object_set_new(o, "rancherCompose", json_null());
	json_object_set_new(o, "environment", json_null());
	json_object_set_new(o, "externalId", json_string(""));
	json_object_set_new(o, "group", json_null());
	json_object_set_new(o, "outputs", json_null());
	json_object_set_new(o, "previousEnvironment", json_null());
	json_object_set_new(o, "previousExternalId", json_null());
	json_object_set_new(o, "startOnCreate", json_true());
	json_object_set_new(o, "system", json_false());
	json_object_set_new(o, "answers", json_null());
	json_object_set_new(o, "templates", json_null());
	json_object_set_new(o, "binding", json_null());
	rc_link(rq, o, "services", NULL);
	rc_link(rq, o, "composeConfig", NULL);
	if (strcmp(s->state, "active") == 0) {
		rc_action(rq, o, "upgrade");
		rc_action(rq, o, "update");
		rc_action(rq, o, "exportconfig");
		rc_action(rq, o, "activateservices");
		rc_action(rq, o, "deactivateservices");
		rc_action(rq, o, "addoutputs");
	}
	return (o);
}

static json_t *
rc_instance_ids(struct rc_req *rq, int svc, int host)
{
	json_t	*arr = json_array();
	size_t	 i, n;
	const int *list;
	const struct rc_container *c;

	if (svc >= 0) {
		list = rq->st->services[svc].conts;
		n = rq->st->services[svc].nconts;
	} else {
		list = rc_host_proc(rq, host)->conts;
		n = rc_host_proc(rq, host)->nconts;
	}
	for (i = 0; i < n; i++) {
		c = &rq->st->containers[list[i]];
		if (!rc_container_listed(rq, c) ||
		    strcmp(c->state, "removed") == 0)
			continue;
		json_array_append_new(arr, json_string(c->id));
	}
	return (arr);
}

static json_t *
rc_launch_config(const struct rc_service *s)
{
	json_t	*labels;

	labels = json_object();
	if (s->global)
		json_object_set_new(labels, "io.rancher.scheduler.global",
		    json_string("true"));
	if (s->start_once)
		json_object_set_new(labels, "io.rancher.container.start_once",
		    json_string("true"));
	if (s->node >= 0)
		json_object_set_new(labels,
		    "io.rancher.scheduler.affinity:host_label",
		    json_string("role=bbb"));
	if (!s->global && s->node < 0)
		json_object_set_new(labels,
		    "io.rancher.scheduler.affinity:host_label",
		    json_string("role=infra"));
	return (json_pack("{s:s, s:o, s:s, s:s, s:{}, s:[], s:b, s:b, s:s}",
	    "imageUuid", s->image,
	    "labels", labels,
	    "networkMode", strcmp(s->name, "bbb") == 0 ? "host" : "managed",
	    "version", s->version,
	    "environment",
	    "ports",
	    "tty", 0,
	    "stdinOpen", 0,
	    "kind", "container"));
}

static int
rc_service_scale(struct rc_req *rq, int svc)
{
	const struct rc_service *s = &rq->st->services[svc];
	const struct rc_container *c;
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < s->nconts; i++) {
		c = &rq->st->containers[s->conts[i]];
		if (!c->gone && strcmp(c->state, "removed") != 0)
			n++;
	}
	return (n);
}

int
sim_rancher_service_system(const char *stack, const char *service)
{
	static const struct {
		const char	*stack, *service;
		enum sim_system	 sys;
	} map[] = {
		{ "consul", "consul", SIM_CONSUL },
		{ "metrics", "prometheus", SIM_PROMETHEUS },
		{ "bbb-scalelite", "scalelite-api", SIM_SCALELITE },
		{ "bbb-greenlight", "greenlight", SIM_GREENLIGHT },
	};
	size_t	 i;

	for (i = 0; i < nitems(map); i++) {
		if (strcmp(map[i].stack, stack) == 0 &&
		    strcmp(map[i].service, service) == 0)
			return ((int)map[i].sys);
	}
	return (-1);
}

bool
sim_rancher_serving(struct sim_world *w, enum sim_system sys)
{
	struct rc_state	*st;
	size_t		 i, k;

	if (w->rancher == NULL)
		return (false);
	st = w->rancher;
	for (i = 0; i < st->nstacks; i++) {
		const struct rc_stack *sk = &st->stacks[i];

		if (!sk->posted || strcmp(sk->state, "active") != 0)
			continue;
		for (k = 0; k < sk->nsvcs; k++) {
			const struct rc_service *s = &st->services[sk->svcs[k]];

			if (sim_rancher_service_system(sk->name, s->name) ==
			    (int)sys && strcmp(s->state, "active") == 0)
				return (true);
		}
	}
	return (false);
}

/*
 * A service's publicEndpoints: in the "empty" profile, the service that
 * plays a system (consul, scalelite, Prometheus, Greenlight) of a
 * created, active stack publishes it where the simulator serves it
 * (its listen address and that system's port, in place of the compose
 * file's public port).
 */
static json_t *
rc_public_endpoints(struct rc_req *rq, int i)
{
	const struct rc_service *s = &rq->st->services[i];
	const struct rc_stack *sk = &rq->st->stacks[s->stack];
	json_t		*arr = json_array();
	int		 sys;

	if (!sk->posted || strcmp(rq->w->profile, "empty") != 0 ||
	    strcmp(s->state, "active") != 0 ||
	    (sys = sim_rancher_service_system(sk->name, s->name)) < 0)
		return (arr);
	json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:s, s:s, "
	    "s:s}", "type", "publicEndpoint", "ipAddress", rq->w->listen,
	    "port", (int)rq->w->ports[sys], "protocol", "tcp", "hostId",
	    rc_host_id(rq, sk->node), "serviceId", s->id));
	return (arr);
}

static json_t *
rc_service_json(struct rc_req *rq, int i)
{
	struct rc_service *s = &rq->st->services[i];
	json_t		*o;
	const char	*st = s->state;

	o = rc_resource(rq, "service", "service", "services", s->id, s->name,
	    st, s->created_ms, 0, s->lb ? "loadBalancerService" : "service");
	if (s->lb)
		json_object_set_new(o, "type",
		    json_string("loadBalancerService"));
	json_object_set_new(o, "stackId",
	    json_string(rq->st->stacks[s->stack].id));
	json_object_set_new(o, "healthState",
	    json_string(rc_service_health(rq, i)));
	json_object_set_new(o, "scale", s->global ? json_null() :
	    json_integer(s->scale));
	json_object_set_new(o, "currentScale",
	    json_integer(rc_service_scale(rq, i)));
	json_object_set_new(o, "launchConfig", rc_launch_config(s));
	json_object_set_new(o, "secondaryLaunchConfigs", json_array());
	json_object_set_new(o, "instanceIds", rc_instance_ids(rq, i, 0));
	json_object_set_new(o, "upgrade", s->upgrade != NULL ?
	    json_incref(s->upgrade) : json_null());
	json_object_set_new(o, "fqdn", json_null());
	json_object_set_new(o, "createIndex", json_integer(s->create_index));
	json_object_set_new(o, "system", json_false());
	json_object_set_new(o, "vip", json_null());
	json_object_set_new(o, "publicEndpoints", rc_public_endpoints(rq, i));
	json_object_set_new(o, "metadata", json_object());
	json_object_set_new(o, "selectorContainer", json_null());
	json_object_set_new(o, "selectorLink", json_null());
	json_object_set_new(o, "retainIp", json_null());
	json_object_set_new(o, "startOnCreate", json_true());
	json_object_set_new(o, "assignServiceIpAddress", json_false());
	json_object_set_new(o, "scalePolicy", json_null());
	if (s->lb)
		json_object_set_new(o, "lbConfig", json_pack("{s:s, s:[]}",
		    "type", "lbConfig", "portRules"));
	rc_link(rq, o, "instances", NULL);
	rc_link(rq, o, "stack", NULL);
	rc_link(rq, o, "consumedservices", NULL);
	rc_link(rq, o, "consumedbyservices", NULL);

	if (strcmp(st, "active") == 0) {
		rc_action(rq, o, "upgrade");
		rc_action(rq, o, "restart");
		rc_action(rq, o, "update");
		rc_action(rq, o, "remove");
		rc_action(rq, o, "deactivate");
	} else if (strcmp(st, "inactive") == 0) {
		rc_action(rq, o, "activate");
		rc_action(rq, o, "upgrade");
		rc_action(rq, o, "update");
		rc_action(rq, o, "remove");
	} else if (strcmp(st, "upgrading") == 0) {
		rc_action(rq, o, "rollback");
		rc_action(rq, o, "cancelupgrade");
		rc_action(rq, o, "remove");
	} else if (strcmp(st, "upgraded") == 0) {
		rc_action(rq, o, "finishupgrade");
		rc_action(rq, o, "rollback");
		rc_action(rq, o, "remove");
	} else if (strcmp(st, "canceled-upgrade") == 0) {
		rc_action(rq, o, "continueupgrade");
		rc_action(rq, o, "rollback");
		rc_action(rq, o, "remove");
	} else if (strcmp(st, "removed") != 0)
		rc_action(rq, o, "remove");
	return (o);
}

/* A host's labels: its agent's CATTLE_HOST_LABELS (a=b&c=d), or role. */
static json_t *
rc_host_labels(const struct sim_node *n)
{
	json_t		*o = json_object();
	char		*copy, *p, *kv, *eq;

	json_object_set_new(o, "io.rancher.host.docker_version",
	    json_string("17.03"));
	if (n == NULL || n->host_labels[0] == '\0') {
		json_object_set_new(o, "role", json_string(n != NULL ? "bbb" :
		    "infra"));
		return (o);
	}
	copy = p = xstrdup(n->host_labels);
	while ((kv = strsep(&p, "&")) != NULL) {
		if ((eq = strchr(kv, '=')) == NULL || eq == kv)
			continue;
		*eq = '\0';
		json_object_set_new(o, kv, json_string(eq + 1));
	}
	free(copy);
	return (o);
}

/* A host with its stored state (raw) or as the API emits it. */
static json_t *
rc_host_json(struct rc_req *rq, int host)
{
	struct sim_node	*n = host >= 0 ? &rq->w->nodes[host] : NULL;
	struct rc_hostp	*hp = rc_host_proc(rq, host);
	const char	*state = rc_host_state(rq, host);
	const char	*agent = n != NULL ? n->agent_state : "";
	const char	*hostname = n != NULL ? n->fqdn : "infra-01.localhost";
	const char	*ip = n != NULL ? n->ip : "10.0.0.2";
	json_t		*o, *info;
	char		 agent_id[16];
	int64_t		 created = rq->st->created_ms;
	double		 mem = n != NULL && n->mem_total > 0 ? n->mem_total :
	    16.0 * 1024 * 1024 * 1024;
	int		 ncpu = n != NULL && n->ncpu > 0 ? n->ncpu : 8;

	o = rc_resource(rq, "host", "host", "hosts", rc_host_id(rq, host),
	    NULL, state, created, hp->removed_ms, "docker");
	json_object_set_new(o, "hostname", json_string(hostname));
	json_object_set_new(o, "agentState", agent[0] != '\0' ?
	    json_string(agent) : json_null());
	snprintf(agent_id, sizeof agent_id, "1a%d", 10 + (host < 0 ?
	    (int)rq->w->nnodes : host));
	json_object_set_new(o, "agentId", json_string(agent_id));
	json_object_set_new(o, "agentIpAddress", json_string(ip));
	json_object_set_new(o, "labels", rc_host_labels(n));
	info = json_pack("{s:{s:i, s:f, s:s}, s:{s:I, s:I}, "
	    "s:{s:s, s:s, s:s}}",
	    "cpuInfo", "count", ncpu, "mhz", 2394.454,
	    "modelName", "Intel Xeon Processor (Skylake, IBRS)",
	    "memoryInfo", "memTotal", (json_int_t)(mem / 1048576.0),
	    "memAvailable", (json_int_t)((mem - (n != NULL ? n->mem_used :
	    0)) / 1048576.0),
	    "osInfo", "dockerVersion", "Docker version 17.03.2-ce",
	    "kernelVersion", "4.19.0",
	    "operatingSystem", "Flatcar Container Linux by Kinvolk 2512.3.0");
	json_object_set_new(o, "info", info);
	json_object_set_new(o, "instanceIds", rc_instance_ids(rq, -1, host));
	json_object_set_new(o, "computeTotal", json_integer(1000000));
	json_object_set_new(o, "memory", json_integer((json_int_t)mem));
	json_object_set_new(o, "milliCpu", json_integer(ncpu * 1000));
	json_object_set_new(o, "localStorageMb", json_integer(81920));
	json_object_set_new(o, "dockerVersion", json_null());
	json_object_set_new(o, "driver", json_null());
	json_object_set_new(o, "publicEndpoints", json_array());
	json_object_set_new(o, "physicalHostId", json_null());
	json_object_set_new(o, "hostTemplateId", json_null());
	rc_link(rq, o, "instances", NULL);
	rc_link(rq, o, "stats", NULL);
	rc_link(rq, o, "hostStats", NULL);
	rc_link(rq, o, "containerStats", NULL);
	if (strcmp(state, "active") == 0) {
		rc_action(rq, o, "deactivate");
		rc_action(rq, o, "evacuate");
		rc_action(rq, o, "dockersocket");
		rc_action(rq, o, "update");
	} else if (strcmp(state, "inactive") == 0) {
		rc_action(rq, o, "activate");
		rc_action(rq, o, "remove");
		rc_action(rq, o, "update");
	} else if (strcmp(state, "removed") == 0)
		rc_action(rq, o, "purge");
	return (o);
}

/* HostsFilter: an active host shows its agent's state when it has one. */
static void
rc_host_emit(json_t *o)
{
	json_t	*agent = json_object_get(o, "agentState");

	if (strcmp(json_string_value(json_object_get(o, "state")),
	    "active") == 0 && json_is_string(agent) &&
	    *json_string_value(agent) != '\0')
		json_object_set(o, "state", agent);
}

static json_t *
rc_container_json(struct rc_req *rq, int i)
{
	struct rc_container *c = &rq->st->containers[i];
	struct rc_service *s = &rq->st->services[c->service];
	const char	*h;
	json_t		*o;
	char		*sn, date[32];

	o = rc_resource(rq, "container", "instance", "containers", c->id,
	    c->name, c->state, c->created_ms, c->removed_ms, "container");
	h = rc_container_health(rq, c);
	json_object_set_new(o, "healthState", h != NULL ? json_string(h) :
	    json_null());
	json_object_set_new(o, "hostId", json_string(rc_host_id(rq, c->host)));
	json_object_set_new(o, "imageUuid", json_string(s->image));
	json_object_set_new(o, "primaryIpAddress",
	    strcmp(s->name, "bbb") == 0 && c->host >= 0 ?
	    json_string(rq->w->nodes[c->host].ip) : json_string(c->ip));
	json_object_set_new(o, "serviceIds", rc_strings(s->id, NULL));
	json_object_set_new(o, "stackId",
	    json_string(rq->st->stacks[s->stack].id));
	sn = xasprintf("%s/%s", rq->st->stacks[s->stack].name, s->name);
	json_object_set_new(o, "labels", json_pack("{s:s, s:s, s:s}",
	    "io.rancher.stack.name", rq->st->stacks[s->stack].name,
	    "io.rancher.stack_service.name", sn,
	    "io.rancher.service.launch.config",
	    "io.rancher.service.primary.launch.config"));
	free(sn);
	json_object_set_new(o, "startCount", json_integer(c->start_count));
	/* go-rancher v2 Container.ExitCode; 0 once a start-once ran */
	json_object_set_new(o, "exitCode", s->start_once &&
	    strcmp(c->state, "stopped") == 0 ? json_integer(0) : json_null());
	json_object_set_new(o, "createIndex", json_integer(c->index));
	json_object_set_new(o, "firstRunning", json_string(rc_date(
	    c->created_ms + 5000, date, sizeof date)));
	json_object_set_new(o, "deploymentUnitUuid", json_null());
	json_object_set_new(o, "externalId", json_string(c->external_id));
	json_object_set_new(o, "system", json_false());
	json_object_set_new(o, "nativeContainer", json_false());
	json_object_set_new(o, "hostname", json_null());
	json_object_set_new(o, "ports", json_array());
	json_object_set_new(o, "environment", json_object());
	rc_link(rq, o, "hosts", NULL);
	rc_link(rq, o, "services", NULL);
	rc_link(rq, o, "stats", NULL);
	rc_link(rq, o, "containerStats", NULL);
	if (strcmp(c->state, "running") == 0) {
		rc_action(rq, o, "stop");
		rc_action(rq, o, "restart");
		rc_action(rq, o, "update");
		rc_action(rq, o, "execute");
		rc_action(rq, o, "logs");
	} else if (strcmp(c->state, "stopped") == 0) {
		rc_action(rq, o, "start");
		rc_action(rq, o, "update");
		rc_action(rq, o, "remove");
	}
	return (o);
}

static json_t *
rc_token_json(struct rc_req *rq, int i)
{
	struct rc_token	*t = &rq->st->tokens[i];
	json_t		*o;
	char		*url, *cmd;
	const char	*image = "rancher/agent:v1.2.11";

	o = rc_resource(rq, "registrationToken", "credential",
	    "registrationtokens", t->id, t->name[0] != '\0' ? t->name : NULL,
	    t->state, t->created_ms, t->removed_ms, "registrationToken");
	url = xasprintf("%s/scripts/%s", rq->base, t->token);
	cmd = xasprintf("sudo docker run --rm --privileged -v "
	    "/var/run/docker.sock:/var/run/docker.sock -v "
	    "/var/lib/rancher:/var/lib/rancher %s %s", image, url);
	json_object_set_new(o, "token", json_string(t->token));
	json_object_set_new(o, "registrationUrl", json_string(url));
	json_object_set_new(o, "image", json_string(image));
	json_object_set_new(o, "command", json_string(cmd));
	free(cmd);
	cmd = xasprintf("docker run -e URL_TRANSFORM=\"\" --rm -v "
	    "C:/ProgramData/rancher:C:/ProgramData/rancher -v "
	    "//./pipe/docker_engine://./pipe/docker_engine "
	    "rancher/agent:v1.2.11 %s", url);
	json_object_set_new(o, "windowsCommand", json_string(cmd));
	free(cmd);
	free(url);
	json_object_set_new(o, "accessKey", json_null());
	/* cattle's default process states (apis.md §1.7) */
	if (strcmp(t->state, "active") == 0) {
		rc_action(rq, o, "deactivate");
		rc_action(rq, o, "update");
	} else if (strcmp(t->state, "inactive") == 0) {
		rc_action(rq, o, "activate");
		rc_action(rq, o, "remove");
		rc_action(rq, o, "update");
	} else if (strcmp(t->state, "registering") == 0)
		rc_action(rq, o, "remove");
	else if (strcmp(t->state, "removed") == 0)
		rc_action(rq, o, "purge");
	return (o);
}

static json_t *
rc_project_json(struct rc_req *rq)
{
	json_t	*o;

	o = rc_resource(rq, "project", "account", NULL, RC_PROJECT, "Default",
	    "active", rq->st->created_ms, 0, "project");
	json_object_set_new(o, "orchestration", json_string("cattle"));
	json_object_set_new(o, "healthState", json_string("healthy"));
	json_object_set_new(o, "defaultNetworkId", json_string("1n5"));
	json_object_set_new(o, "members", json_array());
	json_object_set_new(o, "projectTemplateId", json_string("1pt1"));
	json_object_set_new(o, "servicesPortRange", json_null());
	json_object_set_new(o, "virtualMachine", json_false());
	json_object_set_new(o, "version", json_string("3"));
	return (o);
}

/* --- answers -------------------------------------------------------------- */

static void
rc_send(struct rc_req *rq, int status, json_t *j)
{
	char	*s, *schemas;

	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	sim_resp_set(rq->r, status, RC_JSON, s != NULL ? s : xstrdup("{}"));
	schemas = xasprintf("%s/schemas", rq->base);
	sim_resp_header(rq->r, "X-Api-Schemas", schemas);
	free(schemas);
}

/* The API error: code is the reason ("NotFound") unless a validation one. */
static void
rc_error(struct rc_req *rq, int status, const char *code, const char *msg)
{
	char	 uuid[40];

	rc_uuid(rq->w, uuid, sizeof uuid);
	rc_send(rq, status, json_pack("{s:s, s:s, s:{}, s:{}, s:i, s:s, s:s, "
	    "s:n, s:s}",
	    "id", uuid,
	    "type", "error",
	    "links",
	    "actions",
	    "status", status,
	    "code", code,
	    "message", msg != NULL ? msg : code,
	    "detail",
	    "baseType", "error"));
}

static int
rc_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/* Decoded base64, NUL-terminated; NULL if malformed. */
static char *
rc_b64decode(const char *s)
{
	struct buf	 b = { 0 };
	unsigned	 acc = 0;
	int		 bits = 0, v;

	buf_adds(&b, "");
	for (; *s != '\0' && *s != '='; s++) {
		if ((v = rc_b64val((unsigned char)*s)) < 0) {
			buf_free(&b);
			return (NULL);
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((acc >> bits) & 0xff));
		}
	}
	return (buf_steal(&b));
}

static bool
rc_authorized(struct rc_req *rq)
{
	const char	*h;
	char		*dec, *colon;
	bool		 ok;

	if ((h = rq->q->header(rq->q, "Authorization")) == NULL)
		return (false);
	if (strncasecmp(h, "Basic ", 6) != 0)
		return (false);
	h += 6;
	while (*h == ' ')
		h++;
	if ((dec = rc_b64decode(h)) == NULL)
		return (false);
	if ((colon = strchr(dec, ':')) == NULL) {
		freezero_str(dec);
		return (false);
	}
	*colon = '\0';
	ok = strcmp(dec, rq->w->rancher_access) == 0 &&
	    strcmp(colon + 1, rq->w->rancher_secret) == 0;
	*colon = ':';
	freezero_str(dec);
	return (ok);
}

/* --- collections ---------------------------------------------------------- */

struct rc_param {
	char	*key;
	char	*value;
};

struct rc_slice {		/* rows already cut to the page */
	size_t	 total;
};




static struct rc_param *
rc_params(const char *query, size_t *np)
{
	struct rc_param	*p = NULL;
	const char	*s = query, *end, *eq;
	size_t		 n = 0;

	while (s != NULL && *s != '\0') {
		end = s + strcspn(s, "&");
		if (end > s) {
			eq = memchr(s, '=', (size_t)(end - s));
			p = xreallocarray(p, n + 1, sizeof *p);
			p[n].key = sim_query_decode(s, (size_t)((eq != NULL ? eq :
			    end) - s));
			p[n].value = eq != NULL ? sim_query_decode(eq + 1,
			    (size_t)(end - eq - 1)) : xstrdup("");
			n++;
		}
		s = *end != '\0' ? end + 1 : end;
	}
	*np = n;
	return (p);
}

static void
rc_params_free(struct rc_param *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
}

static const char *const rc_filter_fields[][12] = {
	[RC_STACK] = { "id", "name", "state", "healthState", "kind",
	    "externalId", "system", "removed", NULL },
	[RC_SERVICE] = { "id", "name", "state", "healthState", "stackId",
	    "kind", "system", "createIndex", "removed", NULL },
	[RC_HOST] = { "id", "name", "hostname", "state", "agentState", "kind",
	    "agentIpAddress", "removed", NULL },
	[RC_CONTAINER] = { "id", "name", "state", "healthState", "hostId",
	    "stackId", "kind", "imageUuid", "primaryIpAddress", "externalId",
	    "removed", NULL },
	[RC_TOKEN] = { "id", "name", "state", "kind", "token", "removed",
	    NULL },
};

static const char *rc_modifiers[] = { "eq", "ne", "lt", "lte", "gt", "gte",
    "prefix", "like", "notlike", "null", "notnull" };

static bool
rc_filterable(enum rc_type t, const char *field)
{
	size_t	 i;

	for (i = 0; rc_filter_fields[t][i] != NULL; i++) {
		if (strcmp(rc_filter_fields[t][i], field) == 0)
			return (true);
	}
	return (false);
}

/* Split "name_prefix" into field and modifier; false if not a filter. */
static bool
rc_filter_split(enum rc_type t, const char *key, char *field, size_t fsz,
    const char **mod)
{
	const char	*us;
	size_t		 i, n;

	if (rc_filterable(t, key) && strlen(key) < fsz) {
		snprintf(field, fsz, "%s", key);
		*mod = "eq";
		return (true);
	}
	if ((us = strrchr(key, '_')) == NULL)
		return (false);
	n = (size_t)(us - key);
	for (i = 0; i < nitems(rc_modifiers); i++) {
		if (strcmp(us + 1, rc_modifiers[i]) == 0 && n < fsz) {
			memcpy(field, key, n);
			field[n] = '\0';
			*mod = rc_modifiers[i];
			return (rc_filterable(t, field));
		}
	}
	return (false);
}

/* A field as a string for comparisons (NULL for null/absent). */
static char *
rc_field_str(json_t *o, const char *field)
{
	json_t	*v = json_object_get(o, field);

	if (json_is_string(v))
		return (xstrdup(json_string_value(v)));
	if (json_is_integer(v))
		return (xasprintf("%lld", (long long)json_integer_value(v)));
	if (json_is_boolean(v))
		return (xstrdup(json_is_true(v) ? "true" : "false"));
	return (NULL);
}

static bool
rc_like(const char *s, const char *pat)
{
	if (*pat == '\0')
		return (*s == '\0');
	if (*pat == '%') {
		for (;; s++) {
			if (rc_like(s, pat + 1))
				return (true);
			if (*s == '\0')
				return (false);
		}
	}
	if (*s == '\0')
		return (false);
	if (*pat == '_' || *pat == *s)
		return (rc_like(s + 1, pat + 1));
	return (false);
}

static int
rc_cmp_values(const char *a, const char *b)
{
	char		*ea, *eb;
	long double	 x, y;

	x = strtold(a, &ea);
	y = strtold(b, &eb);
	if (*a != '\0' && *b != '\0' && *ea == '\0' && *eb == '\0')
		return (x < y ? -1 : x > y);
	return (strcmp(a, b));
}

static bool
rc_match(json_t *o, const char *field, const char *mod, const char *value)
{
	char	*v = rc_field_str(o, field);
	bool	 m = false;

	if (strcmp(mod, "null") == 0)
		m = v == NULL;
	else if (strcmp(mod, "notnull") == 0)
		m = v != NULL;
	else if (v == NULL)
		m = strcmp(mod, "ne") == 0 || strcmp(mod, "notlike") == 0;
	else if (strcmp(mod, "eq") == 0)
		m = strcmp(v, value) == 0;
	else if (strcmp(mod, "ne") == 0)
		m = strcmp(v, value) != 0;
	else if (strcmp(mod, "lt") == 0)
		m = rc_cmp_values(v, value) < 0;
	else if (strcmp(mod, "lte") == 0)
		m = rc_cmp_values(v, value) <= 0;
	else if (strcmp(mod, "gt") == 0)
		m = rc_cmp_values(v, value) > 0;
	else if (strcmp(mod, "gte") == 0)
		m = rc_cmp_values(v, value) >= 0;
	else if (strcmp(mod, "prefix") == 0)
		m = strncmp(v, value, strlen(value)) == 0;
	else if (strcmp(mod, "like") == 0)
		m = rc_like(v, value);
	else if (strcmp(mod, "notlike") == 0)
		m = !rc_like(v, value);
	free(v);
	return (m);
}

static long
rc_id_num(json_t *o)
{
	const char	*id = json_string_value(json_object_get(o, "id"));

	while (id != NULL && *id != '\0' && !isdigit((unsigned char)*id))
		id++;
	id = id != NULL && *id != '\0' ? id + 1 : id;	/* skip the "1" */
	while (id != NULL && *id != '\0' && !isdigit((unsigned char)*id))
		id++;
	return (id != NULL ? strtol(id, NULL, 10) : 0);
}

static const char *rc_sort_field;
static bool rc_sort_desc;

static int
rc_sort_cb(const void *a, const void *b)
{
	json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	char	*u, *v;
	int	 c = 0;

	if (rc_sort_field != NULL) {
		u = rc_field_str(x, rc_sort_field);
		v = rc_field_str(y, rc_sort_field);
		if (u == NULL || v == NULL)
			c = (u == NULL) - (v == NULL);
		else
			c = rc_cmp_values(u, v);
		free(u);
		free(v);
	}
	if (c == 0)
		c = (rc_id_num(x) > rc_id_num(y)) - (rc_id_num(x) < rc_id_num(y));
	return (rc_sort_desc ? -c : c);
}

static const char *
rc_type_name(enum rc_type t)
{
	static const char *names[] = { "stack", "service", "host",
	    "container", "registrationToken" };

	return (names[t]);
}

static const char *
rc_coll_name(enum rc_type t)
{
	static const char *names[] = { "stacks", "services", "hosts",
	    "containers", "registrationtokens" };

	return (names[t]);
}

/*
 * Answer a collection: rows (raw), filtered by the query, sorted, paged
 * (limit, marker=m<offset>), each emitted as the API shows it.
 */
static void
rc_collection(struct rc_req *rq, enum rc_type t, json_t *rows,
    const char *self, const struct rc_slice *slice)
{
	struct rc_param	*p;
	size_t		 np, i, j, n, total, offset = 0, limit = RC_DEF_LIMIT;
	json_t		**v, *o, *data, *filters, *sortlinks, *conds, *pag, *coll;
	char		 field[64], *url, *q;
	const char	*mod, *sort = NULL, *order = "asc";
	long long	 ll;
	const char	*cause;
	bool		 keep;
	struct buf	 nq = { 0 };

	p = rc_params(rq->q->query, &np);
	filters = json_object();
	for (i = 0; rc_filter_fields[t][i] != NULL; i++)
		json_object_set_new(filters, rc_filter_fields[t][i],
		    json_null());
	for (i = 0; i < np; i++) {
		if (strcmp(p[i].key, "limit") == 0) {
			if (util_parse_ll(p[i].value, 1, LLONG_MAX, &ll,
			    &cause) == 0)
				limit = ll > RC_MAX_LIMIT ? RC_MAX_LIMIT :
				    (size_t)ll;
		} else if (strcmp(p[i].key, "marker") == 0) {
			if (p[i].value[0] == 'm' && util_parse_ll(p[i].value +
			    1, 0, LLONG_MAX, &ll, &cause) == 0)
				offset = (size_t)ll;
		} else if (strcmp(p[i].key, "sort") == 0) {
			if (rc_filterable(t, p[i].value))
				sort = p[i].value;
		} else if (strcmp(p[i].key, "order") == 0)
			order = strcasecmp(p[i].value, "desc") == 0 ? "desc" :
			    "asc";
		else if (rc_filter_split(t, p[i].key, field, sizeof field,
		    &mod)) {
			conds = json_object_get(filters, field);
			if (!json_is_array(conds)) {
				conds = json_array();
				json_object_set_new(filters, field, conds);
			}
			json_array_append_new(conds, json_pack("{s:s, s:s}",
			    "modifier", mod, "value", p[i].value));
		}
	}

	/* Filter: OR within a field, AND across fields. */
	n = json_array_size(rows);
	v = xcalloc(n + 1, sizeof *v);
	total = 0;
	if (slice != NULL) {
		/* rows are the page already, in order */
		for (i = 0; i < n; i++)
			v[i] = json_array_get(rows, i);
		n = 0;
	}
	for (i = 0; i < n; i++) {
		o = json_array_get(rows, i);
		keep = true;
		json_object_foreach(filters, mod, conds) {
			bool	 any = false;
			json_t	*c;

			if (!json_is_array(conds))
				continue;
			json_array_foreach(conds, j, c) {
				if (rc_match(o, mod, json_string_value(
				    json_object_get(c, "modifier")),
				    json_string_value(json_object_get(c,
				    "value"))))
					any = true;
			}
			if (!any)
				keep = false;
		}
		if (keep)
			v[total++] = o;
	}
	data = json_array();
	if (slice != NULL) {
		total = slice->total;
		for (i = 0; i < json_array_size(rows); i++) {
			if (t == RC_HOST)
				rc_host_emit(v[i]);
			json_array_append(data, v[i]);
		}
	} else {
		rc_sort_field = sort;
		rc_sort_desc = strcmp(order, "desc") == 0;
		qsort(v, total, sizeof *v, rc_sort_cb);
		rc_sort_field = NULL;
		for (i = offset; i < total && i < offset + limit; i++) {
			o = json_deep_copy(v[i]);
			if (t == RC_HOST)
				rc_host_emit(o);
			json_array_append_new(data, o);
		}
	}

	/* next: this url with marker=m<offset + limit>. */
	pag = json_pack("{s:n, s:n, s:n, s:I, s:n, s:b}", "first", "previous",
	    "next", "limit", (json_int_t)limit, "total", "partial",
	    offset + limit < total);
	if (offset + limit < total) {
		buf_adds(&nq, "");
		for (i = 0; i < np; i++) {
			if (strcmp(p[i].key, "marker") == 0)
				continue;
			q = util_urlencode(p[i].key);
			buf_printf(&nq, "%s%s=", nq.len > 0 ? "&" : "", q);
			free(q);
			q = util_urlencode(p[i].value);
			buf_adds(&nq, q);
			free(q);
		}
		url = xasprintf("%s?%s%smarker=m%zu", self, nq.data,
		    nq.len > 0 ? "&" : "", offset + limit);
		json_object_set_new(pag, "next", json_string(url));
		free(url);
		buf_free(&nq);
	}

	sortlinks = json_object();
	for (i = 0; rc_filter_fields[t][i] != NULL; i++) {
		url = xasprintf("%s?sort=%s", self, rc_filter_fields[t][i]);
		json_object_set_new(sortlinks, rc_filter_fields[t][i],
		    json_string(url));
		free(url);
	}
	url = *rq->q->query != '\0' ? xasprintf("%s?%s", self, rq->q->query) :
	    xstrdup(self);
	coll = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{}, s:o, s:o, s:o, "
	    "s:o, s:o}",
	    "type", "collection",
	    "resourceType", rc_type_name(t),
	    "links", "self", url,
	    "createTypes", rc_type_name(t), self,
	    "actions",
	    "pagination", pag,
	    "sort", sort == NULL ? json_null() : json_pack("{s:s, s:s, s:s}",
	    "name", sort, "order", order, "reverse", self),
	    "filters", filters,
	    "sortLinks", sortlinks,
	    "data", data);
	free(url);
	free(v);
	json_decref(rows);
	rc_params_free(p, np);
	rc_send(rq, 200, coll);
}

/*
 * Rows of a type, raw; parent narrows (a stack's services ...).  With a
 * window (from, count), only the rows in it are rendered (in id order,
 * which is the order of the arrays) and *total counts them all.
 */
#define RC_KEEP(expr) do {						\
	if (win == NULL || (*total >= win[0] && *total < win[0] + win[1])) \
		json_array_append_new(rows, (expr));			\
	if (total != NULL)						\
		(*total)++;						\
} while (0)

static json_t *
rc_rows_window(struct rc_req *rq, enum rc_type t, enum rc_type pt,
    int parent, const size_t *win, size_t *total)
{
	struct rc_state	*st = rq->st;
	json_t		*rows = json_array();
	size_t		 i;
	int		 h;

	switch (t) {
	case RC_STACK:
		for (i = 0; i < st->nstacks; i++)
			RC_KEEP(rc_stack_json(rq, (int)i));
		break;
	case RC_SERVICE:
		for (i = 0; i < st->nservices; i++) {
			if (parent >= 0 && pt == RC_STACK &&
			    st->services[i].stack != parent)
				continue;
			if (parent >= 0 && pt == RC_CONTAINER &&
			    st->containers[parent].service != (int)i)
				continue;
			RC_KEEP(rc_service_json(rq, (int)i));
		}
		break;
	case RC_HOST:
		/* the nodes' hosts, then the infrastructure host (id order) */
		for (i = 0; i <= rq->w->nnodes; i++) {
			h = i == rq->w->nnodes ? -1 : (int)i;
			if (h >= 0 && !st->synced[h])
				continue;
			if (pt == RC_CONTAINER && parent >= 0 &&
			    st->containers[parent].host != h)
				continue;
			if (rc_host_gone(rq, h))
				continue;
			RC_KEEP(rc_host_json(rq, h));
		}
		break;
	case RC_CONTAINER:
		for (i = 0; i < st->ncontainers; i++) {
			if (!rc_container_listed(rq, &st->containers[i]))
				continue;
			if (pt == RC_SERVICE && parent >= 0 &&
			    st->containers[i].service != parent)
				continue;
			if (pt == RC_HOST && parent != -2 &&
			    st->containers[i].host != parent)
				continue;
			RC_KEEP(rc_container_json(rq, (int)i));
		}
		break;
	case RC_TOKEN:
		for (i = 0; i < st->ntokens; i++)
			RC_KEEP(rc_token_json(rq, (int)i));
		break;
	}
	return (rows);
}

#undef RC_KEEP

static json_t *
rc_rows(struct rc_req *rq, enum rc_type t, enum rc_type pt, int parent)
{
	return (rc_rows_window(rq, t, pt, parent, NULL, NULL));
}

/*
 * Whether a query only pages (no filter, no sort): then the page can be
 * rendered alone.  Sets win to (offset, limit).
 */
static bool
rc_plain_page(struct rc_req *rq, enum rc_type t, size_t *win)
{
	struct rc_param	*p;
	size_t		 np, i;
	char		 field[64];
	const char	*mod, *cause;
	long long	 ll;
	bool		 plain = true;

	win[0] = 0;
	win[1] = RC_DEF_LIMIT;
	p = rc_params(rq->q->query, &np);
	for (i = 0; i < np; i++) {
		if (strcmp(p[i].key, "limit") == 0) {
			if (util_parse_ll(p[i].value, 1, LLONG_MAX, &ll,
			    &cause) == 0)
				win[1] = ll > RC_MAX_LIMIT ? RC_MAX_LIMIT :
				    (size_t)ll;
		} else if (strcmp(p[i].key, "marker") == 0) {
			if (p[i].value[0] == 'm' && util_parse_ll(p[i].value +
			    1, 0, LLONG_MAX, &ll, &cause) == 0)
				win[0] = (size_t)ll;
		} else if (strcmp(p[i].key, "sort") == 0 ||
		    rc_filter_split(t, p[i].key, field, sizeof field, &mod))
			plain = false;
	}
	rc_params_free(p, np);
	return (plain);
}

static void
rc_list(struct rc_req *rq, enum rc_type t, enum rc_type pt, int parent,
    const char *self)
{
	struct rc_slice	 slice;
	size_t		 win[2];
	json_t		*rows;

	if (rc_plain_page(rq, t, win)) {
		slice.total = 0;
		rows = rc_rows_window(rq, t, pt, parent, win, &slice.total);
		rc_collection(rq, t, rows, self, &slice);
	} else
		rc_collection(rq, t, rc_rows(rq, t, pt, parent), self, NULL);
}

/* Index of a resource by id: >= 0 (host: node or -1), or -2 if none. */
static int
rc_find(struct rc_req *rq, enum rc_type t, const char *id)
{
	struct rc_state	*st = rq->st;
	size_t		 i;

	switch (t) {
	case RC_STACK:
		for (i = 0; i < st->nstacks; i++)
			if (strcmp(st->stacks[i].id, id) == 0)
				return ((int)i);
		break;
	case RC_SERVICE:
		for (i = 0; i < st->nservices; i++)
			if (strcmp(st->services[i].id, id) == 0)
				return ((int)i);
		break;
	case RC_HOST:
		for (i = 0; i < rq->w->nnodes; i++)
			if (st->synced[i] &&
			    strcmp(rq->w->nodes[i].host_id, id) == 0)
				return ((int)i);
		if (strcmp(st->infra_host_id, id) == 0)
			return (-1);
		break;
	case RC_CONTAINER:
		for (i = 0; i < st->ncontainers; i++)
			if (strcmp(st->containers[i].id, id) == 0 &&
			    !st->containers[i].gone)
				return ((int)i);
		break;
	case RC_TOKEN:
		for (i = 0; i < st->ntokens; i++)
			if (strcmp(st->tokens[i].id, id) == 0)
				return ((int)i);
		break;
	}
	return (-2);
}

static json_t *
rc_one(struct rc_req *rq, enum rc_type t, int i)
{
	json_t	*o;

	switch (t) {
	case RC_STACK:
		return (rc_stack_json(rq, i));
	case RC_SERVICE:
		return (rc_service_json(rq, i));
	case RC_HOST:
		o = rc_host_json(rq, i);
		rc_host_emit(o);
		return (o);
	case RC_CONTAINER:
		return (rc_container_json(rq, i));
	case RC_TOKEN:
		break;
	}
	return (rc_token_json(rq, i));
}

/* --- actions -------------------------------------------------------------- */

static bool
rc_state_in(const char *state, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(state, *list) == 0)
			return (true);
	}
	return (false);
}

static void
rc_conflict(struct rc_req *rq)
{
	rc_error(rq, 409, "Conflict", NULL);
}

/* Scale a (non-global) service's containers to s->scale. */
static void
rc_service_rescale(struct rc_req *rq, int svc)
{
	struct rc_state	*st = rq->st;
	struct rc_container *c;
	size_t		 i;
	int		 n = rc_service_scale(rq, svc), want = st->services[svc].scale;

	while (n < want) {
		rc_add_container(rq->w, st, svc, st->services[svc].node);
		c = &st->containers[st->ncontainers - 1];
		c->created_ms = rq->w->now_ms;
		RC_START(c, rq->w, "starting", "running", RC_T_SHORT);
		n++;
	}
	for (i = st->services[svc].nconts; i > 0 && n > want; i--) {
		c = &st->containers[st->services[svc].conts[i - 1]];
		if (c->gone ||
		    strcmp(c->state, "removed") == 0 ||
		    strcmp(c->state, "removing") == 0)
			continue;
		RC_START(c, rq->w, "removing", "removed", RC_T_SHORT);
		n--;
	}
}

static void
rc_service_containers(struct rc_req *rq, int svc, const char *during,
    const char *after, int64_t ms, bool restart)
{
	struct rc_service *s = &rq->st->services[svc];
	struct rc_container *c;
	size_t		 i;

	for (i = 0; i < s->nconts; i++) {
		c = &rq->st->containers[s->conts[i]];
		if (c->gone || strcmp(c->state, "removed") == 0)
			continue;
		RC_START(c, rq->w, during, after, ms);
		if (restart)
			c->start_count++;
	}
}

static void
rc_service_action(struct rc_req *rq, int svc, const char *action,
    json_t *body)
{
	static const char *const up_from[] = { "active", "activating",
	    "inactive", "updating-active", NULL };
	static const char *const rb_from[] = { "upgrading", "upgraded",
	    "canceled-upgrade", NULL };
	static const char *const deact_from[] = { "restarting", "active",
	    "activating", "updating-active", NULL };
	struct rc_service *s = &rq->st->services[svc];
	struct sim_world *w = rq->w;
	json_t		*strategy, *lc, *image, *prev;
	char		 tmp[128], ver[40];
	int64_t		 ms;
	int		 n;

	if (strcmp(action, "upgrade") == 0) {
		strategy = json_object_get(body, "inServiceStrategy");
		if (!json_is_object(strategy) && !json_is_object(
		    json_object_get(body, "toServiceStrategy"))) {
			rc_error(rq, 422, "MissingRequired",
			    "Upgrade strategy needs to be set");
			return;
		}
		lc = json_object_get(strategy, "launchConfig");
		if (json_is_object(strategy) && !json_is_object(lc) &&
		    !json_is_array(json_object_get(strategy,
		    "secondaryLaunchConfigs"))) {
			rc_error(rq, 422, "InvalidOption", "LaunchConfig/"
			    "secondaryLaunchConfigs need to be specified for "
			    "inService strategy");
			return;
		}
		if (s->lb && !json_is_object(lc)) {
			rc_error(rq, 422, "InvalidOption",
			    "LaunchConfig is required for load balancer "
			    "service");
			return;
		}
		if (!rc_state_in(s->state, up_from)) {
			rc_conflict(rq);
			return;
		}
		prev = rc_launch_config(s);
		snprintf(s->prev_image, sizeof s->prev_image, "%s", s->image);
		snprintf(s->prev_version, sizeof s->prev_version, "%s",
		    s->version);
		image = json_object_get(lc, "imageUuid");
		if (json_is_string(image))
			snprintf(s->image, sizeof s->image, "%s",
			    json_string_value(image));
		rc_uuid(w, s->version, sizeof s->version);
		json_decref(s->upgrade);
		s->upgrade = json_deep_copy(body);
		if (json_is_object(strategy)) {
			strategy = json_object_get(s->upgrade,
			    "inServiceStrategy");
			json_object_set_new(strategy, "previousLaunchConfig",
			    prev);
			json_object_set_new(strategy,
			    "previousSecondaryLaunchConfigs", json_array());
			if (json_is_object(json_object_get(strategy,
			    "launchConfig")))
				json_object_set_new(json_object_get(strategy,
				    "launchConfig"), "version",
				    json_string(s->version));
		} else
			json_decref(prev);
		n = rc_service_scale(rq, svc);
		ms = RC_T_UPGRADE + (n > 1 ? (int64_t)(n - 1) * 2000 : 0);
		RC_START(s, w, "upgrading", "upgraded", ms);
		rc_service_containers(rq, svc, "stopping", "running", ms, true);
		rc_service_takes_node(w, s);
	} else if (strcmp(action, "finishupgrade") == 0) {
		if (strcmp(s->state, "upgraded") != 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "finishing-upgrade", "active", RC_T_SHORT);
	} else if (strcmp(action, "rollback") == 0) {
		if (!rc_state_in(s->state, rb_from) || s->prev_image[0] == '\0') {
			rc_conflict(rq);
			return;
		}
		snprintf(tmp, sizeof tmp, "%s", s->image);
		snprintf(s->image, sizeof s->image, "%s", s->prev_image);
		snprintf(s->prev_image, sizeof s->prev_image, "%s", tmp);
		snprintf(ver, sizeof ver, "%s", s->version);
		snprintf(s->version, sizeof s->version, "%s", s->prev_version);
		snprintf(s->prev_version, sizeof s->prev_version, "%s", ver);
		RC_START(s, w, "rolling-back", "active", RC_T_RESTART);
		rc_service_containers(rq, svc, "stopping", "running",
		    RC_T_RESTART, true);
		rc_service_takes_node(w, s);
	} else if (strcmp(action, "cancelupgrade") == 0) {
		if (strcmp(s->state, "upgrading") != 0 &&
		    strcmp(s->state, "finishing-upgrade") != 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "canceling-upgrade", "canceled-upgrade",
		    RC_T_SHORT);
	} else if (strcmp(action, "continueupgrade") == 0) {
		if (strcmp(s->state, "canceled-upgrade") != 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "upgrading", "upgraded", RC_T_UPGRADE);
		rc_service_takes_node(w, s);
	} else if (strcmp(action, "restart") == 0) {
		if (!json_is_object(json_object_get(body,
		    "rollingRestartStrategy"))) {
			rc_error(rq, 422, "MissingRequired",
			    "rollingRestartStrategy");
			return;
		}
		if (strcmp(s->state, "active") != 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "restarting", "active", RC_T_RESTART);
		rc_service_containers(rq, svc, "restarting", "running",
		    RC_T_RESTART, true);
		rc_service_takes_node(w, s);
	} else if (strcmp(action, "activate") == 0) {
		if (strcmp(s->state, "inactive") != 0 &&
		    strcmp(s->state, "restarting") != 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "activating", "active", RC_T_SHORT);
		rc_service_containers(rq, svc, "starting", "running",
		    RC_T_SHORT, true);
	} else if (strcmp(action, "deactivate") == 0) {
		if (!rc_state_in(s->state, deact_from)) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "deactivating", "inactive", RC_T_SHORT);
		rc_service_containers(rq, svc, "stopping", "stopped",
		    RC_T_SHORT, false);
		rc_service_takes_node(w, s);
	} else if (strcmp(action, "remove") == 0) {
		if (strcmp(s->state, "removed") == 0 ||
		    strcmp(s->state, "removing") == 0) {
			rc_conflict(rq);
			return;
		}
		RC_START(s, w, "removing", "removed", RC_T_SHORT);
		rc_service_containers(rq, svc, "removing", "removed",
		    RC_T_SHORT, false);
		rc_service_takes_node(w, s);
	} else {
		rc_error(rq, 404, "NotFound", NULL);
		return;
	}
	rc_send(rq, 202, rc_service_json(rq, svc));
}

/* docker-compose.yml and rancher-compose.yml of a stack. */
static void
rc_export(struct rc_req *rq, int stack, json_t *body)
{
	struct rc_state	*st = rq->st;
	struct rc_service *s;
	struct buf	 dc = { 0 }, rcmp = { 0 };
	json_t		*ids = json_object_get(body, "serviceIds"), *id;
	size_t		 i, k;
	bool		 want;

	buf_adds(&dc, "version: '2'\nservices:\n");
	buf_adds(&rcmp, "version: '2'\nservices:\n");
	for (i = 0; i < st->nservices; i++) {
		s = &st->services[i];
		if (s->stack != stack)
			continue;
		want = !json_is_array(ids) || json_array_size(ids) == 0;
		json_array_foreach(ids, k, id) {
			if (json_is_string(id) &&
			    strcmp(json_string_value(id), s->id) == 0)
				want = true;
		}
		if (!want)
			continue;
		buf_printf(&dc, "  %s:\n    image: %s\n", s->name,
		    strncmp(s->image, "docker:", 7) == 0 ? s->image + 7 :
		    s->image);
		if (strcmp(s->name, "bbb") == 0)
			buf_adds(&dc, "    network_mode: host\n");
		buf_adds(&dc, "    labels:\n");
		if (s->global)
			buf_adds(&dc, "      io.rancher.scheduler.global: "
			    "'true'\n");
		else
			buf_printf(&dc, "      io.rancher.scheduler.affinity:"
			    "host_label: role=%s\n", s->node >= 0 ? "bbb" :
			    "infra");
		buf_printf(&rcmp, "  %s:\n", s->name);
		if (!s->global)
			buf_printf(&rcmp, "    scale: %d\n", s->scale);
		buf_adds(&rcmp, "    start_on_create: true\n");
	}
	rc_send(rq, 200, json_pack("{s:n, s:s, s:{}, s:{}, s:s, s:s}",
	    "id",
	    "type", "composeConfig",
	    "links",
	    "actions",
	    "dockerComposeConfig", dc.data,
	    "rancherComposeConfig", rcmp.data));
	buf_free(&dc);
	buf_free(&rcmp);
}

static void rc_remove_stack(struct rc_req *, int);

static void
rc_stack_action(struct rc_req *rq, int stack, const char *action,
    json_t *body)
{
	struct rc_state	*st = rq->st;
	size_t		 i;
	bool		 activate;

	if (strcmp(action, "exportconfig") == 0) {
		rc_export(rq, stack, body);
		return;
	}
	if (strcmp(action, "remove") == 0) {
		rc_remove_stack(rq, stack);
		return;
	}
	if (strcmp(action, "activateservices") != 0 &&
	    strcmp(action, "deactivateservices") != 0) {
		rc_error(rq, 404, "NotFound", NULL);
		return;
	}
	if (strcmp(st->stacks[stack].state, "active") != 0) {
		rc_conflict(rq);
		return;
	}
	activate = action[0] == 'a';
	for (i = 0; i < st->nservices; i++) {
		struct rc_service *s = &st->services[i];

		if (s->stack != stack)
			continue;
		if (activate && strcmp(s->state, "inactive") == 0) {
			RC_START(s, rq->w, "activating", "active", RC_T_SHORT);
			rc_service_containers(rq, (int)i, "starting",
			    "running", RC_T_SHORT, true);
		} else if (!activate && strcmp(s->state, "active") == 0) {
			RC_START(s, rq->w, "deactivating", "inactive",
			    RC_T_SHORT);
			rc_service_containers(rq, (int)i, "stopping",
			    "stopped", RC_T_SHORT, false);
			rc_service_takes_node(rq->w, s);
		}
	}
	rc_send(rq, 202, rc_stack_json(rq, stack));
}

static void
rc_host_action(struct rc_req *rq, int host, const char *action)
{
	char		*state = rc_host_state(rq, host);
	struct rc_hostp	*hp = rc_host_proc(rq, host);
	json_t		*o;

	if (strcmp(action, "deactivate") == 0) {
		if (strcmp(state, "active") != 0) {
			rc_conflict(rq);
			return;
		}
		snprintf(state, 24, "deactivating");
		snprintf(hp->next, sizeof hp->next, "inactive");
	} else if (strcmp(action, "activate") == 0) {
		if (strcmp(state, "inactive") != 0) {
			rc_conflict(rq);
			return;
		}
		snprintf(state, 24, "activating");
		snprintf(hp->next, sizeof hp->next, "active");
	} else if (strcmp(action, "remove") == 0) {
		/* Not from active: deactivate first (apis.md §1.7). */
		if (strcmp(state, "inactive") != 0) {
			rc_conflict(rq);
			return;
		}
		snprintf(state, 24, "removing");
		snprintf(hp->next, sizeof hp->next, "removed");
	} else if (strcmp(action, "purge") == 0) {
		if (strcmp(state, "removed") != 0) {
			rc_conflict(rq);
			return;
		}
		snprintf(state, 24, "purging");
		snprintf(hp->next, sizeof hp->next, "purged");
	} else {
		rc_error(rq, 404, "NotFound", NULL);
		return;
	}
	hp->until_ms = rq->w->now_ms + RC_T_SHORT;
	o = rc_host_json(rq, host);
	rc_host_emit(o);
	rc_send(rq, 202, o);
}

static void
rc_container_action(struct rc_req *rq, int i, const char *action)
{
	struct rc_container *c = &rq->st->containers[i];

	if (strcmp(action, "stop") == 0 && strcmp(c->state, "running") == 0)
		RC_START(c, rq->w, "stopping", "stopped", RC_T_SHORT);
	else if (strcmp(action, "start") == 0 &&
	    strcmp(c->state, "stopped") == 0) {
		RC_START(c, rq->w, "starting", "running", RC_T_SHORT);
		c->start_count++;
	} else if (strcmp(action, "restart") == 0 &&
	    strcmp(c->state, "running") == 0) {
		RC_START(c, rq->w, "restarting", "running", RC_T_SHORT);
		c->start_count++;
	} else if (strcmp(action, "remove") == 0 &&
	    strcmp(c->state, "stopped") == 0)
		RC_START(c, rq->w, "removing", "removed", RC_T_SHORT);
	else if (strcmp(action, "stop") == 0 || strcmp(action, "start") == 0 ||
	    strcmp(action, "restart") == 0 || strcmp(action, "remove") == 0) {
		rc_conflict(rq);
		return;
	} else {
		rc_error(rq, 404, "NotFound", NULL);
		return;
	}
	rc_send(rq, 202, rc_container_json(rq, i));
}

/*
 * A registration token (a credential): cattle's default processes
 * (apis.md §1.7): deactivate active -> inactive; activate inactive ->
 * active; remove inactive|registering -> removed (not from active:
 * deactivate first); purge removed -> purged.
 */
static void
rc_token_action(struct rc_req *rq, int i, const char *action)
{
	struct rc_token	*t = &rq->st->tokens[i];
	static const char *const rm_from[] = { "inactive", "registering",
	    "requested", NULL };
	const char	*during, *next;

	if (strcmp(action, "deactivate") == 0 &&
	    strcmp(t->state, "active") == 0) {
		during = "deactivating";
		next = "inactive";
	} else if (strcmp(action, "activate") == 0 &&
	    strcmp(t->state, "inactive") == 0) {
		during = "activating";
		next = "active";
	} else if (strcmp(action, "remove") == 0 &&
	    rc_state_in(t->state, rm_from)) {
		during = "removing";
		next = "removed";
	} else if (strcmp(action, "purge") == 0 &&
	    strcmp(t->state, "removed") == 0) {
		during = "purging";
		next = "purged";
	} else if (strcmp(action, "deactivate") == 0 ||
	    strcmp(action, "activate") == 0 || strcmp(action, "remove") == 0 ||
	    strcmp(action, "purge") == 0) {
		rc_conflict(rq);
		return;
	} else {
		rc_error(rq, 404, "NotFound", NULL);
		return;
	}
	snprintf(t->state, sizeof t->state, "%s", during);
	snprintf(t->next, sizeof t->next, "%s", next);
	t->until_ms = rq->w->now_ms + RC_T_SHORT;
	rc_send(rq, 202, rc_token_json(rq, i));
}

/* --- routing -------------------------------------------------------------- */

static bool
rc_type_of(const char *coll, enum rc_type *t)
{
	static const enum rc_type types[] = { RC_STACK, RC_SERVICE, RC_HOST,
	    RC_CONTAINER, RC_TOKEN };
	size_t	 i;

	for (i = 0; i < nitems(types); i++) {
		if (strcmp(coll, rc_coll_name(types[i])) == 0) {
			*t = types[i];
			return (true);
		}
	}
	if (strcmp(coll, "instances") == 0) {
		*t = RC_CONTAINER;
		return (true);
	}
	return (false);
}

static void
rc_root(struct rc_req *rq)
{
	static const char *colls[] = { "projects", "schemas", "stacks",
	    "services", "hosts", "containers", "instances",
	    "registrationtokens" };
	json_t	*links;
	char	*url;
	size_t	 i;

	links = json_object();
	json_object_set_new(links, "self", json_string(rq->base));
	for (i = 0; i < nitems(colls); i++) {
		url = xasprintf("%s/%s", rq->base, colls[i]);
		json_object_set_new(links, colls[i], json_string(url));
		free(url);
	}
	rc_send(rq, 200, json_pack("{s:s, s:s, s:o, s:{}}", "id", "v2-beta",
	    "type", "apiVersion", "links", links, "actions"));
}

static void
rc_schemas(struct rc_req *rq)
{
	static const enum rc_type types[] = { RC_STACK, RC_SERVICE, RC_HOST,
	    RC_CONTAINER, RC_TOKEN };
	json_t	*data = json_array(), *o;
	char	*self, *coll;
	size_t	 i;

	for (i = 0; i < nitems(types); i++) {
		self = xasprintf("%s/schemas/%s", rq->base,
		    rc_type_name(types[i]));
		coll = xasprintf("%s/%s", rq->proj, rc_coll_name(types[i]));
		o = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{}, "
		    "s:[s, s], s:[s, s, s], s:{}}",
		    "id", rc_type_name(types[i]),
		    "type", "schema",
		    "links", "self", self, "collection", coll,
		    "actions",
		    "collectionMethods", "GET", "POST",
		    "resourceMethods", "GET", "PUT", "DELETE",
		    "resourceFields");
		json_array_append_new(data, o);
		free(self);
		free(coll);
	}
	self = xasprintf("%s/schemas", rq->base);
	rc_send(rq, 200, json_pack("{s:s, s:s, s:{s:s}, s:{}, s:{}, s:o}",
	    "type", "collection", "resourceType", "schema",
	    "links", "self", self, "createTypes", "actions", "data", data));
	free(self);
}

static void
rc_create_token(struct rc_req *rq, json_t *body)
{
	struct rc_state	*st = rq->st;
	struct rc_token	*t;
	json_t		*name = json_object_get(body, "name");
	size_t		 i;

	st->tokens = xreallocarray(st->tokens, st->ntokens + 1,
	    sizeof *st->tokens);
	t = &st->tokens[st->ntokens];
	memset(t, 0, sizeof *t);
	rc_id(st, "c", t->id, sizeof t->id);
	if (json_is_string(name))
		snprintf(t->name, sizeof t->name, "%s", json_string_value(name));
	snprintf(t->state, sizeof t->state, "registering");
	t->until_ms = rq->w->now_ms + RC_T_SHORT;
	t->created_ms = rq->w->now_ms;
	for (i = 0; i < 20; i++)
		t->token[i] = "0123456789ABCDEF"[(int)(sim_rand(rq->w) * 16)];
	snprintf(t->token + 20, sizeof t->token - 20, ":%lld:",
	    (long long)(rq->w->now_ms / 1000 * 1000));
	for (i = strlen(t->token); i < 20 + 15 + 30; i++)
		t->token[i] = "abcdefghijkmnopqrstuvwxyzABCDEFGH"
		    "JKLMNPQRSTUVWXYZ23456789"[(int)(sim_rand(rq->w) * 57)];
	t->token[i] = '\0';
	st->ntokens++;
	rc_send(rq, 201, rc_token_json(rq, (int)st->ntokens - 1));
}

/*
 * POST /stacks {name, dockerCompose, rancherCompose, environment,
 * startOnCreate}: its services from the compose file (sim-compose.c),
 * each on the registered host whose labels hold its scheduling label
 * (io.rancher.scheduler.affinity:host_label k=v); activating -> active.
 * A service whose label no host has is created and stays activating,
 * as Rancher's scheduler leaves it waiting for a host.
 */
static void
rc_create_stack(struct rc_req *rq, json_t *body)
{
	struct rc_state		*st = rq->st;
	struct sim_compose_svc	*sv = NULL;
	json_t			*name, *dc, *env;
	char			*cause = NULL, pat[200];
	size_t			 nsv = 0, i, k;
	int			 stack, node = -1, svc;
	bool			 start, placed, infra = false;
	json_t			*lbs;

	name = json_object_get(body, "name");
	dc = json_object_get(body, "dockerCompose");
	env = json_object_get(body, "environment");
	start = !json_is_false(json_object_get(body, "startOnCreate"));
	if (!json_is_string(name) || *json_string_value(name) == '\0') {
		rc_error(rq, 422, "MissingRequired", "name");
		return;
	}
	for (i = 0; i < st->nstacks; i++) {
		if (strcmp(st->stacks[i].name, json_string_value(name)) == 0 &&
		    strcmp(st->stacks[i].state, "removed") != 0) {
			rc_error(rq, 422, "NotUnique", "name");
			return;
		}
	}
	if (!json_is_string(dc) || sim_compose_parse(json_string_value(dc),
	    strlen(json_string_value(dc)), env, &sv, &nsv, &cause) != 0) {
		rc_error(rq, 422, "InvalidReference", cause != NULL ? cause :
		    "dockerCompose");
		free(cause);
		return;
	}
	/* The host of the first scheduling label: the stack's node. */
	for (i = 0; i < nsv && node < 0 && !infra; i++) {
		if (sv[i].host_label == NULL)
			continue;
		/* the infrastructure host's own label (rc_host_labels) */
		if (strcmp(sv[i].host_label, "role=infra") == 0 &&
		    strcmp(st->infra_host_state, "active") == 0) {
			infra = true;
			break;
		}
		for (k = 0; k < rq->w->nnodes; k++) {
			const struct sim_node *n = &rq->w->nodes[k];

			snprintf(pat, sizeof pat, "&%s&", n->host_labels);
			if (n->host_id[0] == '\0' ||
			    strcmp(n->host_state, "active") != 0)
				continue;
			if (strstr(pat, sv[i].host_label) != NULL &&
			    pat[strstr(pat, sv[i].host_label) - pat - 1] ==
			    '&' && pat[strstr(pat, sv[i].host_label) - pat +
			    (long)strlen(sv[i].host_label)] == '&') {
				node = (int)k;
				break;
			}
		}
	}
	placed = node >= 0 || infra;
	/* scalelite runs with the secret its stack was given */
	if (strcmp(json_string_value(name), "bbb-scalelite") == 0 &&
	    json_is_string(lbs = json_object_get(env, "LOADBALANCER_SECRET")) &&
	    *json_string_value(lbs) != '\0')
		snprintf(rq->w->sl_secret, sizeof rq->w->sl_secret, "%s",
		    json_string_value(lbs));
	/* BBB on a node runs with its stack's BBB_SECRET */
	if (node >= 0 && json_is_string(lbs = json_object_get(env,
	    "BBB_SECRET")) && *json_string_value(lbs) != '\0' &&
	    strlen(json_string_value(lbs)) < sizeof rq->w->nodes[node].secret)
		snprintf(rq->w->nodes[node].secret,
		    sizeof rq->w->nodes[node].secret, "%s",
		    json_string_value(lbs));
	stack = rc_add_stack(st, json_string_value(name), node,
	    rq->w->now_ms);
	st->stacks[stack].posted = true;
	for (i = 0; i < nsv; i++) {
		svc = rc_add_service(rq->w, st, stack, sv[i].name,
		    strncmp(sv[i].image, "docker:", 7) == 0 ? sv[i].image + 7 :
		    sv[i].image, strncmp(sv[i].image,
		    "rancher/lb-service-haproxy", 26) == 0 ? 2 : 0);
		st->services[svc].created_ms = rq->w->now_ms;
		if (!start) {
			snprintf(st->services[svc].state,
			    sizeof st->services[svc].state, "inactive");
			rc_service_containers(rq, svc, "stopped", "stopped",
			    0, false);
		} else if (placed) {
			RC_START(&st->services[svc], rq->w, "activating",
			    "active", RC_T_SHORT);
			rc_service_containers(rq, svc, "starting", "running",
			    RC_T_SHORT, false);
		} else
			snprintf(st->services[svc].state,
			    sizeof st->services[svc].state, "activating");
	}
	if (placed && start)
		RC_START(&st->stacks[stack], rq->w, "activating", "active",
		    RC_T_SHORT);
	else
		snprintf(st->stacks[stack].state,
		    sizeof st->stacks[stack].state, "activating");
	sim_compose_free(sv, nsv);
	rc_send(rq, 201, rc_stack_json(rq, stack));
}

/* Stack remove (DELETE, ?action=remove): its services and containers go. */
static void
rc_remove_stack(struct rc_req *rq, int stack)
{
	struct rc_state	*st = rq->st;
	struct rc_stack	*sk = &st->stacks[stack];
	size_t		 i;

	if (strcmp(sk->state, "removed") == 0 ||
	    strcmp(sk->state, "removing") == 0) {
		rc_send(rq, 202, rc_stack_json(rq, stack));
		return;
	}
	for (i = 0; i < sk->nsvcs; i++) {
		struct rc_service *s = &st->services[sk->svcs[i]];

		RC_START(s, rq->w, "removing", "removed", RC_T_SHORT);
		rc_service_containers(rq, sk->svcs[i], "removing", "removed",
		    RC_T_SHORT, false);
	}
	RC_START(sk, rq->w, "removing", "removed", RC_T_SHORT);
	sk->removed_ms = rq->w->now_ms + RC_T_SHORT;
	rc_send(rq, 202, rc_stack_json(rq, stack));
}

/* --- scale out: a new VM boots ------------------------------------------ */

int
sim_rancher_boot(struct sim_world *w, size_t node, const char *user_data)
{
	struct rc_state	*st = rc_state(w);
	struct sim_node	*n = &w->nodes[node];
	const char	*p, *e;
	char		 want[160];
	size_t		 i, len;
	bool		 ok = false;

	for (i = 0; i < st->ntokens && !ok; i++) {
		if (strcmp(st->tokens[i].state, "active") != 0)
			continue;
		snprintf(want, sizeof want, "/scripts/%s",
		    st->tokens[i].token);
		ok = strstr(user_data, want) != NULL;
	}
	if (!ok)
		return (-1);
	n->host_labels[0] = '\0';
	if ((p = strstr(user_data, "CATTLE_HOST_LABELS=")) != NULL) {
		p += strlen("CATTLE_HOST_LABELS=");
		if (*p == '\'' || *p == '"')
			p++;
		len = strcspn(p, "'\" \t\n");
		e = p + len;
		snprintf(n->host_labels, sizeof n->host_labels, "%.*s",
		    (int)(e - p), p);
	}
	rc_id(st, "h", n->host_id, sizeof n->host_id);
	snprintf(n->host_state, sizeof n->host_state, "registering");
	n->agent_state[0] = '\0';
	rc_sync(w, st);
	snprintf(st->hostp[node].next, sizeof st->hostp[node].next,
	    "active");
	st->hostp[node].until_ms = w->now_ms + RC_T_SHORT;
	sim_node_changed(w, node);
	return (0);
}

static void
rc_update_service(struct rc_req *rq, int svc, json_t *body)
{
	struct rc_service *s = &rq->st->services[svc];
	json_t		*scale = json_object_get(body, "scale");
	json_t		*name = json_object_get(body, "name");

	if (scale != NULL && !json_is_null(scale)) {
		if (!json_is_integer(scale) || json_integer_value(scale) < 0) {
			rc_error(rq, 422, "InvalidFormat", NULL);
			return;
		}
		if (!s->global && json_integer_value(scale) != s->scale) {
			if (json_integer_value(scale) > 1000) {
				rc_error(rq, 422, "MaxLimitExceeded", NULL);
				return;
			}
			s->scale = (int)json_integer_value(scale);
			if (strcmp(s->state, "active") == 0)
				RC_START(s, rq->w, "updating-active", "active",
				    RC_T_SHORT);
			rc_service_rescale(rq, svc);
		}
	}
	if (json_is_string(name) && *json_string_value(name) != '\0')
		snprintf(s->name, sizeof s->name, "%s", json_string_value(name));
	rc_send(rq, 200, rc_service_json(rq, svc));
}

void
sim_rancher_handle(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	struct rc_req	 rq;
	const char	*p, *host;
	char		 seg[4][64], *action = NULL;
	size_t		 nseg = 0, n;
	enum rc_type	 t, lt;
	json_t		*body = NULL, *rows;
	json_error_t	 err;
	char		*self;
	int		 i;

	memset(&rq, 0, sizeof rq);
	rq.w = w;
	rq.q = q;
	rq.r = r;
	rq.st = rc_state(w);
	host = q->host != NULL && *q->host != '\0' ? q->host : NULL;
	if (host != NULL)
		rq.base = xasprintf("http://%s/v2-beta", host);
	else {
		self = sim_url(w, SIM_RANCHER);
		rq.base = xasprintf("%s/v2-beta", self);
		free(self);
	}
	rq.proj = xasprintf("%s/projects/%s", rq.base, RC_PROJECT);

	if (strncmp(q->path, "/v2-beta", 8) != 0 ||
	    (q->path[8] != '\0' && q->path[8] != '/')) {
		if (strcmp(q->path, "/") == 0 || strcmp(q->path, "/ping") == 0)
			sim_resp_printf(r, 200, "text/plain", "pong");
		else
			rc_error(&rq, 404, "NotFound", NULL);
		goto out;
	}
	if (!rc_authorized(&rq)) {
		rc_error(&rq, 401, "Unauthorized", NULL);
		sim_resp_header(r, "WWW-Authenticate", "Basic realm=\"Enter "
		    "API access key and secret key as username and "
		    "password\"");
		goto out;
	}

	/* Segments after /v2-beta; projects/1a5 is the default scope. */
	for (p = q->path + 8; *p != '\0';) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, "/");
		if (nseg == nitems(seg) + 2 || n >= sizeof seg[0]) {
			rc_error(&rq, 404, "NotFound", NULL);
			goto out;
		}
		if (nseg == 0 && n == 8 && strncmp(p, "projects", 8) == 0 &&
		    p[n] == '/') {
			p += n;
			while (*p == '/')
				p++;
			n = strcspn(p, "/");
			if (n != strlen(RC_PROJECT) ||
			    strncmp(p, RC_PROJECT, n) != 0) {
				rc_error(&rq, 404, "NotFound", NULL);
				goto out;
			}
			p += n;
			if (*p == '\0') {
				rc_send(&rq, 200, rc_project_json(&rq));
				goto out;
			}
			continue;
		}
		if (nseg >= nitems(seg)) {
			rc_error(&rq, 404, "NotFound", NULL);
			goto out;
		}
		memcpy(seg[nseg], p, n);
		seg[nseg][n] = '\0';
		nseg++;
		p += n;
	}

	if (nseg == 0) {
		rc_root(&rq);
		goto out;
	}
	if (nseg == 1 && strcmp(seg[0], "projects") == 0) {
		rows = json_array();
		json_array_append_new(rows, rc_project_json(&rq));
		self = xasprintf("%s/projects", rq.base);
		rc_send(&rq, 200, json_pack("{s:s, s:s, s:{s:s}, s:{}, s:{}, "
		    "s:{s:n, s:n, s:n, s:i, s:n, s:b}, s:n, s:{}, s:{}, s:o}",
		    "type", "collection", "resourceType", "project",
		    "links", "self", self, "createTypes", "actions",
		    "pagination", "first", "previous", "next", "limit",
		    RC_DEF_LIMIT, "total", "partial", 0, "sort", "filters",
		    "sortLinks", "data", rows));
		free(self);
		goto out;
	}
	if (nseg == 1 && strcmp(seg[0], "schemas") == 0) {
		rc_schemas(&rq);
		goto out;
	}
	if (!rc_type_of(seg[0], &t) || nseg > 3) {
		rc_error(&rq, 404, "NotFound", NULL);
		goto out;
	}

	if (q->bodylen > 0) {
		body = json_loadb(q->body, q->bodylen, JSON_DECODE_ANY, &err);
		if (body == NULL || !json_is_object(body)) {
			rc_error(&rq, 422, "InvalidBodyContent", NULL);
			goto out;
		}
	}

	self = xasprintf("%s/%s", rq.proj, rc_coll_name(t));
	if (nseg == 1) {
		if (strcmp(q->method, "GET") == 0)
			rc_list(&rq, t, t, -2, self);
		else if (strcmp(q->method, "POST") == 0 && t == RC_TOKEN)
			rc_create_token(&rq, body);
		else if (strcmp(q->method, "POST") == 0 && t == RC_STACK)
			rc_create_stack(&rq, body);
		else
			rc_error(&rq, 405, "MethodNotAllowed", NULL);
		free(self);
		goto out;
	}
	free(self);

	if ((i = rc_find(&rq, t, seg[1])) == -2) {
		rc_error(&rq, 404, "NotFound", NULL);
		goto out;
	}
	if (nseg == 3) {
		/* Links: stacks/X/services, services/X/instances, ... */
		if (strcmp(q->method, "GET") != 0 || !rc_type_of(seg[2], &lt) ||
		    (t == RC_STACK && lt != RC_SERVICE) ||
		    (t == RC_SERVICE && lt != RC_CONTAINER) ||
		    (t == RC_HOST && lt != RC_CONTAINER) ||
		    (t == RC_CONTAINER && lt != RC_SERVICE &&
		    lt != RC_HOST) || t == RC_TOKEN) {
			rc_error(&rq, 404, "NotFound", NULL);
			goto out;
		}
		self = xasprintf("%s/%s/%s/%s", rq.proj, rc_coll_name(t),
		    seg[1], seg[2]);
		rc_list(&rq, lt, t, i, self);
		free(self);
		goto out;
	}

	action = sim_query_get(q->query, "action");
	if (strcmp(q->method, "POST") == 0 && action != NULL) {
		if (t == RC_SERVICE)
			rc_service_action(&rq, i, action, body);
		else if (t == RC_STACK)
			rc_stack_action(&rq, i, action, body);
		else if (t == RC_HOST)
			rc_host_action(&rq, i, action);
		else if (t == RC_CONTAINER)
			rc_container_action(&rq, i, action);
		else if (t == RC_TOKEN)
			rc_token_action(&rq, i, action);
		else
			rc_error(&rq, 404, "NotFound", NULL);
	} else if (strcmp(q->method, "GET") == 0)
		rc_send(&rq, 200, rc_one(&rq, t, i));
	else if (strcmp(q->method, "PUT") == 0 && t == RC_SERVICE)
		rc_update_service(&rq, i, body);
	else if (strcmp(q->method, "PUT") == 0)
		rc_send(&rq, 200, rc_one(&rq, t, i));
	else if (strcmp(q->method, "DELETE") == 0 && t == RC_HOST) {
		if (strcmp(rc_host_state(&rq, i), "inactive") != 0)
			rc_error(&rq, 405, "MethodNotAllowed", NULL);
		else
			rc_host_action(&rq, i, "remove");
	} else if (strcmp(q->method, "DELETE") == 0 && t == RC_SERVICE)
		rc_service_action(&rq, i, "remove", body);
	else if (strcmp(q->method, "DELETE") == 0 && t == RC_STACK)
		rc_remove_stack(&rq, i);
	else if (strcmp(q->method, "DELETE") == 0 && t == RC_TOKEN)
		rc_token_action(&rq, i, "remove");
	else
		rc_error(&rq, 405, "MethodNotAllowed", NULL);
out:
	free(action);
	json_decref(body);
	free(rq.base);
	free(rq.proj);
}
