/*
 * test-sim-metrics.c: the simulated exporters' text exposition format
 * (Prometheus text format 0.0.4: "# HELP name text", "# TYPE name type"
 * before the family's samples, name{label="value",...} value, label
 * values escaped) and the metric names of each exporter and bbb-exporter
 * version (apis.md §4.4-4.5, scalelite-bbb.md §3), plus SIM_METRICS
 * routing on a world.
 */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "util.h"
#include "sim/sim.h"
#include "sim/sim-prom.h"

static void
view(struct sim_mview *v, int version)
{
	int	 c;

	memset(v, 0, sizeof *v);
	v->t_ms = 1700000000123LL;
	v->up = v->exporter_up = v->api_ok = true;
	v->version = version;
	v->ncpu = 8;
	for (c = 0; c < 8; c++) {
		v->cpu_idle[c] = 2058049.87 + c;
		v->cpu_busy[c] = 120345.5 + c;
	}
	v->mem_total = 16e9;
	v->mem_used = 5e9;
	v->rx = 83991209;
	v->tx = 2e9;
	v->lo = 12345;
	v->load1 = 2.5;
	v->load5 = 2.1;
	v->load15 = 1.9;
	v->start_s = 1699990000;
	v->boot_s = 1699989000;
	v->meetings = 3;
	v->participants = 57;
	v->pmax = 31;
	v->listeners = 20;
	v->voice = 18;
	v->video = 9;
	v->dialin = 1;
	v->hist_part[3] = 1;
	v->unique_meetings = 17;
	v->scrapes = 100;
}

/* ---------------------------------------------------------------------- */
/* A small checker of the text format. */

struct fam {
	char	 name[128];
	char	 type[16];
	bool	 help;
	bool	 samples;
};

struct check {
	struct fam	 f[256];
	size_t		 nf;
	char		*cur;		/* family of the last TYPE */
	char		 names[512][128];	/* sample names seen */
	size_t		 nnames;
};

static struct fam *
fam_get(struct check *ck, const char *name, bool create)
{
	size_t	 i;

	for (i = 0; i < ck->nf; i++) {
		if (strcmp(ck->f[i].name, name) == 0)
			return (&ck->f[i]);
	}
	if (!create)
		return (NULL);
	assert_true(ck->nf < nitems(ck->f));
	memset(&ck->f[ck->nf], 0, sizeof ck->f[0]);
	snprintf(ck->f[ck->nf].name, sizeof ck->f[0].name, "%s", name);
	return (&ck->f[ck->nf++]);
}

static bool
valid_name(const char *s, size_t n, bool label)
{
	size_t	 i;

	if (n == 0)
		return (false);
	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]) || s[i] == '_' ||
		    (!label && s[i] == ':'))
			continue;
		if (i > 0 && isdigit((unsigned char)s[i]))
			continue;
		return (false);
	}
	return (true);
}

static bool
valid_value(const char *s)
{
	char	*end;

	if (strcmp(s, "NaN") == 0 || strcmp(s, "+Inf") == 0 ||
	    strcmp(s, "-Inf") == 0)
		return (true);
	strtod(s, &end);
	return (end != s && *end == '\0');
}

/* Family a sample belongs to, by the rules of the format. */
static struct fam *
sample_family(struct check *ck, const char *name)
{
	static const char *const sfx[] = { "_bucket", "_count", "_sum" };
	struct fam	*f;
	char		 base[128];
	size_t		 i, n = strlen(name), sl;

	if ((f = fam_get(ck, name, false)) != NULL)
		return (f);
	for (i = 0; i < nitems(sfx); i++) {
		sl = strlen(sfx[i]);
		if (n > sl && strcmp(name + n - sl, sfx[i]) == 0) {
			snprintf(base, sizeof base, "%.*s", (int)(n - sl),
			    name);
			f = fam_get(ck, base, false);
			if (f != NULL && (strcmp(f->type, "histogram") == 0 ||
			    strcmp(f->type, "summary") == 0))
				return (f);
		}
	}
	return (NULL);
}

