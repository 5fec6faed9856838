/*
 * fuzz-prometheus.c: libFuzzer target for backend_prom_decode(), with a
 * differential check: when the no-DOM fast path takes an input, the
 * jansson decoder must take it too and give the same figure.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
figure_free(struct fleet_prom_figure *f)
{
	size_t	 i;

	for (i = 0; i < f->nsamples; i++) {
		free(f->samples[i].instance);
		free(f->samples[i].job);
	}
	free(f->samples);
	free(f->name);
	free(f->error);
}

static int
str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != b);
	return (strcmp(a, b) != 0);
}

static void
figure_same(const struct fleet_prom_figure *a,
    const struct fleet_prom_figure *b)
{
	size_t	 i;

	if (str_differ(a->name, b->name) || a->failed != b->failed ||
	    a->nsamples != b->nsamples)
		abort();
	for (i = 0; i < a->nsamples; i++) {
		if (str_differ(a->samples[i].instance,
		    b->samples[i].instance) ||
		    str_differ(a->samples[i].job, b->samples[i].job) ||
		    memcmp(&a->samples[i].value, &b->samples[i].value,
		    sizeof a->samples[i].value) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char			*body = (const char *)data;
	struct fleet_prom_figure	 f, d;
	char				*cause = NULL, *warning = NULL;

	if (backend_prom_decode_fast("cpu", body, size, &f)) {
		if (backend_prom_decode_dom("cpu", body, size, &d, &warning,
		    &cause) != 0 || warning != NULL)
			abort();
		figure_same(&f, &d);
		figure_free(&f);
		figure_free(&d);
	} else if (f.name != NULL || f.samples != NULL || f.nsamples != 0)
		abort();

	if (backend_prom_decode("cpu", body, size, &f, &warning,
	    &cause) == 0) {
		figure_free(&f);
		free(warning);
	} else
		free(cause);
	return (0);
}
