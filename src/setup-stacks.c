/*
 * setup-stacks.c: what setup gives each infrastructure stack it creates:
 * the generated secrets (a 0600 file, made once, read again on a later
 * run) and each stack's environment, checked against the variables its
 * compose files name.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup.h"
#include "template.h"
#include "util.h"

#define SETUP_SECRETS_MAX	4096

/* The generated secrets: name and its length in random bytes. */
static const struct {
	const char	*name;
	size_t		 bytes;
} setup_secret_names[] = {
	{ "postgres_password",		24 },
	{ "loadbalancer_secret",	32 },
	{ "secret_key_base",		64 },
	{ "greenlight_secret_key_base",	64 },
	{ "grafana_admin_password",	24 },
	{ "turn_secret",		32 },
	{ "bbb_secret",			20 },	/* the nodes' BBB API */
};
#define SETUP_NSECRETS	nitems(setup_secret_names)

struct setup_secrets_file {
	char	*val[SETUP_NSECRETS];
};

void
setup_secrets_free(struct setup_secrets_file *sf)
{
	size_t	 i;

	if (sf == NULL)
		return;
	for (i = 0; i < SETUP_NSECRETS; i++) {
		if (sf->val[i] != NULL) {
			explicit_bzero(sf->val[i], strlen(sf->val[i]));
			free(sf->val[i]);
		}
	}
	free(sf);
}

const char *
setup_secrets_get(const struct setup_secrets_file *sf, const char *name)
{
	size_t	 i;

	for (i = 0; i < SETUP_NSECRETS; i++) {
		if (strcmp(setup_secret_names[i].name, name) == 0)
			return (sf->val[i]);
	}
	return (NULL);
}

static char *
setup_secret_random(size_t bytes, char **cause)
{
	unsigned char	 r[64];
	char		*hex;
	size_t		 i, got = 0;
	ssize_t		 n;

	while (got < bytes) {
		if ((n = getrandom(r + got, bytes - got, 0)) == -1) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("getrandom: %s", strerror(errno));
			return (NULL);
		}
		got += (size_t)n;
	}
	hex = xcalloc(2 * bytes + 1, 1);
	for (i = 0; i < bytes; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	explicit_bzero(r, sizeof r);
	return (hex);
}

/* Read NAME=VALUE lines of a 0600 file; 0, 1 when absent, -1. */
static int
setup_secrets_read(struct setup_secrets_file *sf, const char *path,
    char **cause)
{
	struct stat	 st;
	char		 buf[SETUP_SECRETS_MAX + 1], *line, *next, *eq;
	ssize_t		 n;
	size_t		 i, len = 0;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (1);
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		*cause = xasprintf("%s: not a regular file of yours with mode "
		    "0600", path);
		goto out;
	}
	while ((n = read(fd, buf + len, SETUP_SECRETS_MAX - len)) > 0)
		len += (size_t)n;
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	buf[len] = '\0';
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; i < SETUP_NSECRETS; i++) {
			if (strcmp(setup_secret_names[i].name, line) == 0 &&
			    sf->val[i] == NULL && eq[1] != '\0')
				sf->val[i] = xstrdup(eq + 1);
		}
	}
	rc = 0;
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return (rc);
}

struct setup_secrets_file *
setup_secrets_open(const char *path, char **cause)
{
	struct setup_secrets_file *sf;
	struct buf	 b = { 0 };
	size_t		 i;
	int		 r = 1;
	bool		 made = false;

	sf = xcalloc(1, sizeof *sf);
	if (path != NULL && (r = setup_secrets_read(sf, path, cause)) == -1)
		goto fail;
	for (i = 0; i < SETUP_NSECRETS; i++) {
		if (sf->val[i] != NULL)
			continue;
		if ((sf->val[i] = setup_secret_random(
		    setup_secret_names[i].bytes, cause)) == NULL)
			goto fail;
		made = true;
	}
	if (path == NULL || !made)
		return (sf);
	buf_printf(&b, "# bbbctl setup: the secrets of the stacks it "
	    "creates.  Keep it; mode 0600.\n");
	for (i = 0; i < SETUP_NSECRETS; i++)
		buf_printf(&b, "%s=%s\n", setup_secret_names[i].name,
		    sf->val[i]);
	buf_add(&b, "", 1);
	r = setup_write_file(path, b.data, cause);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	if (r == -1)
		goto fail;
	return (sf);
fail:
	setup_secrets_free(sf);
	return (NULL);
}

bool
setup_stack_var_secret(const char *name)
{
	return (strcmp(name, "POSTGRES_PASSWORD") == 0 ||
	    strcmp(name, "LOADBALANCER_SECRET") == 0 ||
	    strcmp(name, "SECRET_KEY_BASE") == 0 ||
	    strcmp(name, "GRAFANA_ADMIN_PASSWORD") == 0 ||
	    strcmp(name, "TURN_SECRET") == 0);
}

struct setup_env_ctx {
	const struct setup_answers	 *a;
	const struct setup_secrets_file	 *sf;
	const char			 *stack;
	char				 *pubkey;	/* SSH_AUTHORIZED_KEYS */
	char				 *why;
};

