/*
 * setup-test.c: a page's live connection test (setup-test.h).  The
 * requests are built by each system's client (api/); what went wrong is
 * read from the transport failure (http.h's enum http_fail), the HTTP
 * status and what the answer looks like.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "api/api.h"
#include "api/consul.h"
#include "api/openstack.h"
#include "api/rancher.h"
#include "api/scalelite.h"
#include "http.h"
#include "setup.h"
#include "setup-test.h"
#include "util.h"

int
setup_cert_describe(const char *pem, char **fp, char **issuer)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	struct buf	 b = { 0 };
	BIO		*bio;
	X509		*x;
	char		*s;

	*fp = *issuer = NULL;
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return (-1);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL)
		return (-1);
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1) {
		X509_free(x);
		return (-1);
	}
	for (i = 0; i < mdlen; i++)
		buf_printf(&b, "%s%02X", i != 0 ? ":" : "", md[i]);
	buf_add(&b, "", 1);
	*fp = buf_steal(&b);
	s = X509_NAME_oneline(X509_get_issuer_name(x), NULL, 0);
	*issuer = api_clean(s != NULL ? s : "?", 200);
	OPENSSL_free(s);
	X509_free(x);
	return (0);
}

void
setup_test_clear(struct setup_test *t)
{
	free(t->text);
	free(t->cert_pem);
	free(t->fingerprint);
	free(t->issuer);
	memset(t, 0, sizeof *t);
}

bool
setup_test_wanted(const struct setup_answers *a, const char *page)
{
	if (strcmp(page, "openstack") == 0 || strcmp(page, "rancher") == 0)
		return (true);
	if (strcmp(page, "consul") == 0 || strcmp(page, "prometheus") == 0 ||
	    strcmp(page, "scalelite") == 0 || strcmp(page, "postgres") == 0)
		return (!setup_answers_create(a, page));
	return (false);
}

/* "host:port" of a URL, for messages; allocated. */
static char *
setup_test_hostport(const char *url)
{
	const char	*h;
	size_t		 n;
	bool		 https;

	https = strncmp(url, "https://", 8) == 0;
	h = strstr(url, "://");
	h = h != NULL ? h + 3 : url;
	n = strcspn(h, "/?#");
	if (memchr(h, ':', n) != NULL && *h != '[')
		return (xstrndup(h, n));
	return (xasprintf("%.*s:%s", (int)n, h, https ? "443" : "80"));
}

/*
 * The transport failure of resp in plain words into t; true if there
 * was one.  An untrusted certificate is fetched again, unverified and
 * without credentials, to show its fingerprint and issuer.
 */
static bool
setup_test_transport(const char *url, const char *what,
    const struct http_response *resp, long timeout_ms, struct setup_test *t)
{
	char			*hp, *fp, *iss, *pem;

	if (resp->status != 0 && resp->fail == HTTP_FAIL_NONE)
		return (false);
	hp = setup_test_hostport(url);
	switch (resp->fail) {
	case HTTP_FAIL_DNS:
		t->text = xasprintf("DNS: the name in %s does not resolve "
		    "(%s)", hp, resp->error);
		break;
	case HTTP_FAIL_REFUSED:
		t->text = xasprintf("TCP: %s refused the connection "
		    "(nothing listens there?)", hp);
		break;
	case HTTP_FAIL_TIMEOUT:
		t->text = xasprintf("TCP: no answer from %s within %ld s "
		    "(a firewall, or the wrong address?)", hp,
		    (timeout_ms + 999) / 1000);
		break;
	case HTTP_FAIL_TLS_VERIFY:
		pem = http_peer_cert_unverified(url, timeout_ms);
		if (pem != NULL && setup_cert_describe(pem, &fp, &iss) == 0) {
			t->text = xasprintf("TLS: the certificate of %s is "
			    "not trusted", hp);
			t->cert_pem = pem;
			t->fingerprint = fp;
			t->issuer = iss;
		} else {
			t->text = xasprintf("TLS: the certificate of %s is "
			    "not trusted (%s)", hp, resp->error);
			free(pem);
		}
		break;
	case HTTP_FAIL_TLS:
		t->text = xasprintf("TLS: with %s: %s", hp, resp->error);
		break;
	default:
		t->text = xasprintf("%s: %s", what, resp->error != NULL ?
		    resp->error : "no answer");
		break;
	}
	free(hp);
	return (true);
}

