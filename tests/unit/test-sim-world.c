/*
 * test-sim-world.c: the simulated world (names, seeds, profiles, the
 * scalelite poller's health thresholds, cordon draining), the fault
 * specification parser and the chunked fault on the wire.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "util.h"
#include "sim/sim.h"

static void
test_names_and_seed(void **state)
{
	struct sim_world	*a, *b, *c;

	a = sim_world_new(12, 42, 0, "default");
	b = sim_world_new(12, 42, 0, "default");
	c = sim_world_new(12, 43, 0, "default");
	assert_string_equal(a->nodes[0].name, "bbb-01");
	assert_string_equal(a->nodes[11].name, "bbb-12");
	assert_string_equal(a->nodes[0].fqdn, "bbb-01.localhost");
	assert_string_equal(a->nodes[4].host_id, "1h5");
	/* same seed, same secrets and ids; another seed, others */
	assert_string_equal(a->sl_secret, b->sl_secret);
	assert_string_equal(a->consul_token, b->consul_token);
	assert_string_equal(a->nodes[3].sl_id, b->nodes[3].sl_id);
	assert_string_equal(a->nodes[3].secret, b->nodes[3].secret);
	assert_int_equal(a->nmeetings, b->nmeetings);
	assert_string_not_equal(a->sl_secret, c->sl_secret);
	assert_string_not_equal(a->nodes[3].sl_id, c->nodes[3].sl_id);
	assert_int_equal(strlen(a->nodes[0].sl_id), 36);
	sim_world_free(a);
	sim_world_free(b);
	sim_world_free(c);

	a = sim_world_new(100, 1, 0, "clean");
	assert_string_equal(a->nodes[0].name, "bbb-001");
	assert_string_equal(a->nodes[99].name, "bbb-100");
	assert_int_equal(sim_node_by_name(a, "bbb-050"), 49);
	assert_int_equal(sim_node_by_name(a, "bbb-050.localhost"), 49);
	assert_int_equal(sim_node_by_name(a, "bbb-50"), -1);
	sim_world_free(a);
	a = sim_world_new(5000, 1, 0, "clean");
	assert_string_equal(a->nodes[4999].name, "bbb-5000");
	sim_world_free(a);
}

static void
test_profiles(void **state)
{
	struct sim_world	*w;
	size_t			 i;

	w = sim_world_new(12, 1, 0, "default");
	/* bbb-03: offline in scalelite while consul passes */
	assert_false(w->nodes[2].online);
	assert_true(w->nodes[2].in_consul && w->nodes[2].consul_passing);
	assert_true(isnan(w->nodes[2].load));
	/* bbb-05: CPU above 90 % */
	assert_true(w->nodes[4].cpu > 90.0);
	/* one stack degraded; one node unknown to scalelite */
	assert_true(w->nodes[6].rancher_degraded);
	assert_false(w->nodes[11].in_scalelite);
	assert_true(w->nodes[11].in_consul);
	sim_world_free(w);

	w = sim_world_new(12, 1, 0, "clean");
	for (i = 0; i < w->nnodes; i++) {
		assert_true(w->nodes[i].online);
		assert_true(w->nodes[i].in_scalelite);
		assert_false(w->nodes[i].rancher_degraded);
		assert_true(w->nodes[i].cpu_base == 0.0);
	}
	sim_world_free(w);
}

static void
test_poller_thresholds(void **state)
{
	struct sim_world	*w;
	struct sim_node		*n;

	w = sim_world_new(4, 5, 0, "clean");
	n = &w->nodes[1];
	assert_true(n->online);
	sim_world_add_meeting(w, 1, "m1", "Meeting");
	n->bbb_api_ok = false;
	/* one failed poll: still online (SERVER_UNHEALTHY_THRESHOLD 2) */
	sim_world_poll(w);
	assert_true(n->online);
	assert_int_equal(n->unhealthy_counter, 1);
	assert_int_equal(n->healthy_counter, 0);
	/* second: offline, panicked (meetings gone, load nil) */
	sim_world_poll(w);
	assert_false(n->online);
	assert_true(isnan(n->load));
	assert_int_equal(n->nmeetings, 0);
	/* one good poll brings it back (SERVER_HEALTHY_THRESHOLD 1) */
	n->bbb_api_ok = true;
	sim_world_poll(w);
	assert_true(n->online);
	assert_int_equal(n->unhealthy_counter, 0);
	assert_false(isnan(n->load));
	sim_world_free(w);
}

