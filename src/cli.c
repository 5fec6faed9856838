/*
 * cli.c: global options, the command table, loading the configuration
 * a command asks for.
 */
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
};

/*
 * The commands.  Add a row per command (keep them sorted by name); the
 * dashboard is the row named "".  --help lists the rows in this order.
 * Rows to come look like:
 *
 *	{ "", cmd_dashboard, "", "the dashboard",
 *	  CLI_CONFIG_OPTIONAL, false, true },
 *	{ "server cordon", cmd_server_cordon, "NODE",
 *	  "stop new meetings on NODE", CLI_CONFIG_REQUIRED, true, false },
 *	{ "status", cmd_status, "[--json]", "print the fleet once",
 *	  CLI_CONFIG_REQUIRED, false, false },
 */
static int	 cli_run_dashboard(struct cli *, int, char **);

static const struct cli_cmd cli_commands[] = {
	{ "", cli_run_dashboard, "",
	  "the live dashboard (also with --demo)",
	  CLI_CONFIG_REQUIRED, false, true },
	{ "audit", cmd_audit, "[--since T] [--json] [--limit N]",
	  "list the audit trail of actions",
	  CLI_CONFIG_OPTIONAL, false, false },
	{ "config check", cmd_config_check, "[FILE]",
	  "check the configuration; print it with secrets masked",
	  CLI_CONFIG_NONE, false, false },
	{ "config keys", cmd_config_keys, "",
	  "list every configuration key (for the documentation tests)",
	  CLI_CONFIG_NONE, false, true },
	{ "help", cmd_help, "[COMMAND]",
	  "show this help, or one command's",
	  CLI_CONFIG_NONE, false, false },
	{ "probe", cmd_probe, "[--json] [NAME]",
	  "probe the fleet-wide services once (exit 0-3 as status)",
	  CLI_CONFIG_NONE, false, false },
	{ "probe meeting", cmd_probe_meeting, "[--json] [NODE]",
	  "an end-to-end test meeting through scalelite (or on NODE)",
	  CLI_CONFIG_NONE, true, false },
	{ "server cordon", cmd_job, "NODE",
	  "stop new meetings on NODE; running ones go on",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "server disable", cmd_job, "NODE",
	  "take NODE out of scalelite (refused while it has load)",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "server drain", cmd_job, "[--poll S] NODE",
	  "cordon NODE and follow its load until scalelite disables it",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "server enable", cmd_job, "NODE",
	  "let NODE take new meetings",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "server panic", cmd_job, "NODE",
	  "END EVERY MEETING on NODE and disable it",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "stack redeploy", cmd_job,
	  "[--image SERVICE=IMAGE | IMAGE | TAG] STACK",
	  "upgrade every service of STACK in place; roll back on failure",
	  CLI_CONFIG_REQUIRED, true, false },
	{ "stack restart", cmd_job, "STACK",
	  "restart every service of STACK, rolling",
	  CLI_CONFIG_REQUIRED, true, false },
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

void
cli_usage(FILE *f)
{
	const struct cli_cmd	*c;
	char			 left[64];
	size_t			 i;

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
	for (i = 0; i < nitems(cli_commands); i++) {
		c = &cli_commands[i];
		if (c->hidden || *c->name == '\0')
			continue;
		snprintf(left, sizeof left, "%s%s%s", c->name,
		    *c->args != '\0' ? " " : "", c->args);
		if (strlen(left) > 22)
			fprintf(f, "  %s\n  %-22s %s\n", left, "", c->help);
		else
			fprintf(f, "  %-22s %s\n", left, c->help);
	}
	fprintf(f, "\nConfiguration: --config, $BBBCTL_CONFIG, "
	    "$XDG_CONFIG_HOME/bbbctl/bbbctl.conf\n"
	    "(~/.config/bbbctl/bbbctl.conf), /etc/bbbctl/bbbctl.conf.\n");
	fprintf(f, "Exit status: 0 success, 1 error, 2 usage error.  "
	    "See bbbctl(1).\n");
}

int
cli_parse(struct cli *cli, int argc, char **argv, int *cmd_argc,
    char ***cmd_argv)
{
	const char	*cause, *env;
	int		 ch;

	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", cli_options,
	    NULL)) != -1) {
		switch (ch) {
		case CLI_OPT_CONFIG:
			free(cli->config_path);
			cli->config_path = xstrdup(optarg);
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
			if (util_parse_duration_ms(optarg, &cli->refresh_ms,
			    &cause) == -1 ||
			    cli->refresh_ms < CLI_REFRESH_MIN ||
			    cli->refresh_ms > CLI_REFRESH_MAX) {
				fprintf(stderr, "bbbctl: --refresh: expected a "
				    "duration from 100ms to 1h, like 2s or "
				    "500ms, got '%s'\n", optarg);
				return (CLI_EXIT_USAGE);
			}
			break;
		case CLI_OPT_LOG:
			free(cli->log_path);
			cli->log_path = xstrdup(optarg);
			break;
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
		default:
			if (optopt > 0 && optopt < CLI_OPT_CONFIG)
				fprintf(stderr, "bbbctl: unknown option "
				    "'-%c'\n", optopt);
			else
				fprintf(stderr, "bbbctl: unknown option "
				    "'%s'\n", argv[optind - 1]);
			cli_usage_short();
			return (CLI_EXIT_USAGE);
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
	const struct cli_cmd	*found = NULL;
	size_t			 i;
	int			 n, best = 0;

	for (i = 0; i < nitems(cli_commands); i++) {
		if (*cli_commands[i].name == '\0')
			continue;
		n = cli_match(cli_commands[i].name, argc, argv);
		if (n > best) {
			best = n;
			found = &cli_commands[i];
		}
	}
	*words = best;
	return (found);
}

/* Say why argv names no command, with the nearest one. */
static void
cli_unknown(int argc, char **argv)
{
	const struct cli_cmd	*c;
	struct buf		 b = { 0 };
	const char		*sug = NULL;
	size_t			 i, n, d, best = SIZE_MAX;
	char			 first[64];

	/* A first word that starts commands: list what may follow. */
	for (i = 0; i < nitems(cli_commands); i++) {
		c = &cli_commands[i];
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
	for (i = 0; i < nitems(cli_commands); i++) {
		c = &cli_commands[i];
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

int
cli_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd	*c = NULL;
	size_t			 i;
	int			 words = 0;

	if (argc == 0) {
		for (i = 0; i < nitems(cli_commands); i++) {
			if (*cli_commands[i].name == '\0')
				c = &cli_commands[i];
		}
		if (c == NULL || !cli_have_dashboard()) {
			fprintf(stderr, "bbbctl: the dashboard is not built "
			    "yet; see `bbbctl --help`\n");
			return (CLI_EXIT_ERROR);
		}
		words = 0;
	} else if ((c = cli_find(argc, argv, &words)) == NULL) {
		cli_unknown(argc, argv);
		cli_usage_short();
		return (CLI_EXIT_USAGE);
	}
	cli->command = c->name;
	cli->mutating = c->mutating;
	if (cli_load_config(cli, c->needs_config) == -1)
		return (CLI_EXIT_ERROR);
	if (c->mutating && cli->readonly && !cli->dry_run) {
		fprintf(stderr, "bbbctl: %s changes the fleet: refused in "
		    "read-only mode (--readonly or [ui] readonly)\n", c->name);
		return (CLI_EXIT_ERROR);
	}
	log_info("bbbctl %s: %s%s%s", PACKAGE_VERSION,
	    *c->name != '\0' ? c->name : "dashboard",
	    cli->demo ? " (demo)" : "", cli->dry_run ? " (dry run)" : "");
	/* argv[0] becomes the command's last word. */
	if (words > 0)
		return (c->fn(cli, argc - words + 1, argv + words - 1));
	return (c->fn(cli, 0, argv));
}

int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd	*c;
	int			 words;

	if (argc <= 1) {
		cli_usage(stdout);
		return (CLI_EXIT_OK);
	}
	if ((c = cli_find(argc - 1, argv + 1, &words)) == NULL) {
		cli_unknown(argc - 1, argv + 1);
		return (CLI_EXIT_USAGE);
	}
	printf("usage: bbbctl [options] %s%s%s\n\n%s\n", c->name,
	    *c->args != '\0' ? " " : "", c->args, c->help);
	if (c->mutating)
		printf("\nThis command changes the fleet: it is refused with "
		    "--readonly and only\nplanned with --dry-run.\n");
	return (CLI_EXIT_OK);
}
