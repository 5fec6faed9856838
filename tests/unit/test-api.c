/*
 * test-api.c: the clients of src/api/: the requests they build (URL,
 * headers, Basic auth, checksums against vectors computed apart with
 * sha256sum), their error descriptions of recorded error bodies (a
 * secret the answer echoes never reaches the cause), the KV and limits
 * decoders, and the blocking calls against the simulator over HTTP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "api/consul.h"
#include "api/openstack.h"
#include "api/rancher.h"
#include "api/scalelite.h"
#include "fixture.h"
#include "sim/sim.h"
#include "util.h"

/* A header line of the request, or NULL. */
static const char *
req_header(const struct api_req *r, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; r->http.headers != NULL && r->http.headers[i] != NULL;
	    i++) {
		if (strncasecmp(r->http.headers[i], name, n) == 0 &&
		    r->http.headers[i][n] == ':')
			return (r->http.headers[i] + n + 2);
	}
	return (NULL);
}

/* An answer with status and a fixture's body. */
static void
resp_fixture(struct http_response *resp, long status, const char *name)
{
	memset(resp, 0, sizeof *resp);
	resp->status = status;
	resp->body = fixture_read(name, &resp->len);
}

static void
resp_body(struct http_response *resp, long status, const char *body)
{
	memset(resp, 0, sizeof *resp);
	resp->status = status;
	resp->body = xstrdup(body);
	resp->len = strlen(body);
}

/* --- shared ------------------------------------------------------------- */

static void
test_req(void **state)
{
	struct api_conn	 c = { 0 };
	struct api_req	 r;
	json_t		*j;

	(void)state;
	c.ca_file = "/etc/ca.pem";
	c.timeout_ms = 1234;
	api_req_init(&r, &c, "PUT", xstrdup("https://x.example/a"));
	assert_string_equal(r.http.url, "https://x.example/a");
	assert_string_equal(r.http.method, "PUT");
	assert_string_equal(r.http.ca_file, "/etc/ca.pem");
	assert_int_equal(r.http.timeout_ms, 1234);
	assert_null(r.http.headers[0]);
	assert_null(r.http.user);
	api_req_basic(&r, "ak", "sk");
	assert_string_equal(r.http.user, "ak");
	assert_string_equal(r.http.password, "sk");
	j = json_pack("{s:s, s:i}", "a", "b", "n", 3);
	api_req_json(&r, j);
	json_decref(j);
	assert_string_equal(r.http.body, "{\"a\":\"b\",\"n\":3}");
	assert_int_equal(r.http.bodylen, strlen(r.http.body));
	assert_string_equal(req_header(&r, "Content-Type"),
	    "application/json");
	assert_string_equal(req_header(&r, "Accept"), "application/json");
	api_req_clear(&r);
	assert_null(r.url);
	assert_int_equal(r.nhdr, 0);
	api_req_clear(&r);		/* twice is harmless */
}

static void
test_mask_describe(void **state)
{
	struct api_conn		 c = { 0 };
	struct http_response	 resp;
	char			*s, *body;

	(void)state;
	s = api_mask("a s3cr3t b s3cr3ts3cr3t", "s3cr3t");
	assert_string_equal(s, "a " API_MASK " b " API_MASK API_MASK);
	free(s);
	s = api_mask("nothing", "");
	assert_string_equal(s, "nothing");
	free(s);
	s = api_mask("nothing", NULL);
	assert_string_equal(s, "nothing");
	free(s);

	s = api_clean("\r\n  one\ttwo\n\x1b[2Jthree  ", 100);
	assert_string_equal(s, "one two [2Jthree");
	free(s);

	/* A secret across the place where the description is cut. */
	c.secret = "TOPSECRETVALUE";
	body = xasprintf("%0*d%s tail", 110, 0, c.secret);
	resp_body(&resp, 500, body);
	s = api_describe(&c, &resp);
	assert_null(strstr(s, "TOPSEC"));
	assert_true(strncmp(s, "HTTP 500: 000", 13) == 0);
	free(s);
	http_response_clear(&resp);
	free(body);

	memset(&resp, 0, sizeof resp);
	resp.error = xstrdup("Could not connect: TOPSECRETVALUE");
	s = api_describe(&c, &resp);
	assert_string_equal(s, "Could not connect: " API_MASK);
	free(s);
	http_response_clear(&resp);

	memset(&resp, 0, sizeof resp);
	s = api_describe(&c, &resp);
	assert_string_equal(s, "no response");
	free(s);
}

/* --- scalelite ---------------------------------------------------------- */

