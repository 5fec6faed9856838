#!/bin/sh
# probe-meeting.sh: the dashboard's M key runs the test meeting on the
# selected node (server probe), against the BBB API and scalelite double
# of the integration tests; the jobs view shows it done.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
python3 "$top/tests/integration/bbb-meeting.py" Sl-secret-1 Node-secret-2 \
    >"$ui_tmp/srv.out" 2>"$ui_tmp/srv.err" &
srv=$!
trap 'kill $srv 2>/dev/null; ui_cleanup' EXIT
wait_for sh -c "[ -s '$ui_tmp/srv.out' ]"
port=$(head -1 "$ui_tmp/srv.out")
ui_conf=$ui_tmp/bbbctl.conf
printf '[scalelite]\nurl = http://127.0.0.1:%s\nsecret = Sl-secret-1\n' \
    "$port" >"$ui_conf"
chmod 600 "$ui_conf"

ui_start 120 30 "$ui_bbbctl" --ascii --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-07 "; ok $? "bbb-07 listed (from getServers)"
ui_keys M
WAIT_DEADLINE=5 wait_for_text "test meeting"
ok $? "M asks to confirm the test meeting on the node"
ui_keys y
ui_keys 6
WAIT_DEADLINE=15 wait_for_re "server probe +bbb-07 +done"
ok $? "the jobs view shows it done"
ui_screen | grep -q "6 steps passed"
ok $? "with its result"
is "$(grep -c "^call node" "$ui_tmp/srv.out")" 5 \
    "the five API calls (create, info, join, end, info) went to the node"
pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
