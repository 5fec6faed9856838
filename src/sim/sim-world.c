/*
 * sim-world.c: the simulated fleet behind every simulated API.
 *
 * Names, secrets and ids come from the seed, so that one seed always
 * gives the same fleet.  The meeting model runs in steps of at most
 * SIM_STEP_MS of simulated time: meetings arrive on enabled, online
 * nodes at a rate that follows a day curve on the simulated clock, grow
 * to their size, and end; node CPU, memory and network follow the
 * participants, and the counters (CPU seconds, network bytes) integrate
 * over simulated time so that rate() gives consistent answers.
 * scalelite's poller runs every POLL_INTERVAL of simulated time, with
 * scalelite's health counters and thresholds.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "sim/sim.h"

/* Optional hooks of other modules: NULL when not linked in. */
#pragma weak sim_rancher_tick
#pragma weak sim_openstack_tick
#pragma weak sim_scalelite_tick
#pragma weak sim_scalelite_meeting_ended
#pragma weak sim_consul_tick
#pragma weak sim_prom_tick
#pragma weak sim_rancher_free
#pragma weak sim_openstack_free
#pragma weak sim_prom_free
#pragma weak sim_scalelite_free
#pragma weak sim_metrics_free
#pragma weak sim_consul_free

#define SIM_STEP_MS		1000	/* model granularity */
#define SIM_MAX_STEP_MS		10000
/* meetings per node at the peak of the day */
#define SIM_PEAK_MEETINGS	12.0
#define SIM_MEAN_DURATION_S	(50 * 60)
#define SIM_HEALTHY_THRESHOLD	1	/* SERVER_HEALTHY_THRESHOLD */
#define SIM_UNHEALTHY_THRESHOLD	2	/* SERVER_UNHEALTHY_THRESHOLD */
/* LOAD_JOIN_BUFFER_TIME */
#define SIM_LOAD_JOIN_BUFFER_MS	(15 * 60 * 1000)
#define SIM_LOAD_MIN_USERS	15	/* LOAD_MIN_USER_COUNT */
#define SIM_NCPU		8

static const char *sim_meeting_names[] = {
	"Linear Algebra I", "Operating Systems", "Team stand-up",
	"Organic Chemistry", "Thesis defence", "Seminar: Distributed Systems",
	"Office hours", "Statistics tutorial", "Faculty board",
	"Intro to Programming", "Physics lab briefing", "Language cafe",
	"Project review", "Compiler Construction", "Medieval History",
	"Numerical Methods", "Study group", "Exam Q&A"
};

/* snprintf whose truncation is intended (bounded fields). */
static void printflike(3, 4)
sim_setf(char *dst, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(dst, size, fmt, ap);
	va_end(ap);
}

static uint64_t
sim_xorshift(uint64_t *s)
{
	uint64_t	x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (x * 0x2545F4914F6CDD1DULL);
}

double
sim_rand(struct sim_world *w)
{
	return ((sim_xorshift(&w->rng) >> 11) * (1.0 / 9007199254740992.0));
}

static void
sim_hex(uint64_t *s, char *out, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;
	uint64_t		 r = 0;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = sim_xorshift(s);
		out[i] = hex[r & 0xf];
		r >>= 4;
	}
	out[n] = '\0';
}

static void
sim_alnum(uint64_t *s, char *out, size_t n)
{
	static const char	 set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t			 i;

	for (i = 0; i < n; i++)
		out[i] = set[sim_xorshift(s) % (sizeof set - 1)];
	out[n] = '\0';
}

static void
sim_uuid(uint64_t *s, char *out)
{
	char	h[33];

	sim_hex(s, h, 32);
	snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 13,
	    h + 17, h + 20);
}

/* Fraction of the peak arrival rate at a simulated time (UTC hours). */
static double
sim_day_curve(int64_t ms)
{
	double	h, d, v;
	int64_t	day;

	h = fmod((double)ms / 3600000.0, 24.0);
	day = (ms / 86400000 + 4) % 7;	/* 0 = Sunday */
	/* a broad bell centred on 12:00, floor at night */
	d = (h - 12.0) / 4.0;
	v = 0.15 + 0.85 * exp(-d * d);
	if (day == 0 || day == 6)
		v *= 0.4;
	return (v);
}

static void
sim_meeting_size(struct sim_world *w, struct sim_meeting *m)
{
	double	r = sim_rand(w);

	/* many small meetings, a few lectures */
	if (r < 0.55)
		m->participants = 2 + (int)(sim_rand(w) * 9);
	else if (r < 0.9)
		m->participants = 10 + (int)(sim_rand(w) * 30);
	else
		m->participants = 40 + (int)(sim_rand(w) * 110);
}

