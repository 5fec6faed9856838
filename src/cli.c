/*
 * cli.c: global options, the command table, loading the configuration
 * a command asks for.  The actions' commands are not in the table here:
 * they are generated from the action registry (action/registry.h).
 */
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/registry.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "simpath.h"
#include "util.h"

struct cli_cmd {
	const char	*name;		/* words; "" is the dashboard */
	int		(*fn)(struct cli *, int, char **);
	const char	*args;		/* usage of its arguments */
	const char	*help;		/* one line */
	enum cli_need	 needs_config;
	bool		 mutating;	/* refused when read-only */
	bool		 hidden;	/* not in --help */
	const struct action *action;	/* a registry row (cmd-job.c) */
};

/*
 * The commands that are not actions.  Add a row per command; the
 * dashboard is the row named "".  --help lists these rows and the
 * actions' (cli_table()) sorted by name.  A row looks like:
 *
 *	{ "status", cmd_status, "[--json]", "print the fleet once",
 *	  CLI_CONFIG_REQUIRED, false, false },
 *
 * An action is not a row here: it is a row of the action registry.
 */
static int	 cli_run_dashboard(struct cli *, int, char **);

static const struct cli_cmd cli_commands[] = {
	{ "", cli_run_dashboard, "",
	  "the live dashboard (also with --demo)",
	  CLI_CONFIG_REQUIRED, false, true },
	{ "audit", cmd_audit, "[--since T] [--json] [--limit N]",
	  "list the audit trail of actions",
	  CLI_CONFIG_OPTIONAL, false, false },
	{ "backup list", cmd_backup_list, "[--json]",
	  "list the backups: time, size, contents, state",
	  CLI_CONFIG_REQUIRED, false, false },
	{ "backup verify", cmd_backup_verify, "[--restore-test] [ID]",
	  "check a backup against its manifest (and restore it)",
	  CLI_CONFIG_REQUIRED, false, false },
	{ "complete", cmd_complete, "-- WORD... CURRENT",
	  "shell completion: the words for CURRENT (data/completion/)",
	  CLI_CONFIG_NONE, false, true },
	{ "config check", cmd_config_check, "[FILE]",
	  "check the configuration; print it with secrets masked",
	  CLI_CONFIG_NONE, false, false },
	{ "config keys", cmd_config_keys, "",
	  "list every configuration key (for the documentation tests)",
	  CLI_CONFIG_NONE, false, true },
	{ "keys check", cmd_keys_check, "",
	  "does every host accept the configured ssh identity",
	  CLI_CONFIG_REQUIRED, false, false },
	{ "keys list", cmd_keys_list, "[--json]",
	  "per host, the fingerprints and comments of its authorized keys",
	  CLI_CONFIG_REQUIRED, false, false },
	{ "help", cmd_help, "[COMMAND]",
	  "show this help, or one command's",
	  CLI_CONFIG_NONE, false, false },
	{ "setup", cmd_setup,
	  "[--answers FILE [--no-test]] [--no-create] | --undo",
	  "first-time setup (wizard or answers file), then the fleet; --undo",
	  CLI_CONFIG_NONE, false, false },
	{ "probe", cmd_probe, "[--json] [NAME]",
	  "probe the fleet-wide services once (exit 0-3 as status)",
	  CLI_CONFIG_NONE, false, false },
	{ "probe meeting", cmd_probe_meeting, "[--json] [NODE]",
	  "an end-to-end test meeting through scalelite (or on NODE)",
	  CLI_CONFIG_NONE, true, false },
	/* status loads the configuration itself: its errors exit 3 */
	{ "status", cmd_status, "[--json] [--watch] [--timeout S]",
	  "print the fleet once, as a monitoring check (exit 0-3)",
	  CLI_CONFIG_NONE, false, false },
};

enum {
	CLI_OPT_CONFIG = 256,
	CLI_OPT_DEMO,
	CLI_OPT_READONLY,
	CLI_OPT_DRY_RUN,
	CLI_OPT_YES,
	CLI_OPT_NO_COLOR,
	CLI_OPT_ASCII,
	CLI_OPT_REFRESH,
	CLI_OPT_LOG
};

