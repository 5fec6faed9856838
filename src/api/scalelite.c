/*
 * scalelite.c: the scalelite client (see api/scalelite.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/scalelite.h"
#include "config.h"

#define SL_API_PATH	"/bigbluebutton/api"

struct api_conn
api_scalelite_conn(const struct config *cfg)
{
	struct api_conn	 c;

	memset(&c, 0, sizeof c);
	c.url = cfg->scalelite.url;
	c.secret = cfg->scalelite.secret;
	c.ca_file = cfg->scalelite.ca_file;
	return (c);
}

char *
api_scalelite_base(const char *url)
{
	size_t	 n, k = strlen(SL_API_PATH);

	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n >= k && strncmp(url + n - k, SL_API_PATH, k) == 0)
		n -= k;
	return (xstrndup(url, n));
}

char *
api_scalelite_bbb_api(const char *url)
{
	char	*base, *api;

	base = api_scalelite_base(url);
	api = xasprintf("%s%s", base, SL_API_PATH);
	free(base);
	return (api);
}

void
api_scalelite_checksum(const char *call, const char *query,
    const char *secret, char out[65])
{
	char	*in;

	in = xasprintf("%s%s%s", call, query != NULL ? query : "",
	    secret != NULL ? secret : "");
	util_sha256_hex(in, out);
	freezero_str(in);
}

char *
api_bbb_url(const char *api, const char *call, const char *query,
    const char *secret)
{
	char	*path, *url, sum[65];

	if (query == NULL)
		query = "";
	api_scalelite_checksum(call, query, secret, sum);
	path = xasprintf("%s?%s%schecksum=%s", call, query,
	    *query != '\0' ? "&" : "", sum);
	url = util_url_join(api, path);
	free(path);
	return (url);
}

void
api_scalelite_bbb(struct api_req *r, const struct api_conn *c,
    const char *call, const char *query)
{
	char	*api;

	api = api_scalelite_bbb_api(c->url);
	api_req_init(r, c, NULL, api_bbb_url(api, call, query, c->secret));
	free(api);
}

void
api_scalelite_health(struct api_req *r, const struct api_conn *c)
{
	char	*base;

	base = api_scalelite_base(c->url);
	api_req_init(r, c, NULL, xasprintf("%s/health_check", base));
	free(base);
}

void
api_scalelite_admin(struct api_req *r, const struct api_conn *c,
    const char *action, const char *id, const json_t *body)
{
	char	*base, *api, *query, *enc;

	if (id != NULL) {
		enc = util_urlencode(id);
		query = xasprintf("id=%s", enc);
		free(enc);
	} else
		query = xstrdup("");
	base = api_scalelite_base(c->url);
	api = xasprintf("%s/scalelite/api", base);
	api_req_init(r, c, body != NULL ? "POST" : NULL,
	    api_bbb_url(api, action, query, c->secret));
	if (body != NULL)
		api_req_json(r, body);
	else
		api_req_header(r, "Accept: application/json");
	free(api);
	free(base);
	free(query);
}

/* The text of <name>...</name> in body, or NULL; allocated. */
static char *
sl_xml_text(const char *body, const char *name)
{
	const char	*s, *e;
	char		*open, *close, *t;

	open = xasprintf("<%s>", name);
	close = xasprintf("</%s>", name);
	t = NULL;
	if ((s = strstr(body, open)) != NULL &&
	    (e = strstr(s, close)) != NULL) {
		s += strlen(open);
		t = xstrndup(s, (size_t)(e - s));
	}
	free(close);
	free(open);
	return (t);
}

/* The BBB-style XML error answer. */
static char *
sl_describe_xml(const struct http_response *resp, const char *body)
{
	char	*key, *msg, *s, *d;

	if ((key = sl_xml_text(body, "messageKey")) == NULL) {
		if (!http_response_ok(resp))
			return (xasprintf("HTTP %ld (an HTML or XML error "
			    "page)", resp->status));
		return (xstrdup("an XML answer without messageKey"));
	}
	if (strcmp(key, "unsupportedRequest") == 0) {
		free(key);
		return (xstrdup("unsupportedRequest: this scalelite has no "
		    "admin API (< 1.5.1)"));
	}
	if (strcmp(key, "checksumError") == 0) {
		free(key);
		return (xstrdup("checksumError: the [scalelite] secret is not "
		    "scalelite's LOADBALANCER_SECRET"));
	}
	msg = sl_xml_text(body, "message");
	s = msg != NULL ? xasprintf("%s: %s", key, msg) : xstrdup(key);
	free(msg);
	free(key);
	d = api_clean(s, 300);
	free(s);
	return (d);
}

char *
api_scalelite_describe(const struct api_conn *c,
    const struct http_response *resp)
{
	json_t		*o;
	json_error_t	 err;
	const char	*e;
	char		*body, *s, *d;

	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		return (api_describe(c, resp));
	body = api_mask(resp->body, c != NULL ? c->secret : NULL);
	if (body[strspn(body, " \t\r\n")] == '<') {
		d = sl_describe_xml(resp, body);
		freezero_str(body);
		return (d);
	}
	d = NULL;
	o = json_loads(body, 0, &err);
	if (!http_response_ok(resp) &&
	    (e = json_string_value(json_object_get(o, "error"))) != NULL) {
		s = api_clean(e, 200);
		d = xasprintf("HTTP %ld: %s", resp->status, s);
		free(s);
	}
	json_decref(o);
	freezero_str(body);
	return (d != NULL ? d : api_describe(c, resp));
}

int
api_scalelite_call(const struct api_conn *c, const char *action,
    const char *id, const json_t *body, json_t **out, char **cause)
{
	struct api_req		 r;
	struct http_response	 resp;
	json_error_t		 err;
	char			*what, *d;
	int			 rc = -1;

	*out = NULL;
	what = xasprintf("scalelite %s", action);
	api_scalelite_admin(&r, c, action, id, body);
	if (r.http.timeout_ms == 0)
		r.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	if (api_perform(&r, c, api_scalelite_describe, what, &resp,
	    cause) != 0)
		goto out;
	if (resp.body != NULL &&
	    resp.body[strspn(resp.body, " \t\r\n")] == '<') {
		/* scalelite answers its errors in XML with HTTP 200 */
		d = api_scalelite_describe(c, &resp);
		*cause = xasprintf("%s: %s", what, d);
		free(d);
	} else if (resp.len > 0 &&
	    (*out = json_loadb(resp.body, resp.len, 0, &err)) == NULL)
		*cause = xasprintf("%s: not JSON: %s", what, err.text);
	else
		rc = 0;
	http_response_clear(&resp);
out:
	api_req_clear(&r);
	free(what);
	return (rc);
}
