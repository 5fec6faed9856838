/*
 * backup-pg.c: the PostgreSQL side of backups (backup.h): the
 * databases, pg_dump, pg_restore --list and the restore test.
 *
 * Every libpq call has a deadline of ours (BACKUP_PG_DEADLINE_MS, as
 * audit.c): connecting with PQconnectPoll, statements sent
 * asynchronously, each wait a poll(2) in slices that also looks at the
 * cancel flag.  pg_dump and pg_restore run through proc.h with a
 * deadline and the cancel flag; the password reaches them in a 0600
 * passfile named by PGPASSFILE in their environment, never in argv.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "backup.h"
#include "proc.h"
#include "util.h"

#define BACKUP_PG_SLICE_MS	100
#define BACKUP_PG_STATEMENT_MS	"0"	/* counts may take long */
#define BACKUP_PG_LIST_MS	(10 * 60 * 1000)
#define BACKUP_PG_RESTORE_MS	(6 * 60 * 60 * 1000)

struct backup_pg {
	const char	**keys;		/* conninfo's options, for us */
	char		**vals;
	size_t		 n;
	char		*dsn;		/* the same without the password */
	char		*passfile;	/* or NULL */
	char		*env;		/* "PGPASSFILE=..." or NULL */
};

static void
backup_pg_quote(struct buf *b, const char *k, const char *v)
{
	const char	*s;

	buf_printf(b, "%s%s='", b->len != 0 ? " " : "", k);
	for (s = v; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

struct backup_pg *
backup_pg_new(const char *conninfo, char **cause)
{
	PQconninfoOption	*opts, *o;
	struct backup_pg	*pg;
	struct buf		 dsn = { 0 }, pf = { 0 };
	const char		*password = NULL, *passfile = NULL, *tmp, *s;
	char			*perr = NULL;
	int			 fd;

	if ((opts = PQconninfoParse(conninfo, &perr)) == NULL) {
		PQfreemem(perr);
		/* libpq's message may quote the password. */
		*cause = xstrdup("[postgres] conninfo cannot be parsed");
		return (NULL);
	}
	pg = xcalloc(1, sizeof *pg);
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || *o->val == '\0')
			continue;
		pg->keys = xreallocarray(pg->keys, pg->n + 4,
		    sizeof *pg->keys);
		pg->vals = xreallocarray(pg->vals, pg->n + 4,
		    sizeof *pg->vals);
		pg->keys[pg->n] = xstrdup(o->keyword);
		pg->vals[pg->n] = xstrdup(o->val);
		pg->n++;
		if (strcmp(o->keyword, "password") == 0) {
			password = pg->vals[pg->n - 1];
			continue;
		}
		if (strcmp(o->keyword, "passfile") == 0) {
			passfile = pg->vals[pg->n - 1];
			continue;
		}
		if (strcmp(o->keyword, "dbname") == 0)
			continue;
		backup_pg_quote(&dsn, o->keyword, o->val);
	}
	PQconninfoFree(opts);
	pg->dsn = dsn.data != NULL ? buf_steal(&dsn) : xstrdup("");
	/* The conninfo's own passfile, when it has no password. */
	if (password == NULL && passfile != NULL)
		pg->env = xasprintf("PGPASSFILE=%s", passfile);
	if (password != NULL) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp != '/')
			tmp = P_tmpdir;
		pg->passfile = xasprintf("%s/bbbctl-pgpass.XXXXXX", tmp);
		if ((fd = mkstemp(pg->passfile)) == -1) {
			*cause = xasprintf("password file in %s: %s", tmp,
			    strerror(errno));
			free(pg->passfile);
			pg->passfile = NULL;
			backup_pg_free(pg);
			return (NULL);
		}
		(void)fchmod(fd, 0600);
		buf_adds(&pf, "*:*:*:*:");
		for (s = password; *s != '\0'; s++) {
			if (*s == ':' || *s == '\\')
				buf_addc(&pf, '\\');
			buf_addc(&pf, *s);
		}
		buf_addc(&pf, '\n');
		if (write(fd, pf.data, pf.len) != (ssize_t)pf.len ||
		    close(fd) != 0) {
			*cause = xasprintf("password file: %s",
			    strerror(errno));
			explicit_bzero(pf.data, pf.len);
			buf_free(&pf);
			backup_pg_free(pg);
			return (NULL);
		}
		explicit_bzero(pf.data, pf.len);
		buf_free(&pf);
		pg->env = xasprintf("PGPASSFILE=%s", pg->passfile);
	}
	return (pg);
}

