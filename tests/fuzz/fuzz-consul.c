/*
 * fuzz-consul.c: libFuzzer target for backend_consul_decode(),
 * differential: the streaming decoder and the jansson (DOM) decoder
 * must agree on accept / reject and give the same nodes and checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"
#include "../unit/decode-dom.h"
#include "../unit/decode-same.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char			*body = (const char *)data;
	struct fleet_consul_update	*u = NULL, *d = NULL;
	char				*cause = NULL, *dcause = NULL;
	int				 rc, drc;

	rc = backend_consul_decode(body, size, &u, &cause);
	drc = backend_consul_decode_dom(body, size, &d, &dcause);
	if (rc != drc || (rc == 0 && ds_consul(u, d) != NULL))
		abort();
	fleet_consul_update_free(u);
	fleet_consul_update_free(d);
	free(cause);
	free(dcause);
	return (0);
}
