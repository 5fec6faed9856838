/*
 * ui-gen.h: a generated fleet for the UI tests and the benchmark, built
 * through the real fleet_apply_*() functions (so problems, totals and
 * rings are the model's own).  Deterministic for a seed.
 *
 * Nodes are bbb-01.. (bbb-0001.. above 99).  With n >= 10: bbb-03 is
 * offline in scalelite while consul passes, bbb-05 is cordoned, bbb-07
 * has a critical consul check, bbb-09 runs at 95 % CPU.
 */
#ifndef BBBCTL_UI_GEN_H
#define BBBCTL_UI_GEN_H

#include <stddef.h>
#include <stdint.h>

struct fleet;

struct fleet	*ui_gen_fleet(size_t nnodes, uint64_t seed, int64_t now_ms);
/* One more Prometheus round (history rings move, version bumps). */
void		 ui_gen_prom(struct fleet *, size_t nnodes, uint64_t seed,
		     int64_t now_ms);
/* The name of node i (static buffer). */
const char	*ui_gen_name(size_t nnodes, size_t i);

#endif
