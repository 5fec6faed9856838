/*
 * backend-driver.c: run the backends against a configuration until
 * conditions on the sources hold (or a deadline passes), then print the
 * model as JSON.  For the integration tests and benchmarks.
 *
 * usage: backend-driver [-lm] CONFIG SECONDS COND... [-- !CMD -- COND...]
 *   COND is SRC=STATE, STATE ok, failed (failed or stale), settled
 *   (answered once) or meetings (ok, with meetings that know their
 *   node); or health:NODE=passing|warning|critical (the consul health
 *   of a node).  After "--" comes a shell command run once the
 *   conditions before it hold, then the next conditions; the time from
 *   the command to those conditions is printed as phase_ms.
 *   -l prints lines ("source NAME STATE CAUSE", "KEY VALUE") instead of
 *   JSON; -m fetches the meetings (backends_want_meetings()).
 * Exit 0 when every condition held before the deadline, 1 if not,
 * 2 on a usage or config error.
 */
#include <sys/wait.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "util.h"

struct cond {
	enum fleet_src	 src;
	const char	*node;		/* health:NODE, or NULL */
	const char	*want;
	int		 phase;
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
	const struct fleet_node		*n;
	size_t				 i;

	if (c->node != NULL) {
		n = fleet_node_by_key(f, c->node);
		return (n != NULL && (n->seen & FLEET_SRC_BIT(FLEET_SRC_CONSUL))
		    && strcmp(fleet_health_name(n->health), c->want) == 0);
	}
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
		    "detail", s->detail,
		    "latency_ms", (json_int_t)s->latency_ms,
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
	json_object_set_new(root, "stacks",
	    json_integer((json_int_t)f->nstacks));
	json_object_set_new(root, "hosts", json_integer((json_int_t)f->nhosts));
	json_object_set_new(root, "vms", json_integer((json_int_t)f->nvms));
	json_object_set_new(root, "nodes_with_cert",
	    json_integer((json_int_t)ncert));
	json_object_set_new(root, "elapsed_ms", json_integer(elapsed));
	return (root);
}

static void
run_command(const char *cmd)
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
}

static void
print_lines(json_t *j)
{
	json_t		*srcs, *o, *v;
	const char	*k, *cause;

	srcs = json_object_get(j, "sources");
	json_object_foreach(srcs, k, o) {
		cause = json_string_value(json_object_get(o, "cause"));
		printf("source %s %s %s\n", k, json_string_value(
		    json_object_get(o, "state")), cause != NULL ? cause : "-");
	}
	json_object_foreach(json_object_get(j, "nodes_seen_by"), k, v)
		printf("seen_by_%s %lld\n", k,
		    (long long)json_integer_value(v));
	json_object_foreach(j, k, v) {
		if (json_is_integer(v))
			printf("%s %lld\n", k,
			    (long long)json_integer_value(v));
	}
}

int
main(int argc, char **argv)
{
	struct config	*cfg;
	struct loop	*loop;
	struct http	*http;
	struct fleet	*fleet;
	struct backends	*b;
	struct cond	 conds[64];
	const char	*cmds[8];
	size_t		 nconds = 0, ncmds = 0, i, j;
	char		*cause, *eq, *out;
	long long	 secs;
	const char	*why;
	int64_t		 start, deadline, phase_start = 0, phase_ms = -1;
	json_t		*j_out;
	bool		 met = false, lines = false, meetings = false;
	int		 phase = 0, argi = 1;

	for (; argi < argc && argv[argi][0] == '-' && argv[argi][1] != '\0';
	    argi++) {
		if (strcmp(argv[argi], "-l") == 0)
			lines = true;
		else if (strcmp(argv[argi], "-m") == 0)
			meetings = true;
		else
			break;
	}
	if (argc - argi < 2) {
		fprintf(stderr, "usage: backend-driver [-lm] CONFIG SECONDS "
		    "COND... [-- !CMD -- COND...]\n");
		return (2);
	}
	if (util_parse_ll(argv[argi + 1], 1, 3600, &secs, &why) != 0) {
		fprintf(stderr, "backend-driver: SECONDS: %s\n", why);
		return (2);
	}
	for (i = argi + 2; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			phase++;
			continue;
		}
		if (argv[i][0] == '!') {
			if (ncmds == nitems(cmds) || phase != (int)ncmds + 1)
				goto usage;
			cmds[ncmds++] = argv[i] + 1;
			continue;
		}
		if (nconds == nitems(conds) ||
		    (eq = strchr(argv[i], '=')) == NULL)
			goto usage;
		*eq = '\0';
		conds[nconds].node = NULL;
		conds[nconds].phase = (phase + 1) / 2;
		conds[nconds].want = eq + 1;
		if (strncmp(argv[i], "health:", 7) == 0) {
			conds[nconds].src = FLEET_SRC_CONSUL;
			conds[nconds++].node = argv[i] + 7;
			continue;
		}
		for (j = 0; j < FLEET_SRC_COUNT; j++) {
			if (strcmp(argv[i], fleet_src_name(j)) == 0)
				break;
		}
		if (j == FLEET_SRC_COUNT)
			goto usage;
		conds[nconds++].src = j;
	}
	log_set_stderr(false);
	cfg = config_new();
	if (config_load(cfg, argv[argi], &cause) != 0) {
		fprintf(stderr, "backend-driver: %s\n", cause);
		free(cause);
		config_free(cfg);
		return (2);
	}
	loop = loop_new();
	http = http_new(loop);
	fleet = fleet_new(cfg->cluster.name);
	b = backends_new(loop, http, cfg, fleet);
	backends_want_meetings(b, meetings);
	backends_start(b);

	start = util_mono_ms();
	deadline = start + secs * 1000;
	phase = 0;
	while (util_mono_ms() < deadline) {
		loop_run_once(loop, 20);
		for (i = 0; i < nconds; i++) {
			if (conds[i].phase == phase &&
			    !cond_holds(fleet, &conds[i]))
				break;
		}
		if (i < nconds)
			continue;
		if (phase > 0)
			phase_ms = util_mono_ms() - phase_start;
		if ((size_t)phase == ncmds) {
			met = true;
			break;
		}
		run_command(cmds[phase++]);
		phase_start = util_mono_ms();
	}

	j_out = model_json(fleet, util_mono_ms() - start);
	if (phase_ms >= 0)
		json_object_set_new(j_out, "phase_ms", json_integer(phase_ms));
	if (lines)
		print_lines(j_out);
	else {
		out = json_dumps(j_out, JSON_INDENT(1) | JSON_SORT_KEYS);
		printf("%s\n", out);
		free(out);
	}
	json_decref(j_out);

	backends_free(b);
	fleet_free(fleet);
	http_free(http);
	loop_free(loop);
	config_free(cfg);
	return (met ? 0 : 1);

usage:
	fprintf(stderr, "backend-driver: bad argument \"%s\"\n", argv[i]);
	return (2);
}
