/*
 * probe-meeting.c: the end-to-end test meeting (probe-meeting.h).
 */
#include <expat.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/scalelite.h"
#include "backend/decode.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "jobs.h"
#include "mask.h"
#include "probe-meeting.h"
#include "util.h"

#define PM_BODY_MAX	(1024 * 1024)
#define PM_GONE_TRIES	10
#define PM_GONE_WAIT_MS	500
#define PM_DURATION_MIN	"5"	/* BBB ends it by itself after that */

/* --- the answer --------------------------------------------------------- */

struct pm_parse {
	struct pm_answer *a;
	int		 depth;
	char		**field;	/* the element being read, or NULL */
	bool		 reading;	/* a field (or running) is read */
	struct buf	 text;
	bool		 root_ok;
	bool		 toobig;
};

static void
pm_start_cb(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct pm_parse	*pp = arg;
	struct pm_answer *a = pp->a;

	(void)attrs;
	pp->depth++;
	pp->field = NULL;
	pp->reading = false;
	if (pp->depth == 1) {
		pp->root_ok = strcmp(name, "response") == 0;
		return;
	}
	if (pp->depth != 2)
		return;
	buf_reset(&pp->text);
	if (strcmp(name, "returncode") == 0)
		pp->field = &a->returncode;
	else if (strcmp(name, "messageKey") == 0)
		pp->field = &a->message_key;
	else if (strcmp(name, "message") == 0)
		pp->field = &a->message;
	else if (strcmp(name, "meetingID") == 0)
		pp->field = &a->meeting_id;
	else if (strcmp(name, "internalMeetingID") == 0)
		pp->field = &a->internal_id;
	else if (strcmp(name, "url") == 0)
		pp->field = &a->url;
	pp->reading = pp->field != NULL || strcmp(name, "running") == 0;
}

static void
pm_end_cb(void *arg, const XML_Char *name)
{
	struct pm_parse	*pp = arg;
	char		*s;

	if (pp->depth == 2 && pp->reading) {
		s = pp->text.data != NULL ? xstrdup(pp->text.data) :
		    xstrdup("");
		if (pp->field == NULL) {	/* running */
			pp->a->running = strcmp(s, "true") == 0;
			free(s);
		} else {
			free(*pp->field);
			*pp->field = s;
		}
	}
	pp->field = NULL;
	pp->reading = false;
	pp->depth--;
}

static void
pm_text_cb(void *arg, const XML_Char *s, int len)
{
	struct pm_parse	*pp = arg;

	if (!pp->reading || len <= 0)
		return;
	if (pp->text.len + (size_t)len > 4096) {
		pp->toobig = true;
		return;
	}
	buf_add(&pp->text, s, (size_t)len);
}

void
probe_meeting_answer_clear(struct pm_answer *a)
{
	free(a->returncode);
	free(a->message_key);
	free(a->message);
	free(a->meeting_id);
	free(a->internal_id);
	free(a->url);
	memset(a, 0, sizeof *a);
	a->running = -1;
}

int
probe_meeting_decode(const char *body, size_t len, struct pm_answer *a,
    char **cause)
{
	struct pm_parse	 pp;
	XML_Parser	 x;
	int		 rc = 0;

	memset(a, 0, sizeof *a);
	a->running = -1;
	memset(&pp, 0, sizeof pp);
	pp.a = a;
	if (len > PM_BODY_MAX || len > INT32_MAX) {
		*cause = xstrdup("answer too large");
		return (-1);
	}
	if ((x = XML_ParserCreate("UTF-8")) == NULL) {
		*cause = xstrdup("out of memory");
		return (-1);
	}
	XML_SetUserData(x, &pp);
	XML_SetElementHandler(x, pm_start_cb, pm_end_cb);
	XML_SetCharacterDataHandler(x, pm_text_cb);
	if (XML_Parse(x, body, (int)len, 1) != XML_STATUS_OK) {
		*cause = xasprintf("XML: %s at line %lu",
		    XML_ErrorString(XML_GetErrorCode(x)),
		    (unsigned long)XML_GetCurrentLineNumber(x));
		rc = -1;
	} else if (!pp.root_ok) {
		*cause = xstrdup("not a BBB API <response>");
		rc = -1;
	} else if (pp.toobig) {
		*cause = xstrdup("a field of the answer is too long");
		rc = -1;
	} else if (a->returncode == NULL) {
		*cause = xstrdup("no returncode in the answer");
		rc = -1;
	}
	XML_ParserFree(x);
	buf_free(&pp.text);
	if (rc != 0)
		probe_meeting_answer_clear(a);
	return (rc);
}

