/* test-ssh.c: ssh.c's host argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ssh.h"
#include "util.h"

static char	 tmpdir[PATH_MAX];
static char	*ident;

static int
setup(void **state)
{
	FILE	*f;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test-ssh.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	/* Only read before the connection; never used here. */
	ident = xasprintf("%s/id", tmpdir);
	if ((f = fopen(ident, "w")) == NULL)
		return (-1);
	fputs("not a key\n", f);
	fclose(f);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(ident);
	free(ident);
	rmdir(tmpdir);
	return (0);
}

static char *
open_fails(const char *host, const atomic_bool *cancel)
{
	struct config		*cfg;
	struct ssh_opts		 o;
	struct ssh_session	*ss;
	char			*cause = NULL;

	cfg = config_new();
	memset(&o, 0, sizeof o);
	o.identity = ident;
	o.cancel = cancel;
	ss = ssh_session_open(cfg, host, &o, &cause);
	assert_null(ss);
	assert_non_null(cause);
	config_free(cfg);
	return (cause);
}

static void
test_host_empty_brackets(void **state)
{
	const char	*bad[] = { "[]", "[]:22", "[", "[::1]x", "[a b]",
	    ":22", "" };
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = open_fails(bad[i], NULL);
		if (*bad[i] != '\0' && strstr(cause, "bad ssh host") == NULL)
			fail_msg("'%s': %s", bad[i], cause);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_empty_brackets),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
