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

/* A server's state and online, as scalelite writes them. */
int
backend_sl_states(const char *path, const char *state, const char *online,
    struct fleet_sl_server_u *u, char **cause)
{
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
	return (0);
}

int
backend_sl_decode_xml(const char *body, size_t len,
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

/* ---- the streaming decoder ------------------------------------------- */

/*
 * One pass with jscan; last value of a key wins; the DOM decoder's order
 * of checks.  A secret is copied once, unescaped straight into its own
 * allocation (never the scratch buffer), which only
 * backend_sl_secrets_free() releases, zeroed.
 */
enum { SS_ID, SS_URL, SS_SECRET, SS_STATE, SS_ONLINE, SS_TAG, SS_VER,
    SS_LOAD, SS_MULT, SS_NF };
static const struct jscan_field ss_fields[SS_NF] = {
	JSCAN_FIELD("id"), JSCAN_FIELD("url"), JSCAN_FIELD("secret"),
	JSCAN_FIELD("state"), JSCAN_FIELD("online"), JSCAN_FIELD("tag"),
	JSCAN_FIELD("bbb_version"), JSCAN_FIELD("load"),
	JSCAN_FIELD("load_multiplier")
};

struct ss_server {
	struct jscan_val	 v[SS_NF];	/* last value of each key */
};

static int
ss_number(const struct jscan_val *v, const char *path, const char *key,
    const char *nil_word, double *out, char **cause)
{
	char		*s;
	const char	*why;
	int		 rc = 0;

	*out = NAN;
	if (!jscan_val_present(v))
		return (0);
	if (v->type == JSCAN_INT || v->type == JSCAN_REAL) {
		*out = jscan_val_double(v);
		return (0);
	}
	if (v->type != JSCAN_STRING) {
		*cause = bkj_error(SYS, path, key, "expected a number, got %s",
		    jscan_type_name(v->type));
		return (-1);
	}
	s = jscan_val_strdup(v);
	if ((nil_word != NULL && strcmp(s, nil_word) == 0) || *s == '\0')
		rc = 0;
	else if (util_parse_double(s, out, &why) != 0) {
		*cause = bkj_error(SYS, path, key, "%s: \"%.32s\"", why, s);
		rc = -1;
	}
	free(s);
	return (rc);
}

static int
ss_server_scan(struct jscan *j, const struct jscan_keys *keys,
    struct ss_server *sv)
{
	size_t	 i;

	for (i = 0; i < SS_NF; i++)
		sv->v[i].type = JSCAN_NONE;
	if (jscan_begin_object(j) != 0 ||
	    jscan_fields(j, keys, sv->v) != 0)
		return (-1);
	return (0);
}

static int
ss_server_finish(struct jscan *j, const struct ss_server *sv,
    const char *path, struct fleet_sl_server_u *u,
    struct backend_sl_secret *sec, char **cause)
{
	char	*state = NULL, *online = NULL, *tag = NULL, *ver = NULL;
	int	 rc = -1;
	bool	 has_secret;

	if (bks_string(SYS, &sv->v[SS_ID], path, "id", BKJ_REQUIRED, &u->id,
	    cause) != 0 ||
	    bks_string(SYS, &sv->v[SS_URL], path, "url", BKJ_REQUIRED, &u->url,
	    cause) != 0)
		goto out;
	if (jscan_val_present(&sv->v[SS_SECRET]) &&
	    sv->v[SS_SECRET].type != JSCAN_STRING) {
		*cause = bkj_error(SYS, path, "secret", "expected a string, "
		    "got %s", jscan_type_name(sv->v[SS_SECRET].type));
		goto out;
	}
	if (bks_string(SYS, &sv->v[SS_STATE], path, "state", BKJ_OPTIONAL,
	    &state, cause) != 0 ||
	    bks_string(SYS, &sv->v[SS_ONLINE], path, "online", BKJ_OPTIONAL,
	    &online, cause) != 0 ||
	    bks_string(SYS, &sv->v[SS_TAG], path, "tag", BKJ_OPTIONAL, &tag,
	    cause) != 0 ||
	    bks_string(SYS, &sv->v[SS_VER], path, "bbb_version",
	    BKJ_OPTIONAL, &ver, cause) != 0)
		goto out;
	if (ss_number(&sv->v[SS_LOAD], path, "load", "unavailable", &u->load,
	    cause) != 0 ||
	    ss_number(&sv->v[SS_MULT], path, "load_multiplier", NULL,
	    &u->load_multiplier, cause) != 0)
		goto out;

	if (backend_sl_states(path, state, online, u, cause) != 0)
		goto out;
	if (tag != NULL && *tag != '\0') {
		u->tag = tag;
		tag = NULL;
	}
	if (ver != NULL && *ver != '\0') {
		u->bbb_version = ver;
		ver = NULL;
	}
	if (sec != NULL) {
		has_secret = jscan_val_present(&sv->v[SS_SECRET]);
		sec->url = xstrdup(u->url);
		sec->secret = has_secret ? jscan_val_strdup(&sv->v[SS_SECRET]) :
		    xstrdup("");
		sec->pollable = has_secret && *sec->secret != '\0' &&
		    u->online != 0 && u->state != FLEET_LB_DISABLED;
	}
	rc = 0;
out:
	(void)j;
	free(state);
	free(online);
	free(tag);
	free(ver);
	return (rc);
}

/* {"error":"..."}: no servers, or an error. */
static int
ss_error_object(struct jscan *j, struct fleet_scalelite_update **out,
    char **cause)
{
	struct jscan_val	 err;
	const char		*k;
	size_t			 n;
	char			*msg;
	int			 r;

	err.type = JSCAN_NONE;
	if (jscan_begin_object(j) != 0)
		return (-2);
	while ((r = jscan_next_key(j, &k, &n)) == 1)
		if (BKS_KEY(k, n, "error") && jscan_read(j, &err) != 0)
			return (-2);
	if (r < 0 || jscan_end(j) != 0)
		return (-2);
	if (bks_string(SYS, &err, "", "error", BKJ_REQUIRED, &msg,
	    cause) != 0)
		return (-1);
	if (strcmp(msg, "No servers are configured") == 0) {
		free(msg);
		*out = xcalloc(1, sizeof **out);
		return (0);
	}
	*cause = xasprintf("%s: %.200s", SYS, msg);
	free(msg);
	return (-1);
}

int
backend_scalelite_decode(const char *body, size_t len,
    struct fleet_scalelite_update **out, struct backend_sl_secrets *secrets,
    char **cause)
{
	struct fleet_scalelite_update	*u;
	struct ss_server		 sv;
	struct jscan_keys		 keys;
	struct jscan_val		 v;
	struct jscan			 j;
	enum jscan_type			 t;
	char				*ecause = NULL, path[32];
	size_t				 k, n = 0, cap = 0;
	int				 r;

	*out = NULL;
	if (secrets != NULL)
		memset(secrets, 0, sizeof *secrets);
	for (k = 0; k < len && isspace((unsigned char)body[k]); k++)
		/* nothing */;
	if (k < len && body[k] == '<')
		return (backend_sl_decode_xml(body, len, out, cause));

	jscan_keys_init(&keys, ss_fields, SS_NF);
	jscan_init(&j, body, len);
	t = jscan_peek(&j);
	if (t == JSCAN_OBJECT) {
		r = ss_error_object(&j, out, cause);
		if (r == -2) {
			*cause = bks_syntax(SYS, &j);
			r = -1;
		}
		jscan_free(&j);
		return (r);
	}
	u = xcalloc(1, sizeof *u);
	if (t == JSCAN_ARRAY && jscan_begin_array(&j) == 0) {
		while ((r = jscan_next_elem(&j)) == 1) {
			if (ecause != NULL || n++ >= BACKEND_MAX_ENTRIES) {
				if (jscan_skip(&j) != 0)
					break;
				continue;
			}
			if (u->nservers == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				u->servers = xreallocarray(u->servers, cap,
				    sizeof *u->servers);
				if (secrets != NULL)
					secrets->v = xreallocarray(secrets->v,
					    cap, sizeof *secrets->v);
			}
			memset(&u->servers[u->nservers], 0,
			    sizeof *u->servers);
			u->nservers++;
			if (secrets != NULL) {
				memset(&secrets->v[secrets->n], 0,
				    sizeof *secrets->v);
				secrets->n++;
			}
			bks_path(path, sizeof path, "", n - 1);
			if (jscan_peek(&j) != JSCAN_OBJECT) {
				if (jscan_read(&j, &v) != 0)
					break;
				ecause = bkj_error(SYS, path, NULL, "expected "
				    "an object, got %s",
				    jscan_type_name(v.type));
				continue;
			}
			if (ss_server_scan(&j, &keys, &sv) != 0)
				break;
			(void)ss_server_finish(&j, &sv, path,
			    &u->servers[u->nservers - 1], secrets != NULL ?
			    &secrets->v[secrets->n - 1] : NULL, &ecause);
		}
	}
	if (bks_array_end(SYS, &j, t, n, "servers", &ecause, cause) != 0)
		goto fail;
	if (u->servers == NULL)
		u->servers = xcalloc(1, sizeof *u->servers);
	if (secrets != NULL && secrets->v == NULL)
		secrets->v = xcalloc(1, sizeof *secrets->v);
	jscan_free(&j);
	*out = u;
	return (0);

fail:
	free(ecause);
	fleet_scalelite_update_free(u);
	backend_sl_secrets_free(secrets);
	jscan_free(&j);
	return (-1);
}
