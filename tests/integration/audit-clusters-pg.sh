#!/bin/sh
# audit-clusters-pg.sh: two fleets of the same name, each its own audit
# database on one real PostgreSQL server: a table made before records
# carried their cluster is migrated; records carry the cluster's name and
# identity; each fleet spools to its own file, and a spool written for A
# while the database is down is replayed into A's database, never into
# B's; a record of B found in A's spool is kept aside, not inserted; the
# old shared spool is kept, never replayed, and said; the listing shows
# this cluster's records unless --all-clusters (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/pg.sh"

bbbctl=$build/bbbctl
drv=$build/tests/integration/audit-driver
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
if [ ! -x "$drv" ]; then
	${MAKE:-make} -s -C "$build" tests/integration/audit-driver \
	    >/dev/null 2>&1 || skip_all "audit-driver not built"
fi
pg_setup
tmp=$PG_ROOT/t
mkdir -p "$tmp/state/bbbctl"
export HOME="$tmp" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG SSH_CONNECTION SSH_CLIENT

pg_start
ok $? "PostgreSQL started on 127.0.0.1:$PG_PORT"
pg_psql "CREATE DATABASE fleet_a" && pg_psql "CREATE DATABASE fleet_b"
ok $? "one database per fleet"
db() {
	"$PG_BIN/psql" -X -q -At -h "$PG_SOCK" -p "$PG_PORT" -U postgres \
	    -d "$1" -v ON_ERROR_STOP=1 -c "$2"
}
for f in a b; do
	cat >"$tmp/$f.conf" <<EOF
[cluster]
name = uni
[consul]
url = http://consul.$f.invalid:8500
[postgres]
conninfo = $PG_CONNINFO dbname=fleet_$f
EOF
	chmod 600 "$tmp/$f.conf"
done

# A table of an older version, with one row, in A's database.
db fleet_a "CREATE TABLE bbbctl_audit (uuid text PRIMARY KEY,
    event text NOT NULL, job_id bigint, verb text NOT NULL, target text,
    plan text, result text, operator text NOT NULL, origin text NOT NULL,
    at timestamptz NOT NULL, duration_ms bigint, host text,
    recorded_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO bbbctl_audit (uuid, event, verb, operator, origin, at)
    VALUES ('old-row', 'done', 'server cordon', 'o', 'local', now())"
ok $? "an old table in A's database"
# The shared spool of an older version: any fleet's records.
printf '%s\n' '{"uuid":"legacy-1","event":"done","verb":"server panic","operator":"o","origin":"local","at_ms":1700000000000}' \
    >"$tmp/state/bbbctl/audit.spool"
chmod 600 "$tmp/state/bbbctl/audit.spool"

"$drv" "$tmp/a.conf" record 2 >"$tmp/ra1" 2>"$tmp/ea1"
is "$(grep -c ' db$' "$tmp/ra1")" 2 "A: 2 records into the old table"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit")" 3 \
    "the old row is kept beside them"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit WHERE cluster = 'uni' AND cluster_id ~ '^[0-9a-f]{16}$'")" 2 \
    "the table was migrated: the new rows carry the cluster and its id"
grep -q 'old shared spool' "$tmp/ea1"
ok $? "the old shared spool is said in the log"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit WHERE uuid = 'legacy-1'")" 0 \
    "and not replayed"

# Both databases down: each fleet spools to its own file.
pg_stop
"$drv" "$tmp/a.conf" record 3 >"$tmp/ra2" 2>/dev/null
"$drv" "$tmp/b.conf" record 2 >"$tmp/rb2" 2>/dev/null
is "$(grep -c ' spooled ' "$tmp/ra2") $(grep -c ' spooled ' "$tmp/rb2")" \
    "3 2" "A's 3 and B's 2 records spooled"
set -- "$tmp"/state/bbbctl/audit-uni-*.spool
is "$#" 2 "two spools for two fleets of one name"
sa=; sb=
for s in "$@"; do
	if grep -q "$(cut -d' ' -f1 "$tmp/ra2" | head -1)" "$s"; then sa=$s
	else sb=$s; fi
