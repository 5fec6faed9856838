/*
 * bench-decode.c: time the backend decoders on generated answers of a
 * fleet of N nodes (the whole refresh of every source: consul health,
 * every Prometheus figure, getServers, getMeetings from scalelite and
 * from every node, Rancher stacks/services/hosts, Nova servers).
 * Prints figures; asserts nothing about timings.  "parse ms" is the
 * floor: the same bytes through json_loadb() or a handler-less expat
 * parser alone, so that the decoders' own cost shows on a machine of
 * any speed; "jscan ms" the same JSON bytes validated by the streaming
 * reader alone (jscan_end(), every byte checked), and its MB/s.
 *
 * With -d DIR it reads the answers of a refresh from DIR instead (as
 * tests/bench/status.sh fetches them from bbbctl-sim: consul.json,
 * getservers.json, stacks[.N].json, services[.N].json, hosts[.N].json,
 * servers[.N].json, prom-<name>.json) and prints, per source, the
 * streaming decoder ("stream ms") and the jansson decoder it replaced
 * ("DOM ms": the before and after), and jscan alone validating the
 * bytes ("jscan ms", MB/s), in CPU time (the figures hold on a machine
 * busy with other work).
 *
 * usage: bench-decode [-n NODES] [-m MEETINGS_PER_NODE] [-r ROUNDS]
 *        bench-decode -d DIR [-r ROUNDS]
 */
#include <expat.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/decode.h"
#include "tests/unit/decode-dom.h"
#include "jscan.h"
#include "prom-queries.h"
#include "util.h"

static const struct prom_query_default prom[] = PROM_QUERY_DEFAULTS;

static double
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
}

static char *
gen_consul(int n)
{
	struct buf	 b = { 0 };
	int		 i;

	buf_addc(&b, '[');
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s{\"Node\":{\"ID\":\"%08x-0000-4000-8000-"
		    "000000000000\",\"Node\":\"bbb-%04d\",\"Address\":"
		    "\"10.1.%d.%d\",\"Datacenter\":\"dc1\",\"TaggedAddresses\":"
		    "{\"lan\":\"10.1.%d.%d\"},\"Meta\":{}},\"Service\":{\"ID\":"
		    "\"bbb-%04d-bbb\",\"Service\":\"bbb\",\"Tags\":[\"bbb\"],"
		    "\"Address\":\"bbb-%04d.bbb.example.com\",\"Meta\":{},"
		    "\"Port\":443,\"Weights\":{\"Passing\":10,\"Warning\":1}},"
		    "\"Checks\":[{\"Node\":\"bbb-%04d\",\"CheckID\":"
		    "\"serfHealth\",\"Name\":\"Serf Health Status\",\"Status\":"
		    "\"passing\",\"Notes\":\"\",\"Output\":\"Agent alive and "
		    "reachable\",\"ServiceID\":\"\",\"ServiceName\":\"\","
		    "\"ServiceTags\":[]},{\"Node\":\"bbb-%04d\",\"CheckID\":"
		    "\"service:bbb-%04d-bbb\",\"Name\":\"BBB API\",\"Status\":"
		    "\"passing\",\"Notes\":\"\",\"Output\":\"HTTP GET https://"
		    "bbb-%04d.bbb.example.com/bigbluebutton/api: 200 OK\","
		    "\"ServiceID\":\"bbb-%04d-bbb\",\"ServiceName\":\"bbb\","
		    "\"ServiceTags\":[\"bbb\"]}]}", i ? "," : "", i, i,
		    i / 250, i % 250, i / 250, i % 250, i, i, i, i, i, i, i);
	}
	buf_addc(&b, ']');
	return (buf_steal(&b));
}

