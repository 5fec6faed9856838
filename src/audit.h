/*
 * audit.h: the audit trail of jobs, in PostgreSQL ([postgres] conninfo),
 * table bbbctl_audit (created when missing; schema in bbbctl(1)).
 *
 * One record per job event: planned, confirmed, result.  Each record has
 * a client-made UUID, so a replay inserts it at most once (ON CONFLICT
 * DO NOTHING).  When the database cannot be reached, the record is
 * appended to the spool file ($XDG_STATE_HOME/bbbctl/audit.spool, mode
 * 0600, one JSON object a line, fsync'd) and the spool is replayed into
 * the database at the next good connection, then truncated.  Records
 * never hold a secret (plans are masked when they are made).
 *
 * Blocking (libpq): call it from worker threads or commands, never from
 * the loop of the dashboard.  Safe between threads and processes (the
 * spool is locked with flock while it is used).
 */
#ifndef BBBCTL_AUDIT_H
#define BBBCTL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct config;

struct audit_record {
	char		 id[37];	/* UUID of the record */
	char		 job[37];	/* UUID of the job */
	const char	*event;		/* "planned" "confirmed" "result" */
	int64_t		 at_ms;		/* wall ms */
	const char	*operator;	/* "alice@10.0.0.5" */
	const char	*verb;		/* "server cordon" */
	const char	*target;
	const char	*plan;		/* the plan text */
	const char	*outcome;	/* "done" "failed" "cancelled", NULL */
	const char	*result;	/* one line, NULL */
	int64_t		 duration_ms;	/* -1 when not a result */
	bool		 spooled;	/* listing: from the spool, not the db */
};

/* A random (version 4) UUID into out[37]. */
void		 audit_uuid(char out[37]);

/*
 * Write one record: into the database (after replaying the spool), or,
 * when it cannot be reached, into the spool.  0 when it is kept in one
 * of the two (*where says which: "database" or "spool"), -1 with *cause
 * when in neither.
 */
int		 audit_write(const struct config *, const struct audit_record *,
		     const char **where, char **cause);
/* Replay the spool into the database now.  Records moved, or -1. */
int		 audit_replay(const struct config *, char **cause);

/* The spool's path (allocated): $BBBCTL_AUDIT_SPOOL, else the default. */
char		*audit_spool_path(void);

/*
 * List records since since_ms (0 = all), oldest first: the database's,
 * then the spooled ones (marked).  Prints a table, or JSON lines.  0, or
 * -1 with *cause when neither could be read.
 */
int		 audit_list(const struct config *, int64_t since_ms, bool json,
		     FILE *, char **cause);

/* One record as a JSON line (no newline) and back; for the spool. */
char		*audit_record_json(const struct audit_record *);

#endif
