/*
 * sim.h: bbbctl-sim, the simulated BBB fleet.
 *
 * One world (struct sim_world) behind every simulated API, so that all
 * sources agree as in a real fleet.  The HTTP server (sim-http.c,
 * libmicrohttpd, one daemon per system on its own loopback port, a thread
 * per connection) turns each request into a struct sim_req, applies
 * faults (sim-fault.c), takes the world lock and calls the system's
 * handler, which fills a struct sim_resp.  Handlers never block, except
 * consul blocking queries, which wait on world->cond (sim_world_wait).
 *
 * Time: world->now_ms is simulated wall time (ms since the epoch), which
 * advances --speed times faster than real time; sim_world_tick() moves
 * the world forward (meetings start and end with a seeded day curve,
 * node CPU/memory/network follow the load, scalelite's poller runs every
 * POLL_INTERVAL, Rancher and Nova transitions complete).
 */
#ifndef BBBCTL_SIM_H
#define BBBCTL_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sim_system {
	SIM_CONSUL,
	SIM_PROMETHEUS,		/* the query API */
	SIM_SCALELITE,		/* scalelite: BBB API + admin API */
	SIM_RANCHER,
	SIM_OPENSTACK,		/* keystone and nova */
	SIM_METRICS,		/* per-node /metrics and the BBB node APIs */
	SIM_CONTROL,		/* fault injection and world control */
	SIM_GREENLIGHT,		/* Greenlight's health check */
	SIM_NSYSTEMS
};

struct sim_fault;

struct sim_header {
	char	*name;
	char	*value;
};

struct sim_req {
	enum sim_system	 system;
	const char	*method;
	const char	*path;		/* without the query string */
	const char	*query;		/* raw query string, "" if none */
	const char	*host;		/* Host header, e.g. bbb-03.localhost:P */
	const char	*body;
	size_t		 bodylen;
	/* Header lookup, case-insensitive; NULL when absent. */
	const char	*(*header)(const struct sim_req *, const char *);
	void		*conn;		/* server's private */
};

struct sim_resp {
	int		 status;	/* default 200 */
	char		*content_type;	/* allocated; default text/plain */
	char		*body;		/* allocated */
	size_t		 len;
	struct sim_header *headers;	/* extra headers, allocated */
	size_t		 nheaders;
};

/* Query string helpers: decoded value of a parameter, allocated / NULL. */
/* Form-decode len bytes ('+' and %XX); allocated. */
char	*sim_query_decode(const char *, size_t);
char	*sim_query_get(const char *query, const char *name);
bool	 sim_query_has(const char *query, const char *name);

void	 sim_resp_set(struct sim_resp *, int status, const char *ctype,
	     char *body /* taken */);
