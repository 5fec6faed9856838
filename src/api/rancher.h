/*
 * api/rancher.h: the Rancher 1.6 client (apis.md §1): the v2-beta base,
 * HTTP Basic auth with the API keys, project paths, action calls and
 * the error object ({"type":"error","status","code","message"}).
 *
 * struct api_conn: url is [rancher] url (".../v2-beta", ".../v1" or the
 * bare server), user the access key, secret the secret key.
 */
#ifndef BBBCTL_API_RANCHER_H
#define BBBCTL_API_RANCHER_H

#include "api/api.h"

struct config;

struct api_conn	 api_rancher_conn(const struct config *);

/* The API base, ".../v2-beta" (a "/v1" is replaced); allocated. */
char	*api_rancher_base(const char *url);
/*
 * "projects/<project>/<coll>[/<id>][?<query>]" (id and query may be
 * NULL); "projects[?query]" when project is NULL.  Allocated.
 */
char	*api_rancher_path(const char *project, const char *coll,
	     const char *id, const char *query);
/* "projects/<project>/<coll>/<id>?action=<action>"; allocated. */
char	*api_rancher_action_path(const char *project, const char *coll,
	     const char *id, const char *action);

/*
 * A request to path (joined to the base; an absolute http(s) URL, such
 * as a pagination link, is used as it is; "" is the base itself, the
 * API root), Basic auth when an access
 * key is set, body as JSON when not NULL.
 */
void	 api_rancher_req(struct api_req *, const struct api_conn *,
	     const char *method, const char *path, const json_t *body);

/* "HTTP <status> <code>: <message>" of an error object, else api_describe. */
char	*api_rancher_describe(const struct api_conn *,
	     const struct http_response *);

/*
 * Blocking: 0 with *out (a JSON object), or -1 with *cause
 * "rancher <path>: ...".
 */
int	 api_rancher_call(const struct api_conn *, const char *method,
	     const char *path, const json_t *body, json_t **out, char **cause);
/*
 * Blocking: the id of the project whose id or name is want ([rancher]
 * project), or of the first active one when want is NULL.  0 with *id
 * (allocated), or -1 with *cause.
 */
int	 api_rancher_project(const struct api_conn *, const char *want,
	     char **id, char **cause);

#endif
