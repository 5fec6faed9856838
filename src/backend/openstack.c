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
#include "hmap.h"
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

/* The first endpoint of type (interface, region) and the expiry. */
static int
keystone_decode(const char *body, size_t len, const char *want,
    const char *region, const char *interface, char **compute_url,
    int64_t *expires_ms, char **cause)
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
		if (strcmp(type, want) != 0)
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
	*cause = xasprintf("%s: no %s %s endpoint%s%s in the catalog",
	    KSYS, interface, want, region != NULL ? " for region " : "",
	    region != NULL ? region : "");
fail:
	json_decref(root);
	return (-1);
}

int
backend_keystone_decode(const char *body, size_t len, const char *region,
    const char *interface, char **compute_url, int64_t *expires_ms,
    char **cause)
{
	return (keystone_decode(body, len, "compute", region, interface,
	    compute_url, expires_ms, cause));
}

int
backend_keystone_endpoint(const char *body, size_t len, const char *type,
    const char *region, const char *interface, char **url, char **cause)
{
	int64_t	 expires;

	return (keystone_decode(body, len, type, region, interface, url,
	    &expires, cause));
}

/* ---- nova -------------------------------------------------------------- */

#define NSYS "nova"

void
backend_nova_server_clear(struct fleet_os_server_u *u)
{
	free(u->id);
	free(u->name);
	free(u->status);
	free(u->flavor);
	free(u->addresses);
	memset(u, 0, sizeof *u);
}

/* ---- nova: the streaming decoder --------------------------------------- */

/*
 * One pass with jscan (see rancher.c): per object the last value of a
 * key wins, and the checks run in the DOM decoder's order when the
 * answer is known to be valid JSON.  Objects the DOM decoder iterates
 * (addresses, the fault body) keep jansson's order: a key's first
 * place, its last value.
 */
struct ns_net {				/* one network of addresses */
	const char		*key;	/* unescaped */
	size_t			 keylen;
	char			*keycopy;	/* when escaped */
	struct jscan_val	 v;		/* its value (not an array) */
	size_t			 first, n;	/* addrs in ns_scan.addrs */
	size_t			 bad;		/* index of the first bad */
	int			 why;		/* 0 ok, 1 not an object, 2
						   addr missing, 3 wrong */
	struct jscan_val	 badv;
};

struct ns_server {
	struct jscan_val	 id, name, status, created, flavor, addresses;
	struct jscan_val	 original_name, flavor_id;
};

struct ns_link {
	struct jscan_val	 v, rel, href;
	size_t			 idx;		/* in servers_links */
};

struct ns_fault {
	char			*key;
	bool			 object;
	struct jscan_val	 code, message;
};

struct ns_scan {
	struct jscan_keys	 keys, flavor_keys;
	struct fleet_os_server_u *items;
	size_t			 n, cap, count;
	char			*cause;		/* first server error */
	struct ns_server	 s;
	struct ns_net		*nets;
	size_t			 nnets, capnets;
	struct jscan_val	*addrs;
	size_t			 naddrs, capaddrs;
	struct jscan_val	 servers, links;
	struct ns_link		*lv;
	size_t			 nlv, caplv;
	struct ns_fault		*fv;		/* root keys, for a fault */
	size_t			 nfv, capfv;
	struct hmap		 fkeys;
	struct hmap		 netmap;	/* many networks */
};

static void
ns_nets_clear(struct ns_scan *ns)
{
	size_t	 i;

	for (i = 0; i < ns->nnets; i++)
		free(ns->nets[i].keycopy);
	ns->nnets = ns->naddrs = 0;
	hmap_clear(&ns->netmap);
}

/*
 * The place of network key k (unescaped, n bytes) among the networks
 * seen so far, or nnets when new: a scan while they are few, then a map
 * (a hostile server with many networks stays linear).
 */
