/*
 * bench-refresh.c: the CPU time of one full refresh of the fleet model
 * (decode every source's answer + join + problems) at N nodes, measured
 * in-process with CLOCK_PROCESS_CPUTIME_ID.
 *
 *   bench-refresh [-n NODES] [-r ROUNDS] [-d DIR]
 *
 * The answers are written here in the wire formats of the reference
 * (consul health, one Prometheus vector per query, scalelite getServers,
 * getMeetings, Rancher stacks/services/hosts, Nova servers/detail), with
 * every tenth node in some trouble so that the rules have work to do.
 * With -d DIR the answers are read from DIR instead (files consul.json,
 * prom-<name>.json, getservers.json, getmeetings.xml, stacks.json,
 * services.json, hosts.json, servers.json; further pages as
 * stacks.2.json ...; each node's getMeetings as node-1.xml ...), e.g. as
 * fetched from bbbctl-sim.  Prints one line of figures.
 *
 * With -s (steady) it replays two answer sets, A (DIR) and B (DIR/next,
 * fetched a refresh later; without -d generated with other Prometheus
 * and scalelite figures) through the pollers' own path (backend/memo.h:
 * the hash check, decoding what changed, apply or fleet_touch_source()),
 * and prints the cold refresh (a new model: everything decoded), the
 * steady one (A, B, A, ... on one model), the applies alone, and the
 * throughput of util_hash64().
 */
#include <sys/resource.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "fleet.h"
#include "problems.h"
#include "prom-queries.h"
#include "util.h"

#define BENCH_PAGES	16

struct answers {
	struct buf	 consul;
	struct buf	 prom[32];
	const char	*prom_name[32];
	size_t		 nprom;
	struct buf	 servers;
	struct buf	 meetings;
	struct buf	 stacks[BENCH_PAGES];	/* pages */
	struct buf	 services[BENCH_PAGES];
	struct buf	 hosts[BENCH_PAGES];
	struct buf	 nova[BENCH_PAGES];
	struct buf	*nodes;		/* per-node getMeetings */
	size_t		 nnodes;
};

static double
cpu_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static void
gen_consul(struct buf *b, int n)
{
	int	 i;

	buf_adds(b, "[");
	for (i = 1; i <= n; i++) {
		buf_printf(b, "%s{\"Node\":{\"ID\":\"id-%d\",\"Node\":"
		    "\"bbb-%04d\",\"Address\":\"10.1.%d.%d\",\"Datacenter\":"
		    "\"dc1\",\"TaggedAddresses\":{},\"Meta\":{},\"CreateIndex\":"
		    "12,\"ModifyIndex\":40},\"Service\":{\"ID\":\"bbb-%04d-bbb\","
		    "\"Service\":\"bbb\",\"Tags\":[\"bbb\"],\"Address\":"
		    "\"bbb-%04d.bbb.example.com\",\"Meta\":{},\"Port\":443},"
		    "\"Checks\":[{\"Node\":\"bbb-%04d\",\"CheckID\":"
		    "\"serfHealth\",\"Name\":\"Serf Health Status\",\"Status\":"
		    "\"passing\",\"Notes\":\"\",\"Output\":\"Agent alive and "
		    "reachable\",\"ServiceID\":\"\",\"ServiceName\":\"\"},"
		    "{\"Node\":\"bbb-%04d\",\"CheckID\":\"service:bbb-%04d-bbb\","
		    "\"Name\":\"BBB API\",\"Status\":\"%s\",\"Notes\":\"\","
		    "\"Output\":\"HTTP GET: 200 OK\",\"ServiceID\":"
		    "\"bbb-%04d-bbb\",\"ServiceName\":\"bbb\"}]}",
		    i > 1 ? "," : "", i, i, i / 250, i % 250, i, i, i, i, i,
		    i % 50 == 7 ? "critical" : "passing", i);
	}
	buf_adds(b, "]");
}

static void
gen_prom(struct buf *b, const char *name, int n, int shift)
{
	double	 v;
	int	 i, port;

	port = strcmp(name, "cpu") == 0 || strcmp(name, "mem") == 0 ||
	    strncmp(name, "net", 3) == 0 || strcmp(name, "load1") == 0 ?
	    9100 : 9688;
	buf_adds(b, "{\"status\":\"success\",\"data\":{\"resultType\":"
	    "\"vector\",\"result\":[");
	for (i = 1; i <= n; i++) {
		if (strcmp(name, "up") == 0) {
			buf_printf(b, "%s{\"metric\":{\"__name__\":\"up\","
			    "\"instance\":\"bbb-%04d:9100\",\"job\":\"node\"},"
			    "\"value\":[1764110000.123,\"1\"]},"
			    "{\"metric\":{\"__name__\":\"up\",\"instance\":"
			    "\"bbb-%04d:9688\",\"job\":\"bbb\"},\"value\":"
			    "[1764110000.123,\"%d\"]}", i > 1 ? "," : "", i, i,
			    i % 40 == 3 ? 0 : 1);
			continue;
		}
		if (strcmp(name, "cpu") == 0)
			v = i % 30 == 5 ? 97.5 : 20 + (i % 50);
		else if (strcmp(name, "mem") == 0)
			v = 30 + (i % 40);
		else if (strcmp(name, "api_up") == 0)
			v = i % 70 == 9 ? 0 : 1;
		else
			v = (i * 7) % 300;
		if (strcmp(name, "cpu") == 0 || strcmp(name, "participants")
		    == 0)
			v += shift;
		buf_printf(b, "%s{\"metric\":{\"instance\":\"bbb-%04d:%d\"},"
		    "\"value\":[1764110000.123,\"%g\"]}", i > 1 ? "," : "", i,
		    port, v);
	}
	buf_adds(b, "]}}");
}