static char *
gen_prom(int n, bool up)
{
	struct buf	 b = { 0 };
	int		 i, k;
	static const char *jobs[] = { "node", "bbb-exporter", "process" };
	static const int ports[] = { 9100, 9688, 9256 };

	buf_adds(&b, "{\"status\":\"success\",\"data\":{\"resultType\":"
	    "\"vector\",\"result\":[");
	for (i = 0; i < n; i++) {
		for (k = 0; k < (up ? 3 : 1); k++) {
			if (up)
				buf_printf(&b, "%s{\"metric\":{\"__name__\":"
				    "\"up\",\"instance\":\"bbb-%04d.bbb.example"
				    ".com:%d\",\"job\":\"%s\"},\"value\":"
				    "[1764110000.123,\"1\"]}",
				    i || k ? "," : "", i, ports[k], jobs[k]);
			else
				buf_printf(&b, "%s{\"metric\":{\"instance\":"
				    "\"bbb-%04d.bbb.example.com:9100\"},"
				    "\"value\":[1764110000.123,\"%d.%03d\"]}",
				    i ? "," : "", i, i % 100, i % 1000);
		}
	}
	buf_adds(&b, "]}}");
	return (buf_steal(&b));
}

static char *
gen_servers(int n)
{
	struct buf	 b = { 0 };
	int		 i;

	buf_addc(&b, '[');
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s{\"id\":\"%08x-4f0a-4a8e-9a4b-6f1b3f3c9e01\","
		    "\"url\":\"https://bbb-%04d.bbb.example.com/bigbluebutton/"
		    "api/\",\"secret\":\"c2VjcmV0LW9uZS0xMjM0NTY3ODkw%04d\","
		    "\"tag\":\"\",\"bbb_version\":\"2.7.3\",\"state\":"
		    "\"enabled\",\"load\":%d.0,\"load_multiplier\":\"1.0\","
		    "\"online\":\"online\"}", i ? "," : "", i, i, i, i % 300);
	buf_addc(&b, ']');
	return (buf_steal(&b));
}

static char *
gen_meetings(int first, int n)
{
	struct buf	 b = { 0 };
	int		 i;

	buf_adds(&b, "<?xml version=\"1.0\"?>\n<response><returncode>SUCCESS"
	    "</returncode><meetings>");
	for (i = first; i < first + n; i++)
		buf_printf(&b, "<meeting><meetingName>Meeting %d</meetingName>"
		    "<meetingID>m-%d</meetingID><internalMeetingID>%040d-"
		    "1764100000000</internalMeetingID><createTime>"
		    "1764100000000</createTime><createDate>Tue Nov 25 19:46:40 "
		    "UTC 2026</createDate><voiceBridge>%05d</voiceBridge>"
		    "<dialNumber>613-555-1234</dialNumber><attendeePW>ap"
		    "</attendeePW><moderatorPW>mp</moderatorPW><running>true"
		    "</running><duration>0</duration><hasUserJoined>true"
		    "</hasUserJoined><recording>false</recording>"
		    "<hasBeenForciblyEnded>false</hasBeenForciblyEnded>"
		    "<startTime>1764100000123</startTime><endTime>0</endTime>"
		    "<participantCount>%d</participantCount><listenerCount>3"
		    "</listenerCount><voiceParticipantCount>2"
		    "</voiceParticipantCount><videoCount>1</videoCount>"
		    "<maxUsers>0</maxUsers><moderatorCount>1</moderatorCount>"
		    "<attendees><attendee><userID>w_1</userID><fullName>Ada"
		    "</fullName><role>MODERATOR</role><isPresenter>true"
		    "</isPresenter><isListeningOnly>false</isListeningOnly>"
		    "<hasJoinedVoice>true</hasJoinedVoice><hasVideo>true"
		    "</hasVideo><clientType>HTML5</clientType></attendee>"
		    "</attendees><metadata><bbb-origin>greenlight</bbb-origin>"
		    "</metadata><isBreakout>false</isBreakout></meeting>",
		    i, i, i, i % 100000, i % 50);
	buf_adds(&b, "</meetings></response>");
	return (buf_steal(&b));
}

