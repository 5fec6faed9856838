/*
 * simpath.h: where bbbctl-sim is, for --demo and --version.
 */
#ifndef BBBCTL_SIMPATH_H
#define BBBCTL_SIMPATH_H

/*
 * The simulator program, looked for in this order: next to this program
 * (the build tree), $BBBCTL_SIM, ../libexec/bbbctl/ beside this program's
 * directory (an installed tree moved elsewhere or installed with another
 * prefix), the configured $(pkglibexecdir).  An allocated path, or NULL
 * when none of them is an executable file.
 */
char	*simpath_find(void);

#endif
