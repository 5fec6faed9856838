/*
 * test-backend-poll.c: the backends' transport against a fake server on
 * 127.0.0.1 (libmicrohttpd): Keystone token reuse and re-auth on 401,
 * Nova pages, Rancher pages and a next link to another origin, consul
 * index reset and its rate limit, scalelite's checksum, backoff and its
 * early end once another source shows the network works; answers that did
 * not change are not applied again (backend/memo.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/poll.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "util.h"

static struct MHD_Daemon	*srv;
static unsigned short		 port;
static pthread_mutex_t		 mtx = PTHREAD_MUTEX_INITIALIZER;

/* server state, under mtx */
static int	 tokens_issued;
static int	 token_valid;		/* number of the valid token */
static bool	 revoke_once;		/* next servers call: 401 */
static int	 nova_calls;
static int	 consul_calls;
static int	 consul_index_seen[64];	/* index= per call, -1 none */
static int	 consul_answer_index;	/* what to answer */
static bool	 rancher_foreign_next;
static const char *rancher_host2_state = "active";
static int	 rancher_calls;
static int	 sl_checksum_ok;
static int	 sl_checksum_bad;
static char	 sl_expect[65];
static unsigned short	 tls_port;	/* the TLS "BBB node", or 0 */
static int	 node_calls;
static bool	 sl_extra_meeting;	/* scalelite lists m2, no node has it */
static bool	 consul_cut;		/* consul: connections closed unanswered */
static int	 auth_calls;		/* POST /v3/auth/tokens */

struct upload {
	struct buf	 body;
};

static void
srv_completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct upload	*u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u != NULL) {
		buf_free(&u->body);
		free(u);
	}
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int status, const char *hname,
    const char *hval, char *body)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (hname != NULL)
		MHD_add_response_header(r, hname, hval);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return (ret);
}

static const char *
arg(struct MHD_Connection *c, const char *name)
{
	return (MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name));
}