static void
gen_servers(struct buf *b, int n, int shift)
{
	int	 i;

	buf_adds(b, "[");
	for (i = 1; i <= n; i++) {
		buf_printf(b, "%s{\"id\":\"2d2d1a0c-4f0a-4a8e-9a4b-%012d\","
		    "\"url\":\"https://bbb-%04d.bbb.example.com/bigbluebutton/"
		    "api/\",\"secret\":\"c2VjcmV0LW9uZS0xMjM0NTY3ODkw\","
		    "\"tag\":\"\",\"bbb_version\":\"2.7.3\",\"state\":\"%s\","
		    "\"load\":%d.0,\"load_multiplier\":\"1.0\",\"online\":"
		    "\"%s\"}", i > 1 ? "," : "", i, i,
		    i % 25 == 4 ? "cordoned" : "enabled", i % 25 == 4 ? 0 :
		    (i + shift) % 200, i % 60 == 11 ? "offline" : "online");
	}
	buf_adds(b, "]");
}

static void
gen_meetings(struct buf *b, int n)
{
	int	 i;

	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>"
	    "<returncode>SUCCESS</returncode><meetings>");
	for (i = 1; i <= 3 * n; i++) {
		buf_printf(b, "<meeting><meetingName>Room %d</meetingName>"
		    "<meetingID>room-%d</meetingID><internalMeetingID>"
		    "int-%d-1764100000000</internalMeetingID><createTime>"
		    "1764100000000</createTime><voiceBridge>%d</voiceBridge>"
		    "<running>true</running><recording>false</recording>"
		    "<participantCount>%d</participantCount><listenerCount>"
		    "%d</listenerCount><voiceParticipantCount>%d"
		    "</voiceParticipantCount><videoCount>%d</videoCount>"
		    "<moderatorCount>1</moderatorCount><metadata>"
		    "<bbb-origin-server-name>bbb-%04d.bbb.example.com"
		    "</bbb-origin-server-name></metadata><isBreakout>false"
		    "</isBreakout></meeting>", i, i, i, 70000 + i, i % 40,
		    i % 20, i % 10, i % 5, 1 + i % n);
	}
	buf_adds(b, "</meetings></response>");
}

static void
gen_rancher(struct answers *a, int n)
{
	int	 i;

	buf_adds(&a->stacks[0], "{\"type\":\"collection\",\"resourceType\":"
	    "\"stack\",\"pagination\":{\"limit\":10000},\"data\":[");
	buf_adds(&a->services[0], "{\"type\":\"collection\",\"resourceType\":"
	    "\"service\",\"pagination\":{\"limit\":10000},\"data\":[");
	buf_adds(&a->hosts[0], "{\"type\":\"collection\",\"resourceType\":"
	    "\"host\",\"pagination\":{\"limit\":10000},\"data\":[");
	for (i = 1; i <= n; i++) {
		buf_printf(&a->stacks[0], "%s{\"id\":\"1st%d\",\"type\":\"stack\","
		    "\"name\":\"bbb-%04d\",\"state\":\"active\",\"healthState\":"
		    "\"%s\",\"system\":false}", i > 1 ? "," : "", i, i,
		    i % 45 == 8 ? "degraded" : "healthy");
		buf_printf(&a->services[0], "%s{\"id\":\"1s%d\",\"type\":"
		    "\"service\",\"kind\":\"service\",\"name\":\"bbb\","
		    "\"stackId\":\"1st%d\",\"state\":\"active\",\"healthState\":"
		    "\"%s\",\"scale\":1,\"launchConfig\":{\"imageUuid\":"
		    "\"docker:registry.example.com/bbb:2.7\"},\"instanceIds\":"
		    "[\"1i%d\"]}", i > 1 ? "," : "", i, i,
		    i % 45 == 8 ? "degraded" : "healthy", i);
		buf_printf(&a->hosts[0], "%s{\"id\":\"1h%d\",\"type\":\"host\","
		    "\"hostname\":\"bbb-%04d.bbb.example.com\",\"state\":"
		    "\"%s\",\"agentState\":%s,\"instanceIds\":[\"1i%d\"]}",
		    i > 1 ? "," : "", i, i,
		    i % 90 == 13 ? "disconnected" : "active",
		    i % 90 == 13 ? "\"disconnected\"" : "null", i);
	}
	buf_adds(&a->stacks[0], "]}");
	buf_adds(&a->services[0], "]}");
	buf_adds(&a->hosts[0], "]}");
}