#define NS_NETS_SCAN	8
static size_t
ns_net_find(struct ns_scan *ns, const char *k, size_t n)
{
	struct ns_net	*net;
	char		*key;
	void		*slot;
	size_t		 i;

	if (ns->nnets <= NS_NETS_SCAN) {
		for (i = 0; i < ns->nnets; i++) {
			if (ns->nets[i].keylen == n &&
			    memcmp(ns->nets[i].key, k, n) == 0)
				return (i);
		}
		return (ns->nnets);
	}
	if (ns->netmap.n == 0) {
		/* To the map: every key NUL-terminated in its copy. */
		for (i = 0; i < ns->nnets; i++) {
			net = &ns->nets[i];
			if (net->keycopy == NULL)
				net->key = net->keycopy = xstrndup(net->key,
				    net->keylen);
			hmap_put(&ns->netmap, net->keycopy,
			    (void *)(uintptr_t)(i + 1));
		}
	}
	key = xstrndup(k, n);	/* no NUL inside: jscan rejects \u0000 */
	slot = hmap_get(&ns->netmap, key);
	free(key);
	return (slot != NULL ? (size_t)(uintptr_t)slot - 1 : ns->nnets);
}

static void
ns_items_clear(struct ns_scan *ns)
{
	size_t	 i;

	for (i = 0; i < ns->n; i++)
		backend_nova_server_clear(&ns->items[i]);
	ns->n = ns->count = 0;
	free(ns->cause);
	ns->cause = NULL;
}

static void
ns_free(struct ns_scan *ns)
{
	size_t	 i;

	ns_items_clear(ns);
	free(ns->items);
	ns_nets_clear(ns);
	free(ns->nets);
	free(ns->addrs);
	free(ns->lv);
	for (i = 0; i < ns->nfv; i++)
		free(ns->fv[i].key);
	free(ns->fv);
	hmap_free(&ns->fkeys);
	hmap_free(&ns->netmap);
}

/* One address list (an array at the cursor) of network net. */
static int
ns_addr_list(struct jscan *j, struct ns_scan *ns, struct ns_net *net)
{
	struct jscan_val	 v, addr;
	const char		*k;
	size_t			 n, idx = 0;
	int			 r, rk;

	net->v.type = JSCAN_ARRAY;
	net->first = ns->naddrs;
	net->n = 0;
	net->why = 0;
	if (jscan_begin_array(j) != 0)
		return (-1);
	while ((r = jscan_next_elem(j)) == 1) {
		idx++;
		if (net->why != 0) {
			if (jscan_skip(j) != 0)
				return (-1);
			continue;
		}
		if (jscan_peek(j) != JSCAN_OBJECT) {
			if (jscan_read(j, &v) != 0)
				return (-1);
			net->why = 1;
			net->bad = idx - 1;
			net->badv = v;
			continue;
		}
		addr.type = JSCAN_NONE;
		if (jscan_begin_object(j) != 0)
			return (-1);
		while ((rk = jscan_next_key(j, &k, &n)) == 1)
			if (BKS_KEY(k, n, "addr") && jscan_read(j, &addr) != 0)
				return (-1);
		if (rk < 0)
			return (-1);
		if (!jscan_val_present(&addr) || addr.type != JSCAN_STRING) {
			net->why = jscan_val_present(&addr) ? 3 : 2;
			net->bad = idx - 1;
			net->badv = addr;
			continue;
		}
		if (ns->naddrs == ns->capaddrs) {
			ns->capaddrs = ns->capaddrs == 0 ? 8 :
			    ns->capaddrs * 2;
			ns->addrs = xreallocarray(ns->addrs, ns->capaddrs,
			    sizeof *ns->addrs);
		}
		ns->addrs[ns->naddrs++] = addr;
		net->n++;
	}
	return (r);
}

/* addresses (an object at the cursor): its networks in jansson's order. */
static int
ns_addresses(struct jscan *j, struct ns_scan *ns)
{
	struct ns_net	*net;
	const char	*k;
	size_t		 n, i;
	int		 r;

	ns_nets_clear(ns);
	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if ((i = ns_net_find(ns, k, n)) == ns->nnets) {
			if (ns->nnets == ns->capnets) {
				ns->capnets = ns->capnets == 0 ? 4 :
				    ns->capnets * 2;
				ns->nets = xreallocarray(ns->nets,
				    ns->capnets, sizeof *ns->nets);
			}
			net = &ns->nets[ns->nnets++];
			memset(net, 0, sizeof *net);
			if (k >= j->base && k < j->end && ns->netmap.n == 0)
				net->key = k;
			else
				net->key = net->keycopy = xstrndup(k, n);
			net->keylen = n;
			if (ns->netmap.n != 0)
				hmap_put(&ns->netmap, net->keycopy,
				    (void *)(uintptr_t)(i + 1));
		}
		net = &ns->nets[i];
		if (jscan_peek(j) == JSCAN_ARRAY)
			r = ns_addr_list(j, ns, net);
		else {
			r = jscan_read(j, &net->v);
			net->n = 0;
			net->why = 0;
		}
		if (r < 0)
			return (-1);
	}
	return (r);
}

