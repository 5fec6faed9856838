/*
 * template.c: ${NAME} templates (see template.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "util.h"

#define TEMPLATE_NAME_MAX	64

static bool
template_name_start(char c)
{
	return ((c >= 'A' && c <= 'Z') || c == '_');
}

static bool
template_name_char(char c)
{
	return (template_name_start(c) || (c >= '0' && c <= '9'));
}

/*
 * At text[i] == '$' with "${" following: the name's length (the '}' is at
 * i + 2 + len), or -1 when the reference is malformed.
 */
static int
template_ref(const char *text, size_t len, size_t i)
{
	size_t	 j = i + 2;

	if (j >= len || !template_name_start(text[j]))
		return (-1);
	while (j < len && template_name_char(text[j]) &&
	    j - (i + 2) < TEMPLATE_NAME_MAX)
		j++;
	if (j >= len || text[j] != '}')
		return (-1);
	return ((int)(j - (i + 2)));
}

int
template_render(const char *text, size_t len, template_lookup_cb lookup,
    void *arg, char **out, char **cause)
{
	struct buf	 b;
	char		 name[TEMPLATE_NAME_MAX + 1];
	const char	*v;
	size_t		 i, line = 1;
	int		 n;

	*out = NULL;
	memset(&b, 0, sizeof b);
	for (i = 0; i < len; i++) {
		if (text[i] == '\0') {
			*cause = xasprintf("line %zu: a NUL byte", line);
			goto fail;
		}
		if (text[i] == '\n')
			line++;
		if (text[i] != '$' || i + 1 >= len) {
			buf_addc(&b, text[i]);
			continue;
		}
		if (text[i + 1] == '$' && i + 2 < len && text[i + 2] == '{') {
			buf_adds(&b, "${");
			i += 2;
			continue;
		}
		if (text[i + 1] != '{') {
			buf_addc(&b, text[i]);
			continue;
		}
		if ((n = template_ref(text, len, i)) < 0) {
			*cause = xasprintf("line %zu: a malformed ${...} "
			    "(names are A-Z, 0-9 and _)", line);
			goto fail;
		}
		memcpy(name, text + i + 2, (size_t)n);
		name[n] = '\0';
		if ((v = lookup(name, arg)) == NULL) {
			*cause = xasprintf("line %zu: unknown variable ${%s}",
			    line, name);
			goto fail;
		}
		buf_adds(&b, v);
		i += 2 + (size_t)n;	/* at the '}' */
	}
	*out = buf_steal(&b);
	return (0);
fail:
	buf_free(&b);
	return (-1);
}

char **
template_names(const char *text, size_t len, size_t *np)
{
	char	**names = NULL;
	size_t	  i, k, n = 0;
	int	  m;

	for (i = 0; i + 1 < len; i++) {
		if (text[i] != '$')
			continue;
		/* As template_render(): only "$${" is an escape. */
		if (text[i + 1] == '$' && i + 2 < len && text[i + 2] == '{') {
			i += 2;
			continue;
		}
		if (text[i + 1] != '{' || (m = template_ref(text, len, i)) < 0)
			continue;
		for (k = 0; k < n; k++) {
			if (strlen(names[k]) == (size_t)m &&
			    memcmp(names[k], text + i + 2, (size_t)m) == 0)
				break;
		}
		if (k == n) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrndup(text + i + 2, (size_t)m);
		}
		i += 2 + (size_t)m;
	}
	*np = n;
	return (names);
}