/* Never over max bytes, a blank run just before the cut included. */
static void
test_clean_max(void **state)
{
	const char	*in[] = { "abc def", "a  b", "ab\tcd", "x\n\n\ny z",
	    "\xc3\xa9 \xc3\xa9", "one two three four" };
	char		*s;
	size_t		 i, max;

	(void)state;
	for (i = 0; i < nitems(in); i++) {
		for (max = 0; max <= strlen(in[i]) + 1; max++) {
			s = api_clean(in[i], max);
			if (strlen(s) > max)
				fail_msg("api_clean(\"%s\", %zu) = \"%s\": "
				    "%zu bytes", in[i], max, s, strlen(s));
			free(s);
		}
	}
	s = api_clean("abc def", 4);
	assert_string_equal(s, "abc");
	free(s);
	s = api_clean("abc def", 5);
	assert_string_equal(s, "abc d");
	free(s);
}

static void
test_scalelite_checksum(void **state)
{
	char	 sum[65];

	(void)state;
	/* printf '%s' getServerssecret | sha256sum */
	api_scalelite_checksum("getServers", "", "secret", sum);
	assert_string_equal(sum, "d8738115c0fec82af344b92000456ccf7ff1e244"
	    "6bbe228527344df1acd3308c");
	api_scalelite_checksum("getServers", NULL, "secret", sum);
	assert_string_equal(sum, "d8738115c0fec82af344b92000456ccf7ff1e244"
	    "6bbe228527344df1acd3308c");
	/* the BBB API docs' create example, with SHA-256 */
	api_scalelite_checksum("create", "name=Test+Meeting&meetingID=abc123"
	    "&attendeePW=111222&moderatorPW=333444",
	    "639259d4-9dd8-4b25-bf01-95f9567eaf4b", sum);
	assert_string_equal(sum, "da9185f7f333cfdfcd6eeac32dca3777510c4c43"
	    "6020d8b887ba5515bd1d189e");
}

static void
test_scalelite_urls(void **state)
{
	struct api_conn	 c = { 0 };
	struct api_req	 r;
	json_t		*j;
	char		*s;

	(void)state;
	s = api_scalelite_base("https://sl.example/bigbluebutton/api/");
	assert_string_equal(s, "https://sl.example");
	free(s);
	s = api_scalelite_base("https://sl.example//");
	assert_string_equal(s, "https://sl.example");
	free(s);
	s = api_scalelite_bbb_api("https://sl.example/");
	assert_string_equal(s, "https://sl.example/bigbluebutton/api");
	free(s);
	s = api_scalelite_bbb_api("https://sl.example/bigbluebutton/api/");
	assert_string_equal(s, "https://sl.example/bigbluebutton/api");
	free(s);

	/* the health check: the server's root, no checksum, no secret */
	c.url = "https://sl.example/bigbluebutton/api/";
	c.secret = "secret";
	c.ca_file = "/etc/ssl/sl.pem";
	api_scalelite_health(&r, &c);
	assert_null(r.http.method);
	assert_string_equal(r.http.url, "https://sl.example/health_check");
	assert_string_equal(r.http.ca_file, "/etc/ssl/sl.pem");
	assert_null(r.http.user);
	assert_null(r.http.headers[0]);
	api_req_clear(&r);
	c.ca_file = NULL;

	s = api_bbb_url("https://bbb-01.example/bigbluebutton/api/",
	    "getMeetings", NULL, "639259d4-9dd8-4b25-bf01-95f9567eaf4b");
	assert_string_equal(s, "https://bbb-01.example/bigbluebutton/api/"
	    "getMeetings?checksum=a5370c5f3d97d56d53b435684cdbc429c2898a3b"
	    "f9f435518b4279e1e0dbfc8c");
	free(s);

	c.url = "https://sl.example/bigbluebutton/api";
	c.secret = "secret";
	api_scalelite_admin(&r, &c, "getServers", NULL, NULL);
	assert_null(r.http.method);
	assert_string_equal(r.http.url, "https://sl.example/scalelite/api/"
	    "getServers?checksum=d8738115c0fec82af344b92000456ccf7ff1e244"
	    "6bbe228527344df1acd3308c");
	assert_null(r.http.body);
	assert_null(r.http.user);
	api_req_clear(&r);

	/* the id is in the query, encoded, and covered by the checksum */
	j = json_pack("{s:s}", "id", "abc d");
	api_scalelite_admin(&r, &c, "updateServer", "abc d", j);
	json_decref(j);
	assert_string_equal(r.http.method, "POST");
	assert_string_equal(r.http.url, "https://sl.example/scalelite/api/"
	    "updateServer?id=abc%20d&checksum=18d13a10a5152ebfa72a43bd6130"
	    "298800b29aff7d3777ea7eb2ceb988844930");
	assert_string_equal(r.http.body, "{\"id\":\"abc d\"}");
	assert_string_equal(req_header(&r, "Content-Type"),
	    "application/json");
	assert_null(strstr(r.http.url, "secret"));
	api_req_clear(&r);

	api_scalelite_bbb(&r, &c, "getMeetings", NULL);
	assert_true(strncmp(r.http.url, "https://sl.example/bigbluebutton/"
	    "api/getMeetings?checksum=", 57) == 0);
	api_req_clear(&r);
}

