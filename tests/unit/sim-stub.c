/*
 * sim-stub.c: a stand-in for sim-world.c and sim-http.c's helpers, for
 * the sim API contract tests until the simulator core lands.  The tests
 * set every node field they rely on themselves.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

struct sim_world *
sim_world_new(size_t nnodes, uint64_t seed, double speed, const char *profile)
{
	struct sim_world	*w;
	struct sim_node		*n;
	size_t			 i;

	(void)profile;
	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->seed = seed;
	w->rng = seed != 0 ? seed : 1;
	w->speed = speed;
	w->now_ms = 1764000000000LL;
	w->nnodes = nnodes;
	w->nodes = xcalloc(nnodes, sizeof *w->nodes);
	snprintf(w->sl_secret, sizeof w->sl_secret, "slsecret%016llx",
	    (unsigned long long)seed);
	snprintf(w->rancher_access, sizeof w->rancher_access, "ACCESSKEY");
	snprintf(w->rancher_secret, sizeof w->rancher_secret, "ranchersecret");
	snprintf(w->os_cred_id, sizeof w->os_cred_id, "appcredid");
	snprintf(w->os_cred_secret, sizeof w->os_cred_secret, "appcredsecret");
	snprintf(w->listen, sizeof w->listen, "127.0.0.1");
	for (i = 0; i < SIM_NSYSTEMS; i++)
		w->ports[i] = (uint16_t)(40000 + i);
	for (i = 0; i < nnodes; i++) {
		n = &w->nodes[i];
		snprintf(n->name, sizeof n->name, "bbb-%02zu", i + 1);
		snprintf(n->fqdn, sizeof n->fqdn, "bbb-%02zu.localhost", i + 1);
		snprintf(n->secret, sizeof n->secret, "nodesecret%02zu", i + 1);
		snprintf(n->sl_id, sizeof n->sl_id,
		    "00000000-0000-4000-8000-%012u", (unsigned)(i + 1) % 1000000u);
		n->up = n->bbb_api_ok = n->exporter_up = true;
		n->in_scalelite = true;
		n->lb = SIM_LB_ENABLED;
		n->online = true;
		n->load = 0;
		n->load_multiplier = 1.0;
		n->in_consul = n->consul_passing = true;
		snprintf(n->host_id, sizeof n->host_id, "1h%zu", i + 2);
		snprintf(n->host_state, sizeof n->host_state, "active");
		snprintf(n->vm_id, sizeof n->vm_id,
		    "6f1c2b0e-0000-4000-8000-%012u", (unsigned)(i + 1) % 1000000u);
		snprintf(n->vm_status, sizeof n->vm_status, "ACTIVE");
		snprintf(n->flavor, sizeof n->flavor, "m1.xlarge");
		snprintf(n->ip, sizeof n->ip, "10.0.0.%zu", i + 10);
		n->vm_created_ms = w->now_ms - 86400000;
	}
	return (w);
}

void
sim_world_free(struct sim_world *w)
{
	if (w == NULL)
		return;
	sim_scalelite_free(w);
	sim_rancher_free(w);
	free(w->nodes);
	free(w->meetings);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

void
sim_world_tick(struct sim_world *w)
{
	sim_rancher_tick(w);
}

void
sim_world_changed(struct sim_world *w)
{
	w->index++;
}

double
sim_rand(struct sim_world *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return ((double)(w->rng >> 11) / 9007199254740992.0);
}

int
sim_node_by_name(const struct sim_world *w, const char *name)
{
	size_t	 i;

	for (i = 0; i < w->nnodes; i++) {
		if (strcmp(w->nodes[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

char *
sim_url(const struct sim_world *w, enum sim_system s)
{
	return (xasprintf("http://%s:%u", w->listen, (unsigned)w->ports[s]));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

char *
sim_query_get(const char *query, const char *name)
{
	const char	*p, *end, *eq;
	struct buf	 b = { 0 };
	size_t		 n = strlen(name);

	for (p = query; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(end - p));
		if ((size_t)((eq ? eq : end) - p) != n ||
		    strncmp(p, name, n) != 0)
			continue;
		buf_adds(&b, "");
		if (eq == NULL)
			return (buf_steal(&b));
		for (p = eq + 1; p < end; p++) {
			if (*p == '+')
				buf_addc(&b, ' ');
			else if (*p == '%' && p + 2 < end + 0 + 1 &&
			    hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
				buf_addc(&b, (char)(hexval(p[1]) * 16 +
				    hexval(p[2])));
				p += 2;
			} else
				buf_addc(&b, *p);
		}
		return (buf_steal(&b));
	}
	return (NULL);
}

bool
sim_query_has(const char *query, const char *name)
{
	char	*v;

	if ((v = sim_query_get(query, name)) == NULL)
		return (false);
	free(v);
	return (true);
}

void
sim_resp_set(struct sim_resp *r, int status, const char *ctype, char *body)
{
	free(r->content_type);
	free(r->body);
	r->status = status;
	r->content_type = xstrdup(ctype);
	r->body = body;
	r->len = body != NULL ? strlen(body) : 0;
}

void
sim_resp_printf(struct sim_resp *r, int status, const char *ctype,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	sim_resp_set(r, status, ctype, xvasprintf(fmt, ap));
	va_end(ap);
}

void
sim_resp_header(struct sim_resp *r, const char *name, const char *value)
{
	r->headers = xreallocarray(r->headers, r->nheaders + 1,
	    sizeof *r->headers);
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

void
sim_resp_json(struct sim_resp *r, int status, void *json)
{
	char	*s;

	s = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(json);
	sim_resp_set(r, status, "application/json", s);
}

void
sim_resp_clear(struct sim_resp *r)
{
	size_t	 i;

	free(r->content_type);
	free(r->body);
	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	memset(r, 0, sizeof *r);
	r->status = 200;
}
