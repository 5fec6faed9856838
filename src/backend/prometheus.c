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
backend_prom_decode(const char *name, const char *body, size_t len,
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
