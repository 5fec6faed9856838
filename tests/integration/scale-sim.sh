#!/bin/sh
# scale-sim.sh: bbbctl scale out|in|check against bbbctl-sim (boot delay
# 0 unless a case needs a VM to wait): a node made, three in parallel, a
# node removed, every failure undone with nothing left in any of the five
# sources (each asked), a cancel at each step, a kill -9 mid-job that
# scale check then reports, two operators racing for the lock, --dry-run
# (the plan, user_data rendered with the registration URL masked, the
# quota read from GET /limits, no change), the refusals (a count over the
# instances, cores or RAM quota: before anything is made, --dry-run too),
# the Rancher registration token (one the job made is removed when it
# ends, done or undone; one it found active is left).
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
top=${top_srcdir:-.}
bbbsecret=S3cretOfTheBBBnodes0123456789

# (Re)start the simulator with ARGS and give its config a [scale] section.
start() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	fi
	sim_start --nodes 3 --profile clean --poll-interval 1 "$@"
	cat >>"$conf" <<EOF

[scale]
flavor = m1.xlarge
image = ubuntu-20.04-bbb
networks = bbb-net
key_name = deploy
user_data = $top/data/cloud-init/bbb-node.yaml
stack_dir = $top/data/stacks/bbb-node
bbb_secret = $bbbsecret
poll = 100ms
boot_timeout = 20s
register_timeout = 3s
stack_timeout = 3s
EOF
}
# Where NAME is still known: "nova rancher-host stack consul scalelite".
# A source that cannot be asked shows as "SOURCE?", never as present.
has() {
	case $2 in
	0) ;;
	''|*[!0-9]*) w="$w $1?" ;;
	*) w="$w $1" ;;
	esac
}
where() {
	w=
	if st=$(curl -sf "$control/state"); then
		s=$(printf "%s\n" "$st" | jq -r --arg n "$1" \
		    '.nodes[] | select(.name == $n) | .vm_status')
		[ -n "$s" ] && [ "$s" != DELETED ] && w="$w nova"
	else
		w="$w nova?"
	fi
	n=$(curl -sf -u "$ak:$sk" "$rurl/projects/1a5/hosts?limit=1000" |
	    jq --arg n "$1" '[.data[] | select(.labels.bbbnode == $n and
	    .state != "removed" and .state != "purged")] | length')
	has rancher-host "$n"
	n=$(curl -sf -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq '[.data[] | select(.state != "removed")] | length')
	has stack "$n"
	n=$(curl -sf -H "X-Consul-Token: $token" \
	    "$consul/v1/health/service/bbb" |
	    jq --arg n "$1" '[.[] | select(.Node.Node == $n)] | length')
	has consul "$n"
	sl=$(awk -F' = ' '/^\[scalelite\]/ { r = 1 }
	    r && $1 == "url" { print $2; exit }' "$conf")
	sum=$(printf 'getServers%s' "$slsecret" | sha256sum | cut -d' ' -f1)
	n=$(curl -sf "$sl/scalelite/api/getServers?checksum=$sum" |
	    jq --arg n "$1" '[.[] | select(.url | test("//" + $n +
	    "[.:/]"))] | length')
	has scalelite "$n"
	echo "${w# }"
}
nodes() { curl -s "$control/state" | jq '.nodes | length'; }
# Rancher's registration tokens: "ID STATE" lines; how many are active.
tokens() {
	curl -sf -u "$ak:$sk" "$rurl/projects/1a5/registrationtokens" |
	    jq -r '.data[] | "\(.id) \(.state)"'
}
tokens_active() {
	[ "$(curl -sf -u "$ak:$sk" \
	    "$rurl/projects/1a5/registrationtokens?state=active" |
	    jq '.data | length')" = "${1:-0}" ]
}
# Deactivate every active token (an operator's doing): scale out has
# none to reuse and must make its own.
tokens_off() {
	for t in $(curl -sf -u "$ak:$sk" \
	    "$rurl/projects/1a5/registrationtokens?state=active" |
	    jq -r '.data[].id'); do
		curl -sf -u "$ak:$sk" -X POST \
		    "$rurl/projects/1a5/registrationtokens/$t/?action=deactivate" \
		    >/dev/null || return 1
	done
	wait_for tokens_active 0
}
# A job in the background: its output in $tmp/bg.err.
bg() {
	"$bbbctl" --config "$conf" --log "$tmp/log" --yes "$@" \
	    >"$tmp/bg.out" 2>"$tmp/bg.err" &
	jp=$!
}
end_bg() {
	WAIT_DEADLINE=${1:-60} wait_for sh -c "! kill -0 $jp"
	wait "$jp"
	rc=$?
	jp=
}

