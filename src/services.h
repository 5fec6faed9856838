/*
 * services.h: the fleet-wide services in the model (probe results):
 * scalelite's and Greenlight's health checks, the consul leader, the
 * Rancher API, coturn (STUN, TURN over UDP, TCP and TLS), PostgreSQL and
 * the TLS certificates of the endpoints bbbctl talks to.
 *
 * They live in the fleet (fleet->svcs, sorted by name) and change only
 * through services_apply(), which takes one probe's result, keeps the
 * service's id, ages and last good time, bumps fleet->version and lets
 * the problem rules (problems.c: service-down, service-auth,
 * service-tls, service-cert-expiry, db-connections) see it.  Pointers
 * are borrowed until the next apply, as every fleet pointer.
 */
#ifndef BBBCTL_SERVICES_H
#define BBBCTL_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "fleet.h"

enum svc_state {
	SVC_PENDING,		/* no result yet */
	SVC_OK,
	SVC_WARN,		/* answers, but e.g. connections nearly full */
	SVC_FAILED
};

enum svc_fail {
	SVC_FAIL_NONE,
	SVC_FAIL_REFUSED,	/* connection refused */
	SVC_FAIL_TIMEOUT,	/* no answer within the probe's time */
	SVC_FAIL_RESOLVE,	/* host name unknown */
	SVC_FAIL_AUTH,		/* credentials refused (TURN 401, db) */
	SVC_FAIL_UNHEALTHY,	/* answered: not healthy */
	SVC_FAIL_TLS,		/* handshake or certificate chain failed */
	SVC_FAIL_FULL,		/* PostgreSQL out of connections */
	SVC_FAIL_PROTOCOL,	/* an answer we cannot read */
	SVC_FAIL_ERROR		/* anything else */
};

struct svc {
	uint32_t	 id;
	char		*name;		/* "turn-udp", "postgres" ... */
	const char	*kind;		/* static: "http" "stun" "turn"
					   "postgres" "tls" */
	char		*target;	/* host:port or URL, no secret */
	enum svc_state	 state;
	enum svc_fail	 fail;
	char		*detail;	/* one line: what it said */
	int64_t		 latency_ms;	/* of the last result */
	int64_t		 last_ok;	/* wall ms, 0 never */
	int64_t		 last_try;	/* wall ms of the last result */
	int64_t		 cert_expiry;	/* wall ms of notAfter, 0 unknown */
	int		 conn_used;	/* PostgreSQL, -1 unknown */
	int		 conn_max;
	int		 source;	/* the fleet_src of the same system
					   (scalelite, consul, rancher), -1:
					   its failures are that source's
					   problem already when it fails */
};

/* One probe's result; every string owned (services_apply takes it). */
struct svc_result {
	char		*name;
	const char	*kind;
	char		*target;
	enum svc_state	 state;
	enum svc_fail	 fail;
	char		*detail;
	int64_t		 latency_ms;
	int64_t		 cert_expiry;
	int		 conn_used;
	int		 conn_max;
	int		 source;	/* as in struct svc */
};

struct svc_result *services_result_new(const char *name, const char *kind,
		     const char *target);
void		 services_result_free(struct svc_result *);

/* Take r; the service of its name is added or replaced. */
void		 services_apply(struct fleet *, struct svc_result *taken,
		     int64_t now_ms);
/*
 * Take n results (and the array's entries, not the array) and evaluate
 * the problems once for all of them: at 1000 nodes an evaluation is what
 * a result costs.
 */
void		 services_apply_many(struct fleet *,
		     struct svc_result **taken, size_t n, int64_t now_ms);
/* A service is listed (PENDING) before its first result. */
void		 services_expect(struct fleet *, const char *name,
		     const char *kind, const char *target, int source,
		     int64_t now_ms);
/* Services still PENDING failed: no answer within timeout_ms. */
void		 services_fail_pending(struct fleet *, int64_t timeout_ms,
		     int64_t now_ms);
/* fleet_free() calls this. */
void		 services_free_all(struct fleet *);

const struct svc *services_find(const struct fleet *, const char *name);
const char	*services_state_name(enum svc_state);	/* "ok" ... */
const char	*services_fail_name(enum svc_fail);	/* "refused" ... */
/* The usual fix for a service's failure, one line (static). */
const char	*services_fix(const struct svc *);

/*
 * Print the services: a table (NAME STATE LATENCY AGE TARGET DETAIL), or
 * a JSON array of objects (name, kind, target, state, failure, detail,
 * latency_ms, age_ms, cert_expiry, connections_used, connections_max,
 * fix) for bbbctl probe --json and status --json.
 */
#include <stdio.h>
void		 services_print_text(FILE *, const struct fleet *,
		     int64_t now_ms);
struct json_t;
struct json_t	*services_json(const struct fleet *, int64_t now_ms);

/* Worst of the services for exit codes: 0 ok, 1 warn, 2 failed. */
int		 services_worst(const struct fleet *);

#endif
