/*
 * openstack-poll.c: Nova servers (apis.md §2).
 *
 * Keystone POST <auth_url>/auth/tokens with the application credential
 * (no scope); the token (X-Subject-Token) and the public compute
 * endpoint of [openstack] region from its catalog are kept until a
 * minute before the token expires, or until Nova answers 401 (then one
 * new token and one retry).  Then GET <compute>/servers/detail,
 * following servers_links rel=next (same origin, bounded).  The token
 * and the credential's secret are zeroed when dropped.  A list whose
 * pages are all the same as the last good one's is not decoded
 * (backend/memo.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define OS_MAX_PAGES		1000
#define OS_TOKEN_MARGIN_MS	60000

struct os_poll {
	struct bk_source	*s;
	char			*token;		/* secret */
	char			*compute;
	int64_t			 expires;	/* wall ms */
	bool			 retried;	/* re-auth after a 401 */
	int			 pages;
	struct fleet_openstack_update *acc;
	struct bk_memo		*memo;
};

static void	os_auth(struct os_poll *);
static void	os_servers(struct os_poll *, const char *);

static bool
os_configured(const struct config *cfg)
{
	return (cfg->openstack.auth_url != NULL &&
	    *cfg->openstack.auth_url != '\0');
}

static int64_t
os_period(int64_t refresh_ms)
{
	return (refresh_ms * 5);
}

static void *
os_new(struct bk_source *s)
{
	struct os_poll	*op;

	op = xcalloc(1, sizeof *op);
	op->s = s;
	op->memo = bk_memo_new(1);
	return (op);
}

static void
os_forget_token(struct os_poll *op)
{
	freezero_str(op->token);
	op->token = NULL;
	free(op->compute);
	op->compute = NULL;
	op->expires = 0;
}

static void
os_free(void *arg)
{
	struct os_poll	*op = arg;

	if (op == NULL)
		return;
	os_forget_token(op);
	fleet_openstack_update_free(op->acc);
	bk_memo_free(op->memo);
	free(op);
}

static void
os_fail(struct os_poll *op, const char *cause)
{
	fleet_openstack_update_free(op->acc);
	op->acc = NULL;
	bk_memo_abort(op->memo);
	bk_failed(op->s, cause);
}

static void
os_servers_cb(struct http_response *resp, void *arg)
{
	struct os_poll			*op = arg;
	struct fleet_openstack_update	*u;
	struct fleet_fetch		 fetch;
	char				*cause = NULL, *next = NULL, *d, *body;
	bool				 same;

	if (resp->status == 401 && !op->retried) {
		op->retried = true;
		os_forget_token(op);
		fleet_openstack_update_free(op->acc);
		op->acc = NULL;
		bk_memo_abort(op->memo);
		os_auth(op);
		return;
	}
	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		cause = bk_describe("servers", resp);
	else if (http_response_ok(resp)) {
		body = resp->body;	/* taken: the memo may hold it */
		resp->body = NULL;
		if (bk_memo_page(op->memo, 0, body, resp->len, &next,
		    &cause) != 0) {
			d = bk_prefix_status("servers", resp, cause);
			free(cause);
			cause = d;
		}
	} else if (backend_nova_decode(resp->body, resp->len, op->acc, &next,
	    &cause) != 0) {
		if (!http_response_ok(resp) &&
		    !bk_is_error_answer(cause)) {
			free(cause);
			cause = bk_describe("servers", resp);
		} else {
			d = bk_prefix_status("servers", resp, cause);
			free(cause);
			cause = d;
		}
	} else if (!http_response_ok(resp))
		cause = bk_describe("servers", resp);
	if (cause == NULL && next != NULL) {
		if (!bk_same_origin(next, op->compute))
			cause = xasprintf("servers: servers_links next leaves "
			    "the compute endpoint: %.100s", next);
		else if (++op->pages >= OS_MAX_PAGES)
			cause = xasprintf("servers: more than %d pages",
			    OS_MAX_PAGES);
		else {
			os_servers(op, next);
			free(next);
			return;
		}
	}
	free(next);
	if (cause == NULL && bk_memo_end(op->memo, &same, &cause) == 0 &&
	    same) {
		fleet_openstack_update_free(op->acc);
		op->acc = NULL;
		fetch = bk_fetch(op->s);
		fleet_touch_source(bk_fleet(op->s), FLEET_SRC_OPENSTACK,
		    &fetch, util_wall_ms());
		bk_done(op->s);
		return;
	}
	if (cause != NULL) {
		os_fail(op, cause);
		free(cause);
		return;
	}
	u = op->acc;
	op->acc = NULL;
	u->fetch = bk_fetch(op->s);
	fleet_apply_openstack(bk_fleet(op->s), u, util_wall_ms());
	bk_done(op->s);
}

