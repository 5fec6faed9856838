/*
 * api/openstack.h: the OpenStack client (apis.md §2, apis-wave2.md §1):
 * a Keystone v3 token with its service catalog from the application
 * credential (no scope), and Nova requests with X-Auth-Token and the
 * compute microversion header.  Usable from the poller (asynchronous:
 * api_keystone_req + api_keystone_take) and from worker threads
 * (blocking: api_keystone_login, api_nova_call).
 *
 * struct api_conn: url is [openstack] auth_url (with or without /v3),
 * user the application credential id, secret its secret, region the
 * region (NULL: any).
 */
#ifndef BBBCTL_API_OPENSTACK_H
#define BBBCTL_API_OPENSTACK_H

#include <stdint.h>

#include "api/api.h"

struct config;

/* The microversion jobs ask for: networks are required from 2.37. */
#define API_NOVA_MICROVERSION	"2.37"
/* A token is renewed this long before it expires. */
#define API_OS_TOKEN_MARGIN_MS	60000

struct api_os_token {
	char	*token;		/* secret: X-Subject-Token */
	char	*compute;	/* public compute endpoint */
	int64_t	 expires;	/* wall ms */
	char	*catalog;	/* the token answer (no secret in it) */
	size_t	 cataloglen;
};

struct api_conn	 api_openstack_conn(const struct config *);

/* "<auth_url>/v3/auth/tokens" (no second /v3); allocated. */
char	*api_keystone_url(const char *auth_url);
/* POST the application credential to Keystone. */
void	 api_keystone_req(struct api_req *, const struct api_conn *);
/*
 * Keystone's answer to api_keystone_req into *tok (cleared first): 0,
 * or -1 with *cause ("keystone: ..." or "HTTP <status>: keystone: ...").
 */
int	 api_keystone_take(const struct api_conn *,
	     const struct http_response *, struct api_os_token *,
	     char **cause);
/* Blocking api_keystone_req + api_keystone_take. */
int	 api_keystone_login(const struct api_conn *, struct api_os_token *,
	     char **cause);
/* Has a token that is good for API_OS_TOKEN_MARGIN_MS more at now_ms. */
bool	 api_os_token_valid(const struct api_os_token *, int64_t now_ms);
/* Zero the token and free everything; the struct is cleared. */
void	 api_os_token_clear(struct api_os_token *);
/* The token's endpoint of another type ("image", "network"); allocated. */
int	 api_os_endpoint(const struct api_conn *,
	     const struct api_os_token *, const char *type, char **url,
	     char **cause);

/*
 * A Nova request: path joined to the compute endpoint (an absolute URL,
 * such as servers_links, is used as it is), X-Auth-Token, Accept JSON,
 * "OpenStack-API-Version: compute <microversion>" when microversion is
 * not NULL, body as JSON when not NULL.
 */
void	 api_nova_req(struct api_req *, const struct api_conn *,
	     const struct api_os_token *, const char *method, const char *path,
	     const json_t *body, const char *microversion);

/*
 * An answer in plain words: a Keystone error ({"error":{"code","title",
 * "message"}}), a Nova fault ({"<faultName>":{"code","message"}}), a
 * Neutron error ({"NeutronError":{"type","message"}}), else
 * api_describe().  The credential's secret and the token never appear.
 */
char	*api_openstack_describe(const struct api_conn *,
	     const struct http_response *);

/*
 * Blocking Nova call with API_NOVA_MICROVERSION: 0 with *out (JSON, or
 * NULL for an empty answer such as DELETE's 204), or -1 with *cause
 * "nova <method> <path>: ...".
 */
int	 api_nova_call(const struct api_conn *, const struct api_os_token *,
	     const char *method, const char *path, const json_t *body,
	     json_t **out, char **cause);

/* Nova GET /limits, absolute part; -1 = unlimited or not given. */
struct api_nova_limits {
	int64_t	 max_instances;
	int64_t	 instances_used;
	int64_t	 max_cores;
	int64_t	 cores_used;
	int64_t	 max_ram_mb;
	int64_t	 ram_used_mb;
	int64_t	 max_keypairs;
};
/* Decoder, public for the tests and the fuzzer: 0, or -1 with *cause. */
int	 api_nova_limits_decode(const char *, size_t,
	     struct api_nova_limits *, char **cause);
/*
 * Nova GET /flavors/detail: the vcpus and ram (MiB) of the flavor named
 * (name or id).  0, or -1 with *cause (not there, not JSON).  Pure.
 */
int	 api_nova_flavor_decode(const char *, size_t, const char *flavor,
	     int64_t *vcpus, int64_t *ram_mb, char **cause);
/* Blocking GET {compute}/limits. */
int	 api_nova_limits(const struct api_conn *,
	     const struct api_os_token *, struct api_nova_limits *,
	     char **cause);

#endif