/* Target size is kept in maxUsers-like fields; see sim_meeting_update. */
size_t
sim_world_add_meeting(struct sim_world *w, size_t node, const char *id,
    const char *name)
{
	struct sim_meeting	*m;
	char			 h[41];

	if (w->nmeetings == w->meetings_cap) {
		w->meetings_cap = w->meetings_cap ? w->meetings_cap * 2 : 256;
		w->meetings = xreallocarray(w->meetings, w->meetings_cap,
		    sizeof *w->meetings);
	}
	m = &w->meetings[w->nmeetings];
	memset(m, 0, sizeof *m);
	m->node = (int)node;
	m->created_ms = w->now_ms;
	m->ends_ms = w->now_ms + (int64_t)((600 + sim_rand(w) *
	    (2 * SIM_MEAN_DURATION_S - 1200)) * 1000);
	sim_hex(&w->rng, h, 40);
	if (id != NULL)
		snprintf(m->id, sizeof m->id, "%s", id);
	else
		snprintf(m->id, sizeof m->id, "%.8s-%.4s-%.4s", h, h + 8,
		    h + 12);
	snprintf(m->internal_id, sizeof m->internal_id, "%s-%lld", h,
	    (long long)m->created_ms);
	if (name != NULL)
		snprintf(m->name, sizeof m->name, "%s", name);
	else
		snprintf(m->name, sizeof m->name, "%s",
		    sim_meeting_names[sim_xorshift(&w->rng) %
		    nitems(sim_meeting_names)]);
	sim_meeting_size(w, m);
	m->target = m->participants;
	m->participants = id != NULL ? 0 : 1;
	m->moderators = m->target > 30 ? 2 : 1;
	m->recording = sim_rand(w) < 0.2;
	m->voice_share = 0.5 + sim_rand(w) * 0.4;
	m->video_share = sim_rand(w) * 0.3;
	sim_alnum(&w->rng, m->moderator_pw, 8);
	sim_alnum(&w->rng, m->attendee_pw, 8);
	m->voice_bridge = 10000 + (int)(sim_xorshift(&w->rng) % 90000);
	return (w->nmeetings++);
}

void
sim_world_end_meeting(struct sim_world *w, size_t i)
{
	if (i >= w->nmeetings)
		return;
	if (sim_scalelite_meeting_ended != NULL)
		sim_scalelite_meeting_ended(w, &w->meetings[i]);
	if (i != w->nmeetings - 1)
		w->meetings[i] = w->meetings[w->nmeetings - 1];
	w->nmeetings--;
}

void
sim_world_end_meetings(struct sim_world *w, size_t node)
{
	size_t	i = 0;

	while (i < w->nmeetings) {
		if (w->meetings[i].node == (int)node)
			sim_world_end_meeting(w, i);
		else
			i++;
	}
}

/* Participants ramp up over the first minutes, then wander a little. */
static void
sim_meeting_update(struct sim_world *w, struct sim_meeting *m)
{
	double	age, p;

	if (m->target == 0) {
		/* created through the API, nobody in it: stays empty */
		m->participants = m->voice = m->listeners = m->video = 0;
		return;
	}
	age = (double)(w->now_ms - m->created_ms) / 1000.0;
	p = m->target * fmin(1.0, 0.1 + age / 240.0);
	if (p < 1)
		p = 1;
	m->participants = (int)lround(p);
	if (m->participants < m->moderators)
		m->participants = m->moderators;
	m->voice = (int)lround(m->participants * m->voice_share);
	m->listeners = m->participants - m->voice;
	m->video = (int)lround(m->participants * m->video_share);
	if (m->video > 25)
		m->video = 25;
}

static bool
sim_node_takes_meetings(const struct sim_node *n)
{
	return (n->up && n->bbb_api_ok && n->in_scalelite && n->online &&
	    n->lb == SIM_LB_ENABLED);
}

double
sim_node_load_cpu(const struct sim_node *n)
{
	return (3.0 + n->participants * 0.2 + n->video * 0.6);
}