static void
gen_nova(struct buf *b, int n)
{
	int	 i;

	buf_adds(b, "{\"servers\":[");
	for (i = 1; i <= n; i++) {
		buf_printf(b, "%s{\"id\":\"9168b536-cd40-4630-b43f-%012d\","
		    "\"name\":\"bbb-%04d\",\"status\":\"%s\",\"created\":"
		    "\"2026-04-20T09:12:33Z\",\"updated\":\"2026-04-20T09:13:01Z\","
		    "\"addresses\":{\"private\":[{\"addr\":\"10.1.%d.%d\","
		    "\"version\":4,\"OS-EXT-IPS:type\":\"fixed\"}]},\"flavor\":"
		    "{\"original_name\":\"m1.xlarge\",\"vcpus\":8},"
		    "\"metadata\":{}}", i > 1 ? "," : "", i, i,
		    i % 100 == 17 ? "ERROR" : "ACTIVE", i / 250, i % 250);
	}
	buf_adds(b, "]}");
}

/* Read DIR/NAME into b; false when it does not exist and may not. */
static bool
read_file2(const char *dir, const char *name, struct buf *b, bool must)
{
	char	*path, chunk[65536];
	size_t	 n;
	FILE	*f;

	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		if (!must) {
			free(path);
			return (false);
		}
		fprintf(stderr, "bench-refresh: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	if (b->data == NULL)
		buf_adds(b, "");
	free(path);
	return (true);
}

static void
read_file(const char *dir, const char *name, struct buf *b)
{
	read_file2(dir, name, b, true);
}

/* base.json, base.2.json, ... */
static void
read_pages(const char *dir, const char *base, struct buf *pages)
{
	char	*name;
	int	 i;

	name = xasprintf("%s.json", base);
	read_file(dir, name, &pages[0]);
	free(name);
	for (i = 1; i < BENCH_PAGES; i++) {
		name = xasprintf("%s.%d.json", base, i + 1);
		if (!read_file2(dir, name, &pages[i], false)) {
			free(name);
			break;
		}
		free(name);
	}
}

static uint64_t
answers_bytes(const struct answers *a)
{
	uint64_t	 n;
	size_t		 i;

	n = a->consul.len + a->servers.len + a->meetings.len;
	for (i = 0; i < BENCH_PAGES; i++)
		n += a->stacks[i].len + a->services[i].len + a->hosts[i].len +
		    a->nova[i].len;
	for (i = 0; i < a->nprom; i++)
		n += a->prom[i].len;
	for (i = 0; i < a->nnodes; i++)
		n += a->nodes[i].len;
	return (n);
}

static void
die_cause(const char *what, char *cause)
{
	fprintf(stderr, "bench-refresh: %s: %s\n", what, cause);
	free(cause);
	exit(1);
}

struct updates {
	struct fleet_consul_update	*cu;
	struct fleet_prom_update	*pu;
	struct fleet_scalelite_update	*su;
	struct fleet_meetings_update	*mu;
	struct fleet_rancher_update	*ru;
	struct fleet_openstack_update	*ou;
};

static void
decode_page(enum backend_rancher_kind kind, const struct buf *b,
    struct fleet_rancher_update *ru, const char *what)
{
	char	*next = NULL, *cause = NULL;

	if (backend_rancher_decode(kind, b->data, b->len, ru, &next,
	    &cause) == -1)
		die_cause(what, cause);
	free(next);
}

enum { T_CONSUL, T_PROM, T_SCALELITE, T_MEETINGS, T_RANCHER, T_NOVA,
    T_NODES, T_N };
static const char *const t_names[T_N] = { "consul", "prometheus",
    "scalelite", "getMeetings", "rancher", "nova", "node-meetings" };
static bool	 with_meetings;
static volatile uint64_t hash_sink;	/* keeps the hashing */

/* Decode every answer of one refresh; tsrc[] gets each source's ms. */
static void
decode(const struct answers *a, struct updates *u, double *tsrc)
{
	struct backend_sl_secrets	 secrets = { 0 };
	struct fleet_meetings_update	*mu;
	char				*cause = NULL, *next = NULL, *warn;
	size_t				 i;
	double				 t0;

	memset(u, 0, sizeof *u);
	t0 = cpu_ms();
	if (backend_consul_decode(a->consul.data, a->consul.len, &u->cu,
	    &cause) == -1)
		die_cause("consul", cause);
	tsrc[T_CONSUL] = cpu_ms() - t0;
	t0 = cpu_ms();

	u->pu = xcalloc(1, sizeof *u->pu);
	u->pu->figures = xcalloc(a->nprom, sizeof *u->pu->figures);
	u->pu->nfigures = a->nprom;
	for (i = 0; i < a->nprom; i++) {
		warn = NULL;
		if (backend_prom_decode(a->prom_name[i], a->prom[i].data,
		    a->prom[i].len, &u->pu->figures[i], &warn, &cause) == -1)
			die_cause(a->prom_name[i], cause);
		free(warn);
	}
	tsrc[T_PROM] = cpu_ms() - t0;
	t0 = cpu_ms();

	if (backend_scalelite_decode(a->servers.data, a->servers.len, &u->su,
	    &secrets, &cause) == -1)
		die_cause("getServers", cause);
	backend_sl_secrets_free(&secrets);
	tsrc[T_SCALELITE] = cpu_ms() - t0;
	t0 = cpu_ms();

	if (with_meetings && backend_bbb_decode_meetings(a->meetings.data,
	    a->meetings.len, &u->mu, &cause) == -1)
		die_cause("getMeetings", cause);
	tsrc[T_MEETINGS] = cpu_ms() - t0;
	t0 = cpu_ms();

	u->ru = xcalloc(1, sizeof *u->ru);
	for (i = 0; i < BENCH_PAGES && a->stacks[i].data != NULL; i++)
		decode_page(BACKEND_RANCHER_STACKS, &a->stacks[i], u->ru,
		    "stacks");
	for (i = 0; i < BENCH_PAGES && a->services[i].data != NULL; i++)
		decode_page(BACKEND_RANCHER_SERVICES, &a->services[i], u->ru,
		    "services");
	for (i = 0; i < BENCH_PAGES && a->hosts[i].data != NULL; i++)
		decode_page(BACKEND_RANCHER_HOSTS, &a->hosts[i], u->ru,
		    "hosts");
	tsrc[T_RANCHER] = cpu_ms() - t0;
	t0 = cpu_ms();

	u->ou = xcalloc(1, sizeof *u->ou);
	for (i = 0; i < BENCH_PAGES && a->nova[i].data != NULL; i++) {
		if (backend_nova_decode(a->nova[i].data, a->nova[i].len,
		    u->ou, &next, &cause) == -1)
			die_cause("servers", cause);
		free(next);
	}
	tsrc[T_NOVA] = cpu_ms() - t0;
	t0 = cpu_ms();

	/* Each node's meetings: decoded (the backend joins them by id). */
	for (i = 0; with_meetings && i < a->nnodes; i++) {
		if (backend_bbb_decode_meetings(a->nodes[i].data,
		    a->nodes[i].len, &mu, &cause) == -1) {
			free(cause);	/* a node may fail; so be it */
			continue;
		}
		fleet_meetings_update_free(mu);
	}
	tsrc[T_NODES] = cpu_ms() - t0;
}

/* Apply them (join + problems after each). */
static void
apply(struct fleet *f, struct updates *u, int64_t now)
{
	fleet_apply_consul(f, u->cu, now);
	fleet_apply_prom(f, u->pu, now);
	fleet_apply_scalelite(f, u->su, now);
	if (u->mu != NULL)
		fleet_apply_meetings(f, u->mu, now);
	fleet_apply_rancher(f, u->ru, now);
	fleet_apply_openstack(f, u->ou, now);
	memset(u, 0, sizeof *u);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}


/* One answer set from dir, or generated (shift varies what changes). */
static void
load_answers(struct answers *a, const char *dir, int n, int shift)
{
	static const struct prom_query_default qs[] = PROM_QUERY_DEFAULTS;
	char	*name;
	size_t	 i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < nitems(qs) && i < nitems(a->prom); i++) {
		a->prom_name[i] = qs[i].name;
		if (dir != NULL) {
			name = xasprintf("prom-%s.json", qs[i].name);
			read_file(dir, name, &a->prom[i]);
			free(name);
		} else
			gen_prom(&a->prom[i], qs[i].name, n, shift);
	}
	a->nprom = i;
	if (dir != NULL) {
		read_file(dir, "consul.json", &a->consul);
		read_file(dir, "getservers.json", &a->servers);
		read_file(dir, "getmeetings.xml", &a->meetings);
		read_pages(dir, "stacks", a->stacks);
		read_pages(dir, "services", a->services);
		read_pages(dir, "hosts", a->hosts);
		read_pages(dir, "servers", a->nova);
		for (;;) {
			name = xasprintf("node-%zu.xml", a->nnodes + 1);
			a->nodes = xreallocarray(a->nodes, a->nnodes + 1,
			    sizeof *a->nodes);
			memset(&a->nodes[a->nnodes], 0, sizeof *a->nodes);
			if (!read_file2(dir, name, &a->nodes[a->nnodes],
			    false)) {
				free(name);
				break;
			}
			free(name);
			a->nnodes++;
		}
	} else {
		gen_consul(&a->consul, n);
		gen_servers(&a->servers, n, shift);
		gen_meetings(&a->meetings, n);
		gen_rancher(a, n);
		gen_nova(&a->nova[0], n);
	}
}

