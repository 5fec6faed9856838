/*
 * fleet-helpers.h: build fleet updates in tests (header-only, static).
 */
#ifndef BBBCTL_FLEET_HELPERS_H
#define BBBCTL_FLEET_HELPERS_H

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "util.h"

static inline struct fleet_consul_update *
t_consul_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_consul_update)));
}

/* Add a node with one check of the given status. */
static inline void
t_consul_add(struct fleet_consul_update *u, const char *node,
    enum fleet_health status)
{
	struct fleet_consul_node_u	*cn;

	u->nodes = xreallocarray(u->nodes, u->nnodes + 1, sizeof *u->nodes);
	cn = &u->nodes[u->nnodes++];
	memset(cn, 0, sizeof *cn);
	cn->node = xstrdup(node);
	cn->address = xstrdup("10.0.0.1");
	cn->checks = xcalloc(2, sizeof *cn->checks);
	cn->nchecks = 2;
	cn->checks[0].check_id = xstrdup("serfHealth");
	cn->checks[0].name = xstrdup("Serf Health Status");
	cn->checks[0].status = FLEET_HEALTH_PASSING;
	cn->checks[1].check_id = xstrdup("service:bbb");
	cn->checks[1].name = xstrdup("bbb-web");
	cn->checks[1].status = status;
	cn->checks[1].output = xstrdup("HTTP GET: 200 OK");
}

static inline struct fleet_scalelite_update *
t_sl_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_scalelite_update)));
}

static inline void
t_sl_add(struct fleet_scalelite_update *u, const char *url,
    enum fleet_lb state, int online, double load)
{
	struct fleet_sl_server_u	*s;

	u->servers = xreallocarray(u->servers, u->nservers + 1,
	    sizeof *u->servers);
	s = &u->servers[u->nservers++];
	memset(s, 0, sizeof *s);
	s->id = xasprintf("id-%s", url);
	s->url = xstrdup(url);
	s->state = state;
	s->online = online;
	s->load = load;
	s->load_multiplier = 1.0;
	s->tag = NULL;
	s->bbb_version = xstrdup("2.7.3");
}

static inline struct fleet_prom_update *
t_prom_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_prom_update)));
}

static inline struct fleet_prom_figure *
t_prom_fig(struct fleet_prom_update *u, const char *name)
{
	struct fleet_prom_figure	*fg;
	size_t				 i;

	for (i = 0; i < u->nfigures; i++) {
		if (strcmp(u->figures[i].name, name) == 0)
			return (&u->figures[i]);
	}
	u->figures = xreallocarray(u->figures, u->nfigures + 1,
	    sizeof *u->figures);
	fg = &u->figures[u->nfigures++];
	memset(fg, 0, sizeof *fg);
	fg->name = xstrdup(name);
	return (fg);
}

static inline void
t_prom_add(struct fleet_prom_update *u, const char *name,
    const char *instance, double v)
{
	struct fleet_prom_figure	*fg = t_prom_fig(u, name);
	struct fleet_prom_sample	*s;

	fg->samples = xreallocarray(fg->samples, fg->nsamples + 1,
	    sizeof *fg->samples);
	s = &fg->samples[fg->nsamples++];
	s->instance = xstrdup(instance);
	s->job = NULL;
	s->value = v;
}

static inline void
t_prom_fail(struct fleet_prom_update *u, const char *name, const char *err)
{
	struct fleet_prom_figure	*fg = t_prom_fig(u, name);

	fg->failed = true;
	fg->error = xstrdup(err);
}

static inline struct fleet_openstack_update *
t_os_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_openstack_update)));
}

static inline void
t_os_add(struct fleet_openstack_update *u, const char *id, const char *name,
    const char *status)
{
	struct fleet_os_server_u	*s;

	u->servers = xreallocarray(u->servers, u->nservers + 1,
	    sizeof *u->servers);
	s = &u->servers[u->nservers++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	s->name = xstrdup(name);
	s->status = xstrdup(status);
	s->flavor = xstrdup("m1.xlarge");
	s->addresses = xstrdup("10.0.0.5");
	s->created = 1700000000000LL;
}

static inline struct fleet_rancher_update *
t_rancher_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_rancher_update)));
}

static inline void
t_rancher_stack(struct fleet_rancher_update *u, const char *id,
    const char *name, const char *state, const char *health)
{
	struct fleet_rancher_stack_u	*s;

	u->stacks = xreallocarray(u->stacks, u->nstacks + 1,
	    sizeof *u->stacks);
	s = &u->stacks[u->nstacks++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	s->name = xstrdup(name);
	s->state = xstrdup(state);
	s->health = xstrdup(health);
}

/* instances: a space-separated list */
static inline void
t_rancher_service(struct fleet_rancher_update *u, const char *id,
    const char *stack_id, const char *name, const char *state,
    const char *health, const char *instances)
{
	struct fleet_rancher_service_u	*s;
	char				*copy, *w, *save;

	u->services = xreallocarray(u->services, u->nservices + 1,
	    sizeof *u->services);
	s = &u->services[u->nservices++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	s->stack_id = xstrdup(stack_id);
	s->name = xstrdup(name);
	s->state = xstrdup(state);
	s->health = xstrdup(health);
	s->scale = 1;
	s->image = xstrdup("bigbluebutton/bbb:2.7");
	copy = xstrdup(instances);
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		s->instance_ids = xreallocarray(s->instance_ids,
		    s->ninstance_ids + 1, sizeof *s->instance_ids);
		s->instance_ids[s->ninstance_ids++] = xstrdup(w);
	}
	free(copy);
}

static inline void
t_rancher_host(struct fleet_rancher_update *u, const char *id,
    const char *hostname, const char *state, const char *agent,
    const char *instances)
{
	struct fleet_rancher_host_u	*h;
	char				*copy, *w, *save;

	u->hosts = xreallocarray(u->hosts, u->nhosts + 1, sizeof *u->hosts);
	h = &u->hosts[u->nhosts++];
	memset(h, 0, sizeof *h);
	h->id = xstrdup(id);
	h->hostname = xstrdup(hostname);
	h->state = xstrdup(state);
	h->agent_state = agent != NULL ? xstrdup(agent) : NULL;
	copy = xstrdup(instances);
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		h->instance_ids = xreallocarray(h->instance_ids,
		    h->ninstance_ids + 1, sizeof *h->instance_ids);
		h->instance_ids[h->ninstance_ids++] = xstrdup(w);
	}
	free(copy);
}

static inline struct fleet_meetings_update *
t_meetings_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_meetings_update)));
}

static inline void
t_meetings_add(struct fleet_meetings_update *u, const char *id,
    const char *node, int participants)
{
	struct fleet_meeting_u	*m;

	u->meetings = xreallocarray(u->meetings, u->nmeetings + 1,
	    sizeof *u->meetings);
	m = &u->meetings[u->nmeetings++];
	memset(m, 0, sizeof *m);
	m->meeting_id = xstrdup(id);
	m->name = xasprintf("room %s", id);
	m->node = node != NULL ? xstrdup(node) : NULL;
	m->participants = participants;
	m->voice = participants / 2;
	m->video = participants / 4;
	m->listeners = participants - participants / 2;
	m->moderators = 1;
}

#endif
