/*
 * main.c: bbbctl-sim, a simulated BBB fleet speaking the real wire
 * formats (consul, Prometheus, scalelite, Rancher, OpenStack, per-node
 * /metrics), plus a control endpoint for tests.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "sim/sim.h"

#define SIM_MAX_NODES	100000
#define SIM_MAX_FAULTS	64

static __dead void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: bbbctl-sim [--nodes N] [--seed S] [--speed X] "
	    "[--listen ADDR]\n"
	    "                  [--port-base P] [--profile NAME] "
	    "[--poll-interval S]\n"
	    "                  [--no-consul-acl] [--write-config FILE] "
	    "[--fault SPEC]...\n"
	    "                  [--boot-delay MS] [--quota-instances N] "
	    "[--quota-cores N]\n"
	    "                  [--quota-ram MB] [--vm-fault KIND]\n"
	    "                  [--access-log FILE] [--vm-addr-base IPV4]\n"
	    "  SPEC is SYSTEM:PATH-PREFIX:KIND[:ARG]; SYSTEM consul, "
	    "prometheus, scalelite,\n"
	    "  rancher, openstack or metrics; KIND latency:MS, hang, "
	    "status:CODE, malformed,\n"
	    "  truncated, huge[:BYTES], reset or chunked.  NAME: default "
	    "(four incidents),\n"
	    "  clean, legacy (default, with a scalelite older than v1.5.1: no "
	    "admin API),\n"
	    "  empty (OpenStack and an empty Rancher environment: no stacks, "
	    "no nodes;\n"
	    "  consul, scalelite, Prometheus and Greenlight refuse "
	    "connections until their\n"
	    "  stacks are created with POST /stacks, and again once they are "
	    "removed).\n");
	exit(status);
}

static __dead void
sim_bad_option(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, "bbbctl-sim: %s %s: %s\n", opt, arg, why);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "nodes", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "speed", required_argument, NULL, 'x' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port-base", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "write-config", required_argument, NULL, 'w' },
		{ "fault", required_argument, NULL, 'f' },
		{ "poll-interval", required_argument, NULL, 'i' },
		{ "no-consul-acl", no_argument, NULL, 'A' },
		{ "boot-delay", required_argument, NULL, 'B' },
		{ "quota-instances", required_argument, NULL, 'Q' },
		{ "quota-cores", required_argument, NULL, 'C' },
		{ "quota-ram", required_argument, NULL, 'R' },
		{ "vm-fault", required_argument, NULL, 'V' },
		{ "access-log", required_argument, NULL, 'L' },
		{ "vm-addr-base", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sim_world	*w;
	struct sim_fault	 f;
	const char		*listen_addr = "127.0.0.1";
	const char		*profile = "default";
	const char		*config = NULL, *access_log = NULL, *errstr;
	const char		*faults[SIM_MAX_FAULTS];
	char			*cause, *u;
	long long		 nodes = 12, seed = 1, port_base = 0;
	long long		 poll_s = 60, boot_ms = -1, quota = 0;
	long long		 qcores = 0, qram = 0;
	int			 vm_fault = 0;
	double			 speed = 1.0;
	bool			 acl = true;
	struct in_addr		 vm_base = { 0 };
	size_t			 nfaults = 0, i;
	sigset_t		 set;
	struct rlimit		 rl;
	struct timespec		 ts;
	int			 ch, sig;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (util_parse_ll(optarg, 1, SIM_MAX_NODES, &nodes,
			    &errstr) != 0)
				sim_bad_option("--nodes", optarg, errstr);
			break;
		case 's':
			if (util_parse_ll(optarg, 0, LLONG_MAX, &seed,
			    &errstr) != 0)
				sim_bad_option("--seed", optarg, errstr);
			break;
		case 'x':
			if (util_parse_double(optarg, &speed, &errstr) != 0 ||
			    speed < 0 || speed > 100000)
				sim_bad_option("--speed", optarg,
				    "out of range");
			break;
		case 'l':
			listen_addr = optarg;
			break;
		case 'p':
			if (util_parse_ll(optarg, 1, 65535 - SIM_NSYSTEMS,
			    &port_base, &errstr) != 0)
				sim_bad_option("--port-base", optarg, errstr);
			break;
		case 'P':
			if (strcmp(optarg, "default") != 0 &&
			    strcmp(optarg, "clean") != 0 &&
			    strcmp(optarg, "legacy") != 0 &&
			    strcmp(optarg, "empty") != 0)
				sim_bad_option("--profile", optarg,
				    "not default, clean, legacy or empty");
			profile = optarg;
			break;
		case 'w':
			config = optarg;
			break;
		case 'f':
			if (sim_fault_parse(optarg, &f, &cause) != 0) {
				fprintf(stderr, "bbbctl-sim: --fault: %s\n",
				    cause);
				free(cause);
				return (2);
			}
			free(f.prefix);
			if (nfaults == SIM_MAX_FAULTS)
				sim_bad_option("--fault", optarg, "too many");
			faults[nfaults++] = optarg;
			break;
		case 'i':
			if (util_parse_ll(optarg, 1, 86400, &poll_s,
			    &errstr) != 0)
				sim_bad_option("--poll-interval", optarg,
				    errstr);
			break;
		case 'A':
			acl = false;
			break;
		case 'B':
			if (util_parse_ll(optarg, 0, 86400000, &boot_ms,
			    &errstr) != 0)
				sim_bad_option("--boot-delay", optarg, errstr);
			break;
		case 'V':
			if (strcmp(optarg, "error") == 0)
				vm_fault = SIM_NODE_ERROR;
			else if (strcmp(optarg, "noregister") == 0)
				vm_fault = SIM_NODE_NOREGISTER;
			else if (strcmp(optarg, "unhealthy") == 0)
				vm_fault = SIM_NODE_UNHEALTHY;
			else
				sim_bad_option("--vm-fault", optarg, "not error, "
				    "noregister or unhealthy");
			break;
		case 'Q':
			if (util_parse_ll(optarg, 1, 100000, &quota,
			    &errstr) != 0)
				sim_bad_option("--quota-instances", optarg,
				    errstr);
			break;
		case 'C':
			if (util_parse_ll(optarg, 1, 10000000, &qcores,
			    &errstr) != 0)
				sim_bad_option("--quota-cores", optarg,
				    errstr);
			break;
		case 'R':
			if (util_parse_ll(optarg, 1, 1000000000, &qram,
			    &errstr) != 0)
				sim_bad_option("--quota-ram", optarg, errstr);
			break;
		case 'L':
			access_log = optarg;
			break;
		case 'b':
			if (inet_pton(AF_INET, optarg, &vm_base) != 1)
				sim_bad_option("--vm-addr-base", optarg,
				    "not an IPv4 address");
			break;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);

	/* signals are taken by sigtimedwait below, in no other thread */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a Prometheus scraping thousands of nodes keeps a connection each */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	/* empty: no node until scale out makes one */
	if (strcmp(profile, "empty") == 0)
		nodes = 0;
	w = sim_world_new((size_t)nodes, (uint64_t)seed, speed, profile);
	if (access_log != NULL) {
		if ((w->access_log = fopen(access_log, "a")) == NULL) {
			fprintf(stderr, "bbbctl-sim: --access-log %s: %s\n",
			    access_log, strerror(errno));
			sim_world_free(w);
			return (1);
		}
		setvbuf(w->access_log, NULL, _IOLBF, 0);
	}
	w->poll_interval_ms = poll_s * 1000;
	w->os_boot_ms = boot_ms;
	w->os_quota_instances = (int)quota;
	w->os_quota_cores = (int)qcores;
	w->os_quota_ram_mb = (int)qram;
	w->os_vm_fault = vm_fault;
	if (vm_base.s_addr != 0) {
		/* The nodes, then the infra VMs, from this address on. */
		w->vm_addr_base = ntohl(vm_base.s_addr);
		for (i = 0; i < w->nnodes; i++)
			sim_vm_addr(w, i, w->nodes[i].ip,
			    sizeof w->nodes[i].ip);
	}
	if (!acl)
		w->consul_token[0] = '\0';
	for (i = 0; i < nfaults; i++) {
		if (sim_fault_add(w, faults[i], &cause) != 0) {
			fprintf(stderr, "bbbctl-sim: %s\n", cause);
			free(cause);
			sim_world_free(w);
			return (2);
		}
	}
	if (sim_http_start(w, listen_addr, (int)port_base, &cause) != 0) {
		fprintf(stderr, "bbbctl-sim: %s\n", cause);
		free(cause);
		sim_world_free(w);
		return (1);
	}
	if (config != NULL && sim_write_config(w, config, &cause) != 0) {
		fprintf(stderr, "bbbctl-sim: --write-config: %s\n", cause);
		free(cause);
		sim_http_stop(w);
		sim_world_free(w);
		return (1);
	}
	for (i = 0; i < SIM_NSYSTEMS; i++) {
		u = sim_url(w, i);
		printf("%s %s\n", sim_system_name(i), u);
		free(u);
	}
	printf("ready\n");
	fflush(stdout);

	/* tick the world twice a second so that time-driven changes
	 * (session TTLs, the poller) happen without requests */
	ts.tv_sec = 0;
	ts.tv_nsec = 500 * 1000000L;
	for (;;) {
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			break;
		pthread_mutex_lock(&w->lock);
		sim_world_tick(w);
		pthread_mutex_unlock(&w->lock);
		/* empty: a system answers while its stack is active */
		sim_http_gate(w);
	}
	sim_http_stop(w);
	if (w->access_log != NULL)
		fclose(w->access_log);
	sim_world_free(w);
	return (0);
}
