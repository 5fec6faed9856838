/*
 * lock.c: the cluster lock in consul (see lock.h).
 *
 *  1. PUT /v1/session/create {"Name","TTL":"15s","LockDelay":"15s",
 *     "Behavior":"release"}; a thread renews it every TTL/2.
 *  2. PUT /v1/kv/KEY?acquire=SESSION&flags=MAGIC with our holder value;
 *     "true": held.  "false": GET the key, say who holds it (its value),
 *     refuse a key that is not a lock (other flags), and try again
 *     every retry_ms until wait_ms has passed.
 *  3. Release: PUT /v1/kv/KEY?release=SESSION&flags=MAGIC, PUT
 *     /v1/session/destroy/SESSION.  Every error path after 1 destroys
 *     the session, so a failed acquisition leaves nothing behind.
 *     Whenever the session may still hold the key (a lock counted as
 *     lost, an acquisition whose answer never came) the key is released
 *     first: a session destroyed while it holds a key leaves that key to
 *     consul's lock-delay, and the next operator waits 15 s for nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api/consul.h"
#include "http.h"
#include "lock.h"
#include "log.h"
#include "util.h"

struct lock {
	char		*url;
	char		*token;
	char		*ca_file;
	char		*key;
	char		*session;
	int64_t		 ttl_ms;

	pthread_t	 renewer;
	bool		 renewing;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cond;
	bool		 stop;
	char		*lost;		/* the cause, once lost */
	bool		 gone;		/* the session is gone (renewal 404) */
	bool		 maybe_held;	/* the session may hold the key */
	int64_t		 renewed_ms;	/* mono ms of the last renewal */
	void		(*on_lost)(const char *, void *);
	void		*arg;
};

/* One request to consul (api/consul.h); 0 with *resp filled when 2xx. */
static int
lock_http(const struct lock *l, const char *method, const char *path,
    const char *body, struct http_response *resp, char **cause)
{
	struct api_conn	 c = { 0 };
	struct api_req	 r;
	char		*what;
	int		 rc;

	c.url = l->url;
	c.secret = l->token;
	c.ca_file = l->ca_file;
	c.timeout_ms = 10000;
	api_consul_req(&r, &c, method, path, body);
	what = xasprintf("consul %s %s", method, path);
	rc = api_perform(&r, &c, api_consul_describe, what, resp, cause);
	free(what);
	api_req_clear(&r);
	return (rc);
}

/* --- the holder's value -------------------------------------------------- */

char *
lock_value(const char *operator, const char *job, int64_t since_ms)
{
	json_t	*o;
	char	*s, host[256], since[32];
	time_t	 t = (time_t)(since_ms / 1000);
	struct tm tm;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	gmtime_r(&t, &tm);
	strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s, s:s, s:I, s:s, s:s}", "operator", operator,
	    "host", host, "pid", (json_int_t)getpid(), "since", since,
	    "job", job);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s != NULL ? s : xstrdup("{}"));
}

/* Printable, one line, at most max bytes. */
static char *
lock_clean(const char *s, size_t max)
{
	struct buf	 b = { 0 };

	buf_add(&b, "", 0);
	for (; *s != '\0' && b.len < max; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_addc(&b, '?');
		else
			buf_addc(&b, *s);
	}
	return (buf_steal(&b));
}

