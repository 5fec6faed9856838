/*
 * main.c: bbbctl's entry point: locale, file mode mask, the command line,
 * the log file, then the command (or the dashboard).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"

/* Open --log FILE or the default; without one, warn once and go on. */
static void
main_open_log(const struct cli *cli)
{
	char	*cause = NULL;

	if (log_open(cli->log_path, &cause) == 0)
		return;
	fprintf(stderr, "bbbctl: warning: no log file: %s; continuing "
	    "without one\n", cause);
	free(cause);
}

int
main(int argc, char **argv)
{
	struct cli	  cli;
	struct rlimit	  rl = { 0, 0 };
	char		**cmd_argv;
	int		  cmd_argc, rc;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);	/* a closed peer is an error, not death */
	umask(077);		/* logs, audit, backups: ours alone */
	setrlimit(RLIMIT_CORE, &rl);	/* secrets stay out of core files */

	cli_init(&cli);
	cli_set_dashboard(cmd_dashboard);
	cmd_setup_set_wizard(wizard_run);
	rc = cli_parse(&cli, argc, argv, &cmd_argc, &cmd_argv);
	if (rc == CLI_CONTINUE) {
		main_open_log(&cli);
		rc = cli_run(&cli, cmd_argc, cmd_argv);
		log_close();
	}
	cli_free(&cli);
	return (rc);
}
