#!/bin/sh
# follow-retry-sim.sh: a follow phase outlives a few transient failures.
# A drain keeps following the load through 500s on getServerInfo (it
# used to stop at the first one, leaving the node cordoned), and a
# redeploy keeps following its upgrade through 500s on the service's
# poll (it used to roll back); a persistent 4xx still ends the drain.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
[ -n "${KEEP_TMP:-}" ] && trap - EXIT
sim_start --nodes 3 --speed 2

fault() { curl -s -X POST "$control/faults?spec=$1" >/dev/null; }
nofault() { curl -s -X DELETE "$control/faults" >/dev/null; }

# 1. Drain: 500s for 3 s in the middle, then the drain times out on its
# own deadline (the sim's meetings last longer), not on the 500.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 1s \
    --timeout 9s bbb-01 >"$tmp/d.out" 2>"$tmp/d.err" &
jp=$!
wait_for grep -q 'draining: load' "$tmp/d.err"
ok $? "the drain follows the load"
fault scalelite:/scalelite/api/getServerInfo:status:500
wait_for grep -q 'retrying in' "$tmp/d.err"
ok $? "a 500 on getServerInfo is retried"
sleep 2
nofault
wait "$jp"
rc=$?
jp=
sed 's/^/#   /' "$tmp/d.err"
is "$rc" 1 "the drain ends on its own deadline"
grep -q 'drain timed out with load' "$tmp/d.err"
ok $? "the outcome is the drain's deadline, not the 500"
! grep -q 'failed: scalelite getServerInfo: HTTP 500' "$tmp/d.err"
ok $? "the 500 did not end the job"

# 2. A persistent failure that is not transient still ends it at once.
run --yes server enable bbb-01 >/dev/null 2>&1
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 1s \
    --timeout 30s bbb-01 >"$tmp/d2.out" 2>"$tmp/d2.err" &
jp=$!
wait_for grep -q 'draining: load' "$tmp/d2.err"
fault scalelite:/scalelite/api/getServerInfo:status:403
t0=$(date +%s)
wait "$jp"
rc=$?
jp=
nofault
is "$rc" 1 "a 403 ends the drain"
[ $(( $(date +%s) - t0 )) -lt 10 ]
ok $? "at once, not after retries"
grep -q 'getServerInfo: .*Forbidden; drain stopped: bbb-01 stays cordoned' \
    "$tmp/d2.err"
ok $? "saying why and what state bbb-01 is left in"
run --yes server enable bbb-01 >/dev/null 2>&1

# 3. Redeploy: 500s on the service's poll while it upgrades.
sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=bbb-02" |
    jq -r '.data[0].id')
svc=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid&name=bbb" |
    jq -r '.data[0].id')
rpath=$(echo "$rurl" | sed 's|^[a-z]*://[^/]*||')
"$bbbctl" --config "$conf" --log "$tmp/log" --yes stack redeploy \
    --poll 1s --image bbb=bigbluebutton/bbb:9.8 bbb-02 >"$tmp/r.out" \
    2>"$tmp/r.err" &
jp=$!
wait_for grep -q 'upgrading bbb-02/bbb' "$tmp/r.err"
ok $? "the redeploy upgrades bbb-02/bbb"
fault "rancher:$rpath/projects/1a5/services/$svc:status:503"
wait_for grep -q 'retrying in' "$tmp/r.err"
ok $? "a 503 on the service's poll is retried"
sleep 2
nofault
WAIT_DEADLINE=60 wait_for sh -c "! kill -0 $jp 2>/dev/null"
wait "$jp"
rc=$?
jp=
sed 's/^/#   /' "$tmp/r.err"
is "$rc" 0 "the redeploy is done"
! grep -q 'rolled back\|rollback' "$tmp/r.err"
ok $? "nothing was rolled back"
curl -s -u "$ak:$sk" "$rurl/projects/1a5/services/$svc" |
    jq -r '"\(.state) \(.launchConfig.imageUuid)"' >"$tmp/svc"
is "$(cat "$tmp/svc")" "active docker:bigbluebutton/bbb:9.8" \
    "bbb-02/bbb runs the new image"

done_testing