void
backup_pg_free(struct backup_pg *pg)
{
	size_t	 i;

	if (pg == NULL)
		return;
	if (pg->passfile != NULL)
		unlink(pg->passfile);
	for (i = 0; i < pg->n; i++) {
		free((char *)pg->keys[i]);
		freezero_str(pg->vals[i]);
	}
	free(pg->keys);
	free(pg->vals);
	free(pg->dsn);
	free(pg->passfile);
	free(pg->env);
	free(pg);
}

char *
backup_pg_dsn(const struct backup_pg *pg, const char *db)
{
	struct buf	 b = { 0 };

	buf_adds(&b, pg->dsn);
	backup_pg_quote(&b, "dbname", db);
	return (buf_steal(&b));
}

const char *
backup_pg_env(const struct backup_pg *pg)
{
	return (pg->env);
}

/* --- libpq with a deadline --------------------------------------------- */

static char *
backup_pg_error(PGconn *c)
{
	const char	*m = c != NULL ? PQerrorMessage(c) : NULL;
	size_t		 n;

	if (m == NULL || *m == '\0')
		return (xstrdup("no connection"));
	n = strcspn(m, "\n");
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\r'))
		n--;
	return (xstrndup(m, n));
}

static int
backup_pg_wait(PGconn *c, bool wr, int64_t deadline,
    const atomic_bool *cancel, char **cause)
{
	struct pollfd	 pfd;
	int64_t		 left;
	int		 n;

	if ((pfd.fd = PQsocket(c)) < 0) {
		*cause = xstrdup("no connection");
		return (-1);
	}
	pfd.events = wr ? POLLOUT : POLLIN;
	for (;;) {
		if (cancel != NULL && atomic_load(cancel)) {
			*cause = xstrdup("cancelled");
			return (-1);
		}
		left = deadline - util_mono_ms();
		if (left <= 0) {
			*cause = xasprintf("no answer within %ds (bbbctl's "
			    "own deadline)", BACKUP_PG_DEADLINE_MS / 1000);
			return (-1);
		}
		n = poll(&pfd, 1, (int)(left > BACKUP_PG_SLICE_MS ?
		    BACKUP_PG_SLICE_MS : left));
		if (n > 0)
			return (0);
		if (n == -1 && errno != EINTR) {
			*cause = xasprintf("poll: %s", strerror(errno));
			return (-1);
		}
	}
}

static PGconn *
backup_pg_connect(struct backup_pg *pg, const char *db,
    const atomic_bool *cancel, char **cause)
{
	const char		**keys;
	const char		**vals;
	PGconn			*c;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int64_t			 deadline;
	size_t			 i, n = 0;
	char			*why;

	keys = xcalloc(pg->n + 4, sizeof *keys);
	vals = xcalloc(pg->n + 4, sizeof *vals);
	for (i = 0; i < pg->n; i++) {
		if (strcmp(pg->keys[i], "dbname") == 0)
			continue;
		keys[n] = pg->keys[i];
		vals[n++] = pg->vals[i];
	}
	keys[n] = "dbname";
	vals[n++] = db;
	keys[n] = "application_name";
	vals[n++] = "bbbctl-backup";
	c = PQconnectStartParams(keys, vals, 0);
	free(keys);
	free(vals);
	if (c == NULL || PQstatus(c) == CONNECTION_BAD) {
		why = backup_pg_error(c);
		*cause = xasprintf("database %s: %s", db, why);
		free(why);
		PQfinish(c);
		return (NULL);
	}
	deadline = util_mono_ms() + BACKUP_PG_DEADLINE_MS;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED) {
			why = backup_pg_error(c);
			*cause = xasprintf("database %s: %s", db, why);
			free(why);
			PQfinish(c);
			return (NULL);
		}
		if (backup_pg_wait(c, st == PGRES_POLLING_WRITING, deadline,
		    cancel, &why) != 0) {
			*cause = xasprintf("database %s: connecting: %s", db,
			    why);
			free(why);
			PQfinish(c);
			return (NULL);
		}
		st = PQconnectPoll(c);
	}
	if (PQsetnonblocking(c, 1) != 0) {
		*cause = xasprintf("database %s: cannot be non-blocking", db);
		PQfinish(c);
		return (NULL);
	}
	return (c);
}

