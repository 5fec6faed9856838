#!/bin/sh
# redeploy-sim.sh: stack redeploy and restart against bbbctl-sim's
# Rancher: the services go through upgrading -> upgraded -> active with
# the new image; --dry-run changes nothing and prints no secret; a fault
# on the last service's upgrade ends the job with a clear error and the
# services already upgraded are rolled back to their old image; restart
# leaves every service active.  (The sim runs at speed 2: an upgrade
# takes 6 s.)
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 2 --speed 2

# "name state image" of every service of a stack, sorted by name.
services() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid" |
	    jq -r '.data[] | "\(.name) \(.state) \(.launchConfig.imageUuid)"' |
	    sort
}
svc_id() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid&name=$2" |
	    jq -r '.data[0].id'
}

before1=$(services bbb-01)
before2=$(services bbb-02)
diag "bbb-01: $(echo $before1)"
[ "$(echo "$before1" | grep -c ' active ')" -ge 2 ]
ok $? "the stack's services start active"

run --dry-run stack redeploy --image bbb=bigbluebutton/bbb:9.9 bbb-01 \
    >"$tmp/dry" 2>&1
ok $? "dry-run exits 0"
grep -q 'action=upgrade' "$tmp/dry" && grep -q 'rollback' "$tmp/dry"
ok $? "the plan names the upgrade and the rollback"
! grep -qF "$sk" "$tmp/dry"
ok $? "dry-run prints no secret"
is "$(services bbb-01)" "$before1" "dry-run changed nothing"

run stack redeploy bbb-01 </dev/null >"$tmp/notty" 2>&1
[ $? -ne 0 ] && grep -q 'no terminal' "$tmp/notty"
ok $? "a destructive action without a terminal and --yes is refused"

run --yes stack redeploy --image bbb=bigbluebutton/bbb:9.9 bbb-01 \
    >"$tmp/rd" 2>"$tmp/rd.err"
ok $? "stack redeploy bbb-01"
grep -q 'upgrading bbb-01/bbb (1 of' "$tmp/rd.err" &&
    grep -q 'finishing the upgrade' "$tmp/rd.err"
ok $? "progress per service"
after=$(services bbb-01)
diag "bbb-01 after: $(echo $after)"
echo "$after" | grep -q '^bbb active docker:bigbluebutton/bbb:9.9$'
ok $? "bbb runs the new image and is active again"
[ "$(echo "$after" | grep -vc ' active ')" -eq 0 ]
ok $? "every service of bbb-01 is active"

# A fault on the last service's upgrade: the others are rolled back.
last=$(echo "$before2" | tail -n 1 | cut -d' ' -f1)
lid=$(svc_id bbb-02 "$last")
curl -s -X POST "$control/faults?spec=rancher:/v2-beta/projects/1a5/services/$lid:status:500" >/dev/null
run --yes stack redeploy --image bbb=bigbluebutton/bbb:9.9 bbb-02 \
    >"$tmp/f" 2>"$tmp/f.err"
rc=$?
grep 'redeploy of' "$tmp/f.err" | sed 's/^/# /'
[ $rc -ne 0 ] && grep -q "redeploy of bbb-02 failed: .*500.*bbb rolled back" "$tmp/f.err"
ok $? "a failure half-way ends the job with a clear error naming the rollback"
curl -s -X DELETE "$control/faults" >/dev/null
is "$(services bbb-02)" "$before2" "bbb-02 is back on its old images, active"

run --yes stack restart bbb-02 >"$tmp/rs" 2>"$tmp/rs.err"
ok $? "stack restart bbb-02"
grep -q 'restarting bbb-02/' "$tmp/rs.err"
ok $? "restart reports each service"
is "$(services bbb-02)" "$before2" "after the restart every service is active"

run audit --json 2>/dev/null | jq -r '.[] | "\(.event) \(.verb) \(.target)"' >"$tmp/audit"
grep -q '^done stack redeploy bbb-01$' "$tmp/audit" &&
    grep -q '^failed stack redeploy bbb-02$' "$tmp/audit"
ok $? "the audit trail has both redeploys' outcomes"

done_testing
