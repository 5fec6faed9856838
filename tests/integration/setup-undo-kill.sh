#!/bin/sh
# setup-undo-kill.sh: bbbctl setup --undo killed with SIGKILL half-way
# (while the scale-in job removes the nodes), run again and killed again
# (while it removes the stacks), then run again: it goes on from the
# state file each time, and every source of bbbctl-sim --profile empty
# ends as empty as it started, the state file and the generated secrets
# gone (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"
. "$top/tests/lib/sources.sh"

sim_init
sim_start --profile empty --boot-delay 0 --poll-interval 1 --speed 10
src_sim "$conf" "$tmp/out"
export HOME="$tmp/home"
unset XDG_CONFIG_HOME BBBCTL_CONFIG
export BBBCTL_STACKS_DIR="$top/data/stacks"
mkdir -p "$HOME"
out_conf=$tmp/cfg/bbbctl.conf
state=$tmp/cfg/setup-state
empty=$(sources)
is "$empty" "$SRC_EMPTY" "the empty sim"
is_empty() { [ "$(sources)" = "$empty" ]; }
nova() { sources | sed -n 's/^nova: //p'; }

cat >"$tmp/answers.ini" <<EOT
[cluster]
name = sim
domain = localhost
nodes = 3
turn = none
[openstack]
auth_url = $(src_key openstack auth_url)
application_credential_id = $(src_key openstack application_credential_id)
application_credential_secret = $(src_key openstack application_credential_secret)
region = RegionOne
flavor = m1.xlarge
image = ubuntu-20.04-bbb
networks = bbb-net
key_name = deploy
[rancher]
url = $rurl
access_key = $ak
secret_key = $sk
project = 1a5
[consul]
mode = create
[prometheus]
mode = create
[scalelite]
mode = create
[postgres]
mode = create
[backup]
dir = $tmp/backups
EOT
chmod 600 "$tmp/answers.ini"
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup \
    --answers "$tmp/answers.ini" </dev/null >"$tmp/so" 2>"$tmp/se"
r=$?
is "$r" 0 "setup --answers: exit 0"
[ "$r" -eq 0 ] || tail -20 "$tmp/se" | sed 's/^/# /'
is "$(sources)" "$SRC_SERVING" "the stacks and 3 nodes"
# The sim's meetings keep a node busy: scale in drains for this long.
printf '\n[scale]\ndrain_timeout = 2s\n' >>"$out_conf"

# Killed while the scale-in job removes the nodes: one VM is gone.
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup --undo \
    </dev/null >"$tmp/so" 2>"$tmp/se" &
jp=$!
vm_gone() { [ "$(nova)" != "bbb-01,bbb-02,bbb-03,infra-01,rancher-server" ]; }
WAIT_DEADLINE=60 wait_for vm_gone
ok $? "setup --undo gets to removing the nodes' VMs"
kill -9 "$jp"
ok $? "... and is killed with SIGKILL"
wait "$jp" 2>/dev/null
jp=
[ -e "$state" ]; ok $? "... half-way: the state file is still there"
grep -q '^stack ' "$state"; ok $? "... listing the stacks"
is_empty; [ $? -ne 0 ]; ok $? "... and the sim is not empty yet"

# Run again, and killed again while it removes the stacks (the sim
# removes a stack at once: Rancher answers its stack calls late).
rpath=$(printf '%s' "$rurl" | sed 's|^[a-z]*://[^/]*||')/projects/1a5/stacks
curl -sf -X POST "$control/faults?spec=rancher:$rpath:latency:1000" >/dev/null
ok $? "Rancher answers its stack calls 1 s late"
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup --undo \
    </dev/null >"$tmp/so" 2>"$tmp/se" &
jp=$!
WAIT_DEADLINE=90 wait_for grep -q '^stack [a-z-]* ([^)]*): removing it$' "$tmp/so"
ok $? "setup --undo again gets to removing the stacks"
kill -9 "$jp"
ok $? "... and is killed with SIGKILL"
wait "$jp" 2>/dev/null
jp=
grep -q '^node' "$state"; [ $? -ne 0 ]
ok $? "... the nodes were removed: the state file lists none"
grep -q '^stack ' "$state"; ok $? "... but still lists stacks"
curl -sf -X DELETE "$control/faults" >/dev/null

"$bbbctl" --config "$out_conf" --log "$tmp/log" setup --undo \
    </dev/null >"$tmp/so" 2>"$tmp/se"
r=$?
is "$r" 0 "setup --undo a third time: exit 0"
[ "$r" -eq 0 ] || tail -20 "$tmp/se" | sed 's/^/# /'
wait_for is_empty	# the sim stops answering within a tick
is "$(sources)" "$empty" "... every source is as empty as it started"
[ ! -e "$state" ]; ok $? "... the state file is gone"
[ ! -e "$tmp/cfg/setup-secrets" ]; ok $? "... and the generated secrets"
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup --undo \
    </dev/null >"$tmp/so" 2>"$tmp/se"
is "$?" 0 "setup --undo once more: exit 0"
grep -q 'no state file' "$tmp/so"; ok $? "... nothing left to remove"
done_testing
