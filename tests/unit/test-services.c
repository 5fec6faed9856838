/* test-services.c: services.c (the probes' results in the model) and the
   service problem rules of problems.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "problems.h"
#include "services.h"
#include "status.h"
#include "util.h"

#define NOW	1700000000000LL
#define DAY	(24LL * 3600 * 1000)

static struct svc_result *
result(const char *name, const char *kind, enum svc_state st,
    enum svc_fail fl, const char *detail)
{
	struct svc_result	*r;

	r = services_result_new(name, kind, "127.0.0.1:3478");
	r->state = st;
	r->fail = fl;
	r->detail = detail != NULL ? xstrdup(detail) : NULL;
	r->latency_ms = 12;
	return (r);
}

static const struct fleet_problem *
problem(const struct fleet *f, const char *rule, const char *subject)
{
	size_t	 i;

	for (i = 0; i < f->nproblems; i++) {
		if (strcmp(f->problems[i]->rule, rule) == 0 &&
		    strncmp(f->problems[i]->text, subject,
		    strlen(subject)) == 0)
			return (f->problems[i]);
	}
	return (NULL);
}

static void
test_apply(void **state)
{
	struct fleet		*f;
	const struct svc	*s;
	uint64_t		 v;
	uint32_t		 id;

	(void)state;
	f = fleet_new("t");
	services_expect(f, "turn-udp", "turn", "127.0.0.1:3478", -1, NOW);
	services_expect(f, "postgres", "postgres", NULL, -1, NOW);
	assert_int_equal(f->nsvcs, 2);
	/* sorted by name */
	assert_string_equal(f->svcs[0]->name, "postgres");
	assert_int_equal(f->svcs[1]->state, SVC_PENDING);
	id = f->svcs[1]->id;

	v = f->version;
	services_apply(f, result("turn-udp", "turn", SVC_OK, SVC_FAIL_AUTH,
	    "relay 127.0.0.1:50000"), NOW + 1000);
	assert_true(f->version > v);
	s = services_find(f, "turn-udp");
	assert_non_null(s);
	assert_int_equal(s->id, id);
	assert_int_equal(s->state, SVC_OK);
	assert_int_equal(s->fail, SVC_FAIL_NONE);	/* ok clears it */
	assert_int_equal(s->last_ok, NOW + 1000);
	assert_int_equal(s->latency_ms, 12);
	assert_string_equal(s->detail, "relay 127.0.0.1:50000");
	assert_int_equal(services_worst(f), 0);

	/* a failure keeps the last good time */
	services_apply(f, result("turn-udp", "turn", SVC_FAILED,
	    SVC_FAIL_TIMEOUT, "no answer"), NOW + 2000);
	s = services_find(f, "turn-udp");
	assert_int_equal(s->last_ok, NOW + 1000);
	assert_int_equal(s->last_try, NOW + 2000);
	assert_int_equal(services_worst(f), 2);
	assert_null(services_find(f, "nope"));
	fleet_free(f);
}

