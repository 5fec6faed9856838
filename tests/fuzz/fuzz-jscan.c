/*
 * fuzz-jscan.c: libFuzzer target for the streaming JSON reader, checked
 * against jansson: json_loadb(flags 0) and jscan must agree on accept
 * and reject, and when they accept, every value the cursor reads must
 * be the one in jansson's tree (type, string bytes, integer, real).
 * Objects with duplicate keys are compared by their keys only (jansson
 * keeps the last value; the cursor sees every one).
 */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void	same_scalar(struct jscan *, const struct jscan_val *, json_t *);

static void
same_value(struct jscan *j, json_t *d, bool compare)
{
	struct jscan_val	 v;
	const char		*k, *s;
	size_t			 n, idx, nkeys;
	char			*key;
	enum jscan_type		 t;
	double			 x;

	t = jscan_peek(j);
	check(t != JSCAN_NONE);
	if (t == JSCAN_OBJECT) {
		check(!compare || json_is_object(d));
		check(jscan_begin_object(j) == 0);
		nkeys = 0;
		/* First pass: count the keys on a copy of the cursor. */
		{
			struct jscan	 c = *j;

			c.scratch = NULL;
			c.scratchsz = 0;
			while (jscan_next_key(&c, &k, &n) == 1)
				nkeys++;
			check(!c.failed);
			jscan_free(&c);
		}
		if (compare)
			compare = nkeys == json_object_size(d);
		while (jscan_next_key(j, &k, &n) == 1) {
			key = strndup(k, n);
			check(key != NULL);
			check(!compare || strlen(key) == n);
			if (compare)
				check(json_object_get(d, key) != NULL);
			same_value(j, compare ? json_object_get(d, key) : NULL,
			    compare);
			free(key);
		}
		check(!j->failed);
		return;
	}
	if (t == JSCAN_ARRAY) {
		check(!compare || json_is_array(d));
		check(jscan_begin_array(j) == 0);
		idx = 0;
		while (jscan_next_elem(j) == 1) {
			same_value(j, compare ? json_array_get(d, idx) : NULL,
			    compare);
			idx++;
		}
		check(!j->failed);
		check(!compare || idx == json_array_size(d));
		return;
	}
	check(jscan_read(j, &v) == 0);
	check(v.type == t);
	if (!compare)
		return;
	same_scalar(j, &v, d);
	/* and what only a scalar read gives: */
	switch (t) {
	case JSCAN_INT:
		check(jscan_val_double(&v) == json_number_value(d));
		break;
	case JSCAN_REAL:
		x = jscan_val_double(&v);
		check(memcmp(&x, &(double){ json_real_value(d) },
		    sizeof x) == 0);
		break;
	case JSCAN_STRING:
		s = jscan_val_str(j, &v, &n);
		key = jscan_val_strdup(&v);
		check(strlen(key) == n && memcmp(key, s, n) == 0);
		check(jscan_val_is(j, &v, key));
		free(key);
		break;
	case JSCAN_NULL:
	case JSCAN_TRUE:
	case JSCAN_FALSE:
		break;
	default:
		check(false);
	}
}

/* A scanner value equals a jansson value (scalars; containers by type). */
static void
same_scalar(struct jscan *j, const struct jscan_val *v, json_t *d)
{
	const char	*s;
	size_t		 n;

	switch (v->type) {
	case JSCAN_NONE:
		check(d == NULL);
		break;
	case JSCAN_NULL:
		check(json_is_null(d));
		break;
	case JSCAN_TRUE:
		check(json_is_true(d));
		break;
	case JSCAN_FALSE:
		check(json_is_false(d));
		break;
	case JSCAN_INT:
		check(json_is_integer(d) && json_integer_value(d) == v->i);
		break;
	case JSCAN_REAL:
		check(json_is_real(d));
		break;
	case JSCAN_STRING:
		check(json_is_string(d));
		s = jscan_val_str(j, v, &n);
		check(n == json_string_length(d) &&
		    memcmp(s, json_string_value(d), n) == 0);
		break;
	case JSCAN_OBJECT:
		check(json_is_object(d));
		break;
	case JSCAN_ARRAY:
		check(json_is_array(d));
		break;
	}
}

/*
 * jscan_fields() on the top object: each wanted key's value is the one
 * jansson kept (the last duplicate), and a stop key's too.
 */
static void
same_fields(const char *body, size_t size, json_t *d)
{
	static const struct jscan_field f[] = {
		JSCAN_FIELD("id"), JSCAN_FIELD("name"), JSCAN_FIELD("a"),
		JSCAN_FIELD("status"), JSCAN_STOP("data")
	};
	struct jscan		 j;
	struct jscan_keys	 ks;
	struct jscan_val	 v[5], stop;
	size_t			 i;
	int			 r;

	if (!json_is_object(d))
		return;
	jscan_keys_init(&ks, f, 5);
	for (i = 0; i < 5; i++)
		v[i].type = JSCAN_NONE;
	stop.type = JSCAN_NONE;
	jscan_init(&j, body, size);
	check(jscan_begin_object(&j) == 0);
	while ((r = jscan_fields(&j, &ks, v)) > 0) {
		check(r == 5);
		check(jscan_read(&j, &stop) == 0);
	}
	check(r == 0);
	for (i = 0; i < 4; i++)
		same_scalar(&j, &v[i], json_object_get(d, f[i].key));
	same_scalar(&j, &stop, json_object_get(d, "data"));
	check(jscan_end(&j) == 0);
	jscan_free(&j);
}

/* Walk a document that jansson rejects: the cursor must fail somewhere. */
static int
walk(struct jscan *j)
{
	struct jscan_val	 v;
	const char		*k;
	size_t			 n;
	int			 r;

	switch (jscan_peek(j)) {
	case JSCAN_NONE:
		return (-1);
	case JSCAN_OBJECT:
		if (jscan_begin_object(j) != 0)
			return (-1);
		while ((r = jscan_next_key(j, &k, &n)) == 1)
			if (n % 2 == 0 && walk(j) != 0)
				return (-1);
		return (r);
	case JSCAN_ARRAY:
		if (jscan_begin_array(j) != 0)
			return (-1);
		n = 0;
		while ((r = jscan_next_elem(j)) == 1)
			if (n++ % 2 == 0 && walk(j) != 0)
				return (-1);
		return (r);
	default:
		return (jscan_read(j, &v));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct jscan	 j;
	json_t		*d;
	json_error_t	 e;
	int		 rc;

	d = json_loadb(body, size, 0, &e);

	/* Skipping everything. */
	jscan_init(&j, body, size);
	rc = jscan_end(&j);
	check((rc == 0) == (d != NULL));
	check(rc == 0 || (jscan_error(&j) != NULL &&
	    jscan_offset(&j) <= size));
	jscan_free(&j);

	/* Reading everything. */
	jscan_init(&j, body, size);
	if (d != NULL) {
		same_value(&j, d, true);
		check(jscan_end(&j) == 0);
		same_fields(body, size, d);
	} else {
		if (walk(&j) == 0)
			check(jscan_end(&j) != 0);
		check(jscan_error(&j) != NULL);
	}
	jscan_free(&j);
	json_decref(d);
	return (0);
}
