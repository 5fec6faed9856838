/*
 * prometheus.c: decode one Prometheus /api/v1/query answer (pure).
 *
 * Envelope {"status","data","errorType","error","warnings","infos"};
 * data {"resultType":"vector","result":[{"metric":{..},"value":[t,"v"]}]}
 * with sample values as strings, "NaN", "+Inf", "-Inf" included
 * (apis.md §4.1, §4.2).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "util.h"

#define SYS "prometheus"

static int
prom_value(const char *s, double *v)
{
	char	*end;

	if (strcmp(s, "NaN") == 0) {
		*v = NAN;
		return (0);
	}
	if (strcmp(s, "+Inf") == 0) {
		*v = INFINITY;
		return (0);
	}
	if (strcmp(s, "-Inf") == 0) {
		*v = -INFINITY;
		return (0);
	}
	/* Go's 'f'/'e' formats only: digits, sign, '.', 'e'. */
	if (*s == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
		return (-1);
	errno = 0;
	*v = strtod(s, &end);
	if (*end != '\0' || end == s)
		return (-1);
	return (0);
}

static void
prom_figure_clear(struct fleet_prom_figure *fig)
{
	size_t	 i;

	for (i = 0; i < fig->nsamples; i++) {
		free(fig->samples[i].instance);
		free(fig->samples[i].job);
	}
	free(fig->samples);
	free(fig->name);
	free(fig->error);
	memset(fig, 0, sizeof *fig);
}

/*
 * Fast path: the common answer, a success envelope with a "vector"
 * result and no warnings, read with jscan (no DOM).  jscan validates
 * every byte as jansson does; the fast path takes only what it fully
 * understands with the same result as the DOM decoder, and declines
 * (the DOM decoder then gives the answer and the messages) anything
 * else: another status or result type, warnings, a key it reads twice,
 * a sample it would reject.
 */
#define PF_MAX_NUMBER	63

/* An optional label: a string (copied) or null; anything else declines. */
static int
pf_label(struct jscan *j, char **out, bool *seen)
{
	struct jscan_val	 v;

	if (*seen || jscan_read(j, &v) != 0)
		return (-1);
	*seen = true;
	if (v.type == JSCAN_NULL)
		return (0);
	if (v.type != JSCAN_STRING)
		return (-1);
	*out = jscan_val_strdup(&v);
	return (0);
}

static int
pf_metric(struct jscan *j, struct fleet_prom_sample *smp)
{
	const char	*k;
	size_t		 n;
	bool		 sinst = false, sjob = false;
	int		 r;

	if (jscan_peek(j) != JSCAN_OBJECT || jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "instance")) {
			if (pf_label(j, &smp->instance, &sinst) != 0)
				return (-1);
		} else if (BKS_KEY(k, n, "job")) {
			if (pf_label(j, &smp->job, &sjob) != 0)
				return (-1);
		}
	}
	return (r);
}

/* [time, "value"] */
static int
pf_value(struct jscan *j, double *v)
{
	struct jscan_val	 t, sv;
	const char		*s;
	size_t			 n;
	char			 tmp[PF_MAX_NUMBER + 1];

	if (jscan_peek(j) != JSCAN_ARRAY || jscan_begin_array(j) != 0 ||
	    jscan_next_elem(j) != 1 || jscan_read(j, &t) != 0 ||
	    (t.type != JSCAN_INT && t.type != JSCAN_REAL) ||
	    jscan_next_elem(j) != 1 || jscan_read(j, &sv) != 0 ||
	    sv.type != JSCAN_STRING)
		return (-1);
	s = jscan_val_str(j, &sv, &n);
	if (n > PF_MAX_NUMBER)
		return (-1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (prom_value(tmp, v) != 0)
		return (-1);
	return (jscan_next_elem(j) == 0 ? 0 : -1);
}

static int
pf_sample(struct jscan *j, struct fleet_prom_sample *smp)
{
	const char	*k;
	size_t		 n;
	bool		 smetric = false, svalue = false;
	int		 r;

	if (jscan_peek(j) != JSCAN_OBJECT || jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "metric")) {
			if (smetric || pf_metric(j, smp) != 0)
				return (-1);
			smetric = true;
		} else if (BKS_KEY(k, n, "value")) {
			if (svalue || pf_value(j, &smp->value) != 0)
				return (-1);
			svalue = true;
		}
	}
	if (r != 0 || !smetric || !svalue)
		return (-1);
	return (0);
}

