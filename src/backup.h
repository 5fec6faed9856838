/*
 * backup.h: backups on disk (backup.c) and the PostgreSQL side of them
 * (backup-pg.c); the job `backup run` and `backup prune` is
 * src/action/backup.c, the commands `backup list` and `backup verify`
 * are src/cmd-backup.c.
 *
 * A backup is a directory [backup] dir/<cluster>/<ID>/, ID its UTC
 * start time "20261207T210500Z", mode 0700, every file in it 0600:
 *
 *	db/<database>.dump		pg_dump -Fc
 *	stacks/<stack>/docker-compose.yml, rancher-compose.yml
 *	consul/kv.json, consul/nodes.json, consul/services.json
 *	manifest.json			written last, atomically
 *	verify.json			the last verification's result
 *
 * A backup without a manifest that decodes is incomplete and is never
 * counted as good.  Nothing here prints a file's content: stack exports
 * and consul's KV hold secrets.
 *
 * Ownership: every returned pointer is the caller's; the free functions
 * take NULL.
 */
#ifndef BBBCTL_BACKUP_H
#define BBBCTL_BACKUP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

#define BACKUP_MANIFEST		"manifest.json"
#define BACKUP_VERIFY		"verify.json"
#define BACKUP_FORMAT		1

/* What a backup holds (bits). */
#define BACKUP_DB		0x1
#define BACKUP_STACKS		0x2
#define BACKUP_CONSUL		0x4
#define BACKUP_ALL		(BACKUP_DB | BACKUP_STACKS | BACKUP_CONSUL)

struct backup_file {
	char		*path;		/* relative, no "..", no leading / */
	uint64_t	 size;
	char		 sha256[65];	/* lower-case hex */
};

struct backup_table {
	char		*name;		/* "public.users" */
	int64_t		 rows;
};

struct backup_db {
	char		*name;
	char		*file;		/* "db/<name>.dump" */
	int64_t		 size;		/* pg_database_size at dump time */
	struct backup_table *tables;
	size_t		 ntables;
};

struct backup_manifest {
	int		 format;
	char		*id;
	char		*cluster;
	char		*bbbctl;	/* bbbctl's version */
	char		*pg_dump;	/* "pg_dump (PostgreSQL) 15.18", or NULL */
	char		*server;	/* server_version, or NULL */
	int64_t		 started_ms;	/* wall */
	int64_t		 ended_ms;
	unsigned	 contents;	/* BACKUP_* */
	struct backup_db *dbs;
	size_t		 ndbs;
	struct backup_file *files;
	size_t		 nfiles;
};

/* The manifest as JSON (pretty, a newline at the end); allocated. */
char		*backup_manifest_encode(const struct backup_manifest *);
/*
 * Decode and check a manifest (outside data): 0, or -1 with *cause.
 * Every file path is relative and stays inside the backup.
 */
int		 backup_manifest_decode(const char *, size_t,
		     struct backup_manifest **, char **cause);
void		 backup_manifest_free(struct backup_manifest *);
/* The contents as words, "db stacks consul"; static. */
const char	*backup_contents_words(unsigned);

enum backup_state {
	BACKUP_INCOMPLETE,		/* no manifest, or a bad one */
	BACKUP_COMPLETE,		/* never verified */
	BACKUP_VERIFY_FAILED,
	BACKUP_VERIFIED
};

struct backup_entry {
	char		*id;
	char		*path;
	enum backup_state state;
	int64_t		 time_ms;	/* from the ID (wall) */
	uint64_t	 size;		/* bytes of the files on disk */
	unsigned	 contents;
	int64_t		 db_size;	/* sum of the databases' sizes */
	int64_t		 verified_ms;	/* last verification, or 0 */
	bool		 restore_tested;
	char		*why;		/* incomplete or failed: why */
};

const char	*backup_state_name(enum backup_state);
/* "[backup] dir/<cluster>"; NULL with *cause when dir is not set. */
char		*backup_root(const struct config *, char **cause);
/* A new ID for wall ms; allocated. */
char		*backup_id_new(int64_t wall_ms);
/* An ID's wall ms; -1 when it is not an ID. */
int64_t		 backup_id_time(const char *);
/*
 * The backups under root, newest first.  0 (none when root does not
 * exist), or -1 with *cause.
 */
int		 backup_list(const char *root, struct backup_entry **,
		     size_t *, char **cause);
void		 backup_entries_free(struct backup_entry *, size_t);
/* One entry from its directory (as backup_list()). */
void		 backup_entry_load(struct backup_entry *, const char *root,
		     const char *id);
