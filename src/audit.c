/*
 * audit.c: the audit trail (see audit.h): PostgreSQL through libpq, and
 * the local spool when the database cannot be reached.
 *
 * A write connects (connect_timeout 5 s), creates the table when it is
 * missing, replays the spool, inserts the record; any failure on the way
 * sends the record to the spool instead.  A replay runs in one
 * transaction under an exclusive flock of the spool: every line goes in
 * with INSERT ... ON CONFLICT (id) DO NOTHING, then the spool is
 * truncated; a crash between the commit and the truncation re-inserts
 * nothing.  Lines that are not records are moved to <spool>.bad.
 */
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "audit.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define AUDIT_SCHEMA \
	"CREATE TABLE IF NOT EXISTS bbbctl_audit (" \
	" id uuid PRIMARY KEY," \
	" job uuid NOT NULL," \
	" event text NOT NULL," \
	" at timestamptz NOT NULL," \
	" operator text NOT NULL," \
	" verb text NOT NULL," \
	" target text NOT NULL," \
	" plan text," \
	" outcome text," \
	" result text," \
	" duration_ms bigint)"

#define AUDIT_INSERT \
	"INSERT INTO bbbctl_audit (id, job, event, at, operator, verb, " \
	"target, plan, outcome, result, duration_ms) VALUES ($1, $2, $3, " \
	"to_timestamp($4::bigint / 1000.0), $5, $6, $7, $8, $9, $10, " \
	"$11::bigint) ON CONFLICT (id) DO NOTHING"

