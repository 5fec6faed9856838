#!/bin/sh
# rake-lock-sim.sh: a job on a scalelite without the admin API runs its
# rake task over ssh after listing the servers (`rake servers`, a Rails
# boot: seconds).  The cluster lock is checked right before the task,
# not only before the listing: a lock lost while the listing runs stops
# the job, and the task never runs.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sshd.sh"
. "$top/tests/lib/rake.sh"

bbbctl=$build/bbbctl
sim=$build/bbbctl-sim
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
sshd_setup
rake_setup
fake_pid=
sim_pid=
jp=
sshd_on_exit() {
	[ -n "$jp" ] && kill -9 "$jp" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
}

old_scalelite

# consul (for the lock) from the simulator.
"$sim" --nodes 2 --write-config "$SSHD_DIR/sim.conf" >"$SSHD_DIR/sim.out" \
    2>"$SSHD_DIR/sim.err" &
sim_pid=$!
wait_for grep -q '^ready$' "$SSHD_DIR/sim.out"
ok $? "bbbctl-sim (consul) is ready"
consul=$(awk '$1 == "consul" { print $2 }' "$SSHD_DIR/sim.out")
token=$(awk -F' = ' '$1 == "token" { print $2 }' "$SSHD_DIR/sim.conf")

sshd_start
ok $? "sshd started on 127.0.0.1:$SSHD_PORT"

conf=$SSHD_DIR/bbbctl.conf
{
	echo "[cluster]"
	echo "name = legacy"
	echo "[consul]"
	echo "url = $consul"
	echo "token = $token"
	echo "[scalelite]"
	echo "url = http://127.0.0.1:$slport"
	echo "secret = 0123456789abcdef0123456789abcdef"
	echo "ssh_host = 127.0.0.1"
	echo "[ssh]"
	echo "user = root"
	echo "port = $SSHD_PORT"
	echo "identity = $SSHD_KEY"
	echo "known_hosts = $SSHD_KNOWN"
} >"$conf"
chmod 600 "$conf"
echo 1.6 >"$SSHD_DIR/version"
echo "bbb-01.example.org https://bbb-01.example.org/bigbluebutton/api enabled 5.0 online" \
    >"$state"
st() { awk -v id="$1" '$1 == id { print $3 }' "$state"; }
lock_session() {
	curl -s -H "X-Consul-Token: $token" "$consul/v1/kv/bbbctl/legacy/lock" |
	    jq -r '.[0].Session // "none"' 2>/dev/null || echo none
}

echo 4 >"$SSHD_DIR/slow"
"$bbbctl" --config "$conf" --log "$SSHD_DIR/log" --yes server cordon bbb-01 \
    >"$SSHD_DIR/out" 2>"$SSHD_DIR/err" &
jp=$!
wait_for test -f "$SSHD_DIR/listing"
ok $? "the job lists the servers with rake (slowly)"
s=$(lock_session)
[ "$s" != none ]
ok $? "it holds the cluster lock"
curl -s -X PUT -H "X-Consul-Token: $token" "$consul/v1/session/destroy/$s" \
    >/dev/null
ok $? "the lock's session is destroyed meanwhile"
WAIT_DEADLINE=60 wait_for sh -c "! kill -0 $jp"
ok $? "the job ends"
wait "$jp"
rc=$?
jp=
sed 's/^/# /' "$SSHD_DIR/err"
[ $rc -ne 0 ] && grep -q 'failed: lock lost: ' "$SSHD_DIR/err"
ok $? "its outcome is 'lock lost' ($rc)"
! grep -q 'servers:cordon' "$calls"
ok $? "the rake task never ran"
is "$(st bbb-01.example.org)" enabled "bbb-01 is untouched"

done_testing
