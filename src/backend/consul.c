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

static enum fleet_health
consul_status(const char *s)
{
	if (strcmp(s, "passing") == 0)
		return (FLEET_HEALTH_PASSING);
	if (strcmp(s, "warning") == 0)
		return (FLEET_HEALTH_WARNING);
	if (strcmp(s, "critical") == 0)
		return (FLEET_HEALTH_CRITICAL);
	return (FLEET_HEALTH_UNKNOWN);
}

static int
consul_decode_check(const json_t *c, const char *path,
    struct fleet_consul_check_u *uc, char **cause)
{
	const char	*status;

	if (!json_is_object(c)) {
		*cause = bkj_type_error(SYS, path, "an object", c);
		return (-1);
	}
	if (bkj_cstring(SYS, c, path, "Status", BKJ_REQUIRED, &status,
	    cause) != 0)
		return (-1);
	uc->status = consul_status(status);
	if (bkj_string(SYS, c, path, "CheckID", BKJ_OPTIONAL, &uc->check_id,
	    cause) != 0 ||
	    bkj_string(SYS, c, path, "Name", BKJ_OPTIONAL, &uc->name,
	    cause) != 0 ||
	    bkj_string(SYS, c, path, "Output", BKJ_OPTIONAL, &uc->output,
	    cause) != 0)
		return (-1);
	return (0);
}

static int
consul_decode_entry(const json_t *e, size_t i, struct fleet_consul_node_u *un,
    char **cause)
{
	json_t		*node, *service, *checks, *c;
	const char	*addr, *saddr;
	char		 path[64], cpath[96];
	size_t		 j;

	snprintf(path, sizeof path, "[%zu]", i);
	if (!json_is_object(e)) {
		*cause = bkj_type_error(SYS, path, "an object", e);
		return (-1);
	}
	if (bkj_object(SYS, e, path, "Node", BKJ_REQUIRED, &node, cause) != 0)
		return (-1);
	snprintf(path, sizeof path, "[%zu].Node", i);
	if (bkj_string(SYS, node, path, "Node", BKJ_REQUIRED, &un->node,
	    cause) != 0 ||
	    bkj_cstring(SYS, node, path, "Address", BKJ_OPTIONAL, &addr,
	    cause) != 0)
		return (-1);

	snprintf(path, sizeof path, "[%zu]", i);
	if (bkj_object(SYS, e, path, "Service", BKJ_OPTIONAL, &service,
	    cause) != 0)
		return (-1);
	saddr = NULL;
	if (service != NULL) {
		snprintf(path, sizeof path, "[%zu].Service", i);
		if (bkj_cstring(SYS, service, path, "Address", BKJ_OPTIONAL,
		    &saddr, cause) != 0)
			return (-1);
	}
	if (saddr != NULL && *saddr != '\0')
		un->address = xstrdup(saddr);
	else if (addr != NULL && *addr != '\0')
		un->address = xstrdup(addr);

	snprintf(path, sizeof path, "[%zu]", i);
	if (bkj_array(SYS, e, path, "Checks", BKJ_OPTIONAL, &checks,
	    cause) != 0)
		return (-1);
	if (checks == NULL || json_array_size(checks) == 0)
		return (0);
	if (json_array_size(checks) > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, path, "Checks", "too many entries");
		return (-1);
	}
	un->checks = xcalloc(json_array_size(checks), sizeof *un->checks);
	json_array_foreach(checks, j, c) {
		snprintf(cpath, sizeof cpath, "[%zu].Checks[%zu]", i, j);
		un->nchecks = j + 1;
		if (consul_decode_check(c, cpath, &un->checks[j], cause) != 0)
			return (-1);
	}
	return (0);
}

int
backend_consul_decode(const char *body, size_t len,
    struct fleet_consul_update **out, char **cause)
{
	struct fleet_consul_update	*u;
	json_t				*root, *e;
	size_t				 i, n;

	*out = NULL;
	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (-1);
	if (!json_is_array(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an array, got %s",
		    bkj_type_name(root));
		json_decref(root);
		return (-1);
	}
	n = json_array_size(root);
	if (n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", NULL, "too many entries (%zu)", n);
		json_decref(root);
		return (-1);
	}
	u = xcalloc(1, sizeof *u);
	u->nodes = xcalloc(n, sizeof *u->nodes);
	json_array_foreach(root, i, e) {
		u->nnodes = i + 1;
		if (consul_decode_entry(e, i, &u->nodes[i], cause) != 0) {
			fleet_consul_update_free(u);
			json_decref(root);
			return (-1);
		}
	}
	json_decref(root);
	*out = u;
	return (0);
}
