#!/bin/sh
# consul-cause-sim.sh: a consul answer that is not JSON is named by its
# request, "health: not JSON ...", as every other source's cause is.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 2

curl -s -X POST "$control/faults?spec=consul:/v1/health:malformed" >/dev/null
run status --json --timeout 5s >"$tmp/s.json" 2>"$tmp/s.err"
cause=$(jq -r '.sources[] | select(.name == "consul") | .cause' "$tmp/s.json" 2>/dev/null ||
    jq -r '.sources.consul.cause' "$tmp/s.json")
diag "consul: $cause"
case "$cause" in
health:\ *) ok 0 "the consul cause names the request" ;;
*) ok 1 "the consul cause names the request" ;;
esac

done_testing
