/*
 * backup.c: backups on disk: the manifest, the listing, pruning,
 * hashing and verification (backup.h).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "backup.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define BACKUP_MANIFEST_MAX	(64 * 1024 * 1024)
#define BACKUP_HASH_CHUNK	(1024 * 1024)

/* --- the manifest -------------------------------------------------------- */

static const char *
backup_iso(int64_t ms, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "?");
	return (out);
}

const char *
backup_contents_words(unsigned c)
{
	static const char *const words[] = {
		"", "db", "stacks", "db stacks", "consul", "db consul",
		"stacks consul", "db stacks consul"
	};

	return (words[c & BACKUP_ALL]);
}

char *
backup_manifest_encode(const struct backup_manifest *m)
{
	json_t		*o, *a, *d, *t, *f;
	char		 s[32], *text, *out;
	size_t		 i, j;

	o = json_object();
	json_object_set_new(o, "format", json_integer(m->format));
	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "cluster", json_string(m->cluster));
	json_object_set_new(o, "bbbctl", json_string(m->bbbctl));
	if (m->pg_dump != NULL)
		json_object_set_new(o, "pg_dump", json_string(m->pg_dump));
	if (m->server != NULL)
		json_object_set_new(o, "server", json_string(m->server));
	json_object_set_new(o, "started", json_string(backup_iso(
	    m->started_ms, s, sizeof s)));
	json_object_set_new(o, "started_ms", json_integer(m->started_ms));
	json_object_set_new(o, "ended", json_string(backup_iso(m->ended_ms,
	    s, sizeof s)));
	json_object_set_new(o, "ended_ms", json_integer(m->ended_ms));
	a = json_array();
	if (m->contents & BACKUP_DB)
		json_array_append_new(a, json_string("db"));
	if (m->contents & BACKUP_STACKS)
		json_array_append_new(a, json_string("stacks"));
	if (m->contents & BACKUP_CONSUL)
		json_array_append_new(a, json_string("consul"));
	json_object_set_new(o, "contents", a);
	a = json_array();
	for (i = 0; i < m->ndbs; i++) {
		d = json_object();
		json_object_set_new(d, "name", json_string(m->dbs[i].name));
		json_object_set_new(d, "file", json_string(m->dbs[i].file));
		json_object_set_new(d, "size", json_integer(m->dbs[i].size));
		t = json_object();
		for (j = 0; j < m->dbs[i].ntables; j++)
			json_object_set_new(t, m->dbs[i].tables[j].name,
			    json_integer(m->dbs[i].tables[j].rows));
		json_object_set_new(d, "rows", t);
		json_array_append_new(a, d);
	}
	json_object_set_new(o, "databases", a);
	a = json_array();
	for (i = 0; i < m->nfiles; i++) {
		f = json_object();
		json_object_set_new(f, "path", json_string(m->files[i].path));
		json_object_set_new(f, "size",
		    json_integer((json_int_t)m->files[i].size));
		json_object_set_new(f, "sha256",
		    json_string(m->files[i].sha256));
		json_array_append_new(a, f);
	}
	json_object_set_new(o, "files", a);
	text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(o);
	out = xasprintf("%s\n", text);
	free(text);
	return (out);
}

void
backup_manifest_free(struct backup_manifest *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->ndbs; i++) {
		for (j = 0; j < m->dbs[i].ntables; j++)
			free(m->dbs[i].tables[j].name);
		free(m->dbs[i].tables);
		free(m->dbs[i].name);
		free(m->dbs[i].file);
	}
	free(m->dbs);
	for (i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->id);
	free(m->cluster);
	free(m->bbbctl);
	free(m->pg_dump);
	free(m->server);
	free(m);
}

/* A relative path that stays inside the backup. */
static bool
backup_path_ok(const char *p)
{
	const char	*s;
	size_t		 n;

	if (*p == '\0' || *p == '/' || strlen(p) > 4096)
		return (false);
	for (s = p; *s != '\0'; s += n + (s[n] == '/')) {
		n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return (false);
	}
	for (s = p; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (false);
	}
	return (true);
}