/* --- the run ------------------------------------------------------------ */

struct pm_run {
	const struct config *cfg;
	struct pm_result *r;
	char		*api;		/* BBB API base */
	char		*secret;
	const char	*ca_file;
	long		 timeout_ms;
	char		 mod_pw[24];
	char		 att_pw[24];
	pm_step_cb	 step_cb;
	void		*step_arg;
};

/* The step just ended: tell the caller. */
static void
pm_told(struct pm_run *run)
{
	if (run->step_cb != NULL && run->r->nsteps > 0)
		run->step_cb(&run->r->steps[run->r->nsteps - 1],
		    run->step_arg);
}

static void
pm_random_hex(char *out, size_t bytes)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[32];
	size_t			 i;

	if (bytes > sizeof b)
		bytes = sizeof b;
	if (RAND_bytes(b, (int)bytes) != 1)
		arc4random_buf(b, bytes);
	for (i = 0; i < bytes; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * bytes] = '\0';
}

static struct pm_step *
pm_step(struct pm_run *run, const char *name)
{
	struct pm_step	*s;

	if (run->r->nsteps >= PM_STEPS_MAX)
		return (NULL);
	s = &run->r->steps[run->r->nsteps++];
	s->name = name;
	return (s);
}

static void
pm_fail(struct pm_step *s, const char *fmt, ...) printflike(2, 3);

static void
pm_fail(struct pm_step *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	free(s->detail);
	s->detail = xvasprintf(fmt, ap);
	va_end(ap);
	mask_inplace(&s->detail);	/* a server's words may echo one */
	s->ok = false;
}

/* GET url; 0 with resp filled when an HTTP answer came. */
static int
pm_get(struct pm_run *run, const char *url, struct http_response *resp)
{
	struct http_req	 req;

	memset(&req, 0, sizeof req);
	req.url = url;
	req.ca_file = run->ca_file;
	req.timeout_ms = run->timeout_ms;
	req.connect_timeout_ms = run->timeout_ms;
	req.max_size = PM_BODY_MAX;
	return (http_perform(&req, resp));
}

/*
 * One signed call, its answer decoded.  0 when the answer is SUCCESS;
 * else the step failed with why (the URL, which holds the checksum, is
 * never shown).
 */
static int
pm_call(struct pm_run *run, struct pm_step *s, const char *call,
    const char *query, struct pm_answer *a, struct http_response *keep)
{
	struct http_response	 resp;
	char			*url, *cause = NULL;
	int64_t			 t0 = util_mono_ms();
	int			 rc = -1;

	memset(a, 0, sizeof *a);
	a->running = -1;
	url = api_bbb_url(run->api, call, query, run->secret);
	if (pm_get(run, url, &resp) != 0) {
		pm_fail(s, "%s", resp.error != NULL ? resp.error :
		    "no answer");
		goto out;
	}
	if (keep != NULL && resp.status >= 300 && resp.status < 400) {
		*keep = resp;
		memset(&resp, 0, sizeof resp);
		rc = 0;
		goto out;
	}
	if (probe_meeting_decode(resp.body, resp.len, a, &cause) != 0) {
		pm_fail(s, "HTTP %ld: %s", resp.status, cause);
		free(cause);
		goto out;
	}
	if (strcmp(a->returncode, "SUCCESS") != 0) {
		pm_fail(s, "%s %s: %s", a->returncode,
		    a->message_key != NULL ? a->message_key : "-",
		    a->message != NULL ? a->message : "");
		goto out;
	}
	rc = 0;
out:
	s->ms = util_mono_ms() - t0;
	free(url);
	http_response_clear(&resp);
	return (rc);
}

