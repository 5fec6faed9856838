/*
 * sim-exporters.c: what the exporters of a simulated node print, as a
 * pure function of a struct sim_mview, in the Prometheus text exposition
 * format (version 0.0.4) as the real programs print it: node_exporter
 * and process-exporter through client_golang (families sorted by name,
 * label pairs sorted, Go's shortest 'g' numbers), bbb-exporter through
 * client_python (collector order, "1.0" numbers, gauge histograms with
 * separate _gcount/_gsum gauges).  Also the number formats of the
 * Prometheus HTTP API.
 *
 * bbb-exporter comes in the two metric sets of greenstatic's releases:
 * v0.2.0 (the seed deployment) and v0.7.1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim-prom.h"
#include "util.h"

const char *const sim_exporter_job[SIM_NEXPORTERS] = {
	"node", "process", "bbb"
};
const int sim_exporter_port[SIM_NEXPORTERS] = { 9100, 9256, 9688 };

const double sim_room_pbounds[SIM_MVIEW_PBUCKETS] = {
	0, 1, 5, 15, 30, 60, 90, 120, 150, 200, 250, 300, 400, 500, INFINITY
};
const double sim_room_vbounds[SIM_MVIEW_VBUCKETS] = {
	0, 1, 5, 15, 30, 60, 90, 120, INFINITY
};

/* ---------------------------------------------------------------------- */
/* Numbers. */

/*
 * Shortest decimal digits that read back as v (v finite, > 0): digits
 * into d (no dot), returns their count and the decimal exponent of the
 * first digit in *e.
 */
static int
fmt_shortest(double v, char *d, size_t dsize, int *e)
{
	char	 tmp[64], *p;
	int	 lo = 1, hi = 17, mid, n;

	/*
	 * An integer below 2^53 is its own shortest form: doubles there
	 * are at most 1 apart, and fewer digits would change it by 1 or
	 * more.
	 */
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(tmp, sizeof tmp, "%.0f", fabs(v));
		n = 0;
		for (p = tmp; *p != '\0' && (size_t)n + 1 < dsize; p++)
			d[n++] = *p;
		d[n] = '\0';
		*e = n - 1;
		while (n > 1 && d[n - 1] == '0')
			d[--n] = '\0';
		return (n);
	}

	/*
	 * The fewest digits that read back as v, by bisection: a p-digit
	 * number is also a (p+1)-digit one, so the nearest (p+1)-digit
	 * number is never farther from v, and round-tripping grows with p.
	 * 17 digits always round-trip.
	 */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		snprintf(tmp, sizeof tmp, "%.*e", mid - 1, v);
		if (strtod(tmp, NULL) == v)
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(tmp, sizeof tmp, "%.*e", lo - 1, v);
	n = 0;
	for (p = tmp; *p != '\0' && *p != 'e'; p++) {
		if (*p >= '0' && *p <= '9' && (size_t)n + 1 < dsize)
			d[n++] = *p;
	}
	d[n] = '\0';
	*e = (*p == 'e') ? (int)strtol(p + 1, NULL, 10) : 0;
	/* Trailing zeros are not significant. */
	while (n > 1 && d[n - 1] == '0')
		d[--n] = '\0';
	return (n);
}

static void
fmt_digits_e(struct buf *b, const char *d, int n, int e)
{
	buf_addc(b, d[0]);
	if (n > 1) {
		buf_addc(b, '.');
		buf_add(b, d + 1, n - 1);
	}
	buf_printf(b, "e%c%02d", e < 0 ? '-' : '+', abs(e));
}

static void
fmt_digits_f(struct buf *b, const char *d, int n, int e)
{
	int	 i;

	if (e < 0) {
		buf_adds(b, "0.");
		for (i = 0; i < -e - 1; i++)
			buf_addc(b, '0');
		buf_add(b, d, n);
		return;
	}
	for (i = 0; i <= e; i++)
		buf_addc(b, i < n ? d[i] : '0');
	if (n > e + 1) {
		buf_addc(b, '.');
		buf_add(b, d + e + 1, n - e - 1);
	}
}

