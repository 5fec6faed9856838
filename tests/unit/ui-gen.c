/* ui-gen.c: see ui-gen.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "util.h"
#include "ui-gen.h"

static uint64_t
gen_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static double
gen_unit(uint64_t *s)
{
	return ((double)(gen_rand(s) % 1000000) / 1000000.0);
}

const char *
ui_gen_name(size_t n, size_t i)
{
	static char	 name[32];

	snprintf(name, sizeof name, n > 99 ? "bbb-%04zu" : "bbb-%02zu",
	    i + 1);
	return (name);
}

static void
gen_figure(struct fleet_prom_figure *fg, const char *name, size_t n,
    uint64_t *s, double lo, double hi, size_t hot)
{
	size_t	 i;
	char	 inst[48];

	fg->name = xstrdup(name);
	fg->samples = xcalloc(n, sizeof *fg->samples);
	fg->nsamples = n;
	for (i = 0; i < n; i++) {
		snprintf(inst, sizeof inst, "%s:9100", ui_gen_name(n, i));
		fg->samples[i].instance = xstrdup(inst);
		fg->samples[i].value = lo + (hi - lo) * gen_unit(s);
		if (i == hot)
			fg->samples[i].value = 95;
		if (hi - lo >= 1)
			fg->samples[i].value = floor(fg->samples[i].value);
	}
}

void
ui_gen_prom(struct fleet *f, size_t n, uint64_t seed, int64_t now)
{
	static const struct {
		const char	*name;
		double		 lo, hi;
	} figs[] = {
		{ "cpu", 5, 70 }, { "mem", 20, 70 }, { "load1", 0, 4 },
		{ "net_in", 1e5, 5e7 }, { "net_out", 1e5, 9e7 },
		{ "meetings", 0, 12 }, { "participants", 0, 300 },
		{ "voice", 0, 100 }, { "video", 0, 40 },
		{ "listeners", 0, 150 }, { "api_up", 1, 1 }, { "up", 1, 1 },
	};
	struct fleet_prom_update	*u;
	uint64_t			 s = seed | 1;
	size_t				 i;

	u = xcalloc(1, sizeof *u);
	u->figures = xcalloc(nitems(figs), sizeof *u->figures);
	u->nfigures = nitems(figs);
	for (i = 0; i < nitems(figs); i++)
		gen_figure(&u->figures[i], figs[i].name, n, &s, figs[i].lo,
		    figs[i].hi, strcmp(figs[i].name, "cpu") == 0 && n >= 10 ?
		    8 : (size_t)-1);
	fleet_apply_prom(f, u, now);
}

static void
gen_consul(struct fleet *f, size_t n, int64_t now)
{
	struct fleet_consul_update	*u;
	struct fleet_consul_node_u	*cn;
	size_t				 i;

	u = xcalloc(1, sizeof *u);
	u->index = 42;
	u->nodes = xcalloc(n, sizeof *u->nodes);
	u->nnodes = n;
	for (i = 0; i < n; i++) {
		cn = &u->nodes[i];
		cn->node = xstrdup(ui_gen_name(n, i));
		cn->address = xasprintf("10.0.%zu.%zu", i / 250, i % 250 + 1);
		cn->checks = xcalloc(2, sizeof *cn->checks);
		cn->nchecks = 2;
		cn->checks[0].check_id = xstrdup("serfHealth");
		cn->checks[0].name = xstrdup("Serf Health Status");
		cn->checks[0].status = FLEET_HEALTH_PASSING;
		cn->checks[0].output = xstrdup("Agent alive and reachable");
		cn->checks[1].check_id = xstrdup("service:bbb");
		cn->checks[1].name = xstrdup("bbb api");
		cn->checks[1].status = n >= 10 && i == 6 ?
		    FLEET_HEALTH_CRITICAL : FLEET_HEALTH_PASSING;
		cn->checks[1].output = xstrdup(n >= 10 && i == 6 ?
		    "HTTP GET https://bbb/api: 502 Bad Gateway" :
		    "HTTP GET https://bbb/api: 200 OK");
	}
	fleet_apply_consul(f, u, now);
}

static void
gen_scalelite(struct fleet *f, size_t n, uint64_t *s, int64_t now)
{
	struct fleet_scalelite_update	*u;
	struct fleet_sl_server_u	*sv;
	size_t				 i;

	u = xcalloc(1, sizeof *u);
	u->servers = xcalloc(n, sizeof *u->servers);
	u->nservers = n;
	for (i = 0; i < n; i++) {
		sv = &u->servers[i];
		sv->id = xasprintf("%08zx-0000-4000-8000-000000000000", i);
		sv->url = xasprintf("https://%s.example.org/bigbluebutton/api",
		    ui_gen_name(n, i));
		sv->state = n >= 10 && i == 4 ? FLEET_LB_CORDONED :
		    FLEET_LB_ENABLED;
		sv->online = n >= 10 && i == 2 ? 0 : 1;
		sv->load = sv->online ? floor(300 * gen_unit(s)) : NAN;
		sv->load_multiplier = 1.0;
		sv->bbb_version = xstrdup("2.7.3");
	}
	fleet_apply_scalelite(f, u, now);
}

static void
gen_meetings(struct fleet *f, size_t n, uint64_t *s, int64_t now)
{
	struct fleet_meetings_update	*u;
	struct fleet_meeting_u		*m;
	size_t				 i, k = n * 2;

	u = xcalloc(1, sizeof *u);
	u->meetings = xcalloc(k, sizeof *u->meetings);
	u->nmeetings = k;
	for (i = 0; i < k; i++) {
		m = &u->meetings[i];
		m->meeting_id = xasprintf("meeting-%zu", i);
		m->name = xasprintf("Lecture %zu", i);
		m->node = xstrdup(ui_gen_name(n, i % n));
		m->participants = (int)(gen_rand(s) % 80);
		m->voice = m->participants / 3;
		m->video = m->participants / 8;
		m->listeners = m->participants - m->voice;
		m->moderators = 1;
		m->recording = i % 3 == 0;
		m->created = now - (int64_t)(gen_rand(s) % 7200) * 1000;
	}
	fleet_apply_meetings(f, u, now);
}

static void
gen_rancher(struct fleet *f, size_t n, int64_t now)
{
	struct fleet_rancher_update	*u;
	struct fleet_rancher_service_u	*sv;
	struct fleet_rancher_host_u	*h;
	size_t				 i;

	u = xcalloc(1, sizeof *u);
	u->stacks = xcalloc(1, sizeof *u->stacks);
	u->nstacks = 1;
	u->stacks[0].id = xstrdup("1st5");
	u->stacks[0].name = xstrdup("bbb");
	u->stacks[0].state = xstrdup("active");
	u->stacks[0].health = xstrdup("healthy");
	u->services = xcalloc(1, sizeof *u->services);
	u->nservices = 1;
	sv = &u->services[0];
	sv->id = xstrdup("1s10");
	sv->stack_id = xstrdup("1st5");
	sv->name = xstrdup("bbb-web");
	sv->state = xstrdup("active");
	sv->health = xstrdup("healthy");
	sv->scale = (int)n;
	sv->image = xstrdup("bigbluebutton/bbb-web:2.7.3");
	sv->instance_ids = xcalloc(n, sizeof *sv->instance_ids);
	sv->ninstance_ids = n;
	u->hosts = xcalloc(n, sizeof *u->hosts);
	u->nhosts = n;
	for (i = 0; i < n; i++) {
		sv->instance_ids[i] = xasprintf("1i%zu", i + 100);
		h = &u->hosts[i];
		h->id = xasprintf("1h%zu", i + 1);
		h->hostname = xstrdup(ui_gen_name(n, i));
		h->state = xstrdup("active");
		h->instance_ids = xcalloc(1, sizeof *h->instance_ids);
		h->instance_ids[0] = xasprintf("1i%zu", i + 100);
		h->ninstance_ids = 1;
	}
	fleet_apply_rancher(f, u, now);
}

static void
gen_openstack(struct fleet *f, size_t n, int64_t now)
{
	struct fleet_openstack_update	*u;
	struct fleet_os_server_u	*sv;
	size_t				 i;

	u = xcalloc(1, sizeof *u);
	u->servers = xcalloc(n, sizeof *u->servers);
	u->nservers = n;
	for (i = 0; i < n; i++) {
		sv = &u->servers[i];
		sv->id = xasprintf("%08zx-1111-4000-8000-000000000000", i);
		sv->name = xstrdup(ui_gen_name(n, i));
		sv->status = xstrdup("ACTIVE");
		sv->flavor = xstrdup("m1.xlarge");
		sv->addresses = xasprintf("10.0.%zu.%zu", i / 250,
		    i % 250 + 1);
		sv->created = now - 86400000LL * 30;
	}
	fleet_apply_openstack(f, u, now);
}

struct fleet *
ui_gen_fleet(size_t n, uint64_t seed, int64_t now)
{
	struct fleet	*f;
	uint64_t	 s = seed | 1;
	int		 src;

	f = fleet_new("demo");
	for (src = 0; src < FLEET_SRC_COUNT; src++) {
		fleet_source_enable(f, src, true);
		/* every source on a 2 s schedule, as Prometheus is polled */
		fleet_source_set_period(f, src, 4000);
	}
	gen_consul(f, n, now);
	gen_scalelite(f, n, &s, now);
	ui_gen_prom(f, n, seed, now - 4000);
	ui_gen_prom(f, n, seed + 1, now - 2000);
	ui_gen_prom(f, n, seed + 2, now);
	gen_meetings(f, n, &s, now);
	gen_rancher(f, n, now);
	gen_openstack(f, n, now);
	return (f);
}
