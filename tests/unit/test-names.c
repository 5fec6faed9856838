/* test-names.c: names.c (the completion cache), its write errors. */
#include <sys/resource.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet.h"
#include "names.h"
#include "util.h"

#define NNODES	64

/*
 * A file size limit that the cache goes over: the write is cut short
 * (the kernel writes what fits).  That is an error, with its reason,
 * never "Success".
 */
static void
test_save_short_write(void **state)
{
	struct fleet		 f;
	struct fleet_node	 nodes[NNODES], *np[NNODES];
	struct rlimit		 old, lim;
	char			 dir[PATH_MAX], *cause = NULL, *conf, *path;
	char			 name[200];
	int			 i, rc;

	(void)state;
	snprintf(dir, sizeof dir, "%s/test-names.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	conf = xasprintf("%s/bbbctl.conf", dir);

	memset(&f, 0, sizeof f);
	memset(nodes, 0, sizeof nodes);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	for (i = 0; i < NNODES; i++) {
		nodes[i].key = xasprintf("%s-%02d", name, i);
		np[i] = &nodes[i];
	}
	f.nodes = np;
	f.nnodes = NNODES;

	/* Unlimited: it is written. */
	assert_int_equal(names_save(&f, conf, &cause), 0);

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	errno = 0;
	rc = names_save(&f, conf, &cause);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	print_message("# %s\n", cause);
	assert_null(strstr(cause, "Success"));
	assert_non_null(strstr(cause, strerror(EFBIG)));
	free(cause);

	for (i = 0; i < NNODES; i++)
		free(nodes[i].key);
	path = names_path(conf);
	unlink(path);
	free(path);
	path = xasprintf("%s/bbbctl", dir);
	rmdir(path);
	free(path);
	rmdir(dir);
	free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_short_write),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
