/*
 * fleet.h: the fleet model, the one true picture of the fleet.
 *
 * Owned by the main (loop) thread.  Backends change it only through the
 * fleet_apply_*() functions (declared with their update structs below,
 * each defined in its source's fleet-<source>.c); every change bumps
 * fleet->version, which the UI compares with the version it last drew.
 *
 * The UI and `bbbctl status` read it through a const pointer.  Every
 * pointer inside is borrowed and valid only until the next
 * fleet_apply_*() call (that is: during one draw); keep ids (uint32_t,
 * never reused within a process), not pointers, across frames.
 *
 * Numbers that are unknown are NAN (double) or -1 (integers); the UI
 * shows them as "-", and as stale when the node's data from that source
 * is older than the source's last good refresh (see fleet_node_fresh()).
 *
 * Nodes from all sources are joined on one key, the short host name
 * (fleet_node_key(); the rule is documented there).  A node is a BBB
 * server; what makes a name one is documented at
 * fleet_set_node_pattern() ("what is a node").
 */
#ifndef BBBCTL_FLEET_H
#define BBBCTL_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fleet_src {
	FLEET_SRC_CONSUL,
	FLEET_SRC_PROMETHEUS,
	FLEET_SRC_SCALELITE,
	FLEET_SRC_RANCHER,
	FLEET_SRC_OPENSTACK,
	FLEET_SRC_COUNT
};
#define FLEET_SRC_BIT(s)	(1u << (s))

enum fleet_src_state {
	FLEET_SRC_OFF,		/* not configured */
	FLEET_SRC_PENDING,	/* configured, no answer yet */
	FLEET_SRC_OK,
	FLEET_SRC_STALE,	/* last refresh failed, older data kept */
	FLEET_SRC_FAILED	/* no good data at all, or too old */
};

struct fleet_source {
	enum fleet_src_state state;
	char		*cause;		/* why stale/failed, or NULL */
	char		*detail;	/* e.g. "scalelite without admin API" */
	int64_t		 last_ok;	/* wall ms of the last good data, 0 */
	int64_t		 last_try;	/* wall ms of the last attempt, 0 */
	int64_t		 latency_ms;	/* of the last good refresh */
	uint64_t	 bytes;		/* received by the last refresh */
	int64_t		 period_ms;	/* the backends' schedule: good
					   data follows good data within
					   this; 0 unknown */
	int64_t		 failing_since;	/* wall ms of the first failure
					   since the last good answer, 0 */
	int64_t		 next_try;	/* after a failure: wall ms of the
					   next try (the back-off), 0 */
};

enum fleet_lb {
	FLEET_LB_UNKNOWN,
	FLEET_LB_ENABLED,
	FLEET_LB_CORDONED,
	FLEET_LB_DISABLED
};

enum fleet_health {
	FLEET_HEALTH_UNKNOWN,
	FLEET_HEALTH_PASSING,
	FLEET_HEALTH_WARNING,
	FLEET_HEALTH_CRITICAL
};

enum fleet_severity {
	FLEET_SEV_INFO,
	FLEET_SEV_WARNING,
	FLEET_SEV_CRITICAL
};

struct fleet_check {
	char		*check_id;
	char		*name;
	enum fleet_health status;
	char		*output;
};

/* A fixed ring of samples (one per refresh of its source). */
#define FLEET_HIST_LEN	120
struct fleet_ring {
	float		 v[FLEET_HIST_LEN];
	uint16_t	 head;		/* next write position */
	uint16_t	 count;
};

struct fleet_node {
	uint32_t	 id;
	char		*key;		/* join key: short host name */
	unsigned	 seen;		/* FLEET_SRC_BIT()s that know it */
	int64_t		 seen_at[FLEET_SRC_COUNT]; /* wall ms, 0 = never */

	/* consul */
	char		*consul_node;
	char		*address;
	enum fleet_health health;	/* worst of its checks */
	struct fleet_check *checks;
	size_t		 nchecks;

	/* scalelite */
	char		*sl_id;
	char		*sl_url;	/* never the secret */
	enum fleet_lb	 lb;
	int		 online;	/* -1 unknown, 0 offline, 1 online */
	double		 load;		/* NAN: "unavailable" */
	double		 load_multiplier;
	char		*tag;
	char		*bbb_version;

