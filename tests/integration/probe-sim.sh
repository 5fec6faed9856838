#!/bin/sh
# probe-sim.sh: the HTTP health probes against bbbctl-sim: scalelite's
# /health_check, Greenlight's (under /b), the consul leader and the
# Rancher API; faults injected per endpoint (5xx, a failure text,
# hang) become service problems; status lists the services and counts
# them in its exit code (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"

sim_init
sim_start --profile clean
# short probe timeout for the hang case
sed -i 's/^\[probes\]$/[probes]\ntimeout = 2s/' "$conf"

state() { jq -r ".services[] | select(.name == \"$1\") | .$2" "$tmp/p.json"; }
probe() { run probe --json "$@" >"$tmp/p.json" 2>"$tmp/p.err"; rc=$?; }
fault() {
	curl -sf -X POST "$control/faults?spec=$1" >/dev/null
	ok $? "fault $1 injected"
}
clear_faults() { curl -sf -X DELETE "$control/faults" >/dev/null; }

probe
is "$rc" 0 "clean: probe exits 0"
for s in scalelite greenlight consul-leader rancher; do
	is "$(state $s state)" ok "clean: $s ok"
done
is "$(state consul-leader detail)" "leader 10.20.255.1:8300" \
    "consul-leader: the leader's address"

fault "greenlight:/b/health_check:status:500"
probe greenlight
is "$rc" 2 "greenlight 500: exit 2"
is "$(state greenlight failure)" unhealthy "greenlight 500: unhealthy"
state greenlight detail | grep -q '^HTTP 500'
ok $? "greenlight 500: the detail names the status"
clear_faults

fault "greenlight:/b:malformed"
probe greenlight
is "$(state greenlight failure)" unhealthy \
    "greenlight: a body other than 'success' is unhealthy"
clear_faults

fault "scalelite:/health_check:status:503"
probe
is "$rc" 2 "scalelite health 503: exit 2"
is "$(state scalelite failure)" unhealthy "scalelite health 503: unhealthy"
is "$(state greenlight state)" ok "scalelite health 503: greenlight still ok"
clear_faults

# scalelite's failing check is HTTP 200 with a failure text
curl -sf -X POST \
    "$control/health?system=scalelite&failure=Redis%3A%20Connection%20refused" \
    >/dev/null
ok $? "scalelite health check set to fail"
probe
is "$rc" 2 "scalelite 200 Health Check Failure: exit 2"
is "$(state scalelite failure)" unhealthy "scalelite 200 failure: unhealthy"
is "$(state scalelite detail)" \
    "Health Check Failure: Redis: Connection refused" \
    "scalelite 200 failure: the detail is scalelite's text"
run probe scalelite >"$tmp/p.txt" 2>&1
grep -q 'scalelite unhealthy: Health Check Failure: Redis: Connection refused' \
    "$tmp/p.txt"
ok $? "the problem says what scalelite's check says"
curl -sf -X POST "$control/health?system=scalelite" >/dev/null
probe scalelite
is "$(state scalelite state)" ok "scalelite health passes again"

fault "consul:/v1/status/leader:status:500"
probe consul-leader
is "$(state consul-leader failure)" unhealthy "consul leader 500: unhealthy"
clear_faults

fault "greenlight:/b:hang"
t0=$(date +%s%N)
probe greenlight
t1=$(date +%s%N)
is "$(state greenlight failure)" timeout "greenlight hang: timeout"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 3500 ]
ok $? "greenlight hang: ended by the 2 s probe timeout (${ms} ms)"

# status: lists the services, counts them in the exit code
run status --json --timeout 5s >"$tmp/s.json" 2>/dev/null
is "$?" 2 "status with Greenlight hanging: exit 2"
is "$(jq -r '.services[] | select(.name == "greenlight") | .failure' \
    "$tmp/s.json")" timeout "status --json: greenlight timeout"
is "$(jq -r '[.problems[] | select(.rule == "service-down")] | length' \
    "$tmp/s.json")" 1 "status --json: one service-down problem"
clear_faults
run status --timeout 5s >"$tmp/s.txt" 2>/dev/null
is "$?" 0 "status, all healthy: exit 0"
grep -q '^greenlight  *ok ' "$tmp/s.txt"
ok $? "status text lists the services"
grep -q "$slsecret\|$sk" "$tmp/s.txt" "$tmp/s.json" "$tmp/p.json"
ok $(( ! $? )) "no secret printed"

done_testing
