/* fuzz-consul.c: libFuzzer target for backend_consul_decode(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_consul_update	*u;
	char				*cause = NULL;

	if (backend_consul_decode(body, size, &u, &cause) == 0)
		fleet_consul_update_free(u);
	else
		free(cause);
	return (0);
}
