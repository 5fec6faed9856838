/* bkjson.c: strict field access on jansson values for the decoders. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "util.h"

json_t *
bkj_load(const char *sys, const char *body, size_t len, char **cause)
{
	json_t		*j;
	json_error_t	 e;

	if (body == NULL || len == 0) {
		*cause = xasprintf("%s: empty answer", sys);
		return (NULL);
	}
	/* Duplicate keys: the last wins (checking costs a third). */
	j = json_loadb(body, len, 0, &e);
	if (j == NULL) {
		*cause = xasprintf("%s: not JSON: %s at byte %d", sys, e.text,
		    e.position);
		return (NULL);
	}
	return (j);
}

const char *
bkj_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return ("an object");
	case JSON_ARRAY:
		return ("an array");
	case JSON_STRING:
		return ("a string");
	case JSON_INTEGER:
		return ("an integer");
	case JSON_REAL:
		return ("a number");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("a boolean");
	case JSON_NULL:
		return ("null");
	}
	return ("something else");
}

char *
bkj_error(const char *sys, const char *path, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *s;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (key != NULL)
		s = xasprintf("%s: %s%s%s: %s", sys, path,
		    *path != '\0' ? "." : "", key, msg);
	else
		s = xasprintf("%s: %s: %s", sys, *path != '\0' ? path :
		    "answer", msg);
	free(msg);
	return (s);
}

bool
bkj_has(const json_t *obj, const char *key)
{
	json_t	*v;

	v = json_object_get(obj, key);
	return (v != NULL && !json_is_null(v));
}

/* The value at key, or NULL for absent/null (then 0, or -1 if req). */
static int
bkj_get(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, json_t **v, char **cause)
{
	*v = json_object_get(obj, key);
	if (*v != NULL && json_is_null(*v))
		*v = NULL;
	if (*v == NULL && req) {
		*cause = bkj_error(sys, path, key, "missing");
		return (-1);
	}
	return (0);
}

static int
bkj_wrong(const char *sys, const char *path, const char *key,
    const char *want, const json_t *v, char **cause)
{
	*cause = bkj_error(sys, path, key, "expected %s, got %s", want,
	    bkj_type_name(v));
	return (-1);
}

int
bkj_cstring(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, const char **out, char **cause)
{
	json_t	*v;

	*out = NULL;
	if (bkj_get(sys, obj, path, key, req, &v, cause) != 0)
		return (-1);
	if (v == NULL)
		return (0);
	if (!json_is_string(v))
		return (bkj_wrong(sys, path, key, "a string", v, cause));
	*out = json_string_value(v);
	return (0);
}

int
bkj_string(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, char **out, char **cause)
{
	const char	*s;

	*out = NULL;
	if (bkj_cstring(sys, obj, path, key, req, &s, cause) != 0)
		return (-1);
	if (s != NULL)
		*out = xstrdup(s);
	return (0);
}

int
bkj_int(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, long long min, long long max, long long *out,
    char **cause)
{
	json_t		*v;
	long long	 n;

	*out = -1;
	if (bkj_get(sys, obj, path, key, req, &v, cause) != 0)
		return (-1);
	if (v == NULL)
		return (0);
	if (!json_is_integer(v))
		return (bkj_wrong(sys, path, key, "an integer", v, cause));
	n = json_integer_value(v);
	if (n < min || n > max) {
		*cause = bkj_error(sys, path, key, "%lld out of range", n);
		return (-1);
	}
	*out = n;
	return (0);
}

int
bkj_bool(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, bool *out, char **cause)
{
	json_t	*v;

	*out = false;
	if (bkj_get(sys, obj, path, key, req, &v, cause) != 0)
		return (-1);
	if (v == NULL)
		return (0);
	if (!json_is_boolean(v))
		return (bkj_wrong(sys, path, key, "a boolean", v, cause));
	*out = json_is_true(v);
	return (0);
}

/* A member that must be an object or an array (borrowed). */
static int
bkj_container(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, json_type type, const char *want,
    json_t **out, char **cause)
{
	json_t	*v;

	*out = NULL;
	if (bkj_get(sys, obj, path, key, req, &v, cause) != 0)
		return (-1);
	if (v == NULL)
		return (0);
	if (json_typeof(v) != type)
		return (bkj_wrong(sys, path, key, want, v, cause));
	*out = v;
	return (0);
}

int
bkj_object(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, json_t **out, char **cause)
{
	return (bkj_container(sys, obj, path, key, req, JSON_OBJECT,
	    "an object", out, cause));
}

int
bkj_array(const char *sys, const json_t *obj, const char *path,
    const char *key, bool req, json_t **out, char **cause)
{
	return (bkj_container(sys, obj, path, key, req, JSON_ARRAY,
	    "an array", out, cause));
}

