/*
 * openstack.c: decode Keystone v3 tokens and Nova servers/detail (pure).
 *
 * Keystone POST /v3/auth/tokens (apis.md §2.1): the token id comes in
 * the X-Subject-Token header (the transport reads it); the body gives
 * expires_at and the catalog.  Nova GET /servers/detail (§2.3), errors
 * {"<faultName>":{"code","message"}} (§2.6); Keystone errors
 * {"error":{"code","title","message"}}.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "util.h"

static int
parse_digits(const char **s, int n, int *out)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return (-1);
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return (0);
}

int
backend_parse_time(const char *s, int64_t *out)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec, oh, om, ms = 0, scale = 100;
	int		 sign;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	if (parse_digits(&s, 4, &y) != 0 || *s++ != '-' ||
	    parse_digits(&s, 2, &mo) != 0 || *s++ != '-' ||
	    parse_digits(&s, 2, &d) != 0 || (*s != 'T' && *s != ' '))
		return (-1);
	s++;
	if (parse_digits(&s, 2, &h) != 0 || *s++ != ':' ||
	    parse_digits(&s, 2, &mi) != 0 || *s++ != ':' ||
	    parse_digits(&s, 2, &sec) != 0)
		return (-1);
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return (-1);
		while (isdigit((unsigned char)*s)) {
			ms += (*s - '0') * scale;
			scale /= 10;
			s++;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return (-1);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	if (*s == 'Z' && s[1] == '\0')
		oh = om = 0, sign = 1;
	else if ((*s == '+' || *s == '-')) {
		sign = *s == '-' ? -1 : 1;
		s++;
		if (parse_digits(&s, 2, &oh) != 0 || *s++ != ':' ||
		    parse_digits(&s, 2, &om) != 0 || *s != '\0')
			return (-1);
	} else if (*s == '\0')
		oh = om = 0, sign = 1;	/* Nova's "updated": no zone */
	else
		return (-1);
	t -= sign * (oh * 3600 + om * 60);
	*out = (int64_t)t * 1000 + ms;
	return (0);
}

/* ---- keystone ---------------------------------------------------------- */

#define KSYS "keystone"

static int
keystone_error(const json_t *root, char **cause)
{
	json_t		*e;
	const char	*title, *msg;
	long long	 code;

	if (bkj_object(KSYS, root, "", "error", BKJ_REQUIRED, &e, cause) != 0 ||
	    bkj_int(KSYS, e, "error", "code", BKJ_OPTIONAL, 0, 999, &code,
	    cause) != 0 ||
	    bkj_cstring(KSYS, e, "error", "title", BKJ_OPTIONAL, &title,
	    cause) != 0 ||
	    bkj_cstring(KSYS, e, "error", "message", BKJ_OPTIONAL, &msg,
	    cause) != 0)
		return (-1);
	*cause = xasprintf("%s: %lld %s: %.200s", KSYS, code,
	    title != NULL ? title : "error", msg != NULL ? msg : "");
	return (-1);
}

