/*
 * sim-control.c: the simulator's own control endpoint (not a real API).
 *
 *   GET    /faults                list, JSON array
 *   POST   /faults[?spec=S]       add SYSTEM:PREFIX:KIND[:ARG] (body or spec)
 *   DELETE /faults                clear all
 *   GET    /state                 JSON summary of the world
 *   POST   /nodes/NAME/ACTION     down up exporter-down exporter-up
 *                                 api-fail api-ok consul-fail consul-pass
 *                                 consul-deregister consul-register
 *                                 cpu?value=PERCENT
 *   POST   /tick?ms=N             advance simulated (and real-time) clocks
 *   POST   /poll                  run scalelite's poller now
 *   POST   /speed?x=X             change the speed
 *   POST   /rake[?version=V]      scalelite's rake tasks, one a line in
 *                                 the body (the legacy profile's; for a
 *                                 test's stand-in `docker`): JSON
 *                                 {"out", "err", "exit"}
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

static const char *
sim_control_lb(enum sim_lb lb)
{
	switch (lb) {
	case SIM_LB_ENABLED:
		return ("enabled");
	case SIM_LB_CORDONED:
		return ("cordoned");
	case SIM_LB_DISABLED:
		return ("disabled");
	}
	return ("?");
}

static json_t *
sim_control_node(const struct sim_node *n)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:b, s:b, s:b, "
	    "s:f, s:f, s:f, s:f, s:f, s:i, s:i, s:i, s:i, s:i, s:b, s:s, "
	    "s:s, s:s, s:s, s:s, s:i, s:i}",
	    "name", n->name, "fqdn", n->fqdn, "up", n->up, "bbb_api_ok",
	    n->bbb_api_ok, "exporter_up", n->exporter_up, "in_scalelite",
	    n->in_scalelite, "lb", sim_control_lb(n->lb), "online", n->online,
	    "in_consul", n->in_consul, "consul_passing", n->consul_passing,
	    "cpu", n->cpu, "mem_used", n->mem_used, "mem_total", n->mem_total,
	    "net_in", n->net_in, "net_out", n->net_out,
	    "meetings", n->nmeetings, "participants", n->participants,
	    "voice", n->voice, "video", n->video, "listeners", n->listeners,
	    "rancher_degraded", n->rancher_degraded, "sl_id", n->sl_id,
	    "host_id", n->host_id, "host_state", n->host_state,
	    "vm_id", n->vm_id, "vm_status", n->vm_status,
	    "healthy_counter", n->healthy_counter, "unhealthy_counter",
	    n->unhealthy_counter);
	json_object_set_new(o, "load", isnan(n->load) ? json_null() :
	    json_real(n->load));
	return (o);
}

static void
sim_control_state(struct sim_world *w, struct sim_resp *r)
{
	json_t	*o, *a;
	size_t	 i;

	a = json_array();
	for (i = 0; i < w->nnodes; i++)
		json_array_append_new(a, sim_control_node(&w->nodes[i]));
	o = json_pack("{s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:o}",
	    "profile", w->profile, "now_ms", (json_int_t)w->now_ms,
	    "rt_ms", (json_int_t)w->rt_ms, "speed", w->speed,
	    "index", (json_int_t)w->index, "meetings",
	    (json_int_t)w->nmeetings, "poll_interval_ms",
	    (json_int_t)w->poll_interval_ms, "nodes", a);
	sim_resp_json(r, 200, o);
}

static void
sim_control_faults(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	char	*spec, *cause;

	if (strcmp(req->method, "GET") == 0) {
		sim_resp_set(r, 200, "application/json", sim_fault_list(w));
		return;
	}
	if (strcmp(req->method, "DELETE") == 0) {
		sim_fault_clear(w);
		sim_resp_set(r, 200, "application/json", sim_fault_list(w));
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		sim_resp_printf(r, 405, NULL, "method %s not allowed\n",
		    req->method);
		sim_resp_header(r, "Allow", "GET, POST, DELETE");
		return;
	}
	spec = sim_query_get(req->query, "spec");
	if (spec == NULL) {
		spec = xstrndup(req->body, req->bodylen);
		spec[strcspn(spec, "\r\n")] = '\0';
	}
	if (sim_fault_add(w, spec, &cause) != 0) {
		sim_resp_printf(r, 400, NULL, "%s\n", cause);
		free(cause);
	} else
		sim_resp_set(r, 201, "application/json", sim_fault_list(w));
	free(spec);
}

static void
sim_control_nodes(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r, const char *rest)
{
	struct sim_node	*n;
	const char	*slash, *errstr;
	char		*name, *v;
	double		 d;
	int		 i;

	if ((slash = strchr(rest, '/')) == NULL) {
		sim_resp_printf(r, 404, NULL, "expected /nodes/NAME/ACTION\n");
		return;
	}
	name = xstrndup(rest, (size_t)(slash - rest));
	i = sim_node_by_name(w, name);
	if (i == -1) {
		sim_resp_printf(r, 404, NULL, "no node %s\n", name);
		free(name);
		return;
	}
	free(name);
	n = &w->nodes[i];
	rest = slash + 1;
	if (strcmp(rest, "down") == 0) {
		n->up = false;
		n->exporter_up = false;
		sim_world_end_meetings(w, (size_t)i);
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "up") == 0) {
		n->up = true;
		n->exporter_up = true;
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "exporter-down") == 0)
		n->exporter_up = false;
	else if (strcmp(rest, "exporter-up") == 0)
		n->exporter_up = true;
	else if (strcmp(rest, "api-fail") == 0)
		n->bbb_api_ok = false;
	else if (strcmp(rest, "api-ok") == 0)
		n->bbb_api_ok = true;
	else if (strcmp(rest, "consul-fail") == 0) {
		n->consul_passing = false;
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "consul-deregister") == 0) {
		n->in_consul = false;
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "consul-register") == 0) {
		n->in_consul = true;
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "consul-pass") == 0) {
		n->consul_passing = true;
		sim_node_changed(w, (size_t)i);
	} else if (strcmp(rest, "cpu") == 0) {
		v = sim_query_get(req->query, "value");
		if (v == NULL || util_parse_double(v, &d, &errstr) != 0 ||
		    d < 0 || d > 100) {
			sim_resp_printf(r, 400, NULL,
			    "cpu needs ?value=PERCENT (0-100)\n");
			free(v);
			return;
		}
		free(v);
		/* the base is what the node adds beyond its load */
		n->cpu_base = d - sim_node_load_cpu(n);
		n->cpu = d;
	} else {
		sim_resp_printf(r, 404, NULL, "unknown node action %s\n",
		    rest);
		return;
	}
	sim_resp_json(r, 200, sim_control_node(n));
}

