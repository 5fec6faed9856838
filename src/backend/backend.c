/*
 * backend.c: the set of backends on the loop: one struct bk_source per
 * configured system, each with its own schedule, request timeout and
 * backoff, so that one failing or hanging source never holds up another.
 *
 * Schedule: a refresh starts period() after the previous one started
 * (never two of one source in flight); after a failure the next try
 * waits an exponential backoff from the refresh interval, doubled per
 * consecutive failure up to BK_BACKOFF_MAX_MS, with "equal jitter"
 * (half fixed, half random) so that many consoles do not retry in step.
 *
 * A source whose last failure was the network path (refused, timed
 * out, name not resolved, reset: http_response_unreachable()) does not
 * sit out its whole back-off once another source shows the network
 * works: its wait is cut short (bk_network_works()).  Bounded: one
 * early try per source until a source that had lost the network
 * answers again (then one more), never sooner than BK_EARLY_GAP_MS
 * after the source's last failure.  A 401, another HTTP error or an
 * answer that does not decode keeps its back-off.
 */
#include <sys/queue.h>


#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/poll.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "mask.h"
#include "loop.h"
#include "util.h"

#define BK_BACKOFF_MAX_MS	60000
#define BK_MIN_GAP_MS		100
#define BK_MIN_REFRESH_MS	250
#define BK_EARLY_GAP_MS		1000

struct bk_xfer {
	struct bk_source	*s;
	struct http_xfer	*xfer;
	http_done_cb		 cb;
	void			*arg;
	TAILQ_ENTRY(bk_xfer)	 entry;
};
TAILQ_HEAD(bk_xfers, bk_xfer);

struct bk_source {
	struct backends		*b;
	const struct bk_ops	*ops;
	void			*priv;
	struct loop_timer	*timer;
	struct bk_xfers		 xfers;

	bool			 inflight;
	bool			 answered;	/* done or failed once */
	int			 failures;	/* consecutive */
	int64_t			 started;	/* mono ms */
	uint64_t		 bytes;
	struct http_budget	 budget;	/* its bytes in flight */
	int64_t			 hold_ms;	/* bk_hold() */
	int64_t			 next_at;	/* mono ms the timer fires */
	int64_t			 failed_at;	/* mono ms of the last failure */
	/* this refresh's answers (bk_request_cb) */
	bool			 round_unreachable;
	bool			 round_other;	/* an HTTP or TLS failure */
	bool			 round_last_ok;
	bool			 unreachable;	/* the last failure was the
						   network path */
	bool			 early;		/* its early try is used */
};

struct backends {
	struct loop		*loop;
	struct http		*http;
	const struct config	*cfg;
	struct fleet		*fleet;
	int64_t			 refresh_ms;
	bool			 want_meetings;
	backends_change_cb	 change_cb;
	void			*change_arg;
	struct bk_source	*sources[FLEET_SRC_COUNT];
	uint64_t		 rng;
};

static const struct bk_ops *bk_all_ops[] = {
	&bk_consul_ops,
	&bk_prom_ops,
	&bk_scalelite_ops,
	&bk_rancher_ops,
	&bk_openstack_ops
};

static void	bk_start(struct bk_source *);

/*
 * Publish the schedule of s in the model (fleet_source_set_period): its
 * period, or the time the server may hold a request when that is
 * longer, plus one refresh (the timer, the minimum gap).  The header's
 * "late" mark is computed from it.
 */
static void
bk_publish(struct bk_source *s)
{
	int64_t	 t;

	t = s->ops->period(s->b->refresh_ms);
	if (s->hold_ms > t)
		t = s->hold_ms;
	fleet_source_set_period(s->b->fleet, s->ops->src,
	    t + s->b->refresh_ms);
}

static uint64_t
bk_rand(struct backends *b)
{
	/* xorshift64*: jitter only, no security use */
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return (b->rng * 2685821657736338717ULL);
}

static void
bk_timer_cb(void *arg)
{
	struct bk_source	*s = arg;

	bk_start(s);
}

static void
bk_start(struct bk_source *s)
{
	if (s->inflight)
		return;
	loop_timer_stop(s->timer);
	s->inflight = true;
	s->started = util_mono_ms();
	s->bytes = 0;
	s->round_unreachable = s->round_other = s->round_last_ok = false;
	s->ops->start(s, s->priv);
}

