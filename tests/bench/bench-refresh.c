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
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/decode.h"
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
gen_prom(struct buf *b, const char *name, int n)
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
		buf_printf(b, "%s{\"metric\":{\"instance\":\"bbb-%04d:%d\"},"
		    "\"value\":[1764110000.123,\"%g\"]}", i > 1 ? "," : "", i,
		    port, v);
	}
	buf_adds(b, "]}}");
}

static void
gen_servers(struct buf *b, int n)
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
		    i % 200, i % 60 == 11 ? "offline" : "online");
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

int
main(int argc, char **argv)
{
	static const struct prom_query_default qs[] = PROM_QUERY_DEFAULTS;
	struct answers	 a;
	struct fleet	*f;
	struct rusage	 ru;
	const char	*dir = NULL;
	struct updates	 u;
	double		*t, *td, *ta, *ts[T_N], t0, t1, t2, sum = 0;
	double		 tsrc[T_N];
	char		*name;
	int		 n = 1000, rounds = 20, ch, r;
	size_t		 i;

	while ((ch = getopt(argc, argv, "n:r:d:m")) != -1) {
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
		default:
			fprintf(stderr, "usage: bench-refresh [-m] [-n NODES] "
			    "[-r ROUNDS] [-d DIR]\n");
			return (2);
		}
	}
	if (n < 1 || rounds < 1)
		return (2);
	memset(&a, 0, sizeof a);
	for (i = 0; i < nitems(qs) && i < nitems(a.prom); i++) {
		a.prom_name[i] = qs[i].name;
		if (dir != NULL) {
			name = xasprintf("prom-%s.json", qs[i].name);
			read_file(dir, name, &a.prom[i]);
			free(name);
		} else
			gen_prom(&a.prom[i], qs[i].name, n);
	}
	a.nprom = i;
	if (dir != NULL) {
		read_file(dir, "consul.json", &a.consul);
		read_file(dir, "getservers.json", &a.servers);
		read_file(dir, "getmeetings.xml", &a.meetings);
		read_pages(dir, "stacks", a.stacks);
		read_pages(dir, "services", a.services);
		read_pages(dir, "hosts", a.hosts);
		read_pages(dir, "servers", a.nova);
		for (;;) {
			name = xasprintf("node-%zu.xml", a.nnodes + 1);
			a.nodes = xreallocarray(a.nodes, a.nnodes + 1,
			    sizeof *a.nodes);
			memset(&a.nodes[a.nnodes], 0, sizeof *a.nodes);
			if (!read_file2(dir, name, &a.nodes[a.nnodes],
			    false)) {
				free(name);
				break;
			}
			free(name);
			a.nnodes++;
		}
	} else {
		gen_consul(&a.consul, n);
		gen_servers(&a.servers, n);
		gen_meetings(&a.meetings, n);
		gen_rancher(&a, n);
		gen_nova(&a.nova[0], n);
	}

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
	buf_free(&a.consul);
	for (i = 0; i < a.nprom; i++)
		buf_free(&a.prom[i]);
	buf_free(&a.servers);
	buf_free(&a.meetings);
	for (i = 0; i < BENCH_PAGES; i++) {
		buf_free(&a.stacks[i]);
		buf_free(&a.services[i]);
		buf_free(&a.hosts[i]);
		buf_free(&a.nova[i]);
	}
	for (i = 0; i < a.nnodes; i++)
		buf_free(&a.nodes[i]);
	free(a.nodes);
	return (0);
}
