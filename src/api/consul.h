/*
 * api/consul.h: the consul client (apis.md §3, apis-wave2.md §3): the
 * agent URL joined with "v1/...", the ACL token in X-Consul-Token, KV,
 * session and agent paths, and the plain-text error answers.
 *
 * struct api_conn: url is [consul] url, secret the ACL token (may be
 * NULL: the agent's default token).
 */
#ifndef BBBCTL_API_CONSUL_H
#define BBBCTL_API_CONSUL_H

#include <stdint.h>

#include "api/api.h"

struct config;

struct api_conn	 api_consul_conn(const struct config *);

/*
 * A request to path ("v1/...", joined to the agent URL) with the token
 * header when a token is set; body (may be NULL) is sent as it is (a KV
 * value, or JSON).
 */
void	 api_consul_req(struct api_req *, const struct api_conn *,
	     const char *method, const char *path, const char *body);

/*
 * "v1/kv/<key>[?query]", the key percent-encoded but for its slashes.
 * Allocated.
 */
char	*api_consul_kv_path(const char *key, const char *query);

/* api_describe(), with what to check for an ACL refusal (403). */
char	*api_consul_describe(const struct api_conn *,
	     const struct http_response *);

/* One KV entry (GET /v1/kv/...): value decoded from base64. */
struct api_consul_kv {
	char		*key;
	char		*value;		/* NUL-terminated, or NULL */
	size_t		 len;
	uint64_t	 flags;
	uint64_t	 modify_index;
	char		*session;	/* holder's session, or NULL */
};

/*
 * Decode a KV answer (a JSON array of entries) into *kv (*n entries).
 * 0, or -1 with *cause.  Public for the tests and the fuzzer.
 */
int	 api_consul_kv_decode(const char *, size_t,
	     struct api_consul_kv **, size_t *, char **cause);
void	 api_consul_kv_free(struct api_consul_kv *, size_t);

/*
 * Blocking: every key under prefix (GET v1/kv/<prefix>?recurse).  No
 * key at all (404) is 0 entries, not an error.
 */
int	 api_consul_kv_list(const struct api_conn *, const char *prefix,
	     struct api_consul_kv **, size_t *, char **cause);


#endif
