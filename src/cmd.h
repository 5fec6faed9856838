/*
 * cmd.h: the commands of bbbctl, one function each, listed in the table
 * in cli.c (name, function, arguments, help, configuration need,
 * mutating).
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

/* cmd-audit.c */
int	 cmd_audit(struct cli *, int, char **);
/* --since T: wall-clock ms, or -1 with a static *cause. */
int64_t	 cmd_audit_parse_since(const char *, int64_t, const char **);

/* cmd-config.c */
int	 cmd_config_check(struct cli *, int, char **);
int	 cmd_config_keys(struct cli *, int, char **);

/* cmd-probe.c */
int	 cmd_probe(struct cli *, int, char **);
int	 cmd_probe_meeting(struct cli *, int, char **);

/* cmd-status.c */
int	 cmd_status(struct cli *, int, char **);

/* cmd-job.c: every action of jobs.h (server ..., stack ...) */
int	 cmd_job(struct cli *, int, char **);

#endif
