#!/bin/sh
# prom-real.sh: the real Prometheus server scrapes bbbctl-sim's exporters;
# every default query of src/prom-queries.h must give the same answer
# from the real server and from the simulator's query API.
#
# Scrape scheme (the one sim-prom.h documents): one static target per
# node and exporter at the sim's metrics port, with __metrics_path__
# /metrics/<node>/<job> and instance <node>:<port>, jobs node (9100),
# process (9256) and bbb (9688); scrape_interval 1s.
#
# Both are asked at the same evaluation time T (a second in the past).
# They cannot agree to the bit: Prometheus scrapes each target at its own
# phase, the simulator records a view of every node once per simulated
# second, and the model's CPU has per-second noise.  Tolerances:
#   cpu            4 percentage points (absolute)
#   net_in/out     5 % or 2 kB/s
#   load1, mem     5 % or 0.05
#   extra: rate() of network bytes over [10s] 5 % or 2 kB/s, increase()
#   of busy CPU seconds over [10s] 15 % or 0.5 s
#   everything else (meetings, participants, ..., api_up, up): exact
# The same set of series (label sets) is required.  Each query is retried
# up to 8 times (a meeting may start between two scrapes); the last
# mismatch is printed.
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
prometheus=${PROMETHEUS:-/usr/bin/prometheus}
promtool=${PROMTOOL:-/usr/bin/promtool}
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
[ -x "$prometheus" ] || skip_all "$prometheus not installed"
[ -x "$promtool" ] || skip_all "$promtool not installed"
for t in curl jq perl; do
	command -v $t >/dev/null 2>&1 || skip_all "$t not installed"
done
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
cpp=${CPP:-cpp}
command -v "${cpp%% *}" >/dev/null 2>&1 || cpp="cc -E"

tmp=$(mktemp -d)
simpid=
prompid=
cleanup() {
	[ -n "$prompid" ] && kill "$prompid" 2>/dev/null &&
	    wait "$prompid" 2>/dev/null
	[ -n "$simpid" ] && kill "$simpid" 2>/dev/null &&
	    wait "$simpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

nodes="bbb-01 bbb-02 bbb-03 bbb-04"
jobs="node:9100 process:9256 bbb:9688"

"$sim" --nodes 4 --speed 1 --write-config "$tmp/bbbctl.conf" \
    >"$tmp/sim.out" 2>"$tmp/sim.err" &
simpid=$!
WAIT_DEADLINE=20 wait_for grep -q '^ready$' "$tmp/sim.out"
ok $? "bbbctl-sim is ready"
url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/sim.out"; }
metrics=$(url metrics)
simprom=$(url prometheus)
control=$(url control)
maddr=${metrics#http://}
promconf() {
	awk -v k="$1" '/^\[/ { s = ($0 == "[prometheus]") }
	    s && $1 == k { print $3; exit }' "$tmp/bbbctl.conf"
}
puser=$(promconf user)
ppass=$(promconf password)

# Every exporter of every node: the text format parses.
for n in $nodes; do
	for j in $jobs; do
		job=${j%%:*}
		curl -sf "$metrics/metrics/$n/$job" >"$tmp/m.txt"
		rc=$?
		"$promtool" check metrics <"$tmp/m.txt" >"$tmp/lint" 2>&1
		prc=$?
		if [ $rc -ne 0 ] || [ ! -s "$tmp/m.txt" ] ||
		    [ $prc -eq 1 ]; then
			ok 1 "promtool check metrics $n/$job: no parse error"
			diag "curl rc $rc, promtool rc $prc"
			sed 's/^/#   /' "$tmp/lint" | head -5
		else
			ok 0 "promtool check metrics $n/$job: no parse error"
		fi
	done
done

# prometheus.yml: one static target per node and exporter.
{
	echo "global:"
	echo "  scrape_interval: 1s"
	echo "  scrape_timeout: 1s"
	echo "  evaluation_interval: 1s"
	echo "scrape_configs:"
	for j in $jobs; do
		job=${j%%:*}
		port=${j##*:}
		echo "  - job_name: $job"
		echo "    static_configs:"
		for n in $nodes; do
			echo "      - targets: ['$maddr']"
			echo "        labels:"
			echo "          __metrics_path__: /metrics/$n/$job"
			echo "          instance: '$n:$port'"
		done
	done
} >"$tmp/prometheus.yml"

# The real server on a free loopback port (retry if the port was taken).
promurl=
for try in 1 2 3 4 5; do
	port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 30000) ))
	"$prometheus" --config.file="$tmp/prometheus.yml" \
	    --storage.tsdb.path="$tmp/tsdb.$try" \
	    --web.listen-address="127.0.0.1:$port" \
	    >"$tmp/prom.log" 2>&1 &
	prompid=$!
	if WAIT_DEADLINE=20 wait_for curl -sf \
	    "http://127.0.0.1:$port/-/ready"; then
		promurl="http://127.0.0.1:$port"
		break
	fi
	kill "$prompid" 2>/dev/null
	wait "$prompid" 2>/dev/null
	prompid=
done
[ -n "$promurl" ]
ok $? "prometheus is ready"
promstart=$(date +%s)
if [ -z "$promurl" ]; then
	tail -n 20 "$tmp/prom.log" | sed 's/^/#   /'
	done_testing
	exit 1
fi

targets_up() {
	n=$(curl -sf "$promurl/api/v1/targets" |
	    jq '[.data.activeTargets[] | select(.health == "up")] | length')
	[ "$n" = 12 ]
}
has_rate() {
	n=$(curl -sf --data-urlencode \
	    'query=count(irate(node_cpu_seconds_total{mode="idle"}[1m]))' \
	    "$promurl/api/v1/query" | jq -r '.data.result[0].value[1]')
	[ "$n" = 32 ]
}
WAIT_DEADLINE=30 wait_for targets_up
ok $? "all 12 targets up in the real Prometheus"
WAIT_DEADLINE=30 wait_for has_rate
ok $? "irate() has data for 4 nodes x 8 cpus"

