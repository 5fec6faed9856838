/*
 * fuzz-promql.c: libFuzzer target for the simulator's PromQL parser and
 * evaluator (sim-promql.c), which the query API feeds with outside
 * text.  Parses the input; when it parses, evaluates it as an instant
 * and as a small range query over a fixed store of two nodes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "sim/sim-prom.h"

#define T0	1700000000000LL

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sim_pstore *
fuzz_store(void)
{
	static struct sim_pstore	*st;
	struct sim_mview		 v;
	int				 i, k, c;

	if (st != NULL)
		return (st);
	st = sim_pstore_new();
	for (i = 0; i < 4; i++) {
		for (k = 0; k < 2; k++) {
			memset(&v, 0, sizeof v);
			v.t_ms = T0 + i * 1000LL;
			v.up = v.api_ok = true;
			v.exporter_up = !(k == 1 && i == 3);
			v.version = k == 0 ? 2 : 7;
			v.ncpu = 2;
			for (c = 0; c < 2; c++) {
				v.cpu_idle[c] = 100 + i * 0.7;
				v.cpu_busy[c] = 50 + i * 0.3;
			}
			v.mem_total = 8e9;
			v.mem_used = 3e9;
			v.rx = 1e6 + i * 1000 - (i == 2 ? 5e5 : 0);
			v.tx = 2e6 + i * 2000;
			v.load1 = 1.5;
			v.meetings = 2;
			v.participants = 30;
			v.hist_part[4] = 2;
			sim_pstore_push(st, k == 0 ? "bbb-01" : "bbb-02", &v);
		}
	}
	return (st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_promql	*q;
	struct buf		 out = { 0 };
	char			*src, *cause = NULL;

	if (size > 4096)
		return (0);
	src = xmalloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';
	q = sim_promql_parse(src, &cause);
	if (q == NULL) {
		if (cause == NULL || strstr(cause, "parse error: ") == NULL)
			abort();
		free(cause);
		free(src);
		return (0);
	}
	if (sim_promql_query(fuzz_store(), q, T0 + 3000, &out, &cause) != 0)
		free(cause);
	buf_free(&out);
	cause = NULL;
	if ((sim_promql_type(q) == SIM_PROMQL_SCALAR ||
	    sim_promql_type(q) == SIM_PROMQL_VECTOR) &&
	    sim_promql_query_range(fuzz_store(), q, T0, T0 + 3000, 1000, &out,
	    &cause) != 0)
		free(cause);
	buf_free(&out);
	sim_promql_free(q);
	free(src);
	return (0);
}
