#!/bin/sh
# bbb.sh: the npm BBB API clients bigbluebutton-js and bbb-promise against
# bbbctl-sim's scalelite: create (on the least-loaded server, and there on
# the node's own API), join, getMeetingInfo, getMeetings, getRecordings,
# end.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "${top_srcdir:-.}/tests/lib/sim.sh"
. "${top_srcdir:-.}/tests/conformance/lib.sh"

sim_init
conf_node bigbluebutton-js bbb-promise ||
    conf_missing "node, or bigbluebutton-js and bbb-promise (make" \
    "conformance-clients)"
sim_start --nodes 4 --profile clean --seed 19
SCALELITE_URL=$(awk -F' = ' '/^\[scalelite\]/ { s = 1 }
    s && $1 == "url" { print $2; exit }' "$conf")
SCALELITE_SECRET=$slsecret
export SCALELITE_URL SCALELITE_SECRET
conf_run "$node" "$conf_dir/bbb-client.js"
done_testing
