/*
 * sim-openstack.c: Keystone v3 (application credential tokens), Nova
 * v2.1 (servers, flavors, os-keypairs, limits), and the listings of
 * Glance v2 (images) and Neutron v2.0 (networks) on one daemon: Keystone
 * at / and /v3, Nova under /compute/v2.1, Glance under /image, Neutron
 * under /network, as the token's catalog says (the image and network
 * endpoints unversioned, as the install guides register them; each root
 * answers its version document, so that clients' version discovery
 * works).
 *
 * Servers: one VM per node (the node's vm_* fields are the truth), and
 * the Rancher server and infra-01.  POST /servers adds a node to the
 * world (sim_world_add_node, named as the server when the name is a
 * free host name) whose VM goes BUILD -> ACTIVE after OS_BUILD_MS of
 * simulated time (ERROR, with a fault, when its metadata has
 * "bbbctl-sim-fault": "error").  That node is registered nowhere: not in
 * consul, scalelite or Rancher, and BBB is not up on it; registering it
 * is the scale-out action's job.  Deleting a node's VM takes the node
 * down (BBB, its exporter, its Rancher agent).
 *
 * Tokens are checked against the real-time clock (world->rt_ms), so that
 * a fast simulation does not expire them faster than a real Keystone.
 */
#include <ctype.h>
#include <stdarg.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "util.h"
#include "sim/sim.h"

#define OS_JSON			"application/json"
#define OS_TOKEN_TTL_MS		(3600 * 1000LL)
#define OS_BUILD_MS		(45 * 1000LL)
#define OS_DELETE_MS		(3 * 1000LL)
#define OS_QUOTA_SPARE		10	/* default quota: all VMs + 10 */
#define OS_MAX_VERSION		96	/* 2.96 */
#define OS_PROJECT_ID		"5f0c8a3e9d2b4c61a7e8f90b1c2d3e4f"
#define OS_USER_ID		"9b7e6d5c4a3f2e1d0c9b8a7f6e5d4c3b"
#define OS_IMAGE_ID		"4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b"
#define OS_MAX_KEYPAIRS		100
/* the key every sim VM was booted with (a real ed25519 public key) */
#define OS_DEPLOY_KEY	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILr0" \
	"ZCytXByxI70lpx2aQl3q0G+3da6YPN+Hq/KM0Uzx deploy@bbbctl-sim"

struct os_flavor {
	const char	*id;
	const char	*name;
	int		 vcpus;
	int		 ram;	/* MiB */
	int		 disk;	/* GiB */
};

static const struct os_flavor os_flavors[] = {
	{ "2", "m1.small", 1, 2048, 20 },
	{ "3", "m1.medium", 2, 4096, 40 },
	{ "4", "m1.large", 4, 8192, 80 },
	{ "5", "m1.xlarge", 8, 16384, 160 },
};

struct os_image {
	const char	*id;
	const char	*name;
	long long	 size;
	const char	*created;
};

static const struct os_image os_images[] = {
	{ OS_IMAGE_ID, "ubuntu-20.04-bbb", 2361393152LL,
	    "2024-03-11T09:12:44Z" },
	{ "9a0c5f3e-7d21-4b8e-a6f4-3c2e1d0b9a87", "cirros-0.6.2", 21430272LL,
	    "2023-08-02T14:03:19Z" },
};

struct os_network {
	const char	*id;
	const char	*name;
	const char	*subnet;
	bool		 external;
};

static const struct os_network os_networks[] = {
	{ "a1b2c3d4-0000-4000-8000-000000000001", "bbb-net",
	    "b7e5d3c1-0000-4000-8000-000000000011", false },
	{ "a1b2c3d4-0000-4000-8000-000000000002", "public",
	    "b7e5d3c1-0000-4000-8000-000000000012", true },
};

struct os_keypair {
	char		*name;
	char		*public_key;
	char		 fingerprint[48];
	char		 type[8];
	int64_t		 created_ms;
	int		 id;
};

struct os_server {
	char		 id[40];
	char		 name[64];
	int		 node;		/* node index, -1 none */
	char		 status[16];	/* own servers only */
	char		 flavor[8];	/* flavor id */
	char		 image[40];
	char		 ip[16];
	char		 key_name[64];
	char		 admin_pass[16];
	json_t		*metadata;
	char		*user_data;	/* decoded, or NULL */
	bool		 fail;		/* ends in ERROR */
	int64_t		 created_ms;
	int64_t		 ready_ms;
	int64_t		 updated_ms;
	int64_t		 delete_at_ms;	/* 0, or when it is gone */
	bool		 gone;
};

struct os_token {
	char		 id[200];
	char		 audit[24];
	int64_t		 expires_rt;
	int64_t		 issued_ms;
};

struct os_state {
	struct os_server *servers;
	size_t		 nservers;
	size_t		 nnodes;	/* nodes with a server entry */
	struct os_token	*tokens;
	size_t		 ntokens;
	unsigned	 next_ip;
	size_t		 quota;		/* default: the first VMs + 10 */
	struct os_keypair *keypairs;	/* sorted by name */
	size_t		 nkeypairs;
	int		 keypair_seq;
};

struct os_req {
	struct sim_world	*w;
	struct os_state		*st;
	const struct sim_req	*q;
	struct sim_resp		*r;
	char			*base;		/* http://host:port */
	char			*compute;	/* base/compute/v2.1 */
	int			 version;	/* microversion minor */
};

static void	os_auth_validate(struct os_req *);

/* --- state ---------------------------------------------------------------- */

static void
os_uuid(struct sim_world *w, char *out, size_t outsz)
{
	unsigned char	 u[16];
	size_t		 i;

	for (i = 0; i < sizeof u; i++)
		u[i] = (unsigned char)(sim_rand(w) * 256.0);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, outsz, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static struct os_server *
os_add(struct os_state *st)
{
	struct os_server	*s;

	st->servers = xreallocarray(st->servers, st->nservers + 1,
	    sizeof *st->servers);
	s = &st->servers[st->nservers++];
	memset(s, 0, sizeof *s);
	s->node = -1;
	return (s);
}

/* By id only: what flavorRef and GET /flavors/{id} take. */
static const struct os_flavor *
os_flavor_id(const char *id)
{
	size_t	 i;

	for (i = 0; i < nitems(os_flavors); i++) {
		if (strcmp(os_flavors[i].id, id) == 0)
			return (&os_flavors[i]);
	}
	return (NULL);
}

static const struct os_flavor *
os_flavor_by(const char *key)
{
	size_t	 i;

	for (i = 0; i < nitems(os_flavors); i++) {
		if (strcmp(os_flavors[i].id, key) == 0 ||
		    strcmp(os_flavors[i].name, key) == 0)
			return (&os_flavors[i]);
	}
	return (NULL);
}

/*
 * Nova's fingerprint of an OpenSSH public key line: MD5 of the decoded
 * blob as colon-separated hex (nova/crypto.py generate_fingerprint).
 * 0, or -1 when the line is no key.
 */
static int
os_fingerprint(const char *line, char *out, size_t outsz)
{
	const char	*b, *e;
	unsigned char	*raw, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	size_t		 len, i, pad = 0;
	int		 n;

	if ((b = strchr(line, ' ')) == NULL)
		return (-1);
	b++;
	e = b + strcspn(b, " \r\n");
	len = (size_t)(e - b);
	if (len == 0 || len % 4 != 0 || len > 16384)
		return (-1);
	if (b[len - 1] == '=')
		pad++;
	if (b[len - 2] == '=')
		pad++;
	raw = xmalloc(len);
	n = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)len);
	if (n < 0 || (size_t)n < pad + 4 ||
	    EVP_Digest(raw, (size_t)n - pad, md, &mdlen, EVP_md5(), NULL) !=
	    1) {
		free(raw);
		return (-1);
	}
	free(raw);
	if (outsz < 3 * (size_t)mdlen)
		return (-1);
	for (i = 0; i < mdlen; i++)
		snprintf(out + 3 * i, outsz - 3 * i, "%02x%s", md[i],
		    i + 1 < mdlen ? ":" : "");
	return (0);
}

static struct os_keypair *
os_keypair_add(struct sim_world *w, struct os_state *st, const char *name,
    const char *public_key, const char *type, size_t at)
{
	struct os_keypair	*k;

	st->keypairs = xreallocarray(st->keypairs, st->nkeypairs + 1,
	    sizeof *st->keypairs);
	memmove(&st->keypairs[at + 1], &st->keypairs[at],
	    (st->nkeypairs - at) * sizeof *st->keypairs);
	st->nkeypairs++;
	k = &st->keypairs[at];
	memset(k, 0, sizeof *k);
	k->name = xstrdup(name);
	k->public_key = xstrdup(public_key);
	if (os_fingerprint(public_key, k->fingerprint,
	    sizeof k->fingerprint) != 0)
		k->fingerprint[0] = '\0';
	snprintf(k->type, sizeof k->type, "%s", type);
	k->created_ms = w->now_ms;
	k->id = ++st->keypair_seq;
	return (k);
}

static struct os_state *
os_state(struct sim_world *w)
{
	struct os_state		*st = w->openstack;
	struct os_server	*s;
	const char		*names[] = { "rancher-server", "infra-01" };
	size_t			 i;

	if (st == NULL) {
		st = xcalloc(1, sizeof *st);
		w->openstack = st;
		for (i = 0; i < nitems(names); i++) {
			s = os_add(st);
			os_uuid(w, s->id, sizeof s->id);
			snprintf(s->name, sizeof s->name, "%s", names[i]);
			snprintf(s->status, sizeof s->status, "ACTIVE");
			snprintf(s->flavor, sizeof s->flavor, "4");
			snprintf(s->image, sizeof s->image, OS_IMAGE_ID);
			if (w->vm_addr_base != 0)
				sim_vm_addr(w, w->nnodes + i, s->ip,
				    sizeof s->ip);
			else
				snprintf(s->ip, sizeof s->ip, "10.20.255.%zu",
				    i + 2);
			snprintf(s->key_name, sizeof s->key_name, "deploy");
			s->metadata = json_object();
			s->created_ms = w->now_ms - 86400000LL * 400;
			s->ready_ms = s->created_ms + 60000;
			s->updated_ms = s->ready_ms;
		}
		st->next_ip = 1;
		st->quota = w->nnodes + nitems(names) + OS_QUOTA_SPARE;
		os_keypair_add(w, st, "deploy", OS_DEPLOY_KEY, "ssh", 0);
	}
	for (; st->nnodes < w->nnodes; st->nnodes++) {
		s = os_add(st);
		s->node = (int)st->nnodes;
		s->metadata = json_object();
	}
	return (st);
}

