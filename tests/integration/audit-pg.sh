#!/bin/sh
# audit-pg.sh: the audit trail against a real PostgreSQL server started
# here: records written and read back; server stopped -> records spooled
# (0600 file, one JSON line each) -> server started -> the next record
# replays the spool: every record in the table exactly once, the spool
# empty; an interrupted replay repeated inserts nothing twice; no secret
# reaches the table, the spool or the messages (TAP).
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
mkdir -p "$tmp"
export HOME="$tmp" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG SSH_CONNECTION
export SSH_CLIENT="10.0.0.5 51234 22"
spool=
pw=Pw-9f3e2a7c41
conf=$tmp/bbbctl.conf

pg_start
ok $? "PostgreSQL started on 127.0.0.1:$PG_PORT"
# trust authentication ignores the password; it is here to be masked
cat >"$conf" <<EOF
[postgres]
conninfo = $PG_CONNINFO password=$pw
EOF
chmod 600 "$conf"

count() { pg_psql "SELECT count(*) FROM bbbctl_audit"; }
distinct() { pg_psql "SELECT count(DISTINCT uuid) FROM bbbctl_audit"; }
lines() { if [ -n "$spool" ] && [ -f "$spool" ]; then wc -l <"$spool" | tr -d ' '; else echo 0; fi; }

# 1. written and read back
"$drv" "$conf" record 3 "1. cordon bbb-01 (secret $pw)" >"$tmp/r1" 2>"$tmp/e1"
ok $? "3 records written"
is "$(grep -c ' db$' "$tmp/r1")" 3 "all 3 went to the database"
is "$(count)" 3 "the table holds 3 rows"
is "$(pg_psql "SELECT DISTINCT origin FROM bbbctl_audit")" 10.0.0.5 \
    "origin from SSH_CLIENT"
is "$(pg_psql "SELECT DISTINCT operator FROM bbbctl_audit")" "$(id -un)" \
    "operator is the OS user"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE plan LIKE '%$pw%'")" 0 \
    "the password in the plan text is not stored"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE plan LIKE '%********%'")" 3 \
    "it is masked"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE host IS NOT NULL AND at > now() - interval '1 minute'")" 3 \
    "host and time recorded"
"$bbbctl" --config "$conf" audit --json >"$tmp/list1" 2>"$tmp/le1"
ok $? "bbbctl audit --json"
is "$(grep -c '"uuid"' "$tmp/list1")" 3 "lists the 3 records"
is "$(grep -c '"spooled": false' "$tmp/list1")" 3 "none spooled"
for u in $(cut -d' ' -f1 "$tmp/r1"); do
	grep -q "\"$u\"" "$tmp/list1" || { diag "missing $u"; false; }
done
ok $? "the listed uuids are those written"
"$bbbctl" --config "$conf" audit >"$tmp/list1t" 2>&1
is "$(grep -c 'server cordon' "$tmp/list1t")" 3 "text listing: 3 rows"
"$bbbctl" --config "$conf" audit --limit 2 --json >"$tmp/list1l"
is "$(grep -c '"uuid"' "$tmp/list1l")" 2 "--limit 2: 2 rows"
"$bbbctl" --config "$conf" audit --since 2099-01-01 --json >"$tmp/list1s"
is "$(grep -c '"uuid"' "$tmp/list1s")" 0 "--since in the future: none"

# 2. database down: spooled
pg_stop
ok $? "PostgreSQL stopped"
"$drv" "$conf" record 4 >"$tmp/r2" 2>"$tmp/e2"
ok $? "4 records while the database is down: none lost"
spool=$(echo "$tmp"/state/bbbctl/audit-bbb-*.spool)
is "$(grep -c ' spooled ' "$tmp/r2")" 4 "all 4 spooled"
is "$(lines)" 4 "the spool holds 4 lines"
is "$(grep -c 'audit records kept in' "$tmp/e2")" 1 \
    "stderr says it once, not once per record"
is "$(stat -c %a "$spool")" 600 "the spool is mode 0600"
! grep -q "$pw" "$spool" "$tmp/r2" "$tmp/e2"
ok $? "no password in the spool or the messages"
"$bbbctl" --config "$conf" audit >"$tmp/list2" 2>"$tmp/le2"
ok $? "bbbctl audit with the database down"
is "$(grep -c '(spooled)' "$tmp/list2")" 4 "lists the 4 spooled records"
grep -q 'spooled records only' "$tmp/le2"
ok $? "and says the database was not read"
! grep -q "$pw" "$tmp/list2" "$tmp/le2"
ok $? "no password in its output"
"$drv" "$conf" record 1 >"$tmp/r3" 2>&1
is "$(lines)" 5 "a fifth record spooled (the spool grows)"

