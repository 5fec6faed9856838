/*
 * sim-prom.c: SIM_PROMETHEUS, the Prometheus HTTP API of the simulated
 * fleet: /api/v1/query (GET, POST form), /api/v1/query_range,
 * /api/v1/targets, /-/healthy and /-/ready, with the real envelope,
 * error types and status codes.  Answers come from the view store
 * (sim-promql.c), which sim_prom_tick() fills from the world, so that
 * what this API says is what the real Prometheus would have scraped from
 * SIM_METRICS.
 *
 * Basic auth: when world->prom_user is set every request must carry it
 * (401 with WWW-Authenticate otherwise), as Prometheus with a web config
 * or behind an authenticating proxy answers.
 */
#include <ctype.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "sim-prom.h"
#include "util.h"

#define PROM_MAX_POINTS		11000
#define PROM_MAX_LAG_MS		30000	/* simulated */

/*
 * Locking: the store is written by sim_prom_tick() with the world lock
 * held and p->lock taken for writing; a query takes p->lock for reading
 * and then lets the world lock go while it evaluates, so that the other
 * systems (and the model) go on meanwhile.  The tick never waits for a
 * query unless recording fell PROM_MAX_LAG_MS behind: it tries the lock
 * and records at a later tick.  Readers under the world lock alone (targets)
 * are safe, as every writer holds the world lock too.
 */
struct sim_prom {
	pthread_rwlock_t	 lock;
	struct sim_pstore	*store;
	struct sim_mstate	*ms;
	size_t			 nms;
	int64_t			 last_record_ms;
	bool			 recorded;
	size_t			 last_nnodes;
};

static struct sim_prom *
prom_state(struct sim_world *w)
{
	struct sim_prom	*p = w->prom;
	size_t		 i;
	bool		 unset = true;

	if (p != NULL)
		return (p);
	p = xcalloc(1, sizeof *p);
	pthread_rwlock_init(&p->lock, NULL);
	p->store = sim_pstore_new();
	w->prom = p;
	/*
	 * bbb-exporter versions, unless the profile set them: the default
	 * profile mixes (every fourth node v0.7.1), others run v0.2.0 as
	 * the seed deployment does.
	 */
	for (i = 0; i < w->nnodes; i++) {
		if (w->nodes[i].bbb_exporter_version != 0)
			unset = false;
	}
	for (i = 0; unset && i < w->nnodes; i++) {
		if (strcmp(w->profile, "default") == 0)
			w->nodes[i].bbb_exporter_version = (i % 4 == 3) ? 7 : 2;
		else
			w->nodes[i].bbb_exporter_version = 2;
	}
	return (p);
}

void
sim_prom_free(struct sim_world *w)
{
	struct sim_prom	*p = w->prom;

	if (p == NULL)
		return;
	sim_pstore_free(p->store);
	pthread_rwlock_destroy(&p->lock);
	free(p->ms);
	free(p);
	w->prom = NULL;
}

struct sim_mstate *
sim_prom_mstate(struct sim_world *w, size_t i)
{
	struct sim_prom		*p = prom_state(w);
	const char		*name = w->nodes[i].name;
	size_t			 k;

	if (i < p->nms && strcmp(p->ms[i].name, name) == 0)
		return (&p->ms[i]);
	for (k = 0; k < p->nms; k++) {
		if (strcmp(p->ms[k].name, name) == 0)
			return (&p->ms[k]);
	}
	p->ms = xreallocarray(p->ms, p->nms + 1, sizeof *p->ms);
	memset(&p->ms[p->nms], 0, sizeof *p->ms);
	snprintf(p->ms[p->nms].name, sizeof p->ms[p->nms].name, "%s", name);
	return (&p->ms[p->nms++]);
}

void
sim_prom_tick(struct sim_world *w)
{
	struct sim_prom		*p = prom_state(w);
	struct sim_mview	*v;
	const char		**names;
	size_t			 i;
	int64_t			 step = sim_pstore_step_ms(p->store);

	if (p->recorded && w->now_ms - p->last_record_ms < step)
		return;
	if (pthread_rwlock_trywrlock(&p->lock) != 0) {
		/*
		 * A query is reading: record later, unless so far behind
		 * that [1m] windows would run dry.
		 */
		if (w->now_ms - p->last_record_ms < PROM_MAX_LAG_MS)
			return;
		pthread_rwlock_wrlock(&p->lock);
	}
	if (p->recorded && p->last_nnodes != w->nnodes) {
		names = xcalloc(w->nnodes + 1, sizeof *names);
		for (i = 0; i < w->nnodes; i++)
			names[i] = w->nodes[i].name;
		sim_pstore_retain(p->store, names);
		free(names);
	}
	sim_pstore_plan(p->store, w->nnodes);
	v = xcalloc(w->nnodes + 1, sizeof *v);
	sim_mview_fill_all(w, v);
	for (i = 0; i < w->nnodes; i++)
		sim_pstore_push(p->store, w->nodes[i].name, &v[i]);
	free(v);
	p->recorded = true;
	p->last_record_ms = w->now_ms;
	p->last_nnodes = w->nnodes;
	pthread_rwlock_unlock(&p->lock);
}

