/*
 * server-state.c: scalelite server state through the admin API
 * (scalelite >= 1.5.1, scalelite-bbb.md §1.4): enable, cordon, disable,
 * panic, and drain (cordon, then follow the load until scalelite turns
 * the server disabled).
 *
 * Every call carries checksum = sha256(action + query + secret) with the
 * server id in the query, so the checksum covers it; POST bodies are
 * JSON with Content-Type application/json.  updateServer takes the
 * verbs enable/cordon/disable.  Disable of a server with load is
 * refused (scalelite's own rake task would ask on stdin): drain it.
 *
 * The node is found by the join rule of fleet.h: the key of each
 * server's URL against the key of the target (a server id works too).
 * Answers of getServers hold every node's secret: they are decoded for
 * id, url, state and load only and never logged.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "action/action.h"
#include "api/scalelite.h"
#include "config.h"
#include "fleet.h"
#include "jobs.h"
#include "log.h"
#include "rake.h"
#include "util.h"

#define SS_POLL_MS	5000			/* drain: follow interval */
#define SS_DRAIN_MS	(6 * 3600 * 1000LL)	/* drain: give up after */
#define SS_LEGACY	"legacy: "	/* cause prefix: no admin API */

enum ss_verb {
	SS_ENABLE,
	SS_CORDON,
	SS_DISABLE,
	SS_PANIC,
	SS_DRAIN
};

/* server drain's own arguments (job_args.priv). */
struct ss_args {
	int64_t		 poll_ms;	/* --poll; 0 = SS_POLL_MS */
};

static int64_t
ss_poll_ms(const struct job_args *a)
{
	const struct ss_args	*sa = a->priv;

	return (sa != NULL && sa->poll_ms > 0 ? sa->poll_ms : SS_POLL_MS);
}

/* --- helpers shared by the actions -------------------------------------- */




/* --- scalelite admin API ------------------------------------------------ */

/*
 * One admin API call (api/scalelite.h).  id (may be NULL) goes in the
 * query; body is a JSON object or NULL (GET).  0 with *out, or -1 with
 * *cause and, if transient is not NULL, whether the failure is worth a
 * retry (api_last_transient()); a scalelite without the admin API gives
 * a SS_LEGACY cause.
 */
static int
ss_call_t(const struct config *cfg, const char *action, const char *id,
    json_t *body, json_t **out, bool *transient, char **cause)
{
	struct api_conn	 c = api_scalelite_conn(cfg);
	char		*d;

	if (transient != NULL)
		*transient = false;
	if (api_scalelite_call(&c, action, id, body, out, cause) == 0)
		return (0);
	if (transient != NULL)
		*transient = api_last_transient();
	if (strstr(*cause, ": unsupportedRequest: ") != NULL) {
		d = xasprintf(SS_LEGACY "%s", *cause);
		free(*cause);
		*cause = d;
	}
	return (-1);
}

static int
ss_call(const struct config *cfg, const char *action, const char *id,
    json_t *body, json_t **out, char **cause)
{
	return (ss_call_t(cfg, action, id, body, out, NULL, cause));
}

/* A server object's state, load (NAN unavailable). */
static int
ss_server_read(const json_t *o, char **state, double *load, char **cause)
{
	const json_t	*v;
	const char	*s;

	if (!json_is_object(o) ||
	    (s = json_string_value(json_object_get(o, "state"))) == NULL) {
		*cause = xstrdup("scalelite: a server object without a state");
		return (-1);
	}
	*state = xstrdup(s);
	v = json_object_get(o, "load");
	if (json_is_number(v))
		*load = json_number_value(v);
	else if (json_is_string(v) && (s = json_string_value(v)) != NULL &&
	    util_parse_double(s, load, &(const char *){ NULL }) == 0)
		;
	else
		*load = NAN;
	return (0);
}

