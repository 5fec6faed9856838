#!/bin/sh
# bootstrap.sh: install what bbbctl needs to build and test (Debian/Ubuntu,
# with apt-get, as root or through sudo), then autoreconf, configure, make.
#
#   ./bootstrap.sh [configure options...]
#   BBBCTL_NO_APT=1 ./bootstrap.sh   skip the package step
set -e
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool pkg-config
libncurses-dev libcurl4-openssl-dev libjansson-dev libpq-dev libssh2-1-dev
libexpat1-dev libinih-dev libmicrohttpd-dev libssl-dev libcmocka-dev
zlib1g-dev
clang libclang-rt-dev
prometheus postgresql postgresql-client openssh-server openssh-client
openssl tmux curl valgrind ncurses-term groff-base jq coturn"

missing=""
if [ -z "$BBBCTL_NO_APT" ] && command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
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
	# The servers are for the tests only: keep the packages' scripts from
	# starting them as services (invoke-rc.d and deb-systemd-invoke ask
	# policy-rc.d; 101 = action forbidden).  An existing policy is kept.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d \
		    >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
		trap 'exit 1' INT TERM HUP
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing
	# coturn's postinst enables its unit even when policy-rc.d keeps it
	# from starting: the tests start their own turnserver on loopback.
	case " $missing " in
	*" coturn "*)
		$SUDO systemctl disable coturn.service >/dev/null 2>&1 ||
		    $SUDO rm -f \
		    /etc/systemd/system/multi-user.target.wants/coturn.service
		;;
	esac
fi

autoreconf -fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