static void
test_scalelite_describe(void **state)
{
	struct api_conn		 c = { 0 };
	struct http_response	 resp;
	char			*s;

	(void)state;
	c.secret = "LBSECRET";
	resp_fixture(&resp, 200, "api/scalelite-checksum-error.xml");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "checksumError: the [scalelite] secret is "
	    "not scalelite's LOADBALANCER_SECRET");
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 200, "api/scalelite-unsupported.xml");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "unsupportedRequest: this scalelite has no "
	    "admin API (< 1.5.1)");
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 404, "api/scalelite-error-404.json");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "HTTP 404: Couldn't find server with "
	    "id=bbb-99");
	free(s);
	http_response_clear(&resp);

	/* errors that echo the secret */
	resp_body(&resp, 400, "{\"error\":\"bad secret LBSECRET given\"}");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "HTTP 400: bad secret " API_MASK " given");
	free(s);
	http_response_clear(&resp);
	resp_body(&resp, 200, "<response><messageKey>oops</messageKey>"
	    "<message>LBSECRET\nis\twrong</message></response>");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "oops: " API_MASK " is wrong");
	free(s);
	http_response_clear(&resp);

	resp_body(&resp, 502, "<html><body>Bad Gateway</body></html>");
	s = api_scalelite_describe(&c, &resp);
	assert_string_equal(s, "HTTP 502 (an HTML or XML error page)");
	free(s);
	http_response_clear(&resp);
}

/* --- Rancher ------------------------------------------------------------ */

static void
test_rancher_req(void **state)
{
	struct api_conn	 c = { 0 };
	struct api_req	 r;
	json_t		*j;
	char		*s;

	(void)state;
	s = api_rancher_base("https://r.example");
	assert_string_equal(s, "https://r.example/v2-beta");
	free(s);
	s = api_rancher_base("https://r.example/v1/");
	assert_string_equal(s, "https://r.example/v2-beta");
	free(s);
	s = api_rancher_base("https://r.example/v2-beta/");
	assert_string_equal(s, "https://r.example/v2-beta");
	free(s);

	s = api_rancher_path(NULL, NULL, NULL, "limit=1000");
	assert_string_equal(s, "projects?limit=1000");
	free(s);
	s = api_rancher_path("1a5", "stacks", NULL, "name=bbb-01");
	assert_string_equal(s, "projects/1a5/stacks?name=bbb-01");
	free(s);
	s = api_rancher_path("1a5", "services", "1s12", NULL);
	assert_string_equal(s, "projects/1a5/services/1s12");
	free(s);
	s = api_rancher_action_path("1a5", "services", "1s12", "upgrade");
	assert_string_equal(s, "projects/1a5/services/1s12?action=upgrade");
	free(s);

	c.url = "https://r.example:8080";
	c.user = "ACCESS";
	c.secret = "SECRETKEY";
	api_rancher_req(&r, &c, NULL, "projects?limit=1000", NULL);
	assert_string_equal(r.http.url,
	    "https://r.example:8080/v2-beta/projects?limit=1000");
	assert_string_equal(r.http.user, "ACCESS");
	assert_string_equal(r.http.password, "SECRETKEY");
	assert_null(strstr(r.http.url, "SECRETKEY"));
	api_req_clear(&r);

	/* "": the API root itself (the probe's), "/v1" replaced */
	c.url = "https://r.example:8080/v1/";
	api_rancher_req(&r, &c, NULL, "", NULL);
	assert_string_equal(r.http.url, "https://r.example:8080/v2-beta");
	assert_string_equal(r.http.user, "ACCESS");
	assert_string_equal(r.http.password, "SECRETKEY");
	api_req_clear(&r);
	c.url = "https://r.example:8080";

	/* a pagination link is used as it is */
	api_rancher_req(&r, &c, NULL, "https://r.example:8080/v2-beta/"
	    "projects/1a5/hosts?marker=m100", NULL);
	assert_string_equal(r.http.url, "https://r.example:8080/v2-beta/"
	    "projects/1a5/hosts?marker=m100");
	api_req_clear(&r);

	j = json_pack("{s:{s:i,s:i}}", "rollingRestartStrategy", "batchSize",
	    1, "intervalMillis", 2000);
	api_rancher_req(&r, &c, "POST", "projects/1a5/services/1s1?action="
	    "restart", j);
	json_decref(j);
	assert_string_equal(r.http.method, "POST");
	assert_string_equal(r.http.body, "{\"rollingRestartStrategy\":"
	    "{\"batchSize\":1,\"intervalMillis\":2000}}");
	assert_string_equal(req_header(&r, "Content-Type"),
	    "application/json");
	api_req_clear(&r);

	/* no access key: no Basic auth (Access Control off) */
	c.user = "";
	api_rancher_req(&r, &c, NULL, "projects", NULL);
	assert_null(r.http.user);
	assert_null(r.http.password);
	api_req_clear(&r);
}

