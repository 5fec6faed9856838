#!/bin/sh
# dumpable.sh: bbbctl is not dumpable (PR_SET_DUMPABLE 0): no core file
# through a pipe handler, no ptrace or /proc/PID/mem by the same user.
# The kernel then gives the process's /proc files to root; run as
# another user to see it.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"
[ "$(uname -s)" = Linux ] || skip_all "Linux only"
[ "$(id -u)" = 0 ] || skip_all "not root (the test runs bbbctl as nobody)"
id nobody >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 ||
    skip_all "no nobody user or runuser"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-dump.XXXXXX") || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
chmod 755 "$tmp"
# A source that never answers: status --watch runs until killed.
printf '[consul]\nurl = http://127.0.0.1:9\n' >"$tmp/c.conf"
chmod 644 "$tmp/c.conf"
HOME=$tmp XDG_STATE_HOME=$tmp/state runuser -u nobody -- "$bbbctl" \
    --config "$tmp/c.conf" --log /dev/null --refresh 5 status --watch \
    >/dev/null 2>&1 &
pid=$!
wait_for sh -c "pgrep -u nobody -x bbbctl"
ok $? "bbbctl runs as nobody"
bpid=$(pgrep -u nobody -x bbbctl | head -1)
is "$(stat -c %U "/proc/$bpid/environ" 2>/dev/null)" root \
    "its /proc files are root's: it is not dumpable"
kill "$bpid" 2>/dev/null

done_testing