static void
check_text(struct check *ck, const char *text)
{
	char		*copy = xstrdup(text), *line, *next, *p, *q;
	char		 name[128], kw[8], type[16];
	struct fam	*f;
	size_t		 ln = 0, n;

	memset(ck, 0, sizeof *ck);
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	for (line = copy; *line != '\0'; line = next) {
		ln++;
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		if (line[0] == '#') {
			if (sscanf(line, "# %7s %127s", kw, name) != 2)
				fail_msg("line %zu: bad comment: %s", ln, line);
			if (strcmp(kw, "HELP") == 0) {
				f = fam_get(ck, name, true);
				if (f->help || f->samples)
					fail_msg("line %zu: HELP again or "
					    "after samples: %s", ln, line);
				f->help = true;
				/* help text: only \\ and \n escapes */
				p = line + 7 + strlen(name);
				for (; *p != '\0'; p++) {
					if (*p == '\\' && p[1] != '\\' &&
					    p[1] != 'n')
						fail_msg("line %zu: bad escape",
						    ln);
					if (*p == '\\')
						p++;
				}
			} else if (strcmp(kw, "TYPE") == 0) {
				if (sscanf(line, "# TYPE %127s %15s", name,
				    type) != 2)
					fail_msg("line %zu: %s", ln, line);
				if (strcmp(type, "counter") != 0 &&
				    strcmp(type, "gauge") != 0 &&
				    strcmp(type, "histogram") != 0 &&
				    strcmp(type, "summary") != 0 &&
				    strcmp(type, "untyped") != 0)
					fail_msg("line %zu: type %s", ln,
					    type);
				f = fam_get(ck, name, true);
				if (f->type[0] != '\0' || f->samples)
					fail_msg("line %zu: TYPE again or "
					    "after samples: %s", ln, line);
				snprintf(f->type, sizeof f->type, "%s", type);
			} else
				fail_msg("line %zu: %s", ln, line);
			continue;
		}
		/* name{labels} value */
		n = strcspn(line, "{ ");
		if (!valid_name(line, n, false))
			fail_msg("line %zu: bad name: %s", ln, line);
		snprintf(name, sizeof name, "%.*s", (int)n, line);
		p = line + n;
		if (*p == '{') {
			p++;
			while (*p != '}') {
				n = strcspn(p, "=");
				if (!valid_name(p, n, true) || p[n] != '=' ||
				    p[n + 1] != '"')
					fail_msg("line %zu: bad label: %s",
					    ln, line);
				p += n + 2;
				while (*p != '"') {
					if (*p == '\0' || *p == '\n')
						fail_msg("line %zu: open "
						    "label value", ln);
					if (*p == '\\') {
						if (p[1] != '\\' &&
						    p[1] != '"' && p[1] != 'n')
							fail_msg("line %zu: "
							    "bad escape", ln);
						p++;
					}
					p++;
				}
				p++;
				if (*p == ',')
					p++;
				else if (*p != '}')
					fail_msg("line %zu: after label: %s",
					    ln, line);
			}
			p++;
		}
		if (*p != ' ')
			fail_msg("line %zu: no value: %s", ln, line);
		p++;
		q = strchr(p, ' ');
		if (q != NULL)
			fail_msg("line %zu: timestamp not expected", ln);
		if (!valid_value(p))
			fail_msg("line %zu: bad value \"%s\"", ln, p);
		f = sample_family(ck, name);
		if (f == NULL || f->type[0] == '\0')
			fail_msg("line %zu: sample without TYPE: %s", ln,
			    line);
		f->samples = true;
		if (ck->nnames < nitems(ck->names))
			snprintf(ck->names[ck->nnames++], sizeof ck->names[0],
			    "%s", name);
	}
	free(copy);
}

static bool
has_family(struct check *ck, const char *name, const char *type)
{
	struct fam	*f = fam_get(ck, name, false);

	return (f != NULL && f->samples && f->help &&
	    (type == NULL || strcmp(f->type, type) == 0));
}

static bool
has_prefix(struct check *ck, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < ck->nf; i++) {
		if (strncmp(ck->f[i].name, prefix, strlen(prefix)) == 0)
			return (true);
	}
	return (false);
}

/* ---------------------------------------------------------------------- */