static char *
gen_rancher(int n, enum backend_rancher_kind kind)
{
	struct buf	 b = { 0 };
	int		 i, k;

	buf_adds(&b, "{\"type\":\"collection\",\"pagination\":{\"limit\":1000},"
	    "\"data\":[");
	for (i = 0; i < n; i++) {
		switch (kind) {
		case BACKEND_RANCHER_STACKS:
			buf_printf(&b, "%s{\"id\":\"1st%d\",\"type\":\"stack\","
			    "\"links\":{\"self\":\"http://r:8080/v2-beta/"
			    "projects/1a5/stacks/1st%d\"},\"actions\":{},"
			    "\"name\":\"bbb-%04d\",\"state\":\"active\","
			    "\"healthState\":\"healthy\",\"serviceIds\":["
			    "\"1s%d\",\"1s%d\",\"1s%d\"],\"system\":false}",
			    i ? "," : "", i, i, i, 3 * i, 3 * i + 1, 3 * i + 2);
			break;
		case BACKEND_RANCHER_SERVICES:
			for (k = 0; k < 3; k++)
				buf_printf(&b, "%s{\"id\":\"1s%d\",\"type\":"
				    "\"service\",\"name\":\"%s\",\"stackId\":"
				    "\"1st%d\",\"state\":\"active\","
				    "\"healthState\":\"healthy\",\"scale\":1,"
				    "\"launchConfig\":{\"imageUuid\":\"docker:"
				    "registry.example.com/bbb:beta4\","
				    "\"labels\":{}},\"instanceIds\":["
				    "\"1i%d\"]}",
				    i || k ? "," : "", 3 * i + k,
				    k == 0 ? "bbb" : k == 1 ? "bbb-exporter" :
				    "lb", i, 3 * i + k);
			break;
		case BACKEND_RANCHER_HOSTS:
			buf_printf(&b, "%s{\"id\":\"1h%d\",\"type\":\"host\","
			    "\"hostname\":\"bbb-%04d.bbb.example.com\","
			    "\"state\":\"active\",\"agentState\":\"active\","
			    "\"agentIpAddress\":\"10.1.%d.%d\",\"labels\":{},"
			    "\"instanceIds\":[\"1i%d\",\"1i%d\",\"1i%d\"]}",
			    i ? "," : "", i, i, i / 250, i % 250, 3 * i,
			    3 * i + 1, 3 * i + 2);
			break;
		}
	}
	buf_adds(&b, "]}");
	return (buf_steal(&b));
}

static char *
gen_nova(int n)
{
	struct buf	 b = { 0 };
	int		 i;

	buf_adds(&b, "{\"servers\":[");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s{\"id\":\"%08x-cd40-4630-b43f-b259807c6e87\","
		    "\"name\":\"bbb-%04d\",\"status\":\"ACTIVE\",\"tenant_id\":"
		    "\"a6944d763bf64ee6a275f1263fae0352\",\"metadata\":{},"
		    "\"image\":{\"id\":"
		    "\"70a599e0-31e7-49b7-b260-868f441e862b\"},"
		    "\"flavor\":{\"id\":\"1\",\"links\":[]},\"created\":"
		    "\"2026-04-20T09:12:33Z\",\"updated\":"
		    "\"2026-04-20T09:13:01Z\","
		    "\"addresses\":{\"private\":[{\"addr\":\"10.1.%d.%d\","
		    "\"version\":4,\"OS-EXT-IPS:type\":\"fixed\"}]},"
		    "\"OS-EXT-STS:vm_state\":\"active\",\"key_name\":\"ops\"}",
		    i ? "," : "", i, i, i / 250, i % 250);
	buf_adds(&b, "]}");
	return (buf_steal(&b));
}

