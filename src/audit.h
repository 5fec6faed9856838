/*
 * audit.h: the audit trail of operator actions, in PostgreSQL.
 *
 * Every job state change is one record (struct audit_rec) with a
 * client-generated UUID.  Records go to the table bbbctl_audit of the
 * [postgres] conninfo database (created if missing; the schema is in
 * bbbctl(1), AUDIT).  When the database cannot be reached or the insert
 * fails, the record is appended as one JSON line to the local spool file
 * ($XDG_STATE_HOME/bbbctl/audit.spool, or ~/.local/state/bbbctl/...;
 * mode 0600, O_APPEND, fsync'd, flock'd).  On the next successful
 * connection the spool is replayed in order and truncated only once every
 * line is in the database; INSERT ... ON CONFLICT (uuid) DO NOTHING makes
 * a replay interrupted half-way safe to repeat.  A spool line that is not
 * valid JSON (a torn write) is moved to audit.spool.rejected, never
 * dropped.
 *
 * The API is blocking and thread-safe: call it from job worker threads and
 * from commands, never from the loop thread.  Every libpq call has a
 * client-side deadline (AUDIT_DEADLINE_MS; libpq is used non-blocking):
 * a server that stops answering mid-statement costs one deadline, the
 * record goes to the spool, and the next records spool at once for
 * audit_set_retry_ms().  The conninfo is a secret: it never appears in a cause, a log
 * line or a record; any configured secret found in a record's text is
 * replaced by "********" before it is written anywhere.
 */
#ifndef BBBCTL_AUDIT_H
#define BBBCTL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct audit;

/*
 * One record.  Every string is borrowed for the call only; NULL is
 * stored as SQL NULL (uuid, event, verb, operator_, origin must be set).
 * at_ms is wall-clock ms (0 = now); duration_ms < 0 and job_id 0 are
 * stored as NULL.
 */
struct audit_rec {
	const char	*uuid;
	const char	*event;	/* planned confirmed started done failed cancelled */
	const char	*verb;		/* "server cordon" */
	const char	*target;	/* "bbb-03" */
	const char	*plan;		/* secrets already masked */
	const char	*result;
	const char	*operator_;	/* audit_operator() */
	const char	*origin;	/* audit_origin() */
	int64_t		 at_ms;
	int64_t		 duration_ms;
	uint32_t	 job_id;
};

/*
 * Never fails; connects lazily on the first record.  The config is
 * copied from (conninfo and the secrets to mask); it may be freed after.
 */
struct audit	*audit_new(const struct config *);
void		 audit_free(struct audit *);

/*
 * Write a record: to the database, or to the spool.  0 when the record is
 * stored in either (*cause is set, to why the database was not used,
 * when it went to the spool: check *cause even on 0 and free it); -1 with
 * *cause only if even the spool failed.
 */
int		 audit_record(struct audit *, const struct audit_rec *,
		     char **cause);

/* True if the last audit_record() spooled instead of inserting. */
bool		 audit_last_spooled(struct audit *);

/*
 * After a failed connection, audit_record() spools without trying again
 * for this long (default AUDIT_RETRY_MS), so that a job does not wait
 * five seconds per record on an unreachable database.  0: always try.
 */
#define AUDIT_RETRY_MS	15000
void		 audit_set_retry_ms(struct audit *, int64_t);

/*
 * Our deadline per libpq call (connecting, each statement); <= 0 gives
 * back the default.  audit_interrupt() (any thread) makes a call waiting
 * at that moment give up at once (within 0.1 s) and spool, and the calls
 * of the next minute wait at most 2 s: a cancelled job does not wait out
 * a hung database.
 */
#define AUDIT_DEADLINE_MS	12000
void		 audit_set_deadline_ms(struct audit *, int64_t);
void		 audit_interrupt(struct audit *);

/* The spool file's path (allocated); the directory is not created. */
char		*audit_spool_path(void);
/*
 * From now on, in this process, the spool is path (copied; NULL: back
 * to the default).  --demo keeps its records in its own temp dir: they
 * are never replayed into a real fleet's database.
 */
void		 audit_spool_override(const char *path);

/* The OS user name (getpwuid; "uid N" if there is none); allocated. */
char		*audit_operator(void);
/*
 * Where the operator came from: the client address of SSH_CLIENT or
 * SSH_CONNECTION ("10.0.0.5"), "local" when neither is set, "unknown"
 * when the value is not an address.  audit_origin_from() is the pure
 * part (either may be NULL).  Allocated.
 */
char		*audit_origin(void);
char		*audit_origin_from(const char *ssh_client,
		     const char *ssh_connection);
/* A new random (version 4) UUID, allocated. */
char		*audit_uuid_new(void);

/* A record as listed (owned strings; NULL for SQL NULL). */
struct audit_entry {
	char		*uuid;
	char		*event;
	char		*verb;
	char		*target;
	char		*plan;
	char		*result;
	char		*operator_;
	char		*origin;
	char		*host;
	int64_t		 at_ms;
	int64_t		 duration_ms;	/* -1 for NULL */
	uint32_t	 job_id;
	bool		 spooled;	/* in the spool, not yet replayed */
};

struct audit_list {
	struct audit_entry *v;		/* oldest first */
	size_t		 n;
	/* Why the database was not read (then only spooled records). */
	char		*db_error;
};

/*
 * The records at or after since_ms (0: all), the newest `limit` ones
 * (0: no limit), oldest first; the database's and the spooled ones.
 * Connecting replays the spool first.  0, or -1 with *cause when neither
 * the database nor the spool could be read.
 */
int		 audit_list(struct audit *, int64_t since_ms, size_t limit,
		     struct audit_list *, char **cause);
void		 audit_list_free(struct audit_list *);

/*
 * The spool line format (one JSON object, no newline), and its parser
 * (0, or -1 with *cause; the entry is spooled = true).  Exposed for the
 * tests.
 */
char		*audit_spool_format(const struct audit_rec *, const char *host);
int		 audit_spool_parse(const char *line, struct audit_entry *,
		     char **cause);
void		 audit_entry_clear(struct audit_entry *);

/* The CREATE TABLE statement (for bbbctl(1) and the tests). */
extern const char audit_schema_sql[];

#endif
