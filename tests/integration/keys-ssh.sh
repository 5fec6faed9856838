#!/bin/sh
# keys-ssh.sh: bbbctl keys rotate, list and check against five real sshd
# on loopback (127.0.0.2-6), the five VMs of a bbbctl-sim fleet (3 BBB
# nodes, the Rancher server and an infra VM).  A rotation of all five,
# then injected failures, each in its own run: an sshd that refuses the
# new key's type, a read-only .ssh, sshd killed between write and verify,
# a changed host key, ^C mid-way, SIGHUP, a full disk.  After every run,
# on every host the old or the new key logs in and the file is the
# original or the rotated one (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"
. "$top/tests/lib/keys.sh"

sim_init
keys_init
sim_start --nodes 3 --vm-addr-base 127.0.0.2
keys_conf
keys_reset

# --- list and check ---------------------------------------------------------
out=$(run keys check 2>&1); rc=$?
is "$rc" 0 "keys check: every host accepts the identity"
n=$(printf '%s\n' "$out" | grep -c 'accepts our key')
is "$n" 5 "... five hosts, the infra VMs too"
has "$out" "rancher-server" "... the Rancher server is one"
out=$(run keys list --json); rc=$?
is "$rc" 0 "keys list --json"
n=$(printf '%s' "$out" | jq '[.[] | .keys | length] | add')
is "$n" 10 "... two keys on each of five hosts"
fp=$(ssh-keygen -lf "$keys/old.pub" | cut -d' ' -f2)
n=$(printf '%s' "$out" | jq --arg fp "$fp" '[.[] | .keys[] | select(.fingerprint == $fp)] | length')
is "$n" 5 "... the old key's fingerprint as ssh-keygen prints it"
opts=$(printf '%s' "$out" | jq -r '.[0].keys[0].options')
is "$opts" 'restrict,from="127.0.0.0/8"' "... a key's options"
hasnt "$out" "$(cut -d' ' -f2 "$keys/old.pub")" "... never a key itself"

# --- dry run: the plan, nothing changed --------------------------------------
out=$(run --dry-run --yes keys rotate --new-key "$keys/new" 2>&1); rc=$?
is "$rc" 0 "keys rotate --dry-run"
has "$out" "$(ssh-keygen -lf "$keys/new.pub" | cut -d' ' -f2)" "... names the new key's fingerprint"
has "$out" "$fp" "... and the key to remove"
hasnt "$out" "PRIVATE KEY" "... no private key"
keys_state "$keys/new" "dry run"
cmp -s "$tmp/h2/home/.ssh/authorized_keys" "$keys/orig"
ok $? "dry run: nothing changed"

# --- the plan: every host, and whether it is reachable now --------------------
n=$(printf '%s\n' "$out" | grep -c '): reachable$')
is "$n" 5 "dry run: the plan lists the five hosts, each reachable now"
has "$out" "infra-01 (127.0.0.6): reachable" "... each with its address"
has "$out" "rancher-server (127.0.0.5): reachable" "... the Rancher server too"
keys_kill 6
out=$(run --dry-run keys rotate --new-key "$keys/new" 2>&1); rc=$?
is "$rc" 1 "dry run, infra-01's sshd stopped: exit 1"
has "$out" "infra-01 (127.0.0.6): unreachable: " "... infra-01 is named unreachable"
has "$out" "Connection refused" "... with the cause"
has "$out" "would refuse to start" "... and the job would refuse to start"
n=$(printf '%s\n' "$out" | grep -c '): reachable$')
is "$n" 4 "... the four others reachable"
out=$(run --dry-run keys rotate --new-key "$keys/new" --skip-unreachable 2>&1); rc=$?
is "$rc" 0 "dry run --skip-unreachable, infra-01 stopped: exit 0"
has "$out" "infra-01 (127.0.0.6): unreachable: " "... infra-01 still named"
has "$out" "(skipped)" "... and said to be skipped"
hasnt "$out" "would refuse" "... no refusal"
out=$(run --yes keys rotate --new-key "$keys/new" 2>&1); rc=$?
is "$rc" 1 "rotate, infra-01 stopped: exit 1"
has "$out" "refused, nothing changed" "... refused before any change"
has "$out" "infra-01 (127.0.0.6): unreachable" "... the plan shown names it"
keys_start 6
keys_state "$keys/new" "infra-01 stopped"
n=0
for h in $KEYS_HOSTS; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$keys/orig" && n=$((n + 1))
done
is "$n" 5 "... five files untouched"
# an sshd that accepts the connection and never answers (stopped): the
# plan waits a few seconds for it, not the default deadlines
hp=$(cat "$tmp/h5/sshd.pid")
kill -STOP "$hp"
t0=$(date +%s)
out=$(run --dry-run keys rotate --new-key "$keys/new" 2>&1); rc=$?
t1=$(date +%s)
kill -CONT "$hp"
is "$rc" 1 "dry run, rancher-server's sshd hung: exit 1"
has "$out" "rancher-server (127.0.0.5): unreachable: " "... it is named unreachable"
[ $((t1 - t0)) -le 15 ]
ok $? "... the plan came within the per-host deadline ($((t1 - t0)) s)"