static enum MHD_Result
handler_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct upload	*u = *con_cls;
	const char	*h, *v;
	char		 tok[32], tok_sum[65], *body;
	int		 n;
	enum MHD_Result	 ret;

	(void)cls;
	(void)version;
	if (u == NULL) {
		pthread_mutex_lock(&mtx);
		n = consul_cut && strcmp(url, "/v1/health/service/bbb") == 0;
		pthread_mutex_unlock(&mtx);
		if (n)
			return (MHD_NO);	/* closed without an answer */
		*con_cls = xcalloc(1, sizeof *u);
		return (MHD_YES);
	}
	if (*upload_data_size != 0) {
		buf_add(&u->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return (MHD_YES);
	}
	pthread_mutex_lock(&mtx);
	if (strcmp(url, "/v3/auth/tokens") == 0 &&
	    strcmp(method, "POST") == 0) {
		auth_calls++;
		if (u->body.data == NULL || strstr(u->body.data,
		    "\"secret\":\"os-secret\"") == NULL) {
			ret = reply(c, 401, NULL, NULL, xstrdup("{\"error\":"
			    "{\"code\":401,\"title\":\"Unauthorized\","
			    "\"message\":\"bad credential\"}}"));
			goto out;
		}
		n = ++tokens_issued;
		token_valid = n;
		snprintf(tok, sizeof tok, "tok-%d", n);
		body = xasprintf("{\"token\":{\"expires_at\":"
		    "\"2099-01-01T00:00:00.000000Z\",\"catalog\":[{\"type\":"
		    "\"compute\",\"name\":\"nova\",\"endpoints\":[{"
		    "\"interface\":\"public\",\"region_id\":\"RegionOne\","
		    "\"url\":\"http://127.0.0.1:%u/compute/v2.1\"}]}]}}", port);
		ret = reply(c, 201, "X-Subject-Token", tok, body);
		goto out;
	}
	if (strcmp(url, "/compute/v2.1/servers/detail") == 0) {
		nova_calls++;
		h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "X-Auth-Token");
		snprintf(tok, sizeof tok, "tok-%d", token_valid);
		if (h == NULL || strcmp(h, tok) != 0 || revoke_once) {
			revoke_once = false;
			token_valid = -1;
			ret = reply(c, 401, NULL, NULL, xstrdup(
			    "{\"unauthorized\":{\"code\":401,"
			    "\"message\":\"expired\"}}"));
			goto out;
		}
		if (arg(c, "marker") == NULL)
			body = xasprintf("{\"servers\":[{\"id\":\"a\",\"name\":"
			    "\"bbb-01\",\"status\":\"ACTIVE\"},{\"id\":\"b\","
			    "\"name\":\"bbb-02\",\"status\":\"BUILD\"}],"
			    "\"servers_links\":[{\"rel\":\"next\",\"href\":"
			    "\"http://127.0.0.1:%u/compute/v2.1/servers/detail"
			    "?marker=b\"}]}", port);
		else
			body = xstrdup("{\"servers\":[{\"id\":\"c\",\"name\":"
			    "\"bbb-03\",\"status\":\"SHUTOFF\"}]}");
		ret = reply(c, 200, NULL, NULL, body);
		goto out;
	}
	if (strcmp(url, "/v1/health/service/bbb") == 0) {
		v = arg(c, "index");
		if (consul_calls < (int)nitems(consul_index_seen))
			consul_index_seen[consul_calls] = v != NULL ?
			    (int)strtol(v, NULL, 10) : -1;
		consul_calls++;
		snprintf(tok, sizeof tok, "%d", consul_answer_index);
		ret = reply(c, 200, "X-Consul-Index", tok, xstrdup("[{\"Node\":"
		    "{\"Node\":\"bbb-01\",\"Address\":\"10.0.0.1\"},"
		    "\"Checks\":[]}]"));
		goto out;
	}
	if (strncmp(url, "/echo/", 6) == 0) {
		/* an error page that echoes what it was given */
		h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "X-Consul-Token");
		if (strncmp(url, "/echo/v1/", 9) == 0)
			ret = reply(c, 403, NULL, NULL, xasprintf("proxy "
			    "refused %s with token %s", url,
			    h != NULL ? h : "-"));
		else	/* Rancher's own error object, quoting the key */
			ret = reply(c, 401, NULL, NULL, xstrdup("{\"type\":"
			    "\"error\",\"status\":401,\"code\":"
			    "\"Unauthorized\",\"message\":\"bad key "
			    "ak:sk-echo-secret\"}"));
		goto out;
	}
	if (strcmp(url, "/v2-beta/projects") == 0) {
		ret = reply(c, 200, NULL, NULL, xstrdup("{\"type\":"
		    "\"collection\",\"data\":[{\"id\":\"1a5\",\"name\":"
		    "\"Default\",\"state\":\"active\"}]}"));
		goto out;
	}
	if (strncmp(url, "/v2-beta/projects/1a5/", 22) == 0) {
		rancher_calls++;
		if (strcmp(url + 22, "hosts") == 0 &&
		    arg(c, "marker") == NULL)
			body = xasprintf("{\"type\":\"collection\",\"data\":"
			    "[{\"id\":\"1h1\",\"hostname\":\"bbb-01\","
			    "\"state\":\"active\"}],\"pagination\":{"
			    "\"partial\":true,\"next\":\"http://%s:%u/v2-beta/"
			    "projects/1a5/hosts?marker=m1\"}}",
			    rancher_foreign_next ? "localhost" : "127.0.0.1",
			    port);
		else if (strcmp(url + 22, "hosts") == 0)
			body = xasprintf("{\"type\":\"collection\",\"data\":"
			    "[{\"id\":\"1h2\",\"hostname\":\"bbb-02\","
			    "\"state\":\"%s\","
			    "\"agentState\":\"disconnected\"}]}",
			    rancher_host2_state);
		else
			body = xstrdup("{\"type\":\"collection\",\"data\":[]}");
		ret = reply(c, 200, NULL, NULL, body);
		goto out;
	}
	if (strcmp(url, "/scalelite/api/getServers") == 0) {
		v = arg(c, "checksum");
		if (v != NULL && strcmp(v, sl_expect) == 0) {
			sl_checksum_ok++;
			body = tls_port == 0 ? xstrdup("[]") : xasprintf("[{"
			    "\"id\":\"n1\",\"url\":\"https://127.0.0.1:%u/"
			    "bigbluebutton/api/\",\"secret\":\"node-secret\","
			    "\"state\":\"enabled\",\"load\":1,"
			    "\"load_multiplier\":\"1.0\",\"online\":"
			    "\"online\"}]", tls_port);
			ret = reply(c, 200, NULL, NULL, body);
		} else {
			sl_checksum_bad++;
			ret = reply(c, 200, NULL, NULL, xstrdup("<response>"
			    "<returncode>FAILED</returncode><messageKey>"
			    "checksumError</messageKey></response>"));
		}
		goto out;
	}
	if (strcmp(url, "/bigbluebutton/api/getMeetings") == 0) {
		v = arg(c, "checksum");
		if (cls != NULL) {
			/* the node: its own secret */
			node_calls++;
			util_sha256_hex("getMeetingsnode-secret", tok_sum);
			if (v == NULL || strcmp(v, tok_sum) != 0) {
				ret = reply(c, 200, NULL, NULL, xstrdup(
				    "<response><returncode>FAILED</returncode>"
				    "<messageKey>checksumError</messageKey>"
				    "</response>"));
				goto out;
			}
		}
		ret = reply(c, 200, NULL, NULL, xasprintf("<response>"
		    "<returncode>SUCCESS</returncode><meetings><meeting>"
		    "<meetingID>m1</meetingID><participantCount>4"
		    "</participantCount></meeting>%s</meetings></response>",
		    cls == NULL && sl_extra_meeting ? "<meeting><meetingID>m2"
		    "</meetingID></meeting>" : ""));
		goto out;
	}
	ret = reply(c, 404, NULL, NULL, xstrdup("not here"));
out:
	pthread_mutex_unlock(&mtx);
	return (ret);
}

