/*
 * fuzz-fleet.c: libFuzzer target for the fleet model on hostile names:
 * each input line is a node name as a source might give it (URL,
 * host:port, anything); the lines go through the join rule (every
 * variant), then as consul nodes, Prometheus instances, scalelite URLs,
 * Rancher hosts and Nova servers through every apply, the problems and
 * the JSON report.  Checks the model's invariants: keys non-empty and
 * sorted without duplicates, lookups by key and id agree, totals count
 * the nodes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "problems.h"
#include "status.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_MAX_LINES	64

static void
fuzz_check(const struct fleet *f)
{
	size_t	 i;

	for (i = 0; i < f->nnodes; i++) {
		if (f->nodes[i]->key == NULL || *f->nodes[i]->key == '\0')
			abort();
		if (i > 0 && strcmp(f->nodes[i - 1]->key,
		    f->nodes[i]->key) >= 0)
			abort();
		if (fleet_node_by_key(f, f->nodes[i]->key) != f->nodes[i] ||
		    fleet_node_by_id(f, f->nodes[i]->id) != f->nodes[i])
			abort();
		if (f->nodes[i]->seen == 0)
			abort();
	}
	if ((size_t)f->totals.nodes != f->nnodes)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet			*f;
	struct fleet_consul_update	*cu;
	struct fleet_prom_update	*pu;
	struct fleet_scalelite_update	*su;
	struct fleet_rancher_update	*ru;
	struct fleet_openstack_update	*ou;
	struct fleet_meetings_update	*mu;
	struct status_opts		 o = { false, 1700000000000LL };
	char				*text, *line, *save, *k;
	char				*lines[FUZZ_MAX_LINES];
	size_t				 n = 0, i;
	int				 rule;
	FILE				*out;

	text = xstrndup((const char *)data, size);
	for (line = strtok_r(text, "\n", &save); line != NULL &&
	    n < FUZZ_MAX_LINES; line = strtok_r(NULL, "\n", &save))
		lines[n++] = line;

	/* the rule alone: a key is lower-case-free of ':' unless IPv6 */
	for (i = 0; i < n; i++) {
		for (rule = FLEET_KEY_HOST; rule <= FLEET_KEY_ALNUM; rule++) {
			k = fleet_node_key_rule(lines[i], i % 2 ? "example.org" :
			    NULL, rule);
			if (k != NULL && *k == '\0')
				abort();
			free(k);
		}
	}

	f = fleet_new("fuzz");
	problems_limits(fleet_problems(f))->hold = false;
	if (n > 0)
		fleet_set_join(f,
		    (enum fleet_key_rule)((unsigned char)lines[0][0] % 3),
		    lines[0][0] & 4 ? "example.org" : NULL);
	cu = xcalloc(1, sizeof *cu);
	cu->nodes = xcalloc(n + 1, sizeof *cu->nodes);
	pu = xcalloc(1, sizeof *pu);
	pu->figures = xcalloc(2, sizeof *pu->figures);
	pu->nfigures = 2;
	pu->figures[0].name = xstrdup("cpu");
	pu->figures[0].samples = xcalloc(n + 1,
	    sizeof (struct fleet_prom_sample));
	pu->figures[1].name = xstrdup("up");
	pu->figures[1].samples = xcalloc(n + 1,
	    sizeof (struct fleet_prom_sample));
	su = xcalloc(1, sizeof *su);
	su->servers = xcalloc(n + 1, sizeof *su->servers);
	ru = xcalloc(1, sizeof *ru);
	ru->hosts = xcalloc(n + 1, sizeof *ru->hosts);
	ou = xcalloc(1, sizeof *ou);
	ou->servers = xcalloc(n + 1, sizeof *ou->servers);
	mu = xcalloc(1, sizeof *mu);
	mu->meetings = xcalloc(n + 1, sizeof *mu->meetings);
	for (i = 0; i < n; i++) {
		cu->nodes[cu->nnodes].node = xstrdup(lines[i]);
		cu->nodes[cu->nnodes++].address = xstrdup(lines[i]);
		pu->figures[0].samples[i].instance = xstrdup(lines[i]);
		pu->figures[0].samples[i].value = (double)(i * 13 % 101);
		pu->figures[1].samples[i].instance = xstrdup(lines[i]);
		pu->figures[1].samples[i].value = i % 3 == 0 ? 0 : 1;
		if (i % 2 == 0) {
			su->servers[su->nservers].id = xstrdup(lines[i]);
			su->servers[su->nservers].url = xstrdup(lines[i]);
			su->servers[su->nservers].state = i % 4;
			su->servers[su->nservers].online = (int)(i % 3) - 1;
			su->servers[su->nservers++].load = (double)i;
		}
		ru->hosts[ru->nhosts].id = xstrdup(lines[i]);
		ru->hosts[ru->nhosts].hostname = xstrdup(lines[i]);
		ru->hosts[ru->nhosts++].state = xstrdup(i % 5 ?
		    "active" : "disconnected");
		if (i % 3 != 1) {
			ou->servers[ou->nservers].id = xstrdup(lines[i]);
			ou->servers[ou->nservers].name = xstrdup(lines[i]);
			ou->servers[ou->nservers++].status = xstrdup(i % 7 ?
			    "ACTIVE" : "ERROR");
		}
		mu->meetings[mu->nmeetings].meeting_id = xstrdup(lines[i]);
		mu->meetings[mu->nmeetings++].node = xstrdup(lines[i]);
	}
	pu->figures[0].nsamples = pu->figures[1].nsamples = n;
	fleet_apply_consul(f, cu, o.now_ms);
	fuzz_check(f);
	fleet_apply_prom(f, pu, o.now_ms);
	fuzz_check(f);
	fleet_apply_scalelite(f, su, o.now_ms);
	fuzz_check(f);
	fleet_apply_meetings(f, mu, o.now_ms);
	fleet_apply_rancher(f, ru, o.now_ms);
	fuzz_check(f);
	fleet_apply_openstack(f, ou, o.now_ms);
	fuzz_check(f);
	for (i = 0; i < n; i++)
		fleet_apply_cert(f, lines[i], o.now_ms + (int64_t)i * 86400000,
		    o.now_ms);
	fleet_source_failed(f, FLEET_SRC_RANCHER, n > 0 ? lines[0] : "x",
	    o.now_ms + 1000);

	if ((out = fopen("/dev/null", "w")) != NULL) {
		status_print_text(out, f, &o);
		status_print_json(out, f, &o);
		fclose(out);
	}
	/* everything goes away again */
	fleet_apply_consul(f, xcalloc(1, sizeof *cu), o.now_ms + 2000);
	fleet_apply_prom(f, xcalloc(1, sizeof *pu), o.now_ms + 2000);
	fleet_apply_scalelite(f, xcalloc(1, sizeof *su), o.now_ms + 2000);
	fleet_apply_rancher(f, xcalloc(1, sizeof *ru), o.now_ms + 2000);
	fleet_apply_openstack(f, xcalloc(1, sizeof *ou), o.now_ms + 2000);
	if (f->nnodes != 0)
		abort();
	fleet_free(f);
	free(text);
	return (0);
}
