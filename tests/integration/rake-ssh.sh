#!/bin/sh
# rake-ssh.sh: the rake-over-ssh path against a real sshd on loopback
# whose `docker` is a test script (fake-docker.sh) emulating scalelite's
# rake tasks per version: enable / cordon / disable / panic change its
# state; cordon is refused on 1.0.x; a disable of a loaded server is
# refused; `rake status` is parsed in each version's layout; a changed or
# unknown host key is refused before anything runs; a hostile server id
# never reaches the shell (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sshd.sh"

drv=$build/tests/integration/rake-driver
if [ ! -x "$drv" ]; then
	${MAKE:-make} -s -C "$build" tests/integration/rake-driver \
	    >/dev/null 2>&1 || skip_all "rake-driver not built"
fi
sshd_setup
cp "$top/tests/integration/fake-docker.sh" "$SSHD_DIR/bin/docker"
chmod 755 "$SSHD_DIR/bin/docker"
export HOME="$SSHD_DIR"
state=$SSHD_DIR/state
calls=$SSHD_DIR/calls

sshd_start
ok $? "sshd started on 127.0.0.1:$SSHD_PORT"

conf=$SSHD_DIR/bbbctl.conf
write_conf() {	# known_hosts file
	cat >"$conf" <<EOF
[scalelite]
ssh_host = 127.0.0.1
[ssh]
user = root
port = $SSHD_PORT
identity = $SSHD_KEY
known_hosts = $1
EOF
	chmod 600 "$conf"
}
write_conf "$SSHD_KNOWN"

# Plain exec: the session finds the fake docker first on its PATH.
out=$("$drv" "$conf" exec 127.0.0.1 'command -v docker; echo err >&2; exit 3')
is "$(echo "$out" | head -1)" "ok exit 3" "exec: exit status"
echo "$out" | grep -q "^$SSHD_DIR/bin/docker\$"
ok $? "exec: the fake docker is first on PATH"
echo "$out" | grep -q '^stderr: err$'
ok $? "exec: stderr kept apart"

U1=2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7
U2=8f0e4c52-93a1-4bb5-a2c4-6b1f0d7e9a31
reset_state() {	# version
	echo "$1" >"$SSHD_DIR/version"
	cat >"$state" <<EOF
$U1 https://bbb-01.example.org/bigbluebutton/api enabled 5.0 online
$U2 https://bbb-02.example.org/bigbluebutton/api disabled - offline
bbb-03.example.org https://bbb-03.example.org/bigbluebutton/api enabled 0.0 online
EOF
	: >"$calls"
}
st() { awk -v id="$1" '$1 == id { print $3 }' "$state"; }

for v in 1.0 1.3 1.6 1.6.12; do
	reset_state "$v"
	"$drv" "$conf" state enable "$U2" >"$SSHD_DIR/out" 2>&1
	ok $? "$v: enable by id"
	is "$(st "$U2")" enabled "$v: the server is enabled"
	grep -q '^Enabling server' "$SSHD_DIR/out"
	ok $? "$v: the task's output is passed on"
	! grep -q 'fake-node-secret' "$SSHD_DIR/out"
	ok $? "$v: no node secret in the output"

	"$drv" "$conf" state cordon "$U1" >"$SSHD_DIR/out" 2>&1
	rc=$?
	if [ "$v" = 1.0 ]; then
		[ $rc -ne 0 ] && grep -q 'no cordon.*1\.1' "$SSHD_DIR/out"
		ok $? "$v: cordon refused: scalelite 1.0 has none"
		is "$(st "$U1")" enabled "$v: state unchanged"
	else
		ok $rc "$v: cordon"
		is "$(st "$U1")" cordoned "$v: the server is cordoned"
	fi

	"$drv" "$conf" state disable "$U1" >"$SSHD_DIR/out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && grep -q 'Drain' "$SSHD_DIR/out"
	ok $? "$v: disable of a loaded server refused (drain it first)"
	[ "$(st "$U1")" != disabled ]
	ok $? "$v: and it is not disabled"

	"$drv" "$conf" state disable bbb-03 >"$SSHD_DIR/out" 2>&1
	ok $? "$v: disable by short host name (id is a host name)"
	is "$(st bbb-03.example.org)" disabled "$v: bbb-03 is disabled"

	"$drv" "$conf" state panic https://bbb-01.example.org/bigbluebutton/api \
	    >"$SSHD_DIR/out" 2>&1
	ok $? "$v: panic by URL"
	is "$(st "$U1")" disabled "$v: bbb-01 is disabled"

	"$drv" "$conf" state enable 11111111-2222-4333-8444-555555555555 \
	    >"$SSHD_DIR/out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && grep -q 'No server found' "$SSHD_DIR/out"
	ok $? "$v: an unknown id is an error (also when rake exits 0)"

	"$drv" "$conf" status >"$SSHD_DIR/status" 2>&1
	ok $? "$v: rake status parsed"
	case $v in 1.0) f=0 ;; 1.3) f=1 ;; *) f=2 ;; esac
	is "$(head -1 "$SSHD_DIR/status")" "format $f" "$v: layout recognised"
	is "$(grep -c '\.example\.org ' "$SSHD_DIR/status")" 3 "$v: 3 servers"
	is "$(awk '$1 == "bbb-02.example.org" { print $2, $3 }' "$SSHD_DIR/status")" \
	    "enabled offline" "$v: bbb-02 enabled, offline"
	if [ "$v" != 1.0 ]; then
		is "$(awk '$1 == "bbb-01.example.org" { print $8 }' "$SSHD_DIR/status")" \
		    - "$v: a disabled server's load is blank"
	fi
