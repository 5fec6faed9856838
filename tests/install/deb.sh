#!/bin/sh
# deb.sh: the Debian package.  From a copy of the distributed sources
# (make distdir), dpkg-buildpackage -us -uc -b builds it, lintian finds no
# error in it, it installs with its computed dependencies, the installed
# bbbctl names its version and finds its simulator, reads a fleet the
# installed simulator serves, shows --demo in a terminal, and the package
# purges without leaving a file behind (TAP).  Needs root and dpkg; run by
# .ci/run, not by make check (it builds everything once more).
#
#   tests/install/deb.sh BUILDDIR     (a configured tree: make distdir)
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (installs the package)"
command -v dpkg-buildpackage >/dev/null 2>&1 || skip_all "no dpkg-buildpackage"
command -v lintian >/dev/null 2>&1 || skip_all "no lintian"
if dpkg-query -W -f='${Status}' bbbctl 2>/dev/null | grep -q "ok installed"
then
	skip_all "a bbbctl package is installed here already"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-deb.XXXXXX") || exit 1
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
	ui_tmux kill-server >/dev/null 2>&1
	dpkg-query -W -f='${Status}' bbbctl 2>/dev/null |
	    grep -q "ok installed" && apt-get purge -y -qq bbbctl >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state" \
    XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
export DEBIAN_FRONTEND=noninteractive
unset BBBCTL_CONFIG BBBCTL_SIM NO_COLOR
mkdir -p "$HOME"

mkdir -p "$tmp/src"
make -s -C "$build" distdir distdir="$tmp/src/bbbctl" >"$tmp/distdir.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/distdir.out"
ok $rc "make distdir"
(cd "$tmp/src/bbbctl" && DEB_BUILD_OPTIONS=nocheck \
    dpkg-buildpackage -us -uc -b) >"$tmp/build.out" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 40 "$tmp/build.out" | sed 's/^/# /'
ok $rc "dpkg-buildpackage -us -uc -b"
deb=$(ls "$tmp"/src/bbbctl_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ]; ok $? "a .deb was built: ${deb##*/}"
[ -n "$deb" ] || { done_testing; exit 1; }

lintian --fail-on error "$tmp"/src/bbbctl_*.changes >"$tmp/lintian.out" 2>&1
rc=$?
sed 's/^/# lintian: /' "$tmp/lintian.out" | grep -v "root privileges"
ok $rc "lintian: no error"
dep=$(dpkg-deb -f "$deb" Depends)
echo "$dep" | grep -q "libcurl" && echo "$dep" | grep -q "libssh2" &&
    echo "$dep" | grep -q "libpq"
ok $? "the dependencies are computed (shlibs): $dep"

apt-get install -y -qq "$deb" >"$tmp/install.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/install.out"
ok $rc "the package installs"
[ $rc -eq 0 ] || { done_testing; exit 1; }
ver=$(cd / && /usr/bin/bbbctl --version)
ok $? "bbbctl --version"
echo "$ver" | grep -qx "simulator: /usr/libexec/bbbctl/bbbctl-sim (--demo available)"
ok $? "it finds the packaged simulator"
[ -f /usr/share/bash-completion/completions/bbbctl ]
ok $? "bash completion installed"
man -w bbbctl >/dev/null 2>&1 || [ -f /usr/share/man/man1/bbbctl.1.gz ]
ok $? "the manual installed"

/usr/libexec/bbbctl/bbbctl-sim --listen 127.0.0.1 --nodes 4 --profile clean \
    --write-config "$tmp/sim.conf" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_for grep -qx ready "$tmp/sim.out"
ok $? "the packaged simulator starts"
(cd / && /usr/bin/bbbctl --config "$tmp/sim.conf" status) >"$tmp/st.out" 2>&1
rc=$?
[ $rc -le 2 ] && grep -q bbb-01 "$tmp/st.out"
ok $? "the packaged bbbctl reads its fleet (status exit $rc)"
kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; sim_pid=
if command -v tmux >/dev/null 2>&1; then
	ui_tmux new-session -d -x 120 -y 30 -s t \
	    "cd / && env LANG=C.UTF-8 /usr/bin/bbbctl --demo"
	WAIT_DEADLINE=30 wait_for_text "bbb-01"
	ok $? "bbbctl --demo from the package"
	ui_keys q
	ui_tmux kill-server >/dev/null 2>&1
fi

apt-get purge -y -qq bbbctl >"$tmp/purge.out" 2>&1
ok $? "the package purges"
[ ! -e /usr/bin/bbbctl ] && [ ! -e /usr/libexec/bbbctl ] &&
    [ ! -e /usr/share/doc/bbbctl ]
ok $? "nothing of it is left"
done_testing
