#!/bin/sh
# lock-review-sim.sh: what a job does when consul's answer about its
# lock cannot be read, and when the command's terminal hangs up.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 5 --speed 2

lock_session() {
	curl -s -H "X-Consul-Token: $token" "$consul/v1/kv/bbbctl/sim/lock" |
	    jq -r '.[0].Session // "none"' 2>/dev/null || echo none
}
lb() {
	curl -s "$control/state" |
	    jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .lb'
}
# A session destroyed while it held the lock leaves the key to consul's
# lock-delay (bbbctl's sessions ask for 15 s): the next job could not
# take the lock before.  Let it pass on the simulator's clock.
lock_delay_pass() {
	curl -s -X POST "$control/tick?ms=16000" >/dev/null
}
# "name startCount" of the containers of a stack.
starts() {
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/containers?limit=1000" |
	    jq -r --arg s "$1-" '.data[] | select(.name | startswith($s)) |
	    "\(.name) \(.startCount)"' | sort
}
# Wait for the job to end by itself (deadline: $1 s); a job that does
# not is killed, and that is a failure.  Sets rc.
end_job() {
	WAIT_DEADLINE=$1 wait_for sh -c "! kill -0 $jp"
	ended=$?
	[ $ended -ne 0 ] && kill -9 "$jp" 2>/dev/null
	wait "$jp"
	rc=$?
	jp=
	return $ended
}
curl -s -X POST "$control/poll" >/dev/null

# 1. consul answers 200 about the lock key, but the answer cannot be
# read: that proves nothing about the lock, so the job must not take it
# for "still held" and go on changing the fleet.
before=$(starts bbb-03)
run --yes stack restart bbb-03 >"$tmp/g.out" 2>"$tmp/g.err" &
jp=$!
wait_for grep -q 'restarting bbb-03/bbb (1 of 3)' "$tmp/g.err"
ok $? "a restart is at its first service"
curl -s -X POST "$control/faults?spec=consul:/v1/kv/bbbctl/sim/lock:malformed" >/dev/null
end_job 60
ok $? "the restart ends"
curl -s -X DELETE "$control/faults" >/dev/null
grep 'bbbctl: stack restart bbb-03:' "$tmp/g.err" | sed 's/^/# /'
[ $rc -ne 0 ]
ok $? "a garbled answer about the lock does not count as held ($rc)"
grep -q '^bbbctl: stack restart bbb-03: failed: lock lost: .*cannot be read.*; restart of bbb-03 stopped before bbb-exporter (1 of 3 services restarted)' "$tmp/g.err"
ok $? "its outcome is 'lock lost' and says the answer could not be read"
! grep -q 'restarting bbb-03/bbb-exporter' "$tmp/g.err"
ok $? "no further service was restarted"
after=$(starts bbb-03)
is "$(echo "$after" | grep -v '^bbb-03-bbb-1 ')" \
    "$(echo "$before" | grep -v '^bbb-03-bbb-1 ')" \
    "no container of the other services was restarted"
is "$(lock_session)" none "no lock is left behind"

lock_delay_pass

# 2. The operator's terminal hangs up (the SSH connection drops) while a
# drain runs from the command line: the job is cancelled as on ^C, so
# it ends with its audit record and gives the cluster lock back, rather
# than dying with the lock held until consul lets the session expire.
# (bbbctl itself, not a subshell around it, gets the signal)
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 200ms \
    bbb-04 >"$tmp/h.out" 2>"$tmp/h.err" &
jp=$!
wait_for grep -q 'draining' "$tmp/h.err"
ok $? "a drain follows the load"
[ "$(lock_session)" != none ]
ok $? "it holds the cluster lock"
kill -HUP "$jp"
end_job 30
ok $? "the drain ends after SIGHUP"
grep 'bbbctl: server drain bbb-04:' "$tmp/h.err" | sed 's/^/# /'
[ $rc -ne 0 ] && [ $rc -ne 129 ]
ok $? "it was not killed by the signal ($rc)"
grep -q '^bbbctl: server drain bbb-04: cancelled: drain cancelled with load .*: bbb-04 stays cordoned' "$tmp/h.err"
ok $? "its outcome is 'cancelled' with the state it leaves"
is "$(lock_session)" none "the cluster lock was given back at once"
run audit --json 2>/dev/null | jq -r '.[] | select(.verb == "server drain" and
    .target == "bbb-04") | .event' | sort | uniq -c | sed 's/^ *//' \
    >"$tmp/audit"