static void
test_poller_load_and_cordon(void **state)
{
	struct sim_world	*w;
	struct sim_node		*n;
	size_t			 i;

	w = sim_world_new(3, 5, 0, "clean");
	n = &w->nodes[0];
	sim_world_end_meetings(w, 0);
	/* a fresh meeting counts as LOAD_MIN_USER_COUNT (15) */
	i = sim_world_add_meeting(w, 0, "m1", "Meeting");
	w->meetings[i].participants = 2;
	w->meetings[i].moderators = 1;
	w->meetings[i].target = 2;
	n->load_multiplier = 2.0;
	sim_world_poll(w);
	assert_true(fabs(n->load - 30.0) < 1e-9);
	assert_int_equal(n->sl_meetings, 1);

	/* cordoned: no new meetings; disabled by the poller once empty */
	n->lb = SIM_LB_CORDONED;
	sim_world_poll(w);
	assert_int_equal(n->lb, SIM_LB_CORDONED);
	sim_world_end_meetings(w, 0);
	sim_world_advance(w, 6 * 3600 * 1000LL);
	assert_int_equal(n->nmeetings, 0);
	assert_int_equal(n->lb, SIM_LB_DISABLED);
	assert_true(isnan(n->load));
	sim_world_free(w);
}

static void
test_model_moves(void **state)
{
	struct sim_world	*w;
	double			 busy0, rx0;
	int64_t			 t0;

	w = sim_world_new(20, 9, 0, "clean");
	t0 = w->now_ms;
	busy0 = w->nodes[0].cpu_seconds[0][1];
	rx0 = w->nodes[0].net_rx_bytes;
	sim_world_advance(w, 3600 * 1000);
	assert_true(w->now_ms - t0 >= 3600 * 1000 - 1000);
	/* counters only grow, by about cpu% of the elapsed time */
	assert_true(w->nodes[0].cpu_seconds[0][1] > busy0);
	assert_true(w->nodes[0].cpu_seconds[0][1] - busy0 <= 3600.0);
	assert_true(w->nodes[0].net_rx_bytes > rx0);
	sim_world_free(w);
}

static void
test_add_node(void **state)
{
	struct sim_world	*w;
	size_t			 i;
	uint64_t		 idx;

	w = sim_world_new(12, 3, 0, "clean");
	idx = w->index;
	i = sim_world_add_node(w);
	assert_int_equal(i, 12);
	assert_int_equal(w->nnodes, 13);
	assert_string_equal(w->nodes[i].name, "bbb-13");
	assert_string_equal(w->nodes[i].vm_status, "BUILD");
	assert_false(w->nodes[i].in_consul);
	assert_false(w->nodes[i].in_scalelite);
	assert_false(w->nodes[i].up);
	assert_string_not_equal(w->nodes[i].secret, w->nodes[0].secret);
	assert_true(w->index > idx);
	assert_int_equal(w->nodes[i].consul_modify_index, w->index);
	/* the world keeps running with it */
	sim_world_advance(w, 120000);
	assert_int_equal(w->nodes[i].nmeetings, 0);
	sim_world_free(w);
}

