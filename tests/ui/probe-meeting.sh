#!/bin/sh
# probe-meeting.sh: the dashboard's M key runs the test meeting of
# `bbbctl probe meeting NODE` on the selected node, against bbbctl-sim
# (its access log says which node each BBB API call reached); the
# confirm dialog shows the plan, the jobs view shows it done.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
log=$ui_tmp/access.log
ui_sim --profile clean --access-log "$log" ||
    skip_all "bbbctl-sim did not start"
export XDG_STATE_HOME="$ui_tmp/state"

ui_start 120 30 "$ui_bbbctl" --ascii --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-07 "; ok $? "bbb-07 listed (from getServers)"
ui_keys / bbb-07 Enter
wait_gone "bbb-06 "; ok $? "the filter leaves bbb-07 selected"
: >"$log"
ui_keys M
WAIT_DEADLINE=5 wait_for_text "probe meeting bbb-07?"
ok $? "M asks to confirm the test meeting on the node"
ui_has "create a test meeting bbbctl-probe-<random> on bbb-07"
ok $? "the dialog shows the plan"
ui_keys y
ui_keys 6
WAIT_DEADLINE=15 wait_for_re "probe meeting +bbb-07 +done"
ok $? "the jobs view shows it done"
ui_screen | grep -q "6 steps passed"
ok $? "with its result"
is "$(awk '$1 == "metrics" && $2 ~ /^bbb-07\./ &&
    $4 ~ /^\/bigbluebutton\/api\// { n++ } END { print n + 0 }' "$log")" 5 \
    "the five API calls (create, info, join, end, info) went to the node"
is "$(grep -cE ' /bigbluebutton/api/(create|getMeetingInfo|join|end)$' \
    "$log")" 5 "and none elsewhere"
pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