static int
ns_addresses_finish(struct ns_scan *ns, const char *path, char **out,
    char **cause)
{
	struct ns_net	*net;
	struct buf	 b = { 0 };
	char		 apath[160], *key;
	size_t		 i, k;

	*out = NULL;
	for (i = 0; i < ns->nnets; i++) {
		net = &ns->nets[i];
		if (net->v.type != JSCAN_ARRAY) {
			snprintf(apath, sizeof apath, "%s.addresses", path);
			key = xstrndup(net->key, net->keylen);
			*cause = bkj_error(NSYS, apath, key, "expected an "
			    "array, got %s", jscan_type_name(net->v.type));
			free(key);
			goto fail;
		}
		for (k = 0; k < net->n; k++) {
			if (b.len != 0)
				buf_adds(&b, ", ");
			if (!ns->addrs[net->first + k].esc)
				buf_add(&b, ns->addrs[net->first + k].s,
				    ns->addrs[net->first + k].n);
			else {
				char	*a;

				a = jscan_val_strdup(&ns->addrs[net->first +
				    k]);
				buf_adds(&b, a);
				free(a);
			}
		}
		if (net->why == 0)
			continue;
		snprintf(apath, sizeof apath, "%s.addresses.%.*s[%zu]", path,
		    (int)(net->keylen < 32 ? net->keylen : 32), net->key,
		    net->bad);
		if (net->why == 1)
			*cause = bkj_error(NSYS, apath, NULL, "expected an "
			    "object, got %s", jscan_type_name(net->badv.type));
		else if (net->why == 2)
			*cause = bkj_error(NSYS, apath, "addr", "missing");
		else
			*cause = bkj_error(NSYS, apath, "addr", "expected a "
			    "string, got %s", jscan_type_name(net->badv.type));
		goto fail;
	}
	if (b.len != 0)
		*out = buf_steal(&b);
	return (0);

fail:
	buf_free(&b);
	return (-1);
}

enum { NS_ID, NS_NAME, NS_STATUS, NS_CREATED, NS_FLAVOR, NS_ADDRESSES,
    NS_NF };
static const struct jscan_field ns_fields[NS_NF] = {
	JSCAN_FIELD("id"), JSCAN_FIELD("name"), JSCAN_FIELD("status"),
	JSCAN_FIELD("created"), JSCAN_STOP("flavor"), JSCAN_STOP("addresses")
};
static const struct jscan_field ns_flavor_fields[2] = {
	JSCAN_FIELD("original_name"), JSCAN_FIELD("id")
};

static int
ns_server_scan(struct jscan *j, struct ns_scan *ns)
{
	struct ns_server	*s = &ns->s;
	struct jscan_val	 v[NS_NF], fl[2];
	int			 r;

	memset(s, 0, sizeof *s);
	memset(v, 0, sizeof v);
	ns_nets_clear(ns);
	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_fields(j, &ns->keys, v)) > 0) {
		if (r - 1 == NS_FLAVOR) {
			s->original_name.type = s->flavor_id.type = JSCAN_NONE;
			if (jscan_peek(j) != JSCAN_OBJECT)
				r = jscan_read(j, &s->flavor);
			else {
				s->flavor.type = JSCAN_OBJECT;
				fl[0].type = fl[1].type = JSCAN_NONE;
				if (jscan_begin_object(j) != 0)
					return (-1);
				r = jscan_fields(j, &ns->flavor_keys, fl);
				s->original_name = fl[0];
				s->flavor_id = fl[1];
			}
		} else {
			if (jscan_peek(j) != JSCAN_OBJECT) {
				ns_nets_clear(ns);
				r = jscan_read(j, &s->addresses);
			} else {
				s->addresses.type = JSCAN_OBJECT;
				r = ns_addresses(j, ns);
			}
		}
		if (r < 0)
			return (-1);
	}
	s->id = v[NS_ID];
	s->name = v[NS_NAME];
	s->status = v[NS_STATUS];
	s->created = v[NS_CREATED];
	return (r);
}

