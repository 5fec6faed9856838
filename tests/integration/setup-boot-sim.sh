#!/bin/sh
# setup-boot-sim.sh: bbbctl setup --answers FILE, with no terminal,
# against bbbctl-sim --profile empty (TAP).  A bad answers file gives
# FILE:LINE and creates nothing.  A good one creates the stacks marked
# "create" and 3 BBB nodes, runs the probes and a test meeting (on a
# new node, through scalelite), after which bbbctl status exits 0 and
# bbbctl probe passes; a test meeting that fails (the nodes' BBB API
# failing) fails the run with its cause and leaves what was made, and
# setup goes on once it passes; SIGINT during the meeting ends setup
# after the meeting's outcome is printed; no generated secret is on the output, in the log
# or the audit spool.  setup --undo leaves every source as empty as it
# started (Rancher stacks and hosts, Nova servers, consul, scalelite,
# Prometheus refusing again).  A run killed with SIGKILL half-way is
# resumed by running setup again, to the same end state, and undone.
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
url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
key() {	# key SECTION KEY: a value of the sim's configuration
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$conf"
}
empty=$(sources)
is_empty() { [ "$(sources)" = "$empty" ]; }
is "$empty" "$SRC_EMPTY" "the empty sim: no stack, the infra host, two VMs, nothing answering"

answers() {
	cat >"$tmp/answers.ini" <<EOT
[cluster]
name = sim
domain = localhost
nodes = ${1:-3}
turn = none
[openstack]
auth_url = $(key openstack auth_url)
application_credential_id = $(key openstack application_credential_id)
application_credential_secret = $(key openstack application_credential_secret)
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
}
setup() {
	"$bbbctl" --config "$out_conf" --log "$tmp/log" setup "$@" \
	    </dev/null >"$tmp/so" 2>"$tmp/se"
	rc=$?
}
has() {	# has FILE PATTERN DESC
	if grep -qF -- "$2" "$1"; then ok 0 "$3"; else
		ok 1 "$3"; diag "wanted '$2' in:"; sed 's/^/# /' "$1"; fi
}
serving() {	# the end state: status 0 with 3 nodes up, probe passes
	"$bbbctl" --config "$out_conf" --log "$tmp/log" status >"$tmp/st" 2>&1
	is "$?" 0 "$1: bbbctl status exits 0"
	has "$tmp/st" "TOTAL 3 nodes: 3 up, 0 cordoned, 0 disabled, 0 offline" \
	    "$1: 3 nodes up"
	"$bbbctl" --config "$out_conf" --log "$tmp/log" probe >"$tmp/pr" 2>&1
	is "$?" 0 "$1: bbbctl probe passes"
	is "$(sources)" "$SRC_SERVING" "$1: every source holds the stacks and the 3 nodes, nothing more"
}

# A bad answers file: FILE:LINE, nothing written, nothing created.
answers 0
setup --answers "$tmp/answers.ini"
is "$rc" 1 "a bad answers file: exit 1"
has "$tmp/se" "$tmp/answers.ini:4: " "... the error names FILE:LINE"
[ ! -e "$out_conf" ] && [ ! -e "$state" ]
ok $? "... no configuration, no state file"
is "$(sources)" "$empty" "... and nothing created on any source"

# The whole bootstrap, no terminal.
answers 3
setup --answers "$tmp/answers.ini"
is "$rc" 0 "setup --answers: exit 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/se" | tail -20
has "$tmp/so" "create 3 BBB nodes (bbb-01 ...) with scale out" \
    "the plan is printed before anything is created"
first_create=$(grep -n "creating it on Rancher" "$tmp/so" | head -1 | cut -d: -f1)
plan_line=$(grep -n "the plan for fleet sim" "$tmp/so" | cut -d: -f1)
[ -n "$plan_line" ] && [ -n "$first_create" ] &&
    [ "$plan_line" -lt "$first_create" ]
ok $? "... before the first stack is created"
has "$tmp/so" "run a test meeting through scalelite (bbbctl probe meeting" \
    "the plan names the test meeting"
grep -Eq '^test meeting: passed: test meeting on bbb-0[123]: 6 steps passed in [0-9]+ ms \(a node this setup made\)$' "$tmp/so"
ok $? "the test meeting passed, on one of the new nodes"
[ "$(grep -n '^test meeting: passed' "$tmp/so" | cut -d: -f1)" -gt \
    "$(grep -n '^probes: bbbctl probe' "$tmp/so" | cut -d: -f1)" ]
ok $? "... after the probes"
is "$(stat -c %a "$state")" 600 "the state file is mode 0600"
is "$(grep -c '^node-done ' "$state")" 3 "it lists the 3 nodes made"
is "$(grep -c '^stack ' "$state")" 5 "... and the 5 stacks"
serving "after setup"
leak=0
for v in $(sed -n 's/^[a-z_]*=//p' "$tmp/cfg/setup-secrets"); do
	if grep -rqF -- "$v" "$tmp/so" "$tmp/se" "$tmp/log" "$state" \
	    "$tmp/state" 2>/dev/null; then
		leak=1
		diag "a generated secret is in the output, log, state or audit"
	fi
done
is "$leak" 0 "no generated secret on the output, in the log, the state file or the audit spool"

# Again: it re-checks what the state says and creates nothing more.
setup --answers "$tmp/answers.ini"
is "$rc" 0 "setup again: exit 0"
[ "$rc" -eq 0 ] || sed "s/^/# /" "$tmp/se" | tail -20
has "$tmp/so" "stack consul: created before" "... it re-checks the stacks"
has "$tmp/so" "nodes: 3 of 3 made before" "... and the nodes"
serving "after setup again"