void
sim_openstack_free(struct sim_world *w)
{
	struct os_state	*st;
	size_t		 i;

	if (w == NULL || (st = w->openstack) == NULL)
		return;
	for (i = 0; i < st->nservers; i++) {
		json_decref(st->servers[i].metadata);
		free(st->servers[i].user_data);
	}
	for (i = 0; i < st->ntokens; i++)
		explicit_bzero(st->tokens[i].id, sizeof st->tokens[i].id);
	for (i = 0; i < st->nkeypairs; i++) {
		free(st->keypairs[i].name);
		free(st->keypairs[i].public_key);
	}
	free(st->keypairs);
	free(st->servers);
	free(st->tokens);
	free(st);
	w->openstack = NULL;
}

void
sim_openstack_tick(struct sim_world *w)
{
	struct os_state		*st;
	struct os_server	*s;
	struct sim_node		*n;
	size_t			 i;

	if (w->openstack == NULL)
		return;
	st = os_state(w);
	for (i = 0; i < st->nservers; i++) {
		s = &st->servers[i];
		if (s->gone)
			continue;
		if (s->delete_at_ms != 0 && s->delete_at_ms <= w->now_ms) {
			s->gone = true;
			if (s->node >= 0 && (size_t)s->node < w->nnodes) {
				n = &w->nodes[s->node];
				snprintf(n->vm_status, sizeof n->vm_status,
				    "DELETED");
			}
			continue;
		}
		if (s->node >= 0 && (size_t)s->node < w->nnodes) {
			n = &w->nodes[s->node];
			if (strcmp(n->vm_status, "BUILD") == 0 &&
			    n->vm_ready_ms <= w->now_ms) {
				snprintf(n->vm_status, sizeof n->vm_status,
				    "%s", s->fail ? "ERROR" : "ACTIVE");
				/* It boots: cloud-init runs its user_data. */
				if (!s->fail && s->user_data != NULL &&
				    (n->sim_fault & SIM_NODE_NOREGISTER) == 0)
					(void)sim_rancher_boot(w, (size_t)s->node,
					    s->user_data);
			}
			continue;
		}
		if (strcmp(s->status, "BUILD") == 0 &&
		    s->ready_ms <= w->now_ms) {
			snprintf(s->status, sizeof s->status, "%s",
			    s->fail ? "ERROR" : "ACTIVE");
			s->updated_ms = s->ready_ms;
		}
	}
	/* Expired tokens go. */
	for (i = 0; i < st->ntokens;) {
		if (st->tokens[i].expires_rt <= w->rt_ms) {
			explicit_bzero(st->tokens[i].id,
			    sizeof st->tokens[i].id);
			st->tokens[i] = st->tokens[--st->ntokens];
		} else
			i++;
	}
}

/* --- answers -------------------------------------------------------------- */

static void
os_request_id(struct os_req *rq)
{
	char	 uuid[40], *id;

	os_uuid(rq->w, uuid, sizeof uuid);
	id = xasprintf("req-%s", uuid);
	sim_resp_header(rq->r, "X-Openstack-Request-Id", id);
	if (strncmp(rq->q->path, "/compute", 8) == 0)
		sim_resp_header(rq->r, "X-Compute-Request-Id", id);
	free(id);
}

/* Request id, and Nova's microversion headers on every Nova answer. */
static void
os_headers(struct os_req *rq)
{
	char	*v;

	os_request_id(rq);
	if (strncmp(rq->q->path, "/compute/v2.1/", 14) == 0) {
		v = xasprintf("compute 2.%d", rq->version);
		sim_resp_header(rq->r, "OpenStack-API-Version", v);
		free(v);
		v = xasprintf("2.%d", rq->version);
		sim_resp_header(rq->r, "X-OpenStack-Nova-API-Version", v);
		free(v);
		sim_resp_header(rq->r, "Vary",
		    "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
	}
}

static void
os_send(struct os_req *rq, int status, json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	sim_resp_set(rq->r, status, OS_JSON, s != NULL ? s : xstrdup("{}"));
	os_headers(rq);
}

/* An answer without a body (204, 202) that still carries the headers. */
static void
os_send_empty(struct os_req *rq, int status)
{
	sim_resp_set(rq->r, status, OS_JSON, xstrdup(""));
	os_headers(rq);
}

/* Nova's fault body: {"<faultName>": {"code": N, "message": "..."}}. */
static void
os_fault(struct os_req *rq, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
os_fault(struct os_req *rq, int status, const char *fmt, ...)
{
	const char	*name;
	va_list		 ap;
	char		*msg;

	switch (status) {
	case 400:
		name = "badRequest";
		break;
	case 401:
		name = "unauthorized";
		break;
	case 403:
		name = "forbidden";
		break;
	case 404:
		name = "itemNotFound";
		break;
	case 405:
		name = "badMethod";
		break;
	case 409:
		name = "conflictingRequest";
		break;
	case 413:
	case 429:
		name = "overLimit";
		break;
	case 415:
		name = "badMediaType";
		break;
	case 501:
		name = "notImplemented";
		break;
	case 503:
		name = "serviceUnavailable";
		break;
	default:
		name = "computeFault";
		break;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	os_send(rq, status, json_pack("{s:{s:i, s:s}}", name, "code", status,
	    "message", msg));
	free(msg);
}

/* Keystone's (and keystonemiddleware's) error body. */
static void
os_ks_error(struct os_req *rq, int status, const char *title,
    const char *msg)
{
	char	*uri;

	os_send(rq, status, json_pack("{s:{s:i, s:s, s:s}}", "error",
	    "code", status, "title", title, "message", msg));
	if (status == 401) {
		uri = xasprintf("Keystone uri=\"%s/v3\"", rq->base);
		sim_resp_header(rq->r, "WWW-Authenticate", uri);
		free(uri);
	}
}

/* 0: 2017-02-14T19:23:58Z, 1: ...58.000000 (Nova's launched_at), 2: Z */
static char *
os_date(int64_t ms, int style, char *out, size_t outsz)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	if (style == 0)
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else if (style == 1)
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%S.000000", &tm);
	else
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
	return (out);
}

/* --- keystone ------------------------------------------------------------- */

/* One catalog entry with a public endpoint. */
static json_t *
os_catalog_entry(const char *id, const char *name, const char *type,
    const char *ep_id, const char *url)
{
	return (json_pack("{s:[{s:s, s:s, s:s, s:s, s:s}], s:s, s:s, s:s}",
	    "endpoints", "id", ep_id, "interface", "public", "region",
	    "RegionOne", "region_id", "RegionOne", "url", url, "id", id,
	    "name", name, "type", type));
}

static json_t *
os_token_body(struct os_req *rq, const struct os_token *t)
{
	json_t		*body, *catalog;
	char		 exp[40], iss[40], *id, *u;

	id = xasprintf("%s/v3", rq->base);
	catalog = json_pack("[{s:[{s:s, s:s, s:s, s:s, s:s}], s:s, s:s, s:s},"
	    " {s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}], "
	    "s:s, s:s, s:s}]",
	    "endpoints", "id", "0b3c5f1d2e4a4b6c8d9e0f1a2b3c4d5e",
	    "interface", "public", "region", "RegionOne",
	    "region_id", "RegionOne", "url", id,
	    "id", "1c4d6e2f3a5b4c7d9e0f1a2b3c4d5e6f", "name", "keystone",
	    "type", "identity",
	    "endpoints", "id", "2d5e7f3a4b6c4d8e0f1a2b3c4d5e6f70",
	    "interface", "public", "region", "RegionOne",
	    "region_id", "RegionOne", "url", rq->compute,
	    "id", "3e6f8a4b5c7d4e9f1a2b3c4d5e6f7081",
	    "interface", "internal", "region", "RegionOne",
	    "region_id", "RegionOne", "url", rq->compute,
	    "id", "4f7a9b5c6d8e4fa0b1c2d3e4f5a6b7c8", "name", "nova",
	    "type", "compute");
	free(id);
	/*
	 * Glance and Neutron, unversioned as the install guides register
	 * them (keystoneauth discovers the version from the root).
	 */
	u = sim_url(rq->w, SIM_OPENSTACK);
	id = xasprintf("%s/image", u);
	json_array_append_new(catalog, os_catalog_entry(
	    "5a8b0c6d7e9f4a1b2c3d4e5f6a7b8c9d", "glance", "image",
	    "6b9c1d7e8f0a4b2c3d4e5f6a7b8c9d0e", id));
	free(id);
	id = xasprintf("%s/network", u);
	json_array_append_new(catalog, os_catalog_entry(
	    "7cad2e8f9a1b4c3d4e5f6a7b8c9d0e1f", "neutron", "network",
	    "8dbe3f9a0b2c4d4e5f6a7b8c9d0e1f2a", id));
	free(id);
	free(u);
	body = json_pack("{s:{s:{s:s, s:s, s:b}, s:[s], s:o, s:s, s:s, "
	    "s:[s], s:{s:s, s:s, s:{s:s, s:s}}, s:[{s:s, s:s}, {s:s, s:s}], "
	    "s:{s:s, s:s, s:{s:s, s:s}, s:n}, s:b}}",
	    "token",
	    "application_credential", "id", rq->w->os_cred_id, "name",
	    "bbbctl", "restricted", 1,
	    "audit_ids", t->audit,
	    "catalog", catalog,
	    "expires_at", os_date(t->issued_ms + OS_TOKEN_TTL_MS, 2, exp,
	    sizeof exp),
	    "issued_at", os_date(t->issued_ms, 2, iss, sizeof iss),
	    "methods", "application_credential",
	    "project", "id", OS_PROJECT_ID, "name", "bbb",
	    "domain", "id", "default", "name", "Default",
	    "roles", "id", "6a1b2c3d4e5f4a6b8c9d0e1f2a3b4c5d", "name",
	    "member", "id", "7b2c3d4e5f6a4b7c9d0e1f2a3b4c5d6e", "name",
	    "reader",
	    "user", "id", OS_USER_ID, "name", "bbb-ops",
	    "domain", "id", "default", "name", "Default",
	    "password_expires_at",
	    "is_domain", 0);
	return (body);
}

static void
os_token_issue(struct os_req *rq)
{
	struct os_state	*st = rq->st;
	struct os_token	*t;
	size_t		 i;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_";

	st->tokens = xreallocarray(st->tokens, st->ntokens + 1,
	    sizeof *st->tokens);
	t = &st->tokens[st->ntokens++];
	memset(t, 0, sizeof *t);
	/* A Fernet token's look: gAAAAA + url-safe base64. */
	memcpy(t->id, "gAAAAAB", 7);
	for (i = 7; i < 183; i++)
		t->id[i] = b64[(int)(sim_rand(rq->w) * 64)];
	t->id[i] = '\0';
	t->expires_rt = rq->w->rt_ms + OS_TOKEN_TTL_MS;
	t->issued_ms = rq->w->now_ms;
	for (i = 0; i < 22; i++)
		t->audit[i] = b64[(int)(sim_rand(rq->w) * 64)];
	t->audit[22] = '\0';
	os_send(rq, 201, os_token_body(rq, t));
	sim_resp_header(rq->r, "X-Subject-Token", t->id);
}

static void
os_auth_tokens(struct os_req *rq)
{
	json_t		*body, *ident, *methods, *cred, *v;
	json_error_t	 err;
	const char	*id = NULL, *name = NULL, *secret = NULL;
	size_t		 i;
	bool		 method = false;

	if (strcmp(rq->q->method, "GET") == 0 ||
	    strcmp(rq->q->method, "HEAD") == 0 ||
	    strcmp(rq->q->method, "DELETE") == 0) {
		os_auth_validate(rq);
		return;
	}
	if (strcmp(rq->q->method, "POST") != 0) {
		os_ks_error(rq, 405, "Method Not Allowed",
		    "The method is not allowed for the requested URL.");
		return;
	}
	body = json_loadb(rq->q->body != NULL ? rq->q->body : "",
	    rq->q->bodylen, 0, &err);
	ident = json_object_get(json_object_get(body, "auth"), "identity");
	methods = json_object_get(ident, "methods");
	if (!json_is_object(ident) || !json_is_array(methods)) {
		os_ks_error(rq, 400, "Bad Request", "Expecting to find "
		    "identity in auth. The server could not comply with the "
		    "request since it is either malformed or otherwise "
		    "incorrect. The client is assumed to be in error.");
		json_decref(body);
		return;
	}
	json_array_foreach(methods, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v),
		    "application_credential") == 0)
			method = true;
	}
	cred = json_object_get(ident, "application_credential");
	if (!method || !json_is_object(cred)) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		json_decref(body);
		return;
	}
	if (json_is_string(json_object_get(cred, "id")))
		id = json_string_value(json_object_get(cred, "id"));
	if (json_is_string(json_object_get(cred, "name")))
		name = json_string_value(json_object_get(cred, "name"));
	if (json_is_string(json_object_get(cred, "secret")))
		secret = json_string_value(json_object_get(cred, "secret"));
	if (secret == NULL || (id == NULL && name == NULL)) {
		os_ks_error(rq, 400, "Bad Request", "Invalid input for field "
		    "'identity/application_credential': 'secret' is a "
		    "required property");
		json_decref(body);
		return;
	}
	if ((id != NULL && strcmp(id, rq->w->os_cred_id) != 0) ||
	    (id == NULL && strcmp(name, "bbbctl") != 0) ||
	    strcmp(secret, rq->w->os_cred_secret) != 0) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		json_decref(body);
		return;
	}
	os_token_issue(rq);
	json_decref(body);
}