static void
test_rancher_describe(void **state)
{
	struct api_conn		 c = { 0 };
	struct http_response	 resp;
	char			*s;

	(void)state;
	c.secret = "SECRETKEY";
	resp_fixture(&resp, 422, "api/rancher-error-422.json");
	s = api_rancher_describe(&c, &resp);
	assert_string_equal(s, "HTTP 422 InvalidState: Service is not in a "
	    "valid state for upgrade: upgraded");
	free(s);
	http_response_clear(&resp);

	resp_body(&resp, 401, "{\"type\":\"error\",\"status\":401,\"code\":"
	    "\"Unauthorized\",\"message\":\"bad key ACCESS:SECRETKEY\"}");
	s = api_rancher_describe(&c, &resp);
	assert_string_equal(s, "HTTP 401 Unauthorized: bad key ACCESS:"
	    API_MASK);
	free(s);
	http_response_clear(&resp);

	resp_body(&resp, 503, "Service Unavailable SECRETKEY");
	s = api_rancher_describe(&c, &resp);
	assert_string_equal(s, "HTTP 503: Service Unavailable " API_MASK);
	free(s);
	http_response_clear(&resp);
}

/* --- consul ------------------------------------------------------------- */

static void
test_consul(void **state)
{
	struct api_conn		 c = { 0 };
	struct api_req		 r;
	struct http_response	 resp;
	char			*s;

	(void)state;
	c.url = "http://127.0.0.1:8500/";
	c.secret = "b1gs3cr3t-token";
	api_consul_req(&r, &c, "PUT", "/v1/session/create", "{\"TTL\":"
	    "\"15s\"}");
	assert_string_equal(r.http.url, "http://127.0.0.1:8500/v1/session/"
	    "create");
	assert_string_equal(r.http.method, "PUT");
	assert_string_equal(req_header(&r, "X-Consul-Token"),
	    "b1gs3cr3t-token");
	assert_string_equal(r.http.body, "{\"TTL\":\"15s\"}");
	assert_null(strstr(r.http.url, "b1gs3cr3t"));
	api_req_clear(&r);

	c.secret = "";
	api_consul_req(&r, &c, NULL, "v1/health/service/bbb", NULL);
	assert_null(req_header(&r, "X-Consul-Token"));
	assert_null(r.http.body);
	api_req_clear(&r);

	s = api_consul_kv_path("bbbctl/a b/lock", "recurse");
	assert_string_equal(s, "v1/kv/bbbctl/a%20b/lock?recurse");
	free(s);
	s = api_consul_kv_path("bbb/", NULL);
	assert_string_equal(s, "v1/kv/bbb/");
	free(s);

	/* plain-text errors; a 403 says what to check */
	c.secret = "b1gs3cr3t-token";
	resp_fixture(&resp, 403, "consul/permission-denied.txt");
	s = api_consul_describe(&c, &resp);
	assert_string_equal(s, "HTTP 403: Permission denied (the [consul] "
	    "token lacks a permission)");
	free(s);
	http_response_clear(&resp);
	resp_body(&resp, 403, "ACL not found for b1gs3cr3t-token");
	s = api_consul_describe(&c, &resp);
	assert_string_equal(s, "HTTP 403: ACL not found for " API_MASK
	    " (consul does not know the [consul] token)");
	free(s);
	c.secret = NULL;
	s = api_consul_describe(&c, &resp);
	assert_string_equal(s, "HTTP 403: ACL not found for b1gs3cr3t-token "
	    "(no [consul] token is set)");
	free(s);
	http_response_clear(&resp);
	resp_body(&resp, 404, "");
	s = api_consul_describe(&c, &resp);
	assert_string_equal(s, "HTTP 404");
	free(s);
	http_response_clear(&resp);
}