static void
test_node_exporter(void **state)
{
	static const char *const modes[] = {
		"idle", "iowait", "irq", "nice", "softirq", "steal",
		"system", "user"
	};
	struct sim_mview	 v;
	struct check		 ck;
	char			*t, want[128];
	size_t			 c, m, i;

	(void)state;
	view(&v, 2);
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_NODE);
	check_text(&ck, t);
	assert_true(has_family(&ck, "node_cpu_seconds_total", "counter"));
	for (c = 0; c < 8; c++) {
		for (m = 0; m < nitems(modes); m++) {
			snprintf(want, sizeof want, "node_cpu_seconds_total"
			    "{cpu=\"%zu\",mode=\"%s\"} ", c, modes[m]);
			if (strstr(t, want) == NULL)
				fail_msg("missing %s", want);
		}
	}
	assert_true(has_family(&ck, "node_load1", "gauge"));
	assert_true(has_family(&ck, "node_load5", "gauge"));
	assert_true(has_family(&ck, "node_load15", "gauge"));
	assert_true(has_family(&ck, "node_memory_MemTotal_bytes", "gauge"));
	assert_true(has_family(&ck, "node_memory_MemAvailable_bytes",
	    "gauge"));
	assert_true(has_family(&ck, "node_memory_MemFree_bytes", "gauge"));
	assert_true(has_family(&ck, "node_memory_Cached_bytes", "gauge"));
	assert_true(has_family(&ck, "node_memory_Buffers_bytes", "gauge"));
	assert_true(has_family(&ck, "node_network_receive_bytes_total",
	    "counter"));
	assert_true(has_family(&ck, "node_network_transmit_bytes_total",
	    "counter"));
	assert_non_null(strstr(t, "node_network_receive_bytes_total"
	    "{device=\"eth0\"} 8.3991209e+07\n"));
	assert_non_null(strstr(t, "node_network_receive_bytes_total"
	    "{device=\"lo\"} "));
	assert_non_null(strstr(t, "node_load1 2.5\n"));
	assert_non_null(strstr(t, "node_memory_MemTotal_bytes 1.6e+10\n"));
	/* idle time as printed: 2 decimals, Go 'g' */
	assert_non_null(strstr(t, "node_cpu_seconds_total{cpu=\"0\","
	    "mode=\"idle\"} 2.05804987e+06\n"));
	/* client_golang sorts families by name */
	for (i = 1; i < ck.nf; i++)
		assert_true(strcmp(ck.f[i - 1].name, ck.f[i].name) < 0);
	/* no bbb or process metrics here */
	assert_false(has_prefix(&ck, "bbb_"));
	assert_false(has_prefix(&ck, "namedprocess_"));
	free(t);

	/* label values are escaped */
	t = sim_metrics_text(&v, "we\"ird\\na\nme", SIM_EXP_NODE);
	check_text(&ck, t);
	assert_non_null(strstr(t, "nodename=\"we\\\"ird\\\\na\\nme\""));
	free(t);
}

static void
test_process_exporter(void **state)
{
	struct sim_mview	 v;
	struct check		 ck;
	char			*t;

	(void)state;
	view(&v, 2);
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_PROCESS);
	check_text(&ck, t);
	assert_true(has_family(&ck, "namedprocess_namegroup_num_procs",
	    "gauge"));
	assert_true(has_family(&ck, "namedprocess_namegroup_cpu_seconds_total",
	    "counter"));
	assert_true(has_family(&ck, "namedprocess_namegroup_memory_bytes",
	    "gauge"));
	assert_true(has_family(&ck,
	    "namedprocess_namegroup_context_switches_total", "counter"));
	assert_true(has_family(&ck, "namedprocess_namegroup_states", "gauge"));
	assert_non_null(strstr(t, "namedprocess_namegroup_cpu_seconds_total"
	    "{groupname=\"freeswitch\",mode=\"user\"} "));
	assert_non_null(strstr(t, "namedprocess_namegroup_memory_bytes"
	    "{groupname=\"bbb-html5\",memtype=\"resident\"} "));
	assert_non_null(strstr(t, "groupname=\"kurento\""));
	assert_non_null(strstr(t, "groupname=\"nginx\""));
	assert_non_null(strstr(t, "groupname=\"java\""));
	assert_false(has_prefix(&ck, "node_"));
	free(t);
	/* v0.7 nodes run a newer BBB: mediasoup instead of kurento */
	view(&v, 7);
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_PROCESS);
	check_text(&ck, t);
	assert_non_null(strstr(t, "groupname=\"mediasoup\""));
	assert_null(strstr(t, "groupname=\"kurento\""));
	free(t);
}

static const char *const v02_names[] = {
	"bbb_meetings", "bbb_meetings_participants", "bbb_meetings_listeners",
	"bbb_meetings_voice_participants", "bbb_meetings_video_participants",
	"bbb_recordings_processing", "bbb_recordings_processed",
	"bbb_recordings_published", "bbb_recordings_unpublished",
	"bbb_recordings_deleted", "bbb_api_up", "bbb_api_latency",
};

