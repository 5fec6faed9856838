/*
 * backup.c: the jobs `backup run` and `backup prune` (backup.h says
 * what a backup is on disk).
 *
 * run: the databases of [postgres] first listed (a wrong password or an
 * unreachable server stops here, before anything is written), the free
 * space checked, then the directory made and filled: the dumps by
 * [backup] parallel pg_dump processes at once, the Rancher stacks'
 * exportconfig, consul's KV and catalog; every file hashed, the
 * manifest written last (a temporary file, fsync, rename).  Any
 * failure or a cancel removes the directory, and the job says so: a
 * half-written backup never looks complete.
 *
 * prune: keep the N newest complete backups (backup_prune_select()).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "action/action.h"
#include "api/consul.h"
#include "api/rancher.h"
#include "backend/decode.h"
#include "backup.h"
#include "config.h"
#include "http.h"
#include "jobs.h"
#include "log.h"
#include "util.h"

#define BK_TICK_MS		50	/* a look at the dumps */
#define BK_REPORT_MS		500	/* a progress line */
#define BK_DUMP_DEADLINE_MS	(6 * 60 * 60 * 1000)
#define BK_SPACE_FACTOR		1.5

struct bk_args {
	unsigned	 only;		/* BACKUP_*; 0: everything configured */
	long long	 keep;		/* prune --keep */
	bool		 keep_set;
};

/* What run backs up: configured, narrowed by --only. */
static unsigned
bk_what(const struct config *cfg, const struct job_args *a)
{
	const struct bk_args	*ba = a->priv;
	unsigned		 w = 0;

	if (cfg->postgres.conninfo != NULL)
		w |= BACKUP_DB;
	if (cfg->rancher.url != NULL)
		w |= BACKUP_STACKS;
	if (cfg->consul.url != NULL)
		w |= BACKUP_CONSUL;
	if (ba != NULL && ba->only != 0)
		w &= ba->only;
	return (w);
}

/* The newest complete backup's size and its databases' sizes, or 0. */
static void
bk_last(const char *root, uint64_t *size, int64_t *db_size)
{
	struct backup_entry	*v;
	size_t			 n, i;
	char			*cause = NULL;

	*size = 0;
	*db_size = 0;
	if (backup_list(root, &v, &n, &cause) != 0) {
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (v[i].state != BACKUP_INCOMPLETE) {
			*size = v[i].size;
			*db_size = v[i].db_size;
			break;
		}
	}
	backup_entries_free(v, n);
}

/* --- run -------------------------------------------------------------- */

struct bk_run {
	struct job		*job;
	const struct config	*cfg;
	char			*dir;
	atomic_bool		 stop;		/* cancel or a failure */
	struct backup_manifest	 m;

	/* the dumps */
	struct backup_pg	*pg;
	struct backup_pg_db	*dbs;
	size_t			 ndbs;
	pthread_mutex_t		 mtx;
	size_t			 next;		/* next database to dump */
	size_t			 running;	/* workers not finished */
	char			*dump_cause;	/* the first failure */
	_Atomic uint64_t	 written;
	int64_t			 deadline_ms;
};

static int
bk_write_file(const char *path, const char *data, size_t len, char **cause)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return (-1);
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(path);
		return (-1);
	}
	return (0);
}

static void *
bk_dump_worker(void *arg)
{
	struct bk_run		*r = arg;
	struct backup_db	 d;
	char			*file, *cause = NULL;
	size_t			 i;

	for (;;) {
		pthread_mutex_lock(&r->mtx);
		if (atomic_load(&r->stop) || r->next == r->ndbs) {
			r->running--;
			pthread_mutex_unlock(&r->mtx);
			return (NULL);
		}
		i = r->next++;
		pthread_mutex_unlock(&r->mtx);

		memset(&d, 0, sizeof d);
		d.name = xstrdup(r->dbs[i].name);
		d.file = xasprintf("db/%s.dump", r->dbs[i].name);
		file = xasprintf("%s/%s", r->dir, d.file);
		if (backup_pg_dump(r->pg, d.name, file, r->deadline_ms,
		    &r->stop, &r->written, &d, &cause) != 0) {
			pthread_mutex_lock(&r->mtx);
			if (r->dump_cause == NULL && !atomic_load(&r->stop))
				r->dump_cause = cause;
			else
				free(cause);
			cause = NULL;
			atomic_store(&r->stop, true);
			pthread_mutex_unlock(&r->mtx);
			free(file);
			free(d.name);
			free(d.file);
			for (i = 0; i < d.ntables; i++)
				free(d.tables[i].name);
			free(d.tables);
			continue;
		}
		free(file);
		pthread_mutex_lock(&r->mtx);
		r->m.dbs[i] = d;
		pthread_mutex_unlock(&r->mtx);
	}
}

