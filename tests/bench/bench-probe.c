/*
 * bench-probe.c: the CPU time one round of the service probes costs the
 * process, on a model of N nodes (every probe result is applied to the
 * fleet, and each apply evaluates the problem rules over every node),
 * measured in-process with CLOCK_PROCESS_CPUTIME_ID.
 *
 *   bench-probe -c CONFIG [-n NODES] [-r ROUNDS]
 *
 * CONFIG names the services ([probes], [scalelite], [consul] ...; e.g.
 * bbbctl-sim's and a coturn on loopback).  The model's nodes come from a
 * generated consul and scalelite answer.  Prints one line: the probes,
 * the CPU ms of a round (median, max), its wall ms, and how many
 * services failed (a benchmark against dead services measures timeouts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fleet.h"
#include "http.h"
#include "loop.h"
#include "probe.h"
#include "problems.h"
#include "services.h"
#include "util.h"

static double
cpu_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static void
model(struct fleet *f, int n)
{
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	int				 i;

	cu = xcalloc(1, sizeof *cu);
	cu->nodes = xcalloc(n, sizeof *cu->nodes);
	cu->nnodes = n;
	su = xcalloc(1, sizeof *su);
	su->servers = xcalloc(n, sizeof *su->servers);
	su->nservers = n;
	for (i = 0; i < n; i++) {
		cu->nodes[i].node = xasprintf("bbb-%04d", i + 1);
		cu->nodes[i].address = xasprintf("10.0.%d.%d", i / 250,
		    i % 250 + 1);
		cu->nodes[i].checks = xcalloc(1, sizeof *cu->nodes[i].checks);
		cu->nodes[i].nchecks = 1;
		cu->nodes[i].checks[0].check_id = xstrdup("bbb");
		cu->nodes[i].checks[0].name = xstrdup("BBB API");
		cu->nodes[i].checks[0].status = i % 10 == 0 ?
		    FLEET_HEALTH_CRITICAL : FLEET_HEALTH_PASSING;
		cu->nodes[i].checks[0].output = xstrdup("HTTP 200");
		su->servers[i].id = xasprintf("s%d", i);
		su->servers[i].url = xasprintf("https://bbb-%04d.example.org/"
		    "bigbluebutton/api/", i + 1);
		su->servers[i].state = FLEET_LB_ENABLED;
		su->servers[i].online = i % 10 == 3 ? 0 : 1;
		su->servers[i].load = i % 7;
		su->servers[i].load_multiplier = 1;
	}
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	fleet_source_enable(f, FLEET_SRC_SCALELITE, true);
	fleet_apply_consul(f, cu, util_wall_ms());
	fleet_apply_scalelite(f, su, util_wall_ms());
}

static void
done_cb(void *arg)
{
	loop_break(arg);
}

int
main(int argc, char **argv)
{
	struct config		*cfg;
	struct fleet		*f;
	struct loop		*loop;
	struct http		*http;
	struct probe_set	*set;
	const char		*conf = NULL;
	char			*cause = NULL;
	double			*t, *w, c0, w0;
	int			 n = 1000, rounds = 10, ch, r, failed;
	size_t			 i;

	while ((ch = getopt(argc, argv, "c:n:r:")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'n':
			n = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench-probe -c CONFIG "
			    "[-n NODES] [-r ROUNDS]\n");
			return (2);
		}
	}
	if (conf == NULL || n < 1 || rounds < 1)
		return (2);
	cfg = config_new();
	if (config_load(cfg, conf, &cause) != 0) {
		fprintf(stderr, "bench-probe: %s\n", cause);
		return (1);
	}
	f = fleet_new("bench");
	problems_limits(fleet_problems(f))->hold = false;
	model(f, n);
	loop = loop_new();
	http = http_new(loop);
	set = probe_set_new(loop, http, f, cfg);
	t = xcalloc(rounds, sizeof *t);
	w = xcalloc(rounds, sizeof *w);
	/* One round first: connections, TLS contexts, allocator. */
	probe_set_start(set, false, done_cb, loop);
	if (probe_set_running(set) > 0)
		loop_run(loop);
	for (r = 0; r < rounds; r++) {
		c0 = cpu_ms();
		w0 = (double)util_mono_ms();
		probe_set_start(set, false, done_cb, loop);
		if (probe_set_running(set) > 0)
			loop_run(loop);
		t[r] = cpu_ms() - c0;
		w[r] = (double)util_mono_ms() - w0;
	}
	failed = 0;
	for (i = 0; i < f->nsvcs; i++)
		failed += f->svcs[i]->state == SVC_FAILED;
	qsort(t, rounds, sizeof *t, cmp_double);
	qsort(w, rounds, sizeof *w, cmp_double);
	printf("probe nodes=%zu probes=%zu failed=%d cpu_ms per round: "
	    "median %.2f (max %.2f); wall_ms median %.0f\n", f->nnodes,
	    probe_set_count(set), failed, t[rounds / 2], t[rounds - 1],
	    w[rounds / 2]);
	free(t);
	free(w);
	probe_set_free(set);
	http_free(http);
	loop_free(loop);
	fleet_free(f);
	config_free(cfg);
	return (0);
}