static void
test_consul_kv_decode(void **state)
{
	struct api_consul_kv	*kv;
	size_t			 n, len;
	char			*body, *cause = NULL;

	(void)state;
	body = fixture_read("api/consul-kv-recurse.json", &len);
	assert_int_equal(api_consul_kv_decode(body, len, &kv, &n, &cause), 0);
	free(body);
	assert_int_equal(n, 3);
	assert_string_equal(kv[0].key, "bbb/07/secret");
	assert_string_equal(kv[0].value, "secret");
	assert_int_equal(kv[0].len, 6);
	assert_int_equal(kv[0].modify_index, 15);
	assert_null(kv[0].session);
	assert_string_equal(kv[1].key, "bbb/");
	assert_null(kv[1].value);
	assert_string_equal(kv[2].value, "{}");
	assert_true(kv[2].flags == 0x2ddccbc058a50c18ULL);
	assert_string_equal(kv[2].session,
	    "adf4238a-882b-9ddc-4a9d-5b6758e4159e");
	api_consul_kv_free(kv, n);

	assert_int_equal(api_consul_kv_decode("[]", 2, &kv, &n, &cause), 0);
	assert_int_equal(n, 0);
	api_consul_kv_free(kv, n);

	assert_int_equal(api_consul_kv_decode("{}", 2, &kv, &n, &cause), -1);
	assert_string_equal(cause, "consul KV: not a JSON array");
	free(cause);
	assert_null(kv);
	body = "[{\"Key\":\"a\",\"Value\":\"!!!\"}]";
	assert_int_equal(api_consul_kv_decode(body, strlen(body), &kv, &n,
	    &cause), -1);
	assert_string_equal(cause, "consul KV: a: Value is not base64");
	free(cause);
	body = "[{\"Key\":\"a\",\"Flags\":-1}]";
	assert_int_equal(api_consul_kv_decode(body, strlen(body), &kv, &n,
	    &cause), -1);
	free(cause);
	body = "[{\"Value\":\"\"}]";
	assert_int_equal(api_consul_kv_decode(body, strlen(body), &kv, &n,
	    &cause), -1);
	assert_string_equal(cause, "consul KV: entry 0 has no Key");
	free(cause);
	assert_int_equal(api_consul_kv_decode("[", 1, &kv, &n, &cause), -1);
	free(cause);
}

/* --- OpenStack ---------------------------------------------------------- */

static void
test_keystone(void **state)
{
	struct api_conn		 c = { 0 };
	struct api_req		 r;
	struct http_response	 resp;
	struct http_header	 h;
	struct api_os_token	 t = { 0 };
	char			*s, *cause = NULL;

	(void)state;
	s = api_keystone_url("https://id.example:5000/v3/");
	assert_string_equal(s, "https://id.example:5000/v3/auth/tokens");
	free(s);
	s = api_keystone_url("https://id.example:5000");
	assert_string_equal(s, "https://id.example:5000/v3/auth/tokens");
	free(s);

	c.url = "https://id.example:5000/v3";
	c.user = "423f19a4";
	c.secret = "APPCREDSECRET";
	c.region = "RegionOne";
	api_keystone_req(&r, &c);
	assert_string_equal(r.http.method, "POST");
	assert_string_equal(r.http.url, "https://id.example:5000/v3/auth/"
	    "tokens");
	assert_string_equal(r.http.body, "{\"auth\":{\"identity\":{\"methods"
	    "\":[\"application_credential\"],\"application_credential\":{"
	    "\"id\":\"423f19a4\",\"secret\":\"APPCREDSECRET\"}}}}");
	assert_string_equal(req_header(&r, "Content-Type"),
	    "application/json");
	assert_null(r.http.user);
	api_req_clear(&r);

	/* the answer: token from the header, endpoints from the catalog */
	resp_fixture(&resp, 201, "openstack/keystone-token.json");
	h.name = "X-Subject-Token";
	h.value = "gAAAAAtoken";
	resp.headers = &h;
	resp.nheaders = 1;
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), 0);
	assert_string_equal(t.token, "gAAAAAtoken");
	assert_string_equal(t.compute, "https://compute.example.com/v2.1");
	assert_true(t.expires > 0);
	assert_true(api_os_token_valid(&t, t.expires - 120000));
	assert_false(api_os_token_valid(&t, t.expires - 30000));
	assert_int_equal(api_os_endpoint(&c, &t, "image", &s, &cause), 0);
	assert_string_equal(s, "https://image.example.com");
	free(s);
	assert_int_equal(api_os_endpoint(&c, &t, "network", &s, &cause), -1);
	assert_string_equal(cause, "keystone: no public network endpoint "
	    "for region RegionOne in the catalog");
	free(cause);

	/* the Nova request that follows */
	api_nova_req(&r, &c, &t, NULL, "limits", NULL, API_NOVA_MICROVERSION);
	assert_string_equal(r.http.url, "https://compute.example.com/v2.1/"
	    "limits");
	assert_string_equal(req_header(&r, "X-Auth-Token"), "gAAAAAtoken");
	assert_string_equal(req_header(&r, "OpenStack-API-Version"),
	    "compute 2.37");
	assert_null(r.http.user);
	api_req_clear(&r);
	api_nova_req(&r, &c, &t, NULL, "https://compute.example.com/v2.1/"
	    "servers/detail?marker=x", NULL, NULL);
	assert_string_equal(r.http.url, "https://compute.example.com/v2.1/"
	    "servers/detail?marker=x");
	assert_null(req_header(&r, "OpenStack-API-Version"));
	api_req_clear(&r);

	/* no X-Subject-Token */
	resp.nheaders = 0;
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_string_equal(cause, "keystone: no X-Subject-Token in the "
	    "answer");
	assert_null(t.token);
	free(cause);
	resp.headers = NULL;
	http_response_clear(&resp);
	api_os_token_clear(&t);

	/* Keystone's error object */
	resp_fixture(&resp, 401, "openstack/keystone-error-401.json");
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_string_equal(cause, "HTTP 401: keystone: 401 Unauthorized: "
	    "The request you have made requires authentication.");
	free(cause);
	http_response_clear(&resp);
	/* ... echoing the credential's secret */
	resp_body(&resp, 401, "{\"error\":{\"code\":401,\"title\":"
	    "\"Unauthorized\",\"message\":\"Invalid secret APPCREDSECRET\"}}");
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_null(strstr(cause, "APPCREDSECRET"));
	assert_non_null(strstr(cause, API_MASK));
	free(cause);
	http_response_clear(&resp);
	/* ... where the decoder cuts the message: no part of it shows */
	resp_body(&resp, 401, "{\"error\":{\"code\":401,\"title\":"
	    "\"Unauthorized\",\"message\":\"Invalid secret "
	    "...................................................."
	    "...................................................."
	    "...................................................."
	    "......................APPCREDSECRET\"}}");
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_null(strstr(cause, "APPCRED"));
	free(cause);
	http_response_clear(&resp);
	/* ... a message of several lines: one line */
	resp_body(&resp, 401, "{\"error\":{\"code\":401,\"title\":"
	    "\"Unauthorized\",\"message\":\"one\\ntwo\\u001b[2J\"}}");
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_string_equal(cause, "HTTP 401: keystone: 401 Unauthorized: "
	    "one two [2J");
	free(cause);
	http_response_clear(&resp);
	resp_body(&resp, 500, "<html>APPCREDSECRET</html>");
	assert_int_equal(api_keystone_take(&c, &resp, &t, &cause), -1);
	assert_string_equal(cause, "keystone: HTTP 500: <html>" API_MASK
	    "</html>");
	free(cause);
	http_response_clear(&resp);
}

