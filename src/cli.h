/*
 * cli.h: the command line: global options, the command table, the
 * configuration a command runs with.
 *
 *   bbbctl [global options] [command [command options and arguments]]
 *
 * Global options come before the command (getopt_long with "+"), so a
 * command's own options pass through untouched; an action's command
 * (cmd-job.c) takes them after its words too.  With no command the
 * dashboard starts.  Exit status: CLI_EXIT_OK, CLI_EXIT_ERROR for a
 * failure, CLI_EXIT_USAGE for a bad command line.
 *
 * Commands are rows of the table in cli.c, and one per action of the
 * registry (action/registry.h); their functions are declared in cmd.h.
 * main() owns the struct cli; a command borrows it for the duration of
 * its call.
 */
#ifndef BBBCTL_CLI_H
#define BBBCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

#define CLI_EXIT_OK	0
#define CLI_EXIT_ERROR	1
#define CLI_EXIT_USAGE	2
#define CLI_CONTINUE	(-1)	/* cli_parse(): go on and run */

/* What a command needs from the configuration file. */
enum cli_need {
	CLI_CONFIG_NONE,	/* not read; cli->cfg holds the defaults */
	CLI_CONFIG_OPTIONAL,	/* read when one is found, else defaults */
	CLI_CONFIG_REQUIRED	/* no file found is an error */
};

struct option;

struct cli {
	/* Global options as given (NULL / false / -1 when not). */
	char		*config_path;	/* --config FILE */
	char		*log_path;	/* --log FILE */
	bool		 demo;		/* --demo: no file is read */
	bool		 dry_run;	/* --dry-run: plan and print only */
	bool		 yes;		/* --yes: no confirmation prompts */
	bool		 no_color;	/* --no-color or $NO_COLOR */
	bool		 ascii;		/* --ascii */
	int64_t		 refresh_ms;	/* --refresh S, or -1 */

	/*
	 * Read-only: --readonly or [ui] readonly.  cli.c refuses a mutating
	 * command (unless --dry-run); a command that mutates only on some
	 * paths (the dashboard's keyed actions) must check this itself.
	 */
	bool		 readonly;

	/*
	 * The configuration, loaded before the command runs as its row
	 * asks, with the global options applied on top (ui.readonly,
	 * ui.color, ui.ascii, ui.refresh_ms).  Never NULL inside a command;
	 * cfg->path is NULL when no file was read.  With --demo no file is
	 * read and the demo code fills in the simulator's addresses.
	 */
	struct config	*cfg;

	/* The command being run (its table name, "" for the dashboard). */
	const char	*command;
	bool		 mutating;	/* its row says it changes the fleet */
	/* bbbctl with no configuration found: the setup wizard instead. */
	bool		 offered_setup;
};

/*
 * The i-th command (sorted by name; NULL past the last): its words, its
 * usage, its registry row (NULL for a plain command), hidden from --help.
 */
struct action;
const char *cli_command_at(size_t i, const char **args,
	     const struct action **act, bool *hidden);

void	 cli_init(struct cli *);
void	 cli_free(struct cli *);

/*
 * Parse the global options.  Returns CLI_CONTINUE with *cmd_argc and
 * *cmd_argv set to the rest (the command and its arguments), or an exit
 * status when done (--help, --version, a usage error: message printed).
 */
int	 cli_parse(struct cli *, int argc, char **argv, int *cmd_argc,
	     char ***cmd_argv);

/*
 * The global options as getopt_long rows (the first *n of the array,
 * without --help and --version), for a command that takes them after
 * its words too, and the function that applies one by its val:
 * CLI_CONTINUE, or an exit status with the message printed.
 */
const struct option *cli_global_options(size_t *n);
int	 cli_global_option(struct cli *, int val, const char *arg);

/*
 * The dashboard lives in the program (it links the UI and curses), not
 * in libcore: main() registers it before cli_run().  Without it, running
 * bbbctl with no command says the dashboard is not built.
 */
typedef int	(*cli_cmd_fn)(struct cli *, int, char **);
void	 cli_set_dashboard(cli_cmd_fn);

/* Find the command, load the configuration, run it.  An exit status. */
int	 cli_run(struct cli *, int argc, char **argv);

/* The full --help text. */
void	 cli_usage(FILE *);

/*
 * Load (or reload) cli->cfg as `need` says and apply the global options.
 * 0, or -1 with the error printed on stderr.
 */
int	 cli_load_config(struct cli *, enum cli_need);

#endif
