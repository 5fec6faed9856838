/*
 * redeploy.c: Rancher 1.6 stack redeploy and restart (apis.md §1.7-1.8).
 *
 * redeploy: every service of the stack, one after the other, gets the
 * action upgrade with an inServiceStrategy (batchSize 1, intervalMillis
 * 2000, startFirst false) whose launchConfig is its current one (with
 * a new image for the one service --image names: SERVICE=IMAGE, an
 * IMAGE for the service that runs its repository, or a TAG for the BBB
 * service; see rd_image_resolve()); the job
 * follows each upgrading -> upgraded.  When every service is upgraded,
 * finishupgrade each (upgraded -> active).  A failure, a timeout or a
 * cancel before that rolls back every service already upgraded or
 * upgrading (rollback -> active), and the job says what it rolled back.
 * A cancel once the first finishupgrade is sent is too late (a finished
 * service has no rollback): the job finishes and its result says so.
 * Once the BBB service's upgrade is sent its meetings have ended: from
 * there a hang-up (jobs_hangup()) lets the redeploy finish.
 *
 * restart: every service gets restart with a rollingRestartStrategy
 * (batchSize 1, intervalMillis 2000), followed restarting -> active, one
 * after the other.  A restart cannot be undone; it is not cancellable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "action/action.h"
#include "api/rancher.h"
#include "backend/decode.h"
#include "config.h"
#include "http.h"
#include "jobs.h"
#include "log.h"
#include "util.h"

#define RD_POLL_MS	1000
#define RD_BBB_SERVICE	"bbb"		/* a BBB node stack's BBB service */
#define RD_TIMEOUT_MS	(10 * 60 * 1000)	/* per service */

/* redeploy's and restart's own arguments (job_args.priv). */
struct rd_args {
	char		*image;		/* redeploy --image, or NULL */
	int64_t		 poll_ms;	/* --poll; 0 = RD_POLL_MS */
};

struct rd_service {
	char	*id;
	char	*name;
	json_t	*launch;		/* launchConfig, owned */
	bool	 touched;		/* upgrade (or restart) was sent */
};

struct rd {
	struct job		*job;
	const struct config	*cfg;
	char			*project;
	char			*stack_id;
	struct rd_service	*sv;
	size_t			 nsv;
	/* --image, resolved against the stack's services */
	const char		*img_service;	/* borrowed from sv[] */
	const char		*img_old;	/* its image now, borrowed */
	char			*img_new;	/* "repo:tag" */
	bool			 transient;	/* the last rd_call() failure */
};

static const char *
rd_args_image(const struct job_args *a)
{
	const struct rd_args	*ra = a->priv;

	return (ra != NULL ? ra->image : NULL);
}

static int64_t
rd_poll_ms(const struct job_args *a)
{
	const struct rd_args	*ra = a->priv;

	return (ra != NULL && ra->poll_ms > 0 ? ra->poll_ms : RD_POLL_MS);
}

/* One Rancher call; 0 with *out (the JSON answer), or -1 with *cause. */
static int
rd_call(struct rd *rd, const char *method, const char *path, json_t *body,
    json_t **out, char **cause)
{
	struct api_conn	 c = api_rancher_conn(rd->cfg);

	rd->transient = false;
	if (api_rancher_call(&c, method, path, body, out, cause) == 0)
		return (0);
	rd->transient = api_last_transient();
	return (-1);
}

static void
rd_free(struct rd *rd)
{
	size_t	 i;

	for (i = 0; i < rd->nsv; i++) {
		free(rd->sv[i].id);
		free(rd->sv[i].name);
		json_decref(rd->sv[i].launch);
	}
	free(rd->sv);
	free(rd->img_new);
	free(rd->project);
	free(rd->stack_id);
}