/*
 * One statement with parameters; *res its last result, checked: tuples
 * or command ok.  -1 with *cause otherwise.
 */
static int
backup_pg_exec(PGconn *c, const char *sql, int n, const char *const *v,
    const atomic_bool *cancel, PGresult **res, char **cause)
{
	PGresult	*r;
	int64_t		 deadline = util_mono_ms() + BACKUP_PG_DEADLINE_MS;
	int		 f;
	char		*why;

	*res = NULL;
	if (!PQsendQueryParams(c, sql, n, NULL, v, NULL, NULL, 0))
		goto error;
	while ((f = PQflush(c)) == 1) {
		if (backup_pg_wait(c, true, deadline, cancel, cause) != 0)
			return (-1);
	}
	if (f == -1)
		goto error;
	for (;;) {
		while (PQisBusy(c)) {
			if (backup_pg_wait(c, false, deadline, cancel,
			    cause) != 0) {
				PQclear(*res);
				*res = NULL;
				return (-1);
			}
			if (!PQconsumeInput(c))
				goto error;
		}
		if ((r = PQgetResult(c)) == NULL)
			break;
		PQclear(*res);
		*res = r;
	}
	if (*res == NULL)
		goto error;
	if (PQresultStatus(*res) != PGRES_TUPLES_OK &&
	    PQresultStatus(*res) != PGRES_COMMAND_OK) {
		f = (int)strcspn(PQresultErrorMessage(*res), "\n");
		*cause = xasprintf("%.*s", f, PQresultErrorMessage(*res));
		PQclear(*res);
		*res = NULL;
		return (-1);
	}
	return (0);

error:
	why = backup_pg_error(c);
	*cause = why;
	PQclear(*res);
	*res = NULL;
	return (-1);
}

static const char backup_pg_sql_dbs[] =
    "SELECT datname, pg_database_size(datname) FROM pg_database "
    "WHERE NOT datistemplate AND datallowconn ORDER BY 1";

static bool
backup_pg_wanted(const char *want, const char *name)
{
	const char	*s;
	size_t		 n, len = strlen(name);

	for (s = want; *s != '\0'; s += n) {
		s += strspn(s, " ,\t");
		n = strcspn(s, " ,\t");
		if (n == len && strncmp(s, name, n) == 0)
			return (true);
	}
	return (false);
}

