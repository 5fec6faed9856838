#!/bin/sh
# keys.sh: keys rotate from the dashboard (tmux): K in the hosts view
# shows the plan (hosts from the inventory, the key to remove by its
# fingerprint, the new key made by ssh-keygen), wants "rotate" typed,
# and the job view follows each host against five real sshd on
# loopback (tests/lib/keys.sh) to its report; every host rotated.  The
# plan lists each host and whether it is reachable now (a host down: the
# plan is shown refused).  The host view of an infra VM says whether it
# accepts our key; after the rotation the dashboard uses the new key (the
# host view, and a second rotation from the same dashboard).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
. "$top/tests/lib/keys.sh"

ui_init
ui_sim --nodes 3 --vm-addr-base 127.0.0.2 || skip_all "bbbctl-sim did not start"
tmp=$ui_tmp conf=$ui_conf
sim_cleanup() { ui_cleanup; }
keys_init
keys_conf
keys_reset
ui_start 160 40 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"

ui_keys 5
wait_for_re "infra-01 +active"
ok $? "the hosts view"
# host_view: open infra-01's host view, wait for TEXT, back to the list
host_view() {
	ui_keys / infra-01 Enter
	wait_for_text "[1/"
	ui_keys Enter
	wait_for_text "$1"
	rc=$?
	ui_keys Escape
	wait_for_re "infra-01 +active"
	ui_keys Escape
	wait_gone "[1/"
	return $rc
}
host_view "accepts our key"
ok $? "the host view says infra-01 accepts our key (keys check)"
# infra-01's sshd stopped: the plan, made after each host was tried, is
# shown as refused, with nothing to confirm
keys_kill 6
ui_keys K
wait_for_text "REFUSED"
ok $? "K with infra-01 stopped: the plan is shown, refused"
ui_screen | sed 's/^/#   /'
ui_has "infra-01 (127.0.0.6): unreachable"
ok $? "... infra-01 named unreachable"
ui_has "bbb-01 (127.0.0.2): reachable"
ok $? "... the others reachable"
ui_keys Escape
wait_gone "REFUSED"
ok $? "... Esc closes it"
keys_start 6
ui_keys K
wait_for_text "DESTRUCTIVE"
wait_for_text "keys rotate"
ok $? "K opens the plan of keys rotate"
ui_screen | sed 's/^/#   /'
ui_has "$(ssh-keygen -lf "$keys/old.pub" | cut -d' ' -f2)"
ok $? "the plan names the key to remove by its fingerprint"
ui_has "ssh-keygen"
ok $? "... and the new key's making"
ui_has "the 5 hosts known now: " && ui_has "infra-01 (127.0.0.6)"
ok $? "... and the hosts with their addresses"
ui_has "infra-01 (127.0.0.6): reachable" && ui_has "bbb-03 (127.0.0.4): reachable"
ok $? "... each reachable now"
ui_has "rotate"
ok $? "... and asks for the word typed"
ui_keys r o t a t e Enter
WAIT_DEADLINE=60 wait_for grep -q "^identity = .*/bbbctl-" "$ui_conf"
ok $? "the job ends: the configuration switched to the new key"
wait_for_text "done: rotated: "
ok $? "the report is shown"
ui_screen | sed 's/^/#   /'
grep -q 'rancher-server: verify the new key' "$ui_tmp/log"
ok $? "each host's steps were followed (log)"
gen=$(ls "$keys"/bbbctl-* 2>/dev/null | grep -v '\.pub$' | head -n 1)
[ -n "$gen" ]
ok $? "a new key was made"
keys_state "$gen" "from the dashboard"
host_view "accepts our key (checked"
ok $? "after the rotation the host view still says it accepts our key (the new one)"
grep -q "^identity = $gen" "$ui_conf"
ok $? "the configuration names the new key"
grep -q "dashboard: \[ssh\] identity is now $gen" "$ui_tmp/log"
ok $? "the dashboard took the new identity from the configuration (log)"
# the same dashboard rotates again: its plan tries the hosts with the new
# key and names it as the key to remove; the job logs in with it
ui_keys K
wait_for_text "DESTRUCTIVE"
ok $? "K again: the plan"
ui_has "infra-01 (127.0.0.6): reachable"
ok $? "... the hosts are reachable with the new key"
ui_has "$(ssh-keygen -lf "$gen.pub" | cut -d' ' -f2)"
ok $? "... the key to remove is the new one"
ui_keys r o t a t e Enter
WAIT_DEADLINE=60 wait_for sh -c "grep '^identity = ' '$ui_conf' | grep -q -v -F '$gen'"
ok $? "the second rotation ends: the configuration names a newer key"
gen2=$(grep '^identity = ' "$ui_conf" | sed 's/^identity = //')
keys_state "$gen2" "second rotation from the dashboard"
ui_keys q
done_testing