	/* prometheus */
	double		 cpu;		/* percent 0..100 */
	double		 mem;		/* percent used */
	double		 load1;
	double		 net_in;	/* bytes/s */
	double		 net_out;
	int		 meetings;
	int		 participants;
	int		 voice;
	int		 video;
	int		 listeners;
	int		 api_up;	/* bbb-exporter bbb_api_up: -1/0/1 */
	int		 exporters_up;	/* targets up, -1 unknown */
	int		 exporters_total;

	/* rancher */
	char		*stack;		/* stack name of the node's services */
	char		*stack_state;	/* worst service state on the host */
	char		*host_id;
	char		*host_state;
	char		*agent_state;

	/* openstack */
	char		*vm_id;
	char		*vm_status;	/* ACTIVE BUILD SHUTOFF ERROR ... */
	char		*flavor;
	int64_t		 vm_created;	/* wall ms */

	int64_t		 cert_expiry;	/* wall ms of notAfter, 0 unknown */

	/* pushed once per Prometheus refresh; NAN = no sample then */
	struct fleet_ring hist_cpu;
	struct fleet_ring hist_participants;

	/* derived by problems.c */
	int		 nproblems;
	enum fleet_severity worst;	/* valid when nproblems > 0 */

	/* added by fleet.c */
	bool		 bbb;		/* a BBB node: known to consul,
					   scalelite or a bbb-exporter */
	bool		 named;		/* not bbb: a node only because its
					   VM or Rancher host matches
					   [cluster] node_pattern */
	int64_t		 prom_at;	/* wall ms of its last node_exporter
					   sample, 0 never */
	uint64_t	 gen[FLEET_SRC_COUNT]; /* fleet.c's bookkeeping */
	unsigned	 prom_figures;	/* fleet.c's: the Prometheus figures
					   that name it */
};

struct fleet_meeting {
	uint32_t	 id;
	char		*meeting_id;
	char		*name;
	char		*node_key;	/* NULL when unknown */
	int		 participants;
	int		 voice;
	int		 video;
	int		 listeners;
	int		 moderators;
	bool		 recording;
	int64_t		 created;	/* wall ms */
};

struct fleet_service {
	char		*id;
	char		*name;
	char		*state;		/* active upgrading upgraded ... */
	char		*health;	/* healthy degraded unhealthy ... */
	int		 scale;
	char		*image;
};

struct fleet_stack {
	uint32_t	 id;
	char		*rancher_id;
	char		*name;
	char		*state;
	char		*health;
	struct fleet_service *services;
	size_t		 nservices;
};

struct fleet_host {
	uint32_t	 id;
	char		*rancher_id;
	char		*hostname;
	char		*node_key;
	char		*state;
	char		*agent_state;	/* "disconnected" etc., or NULL */
};

struct fleet_vm {
	uint32_t	 id;
	char		*vm_id;
	char		*name;
	char		*node_key;
	char		*status;
	char		*flavor;
	char		*addresses;	/* "10.0.0.5, 2001:db8::5" */
	int64_t		 created;
};

struct fleet_problem {
	uint32_t	 id;
	enum fleet_severity severity;
	const char	*rule;		/* static: "offline-consul-passing" */
	char		*node_key;	/* NULL for fleet-wide problems */
	char		*text;		/* one line, for the problem bar */
	unsigned	 sources;	/* FLEET_SRC_BIT()s it came from */
	int64_t		 since;		/* wall ms the condition started */
	const char	*action;	/* static verb that usually fixes it:
					   "server enable", "stack redeploy" */
	int64_t		 fires_at;	/* pending (fleet->pending): wall ms
					   its hold ends; 0 otherwise */
};

enum fleet_job_state {
	FLEET_JOB_PLANNED,
	FLEET_JOB_WAITING,	/* for the cluster lock */
	FLEET_JOB_RUNNING,
	FLEET_JOB_DONE,
	FLEET_JOB_FAILED,
	FLEET_JOB_CANCELLED
};