char *
lock_describe_holder(const char *data, size_t len)
{
	json_t		*o;
	json_error_t	 err;
	const char	*op, *since, *job;
	char		*c_op, *c_job, *c_since, *s, hhmm[16];
	struct tm	 tm;
	time_t		 t;

	o = json_loadb(data, len, 0, &err);
	if (o == NULL || !json_is_object(o) ||
	    (op = json_string_value(json_object_get(o, "operator"))) == NULL) {
		json_decref(o);
		return (xstrdup("held by another client"));
	}
	since = json_string_value(json_object_get(o, "since"));
	job = json_string_value(json_object_get(o, "job"));
	c_op = lock_clean(op, 80);
	c_job = job != NULL ? lock_clean(job, 120) : NULL;
	c_since = NULL;
	memset(&tm, 0, sizeof tm);
	if (since != NULL &&
	    strptime(since, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL) {
		t = timegm(&tm);
		localtime_r(&t, &tm);
		strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
		c_since = xstrdup(hhmm);
	} else if (since != NULL)
		c_since = lock_clean(since, 40);
	s = xasprintf("held by %s%s%s%s%s", c_op,
	    c_since != NULL ? " since " : "", c_since != NULL ? c_since : "",
	    c_job != NULL ? " for " : "", c_job != NULL ? c_job : "");
	free(c_op);
	free(c_job);
	free(c_since);
	json_decref(o);
	return (s);
}

/* A KV value (base64) that a bbbctl wrote as its holder value. */
static bool
lock_value_ours(const char *b64)
{
	json_t		*o;
	json_error_t	 err;
	char		*raw;
	size_t		 len;
	bool		 ours;

	if (b64 == NULL || (raw = util_base64_decode(b64, strlen(b64), &len)) ==
	    NULL)
		return (false);
	o = json_loadb(raw, len, 0, &err);
	free(raw);
	ours = json_is_object(o) &&
	    json_is_string(json_object_get(o, "operator")) &&
	    json_is_string(json_object_get(o, "since"));
	json_decref(o);
	return (ours);
}

/*
 * Who holds the key: 0 with *holder (NULL when free), -1 with *cause
 * (transport, or the key is not a lock).
 */
static int
lock_read_holder(const struct lock *l, char **holder, char **cause)
{
	struct http_response	 resp;
	json_t			*arr, *e;
	json_error_t		 err;
	const char		*val;
	char			*path, *raw;
	size_t			 len;
	json_int_t		 flags;

	*holder = NULL;
	path = xasprintf("/v1/kv/%s", l->key);
	if (lock_http(l, "GET", path, NULL, &resp, cause) != 0) {
		free(path);
		if (strstr(*cause, "HTTP 404") != NULL) {
			free(*cause);
			*cause = NULL;
			return (0);
		}
		return (-1);
	}
	free(path);
	arr = json_loadb(resp.body, resp.len, 0, &err);
	http_response_clear(&resp);
	if (arr == NULL || !json_is_array(arr) ||
	    !json_is_object(e = json_array_get(arr, 0))) {
		json_decref(arr);
		*cause = xasprintf("consul: the lock key %s: not a KV answer",
		    l->key);
		return (-1);
	}
	flags = json_integer_value(json_object_get(e, "Flags"));
	/*
	 * An older bbbctl released without the flags: a free key (no
	 * session) holding our value at flags 0 is a free lock.
	 */
	if ((uint64_t)flags == 0 &&
	    json_string_value(json_object_get(e, "Session")) == NULL &&
	    lock_value_ours(json_string_value(json_object_get(e, "Value")))) {
		json_decref(arr);
		return (0);
	}
	if ((uint64_t)flags != LOCK_FLAGS) {
		json_decref(arr);
		*cause = xasprintf("consul: the key %s exists but is not a "
		    "lock (flags %" PRIu64 ")", l->key, (uint64_t)flags);
		return (-1);
	}
	if (json_string_value(json_object_get(e, "Session")) != NULL) {
		val = json_string_value(json_object_get(e, "Value"));
		raw = val != NULL ? util_base64_decode(val, strlen(val), &len) :
		    NULL;
		*holder = raw != NULL ? lock_describe_holder(raw, len) :
		    xstrdup("held by another client");
		free(raw);
	}
	json_decref(arr);
	return (0);
}

/*
 * The lock is lost, for cause (taken).  The first cause stays; on_lost
 * is called once, outside the mutex.
 */
static void
lock_set_lost(struct lock *l, char *cause)
{
	bool	 first;

	pthread_mutex_lock(&l->mu);
	first = l->lost == NULL;
	if (first)
		l->lost = cause;
	pthread_mutex_unlock(&l->mu);
	if (!first) {
		free(cause);
		return;
	}
	log_warn("lock: %s: lost: %s", l->key, cause);
	if (l->on_lost != NULL)
		l->on_lost(cause, l->arg);
}

/* A renewal's answer: [{"ID": our session, ...}]. */
static bool
lock_renewed(const struct lock *l, const struct http_response *resp)
{
	json_t		*arr;
	json_error_t	 err;
	const char	*id;
	bool		 ok;

	arr = json_loadb(resp->body != NULL ? resp->body : "", resp->len, 0,
	    &err);
	id = json_string_value(json_object_get(json_array_get(arr, 0), "ID"));
	ok = id != NULL && strcmp(id, l->session) == 0;
	json_decref(arr);
	return (ok);
}

static void *
lock_renew_main(void *arg)
{
	struct lock		*l = arg;
	struct http_response	 resp;
	struct timespec		 ts;
	char			*path, *cause = NULL;
	bool			 stop, renewed;
	int64_t			 since;

	path = xasprintf("/v1/session/renew/%s", l->session);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += l->ttl_ms / 2000;
		ts.tv_nsec += (l->ttl_ms / 2 % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&l->mu);
		while (!l->stop) {
			if (pthread_cond_timedwait(&l->cond, &l->mu, &ts) ==
			    ETIMEDOUT)
				break;
		}
		stop = l->stop;
		pthread_mutex_unlock(&l->mu);
		if (stop)
			break;
		if (lock_http(l, "PUT", path, NULL, &resp, &cause) == 0) {
			renewed = lock_renewed(l, &resp);
			http_response_clear(&resp);
			if (renewed) {
				pthread_mutex_lock(&l->mu);
				l->renewed_ms = util_mono_ms();
				pthread_mutex_unlock(&l->mu);
				continue;
			}
			/* An answer that cannot be read is no renewal. */
			cause = xasprintf("consul PUT %s: the answer cannot be "
			    "read (not our session)", path);
		}
		if (strstr(cause, "HTTP 404") != NULL) {
			pthread_mutex_lock(&l->mu);
			l->gone = true;
			pthread_mutex_unlock(&l->mu);
			lock_set_lost(l, xasprintf("consul session %s is gone "
			    "(destroyed or expired; its renewal got HTTP 404)",
			    l->session));
			free(cause);
			break;
		}
		pthread_mutex_lock(&l->mu);
		since = util_mono_ms() - l->renewed_ms;
		pthread_mutex_unlock(&l->mu);
		if (since >= l->ttl_ms) {
			lock_set_lost(l, xasprintf("consul session %s not "
			    "renewed for %llds (it may have expired): %s",
			    l->session, (long long)(since / 1000), cause));
			free(cause);
			break;
		}
		log_warn("lock: session renewal failed: %s (tried again in "
		    "%llds)", cause, (long long)(l->ttl_ms / 2000));
		free(cause);
		cause = NULL;
	}
	free(path);
	return (NULL);
}

