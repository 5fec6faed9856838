/*
 * fuzz-bbb-answer.c: libFuzzer target for probe_meeting_decode(), the
 * BBB API answers of the test meeting.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe-meeting.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_answer	 a;
	char			*cause = NULL;

	if (probe_meeting_decode((const char *)data, size, &a, &cause) != 0) {
		if (cause == NULL || a.returncode != NULL)
			abort();
		free(cause);
		return (0);
	}
	if (a.returncode == NULL || a.running < -1 || a.running > 1)
		abort();
	probe_meeting_answer_clear(&a);
	return (0);
}