static int
ns_server_finish(struct ns_scan *ns, const char *path,
    struct fleet_os_server_u *u, char **cause)
{
	struct ns_server	*s = &ns->s;
	char			*created = NULL, *fname = NULL;
	char			 fpath[96];
	int			 rc = -1;

	if (bks_string(NSYS, &s->id, path, "id", BKJ_REQUIRED, &u->id,
	    cause) != 0 ||
	    bks_string(NSYS, &s->name, path, "name", BKJ_OPTIONAL, &u->name,
	    cause) != 0 ||
	    bks_string(NSYS, &s->status, path, "status", BKJ_REQUIRED,
	    &u->status, cause) != 0 ||
	    bks_string(NSYS, &s->created, path, "created", BKJ_OPTIONAL,
	    &created, cause) != 0 ||
	    bks_type(NSYS, &s->flavor, path, "flavor", BKJ_OPTIONAL,
	    JSCAN_OBJECT, cause) != 0 ||
	    bks_type(NSYS, &s->addresses, path, "addresses", BKJ_OPTIONAL,
	    JSCAN_OBJECT, cause) != 0)
		goto out;
	if (s->addresses.type == JSCAN_OBJECT &&
	    ns_addresses_finish(ns, path, &u->addresses, cause) != 0)
		goto out;
	if (created != NULL && backend_parse_time(created, &u->created) != 0) {
		*cause = bkj_error(NSYS, path, "created", "not a time: "
		    "\"%.40s\"", created);
		goto out;
	}
	if (s->flavor.type == JSCAN_OBJECT) {
		/* the path only for a message */
		if ((jscan_val_present(&s->original_name) &&
		    s->original_name.type != JSCAN_STRING) ||
		    (jscan_val_present(&s->flavor_id) &&
		    s->flavor_id.type != JSCAN_STRING))
			snprintf(fpath, sizeof fpath, "%s.flavor", path);
		else
			fpath[0] = '\0';
		if (bks_string(NSYS, &s->original_name, fpath,
		    "original_name", BKJ_OPTIONAL, &fname, cause) != 0)
			goto out;
		if (fname == NULL && bks_string(NSYS, &s->flavor_id, fpath,
		    "id", BKJ_OPTIONAL, &fname, cause) != 0)
			goto out;
		u->flavor = fname;
	}
	rc = 0;
out:
	free(created);
	return (rc);
}

/* One element of servers (at its value). */
static int
ns_element(struct jscan *j, struct ns_scan *ns)
{
	struct jscan_val	 v;
	struct fleet_os_server_u *u;
	size_t			 i = ns->count++;
	char			 path[48];

	if (ns->cause != NULL || i >= BACKEND_MAX_ENTRIES)
		return (jscan_skip(j));
	bks_path(path, sizeof path, "servers", i);
	if (jscan_peek(j) != JSCAN_OBJECT) {
		if (jscan_read(j, &v) != 0)
			return (-1);
		ns->cause = bkj_error(NSYS, path, NULL, "expected an object, "
		    "got %s", jscan_type_name(v.type));
		return (0);
	}
	if (ns_server_scan(j, ns) != 0)
		return (-1);
	if (ns->n == ns->cap) {
		ns->cap = ns->cap == 0 ? 64 : ns->cap * 2;
		ns->items = xreallocarray(ns->items, ns->cap,
		    sizeof *ns->items);
	}
	u = &ns->items[ns->n++];
	memset(u, 0, sizeof *u);
	(void)ns_server_finish(ns, path, u, &ns->cause);
	return (0);
}

/*
 * servers_links (an array at the cursor): only the first link that
 * decides the outcome is kept (the DOM decoder stops there): one that
 * is not an object, has a rel or href of another type than a string,
 * or is rel "next" with an href.  The others change nothing.
 */
