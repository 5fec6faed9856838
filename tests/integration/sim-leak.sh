#!/bin/sh
# sim-leak.sh: bbbctl-sim serves 10,000 requests over every system
# (consul reads and writes, sessions, the control endpoint, a fault,
# scalelite, the Prometheus API, per-node metrics, Rancher) and exits on
# SIGTERM with no leak and no memory error: under valgrind in a normal
# build, directly in an --enable-asan build (LeakSanitizer at exit).
# Skipped when neither applies.
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v sha1sum >/dev/null 2>&1 || skip_all "sha1sum not installed"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
if grep -q __asan_init "$sim" 2>/dev/null; then
	how=asan
else
	command -v valgrind >/dev/null 2>&1 || skip_all "valgrind not installed"
	how=valgrind
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
if [ $how = valgrind ]; then
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --log-file="$tmp/vg" \
	    "$sim" --nodes 5 --speed 1 --write-config "$tmp/c.conf" \
	    >"$tmp/out" 2>"$tmp/err" &
	pid=$!
else
	: >"$tmp/vg"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    "$sim" --nodes 5 --speed 1 --write-config "$tmp/c.conf" \
	    >"$tmp/out" 2>"$tmp/vg" &
	pid=$!
fi
WAIT_DEADLINE=60 wait_for grep -q '^ready$' "$tmp/out"
ok $? "bbbctl-sim ready ($how)"

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

conf() { awk -v sec="[$1]" -v k="$2" '$0 == sec { s = 1; next }
    /^\[/ { s = 0 } s && $1 == k { print $3; exit }' "$tmp/c.conf"; }
url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
sum() { printf '%s%s' "$1" "$(conf scalelite secret)" | sha1sum | cut -d' ' -f1; }

# a few curls, one connection each, N requests of mixed kinds over every
# system: consul reads and writes, sessions, control, scalelite, the
# Prometheus API, per-node metrics, Rancher
i=0
for f in reads writes others rancher; do : >"$tmp/$f"; done
while [ $i -lt $((N / 4)) ]; do
	case $((i % 5)) in
	0) echo "url = \"$consul/v1/health/service/bbb?passing\"" ;;
	1) echo "url = \"$consul/v1/catalog/services\"" ;;
	2) echo "url = \"$consul/v1/kv/leak/?recurse\"" ;;
	3) echo "url = \"$consul/v1/status/leader\"" ;;
	4) echo "url = \"$control/state\"" ;;
	esac >>"$tmp/reads"
	case $((i % 4)) in
	0) echo "url = \"$consul/v1/kv/leak/k$((i % 50))\"" ;;
	1) echo "url = \"$consul/v1/kv/lock?acquire=$sid\"" ;;
	2) echo "url = \"$consul/v1/kv/lock?release=$sid\"" ;;
	3) echo "url = \"$consul/v1/session/renew/$sid\"" ;;
	esac >>"$tmp/writes"
	case $((i % 4)) in
	0) echo "url = \"$(url prometheus)/api/v1/query?query=up\"" ;;
	1) echo "url = \"$(url scalelite)/scalelite/api/getServers?checksum=$(sum getServers)\"" ;;
	2) echo "url = \"$(url metrics)/metrics/bbb-0$((i % 5 + 1))/node\"" ;;
	3) echo "url = \"$(url scalelite)/bigbluebutton/api/getMeetings?checksum=$(sum getMeetings)\"" ;;
	esac >>"$tmp/others"
	# Rancher is slow under valgrind: one request in five
	case $((i % 10)) in
	0) echo "url = \"$(url rancher)/v2-beta/projects/1a5/stacks\"" ;;
	5) echo "url = \"$(url rancher)/v2-beta/projects/1a5/hosts\"" ;;
	*) echo "url = \"$consul/v1/kv/leak/k0?token=$token\"" ;;
	esac >>"$tmp/rancher"
	for f in reads writes others rancher; do
		echo 'output = "/dev/null"' >>"$tmp/$f"
	done
	i=$((i + 1))
done
# one after the other: valgrind runs one thread at a time anyway
curl -s -H "X-Consul-Token: $token" -X PUT -d value \
    -K "$tmp/writes" -w '%{http_code}\n' >"$tmp/codes.1"
curl -s -H "X-Consul-Token: $token" -K "$tmp/reads" \
    -w '%{http_code}\n' >"$tmp/codes.2"
curl -s -u "$(conf prometheus user):$(conf prometheus password)" \
    -K "$tmp/others" -w '%{http_code}\n' >"$tmp/codes.3"
curl -s -u "$(conf rancher access_key):$(conf rancher secret_key)" \
    -K "$tmp/rancher" -w '%{http_code}\n' >"$tmp/codes.4"
cat "$tmp"/codes.? >"$tmp/codes"
n=$(wc -l <"$tmp/codes")
is "$n" "$N" "$N requests answered"
bad=$(grep -cv '^200$' "$tmp/codes")
is "$bad" $((N / 20)) "all 200 but the faulted status/leader (503)"
[ "$bad" = $((N / 20)) ] || sort "$tmp/codes" | uniq -c | sed 's/^/# /'

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
is "$rc" 0 "exit status 0 after SIGTERM (non-zero on leaks or errors)"
[ ! -s "$tmp/vg" ]
ok $? "$how reports nothing"
[ -s "$tmp/vg" ] && sed 's/^/# /' "$tmp/vg" | head -60
exit 0
