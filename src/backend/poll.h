/*
 * poll.h: the transport side of the backends (private to src/backend/).
 *
 * backend.c owns one struct bk_source per system: its timer, schedule,
 * backoff and the transfers it has in flight.  A system's poller
 * (<system>-poll.c) implements struct bk_ops: start() issues one
 * refresh's requests through bk_request() and ends it with exactly one
 * of bk_done() (after applying its update) or bk_failed().  Requests of
 * a source are cancelled when it is freed; their callbacks never run
 * then.
 */
#ifndef BBBCTL_BACKEND_POLL_H
#define BBBCTL_BACKEND_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "fleet.h"
#include "http.h"

struct bk_source;
struct config;

struct bk_ops {
	enum fleet_src	 src;
	/* Is the system configured at all? */
	bool		(*configured)(const struct config *);
	void		*(*new)(struct bk_source *);
	void		 (*free)(void *);
	/* Begin one refresh. */
	void		 (*start)(struct bk_source *, void *);
	/* Period of this source, from the refresh interval. */
	int64_t		 (*period)(int64_t refresh_ms);
};

extern const struct bk_ops bk_consul_ops;
extern const struct bk_ops bk_prom_ops;
extern const struct bk_ops bk_scalelite_ops;
extern const struct bk_ops bk_rancher_ops;
extern const struct bk_ops bk_openstack_ops;

/* Accessors. */
const struct config *bk_config(struct bk_source *);
struct fleet	*bk_fleet(struct bk_source *);
int64_t		 bk_refresh_ms(struct bk_source *);
/*
 * The server may hold this source's answers up to ms (a consul blocking
 * query's wait): the schedule published in the model allows for it.
 */
void		 bk_hold(struct bk_source *, int64_t ms);
/* Request timeout for this source (shorter than its period). */
long		 bk_timeout_ms(struct bk_source *);
/* Mono ms the refresh started. */
int64_t		 bk_started(struct bk_source *);
struct fleet_fetch bk_fetch(struct bk_source *);

/*
 * Issue a request for the source (copied by http).  cb runs on the loop
 * unless the source is freed first.
 */
void		 bk_request(struct bk_source *, const struct http_req *,
		     http_done_cb, void *);
/* The refresh succeeded: the caller applied its update. */
void		 bk_done(struct bk_source *);
/* Like bk_done, but come back after delay_ms (consul blocking). */
void		 bk_done_after(struct bk_source *, int64_t delay_ms);
/* The refresh failed: cause is copied; backoff follows. */
void		 bk_failed(struct bk_source *, const char *cause);
/* Tell the user of the backends that the model changed. */
void		 bk_changed(struct bk_source *);

/* The meetings list is wanted (backends_want_meetings()). */
bool		 bk_want_meetings(struct bk_source *);

/*
 * cause without the source's own name as a prefix of its parts
 * ("cpu: prometheus: bad_data: x" -> "cpu: bad_data: x"): the UI shows
 * it beside the source's name already.  Allocated.
 */
char		*bk_clean_cause(enum fleet_src, const char *);

/* Helpers. */
/* "scheme://host[:port]" of url equals that of base. */
bool		 bk_same_origin(const char *url, const char *base);
/* One line: "<what>: " + http_response_describe(). Allocated. */
char		*bk_describe(const char *what,
		     const struct http_response *);
/*
 * One line: "<what>: " + the system's own description (api/<system>.h),
 * which masks c's secret.  Allocated.
 */
char		*bk_describe_api(const char *what, api_describe_fn,
		     const struct api_conn *, const struct http_response *);
/* "<what>: [HTTP <status>: ]<cause>" (status when not 2xx). Allocated. */
char		*bk_prefix_status(const char *what,
		     const struct http_response *, const char *cause);
/*
 * Is a decoder's cause the system's own error answer (Prometheus
 * envelope, Rancher error object, Keystone/Nova fault) rather than a
 * body that is not the expected format at all?  For non-2xx answers:
 * the former is shown, the latter replaced by bk_describe().
 */
bool		 bk_is_error_answer(const char *cause);
/* Lower-case hex SHA-256 of s into out[65]. */

/*
 * Rancher's unchanged answers (rancher-poll.c; its tests and benchmark
 * use them too).  Its memo's parts are its collections (enum
 * backend_rancher_kind); bk_rancher_decode_cb() decodes a page of one
 * into arg (struct fleet_rancher_update *).  bk_rancher_copy() appends a
 * deep copy of part of src to dst.
 *
 * bk_rancher_fill(), after a good cycle that was not unchanged as a
 * whole: a collection decoded anew may still say what the last decode
 * said (Rancher's hosts carry figures such as
 * info.memoryInfo.memAvailable that change every time and that fleet
 * does not read).  True when every collection is the same as the last
 * decode, in bytes or in every field fleet reads (then nothing changed:
 * touch the source, free u).  Else false, u complete: its collections
 * that were the same in bytes are filled in from last (copies), and
 * last keeps a copy of the others.  last starts empty (xcalloc()).
 */
struct bk_memo;
int		 bk_rancher_decode_cb(void *, int, const char *, size_t,
		     char **, char **);
/*
 * The memo's decode callbacks of consul (arg: struct
 * fleet_consul_update **; one page, a second one replaces it) and of
 * Nova (arg: its update; one part, paged); in their pollers.
 */
int		 bk_consul_decode_cb(void *, int, const char *, size_t,
		     char **, char **);
int		 bk_nova_decode_cb(void *, int, const char *, size_t,
		     char **, char **);
void		 bk_rancher_copy(struct fleet_rancher_update *dst,
		     const struct fleet_rancher_update *src, int part);
bool		 bk_rancher_fill(const struct bk_memo *,
		     struct fleet_rancher_update *u,
		     struct fleet_rancher_update *last);

#endif
