#!/bin/sh
# audit.sh: audit records per second into a throw-away PostgreSQL, into
# the spool (database down), and the replay of that spool.  Prints
# figures; asserts nothing about timings.  Needs root (skips otherwise).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
skip_all() { echo "audit bench: skipped: $*"; exit 0; }
diag() { :; }
. "$top/tests/lib/pg.sh"
${MAKE:-make} -s -C "$build" tests/integration/audit-driver >/dev/null || exit 1
drv=$build/tests/integration/audit-driver
N=${AUDIT_BENCH_N:-2000}
pg_setup
export HOME="$PG_ROOT" XDG_STATE_HOME="$PG_ROOT/state"
printf '[postgres]\nconninfo = %s\n' "$PG_CONNINFO" >"$PG_ROOT/c.conf"
chmod 600 "$PG_ROOT/c.conf"
pg_start || exit 1
ms() { date +%s%3N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%d records in %d ms: %.0f/s\n", n, t, (t > 0) ? (n * 1000 / t) : 0 }'; }
t0=$(ms); "$drv" "$PG_ROOT/c.conf" record "$N" >/dev/null 2>&1; t1=$(ms)
printf 'audit: into the database (fsync'"'"'d commits): '; rate "$N" $((t1 - t0))
pg_stop
t0=$(ms); "$drv" "$PG_ROOT/c.conf" record "$N" >/dev/null 2>&1; t1=$(ms)
printf 'audit: into the spool (database down, each tries to connect): '; rate "$N" $((t1 - t0))
pg_start || exit 1
t0=$(ms); "$drv" "$PG_ROOT/c.conf" record 1 >/dev/null 2>&1; t1=$(ms)
printf 'audit: replay of the spool on the next record: '; rate "$((N + 1))" $((t1 - t0))
echo "audit: rows $(pg_psql 'SELECT count(*) FROM bbbctl_audit') (want $((N * 2 + 1)))"
pg_stop
