/*
 * audit.c: the audit trail in PostgreSQL, with the local spool.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "audit.h"
#include "config.h"
#include "log.h"
#include "mask.h"
#include "util.h"

#define AUDIT_MASK		"********"
#define AUDIT_SECRET_MIN	4	/* shorter secrets are not searched */
#define AUDIT_STATEMENT_MS	"10000"	/* statement_timeout, ms */
/*
 * AUDIT_DEADLINE_MS (audit.h) is our own deadline for every libpq call:
 * statement_timeout is the server's and connect_timeout covers only
 * connecting, so a server that stops answering mid-statement (stopped,
 * a dead link without a reset) would otherwise hold a job for ever.  It
 * is a little over statement_timeout, so that the server's answer wins.
 */
#define AUDIT_SLICE_MS		100	/* how often a wait looks at interrupts */
/* For this long after audit_interrupt(), a call waits at most ... */
#define AUDIT_CANCEL_WINDOW_MS	60000
#define AUDIT_CANCEL_DEADLINE_MS 2000	/* ... this long. */
#define AUDIT_FIELD_MAX		65536	/* longer text is cut */
#define AUDIT_SPOOL_LINE_MAX	(16 * AUDIT_FIELD_MAX)

const char audit_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS bbbctl_audit (\n"
    "  uuid text PRIMARY KEY,\n"
    "  event text NOT NULL,\n"
    "  job_id bigint,\n"
    "  verb text NOT NULL,\n"
    "  target text,\n"
    "  plan text,\n"
    "  result text,\n"
    "  operator text NOT NULL,\n"
    "  origin text NOT NULL,\n"
    "  at timestamptz NOT NULL,\n"
    "  duration_ms bigint,\n"
    "  host text,\n"
    "  recorded_at timestamptz NOT NULL DEFAULT now(),\n"
    "  cluster text,\n"
    "  cluster_id text\n"
    ")";

/*
 * A table made before records carried their cluster: the columns are
 * added (after SET statement_timeout, so within the deadline); its old
 * rows keep NULL there and are listed only with --all-clusters.  The
 * ALTER (an exclusive lock, queued behind any reader) runs only when a
 * column is missing, not on every connection.
 */
static const char audit_migrate_sql[] =
    "DO $$ BEGIN IF (SELECT count(*) FROM pg_attribute WHERE "
    "attrelid = 'bbbctl_audit'::regclass AND NOT attisdropped AND "
    "attname IN ('cluster', 'cluster_id')) < 2 THEN "
    "ALTER TABLE bbbctl_audit ADD COLUMN IF NOT EXISTS cluster text, "
    "ADD COLUMN IF NOT EXISTS cluster_id text; END IF; END $$";

static const char audit_timeout_sql[] =
    "SET statement_timeout = " AUDIT_STATEMENT_MS;

static const char audit_index_sql[] =
    "CREATE INDEX IF NOT EXISTS bbbctl_audit_at ON bbbctl_audit (at)";

static const char audit_insert_sql[] =
    "INSERT INTO bbbctl_audit (uuid, event, job_id, verb, target, plan, "
    "result, operator, origin, at, duration_ms, host, cluster, cluster_id) "
    "VALUES ($1, $2, $3::bigint, $4, $5, $6, $7, $8, $9, "
    "to_timestamp($10::double precision / 1000), $11::bigint, $12, $13, "
    "$14) "
    "ON CONFLICT (uuid) DO NOTHING";

/* Text is cut to AUDIT_FIELD_MAX characters, as the spool's. */
static const char audit_select_sql[] =
    "SELECT left(uuid, 65536), left(event, 65536), job_id, "
    "left(verb, 65536), left(target, 65536), left(plan, 65536), "
    "left(result, 65536), left(operator, 65536), left(origin, 65536), "
    "(extract(epoch FROM at) * 1000)::bigint, duration_ms, "
    "left(host, 65536), left(cluster, 65536), left(cluster_id, 65536) "
    "FROM bbbctl_audit WHERE at >= to_timestamp($1::double precision / 1000) "
    "AND ($3::text IS NULL OR cluster_id = $3::text) "
    "ORDER BY at DESC, recorded_at DESC LIMIT $2::bigint";

/*
 * Spooling is said on stderr once per process (until a record reaches
 * the database again); the log has every record.
 */
static atomic_bool	 audit_spool_told;

struct audit {
	pthread_mutex_t	 mtx;
	char		*conninfo;	/* secret; NULL if not configured */
	bool		 conninfo_bad;	/* libpq cannot parse it */
	char		*host;
	char		*spool;		/* this cluster's */
	char		*cluster;	/* [cluster] name */
	char		*cluster_id;	/* audit_cluster_id() */
	bool		 all_clusters;	/* audit_list() lists every cluster */
	bool		 legacy_told;
	char		**secrets;	/* to mask in records */
	size_t		 nsecrets;
	PGconn		*conn;
	int64_t		 retry_ms;
	int64_t		 failed_at;	/* mono ms of the last failure, or 0 */
	char		*failed_cause;
	bool		 last_spooled;
	int64_t		 deadline_ms;	/* AUDIT_DEADLINE_MS */
	int64_t		 op_start;	/* mono ms the current call began */
	_Atomic int64_t	 interrupted;	/* mono ms of audit_interrupt() */
};

static void
audit_add_secret(struct audit *a, const char *s)
{
	if (s == NULL || strlen(s) < AUDIT_SECRET_MIN)
		return;
	a->secrets = xreallocarray(a->secrets, a->nsecrets + 1,
	    sizeof *a->secrets);
	a->secrets[a->nsecrets++] = xstrdup(s);
}

struct audit *
audit_new(const struct config *cfg)
{
	struct audit		*a;
	PQconninfoOption	*opts, *o;
	char			 host[256], *perr = NULL;

	a = xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->mtx, NULL);
	a->retry_ms = AUDIT_RETRY_MS;
	a->deadline_ms = AUDIT_DEADLINE_MS;
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	a->host = xstrdup(host[0] != '\0' ? host : "unknown");
	a->cluster = xstrdup(cfg != NULL && cfg->cluster.name != NULL &&
	    *cfg->cluster.name != '\0' ? cfg->cluster.name : "bbb");
	a->cluster_id = audit_cluster_id(cfg);
	a->spool = audit_spool_path_for(a->cluster, a->cluster_id);
	if (cfg == NULL)
		return (a);
	if (cfg->postgres.conninfo != NULL && *cfg->postgres.conninfo != '\0') {
		a->conninfo = xstrdup(cfg->postgres.conninfo);
		audit_add_secret(a, cfg->postgres.conninfo);
		opts = PQconninfoParse(cfg->postgres.conninfo, &perr);
		/* perr may quote the password: never shown. */
		a->conninfo_bad = opts == NULL;
		PQfreemem(perr);
		for (o = opts; o != NULL && o->keyword != NULL; o++) {
			if (strcmp(o->keyword, "password") == 0)
				audit_add_secret(a, o->val);
		}
		PQconninfoFree(opts);
	}
	audit_add_secret(a, cfg->consul.token);
	audit_add_secret(a, cfg->prometheus.password);
	audit_add_secret(a, cfg->scalelite.secret);
	audit_add_secret(a, cfg->rancher.secret_key);
	audit_add_secret(a, cfg->openstack.application_credential_secret);
	return (a);
}

