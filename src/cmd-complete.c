/*
 * cmd-complete.c: bbbctl complete -- WORD... CURRENT
 *
 * The words shell completion offers for CURRENT after WORD... (the words
 * typed after "bbbctl"), one a line: commands from the command table and
 * the action registry, global options and the command's own, and for an
 * action's target the node, stack or host names of the fleet, read from
 * the names cache (names.h).  "<FILE>" alone asks the shell to complete
 * a file name.  It never waits for a server: when the cache is missing
 * or older than NAMES_FRESH_MS it starts `bbbctl status` in the
 * background (at most once every NAMES_RETRY_MS) to write it, and
 * offers what the cache holds now.  Always exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action/registry.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "names.h"
#include "util.h"

#define NAMES_FRESH_MS	(10 * 60 * 1000)
#define NAMES_RETRY_MS	(30 * 1000)
#define COMPLETE_MAX	4096

struct complete {
	char		**out;
	size_t		  nout;
	const char	 *cur;
	char		 *config;	/* --config given, or NULL */
};

static int
complete_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static void
complete_add(struct complete *c, const char *w)
{
	size_t	 i;

	if (w == NULL || *w == '\0' || c->nout >= COMPLETE_MAX ||
	    strncmp(w, c->cur, strlen(c->cur)) != 0)
		return;
	for (i = 0; i < c->nout; i++) {
		if (strcmp(c->out[i], w) == 0)
			return;
	}
	c->out = xreallocarray(c->out, c->nout + 1, sizeof *c->out);
	c->out[c->nout++] = xstrdup(w);
}

static void
complete_add_option(struct complete *c, const char *name)
{
	char	*w = xasprintf("--%s", name);

	complete_add(c, w);
	free(w);
}

/* Does the global or common option word (without --) take an argument? */
static int
complete_option_arg(const char *word, const struct action *act)
{
	const struct option	*g;
	size_t			 i, n;
	char			 name[64];

	if (strncmp(word, "--", 2) != 0 || strchr(word, '=') != NULL)
		return (0);
	snprintf(name, sizeof name, "%s", word + 2);
	g = cli_global_options(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(g[i].name, name) == 0)
			return (g[i].has_arg == required_argument);
	}
	if (act == NULL)
		return (0);
	if (strcmp(name, "lock-wait") == 0 || strcmp(name, "timeout") == 0)
		return (1);
	for (i = 0; act->opts != NULL && act->opts[i].name != NULL; i++) {
		if (strcmp(act->opts[i].name, name) == 0)
			return (act->opts[i].arg != NULL);
	}
	return (0);
}