struct sample {
	const char	*name;
	char		*body;		/* one, or NULL when many */
	char		**bodies;
	int		 nbodies;
	size_t		 bytes;
	double		 best;		/* us over the whole set */
	double		 sum;
	double		 floor;		/* best parse-only us */
	double		 jscan;		/* best jscan-only us */
};

/* Validate the whole of a JSON answer with jscan (0 valid). */
static int
jscan_only(const char *body, size_t len)
{
	struct jscan	 j;
	int		 rc;

	jscan_init(&j, body, len);
	rc = jscan_end(&j);
	jscan_free(&j);
	return (rc);
}

static void
parse_only(bool xml, const char *body, size_t len)
{
	json_t		*j;
	XML_Parser	 p;

	if (xml) {
		p = XML_ParserCreate("UTF-8");
		XML_Parse(p, body, (int)len, XML_TRUE);
		XML_ParserFree(p);
	} else if ((j = json_loadb(body, len, 0, NULL)) != NULL)
		json_decref(j);
}

static void
decode_one(int which, const char *body, size_t len, int idx)
{
	struct fleet_consul_update	*cu;
	struct fleet_prom_figure	 f;
	struct fleet_scalelite_update	*su;
	struct backend_sl_secrets	 sec;
	struct fleet_meetings_update	*mu;
	struct fleet_rancher_update	*ru;
	struct fleet_openstack_update	*ou;
	char				*cause, *next;
	size_t				 i;
	int				 rc = 0;

	switch (which) {
	case 0:
		if ((rc = backend_consul_decode(body, len, &cu, &cause)) == 0)
			fleet_consul_update_free(cu);
		break;
	case 1:
		rc = backend_prom_decode(prom[idx].name, body, len, &f, NULL,
		    &cause);
		if (rc == 0) {
			for (i = 0; i < f.nsamples; i++) {
				free(f.samples[i].instance);
				free(f.samples[i].job);
			}
			free(f.samples);
			free(f.name);
		}
		break;
	case 2:
		rc = backend_scalelite_decode(body, len, &su, &sec, &cause);
		if (rc == 0) {
			fleet_scalelite_update_free(su);
			backend_sl_secrets_free(&sec);
		}
		break;
	case 3:
	case 4:
		if ((rc = backend_bbb_decode_meetings(body, len, &mu,
		    &cause)) == 0)
			fleet_meetings_update_free(mu);
		break;
	case 5:
		ru = xcalloc(1, sizeof *ru);
		rc = backend_rancher_decode(idx, body, len, ru, &next, &cause);
		fleet_rancher_update_free(ru);
		break;
	case 6:
		ou = xcalloc(1, sizeof *ou);
		rc = backend_nova_decode(body, len, ou, &next, &cause);
		fleet_openstack_update_free(ou);
		break;
	}
	if (rc != 0) {
		fprintf(stderr, "bench-decode: %s\n", cause);
		exit(1);
	}
}

/* ---- -d DIR: the answers of bbbctl-sim, scanner and DOM decoders ---- */

#define DIR_PAGES	16

struct dir_src {
	const char	*name;
	const char	*file;		/* "consul" -> consul.json, .2.json */
	int		 which;		/* decode_dir() */
	struct buf	 pages[DIR_PAGES];
	int		 npages;
	size_t		 bytes;
};

static int
read_file(const char *path, struct buf *b)
{
	char	 chunk[65536];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return (-1);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	if (b->data == NULL)
		buf_add(b, "", 0);
	return (0);
}