sed 's/^/# /' "$tmp/audit"
grep -qx '1 cancelled' "$tmp/audit" && grep -qx '1 started' "$tmp/audit"
ok $? "the audit trail has its start and, once, its end"

# 3. A drain cancelled before it has changed anything (scalelite is slow
# to list its servers) must not cordon the node after the cancel.
is "$(lb bbb-02)" enabled "bbb-02 is enabled"
curl -s -X POST "$control/faults?spec=scalelite:/scalelite/api/getServers:latency:3000" >/dev/null
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 200ms \
    bbb-02 >"$tmp/c.out" 2>"$tmp/c.err" &
jp=$!
wait_for grep -q 'finding bbb-02 in scalelite' "$tmp/c.err"
ok $? "a drain looks for its node in scalelite"
kill -TERM "$jp"
end_job 30
ok $? "the drain ends"
curl -s -X DELETE "$control/faults" >/dev/null
grep 'bbbctl: server drain bbb-02:' "$tmp/c.err" | sed 's/^/# /'
grep -q '^bbbctl: server drain bbb-02: cancelled: .*nothing was changed' "$tmp/c.err"
ok $? "its outcome is 'cancelled' and says nothing was changed"
! grep -q 'cordon bbb-02' "$tmp/c.err"
ok $? "no cordon step was started"
curl -s -X POST "$control/poll" >/dev/null
is "$(lb bbb-02)" enabled "bbb-02 is still enabled"

# 4. consul answers the renewals, but with nothing readable, and the
# lock key cannot be asked: a renewal that cannot be read is no renewal,
# so after a whole TTL (15 s) the lock counts as lost.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 200ms \
    bbb-04 >"$tmp/m.out" 2>"$tmp/m.err" &
jp=$!
wait_for grep -q 'draining' "$tmp/m.err"
ok $? "a drain follows the load"
curl -s -X POST "$control/faults?spec=consul:/v1/session/renew:malformed" >/dev/null
curl -s -X POST "$control/faults?spec=consul:/v1/kv/bbbctl/sim/lock:status:503" >/dev/null
end_job 45
ok $? "the drain ends by itself once no renewal could be read for a TTL"
curl -s -X DELETE "$control/faults" >/dev/null
grep 'bbbctl: server drain bbb-04:' "$tmp/m.err" | sed 's/^/# /'
[ $rc -ne 0 ] && grep -q '^bbbctl: server drain bbb-04: failed: lock lost: consul session .* not renewed for 1[5-9]s (it may have expired): .*cannot be read' "$tmp/m.err"
ok $? "its outcome is 'lock lost': the renewals could not be read"

lock_delay_pass

# 5. ^C while the upgrade is being finished is too late (the job goes
# on); when the finishing then fails, the job failed: it was not
# cancelled, and neither its outcome nor its audit record may say so.
rpath=$(echo "$rurl" | sed 's|^[a-z]*://[^/]*||')
"$bbbctl" --config "$conf" --log "$tmp/log" --yes stack redeploy \
    --poll 200ms --image bbb=bigbluebutton/bbb:9.9 bbb-05 \
    >"$tmp/f.out" 2>"$tmp/f.err" &
jp=$!
WAIT_DEADLINE=60 wait_for grep -q 'finishing the upgrade of bbb-05/bbb$' \
    "$tmp/f.err"
ok $? "a redeploy finishes its upgrade"
kill -INT "$jp"
wait_for grep -q 'cancelling' "$tmp/f.err"
curl -s -X POST "$control/faults?spec=rancher:$rpath/projects/1a5/services:status:500" >/dev/null
end_job 60
ok $? "the redeploy ends"
curl -s -X DELETE "$control/faults" >/dev/null
grep 'bbbctl: stack redeploy bbb-05:' "$tmp/f.err" | sed 's/^/# /'
grep -q '^bbbctl: stack redeploy bbb-05: failed: redeploy of bbb-05: finishupgrade of .* failed: ' "$tmp/f.err"
ok $? "its outcome is 'failed', not 'cancelled'"
run audit --json 2>/dev/null | jq -r '.[] | select(.verb == "stack redeploy" and
    .target == "bbb-05") | .event' | sort | uniq -c | sed 's/^ *//' \
    >"$tmp/audit5"
sed 's/^/# /' "$tmp/audit5"
grep -qx '1 failed' "$tmp/audit5" && ! grep -q cancelled "$tmp/audit5"
ok $? "its audit record says failed, once"

done_testing