/* A database name as a file name: nothing that leaves db/. */
static bool
bk_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) > 200)
		return (false);
	for (; *s != '\0'; s++) {
		if (*s == '/' || (unsigned char)*s < 0x20)
			return (false);
	}
	return (true);
}

static int
bk_run_dbs(struct bk_run *r, uint64_t estimate, char **cause)
{
	pthread_t	*th;
	char		*p, sz[16], est[16];
	size_t		 i, nth;
	long		 par = r->cfg->backup.parallel;
	int64_t		 reported = 0;
	int		 pct;

	for (i = 0; i < r->ndbs; i++) {
		if (!bk_name_ok(r->dbs[i].name)) {
			*cause = xstrdup("a database's name cannot be a file "
			    "name");
			return (-1);
		}
	}
	p = xasprintf("%s/db", r->dir);
	if (mkdir(p, 0700) != 0) {
		*cause = xasprintf("mkdir %s: %s", p, strerror(errno));
		free(p);
		return (-1);
	}
	free(p);
	r->m.dbs = xcalloc(r->ndbs + 1, sizeof *r->m.dbs);
	r->m.ndbs = r->ndbs;
	nth = par < 1 ? 1 : (size_t)par;
	if (nth > r->ndbs)
		nth = r->ndbs;
	th = xcalloc(nth + 1, sizeof *th);
	r->running = nth;
	for (i = 0; i < nth; i++) {
		if (pthread_create(&th[i], NULL, bk_dump_worker, r) != 0) {
			pthread_mutex_lock(&r->mtx);
			r->running -= nth - i;
			pthread_mutex_unlock(&r->mtx);
			atomic_store(&r->stop, true);
			nth = i;
			break;
		}
	}
	for (;;) {
		pthread_mutex_lock(&r->mtx);
		i = r->running;
		pthread_mutex_unlock(&r->mtx);
		if (i == 0)
			break;
		if (job_cancelled(r->job))
			atomic_store(&r->stop, true);
		if (util_mono_ms() - reported < BK_REPORT_MS) {
			(void)job_sleep(r->job, BK_TICK_MS);
			continue;
		}
		reported = util_mono_ms();
		util_fmt_bytes((double)atomic_load(&r->written), sz,
		    sizeof sz);
		if (estimate > 0) {
			pct = (int)(atomic_load(&r->written) * 100 / estimate);
			util_fmt_bytes((double)estimate, est, sizeof est);
			job_step_progress(r->job, pct > 99 ? 99 : pct,
			    "pg_dump: %zu database%s, %s written of ~%s",
			    r->ndbs, r->ndbs == 1 ? "" : "s", sz, est);
		} else
			job_step(r->job, "pg_dump: %zu database%s, %s written",
			    r->ndbs, r->ndbs == 1 ? "" : "s", sz);
		(void)job_sleep(r->job, BK_TICK_MS);
	}
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (r->dump_cause != NULL) {
		*cause = r->dump_cause;
		r->dump_cause = NULL;
		return (-1);
	}
	if (atomic_load(&r->stop)) {
		*cause = xstrdup("stopped on request");
		return (-1);
	}
	for (i = 0; i < r->ndbs; i++) {
		if (r->m.dbs[i].name == NULL) {
			*cause = xasprintf("database %s was not dumped",
			    r->dbs[i].name);
			return (-1);
		}
	}
	return (0);
}

