#!/bin/sh
# status-sim.sh: `bbbctl status` against bbbctl-sim (TAP).
#
#  - the default profile's incidents appear as the right problems on the
#    right nodes, and status exits 2 (CRITICAL); the clean profile is OK;
#  - with a fault injected in one source (hang, 5xx, malformed,
#    truncated, huge) status still answers within its timeout, names the
#    failed source and why, keeps the other sources, and exits 3;
#  - against the real Prometheus server scraping the simulator, the
#    Prometheus problems are the same (skipped without prometheus).
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
bbbctl="${top_builddir:-.}/bbbctl"
prometheus=${PROMETHEUS:-/usr/bin/prometheus}
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
for t in jq curl; do
	command -v $t >/dev/null 2>&1 || skip_all "$t not installed"
done
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
[ -x "$bbbctl" ] || skip_all "bbbctl not built"

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
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG

# start_sim NAME ARGS...: a simulator with its config in $tmp/NAME.conf
start_sim() {
	name=$1
	shift
	"$sim" --nodes 12 --write-config "$tmp/$name.conf" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err" &
	simpid=$!
	if ! WAIT_DEADLINE=20 wait_for grep -q '^ready$' "$tmp/$name.out"; then
		sed 's/^/#   /' "$tmp/$name.err" | head -5
		return 1
	fi
	# CPU is an irate(): the query API has it after two samples
	case "$*" in
	*prometheus:*) return 0 ;;
	esac
	simprom=$(awk '$1 == "prometheus" { print $2 }' "$tmp/$name.out")
	puser=$(awk '/^\[prometheus\]/ { s = 1 } s && $1 == "user" {
	    print $3; exit }' "$tmp/$name.conf")
	ppass=$(awk '/^\[prometheus\]/ { s = 1 } s && $1 == "password" {
	    print $3; exit }' "$tmp/$name.conf")
	WAIT_DEADLINE=20 wait_for sim_has_cpu || {
		diag "the simulator's Prometheus has no CPU rates"
		return 1
	}
}
sim_has_cpu() {
	n=$(curl -sf -u "$puser:$ppass" "$simprom/api/v1/query" \
	    --data-urlencode 'query=irate(node_cpu_seconds_total[1m])' |
	    jq '[.data.result[].metric.instance] | unique | length')
	[ "${n:-0}" -ge 12 ]
}
stop_sim() {
	kill "$simpid" 2>/dev/null
	wait "$simpid" 2>/dev/null
	simpid=
}
now_ms() { date +%s%3N; }

# status NAME TIMEOUT [--json]: run it, keep out/err/rc/wall (ms)
status() {
	name=$1
	timeout=$2
	shift 2
	t0=$(now_ms)
	"$bbbctl" --config "$tmp/$name.conf" status --timeout "$timeout" \
	    "$@" >"$tmp/$name.json" 2>"$tmp/$name.stderr"
	rc=$?
	wall=$(( $(now_ms) - t0 ))
}
# problem FILE RULE NODE: the number of problems of RULE on NODE
problem() {
	jq --arg r "$2" --arg n "$3" \
	    '[.problems[] | select(.rule == $r and .node == $n)] | length' "$1"
}

# --- the default profile -----------------------------------------------
start_sim default
ok $? "bbbctl-sim (default profile) is ready"
status default 10s --json
is "$rc" 2 "status exits 2 (CRITICAL) on the default profile"
[ "$wall" -lt 10000 ]
ok $? "status answers within its timeout (${wall} ms)"
j=$tmp/default.json
is "$(jq -r .schema "$j")" "bbbctl.status/1" "schema bbbctl.status/1"
is "$(jq -r .status "$j")" "CRITICAL" "status field CRITICAL"
is "$(jq -r '[.sources[] | select(.state == "ok")] | length' "$j")" 5 \
    "all five sources ok"
is "$(jq '.nodes | map(select(.key | test("^bbb-[0-9]+$"))) | length' "$j")" \
    12 "12 BBB nodes joined from all sources"
