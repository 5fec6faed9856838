/*
 * sim-resp.c: responses and query strings for the simulator's handlers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

static int
sim_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Decode application/x-www-form-urlencoded text. */
char *
sim_query_decode(const char *s, size_t len)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	out = o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = sim_hexval((unsigned char)s[i + 1])) != -1 &&
		    (lo = sim_hexval((unsigned char)s[i + 2])) != -1) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return (out);
}

/* Find a parameter; sets value and vlen (0 when it has no value). */
static bool
sim_query_find(const char *query, const char *name, const char **value,
    size_t *vlen)
{
	const char	*p, *end, *eq;
	size_t		 nlen = strlen(name);

	if (query == NULL)
		return (false);
	p = query;
	while (*p != '\0') {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if ((eq != NULL && (size_t)(eq - p) == nlen &&
		    strncmp(p, name, nlen) == 0) ||
		    (eq == NULL && (size_t)(end - p) == nlen &&
		    strncmp(p, name, nlen) == 0)) {
			if (eq != NULL) {
				*value = eq + 1;
				*vlen = (size_t)(end - eq - 1);
			} else {
				*value = end;
				*vlen = 0;
			}
			return (true);
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return (false);
}

char *
sim_query_get(const char *query, const char *name)
{
	const char	*v;
	size_t		 len;

	if (!sim_query_find(query, name, &v, &len))
		return (NULL);
	return (sim_query_decode(v, len));
}

bool
sim_query_has(const char *query, const char *name)
{
	const char	*v;
	size_t		 len;

	return (sim_query_find(query, name, &v, &len));
}

void
sim_resp_set(struct sim_resp *r, int status, const char *ctype, char *body)
{
	r->status = status;
	free(r->content_type);
	r->content_type = xstrdup(ctype != NULL ? ctype :
	    "text/plain; charset=utf-8");
	free(r->body);
	r->body = body;
	r->len = body != NULL ? strlen(body) : 0;
}

void
sim_resp_printf(struct sim_resp *r, int status, const char *ctype,
    const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	sim_resp_set(r, status, ctype, s);
}

void
sim_resp_header(struct sim_resp *r, const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0) {
			free(r->headers[i].value);
			r->headers[i].value = xstrdup(value);
			return;
		}
	}
	r->headers = xreallocarray(r->headers, r->nheaders + 1,
	    sizeof *r->headers);
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

void
sim_resp_json(struct sim_resp *r, int status, void *json)
{
	json_t	*j = json;
	char	*s;

	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (s == NULL)		/* jansson allocates with malloc */
		s = xstrdup("null");
	sim_resp_set(r, status, "application/json", s);
}

void
sim_resp_clear(struct sim_resp *r)
{
	size_t	i;

	free(r->content_type);
	free(r->body);
	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	memset(r, 0, sizeof *r);
}

char *
sim_base64(const void *data, size_t len)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = data;
	char			*out, *o;
	size_t			 i;
	uint32_t		 v;

	out = o = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
		*o++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (out);
}