/* Decode one answer with the scanner (dom false) or jansson. */
static void
decode_dir(int which, bool dom, const struct buf *b, const char *what)
{
	struct fleet_consul_update	*cu;
	struct fleet_scalelite_update	*su;
	struct backend_sl_secrets	 sec;
	struct fleet_rancher_update	*ru;
	struct fleet_openstack_update	*ou;
	struct fleet_prom_figure	 f;
	char				*cause = NULL, *next = NULL;
	size_t				 i;
	int				 rc = -1;

	switch (which) {
	case 0:
		rc = (dom ? backend_consul_decode_dom : backend_consul_decode)
		    (b->data, b->len, &cu, &cause);
		if (rc == 0)
			fleet_consul_update_free(cu);
		break;
	case 1:
		rc = (dom ? backend_scalelite_decode_dom :
		    backend_scalelite_decode)(b->data, b->len, &su, &sec,
		    &cause);
		if (rc == 0) {
			fleet_scalelite_update_free(su);
			backend_sl_secrets_free(&sec);
		}
		break;
	case 2:
	case 3:
	case 4:
		ru = xcalloc(1, sizeof *ru);
		rc = (dom ? backend_rancher_decode_dom :
		    backend_rancher_decode)(which - 2, b->data, b->len, ru,
		    &next, &cause);
		fleet_rancher_update_free(ru);
		break;
	case 5:
		ou = xcalloc(1, sizeof *ou);
		rc = (dom ? backend_nova_decode_dom : backend_nova_decode)
		    (b->data, b->len, ou, &next, &cause);
		fleet_openstack_update_free(ou);
		break;
	case 6:
		rc = dom ? backend_prom_decode_dom("x", b->data, b->len, &f,
		    NULL, &cause) : backend_prom_decode("x", b->data, b->len,
		    &f, NULL, &cause);
		if (rc == 0) {
			for (i = 0; i < f.nsamples; i++) {
				free(f.samples[i].instance);
				free(f.samples[i].job);
			}
			free(f.samples);
			free(f.name);
		}
		break;
	}
	free(next);
	if (rc != 0) {
		fprintf(stderr, "bench-decode: %s: %s\n", what, cause);
		exit(1);
	}
}

static double
cpu_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
}

static double
time_dir(struct dir_src *d, int mode, int rounds)
{
	double	 t0, t, best = 1e18;
	int	 r, p;

	for (r = 0; r < rounds; r++) {
		t0 = cpu_us();
		for (p = 0; p < d->npages; p++) {
			if (mode == 2) {
				if (jscan_only(d->pages[p].data,
				    d->pages[p].len) != 0) {
					fprintf(stderr, "bench-decode: %s: "
					    "jscan rejects it\n", d->name);
					exit(1);
				}
			} else
				decode_dir(d->which, mode == 1, &d->pages[p],
				    d->name);
		}
		t = cpu_us() - t0;
		if (t < best)
			best = t;
	}
	return (best);
}