# infra-01 (a Rancher host and VM) and rancher-server (a VM) are no BBB
# nodes: no node row, not counted
is "$(jq '.nodes | length' "$j")" 12 "the nodes are the 12 BBB nodes, no other"
is "$(jq '.totals.nodes' "$j")" 12 "the total counts the 12 BBB nodes"
is "$(jq '[.nodes[] | select(.key == "infra-01" or .key == "rancher-server")]
    | length' "$j")" 0 "infra-01 and rancher-server are no nodes"
is "$(jq '[.problems[] | select(.node == "infra-01" or
    .node == "rancher-server")] | length' "$j")" 0 \
    "... and no node problem speaks of them"
is "$(jq -r '.nodes[] | select(.key == "bbb-01") | .sources | length' "$j")" \
    5 "bbb-01 is known to all five sources"
is "$(problem "$j" offline-consul-passing bbb-03)" 1 \
    "bbb-03: offline in scalelite while consul passes"
is "$(jq '[.problems[] | select(.rule == "offline-consul-passing")] | length' \
    "$j")" 1 "no other node is offline-consul-passing"
is "$(jq -r '.problems[] | select(.rule == "offline-consul-passing") |
    .severity' "$j")" critical "... and it is critical"
is "$(problem "$j" bbb-api-down bbb-03)" 1 "bbb-03: BBB API down"
is "$(problem "$j" cpu-high bbb-05)" 1 "bbb-05: CPU high"
is "$(jq '[.problems[] | select(.rule == "cpu-high")] | length' "$j")" 1 \
    "no other node has CPU high"
is "$(problem "$j" stack-degraded bbb-07)" 1 "bbb-07: stack degraded"
is "$(problem "$j" missing-from-source bbb-12)" 1 \
    "bbb-12: in consul, unknown to scalelite"
jq -r '.problems[] | select(.node == "bbb-12") | .text' "$j" |
    grep -q 'missing from scalelite'
ok $? "... the text says missing from scalelite"
is "$(jq '[.problems[] | select(.node == "bbb-01")] | length' "$j")" 0 \
    "healthy bbb-01 has no problem"

# the table
status default 10s
is "$rc" 2 "the table: exit 2"
head -1 "$tmp/default.json" | grep -q '^BBBCTL CRITICAL - sim: .* | nodes='
ok $? "first line is a monitoring summary with perfdata"
grep -q '^NODE  *LB STATE  *ONLINE  *HEALTH  *CPU  *MEM  *MEETINGS  *USERS  *VIDEO  *LOAD  *STACK  *VM  *PROBLEMS$' \
    "$tmp/default.json"
ok $? "the node table header"
is "$(grep -c '^bbb-[0-9][0-9] ' "$tmp/default.json")" 12 "a row per node"
grep -q '^TOTAL 12 nodes:' "$tmp/default.json"
ok $? "totals: the 12 BBB nodes"
grep -q '^infra-01 \|^rancher-server ' "$tmp/default.json"
[ $? -ne 0 ]
ok $? "no row for infra-01 or rancher-server"
grep -q '^critical .*bbb-03 offline in scalelite' "$tmp/default.json"
ok $? "problems listed with severity"
grep -q "$(printf '\033')" "$tmp/default.json"
[ $? -ne 0 ]
ok $? "no colour when not a tty"
stop_sim

# --- the clean profile ---------------------------------------------------
start_sim clean --profile clean
ok $? "bbbctl-sim (clean profile) is ready"
status clean 10s --json
is "$rc" 0 "status exits 0 (OK) on the clean profile"
is "$(jq '[.problems[] | select(.severity != "info")] | length' \
    "$tmp/clean.json")" 0 "no warning or critical problem"
stop_sim