void
sim_fmt_go(struct buf *b, double v, char fmt)
{
	char	 d[32];
	int	 n, e;

	if (isnan(v)) {
		buf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		buf_adds(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (signbit(v))
		buf_addc(b, '-');
	v = fabs(v);
	if (v == 0) {
		buf_adds(b, fmt == 'e' ? "0e+00" : "0");
		return;
	}
	n = fmt_shortest(v, d, sizeof d, &e);
	if (fmt == 'g')
		fmt = (e < -4 || e >= 6) ? 'e' : 'f';	/* eprec 6 */
	if (fmt == 'e')
		fmt_digits_e(b, d, n, e);
	else
		fmt_digits_f(b, d, n, e);
}

void
sim_fmt_text_go(struct buf *b, double v)
{
	if (v == 1)
		buf_addc(b, '1');
	else if (v == 0)
		buf_addc(b, '0');
	else if (v == -1)
		buf_adds(b, "-1");
	else
		sim_fmt_go(b, v, 'g');
}

/* Python's repr() of a float. */
static void
fmt_py_repr(struct buf *b, double v)
{
	char	 d[32];
	int	 n, e;

	if (signbit(v))
		buf_addc(b, '-');
	v = fabs(v);
	if (v == 0) {
		buf_adds(b, "0.0");
		return;
	}
	n = fmt_shortest(v, d, sizeof d, &e);
	if (e < -4 || e >= 16) {
		fmt_digits_e(b, d, n, e);
		return;
	}
	fmt_digits_f(b, d, n, e);
	if (n <= e + 1)
		buf_adds(b, ".0");
}

void
sim_fmt_text_py(struct buf *b, double v)
{
	struct buf	 r = { 0 };
	char		*s, *dot;
	size_t		 ndot, len;

	if (isnan(v)) {
		buf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		buf_adds(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	fmt_py_repr(&r, v);
	s = r.data;
	dot = strchr(s, '.');
	ndot = dot != NULL ? (size_t)(dot - s) : 0;
	if (v > 0 && dot != NULL && ndot > 6) {
		/* Go switches to exponents sooner than Python. */
		struct buf	 m = { 0 };

		buf_addc(&m, s[0]);
		buf_addc(&m, '.');
		buf_add(&m, s + 1, ndot - 1);
		buf_adds(&m, dot + 1);
		len = m.len;
		while (len > 0 && (m.data[len - 1] == '0' ||
		    m.data[len - 1] == '.'))
			len--;
		buf_add(b, m.data, len);
		buf_printf(b, "e+0%zu", ndot - 1);
		buf_free(&m);
	} else
		buf_adds(b, s);
	buf_free(&r);
}

void
sim_fmt_json_value(struct buf *b, double v)
{
	double	 a = fabs(v);

	buf_addc(b, '"');
	if (a != 0 && !isnan(a) && !isinf(a) && (a < 1e-6 || a >= 1e21))
		sim_fmt_go(b, v, 'e');
	else
		sim_fmt_go(b, v, 'f');
	buf_addc(b, '"');
}

void
sim_fmt_json_time(struct buf *b, int64_t ms)
{
	int64_t	 frac;

	if (ms < 0) {
		buf_addc(b, '-');
		ms = -ms;
	}
	buf_printf(b, "%lld", (long long)(ms / 1000));
	frac = ms % 1000;
	if (frac != 0)
		buf_printf(b, ".%03lld", (long long)frac);
}

/* ---------------------------------------------------------------------- */
/* Generators. */

#define FAM(e, name, type, help) \
	(e)->family_cb((e)->arg, (name), (type), (help))
#define S0(e, name, v) \
	(e)->sample_cb((e)->arg, (name), NULL, 0, (v))

static void
S1(const struct sim_memit *e, const char *name, const char *k,
    const char *val, double v)
{
	struct sim_mlabel	 l[1] = { { k, val } };

	e->sample_cb(e->arg, name, l, 1, v);
}

static void
S2(const struct sim_memit *e, const char *name, const char *k1,
    const char *v1, const char *k2, const char *v2, double v)
{
	struct sim_mlabel	 l[2] = { { k1, v1 }, { k2, v2 } };

	e->sample_cb(e->arg, name, l, 2, v);
}

static double
round2(double v)
{
	return (round(v * 100) / 100);
}

static double
busy_total(const struct sim_mview *v)
{
	double	 s = 0;
	int	 c;

	for (c = 0; c < v->ncpu; c++)
		s += v->cpu_busy[c];
	return (s);
}

static double
idle_total(const struct sim_mview *v)
{
	double	 s = 0;
	int	 c;

	for (c = 0; c < v->ncpu; c++)
		s += v->cpu_idle[c];
	return (s);
}

/* How busy time splits over node_exporter's modes (sorted by mode). */
static const struct {
	const char	*mode;
	double		 share;		/* of busy time */
} cpu_modes[] = {
	{ "idle", 0 },
	{ "iowait", 0.04 },
	{ "irq", 0.01 },
	{ "nice", 0.02 },
	{ "softirq", 0.07 },
	{ "steal", 0.04 },
	{ "system", 0.20 },
	{ "user", 0.62 },
};

static void
gen_node(const struct sim_mview *v, const char *nodename,
    const struct sim_memit *e)
{
	static const char *const cpus[SIM_MVIEW_MAXCPU] = {
		"0", "1", "2", "3", "4", "5", "6", "7"
	};
	struct sim_mlabel	 fs[3] = {
		{ "device", "/dev/vda1" }, { "fstype", "ext4" },
		{ "mountpoint", "/" }
	};
	struct sim_mlabel	 un[6] = {
		{ "domainname", "(none)" }, { "machine", "x86_64" },
		{ "nodename", nodename }, { "release", "5.4.0-167-generic" },
		{ "sysname", "Linux" },
		{ "version", "#184-Ubuntu SMP Tue Oct 31 09:21:49 UTC 2023" }
	};
	struct sim_mlabel	 bi[7] = {
		{ "branch", "HEAD" }, { "goarch", "amd64" },
		{ "goos", "linux" }, { "goversion", "go1.19.3" },
		{ "revision", "1b48970ffcf5630534fb00bb0687d73c66d1c959" },
		{ "tags", "netgo osusergo static_build" },
		{ "version", "1.5.0" }
	};
	double	 busy = busy_total(v), idle = idle_total(v), avail, size;
	size_t	 m;
	int	 c;

	FAM(e, "go_goroutines", SIM_MT_GAUGE,
	    "Number of goroutines that currently exist.");
	S0(e, "go_goroutines", 8);
	FAM(e, "go_info", SIM_MT_GAUGE,
	    "Information about the Go environment.");
	S1(e, "go_info", "version", "go1.19.3", 1);

	FAM(e, "node_boot_time_seconds", SIM_MT_GAUGE,
	    "Node boot time, in unixtime.");
	S0(e, "node_boot_time_seconds", v->boot_s);
	FAM(e, "node_context_switches_total", SIM_MT_COUNTER,
	    "Total number of context switches.");
	S0(e, "node_context_switches_total",
	    floor(busy * 2400 + idle * 90));
	FAM(e, "node_cpu_seconds_total", SIM_MT_COUNTER,
	    "Seconds the CPUs spent in each mode.");
	for (c = 0; c < v->ncpu; c++) {
		for (m = 0; m < nitems(cpu_modes); m++) {
			S2(e, "node_cpu_seconds_total", "cpu", cpus[c],
			    "mode", cpu_modes[m].mode, m == 0 ?
			    round2(v->cpu_idle[c]) :
			    round2(v->cpu_busy[c] * cpu_modes[m].share));
		}
	}
	FAM(e, "node_exporter_build_info", SIM_MT_GAUGE,
	    "A metric with a constant '1' value labeled by version, "
	    "revision, branch, goversion from which node_exporter was "
	    "built, and the goos and goarch for the build.");
	e->sample_cb(e->arg, "node_exporter_build_info", bi, nitems(bi), 1);

	size = 85899345920.0;
	avail = floor(size * 0.55 - (v->t_ms / 1000.0 - v->boot_s) * 2048);
	if (avail < size * 0.05)
		avail = size * 0.05;
	avail = floor(avail / 4096) * 4096;
	FAM(e, "node_filesystem_avail_bytes", SIM_MT_GAUGE,
	    "Filesystem space available to non-root users in bytes.");
	e->sample_cb(e->arg, "node_filesystem_avail_bytes", fs, 3, avail);
	FAM(e, "node_filesystem_size_bytes", SIM_MT_GAUGE,
	    "Filesystem size in bytes.");
	e->sample_cb(e->arg, "node_filesystem_size_bytes", fs, 3, size);
	FAM(e, "node_intr_total", SIM_MT_COUNTER,
	    "Total number of interrupts serviced.");
	S0(e, "node_intr_total", floor(busy * 1800 + idle * 40));

	FAM(e, "node_load1", SIM_MT_GAUGE, "1m load average.");
	S0(e, "node_load1", v->load1);
	FAM(e, "node_load15", SIM_MT_GAUGE, "15m load average.");
	S0(e, "node_load15", v->load15);
	FAM(e, "node_load5", SIM_MT_GAUGE, "5m load average.");
	S0(e, "node_load5", v->load5);

	avail = floor((v->mem_total - v->mem_used) / 4096) * 4096;
	FAM(e, "node_memory_Buffers_bytes", SIM_MT_GAUGE,
	    "Memory information field Buffers_bytes.");
	S0(e, "node_memory_Buffers_bytes",
	    floor(avail * 0.04 / 4096) * 4096);
	FAM(e, "node_memory_Cached_bytes", SIM_MT_GAUGE,
	    "Memory information field Cached_bytes.");
	S0(e, "node_memory_Cached_bytes", floor(avail * 0.52 / 4096) * 4096);
	FAM(e, "node_memory_MemAvailable_bytes", SIM_MT_GAUGE,
	    "Memory information field MemAvailable_bytes.");
	S0(e, "node_memory_MemAvailable_bytes", avail);
	FAM(e, "node_memory_MemFree_bytes", SIM_MT_GAUGE,
	    "Memory information field MemFree_bytes.");
	S0(e, "node_memory_MemFree_bytes", floor(avail * 0.38 / 4096) * 4096);
	FAM(e, "node_memory_MemTotal_bytes", SIM_MT_GAUGE,
	    "Memory information field MemTotal_bytes.");
	S0(e, "node_memory_MemTotal_bytes", floor(v->mem_total / 4096) * 4096);
	FAM(e, "node_memory_SwapFree_bytes", SIM_MT_GAUGE,
	    "Memory information field SwapFree_bytes.");
	S0(e, "node_memory_SwapFree_bytes", 0);
	FAM(e, "node_memory_SwapTotal_bytes", SIM_MT_GAUGE,
	    "Memory information field SwapTotal_bytes.");
	S0(e, "node_memory_SwapTotal_bytes", 0);

	FAM(e, "node_network_receive_bytes_total", SIM_MT_COUNTER,
	    "Network device statistic receive_bytes.");
	S1(e, "node_network_receive_bytes_total", "device", "eth0", v->rx);
	S1(e, "node_network_receive_bytes_total", "device", "lo", v->lo);
	FAM(e, "node_network_receive_packets_total", SIM_MT_COUNTER,
	    "Network device statistic receive_packets.");
	S1(e, "node_network_receive_packets_total", "device", "eth0",
	    floor(v->rx / 1100));
	S1(e, "node_network_receive_packets_total", "device", "lo",
	    floor(v->lo / 600));
	FAM(e, "node_network_transmit_bytes_total", SIM_MT_COUNTER,
	    "Network device statistic transmit_bytes.");
	S1(e, "node_network_transmit_bytes_total", "device", "eth0", v->tx);
	S1(e, "node_network_transmit_bytes_total", "device", "lo", v->lo);
	FAM(e, "node_network_transmit_packets_total", SIM_MT_COUNTER,
	    "Network device statistic transmit_packets.");
	S1(e, "node_network_transmit_packets_total", "device", "eth0",
	    floor(v->tx / 1150));
	S1(e, "node_network_transmit_packets_total", "device", "lo",
	    floor(v->lo / 600));
	FAM(e, "node_network_up", SIM_MT_GAUGE,
	    "Value is 1 if operstate is 'up', 0 otherwise.");
	S1(e, "node_network_up", "device", "eth0", 1);
	S1(e, "node_network_up", "device", "lo", 0);

	FAM(e, "node_procs_blocked", SIM_MT_GAUGE,
	    "Number of processes blocked waiting for I/O to complete.");
	S0(e, "node_procs_blocked", v->load1 > v->ncpu ? 1 : 0);
	FAM(e, "node_procs_running", SIM_MT_GAUGE,
	    "Number of processes in runnable state.");
	S0(e, "node_procs_running", floor(v->load1) + 1);
	FAM(e, "node_time_seconds", SIM_MT_GAUGE,
	    "System time in seconds since epoch (1970).");
	S0(e, "node_time_seconds", v->t_ms / 1000.0);
	FAM(e, "node_uname_info", SIM_MT_GAUGE,
	    "Labeled system information as provided by the uname system "
	    "call.");
	e->sample_cb(e->arg, "node_uname_info", un, 6, 1);

	FAM(e, "process_cpu_seconds_total", SIM_MT_COUNTER,
	    "Total user and system CPU time spent in seconds.");
	S0(e, "process_cpu_seconds_total",
	    round2((v->t_ms / 1000.0 - v->start_s) * 0.004));
	FAM(e, "process_open_fds", SIM_MT_GAUGE,
	    "Number of open file descriptors.");
	S0(e, "process_open_fds", 9);
	FAM(e, "process_resident_memory_bytes", SIM_MT_GAUGE,
	    "Resident memory size in bytes.");
	S0(e, "process_resident_memory_bytes", 21340160);
	FAM(e, "process_start_time_seconds", SIM_MT_GAUGE,
	    "Start time of the process since unix epoch in seconds.");
	S0(e, "process_start_time_seconds", v->start_s + 0.42);
}

/* process-exporter's groups (sorted by name, as client_golang prints). */
struct proc_group {
	const char	*name;
	double		 cpu;		/* share of node's busy time */
	double		 procs;
	double		 threads;
	double		 rss;		/* base bytes */
	double		 rss_part;	/* bytes per participant */
	double		 rss_voice;
	double		 rss_video;
	double		 io;		/* share of network bytes */
};

static const struct proc_group proc_groups_v2[] = {
	{ "bbb-html5", 0.14, 4, 44, 310e6, 2.1e6, 0, 0, 0.001 },
	{ "bbb-web", 0.03, 1, 61, 620e6, 0.2e6, 0, 0, 0.002 },
	{ "freeswitch", 0.22, 1, 58, 150e6, 0, 4.5e6, 0, 0.0005 },
	{ "java", 0.06, 3, 190, 820e6, 1.1e6, 0, 0, 0.001 },
	{ "kurento", 0.25, 3, 120, 210e6, 0, 0, 14e6, 0.0002 },
	{ "nginx", 0.05, 5, 5, 42e6, 0.05e6, 0, 0, 0.01 },
	{ "redis-server", 0.02, 1, 5, 31e6, 0.1e6, 0, 0, 0.0001 },
};

static const struct proc_group proc_groups_v7[] = {
	{ "bbb-html5", 0.14, 4, 44, 330e6, 2.1e6, 0, 0, 0.001 },
	{ "bbb-web", 0.03, 1, 61, 640e6, 0.2e6, 0, 0, 0.002 },
	{ "freeswitch", 0.22, 1, 58, 150e6, 0, 4.5e6, 0, 0.0005 },
	{ "java", 0.06, 3, 190, 850e6, 1.1e6, 0, 0, 0.001 },
	{ "mediasoup", 0.25, 8, 24, 120e6, 0, 0, 9e6, 0.0002 },
	{ "nginx", 0.05, 5, 5, 42e6, 0.05e6, 0, 0, 0.01 },
	{ "redis-server", 0.02, 1, 5, 31e6, 0.1e6, 0, 0, 0.0001 },
};

static double
group_rss(const struct proc_group *g, const struct sim_mview *v)
{
	return (floor((g->rss + g->rss_part * v->participants +
	    g->rss_voice * v->voice + g->rss_video * v->video) / 4096) * 4096);
}

static double
group_fds(const struct proc_group *g, const struct sim_mview *v)
{
	return (floor(g->procs * 20 + g->threads + v->participants *
	    (g->rss_part > 1e6 ? 2 : 0) + v->voice * (g->rss_voice > 0) * 3 +
	    v->video * (g->rss_video > 0) * 4));
}

static void
gen_process(const struct sim_mview *v, const struct sim_memit *e)
{
	static const char *const states[] = {
		"Other", "Running", "Sleeping", "Waiting", "Zombie"
	};
	static const char *const memtypes[] = {
		"resident", "swapped", "virtual"
	};
	const struct proc_group	*gs, *g;
	size_t			 ng, i, k;
	double			 busy = busy_total(v), cs, run, val;
	const char		*gn = "groupname";

	if (v->version == 7) {
		gs = proc_groups_v7;
		ng = nitems(proc_groups_v7);
	} else {
		gs = proc_groups_v2;
		ng = nitems(proc_groups_v2);
	}

	FAM(e, "namedprocess_namegroup_context_switches_total",
	    SIM_MT_COUNTER, "Context switches");
	for (k = 0; k < 2; k++) {
		for (i = 0; i < ng; i++) {
			g = &gs[i];
			cs = busy * g->cpu * (k == 0 ? 180 : 2900);
			S2(e, "namedprocess_namegroup_context_switches_total",
			    "ctxswitchtype", k == 0 ? "nonvoluntary" :
			    "voluntary", gn, g->name, floor(cs));
		}
	}
	FAM(e, "namedprocess_namegroup_cpu_seconds_total", SIM_MT_COUNTER,
	    "Cpu user usage in seconds");
	for (i = 0; i < ng; i++) {
		g = &gs[i];
		S2(e, "namedprocess_namegroup_cpu_seconds_total", gn, g->name,
		    "mode", "system", round2(busy * g->cpu * 0.27));
		S2(e, "namedprocess_namegroup_cpu_seconds_total", gn, g->name,
		    "mode", "user", round2(busy * g->cpu * 0.73));
	}
	FAM(e, "namedprocess_namegroup_major_page_faults_total",
	    SIM_MT_COUNTER, "Major page faults");
	for (i = 0; i < ng; i++) {
		S1(e, "namedprocess_namegroup_major_page_faults_total", gn,
		    gs[i].name, floor(gs[i].procs * 40 + busy * gs[i].cpu *
		    0.01));
	}
	FAM(e, "namedprocess_namegroup_memory_bytes", SIM_MT_GAUGE,
	    "number of bytes of memory in use");
	for (i = 0; i < ng; i++) {
		g = &gs[i];
		for (k = 0; k < nitems(memtypes); k++) {
			if (k == 0)
				val = group_rss(g, v);
			else if (k == 1)
				val = 0;
			else
				val = group_rss(g, v) * 3 + g->procs * 1.1e9;
			S2(e, "namedprocess_namegroup_memory_bytes", gn,
			    g->name, "memtype", memtypes[k], floor(val));
		}
	}
	FAM(e, "namedprocess_namegroup_minor_page_faults_total",
	    SIM_MT_COUNTER, "Minor page faults");
	for (i = 0; i < ng; i++) {
		S1(e, "namedprocess_namegroup_minor_page_faults_total", gn,
		    gs[i].name, floor(busy * gs[i].cpu * 350 +
		    gs[i].rss / 4096));
	}
	FAM(e, "namedprocess_namegroup_num_procs", SIM_MT_GAUGE,
	    "number of processes in this group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_num_procs", gn, gs[i].name,
		    gs[i].procs);
	FAM(e, "namedprocess_namegroup_num_threads", SIM_MT_GAUGE,
	    "Number of threads");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_num_threads", gn, gs[i].name,
		    gs[i].threads);
	FAM(e, "namedprocess_namegroup_oldest_start_time_seconds",
	    SIM_MT_GAUGE,
	    "start time in seconds since 1970/01/01 of oldest process in "
	    "group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_oldest_start_time_seconds", gn,
		    gs[i].name, floor(v->boot_s + 21 + 3 * (double)i));
	FAM(e, "namedprocess_namegroup_open_filedesc", SIM_MT_GAUGE,
	    "number of open file descriptors for this group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_open_filedesc", gn, gs[i].name,
		    group_fds(&gs[i], v));
	FAM(e, "namedprocess_namegroup_read_bytes_total", SIM_MT_COUNTER,
	    "number of bytes read by this group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_read_bytes_total", gn,
		    gs[i].name, floor(v->rx * gs[i].io / 4096) * 4096);
	FAM(e, "namedprocess_namegroup_states", SIM_MT_GAUGE,
	    "Number of processes in states Running, Sleeping, Waiting, "
	    "Zombie, or Other");
	for (i = 0; i < ng; i++) {
		g = &gs[i];
		run = (v->load1 * g->cpu >= 0.5) ? 1 : 0;
		for (k = 0; k < nitems(states); k++) {
			if (k == 1)
				val = run;
			else if (k == 2)
				val = g->procs - run;
			else
				val = 0;
			S2(e, "namedprocess_namegroup_states", gn, g->name,
			    "state", states[k], val);
		}
	}
	FAM(e, "namedprocess_namegroup_worst_fd_ratio", SIM_MT_GAUGE,
	    "the worst (closest to 1) ratio between open fds and max fds "
	    "among all procs in this group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_worst_fd_ratio", gn, gs[i].name,
		    group_fds(&gs[i], v) / gs[i].procs / 65536);
	FAM(e, "namedprocess_namegroup_write_bytes_total", SIM_MT_COUNTER,
	    "number of bytes written by this group");
	for (i = 0; i < ng; i++)
		S1(e, "namedprocess_namegroup_write_bytes_total", gn,
		    gs[i].name, floor(v->tx * gs[i].io * 0.5 / 4096) * 4096);
	FAM(e, "namedprocess_scrape_errors", SIM_MT_COUNTER,
	    "general scrape errors: no proc metrics collected during a cycle");
	S0(e, "namedprocess_scrape_errors", 0);
	FAM(e, "namedprocess_scrape_partial_errors", SIM_MT_COUNTER,
	    "incremented each time a tracked proc's metrics collection fails "
	    "partially, e.g. unreadable I/O stats");
	S0(e, "namedprocess_scrape_partial_errors", 0);
	FAM(e, "namedprocess_scrape_procread_errors", SIM_MT_COUNTER,
	    "incremented each time a proc's metrics collection fails");
	S0(e, "namedprocess_scrape_procread_errors", 0);
}

/* client_python's default collectors (gc, platform, process). */
static void
gen_python(const struct sim_mview *v, const struct sim_memit *e)
{
	static const char *const gens[] = { "0", "1", "2" };
	struct sim_mlabel	 pi[5] = {
		{ "implementation", "CPython" }, { "major", "3" },
		{ "minor", "8" }, { "patchlevel", "2" }, { "version", "3.8.2" }
	};
	double			 up = v->t_ms / 1000.0 - v->start_s;
	size_t			 i;

	if (v->version == 7) {
		pi[2].value = "11";
		pi[3].value = "8";
		pi[4].value = "3.11.8";
	}
	FAM(e, "python_gc_objects_collected_total", SIM_MT_COUNTER,
	    "Objects collected during gc");
	for (i = 0; i < 3; i++)
		S1(e, "python_gc_objects_collected_total", "generation",
		    gens[i], floor(v->scrapes * (i == 0 ? 31 : 2) + 400 /
		    (i + 1)));
	FAM(e, "python_gc_objects_uncollectable_total", SIM_MT_COUNTER,
	    "Uncollectable objects found during GC");
	for (i = 0; i < 3; i++)
		S1(e, "python_gc_objects_uncollectable_total", "generation",
		    gens[i], 0);
	FAM(e, "python_gc_collections_total", SIM_MT_COUNTER,
	    "Number of times this generation was collected");
	for (i = 0; i < 3; i++)
		S1(e, "python_gc_collections_total", "generation", gens[i],
		    floor(v->scrapes / (i == 0 ? 2 : 20 * (double)i) + 40));
	FAM(e, "python_info", SIM_MT_GAUGE, "Python platform information");
	e->sample_cb(e->arg, "python_info", pi, 5, 1);
	FAM(e, "process_virtual_memory_bytes", SIM_MT_GAUGE,
	    "Virtual memory size in bytes.");
	S0(e, "process_virtual_memory_bytes", 190881792);
	FAM(e, "process_resident_memory_bytes", SIM_MT_GAUGE,
	    "Resident memory size in bytes.");
	S0(e, "process_resident_memory_bytes", 31338496);
	FAM(e, "process_start_time_seconds", SIM_MT_GAUGE,
	    "Start time of the process since unix epoch in seconds.");
	S0(e, "process_start_time_seconds", v->start_s + 0.39);
	FAM(e, "process_cpu_seconds_total", SIM_MT_COUNTER,
	    "Total user and system CPU time spent in seconds.");
	S0(e, "process_cpu_seconds_total", round2(up * 0.002));
	FAM(e, "process_open_fds", SIM_MT_GAUGE,
	    "Number of open file descriptors.");
	S0(e, "process_open_fds", 7);
	FAM(e, "process_max_fds", SIM_MT_GAUGE,
	    "Maximum number of open file descriptors.");
	S0(e, "process_max_fds", 1048576);
}

/* bbb_api_latency: cumulative share of calls under each bound. */
static const struct {
	const char	*le;
	double		 cdf;
} api_buckets[] = {
	{ "0.01", 0 }, { "0.025", 0.04 }, { "0.05", 0.31 },
	{ "0.075", 0.62 }, { "0.1", 0.81 }, { "0.25", 0.96 },
	{ "0.5", 0.99 }, { "0.75", 0.997 }, { "1.0", 1 }, { "1.25", 1 },
	{ "1.5", 1 }, { "1.75", 1 }, { "2.0", 1 }, { "2.5", 1 },
	{ "5.0", 1 }, { "7.5", 1 }, { "10.0", 1 }, { "+Inf", 1 },
};

static void
gen_api_latency(const struct sim_mview *v, const struct sim_memit *e,
    const char *endpoint, const char *params, double mean)
{
	struct sim_mlabel	 l[3] = {
		{ "endpoint", endpoint }, { "parameters", params },
		{ "le", NULL }
	};
	size_t			 i;

	for (i = 0; i < nitems(api_buckets); i++) {
		l[2].value = api_buckets[i].le;
		e->sample_cb(e->arg, "bbb_api_latency_bucket", l, 3,
		    floor(v->scrapes * api_buckets[i].cdf));
	}
	e->sample_cb(e->arg, "bbb_api_latency_count", l, 2, v->scrapes);
	e->sample_cb(e->arg, "bbb_api_latency_sum", l, 2,
	    v->scrapes * mean);
}

static void
gen_room(const struct sim_memit *e, const char *name, const char *help,
    const int *h, const double *bounds, size_t n, double sum)
{
	struct sim_mlabel	 l[1] = { { "le", NULL } };
	char			 bname[96], le[16];
	size_t			 i;

	FAM(e, name, SIM_MT_HISTOGRAM, help);
	snprintf(bname, sizeof bname, "%s_bucket", name);
	for (i = 0; i < n; i++) {
		if (isinf(bounds[i]))
			l[0].value = "+Inf";
		else {
			snprintf(le, sizeof le, "%d", (int)bounds[i]);
			l[0].value = le;
		}
		e->sample_cb(e->arg, bname, l, 1, h[i]);
	}
	snprintf(bname, sizeof bname, "%s_gcount", name);
	FAM(e, bname, SIM_MT_GAUGE, help);
	S0(e, bname, h[n - 1]);
	snprintf(bname, sizeof bname, "%s_gsum", name);
	FAM(e, bname, SIM_MT_GAUGE, help);
	S0(e, bname, sum);
}

static void
gen_bbb(const struct sim_mview *v, const char *nodename,
    const struct sim_memit *e)
{
	static const char *const rec2[] = {
		"processing", "processed", "published", "unpublished",
		"deleted"
	};
	static const char *const rec7[] = {
		"unpublished", "processing", "published", "deleted"
	};
	const char *const	*rec;
	size_t			 nrec, i;
	char			 name[64], help[96], params[32], server[96];
	double			 val;

	gen_python(v, e);

	FAM(e, "bbb_meetings", SIM_MT_GAUGE,
	    "Number of BigBlueButton meetings");
	S0(e, "bbb_meetings", v->meetings);
	FAM(e, "bbb_meetings_participants", SIM_MT_GAUGE,
	    "Total number of participants in all BigBlueButton meetings");
	S0(e, "bbb_meetings_participants", v->participants);
	if (v->version == 7) {
		FAM(e, "bbb_meetings_participants_max", SIM_MT_GAUGE,
		    "Maximum number of participants in all BigBlueButton "
		    "meetings");
		S0(e, "bbb_meetings_participants_max", v->pmax);
	}
	FAM(e, "bbb_meetings_listeners", SIM_MT_GAUGE,
	    "Total number of listeners in all BigBlueButton meetings");
	S0(e, "bbb_meetings_listeners", v->listeners);
	FAM(e, "bbb_meetings_voice_participants", SIM_MT_GAUGE,
	    "Total number of voice participants in all BigBlueButton "
	    "meetings");
	S0(e, "bbb_meetings_voice_participants", v->voice);
	FAM(e, "bbb_meetings_video_participants", SIM_MT_GAUGE,
	    "Total number of video participants in all BigBlueButton "
	    "meetings");
	S0(e, "bbb_meetings_video_participants", v->video);

	if (v->version == 7) {
		FAM(e, "bbb_meetings_participant_clients", SIM_MT_GAUGE,
		    "Total number of participants in all BigBlueButton "
		    "meetings by client");
		S1(e, "bbb_meetings_participant_clients", "type", "html5",
		    v->participants - v->dialin);
		S1(e, "bbb_meetings_participant_clients", "type", "dial-in",
		    v->dialin);
		FAM(e, "bbb_meetings_participants_origin", SIM_MT_GAUGE,
		    "Total number of participants in all BigBlueButton "
		    "meetings by origin servername");
		if (v->participants > 0) {
			snprintf(server, sizeof server, "greenlight.%s",
			    nodename);
			S2(e, "bbb_meetings_participants_origin", "server",
			    server, "name", "greenlight", v->participants);
		}
		rec = rec7;
		nrec = nitems(rec7);
	} else {
		rec = rec2;
		nrec = nitems(rec2);
	}
	for (i = 0; i < nrec; i++) {
		snprintf(name, sizeof name, "bbb_recordings_%s", rec[i]);
		snprintf(help, sizeof help,
		    "Total number of BigBlueButton recordings %s", rec[i]);
		FAM(e, name, SIM_MT_GAUGE, help);
		if (strcmp(rec[i], "processing") == 0)
			val = v->recording / 3;
		else if (strcmp(rec[i], "processed") == 0)
			val = floor(v->unique_meetings * 0.3) + 12;
		else if (strcmp(rec[i], "published") == 0)
			val = floor(v->unique_meetings * 0.3) + 40;
		else if (strcmp(rec[i], "unpublished") == 0)
			val = 3;
		else
			val = floor(v->unique_meetings / 25) + 5;
		if (!v->api_ok)
			val = 0;
		S0(e, name, val);
	}

	if (v->version == 7) {
		FAM(e, "bbb_api_latency", SIM_MT_HISTOGRAM,
		    "BigBlueButton API call latency");
		gen_api_latency(v, e, "getMeetings", "", 0.061);
		for (i = 0; i < nrec; i++) {
			snprintf(params, sizeof params, "state=%s", rec[i]);
			gen_api_latency(v, e, "getRecordings", params, 0.043);
		}
	}
	FAM(e, "bbb_api_up", SIM_MT_GAUGE,
	    "1 if BigBlueButton API is responding 0 otherwise");
	S0(e, "bbb_api_up", v->api_ok ? 1 : 0);
	if (v->version != 7) {
		FAM(e, "bbb_api_latency", SIM_MT_HISTOGRAM,
		    "BigBlueButton API call latency");
		gen_api_latency(v, e, "getMeetings", "", 0.061);
		for (i = 0; i < nrec; i++) {
			snprintf(params, sizeof params, "state=%s", rec[i]);
			gen_api_latency(v, e, "getRecordings", params, 0.043);
		}
		return;
	}

	val = 0;
	gen_room(e, "bbb_room_participants",
	    "BigBlueButton room participants histogram gauge", v->hist_part,
	    sim_room_pbounds, SIM_MVIEW_PBUCKETS, v->participants);
	gen_room(e, "bbb_room_listeners",
	    "BigBlueButton room listeners histogram gauge", v->hist_listen,
	    sim_room_pbounds, SIM_MVIEW_PBUCKETS, v->listeners);
	gen_room(e, "bbb_room_voice_participants",
	    "BigBlueButton room voice participants histogram gauge",
	    v->hist_voice, sim_room_vbounds, SIM_MVIEW_VBUCKETS, v->voice);
	gen_room(e, "bbb_room_video_participants",
	    "BigBlueButton room video participants histogram gauge",
	    v->hist_video, sim_room_vbounds, SIM_MVIEW_VBUCKETS, v->video);
	FAM(e, "bbb_unique_meetings_total", SIM_MT_COUNTER,
	    "Unique non-breakout meetings counter");
	S0(e, "bbb_unique_meetings_total", v->unique_meetings);
	FAM(e, "bbb_unique_breakout_rooms_total", SIM_MT_COUNTER,
	    "Unique breakout rooms counter");
	S0(e, "bbb_unique_breakout_rooms_total", val);
	FAM(e, "bbb_exporter", SIM_MT_GAUGE, "BigBlueButton Exporter version");
	S1(e, "bbb_exporter", "version", "0.7.1", 1);
}

void
sim_metrics_gen(const struct sim_mview *v, const char *nodename,
    enum sim_exporter exp, const struct sim_memit *e)
{
	switch (exp) {
	case SIM_EXP_NODE:
		gen_node(v, nodename, e);
		break;
	case SIM_EXP_PROCESS:
		gen_process(v, e);
		break;
	case SIM_EXP_BBB:
		gen_bbb(v, nodename, e);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* Text exposition. */

struct text_state {
	struct buf	 b;
	bool		 python;
};

static void
text_escape(struct buf *b, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_adds(b, "\\\\");
		else if (*s == '\n')
			buf_adds(b, "\\n");
		else if (quote && *s == '"')
			buf_adds(b, "\\\"");
		else
			buf_addc(b, *s);
	}
}

static void
text_family_cb(void *arg, const char *name, enum sim_mtype type,
    const char *help)
{
	static const char *const types[] = {
		"counter", "gauge", "histogram", "untyped"
	};
	struct text_state	*ts = arg;

	buf_printf(&ts->b, "# HELP %s ", name);
	text_escape(&ts->b, help, false);
	buf_printf(&ts->b, "\n# TYPE %s %s\n", name, types[type]);
}

static void
text_sample_cb(void *arg, const char *name, const struct sim_mlabel *l,
    size_t n, double v)
{
	struct text_state	*ts = arg;
	size_t			 i;

	buf_adds(&ts->b, name);
	if (n > 0) {
		buf_addc(&ts->b, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&ts->b, ',');
			buf_printf(&ts->b, "%s=\"", l[i].name);
			text_escape(&ts->b, l[i].value, true);
			buf_addc(&ts->b, '"');
		}
		buf_addc(&ts->b, '}');
	}
	buf_addc(&ts->b, ' ');
	if (ts->python)
		sim_fmt_text_py(&ts->b, v);
	else
		sim_fmt_text_go(&ts->b, v);
	buf_addc(&ts->b, '\n');
}

char *
sim_metrics_text(const struct sim_mview *v, const char *nodename,
    enum sim_exporter exp)
{
	struct text_state	 ts = { { 0 }, exp == SIM_EXP_BBB };
	struct sim_memit	 e = { text_family_cb, text_sample_cb, &ts };

	buf_adds(&ts.b, "");
	sim_metrics_gen(v, nodename, exp, &e);
	return (buf_steal(&ts.b));
}
