/*
 * sim-prom.h: the simulator's monitoring side, private to src/sim/.
 *
 * Every node runs three exporters (node_exporter, process-exporter and
 * bbb-exporter).  What they print at one instant is a pure function of a
 * struct sim_mview, a small snapshot of the node taken under the world
 * lock.  sim-metrics.c turns a view into the Prometheus text exposition
 * format (what the real Prometheus scrapes from SIM_METRICS); the query
 * API (sim-prom.c, sim-promql.c) keeps a ring of views per node and
 * evaluates PromQL over the very same samples, so both agree.
 *
 * Scrape scheme (also used by the real-Prometheus test configuration):
 *   job="node"     instance="<node>:9100"  path /metrics/<node>/node
 *   job="process"  instance="<node>:9256"  path /metrics/<node>/process
 *   job="bbb"      instance="<node>:9688"  path /metrics/<node>/bbb
 * On SIM_METRICS the node may also be named by the Host header's first
 * label: http://bbb-01.localhost:PORT/metrics/node, .../metrics/process,
 * and .../metrics (bbb-exporter, as behind the recommended nginx).
 */
#ifndef BBBCTL_SIM_PROM_H
#define BBBCTL_SIM_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct sim_world;

enum sim_exporter {
	SIM_EXP_NODE,
	SIM_EXP_PROCESS,
	SIM_EXP_BBB,
	SIM_NEXPORTERS
};

extern const char *const sim_exporter_job[SIM_NEXPORTERS];
extern const int sim_exporter_port[SIM_NEXPORTERS];

#define SIM_MVIEW_MAXCPU	8
#define SIM_MVIEW_PBUCKETS	15	/* room participants/listeners */
#define SIM_MVIEW_VBUCKETS	9	/* room voice/video */

/* le bounds of bbb_room_participants and bbb_room_voice_participants */
extern const double sim_room_pbounds[];
extern const double sim_room_vbounds[];

/* Everything the exporters of one node print at one instant. */
struct sim_mview {
	int64_t		 t_ms;
	bool		 up;		/* the node answers at all */
	bool		 exporter_up;
	bool		 api_ok;	/* BBB API answers SUCCESS */
	int		 version;	/* bbb-exporter: 2 or 7 */
	int		 ncpu;
	double		 cpu_idle[SIM_MVIEW_MAXCPU];
	double		 cpu_busy[SIM_MVIEW_MAXCPU];
	double		 mem_total;
	double		 mem_used;
	double		 rx;		/* eth0 counters */
	double		 tx;
	double		 lo;		/* lo rx == tx */
	double		 load1;
	double		 load5;
	double		 load15;
	double		 boot_s;	/* node boot time, unix seconds */
	double		 start_s;	/* exporters' start, unix s */
	int		 meetings;
	int		 participants;
	int		 pmax;
	int		 listeners;
	int		 voice;
	int		 video;
	int		 dialin;
	int		 recording;	/* meetings being recorded */
	int		 hist_part[SIM_MVIEW_PBUCKETS];
	int		 hist_listen[SIM_MVIEW_PBUCKETS];
	int		 hist_voice[SIM_MVIEW_VBUCKETS];
	int		 hist_video[SIM_MVIEW_VBUCKETS];
	double		 unique_meetings;	/* counter */
	double		 scrapes;	/* bbb-exporter scrapes so far */
};

/* Per-node exporter state kept between views (owned by sim-prom.c). */
struct sim_mstate {
	char		 name[64];
	bool		 init;
	int64_t		 last_ms;
	double		 load5;
	double		 load15;
	double		 unique;
	double		 start_s;
	/* busy time before the model ran */
	double		 busy_off[SIM_MVIEW_MAXCPU];
};
struct sim_mstate *sim_prom_mstate(struct sim_world *, size_t);

/* Fill a view of node i now (lock held; advances per-node state). */
void	 sim_mview_fill(struct sim_world *, size_t, struct sim_mview *);
/* Views of every node at once, views[0 .. nnodes-1] (lock held). */
void	 sim_mview_fill_all(struct sim_world *, struct sim_mview *);

enum sim_mtype {
	SIM_MT_COUNTER,
	SIM_MT_GAUGE,
	SIM_MT_HISTOGRAM,
	SIM_MT_UNTYPED
};

struct sim_mlabel {
	const char	*name;
	const char	*value;
};

/* Receives what an exporter prints, family by family. */
struct sim_memit {
	void	(*family_cb)(void *, const char *, enum sim_mtype,
		    const char *);
	void	(*sample_cb)(void *, const char *,
		    const struct sim_mlabel *, size_t, double);
	void	*arg;
};

/* Generate exporter e of a view (the view must be of a node that is up). */
void	 sim_metrics_gen(const struct sim_mview *, const char *nodename,
	     enum sim_exporter, const struct sim_memit *);
/* Text exposition format of exporter e for a view; allocated. */
char	*sim_metrics_text(const struct sim_mview *, const char *nodename,
	     enum sim_exporter);