# --- rotate all five, the key made by ssh-keygen -----------------------------
out=$(run --yes keys rotate 2>&1); rc=$?
is "$rc" 0 "keys rotate: every host rotated"
[ "$rc" = 0 ] || diag "$out"
gen=$(ls "$keys"/bbbctl-* 2>/dev/null | grep -v '\.pub$' | head -n 1)
[ -n "$gen" ] && [ -f "$gen.pub" ]
ok $? "a new key pair beside the identity ($gen)"
is "$(stat -c %a "$gen")" 600 "... mode 0600"
head -c 40 "$gen" | grep -q 'BEGIN OPENSSH PRIVATE KEY'
ok $? "... an OpenSSH private key"
is "$(cut -d' ' -f1 "$gen.pub")" ssh-ed25519 "... ed25519"
keys_state "$gen" "rotate all"
n=0
for h in $KEYS_HOSTS; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$tmp/rotated" && n=$((n + 1))
done
is "$n" 5 "rotate all: five files rotated"
keys_login 2 "$keys/old"
is "$?" 255 "rotate all: the old key is refused"
is "$(stat -c %a "$tmp/h3/home/.ssh/authorized_keys")" 600 "the file keeps its mode"
cmp -s "$tmp/h3/home/.ssh/authorized_keys.bbbctl-backup" "$keys/orig"
ok $? "the original stays as authorized_keys.bbbctl-backup"
grep -q "^identity = $gen\$" "$conf"
ok $? "the configuration's [ssh] identity is the new key"
grep -q "^key_name = $(basename "$gen")\$" "$conf"
ok $? "[scale] key_name is the uploaded key pair"
is "$(stat -c %a "$conf")" 600 "the configuration stays 0600"
grep -q "^max_parallel = " "$conf"
ok $? "... and keeps its other lines"
hasnt "$out" "PRIVATE KEY" "no private key in the output"
hasnt "$(cat "$tmp/log")" "PRIVATE KEY" "no private key in the log"
out=$(run keys check 2>&1)
is "$?" 0 "keys check with the new identity"

# --- injected failures ---------------------------------------------------------
# rotate LABEL [ARGS]: rotate to $keys/new, check the state after.
rotate() {
	label=$1
	shift
	out=$(run --yes keys rotate --new-key "$keys/new" "$@" 2>&1)
	rc=$?
	keys_state "$keys/new" "$label"
	grep -q "^identity = $keys/old\$" "$conf"
	ok $? "$label: the identity is still the old key"
}

# 1. a host whose sshd does not take ed25519 keys
keys_reset
KEYS_SSHD_EXTRA_3='PubkeyAcceptedAlgorithms ecdsa-sha2-nistp256'
keys_start 3
rotate "new key type refused"
is "$rc" 1 "new key type refused: exit 1"
has "$out" "restored: bbb-02 (the new key does not log in" "... bbb-02 restored, with the cause"
cmp -s "$tmp/h3/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... its file is the original"
has "$out" "still need the old key" "... the report says who still needs the old key"
KEYS_SSHD_EXTRA_3=

