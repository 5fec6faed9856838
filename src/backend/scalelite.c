/*
 * scalelite.c: decode scalelite's admin API getServers (pure).
 *
 * JSON array of server objects (scalelite-bbb.md §1.4): id, url, secret,
 * tag ("" none), bbb_version (v1.6.0+, "" unknown), state, load (number
 * or "unavailable"), load_multiplier (string such as "1.0", or a number),
 * online ("online"/"offline").  No servers: 404 {"error":"No servers are
 * configured"}.  Older scalelite answers XML unsupportedRequest; a wrong
 * checksum gives XML checksumError.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bkjson.h"
#include "backend/decode.h"
#include "util.h"

#define SYS "scalelite"

void
backend_sl_secrets_free(struct backend_sl_secrets *ss)
{
	size_t	 i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].url);
		freezero_str(ss->v[i].secret);
	}
	free(ss->v);
	ss->v = NULL;
	ss->n = 0;
}

static int
sl_number(const json_t *obj, const char *path, const char *key,
    const char *nil_word, double *out, char **cause)
{
	json_t		*v;
	const char	*why;

	*out = NAN;
	v = json_object_get(obj, key);
	if (v == NULL || json_is_null(v))
		return (0);
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return (0);
	}
	if (!json_is_string(v)) {
		*cause = bkj_error(SYS, path, key, "expected a number, got %s",
		    bkj_type_name(v));
		return (-1);
	}
	if (nil_word != NULL && strcmp(json_string_value(v), nil_word) == 0)
		return (0);
	if (*json_string_value(v) == '\0')
		return (0);
	if (util_parse_double(json_string_value(v), out, &why) != 0) {
		*cause = bkj_error(SYS, path, key, "%s: \"%.32s\"", why,
		    json_string_value(v));
		return (-1);
	}
	return (0);
}

static int
sl_decode_server(const json_t *s, const char *path,
    struct fleet_sl_server_u *u, struct backend_sl_secret *sec, char **cause)
{
	const char	*state, *online, *secret, *tag, *ver;

	if (!json_is_object(s)) {
		*cause = bkj_type_error(SYS, path, "an object", s);
		return (-1);
	}
	if (bkj_string(SYS, s, path, "id", BKJ_REQUIRED, &u->id, cause) != 0 ||
	    bkj_string(SYS, s, path, "url", BKJ_REQUIRED, &u->url,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "secret", BKJ_OPTIONAL, &secret,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "state", BKJ_OPTIONAL, &state,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "online", BKJ_OPTIONAL, &online,
	    cause) != 0 ||
	    bkj_cstring(SYS, s, path, "tag", BKJ_OPTIONAL, &tag, cause) != 0 ||
	    bkj_cstring(SYS, s, path, "bbb_version", BKJ_OPTIONAL, &ver,
	    cause) != 0)
		return (-1);
	if (sl_number(s, path, "load", "unavailable", &u->load, cause) != 0 ||
	    sl_number(s, path, "load_multiplier", NULL, &u->load_multiplier,
	    cause) != 0)
		return (-1);

	if (state == NULL)
		u->state = FLEET_LB_UNKNOWN;
	else if (strcmp(state, "enabled") == 0)
		u->state = FLEET_LB_ENABLED;
	else if (strcmp(state, "cordoned") == 0)
		u->state = FLEET_LB_CORDONED;
	else if (strcmp(state, "disabled") == 0)
		u->state = FLEET_LB_DISABLED;
	else {
		*cause = bkj_error(SYS, path, "state", "unknown state "
		    "\"%.32s\"", state);
		return (-1);
	}
	if (online == NULL)
		u->online = -1;
	else if (strcmp(online, "online") == 0 || strcmp(online, "true") == 0)
		u->online = 1;
	else if (strcmp(online, "offline") == 0 ||
	    strcmp(online, "false") == 0)
		u->online = 0;
	else {
		*cause = bkj_error(SYS, path, "online", "unknown value "
		    "\"%.32s\"", online);
		return (-1);
	}
	u->tag = tag != NULL && *tag != '\0' ? xstrdup(tag) : NULL;
	u->bbb_version = ver != NULL && *ver != '\0' ? xstrdup(ver) : NULL;

	if (sec != NULL) {
		sec->url = xstrdup(u->url);
		sec->secret = xstrdup(secret != NULL ? secret : "");
		sec->pollable = secret != NULL && *secret != '\0' &&
		    u->online != 0 && u->state != FLEET_LB_DISABLED;
	}
	return (0);
}

static int
sl_decode_xml(const char *body, size_t len,
    struct fleet_scalelite_update **out, char **cause)
{
	char	*rc, *key, *msg;
	int	 ret = -1;

	if (backend_bbb_decode_response(body, len, &rc, &key, &msg,
	    cause) != 0)
		return (-1);
	if (key != NULL && strcmp(key, "unsupportedRequest") == 0) {
		*out = xcalloc(1, sizeof **out);
		(*out)->legacy = true;
		ret = 0;
	} else if (key != NULL && strcmp(key, "checksumError") == 0)
		*cause = xstrdup("scalelite: checksumError: the [scalelite] "
		    "secret is not a load-balancer secret of this scalelite");
	else
		*cause = xasprintf("scalelite: %s: %s: %s", rc,
		    key != NULL ? key : "(no messageKey)",
		    msg != NULL ? msg : "");
	free(rc);
	free(key);
	free(msg);
	return (ret);
}

int
backend_scalelite_decode(const char *body, size_t len,
    struct fleet_scalelite_update **out, struct backend_sl_secrets *secrets,
    char **cause)
{
	struct fleet_scalelite_update	*u;
	json_t				*root, *s;
	const char			*err;
	char				 path[32];
	size_t				 i, n, k;

	*out = NULL;
	if (secrets != NULL)
		memset(secrets, 0, sizeof *secrets);
	for (k = 0; k < len && isspace((unsigned char)body[k]); k++)
		/* nothing */;
	if (k < len && body[k] == '<')
		return (sl_decode_xml(body, len, out, cause));

	if ((root = bkj_load(SYS, body, len, cause)) == NULL)
		return (-1);
	if (json_is_object(root)) {
		if (bkj_cstring(SYS, root, "", "error", BKJ_REQUIRED, &err,
		    cause) != 0) {
			json_decref(root);
			return (-1);
		}
		if (strcmp(err, "No servers are configured") == 0) {
			json_decref(root);
			*out = xcalloc(1, sizeof **out);
			return (0);
		}
		*cause = xasprintf("%s: %.200s", SYS, err);
		json_decref(root);
		return (-1);
	}
	if (!json_is_array(root)) {
		*cause = bkj_error(SYS, "", NULL, "expected an array, got %s",
		    bkj_type_name(root));
		json_decref(root);
		return (-1);
	}
	n = json_array_size(root);
	if (n > BACKEND_MAX_ENTRIES) {
		*cause = bkj_error(SYS, "", NULL, "too many servers (%zu)", n);
		json_decref(root);
		return (-1);
	}
	u = xcalloc(1, sizeof *u);
	u->servers = xcalloc(n, sizeof *u->servers);
	if (secrets != NULL)
		secrets->v = xcalloc(n, sizeof *secrets->v);
	json_array_foreach(root, i, s) {
		snprintf(path, sizeof path, "[%zu]", i);
		u->nservers = i + 1;
		if (secrets != NULL)
			secrets->n = i + 1;
		if (sl_decode_server(s, path, &u->servers[i],
		    secrets != NULL ? &secrets->v[i] : NULL, cause) != 0) {
			fleet_scalelite_update_free(u);
			backend_sl_secrets_free(secrets);
			json_decref(root);
			return (-1);
		}
	}
	json_decref(root);
	*out = u;
	return (0);
}