static void
answers_free(struct answers *a)
{
	size_t	 i;

	buf_free(&a->consul);
	for (i = 0; i < a->nprom; i++)
		buf_free(&a->prom[i]);
	buf_free(&a->servers);
	buf_free(&a->meetings);
	for (i = 0; i < BENCH_PAGES; i++) {
		buf_free(&a->stacks[i]);
		buf_free(&a->services[i]);
		buf_free(&a->hosts[i]);
		buf_free(&a->nova[i]);
	}
	for (i = 0; i < a->nnodes; i++)
		buf_free(&a->nodes[i]);
	free(a->nodes);
}

/* --- steady: the pollers' path (backend/memo.h) ------------------------- */

/*
 * What the pollers keep between refreshes: one memo per source that
 * skips unchanged answers (consul, Rancher, Nova).  Prometheus and
 * scalelite are decoded every time, as in the pollers.
 */
struct steady {
	struct fleet	*f;
	struct bk_memo	*consul;
	struct bk_memo	*rancher;
	struct bk_memo	*nova;
	struct fleet_rancher_update *rancher_last;
	/* of the last refresh */
	double		 join_ms;	/* applies and touches alone */
	double		 src_ms[FLEET_SRC_COUNT]; /* each one's */
	double		 dec_ms[FLEET_SRC_COUNT]; /* memo + decode */
	unsigned	 decoded;	/* FLEET_SRC_BIT()s decoded */
	unsigned	 applied;	/* and applied (not touched) */
};