static int
pm_create(struct pm_run *run)
{
	struct pm_step		*s = pm_step(run, "create");
	struct pm_answer	 a;
	char			*q, *name, hex[17];
	int			 rc;

	pm_random_hex(hex, 8);
	run->r->meeting_id = xasprintf("bbbctl-probe-%s", hex);
	pm_random_hex(run->mod_pw, 8);
	pm_random_hex(run->att_pw, 8);
	name = util_urlencode("bbbctl probe: test meeting, ends by itself");
	q = xasprintf("name=%s&meetingID=%s&moderatorPW=%s&attendeePW=%s"
	    "&record=false&duration=%s&meta_bbbctl-probe=1", name,
	    run->r->meeting_id, run->mod_pw, run->att_pw, PM_DURATION_MIN);
	free(name);
	rc = pm_call(run, s, "create", q, &a, NULL);
	free(q);
	if (rc == 0) {
		s->ok = true;
		s->detail = xasprintf("meeting %s created",
		    run->r->meeting_id);
	}
	probe_meeting_answer_clear(&a);
	return (rc);
}

static int
pm_info(struct pm_run *run)
{
	struct pm_step		*s = pm_step(run, "getMeetingInfo");
	struct pm_answer	 a;
	char			*q;
	int			 rc;

	q = xasprintf("meetingID=%s", run->r->meeting_id);
	rc = pm_call(run, s, "getMeetingInfo", q, &a, NULL);
	free(q);
	if (rc == 0 && (a.meeting_id == NULL ||
	    strcmp(a.meeting_id, run->r->meeting_id) != 0)) {
		pm_fail(s, "SUCCESS, but for another meeting");
		rc = -1;
	} else if (rc == 0) {
		s->ok = true;
		s->detail = xasprintf("found%s%s", a.internal_id != NULL ?
		    ", internal id " : "", a.internal_id != NULL ?
		    a.internal_id : "");
	}
	probe_meeting_answer_clear(&a);
	return (rc);
}

/* The node key of a URL, by [cluster]'s rule. */
static char *
pm_node_key(const struct config *cfg, const char *url)
{
	enum fleet_key_rule	 rule = FLEET_KEY_HOST;

	if (cfg->cluster.node_key != NULL)
		(void)fleet_key_rule_parse(cfg->cluster.node_key, &rule);
	return (fleet_node_key_rule(url, cfg->cluster.domain, rule));
}

static int
pm_join(struct pm_run *run)
{
	struct pm_step		*s = pm_step(run, "join");
	struct pm_step		*u;
	struct pm_answer	 a;
	struct http_response	 redir, resp;
	const char		*loc;
	char			*q, *cause = NULL;
	int64_t			 t0;
	int			 rc;

	memset(&redir, 0, sizeof redir);
	q = xasprintf("fullName=bbbctl%%20probe&meetingID=%s&password=%s"
	    "&role=MODERATOR&redirect=false", run->r->meeting_id,
	    run->mod_pw);
	rc = pm_call(run, s, "join", q, &a, &redir);
	free(q);
	if (rc != 0)
		goto out;
	if (redir.status != 0) {
		/* scalelite: 302 to the node's own join URL. */
		loc = http_response_header(&redir, "Location");
		if (loc == NULL) {
			pm_fail(s, "HTTP %ld without Location", redir.status);
			rc = -1;
			goto out;
		}
		free(run->r->node);
		run->r->node = pm_node_key(run->cfg, loc);
		t0 = util_mono_ms();
		if (pm_get(run, loc, &resp) != 0 ||
		    probe_meeting_decode(resp.body, resp.len, &a,
		    &cause) != 0) {
			pm_fail(s, "the node: %s", cause != NULL ? cause :
			    resp.error != NULL ? resp.error : "no answer");
			free(cause);
			http_response_clear(&resp);
			rc = -1;
			goto out;
		}
		http_response_clear(&resp);
		s->ms += util_mono_ms() - t0;
		if (strcmp(a.returncode, "SUCCESS") != 0) {
			pm_fail(s, "the node: %s %s", a.returncode,
			    a.message_key != NULL ? a.message_key : "-");
			rc = -1;
			goto out;
		}
	}
	if (a.url == NULL) {
		pm_fail(s, "SUCCESS without the client's URL");
		rc = -1;
		goto out;
	}
	s->ok = true;
	s->detail = xasprintf("joined%s%s", run->r->node != NULL ?
	    " on " : "", run->r->node != NULL ? run->r->node : "");

	/* The client URL answers (it carries a session token: not shown). */
	u = pm_step(run, "join URL");
	t0 = util_mono_ms();
	if (pm_get(run, a.url, &resp) != 0)
		pm_fail(u, "%s", resp.error != NULL ? resp.error :
		    "no answer");
	else if (resp.status >= 400)
		pm_fail(u, "HTTP %ld", resp.status);
	else {
		u->ok = true;
		u->detail = xasprintf("HTTP %ld", resp.status);
	}
	u->ms = util_mono_ms() - t0;
	http_response_clear(&resp);
	rc = u->ok ? 0 : -1;
out:
	http_response_clear(&redir);
	probe_meeting_answer_clear(&a);
	return (rc);
}

