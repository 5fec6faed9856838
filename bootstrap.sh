#!/bin/sh
# bootstrap.sh: install what bbbctl needs to build and run (Debian/Ubuntu,
# with apt-get, as root or through sudo), then autoreconf, configure, make.
#
#   ./bootstrap.sh [configure options...]
#	the build and run dependencies only: libraries, compiler, autotools
#	and the client tools bbbctl runs (pg_dump, ssh-keygen).  No server,
#	no service, nothing listening.
#   ./bootstrap.sh --tests [configure options...]
#	also the test tools and the servers the tests start on loopback
#	(PostgreSQL, Prometheus, sshd, coturn, tmux, clang, valgrind ...).
#	Their packages' scripts are kept from starting them, and the
#	services they would enable at boot are disabled: the tests start
#	their own throw-away instances.
#   ./bootstrap.sh --print-packages [--tests]
#	print the package list and stop.
#   BBBCTL_NO_APT=1 ./bootstrap.sh   skip the package step
set -e
cd "$(dirname "$0")"

# To build and to run.
PKGS="build-essential autoconf automake libtool pkg-config
libncurses-dev libcurl4-openssl-dev libjansson-dev libpq-dev libssh2-1-dev
libexpat1-dev libinih-dev libmicrohttpd-dev libssl-dev zlib1g-dev
libyaml-dev
postgresql-client openssh-client ncurses-term"

# Test tools and the servers the tests start themselves.  Servers among
# them (their units are disabled after the install):
TEST_SERVERS="postgresql prometheus openssh-server coturn"
TEST_PKGS="libcmocka-dev clang libclang-rt-dev
$TEST_SERVERS
openssl tmux curl valgrind groff-base jq iproute2 procps
debhelper dpkg-dev fakeroot lintian"
# The real clients the conformance tests (tests/conformance) run against
# bbbctl-sim.  The npm BBB API clients are no Debian packages: "make
# conformance-clients" puts them into the build tree.
CONFORMANCE_PKGS="python3-consul python3-keystoneauth1 python3-novaclient
python3-openstacksdk python3-openstackclient nodejs npm"
TEST_PKGS="$TEST_PKGS $CONFORMANCE_PKGS"

tests=no
print=no
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) tests=yes ;;
	--print-packages) print=yes ;;
	*) break ;;
	esac
	shift
done
want=$PKGS
[ "$tests" = yes ] && want="$PKGS $TEST_PKGS"
if [ "$print" = yes ]; then
	for p in $want; do echo "$p"; done
	exit 0
fi

missing=""
if [ -z "$BBBCTL_NO_APT" ] && command -v dpkg-query >/dev/null 2>&1; then
	for p in $want; do
		# a node.js from elsewhere brings its own npm
		if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
			continue
		fi
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$st" in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
		esac
	done
fi
if [ -n "$missing" ]; then
	echo "bootstrap: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "bootstrap: need root or sudo to install:$missing" >&2
		exit 1
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# Keep the packages' scripts from starting any server they bring
	# (invoke-rc.d and deb-systemd-invoke ask policy-rc.d; 101 = action
	# forbidden).  An existing policy is kept.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d \
		    >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
		trap 'exit 1' INT TERM HUP
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing
	# A server installed here only for the tests must not start at the
	# next boot either: disable (and stop, should one run) every unit
	# of its package.  A server that was already installed is left as
	# the machine's owner set it up.
	for p in $TEST_SERVERS; do
		case " $missing " in *" $p "*) ;; *) continue ;; esac
		units=$(dpkg -L "$p" 2>/dev/null |
		    sed -n 's|^/\(usr/\)\{0,1\}lib/systemd/system/\([^/@]*\.\(service\|socket\|timer\)\)$|\2|p')
		for u in $units; do
			if command -v systemctl >/dev/null 2>&1; then
				$SUDO systemctl disable --now "$u" \
				    >/dev/null 2>&1 || true
			fi
			if command -v deb-systemd-helper >/dev/null 2>&1; then
				$SUDO deb-systemd-helper disable "$u" \
				    >/dev/null 2>&1 || true
			fi
		done
		[ -n "$units" ] &&
		    echo "bootstrap: $p is for the tests: disabled" $units
	done
fi

autoreconf -fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