/* ---------------------------------------------------------------------- */
/* Parameters. */

static char *
param_get(const struct sim_req *req, const char *name)
{
	const char	*ct;
	char		*body, *v;

	if (strcmp(req->method, "POST") == 0 && req->body != NULL) {
		ct = req->header(req, "Content-Type");
		if (ct != NULL && strncasecmp(ct,
		    "application/x-www-form-urlencoded", 33) == 0) {
			body = xstrndup(req->body, req->bodylen);
			v = sim_query_get(body, name);
			free(body);
			if (v != NULL)
				return (v);
		}
	}
	return (sim_query_get(req->query, name));
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

/* RFC3339 ("2026-11-25T23:01:42.5Z", "...+01:00") to ms. */
static int
parse_rfc3339(const char *s, int64_t *out)
{
	int		 y, mo, d, h, mi, sec, n = 0, oh, om;
	double		 frac = 0;
	const char	*p;
	int64_t		 ms, tz = 0;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt]%2d:%2d:%2d%n", &y, &mo, &d, &h,
	    &mi, &sec, &n) != 6 || n != 19)
		return (-1);
	p = s + n;
	if (*p == '.') {
		char	*end;

		frac = strtod(p, &end);
		if (end == p + 1)
			return (-1);
		p = end;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh,
	    &om) == 2 && strlen(p) == 6) {
		tz = (int64_t)(oh * 60 + om) * 60000 * (*p == '-' ? -1 : 1);
		p += 6;
	} else
		return (-1);
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return (-1);
	ms = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec) * 1000 + (int64_t)llround(frac * 1000);
	*out = ms - tz;
	return (0);
}

static int
parse_time(const char *s, int64_t *out)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (end != s && *end == '\0' && isfinite(v)) {
		if (fabs(v) > 9.2e15)
			return (-1);
		*out = (int64_t)llround(v * 1000);
		return (0);
	}
	return (parse_rfc3339(s, out));
}

static int
parse_step(const char *s, int64_t *out)
{
	char		*end;
	double		 v;
	const char	*cause;

	v = strtod(s, &end);
	if (end != s && *end == '\0' && isfinite(v)) {
		if (fabs(v) > 9.2e15)
			return (-1);
		*out = (int64_t)llround(v * 1000);
		return (0);
	}
	return (util_parse_duration_ms(s, out, &cause));
}

/* ---------------------------------------------------------------------- */
/* Responses. */

static void
api_error(struct sim_resp *resp, int status, const char *type,
    const char *fmt, ...) printflike(4, 5);

static void
api_error(struct sim_resp *resp, int status, const char *type,
    const char *fmt, ...)
{
	struct buf	 b = { 0 };
	va_list		 ap;
	char		*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(&b, "{\"status\":\"error\",\"errorType\":\"%s\","
	    "\"error\":", type);
	sim_json_str(&b, m);
	buf_addc(&b, '}');
	free(m);
	sim_resp_set(resp, status, "application/json", buf_steal(&b));
}

static void
api_success(struct sim_resp *resp, struct buf *data)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "{\"status\":\"success\",\"data\":");
	buf_add(&b, data->data, data->len);
	buf_addc(&b, '}');
	sim_resp_set(resp, 200, "application/json", buf_steal(&b));
}

static void
fmt_rfc3339nano(struct buf *b, int64_t ms)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;
	char		 s[32];
	int		 frac = (int)(ms % 1000);

	if (frac < 0) {
		frac += 1000;
		t--;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_adds(b, s);
	if (frac != 0) {
		snprintf(s, sizeof s, ".%03d", frac);
		while (s[strlen(s) - 1] == '0')
			s[strlen(s) - 1] = '\0';
		buf_adds(b, s);
	}
	buf_addc(b, 'Z');
}

/* ---------------------------------------------------------------------- */
/* Handlers. */