/*
 * POST /health?system=scalelite|greenlight[&failure=TEXT]: that health
 * check fails with TEXT (200 "Health Check Failure: TEXT", as scalelite
 * and Greenlight 2 answer), or passes again without failure.
 */
static void
sim_control_health(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	char	*sys, *text, *dst;
	size_t	 i;

	sys = sim_query_get(req->query, "system");
	text = sim_query_get(req->query, "failure");
	if (sys != NULL && strcmp(sys, "scalelite") == 0)
		dst = w->sl_health_failure;
	else if (sys != NULL && strcmp(sys, "greenlight") == 0)
		dst = w->gl_health_failure;
	else {
		sim_resp_printf(r, 400, NULL, "health needs "
		    "?system=scalelite|greenlight[&failure=TEXT]\n");
		goto out;
	}
	if (text != NULL && strlen(text) >= sizeof w->sl_health_failure) {
		sim_resp_printf(r, 400, NULL, "failure: at most %zu bytes\n",
		    sizeof w->sl_health_failure - 1);
		goto out;
	}
	for (i = 0; text != NULL && text[i] != '\0'; i++) {
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	}
	snprintf(dst, sizeof w->sl_health_failure, "%s", text != NULL ? text :
	    "");
	sim_resp_printf(r, 200, "application/json",
	    "{\"system\":\"%s\",\"healthy\":%s}", sys,
	    *dst == '\0' ? "true" : "false");
out:
	free(sys);
	free(text);
}

