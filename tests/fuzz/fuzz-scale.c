/*
 * fuzz-scale.c: libFuzzer target for what scale reads of the five
 * sources' listings (scale_seen_add(), action/scale.h): any JSON, as
 * each source's rows; and the name pattern on any text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "action/scale.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scale_seen	*v = NULL;
	json_t			*o;
	char			*t, *s, out[64];
	size_t			 n = 0, i;
	unsigned		 src;
	long			 num;

	o = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	for (src = SCALE_SRC_NOVA; src <= SCALE_SRC_SL; src <<= 1) {
		scale_seen_add(src, o, "bbb-NN", &v, &n);
		scale_seen_add(src, json_object_get(o, "data"), "bbb-NN", &v,
		    &n);
	}
	for (i = 0; i < n; i++) {
		if (!scale_name_match("bbb-NN", v[i].name, NULL))
			abort();
		t = scale_seen_text(&v[i]);
		free(t);
	}
	free(v);
	json_decref(o);
	s = xstrndup((const char *)data, size);
	if (scale_name_match("bbb-NN", s, &num)) {
		scale_name_make("bbb-NN", num, out, sizeof out);
		if (strncmp(out, "bbb-", 4) != 0)
			abort();
	}
	scale_short_name(s, out, sizeof out);
	free(s);
	return (0);
}