static struct os_token *
os_token_find(struct os_req *rq, const char *tok)
{
	size_t	 i;

	if (tok == NULL)
		return (NULL);
	for (i = 0; i < rq->st->ntokens; i++) {
		if (strcmp(rq->st->tokens[i].id, tok) == 0 &&
		    rq->st->tokens[i].expires_rt > rq->w->rt_ms)
			return (&rq->st->tokens[i]);
	}
	return (NULL);
}

static bool
os_token_ok(struct os_req *rq)
{
	return (os_token_find(rq, rq->q->header(rq->q, "X-Auth-Token")) !=
	    NULL);
}

/*
 * GET|HEAD /v3/auth/tokens: validate X-Subject-Token for the caller of
 * X-Auth-Token (keystone/api/auth.py AuthTokenResource get/head: 200 with
 * the token body and X-Subject-Token; an unknown subject is 404 "Could
 * not find token"); DELETE revokes it (204).
 */
static void
os_auth_validate(struct os_req *rq)
{
	struct os_token	*t;
	const char	*sub;
	char		*msg;

	if (!os_token_ok(rq)) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		return;
	}
	sub = rq->q->header(rq->q, "X-Subject-Token");
	if ((t = os_token_find(rq, sub)) == NULL) {
		msg = xasprintf("Could not find token: %s.",
		    sub != NULL ? sub : "");
		os_ks_error(rq, 404, "Not Found", msg);
		free(msg);
		return;
	}
	if (strcmp(rq->q->method, "DELETE") == 0) {
		t->expires_rt = rq->w->rt_ms;
		os_send_empty(rq, 204);
		return;
	}
	os_send(rq, 200, os_token_body(rq, t));
	sim_resp_header(rq->r, "X-Subject-Token", t->id);
	if (strcmp(rq->q->method, "HEAD") == 0) {
		free(rq->r->body);
		rq->r->body = xstrdup("");
		rq->r->len = 0;
	}
}

/* --- nova ----------------------------------------------------------------- */

/* Fields of a server whichever kind it is. */
struct os_view {
	const char	*id;
	const char	*name;
	const char	*status;
	const char	*flavor;	/* id */
	const char	*image;
	const char	*ip;
	const char	*key_name;
	int64_t		 created_ms;
	int64_t		 updated_ms;
	json_t		*metadata;
	bool		 deleting;
};

static bool
os_view(struct os_req *rq, struct os_server *s, struct os_view *v)
{
	const struct os_flavor	*f;
	struct sim_node		*n;

	if (s->gone)
		return (false);
	memset(v, 0, sizeof *v);
	v->id = s->id;
	v->metadata = s->metadata;
	v->deleting = s->delete_at_ms != 0;
	v->key_name = s->key_name[0] != '\0' ? s->key_name : NULL;
	if (s->node >= 0 && (size_t)s->node < rq->w->nnodes) {
		n = &rq->w->nodes[s->node];
		if (n->vm_id[0] == '\0' || n->vm_status[0] == '\0' ||
		    strcmp(n->vm_status, "DELETED") == 0)
			return (false);
		v->id = n->vm_id;
		v->name = n->name;
		v->status = n->vm_status;
		f = os_flavor_by(n->flavor);
		v->flavor = f != NULL ? f->id : "5";
		v->image = s->image[0] != '\0' ? s->image : OS_IMAGE_ID;
		v->ip = n->ip;
		if (v->key_name == NULL)
			v->key_name = "deploy";
		v->created_ms = n->vm_created_ms;
		/* updated is the last change that happened, never ahead */
		v->updated_ms = strcmp(n->vm_status, "BUILD") != 0 &&
		    n->vm_ready_ms > n->vm_created_ms ? n->vm_ready_ms :
		    n->vm_created_ms;
		return (true);
	}
	v->name = s->name;
	v->status = s->status;
	v->flavor = s->flavor;
	v->image = s->image;
	v->ip = s->ip;
	v->created_ms = s->created_ms;
	v->updated_ms = s->updated_ms;
	return (true);
}

static json_t *
os_links(struct os_req *rq, const char *coll, const char *id)
{
	char	*self, *book;
	json_t	*l;

	self = xasprintf("%s/%s/%s", rq->compute, coll, id);
	book = xasprintf("%s/compute/%s/%s", rq->base, coll, id);
	l = json_pack("[{s:s, s:s}, {s:s, s:s}]", "href", self, "rel", "self",
	    "href", book, "rel", "bookmark");
	free(self);
	free(book);
	return (l);
}

static json_t *
os_flavor_json(struct os_req *rq, const char *id)
{
	const struct os_flavor	*f = os_flavor_by(id);
	char			*book;
	json_t			*o;

	if (rq->version >= 47 && f != NULL)
		return (json_pack("{s:i, s:i, s:i, s:i, s:i, s:s, s:{}}",
		    "vcpus", f->vcpus, "ram", f->ram, "disk", f->disk,
		    "ephemeral", 0, "swap", 0, "original_name", f->name,
		    "extra_specs"));
	book = xasprintf("%s/compute/flavors/%s", rq->base, id);
	o = json_pack("{s:s, s:[{s:s, s:s}]}", "id", id, "links", "href", book,
	    "rel", "bookmark");
	free(book);
	return (o);
}

static json_t *
os_server_json(struct os_req *rq, const struct os_view *v)
{
	json_t		*o, *addresses, *img;
	char		 created[32], updated[32], launched[32], *book, mac[24];
	char		 host_id[57];
	const char	*vm_state, *task = NULL;
	int		 power;
	unsigned	 h = 2166136261u;
	size_t		 i;
	bool		 build = strcmp(v->status, "BUILD") == 0;

	if (strcmp(v->status, "ACTIVE") == 0) {
		vm_state = "active";
		power = 1;
	} else if (build) {
		vm_state = "building";
		task = "spawning";
		power = 0;
	} else if (strcmp(v->status, "ERROR") == 0) {
		vm_state = "error";
		power = 0;
	} else if (strcmp(v->status, "SHUTOFF") == 0) {
		vm_state = "stopped";
		power = 4;
	} else {
		vm_state = "active";
		power = 1;
	}
	if (v->deleting)
		task = "deleting";

	for (i = 0; v->id[i] != '\0'; i++)
		h = (h ^ (unsigned char)v->id[i]) * 16777619u;
	for (i = 0; i < 56; i++) {
		h = h * 1103515245u + 12345u;
		host_id[i] = "0123456789abcdef"[(h >> 16) & 15];
	}
	host_id[56] = '\0';
	snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x", h & 0xff,
	    (h >> 8) & 0xff, (h >> 24) & 0xff);

	addresses = json_object();
	if (!build && v->ip[0] != '\0')
		json_object_set_new(addresses, "bbb-net", json_pack(
		    "[{s:i, s:s, s:s, s:s}]", "version", 4, "addr", v->ip,
		    "OS-EXT-IPS:type", "fixed", "OS-EXT-IPS-MAC:mac_addr", mac));
	book = xasprintf("%s/compute/images/%s", rq->base, v->image);
	img = json_pack("{s:s, s:[{s:s, s:s}]}", "id", v->image, "links",
	    "href", book, "rel", "bookmark");
	free(book);

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:o, s:o, s:s, "
	    "s:s, s:o, s:s, s:s, s:o, s:s, s:i, s:s, s:s}",
	    "id", v->id,
	    "name", v->name,
	    "status", v->status,
	    "tenant_id", OS_PROJECT_ID,
	    "user_id", OS_USER_ID,
	    "metadata", v->metadata,
	    "hostId", build ? "" : host_id,
	    "image", img,
	    "flavor", os_flavor_json(rq, v->flavor),
	    "created", os_date(v->created_ms, 0, created, sizeof created),
	    "updated", os_date(v->updated_ms, 0, updated, sizeof updated),
	    "addresses", addresses,
	    "accessIPv4", "",
	    "accessIPv6", "",
	    "links", os_links(rq, "servers", v->id),
	    "OS-DCF:diskConfig", "MANUAL",
	    "progress", 0,
	    "OS-EXT-AZ:availability_zone", "nova",
	    "config_drive", "");
	json_object_set_new(o, "key_name", v->key_name != NULL ?
	    json_string(v->key_name) : json_null());
	json_object_set_new(o, "OS-SRV-USG:launched_at", build ? json_null() :
	    json_string(os_date(v->updated_ms, 1, launched, sizeof launched)));
	json_object_set_new(o, "OS-SRV-USG:terminated_at", json_null());
	json_object_set_new(o, "OS-EXT-STS:task_state", task != NULL ?
	    json_string(task) : json_null());
	json_object_set_new(o, "OS-EXT-STS:vm_state", json_string(vm_state));
	json_object_set_new(o, "OS-EXT-STS:power_state", json_integer(power));
	json_object_set_new(o, "os-extended-volumes:volumes_attached",
	    json_array());
	json_object_set_new(o, "security_groups",
	    json_pack("[{s:s}]", "name", "default"));
	if (strcmp(v->status, "ERROR") == 0)
		json_object_set_new(o, "fault", json_pack("{s:i, s:s, s:s}",
		    "code", 500, "created", updated, "message",
		    "No valid host was found. There are not enough hosts "
		    "available."));
	if (rq->version >= 9)
		json_object_set_new(o, "locked", json_false());
	if (rq->version >= 19)
		json_object_set_new(o, "description", json_null());
	if (rq->version >= 26)
		json_object_set_new(o, "tags", json_array());
	return (o);
}