/* Find target's server id through getServers. */
static int
ss_find(const struct config *cfg, const char *target, char **id,
    char **cause)
{
	enum fleet_key_rule	 rule = FLEET_KEY_HOST;
	json_t			*arr, *o;
	const char		*sid, *url;
	char			*want, *key;
	size_t			 i;

	*id = NULL;
	if (cfg->cluster.node_key != NULL)
		(void)fleet_key_rule_parse(cfg->cluster.node_key, &rule);
	if (ss_call(cfg, "getServers", NULL, NULL, &arr, cause) != 0)
		return (-1);
	if (!json_is_array(arr)) {
		json_decref(arr);
		*cause = xstrdup("scalelite getServers: not a JSON array");
		return (-1);
	}
	want = fleet_node_key_rule(target, cfg->cluster.domain, rule);
	json_array_foreach(arr, i, o) {
		sid = json_string_value(json_object_get(o, "id"));
		url = json_string_value(json_object_get(o, "url"));
		if (sid == NULL)
			continue;
		if (strcmp(sid, target) == 0) {
			*id = xstrdup(sid);
			break;
		}
		if (url == NULL || want == NULL)
			continue;
		key = fleet_node_key_rule(url, cfg->cluster.domain, rule);
		if (key != NULL && strcmp(key, want) == 0) {
			*id = xstrdup(sid);
			free(key);
			break;
		}
		free(key);
	}
	free(want);
	json_decref(arr);
	if (*id == NULL) {
		*cause = xasprintf("%s is not a scalelite server (no server "
		    "URL or id matches it)", target);
		return (-1);
	}
	return (0);
}

/*
 * The command line's check of a node target (struct action, resolve):
 * scalelite's servers by node key; a target none matches is refused with
 * the nearest keys.  scalelite not answering: a warning, not a refusal.
 */
static int
ss_resolve(const struct config *cfg, const char *target, char **cause)
{
	enum fleet_key_rule	 rule = FLEET_KEY_HOST;
	json_t			*arr, *o;
	const char		*sid, *url;
	char			*want, *key, *why = NULL, *best = NULL;
	size_t			 i, d, bestd = SIZE_MAX;
	int			 rc = 0;

	*cause = NULL;
	if (cfg->scalelite.url == NULL)
		return (0);
	if (cfg->cluster.node_key != NULL)
		(void)fleet_key_rule_parse(cfg->cluster.node_key, &rule);
	if (ss_call(cfg, "getServers", NULL, NULL, &arr, &why) != 0) {
		*cause = xasprintf("cannot check that %s exists: %s", target,
		    why);
		free(why);
		return (0);
	}
	if (!json_is_array(arr)) {
		json_decref(arr);
		return (0);
	}
	want = fleet_node_key_rule(target, cfg->cluster.domain, rule);
	rc = -1;
	json_array_foreach(arr, i, o) {
		sid = json_string_value(json_object_get(o, "id"));
		url = json_string_value(json_object_get(o, "url"));
		if (sid != NULL && strcmp(sid, target) == 0) {
			rc = 0;
			break;
		}
		if (url == NULL)
			continue;
		key = fleet_node_key_rule(url, cfg->cluster.domain, rule);
		if (key == NULL)
			continue;
		if (want != NULL && strcmp(key, want) == 0) {
			free(key);
			rc = 0;
			break;
		}
		d = util_levenshtein(key, target);
		if (d < bestd) {
			bestd = d;
			free(best);
			best = key;
		} else
			free(key);
	}
	if (rc != 0) {
		if (best != NULL && bestd <= 3)
			*cause = xasprintf("no node %s in scalelite; did you "
			    "mean %s?", target, best);
		else
			*cause = xasprintf("no node %s in scalelite", target);
	}
	free(best);
	free(want);
	json_decref(arr);
	return (rc);
}

static int
ss_info(const struct config *cfg, const char *id, char **state,
    double *load, bool *transient, char **cause)
{
	json_t	*o;
	int	 rc;

	if (transient != NULL)
		*transient = false;
	if (ss_call_t(cfg, "getServerInfo", id, NULL, &o, transient,
	    cause) != 0)
		return (-1);
	rc = ss_server_read(o, state, load, cause);
	json_decref(o);
	return (rc);
}

static int
ss_update(const struct config *cfg, const char *id, const char *verb,
    char **state, char **cause)
{
	json_t	*body, *o;
	double	 load;
	int	 rc;

	body = json_pack("{s:s, s:{s:s}}", "id", id, "server", "state", verb);
	rc = ss_call(cfg, "updateServer", id, body, &o, cause);
	json_decref(body);
	if (rc != 0)
		return (-1);
	rc = ss_server_read(o, state, &load, cause);
	json_decref(o);
	return (rc);
}

static const char *
ss_load_str(double load, char *buf, size_t len)
{
	if (isnan(load))
		return ("unavailable");
	snprintf(buf, len, "%g", load);
	return (buf);
}