static int
bk_run_stacks(struct bk_run *r, size_t *count, char **cause)
{
	struct api_conn		 c = api_rancher_conn(r->cfg);
	json_t			*o, *data, *s, *e;
	const char		*id, *name, *dc, *rc;
	char			*project = NULL, *path, *d, *f;
	size_t			 i;
	int			 ret = -1;

	*count = 0;
	if (api_rancher_project(&c, r->cfg->rancher.project, &project,
	    cause) != 0)
		return (-1);
	path = api_rancher_path(project, "stacks", NULL,
	    "limit=1000&removed_null=true&sort=name");
	if (api_rancher_call(&c, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		free(project);
		return (-1);
	}
	free(path);
	d = xasprintf("%s/stacks", r->dir);
	if (mkdir(d, 0700) != 0) {
		*cause = xasprintf("mkdir %s: %s", d, strerror(errno));
		goto out;
	}
	data = json_object_get(o, "data");
	json_array_foreach(data, i, s) {
		if (job_cancelled(r->job)) {
			*cause = xstrdup("stopped on request");
			goto out;
		}
		id = json_string_value(json_object_get(s, "id"));
		name = json_string_value(json_object_get(s, "name"));
		if (id == NULL || name == NULL)
			continue;
		if (!bk_name_ok(name)) {
			*cause = xstrdup("a stack's name cannot be a file "
			    "name");
			goto out;
		}
		job_step(r->job, "rancher: exportconfig of stack %s", name);
		path = api_rancher_action_path(project, "stacks", id,
		    "exportconfig");
		if (api_rancher_call(&c, "POST", path, NULL, &e, cause) != 0) {
			free(path);
			goto out;
		}
		free(path);
		dc = json_string_value(json_object_get(e,
		    "dockerComposeConfig"));
		rc = json_string_value(json_object_get(e,
		    "rancherComposeConfig"));
		if (dc == NULL || rc == NULL) {
			*cause = xasprintf("rancher: stack %s: exportconfig "
			    "has no compose files", name);
			json_decref(e);
			goto out;
		}
		f = xasprintf("%s/%s", d, name);
		if (mkdir(f, 0700) != 0) {
			*cause = xasprintf("mkdir %s: %s", f, strerror(errno));
			free(f);
			json_decref(e);
			goto out;
		}
		free(f);
		/* As Rancher wrote them: CRLF, $$ (apis-wave2 §2.6). */
		f = xasprintf("%s/%s/docker-compose.yml", d, name);
		if (bk_write_file(f, dc, strlen(dc), cause) != 0) {
			free(f);
			json_decref(e);
			goto out;
		}
		free(f);
		f = xasprintf("%s/%s/rancher-compose.yml", d, name);
		if (bk_write_file(f, rc, strlen(rc), cause) != 0) {
			free(f);
			json_decref(e);
			goto out;
		}
		free(f);
		json_decref(e);
		(*count)++;
	}
	ret = 0;
out:
	free(d);
	free(project);
	json_decref(o);
	return (ret);
}

/* The first resource's id of a Rancher collection GET; allocated. */
static char *
bk_rancher_first(struct bk_run *r, const char *path, const char *what,
    char **cause)
{
	struct api_conn	 c = api_rancher_conn(r->cfg);
	json_t		*o;
	const char	*id;
	char		*out;

	if (api_rancher_call(&c, "GET", path, NULL, &o, cause) != 0)
		return (NULL);
	id = json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "data"), 0), "id"));
	if (id == NULL) {
		*cause = xasprintf("[backup] rancher_service: no %s in Rancher",
		    what);
		json_decref(o);
		return (NULL);
	}
	out = xstrdup(id);
	json_decref(o);
	return (out);
}

/*
 * [backup] rancher_service: restart the cluster's own start-once backup
 * service and follow its containers until each has started again and
 * stopped; a non-zero exitCode fails the backup.
 */
