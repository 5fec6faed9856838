/*
 * consul.c: the consul client (see api/consul.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/consul.h"
#include "config.h"

struct api_conn
api_consul_conn(const struct config *cfg)
{
	struct api_conn	 c;

	memset(&c, 0, sizeof c);
	c.url = cfg->consul.url;
	c.secret = cfg->consul.token;
	c.ca_file = cfg->consul.ca_file;
	return (c);
}

void
api_consul_req(struct api_req *r, const struct api_conn *c,
    const char *method, const char *path, const char *body)
{
	api_req_init(r, c, method, util_url_join(c->url, path));
	if (c->secret != NULL && *c->secret != '\0')
		api_req_header(r, "X-Consul-Token: %s", c->secret);
	if (body != NULL)
		api_req_body(r, NULL, body);
}

char *
api_consul_kv_path(const char *key, const char *query)
{
	struct buf	 b = { 0 };
	const char	*p, *e;
	char		*seg, *enc;

	buf_adds(&b, "v1/kv/");
	for (p = key; *p != '\0'; p = e) {
		e = p + strcspn(p, "/");
		seg = xstrndup(p, (size_t)(e - p));
		enc = util_urlencode(seg);
		buf_adds(&b, enc);
		free(enc);
		free(seg);
		if (*e == '/')
			buf_addc(&b, *e++);
	}
	if (query != NULL && *query != '\0')
		buf_printf(&b, "?%s", query);
	return (buf_steal(&b));
}

char *
api_consul_describe(const struct api_conn *c,
    const struct http_response *resp)
{
	const char	*hint;
	char		*d, *s;

	d = api_describe(c, resp);
	if (resp->error != NULL || resp->status != 403)
		return (d);
	if (c == NULL || c->secret == NULL || *c->secret == '\0')
		hint = "no [consul] token is set";
	else if (resp->body != NULL && strstr(resp->body, "ACL not found") !=
	    NULL)
		hint = "consul does not know the [consul] token";
	else
		hint = "the [consul] token lacks a permission";
	s = xasprintf("%s (%s)", d, hint);
	free(d);
	return (s);
}

/* --- KV ---------------------------------------------------------------- */

void
api_consul_kv_free(struct api_consul_kv *kv, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		freezero_str(kv[i].value);
		free(kv[i].session);
	}
	free(kv);
}

/* A non-negative integer member (absent: 0). */
static int
kv_uint(const json_t *e, const char *name, uint64_t *v, size_t i,
    char **cause)
{
	const json_t	*j = json_object_get(e, name);

	*v = 0;
	if (j == NULL)
		return (0);
	if (!json_is_integer(j) || json_integer_value(j) < 0) {
		*cause = xasprintf("consul KV: entry %zu: %s is not a "
		    "non-negative integer", i, name);
		return (-1);
	}
	*v = (uint64_t)json_integer_value(j);
	return (0);
}

int
api_consul_kv_decode(const char *body, size_t len,
    struct api_consul_kv **out, size_t *n, char **cause)
{
	struct api_consul_kv	*kv = NULL;
	json_t			*arr, *e, *v;
	json_error_t		 err;
	const char		*key, *s;
	size_t			 i, k = 0;

	*out = NULL;
	*n = 0;
	if ((arr = json_loadb(body, len, 0, &err)) == NULL) {
		*cause = xasprintf("consul KV: not JSON: %s", err.text);
		return (-1);
	}
	if (!json_is_array(arr)) {
		json_decref(arr);
		*cause = xstrdup("consul KV: not a JSON array");
		return (-1);
	}
	kv = xcalloc(json_array_size(arr) + 1, sizeof *kv);
	json_array_foreach(arr, i, e) {
		if (!json_is_object(e) || (key = json_string_value(
		    json_object_get(e, "Key"))) == NULL) {
			*cause = xasprintf("consul KV: entry %zu has no Key",
			    i);
			goto fail;
		}
		kv[k].key = xstrdup(key);
		k++;
		if (kv_uint(e, "Flags", &kv[k - 1].flags, i, cause) != 0 ||
		    kv_uint(e, "ModifyIndex", &kv[k - 1].modify_index, i,
		    cause) != 0)
			goto fail;
		if ((s = json_string_value(json_object_get(e, "Session"))) !=
		    NULL)
			kv[k - 1].session = xstrdup(s);
		v = json_object_get(e, "Value");
		if (v == NULL || json_is_null(v))
			continue;
		if ((s = json_string_value(v)) == NULL ||
		    (kv[k - 1].value = util_base64_decode(s, strlen(s),
		    &kv[k - 1].len)) == NULL) {
			*cause = xasprintf("consul KV: %.100s: Value is not "
			    "base64", key);
			goto fail;
		}
	}
	json_decref(arr);
	*out = kv;
	*n = k;
	return (0);
fail:
	json_decref(arr);
	api_consul_kv_free(kv, k);
	return (-1);
}

int
api_consul_kv_list(const struct api_conn *c, const char *prefix,
    struct api_consul_kv **kv, size_t *n, char **cause)
{
	struct api_req		 r;
	struct http_response	 resp;
	char			*path, *d;
	int			 rc = -1;

	*kv = NULL;
	*n = 0;
	path = api_consul_kv_path(prefix, "recurse");
	api_consul_req(&r, c, NULL, path, NULL);
	memset(&resp, 0, sizeof resp);
	if (http_perform(&r.http, &resp) == 0 && resp.status == 404)
		rc = 0;		/* nothing under the prefix */
	else if (resp.error == NULL && http_response_ok(&resp))
		rc = api_consul_kv_decode(resp.body != NULL ? resp.body : "",
		    resp.len, kv, n, cause);
	else {
		d = api_consul_describe(c, &resp);
		*cause = xasprintf("consul GET /%s: %s", path, d);
		free(d);
	}
	http_response_clear(&resp);
	api_req_clear(&r);
	free(path);
	return (rc);
}