/* POST /rake: the tasks of the body's lines, as `rake` runs them. */
static void
sim_control_rake(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	struct buf	 out = { 0 }, err = { 0 };
	char		*body, *p, *line, *version, **tasks = NULL;
	size_t		 n = 0, i;
	int		 rc;

	body = xstrndup(req->body != NULL ? req->body : "", req->bodylen);
	for (p = body; (line = strsep(&p, "\n")) != NULL;) {
		if (*line == '\0')
			continue;
		tasks = xreallocarray(tasks, n + 1, sizeof *tasks);
		tasks[n++] = line;
	}
	version = sim_query_get(req->query, "version");
	rc = sim_scalelite_rake(w, version, tasks, n, &out, &err);
	buf_add(&out, "", 0);
	buf_add(&err, "", 0);
	sim_resp_json(r, 200, json_pack("{s:s, s:s, s:i}", "out", out.data,
	    "err", err.data, "exit", rc));
	for (i = 0; i < n; i++)
		explicit_bzero(tasks[i], strlen(tasks[i]));
	free(tasks);
	free(body);
	free(version);
	buf_free(&out);
	buf_free(&err);
}

void
sim_control_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	const char	*p = req->path, *errstr;
	char		*v;
	long long	 ll;
	double		 d;

	if (strcmp(p, "/faults") == 0) {
		sim_control_faults(w, req, r);
		return;
	}
	if (strcmp(p, "/state") == 0) {
		sim_control_state(w, r);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		if (strcmp(p, "/") == 0) {
			sim_resp_printf(r, 200, NULL, "bbbctl-sim control: "
			    "GET /state, GET|POST|DELETE /faults, POST "
			    "/nodes/NAME/ACTION, POST /health?system=SYS"
			    "[&failure=TEXT], POST /tick?ms=N, POST /poll,"
			    " POST /speed?x=X, POST /rake[?version=V]\n");
			return;
		}
		sim_resp_printf(r, 405, NULL, "method %s not allowed\n",
		    req->method);
		sim_resp_header(r, "Allow", "POST");
		return;
	}
	if (strncmp(p, "/nodes/", 7) == 0) {
		sim_control_nodes(w, req, r, p + 7);
		return;
	}
	if (strcmp(p, "/health") == 0) {
		sim_control_health(w, req, r);
		return;
	}
	if (strcmp(p, "/tick") == 0) {
		v = sim_query_get(req->query, "ms");
		if (v == NULL || util_parse_ll(v, 0, 366LL * 86400000, &ll,
		    &errstr) != 0) {
			sim_resp_printf(r, 400, NULL, "tick needs ?ms=N\n");
			free(v);
			return;
		}
		free(v);
		sim_world_advance(w, ll);
		sim_resp_printf(r, 200, "application/json",
		    "{\"now_ms\":%lld,\"rt_ms\":%lld}", (long long)w->now_ms,
		    (long long)w->rt_ms);
		return;
	}
	if (strcmp(p, "/poll") == 0) {
		sim_world_poll(w);
		w->last_poll_ms = w->now_ms;
		sim_resp_printf(r, 200, "application/json", "true");
		return;
	}
	if (strcmp(p, "/rake") == 0) {
		sim_control_rake(w, req, r);
		return;
	}
	if (strcmp(p, "/speed") == 0) {
		v = sim_query_get(req->query, "x");
		if (v == NULL || util_parse_double(v, &d, &errstr) != 0 ||
		    d < 0 || d > 100000) {
			sim_resp_printf(r, 400, NULL,
			    "speed needs ?x=FACTOR (0-100000)\n");
			free(v);
			return;
		}
		free(v);
		w->speed = d;
		sim_resp_printf(r, 200, "application/json", "{\"speed\":%g}",
		    d);
		return;
	}
	sim_resp_printf(r, 404, NULL, "no such control endpoint %s\n", p);
}