/*
 * Number formats.  sim_fmt_go: Go's strconv.FormatFloat(v, fmt, -1, 64)
 * for fmt 'e', 'f' or 'g' (shortest round-trip digits).  sim_fmt_text_go:
 * client_golang's text format; sim_fmt_text_py: client_python's
 * floatToGoString.  sim_fmt_json_value: Prometheus API sample values.
 */
void	 sim_fmt_go(struct buf *, double, char);
void	 sim_fmt_text_go(struct buf *, double);
void	 sim_fmt_text_py(struct buf *, double);
void	 sim_fmt_json_value(struct buf *, double);
void	 sim_fmt_json_time(struct buf *, int64_t);


/*
 * sim-promql.c: a history of views per node and a small PromQL engine
 * over it.  The store keeps, per node, a ring of views; a view whose node
 * or exporter was down stands for a failed scrape (up 0, staleness for
 * the rest).  Series carry the labels the real Prometheus gives with the
 * scrape scheme above: __name__, job, instance and the exporter's own.
 *
 * Memory is bounded by a budget (SIM_PSTORE_BUDGET bytes for the whole
 * store, whatever the fleet size).  sim_pstore_plan() derives from it and
 * the node count the ring length (at most SIM_PSTORE_RING views, never
 * fewer than SIM_PSTORE_MIN_RING) and the step between views: one view a
 * simulated second while 330 views a node fit (about 750 nodes), then a
 * coarser step, up to SIM_PSTORE_MAX_STEP_MS, so that the ring still
 * spans about 5.5 minutes (at 5000 nodes: ~50 views every 5 s, ~4 min).
 * Real Prometheus scrapes every 15 s; rate() and irate() use the views'
 * own timestamps and stay exact for any step.  Instant selectors look back
 * SIM_PROMQL_LOOKBACK_MS as Prometheus does, but only as far as the ring
 * reaches: a query at a time older than the ring's span finds nothing.
 * Only beyond SIM_PSTORE_MIN_RING views a node (some 16000 nodes) does the
 * store exceed its budget.
 */
#define SIM_PSTORE_RING		330	/* at most: 5.5 min, a view a second */
#define SIM_PSTORE_MIN_RING	16	/* [1m] windows at a 5 s step */
#define SIM_PSTORE_MAX_STEP_MS	5000
#define SIM_PSTORE_BUDGET	((size_t)96 * 1024 * 1024)
#define SIM_PROMQL_LOOKBACK_MS	300000	/* query.lookback-delta */

struct sim_pstore;
struct sim_pstore *sim_pstore_new(void);
void	 sim_pstore_free(struct sim_pstore *);
/* Plan ring length and step for n nodes (rings follow at their push). */
void	 sim_pstore_plan(struct sim_pstore *, size_t);
/* Change the budget (bytes) and re-plan; for tests. */
void	 sim_pstore_set_budget(struct sim_pstore *, size_t);
/* Planned time between views a caller should keep, ms. */
int64_t	 sim_pstore_step_ms(const struct sim_pstore *);
size_t	 sim_pstore_ring_len(const struct sim_pstore *);
/* Bytes the store has allocated now; bytes of one stored view. */
size_t	 sim_pstore_bytes(const struct sim_pstore *);
size_t	 sim_pstore_slot_size(void);
/* Record a view of a node (copied); views must come in time order. */
void	 sim_pstore_push(struct sim_pstore *, const char *,
	     const struct sim_mview *);
size_t	 sim_pstore_nnodes(const struct sim_pstore *);
/* Name and latest view of node i (NULL if none); borrowed until push. */
const struct sim_mview *sim_pstore_last(const struct sim_pstore *, size_t,
	     const char **);
/* Forget nodes not named in the NULL-terminated list. */
void	 sim_pstore_retain(struct sim_pstore *, const char *const *);

enum sim_promql_type {
	SIM_PROMQL_SCALAR,
	SIM_PROMQL_VECTOR,
	SIM_PROMQL_MATRIX,
	SIM_PROMQL_STRING
};

struct sim_promql;
/*
 * Parse a PromQL expression: NULL with *cause ("1:5: parse error: ...",
 * allocated) on error.  The result is the caller's.
 */
struct sim_promql *sim_promql_parse(const char *, char **);
void	 sim_promql_free(struct sim_promql *);
enum sim_promql_type sim_promql_type(const struct sim_promql *);
/*
 * Evaluate at t (instant) or over [start, end] every step (range) and
 * append the API's "data" object to out.  -1 with *cause (allocated) on
 * an execution error, -2 when it took more than 10 s (timeout).
 */
int	 sim_promql_query(struct sim_pstore *, const struct sim_promql *,
	     int64_t, struct buf *, char **);
int	 sim_promql_query_range(struct sim_pstore *,
	     const struct sim_promql *, int64_t, int64_t, int64_t,
	     struct buf *, char **);

/* JSON string (Go's encoding/json escaping, HTML characters too). */
void	 sim_json_str(struct buf *, const char *);

#endif