static int
ns_links(struct jscan *j, struct ns_scan *ns)
{
	struct ns_link	*l;
	const char	*k;
	size_t		 n, idx = 0;
	int		 r, rk;

	ns->nlv = 0;
	if (ns->lv == NULL) {
		ns->caplv = 1;
		ns->lv = xcalloc(1, sizeof *ns->lv);
	}
	l = &ns->lv[0];
	if (jscan_begin_array(j) != 0)
		return (-1);
	while ((r = jscan_next_elem(j)) == 1) {
		if (ns->nlv != 0) {		/* decided */
			if (jscan_skip(j) != 0)
				return (-1);
			continue;
		}
		memset(l, 0, sizeof *l);
		l->idx = idx++;
		if (jscan_peek(j) != JSCAN_OBJECT) {
			if (jscan_read(j, &l->v) != 0)
				return (-1);
			ns->nlv = 1;
			continue;
		}
		l->v.type = JSCAN_OBJECT;
		if (jscan_begin_object(j) != 0)
			return (-1);
		while ((rk = jscan_next_key(j, &k, &n)) == 1) {
			if (BKS_KEY(k, n, "rel"))
				rk = jscan_read(j, &l->rel);
			else if (BKS_KEY(k, n, "href"))
				rk = jscan_read(j, &l->href);
			if (rk < 0)
				return (-1);
		}
		if (rk < 0)
			return (-1);
		if ((jscan_val_present(&l->rel) &&
		    l->rel.type != JSCAN_STRING) ||
		    (jscan_val_present(&l->href) &&
		    l->href.type != JSCAN_STRING) ||
		    (jscan_val_is(j, &l->rel, "next") &&
		    jscan_val_present(&l->href)))
			ns->nlv = 1;
	}
	return (r);
}

/* The place of a root key in jansson's order (its first); reset. */
static struct ns_fault *
ns_fault_slot(struct ns_scan *ns, const char *k, size_t n)
{
	struct ns_fault	*f;
	char		*key;
	void		*slot;
	size_t		 i;

	key = xstrndup(k, n);	/* keys hold no NUL (jscan rejects \u0000) */
	if ((slot = hmap_get(&ns->fkeys, key)) != NULL) {
		i = (size_t)(uintptr_t)slot - 1;
		free(key);
	} else {
		if (ns->nfv == ns->capfv) {
			ns->capfv = ns->capfv == 0 ? 4 : ns->capfv * 2;
			ns->fv = xreallocarray(ns->fv, ns->capfv,
			    sizeof *ns->fv);
		}
		i = ns->nfv++;
		ns->fv[i].key = key;	/* the map borrows it */
		hmap_put(&ns->fkeys, key, (void *)(uintptr_t)(i + 1));
	}
	f = &ns->fv[i];
	f->code.type = f->message.type = JSCAN_NONE;
	f->object = false;
	return (f);
}

/* A root value that is an object: its code and message for a fault. */
static int
ns_fault_object(struct jscan *j, struct ns_fault *f)
{
	const char	*k;
	size_t		 n;
	int		 r;

	f->object = true;
	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		if (BKS_KEY(k, n, "code"))
			r = jscan_read(j, &f->code);
		else if (BKS_KEY(k, n, "message"))
			r = jscan_read(j, &f->message);
		if (r < 0)
			return (-1);
	}
	return (r);
}

static int
ns_scan_root(struct jscan *j, struct ns_scan *ns)
{
	struct ns_fault	*f;
	const char	*k;
	size_t		 n;
	enum jscan_type	 t;
	int		 r;
	bool		 servers, links;

	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_next_key(j, &k, &n)) == 1) {
		servers = BKS_KEY(k, n, "servers");
		links = BKS_KEY(k, n, "servers_links");
		f = ns_fault_slot(ns, k, n);
		t = jscan_peek(j);
		if (servers)
			ns_items_clear(ns);
		if (links)
			ns->nlv = 0;
		if (t == JSCAN_OBJECT) {
			if (servers)
				ns->servers.type = JSCAN_OBJECT;
			if (links)
				ns->links.type = JSCAN_OBJECT;
			r = ns_fault_object(j, f);
		} else if (servers && t == JSCAN_ARRAY) {
			ns->servers.type = JSCAN_ARRAY;
			if (jscan_begin_array(j) != 0)
				return (-1);
			while ((r = jscan_next_elem(j)) == 1)
				if (ns_element(j, ns) != 0)
					return (-1);
		} else if (links && t == JSCAN_ARRAY) {
			ns->links.type = JSCAN_ARRAY;
			r = ns_links(j, ns);
		} else if (servers)
			r = jscan_read(j, &ns->servers);
		else if (links)
			r = jscan_read(j, &ns->links);
		else
			r = jscan_skip(j);
		if (r < 0)
			return (-1);
	}
	return (r);
}

