/*
 * openstack.c: the OpenStack client (see api/openstack.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/openstack.h"
#include "backend/keystone.h"
#include "config.h"
#include "log.h"

struct api_conn
api_openstack_conn(const struct config *cfg)
{
	struct api_conn	 c;

	memset(&c, 0, sizeof c);
	c.url = cfg->openstack.auth_url;
	c.user = cfg->openstack.application_credential_id;
	c.secret = cfg->openstack.application_credential_secret;
	c.region = cfg->openstack.region;
	c.ca_file = cfg->openstack.ca_file;
	return (c);
}

char *
api_keystone_url(const char *auth_url)
{
	size_t	 n;

	n = strlen(auth_url);
	while (n > 0 && auth_url[n - 1] == '/')
		n--;
	if (n >= 3 && strncmp(auth_url + n - 3, "/v3", 3) == 0)
		return (xasprintf("%.*s/auth/tokens", (int)n, auth_url));
	return (xasprintf("%.*s/v3/auth/tokens", (int)n, auth_url));
}

void
api_keystone_req(struct api_req *r, const struct api_conn *c)
{
	json_t	*j;

	j = json_pack("{s:{s:{s:[s],s:{s:s,s:s}}}}", "auth", "identity",
	    "methods", "application_credential", "application_credential",
	    "id", c->user != NULL ? c->user : "",
	    "secret", c->secret != NULL ? c->secret : "");
	if (j == NULL)
		fatalx("keystone: json_pack failed");
	api_req_init(r, c, "POST", api_keystone_url(c->url));
	api_req_json(r, j);	/* the body is zeroed by api_req_clear */
	json_decref(j);
}

void
api_os_token_clear(struct api_os_token *t)
{
	freezero_str(t->token);
	free(t->compute);
	free(t->catalog);
	memset(t, 0, sizeof *t);
}

bool
api_os_token_valid(const struct api_os_token *t, int64_t now_ms)
{
	return (t->token != NULL &&
	    t->expires - API_OS_TOKEN_MARGIN_MS > now_ms);
}

/* Is body a JSON object with an "error" member (Keystone's errors)? */
static bool
os_is_keystone_error(const struct http_response *resp)
{
	json_t		*o;
	json_error_t	 err;
	bool		 yes;

	o = json_loadb(resp->body, resp->len, 0, &err);
	yes = json_is_object(json_object_get(o, "error"));
	json_decref(o);
	return (yes);
}

int
api_keystone_take(const struct api_conn *c, const struct http_response *resp,
    struct api_os_token *t, char **cause)
{
	const char	*tok;
	char		*d, *e, *body;
	int		 rc;

	api_os_token_clear(t);
	if (resp->error != NULL || resp->body == NULL || resp->len == 0 ||
	    (!http_response_ok(resp) && !os_is_keystone_error(resp))) {
		d = api_openstack_describe(c, resp);
		*cause = xasprintf("keystone: %s", d);
		free(d);
		return (-1);
	}
	/*
	 * The decoder cuts what it quotes (an error's message at 200
	 * bytes): mask the body before, so that no part of the secret
	 * survives the cut, and the cause after (an escaped secret).
	 */
	body = api_mask(resp->body, c->secret);
	rc = backend_keystone_decode(body, strlen(body), c->region,
	    "public", &t->compute, &t->expires, &e);
	freezero_str(body);
	if (rc != 0) {
		d = http_response_ok(resp) ? xstrdup(e) :
		    xasprintf("HTTP %ld: %s", resp->status, e);
		free(e);
		e = api_mask(d, c->secret);
		freezero_str(d);
		*cause = api_clean(e, 300);
		freezero_str(e);
		return (-1);
	}
	if (!http_response_ok(resp)) {
		api_os_token_clear(t);
		d = api_openstack_describe(c, resp);
		*cause = xasprintf("keystone: %s", d);
		free(d);
		return (-1);
	}
	tok = http_response_header(resp, "X-Subject-Token");
	if (tok == NULL || *tok == '\0') {
		api_os_token_clear(t);
		*cause = xstrdup("keystone: no X-Subject-Token in the answer");
		return (-1);
	}
	t->token = xstrdup(tok);
	t->catalog = xstrndup(resp->body, resp->len);
	t->cataloglen = resp->len;
	return (0);
}

