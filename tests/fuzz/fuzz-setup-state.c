/*
 * fuzz-setup-state.c: setup_state_parse() (the bootstrap's state file)
 * on arbitrary text.  On failure the cause names a line; on success the
 * text it writes back parses to the same items.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup-state.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct setup_state	*st, *again;
	char			*cause = NULL, *text;
	size_t			 i;

	st = setup_state_new();
	if (setup_state_parse(st, (const char *)data, size, &cause) == -1) {
		if (cause == NULL || cause[0] < '1' || cause[0] > '9')
			abort();
		free(cause);
		setup_state_free(st);
		return (0);
	}
	if (cause != NULL || st->n > SETUP_STATE_MAX)
		abort();
	text = setup_state_text(st);
	again = setup_state_new();
	if (setup_state_parse(again, text, strlen(text), &cause) != 0 ||
	    again->n != st->n)
		abort();
	for (i = 0; i < st->n; i++) {
		if (again->items[i].kind != st->items[i].kind ||
		    (st->items[i].name == NULL) !=
		    (again->items[i].name == NULL) ||
		    (st->items[i].name != NULL && strcmp(st->items[i].name,
		    again->items[i].name) != 0) ||
		    (st->items[i].id == NULL) != (again->items[i].id == NULL) ||
		    (st->items[i].id != NULL && strcmp(st->items[i].id,
		    again->items[i].id) != 0))
			abort();
	}
	free(text);
	setup_state_free(again);
	setup_state_free(st);
	return (0);
}