static const struct option cli_options[] = {
	{ "config",	required_argument,	NULL, CLI_OPT_CONFIG },
	{ "demo",	no_argument,		NULL, CLI_OPT_DEMO },
	{ "readonly",	no_argument,		NULL, CLI_OPT_READONLY },
	{ "dry-run",	no_argument,		NULL, CLI_OPT_DRY_RUN },
	{ "yes",	no_argument,		NULL, CLI_OPT_YES },
	{ "no-color",	no_argument,		NULL, CLI_OPT_NO_COLOR },
	{ "ascii",	no_argument,		NULL, CLI_OPT_ASCII },
	{ "refresh",	required_argument,	NULL, CLI_OPT_REFRESH },
	{ "log",	required_argument,	NULL, CLI_OPT_LOG },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static const char *cli_option_help[][2] = {
	{ "--config FILE", "read FILE instead of the usual places" },
	{ "--demo", "run on a built-in simulated fleet (no setup)" },
	{ "--readonly", "refuse every action that changes the fleet" },
	{ "--dry-run", "show what an action would do; change nothing" },
	{ "--yes", "do not ask for confirmation" },
	{ "--no-color", "no colours (also: NO_COLOR set)" },
	{ "--ascii", "draw with ASCII only" },
	{ "--refresh S", "poll every S (like 2s or 500ms)" },
	{ "--log FILE", "log to FILE (default: see bbbctl(1))" },
	{ "-h, --help", "show this help and exit" },
	{ "-V, --version", "show the version and exit" },
};

/* --version: ours, the libraries built against, the simulator. */
static void
cli_version(FILE *fp)
{
	char	*sim;

	fprintf(fp, "bbbctl %s\n", PACKAGE_VERSION);
	fprintf(fp, "built with %s\n", BUILT_WITH);
	if ((sim = simpath_find()) != NULL)
		fprintf(fp, "simulator: %s (--demo available)\n", sim);
	else
		fprintf(fp, "simulator: not found (--demo unavailable)\n");
	free(sim);
}

#define CLI_REFRESH_MIN	100
#define CLI_REFRESH_MAX	3600000

static int
cli_cmd_cmp(const void *a, const void *b)
{
	const struct cli_cmd	*ca = a, *cb = b;

	return (strcmp(ca->name, cb->name));
}

/*
 * Every command: the rows above and one per action of the registry,
 * sorted by name.  Built once; it lives as long as the program.
 */
static const struct cli_cmd *
cli_table(size_t *n)
{
	static struct cli_cmd		*table;
	static size_t			 ntable;
	const struct action *const	*acts;
	struct cli_cmd			*c;
	size_t				 i, nacts;

	if (table == NULL) {
		acts = action_list(&nacts);
		table = xreallocarray(NULL, nitems(cli_commands) + nacts,
		    sizeof *table);
		memcpy(table, cli_commands, sizeof cli_commands);
		ntable = nitems(cli_commands);
		for (i = 0; i < nacts; i++) {
			if (acts[i]->own_command)
				continue;	/* a row above runs it */
			c = &table[ntable++];
			memset(c, 0, sizeof *c);
			c->name = acts[i]->verb;
			c->args = action_usage(acts[i], NULL);
			c->help = acts[i]->help;
			c->needs_config = CLI_CONFIG_REQUIRED;
			c->mutating = true;
			c->action = acts[i];
		}
		qsort(table, ntable, sizeof *table, cli_cmd_cmp);
	}
	*n = ntable;
	return (table);
}

const char *
cli_command_at(size_t i, const char **args, const struct action **act,
    bool *hidden)
{
	const struct cli_cmd	*t;
	size_t			 n;

	t = cli_table(&n);
	if (i >= n)
		return (NULL);
	*args = t[i].args;
	*act = t[i].action;
	*hidden = t[i].hidden;
	return (t[i].name);
}

void
cli_init(struct cli *cli)
{
	memset(cli, 0, sizeof *cli);
	cli->refresh_ms = -1;
}

void
cli_free(struct cli *cli)
{
	free(cli->config_path);
	free(cli->log_path);
	config_free(cli->cfg);
	cli_init(cli);
}

static void
cli_usage_line(FILE *f)
{
	fprintf(f, "usage: bbbctl [options] [command [arguments]]\n");
}

static void
cli_usage_short(void)
{
	cli_usage_line(stderr);
	fprintf(stderr, "Try 'bbbctl --help' for more.\n");
}

static cli_cmd_fn	 cli_dashboard;

void
cli_set_dashboard(cli_cmd_fn fn)
{
	cli_dashboard = fn;
}

static bool
cli_have_dashboard(void)
{
	return (cli_dashboard != NULL);
}

static int
cli_run_dashboard(struct cli *cli, int argc, char **argv)
{
	if (cli_dashboard == NULL) {
		fprintf(stderr, "bbbctl: the dashboard is not built yet; see "
		    "`bbbctl --help`\n");
		return (CLI_EXIT_ERROR);
	}
	return (cli_dashboard(cli, argc, argv));
}

/* One command's line of --help: "  name args   help". */
static void
cli_usage_cmd(FILE *f, const struct cli_cmd *c)
{
	char	 left[128];

	snprintf(left, sizeof left, "%s%s%s", c->name,
	    *c->args != '\0' ? " " : "", c->args);
	if (strlen(left) > 22)
		fprintf(f, "  %s\n  %-22s %s\n", left, "", c->help);
	else
		fprintf(f, "  %-22s %s\n", left, c->help);
}

/* The actions' common options, naming their first words. */
static void
cli_usage_actions(FILE *f)
{
	const struct action *const	*acts;
	struct buf			 b = { 0 };
	size_t				 i, j, n, len;

	acts = action_list(&n);
	for (i = 0; i < n; i++) {
		if (acts[i]->own_command)
			continue;
		len = strcspn(acts[i]->verb, " ");
		for (j = 0; j < i; j++) {
			if (!acts[j]->own_command &&
			    strncmp(acts[j]->verb, acts[i]->verb, len + 1) == 0)
				break;
		}
		if (j == i)
			buf_printf(&b, "%s%.*s", b.len != 0 ? ", " : "",
			    (int)len, acts[i]->verb);
	}
	if (b.len == 0)
		return;
	fprintf(f, "\nThe actions (%s) also take --lock-wait S and "
	    "--timeout S;\ntheir options and the global ones may come after "
	    "the command's words too.\n", b.data);
	buf_free(&b);
}

void
cli_usage(FILE *f)
{
	const struct cli_cmd	*c, *table;
	size_t			 i, n;

	cli_usage_line(f);
	fprintf(f, "\nbbbctl is a terminal console for BigBlueButton fleets "
	    "(scalelite, consul,\nPrometheus, Rancher, OpenStack).  With no "
	    "command the dashboard starts%s.\n", cli_have_dashboard() ? "" :
	    "\n(not built yet)");
	fprintf(f, "\nOptions (before the command):\n");
	for (i = 0; i < nitems(cli_option_help); i++)
		fprintf(f, "  %-22s %s\n", cli_option_help[i][0],
		    cli_option_help[i][1]);
	fprintf(f, "\nCommands:\n");
	table = cli_table(&n);
	for (i = 0; i < n; i++) {
		c = &table[i];
		if (c->hidden || *c->name == '\0')
			continue;
		cli_usage_cmd(f, c);
	}
	cli_usage_actions(f);
	fprintf(f, "\nConfiguration: --config, $BBBCTL_CONFIG, "
	    "$XDG_CONFIG_HOME/bbbctl/bbbctl.conf\n"
	    "(~/.config/bbbctl/bbbctl.conf), /etc/bbbctl/bbbctl.conf.\n");
	fprintf(f, "Exit status: 0 success, 1 error, 2 usage error.  "
	    "See bbbctl(1).\n");
}

const struct option *
cli_global_options(size_t *n)
{
	size_t	 i;

	for (i = 0; cli_options[i].name != NULL; i++) {
		if (cli_options[i].val < CLI_OPT_CONFIG)
			break;
	}
	*n = i;
	return (cli_options);
}

int
cli_global_option(struct cli *cli, int val, const char *arg)
{
	const char	*cause;

	switch (val) {
	case CLI_OPT_CONFIG:
		free(cli->config_path);
		cli->config_path = xstrdup(arg);
		break;
	case CLI_OPT_DEMO:
		cli->demo = true;
		break;
	case CLI_OPT_READONLY:
		cli->readonly = true;
		break;
	case CLI_OPT_DRY_RUN:
		cli->dry_run = true;
		break;
	case CLI_OPT_YES:
		cli->yes = true;
		break;
	case CLI_OPT_NO_COLOR:
		cli->no_color = true;
		break;
	case CLI_OPT_ASCII:
		cli->ascii = true;
		break;
	case CLI_OPT_REFRESH:
		if (util_parse_duration_ms(arg, &cli->refresh_ms,
		    &cause) == -1 ||
		    cli->refresh_ms < CLI_REFRESH_MIN ||
		    cli->refresh_ms > CLI_REFRESH_MAX) {
			fprintf(stderr, "bbbctl: --refresh: expected a "
			    "duration from 100ms to 1h, like 2s or "
			    "500ms, got '%s'\n", arg);
			return (CLI_EXIT_USAGE);
		}
		break;
	case CLI_OPT_LOG:
		free(cli->log_path);
		cli->log_path = xstrdup(arg);
		break;
	default:
		fprintf(stderr, "bbbctl: unknown option\n");
		return (CLI_EXIT_USAGE);
	}
	return (CLI_CONTINUE);
}

int
cli_parse(struct cli *cli, int argc, char **argv, int *cmd_argc,
    char ***cmd_argv)
{
	const char	*env;
	int		 ch, rc;

	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", cli_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_usage(stdout);
			return (CLI_EXIT_OK);
		case 'V':
			cli_version(stdout);
			return (CLI_EXIT_OK);
		case ':':
			fprintf(stderr, "bbbctl: option '%s' needs an "
			    "argument\n", argv[optind - 1]);
			cli_usage_short();
			return (CLI_EXIT_USAGE);
		case '?':
			if (optopt > 0 && optopt < CLI_OPT_CONFIG)
				fprintf(stderr, "bbbctl: unknown option "
				    "'-%c'\n", optopt);
			else
				fprintf(stderr, "bbbctl: unknown option "
				    "'%s'\n", argv[optind - 1]);
			cli_usage_short();
			return (CLI_EXIT_USAGE);
		default:
			if ((rc = cli_global_option(cli, ch, optarg)) !=
			    CLI_CONTINUE)
				return (rc);
			break;
		}
	}
	if ((env = getenv("NO_COLOR")) != NULL && *env != '\0')
		cli->no_color = true;
	*cmd_argc = argc - optind;
	*cmd_argv = argv + optind;
	return (CLI_CONTINUE);
}