struct fleet_job {
	uint32_t	 id;
	char		*verb;		/* "server cordon" */
	char		*target;
	enum fleet_job_state state;
	char		*step;		/* current step, one line */
	int		 progress;	/* percent, -1 unknown */
	char		*result;	/* outcome or error, one line */
	int64_t		 started;
	int64_t		 ended;
	bool		 cancellable;
};

#define FLEET_TOTAL_HIST FLEET_HIST_LEN
struct fleet_totals {
	int		 nodes;
	int		 up;		/* enabled + online */
	int		 cordoned;
	int		 disabled;
	int		 offline;
	int		 meetings;
	int		 participants;
	int		 video;
	int		 voice;
	/*
	 * False when no source knows the meetings, users, video and voice
	 * (Prometheus has no node's value and scalelite's getMeetings has
	 * not answered): the four are 0 then, and mean "unknown", not 0.
	 */
	bool		 load_known;
	struct fleet_ring hist_participants;
};

/* What every update says about the fetch it came from. */
struct fleet_fetch {
	int64_t		 latency_ms;	/* wall time of the fetch */
	uint64_t	 bytes;		/* bytes received for it */
};

struct fleet_priv;

struct fleet {
	uint64_t	 version;
	char		*cluster;

	struct fleet_source sources[FLEET_SRC_COUNT];

	struct fleet_node **nodes;	/* sorted by key */
	size_t		 nnodes;
	struct fleet_meeting **meetings;
	size_t		 nmeetings;
	struct fleet_stack **stacks;
	size_t		 nstacks;
	struct fleet_host **hosts;
	size_t		 nhosts;
	struct fleet_vm	**vms;
	size_t		 nvms;
	struct fleet_problem **problems; /* by severity, newest first */
	size_t		 nproblems;
	struct fleet_problem **pending;	/* conditions held before they
					   fire (CPU high for 1 of 5 min) */
	size_t		 npending;
	struct fleet_job **jobs;	/* newest first */
	size_t		 njobs;
	struct svc	**svcs;		/* services.h: probe results, by
					   name */
	size_t		 nsvcs;

	struct fleet_totals totals;

	/* added by fleet.c (read-only for the UI) */
	int64_t		 stale_limit_ms; /* STALE -> FAILED (5 min) */
	bool		 scalelite_legacy; /* scalelite < 1.5.1 */
	uint64_t	 consul_index;	/* X-Consul-Index, last apply */
	int64_t		 now_ms;	/* time of the last apply/tick */
	struct fleet_fetch meetings_fetch; /* of the last getMeetings */
	int64_t		 meetings_at;	/* wall ms of that list, 0 none yet */
	struct fleet_priv *priv;	/* fleet.c's indexes */
};

const char	*fleet_src_name(enum fleet_src);	/* "consul" ... */
const char	*fleet_lb_name(enum fleet_lb);		/* "enabled" ... */
const char	*fleet_health_name(enum fleet_health);
const char	*fleet_severity_name(enum fleet_severity);
const char	*fleet_job_state_name(enum fleet_job_state);

struct fleet	*fleet_new(const char *cluster);
void		 fleet_free(struct fleet *);

/*
 * The problem rules' state and limits (problems.h): thresholds, hold
 * times, and `hold` (false for a one-shot look such as `bbbctl status`,
 * which raises held rules at once).  fleet->problems and the problems'
 * strings belong to it; they live until the next apply or tick.
 */
struct problems;
struct problems	*fleet_problems(struct fleet *);

/* Borrowed lookups; NULL when absent. */
const struct fleet_node *fleet_node_by_id(const struct fleet *, uint32_t);
const struct fleet_node *fleet_node_by_key(const struct fleet *,
		     const char *);
/* The node's data from src is as fresh as src's last good refresh. */
bool		 fleet_node_fresh(const struct fleet *,
		     const struct fleet_node *, enum fleet_src);

/* Ring helpers (oldest first for i = 0 .. count-1). */
void		 fleet_ring_push(struct fleet_ring *, float);
float		 fleet_ring_get(const struct fleet_ring *, size_t i);

