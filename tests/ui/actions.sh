#!/bin/sh
# actions.sh: operator actions in the dashboard (tmux) against
# bbbctl-sim: the keys in the footer and help, the confirm dialog with
# the plan (y/N, Cancel focused: Enter does nothing), the typed name for
# panic (a wrong name does nothing), the jobs view with the job's state
# and result, scalelite's state afterwards, and read-only mode hiding
# and refusing every action key.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim --nodes 6 || skip_all "bbbctl-sim did not start"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
lb() {
	curl -s "$ui_control/state" |
	    jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .lb'
}
export XDG_STATE_HOME="$ui_tmp/state"
ui_start 120 32 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"

wait_for_text "bbb-06 "; ok $? "the dashboard shows the fleet"
ui_has "c cordon"; ok $? "the footer shows the action keys"

# Cordon bbb-02: the dialog shows the plan; Enter on Cancel does nothing.
ui_keys : 'node bbb-02' Enter
wait_for_text "node bbb-02"; ok $? "the node's detail view"
ui_keys '?'
wait_for_text "(changes the fleet)"; ok $? "help lists the action keys"
ui_keys NPage
wait_for_text "END EVERY MEETING"; ok $? "help says what panic does"
ui_keys Escape
wait_for_text "node bbb-02"
ui_keys c
wait_for_text "server cordon bbb-02?"; ok $? "c opens the confirm dialog"
ui_has "updateServer"; ok $? "the dialog shows the plan"
ui_has "[ Cancel (n) ]"; ok $? "y/N with Cancel"
ui_keys Enter
wait_for_text "not confirmed: nothing done"
ok $? "Enter on the focused Cancel does nothing"
is "$(lb bbb-02)" enabled "bbb-02 still enabled"
ui_keys c
wait_for_text "server cordon bbb-02?"
ui_keys y
wait_for_text "job 1 server cordon bbb-02: done"
ok $? "y confirms; the job runs and reports its result"
is "$(lb bbb-02)" cordoned "scalelite shows bbb-02 cordoned"

# Panic: the name must be typed.
ui_keys P
wait_for_text "DESTRUCTIVE"; ok $? "P opens a destructive confirmation"
ui_has "Type bbb-02 to confirm"; ok $? "it asks for the node's name"
ui_keys y Enter
wait_for_text "that is not the name"; ok $? "a wrong name is refused"
ui_keys Escape
wait_for_text "not confirmed"; ok $? "Esc cancels"
is "$(lb bbb-02)" cordoned "nothing was done"
ui_keys P
wait_for_text "Type bbb-02 to confirm"
ui_keys 'bbb-02' Enter
wait_for_text "job 2 server panic bbb-02: done"
ok $? "typing the name confirms the panic"
is "$(lb bbb-02)" disabled "scalelite shows bbb-02 disabled"

# The jobs view.
ui_keys 6
wait_for_text "STEP / RESULT"; ok $? "the jobs view"
ui_has_re "server panic +bbb-02 +done"; ok $? "it lists the panic as done"
ui_has_re "server cordon +bbb-02 +done"; ok $? "and the cordon"

# A drain in progress shows in the jobs view.
ui_keys 1
wait_for_text "sort:"
ui_keys : 'node bbb-04' Enter
wait_for_text "node bbb-04"
ui_keys d
wait_for_text "server drain bbb-04?"
ui_keys y 6
wait_for_re "server drain +bbb-04 +(running|waiting)"
ok $? "the jobs view shows the drain running"
wait_for_text "draining"; ok $? "with its step"
ui_keys x
wait_for_re "server drain +bbb-04 +cancelled"
ok $? "x cancels the drain"
ui_keys q
wait_for ! ui_pid
ui_stop

# Read-only: no action key, shown or dispatched.
ui_start 120 32 "$ui_bbbctl" --readonly --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-06 "; ok $? "read-only dashboard"
! ui_has "c cordon"; ok $? "read-only: no action key in the footer"
ui_keys : 'node bbb-05' Enter
wait_for_text "node bbb-05"
ui_keys c
wait_for_text "no such key here"; ok $? "read-only: c does nothing"
! ui_has "server cordon bbb-05?"; ok $? "read-only: no dialog"
is "$(lb bbb-05)" enabled "read-only: bbb-05 untouched"
ui_keys '?'
wait_for_text "Keys in this view"
ui_keys G
wait_for_text "keys that change the fleet are hidden"
ok $? "read-only: help says the action keys are hidden"
! ui_has "(changes the fleet)"; ok $? "read-only: help lists no action"
ui_keys q

done_testing