static char *
backup_jstr(json_t *o, const char *k, bool need, char **cause)
{
	json_t	*v = json_object_get(o, k);

	if (v == NULL && !need)
		return (NULL);
	if (!json_is_string(v)) {
		*cause = xasprintf("manifest: \"%s\" is missing or not a "
		    "string", k);
		return (NULL);
	}
	return (xstrdup(json_string_value(v)));
}

static int
backup_jint(json_t *o, const char *k, int64_t *out, char **cause)
{
	json_t	*v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		*cause = xasprintf("manifest: \"%s\" is missing or not a "
		    "number", k);
		return (-1);
	}
	*out = json_integer_value(v);
	return (0);
}

static bool
backup_hex64(const char *s)
{
	size_t	 i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (false);
	}
	return (s[64] == '\0');
}

static int
backup_decode_db(json_t *d, struct backup_db *db, char **cause)
{
	json_t		*rows, *v;
	const char	*k;

	if (!json_is_object(d)) {
		*cause = xstrdup("manifest: a database is not an object");
		return (-1);
	}
	if ((db->name = backup_jstr(d, "name", true, cause)) == NULL ||
	    (db->file = backup_jstr(d, "file", true, cause)) == NULL ||
	    backup_jint(d, "size", &db->size, cause) != 0)
		return (-1);
	if (!backup_path_ok(db->file)) {
		*cause = xstrdup("manifest: a database's file is not a path "
		    "inside the backup");
		return (-1);
	}
	rows = json_object_get(d, "rows");
	if (!json_is_object(rows)) {
		*cause = xasprintf("manifest: database %s has no row counts",
		    db->name);
		return (-1);
	}
	db->tables = xcalloc(json_object_size(rows) + 1, sizeof *db->tables);
	json_object_foreach(rows, k, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			*cause = xasprintf("manifest: database %s: a row "
			    "count is not a number", db->name);
			return (-1);
		}
		db->tables[db->ntables].name = xstrdup(k);
		db->tables[db->ntables].rows = json_integer_value(v);
		db->ntables++;
	}
	return (0);
}

int
backup_manifest_decode(const char *buf, size_t len,
    struct backup_manifest **mp, char **cause)
{
	struct backup_manifest	*m;
	json_t			*o, *a, *v;
	json_error_t		 e;
	const char		*s;
	int64_t			 n;
	size_t			 i;

