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
 * Fast path: a strict scanner for the common answer, a success envelope
 * with a "vector" result and no warnings, without building a DOM.  It
 * accepts only what it fully understands and that jansson would accept
 * with the same result (ASCII only, no NUL, integers that fit, reals
 * that do not overflow, no duplicate keys it reads); anything else is
 * declined and the jansson decoder gives the answer and the messages.
 */
#define PF_MAX_DEPTH	32
#define PF_MAX_NUMBER	63

struct pf {
	const char	*p;
	const char	*end;
	char		*scratch;	/* unescaped strings */
	size_t		 scratchsz;
};

static void
pf_ws(struct pf *pf)
{
	while (pf->p < pf->end && (*pf->p == ' ' || *pf->p == '\t' ||
	    *pf->p == '\n' || *pf->p == '\r'))
		pf->p++;
}

static bool
pf_char(struct pf *pf, char c)
{
	pf_ws(pf);
	if (pf->p < pf->end && *pf->p == c) {
		pf->p++;
		return (true);
	}
	return (false);
}

static int
pf_hex4(const char *p, unsigned int *u)
{
	int	 i;

	*u = 0;
	for (i = 0; i < 4; i++) {
		*u <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			*u |= (unsigned int)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			*u |= (unsigned int)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			*u |= (unsigned int)(p[i] - 'A' + 10);
		else
			return (-1);
	}
	return (0);
}

/*
 * A string at the cursor: *s points into the body when it has no
 * escapes, else into the scratch buffer (valid until the next string).
 */
