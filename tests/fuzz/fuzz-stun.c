/*
 * fuzz-stun.c: libFuzzer target for stun_decode(): any bytes, as a
 * STUN/TURN server might answer.  A message that decodes must be
 * framed as decoded, and checking its integrity must stay in bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 key[16] = "0123456789abcdef";
	struct stun_msg		 m;
	const char		*why = NULL;

	if (stun_decode(data, size, &m, &why) != 0) {
		if (why == NULL)
			abort();
		return (0);
	}
	if (m.len != size || stun_frame_len(data, size) != (long)size)
		abort();
	if (strlen(m.realm) >= sizeof m.realm ||
	    strlen(m.nonce) >= sizeof m.nonce ||
	    strlen(m.reason) >= sizeof m.reason)
		abort();
	if (m.error != 0 && (m.error < 300 || m.error > 699))
		abort();
	(void)stun_check_integrity(data, &m, key, sizeof key);
	return (0);
}