# 2. a read-only .ssh
keys_reset
if mount --bind "$tmp/h4/home/.ssh" "$tmp/h4/home/.ssh" 2>/dev/null &&
    mount -o remount,bind,ro "$tmp/h4/home/.ssh" 2>/dev/null; then
	rotate "read-only .ssh"
	is "$rc" 1 "read-only .ssh: exit 1"
	has "$out" "restored: bbb-03" "... bbb-03 restored"
	umount "$tmp/h4/home/.ssh"
	cmp -s "$tmp/h4/home/.ssh/authorized_keys" "$keys/orig"
	ok $? "... its file is the original"
else
	umount "$tmp/h4/home/.ssh" 2>/dev/null
	skip "no bind mount here" 4
fi

# 3. sshd killed between the write and the verify (mv on the host does
# it, right after the rename of the file with the new key added)
keys_reset
cat >"$tmp/h5/bin/mv" <<EOF
#!/bin/sh
/bin/mv "\$@" || exit
case "\$2" in *.bbbctl-add.*) kill \$(cat $tmp/h5/sshd.pid) ;; esac
EOF
chmod 755 "$tmp/h5/bin/mv"
out=$(run --yes keys rotate --new-key "$keys/new" 2>&1)
is "$?" 1 "sshd killed: exit 1"
has "$out" "restored: rancher-server" "... the host restored over the open session"
rm -f "$tmp/h5/bin/mv"
keys_start 5
keys_state "$keys/new" "sshd killed, sshd back"
cmp -s "$tmp/h5/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... its file is the original"

# 4. a changed host key
keys_reset
cp "$tmp/h6/host_key" "$tmp/host_key.6"
cp "$tmp/h6/host_key.pub" "$tmp/host_key.6.pub"
rm -f "$tmp/h6/host_key" "$tmp/h6/host_key.pub"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/h6/host_key"
keys_start 6
KEYS_ANY_HOSTKEY=1
out=$(run --dry-run keys rotate --new-key "$keys/new" 2>&1); rc=$?
is "$rc" 1 "changed host key: the dry run exits 1"
has "$out" "infra-01 (127.0.0.6): host key CHANGED" "... and shows the host key as changed"
has "$out" "would refuse to start" "... the job would refuse"
rotate "changed host key"
is "$rc" 1 "changed host key: exit 1"
has "$out" "unreachable" "... the host is unreachable"
has "$out" "nothing changed" "... and the job stops before any change"
n=0
for h in $KEYS_HOSTS; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$keys/orig" && n=$((n + 1))
done
is "$n" 5 "... five files untouched"
rotate "changed host key, --skip-unreachable" --skip-unreachable
is "$rc" 1 "--skip-unreachable: exit 1 (not every host rotated)"
cmp -s "$tmp/h6/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... that host untouched"
cmp -s "$tmp/h2/home/.ssh/authorized_keys" "$tmp/rotated"
ok $? "... the others rotated"
KEYS_ANY_HOSTKEY=
mv "$tmp/host_key.6" "$tmp/h6/host_key"
mv "$tmp/host_key.6.pub" "$tmp/h6/host_key.pub"
keys_start 6

# 5, 6. ^C and SIGHUP mid-way: mv on bbb-02 waits after the rename
for sig in INT HUP; do
	keys_reset
	cat >"$tmp/h3/bin/mv" <<EOF