static void
sim_node_physics(struct sim_world *w, struct sim_node *n, double dt)
{
	double	cpu, busy;
	int	i;

	if (!n->up) {
		n->cpu = 0;
		n->net_in = n->net_out = 0;
		n->load1 = 0;
		return;
	}
	cpu = sim_node_load_cpu(n) + n->cpu_base;
	cpu += (sim_rand(w) - 0.5) * 3.0;
	n->cpu = fmax(0.5, fmin(100.0, cpu));
	n->mem_used = 2.5e9 + n->participants * 25e6 + n->video * 20e6;
	if (n->mem_used > n->mem_total * 0.97)
		n->mem_used = n->mem_total * 0.97;
	n->net_in = 8e3 + n->participants * 45e3 + n->video * 180e3;
	n->net_out = 8e3 + n->participants * 90e3 + n->video * 350e3;
	n->load1 = n->load1 + (n->cpu / 100.0 * n->ncpu - n->load1) *
	    fmin(1.0, dt / 60.0);
	for (i = 0; i < n->ncpu; i++) {
		busy = n->cpu / 100.0 * dt;
		n->cpu_seconds[i][1] += busy;
		n->cpu_seconds[i][0] += dt - busy;
	}
	n->net_rx_bytes += n->net_in * dt;
	n->net_tx_bytes += n->net_out * dt;
}

static void
sim_world_aggregate(struct sim_world *w)
{
	struct sim_node		*n;
	struct sim_meeting	*m;
	size_t			 i;

	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		n->nmeetings = n->participants = n->voice = n->video = 0;
		n->listeners = n->moderators = n->largest_meeting = 0;
	}
	for (i = 0; i < w->nmeetings; i++) {
		m = &w->meetings[i];
		n = &w->nodes[m->node];
		n->nmeetings++;
		n->participants += m->participants;
		n->voice += m->voice;
		n->video += m->video;
		n->listeners += m->listeners;
		n->moderators += m->moderators;
		if (m->participants > n->largest_meeting)
			n->largest_meeting = m->participants;
	}
}

/* One model step of dt_ms simulated milliseconds. */
static void
sim_world_step(struct sim_world *w, int64_t dt_ms)
{
	struct sim_node	*n;
	double		 dt = dt_ms / 1000.0, lambda;
	size_t		 i;

	w->now_ms += dt_ms;

	/* endings */
	i = 0;
	while (i < w->nmeetings) {
		if (w->meetings[i].ends_ms <= w->now_ms)
			sim_world_end_meeting(w, i);
		else
			i++;
	}

	/* arrivals: Bernoulli per step, the rate is small per step */
	lambda = SIM_PEAK_MEETINGS * sim_day_curve(w->now_ms) /
	    SIM_MEAN_DURATION_S * dt;
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (sim_node_takes_meetings(n) && sim_rand(w) < lambda)
			sim_world_add_meeting(w, i, NULL, NULL);
	}

	for (i = 0; i < w->nmeetings; i++)
		sim_meeting_update(w, &w->meetings[i]);
	sim_world_aggregate(w);
	for (i = 0; i < w->nnodes; i++)
		sim_node_physics(w, &w->nodes[i], dt);

	if (w->now_ms - w->last_poll_ms >= w->poll_interval_ms) {
		sim_world_poll(w);
		w->last_poll_ms = w->now_ms;
	}
}

/* Load as scalelite's poller computes it (poll.rake, since v1.0.11). */
static void
sim_world_sl_load(struct sim_world *w, double *load)
{
	struct sim_meeting	*m;
	int			 users;
	size_t			 i;

	for (i = 0; i < w->nnodes; i++)
		load[i] = 0;
	for (i = 0; i < w->nmeetings; i++) {
		m = &w->meetings[i];
		users = m->participants + m->moderators;
		if (w->now_ms - m->created_ms < SIM_LOAD_JOIN_BUFFER_MS &&
		    users < SIM_LOAD_MIN_USERS)
			users = SIM_LOAD_MIN_USERS;
		load[m->node] += users;
	}
}