static int
bk_run_service(struct bk_run *r, char **result, char **cause)
{
	struct api_conn	 c = api_rancher_conn(r->cfg);
	const char	*spec = r->cfg->backup.rancher_service, *slash;
	json_t		*o = NULL, *body, *data, *ct;
	char		*project = NULL, *stack = NULL, *sid = NULL, *svid = NULL;
	char		*path, *enc, *q;
	int64_t		*before = NULL, deadline, code;
	size_t		 i, n = 0, done;
	int		 ret = -1;

	if ((slash = strchr(spec, '/')) == NULL || slash == spec ||
	    slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
		*cause = xasprintf("[backup] rancher_service %s is not "
		    "STACK/SERVICE", spec);
		return (-1);
	}
	stack = xstrndup(spec, (size_t)(slash - spec));
	if (api_rancher_project(&c, r->cfg->rancher.project, &project,
	    cause) != 0)
		goto out;
	enc = util_urlencode(stack);
	q = xasprintf("name=%s&removed_null=true", enc);
	free(enc);
	path = api_rancher_path(project, "stacks", NULL, q);
	free(q);
	sid = bk_rancher_first(r, path, "such stack", cause);
	free(path);
	if (sid == NULL)
		goto out;
	enc = util_urlencode(slash + 1);
	q = xasprintf("stackId=%s&name=%s&removed_null=true", sid, enc);
	free(enc);
	path = api_rancher_path(project, "services", NULL, q);
	free(q);
	svid = bk_rancher_first(r, path, "such service", cause);
	free(path);
	if (svid == NULL)
		goto out;

	/* How often each container has started so far. */
	path = xasprintf("projects/%s/services/%s/instances", project, svid);
	if (api_rancher_call(&c, "GET", path, NULL, &o, cause) != 0) {
		free(path);
		goto out;
	}
	data = json_object_get(o, "data");
	n = json_array_size(data);
	before = xcalloc(n + 1, sizeof *before);
	json_array_foreach(data, i, ct)
		before[i] = json_integer_value(json_object_get(ct,
		    "startCount"));
	json_decref(o);
	o = NULL;
	if (n == 0) {
		*cause = xasprintf("[backup] rancher_service %s has no "
		    "container", spec);
		free(path);
		goto out;
	}
	if (job_lock_check(r->job, cause) != 0) {
		free(path);
		goto out;
	}
	job_step(r->job, "rancher: restarting %s (the cluster's backup "
	    "service)", spec);
	q = api_rancher_action_path(project, "services", svid, "restart");
	body = json_pack("{s:{s:i,s:i}}", "rollingRestartStrategy",
	    "batchSize", 1, "intervalMillis", 2000);
	if (api_rancher_call(&c, "POST", q, body, &o, cause) != 0) {
		json_decref(body);
		free(q);
		free(path);
		goto out;
	}
	json_decref(body);
	free(q);
	json_decref(o);
	o = NULL;

	deadline = util_mono_ms() + r->deadline_ms;
	for (;;) {
		if (!job_sleep(r->job, 1000)) {
			*cause = xasprintf("stopped on request while %s ran "
			    "(it goes on by itself)", spec);
			free(path);
			goto out;
		}
		if (util_mono_ms() > deadline) {
			*cause = xasprintf("%s did not exit within the "
			    "deadline", spec);
			free(path);
			goto out;
		}
		if (api_rancher_call(&c, "GET", path, NULL, &o, cause) != 0) {
			free(path);
			goto out;
		}
		data = json_object_get(o, "data");
		done = 0;
		json_array_foreach(data, i, ct) {
			const char *st = json_string_value(json_object_get(ct,
			    "state"));

			if (i < n && json_integer_value(json_object_get(ct,
			    "startCount")) <= before[i])
				continue;
			if (st != NULL && strcmp(st, "error") == 0) {
				*cause = xasprintf("%s: a container is in "
				    "state error", spec);
				free(path);
				goto out;
			}
			if (st == NULL || strcmp(st, "stopped") != 0)
				continue;
			code = json_integer_value(json_object_get(ct,
			    "exitCode"));
			if (code != 0) {
				*cause = xasprintf("%s exited %lld", spec,
				    (long long)code);
				free(path);
				goto out;
			}
			done++;
		}
		job_step(r->job, "rancher: %s: %zu of %zu containers ran and "
		    "exited", spec, done, json_array_size(data));
		json_decref(o);
		o = NULL;
		if (done >= n)
			break;
	}
	free(path);
	*result = xasprintf("%s ran and exited 0", spec);
	ret = 0;
out:
	json_decref(o);
	free(before);
	free(project);
	free(stack);
	free(sid);
	free(svid);
	return (ret);
}

/* GET a consul path; the body (404: NULL, not an error). */
static int
bk_consul_get(struct bk_run *r, const char *path, char **body,
    size_t *len, char **cause)
{
	struct api_conn		 c = api_consul_conn(r->cfg);
	struct api_req		 rq;
	struct http_response	 resp;
	char			*d;
	int			 rc = -1;

	*body = NULL;
	*len = 0;
	api_consul_req(&rq, &c, NULL, path, NULL);
	rq.http.timeout_ms = API_BLOCKING_TIMEOUT_MS;
	memset(&resp, 0, sizeof resp);
	if (http_perform(&rq.http, &resp) == 0 && resp.error == NULL &&
	    resp.status == 404)
		rc = 0;
	else if (resp.error == NULL && http_response_ok(&resp)) {
		*body = xstrndup(resp.body != NULL ? resp.body : "", resp.len);
		*len = resp.len;
		rc = 0;
	} else {
		d = api_consul_describe(&c, &resp);
		*cause = xasprintf("consul GET /%s: %s", path, d);
		free(d);
	}
	http_response_clear(&resp);
	api_req_clear(&rq);
	return (rc);
}

