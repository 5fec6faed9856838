/*
 * prom-queries.h: the default PromQL of bbbctl, one query per figure for
 * the whole fleet (never one per node), aggregated on the server by
 * instance.  The node is found from the `instance` label through
 * fleet_node_key() (host:port and domain stripped).  Each may be
 * overridden in [prometheus] as query_<name> = PROMQL.
 *
 * Only metric names that both bbb-exporter v0.2 and v0.7 expose are used.
 * bbbctl-sim's query API must answer every one of these (tests check it
 * against the real Prometheus server).
 */
#ifndef BBBCTL_PROM_QUERIES_H
#define BBBCTL_PROM_QUERIES_H

struct prom_query_default {
	const char	*name;		/* config key: query_<name> */
	const char	*promql;
};

#define PROM_QUERY_DEFAULTS { \
	{ "cpu", "100 * (1 - avg by (instance) " \
	    "(irate(node_cpu_seconds_total{mode=\"idle\"}[1m])))" }, \
	{ "load1", "max by (instance) (node_load1)" }, \
	{ "mem", "100 * (1 - sum by (instance) " \
	    "(node_memory_MemAvailable_bytes) / sum by (instance) " \
	    "(node_memory_MemTotal_bytes))" }, \
	{ "net_in", "sum by (instance) " \
	    "(irate(node_network_receive_bytes_total{device!=\"lo\"}[1m]))" }, \
	{ "net_out", "sum by (instance) " \
	    "(irate(node_network_transmit_bytes_total{device!=\"lo\"}[1m]))" }, \
	{ "meetings", "sum by (instance) (bbb_meetings)" }, \
	{ "participants", "sum by (instance) (bbb_meetings_participants)" }, \
	{ "voice", "sum by (instance) (bbb_meetings_voice_participants)" }, \
	{ "video", "sum by (instance) (bbb_meetings_video_participants)" }, \
	{ "listeners", "sum by (instance) (bbb_meetings_listeners)" }, \
	{ "api_up", "min by (instance) (bbb_api_up)" }, \
	{ "up", "up" }, \
}

#endif
