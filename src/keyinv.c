/*
 * keyinv.c: the hosts whose keys are rotated (keyinv.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/openstack.h"
#include "api/rancher.h"
#include "backend/decode.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "keyinv.h"
#include "ssh.h"
#include "util.h"

#define KEYINV_PAGES_MAX	1000	/* a loop of next links ends */

static struct keyinv_host *
keyinv_find(struct keyinv *inv, const char *key)
{
	size_t	 i;

	for (i = 0; i < inv->n; i++) {
		if (strcmp(inv->v[i].key, key) == 0)
			return (&inv->v[i]);
	}
	return (NULL);
}

/* Add or join one host; the address given wins for Nova. */
static void
keyinv_put(struct keyinv *inv, const char *name, const char *domain,
    const char *address, unsigned source)
{
	struct keyinv_host	*h;
	char			*key;

	if ((key = fleet_node_key(name, domain)) == NULL)
		return;
	if ((h = keyinv_find(inv, key)) == NULL) {
		inv->v = xreallocarray(inv->v, inv->n + 1, sizeof *inv->v);
		h = &inv->v[inv->n++];
		memset(h, 0, sizeof *h);
		h->name = xstrdup(name);
		h->key = key;
	} else
		free(key);
	if (address != NULL && *address != '\0' && (h->address == NULL ||
	    (source == KEYINV_NOVA && !(h->sources & KEYINV_NOVA)))) {
		free(h->address);
		h->address = xstrdup(address);
	}
	h->sources |= source;
}

static const char *
keyinv_str(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return (json_is_string(v) ? json_string_value(v) : NULL);
}

/* The address of a server's "addresses" object (see keyinv.h). */
static const char *
keyinv_nova_address(json_t *addrs)
{
	const char	*key, *fixed4 = NULL, *any4 = NULL, *any = NULL, *a;
	json_t		*list, *e;
	size_t		 i;

	if (!json_is_object(addrs))
		return (NULL);
	json_object_foreach(addrs, key, list) {
		if (!json_is_array(list))
			continue;
		json_array_foreach(list, i, e) {
			if ((a = keyinv_str(e, "addr")) == NULL)
				continue;
			if (any == NULL)
				any = a;
			if (json_integer_value(json_object_get(e,
			    "version")) != 4)
				continue;
			if (any4 == NULL)
				any4 = a;
			if (fixed4 == NULL && (a = keyinv_str(e,
			    "OS-EXT-IPS:type")) != NULL &&
			    strcmp(a, "fixed") == 0)
				fixed4 = keyinv_str(e, "addr");
		}
	}
	return (fixed4 != NULL ? fixed4 : any4 != NULL ? any4 : any);
}

static json_t *
keyinv_load(const char *text, size_t len, const char *what, char **cause)
{
	json_error_t	 err;
	json_t		*o;

	if ((o = json_loadb(text, len, 0, &err)) == NULL) {
		*cause = xasprintf("%s: not JSON: %s", what, err.text);
		return (NULL);
	}
	if (!json_is_object(o)) {
		json_decref(o);
		*cause = xasprintf("%s: not an object", what);
		return (NULL);
	}
	return (o);
}

int
keyinv_add_nova(struct keyinv *inv, const char *text, size_t len,
    const char *domain, char **next, char **cause)
{
	json_t		*o, *servers, *s, *links, *l;
	const char	*name, *rel, *href;
	size_t		 i;

	*next = NULL;
	if ((o = keyinv_load(text, len, "nova servers", cause)) == NULL)
		return (-1);
	servers = json_object_get(o, "servers");
	if (!json_is_array(servers)) {
		json_decref(o);
		*cause = xstrdup("nova servers: no servers array");
		return (-1);
	}
	json_array_foreach(servers, i, s) {
		if ((name = keyinv_str(s, "name")) == NULL || *name == '\0')
			continue;
		keyinv_put(inv, name, domain, keyinv_nova_address(
		    json_object_get(s, "addresses")), KEYINV_NOVA);
	}
	links = json_object_get(o, "servers_links");
	json_array_foreach(links, i, l) {
		rel = keyinv_str(l, "rel");
		href = keyinv_str(l, "href");
		if (rel != NULL && strcmp(rel, "next") == 0 && href != NULL &&
		    *next == NULL)
			*next = xstrdup(href);
	}
	json_decref(o);
	return (0);
}

