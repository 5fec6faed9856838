#!/bin/sh
# lock-lost-sim.sh: a job whose cluster lock is lost half-way (its consul
# session destroyed through the consul API, as another operator's
# `consul lock` clean-up or an expiry would) stops before its next
# mutating step, reports "lock lost: <cause>", writes an audit record
# saying so, and changes nothing more: a drain stops following and leaves
# the server cordoned; a rolling restart restarts no further service; a
# redeploy rolls nothing back (that would be a change too).
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 5 --speed 2

lb() {
	curl -s "$control/state" |
	    jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .lb'
}
lock_session() {
	curl -s -H "X-Consul-Token: $token" "$consul/v1/kv/bbbctl/sim/lock" |
	    jq -r '.[0].Session // "none"' 2>/dev/null || echo none
}
lock_held() { [ "$(lock_session)" != none ]; }
# A session destroyed while it held the lock leaves the key to consul's
# lock-delay (bbbctl's sessions ask for 15 s): the next job could not
# take the lock before.  Let it pass on the simulator's clock.
lock_delay_pass() {
	curl -s -X POST "$control/tick?ms=16000" >/dev/null
}
# Another hand destroys the session that holds the lock.
destroy_session() {
	s=$(lock_session)
	[ "$s" != none ] || return 1
	curl -s -X PUT -H "X-Consul-Token: $token" \
	    "$consul/v1/session/destroy/$s" >/dev/null
}
# "name startCount" of the containers of a stack.
starts() {
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/containers?limit=1000" |
	    jq -r --arg s "$1-" '.data[] | select(.name | startswith($s)) |
	    "\(.name) \(.startCount)"' | sort
}
services() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid" |
	    jq -r '.data[] | "\(.name) \(.state) \(.launchConfig.imageUuid)"' |
	    sort
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

# 1. A drain following the load.
run --yes server drain --poll 200ms bbb-04 >"$tmp/d.out" 2>"$tmp/d.err" &
jp=$!
wait_for grep -q 'draining' "$tmp/d.err"
ok $? "the drain follows the load"
lock_held
ok $? "it holds the cluster lock"
destroy_session
ok $? "the lock's session is destroyed through consul's API"
t0=$(date +%s%N)
end_job 30
ok $? "the drain ends by itself (within a renewal interval)"
diag "the drain ended $(( ($(date +%s%N) - t0) / 1000000 )) ms after the session was destroyed"
[ $rc -ne 0 ]
ok $? "and exits non-zero ($rc)"
grep 'bbbctl: server drain bbb-04:' "$tmp/d.err" | sed 's/^/# /'
grep -q '^bbbctl: server drain bbb-04: failed: lock lost: consul session .* is gone' "$tmp/d.err"
ok $? "its outcome is 'lock lost: <cause>'"
grep -q 'drain stopped with load .*: bbb-04 stays cordoned' "$tmp/d.err"
ok $? "and it says the state it leaves"
! grep -q 'drained' "$tmp/d.out" "$tmp/d.err"
ok $? "it did not go on to the end"
is "$(lb bbb-04)" cordoned "scalelite shows bbb-04 cordoned, as reported"

lock_delay_pass

# 2. A rolling restart: the lock goes while the first service restarts;
# the next service is never restarted.
before=$(starts bbb-01)
diag "bbb-01 containers: $(echo $before)"
run --yes stack restart bbb-01 >"$tmp/r.out" 2>"$tmp/r.err" &
jp=$!
wait_for grep -q 'restarting bbb-01/bbb (1 of 3)' "$tmp/r.err"
ok $? "the restart is at its first service"
destroy_session
ok $? "the lock's session is destroyed"
end_job 60
ok $? "the restart ends by itself"
[ $rc -ne 0 ]
ok $? "the restart ends non-zero ($rc)"
grep 'bbbctl: stack restart bbb-01:' "$tmp/r.err" | sed 's/^/# /'
grep -q '^bbbctl: stack restart bbb-01: failed: lock lost: .*; restart of bbb-01 stopped before bbb-exporter (1 of 3 services restarted)' "$tmp/r.err"
ok $? "its outcome is 'lock lost: <cause>' and how far it came"
! grep -q 'restarting bbb-01/bbb-exporter' "$tmp/r.err"
ok $? "no further step was started"
after=$(starts bbb-01)
is "$(echo "$after" | grep -v '^bbb-01-bbb-1 ')" \
    "$(echo "$before" | grep -v '^bbb-01-bbb-1 ')" \
    "no container of the other services was restarted"