int
api_keystone_login(const struct api_conn *c, struct api_os_token *t,
    char **cause)
{
	struct api_req		 r;
	struct http_response	 resp;
	int			 rc;

	api_keystone_req(&r, c);
	if (r.http.timeout_ms == 0)
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	memset(&resp, 0, sizeof resp);
	(void)http_perform(&r.http, &resp);
	api_req_clear(&r);
	rc = api_keystone_take(c, &resp, t, cause);
	http_response_clear(&resp);
	return (rc);
}

int
api_os_endpoint(const struct api_conn *c, const struct api_os_token *t,
    const char *type, char **url, char **cause)
{
	if (t->catalog == NULL) {
		*cause = xstrdup("keystone: no token yet");
		return (-1);
	}
	return (backend_keystone_endpoint(t->catalog, t->cataloglen, type,
	    c->region, "public", url, cause));
}

void
api_nova_req(struct api_req *r, const struct api_conn *c,
    const struct api_os_token *t, const char *method, const char *path,
    const json_t *body, const char *microversion)
{
	char	*url;

	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		url = xstrdup(path);
	else
		url = util_url_join(t->compute != NULL ? t->compute : "",
		    path);
	api_req_init(r, c, method, url);
	api_req_header(r, "X-Auth-Token: %s", t->token != NULL ? t->token :
	    "");
	if (microversion != NULL)
		api_req_header(r, "OpenStack-API-Version: compute %s",
		    microversion);
	if (body != NULL)
		api_req_json(r, body);
	else
		api_req_header(r, "Accept: application/json");
}

/* --- error answers ------------------------------------------------------- */

/* The single member of o that is an object with a "message", or NULL. */
static const char *
os_fault(json_t *o, json_t **inner)
{
	const char	*key;
	json_t		*v;

	if (json_object_size(o) != 1)
		return (NULL);
	json_object_foreach(o, key, v) {
		if (json_is_object(v) &&
		    json_is_string(json_object_get(v, "message"))) {
			*inner = v;
			return (key);
		}
	}
	return (NULL);
}

char *
api_openstack_describe(const struct api_conn *c,
    const struct http_response *resp)
{
	json_t		*o, *e;
	json_error_t	 err;
	const char	*name, *title, *msg;
	char		*s, *m, *d;
	json_int_t	 code;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		return (api_describe(c, resp));
	o = json_loadb(resp->body, resp->len, 0, &err);
	if ((name = os_fault(o, &e)) == NULL) {
		json_decref(o);
		return (api_describe(c, resp));
	}
	msg = json_string_value(json_object_get(e, "message"));
	if (strcmp(name, "error") == 0) {
		/* Keystone: {"error":{"code":401,"title":"...","message"}} */
		title = json_string_value(json_object_get(e, "title"));
		s = xasprintf("HTTP %ld %s: %s", resp->status,
		    title != NULL ? title : "error", msg);
	} else if (strcmp(name, "NeutronError") == 0) {
		title = json_string_value(json_object_get(e, "type"));
		s = xasprintf("HTTP %ld %s: %s", resp->status,
		    title != NULL ? title : name, msg);
	} else {
		/* Nova: {"itemNotFound":{"code":404,"message":"..."}} */
		code = json_integer_value(json_object_get(e, "code"));
		if (code != 0 && code != resp->status)
			s = xasprintf("HTTP %ld %s (%lld): %s", resp->status,
			    name, (long long)code, msg);
		else
			s = xasprintf("HTTP %ld %s: %s", resp->status, name,
			    msg);
	}
	json_decref(o);
	m = api_mask(s, c != NULL ? c->secret : NULL);
	freezero_str(s);
	d = api_clean(m, 300);
	freezero_str(m);
	return (d);
}

int
api_nova_call(const struct api_conn *c, const struct api_os_token *t,
    const char *method, const char *path, const json_t *body, json_t **out,
    char **cause)
{
	struct api_conn	 nc = *c;
	struct api_req	 r;
	char		*what;
	int		 rc;

	/* Nova never sees the credential; the token is what to mask. */
	nc.secret = t->token;
	what = xasprintf("nova %s %s", method != NULL ? method : "GET", path);
	api_nova_req(&r, c, t, method, path, body, API_NOVA_MICROVERSION);
	if (r.http.timeout_ms == 0)
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	rc = api_call_json(&r, &nc, api_openstack_describe, what, out, cause);
	api_req_clear(&r);
	free(what);
	return (rc);
}