/* Words of name matched by argv: their number, or 0. */
static int
cli_match(const char *name, int argc, char **argv)
{
	const char	*p = name;
	size_t		 n;
	int		 i;

	for (i = 0; *p != '\0'; i++) {
		if (i >= argc)
			return (0);
		n = strcspn(p, " ");
		if (strlen(argv[i]) != n || strncmp(p, argv[i], n) != 0)
			return (0);
		p += n;
		while (*p == ' ')
			p++;
	}
	return (i);
}

static const struct cli_cmd *
cli_find(int argc, char **argv, int *words)
{
	const struct cli_cmd	*found = NULL, *table;
	size_t			 i, nt;
	int			 n, best = 0;

	table = cli_table(&nt);
	for (i = 0; i < nt; i++) {
		if (*table[i].name == '\0')
			continue;
		n = cli_match(table[i].name, argc, argv);
		if (n > best) {
			best = n;
			found = &table[i];
		}
	}
	*words = best;
	return (found);
}

/* Say why argv names no command, with the nearest one. */
static void
cli_unknown(int argc, char **argv)
{
	const struct cli_cmd	*c, *table;
	struct buf		 b = { 0 };
	const char		*sug = NULL;
	size_t			 i, n, nt, d, best = SIZE_MAX;
	char			 first[64];

	/* A first word that starts commands: list what may follow. */
	table = cli_table(&nt);
	for (i = 0; i < nt; i++) {
		c = &table[i];
		n = strcspn(c->name, " ");
		if (c->hidden || c->name[n] == '\0' ||
		    strlen(argv[0]) != n || strncmp(c->name, argv[0], n) != 0)
			continue;
		buf_printf(&b, "%s%s", b.len ? ", " : "", c->name + n + 1);
	}
	if (b.len != 0) {
		if (argc > 1)
			fprintf(stderr, "bbbctl: unknown command '%s %s'; "
			    "expected one of: %s\n", argv[0], argv[1], b.data);
		else
			fprintf(stderr, "bbbctl: %s: expected one of: %s\n",
			    argv[0], b.data);
		buf_free(&b);
		return;
	}
	for (i = 0; i < nt; i++) {
		c = &table[i];
		if (c->hidden || *c->name == '\0')
			continue;
		n = strcspn(c->name, " ");
		snprintf(first, sizeof first, "%.*s", (int)n, c->name);
		d = util_levenshtein(argv[0], first);
		if (d <= 2 && d < best) {
			best = d;
			sug = c->name;
		}
	}
	if (sug != NULL) {
		n = strcspn(sug, " ");
		fprintf(stderr, "bbbctl: unknown command '%s'; did you mean "
		    "'%.*s'?\n", argv[0], (int)n, sug);
	} else
		fprintf(stderr, "bbbctl: unknown command '%s'\n", argv[0]);
}

