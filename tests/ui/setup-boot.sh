#!/bin/sh
# setup-boot.sh: the wizard at 80x24 against bbbctl-sim --profile empty,
# to the end: every page filled (consul, Prometheus, scalelite and
# PostgreSQL marked "create", the nodes' VM settings given), the last
# page shows the plan, Enter writes the configuration and bootstraps:
# the stacks, 3 BBB nodes by scale out, the probes and a test meeting
# through scalelite (its result on the terminal and in the audit
# trail); then the dashboard shows the 3 nodes, and bbbctl status
# exits 0 (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
export BBBCTL_STACKS_DIR="$top/data/stacks"
ui_sim --profile empty --boot-delay 0 --poll-interval 1 --speed 10 ||
    skip_all "bbbctl-sim did not start"
key() {	# key SECTION KEY: a value of the sim's configuration
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$ui_conf"
}
conf=$XDG_CONFIG_HOME/bbbctl/bbbctl.conf
state=$XDG_CONFIG_HOME/bbbctl/setup-state
log=$ui_tmp/log
export HOME=$ui_tmp/home
mkdir -p "$HOME"

ui_start 80 24 "$ui_bbbctl" --log "$log"
# what the pane is sent (the lines the bootstrap prints, too)
ui_tmux pipe-pane -t t -o "cat >>'$ui_tmp/pane.out'"
wait_for_text "1/10  The fleet"; ok $? "the wizard at 80x24"
ui_keys C-u 'sim' Tab 'localhost' Tab BSpace '3' Tab Space Enter
wait_for_text "2/10  OpenStack"; ok $? "the fleet: 3 nodes, no TURN"
ui_keys "$(key openstack auth_url)" Tab \
    "$(key openstack application_credential_id)" Tab \
    "$(key openstack application_credential_secret)" Tab Tab Tab \
    'm1.xlarge' Tab 'ubuntu-20.04-bbb' Tab 'bbb-net' Tab 'deploy' Enter
wait_for_text "3/10  Rancher"; ok $? "OpenStack, with the nodes' VM settings"
ui_keys "$(key rancher url)" Tab "$(key rancher access_key)" Tab \
    "$(key rancher secret_key)" Enter
wait_for_text "4/10  consul"; ok $? "Rancher tested"
ui_keys Space Enter
wait_for_text "5/10  Prometheus"; ok $? "consul: create"
ui_keys Space Enter
wait_for_text "6/10  scalelite"; ok $? "Prometheus: create"
ui_keys Space Enter
wait_for_text "7/10  PostgreSQL"; ok $? "scalelite: create"
ui_keys Space Enter
wait_for_text "8/10  ssh"; ok $? "PostgreSQL: create"
ui_keys Enter
wait_for_text "9/10  Backups"
ui_keys C-u "$ui_tmp/backups" Enter
wait_for_text "10/10  Save"; ok $? "the save page"
wait_for_text "Stacks to create: postgres"; ok $? "... it shows the plan"
[ "$(ui_width)" -le 80 ]; ok $? "it fits 80 columns"
ui_keys Enter
WAIT_DEADLINE=120 wait_for sh -c "[ \$(grep -c '^node-done ' '$state' 2>/dev/null || echo 0) -eq 3 ]"
ok $? "Enter bootstraps: the state file lists 3 nodes made"
WAIT_DEADLINE=60 wait_for grep -q '^probes-passed$' "$state"
ok $? "... and the probes passed"
WAIT_DEADLINE=60 wait_for grep -aq '^test meeting: passed: test meeting on bbb-0[123]: 6 steps passed' "$ui_tmp/pane.out"
ok $? "... then the test meeting, on a new node"
grep -aq 'run a test meeting through scalelite' "$ui_tmp/pane.out"
ok $? "... which the plan named"
grep -rqs 'setup test meeting.*test meeting passed' "$XDG_STATE_HOME/bbbctl"
ok $? "... and the audit trail records it"
WAIT_DEADLINE=30 wait_for_text "NODES"; ok $? "then the dashboard"
WAIT_DEADLINE=30 wait_for_text "bbb-03"; ok $? "... showing the new nodes"
ui_stop
"$ui_bbbctl" --config "$conf" --log "$log" status >"$ui_tmp/st" 2>&1
ok $? "bbbctl status exits 0"
grep -q "TOTAL 3 nodes: 3 up" "$ui_tmp/st"; ok $? "... with 3 nodes up"
done_testing