static int
bk_run_consul(struct bk_run *r, char **cause)
{
	json_t		*services, *out, *reg;
	json_error_t	 je;
	const char	*name;
	void		*it;
	char		*d, *f, *body, *path, *enc, *text;
	size_t		 len;
	int		 rc = -1;

	d = xasprintf("%s/consul", r->dir);
	if (mkdir(d, 0700) != 0) {
		*cause = xasprintf("mkdir %s: %s", d, strerror(errno));
		free(d);
		return (-1);
	}
	job_step(r->job, "consul: the KV store (recursive)");
	if (bk_consul_get(r, "v1/kv/?recurse", &body, &len, cause) != 0)
		goto out;
	f = xasprintf("%s/kv.json", d);
	rc = bk_write_file(f, body != NULL ? body : "[]", body != NULL ? len :
	    2, cause);
	free(f);
	free(body);
	if (rc != 0)
		goto out;
	rc = -1;
	job_step(r->job, "consul: the catalog's nodes and services");
	if (bk_consul_get(r, "v1/catalog/nodes", &body, &len, cause) != 0)
		goto out;
	f = xasprintf("%s/nodes.json", d);
	rc = bk_write_file(f, body != NULL ? body : "[]", body != NULL ? len :
	    2, cause);
	free(f);
	free(body);
	if (rc != 0)
		goto out;
	rc = -1;
	if (bk_consul_get(r, "v1/catalog/services", &body, &len, cause) != 0)
		goto out;
	services = json_loadb(body != NULL ? body : "{}", body != NULL ? len :
	    2, 0, &je);
	free(body);
	if (!json_is_object(services)) {
		json_decref(services);
		*cause = xstrdup("consul: /v1/catalog/services is not a JSON "
		    "object");
		goto out;
	}
	out = json_object();
	for (it = json_object_iter(services); it != NULL;
	    it = json_object_iter_next(services, it)) {
		name = json_object_iter_key(it);
		enc = util_urlencode(name);
		path = xasprintf("v1/catalog/service/%s", enc);
		free(enc);
		if (bk_consul_get(r, path, &body, &len, cause) != 0) {
			free(path);
			json_decref(out);
			json_decref(services);
			goto out;
		}
		free(path);
		reg = json_loadb(body != NULL ? body : "[]", body != NULL ?
		    len : 2, 0, &je);
		free(body);
		json_object_set_new(out, name, reg != NULL ? reg :
		    json_array());
	}
	json_decref(services);
	text = json_dumps(out, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(out);
	f = xasprintf("%s/services.json", d);
	rc = bk_write_file(f, text, strlen(text), cause);
	free(f);
	free(text);
out:
	free(d);
	return (rc);
}

static int
bk_file_cmp(const void *a, const void *b)
{
	const struct backup_file	*fa = a, *fb = b;

	return (strcmp(fa->path, fb->path));
}

/* Every file under dir/rel into the manifest, hashed. */
static int
bk_hash_tree(struct bk_run *r, const char *rel, int depth, char **cause)
{
	DIR			*d;
	struct dirent		*de;
	struct stat		 st;
	struct backup_file	*f;
	char			*p, *sub, *why = NULL;
	int			 rc = 0;

	p = *rel != '\0' ? xasprintf("%s/%s", r->dir, rel) : xstrdup(r->dir);
	if (depth > 4 || (d = opendir(p)) == NULL) {
		*cause = xasprintf("%s: %s", p, strerror(errno));
		free(p);
		return (-1);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    (depth == 0 && strcmp(de->d_name, BACKUP_MANIFEST) == 0))
			continue;
		sub = *rel != '\0' ? xasprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		free(p);
		p = xasprintf("%s/%s", r->dir, sub);
		if (lstat(p, &st) != 0) {
			*cause = xasprintf("%s: %s", p, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode))
			rc = bk_hash_tree(r, sub, depth + 1, cause);
		else if (S_ISREG(st.st_mode)) {
			r->m.files = xreallocarray(r->m.files, r->m.nfiles + 1,
			    sizeof *r->m.files);
			f = &r->m.files[r->m.nfiles++];
			memset(f, 0, sizeof *f);
			f->path = xstrdup(sub);
			if (backup_sha256_file(p, f->sha256, &f->size,
			    &r->stop, &why) != 0) {
				*cause = xasprintf("hashing %s: %s", sub, why);
				free(why);
				rc = -1;
			}
		}
		free(sub);
	}
	closedir(d);
	free(p);
	return (rc);
}

static int
bk_write_manifest(struct bk_run *r, char **cause)
{
	char	*text, *p;
	int	 rc;

	if (r->m.nfiles > 1)
		qsort(r->m.files, r->m.nfiles, sizeof *r->m.files,
		    bk_file_cmp);
	r->m.ended_ms = util_wall_ms();
	text = backup_manifest_encode(&r->m);
	p = xasprintf("%s/%s", r->dir, BACKUP_MANIFEST);
	rc = util_write_atomic(p, text, strlen(text), 0600, cause);
	free(text);
	free(p);
	return (rc);
}

