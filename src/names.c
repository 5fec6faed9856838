/*
 * names.c: the names cache for completion (see names.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"
#include "names.h"
#include "util.h"

#define NAMES_MAX_BYTES	(4 * 1024 * 1024)

/* 64-bit FNV-1a: a stable name for a configuration's cache. */
static uint64_t
names_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static char *
names_dir(void)
{
	const char	*c, *home;

	if ((c = getenv("XDG_CACHE_HOME")) != NULL && *c == '/')
		return (xasprintf("%s/bbbctl", c));
	if ((home = getenv("HOME")) != NULL && *home == '/')
		return (xasprintf("%s/.cache/bbbctl", home));
	return (NULL);
}

char *
names_path(const char *config_path)
{
	char	*dir, *real, *p;

	if (config_path == NULL || (dir = names_dir()) == NULL)
		return (NULL);
	real = realpath(config_path, NULL);
	p = xasprintf("%s/names-%016llx", dir, (unsigned long long)
	    names_hash(real != NULL ? real : config_path));
	free(real);
	free(dir);
	return (p);
}

/* mkdir -p of the cache directory, 0700. */
static int
names_mkdir(char **cause)
{
	char	*dir;
	int	 rc;

	if ((dir = names_dir()) == NULL) {
		*cause = xstrdup("neither XDG_CACHE_HOME nor HOME is set");
		return (-1);
	}
	rc = util_mkdirs(dir, cause);
	free(dir);
	return (rc);
}

/* A name fit for a line of the cache (no blanks or controls). */
static int
names_fit(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 255)
		return (0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return (0);
	}
	return (1);
}

int
names_save(const struct fleet *f, const char *config_path, char **cause)
{
	struct buf	 b = { 0 };
	char		*path;
	size_t		 i;

	if ((path = names_path(config_path)) == NULL) {
		*cause = xstrdup("no cache directory");
		return (-1);
	}
	if (names_mkdir(cause) == -1) {
		free(path);
		return (-1);
	}
	for (i = 0; i < f->nnodes; i++) {
		if (names_fit(f->nodes[i]->key))
			buf_printf(&b, "node %s\n", f->nodes[i]->key);
	}
	for (i = 0; i < f->nstacks; i++) {
		if (names_fit(f->stacks[i]->name))
			buf_printf(&b, "stack %s\n", f->stacks[i]->name);
	}
	for (i = 0; i < f->nhosts; i++) {
		if (names_fit(f->hosts[i]->hostname))
			buf_printf(&b, "host %s\n", f->hosts[i]->hostname);
	}
	for (i = 0; i < f->nvms; i++) {
		if (names_fit(f->vms[i]->name))
			buf_printf(&b, "host %s\n", f->vms[i]->name);
	}
	if (util_write_atomic(path, b.data != NULL ? b.data : "", b.len, 0600,
	    cause) == -1)
		goto fail;
	free(path);
	buf_free(&b);
	return (0);
fail:
	free(path);
	buf_free(&b);
	return (-1);
}

char **
names_load(const char *config_path, const char *kind, size_t *np,
    int64_t *age_ms)
{
	char		*path, line[512], **out = NULL;
	size_t		 n = 0, klen = strlen(kind), len;
	struct stat	 sb;
	FILE		*f;
	int		 fd;

	*np = 0;
	*age_ms = -1;
	if ((path = names_path(config_path)) == NULL)
		return (NULL);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != getuid() || sb.st_size > NAMES_MAX_BYTES ||
	    (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return (NULL);
	}
	*age_ms = util_wall_ms() - (int64_t)sb.st_mtime * 1000;
	if (*age_ms < 0)
		*age_ms = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (len <= klen + 1 || strncmp(line, kind, klen) != 0 ||
		    line[klen] != ' ' || !names_fit(line + klen + 1))
			continue;
		out = xreallocarray(out, n + 1, sizeof *out);
		out[n++] = xstrdup(line + klen + 1);
	}
	fclose(f);
	*np = n;
	return (out);
}

bool
names_refresh_due(const char *config_path, int64_t retry_ms)
{
	char		*names, *stamp, *cause = NULL;
	struct stat	 sb;
	bool		 due;
	int		 fd;

	if ((names = names_path(config_path)) == NULL)
		return (false);
	if (names_mkdir(&cause) == -1) {
		free(cause);
		free(names);
		return (false);
	}
	stamp = xasprintf("%s.refresh", names);
	free(names);
	due = !(lstat(stamp, &sb) == 0 &&
	    util_wall_ms() - (int64_t)sb.st_mtime * 1000 < retry_ms);
	if (due) {
		fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd == -1)
			due = false;	/* no stamp: no storm of refreshes */
		else
			close(fd);
	}
	free(stamp);
	return (due);
}

void
names_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
