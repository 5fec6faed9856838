#!/bin/sh
# scale-rake.sh: bbbctl scale out|in against a scalelite older than 1.5.1
# (the simulator's legacy profile: no admin API): step 7 and scale in's
# removal run scalelite's rake tasks over ssh, on a real sshd on loopback
# whose `docker` is tests/integration/fake-docker.sh, and the tasks run on
# the simulator's scalelite (its control endpoint's POST /rake), so that
# what they do is what its poller and APIs see: the new server added,
# enabled and online, then removed by scale in, and removed again when a
# failed scale out is undone.  The BBB secret is in no command line, log,
# audit record, output or plan.  On scalelite 1.0.x (no cordon) scale in
# refuses and removes nothing.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sshd.sh"
. "$top/tests/lib/rake.sh"

bbbctl=$build/bbbctl
sim=$build/bbbctl-sim
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
sshd_setup
rake_setup
sim_pid=
sshd_on_exit() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; }
bbbsecret=RakeSecretOfTheBBBnodes0123456789
conf=$SSHD_DIR/bbbctl.conf

sshd_start
ok $? "sshd started on 127.0.0.1:$SSHD_PORT"

# (Re)start the simulator (legacy scalelite) with ARGS; the config: its
# own, [scalelite] ssh_host, [ssh] and [scale].
start() {
	if [ -n "$sim_pid" ]; then
		kill "$sim_pid" 2>/dev/null
		wait "$sim_pid" 2>/dev/null
		sim_pid=
	fi
	rm -f "$SSHD_DIR/sim.out" "$SSHD_DIR/sim.conf"
	"$sim" --nodes 3 --profile legacy --boot-delay 0 "$@" \
	    --write-config "$SSHD_DIR/sim.conf" >"$SSHD_DIR/sim.out" \
	    2>"$SSHD_DIR/sim.err" &
	sim_pid=$!
	wait_for grep -q '^ready$' "$SSHD_DIR/sim.out"
	ok $? "bbbctl-sim (legacy scalelite) is ready"
	control=$(awk '$1 == "control" { print $2 }' "$SSHD_DIR/sim.out")
	echo "$control" >"$SSHD_DIR/sim"
	echo 1.3 >"$SSHD_DIR/version"
	: >"$calls"
	awk '{ print } /^\[scalelite\]/ { print "ssh_host = 127.0.0.1" }' \
	    "$SSHD_DIR/sim.conf" >"$conf"
	cat >>"$conf" <<EOF2

[ssh]
user = root
port = $SSHD_PORT
identity = $SSHD_KEY
known_hosts = $SSHD_KNOWN

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
register_timeout = 5s
stack_timeout = 5s
EOF2
	chmod 600 "$conf"
}
run() { "$bbbctl" --config "$conf" --log "$SSHD_DIR/log" "$@"; }
# The simulator's scalelite view of NAME: "in_scalelite lb online".
slview() {
	curl -s "$control/state" | jq -r --arg n "$1" '.nodes[] |
	    select(.name == $n) | "\(.in_scalelite) \(.lb) \(.online)"'
}
nosecret() {
	! grep -rq "$bbbsecret" "$SSHD_DIR/log" "$SSHD_DIR"/xdg/bbbctl/audit-*.spool \
	    "$@" 2>/dev/null
}

start --poll-interval 1

# --dry-run: the plan names the rake path, runs nothing over ssh.
run --dry-run scale out >"$SSHD_DIR/dry" 2>&1
ok $? "scale out --dry-run succeeds"
grep -q "rake servers:add and servers:enable over ssh on \[scalelite\] ssh_host 127.0.0.1" \
    "$SSHD_DIR/dry"
ok $? "the plan names the rake tasks for a scalelite without the admin API"
[ ! -s "$calls" ]
ok $? "--dry-run ran nothing over ssh"
nosecret "$SSHD_DIR/dry"
ok $? "no secret in the plan"

# Scale out: servers:add, servers:enable over ssh; the simulator's
# scalelite has the server, enabled, and its poller sees it online.
run --yes scale out >"$SSHD_DIR/out1" 2>"$SSHD_DIR/err1"
ok $? "scale out through rake succeeds"
sed 's/^/# /' "$SSHD_DIR/out1"
grep -q '^scale out: done: 1 node added: bbb-04 (' "$SSHD_DIR/out1"
ok $? "it adds bbb-04"
is "$(slview bbb-04)" "true enabled true" \
    "scalelite has bbb-04, enabled and online"
slid=$(curl -s "$control/state" | jq -r '.nodes[] | select(.name ==
    "bbb-04") | .sl_id')
