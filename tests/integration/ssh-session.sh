#!/bin/sh
# ssh-session.sh: ssh sessions (ssh.c) against a real sshd on loopback:
# several commands on one session, stdin delivered, authentication with
# a given key that is not the configured one (with its .pub or derived
# from the private key), a wrong key refused with a clear cause, an
# unknown host key refused before anything runs (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sshd.sh"

drv=$build/tests/integration/ssh-driver
if [ ! -x "$drv" ]; then
	${MAKE:-make} -s -C "$build" tests/integration/ssh-driver \
	    >/dev/null 2>&1 || skip_all "ssh-driver not built"
fi
sshd_setup
export HOME="$SSHD_DIR"

sshd_start
ok $? "sshd started on 127.0.0.1:$SSHD_PORT"

conf=$SSHD_DIR/bbbctl.conf
write_conf() {	# known_hosts file
	cat >"$conf" <<EOF
[ssh]
user = root
port = $SSHD_PORT
identity = $SSHD_KEY
known_hosts = $1
EOF
	chmod 600 "$conf"
}
write_conf "$SSHD_KNOWN"
accepted() { grep -c 'Accepted publickey' "$SSHD_DIR/sshd.log"; }
out=$SSHD_DIR/out

# Two commands on one session: the same TCP connection, one login.
before=$(accepted)
"$drv" "$conf" 127.0.0.1 'echo "$SSH_CONNECTION"' - \
    'echo "$SSH_CONNECTION"; echo oops >&2; exit 4' - >"$out" 2>&1
ok $? "two commands on one session"
is "$(grep -c '^ok [12] exit' "$out")" 2 "both ran"
sed -n 2p "$out" | grep -Eq "^127\.0\.0\.1 [0-9]+ 127\.0\.0\.1 $SSHD_PORT\$"
ok $? "the first saw its connection"
is "$(sed -n 2p "$out")" "$(sed -n 4p "$out")" \
    "both on the same connection (same client port)"
grep -q '^ok 2 exit 4$' "$out"
ok $? "the second command's exit status"
grep -q '^stderr: oops$' "$out"
ok $? "its stderr kept apart"
wait_for sh -c "[ \$(grep -c 'Accepted publickey' '$SSHD_DIR/sshd.log') -ge $((before + 1)) ]"
is "$(accepted)" "$((before + 1))" "one login for both"

# stdin, larger than any window, on the first and the second command.
head -c 300000 /dev/urandom >"$SSHD_DIR/blob"
printf 'hello\n' >"$SSHD_DIR/small"
"$drv" "$conf" 127.0.0.1 "cat >'$SSHD_DIR/got1'; echo done" "$SSHD_DIR/blob" \
    "tr a-z A-Z" "$SSHD_DIR/small" 'cat' - >"$out" 2>&1
ok $? "commands with stdin"
cmp -s "$SSHD_DIR/blob" "$SSHD_DIR/got1"
ok $? "300000 bytes of stdin delivered intact"
grep -q '^HELLO$' "$out"
ok $? "stdin of the second command on the session"
grep -q '^ok 3 exit 0$' "$out"
ok $? "a command without stdin gets EOF at once"

# Given key: only a new key is authorized, the configured one is not.
ssh-keygen -q -t ed25519 -N '' -C bbbctl-rotated -f "$SSHD_DIR/new_key"
cp "$SSHD_DIR/new_key.pub" "$SSHD_DIR/authorized_keys"
"$drv" "$conf" 127.0.0.1 'echo in' - >"$out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'public key authentication with' "$out"
ok $? "the configured key is no longer accepted"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" 'echo in-with-new' - \
    >"$out" 2>&1
ok $? "authenticated with the given key"
grep -q '^in-with-new$' "$out"
ok $? "and the command ran"
mv "$SSHD_DIR/new_key.pub" "$SSHD_DIR/new_key.pub.saved"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" 'echo derived' - \
    >"$out" 2>&1
ok $? "the public key derived from the private key (no .pub file)"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" \
    -p "$SSHD_DIR/new_key.pub.saved" 'echo given-pub' - >"$out" 2>&1
ok $? "the public key given by path"

