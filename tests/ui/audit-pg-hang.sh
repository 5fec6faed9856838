#!/bin/sh
# audit-pg-hang.sh: the audit database answers nothing (another session
# holds the audit table locked, as a migration or a VACUUM FULL would):
# the :audit view says so within seconds, and q still quits; quitting
# must not wait on the audit read for as long as the database hangs, and
# a signal while it is waited for ends bbbctl at once.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
. "$top/tests/lib/pg.sh"

ui_init
pg_setup
locker=
pg_on_exit() {
	[ -n "$locker" ] && kill "$locker" 2>/dev/null
	ui_cleanup
}
ui_pg_start --nodes 3

cli --yes server cordon bbb-02 >/dev/null 2>&1
ok $? "a cordon from the command line (the audit table exists)"
# Another session takes the table and keeps it.
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres \
    -c "BEGIN; LOCK TABLE bbbctl_audit IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)" \
    >/dev/null 2>&1 &
locker=$!
wait_for sh -c "[ \"\$(\"$PG_BIN/psql\" -X -At -h '$PG_SOCK' -p '$PG_PORT' -U postgres -d postgres -c \"SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 'bbbctl_audit'::regclass AND granted\")\" = 1 ]"
ok $? "another session holds the audit table locked"

ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log"
wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"
pid=$(ui_pid)
ui_keys : audit Enter
wait_for sh -c "[ \"\$(\"$PG_BIN/psql\" -X -At -h '$PG_SOCK' -p '$PG_PORT' -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bbbctl' AND wait_event_type = 'Lock'\")\" -ge 1 ]"
ok $? "the audit read waits on the lock"
WAIT_DEADLINE=40 wait_for_re "statement timeout"
ok $? "the view says the database did not answer in time"
ui_screen | sed 's/^/#   /'

# Quit while a read waits again (^R reads it again).
ui_keys C-r
wait_for sh -c "[ \"\$(\"$PG_BIN/psql\" -X -At -h '$PG_SOCK' -p '$PG_PORT' -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bbbctl' AND wait_event_type = 'Lock'\")\" -ge 1 ]"
ok $? "a new read waits on the lock"
ui_keys q
WAIT_DEADLINE=30 wait_for sh -c "! kill -0 $pid 2>/dev/null"
ok $? "q quits while the audit database hangs"

# Quit while a read waits, then SIGTERM: the process ends at once, not
# when the read gives up (a signal always ends it).
ui_stop
ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log2"
wait_for_text "bbb-03 "; ok $? "the dashboard again"
pid=$(ui_pid)
ui_keys : audit Enter
wait_for sh -c "[ \"\$(\"$PG_BIN/psql\" -X -At -h '$PG_SOCK' -p '$PG_PORT' -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bbbctl' AND wait_event_type = 'Lock'\")\" -ge 1 ]"
ok $? "a read waits on the lock again"
ui_keys q
wait_for grep -q "waiting up to 16 s for 1 background read" "$ui_tmp/log2"
ok $? "q: the screen closed, the read is waited for"
t0=$(date +%s%N)
kill -TERM "$pid"
WAIT_DEADLINE=15 wait_for sh -c "! kill -0 $pid 2>/dev/null"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 4000 ]
ok $? "SIGTERM then ends it at once (${ms} ms), not when the read gives up"

done_testing