static int
main_dir(const char *dir, int rounds)
{
	static const struct prom_query_default qs[] = PROM_QUERY_DEFAULTS;
	struct dir_src	 d[7];
	char		*path;
	double		 t[3], sum[3] = { 0, 0, 0 }, sum4[3] = { 0, 0, 0 };
	size_t		 bytes = 0, bytes4 = 0, q;
	int		 k, p, m;

	memset(d, 0, sizeof d);
	d[0] = (struct dir_src){ .name = "consul health", .file = "consul",
	    .which = 0 };
	d[1] = (struct dir_src){ .name = "scalelite getServers",
	    .file = "getservers", .which = 1 };
	d[2] = (struct dir_src){ .name = "rancher stacks", .file = "stacks",
	    .which = 2 };
	d[3] = (struct dir_src){ .name = "rancher services",
	    .file = "services", .which = 3 };
	d[4] = (struct dir_src){ .name = "rancher hosts", .file = "hosts",
	    .which = 4 };
	d[5] = (struct dir_src){ .name = "nova servers/detail",
	    .file = "servers", .which = 5 };
	d[6] = (struct dir_src){ .name = "prometheus (all figures)",
	    .file = NULL, .which = 6 };
	for (k = 0; k < 6; k++) {
		for (p = 0; p < DIR_PAGES; p++) {
			if (p == 0)
				path = xasprintf("%s/%s.json", dir, d[k].file);
			else
				path = xasprintf("%s/%s.%d.json", dir,
				    d[k].file, p + 1);
			if (read_file(path, &d[k].pages[p]) != 0) {
				free(path);
				break;
			}
			free(path);
			d[k].bytes += d[k].pages[p].len;
			d[k].npages++;
		}
	}
	for (q = 0; q < nitems(qs) && d[6].npages < DIR_PAGES; q++) {
		path = xasprintf("%s/prom-%s.json", dir, qs[q].name);
		if (read_file(path, &d[6].pages[d[6].npages]) == 0) {
			d[6].bytes += d[6].pages[d[6].npages].len;
			d[6].npages++;
		}
		free(path);
	}
	printf("decode of the answers in %s, CPU ms, best of %d rounds\n",
	    dir, rounds);
	printf("%-28s %9s %9s %9s %9s %7s\n", "source", "bytes",
	    "stream ms", "DOM ms", "jscan ms", "MB/s");
	for (k = 0; k < 7; k++) {
		if (d[k].npages == 0) {
			printf("%-28s (no answer)\n", d[k].name);
			continue;
		}
		for (m = 0; m < 3; m++) {
			t[m] = time_dir(&d[k], m, rounds);
			sum[m] += t[m];
			if (k < 6)
				sum4[m] += t[m];
		}
		bytes += d[k].bytes;
		if (k < 6)
			bytes4 += d[k].bytes;
		printf("%-28s %9zu %9.2f %9.2f %9.2f %7.0f\n", d[k].name,
		    d[k].bytes, t[0] / 1e3, t[1] / 1e3, t[2] / 1e3,
		    d[k].bytes / t[2]);
	}
	printf("%-28s %9zu %9.2f %9.2f %9.2f %7.0f\n",
	    "rancher+nova+consul+sl", bytes4, sum4[0] / 1e3, sum4[1] / 1e3,
	    sum4[2] / 1e3, bytes4 / sum4[2]);
	printf("%-28s %9zu %9.2f %9.2f %9.2f %7.0f\n", "all JSON", bytes,
	    sum[0] / 1e3, sum[1] / 1e3, sum[2] / 1e3, bytes / sum[2]);
	for (k = 0; k < 7; k++)
		for (p = 0; p < d[k].npages; p++)
			buf_free(&d[k].pages[p]);
	return (0);
}