/* The project, the stack and its services. */
static int
rd_load(struct rd *rd, const char *stack, char **cause)
{
	struct api_conn		 c = api_rancher_conn(rd->cfg);
	json_t			*o, *data, *s;
	const char		*id, *name;
	char			*path, *enc, *q;
	size_t			 i;

	if (api_rancher_project(&c, rd->cfg->rancher.project, &rd->project,
	    cause) != 0)
		return (-1);

	enc = util_urlencode(stack);
	q = xasprintf("name=%s&removed_null=true", enc);
	path = api_rancher_path(rd->project, "stacks", NULL, q);
	free(q);
	free(enc);
	if (rd_call(rd, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	data = json_object_get(o, "data");
	s = json_array_get(data, 0);
	if ((id = json_string_value(json_object_get(s, "id"))) == NULL) {
		json_decref(o);
		*cause = xasprintf("no stack named %s in Rancher", stack);
		return (-1);
	}
	rd->stack_id = xstrdup(id);
	json_decref(o);

	q = xasprintf("stackId=%s&removed_null=true&limit=1000&sort=name",
	    rd->stack_id);
	path = api_rancher_path(rd->project, "services", NULL, q);
	free(q);
	if (rd_call(rd, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	data = json_object_get(o, "data");
	json_array_foreach(data, i, s) {
		id = json_string_value(json_object_get(s, "id"));
		name = json_string_value(json_object_get(s, "name"));
		if (id == NULL || name == NULL ||
		    !json_is_object(json_object_get(s, "launchConfig")))
			continue;
		rd->sv = xreallocarray(rd->sv, rd->nsv + 1, sizeof *rd->sv);
		rd->sv[rd->nsv].id = xstrdup(id);
		rd->sv[rd->nsv].name = xstrdup(name);
		rd->sv[rd->nsv].launch = json_deep_copy(json_object_get(s,
		    "launchConfig"));
		rd->sv[rd->nsv].touched = false;
		rd->nsv++;
	}
	json_decref(o);
	if (rd->nsv == 0) {
		*cause = xasprintf("stack %s has no service to redeploy",
		    stack);
		return (-1);
	}
	return (0);
}

/* A service's state now (allocated). */
static int
rd_state(struct rd *rd, struct rd_service *s, char **state, char **cause)
{
	json_t		*o;
	const char	*st;
	char		*path;

	path = api_rancher_path(rd->project, "services", s->id, NULL);
	if (rd_call(rd, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		return (-1);
	}
	free(path);
	if ((st = json_string_value(json_object_get(o, "state"))) == NULL) {
		json_decref(o);
		*cause = xasprintf("rancher: service %s without a state",
		    s->name);
		return (-1);
	}
	*state = xstrdup(st);
	json_decref(o);
	return (0);
}

/*
 * Follow s until its state is want.  States in via are expected on the
 * way; anything else ends it.  cancel_ok: stop when the job is
 * cancelled.
 */
static int
rd_follow(struct rd *rd, struct rd_service *s, const char *via,
    const char *want, bool cancel_ok, char **cause)
{
	const struct job_args	*a = job_args(rd->job);
	char			*state = NULL;
	int64_t			 end, poll;
	struct job_retry	 retry;

	poll = rd_poll_ms(a);
	end = util_mono_ms() + (a->timeout_ms > 0 ? a->timeout_ms :
	    RD_TIMEOUT_MS);
	memset(&retry, 0, sizeof retry);
	for (;;) {
		if (rd_state(rd, s, &state, cause) != 0) {
			/* A 5xx, a timeout, a reset: not the end yet. */
			if (rd->transient && job_retry(rd->job, &retry, end,
			    cancel_ok, *cause)) {
				free(*cause);
				*cause = NULL;
				continue;
			}
			return (-1);
		}
		job_retry_ok(&retry);
		if (strcmp(state, want) == 0) {
			free(state);
			return (0);
		}
		if (strcmp(state, via) != 0) {
			*cause = xasprintf("service %s went %s (expected %s "
			    "then %s)", s->name, state, via, want);
			free(state);
			return (-1);
		}
		free(state);
		if (util_mono_ms() >= end) {
			*cause = xasprintf("service %s still %s after %llds",
			    s->name, via, (long long)((a->timeout_ms > 0 ?
			    a->timeout_ms : RD_TIMEOUT_MS) / 1000));
			return (-1);
		}
		if (job_sleep(rd->job, poll))
			continue;
		if (cancel_ok) {
			*cause = xasprintf("%s while service %s was %s",
			    job_lock_lost(rd->job) ? "stopped" : "cancelled",
			    s->name, via);
			return (-1);
		}
		/* Not to be stopped here: follow on, at the same pace. */
		usleep((useconds_t)poll * 1000);
	}
}

/*
 * A cause from job_lock_check(), which comes right before every step
 * that calls rd_action(): the job may change nothing more.
 */
static bool
rd_lock_lost(const char *cause)
{
	return (cause != NULL && strncmp(cause, "lock lost: ", 11) == 0);
}

/*
 * The forms of --image (rd_image_parse()):
 *	SERVICE=IMAGE	that service gets IMAGE
 *	REPO[:TAG]	(has a '/' or a ':') the one service of the stack
 *			that runs REPO now gets REPO:TAG
 *	TAG		(neither) the BBB service (RD_BBB_SERVICE) keeps
 *			its repository with TAG
 */
enum rd_image_form {
	RD_IMAGE_SERVICE,
	RD_IMAGE_REPO,
	RD_IMAGE_TAG
};

/* The length of an image reference's repository (without :TAG, @DIGEST). */
static size_t
rd_image_repo_len(const char *image)
{
	const char	*slash, *colon, *at;

	if ((at = strchr(image, '@')) != NULL)
		return ((size_t)(at - image));
	slash = strrchr(image, '/');
	colon = strrchr(image, ':');
	if (colon != NULL && (slash == NULL || colon > slash))
		return ((size_t)(colon - image));
	return (strlen(image));
}

static bool
rd_image_word(const char *s)
{
	return (*s != '\0' && strcspn(s, " \t\r\n\"'\\=") == strlen(s));
}

/* Check an --image value; 0 with its form, or -1 with *cause. */
static int
rd_image_parse(const char *spec, enum rd_image_form *form, char **cause)
{
	const char	*eq = strchr(spec, '=');

	if (eq != NULL) {
		*form = RD_IMAGE_SERVICE;
		if (eq == spec || !rd_image_word(eq + 1) ||
		    strchr(eq + 1, '=') != NULL) {
			*cause = xasprintf("--image %s: give SERVICE=IMAGE, "
			    "an IMAGE or a TAG", spec);
			return (-1);
		}
		return (0);
	}
	if (!rd_image_word(spec)) {
		*cause = xasprintf("--image %s: give SERVICE=IMAGE, an IMAGE "
		    "or a TAG", spec);
		return (-1);
	}
	*form = strpbrk(spec, "/:@") != NULL ? RD_IMAGE_REPO : RD_IMAGE_TAG;
	return (0);
}

/* A service's image now ("repo:tag", without "docker:"), or "?". */
static const char *
rd_image_now(const struct rd_service *s)
{
	const char	*u;

	u = json_string_value(json_object_get(s->launch, "imageUuid"));
	if (u == NULL)
		return ("?");
	if (strncmp(u, "docker:", 7) == 0)
		u += 7;
	return (u);
}

/* "bbb runs R, lb runs S": for the errors.  Allocated. */
static char *
rd_image_list(const struct rd *rd)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_add(&b, "", 0);
	for (i = 0; i < rd->nsv; i++)
		buf_printf(&b, "%s%s runs %s", i > 0 ? ", " : "",
		    rd->sv[i].name, rd_image_now(&rd->sv[i]));
	return (buf_steal(&b));
}

/*
 * Resolve --image against the stack's services: rd->img_service and
 * rd->img_new, or -1 with *cause saying why it names no one service.
 */
static int
rd_image_resolve(struct rd *rd, const char *spec, const char *stack,
    char **cause)
{
	enum rd_image_form	 form;
	const struct rd_service	*hit = NULL;
	const char		*now;
	char			*list;
	size_t			 i, n = 0, len;

	if (rd_image_parse(spec, &form, cause) != 0)
		return (-1);
	len = rd_image_repo_len(spec);
	for (i = 0; i < rd->nsv; i++) {
		const struct rd_service *s = &rd->sv[i];

		now = rd_image_now(s);
		switch (form) {
		case RD_IMAGE_SERVICE:
			if (strlen(s->name) != (size_t)(strchr(spec, '=') -
			    spec) || strncmp(spec, s->name,
			    strlen(s->name)) != 0)
				continue;
			break;
		case RD_IMAGE_REPO:
			if (rd_image_repo_len(now) != len ||
			    strncmp(now, spec, len) != 0)
				continue;
			break;
		case RD_IMAGE_TAG:
			if (strcmp(s->name, RD_BBB_SERVICE) != 0)
				continue;
			break;
		}
		if (n++ == 0)
			hit = s;
	}
	if (n == 1) {
		rd->img_service = hit->name;
		rd->img_old = now = rd_image_now(hit);
		if (form == RD_IMAGE_SERVICE)
			rd->img_new = xstrdup(strchr(spec, '=') + 1);
		else if (form == RD_IMAGE_REPO)
			rd->img_new = xstrdup(spec);
		else
			rd->img_new = xasprintf("%.*s:%s",
			    (int)rd_image_repo_len(now), now, spec);
		return (0);
	}
	list = rd_image_list(rd);
	if (form == RD_IMAGE_SERVICE)
		*cause = xasprintf("--image %s: stack %s has no service "
		    "%.*s (%s)", spec, stack, (int)(strchr(spec, '=') - spec),
		    spec, list);
	else if (form == RD_IMAGE_REPO && n == 0)
		*cause = xasprintf("--image %s: no service of stack %s runs "
		    "%.*s, so it would replace none (%s); give --image "
		    "SERVICE=IMAGE", spec, stack, (int)len, spec, list);
	else if (form == RD_IMAGE_REPO)
		*cause = xasprintf("--image %s: %zu services of stack %s run "
		    "%.*s (%s); give --image SERVICE=IMAGE", spec, n, stack,
		    (int)len, spec, list);
	else
		*cause = xasprintf("--image %s: a bare tag is for the BBB "
		    "service, and stack %s has no service named %s (%s); "
		    "give --image SERVICE=IMAGE", spec, stack, RD_BBB_SERVICE,
		    list);
	free(list);
	return (-1);
}

static int
rd_action(struct rd *rd, struct rd_service *s, const char *action,
    json_t *body, char **cause)
{
	json_t	*o;
	char	*path;
	int	 rc;

	path = api_rancher_action_path(rd->project, "services", s->id,
	    action);
	rc = rd_call(rd, "POST", path, body, &o, cause);
	json_decref(o);
	free(path);
	return (rc);
}

/*
 * Roll back every touched service; a line saying what happened.  Not
 * once the cluster lock is lost: a rollback is a change too, and another
 * operator may act on the stack now.
 */
static char *
rd_rollback(struct rd *rd)
{
	struct buf	 b = { 0 };
	char		*cause = NULL;
	size_t		 i;
	int		 n = 0, left = 0;

	buf_add(&b, "", 0);
	for (i = rd->nsv; i > 0; i--) {
		struct rd_service *s = &rd->sv[i - 1];

		if (!s->touched)
			continue;
		if (job_lock_lost(rd->job)) {
			buf_printf(&b, "%s%s", left++ > 0 ? ", " : n > 0 ?
			    "; NOT ROLLED BACK (the lock is lost): " :
			    "NOT ROLLED BACK (the lock is lost): ", s->name);
			n++;
			continue;
		}
		if (job_lock_check(rd->job, &cause) == 0)
			job_step(rd->job, "rolling back %s", s->name);
		if (cause != NULL ||
		    rd_action(rd, s, "rollback", NULL, &cause) != 0 ||
		    rd_follow(rd, s, "rolling-back", "active", false,
		    &cause) != 0) {
			if (rd_lock_lost(cause)) {
				buf_printf(&b, "%sNOT ROLLED BACK (the lock "
				    "is lost): %s", n++ > 0 ? "; " : "",
				    s->name);
				left++;
			} else
				buf_printf(&b, "%sROLLBACK OF %s FAILED: %s",
				    n++ > 0 ? "; " : "", s->name, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		buf_printf(&b, "%s%s rolled back", n++ > 0 ? "; " : "",
		    s->name);
	}
	if (left > 0)
		buf_adds(&b, "; finish or roll back in Rancher");
	else if (n == 0)
		buf_adds(&b, "nothing to roll back");
	return (buf_steal(&b));
}

static int
rd_run_redeploy(struct job *j, char **cause)
{
	const struct job_args	*a = job_args(j);
	const char		*image = rd_args_image(a);
	struct rd		 rd;
	struct rd_service	*s;
	json_t			*lc, *body;
	char			*img, *why = NULL, *rb;
	size_t			 i;
	int			 rc = -1;

	memset(&rd, 0, sizeof rd);
	rd.job = j;
	rd.cfg = job_config(j);
	job_step(j, "finding stack %s in Rancher", a->target);
	if (rd_load(&rd, a->target, cause) != 0)
		goto out;
	if (image != NULL &&
	    rd_image_resolve(&rd, image, a->target, cause) != 0)
		goto out;
	if (rd.img_service != NULL)
		job_step(j, "new image for %s/%s: %s (now %s)", a->target,
		    rd.img_service, rd.img_new, rd.img_old);

	for (i = 0; i < rd.nsv; i++) {
		s = &rd.sv[i];
		if (job_cancelled(j)) {
			why = xasprintf("%s before %s", job_lock_lost(j) ?
			    "stopped" : "cancelled", s->name);
			break;
		}
		if (job_lock_check(j, &why) != 0)
			break;
		job_step_progress(j, (int)(100 * i / (2 * rd.nsv)),
		    "upgrading %s/%s (%zu of %zu)", a->target, s->name, i + 1,
		    rd.nsv);
		lc = json_deep_copy(s->launch);
		if (rd.img_service != NULL &&
		    strcmp(rd.img_service, s->name) == 0) {
			img = xasprintf("docker:%s", rd.img_new);
			json_object_set_new(lc, "imageUuid", json_string(img));
			free(img);
		}
		body = json_pack("{s:{s:i, s:i, s:b, s:o}}",
		    "inServiceStrategy", "batchSize", 1, "intervalMillis",
		    2000, "startFirst", 0, "launchConfig", lc);
		if (rd_action(&rd, s, "upgrade", body, &why) != 0) {
			json_decref(body);
			break;
		}
		json_decref(body);
		s->touched = true;
		/*
		 * The BBB service is restarting: its meetings are ending.
		 * Rolling back would restart it once more; a hang-up lets
		 * the redeploy finish instead (an operator's cancel still
		 * rolls back).
		 */
		if (strcmp(s->name, RD_BBB_SERVICE) == 0)
			job_no_return(j);
		if (rd_follow(&rd, s, "upgrading", "upgraded", true,
		    &why) != 0)
			break;
	}
	/*
	 * The last chance to undo it all: nothing is finished yet.  A
	 * cancel after this check is too late (checked and marked at once).
	 */
	if (why == NULL && job_cancel_too_late(j))
		why = xasprintf("%s with every service upgraded, before the "
		    "finishupgrade", job_lock_lost(j) ? "stopped" :
		    "cancelled");
	if (why != NULL) {
		rb = rd_rollback(&rd);
		if (rd_lock_lost(why))
			*cause = xasprintf("%s; redeploy of %s stopped: %s",
			    why, a->target, rb);
		else
			*cause = xasprintf("redeploy of %s%s: %s; %s",
			    a->target, job_cancelled(j) ? "" : " failed",
			    why, rb);
		free(rb);
		free(why);
		goto out;
	}

	for (i = 0; i < rd.nsv; i++) {
		s = &rd.sv[i];
		if (job_lock_check(j, &why) == 0)
			job_step_progress(j, (int)(100 * (rd.nsv + i) /
			    (2 * rd.nsv)), "finishing the upgrade of "
			    "%s/%s", a->target, s->name);
		if (why != NULL ||
		    rd_action(&rd, s, "finishupgrade", NULL, &why) != 0 ||
		    rd_follow(&rd, s, "finishing-upgrade", "active", false,
		    &why) != 0) {
			if (rd_lock_lost(why))
				*cause = xasprintf("%s; redeploy of %s "
				    "stopped before the finishupgrade of %s "
				    "(the new version runs; finish or roll "
				    "back in Rancher)", why, a->target,
				    s->name);
			else
				*cause = xasprintf("redeploy of %s: "
				    "finishupgrade of %s failed: %s (the new "
				    "version runs; finish or roll back in "
				    "Rancher)", a->target, s->name, why);
			free(why);
			goto out;
		}
	}
	job_progress(j, 100);
	/*
	 * A cancel while the upgrades are finished is not obeyed: a
	 * finished service cannot be rolled back, and a stack half finished
	 * and half rolled back would be worse than either.  Say so.
	 */
	job_result(j, "stack %s redeployed: %zu services upgraded%s%s%s%s%s",
	    a->target, rd.nsv, rd.img_service != NULL ? ", " : "",
	    rd.img_service != NULL ? rd.img_service : "",
	    rd.img_service != NULL ? "=" : "",
	    rd.img_service != NULL ? rd.img_new : "", job_cancelled(j) &&
	    !job_lock_lost(j) ? " (the cancel came while the upgrade was "
	    "being finished, when it can no longer be rolled back: it was "
	    "finished)" : "");
	rc = 0;
out:
	rd_free(&rd);
	return (rc);
}

static int
rd_run_restart(struct job *j, char **cause)
{
	const struct job_args	*a = job_args(j);
	struct rd		 rd;
	struct rd_service	*s;
	json_t			*body;
	char			*why = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&rd, 0, sizeof rd);
	rd.job = j;
	rd.cfg = job_config(j);
	job_step(j, "finding stack %s in Rancher", a->target);
	if (rd_load(&rd, a->target, cause) != 0)
		goto out;
	for (i = 0; i < rd.nsv; i++) {
		s = &rd.sv[i];
		if (job_lock_check(j, &why) == 0) {
			job_step_progress(j, (int)(100 * i / rd.nsv),
			    "restarting %s/%s (%zu of %zu)", a->target,
			    s->name, i + 1, rd.nsv);
		}
		body = json_pack("{s:{s:i, s:i}}", "rollingRestartStrategy",
		    "batchSize", 1, "intervalMillis", 2000);
		if (why != NULL ||
		    rd_action(&rd, s, "restart", body, &why) != 0 ||
		    rd_follow(&rd, s, "restarting", "active", false,
		    &why) != 0) {
			json_decref(body);
			if (rd_lock_lost(why))
				*cause = xasprintf("%s; restart of %s stopped "
				    "before %s (%zu of %zu services "
				    "restarted)", why, a->target, s->name, i,
				    rd.nsv);
			else
				*cause = xasprintf("restart of %s failed at "
				    "%s: %s (%zu of %zu services restarted)",
				    a->target, s->name, why, i, rd.nsv);
			free(why);
			goto out;
		}
		json_decref(body);
	}
	job_progress(j, 100);
	job_result(j, "stack %s restarted: %zu services", a->target, rd.nsv);
	rc = 0;
out:
	rd_free(&rd);
	return (rc);
}

static int
rd_plan_common(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;

	if (cfg->rancher.url == NULL) {
		*cause = xstrdup("[rancher] url is not configured");
		return (-1);
	}
	job_plan_add(p, "find stack %s and its services: GET %s/projects/"
	    "PROJECT/stacks?name=%s, .../services?stackId=ID (access key %s, "
	    "secret key masked)", a->target, cfg->rancher.url, a->target,
	    cfg->rancher.access_key != NULL ? cfg->rancher.access_key :
	    "(none)");
	return (0);
}

/* What restarting the stack's bbb service ends (dashboard only). */
static void
rd_plan_meetings(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p)
{
	const struct fleet_node	*n;
	size_t			 i;
	char			*what;

	if (ctx->fleet == NULL)
		return;
	for (i = 0; i < ctx->fleet->nnodes; i++) {
		n = ctx->fleet->nodes[i];
		if (n->stack == NULL || strcmp(n->stack, a->target) != 0)
			continue;
		what = fleet_node_meetings_text(ctx->fleet, n,
		    util_wall_ms());
		job_plan_add(p, "on %s this ends %s", n->key, what);
		free(what);
	}
}

static int
rd_plan_redeploy(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const char		*image = rd_args_image(a);
	enum rd_image_form	 form = RD_IMAGE_SERVICE;

	if (image != NULL && rd_image_parse(image, &form, cause) != 0)
		return (-1);
	if (rd_plan_common(ctx, a, p, cause) != 0)
		return (-1);
	job_plan_add(p, "for each service, one after the other: POST "
	    ".../services/ID?action=upgrade {\"inServiceStrategy\":"
	    "{\"batchSize\":1,\"intervalMillis\":2000,\"startFirst\":false,"
	    "\"launchConfig\":<its current launchConfig>}}; follow "
	    "upgrading -> upgraded");
	if (image != NULL && form == RD_IMAGE_SERVICE)
		job_plan_add(p, "with launchConfig.imageUuid = docker:%s for "
		    "service %.*s", strchr(image, '=') + 1,
		    (int)(strchr(image, '=') - image), image);
	else if (image != NULL && form == RD_IMAGE_REPO)
		job_plan_add(p, "with launchConfig.imageUuid = docker:%s for "
		    "the one service that runs %.*s now (refused if none or "
		    "several do)", image, (int)rd_image_repo_len(image),
		    image);
	else if (image != NULL)
		job_plan_add(p, "with the image of service %s (its repository) "
		    "at tag %s (refused if the stack has no service %s)",
		    RD_BBB_SERVICE, image, RD_BBB_SERVICE);
	job_plan_add(p, "then POST .../services/ID?action=finishupgrade for "
	    "each; follow finishing-upgrade -> active");
	job_plan_add(p, "on a failure, a timeout (%llds a service) or a "
	    "cancel: POST ?action=rollback for every service upgraded so "
	    "far", (long long)((a->timeout_ms > 0 ? a->timeout_ms :
	    RD_TIMEOUT_MS) / 1000));
	job_plan_add(p, "a BBB node's bbb service restarts: its meetings end");
	rd_plan_meetings(ctx, a, p);
	return (0);
}

static int
rd_plan_restart(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	if (rd_plan_common(ctx, a, p, cause) != 0)
		return (-1);
	job_plan_add(p, "for each service, one after the other: POST "
	    ".../services/ID?action=restart {\"rollingRestartStrategy\":"
	    "{\"batchSize\":1,\"intervalMillis\":2000}}; follow restarting "
	    "-> active");
	job_plan_add(p, "a BBB node's bbb service restarts: its meetings end");
	return (0);
}

/* --- the rows (registry.c lists them) ----------------------------------- */

static const struct action_opt rd_redeploy_opts[] = {
	{ "image", "SERVICE=IMAGE | IMAGE | TAG",
	  "give one service a new image (see below)" },
	{ "poll", "S", "follow each service every S (default 1s)" },
	{ NULL, NULL, NULL }
};

static const struct action_opt rd_restart_opts[] = {
	{ "poll", "S", "follow each service every S (default 1s)" },
	{ NULL, NULL, NULL }
};

static int
rd_args_parse(void *priv, const char *opt, const char *arg, char **cause)
{
	struct rd_args	*ra = priv;

	if (strcmp(opt, "image") == 0) {
		free(ra->image);
		ra->image = xstrdup(arg);
		return (0);
	}
	return (action_parse_duration(opt, arg, &ra->poll_ms, cause));
}

static void
rd_args_free(void *priv)
{
	struct rd_args	*ra = priv;

	free(ra->image);
}

const struct action action_stack_redeploy = {
	.verb = "stack redeploy",
	.help = "upgrade every service of STACK in place; roll back on failure",
	.risk = JOB_RISK_DESTRUCTIVE,
	.cancellable = true,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_RANCHER),
	.plan = rd_plan_redeploy,
	.run = rd_run_redeploy,
	.target = ACTION_TARGET_STACK,
	.opts = rd_redeploy_opts,
	.args_size = sizeof (struct rd_args),
	.args_parse = rd_args_parse,
	.args_free = rd_args_free,
	.usage = "  --image SERVICE=IMAGE: that service gets IMAGE\n"
	    "  --image REPO:TAG: the one service running REPO gets it\n"
	    "  --image TAG: the bbb service gets TAG\n"
	    "Up to --timeout a service (default 10m); a failure, the timeout "
	    "or ^C\nrolls back every service upgraded so far.",
	.key = 'r',
	.hint = true
};
const struct action action_stack_restart = {
	.verb = "stack restart",
	.help = "restart every service of STACK, rolling",
	.risk = JOB_RISK_DESTRUCTIVE,
	.locks = true,
	.acts_on = FLEET_SRC_BIT(FLEET_SRC_RANCHER),
	.plan = rd_plan_restart,
	.run = rd_run_restart,
	.target = ACTION_TARGET_STACK,
	.opts = rd_restart_opts,
	.args_size = sizeof (struct rd_args),
	.args_parse = rd_args_parse,
	.args_free = rd_args_free,
	.key = 'R'
};