#!/bin/sh
/bin/mv "\$@" || exit
case "\$2" in *.bbbctl-add.*) : >$tmp/h3/added; sleep 2 ;; esac
EOF
	chmod 755 "$tmp/h3/bin/mv"
	rm -f "$tmp/h3/added"
	# bbbctl itself in the background (not a subshell running it)
	"$bbbctl" --config "$conf" --log "$tmp/log" --yes keys rotate \
	    --new-key "$keys/new" >"$tmp/out.$sig" 2>&1 &
	jp=$!
	wait_for test -e "$tmp/h3/added"
	ok $? "SIG$sig: bbb-02 has the new key added"
	kill -$sig $jp
	wait $jp
	rc=$?
	jp=
	[ "$rc" != 0 ]
	ok $? "SIG$sig: exit non-zero ($rc)"
	out=$(cat "$tmp/out.$sig")
	has "$out" "bbb-02 (cancelled" "SIG$sig: bbb-02 restored, cancelled"
	keys_state "$keys/new" "SIG$sig"
	cmp -s "$tmp/h3/home/.ssh/authorized_keys" "$keys/orig"
	ok $? "SIG$sig: bbb-02's file is the original"
done

# --timeout: the hosts under way when it passes are restored
keys_reset
cat >"$tmp/h3/bin/mv" <<EOF
#!/bin/sh
/bin/mv "\$@" || exit
case "\$2" in *.bbbctl-add.*) sleep 3 ;; esac
EOF
chmod 755 "$tmp/h3/bin/mv"
rotate "--timeout 1s" --timeout 1s
is "$rc" 1 "--timeout 1s: exit 1"
has "$out" "bbb-02 (cancelled (or --timeout)" "... bbb-02, under way, restored"
cmp -s "$tmp/h3/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... its file is the original"

# 7. a full disk: a small tmpfs as infra-01's .ssh, filled
keys_reset
if mount -t tmpfs -o size=64k tmpfs "$tmp/h6/home/.ssh" 2>/dev/null; then
	cp "$keys/orig" "$tmp/h6/home/.ssh/authorized_keys"
	chmod 600 "$tmp/h6/home/.ssh/authorized_keys"
	dd if=/dev/zero of="$tmp/h6/home/.ssh/fill" bs=4k 2>/dev/null
	rotate "full disk"
	is "$rc" 1 "full disk: exit 1"
	has "$out" "restored: infra-01" "... infra-01 restored"
	cmp -s "$tmp/h6/home/.ssh/authorized_keys" "$keys/orig"
	ok $? "... its file is the original"
	umount "$tmp/h6/home/.ssh"
else
	skip "no tmpfs mount here" 4
fi

# 8. the removal's write fails and so does the restore's: mv on bbb-02
# fails as many times as $tmp/h3/fail-remove and fail-restore say
fail_mv() {
	echo "$1" >"$tmp/h3/fail-remove"
	echo "$2" >"$tmp/h3/fail-restore"
	cat >"$tmp/h3/bin/mv" <<EOF
#!/bin/sh
case "\$2" in
*.bbbctl-remove.*) k=$tmp/h3/fail-remove ;;
*.bbbctl-restore.*) k=$tmp/h3/fail-restore ;;
*) exec /bin/mv "\$@" ;;
esac
n=\$(cat "\$k")
[ "\$n" = 0 ] && exec /bin/mv "\$@"
echo \$((n - 1)) >"\$k"
echo "mv: injected failure" >&2
exit 1
EOF
	chmod 755 "$tmp/h3/bin/mv"
}
keys_reset
fail_mv 1 1
rotate "remove and first restore fail"
is "$rc" 1 "remove and first restore fail: exit 1"
has "$out" "restored: bbb-02 (write (remove): mv: injected failure" "... bbb-02 restored, with the cause"
cmp -s "$tmp/h3/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... its file is the original (the restore tried again)"
is "$(cat "$tmp/h3/fail-restore")" 0 "... after a failed restore"
keys_reset
fail_mv 1 99
out=$(run --yes keys rotate --new-key "$keys/new" 2>&1); rc=$?
keys_state "$keys/new" "remove fails, every restore fails"
cmp -s "$tmp/h3/home/.ssh/authorized_keys" "$tmp/rotated"
ok $? "remove fails, every restore fails: bbb-02 is rotated (finished forward), not old+new"
has "$out" "rotated after a failed restore: bbb-02 (" "... the report says so"
has "$out" "finished the rotation instead" "... and why"
is "$rc" 0 "... every host now rotated: exit 0"
grep -q "^identity = $keys/new\$" "$conf"
ok $? "... and the identity switched (no host takes the old key)"
keys_login 3 "$keys/old"
is "$?" 255 "... the old key is refused on bbb-02"
# the same, with another host restored: the identity stays, and the
# report names the host that now takes only the new key
keys_reset
fail_mv 1 99
KEYS_SSHD_EXTRA_2='PubkeyAcceptedAlgorithms ecdsa-sha2-nistp256'
keys_start 2
rotate "bbb-02 forward, bbb-01 restored"
is "$rc" 1 "bbb-02 forward, bbb-01 restored: exit 1"
has "$out" "now take only the new key ($keys/new): bbb-02" "... the report names bbb-02 as needing the new key"
cmp -s "$tmp/h2/home/.ssh/authorized_keys" "$keys/orig"
ok $? "... bbb-01 is the original"
KEYS_SSHD_EXTRA_2=
# every removal and every restore fails on bbb-02: nothing can put its
# file in either state; the report says what it holds, and both keys
# log in there
keys_reset
fail_mv 99 99
out=$(run --yes keys rotate --new-key "$keys/new" 2>&1); rc=$?
is "$rc" 1 "every write after the add fails on bbb-02: exit 1"
has "$out" "FAILED: bbb-02 (" "... bbb-02 reported FAILED"
has "$out" "the file is the original with the new key added (both keys)" "... with what its file holds"
{ cat "$keys/orig"; head -n 1 "$keys/new.pub"; } |
    cmp -s - "$tmp/h3/home/.ssh/authorized_keys"