/* The fake server on 127.0.0.1:p (0: any port). */
static struct MHD_Daemon *
srv_start(unsigned short p)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(p);
	return (MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler_cb, NULL,
	    MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_NOTIFY_COMPLETED, srv_completed_cb, NULL,
	    MHD_OPTION_END));
}

/* A loopback port nothing listens on (connections are refused). */
static unsigned short
closed_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (0);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return (0);
	}
	close(fd);
	return (ntohs(sin.sin_port));
}

static int
setup(void **state)
{
	const union MHD_DaemonInfo	*info;

	(void)state;
	srv = srv_start(0);
	if (srv == NULL)
		return (-1);
	info = MHD_get_daemon_info(srv, MHD_DAEMON_INFO_BIND_PORT);
	port = info->port;
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	MHD_stop_daemon(srv);
	return (0);
}

struct rig {
	struct config	*cfg;
	struct loop	*loop;
	struct http	*http;
	struct fleet	*fleet;
	struct backends	*b;
	int		 changes;
	bool		 meetings;
};

static void
change_cb(void *arg)
{
	struct rig	*r = arg;

	r->changes++;
}

static void
rig_start(struct rig *r)
{
	r->loop = loop_new();
	r->http = http_new(r->loop);
	r->fleet = fleet_new("test");
	r->b = backends_new(r->loop, r->http, r->cfg, r->fleet);
	backends_on_change(r->b, change_cb, r);
	backends_want_meetings(r->b, r->meetings);
	backends_start(r->b);
}

static void
rig_free(struct rig *r)
{
	backends_free(r->b);
	fleet_free(r->fleet);
	http_free(r->http);
	loop_free(r->loop);
	config_free(r->cfg);
}

/* Run the loop until pred holds or ms pass; true if it held. */
static bool
run_until(struct rig *r, bool (*pred)(struct rig *), int64_t ms)
{
	int64_t	 end = util_mono_ms() + ms;

	while (util_mono_ms() < end) {
		if (pred != NULL && pred(r))
			return (true);
		loop_run_once(r->loop, 20);
	}
	return (pred != NULL && pred(r));
}

static char *
srv_url(const char *path)
{
	return (xasprintf("http://127.0.0.1:%u%s", port, path));
}

static bool
os_ok(struct rig *r)
{
	return (r->fleet->sources[FLEET_SRC_OPENSTACK].state == FLEET_SRC_OK);
}

/* OpenStack answered and the change was notified (the notice may come
 * after the limits read that follows the server list). */
static bool
os_ok_notified(struct rig *r)
{
	return (os_ok(r) && r->changes > 0);
}

static bool
os_failed(struct rig *r)
{
	return (r->fleet->sources[FLEET_SRC_OPENSTACK].state ==
	    FLEET_SRC_FAILED);
}

static void
test_openstack(void **state)
{
	struct rig	 r = { 0 };
	int		 calls, calls2, tokens;

	(void)state;
	r.cfg = config_new();
	r.cfg->openstack.auth_url = srv_url("/v3/");
	r.cfg->openstack.application_credential_id = xstrdup("cred");
	r.cfg->openstack.application_credential_secret =
	    xstrdup("os-secret");
	r.cfg->openstack.region = xstrdup("RegionOne");
	r.cfg->ui.refresh_ms = 250;	/* period 1.25 s */
	pthread_mutex_lock(&mtx);
	tokens_issued = nova_calls = 0;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, os_ok_notified, 10000));
	/* both pages */
	assert_int_equal(r.fleet->nvms, 3);
	pthread_mutex_lock(&mtx);
	tokens = tokens_issued;
	calls = nova_calls;
	pthread_mutex_unlock(&mtx);
	assert_int_equal(tokens, 1);
	assert_int_equal(calls, 2);

	/* the token is reused for the next refresh */
	run_until(&r, NULL, 1600);
	pthread_mutex_lock(&mtx);
	tokens = tokens_issued;
	calls = nova_calls;
	/* a 401 gets one new token and the refresh still succeeds */
	revoke_once = true;
	pthread_mutex_unlock(&mtx);
	assert_int_equal(tokens, 1);
	assert_true(calls >= 4);
	run_until(&r, NULL, 1600);
	pthread_mutex_lock(&mtx);
	tokens = tokens_issued;
	calls2 = nova_calls;
	pthread_mutex_unlock(&mtx);
	assert_int_equal(tokens, 2);
	assert_true(calls2 >= calls + 3);
	assert_int_equal(r.fleet->sources[FLEET_SRC_OPENSTACK].state,
	    FLEET_SRC_OK);
	rig_free(&r);
}

static void
test_openstack_bad_credential(void **state)
{
	struct rig	 r = { 0 };
	const char	*cause;

	(void)state;
	r.cfg = config_new();
	r.cfg->openstack.auth_url = srv_url("");
	r.cfg->openstack.application_credential_id = xstrdup("cred");
	r.cfg->openstack.application_credential_secret = xstrdup("wrong");
	rig_start(&r);
	assert_true(run_until(&r, os_failed, 10000));
	cause = r.fleet->sources[FLEET_SRC_OPENSTACK].cause;
	assert_non_null(cause);
	assert_string_equal(cause, "HTTP 401: keystone: 401 Unauthorized: "
	    "bad credential");
	assert_null(strstr(cause, "wrong"));
	assert_true(backends_settled(r.b));
	/* its back-off is published: the next try is in the future */
	assert_true(r.fleet->sources[FLEET_SRC_OPENSTACK].next_try >
	    r.fleet->sources[FLEET_SRC_OPENSTACK].last_try);
	rig_free(&r);
}