static struct os_server *
os_find(struct os_req *rq, const char *id, struct os_view *v)
{
	size_t	 i;

	for (i = 0; i < rq->st->nservers; i++) {
		if (os_view(rq, &rq->st->servers[i], v) &&
		    strcmp(v->id, id) == 0)
			return (&rq->st->servers[i]);
	}
	return (NULL);
}

/*
 * Servers' sort keys: nova's list takes sort_key/sort_dir (compute/
 * schemas/servers.py VALID_SORT_KEYS; default created_at desc, then id).
 * The keys the sim can order by are ordered; the other valid keys keep
 * the default order; an unknown key is 400.
 */
enum os_sort { OS_SORT_CREATED, OS_SORT_UPDATED, OS_SORT_NAME, OS_SORT_UUID,
    OS_SORT_STATE, OS_SORT_KEY_NAME, OS_SORT_IMAGE };

static const struct {
	const char	*name;
	enum os_sort	 key;
} os_sort_keys[] = {
	{ "created_at", OS_SORT_CREATED }, { "updated_at", OS_SORT_UPDATED },
	{ "launched_at", OS_SORT_UPDATED }, { "display_name", OS_SORT_NAME },
	{ "hostname", OS_SORT_NAME }, { "uuid", OS_SORT_UUID },
	{ "vm_state", OS_SORT_STATE }, { "key_name", OS_SORT_KEY_NAME },
	{ "image_ref", OS_SORT_IMAGE }, { "access_ip_v4", OS_SORT_CREATED },
	{ "access_ip_v6", OS_SORT_CREATED },
	{ "auto_disk_config", OS_SORT_CREATED },
	{ "availability_zone", OS_SORT_CREATED },
	{ "config_drive", OS_SORT_CREATED },
	{ "display_description", OS_SORT_CREATED },
	{ "host", OS_SORT_CREATED }, { "instance_type_id", OS_SORT_CREATED },
	{ "kernel_id", OS_SORT_CREATED }, { "launch_index", OS_SORT_CREATED },
	{ "locked_by", OS_SORT_CREATED }, { "node", OS_SORT_CREATED },
	{ "power_state", OS_SORT_STATE }, { "progress", OS_SORT_CREATED },
	{ "project_id", OS_SORT_CREATED }, { "ramdisk_id", OS_SORT_CREATED },
	{ "root_device_name", OS_SORT_CREATED },
	{ "task_state", OS_SORT_STATE }, { "terminated_at", OS_SORT_CREATED },
	{ "user_id", OS_SORT_CREATED },
};

static enum os_sort	 os_sort_by;	/* set under the world lock */
static bool		 os_sort_asc;

static int
os_view_cmp(const void *a, const void *b)
{
	const struct os_view	*x = a, *y = b;
	int			 c = 0;

	switch (os_sort_by) {
	case OS_SORT_UPDATED:
		if (x->updated_ms != y->updated_ms)
			c = x->updated_ms < y->updated_ms ? -1 : 1;
		break;
	case OS_SORT_NAME:
		c = strcmp(x->name, y->name);
		break;
	case OS_SORT_STATE:
		c = strcmp(x->status, y->status);
		break;
	case OS_SORT_KEY_NAME:
		c = strcmp(x->key_name != NULL ? x->key_name : "",
		    y->key_name != NULL ? y->key_name : "");
		break;
	case OS_SORT_IMAGE:
		c = strcmp(x->image, y->image);
		break;
	case OS_SORT_UUID:
	case OS_SORT_CREATED:
		break;
	}
	if (c == 0 && os_sort_by != OS_SORT_UUID &&
	    x->created_ms != y->created_ms)
		c = x->created_ms < y->created_ms ? -1 : 1;
	if (c == 0)
		c = strcmp(x->id, y->id);
	return (os_sort_asc ? c : -c);
}

/* sort_key / sort_dir of a list: 0, or -1 after answering 400. */
static int
os_list_sort(struct os_req *rq)
{
	char	*key, *dir;
	size_t	 i;
	int	 rc = 0;

	os_sort_by = OS_SORT_CREATED;
	os_sort_asc = false;
	key = sim_query_get(rq->q->query, "sort_key");
	dir = sim_query_get(rq->q->query, "sort_dir");
	if (key != NULL) {
		for (i = 0; i < nitems(os_sort_keys); i++) {
			if (strcmp(os_sort_keys[i].name, key) == 0)
				break;
		}
		if (i == nitems(os_sort_keys)) {
			os_fault(rq, 400, "Invalid input for query parameters "
			    "sort_key. Value: %s. '%s' is not one of the valid "
			    "sort keys", key, key);
			rc = -1;
			goto out;
		}
		os_sort_by = os_sort_keys[i].key;
	}
	if (dir != NULL) {
		if (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0) {
			os_fault(rq, 400, "Invalid input for query parameters "
			    "sort_dir. Value: %s. '%s' is not one of ['asc', "
			    "'desc']", dir, dir);
			rc = -1;
			goto out;
		}
		os_sort_asc = strcmp(dir, "asc") == 0;
	}
out:
	free(key);
	free(dir);
	return (rc);
}

static void
os_list(struct os_req *rq, bool detail)
{
	struct os_view	*v;
	json_t		*arr, *links;
	regex_t		 re;
	char		*name, *status, *limit_s, *marker, *url;
	const char	*cause;
	long long	 limit = 1000;
	size_t		 i, n = 0, start = 0, count = 0;
	bool		 have_re = false;

	name = sim_query_get(rq->q->query, "name");
	status = sim_query_get(rq->q->query, "status");
	limit_s = sim_query_get(rq->q->query, "limit");
	marker = sim_query_get(rq->q->query, "marker");
	if (limit_s != NULL && util_parse_ll(limit_s, 0, 1000000, &limit,
	    &cause) != 0) {
		os_fault(rq, 400, "Invalid input for query parameters limit. "
		    "Value: %s. '%s' does not match '^[0-9]*$'", limit_s,
		    limit_s);
		goto out;
	}
	if (limit > 1000)
		limit = 1000;
	if (os_list_sort(rq) != 0)
		goto out;
	if (name != NULL) {
		if (strlen(name) > 255 ||
		    regcomp(&re, name, REG_EXTENDED | REG_NOSUB) != 0) {
			os_fault(rq, 400, "Invalid regular expression: %s",
			    name);
			goto out;
		}
		have_re = true;
	}

	v = xcalloc(rq->st->nservers + 1, sizeof *v);
	for (i = 0; i < rq->st->nservers; i++) {
		if (!os_view(rq, &rq->st->servers[i], &v[n]))
			continue;
		if (have_re && regexec(&re, v[n].name, 0, NULL, 0) != 0)
			continue;
		if (status != NULL && strcasecmp(status, v[n].status) != 0)
			continue;
		n++;
	}
	qsort(v, n, sizeof *v, os_view_cmp);
	if (marker != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(v[i].id, marker) == 0)
				break;
		}
		if (i == n) {
			os_fault(rq, 400, "marker [%s] not found", marker);
			free(v);
			goto out;
		}
		start = i + 1;
	}

	arr = json_array();
	for (i = start; i < n && count < (size_t)limit; i++, count++) {
		if (detail)
			json_array_append_new(arr, os_server_json(rq, &v[i]));
		else
			json_array_append_new(arr, json_pack("{s:s, s:o, s:s}",
			    "id", v[i].id, "links", os_links(rq, "servers",
			    v[i].id), "name", v[i].name));
	}
	/*
	 * Nova links "next" whenever a page is full, whether the limit was
	 * asked for or is max_limit (1000); the link repeats the query's
	 * limit, if any, and the marker.
	 */
	if (count > 0 && count == (size_t)limit) {
		/*
		 * The request's parameters (filters, limit, sort) with the
		 * marker replaced: nova's ViewBuilder._get_next_link copies
		 * request.params and sets "marker".
		 */
		struct buf	 nq = { 0 };
		const char	*p = rq->q->query, *e;

		while (*p != '\0') {
			e = p + strcspn(p, "&");
			if (e > p && strncmp(p, "marker=", 7) != 0) {
				buf_add(&nq, p, (size_t)(e - p));
				buf_addc(&nq, '&');
			}
			p = *e == '&' ? e + 1 : e;
		}
		buf_printf(&nq, "marker=%s", v[start + count - 1].id);
		url = xasprintf("%s/servers%s?%s", rq->compute,
		    detail ? "/detail" : "", nq.data);
		buf_free(&nq);
		links = json_pack("[{s:s, s:s}]", "href", url, "rel", "next");
		free(url);
		os_send(rq, 200, json_pack("{s:o, s:o}", "servers", arr,
		    "servers_links", links));
	} else
		os_send(rq, 200, json_pack("{s:o}", "servers", arr));
	free(v);
