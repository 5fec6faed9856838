#!/bin/sh
# hang.sh: a source that hangs (fault injected in bbbctl-sim) never
# freezes the dashboard; the header marks that source.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
ui_sim || skip_all "bbbctl-sim did not start"
ui_start 100 30 "$ui_bbbctl" --ascii --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-12 "; ok $? "started"
wait_for_re "prom ?\* "; ok $? "prometheus is marked ok (*)"

curl -fsS -X POST "$ui_control/faults?spec=prometheus:/:hang" \
    >/dev/null 2>&1
ok $? "a hang fault on every Prometheus request"

# The UI answers keys at once while the source hangs.
t0=$(date +%s)
ui_keys '?'
WAIT_DEADLINE=5 wait_for_text "generated from the key table"
ok $? "help opens while Prometheus hangs"
ui_keys Escape
WAIT_DEADLINE=5 wait_for_text "HEALTH"; ok $? "and closes"
ui_keys : 'meetings' Enter
WAIT_DEADLINE=5 wait_for_text "DURATION"; ok $? "views switch while it hangs"
ui_keys : 'nodes' Enter
t1=$(date +%s)
[ $((t1 - t0)) -le 10 ]; ok $? "keys answered within seconds ($((t1 - t0))s)"

# The source is marked stale (~) or failed (x), not shown as fine.
WAIT_DEADLINE=60 wait_for_re "prom ?(~|x) "
ok $? "the header marks prometheus stale or failed"
ui_screen | grep -E '^bbb-[0-9]+ .* ~[0-9]+%' >/dev/null
ok $? "its values are shown as stale (~) in the table"

# Still responsive after the timeout too; and it recovers.
curl -fsS -X DELETE "$ui_control/faults" >/dev/null 2>&1
WAIT_DEADLINE=60 wait_for_re "prom ?\* "
ok $? "recovers when the fault is gone"

pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
