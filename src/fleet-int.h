/*
 * fleet-int.h: the inside of the fleet model, shared by fleet.c (the
 * records, the join, the end of every change) and the per-source apply
 * files fleet-<source>.c (one source's update into the records).
 * Private to them: nothing else includes it.
 *
 * An apply of source src follows one pattern: before =
 * fleet_digest_view(f); f->priv->gen++; each record the update names is
 * found with fleet_node_get_name() (or _get() by key) and stamped with
 * fleet_node_touch(); then fleet_nodes_sweep(f, src) drops src from the
 * records it did not name, fleet_source_ok() records the fetch, the
 * update is freed, and fleet_changed_from(f, now, src, before) ends it
 * (order, totals, problems, version).
 */
#ifndef BBBCTL_FLEET_INT_H
#define BBBCTL_FLEET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet.h"
#include "hmap.h"

struct fleet_priv {
	struct hmap	 by_key;	/* key -> struct fleet_node */
	struct hmap	 by_id;		/* id -> struct fleet_node */
	struct hmap	 scratch[3];	/* reused by the applies */
	uint32_t	 next_id;
	uint64_t	 gen;
	enum fleet_key_rule rule;
	char		*domain;
	bool		 resort;
	struct fleet_node **all;	/* every record, sorted by key */
	size_t		 nall;
	char		**pattern;	/* [cluster] node_pattern globs */
	size_t		 npattern;
	struct problems	*problems;
	uint64_t	 digest[FLEET_SRC_COUNT]; /* fleet_digest() */
	bool		 digest_set[FLEET_SRC_COUNT];
};

/* The Prometheus figures fleet knows (prom-queries.h names). */
enum fleet_pf {
	FLEET_PF_CPU,
	FLEET_PF_MEM,
	FLEET_PF_LOAD1,
	FLEET_PF_NET_IN,
	FLEET_PF_NET_OUT,
	FLEET_PF_MEETINGS,
	FLEET_PF_PARTICIPANTS,
	FLEET_PF_VOICE,
	FLEET_PF_VIDEO,
	FLEET_PF_LISTENERS,
	FLEET_PF_API_UP,
	FLEET_PF_UP,
	FLEET_PF_COUNT
};

/* The figures of bbb-exporter: a sample of one names a BBB node. */
#define FLEET_PF_BBB	((1u << FLEET_PF_MEETINGS) | \
	(1u << FLEET_PF_PARTICIPANTS) | (1u << FLEET_PF_VOICE) | \
	(1u << FLEET_PF_VIDEO) | (1u << FLEET_PF_LISTENERS) | \
	(1u << FLEET_PF_API_UP))

/* *dst = a copy of src (NULL allowed), reallocating only on a change. */
void		 fleet_str_set(char **dst, const char *src);

/* A record's fields from one source, freed and reset to unknown. */
void		 fleet_node_clear_consul(struct fleet_node *);
void		 fleet_node_clear_scalelite(struct fleet_node *);
void		 fleet_node_clear_prom(struct fleet_node *);

/* The record of key (borrowed), created when new. */
struct fleet_node *fleet_node_get(struct fleet *, const char *key);
/* The record of a name in any form, created when new; NULL: no key. */
struct fleet_node *fleet_node_get_name(struct fleet *, const char *name);
/* The record was named by src in this apply (its generation, now). */
void		 fleet_node_touch(struct fleet *, struct fleet_node *,
		     enum fleet_src, int64_t now);
/*
 * After an apply of src: records src did not name this time lose src;
 * the ones no source knows any more go.
 */
void		 fleet_nodes_sweep(struct fleet *, enum fleet_src);

/* Entity lists, freed (the list and every entity). */
void		 fleet_meetings_free(struct fleet_meeting **, size_t);
void		 fleet_stacks_free(struct fleet_stack **, size_t);
void		 fleet_hosts_free(struct fleet_host **, size_t);
void		 fleet_vms_free(struct fleet_vm **, size_t);

/* The source answered well: OK, cause cleared, its fetch figures. */
void		 fleet_source_ok(struct fleet *, enum fleet_src,
		     const struct fleet_fetch *, int64_t now);
/* The end of a change: order, totals, problems; the version moves. */
void		 fleet_changed(struct fleet *, int64_t now);
/*
 * What the screen shows apart from one source's data (the node list,
 * the sources' states, the totals and the problems), as a digest.
 */
uint64_t	 fleet_digest_view(const struct fleet *);
/*
 * The end of an apply of src: order, totals and problems; the version
 * moves only when what the screen shows moved (before: the
 * fleet_digest_view() at the start of the apply).
 */
void		 fleet_changed_from(struct fleet *, int64_t now,
		     enum fleet_src, uint64_t before);

#endif
