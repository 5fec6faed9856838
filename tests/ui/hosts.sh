#!/bin/sh
# hosts.sh: Enter in the hosts view (tmux).  A Rancher host / VM that is
# not a BBB node (the sim's infra-01) opens a detail of what Rancher and
# OpenStack say about it and says truthfully that it is not a BBB node
# (it used to say "that node is not in the fleet any more"); a fleet
# node still opens the node detail; Esc goes back.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim --nodes 3 || skip_all "bbbctl-sim did not start"
ui_start 140 32 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"

ui_keys 5
wait_for_re "infra-01 +active"
ok $? "the hosts view lists infra-01 (Rancher and OpenStack know it)"
ui_keys / infra-01 Enter
wait_for_text "[1/"
ui_keys Enter
wait_for_text "infra-01 is a Rancher host and an OpenStack VM, not a BBB node"
ok $? "Enter says what infra-01 is, truthfully"
! ui_has "not in the fleet any more"
ok $? "not that it left the fleet"
ui_screen | sed 's/^/#   /'
ui_has "Rancher host" && ui_has_re "hostname +infra-01" &&
    ui_has_re "state +active"
ok $? "what Rancher says: hostname, state"
ui_has "OpenStack VM" && ui_has_re "status +ACTIVE" &&
    ui_has_re "flavor +[^ -]" && ui_has_re "addresses +[0-9]"
ok $? "what OpenStack says: status, flavor, addresses"
ui_has_re "hosts .* host infra-01"
ok $? "the title shows where it was opened from"

ui_keys Escape
wait_for_re "infra-01 +active"
ok $? "Esc goes back to the hosts view"
ui_keys Escape
wait_gone "[1/"
ui_keys / bbb-02 Enter
wait_for_text "[1/"
ui_keys Enter
wait_for_re "node bbb-02"
ok $? "Enter on a fleet node still opens the node's detail"
! ui_has "not a BBB node"
ok $? "(which is not the host view)"

ui_keys q
done_testing