static void
test_bbb_v02(void **state)
{
	struct sim_mview	 v;
	struct check		 ck;
	char			*t;
	size_t			 i, k;

	(void)state;
	view(&v, 2);
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_BBB);
	check_text(&ck, t);
	for (i = 0; i < nitems(v02_names); i++) {
		if (!has_family(&ck, v02_names[i], NULL))
			fail_msg("v0.2 lacks %s", v02_names[i]);
	}
	assert_true(has_family(&ck, "bbb_api_latency", "histogram"));
	/* only the v0.2 names among bbb_* */
	for (i = 0; i < ck.nf; i++) {
		if (strncmp(ck.f[i].name, "bbb_", 4) != 0)
			continue;
		for (k = 0; k < nitems(v02_names); k++) {
			if (strcmp(ck.f[i].name, v02_names[k]) == 0)
				break;
		}
		if (k == nitems(v02_names))
			fail_msg("v0.2 has %s", ck.f[i].name);
	}
	/* client_python numbers */
	assert_non_null(strstr(t, "\nbbb_meetings 3.0\n"));
	assert_non_null(strstr(t, "\nbbb_meetings_participants 57.0\n"));
	assert_non_null(strstr(t, "\nbbb_meetings_voice_participants 18.0\n"));
	assert_non_null(strstr(t, "\nbbb_api_up 1.0\n"));
	assert_non_null(strstr(t, "bbb_api_latency_bucket{endpoint="
	    "\"getMeetings\",parameters=\"\",le=\"+Inf\"} 100.0\n"));
	assert_non_null(strstr(t, "bbb_api_latency_count{endpoint="
	    "\"getMeetings\",parameters=\"\"} 100.0\n"));
	assert_non_null(strstr(t, "parameters=\"state=processed\""));
	free(t);

	/* API down: counts read 0, bbb_api_up 0 */
	v.api_ok = false;
	v.meetings = 0;
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_BBB);
	assert_non_null(strstr(t, "\nbbb_api_up 0.0\n"));
	assert_non_null(strstr(t, "\nbbb_meetings 0.0\n"));
	free(t);
}

static void
test_bbb_v07(void **state)
{
	struct sim_mview	 v;
	struct check		 ck;
	char			*t;
	size_t			 i;

	(void)state;
	view(&v, 7);
	t = sim_metrics_text(&v, "bbb-01", SIM_EXP_BBB);
	check_text(&ck, t);
	for (i = 0; i < nitems(v02_names); i++) {
		if (strcmp(v02_names[i], "bbb_recordings_processed") == 0)
			continue;	/* removed in v0.4.0 */
		if (!has_family(&ck, v02_names[i], NULL))
			fail_msg("v0.7 lacks %s", v02_names[i]);
	}
	assert_false(has_family(&ck, "bbb_recordings_processed", NULL));
	assert_true(has_family(&ck, "bbb_meetings_participants_max", "gauge"));
	assert_non_null(strstr(t, "\nbbb_meetings_participants_max 31.0\n"));
	assert_true(has_family(&ck, "bbb_meetings_participant_clients",
	    "gauge"));
	assert_non_null(strstr(t, "bbb_meetings_participant_clients"
	    "{type=\"html5\"} 56.0\n"));
	assert_non_null(strstr(t, "bbb_meetings_participant_clients"
	    "{type=\"dial-in\"} 1.0\n"));
	/* gauge histogram: TYPE histogram, _gcount/_gsum gauges */
	assert_true(has_family(&ck, "bbb_room_participants", "histogram"));
	assert_true(has_family(&ck, "bbb_room_participants_gcount", "gauge"));
	assert_true(has_family(&ck, "bbb_room_participants_gsum", "gauge"));
	assert_true(has_family(&ck, "bbb_room_listeners", "histogram"));
	assert_true(has_family(&ck, "bbb_room_voice_participants",
	    "histogram"));
	assert_true(has_family(&ck, "bbb_room_video_participants",
	    "histogram"));
	assert_non_null(strstr(t, "bbb_room_participants_bucket{le=\"15\"} "
	    "1.0\n"));
	assert_non_null(strstr(t, "bbb_room_participants_bucket{le=\"+Inf\"}"));
	assert_non_null(strstr(t, "\nbbb_room_participants_gsum 57.0\n"));
	/* counters get _total */
	assert_true(has_family(&ck, "bbb_unique_meetings_total", "counter"));
	assert_non_null(strstr(t, "\nbbb_unique_meetings_total 17.0\n"));
	assert_true(has_family(&ck, "bbb_unique_breakout_rooms_total",
	    "counter"));
	assert_true(has_family(&ck, "bbb_exporter", "gauge"));
	assert_non_null(strstr(t, "bbb_exporter{version=\"0.7.1\"} 1.0\n"));
	free(t);
}

/* ---------------------------------------------------------------------- */
/* SIM_METRICS on a world. */

struct treq {
	struct sim_req	 req;
};

static const char *
treq_header(const struct sim_req *req, const char *name)
{
	(void)req;
	(void)name;
	return (NULL);
}

