#!/bin/sh
# packages.sh: the packages bootstrap.sh installs by default (README's first
# command: build and run) hold no server: no systemd service or socket
# unit, no init script, nothing that would listen or start at boot.  The
# servers the tests need come only with --tests (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"

command -v dpkg-query >/dev/null 2>&1 || skip_all "not a dpkg system"
def=$(sh "$top/bootstrap.sh" --print-packages)
ok $? "bootstrap.sh --print-packages"
all=$(sh "$top/bootstrap.sh" --print-packages --tests)
ok $? "bootstrap.sh --print-packages --tests"
[ -n "$def" ] && [ "$(echo "$all" | wc -l)" -gt "$(echo "$def" | wc -l)" ]
ok $? "--tests adds packages to the default set"

for s in postgresql prometheus openssh-server coturn tmux valgrind clang; do
	echo "$def" | grep -qx "$s"
	[ $? -ne 0 ]; ok $? "$s is not in the default set"
	echo "$all" | grep -qx "$s"; ok $? "$s comes with --tests"
done

# Every default package that is installed here: no unit, no init script.
for p in $def; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*"install ok installed"*) ;;
	*) continue ;;
	esac
	units=$(dpkg -L "$p" 2>/dev/null | grep -E \
	    '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket)$|^/etc/init\.d/.')
	[ -z "$units" ]; ok $? "default package $p starts no service"
	[ -z "$units" ] || diag "$p ships:" $units
done
done_testing