int
keyinv_add_rancher(struct keyinv *inv, const char *text, size_t len,
    const char *domain, char **next, char **cause)
{
	json_t		*o, *data, *h, *p;
	const char	*name, *href;
	size_t		 i;

	*next = NULL;
	if ((o = keyinv_load(text, len, "rancher hosts", cause)) == NULL)
		return (-1);
	data = json_object_get(o, "data");
	if (!json_is_array(data)) {
		json_decref(o);
		*cause = xstrdup("rancher hosts: no data array");
		return (-1);
	}
	json_array_foreach(data, i, h) {
		if ((name = keyinv_str(h, "hostname")) == NULL || *name == '\0')
			name = keyinv_str(h, "name");
		if (name == NULL || *name == '\0')
			continue;
		keyinv_put(inv, name, domain, keyinv_str(h, "agentIpAddress"),
		    KEYINV_RANCHER);
	}
	p = json_object_get(o, "pagination");
	if ((href = keyinv_str(p, "next")) != NULL && *href != '\0')
		*next = xstrdup(href);
	json_decref(o);
	return (0);
}

int
keyinv_select(struct keyinv *inv, const char *csv, const char *domain,
    char **cause)
{
	struct keyinv	 out = { NULL, 0 };
	struct buf	 bad = { 0 };
	char		*copy, *p, *word, *key;
	bool		*keep;
	size_t		 i;
	bool		 found;

	keep = xcalloc(inv->n + 1, sizeof *keep);
	copy = xstrdup(csv);
	for (p = copy; (word = strsep(&p, ",")) != NULL;) {
		if (*word == '\0')
			continue;
		key = fleet_node_key(word, domain);
		found = false;
		for (i = 0; i < inv->n; i++) {
			if (strcmp(inv->v[i].name, word) == 0 ||
			    (key != NULL && strcmp(inv->v[i].key, key) == 0)) {
				keep[i] = true;
				found = true;
			}
		}
		free(key);
		if (!found)
			buf_printf(&bad, "%s%s", bad.len != 0 ? ", " : "",
			    word);
	}
	free(copy);
	if (bad.len != 0) {
		*cause = xasprintf("--hosts: not in the inventory: %s",
		    bad.data);
		buf_free(&bad);
		free(keep);
		return (-1);
	}
	for (i = 0; i < inv->n; i++) {
		if (keep[i]) {
			out.v = xreallocarray(out.v, out.n + 1,
			    sizeof *out.v);
			out.v[out.n++] = inv->v[i];
		} else {
			free(inv->v[i].name);
			free(inv->v[i].key);
			free(inv->v[i].address);
		}
	}
	free(inv->v);
	free(keep);
	*inv = out;
	return (0);
}

void
keyinv_free(struct keyinv *inv)
{
	size_t	 i;

	for (i = 0; i < inv->n; i++) {
		free(inv->v[i].name);
		free(inv->v[i].key);
		free(inv->v[i].address);
	}
	free(inv->v);
	inv->v = NULL;
	inv->n = 0;
}

