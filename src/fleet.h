/*
 * fleet.h: the fleet model, the one true picture of the fleet.
 *
 * Owned by the main (loop) thread.  Backends change it only through the
 * fleet_apply_*() functions (declared with their update structs in
 * fleet.c's section of this header below); every change bumps
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
 * (fleet_node_key(); the rule is documented there).
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

	struct fleet_ring hist_cpu;
	struct fleet_ring hist_participants;

	/* derived by problems.c */
	int		 nproblems;
	enum fleet_severity worst;	/* valid when nproblems > 0 */
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
	struct fleet_ring hist_participants;
};

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
	struct fleet_problem **problems; /* by severity, then age */
	size_t		 nproblems;
	struct fleet_job **jobs;	/* newest first */
	size_t		 njobs;

	struct fleet_totals totals;
};

const char	*fleet_src_name(enum fleet_src);	/* "consul" ... */
const char	*fleet_lb_name(enum fleet_lb);		/* "enabled" ... */
const char	*fleet_health_name(enum fleet_health);
const char	*fleet_severity_name(enum fleet_severity);
const char	*fleet_job_state_name(enum fleet_job_state);

struct fleet	*fleet_new(const char *cluster);
void		 fleet_free(struct fleet *);

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
 * The join rule: lower-case, strip a URL's scheme/port/path, take the
 * part before the first '.', unless [cluster] domain is set (then only
 * that suffix is stripped).  Allocated.
 */
char		*fleet_node_key(const char *name_or_url, const char *domain);

/* --- updates (backends and jobs; main thread only) ------------------- */
/* Declared by the backend/jobs modules as they land. */

#endif