# The default queries, from the header (adjacent literals joined).
printf '#include "prom-queries.h"\nQ PROM_QUERY_DEFAULTS\n' |
    $cpp -P -I"${top_srcdir:-.}/src" - 2>/dev/null |
    perl -0777 -ne '
	s/"\s+"//g;
	while (/\{\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\}/g) {
		my ($n, $q) = ($1, $2);
		$q =~ s/\\(.)/$1/g;
		print "$n\t$q\n";
	}' >"$tmp/queries"
nq=$(wc -l <"$tmp/queries")
[ "$nq" -ge 10 ]
ok $? "read $nq default queries from src/prom-queries.h"

# key -> value pairs of an instant vector, sorted by label set
norm='[.data.result[] | {k: (.metric | tojson), v: (.value[1] | tonumber)}]
    | sort_by(.k)'
# compare two normalised lists with an absolute and a relative tolerance
cmpjq='def close(a; b): ((a - b) | fabs) <=
	([$abs, ($rel * ([(a | fabs), (b | fabs)] | max))] | max);
    ($real | map(.k)) == ($sim | map(.k)) and
    ([range(0; $real | length) | close($real[.].v; $sim[.].v)] | all)'

tolerance() {
	case "$1" in
	cpu) echo "4 0" ;;
	net_in|net_out|rate_net) echo "2000 0.05" ;;
	increase_cpu) echo "0.5 0.15" ;;
	load1|mem) echo "0.05 0.05" ;;
	*) echo "0 0" ;;
	esac
}

compare() {		# name query -> 0 if they agree
	name=$1 q=$2
	set -- $(tolerance "$name")
	abs=$1 rel=$2
	t=$(( $(date +%s%N) / 1000000 - 1000 ))
	t="$((t / 1000)).$(printf '%03d' $((t % 1000)))"
	curl -sf --data-urlencode "query=$q" --data-urlencode "time=$t" \
	    "$promurl/api/v1/query" >"$tmp/real.json" || return 1
	curl -sf -u "$puser:$ppass" --data-urlencode "query=$q" \
	    --data-urlencode "time=$t" "$simprom/api/v1/query" \
	    >"$tmp/sim.json" || return 1
	jq -c "$norm" "$tmp/real.json" >"$tmp/real.n" || return 1
	jq -c "$norm" "$tmp/sim.json" >"$tmp/sim.n" || return 1
	[ "$(jq -r '.data.resultType' "$tmp/sim.json")" = vector ] || return 1
	r=$(jq -n --argjson abs "$abs" --argjson rel "$rel" \
	    --slurpfile real "$tmp/real.n" --slurpfile sim "$tmp/sim.n" \
	    '$real[0] as $real | $sim[0] as $sim | '"$cmpjq")
	[ "$r" = true ]
}

check_query() {		# name query what
	name=$1 q=$2
	i=0
	while [ $i -lt 8 ]; do
		if compare "$name" "$q"; then
			ok 0 "$3 $name: real Prometheus and sim agree"
			return
		fi
		i=$((i + 1))
		sleep 1
	done
	ok 1 "$3 $name: real Prometheus and sim agree"
	diag "query: $q"
	diag "real: $(cat "$tmp/real.n" 2>/dev/null)"
	diag "sim:  $(cat "$tmp/sim.n" 2>/dev/null)"
}

# Let irate()'s [1m] window see several samples of both.
sleep 3
while IFS='	' read -r name q; do
	check_query "$name" "$q" "default query"
done <"$tmp/queries"

# A few more shapes bbbctl and operators use.  rate() over [10s] once the
# real server has more than 10 s of samples (before that its
# extrapolation sees a shorter history than the simulator's).
while [ $(( $(date +%s) - promstart )) -lt 14 ]; do
	sleep 1
done
check_query rate_net 'sum by (instance)
    (rate(node_network_transmit_bytes_total{device=~"eth.*"}[10s]))' "extra"
check_query increase_cpu 'sum by (instance)
    (increase(node_cpu_seconds_total{mode!="idle"}[10s]))' "extra"
check_query count_cpu 'count by (instance)
    (node_cpu_seconds_total{mode="system"})' "extra"
check_query proc 'sum by (instance) (namedprocess_namegroup_num_procs)' "extra"

# An exporter goes down: up 0 in both, its series gone (stale) in both.
curl -sf -X POST "$control/nodes/bbb-02/exporter-down" >/dev/null
ok $? "bbb-02's exporters down (control)"
down_seen() {
	n=$(curl -sf "$promurl/api/v1/targets" |
	    jq '[.data.activeTargets[] | select(.health == "down")] | length')
	[ "$n" = 3 ]
}
WAIT_DEADLINE=20 wait_for down_seen
ok $? "the real Prometheus sees bbb-02's 3 targets down"
sleep 2
check_query up_down 'up' "exporter down:"
check_query meetings_down 'sum by (instance) (bbb_meetings)' "exporter down:"
n=$(curl -sf -u "$puser:$ppass" "$simprom/api/v1/targets" |
    jq '[.data.activeTargets[] | select(.health == "down" and
    (.labels.instance | startswith("bbb-02:")) and
    (.lastError | length) > 0)] | length')
is "$n" 3 "sim's /api/v1/targets: bbb-02's 3 targets down with lastError"

done_testing
[ $tap_failed -eq 0 ]
