#!/bin/sh
# jobs-sim.sh: the server actions against bbbctl-sim: each action's state
# as scalelite shows it afterwards, --dry-run changes nothing and prints
# no secret, disable of a loaded server is refused, confirmation without
# a terminal is refused, --readonly refuses, drain follows the load until
# scalelite disables the server, a fault mid-job ends it with a clear
# error and the lock released, and two processes racing for the cluster
# lock act one after the other.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
[ -n "${KEEP_TMP:-}" ] && trap - EXIT
sim_start --nodes 5

lb() {
	curl -s "$control/state" |
	    jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .lb'
}
load() {
	curl -s "$control/state" |
	    jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .load'
}
lock_session() {
	curl -s -H "X-Consul-Token: $token" "$consul/v1/kv/bbbctl/sim/lock" |
	    jq -r '.[0].Session // "none"' 2>/dev/null || echo none
}
lock_held() { [ "$(lock_session)" != none ]; }

# The seeded fleet: every node enabled, bbb-01, -02, -04, -05 online with
# meetings (bbb-03 is the seed's offline node).
curl -s -X POST "$control/poll" >/dev/null
for n in bbb-01 bbb-02 bbb-04 bbb-05; do
	is "$(lb $n)" enabled "$n starts enabled"
done

# --dry-run: the plan, nothing changed, no secret.
run --dry-run server cordon bbb-04 >"$tmp/dry" 2>&1
ok $? "dry-run exits 0"
grep -q 'updateServer' "$tmp/dry"
ok $? "dry-run prints the plan's API calls"
! grep -qF "$slsecret" "$tmp/dry" && ! grep -qF "$token" "$tmp/dry"
ok $? "dry-run prints no secret"
is "$(lb bbb-04)" enabled "dry-run changed nothing"
run --dry-run server panic bbb-04 >"$tmp/dry2" 2>&1
grep -q 'END EVERY MEETING' "$tmp/dry2"
ok $? "panic's plan says it ends every meeting"
is "$(lb bbb-04)" enabled "dry-run of panic changed nothing"
# A node that does not exist: refused, with the nearest name.
run --dry-run server cordon bbb-0O >"$tmp/dry3" 2>&1
is $? 1 "dry-run of an unknown node exits 1"
grep -q 'no node bbb-0O in scalelite; did you mean bbb-0' "$tmp/dry3"
ok $? "and says which node was meant"
! grep -q 'updateServer' "$tmp/dry3"; ok $? "no plan printed for it"

# No terminal and no --yes: refused.
run server cordon bbb-04 </dev/null >"$tmp/notty" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'no terminal' "$tmp/notty"
ok $? "without a terminal and --yes the command refuses"
is "$(lb bbb-04)" enabled "the refused command changed nothing"
run --readonly --yes server cordon bbb-04 >"$tmp/ro" 2>&1
[ $? -ne 0 ] && grep -q 'read-only' "$tmp/ro"
ok $? "--readonly refuses"

# cordon, enable.
run --yes server cordon bbb-04 >"$tmp/cordon" 2>&1
ok $? "server cordon bbb-04"
is "$(lb bbb-04)" cordoned "scalelite shows bbb-04 cordoned"
run --yes server enable bbb-04 >"$tmp/enable" 2>&1
ok $? "server enable bbb-04"
is "$(lb bbb-04)" enabled "scalelite shows bbb-04 enabled"
is "$(lock_session)" none "the lock is released after the jobs"

# disable of a loaded server: refused with the advice to drain.
l=$(load bbb-01)
diag "bbb-01 load $l"
run --yes server disable bbb-01 >"$tmp/dis" 2>&1
rc=$?
if [ "$l" != null ] && [ "$l" != 0 ]; then
	[ $rc -ne 0 ] && grep -q 'drain it first: bbbctl server drain bbb-01' \
	    "$tmp/dis"
	ok $? "disable of a loaded server is refused with the advice to drain"
	is "$(lb bbb-01)" enabled "the refused disable changed nothing"
else
	ok $rc "disable of an idle server"
	is "$(lb bbb-01)" disabled "bbb-01 disabled"
fi

# panic: destructive; --yes confirms on the command line.
run --yes server panic bbb-05 >"$tmp/panic" 2>&1
ok $? "server panic bbb-05"
is "$(lb bbb-05)" disabled "scalelite shows bbb-05 disabled after panic"

# A fault mid-job: updateServer fails; a clear error, the lock released.
curl -s -X POST "$control/faults?spec=scalelite:/scalelite/api/updateServer:status:500" >/dev/null
run --yes server cordon bbb-01 >"$tmp/fault" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'updateServer.*500' "$tmp/fault"
ok $? "a failing updateServer ends the job with a clear error"
grep -v '^ok' "$tmp/fault" | sed 's/^/# /' 
is "$(lb bbb-01)" enabled "nothing half-done: bbb-01 still enabled"
is "$(lock_session)" none "the lock is released after a failure"
curl -s -X DELETE "$control/faults" >/dev/null

# The lock race: updateServer takes 1.5 s; two processes at once.
curl -s -X POST "$control/faults?spec=scalelite:/scalelite/api/updateServer:latency:1500" >/dev/null
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server cordon \
    --lock-wait 30 bbb-04 >"$tmp/ra" 2>"$tmp/ra.err" &
pa=$!
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server cordon \
    --lock-wait 30 bbb-01 >"$tmp/rb" 2>"$tmp/rb.err" &