static void
bk_run_free(struct bk_run *r)
{
	size_t	 i, j;

	for (i = 0; i < r->m.ndbs; i++) {
		for (j = 0; j < r->m.dbs[i].ntables; j++)
			free(r->m.dbs[i].tables[j].name);
		free(r->m.dbs[i].tables);
		free(r->m.dbs[i].name);
		free(r->m.dbs[i].file);
	}
	free(r->m.dbs);
	for (i = 0; i < r->m.nfiles; i++)
		free(r->m.files[i].path);
	free(r->m.files);
	free(r->m.id);
	free(r->m.cluster);
	free(r->m.bbbctl);
	free(r->m.pg_dump);
	free(r->m.server);
	backup_pg_databases_free(r->dbs, r->ndbs);
	backup_pg_free(r->pg);
	free(r->dump_cause);
	free(r->dir);
	pthread_mutex_destroy(&r->mtx);
}

static int
bk_run(struct job *j, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct job_args	*a = job_args(j);
	struct bk_run		 r;
	unsigned		 what = bk_what(cfg, a);
	uint64_t		 last_size, need, estimate = 0;
	int64_t			 last_db, free_bytes, dbsum = 0;
	size_t			 i, nstacks = 0;
	char			*root, *why = NULL, *svc = NULL;
	char			 sz[16], fr[16];
	int			 rc = -1;
	bool			 made = false;

	memset(&r, 0, sizeof r);
	pthread_mutex_init(&r.mtx, NULL);
	r.job = j;
	r.cfg = cfg;
	r.deadline_ms = a->timeout_ms > 0 ? a->timeout_ms :
	    BK_DUMP_DEADLINE_MS;
	if ((root = backup_root(cfg, cause)) == NULL)
		goto out;
	if (what == 0) {
		*cause = xstrdup("nothing to back up: none of [postgres], "
		    "[rancher], [consul] is configured");
		goto out;
	}
	if (what & BACKUP_DB) {
		job_step(j, "postgres: listing the databases");
		if ((r.pg = backup_pg_new(cfg->postgres.conninfo,
		    cause)) == NULL)
			goto out;
		if (backup_pg_databases(r.pg, cfg->backup.databases, &r.stop,
		    &r.dbs, &r.ndbs, &r.m.server, &why) != 0) {
			*cause = xasprintf("postgres: %s (nothing written)",
			    why);
			free(why);
			goto out;
		}
		for (i = 0; i < r.ndbs; i++)
			dbsum += r.dbs[i].size;
		r.m.pg_dump = backup_pg_dump_version();
		if (r.m.pg_dump == NULL) {
			*cause = xstrdup("pg_dump cannot be run (is "
			    "postgresql-client installed?); nothing written");
			goto out;
		}
	}
	if (backup_mkdirs(root, cause) != 0)
		goto out;
	bk_last(root, &last_size, &last_db);
	need = last_size > 0 ? (uint64_t)((double)last_size *
	    BK_SPACE_FACTOR) : (uint64_t)dbsum;
	free_bytes = backup_free_bytes(root);
	if (free_bytes >= 0 && (uint64_t)free_bytes < need) {
		util_fmt_bytes((double)need, sz, sizeof sz);
		util_fmt_bytes((double)free_bytes, fr, sizeof fr);
		*cause = xasprintf("%s has %s free, a backup needs about %s "
		    "(%s); nothing written", root, fr, sz, last_size > 0 ?
		    "the last backup's size x 1.5" : "the databases' size");
		goto out;
	}
	if (last_size > 0)
		estimate = last_size;
	if (job_cancelled(j)) {
		*cause = xstrdup("cancelled; nothing written");
		goto out;
	}

	r.m.format = BACKUP_FORMAT;
	r.m.started_ms = util_wall_ms();
	r.m.id = backup_id_new(r.m.started_ms);
	r.m.cluster = xstrdup(cfg->cluster.name);
	r.m.bbbctl = xstrdup(PACKAGE_VERSION);
	r.m.contents = what;
	r.dir = xasprintf("%s/%s", root, r.m.id);
	if (mkdir(r.dir, 0700) != 0) {
		*cause = xasprintf("mkdir %s: %s", r.dir, strerror(errno));
		goto out;
	}
	made = true;
	if ((what & BACKUP_DB) && bk_run_dbs(&r, estimate, cause) != 0)
		goto out;
	if ((what & BACKUP_STACKS) && bk_run_stacks(&r, &nstacks, cause) != 0)
		goto out;
	if ((what & BACKUP_CONSUL) && bk_run_consul(&r, cause) != 0)
		goto out;
	if ((what & BACKUP_STACKS) && cfg->backup.rancher_service != NULL &&
	    bk_run_service(&r, &svc, cause) != 0)
		goto out;
	if (job_cancelled(j)) {
		*cause = xstrdup("stopped on request");
		goto out;
	}
	job_step(j, "hashing the files, writing the manifest");
	if (bk_hash_tree(&r, "", 0, cause) != 0 ||
	    bk_write_manifest(&r, cause) != 0)
		goto out;
	made = false;
	util_fmt_bytes((double)(uint64_t)atomic_load(&r.written), sz,
	    sizeof sz);
	job_result(j, "backup %s complete in %s: %zu database%s, %zu "
	    "stack%s%s; %zu files%s%s", r.m.id, r.dir, r.m.ndbs,
	    r.m.ndbs == 1 ? "" : "s", nstacks, nstacks == 1 ? "" : "s",
	    (what & BACKUP_CONSUL) ? ", consul" : "", r.m.nfiles,
	    svc != NULL ? "; " : "", svc != NULL ? svc : "");
	rc = 0;
out:
	if (made) {
		atomic_store(&r.stop, true);
		if (backup_rmtree(r.dir, &why) != 0) {
			why = xasprintf("%s; the partial backup %s could not "
			    "be removed (%s): it has no manifest and is "
			    "listed incomplete", *cause, r.dir, why);
		} else
			why = xasprintf("%s; the partial backup %s was "
			    "removed", *cause, r.dir);
		free(*cause);
		*cause = why;
	}
	free(root);
	free(svc);
	bk_run_free(&r);
	return (rc);
}

