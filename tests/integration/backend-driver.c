/*
 * backend-driver.c: run the backends against a configuration until
 * conditions on the sources hold (or a deadline passes), then print the
 * model as JSON.  For the integration tests and benchmarks.
 *
 * usage: backend-driver CONFIG SECONDS [SRC=STATE ...]
 *   STATE is ok, failed (failed or stale), settled (answered once) or
 *   meetings (ok, with meetings that know their node).
 * Exit 0 when every condition held before the deadline, 1 if not,
 * 2 on a usage or config error.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "util.h"

struct cond {
	enum fleet_src	 src;
	const char	*want;
};

static const char *
state_name(enum fleet_src_state st)
{
	switch (st) {
	case FLEET_SRC_OFF:
		return ("off");
	case FLEET_SRC_PENDING:
		return ("pending");
	case FLEET_SRC_OK:
		return ("ok");
	case FLEET_SRC_STALE:
		return ("stale");
	case FLEET_SRC_FAILED:
		return ("failed");
	}
	return ("?");
}

static bool
cond_holds(const struct fleet *f, const struct cond *c)
{
	const struct fleet_source	*s = &f->sources[c->src];
	size_t				 i;

	if (strcmp(c->want, "ok") == 0)
		return (s->state == FLEET_SRC_OK);
	if (strcmp(c->want, "failed") == 0)
		return (s->state == FLEET_SRC_FAILED ||
		    s->state == FLEET_SRC_STALE);
	if (strcmp(c->want, "settled") == 0)
		return (s->state != FLEET_SRC_PENDING);
	if (strcmp(c->want, "meetings") == 0) {
		if (s->state != FLEET_SRC_OK)
			return (false);
		for (i = 0; i < f->nmeetings; i++) {
			if (f->meetings[i]->node_key != NULL)
				return (true);
		}
		return (false);
	}
	return (false);
}

static json_t *
model_json(const struct fleet *f, int64_t elapsed)
{
	json_t				*root, *srcs, *o, *seen;
	const struct fleet_source	*s;
	size_t				 i, j, nnode_meet = 0, ncert = 0;
	size_t				 per[FLEET_SRC_COUNT] = { 0 };

	root = json_object();
	srcs = json_object();
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		s = &f->sources[i];
		o = json_pack("{s:s,s:s?,s:s?,s:I,s:I}",
		    "state", state_name(s->state), "cause", s->cause,
		    "detail", s->detail, "latency_ms", (json_int_t)s->latency_ms,
		    "bytes", (json_int_t)s->bytes);
		json_object_set_new(srcs, fleet_src_name(i), o);
	}
	json_object_set_new(root, "sources", srcs);
	for (i = 0; i < f->nnodes; i++) {
		for (j = 0; j < FLEET_SRC_COUNT; j++) {
			if (f->nodes[i]->seen & FLEET_SRC_BIT(j))
				per[j]++;
		}
		if (f->nodes[i]->cert_expiry != 0)
			ncert++;
	}
	seen = json_object();
	for (j = 0; j < FLEET_SRC_COUNT; j++)
		json_object_set_new(seen, fleet_src_name(j),
		    json_integer((json_int_t)per[j]));
	for (i = 0; i < f->nmeetings; i++) {
		if (f->meetings[i]->node_key != NULL)
			nnode_meet++;
	}
	json_object_set_new(root, "nodes_seen_by", seen);
	json_object_set_new(root, "nodes", json_integer((json_int_t)f->nnodes));
	json_object_set_new(root, "meetings",
	    json_integer((json_int_t)f->nmeetings));
	json_object_set_new(root, "meetings_with_node",
	    json_integer((json_int_t)nnode_meet));
	json_object_set_new(root, "stacks", json_integer((json_int_t)f->nstacks));
	json_object_set_new(root, "hosts", json_integer((json_int_t)f->nhosts));
	json_object_set_new(root, "vms", json_integer((json_int_t)f->nvms));
	json_object_set_new(root, "nodes_with_cert",
	    json_integer((json_int_t)ncert));
	json_object_set_new(root, "elapsed_ms", json_integer(elapsed));
	return (root);
}

int
main(int argc, char **argv)
{
	struct config	*cfg;
	struct loop	*loop;
	struct http	*http;
	struct fleet	*fleet;
	struct backends	*b;
	struct cond	 conds[FLEET_SRC_COUNT * 2];
	size_t		 nconds = 0, i, j;
	char		*cause, *eq, *out;
	long long	 secs;
	const char	*why;
	int64_t		 start, deadline;
	json_t		*j_out;
	bool		 met = false;

	if (argc < 3) {
		fprintf(stderr, "usage: backend-driver CONFIG SECONDS "
		    "[SRC=STATE ...]\n");
		return (2);
	}
	if (util_parse_ll(argv[2], 1, 3600, &secs, &why) != 0) {
		fprintf(stderr, "backend-driver: SECONDS: %s\n", why);
		return (2);
	}
	for (i = 3; i < (size_t)argc && nconds < nitems(conds); i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			goto usage;
		*eq = '\0';
		for (j = 0; j < FLEET_SRC_COUNT; j++) {
			if (strcmp(argv[i], fleet_src_name(j)) == 0)
				break;
		}
		if (j == FLEET_SRC_COUNT)
			goto usage;
		conds[nconds].src = j;
		conds[nconds++].want = eq + 1;
	}
	log_set_stderr(false);
	cfg = config_new();
	if (config_load(cfg, argv[1], &cause) != 0) {
		fprintf(stderr, "backend-driver: %s\n", cause);
		free(cause);
		config_free(cfg);
		return (2);
	}
	loop = loop_new();
	http = http_new(loop);
	fleet = fleet_new(cfg->cluster.name);
	b = backends_new(loop, http, cfg, fleet);
	backends_start(b);

	start = util_mono_ms();
	deadline = start + secs * 1000;
	while (util_mono_ms() < deadline) {
		loop_run_once(loop, 50);
		for (i = 0; i < nconds; i++) {
			if (!cond_holds(fleet, &conds[i]))
				break;
		}
		if (nconds > 0 && i == nconds) {
			met = true;
			break;
		}
	}
	if (nconds == 0)
		met = true;

	j_out = model_json(fleet, util_mono_ms() - start);
	out = json_dumps(j_out, JSON_INDENT(1) | JSON_SORT_KEYS);
	printf("%s\n", out);
	free(out);
	json_decref(j_out);

	backends_free(b);
	fleet_free(fleet);
	http_free(http);
	loop_free(loop);
	config_free(cfg);
	return (met ? 0 : 1);

usage:
	fprintf(stderr, "backend-driver: bad condition \"%s\"\n", argv[i]);
	return (2);
}