/* A copy of each body, from malloc, as http hands them to the pollers. */
struct bodies {
	char		*consul;
	char		*rancher[3][BENCH_PAGES];
	char		*nova[BENCH_PAGES];
};

static char *
body_copy(const struct buf *b)
{
	return (b->data != NULL ? xstrndup(b->data, b->len) : NULL);
}

static void
bodies_make(struct bodies *c, const struct answers *a)
{
	size_t	 i;

	memset(c, 0, sizeof *c);
	c->consul = body_copy(&a->consul);
	for (i = 0; i < BENCH_PAGES; i++) {
		c->rancher[0][i] = body_copy(&a->stacks[i]);
		c->rancher[1][i] = body_copy(&a->services[i]);
		c->rancher[2][i] = body_copy(&a->hosts[i]);
		c->nova[i] = body_copy(&a->nova[i]);
	}
}

static void
bodies_free(struct bodies *c)
{
	size_t	 i, k;

	free(c->consul);
	for (i = 0; i < BENCH_PAGES; i++) {
		for (k = 0; k < 3; k++)
			free(c->rancher[k][i]);
		free(c->nova[i]);
	}
}

static void
steady_init(struct steady *st)
{
	memset(st, 0, sizeof *st);
	st->f = fleet_new("bench");
	st->consul = bk_memo_new(1);
	st->rancher = bk_memo_new(3);
	st->nova = bk_memo_new(1);
	st->rancher_last = xcalloc(1, sizeof *st->rancher_last);
}

static void
steady_free(struct steady *st)
{
	fleet_free(st->f);
	bk_memo_free(st->consul);
	bk_memo_free(st->rancher);
	bk_memo_free(st->nova);
	fleet_rancher_update_free(st->rancher_last);
}

/* A memo cycle over pages (taken) of nparts parts; unchanged or not. */
static bool
steady_cycle(struct bk_memo *m, bk_memo_decode_cb cb, void *arg,
    char *(*pages)[BENCH_PAGES], const struct buf (*bufs)[BENCH_PAGES],
    int nparts, const char *what)
{
	char	*next, *cause = NULL;
	bool	 same;
	int	 p, i;

	bk_memo_begin(m, cb, arg);
	for (p = 0; p < nparts; p++) {
		for (i = 0; i < BENCH_PAGES && pages[p][i] != NULL; i++) {
			if (bk_memo_page(m, p, pages[p][i], bufs[p][i].len,
			    &next, &cause) != 0)
				die_cause(what, cause);
			pages[p][i] = NULL;
			free(next);
		}
	}
	if (bk_memo_end(m, &same, &cause) != 0)
		die_cause(what, cause);
	return (same);
}

/*
 * One refresh as the pollers do it: the memo check, decoding what
 * changed, applying it or touching the source.  b's bodies are taken.
 */
