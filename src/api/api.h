/*
 * api/api.h: one client per outside system, the part they share.
 *
 * Each client (api/consul.c, api/scalelite.c, api/rancher.c,
 * api/openstack.c) builds its system's requests -- URL, auth, checksum,
 * headers, body -- into a struct api_req, and describes the system's
 * error answers in plain words.  The pollers hand &req.http to
 * bk_request() (asynchronous; http copies it), jobs and other worker
 * threads to api_perform() or api_call_json() (blocking, http_perform).
 * The decoders of the answers stay in backend/.  Nothing here knows the
 * fleet model.
 *
 * struct api_conn says where a system is and how to authenticate; its
 * strings are borrowed (usually from the struct config) for as long as
 * the requests built from it live.  struct api_req owns everything its
 * http member points to (not ca_file and method, which are borrowed);
 * api_req_clear() zeroes the secrets in it (header values, the Basic
 * password, the body).  Never copy a struct api_req: http points into
 * it.
 *
 * Causes: every describe function gives one line without control
 * characters, with the connection's secret replaced by API_MASK, even
 * where the system echoes it in its answer.
 *
 * A new call is one small function in its system's client, or none:
 *   scalelite addServer:  api_scalelite_call(c, "addServer", NULL, body)
 *   Rancher token:        api_rancher_call(c, "POST", api_rancher_path(p,
 *                         "registrationtokens", NULL, NULL), body, ...)
 *   stack exportconfig:   api_rancher_call(c, "POST",
 *                         api_rancher_action_path(...), body, ...)
 *   Nova create server:   api_nova_call(c, t, "POST", "servers", body, ...)
 *   consul agent service: api_consul_req(r, c, "PUT",
 *                         "v1/agent/service/register", NULL),
 *                         api_req_json(r, body), api_perform(...)
 * plus its decoder when the answer is read, with unit tests on recorded
 * samples and a fuzz target (as api_consul_kv_list, api_nova_limits).
 */
#ifndef BBBCTL_API_H
#define BBBCTL_API_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "http.h"
#include "util.h"

#define API_MASK		"<secret>"
#define API_REQ_HEADERS		8
#define API_BLOCKING_TIMEOUT_MS	30000	/* a job's request */

struct api_conn {
	const char	*url;		/* base (Keystone: auth_url) */
	const char	*user;		/* access key, credential id */
	const char	*secret;	/* token, secret key, shared secret */
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*region;	/* OpenStack region, or NULL */
	long		 timeout_ms;	/* 0: HTTP_DEFAULT_TIMEOUT_MS */
};

struct api_req {
	struct http_req	 http;		/* points in here */
	char		*url;
	char		*body;
	char		*user;
	char		*password;
	char		*hdr[API_REQ_HEADERS];
	const char	*hv[API_REQ_HEADERS + 1];
	size_t		 nhdr;
};

/*
 * A request for method (a literal, NULL = GET) to url (taken), with the
 * CA file and timeout of c (c may be NULL).
 */
void	 api_req_init(struct api_req *, const struct api_conn *,
	     const char *method, char *url);
/* Add one "Name: value" header line (at most API_REQ_HEADERS). */
void	 api_req_header(struct api_req *, const char *, ...)
	     printflike(2, 3);
/* HTTP Basic auth with user and password (copied). */
void	 api_req_basic(struct api_req *, const char *user,
	     const char *password);
/* A body (copied) and its Content-Type. */
void	 api_req_body(struct api_req *, const char *type, const char *body);
/* body as compact JSON, Content-Type and Accept application/json. */
void	 api_req_json(struct api_req *, const json_t *body);
/* Free what the request owns, secrets zeroed; takes a cleared one. */
void	 api_req_clear(struct api_req *);

/* Describes an answer (any status) in plain words; allocated. */
typedef char	*(*api_describe_fn)(const struct api_conn *,
		     const struct http_response *);

/*
 * Blocking, for worker threads.  api_perform: 0 when a 2xx answer
 * arrived (*resp filled: the caller clears it); otherwise -1 with
 * *cause "<what>: " + describe(c, resp) and resp cleared.
 * api_call_json: api_perform, then the body as JSON into *out (NULL for
 * an empty body); a 2xx body that is not JSON is described as an error
 * too (a system that answers an error with 200, like scalelite's XML).
 */
int	 api_perform(const struct api_req *, const struct api_conn *,
	     api_describe_fn, const char *what, struct http_response *,
	     char **cause);
int	 api_call_json(const struct api_req *, const struct api_conn *,
	     api_describe_fn, const char *what, json_t **out, char **cause);

/*
 * Whether this thread's last api_perform() (or api_call_json()) failed
 * in a way worth a retry (http_response_transient(): 5xx, 429, timeout,
 * reset): a job's follow phase retries those.  Like errno.
 */
bool	 api_last_transient(void);

/*
 * The HTTP status of this thread's last failed api_perform() (0: it got
 * no answer, or the last call succeeded).  Like errno: for a caller that
 * takes one answer as no error (Rancher's 409 on an action a resource
 * in that state does not offer).
 */
int	 api_last_status(void);

/*
 * The generic description: the transport error, "no response", or
 * "HTTP <status>[: <first bytes of the body>]", c's secret masked
 * before the body is cut.  Allocated.
 */
char	*api_describe(const struct api_conn *,
	     const struct http_response *);
/* s with every occurrence of secret (if non-empty) masked; allocated. */
char	*api_mask(const char *s, const char *secret);
/* One line: control characters become spaces, at most max bytes. */
char	*api_clean(const char *s, size_t max);

#endif
