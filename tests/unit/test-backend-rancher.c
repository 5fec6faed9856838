/* test-backend-rancher.c: Rancher v2-beta collections, pages, quirks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "fixture.h"

static int
decode(enum backend_rancher_kind kind, const char *name,
    struct fleet_rancher_update *acc, char **next, char **cause)
{
	char	*body;
	size_t	 len;
	int	 rc;

	body = fixture_read(name, &len);
	rc = backend_rancher_decode(kind, body, len, acc, next, cause);
	free(body);
	return (rc);
}

static struct fleet_rancher_update *
update_new(void)
{
	return (xcalloc(1, sizeof (struct fleet_rancher_update)));
}

static void
test_stacks(void **state)
{
	struct fleet_rancher_update	*u = update_new();
	char				*next, *cause = NULL;

	(void)state;
	assert_int_equal(decode(BACKEND_RANCHER_STACKS, "rancher/stacks.json",
	    u, &next, &cause), 0);
	assert_null(next);
	assert_int_equal(u->nstacks, 3);
	assert_string_equal(u->stacks[0].id, "1st5");
	assert_string_equal(u->stacks[0].name, "bbb-01");
	assert_string_equal(u->stacks[0].state, "active");
	assert_string_equal(u->stacks[0].health, "healthy");
	assert_false(u->stacks[0].system);
	assert_string_equal(u->stacks[1].state, "upgraded");
	assert_string_equal(u->stacks[1].health, "degraded");
	fleet_rancher_update_free(u);
}

static void
test_services(void **state)
{
	struct fleet_rancher_update	*u = update_new();
	char				*next, *cause = NULL;

	(void)state;
	assert_int_equal(decode(BACKEND_RANCHER_SERVICES,
	    "rancher/services.json", u, &next, &cause), 0);
	assert_int_equal(u->nservices, 5);
	assert_string_equal(u->services[0].id, "1s12");
	assert_string_equal(u->services[0].stack_id, "1st5");
	assert_string_equal(u->services[0].name, "bbb");
	assert_int_equal(u->services[0].scale, 1);
	assert_string_equal(u->services[0].image,
	    "registry.example.com/kiz/bbb/application-single:beta4");
	assert_int_equal(u->services[0].ninstance_ids, 1);
	assert_string_equal(u->services[0].instance_ids[0], "1i45");
	assert_string_equal(u->services[3].state, "upgraded");
	assert_string_equal(u->services[3].health, "degraded");
	assert_int_equal(u->services[3].scale, 2);
	assert_int_equal(u->services[4].scale, -1);	/* null */
	assert_null(u->services[4].image);
	fleet_rancher_update_free(u);
}

static void
test_pages(void **state)
{
	struct fleet_rancher_update	*u = update_new();
	char				*next, *cause = NULL;

	(void)state;
	assert_int_equal(decode(BACKEND_RANCHER_SERVICES,
	    "rancher/services-page1.json", u, &next, &cause), 0);
	assert_string_equal(next, "http://rancher.example.com:8080/v2-beta/"
	    "projects/1a5/services?limit=2&marker=m2");
	free(next);
	assert_int_equal(u->nservices, 2);
	assert_int_equal(decode(BACKEND_RANCHER_SERVICES,
	    "rancher/services-page2.json", u, &next, &cause), 0);
	assert_null(next);
	assert_int_equal(u->nservices, 3);
	assert_string_equal(u->services[2].name, "lb");
	assert_string_equal(u->services[0].name, "bbb");
	/* a bad page leaves what was gathered intact */
	assert_int_equal(decode(BACKEND_RANCHER_SERVICES,
	    "rancher/error-401.json", u, &next, &cause), -1);
	assert_int_equal(u->nservices, 3);
	free(cause);
	fleet_rancher_update_free(u);
}