static bool
rancher_done(struct rig *r)
{
	return (r->fleet->sources[FLEET_SRC_RANCHER].state !=
	    FLEET_SRC_PENDING);
}

static void
test_rancher_pages(void **state)
{
	struct rig	 r = { 0 };
	size_t		 i;
	bool		 found = false;

	(void)state;
	r.cfg = config_new();
	r.cfg->rancher.url = srv_url("/");
	r.cfg->rancher.access_key = xstrdup("ak");
	r.cfg->rancher.secret_key = xstrdup("sk");
	pthread_mutex_lock(&mtx);
	rancher_foreign_next = false;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, rancher_done, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_RANCHER].state,
	    FLEET_SRC_OK);
	assert_int_equal(r.fleet->nhosts, 2);
	for (i = 0; i < r.fleet->nhosts; i++) {
		if (strcmp(r.fleet->hosts[i]->rancher_id, "1h2") == 0) {
			assert_string_equal(r.fleet->hosts[i]->state,
			    "disconnected");
			found = true;
		}
	}
	assert_true(found);
	rig_free(&r);

	/* a next link to another origin is refused (credentials) */
	memset(&r, 0, sizeof r);
	r.cfg = config_new();
	r.cfg->rancher.url = srv_url("/v2-beta");
	pthread_mutex_lock(&mtx);
	rancher_foreign_next = true;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, rancher_done, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_RANCHER].state,
	    FLEET_SRC_FAILED);
	assert_non_null(strstr(r.fleet->sources[FLEET_SRC_RANCHER].cause,
	    "hosts: pagination.next leaves the server"));
	rig_free(&r);
}

static bool
rancher_consul_done(struct rig *r)
{
	return (rancher_done(r) && r->fleet->sources[FLEET_SRC_CONSUL].state
	    != FLEET_SRC_PENDING);
}

/* Error answers that echo a secret: the causes never hold it. */
static void
test_error_echoes_no_secret(void **state)
{
	struct rig	 r = { 0 };
	const char	*cause;

	(void)state;
	r.cfg = config_new();
	r.cfg->rancher.url = srv_url("/echo");
	r.cfg->rancher.access_key = xstrdup("ak");
	r.cfg->rancher.secret_key = xstrdup("sk-echo-secret");
	r.cfg->consul.url = srv_url("/echo");
	r.cfg->consul.token = xstrdup("tok-echo-secret");
	rig_start(&r);
	assert_true(run_until(&r, rancher_consul_done, 10000));
	cause = r.fleet->sources[FLEET_SRC_RANCHER].cause;
	assert_non_null(cause);
	assert_non_null(strstr(cause, "401"));
	assert_non_null(strstr(cause, "bad key ak:"));
	assert_null(strstr(cause, "sk-echo-secret"));
	cause = r.fleet->sources[FLEET_SRC_CONSUL].cause;
	assert_non_null(cause);
	assert_non_null(strstr(cause, "HTTP 403: proxy refused"));
	assert_null(strstr(cause, "tok-echo-secret"));
	rig_free(&r);
}

static int
rancher_calls_now(void)
{
	int	 n;

	pthread_mutex_lock(&mtx);
	n = rancher_calls;
	pthread_mutex_unlock(&mtx);
	return (n);
}

/*
 * The same answers again: Rancher and OpenStack are fresh (last_ok
 * moves, the nodes' data counts as fresh) but nothing is applied (the
 * version stays); a changed answer is applied.
 */