int
backup_pg_databases(struct backup_pg *pg, const char *want,
    const atomic_bool *cancel, struct backup_pg_db **out, size_t *nout,
    char **server, char **cause)
{
	PGconn			*c;
	PGresult		*r;
	struct backup_pg_db	*v = NULL;
	const char		*maint = "postgres", *s;
	size_t			 i, n = 0, len;
	char			*why, *w;
	int			 row;

	*out = NULL;
	*nout = 0;
	*server = NULL;
	for (i = 0; i < pg->n; i++) {
		if (strcmp(pg->keys[i], "dbname") == 0)
			maint = pg->vals[i];
	}
	if ((c = backup_pg_connect(pg, maint, cancel, cause)) == NULL)
		return (-1);
	if (backup_pg_exec(c, backup_pg_sql_dbs, 0, NULL, cancel, &r,
	    &why) != 0) {
		*cause = xasprintf("listing the databases: %s", why);
		free(why);
		PQfinish(c);
		return (-1);
	}
	for (row = 0; row < PQntuples(r); row++) {
		if (want != NULL && !backup_pg_wanted(want,
		    PQgetvalue(r, row, 0)))
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].name = xstrdup(PQgetvalue(r, row, 0));
		v[n].size = strtoll(PQgetvalue(r, row, 1), NULL, 10);
		n++;
	}
	PQclear(r);
	if ((s = PQparameterStatus(c, "server_version")) != NULL)
		*server = xstrdup(s);
	PQfinish(c);
	if (want != NULL) {
		for (s = want; *s != '\0'; s += len) {
			s += strspn(s, " ,\t");
			if ((len = strcspn(s, " ,\t")) == 0)
				break;
			for (i = 0; i < n; i++) {
				if (strlen(v[i].name) == len &&
				    strncmp(v[i].name, s, len) == 0)
					break;
			}
			if (i == n) {
				w = xstrndup(s, len);
				*cause = xasprintf("[backup] databases: no "
				    "database %s on the server", w);
				free(w);
				backup_pg_databases_free(v, n);
				free(*server);
				*server = NULL;
				return (-1);
			}
		}
	}
	*out = v;
	*nout = n;
	return (0);
}