/* --- plans --------------------------------------------------------------- */

static const char *
ss_verb_word(enum ss_verb v)
{
	switch (v) {
	case SS_ENABLE:
		return ("enable");
	case SS_CORDON:
	case SS_DRAIN:
		return ("cordon");
	case SS_DISABLE:
		return ("disable");
	case SS_PANIC:
		return ("panic");
	}
	return ("?");
}

static int
ss_plan(enum ss_verb v, const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;
	const struct fleet_node	*n = NULL;
	const char		*id = "ID";
	char			*base, *what, lb[32];

	if (cfg->scalelite.url == NULL) {
		*cause = xstrdup("[scalelite] url is not configured");
		return (-1);
	}
	if (ctx->fleet != NULL) {
		n = fleet_node_by_key(ctx->fleet, a->target);
		if (n != NULL && n->sl_id != NULL)
			id = n->sl_id;
	}
	if (v == SS_DISABLE && n != NULL && n->lb != FLEET_LB_DISABLED &&
	    !isnan(n->load) && n->load > 0) {
		*cause = xasprintf("%s has load %s: disabling it would cut "
		    "its meetings off; drain it first: bbbctl server drain %s",
		    a->target, ss_load_str(n->load, lb, sizeof lb), a->target);
		return (-1);
	}
	base = api_scalelite_base(cfg->scalelite.url);
	job_plan_add(p, "find %s's scalelite server id: GET %s/scalelite/api/"
	    "getServers?checksum=<sha256, secret masked>", a->target, base);
	if (v == SS_DISABLE)
		job_plan_add(p, "check it has no load: GET %s/scalelite/api/"
		    "getServerInfo?id=%s&checksum=<masked>; refuse if load > 0",
		    base, id);
	if (v == SS_PANIC) {
		job_plan_add(p, "POST %s/scalelite/api/panicServer?id=%s&"
		    "checksum=<masked> {\"id\":\"%s\"}: END EVERY MEETING on "
		    "%s and disable it", base, id, id, a->target);
	} else
		job_plan_add(p, "POST %s/scalelite/api/updateServer?id=%s&"
		    "checksum=<masked> {\"id\":\"%s\",\"server\":{\"state\":"
		    "\"%s\"}}", base, id, id, ss_verb_word(v));
	switch (v) {
	case SS_ENABLE:
		job_plan_add(p, "check the state is enabled (getServerInfo)");
		break;
	case SS_CORDON:
		job_plan_add(p, "check the state is cordoned (getServerInfo)");
		break;
	case SS_DISABLE:
	case SS_PANIC:
		job_plan_add(p, "check the state is disabled (getServerInfo)");
		break;
	case SS_DRAIN:
		job_plan_add(p, "follow the load (getServerInfo every %llds) "
		    "until scalelite turns the server disabled; cancelling "
		    "leaves it cordoned", (long long)(ss_poll_ms(a) / 1000));
		break;
	}
	if (cfg->scalelite.ssh_host != NULL)
		job_plan_add(p, "if scalelite has no admin API (< 1.5.1): ssh "
		    "%s, docker exec %s ./bin/rake 'servers:%s[ID]' instead",
		    cfg->scalelite.ssh_host, cfg->scalelite.container != NULL ?
		    cfg->scalelite.container : "scalelite-api",
		    ss_verb_word(v));
	if (n != NULL && n->lb != FLEET_LB_UNKNOWN)
		job_plan_add(p, "now: %s, load %s", fleet_lb_name(n->lb),
		    ss_load_str(n->load, lb, sizeof lb));
	if (n != NULL && v == SS_PANIC) {
		/* What ends, not the load: counted, with the data's age. */
		what = fleet_node_meetings_text(ctx->fleet, n,
		    util_wall_ms());
		job_plan_add(p, "this ends %s", what);
		free(what);
	}
	free(base);
	return (0);
}

static int
ss_plan_enable(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (ss_plan(SS_ENABLE, c, a, p, cause));
}

static int
ss_plan_cordon(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (ss_plan(SS_CORDON, c, a, p, cause));
}

static int
ss_plan_disable(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (ss_plan(SS_DISABLE, c, a, p, cause));
}

static int
ss_plan_panic(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (ss_plan(SS_PANIC, c, a, p, cause));
}