start --boot-delay 0

# --dry-run: the plan, nothing made.
before=$(nodes)
run --dry-run scale out --count 2 >"$tmp/dry.out" 2>"$tmp/dry.err"
ok $? "scale out --dry-run succeeds"
grep -q 'CATTLE_HOST_LABELS=.bbbnode=NODE&role=bbb' "$tmp/dry.out" &&
    grep -q 'rancher/agent:v1.2.11 <masked>' "$tmp/dry.out"
ok $? "the plan shows the rendered user_data, the registration URL masked"
grep -q 'bbb-04, bbb-05\|the next bbb-NN' "$tmp/dry.out" &&
    grep -q 'limits' "$tmp/dry.out"
ok $? "the plan names the nodes and the quota check"
grep -q 'quota: instances 5/15, cores 32/unlimited, RAM 64/unlimited GiB; room for 10 more of flavor m1.xlarge (read now), each 8 vCPUs and 16 GiB' "$tmp/dry.out"
ok $? "the plan shows the quota headroom read from GET /limits, with the flavor's size"
! grep -q "$bbbsecret\|$sk\|scripts/" "$tmp/dry.out" "$tmp/dry.err"
ok $? "no secret in the plan"
is "$(nodes)" "$before" "--dry-run made no VM"

# Scale out one node.
run --yes scale out >"$tmp/out1" 2>"$tmp/err1"
ok $? "scale out of one node succeeds"
sed 's/^/# /' "$tmp/out1"
grep -q '^scale out: done: 1 node added: bbb-04 (' "$tmp/out1"
ok $? "it adds bbb-04, the next name"
for s in 3 4 5 6 7 8; do
	grep -q "bbb-04 \[$s/8\]" "$tmp/err1" || break
done
is "$s" 8 "one progress line per step, 3 to 8"
is "$(where bbb-04)" "nova rancher-host stack consul scalelite" \
    "bbb-04 is in all five sources"
is "$(curl -s "$control/state" | jq -r '.nodes[] | select(.name ==
    "bbb-04") | "\(.lb) \(.online) \(.up)"')" "enabled true true" \
    "bbb-04 is enabled, online and up"
vm=$(curl -s "$control/state" | jq -r '.nodes[] | select(.name ==
    "bbb-04") | .vm_id')
grep -q "made VM $vm" "$tmp"/state/bbbctl/audit-*.spool
ok $? "the audit record holds the VM id"
! grep -q "$bbbsecret\|scripts/" "$tmp"/state/bbbctl/audit-*.spool "$tmp/log" \
    "$tmp/err1" "$tmp/out1"
ok $? "no secret or registration URL in the audit, the log or the output"
tok0=$(tokens)
is "$(echo "$tok0" | wc -l) $(echo "$tok0" | cut -d' ' -f2)" "1 active" \
    "the active registration token was reused and is left active"
! grep -q 'registration token' "$tmp"/state/bbbctl/audit-*.spool
ok $? "a reused token is not in the audit as made or removed"

# Three in parallel.
run --yes scale out --count 3 >"$tmp/out3" 2>"$tmp/err3"
ok $? "scale out --count 3 succeeds"
grep -q '^scale out: done: 3 nodes added: bbb-05 .*bbb-06 .*bbb-07 ' \
    "$tmp/out3"
