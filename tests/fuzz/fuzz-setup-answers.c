/*
 * fuzz-setup-answers.c: setup_answers_parse() (bbbctl setup --answers)
 * on arbitrary text.  Every error line must name the file; on success
 * every answer must pass its own field check; on failure the answers
 * given must be untouched (the defaults).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct setup_field *f;
	struct setup_answers	*a;
	char			*cause = NULL, *why, *p, *nl;
	size_t			 i, n;

	a = setup_answers_new();
	f = setup_fields(&n);
	if (setup_answers_parse(a, "fuzz.ini", (const char *)data, size,
	    &cause) == -1) {
		if (cause == NULL)
			abort();
		for (p = cause; p != NULL; p = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			if (strncmp(p, "fuzz.ini", 8) != 0)
				abort();
		}
		free(cause);
		if (strcmp(setup_answers_get(a, "cluster", "nodes"), "3") != 0)
			abort();
	} else {
		if (cause != NULL)
			abort();
		for (i = 0; i < n; i++) {
			why = setup_check_value(&f[i], a->val[i]);
			if (why != NULL)
				abort();
		}
	}
	setup_answers_free(a);
	return (0);
}
