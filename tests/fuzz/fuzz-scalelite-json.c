/* fuzz-scalelite-json.c: libFuzzer target, scalelite getServers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_scalelite_update	*u;
	struct backend_sl_secrets	 sec;
	char				*cause = NULL;

	if (backend_scalelite_decode(body, size, &u, &sec, &cause) == 0) {
		fleet_scalelite_update_free(u);
		backend_sl_secrets_free(&sec);
	} else
		free(cause);
	return (0);
}
