/*
 * fuzz-scalelite-json.c: libFuzzer target, scalelite getServers,
 * differential: the streaming decoder and the jansson (DOM) decoder
 * must agree on accept / reject and give the same servers and secrets.
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
	const char	*body = (const char *)data;
	struct fleet_scalelite_update	*u = NULL, *d = NULL;
	struct backend_sl_secrets	 sec, dsec;
	char				*cause = NULL, *dcause = NULL;
	int				 rc, drc;

	rc = backend_scalelite_decode(body, size, &u, &sec, &cause);
	drc = backend_scalelite_decode_dom(body, size, &d, &dsec, &dcause);
	if (rc != drc || (rc == 0 && ds_scalelite(u, &sec, d, &dsec) != NULL))
		abort();
	if (rc == 0) {
		backend_sl_secrets_free(&sec);
		backend_sl_secrets_free(&dsec);
	}
	fleet_scalelite_update_free(u);
	fleet_scalelite_update_free(d);
	free(cause);
	free(dcause);
	return (0);
}