grep -q "bbb-04: added scalelite server $slid (rake over ssh)" \
    "$SSHD_DIR"/xdg/bbbctl/audit-*.spool
ok $? "the audit record holds the scalelite server's id"
grep -q "^exec -i scalelite-api sh -c IFS= read -r s && exec ./bin/rake \"servers:add\[https://bbb-04[.a-z]*/bigbluebutton/api/,\$s,1\]\"\$" "$calls"
ok $? "servers:add ran with the secret read from stdin in the container"
grep -q "servers:enable\[$slid\]" "$calls"
ok $? "then servers:enable of the new id"
! grep "sh -c" "$calls" | grep -q "$bbbsecret"
ok $? "the secret is in no command bbbctl sent"
nosecret "$SSHD_DIR/out1" "$SSHD_DIR/err1"
ok $? "nor in the log, the audit or the output"
run --yes scale check >"$SSHD_DIR/chk" 2>&1
grep -q '4 nodes whole, 0 leftovers' "$SSHD_DIR/chk"
ok $? "scale check (rake servers) finds bbb-04 whole"

# Scale in: servers:cordon, then servers:remove; gone from scalelite.
: >"$calls"
run --yes scale in bbb-04 >"$SSHD_DIR/in" 2>"$SSHD_DIR/inerr"
ok $? "scale in bbb-04 through rake succeeds"
grep -q "scalelite server $slid removed" "$SSHD_DIR/in"
ok $? "its result names the scalelite server removed"
grep -q "servers:cordon\[$slid\]" "$calls" &&
    grep -q "servers:remove\[$slid\]" "$calls"
ok $? "rake servers:cordon, then servers:remove"
is "$(slview bbb-04)" "false disabled false" \
    "bbb-04 is no longer in the simulator's scalelite"
curl -s "$control/state" | jq -e '[.nodes[] | select(.sl_id == "'"$slid"'" and
    .in_scalelite)] | length == 0' >/dev/null
ok $? "no node of scalelite has its id"

# A failed scale out is undone: the poller never sees the node online
# (its interval is longer than scalelite_timeout), the server is removed
# with rake.
start --poll-interval 60
echo "scalelite_timeout = 2s" >>"$conf"
: >"$calls"
run --yes scale out >"$SSHD_DIR/out2" 2>"$SSHD_DIR/err2"
[ $? -ne 0 ] && grep -q 'scalelite sees it online: not within 2s' \
    "$SSHD_DIR/err2"
ok $? "scale out fails when scalelite never sees the node online"
tail -3 "$SSHD_DIR/err2" | sed 's/^/# /'
slid=$(sed -n 's/.*bbb-04: added scalelite server \([0-9a-f-]*\) (rake over ssh).*/\1/p' \
    "$SSHD_DIR/err2")
[ -n "$slid" ] && grep -q "servers:enable\[$slid\]" "$calls" &&
    grep -q "servers:remove\[$slid\]" "$calls"
ok $? "the server it added and enabled is removed with rake servers:remove"
grep -h "scalelite server $slid removed" "$SSHD_DIR"/xdg/bbbctl/audit-*.spool |
    grep -q '"event":"resource"'
ok $? "the audit has its removal"
grep -q "scalelite server $slid removed" "$SSHD_DIR/err2"
ok $? "the failure says it was removed"
is "$(slview bbb-04)" "false disabled false" \
    "nothing of bbb-04 is left in scalelite"
nosecret "$SSHD_DIR/out2" "$SSHD_DIR/err2"
ok $? "no secret in the log, the audit or the output"

# scalelite 1.0.x: servers:add and servers:enable exist, servers:cordon
# does not (it came with 1.1): scale in cannot drain, so it refuses and
# removes nothing.
start --poll-interval 1
echo 1.0 >"$SSHD_DIR/version"
run --yes scale out >"$SSHD_DIR/out3" 2>"$SSHD_DIR/err3"
ok $? "scale out on scalelite 1.0.x succeeds"
is "$(slview bbb-04)" "true enabled true" \
    "scalelite 1.0.x has bbb-04, enabled and online"
run --yes scale in bbb-04 >"$SSHD_DIR/in3" 2>"$SSHD_DIR/inerr3"
[ $? -ne 0 ] && grep -q 'this scalelite has no cordon.*nothing removed' \
    "$SSHD_DIR/inerr3"
ok $? "scale in on scalelite 1.0.x is refused: no cordon to drain with"
is "$(slview bbb-04)" "true enabled true" "bbb-04 stays in scalelite, enabled"
is "$(curl -s "$control/state" | jq -r '.nodes[] | select(.name ==
    "bbb-04") | .vm_status')" ACTIVE "and its VM stays"

done_testing
