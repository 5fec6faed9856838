# lib.sh: the conformance tests' set-up (sourced after tap.sh and sim.sh):
# real clients, which nobody on this project wrote, against bbbctl-sim.
#
#   conf_python MOD...  set $py to a python3 that imports every module
#                       (Debian's packages are for /usr/bin/python3, which
#                       a python3 earlier in PATH may not be); false if none
#   conf_node MOD...    set $node and NODE_PATH (the npm clients are
#                       installed into the build tree by "make
#                       conformance-clients"); false if they are not there
#   conf_missing WHAT   a client is missing: the file is skipped on a
#                       developer's machine, but fails in CI (CI=true)
#   conf_run CMD...     run a client script that prints "ok - ..." and
#                       "not ok - ..." lines; they become this file's TAP

conf_dir="${top_srcdir:-.}/tests/conformance"
# no __pycache__ in the source tree (read-only in distcheck)
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

conf_python() {
	local p m
	for p in ${PYTHON:-python3} /usr/bin/python3; do
		command -v "$p" >/dev/null 2>&1 || continue
		for m in "$@"; do
			"$p" -c "import $m" >/dev/null 2>&1 || continue 2
		done
		py=$p
		return 0
	done
	return 1
}

conf_node() {
	local m
	node=${NODE:-node}
	command -v "$node" >/dev/null 2>&1 || return 1
	NODE_PATH="${top_builddir:-.}/tests/conformance/node_modules"
	export NODE_PATH
	for m in "$@"; do
		"$node" -e "require('$m')" >/dev/null 2>&1 || return 1
	done
	return 0
}

conf_missing() {
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - $* is installed (CI=true: a conformance client" \
		    "must not be missing)"
		exit 1
	fi
	skip_all "$* not installed"
}

conf_run() {
	local line rc n0=$tap_n bad0=$tap_failed
	"$@" >"$tmp/conf.out" 2>"$tmp/conf.err"
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok 0 "${line#ok - }" ;;
		"not ok - "*) ok 1 "${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tmp/conf.out"
	if [ "$rc" -ne 0 ] && [ "$tap_failed" -eq "$bad0" ]; then
		ok 1 "$(basename "$2") exited with status $rc"
		sed 's/^/# /' "$tmp/conf.err" | tail -n 20
	fi
	[ "$tap_n" -gt "$n0" ]
	ok $? "$(basename "$2") ran its checks"
}