static int
ns_fault(struct ns_scan *ns, char **cause)
{
	struct ns_fault	*f;
	char		*msg;
	long long	 code;
	size_t		 i;

	for (i = 0; i < ns->nfv; i++) {
		f = &ns->fv[i];
		if (!f->object || !jscan_val_present(&f->message))
			continue;
		if (bks_int(NSYS, &f->code, f->key, "code", BKJ_OPTIONAL, 0,
		    999, &code, cause) != 0 ||
		    bks_string(NSYS, &f->message, f->key, "message",
		    BKJ_OPTIONAL, &msg, cause) != 0)
			return (-1);
		*cause = xasprintf("%s: %.32s (%lld): %.200s", NSYS, f->key,
		    code, msg);
		free(msg);
		return (-1);
	}
	*cause = bkj_error(NSYS, "", "servers", "missing");
	return (-1);
}

static int
ns_next(struct ns_scan *ns, char **next, char **cause)
{
	struct ns_link	*l;
	char		 path[48];
	char		*rel = NULL, *href = NULL;
	size_t		 i;

	if (bks_type(NSYS, &ns->links, "", "servers_links", BKJ_OPTIONAL,
	    JSCAN_ARRAY, cause) != 0)
		return (-1);
	if (ns->links.type != JSCAN_ARRAY)
		return (0);
	for (i = 0; i < ns->nlv; i++) {
		l = &ns->lv[i];
		bks_path(path, sizeof path, "servers_links", l->idx);
		if (l->v.type != JSCAN_OBJECT) {
			*cause = bkj_error(NSYS, path, NULL, "expected an "
			    "object, got %s", jscan_type_name(l->v.type));
			return (-1);
		}
		if (bks_string(NSYS, &l->rel, path, "rel", BKJ_OPTIONAL, &rel,
		    cause) != 0)
			return (-1);
		if (bks_string(NSYS, &l->href, path, "href", BKJ_OPTIONAL,
		    &href, cause) != 0) {
			free(rel);
			return (-1);
		}
		if (rel != NULL && href != NULL && strcmp(rel, "next") == 0) {
			free(rel);
			*next = href;
			return (0);
		}
		free(rel);
		free(href);
	}
	return (0);
}

int
backend_nova_decode(const char *body, size_t len,
    struct fleet_openstack_update *acc, char **next, char **cause)
{
	struct ns_scan	 ns;
	struct jscan	 j;
	enum jscan_type	 t;

	*next = NULL;
	memset(&ns, 0, sizeof ns);
	jscan_keys_init(&ns.keys, ns_fields, NS_NF);
	jscan_keys_init(&ns.flavor_keys, ns_flavor_fields, 2);
	jscan_init(&j, body, len);
	if ((t = jscan_peek(&j)) == JSCAN_OBJECT)
		ns_scan_root(&j, &ns);
	if (jscan_end(&j) != 0) {
		*cause = bks_syntax(NSYS, &j);
		goto fail;
	}
	if (t != JSCAN_OBJECT) {
		*cause = bkj_error(NSYS, "", NULL, "expected an object, got %s",
		    jscan_type_name(t));
		goto fail;
	}
	if (!jscan_val_present(&ns.servers)) {
		ns_fault(&ns, cause);
		goto fail;
	}
	if (bks_type(NSYS, &ns.servers, "", "servers", BKJ_REQUIRED,
	    JSCAN_ARRAY, cause) != 0)
		goto fail;
	if (acc->nservers + ns.count > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(NSYS, "", "servers", "too many servers");
		goto fail;
	}
	if (ns.cause != NULL) {
		*cause = ns.cause;
		ns.cause = NULL;
		goto fail;
	}
	if (ns_next(&ns, next, cause) != 0)
		goto fail;
	acc->servers = xreallocarray(acc->servers, acc->nservers + ns.n,
	    sizeof *acc->servers);
	if (ns.n != 0)
		memcpy(acc->servers + acc->nservers, ns.items,
		    ns.n * sizeof *ns.items);
	acc->nservers += ns.n;
	ns.n = 0;	/* moved */
	ns_free(&ns);
	jscan_free(&j);
	return (0);

fail:
	ns_free(&ns);
	jscan_free(&j);
	return (-1);
}
