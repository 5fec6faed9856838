/*
 * bench-promql.c: bbbctl-sim's PromQL engine on a full history store of
 * N nodes (default 5000): bytes the store holds, its ring and step, and
 * the CPU time (thread CPU clock, best of R) of each default query of
 * src/prom-queries.h.  No HTTP and no world lock: the engine alone.
 * Prints figures; asserts nothing about timings.
 *   bench-promql [-n nodes] [-r repeats]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prom-queries.h"
#include "sim/sim-prom.h"
#include "util.h"

#define BENCH_T0	1700000000000LL

static double
cpu_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

/* A view of node i at view k, every view step ms. */
static void
bench_view(struct sim_mview *v, size_t i, size_t k, int64_t step)
{
	double	 s = (double)((int64_t)k * step) / 1000;
	int	 c;

	memset(v, 0, sizeof *v);
	v->t_ms = BENCH_T0 + (int64_t)k * step;
	v->up = v->exporter_up = v->api_ok = true;
	v->version = i % 4 == 3 ? 7 : 2;
	v->ncpu = 8;
	for (c = 0; c < 8; c++) {
		v->cpu_busy[c] = 1e5 + s * (double)(i % 100) / 100;
		v->cpu_idle[c] = 1e6 + s * (1 - (double)(i % 100) / 100);
	}
	v->mem_total = 8e9;
	v->mem_used = 3e9 + (double)i * 4096;
	v->rx = 1e9 + s * 12345 + (double)i;
	v->tx = 2e9 + s * 23456;
	v->lo = 1e6;
	v->load1 = v->load5 = v->load15 = 1.25;
	v->meetings = (int)(i % 7);
	v->participants = (int)(i % 7) * 12;
	v->voice = v->participants / 3;
	v->video = v->participants / 6;
	v->listeners = v->participants / 2;
	v->start_s = (double)(BENCH_T0 / 1000 - 3600);
	v->boot_s = v->start_s - 37;
	v->scrapes = 240;
}

int
main(int argc, char **argv)
{
	static const struct prom_query_default defs[] = PROM_QUERY_DEFAULTS;
	struct sim_pstore	*st;
	struct sim_promql	*q;
	struct sim_mview	 v;
	struct buf		 out;
	char			 name[32], *cause = NULL;
	size_t			 nodes = 5000, i, k, d, nviews;
	int64_t			 step, t;
	int			 ch, r, repeats = 3;
	double			 t0, best, ms;

	while ((ch = getopt(argc, argv, "n:r:")) != -1) {
		switch (ch) {
		case 'n':
			nodes = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			repeats = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench-promql [-n nodes] "
			    "[-r repeats]\n");
			return (1);
		}
	}
	if (nodes < 1 || repeats < 1)
		return (1);
	st = sim_pstore_new();
	sim_pstore_plan(st, nodes);
	step = sim_pstore_step_ms(st);
	nviews = sim_pstore_ring_len(st) + 2;	/* every ring full */
	t0 = cpu_ms();
	for (k = 0; k < nviews; k++) {
		for (i = 0; i < nodes; i++) {
			bench_view(&v, i, k, step);
			snprintf(name, sizeof name, "bbb-%04zu", i + 1);
			sim_pstore_push(st, name, &v);
		}
	}
	ms = cpu_ms() - t0;
	printf("bench-promql: %zu nodes: store %.1f MB (budget %.0f MB), "
	    "%zu views a node every %lld ms, %zu B a view; filled in "
	    "%.0f ms CPU\n", nodes, (double)sim_pstore_bytes(st) / 1048576,
	    (double)SIM_PSTORE_BUDGET / 1048576, sim_pstore_ring_len(st),
	    (long long)step, sim_pstore_slot_size(), ms);
	t = BENCH_T0 + (int64_t)(nviews - 1) * step;
	for (d = 0; d < nitems(defs); d++) {
		q = sim_promql_parse(defs[d].promql, &cause);
		if (q == NULL) {
			fprintf(stderr, "%s: %s\n", defs[d].name, cause);
			return (1);
		}
		best = -1;
		memset(&out, 0, sizeof out);
		for (r = 0; r < repeats; r++) {
			buf_free(&out);
			t0 = cpu_ms();
			if (sim_promql_query(st, q, t, &out, &cause) != 0) {
				fprintf(stderr, "%s: %s\n", defs[d].name,
				    cause);
				return (1);
			}
			ms = cpu_ms() - t0;
			if (best < 0 || ms < best)
				best = ms;
		}
		printf("bench-promql: %zu nodes query %-13s %7.1f ms CPU "
		    "%9zu bytes\n", nodes, defs[d].name, best, out.len);
		buf_free(&out);
		sim_promql_free(q);
	}
	sim_pstore_free(st);
	return (0);
}