static void
test_openstack_describe(void **state)
{
	struct api_conn		 c = { 0 };
	struct http_response	 resp;
	char			*s;

	(void)state;
	c.secret = "gAAAAAtoken";
	resp_fixture(&resp, 404, "openstack/nova-itemnotfound.json");
	s = api_openstack_describe(&c, &resp);
	assert_true(strncmp(s, "HTTP 404 itemNotFound: ", 23) == 0);
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 403, "api/nova-quota-403.json");
	s = api_openstack_describe(&c, &resp);
	assert_string_equal(s, "HTTP 403 forbidden: Quota exceeded for "
	    "cores: Requested 4, but already used 18 of 20 cores");
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 413, "openstack/nova-overlimit.json");
	s = api_openstack_describe(&c, &resp);
	assert_string_equal(s, "HTTP 413 overLimit: Over limit");
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 404, "api/neutron-notfound.json");
	s = api_openstack_describe(&c, &resp);
	assert_string_equal(s, "HTTP 404 NetworkNotFound: Network 5d4c could "
	    "not be found");
	free(s);
	http_response_clear(&resp);

	resp_fixture(&resp, 401, "openstack/keystone-error-401.json");
	s = api_openstack_describe(&c, &resp);
	assert_string_equal(s, "HTTP 401 Unauthorized: The request you have "
	    "made requires authentication.");
	free(s);
	http_response_clear(&resp);

	/* a token echoed back */
	resp_body(&resp, 400, "{\"badRequest\":{\"code\":400,\"message\":"
	    "\"token gAAAAAtoken is malformed\"}}");
	s = api_openstack_describe(&c, &resp);
	assert_string_equal(s, "HTTP 400 badRequest: token " API_MASK
	    " is malformed");
	free(s);
	http_response_clear(&resp);
}

static void
test_nova_limits_decode(void **state)
{
	struct api_nova_limits	 l;
	char			*body, *cause = NULL;
	size_t			 len;

	(void)state;
	body = fixture_read("api/nova-limits.json", &len);
	assert_int_equal(api_nova_limits_decode(body, len, &l, &cause), 0);
	free(body);
	assert_int_equal(l.max_instances, 10);
	assert_int_equal(l.instances_used, 0);
	assert_int_equal(l.max_cores, 20);
	assert_int_equal(l.cores_used, 0);
	assert_int_equal(l.max_ram_mb, 51200);
	assert_int_equal(l.ram_used_mb, 0);
	assert_int_equal(l.max_keypairs, 100);

	body = fixture_read("api/nova-limits-unlimited.json", &len);
	assert_int_equal(api_nova_limits_decode(body, len, &l, &cause), 0);
	free(body);
	assert_int_equal(l.max_instances, -1);
	assert_int_equal(l.instances_used, 7);
	assert_int_equal(l.max_cores, -1);
	assert_int_equal(l.cores_used, 28);
	assert_int_equal(l.max_ram_mb, -1);	/* omitted: no limit */
	assert_int_equal(l.ram_used_mb, 57344);

	body = "{\"limits\":{\"rate\":[]}}";
	assert_int_equal(api_nova_limits_decode(body, strlen(body), &l,
	    &cause), -1);
	assert_string_equal(cause, "nova: limits: missing limits.absolute");
	free(cause);
	body = "{\"limits\":{\"absolute\":{\"maxTotalCores\":\"20\"}}}";
	assert_int_equal(api_nova_limits_decode(body, strlen(body), &l,
	    &cause), -1);
	assert_string_equal(cause, "nova: limits.absolute.maxTotalCores: "
	    "expected an integer");
	free(cause);
	assert_int_equal(api_nova_limits_decode("", 0, &l, &cause), -1);
	free(cause);
}