/*
 * The join rule, one function for every source:
 *  1. take the host part: drop a URL's scheme ("https://"), user info
 *     ("u@"), path ("/bigbluebutton/api/"), query, and a ":port" (so
 *     Prometheus "bbb-01:9100", scalelite
 *     "https://bbb-01.example.org/bigbluebutton/api/", consul "bbb-01",
 *     a Rancher hostname and a Nova server name all give the same key);
 *     a bracketed IPv6 literal keeps its address; a trailing '.' goes;
 *  2. lower-case it;
 *  3. when domain ([cluster] domain) is set, strip "." + domain when
 *     the name ends in it and keep the rest whole (so
 *     "bbb-01.site-a.example.org" with domain "example.org" gives
 *     "bbb-01.site-a", and "bbb-01.site-a" stays as it is); when domain
 *     is NULL or empty, keep the part before the first '.'.  An IP
 *     address is always kept whole.
 * An empty result gives NULL.  Allocated.
 */
char		*fleet_node_key(const char *name_or_url,
		     const char *domain);

/*
 * [cluster] node_key selects a variant of the rule for deployments that
 * name things differently:
 *   "host"  (default) the rule above;
 *   "fqdn"  steps 1-2, minus the domain suffix when it is set (the
 *           same as "host" when a domain is set);
 *   "alnum" the rule above, then every character that is not a letter
 *           or digit dropped ("bbb_01", "bbb-01", "BBB01" all join).
 */
enum fleet_key_rule {
	FLEET_KEY_HOST,
	FLEET_KEY_FQDN,
	FLEET_KEY_ALNUM
};
/* 0, or -1 for an unknown name. */
int		 fleet_key_rule_parse(const char *, enum fleet_key_rule *);
char		*fleet_node_key_rule(const char *name_or_url,
		     const char *domain, enum fleet_key_rule);
/* Set the rule used by every fleet_apply_*() (before the first apply). */
void		 fleet_set_join(struct fleet *, enum fleet_key_rule,
		     const char *domain);
struct config;
/*
 * Apply the [cluster] settings (node_key, domain, node_pattern) and the
 * [problems] limits (problems.h; stale_after is stale_limit_ms) before
 * the first apply: what every program that fills a fleet calls.  0, or
 * -1 with an allocated *cause.
 */
int		 fleet_configure(struct fleet *, const struct config *,
		     char **cause);

/*
 * What is a node.  A node is a BBB server.  Every source may name hosts,
 * but only these make a key a node (n->bbb):
 *   - consul: an entry of the BBB nodes' service ([consul] service);
 *   - scalelite: a server of its list;
 *   - Prometheus: a bbb-exporter instance: a sample (even NaN) of a
 *     bbb-exporter figure (meetings, participants, voice, video,
 *     listeners, api_up) in its last good answer; or, without
 *     Prometheus, a meeting that getMeetings puts there.
 * A Rancher host, an OpenStack VM or a Prometheus instance of
 * node_exporter (or any other exporter) only enriches the node of the
 * same key; with no such node it is listed in fleet->hosts / fleet->vms
 * (the hosts view) and nowhere else: not in fleet->nodes, not found by
 * fleet_node_by_key() / _by_id(), not counted in fleet->totals, and
 * raises no per-node problem (host-disconnected and vm-not-active
 * still speak of it, from fleet->hosts / fleet->vms).  The Rancher
 * server, an infrastructure host, the Prometheus server are not nodes.
 *
 * One exception, so that a fresh VM that never got registered is seen:
 * a Rancher host or VM that no BBB source knows is a node still
 * (n->named; it gets the missing-from-source problem) when its key
 * matches one of globs, [cluster] node_pattern: fnmatch(3) patterns
 * such as "bbb-*", separated by commas or blanks, matched against the
 * key case-insensitively.  NULL, "" or "none" matches nothing.  Records keep
 * their id when they become nodes or stop being one.  Set it before
 * the first apply (it takes effect at the next one).
 */
void		 fleet_set_node_pattern(struct fleet *, const char *globs);

/* The key of name under f's rule (allocated, NULL if empty). */
char		*fleet_key(const struct fleet *, const char *name_or_url);

