/*
 * lock.h: the cluster-wide lock in consul (apis.md §3.8, what `consul
 * lock` does): a session with a TTL, renewed every TTL/2 by a thread of
 * its own, and the key acquired with the lock flags; the value says who
 * holds it.  A crashed console's session expires and the lock goes.
 *
 * Blocking (http_perform): for worker threads only.  struct lock is the
 * caller's from lock_acquire() to lock_release(), which releases the
 * key, destroys the session and joins the renewal thread.
 */
#ifndef BBBCTL_LOCK_H
#define BBBCTL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#define LOCK_FLAGS	0x2ddccbc058a50c18ULL	/* the consul lock magic */
#define LOCK_TTL_MS	15000

struct lock;

struct lock_opts {
	const char	*url;		/* consul base URL */
	const char	*token;		/* secret, may be NULL */
	const char	*ca_file;
	const char	*key;		/* "bbbctl/<cluster>/lock" */
	const char	*operator;	/* "alice@10.0.0.5" */
	const char	*job;		/* "server cordon bbb-03" */
	int64_t		 ttl_ms;	/* 0 = LOCK_TTL_MS */
	int64_t		 wait_ms;	/* how long to wait; 0 = give up */
	int64_t		 retry_ms;	/* between tries; 0 = 1 s */
	/* While someone else holds it (holder described); may be NULL. */
	void		(*waiting)(const char *holder, void *);
	/* Polled while waiting: stop waiting when it returns true. */
	bool		(*cancelled)(void *);
	/*
	 * Once, on the renewal thread, when the lock is known lost (the
	 * session is gone, or could not be renewed for a whole TTL); the
	 * cause is borrowed for the call.  May be NULL.
	 */
	void		(*on_lost)(const char *cause, void *);
	void		*arg;
};

/* NULL with *cause ("held by alice@10.0.0.5 since 22:41 for ..."). */
struct lock	*lock_acquire(const struct lock_opts *, char **);
/*
 * The lock is lost: consul says the session is gone, or it could not be
 * renewed for a whole TTL (consul may have let it expire).  For good.
 */
bool		 lock_lost(struct lock *);
/* Why it is lost (allocated), or NULL while it is held. */
char		*lock_lost_cause(struct lock *);
/*
 * Ask consul whether the key is still held by our session (blocking;
 * before each mutating step).  0: held, or consul cannot be asked but
 * the session was renewed less than a TTL ago.  -1 with *cause when the
 * lock is lost, or consul answers but what it says cannot be read (it
 * cannot be confirmed); then lock_lost() is true for good.
 */
int		 lock_check(struct lock *, char **);
/* Release and destroy the session; takes NULL. */
void		 lock_release(struct lock *);

/*
 * The holder of a lock from the key's value (JSON {operator, host, pid,
 * since, job}): "held by alice@10.0.0.5 since 22:41 for server cordon
 * bbb-03".  Allocated; a value that is not ours gives "held by another
 * client".  Public for the tests and the fuzzer.
 */
char		*lock_describe_holder(const char *, size_t);
/* The value this process writes (JSON).  Allocated. */
char		*lock_value(const char *operator, const char *job,
		     int64_t since_ms);

#endif