/* The size of [scale] flavor, by name or id, from flavors/detail. */
static void
test_nova_flavor_decode(void **state)
{
	const char	*body = "{\"flavors\":[{\"id\":\"2\",\"name\":"
	    "\"m1.small\",\"vcpus\":1,\"ram\":2048},{\"id\":\"5\","
	    "\"name\":\"m1.xlarge\",\"vcpus\":8,\"ram\":16384},"
	    "{\"id\":\"9\",\"name\":\"odd\",\"vcpus\":\"8\"}]}";
	int64_t		 vcpus, ram;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(api_nova_flavor_decode(body, strlen(body),
	    "m1.xlarge", &vcpus, &ram, &cause), 0);
	assert_int_equal(vcpus, 8);
	assert_int_equal(ram, 16384);
	assert_int_equal(api_nova_flavor_decode(body, strlen(body), "2",
	    &vcpus, &ram, &cause), 0);
	assert_int_equal(vcpus, 1);
	assert_int_equal(ram, 2048);
	assert_int_equal(api_nova_flavor_decode(body, strlen(body), "m9",
	    &vcpus, &ram, &cause), -1);
	assert_string_equal(cause, "nova: flavor m9 does not exist");
	free(cause);
	assert_int_equal(api_nova_flavor_decode(body, strlen(body), "odd",
	    &vcpus, &ram, &cause), -1);
	assert_string_equal(cause, "nova: flavor odd: no vcpus or ram");
	free(cause);
	assert_int_equal(vcpus, -1);
	assert_int_equal(api_nova_flavor_decode("[", 1, "x", &vcpus, &ram,
	    &cause), -1);
	free(cause);
}

/* --- blocking calls against the simulator -------------------------------- */

struct live {
	struct sim_world	*w;
	char			*url[SIM_NSYSTEMS];
};

static int
live_setup(void **state)
{
	struct live	*lv;
	char		*cause = NULL;
	int		 i;

	lv = xcalloc(1, sizeof *lv);
	lv->w = sim_world_new(3, 7, 1.0, "clean");
	if (sim_http_start(lv->w, "127.0.0.1", 0, &cause) != 0) {
		fprintf(stderr, "sim: %s\n", cause);
		return (-1);
	}
	for (i = 0; i < SIM_NSYSTEMS; i++)
		lv->url[i] = sim_url(lv->w, (enum sim_system)i);
	*state = lv;
	return (0);
}

static int
live_teardown(void **state)
{
	struct live	*lv = *state;
	int		 i;

	sim_http_stop(lv->w);
	sim_world_free(lv->w);
	for (i = 0; i < SIM_NSYSTEMS; i++)
		free(lv->url[i]);
	free(lv);
	return (0);
}

static void
test_live_scalelite(void **state)
{
	struct live	*lv = *state;
	struct api_conn	 c = { 0 };
	json_t		*o;
	char		*cause = NULL, *api;

	api = xasprintf("%s/bigbluebutton/api", lv->url[SIM_SCALELITE]);
	c.url = api;
	c.secret = lv->w->sl_secret;
	/* the simulator checks the checksum on its own */
	assert_int_equal(api_scalelite_call(&c, "getServers", NULL, NULL, &o,
	    &cause), 0);
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 3);
	json_decref(o);

	c.secret = "not-the-secret";
	assert_int_equal(api_scalelite_call(&c, "getServers", NULL, NULL, &o,
	    &cause), -1);
	assert_string_equal(cause, "scalelite getServers: checksumError: the "
	    "[scalelite] secret is not scalelite's LOADBALANCER_SECRET");
	assert_null(o);
	free(cause);
	free(api);
}

