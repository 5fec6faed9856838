/*
 * keystone.h: the Keystone token decoder (in backend/openstack.c; see
 * backend/decode.h for the rules every decoder follows).  Apart from
 * decode.h because the OpenStack client (api/openstack.c) uses it too
 * and must not see the fleet model's types.
 */
#ifndef BBBCTL_BACKEND_KEYSTONE_H
#define BBBCTL_BACKEND_KEYSTONE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Keystone POST /v3/auth/tokens answer body: the compute endpoint (type
 * compute, the interface, region when non-NULL: region_id or region)
 * and the expiry (wall ms).  An {"error":{...}} body is an error.
 */
int	 backend_keystone_decode(const char *, size_t, const char *region,
	     const char *interface, char **compute_url, int64_t *expires_ms,
	     char **);
/*
 * The same answer's first endpoint of another service type ("image",
 * "network", ...), trailing slashes removed.
 */
int	 backend_keystone_endpoint(const char *, size_t, const char *type,
	     const char *region, const char *interface, char **url, char **);

#endif
