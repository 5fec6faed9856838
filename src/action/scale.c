/*
 * scale.c: scale the fleet (issue 11): `scale out`, `scale in`,
 * `scale check`.
 *
 * scale out, per node (sc_out_node(), callable alone: the setup wizard
 * makes the first nodes with it), up to [scale] max_parallel nodes at
 * once, each on its own thread with its own progress line:
 *	1. a name: the next bbb-NN after the highest any source knows
 *	2. Rancher's registration URL (once per job: an active token, or
 *	   a new one)
 *	3. Nova POST /servers with the rendered cloud-init user_data;
 *	   BUILD -> ACTIVE (ERROR: its fault.message)
 *	4. its Rancher host registers, labelled bbbnode=NAME, and is active
 *	5. its stack bbb-NN from [scale] stack_dir, active and healthy
 *	6. consul: its service registered (ID NAME), the check passing
 *	7. scalelite: addServer, enable, online
 *	8. verify: in all five sources
 * A failure, a deadline or a cancel undoes what was made, in reverse
 * order, unless --keep-failed.  Every resource id made or removed is in
 * the job's result, which is the audit record's.
 *
 * scale in, per node: drain (cordon, the load to zero), scalelite
 * deleteServer, consul deregister, the Rancher stack removed and the
 * host deactivated and removed, the VM deleted and gone.
 *
 * scale check: the flavor, image, networks and key pair exist; quota
 * headroom; leftovers: bbb-NN names some sources know and others not.
 *
 * Every call has the client's deadline (API_BLOCKING_TIMEOUT_MS); every
 * wait has its [scale] *_timeout; transient errors (5xx, timeouts,
 * resets) are retried within that wait.  Secrets (the BBB secret, the
 * registration URL's token) are in no step, plan or result.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "action/action.h"
#include "action/scale.h"
#include "api/consul.h"
#include "api/openstack.h"
#include "api/rancher.h"
#include "api/scalelite.h"
#include "config.h"
#include "jobs.h"
#include "log.h"
#include "rake.h"
#include "template.h"
#include "util.h"

#define SC_MAX_COUNT	100
#define SC_OUT_STEPS	8
#define SC_IN_STEPS	4
#define SC_MASK		"<masked>"
#define SC_TOKEN_NAME	"bbbctl-scale-out"	/* the tokens it makes */

struct sc_args {
	long	 count;
	char	*flavor;
	char	*name;
	bool	 keep_failed;
	bool	 force;
};

struct sc {
	struct job		*job;
	const struct config	*cfg;
	const struct sc_args	*args;
	pthread_mutex_t		 mu;	/* job_step, token, names, log */
	struct api_conn		 os, rc, co, sl;
	struct api_os_token	 tok;
	char			*project;
	char			*reg_url;	/* secret: holds the token */
	char			*reg_token;	/* the token's id, if this job
					   made it (removed at the end) */
	char			*agent_image;
	char			*flavor_id;
	char			*image_id;
	json_t			*networks;	/* [{"uuid": ...}] */
	char			*user_data;	/* the template */
	char			*compose;
	char			*rcompose;
	struct buf		 log;		/* ids made and removed */
	int64_t			 poll_ms;
	bool			 sl_legacy;	/* scalelite < 1.5.1: no admin
						   API, rake over ssh */
};

struct sc_node {
	struct sc	*sc;
	char		 name[64];
	int		 nth, of;
	char		*vm_id;
	char		*ip;
	char		*host_id;
	char		*stack_id;
	char		*sl_id;
	bool		 consul;
	int64_t		 started;
	bool		 undoing;	/* waits outlive a cancel */
	char		*cause;		/* of a failure */
	char		*result;
	pthread_t	 thread;
};

/* --- helpers ---------------------------------------------------------- */

static void
sc_say(struct sc_node *n, int step, int steps, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&n->sc->mu);
	job_step_part(n->sc->job, n->name, 100 * (step - 1) / steps,
	    "[%d/%d] %s", step, steps, s);
	pthread_mutex_unlock(&n->sc->mu);
	free(s);
}

/* A resource made or removed: into the job's result (the audit). */
static void
sc_log(struct sc *sc, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&sc->mu);
	buf_printf(&sc->log, "%s%s", sc->log.len > 0 ? "; " : "", s);
	log_info("job %u: %s", job_id(sc->job), s);
	pthread_mutex_unlock(&sc->mu);
	job_audit_resource(sc->job, "%s", s);
	free(s);
}

static int
sc_token(struct sc *sc, struct api_os_token *tok, char **cause)
{
	int	 rc = 0;

	pthread_mutex_lock(&sc->mu);
	if (!api_os_token_valid(&sc->tok, util_wall_ms()))
		rc = api_keystone_login(&sc->os, &sc->tok, cause);
	if (rc == 0) {
		memset(tok, 0, sizeof *tok);
		tok->token = xstrdup(sc->tok.token);
		tok->compute = xstrdup(sc->tok.compute);
		tok->expires = sc->tok.expires;
		tok->catalog = xstrdup(sc->tok.catalog != NULL ?
		    sc->tok.catalog : "");
		tok->cataloglen = sc->tok.cataloglen;
	}
	pthread_mutex_unlock(&sc->mu);
	return (rc);
}

/* One call to system sys with up to three tries on transient errors. */
enum sc_sys { SC_NOVA, SC_RANCHER, SC_SL };

static int
sc_call(struct sc *sc, enum sc_sys sys, const char *method, const char *path,
    const json_t *body, json_t **out, char **cause)
{
	struct api_os_token	 tok;
	int			 try, rc = -1;

	*out = NULL;
	for (try = 0; try < 3; try++) {
		if (try > 0) {
			free(*cause);
			*cause = NULL;
			if (sc->job == NULL ||
			    !job_sleep(sc->job, 500 * try))
				usleep(500000 * (useconds_t)try);
		}
		switch (sys) {
		case SC_NOVA:
			if (sc_token(sc, &tok, cause) != 0)
				continue;
			rc = api_nova_call(&sc->os, &tok, method, path, body,
			    out, cause);
			api_os_token_clear(&tok);
			break;
		case SC_RANCHER:
			rc = api_rancher_call(&sc->rc, method, path, body, out,
			    cause);
			break;
		case SC_SL:
			rc = api_scalelite_call(&sc->sl, method, path, body,
			    out, cause);
			break;
		}
		/* the client says what is worth a retry (api.h) */
		if (rc == 0 || !api_last_transient())
			break;
	}
	return (rc);
}

/*
 * POST a Rancher action (deactivate, remove) on a resource of the
 * project; with conflict_ok, a 409 (the resource's state does not offer
 * the action: inactive already, or not yet active) is no error.
 */
static int
sc_rancher_action(struct sc *sc, const char *kind, const char *id,
    const char *action, bool conflict_ok, char **cause)
{
	json_t	*o;
	char	*path;
	int	 rc;

	path = api_rancher_action_path(sc->project, kind, id, action);
	rc = sc_call(sc, SC_RANCHER, "POST", path, NULL, &o, cause);
	free(path);
	json_decref(o);
	if (rc != 0 && conflict_ok && api_last_status() == 409) {
		free(*cause);
		*cause = NULL;
		rc = 0;
	}
	return (rc);
}

static int
sc_consul(struct sc *sc, const char *method, const char *path,
    const json_t *body, json_t **out, char **cause)
{
	struct api_req		 r;
	struct http_response	 resp;
	char			*b = NULL;
	int			 try, rc = -1;

	if (out != NULL)
		*out = NULL;
	if (body != NULL)
		b = json_dumps(body, JSON_COMPACT);
	for (try = 0; try < 3; try++) {
		if (try > 0) {
			free(*cause);
			*cause = NULL;
			if (sc->job == NULL ||
			    !job_sleep(sc->job, 500 * try))
				usleep(500000 * (useconds_t)try);
		}
		api_consul_req(&r, &sc->co, method, path, b);
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
		rc = api_perform(&r, &sc->co, api_consul_describe, "consul",
		    &resp, cause);
		api_req_clear(&r);
		if (rc == 0) {
			if (out != NULL && resp.len > 0)
				*out = json_loadb(resp.body, resp.len, 0,
				    NULL);
			http_response_clear(&resp);
			break;
		}
		if (!api_last_transient())
			break;
	}
	free(b);
	return (rc);
}

static const char *
sc_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int
sc_project(struct sc *sc, char **cause)
{
	json_t		*o, *p;
	const char	*id;
	size_t		 i;

	if (sc->project != NULL)
		return (0);
	if (sc_call(sc, SC_RANCHER, "GET", "projects?limit=1000", NULL, &o,
	    cause) != 0)
		return (-1);
	json_array_foreach(json_object_get(o, "data"), i, p) {
		id = sc_str(p, "id");
		if (id != NULL && (sc->cfg->rancher.project == NULL ||
		    strcmp(id, sc->cfg->rancher.project) == 0 ||
		    (sc_str(p, "name") != NULL && strcmp(sc_str(p, "name"),
		    sc->cfg->rancher.project) == 0))) {
			sc->project = xstrdup(id);
			break;
		}
	}
	json_decref(o);
	if (sc->project == NULL) {
		*cause = xstrdup("rancher: no such project");
		return (-1);
	}
	return (0);
}

/*
 * All pages of a listing: Nova's servers_links "next", Rancher's
 * pagination.next.  Every row appended to *rows (a JSON array, owned).
 */
static int
sc_list_all(struct sc *sc, enum sc_sys sys, const char *path,
    const char *listkey, json_t **rows, char **cause)
{
	json_t		*o, *e, *l;
	char		*next = xstrdup(path);
	const char	*n;
	size_t		 i, pages = 0;

	*rows = json_array();
	while (next != NULL) {
		if (++pages > 1000) {
			*cause = xasprintf("%s: more than 1000 pages", path);
			goto fail;
		}
		if (sc_call(sc, sys, "GET", next, NULL, &o, cause) != 0)
			goto fail;
		free(next);
		next = NULL;
		json_array_extend(*rows, json_object_get(o, listkey));
		if (sys == SC_NOVA) {
			json_array_foreach(json_object_get(o,
			    "servers_links"), i, l) {
				n = sc_str(l, "rel");
				if (n != NULL && strcmp(n, "next") == 0 &&
				    sc_str(l, "href") != NULL)
					next = xstrdup(sc_str(l, "href"));
			}
		} else {
			e = json_object_get(o, "pagination");
			if ((n = sc_str(e, "next")) != NULL)
				next = xstrdup(n);
		}
		json_decref(o);
	}
	return (0);
fail:
	free(next);
	json_decref(*rows);
	*rows = NULL;
	return (-1);
}

static bool
sc_sl_legacy(struct sc *sc)
{
	bool	 b;

	pthread_mutex_lock(&sc->mu);
	b = sc->sl_legacy;
	pthread_mutex_unlock(&sc->mu);
	return (b);
}

/*
 * scalelite's servers as getServers has them (a JSON array; NULL: none).
 * A scalelite without the admin API (before 1.5.1, unsupportedRequest,
 * as server-state.c decides) is asked with `rake servers` over ssh from
 * then on, for the whole job; the secrets rake lists are not kept.
 */
