/*
 * consul.c: decode consul's GET /v1/health/service/<name> (pure).
 *
 * The answer is an array of {"Node":{...},"Service":{...},"Checks":[...]}
 * (apis.md §3.4).  The address of a node is Service.Address, or
 * Node.Address when that is empty (§3.3).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "util.h"

#define SYS "consul"

enum fleet_health
backend_consul_status(const char *s)
{
	if (strcmp(s, "passing") == 0)
		return (FLEET_HEALTH_PASSING);
	if (strcmp(s, "warning") == 0)
		return (FLEET_HEALTH_WARNING);
	if (strcmp(s, "critical") == 0)
		return (FLEET_HEALTH_CRITICAL);
	return (FLEET_HEALTH_UNKNOWN);
}

/* ---- the streaming decoder ------------------------------------------- */

/* One pass with jscan; last value of a key wins; DOM order of checks. */
enum { CS_STATUS, CS_CHECK_ID, CS_NAME, CS_OUTPUT, CS_NCHECK };
static const struct jscan_field cs_check_fields[CS_NCHECK] = {
	JSCAN_FIELD("Status"), JSCAN_FIELD("CheckID"), JSCAN_FIELD("Name"),
	JSCAN_FIELD("Output")
};
enum { CS_NODE_NODE, CS_NODE_ADDRESS, CS_NNODE };
static const struct jscan_field cs_node_fields[CS_NNODE] = {
	JSCAN_FIELD("Node"), JSCAN_FIELD("Address")
};
static const struct jscan_field cs_svc_fields[1] = {
	JSCAN_FIELD("Address")
};
enum { CS_NODE, CS_SERVICE, CS_CHECKS, CS_NENTRY };
static const struct jscan_field cs_entry_fields[CS_NENTRY] = {
	JSCAN_STOP("Node"), JSCAN_STOP("Service"), JSCAN_STOP("Checks")
};

struct cs_check {
	struct jscan_val	 v;
	struct jscan_val	 f[CS_NCHECK];
};

struct cs_entry {
	struct jscan_keys	 check_keys, entry_keys, node_keys, svc_keys;
	struct jscan_val	 node, service, checks;
	struct jscan_val	 nodef[CS_NNODE];
	struct jscan_val	 svc_addr;
	struct cs_check		*cv;
	size_t			 ncv, capcv, nchecks;
};

/* "[i]" then suffix (no printf for every entry). */
static const char *
cs_path(char *buf, size_t sz, size_t i, const char *suffix)
{
	size_t	 n, m = strlen(suffix);

	bks_path(buf, sz, "", i);
	n = strlen(buf);
	if (n + m < sz)
		memcpy(buf + n, suffix, m + 1);
	return (buf);
}

static int
cs_checks(struct jscan *j, struct cs_entry *e)
{
	struct cs_check		*c;
	size_t			 i;
	int			 r;

	e->checks.type = JSCAN_ARRAY;
	e->ncv = e->nchecks = 0;
	if (jscan_begin_array(j) != 0)
		return (-1);
	while ((r = jscan_next_elem(j)) == 1) {
		if (e->nchecks++ >= BACKEND_MAX_ENTRIES) {
			if (jscan_skip(j) != 0)
				return (-1);
			continue;
		}
		if (e->ncv == e->capcv) {
			e->capcv = e->capcv == 0 ? 4 : e->capcv * 2;
			e->cv = xreallocarray(e->cv, e->capcv, sizeof *e->cv);
		}
		c = &e->cv[e->ncv++];
		if (jscan_peek(j) != JSCAN_OBJECT) {
			if (jscan_read(j, &c->v) != 0)
				return (-1);
			continue;
		}
		c->v.type = JSCAN_OBJECT;
		for (i = 0; i < CS_NCHECK; i++)
			c->f[i].type = JSCAN_NONE;
		if (jscan_begin_object(j) != 0 ||
		    jscan_fields(j, &e->check_keys, c->f) != 0)
			return (-1);
	}
	return (r);
}