int
backend_keystone_decode(const char *body, size_t len, const char *region,
    const char *interface, char **compute_url, int64_t *expires_ms,
    char **cause)
{
	json_t		*root, *token, *catalog, *svc, *eps, *ep;
	const char	*exp, *type, *ifc, *rid, *rname, *url;
	char		 path[64], epath[96];
	size_t		 i, j, n;

	*compute_url = NULL;
	*expires_ms = 0;
	if ((root = bkj_load(KSYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_object(root)) {
		*cause = bkj_error(KSYS, "", NULL, "expected an object, got %s",
		    bkj_type_name(root));
		goto fail;
	}
	if (bkj_has(root, "error") && !bkj_has(root, "token")) {
		keystone_error(root, cause);
		goto fail;
	}
	if (bkj_object(KSYS, root, "", "token", BKJ_REQUIRED, &token,
	    cause) != 0 ||
	    bkj_cstring(KSYS, token, "token", "expires_at", BKJ_REQUIRED, &exp,
	    cause) != 0)
		goto fail;
	if (backend_parse_time(exp, expires_ms) != 0) {
		*cause = bkj_error(KSYS, "token", "expires_at", "not a time: "
		    "\"%.40s\"", exp);
		goto fail;
	}
	if (bkj_array(KSYS, token, "token", "catalog", BKJ_OPTIONAL, &catalog,
	    cause) != 0)
		goto fail;
	json_array_foreach(catalog, i, svc) {
		snprintf(path, sizeof path, "token.catalog[%zu]", i);
		if (!json_is_object(svc)) {
			*cause = bkj_type_error(KSYS, path, "an object", svc);
			goto fail;
		}
		if (bkj_cstring(KSYS, svc, path, "type", BKJ_REQUIRED, &type,
		    cause) != 0)
			goto fail;
		if (strcmp(type, "compute") != 0)
			continue;
		if (bkj_array(KSYS, svc, path, "endpoints", BKJ_REQUIRED, &eps,
		    cause) != 0)
			goto fail;
		json_array_foreach(eps, j, ep) {
			snprintf(epath, sizeof epath, "%s.endpoints[%zu]", path,
			    j);
			if (!json_is_object(ep)) {
				*cause = bkj_type_error(KSYS, epath,
				    "an object", ep);
				goto fail;
			}
			if (bkj_cstring(KSYS, ep, epath, "interface",
			    BKJ_REQUIRED, &ifc, cause) != 0 ||
			    bkj_cstring(KSYS, ep, epath, "url", BKJ_REQUIRED,
			    &url, cause) != 0 ||
			    bkj_cstring(KSYS, ep, epath, "region_id",
			    BKJ_OPTIONAL, &rid, cause) != 0 ||
			    bkj_cstring(KSYS, ep, epath, "region",
			    BKJ_OPTIONAL, &rname, cause) != 0)
				goto fail;
			if (strcmp(ifc, interface) != 0)
				continue;
			if (region != NULL &&
			    (rid == NULL || strcmp(rid, region) != 0) &&
			    (rname == NULL || strcmp(rname, region) != 0))
				continue;
			n = strlen(url);
			while (n > 0 && url[n - 1] == '/')
				n--;
			*compute_url = xstrndup(url, n);
			json_decref(root);
			return (0);
		}
	}
	*cause = xasprintf("%s: no %s compute endpoint%s%s in the catalog",
	    KSYS, interface, region != NULL ? " for region " : "",
	    region != NULL ? region : "");
fail:
	json_decref(root);
	return (-1);
}

/* ---- nova -------------------------------------------------------------- */

#define NSYS "nova"

static int
nova_fault(const json_t *root, char **cause)
{
	const char	*key, *msg;
	json_t		*v;
	long long	 code;

	json_object_foreach((json_t *)root, key, v) {
		if (!json_is_object(v) || !bkj_has(v, "message"))
			continue;
		if (bkj_int(NSYS, v, key, "code", BKJ_OPTIONAL, 0, 999, &code,
		    cause) != 0 ||
		    bkj_cstring(NSYS, v, key, "message", BKJ_OPTIONAL, &msg,
		    cause) != 0)
			return (-1);
		*cause = xasprintf("%s: %.32s (%lld): %.200s", NSYS, key, code,
		    msg);
		return (-1);
	}
	*cause = bkj_error(NSYS, "", "servers", "missing");
	return (-1);
}

static int
nova_addresses(const json_t *s, const char *path, char **out, char **cause)
{
	json_t		*addrs, *list, *a;
	const char	*net, *addr;
	struct buf	 b = { 0 };
	char		 apath[160];
	size_t		 i;

	*out = NULL;
	if (bkj_object(NSYS, s, path, "addresses", BKJ_OPTIONAL, &addrs,
	    cause) != 0)
		return (-1);
	if (addrs == NULL)
		return (0);
	json_object_foreach(addrs, net, list) {
		if (!json_is_array(list)) {
			snprintf(apath, sizeof apath, "%s.addresses", path);
			*cause = bkj_error(NSYS, apath, net, "expected an "
			    "array, got %s", bkj_type_name(list));
			goto fail;
		}
		json_array_foreach(list, i, a) {
			snprintf(apath, sizeof apath, "%s.addresses.%.32s[%zu]",
			    path, net, i);
			if (!json_is_object(a)) {
				*cause = bkj_type_error(NSYS, apath,
				    "an object", a);
				goto fail;
			}
			if (bkj_cstring(NSYS, a, apath, "addr", BKJ_REQUIRED,
			    &addr, cause) != 0)
				goto fail;
			if (b.len != 0)
				buf_adds(&b, ", ");
			buf_adds(&b, addr);
		}
	}
	if (b.len != 0)
		*out = buf_steal(&b);
	return (0);

fail:
	buf_free(&b);
	return (-1);
}

static int
nova_server(const json_t *s, const char *path, struct fleet_os_server_u *u,
    char **cause)
{
	json_t		*flavor;
	const char	*created, *fname;
	char		 fpath[96];

	if (!json_is_object(s)) {
		*cause = bkj_type_error(NSYS, path, "an object", s);
		return (-1);
	}
	if (bkj_string(NSYS, s, path, "id", BKJ_REQUIRED, &u->id, cause) != 0 ||
	    bkj_string(NSYS, s, path, "name", BKJ_OPTIONAL, &u->name,
	    cause) != 0 ||
	    bkj_string(NSYS, s, path, "status", BKJ_REQUIRED, &u->status,
	    cause) != 0 ||
	    bkj_cstring(NSYS, s, path, "created", BKJ_OPTIONAL, &created,
	    cause) != 0 ||
	    bkj_object(NSYS, s, path, "flavor", BKJ_OPTIONAL, &flavor,
	    cause) != 0 ||
	    nova_addresses(s, path, &u->addresses, cause) != 0)
		return (-1);
	if (created != NULL && backend_parse_time(created, &u->created) != 0) {
		*cause = bkj_error(NSYS, path, "created", "not a time: "
		    "\"%.40s\"", created);
		return (-1);
	}
	if (flavor != NULL) {
		snprintf(fpath, sizeof fpath, "%s.flavor", path);
		/* original_name since microversion 2.47, id before. */
		if (bkj_cstring(NSYS, flavor, fpath, "original_name",
		    BKJ_OPTIONAL, &fname, cause) != 0)
			return (-1);
		if (fname == NULL && bkj_cstring(NSYS, flavor, fpath, "id",
		    BKJ_OPTIONAL, &fname, cause) != 0)
			return (-1);
		if (fname != NULL)
			u->flavor = xstrdup(fname);
	}
	return (0);
}

static void
nova_server_clear(struct fleet_os_server_u *u)
{
	free(u->id);
	free(u->name);
	free(u->status);
	free(u->flavor);
	free(u->addresses);
	memset(u, 0, sizeof *u);
}

static int
nova_next(const json_t *root, char **next, char **cause)
{
	json_t		*links, *l;
	const char	*rel, *href;
	char		 path[48];
	size_t		 i;

	if (bkj_array(NSYS, root, "", "servers_links", BKJ_OPTIONAL, &links,
	    cause) != 0)
		return (-1);
	json_array_foreach(links, i, l) {
		snprintf(path, sizeof path, "servers_links[%zu]", i);
		if (!json_is_object(l)) {
			*cause = bkj_type_error(NSYS, path, "an object", l);
			return (-1);
		}
		if (bkj_cstring(NSYS, l, path, "rel", BKJ_OPTIONAL, &rel,
		    cause) != 0 ||
		    bkj_cstring(NSYS, l, path, "href", BKJ_OPTIONAL, &href,
		    cause) != 0)
			return (-1);
		if (rel != NULL && href != NULL && strcmp(rel, "next") == 0) {
			*next = xstrdup(href);
			return (0);
		}
	}
	return (0);
}

int
backend_nova_decode(const char *body, size_t len,
    struct fleet_openstack_update *acc, char **next, char **cause)
{
	json_t	*root, *servers, *s;
	char	 path[48];
	size_t	 i, n, base;

	*next = NULL;
	if ((root = bkj_load(NSYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_object(root)) {
		*cause = bkj_error(NSYS, "", NULL, "expected an object, got %s",
		    bkj_type_name(root));
		goto fail;
	}
	if (!bkj_has(root, "servers")) {
		nova_fault(root, cause);
		goto fail;
	}
	if (bkj_array(NSYS, root, "", "servers", BKJ_REQUIRED, &servers,
	    cause) != 0)
		goto fail;
	n = json_array_size(servers);
	if (acc->nservers + n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(NSYS, "", "servers", "too many servers");
		goto fail;
	}
	base = acc->nservers;
	acc->servers = xreallocarray(acc->servers, base + n,
	    sizeof *acc->servers);
	memset(acc->servers + base, 0, n * sizeof *acc->servers);
	json_array_foreach(servers, i, s) {
		snprintf(path, sizeof path, "servers[%zu]", i);
		if (nova_server(s, path, &acc->servers[base + i], cause) != 0)
			goto fail_page;
	}
	if (nova_next(root, next, cause) != 0)
		goto fail_page;
	acc->nservers += n;
	json_decref(root);
	return (0);

fail_page:
	for (i = 0; i < n; i++)
		nova_server_clear(&acc->servers[base + i]);
fail:
	json_decref(root);
	return (-1);
}