/*
 * Release the key if the session holds it.  Tried twice when consul
 * gave no answer: a session destroyed while it still holds the key
 * leaves it to consul's lock-delay.  consul answers "false" and changes
 * nothing when the session does not hold the key.
 */
static void
lock_unlock_key(struct lock *l)
{
	struct http_response	 resp;
	char			*path, *cause = NULL;
	int			 try;

	/*
	 * With the flags: a PUT without them sets them to 0, and a
	 * contender reading the key then would take it for a foreign one.
	 */
	path = xasprintf("/v1/kv/%s?release=%s&flags=%" PRIu64, l->key,
	    l->session, (uint64_t)LOCK_FLAGS);
	for (try = 0; try < 2; try++) {
		if (lock_http(l, "PUT", path, NULL, &resp, &cause) == 0) {
			http_response_clear(&resp);
			break;
		}
		log_warn("lock: release: %s", cause);
		/* An answer (an HTTP status) will not change on a retry. */
		if (strstr(cause, "HTTP ") != NULL) {
			free(cause);
			break;
		}
		free(cause);
		cause = NULL;
		if (try == 0)
			usleep(500 * 1000);
	}
	free(path);
}

static void
lock_destroy(struct lock *l)
{
	struct http_response	 resp;
	char			*path, *cause = NULL;

	if (l->renewing) {
		pthread_mutex_lock(&l->mu);
		l->stop = true;
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->renewer, NULL);
	}
	if (l->session != NULL && l->maybe_held && !l->gone)
		lock_unlock_key(l);
	if (l->session != NULL) {
		path = xasprintf("/v1/session/destroy/%s", l->session);
		if (lock_http(l, "PUT", path, NULL, &resp, &cause) != 0) {
			log_warn("lock: %s (the session expires with its TTL)",
			    cause);
			free(cause);
		} else
			http_response_clear(&resp);
		free(path);
	}
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->mu);
	free(l->url);
	freezero_str(l->token);
	free(l->ca_file);
	free(l->key);
	free(l->session);
	free(l->lost);
	free(l);
}

