/*
 * fuzz-bbb-xml.c: libFuzzer target for the BBB API XML decoders, with a
 * differential check: where the fast tokenizer takes an input, expat
 * must give the same answer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/decode.h"
#include "../unit/meetings-same.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_meetings_update	*u;
	char				*cause = NULL, *rc, *key, *msg, *why;
	bool				 declined;

	if ((why = meetings_paths_differ(body, size, &declined)) != NULL) {
		fprintf(stderr, "fuzz-bbb-xml: %s\n", why);
		abort();
	}

	if (backend_bbb_decode_meetings(body, size, &u, &cause) == 0)
		fleet_meetings_update_free(u);
	else
		free(cause);
	cause = NULL;
	if (backend_bbb_decode_response(body, size, &rc, &key, &msg,
	    &cause) == 0) {
		free(rc);
		free(key);
		free(msg);
	} else
		free(cause);
	return (0);
}
