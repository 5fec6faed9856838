#!/bin/sh
# jobs-rake.sh: `bbbctl server ...` against a scalelite without the admin
# API (it answers unsupportedRequest, as scalelite < 1.5.1 does): the
# same actions run as rake tasks over ssh on a real sshd on loopback
# whose `docker` is tests/integration/fake-docker.sh; drain follows
# `rake status`; a changed host key is refused and nothing runs.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sshd.sh"
. "$top/tests/lib/rake.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
sshd_setup
rake_setup
fake_pid=
sshd_on_exit() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; }

old_scalelite

sshd_start
ok $? "sshd started on 127.0.0.1:$SSHD_PORT"

conf=$SSHD_DIR/bbbctl.conf
write_conf() {	# known_hosts file
	{
		echo "[cluster]"
		echo "name = legacy"
		echo "[scalelite]"
		echo "url = http://127.0.0.1:$slport"
		echo "secret = 0123456789abcdef0123456789abcdef"
		echo "ssh_host = 127.0.0.1"
		echo "[ssh]"
		echo "user = root"
		echo "port = $SSHD_PORT"
		echo "identity = $SSHD_KEY"
		echo "known_hosts = $1"
	} >"$conf"
	chmod 600 "$conf"
}
write_conf "$SSHD_KNOWN"
U1=2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7
echo 1.6 >"$SSHD_DIR/version"
{
	echo "$U1 https://bbb-01.example.org/bigbluebutton/api enabled 5.0 online"
	echo "bbb-03.example.org https://bbb-03.example.org/bigbluebutton/api enabled 0.0 online"
} >"$state"
st() { awk -v id="$1" '$1 == id { print $3 }' "$state"; }
run() { "$bbbctl" --config "$conf" --log "$SSHD_DIR/log" "$@"; }

run --dry-run server cordon bbb-01 >"$SSHD_DIR/dry" 2>&1
grep -q "rake 'servers:cordon" "$SSHD_DIR/dry"
ok $? "the plan names the rake task for an old scalelite"
[ ! -s "$calls" ]
ok $? "dry-run ran nothing over ssh"

run --yes server cordon bbb-01 >"$SSHD_DIR/out" 2>&1
ok $? "server cordon bbb-01 through rake"
is "$(st "$U1")" cordoned "rake cordoned bbb-01"
grep -q 'rake over ssh' "$SSHD_DIR/out"
ok $? "the job says it used rake over ssh"

run --yes server enable bbb-01 >"$SSHD_DIR/out" 2>&1
ok $? "server enable bbb-01 through rake"
is "$(st "$U1")" enabled "rake enabled bbb-01"

run --yes server disable bbb-01 >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ]
ok $? "disable of a loaded server is refused through rake too"
is "$(st "$U1")" enabled "bbb-01 untouched"

# drain: cordon, then follow `rake status` until it is disabled.
run --yes server drain --poll 200ms bbb-01 >"$SSHD_DIR/drain" \
    2>"$SSHD_DIR/drain.err" &
dpid=$!
cordoned() { [ "$(st "$U1")" = cordoned ]; }
wait_for cordoned
ok $? "drain cordoned bbb-01"
sed -i "s|^$U1 \(.*\) cordoned 5.0 online|$U1 \1 disabled - online|" "$state"
wait "$dpid"
ok $? "drain ends when the server is disabled"
grep -q 'drained' "$SSHD_DIR/drain"
ok $? "drain says so"

# A changed host key: refused, nothing runs.
: >"$calls"
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/other_key"
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" \
    "$(cut -d' ' -f1-2 "$SSHD_DIR/other_key.pub")" >"$SSHD_DIR/known_changed"
write_conf "$SSHD_DIR/known_changed"
run --yes server cordon bbb-03 >"$SSHD_DIR/out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'CHANGED' "$SSHD_DIR/out"
ok $? "a changed host key fails the job loudly"
[ ! -s "$calls" ]
ok $? "nothing was executed"
is "$(st bbb-03.example.org)" enabled "bbb-03 untouched"

done_testing
