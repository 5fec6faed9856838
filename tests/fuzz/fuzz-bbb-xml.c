/* fuzz-bbb-xml.c: libFuzzer target for the BBB API XML decoders. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	struct fleet_meetings_update	*u;
	char				*cause = NULL, *rc, *key, *msg;

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