void
sim_world_poll(struct sim_world *w)
{
	struct sim_node	*n;
	double		*load;
	size_t		 i;

	sim_world_aggregate(w);
	load = xcalloc(w->nnodes ? w->nnodes : 1, sizeof *load);
	sim_world_sl_load(w, load);
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!n->in_scalelite)
			continue;
		if (n->up && n->bbb_api_ok) {
			n->unhealthy_counter = 0;
			n->healthy_counter++;
			if (!n->online &&
			    n->healthy_counter >= SIM_HEALTHY_THRESHOLD)
				n->online = true;
			if (!n->online)
				continue;
			n->sl_meetings = n->nmeetings;
			n->sl_users = n->participants;
			n->sl_largest = n->largest_meeting;
			n->sl_videos = n->video;
			if (n->lb == SIM_LB_DISABLED)
				n->load = NAN;
			else
				n->load = load[i] * n->load_multiplier;
			if (n->lb == SIM_LB_CORDONED && n->load == 0) {
				n->lb = SIM_LB_DISABLED;
				n->load = NAN;
			}
		} else {
			n->healthy_counter = 0;
			n->unhealthy_counter++;
			if (n->online &&
			    n->unhealthy_counter >= SIM_UNHEALTHY_THRESHOLD) {
				/* offline: the poller panics the server */
				n->online = false;
				sim_world_end_meetings(w, i);
				n->load = NAN;
				n->sl_meetings = n->sl_users = 0;
				n->sl_largest = n->sl_videos = 0;
			}
		}
	}
	free(load);
	sim_world_aggregate(w);
	if (sim_scalelite_tick != NULL)
		sim_scalelite_tick(w);
}

static void
sim_world_run(struct sim_world *w, int64_t sim)
{
	int64_t	step;

	sim += w->model_rem_ms;
	while (sim >= SIM_STEP_MS) {
		step = sim >= SIM_MAX_STEP_MS ? SIM_MAX_STEP_MS :
		    sim - sim % SIM_STEP_MS;
		sim_world_step(w, step);
		sim -= step;
	}
	w->model_rem_ms = sim;
	if (sim_consul_tick != NULL)
		sim_consul_tick(w);
	if (sim_rancher_tick != NULL)
		sim_rancher_tick(w);
	if (sim_openstack_tick != NULL)
		sim_openstack_tick(w);
	if (sim_prom_tick != NULL)
		sim_prom_tick(w);
}

void
sim_world_advance(struct sim_world *w, int64_t ms)
{
	if (ms < 0)
		return;
	sim_world_tick(w);
	w->rt_ms += ms;
	sim_world_run(w, ms);
}

void
sim_world_tick(struct sim_world *w)
{
	int64_t	mono, real, sim;
	double	exact;

	mono = util_mono_ms();
	real = mono - w->mono_last_ms;
	if (real <= 0)
		return;
	w->mono_last_ms = mono;
	/* the real-time clock moves at 1x, the model at speed */
	w->rt_ms += real;
	exact = real * w->speed + w->speed_rem;
	sim = (int64_t)exact;
	w->speed_rem = exact - (double)sim;
	sim_world_run(w, sim);
}

void
sim_world_changed(struct sim_world *w)
{
	w->index++;
	pthread_cond_broadcast(&w->cond);
}

