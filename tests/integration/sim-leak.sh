#!/bin/sh
# sim-leak.sh: bbbctl-sim under valgrind serves 10,000 requests (consul
# reads and writes, sessions, the control endpoint, faults) and exits on
# SIGTERM with no leak and no memory error.  Skipped without valgrind.
# The ASan build covers the same through LeakSanitizer at exit (run
# sim-http.sh with an --enable-asan build).
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind not installed"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
# an ASan binary cannot run under valgrind
if grep -q __asan_init "$sim" 2>/dev/null; then
	skip_all "ASan build (LeakSanitizer covers it)"
fi
N=${SIM_LEAK_REQUESTS:-10000}

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

plan 6
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$tmp/vg" \
    "$sim" --nodes 5 --speed 60 --write-config "$tmp/c.conf" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
WAIT_DEADLINE=60 wait_for grep -q '^ready$' "$tmp/out"
ok $? "bbbctl-sim ready under valgrind"

consul=$(awk '$1 == "consul" { print $2 }' "$tmp/out")
control=$(awk '$1 == "control" { print $2 }' "$tmp/out")
token=$(awk '/^\[consul\]/ { s = 1 } s && $1 == "token" { print $3; exit }' \
    "$tmp/c.conf")
sid=$(curl -s -X PUT -H "X-Consul-Token: $token" -d '{"TTL":"3600s"}' \
    "$consul/v1/session/create" | sed 's/.*"ID":"\([^"]*\)".*/\1/')
[ -n "$sid" ]
ok $? "session created"
curl -s -o /dev/null -X POST --data-binary consul:/v1/status:status:503 \
    "$control/faults"

# one curl, one connection, N requests of mixed kinds
i=0
: >"$tmp/reads"
: >"$tmp/writes"
while [ $i -lt $((N / 2)) ]; do
	case $((i % 5)) in
	0) echo "url = \"$consul/v1/health/service/bbb?passing\"" ;;
	1) echo "url = \"$consul/v1/catalog/services\"" ;;
	2) echo "url = \"$consul/v1/kv/leak/?recurse\"" ;;
	3) echo "url = \"$consul/v1/status/leader\"" ;;
	4) echo "url = \"$control/state\"" ;;
	esac >>"$tmp/reads"
	echo 'output = "/dev/null"' >>"$tmp/reads"
	case $((i % 4)) in
	0) echo "url = \"$consul/v1/kv/leak/k$((i % 50))\"" ;;
	1) echo "url = \"$consul/v1/kv/lock?acquire=$sid\"" ;;
	2) echo "url = \"$consul/v1/kv/lock?release=$sid\"" ;;
	3) echo "url = \"$consul/v1/session/renew/$sid\"" ;;
	esac >>"$tmp/writes"
	echo 'output = "/dev/null"' >>"$tmp/writes"
	i=$((i + 1))
done
curl -s -H "X-Consul-Token: $token" -X PUT -d value \
    -K "$tmp/writes" -w '%{http_code}\n' >"$tmp/codes2"
curl -s -H "X-Consul-Token: $token" -K "$tmp/reads" \
    -w '%{http_code}\n' >"$tmp/codes1"
n=$(cat "$tmp/codes1" "$tmp/codes2" | wc -l)
is "$n" "$N" "$N requests answered"
bad=$(cat "$tmp/codes1" "$tmp/codes2" | grep -cv '^200$')
is "$bad" 1000 "all 200 but the 1000 faulted status/leader (503)"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
is "$rc" 0 "exit status 0 after SIGTERM (valgrind: 99 on leaks or errors)"
[ ! -s "$tmp/vg" ]
ok $? "valgrind reports nothing"
[ -s "$tmp/vg" ] && sed 's/^/# /' "$tmp/vg" | head -60
exit 0