/* --- updates (backends and jobs; main thread only) ------------------- */
/*
 * Ownership: a decoder builds an update with xcalloc()/xstrdup(); every
 * pointer in it is owned by the update.  fleet_apply_X() TAKES the whole
 * update (the struct itself too: it frees it, steals what it keeps); the
 * caller must not touch it afterwards.  fleet_X_update_free() frees one
 * that is not applied (decode error paths); it takes NULL.
 *
 * An applied update is the complete, good answer of its source: nodes
 * absent from it lose that source's `seen` bit (a node no source knows
 * any more disappears), the source becomes FLEET_SRC_OK, last_ok =
 * now_ms, and cause is cleared.  Names of nodes may be in any form the
 * source gives (URL, host:port, FQDN, short name): fleet derives the
 * key with fleet_key().  Entries whose key is empty are dropped.
 * Returns 0, or -1 (nothing applied) when taken is NULL.
 *
 * Every apply re-evaluates the problems (problems.h) and bumps version.
 * now_ms is wall-clock milliseconds (util_wall_ms(); tests pass their own).
 */

/* Consul: GET /v1/health/service/<service>. */
struct fleet_consul_check_u {
	char		*check_id;
	char		*name;
	enum fleet_health status;	/* passing/warning/critical */
	char		*output;
};
struct fleet_consul_node_u {
	char		*node;		/* Node.Node */
	char		*address;	/* Service.Address, else
					   Node.Address */
	struct fleet_consul_check_u *checks;
	size_t		 nchecks;
};
struct fleet_consul_update {
	struct fleet_fetch fetch;
	uint64_t	 index;		/* X-Consul-Index */
	/* one entry per health entry; entries of the same node merge */
	struct fleet_consul_node_u *nodes;
	size_t		 nnodes;
};

/*
 * Prometheus: the result of each query of prom-queries.h, raw: one
 * figure per query name, its vector of {instance label, value}.  Fleet
 * maps instance -> node key (fleet_key()) and the name to the node field
 * ("cpu" -> cpu ... "api_up" -> api_up; "up" counts targets per node:
 * exporters_up = samples with value 1, exporters_total = samples).  A
 * figure whose query failed has failed = true: its node values are left
 * as they were and the source's detail says which figures failed.  A
 * node that appears in no good figure loses the prometheus seen bit.
 * Unknown names are ignored.
 */
struct fleet_prom_sample {
	char		*instance;	/* label, e.g. "bbb-01:9100" */
	char		*job;		/* label or NULL ("up" only) */
	double		 value;		/* NAN for "NaN" */
};
struct fleet_prom_figure {
	char		*name;		/* "cpu", "mem", ..., "up" */
	bool		 failed;
	char		*error;		/* why, when failed */
	struct fleet_prom_sample *samples;
	size_t		 nsamples;
};
struct fleet_prom_update {
	struct fleet_fetch fetch;
	struct fleet_prom_figure *figures;
	size_t		 nfigures;
};

/*
 * Scalelite: the admin API's server list (GET /scalelite/api/getServers,
 * scalelite >= 1.5.1).  legacy = true when scalelite answered
 * "unsupportedRequest" (older scalelite without the admin API): then
 * servers is empty, nodes keep their scalelite fields and seen bits
 * untouched, and the source is OK with detail "scalelite without admin
 * API (< 1.5.1)"; the missing-from-scalelite rule stays silent.
 */
struct fleet_sl_server_u {
	char		*id;
	char		*url;		/* never the secret */
	enum fleet_lb	 state;		/* from "state" */
	int		 online;	/* -1 unknown, 0, 1 */
	double		 load;		/* NAN: "unavailable" */
	double		 load_multiplier; /* NAN unknown */
	char		*tag;		/* NULL none */
	char		*bbb_version;	/* NULL unknown */
};
struct fleet_scalelite_update {
	struct fleet_fetch fetch;
	bool		 legacy;
	struct fleet_sl_server_u *servers;
	size_t		 nservers;
};

/*
 * Meetings: getMeetings through scalelite.  node is any name form of the
 * node that hosts it (from the per-node BBB API or Prometheus), or NULL
 * when unknown.  Replaces the meeting list; does not change the status
 * of any source (the scalelite poll reports that).  Meeting ids are
 * kept stable by meeting_id.
 */