static void
steady_refresh(struct steady *st, const struct answers *a, struct bodies *b,
    int64_t now)
{
	struct fleet_fetch		 fetch = { 10, 0 };
	struct updates			 u;
	struct backend_sl_secrets	 secrets = { 0 };
	struct fleet_consul_update	*cu = NULL;
	const struct buf		*colls[3] = { a->stacks, a->services,
					    a->hosts };
	struct buf			 lens[3][BENCH_PAGES];
	char				*cause = NULL, *warn, *one[1][BENCH_PAGES];
	double				 t0, t1;
	bool				 same[3];
	size_t				 i, k;

	memset(&u, 0, sizeof u);
	st->decoded = st->applied = FLEET_SRC_BIT(FLEET_SRC_PROMETHEUS) |
	    FLEET_SRC_BIT(FLEET_SRC_SCALELITE);
	st->join_ms = 0;

	memset(one, 0, sizeof one);
	memset(lens, 0, sizeof lens);
	t0 = cpu_ms();
	one[0][0] = b->consul;
	b->consul = NULL;
	lens[0][0] = a->consul;
	same[0] = steady_cycle(st->consul, bk_consul_decode_cb, &cu, one,
	    (const struct buf (*)[BENCH_PAGES])lens, 1, "consul");
	st->dec_ms[FLEET_SRC_CONSUL] = cpu_ms() - t0;

	t0 = cpu_ms();
	u.pu = xcalloc(1, sizeof *u.pu);
	u.pu->figures = xcalloc(a->nprom, sizeof *u.pu->figures);
	u.pu->nfigures = a->nprom;
	for (i = 0; i < a->nprom; i++) {
		warn = NULL;
		if (backend_prom_decode(a->prom_name[i], a->prom[i].data,
		    a->prom[i].len, &u.pu->figures[i], &warn, &cause) == -1)
			die_cause(a->prom_name[i], cause);
		free(warn);
	}
	st->dec_ms[FLEET_SRC_PROMETHEUS] = cpu_ms() - t0;
	t0 = cpu_ms();
	if (backend_scalelite_decode(a->servers.data, a->servers.len, &u.su,
	    &secrets, &cause) == -1)
		die_cause("getServers", cause);
	backend_sl_secrets_free(&secrets);
	st->dec_ms[FLEET_SRC_SCALELITE] = cpu_ms() - t0;

	t0 = cpu_ms();
	u.ru = xcalloc(1, sizeof *u.ru);
	for (k = 0; k < 3; k++)
		memcpy(lens[k], colls[k], sizeof lens[k]);
	same[1] = steady_cycle(st->rancher, bk_rancher_decode_cb, u.ru,
	    b->rancher, (const struct buf (*)[BENCH_PAGES])lens, 3, "rancher");
	if (!same[1] && bk_rancher_fill(st->rancher, u.ru,
	    st->rancher_last)) {
		same[1] = true;
		st->decoded |= FLEET_SRC_BIT(FLEET_SRC_RANCHER);
	}
	st->dec_ms[FLEET_SRC_RANCHER] = cpu_ms() - t0;
	t0 = cpu_ms();
	u.ou = xcalloc(1, sizeof *u.ou);
	same[2] = steady_cycle(st->nova, bk_nova_decode_cb, u.ou,
	    (char *(*)[BENCH_PAGES])b->nova,
	    (const struct buf (*)[BENCH_PAGES])a->nova, 1, "servers");
	st->dec_ms[FLEET_SRC_OPENSTACK] = cpu_ms() - t0;

	t0 = t1 = cpu_ms();
	if (same[0])
		fleet_touch_source(st->f, FLEET_SRC_CONSUL, &fetch, now);
	else {
		st->decoded |= FLEET_SRC_BIT(FLEET_SRC_CONSUL);
		st->applied |= FLEET_SRC_BIT(FLEET_SRC_CONSUL);
		fleet_apply_consul(st->f, cu, now);
	}
	st->src_ms[FLEET_SRC_CONSUL] = cpu_ms() - t1;
	t1 = cpu_ms();
	fleet_apply_prom(st->f, u.pu, now);
	st->src_ms[FLEET_SRC_PROMETHEUS] = cpu_ms() - t1;
	t1 = cpu_ms();
	fleet_apply_scalelite(st->f, u.su, now);
	st->src_ms[FLEET_SRC_SCALELITE] = cpu_ms() - t1;
	t1 = cpu_ms();
	if (same[1]) {
		fleet_rancher_update_free(u.ru);
		fleet_touch_source(st->f, FLEET_SRC_RANCHER, &fetch, now);
	} else {
		st->decoded |= FLEET_SRC_BIT(FLEET_SRC_RANCHER);
		st->applied |= FLEET_SRC_BIT(FLEET_SRC_RANCHER);
		fleet_apply_rancher(st->f, u.ru, now);
	}
	st->src_ms[FLEET_SRC_RANCHER] = cpu_ms() - t1;
	t1 = cpu_ms();
	if (same[2]) {
		fleet_openstack_update_free(u.ou);
		fleet_touch_source(st->f, FLEET_SRC_OPENSTACK, &fetch, now);
	} else {
		st->decoded |= FLEET_SRC_BIT(FLEET_SRC_OPENSTACK);
		st->applied |= FLEET_SRC_BIT(FLEET_SRC_OPENSTACK);
		fleet_apply_openstack(st->f, u.ou, now);
	}
	st->src_ms[FLEET_SRC_OPENSTACK] = cpu_ms() - t1;
	st->join_ms = cpu_ms() - t0;
	if (same[0])
		fleet_consul_update_free(cu);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return (v[n / 2]);
}

static void
decoded_names(unsigned bits, char *out, size_t len)
{
	size_t	 used = 0;
	int	 s;

	out[0] = '\0';
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if ((bits & FLEET_SRC_BIT(s)) == 0)
			continue;
		used += snprintf(out + used, len - used, "%s%s",
		    used > 0 ? "," : "", fleet_src_name(s));
		if (used >= len)
			break;
	}
}

/* The heap a copy of the kept Rancher collections takes (glibc only). */
static size_t
kept_bytes(const struct fleet_rancher_update *last)
{
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33)
	struct fleet_rancher_update	*c;
	struct mallinfo2		 m0, m1;
	int				 p;

	m0 = mallinfo2();
	c = xcalloc(1, sizeof *c);
	for (p = BACKEND_RANCHER_STACKS; p <= BACKEND_RANCHER_HOSTS; p++)
		bk_rancher_copy(c, last, p);
	m1 = mallinfo2();
	fleet_rancher_update_free(c);
	return (m1.uordblks > m0.uordblks ? m1.uordblks - m0.uordblks : 0);
#else
	(void)last;
	return (0);
#endif
}