void
audit_free(struct audit *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	if (a->conn != NULL)
		PQfinish(a->conn);
	freezero_str(a->conninfo);
	for (i = 0; i < a->nsecrets; i++)
		freezero_str(a->secrets[i]);
	free(a->secrets);
	free(a->host);
	free(a->spool);
	free(a->cluster);
	free(a->cluster_id);
	free(a->failed_cause);
	pthread_mutex_destroy(&a->mtx);
	free(a);
}

void
audit_set_retry_ms(struct audit *a, int64_t ms)
{
	pthread_mutex_lock(&a->mtx);
	a->retry_ms = ms < 0 ? 0 : ms;
	pthread_mutex_unlock(&a->mtx);
}

void
audit_set_deadline_ms(struct audit *a, int64_t ms)
{
	pthread_mutex_lock(&a->mtx);
	a->deadline_ms = ms <= 0 ? AUDIT_DEADLINE_MS : ms;
	pthread_mutex_unlock(&a->mtx);
}

void
audit_interrupt(struct audit *a)
{
	int64_t	 now = util_mono_ms();

	atomic_store(&a->interrupted, now != 0 ? now : 1);
}

bool
audit_last_spooled(struct audit *a)
{
	bool	 v;

	pthread_mutex_lock(&a->mtx);
	v = a->last_spooled;
	pthread_mutex_unlock(&a->mtx);
	return (v);
}

/* --- identity -------------------------------------------------------------- */

static char	*audit_spool_forced;

void
audit_spool_override(const char *path)
{
	free(audit_spool_forced);
	audit_spool_forced = path != NULL ? xstrdup(path) : NULL;
}

char *
audit_spool_path(void)
{
	const char	*state, *home;
	struct passwd	*pw;

	if (audit_spool_forced != NULL)
		return (xstrdup(audit_spool_forced));
	state = getenv("XDG_STATE_HOME");
	if (state != NULL && *state == '/')
		return (xasprintf("%s/bbbctl/audit.spool", state));
	home = getenv("HOME");
	if (home == NULL || *home != '/') {
		pw = getpwuid(getuid());
		home = pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/tmp";
	}
	return (xasprintf("%s/.local/state/bbbctl/audit.spool", home));
}

/*
 * The identity of a fleet: FNV-1a (64 bits) over the consul and scalelite
 * URLs, the two addresses that say which fleet this is.  It is computed,
 * not stored, so nothing beside the config can be lost or copied with the
 * wrong file, and it survives any edit of other keys (refresh, colours,
 * credentials, a renamed [cluster] name keeps its records findable by id);
 * only pointing bbbctl at another consul or scalelite makes it another
 * fleet, which is what it then is.
 */
char *
audit_cluster_id(const struct config *cfg)
{
	const char	*parts[2];
	const u_char	*p;
	uint64_t	 h = UINT64_C(14695981039346656037);
	size_t		 i;

	parts[0] = cfg != NULL ? cfg->consul.url : NULL;
	parts[1] = cfg != NULL ? cfg->scalelite.url : NULL;
	for (i = 0; i < nitems(parts); i++) {
		for (p = (const u_char *)(parts[i] != NULL ? parts[i] : "");
		    *p != '\0'; p++) {
			h ^= *p;
			h *= UINT64_C(1099511628211);
		}
		h ^= '\n';
		h *= UINT64_C(1099511628211);
	}
	return (xasprintf("%016" PRIx64, h));
}

/* This cluster's spool: audit-<name>-<id>.spool beside audit.spool. */
char *
audit_spool_path_for(const char *cluster, const char *id)
{
	char	*shared, *slash, *name, *c, *p;

	shared = audit_spool_path();
	if (audit_spool_forced != NULL)
		return (shared);
	name = xstrdup(cluster);
	for (c = name; *c != '\0'; c++) {
		if (!isalnum((u_char)*c) && *c != '.' && *c != '_' &&
		    *c != '-')
			*c = '_';
	}
	slash = strrchr(shared, '/');
	*slash = '\0';
	p = xasprintf("%s/audit-%s-%s.spool", shared, name, id);
	free(name);
	free(shared);
	return (p);
}

char *
audit_operator(void)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];

	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 &&
	    res != NULL && res->pw_name != NULL && *res->pw_name != '\0')
		return (xstrdup(res->pw_name));
	return (xasprintf("uid %lu", (unsigned long)getuid()));
}