# 3. database back: the next record replays the spool
pg_start
ok $? "PostgreSQL started again"
"$drv" "$conf" record 1 >"$tmp/r4" 2>"$tmp/e4"
ok $? "a record once it is back"
is "$(grep -c ' db$' "$tmp/r4")" 1 "it went to the database"
is "$(lines)" 0 "the spool is empty"
is "$(count)" 9 "every record is in the table (3 + 5 + 1)"
is "$(distinct)" 9 "each exactly once"
cat "$tmp/r1" "$tmp/r2" "$tmp/r3" "$tmp/r4" | grep -E "^[0-9a-f-]{36} " | cut -d" " -f1 | sort >"$tmp/want"
pg_psql "SELECT uuid FROM bbbctl_audit" | sort >"$tmp/got"
diff "$tmp/want" "$tmp/got" >&2
ok $? "the table's uuids are exactly those written"
pg_psql "SELECT target FROM bbbctl_audit WHERE job_id = 1 ORDER BY at" >/dev/null
ok $? "rows have job ids"

# 4. a replay interrupted after some inserts, repeated: nothing twice
pg_stop
"$drv" "$conf" record 2 >"$tmp/r5" 2>&1
cp "$spool" "$tmp/spool.copy"
pg_start
"$drv" "$conf" record 1 >"$tmp/r6" 2>&1
is "$(count)" 12 "2 spooled + 1 more: 12 rows"
# as if the console died before the truncation: the same lines again,
# plus a torn last line
cat "$tmp/spool.copy" >>"$spool"
printf '{"uuid":"torn' >>"$spool"
"$drv" "$conf" record 1 >"$tmp/r7" 2>&1
is "$(count)" 13 "replaying lines already in the table adds nothing"
is "$(distinct)" 13 "still each exactly once"
is "$(lines)" 0 "the spool is empty again"
grep -q '"uuid":"torn' "$spool.rejected"
ok $? "the torn line was kept in audit.spool.rejected"
is "$(wc -l <"$spool.rejected" | tr -d ' ') $(grep -c '^$' "$spool.rejected")" \
    "1 0" "one line a rejected record, no empty line"

# without any [postgres]: kept, and said once
printf '[ui]\nreadonly = no\n' >"$tmp/nodb.conf"
XDG_STATE_HOME="$tmp/nodb" "$drv" "$tmp/nodb.conf" record 3 >"$tmp/r8" 2>"$tmp/e8"
ok $? "no conninfo: 3 records kept"
is "$(grep -c ' spooled ' "$tmp/r8")" 3 "all spooled"
is "$(wc -l <"$tmp/e8" | tr -d ' ')" 1 "one line on stderr"
grep -q 'conninfo unset' "$tmp/e8"
ok $? "saying the database is not configured"

# 5. the listing after all that
"$bbbctl" --config "$conf" audit --json --limit 0 >"$tmp/list3"
is "$(grep -c '"uuid"' "$tmp/list3")" 13 "bbbctl audit lists all 13"
is "$(grep -c '"spooled": true' "$tmp/list3")" 0 "none still spooled"

# 6. two consoles at once: appends and a replay never lose or repeat
pg_stop
"$drv" "$conf" record 20 >"$tmp/p1" 2>&1 &
p1=$!
"$drv" "$conf" record 20 >"$tmp/p2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ]
ok $? "two writers while the database is down"
is "$(lines)" 40 "the spool holds both writers' 40 lines"
bad=0
while IFS= read -r l; do
	case $l in '{"uuid":"'*'}') ;; *) bad=$((bad + 1)) ;; esac
done <"$spool"
is "$bad" 0 "no line interleaved or torn"
pg_start
"$drv" "$conf" record 5 >"$tmp/p3" 2>&1 &
p1=$!
"$drv" "$conf" record 5 >"$tmp/p4" 2>&1 &
p2=$!
wait $p1
wait $p2
is "$(count)" $((13 + 40 + 10)) "after two writers replay at once: every record"
is "$(distinct)" $((13 + 40 + 10)) "each exactly once"
is "$(lines)" 0 "the spool is empty"

pg_stop
done_testing