static void
cli_print_cause(const char *cause)
{
	const char	*p = cause, *nl;

	do {
		nl = strchr(p, '\n');
		fprintf(stderr, "bbbctl: %.*s\n",
		    (int)(nl != NULL ? nl - p : (ptrdiff_t)strlen(p)), p);
		p = nl + 1;
	} while (nl != NULL);
}

int
cli_load_config(struct cli *cli, enum cli_need need)
{
	struct config	*cfg;
	char		*path = NULL, *cause = NULL;

	cfg = config_new();
	if (need != CLI_CONFIG_NONE && !cli->demo)
		path = config_find(cli->config_path);
	if (path == NULL && need == CLI_CONFIG_REQUIRED && !cli->demo) {
		fprintf(stderr, "bbbctl: no configuration file found (looked "
		    "for $BBBCTL_CONFIG, $XDG_CONFIG_HOME/bbbctl/bbbctl.conf "
		    "or ~/.config/bbbctl/bbbctl.conf, "
		    "/etc/bbbctl/bbbctl.conf); use --config FILE, see "
		    "bbbctl(1), or try --demo\n");
		config_free(cfg);
		return (-1);
	}
	if (path != NULL && config_load(cfg, path, &cause) == -1) {
		cli_print_cause(cause);
		free(cause);
		free(path);
		config_free(cfg);
		return (-1);
	}
	free(path);

	if (cli->readonly)
		cfg->ui.readonly = true;
	cli->readonly = cfg->ui.readonly;
	if (cli->no_color)
		cfg->ui.color = false;
	if (cli->ascii)
		cfg->ui.ascii = true;
	if (cli->refresh_ms != -1)
		cfg->ui.refresh_ms = cli->refresh_ms;
	config_free(cli->cfg);
	cli->cfg = cfg;
	return (0);
}

