/*
 * probe.h: the probes of the fleet-wide services, run on the loop.
 *
 * probe_set_new() builds the probes the configuration names:
 *   scalelite	  GET [scalelite] url /health_check: 200 "success"
 *   greenlight	  GET [probes] greenlight_url /health_check: 200 "success"
 *   consul-leader GET [consul] url /v1/status/leader: a non-empty leader
 *   rancher	  GET [rancher] url /v2-beta with the API key: 200
 *   postgres	  libpq, asynchronous: version, connections in use vs
 *		  max_connections (less the superuser reserve)
 *   stun-udp, stun-tcp  a Binding request: XOR-MAPPED-ADDRESS comes back
 *   turn-udp, turn-tcp, turn-tls  Allocate (401, then authenticated with
 *		  the REST secret), a relayed address, Refresh lifetime 0
 *   tls:HOST:PORT  the certificate of every https endpoint bbbctl talks
 *		  to and of [probes] tls_endpoints: chain, name, expiry
 * Each probe has a deadline ([probes] timeout) and gives one result
 * (services.h) to the fleet; nothing blocks the loop (host names are
 * resolved on a short-lived thread).
 *
 * The set owns its probes; the configuration, loop, http and fleet are
 * borrowed for the set's life.  probe_set_free() cancels what runs.
 */
#ifndef BBBCTL_PROBE_H
#define BBBCTL_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct fleet;
struct http;
struct loop;
struct probe_set;

typedef void (*probe_round_cb)(void *arg);

struct probe_set *probe_set_new(struct loop *, struct http *,
		     struct fleet *, const struct config *);
void		 probe_set_free(struct probe_set *);

size_t		 probe_set_count(const struct probe_set *);
/* Keep only the probe of that name (bbbctl probe NAME); -1 if none. */
int		 probe_set_only(struct probe_set *, const char *name);
/*
 * Run every probe now; with repeat, again every [probes] interval.
 * done (may be NULL) runs on the loop when a round has finished.
 */
void		 probe_set_start(struct probe_set *, bool repeat,
		     probe_round_cb done, void *arg);
/* Probes of the current round still running. */
size_t		 probe_set_running(const struct probe_set *);

#endif