/* Start `bbbctl --config PATH status` detached, to refresh the cache. */
static void
complete_refresh(const char *config)
{
	pid_t		 pid;
	int		 devnull;

	if (!names_refresh_due(config, NAMES_RETRY_MS))
		return;
	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		if ((devnull = open("/dev/null", O_RDWR)) != -1) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		execl("/proc/self/exe", "bbbctl", "--config", config,
		    "status", "--timeout", "5s", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

static void
complete_names(struct complete *c, const char *kind)
{
	char	*config, **v;
	size_t	 i, n;
	int64_t	 age;

	if ((config = config_find(c->config)) == NULL)
		return;
	v = names_load(config, kind, &n, &age);
	for (i = 0; i < n; i++)
		complete_add(c, v[i]);
	names_free(v, n);
	if (age < 0 || age > NAMES_FRESH_MS)
		complete_refresh(config);
	free(config);
}

/* The commands' next words after the words typed so far (w[0..nw)). */
static void
complete_commands(struct complete *c, char **w, size_t nw)
{
	const char	*name, *p, *args;
	const struct action *act;
	char		 word[64];
	bool		 hidden;
	size_t		 i, k, len;

	for (i = 0; (name = cli_command_at(i, &args, &act, &hidden)) !=
	    NULL; i++) {
		if (hidden || *name == '\0')
			continue;
		p = name;
		for (k = 0; k < nw; k++) {
			len = strcspn(p, " ");
			if (len != strlen(w[k]) || strncmp(p, w[k], len) != 0)
				break;
			p += len;
			p += strspn(p, " ");
		}
		if (k != nw || *p == '\0')
			continue;
		len = strcspn(p, " ");
		if (len >= sizeof word)
			continue;
		memcpy(word, p, len);
		word[len] = '\0';
		complete_add(c, word);
	}
}

/* How many of w[0..nw) are the words of a command; its row. */
static size_t
complete_find(char **w, size_t nw, const char **args,
    const struct action **act)
{
	const char	*name, *a;
	const struct action *r;
	char		*joined;
	bool		 hidden;
	size_t		 i, best = 0, k;

	for (k = 1; k <= nw && k <= 3; k++) {
		joined = NULL;
		for (i = 0; i < k; i++) {
			char *t = xasprintf("%s%s%s", joined != NULL ?
			    joined : "", joined != NULL ? " " : "", w[i]);
			free(joined);
			joined = t;
		}
		for (i = 0; (name = cli_command_at(i, &a, &r, &hidden)) !=
		    NULL; i++) {
			if (strcmp(name, joined) == 0) {
				best = k;
				*args = a;
				*act = r;
			}
		}
		free(joined);
	}
	return (best);
}

int
cmd_complete(struct cli *cli, int argc, char **argv)
{
	struct complete	 c;
	const struct action *act = NULL;
	const struct option *g;
	const char	*args = NULL, *prev, *p;
	char		**w = NULL, opt[64];
	size_t		 nw = 0, i, n, cmdwords;
	int		 a, nargs;

	memset(&c, 0, sizeof c);
	a = 1;
	if (a < argc && strcmp(argv[a], "--") == 0)
		a++;
	if (a >= argc)
		return (0);
	c.cur = argv[argc - 1];
	prev = argc - 2 >= a ? argv[argc - 2] : NULL;

	/* The words typed, less options and their arguments. */
	for (i = (size_t)a; i + 1 < (size_t)argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 2 < (size_t)argc) {
			free(c.config);
			c.config = xstrdup(argv[i + 1]);
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			free(c.config);
			c.config = xstrdup(argv[i] + 9);
		}
		if (argv[i][0] == '-') {
			if (complete_option_arg(argv[i], act) &&
			    i + 2 < (size_t)argc)
				i++;
			continue;
		}
		w = xreallocarray(w, nw + 1, sizeof *w);
		w[nw++] = argv[i];
		if (act == NULL)
			(void)complete_find(w, nw, &args, &act);
	}
	cmdwords = complete_find(w, nw, &args, &act);

	if (prev != NULL && prev[0] == '-' && complete_option_arg(prev, act)) {
		if (strcmp(prev, "--config") == 0 || strcmp(prev, "--log") == 0)
			printf("<FILE>\n");
		goto out;
	}
	if (c.cur[0] == '-') {
		g = cli_global_options(&n);
		for (i = 0; i < n; i++)
			complete_add_option(&c, g[i].name);
		complete_add_option(&c, "help");
		complete_add_option(&c, "version");
		if (act != NULL) {
			complete_add_option(&c, "lock-wait");
			complete_add_option(&c, "timeout");
			for (i = 0; act->opts != NULL &&
			    act->opts[i].name != NULL; i++)
				complete_add_option(&c, act->opts[i].name);
		} else if (args != NULL) {
			/* A plain command's options, from its usage. */
			for (p = args; (p = strstr(p, "--")) != NULL; ) {
				p += 2;
				n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
				if (n > 0 && n < sizeof opt) {
					memcpy(opt, p, n);
					opt[n] = '\0';
					complete_add_option(&c, opt);
				}
				p += n;
			}
		}
		goto out;
	}
	if (cmdwords == 0) {
		complete_commands(&c, w, nw);
		if (nw == 0)
			complete_add(&c, "help");
		goto out;
	}
	nargs = (int)(nw - cmdwords);
	if (act != NULL) {
		switch (act->target) {
		case ACTION_TARGET_NODE:
			if (nargs == 0)
				complete_names(&c, "node");
			break;
		case ACTION_TARGET_NODES:
			complete_names(&c, "node");
			break;
		case ACTION_TARGET_STACK:
			if (nargs == 0)
				complete_names(&c, "stack");
			break;
		case ACTION_TARGET_HOST:
			if (nargs == 0)
				complete_names(&c, "host");
			break;
		case ACTION_TARGET_NONE:
			break;
		}
	} else if (strcmp(w[0], "help") == 0) {
		complete_commands(&c, w + 1, nw - 1);
	} else if (args != NULL && strstr(args, "FILE") != NULL && nargs == 0)
		printf("<FILE>\n");
	else if (args != NULL && strstr(args, "NODE") != NULL && nargs == 0)
		complete_names(&c, "node");	/* probe meeting [NODE] */
out:
	if (c.nout > 0)
		qsort(c.out, c.nout, sizeof *c.out, complete_cmp);
	for (i = 0; i < c.nout; i++) {
		printf("%s\n", c.out[i]);
		free(c.out[i]);
	}
	free(c.out);
	free(c.config);
	free(w);
	return (0);
}
