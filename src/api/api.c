/*
 * api.c: the request and the error description every client shares
 * (see api/api.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "log.h"

#define API_CLEAN_MAX	300

void
api_req_init(struct api_req *r, const struct api_conn *c, const char *method,
    char *url)
{
	memset(r, 0, sizeof *r);
	r->url = url;
	r->http.method = method;
	r->http.url = r->url;
	r->http.headers = r->hv;
	if (c != NULL) {
		r->http.ca_file = c->ca_file;
		r->http.timeout_ms = c->timeout_ms;
	}
}

void
api_req_header(struct api_req *r, const char *fmt, ...)
{
	va_list	 ap;

	if (r->nhdr >= API_REQ_HEADERS)
		fatalx("api: more than %d headers", API_REQ_HEADERS);
	va_start(ap, fmt);
	r->hdr[r->nhdr] = xvasprintf(fmt, ap);
	va_end(ap);
	r->hv[r->nhdr] = r->hdr[r->nhdr];
	r->nhdr++;
	r->hv[r->nhdr] = NULL;
}

void
api_req_basic(struct api_req *r, const char *user, const char *password)
{
	freezero_str(r->user);
	freezero_str(r->password);
	r->user = xstrdup(user);
	r->password = xstrdup(password != NULL ? password : "");
	r->http.user = r->user;
	r->http.password = r->password;
}

void
api_req_body(struct api_req *r, const char *type, const char *body)
{
	freezero_str(r->body);
	r->body = xstrdup(body);
	r->http.body = r->body;
	r->http.bodylen = strlen(r->body);
	if (type != NULL)
		api_req_header(r, "Content-Type: %s", type);
}

void
api_req_json(struct api_req *r, const json_t *body)
{
	char	*s;

	if ((s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		fatalx("api: json_dumps failed");
	api_req_body(r, "application/json", s);
	freezero_str(s);
	api_req_header(r, "Accept: application/json");
}

void
api_req_clear(struct api_req *r)
{
	size_t	 i;

	free(r->url);
	freezero_str(r->body);
	freezero_str(r->user);
	freezero_str(r->password);
	for (i = 0; i < r->nhdr; i++)
		freezero_str(r->hdr[i]);
	memset(r, 0, sizeof *r);
}

/* --- describing answers --------------------------------------------------- */

char *
api_mask(const char *s, const char *secret)
{
	struct buf	 b = { 0 };
	const char	*p, *hit;
	size_t		 n;

	if (secret == NULL || *secret == '\0')
		return (xstrdup(s));
	n = strlen(secret);
	buf_add(&b, "", 0);
	for (p = s; (hit = strstr(p, secret)) != NULL; p = hit + n) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, API_MASK);
	}
	buf_adds(&b, p);
	return (buf_steal(&b));
}

char *
api_clean(const char *s, size_t max)
{
	struct buf		 b = { 0 };
	const unsigned char	*p = (const unsigned char *)s;
	bool			 space = false;

	buf_add(&b, "", 0);
	while (*p != '\0' && (*p <= ' ' || *p == 0x7f))
		p++;
	for (; *p != '\0' && b.len < max; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			space = true;
			continue;
		}
		if (space) {
			/* The blank and what follows it must both fit. */
			if (b.len + 1 >= max)
				break;
			buf_addc(&b, ' ');
		}
		space = false;
		buf_addc(&b, (char)*p);
	}
	/* Do not end in the middle of a UTF-8 sequence. */
	if (*p != '\0') {
		while (b.len > 0 &&
		    ((unsigned char)b.data[b.len - 1] & 0xc0) == 0x80)
			b.len--;
		if (b.len > 0 && ((unsigned char)b.data[b.len - 1] & 0xc0) ==
		    0xc0)
			b.len--;
		b.data[b.len] = '\0';
	}
	return (buf_steal(&b));
}

char *
api_describe(const struct api_conn *c, const struct http_response *resp)
{
	struct http_response	 m;
	char			*d, *s;
	const char		*secret = c != NULL ? c->secret : NULL;

	if (resp->error != NULL) {
		s = api_mask(resp->error, secret);
		d = api_clean(s, API_CLEAN_MAX);
		free(s);
		return (d);
	}
	/* Mask before http_response_describe cuts the body. */
	memset(&m, 0, sizeof m);
	m.status = resp->status;
	if (resp->body != NULL && resp->len > 0) {
		m.body = api_mask(resp->body, secret);
		m.len = strlen(m.body);
	}
	d = http_response_describe(&m);
	freezero_str(m.body);
	return (d);
}

static _Thread_local bool api_transient;
static _Thread_local int api_status;

bool
api_last_transient(void)
{
	return (api_transient);
}

int
api_last_status(void)
{
	return (api_status);
}

int
api_perform(const struct api_req *r, const struct api_conn *c,
    api_describe_fn describe, const char *what, struct http_response *resp,
    char **cause)
{
	char	*d;

	api_transient = false;
	api_status = 0;
	memset(resp, 0, sizeof *resp);
	if (http_perform(&r->http, resp) == 0 && http_response_ok(resp))
		return (0);
	api_transient = http_response_transient(resp);
	api_status = (int)resp->status;
	d = (describe != NULL ? describe : api_describe)(c, resp);
	*cause = xasprintf("%s: %s", what, d);
	free(d);
	http_response_clear(resp);
	return (-1);
}

int
api_call_json(const struct api_req *r, const struct api_conn *c,
    api_describe_fn describe, const char *what, json_t **out, char **cause)
{
	struct http_response	 resp;
	json_error_t		 err;
	char			*d;

	*out = NULL;
	if (api_perform(r, c, describe, what, &resp, cause) != 0)
		return (-1);
	if (resp.body == NULL || resp.len == 0) {
		http_response_clear(&resp);
		return (0);
	}
	*out = json_loadb(resp.body, resp.len, 0, &err);
	if (*out == NULL) {
		d = (describe != NULL ? describe : api_describe)(c, &resp);
		*cause = xasprintf("%s: not JSON (%s): %s", what, err.text, d);
		free(d);
		http_response_clear(&resp);
		return (-1);
	}
	http_response_clear(&resp);
	return (0);
}