ok $? "it adds bbb-05, bbb-06 and bbb-07"
first8=$(grep -n '\[8/8\]' "$tmp/err3" | head -1 | cut -d: -f1)
last3=$(grep -n '\[3/8\] creating VM' "$tmp/err3" | tail -1 | cut -d: -f1)
[ -n "$first8" ] && [ -n "$last3" ] && [ "$last3" -lt "$first8" ]
ok $? "the three run in parallel (all VMs made before any node is done)"
for n in bbb-05 bbb-06 bbb-07; do
	is "$(where $n)" "nova rancher-host stack consul scalelite" \
	    "$n is in all five sources"
done
run --yes scale check >"$tmp/chk" 2>&1
grep -q '7 nodes whole, 0 leftovers' "$tmp/chk"
ok $? "scale check: 7 nodes whole, no leftover"

# Scale in.
run --yes scale in bbb-05 >"$tmp/in" 2>"$tmp/inerr"
ok $? "scale in bbb-05 succeeds"
grep -q 'bbb-05 removed in .*VM .* removed' "$tmp/in"
ok $? "its result names what it removed"
is "$(where bbb-05)" "" "bbb-05 is in no source"
run --yes scale in infra-01 >/dev/null 2>"$tmp/ref1"
[ $? -ne 0 ] && grep -q 'infra-01 is not a BBB node' "$tmp/ref1"
ok $? "scale in of an infra VM is refused"
# An unknown name: exit 1 before the plan (--dry-run too), with the
# nearest node.
run --dry-run scale in bbb-6 >"$tmp/ref3out" 2>"$tmp/ref3"
is "$?" 1 "scale in of an unknown node exits 1"
grep -q 'bbb-6 is not a BBB node.*did you mean bbb-06?' "$tmp/ref3" &&
    ! grep -q 'dry run' "$tmp/ref3out"
ok $? "before the plan, with a did-you-mean"
cat >>"$conf" <<EOF
min_nodes = 6
EOF
run --yes scale in bbb-06 >/dev/null 2>"$tmp/ref2"
[ $? -ne 0 ] && grep -q 'below \[scale\] min_nodes 6' "$tmp/ref2"
ok $? "scale in below min_nodes is refused"
is "$(where bbb-06)" "nova rancher-host stack consul scalelite" \
    "and bbb-06 stays"

# Failures: each undone, nothing left.
start --boot-delay 0 --vm-fault error
run --yes scale out >/dev/null 2>"$tmp/f1"
[ $? -ne 0 ] && grep -q 'no capacity: VM .* went ERROR: ' "$tmp/f1"
ok $? "a VM that goes ERROR fails the node with the fault"
grep -q 'undone: VM .* removed' "$tmp/f1"
ok $? "its VM is deleted"
is "$(where bbb-04)" "" "nothing of bbb-04 is left"

start --boot-delay 0 --vm-fault noregister
run --yes scale out >/dev/null 2>"$tmp/f2"
[ $? -ne 0 ] && grep -q 'the host never registered with Rancher' "$tmp/f2"
ok $? "a host that never registers fails the node"
is "$(where bbb-04)" "" "nothing of bbb-04 is left"

start --boot-delay 0 --vm-fault unhealthy
run --yes scale out >/dev/null 2>"$tmp/f3"
[ $? -ne 0 ] && grep -q 'the stack never became healthy' "$tmp/f3"
ok $? "a stack that never becomes healthy fails the node"
grep -q 'Rancher stack .* removed, Rancher host .* removed, VM .* removed' \
    "$tmp/f3"
ok $? "stack, host and VM are undone in that order"
is "$(where bbb-04)" "" "nothing of bbb-04 is left"

start --boot-delay 0 --quota-instances 5
run --yes scale out --count 2 >/dev/null 2>"$tmp/f4"
[ $? -ne 0 ] && grep -q 'quota exceeded: 2 more VMs do not fit' "$tmp/f4"
ok $? "a count over the quota is refused"
is "$(where bbb-04)" "" "and nothing is made"