static json_t *
setup_test_json(const struct http_response *resp)
{
	if (resp->body == NULL || resp->len == 0)
		return (NULL);
	return (json_loadb(resp->body, resp->len, 0, NULL));
}

static void
setup_test_rancher(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	struct api_conn		 c;
	struct api_req		 r;
	struct http_response	 resp;
	json_t			*j;
	const char		*proj, *type, *name;
	char			*path, *d, *base, *v3;

	memset(&c, 0, sizeof c);
	c.url = setup_answers_get(a, "rancher", "url");
	c.user = setup_answers_get(a, "rancher", "access_key");
	c.secret = setup_answers_get(a, "rancher", "secret_key");
	c.ca_file = *setup_answers_get(a, "rancher", "ca_file") != '\0' ?
	    setup_answers_get(a, "rancher", "ca_file") : NULL;
	c.timeout_ms = ms;
	proj = setup_answers_get(a, "rancher", "project");
	path = xasprintf("projects/%s", proj);
	api_rancher_req(&r, &c, "GET", path, NULL);
	free(path);
	http_perform(&r.http, &resp);
	base = api_rancher_base(c.url);
	if (setup_test_transport(base, "rancher", &resp, ms, t))
		goto out;
	if (resp.status == 401) {
		t->text = xstrdup("HTTP 401: Rancher refused the API key "
		    "pair (access key and secret key)");
		goto out;
	}
	if (resp.status == 403) {
		t->text = xasprintf("HTTP 403: the API key may not use "
		    "environment %s (an environment key of another, or a "
		    "read-only key)", proj);
		goto out;
	}
	if (resp.status == 404 && (j = setup_test_json(&resp)) != NULL &&
	    (type = json_string_value(json_object_get(j, "type"))) != NULL &&
	    strcmp(type, "error") == 0) {
		t->text = xasprintf("Rancher 1.6 answered, but there is no "
		    "environment %s", proj);
		json_decref(j);
		goto out;
	}
	if (resp.status == 404) {
		/* Rancher 2.x has no v2-beta API but /v3. */
		http_response_clear(&resp);
		api_req_clear(&r);
		v3 = xasprintf("%.*s/v3", (int)(strlen(base) - 8), base);
		api_req_init(&r, &c, NULL, v3);
		http_perform(&r.http, &resp);
		if (resp.status == 200 || resp.status == 401) {
			if ((j = setup_test_json(&resp)) != NULL) {
				json_decref(j);
				t->text = xstrdup("this is Rancher 2.x (it "
				    "answers /v3): not supported, bbbctl "
				    "needs Rancher 1.6");
				goto out;
			}
		}
		t->text = xasprintf("not a Rancher 1.6 server: %s answered "
		    "404", base);
		goto out;
	}
	j = setup_test_json(&resp);
	type = j != NULL ? json_string_value(json_object_get(j, "type")) :
	    NULL;
	if (resp.status != 200 || type == NULL ||
	    strcmp(type, "project") != 0) {
		d = api_rancher_describe(&c, &resp);
		t->text = xasprintf("not a Rancher 1.6 server (it answered, "
		    "but no environment object): %s", d);
		free(d);
		json_decref(j);
		goto out;
	}
	name = json_string_value(json_object_get(j, "name"));
	t->ok = true;
	t->text = xasprintf("Rancher 1.6: environment %s (%s)",
	    name != NULL ? name : "?", proj);
	json_decref(j);
out:
	free(base);
	http_response_clear(&resp);
	api_req_clear(&r);
}