static void
os_servers(struct os_poll *op, const char *url)
{
	const struct config	*cfg = bk_config(op->s);
	struct http_req		 req;
	const char		*headers[3];
	char			*tok;

	tok = xasprintf("X-Auth-Token: %s", op->token);
	headers[0] = tok;
	headers[1] = "Accept: application/json";
	headers[2] = NULL;
	memset(&req, 0, sizeof req);
	req.url = url;
	req.headers = headers;
	req.timeout_ms = bk_timeout_ms(op->s);
	req.ca_file = cfg->openstack.ca_file;
	bk_request(op->s, &req, os_servers_cb, op);
	freezero_str(tok);
}

static void
os_list(struct os_poll *op)
{
	char	*url;

	op->acc = xcalloc(1, sizeof *op->acc);
	bk_memo_begin(op->memo, bk_memo_nova_cb, op->acc);
	op->pages = 0;
	url = util_url_join(op->compute, "servers/detail");
	os_servers(op, url);
	free(url);
}

static void
os_auth_cb(struct http_response *resp, void *arg)
{
	struct os_poll		*op = arg;
	const struct config	*cfg = bk_config(op->s);
	const char		*tok;
	char			*cause = NULL, *d;

	tok = http_response_header(resp, "X-Subject-Token");
	if (resp->error != NULL || resp->body == NULL || resp->len == 0)
		cause = bk_describe("keystone", resp);
	else if (backend_keystone_decode(resp->body, resp->len,
	    cfg->openstack.region, "public", &op->compute, &op->expires,
	    &cause) != 0) {
		if (!http_response_ok(resp) &&
		    !bk_is_error_answer(cause)) {
			free(cause);
			cause = bk_describe("keystone", resp);
		} else if (!http_response_ok(resp)) {
			d = xasprintf("HTTP %ld: %s", resp->status, cause);
			free(cause);
			cause = d;
		}
	} else if (!http_response_ok(resp))
		cause = bk_describe("keystone", resp);
	else if (tok == NULL || *tok == '\0')
		cause = xstrdup("keystone: no X-Subject-Token in the answer");
	if (cause != NULL) {
		os_forget_token(op);
		os_fail(op, cause);
		free(cause);
		return;
	}
	op->token = xstrdup(tok);
	os_list(op);
}

static void
os_auth(struct os_poll *op)
{
	const struct config	*cfg = bk_config(op->s);
	struct http_req		 req;
	const char		*headers[] = {
		"Content-Type: application/json",
		"Accept: application/json",
		NULL
	};
	json_t			*j;
	char			*body, *url;
	size_t			 n;

	n = strlen(cfg->openstack.auth_url);
	while (n > 0 && cfg->openstack.auth_url[n - 1] == '/')
		n--;
	if (n >= 3 && strncmp(cfg->openstack.auth_url + n - 3, "/v3", 3) == 0)
		url = xasprintf("%.*s/auth/tokens", (int)n,
		    cfg->openstack.auth_url);
	else
		url = xasprintf("%.*s/v3/auth/tokens", (int)n,
		    cfg->openstack.auth_url);

	j = json_pack("{s:{s:{s:[s],s:{s:s,s:s}}}}", "auth", "identity",
	    "methods", "application_credential", "application_credential",
	    "id", cfg->openstack.application_credential_id != NULL ?
	    cfg->openstack.application_credential_id : "",
	    "secret", cfg->openstack.application_credential_secret != NULL ?
	    cfg->openstack.application_credential_secret : "");
	if (j == NULL)
		fatalx("keystone: json_pack failed");
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (body == NULL)
		fatalx("keystone: json_dumps failed");

	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = url;
	req.body = body;
	req.bodylen = strlen(body);
	req.headers = headers;
	req.timeout_ms = bk_timeout_ms(op->s);
	req.ca_file = cfg->openstack.ca_file;
	bk_request(op->s, &req, os_auth_cb, op);
	explicit_bzero(body, strlen(body));
	free(body);
	free(url);
}

static void
os_start(struct bk_source *s, void *arg)
{
	struct os_poll	*op = arg;

	fleet_openstack_update_free(op->acc);
	op->acc = NULL;
	op->retried = false;
	if (op->token != NULL &&
	    op->expires - OS_TOKEN_MARGIN_MS > util_wall_ms()) {
		os_list(op);
		return;
	}
	os_forget_token(op);
	os_auth(op);
}

const struct bk_ops bk_openstack_ops = {
	FLEET_SRC_OPENSTACK,
	os_configured,
	os_new,
	os_free,
	os_start,
	os_period
};