out:
	if (have_re)
		regfree(&re);
	free(name);
	free(status);
	free(limit_s);
	free(marker);
}

static bool
os_is_uuid(const char *s)
{
	size_t	 i;

	if (strlen(s) != 36)
		return (false);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (false);
		} else if (!isxdigit((unsigned char)s[i]))
			return (false);
	}
	return (true);
}

/* The servers this project sees, and their flavors' vcpus and RAM. */
static size_t
os_usage(struct os_req *rq, long long *cores, long long *ram)
{
	const struct os_flavor	*f;
	struct os_view		 v;
	size_t			 i, n = 0;

	*cores = *ram = 0;
	for (i = 0; i < rq->st->nservers; i++) {
		if (!os_view(rq, &rq->st->servers[i], &v))
			continue;
		n++;
		if ((f = os_flavor_id(v.flavor)) != NULL) {
			*cores += f->vcpus;
			*ram += f->ram;
		}
	}
	return (n);
}

static const struct os_image *
os_image_find(const char *id)
{
	size_t	 i;

	for (i = 0; i < nitems(os_images); i++) {
		if (strcmp(os_images[i].id, id) == 0)
			return (&os_images[i]);
	}
	return (NULL);
}

static const struct os_network *
os_network_find(const char *id)
{
	size_t	 i;

	for (i = 0; i < nitems(os_networks); i++) {
		if (strcmp(os_networks[i].id, id) == 0)
			return (&os_networks[i]);
	}
	return (NULL);
}

static struct os_keypair *
os_keypair_find(struct os_state *st, const char *name, size_t *at)
{
	size_t	 i;
	int	 cmp;

	for (i = 0; i < st->nkeypairs; i++) {
		cmp = strcmp(st->keypairs[i].name, name);
		if (cmp == 0) {
			if (at != NULL)
				*at = i;
			return (&st->keypairs[i]);
		}
		if (cmp > 0)
			break;
	}
	if (at != NULL)
		*at = i;
	return (NULL);
}

/*
 * What nova checks of a create's references (0, or -1 after answering):
 * networks by the schema of the microversion (an array only before
 * 2.37: compute/schemas/servers.py base_create; the strings "auto" and
 * "none" from 2.37), each network uuid known to Neutron
 * (NetworkNotFound), the image known to Glance (ImageNotFound), the
 * key pair known (KeypairNotFound -> "Invalid key_name provided.").
 */
static int
os_create_refs(struct os_req *rq, json_t *srv)
{
	json_t		*nets, *e, *u;
	const char	*str;
	size_t		 i;

	nets = json_object_get(srv, "networks");
	if (json_is_string(nets)) {
		str = json_string_value(nets);
		if (rq->version < 37) {
			os_fault(rq, 400, "Invalid input for field/attribute "
			    "networks. Value: %s. '%s' is not of type 'array'",
			    str, str);
			return (-1);
		}
		if (strcmp(str, "auto") != 0 && strcmp(str, "none") != 0) {
			os_fault(rq, 400, "Invalid input for field/attribute "
			    "networks. Value: %s. '%s' is not one of ['none', "
			    "'auto']", str, str);
			return (-1);
		}
	} else if (nets != NULL && !json_is_array(nets)) {
		os_fault(rq, 400, "Invalid input for field/attribute "
		    "networks. Value: %s. is not of type 'array'",
		    json_is_null(nets) ? "None" : "?");
		return (-1);
	}
	json_array_foreach(nets, i, e) {
		u = json_object_get(e, "uuid");
		if (json_is_string(u) &&
		    os_network_find(json_string_value(u)) == NULL) {
			os_fault(rq, 400, "Network %s could not be found.",
			    json_string_value(u));
			return (-1);
		}
		if (json_is_string(json_object_get(e, "port"))) {
			os_fault(rq, 400, "Port %s could not be found.",
			    json_string_value(json_object_get(e, "port")));
			return (-1);
		}
	}
	str = json_string_value(json_object_get(srv, "imageRef"));
	if (str != NULL && os_image_find(str) == NULL) {
		os_fault(rq, 400, "Image %s could not be found.", str);
		return (-1);
	}
	str = json_string_value(json_object_get(srv, "key_name"));
	if (str != NULL && os_keypair_find(rq->st, str, NULL) == NULL) {
		os_fault(rq, 400, "Invalid key_name provided.");
		return (-1);
	}
	return (0);
}

/* A server's user_data (base64, nova caps it at 64 KiB): decoded. */
static char *
os_user_data(json_t *v)
{
	const char	*b64;
	unsigned char	*out;
	size_t		 len;
	int		 n;

	if (!json_is_string(v))
		return (NULL);
	b64 = json_string_value(v);
	len = strlen(b64);
	if (len == 0 || len > 65535 || len % 4 != 0)
		return (NULL);
	out = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)b64,
	    (int)len)) < 0) {
		free(out);
		return (NULL);
	}
	while (len > 0 && b64[len - 1] == '=') {
		len--;
		n--;
	}
	out[n] = '\0';
	return ((char *)out);
}

static void
os_create(struct os_req *rq)
{
	struct os_server	*s;
	json_t			*body, *srv, *v, *meta;
	json_error_t		 err;
	const char		*ct, *missing = NULL, *image, *fail, *name;
	const struct os_flavor	*f;
	struct sim_node		*n;
	char			*dump, *url;
	size_t			 used, quota, i, node;
	long long		 cores, ram;
	int			 old;
	static const char	 pw[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMN"
	    "PQRSTUVWXYZ23456789";

	ct = rq->q->header(rq->q, "Content-Type");
	if (ct != NULL && strncasecmp(ct, "application/json", 16) != 0) {
		os_fault(rq, 415, "Unsupported Content-Type");
		return;
	}
	body = json_loadb(rq->q->body != NULL ? rq->q->body : "",
	    rq->q->bodylen, 0, &err);
	if (body == NULL) {
		os_fault(rq, 400, "Malformed request body");
		return;
	}
	srv = json_object_get(body, "server");
	if (!json_is_object(srv)) {
		dump = json_dumps(body, JSON_COMPACT);
		os_fault(rq, 400, "Invalid input for field/attribute server. "
		    "Value: %s. 'server' is a required property", dump);
		free(dump);
		json_decref(body);
		return;
	}
	if (!json_is_string(json_object_get(srv, "name")))
		missing = "name";
	else if (json_object_get(srv, "flavorRef") == NULL)
		missing = "flavorRef";
	else if (rq->version >= 37 && json_object_get(srv, "networks") == NULL)
		missing = "networks";
	if (missing != NULL) {
		dump = json_dumps(srv, JSON_COMPACT);
		os_fault(rq, 400, "Invalid input for field/attribute server. "
		    "Value: %s. '%s' is a required property", dump, missing);
		free(dump);
		json_decref(body);
		return;
	}
	v = json_object_get(srv, "imageRef");
	image = json_is_string(v) ? json_string_value(v) : NULL;
	if (image == NULL || !os_is_uuid(image)) {
		if (image == NULL)
			os_fault(rq, 400, "Missing imageRef attribute");
		else
			os_fault(rq, 400, "Invalid input for field/attribute "
			    "imageRef. Value: %s. '%s' is not a 'uuid'", image,
			    image);
		json_decref(body);
		return;
	}
	v = json_object_get(srv, "flavorRef");
	f = NULL;
	if (json_is_string(v)) {
		const char *fr = json_string_value(v), *slash;

		/*
		 * An id or a URL ending in one, never a name: nova's
		 * _get_flavor_id_from_href / get_flavor_by_flavor_id,
		 * FlavorNotFound -> "Invalid flavorRef provided."
		 */
		slash = strrchr(fr, '/');
		f = os_flavor_id(slash != NULL ? slash + 1 : fr);
	} else if (json_is_integer(v)) {
		char	 id[24];

		snprintf(id, sizeof id, "%lld",
		    (long long)json_integer_value(v));
		f = os_flavor_id(id);
	}
	if (f == NULL) {
		os_fault(rq, 400, "Invalid flavorRef provided.");
		json_decref(body);
		return;
	}
	if (os_create_refs(rq, srv) != 0) {
		json_decref(body);
		return;
	}
	if (strlen(json_string_value(json_object_get(srv, "name"))) > 255 ||
	    *json_string_value(json_object_get(srv, "name")) == '\0') {
		os_fault(rq, 400, "Invalid input for field/attribute name. "
		    "Value: %s. Invalid server name",
		    json_string_value(json_object_get(srv, "name")));
		json_decref(body);
		return;
	}
	used = os_usage(rq, &cores, &ram);
	quota = rq->w->os_quota_instances > 0 ?
	    (size_t)rq->w->os_quota_instances : rq->st->quota;
	/* nova's OverQuota, as TooManyInstances words it (403) */
	if (used + 1 > quota) {
		os_fault(rq, 403, "Quota exceeded for instances: Requested 1, "
		    "but already used %zu of %zu instances", used, quota);
		json_decref(body);
		return;
	}
	if (rq->w->os_quota_cores > 0 &&
	    cores + f->vcpus > rq->w->os_quota_cores) {
		os_fault(rq, 403, "Quota exceeded for cores: Requested %d, "
		    "but already used %lld of %d cores", f->vcpus, cores,
		    rq->w->os_quota_cores);
		json_decref(body);
		return;
	}
	if (rq->w->os_quota_ram_mb > 0 &&
	    ram + f->ram > rq->w->os_quota_ram_mb) {
		os_fault(rq, 403, "Quota exceeded for ram: Requested %d, "
		    "but already used %lld of %d ram", f->ram, ram,
		    rq->w->os_quota_ram_mb);
		json_decref(body);
		return;
	}

	v = json_object_get(srv, "user_data");
	if (v != NULL && !json_is_null(v)) {
		char	*ud = os_user_data(v);

		if (ud == NULL) {
			os_fault(rq, 400, "User data needs to be valid base "
			    "64.");
			json_decref(body);
			return;
		}
		free(ud);
	}

	/* The new VM is a node of the world, registered nowhere yet. */
	node = sim_world_add_node(rq->w);
	n = &rq->w->nodes[node];
	name = json_string_value(json_object_get(srv, "name"));
	/*
	 * A name whose VM was deleted is free again (scale in, then out):
	 * the old node keeps its history under another name.
	 */
	if ((old = sim_node_by_name(rq->w, name)) >= 0 &&
	    strcmp(rq->w->nodes[old].vm_status, "DELETED") == 0) {
		char	 gone[sizeof n->name];

		snprintf(gone, sizeof gone, "gone%d-%s", old, name);
		snprintf(rq->w->nodes[old].name,
		    sizeof rq->w->nodes[old].name, "%s", gone);
		snprintf(rq->w->nodes[old].fqdn,
		    sizeof rq->w->nodes[old].fqdn, "%s.localhost", gone);
	}
	if (strlen(name) < sizeof n->name && sim_node_by_name(rq->w, name) < 0 &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
	    strlen(name)) {
		snprintf(n->name, sizeof n->name, "%s", name);
		snprintf(n->fqdn, sizeof n->fqdn, "%s.localhost", name);
	}
	snprintf(n->flavor, sizeof n->flavor, "%s", f->name);
	n->scaled = true;
	n->vm_created_ms = rq->w->now_ms;
	n->vm_ready_ms = rq->w->now_ms + (rq->w->os_boot_ms >= 0 ?
	    rq->w->os_boot_ms : OS_BUILD_MS);
	snprintf(n->vm_status, sizeof n->vm_status, "BUILD");
	(void)os_state(rq->w);
	s = &rq->st->servers[rq->st->nservers - 1];
	snprintf(s->id, sizeof s->id, "%s", n->vm_id);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->image, sizeof s->image, "%s", image);
	v = json_object_get(srv, "key_name");
	if (json_is_string(v))
		snprintf(s->key_name, sizeof s->key_name, "%s",
		    json_string_value(v));
	meta = json_object_get(srv, "metadata");
	json_decref(s->metadata);
	s->metadata = json_is_object(meta) ? json_deep_copy(meta) :
	    json_object();
	v = json_object_get(s->metadata, "bbbctl-sim-fault");
	fail = json_is_string(v) ? json_string_value(v) : "";
	s->fail = strcmp(fail, "error") == 0;
	s->fail = s->fail || (rq->w->os_vm_fault & SIM_NODE_ERROR) != 0;
	n->sim_fault = rq->w->os_vm_fault | (s->fail ? SIM_NODE_ERROR : 0) |
	    (strcmp(fail, "noregister") == 0 ? SIM_NODE_NOREGISTER : 0) |
	    (strcmp(fail, "unhealthy") == 0 ? SIM_NODE_UNHEALTHY : 0);
	free(s->user_data);
	s->user_data = os_user_data(json_object_get(srv, "user_data"));
	for (i = 0; i < 12; i++)
		s->admin_pass[i] = pw[(int)(sim_rand(rq->w) * (sizeof pw - 1))];
	s->admin_pass[12] = '\0';

	url = xasprintf("%s/servers/%s", rq->compute, s->id);
	os_send(rq, 202, json_pack("{s:{s:s, s:o, s:s, s:[{s:s}], s:s}}",
	    "server", "id", s->id, "links", os_links(rq, "servers", s->id),
	    "OS-DCF:diskConfig", "MANUAL", "security_groups", "name",
	    "default", "adminPass", s->admin_pass));
	sim_resp_header(rq->r, "Location", url);
	free(url);
	json_decref(body);
}