static void
bk_schedule(struct bk_source *s, int64_t delay)
{
	if (delay < BK_MIN_GAP_MS)
		delay = BK_MIN_GAP_MS;
	s->next_at = util_mono_ms() + delay;
	loop_timer_start(s->timer, delay);
}

/* A failed source's next try in delay ms, shown ("retry 23s"). */
static void
bk_schedule_retry(struct bk_source *s, int64_t delay)
{
	bk_schedule(s, delay);
	fleet_source_set_retry(s->b->fleet, s->ops->src, util_wall_ms() +
	    (delay < BK_MIN_GAP_MS ? BK_MIN_GAP_MS : delay));
}

/*
 * Source from answered: the network works.  Every other source waiting
 * out a back-off after an unreachable failure tries again now (or
 * BK_EARLY_GAP_MS after its failure), once; when from itself had lost
 * the network (recovered), the once starts again for every source.
 */
static void
bk_network_works(struct backends *b, struct bk_source *from, bool recovered)
{
	struct bk_source	*o;
	int64_t			 now, delay;
	size_t			 i;

	now = util_mono_ms();
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if ((o = b->sources[i]) == NULL || o == from)
			continue;
		if (o->inflight || o->failures == 0 || !o->unreachable ||
		    !loop_timer_pending(o->timer))
			continue;
		if (recovered)
			o->early = false;
		if (o->early)
			continue;
		delay = o->failed_at + BK_EARLY_GAP_MS - now;
		if (delay < BK_MIN_GAP_MS)
			delay = BK_MIN_GAP_MS;
		if (o->next_at - now <= delay)
			continue;	/* due sooner anyway */
		o->early = true;
		log_info("%s: %s answers: retrying before the back-off ends",
		    fleet_src_name(o->ops->src), fleet_src_name(
		    from->ops->src));
		bk_schedule_retry(o, delay);
	}
}

struct backends *
backends_new(struct loop *loop, struct http *http, const struct config *cfg,
    struct fleet *fleet)
{
	struct backends		*b;
	struct bk_source	*s;
	const struct bk_ops	*ops;
	size_t			 i;

	b = xcalloc(1, sizeof *b);
	b->loop = loop;
	b->http = http;
	b->cfg = cfg;
	b->fleet = fleet;
	b->refresh_ms = cfg->ui.refresh_ms > 0 ? cfg->ui.refresh_ms : 2000;
	if (b->refresh_ms < BK_MIN_REFRESH_MS)
		b->refresh_ms = BK_MIN_REFRESH_MS;
	b->rng = (uint64_t)util_mono_ms() * 0x9e3779b97f4a7c15ULL |
	    (uint64_t)getpid();

	for (i = 0; i < nitems(bk_all_ops); i++) {
		ops = bk_all_ops[i];
		if (!ops->configured(cfg)) {
			fleet_source_enable(fleet, ops->src, false);
			continue;
		}
		s = xcalloc(1, sizeof *s);
		s->b = b;
		s->ops = ops;
		TAILQ_INIT(&s->xfers);
		s->timer = loop_timer_new(loop, bk_timer_cb, s);
		s->priv = ops->new(s);
		b->sources[ops->src] = s;
		fleet_source_enable(fleet, ops->src, true);
		bk_publish(s);
	}
	return (b);
}

static void
bk_source_free(struct bk_source *s)
{
	struct bk_xfer	*x;

	if (s == NULL)
		return;
	while ((x = TAILQ_FIRST(&s->xfers)) != NULL) {
		TAILQ_REMOVE(&s->xfers, x, entry);
		http_cancel(x->xfer);
		free(x);
	}
	loop_timer_free(s->timer);
	s->ops->free(s->priv);
	free(s);
}

void
backends_free(struct backends *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < FLEET_SRC_COUNT; i++)
		bk_source_free(b->sources[i]);
	free(b);
}

void
backends_start(struct backends *b)
{
	size_t	 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if (b->sources[i] != NULL)
			bk_start(b->sources[i]);
	}
}

void
backends_refresh_now(struct backends *b)
{
	struct bk_source	*s;
	size_t			 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if ((s = b->sources[i]) != NULL && !s->inflight)
			bk_start(s);
	}
}

