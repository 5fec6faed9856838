/* fuzz-openstack.c: libFuzzer target, Keystone tokens and Nova servers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_openstack_update	*u;
	char				*cause = NULL, *next, *url;
	int64_t				 exp;

	if (backend_keystone_decode(body, size, "RegionOne", "public", &url,
	    &exp, &cause) == 0)
		free(url);
	else
		free(cause);
	u = calloc(1, sizeof *u);
	cause = NULL;
	if (backend_nova_decode(body, size, u, &next, &cause) == 0)
		free(next);
	else
		free(cause);
	fleet_openstack_update_free(u);
	return (0);
}