struct fleet_meeting_u {
	char		*meeting_id;
	char		*name;
	char		*node;
	int		 participants;
	int		 voice;
	int		 video;
	int		 listeners;
	int		 moderators;
	bool		 recording;
	int64_t		 created;	/* wall ms, 0 unknown */
};
struct fleet_meetings_update {
	struct fleet_fetch fetch;
	struct fleet_meeting_u *meetings;
	size_t		 nmeetings;
};

/*
 * Rancher (v2-beta, all pages fetched): stacks, services and hosts flat,
 * as on the wire.  Fleet groups services into their stack by stack_id,
 * and finds the stack a host runs through instance ids (a service's
 * instanceIds meet the host's instanceIds).  A node's stack is the
 * stack of the (first, by name) non-system service on its host; its
 * stack_state the worst service health/state on the host.
 */
struct fleet_rancher_stack_u {
	char		*id;
	char		*name;
	char		*state;
	char		*health;	/* healthState */
	bool		 system;	/* a Rancher infrastructure stack */
};
struct fleet_rancher_service_u {
	char		*id;
	char		*stack_id;
	char		*name;
	char		*state;
	char		*health;	/* healthState */
	int		 scale;		/* -1 unknown */
	bool		 system;
	char		*image;		/* launchConfig.imageUuid
					   without "docker:" */
	char		**instance_ids;
	size_t		 ninstance_ids;
};
struct fleet_rancher_host_u {
	char		*id;
	char		*hostname;	/* hostname, else name */
	char		*state;
	char		*agent_state;	/* NULL when blank */
	char		**instance_ids;
	size_t		 ninstance_ids;
};
struct fleet_rancher_update {
	struct fleet_fetch fetch;
	struct fleet_rancher_stack_u *stacks;
	size_t		 nstacks;
	struct fleet_rancher_service_u *services;
	size_t		 nservices;
	struct fleet_rancher_host_u *hosts;
	size_t		 nhosts;
};

/* OpenStack: Nova GET /servers/detail (all pages). */
struct fleet_os_server_u {
	char		*id;
	char		*name;
	char		*status;	/* ACTIVE BUILD ... */
	char		*flavor;	/* flavor original_name, else id */
	char		*addresses;	/* "10.0.0.5, 2001:db8::5" */
	int64_t		 created;	/* wall ms, 0 unknown */
};
struct fleet_openstack_update {
	struct fleet_fetch fetch;
	struct fleet_os_server_u *servers;
	size_t		 nservers;
};

int		 fleet_apply_consul(struct fleet *,
		     struct fleet_consul_update *taken, int64_t now_ms);
int		 fleet_apply_prom(struct fleet *,
		     struct fleet_prom_update *taken, int64_t now_ms);
int		 fleet_apply_scalelite(struct fleet *,
		     struct fleet_scalelite_update *taken, int64_t now_ms);
int		 fleet_apply_meetings(struct fleet *,
		     struct fleet_meetings_update *taken, int64_t now_ms);
int		 fleet_apply_rancher(struct fleet *,
		     struct fleet_rancher_update *taken, int64_t now_ms);
int		 fleet_apply_openstack(struct fleet *,
		     struct fleet_openstack_update *taken, int64_t now_ms);

void		 fleet_consul_update_free(struct fleet_consul_update *);
void		 fleet_prom_update_free(struct fleet_prom_update *);
void		 fleet_scalelite_update_free(
		     struct fleet_scalelite_update *);
void		 fleet_meetings_update_free(struct fleet_meetings_update *);
void		 fleet_rancher_update_free(struct fleet_rancher_update *);
void		 fleet_openstack_update_free(
		     struct fleet_openstack_update *);

/*
 * The TLS certificate of a node, from the handshake of a request already
 * made (http_response.cert_expiry): name is any name form (the URL),
 * not_after_ms wall ms.  Ignored when the node is unknown.
 */
void		 fleet_apply_cert(struct fleet *, const char *name_or_url,
		     int64_t not_after_ms, int64_t now_ms);

/*
 * A source is configured (PENDING until its first answer) or not (OFF).
 * backends_new() calls this for every source it polls.
 */
void		 fleet_source_enable(struct fleet *, enum fleet_src, bool);