static int
sc_sl_servers(struct sc *sc, json_t **o, char **cause)
{
	struct rake_list	 rl;
	json_t			*e;
	size_t			 i;

	*o = NULL;
	if (!sc_sl_legacy(sc)) {
		if (sc_call(sc, SC_SL, "getServers", NULL, NULL, o,
		    cause) == 0)
			return (0);
		if (*cause != NULL && strstr(*cause, "No servers") != NULL) {
			free(*cause);
			*cause = NULL;
			return (0);
		}
		if (*cause == NULL || strstr(*cause, ": unsupportedRequest: ")
		    == NULL)
			return (-1);
		free(*cause);
		*cause = NULL;
		pthread_mutex_lock(&sc->mu);
		sc->sl_legacy = true;
		pthread_mutex_unlock(&sc->mu);
		log_info("scale: scalelite has no admin API (< 1.5.1): its "
		    "rake tasks over ssh");
	}
	if (rake_servers_list(sc->cfg, &rl, cause) != 0)
		return (-1);
	*o = json_array();
	for (i = 0; i < rl.n; i++) {
		e = json_pack("{s:s, s:s, s:s, s:s}", "id", rl.v[i].id, "url",
		    rl.v[i].url != NULL ? rl.v[i].url : "", "state",
		    rl.v[i].state, "online", rl.v[i].online ? "online" :
		    "offline");
		json_object_set_new(e, "load", rl.v[i].has_load ?
		    json_real(rl.v[i].load) : json_string("unavailable"));
		json_array_append_new(*o, e);
	}
	rake_list_free(&rl);
	return (0);
}

/*
 * What the five sources know of BBB-pattern names: Nova servers,
 * Rancher hosts and stacks, consul's service, scalelite's servers.
 * Prometheus discovers through consul: its view is consul's.
 */
static int
sc_snapshot(struct sc *sc, struct scale_seen **v, size_t *n, char **cause)
{
	const char	*pat = sc->cfg->scale.name_pattern;
	json_t		*o;
	char		*path;

	*v = NULL;
	*n = 0;
	if (sc_list_all(sc, SC_NOVA, "servers/detail?limit=1000", "servers",
	    &o, cause) != 0)
		goto fail;
	scale_seen_add(SCALE_SRC_NOVA, o, pat, v, n);
	json_decref(o);

	if (sc_project(sc, cause) != 0)
		goto fail;
	path = api_rancher_path(sc->project, "hosts", NULL,
	    "limit=1000&removed_null=true");
	if (sc_list_all(sc, SC_RANCHER, path, "data", &o, cause) != 0) {
		free(path);
		goto fail;
	}
	free(path);
	scale_seen_add(SCALE_SRC_HOST, o, pat, v, n);
	json_decref(o);
	path = api_rancher_path(sc->project, "stacks", NULL,
	    "limit=1000&removed_null=true");
	if (sc_list_all(sc, SC_RANCHER, path, "data", &o, cause) != 0) {
		free(path);
		goto fail;
	}
	free(path);
	scale_seen_add(SCALE_SRC_STACK, o, pat, v, n);
	json_decref(o);

	if (sc->cfg->consul.url != NULL) {
		path = xasprintf("v1/health/service/%s",
		    sc->cfg->consul.service);
		if (sc_consul(sc, "GET", path, NULL, &o, cause) != 0) {
			free(path);
			goto fail;
		}
		free(path);
		scale_seen_add(SCALE_SRC_CONSUL, o, pat, v, n);
		json_decref(o);
	}

	if (sc_sl_servers(sc, &o, cause) != 0)
		goto fail;
	scale_seen_add(SCALE_SRC_SL, o, pat, v, n);
	json_decref(o);
	return (0);
fail:
	free(*v);
	*v = NULL;
	*n = 0;
	return (-1);
}

/* --- what a scale out needs once -------------------------------------- */

static int
sc_read_file(const char *path, char **out, char **cause)
{
	size_t	 len;

	*out = util_read_file(path, 1024 * 1024, &len, cause);
	return (*out != NULL ? 0 : -1);
}

static bool
sc_is_uuid(const char *s)
{
	size_t	 i;

	if (strlen(s) != 36)
		return (false);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (false);
		} else if (!isxdigit((unsigned char)s[i]))
			return (false);
	}
	return (true);
}

/* A Glance or Neutron listing by name: the id; -1 with *cause. */
static int
sc_lookup(struct sc *sc, const char *type, const char *path,
    const char *listkey, const char *name, char **id, char **cause)
{
	struct api_os_token	 tok;
	struct api_req		 r;
	struct http_response	 resp;
	json_t			*o, *e;
	char			*ep, *enc, *url;
	size_t			 i;
	int			 rc = -1;

	*id = NULL;
	if (sc_is_uuid(name)) {
		*id = xstrdup(name);
		return (0);
	}
	if (sc_token(sc, &tok, cause) != 0)
		return (-1);
	if (api_os_endpoint(&sc->os, &tok, type, &ep, cause) != 0) {
		api_os_token_clear(&tok);
		return (-1);
	}
	enc = util_urlencode(name);
	url = xasprintf("%s%s%s?name=%s", ep, ep[0] != '\0' &&
	    ep[strlen(ep) - 1] == '/' ? "" : "/", path, enc);
	free(enc);
	free(ep);
	api_nova_req(&r, &sc->os, &tok, "GET", url, NULL, NULL);
	free(url);
	r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	if (api_perform(&r, &sc->os, api_openstack_describe, type, &resp,
	    cause) == 0) {
		o = json_loadb(resp.body, resp.len, 0, NULL);
		json_array_foreach(json_object_get(o, listkey), i, e) {
			if (sc_str(e, "id") != NULL && sc_str(e, "name") !=
			    NULL && strcmp(sc_str(e, "name"), name) == 0) {
				*id = xstrdup(sc_str(e, "id"));
				break;
			}
		}
		json_decref(o);
		http_response_clear(&resp);
		if (*id == NULL)
			*cause = xasprintf("%s %s does not exist", type, name);
		else
			rc = 0;
	}
	api_req_clear(&r);
	api_os_token_clear(&tok);
	return (rc);
}

/* Flavor, image, networks and key pair: they exist (ids set). */
static int
sc_resolve(struct sc *sc, const char *flavor, char **cause)
{
	const struct config	*cfg = sc->cfg;
	json_t			*o, *e;
	char			*nets, *p, *w, *id, *path;
	size_t			 i;

	if (flavor == NULL || cfg->scale.image == NULL ||
	    cfg->scale.networks == NULL) {
		*cause = xstrdup("[scale] flavor, image and networks must be "
		    "set");
		return (-1);
	}
	if (sc_call(sc, SC_NOVA, "GET", "flavors", NULL, &o, cause) != 0)
		return (-1);
	json_array_foreach(json_object_get(o, "flavors"), i, e) {
		if ((sc_str(e, "name") != NULL &&
		    strcmp(sc_str(e, "name"), flavor) == 0) ||
		    (sc_str(e, "id") != NULL &&
		    strcmp(sc_str(e, "id"), flavor) == 0)) {
			sc->flavor_id = xstrdup(sc_str(e, "id"));
			break;
		}
	}
	json_decref(o);
	if (sc->flavor_id == NULL) {
		*cause = xasprintf("flavor %s does not exist", flavor);
		return (-1);
	}
	if (sc_lookup(sc, "image", "v2/images", "images", cfg->scale.image,
	    &sc->image_id, cause) != 0)
		return (-1);
	sc->networks = json_array();
	nets = p = xstrdup(cfg->scale.networks);
	while ((w = strsep(&p, ",")) != NULL) {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			continue;
		if (sc_lookup(sc, "network", "v2.0/networks", "networks", w,
		    &id, cause) != 0) {
			free(nets);
			return (-1);
		}
		json_array_append_new(sc->networks, json_pack("{s:s}", "uuid",
		    id));
		free(id);
	}
	free(nets);
	if (cfg->scale.key_name != NULL) {
		path = xasprintf("os-keypairs/%s", cfg->scale.key_name);
		if (sc_call(sc, SC_NOVA, "GET", path, NULL, &o, cause) != 0) {
			free(path);
			free(*cause);
			*cause = xasprintf("key pair %s does not exist",
			    cfg->scale.key_name);
			return (-1);
		}
		free(path);
		json_decref(o);
	}
	return (0);
}