static int
pm_end(struct pm_run *run)
{
	struct pm_step		*s = pm_step(run, "end");
	struct pm_answer	 a;
	char			*q;
	int			 rc;

	/* scalelite passes a missing password on as a bare "password". */
	q = xasprintf("meetingID=%s&password=%s", run->r->meeting_id,
	    run->mod_pw);
	rc = pm_call(run, s, "end", q, &a, NULL);
	free(q);
	if (rc == 0) {
		s->ok = true;
		s->detail = xstrdup(a.message_key != NULL ? a.message_key :
		    "ended");
	}
	probe_meeting_answer_clear(&a);
	return (rc);
}

static int
pm_gone(struct pm_run *run)
{
	struct pm_step		*s = pm_step(run, "gone");
	struct pm_answer	 a;
	char			*q;
	int64_t			 t0 = util_mono_ms(), took = 0;
	int			 i, rc = -1;

	q = xasprintf("meetingID=%s", run->r->meeting_id);
	for (i = 0; i < PM_GONE_TRIES; i++) {
		if (pm_call(run, s, "getMeetingInfo", q, &a, NULL) == 0) {
			probe_meeting_answer_clear(&a);
			pm_fail(s, "still there after end");
			usleep(PM_GONE_WAIT_MS * 1000);
			continue;
		}
		if (a.message_key != NULL &&
		    strcmp(a.message_key, "notFound") == 0) {
			free(s->detail);
			s->detail = xstrdup("notFound");
			s->ok = true;
			rc = 0;
			probe_meeting_answer_clear(&a);
			break;
		}
		probe_meeting_answer_clear(&a);
		break;		/* another failure: keep its detail */
	}
	took = util_mono_ms() - t0;
	s->ms = took;
	free(q);
	return (rc);
}

/* The node's API URL and secret, from scalelite's getServers. */
static int
pm_find_node(struct pm_run *run, const char *node, char **cause)
{
	struct fleet_scalelite_update	*u = NULL;
	struct backend_sl_secrets	 sec = { 0 };
	struct api_conn			 c;
	struct api_req			 req;
	struct http_response		 resp;
	char				*key, *want, *d, *why = NULL;
	size_t				 i;
	int				 rc = -1;

	c = api_scalelite_conn(run->cfg);
	c.timeout_ms = run->timeout_ms;
	api_scalelite_admin(&req, &c, "getServers", NULL, NULL);
	req.http.connect_timeout_ms = run->timeout_ms;
	req.http.max_size = PM_BODY_MAX;
	if (api_perform(&req, &c, api_scalelite_describe,
	    "scalelite getServers", &resp, cause) != 0)
		goto out;
	if (backend_scalelite_decode(resp.body, resp.len, &u, &sec,
	    &why) != 0) {
		/* An XML error with 200 (a wrong secret): in words. */
		if (resp.len > 0 && resp.body[0] == '<') {
			d = api_scalelite_describe(&c, &resp);
			*cause = xasprintf("scalelite getServers: %s", d);
			free(d);
		} else
			*cause = xasprintf("scalelite getServers: %s", why);
		free(why);
		goto out;
	}
	want = pm_node_key(run->cfg, node);
	for (i = 0; want != NULL && i < sec.n; i++) {
		key = pm_node_key(run->cfg, sec.v[i].url);
		if (key != NULL && strcmp(key, want) == 0) {
			run->api = xstrdup(sec.v[i].url);
			run->secret = xstrdup(sec.v[i].secret);
			mask_add(run->secret);	/* masked wherever it goes */
			free(key);
			break;
		}
		free(key);
	}
	if (run->api == NULL)
		*cause = xasprintf("no server %s in scalelite", node);
	else {
		run->r->node = want;
		want = NULL;
		rc = 0;
	}
	free(want);
out:
	if (resp.body != NULL)
		explicit_bzero(resp.body, resp.len);	/* node secrets */
	http_response_clear(&resp);
	backend_sl_secrets_free(&sec);
	fleet_scalelite_update_free(u);
	api_req_clear(&req);
	return (rc);
}