static void
test_unchanged_answers(void **state)
{
	struct rig	 r = { 0 };
	const struct fleet_host *h;
	int64_t		 ok_r, ok_o;
	uint64_t	 v;
	int		 calls;
	size_t		 i;

	(void)state;
	r.cfg = config_new();
	r.cfg->rancher.url = srv_url("/");
	r.cfg->openstack.auth_url = srv_url("/v3/");
	r.cfg->openstack.application_credential_id = xstrdup("cred");
	r.cfg->openstack.application_credential_secret =
	    xstrdup("os-secret");
	r.cfg->ui.refresh_ms = 250;	/* period 1.25 s */
	pthread_mutex_lock(&mtx);
	rancher_foreign_next = false;
	rancher_host2_state = "active";
	revoke_once = false;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, os_ok, 10000));
	assert_true(run_until(&r, rancher_done, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_RANCHER].state,
	    FLEET_SRC_OK);
	assert_int_equal(r.fleet->nhosts, 2);
	assert_int_equal(r.fleet->nvms, 3);
	v = r.fleet->version;
	ok_r = r.fleet->sources[FLEET_SRC_RANCHER].last_ok;
	ok_o = r.fleet->sources[FLEET_SRC_OPENSTACK].last_ok;
	calls = rancher_calls_now();

	/* A refresh or two later: asked again, the same answers. */
	run_until(&r, NULL, 2800);
	assert_true(rancher_calls_now() >= calls + 4);
	assert_true(r.fleet->sources[FLEET_SRC_RANCHER].last_ok > ok_r);
	assert_true(r.fleet->sources[FLEET_SRC_OPENSTACK].last_ok > ok_o);
	assert_int_equal(r.fleet->sources[FLEET_SRC_RANCHER].state,
	    FLEET_SRC_OK);
	assert_int_equal(r.fleet->version, v);
	for (i = 0; i < r.fleet->nhosts; i++) {
		h = r.fleet->hosts[i];
		if (strcmp(h->rancher_id, "1h2") == 0)
			assert_string_equal(h->state, "disconnected");
	}

	/* One host's state changes: applied, the version moves. */
	pthread_mutex_lock(&mtx);
	rancher_host2_state = "reconnecting";
	pthread_mutex_unlock(&mtx);
	run_until(&r, NULL, 2800);
	assert_true(r.fleet->version > v);
	for (i = 0; i < r.fleet->nhosts; i++) {
		h = r.fleet->hosts[i];
		if (strcmp(h->rancher_id, "1h2") == 0)
			assert_string_equal(h->state, "reconnecting");
	}
	assert_int_equal(r.fleet->nhosts, 2);
	pthread_mutex_lock(&mtx);
	rancher_host2_state = "active";
	pthread_mutex_unlock(&mtx);
	rig_free(&r);
}

static bool
consul_calls_ge(int n)
{
	int	 c;

	pthread_mutex_lock(&mtx);
	c = consul_calls;
	pthread_mutex_unlock(&mtx);
	return (c >= n);
}

static bool
consul_3(struct rig *r)
{
	(void)r;
	return (consul_calls_ge(3));
}

static void
test_consul_index(void **state)
{
	struct rig	 r = { 0 };
	int		 n, calls, seen[nitems(consul_index_seen)];

	(void)state;
	r.cfg = config_new();
	r.cfg->consul.url = srv_url("");
	pthread_mutex_lock(&mtx);
	consul_calls = 0;
	consul_answer_index = 10;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, consul_3, 5000));
	pthread_mutex_lock(&mtx);
	memcpy(seen, consul_index_seen, sizeof seen);
	n = consul_calls;
	consul_answer_index = 5;	/* goes backwards */
	pthread_mutex_unlock(&mtx);
	/* first without index, then blocking on the index answered */
	assert_int_equal(seen[0], -1);
	assert_int_equal(seen[1], 10);
	assert_int_equal(seen[2], 10);
	run_until(&r, NULL, 1000);
	pthread_mutex_lock(&mtx);
	memcpy(seen, consul_index_seen, sizeof seen);
	calls = consul_calls;
	pthread_mutex_unlock(&mtx);
	/*
	 * The fake answers at once: the rate limit (250 ms between
	 * starts) allows about 4 calls a second, never a hot loop.
	 */
	assert_true(calls - n <= 6);
	assert_true(calls - n >= 3);
	/* after the index went back: one call without index, then 5 */
	assert_int_equal(seen[n], 10);
	assert_int_equal(seen[n + 1], -1);
	assert_int_equal(seen[n + 2], 5);
	assert_int_equal(r.fleet->sources[FLEET_SRC_CONSUL].state,
	    FLEET_SRC_OK);
	assert_int_equal(r.fleet->nnodes, 1);
	rig_free(&r);
}

static bool
sl_done(struct rig *r)
{
	return (r->fleet->sources[FLEET_SRC_SCALELITE].state !=
	    FLEET_SRC_PENDING);
}

