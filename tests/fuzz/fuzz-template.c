/*
 * fuzz-template.c: libFuzzer target for the ${NAME} renderer.  Known
 * names render to a fixed value; a text without '$' renders to itself;
 * every name template_names() lists is one the renderer looks up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
lookup_cb(const char *name, void *arg)
{
	size_t	*calls = arg;

	(*calls)++;
	if (name[0] == '\0')
		abort();
	return (name[0] == 'Z' ? NULL : "<v>");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;
	char		*out = NULL, *cause = NULL, **names;
	size_t		 calls = 0, n, i;
	int		 rc;

	rc = template_render(text, size, lookup_cb, &calls, &out, &cause);
	if (rc == 0) {
		if (cause != NULL || out == NULL)
			abort();
		if (memchr(text, '$', size) == NULL &&
		    (strlen(out) != size || memcmp(out, text, size) != 0))
			abort();
	} else if (cause == NULL || out != NULL)
		abort();
	free(out);
	free(cause);
	names = template_names(text, size, &n);
	for (i = 0; i < n; i++) {
		if (names[i][0] == '\0')
			abort();
		free(names[i]);
	}
	free(names);
	return (0);
}