static int
cs_entry_scan(struct jscan *j, struct cs_entry *e)
{
	struct jscan_val	 unused[CS_NENTRY];
	int			 r;

	e->node.type = e->service.type = e->checks.type = JSCAN_NONE;
	e->nodef[0].type = e->nodef[1].type = JSCAN_NONE;
	e->svc_addr.type = JSCAN_NONE;
	e->ncv = e->nchecks = 0;
	if (jscan_begin_object(j) != 0)
		return (-1);
	while ((r = jscan_fields(j, &e->entry_keys, unused)) > 0) {
		if (r - 1 == CS_NODE) {
			e->nodef[0].type = e->nodef[1].type = JSCAN_NONE;
			if (jscan_peek(j) != JSCAN_OBJECT)
				r = jscan_read(j, &e->node);
			else {
				e->node.type = JSCAN_OBJECT;
				if (jscan_begin_object(j) != 0)
					return (-1);
				r = jscan_fields(j, &e->node_keys,
				    e->nodef);
			}
		} else if (r - 1 == CS_SERVICE) {
			e->svc_addr.type = JSCAN_NONE;
			if (jscan_peek(j) != JSCAN_OBJECT)
				r = jscan_read(j, &e->service);
			else {
				e->service.type = JSCAN_OBJECT;
				if (jscan_begin_object(j) != 0)
					return (-1);
				r = jscan_fields(j, &e->svc_keys,
				    &e->svc_addr);
			}
		} else {
			if (jscan_peek(j) != JSCAN_ARRAY) {
				e->ncv = e->nchecks = 0;
				r = jscan_read(j, &e->checks);
			} else
				r = cs_checks(j, e);
		}
		if (r < 0)
			return (-1);
	}
	return (r);
}

static int
cs_entry_finish(const struct cs_entry *e, size_t i,
    struct fleet_consul_node_u *un, char **cause)
{
	const struct cs_check	*c;
	struct fleet_consul_check_u *uc;
	char			 path[64], cpath[96];
	char			*addr = NULL, *saddr = NULL, *status;
	size_t			 k;
	int			 rc = -1;

	bks_path(path, sizeof path, "", i);
	if (bks_type(SYS, &e->node, path, "Node", BKJ_REQUIRED, JSCAN_OBJECT,
	    cause) != 0)
		return (-1);
	cs_path(path, sizeof path, i, ".Node");
	if (bks_string(SYS, &e->nodef[CS_NODE_NODE], path, "Node", BKJ_REQUIRED,
	    &un->node, cause) != 0 ||
	    bks_string(SYS, &e->nodef[CS_NODE_ADDRESS], path, "Address",
	    BKJ_OPTIONAL, &addr, cause) != 0)
		goto out;
	bks_path(path, sizeof path, "", i);
	if (bks_type(SYS, &e->service, path, "Service", BKJ_OPTIONAL,
	    JSCAN_OBJECT, cause) != 0)
		goto out;
	if (e->service.type == JSCAN_OBJECT) {
		cs_path(path, sizeof path, i, ".Service");
		if (bks_string(SYS, &e->svc_addr, path, "Address",
		    BKJ_OPTIONAL, &saddr, cause) != 0)
			goto out;
	}
	if (saddr != NULL && *saddr != '\0') {
		un->address = saddr;
		saddr = NULL;
	} else if (addr != NULL && *addr != '\0') {
		un->address = addr;
		addr = NULL;
	}
	bks_path(path, sizeof path, "", i);
	if (bks_type(SYS, &e->checks, path, "Checks", BKJ_OPTIONAL,
	    JSCAN_ARRAY, cause) != 0)
		goto out;
	if (e->checks.type != JSCAN_ARRAY || e->nchecks == 0) {
		rc = 0;
		goto out;
	}
	if (e->nchecks > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, path, "Checks", "too many entries");
		goto out;
	}
	un->checks = xcalloc(e->ncv, sizeof *un->checks);
	cs_path(path, sizeof path, i, ".Checks");
	for (k = 0; k < e->ncv; k++) {
		c = &e->cv[k];
		uc = &un->checks[k];
		bks_path(cpath, sizeof cpath, path, k);
		un->nchecks = k + 1;
		if (c->v.type != JSCAN_OBJECT) {
			*cause = bkj_error(SYS, cpath, NULL, "expected an "
			    "object, got %s", jscan_type_name(c->v.type));
			goto out;
		}
		if (bks_string(SYS, &c->f[CS_STATUS], cpath, "Status",
		    BKJ_REQUIRED, &status, cause) != 0)
			goto out;
		uc->status = backend_consul_status(status);
		free(status);
		if (bks_string(SYS, &c->f[CS_CHECK_ID], cpath, "CheckID",
		    BKJ_OPTIONAL, &uc->check_id, cause) != 0 ||
		    bks_string(SYS, &c->f[CS_NAME], cpath, "Name", BKJ_OPTIONAL,
		    &uc->name, cause) != 0 ||
		    bks_string(SYS, &c->f[CS_OUTPUT], cpath, "Output",
		    BKJ_OPTIONAL, &uc->output, cause) != 0)
			goto out;
	}
	rc = 0;
