#!/bin/sh
# audit-pg.sh: the dashboard's :audit view (tmux) reads the audit trail
# from PostgreSQL when [postgres] is configured: a job's records written
# to a real database (none in the spool) are listed, not marked spooled,
# and the title gives no reason for a fallback.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
. "$top/tests/lib/pg.sh"

ui_init
pg_setup
pg_on_exit() { ui_cleanup; }
ui_pg_start --nodes 3

cli --yes server cordon bbb-02 >/dev/null 2>&1
ok $? "a cordon from the command line"
is "$(pg_psql "SELECT count(*) FROM bbbctl_audit WHERE target = 'bbb-02'")" 4 \
    "its four records are in the database"
! grep -q 'bbb-02' "$XDG_STATE_HOME"/bbbctl/audit*.spool 2>/dev/null
ok $? "and none in the spool"
# One more, written by another console of this cluster straight into
# the database (the listing's first line names the cluster and its id).
hdr=$("$ui_bbbctl" --config "$conf" audit 2>/dev/null | head -1)
cname=$(printf '%s\n' "$hdr" | sed -n 's/^cluster \(.*\) ([0-9a-f]*)$/\1/p')
cid=$(printf '%s\n' "$hdr" | sed -n 's/^cluster .* (\([0-9a-f]*\))$/\1/p')
pg_psql "INSERT INTO bbbctl_audit (uuid, event, verb, target, result, operator, origin, at, cluster, cluster_id) VALUES ('6d1f3a2e-8c1b-4f7e-9a55-0f2b3c4d5e6f', 'failed', 'stack redeploy', 'bbb-07', 'lock lost: from the other console', 'bob', '10.9.8.7', now(), '$cname', '$cid')" >/dev/null
ok $? "a record of another console in the database"

ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log"
wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"
ui_keys : audit Enter
WAIT_DEADLINE=30 wait_for_text "records, read"
ok $? ":audit lists the records"
ui_screen | sed 's/^/#   /'
ui_has_re " done +1 +server cordon +bbb-02 +[^ ]+@[^ ]+ +[0-9.]+[a-z]+ +bbb-02 is cordoned *$"
ok $? "the cordon's outcome, not marked spooled"
ui_has_re " failed +- +stack redeploy +bbb-07 +bob@10.9.8.7 .*lock lost: from the other console"
ok $? "the other console's record, from the database"
! ui_has "(spooled)"
ok $? "nothing is marked spooled"
ui_has_re "audit +5 records, read [^(]*\[5/5\]"
ok $? "the title gives the count and no fallback reason"

ui_keys q
done_testing
