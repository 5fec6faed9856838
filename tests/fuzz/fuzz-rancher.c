/* fuzz-rancher.c: libFuzzer target, Rancher collections and projects. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_rancher_update	*u;
	char				*cause, *next, *id;
	int				 k;

	u = calloc(1, sizeof *u);
	for (k = BACKEND_RANCHER_STACKS; k <= BACKEND_RANCHER_HOSTS; k++) {
		cause = next = NULL;
		if (backend_rancher_decode(k, body, size, u, &next,
		    &cause) == 0)
			free(next);
		else
			free(cause);
	}
	fleet_rancher_update_free(u);
	cause = NULL;
	if (backend_rancher_decode_projects(body, size, NULL, &id,
	    &cause) == 0)
		free(id);
	else
		free(cause);
	return (0);
}
