#!/bin/sh
# lock-race-sim.sh: two contenders race for the cluster lock 200 times
# (lock-race-driver against bbbctl-sim's consul).  A release used to
# leave the key at flags 0, and a contender reading it in that moment
# failed with "exists but is not a lock"; now no spurious failure, and
# never two holders at once.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
driver="${top_builddir:-.}/tests/integration/lock-race-driver"
[ -x "$driver" ] || skip_all "lock-race-driver not built"
sim_init
sim_start --nodes 2

"$driver" "$consul" "$token" bbbctl/sim/lock 200 30000 >"$tmp/wait" \
    2>"$tmp/wait.err"
ok $? "200 races, the loser waiting"
grep '^spurious' "$tmp/wait" | sort | uniq -c | head -5 | sed 's/^/# /'
is "$(tail -1 "$tmp/wait")" "acquired 400 spurious 0 overlaps 0" \
    "every acquisition succeeds, never two holders"

"$driver" "$consul" "$token" bbbctl/sim/lock 200 0 >"$tmp/nowait" \
    2>"$tmp/nowait.err"
ok $? "200 races, the loser not waiting"
grep '^spurious' "$tmp/nowait" | sort | uniq -c | head -5 | sed 's/^/# /'
tail -1 "$tmp/nowait" | grep -q ' spurious 0 overlaps 0$'
ok $? "a loser only ever fails with 'held by', never two holders"
diag "$(tail -1 "$tmp/nowait")"

done_testing
