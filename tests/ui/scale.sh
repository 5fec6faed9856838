#!/bin/sh
# scale.sh: scaling from the dashboard (tmux) against bbbctl-sim: s on
# the nodes view asks how many nodes, the confirm dialog shows the plan
# (the user_data with the registration URL masked, the quota read when
# the plan is made, off the loop thread), the jobs view shows
# each node's progress on a line of its own under the job's (three at
# once) and the result; S on a node asks for its name
# typed and removes it from every source; both keys are in ? help.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
ui_sim --nodes 3 --profile clean --poll-interval 1 --boot-delay 4000 ||
    skip_all "bbbctl-sim did not start"
cat >>"$ui_conf" <<EOF2

[scale]
flavor = m1.xlarge
image = ubuntu-20.04-bbb
networks = bbb-net
user_data = $top/data/cloud-init/bbb-node.yaml
stack_dir = $top/data/stacks/bbb-node
bbb_secret = S3cretOfTheBBBnodes0123456789
poll = 100ms
EOF2
node() {
	curl -s "$ui_control/state" | jq -r --arg n "$1" \
	    '.nodes[] | select(.name == $n) |
	    "\(.vm_status) \(.in_consul) \(.in_scalelite) \(.lb)"'
}
# The jobs view shows, in one screen and while the job runs, a line of
# each of the three new nodes (its name, then its step "[k/8] ...").
three_parts() {
	local s n
	s=$(ui_screen)
	printf '%s\n' "$s" | grep -qE "scale out +(running|waiting)" ||
	    return 1
	for n in 04 05 06; do
		printf '%s\n' "$s" | grep -qE "^ +bbb-$n +.*\[[1-8]/8\]" ||
		    return 1
	done
}
export XDG_STATE_HOME="$ui_tmp/state"
ui_start 140 40 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"

wait_for_text "bbb-03 "; ok $? "the dashboard shows the fleet"
ui_has "s out"; ok $? "the footer shows s for scale out"
ui_keys '?'
wait_for_text "help"
for page in 1 2 3 4; do
	ui_has "scale out: add BBB nodes" && break
	ui_keys NPage
	sleep 0.3
done
ui_has "scale out: add BBB nodes"; ok $? "? help lists scale out"
for page in 1 2 3 4; do
	ui_has "scale in NODE..." && break
	ui_keys NPage
	sleep 0.3
done
ui_has "scale in NODE..."; ok $? "and scale in"
ui_keys Escape

# s: how many, then the plan.
ui_keys s
wait_for_text "scale out count: 1"; ok $? "s asks how many nodes"
ui_keys BSpace 3 Enter
wait_for_text "scale out ?"; ok $? "then the confirm dialog"
ui_has "bbb-04, bbb-05, bbb-06"; ok $? "the plan names the three new nodes"
ui_has "<masked>"; ok $? "the plan's user_data masks the registration URL"
# (the dialog wraps the line after "room for N more of")
ui_has_re "quota: instances [0-9]+/[0-9]+, cores [0-9]+/[0-9a-z]+, RAM .*GiB; room for [0-9]+ more of" &&
    ui_has "flavor m1.xlarge (read now)"
ok $? "the plan shows the quota read now"
ui_keys y
wait_for_text "job 1 started: scale out"; ok $? "y starts the job"
ui_keys 6
wait_for_re "scale out +(running|waiting).*bbb-0[456] \[[3-8]/8\]"
ok $? "the jobs view shows a node's step"
if ui_wait three_parts; then
	ok 0 "the jobs view shows the three nodes' lines at once"
else
	ok 1 "the jobs view shows the three nodes' lines at once"
	ui_screen | sed 's/^/#   /'
fi
WAIT_DEADLINE=60 wait_for_re "scale out +done +100% 3 nodes added: bbb-04"
ok $? "the job ends: 3 nodes added"
is "$(node bbb-05)" "ACTIVE true true enabled" \
    "bbb-05 is a VM, in consul and enabled in scalelite"

# S on bbb-04: its name typed.
ui_keys 1
wait_for_text "sort:"
ui_keys : 'node bbb-04' Enter
wait_for_text "node bbb-04"; ok $? "bbb-04's detail view"
ui_keys S
wait_for_text "Type bbb-04 to confirm"; ok $? "S asks for the name typed"
ui_keys 'bbb-04' Enter
ui_keys 6
WAIT_DEADLINE=60 wait_for_re "scale in +bbb-04 +done +100% 1 node removed"
ok $? "the jobs view shows the scale in done"
is "$(node bbb-04 | cut -d' ' -f1-3)" "DELETED false false" \
    "bbb-04 is gone from nova, consul and scalelite"

ui_stop
done_testing