void	 sim_resp_printf(struct sim_resp *, int status, const char *ctype,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	 sim_resp_header(struct sim_resp *, const char *, const char *);
void	 sim_resp_json(struct sim_resp *, int status, void *json_t_taken);
void	 sim_resp_clear(struct sim_resp *);
/*
 * Append a JSON string literal to a struct buf, escaped as Go's
 * encoding/json does (<, > and & too); in sim-promql.c.
 */
struct buf;
void	 sim_json_str(struct buf *, const char *);
/* Standard base64 (with padding) of len bytes; allocated. */
char	*sim_base64(const void *, size_t);

enum sim_lb { SIM_LB_ENABLED, SIM_LB_CORDONED, SIM_LB_DISABLED };

struct sim_meeting {
	char		 id[257];	/* meetingID: BBB takes 2..256 */
	char		 internal_id[96];
	char		 name[96];
	int		 node;		/* index into world->nodes */
	int64_t		 created_ms;
	int64_t		 ends_ms;
	int		 participants;
	int		 voice;
	int		 video;
	int		 listeners;
	int		 moderators;
	bool		 recording;
	char		 moderator_pw[64];	/* as create gave them */
	char		 attendee_pw[64];
	int		 voice_bridge;
	int		 target;	/* size it grows to */
	double		 voice_share;
	double		 video_share;
};

struct sim_node {
	char		 name[64];	/* bbb-01 */
	char		 fqdn[128];	/* bbb-01.localhost */
	char		 secret[48];	/* the BBB node's API secret */
	char		 sl_id[40];	/* scalelite server id (uuid) */

	/* truth */
	bool		 up;		/* BBB answers at all */
	bool		 bbb_api_ok;	/* API answers SUCCESS */
	bool		 exporter_up;
	bool		 rancher_degraded;	/* incident: stack degraded */
	double		 cpu_base;	/* extra CPU percent (incident) */
	double		 cpu;		/* current percent */
	double		 mem_total;	/* bytes */
	double		 mem_used;
	double		 net_in;	/* bytes/s */
	double		 net_out;
	double		 cpu_seconds[8][2]; /* per cpu: idle, busy counters */
	int		 ncpu;
	double		 net_rx_bytes;	/* counters */
	double		 net_tx_bytes;
	double		 load1;
	int		 bbb_exporter_version;	/* 2 (v0.2.0) or 7 (v0.7.1);
					   0: the default mix, see
					   sim_prom_tick() */

	/* aggregates of world->meetings on this node, kept by the tick */
	int		 nmeetings;
	int		 participants;
	int		 voice;
	int		 video;
	int		 listeners;
	int		 moderators;
	int		 largest_meeting;

	/* scalelite's view (refreshed by the poller) */
	bool		 in_scalelite;
	enum sim_lb	 lb;
	bool		 online;
	int		 healthy_counter;
	int		 unhealthy_counter;
	double		 load;		/* NAN when unavailable */
	double		 load_multiplier;
	char		 tag[32];
	char		 bbb_version[16];
	/* stats cached by the poller (scalelite's meetings/users/...) */
	int		 sl_meetings;
	int		 sl_users;
	int		 sl_largest;
	int		 sl_videos;

	/* consul */
	bool		 in_consul;
	bool		 consul_passing;
	uint64_t	 consul_modify_index;

	/* rancher */
	char		 host_id[16];	/* 1h5 */
	char		 host_state[24];	/* active inactive ... */
	char		 agent_state[24];	/* "" or disconnected ... */

	/* openstack */
	char		 vm_id[40];
	char		 vm_status[16];
	int64_t		 vm_created_ms;
	int64_t		 vm_ready_ms;	/* BUILD -> ACTIVE at */
	char		 flavor[32];
	char		 ip[16];

	/* scale out (a node added by POST /servers) */
	bool		 scaled;	/* Rancher gives it no stack of its
					   own: POST /stacks does */
	char		 host_labels[160];	/* CATTLE_HOST_LABELS, a=b&c=d */
	int		 sim_fault;	/* SIM_NODE_* from its metadata */
};

/* A new VM's metadata "bbbctl-sim-fault" (sim_node.sim_fault). */
#define SIM_NODE_ERROR		0x01	/* the VM goes ERROR */
#define SIM_NODE_NOREGISTER	0x02	/* its Rancher agent never registers */
#define SIM_NODE_UNHEALTHY	0x04	/* BBB never comes up on it */

struct sim_world {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;		/* broadcast on every change */
	uint64_t	 index;		/* consul raft index, grows */

	uint64_t	 seed;
	uint64_t	 rng;		/* xorshift state */
	uint64_t	 id_rng;	/* private: secrets and ids */
	int		 name_width;	/* digits in bbb-NN */
	double		 speed;
	int64_t		 now_ms;	/* simulated wall time */
	int64_t		 last_poll_ms;	/* scalelite poller */
	int64_t		 poll_interval_ms; /* POLL_INTERVAL, default 60 s */
	uint32_t	 vm_addr_base;	/* --vm-addr-base, host order; 0:
					   10.20.x.y */
	/*
	 * Real-time clock: advances at 1x whatever the speed, plus explicit
	 * ticks (POST /tick).  Consul session TTLs and lock delays use it,
	 * so that a client renewing every TTL/2 in real time keeps its lock.
	 */
	int64_t		 rt_ms;
	int64_t		 mono_last_ms;	/* private to sim_world_tick */
	int64_t		 model_rem_ms;	/* private: time not yet modelled */
	double		 speed_rem;	/* private */
	volatile bool	 shutdown;	/* set once; broadcast on cond */

	struct sim_node	*nodes;
	size_t		 nnodes;
	struct sim_meeting *meetings;
	size_t		 nmeetings;
	size_t		 meetings_cap;

	char		 sl_secret[72];	/* LOADBALANCER_SECRET */
	char		 consul_token[40];	/* "" = ACLs off */
	char		 rancher_access[24];
	char		 rancher_secret[48];
	char		 os_cred_id[40];
	char		 os_cred_secret[48];
	char		 prom_user[16];
	char		 prom_password[32];

	uint16_t	 ports[SIM_NSYSTEMS];
	char		 listen[64];	/* "127.0.0.1" */

	bool		 sl_legacy;	/* scalelite < v1.5.1: no admin API */
	/*
	 * The health checks (POST /health): "" passes ("success"); else
	 * it fails as the real ones do, 200 "Health Check Failure: <it>".
	 */
	char		 sl_health_failure[128];
	char		 gl_health_failure[128];
	/*
	 * --access-log: one line per request as it arrives (before any
	 * fault), "SYSTEM HOST METHOD PATH" (no query: it holds
	 * checksums); line-buffered, NULL when off.  Owned by main.
	 */
	FILE		*access_log;
	int		 os_quota_instances;	/* nova quota; 0: VMs + 10 */
	int		 os_quota_cores;	/* vcpus; 0: unlimited (-1) */
	int		 os_quota_ram_mb;	/* MiB; 0: unlimited (-1) */
	int64_t		 os_boot_ms;	/* a new VM's BUILD -> ACTIVE,
					   simulated ms (--boot-delay) */
	int		 os_vm_fault;	/* SIM_NODE_* of every new VM
					   (--vm-fault) */

	void		*consul;	/* per-system private state */
	void		*rancher;
	void		*openstack;
	void		*prom;
	void		*scalelite;	/* sim-scalelite.c */
	void		*http;		/* sim-http.c's */

	/* faults (sim-fault.c); own lock, never taken with world->lock held
	 * the other way round */
	pthread_mutex_t	 fault_lock;
	struct sim_fault *faults;
	size_t		 nfaults;

	char		 profile[16];
	char		 consul_service[32];	/* "bbb" */
	char		 rancher_project[16];	/* "1a5" */
};

/* sim-fault.c: SYSTEM:PATH-PREFIX:KIND[:ARG] */
enum sim_fault_kind {
	SIM_FAULT_LATENCY,	/* arg ms, then answer normally */
	SIM_FAULT_HANG,		/* never answer (until shutdown) */
	SIM_FAULT_STATUS,	/* arg HTTP status, plausible body */
	SIM_FAULT_MALFORMED,	/* broken body in the right content type */
	SIM_FAULT_TRUNCATED,	/* Content-Length larger than what is sent */
	SIM_FAULT_HUGE,		/* arg bytes, default 100 MiB, streamed */
	SIM_FAULT_RESET,	/* close without an answer */
	SIM_FAULT_CHUNKED	/* an endless chunked body (no length) */
};
struct sim_fault {
	enum sim_system		 system;
	char			*prefix;
	enum sim_fault_kind	 kind;
	long long		 arg;
};
int		 sim_fault_parse(const char *, struct sim_fault *, char **cause);
/* Add a parsed spec; 0 or -1 with cause. */
int		 sim_fault_add(struct sim_world *, const char *spec,
		     char **cause);
void		 sim_fault_clear(struct sim_world *);
/* Copy of the first fault matching system and path; false if none. */
bool		 sim_fault_match(struct sim_world *, enum sim_system,
		     const char *path, struct sim_fault *out);
char		*sim_fault_list(struct sim_world *);	/* JSON array */
const char	*sim_fault_kind_name(enum sim_fault_kind);
const char	*sim_system_name(enum sim_system);	/* "consul" ... */
int		 sim_system_from_name(const char *);	/* -1 if unknown */

/*
 * sim-config.c: the bbbctl configuration for this world (keys of
 * src/config.h; the URLs need sim_http_start() first).  The text holds
 * secrets: freezero_str() it.  sim_write_config writes it atomically,
 * mode 0600; 0 or -1 with cause.
 */
char		*sim_config_text(struct sim_world *);
int		 sim_write_config(struct sim_world *, const char *path,
		     char **cause);

/* sim-http.c: one MHD daemon per system.  0 or -1 with cause. */
int		 sim_http_start(struct sim_world *, const char *listen,
		     int port_base, char **cause);
void		 sim_http_stop(struct sim_world *);
/*
 * The "empty" profile: consul, Prometheus, scalelite and Greenlight
 * refuse connections (their port is bound, not listening) until
 * sim_rancher_serving() says their stack is active, and again once it
 * is gone.  Called by main's loop without the world lock (it takes it,
 * then starts or stops daemons outside it); a no-op in other profiles.
 */
void		 sim_http_gate(struct sim_world *);
/* Is the stack that runs this system created and active?  (lock held) */
bool		 sim_rancher_serving(struct sim_world *, enum sim_system);
/* The system a created stack's service publishes, or -1. */
int		 sim_rancher_service_system(const char *stack,
		     const char *service);
/* Dispatch to the system's handler (lock held). */
void		 sim_dispatch(struct sim_world *, const struct sim_req *,
		     struct sim_resp *);

/* sim-world.c */
struct sim_world *sim_world_new(size_t nnodes, uint64_t seed, double speed,
		     const char *profile);
void		 sim_world_free(struct sim_world *);
void		 sim_world_tick(struct sim_world *);	/* lock held */
/* Advance both clocks by ms and run the model (lock held). */
void		 sim_world_advance(struct sim_world *, int64_t ms);
/*
 * Consul-visible change (lock held): world->index++ and broadcast, so that
 * blocking queries wake.  Meeting churn does not call it.
 */
void		 sim_world_changed(struct sim_world *);
/* Set world->shutdown and wake every waiter (takes the lock). */
void		 sim_world_shutdown(struct sim_world *);
/*
 * Add a node (scale-out; lock held): the next name, its own secret and
 * ids, as a VM being built (up false, in no source, vm_status BUILD,
 * vm_ready_ms one minute on).  world->nodes may move.  Returns its index.
 */
size_t		 sim_world_add_node(struct sim_world *);
/* The i-th VM's address from vm_addr_base (nodes, then infra VMs). */
void		 sim_vm_addr(const struct sim_world *, size_t i, char *,
		     size_t);
/*
 * A node's consul-visible state changed (up, in_consul, consul_passing):
 * bumps world->index and the node's consul_modify_index, wakes blocking
 * queries.  Call it after changing those fields (lock held).
 */
void		 sim_node_changed(struct sim_world *, size_t node);
/* Run the scalelite poller once now (lock held). */
void		 sim_world_poll(struct sim_world *);
/* Remove every meeting of a node (scalelite panic; lock held). */
void		 sim_world_end_meetings(struct sim_world *, size_t node);
/* Remove one meeting by index in world->meetings (lock held). */
void		 sim_world_end_meeting(struct sim_world *, size_t);
/* Create a meeting on a node (scalelite create); returns its index. */
size_t		 sim_world_add_meeting(struct sim_world *, size_t node,
		     const char *id, const char *name);
/* Wait (lock held) until index > since or timeout; returns new index. */
uint64_t	 sim_world_wait(struct sim_world *, uint64_t since,
		     int64_t timeout_ms);
double		 sim_rand(struct sim_world *);		/* [0, 1) */
int		 sim_node_by_name(const struct sim_world *, const char *);
/* CPU percent a node's meetings cause (without cpu_base or noise). */
double		 sim_node_load_cpu(const struct sim_node *);
/* Base URL of a system, e.g. "http://127.0.0.1:40123"; allocated. */
char		*sim_url(const struct sim_world *, enum sim_system);

/*
 * Scale out (sim-rancher.c, lock held): a new node's VM is ACTIVE and
 * boots its user_data.  When that holds the registration URL of an
 * active token of this Rancher, the node's host registers (registering
 * -> active) with the labels of its CATTLE_HOST_LABELS.  0 when it
 * registers, -1 when the user_data does not register it.
 */
int		 sim_rancher_boot(struct sim_world *, size_t node,
		     const char *user_data);

/* sim-compose.c: the services of a docker-compose file (POST /stacks). */
struct sim_compose_svc {
	char	*name;
	char	*image;
	char	*host_label;	/* io.rancher.scheduler.affinity:host_label */
};
struct json_t;
char	*sim_compose_interpolate(const char *, size_t,
	     const struct json_t *env);
int	 sim_compose_parse(const char *, size_t, const struct json_t *env,
	     struct sim_compose_svc **, size_t *, char **cause);
void	 sim_compose_free(struct sim_compose_svc *, size_t);

/*
 * Optional module hooks, called by sim-world.c when a module defines
 * them (weak references): *_tick from sim_world_tick after the model
 * moved (Rancher and Nova transitions), *_free from sim_world_free to
 * release world->rancher, world->openstack, world->prom,
 * world->scalelite.  world->consul is sim-consul.c's.
 */
void	 sim_rancher_tick(struct sim_world *);
void	 sim_openstack_tick(struct sim_world *);
void	 sim_scalelite_tick(struct sim_world *);
void	 sim_rancher_free(struct sim_world *);
void	 sim_openstack_free(struct sim_world *);
void	 sim_prom_free(struct sim_world *);
void	 sim_scalelite_free(struct sim_world *);
void	 sim_metrics_free(struct sim_world *);
void	 sim_consul_free(struct sim_world *);
void	 sim_consul_tick(struct sim_world *);	/* session TTLs */
/*
 * A meeting is ending (sim_world_end_meeting, before it goes; lock held):
 * a recorded meeting leaves a recording that scalelite imports once it
 * is processed (sim-scalelite.c).
 */
void	 sim_scalelite_meeting_ended(struct sim_world *,
	     const struct sim_meeting *);

/* Handlers, one per system (lock held on entry). */
void	 sim_consul_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_prom_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
/*
 * The legacy profile's rake tasks (sim-scalelite.c): run tasks in order
 * as scalelite version ("1.0", else 1.1 to 1.5.x) prints them, stdout
 * and stderr into out and err; the exit status.  World locked.
 */
struct buf;
int	 sim_scalelite_rake(struct sim_world *, const char *version,
	     char *const *tasks, size_t ntasks, struct buf *out,
	     struct buf *err);
void	 sim_scalelite_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_greenlight_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_rancher_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_openstack_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_metrics_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);
void	 sim_control_handle(struct sim_world *, const struct sim_req *,
	     struct sim_resp *);

