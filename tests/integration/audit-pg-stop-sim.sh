#!/bin/sh
# audit-pg-stop-sim.sh: the audit database stops answering in the middle
# of a job (its postmaster and backends get SIGSTOP: the connection stays
# up, nothing answers, no reset).  libpq alone would wait for ever; our
# deadline sends the record to the spool and the job ends, its outcome
# printed; a signal ends it at once after printing the outcome.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/pg.sh"

bbbctl=$build/bbbctl
sim=$build/bbbctl-sim
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
pg_setup
tmp=$PG_ROOT/j
mkdir -p "$tmp"
export HOME="$tmp" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG SSH_CONNECTION SSH_CLIENT
simpid=
jobpid=
stopped=
pg_thaw() {
	[ -n "$stopped" ] && kill -CONT $stopped 2>/dev/null
	stopped=
}
pg_on_exit() {
	pg_thaw
	[ -n "$jobpid" ] && kill -KILL "$jobpid" 2>/dev/null
	[ -n "$simpid" ] && kill "$simpid" 2>/dev/null
}
# Stop the postmaster and every backend (pg_cleanup thaws them first).
pg_freeze() {
	local pm
	pm=$(head -1 "$PG_DIR/postmaster.pid")
	stopped="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
	kill -STOP $stopped
}
trap 'pg_thaw; pg_cleanup; pg_on_exit' EXIT

"$sim" --nodes 3 --write-config "$tmp/sim.conf" >"$tmp/sim.out" \
    2>"$tmp/sim.err" &
simpid=$!
wait_for grep -q '^ready$' "$tmp/sim.out"
ok $? "bbbctl-sim is ready"
pg_start
ok $? "PostgreSQL started"
conf=$tmp/bbbctl.conf
{ cat "$tmp/sim.conf"; echo "[postgres]"; echo "conninfo = $PG_CONNINFO"; } \
    >"$conf"
chmod 600 "$conf"
run() { "$bbbctl" --config "$conf" --log "$tmp/log" "$@"; }

run --yes server cordon bbb-03 >/dev/null 2>&1
ok $? "a job with the database up (the audit table exists)"

# 1. No signal: the drain times out while the database is stopped; the
# outcome's record waits out our deadline, goes to the spool, and the
# outcome is printed.
t0=$(date +%s)
run --yes server drain --poll 1s --timeout 4s bbb-01 >"$tmp/out1" \
    2>"$tmp/err1" &
jobpid=$!
wait_for grep -q 'draining' "$tmp/err1"
ok $? "the drain follows the load (its started record is written)"
pg_freeze
WAIT_DEADLINE=40 wait_for sh -c "! kill -0 $jobpid 2>/dev/null"
ok $? "the job ends although the database never answers" ||
    kill -KILL "$jobpid"
wait "$jobpid"
is "$?" 1 "it exits 1 (the drain timed out)"
jobpid=
t1=$(date +%s)
diag "ended after $((t1 - t0))s"
grep -q 'server drain bbb-01: failed: drain timed out' "$tmp/err1"
ok $? "the job's outcome is printed"
grep -q '"event":"failed"' "$tmp"/state/bbbctl/audit-*.spool 2>/dev/null
ok $? "the outcome's record is in the spool"
grep -q "bbbctl's own deadline" "$tmp/log"
ok $? "the log says our deadline passed"
pg_thaw

# 2. A signal while a record waits: the job ends at once, outcome first.
run --yes server enable bbb-01 >/dev/null 2>&1
ok $? "bbb-01 enabled again (database back)"
# Not through run(): the signal is for bbbctl, not for a subshell.
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain --poll 1s \
    bbb-01 >"$tmp/out2" 2>"$tmp/err2" &
jobpid=$!
wait_for grep -q 'draining' "$tmp/err2"
ok $? "a second drain follows the load"
pg_freeze
# One SIGTERM: the drain is cancelled; its outcome record cannot reach
# the database and must not hold the process for our whole deadline.
t0=$(date +%s)
kill -TERM "$jobpid"
WAIT_DEADLINE=8 wait_for sh -c "! kill -0 $jobpid 2>/dev/null"
ok $? "SIGTERM ends the job within seconds while the database hangs" ||
    kill -KILL "$jobpid"
diag "ended $(( $(date +%s) - t0 ))s after the signal"
wait "$jobpid"
is "$?" 1 "it exits 1"
jobpid=
grep -q 'server drain bbb-01: cancelled: drain cancelled' "$tmp/err2"
ok $? "the job's outcome is printed"
grep -q '"event":"cancelled"' "$tmp"/state/bbbctl/audit-*.spool
ok $? "its outcome's record is in the spool"
pg_thaw

done_testing
