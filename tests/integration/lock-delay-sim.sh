#!/bin/sh
# lock-delay-sim.sh: a job whose cluster lock counts as lost while its
# session still holds the key (consul's answers about the key cannot be
# read, so the lock cannot be confirmed) releases the key before it
# destroys the session.  A session destroyed while it holds a key leaves
# that key to consul's lock-delay (15 s); released first, the next job
# takes the lock at once.  The simulator keeps the lock-delay on its own
# clock, which does not move here.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 5 --speed 2

lock_session() {
	curl -s -H "X-Consul-Token: $token" "$consul/v1/kv/bbbctl/sim/lock" |
	    jq -r '.[0].Session // "none"' 2>/dev/null || echo none
}
curl -s -X POST "$control/poll" >/dev/null

run --yes stack restart bbb-01 >"$tmp/r.out" 2>"$tmp/r.err" &
jp=$!
wait_for grep -q 'restarting bbb-01/bbb (1 of 3)' "$tmp/r.err"
ok $? "the restart is at its first service"
[ "$(lock_session)" != none ]
ok $? "it holds the cluster lock"
# From now on consul's answers about the key cannot be read.
curl -s -X POST "$control/faults?spec=consul:/v1/kv/bbbctl/sim/lock:malformed" \
    >/dev/null
WAIT_DEADLINE=60 wait_for sh -c "! kill -0 $jp"
ok $? "the restart ends by itself"
wait "$jp"
rc=$?
jp=
[ $rc -ne 0 ]
ok $? "and exits non-zero ($rc)"
grep -q 'failed: lock lost: .*cannot be confirmed' "$tmp/r.err"
ok $? "its outcome is 'lock lost': the lock cannot be confirmed"
grep 'bbbctl: stack restart bbb-01:' "$tmp/r.err" | sed 's/^/# /'
curl -s -X DELETE "$control/faults" >/dev/null
is "$(lock_session)" none "the key is free (released, not left to a lock-delay)"

# The next operator's job, without --lock-wait, on the same clock.
t0=$(date +%s%N)
run --yes server cordon bbb-03 >"$tmp/c.out" 2>"$tmp/c.err"
is "$?" 0 "the next job takes the lock at once"
diag "it took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sed 's/^/# /' "$tmp/c.err"
! grep -q 'lock delay' "$tmp/c.err"
ok $? "no lock-delay stood in its way"

done_testing