pb=$!
wait_for lock_held
ok $? "one of them holds the lock"
wait "$pa"
ra=$?
wait "$pb"
rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ]
ok $? "both racing jobs succeed"
cat "$tmp/ra.err" "$tmp/rb.err" | grep -q 'waiting for the cluster lock: held by .* for server cordon bbb-0[14]'
ok $? "the second waits and says who holds the lock, for what"
# One after the other: the lock intervals of the two processes (from
# their log lines, wall ms) do not overlap.
for p in $pa $pb; do
	a=$(awk -v p=$p '$2 == p && / lock: .* acquired at / { print $NF }' "$tmp/log")
	r=$(awk -v p=$p '$2 == p && / lock: .* releasing at / { print $NF }' "$tmp/log")
	echo "$a $r"
done >"$tmp/intervals"
diag "lock intervals: $(tr '\n' ' ' <"$tmp/intervals")"
awk 'NF == 2 { a[NR] = $1; r[NR] = $2 } END {
	if (NR != 2 || !(1 in a) || !(2 in a)) exit 1
	exit !(a[2] >= r[1] || a[1] >= r[2]) }' "$tmp/intervals"
ok $? "the two jobs held the lock one after the other, never together"
is "$(lb bbb-04) $(lb bbb-01)" "cordoned cordoned" "both servers cordoned"
is "$(lock_session)" none "the lock is free at the end"

# A second operator without --lock-wait gives up with the holder named.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain \
    --poll 200ms bbb-04 >/dev/null 2>"$tmp/hold.err" &
ph=$!
wait_for lock_held
wait_for grep -q draining "$tmp/hold.err"
SSH_CLIENT="10.0.0.5 5555 22" run --yes server enable bbb-01 >"$tmp/give" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'held by .* since [0-9][0-9]:[0-9][0-9] for server drain bbb-04' "$tmp/give"
ok $? "without --lock-wait the second gives up and names the holder"
kill -INT "$ph"
wait "$ph"
rc=$?
[ $rc -ne 0 ] && grep -q 'drain cancelled' "$tmp/hold.err"
ok $? "^C cancels a drain and says the server stays cordoned"
is "$(lock_session)" none "the lock is released after the cancel"
curl -s -X DELETE "$control/faults" >/dev/null

# A fault while a drain follows the load: a clear error that says the
# server is left cordoned.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain \
    --poll 200ms bbb-04 >/dev/null 2>"$tmp/df.err" &
dfp=$!
wait_for grep -q draining "$tmp/df.err"
curl -s -X POST "$control/faults?spec=scalelite:/scalelite/api/getServerInfo:status:503" >/dev/null
wait "$dfp"
rc=$?
curl -s -X DELETE "$control/faults" >/dev/null
[ $rc -ne 0 ] && grep -q 'getServerInfo.*503.*drain stopped: bbb-04 stays cordoned' "$tmp/df.err"
ok $? "a fault mid-drain ends it with a clear error and the state it left"
st=$(lb bbb-04)
[ "$st" = cordoned ] || [ "$st" = disabled ]
ok $? "and scalelite shows bbb-04 $st, as reported"

# A crashed console: its lock goes with its session's TTL.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain \
    --poll 200ms bbb-01 >/dev/null 2>"$tmp/crash.err" &
cp=$!
wait_for grep -q draining "$tmp/crash.err"
kill -9 "$cp"
wait "$cp" 2>/dev/null
lock_held
ok $? "a killed console leaves its lock behind at first"
run --yes server enable bbb-04 >"$tmp/after" 2>&1
[ $? -ne 0 ] && grep -q 'held by' "$tmp/after"
ok $? "... so a second operator is refused while the session lives"
# 2 x TTL plus the lock delay, in the simulator's time
curl -s -X POST "$control/tick?ms=46000" >/dev/null
wait_for sh -c "! { curl -s -H 'X-Consul-Token: $token' '$consul/v1/kv/bbbctl/sim/lock' | grep -q Session; }"
ok $? "the crashed console's session expired and released the lock"
run --yes server enable --lock-wait 30 bbb-04 >"$tmp/after" 2>&1
ok $? "then the next job takes the lock and runs"
grep -v '^bbbctl: audit' "$tmp/after" | sed 's/^/# /' 

# drain: cordon, follow the load, scalelite disables it.  (The 12 h tick
# that ends the meetings also expires the lock's session in the sim.)
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain \
    --poll 200ms bbb-02 >"$tmp/drain" 2>"$tmp/drain.err" &
dpid=$!
wait_for grep -q 'draining' "$tmp/drain.err"
ok $? "drain reports its progress"
is "$(lb bbb-02)" cordoned "bbb-02 is cordoned while it drains"
curl -s -X POST "$control/tick?ms=43200000" >/dev/null
curl -s -X POST "$control/poll" >/dev/null
wait "$dpid"
ok $? "drain ends when scalelite disables the server"
grep -q 'drained' "$tmp/drain"
ok $? "drain says the server is drained"
is "$(lb bbb-02)" disabled "scalelite shows bbb-02 disabled"

# The audit spool has every job's records (no database configured).
n=$(run audit --json 2>/dev/null | jq -r '.[] | select(.event == "done" or .event == "failed" or .event == "cancelled") | .uuid' | sort -u | wc -l)
[ "$n" -ge 8 ]
ok $? "every job left a result record ($n)"
! grep -qF "$slsecret" "$XDG_STATE_HOME/bbbctl/audit.spool"
ok $? "no secret in the audit records"

done_testing