void
backends_set_refresh(struct backends *b, int64_t ms)
{
	struct bk_source	*s;
	size_t			 i;

	if (ms < BK_MIN_REFRESH_MS)
		ms = BK_MIN_REFRESH_MS;
	if (ms > 3600 * 1000)
		ms = 3600 * 1000;
	b->refresh_ms = ms;
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if ((s = b->sources[i]) == NULL)
			continue;
		bk_publish(s);
		/*
		 * Every waiting source at once on the new schedule: its
		 * next refresh one new period after its last start (a
		 * failing one retries from the new interval).  A refresh in
		 * flight keeps going; its end schedules the next.
		 */
		if (s->inflight || !loop_timer_pending(s->timer))
			continue;
		if (s->failures > 0)
			bk_schedule_retry(s, ms / 2);
		else
			bk_schedule(s, s->started + s->ops->period(ms) -
			    util_mono_ms());
	}
}

void
backends_on_change(struct backends *b, backends_change_cb cb, void *arg)
{
	b->change_cb = cb;
	b->change_arg = arg;
}

void
backends_want_meetings(struct backends *b, bool on)
{
	struct bk_source	*s;

	if (b->want_meetings == on)
		return;
	b->want_meetings = on;
	s = b->sources[FLEET_SRC_SCALELITE];
	if (on && s != NULL && !s->inflight)
		bk_start(s);
}

bool
bk_want_meetings(struct bk_source *s)
{
	return (s->b->want_meetings);
}

bool
backends_settled(const struct backends *b)
{
	size_t	 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if (b->sources[i] != NULL && !b->sources[i]->answered)
			return (false);
	}
	return (true);
}

/* --- for the pollers ------------------------------------------------------ */

const struct config *
bk_config(struct bk_source *s)
{
	return (s->b->cfg);
}

struct fleet *
bk_fleet(struct bk_source *s)
{
	return (s->b->fleet);
}

int64_t
bk_refresh_ms(struct bk_source *s)
{
	return (s->b->refresh_ms);
}

void
bk_hold(struct bk_source *s, int64_t ms)
{
	if (ms == s->hold_ms)
		return;
	s->hold_ms = ms;
	bk_publish(s);
}

long
bk_timeout_ms(struct bk_source *s)
{
	int64_t	 t;

	t = s->ops->period(s->b->refresh_ms);
	t -= t / 4;
	if (t < 1000)
		t = 1000;
	if (t > HTTP_DEFAULT_TIMEOUT_MS)
		t = HTTP_DEFAULT_TIMEOUT_MS;
	return ((long)t);
}

int64_t
bk_started(struct bk_source *s)
{
	return (s->started);
}

struct fleet_fetch
bk_fetch(struct bk_source *s)
{
	struct fleet_fetch	 f;

	f.latency_ms = util_mono_ms() - s->started;
	f.bytes = s->bytes;
	return (f);
}

static void
bk_request_cb(struct http_response *resp, void *arg)
{
	struct bk_xfer		*x = arg;
	struct bk_source	*s = x->s;
	http_done_cb		 cb = x->cb;
	void			*cbarg = x->arg;

	TAILQ_REMOVE(&s->xfers, x, entry);
	free(x);
	s->bytes += resp->bytes_received;
	s->round_last_ok = http_response_ok(resp);
	if (http_response_unreachable(resp))
		s->round_unreachable = true;
	else if (!s->round_last_ok)
		s->round_other = true;
	cb(resp, cbarg);
}

void
bk_request(struct bk_source *s, const struct http_req *req, http_done_cb cb,
    void *arg)
{
	struct bk_xfer	*x;
	struct http_req	 r = *req;

	x = xcalloc(1, sizeof *x);
	x->s = s;
	x->cb = cb;
	x->arg = arg;
	TAILQ_INSERT_TAIL(&s->xfers, x, entry);
	/* A source's parallel answers share one budget (http.h). */
	r.budget = &s->budget;
	x->xfer = http_request(s->b->http, &r, bk_request_cb, x);
}

void
bk_changed(struct bk_source *s)
{
	if (s->b->change_cb != NULL)
		s->b->change_cb(s->b->change_arg);
}

void
bk_done_after(struct bk_source *s, int64_t delay)
{
	bool	 recovered = s->failures > 0 && s->unreachable;

	s->inflight = false;
	s->answered = true;
	s->failures = 0;
	s->unreachable = s->early = false;
	bk_changed(s);
	bk_schedule(s, delay);
	bk_network_works(s->b, s, recovered);
}

void
bk_done(struct bk_source *s)
{
	int64_t	 period, next;

	period = s->ops->period(s->b->refresh_ms);
	next = s->started + period - util_mono_ms();
	bk_done_after(s, next);
}