static int
bk_plan_run(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;
	const struct bk_args	*ba = a->priv;
	unsigned		 what = bk_what(cfg, a);
	uint64_t		 last;
	int64_t			 last_db;
	char			*root, *id, sz[16];

	if ((root = backup_root(cfg, cause)) == NULL)
		return (-1);
	if (ba != NULL && ba->only != 0 && what == 0) {
		*cause = xasprintf("--only %s: that source is not configured",
		    backup_contents_words(ba->only));
		free(root);
		return (-1);
	}
	if (what == 0) {
		*cause = xstrdup("nothing to back up: none of [postgres], "
		    "[rancher], [consul] is configured");
		free(root);
		return (-1);
	}
	id = backup_id_new(util_wall_ms());
	job_plan_add(p, "write a new backup into %s/%s (directories 0700, "
	    "files 0600)", root, id);
	free(id);
	if (what & BACKUP_DB) {
		job_plan_add(p, "postgres: list the databases of the [postgres] "
		    "server%s%s (templates excluded; password masked)",
		    cfg->backup.databases != NULL ? ", only " : "",
		    cfg->backup.databases != NULL ? cfg->backup.databases : "");
		job_plan_add(p, "postgres: pg_dump -Fc each into db/NAME.dump, "
		    "%ld at a time, row counts in the same snapshot; the "
		    "password in a 0600 passfile, never on the command line",
		    cfg->backup.parallel);
	}
	if (what & BACKUP_STACKS)
		job_plan_add(p, "rancher: every stack's exportconfig into "
		    "stacks/STACK/docker-compose.yml and rancher-compose.yml "
		    "(POST %s .../stacks/ID?action=exportconfig)",
		    cfg->rancher.url);
	if ((what & BACKUP_STACKS) && cfg->backup.rancher_service != NULL)
		job_plan_add(p, "rancher: restart %s, the cluster's own backup "
		    "service (POST .../services/ID?action=restart), and follow "
		    "its containers until they exit 0",
		    cfg->backup.rancher_service);
	if (what & BACKUP_CONSUL)
		job_plan_add(p, "consul: GET %s/v1/kv/?recurse, "
		    "/v1/catalog/nodes, /v1/catalog/services and each "
		    "service's registrations into consul/", cfg->consul.url);
	job_plan_add(p, "hash every file (sha256); write manifest.json last "
	    "(atomically)");
	bk_last(root, &last, &last_db);
	if (last > 0) {
		util_fmt_bytes((double)last, sz, sizeof sz);
		job_plan_add(p, "estimated size: ~%s (the last backup); "
		    "refused with less than 1.5x that free", sz);
	} else
		job_plan_add(p, "estimated size: at most the databases' size "
		    "(no backup yet); refused with less than that free");
	job_plan_add(p, "a failure or a cancel removes the partial backup");
	free(root);
	return (0);
}