char *
bkj_type_error(const char *sys, const char *path, const char *want,
    const json_t *j)
{
	return (bkj_error(sys, path, NULL, "expected %s, got %s", want,
	    bkj_type_name(j)));
}

/* ---- the same on streaming reader values ---- */

char *
bks_syntax(const char *sys, const struct jscan *j)
{
	if (j->base == j->end)
		return (xasprintf("%s: empty answer", sys));
	return (xasprintf("%s: not JSON: %s at byte %zu", sys,
	    jscan_error(j) != NULL ? jscan_error(j) : "?", jscan_offset(j)));
}

int
bks_array_end(const char *sys, struct jscan *j, enum jscan_type t, size_t n,
    const char *what, char **ecause, char **cause)
{
	if (jscan_end(j) != 0)
		*cause = bks_syntax(sys, j);
	else if (t != JSCAN_ARRAY)
		*cause = bkj_error(sys, "", NULL, "expected an array, got %s",
		    jscan_type_name(t));
	else if (n > BACKEND_MAX_ENTRIES)
		*cause = bkj_error(sys, "", NULL, "too many %s (%zu)", what, n);
	else if (*ecause != NULL) {
		*cause = *ecause;
		*ecause = NULL;
	} else
		return (0);
	return (-1);
}

const char *
bks_path(char *buf, size_t sz, const char *prefix, size_t i)
{
	char	 digits[24];
	size_t	 n = 0, plen = strlen(prefix), k;

	do {
		digits[n++] = (char)('0' + i % 10);
		i /= 10;
	} while (i != 0);
	if (plen + n + 3 > sz) {
		snprintf(buf, sz, "%s[?]", prefix);
		return (buf);
	}
	memcpy(buf, prefix, plen);
	buf[plen] = '[';
	for (k = 0; k < n; k++)
		buf[plen + 1 + k] = digits[n - 1 - k];
	buf[plen + 1 + n] = ']';
	buf[plen + 2 + n] = '\0';
	return (buf);
}

/* Absent or null: 1 (an error when req), else 0. */
static int
bks_absent(const char *sys, const struct jscan_val *v, const char *path,
    const char *key, bool req, char **cause)
{
	if (jscan_val_present(v))
		return (0);
	if (req) {
		*cause = bkj_error(sys, path, key, "missing");
		return (-1);
	}
	return (1);
}

static int
bks_wrong(const char *sys, const char *path, const char *key,
    const char *want, const struct jscan_val *v, char **cause)
{
	*cause = bkj_error(sys, path, key, "expected %s, got %s", want,
	    jscan_type_name(v->type));
	return (-1);
}

int
bks_string(const char *sys, const struct jscan_val *v, const char *path,
    const char *key, bool req, char **out, char **cause)
{
	int	 r;

	*out = NULL;
	if ((r = bks_absent(sys, v, path, key, req, cause)) != 0)
		return (r < 0 ? -1 : 0);
	if (v->type != JSCAN_STRING)
		return (bks_wrong(sys, path, key, "a string", v, cause));
	*out = jscan_val_strdup(v);
	return (0);
}

int
bks_int(const char *sys, const struct jscan_val *v, const char *path,
    const char *key, bool req, long long min, long long max, long long *out,
    char **cause)
{
	int	 r;

	*out = -1;
	if ((r = bks_absent(sys, v, path, key, req, cause)) != 0)
		return (r < 0 ? -1 : 0);
	if (v->type != JSCAN_INT)
		return (bks_wrong(sys, path, key, "an integer", v, cause));
	if (v->i < min || v->i > max) {
		*cause = bkj_error(sys, path, key, "%lld out of range", v->i);
		return (-1);
	}
	*out = v->i;
	return (0);
}

int
bks_bool(const char *sys, const struct jscan_val *v, const char *path,
    const char *key, bool req, bool *out, char **cause)
{
	int	 r;

	*out = false;
	if ((r = bks_absent(sys, v, path, key, req, cause)) != 0)
		return (r < 0 ? -1 : 0);
	if (v->type != JSCAN_TRUE && v->type != JSCAN_FALSE)
		return (bks_wrong(sys, path, key, "a boolean", v, cause));
	*out = v->type == JSCAN_TRUE;
	return (0);
}

int
bks_type(const char *sys, const struct jscan_val *v, const char *path,
    const char *key, bool req, enum jscan_type t, char **cause)
{
	int	 r;

	if ((r = bks_absent(sys, v, path, key, req, cause)) != 0)
		return (r < 0 ? -1 : 0);
	if (v->type != t)
		return (bks_wrong(sys, path, key, jscan_type_name(t), v,
		    cause));
	return (0);
}