/* Sleep ms in slices, false as soon as cancelled says so. */
static bool
lock_nap(const struct lock_opts *o, int64_t ms)
{
	int64_t	 end = util_mono_ms() + ms, left;

	for (;;) {
		if (o->cancelled != NULL && o->cancelled(o->arg))
			return (false);
		if ((left = end - util_mono_ms()) <= 0)
			return (true);
		usleep((useconds_t)(left > 100 ? 100 : left) * 1000);
	}
}

struct lock *
lock_acquire(const struct lock_opts *o, char **cause)
{
	struct lock		*l;
	struct http_response	 resp;
	pthread_condattr_t	 ca;
	json_t			*j;
	json_error_t		 err;
	char			*body, *path, *value, *holder = NULL;
	int64_t			 deadline, retry;
	int			 error;

	l = xcalloc(1, sizeof *l);
	l->url = xstrdup(o->url);
	l->token = o->token != NULL ? xstrdup(o->token) : NULL;
	l->ca_file = o->ca_file != NULL ? xstrdup(o->ca_file) : NULL;
	l->key = xstrdup(o->key);
	l->ttl_ms = o->ttl_ms > 0 ? o->ttl_ms : LOCK_TTL_MS;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	l->on_lost = o->on_lost;
	l->arg = o->arg;
	retry = o->retry_ms > 0 ? o->retry_ms : 1000;
	deadline = util_mono_ms() + (o->wait_ms > 0 ? o->wait_ms : 0);

	/* 1. the session */
	j = json_pack("{s:s, s:s, s:s, s:s}", "Name", "bbbctl lock",
	    "TTL", "", "LockDelay", "15s", "Behavior", "release");
	body = xasprintf("%" PRId64 "s", l->ttl_ms / 1000);
	json_object_set_new(j, "TTL", json_string(body));
	free(body);
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (lock_http(l, "PUT", "/v1/session/create", body, &resp,
	    cause) != 0) {
		free(body);
		goto fail;
	}
	free(body);
	j = json_loadb(resp.body, resp.len, 0, &err);
	http_response_clear(&resp);
	if (j == NULL || json_string_value(json_object_get(j, "ID")) == NULL) {
		json_decref(j);
		*cause = xstrdup("consul: session create: no ID in the answer");
		goto fail;
	}
	l->session = xstrdup(json_string_value(json_object_get(j, "ID")));
	json_decref(j);
	l->renewed_ms = util_mono_ms();
	if ((error = pthread_create(&l->renewer, NULL, lock_renew_main,
	    l)) != 0) {
		*cause = xasprintf("lock: thread: %s", strerror(error));
		goto fail;
	}
	l->renewing = true;

	/* 2. acquire, or wait */
	value = lock_value(o->operator, o->job, util_wall_ms());
	path = xasprintf("/v1/kv/%s?acquire=%s&flags=%" PRIu64, l->key,
	    l->session, (uint64_t)LOCK_FLAGS);
	for (;;) {
		if (lock_http(l, "PUT", path, value, &resp, cause) != 0) {
			/* consul may have taken it without a word back */
			l->maybe_held = true;
			break;
		}
		if (resp.body != NULL && strncmp(resp.body, "true", 4) == 0) {
			http_response_clear(&resp);
			log_info("lock: %s acquired at %lld", l->key,
			    (long long)util_wall_ms());
			free(path);
			free(value);
			free(holder);
			return (l);
		}
		http_response_clear(&resp);
		free(holder);
		if (lock_read_holder(l, &holder, cause) != 0)
			break;
		if (holder == NULL)
			holder = xstrdup("held by another client (lock delay)");
		if (util_mono_ms() >= deadline) {
			*cause = xasprintf("the cluster lock is %s; try again "
			    "later or wait for it with --lock-wait S", holder);
			break;
		}
		if (o->waiting != NULL)
			o->waiting(holder, o->arg);
		if (!lock_nap(o, retry)) {
			*cause = xasprintf("cancelled while waiting for the "
			    "cluster lock (%s)", holder);
			break;
		}
	}
	free(path);
	free(value);
	free(holder);
fail:
	lock_destroy(l);
	return (NULL);
}

