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
 * (backend/memo.h).  The requests are built by api/openstack.h.
 *
 * After a good list, at the same pace: GET <compute>/limits and, with
 * [scale] flavor set, GET <compute>/flavors/detail for its size: the
 * quota in the model (struct fleet_quota) that scale out's plan shows.
 * Their failure only leaves the last quota with its age.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/openstack.h"
#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define OS_MAX_PAGES		1000

struct os_poll {
	struct bk_source	*s;
	struct api_os_token	 tok;	/* token (secret), compute */
	bool			 retried;	/* re-auth after a 401 */
	int			 pages;
	struct fleet_openstack_update *acc;
	struct bk_memo		*memo;
	struct fleet_quota	 quota;		/* being fetched */
};

static void	os_auth(struct os_poll *);
static void	os_servers(struct os_poll *, const char *);
static void	os_limits(struct os_poll *);

int
bk_nova_decode_cb(void *arg, int part, const char *body, size_t len,
    char **next, char **cause)
{
	(void)part;
	return (backend_nova_decode(body, len, arg, next, cause));
}

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
	api_os_token_clear(&op->tok);
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

/* "<what>: " + Nova's fault, the token masked. */
static char *
os_describe(struct os_poll *op, const char *what,
    const struct http_response *resp)
{
	struct api_conn	 c = api_openstack_conn(bk_config(op->s));

	c.secret = op->tok.token;
	return (bk_describe_api(what, api_openstack_describe, &c, resp));
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
		cause = os_describe(op, "servers", resp);
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
			cause = os_describe(op, "servers", resp);
		} else {
			d = bk_prefix_status("servers", resp, cause);
			free(cause);
			cause = d;
		}
	} else if (!http_response_ok(resp))
		cause = os_describe(op, "servers", resp);
	if (cause == NULL && next != NULL) {
		if (!bk_same_origin(next, op->tok.compute))
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
		os_limits(op);
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
	os_limits(op);
}

/* The quota's end: into the model when the limits came. */
static void
os_quota_done(struct os_poll *op)
{
	if (op->quota.at != 0)
		fleet_apply_quota(bk_fleet(op->s), &op->quota, op->quota.at);
	op->quota.flavor = NULL;	/* borrowed from the config */
	bk_done(op->s);
}

static void
os_flavor_cb(struct http_response *resp, void *arg)
{
	struct os_poll	*op = arg;
	char		*cause = NULL;

	if (resp->error != NULL || !http_response_ok(resp) ||
	    api_nova_flavor_decode(resp->body != NULL ? resp->body : "",
	    resp->len, op->quota.flavor, &op->quota.flavor_vcpus,
	    &op->quota.flavor_ram_mb, &cause) != 0) {
		log_info("openstack: flavors/detail: %s", cause != NULL ?
		    cause : resp->error != NULL ? resp->error : "failed");
		free(cause);
		op->quota.flavor = NULL;
	}
	os_quota_done(op);
}

static void
os_limits_cb(struct http_response *resp, void *arg)
{
	struct os_poll			*op = arg;
	const struct config		*cfg = bk_config(op->s);
	struct api_nova_limits		 l;
	struct api_conn			 c;
	struct api_req			 r;
	char				*cause = NULL;

	if (resp->error != NULL || !http_response_ok(resp) ||
	    api_nova_limits_decode(resp->body != NULL ? resp->body : "",
	    resp->len, &l, &cause) != 0) {
		log_info("openstack: limits: %s", cause != NULL ? cause :
		    resp->error != NULL ? resp->error : "failed");
		free(cause);
		bk_done(op->s);
		return;
	}
	memset(&op->quota, 0, sizeof op->quota);
	op->quota.at = util_wall_ms();
	op->quota.max_instances = l.max_instances;
	op->quota.instances_used = l.instances_used;
	op->quota.max_cores = l.max_cores;
	op->quota.cores_used = l.cores_used;
	op->quota.max_ram_mb = l.max_ram_mb;
	op->quota.ram_used_mb = l.ram_used_mb;
	op->quota.flavor_vcpus = op->quota.flavor_ram_mb = -1;
	if (cfg->scale.flavor == NULL || *cfg->scale.flavor == '\0') {
		os_quota_done(op);
		return;
	}
	op->quota.flavor = cfg->scale.flavor;
	c = api_openstack_conn(cfg);
	c.timeout_ms = bk_timeout_ms(op->s);
	api_nova_req(&r, &c, &op->tok, NULL, "flavors/detail", NULL, NULL);
	bk_request(op->s, &r.http, os_flavor_cb, op);
	api_req_clear(&r);
}

static void
os_limits(struct os_poll *op)
{
	struct api_conn	 c = api_openstack_conn(bk_config(op->s));
	struct api_req	 r;

	c.timeout_ms = bk_timeout_ms(op->s);
	api_nova_req(&r, &c, &op->tok, NULL, "limits", NULL, NULL);
	bk_request(op->s, &r.http, os_limits_cb, op);
	api_req_clear(&r);
}

static void
os_servers(struct os_poll *op, const char *url)
{
	struct api_conn	 c = api_openstack_conn(bk_config(op->s));
	struct api_req	 r;

	c.timeout_ms = bk_timeout_ms(op->s);
	api_nova_req(&r, &c, &op->tok, NULL, url, NULL, NULL);
	bk_request(op->s, &r.http, os_servers_cb, op);
	api_req_clear(&r);
}

static void
os_list(struct os_poll *op)
{
	char	*url;

	op->acc = xcalloc(1, sizeof *op->acc);
	bk_memo_begin(op->memo, bk_nova_decode_cb, op->acc);
	op->pages = 0;
	url = util_url_join(op->tok.compute, "servers/detail");
	os_servers(op, url);
	free(url);
}

static void
os_auth_cb(struct http_response *resp, void *arg)
{
	struct os_poll		*op = arg;
	struct api_conn		 c;
	char			*cause;

	c = api_openstack_conn(bk_config(op->s));
	if (api_keystone_take(&c, resp, &op->tok, &cause) != 0) {
		os_fail(op, cause);
		free(cause);
		return;
	}
	os_list(op);
}

static void
os_auth(struct os_poll *op)
{
	struct api_conn	 c = api_openstack_conn(bk_config(op->s));
	struct api_req	 r;

	c.timeout_ms = bk_timeout_ms(op->s);
	api_keystone_req(&r, &c);
	bk_request(op->s, &r.http, os_auth_cb, op);
	api_req_clear(&r);
}

static void
os_start(struct bk_source *s, void *arg)
{
	struct os_poll	*op = arg;

	fleet_openstack_update_free(op->acc);
	op->acc = NULL;
	op->retried = false;
	if (api_os_token_valid(&op->tok, util_wall_ms())) {
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