int
main(int argc, char **argv)
{
	struct sample	 s[7];
	int		 n = 1000, m = 5, rounds = 20, c, i, r, k;
	double		 t0, t, total_best = 0, total_sum = 0;
	double		 total_floor = 0, steady_best = 0;
	size_t		 total_bytes = 0, steady_bytes = 0;
	const char	*dir = NULL;

	while ((c = getopt(argc, argv, "d:n:m:r:")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			n = (int)strtol(optarg, NULL, 10);
			break;
		case 'm':
			m = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench-decode [-n NODES] "
			    "[-m MEETINGS_PER_NODE] [-r ROUNDS]\n"
			    "       bench-decode -d DIR [-r ROUNDS]\n");
			return (2);
		}
	}
	if (dir != NULL)
		return (main_dir(dir, rounds < 1 ? 1 : rounds));
	if (n < 1 || m < 0 || rounds < 1)
		return (2);
	memset(s, 0, sizeof s);
	s[0].name = "consul health";
	s[0].nbodies = 1;
	s[1].name = "prometheus (all figures)";
	s[1].nbodies = (int)nitems(prom);
	s[2].name = "scalelite getServers";
	s[2].nbodies = 1;
	s[3].name = "scalelite getMeetings";
	s[3].nbodies = 1;
	s[4].name = "per-node getMeetings";
	s[4].nbodies = n;
	s[5].name = "rancher stacks+services+hosts";
	s[5].nbodies = 3;
	s[6].name = "nova servers/detail";
	s[6].nbodies = 1;
	for (k = 0; k < 7; k++)
		s[k].bodies = xcalloc(s[k].nbodies, sizeof (char *));
	s[0].bodies[0] = gen_consul(n);
	for (i = 0; i < s[1].nbodies; i++)
		s[1].bodies[i] = gen_prom(n, strcmp(prom[i].name, "up") == 0);
	s[2].bodies[0] = gen_servers(n);
	s[3].bodies[0] = gen_meetings(0, n * m);
	for (i = 0; i < n; i++)
		s[4].bodies[i] = gen_meetings(i * m, m);
	for (i = 0; i < 3; i++)
		s[5].bodies[i] = gen_rancher(n, i);
	s[6].bodies[0] = gen_nova(n);

	for (k = 0; k < 7; k++) {
		for (i = 0; i < s[k].nbodies; i++)
			s[k].bytes += strlen(s[k].bodies[i]);
		s[k].best = 1e18;
		for (r = 0; r < rounds; r++) {
			t0 = now_us();
			for (i = 0; i < s[k].nbodies; i++)
				decode_one(k, s[k].bodies[i],
				    strlen(s[k].bodies[i]), i);
			t = now_us() - t0;
			if (t < s[k].best)
				s[k].best = t;
			s[k].sum += t;
		}
		s[k].jscan = 1e18;
		for (r = 0; r < rounds && k != 3 && k != 4; r++) {
			t0 = now_us();
			for (i = 0; i < s[k].nbodies; i++)
				if (jscan_only(s[k].bodies[i],
				    strlen(s[k].bodies[i])) != 0) {
					fprintf(stderr, "bench-decode: %s: "
					    "jscan rejects it\n", s[k].name);
					exit(1);
				}
			t = now_us() - t0;
			if (t < s[k].jscan)
				s[k].jscan = t;
		}
		s[k].floor = 1e18;
		for (r = 0; r < rounds; r++) {
			t0 = now_us();
			for (i = 0; i < s[k].nbodies; i++)
				parse_only(k == 3 || k == 4, s[k].bodies[i],
				    strlen(s[k].bodies[i]));
			t = now_us() - t0;
			if (t < s[k].floor)
				s[k].floor = t;
		}
	}
	printf("decode of one refresh of every source, %d nodes, %d meetings "
	    "per node, %d rounds\n", n, m, rounds);
	printf("%-30s %9s %9s %9s %9s %6s %8s %6s\n", "source", "bytes",
	    "best ms", "mean ms", "parse ms", "MB/s", "jscan ms", "MB/s");
	for (k = 0; k < 7; k++) {
		printf("%-30s %9zu %9.2f %9.2f %9.2f %6.0f", s[k].name,
		    s[k].bytes, s[k].best / 1e3, s[k].sum / rounds / 1e3,
		    s[k].floor / 1e3, s[k].bytes / s[k].best);
		if (k != 3 && k != 4)
			printf(" %8.2f %6.0f", s[k].jscan / 1e3,
			    s[k].bytes / s[k].jscan);
		printf("\n");
		total_best += s[k].best;
		total_sum += s[k].sum / rounds;
		total_floor += s[k].floor;
		total_bytes += s[k].bytes;
		if (k != 3 && k != 4) {
			steady_best += s[k].best;
			steady_bytes += s[k].bytes;
		}
	}
	printf("%-30s %9zu %9.2f %9.2f %9.2f %6.0f\n", "total", total_bytes,
	    total_best / 1e3, total_sum / 1e3, total_floor / 1e3,
	    total_bytes / total_best);
	printf("%-30s %9zu %9.2f\n", "refresh without meetings",
	    steady_bytes, steady_best / 1e3);
	for (k = 0; k < 7; k++) {
		for (i = 0; i < s[k].nbodies; i++)
			free(s[k].bodies[i]);
		free(s[k].bodies);
	}
	return (0);
}