void
sim_world_shutdown(struct sim_world *w)
{
	pthread_mutex_lock(&w->lock);
	w->shutdown = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

uint64_t
sim_world_wait(struct sim_world *w, uint64_t since, int64_t timeout_ms)
{
	struct timespec	ts;
	int64_t		deadline;

	deadline = util_wall_ms() + timeout_ms;
	while (w->index <= since && !w->shutdown) {
		if (util_wall_ms() >= deadline)
			break;
		ts.tv_sec = deadline / 1000;
		ts.tv_nsec = (deadline % 1000) * 1000000;
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
	return (w->index);
}

int
sim_node_by_name(const struct sim_world *w, const char *name)
{
	size_t	i;

	for (i = 0; i < w->nnodes; i++) {
		if (strcmp(w->nodes[i].name, name) == 0 ||
		    strcmp(w->nodes[i].fqdn, name) == 0)
			return ((int)i);
	}
	return (-1);
}

char *
sim_url(const struct sim_world *w, enum sim_system sys)
{
	if (strchr(w->listen, ':') != NULL)
		return (xasprintf("http://[%s]:%u", w->listen,
		    (unsigned)w->ports[sys]));
	return (xasprintf("http://%s:%u", w->listen,
	    (unsigned)w->ports[sys]));
}

static void
sim_world_profile(struct sim_world *w, const char *profile)
{
	struct sim_node	*n;
	size_t		 last;

	if (strcmp(profile, "clean") == 0 || strcmp(profile, "empty") == 0)
		return;
	/* bbb-03: offline in scalelite (its API fails), consul passes */
	if (w->nnodes >= 3) {
		n = &w->nodes[2];
		n->bbb_api_ok = false;
		n->online = false;
		n->load = NAN;
		n->unhealthy_counter = SIM_UNHEALTHY_THRESHOLD;
		n->healthy_counter = 0;
	}
	/* bbb-05: CPU above 90 % */
	if (w->nnodes >= 5)
		w->nodes[4].cpu_base = 90.0;
	/* bbb-07 (or the last node): Rancher stack degraded */
	if (w->nnodes >= 7)
		w->nodes[6].rancher_degraded = true;
	/* bbb-12 (or the last node): in consul, unknown to scalelite */
	if (w->nnodes >= 8) {
		last = w->nnodes >= 12 ? 11 : w->nnodes - 1;
		n = &w->nodes[last];
		n->in_scalelite = false;
		n->online = false;
		n->load = NAN;
	}
}

static void
sim_world_populate(struct sim_world *w)
{
	struct sim_meeting	*m;
	double			 expect;
	size_t			 i, j, k, count;
	int64_t			 age;

	expect = SIM_PEAK_MEETINGS * sim_day_curve(w->now_ms);
	for (i = 0; i < w->nnodes; i++) {
		if (!sim_node_takes_meetings(&w->nodes[i]))
			continue;
		count = (size_t)lround(expect * (0.5 + sim_rand(w)));
		for (j = 0; j < count; j++) {
			k = sim_world_add_meeting(w, i, NULL, NULL);
			m = &w->meetings[k];
			/* a random age within the meeting's life */
			age = (int64_t)(sim_rand(w) *
			    (double)(m->ends_ms - m->created_ms));
			m->created_ms -= age;
			m->ends_ms -= age;
			snprintf(m->internal_id + 41,
			    sizeof m->internal_id - 41, "%lld",
			    (long long)m->created_ms);
			sim_meeting_update(w, m);
		}
	}
	sim_world_aggregate(w);
	for (i = 0; i < w->nnodes; i++)
		sim_node_physics(w, &w->nodes[i], 1.0);
}

/* A node as the fleet has them: healthy, in every source. */
static void
sim_node_init(struct sim_world *w, struct sim_node *n, size_t i)
{
	int	j;

	memset(n, 0, sizeof *n);
	sim_setf(n->name, sizeof n->name, "bbb-%0*zu", w->name_width, i + 1);
	snprintf(n->fqdn, sizeof n->fqdn, "%s.localhost", n->name);
	sim_alnum(&w->id_rng, n->secret, 42);
	sim_uuid(&w->id_rng, n->sl_id);
	n->up = n->bbb_api_ok = n->exporter_up = true;
	n->ncpu = SIM_NCPU;
	n->mem_total = 16.0 * 1024 * 1024 * 1024;
	n->mem_used = 2.5e9;
	for (j = 0; j < n->ncpu; j++)
		n->cpu_seconds[j][0] = 86400.0 * 30 * (0.7 +
		    0.2 * (double)(sim_xorshift(&w->id_rng) % 100) / 100.0);
	n->net_rx_bytes = 1e12 * (double)(sim_xorshift(&w->id_rng) % 100) /
	    100.0;
	n->net_tx_bytes = n->net_rx_bytes * 2;
	n->in_scalelite = true;
	n->lb = SIM_LB_ENABLED;
	n->online = true;
	n->healthy_counter = 1;
	n->load = 0;
	n->load_multiplier = 1.0;
	snprintf(n->bbb_version, sizeof n->bbb_version, "2.7.3");
	n->in_consul = true;
	n->consul_passing = true;
	n->consul_modify_index = w->index;
	sim_setf(n->host_id, sizeof n->host_id, "1h%zu", i + 1);
	snprintf(n->host_state, sizeof n->host_state, "active");
	sim_uuid(&w->id_rng, n->vm_id);
	snprintf(n->vm_status, sizeof n->vm_status, "ACTIVE");
	n->vm_created_ms = w->now_ms - 86400000LL * (30 + (int64_t)
	    (sim_xorshift(&w->id_rng) % 300));
	n->vm_ready_ms = n->vm_created_ms + 90000;
	snprintf(n->flavor, sizeof n->flavor, "m1.xlarge");
	sim_setf(n->ip, sizeof n->ip, "10.20.%zu.%zu", i / 250 % 250,
	    i % 250 + 4);
}

void
sim_vm_addr(const struct sim_world *w, size_t i, char *buf, size_t len)
{
	uint32_t	 a = w->vm_addr_base + (uint32_t)i;

	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

size_t
sim_world_add_node(struct sim_world *w)
{
	struct sim_node	*n;
	size_t		 i = w->nnodes;

	w->nodes = xreallocarray(w->nodes, i + 1, sizeof *w->nodes);
	n = &w->nodes[i];
	sim_node_init(w, n, i);
	w->nnodes++;
	/* a VM being built: nowhere yet */
	n->up = n->bbb_api_ok = n->exporter_up = false;
	n->in_scalelite = n->in_consul = n->online = false;
	n->lb = SIM_LB_DISABLED;
	n->healthy_counter = 0;
	n->load = NAN;
	n->host_id[0] = '\0';
	n->host_state[0] = '\0';
	snprintf(n->vm_status, sizeof n->vm_status, "BUILD");
	n->vm_created_ms = w->now_ms;
	n->vm_ready_ms = w->now_ms + 60000;
	sim_node_changed(w, i);
	return (i);
}

void
sim_node_changed(struct sim_world *w, size_t i)
{
	sim_world_changed(w);
	if (i < w->nnodes)
		w->nodes[i].consul_modify_index = w->index;
}

struct sim_world *
sim_world_new(size_t nnodes, uint64_t seed, double speed, const char *profile)
{
	struct sim_world	*w;
	uint64_t		 s;
	size_t			 i;

	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_mutex_init(&w->fault_lock, NULL);
	w->index = 1;
	w->os_boot_ms = -1;
	w->seed = seed;
	w->rng = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (w->rng == 0)
		w->rng = 1;
	w->speed = speed;
	w->now_ms = util_wall_ms();
	w->rt_ms = w->now_ms;
	w->mono_last_ms = util_mono_ms();
	w->poll_interval_ms = 60000;
	w->last_poll_ms = w->now_ms;
	snprintf(w->listen, sizeof w->listen, "127.0.0.1");
	snprintf(w->profile, sizeof w->profile, "%s",
	    profile != NULL ? profile : "default");
	snprintf(w->consul_service, sizeof w->consul_service, "bbb");
	snprintf(w->rancher_project, sizeof w->rancher_project, "1a5");

	/* secrets: their own stream, so they depend on the seed alone */
	s = seed ^ 0xD1B54A32D192ED03ULL;
	if (s == 0)
		s = 1;
	sim_hex(&s, w->sl_secret, 64);
	sim_uuid(&s, w->consul_token);
	sim_alnum(&s, w->rancher_access, 20);
	sim_alnum(&s, w->rancher_secret, 40);
	sim_hex(&s, w->os_cred_id, 32);
	sim_alnum(&s, w->os_cred_secret, 40);
	snprintf(w->prom_user, sizeof w->prom_user, "bbbctl");
	sim_alnum(&s, w->prom_password, 24);

	if (strcmp(w->profile, "empty") == 0) {
		/*
		 * The stacks setup creates run consul without ACLs and
		 * Prometheus without basic auth; scalelite takes its secret
		 * from its stack's LOADBALANCER_SECRET.
		 */
		w->consul_token[0] = '\0';
		w->prom_user[0] = '\0';
		w->prom_password[0] = '\0';
	}
	w->id_rng = s;
	w->name_width = 2;
	for (i = 99; i < nnodes; i = i * 10 + 9)
		w->name_width++;
	w->nnodes = nnodes;
	w->nodes = xcalloc(nnodes ? nnodes : 1, sizeof *w->nodes);
	for (i = 0; i < nnodes; i++)
		sim_node_init(w, &w->nodes[i], i);
	sim_world_profile(w, w->profile);
	sim_world_populate(w);
	sim_world_poll(w);
	w->index++;
	return (w);
}

void
sim_world_free(struct sim_world *w)
{
	if (w == NULL)
		return;
	if (sim_consul_free != NULL)
		sim_consul_free(w);
	if (sim_rancher_free != NULL)
		sim_rancher_free(w);
	if (sim_openstack_free != NULL)
		sim_openstack_free(w);
	if (sim_prom_free != NULL)
		sim_prom_free(w);
	if (sim_scalelite_free != NULL)
		sim_scalelite_free(w);
	if (sim_metrics_free != NULL)
		sim_metrics_free(w);
	sim_fault_clear(w);
	free(w->meetings);
	free(w->nodes);
	explicit_bzero(w->sl_secret, sizeof w->sl_secret);
	explicit_bzero(w->consul_token, sizeof w->consul_token);
	explicit_bzero(w->rancher_secret, sizeof w->rancher_secret);
	explicit_bzero(w->os_cred_secret, sizeof w->os_cred_secret);
	explicit_bzero(w->prom_password, sizeof w->prom_password);
	pthread_mutex_destroy(&w->fault_lock);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