static void
setup_test_openstack(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	struct api_conn		 c;
	struct api_req		 r;
	struct http_response	 resp;
	struct api_os_token	 tok;
	char			*cause = NULL, *url;
	json_t			*j;

	memset(&c, 0, sizeof c);
	memset(&tok, 0, sizeof tok);
	c.url = setup_answers_get(a, "openstack", "auth_url");
	c.user = setup_answers_get(a, "openstack",
	    "application_credential_id");
	c.secret = setup_answers_get(a, "openstack",
	    "application_credential_secret");
	c.region = setup_answers_get(a, "openstack", "region");
	c.ca_file = *setup_answers_get(a, "openstack", "ca_file") != '\0' ?
	    setup_answers_get(a, "openstack", "ca_file") : NULL;
	c.timeout_ms = ms;
	api_keystone_req(&r, &c);
	http_perform(&r.http, &resp);
	url = api_keystone_url(c.url);
	if (setup_test_transport(url, "keystone", &resp, ms, t))
		goto out;
	if (resp.status == 401) {
		t->text = xstrdup("HTTP 401: Keystone refused the application "
		    "credential (its id or its secret)");
		goto out;
	}
	if (resp.status == 403) {
		t->text = xstrdup("HTTP 403: Keystone refused the application "
		    "credential (expired, or restricted)");
		goto out;
	}
	if (resp.status == 404 || (j = setup_test_json(&resp)) == NULL) {
		t->text = xasprintf("not Keystone v3: %s answered HTTP %ld%s",
		    url, resp.status, resp.status == 404 ? "" :
		    " without JSON");
		goto out;
	}
	json_decref(j);
	if (api_keystone_take(&c, &resp, &tok, &cause) == -1) {
		t->text = cause;
		goto out;
	}
	t->ok = true;
	t->text = xasprintf("Keystone v3: a token, compute in region %s at "
	    "%s", c.region, tok.compute != NULL ? tok.compute : "?");
	api_os_token_clear(&tok);
out:
	free(url);
	http_response_clear(&resp);
	api_req_clear(&r);
}

static void
setup_test_consul(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	struct api_conn		 c;
	struct api_req		 r;
	struct http_response	 resp;
	json_t			*j;
	const char		*svc;
	char			*d;

	memset(&c, 0, sizeof c);
	c.url = setup_answers_get(a, "consul", "url");
	c.secret = *setup_answers_get(a, "consul", "token") != '\0' ?
	    setup_answers_get(a, "consul", "token") : NULL;
	c.ca_file = *setup_answers_get(a, "consul", "ca_file") != '\0' ?
	    setup_answers_get(a, "consul", "ca_file") : NULL;
	c.timeout_ms = ms;
	api_consul_req(&r, &c, "GET", "v1/catalog/services", NULL);
	http_perform(&r.http, &resp);
	if (setup_test_transport(c.url, "consul", &resp, ms, t))
		goto out;
	if (resp.status == 401) {
		/* consul's ACLs answer 403; 401 is another server's login */
		t->text = xasprintf("not consul: %s asks for an HTTP login "
		    "(401); consul refuses a token with 403", c.url);
		goto out;
	}
	if (resp.status == 403) {
		d = api_consul_describe(&c, &resp);
		t->text = xasprintf("HTTP 403: consul refused the ACL token "
		    "(%s)", d);
		free(d);
		goto out;
	}
	j = setup_test_json(&resp);
	if (resp.status != 200 || !json_is_object(j) ||
	    http_response_header(&resp, "X-Consul-Index") == NULL) {
		t->text = xasprintf("not consul: %s/v1/catalog/services "
		    "answered HTTP %ld%s", c.url, resp.status,
		    json_is_object(j) ? " without X-Consul-Index" :
		    " without a JSON object");
		json_decref(j);
		goto out;
	}
	svc = setup_answers_get(a, "consul", "service");
	t->ok = true;
	t->text = xasprintf("consul: %zu services%s%s%s", json_object_size(j),
	    json_object_get(j, svc) != NULL ? ", " : "; no service ",
	    svc, json_object_get(j, svc) != NULL ? " among them" :
	    " yet");
	json_decref(j);
out:
	http_response_clear(&resp);
	api_req_clear(&r);
}

