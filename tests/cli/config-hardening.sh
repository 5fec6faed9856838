#!/bin/sh
# config-hardening.sh: config check against hostile or broken files:
# control characters never reach the terminal (config check, the audit
# listing); a FIFO as the config or as a _file secret is refused at once
# (it used to block in open); a file owned by another user or writable
# by the group is refused, with the hint, and so is one in a directory
# that is (OpenSSH's safe_path); CR-only line endings and a key
# on the section header's line are errors with FILE:LINE (they used to
# pass while every key was dropped); a huge value is refused without
# costing its size in memory.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-hard.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG XDG_CONFIG_HOME
mkdir -p "$HOME"

run() {
	timeout 10 "$bbbctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# No control character but the newline, no C1 in UTF-8.
clean() {
	! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" &&
	    ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"
}

# 5. Control characters: config check prints values cleaned.
c=$tmp/esc.conf
printf '[cluster]\nname = uni\033]0;pwned\007\033[2J\n[consul]\nurl = http://c.example.org:8500/\302\233x\n' >"$c"
chmod 600 "$c"
run config check "$c"
is "$rc" 0 "a config with escapes in values loads"
clean "$tmp/out" && clean "$tmp/err"
ok $? "config check writes no control character"
grep -q 'name = uni?\]0;pwned??\[2J' "$tmp/out"
ok $? "they are shown as '?'"

# ... and the audit listing (a spooled record from a hostile hand).
mkdir -p "$tmp/state/bbbctl"
printf '[cluster]\nname = x\n' >"$tmp/plain.conf"
chmod 600 "$tmp/plain.conf"
run --config "$tmp/plain.conf" audit
# the header names the cluster and its identity: its spool's name
id=$(sed -n 's/^cluster x (\([0-9a-f]*\))$/\1/p' "$tmp/out")
hs=$tmp/state/bbbctl/audit-x-$id.spool
printf '%s\n' '{"uuid":"u1","event":"done\u001b[2J","verb":"server cordon\u0007","target":"bbb-01\u001b]0;pwned\u0007","operator":"al\u001bice","origin":"local\u009b","at_ms":1700000000000,"duration_ms":5,"result":"ok\u001b[31m","host":"h"}' \
    >"$hs"
chmod 600 "$hs"
run --config "$tmp/plain.conf" audit
grep -q 'bbb-01' "$tmp/out"
ok $? "the audit listing shows the record"
clean "$tmp/out"
ok $? "the audit listing writes no control character"

# 7. A FIFO as the config, or as a _file secret: refused, not a hang.
mkfifo "$tmp/fifo.conf"
run config check "$tmp/fifo.conf"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q 'not a regular file' "$tmp/err"
ok $? "a FIFO as the config is refused at once"
mkfifo "$tmp/token.fifo"
printf '[consul]\nurl = http://c:8500\ntoken_file = %s\n' "$tmp/token.fifo" >"$tmp/f.conf"
chmod 600 "$tmp/f.conf"
run config check "$tmp/f.conf"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "f.conf:3: .*token.fifo: not a regular file" "$tmp/err"
ok $? "a FIFO as a _file secret is refused at once, with FILE:LINE"

# 8. Ownership and group write, as OpenSSH checks them.
g=$tmp/g.conf
printf '[cluster]\nname = x\n' >"$g"
chmod 620 "$g"
run config check "$g"
[ "$rc" -ne 0 ] && grep -q "is writable by the group (mode 0620); run: chmod g-w $g" "$tmp/err"
ok $? "a group-writable config is refused, with the chmod hint"
printf 'T0ken-s3cret-value\n' >"$tmp/tok"
chmod 620 "$tmp/tok"
printf '[consul]\nurl = http://c:8500\ntoken_file = %s\n' "$tmp/tok" >"$tmp/t.conf"
chmod 600 "$tmp/t.conf"
run config check "$tmp/t.conf"
[ "$rc" -ne 0 ] && grep -q "t.conf:3: .*is writable by the group" "$tmp/err"
ok $? "a group-writable secret file is refused"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 600 "$g"
	chown nobody "$g"
	run config check "$g"
	[ "$rc" -ne 0 ] && grep -q "is owned by uid $(id -u nobody), neither you (uid 0) nor root; run: chown 0 $g" "$tmp/err"
	ok $? "a config owned by another user is refused, with the chown hint"
	chmod 600 "$tmp/tok"
	chown nobody "$tmp/tok"
	run config check "$tmp/t.conf"
	[ "$rc" -ne 0 ] && grep -q "t.conf:3: .*is owned by uid" "$tmp/err"
	ok $? "a secret file owned by another user is refused"
else
	ok 0 "# SKIP not root: cannot give a file to another user"
	ok 0 "# SKIP not root: cannot give a file to another user"
fi

# 8b. The directories above the file, as OpenSSH's safe_path checks them.
mkdir "$tmp/gw" "$tmp/ow" "$tmp/st" "$tmp/own"
for d in gw ow st own; do
	printf '[cluster]\nname = x\n' >"$tmp/$d/d.conf"
	chmod 600 "$tmp/$d/d.conf"
done
chmod 770 "$tmp/gw"
chmod 707 "$tmp/ow"
chmod 1777 "$tmp/st"
run config check "$tmp/gw/d.conf"
[ "$rc" -ne 0 ] && grep -q "the directory $tmp/gw is writable by the group (mode 0770); run: chmod g-w $tmp/gw" "$tmp/err"
ok $? "a config in a group-writable directory is refused, with the chmod hint"
run config check "$tmp/ow/d.conf"
[ "$rc" -ne 0 ] && grep -q "the directory $tmp/ow is writable by others (mode 0707); run: chmod o-w $tmp/ow" "$tmp/err"
ok $? "a config in a directory others can write is refused"
run config check "$tmp/st/d.conf"
is "$rc" 0 "a sticky directory writable by all (as /tmp) is fine"
printf 'T0ken-s3cret-value\n' >"$tmp/gw/tok"
chmod 600 "$tmp/gw/tok"
printf '[consul]\nurl = http://c:8500\ntoken_file = %s\n' "$tmp/gw/tok" >"$tmp/td.conf"
chmod 600 "$tmp/td.conf"
run config check "$tmp/td.conf"
[ "$rc" -ne 0 ] && grep -q "td.conf:3: .*the directory $tmp/gw is writable by the group" "$tmp/err"
ok $? "a secret file in a group-writable directory is refused, with FILE:LINE"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$tmp/own"
	run config check "$tmp/own/d.conf"
	[ "$rc" -ne 0 ] && grep -q "the directory $tmp/own is owned by uid $(id -u nobody), neither you (uid 0) nor root; run: chown 0 $tmp/own" "$tmp/err"
	ok $? "a config in a directory owned by another user is refused, with the chown hint"
else
	ok 0 "# SKIP not root: cannot give a directory to another user"
fi

# 9. Silent misparses.
printf '[cluster]\rname = x\r[consul]\rurl = http://c:8500\r' >"$tmp/cr.conf"
chmod 600 "$tmp/cr.conf"
run config check "$tmp/cr.conf"
[ "$rc" -ne 0 ] && grep -q "cr.conf:1: .*carriage return" "$tmp/err"
ok $? "CR-only line endings are an error with FILE:LINE"
printf '[cluster]\r\nname = x\r\n' >"$tmp/crlf.conf"
chmod 600 "$tmp/crlf.conf"
run config check "$tmp/crlf.conf"
is "$rc" 0 "CR LF line endings are fine"
printf '[cluster]\nname = x\n[consul] url = http://c:8500\n' >"$tmp/one.conf"
chmod 600 "$tmp/one.conf"
run config check "$tmp/one.conf"
[ "$rc" -ne 0 ] && grep -q "one.conf:3: text after the section header" "$tmp/err"
ok $? "a key on the section header's line is an error with FILE:LINE"
printf '[consul] ; the lock\nurl = http://c:8500\n' >"$tmp/cmt.conf"
chmod 600 "$tmp/cmt.conf"
run config check "$tmp/cmt.conf"
is "$rc" 0 "a comment after the section header is fine"

# 10. A huge value: an error, and memory stays small.
{ printf '[cluster]\nname = '; head -c 50000000 /dev/zero | tr '\0' a; printf '\n[ui]\nrefresh = 5s\n'; } >"$tmp/big.conf"
chmod 600 "$tmp/big.conf"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$tmp/rss" "$bbbctl" config check \
	    "$tmp/big.conf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
else
	"$bbbctl" config check "$tmp/big.conf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo 0 >"$tmp/rss"	# not measured
fi
[ "$rc" -ne 0 ] && grep -q "big.conf:2: line longer than 65536 bytes" "$tmp/err"
ok $? "a 50 MB value is an error with FILE:LINE"
rss=$(tail -1 "$tmp/rss")
diag "peak RSS ${rss} KiB"
[ "$rss" -lt 40000 ]
ok $? "without holding it in memory (peak RSS < 40 MB)"

done_testing