/* bbbctl's own loader takes the config the sim writes. */
static void
test_write_config(void **state)
{
	struct sim_world	*w;
	struct config		*cfg;
	struct stat		 st;
	char			 dir[4096];
	char			*path, *cause = NULL, *u;
	int			 i;

	w = sim_world_new(3, 11, 0, "clean");
	for (i = 0; i < SIM_NSYSTEMS; i++)
		w->ports[i] = (uint16_t)(40000 + i);
	snprintf(dir, sizeof dir, "%s/test-sim-configXXXXXX", util_tmpdir());
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/bbbctl.conf", dir);
	assert_int_equal(sim_write_config(w, path, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	cfg = config_new();
	if (config_load(cfg, path, &cause) != 0)
		fail_msg("config_load: %s", cause);
	u = sim_url(w, SIM_CONSUL);
	assert_string_equal(cfg->consul.url, u);
	free(u);
	assert_string_equal(cfg->consul.token, w->consul_token);
	assert_string_equal(cfg->consul.service, "bbb");
	assert_string_equal(cfg->prometheus.password, w->prom_password);
	assert_string_equal(cfg->scalelite.secret, w->sl_secret);
	assert_string_equal(cfg->rancher.project, "1a5");
	assert_string_equal(cfg->rancher.secret_key, w->rancher_secret);
	assert_non_null(strstr(cfg->rancher.url, "/v2-beta"));
	assert_string_equal(cfg->openstack.application_credential_secret,
	    w->os_cred_secret);
	assert_non_null(strstr(cfg->openstack.auth_url, "/v3"));
	config_free(cfg);

	/* a directory that does not exist: an error, not a crash */
	free(path);
	path = xasprintf("%s/missing/bbbctl.conf", dir);
	assert_int_equal(sim_write_config(w, path, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
	path = xasprintf("%s/bbbctl.conf", dir);
	unlink(path);
	rmdir(dir);
	free(path);
	sim_world_free(w);
}

static void
test_fault_parse(void **state)
{
	struct sim_fault	 f;
	struct sim_world	*w;
	char			*cause, *list;

	assert_int_equal(sim_fault_parse("rancher:/v2-beta:hang", &f, &cause),
	    0);
	assert_int_equal(f.system, SIM_RANCHER);
	assert_string_equal(f.prefix, "/v2-beta");
	assert_int_equal(f.kind, SIM_FAULT_HANG);
	free(f.prefix);
	assert_int_equal(sim_fault_parse("prometheus:/api/v1/query:latency:"
	    "3000", &f, &cause), 0);
	assert_int_equal(f.kind, SIM_FAULT_LATENCY);
	assert_int_equal(f.arg, 3000);
	free(f.prefix);
	assert_int_equal(sim_fault_parse("consul:/v1/health:status:500", &f,
	    &cause), 0);
	assert_int_equal(f.arg, 500);
	free(f.prefix);
	assert_int_equal(sim_fault_parse("metrics:/:huge", &f, &cause), 0);
	assert_int_equal(f.arg, 100LL * 1024 * 1024);
	free(f.prefix);
	assert_int_equal(sim_fault_parse("scalelite:/api:chunked", &f,
	    &cause), 0);
	assert_int_equal(f.kind, SIM_FAULT_CHUNKED);
	assert_string_equal(sim_fault_kind_name(f.kind), "chunked");
	free(f.prefix);
	assert_int_equal(sim_fault_parse("consul:/:chunked:100", &f, &cause),
	    -1);
	assert_non_null(strstr(cause, "takes no argument"));
	free(cause);

	assert_int_equal(sim_fault_parse("nope:/:hang", &f, &cause), -1);
	assert_non_null(strstr(cause, "nope"));
	free(cause);
	assert_int_equal(sim_fault_parse("consul:/:explode", &f, &cause), -1);
	free(cause);
	assert_int_equal(sim_fault_parse("consul:/:status:999", &f, &cause),
	    -1);
	free(cause);
	assert_int_equal(sim_fault_parse("consul:/:latency", &f, &cause), -1);
	free(cause);
	assert_int_equal(sim_fault_parse("consul", &f, &cause), -1);
	free(cause);
	assert_int_equal(sim_fault_parse("consul:v1:hang", &f, &cause), -1);
	free(cause);

	w = sim_world_new(1, 1, 0, "clean");
	assert_int_equal(sim_fault_add(w, "consul:/v1/kv:reset", &cause), 0);
	assert_true(sim_fault_match(w, SIM_CONSUL, "/v1/kv/x", &f));
	assert_int_equal(f.kind, SIM_FAULT_RESET);
	assert_false(sim_fault_match(w, SIM_CONSUL, "/v1/health", &f));
	assert_false(sim_fault_match(w, SIM_RANCHER, "/v1/kv/x", &f));
	list = sim_fault_list(w);
	assert_non_null(strstr(list, "\"reset\""));
	free(list);
	sim_fault_clear(w);
	assert_false(sim_fault_match(w, SIM_CONSUL, "/v1/kv/x", &f));
	sim_world_free(w);
}

/*
 * The chunked fault on the wire: chunked transfer encoding, no
 * Content-Length, and a body that goes on past any cap a client has.
 */
static void
test_fault_chunked(void **state)
{
	struct sim_world	*w;
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	char			*cause = NULL, *url, buf[65536], head[4096];
	const char		*req = "GET /v1/status/leader HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	size_t			 hlen = 0, body = 0;
	ssize_t			 n;
	int			 fd, port;
	char			*end;

	(void)state;
	w = sim_world_new(1, 1, 0, "clean");
	assert_int_equal(sim_http_start(w, "127.0.0.1", 0, &cause), 0);
	assert_int_equal(sim_fault_add(w, "consul:/v1/status:chunked",
	    &cause), 0);
	url = sim_url(w, SIM_CONSUL);
	assert_non_null(strrchr(url, ':'));
	port = atoi(strrchr(url, ':') + 1);
	free(url);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));

	/* The head. */
	end = NULL;
	while (end == NULL && hlen < sizeof head - 1) {
		n = read(fd, head + hlen, sizeof head - 1 - hlen);
		assert_true(n > 0);
		hlen += (size_t)n;
		head[hlen] = '\0';
		end = strstr(head, "\r\n\r\n");
	}
	assert_non_null(end);
	*end = '\0';
	assert_non_null(strcasestr(head, "\r\nTransfer-Encoding: chunked"));
	assert_null(strcasestr(head, "\r\nContent-Length:"));
	body = hlen - (size_t)(end + 4 - head);

	/* 8 MiB of body and no end in sight. */
	while (body < 8 * 1024 * 1024) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		n = read(fd, buf, sizeof buf);
		assert_true(n > 0);
		body += (size_t)n;
		/* the last chunk, "0" CRLF CRLF, would end it */
		assert_null(memmem(buf, (size_t)n, "\r\n0\r\n\r\n", 7));
	}
	close(fd);
	sim_http_stop(w);
	sim_world_free(w);
}

static void
test_query(void **state)
{
	char	*v;

	v = sim_query_get("a=1&key=hello%20w+x&flag", "key");
	assert_string_equal(v, "hello w x");
	free(v);
	v = sim_query_get("a=1&flag", "flag");
	assert_string_equal(v, "");
	free(v);
	assert_null(sim_query_get("a=1", "b"));
	assert_null(sim_query_get("ab=1", "a"));
	assert_true(sim_query_has("recurse&x=1", "recurse"));
	assert_false(sim_query_has("recursed", "recurse"));
	v = sim_base64("hello", 5);
	assert_string_equal(v, "aGVsbG8=");
	free(v);
	v = sim_base64("", 0);
	assert_string_equal(v, "");
	free(v);
	v = sim_base64("ab", 2);
	assert_string_equal(v, "YWI=");
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_seed),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_poller_thresholds),
		cmocka_unit_test(test_poller_load_and_cordon),
		cmocka_unit_test(test_model_moves),
		cmocka_unit_test(test_add_node),
		cmocka_unit_test(test_write_config),
		cmocka_unit_test(test_fault_parse),
		cmocka_unit_test(test_fault_chunked),
		cmocka_unit_test(test_query),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