/*
 * The dashboard with no configuration found, on a terminal: the setup
 * wizard instead (it says so on its first page).
 */
static bool
cli_offer_setup(struct cli *cli)
{
	char	*path;

	if (cli->demo || !cmd_setup_have_wizard() ||
	    !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (false);
	if ((path = config_find(cli->config_path)) != NULL) {
		free(path);
		return (false);
	}
	cli->command = "setup";
	cli->offered_setup = true;
	if (cli_load_config(cli, CLI_CONFIG_NONE) == -1)
		return (false);
	return (true);
}

int
cli_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd	*c = NULL, *table;
	struct cmd_job		*job = NULL;
	char			*cause = NULL, *log_before;
	size_t			 i, nt;
	int			 words = 0, rc;

	if (argc == 0) {
		table = cli_table(&nt);
		for (i = 0; i < nt; i++) {
			if (*table[i].name == '\0')
				c = &table[i];
		}
		if (c == NULL || !cli_have_dashboard()) {
			fprintf(stderr, "bbbctl: the dashboard is not built "
			    "yet; see `bbbctl --help`\n");
			return (CLI_EXIT_ERROR);
		}
		words = 0;
		/*
		 * No configuration: the wizard, then the dashboard on what
		 * it wrote (where config_find() looks first).
		 */
		if (cli_offer_setup(cli)) {
			rc = cmd_setup(cli, 1, (char *[]){ "setup", NULL });
			if (rc != CLI_EXIT_OK || cli->dry_run)
				return (rc);
			cli->command = "";
		}
	} else if ((c = cli_find(argc, argv, &words)) == NULL) {
		cli_unknown(argc, argv);
		cli_usage_short();
		return (CLI_EXIT_USAGE);
	}
	cli->command = c->name;
	cli->mutating = c->mutating;
	/*
	 * An action's options, global ones too, may come after its words:
	 * they are parsed before the configuration is read.
	 */
	if (c->action != NULL) {
		log_before = cli->log_path != NULL ?
		    xstrdup(cli->log_path) : NULL;
		job = cmd_job_parse(cli, c->action, argc - words + 1,
		    argv + words - 1, &rc);
		/* main() opened the log before these: --log came after. */
		if (job != NULL && cli->log_path != NULL &&
		    (log_before == NULL ||
		    strcmp(log_before, cli->log_path) != 0) &&
		    log_open(cli->log_path, &cause) != 0) {
			fprintf(stderr, "bbbctl: warning: no log file: %s; "
			    "continuing without one\n", cause);
			free(cause);
		}
		free(log_before);
		if (job == NULL)
			return (rc);
	}
	if (cli_load_config(cli, c->needs_config) == -1) {
		cmd_job_free(job);
		return (CLI_EXIT_ERROR);
	}
	if (c->mutating && cli->readonly && !cli->dry_run) {
		fprintf(stderr, "bbbctl: %s changes the fleet: refused in "
		    "read-only mode (--readonly or [ui] readonly)\n", c->name);
		cmd_job_free(job);
		return (CLI_EXIT_ERROR);
	}
	log_info("bbbctl %s: %s%s%s", PACKAGE_VERSION,
	    *c->name != '\0' ? c->name : "dashboard",
	    cli->demo ? " (demo)" : "", cli->dry_run ? " (dry run)" : "");
	if (job != NULL)
		return (cmd_job_run(cli, job));
	/* argv[0] becomes the command's last word. */
	if (words > 0)
		return (c->fn(cli, argc - words + 1, argv + words - 1));
	return (c->fn(cli, 0, argv));
}

