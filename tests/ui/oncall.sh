#!/bin/sh
# oncall.sh: the console at 3 a.m. (issue 16): it never shows a false
# problem at start, never shows stale or unknown data as empty or zero.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
export TMPDIR="$ui_tmp"

# Item 9: the first answers after a start (no CPU rate yet: a rate needs
# two samples) make no "no metrics" problem on every node.
ui_start 160 40 "$ui_bbbctl" --demo --log "$ui_tmp/log"
ui_keys 3
wait_for_text "BBB API down"; ok $? "--demo: Prometheus answered: its real problems"
! ui_has "no metrics"; ok $? "no false 'no metrics' problem at start"

# Item 11: a job in --demo leaves no record in the user's audit spool
# (it would be replayed into a real fleet's database).
ui_keys : 'node bbb-01' Enter
wait_for_text "node bbb-01"
ui_keys c
wait_for_text "server cordon bbb-01?"
ui_keys y
wait_for_text "job 1 server cordon bbb-01: done"; ok $? "--demo: a job runs"
ui_keys q
pane_gone() { ! ui_tmux has-session -t t; }
wait_for pane_gone; ok $? "q: it ends"
[ ! -e "$XDG_STATE_HOME/bbbctl/audit.spool" ]
ok $? "--demo wrote nothing to the user's audit spool"
ui_stop

ui_sim --nodes 4 || skip_all "bbbctl-sim did not start"

# Item 5: while scalelite hangs, the meetings view keeps the last list
# and says it is stale, since when and why; never "no meetings running".
ui_start 120 32 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-04 "; ok $? "the dashboard shows the fleet"
ui_keys 2
wait_for_text "(list of"; ok $? "the meetings view says how old its list is"
n=$(ui_screen | grep -c " bbb-0[1-4] ")
[ "$n" -gt 0 ]; ok $? "it lists meetings ($n)"
curl -fsS -X POST "$ui_control/faults?spec=scalelite:/:hang" >/dev/null
ok $? "scalelite hangs from now on"
WAIT_DEADLINE=60 wait_for_text "STALE: list of"
ok $? "the meetings view marks its list stale"
ui_has "scalelite failing since"; ok $? "with since when scalelite fails"
n2=$(ui_screen | grep -c " bbb-0[1-4] ")
[ "$n2" -gt 0 ]; ok $? "the last good list is kept ($n2 rows)"
! ui_has "no meetings running"; ok $? "never 'no meetings running'"
curl -fsS -X DELETE "$ui_control/faults" >/dev/null 2>&1
ui_stop

# status --watch in a 15-row terminal: cut to fit, its first line kept.
ui_start 120 15 "$ui_bbbctl" --config "$ui_conf" status --watch
wait_for_text "more lines: a taller terminal shows them"
ok $? "status --watch says what did not fit"
ui_screen | head -1 | grep -q "^BBBCTL "
ok $? "its first line stays on screen"
ui_stop

done_testing
