/* test-backend-consul.c: the consul health decoder on recorded samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "fixture.h"

static struct fleet_consul_update *
decode_ok(const char *name)
{
	struct fleet_consul_update	*u = NULL;
	char				*body, *cause = NULL;
	size_t				 len;

	body = fixture_read(name, &len);
	if (backend_consul_decode(body, len, &u, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(body);
	return (u);
}

static char *
decode_fail(const char *name)
{
	struct fleet_consul_update	*u = (void *)1;
	char				*body, *cause = NULL;
	size_t				 len;

	body = fixture_read(name, &len);
	assert_int_equal(backend_consul_decode(body, len, &u, &cause), -1);
	assert_null(u);
	assert_non_null(cause);
	free(body);
	return (cause);
}

static void
test_health(void **state)
{
	struct fleet_consul_update	*u;
	struct fleet_consul_node_u	*n;

	(void)state;
	u = decode_ok("consul/health-service.json");
	assert_int_equal(u->nnodes, 3);
	assert_int_equal(u->index, 0);

	n = &u->nodes[0];
	assert_string_equal(n->node, "bbb-01");
	/* Service.Address wins over Node.Address */
	assert_string_equal(n->address, "bbb-01.bbb.example.com");
	assert_int_equal(n->nchecks, 2);
	assert_string_equal(n->checks[0].check_id, "serfHealth");
	assert_string_equal(n->checks[0].name, "Serf Health Status");
	assert_int_equal(n->checks[0].status, FLEET_HEALTH_PASSING);
	assert_string_equal(n->checks[0].output, "Agent alive and reachable");
	assert_string_equal(n->checks[1].check_id, "service:bbb-01-bbb");
	assert_string_equal(n->checks[1].name, "BBB API");

	n = &u->nodes[1];
	assert_string_equal(n->node, "bbb-02");
	/* empty Service.Address: the node's address */
	assert_string_equal(n->address, "10.1.10.13");
	assert_int_equal(n->checks[1].status, FLEET_HEALTH_WARNING);

	n = &u->nodes[2];
	assert_string_equal(n->node, "bbb-07");
	assert_int_equal(n->checks[0].status, FLEET_HEALTH_CRITICAL);
	assert_string_equal(n->checks[0].output,
	    "Agent not live or unreachable");
	assert_string_equal(n->checks[1].output, "");
	fleet_consul_update_free(u);
}

static void
test_empty(void **state)
{
	struct fleet_consul_update	*u;

	(void)state;
	u = decode_ok("consul/health-empty.json");
	assert_int_equal(u->nnodes, 0);
	fleet_consul_update_free(u);
}

static void
test_unknown_status(void **state)
{
	struct fleet_consul_update	*u;

	(void)state;
	u = decode_ok("consul/health-unknown-status.json");
	assert_int_equal(u->nnodes, 1);
	assert_int_equal(u->nodes[0].checks[0].status, FLEET_HEALTH_UNKNOWN);
	fleet_consul_update_free(u);
}

static void
test_errors(void **state)
{
	char	*cause;

	(void)state;
	cause = decode_fail("consul/health-bad-status-type.json");
	assert_string_equal(cause, "consul: [0].Checks[0].Status: expected a "
	    "string, got an integer");
	free(cause);

	cause = decode_fail("consul/health-not-array.json");
	assert_string_equal(cause, "consul: answer: expected an array, got an "
	    "object");
	free(cause);

	/* consul errors are plain text */
	cause = decode_fail("consul/permission-denied.txt");
	assert_non_null(strstr(cause, "consul: not JSON"));
	free(cause);
}

static void
test_truncated(void **state)
{
	struct fleet_consul_update	*u;
	char				*body, *cause = NULL;
	size_t				 len, cut;

	(void)state;
	body = fixture_read("consul/health-service.json", &len);
	/* every prefix is either an error or (whole doc) a good answer */
	for (cut = 0; cut < len; cut += 7) {
		u = NULL;
		cause = NULL;
		if (backend_consul_decode(body, cut, &u, &cause) == 0)
			fleet_consul_update_free(u);
		else {
			assert_null(u);
			assert_non_null(cause);
			free(cause);
		}
	}
	assert_int_equal(backend_consul_decode(body, len / 2, &u, &cause), -1);
	assert_non_null(strstr(cause, "not JSON"));
	free(cause);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unknown_status),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