/* The first word of an SSH_CLIENT / SSH_CONNECTION value, if an address. */
static char *
audit_origin_word(const char *v)
{
	size_t	 n, i;

	if (v == NULL)
		return (NULL);
	while (*v == ' ')
		v++;
	n = strcspn(v, " ");
	if (n == 0)
		return (NULL);
	if (n > 64)
		return (xstrdup("unknown"));
	for (i = 0; i < n; i++) {
		if (!isxdigit((u_char)v[i]) && v[i] != '.' && v[i] != ':' &&
		    v[i] != '%')
			return (xstrdup("unknown"));
	}
	return (xstrndup(v, n));
}

char *
audit_origin_from(const char *ssh_client, const char *ssh_connection)
{
	char	*o;

	if ((o = audit_origin_word(ssh_client)) != NULL)
		return (o);
	if ((o = audit_origin_word(ssh_connection)) != NULL)
		return (o);
	return (xstrdup("local"));
}

char *
audit_origin(void)
{
	return (audit_origin_from(getenv("SSH_CLIENT"),
	    getenv("SSH_CONNECTION")));
}

char *
audit_uuid_new(void)
{
	uint8_t	 b[16];
	size_t	 got = 0;
	ssize_t	 n;
	int64_t	 t;

	while (got < sizeof b) {
		n = getrandom(b + got, sizeof b - got, 0);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			/* No entropy source: time and pid, still unique. */
			t = util_wall_ms() ^ ((int64_t)getpid() << 40) ^
			    util_mono_ms();
			memcpy(b, &t, sizeof t);
			t = (int64_t)(uintptr_t)&t ^ util_mono_ms();
			memcpy(b + 8, &t, sizeof t);
			break;
		}
		got += (size_t)n;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	return (xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]));
}

/* --- masking --------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 if invalid. */
static size_t
audit_utf8_len(const u_char *p)
{
	size_t	 n, i;
	uint32_t	 cp;

	if (p[0] < 0x80)
		return (1);
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (n);
}

/*
 * Invalid UTF-8 (which PostgreSQL and JSON both refuse, and which would
 * stall a replay) becomes '?', in place.
 */
static void
audit_fix_utf8(char *s)
{
	u_char	*p = (u_char *)s;
	size_t	 n;

	while (*p != '\0') {
		if ((n = audit_utf8_len(p)) == 0) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

/* A copy of s with every secret replaced, cut to AUDIT_FIELD_MAX; or NULL. */
static char *
audit_mask(const struct audit *a, const char *s)
{
	struct buf	 b = { 0 };
	const char	*p, *hit, *best;
	char		*m;
	size_t		 i, len, bestlen;

	if (s == NULL)
		return (NULL);
	p = s;
	for (;;) {
		best = NULL;
		bestlen = 0;
		for (i = 0; i < a->nsecrets; i++) {
			hit = strstr(p, a->secrets[i]);
			if (hit != NULL && (best == NULL || hit < best)) {
				best = hit;
				bestlen = strlen(a->secrets[i]);
			}
		}
		if (best == NULL)
			break;
		buf_add(&b, p, (size_t)(best - p));
		buf_adds(&b, AUDIT_MASK);
		p = best + bestlen;
	}
	buf_adds(&b, p);
	if (b.data == NULL)
		return (xstrdup(""));
	/* And every form of the process's secrets (mask.h). */
	if (mask_has(b.data)) {
		m = mask_text(b.data);
		buf_free(&b);
		buf_adds(&b, m);
		free(m);
	}
	audit_fix_utf8(b.data);
	len = b.len;
	if (len > AUDIT_FIELD_MAX) {
		/* Cut on a UTF-8 boundary. */
		len = AUDIT_FIELD_MAX;
		while (len > 0 && ((u_char)b.data[len] & 0xc0) == 0x80)
			len--;
		b.data[len] = '\0';
	}
	return (buf_steal(&b));
}

/* Masked copies of a record's strings (owned by the struct). */
struct audit_masked {
	struct audit_rec r;
	char		*s[8];
};

static void
audit_masked_init(const struct audit *a, const struct audit_rec *in,
    struct audit_masked *m)
{
	m->r = *in;
	m->r.uuid = m->s[0] = audit_mask(a, in->uuid);
	m->r.event = m->s[1] = audit_mask(a, in->event);
	m->r.verb = m->s[2] = audit_mask(a, in->verb);
	m->r.target = m->s[3] = audit_mask(a, in->target);
	m->r.plan = m->s[4] = audit_mask(a, in->plan);
	m->r.result = m->s[5] = audit_mask(a, in->result);
	m->r.operator_ = m->s[6] = audit_mask(a, in->operator_);
	m->r.origin = m->s[7] = audit_mask(a, in->origin);
	if (m->r.at_ms == 0)
		m->r.at_ms = util_wall_ms();
	/* Every record is this cluster's: a spool never mixes fleets. */
	m->r.cluster = a->cluster;
	m->r.cluster_id = a->cluster_id;
}

static void
audit_masked_free(struct audit_masked *m)
{
	size_t	 i;

	for (i = 0; i < nitems(m->s); i++)
		free(m->s[i]);
}

/* --- spool format ---------------------------------------------------------- */

static void
audit_json_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
	else
		json_object_set_new(o, k, json_null());
}

char *
audit_spool_format(const struct audit_rec *r, const char *host)
{
	json_t	*o;
	char	*s, *out;

	o = json_object();
	audit_json_str(o, "uuid", r->uuid);
	audit_json_str(o, "event", r->event);
	json_object_set_new(o, "job_id", json_integer(r->job_id));
	audit_json_str(o, "verb", r->verb);
	audit_json_str(o, "target", r->target);
	audit_json_str(o, "plan", r->plan);
	audit_json_str(o, "result", r->result);
	audit_json_str(o, "operator", r->operator_);
	audit_json_str(o, "origin", r->origin);
	json_object_set_new(o, "at_ms", json_integer(r->at_ms));
	json_object_set_new(o, "duration_ms", json_integer(r->duration_ms));
	audit_json_str(o, "host", host);
	if (r->cluster != NULL)
		audit_json_str(o, "cluster", r->cluster);
	if (r->cluster_id != NULL)
		audit_json_str(o, "cluster_id", r->cluster_id);
	/* JSON_COMPACT with no JSON_INDENT never puts a newline in. */
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (s == NULL)
		fatalx("audit: json_dumps failed");
	out = xstrdup(s);
	free(s);
	return (out);
}

static int
audit_json_get_str(json_t *o, const char *k, bool required, char **out,
    char **cause)
{
	json_t	*v;

	v = json_object_get(o, k);
	if (v == NULL || json_is_null(v)) {
		if (required) {
			*cause = xasprintf("no \"%s\"", k);
			return (-1);
		}
		*out = NULL;
		return (0);
	}
	if (!json_is_string(v)) {
		*cause = xasprintf("\"%s\" is not a string", k);
		return (-1);
	}
	*out = xstrdup(json_string_value(v));
	return (0);
}

static int
audit_json_get_int(json_t *o, const char *k, int64_t min, int64_t max,
    int64_t dflt, int64_t *out, char **cause)
{
	json_t		*v;
	json_int_t	 n;

	v = json_object_get(o, k);
	if (v == NULL || json_is_null(v)) {
		*out = dflt;
		return (0);
	}
	if (!json_is_integer(v)) {
		*cause = xasprintf("\"%s\" is not an integer", k);
		return (-1);
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		*cause = xasprintf("\"%s\" is out of range", k);
		return (-1);
	}
	*out = n;
	return (0);
}

void
audit_entry_clear(struct audit_entry *e)
{
	free(e->uuid);
	free(e->event);
	free(e->verb);
	free(e->target);
	free(e->plan);
	free(e->result);
	free(e->operator_);
	free(e->origin);
	free(e->host);
	free(e->cluster);
	free(e->cluster_id);
	memset(e, 0, sizeof *e);
}

int
audit_spool_parse(const char *line, struct audit_entry *e, char **cause)
{
	json_t		*o;
	json_error_t	 jerr;
	int64_t		 n;
	char		*why = NULL;

	memset(e, 0, sizeof *e);
	o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		*cause = xasprintf("not JSON: %s", jerr.text);
		return (-1);
	}
	if (!json_is_object(o)) {
		why = xstrdup("not an object");
		goto fail;
	}
	if (audit_json_get_str(o, "uuid", true, &e->uuid, &why) != 0 ||
	    audit_json_get_str(o, "event", true, &e->event, &why) != 0 ||
	    audit_json_get_str(o, "verb", true, &e->verb, &why) != 0 ||
	    audit_json_get_str(o, "target", false, &e->target, &why) != 0 ||
	    audit_json_get_str(o, "plan", false, &e->plan, &why) != 0 ||
	    audit_json_get_str(o, "result", false, &e->result, &why) != 0 ||
	    audit_json_get_str(o, "operator", true, &e->operator_, &why) != 0 ||
	    audit_json_get_str(o, "origin", true, &e->origin, &why) != 0 ||
	    audit_json_get_str(o, "host", false, &e->host, &why) != 0 ||
	    audit_json_get_str(o, "cluster", false, &e->cluster, &why) != 0 ||
	    audit_json_get_str(o, "cluster_id", false, &e->cluster_id,
	    &why) != 0)
		goto fail;
	if (*e->uuid == '\0') {
		why = xstrdup("empty \"uuid\"");
		goto fail;
	}
	if (audit_json_get_int(o, "job_id", 0, UINT32_MAX, 0, &n, &why) != 0)
		goto fail;
	e->job_id = (uint32_t)n;
	if (audit_json_get_int(o, "at_ms", 0, INT64_C(253402300799999), -1,
	    &e->at_ms, &why) != 0)
		goto fail;
	if (e->at_ms < 0) {
		why = xstrdup("no \"at_ms\"");
		goto fail;
	}
	if (audit_json_get_int(o, "duration_ms", INT64_MIN, INT64_MAX, -1,
	    &e->duration_ms, &why) != 0)
		goto fail;
	if (e->duration_ms < 0)
		e->duration_ms = -1;
	e->spooled = true;
	json_decref(o);
	return (0);

fail:
	json_decref(o);
	audit_entry_clear(e);
	*cause = why;
	return (-1);
}