int
probe_meeting_run(const struct config *cfg, const char *node,
    struct pm_result *r, pm_step_cb step_cb, void *step_arg, char **cause)
{
	struct pm_run	 run;
	size_t		 n;
	int		 rc = -1, st;

	memset(r, 0, sizeof *r);
	memset(&run, 0, sizeof run);
	run.cfg = cfg;
	run.r = r;
	run.step_cb = step_cb;
	run.step_arg = step_arg;
	run.ca_file = cfg->scalelite.ca_file;
	run.timeout_ms = cfg->probes.timeout_ms > 0 ?
	    (long)cfg->probes.timeout_ms : 5000;
	if (cfg->scalelite.url == NULL || cfg->scalelite.secret == NULL) {
		*cause = xstrdup("[scalelite] url and secret are needed");
		return (-1);
	}
	if (node != NULL) {
		if (pm_find_node(&run, node, cause) != 0)
			goto out;
		r->via = xstrdup(r->node);
	} else {
		run.api = api_scalelite_bbb_api(cfg->scalelite.url);
		run.secret = xstrdup(cfg->scalelite.secret);
		r->via = xstrdup("scalelite");
	}
	rc = 0;
	st = pm_create(&run);
	pm_told(&run);
	if (st != 0)
		goto out;
	st = pm_info(&run);
	pm_told(&run);
	if (st == 0) {
		/* join, then (when it gave one) the client URL */
		n = run.r->nsteps;
		(void)pm_join(&run);
		for (; n < run.r->nsteps; n++)
			if (run.step_cb != NULL)
				run.step_cb(&run.r->steps[n], run.step_arg);
	}
	/* Always end what was created; then it must be gone. */
	st = pm_end(&run);
	pm_told(&run);
	if (st == 0) {
		(void)pm_gone(&run);
		pm_told(&run);
	}
	r->ok = true;
	for (n = 0; n < r->nsteps; n++)
		r->ok = r->ok && r->steps[n].ok;
out:
	free(run.api);
	freezero_str(run.secret);
	explicit_bzero(run.mod_pw, sizeof run.mod_pw);
	return (rc);
}

int
probe_meeting_plan(const struct config *cfg, const char *node,
    struct job_plan *p, char **cause)
{
	char	*base;

	if (cfg->scalelite.url == NULL || cfg->scalelite.secret == NULL) {
		*cause = xstrdup("[scalelite] url and secret are needed");
		return (-1);
	}
	base = api_scalelite_base(cfg->scalelite.url);
	if (node != NULL)
		job_plan_add(p, "find %s's API URL and secret: GET %s/"
		    "scalelite/api/getServers?checksum=<sha256, secret "
		    "masked>", node, base);
	job_plan_add(p, "create a test meeting bbbctl-probe-<random> %s%s "
	    "(not recorded, %s minutes at most)", node != NULL ? "on " :
	    "through scalelite at ", node != NULL ? node : base,
	    PM_DURATION_MIN);
	job_plan_add(p, "getMeetingInfo finds it; join it (redirect=false) "
	    "and open the client URL it gives");
	job_plan_add(p, "end it, and check it is gone (notFound)");
	free(base);
	return (0);
}

int
probe_meeting_summary(const struct pm_result *r, char **line)
{
	const struct pm_step	*s;
	int64_t			 ms = 0;
	size_t			 i;

	for (i = 0; i < r->nsteps; i++) {
		s = &r->steps[i];
		ms += s->ms;
		if (!s->ok) {
			*line = xasprintf("%s failed: %s", s->name,
			    s->detail != NULL ? s->detail : "-");
			return (-1);
		}
	}
	if (!r->ok) {
		*line = xstrdup("the test meeting did not complete");
		return (-1);
	}
	*line = xasprintf("test meeting on %s: %zu steps passed in %lld ms",
	    r->node != NULL ? r->node : r->via, r->nsteps, (long long)ms);
	return (0);
}

void
probe_meeting_result_clear(struct pm_result *r)
{
	size_t	 i;

	for (i = 0; i < r->nsteps; i++)
		free(r->steps[i].detail);
	free(r->via);
	free(r->meeting_id);
	free(r->node);
	memset(r, 0, sizeof *r);
}