static int
pf_string(struct pf *pf, const char **s, size_t *n)
{
	const char	*p, *start;
	char		*o;
	unsigned int	 u, lo;
	size_t		 need;
	bool		 esc = false;

	pf_ws(pf);
	if (pf->p >= pf->end || *pf->p != '"')
		return (-1);
	start = p = pf->p + 1;
	for (;;) {
		if (p >= pf->end)
			return (-1);
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x80)
			return (-1);
		if (*p == '"')
			break;
		if (*p == '\\') {
			esc = true;
			if (++p >= pf->end)
				return (-1);
		}
		p++;
	}
	if (!esc) {
		*s = start;
		*n = (size_t)(p - start);
		pf->p = p + 1;
		return (0);
	}
	need = (size_t)(p - start) + 1;	/* output never longer */
	if (need > pf->scratchsz) {
		pf->scratch = xrealloc(pf->scratch, need);
		pf->scratchsz = need;
	}
	o = pf->scratch;
	for (p = start; *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case '"':
		case '\\':
		case '/':
			*o++ = *p;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (pf->end - p < 5 || pf_hex4(p + 1, &u) != 0)
				return (-1);
			p += 4;
			if (u == 0 || (u >= 0xdc00 && u <= 0xdfff))
				return (-1);
			if (u >= 0xd800 && u <= 0xdbff) {
				if (pf->end - p < 7 || p[1] != '\\' ||
				    p[2] != 'u' || pf_hex4(p + 3, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return (-1);
				p += 6;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (u < 0x80)
				*o++ = (char)u;
			else if (u < 0x800) {
				*o++ = (char)(0xc0 | (u >> 6));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | (u >> 12));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else {
				*o++ = (char)(0xf0 | (u >> 18));
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		default:
			return (-1);
		}
	}
	*s = pf->scratch;
	*n = (size_t)(o - pf->scratch);
	pf->p = p + 1;
	return (0);
}

/* A JSON number jansson takes as it stands (no overflow). */
static int
pf_number(struct pf *pf)
{
	const char	*p = pf->p, *start = pf->p;
	char		 tmp[PF_MAX_NUMBER + 1], *end;
	size_t		 digits = 0;
	bool		 real = false;
	double		 d;

	if (p < pf->end && *p == '-')
		p++;
	if (p >= pf->end || *p < '0' || *p > '9')
		return (-1);
	if (*p == '0')
		p++, digits++;
	else
		while (p < pf->end && *p >= '0' && *p <= '9')
			p++, digits++;
	if (p < pf->end && *p == '.') {
		real = true;
		if (++p >= pf->end || *p < '0' || *p > '9')
			return (-1);
		while (p < pf->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < pf->end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < pf->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= pf->end || *p < '0' || *p > '9')
			return (-1);
		while (p < pf->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (!real) {
		if (digits > 18)
			return (-1);	/* maybe beyond json_int_t */
	} else {
		if ((size_t)(p - start) > PF_MAX_NUMBER)
			return (-1);
		memcpy(tmp, start, (size_t)(p - start));
		tmp[p - start] = '\0';
		d = strtod(tmp, &end);
		if (*end != '\0' || isinf(d))
			return (-1);
	}
	pf->p = p;
	return (0);
}

static int
pf_literal(struct pf *pf, const char *word)
{
	size_t	 n = strlen(word);

	if ((size_t)(pf->end - pf->p) < n || memcmp(pf->p, word, n) != 0)
		return (-1);
	pf->p += n;
	return (0);
}

static int
pf_skip(struct pf *pf, int depth)
{
	const char	*s;
	size_t		 n;

	if (depth > PF_MAX_DEPTH)
		return (-1);
	pf_ws(pf);
	if (pf->p >= pf->end)
		return (-1);
	switch (*pf->p) {
	case '"':
		return (pf_string(pf, &s, &n));
	case '{':
		pf->p++;
		if (pf_char(pf, '}'))
			return (0);
		do {
			if (pf_string(pf, &s, &n) != 0 || !pf_char(pf, ':') ||
			    pf_skip(pf, depth + 1) != 0)
				return (-1);
		} while (pf_char(pf, ','));
		return (pf_char(pf, '}') ? 0 : -1);
	case '[':
		pf->p++;
		if (pf_char(pf, ']'))
			return (0);
		do {
			if (pf_skip(pf, depth + 1) != 0)
				return (-1);
		} while (pf_char(pf, ','));
		return (pf_char(pf, ']') ? 0 : -1);
	case 't':
		return (pf_literal(pf, "true"));
	case 'f':
		return (pf_literal(pf, "false"));
	case 'n':
		return (pf_literal(pf, "null"));
	default:
		return (pf_number(pf));
	}
}

static bool
pf_is(const char *s, size_t n, const char *word)
{
	return (strlen(word) == n && memcmp(s, word, n) == 0);
}

/* An optional label: a string (copied) or null; anything else declines. */
static int
pf_label(struct pf *pf, char **out, bool *seen)
{
	const char	*s;
	size_t		 n;

	if (*seen)
		return (-1);
	*seen = true;
	pf_ws(pf);
	if (pf->p < pf->end && *pf->p == 'n')
		return (pf_literal(pf, "null"));
	if (pf_string(pf, &s, &n) != 0)
		return (-1);
	*out = xstrndup(s, n);
	return (0);
}

static int
pf_metric(struct pf *pf, struct fleet_prom_sample *smp)
{
	const char	*k;
	size_t		 n;
	bool		 sinst = false, sjob = false;

	if (!pf_char(pf, '{'))
		return (-1);
	if (pf_char(pf, '}'))
		return (0);
	do {
		if (pf_string(pf, &k, &n) != 0 || !pf_char(pf, ':'))
			return (-1);
		if (pf_is(k, n, "instance")) {
			if (pf_label(pf, &smp->instance, &sinst) != 0)
				return (-1);
		} else if (pf_is(k, n, "job")) {
			if (pf_label(pf, &smp->job, &sjob) != 0)
				return (-1);
		} else if (pf_skip(pf, 2) != 0)
			return (-1);
	} while (pf_char(pf, ','));
	return (pf_char(pf, '}') ? 0 : -1);
}

static int
pf_value(struct pf *pf, double *v)
{
	const char	*s;
	size_t		 n;
	char		 tmp[PF_MAX_NUMBER + 1];

	if (!pf_char(pf, '['))
		return (-1);
	pf_ws(pf);
	if (pf->p >= pf->end || (*pf->p != '-' && (*pf->p < '0' ||
	    *pf->p > '9')) || pf_number(pf) != 0 || !pf_char(pf, ',') ||
	    pf_string(pf, &s, &n) != 0 || n > PF_MAX_NUMBER)
		return (-1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (prom_value(tmp, v) != 0)
		return (-1);
	return (pf_char(pf, ']') ? 0 : -1);
}

static int
pf_sample(struct pf *pf, struct fleet_prom_sample *smp)
{
	const char	*k;
	size_t		 n;
	bool		 smetric = false, svalue = false;

	if (!pf_char(pf, '{'))
		return (-1);
	if (pf_char(pf, '}'))
		return (-1);
	do {
		if (pf_string(pf, &k, &n) != 0 || !pf_char(pf, ':'))
			return (-1);
		if (pf_is(k, n, "metric")) {
			if (smetric || pf_metric(pf, smp) != 0)
				return (-1);
			smetric = true;
		} else if (pf_is(k, n, "value")) {
			if (svalue || pf_value(pf, &smp->value) != 0)
				return (-1);
			svalue = true;
		} else if (pf_skip(pf, 3) != 0)
			return (-1);
	} while (pf_char(pf, ','));
	if (!pf_char(pf, '}') || !smetric || !svalue)
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
pf_result(struct pf *pf, struct fleet_prom_figure *fig)
{
	struct fleet_prom_sample	 smp;
	size_t				 n = 0, cap = 0;

	if (!pf_char(pf, '['))
		return (-1);
	if (pf_char(pf, ']'))
		return (0);
	do {
		memset(&smp, 0, sizeof smp);
		if (++n > BACKEND_MAX_ENTRIES || pf_sample(pf, &smp) != 0) {
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
	} while (pf_char(pf, ','));
	return (pf_char(pf, ']') ? 0 : -1);
}

static int
pf_data(struct pf *pf, struct fleet_prom_figure *fig)
{
	const char	*k, *s;
	size_t		 n;
	bool		 stype = false, sresult = false;

	if (!pf_char(pf, '{'))
		return (-1);
	if (pf_char(pf, '}'))
		return (-1);
	do {
		if (pf_string(pf, &k, &n) != 0 || !pf_char(pf, ':'))
			return (-1);
		if (pf_is(k, n, "resultType")) {
			if (stype || pf_string(pf, &s, &n) != 0 ||
			    !pf_is(s, n, "vector"))
				return (-1);
			stype = true;
		} else if (pf_is(k, n, "result")) {
			if (sresult || pf_result(pf, fig) != 0)
				return (-1);
			sresult = true;
		} else if (pf_skip(pf, 2) != 0)
			return (-1);
	} while (pf_char(pf, ','));
	if (!pf_char(pf, '}') || !stype || !sresult)
		return (-1);
	return (0);
}

static int
pf_envelope(struct pf *pf, struct fleet_prom_figure *fig)
{
	const char	*k, *s;
	size_t		 n;
	bool		 sstatus = false, sdata = false;

	if (!pf_char(pf, '{'))
		return (-1);
	if (pf_char(pf, '}'))
		return (-1);
	do {
		if (pf_string(pf, &k, &n) != 0 || !pf_char(pf, ':'))
			return (-1);
		if (pf_is(k, n, "status")) {
			if (sstatus || pf_string(pf, &s, &n) != 0 ||
			    !pf_is(s, n, "success"))
				return (-1);
			sstatus = true;
		} else if (pf_is(k, n, "data")) {
			if (sdata || pf_data(pf, fig) != 0)
				return (-1);
			sdata = true;
		} else if (pf_is(k, n, "warnings"))
			return (-1);	/* the DOM decoder keeps those */
		else if (pf_skip(pf, 1) != 0)
			return (-1);
	} while (pf_char(pf, ','));
	if (!pf_char(pf, '}') || !sstatus || !sdata)
		return (-1);
	pf_ws(pf);
	return (pf->p == pf->end ? 0 : -1);
}

int
backend_prom_decode_fast(const char *name, const char *body, size_t len,
    struct fleet_prom_figure *fig)
{
	struct pf	 pf;
	int		 rc;

	memset(fig, 0, sizeof *fig);
	if (body == NULL || len == 0)
		return (0);
	pf.p = body;
	pf.end = body + len;
	pf.scratch = NULL;
	pf.scratchsz = 0;
	rc = pf_envelope(&pf, fig);
	free(pf.scratch);
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
