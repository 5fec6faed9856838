/* fuzz-prometheus.c: libFuzzer target for backend_prom_decode(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_prom_figure	 f;
	char				*cause = NULL, *warning = NULL;
	size_t				 i;

	if (backend_prom_decode("cpu", body, size, &f, &warning,
	    &cause) == 0) {
		for (i = 0; i < f.nsamples; i++) {
			free(f.samples[i].instance);
			free(f.samples[i].job);
		}
		free(f.samples);
		free(f.name);
		free(warning);
	} else
		free(cause);
	return (0);
}