/* The source's secret in the config, to mask in its causes; or NULL. */
static const char *
bk_secret(const struct config *cfg, enum fleet_src src)
{
	switch (src) {
	case FLEET_SRC_CONSUL:
		return (cfg->consul.token);
	case FLEET_SRC_PROMETHEUS:
		return (cfg->prometheus.password);
	case FLEET_SRC_SCALELITE:
		return (cfg->scalelite.secret);
	case FLEET_SRC_RANCHER:
		return (cfg->rancher.secret_key);
	case FLEET_SRC_OPENSTACK:
		return (cfg->openstack.application_credential_secret);
	case FLEET_SRC_COUNT:
		break;
	}
	return (NULL);
}

void
bk_failed(struct bk_source *s, const char *cause)
{
	int64_t		 d;
	int		 i;

	char		*clean, *masked;

	s->inflight = false;
	s->answered = true;
	s->failures++;
	s->failed_at = util_mono_ms();
	/*
	 * The network path, when every failed answer of this refresh was
	 * unreachable and the last answer was no 2xx that did not decode.
	 */
	s->unreachable = s->round_unreachable && !s->round_other &&
	    !s->round_last_ok;
	/* a decoder's cause may quote an error answer that echoes it */
	masked = api_mask(cause, bk_secret(s->b->cfg, s->ops->src));
	clean = bk_clean_cause(s->ops->src, masked);
	free(masked);
	mask_inplace(&clean);	/* every form of every secret (mask.h) */
	/* data for the UI; the log file only (never twice on stderr) */
	log_info("%s: %s", fleet_src_name(s->ops->src), clean);
	fleet_source_failed(s->b->fleet, s->ops->src, clean, util_wall_ms());
	free(clean);
	bk_changed(s);

	d = s->b->refresh_ms;
	for (i = 1; i < s->failures && d < BK_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > BK_BACKOFF_MAX_MS)
		d = BK_BACKOFF_MAX_MS;
	d = d / 2 + (int64_t)(bk_rand(s->b) % (uint64_t)(d / 2 + 1));
	/* The back-off is shown: "retry in 23s". */
	bk_schedule_retry(s, d);
}

/* --- helpers -------------------------------------------------------------- */



static size_t
bk_origin_len(const char *url)
{
	const char	*p;

	if ((p = strstr(url, "://")) == NULL)
		return (0);
	p += 3;
	p += strcspn(p, "/?#");
	return ((size_t)(p - url));
}

bool
bk_same_origin(const char *url, const char *base)
{
	size_t	 n;

	n = bk_origin_len(base);
	return (n != 0 && bk_origin_len(url) == n &&
	    strncasecmp(url, base, n) == 0);
}

char *
bk_describe(const char *what, const struct http_response *resp)
{
	char	*d, *s;

	d = http_response_describe(resp);
	s = xasprintf("%s: %s", what, d);
	free(d);
	return (s);
}

char *
bk_describe_api(const char *what, api_describe_fn describe,
    const struct api_conn *c, const struct http_response *resp)
{
	char	*d, *s;

	d = describe(c, resp);
	s = xasprintf("%s: %s", what, d);
	free(d);
	return (s);
}

char *
bk_clean_cause(enum fleet_src src, const char *cause)
{
	struct buf	 b = { 0 };
	const char	*name = fleet_src_name(src), *p;
	size_t		 n = strlen(name);

	buf_add(&b, "", 0);
	while ((p = strstr(cause, name)) != NULL) {
		if ((p == cause || (p[-1] == ' ')) && strncmp(p + n, ": ", 2)
		    == 0) {
			buf_add(&b, cause, (size_t)(p - cause));
			cause = p + n + 2;
		} else {
			buf_add(&b, cause, (size_t)(p - cause) + n);
			cause = p + n;
		}
	}
	buf_adds(&b, cause);
	return (buf_steal(&b));
}

bool
bk_is_error_answer(const char *cause)
{
	static const char	*shape[] = {
		"not JSON", "not XML", "empty answer", ": missing",
		": expected ", "not a BBB API answer"
	};
	size_t			 i;

	for (i = 0; i < nitems(shape); i++) {
		if (strstr(cause, shape[i]) != NULL)
			return (false);
	}
	return (true);
}

char *
bk_prefix_status(const char *what, const struct http_response *resp,
    const char *cause)
{
	if (http_response_ok(resp) || resp->status == 0)
		return (xasprintf("%s: %s", what, cause));
	return (xasprintf("%s: HTTP %ld: %s", what, resp->status, cause));
}

