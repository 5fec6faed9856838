/*
 * rancher.c: the Rancher 1.6 client (see api/rancher.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/rancher.h"
#include "backend/rancher-projects.h"
#include "config.h"

struct api_conn
api_rancher_conn(const struct config *cfg)
{
	struct api_conn	 c;

	memset(&c, 0, sizeof c);
	c.url = cfg->rancher.url;
	c.user = cfg->rancher.access_key;
	c.secret = cfg->rancher.secret_key;
	c.ca_file = cfg->rancher.ca_file;
	return (c);
}

char *
api_rancher_base(const char *url)
{
	size_t	 n;

	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n >= 8 && strncmp(url + n - 8, "/v2-beta", 8) == 0)
		return (xstrndup(url, n));
	if (n >= 3 && strncmp(url + n - 3, "/v1", 3) == 0)
		n -= 3;
	return (xasprintf("%.*s/v2-beta", (int)n, url));
}

char *
api_rancher_path(const char *project, const char *coll, const char *id,
    const char *query)
{
	struct buf	 b = { 0 };

	if (project != NULL)
		buf_printf(&b, "projects/%s/%s", project, coll);
	else
		buf_adds(&b, "projects");
	if (project != NULL && id != NULL)
		buf_printf(&b, "/%s", id);
	if (query != NULL && *query != '\0')
		buf_printf(&b, "?%s", query);
	return (buf_steal(&b));
}

char *
api_rancher_action_path(const char *project, const char *coll,
    const char *id, const char *action)
{
	return (xasprintf("projects/%s/%s/%s?action=%s", project, coll, id,
	    action));
}

void
api_rancher_req(struct api_req *r, const struct api_conn *c,
    const char *method, const char *path, const json_t *body)
{
	char	*base, *url;

	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		url = xstrdup(path);
	else if (*path == '\0')
		url = api_rancher_base(c->url);
	else {
		base = api_rancher_base(c->url);
		url = util_url_join(base, path);
		free(base);
	}
	api_req_init(r, c, method, url);
	if (c->user != NULL && *c->user != '\0')
		api_req_basic(r, c->user, c->secret != NULL ? c->secret : "");
	if (body != NULL)
		api_req_json(r, body);
	else
		api_req_header(r, "Accept: application/json");
}

char *
api_rancher_describe(const struct api_conn *c,
    const struct http_response *resp)
{
	json_t		*o;
	json_error_t	 err;
	const char	*code, *msg;
	char		*s, *d, *m;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0 ||
	    http_response_ok(resp))
		return (api_describe(c, resp));
	o = json_loadb(resp->body, resp->len, 0, &err);
	code = json_string_value(json_object_get(o, "code"));
	msg = json_string_value(json_object_get(o, "message"));
	if (code == NULL) {
		json_decref(o);
		return (api_describe(c, resp));
	}
	/* whole, so that the mask sees every secret before the cut */
	s = xasprintf("HTTP %ld %s%s%s", resp->status, code,
	    msg != NULL ? ": " : "", msg != NULL ? msg : "");
	json_decref(o);
	m = api_mask(s, c != NULL ? c->secret : NULL);
	freezero_str(s);
	d = api_clean(m, 300);
	freezero_str(m);
	return (d);
}

int
api_rancher_call(const struct api_conn *c, const char *method,
    const char *path, const json_t *body, json_t **out, char **cause)
{
	struct api_req	 r;
	char		*what;
	int		 rc;

	what = xasprintf("rancher %s", path);
	api_rancher_req(&r, c, method, path, body);
	if (r.http.timeout_ms == 0)
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	rc = api_call_json(&r, c, api_rancher_describe, what, out, cause);
	if (rc == 0 && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		*cause = xasprintf("%s: the answer is not a JSON object",
		    what);
		rc = -1;
	}
	api_req_clear(&r);
	free(what);
	return (rc);
}

int
api_rancher_project(const struct api_conn *c, const char *want, char **id,
    char **cause)
{
	struct api_req		 r;
	struct http_response	 resp;
	char			*path;
	int			 rc;

	*id = NULL;
	path = api_rancher_path(NULL, NULL, NULL, "limit=1000");
	api_rancher_req(&r, c, NULL, path, NULL);
	r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	free(path);
	rc = api_perform(&r, c, api_rancher_describe, "rancher projects",
	    &resp, cause);
	api_req_clear(&r);
	if (rc != 0)
		return (-1);
	rc = backend_rancher_decode_projects(resp.body, resp.len, want, id,
	    cause);
	http_response_clear(&resp);
	return (rc);
}