static void
setup_test_prometheus(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	struct api_conn		 c;
	struct api_req		 r;
	struct http_response	 resp;
	json_t			*j;
	const char		*st, *user, *url;

	memset(&c, 0, sizeof c);
	url = setup_answers_get(a, "prometheus", "url");
	c.ca_file = *setup_answers_get(a, "prometheus", "ca_file") != '\0' ?
	    setup_answers_get(a, "prometheus", "ca_file") : NULL;
	c.timeout_ms = ms;
	api_req_init(&r, &c, NULL, xasprintf("%s%sapi/v1/query?query=up",
	    url, url[strlen(url) - 1] == '/' ? "" : "/"));
	user = setup_answers_get(a, "prometheus", "user");
	if (*user != '\0')
		api_req_basic(&r, user, setup_answers_get(a, "prometheus",
		    "password"));
	http_perform(&r.http, &resp);
	if (setup_test_transport(url, "prometheus", &resp, ms, t))
		goto out;
	if (resp.status == 401 || resp.status == 403) {
		t->text = xasprintf("HTTP %ld: refused the Prometheus "
		    "user and password%s", resp.status, *user == '\0' ?
		    " (none given: the server wants them)" : "");
		goto out;
	}
	j = setup_test_json(&resp);
	st = j != NULL ? json_string_value(json_object_get(j, "status")) :
	    NULL;
	if (st == NULL || strcmp(st, "success") != 0) {
		t->text = xasprintf("not Prometheus: %s/api/v1/query answered "
		    "HTTP %ld without its JSON envelope", url, resp.status);
		json_decref(j);
		goto out;
	}
	t->ok = true;
	t->text = xasprintf("Prometheus: %zu series of up",
	    json_array_size(json_object_get(json_object_get(j, "data"),
	    "result")));
	json_decref(j);
out:
	http_response_clear(&resp);
	api_req_clear(&r);
}

