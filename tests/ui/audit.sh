#!/bin/sh
# audit.sh: the dashboard's :audit view (tmux) lists the audit trail with
# the columns of `bbbctl audit`, newest first, read off the UI thread: a
# database that accepts connections but never answers leaves the screen
# responsive while the view says it is reading, then the spooled records
# show with the reason the database was not read.  ^R reads again; a job
# run from the dashboard appears when it ends.  No secret on the screen.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
ui_sim --nodes 4 || skip_all "bbbctl-sim did not start"
conf=$ui_conf
sl_secret=$(awk -F' = ' '/^\[scalelite\]/ { s = 1 } s && $1 == "secret" { print $2; exit }' "$conf")
sk=$(awk -F' = ' '$1 == "secret_key" { print $2 }' "$conf")
token=$(awk -F' = ' '$1 == "token" { print $2 }' "$conf")

# Two records' worth of history, spooled (no database yet).
cli --yes server cordon bbb-02 >/dev/null 2>&1
ok $? "a cordon from the command line"
cli audit >"$ui_tmp/cli-audit" 2>/dev/null
head -n 1 "$ui_tmp/cli-audit" | sed 's/^/# /'

# A "database" that accepts and never answers: each read waits for
# libpq's connect timeout (5 s).
python3 - "$ui_tmp/pgport" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
while True:
	c, _ = s.accept()
	conns.append(c)
PY
silent=$!
wait_for test -s "$ui_tmp/pgport"
pgport=$(cat "$ui_tmp/pgport")
printf '\n[postgres]\nconninfo = host=127.0.0.1 port=%s dbname=audit user=bbb password=pg-Secret-42\n' \
    "$pgport" >>"$conf"
ui_done() { kill "$silent" 2>/dev/null; }
trap 'ui_done; ui_cleanup' EXIT

ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log"
wait_for_text "bbb-04 "; ok $? "the dashboard shows the fleet"

ui_keys : audit Enter
wait_for_text "reading"
ok $? ":audit says it is reading"
# The read blocks for 5 s on the silent database; the screen must not.
t0=$(date +%s%N)
ui_keys '?'
wait_for_text "bbbctl dashboard help (audit view)"
ok $? "the keys work while the records are read"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
diag "help drawn after $ms ms"
[ "$ms" -lt 2500 ]
ok $? "within 2.5 s (the read takes 5 s)"
ui_keys Escape
WAIT_DEADLINE=30 wait_for_re "EVENT +JOB +ACTION +TARGET +OPERATOR +TOOK +RESULT"
ok $? "the view has the columns of bbbctl audit"
wait_for_text "records, read"
ui_screen | sed 's/^/#   /'
ui_has_re "^[0-9-]+ [0-9:]+ +done +1 +server cordon +bbb-02 +[^ ]+@[^ ]+ +[0-9.]+[a-z]+ +bbb-02 is cordoned \(spooled\)"
ok $? "the cordon's outcome: time, event, job, action, target, operator, took, result"
for e in started confirmed planned; do
	ui_has_re " $e +1 +server cordon +bbb-02 "
	ok $? "and its $e record"
done
ui_has "(spooled)"; ok $? "spooled records are marked"
ui_has_re "audit +[0-9]+ records, read .*\(.*\)"
ok $? "the title says why the database was not read"
# Newest first: the done record above the planned one.
ui_screen | awk '/ done +1 / { d = NR } / planned +1 / { p = NR }
    END { exit !(d && p && d < p) }'
ok $? "newest first"

# ^R reads again: a record written meanwhile appears.
cli --yes server cordon bbb-03 >/dev/null 2>&1
ui_keys C-r
WAIT_DEADLINE=30 wait_for_re " done +1 +server cordon +bbb-03 "
ok $? "^R reads the trail again (a job from another console appears)"

# A job of this dashboard: its records appear when it ends.
ui_keys : 'node bbb-01' Enter
wait_for_text "node bbb-01"
ui_keys c
wait_for_text "server cordon bbb-01?"
ui_keys y
wait_for_text "job 1 server cordon bbb-01: done"
ui_keys : audit Enter
WAIT_DEADLINE=30 wait_for_re " done +1 +server cordon +bbb-01 "
ok $? "the dashboard's own job is listed"

ui_keys / bbb-03 Enter
wait_for_re "\[[0-9]+/[0-9]+\]"
! ui_has_re "server cordon +bbb-02 "
ok $? "the filter works on the audit rows"
ui_keys Escape

scr=$(ui_screen)
! echo "$scr" | grep -qF "pg-Secret-42" &&
    ! echo "$scr" | grep -qF "$sl_secret" &&
    ! echo "$scr" | grep -qF "$sk" && ! echo "$scr" | grep -qF "$token"
ok $? "no secret on the screen"

ui_keys q
done_testing