# The test meeting fails (every new node's BBB API fails): the run
# fails with that cause and leaves what it made; once the nodes answer
# again, setup goes on and passes.
for n in bbb-01 bbb-02 bbb-03; do
	curl -sf -X POST "$control/nodes/$n/api-fail" >/dev/null || break
done
ok $? "the sim's nodes fail their BBB API"
setup --answers "$tmp/answers.ini"
[ "$rc" -ne 0 ]; ok $? "a failed test meeting: setup fails (exit $rc)"
has "$tmp/se" "the test meeting failed: create failed: " \
    "... naming the meeting's step that failed"
has "$tmp/so" "test meeting: FAILED: create failed" "... on the output too"
is "$(grep -c '^node-done ' "$state")" 3 "... the state file still lists the 3 nodes"
is "$(grep -c '^stack ' "$state")" 5 "... and the 5 stacks"
for n in bbb-01 bbb-02 bbb-03; do
	curl -sf -X POST "$control/nodes/$n/api-ok" >/dev/null || break
done
# scalelite's poller takes them back online
all_up() {
	"$bbbctl" --config "$out_conf" --log "$tmp/log" status 2>&1 |
	    grep -qF "TOTAL 3 nodes: 3 up, 0 cordoned, 0 disabled, 0 offline"
}
WAIT_DEADLINE=60 wait_for all_up
ok $? "the nodes are back online in scalelite"
setup --answers "$tmp/answers.ini"
is "$rc" 0 "the nodes answer again: setup again passes"
[ "$rc" -eq 0 ] || sed "s/^/# /" "$tmp/se" | tail -20
has "$tmp/so" "test meeting: passed: " "... with the test meeting"

# SIGINT during the test meeting (scalelite answers create 3 s late):
# the meeting's outcome is printed, then setup ends, saying so.
curl -sf -X POST \
    "$control/faults?spec=scalelite:/bigbluebutton/api/create:latency:3000" \
    >/dev/null
ok $? "scalelite answers create 3 s late"
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup \
    --answers "$tmp/answers.ini" </dev/null >"$tmp/so" 2>"$tmp/se" &
jp=$!
WAIT_DEADLINE=60 wait_for grep -q '^test meeting: bbbctl probe meeting' "$tmp/so"
kill -INT "$jp"
wait "$jp"
is "$?" 1 "SIGINT during the test meeting: exit 1"
jp=
has "$tmp/so" "test meeting: passed: " "... after the meeting's outcome"
has "$tmp/se" "setup: Interrupt: stopped" "... saying it was stopped"
curl -sf -X DELETE "$control/faults" >/dev/null

# --undo --dry-run says what; --undo removes it.
"$bbbctl" --config "$out_conf" --log "$tmp/log" --dry-run setup --undo \
    >"$tmp/so" 2>"$tmp/se"
is "$?" 0 "--dry-run setup --undo: exit 0"
has "$tmp/so" "BBB node bbb-03" "... it names the nodes"
has "$tmp/so" "Rancher stack consul (" "... and the stacks"
[ -e "$state" ]; ok $? "... and removes nothing"
# The sim's meetings keep a node busy: scale in drains for this long,
# then (--undo gives --force) ends them.
short_drain() { printf '\n[scale]\ndrain_timeout = 2s\n' >>"$out_conf"; }
short_drain
setup --undo
is "$rc" 0 "setup --undo: exit 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/se" | tail -20
wait_for is_empty	# the sim stops answering within a tick
is "$(sources)" "$empty" "after --undo every source is as empty as it started"
[ ! -e "$state" ] && [ ! -e "$tmp/cfg/setup-secrets" ]
ok $? "... the state file and the generated secrets are gone"

# Killed half-way (SIGKILL while making bbb-02), then resumed; on a
# new empty sim (its node names start again at bbb-01).
kill "$pid"
wait "$pid" 2>/dev/null
pid=
sim_start --profile empty --boot-delay 0 --poll-interval 1 --speed 10
is "$(sources)" "$empty" "a new empty sim"
rm -rf "$tmp/cfg"
answers 3
"$bbbctl" --config "$out_conf" --log "$tmp/log" setup \
    --answers "$tmp/answers.ini" </dev/null >"$tmp/so" 2>"$tmp/se" &
jp=$!
WAIT_DEADLINE=60 wait_for grep -q '^node bbb-02$' "$state"
ok $? "the second run gets to bbb-02"
kill -9 "$jp"
wait "$jp" 2>/dev/null
jp=
grep -q '^node-done bbb-02$' "$state"; [ $? -ne 0 ]
ok $? "... and is killed (SIGKILL) before bbb-02 is done"
setup --answers "$tmp/answers.ini"
is "$rc" 0 "setup after SIGKILL: exit 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/se" | tail -20
has "$tmp/so" "nodes: 1 of 3 made before" "... it goes on from bbb-01"
serving "after the resumed setup"
# as a run killed between recording a node and asking Nova for its VM
echo 'node bbb-09' >>"$state"
short_drain
setup --undo
is "$rc" 0 "setup --undo after the resumed setup: exit 0"
has "$tmp/so" "node bbb-09: no source knows it: nothing to remove" \
    "... a node that never got a VM is only dropped"
wait_for is_empty
is "$(sources)" "$empty" "... every source is as empty as it started"
done_testing