static struct sim_resp
get(struct sim_world *w, const char *path, const char *host)
{
	struct treq	 t;
	struct sim_resp	 r;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	t.req.system = SIM_METRICS;
	t.req.method = "GET";
	t.req.path = path;
	t.req.query = "";
	t.req.host = host;
	t.req.body = "";
	t.req.header = treq_header;
	r.status = 200;
	sim_metrics_handle(w, &t.req, &r);
	return (r);
}

static void
test_routing(void **state)
{
	struct sim_world	*w = sim_world_new(4, 5, 0.0, "clean");
	struct sim_resp		 r;
	struct check		 ck;
	char			*t;
	size_t			 i;
	int			 n7 = 0;

	(void)state;
	assert_non_null(w);
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 2000);

	r = get(w, "/metrics/bbb-02/node", "127.0.0.1:1");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.content_type, "text/plain; version=0.0.4"));
	check_text(&ck, r.body);
	assert_true(has_family(&ck, "node_cpu_seconds_total", "counter"));
	sim_resp_clear(&r);
	r = get(w, "/metrics/bbb-02/process", "127.0.0.1:1");
	assert_int_equal(r.status, 200);
	check_text(&ck, r.body);
	assert_true(has_prefix(&ck, "namedprocess_namegroup_"));
	sim_resp_clear(&r);
	r = get(w, "/metrics/bbb-02/bbb", "127.0.0.1:1");
	assert_int_equal(r.status, 200);
	check_text(&ck, r.body);
	assert_true(has_family(&ck, "bbb_meetings", "gauge"));
	sim_resp_clear(&r);
	/* by Host header */
	r = get(w, "/metrics", "bbb-03.localhost:4000");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\nbbb_api_up "));
	sim_resp_clear(&r);
	r = get(w, "/metrics/node", "bbb-03.localhost:4000");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "nodename=\"bbb-03\""));
	sim_resp_clear(&r);
	/* unknown node, exporter, path */
	r = get(w, "/metrics/bbb-99/node", "127.0.0.1:1");
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);
	r = get(w, "/metrics/bbb-01/nope", "127.0.0.1:1");
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);
	r = get(w, "/elsewhere", "127.0.0.1:1");
	assert_int_equal(r.status, 404);
	sim_resp_clear(&r);
	/* a down exporter, a down node: 503 for all three */
	w->nodes[0].exporter_up = false;
	w->nodes[1].up = false;
	r = get(w, "/metrics/bbb-01/node", "127.0.0.1:1");
	assert_int_equal(r.status, 503);
	sim_resp_clear(&r);
	r = get(w, "/metrics/bbb-02/bbb", "127.0.0.1:1");
	assert_int_equal(r.status, 503);
	sim_resp_clear(&r);
	r = get(w, "/metrics/bbb-02/process", "127.0.0.1:1");
	assert_int_equal(r.status, 503);
	sim_resp_clear(&r);

	/* profile "clean": all on v0.2.0 */
	for (i = 0; i < w->nnodes; i++)
		assert_int_equal(w->nodes[i].bbb_exporter_version, 2);
	/* sim_metrics_render in a given version */
	t = sim_metrics_render(w, 2, 2);
	check_text(&ck, t);
	assert_false(has_family(&ck, "bbb_exporter", NULL));
	free(t);
	t = sim_metrics_render(w, 2, 7);
	check_text(&ck, t);
	assert_true(has_family(&ck, "bbb_exporter", NULL));
	free(t);

	pthread_mutex_unlock(&w->lock);
	sim_world_free(w);

	/* profile "default": a mix, some nodes on v0.7.1 */
	w = sim_world_new(8, 5, 0.0, "default");
	assert_non_null(w);
	pthread_mutex_lock(&w->lock);
	sim_world_advance(w, 1000);
	for (i = 0; i < w->nnodes; i++) {
		assert_true(w->nodes[i].bbb_exporter_version == 2 ||
		    w->nodes[i].bbb_exporter_version == 7);
		t = sim_metrics_render(w, i, 0);
		if (w->nodes[i].bbb_exporter_version == 7) {
			n7++;
			assert_non_null(strstr(t, "bbb_exporter{version="));
		} else
			assert_null(strstr(t, "bbb_exporter{version="));
		free(t);
	}
	assert_true(n7 >= 1 && n7 < (int)w->nnodes);
	pthread_mutex_unlock(&w->lock);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_exporter),
		cmocka_unit_test(test_process_exporter),
		cmocka_unit_test(test_bbb_v02),
		cmocka_unit_test(test_bbb_v07),
		cmocka_unit_test(test_routing),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