/* --- spool file -------------------------------------------------------------- */

/* The directories above the spool file path. */
static int
audit_mkdirs(const char *path, char **cause)
{
	char	*dir, *p;
	int	 rc;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return (0);
	}
	*p = '\0';
	rc = util_mkdirs(dir, cause);
	free(dir);
	return (rc);
}

/* Open the spool (created 0600) and take its lock.  fd or -1. */
static int
audit_spool_open(const char *path, int flags, bool create, char **cause)
{
	struct stat	 st;
	int		 fd;

	if (create && audit_mkdirs(path, cause) != 0)
		return (-1);
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW |
	    (create ? O_CREAT : 0), 0600);
	if (fd == -1) {
		if (!create && errno == ENOENT)
			return (-2);
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (flock(fd, LOCK_EX) == -1) {
		*cause = xasprintf("%s: lock: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
		(void)fchmod(fd, 0600);
	return (fd);
}

static int
audit_write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
audit_spool_append(const char *path, const char *line, char **cause)
{
	struct buf	 b = { 0 };
	int		 fd, rc = -1;

	if ((fd = audit_spool_open(path, O_WRONLY | O_APPEND, true,
	    cause)) < 0)
		return (-1);
	buf_adds(&b, line);
	buf_addc(&b, '\n');
	if (audit_write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	close(fd);
	return (rc);
}

/* Read a whole (locked) file from its start. */
static int
audit_read_fd(int fd, struct buf *b)
{
	char	 tmp[8192];
	ssize_t	 n;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return (-1);
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		buf_add(b, tmp, (size_t)n);
	}
	return (0);
}

/* Split into lines in place; calls fn for each non-empty one. */
static int
audit_each_line(char *data, size_t len, int (*fn)(void *, char *, size_t),
    void *arg)
{
	char	*p, *end, *nl;
	size_t	 no = 0;

	if (data == NULL)
		return (0);
	p = data;
	end = data + len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl != NULL)
			*nl = '\0';
		no++;
		if (*p != '\0' && fn(arg, p, no) != 0)
			return (-1);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return (0);
}

/* --- database ------------------------------------------------------------- */

/* A libpq error message, one line, without the trailing newline. */
static char *
audit_pq_error(const char *what, const char *msg)
{
	char	*s, *p;

	s = xasprintf("%s: %s", what, msg != NULL && *msg != '\0' ? msg :
	    "unknown error");
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	while (p > s && p[-1] == ' ')
		*--p = '\0';
	return (s);
}

static void
audit_disconnect(struct audit *);

/*
 * The database failed (did not answer in time, could not be reached):
 * drop the connection, and for retry_ms spool without trying again.
 */
static void
audit_fail(struct audit *a, const char *cause)
{
	audit_disconnect(a);
	a->failed_at = util_mono_ms();
	if (a->failed_at == 0)
		a->failed_at = 1;
	free(a->failed_cause);
	a->failed_cause = xstrdup(cause);
}

/* This call's deadline: short just after a job was cancelled. */
static int64_t
audit_deadline(struct audit *a)
{
	int64_t	 when = atomic_load(&a->interrupted);

	if (when != 0 && util_mono_ms() - when < AUDIT_CANCEL_WINDOW_MS &&
	    a->deadline_ms > AUDIT_CANCEL_DEADLINE_MS)
		return (AUDIT_CANCEL_DEADLINE_MS);
	return (a->deadline_ms);
}

/*
 * Wait until conn's socket is readable (or writable), the deadline
 * passes or an audit_interrupt() arrives for the call in progress.  0,
 * or -1 with *cause.
 */
static int
audit_wait(struct audit *a, bool wr, int64_t deadline, char **cause)
{
	struct pollfd	 pfd;
	int64_t		 now, left;
	int		 n;

	pfd.fd = PQsocket(a->conn);
	if (pfd.fd < 0) {
		*cause = xstrdup("audit database: no connection");
		return (-1);
	}
	pfd.events = wr ? POLLOUT : POLLIN;
	for (;;) {
		now = util_mono_ms();
		if (atomic_load(&a->interrupted) >= a->op_start) {
			*cause = xstrdup("audit database: interrupted while "
			    "waiting for it (the job was cancelled)");
			return (-1);
		}
		if (now >= deadline) {
			*cause = xasprintf("audit database: no answer within "
			    "%llds (bbbctl's own deadline)",
			    (long long)(audit_deadline(a) / 1000));
			return (-1);
		}
		left = deadline - now;
		if (left > AUDIT_SLICE_MS)
			left = AUDIT_SLICE_MS;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return (0);
		if (n == -1 && errno != EINTR) {
			*cause = xasprintf("audit database: poll: %s",
			    strerror(errno));
			return (-1);
		}
	}
}

/*
 * One statement, non-blocking, within the deadline: *res is its last
 * result (the caller checks and clears it).  -1 with *cause when the
 * server did not answer in time; the connection is then useless.
 */
static int
audit_exec(struct audit *a, const char *sql, int n, const char **vals,
    PGresult **res, char **cause)
{
	PGresult	*r;
	int64_t		 deadline = util_mono_ms() + audit_deadline(a);
	int		 f;

	*res = NULL;
	if (PQsetnonblocking(a->conn, 1) != 0 ||
	    !PQsendQueryParams(a->conn, sql, n, NULL, vals, NULL, NULL, 0)) {
		*cause = audit_pq_error("audit database",
		    PQerrorMessage(a->conn));
		return (-1);
	}
	while ((f = PQflush(a->conn)) == 1) {
		if (audit_wait(a, true, deadline, cause) != 0)
			goto stuck;
	}
	if (f == -1)
		goto error;
	for (;;) {
		while (PQisBusy(a->conn)) {
			if (audit_wait(a, false, deadline, cause) != 0)
				goto stuck;
			if (!PQconsumeInput(a->conn))
				goto error;
		}
		if ((r = PQgetResult(a->conn)) == NULL)
			break;
		PQclear(*res);
		*res = r;
	}
	if (*res == NULL)
		goto error;
	return (0);

error:
	*cause = audit_pq_error("audit database", PQerrorMessage(a->conn));
	PQclear(*res);
	*res = NULL;
	return (-1);

stuck:
	/* Not reconnected at once: a hung server would hang that too. */
	PQclear(*res);
	*res = NULL;
	audit_fail(a, *cause);
	return (-1);
}

static int
audit_exec_ok(struct audit *a, const char *sql, char **cause)
{
	PGresult	*res;
	int		 rc = 0;

	if (audit_exec(a, sql, 0, NULL, &res, cause) != 0)
		return (-1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = audit_pq_error("audit database",
		    PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

/*
 * Connect within the deadline (PQconnectPoll; connect_timeout is set
 * too, for each address libpq tries).
 */
static int
audit_connect_start(struct audit *a, const char **keys, const char **vals,
    char **cause)
{
	PostgresPollingStatusType	 st = PGRES_POLLING_WRITING;
	int64_t				 deadline;

	deadline = util_mono_ms() + audit_deadline(a);
	a->conn = PQconnectStartParams(keys, vals, 1);
	if (a->conn == NULL) {
		*cause = xstrdup("audit database: out of memory");
		return (-1);
	}
	if (PQstatus(a->conn) == CONNECTION_BAD)
		goto error;
	for (;;) {
		switch (st) {
		case PGRES_POLLING_OK:
			return (0);
		case PGRES_POLLING_FAILED:
			goto error;
		case PGRES_POLLING_READING:
			if (audit_wait(a, false, deadline, cause) != 0)
				return (-1);
			break;
		default:
			if (audit_wait(a, true, deadline, cause) != 0)
				return (-1);
			break;
		}
		st = PQconnectPoll(a->conn);
	}

error:
	*cause = audit_pq_error("audit database", PQerrorMessage(a->conn));
	return (-1);
}

static void
audit_disconnect(struct audit *a)
{
	if (a->conn != NULL)
		PQfinish(a->conn);
	a->conn = NULL;
}

static void
audit_notice_cb(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* "relation already exists, skipping" and such */
}

static int
audit_insert(struct audit *, const struct audit_rec *, const char *,
    char **);
static int
audit_replay(struct audit *, char **);

/*
 * The shared spool of older versions held every fleet's records (and the
 * demo's): it is never replayed into whatever database is configured now.
 * It is kept, and said once per process.
 */
char *
audit_legacy_spool(void)
{
	struct stat	 sb;
	char		*old;

	if (audit_spool_forced != NULL)
		return (NULL);
	old = audit_spool_path();
	if (stat(old, &sb) == 0 && sb.st_size > 0)
		return (old);
	free(old);
	return (NULL);
}

static void
audit_legacy_warn(struct audit *a)
{
	char	*old;

	if (a->legacy_told)
		return;
	if ((old = audit_legacy_spool()) != NULL) {
		log_warn("audit: %s is an old shared spool (records of any "
		    "cluster); not replayed, kept: replay it by hand into "
		    "the database of its cluster", old);
		a->legacy_told = true;
	}
	free(old);
}

/* Connect (if not connected), create the table, replay the spool. */
static int
audit_connect(struct audit *a, bool force, char **cause)
{
	const char	*keys[] = { "connect_timeout", "application_name",
			    "dbname", NULL };
	const char	*vals[] = { "5", "bbbctl", NULL, NULL };

	/* Connected: replay what this or another process spooled since. */
	if (a->conn != NULL && PQstatus(a->conn) == CONNECTION_OK)
		return (audit_replay(a, cause));
	audit_disconnect(a);
	if (a->conninfo == NULL) {
		*cause = xstrdup("audit database: [postgres] conninfo is not "
		    "set");
		return (-1);
	}
	if (a->conninfo_bad) {
		/* libpq's own message may quote the password. */
		*cause = xstrdup("audit database: [postgres] conninfo cannot "
		    "be parsed (libpq's message is not shown: it may quote "
		    "the password)");
		return (-1);
	}
	if (!force && a->failed_at != 0 && a->retry_ms > 0 &&
	    util_mono_ms() - a->failed_at < a->retry_ms) {
		*cause = xstrdup(a->failed_cause != NULL ? a->failed_cause :
		    "audit database: unreachable");
		return (-1);
	}
	/* connect_timeout first: the conninfo may set its own. */
	vals[2] = a->conninfo;
	if (audit_connect_start(a, keys, vals, cause) != 0)
		goto fail;
	PQsetNoticeProcessor(a->conn, audit_notice_cb, NULL);
	/*
	 * No statement may wait for ever (a table locked by a migration,
	 * a VACUUM FULL): a job's record is spooled instead, the audit
	 * view says so, and quitting never waits on a hung database.
	 */
	if (audit_exec_ok(a, audit_timeout_sql, cause) != 0 ||
	    audit_exec_ok(a, audit_schema_sql, cause) != 0 ||
	    audit_exec_ok(a, audit_migrate_sql, cause) != 0 ||
	    audit_exec_ok(a, audit_index_sql, cause) != 0)
		goto fail;
	a->failed_at = 0;
	audit_legacy_warn(a);
	if (audit_replay(a, cause) != 0) {
		/* Connected, but the spool stays: the next record tries. */
		return (-1);
	}
	return (0);

fail:
	audit_fail(a, *cause);
	return (-1);
}

static int
audit_insert(struct audit *a, const struct audit_rec *r, const char *host,
    char **cause)
{
	PGresult	*res;
	const char	*vals[14];
	char		 job[32], at[32], dur[32];
	int		 rc = 0;

	if (r->uuid == NULL || r->event == NULL || r->verb == NULL ||
	    r->operator_ == NULL || r->origin == NULL) {
		*cause = xstrdup("audit: record without uuid, event, verb, "
		    "operator or origin");
		return (-1);
	}
	snprintf(job, sizeof job, "%" PRIu32, r->job_id);
	snprintf(at, sizeof at, "%" PRId64, r->at_ms);
	snprintf(dur, sizeof dur, "%" PRId64, r->duration_ms);
	vals[0] = r->uuid;
	vals[1] = r->event;
	vals[2] = r->job_id != 0 ? job : NULL;
	vals[3] = r->verb;
	vals[4] = r->target;
	vals[5] = r->plan;
	vals[6] = r->result;
	vals[7] = r->operator_;
	vals[8] = r->origin;
	vals[9] = at;
	vals[10] = r->duration_ms >= 0 ? dur : NULL;
	vals[11] = host;
	vals[12] = r->cluster;
	vals[13] = r->cluster_id;
	if (audit_exec(a, audit_insert_sql, 14, vals, &res, cause) != 0)
		return (-1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = audit_pq_error("audit insert",
		    PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

struct audit_replay_state {
	struct audit	*a;
	char		*cause;
	struct buf	 rejected;
	size_t		 done;
};

static int
audit_replay_line_cb(void *arg, char *line, size_t no)
{
	struct audit_replay_state	*st = arg;
	struct audit_entry		 e;
	struct audit_rec		 r;
	char				*why = NULL;
	int				 rc;

	if (audit_spool_parse(line, &e, &why) != 0) {
		log_warn("audit spool line %zu: %s; kept in %s.rejected",
		    no, why, st->a->spool);
		free(why);
		buf_adds(&st->rejected, line);
		buf_addc(&st->rejected, '\n');
		return (0);
	}
	if (e.cluster_id != NULL &&
	    strcmp(e.cluster_id, st->a->cluster_id) != 0) {
		/* Another fleet's record: never into this database. */
		log_warn("audit spool line %zu: cluster %s (%s) is not this "
		    "one; kept in %s.rejected", no, e.cluster != NULL ?
		    e.cluster : "?", e.cluster_id, st->a->spool);
		audit_entry_clear(&e);
		buf_adds(&st->rejected, line);
		buf_addc(&st->rejected, '\n');
		return (0);
	}
	memset(&r, 0, sizeof r);
	r.cluster = st->a->cluster;
	r.cluster_id = st->a->cluster_id;
	r.uuid = e.uuid;
	r.event = e.event;
	r.verb = e.verb;
	r.target = e.target;
	r.plan = e.plan;
	r.result = e.result;
	r.operator_ = e.operator_;
	r.origin = e.origin;
	r.at_ms = e.at_ms;
	r.duration_ms = e.duration_ms;
	r.job_id = e.job_id;
	rc = audit_insert(st->a, &r, e.host, &st->cause);
	audit_entry_clear(&e);
	if (rc == 0)
		st->done++;
	return (rc);
}

/* Replay the spool into the (connected) database; truncate when done. */
static int
audit_replay(struct audit *a, char **cause)
{
	struct audit_replay_state	 st;
	struct buf			 data = { 0 };
	char				*rej;
	int				 fd, rc = -1;

	fd = audit_spool_open(a->spool, O_RDWR, false, cause);
	if (fd == -2)
		return (0);
	if (fd < 0)
		return (-1);
	if (audit_read_fd(fd, &data) != 0) {
		*cause = xasprintf("%s: %s", a->spool, strerror(errno));
		goto out;
	}
	if (data.len == 0) {
		rc = 0;
		goto out;
	}
	memset(&st, 0, sizeof st);
	st.a = a;
	if (audit_each_line(data.data, data.len, audit_replay_line_cb,
	    &st) != 0) {
		*cause = st.cause;
		buf_free(&st.rejected);
		log_warn("audit: replay of %s stopped after %zu records",
		    a->spool, st.done);
		goto out;
	}
	if (st.rejected.len != 0) {
		/* audit_spool_append() ends the last line itself. */
		st.rejected.data[--st.rejected.len] = '\0';
		rej = xasprintf("%s.rejected", a->spool);
		if (audit_spool_append(rej, st.rejected.data, cause) != 0) {
			free(rej);
			buf_free(&st.rejected);
			goto out;
		}
		free(rej);
	}
	buf_free(&st.rejected);
	if (ftruncate(fd, 0) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: truncate: %s", a->spool,
		    strerror(errno));
		goto out;
	}
	log_info("audit: replayed %zu spooled records", st.done);
	rc = 0;
out:
	buf_free(&data);
	close(fd);
	return (rc);
}

int
audit_record(struct audit *a, const struct audit_rec *rec, char **cause)
{
	struct audit_masked	 m;
	char			*why = NULL, *why2 = NULL, *line, *serr = NULL;
	int			 rc = 0;

	*cause = NULL;
	pthread_mutex_lock(&a->mtx);
	a->op_start = util_mono_ms();
	audit_masked_init(a, rec, &m);
	if (audit_connect(a, false, &why) == 0) {
		if (audit_insert(a, &m.r, a->host, &why) == 0)
			goto done;
		if (a->conn != NULL && PQstatus(a->conn) != CONNECTION_OK) {
			/*
			 * The server went away: one reconnect (not after
			 * our deadline passed: then conn is NULL).
			 */
			audit_disconnect(a);
			if (audit_connect(a, true, &why2) == 0 &&
			    audit_insert(a, &m.r, a->host, &why2) == 0) {
				free(why);
				why = NULL;
				free(why2);
				goto done;
			}
			free(why);
			why = why2;
		}
	}

	/* To the spool. */
	line = audit_spool_format(&m.r, a->host);
	if (audit_spool_append(a->spool, line, &serr) != 0) {
		*cause = xasprintf("%s; and the spool failed too: %s",
		    why != NULL ? why : "audit database", serr);
		log_error("audit: record %s LOST: %s", m.r.uuid != NULL ?
		    m.r.uuid : "?", *cause);
		free(serr);
		free(why);
		rc = -1;
	} else {
		*cause = why;
		log_info("audit: record %s spooled: %s", m.r.uuid != NULL ?
		    m.r.uuid : "?", why != NULL ? why : "");
		if (!atomic_exchange(&audit_spool_told, true)) {
			if (a->conninfo == NULL)
				log_warn("audit: no database ([postgres] "
				    "conninfo unset); audit records kept in %s",
				    a->spool);
			else
				log_warn("%s; audit records kept in %s until "
				    "it is back", why != NULL ? why :
				    "audit database unreachable", a->spool);
		}
	}
	free(line);
	a->last_spooled = true;
	audit_masked_free(&m);
	pthread_mutex_unlock(&a->mtx);
	return (rc);

done:
	a->last_spooled = false;
	atomic_store(&audit_spool_told, false);
	audit_masked_free(&m);
	pthread_mutex_unlock(&a->mtx);
	return (0);
}

/* --- listing ----------------------------------------------------------------- */

static void
audit_list_push(struct audit_list *l, struct audit_entry *e)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *e;
	memset(e, 0, sizeof *e);
}

static char *
audit_pq_str(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (NULL);
	return (xstrdup(PQgetvalue(res, row, col)));
}

static int64_t
audit_pq_int(PGresult *res, int row, int col, int64_t dflt)
{
	long long	 v;
	const char	*why;

	if (PQgetisnull(res, row, col))
		return (dflt);
	if (util_parse_ll(PQgetvalue(res, row, col), INT64_MIN, INT64_MAX, &v,
	    &why) != 0)
		return (dflt);
	return (v);
}

static int
audit_list_db(struct audit *a, int64_t since_ms, size_t limit,
    struct audit_list *l, char **cause)
{
	PGresult		*res;
	struct audit_entry	 e;
	const char		*vals[3];
	char			 since[32], lim[32];
	int			 i, n;

	snprintf(since, sizeof since, "%" PRId64, since_ms);
	snprintf(lim, sizeof lim, "%zu", limit != 0 ? limit : (size_t)INT64_MAX);
	vals[0] = since;
	vals[1] = lim;
	vals[2] = a->all_clusters ? NULL : a->cluster_id;
	if (audit_exec(a, audit_select_sql, 3, vals, &res, cause) != 0)
		return (-1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*cause = audit_pq_error("audit select",
		    PQresultErrorMessage(res));
		PQclear(res);
		return (-1);
	}
	n = PQntuples(res);
	for (i = n - 1; i >= 0; i--) {		/* newest last */
		memset(&e, 0, sizeof e);
		e.uuid = audit_pq_str(res, i, 0);
		e.event = audit_pq_str(res, i, 1);
		e.job_id = (uint32_t)audit_pq_int(res, i, 2, 0);
		e.verb = audit_pq_str(res, i, 3);
		e.target = audit_pq_str(res, i, 4);
		e.plan = audit_pq_str(res, i, 5);
		e.result = audit_pq_str(res, i, 6);
		e.operator_ = audit_pq_str(res, i, 7);
		e.origin = audit_pq_str(res, i, 8);
		e.at_ms = audit_pq_int(res, i, 9, 0);
		e.duration_ms = audit_pq_int(res, i, 10, -1);
		e.host = audit_pq_str(res, i, 11);
		e.cluster = audit_pq_str(res, i, 12);
		e.cluster_id = audit_pq_str(res, i, 13);
		audit_list_push(l, &e);
	}
	PQclear(res);
	return (0);
}

struct audit_list_state {
	struct audit_list	*l;
	int64_t			 since_ms;
};

static int
audit_list_line_cb(void *arg, char *line, size_t no)
{
	struct audit_list_state	*st = arg;
	struct audit_entry	 e;
	char			*why = NULL;

	if (audit_spool_parse(line, &e, &why) != 0) {
		log_warn("audit spool line %zu: %s", no, why);
		free(why);
		return (0);
	}
	if (e.at_ms < st->since_ms) {
		audit_entry_clear(&e);
		return (0);
	}
	audit_list_push(st->l, &e);
	return (0);
}

static int
audit_entry_cmp(const void *va, const void *vb)
{
	const struct audit_entry	*ea = va, *eb = vb;

	if (ea->at_ms != eb->at_ms)
		return (ea->at_ms < eb->at_ms ? -1 : 1);
	if (ea->spooled != eb->spooled)
		return (ea->spooled ? 1 : -1);
	return (0);
}

/* Mask the secrets of a in a listed record's text. */
static void
audit_entry_mask(const struct audit *a, struct audit_entry *e)
{
	char	**f[] = { &e->event, &e->verb, &e->target, &e->plan,
		    &e->result, &e->operator_, &e->origin, &e->host };
	char	 *m;
	size_t	  i;

	for (i = 0; i < nitems(f); i++) {
		if (*f[i] == NULL)
			continue;
		m = audit_mask(a, *f[i]);
		free(*f[i]);
		*f[i] = m;
	}
}

const char *
audit_cluster(struct audit *a)
{
	return (a->cluster);
}

const char *
audit_cluster_ident(struct audit *a)
{
	return (a->cluster_id);
}

const char *
audit_spool_file(struct audit *a)
{
	return (a->spool);
}

void
audit_set_all_clusters(struct audit *a, bool all)
{
	pthread_mutex_lock(&a->mtx);
	a->all_clusters = all;
	pthread_mutex_unlock(&a->mtx);
}

int
audit_list(struct audit *a, int64_t since_ms, size_t limit,
    struct audit_list *l, char **cause)
{
	struct audit_list_state	 st;
	struct buf		 data = { 0 };
	char			*why = NULL;
	int			 fd, rc = -1;
	bool			 db_ok = false;
	size_t			 i, drop;

	memset(l, 0, sizeof *l);
	pthread_mutex_lock(&a->mtx);
	a->op_start = util_mono_ms();
	if (audit_connect(a, true, &why) == 0) {
		if (audit_list_db(a, since_ms, limit, l, &why) == 0)
			db_ok = true;
	} else if (a->conn != NULL && PQstatus(a->conn) == CONNECTION_OK) {
		/* Connected, the replay failed: still list the table. */
		l->db_error = why;
		why = NULL;
		if (audit_list_db(a, since_ms, limit, l, &why) == 0)
			db_ok = true;
	}
	if (!db_ok) {
		free(l->db_error);
		l->db_error = why;
		why = NULL;
	}

	fd = audit_spool_open(a->spool, O_RDONLY, false, &why);
	if (fd == -2)
		rc = 0;
	else if (fd >= 0) {
		if (audit_read_fd(fd, &data) == 0) {
			st.l = l;
			st.since_ms = since_ms;
			audit_each_line(data.data, data.len,
			    audit_list_line_cb, &st);
			rc = 0;
		} else
			why = xasprintf("%s: %s", a->spool, strerror(errno));
		close(fd);
		buf_free(&data);
	}
	if (rc != 0 && db_ok) {
		/* The table was read: the spool's error is a warning. */
		log_warn("audit: %s", why);
		rc = 0;
	}
	pthread_mutex_unlock(&a->mtx);
	if (rc != 0 && !db_ok) {
		*cause = xasprintf("%s; %s", l->db_error != NULL ?
		    l->db_error : "audit database", why);
		free(why);
		audit_list_free(l);
		return (-1);
	}
	free(why);

	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, audit_entry_cmp);
	if (limit != 0 && l->n > limit) {
		drop = l->n - limit;
		for (i = 0; i < drop; i++)
			audit_entry_clear(&l->v[i]);
		memmove(l->v, l->v + drop, limit * sizeof *l->v);
		l->n = limit;
	}
	/*
	 * The table is shared: a record from elsewhere (another console,
	 * an older bbbctl, a hand in psql) may carry a secret of ours.
	 */
	for (i = 0; i < l->n; i++)
		audit_entry_mask(a, &l->v[i]);
	return (0);
}

void
audit_list_free(struct audit_list *l)
{
	size_t	 i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		audit_entry_clear(&l->v[i]);
	free(l->v);
	free(l->db_error);
	memset(l, 0, sizeof *l);
}
