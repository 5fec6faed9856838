/*
 * backend.h: the set of backends that keep the fleet model current.
 *
 * One transport part per system (consul, prometheus, scalelite, rancher,
 * openstack) polls on the loop with its own schedule, timeout and
 * backoff; one failing source never holds up another.  Decoded updates
 * are applied to the fleet with fleet_apply_*() on the loop thread, then
 * the change callback runs (the dashboard redraws, `status` checks
 * whether every source has answered).
 *
 * The struct backends borrows loop, http, config and fleet; they must
 * outlive it.
 */
#ifndef BBBCTL_BACKEND_H
#define BBBCTL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct fleet;
struct http;
struct loop;
struct backends;

typedef void (*backends_change_cb)(void *arg);

struct backends	*backends_new(struct loop *, struct http *,
		     const struct config *, struct fleet *);
void		 backends_free(struct backends *);
/* Start polling every configured source (the first round at once). */
void		 backends_start(struct backends *);
/* Poll every source now (the `r` key); a no-op for ones in flight. */
void		 backends_refresh_now(struct backends *);
/* Change the refresh interval live (the `+`/`-` keys). */
void		 backends_set_refresh(struct backends *, int64_t ms);
/*
 * cb runs on the loop after every apply or failure.  It must not call
 * backends_free() (break the loop and free afterwards).
 */
void		 backends_on_change(struct backends *, backends_change_cb,
		     void *arg);
/*
 * The meetings list (scalelite getMeetings and the per-node BBB API
 * getMeetings that finds each meeting's node and the node's TLS
 * certificate expiry) is fetched only while wanted; off by default
 * (`bbbctl status` never fetches it; per-node meeting figures come from
 * Prometheus).  Turning it on fetches at once.
 */
void		 backends_want_meetings(struct backends *, bool);

/* True when every configured source has answered or failed once. */
bool		 backends_settled(const struct backends *);

#endif
