/*
 * main.c: bbbctl's entry point: locale, file mode mask, the command line,
 * the log file, then the command (or the dashboard).
 */
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
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
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
	/*
	 * Answers over 256 KiB in their own mappings: freed, they go back
	 * to the system, and growing one is an mremap, not a copy (glibc's
	 * threshold would otherwise rise to 32 MiB after the first one).
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
#ifdef __linux__
	/*
	 * RLIMIT_CORE does not stop a core_pattern pipe handler (systemd-
	 * coredump, apport), nor ptrace or /proc/PID/mem by the same user.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

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
