/*
 * problems.h: problems derived from the fleet model by a table of rules.
 *
 * Each rule (problems.c, rule_table[]) has a name, a severity, the
 * sources it reads, the action verb that usually fixes it, and a check
 * function run over every node (or once for the whole fleet).  A check
 * that holds yields a problem keyed by rule + subject (the node key, a
 * stack or a source name); its `since` is when the condition was first
 * seen and it is kept across evaluations while the condition holds.
 * Rules with a hold time (CPU, memory, a cordoned node idle) raise their
 * problem only once the condition has held that long, unless the limits
 * say hold = false (one-shot `bbbctl status`, which cannot watch for a
 * while: there the monitoring system's retries give the duration).
 *
 * fleet.c runs problems_eval() after every apply and tick; it rebuilds
 * fleet->problems (sorted by severity, worst first, then by age, oldest
 * first) and every node's nproblems and worst.
 *
 * The limits come from [problems] in the configuration (config.h;
 * fleet_configure() sets them: cpu_warn, mem_warn, hold, cordoned_idle,
 * cert_days, cert_crit_days); problems_new() starts with the defaults.
 *
 * The rules and their defaults:
 *
 *  rule                    sev   sources     condition
 *  offline-consul-passing  crit  sl+consul   online 0 in scalelite while
 *                                            consul passes
 *  consul-critical         crit  consul      a check is critical
 *  consul-warning          warn  consul      a check is warning
 *  bbb-api-down            crit  prom        bbb_api_up is 0
 *  exporter-down           warn  prom        an exporter target is down
 *  cpu-high                warn  prom        cpu >= cpu_pct for hold_ms
 *  mem-high                warn  prom        mem >= mem_pct for hold_ms
 *  stack-unhealthy         crit  rancher     stack or service unhealthy
 *  stack-degraded          warn  rancher     stack or service degraded
 *  host-disconnected       crit  rancher     host/agent disconnected,
 *                                            reconnecting
 *  vm-not-active           crit  openstack   a node's VM is ERROR,
 *                                            SHUTOFF, ... (not ACTIVE or
 *                                            BUILD); warn for a VM that
 *                                            is no node
 *  missing-from-source     warn  the two     a node (fleet.h, "what is a
 *                                            node") missing from
 *                                            another source that
 *                                            answers; also a VM or
 *                                            Rancher host matching
 *                                            node_pattern that no BBB
 *                                            source knows
 *  enabled-stale           warn  prom+sl     an enabled node without
 *                                            metrics while Prometheus
 *                                            answers
 *  source-failed           crit  the source  a source has no usable data
 *  source-stale            warn  the source  a source's refresh failed,
 *                                            older data shown
 *  scalelite-legacy        info  scalelite   scalelite < 1.5.1
 *  backup-old              warn  -           no complete backup younger
 *                                            than [backup] max_age (the
 *                                            dashboard reads the
 *                                            directory)
 *  cordoned-idle           info  sl          cordoned with load 0 (or no
 *                                            participants) for idle_ms
 *  cert-expiry             warn  any         TLS certificate expires
 *                                            within cert_days (crit
 *                                            within cert_crit_days or
 *                                            expired)
 *  service-down            crit  probes      a service (services.h)
 *                                            refused, timed out,
 *                                            unhealthy ...
 *  service-auth            crit  probes      credentials refused (TURN
 *                                            401, database password)
 *  service-tls             crit  probes      handshake or chain failed
 *  service-cert-expiry     warn  probes      as cert-expiry, for a
 *                                            service's certificate
 *  db-connections          warn  probes      PostgreSQL connections at
 *                                            90 % (crit: none left)
 */
#ifndef BBBCTL_PROBLEMS_H
#define BBBCTL_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet.h"

struct problems_limits {
	double		 cpu_pct;	/* 90 */
	double		 mem_pct;	/* 90 */
	int64_t		 hold_ms;	/* 300000: CPU/memory held 5 min */
	int64_t		 idle_ms;	/* 1800000: cordoned idle 30 min */
	int		 cert_days;	/* 14 */
	int		 cert_crit_days; /* 3 */
	bool		 hold;		/* false: raise held rules at once */
};

struct problem_rule {
	const char	*name;
	enum fleet_severity severity;	/* the usual one */
	unsigned	 sources;	/* FLEET_SRC_BIT()s, 0 = any */
	const char	*action;	/* verb, or NULL */
	const char	*doc;		/* one line, for the man page */
};

struct problems;

struct problems	*problems_new(void);
void		 problems_free(struct problems *);
/* Limits in effect (change them before the next evaluation). */
struct problems_limits *problems_limits(struct problems *);

void		 problems_eval(struct problems *, struct fleet *,
		     int64_t now_ms);

/* The rule table, for help and the man page. */
const struct problem_rule *problems_rules(size_t *n);

#endif