static void
test_scalelite_checksum(void **state)
{
	struct rig	 r = { 0 };
	int		 ok, bad;

	(void)state;
	/* SHA-256("getServers" + "" + secret), scalelite-bbb.md 1.4 */
	util_sha256_hex("getServerssl-secret", sl_expect);
	r.cfg = config_new();
	r.cfg->scalelite.url = srv_url("/bigbluebutton/api/");
	r.cfg->scalelite.secret = xstrdup("sl-secret");
	rig_start(&r);
	assert_true(run_until(&r, sl_done, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_OK);
	pthread_mutex_lock(&mtx);
	ok = sl_checksum_ok;
	bad = sl_checksum_bad;
	pthread_mutex_unlock(&mtx);
	assert_int_equal(ok, 1);
	assert_int_equal(bad, 0);
	rig_free(&r);

	memset(&r, 0, sizeof r);
	r.cfg = config_new();
	r.cfg->scalelite.url = srv_url("");
	r.cfg->scalelite.secret = xstrdup("not-it");
	rig_start(&r);
	assert_true(run_until(&r, sl_done, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_FAILED);
	assert_non_null(strstr(r.fleet->sources[FLEET_SRC_SCALELITE].cause,
	    "checksumError"));
	rig_free(&r);
}

static char *
tls_make(const char *dir)
{
	char	*cmd, *pem;
	int	 rc;

	pem = xasprintf("%s/node.pem", dir);
	cmd = xasprintf("openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "
	    "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
	    "-keyout %s/node.key -out %s >/dev/null 2>&1", dir, pem);
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		free(pem);
		return (NULL);
	}
	return (pem);
}

static char *
slurp(const char *path)
{
	struct buf	 b = { 0 };
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return (buf_steal(&b));
}

static bool
meeting_placed(struct rig *r)
{
	return (r->fleet->nmeetings == 1 &&
	    r->fleet->meetings[0]->node_key != NULL);
}

static bool
two_meetings(struct rig *r)
{
	return (r->fleet->nmeetings == 2);
}

static void
test_scalelite_node_tls(void **state)
{
	struct sockaddr_in		 sin;
	const union MHD_DaemonInfo	*info;
	struct MHD_Daemon		*node;
	struct rig			 r = { 0 };
	const struct fleet_node		*n;
	char				 dir[4096];
	char				*pem, *key, *cert, *kpath;
	int64_t				 now = util_wall_ms();
	int				 calls;

	(void)state;
	snprintf(dir, sizeof dir, "%s/bbbctl-test-XXXXXX", util_tmpdir());
	if (mkdtemp(dir) == NULL || (pem = tls_make(dir)) == NULL) {
		print_message("# SKIP: openssl could not make a certificate\n");
		return;
	}
	kpath = xasprintf("%s/node.key", dir);
	key = slurp(kpath);
	cert = slurp(pem);
	assert_non_null(key);
	assert_non_null(cert);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	node = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_TLS, 0, NULL, NULL,
	    handler_cb, (void *)1, MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_NOTIFY_COMPLETED, srv_completed_cb, NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
	    MHD_OPTION_END);
	assert_non_null(node);
	info = MHD_get_daemon_info(node, MHD_DAEMON_INFO_BIND_PORT);
	pthread_mutex_lock(&mtx);
	tls_port = info->port;
	node_calls = 0;
	pthread_mutex_unlock(&mtx);

	util_sha256_hex("getServerssl-secret", sl_expect);
	r.cfg = config_new();
	r.cfg->scalelite.url = srv_url("");
	r.cfg->scalelite.secret = xstrdup("sl-secret");
	r.cfg->scalelite.ca_file = xstrdup(pem);
	r.meetings = true;
	r.cfg->ui.refresh_ms = 250;
	rig_start(&r);
	assert_true(run_until(&r, meeting_placed, 10000));
	/* the node answered with its own checksum; its certificate */
	n = fleet_node_by_key(r.fleet, r.fleet->meetings[0]->node_key);
	assert_non_null(n);
	assert_true(n->cert_expiry > now + 29LL * 86400 * 1000);
	assert_true(n->cert_expiry < now + 31LL * 86400 * 1000);

	/*
	 * A meeting no node reports (a new one, say) does not make every
	 * node be asked again at every refresh: without a Prometheus
	 * count that moved, it waits for the next full round.
	 */
	pthread_mutex_lock(&mtx);
	sl_extra_meeting = true;
	calls = node_calls;
	pthread_mutex_unlock(&mtx);
	assert_true(run_until(&r, two_meetings, 10000));
	run_until(&r, NULL, 1500);	/* six refreshes */
	pthread_mutex_lock(&mtx);
	assert_int_equal(node_calls, calls);
	sl_extra_meeting = false;
	pthread_mutex_unlock(&mtx);
	rig_free(&r);

	pthread_mutex_lock(&mtx);
	tls_port = 0;
	pthread_mutex_unlock(&mtx);
	MHD_stop_daemon(node);
	unlink(kpath);
	unlink(pem);
	rmdir(dir);
	free(kpath);
	free(pem);
	free(key);
	free(cert);
}

/*
 * The schedule the backends use is published in the model: at
 * --refresh 10 Rancher and OpenStack every 5th refresh, Prometheus and
 * scalelite every one, consul as long as its blocking query may be held
 * (5 refreshes and consul's jitter of 1/16), each plus one refresh; a
 * new refresh interval publishes again.  fleet_source_late() reads it.
 */