static int
ss_plan_drain(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (ss_plan(SS_DRAIN, c, a, p, cause));
}

/* --- runs ---------------------------------------------------------------- */

/* Drain: follow the load of a cordoned server until it is disabled. */
static int
ss_follow(struct job *j, const char *id, double load0, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct job_args	*a = job_args(j);
	int64_t			 poll, end;
	char			*state = NULL, *why = NULL, lb[32];
	double			 load;
	int			 pct;
	struct job_retry	 retry;
	bool			 transient;

	poll = ss_poll_ms(a);
	end = util_mono_ms() + (a->timeout_ms > 0 ? a->timeout_ms :
	    SS_DRAIN_MS);
	memset(&retry, 0, sizeof retry);
	for (;;) {
		if (ss_info(cfg, id, &state, &load, &transient, &why) != 0) {
			/* A 5xx, a timeout, a reset: not the end yet. */
			if (transient && job_retry(j, &retry, end, true, why)) {
				free(why);
				continue;
			}
			/* Say what state the server is left in. */
			*cause = xasprintf("%s; drain stopped: %s stays "
			    "cordoned", why, a->target);
			free(why);
			return (-1);
		}
		job_retry_ok(&retry);
		if (strcmp(state, "disabled") == 0) {
			free(state);
			job_progress(j, 100);
			job_result(j, "%s drained: disabled by scalelite, no "
			    "meetings left", a->target);
			return (0);
		}
		if (strcmp(state, "cordoned") != 0) {
			*cause = xasprintf("%s became %s while draining "
			    "(someone changed it): drain stopped", a->target,
			    state);
			free(state);
			return (-1);
		}
		free(state);
		if (!isnan(load) && load0 > 0) {
			pct = (int)(100 * (load0 - load) / load0);
			job_step_progress(j, pct < 0 ? 0 : pct,
			    "draining: load %s of %g",
			    ss_load_str(load, lb, sizeof lb), load0);
		}
		if (util_mono_ms() >= end) {
			*cause = xasprintf("drain timed out with load %s: %s "
			    "stays cordoned", ss_load_str(load, lb, sizeof lb),
			    a->target);
			return (-1);
		}
		if (!job_sleep(j, poll)) {
			*cause = xasprintf("drain %s with load %s: %s stays "
			    "cordoned", job_lock_lost(j) ? "stopped" :
			    "cancelled", ss_load_str(load, lb, sizeof lb),
			    a->target);
			return (-1);
		}
	}
}

/* The state of target in `rake status` (by host name). */
static int
ss_rake_state(const struct config *cfg, const char *target, char **state,
    double *load, char **cause)
{
	struct rake_status	 st;
	size_t			 i;
	int			 rc = -1;

	memset(&st, 0, sizeof st);
	if (rake_servers_status(cfg, &st, cause) != 0)
		goto out;
	for (i = 0; i < st.n; i++) {
		if (strcmp(st.v[i].hostname, target) == 0 ||
		    (strncmp(st.v[i].hostname, target, strlen(target)) == 0 &&
		    st.v[i].hostname[strlen(target)] == '.'))
			break;
	}
	if (i == st.n) {
		*cause = xasprintf("%s is not in scalelite's rake status",
		    target);
		goto out;
	}
	*state = xstrdup(st.v[i].state);
	*load = st.v[i].has_load ? st.v[i].load : NAN;
	rc = 0;
out:
	rake_status_free(&st);
	return (rc);
}

static int
ss_lock_check_cb(void *arg, char **cause)
{
	return (job_lock_check(arg, cause));
}

/*
 * Scalelite < 1.5.1: the rake tasks over ssh (rake.h).  drain is
 * cordon, then `rake status` every poll until the server is disabled.
 */
