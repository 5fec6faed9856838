/* sim-test.c: see sim-test.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <openssl/evp.h>

#include "util.h"
#include "sim-test.h"

struct st_req {
	struct sim_req	  req;
	const char	**headers;
};

static const char *
st_header_cb(const struct sim_req *q, const char *name)
{
	const struct st_req	*t = (const struct st_req *)q;
	size_t			 n = strlen(name), i;

	for (i = 0; t->headers != NULL && t->headers[i] != NULL; i++) {
		if (strncasecmp(t->headers[i], name, n) == 0 &&
		    t->headers[i][n] == ':') {
			return (t->headers[i] + n + 1 +
			    strspn(t->headers[i] + n + 1, " "));
		}
	}
	return (NULL);
}

void
st_call(struct sim_world *w, st_handler h, enum sim_system sys,
    const char *method, const char *path, const char *query, const char *body,
    const char **headers, struct sim_resp *r)
{
	struct st_req	 t;

	memset(&t, 0, sizeof t);
	t.req.system = sys;
	t.req.method = method;
	t.req.path = path;
	t.req.query = query != NULL ? query : "";
	t.req.host = "127.0.0.1";
	t.req.body = body;
	t.req.bodylen = body != NULL ? strlen(body) : 0;
	t.req.header = st_header_cb;
	t.headers = headers;
	sim_resp_clear(r);
	r->status = 200;
	h(w, &t.req, r);
}

void
st_call_node(struct sim_world *w, size_t node, const char *path,
    const char *query, struct sim_resp *r)
{
	struct st_req	 t;

	memset(&t, 0, sizeof t);
	t.req.system = SIM_METRICS;
	t.req.method = "GET";
	t.req.path = path;
	t.req.query = query != NULL ? query : "";
	t.req.host = w->nodes[node].fqdn;
	t.req.header = st_header_cb;
	sim_resp_clear(r);
	r->status = 200;
	sim_bbb_node_handle(w, node, &t.req, r);
}

const char *
st_resp_header(const struct sim_resp *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return (r->headers[i].value);
	}
	return (NULL);
}

char *
st_digest(const char *alg, const char *s)
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;
	const EVP_MD	*md;
	char		*out;

	md = EVP_get_digestbyname(alg);
	if (md == NULL || EVP_Digest(s, strlen(s), d, &n, md, NULL) != 1)
		return (NULL);
	out = xmalloc(2 * n + 1);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return (out);
}

char *
st_signed(const char *alg, const char *call, const char *query,
    const char *secret)
{
	char	*in, *sum, *out;

	in = xasprintf("%s%s%s", call, query, secret);
	sum = st_digest(alg, in);
	out = xasprintf("%s%schecksum=%s", query, *query != '\0' ? "&" : "",
	    sum);
	free(in);
	free(sum);
	return (out);
}

struct st_parse {
	struct st_xml	*x;
	struct buf	 path;
	size_t		*open;		/* index in x of each open element */
	size_t		 depth;
};

static void XMLCALL
st_start_cb(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct st_parse	*p = arg;
	struct st_xml	*x = p->x;

	(void)attrs;
	buf_printf(&p->path, "/%s", name);
	x->path = xreallocarray(x->path, x->n + 1, sizeof *x->path);
	x->text = xreallocarray(x->text, x->n + 1, sizeof *x->text);
	x->path[x->n] = xstrdup(p->path.data);
	x->text[x->n] = xstrdup("");
	p->open = xreallocarray(p->open, p->depth + 1, sizeof *p->open);
	p->open[p->depth++] = x->n++;
}

static void XMLCALL
st_end_cb(void *arg, const XML_Char *name)
{
	struct st_parse	*p = arg;
	char		*slash;

	(void)name;
	p->depth--;
	slash = strrchr(p->path.data, '/');
	p->path.len = (size_t)(slash - p->path.data);
	*slash = '\0';
}

static void XMLCALL
st_text_cb(void *arg, const XML_Char *s, int len)
{
	struct st_parse	*p = arg;
	char		**t;
	size_t		 old;

	if (p->depth == 0)
		return;
	t = &p->x->text[p->open[p->depth - 1]];
	old = strlen(*t);
	*t = xrealloc(*t, old + (size_t)len + 1);
	memcpy(*t + old, s, (size_t)len);
	(*t)[old + (size_t)len] = '\0';
}

struct st_xml *
st_xml_parse(const char *s, size_t len)
{
	struct st_parse	 p;
	XML_Parser	 xp;
	bool		 ok;

	memset(&p, 0, sizeof p);
	p.x = xcalloc(1, sizeof *p.x);
	buf_adds(&p.path, "");
	xp = XML_ParserCreate(NULL);
	XML_SetUserData(xp, &p);
	XML_SetElementHandler(xp, st_start_cb, st_end_cb);
	XML_SetCharacterDataHandler(xp, st_text_cb);
	ok = XML_Parse(xp, s, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(xp);
	buf_free(&p.path);
	free(p.open);
	if (!ok) {
		st_xml_free(p.x);
		return (NULL);
	}
	return (p.x);
}

void
st_xml_free(struct st_xml *x)
{
	size_t	 i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		free(x->path[i]);
		free(x->text[i]);
	}
	free(x->path);
	free(x->text);
	free(x);
}

size_t
st_xml_count(const struct st_xml *x, const char *path)
{
	size_t	 i, n = 0;

	for (i = 0; i < x->n; i++) {
		if (strcmp(x->path[i], path) == 0)
			n++;
	}
	return (n);
}

static ssize_t
st_xml_index(const struct st_xml *x, const char *path, size_t nth)
{
	size_t	 i;

	for (i = 0; i < x->n; i++) {
		if (strcmp(x->path[i], path) == 0 && nth-- == 0)
			return ((ssize_t)i);
	}
	return (-1);
}

const char *
st_xml_get(const struct st_xml *x, const char *path, size_t nth)
{
	ssize_t	 i;

	if ((i = st_xml_index(x, path, nth)) < 0)
		return (NULL);
	return (x->text[i]);
}

const char *
st_xml_child(const struct st_xml *x, const char *path, size_t nth,
    const char *child)
{
	ssize_t	 i;
	size_t	 j, plen = strlen(path);
	char	*want;
	const char *found = NULL;

	if ((i = st_xml_index(x, path, nth)) < 0)
		return (NULL);
	want = xasprintf("%s/%s", path, child);
	for (j = (size_t)i + 1; j < x->n; j++) {
		if (strncmp(x->path[j], path, plen) != 0 ||
		    x->path[j][plen] != '/')
			break;
		if (strcmp(x->path[j], want) == 0) {
			found = x->text[j];
			break;
		}
	}
	free(want);
	return (found);
}

bool
st_is_uint(const char *s)
{
	if (s == NULL || *s == '\0')
		return (false);
	return (strspn(s, "0123456789") == strlen(s));
}

bool
st_is_bool(const char *s)
{
	return (s != NULL && (strcmp(s, "true") == 0 ||
	    strcmp(s, "false") == 0));
}
