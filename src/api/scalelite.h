/*
 * api/scalelite.h: the scalelite client (scalelite-bbb.md §1.4, §2.1):
 * the admin JSON API (>= 1.5.1) and the BBB API, both with
 * checksum = hex(SHA-256(call + query + secret)).  The query is hashed
 * as sent; the JSON body of a POST is not part of the checksum, so the
 * server id goes in the query too, where the checksum covers it.
 *
 * struct api_conn: url is [scalelite] url (with or without
 * "/bigbluebutton/api"), secret is LOADBALANCER_SECRET.
 */
#ifndef BBBCTL_API_SCALELITE_H
#define BBBCTL_API_SCALELITE_H

#include "api/api.h"

struct config;

struct api_conn	 api_scalelite_conn(const struct config *);

/* url without trailing slashes and "/bigbluebutton/api"; allocated. */
char	*api_scalelite_base(const char *url);
/* The BBB API of url: <base>/bigbluebutton/api; allocated. */
char	*api_scalelite_bbb_api(const char *url);
/* hex SHA-256 of call + query + secret (NULL secret: ""). */
void	 api_scalelite_checksum(const char *call, const char *query,
	     const char *secret, char out[65]);
/*
 * A BBB API URL: api (".../bigbluebutton/api" of scalelite or of a
 * node) + "/call?" + query (may be NULL or "") + "checksum=...".
 * Allocated.
 */
char	*api_bbb_url(const char *api, const char *call, const char *query,
	     const char *secret);

/* GET <base>/bigbluebutton/api/<call>?<query>&checksum=... */
void	 api_scalelite_bbb(struct api_req *, const struct api_conn *,
	     const char *call, const char *query);
/*
 * GET <base>/health_check (no checksum): 200 with "success", or 200
 * with "Health Check Failure: <error>" (scalelite-bbb.md §1.5).
 */
void	 api_scalelite_health(struct api_req *, const struct api_conn *);
/*
 * An admin API call: GET <base>/scalelite/api/<action>?[id=<id>&]
 * checksum=..., or a POST of body (JSON) when body is not NULL.
 */
void	 api_scalelite_admin(struct api_req *, const struct api_conn *,
	     const char *action, const char *id, const json_t *body);

/*
 * An answer in plain words: the BBB-style XML error (messageKey:
 * message; checksumError and unsupportedRequest explained), the admin
 * API's {"error": "..."} with its status, else api_describe().
 */
char	*api_scalelite_describe(const struct api_conn *,
	     const struct http_response *);

/*
 * Blocking admin API call: 0 with *out (the JSON answer, NULL if
 * empty), or -1 with *cause "scalelite <action>: ..."; an XML answer
 * (an error even with HTTP 200) is a cause.
 */
int	 api_scalelite_call(const struct api_conn *, const char *action,
	     const char *id, const json_t *body, json_t **out, char **cause);

#endif
