# tap.sh: TAP helpers for shell tests (sourced).
#
#   plan N; ok COND-EXIT-STATUS "desc"; is GOT WANT "desc"; skip_all "why"
#   wait_for CMD... : retry a command until it succeeds or the deadline
#   (WAIT_DEADLINE seconds, default 20) passes.

tap_n=0
tap_failed=0

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '# %s\n' "$*"; }

ok() {
	local rc=$1; shift
	tap_n=$((tap_n + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
}

is() {
	local got=$1 want=$2; shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		diag "got:  '$got'"
		diag "want: '$want'"
	fi
}

wait_for() {
	local deadline=$(( $(date +%s) + ${WAIT_DEADLINE:-20} ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	return 0
}

done_testing() {
	echo "1..$tap_n"
	return 0
}