/* The public key beside the ssh identity (IDENTITY.pub). */
static char *
setup_env_pubkey(const struct setup_answers *a, char **why)
{
	const char	*id, *home;
	char		*path, buf[16384];
	ssize_t		 n;
	int		 fd;

	id = setup_answers_get(a, "ssh", "identity");
	if (*id == '\0') {
		*why = xstrdup("no ssh identity given ([ssh] identity)");
		return (NULL);
	}
	if (strncmp(id, "~/", 2) == 0 && (home = getenv("HOME")) != NULL)
		path = xasprintf("%s/%s.pub", home, id + 2);
	else
		path = xasprintf("%s.pub", id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (n = read(fd, buf, sizeof buf - 1)) <= 0) {
		*why = xasprintf("%s: %s", path, fd == -1 ? strerror(errno) :
		    "empty");
		if (fd != -1)
			close(fd);
		free(path);
		return (NULL);
	}
	close(fd);
	free(path);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return (xstrdup(buf));
}

static const char *
setup_env_lookup_cb(const char *name, void *arg)
{
	struct setup_env_ctx	*x = arg;
	const struct setup_answers *a = x->a;
	bool			 gl = strcmp(x->stack, "bbb-greenlight") == 0;

	if (strcmp(name, "DOMAIN") == 0)
		return (setup_answers_get(a, "cluster", "domain"));
	if (strcmp(name, "CONSUL_SERVICE") == 0)
		return (setup_answers_get(a, "consul", "service"));
	if (strcmp(name, "POSTGRES_PASSWORD") == 0)
		return (setup_secrets_get(x->sf, "postgres_password"));
	if (strcmp(name, "LOADBALANCER_SECRET") == 0) {
		/* an existing scalelite keeps its own secret */
		if (!setup_answers_create(a, "scalelite"))
			return (setup_answers_get(a, "scalelite", "secret"));
		return (setup_secrets_get(x->sf, "loadbalancer_secret"));
	}
	if (strcmp(name, "SECRET_KEY_BASE") == 0)
		return (setup_secrets_get(x->sf, gl ?
		    "greenlight_secret_key_base" : "secret_key_base"));
	if (strcmp(name, "GRAFANA_ADMIN_PASSWORD") == 0)
		return (setup_secrets_get(x->sf, "grafana_admin_password"));
	if (strcmp(name, "TURN_SECRET") == 0)
		return (setup_secrets_get(x->sf, "turn_secret"));
	if (strcmp(name, "SSH_AUTHORIZED_KEYS") == 0) {
		if (x->pubkey == NULL && x->why == NULL)
			x->pubkey = setup_env_pubkey(a, &x->why);
		return (x->pubkey);
	}
	return (NULL);
}

static char *
setup_env_read(const char *path, size_t *len, char **cause)
{
	struct buf	 b = { 0 };
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (NULL);
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < 1048576)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		buf_free(&b);
		return (NULL);
	}
	*len = b.len;
	buf_add(&b, "", 1);
	return (buf_steal(&b));
}

void
setup_stack_env_free(char **env)
{
	size_t	 i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++) {
		explicit_bzero(env[i], strlen(env[i]));
		free(env[i]);
	}
	free(env);
}

int
setup_stack_env(const struct setup_answers *a,
    const struct setup_secrets_file *sf, const char *dir, const char *stack,
    char ***envp, char **cause)
{
	static const char *const files[] = { "docker-compose.yml",
	    "rancher-compose.yml" };
	struct setup_env_ctx	 x;
	char			**names, **env = NULL, *path, *text;
	const char		*v;
	size_t			 f, i, j, nn, len, nenv = 0;
	bool			 dup;

	memset(&x, 0, sizeof x);
	x.a = a;
	x.sf = sf;
	x.stack = stack;
	*envp = NULL;
	for (f = 0; f < nitems(files); f++) {
		path = xasprintf("%s/%s/%s", dir, stack, files[f]);
		if ((text = setup_env_read(path, &len, cause)) == NULL) {
			free(path);
			goto fail;
		}
		names = template_names(text, len, &nn);
		free(text);
		for (i = 0; i < nn; i++) {
			dup = false;
			for (j = 0; j < nenv; j++) {
				if (strcmp(env[2 * j], names[i]) == 0)
					dup = true;
			}
			v = dup ? "" : setup_env_lookup_cb(names[i], &x);
			if (!dup && v == NULL) {
				*cause = xasprintf("%s: ${%s}: %s", path,
				    names[i], x.why != NULL ? x.why :
				    "no value for it");
				for (; i < nn; i++)
					free(names[i]);
				free(names);
				free(path);
				goto fail;
			}
			if (!dup) {
				env = xreallocarray(env, 2 * nenv + 3,
				    sizeof *env);
				env[2 * nenv] = xstrdup(names[i]);
				env[2 * nenv + 1] = xstrdup(v);
				env[2 * nenv + 2] = NULL;
				nenv++;
			}
			free(names[i]);
		}
		free(names);
		free(path);
	}
	if (env == NULL)
		env = xcalloc(1, sizeof *env);
	*envp = env;
	free(x.pubkey);
	free(x.why);
	return (0);
fail:
	setup_stack_env_free(env);
	free(x.pubkey);
	free(x.why);
	return (-1);
}