static void
test_rules(void **state)
{
	struct fleet			*f;
	const struct fleet_problem	*p;
	struct svc_result		*r;

	(void)state;
	f = fleet_new("t");
	services_apply(f, result("turn-udp", "turn", SVC_FAILED,
	    SVC_FAIL_AUTH, "Allocate: 401 Unauthorized"), NOW);
	p = problem(f, "service-auth", "turn-udp");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_null(p->node_key);
	assert_non_null(strstr(p->text, "401 Unauthorized"));
	assert_non_null(strstr(p->text, "static-auth-secret"));
	assert_null(problem(f, "service-down", "turn-udp"));
	assert_int_equal(status_exit_code(f), STATUS_CRITICAL);

	/* fixed: the problem goes */
	services_apply(f, result("turn-udp", "turn", SVC_OK, SVC_FAIL_NONE,
	    "relay"), NOW + 1000);
	assert_null(problem(f, "service-auth", "turn-udp"));

	services_apply(f, result("stun-tcp", "stun", SVC_FAILED,
	    SVC_FAIL_REFUSED, "connect: Connection refused"), NOW);
	p = problem(f, "service-down", "stun-tcp");
	assert_non_null(p);
	assert_non_null(strstr(p->text, "start coturn"));

	/* The same system's source failing says it already. */
	services_expect(f, "rancher", "http", NULL, FLEET_SRC_RANCHER, NOW);
	fleet_source_enable(f, FLEET_SRC_RANCHER, true);
	services_apply(f, result("rancher", "http", SVC_FAILED,
	    SVC_FAIL_TIMEOUT, "no answer"), NOW);
	assert_non_null(problem(f, "service-down", "rancher"));
	fleet_source_failed(f, FLEET_SRC_RANCHER, "no answer", NOW);
	assert_null(problem(f, "service-down", "rancher"));
	assert_non_null(problem(f, "source-failed", "rancher"));

	services_apply(f, result("tls:a:443", "tls", SVC_FAILED,
	    SVC_FAIL_TLS, "certificate: self-signed certificate"), NOW);
	assert_non_null(problem(f, "service-tls", "tls:a:443"));

	/* certificates: warn within cert_days, crit within crit days */
	r = result("tls:b:443", "tls", SVC_OK, SVC_FAIL_NONE, "valid");
	/* (the fleet's clock is at NOW + 1000 already) */
	r->cert_expiry = NOW + 1000 + 10 * DAY;
	services_apply(f, r, NOW + 1000);
	p = problem(f, "service-cert-expiry", "tls:b:443");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	assert_non_null(strstr(p->text, "expires in 10d"));
	r = result("tls:b:443", "tls", SVC_OK, SVC_FAIL_NONE, "valid");
	r->cert_expiry = NOW + 1000 - 2 * DAY;
	services_apply(f, r, NOW + 1000);
	p = problem(f, "service-cert-expiry", "tls:b:443");
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_non_null(strstr(p->text, "expired 2d ago"));
	/* a failed run does not forget the certificate */
	services_apply(f, result("tls:b:443", "tls", SVC_FAILED,
	    SVC_FAIL_TIMEOUT, "no answer"), NOW);
	assert_int_equal(services_find(f, "tls:b:443")->cert_expiry,
	    NOW + 1000 - 2 * DAY);

	/* PostgreSQL: nearly full warns, full is critical */
	r = result("postgres", "postgres", SVC_WARN, SVC_FAIL_NONE,
	    "PostgreSQL 15, 95 of 97 connections in use");
	r->conn_used = 95;
	r->conn_max = 97;
	services_apply(f, r, NOW);
	p = problem(f, "db-connections", "postgres");
	assert_non_null(p);
	assert_int_equal(p->severity, FLEET_SEV_WARNING);
	services_apply(f, result("postgres", "postgres", SVC_FAILED,
	    SVC_FAIL_FULL, "too many clients already"), NOW);
	p = problem(f, "db-connections", "postgres");
	assert_int_equal(p->severity, FLEET_SEV_CRITICAL);
	assert_non_null(strstr(p->text, "max_connections"));
	fleet_free(f);
}

static void
test_json(void **state)
{
	struct fleet		*f;
	struct svc_result	*r;
	json_t			*a, *o;

	(void)state;
	f = fleet_new("t");
	r = result("postgres", "postgres", SVC_OK, SVC_FAIL_NONE, "ok");
	r->conn_used = 3;
	r->conn_max = 97;
	r->cert_expiry = 1700000000000LL;
	services_apply(f, r, NOW);
	services_apply(f, result("turn-tcp", "turn", SVC_FAILED,
	    SVC_FAIL_REFUSED, "refused"), NOW);
	a = services_json(f, NOW + 5000);
	assert_int_equal(json_array_size(a), 2);
	o = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
	    "postgres");
	assert_true(json_is_null(json_object_get(o, "failure")));
	assert_int_equal(json_integer_value(json_object_get(o,
	    "connections_max")), 97);
	assert_int_equal(json_integer_value(json_object_get(o, "age_ms")),
	    5000);
	assert_string_equal(json_string_value(json_object_get(o,
	    "cert_expiry")), "2023-11-14T22:13:20Z");
	o = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(o, "failure")),
	    "refused");
	assert_string_equal(json_string_value(json_object_get(o, "state")),
	    "failed");
	assert_non_null(json_string_value(json_object_get(o, "fix")));
	json_decref(a);
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_json),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