/* `help WORD` for the first word of commands: their lines.  false: none. */
static bool
cli_help_group(const char *word)
{
	const struct cli_cmd	*c, *table;
	size_t			 i, nt, len = strlen(word);
	bool			 found = false, actions = false;

	table = cli_table(&nt);
	for (i = 0; i < nt; i++) {
		c = &table[i];
		if (c->hidden || strncmp(c->name, word, len) != 0 ||
		    c->name[len] != ' ')
			continue;
		if (!found)
			printf("usage: bbbctl [options] %s VERB [arguments]\n\n"
			    "Commands:\n", word);
		found = true;
		if (c->action != NULL)
			actions = true;
		cli_usage_cmd(stdout, c);
	}
	if (actions)
		printf("\nEach also takes --lock-wait S and --timeout S; "
		    "`bbbctl help %s VERB`\nsays more.\n", word);
	return (found);
}

int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct action	*a;
	const struct cli_cmd	*c;
	int			 words;

	if (argc <= 1) {
		cli_usage(stdout);
		return (CLI_EXIT_OK);
	}
	if ((c = cli_find(argc - 1, argv + 1, &words)) == NULL) {
		if (argc == 2 && cli_help_group(argv[1]))
			return (CLI_EXIT_OK);
		cli_unknown(argc - 1, argv + 1);
		return (CLI_EXIT_USAGE);
	}
	if (c->action != NULL) {
		cmd_job_help(c->action, stdout);
		return (CLI_EXIT_OK);
	}
	printf("usage: bbbctl [options] %s%s%s\n\n%s\n", c->name,
	    *c->args != '\0' ? " " : "", c->args, c->help);
	if (c->mutating)
		printf("\nThis command changes the fleet: it is refused with "
		    "--readonly and only\nplanned with --dry-run.\n");
	if ((a = action_find(c->name)) != NULL && a->own_command)
		cmd_job_help_key(a, stdout);
	return (CLI_EXIT_OK);
}