	*mp = NULL;
	if (len > BACKUP_MANIFEST_MAX) {
		*cause = xstrdup("manifest: too large");
		return (-1);
	}
	if ((o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e)) == NULL) {
		*cause = xasprintf("manifest: not JSON (line %d: %s)", e.line,
		    e.text);
		return (-1);
	}
	m = xcalloc(1, sizeof *m);
	if (!json_is_object(o)) {
		*cause = xstrdup("manifest: not an object");
		goto fail;
	}
	if (backup_jint(o, "format", &n, cause) != 0)
		goto fail;
	if (n != BACKUP_FORMAT) {
		*cause = xasprintf("manifest: format %lld is not %d",
		    (long long)n, BACKUP_FORMAT);
		goto fail;
	}
	m->format = (int)n;
	if ((m->id = backup_jstr(o, "id", true, cause)) == NULL ||
	    (m->cluster = backup_jstr(o, "cluster", true, cause)) == NULL ||
	    (m->bbbctl = backup_jstr(o, "bbbctl", true, cause)) == NULL)
		goto fail;
	if (((m->pg_dump = backup_jstr(o, "pg_dump", false, cause)) == NULL &&
	    json_object_get(o, "pg_dump") != NULL) ||
	    ((m->server = backup_jstr(o, "server", false, cause)) == NULL &&
	    json_object_get(o, "server") != NULL))
		goto fail;
	if (backup_jint(o, "started_ms", &m->started_ms, cause) != 0 ||
	    backup_jint(o, "ended_ms", &m->ended_ms, cause) != 0)
		goto fail;
	if (!json_is_array(a = json_object_get(o, "contents"))) {
		*cause = xstrdup("manifest: no contents");
		goto fail;
	}
	json_array_foreach(a, i, v) {
		s = json_string_value(v);
		if (s != NULL && strcmp(s, "db") == 0)
			m->contents |= BACKUP_DB;
		else if (s != NULL && strcmp(s, "stacks") == 0)
			m->contents |= BACKUP_STACKS;
		else if (s != NULL && strcmp(s, "consul") == 0)
			m->contents |= BACKUP_CONSUL;
		else {
			*cause = xstrdup("manifest: unknown contents");
			goto fail;
		}
	}
	if (!json_is_array(a = json_object_get(o, "databases"))) {
		*cause = xstrdup("manifest: no databases");
		goto fail;
	}
	m->dbs = xcalloc(json_array_size(a) + 1, sizeof *m->dbs);
	json_array_foreach(a, i, v) {
		m->ndbs++;
		if (backup_decode_db(v, &m->dbs[i], cause) != 0)
			goto fail;
	}
	if (!json_is_array(a = json_object_get(o, "files"))) {
		*cause = xstrdup("manifest: no files");
		goto fail;
	}
	m->files = xcalloc(json_array_size(a) + 1, sizeof *m->files);
	json_array_foreach(a, i, v) {
		struct backup_file	*f = &m->files[i];

		m->nfiles++;
		if (!json_is_object(v)) {
			*cause = xstrdup("manifest: a file is not an object");
			goto fail;
		}
		if ((f->path = backup_jstr(v, "path", true, cause)) == NULL ||
		    backup_jint(v, "size", &n, cause) != 0)
			goto fail;
		f->size = (uint64_t)n;
		if (!backup_path_ok(f->path) ||
		    strcmp(f->path, BACKUP_MANIFEST) == 0 ||
		    strcmp(f->path, BACKUP_VERIFY) == 0) {
			*cause = xstrdup("manifest: a file is not a path "
			    "inside the backup");
			goto fail;
		}
		s = json_string_value(json_object_get(v, "sha256"));
		if (s == NULL || strlen(s) != 64 || !backup_hex64(s)) {
			*cause = xasprintf("manifest: %s has no sha256",
			    f->path);
			goto fail;
		}
		memcpy(f->sha256, s, 65);
	}
	json_decref(o);
	*mp = m;
	return (0);

fail:
	json_decref(o);
	backup_manifest_free(m);
	return (-1);
}

/* --- the directory --------------------------------------------------------- */

const char *
backup_state_name(enum backup_state s)
{
	switch (s) {
	case BACKUP_INCOMPLETE:
		return ("incomplete");
	case BACKUP_COMPLETE:
		return ("complete");
	case BACKUP_VERIFY_FAILED:
		return ("verify failed");
	case BACKUP_VERIFIED:
		return ("verified");
	}
	return ("?");
}

char *
backup_root(const struct config *cfg, char **cause)
{
	if (cfg->backup.dir == NULL || *cfg->backup.dir == '\0') {
		*cause = xstrdup("[backup] dir is not configured");
		return (NULL);
	}
	return (xasprintf("%s/%s", cfg->backup.dir, cfg->cluster.name));
}

char *
backup_id_new(int64_t ms)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 s[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return (xstrdup("19700101T000000Z"));
	return (xstrdup(s));
}

int64_t
backup_id_time(const char *id)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;

	if (strlen(id) != 16)
		return (-1);
	memset(&tm, 0, sizeof tm);
	end = strptime(id, "%Y%m%dT%H%M%SZ", &tm);
	if (end == NULL || *end != '\0')
		return (-1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	return ((int64_t)t * 1000);
}

static int
backup_read_file(const char *path, char **out, size_t *len, size_t max)
{
	struct buf	 b = { 0 };
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (-1);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || b.len + (size_t)n > max) {
			close(fd);
			buf_free(&b);
			return (-1);
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*out = b.data != NULL ? buf_steal(&b) : xstrdup("");
	return (0);
}

