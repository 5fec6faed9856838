/* fuzz-http.c: the decoders in http.c (header lines, certificate dates,
 * the one-line description of a response body). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response	 resp;
	char			*s, *name, *value, *d;

	if (http_parse_header((const char *)data, size, &name, &value)) {
		if (strlen(name) == 0 || strlen(name) > size ||
		    strlen(value) > size)
			abort();
		free(name);
		free(value);
	}

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)http_parse_cert_time(s);

	memset(&resp, 0, sizeof resp);
	resp.status = 503;
	resp.body = s;
	resp.len = size;
	d = http_response_describe(&resp);
	if (strncmp(d, "HTTP 503", 8) != 0 || strlen(d) > 10 + 120)
		abort();
	free(d);
	free(s);
	return (0);
}
