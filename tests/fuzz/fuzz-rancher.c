/*
 * fuzz-rancher.c: libFuzzer target, Rancher collections and projects,
 * differential: the streaming decoders and the jansson (DOM) decoders
 * must agree on accept / reject and give the same outputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "../unit/decode-dom.h"
#include "../unit/decode-same.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char			*body = (const char *)data;
	static const char		*wants[] = { NULL, "Default", "1a5" };
	struct fleet_rancher_update	*u, *d;
	char				*cause, *next, *dcause, *dnext;
	char				*id, *did;
	int				 k, rc, drc;
	size_t				 w;

	u = calloc(1, sizeof *u);
	d = calloc(1, sizeof *d);
	for (k = BACKEND_RANCHER_STACKS; k <= BACKEND_RANCHER_HOSTS; k++) {
		cause = next = dcause = dnext = NULL;
		rc = backend_rancher_decode(k, body, size, u, &next, &cause);
		drc = backend_rancher_decode_dom(k, body, size, d, &dnext,
		    &dcause);
		if (rc != drc || (rc == 0 && ds_str_differ(next, dnext)) ||
		    (rc != 0 && (cause == NULL || dcause == NULL)) ||
		    ds_rancher(u, d) != NULL)
			abort();
		free(next);
		free(dnext);
		free(cause);
		free(dcause);
	}
	fleet_rancher_update_free(u);
	fleet_rancher_update_free(d);
	for (w = 0; w < sizeof wants / sizeof wants[0]; w++) {
		cause = dcause = id = did = NULL;
		rc = backend_rancher_decode_projects(body, size, wants[w], &id,
		    &cause);
		drc = backend_rancher_decode_projects_dom(body, size, wants[w],
		    &did, &dcause);
		if (rc != drc || (rc == 0 && ds_str_differ(id, did)))
			abort();
		free(id);
		free(did);
		free(cause);
		free(dcause);
	}
	return (0);
}