# A wrong key: refused, with a cause that names the key.
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/wrong_key"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/wrong_key" \
    "touch '$SSHD_DIR/ran-wrong'" - >"$out" 2>&1
rc=$?
[ $rc -ne 0 ] &&
    grep -q "public key authentication with $SSHD_DIR/wrong_key failed" "$out"
ok $? "a wrong key is refused with a clear cause"
sed 's/^/#   /' "$out"
[ ! -e "$SSHD_DIR/ran-wrong" ]
ok $? "nothing ran"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/no_such_key" 'true' - >"$out" 2>&1
[ $? -ne 0 ] && grep -q 'cannot read the identity' "$out"
ok $? "a missing identity file is named"

# An unknown host key: refused before anything runs, with its fingerprint.
fp=$(ssh-keygen -lf "$SSHD_DIR/host_key.pub" | awk '{ print $2 }')
: >"$SSHD_DIR/known_empty"
write_conf "$SSHD_DIR/known_empty"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" \
    "touch '$SSHD_DIR/ran-unknown'" - >"$out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'host key not known' "$out" && grep -qF "$fp" "$out"
ok $? "an unknown host key is refused, with its fingerprint"
[ ! -e "$SSHD_DIR/ran-unknown" ]
ok $? "nothing ran"

# A command past its deadline ends the session with a cause.
write_conf "$SSHD_KNOWN"
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" -t 1000 'sleep 30' - \
    'echo after' - >"$out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'no answer within 1 s' "$out"
ok $? "a command over its deadline fails"
sed 's/^/#   /' "$out"
! grep -q '^after$' "$out"
ok $? "and the session takes no further command"

# A cancelled command stops at once, and so does the session.
start=$(date +%s)
"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/new_key" -c 500 'sleep 30' - \
    'echo after' - >"$out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'cancelled' "$out"
ok $? "a cancelled command fails as cancelled"
[ $(( $(date +%s) - start )) -lt 10 ]
ok $? "at once, not after the command's 30 s"
! grep -q '^after$' "$out"
ok $? "and the session takes no further command"

# Cancel while the server takes its time over our key (its
# AuthorizedKeysCommand sleeps): the open ends at once as cancelled, not
# when the server answers or after the 20 s timeout.  sshd runs such a
# command only from a path that root owns and no one else can write
# (not under /tmp), and only for a key that authorized_keys lacks.
akc=$(mktemp -d /run/bbbctl-akc.XXXXXX 2>/dev/null)
sshd_on_exit() {
	if [ -n "$akc" ]; then
		[ -s "$akc/pids" ] && kill $(cat "$akc/pids") 2>/dev/null
		rm -rf "$akc"
	fi
	return 0
}
if [ -n "$akc" ] && chmod 755 "$akc"; then
	printf '#!/bin/sh\necho $$ >>"%s/pids"\nexec sleep 30\n' "$akc" \
	    >"$akc/keys"
	chmod 755 "$akc/keys"
	ssh-keygen -q -t ed25519 -N '' -C bbbctl-held -f "$SSHD_DIR/held_key"
	sshd_stop
	sleep 0.2
	printf 'AuthorizedKeysCommand %s/keys\nAuthorizedKeysCommandUser root\n' \
	    "$akc" >>"$SSHD_DIR/sshd_config"
	sshd_start
	ok $? "sshd restarted with a key look-up that takes 30 s"
	t0=$(date +%s%N)
	"$drv" "$conf" 127.0.0.1 -i "$SSHD_DIR/held_key" -C 1000 'echo in' - \
	    >"$out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	sed 's/^/#   /' "$out"
	[ -s "$akc/pids" ]
	ok $? "the server was looking our key up when we cancelled"
	[ $rc -ne 0 ] && grep -q 'cancelled while authenticating' "$out"
	ok $? "cancel during authentication fails as cancelled"
	[ "$ms" -lt 4000 ]
	ok $? "at once (${ms} ms, cancel at 1000 ms), not when the server answers"
	! grep -q '^in$' "$out"
	ok $? "and nothing ran"
	kill $(cat "$akc/pids") 2>/dev/null
else
	diag "cannot make a directory under /run for AuthorizedKeysCommand"
	ok 1 "a key look-up that takes long can be set up"
fi

done_testing