static int
ss_run_rake(enum ss_verb v, struct job *j, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct job_args	*a = job_args(j);
	char			*out = NULL, *state = NULL, lb[32];
	double			 load, load0;
	int64_t			 poll, end;
	int			 pct;

	if (cfg->scalelite.ssh_host == NULL) {
		*cause = xstrdup("this scalelite has no admin API (< 1.5.1) "
		    "and [scalelite] ssh_host is not set for its rake tasks");
		return (-1);
	}
	if (v == SS_DRAIN && job_cancelled(j) && !job_lock_lost(j)) {
		*cause = xasprintf("drain cancelled before the cordon: "
		    "nothing was changed");
		return (-1);
	}
	if (job_lock_check(j, cause) != 0)
		return (-1);
	job_step(j, "%s %s with rake over ssh (scalelite < 1.5.1)",
	    ss_verb_word(v), a->target);
	/* Checked again right before the task: the listing takes seconds. */
	if (rake_server_state_checked(cfg, ss_verb_word(v), a->target,
	    ss_lock_check_cb, j, &out, cause) != 0) {
		free(out);
		return (-1);
	}
	free(out);
	if (v != SS_DRAIN) {
		job_result(j, "%s: rake servers:%s done", a->target,
		    ss_verb_word(v));
		return (0);
	}
	poll = ss_poll_ms(a);
	end = util_mono_ms() + (a->timeout_ms > 0 ? a->timeout_ms :
	    SS_DRAIN_MS);
	load0 = -1;
	for (;;) {
		if (ss_rake_state(cfg, a->target, &state, &load, cause) != 0)
			return (-1);
		if (strcmp(state, "disabled") == 0) {
			free(state);
			job_progress(j, 100);
			job_result(j, "%s drained: disabled by scalelite",
			    a->target);
			return (0);
		}
		free(state);
		if (load0 < 0 && !isnan(load))
			load0 = load;
		if (load0 > 0 && !isnan(load)) {
			pct = (int)(100 * (load0 - load) / load0);
			job_step_progress(j, pct < 0 ? 0 : pct,
			    "draining: load %s of %g",
			    ss_load_str(load, lb, sizeof lb), load0);
		}
		if (util_mono_ms() >= end || !job_sleep(j, poll)) {
			*cause = xasprintf("drain %s with load %s: %s stays "
			    "cordoned", job_lock_lost(j) ? "stopped" :
			    job_cancelled(j) ? "cancelled" : "timed out",
			    ss_load_str(load, lb, sizeof lb), a->target);
			return (-1);
		}
	}
}

static int
ss_run(enum ss_verb v, struct job *j, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct job_args	*a = job_args(j);
	json_t			*body, *o;
	char			*id = NULL, *state = NULL, lb[32];
	const char		*want;
	double			 load;
	int			 rc = -1;

	job_step(j, "finding %s in scalelite", a->target);
	if (ss_find(cfg, a->target, &id, cause) != 0) {
		if (strncmp(*cause, SS_LEGACY, strlen(SS_LEGACY)) != 0)
			return (-1);
		free(*cause);
		*cause = NULL;
		return (ss_run_rake(v, j, cause));
	}
	if (ss_info(cfg, id, &state, &load, NULL, cause) != 0)
		goto out;
	log_info("server %s (%s): %s, load %s", a->target, id, state,
	    ss_load_str(load, lb, sizeof lb));

	if (v == SS_DISABLE && strcmp(state, "disabled") != 0 &&
	    !isnan(load) && load > 0) {
		*cause = xasprintf("%s has load %s: disabling it would cut "
		    "its meetings off; drain it first: bbbctl server drain %s",
		    a->target, ss_load_str(load, lb, sizeof lb), a->target);
		goto out;
	}
	if (v == SS_DRAIN && strcmp(state, "disabled") == 0) {
		job_result(j, "%s is already disabled", a->target);
		rc = 0;
		goto out;
	}
	/* A drain is cancellable: a cancel so far leaves all as it was. */
	if (v == SS_DRAIN && job_cancelled(j) && !job_lock_lost(j)) {
		*cause = xasprintf("drain cancelled before the cordon: "
		    "nothing was changed, %s stays %s", a->target, state);
		goto out;
	}
	free(state);
	state = NULL;

	if (job_lock_check(j, cause) != 0)
		goto out;
	if (v == SS_PANIC) {
		job_step(j, "panic: ending every meeting on %s", a->target);
		body = json_pack("{s:s}", "id", id);
		rc = ss_call(cfg, "panicServer", id, body, &o, cause);
		json_decref(body);
		json_decref(o);
		if (rc != 0)
			goto out;
		rc = -1;
		if (ss_info(cfg, id, &state, &load, NULL, cause) != 0)
			goto out;
	} else {
		job_step(j, "%s %s (scalelite server %s)", ss_verb_word(v),
		    a->target, id);
		if (ss_update(cfg, id, ss_verb_word(v), &state, cause) != 0)
			goto out;
	}

	switch (v) {
	case SS_ENABLE:
		want = "enabled";
		break;
	case SS_CORDON:
	case SS_DRAIN:
		want = "cordoned";
		break;
	default:
		want = "disabled";
		break;
	}
	/* A cordoned server without load goes disabled at once. */
	if (strcmp(state, want) != 0 && !(strcmp(want, "cordoned") == 0 &&
	    strcmp(state, "disabled") == 0)) {
		*cause = xasprintf("scalelite says %s is %s after %s, not %s",
		    a->target, state, v == SS_DRAIN ? "cordon" :
		    ss_verb_word(v), want);
		goto out;
	}
	if (v == SS_DRAIN) {
		job_step_progress(j, 0, "draining %s: following its load",
		    a->target);
		rc = ss_follow(j, id, isnan(load) ? 0 : load, cause);
		goto out;
	}
	job_result(j, "%s is %s", a->target, state);
	rc = 0;
out:
	free(state);
	free(id);
	return (rc);
}