/*
 * Which to remove to keep the keep newest good ones (complete or
 * verified; entries newest first): good ones past keep, except the
 * newest verified one when none kept is verified; incomplete ones and
 * those whose verification failed when older than the newest good one.  remove[] gets one flag per entry; returns how many are set.
 */
size_t		 backup_prune_select(const struct backup_entry *, size_t,
		     size_t keep, bool *remove);
/* Remove a directory tree; 0 or -1 with *cause. */
int		 backup_rmtree(const char *, char **cause);
/* mkdir 0700 (an existing directory is fixed to 0700); 0 or -1. */
int		 backup_mkdirs(const char *, char **cause);
/* Bytes free for us on the filesystem of path, or -1. */
int64_t		 backup_free_bytes(const char *);

typedef void	(*backup_progress_cb)(void *, uint64_t done, uint64_t total,
		     const char *what);

/*
 * SHA-256 of a file, hex into out, its size into *size; progress every
 * few MB; stops (-1) when *cancel becomes true.
 */
int		 backup_sha256_file(const char *, char out[65], uint64_t *size,
		     const atomic_bool *cancel, char **cause);

/* --- verify ------------------------------------------------------------ */
struct backup_verify {
	const struct config *cfg;
	bool		 restore_test;
	const atomic_bool *cancel;
	backup_progress_cb progress;
	void		*arg;
	/* results */
	size_t		 files_ok;
	uint64_t	 bytes;
	int64_t		 hash_ms;	/* time spent hashing */
	size_t		 dbs_restored;
};
/*
 * Verify the backup in dir: every file against the manifest,
 * pg_restore --list on every dump, and with restore_test each dump
 * restored into a scratch database (dropped again, also on failure or
 * cancel) and its row counts compared.  Records the result in
 * verify.json (not when cancelled).  0, or -1 with *cause naming the
 * file or database at fault.
 */
int		 backup_verify_run(struct backup_verify *, const char *dir,
		     char **cause);

/* --- PostgreSQL (backup-pg.c) -------------------------------------------- */
#define BACKUP_PG_DEADLINE_MS	30000	/* one libpq call */

/*
 * The server of [postgres] conninfo as pg_dump and pg_restore get it:
 * the connection options without password and passfile (for -d), and
 * the password, when there is one, in a 0600 passfile whose name goes
 * in the child's environment (PGPASSFILE=...), never its argv.
 */
struct backup_pg;
struct backup_pg *backup_pg_new(const char *conninfo, char **cause);
/* Removes the passfile. */
void		 backup_pg_free(struct backup_pg *);
/* "host=... dbname='<db>'" without the password; allocated. */
char		*backup_pg_dsn(const struct backup_pg *, const char *db);
/* "PGPASSFILE=..." or NULL: the child's env_add[0]. */
const char	*backup_pg_env(const struct backup_pg *);

struct backup_pg_db {
	char		*name;
	int64_t		 size;
};
/*
 * The databases (templates and those that refuse connections left out;
 * only the names of want when it is non-NULL: an unknown one is an
 * error), their sizes, and the server's version.
 */
int		 backup_pg_databases(struct backup_pg *, const char *want,
		     const atomic_bool *cancel, struct backup_pg_db **,
		     size_t *, char **server, char **cause);
void		 backup_pg_databases_free(struct backup_pg_db *, size_t);

/*
 * Dump one database with pg_dump -Fc into file (0600, created), with
 * the row count of every table taken in the same snapshot.  *written is
 * updated while it runs.  0, or -1 with *cause (the file is removed).
 */
int		 backup_pg_dump(struct backup_pg *, const char *db,
		     const char *file, int64_t deadline_ms,
		     const atomic_bool *cancel, _Atomic uint64_t *written,
		     struct backup_db *out, char **cause);
/* "pg_dump (PostgreSQL) 15.18"; allocated, or NULL. */
char		*backup_pg_dump_version(void);
/* pg_restore --list on a dump: 0, or -1 with *cause; *entries counted. */
int		 backup_pg_restore_list(const char *file, size_t *entries,
		     const atomic_bool *cancel, char **cause);
/* Count "TABLE DATA" lines in pg_restore --list output (a decoder). */
int		 backup_pg_toc_parse(const char *, size_t, size_t *entries,
		     size_t *tables, char **cause);
/*
 * Restore file into a new scratch database bbbctl_verify_<pid>_<n>,
 * compare its row counts with db's, drop it (also on failure or a
 * cancel).  0, or -1 with *cause.
 */
int		 backup_pg_restore_test(struct backup_pg *,
		     const struct backup_db *, const char *file,
		     const atomic_bool *cancel, char **cause);

#endif