static void
test_hosts_agent_state(void **state)
{
	struct fleet_rancher_update	*u = update_new();
	char				*next, *cause = NULL;

	(void)state;
	assert_int_equal(decode(BACKEND_RANCHER_HOSTS, "rancher/hosts.json", u,
	    &next, &cause), 0);
	assert_int_equal(u->nhosts, 5);
	assert_string_equal(u->hosts[0].id, "1h1");
	assert_string_equal(u->hosts[0].hostname, "bbb-01.bbb.example.com");
	assert_string_equal(u->hosts[0].state, "active");
	assert_string_equal(u->hosts[0].agent_state, "active");
	assert_int_equal(u->hosts[0].ninstance_ids, 2);
	assert_string_equal(u->hosts[0].instance_ids[1], "1i46");
	assert_string_equal(u->hosts[1].state, "active");
	assert_null(u->hosts[1].agent_state);
	/* the server already replaced state with agentState */
	assert_string_equal(u->hosts[2].state, "disconnected");
	assert_string_equal(u->hosts[2].agent_state, "disconnected");
	/* state active but agent reconnecting: reads as reconnecting */
	assert_string_equal(u->hosts[3].state, "reconnecting");
	assert_string_equal(u->hosts[3].agent_state, "reconnecting");
	/* only an active state is overridden */
	assert_string_equal(u->hosts[4].state, "inactive");
	fleet_rancher_update_free(u);

	assert_string_equal(backend_rancher_host_state("active",
	    "disconnected"), "disconnected");
	assert_string_equal(backend_rancher_host_state("active", ""), "active");
	assert_string_equal(backend_rancher_host_state("active", NULL),
	    "active");
	assert_string_equal(backend_rancher_host_state("removed",
	    "disconnected"), "removed");
}

static void
test_errors(void **state)
{
	struct fleet_rancher_update	*u = update_new();
	char				*next, *cause = NULL;

	(void)state;
	assert_int_equal(decode(BACKEND_RANCHER_HOSTS, "rancher/error-401.json",
	    u, &next, &cause), -1);
	assert_string_equal(cause, "rancher: error 401 Unauthorized: "
	    "Unauthorized");
	free(cause);
	assert_int_equal(decode(BACKEND_RANCHER_HOSTS, "rancher/error-422.json",
	    u, &next, &cause), -1);
	assert_string_equal(cause, "rancher: error 422 InvalidState: Service "
	    "must be active");
	free(cause);
	assert_int_equal(decode(BACKEND_RANCHER_HOSTS,
	    "rancher/hosts-bad-state.json", u, &next, &cause), -1);
	assert_string_equal(cause, "rancher: data[0].state: expected a string, "
	    "got an array");
	free(cause);
	assert_int_equal(decode(BACKEND_RANCHER_HOSTS, "rancher/no-data.json",
	    u, &next, &cause), -1);
	assert_string_equal(cause, "rancher: data: missing");
	free(cause);
	assert_int_equal(u->nhosts, 0);
	fleet_rancher_update_free(u);
}

static void
test_projects(void **state)
{
	char	*body, *id, *cause;
	size_t	 len;

	(void)state;
	body = fixture_read("rancher/projects.json", &len);
	assert_int_equal(backend_rancher_decode_projects(body, len, NULL, &id,
	    &cause), 0);
	assert_string_equal(id, "1a5");
	free(id);
	assert_int_equal(backend_rancher_decode_projects(body, len, "bbb-prod",
	    &id, &cause), 0);
	assert_string_equal(id, "1a7");
	free(id);
	assert_int_equal(backend_rancher_decode_projects(body, len, "1a7",
	    &id, &cause), 0);
	assert_string_equal(id, "1a7");
	free(id);
	assert_int_equal(backend_rancher_decode_projects(body, len, "nope",
	    &id, &cause), -1);
	assert_null(id);
	assert_string_equal(cause,
	    "rancher: no project (environment) \"nope\"");
	free(cause);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_hosts_agent_state),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_projects),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
