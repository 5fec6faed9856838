/*
 * fuzz-sim-apis.c: libFuzzer target, the simulator's scalelite, BBB node,
 * Rancher and OpenStack handlers on hostile requests.
 *
 * Input: byte 0 picks the handler, byte 1 holds flags (1: valid
 * credentials, 2: sign the scalelite query, 4: JSON Content-Type,
 * 8: legacy scalelite), then "METHOD\nPATH\nQUERY\n" and the body.
 * A fresh world per input keeps runs independent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "util.h"
#include "sim/sim.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz_req {
	struct sim_req	 req;
	const char	*hdr[4][2];
};

static const char *
fz_header_cb(const struct sim_req *q, const char *name)
{
	const struct fz_req	*f = (const struct fz_req *)q;
	size_t			 i;

	for (i = 0; i < 4 && f->hdr[i][0] != NULL; i++) {
		if (strcasecmp(f->hdr[i][0], name) == 0)
			return (f->hdr[i][1]);
	}
	return (NULL);
}

static char *
fz_line(const char **p, const char *end)
{
	const char	*nl = memchr(*p, '\n', (size_t)(end - *p));
	char		*s;

	if (nl == NULL)
		nl = end;
	s = xstrndup(*p, (size_t)(nl - *p));
	*p = nl < end ? nl + 1 : end;
	return (s);
}

static char *
fz_sign(const char *path, const char *query, const char *secret)
{
	const char	*action = strrchr(path, '/');
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;
	char		*in, hex[2 * EVP_MAX_MD_SIZE + 1];

	in = xasprintf("%s%s%s", action != NULL ? action + 1 : path, query,
	    secret);
	EVP_Digest(in, strlen(in), d, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	free(in);
	return (xasprintf("%s%schecksum=%s", query, *query != '\0' ? "&" : "",
	    hex));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_world	*w;
	struct fz_req		 f;
	struct sim_resp		 r;
	const char		*p, *end;
	char			*method, *path, *query, *body, *auth = NULL;
	char			*signed_q = NULL, *token = NULL;
	unsigned char		 b64[128];
	int			 which, flags, nh = 0;

	if (size < 2)
		return (0);
	which = data[0] % 4;
	flags = data[1];
	p = (const char *)data + 2;
	end = (const char *)data + size;
	method = fz_line(&p, end);
	path = fz_line(&p, end);
	query = fz_line(&p, end);
	body = xstrndup(p, (size_t)(end - p));

	w = sim_world_new(3, 1, 1.0, "default");
	w->sl_legacy = (flags & 8) != 0;
	memset(&f, 0, sizeof f);
	memset(&r, 0, sizeof r);
	r.status = 200;
	f.req.method = method;
	f.req.path = path;
	f.req.query = query;
	f.req.host = "127.0.0.1:1";
	f.req.body = body;
	f.req.bodylen = strlen(body);
	f.req.header = fz_header_cb;
	if (flags & 4) {
		f.hdr[nh][0] = "Content-Type";
		f.hdr[nh++][1] = "application/json";
	}

	switch (which) {
	case 0:
		f.req.system = SIM_SCALELITE;
		if (flags & 2) {
			signed_q = fz_sign(path, query, w->sl_secret);
			f.req.query = signed_q;
		}
		sim_scalelite_handle(w, &f.req, &r);
		break;
	case 1:
		f.req.system = SIM_RANCHER;
		if (flags & 1) {
			auth = xasprintf("%s:%s", w->rancher_access,
			    w->rancher_secret);
			EVP_EncodeBlock(b64, (unsigned char *)auth,
			    (int)strlen(auth));
			free(auth);
			auth = xasprintf("Basic %s", b64);
			f.hdr[nh][0] = "Authorization";
			f.hdr[nh++][1] = auth;
		}
		sim_rancher_handle(w, &f.req, &r);
		if (flags & 16)
			sim_world_advance(w, 60000);
		break;
	case 2:
		f.req.system = SIM_OPENSTACK;
		if (flags & 1) {
			struct fz_req	 t;
			struct sim_resp	 tr;
			size_t		 i;

			memset(&t, 0, sizeof t);
			memset(&tr, 0, sizeof tr);
			t.req.system = SIM_OPENSTACK;
			t.req.method = "POST";
			t.req.path = "/v3/auth/tokens";
			t.req.query = "";
			t.req.header = fz_header_cb;
			t.req.body = auth = xasprintf("{\"auth\":{\"identity\":"
			    "{\"methods\":[\"application_credential\"],"
			    "\"application_credential\":{\"id\":\"%s\","
			    "\"secret\":\"%s\"}}}}", w->os_cred_id,
			    w->os_cred_secret);
			t.req.bodylen = strlen(auth);
			sim_openstack_handle(w, &t.req, &tr);
			for (i = 0; i < tr.nheaders; i++) {
				if (strcmp(tr.headers[i].name,
				    "X-Subject-Token") == 0)
					token = xstrdup(tr.headers[i].value);
			}
			sim_resp_clear(&tr);
			if (token != NULL) {
				f.hdr[nh][0] = "X-Auth-Token";
				f.hdr[nh++][1] = token;
			}
		}
		sim_openstack_handle(w, &f.req, &r);
		if (flags & 16)
			sim_world_advance(w, 60000);
		break;
	default:
		f.req.system = SIM_METRICS;
		sim_bbb_node_handle(w, (size_t)(flags % 4), &f.req, &r);
		break;
	}
	if (r.status < 100 || r.status > 599 || (r.len > 0 && r.body == NULL))
		abort();
	sim_resp_clear(&r);
	sim_world_free(w);
	free(method);
	free(path);
	free(query);
	free(body);
	free(auth);
	free(signed_q);
	free(token);
	return (0);
}