static void
test_published_schedule(void **state)
{
	struct rig		 r = { 0 };
	const struct fleet_source *src;
	int64_t			 t0 = 1767225600000LL;

	(void)state;
	r.cfg = config_new();
	r.cfg->ui.refresh_ms = 10000;
	r.cfg->rancher.url = srv_url("/");
	r.cfg->openstack.auth_url = srv_url("/identity/v3");
	r.cfg->consul.url = srv_url("/");
	r.loop = loop_new();
	r.http = http_new(r.loop);
	r.fleet = fleet_new("test");
	r.b = backends_new(r.loop, r.http, r.cfg, r.fleet);
	assert_int_equal(r.fleet->sources[FLEET_SRC_RANCHER].period_ms,
	    60000);
	assert_int_equal(r.fleet->sources[FLEET_SRC_OPENSTACK].period_ms,
	    60000);
	assert_int_equal(r.fleet->sources[FLEET_SRC_PROMETHEUS].period_ms, 0);
	assert_int_equal(r.fleet->sources[FLEET_SRC_CONSUL].period_ms, 20000);
	backends_start(r.b);
	assert_int_equal(r.fleet->sources[FLEET_SRC_CONSUL].period_ms,
	    50000 + 50000 / 16 + 10000);

	/* Rancher answered at t0: on time for its whole cycle. */
	fleet_touch_source(r.fleet, FLEET_SRC_RANCHER,
	    &(struct fleet_fetch){ 1, 1 }, t0);
	src = &r.fleet->sources[FLEET_SRC_RANCHER];
	assert_int_equal(src->state, FLEET_SRC_OK);
	assert_false(fleet_source_late(r.fleet, FLEET_SRC_RANCHER,
	    t0 + 45000));
	assert_false(fleet_source_late(r.fleet, FLEET_SRC_RANCHER,
	    t0 + 60000 + FLEET_LATE_SLACK_MS));
	assert_true(fleet_source_late(r.fleet, FLEET_SRC_RANCHER,
	    t0 + 60000 + FLEET_LATE_SLACK_MS + 1));

	backends_set_refresh(r.b, 2000);
	assert_int_equal(src->period_ms, 12000);
	assert_true(fleet_source_late(r.fleet, FLEET_SRC_RANCHER,
	    t0 + 45000));
	rig_free(&r);
}

static bool
os_twice(struct rig *r)
{
	int	 n;

	(void)r;
	pthread_mutex_lock(&mtx);
	n = nova_calls;
	pthread_mutex_unlock(&mtx);
	return (n >= 4);
}

/*
 * Issue 16 item 4: after - then + the polls kept the slow schedule while
 * the title said 0.5s.  A new refresh interval reschedules every waiting
 * source at once: OpenStack polled every 5 minutes (refresh 60 s) polls
 * again within seconds of a change to 0.5 s.
 */
static void
test_refresh_reschedules(void **state)
{
	struct rig	 r = { 0 };

	(void)state;
	r.cfg = config_new();
	r.cfg->openstack.auth_url = srv_url("/v3/");
	r.cfg->openstack.application_credential_id = xstrdup("cred");
	r.cfg->openstack.application_credential_secret =
	    xstrdup("os-secret");
	r.cfg->openstack.region = xstrdup("RegionOne");
	r.cfg->ui.refresh_ms = 60000;	/* period 5 min */
	pthread_mutex_lock(&mtx);
	tokens_issued = nova_calls = 0;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	backends_set_refresh(r.b, 60000);
	assert_true(run_until(&r, os_ok, 10000));
	assert_int_equal(r.fleet->sources[FLEET_SRC_OPENSTACK].next_try, 0);
	assert_false(run_until(&r, os_twice, 500));
	backends_set_refresh(r.b, 500);	/* period 2.5 s */
	assert_true(run_until(&r, os_twice, 20000));
	rig_free(&r);
}

static void
os_config(struct config *cfg, const char *auth_url, const char *secret)
{
	cfg->openstack.auth_url = xstrdup(auth_url);
	cfg->openstack.application_credential_id = xstrdup("cred");
	cfg->openstack.application_credential_secret = xstrdup(secret);
	cfg->openstack.region = xstrdup("RegionOne");
}

/* OpenStack failed and waits a back-off of 8 s or more. */
static bool
os_long_backoff(struct rig *r)
{
	const struct fleet_source *src = &r->fleet->sources[FLEET_SRC_OPENSTACK];

	return (os_failed(r) && src->next_try - util_wall_ms() >= 8000);
}

static bool
consul_failing(struct rig *r)
{
	return (r->fleet->sources[FLEET_SRC_CONSUL].failing_since != 0);
}

/*
 * Issue 16 (smaller items): a source backing off after the network
 * failed noticed that the network was back only when its back-off ended
 * (up to a minute).  OpenStack (connection refused) backs off to 8 s or
 * more; then consul loses the network too (connections closed without an
 * answer); both come back.  Consul retries within its short back-off,
 * and OpenStack, shown that the network works, tries again then: well
 * within half of what was left of its back-off.
 */
static void
test_network_back(void **state)
{
	struct rig		 r = { 0 };
	struct MHD_Daemon	*srv2 = NULL;
	unsigned short		 p2;
	int64_t			 left, t0, took;
	char			*url;

	(void)state;
	assert_int_not_equal(p2 = closed_port(), 0);
	url = xasprintf("http://127.0.0.1:%u/v3/", p2);
	r.cfg = config_new();
	r.cfg->ui.refresh_ms = 250;
	r.cfg->consul.url = srv_url("");
	os_config(r.cfg, url, "os-secret");
	free(url);
	pthread_mutex_lock(&mtx);
	consul_cut = false;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, os_long_backoff, 90000));
	assert_null(strstr(r.fleet->sources[FLEET_SRC_OPENSTACK].cause,
	    "401"));

	pthread_mutex_lock(&mtx);
	consul_cut = true;
	pthread_mutex_unlock(&mtx);
	assert_true(run_until(&r, consul_failing, 5000));
	assert_non_null(r.fleet->sources[FLEET_SRC_CONSUL].cause);

	/* the network is back: consul answers again, keystone listens */
	srv2 = srv_start(p2);
	assert_non_null(srv2);
	pthread_mutex_lock(&mtx);
	consul_cut = false;
	pthread_mutex_unlock(&mtx);
	t0 = util_mono_ms();
	left = r.fleet->sources[FLEET_SRC_OPENSTACK].next_try - util_wall_ms();
	assert_true(left >= 6000);
	assert_true(run_until(&r, os_ok, left / 2));
	took = util_mono_ms() - t0;
	print_message("openstack back %lld ms after the network, "
	    "%lld ms before its back-off ended\n", (long long)took,
	    (long long)(left - took));
	assert_int_equal(r.fleet->sources[FLEET_SRC_OPENSTACK].next_try, 0);
	rig_free(&r);
	MHD_stop_daemon(srv2);
}

