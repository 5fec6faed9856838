/*
 * cmd.h: the commands of bbbctl, one function each, listed in the table
 * in cli.c (name, function, arguments, help, configuration need,
 * mutating).  Actions are not commands of their own: their rows in the
 * action registry (action/registry.h) make their commands, which
 * cmd-job.c parses and runs.
 *
 * To add a command: write src/cmd-NAME.c with
 *
 *	int cmd_NAME(struct cli *cli, int argc, char **argv);
 *
 * declare it below, and add one row to cli_commands[] in cli.c.  argv[0]
 * is the last word of the command's name ("check" for "config check"),
 * so getopt_long() works on (argc, argv) as it is; set optind = 0 first
 * (glibc's full reset).  Print results on stdout, errors on stderr as
 * "bbbctl: ...", and return CLI_EXIT_OK, CLI_EXIT_ERROR or
 * CLI_EXIT_USAGE.  cli->cfg is loaded and cli->readonly, cli->dry_run,
 * cli->yes are set; a command never prints a secret.
 *
 * The dashboard is the row whose name is "" (run when no command is
 * given); until it is in the table, bbbctl says so and exits 1.
 */
#ifndef BBBCTL_CMD_H
#define BBBCTL_CMD_H

#include "cli.h"

/* cli.c */
int	 cmd_help(struct cli *, int, char **);

/* dashboard.c: in the program, not libcore; see cli_set_dashboard(). */
int	 cmd_dashboard(struct cli *, int, char **);

/* wizard.c: in the program, not libcore; see cmd_setup_set_wizard(). */
int	 wizard_run(struct cli *, int, char **);

/* cmd-audit.c */
int	 cmd_audit(struct cli *, int, char **);
/* --since T: wall-clock ms, or -1 with a static *cause. */
int64_t	 cmd_audit_parse_since(const char *, int64_t, const char **);

/* cmd-backup.c */
int	 cmd_backup_list(struct cli *, int, char **);
int	 cmd_backup_verify(struct cli *, int, char **);

/* cmd-config.c */
int	 cmd_config_check(struct cli *, int, char **);
/* cmd-complete.c */
int	 cmd_complete(struct cli *, int, char **);
int	 cmd_config_keys(struct cli *, int, char **);

/* cmd-keys.c */
int	 cmd_keys_list(struct cli *, int, char **);
int	 cmd_keys_check(struct cli *, int, char **);

/*
 * cmd-setup.c: bbbctl setup.  The wizard is in the program (it needs
 * the terminal layer): main.c hands it over with cmd_setup_set_wizard().
 * cmd_setup_config_path: where setup writes (--config, $BBBCTL_CONFIG,
 * the XDG place); allocated, NULL without $HOME.  cmd_setup_finish:
 * write (or with --dry-run print) the configuration of the answers,
 * then (unless --no-create) create what they mark "create" and the BBB
 * nodes, or go on from the state file (setup-boot.h); the answers get
 * the created systems' addresses.
 */
struct setup_answers;
int	 cmd_setup(struct cli *, int, char **);
void	 cmd_setup_set_wizard(cli_cmd_fn);
bool	 cmd_setup_have_wizard(void);
char	*cmd_setup_config_path(const struct cli *);
int	 cmd_setup_finish(struct cli *, struct setup_answers *,
	     const char *path);
/* cmd-probe.c */
int	 cmd_probe(struct cli *, int, char **);
int	 cmd_probe_meeting(struct cli *, int, char **);

/* cmd-status.c */
int	 cmd_status(struct cli *, int, char **);

/*
 * cmd-job.c: the command of every action of the registry (server ...,
 * stack ...).  cmd_job_parse() reads its command line (argv[0] is the
 * verb's last word; its own options, the common --lock-wait and
 * --timeout, and the global ones, before or after the target): the
 * parsed command, or NULL with *rc an exit status (--help printed, or a
 * usage error).  Then cli.c reads the configuration and
 * cmd_job_run() plans, confirms and runs it, and frees it.
 */
struct action;
struct cmd_job;
struct cmd_job	*cmd_job_parse(struct cli *, const struct action *, int,
		     char **, int *rc);
int		 cmd_job_run(struct cli *, struct cmd_job *);
void		 cmd_job_free(struct cmd_job *);
/* `bbbctl help VERB` of an action. */
void		 cmd_job_help(const struct action *, FILE *);
/* "In the dashboard: key K in the ... view(s)." when the row has a key. */
void		 cmd_job_help_key(const struct action *, FILE *);

#endif