void
backup_pg_databases_free(struct backup_pg_db *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static const char backup_pg_sql_tables[] =
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
    "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN "
    "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
    "'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' ORDER BY 1, 2";

/* Row counts of every table, in the transaction open on c. */
static int
backup_pg_count(PGconn *c, const atomic_bool *cancel, struct backup_db *out,
    char **cause)
{
	PGresult	*r, *rc;
	char		*ns, *rel, *sql;
	int		 row;

	if (backup_pg_exec(c, backup_pg_sql_tables, 0, NULL, cancel, &r,
	    cause) != 0)
		return (-1);
	out->tables = xcalloc((size_t)PQntuples(r) + 1, sizeof *out->tables);
	for (row = 0; row < PQntuples(r); row++) {
		ns = PQescapeIdentifier(c, PQgetvalue(r, row, 0),
		    strlen(PQgetvalue(r, row, 0)));
		rel = PQescapeIdentifier(c, PQgetvalue(r, row, 1),
		    strlen(PQgetvalue(r, row, 1)));
		if (ns == NULL || rel == NULL) {
			PQfreemem(ns);
			PQfreemem(rel);
			PQclear(r);
			*cause = xstrdup("cannot quote a table name");
			return (-1);
		}
		sql = xasprintf("SELECT count(*) FROM %s.%s", ns, rel);
		PQfreemem(ns);
		PQfreemem(rel);
		if (backup_pg_exec(c, sql, 0, NULL, cancel, &rc, cause) != 0) {
			free(sql);
			PQclear(r);
			return (-1);
		}
		free(sql);
		out->tables[out->ntables].name = xasprintf("%s.%s",
		    PQgetvalue(r, row, 0), PQgetvalue(r, row, 1));
		out->tables[out->ntables].rows = strtoll(PQgetvalue(rc, 0, 0),
		    NULL, 10);
		out->ntables++;
		PQclear(rc);
	}
	PQclear(r);
	return (0);
}

struct backup_pg_watch {
	int			 fd;
	const atomic_bool	*cancel;
	_Atomic uint64_t	*written;
	uint64_t		 last;
};

static bool
backup_pg_watch_cb(void *arg)
{
	struct backup_pg_watch	*w = arg;
	struct stat		 st;

	if (w->written != NULL && fstat(w->fd, &st) == 0 &&
	    (uint64_t)st.st_size > w->last) {
		atomic_fetch_add(w->written, (uint64_t)st.st_size - w->last);
		w->last = (uint64_t)st.st_size;
	}
	return (w->cancel != NULL && atomic_load(w->cancel));
}

/* The first line of a program's stderr, or its end. */
static char *
backup_pg_why(const struct proc_result *res)
{
	const char	*e = res->err != NULL ? res->err : "";
	size_t		 n;

	while (*e == '\n')
		e++;
	n = strcspn(e, "\n");
	if (n == 0)
		return (xstrdup(res->why != NULL ? res->why : "failed"));
	return (xasprintf("%.*s (%s)", (int)n, e, res->why));
}

int
backup_pg_dump(struct backup_pg *pg, const char *db, const char *file,
    int64_t deadline_ms, const atomic_bool *cancel,
    _Atomic uint64_t *written, struct backup_db *out, char **cause)
{
	PGconn			*c;
	PGresult		*r = NULL;
	struct proc_opts	 po;
	struct proc_result	 res;
	struct backup_pg_watch	 w;
	const char		*argv[10], *env[2];
	char			*dsn = NULL, *snap = NULL, *snapopt = NULL;
	char			*why;
	int			 fd = -1, rc = -1;

	if ((c = backup_pg_connect(pg, db, cancel, cause)) == NULL)
		return (-1);
	if (backup_pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ "
	    "ONLY", 0, NULL, cancel, &r, &why) != 0)
		goto sqlfail;
	PQclear(r);
	if (backup_pg_exec(c, "SELECT pg_export_snapshot()", 0, NULL, cancel,
	    &r, &why) != 0)
		goto sqlfail;
	snap = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (backup_pg_exec(c, "SELECT pg_database_size(current_database())",
	    0, NULL, cancel, &r, &why) != 0)
		goto sqlfail;
	out->size = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (backup_pg_count(c, cancel, out, &why) != 0)
		goto sqlfail;

	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", file, strerror(errno));
		goto out;
	}
	dsn = backup_pg_dsn(pg, db);
	snapopt = xasprintf("--snapshot=%s", snap);
	argv[0] = "pg_dump";
	argv[1] = "-Fc";
	argv[2] = "-w";
	argv[3] = snapopt;
	argv[4] = "-f";
	argv[5] = file;
	argv[6] = "-d";
	argv[7] = dsn;
	argv[8] = NULL;
	env[0] = backup_pg_env(pg);
	env[1] = NULL;
	memset(&po, 0, sizeof po);
	memset(&w, 0, sizeof w);
	w.fd = fd;
	w.cancel = cancel;
	w.written = written;
	po.argv = argv;
	po.env_add = env[0] != NULL ? env : NULL;
	po.deadline_ms = deadline_ms;
	po.cancel_cb = backup_pg_watch_cb;
	po.cancel_arg = &w;
	po.err_max = 64 * 1024;
	if (proc_run(&po, &res, &why) != 0) {
		*cause = xasprintf("pg_dump %s: %s", db, why);
		free(why);
		goto out;
	}
	backup_pg_watch_cb(&w);
	if (!proc_ok(&res)) {
		why = backup_pg_why(&res);
		*cause = xasprintf("pg_dump %s: %s", db, why);
		free(why);
		proc_result_clear(&res);
		goto out;
	}
	proc_result_clear(&res);
	if (fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", file, strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;

sqlfail:
	*cause = xasprintf("database %s: %s", db, why);
	free(why);
out:
	if (fd != -1) {
		close(fd);
		if (rc != 0)
			unlink(file);
	}
	free(dsn);
	free(snap);
	free(snapopt);
	PQfinish(c);
	return (rc);
}

char *
backup_pg_dump_version(void)
{
	const char		*argv[] = { "pg_dump", "--version", NULL };
	struct proc_opts	 po;
	struct proc_result	 res;
	char			*why, *v = NULL;

	memset(&po, 0, sizeof po);
	po.argv = argv;
	po.deadline_ms = 10000;
	if (proc_run(&po, &res, &why) != 0) {
		free(why);
		return (NULL);
	}
	if (proc_ok(&res))
		v = xstrndup(res.out, strcspn(res.out, "\n"));
	proc_result_clear(&res);
	return (v);
}

