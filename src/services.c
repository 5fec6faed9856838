/*
 * services.c: fleet-wide services, the probes' results in the model
 * (services.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "services.h"
#include "util.h"

static uint32_t	 services_next_id = 1;

struct svc_result *
services_result_new(const char *name, const char *kind, const char *target)
{
	struct svc_result	*r;

	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	r->kind = kind;
	r->target = target != NULL ? xstrdup(target) : NULL;
	r->state = SVC_FAILED;
	r->latency_ms = -1;
	r->conn_used = r->conn_max = -1;
	r->source = -1;
	return (r);
}

void
services_result_free(struct svc_result *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->target);
	free(r->detail);
	free(r);
}

static void
services_svc_free(struct svc *s)
{
	free(s->name);
	free(s->target);
	free(s->detail);
	free(s);
}

void
services_free_all(struct fleet *f)
{
	size_t	 i;

	for (i = 0; i < f->nsvcs; i++)
		services_svc_free(f->svcs[i]);
	free(f->svcs);
	f->svcs = NULL;
	f->nsvcs = 0;
}

/* The service of name, added (PENDING) when absent. */
static struct svc *
services_get(struct fleet *f, const char *name, const char *kind)
{
	struct svc	*s;
	size_t		 i, at;
	int		 c;

	at = f->nsvcs;
	for (i = 0; i < f->nsvcs; i++) {
		if ((c = strcmp(f->svcs[i]->name, name)) == 0)
			return (f->svcs[i]);
		if (c > 0) {
			at = i;
			break;
		}
	}
	s = xcalloc(1, sizeof *s);
	s->id = services_next_id++;
	s->name = xstrdup(name);
	s->kind = kind;
	s->state = SVC_PENDING;
	s->latency_ms = -1;
	s->conn_used = s->conn_max = -1;
	s->source = -1;
	f->svcs = xreallocarray(f->svcs, f->nsvcs + 1, sizeof *f->svcs);
	memmove(f->svcs + at + 1, f->svcs + at,
	    (f->nsvcs - at) * sizeof *f->svcs);
	f->svcs[at] = s;
	f->nsvcs++;
	return (s);
}

void
services_expect(struct fleet *f, const char *name, const char *kind,
    const char *target, int source, int64_t now)
{
	struct svc	*s;

	s = services_get(f, name, kind);
	s->source = source;
	if (s->target == NULL && target != NULL)
		s->target = xstrdup(target);
	fleet_note_change(f, now);
}

static void
services_set(struct fleet *f, struct svc_result *r, int64_t now)
{
	struct svc	*s;

	s = services_get(f, r->name, r->kind);
	s->kind = r->kind;
	if (r->target != NULL) {
		free(s->target);
		s->target = r->target;
		r->target = NULL;
	}
	free(s->detail);
	s->detail = r->detail;
	r->detail = NULL;
	s->state = r->state;
	s->fail = r->state == SVC_OK ? SVC_FAIL_NONE : r->fail;
	s->latency_ms = r->latency_ms;
	s->last_try = now;
	if (r->state == SVC_OK || r->state == SVC_WARN)
		s->last_ok = now;
	/* A failed handshake tells nothing new about the certificate. */
	if (r->cert_expiry != 0)
		s->cert_expiry = r->cert_expiry;
	s->conn_used = r->conn_used;
	s->conn_max = r->conn_max;
	if (r->source >= 0)
		s->source = r->source;
	services_result_free(r);
}

void
services_apply(struct fleet *f, struct svc_result *r, int64_t now)
{
	services_set(f, r, now);
	fleet_note_change(f, now);
}

void
services_apply_many(struct fleet *f, struct svc_result **r, size_t n,
    int64_t now)
{
	size_t	 i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		services_set(f, r[i], now);
	fleet_note_change(f, now);
}

void
services_fail_pending(struct fleet *f, int64_t timeout_ms, int64_t now)
{
	struct svc_result	*r;
	char			 age[16];
	size_t			 i;

	for (i = 0; i < f->nsvcs; i++) {
		if (f->svcs[i]->state != SVC_PENDING)
			continue;
		r = services_result_new(f->svcs[i]->name, f->svcs[i]->kind,
		    NULL);
		r->fail = SVC_FAIL_TIMEOUT;
		r->detail = xasprintf("no answer within %s",
		    util_fmt_age(timeout_ms, age, sizeof age));
		services_apply(f, r, now);
	}
}

const struct svc *
services_find(const struct fleet *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->nsvcs; i++) {
		if (strcmp(f->svcs[i]->name, name) == 0)
			return (f->svcs[i]);
	}
	return (NULL);
}

const char *
services_state_name(enum svc_state st)
{
	switch (st) {
	case SVC_PENDING:
		return ("pending");
	case SVC_OK:
		return ("ok");
	case SVC_WARN:
		return ("warning");
	case SVC_FAILED:
		return ("failed");
	}
	return ("?");
}

const char *
services_fail_name(enum svc_fail fl)
{
	static const char *names[] = {
		"none", "refused", "timeout", "unknown host", "auth",
		"unhealthy", "tls", "full", "protocol", "error"
	};

	if ((size_t)fl < nitems(names))
		return (names[fl]);
	return ("?");
}