/* --- prune ------------------------------------------------------------- */

static int
bk_prune(struct job *j, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct bk_args	*ba = job_args(j)->priv;
	struct backup_entry	*v = NULL;
	bool			*rm = NULL;
	size_t			 n = 0, i, count, done = 0;
	char			*root, *why = NULL;
	int			 rc = -1;

	if ((root = backup_root(cfg, cause)) == NULL)
		return (-1);
	if (ba == NULL || !ba->keep_set) {
		*cause = xstrdup("--keep N is required");
		goto out;
	}
	if (backup_list(root, &v, &n, cause) != 0)
		goto out;
	rm = xcalloc(n + 1, sizeof *rm);
	count = backup_prune_select(v, n, (size_t)ba->keep, rm);
	for (i = 0; i < n; i++) {
		if (!rm[i])
			continue;
		if (job_lock_check(j, cause) != 0)
			goto out;
		job_step_progress(j, (int)(done * 100 / count), "removing %s "
		    "(%s)", v[i].id, backup_state_name(v[i].state));
		if (backup_rmtree(v[i].path, &why) != 0) {
			*cause = xasprintf("removing %s: %s (%zu of %zu "
			    "removed)", v[i].id, why, done, count);
			free(why);
			goto out;
		}
		done++;
	}
	job_result(j, "%zu backup%s removed, %zu kept", done,
	    done == 1 ? "" : "s", n - done);
	rc = 0;
out:
	free(rm);
	backup_entries_free(v, n);
	free(root);
	return (rc);
}

static int
bk_plan_prune(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct bk_args	*ba = a->priv;
	char			*root;

	if (ba == NULL || !ba->keep_set) {
		*cause = xstrdup("--keep N is required");
		return (-1);
	}
	if ((root = backup_root(ctx->cfg, cause)) == NULL)
		return (-1);
	job_plan_add(p, "in %s: keep the %lld newest complete backups, and "
	    "the newest verified one when none of those is verified", root,
	    ba->keep);
	job_plan_add(p, "remove the other complete backups, and incomplete "
	    "or failed ones older than the newest good one");
	free(root);
	return (0);
}

/* --- the rows (registry.c lists them) ----------------------------------- */

static const struct action_opt bk_run_opts[] = {
	{ "only", "db|stacks|consul", "back up only this part" },
	{ NULL, NULL, NULL }
};

static const struct action_opt bk_prune_opts[] = {
	{ "keep", "N", "keep the N newest complete backups (required)" },
	{ NULL, NULL, NULL }
};

static int
bk_args_parse(void *priv, const char *opt, const char *arg, char **cause)
{
	struct bk_args	*ba = priv;
	const char	*errstr = NULL;

	if (strcmp(opt, "only") == 0) {
		if (strcmp(arg, "db") == 0)
			ba->only = BACKUP_DB;
		else if (strcmp(arg, "stacks") == 0)
			ba->only = BACKUP_STACKS;
		else if (strcmp(arg, "consul") == 0)
			ba->only = BACKUP_CONSUL;
		else {
			*cause = xasprintf("--only %s: not db, stacks or "
			    "consul", arg);
			return (-1);
		}
		return (0);
	}
	if (util_parse_ll(arg, 1, 100000, &ba->keep, &errstr) != 0) {
		*cause = xasprintf("--keep %s: %s", arg, errstr);
		return (-1);
	}
	ba->keep_set = true;
	return (0);
}

const struct action action_backup_run = {
	.verb = "backup run",
	.help = "take a backup now: databases, Rancher stacks, consul",
	.risk = JOB_RISK_REVERSIBLE,
	.cancellable = true,
	.locks = true,
	.plan = bk_plan_run,
	.run = bk_run,
	.target = ACTION_TARGET_NONE,
	.opts = bk_run_opts,
	.args_size = sizeof (struct bk_args),
	.args_parse = bk_args_parse,
	.usage = "Writes [backup] dir/CLUSTER/ID/ and its manifest last; a "
	    "failure or ^C\nremoves what was written.",
	.key = 'b',
	.hint = true
};

const struct action action_backup_prune = {
	.verb = "backup prune",
	.help = "remove old backups, keeping the N newest complete ones",
	.risk = JOB_RISK_REVERSIBLE,
	.cancellable = true,
	.locks = true,
	.plan = bk_plan_prune,
	.run = bk_prune,
	.target = ACTION_TARGET_NONE,
	.opts = bk_prune_opts,
	.args_size = sizeof (struct bk_args),
	.args_parse = bk_args_parse
};
