#!/bin/sh
# redeploy-cancel-sim.sh: ^C on a stack redeploy against bbbctl-sim's
# Rancher.  Cancelled while a service upgrades: no further service is
# upgraded, nothing is finished, every service touched is rolled back to
# its old image and active, and the job says so (exit 1, outcome
# cancelled, audit record "cancelled").  Cancelled once the upgrade is
# being finished: a finished service cannot be rolled back, so the job
# finishes the rest and says the cancel came too late.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 2 --speed 2

services() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid" |
	    jq -r '.data[] | "\(.name) \(.state) \(.launchConfig.imageUuid)"' |
	    sort
}
# Start a redeploy of $1 in the background (jp, $tmp/$1.err).
start() {
	"$bbbctl" --config "$conf" --log "$tmp/log" --yes stack redeploy \
	    --image bbb=bigbluebutton/bbb:9.9 "$1" >"$tmp/$1.out" \
	    2>"$tmp/$1.err" &
	jp=$!
}
# Wait for the job to end (deadline $1 s; killed if it does not): rc.
end_job() {
	WAIT_DEADLINE=$1 wait_for sh -c "! kill -0 $jp"
	ended=$?
	[ $ended -ne 0 ] && kill -9 "$jp" 2>/dev/null
	wait "$jp"
	rc=$?
	jp=
	return $ended
}

# 1. ^C while the second service upgrades.
before=$(services bbb-01)
start bbb-01
wait_for grep -q 'upgrading bbb-01/bbb-exporter (2 of 3)' "$tmp/bbb-01.err"
ok $? "the redeploy upgrades its second service"
kill -INT "$jp"
end_job 60
ok $? "the cancelled redeploy ends"
is "$rc" 1 "it exits 1"
sed 's/^/# /' "$tmp/bbb-01.err"
grep -q '^bbbctl: stack redeploy bbb-01: cancelled: redeploy of bbb-01: cancelled while service bbb-exporter was upgrading; bbb-exporter rolled back; bbb rolled back$' "$tmp/bbb-01.err"
ok $? "its outcome says cancelled, where, and what it rolled back"
! grep -q 'bbb-01/lb\|finishing the upgrade' "$tmp/bbb-01.err"
ok $? "no further service upgraded, nothing finished"
grep -q 'rolling back bbb-exporter' "$tmp/bbb-01.err" &&
    grep -q 'rolling back bbb$' "$tmp/bbb-01.err"
ok $? "each rollback is a step of its own"
is "$(services bbb-01)" "$before" \
    "every service of bbb-01 is active on its old image"
[ ! -s "$tmp/bbb-01.out" ]
ok $? "nothing on standard output (it is not done)"

# 2. ^C once the upgrade is being finished: too late to roll back.
start bbb-02
WAIT_DEADLINE=60 wait_for grep -q 'finishing the upgrade of bbb-02/bbb$' \
    "$tmp/bbb-02.err"
ok $? "the redeploy finishes the upgrade"
kill -INT "$jp"
end_job 60
ok $? "the redeploy ends"
is "$rc" 0 "it exits 0: the upgrade is finished"
sed 's/^/# /' "$tmp/bbb-02.out"
grep -q '^stack redeploy bbb-02: done: stack bbb-02 redeployed: 3 services upgraded, bbb=bigbluebutton/bbb:9.9 (the cancel came while the upgrade was being finished, when it can no longer be rolled back: it was finished)$' "$tmp/bbb-02.out"
ok $? "its result says the cancel came too late and it finished"
after=$(services bbb-02)
echo "$after" | grep -q '^bbb active docker:bigbluebutton/bbb:9.9$' &&
    [ "$(echo "$after" | grep -vc ' active ')" -eq 0 ]
ok $? "every service of bbb-02 is active, bbb on the new image"

"$bbbctl" --config "$conf" audit --json 2>/dev/null |
    jq -r '.[] | "\(.event) \(.verb) \(.target)"' >"$tmp/audit"
grep -q '^cancelled stack redeploy bbb-01$' "$tmp/audit"
ok $? "the audit trail has the cancelled redeploy"
grep -q '^done stack redeploy bbb-02$' "$tmp/audit"
ok $? "and the finished one"

done_testing