/* An active registration token's URL (one is made if none). */
static int
sc_registration(struct sc *sc, char **cause)
{
	json_t		*o, *e;
	char		*path;
	const char	*id = NULL;
	size_t		 i;
	int64_t		 end;

	if (sc_project(sc, cause) != 0)
		return (-1);
	path = api_rancher_path(sc->project, "registrationtokens", NULL,
	    "state=active&limit=100");
	if (sc_call(sc, SC_RANCHER, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	json_array_foreach(json_object_get(o, "data"), i, e) {
		if (sc_str(e, "registrationUrl") != NULL) {
			sc->reg_url = xstrdup(sc_str(e, "registrationUrl"));
			sc->agent_image = xstrdup(sc_str(e, "image") ?
			    sc_str(e, "image") : "rancher/agent:v1.2.11");
			break;
		}
	}
	json_decref(o);
	if (sc->reg_url != NULL)
		return (0);

	/* named, so that scale check finds one a killed job left */
	path = api_rancher_path(sc->project, "registrationtokens", NULL,
	    NULL);
	e = json_pack("{s:s}", "name", SC_TOKEN_NAME);
	if (sc_call(sc, SC_RANCHER, "POST", path, e, &o, cause) != 0) {
		json_decref(e);
		free(path);
		return (-1);
	}
	json_decref(e);
	free(path);
	id = sc_str(o, "id");
	if (id == NULL) {
		json_decref(o);
		*cause = xstrdup("rancher: POST registrationtokens answered no "
		    "id");
		return (-1);
	}
	sc->reg_token = xstrdup(id);
	path = api_rancher_path(sc->project, "registrationtokens", id, NULL);
	sc_log(sc, "made Rancher registration token %s", id);
	json_decref(o);
	end = util_mono_ms() + sc->cfg->scale.register_timeout_ms;
	for (;;) {
		if (sc_call(sc, SC_RANCHER, "GET", path, NULL, &o, cause) != 0)
			break;
		if (sc_str(o, "state") != NULL &&
		    strcmp(sc_str(o, "state"), "active") == 0 &&
		    sc_str(o, "registrationUrl") != NULL) {
			sc->reg_url = xstrdup(sc_str(o, "registrationUrl"));
			sc->agent_image = xstrdup(sc_str(o, "image") ?
			    sc_str(o, "image") : "rancher/agent:v1.2.11");
			json_decref(o);
			break;
		}
		json_decref(o);
		if (util_mono_ms() >= end) {
			*cause = xstrdup("the registration token never became "
			    "active");
			break;
		}
		if (!job_sleep(sc->job, sc->poll_ms)) {
			*cause = xstrdup("cancelled");
			break;
		}
	}
	free(path);
	return (sc->reg_url != NULL ? 0 : -1);
}

/* The state of the job's registration token; NULL: gone (404). */
static int
sc_reg_state(struct sc *sc, char **state, char **cause)
{
	json_t	*o;
	char	*path;
	int	 rc;

	*state = NULL;
	path = api_rancher_path(sc->project, "registrationtokens",
	    sc->reg_token, NULL);
	rc = sc_call(sc, SC_RANCHER, "GET", path, NULL, &o, cause);
	free(path);
	if (rc != 0) {
		if (*cause != NULL && strstr(*cause, "404") != NULL) {
			free(*cause);
			*cause = NULL;
			return (0);
		}
		return (-1);
	}
	*state = xstrdup(sc_str(o, "state") != NULL ? sc_str(o, "state") :
	    "?");
	json_decref(o);
	return (0);
}

/* Wait (past a cancel: this is undoing) until the token is one of a|b. */
static int
sc_reg_wait(struct sc *sc, const char *a, const char *b, char **cause)
{
	int64_t	 end = util_mono_ms() + sc->cfg->scale.delete_timeout_ms;
	char	*st;

	for (;;) {
		if (sc_reg_state(sc, &st, cause) != 0)
			return (-1);
		if (st == NULL || strcmp(st, a) == 0 || strcmp(st, b) == 0) {
			free(st);
			return (0);
		}
		if (util_mono_ms() >= end) {
			*cause = xasprintf("still %s after %llds", st,
			    (long long)(sc->cfg->scale.delete_timeout_ms /
			    1000));
			free(st);
			return (-1);
		}
		free(st);
		if (!job_sleep(sc->job, sc->poll_ms))
			usleep((useconds_t)sc->poll_ms * 1000);
	}
}

/*
 * The job made a registration token (none was active): it goes when
 * the job ends, done or undone, so that no way to register a host is
 * left behind: deactivate, wait inactive, remove, wait removed (apis.md
 * 1.7: a credential is not removed from active).  A token the job
 * found active is left alone.  Into the audit and the job's log line.
 */
static void
sc_reg_remove(struct sc *sc)
{
	char	*cause = NULL;
	int	 rc;

	if (sc->reg_token == NULL)
		return;
	if (job_lock_lost(sc->job)) {
		sc_log(sc, "Rancher registration token %s NOT removed (the "
		    "lock is lost)", sc->reg_token);
		return;
	}
	/* 409: not active (registering, or inactive already) */
	rc = sc_rancher_action(sc, "registrationtokens", sc->reg_token,
	    "deactivate", true, &cause);
	if (rc == 0)
		rc = sc_reg_wait(sc, "inactive", "registering", &cause);
	if (rc == 0)
		rc = sc_rancher_action(sc, "registrationtokens",
		    sc->reg_token, "remove", false, &cause);
	if (rc == 0)
		rc = sc_reg_wait(sc, "removed", "purged", &cause);
	if (rc == 0)
		sc_log(sc, "Rancher registration token %s removed",
		    sc->reg_token);
	else
		sc_log(sc, "Rancher registration token %s NOT removed: %s",
		    sc->reg_token, cause != NULL ? cause : "?");
	free(cause);
	free(sc->reg_token);
	sc->reg_token = NULL;
}

struct sc_vars {
	const char	*node;
	const char	*url;
	const char	*image;
};

static const char *
sc_vars_cb(const char *name, void *arg)
{
	struct sc_vars	*v = arg;

	if (strcmp(name, "NODE") == 0)
		return (v->node);
	if (strcmp(name, "RANCHER_URL") == 0)
		return (v->url);
	if (strcmp(name, "RANCHER_AGENT_IMAGE") == 0)
		return (v->image);
	return (NULL);
}

/* The user_data of node; url NULL: masked (for plans).  Allocated. */
static int
sc_user_data(const char *tmpl, const char *node, const char *url,
    const char *image, char **out, char **cause)
{
	struct sc_vars	 v;

	v.node = node;
	v.url = url != NULL ? url : SC_MASK;
	v.image = image != NULL ? image : "rancher/agent:v1.2.11";
	return (template_render(tmpl, strlen(tmpl), sc_vars_cb, &v, out,
	    cause));
}

static int
sc_load_templates(struct sc *sc, char **cause)
{
	char	*path;
	int	 rc;

	if (sc_read_file(sc->cfg->scale.user_data, &sc->user_data,
	    cause) != 0)
		return (-1);
	path = xasprintf("%s/docker-compose.yml", sc->cfg->scale.stack_dir);
	rc = sc_read_file(path, &sc->compose, cause);
	free(path);
	if (rc != 0)
		return (-1);
	path = xasprintf("%s/rancher-compose.yml", sc->cfg->scale.stack_dir);
	rc = sc_read_file(path, &sc->rcompose, cause);
	free(path);
	return (rc);
}

/* --- waiting ---------------------------------------------------------- */

/*
 * Poll until check() says done (1) or failed (-1, *cause); the deadline
 * and a cancel end it too.  check() gets what it may retry: a transient
 * error is a "not yet".
 */
typedef int (*sc_check_fn)(struct sc_node *, char **);

static int
sc_wait(struct sc_node *n, sc_check_fn check, int64_t timeout_ms,
    const char *what, char **cause)
{
	int64_t	 end = util_mono_ms() + timeout_ms;
	char	*why = NULL;
	int	 rc;

	for (;;) {
		rc = check(n, &why);
		if (rc == 1)
			return (0);
		if (rc < 0 && !api_last_transient()) {
			*cause = why;
			return (-1);
		}
		if (util_mono_ms() >= end) {
			*cause = xasprintf("%s: not within %llds%s%s", what,
			    (long long)(timeout_ms / 1000), why != NULL ?
			    ": " : "", why != NULL ? why : "");
			free(why);
			return (-1);
		}
		free(why);
		why = NULL;
		if (job_sleep(n->sc->job, n->sc->poll_ms))
			continue;
		/* Undoing goes on after a cancel, to its own deadline. */
		if (n->undoing) {
			usleep((useconds_t)n->sc->poll_ms * 1000);
			continue;
		}
		*cause = xasprintf("%s while waiting: %s",
		    job_lock_lost(n->sc->job) ? "lock lost" : "cancelled",
		    what);
		return (-1);
	}
}

static int
sc_check_vm(struct sc_node *n, char **cause)
{
	json_t		*o, *srv, *addrs, *net, *a;
	const char	*st, *k;
	char		*path;
	size_t		 i;

	path = xasprintf("servers/%s", n->vm_id);
	if (sc_call(n->sc, SC_NOVA, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	srv = json_object_get(o, "server");
	st = sc_str(srv, "status");
	if (st != NULL && strcmp(st, "ERROR") == 0) {
		*cause = xasprintf("no capacity: VM %s went ERROR: %s",
		    n->vm_id, sc_str(json_object_get(srv, "fault"),
		    "message") != NULL ? sc_str(json_object_get(srv, "fault"),
		    "message") : "no fault given");
		json_decref(o);
		return (-1);
	}
	if (st == NULL || strcmp(st, "ACTIVE") != 0) {
		json_decref(o);
		return (0);
	}
	addrs = json_object_get(srv, "addresses");
	json_object_foreach(addrs, k, net) {
		json_array_foreach(net, i, a) {
			if (n->ip == NULL && sc_str(a, "addr") != NULL)
				n->ip = xstrdup(sc_str(a, "addr"));
		}
	}
	json_decref(o);
	return (1);
}

static int
sc_check_vm_gone(struct sc_node *n, char **cause)
{
	json_t	*o;
	char	*path;
	int	 rc;

	path = xasprintf("servers/%s", n->vm_id);
	rc = sc_call(n->sc, SC_NOVA, "GET", path, NULL, &o, cause);
	free(path);
	if (rc != 0 && strstr(*cause, "404") != NULL) {
		free(*cause);
		*cause = NULL;
		return (1);
	}
	if (rc != 0)
		return (-1);
	if (sc_str(json_object_get(o, "server"), "status") != NULL &&
	    strcmp(sc_str(json_object_get(o, "server"), "status"),
	    "DELETED") == 0) {
		json_decref(o);
		return (1);
	}
	json_decref(o);
	return (0);
}

static int
sc_check_host(struct sc_node *n, char **cause)
{
	json_t		*o, *e;
	const char	*lab, *st;
	char		*path, *q;
	size_t		 i;
	int		 rc = 0;

	/* Its hostname is the server's name: no need to list every host. */
	q = xasprintf("hostname_prefix=%s&removed_null=true&limit=100",
	    n->name);
	path = api_rancher_path(n->sc->project, "hosts", NULL, q);
	free(q);
	if (sc_list_all(n->sc, SC_RANCHER, path, "data", &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	json_array_foreach(o, i, e) {
		lab = sc_str(json_object_get(e, "labels"), "bbbnode");
		if (lab == NULL || strcmp(lab, n->name) != 0)
			continue;
		if (n->host_id == NULL) {
			n->host_id = xstrdup(sc_str(e, "id"));
			sc_log(n->sc, "%s: Rancher host %s registered", n->name,
			    n->host_id);
		}
		st = sc_str(e, "state");
		if (st != NULL && strcmp(st, "active") == 0)
			rc = 1;
	}
	json_decref(o);
	return (rc);
}

static int
sc_check_host_state(struct sc_node *n, const char *want, char **cause)
{
	json_t		*o;
	const char	*st;
	char		*path;
	int		 rc;

	path = api_rancher_path(n->sc->project, "hosts", n->host_id, NULL);
	rc = sc_call(n->sc, SC_RANCHER, "GET", path, NULL, &o, cause);
	free(path);
	if (rc != 0)
		return (strstr(*cause, "404") != NULL ? 1 : -1);
	st = sc_str(o, "state");
	rc = st != NULL && (strcmp(st, want) == 0 ||
	    strcmp(st, "purged") == 0) ? 1 : 0;
	json_decref(o);
	return (rc);
}

static int
sc_check_host_inactive(struct sc_node *n, char **cause)
{
	return (sc_check_host_state(n, "inactive", cause));
}

static int
sc_check_host_removed(struct sc_node *n, char **cause)
{
	return (sc_check_host_state(n, "removed", cause));
}

static int
sc_check_stack(struct sc_node *n, char **cause)
{
	json_t		*o;
	const char	*st, *h;
	char		*path;
	int		 rc;

	path = api_rancher_path(n->sc->project, "stacks", n->stack_id, NULL);
	rc = sc_call(n->sc, SC_RANCHER, "GET", path, NULL, &o, cause);
	free(path);
	if (rc != 0)
		return (-1);
	st = sc_str(o, "state");
	h = sc_str(o, "healthState");
	rc = st != NULL && h != NULL && strcmp(st, "active") == 0 &&
	    strcmp(h, "healthy") == 0 ? 1 : 0;
	if (rc == 0 && st != NULL && h != NULL)
		*cause = xasprintf("stack %s is %s, %s", n->name, st, h);
	json_decref(o);
	return (rc);
}

static int
sc_check_stack_gone(struct sc_node *n, char **cause)
{
	json_t		*o;
	const char	*st;
	char		*path;
	int		 rc;

	path = api_rancher_path(n->sc->project, "stacks", n->stack_id, NULL);
	rc = sc_call(n->sc, SC_RANCHER, "GET", path, NULL, &o, cause);
	free(path);
	if (rc != 0)
		return (strstr(*cause, "404") != NULL ? 1 : -1);
	st = sc_str(o, "state");
	rc = st != NULL && strcmp(st, "removed") == 0 ? 1 : 0;
	json_decref(o);
	return (rc);
}

/* GET v1/health/node/NAME: every check of the node passes. */
static int
sc_check_consul(struct sc_node *n, char **cause)
{
	json_t		*o, *e;
	const char	*st, *svc;
	char		*path;
	size_t		 i;
	int		 seen = 0, bad = 0;

	path = xasprintf("v1/health/node/%s", n->name);
	if (sc_consul(n->sc, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	json_array_foreach(o, i, e) {
		st = sc_str(e, "Status");
		svc = sc_str(e, "ServiceName");
		if (svc != NULL && strcmp(svc, n->sc->cfg->consul.service) == 0)
			seen++;
		if (st == NULL || strcmp(st, "passing") != 0)
			bad++;
	}
	json_decref(o);
	return (seen > 0 && bad == 0 ? 1 : 0);
}

/* scalelite's view of n->sl_id (getServerInfo); *srv NULL: gone. */
static int
sc_sl_server(struct sc_node *n, json_t **srv, char **cause)
{
	json_t		*all, *e;
	const char	*id;
	size_t		 i;

	*srv = NULL;
	if (n->sl_id == NULL)
		return (0);
	if (sc_sl_legacy(n->sc)) {
		if (sc_sl_servers(n->sc, &all, cause) != 0)
			return (-1);
		json_array_foreach(all, i, e) {
			id = sc_str(e, "id");
			if (id != NULL && strcmp(id, n->sl_id) == 0)
				*srv = json_incref(e);
		}
		json_decref(all);
		return (0);
	}
	if (sc_call(n->sc, SC_SL, "getServerInfo", n->sl_id, NULL, srv,
	    cause) != 0) {
		if (*cause != NULL && strstr(*cause, "Couldn't find") != NULL) {
			free(*cause);
			*cause = NULL;
			return (0);
		}
		return (-1);
	}
	return (0);
}

static int
sc_check_online(struct sc_node *n, char **cause)
{
	json_t	*s;
	int	 rc;

	if (sc_sl_server(n, &s, cause) != 0)
		return (-1);
	rc = s != NULL && sc_str(s, "online") != NULL &&
	    strcmp(sc_str(s, "online"), "online") == 0 ? 1 : 0;
	json_decref(s);
	return (rc);
}

static int
sc_check_drained(struct sc_node *n, char **cause)
{
	json_t	*s, *load;
	int	 rc;

	if (sc_sl_server(n, &s, cause) != 0)
		return (-1);
	if (s == NULL)
		return (1);
	load = json_object_get(s, "load");
	rc = !json_is_number(load) || json_number_value(load) <= 0 ? 1 : 0;
	if (rc == 0)
		*cause = xasprintf("load %.0f", json_number_value(load));
	json_decref(s);
	return (rc);
}

/* --- undo ------------------------------------------------------------- */

static void
sc_undo_one(struct sc_node *n, const char *what, int rc, char *cause,
    struct buf *b)
{
	if (rc == 0)
		buf_printf(b, "%s%s removed", b->len > 0 ? ", " : "", what);
	else
		buf_printf(b, "%sREMOVING %s FAILED: %s", b->len > 0 ? ", " :
		    "", what, cause != NULL ? cause : "?");
	sc_log(n->sc, "%s: %s %s", n->name, what, rc == 0 ? "removed" :
	    "NOT removed");
	free(cause);
}

/*
 * Remove what n holds, in reverse order of making: scalelite server,
 * consul registration, stack, host, VM.  A line of what happened.
 * For scale in, the same order is the whole job.
 */
static char *
sc_remove(struct sc_node *n, int step0, int steps)
{
	struct sc	*sc = n->sc;
	struct buf	 b = { 0 };
	json_t		*o, *body;
	char		*cause = NULL, *path, *what;
	int		 rc;

	buf_add(&b, "", 0);
	n->undoing = true;
	if (job_lock_lost(sc->job)) {
		buf_adds(&b, "NOTHING UNDONE (the lock is lost)");
		return (buf_steal(&b));
	}
	if (n->sl_id != NULL) {
		if (step0 > 0)
			sc_say(n, step0, steps, "scalelite deleteServer %s",
			    n->sl_id);
		if (sc_sl_legacy(sc))
			rc = rake_server_remove(sc->cfg, n->sl_id, &cause);
		else {
			body = json_pack("{s:s}", "id", n->sl_id);
			rc = sc_call(sc, SC_SL, "deleteServer", n->sl_id, body,
			    &o, &cause);
			json_decref(body);
			json_decref(o);
		}
		what = xasprintf("scalelite server %s", n->sl_id);
		sc_undo_one(n, what, rc, cause, &b);
		free(what);
		cause = NULL;
	}
	if (n->consul) {
		if (step0 > 0)
			sc_say(n, step0, steps, "consul deregister %s",
			    n->name);
		path = xasprintf("v1/agent/service/deregister/%s", n->name);
		rc = sc_consul(sc, "PUT", path, NULL, NULL, &cause);
		free(path);
		what = xasprintf("consul service %s", n->name);
		sc_undo_one(n, what, rc, cause, &b);
		free(what);
		cause = NULL;
	}
	if (n->stack_id != NULL) {
		if (step0 > 0)
			sc_say(n, step0 + 1, steps, "removing stack %s (%s)",
			    n->name, n->stack_id);
		path = api_rancher_path(sc->project, "stacks", n->stack_id,
		    NULL);
		rc = sc_call(sc, SC_RANCHER, "DELETE", path, NULL, &o, &cause);
		free(path);
		json_decref(o);
		if (rc == 0)
			rc = sc_wait(n, sc_check_stack_gone,
			    sc->cfg->scale.delete_timeout_ms, "stack removed",
			    &cause);
		what = xasprintf("Rancher stack %s", n->stack_id);
		sc_undo_one(n, what, rc, cause, &b);
		free(what);
		cause = NULL;
	}
	if (n->host_id != NULL) {
		if (step0 > 0)
			sc_say(n, step0 + 1, steps, "deactivating and removing "
			    "host %s", n->host_id);
		/* 409: inactive already, or not yet active */
		rc = sc_rancher_action(sc, "hosts", n->host_id, "deactivate",
		    true, &cause);
		if (rc == 0)
			rc = sc_wait(n, sc_check_host_inactive,
			    sc->cfg->scale.delete_timeout_ms,
			    "host inactive", &cause);
		if (rc == 0)
			rc = sc_rancher_action(sc, "hosts", n->host_id,
			    "remove", false, &cause);
		if (rc == 0)
			rc = sc_wait(n, sc_check_host_removed,
			    sc->cfg->scale.delete_timeout_ms, "host removed",
			    &cause);
		what = xasprintf("Rancher host %s", n->host_id);
		sc_undo_one(n, what, rc, cause, &b);
		free(what);
		cause = NULL;
	}
	if (n->vm_id != NULL) {
		if (step0 > 0)
			sc_say(n, step0 + 2, steps, "deleting VM %s", n->vm_id);
		path = xasprintf("servers/%s", n->vm_id);
		rc = sc_call(sc, SC_NOVA, "DELETE", path, NULL, &o, &cause);
		free(path);
		json_decref(o);
		if (rc == 0)
			rc = sc_wait(n, sc_check_vm_gone,
			    sc->cfg->scale.delete_timeout_ms, "VM deleted",
			    &cause);
		what = xasprintf("VM %s", n->vm_id);
		sc_undo_one(n, what, rc, cause, &b);
		free(what);
	}
	if (b.len == 0)
		buf_adds(&b, "nothing to undo");
	return (buf_steal(&b));
}

/* --- scale out, one node ---------------------------------------------- */

/* The node's public name: bbb-07.example.org, or bbb-07; allocated. */
static char *
sc_fqdn(const struct sc_node *n)
{
	const char	*domain = n->sc->cfg->cluster.domain;

	return (domain != NULL ? xasprintf("%s.%s", n->name, domain) :
	    xstrdup(n->name));
}

static int
sc_out_create_vm(struct sc_node *n, char **cause)
{
	struct sc		*sc = n->sc;
	const struct config	*cfg = sc->cfg;
	json_t			*body, *srv, *sg, *o;
	char			*ud = NULL, *p, *w, *groups, *b64;
	int			 rc;

	if (sc_user_data(sc->user_data, n->name, sc->reg_url,
	    cfg->scale.agent_image != NULL ? cfg->scale.agent_image :
	    sc->agent_image, &ud, cause) != 0)
		return (-1);
	b64 = util_base64_encode(ud, strlen(ud));
	freezero_str(ud);

	srv = json_pack("{s:s, s:s, s:s, s:O, s:s, s:{s:s, s:s}}",
	    "name", n->name, "flavorRef", sc->flavor_id, "imageRef",
	    sc->image_id, "networks", sc->networks, "user_data", b64,
	    "metadata", "bbbctl-node", n->name, "bbbctl-role", "bbb");
	freezero_str(b64);
	if (cfg->scale.key_name != NULL)
		json_object_set_new(srv, "key_name",
		    json_string(cfg->scale.key_name));
	if (cfg->scale.availability_zone != NULL)
		json_object_set_new(srv, "availability_zone",
		    json_string(cfg->scale.availability_zone));
	sg = json_array();
	groups = p = xstrdup(cfg->scale.security_groups != NULL ?
	    cfg->scale.security_groups : "default");
	while ((w = strsep(&p, ",")) != NULL) {
		while (*w == ' ')
			w++;
		if (*w != '\0')
			json_array_append_new(sg, json_pack("{s:s}", "name",
			    w));
	}
	free(groups);
	json_object_set_new(srv, "security_groups", sg);
	body = json_pack("{s:o}", "server", srv);
	/* Not retried: a POST that timed out may have made a VM. */
	{
		struct api_os_token	 tok;

		if ((rc = sc_token(sc, &tok, cause)) == 0) {
			rc = api_nova_call(&sc->os, &tok, "POST", "servers",
			    body, &o, cause);
			api_os_token_clear(&tok);
		}
	}
	json_decref(body);
	if (rc != 0) {
		if (strstr(*cause, "403") != NULL ||
		    strstr(*cause, "413") != NULL ||
		    strstr(*cause, "uota") != NULL) {
			w = *cause;
			*cause = xasprintf("quota exceeded: %s", w);
			free(w);
		}
		return (-1);
	}
	if (sc_str(json_object_get(o, "server"), "id") == NULL) {
		json_decref(o);
		*cause = xstrdup("nova: POST /servers answered no id");
		return (-1);
	}
	n->vm_id = xstrdup(sc_str(json_object_get(o, "server"), "id"));
	json_decref(o);
	sc_log(sc, "%s: made VM %s", n->name, n->vm_id);
	return (0);
}

static int
sc_out_stack(struct sc_node *n, char **cause)
{
	struct sc		*sc = n->sc;
	const struct config	*cfg = sc->cfg;
	json_t			*body, *o;
	char			*path, *domain;
	int			 rc;

	domain = sc_fqdn(n);
	body = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:b}",
	    "name", n->name, "dockerCompose", sc->compose, "rancherCompose",
	    sc->rcompose, "environment", "NODE", n->name, "BBB_DOMAIN", domain,
	    "BBB_SECRET", cfg->scale.bbb_secret != NULL ?
	    cfg->scale.bbb_secret : "", "BBB_IMAGE", cfg->scale.bbb_image,
	    "startOnCreate", 1);
	free(domain);
	path = api_rancher_path(sc->project, "stacks", NULL, NULL);
	rc = api_rancher_call(&sc->rc, "POST", path, body, &o, cause);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (-1);
	if (sc_str(o, "id") == NULL) {
		json_decref(o);
		*cause = xstrdup("rancher: POST stacks answered no id");
		return (-1);
	}
	n->stack_id = xstrdup(sc_str(o, "id"));
	json_decref(o);
	sc_log(sc, "%s: made Rancher stack %s", n->name, n->stack_id);
	return (0);
}

static int
sc_out_consul(struct sc_node *n, char **cause)
{
	struct sc		*sc = n->sc;
	const struct config	*cfg = sc->cfg;
	json_t			*body;
	char			*fqdn, *url;
	int			 rc;

	fqdn = sc_fqdn(n);
	url = xasprintf("https://%s/bigbluebutton/api", fqdn);
	body = json_pack("{s:s, s:s, s:s, s:i, s:[s], s:{s:s}, "
	    "s:{s:s, s:s, s:s}}", "ID", n->name, "Name", cfg->consul.service,
	    "Address", n->ip != NULL ? n->ip : fqdn, "Port", 443, "Tags",
	    "bbb", "Meta", "node", n->name, "Check", "HTTP", url, "Interval",
	    "10s", "Timeout", "5s");
	free(url);
	free(fqdn);
	rc = sc_consul(sc, "PUT", "v1/agent/service/register", body, NULL,
	    cause);
	json_decref(body);
	if (rc != 0)
		return (-1);
	n->consul = true;
	sc_log(sc, "%s: registered consul service %s", n->name, n->name);
	return (0);
}

static int
sc_out_scalelite(struct sc_node *n, char **cause)
{
	struct sc		*sc = n->sc;
	const struct config	*cfg = sc->cfg;
	json_t			*body, *o;
	char			*url, *fqdn;
	int			 rc;

	fqdn = sc_fqdn(n);
	url = xasprintf("https://%s/bigbluebutton/api/", fqdn);
	free(fqdn);
	if (sc_sl_legacy(sc)) {
		/* scalelite < 1.5.1: rake over ssh, the secret on stdin */
		rc = rake_server_add(cfg, url, cfg->scale.bbb_secret, &n->sl_id,
		    cause);
		free(url);
		if (rc != 0)
			return (-1);
		sc_log(sc, "%s: added scalelite server %s (rake over ssh)",
		    n->name, n->sl_id);
		return (rake_server_state(cfg, "enable", n->sl_id, NULL,
		    cause));
	}
	body = json_pack("{s:{s:s, s:s}}", "server", "url", url, "secret",
	    cfg->scale.bbb_secret != NULL ? cfg->scale.bbb_secret : "");
	free(url);
	rc = api_scalelite_call(&sc->sl, "addServer", NULL, body, &o, cause);
	json_decref(body);
	if (rc != 0)
		return (-1);
	if (sc_str(o, "id") == NULL) {
		json_decref(o);
		*cause = xstrdup("scalelite addServer answered no id");
		return (-1);
	}
	n->sl_id = xstrdup(sc_str(o, "id"));
	json_decref(o);
	sc_log(sc, "%s: added scalelite server %s", n->name, n->sl_id);
	body = json_pack("{s:s, s:{s:s}}", "id", n->sl_id, "server", "state",
	    "enable");
	rc = sc_call(sc, SC_SL, "updateServer", n->sl_id, body, &o, cause);
	json_decref(body);
	json_decref(o);
	return (rc);
}

/* Step 8: the node in every source, serving. */
static int
sc_verify(struct sc_node *n, char **cause)
{
	struct scale_seen	*seen, *x = NULL;
	size_t		 nseen, i;
	unsigned	 want = SCALE_SRC_ALL;
	char		*t;

	if (n->sc->cfg->consul.url == NULL)
		want &= ~SCALE_SRC_CONSUL;
	if (sc_snapshot(n->sc, &seen, &nseen, cause) != 0)
		return (-1);
	for (i = 0; i < nseen; i++) {
		if (strcmp(seen[i].name, n->name) == 0)
			x = &seen[i];
	}
	if (x == NULL || (x->src & want) != want ||
	    strcmp(x->vm_status, "ACTIVE") != 0 ||
	    strcmp(x->host_state, "active") != 0 ||
	    strcmp(x->sl_state, "enabled") != 0 || !x->sl_online) {
		t = x != NULL ? scale_seen_text(x) : xstrdup("in no source");
		*cause = xasprintf("verify: %s (scalelite %s, %s)", t,
		    x != NULL ? x->sl_state : "-", x != NULL && x->sl_online ?
		    "online" : "offline");
		free(t);
		free(seen);
		return (-1);
	}
	free(seen);
	return (0);
}

/*
 * Steps 3-8 of one node (its name picked, the job's registration URL,
 * flavor, image, networks and templates ready).  0, or -1 with
 * n->cause, what it made undone unless --keep-failed.  The setup wizard
 * calls it too.
 */
static int
sc_out_node(struct sc_node *n)
{
	struct sc	*sc = n->sc;
	const struct config *cfg = sc->cfg;
	char		*cause = NULL, *undo;
	int		 rc = -1;

	n->started = util_mono_ms();
	if (job_lock_check(sc->job, &cause) != 0)
		goto fail;
	sc_say(n, 3, SC_OUT_STEPS, "creating VM (flavor %s)", sc->flavor_id);
	if (sc_out_create_vm(n, &cause) != 0)
		goto fail;
	sc_say(n, 3, SC_OUT_STEPS, "VM %s: waiting for ACTIVE", n->vm_id);
	if (sc_wait(n, sc_check_vm, cfg->scale.boot_timeout_ms,
	    "VM ACTIVE", &cause) != 0)
		goto fail;
	sc_say(n, 4, SC_OUT_STEPS, "VM %s ACTIVE (%s); waiting for its "
	    "Rancher host", n->vm_id, n->ip != NULL ? n->ip : "no address");
	if (sc_wait(n, sc_check_host, cfg->scale.register_timeout_ms,
	    "Rancher host registered and active", &cause) != 0) {
		if (n->host_id == NULL) {
			undo = cause;
			cause = xasprintf("the host never registered with "
			    "Rancher (%s)", undo);
			free(undo);
		}
		goto fail;
	}
	if (job_lock_check(sc->job, &cause) != 0)
		goto fail;
	sc_say(n, 5, SC_OUT_STEPS, "host %s active; creating stack %s",
	    n->host_id, n->name);
	if (sc_out_stack(n, &cause) != 0)
		goto fail;
	if (sc_wait(n, sc_check_stack, cfg->scale.stack_timeout_ms,
	    "stack active and healthy", &cause) != 0) {
		undo = cause;
		cause = xasprintf("the stack never became healthy (%s)", undo);
		free(undo);
		goto fail;
	}
	if (cfg->consul.url != NULL) {
		if (job_lock_check(sc->job, &cause) != 0)
			goto fail;
		sc_say(n, 6, SC_OUT_STEPS, "registering in consul");
		if (sc_out_consul(n, &cause) != 0 ||
		    sc_wait(n, sc_check_consul, cfg->scale.consul_timeout_ms,
		    "consul check passing", &cause) != 0)
			goto fail;
	}
	if (job_lock_check(sc->job, &cause) != 0)
		goto fail;
	sc_say(n, 7, SC_OUT_STEPS, "adding to scalelite");
	if (sc_out_scalelite(n, &cause) != 0)
		goto fail;
	if (sc_wait(n, sc_check_online, cfg->scale.scalelite_timeout_ms,
	    "scalelite sees it online", &cause) != 0)
		goto fail;
	sc_say(n, 8, SC_OUT_STEPS, "verifying: in all five sources");
	if (sc_verify(n, &cause) != 0)
		goto fail;
	n->result = xasprintf("%s (%s) in %llds", n->name, n->ip != NULL ?
	    n->ip : "?", (long long)((util_mono_ms() - n->started) / 1000));
	sc_say(n, 8, SC_OUT_STEPS, "serving: %s", n->result);
	return (0);
fail:
	if (sc->args != NULL && sc->args->keep_failed) {
		n->cause = xasprintf("%s: %s; kept for debugging (--keep-"
		    "failed): VM %s, host %s, stack %s%s, scalelite %s", n->name,
		    cause, n->vm_id ? n->vm_id : "-", n->host_id ? n->host_id :
		    "-", n->stack_id ? n->stack_id : "-", n->consul ?
		    ", consul service" : "", n->sl_id ? n->sl_id : "-");
		free(cause);
		return (rc);
	}
	sc_say(n, 8, SC_OUT_STEPS, "failed: %s; undoing", cause);
	undo = sc_remove(n, 0, SC_OUT_STEPS);
	n->cause = xasprintf("%s: %s; undone: %s", n->name, cause, undo);
	free(undo);
	free(cause);
	return (rc);
}

static void *
sc_out_thread(void *arg)
{
	sc_out_node(arg);
	return (NULL);
}

static void
sc_node_clear(struct sc_node *n)
{
	free(n->vm_id);
	free(n->ip);
	free(n->host_id);
	free(n->stack_id);
	free(n->sl_id);
	free(n->cause);
	free(n->result);
}

/* Without a job (resolve): sc->job NULL; only reads are made. */
static void
sc_init_cfg(struct sc *sc, const struct config *cfg)
{
	memset(sc, 0, sizeof *sc);
	sc->cfg = cfg;
	pthread_mutex_init(&sc->mu, NULL);
	sc->os = api_openstack_conn(sc->cfg);
	sc->rc = api_rancher_conn(sc->cfg);
	sc->co = api_consul_conn(sc->cfg);
	sc->sl = api_scalelite_conn(sc->cfg);
	sc->poll_ms = sc->cfg->scale.poll_ms;
}

static void
sc_init(struct sc *sc, struct job *j)
{
	sc_init_cfg(sc, job_config(j));
	sc->job = j;
	sc->args = job_args(j)->priv;
}

static void
sc_clear(struct sc *sc)
{
	pthread_mutex_destroy(&sc->mu);
	api_os_token_clear(&sc->tok);
	free(sc->project);
	free(sc->reg_token);
	if (sc->reg_url != NULL)
		freezero_str(sc->reg_url);
	free(sc->agent_image);
	free(sc->flavor_id);
	free(sc->image_id);
	json_decref(sc->networks);
	free(sc->user_data);
	free(sc->compose);
	free(sc->rcompose);
	buf_free(&sc->log);
}

static long
sc_count(const struct job_args *a)
{
	const struct sc_args	*sa = a->priv;

	return (sa != NULL && sa->count > 0 ? sa->count : 1);
}

/* Pick count free names after the highest any source knows. */
static int
sc_pick_names(struct sc *sc, struct sc_node *nodes, long count,
    const char *first, char **cause)
{
	const char	*pat = sc->cfg->scale.name_pattern;
	struct scale_seen	*seen;
	size_t		 nseen, i;
	long		 max = 0, num, k;

	if (sc_snapshot(sc, &seen, &nseen, cause) != 0)
		return (-1);
	for (i = 0; i < nseen; i++) {
		if (scale_name_match(pat, seen[i].name, &num) && num > max)
			max = num;
	}
	if (first != NULL) {
		if (!scale_name_match(pat, first, &num)) {
			*cause = xasprintf("--name %s does not fit [scale] "
			    "name_pattern %s", first, pat);
			free(seen);
			return (-1);
		}
		for (i = 0; i < nseen; i++) {
			if (strcmp(seen[i].name, first) == 0) {
				*cause = xasprintf("%s is still known: %s",
				    first, scale_seen_text(&seen[i]));
				free(seen);
				return (-1);
			}
		}
		max = num - 1;
	}
	free(seen);
	for (k = 0; k < count; k++)
		scale_name_make(pat, max + 1 + k, nodes[k].name,
		    sizeof nodes[k].name);
	return (0);
}

/*
 * The quota now, as the model's poller reads it: GET {compute}/limits,
 * and the size of flavor (GET flavors/detail; not known: q->flavor
 * NULL, the instances alone count).  q->flavor is allocated.
 */
static int
sc_quota_read(struct sc *sc, const char *flavor, struct fleet_quota *q,
    char **cause)
{
	struct api_os_token	 tok;
	struct api_nova_limits	 l;
	json_t			*o;
	char			*s, *why = NULL;
	int			 rc;

	memset(q, 0, sizeof *q);
	if (sc_token(sc, &tok, cause) != 0)
		return (-1);
	rc = api_nova_limits(&sc->os, &tok, &l, cause);
	api_os_token_clear(&tok);
	if (rc != 0)
		return (-1);
	q->at = util_wall_ms();
	q->max_instances = l.max_instances;
	q->instances_used = l.instances_used;
	q->max_cores = l.max_cores;
	q->cores_used = l.cores_used;
	q->max_ram_mb = l.max_ram_mb;
	q->ram_used_mb = l.ram_used_mb;
	q->flavor_vcpus = q->flavor_ram_mb = -1;
	if (flavor == NULL)
		return (0);
	if (sc_call(sc, SC_NOVA, "GET", "flavors/detail", NULL, &o,
	    &why) == 0) {
		s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (s != NULL && api_nova_flavor_decode(s, strlen(s), flavor,
		    &q->flavor_vcpus, &q->flavor_ram_mb, &why) == 0)
			q->flavor = xstrdup(flavor);
		free(s);
	}
	if (why != NULL)
		log_info("scale: flavors/detail: %s", why);
	free(why);
	return (0);
}

/* "12/20" or "12/unlimited". */
static void
sc_used_of(struct buf *b, int64_t used, int64_t max, int64_t div)
{
	if (used < 0)
		buf_adds(b, "?");
	else if (div == 1)
		buf_printf(b, "%lld", (long long)used);
	else
		buf_printf(b, "%.4g", (double)used / (double)div);
	if (max < 0)
		buf_adds(b, "/unlimited");
	else if (div == 1)
		buf_printf(b, "/%lld", (long long)max);
	else
		buf_printf(b, "/%.4g", (double)max / (double)div);
}

/*
 * The quota in words, for flavor (q->flavor: its size is known):
 * instances, cores, RAM used of max and the room left, with age (may be
 * NULL: "3s ago", "read now") after the flavor's name.  The room (-1: no
 * limit applies).
 */
static int64_t
sc_quota_text(const struct fleet_quota *q, const char *flavor,
    const char *age, struct buf *b)
{
	char	*a = age != NULL ? xasprintf(" (%s)", age) : xstrdup("");

	int64_t	 room = fleet_quota_room(q);

	buf_adds(b, "instances ");
	sc_used_of(b, q->instances_used, q->max_instances, 1);
	buf_adds(b, ", cores ");
	sc_used_of(b, q->cores_used, q->max_cores, 1);
	buf_adds(b, ", RAM ");
	sc_used_of(b, q->ram_used_mb, q->max_ram_mb, 1024);
	buf_adds(b, " GiB");
	if (room < 0)
		buf_printf(b, "; no limit applies to flavor %s%s", flavor, a);
	else if (q->flavor != NULL)
		buf_printf(b, "; room for %lld more of flavor %s%s, each %lld "
		    "vCPUs and %.4g GiB", (long long)room, flavor, a,
		    (long long)q->flavor_vcpus,
		    (double)q->flavor_ram_mb / 1024.0);
	else
		buf_printf(b, "; room for %lld more VMs (flavor %s's size "
		    "not known: instances only)%s", (long long)room, flavor, a);
	free(a);
	return (room);
}

/* The job's own check of the quota: count more VMs of flavor fit. */
static int
sc_headroom(struct sc *sc, const char *flavor, long count, char **cause)
{
	struct fleet_quota	 q;
	struct buf		 b = { 0 };
	int64_t			 room;

	if (sc_quota_read(sc, flavor, &q, cause) != 0)
		return (-1);
	room = sc_quota_text(&q, flavor, NULL, &b);
	job_step(sc->job, "quota: %s", b.data);
	free(q.flavor);
	if (count > 0 && room >= 0 && count > room) {
		*cause = xasprintf("quota exceeded: %ld more VMs do not fit "
		    "(quota: %s)", count, b.data);
		buf_free(&b);
		return (-1);
	}
	buf_free(&b);
	return (0);
}

static int
sc_run_out(struct job *j, char **cause)
{
	struct sc		 sc;
	const struct sc_args	*sa;
	struct sc_node		*nodes;
	struct buf		 res = { 0 };
	long			 count, i, next = 0, done = 0, ok = 0;
	long			 par;
	int			 rc = -1;

	sc_init(&sc, j);
	sa = sc.args;
	count = sc_count(job_args(j));
	par = sc.cfg->scale.max_parallel;
	nodes = xcalloc((size_t)count, sizeof *nodes);
	job_step(j, "[1/%d] reading templates, checking the cloud",
	    SC_OUT_STEPS);
	if (sc_load_templates(&sc, cause) != 0 ||
	    sc_resolve(&sc, sa != NULL && sa->flavor != NULL ? sa->flavor :
	    sc.cfg->scale.flavor, cause) != 0 ||
	    sc_headroom(&sc, sa != NULL && sa->flavor != NULL ? sa->flavor :
	    sc.cfg->scale.flavor, count, cause) != 0)
		goto out;
	if (sc_pick_names(&sc, nodes, count, sa != NULL ? sa->name : NULL,
	    cause) != 0)
		goto out;
	job_step(j, "[2/%d] Rancher registration URL", SC_OUT_STEPS);
	if (sc_registration(&sc, cause) != 0)
		goto out;

	/* max_parallel nodes at once, each on its own thread */
	while (done < count) {
		while (next < count && next - done < par) {
			nodes[next].sc = &sc;
			nodes[next].nth = (int)next + 1;
			nodes[next].of = (int)count;
			if (job_cancelled(j)) {
				nodes[next].cause = xasprintf("%s: cancelled "
				    "before it started", nodes[next].name);
				nodes[next].thread = 0;
			} else if (pthread_create(&nodes[next].thread, NULL,
			    sc_out_thread, &nodes[next]) != 0) {
				nodes[next].cause = xasprintf("%s: no thread",
				    nodes[next].name);
				nodes[next].thread = 0;
			}
			next++;
		}
		if (nodes[done].thread != 0)
			pthread_join(nodes[done].thread, NULL);
		done++;
	}
	sc_reg_remove(&sc);
	buf_add(&res, "", 0);
	for (i = 0; i < count; i++) {
		if (nodes[i].result != NULL) {
			buf_printf(&res, "%s%s", ok > 0 ? ", " : "",
			    nodes[i].result);
			ok++;
		}
	}
	if (ok == count) {
		job_progress(j, 100);
		job_result(j, "%ld node%s added: %s [%s]", count, count > 1 ?
		    "s" : "", res.data, sc.log.data != NULL ? sc.log.data : "");
		rc = 0;
	} else {
		struct buf	 f = { 0 };

		for (i = 0; i < count; i++) {
			if (nodes[i].cause != NULL)
				buf_printf(&f, "%s%s", f.len > 0 ? "; " : "",
				    nodes[i].cause);
		}
		*cause = xasprintf("%ld of %ld nodes added%s%s; %s [%s]", ok,
		    count, ok > 0 ? ": " : "", res.data, f.data,
		    sc.log.data != NULL ? sc.log.data : "");
		buf_free(&f);
	}
	buf_free(&res);
out:
	/* a failure before the nodes: a token made is removed too */
	if (sc.reg_token != NULL) {
		sc_reg_remove(&sc);
		if (*cause != NULL) {
			char	*w = *cause;

			*cause = xasprintf("%s [%s]", w, sc.log.data);
			free(w);
		}
	}
	for (i = 0; i < count; i++)
		sc_node_clear(&nodes[i]);
	free(nodes);
	sc_clear(&sc);
	return (rc);
}

/* --- scale in --------------------------------------------------------- */

static int
sc_in_node(struct sc_node *n, const struct scale_seen *x)
{
	struct sc	*sc = n->sc;
	json_t		*body, *o;
	char		*cause = NULL, *done;
	int		 rc;

	n->started = util_mono_ms();
	if (x->vm_id[0] != '\0')
		n->vm_id = xstrdup(x->vm_id);
	if (x->host_id[0] != '\0')
		n->host_id = xstrdup(x->host_id);
	if (x->stack_id[0] != '\0')
		n->stack_id = xstrdup(x->stack_id);
	if (x->sl_id[0] != '\0')
		n->sl_id = xstrdup(x->sl_id);
	n->consul = (x->src & SCALE_SRC_CONSUL) != 0;

	if (n->sl_id != NULL && strcmp(x->sl_state, "disabled") != 0) {
		if (job_lock_check(sc->job, &cause) != 0)
			goto fail;
		sc_say(n, 1, SC_IN_STEPS, "cordoning in scalelite%s",
		    sc_sl_legacy(sc) ? " (rake over ssh)" : "");
		if (sc_sl_legacy(sc))
			rc = rake_server_state(sc->cfg, "cordon", n->sl_id,
			    NULL, &cause);
		else {
			body = json_pack("{s:s, s:{s:s}}", "id", n->sl_id,
			    "server", "state", "cordon");
			rc = sc_call(sc, SC_SL, "updateServer", n->sl_id, body,
			    &o, &cause);
			json_decref(body);
			json_decref(o);
		}
		if (rc != 0)
			goto fail;
		sc_say(n, 1, SC_IN_STEPS, "draining: waiting for its "
		    "meetings to end");
		if (sc_wait(n, sc_check_drained,
		    sc->cfg->scale.drain_timeout_ms, "drained", &cause) != 0) {
			if (sc->args == NULL || !sc->args->force ||
			    job_cancelled(sc->job))
				goto fail;
			sc_say(n, 1, SC_IN_STEPS, "not drained (%s); --force: "
			    "its meetings end", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (job_lock_check(sc->job, &cause) != 0)
		goto fail;
	done = sc_remove(n, 2, SC_IN_STEPS);
	if (strstr(done, "FAILED") != NULL || strstr(done, "NOTHING") !=
	    NULL) {
		n->cause = xasprintf("%s: %s", n->name, done);
		free(done);
		return (-1);
	}
	n->result = xasprintf("%s removed in %llds (%s)", n->name,
	    (long long)((util_mono_ms() - n->started) / 1000), done);
	free(done);
	return (0);
fail:
	n->cause = xasprintf("%s: %s (nothing removed; it may be left "
	    "cordoned)", n->name, cause);
	free(cause);
	return (-1);
}

struct sc_in_ctx {
	struct sc_node		*n;
	const struct scale_seen	*x;
};

static void *
sc_in_thread(void *arg)
{
	struct sc_in_ctx	*c = arg;

	sc_in_node(c->n, c->x);
	return (NULL);
}

static int
sc_load_cmp(const void *a, const void *b)
{
	const struct scale_seen	*x = a, *y = b;

	if (x->load < y->load)
		return (-1);
	return (x->load > y->load);
}

static int
sc_run_in(struct job *j, char **cause)
{
	struct sc		 sc;
	const struct job_args	*a = job_args(j);
	struct scale_seen		*seen = NULL, *pick = NULL;
	struct sc_node		*nodes = NULL;
	struct sc_in_ctx	*ctx = NULL;
	struct buf		 res = { 0 }, f = { 0 };
	char			*targets = NULL, *p, *w;
	size_t			 nseen = 0, npick = 0, i, k, bbb = 0, enabled = 0;
	size_t			 next = 0, done = 0, ok = 0, par;
	long			 count;
	int			 rc = -1;

	sc_init(&sc, j);
	par = (size_t)sc.cfg->scale.max_parallel;
	job_step(j, "looking at the five sources");
	if (sc_project(&sc, cause) != 0 ||
	    sc_snapshot(&sc, &seen, &nseen, cause) != 0)
		goto out;
	for (i = 0; i < nseen; i++) {
		if ((seen[i].src & (SCALE_SRC_NOVA | SCALE_SRC_SL)) != 0)
			bbb++;
		if ((seen[i].src & SCALE_SRC_SL) &&
		    strcmp(seen[i].sl_state, "enabled") == 0)
			enabled++;
	}
	pick = xcalloc(nseen + 1, sizeof *pick);
	if (*a->target != '\0') {
		targets = p = xstrdup(a->target);
		while ((w = strsep(&p, " ")) != NULL) {
			if (*w == '\0')
				continue;
			for (i = 0; i < nseen; i++) {
				if (strcmp(seen[i].name, w) == 0)
					break;
			}
			if (i == nseen) {
				*cause = xasprintf("%s is not a BBB node "
				    "(none of the five sources knows it, or "
				    "it does not fit [scale] name_pattern %s):"
				    " refused", w, sc.cfg->scale.name_pattern);
				goto out;
			}
			for (k = 0; k < npick; k++) {
				if (strcmp(pick[k].name, w) == 0)
					break;
			}
			if (k == npick && npick < nseen)
				pick[npick++] = seen[i];
		}
	} else {
		count = sc_count(a);
		qsort(seen, nseen, sizeof *seen, sc_load_cmp);
		for (i = 0; i < nseen && npick < (size_t)count; i++) {
			if ((seen[i].src & SCALE_SRC_SL) &&
			    strcmp(seen[i].sl_state, "enabled") == 0)
				pick[npick++] = seen[i];
		}
		if (npick < (size_t)count) {
			*cause = xasprintf("only %zu enabled nodes to remove",
			    npick);
			goto out;
		}
	}
	k = 0;
	for (i = 0; i < npick; i++) {
		if ((pick[i].src & SCALE_SRC_SL) &&
		    strcmp(pick[i].sl_state, "enabled") == 0)
			k++;
	}
	if (enabled > 0 && k >= enabled) {
		*cause = xasprintf("refused: it would remove the last enabled "
		    "node");
		goto out;
	}
	if ((long)(bbb - npick) < sc.cfg->scale.min_nodes) {
		*cause = xasprintf("refused: %zu of %zu BBB nodes would be "
		    "left, below [scale] min_nodes %ld", bbb - npick, bbb,
		    sc.cfg->scale.min_nodes);
		goto out;
	}

	nodes = xcalloc(npick, sizeof *nodes);
	ctx = xcalloc(npick, sizeof *ctx);
	while (done < npick) {
		while (next < npick && next - done < par) {
			nodes[next].sc = &sc;
			snprintf(nodes[next].name, sizeof nodes[next].name,
			    "%s", pick[next].name);
			ctx[next].n = &nodes[next];
			ctx[next].x = &pick[next];
			if (job_cancelled(j) || pthread_create(
			    &nodes[next].thread, NULL, sc_in_thread,
			    &ctx[next]) != 0) {
				nodes[next].cause = xasprintf("%s: not "
				    "started", nodes[next].name);
				nodes[next].thread = 0;
			}
			next++;
		}
		if (nodes[done].thread != 0)
			pthread_join(nodes[done].thread, NULL);
		done++;
	}
	for (i = 0; i < npick; i++) {
		if (nodes[i].result != NULL)
			buf_printf(&res, "%s%s", ok++ > 0 ? "; " : "",
			    nodes[i].result);
		if (nodes[i].cause != NULL)
			buf_printf(&f, "%s%s", f.len > 0 ? "; " : "",
			    nodes[i].cause);
	}
	buf_add(&res, "", 0);
	if (ok == npick) {
		job_progress(j, 100);
		job_result(j, "%zu node%s removed: %s", npick, npick > 1 ?
		    "s" : "", res.data);
		rc = 0;
	} else {
		buf_add(&f, "", 0);
		*cause = xasprintf("%zu of %zu nodes removed%s%s; %s", ok,
		    npick, ok > 0 ? ": " : "", res.data, f.data);
	}
out:
	for (i = 0; nodes != NULL && i < npick; i++)
		sc_node_clear(&nodes[i]);
	free(nodes);
	free(ctx);
	free(pick);
	free(seen);
	free(targets);
	buf_free(&res);
	buf_free(&f);
	sc_clear(&sc);
	return (rc);
}

/* --- scale check ------------------------------------------------------ */

static int
sc_run_check(struct job *j, char **cause)
{
	struct sc	 sc;
	struct scale_seen	*seen = NULL;
	struct buf	 b = { 0 };
	json_t		*o, *e;
	char		*t, *path;
	size_t		 nseen, i, left = 0, whole = 0;
	int		 rc = -1;

	sc_init(&sc, j);
	job_step(j, "checking flavor, image, networks and key pair");
	if (sc_resolve(&sc, sc.cfg->scale.flavor, cause) != 0)
		goto out;
	if (sc_headroom(&sc, sc.cfg->scale.flavor, 0, cause) != 0)
		goto out;
	job_step(j, "looking for leftovers in the five sources");
	if (sc_snapshot(&sc, &seen, &nseen, cause) != 0)
		goto out;
	buf_add(&b, "", 0);
	for (i = 0; i < nseen; i++) {
		if ((seen[i].src & SCALE_SRC_ALL) == SCALE_SRC_ALL ||
		    (sc.cfg->consul.url == NULL &&
		    (seen[i].src | SCALE_SRC_CONSUL) == SCALE_SRC_ALL)) {
			whole++;
			continue;
		}
		t = scale_seen_text(&seen[i]);
		job_step(j, "leftover %s", t);
		buf_printf(&b, "%sLEFTOVER %s", left++ > 0 ? "; " : "", t);
		free(t);
	}
	/* A token a scale out made and never removed (killed, lock lost). */
	path = api_rancher_path(sc.project, "registrationtokens", NULL,
	    "state=active&name=" SC_TOKEN_NAME "&limit=100");
	if (sc_list_all(&sc, SC_RANCHER, path, "data", &o, cause) != 0) {
		free(path);
		goto out;
	}
	free(path);
	json_array_foreach(o, i, e) {
		if (sc_str(e, "id") == NULL || sc_str(e, "name") == NULL ||
		    strcmp(sc_str(e, "name"), SC_TOKEN_NAME) != 0)
			continue;
		job_step(j, "leftover Rancher registration token %s",
		    sc_str(e, "id"));
		buf_printf(&b, "%sLEFTOVER Rancher registration token %s (%s, "
		    "active: made by a scale out that did not remove it, or "
		    "one running now)", left++ > 0 ? "; " : "",
		    sc_str(e, "id"), SC_TOKEN_NAME);
	}
	json_decref(o);
	job_progress(j, 100);
	job_result(j, "flavor %s, image %s, networks %s%s%s exist; %zu nodes "
	    "whole, %zu leftover%s%s%s", sc.cfg->scale.flavor,
	    sc.cfg->scale.image, sc.cfg->scale.networks,
	    sc.cfg->scale.key_name != NULL ? ", key pair " : "",
	    sc.cfg->scale.key_name != NULL ? sc.cfg->scale.key_name : "",
	    whole, left, left == 1 ? "" : "s", left > 0 ? ": " : "", b.data);
	rc = 0;
out:
	free(seen);
	buf_free(&b);
	sc_clear(&sc);
	return (rc);
}

/* --- plans ------------------------------------------------------------ */

static int
sc_plan_common(const struct config *cfg, char **cause)
{
	if (cfg->openstack.auth_url == NULL || cfg->rancher.url == NULL ||
	    cfg->scalelite.url == NULL) {
		*cause = xstrdup("[openstack], [rancher] and [scalelite] must "
		    "be configured");
		return (-1);
	}
	if (strchr(cfg->scale.name_pattern, 'N') == NULL) {
		*cause = xasprintf("[scale] name_pattern %s has no N",
		    cfg->scale.name_pattern);
		return (-1);
	}
	return (0);
}

/* The fleet's BBB names, for the dashboard's plan (no I/O). */
static void
sc_plan_names(const struct job_ctx *ctx, long count, struct job_plan *p)
{
	const char	*pat = ctx->cfg->scale.name_pattern;
	long		 max = 0, num, k;
	size_t		 i;
	char		 nm[64];
	struct buf	 b = { 0 };

	if (ctx->fleet == NULL) {
		job_plan_add(p, "name each node: the next %s after the highest "
		    "number any source knows", pat);
		return;
	}
	for (i = 0; i < ctx->fleet->nnodes; i++) {
		if (scale_name_match(pat, ctx->fleet->nodes[i]->key, &num) &&
		    num > max)
			max = num;
	}
	for (k = 0; k < count; k++) {
		scale_name_make(pat, max + 1 + k, nm, sizeof nm);
		buf_printf(&b, "%s%s", k > 0 ? ", " : "", nm);
	}
	job_plan_add(p, "name the nodes %s (checked again against every "
	    "source when the job starts)", b.data);
	buf_free(&b);
}

/*
 * The plan's survey (registry.h): the quota read now, GET {compute}/limits
 * and the flavor's size, with the client's deadline; off the loop thread.
 * A quota that cannot be read is no refusal: the plan says why and the
 * run checks again.
 */
struct sc_survey {
	struct fleet_quota	 q;
	char			*why;		/* not read: the cause */
};

static void
sc_survey_free(void *arg)
{
	struct sc_survey	*sv = arg;

	free(sv->q.flavor);
	free(sv->why);
	free(sv);
}

static int
sc_survey_out(const struct config *cfg, const struct job_args *a,
    const atomic_bool *cancel, void **out, char **cause)
{
	const struct sc_args	*sa = a->priv;
	struct sc_survey	*sv;
	struct sc		 sc;
	const char		*flavor;

	(void)cancel;			/* each call has its deadline */
	(void)cause;
	flavor = sa != NULL && sa->flavor != NULL ? sa->flavor :
	    cfg->scale.flavor;
	sv = xcalloc(1, sizeof *sv);
	if (cfg->openstack.auth_url != NULL) {
		sc_init_cfg(&sc, cfg);
		if (sc_quota_read(&sc, flavor, &sv->q, &sv->why) != 0 &&
		    sv->why == NULL)
			sv->why = xstrdup("unknown error");
		sc_clear(&sc);
	} else
		sv->why = xstrdup("[openstack] auth_url is not set");
	*out = sv;
	return (0);
}

/*
 * The quota in the plan: read now (the survey), else as the model has it
 * (the OpenStack poller's GET /limits and the flavor's size) with its
 * age; a plan line, and a refusal of a count that does not fit.
 */
static int
sc_plan_quota(const struct job_ctx *ctx, const char *flavor, long count,
    struct job_plan *p, char **cause)
{
	const struct sc_survey	*sv = ctx->survey;
	struct fleet_quota	 q;
	struct buf		 b = { 0 };
	char			 ago[16], age[64];
	int64_t			 room, now = p->made_ms;

	if (sv != NULL && sv->why == NULL) {
		q = sv->q;
		snprintf(age, sizeof age, "read now");
	} else if (ctx->fleet != NULL && ctx->fleet->quota.at != 0) {
		q = ctx->fleet->quota;
		util_fmt_age(now > q.at ? now - q.at : 0, ago, sizeof ago);
		snprintf(age, sizeof age, "%s ago", ago);
	} else if (sv != NULL) {
		job_plan_add(p, "quota: GET .../limits failed (%s); "
		    "checked again when the job starts: refused "
		    "unless %ld more VMs fit", sv->why, count);
		return (0);
	} else {
		job_plan_add(p, "quota: GET %s .../limits: instances, cores "
		    "and RAM used vs max; refused unless %ld more VMs fit",
		    ctx->cfg->openstack.auth_url, count);
		return (0);
	}
	/* Another flavor (--flavor): its size is not known. */
	if (q.flavor != NULL && strcmp(q.flavor, flavor) != 0)
		q.flavor = NULL;
	room = sc_quota_text(&q, flavor, age, &b);
	if (sv != NULL && sv->why != NULL)
		buf_printf(&b, "; not read now: %s", sv->why);
	if (room >= 0 && count > room) {
		*cause = xasprintf("quota exceeded: %ld more VMs do not fit "
		    "(quota: %s)", count, b.data);
		buf_free(&b);
		return (-1);
	}
	job_plan_add(p, "quota: %s; checked again (GET .../limits) when the "
	    "job starts", b.data);
	buf_free(&b);
	return (0);
}

static int
sc_plan_out(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;
	const struct sc_args	*sa = a->priv;
	long			 count = sc_count(a);
	char			*tmpl = NULL, *ud = NULL, *line, *s, *e;
	const char		*flavor;

	if (sc_plan_common(cfg, cause) != 0)
		return (-1);
	flavor = sa != NULL && sa->flavor != NULL ? sa->flavor :
	    cfg->scale.flavor;
	if (flavor == NULL || cfg->scale.image == NULL ||
	    cfg->scale.networks == NULL) {
		*cause = xstrdup("[scale] flavor, image and networks must be "
		    "set");
		return (-1);
	}
	if (count > SC_MAX_COUNT) {
		*cause = xasprintf("--count %ld: at most %d", count,
		    SC_MAX_COUNT);
		return (-1);
	}
	if (sa != NULL && sa->name != NULL && count != 1) {
		*cause = xstrdup("--name names one node: not with --count");
		return (-1);
	}
	if (sc_read_file(cfg->scale.user_data, &tmpl, cause) != 0)
		return (-1);
	if (sc_user_data(tmpl, sa != NULL && sa->name != NULL ? sa->name :
	    "NODE", NULL, cfg->scale.agent_image, &ud, cause) != 0) {
		free(tmpl);
		return (-1);
	}
	free(tmpl);
	if (sa != NULL && sa->name != NULL)
		job_plan_add(p, "name the node %s (refused if any source "
		    "knows it)", sa->name);
	else
		sc_plan_names(ctx, count, p);
	if (sc_plan_quota(ctx, flavor, count, p, cause) != 0) {
		free(ud);
		return (-1);
	}
	job_plan_add(p, "check flavor %s, image %s, networks %s%s%s exist",
	    flavor, cfg->scale.image, cfg->scale.networks,
	    cfg->scale.key_name != NULL ? ", key pair " : "",
	    cfg->scale.key_name != NULL ? cfg->scale.key_name : "");
	job_plan_add(p, "Rancher registration URL: an active "
	    "registrationtoken of project %s, or a new one, deactivated and "
	    "removed when the job ends (its token is masked everywhere)",
	    cfg->rancher.project != NULL ? cfg->rancher.project :
	    "(the first)");
	job_plan_add(p, "per node, %ld at once: nova POST /servers "
	    "(OpenStack-API-Version compute %s; security groups %s%s%s), "
	    "wait BUILD -> ACTIVE (%llds)", cfg->scale.max_parallel,
	    API_NOVA_MICROVERSION, cfg->scale.security_groups,
	    cfg->scale.availability_zone != NULL ? ", zone " : "",
	    cfg->scale.availability_zone != NULL ?
	    cfg->scale.availability_zone : "",
	    (long long)(cfg->scale.boot_timeout_ms / 1000));
	job_plan_add(p, "  with base64 user_data from %s:",
	    cfg->scale.user_data);
	for (s = ud; *s != '\0'; s = e) {
		e = s + strcspn(s, "\n");
		line = xstrndup(s, (size_t)(e - s));
		if (*line != '\0' && *line != '#')
			job_plan_add(p, "    | %s", line);
		free(line);
		if (*e == '\n')
			e++;
	}
	free(ud);
	job_plan_add(p, "wait for its Rancher host (label bbbnode=NODE) to be "
	    "active (%llds)", (long long)(cfg->scale.register_timeout_ms /
	    1000));
	job_plan_add(p, "Rancher POST stacks NODE from %s (docker-compose.yml, "
	    "rancher-compose.yml; BBB_SECRET masked, BBB_IMAGE %s); wait "
	    "active and healthy (%llds)", cfg->scale.stack_dir,
	    cfg->scale.bbb_image,
	    (long long)(cfg->scale.stack_timeout_ms / 1000));
	if (cfg->consul.url != NULL)
		job_plan_add(p, "consul PUT v1/agent/service/register (ID "
		    "NODE, Name %s, port 443, HTTP check); wait passing "
		    "(%llds)", cfg->consul.service,
		    (long long)(cfg->scale.consul_timeout_ms / 1000));
	job_plan_add(p, "scalelite addServer (secret masked), updateServer "
	    "enable; without the admin API (scalelite < 1.5.1) rake "
	    "servers:add and servers:enable over ssh on [scalelite] ssh_host "
	    "%s (the secret on the channel's stdin, never in a command); "
	    "wait online (%llds)", cfg->scalelite.ssh_host != NULL ?
	    cfg->scalelite.ssh_host : "(not set)",
	    (long long)(cfg->scale.scalelite_timeout_ms / 1000));
	job_plan_add(p, "verify: the node in all five sources");
	job_plan_add(p, "on a failure or a cancel: %s",
	    sa != NULL && sa->keep_failed ? "KEEP what was made "
	    "(--keep-failed)" : "undo in reverse order (scalelite, consul, "
	    "stack, host, VM)");
	return (0);
}

static int
sc_plan_in(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;
	const struct sc_args	*sa = a->priv;

	if (sc_plan_common(cfg, cause) != 0)
		return (-1);
	if (*a->target == '\0' && (sa == NULL || sa->count <= 0)) {
		*cause = xstrdup("give NODE... or --count N");
		return (-1);
	}
	if (*a->target != '\0' && sa != NULL && sa->count > 0) {
		*cause = xstrdup("give NODE... or --count N, not both");
		return (-1);
	}
	if (*a->target != '\0')
		job_plan_add(p, "remove %s (refused: a name no source knows "
		    "or not fitting %s, the last enabled node, fewer than "
		    "min_nodes %ld left)", a->target, cfg->scale.name_pattern,
		    cfg->scale.min_nodes);
	else
		job_plan_add(p, "remove the %ld least loaded enabled nodes "
		    "(refused: the last enabled node, fewer than min_nodes %ld "
		    "left)", sa->count, cfg->scale.min_nodes);
	job_plan_add(p, "per node, %ld at once: scalelite updateServer cordon "
	    "(scalelite < 1.5.1: rake servers:cordon);"
	    " wait for its load to reach 0 (%llds)%s",
	    cfg->scale.max_parallel,
	    (long long)(cfg->scale.drain_timeout_ms / 1000),
	    sa != NULL && sa->force ? "; then --force: its meetings end" :
	    "; not drained: stop, nothing removed");
	job_plan_add(p, "scalelite deleteServer (scalelite < 1.5.1: rake "
	    "servers:remove over ssh); consul PUT v1/agent/service/"
	    "deregister/NODE");
	job_plan_add(p, "Rancher: remove stack NODE; deactivate and remove "
	    "its host");
	job_plan_add(p, "nova DELETE /servers/ID; wait until it is gone "
	    "(%llds)", (long long)(cfg->scale.delete_timeout_ms / 1000));
	if (sa != NULL && sa->force)
		p->risk = JOB_RISK_DESTRUCTIVE;
	return (0);
}

static int
sc_plan_check(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	(void)a;
	if (sc_plan_common(ctx->cfg, cause) != 0)
		return (-1);
	job_plan_add(p, "read only: check flavor, image, networks and key "
	    "pair exist; GET .../limits (quota headroom)");
	job_plan_add(p, "list leftovers: %s names known to some of nova, "
	    "Rancher hosts, Rancher stacks, consul and scalelite but not all; "
	    "active Rancher registration tokens named %s (a scale out makes "
	    "and removes them)", ctx->cfg->scale.name_pattern, SC_TOKEN_NAME);
	return (0);
}

/*
 * The command line's check of scale in's NODE... (struct action,
 * resolve): each name must be known to one of the five sources, as the
 * run checks it; one that none knows is refused with the nearest name.
 * The sources not answering: a warning, not a refusal (the run checks).
 */
static int
sc_resolve_in(const struct config *cfg, const char *target, char **cause)
{
	struct sc		 sc;
	struct scale_seen	*seen = NULL;
	const char		*best;
	char			*targets, *p, *w, *why = NULL;
	size_t			 nseen = 0, i, d, bestd;
	int			 rc = 0;

	*cause = NULL;
	if (cfg->openstack.auth_url == NULL || cfg->rancher.url == NULL ||
	    cfg->scalelite.url == NULL)
		return (0);
	sc_init_cfg(&sc, cfg);
	if (sc_snapshot(&sc, &seen, &nseen, &why) != 0) {
		*cause = xasprintf("cannot check that %s exists: %s", target,
		    why);
		free(why);
		sc_clear(&sc);
		return (0);
	}
	targets = p = xstrdup(target);
	while (rc == 0 && (w = strsep(&p, " ")) != NULL) {
		if (*w == '\0')
			continue;
		best = NULL;
		bestd = SIZE_MAX;
		for (i = 0; i < nseen; i++) {
			if (strcmp(seen[i].name, w) == 0)
				break;
			d = util_levenshtein(seen[i].name, w);
			if (d < bestd) {
				bestd = d;
				best = seen[i].name;
			}
		}
		if (i < nseen)
			continue;
		rc = -1;
		if (best != NULL && bestd <= 3)
			*cause = xasprintf("%s is not a BBB node (none of the "
			    "five sources knows it as %s): refused; did you "
			    "mean %s?", w, cfg->scale.name_pattern, best);
		else
			*cause = xasprintf("%s is not a BBB node (none of the "
			    "five sources knows it as %s): refused", w,
			    cfg->scale.name_pattern);
	}
	free(targets);
	free(seen);
	sc_clear(&sc);
	return (rc);
}

/* --- options and rows ------------------------------------------------- */

static int
sc_args_parse(void *priv, const char *opt, const char *arg, char **cause)
{
	struct sc_args	*sa = priv;
	const char	*errstr = NULL;
	long long	 ll;

	if (strcmp(opt, "count") == 0) {
		if (util_parse_ll(arg, 1, SC_MAX_COUNT, &ll, &errstr) != 0) {
			*cause = xasprintf("--count %s: %s", arg, errstr);
			return (-1);
		}
		sa->count = (long)ll;
	} else if (strcmp(opt, "flavor") == 0) {
		free(sa->flavor);
		sa->flavor = xstrdup(arg);
	} else if (strcmp(opt, "name") == 0) {
		free(sa->name);
		sa->name = xstrdup(arg);
	} else if (strcmp(opt, "keep-failed") == 0)
		sa->keep_failed = true;
	else if (strcmp(opt, "force") == 0)
		sa->force = true;
	return (0);
}

static void
sc_args_free(void *priv)
{
	struct sc_args	*sa = priv;

	free(sa->flavor);
	free(sa->name);
}

static const struct action_opt sc_out_opts[] = {
	{ "count", "N", "add N nodes (default 1, at most 100)" },
	{ "flavor", "F", "their VM flavor instead of [scale] flavor" },
	{ "name", "NAME", "the one new node's name" },
	{ "keep-failed", NULL, "leave what a failed node made, to debug" },
	{ NULL, NULL, NULL }
};

static const struct action_opt sc_in_opts[] = {
	{ "count", "N", "remove the N least loaded nodes" },
	{ "force", NULL, "end the meetings left after the drain deadline" },
	{ NULL, NULL, NULL }
};

const struct action action_scale_out = {
	.verb = "scale out",
	.help = "add BBB nodes: VM, Rancher host and stack, consul, scalelite",
	.risk = JOB_RISK_REVERSIBLE,
	.cancellable = true,
	.locks = true,
	.plan = sc_plan_out,
	.survey = sc_survey_out,
	.survey_free = sc_survey_free,
	.run = sc_run_out,
	.target = ACTION_TARGET_NONE,
	.opts = sc_out_opts,
	.args_size = sizeof (struct sc_args),
	.args_parse = sc_args_parse,
	.args_free = sc_args_free,
	.usage = "Each node: a name, a VM booting the cloud-init of [scale] "
	    "user_data, its\nRancher host, its stack from [scale] stack_dir, "
	    "consul, scalelite.\nA failure or ^C undoes what the node made, "
	    "in reverse order.",
	.key = 's',
	.views = ACTION_VIEW_NODES,
	.hint = true,
	.ask = "count",
	.ask_default = "1"
};
const struct action action_scale_in = {
	.verb = "scale in",
	.help = "drain NODE... and remove them from every source and the cloud",
	.risk = JOB_RISK_DESTRUCTIVE,
	.cancellable = true,
	.locks = true,
	.plan = sc_plan_in,
	.run = sc_run_in,
	.resolve = sc_resolve_in,
	.target = ACTION_TARGET_NODES,
	.opts = sc_in_opts,
	.args_size = sizeof (struct sc_args),
	.args_parse = sc_args_parse,
	.args_free = sc_args_free,
	.usage = "NODE... or --count N (the least loaded).  Refused: the last "
	    "enabled node,\nfewer than [scale] min_nodes, a name that is not "
	    "a BBB node.",
	.key = 'S',
	.target_optional = true
};
const struct action action_scale_check = {
	.verb = "scale check",
	.help = "check flavor, image, networks, quota; list half-made nodes",
	.risk = JOB_RISK_REVERSIBLE,
	.cancellable = true,
	.plan = sc_plan_check,
	.run = sc_run_check,
	.target = ACTION_TARGET_NONE,
	.key = 'C'
};