void
audit_uuid(char out[37])
{
	unsigned char	 r[16];
	size_t		 got = 0;
	ssize_t		 n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatalx("getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

char *
audit_spool_path(void)
{
	const char	*e;

	if ((e = getenv("BBBCTL_AUDIT_SPOOL")) != NULL && *e != '\0')
		return (xstrdup(e));
	if ((e = getenv("XDG_STATE_HOME")) != NULL && *e == '/')
		return (xasprintf("%s/bbbctl/audit.spool", e));
	if ((e = getenv("HOME")) != NULL && *e != '\0')
		return (xasprintf("%s/.local/state/bbbctl/audit.spool", e));
	return (xstrdup("audit.spool"));
}

/* mkdir -p of path's directory, 0700. */
static void
audit_mkdirs(const char *path)
{
	char	*d, *p;

	d = xstrdup(path);
	if ((p = strrchr(d, '/')) != NULL && p != d) {
		*p = '\0';
		for (p = d + 1; *p != '\0'; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			(void)mkdir(d, 0700);
			*p = '/';
		}
		(void)mkdir(d, 0700);
	}
	free(d);
}

/* --- records as JSON ----------------------------------------------------- */

static void
audit_set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

char *
audit_record_json(const struct audit_record *r)
{
	json_t	*o;
	char	*s;

	o = json_object();
	audit_set_str(o, "id", r->id);
	audit_set_str(o, "job", r->job);
	audit_set_str(o, "event", r->event);
	json_object_set_new(o, "at_ms", json_integer(r->at_ms));
	audit_set_str(o, "operator", r->operator);
	audit_set_str(o, "verb", r->verb);
	audit_set_str(o, "target", r->target);
	audit_set_str(o, "plan", r->plan);
	audit_set_str(o, "outcome", r->outcome);
	audit_set_str(o, "result", r->result);
	json_object_set_new(o, "duration_ms", r->duration_ms >= 0 ?
	    json_integer(r->duration_ms) : json_null());
	if (r->spooled)
		json_object_set_new(o, "spooled", json_true());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return (s);
}

/*
 * A spool line back into a record; strings borrowed from *o (decref it
 * when done).  -1 when the line is not a record.
 */
static int
audit_record_parse(const char *line, size_t len, struct audit_record *r,
    json_t **o)
{
	json_error_t	 err;
	const char	*id, *job;
	json_t		*d;

	memset(r, 0, sizeof *r);
	if ((*o = json_loadb(line, len, 0, &err)) == NULL)
		return (-1);
	id = json_string_value(json_object_get(*o, "id"));
	job = json_string_value(json_object_get(*o, "job"));
	r->event = json_string_value(json_object_get(*o, "event"));
	r->operator = json_string_value(json_object_get(*o, "operator"));
	r->verb = json_string_value(json_object_get(*o, "verb"));
	r->target = json_string_value(json_object_get(*o, "target"));
	if (id == NULL || strlen(id) != 36 || job == NULL ||
	    strlen(job) != 36 || r->event == NULL || r->operator == NULL ||
	    r->verb == NULL || r->target == NULL ||
	    !json_is_integer(json_object_get(*o, "at_ms"))) {
		json_decref(*o);
		*o = NULL;
		return (-1);
	}
	memcpy(r->id, id, 37);
	memcpy(r->job, job, 37);
	r->at_ms = json_integer_value(json_object_get(*o, "at_ms"));
	r->plan = json_string_value(json_object_get(*o, "plan"));
	r->outcome = json_string_value(json_object_get(*o, "outcome"));
	r->result = json_string_value(json_object_get(*o, "result"));
	d = json_object_get(*o, "duration_ms");
	r->duration_ms = json_is_integer(d) ? json_integer_value(d) : -1;
	return (0);
}

/* --- the database -------------------------------------------------------- */

static void
audit_notice_cb(void *arg, const char *msg)
{
	(void)arg;
	log_debug("postgres: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* One line of libpq's error text. */
static char *
audit_pq_error(const char *what, const char *msg)
{
	return (xasprintf("postgres: %s: %.*s", what,
	    (int)strcspn(msg != NULL ? msg : "", "\n"), msg != NULL ? msg :
	    ""));
}

static PGconn *
audit_connect(const struct config *cfg, char **cause)
{
	static const char *const keys[] = {
		"connect_timeout", "application_name", "dbname", NULL
	};
	const char	*vals[4];
	PGconn		*c;
	PGresult	*res;

	if (cfg->postgres.conninfo == NULL) {
		*cause = xstrdup("postgres: [postgres] conninfo is not set");
		return (NULL);
	}
	vals[0] = "5";
	vals[1] = "bbbctl";
	vals[2] = cfg->postgres.conninfo;
	vals[3] = NULL;
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		*cause = audit_pq_error("connect", c != NULL ?
		    PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return (NULL);
	}
	PQsetNoticeProcessor(c, audit_notice_cb, NULL);
	res = PQexec(c, AUDIT_SCHEMA);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = audit_pq_error("create table",
		    PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c);
		return (NULL);
	}
	PQclear(res);
	return (c);
}

static int
audit_insert(PGconn *c, const struct audit_record *r, char **cause)
{
	const char	*v[11];
	char		 at[32], dur[32];
	PGresult	*res;
	int		 rc = 0;

	snprintf(at, sizeof at, "%" PRId64, r->at_ms);
	snprintf(dur, sizeof dur, "%" PRId64, r->duration_ms);
	v[0] = r->id;
	v[1] = r->job;
	v[2] = r->event;
	v[3] = at;
	v[4] = r->operator;
	v[5] = r->verb;
	v[6] = r->target;
	v[7] = r->plan;
	v[8] = r->outcome;
	v[9] = r->result;
	v[10] = r->duration_ms >= 0 ? dur : NULL;
	res = PQexecParams(c, AUDIT_INSERT, 11, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = audit_pq_error("insert", PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

static int
audit_exec(PGconn *c, const char *sql, char **cause)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = audit_pq_error(sql, PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

/* --- the spool ----------------------------------------------------------- */

static int
audit_spool_append(const char *line, char **cause)
{
	char	*path, *l;
	int	 fd, rc = -1;
	size_t	 len, off = 0;
	ssize_t	 n;

	path = audit_spool_path();
	audit_mkdirs(path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		*cause = xasprintf("audit spool %s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	(void)fchmod(fd, 0600);
	if (flock(fd, LOCK_EX) != 0) {
		*cause = xasprintf("audit spool %s: lock: %s", path,
		    strerror(errno));
		goto out;
	}
	l = xasprintf("%s\n", line);
	len = strlen(l);
	while (off < len) {
		if ((n = write(fd, l + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	free(l);
	if (off != len || fsync(fd) != 0) {
		*cause = xasprintf("audit spool %s: write: %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	free(path);
	return (rc);
}

/* Read all of fd. */
static char *
audit_read_all(int fd, size_t *len)
{
	struct buf	 b = { 0 };
	char		 tmp[8192];
	ssize_t		 n;

	buf_add(&b, "", 0);
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	*len = b.len;
	return (buf_steal(&b));
}

/* Replay under the spool's lock; moved records, or -1. */
static int
audit_replay_conn(PGconn *c, char **cause)
{
	struct audit_record	 r;
	json_t			*o;
	char			*path, *data, *line, *nl, *bad;
	size_t			 len;
	int			 fd, bfd, moved = 0, nbad = 0;

	path = audit_spool_path();
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		free(path);
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("audit spool: %s", strerror(errno));
		return (-1);
	}
	if (flock(fd, LOCK_EX) != 0) {
		*cause = xasprintf("audit spool: lock: %s", strerror(errno));
		close(fd);
		free(path);
		return (-1);
	}
	data = audit_read_all(fd, &len);
	if (len == 0)
		goto done;
	if (audit_exec(c, "BEGIN", cause) != 0)
		goto fail;
	for (line = data; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (nl == line) {
			if (*nl == '\0')
				break;
			continue;
		}
		if (audit_record_parse(line, (size_t)(nl - line), &r,
		    &o) != 0) {
			bad = xasprintf("%s.bad", path);
			bfd = open(bad, O_WRONLY | O_APPEND | O_CREAT |
			    O_CLOEXEC, 0600);
			if (bfd != -1) {
				(void)!write(bfd, line, (size_t)(nl - line));
				(void)!write(bfd, "\n", 1);
				close(bfd);
			}
			free(bad);
			nbad++;
		} else {
			if (audit_insert(c, &r, cause) != 0) {
				json_decref(o);
				(void)audit_exec(c, "ROLLBACK",
				    &(char *){ NULL });
				goto fail;
			}
			json_decref(o);
			moved++;
		}
		if (*nl == '\0')
			break;
	}
	if (audit_exec(c, "COMMIT", cause) != 0)
		goto fail;
	if (ftruncate(fd, 0) != 0 || fsync(fd) != 0)
		log_warn("audit spool: truncate: %s (replayed records stay "
		    "and are skipped next time)", strerror(errno));
	if (nbad > 0)
		log_warn("audit spool: %d unreadable lines moved to %s.bad",
		    nbad, path);
	if (moved > 0)
		log_info("audit: %d spooled records replayed", moved);
done:
	free(data);
	close(fd);
	free(path);
	return (moved);
fail:
	free(data);
	close(fd);
	free(path);
	return (-1);
}

int
audit_replay(const struct config *cfg, char **cause)
{
	PGconn	*c;
	int	 n;

	if ((c = audit_connect(cfg, cause)) == NULL)
		return (-1);
	n = audit_replay_conn(c, cause);
	PQfinish(c);
	return (n);
}

int
audit_write(const struct config *cfg, const struct audit_record *r,
    const char **where, char **cause)
{
	PGconn	*c;
	char	*why = NULL, *line;
	int	 rc;

	*where = NULL;
	if ((c = audit_connect(cfg, &why)) != NULL) {
		if (audit_replay_conn(c, &why) >= 0 &&
		    audit_insert(c, r, &why) == 0) {
			PQfinish(c);
			*where = "database";
			return (0);
		}
		PQfinish(c);
	}
	if (cfg->postgres.conninfo == NULL)
		log_debug("audit: no database; spooling the record");
	else
		log_warn("audit: %s; spooling the record", why);
	line = audit_record_json(r);
	rc = audit_spool_append(line, cause);
	free(line);
	if (rc != 0) {
		free(why);
		return (-1);
	}
	free(why);
	*where = "spool";
	return (0);
}

/* --- listing ------------------------------------------------------------- */

static void
audit_print(FILE *f, const struct audit_record *r, bool json)
{
	char		*s, when[32];
	time_t		 t = (time_t)(r->at_ms / 1000);
	struct tm	 tm;

	if (json) {
		s = audit_record_json(r);
		fprintf(f, "%s\n", s);
		free(s);
		return;
	}
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%-19s  %-20s  %-9s  %-15s %-12s %-9s %s%s\n", when,
	    r->operator, r->event, r->verb, r->target,
	    r->outcome != NULL ? r->outcome : "-",
	    r->result != NULL ? r->result : "",
	    r->spooled ? " (spooled)" : "");
}

int
audit_list(const struct config *cfg, int64_t since, bool json, FILE *f,
    char **cause)
{
	static const char sql[] =
	    "SELECT id, job, event, (extract(epoch from at) * 1000)::bigint,"
	    " operator, verb, target, plan, outcome, result, duration_ms"
	    " FROM bbbctl_audit WHERE at >= to_timestamp($1::bigint / 1000.0)"
	    " ORDER BY at, id";
	struct audit_record	 r;
	PGconn			*c;
	PGresult		*res;
	json_t			*o;
	const char		*v[1];
	char			*why = NULL, *path, *data, *line, *nl, s[32];
	size_t			 len;
	int			 i, n, fd;
	bool			 db = false;
	const char		*errstr;
	long long		 ll;

	if (!json)
		fprintf(f, "%-19s  %-20s  %-9s  %-15s %-12s %-9s %s\n", "TIME",
		    "OPERATOR", "EVENT", "VERB", "TARGET", "OUTCOME",
		    "RESULT");
	snprintf(s, sizeof s, "%" PRId64, since);
	v[0] = s;
	if ((c = audit_connect(cfg, &why)) != NULL) {
		res = PQexecParams(c, sql, 1, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			db = true;
			n = PQntuples(res);
			for (i = 0; i < n; i++) {
				memset(&r, 0, sizeof r);
				snprintf(r.id, sizeof r.id, "%s",
				    PQgetvalue(res, i, 0));
				snprintf(r.job, sizeof r.job, "%s",
				    PQgetvalue(res, i, 1));
				r.event = PQgetvalue(res, i, 2);
				if (util_parse_ll(PQgetvalue(res, i, 3), 0,
				    INT64_MAX, &ll, &errstr) == 0)
					r.at_ms = ll;
				r.operator = PQgetvalue(res, i, 4);
				r.verb = PQgetvalue(res, i, 5);
				r.target = PQgetvalue(res, i, 6);
				r.plan = PQgetisnull(res, i, 7) ? NULL :
				    PQgetvalue(res, i, 7);
				r.outcome = PQgetisnull(res, i, 8) ? NULL :
				    PQgetvalue(res, i, 8);
				r.result = PQgetisnull(res, i, 9) ? NULL :
				    PQgetvalue(res, i, 9);
				r.duration_ms = -1;
				if (!PQgetisnull(res, i, 10) &&
				    util_parse_ll(PQgetvalue(res, i, 10), 0,
				    INT64_MAX, &ll, &errstr) == 0)
					r.duration_ms = ll;
				audit_print(f, &r, json);
			}
		} else
			why = audit_pq_error("select",
			    PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c);
	}
	if (!db)
		fprintf(stderr, "bbbctl: audit: %s; listing the spool "
		    "only\n", why);

	path = audit_spool_path();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1) {
		if (!db) {
			*cause = why;
			return (-1);
		}
		free(why);
		return (0);
	}
	(void)flock(fd, LOCK_SH);
	data = audit_read_all(fd, &len);
	close(fd);
	for (line = data; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (nl > line && audit_record_parse(line,
		    (size_t)(nl - line), &r, &o) == 0) {
			r.spooled = true;
			if (r.at_ms >= since)
				audit_print(f, &r, json);
			json_decref(o);
		}
		if (*nl == '\0')
			break;
	}
	free(data);
	free(why);
	return (0);
}
