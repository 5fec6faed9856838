#!/bin/sh
# setup-resume.sh: the wizard's bootstrap at 80x24 against bbbctl-sim
# --profile empty, killed with SIGKILL while it makes the second BBB
# node, then bbbctl setup again in tmux, every page filled again: it
# says what it found done (the stacks created before, the node made
# before) and creates none of it again, makes the nodes left to 3, after
# which bbbctl status exits 0; then setup --undo leaves every source as
# empty as it started (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
. "$top/tests/lib/sources.sh"

ui_init
export BBBCTL_STACKS_DIR="$top/data/stacks"
ui_sim --profile empty --boot-delay 0 --poll-interval 1 --speed 10 ||
    skip_all "bbbctl-sim did not start"
src_sim "$ui_conf" "$ui_tmp/sim.out"
conf=$XDG_CONFIG_HOME/bbbctl/bbbctl.conf
state=$XDG_CONFIG_HOME/bbbctl/setup-state
log=$ui_tmp/log
export HOME=$ui_tmp/home
mkdir -p "$HOME"
empty=$(sources)
is "$empty" "$SRC_EMPTY" "the empty sim"
is_empty() { [ "$(sources)" = "$empty" ]; }

# Every page, as tests/ui/setup-boot.sh fills them, to the save page.
fill() {
	wait_for_text "1/10  The fleet" || return 1
	ui_keys C-u 'sim' Tab 'localhost' Tab BSpace '3' Tab Space Enter
	wait_for_text "2/10  OpenStack" || return 1
	ui_keys "$(src_key openstack auth_url)" Tab \
	    "$(src_key openstack application_credential_id)" Tab \
	    "$(src_key openstack application_credential_secret)" Tab Tab Tab \
	    'm1.xlarge' Tab 'ubuntu-20.04-bbb' Tab 'bbb-net' Tab 'deploy' Enter
	wait_for_text "3/10  Rancher" || return 1
	ui_keys "$(src_key rancher url)" Tab "$(src_key rancher access_key)" \
	    Tab "$(src_key rancher secret_key)" Enter
	for p in "4/10  consul" "5/10  Prometheus" "6/10  scalelite" \
	    "7/10  PostgreSQL"; do
		wait_for_text "$p" || return 1
		ui_keys Space Enter
	done
	wait_for_text "8/10  ssh" || return 1
	ui_keys Enter
	wait_for_text "9/10  Backups" || return 1
	ui_keys C-u "$ui_tmp/backups" Enter
	wait_for_text "10/10  Save"
}

ui_start 80 24 "$ui_bbbctl" --log "$log" setup
fill; ok $? "the wizard, every page filled, the save page"
ui_keys Enter
WAIT_DEADLINE=120 wait_for grep -q '^node bbb-02$' "$state"
ok $? "Enter bootstraps: the state file gets to bbb-02"
bp=$(ui_pid)
kill -9 "$bp"
ok $? "bbbctl is killed with SIGKILL ($bp)"
wait_for sh -c "! kill -0 $bp 2>/dev/null"
grep -q '^node-done bbb-02$' "$state"; [ $? -ne 0 ]
ok $? "... before bbb-02 is done"
is "$(grep -c '^node-done ' "$state")" 1 "... with bbb-01 made"
is "$(grep -c '^stack ' "$state")" 5 "... and the 5 stacks"
stacks_before=$(grep '^stack ' "$state")
ui_stop

ui_start 80 24 "$ui_bbbctl" --log "$log" setup
ui_tmux pipe-pane -t t -o "cat >>'$ui_tmp/pane.out'"
fill; ok $? "bbbctl setup again in tmux: every page filled again"
ui_keys Enter
WAIT_DEADLINE=240 wait_for grep -aq '^setup: done' "$ui_tmp/pane.out"
r=$?
ok $r "the resumed bootstrap is done"
[ $r -eq 0 ] || tail -20 "$ui_tmp/pane.out" | tr -d '\r' | sed 's/^/# /'
is "$(grep -ac '^stack [a-z-]*: created before' "$ui_tmp/pane.out")" 5 \
    "... it says the 5 stacks were created before"
grep -aq 'creating it on Rancher' "$ui_tmp/pane.out"; [ $? -ne 0 ]
ok $? "... and creates none of them again"
is "$(grep '^stack ' "$state")" "$stacks_before" \
    "... the state file lists the same stacks (the same ids)"
grep -aq '^nodes: 1 of 3 made before' "$ui_tmp/pane.out"
ok $? "... it says bbb-01 was made before"
grep -aq '^node bbb-01 ' "$ui_tmp/pane.out"; [ $? -ne 0 ]
ok $? "... and does not make it again"
is "$(grep -c '^node-done ' "$state")" 3 "the state file lists 3 nodes made"
grep -aq '^test meeting: passed: ' "$ui_tmp/pane.out"
ok $? "the probes and the test meeting passed"
ui_stop
"$ui_bbbctl" --config "$conf" --log "$log" status >"$ui_tmp/st" 2>&1
ok $? "bbbctl status exits 0"
grep -q "TOTAL 3 nodes: 3 up" "$ui_tmp/st"; ok $? "... with 3 nodes up"
is "$(sources)" "$SRC_SERVING" "every source holds the stacks and the 3 nodes, nothing more"

# The sim's meetings keep a node busy: scale in drains this long.
printf '\n[scale]\ndrain_timeout = 2s\n' >>"$conf"
"$ui_bbbctl" --config "$conf" --log "$log" setup --undo </dev/null \
    >"$ui_tmp/undo" 2>&1
ok $? "setup --undo: exit 0"
WAIT_DEADLINE=30 wait_for is_empty
is "$(sources)" "$empty" "... every source is as empty as it started"
[ ! -e "$state" ] && [ ! -e "$XDG_CONFIG_HOME/bbbctl/setup-secrets" ]
ok $? "... the state file and the generated secrets are gone"
done_testing
