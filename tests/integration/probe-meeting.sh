#!/bin/sh
# probe-meeting.sh: bbbctl probe meeting against bbbctl-sim, whose
# scalelite routes create/join/end to a node and checks every checksum
# (its access log says which system and node each call reached):
# through scalelite (the node it landed on named from the join
# redirect), on one node (its secret from getServers), a step that
# fails (the node fails before end), a wrong secret, --dry-run and
# --readonly; no secret printed (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"

sim_init
log=$tmp/access.log
sim_start --profile clean --access-log "$log"
sl=$(awk '$1 == "scalelite" { print $2 }' "$tmp/out")

# The node secret of bbb-07, from getServers (to check it never shows).
sum=$(printf 'getServers%s' "$slsecret" | sha256sum | cut -c1-64)
nsecret=$(curl -sf "$sl/scalelite/api/getServers?checksum=$sum" |
    jq -r '.[] | select(.url | contains("//bbb-07.")) | .secret')
[ -n "$nsecret" ]; ok $? "bbb-07's own secret, from getServers"

# BBB API calls of the access log: "scalelite CALL" or "NODE CALL".
calls() {
	awk '$4 ~ /^\/bigbluebutton\/api\// {
		who = $1 == "metrics" ? $2 : $1
		sub(/\..*/, "", who)
		call = $4; sub(/.*\//, "", call)
		print who, call }' "$log"
}

: >"$log"
run probe meeting --json >"$tmp/m.json" 2>"$tmp/err"
is "$?" 0 "through scalelite: exit 0"
is "$(jq -r '.ok' "$tmp/m.json")" true "every step passed"
is "$(jq -r '[.steps[].step] | join(",")' "$tmp/m.json")" \
    "create,getMeetingInfo,join,join URL,end,gone" "the six steps, in order"
node=$(calls | awk '$1 != "scalelite" && $2 == "join" { print $1 }')
[ -n "$node" ]; ok $? "the sim saw the join on a node ($node)"
is "$(jq -r '.node' "$tmp/m.json")" "$node" "the node it landed on is named"
jq -r '.meeting_id' "$tmp/m.json" | grep -qE '^bbbctl-probe-[0-9a-f]{16}$'
ok $? "a random meeting id that says bbbctl-probe"
is "$(jq -r '[.steps[] | select(.ms >= 0)] | length' "$tmp/m.json")" 6 \
    "each step timed"
want="scalelite create,scalelite getMeetingInfo,scalelite join,$node join"
want="$want,scalelite end,scalelite getMeetingInfo,"
is "$(calls | tr '\n' ,)" "$want" \
    "the sim saw create, info, join (scalelite + node), end, info"
grep -q "^metrics $node\.[^ ]* GET /html5client/join$" "$log"
ok $? "the client URL was opened on the node"

: >"$log"
run probe meeting bbb-07 >"$tmp/n.txt" 2>&1
is "$?" 0 "on node bbb-07 directly: exit 0"
grep -q '^OK: every step passed' "$tmp/n.txt"; ok $? "all steps ok"
want="bbb-07 create,bbb-07 getMeetingInfo,bbb-07 join,bbb-07 end"
want="$want,bbb-07 getMeetingInfo,"
is "$(calls | tr '\n' ,)" "$want" \
    "every call went to the node, signed with its own secret"
grep -q '^scalelite [^ ]* GET /scalelite/api/getServers$' "$log"
ok $? "its URL and secret came from getServers"

run probe meeting bbb-99 >/dev/null 2>"$tmp/e"
is "$?" 3 "an unknown node: exit 3"
grep -q 'no server bbb-99 in scalelite' "$tmp/e"; ok $? "and says so"

# The node fails while end is on its way (scalelite answers it late):
# scalelite's end says internalError.
curl -sf -X POST \
    "$control/faults?spec=scalelite:/bigbluebutton/api/end:latency:3000" \
    >/dev/null
ok $? "scalelite answers end 3 s late"
: >"$log"
run probe meeting --json >"$tmp/f.json" 2>/dev/null &
jp=$!
wait_for grep -q '^scalelite [^ ]* GET /bigbluebutton/api/end$' "$log"
node=$(calls | awk '$1 != "scalelite" && $2 == "join" { print $1 }')
curl -sf -X POST "$control/nodes/$node/api-fail" >/dev/null
ok $? "then $node's API fails"
wait "$jp"
is "$?" 2 "end fails: exit 2"
jp=
is "$(jq -r '.steps[] | select(.step == "end") | .ok' "$tmp/f.json")" \
    false "the end step failed"
jq -r '.steps[] | select(.step == "end") | .detail' "$tmp/f.json" |
    grep -q 'FAILED internalError'
ok $? "with the answer's messageKey"
curl -sf -X POST "$control/nodes/$node/api-ok" >/dev/null
curl -sf -X DELETE "$control/faults" >/dev/null

cp "$conf" "$tmp/right.conf"
sed -i "s/^secret = $slsecret\$/secret = wrong/" "$conf"
: >"$log"
run probe meeting >"$tmp/w.txt" 2>&1
is "$?" 2 "wrong secret: exit 2"
grep -q '^create .*FAILED.*checksumError' "$tmp/w.txt"
ok $? "create fails with checksumError"
is "$(calls | tr '\n' ,)" "scalelite create," "nothing else was tried"

cp "$tmp/right.conf" "$conf"
: >"$log"
run --dry-run probe meeting >"$tmp/d.txt" 2>&1
is "$?" 0 "--dry-run: exit 0"
grep -q 'create a test meeting bbbctl-probe-<random> through scalelite' \
    "$tmp/d.txt"
ok $? "--dry-run: the plan"
[ ! -s "$log" ]; ok $? "--dry-run: no call made"
run --readonly probe meeting >/dev/null 2>"$tmp/r"
is "$?" 1 "--readonly: refused"
[ ! -s "$log" ]; ok $? "--readonly: no call made"
cat "$tmp"/*.txt "$tmp"/*.json "$tmp/e" "$tmp/err" |
    grep -q "$slsecret\|$nsecret"
ok $(( ! $? )) "no secret printed"

done_testing