/*
 * The BBB API of one node (sim-scalelite.c), for SIM_METRICS paths under
 * /bigbluebutton/api (lock held).  Scalelite's url for node i is
 * http://<fqdn>:<ports[SIM_METRICS]>/bigbluebutton/api/.  A node that is
 * not up answers 503 with an empty body (the http layer cannot refuse a
 * connection from a handler); up with !bbb_api_ok answers nginx's 502.
 */
void	 sim_bbb_node_handle(struct sim_world *, size_t node,
	     const struct sim_req *, struct sim_resp *);
/* Scalelite's url of a node; allocated. */
char	*sim_scalelite_node_url(const struct sim_world *, size_t node);

/*
 * world->scalelite, ->rancher and ->openstack are built lazily from the
 * nodes on first use (a handler or a tick); world->sl_legacy is also set
 * then when the profile is "legacy".
 */

/*
 * Per-node bbb-exporter /metrics text in the given metric set (2 or 7;
 * anything else: the node's own), allocated (sim-metrics.c, lock held).
 * SIM_METRICS serves /metrics/<node>/node, /metrics/<node>/process and
 * /metrics/<node>/bbb (see sim-prom.h for the scrape scheme).
 */
char	*sim_metrics_render(struct sim_world *, size_t node, int bbb_exporter_version /* 2 or 7 */);

/*
 * The query API's history (sim-prom.c).  sim-world.c calls
 * sim_prom_tick() (lock held, weak hook) after the model moved, and the
 * Prometheus and metrics handlers call it too: it records what the
 * exporters would print, at most once per simulated second on small
 * fleets and up to every 5 s on large ones (within a memory budget, see
 * sim-prom.h), for rate() and query_range.  On first use it gives the
 * nodes whose bbb_exporter_version is 0 their version: in the "default"
 * profile every fourth node v0.7.1 and the rest v0.2.0, in other
 * profiles v0.2.0 as the seed deployment pins; versions a profile set
 * are left alone.  sim_world_free() calls sim_prom_free().
 */
void	 sim_prom_tick(struct sim_world *);
void	 sim_prom_free(struct sim_world *);

#endif
