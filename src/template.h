/*
 * template.h: the ${NAME} templates bbbctl ships in data/ (cloud-init
 * user_data, and anything else it renders itself; stack compose files are
 * interpolated by Rancher from the stack's environment instead).
 *
 * ${NAME} (NAME of A-Z, 0-9 and _, starting with a letter or _) is
 * replaced by the variable's value; $${ is a literal ${; any other $ is
 * kept as it is ($UPTIME stays for cloud-init).  A variable the lookup
 * does not know, an unterminated ${ or a bad name is an error naming its
 * line.  Pure: no I/O.
 */
#ifndef BBBCTL_TEMPLATE_H
#define BBBCTL_TEMPLATE_H

#include <stddef.h>

/* The value of name (borrowed until the render returns), or NULL. */
typedef const char *(*template_lookup_cb)(const char *name, void *arg);

/*
 * Render text (len bytes, NULs refused) into *out (allocated,
 * NUL-terminated).  0, or -1 with *cause ("line 3: unknown variable
 * ${FOO}").
 */
int	 template_render(const char *text, size_t len, template_lookup_cb,
	     void *arg, char **out, char **cause);

/*
 * The variables text refers to, in order of first use, each once: an
 * allocated array of allocated names, *n set; NULL with *n 0 when none.
 * Malformed references are skipped (template_render() reports them).
 */
char	**template_names(const char *text, size_t len, size_t *n);

#endif