int
backup_pg_toc_parse(const char *s, size_t len, size_t *entries,
    size_t *tables, char **cause)
{
	const char	*p = s, *end = s + len, *nl, *q;
	bool		 header = false;
	size_t		 n;

	*entries = 0;
	*tables = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && *p == ';') {
			q = p + 1;
			while (q < nl && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(nl - q) > 8 && memcmp(q, "Format: ", 8) == 0)
				header = true;
		}
		else if (n > 0 && *p >= '0' && *p <= '9') {
			(*entries)++;
			if (memmem(p, n, " TABLE DATA ", 12) != NULL)
				(*tables)++;
		}
		p = nl + 1;
	}
	if (!header) {
		*cause = xstrdup("pg_restore --list: no archive header");
		return (-1);
	}
	return (0);
}

int
backup_pg_restore_list(const char *file, size_t *entries,
    const atomic_bool *cancel, char **cause)
{
	const char		*argv[] = { "pg_restore", "--list", file, NULL };
	struct proc_opts	 po;
	struct proc_result	 res;
	size_t			 tables;
	char			*why;
	int			 rc;

	memset(&po, 0, sizeof po);
	po.argv = argv;
	po.deadline_ms = BACKUP_PG_LIST_MS;
	po.cancel = cancel;
	po.out_max = 64 * 1024 * 1024;
	po.err_max = 64 * 1024;
	if (proc_run(&po, &res, &why) != 0) {
		*cause = xasprintf("pg_restore: %s", why);
		free(why);
		return (-1);
	}
	if (!proc_ok(&res)) {
		why = backup_pg_why(&res);
		*cause = xasprintf("pg_restore --list: %s", why);
		free(why);
		proc_result_clear(&res);
		return (-1);
	}
	rc = backup_pg_toc_parse(res.out, res.out_len, entries, &tables,
	    cause);
	proc_result_clear(&res);
	return (rc);
}

/* DROP DATABASE, with a fresh connection (the deadline of its own). */
static void
backup_pg_drop(struct backup_pg *pg, const char *maint, const char *name)
{
	PGconn		*c;
	PGresult	*r;
	char		*q, *sql, *why = NULL;

	if ((c = backup_pg_connect(pg, maint, NULL, &why)) == NULL) {
		free(why);
		return;
	}
	q = PQescapeIdentifier(c, name, strlen(name));
	sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    q != NULL ? q : "\"\"");
	PQfreemem(q);
	if (backup_pg_exec(c, sql, 0, NULL, NULL, &r, &why) == 0)
		PQclear(r);
	free(why);
	free(sql);
	PQfinish(c);
}