done

# A hostile id never reaches ssh.
reset_state 1.6
"$drv" "$conf" state enable "x]; touch $SSHD_DIR/pwned; [" >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ] && [ ! -e "$SSHD_DIR/pwned" ] && [ ! -s "$calls" ]
ok $? "a hostile server id is refused before ssh"

# Host keys.
: >"$calls"
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/other_key"
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" \
    "$(cut -d' ' -f1-2 "$SSHD_DIR/other_key.pub")" >"$SSHD_DIR/known_changed"
write_conf "$SSHD_DIR/known_changed"
"$drv" "$conf" state enable "$U2" >"$SSHD_DIR/out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'REMOTE HOST IDENTIFICATION HAS CHANGED' "$SSHD_DIR/out"
ok $? "a changed host key is refused loudly"
[ ! -s "$calls" ]
ok $? "nothing was executed"
is "$(st "$U2")" disabled "the state is unchanged"

fp=$(ssh-keygen -lf "$SSHD_DIR/host_key.pub" | awk '{ print $2 }')
: >"$SSHD_DIR/known_empty"
write_conf "$SSHD_DIR/known_empty"
"$drv" "$conf" exec 127.0.0.1 "touch $SSHD_DIR/ran" >"$SSHD_DIR/out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'not known' "$SSHD_DIR/out"
ok $? "an unknown host key is refused"
grep -qF "$fp" "$SSHD_DIR/out"
ok $? "with the fingerprint as ssh-keygen prints it ($fp)"
[ ! -e "$SSHD_DIR/ran" ]
ok $? "nothing was executed"
write_conf "$SSHD_DIR/no-such-file"
"$drv" "$conf" exec 127.0.0.1 "touch $SSHD_DIR/ran" >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ] && [ ! -e "$SSHD_DIR/ran" ]
ok $? "a missing known_hosts file: refused too"

# A plain host entry does not vouch for another port.
printf '127.0.0.1 %s\n' "$(cut -d' ' -f1-2 "$SSHD_DIR/host_key.pub")" \
    >"$SSHD_DIR/known_port22"
write_conf "$SSHD_DIR/known_port22"
"$drv" "$conf" exec 127.0.0.1 "touch $SSHD_DIR/ran" >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ] && [ ! -e "$SSHD_DIR/ran" ]
ok $? "a known_hosts entry for port 22 does not match [127.0.0.1]:PORT"

# Wrong key: authentication fails, clearly.
write_conf "$SSHD_KNOWN"
sed -i "s|^identity = .*|identity = $SSHD_DIR/other_key|" "$conf"
"$drv" "$conf" exec 127.0.0.1 true >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ] && grep -q 'public key authentication' "$SSHD_DIR/out"
ok $? "an unauthorised key: a clear error"

# Nothing listens: a clear error, fast.
sshd_stop
write_conf "$SSHD_KNOWN"
t0=$(date +%s)
"$drv" "$conf" exec 127.0.0.1 true >"$SSHD_DIR/out" 2>&1
[ $? -ne 0 ] && grep -qi 'refused' "$SSHD_DIR/out"
ok $? "sshd down: connection refused"
[ $(( $(date +%s) - t0 )) -lt 10 ]
ok $? "and it says so at once"

done_testing