done
[ -n "$sa" ] && [ -n "$sb" ]
ok $? "one spool is A's, the other B's"
is "$(wc -l <"$sa" | tr -d ' ') $(wc -l <"$sb" | tr -d ' ')" "3 2" \
    "A's spool holds A's 3, B's holds B's 2"
bad=0
for u in $(cut -d' ' -f1 "$tmp/rb2"); do grep -q "$u" "$sa" && bad=1; done
for u in $(cut -d' ' -f1 "$tmp/ra2"); do grep -q "$u" "$sb" && bad=1; done
is "$bad" 0 "no record in the other fleet's spool"
is "$(sed -n 's/.*"cluster_id":"\([0-9a-f]*\)".*/\1/p' "$sa" "$sb" | sort -u | wc -l | tr -d ' ')" \
    2 "the spooled records carry two identities"
"$bbbctl" --config "$tmp/a.conf" audit >"$tmp/la" 2>"$tmp/lea"
is "$(grep -c '(spooled)' "$tmp/la")" 3 "A's listing: its 3 spooled records"
head -1 "$tmp/la" | grep -q '^cluster uni ([0-9a-f]\{16\})$'
ok $? "it names the cluster and its identity"
grep -q 'old shared spool.*not replayed' "$tmp/lea"
ok $? "and says the old shared spool is kept, not replayed"
# A record of B copied into A's spool (as an old version could have).
head -1 "$sb" >>"$sa"
foreign=$(head -1 "$sb" | sed 's/^{"uuid":"\([^"]*\)".*/\1/')

# Back: A's spool goes to A's database, B's to B's.
pg_start
"$drv" "$tmp/b.conf" record 1 >"$tmp/rb3" 2>/dev/null
is "$(db fleet_b "SELECT count(*) FROM bbbctl_audit")" 3 \
    "B's database: B's 2 spooled + 1"
for u in $(cut -d' ' -f1 "$tmp/ra1" "$tmp/ra2"); do
	db fleet_b "SELECT uuid FROM bbbctl_audit WHERE uuid = '$u'"
done >"$tmp/leak"
is "$(wc -l <"$tmp/leak" | tr -d ' ')" 0 "none of A's records in B's database"
is "$(wc -l <"$sa" | tr -d ' ')" 4 "A's spool untouched by B's replay"
"$drv" "$tmp/a.conf" record 1 >"$tmp/ra3" 2>"$tmp/ea3"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit")" 7 \
    "A's database: 1 old + 2 + 3 spooled + 1"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit WHERE uuid = '$foreign'")" 0 \
    "B's record found in A's spool is not inserted into A's"
grep -q "$foreign" "$sa.rejected"
ok $? "it is kept aside in A's .rejected"
is "$(wc -l <"$sa" | tr -d ' ')" 0 "A's spool is empty"
grep -q legacy-1 "$tmp/state/bbbctl/audit.spool"
ok $? "the old shared spool is still there"
is "$(db fleet_a "SELECT count(*) FROM bbbctl_audit WHERE uuid = 'legacy-1'") $(db fleet_b "SELECT count(*) FROM bbbctl_audit WHERE uuid = 'legacy-1'")" \
    "0 0" "and was replayed into neither database"

# The listing: this cluster's rows; --all-clusters: every row.
"$bbbctl" --config "$tmp/a.conf" audit --json --limit 0 >"$tmp/ja" 2>/dev/null
is "$(grep -c '"uuid"' "$tmp/ja")" 6 "A's listing: its 6 records"
! grep -q old-row "$tmp/ja"
ok $? "not the old row of no cluster"
"$bbbctl" --config "$tmp/a.conf" audit --json --limit 0 --all-clusters \
    >"$tmp/jall" 2>/dev/null
is "$(grep -c '"uuid"' "$tmp/jall")" 7 "--all-clusters: all 7"
is "$(grep -c '"cluster": "uni"' "$tmp/ja")" 6 "each record shows its cluster"

pg_stop
done_testing
