/*
 * setup-boot.c: bbbctl setup's bootstrap and its undo (setup-boot.h).
 *
 * Bootstrap, after the configuration is written: every stack of the
 * plan (setup_plan_stacks) is created on the Rancher environment from
 * its template (POST /stacks, the environment of setup_stack_env: the
 * generated secrets of the 0600 setup-secrets file), waited for until
 * active and healthy; a created consul, Prometheus or scalelite gets
 * its address from its service's publicEndpoints, its connection test
 * must pass, and the configuration is written again with it; then the
 * BBB nodes are made one at a time by the scale-out job (the "scale
 * out" row of the action registry, run as its command runs it: plan,
 * job, audit), the probes run, then a test meeting through scalelite
 * (probe_meeting_run, the code behind `bbbctl probe meeting`) that must
 * land on a node and pass every step.  Every item is written to the state
 * file (setup-state.h) as soon as it exists; a later run re-checks each
 * and goes on.
 *
 * Undo removes what the state file lists, in reverse order: the nodes
 * (cordoned, then the scale-in job), the stacks (remove, waited for),
 * then the generated secrets file and the state file.
 *
 * Every call has a deadline (the clients' own, and each wait its
 * [scale] stack_timeout); transient failures are retried within it.
 * SIGINT, SIGTERM and SIGHUP stop at the next step, with the state file
 * saying what exists.  No secret is printed, logged or audited.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "action/registry.h"
#include "action/scale.h"
#include "api/api.h"
#include "api/rancher.h"
#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "probe-meeting.h"
#include "setup.h"
#include "setup-boot.h"
#include "setup-state.h"
#include "setup-test.h"
#include "util.h"

#define SB_POLL_MS		500
#define SB_ANSWER_MS		120000	/* a healthy stack's system answers */
#define SB_LOCK_WAIT		"90s"	/* a killed run's lock expires */

static volatile sig_atomic_t sb_signal;

static void
sb_signal_cb(int sig)
{
	sb_signal = sig;
}

struct sb {
	struct cli		*cli;
	struct setup_answers	*a;
	const char		*conf;		/* the configuration */
	const char		*stacks_dir;
	char			*state_path;
	char			*secrets_path;
	struct setup_state	*st;
	struct setup_secrets_file *sf;
	struct api_conn		 rc;
	const char		*project;
	struct audit		*audit;
	enum setup_secrets	 how;
};

/* The systems a created stack gives an address to. */
static const struct {
	const char	*stack;
	const char	*service;
	const char	*page;		/* answers page and state url name */
} sb_endpoints[] = {
	{ "consul",		"consul",		"consul" },
	{ "metrics",		"prometheus",		"prometheus" },
	{ "bbb-scalelite",	"scalelite-api",	"scalelite" },
};