static void
pf_sample_clear(struct fleet_prom_sample *smp)
{
	free(smp->instance);
	free(smp->job);
	memset(smp, 0, sizeof *smp);
}

static int
pf_result(struct jscan *j, struct fleet_prom_figure *fig)
{
	struct fleet_prom_sample	 smp;
	size_t				 n = 0, cap = 0;
	int				 r;

	if (jscan_peek(j) != JSCAN_ARRAY || jscan_begin_array(j) != 0)
		return (-1);
	while ((r = jscan_next_elem(j)) == 1) {
		memset(&smp, 0, sizeof smp);
		if (++n > BACKEND_MAX_ENTRIES || pf_sample(j, &smp) != 0) {
			pf_sample_clear(&smp);
			return (-1);
		}
		if (smp.instance == NULL || *smp.instance == '\0') {
			pf_sample_clear(&smp);	/* nothing to join it on */
			continue;
		}
		if (fig->nsamples == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			fig->samples = xreallocarray(fig->samples, cap,
			    sizeof *fig->samples);
		}
		fig->samples[fig->nsamples++] = smp;
	}
	return (r);
}

static int
pf_data(struct jscan *j, struct fleet_prom_figure *fig)
{
	struct jscan_val	 v;
	const char		*k;
	size_t			 n;
	bool			 stype = false, sresult = false;
	int			 r;

	if (jscan_peek(j) != JSCAN_OBJECT || jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "resultType")) {
			if (stype || jscan_read(j, &v) != 0 ||
			    !jscan_val_is(j, &v, "vector"))
				return (-1);
			stype = true;
		} else if (BKS_KEY(k, n, "result")) {
			if (sresult || pf_result(j, fig) != 0)
				return (-1);
			sresult = true;
		}
	}
	if (r != 0 || !stype || !sresult)
		return (-1);
	return (0);
}

static int
pf_envelope(struct jscan *j, struct fleet_prom_figure *fig)
{
	struct jscan_val	 v;
	const char		*k;
	size_t			 n;
	bool			 sstatus = false, sdata = false;
	int			 r;

	if (jscan_peek(j) != JSCAN_OBJECT || jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "status")) {
			if (sstatus || jscan_read(j, &v) != 0 ||
			    !jscan_val_is(j, &v, "success"))
				return (-1);
			sstatus = true;
		} else if (BKS_KEY(k, n, "data")) {
			if (sdata || pf_data(j, fig) != 0)
				return (-1);
			sdata = true;
		} else if (BKS_KEY(k, n, "warnings"))
			return (-1);	/* the DOM decoder keeps those */
	}
	if (r != 0 || !sstatus || !sdata)
		return (-1);
	return (jscan_end(j));
}

int
backend_prom_decode_fast(const char *name, const char *body, size_t len,
    struct fleet_prom_figure *fig)
{
	struct jscan	 j;
	int		 rc;

	memset(fig, 0, sizeof *fig);
	if (body == NULL || len == 0)
		return (0);
	jscan_init(&j, body, len);
	rc = pf_envelope(&j, fig);
	jscan_free(&j);
	if (rc != 0) {
		prom_figure_clear(fig);
		return (0);
	}
	if (fig->samples == NULL)
		fig->samples = xcalloc(1, sizeof *fig->samples);
	fig->name = xstrdup(name);
	return (1);
}

static int
prom_decode_sample(const json_t *r, const char *path,
    struct fleet_prom_sample *s, bool *skip, char **cause)
{
	json_t		*metric, *value, *t, *v;
	const char	*instance, *job;