static void
test_live_rancher(void **state)
{
	struct live	*lv = *state;
	struct api_conn	 c = { 0 };
	json_t		*o;
	char		*cause = NULL;

	/* the bare server URL, as bbbctl.conf.example shows it */
	c.url = lv->url[SIM_RANCHER];
	c.user = lv->w->rancher_access;
	c.secret = lv->w->rancher_secret;
	assert_int_equal(api_rancher_call(&c, "GET", "projects?limit=1000",
	    NULL, &o, &cause), 0);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "collection");
	json_decref(o);

	c.secret = "wrong-secret-key";
	assert_int_equal(api_rancher_call(&c, "GET", "projects", NULL, &o,
	    &cause), -1);
	assert_true(strncmp(cause, "rancher projects: HTTP 401", 26) == 0);
	assert_null(strstr(cause, "wrong-secret-key"));
	free(cause);
}

static void
test_live_openstack(void **state)
{
	struct live		*lv = *state;
	struct api_conn		 c = { 0 };
	struct api_os_token	 t = { 0 };
	json_t			*o;
	char			*cause = NULL, *auth;

	auth = xasprintf("%s/v3", lv->url[SIM_OPENSTACK]);
	c.url = auth;
	c.user = lv->w->os_cred_id;
	c.secret = lv->w->os_cred_secret;
	c.region = "RegionOne";
	assert_int_equal(api_keystone_login(&c, &t, &cause), 0);
	assert_non_null(t.token);
	assert_non_null(t.compute);
	assert_true(api_os_token_valid(&t, util_wall_ms()));
	/* a worker thread's Nova call, with the microversion */
	assert_int_equal(api_nova_call(&c, &t, NULL, "servers/detail", NULL,
	    &o, &cause), 0);
	/* the 3 BBB nodes and the fleet's other VMs */
	assert_true(json_array_size(json_object_get(o, "servers")) >= 3);
	assert_non_null(json_object_get(json_array_get(json_object_get(o,
	    "servers"), 0), "status"));
	json_decref(o);
	assert_int_equal(api_nova_call(&c, &t, NULL, "servers/nope", NULL,
	    &o, &cause), -1);
	assert_true(strncmp(cause, "nova GET servers/nope: HTTP 404 "
	    "itemNotFound: ", 36) == 0);
	free(cause);
	cause = NULL;
	/* the status of the thread's last failed call, then of a success */
	assert_int_equal(api_last_status(), 404);
	assert_false(api_last_transient());
	assert_int_equal(api_nova_call(&c, &t, NULL, "servers/detail", NULL,
	    &o, &cause), 0);
	json_decref(o);
	assert_int_equal(api_last_status(), 0);
	api_os_token_clear(&t);

	c.secret = "wrong-credential";
	assert_int_equal(api_keystone_login(&c, &t, &cause), -1);
	assert_true(strncmp(cause, "HTTP 401: keystone: 401", 23) == 0);
	assert_null(strstr(cause, "wrong-credential"));
	assert_null(t.token);
	free(cause);
	free(auth);
}

static void
test_live_consul(void **state)
{
	struct live		*lv = *state;
	struct api_conn		 c = { 0 };
	struct api_req		 r;
	struct http_response	 resp;
	struct api_consul_kv	*kv;
	size_t			 n;
	char			*cause = NULL, *path;

	c.url = lv->url[SIM_CONSUL];
	c.secret = lv->w->consul_token;
	assert_int_equal(api_consul_kv_list(&c, "apitest/", &kv, &n, &cause),
	    0);
	assert_int_equal(n, 0);		/* 404: nothing yet */
	api_consul_kv_free(kv, n);

	path = api_consul_kv_path("apitest/a", NULL);
	api_consul_req(&r, &c, "PUT", path, "hello");
	assert_int_equal(api_perform(&r, &c, api_consul_describe, "put",
	    &resp, &cause), 0);
	assert_string_equal(resp.body, "true");
	http_response_clear(&resp);
	api_req_clear(&r);
	free(path);

	assert_int_equal(api_consul_kv_list(&c, "apitest/", &kv, &n, &cause),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(kv[0].key, "apitest/a");
	assert_string_equal(kv[0].value, "hello");
	api_consul_kv_free(kv, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req),
		cmocka_unit_test(test_mask_describe),
		cmocka_unit_test(test_clean_max),
		cmocka_unit_test(test_scalelite_checksum),
		cmocka_unit_test(test_scalelite_urls),
		cmocka_unit_test(test_scalelite_describe),
		cmocka_unit_test(test_rancher_req),
		cmocka_unit_test(test_rancher_describe),
		cmocka_unit_test(test_consul),
		cmocka_unit_test(test_consul_kv_decode),
		cmocka_unit_test(test_keystone),
		cmocka_unit_test(test_openstack_describe),
		cmocka_unit_test(test_nova_limits_decode),
		cmocka_unit_test(test_nova_flavor_decode),
		cmocka_unit_test_setup_teardown(test_live_scalelite,
		    live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_rancher,
		    live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_openstack,
		    live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_consul,
		    live_setup, live_teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