out:
	free(addr);
	free(saddr);
	return (rc);
}

int
backend_consul_decode(const char *body, size_t len,
    struct fleet_consul_update **out, char **cause)
{
	struct fleet_consul_update	*u;
	struct cs_entry			 e;
	struct jscan_val		 v;
	struct jscan			 j;
	enum jscan_type			 t;
	char				*ecause = NULL, path[32];
	size_t				 n = 0, cap = 0;
	int				 r;

	*out = NULL;
	memset(&e, 0, sizeof e);
	jscan_keys_init(&e.check_keys, cs_check_fields, CS_NCHECK);
	jscan_keys_init(&e.entry_keys, cs_entry_fields, CS_NENTRY);
	jscan_keys_init(&e.node_keys, cs_node_fields, CS_NNODE);
	jscan_keys_init(&e.svc_keys, cs_svc_fields, 1);
	u = xcalloc(1, sizeof *u);
	jscan_init(&j, body, len);
	if ((t = jscan_peek(&j)) == JSCAN_ARRAY &&
	    jscan_begin_array(&j) == 0) {
		while ((r = jscan_next_elem(&j)) == 1) {
			if (ecause != NULL || n++ >= BACKEND_MAX_ENTRIES) {
				if (jscan_skip(&j) != 0)
					break;
				continue;
			}
			if (u->nnodes == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				u->nodes = xreallocarray(u->nodes, cap,
				    sizeof *u->nodes);
			}
			memset(&u->nodes[u->nnodes], 0, sizeof *u->nodes);
			u->nnodes++;
			if (jscan_peek(&j) != JSCAN_OBJECT) {
				if (jscan_read(&j, &v) != 0)
					break;
				ecause = bkj_error(SYS, bks_path(path,
				    sizeof path, "", n - 1), NULL, "expected "
				    "an object, got %s",
				    jscan_type_name(v.type));
				continue;
			}
			if (cs_entry_scan(&j, &e) != 0)
				break;
			(void)cs_entry_finish(&e, n - 1,
			    &u->nodes[u->nnodes - 1], &ecause);
		}
	}
	free(e.cv);
	if (bks_array_end(SYS, &j, t, n, "entries", &ecause, cause) != 0)
		goto fail;
	if (u->nodes == NULL)
		u->nodes = xcalloc(1, sizeof *u->nodes);
	jscan_free(&j);
	*out = u;
	return (0);

fail:
	free(ecause);
	fleet_consul_update_free(u);
	jscan_free(&j);
	return (-1);
}
