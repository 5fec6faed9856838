#!/bin/sh
# jobs-audit-pg.sh: the audit records of real jobs (bbbctl server ...
# against bbbctl-sim) in a real PostgreSQL: planned, confirmed, started
# and the outcome of each job, with the operator, its origin and the
# plan, and no secret; with the database down the job still runs, its
# records wait in the spool and reach the database once it is back,
# none lost, none twice.
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
unset BBBCTL_CONFIG SSH_CONNECTION
export SSH_CLIENT="10.0.0.7 40000 22"
simpid=
pg_on_exit() { [ -n "$simpid" ] && kill "$simpid" 2>/dev/null; }

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
secret=$(awk -F' = ' '$1 == "secret" { print $2 }' "$conf")
run() { "$bbbctl" --config "$conf" --log "$tmp/log" "$@"; }

run --yes server cordon bbb-01 >"$tmp/out" 2>&1
ok $? "server cordon bbb-01"
is "$(pg_psql "SELECT string_agg(event, ' ' ORDER BY at, recorded_at) FROM bbbctl_audit WHERE verb = 'server cordon' AND target = 'bbb-01'")" \
    "planned confirmed started done" "the job's four records are in the database"
is "$(pg_psql "SELECT count(DISTINCT operator || ' ' || origin) FROM bbbctl_audit WHERE target = 'bbb-01'")" \
    1 "one operator and origin for the job's records"
pg_psql "SELECT DISTINCT origin FROM bbbctl_audit WHERE target = 'bbb-01'" | grep -q '10.0.0.7'
ok $? "the origin is the SSH client's address"
pg_psql "SELECT plan FROM bbbctl_audit WHERE target = 'bbb-01' AND event = 'planned'" | grep -q 'updateServer'
ok $? "the plan is recorded"
pg_psql "SELECT result FROM bbbctl_audit WHERE target = 'bbb-01' AND event = 'done'" | grep -q 'bbb-01 is cordoned'
ok $? "the result is recorded"
! pg_psql "SELECT * FROM bbbctl_audit" | grep -qF "$secret"
ok $? "no secret in the database"

# The database goes down: the job still runs; its records are spooled.
pg_stop
run --yes server enable bbb-01 >"$tmp/out" 2>&1
ok $? "server enable bbb-01 with the database down"
n=$(grep -c '"server enable"' "$tmp"/state/bbbctl/audit-*.spool 2>/dev/null)
is "$n" 4 "its four records wait in the spool"
pg_start
ok $? "PostgreSQL is back"
run --yes server cordon bbb-02 >"$tmp/out" 2>&1
ok $? "the next job runs"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE verb = 'server enable'")" 4 \
    "the spooled records were replayed, none lost, none twice"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE target = 'bbb-02'")" 4 \
    "and the new job's records are there"
is "$(pg_psql "SELECT count(*) - count(DISTINCT uuid) FROM bbbctl_audit")" 0 \
    "no record twice"
[ ! -s "$tmp"/state/bbbctl/audit-*.spool ]
ok $? "the spool is empty again"

done_testing