# The plan reads the quota (GET /limits, the flavor's size) and refuses
# a count that does not fit, before anything is made, --dry-run too:
# instances, then cores, then RAM (m1.xlarge: 8 vCPUs, 16 GiB; the sim
# uses 5 VMs, 32 cores, 64 GiB).
quota_refused() {
	what=$1 room=$2; shift 2
	start --boot-delay 0 "$@"
	before=$(nodes)
	run --dry-run scale out --count $((room + 1)) >"$tmp/q.out" 2>"$tmp/q.err"
	rc=$?
	is "$rc" 1 "$what: --dry-run of $((room + 1)) more exits 1"
	grep -q "quota exceeded: $((room + 1)) more VMs do not fit (quota: .*room for $room more of flavor m1.xlarge (read now), each 8 vCPUs and 16 GiB)" "$tmp/q.err" &&
	    ! grep -q 'dry run' "$tmp/q.out"
	ok $? "$what: refused before the plan is printed, naming the room"
	run --dry-run scale out --count "$room" >"$tmp/q.out" 2>"$tmp/q.err"
	ok $? "$what: $room more fit"
	grep -q "room for $room more of flavor m1.xlarge" "$tmp/q.out"
	ok $? "$what: the plan shows the room"
	run --yes scale out --count $((room + 1)) >"$tmp/q.out" 2>"$tmp/q.err"
	[ $? -eq 1 ] && grep -q 'quota exceeded' "$tmp/q.err"
	ok $? "$what: the job is refused too"
	is "$(nodes) $(where bbb-04)" "$before " "$what: nothing is made"
}
quota_refused instances 2 --quota-instances 7
grep -q 'instances 5/7, cores 32/unlimited' "$tmp/q.err"
ok $? "instances: the refusal shows instances used of max"
quota_refused cores 1 --quota-cores 47
grep -q 'cores 32/47, RAM 64/unlimited GiB' "$tmp/q.err"
ok $? "cores: the refusal shows cores used of max"
quota_refused RAM 2 --quota-ram $((64 * 1024 + 40 * 1024))
grep -q 'RAM 64/104 GiB' "$tmp/q.err"
ok $? "RAM: the refusal shows RAM used of max"

# The registration token: none active to reuse, scale out makes one and
# removes it (deactivate, remove) when the job ends: done ...
start --boot-delay 0
tokens_off
ok $? "the sim's active token deactivated"
run --yes scale out >"$tmp/t1" 2>"$tmp/t1err"
ok $? "scale out without an active token succeeds"
is "$(where bbb-04)" "nova rancher-host stack consul scalelite" \
    "bbb-04 is in all five sources"
tid=$(sed -n 's/.*made Rancher registration token \([0-9a-z]*\).*/\1/p' \
    "$tmp"/state/bbbctl/audit-*.spool | head -1)
[ -n "$tid" ] && grep -q "Rancher registration token $tid removed" \
    "$tmp"/state/bbbctl/audit-*.spool
ok $? "the audit holds the token's id, made and removed"
is "$(tokens | grep "^$tid ")" "$tid removed" "the token it made is removed"
tokens_active 0
ok $? "no active registration token is left"
grep -q "registration token $tid removed" "$tmp/t1"
ok $? "the job's result says so"
! grep -q "$bbbsecret\|scripts/" "$tmp"/state/bbbctl/audit-*.spool "$tmp/log" \
    "$tmp/t1" "$tmp/t1err"
ok $? "no registration URL in the audit, the log or the output"
# ... and undone.
start --boot-delay 0 --vm-fault unhealthy
tokens_off
run --yes scale out >/dev/null 2>"$tmp/t2"
[ $? -ne 0 ] && grep -q 'the stack never became healthy' "$tmp/t2"
ok $? "a failed scale out without an active token fails"
is "$(where bbb-04)" "" "nothing of bbb-04 is left"
tid=$(sed -n 's/.*made Rancher registration token \([0-9a-z]*\).*/\1/p' \
    "$tmp"/state/bbbctl/audit-*.spool | tail -1)
is "$(tokens | grep "^$tid ")" "$tid removed" \
    "the token the failed job made is removed"
tokens_active 0
ok $? "no active registration token is left after the rollback"
grep -q "Rancher registration token $tid removed" "$tmp/t2"
ok $? "the failure names the token removed"