/*
 * The early try is bounded: while consul answers every 250 ms, OpenStack
 * refused tries early once (not before 1 s after its failure), then
 * waits its back-off; one failing with 401 (not the network) keeps its
 * back-off.
 */
static void
test_network_back_bounded(void **state)
{
	struct rig	 r = { 0 };
	unsigned short	 p2;
	int64_t		 tries[8], last = 0, end;
	int		 n = 0, calls;
	char		*url;

	(void)state;
	assert_int_not_equal(p2 = closed_port(), 0);
	url = xasprintf("http://127.0.0.1:%u/v3/", p2);
	r.cfg = config_new();
	r.cfg->ui.refresh_ms = 10000;	/* back-offs of 5 s and more */
	r.cfg->consul.url = srv_url("");
	os_config(r.cfg, url, "os-secret");
	free(url);
	pthread_mutex_lock(&mtx);
	consul_cut = false;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	end = util_mono_ms() + 4500;
	while (util_mono_ms() < end) {
		if (r.fleet->sources[FLEET_SRC_OPENSTACK].last_try != last) {
			last = r.fleet->sources[FLEET_SRC_OPENSTACK].last_try;
			if (n < (int)nitems(tries))
				tries[n] = last;
			n++;
		}
		loop_run_once(r.loop, 20);
	}
	assert_true(consul_calls_ge(5));
	assert_int_equal(n, 2);
	assert_true(tries[1] - tries[0] >= 900);
	assert_true(r.fleet->sources[FLEET_SRC_OPENSTACK].next_try -
	    util_wall_ms() > 3000);
	rig_free(&r);

	/* 401: not the network; no early try */
	memset(&r, 0, sizeof r);
	r.cfg = config_new();
	r.cfg->ui.refresh_ms = 10000;
	r.cfg->consul.url = srv_url("");
	url = srv_url("/v3/");
	os_config(r.cfg, url, "wrong");
	free(url);
	pthread_mutex_lock(&mtx);
	auth_calls = 0;
	pthread_mutex_unlock(&mtx);
	rig_start(&r);
	assert_true(run_until(&r, os_failed, 5000));
	run_until(&r, NULL, 2500);
	pthread_mutex_lock(&mtx);
	calls = auth_calls;
	pthread_mutex_unlock(&mtx);
	assert_int_equal(calls, 1);
	assert_non_null(strstr(r.fleet->sources[FLEET_SRC_OPENSTACK].cause,
	    "401"));
	rig_free(&r);
}

static void
test_helpers(void **state)
{
	char	*s, sum[65];

	(void)state;
	util_sha256_hex("", sum);
	assert_string_equal(sum, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	s = util_url_join("http://h:1/a/", "/b?c=d");
	assert_string_equal(s, "http://h:1/a/b?c=d");
	free(s);
	s = util_urlencode("max by (instance) (x{a=\"b\"})");
	assert_string_equal(s, "max%20by%20%28instance%29%20%28x%7Ba%3D%22b"
	    "%22%7D%29");
	free(s);
	assert_true(bk_same_origin("http://h:1/x?y", "http://h:1/v2-beta"));
	assert_true(bk_same_origin("HTTP://H:1", "http://h:1/"));
	assert_false(bk_same_origin("http://h:2/x", "http://h:1/x"));
	assert_false(bk_same_origin("http://h:1.evil/x", "http://h:1/x"));
	assert_false(bk_same_origin("https://h:1/x", "http://h:1/x"));
	assert_false(bk_same_origin("/relative", "http://h:1/x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_refresh_reschedules),
		cmocka_unit_test(test_network_back),
		cmocka_unit_test(test_network_back_bounded),
		cmocka_unit_test(test_published_schedule),
		cmocka_unit_test(test_openstack),
		cmocka_unit_test(test_openstack_bad_credential),
		cmocka_unit_test(test_rancher_pages),
		cmocka_unit_test(test_error_echoes_no_secret),
		cmocka_unit_test(test_unchanged_answers),
		cmocka_unit_test(test_consul_index),
		cmocka_unit_test(test_scalelite_checksum),
		cmocka_unit_test(test_scalelite_node_tls),
	};

	log_set_stderr(false);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