/* Bytes of the regular files under path. */
static uint64_t
backup_du(const char *path, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	uint64_t	 total = 0;
	char		*p;

	if (depth > 8 || (d = opendir(path)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, de->d_name);
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				total += backup_du(p, depth + 1);
			else if (S_ISREG(st.st_mode))
				total += (uint64_t)st.st_size;
		}
		free(p);
	}
	closedir(d);
	return (total);
}

static void
backup_entry_verify(struct backup_entry *e)
{
	json_t		*o;
	json_error_t	 je;
	char		*p, *text;
	const char	*why;
	size_t		 len;

	p = xasprintf("%s/%s", e->path, BACKUP_VERIFY);
	if (backup_read_file(p, &text, &len, 1024 * 1024) != 0) {
		free(p);
		return;
	}
	free(p);
	o = json_loadb(text, len, 0, &je);
	free(text);
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	e->verified_ms = json_integer_value(json_object_get(o, "at_ms"));
	e->restore_tested = json_is_true(json_object_get(o, "restore_test"));
	if (json_is_true(json_object_get(o, "ok")))
		e->state = BACKUP_VERIFIED;
	else {
		e->state = BACKUP_VERIFY_FAILED;
		why = json_string_value(json_object_get(o, "cause"));
		free(e->why);
		e->why = xstrdup(why != NULL ? why : "verify failed");
	}
	json_decref(o);
}

void
backup_entry_load(struct backup_entry *e, const char *root, const char *id)
{
	struct backup_manifest	*m;
	char			*p, *text, *cause = NULL;
	size_t			 len, i;

	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->path = xasprintf("%s/%s", root, id);
	e->time_ms = backup_id_time(id);
	e->size = backup_du(e->path, 0);
	e->state = BACKUP_INCOMPLETE;
	p = xasprintf("%s/%s", e->path, BACKUP_MANIFEST);
	if (backup_read_file(p, &text, &len, BACKUP_MANIFEST_MAX) != 0) {
		e->why = xstrdup("no manifest");
		free(p);
		return;
	}
	free(p);
	if (backup_manifest_decode(text, len, &m, &cause) != 0) {
		e->why = cause;
		free(text);
		return;
	}
	free(text);
	e->contents = m->contents;
	for (i = 0; i < m->ndbs; i++)
		e->db_size += m->dbs[i].size;
	backup_manifest_free(m);
	e->state = BACKUP_COMPLETE;
	backup_entry_verify(e);
}

static int
backup_entry_cmp(const void *a, const void *b)
{
	const struct backup_entry	*ea = a, *eb = b;

	return (strcmp(eb->id, ea->id));
}

int
backup_list(const char *root, struct backup_entry **out, size_t *n,
    char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct backup_entry *v = NULL;
	size_t		 nv = 0;

	*out = NULL;
	*n = 0;
	if ((d = opendir(root)) == NULL) {
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("%s: %s", root, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (backup_id_time(de->d_name) < 0)
			continue;
		v = xreallocarray(v, nv + 1, sizeof *v);
		backup_entry_load(&v[nv++], root, de->d_name);
	}
	closedir(d);
	if (nv > 1)
		qsort(v, nv, sizeof *v, backup_entry_cmp);
	*out = v;
	*n = nv;
	return (0);
}

void
backup_entries_free(struct backup_entry *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].path);
		free(v[i].why);
	}
	free(v);
}

size_t
backup_prune_select(const struct backup_entry *v, size_t n, size_t keep,
    bool *remove)
{
	size_t	 i, kept = 0, count = 0;
	bool	 kept_verified = false, seen_complete = false;
	ssize_t	 newest_verified = -1;

	for (i = 0; i < n; i++) {
		remove[i] = false;
		if (v[i].state == BACKUP_VERIFIED && newest_verified < 0)
			newest_verified = (ssize_t)i;
	}
	for (i = 0; i < n; i++) {
		if (v[i].state == BACKUP_INCOMPLETE ||
		    v[i].state == BACKUP_VERIFY_FAILED) {
			/* Older than a good one: a failed run, a bad copy. */
			remove[i] = seen_complete;
			continue;
		}
		seen_complete = true;
		if (kept < keep) {
			kept++;
			if (v[i].state == BACKUP_VERIFIED)
				kept_verified = true;
			continue;
		}
		remove[i] = true;
	}
	if (!kept_verified && newest_verified >= 0)
		remove[newest_verified] = false;
	for (i = 0; i < n; i++)
		count += remove[i];
	return (count);
}