/* Hash throughput over every byte of a, in GB/s (best of rounds). */
static double
hash_gbs(const struct answers *a, int rounds, uint64_t *sink)
{
	const struct buf	*all[8 + 4 * BENCH_PAGES + 32];
	double			 t0, dt, best = 0;
	uint64_t		 bytes = 0, h = 0;
	size_t			 n = 0, i;
	int			 r;

	all[n++] = &a->consul;
	all[n++] = &a->servers;
	for (i = 0; i < BENCH_PAGES; i++) {
		all[n++] = &a->stacks[i];
		all[n++] = &a->services[i];
		all[n++] = &a->hosts[i];
		all[n++] = &a->nova[i];
	}
	for (i = 0; i < a->nprom; i++)
		all[n++] = &a->prom[i];
	for (r = 0; r < rounds; r++) {
		bytes = 0;
		t0 = cpu_ms();
		for (i = 0; i < n; i++) {
			if (all[i]->data == NULL)
				continue;
			h ^= util_hash64(all[i]->data, all[i]->len);
			bytes += all[i]->len;
		}
		dt = cpu_ms() - t0;
		if (dt > 0 && bytes / dt / 1e6 > best)
			best = bytes / dt / 1e6;
	}
	*sink = h;
	return (best);
}

/*
 * Steady mode: a cold refresh (a new fleet, every answer decoded), then
 * refreshes that replay set A and set B alternately through the memo,
 * as the pollers do.
 */
static void
steady_main(const char *dir, int n, int rounds)
{
	struct answers	 set[2];
	struct bodies	 b;
	struct steady	 st;
	char		*ndir = NULL, names[128], first[128];
	double		*cold, *cold_join, *hot, *hot_join, t0, gbs;
	double		*hot_src[FLEET_SRC_COUNT], *hot_dec[FLEET_SRC_COUNT];
	double		 cadence;
	int64_t		 now = 1764110000000LL;
	uint64_t	 sink;
	size_t		 held = 0, kept;
	unsigned	 dec_any = 0, dec_all = ~0u, app_any = 0;
	unsigned	 app_all = ~0u;
	int		 r, k;

	load_answers(&set[0], dir, n, 0);
	if (dir != NULL) {
		ndir = xasprintf("%s/next", dir);
		load_answers(&set[1], ndir, n, 0);
	} else
		load_answers(&set[1], NULL, n, 7);
	cold = xcalloc(rounds, sizeof *cold);
	cold_join = xcalloc(rounds, sizeof *cold_join);
	hot = xcalloc(rounds, sizeof *hot);
	hot_join = xcalloc(rounds, sizeof *hot_join);
	for (k = 0; k < FLEET_SRC_COUNT; k++) {
		hot_src[k] = xcalloc(rounds, sizeof *hot_src[k]);
		hot_dec[k] = xcalloc(rounds, sizeof *hot_dec[k]);
	}

	for (r = 0; r < rounds; r++) {
		steady_init(&st);
		bodies_make(&b, &set[0]);
		t0 = cpu_ms();
		steady_refresh(&st, &set[0], &b, now);
		cold[r] = cpu_ms() - t0;
		cold_join[r] = st.join_ms;
		bodies_free(&b);
		steady_free(&st);
	}

	steady_init(&st);
	bodies_make(&b, &set[0]);
	steady_refresh(&st, &set[0], &b, now);
	bodies_free(&b);
	first[0] = '\0';
	for (r = 0; r < rounds; r++) {
		now += 2000;
		bodies_make(&b, &set[(r + 1) % 2]);
		t0 = cpu_ms();
		steady_refresh(&st, &set[(r + 1) % 2], &b, now);
		hot[r] = cpu_ms() - t0;
		hot_join[r] = st.join_ms;
		for (k = 0; k < FLEET_SRC_COUNT; k++) {
			hot_src[k][r] = st.src_ms[k];
			hot_dec[k][r] = st.dec_ms[k];
		}
		bodies_free(&b);
		dec_any |= st.decoded;
		dec_all &= st.decoded;
		app_any |= st.applied;
		app_all &= st.applied;
	}
	held = bk_memo_held_max(st.rancher) + bk_memo_held_max(st.nova) +
	    bk_memo_held_max(st.consul);
	kept = kept_bytes(st.rancher_last);
	gbs = hash_gbs(&set[0], 20, &sink);

	printf("steady nodes=%zu problems=%zu bytes A=%llu B=%llu "
	    "(%s)\n", st.f->nnodes, st.f->nproblems,
	    (unsigned long long)answers_bytes(&set[0]),
	    (unsigned long long)answers_bytes(&set[1]),
	    dir != NULL ? "DIR and DIR/next" : "generated");
	printf("  cold refresh (new model, all decoded) cpu_ms median %.2f "
	    "(join/problems %.2f)\n", median(cold, rounds),
	    median(cold_join, rounds));
	decoded_names(dec_all, names, sizeof names);
	decoded_names(dec_any & ~dec_all, first, sizeof first);
	printf("  steady refresh (A, B alternately) cpu_ms median %.2f "
	    "(join/problems %.2f); decoded every time: %s%s%s\n",
	    median(hot, rounds), median(hot_join, rounds), names,
	    first[0] != '\0' ? "; sometimes: " : "", first);
	hash_sink = sink;
	decoded_names(app_all, names, sizeof names);
	decoded_names(app_any & ~app_all, first, sizeof first);
	printf("    applied (the others touched) every time: %s%s%s\n",
	    names, first[0] != '\0' ? "; sometimes: " : "", first);
	printf("    hash check + decode by source, median ms:");
	for (k = 0; k < FLEET_SRC_COUNT; k++)
		printf(" %s %.2f", fleet_src_name(k), median(hot_dec[k],
		    rounds));
	printf("\n");
	printf("    join/problems by source (apply or touch), median ms:");
	cadence = 0;
	for (k = 0; k < FLEET_SRC_COUNT; k++) {
		printf(" %s %.2f", fleet_src_name(k), median(hot_src[k],
		    rounds));
		/* Rancher and OpenStack are asked every fifth refresh */
		cadence += (median(hot_src[k], rounds) + median(hot_dec[k],
		    rounds)) / (k == FLEET_SRC_RANCHER ||
		    k == FLEET_SRC_OPENSTACK ? 5 : 1);
	}
	printf("\n");
	printf("    per refresh at the pollers' pace (Rancher, OpenStack "
	    "every fifth): %.2f ms\n", cadence);
	printf("  memo: most bytes held at once %zu; the Rancher collections "
	    "kept as decoded %zu bytes; util_hash64 %.2f GB/s\n", held, kept,
	    gbs);
	steady_free(&st);
	answers_free(&set[0]);
	answers_free(&set[1]);
	free(ndir);
	free(cold);
	free(cold_join);
	free(hot);
	free(hot_join);
	for (k = 0; k < FLEET_SRC_COUNT; k++) {
		free(hot_src[k]);
		free(hot_dec[k]);
	}
}