static void
os_delete(struct os_req *rq, struct os_server *s)
{
	struct sim_node	*n;

	if (s->delete_at_ms == 0) {
		s->delete_at_ms = rq->w->now_ms + OS_DELETE_MS;
		if (s->node >= 0 && (size_t)s->node < rq->w->nnodes) {
			/* The VM is going: so is the BBB node on it. */
			n = &rq->w->nodes[s->node];
			n->up = false;
			n->exporter_up = false;
			snprintf(n->agent_state, sizeof n->agent_state,
			    "disconnected");
			sim_world_end_meetings(rq->w, (size_t)s->node);
		}
	}
	/* nova's wsgi adds the version headers to every answer, 204 too */
	os_send_empty(rq, 204);
}

/* A flavor as flavors/detail and flavors/{id} show it, by microversion. */
static json_t *
os_flavor_detail(struct os_req *rq, const struct os_flavor *f, bool detail)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:o}", "id", f->id, "name", f->name,
	    "links", os_links(rq, "flavors", f->id));
	if (rq->version >= 55)
		json_object_set_new(o, "description", json_null());
	if (!detail)
		return (o);
	json_object_set_new(o, "vcpus", json_integer(f->vcpus));
	json_object_set_new(o, "ram", json_integer(f->ram));
	json_object_set_new(o, "disk", json_integer(f->disk));
	json_object_set_new(o, "OS-FLV-EXT-DATA:ephemeral", json_integer(0));
	/* swap: "" for none before 2.75, 0 from 2.75 */
	json_object_set_new(o, "swap", rq->version >= 75 ? json_integer(0) :
	    json_string(""));
	json_object_set_new(o, "os-flavor-access:is_public", json_true());
	if (rq->version < 102) {
		json_object_set_new(o, "rxtx_factor", json_real(1.0));
		json_object_set_new(o, "OS-FLV-DISABLED:disabled",
		    json_false());
	}
	if (rq->version >= 61)
		json_object_set_new(o, "extra_specs", json_object());
	return (o);
}

static void
os_flavor_list(struct os_req *rq, bool detail)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < nitems(os_flavors); i++)
		json_array_append_new(arr, os_flavor_detail(rq, &os_flavors[i],
		    detail));
	os_send(rq, 200, json_pack("{s:o}", "flavors", arr));
}

/* GET /flavors/{id} and /flavors/{id}/os-extra_specs. */
static void
os_flavor_show(struct os_req *rq, const char *rest)
{
	const struct os_flavor	*f;
	const char		*slash;
	char			 id[32];
	size_t			 n;

	slash = strchr(rest, '/');
	n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n >= sizeof id) {
		os_fault(rq, 404, "The resource could not be found.");
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	if (strcmp(rq->q->method, "GET") != 0) {
		os_fault(rq, 405, "The method is not allowed.");
		return;
	}
	if ((f = os_flavor_id(id)) == NULL) {
		os_fault(rq, 404, "Flavor %s could not be found.", id);
		return;
	}
	if (slash == NULL)
		os_send(rq, 200, json_pack("{s:o}", "flavor",
		    os_flavor_detail(rq, f, true)));
	else if (strcmp(slash, "/os-extra_specs") == 0)
		os_send(rq, 200, json_pack("{s:{}}", "extra_specs"));
	else
		os_fault(rq, 404, "The resource could not be found.");
}

/*
 * GET /limits: the absolute limits (nova/api/openstack/compute/views/
 * limits.py; keys by microversion as rest_api_version_history.rst says:
 * 2.36 drops the network ones, 2.39 maxImageMeta, 2.57 the personality
 * ones).  The sim enforces the instances, cores, RAM and key pairs
 * quotas; cores and RAM are unlimited (-1) unless --quota-cores and
 * --quota-ram set them, their use is counted.
 */
static void
os_limits(struct os_req *rq)
{
	json_t			*a;
	size_t			 quota;
	long long		 n, cores, ram;

	n = (long long)os_usage(rq, &cores, &ram);
	quota = rq->w->os_quota_instances > 0 ?
	    (size_t)rq->w->os_quota_instances : rq->st->quota;
	a = json_pack("{s:I, s:I, s:i, s:I, s:i, s:I, s:i, s:i, s:i, s:i, "
	    "s:i, s:i}",
	    "maxTotalInstances", (json_int_t)quota, "totalInstancesUsed",
	    (json_int_t)n, "maxTotalCores", rq->w->os_quota_cores > 0 ?
	    rq->w->os_quota_cores : -1, "totalCoresUsed",
	    (json_int_t)cores, "maxTotalRAMSize", rq->w->os_quota_ram_mb > 0 ?
	    rq->w->os_quota_ram_mb : -1, "totalRAMUsed",
	    (json_int_t)ram, "maxTotalKeypairs", OS_MAX_KEYPAIRS,
	    "maxServerMeta", 128, "maxServerGroups", 10,
	    "maxServerGroupMembers", 10, "totalServerGroupsUsed", 0,
	    "maxImageMeta", 128);
	if (rq->version >= 39)
		json_object_del(a, "maxImageMeta");
	if (rq->version < 36) {
		json_object_set_new(a, "maxSecurityGroups", json_integer(10));
		json_object_set_new(a, "maxSecurityGroupRules",
		    json_integer(20));
		json_object_set_new(a, "maxTotalFloatingIps",
		    json_integer(10));
		json_object_set_new(a, "totalSecurityGroupsUsed",
		    json_integer(1));
		json_object_set_new(a, "totalFloatingIpsUsed",
		    json_integer(0));
	}
	if (rq->version < 57) {
		json_object_set_new(a, "maxPersonality", json_integer(5));
		json_object_set_new(a, "maxPersonalitySize",
		    json_integer(10240));
	}
	os_send(rq, 200, json_pack("{s:{s:[], s:o}}", "limits", "rate",
	    "absolute", a));
}

/* --- os-keypairs ---------------------------------------------------------- */

static json_t *
os_keypair_json(struct os_req *rq, const struct os_keypair *k, bool full)
{
	json_t	*o;
	char	 d[32];

	o = json_pack("{s:s, s:s, s:s}", "name", k->name, "public_key",
	    k->public_key, "fingerprint", k->fingerprint);
	if (rq->version >= 2)
		json_object_set_new(o, "type", json_string(k->type));
	if (!full)
		return (o);
	json_object_set_new(o, "user_id", json_string(OS_USER_ID));
	json_object_set_new(o, "created_at", json_string(os_date(k->created_ms,
	    1, d, sizeof d)));
	json_object_set_new(o, "deleted", json_false());
	json_object_set_new(o, "deleted_at", json_null());
	json_object_set_new(o, "updated_at", json_null());
	json_object_set_new(o, "id", json_integer(k->id));
	return (o);
}

/* A key pair name as nova's schema takes it (parameter_types.py). */
static bool
os_keypair_name_ok(struct os_req *rq, const char *name)
{
	const char	*ok = rq->version >= 92 ?
	    "_- abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "@." : "_- abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789";
	size_t		 n = strlen(name);

	return (n >= 1 && n <= 255 && strspn(name, ok) == n &&
	    name[0] != ' ' && name[n - 1] != ' ');
}

/* An SSH wire string or mpint (RFC 4251 §5) appended to b. */
static void
os_ssh_put(struct buf *b, const unsigned char *p, size_t n, bool mpint)
{
	unsigned char	 len[4];
	bool		 pad = mpint && n > 0 && (p[0] & 0x80);
	size_t		 total = n + (pad ? 1 : 0);

	len[0] = (unsigned char)(total >> 24);
	len[1] = (unsigned char)(total >> 16);
	len[2] = (unsigned char)(total >> 8);
	len[3] = (unsigned char)total;
	buf_add(b, (const char *)len, 4);
	if (pad)
		buf_addc(b, '\0');
	buf_add(b, (const char *)p, n);
}