ok $? "... which it does, byte for byte"
keys_login 3 "$keys/old" && keys_login 3 "$keys/new"
ok $? "... both keys log in on bbb-02"
grep -q "^identity = $keys/old\$" "$conf"
ok $? "... the identity stays the old key"
rm -f "$tmp/h3/bin/mv"

# --hosts: those hosts only; the identity stays (the others need it)
keys_reset
out=$(run --yes keys rotate --new-key "$keys/new" --hosts bbb-01,infra-01 2>&1)
is "$?" 0 "--hosts bbb-01,infra-01: both rotated"
n=0
for h in 2 6; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$tmp/rotated" && n=$((n + 1))
done
for h in 3 4 5; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$keys/orig" && n=$((n + 1))
done
is "$n" 5 "... those two rotated, the three others untouched"
grep -q "^identity = $keys/old\$" "$conf"
ok $? "... the identity stays the old key"
has "$out" "identity unchanged" "... and the report says so"
out=$(run --yes keys rotate --hosts nope 2>&1)
is "$?" 1 "--hosts with an unknown name: exit 1"
has "$out" "not in the inventory: nope" "... named"

# 9. --remove by file and by fingerprint: the colleague's key goes too,
# the comment and the blank line stay
keys_reset
ofp=$(ssh-keygen -lf "$keys/other.pub" | cut -d' ' -f2)
keys_login 2 "$keys/other"
ok $? "--remove: the colleague's key logs in before"
out=$(run --yes keys rotate --new-key "$keys/new" --remove "$keys/old" \
    --remove "$ofp" 2>&1)
is "$?" 0 "--remove FILE --remove FINGERPRINT: every host rotated"
[ "$?" = 0 ] || diag "$out"
{ printf '# hosts of the key rotation test\n\n'; head -n 1 "$keys/new.pub"; } \
    >"$tmp/want"
n=0
for h in $KEYS_HOSTS; do
	cmp -s "$tmp/h$h/home/.ssh/authorized_keys" "$tmp/want" && n=$((n + 1))
done
is "$n" 5 "... five files hold the comment, the blank line and the new key"
keys_login 3 "$keys/other"
is "$?" 255 "... the colleague's key is refused"
keys_login 3 "$keys/old"
is "$?" 255 "... and the old one"
keys_login 3 "$keys/new"
ok $? "... the new one logs in"

done_testing
