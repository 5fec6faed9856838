#!/bin/sh
# backup.sh: bbbctl backup run of a generated database against a bare
# `pg_dump -Fc` of the same database in the same run (target: within
# 1.1x), and the hashing speed of backup verify.  The size is
# BACKUP_BENCH_MB (default 1024).  Prints figures; asserts nothing about
# timings.  Needs root for the throw-away cluster (skips otherwise).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
skip_all() { echo "backup bench: skipped: $*"; exit 0; }
diag() { :; }
. "$top/tests/lib/pg.sh"
bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"
MB=${BACKUP_BENCH_MB:-1024}
pg_setup
export HOME="$PG_ROOT" XDG_STATE_HOME="$PG_ROOT/state"
pg_start || exit 1
chmod 711 "$PG_ROOT"
out=$PG_ROOT/out
mkdir -p "$out"
cat >"$PG_ROOT/c.conf" <<EOC
[postgres]
conninfo = $PG_CONNINFO

[backup]
dir = $out/bbbctl
databases = bench
EOC
chmod 600 "$PG_ROOT/c.conf"
ms() { date +%s%3N; }

# About 150 bytes a row on disk: text that compresses as real data does.
rows=$((MB * 1024 * 1024 / 150))
pg_psql "CREATE DATABASE bench" >/dev/null
t0=$(ms)
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d bench \
    -v ON_ERROR_STOP=1 -c "CREATE TABLE users (id bigserial PRIMARY KEY,
    name text, email text, digest text, created_at timestamptz DEFAULT now());
    INSERT INTO users (name, email, digest) SELECT 'user ' || g,
    'u' || g || '@example.org', md5(g::text) || md5((g * 7)::text)
    FROM generate_series(1, $rows) g" -c "VACUUM ANALYZE users" || exit 1
t1=$(ms)
size=$(pg_psql "SELECT pg_database_size('bench')")
echo "backup: generated $((size / 1048576)) MB ($rows rows) in $((t1 - t0)) ms"

bare() {
	t0=$(ms)
	pg_dump -Fc -w -f "$out/bare.dump" -d "$PG_CONNINFO dbname=bench" ||
	    exit 1
	t1=$(ms)
	rm -f "$out/bare.dump"
	echo $((t1 - t0))
}
# Bare before and after ours: the faster of the two (a warm cache).
bare1=$(bare)
t0=$(ms)
"$bbbctl" --config "$PG_ROOT/c.conf" --yes backup run --only db \
    >/dev/null 2>"$out/run.err" || { tail -3 "$out/run.err"; exit 1; }
t1=$(ms)
ours=$((t1 - t0))
bare2=$(bare)
bare=$((bare1 < bare2 ? bare1 : bare2))
echo "backup: bare pg_dump -Fc $bare ms ($bare1, $bare2), bbbctl backup run $ours ms" \
    "(row counts, sha256, manifest included)"
awk -v a="$ours" -v b="$bare" 'BEGIN { printf "backup: ratio %.3f (target <= 1.10)\n", (b > 0) ? a / b : 0 }'
"$bbbctl" --config "$PG_ROOT/c.conf" backup verify >/dev/null 2>"$out/verify.err" ||
    { tail -3 "$out/verify.err"; exit 1; }
dump=$(find "$out/bbbctl" -name 'bench.dump' | head -1)
echo "backup: verify hashing: $(grep 'hashed' "$out/verify.err" | sed 's/.*hashed //') over $(($(stat -c %s "$dump") / 1048576)) MB (dump in the page cache)"
pg_stop