static void
sb_catch(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sb_signal_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
sb_release(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static bool
sb_stopped(char **cause)
{
	if (sb_signal == 0)
		return (false);
	*cause = xasprintf("%s: stopped", strsignal(sb_signal));
	return (true);
}

/* Sleep ms unless a signal came; false when one did. */
static bool
sb_sleep(int64_t ms)
{
	struct timespec	 ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (sb_signal != 0)
		return (false);
	nanosleep(&ts, NULL);
	return (sb_signal == 0);
}

/* An audit record of one step (no secret in any argument). */
static void
sb_audit(struct sb *sb, const char *event, const char *verb,
    const char *target, const char *result)
{
	struct audit_rec	 r;
	char			*uuid, *op, *origin, *cause = NULL;

	if (sb->audit == NULL)
		return;
	memset(&r, 0, sizeof r);
	uuid = audit_uuid_new();
	op = audit_operator();
	origin = audit_origin();
	r.uuid = uuid;
	r.event = event;
	r.verb = verb;
	r.target = target;
	r.result = result;
	r.operator_ = op;
	r.origin = origin;
	r.duration_ms = -1;
	/* spooled (0 with a cause) is stored: the jobs say so already */
	if (audit_record(sb->audit, &r, &cause) != 0)
		log_warn("setup: audit: %s", cause != NULL ? cause : "failed");
	else if (cause != NULL)
		log_debug("setup: audit record spooled: %s", cause);
	free(cause);
	free(uuid);
	free(op);
	free(origin);
}

static int
sb_save(struct sb *sb, char **cause)
{
	return (setup_state_save(sb->st, sb->state_path, cause));
}

/*
 * A configuration written before the state's addresses were known (a
 * run stopped half-way): the created systems' addresses from the state
 * file, and scalelite's generated secret, where it has none.
 */
static void
sb_overlay(struct sb *sb, struct config *cfg)
{
	const struct setup_state_item *it;
	struct setup_secrets_file *sf = sb->sf;
	char	**field, *cause = NULL;
	size_t	 k;

	for (k = 0; k < nitems(sb_endpoints); k++) {
		if ((it = setup_state_find(sb->st, SETUP_ST_URL,
		    sb_endpoints[k].page)) == NULL)
			continue;
		if (strcmp(sb_endpoints[k].page, "consul") == 0)
			field = &cfg->consul.url;
		else if (strcmp(sb_endpoints[k].page, "prometheus") == 0)
			field = &cfg->prometheus.url;
		else
			field = &cfg->scalelite.url;
		if (*field != NULL && **field != '\0')
			continue;
		free(*field);
		*field = xstrdup(it->id);
		if (field != &cfg->scalelite.url || (cfg->scalelite.secret !=
		    NULL && *cfg->scalelite.secret != '\0'))
			continue;
		if (sf == NULL && sb->secrets_path != NULL &&
		    access(sb->secrets_path, F_OK) == 0)
			sf = setup_secrets_open(sb->secrets_path, &cause);
		free(cause);
		cause = NULL;
		if (sf != NULL) {
			free(cfg->scalelite.secret);
			cfg->scalelite.secret = xstrdup(setup_secrets_get(sf,
			    "loadbalancer_secret"));
		}
		if (sf != sb->sf)
			setup_secrets_free(sf);
		sf = sb->sf;
	}
}

/* Read the configuration as written (cli->cfg is it from now on). */
static int
sb_load_config(struct sb *sb, char **cause)
{
	struct config	*cfg;

	cfg = config_new();
	if (config_load(cfg, sb->conf, cause) == -1) {
		config_free(cfg);
		return (-1);
	}
	if (sb->st != NULL)
		sb_overlay(sb, cfg);
	config_free(sb->cli->cfg);
	sb->cli->cfg = cfg;
	sb->rc = api_rancher_conn(cfg);
	sb->project = cfg->rancher.project;
	if (sb->audit != NULL)
		audit_free(sb->audit);
	sb->audit = audit_new(cfg);
	return (0);
}

/*
 * Rancher's stack of that id: 1 with *out when it is there (not removed
 * nor being removed), 0 when it is gone, -1 with *cause (after the
 * transient failures of until are retried).
 */
static int
sb_stack_get(struct sb *sb, const char *name, const char *id, json_t **out,
    int64_t until, char **cause)
{
	json_t		*j, *rows, *row;
	const char	*state;
	char		*path, *q, *c = NULL;
	size_t		 i;

	*out = NULL;
	q = xasprintf("name=%s", name);
	path = api_rancher_path(sb->project, "stacks", NULL, q);
	free(q);
	for (;;) {
		if (api_rancher_call(&sb->rc, "GET", path, NULL, &j, &c) == 0)
			break;
		if (!api_last_transient() || util_mono_ms() >= until ||
		    !sb_sleep(SB_POLL_MS)) {
			*cause = c;
			free(path);
			return (-1);
		}
		free(c);
		c = NULL;
	}
	free(path);
	rows = json_object_get(j, "data");
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		if (!json_is_string(json_object_get(row, "id")) ||
		    strcmp(json_string_value(json_object_get(row, "id")),
		    id) != 0)
			continue;
		state = json_string_value(json_object_get(row, "state"));
		if (state == NULL || strcmp(state, "removed") == 0 ||
		    strcmp(state, "removing") == 0 ||
		    strcmp(state, "purged") == 0)
			break;
		*out = json_incref(row);
		json_decref(j);
		return (1);
	}
	json_decref(j);
	return (0);
}

/* A live stack of that name that the state file does not list. */
static int
sb_stack_foreign(struct sb *sb, const char *name, char **id, char **cause)
{
	json_t		*j, *rows, *row;
	const char	*state, *sid;
	char		*path, *q;
	size_t		 i;

	*id = NULL;
	q = xasprintf("name=%s", name);
	path = api_rancher_path(sb->project, "stacks", NULL, q);
	free(q);
	if (api_rancher_call(&sb->rc, "GET", path, NULL, &j, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	rows = json_object_get(j, "data");
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		state = json_string_value(json_object_get(row, "state"));
		sid = json_string_value(json_object_get(row, "id"));
		if (state != NULL && sid != NULL &&
		    strcmp(state, "removed") != 0 &&
		    strcmp(state, "purged") != 0)
			*id = xstrdup(sid);
	}
	json_decref(j);
	return (0);
}

static char *
sb_read(const char *dir, const char *stack, const char *file, char **cause)
{
	char	*path, *text;
	size_t	 len;

	path = xasprintf("%s/%s/%s", dir, stack, file);
	text = util_read_file(path, 1048576, &len, cause);
	free(path);
	return (text);
}

/* POST /stacks from the template; *id the new stack's. */
static int
sb_stack_create(struct sb *sb, const char *stack, char **id, char **cause)
{
	json_t	*body, *env, *out = NULL;
	char	**vars = NULL, *dc = NULL, *rcy = NULL, *path;
	size_t	 i;
	int	 rc = -1;

	*id = NULL;
	if (setup_stack_env(sb->a, sb->sf, sb->stacks_dir, stack, &vars,
	    cause) != 0)
		return (-1);
	if ((dc = sb_read(sb->stacks_dir, stack, "docker-compose.yml",
	    cause)) == NULL || (rcy = sb_read(sb->stacks_dir, stack,
	    "rancher-compose.yml", cause)) == NULL)
		goto out;
	env = json_object();
	for (i = 0; vars[i] != NULL; i += 2)
		json_object_set_new(env, vars[i], json_string(vars[i + 1]));
	body = json_pack("{s:s, s:s, s:s, s:o, s:b, s:s}", "name", stack,
	    "dockerCompose", dc, "rancherCompose", rcy, "environment", env,
	    "startOnCreate", 1, "description", "created by bbbctl setup");
	path = api_rancher_path(sb->project, "stacks", NULL, NULL);
	rc = api_rancher_call(&sb->rc, "POST", path, body, &out, cause);
	free(path);
	json_object_clear(env);	/* the secrets go with it */
	json_decref(body);
	if (rc != 0)
		goto out;
	if (!json_is_string(json_object_get(out, "id"))) {
		*cause = xasprintf("rancher: POST stacks %s: no id in the "
		    "answer", stack);
		rc = -1;
		goto out;
	}
	*id = xstrdup(json_string_value(json_object_get(out, "id")));
out:
	json_decref(out);
	free(dc);
	free(rcy);
	setup_stack_env_free(vars);
	return (rc);
}

/* Until the stack is active and healthy (or started-once). */
static int
sb_stack_wait(struct sb *sb, const char *stack, const char *id,
    char **cause)
{
	json_t		*o;
	const char	*state, *health;
	int64_t		 until;
	int		 r;
	char		 last[96] = "";

	until = util_mono_ms() + sb->cli->cfg->scale.stack_timeout_ms;
	for (;;) {
		if (sb_stopped(cause))
			return (-1);
		if ((r = sb_stack_get(sb, stack, id, &o, until, cause)) == -1)
			return (-1);
		if (r == 0) {
			*cause = xasprintf("stack %s (%s) is gone", stack, id);
			return (-1);
		}
		state = json_string_value(json_object_get(o, "state"));
		health = json_string_value(json_object_get(o, "healthState"));
		if (state != NULL && health != NULL &&
		    strcmp(state, "active") == 0 &&
		    (strcmp(health, "healthy") == 0 ||
		    strcmp(health, "started-once") == 0)) {
			json_decref(o);
			return (0);
		}
		snprintf(last, sizeof last, "%s, %s", state != NULL ? state :
		    "?", health != NULL ? health : "?");
		json_decref(o);
		if (util_mono_ms() >= until) {
			*cause = xasprintf("stack %s (%s) not healthy within "
			    "[scale] stack_timeout (%s)", stack, id, last);
			return (-1);
		}
		if (!sb_sleep(SB_POLL_MS)) {
			*cause = xasprintf("%s: stopped", strsignal(sb_signal));
			return (-1);
		}
	}
}

/*
 * The address a created stack publishes for its system (service
 * publicEndpoints: http://IP:PORT), or NULL when it publishes none
 * (0); -1 with *cause.
 */
static int
sb_stack_endpoint(struct sb *sb, const char *id, const char *service,
    char **url, char **cause)
{
	json_t		*j, *rows, *row, *ep;
	const char	*ip;
	char		*path, *q;
	size_t		 i;

	*url = NULL;
	q = xasprintf("stackId=%s", id);
	path = api_rancher_path(sb->project, "services", NULL, q);
	free(q);
	if (api_rancher_call(&sb->rc, "GET", path, NULL, &j, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	rows = json_object_get(j, "data");
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		if (!json_is_string(json_object_get(row, "name")) ||
		    strcmp(json_string_value(json_object_get(row, "name")),
		    service) != 0)
			continue;
		ep = json_array_get(json_object_get(row, "publicEndpoints"),
		    0);
		ip = json_string_value(json_object_get(ep, "ipAddress"));
		if (ip != NULL && json_is_integer(json_object_get(ep,
		    "port")) && strchr(ip, ' ') == NULL)
			*url = xasprintf(strchr(ip, ':') != NULL ?
			    "http://[%s]:%lld" : "http://%s:%lld", ip,
			    (long long)json_integer_value(
			    json_object_get(ep, "port")));
	}
	json_decref(j);
	return (0);
}

/* The answers a created system's address and secret give. */
static void
sb_apply_url(struct sb *sb, const char *page, const char *url)
{
	setup_answers_set(sb->a, page, "url", url);
	if (strcmp(page, "scalelite") == 0)
		setup_answers_set(sb->a, page, "secret",
		    setup_secrets_get(sb->sf, "loadbalancer_secret"));
}

/* Its connection test passes (retried until the stack deadline). */
static int
sb_system_wait(struct sb *sb, const char *page, char **cause)
{
	struct setup_test	 t;
	int64_t			 until;

	/* healthy already: it answers soon, or something else is wrong */
	until = util_mono_ms() + SB_ANSWER_MS;
	for (;;) {
		setup_test_run(sb->a, page, SETUP_TEST_TIMEOUT_MS, &t);
		if (t.ok) {
			printf("  %s: %s\n", page, t.text);
			setup_test_clear(&t);
			return (0);
		}
		if (util_mono_ms() >= until || !sb_sleep(SB_POLL_MS)) {
			*cause = xasprintf("%s does not answer: %s", page,
			    t.text);
			setup_test_clear(&t);
			return (-1);
		}
		setup_test_clear(&t);
	}
}

/* Write the configuration again, with what the stacks gave. */
static int
sb_write_config(struct sb *sb, char **cause)
{
	char	*kept = NULL;

	if (setup_config_write(sb->a, sb->how, sb->conf, &kept, cause) != 0)
		return (-1);
	log_info("setup: wrote %s with the created systems' addresses%s%s",
	    sb->conf, kept != NULL ? ", kept the previous one as " : "",
	    kept != NULL ? kept : "");
	free(kept);
	return (sb_load_config(sb, cause));
}

/* One stack: re-checked if the state has it, else created; healthy. */
static int
sb_stack(struct sb *sb, const char *stack, bool *changed, char **cause)
{
	const struct setup_state_item *it;
	json_t		*o;
	char		*id = NULL, *url = NULL, *res;
	size_t		 k;
	int		 r;

	if ((it = setup_state_find(sb->st, SETUP_ST_STACK, stack)) != NULL) {
		r = sb_stack_get(sb, stack, it->id, &o, util_mono_ms() +
		    sb->cli->cfg->scale.stack_timeout_ms, cause);
		if (r == -1)
			return (-1);
		json_decref(o);
		if (r == 1) {
			id = xstrdup(it->id);
			printf("stack %s: created before (%s), checking it\n",
			    stack, id);
		} else {
			printf("stack %s: %s is gone, creating it again\n",
			    stack, it->id);
			setup_state_remove(sb->st, SETUP_ST_HEALTHY, stack);
			setup_state_remove(sb->st, SETUP_ST_STACK, stack);
			if (sb_save(sb, cause) != 0)
				return (-1);
		}
	}
	if (id == NULL) {
		if (sb_stack_foreign(sb, stack, &id, cause) != 0)
			return (-1);
		if (id != NULL) {
			*cause = xasprintf("stack %s (%s) exists and setup did "
			    "not create it: remove it, or mark that system "
			    "existing", stack, id);
			free(id);
			return (-1);
		}
		if (sb_stopped(cause))
			return (-1);
		printf("stack %s: creating it on Rancher environment %s\n",
		    stack, sb->project);
		fflush(stdout);
		if (sb_stack_create(sb, stack, &id, cause) != 0)
			return (-1);
		setup_state_add(sb->st, SETUP_ST_STACK, stack, id);
		if (sb_save(sb, cause) != 0) {
			free(id);
			return (-1);
		}
		res = xasprintf("stack %s created", id);
		sb_audit(sb, "done", "setup stack create", stack, res);
		free(res);
		log_info("setup: stack %s created: %s", stack, id);
	}
	if (sb_stack_wait(sb, stack, id, cause) != 0) {
		free(id);
		return (-1);
	}
	if (setup_state_find(sb->st, SETUP_ST_HEALTHY, stack) == NULL) {
		setup_state_add(sb->st, SETUP_ST_HEALTHY, stack, NULL);
		if (sb_save(sb, cause) != 0) {
			free(id);
			return (-1);
		}
	}
	printf("stack %s (%s): active and healthy\n", stack, id);
	for (k = 0; k < nitems(sb_endpoints); k++) {
		if (strcmp(sb_endpoints[k].stack, stack) != 0)
			continue;
		if (sb_stack_endpoint(sb, id, sb_endpoints[k].service, &url,
		    cause) != 0) {
			free(id);
			return (-1);
		}
		if (url == NULL) {
			*cause = xasprintf("stack %s (%s): service %s "
			    "publishes no address", stack, id,
			    sb_endpoints[k].service);
			free(id);
			return (-1);
		}
		sb_apply_url(sb, sb_endpoints[k].page, url);
		if (sb_system_wait(sb, sb_endpoints[k].page, cause) != 0) {
			free(url);
			free(id);
			return (-1);
		}
		setup_state_remove(sb->st, SETUP_ST_URL, sb_endpoints[k].page);
		setup_state_add(sb->st, SETUP_ST_URL, sb_endpoints[k].page,
		    url);
		*changed = true;
		free(url);
		if (sb_save(sb, cause) != 0) {
			free(id);
			return (-1);
		}
	}
	free(id);
	return (0);
}

/*
 * A registry row's job, as its command runs it (plan, job, audit), with
 * the words of its command line; 0 when it is done.
 */
static int
sb_job(struct sb *sb, const char *verb, int argc, char **argv)
{
	const struct action	*a;
	struct cmd_job		*cj;
	bool			 yes = sb->cli->yes;
	char			**av;
	int			 rc, i;

	if ((a = action_find(verb)) == NULL)
		return (-1);
	/*
	 * A run killed with SIGKILL leaves the cluster lock to expire
	 * (its session's TTL and lock delay): wait for it.
	 */
	av = xcalloc((size_t)argc + 3, sizeof *av);
	av[0] = argv[0];
	av[1] = "--lock-wait";
	av[2] = SB_LOCK_WAIT;
	for (i = 1; i < argc; i++)
		av[i + 2] = argv[i];
	cj = cmd_job_parse(sb->cli, a, argc + 2, av, &rc);
	free(av);
	if (cj == NULL)
		return (-1);
	sb->cli->yes = true;	/* the plan was shown before */
	sb_release();
	rc = cmd_job_run(sb->cli, cj);
	sb_catch();
	sb->cli->yes = yes;
	fflush(stdout);
	return (rc == CLI_EXIT_OK ? 0 : -1);
}

/* The node names of the state file, made or being made. */
static long
sb_node_max(struct sb *sb)
{
	const char	*pat = sb->cli->cfg->scale.name_pattern;
	long		 num, max = 0;
	size_t		 i;

	for (i = 0; i < sb->st->n; i++) {
		if (sb->st->items[i].kind == SETUP_ST_NODE &&
		    scale_name_match(pat, sb->st->items[i].name, &num) &&
		    num > max)
			max = num;
	}
	return (max);
}

/* Remove what a node half-made by an interrupted run left (scale in). */
static int
sb_node_clean(struct sb *sb, const char *name, char **cause)
{
	const struct action	*a = action_find("scale in");
	char			*why = NULL;
	char			*argv[] = { "scale in", "--force",
				    (char *)name, NULL };
	long			 min = sb->cli->cfg->scale.min_nodes;
	int			 r;

	if (a != NULL && a->resolve != NULL &&
	    a->resolve(sb->cli->cfg, name, &why) != 0) {
		/* no source knows it: nothing was left */
		free(why);
		return (0);
	}
	free(why);
	printf("node %s: half-made by an interrupted run: removing what "
	    "it left (scale in)\n", name);
	sb->cli->cfg->scale.min_nodes = 0;
	r = sb_job(sb, "scale in", 3, argv);
	sb->cli->cfg->scale.min_nodes = min;
	if (r != 0) {
		*cause = xasprintf("node %s: what it left could not be "
		    "removed (see above)", name);
		return (-1);
	}
	return (0);
}

static int
sb_nodes(struct sb *sb, char **cause)
{
	const char	*pat = sb->cli->cfg->scale.name_pattern;
	char		 name[64], *argv[4];
	long		 want, have = 0, next;
	size_t		 i;
	const char	*errstr;
	long long	 v;

	if (util_parse_ll(setup_answers_get(sb->a, "cluster", "nodes"), 1,
	    200, &v, &errstr) != 0) {
		*cause = xasprintf("[cluster] nodes: %s", errstr);
		return (-1);
	}
	want = (long)v;
	/* a node an interrupted run was making: clean it, make it again */
	for (i = 0; i < sb->st->n; i++) {
		if (sb->st->items[i].kind != SETUP_ST_NODE ||
		    setup_state_find(sb->st, SETUP_ST_NODE_DONE,
		    sb->st->items[i].name) != NULL)
			continue;
		snprintf(name, sizeof name, "%s", sb->st->items[i].name);
		if (sb_node_clean(sb, name, cause) != 0)
			return (-1);
		setup_state_remove(sb->st, SETUP_ST_NODE, name);
		if (sb_save(sb, cause) != 0)
			return (-1);
		i = (size_t)-1;		/* the list changed: again */
	}
	for (i = 0; i < sb->st->n; i++) {
		if (sb->st->items[i].kind == SETUP_ST_NODE_DONE)
			have++;
	}
	if (have > 0)
		printf("nodes: %ld of %ld made before\n", have, want);
	while (have < want) {
		if (sb_stopped(cause))
			return (-1);
		next = sb_node_max(sb) + 1;
		scale_name_make(pat, next, name, sizeof name);
		setup_state_add(sb->st, SETUP_ST_NODE, name, NULL);
		if (sb_save(sb, cause) != 0)
			return (-1);
		printf("node %s (%ld of %ld): scale out\n", name, have + 1,
		    want);
		fflush(stdout);
		argv[0] = "scale out";
		argv[1] = "--name";
		argv[2] = name;
		argv[3] = NULL;
		if (sb_job(sb, "scale out", 3, argv) != 0) {
			/* the job undid what it made (or says what it left) */
			if (sb_signal == 0) {
				setup_state_remove(sb->st, SETUP_ST_NODE, name);
				if (sb_save(sb, cause) != 0)
					return (-1);
			}
			*cause = xasprintf("node %s: scale out failed (see "
			    "above)", name);
			return (-1);
		}
		setup_state_add(sb->st, SETUP_ST_NODE_DONE, name, NULL);
		if (sb_save(sb, cause) != 0)
			return (-1);
		have++;
	}
	return (0);
}

/* A step of the test meeting, as bbbctl probe meeting prints it. */
static void
sb_meeting_step(const struct pm_step *s, void *arg)
{
	(void)arg;
	printf("  %-15s %-6s %6lldms  %s\n", s->name, s->ok ? "ok" :
	    "FAILED", (long long)s->ms, s->detail != NULL ? s->detail : "");
	fflush(stdout);
}

/*
 * The test meeting through scalelite (bbbctl probe meeting's run): an
 * audited step; 0 when every step passed, -1 with *cause saying which
 * failed.
 */
static int
sb_meeting(struct sb *sb, char **cause)
{
	struct pm_result	 r;
	const char		*fleet;
	char			*line = NULL, *c = NULL, *res;
	int			 rc;

	fleet = setup_answers_get(sb->a, "cluster", "name");
	printf("test meeting: bbbctl probe meeting, through scalelite\n");
	fflush(stdout);
	memset(&r, 0, sizeof r);
	if (probe_meeting_run(sb->cli->cfg, NULL, &r, sb_meeting_step, NULL,
	    &c) != 0) {
		*cause = xasprintf("the test meeting could not start: %s; "
		    "run bbbctl setup again to check again", c);
		free(c);
		sb_audit(sb, "failed", "setup test meeting", fleet,
		    "the test meeting could not start");
		return (-1);
	}
	rc = probe_meeting_summary(&r, &line);
	if (rc == 0 && r.node == NULL) {
		/* it must have landed on a node */
		free(line);
		line = xstrdup("join failed: scalelite named no node");
		rc = -1;
	}
	if (rc != 0) {
		printf("test meeting: FAILED: %s\n", line);
		*cause = xasprintf("the test meeting failed: %s; what setup "
		    "made is left as it is: run bbbctl setup again to check "
		    "again, or bbbctl setup --undo", line);
		res = xasprintf("test meeting failed: %s", line);
		sb_audit(sb, "failed", "setup test meeting", fleet, res);
	} else {
		printf("test meeting: passed: %s%s\n", line,
		    setup_state_find(sb->st, SETUP_ST_NODE_DONE, r.node) !=
		    NULL ? " (a node this setup made)" : "");
		res = xasprintf("test meeting passed: %s", line);
		sb_audit(sb, "done", "setup test meeting", fleet, res);
	}
	fflush(stdout);
	free(res);
	free(line);
	probe_meeting_result_clear(&r);
	return (rc == 0 ? 0 : -1);
}

static void
sb_free(struct sb *sb)
{
	setup_state_free(sb->st);
	setup_secrets_free(sb->sf);
	if (sb->audit != NULL)
		audit_free(sb->audit);
	free(sb->state_path);
	free(sb->secrets_path);
}

static char *
sb_dir_file(const char *conf, const char *name)
{
	const char	*s;

	if ((s = strrchr(conf, '/')) == NULL)
		return (xstrdup(name));
	return (xasprintf("%.*s/%s", (int)(s - conf), conf, name));
}

char *
setup_boot_state_path(const char *conf)
{
	return (sb_dir_file(conf, "setup-state"));
}

int
setup_boot_resume_answers(struct setup_answers *a, const char *conf,
    const struct setup_secrets_file *sf, char **cause)
{
	struct setup_state		*st;
	const struct setup_state_item	*it;
	char				*path;
	size_t				 k;

	path = setup_boot_state_path(conf);
	st = setup_state_load(path, cause);
	free(path);
	if (st == NULL)
		return (-1);
	for (k = 0; k < nitems(sb_endpoints); k++) {
		if ((it = setup_state_find(st, SETUP_ST_URL,
		    sb_endpoints[k].page)) == NULL)
			continue;
		setup_answers_set(a, sb_endpoints[k].page, "url", it->id);
		if (strcmp(sb_endpoints[k].page, "scalelite") == 0)
			setup_answers_set(a, "scalelite", "secret",
			    setup_secrets_get(sf, "loadbalancer_secret"));
	}
	setup_state_free(st);
	return (0);
}

int
setup_boot(struct cli *cli, struct setup_answers *a, const char *conf,
    const char *stacks_dir, struct setup_secrets_file *sf, char **cause)
{
	struct sb	 sb;
	const char	*stacks[16];
	const struct setup_state_item *it;
	char		*argv[2] = { "probe", NULL };
	size_t		 n, i, k;
	bool		 changed = false;
	int		 rc = -1;

	memset(&sb, 0, sizeof sb);
	sb.cli = cli;
	sb.a = a;
	sb.conf = conf;
	sb.stacks_dir = stacks_dir;
	sb.sf = sf;
	sb.how = strcmp(setup_answers_get(a, "backup", "secrets"), "files") ==
	    0 ? SETUP_SECRETS_FILES : SETUP_SECRETS_INLINE;
	sb.state_path = setup_boot_state_path(conf);
	sb_signal = 0;
	sb_catch();
	if ((sb.st = setup_state_load(sb.state_path, cause)) == NULL)
		goto out;
	/* what an earlier run learnt: the created systems' addresses */
	for (k = 0; k < nitems(sb_endpoints); k++) {
		if ((it = setup_state_find(sb.st, SETUP_ST_URL,
		    sb_endpoints[k].page)) != NULL)
			sb_apply_url(&sb, sb_endpoints[k].page, it->id);
	}
	if (sb_load_config(&sb, cause) != 0)
		goto out;
	printf("bootstrap: the state file is %s (mode 0600)\n",
	    sb.state_path);
	n = setup_plan_stacks(a, stacks, nitems(stacks));
	for (i = 0; i < n && i < nitems(stacks); i++) {
		if (sb_stack(&sb, stacks[i], &changed, cause) != 0)
			goto out;
	}
	if (changed || setup_state_find(sb.st, SETUP_ST_URL, NULL) != NULL) {
		if (sb_write_config(&sb, cause) != 0)
			goto out;
		printf("wrote %s again, with the created systems' "
		    "addresses\n", conf);
	}
	if (sb_nodes(&sb, cause) != 0)
		goto out;
	printf("probes: bbbctl probe\n");
	fflush(stdout);
	if (sb_stopped(cause))
		goto out;
	if (cmd_probe(cli, 1, argv) != CLI_EXIT_OK) {
		*cause = xstrdup("the probes failed (see above); run bbbctl "
		    "setup again to check again");
		goto out;
	}
	if (setup_state_find(sb.st, SETUP_ST_PROBES, NULL) == NULL) {
		setup_state_add(sb.st, SETUP_ST_PROBES, NULL, NULL);
		if (sb_save(&sb, cause) != 0)
			goto out;
	}
	if (sb_stopped(cause) || sb_meeting(&sb, cause) != 0)
		goto out;
	/* a signal during the meeting: its outcome is printed, now end */
	if (sb_stopped(cause))
		goto out;
	sb_audit(&sb, "done", "setup", setup_answers_get(a, "cluster",
	    "name"), "bootstrap done: stacks healthy, nodes made, probes "
	    "and the test meeting passed");
	rc = 0;
out:
	if (rc != 0)
		sb_audit(&sb, sb_signal != 0 ? "cancelled" : "failed",
		    "setup", setup_answers_get(a, "cluster", "name"),
		    "bootstrap stopped; the state file lists what exists");
	sb_release();
	sb.sf = NULL;		/* the caller's */
	sb_free(&sb);
	return (rc);
}

/* Until the stack is gone (removed, or no longer listed). */
static int
sb_stack_gone(struct sb *sb, const char *stack, const char *id,
    char **cause)
{
	json_t		*o;
	int64_t		 until;
	int		 r;

	until = util_mono_ms() + sb->cli->cfg->scale.delete_timeout_ms;
	for (;;) {
		if ((r = sb_stack_get(sb, stack, id, &o, until, cause)) == -1)
			return (-1);
		json_decref(o);
		if (r == 0)
			return (0);
		if (util_mono_ms() >= until) {
			*cause = xasprintf("stack %s (%s) still there after "
			    "[scale] delete_timeout", stack, id);
			return (-1);
		}
		if (!sb_sleep(SB_POLL_MS)) {
			*cause = xasprintf("%s: stopped", strsignal(sb_signal));
			return (-1);
		}
	}
}

int
setup_undo(struct cli *cli, const char *conf, char **cause)
{
	struct sb	 sb;
	struct buf	 names = { 0 };
	const struct setup_state_item *it;
	char		**argv = NULL, *path, *res, *word, *p;
	size_t		 i, nnodes = 0;
	long		 min;
	int		 rc = -1, argc;

	memset(&sb, 0, sizeof sb);
	sb.cli = cli;
	sb.conf = conf;
	sb.state_path = setup_boot_state_path(conf);
	sb.secrets_path = sb_dir_file(conf, "setup-secrets");
	sb_signal = 0;
	if ((sb.st = setup_state_load(sb.state_path, cause)) == NULL)
		goto out;
	if (access(sb.state_path, F_OK) != 0) {
		printf("setup --undo: no state file (%s): setup created "
		    "nothing to remove\n", sb.state_path);
		rc = 0;
		goto out;
	}
	/* the plan: what the state lists, in reverse order */
	printf("setup --undo: removes what %s lists, in reverse order:\n",
	    sb.state_path);
	for (i = sb.st->n; i-- > 0;) {
		it = &sb.st->items[i];
		if (it->kind == SETUP_ST_NODE) {
			printf("  BBB node %s (cordon, then scale in: "
			    "scalelite, consul, Rancher stack and host, "
			    "VM)\n", it->name);
			buf_printf(&names, "%s%s", names.len != 0 ? " " : "",
			    it->name);
			nnodes++;
		} else if (it->kind == SETUP_ST_STACK)
			printf("  Rancher stack %s (%s)\n", it->name, it->id);
	}
	if (access(sb.secrets_path, F_OK) == 0)
		printf("  the generated secrets file %s\n", sb.secrets_path);
	printf("  the state file %s\n", sb.state_path);
	printf("The configuration %s is left as it is.\n", conf);
	if (cli->dry_run) {
		printf("--dry-run: nothing removed.\n");
		rc = 0;
		goto out;
	}
	sb_catch();
	if (sb_load_config(&sb, cause) != 0)
		goto out;

	if (nnodes > 0) {
		const struct action	*in = action_find("scale in");

		/* cordoned, no node is the "last enabled" one scale in keeps */
		buf_add(&names, "", 1);
		argv = xcalloc(nnodes + 3, sizeof *argv);
		argc = 0;
		argv[argc++] = "scale in";
		argv[argc++] = "--force";
		for (p = names.data; (word = strsep(&p, " ")) != NULL;) {
			char	*cargv[] = { "server cordon", word, NULL };
			char	*why = NULL;

			/* a node killed before its VM existed left nothing */
			if (in != NULL && in->resolve != NULL &&
			    in->resolve(cli->cfg, word, &why) != 0) {
				printf("node %s: no source knows it: nothing "
				    "to remove\n", word);
				free(why);
				continue;
			}
			free(why);
			argv[argc++] = word;
			if (sb_stopped(cause))
				goto out;
			if (sb_job(&sb, "server cordon", 2, cargv) != 0)
				printf("node %s: not cordoned (not in "
				    "scalelite?); scale in goes on\n", word);
		}
		argv[argc] = NULL;
		if (sb_stopped(cause))
			goto out;
		min = cli->cfg->scale.min_nodes;
		cli->cfg->scale.min_nodes = 0;	/* they all go */
		if (argc > 2 && sb_job(&sb, "scale in", argc, argv) != 0) {
			cli->cfg->scale.min_nodes = min;
			*cause = xstrdup("scale in failed (see above); the "
			    "state file still lists the nodes: run setup "
			    "--undo again");
			goto out;
		}
		cli->cfg->scale.min_nodes = min;
		setup_state_remove(sb.st, SETUP_ST_NODE_DONE, NULL);
		setup_state_remove(sb.st, SETUP_ST_NODE, NULL);
		setup_state_remove(sb.st, SETUP_ST_PROBES, NULL);
		if (sb_save(&sb, cause) != 0)
			goto out;
	}
	for (i = sb.st->n; i-- > 0;) {
		char	*name, *id;

		it = &sb.st->items[i];
		if (it->kind != SETUP_ST_STACK)
			continue;
		if (sb_stopped(cause))
			goto out;
		name = xstrdup(it->name);
		id = xstrdup(it->id);
		printf("stack %s (%s): removing it\n", name, id);
		fflush(stdout);
		path = api_rancher_action_path(sb.project, "stacks", id,
		    "remove");
		{
			json_t	*out = NULL;

			rc = api_rancher_call(&sb.rc, "POST", path, NULL, &out,
			    cause);
			json_decref(out);
		}
		free(path);
		if (rc != 0) {
			json_t	*o = NULL;
			char	*why = NULL;

			/* already gone: nothing to remove */
			if (sb_stack_get(&sb, name, id, &o, util_mono_ms(),
			    &why) == 0) {
				free(*cause);
				*cause = NULL;
				rc = 0;
			}
			json_decref(o);
			free(why);
		}
		if (rc == 0)
			rc = sb_stack_gone(&sb, name, id, cause);
		if (rc != 0) {
			rc = -1;
			free(name);
			free(id);
			goto out;
		}
		res = xasprintf("stack %s removed", id);
		sb_audit(&sb, "done", "setup undo stack remove", name, res);
		free(res);
		setup_state_remove(sb.st, SETUP_ST_URL, NULL);
		setup_state_remove(sb.st, SETUP_ST_HEALTHY, name);
		setup_state_remove(sb.st, SETUP_ST_STACK, name);
		free(name);
		free(id);
		if (sb_save(&sb, cause) != 0) {
			rc = -1;
			goto out;
		}
		i = sb.st->n;	/* the list changed: from its end again */
	}
	rc = -1;
	if (unlink(sb.secrets_path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", sb.secrets_path, strerror(errno));
		goto out;
	}
	if (unlink(sb.state_path) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", sb.state_path, strerror(errno));
		goto out;
	}
	sb_audit(&sb, "done", "setup undo", cli->cfg->cluster.name,
	    "removed what setup created");
	printf("setup --undo: done; removed %s and %s\n", sb.secrets_path,
	    sb.state_path);
	rc = 0;
out:
	sb_release();
	free(argv);
	buf_free(&names);
	sb_free(&sb);
	return (rc);
}
