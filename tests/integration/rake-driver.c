/*
 * rake-driver: drives ssh.c and rake.c for rake-ssh.sh.
 *
 *	rake-driver CONFIG state VERB SERVER	rake_server_state()
 *	rake-driver CONFIG status		rake_servers_status()
 *	rake-driver CONFIG exec HOST COMMAND	ssh_exec()
 *
 * Prints "ok" and the output, or "error: CAUSE" (exit 1).  status prints
 * "format N" then one line a server: host state online|offline meetings
 * users largest videos load|- version|- tag|-.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "rake.h"
#include "ssh.h"
#include "util.h"

static const char *
dash(const char *s)
{
	return (s != NULL ? s : "-");
}

int
main(int argc, char **argv)
{
	struct config		*cfg;
	struct rake_status	 st;
	struct ssh_result	 res;
	char			*cause = NULL, *out = NULL;
	size_t			 i;
	int			 rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: rake-driver CONFIG state|status|exec "
		    "...\n");
		return (2);
	}
	cfg = config_new();
	if (config_load(cfg, argv[1], &cause) != 0) {
		fprintf(stderr, "rake-driver: %s\n", cause);
		return (2);
	}
	if (strcmp(argv[2], "state") == 0 && argc == 5) {
		if (rake_server_state(cfg, argv[3], argv[4], &out,
		    &cause) == 0) {
			printf("ok\n%s\n", out != NULL ? out : "");
			rc = 0;
		} else
			printf("error: %s\n", cause);
	} else if (strcmp(argv[2], "status") == 0 && argc == 3) {
		if (rake_servers_status(cfg, &st, &cause) == 0) {
			printf("format %d\n", (int)st.format);
			for (i = 0; i < st.n; i++) {
				printf("%s %s %s %ld %ld %ld %ld ",
				    st.v[i].hostname, st.v[i].state,
				    st.v[i].online ? "online" : "offline",
				    st.v[i].meetings, st.v[i].users,
				    st.v[i].largest, st.v[i].videos);
				if (st.v[i].has_load)
					printf("%.1f", st.v[i].load);
				else
					printf("-");
				printf(" %s %s\n", dash(st.v[i].bbb_version),
				    dash(st.v[i].tag));
			}
			rc = 0;
		} else
			printf("error: %s\n", cause);
		rake_status_free(&st);
	} else if (strcmp(argv[2], "exec") == 0 && argc == 5) {
		if (ssh_exec(cfg, argv[3], argv[4], &res, &cause) == 0) {
			printf("ok exit %d\n%s", res.exit_status, res.out);
			if (res.err_len > 0)
				printf("stderr: %s", res.err);
			rc = 0;
		} else
			printf("error: %s\n", cause);
		ssh_result_clear(&res);
	} else {
		fprintf(stderr, "rake-driver: bad arguments\n");
		rc = 2;
	}
	free(out);
	free(cause);
	config_free(cfg);
	return (rc);
}