int
main(int argc, char **argv)
{
	struct answers	 a;
	struct fleet	*f;
	struct rusage	 ru;
	const char	*dir = NULL;
	struct updates	 u;
	double		*t, *td, *ta, *ts[T_N], t0, t1, t2, sum = 0;
	double		 tsrc[T_N];
	int		 n = 1000, rounds = 20, ch, r;
	size_t		 i;
	bool		 steady = false;

	while ((ch = getopt(argc, argv, "n:r:d:ms")) != -1) {
		switch (ch) {
		case 'n':
			n = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (int)strtol(optarg, NULL, 10);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'm':
			with_meetings = true;
			break;
		case 's':
			steady = true;
			break;
		default:
			fprintf(stderr, "usage: bench-refresh [-ms] [-n NODES] "
			    "[-r ROUNDS] [-d DIR]\n");
			return (2);
		}
	}
	if (n < 1 || rounds < 1)
		return (2);
	if (steady) {
		steady_main(dir, n, rounds);
		return (0);
	}
	load_answers(&a, dir, n, 0);
	f = fleet_new("bench");
	t = xcalloc(rounds, sizeof *t);
	td = xcalloc(rounds, sizeof *td);
	ta = xcalloc(rounds, sizeof *ta);
	for (i = 0; i < T_N; i++)
		ts[i] = xcalloc(rounds, sizeof *ts[i]);
	for (r = 0; r < rounds; r++) {
		t0 = cpu_ms();
		decode(&a, &u, tsrc);
		for (i = 0; i < T_N; i++)
			ts[i][r] = tsrc[i];
		t1 = cpu_ms();
		apply(f, &u, 1764110000000LL + r * 2000LL);
		t2 = cpu_ms();
		td[r] = t1 - t0;
		ta[r] = t2 - t1;
		t[r] = t2 - t0;
		sum += t[r];
	}
	qsort(t, rounds, sizeof *t, cmp_double);
	qsort(td, rounds, sizeof *td, cmp_double);
	qsort(ta, rounds, sizeof *ta, cmp_double);
	for (i = 0; i < T_N; i++)
		qsort(ts[i], rounds, sizeof *ts[i], cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	if (dir != NULL)
		n = (int)f->nnodes;
	printf("refresh nodes=%d model=%zu problems=%zu meetings=%zu "
	    "bytes=%llu cpu_ms: total median %.2f (mean %.2f, max %.2f) = "
	    "decode %.2f + join/problems %.2f; maxrss_kb=%ld\n", n,
	    f->nnodes, f->nproblems, f->nmeetings,
	    (unsigned long long)answers_bytes(&a), t[rounds / 2],
	    sum / rounds, t[rounds - 1], td[rounds / 2], ta[rounds / 2],
	    ru.ru_maxrss);
	printf("  decode by source, median ms:");
	for (i = 0; i < T_N; i++) {
		if ((i == T_MEETINGS || i == T_NODES) && !with_meetings)
			continue;
		printf(" %s %.2f", t_names[i], ts[i][rounds / 2]);
	}
	printf("%s\n", with_meetings ? "" : " (meetings not fetched: -m)");
	free(t);
	free(td);
	free(ta);
	for (i = 0; i < T_N; i++)
		free(ts[i]);
	fleet_free(f);
	answers_free(&a);
	return (0);
}