static int
ss_run_enable(struct job *j, char **cause)
{
	return (ss_run(SS_ENABLE, j, cause));
}

static int
ss_run_cordon(struct job *j, char **cause)
{
	return (ss_run(SS_CORDON, j, cause));
}

static int
ss_run_disable(struct job *j, char **cause)
{
	return (ss_run(SS_DISABLE, j, cause));
}

static int
ss_run_panic(struct job *j, char **cause)
{
	return (ss_run(SS_PANIC, j, cause));
}

static int
ss_run_drain(struct job *j, char **cause)
{
	return (ss_run(SS_DRAIN, j, cause));
}

/* --- the rows (registry.c lists them) ----------------------------------- */

static const struct action_opt ss_drain_opts[] = {
	{ "poll", "S", "follow the load every S (default 5s)" },
	{ NULL, NULL, NULL }
};

static int
ss_drain_parse(void *priv, const char *opt, const char *arg, char **cause)
{
	struct ss_args	*sa = priv;

	return (action_parse_duration(opt, arg, &sa->poll_ms, cause));
}

const struct action action_server_enable = {
	.verb = "server enable",
	.help = "let NODE take new meetings",
	.risk = JOB_RISK_REVERSIBLE,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_SCALELITE),
	.resolve = ss_resolve,
	.plan = ss_plan_enable,
	.run = ss_run_enable,
	.target = ACTION_TARGET_NODE,
	.key = 'e',
	.hint = true
};
const struct action action_server_cordon = {
	.verb = "server cordon",
	.help = "stop new meetings on NODE; running ones go on",
	.risk = JOB_RISK_REVERSIBLE,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_SCALELITE),
	.resolve = ss_resolve,
	.plan = ss_plan_cordon,
	.run = ss_run_cordon,
	.target = ACTION_TARGET_NODE,
	.key = 'c',
	.hint = true
};
const struct action action_server_drain = {
	.verb = "server drain",
	.help = "cordon NODE and follow its load until scalelite disables it",
	.risk = JOB_RISK_REVERSIBLE,
	.cancellable = true,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_SCALELITE),
	.resolve = ss_resolve,
	.plan = ss_plan_drain,
	.run = ss_run_drain,
	.target = ACTION_TARGET_NODE,
	.opts = ss_drain_opts,
	.args_size = sizeof (struct ss_args),
	.args_parse = ss_drain_parse,
	.usage = "Up to --timeout (default 6h); ^C stops following and "
	    "leaves NODE cordoned.",
	.key = 'd',
	.hint = true
};
const struct action action_server_disable = {
	.verb = "server disable",
	.help = "take NODE out of scalelite (refused while it has load)",
	.risk = JOB_RISK_REVERSIBLE,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_SCALELITE),
	.resolve = ss_resolve,
	.plan = ss_plan_disable,
	.run = ss_run_disable,
	.target = ACTION_TARGET_NODE,
	.key = 'D'
};
const struct action action_server_panic = {
	.verb = "server panic",
	.help = "END EVERY MEETING on NODE and disable it",
	.risk = JOB_RISK_DESTRUCTIVE,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_SCALELITE),
	.resolve = ss_resolve,
	.plan = ss_plan_panic,
	.run = ss_run_panic,
	.target = ACTION_TARGET_NODE,
	.usage = "Destructive: confirm by typing the node's name (or give "
	    "--yes).",
	.key = 'P'
};