static int
keyinv_fetch_nova(const struct config *cfg, struct keyinv *inv, char **cause)
{
	struct api_conn		 c = api_openstack_conn(cfg), nc;
	struct api_os_token	 tok;
	struct api_req		 r;
	struct http_response	 resp;
	char			*path, *next = NULL;
	int			 pages, rc = -1;

	memset(&tok, 0, sizeof tok);
	if (api_keystone_login(&c, &tok, cause) != 0)
		return (-1);
	path = xstrdup("/servers/detail");
	for (pages = 0; path != NULL && pages < KEYINV_PAGES_MAX; pages++) {
		api_nova_req(&r, &c, &tok, "GET", path, NULL,
		    API_NOVA_MICROVERSION);
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
		/* Nova never sees the credential; the token is masked. */
		nc = c;
		nc.secret = tok.token;
		if (api_perform(&r, &nc, api_openstack_describe,
		    "nova servers", &resp, cause) != 0) {
			api_req_clear(&r);
			goto out;
		}
		api_req_clear(&r);
		if (keyinv_add_nova(inv, resp.body, resp.len,
		    cfg->cluster.domain, &next, cause) != 0) {
			http_response_clear(&resp);
			goto out;
		}
		http_response_clear(&resp);
		free(path);
		path = next;
		next = NULL;
	}
	rc = 0;
out:
	free(path);
	api_os_token_clear(&tok);
	return (rc);
}

static int
keyinv_fetch_rancher(const struct config *cfg, struct keyinv *inv,
    char **cause)
{
	struct api_conn		 c = api_rancher_conn(cfg);
	struct api_req		 r;
	struct http_response	 resp;
	char			*path, *project = NULL, *next = NULL;
	int			 pages, rc = -1;

	if (api_rancher_project(&c, cfg->rancher.project, &project,
	    cause) != 0)
		return (-1);
	path = api_rancher_path(project, "hosts", NULL,
	    "limit=1000&removed_null=true");
	for (pages = 0; path != NULL && pages < KEYINV_PAGES_MAX; pages++) {
		api_rancher_req(&r, &c, NULL, path, NULL);
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
		if (api_perform(&r, &c, api_rancher_describe, "rancher hosts",
		    &resp, cause) != 0) {
			api_req_clear(&r);
			goto out;
		}
		api_req_clear(&r);
		if (keyinv_add_rancher(inv, resp.body, resp.len,
		    cfg->cluster.domain, &next, cause) != 0) {
			http_response_clear(&resp);
			goto out;
		}
		http_response_clear(&resp);
		free(path);
		path = next;
		next = NULL;
	}
	rc = 0;
out:
	free(path);
	free(project);
	return (rc);
}

int
keyinv_fetch(const struct config *cfg, struct keyinv *inv, char **cause)
{
	memset(inv, 0, sizeof *inv);
	if (cfg->openstack.auth_url == NULL && cfg->rancher.url == NULL) {
		*cause = xstrdup("no inventory: neither [openstack] nor "
		    "[rancher] is configured");
		return (-1);
	}
	if (cfg->openstack.auth_url != NULL &&
	    keyinv_fetch_nova(cfg, inv, cause) != 0)
		return (-1);
	if (cfg->rancher.url != NULL &&
	    keyinv_fetch_rancher(cfg, inv, cause) != 0)
		return (-1);
	return (0);
}

const char *
keyinv_reach_name(enum keyinv_reach r)
{
	switch (r) {
	case KEYINV_REACH_OK:
		return ("reachable");
	case KEYINV_REACH_REFUSED:
		return ("current key refused");
	case KEYINV_REACH_DOWN:
		return ("unreachable");
	case KEYINV_REACH_HOSTKEY_UNKNOWN:
		return ("host key unknown");
	case KEYINV_REACH_HOSTKEY_CHANGED:
		return ("host key CHANGED");
	case KEYINV_REACH_ERROR:
		break;
	}
	return ("not tried");
}

struct keyinv_pool {
	const struct config	*cfg;
	const struct keyinv_check_opts *opts;
	struct keyinv_check	*v;
	size_t			 n;
	size_t			 next;
	pthread_mutex_t		 mu;
};