const char *
services_fix(const struct svc *s)
{
	bool	 turn = strcmp(s->kind, "turn") == 0 ||
		     strcmp(s->kind, "stun") == 0;
	bool	 pg = strcmp(s->kind, "postgres") == 0;

	switch (s->fail) {
	case SVC_FAIL_NONE:
		if (pg && s->state == SVC_WARN)
			return ("raise max_connections or find the client "
			    "holding them (pg_stat_activity)");
		return (NULL);
	case SVC_FAIL_REFUSED:
		if (turn)
			return ("start coturn (systemctl start coturn) or "
			    "open the port");
		return ("start the service or check its port");
	case SVC_FAIL_TIMEOUT:
		if (turn)
			return ("coturn not answering: check it runs and the "
			    "firewall lets the port through");
		return ("check the host is up and the firewall");
	case SVC_FAIL_RESOLVE:
		return ("check the host name in [probes] and DNS");
	case SVC_FAIL_AUTH:
		if (turn)
			return ("coturn's static-auth-secret differs from "
			    "[probes] turn_secret");
		if (pg)
			return ("check the user and password in [postgres] "
			    "conninfo and pg_hba.conf");
		return ("check the credentials");
	case SVC_FAIL_UNHEALTHY:
		return ("look at the service's own log: its health check "
		    "names the failing part");
	case SVC_FAIL_TLS:
		return ("renew the certificate or install the full chain "
		    "(or name the CA with ca_file)");
	case SVC_FAIL_FULL:
		return ("raise max_connections or find the client holding "
		    "them (pg_stat_activity)");
	case SVC_FAIL_PROTOCOL:
		return ("the port answers something else: check host and "
		    "port");
	case SVC_FAIL_ERROR:
		return (NULL);
	}
	return (NULL);
}

int
services_worst(const struct fleet *f)
{
	int	 worst = 0;
	size_t	 i;

	for (i = 0; i < f->nsvcs; i++) {
		if (f->svcs[i]->state == SVC_FAILED)
			return (2);
		if (f->svcs[i]->state == SVC_WARN)
			worst = 1;
	}
	return (worst);
}

void
services_print_text(FILE *out, const struct fleet *f, int64_t now)
{
	const struct svc	*s;
	char			 lat[32], age[16];
	size_t			 i;

	fprintf(out, "%-22s %-8s %7s %5s  %s\n", "SERVICE", "STATE",
	    "LATENCY", "AGE", "DETAIL");
	for (i = 0; i < f->nsvcs; i++) {
		s = f->svcs[i];
		if (s->latency_ms >= 0)
			snprintf(lat, sizeof lat, "%lldms",
			    (long long)s->latency_ms);
		else
			snprintf(lat, sizeof lat, "-");
		if (s->last_try > 0)
			util_fmt_age(now - s->last_try, age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		fprintf(out, "%-22s %-8s %7s %5s  %s%s%s\n", s->name,
		    services_state_name(s->state), lat, age,
		    s->detail != NULL ? s->detail : "-",
		    s->target != NULL ? " @ " : "",
		    s->target != NULL ? s->target : "");
	}
}

static json_t *
services_json_str(const char *s)
{
	json_t	*j;

	if (s == NULL || (j = json_string(s)) == NULL)
		return (json_null());
	return (j);
}

struct json_t *
services_json(const struct fleet *f, int64_t now)
{
	const struct svc	*s;
	json_t			*a, *o;
	char			 buf[32];
	struct tm		 tm;
	time_t			 t;
	size_t			 i;

	a = json_array();
	for (i = 0; i < f->nsvcs; i++) {
		s = f->svcs[i];
		o = json_object();
		json_object_set_new(o, "name", services_json_str(s->name));
		json_object_set_new(o, "kind", services_json_str(s->kind));
		json_object_set_new(o, "target", services_json_str(s->target));
		json_object_set_new(o, "state",
		    json_string(services_state_name(s->state)));
		json_object_set_new(o, "failure", s->fail == SVC_FAIL_NONE ?
		    json_null() : json_string(services_fail_name(s->fail)));
		json_object_set_new(o, "detail", services_json_str(s->detail));
		json_object_set_new(o, "latency_ms", s->latency_ms >= 0 ?
		    json_integer(s->latency_ms) : json_null());
		json_object_set_new(o, "age_ms", s->last_try > 0 ?
		    json_integer(now - s->last_try) : json_null());
		if (s->cert_expiry > 0) {
			t = (time_t)(s->cert_expiry / 1000);
			gmtime_r(&t, &tm);
			strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_set_new(o, "cert_expiry", json_string(buf));
		} else
			json_object_set_new(o, "cert_expiry", json_null());
		json_object_set_new(o, "connections_used", s->conn_used >= 0 ?
		    json_integer(s->conn_used) : json_null());
		json_object_set_new(o, "connections_max", s->conn_max >= 0 ?
		    json_integer(s->conn_max) : json_null());
		json_object_set_new(o, "fix", services_json_str(
		    s->state == SVC_OK ? NULL : services_fix(s)));
		json_array_append_new(a, o);
	}
	return (a);
}