/*
 * A key pair made by the server, as nova did before 2.92 (nova/crypto.py
 * generate_key_pair: RSA 2048, the private key in PEM, the public key
 * "ssh-rsa ... Generated-by-Nova").  0, or -1.
 */
static int
os_keypair_generate(char **pub, char **priv)
{
	EVP_PKEY	*pk;
	BIGNUM		*n = NULL, *e = NULL;
	BIO		*bio = NULL;
	struct buf	 blob = { 0 };
	unsigned char	*bn = NULL;
	char		*mem, *b64;
	long		 len;
	int		 rc = -1, bl;

	if ((pk = EVP_RSA_gen(2048)) == NULL)
		return (-1);
	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		goto out;
	os_ssh_put(&blob, (const unsigned char *)"ssh-rsa", 7, false);
	bn = xmalloc((size_t)BN_num_bytes(n) + 1);
	bl = BN_bn2bin(e, bn);
	os_ssh_put(&blob, bn, (size_t)bl, true);
	bl = BN_bn2bin(n, bn);
	os_ssh_put(&blob, bn, (size_t)bl, true);
	b64 = sim_base64(blob.data, blob.len);
	*pub = xasprintf("ssh-rsa %s Generated-by-Nova", b64);
	free(b64);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey_traditional(bio, pk, NULL, NULL, 0, NULL,
	    NULL) != 1) {
		free(*pub);
		goto out;
	}
	len = BIO_get_mem_data(bio, &mem);
	*priv = xstrndup(mem, (size_t)len);
	rc = 0;
out:
	BIO_free(bio);
	free(bn);
	buf_free(&blob);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(pk);
	return (rc);
}

static void
os_keypair_create(struct os_req *rq)
{
	struct os_keypair	*k;
	json_t			*body, *kp, *v;
	const char		*name, *pub, *type = "ssh";
	char			 fp[64], *gen_pub = NULL, *gen_priv = NULL;
	size_t			 at;

	body = json_loadb(rq->q->body != NULL ? rq->q->body : "",
	    rq->q->bodylen, 0, NULL);
	kp = json_object_get(body, "keypair");
	name = json_string_value(json_object_get(kp, "name"));
	if (!json_is_object(kp) || name == NULL) {
		os_fault(rq, 400, "Invalid input for field/attribute keypair. "
		    "'name' is a required property");
		goto out;
	}
	if (!os_keypair_name_ok(rq, name)) {
		os_fault(rq, 400, "Invalid input for field/attribute name. "
		    "Value: %s. '%s' does not match the name pattern", name,
		    name);
		goto out;
	}
	if (rq->version >= 2 && (v = json_object_get(kp, "type")) != NULL) {
		type = json_string_value(v);
		if (type == NULL || (strcmp(type, "ssh") != 0 &&
		    strcmp(type, "x509") != 0)) {
			os_fault(rq, 400, "Invalid input for field/attribute "
			    "type. 'ssh' or 'x509' expected");
			goto out;
		}
	}
	pub = json_string_value(json_object_get(kp, "public_key"));
	if (pub == NULL && rq->version >= 92) {
		os_fault(rq, 400, "Invalid input for field/attribute keypair. "
		    "'public_key' is a required property");
		goto out;
	}
	if (os_keypair_find(rq->st, name, &at) != NULL) {
		os_fault(rq, 409, "Key pair '%s' already exists.", name);
		goto out;
	}
	if (pub == NULL) {
		if (os_keypair_generate(&gen_pub, &gen_priv) != 0) {
			os_fault(rq, 500, "Unexpected API Error.");
			goto out;
		}
		pub = gen_pub;
	}
	if (os_fingerprint(pub, fp, sizeof fp) != 0) {
		os_fault(rq, 400, "Keypair data is invalid: failed to "
		    "generate fingerprint");
		goto out;
	}
	if (rq->st->nkeypairs >= OS_MAX_KEYPAIRS) {
		os_fault(rq, 403, "Quota exceeded, too many key pairs.");
		goto out;
	}
	k = os_keypair_add(rq->w, rq->st, name, pub, type, at);
	v = os_keypair_json(rq, k, false);
	json_object_set_new(v, "user_id", json_string(OS_USER_ID));
	if (gen_priv != NULL)
		json_object_set_new(v, "private_key", json_string(gen_priv));
	/* 200 at 2.1, 201 from 2.2 (compute/keypairs.py) */
	os_send(rq, rq->version >= 2 ? 201 : 200, json_pack("{s:o}",
	    "keypair", v));
out:
	free(gen_pub);
	freezero_str(gen_priv);
	json_decref(body);
}

static void
os_keypairs(struct os_req *rq, const char *rest)
{
	struct os_keypair	*k;
	json_t			*arr;
	const char		*m = rq->q->method;
	size_t			 i, at;

	if (*rest == '\0') {
		if (strcmp(m, "POST") == 0)
			os_keypair_create(rq);
		else if (strcmp(m, "GET") == 0) {
			arr = json_array();
			for (i = 0; i < rq->st->nkeypairs; i++)
				json_array_append_new(arr, json_pack("{s:o}",
				    "keypair", os_keypair_json(rq,
				    &rq->st->keypairs[i], false)));
			os_send(rq, 200, json_pack("{s:o}", "keypairs", arr));
		} else
			os_fault(rq, 405, "The method is not allowed.");
		return;
	}
	if (*rest++ != '/' || strchr(rest, '/') != NULL) {
		os_fault(rq, 404, "The resource could not be found.");
		return;
	}
	if ((k = os_keypair_find(rq->st, rest, &at)) == NULL) {
		os_fault(rq, 404, "Keypair %s not found for user %s", rest,
		    OS_USER_ID);
		return;
	}
	if (strcmp(m, "GET") == 0)
		os_send(rq, 200, json_pack("{s:o}", "keypair",
		    os_keypair_json(rq, k, true)));
	else if (strcmp(m, "DELETE") == 0) {
		free(k->name);
		free(k->public_key);
		memmove(&rq->st->keypairs[at], &rq->st->keypairs[at + 1],
		    (rq->st->nkeypairs - at - 1) * sizeof *rq->st->keypairs);
		rq->st->nkeypairs--;
		/* 202 at 2.1, 204 from 2.2 */
		os_send_empty(rq, rq->version >= 2 ? 204 : 202);
	} else
		os_fault(rq, 405, "The method is not allowed.");
}

/* --- glance and neutron listings ----------------------------------------- */

static json_t *
os_image_json(const struct os_image *im)
{
	json_t	*o;
	char	*self, *file;

	self = xasprintf("/v2/images/%s", im->id);
	file = xasprintf("/v2/images/%s/file", im->id);
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:I, s:n, "
	    "s:i, s:i, s:s, s:s, s:[], s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", im->id, "name", im->name, "status", "active", "visibility",
	    "public", "protected", 0, "os_hidden", 0, "disk_format", "qcow2",
	    "container_format", "bare", "size", (json_int_t)im->size,
	    "virtual_size", "min_disk", 0, "min_ram", 0, "owner",
	    OS_PROJECT_ID, "checksum", "ba3cd24377dde5dfdd58728894004abb",
	    "tags", "created_at", im->created, "updated_at", im->created,
	    "os_hash_algo", "sha512", "os_hash_value", "", "self", self,
	    "file", file, "schema", "/v2/schemas/image");
	free(self);
	free(file);
	return (o);
}

/* Glance v2: GET /v2/images[?name=&status=&visibility=&limit=&marker=] */
static void
os_glance(struct os_req *rq, const char *path)
{
	json_t		*arr, *o;
	char		*name, *status, *vis, *limit_s, *marker;
	const char	*cause;
	long long	 limit = 25;
	size_t		 i, start = 0, n = 0;

	if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
		/* glance's version negotiation answers 300 at the root */
		name = xasprintf("%s/image/v2/", rq->base);
		o = json_pack("{s:[{s:s, s:s, s:[{s:s, s:s}]}]}", "versions",
		    "id", "v2.15", "status", "CURRENT", "links", "rel", "self",
		    "href", name);
		free(name);
		os_send(rq, 300, o);
		return;
	}
	if (!os_token_ok(rq)) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		return;
	}
	if (strncmp(path, "/v2/images/", 11) == 0) {
		for (i = 0; i < nitems(os_images); i++) {
			if (strcmp(os_images[i].id, path + 11) == 0) {
				os_send(rq, 200, os_image_json(&os_images[i]));
				return;
			}
		}
		os_send(rq, 404, json_pack("{s:s, s:s, s:s}", "code",
		    "404 Not Found", "title", "Not Found", "message",
		    "No image found with ID"));
		return;
	}
	if (strcmp(path, "/v2/images") != 0) {
		os_send(rq, 404, json_pack("{s:s, s:s, s:s}", "code",
		    "404 Not Found", "title", "Not Found", "message",
		    "The resource could not be found."));
		return;
	}
	name = sim_query_get(rq->q->query, "name");
	status = sim_query_get(rq->q->query, "status");
	vis = sim_query_get(rq->q->query, "visibility");
	limit_s = sim_query_get(rq->q->query, "limit");
	marker = sim_query_get(rq->q->query, "marker");
	if (limit_s != NULL && util_parse_ll(limit_s, 0, 1000, &limit,
	    &cause) != 0)
		limit = 1000;
	if (marker != NULL) {
		for (i = 0; i < nitems(os_images); i++) {
			if (strcmp(os_images[i].id, marker) == 0)
				break;
		}
		start = i + 1;
	}
	arr = json_array();
	for (i = start; i < nitems(os_images) && n < (size_t)limit; i++) {
		if (name != NULL && strcmp(name, os_images[i].name) != 0)
			continue;
		if (status != NULL && strcmp(status, "active") != 0)
			continue;
		if (vis != NULL && strcmp(vis, "public") != 0 &&
		    strcmp(vis, "all") != 0)
			continue;
		json_array_append_new(arr, os_image_json(&os_images[i]));
		n++;
	}
	o = json_pack("{s:o, s:s, s:s}", "images", arr, "schema",
	    "/v2/schemas/images", "first", "/v2/images");
	if (n == (size_t)limit && i < nitems(os_images)) {
		free(marker);
		marker = xasprintf("/v2/images?marker=%s&limit=%lld",
		    json_string_value(json_object_get(json_array_get(arr,
		    n - 1), "id")), limit);
		json_object_set_new(o, "next", json_string(marker));
	}
	os_send(rq, 200, o);
	free(name);
	free(status);
	free(vis);
	free(limit_s);
	free(marker);
}