static void
handle_query(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *resp, bool range)
{
	struct sim_prom		*p = prom_state(w);
	struct sim_promql	*q = NULL;
	struct buf		 data = { 0 };
	char			*query = NULL, *ts = NULL, *te = NULL;
	char			*tstep = NULL, *cause = NULL;
	int64_t			 t = w->now_ms, start, end, step;
	int			 rc;

	query = param_get(req, "query");
	if (!range) {
		ts = param_get(req, "time");
		if (ts != NULL && *ts != '\0' && parse_time(ts, &t) != 0) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"time\": cannot parse \"%s\" to a valid "
			    "timestamp", ts);
			goto out;
		}
	} else {
		ts = param_get(req, "start");
		if (ts == NULL || parse_time(ts, &start) != 0) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"start\": cannot parse \"%s\" to a valid "
			    "timestamp", ts != NULL ? ts : "");
			goto out;
		}
		te = param_get(req, "end");
		if (te == NULL || parse_time(te, &end) != 0) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"end\": cannot parse \"%s\" to a valid "
			    "timestamp", te != NULL ? te : "");
			goto out;
		}
		if (end < start) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"end\": end timestamp must not be before start "
			    "time");
			goto out;
		}
		tstep = param_get(req, "step");
		if (tstep == NULL || parse_step(tstep, &step) != 0) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"step\": cannot parse \"%s\" to a valid "
			    "duration", tstep != NULL ? tstep : "");
			goto out;
		}
		if (step <= 0) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"step\": zero or negative query resolution "
			    "step widths are not accepted. Try a positive "
			    "integer");
			goto out;
		}
		if ((end - start) / step > PROM_MAX_POINTS) {
			api_error(resp, 400, "bad_data", "exceeded maximum "
			    "resolution of 11,000 points per timeseries. Try "
			    "decreasing the query resolution (?step=XX)");
			goto out;
		}
	}
	q = sim_promql_parse(query != NULL ? query : "", &cause);
	if (q == NULL) {
		api_error(resp, 400, "bad_data", "invalid parameter "
		    "\"query\": %s", cause);
		goto out;
	}
	if (range) {
		if (sim_promql_type(q) != SIM_PROMQL_SCALAR &&
		    sim_promql_type(q) != SIM_PROMQL_VECTOR) {
			api_error(resp, 400, "bad_data", "invalid parameter "
			    "\"query\": invalid expression type \"%s\" for "
			    "range query, must be Scalar or instant Vector",
			    sim_promql_type(q) == SIM_PROMQL_MATRIX ?
			    "range vector" : "string");
			goto out;
		}
	}
	/* Evaluate on the store alone: the world goes on meanwhile. */
	pthread_rwlock_rdlock(&p->lock);
	pthread_mutex_unlock(&w->lock);
	if (range)
		rc = sim_promql_query_range(p->store, q, start, end, step,
		    &data, &cause);
	else
		rc = sim_promql_query(p->store, q, t, &data, &cause);
	pthread_rwlock_unlock(&p->lock);
	pthread_mutex_lock(&w->lock);
	if (rc == -2) {
		api_error(resp, 503, "timeout", "%s", cause);
		goto out;
	}
	if (rc != 0) {
		api_error(resp, 422, "execution", "%s", cause);
		goto out;
	}
	api_success(resp, &data);
out:
	sim_promql_free(q);
	buf_free(&data);
	free(query);
	free(ts);
	free(te);
	free(tstep);
	free(cause);
}

static void
target_json(struct sim_world *w, struct buf *b, const char *node,
    int e, const struct sim_mview *v)
{
	char		 inst[96], path[128], url[256];
	const char	*health, *err;

	snprintf(inst, sizeof inst, "%s:%d", node, sim_exporter_port[e]);
	snprintf(path, sizeof path, "/metrics/%s/%s", node,
	    sim_exporter_job[e]);
	snprintf(url, sizeof url, "http://%s:%u%s", w->listen[0] != '\0' ?
	    w->listen : "127.0.0.1", w->ports[SIM_METRICS], path);
	if (v == NULL) {
		health = "unknown";
		err = "";
	} else if (!v->exporter_up) {
		health = "down";
		err = "server returned HTTP status 503 Service Unavailable";
	} else {
		health = "up";
		err = "";
	}
	buf_adds(b, "{\"discoveredLabels\":{\"__address__\":");
	snprintf(url, sizeof url, "%s:%u", w->listen[0] != '\0' ?
	    w->listen : "127.0.0.1", w->ports[SIM_METRICS]);
	sim_json_str(b, url);
	buf_adds(b, ",\"__metrics_path__\":");
	sim_json_str(b, path);
	buf_adds(b, ",\"__scheme__\":\"http\",\"__scrape_interval__\":\"1s\","
	    "\"__scrape_timeout__\":\"1s\",\"instance\":");
	sim_json_str(b, inst);
	buf_printf(b, ",\"job\":\"%s\"},\"labels\":{\"instance\":",
	    sim_exporter_job[e]);
	sim_json_str(b, inst);
	buf_printf(b, ",\"job\":\"%s\"},\"scrapePool\":\"%s\",\"scrapeUrl\":",
	    sim_exporter_job[e], sim_exporter_job[e]);
	snprintf(url, sizeof url, "http://%s:%u%s", w->listen[0] != '\0' ?
	    w->listen : "127.0.0.1", w->ports[SIM_METRICS], path);
	sim_json_str(b, url);
	buf_adds(b, ",\"globalUrl\":");
	sim_json_str(b, url);
	buf_adds(b, ",\"lastError\":");
	sim_json_str(b, err);
	buf_adds(b, ",\"lastScrape\":\"");
	if (v != NULL)
		fmt_rfc3339nano(b, v->t_ms);
	else
		buf_adds(b, "0001-01-01T00:00:00Z");
	buf_printf(b, "\",\"lastScrapeDuration\":%s,\"health\":\"%s\","
	    "\"scrapeInterval\":\"1s\",\"scrapeTimeout\":\"1s\"}",
	    v == NULL ? "0" : e == SIM_EXP_BBB ? "0.061" : "0.012", health);
}