# --keep-failed leaves it.
start --boot-delay 0 --vm-fault unhealthy
run --yes scale out --keep-failed >/dev/null 2>"$tmp/f5"
grep -q 'kept for debugging' "$tmp/f5"
ok $? "--keep-failed keeps a failed node"
is "$(where bbb-04)" "nova rancher-host stack" "its VM, host and stack stay"
run --yes scale check >"$tmp/chk2" 2>&1
grep -q 'LEFTOVER bbb-04: OpenStack VM .*; not in: consul service, scalelite server' "$tmp/chk2"
ok $? "scale check lists it as a leftover"

# Cancel at each step (3: VM building, 4: host, 5: stack, 6: consul,
# 7: scalelite): the job says cancelled and nothing is left.
cancel_at() {
	step=$1; shift
	start "$@"
	bg scale out
	wait_for grep -q "bbb-04 \[$step/8\]" "$tmp/bg.err"
	ok $? "step $step reached"
	sleep 0.3
	kill -INT "$jp"
	end_bg 60
	is "$rc" 1 "a cancel at step $step: exit 1"
	grep -q 'cancelled' "$tmp/bg.err"
	ok $? "a cancel at step $step: the job says cancelled"
	is "$(where bbb-04)" "" "a cancel at step $step: nothing is left"
}
cancel_at 3 --boot-delay 3000
cancel_at 4 --boot-delay 0 --vm-fault noregister
cancel_at 5 --boot-delay 0 --vm-fault unhealthy
cancel_at 6 --boot-delay 0 --fault consul:/v1/agent/service/register:latency:1500
cancel_at 7 --boot-delay 0 --fault scalelite:/scalelite/api/addServer:latency:1500

# kill -9 mid-job: scale check lists what is left.
start --boot-delay 5000
bg scale out
wait_for grep -q 'bbb-04 \[3/8\] VM .*waiting for ACTIVE' "$tmp/bg.err"
ok $? "the VM is being built"
kill -9 "$jp"
wait "$jp" 2>/dev/null
jp=
vm=$(curl -s "$control/state" | jq -r '.nodes[] | select(.name ==
    "bbb-04") | .vm_id')
grep '"event":"resource"' "$tmp"/state/bbbctl/audit-*.spool |
    grep -q "bbb-04: made VM $vm"
ok $? "the audit trail has the VM's id although the job never ended"
run audit >"$tmp/audit" 2>&1 && grep -q "resource .*scale out" "$tmp/audit"
ok $? "bbbctl audit lists the resource record"
run --yes scale check >"$tmp/chk3" 2>&1
grep -q 'LEFTOVER bbb-04: OpenStack VM [0-9a-f-]* (BUILD); not in: Rancher host, Rancher stack, consul service, scalelite server' "$tmp/chk3"
ok $? "scale check after kill -9 lists the VM as a leftover"

# kill -9 after the job made its own registration token (none was
# active): scale check lists the token as well.
start --boot-delay 5000
tokens_off
bg scale out
wait_for grep -q 'bbb-04 \[3/8\] VM .*waiting for ACTIVE' "$tmp/bg.err"
ok $? "the VM is being built, the job's own token made"
kill -9 "$jp"
wait "$jp" 2>/dev/null
jp=
tid=$(tokens | awk '$2 == "active" { print $1 }')
[ -n "$tid" ] && [ "$(echo "$tid" | wc -l)" -eq 1 ]
ok $? "the token the killed job made is still active"
run --yes scale check >"$tmp/chk4" 2>&1
grep -q "LEFTOVER Rancher registration token $tid (bbbctl-scale-out, active" \
    "$tmp/chk4"
ok $? "scale check lists the token as a leftover"

# Two operators: the second is refused while the first holds the lock.
start --boot-delay 3000
bg scale out
wait_for grep -q 'bbb-04 \[3/8\]' "$tmp/bg.err"
run --yes scale out >/dev/null 2>"$tmp/race"
r2=$?
end_bg 60
[ "$r2" -ne 0 ] && grep -q 'cluster lock is held by' "$tmp/race"
ok $? "a second operator's scale out is refused: the lock is held"
is "$rc" 0 "the first one finishes"
is "$(where bbb-05)" "" "the second made nothing"

done_testing