static json_t *
os_network_json(const struct os_network *nw)
{
	return (json_pack("{s:s, s:s, s:s, s:[s], s:b, s:b, s:i, s:s, s:s, "
	    "s:b, s:[s], s:n, s:n, s:b, s:s, s:s, s:i, s:[], s:s, s:s, s:b}",
	    "id", nw->id, "name", nw->name, "status", "ACTIVE", "subnets",
	    nw->subnet, "shared", 0, "router:external", nw->external, "mtu",
	    1500, "project_id", OS_PROJECT_ID, "tenant_id", OS_PROJECT_ID,
	    "admin_state_up", 1, "availability_zones", "nova",
	    "ipv4_address_scope", "ipv6_address_scope",
	    "port_security_enabled", 1, "created_at", "2024-03-11T09:10:02Z",
	    "updated_at", "2024-03-11T09:10:02Z", "revision_number", 1,
	    "tags", "description", "", "availability_zone_hints", "",
	    "is_default", 0));
}

/* Neutron v2.0: GET /v2.0/networks[?name=&id=&router:external=]. */
static void
os_neutron(struct os_req *rq, const char *path)
{
	json_t		*arr;
	char		*name, *id, *ext;
	size_t		 i;

	if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
		name = xasprintf("%s/network/v2.0/", rq->base);
		os_send(rq, 200, json_pack("{s:[{s:s, s:s, s:[{s:s, s:s}]}]}",
		    "versions", "id", "v2.0", "status", "CURRENT", "links",
		    "href", name, "rel", "self"));
		free(name);
		return;
	}
	if (!os_token_ok(rq)) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		return;
	}
	if (strncmp(path, "/v2.0/networks/", 15) == 0) {
		for (i = 0; i < nitems(os_networks); i++) {
			if (strcmp(os_networks[i].id, path + 15) == 0) {
				os_send(rq, 200, json_pack("{s:o}", "network",
				    os_network_json(&os_networks[i])));
				return;
			}
		}
		name = xasprintf("Network %s could not be found.", path + 15);
		os_send(rq, 404, json_pack("{s:{s:s, s:s, s:s}}",
		    "NeutronError", "type", "NetworkNotFound", "message", name,
		    "detail", ""));
		free(name);
		return;
	}
	if (strcmp(path, "/v2.0/networks") != 0) {
		os_send(rq, 404, json_pack("{s:{s:s, s:s, s:s}}",
		    "NeutronError", "type", "HTTPNotFound", "message",
		    "The resource could not be found.", "detail", ""));
		return;
	}
	name = sim_query_get(rq->q->query, "name");
	id = sim_query_get(rq->q->query, "id");
	ext = sim_query_get(rq->q->query, "router:external");
	arr = json_array();
	for (i = 0; i < nitems(os_networks); i++) {
		if (name != NULL && strcmp(name, os_networks[i].name) != 0)
			continue;
		if (id != NULL && strcmp(id, os_networks[i].id) != 0)
			continue;
		if (ext != NULL && (strcasecmp(ext, "true") == 0) !=
		    os_networks[i].external)
			continue;
		json_array_append_new(arr, os_network_json(&os_networks[i]));
	}
	os_send(rq, 200, json_pack("{s:o}", "networks", arr));
	free(name);
	free(id);
	free(ext);
}

/* --- version documents --------------------------------------------------- */

/* Nova's v2.1 version (nova/api/openstack/compute/versions.py). */
static json_t *
os_nova_version(struct os_req *rq)
{
	json_t	*v;
	char	*self, *ver;

	self = xasprintf("%s/compute/v2.1/", rq->base);
	ver = xasprintf("2.%d", OS_MAX_VERSION);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}, "
	    "{s:s, s:s, s:s}], s:[{s:s, s:s}]}",
	    "id", "v2.1", "status", "CURRENT", "version", ver, "min_version",
	    "2.1", "updated", "2013-07-23T11:33:21Z", "links", "rel", "self",
	    "href", self, "rel", "describedby", "type", "text/html", "href",
	    "http://docs.openstack.org/", "media-types", "base",
	    "application/json", "type",
	    "application/vnd.openstack.compute+json;version=2.1");
	free(self);
	free(ver);
	return (v);
}

/* Keystone's v3 version (keystone/api/discovery.py). */
static json_t *
os_keystone_version(struct os_req *rq)
{
	json_t	*v;
	char	*self;

	self = xasprintf("%s/v3/", rq->base);
	v = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}]}",
	    "id", "v3.14", "status", "stable", "updated",
	    "2020-04-07T00:00:00Z", "links", "rel", "self", "href", self,
	    "media-types", "base", "application/json", "type",
	    "application/vnd.openstack.identity-v3+json");
	free(self);
	return (v);
}

/* The microversion asked for; -1 after answering an error. */
static int
os_microversion(struct os_req *rq)
{
	const char	*h, *p;
	int		 major, minor;
	char		 tail;

	h = rq->q->header(rq->q, "OpenStack-API-Version");
	if (h != NULL) {
		while (*h == ' ')
			h++;
		if (strncasecmp(h, "compute", 7) != 0)
			return (1);
		p = h + 7;
		while (*p == ' ')
			p++;
	} else if ((p = rq->q->header(rq->q,
	    "X-OpenStack-Nova-API-Version")) == NULL)
		return (1);
	if (strcasecmp(p, "latest") == 0)
		return (OS_MAX_VERSION);
	if (sscanf(p, "%d.%d%c", &major, &minor, &tail) != 2 || major < 0 ||
	    minor < 0) {
		rq->version = 1;
		os_fault(rq, 400, "API Version String %s is of invalid format. "
		    "Must be of format MajorNum.MinorNum.", p);
		return (-1);
	}
	if (major != 2 || minor < 1 || minor > OS_MAX_VERSION) {
		rq->version = 1;
		os_fault(rq, 406, "Version %d.%d is not supported by the API. "
		    "Minimum is 2.1 and maximum is 2.%d.", major, minor,
		    OS_MAX_VERSION);
		return (-1);
	}
	return (minor);
}

static void
os_nova(struct os_req *rq, const char *path)
{
	struct os_server	*s;
	struct os_view		 v;
	const char		*m = rq->q->method;
	char			 id[64];
	size_t			 n;

	if ((rq->version = os_microversion(rq)) < 0)
		return;
	rq->version = rq->version < 1 ? 1 : rq->version;
	/* the version document needs no token (versions.py) */
	if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
		os_send(rq, 200, json_pack("{s:o}", "version",
		    os_nova_version(rq)));
		return;
	}
	if (!os_token_ok(rq)) {
		os_ks_error(rq, 401, "Unauthorized",
		    "The request you have made requires authentication.");
		return;
	}
	if (strcmp(path, "/servers") == 0) {
		if (strcmp(m, "GET") == 0)
			os_list(rq, false);
		else if (strcmp(m, "POST") == 0)
			os_create(rq);
		else
			os_fault(rq, 405, "The method is not allowed.");
		return;
	}
	if (strcmp(path, "/servers/detail") == 0 && strcmp(m, "GET") == 0) {
		os_list(rq, true);
		return;
	}
	if (strcmp(path, "/flavors") == 0 || strcmp(path, "/flavors/detail") ==
	    0) {
		os_flavor_list(rq, path[8] == '/');
		return;
	}
	if (strncmp(path, "/flavors/", 9) == 0) {
		os_flavor_show(rq, path + 9);
		return;
	}
	if (strcmp(path, "/limits") == 0 && strcmp(m, "GET") == 0) {
		os_limits(rq);
		return;
	}
	if (strncmp(path, "/os-keypairs", 12) == 0) {
		os_keypairs(rq, path + 12);
		return;
	}
	if (strncmp(path, "/servers/", 9) == 0) {
		n = strlen(path + 9);
		if (n == 0 || n >= sizeof id || strchr(path + 9, '/') != NULL) {
			os_fault(rq, 404, "The resource could not be found.");
			return;
		}
		memcpy(id, path + 9, n + 1);
		if ((s = os_find(rq, id, &v)) == NULL) {
			os_fault(rq, 404, "Instance %s could not be found.", id);
			return;
		}
		if (strcmp(m, "GET") == 0)
			os_send(rq, 200, json_pack("{s:o}", "server",
			    os_server_json(rq, &v)));
		else if (strcmp(m, "DELETE") == 0)
			os_delete(rq, s);
		else
			os_fault(rq, 405, "The method is not allowed.");
		return;
	}
	os_fault(rq, 404, "The resource could not be found.");
}

void
sim_openstack_handle(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	struct os_req	 rq;
	char		*u;

	memset(&rq, 0, sizeof rq);
	rq.w = w;
	rq.q = q;
	rq.r = r;
	rq.st = os_state(w);
	rq.version = 1;
	if (q->host != NULL && *q->host != '\0')
		rq.base = xasprintf("http://%s", q->host);
	else
		rq.base = sim_url(w, SIM_OPENSTACK);
	u = sim_url(w, SIM_OPENSTACK);
	/* The catalog names this daemon as the listener sees it. */
	rq.compute = xasprintf("%s/compute/v2.1", u);
	free(u);

	if (strcmp(q->path, "/v3/auth/tokens") == 0)
		os_auth_tokens(&rq);
	else if (strcmp(q->path, "/v3") == 0 || strcmp(q->path, "/v3/") == 0)
		os_send(&rq, 200, json_pack("{s:o}", "version",
		    os_keystone_version(&rq)));
	else if (strcmp(q->path, "/") == 0)
		/* keystone's root: 300 Multiple Choices */
		os_send(&rq, 300, json_pack("{s:{s:[o]}}", "versions",
		    "values", os_keystone_version(&rq)));
	else if (strcmp(q->path, "/compute") == 0 ||
	    strcmp(q->path, "/compute/") == 0) {
		json_t	*v = os_nova_version(&rq);

		json_object_del(v, "media-types");
		os_send(&rq, 200, json_pack("{s:[o]}", "versions", v));
	} else if (strncmp(q->path, "/image", 6) == 0 &&
	    (q->path[6] == '/' || q->path[6] == '\0'))
		os_glance(&rq, q->path + 6);
	else if (strncmp(q->path, "/network", 8) == 0 &&
	    (q->path[8] == '/' || q->path[8] == '\0'))
		os_neutron(&rq, q->path + 8);
	else if (strncmp(q->path, "/compute/v2.1", 13) == 0 &&
	    (q->path[13] == '/' || q->path[13] == '\0'))
		os_nova(&rq, q->path + 13);
	else
		os_ks_error(&rq, 404, "Not Found", "The resource could not be "
		    "found.");
	free(rq.base);
	free(rq.compute);
}
