#!/bin/sh
# keys.sh: keys rotate from the dashboard (tmux): K in the hosts view
# shows the plan (hosts from the inventory, the key to remove by its
# fingerprint, the new key made by ssh-keygen), wants "rotate" typed,
# and the job view follows each host against five real sshd on
# loopback (tests/lib/keys.sh) to its report; every host rotated.
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
ui_keys K
wait_for_text "keys rotate"
ok $? "K opens the plan of keys rotate"
ui_screen | sed 's/^/#   /'
ui_has "$(ssh-keygen -lf "$keys/old.pub" | cut -d' ' -f2)"
ok $? "the plan names the key to remove by its fingerprint"
ui_has "ssh-keygen"
ok $? "... and the new key's making"
ui_has "rotate"
ok $? "... and asks for the word typed"
ui_keys r o t a t e Enter
wait_for_text "rotated: "
ok $? "the job ends with its report"
ui_screen | sed 's/^/#   /'
grep -q 'rancher-server: verify the new key' "$ui_tmp/log"
ok $? "each host's steps were followed (log)"
gen=$(ls "$keys"/bbbctl-* 2>/dev/null | grep -v '\.pub$' | head -n 1)
[ -n "$gen" ]
ok $? "a new key was made"
keys_state "$gen" "from the dashboard"
ui_keys q
done_testing