# --- faults: one source broken, the others intact --------------------------
for spec in rancher:/v2-beta:hang consul:/v1:status:503 \
    prometheus:/api:malformed scalelite:/:truncated openstack:/:huge; do
	src=${spec%%:*}
	kind=${spec#*:}
	kind=${kind#*:}
	start_sim fault --profile clean --fault "$spec"
	ok $? "$src $kind: the sim is ready"
	status fault 4s --json
	is "$rc" 3 "$src $kind: status exits 3 (UNKNOWN)"
	[ "$wall" -lt 4000 ]
	ok $? "$src $kind: answered within the 4 s timeout (${wall} ms)"
	f=$tmp/fault.json
	is "$(jq -r --arg s "$src" '.sources[] | select(.name == $s) | .state' \
	    "$f")" failed "$src $kind: $src failed"
	cause=$(jq -r --arg s "$src" '.sources[] | select(.name == $s) |
	    .cause' "$f")
	[ -n "$cause" ] && [ "$cause" != null ]
	ok $? "$src $kind: with a cause ($cause)"
	is "$(jq -r --arg s "$src" '[.sources[] | select(.name != $s and
	    .state == "ok")] | length' "$f")" 4 "$src $kind: the other four ok"
	is "$(jq -r --arg s "$src" '[.problems[] | select(.rule ==
	    "source-failed")] | length' "$f")" 1 \
	    "$src $kind: one source-failed problem"
	is "$(jq '.nodes | length' "$f")" 12 \
	    "$src $kind: the 12 nodes are still there, no other"
	stop_sim
done

# --- the real Prometheus ---------------------------------------------------
if [ ! -x "$prometheus" ]; then
	diag "no $prometheus: the real-Prometheus part is skipped"
	done_testing
	exit 0
fi
start_sim real
ok $? "bbbctl-sim for the real Prometheus is ready"
metrics=$(awk '$1 == "metrics" { print $2 }' "$tmp/real.out")
maddr=${metrics#http://}
{
	echo "global:"
	echo "  scrape_interval: 1s"
	echo "  scrape_timeout: 1s"
	echo "  evaluation_interval: 1s"
	echo "scrape_configs:"
	for j in node:9100 process:9256 bbb:9688; do
		echo "  - job_name: ${j%%:*}"
		echo "    static_configs:"
		for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
			echo "      - targets: ['$maddr']"
			echo "        labels:"
			echo "          __metrics_path__: /metrics/bbb-$i/${j%%:*}"
			echo "          instance: 'bbb-$i:${j##*:}'"
		done
	done
} >"$tmp/prometheus.yml"
promurl=
for try in 1 2 3 4 5; do
	port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 30000) ))
	"$prometheus" --config.file="$tmp/prometheus.yml" \
	    --storage.tsdb.path="$tmp/tsdb.$try" \
	    --web.listen-address="127.0.0.1:$port" >"$tmp/prom.log" 2>&1 &
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
# CPU is an irate(): wait until every node has it.
has_cpu() {
	n=$(curl -sf "$promurl/api/v1/query" --data-urlencode \
	    'query=irate(node_cpu_seconds_total{mode="idle"}[1m])' |
	    jq '[.data.result[].metric.instance] | unique | length')
	[ "$n" = 12 ]
}
WAIT_DEADLINE=40 wait_for has_cpu
ok $? "prometheus has CPU rates of all 12 nodes"
# bbbctl asks the real server instead of the simulator's query API
awk -v u="$promurl" '
/^\[/ { sec = $1 }
sec == "[prometheus]" && $1 == "url" { print "url = " u; next }
{ print }' "$tmp/real.conf" >"$tmp/realprom.conf"
chmod 600 "$tmp/realprom.conf"
status realprom 10s --json
j=$tmp/realprom.json
[ "$rc" -eq 2 ]
ok $? "real Prometheus: status exits 2 (got $rc)"
is "$(jq -r '.sources[] | select(.name == "prometheus") | .state' "$j")" ok \
    "real Prometheus: the source is ok"
is "$(problem "$j" cpu-high bbb-05)" 1 "real Prometheus: bbb-05 CPU high"
is "$(problem "$j" bbb-api-down bbb-03)" 1 "real Prometheus: bbb-03 API down"
is "$(jq '[.nodes[] | select(.cpu != null)] | length' "$j")" 12 \
    "real Prometheus: CPU of every node"
is "$(jq '[.problems[] | select(.rule == "exporter-down")] | length' "$j")" \
    0 "real Prometheus: every exporter target up"
done_testing
