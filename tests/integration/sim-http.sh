#!/bin/sh
# sim-http.sh: bbbctl-sim over real HTTP: --write-config, consul answers,
# every fault kind, the control endpoint, body cap, gzip, SIGTERM.
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"

tmp=$(mktemp -d)
pid=
hangpid=
cleanup() {
	[ -n "$hangpid" ] && kill "$hangpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$sim" --nodes 6 --speed 0 --write-config "$tmp/bbbctl.conf" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for grep -q '^ready$' "$tmp/out"
ok $? "bbbctl-sim prints ready"

url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
consul=$(url consul)
control=$(url control)
for s in consul prometheus scalelite rancher openstack metrics control; do
	case "$(url $s)" in
	http://127.0.0.1:[0-9]*) ok 0 "line for $s" ;;
	*) ok 1 "line for $s" ;;
	esac
done

# the config: 0600, pointing at the sim, with its secrets
mode=$(stat -c %a "$tmp/bbbctl.conf")
is "$mode" 600 "config file mode 0600"
grep -q "^url = $consul\$" "$tmp/bbbctl.conf"
ok $? "config names the consul URL"
token=$(awk '/^\[consul\]/ { s = 1 } s && $1 == "token" { print $3; exit }' \
    "$tmp/bbbctl.conf")
[ -n "$token" ]
ok $? "config holds the consul token"
grep -q '^project = 1a5$' "$tmp/bbbctl.conf"
ok $? "config names Rancher project 1a5"
for k in secret access_key secret_key application_credential_secret \
    password; do
	grep -q "^$k = ..*" "$tmp/bbbctl.conf"
	ok $? "config has $k"
done

c() { curl -s -H "X-Consul-Token: $token" "$@"; }
code() { curl -s -o /dev/null -w '%{http_code}' -H "X-Consul-Token: $token" "$@"; }

# consul
c -D "$tmp/h" -o "$tmp/b" "$consul/v1/health/service/bbb"
n=$(grep -o '"CheckID":"serfHealth"' "$tmp/b" | wc -l)
is "$n" 6 "health/service/bbb lists the 6 nodes"
grep -qi '^X-Consul-Index: [0-9][0-9]*' "$tmp/h"
ok $? "X-Consul-Index header"
grep -qi '^Content-Type: application/json' "$tmp/h"
ok $? "JSON content type"
body=$(curl -s -X PUT --data-binary v "$consul/v1/kv/x")
is "$body" "Permission denied" "write without a token: Permission denied"
is "$(code -X PUT --data-binary v "$consul/v1/kv/x")" 200 "KV put with token"
is "$(c "$consul/v1/kv/x?raw")" v "KV raw read"
is "$(code -X POST "$consul/v1/health/service/bbb")" 405 "wrong method 405"

# request body cap
head -c 2000000 /dev/zero | tr '\0' a >"$tmp/big"
is "$(code -X PUT --data-binary @"$tmp/big" "$consul/v1/kv/big")" 413 \
    "2 MB body: 413"

# gzip when asked for
c -H 'Accept-Encoding: gzip' -D "$tmp/h" -o /dev/null \
    "$consul/v1/health/service/bbb"
grep -qi '^Content-Encoding: gzip' "$tmp/h"
ok $? "gzip for Accept-Encoding: gzip"

# control endpoint
is "$(code "$control/state")" 200 "GET /state"
curl -s "$control/state" | grep -q '"name":"bbb-01"'
ok $? "state names bbb-01"
is "$(code -X POST "$control/nodes/bbb-02/consul-fail")" 200 "consul-fail"
n=$(c "$consul/v1/health/service/bbb?passing" | grep -o '"CheckID":"serfHealth"' | wc -l)
is "$n" 5 "?passing leaves out the failed node"
is "$(code -X POST "$control/nodes/bbb-03/consul-deregister")" 200 \
    "consul-deregister"
n=$(c "$consul/v1/catalog/service/bbb" | grep -o '"ServiceName":"bbb"' | wc -l)
is "$n" 5 "a deregistered node leaves the catalog"
code -X POST "$control/nodes/bbb-03/consul-register" >/dev/null
is "$(code -X POST "$control/nodes/bbb-99/down")" 404 "unknown node 404"
is "$(code -X POST "$control/tick?ms=60000")" 200 "tick"
is "$(code -X POST "$control/tick?ms=x")" 400 "bad tick 400"

# faults
addf() { curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "$1" \
    "$control/faults"; }
is "$(addf consul:/v1/catalog:status:500)" 201 "add status fault"
is "$(addf 'bogus:/x:hang')" 400 "bad fault spec 400"
is "$(code "$consul/v1/catalog/services")" 500 "status fault answers 500"
addf consul:/v1/health/state:hang >/dev/null
c --max-time 1 -o /dev/null "$consul/v1/health/state/any"
is $? 28 "hang: the client's timeout fires"
addf consul:/v1/kv/trunc:truncated >/dev/null
code -X PUT --data-binary 'some value long enough to be cut in half, at least sixty-four bytes' "$consul/v1/kv/trunc" >/dev/null
c -o /dev/null "$consul/v1/kv/trunc"
is $? 18 "truncated: curl sees a partial body"
addf consul:/v1/kv/reset:reset >/dev/null
c -o /dev/null "$consul/v1/kv/reset"
is $? 52 "reset: empty reply"
addf consul:/v1/kv/huge:huge:5000000 >/dev/null
is "$(c -o /dev/null -w '%{size_download}' "$consul/v1/kv/huge")" 5000000 \
    "huge: 5000000 bytes"
addf consul:/v1/kv/mal:malformed >/dev/null
code -X PUT --data-binary v "$consul/v1/kv/mal" >/dev/null
b=$(c "$consul/v1/kv/mal")
case "$b" in
'[{'*'}]') ok 1 "malformed body is broken JSON" ;;
'') ok 1 "malformed body is broken JSON" ;;
*) ok 0 "malformed body is broken JSON" ;;
esac
addf consul:/v1/status:latency:600 >/dev/null
t=$(c -o /dev/null -w '%{time_total}' "$consul/v1/status/leader")
awk -v t="$t" 'BEGIN { exit !(t >= 0.6) }'
ok $? "latency: answer after 600 ms ($t s)"
curl -s "$control/faults" | grep -q '"kind":"hang"'
ok $? "GET /faults lists them"
is "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$control/faults")" 200 \
    "DELETE /faults"
is "$(code "$consul/v1/catalog/services")" 200 "faults cleared"

# SIGTERM with a hanging connection open: clean exit 0
addf consul:/v1/health/state:hang >/dev/null
c -o /dev/null "$consul/v1/health/state/any" &
hangpid=$!
sleep 0.3
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$pid"
is $? 0 "SIGTERM: exit status 0"
pid=
wait "$hangpid" 2>/dev/null
hangpid=

done_testing