bool
lock_lost(struct lock *l)
{
	bool	 lost;

	pthread_mutex_lock(&l->mu);
	lost = l->lost != NULL;
	pthread_mutex_unlock(&l->mu);
	return (lost);
}

char *
lock_lost_cause(struct lock *l)
{
	char	*s;

	pthread_mutex_lock(&l->mu);
	s = l->lost != NULL ? xstrdup(l->lost) : NULL;
	pthread_mutex_unlock(&l->mu);
	return (s);
}

int
lock_check(struct lock *l, char **cause)
{
	struct http_response	 resp;
	json_t			*arr, *e;
	json_error_t		 err;
	const char		*sess;
	char			*path, *why = NULL, *lost;
	int64_t			 since;

	if ((lost = lock_lost_cause(l)) != NULL) {
		*cause = lost;
		return (-1);
	}
	path = xasprintf("/v1/kv/%s", l->key);
	if (lock_http(l, "GET", path, NULL, &resp, &why) != 0) {
		free(path);
		if (strstr(why, "HTTP 404") != NULL) {
			lock_set_lost(l, xasprintf("the key %s is gone (no "
			    "session holds it)", l->key));
			free(why);
			*cause = lock_lost_cause(l);
			return (-1);
		}
		/* Not an answer: the session lives for a TTL. */
		pthread_mutex_lock(&l->mu);
		since = util_mono_ms() - l->renewed_ms;
		pthread_mutex_unlock(&l->mu);
		if (since < l->ttl_ms) {
			log_warn("lock: cannot check %s (%s); renewed %llds "
			    "ago, held", l->key, why,
			    (long long)(since / 1000));
			free(why);
			return (0);
		}
		lock_set_lost(l, xasprintf("cannot check the lock and the "
		    "session was not renewed for %llds: %s",
		    (long long)(since / 1000), why));
		free(why);
		*cause = lock_lost_cause(l);
		return (-1);
	}
	free(path);
	arr = json_loadb(resp.body, resp.len, 0, &err);
	http_response_clear(&resp);
	e = json_array_get(arr, 0);
	sess = json_string_value(json_object_get(e, "Session"));
	if (!json_is_object(e)) {
		json_decref(arr);
		/*
		 * consul answered, but not what it holds: the lock cannot
		 * be confirmed, and no change may be made on a guess.
		 */
		lock_set_lost(l, xasprintf("consul's answer about %s cannot "
		    "be read (not a KV answer); the lock cannot be confirmed",
		    l->key));
		*cause = lock_lost_cause(l);
		return (-1);
	}
	if (sess != NULL && strcmp(sess, l->session) == 0) {
		json_decref(arr);
		return (0);
	}
	if (sess == NULL)
		lock_set_lost(l, xasprintf("consul session %s no longer holds "
		    "%s (the session was destroyed or expired)", l->session,
		    l->key));
	else
		lock_set_lost(l, xasprintf("another session (%.40s) holds %s "
		    "now", sess, l->key));
	json_decref(arr);
	*cause = lock_lost_cause(l);
	return (-1);
}

void
lock_release(struct lock *l)
{
	if (l == NULL)
		return;
	log_info("lock: %s releasing at %lld", l->key,
	    (long long)util_wall_ms());
	/*
	 * Lost or not, the session may still hold the key (a lock counts
	 * as lost when it cannot be confirmed): release it before the
	 * session goes, or consul keeps it for its lock-delay.
	 */
	l->maybe_held = true;
	lock_destroy(l);
}
