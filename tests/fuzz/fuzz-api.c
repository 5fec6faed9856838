/*
 * fuzz-api.c: libFuzzer target for the clients' readers of outside data
 * (src/api/): the consul KV decoder, the Nova limits decoder, every
 * system's error description and Keystone's login answer.  The first
 * byte picks the reader (and the HTTP status of the answer described);
 * the rest is the body.  A description must be one printable line that
 * never holds the connection's secret, whatever the body echoes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/consul.h"
#include "api/openstack.h"
#include "api/rancher.h"
#include "api/scalelite.h"

#define FUZZ_SECRET	"FUZZSECRET"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One printable line, without the secret when masked says so. */
static void
fuzz_check(char *s, int masked)
{
	size_t	 i;

	if (s == NULL || (masked && strstr(s, FUZZ_SECRET) != NULL))
		abort();
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long	 status[] = { 200, 201, 400, 401, 403, 404,
				    422, 500 };
	static const api_describe_fn describe[] = {
		api_describe, api_consul_describe, api_scalelite_describe,
		api_rancher_describe, api_openstack_describe
	};
	struct api_conn		 c = { 0 };
	struct http_response	 resp;
	struct api_consul_kv	*kv;
	struct api_nova_limits	 l;
	struct api_os_token	 t;
	char			*cause = NULL, *body;
	size_t			 n;
	unsigned		 pick;

	if (size < 1)
		return (0);
	pick = data[0];
	data++;
	size--;
	body = malloc(size + 1);
	if (body == NULL)
		return (0);
	memcpy(body, data, size);
	body[size] = '\0';

	switch (pick % 8) {
	case 0:
		if (api_consul_kv_decode(body, size, &kv, &n, &cause) == 0)
			api_consul_kv_free(kv, n);
		else
			free(cause);
		break;
	case 1:
		if (api_nova_limits_decode(body, size, &l, &cause) != 0)
			free(cause);
		break;
	default:
		c.secret = FUZZ_SECRET;
		memset(&resp, 0, sizeof resp);
		resp.status = status[(pick / 8) % 8];
		resp.body = body;
		resp.len = size;
		fuzz_check(describe[(pick % 8 - 2) % 5](&c, &resp), 1);
		fuzz_check(api_clean(body, 300), 0);
		/* Keystone's answer to a login, taken or refused. */
		memset(&t, 0, sizeof t);
		if (api_keystone_take(&c, &resp, &t, &cause) != 0)
			fuzz_check(cause, 1);
		api_os_token_clear(&t);
		break;
	}
	free(body);
	return (0);
}