static int
backup_rmtree_at(int dfd, const char *name, int depth, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	int		 fd, rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("%s: %s", name, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT) {
			*cause = xasprintf("remove %s: %s", name,
			    strerror(errno));
			return (-1);
		}
		return (0);
	}
	if (depth > 16) {
		*cause = xasprintf("%s: too deep", name);
		return (-1);
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		*cause = xasprintf("%s: %s", name, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = backup_rmtree_at(dirfd(d), de->d_name, depth + 1, cause);
	}
	closedir(d);
	if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) != 0) {
		*cause = xasprintf("remove %s: %s", name, strerror(errno));
		return (-1);
	}
	return (rc);
}

int
backup_rmtree(const char *path, char **cause)
{
	return (backup_rmtree_at(AT_FDCWD, path, 0, cause));
}

int
backup_mkdirs(const char *path, char **cause)
{
	if (util_mkdirs(path, cause) != 0)
		return (-1);
	if (chmod(path, 0700) != 0) {
		*cause = xasprintf("chmod %s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

int64_t
backup_free_bytes(const char *path)
{
	struct statvfs	 sv;

	if (statvfs(path, &sv) != 0)
		return (-1);
	return ((int64_t)sv.f_bavail * (int64_t)sv.f_frsize);
}

int
backup_sha256_file(const char *path, char out[65], uint64_t *size,
    const atomic_bool *cancel, char **cause)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	unsigned char	*chunk;
	ssize_t		 n;
	int		 fd, rc = -1;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	chunk = xmalloc(BACKUP_HASH_CHUNK);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		*cause = xstrdup("sha256: no digest context");
		goto out;
	}
	for (;;) {
		if (cancel != NULL && atomic_load(cancel)) {
			*cause = xstrdup("cancelled");
			goto out;
		}
		n = read(fd, chunk, BACKUP_HASH_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
		*size += (uint64_t)n;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		*cause = xstrdup("sha256: digest failed");
		goto out;
	}
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	close(fd);
	return (rc);
}

/* --- verify ---------------------------------------------------------------- */

/* verify.json, written atomically; errors only logged by the caller. */
static void
backup_verify_record(const char *dir, bool ok, bool restore_test,
    const char *cause)
{
	json_t	*o;
	char	*p, *text, *why = NULL;
	char	 s[32];
	int64_t	 now = util_wall_ms();

	o = json_object();
	json_object_set_new(o, "ok", json_boolean(ok));
	json_object_set_new(o, "at", json_string(backup_iso(now, s,
	    sizeof s)));
	json_object_set_new(o, "at_ms", json_integer(now));
	json_object_set_new(o, "restore_test", json_boolean(restore_test));
	if (cause != NULL)
		json_object_set_new(o, "cause", json_string(cause));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	p = xasprintf("%s/%s", dir, BACKUP_VERIFY);
	/* The record is a convenience: failing to keep it fails nothing. */
	if (text != NULL && util_write_atomic(p, text, strlen(text), 0600,
	    &why) == -1) {
		log_warn("backup: %s", why);
		free(why);
	}
	free(text);
	free(p);
}

static bool
backup_verify_stop(const struct backup_verify *v)
{
	return (v->cancel != NULL && atomic_load(v->cancel));
}

int
backup_verify_run(struct backup_verify *v, const char *dir, char **cause)
{
	struct backup_manifest	*m = NULL;
	struct backup_pg	*pg = NULL;
	char			*p, *text, hex[65], *why = NULL;
	uint64_t		 size, total = 0, done = 0;
	size_t			 len, i, entries;
	int64_t			 t0;
	int			 rc = -1;

	p = xasprintf("%s/%s", dir, BACKUP_MANIFEST);
	if (backup_read_file(p, &text, &len, BACKUP_MANIFEST_MAX) != 0) {
		*cause = xasprintf("%s: incomplete (no manifest)", dir);
		free(p);
		return (-1);
	}
	free(p);
	if (backup_manifest_decode(text, len, &m, &why) != 0) {
		free(text);
		*cause = xasprintf("%s: incomplete (%s)", dir, why);
		free(why);
		return (-1);
	}
	free(text);
	for (i = 0; i < m->nfiles; i++)
		total += m->files[i].size;
	for (i = 0; i < m->nfiles; i++) {
		if (backup_verify_stop(v))
			goto cancelled;
		if (v->progress != NULL)
			v->progress(v->arg, done, total, m->files[i].path);
		p = xasprintf("%s/%s", dir, m->files[i].path);
		t0 = util_mono_ms();
		if (backup_sha256_file(p, hex, &size, v->cancel, &why) != 0) {
			free(p);
			if (backup_verify_stop(v)) {
				free(why);
				goto cancelled;
			}
			*cause = xasprintf("%s: cannot be read (%s)",
			    m->files[i].path, why);
			free(why);
			goto failed;
		}
		v->hash_ms += util_mono_ms() - t0;
		free(p);
		v->bytes += size;
		done += m->files[i].size;
		if (size != m->files[i].size) {
			*cause = xasprintf("%s: %llu bytes, the manifest says "
			    "%llu", m->files[i].path, (unsigned long long)size,
			    (unsigned long long)m->files[i].size);
			goto failed;
		}
		if (strcmp(hex, m->files[i].sha256) != 0) {
			*cause = xasprintf("%s: sha256 differs from the "
			    "manifest's", m->files[i].path);
			goto failed;
		}
		v->files_ok++;
	}
	for (i = 0; i < m->ndbs; i++) {
		if (backup_verify_stop(v))
			goto cancelled;
		if (v->progress != NULL)
			v->progress(v->arg, total, total, m->dbs[i].file);
		p = xasprintf("%s/%s", dir, m->dbs[i].file);
		if (backup_pg_restore_list(p, &entries, v->cancel, &why) !=
		    0) {
			free(p);
			if (backup_verify_stop(v)) {
				free(why);
				goto cancelled;
			}
			*cause = xasprintf("%s: %s", m->dbs[i].file, why);
			free(why);
			goto failed;
		}
		free(p);
	}
	if (v->restore_test && m->ndbs != 0) {
		if (v->cfg->postgres.conninfo == NULL) {
			*cause = xstrdup("restore test: [postgres] conninfo is "
			    "not configured");
			goto failed;
		}
		if ((pg = backup_pg_new(v->cfg->postgres.conninfo,
		    cause)) == NULL)
			goto failed;
		for (i = 0; i < m->ndbs; i++) {
			if (backup_verify_stop(v))
				goto cancelled;
			if (v->progress != NULL) {
				p = xasprintf("restore test of %s",
				    m->dbs[i].name);
				v->progress(v->arg, total, total, p);
				free(p);
			}
			p = xasprintf("%s/%s", dir, m->dbs[i].file);
			if (backup_pg_restore_test(pg, &m->dbs[i], p, v->cancel,
			    &why) != 0) {
				free(p);
				if (backup_verify_stop(v)) {
					free(why);
					goto cancelled;
				}
				*cause = xasprintf("%s: restore test: %s",
				    m->dbs[i].file, why);
				free(why);
				goto failed;
			}
			free(p);
			v->dbs_restored++;
		}
	}
	backup_verify_record(dir, true, v->restore_test, NULL);
	rc = 0;
	goto out;

failed:
	backup_verify_record(dir, false, v->restore_test, *cause);
	goto out;
cancelled:
	*cause = xstrdup("cancelled (nothing recorded)");
out:
	backup_pg_free(pg);
	backup_manifest_free(m);
	return (rc);
}