static void
setup_test_scalelite(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	struct api_conn		 c;
	struct api_req		 r;
	struct http_response	 resp;
	json_t			*j;
	char			*base, *d;
	const char		*ssh;

	memset(&c, 0, sizeof c);
	c.url = setup_answers_get(a, "scalelite", "url");
	c.secret = setup_answers_get(a, "scalelite", "secret");
	c.ca_file = *setup_answers_get(a, "scalelite", "ca_file") != '\0' ?
	    setup_answers_get(a, "scalelite", "ca_file") : NULL;
	c.timeout_ms = ms;
	base = api_scalelite_base(c.url);
	/* The BBB API: its checksum proves the secret. */
	api_scalelite_bbb(&r, &c, "getMeetings", "");
	http_perform(&r.http, &resp);
	if (setup_test_transport(base, "scalelite", &resp, ms, t))
		goto out;
	if (resp.body == NULL || strstr(resp.body, "<returncode>") == NULL) {
		t->text = xasprintf("not scalelite: %s/bigbluebutton/api "
		    "answered HTTP %ld without the BBB API's XML", base,
		    resp.status);
		goto out;
	}
	if (strstr(resp.body, "checksumError") != NULL) {
		t->text = xstrdup("scalelite refused the shared secret "
		    "(checksumError)");
		goto out;
	}
	if (strstr(resp.body, "<returncode>SUCCESS</returncode>") == NULL) {
		d = api_scalelite_describe(&c, &resp);
		t->text = xasprintf("scalelite: %s", d);
		free(d);
		goto out;
	}
	http_response_clear(&resp);
	api_req_clear(&r);
	/* The admin API came with 1.5.1. */
	api_scalelite_admin(&r, &c, "getServers", NULL, NULL);
	http_perform(&r.http, &resp);
	ssh = setup_answers_get(a, "scalelite", "ssh_host");
	/* 1.5.1 and later with no server yet: 404 and its JSON error */
	if (resp.status == 404 && (j = setup_test_json(&resp)) != NULL) {
		if (json_is_string(json_object_get(j, "error")) &&
		    strcmp(json_string_value(json_object_get(j, "error")),
		    "No servers are configured") == 0) {
			json_decref(j);
			t->ok = true;
			t->text = xstrdup("scalelite 1.5.1 or later: 0 "
			    "servers");
			goto out;
		}
		json_decref(j);
		j = NULL;
	}
	if (resp.status == 404 || (resp.status == 200 &&
	    (j = setup_test_json(&resp)) == NULL)) {
		if (*ssh == '\0') {
			t->text = xstrdup("scalelite before 1.5.1 (no admin "
			    "API): fill in 'rake ssh host' (rake over ssh)");
			goto out;
		}
		t->ok = true;
		t->text = xasprintf("scalelite before 1.5.1: servers are "
		    "managed with rake over ssh on %s", ssh);
		goto out;
	}
	if (resp.status != 200) {
		d = api_scalelite_describe(&c, &resp);
		t->text = xasprintf("scalelite admin API: %s", d);
		free(d);
		goto out;
	}
	t->ok = true;
	t->text = xasprintf("scalelite 1.5.1 or later: %zu servers",
	    json_array_size(j) != 0 ? json_array_size(j) :
	    json_array_size(json_object_get(j, "servers")));
	json_decref(j);
out:
	free(base);
	http_response_clear(&resp);
	api_req_clear(&r);
}

static void
setup_test_postgres(const struct setup_answers *a, long ms,
    struct setup_test *t)
{
	const char	*keys[] = { "dbname", "connect_timeout", NULL };
	const char	*vals[3];
	char		*msg, secs[32];
	PGconn		*pg;

	/* dbname expands a whole conninfo or URI; the deadline is added */
	snprintf(secs, sizeof secs, "%ld", (ms + 999) / 1000);
	vals[0] = setup_answers_get(a, "postgres", "conninfo");
	vals[1] = secs;
	vals[2] = NULL;
	pg = PQconnectdbParams(keys, vals, 1);
	if (pg == NULL) {
		t->text = xstrdup("PostgreSQL: out of memory");
		return;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		msg = api_clean(PQerrorMessage(pg), 300);
		t->text = xasprintf("PostgreSQL: %s%s", msg,
		    strstr(msg, "password") != NULL ? " (the password in "
		    "the connection string)" : "");
		free(msg);
	} else {
		t->ok = true;
		t->text = xasprintf("PostgreSQL %d.%d: database %s as %s",
		    PQserverVersion(pg) / 10000,
		    PQserverVersion(pg) % 10000 / 100, PQdb(pg), PQuser(pg));
	}
	PQfinish(pg);
}

void
setup_test_run(const struct setup_answers *a, const char *page,
    long timeout_ms, struct setup_test *t)
{
	memset(t, 0, sizeof *t);
	if (strcmp(page, "rancher") == 0)
		setup_test_rancher(a, timeout_ms, t);
	else if (strcmp(page, "openstack") == 0)
		setup_test_openstack(a, timeout_ms, t);
	else if (strcmp(page, "consul") == 0)
		setup_test_consul(a, timeout_ms, t);
	else if (strcmp(page, "prometheus") == 0)
		setup_test_prometheus(a, timeout_ms, t);
	else if (strcmp(page, "scalelite") == 0)
		setup_test_scalelite(a, timeout_ms, t);
	else if (strcmp(page, "postgres") == 0)
		setup_test_postgres(a, timeout_ms, t);
	else {
		t->ok = true;
		t->text = xstrdup("nothing to test on this page");
	}
}