lock_delay_pass

# 3. A redeploy: no rollback once the lock is lost.
run --yes stack redeploy --image bbb=bigbluebutton/bbb:9.9 bbb-02 \
    >"$tmp/u.out" 2>"$tmp/u.err" &
jp=$!
wait_for grep -q 'upgrading bbb-02/bbb (1 of 3)' "$tmp/u.err"
ok $? "the redeploy upgrades its first service"
destroy_session
ok $? "the lock's session is destroyed"
end_job 60
ok $? "the redeploy ends by itself"
[ $rc -ne 0 ]
ok $? "the redeploy ends non-zero ($rc)"
grep 'bbbctl: stack redeploy bbb-02:' "$tmp/u.err" | sed 's/^/# /'
grep -q '^bbbctl: stack redeploy bbb-02: failed: lock lost: .*NOT ROLLED BACK (the lock is lost): bbb; finish or roll back in Rancher' "$tmp/u.err"
ok $? "its outcome is 'lock lost: <cause>' and it names what it left"
! grep -q 'rolling back\|upgrading bbb-02/bbb-exporter' "$tmp/u.err"
ok $? "no rollback and no further upgrade was started"
services bbb-02 | grep -q '^bbb-exporter active '
ok $? "bbb-exporter was not touched"

lock_delay_pass

# 4. consul cannot be asked for a moment (the lock key answers 503): the
# session was renewed less than a TTL ago, so the lock still holds and
# the job goes on; the log says it could not check.
run --yes stack restart bbb-05 >"$tmp/h.out" 2>"$tmp/h.err" &
jp=$!
wait_for grep -q 'restarting bbb-05/bbb (1 of 3)' "$tmp/h.err"
ok $? "a restart is at its first service"
curl -s -X POST "$control/faults?spec=consul:/v1/kv/bbbctl/sim/lock:status:503" >/dev/null
end_job 60
ok $? "the restart ends"
curl -s -X DELETE "$control/faults" >/dev/null
is "$rc" 0 "a consul hiccup does not stop it"
grep -q 'stack bbb-05 restarted: 3 services' "$tmp/h.out"
ok $? "every service restarted"
grep -q 'lock: cannot check bbbctl/sim/lock .*HTTP 503.*renewed [0-9]*s ago, held' "$tmp/log"
ok $? "the log says the lock could not be checked, and why it holds"

# (its release met the 503 too: the session was destroyed holding the key)
lock_delay_pass

# 5. The session cannot be renewed for a whole TTL (15 s): consul may
# have let it expire, so the lock counts as lost.
run --yes server drain --poll 200ms bbb-04 >"$tmp/n.out" 2>"$tmp/n.err" &
jp=$!
wait_for grep -q 'draining' "$tmp/n.err"
ok $? "a drain follows the load"
curl -s -X POST "$control/faults?spec=consul:/v1/session/renew:status:500" >/dev/null
end_job 45
ok $? "the drain ends by itself once the session went unrenewed for a TTL"
curl -s -X DELETE "$control/faults" >/dev/null
[ $rc -ne 0 ] && grep -q '^bbbctl: server drain bbb-04: failed: lock lost: consul session .* not renewed for 1[5-9]s (it may have expired): .*HTTP 500' "$tmp/n.err"
ok $? "its outcome is 'lock lost' with the renewals' error"
grep 'bbbctl: server drain bbb-04:' "$tmp/n.err" | sed 's/^/# /'

# The audit trail says so, for each job.
run audit --json 2>/dev/null |
    jq -r '.[] | select(.event == "failed") | "\(.verb) \(.target) \(.result)"' \
    >"$tmp/audit"
sed 's/^/# /' "$tmp/audit"
for j in "server drain bbb-04" "stack restart bbb-01" "stack redeploy bbb-02"; do
	grep -q "^$j lock lost: " "$tmp/audit"
	ok $? "an audit record says $j lost its lock"
done
is "$(lock_session)" none "no lock is left behind"

done_testing
