/*
 * simpath.c: where bbbctl-sim is (see simpath.h).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simpath.h"
#include "util.h"

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR	"/usr/local/libexec/bbbctl"
#endif

static bool
simpath_executable(const char *path)
{
	struct stat	 sb;

	return (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    access(path, X_OK) == 0);
}

/*
 * p if it is an executable file (taken; "/usr/bin/../libexec/x" given as
 * "/usr/libexec/x"), else NULL (p freed).
 */
static char *
simpath_try(char *p)
{
	char	*real;

	if (!simpath_executable(p)) {
		free(p);
		return (NULL);
	}
	if ((real = realpath(p, NULL)) == NULL)
		return (p);
	free(p);
	return (real);
}

char *
simpath_find(void)
{
	char		 self[PATH_MAX], *slash, *p;
	const char	*env;
	ssize_t		 n;

	self[0] = '\0';
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		else
			self[0] = '\0';
	} else
		self[0] = '\0';
	if (self[0] != '\0' &&
	    (p = simpath_try(xasprintf("%s/bbbctl-sim", self))) != NULL)
		return (p);
	env = getenv("BBBCTL_SIM");
	if (env != NULL && *env != '\0')
		return (xstrdup(env));	/* named: its failure is said */
	if (self[0] != '\0' && (p = simpath_try(xasprintf(
	    "%s/../libexec/bbbctl/bbbctl-sim", self))) != NULL)
		return (p);
	return (simpath_try(xstrdup(PKGLIBEXECDIR "/bbbctl-sim")));
}