	*skip = false;
	if (!json_is_object(r)) {
		*cause = bkj_type_error(SYS, path, "an object", r);
		return (-1);
	}
	if (bkj_object(SYS, r, path, "metric", BKJ_REQUIRED, &metric,
	    cause) != 0 ||
	    bkj_array(SYS, r, path, "value", BKJ_REQUIRED, &value,
	    cause) != 0)
		return (-1);
	if (json_array_size(value) != 2) {
		*cause = bkj_error(SYS, path, "value", "expected [time, "
		    "\"value\"], got %zu elements", json_array_size(value));
		return (-1);
	}
	t = json_array_get(value, 0);
	v = json_array_get(value, 1);
	if (!json_is_number(t)) {
		*cause = bkj_error(SYS, path, "value[0]", "expected a number, "
		    "got %s", bkj_type_name(t));
		return (-1);
	}
	if (!json_is_string(v)) {
		*cause = bkj_error(SYS, path, "value[1]", "expected a string, "
		    "got %s", bkj_type_name(v));
		return (-1);
	}
	if (prom_value(json_string_value(v), &s->value) != 0) {
		*cause = bkj_error(SYS, path, "value[1]", "not a number: "
		    "\"%.32s\"", json_string_value(v));
		return (-1);
	}
	if (bkj_cstring(SYS, metric, path, "instance", BKJ_OPTIONAL,
	    &instance, cause) != 0 ||
	    bkj_cstring(SYS, metric, path, "job", BKJ_OPTIONAL, &job,
	    cause) != 0)
		return (-1);
	if (instance == NULL || *instance == '\0') {
		*skip = true;	/* nothing to join it on */
		return (0);
	}
	s->instance = xstrdup(instance);
	s->job = job != NULL ? xstrdup(job) : NULL;
	return (0);
}

int
backend_prom_decode_dom(const char *name, const char *body, size_t len,
    struct fleet_prom_figure *fig, char **warning, char **cause)
{
	json_t		*root, *data, *result, *warnings, *r;
	const char	*status, *rtype, *etype, *emsg;
	char		 path[48];
	size_t		 i, n;
	bool		 skip;

	memset(fig, 0, sizeof *fig);
	if (warning != NULL)
		*warning = NULL;
	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_object(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an object, got %s",
		    bkj_type_name(root));
		goto fail;
	}
	if (bkj_cstring(SYS, root, "", "status", BKJ_REQUIRED, &status,
	    cause) != 0)
		goto fail;
	if (strcmp(status, "success") != 0) {
		if (bkj_cstring(SYS, root, "", "errorType", BKJ_OPTIONAL,
		    &etype, cause) != 0 ||
		    bkj_cstring(SYS, root, "", "error", BKJ_OPTIONAL, &emsg,
		    cause) != 0)
			goto fail;
		*cause = xasprintf("%s: %s: %s", SYS,
		    etype != NULL ? etype : status,
		    emsg != NULL ? emsg : "(no message)");
		goto fail;
	}
	if (bkj_array(SYS, root, "", "warnings", BKJ_OPTIONAL, &warnings,
	    cause) != 0)
		goto fail;
	if (warning != NULL && warnings != NULL &&
	    json_is_string(json_array_get(warnings, 0)))
		*warning = xstrdup(json_string_value(json_array_get(warnings,
		    0)));
	if (bkj_object(SYS, root, "", "data", BKJ_REQUIRED, &data,
	    cause) != 0 ||
	    bkj_cstring(SYS, data, "data", "resultType", BKJ_REQUIRED, &rtype,
	    cause) != 0)
		goto fail;
	if (strcmp(rtype, "vector") != 0) {
		*cause = bkj_error(SYS, "data", "resultType", "\"%.16s\", "
		    "expected \"vector\"", rtype);
		goto fail;
	}
	if (bkj_array(SYS, data, "data", "result", BKJ_REQUIRED, &result,
	    cause) != 0)
		goto fail;
	n = json_array_size(result);
	if (n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "data", "result", "too many samples "
		    "(%zu)", n);
		goto fail;
	}
	fig->name = xstrdup(name);
	fig->samples = xcalloc(n, sizeof *fig->samples);
	json_array_foreach(result, i, r) {
		snprintf(path, sizeof path, "data.result[%zu]", i);
		if (prom_decode_sample(r, path, &fig->samples[fig->nsamples],
		    &skip, cause) != 0) {
			fig->nsamples++;	/* free what it set */
			goto fail;
		}
		if (!skip)
			fig->nsamples++;
	}
	json_decref(root);
	return (0);

fail:
	prom_figure_clear(fig);
	if (warning != NULL) {
		free(*warning);
		*warning = NULL;
	}
	json_decref(root);
	return (-1);
}

int
backend_prom_decode(const char *name, const char *body, size_t len,
    struct fleet_prom_figure *fig, char **warning, char **cause)
{
	if (warning != NULL)
		*warning = NULL;
	if (backend_prom_decode_fast(name, body, len, fig))
		return (0);
	return (backend_prom_decode_dom(name, body, len, fig, warning,
	    cause));
}