/* One host: a session with [ssh] identity, opened and closed. */
static void
keyinv_try(struct keyinv_pool *p, struct keyinv_check *c)
{
	const struct keyinv_check_opts	*o = p->opts;
	struct ssh_opts			 so;
	struct ssh_session		*ss;
	enum ssh_stage			 stage = SSH_STAGE_NONE;

	if (o->cancel != NULL && atomic_load(o->cancel)) {
		c->accepts = -1;
		c->reach = KEYINV_REACH_ERROR;
		c->why = xstrdup("cancelled");
		return;
	}
	memset(&so, 0, sizeof so);
	so.identity = p->cfg->ssh.identity;
	so.connect_timeout_ms = o->connect_ms;
	so.timeout_ms = o->call_ms;
	so.cancel = o->cancel;
	so.failed_at = &stage;
	if ((ss = ssh_session_open(p->cfg, c->address, &so,
	    &c->why)) != NULL) {
		ssh_session_close(ss);
		c->accepts = 1;
		c->reach = KEYINV_REACH_OK;
		return;
	}
	c->accepts = -1;
	switch (stage) {
	case SSH_STAGE_AUTH:
		c->accepts = 0;
		c->reach = KEYINV_REACH_REFUSED;
		free(c->why);
		c->why = xstrdup("the server refused the key");
		break;
	case SSH_STAGE_CONNECT:
		c->reach = KEYINV_REACH_DOWN;
		break;
	case SSH_STAGE_HOSTKEY:
		c->reach = KEYINV_REACH_HOSTKEY_UNKNOWN;
		break;
	case SSH_STAGE_HOSTKEY_CHANGED:
		c->reach = KEYINV_REACH_HOSTKEY_CHANGED;
		break;
	default:
		c->reach = KEYINV_REACH_ERROR;
		break;
	}
}

static void *
keyinv_check_worker(void *arg)
{
	struct keyinv_pool	*p = arg;
	struct keyinv_check	*c;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		c = p->next < p->n ? &p->v[p->next++] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (c == NULL)
			return (NULL);
		keyinv_try(p, c);
	}
}

int
keyinv_check(const struct config *cfg, struct keyinv_check **out, size_t *n,
    char **cause)
{
	struct keyinv_check_opts	 o;

	memset(&o, 0, sizeof o);
	return (keyinv_check_with(cfg, &o, out, n, cause));
}

int
keyinv_check_with(const struct config *cfg,
    const struct keyinv_check_opts *opts, struct keyinv_check **out,
    size_t *n, char **cause)
{
	struct keyinv		 inv;
	struct keyinv_pool	 p;
	pthread_t		 t[64];
	size_t			 i, nt;
	long			 par;

	if (keyinv_fetch(cfg, &inv, cause) != 0) {
		keyinv_free(&inv);
		return (-1);
	}
	if (opts->hosts != NULL && keyinv_select(&inv, opts->hosts,
	    cfg->cluster.domain, cause) != 0) {
		keyinv_free(&inv);
		return (-1);
	}
	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.opts = opts;
	p.n = inv.n;
	p.v = xcalloc(inv.n + 1, sizeof *p.v);
	for (i = 0; i < inv.n; i++) {
		p.v[i].name = xstrdup(inv.v[i].name);
		p.v[i].key = xstrdup(inv.v[i].key);
		p.v[i].address = xstrdup(inv.v[i].address != NULL ?
		    inv.v[i].address : inv.v[i].name);
	}
	keyinv_free(&inv);
	pthread_mutex_init(&p.mu, NULL);
	par = cfg->ssh.max_parallel > 0 ? cfg->ssh.max_parallel : 4;
	if (par > 64)
		par = 64;
	nt = (size_t)par < p.n ? (size_t)par : p.n;
	for (i = 0; i < nt; i++) {
		if (pthread_create(&t[i], NULL, keyinv_check_worker, &p) != 0)
			break;
	}
	if (i == 0)
		keyinv_check_worker(&p);
	nt = i;
	for (i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&p.mu);
	*out = p.v;
	*n = p.n;
	return (0);
}

void
keyinv_check_free(struct keyinv_check *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].key);
		free(v[i].address);
		free(v[i].why);
	}
	free(v);
}