/*
 * A refresh of src failed (cause: one line, no secret; copied).  The
 * source becomes STALE while its last good data is younger than
 * fleet->stale_limit_ms, else FAILED (also when there never was any).
 * Node data from it is kept (and shown as stale).
 */
void		 fleet_source_failed(struct fleet *, enum fleet_src,
		     const char *cause, int64_t now_ms);
/*
 * A refresh of src gave the same answer, byte for byte, as the last one
 * applied (backend/memo.h): nothing to decode or join.  The source is OK
 * again (cause cleared, last_ok = last_try = now_ms, fetch figures
 * kept), and its nodes' data counts as fresh (seen_at = now_ms).  The
 * version is bumped only when the source's state or cause changed or it
 * was late (fleet_source_late; then the problems are evaluated again
 * too).
 */
void		 fleet_touch_source(struct fleet *, enum fleet_src,
		     const struct fleet_fetch *, int64_t now_ms);
/*
 * The schedule the backends really use for src (backend.c publishes it
 * when it starts and whenever the refresh interval changes): the
 * longest time from one good answer to the next when all is well (the
 * source's period, or how long the server may hold a blocking query,
 * plus one refresh for the timer).  0: unknown, never late.
 */
void		 fleet_source_set_period(struct fleet *, enum fleet_src,
		     int64_t period_ms);
/* What a request may take on top of the schedule before it is late. */
#define FLEET_LATE_SLACK_MS	10000
/*
 * An OK source whose last good answer is older than its schedule allows
 * (period_ms + FLEET_LATE_SLACK_MS at now_ms): its data may be old
 * although no refresh has failed yet.  The header marks it.
 */
bool		 fleet_source_late(const struct fleet *, enum fleet_src,
		     int64_t now_ms);
/*
 * The source is not answering well at now_ms: failed, stale, or late
 * (above).  *since: wall ms it stopped (its first failure, or when its
 * next answer was due), 0 when it never answered; *cause: why, borrowed
 * until the source changes (a generic text when late).
 */
bool		 fleet_source_trouble(const struct fleet *, enum fleet_src,
		     int64_t now_ms, int64_t *since, const char **cause);
/*
 * What ending n's meetings ends, in words, from the freshest data and
 * with its age: "3 meetings, 45 participants (prometheus, 2s ago)", or
 * "meetings unknown (...)".  Allocated.
 */
char		*fleet_node_meetings_text(const struct fleet *,
		     const struct fleet_node *, int64_t now_ms);
/* The backends' next try of a failing src (wall ms; 0: none planned). */
void		 fleet_source_set_retry(struct fleet *, enum fleet_src,
		     int64_t at_ms);
/* One line shown beside the source (copied; NULL clears). */
void		 fleet_source_set_detail(struct fleet *, enum fleet_src,
		     const char *detail);
/*
 * Re-evaluate time-based states (STALE -> FAILED, problem ages) without
 * new data; the UI calls it on its clock tick.  Bumps version on change.
 */
void		 fleet_tick(struct fleet *, int64_t now_ms);
/* Something outside fleet.c's applies changed (services.c): problems
   again, version bumped. */
void		 fleet_note_change(struct fleet *, int64_t now_ms);

/* --- jobs (jobs.c; main thread only) ---------------------------------- */
/*
 * A job's state as its worker last reported it (jobs.c builds these from
 * the job queue).  A job unknown to the model is added at the front
 * (newest first); at most FLEET_JOBS_MAX are kept, the oldest finished
 * going first.  NULL strings leave the field as it was; the other
 * fields are set.  Takes the update, like every apply.
 */
#define FLEET_JOBS_MAX	100
struct fleet_job_update {
	uint32_t	 id;
	char		*verb;
	char		*target;
	enum fleet_job_state state;
	char		*step;
	int		 progress;	/* percent, -1 unknown */
	char		*result;
	int64_t		 started;	/* wall ms; 0 leaves it */
	int64_t		 ended;
	bool		 cancellable;
};
int		 fleet_apply_job(struct fleet *,
		     struct fleet_job_update *taken, int64_t now_ms);
void		 fleet_job_update_free(struct fleet_job_update *);
const struct fleet_job *fleet_job_by_id(const struct fleet *, uint32_t);

#endif
