#!/bin/sh
# demo-errors.sh: `bbbctl --demo` when the simulator cannot run or dies
# before it is ready: a clear message, exit 1, nothing left behind.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
[ -x "$build/bbbctl" ] || skip_all "no $build/bbbctl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-demo-err.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/cfg"
# A copy of bbbctl with no simulator beside it.
mkdir "$tmp/bin" "$tmp/t"
cp "$build/bbbctl" "$tmp/bin/bbbctl"

run() {
	out=$(TMPDIR="$tmp/t" PATH="$tmp/bin:/usr/bin:/bin" \
	    "$tmp/bin/bbbctl" --demo --log "$tmp/log" 2>&1 </dev/null)
	rc=$?
}

BBBCTL_SIM="$tmp/bin/no-such-sim" run
is "$rc" 1 "no simulator: exit 1"
echo "$out" | grep -q "bbbctl: --demo: bbbctl-sim exited before it was ready"
ok $? "no simulator: says so"
echo "$out" | grep -q "cannot run"; ok $? "no simulator: says why"
[ -z "$(ls -A "$tmp/t")" ]; ok $? "no simulator: no temp dir left"

cat >"$tmp/bin/dying-sim" <<'EOT'
#!/bin/sh
echo "bbbctl-sim: cannot bind 127.0.0.1: address in use" >&2
exit 1
EOT
chmod +x "$tmp/bin/dying-sim"
BBBCTL_SIM="$tmp/bin/dying-sim" run
is "$rc" 1 "a simulator that fails: exit 1"
echo "$out" | grep -q "address in use"; ok $? "... and its own message is shown"
[ -z "$(ls -A "$tmp/t")" ]; ok $? "... no temp dir left"

done_testing
