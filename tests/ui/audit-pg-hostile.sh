#!/bin/sh
# audit-pg-hostile.sh: records in the audit table written by something
# else than bbbctl (another console, a hand in psql) are data: control
# characters in them never reach the terminal nor break the table's
# rows, and a huge field costs no more than a screen line.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
. "$top/tests/lib/pg.sh"

ui_init
pg_setup
pg_on_exit() { ui_cleanup; }
ui_pg_start --nodes 3

cli --yes server cordon bbb-02 >/dev/null 2>&1
ok $? "a cordon from the command line (the audit table exists)"
pg_psql "INSERT INTO bbbctl_audit (uuid, event, verb, target, result, operator, origin, at) VALUES ('h-1', 'failed', E'stack\\nredeploy', E'bbb\\r-07', E'first\\nSECOND\\rTHIRD\\x1b[2J\\x1b]2;pwned\\x07 end', E'mal\\x1bory', '10.9.8.7', now() - interval '1 minute')" >/dev/null
ok $? "a record with control characters, from elsewhere"
pg_psql "INSERT INTO bbbctl_audit (uuid, event, verb, target, result, operator, origin, at) VALUES ('h-2', 'done', 'server enable', 'bbb-09', repeat('x', 20000000), 'bob', '10.9.8.7', now() - interval '2 minutes')" >/dev/null
ok $? "a record with a 20 MB result"
# A record from elsewhere that carries a secret of this console's
# configuration (the same fleet: the same scalelite secret).
slsecret=$(awk -F' = ' '/^\[scalelite\]/ { s = 1 } s && $1 == "secret" { print $2; exit }' "$conf")
[ -n "$slsecret" ]
ok $? "the configuration has a scalelite secret"
pg_psql "INSERT INTO bbbctl_audit (uuid, event, verb, target, plan, result, operator, origin, at) VALUES ('h-3', 'failed', 'server panic', 'bbb-08', 'checksum over $slsecret', 'scalelite said no to $slsecret', 'eve', '10.9.8.7', now() - interval '3 minutes')" >/dev/null
ok $? "a record with the scalelite secret in it, from elsewhere"
# They are this cluster's (the listing's first line names it and its id).
hdr=$(cli audit 2>/dev/null | head -1)
cid=$(printf '%s\n' "$hdr" | sed -n 's/^cluster .* (\([0-9a-f]*\))$/\1/p')
[ -n "$cid" ] && pg_psql "UPDATE bbbctl_audit SET cluster_id = '$cid' WHERE cluster_id IS NULL" >/dev/null
ok $? "of this cluster"
! cli audit --json 2>/dev/null | grep -qF "$slsecret"
ok $? "bbbctl audit does not show the secret"

# The listing cuts a field as the spool does (64 KiB): 500 such records
# are not 10 GB in memory.
n=$(cli audit --json 2>/dev/null | jq -r '.[] | select(.target == "bbb-09") | .result | length')
diag "the 20 MB result is listed with $n characters"
[ -n "$n" ] && [ "$n" -le 65536 ]
ok $? "a huge field is cut when read"

ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log"
wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"
ui_keys : audit Enter
WAIT_DEADLINE=30 wait_for_text "records, read"
ok $? ":audit lists the records"
ui_screen | sed 's/^/#   /'
ui_has_re " failed +- +stack.redeploy +bbb.-07 +mal.ory@10.9.8.7 .*first.SECOND.THIRD"
ok $? "the hostile record is one row, its controls shown as such"
[ "$(ui_tmux display-message -p -t t '#{pane_title}')" != pwned ]
ok $? "no escape sequence was passed to the terminal (no title set)"
ui_has_re " done +- +server enable +bbb-09 +bob@10.9.8.7 .*xxxx"
ok $? "the huge record is one row"
ui_has_re " done +1 +server cordon +bbb-02 "
ok $? "and the records around them are intact"
ui_has_re " failed +- +server panic +bbb-08 +eve@10.9.8.7 .*scalelite said no to \*\*\*\*\*\*\*\*"
ok $? "the view shows the record with the secret masked"
! ui_has "$slsecret"
ok $? "and never the secret"
pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