/* This host's name as a database name part: [a-z0-9], at most 20. */
static void
backup_pg_host(char *out, size_t len)
{
	char	 h[256];
	size_t	 i, n = 0;

	if (gethostname(h, sizeof h) != 0)
		h[0] = '\0';
	h[sizeof h - 1] = '\0';
	for (i = 0; h[i] != '\0' && h[i] != '.' && n + 1 < len && n < 20;
	    i++) {
		if ((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9'))
			out[n++] = h[i];
		else if (h[i] >= 'A' && h[i] <= 'Z')
			out[n++] = (char)(h[i] - 'A' + 'a');
	}
	if (n == 0)
		out[n++] = 'x';
	out[n] = '\0';
}

/*
 * Scratch databases a restore test of this host left behind when it was
 * killed (SIGKILL, a crash: no chance to drop them): their process is
 * gone.  Best effort.
 */
static void
backup_pg_drop_stale(struct backup_pg *pg, PGconn *c, const char *maint,
    const char *host, const atomic_bool *cancel)
{
	PGresult	*r;
	const char	*name, *p;
	char		*prefix, *why = NULL, *end;
	long		 pid;
	int		 row;

	prefix = xasprintf("bbbctl_verify_%s_", host);
	if (backup_pg_exec(c, "SELECT datname FROM pg_database WHERE "
	    "datname LIKE 'bbbctl\\_verify\\_%'", 0, NULL, cancel, &r,
	    &why) != 0) {
		free(why);
		free(prefix);
		return;
	}
	for (row = 0; row < PQntuples(r); row++) {
		name = PQgetvalue(r, row, 0);
		if (strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		p = name + strlen(prefix);
		pid = strtol(p, &end, 10);
		if (end == p || *end != '_' || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		backup_pg_drop(pg, maint, name);
	}
	PQclear(r);
	free(prefix);
}

int
backup_pg_restore_test(struct backup_pg *pg, const struct backup_db *db,
    const char *file, const atomic_bool *cancel, char **cause)
{
	static _Atomic unsigned	 seq;
	PGconn			*c = NULL;
	PGresult		*r;
	struct proc_opts	 po;
	struct proc_result	 res;
	struct backup_db	 got;
	const char		*argv[10], *env[2], *maint = "postgres";
	char			*name, *q, *sql, *dsn = NULL, *why, host[24];
	size_t			 i, j;
	int			 rc = -1;
	bool			 created = false;

	for (i = 0; i < pg->n; i++) {
		if (strcmp(pg->keys[i], "dbname") == 0)
			maint = pg->vals[i];
	}
	memset(&got, 0, sizeof got);
	backup_pg_host(host, sizeof host);
	name = xasprintf("bbbctl_verify_%s_%ld_%u", host, (long)getpid(),
	    atomic_fetch_add(&seq, 1));
	if ((c = backup_pg_connect(pg, maint, cancel, cause)) == NULL)
		goto out;
	backup_pg_drop_stale(pg, c, maint, host, cancel);
	q = PQescapeIdentifier(c, name, strlen(name));
	sql = xasprintf("CREATE DATABASE %s TEMPLATE template0", q);
	PQfreemem(q);
	if (backup_pg_exec(c, sql, 0, NULL, cancel, &r, &why) != 0) {
		*cause = xasprintf("CREATE DATABASE %s: %s", name, why);
		free(why);
		free(sql);
		goto out;
	}
	created = true;
	free(sql);
	PQclear(r);
	PQfinish(c);
	c = NULL;

	dsn = backup_pg_dsn(pg, name);
	argv[0] = "pg_restore";
	argv[1] = "-w";
	argv[2] = "--no-owner";
	argv[3] = "--no-privileges";
	argv[4] = "--exit-on-error";
	argv[5] = "-d";
	argv[6] = dsn;
	argv[7] = file;
	argv[8] = NULL;
	env[0] = backup_pg_env(pg);
	env[1] = NULL;
	memset(&po, 0, sizeof po);
	po.argv = argv;
	po.env_add = env[0] != NULL ? env : NULL;
	po.deadline_ms = BACKUP_PG_RESTORE_MS;
	po.cancel = cancel;
	po.err_max = 64 * 1024;
	if (proc_run(&po, &res, &why) != 0) {
		*cause = xasprintf("pg_restore: %s", why);
		free(why);
		goto out;
	}
	if (!proc_ok(&res)) {
		why = backup_pg_why(&res);
		*cause = xasprintf("pg_restore: %s", why);
		free(why);
		proc_result_clear(&res);
		goto out;
	}
	proc_result_clear(&res);

	if ((c = backup_pg_connect(pg, name, cancel, cause)) == NULL)
		goto out;
	if (backup_pg_count(c, cancel, &got, &why) != 0) {
		*cause = xasprintf("counting rows: %s", why);
		free(why);
		goto out;
	}
	for (i = 0; i < db->ntables; i++) {
		for (j = 0; j < got.ntables; j++) {
			if (strcmp(got.tables[j].name, db->tables[i].name) == 0)
				break;
		}
		if (j == got.ntables) {
			*cause = xasprintf("table %s is missing after the "
			    "restore", db->tables[i].name);
			goto out;
		}
		if (got.tables[j].rows != db->tables[i].rows) {
			*cause = xasprintf("table %s has %lld rows, the "
			    "manifest says %lld", db->tables[i].name,
			    (long long)got.tables[j].rows,
			    (long long)db->tables[i].rows);
			goto out;
		}
	}
	rc = 0;
out:
	PQfinish(c);
	if (created)
		backup_pg_drop(pg, maint, name);
	for (i = 0; i < got.ntables; i++)
		free(got.tables[i].name);
	free(got.tables);
	free(dsn);
	free(name);
	return (rc);
}