static void
handle_targets(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *resp)
{
	struct sim_prom		*p = prom_state(w);
	const struct sim_mview	*v;
	const char		*name;
	struct buf		 b = { 0 };
	char			*state;
	bool			 active = true, first = true;
	size_t			 i;
	int			 e;

	state = sim_query_get(req->query, "state");
	if (state != NULL && strcasecmp(state, "dropped") == 0)
		active = false;
	free(state);
	buf_adds(&b, "{\"activeTargets\":[");
	for (i = 0; active && i < sim_pstore_nnodes(p->store); i++) {
		v = sim_pstore_last(p->store, i, &name);
		for (e = 0; e < SIM_NEXPORTERS; e++) {
			if (!first)
				buf_addc(&b, ',');
			first = false;
			target_json(w, &b, name, e, v);
		}
	}
	buf_adds(&b, "],\"droppedTargets\":[]}");
	api_success(resp, &b);
	buf_free(&b);
}

static bool
auth_ok(struct sim_world *w, const struct sim_req *req)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*h;
	char			*plain, *want;
	struct buf		 dec = { 0 };
	unsigned		 acc = 0;
	int			 bits = 0;
	const char		*p, *q;
	bool			 ok;

	if (w->prom_user[0] == '\0')
		return (true);
	h = req->header(req, "Authorization");
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return (false);
	for (p = h + 6; *p == ' '; p++)
		;
	for (; *p != '\0' && *p != '='; p++) {
		q = strchr(b64, *p);
		if (q == NULL) {
			buf_free(&dec);
			return (false);
		}
		acc = (acc << 6) | (unsigned)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&dec, (char)((acc >> bits) & 0xff));
		}
	}
	buf_adds(&dec, "");
	plain = buf_steal(&dec);
	want = xasprintf("%s:%s", w->prom_user, w->prom_password);
	ok = strcmp(plain, want) == 0;
	freezero_str(plain);
	freezero_str(want);
	return (ok);
}

void
sim_prom_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *resp)
{
	const char	*path = req->path;

	if (!auth_ok(w, req)) {
		sim_resp_header(resp, "WWW-Authenticate",
		    "Basic realm=\"Prometheus\"");
		sim_resp_printf(resp, 401, "text/plain; charset=utf-8",
		    "Unauthorized\n");
		return;
	}
	sim_prom_tick(w);
	if (strcmp(path, "/-/healthy") == 0) {
		sim_resp_printf(resp, 200, "text/plain; charset=utf-8",
		    "Prometheus Server is Healthy.\n");
		return;
	}
	if (strcmp(path, "/-/ready") == 0) {
		sim_resp_printf(resp, 200, "text/plain; charset=utf-8",
		    "Prometheus Server is Ready.\n");
		return;
	}
	if (strcmp(path, "/api/v1/query") == 0 ||
	    strcmp(path, "/api/v1/query_range") == 0) {
		if (strcmp(req->method, "GET") != 0 &&
		    strcmp(req->method, "POST") != 0) {
			sim_resp_printf(resp, 405, "text/plain; "
			    "charset=utf-8", "Method Not Allowed\n");
			return;
		}
		handle_query(w, req, resp, path[13] == '_');
		return;
	}
	if (strcmp(path, "/api/v1/targets") == 0) {
		handle_targets(w, req, resp);
		return;
	}
	sim_resp_printf(resp, 404, "text/plain; charset=utf-8",
	    "404 page not found\n");
}
