/*
 * fuzz-lock.c: libFuzzer target for lock_describe_holder(), the decoder
 * of a consul lock key's value (outside data: any client may write it).
 * The description must be one printable line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 i;

	s = lock_describe_holder((const char *)data, size);
	if (s == NULL || strncmp(s, "held by ", 8) != 0)
		abort();
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
	}
	free(s);
	return (0);
}