/* --- limits ------------------------------------------------------------ */

static int
os_limit(json_t *abs, const char *name, int64_t *v, char **cause)
{
	json_t	*j = json_object_get(abs, name);

	*v = -1;
	if (j == NULL || json_is_null(j))
		return (0);
	if (!json_is_integer(j)) {
		*cause = xasprintf("nova: limits.absolute.%s: expected an "
		    "integer", name);
		return (-1);
	}
	*v = json_integer_value(j) < 0 ? -1 : json_integer_value(j);
	return (0);
}

int
api_nova_limits_decode(const char *body, size_t len,
    struct api_nova_limits *l, char **cause)
{
	json_t		*root, *abs;
	json_error_t	 err;
	int		 rc = -1;

	memset(l, 0xff, sizeof *l);	/* every field -1 */
	if ((root = json_loadb(body, len, 0, &err)) == NULL) {
		*cause = xasprintf("nova: limits: not JSON: %s", err.text);
		return (-1);
	}
	abs = json_object_get(json_object_get(root, "limits"), "absolute");
	if (!json_is_object(abs)) {
		*cause = xstrdup("nova: limits: missing limits.absolute");
		goto out;
	}
	if (os_limit(abs, "maxTotalInstances", &l->max_instances,
	    cause) != 0 ||
	    os_limit(abs, "totalInstancesUsed", &l->instances_used,
	    cause) != 0 ||
	    os_limit(abs, "maxTotalCores", &l->max_cores, cause) != 0 ||
	    os_limit(abs, "totalCoresUsed", &l->cores_used, cause) != 0 ||
	    os_limit(abs, "maxTotalRAMSize", &l->max_ram_mb, cause) != 0 ||
	    os_limit(abs, "totalRAMUsed", &l->ram_used_mb, cause) != 0 ||
	    os_limit(abs, "maxTotalKeypairs", &l->max_keypairs, cause) != 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return (rc);
}

int
api_nova_flavor_decode(const char *body, size_t len, const char *flavor,
    int64_t *vcpus, int64_t *ram_mb, char **cause)
{
	json_t		*root, *e;
	json_error_t	 err;
	const char	*name, *id;
	size_t		 i;
	int		 rc = -1;

	*vcpus = *ram_mb = -1;
	if ((root = json_loadb(body, len, 0, &err)) == NULL) {
		*cause = xasprintf("nova: flavors: not JSON: %s", err.text);
		return (-1);
	}
	json_array_foreach(json_object_get(root, "flavors"), i, e) {
		name = json_string_value(json_object_get(e, "name"));
		id = json_string_value(json_object_get(e, "id"));
		if ((name == NULL || strcmp(name, flavor) != 0) &&
		    (id == NULL || strcmp(id, flavor) != 0))
			continue;
		if (!json_is_integer(json_object_get(e, "vcpus")) ||
		    !json_is_integer(json_object_get(e, "ram"))) {
			*cause = xasprintf("nova: flavor %s: no vcpus or ram",
			    flavor);
			goto out;
		}
		*vcpus = json_integer_value(json_object_get(e, "vcpus"));
		*ram_mb = json_integer_value(json_object_get(e, "ram"));
		rc = 0;
		goto out;
	}
	*cause = xasprintf("nova: flavor %s does not exist", flavor);
out:
	json_decref(root);
	return (rc);
}

int
api_nova_limits(const struct api_conn *c, const struct api_os_token *t,
    struct api_nova_limits *l, char **cause)
{
	struct api_conn		 nc = *c;
	struct api_req		 r;
	struct http_response	 resp;
	int			 rc;

	nc.secret = t->token;
	api_nova_req(&r, c, t, NULL, "limits", NULL, API_NOVA_MICROVERSION);
	if (r.http.timeout_ms == 0)
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	rc = api_perform(&r, &nc, api_openstack_describe, "nova GET limits",
	    &resp, cause);
	api_req_clear(&r);
	if (rc != 0)
		return (-1);
	rc = api_nova_limits_decode(resp.body != NULL ? resp.body : "",
	    resp.len, l, cause);
	http_response_clear(&resp);
	return (rc);
}
