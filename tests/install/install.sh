#!/bin/sh
# install.sh: `make install` with DESTDIR and a prefix puts every file where
# it belongs (the program, the simulator in libexec, the manuals, the
# example configuration, the shell completion), the installed bbbctl finds
# the installed simulator (--version, and --demo in a terminal), the
# installed simulator serves a fleet the installed bbbctl reads, and
# `make uninstall` takes every file away again (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
[ -f "$build/Makefile" ] || skip_all "no $build/Makefile"
make=${MAKE:-make}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-install.XXXXXX") || exit 1
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
	ui_tmux kill-server >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state" \
    XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
unset BBBCTL_CONFIG BBBCTL_SIM NO_COLOR
mkdir -p "$HOME"

d=$tmp/dest
p=/opt/bbbctl-test
$make -s -C "$build" install DESTDIR="$d" prefix="$p" >"$tmp/install.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/install.out"
ok $rc "make install DESTDIR=... prefix=$p"

for f in bin/bbbctl libexec/bbbctl/bbbctl-sim share/man/man1/bbbctl.1 \
    share/man/man1/bbbctl-sim.1 share/doc/bbbctl/bbbctl.conf.example \
    share/bash-completion/completions/bbbctl \
    share/zsh/vendor-completions/_bbbctl \
    share/bbbctl/stacks/bbb-node/docker-compose.yml \
    share/bbbctl/stacks/bbb-node/rancher-compose.yml \
    share/bbbctl/cloud-init/bbb-node.yaml; do
	[ -f "$d$p/$f" ]; ok $? "installed: $f"
done
# the infrastructure stacks bbbctl setup plans (two files each)
for s in postgres consul bbb-scalelite bbb-greenlight metrics coturn \
    ssh-keys; do
	[ -f "$d$p/share/bbbctl/stacks/$s/docker-compose.yml" ] &&
	    [ -f "$d$p/share/bbbctl/stacks/$s/rancher-compose.yml" ]
	ok $? "installed: share/bbbctl/stacks/$s/"
done
[ -x "$d$p/bin/bbbctl" ] && [ -x "$d$p/libexec/bbbctl/bbbctl-sim" ]
ok $? "the programs are executable"
[ ! -e "$d$p/bin/bbbctl-sim" ]; ok $? "the simulator is not on the user's PATH"
n=$(find "$d" -type f | wc -l)
is "$n" 24 "nothing else is installed"

# The installed program, run from a directory without a build tree.
ver=$(cd / && "$d$p/bin/bbbctl" --version)
ok $? "installed bbbctl --version"
echo "$ver" | grep -q "^built with curl [0-9].*ncursesw [0-9].*libssh2 [0-9].*libpq [0-9].*jansson [0-9]"
ok $? "--version names the libraries it was built against"
echo "$ver" | grep -qF "simulator: $(realpath "$d$p/libexec/bbbctl/bbbctl-sim") (--demo available)"
rc=$?
[ $rc -eq 0 ] || diag "$ver"
ok $rc "--version names the installed simulator"

# The installed simulator serves, the installed bbbctl reads it.
"$d$p/libexec/bbbctl/bbbctl-sim" --listen 127.0.0.1 --nodes 6 \
    --profile clean --write-config "$tmp/sim.conf" >"$tmp/sim.out" \
    2>"$tmp/sim.err" &
sim_pid=$!
wait_for grep -qx ready "$tmp/sim.out"
ok $? "the installed simulator starts"
"$d$p/bin/bbbctl" --config "$tmp/sim.conf" status >"$tmp/status.out" 2>&1
rc=$?
[ "$rc" -le 2 ] && grep -q "bbb-01" "$tmp/status.out"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$tmp/status.out"
ok $r "installed bbbctl status against it (exit $rc)"
kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; sim_pid=

# --demo from the installed paths, in a terminal.
if command -v tmux >/dev/null 2>&1; then
	ui_tmux new-session -d -x 120 -y 30 -s t \
	    "cd / && env LANG=C.UTF-8 '$d$p/bin/bbbctl' --demo"
	WAIT_DEADLINE=30 wait_for_text "bbb-01"
	ok $? "installed bbbctl --demo shows the simulated fleet"
	ui_keys q
	ui_tmux kill-server >/dev/null 2>&1
else
	ok 0 "# SKIP tmux is not installed"
fi

$make -s -C "$build" uninstall DESTDIR="$d" prefix="$p" >"$tmp/un.out" 2>&1
ok $? "make uninstall"
n=$(find "$d" -type f | wc -l)
is "$n" 0 "make uninstall leaves no file"
done_testing
