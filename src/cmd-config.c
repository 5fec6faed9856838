/*
 * cmd-config.c: "config check" (load the configuration, report every
 * error or print it with secrets masked) and the hidden "config keys"
 * (the key table, which the documentation tests compare with bbbctl(1)
 * and bbbctl.conf.example).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "util.h"

int
cmd_config_check(struct cli *cli, int argc, char **argv)
{
	struct config	*cfg;
	char		*path, *cause = NULL, *p, *nl;
	int		 rc = CLI_EXIT_ERROR;

	if (argc > 2) {
		fprintf(stderr, "usage: bbbctl config check [FILE]\n");
		return (CLI_EXIT_USAGE);
	}
	if (argc == 2)
		path = xstrdup(argv[1]);
	else if ((path = config_find(cli->config_path)) == NULL) {
		fprintf(stderr, "bbbctl: no configuration file found; give "
		    "one with --config FILE or as an argument\n");
		return (CLI_EXIT_ERROR);
	}
	cfg = config_new();
	if (config_load(cfg, path, &cause) == -1) {
		for (p = cause; p != NULL; p = nl) {
			if ((nl = strchr(p, '\n')) != NULL)
				*nl++ = '\0';
			util_clean_inplace(p);
			fprintf(stderr, "bbbctl: %s\n", p);
		}
		free(cause);
		goto out;
	}
	util_clean_inplace(path);
	printf("OK: %s\n\n", path);
	config_dump(cfg, stdout);
	rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
out:
	config_free(cfg);
	free(path);
	return (rc);
}

int
cmd_config_keys(struct cli *cli, int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: bbbctl config keys\n");
		return (CLI_EXIT_USAGE);
	}
	config_dump_keys(stdout);
	return (fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR);
}
