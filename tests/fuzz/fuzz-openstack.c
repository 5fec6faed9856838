/*
 * fuzz-openstack.c: libFuzzer target, Keystone tokens and Nova servers;
 * differential for Nova: the streaming decoder and the jansson (DOM)
 * decoder must agree on accept / reject and give the same servers.
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
	struct fleet_openstack_update	*u, *d;
	char				*cause = NULL, *next, *url;
	char				*dcause = NULL, *dnext;
	int64_t				 exp;
	int				 rc, drc;

	if (backend_keystone_decode(body, size, "RegionOne", "public", &url,
	    &exp, &cause) == 0)
		free(url);
	else
		free(cause);
	u = calloc(1, sizeof *u);
	d = calloc(1, sizeof *d);
	cause = next = dnext = NULL;
	rc = backend_nova_decode(body, size, u, &next, &cause);
	drc = backend_nova_decode_dom(body, size, d, &dnext, &dcause);
	if (rc != drc || ds_str_differ(next, dnext) || ds_nova(u, d) != NULL)
		abort();
	free(next);
	free(dnext);
	free(cause);
	free(dcause);
	fleet_openstack_update_free(u);
	fleet_openstack_update_free(d);
	return (0);
}
