#!/bin/sh
# reflect-secrets.sh: every system's server reflects the request in its
# error answer (tests/integration/reflect.py).  No secret reaches any
# output, in any form bbbctl sends it in: raw, base64 of user:password
# (Basic), URL-encoded, JSON-escaped.  Checked in status (table and
# --json), job output, the log and the audit spool; the masks are there
# (the reflection did reach the output).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
tmp=${KEEP:-$(mktemp -d)}
rpid=
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export HOME="$tmp" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG

python3 "$top/tests/integration/reflect.py" >"$tmp/port" 2>"$tmp/reflect.err" &
rpid=$!
wait_for test -s "$tmp/port"
ok $? "the reflecting server is up"
u=http://127.0.0.1:$(cat "$tmp/port")

token='c0ffee00-tok/en+1=2'
ppass='p@ss word/+=Prom'
slsecret='5607cf71f2486040462460a13102f270c86deb4ff06a97c5268cff88bf0ddc9b'
ak='AKEYrancher0001'
sk='sw3T7P65Y2ywOfVNU3/yyNQi7x+CZKRGEEQ=BLbPn'
oscred='Fax"IXKAflph\cLRHYOdofZaKL90n7o2PP/N1IMcYGK'
conf=$tmp/bbbctl.conf
cat >"$conf" <<EOC
[cluster]
name = reflect
[consul]
url = $u
token = $token
service = bbb
[prometheus]
url = $u
user = bbbctl
password = $ppass
[scalelite]
url = $u
secret = $slsecret
[rancher]
url = $u/v2-beta
access_key = $ak
secret_key = $sk
project = 1a5
[openstack]
auth_url = $u/v3
application_credential_id = c3d0526748a5af750b2d108d87a9a986
application_credential_secret = $oscred
region = RegionOne
EOC
chmod 600 "$conf"

# Every form of every secret.
forms=$tmp/forms
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
jsonenc() { python3 -c 'import sys, json; print(json.dumps(sys.argv[1])[1:-1])' "$1"; }
for s in "$token" "$ppass" "$slsecret" "$sk" "$oscred"; do
	printf '%s\n' "$s" "$(urlenc "$s")" "$(jsonenc "$s")"
done >"$forms"
printf '%s' "bbbctl:$ppass" | base64 -w0 >>"$forms"; echo >>"$forms"
printf '%s' "$ak:$sk" | base64 -w0 >>"$forms"; echo >>"$forms"
# A part of a secret (a cut reflection) counts too.
for s in "$token" "$ppass" "$slsecret" "$sk"; do
	printf '%s\n' "$(printf '%s' "$s" | cut -c1-12)"
done >>"$forms"

leaks() {
	# The forms found in the files given.
	cat "$@" 2>/dev/null | grep -aoF -f "$forms" | sort -u
}
run() { "$bbbctl" --config "$conf" --log "$tmp/log" "$@"; }

run status --timeout 5s >"$tmp/status" 2>&1
run status --json --timeout 5s >"$tmp/status.json" 2>&1
grep -q 'HTTP 500' "$tmp/status" "$tmp/status.json"
ok $? "status shows the servers' errors"
is "$(leaks "$tmp/status")" "" "no secret in status"
is "$(leaks "$tmp/status.json")" "" "no secret in status --json"
grep -q '\*\*\*\*\*\*\*\*' "$tmp/status.json"
ok $? "the reflected secrets are masked there"

# The jobs take the cluster lock in a consul that does not reflect (the
# sim's); scalelite and Rancher reflect.
sim=$build/bbbctl-sim
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
"$sim" --nodes 2 --write-config "$tmp/sim.conf" >"$tmp/sim.out" 2>&1 &
spid=$!
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null; kill "$spid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
wait_for grep -q '^ready$' "$tmp/sim.out"
ok $? "bbbctl-sim is ready (for the lock)"
simconsul=$(awk -F' = ' '/^\[consul\]/ { c = 1 } c && $1 == "url" { print $2; exit }' "$tmp/sim.conf")
simtoken=$(awk -F' = ' '$1 == "token" { print $2 }' "$tmp/sim.conf")
awk -v u="$simconsul" -v t="$simtoken" '
	/^\[/ { sec = $0 }
	sec == "[consul]" && $1 == "url" { print "url = " u; next }
	sec == "[consul]" && $1 == "token" { print "token = " t; next }
	{ print }' "$conf" >"$tmp/jobs.conf"
chmod 600 "$tmp/jobs.conf"
conf=$tmp/jobs.conf

run --yes server cordon bbb-01 >"$tmp/cordon" 2>&1
grep -q 'scalelite' "$tmp/cordon"
ok $? "a scalelite job fails with the server's error"
is "$(leaks "$tmp/cordon")" "" "no secret in the scalelite job's output"
run --yes stack restart bbb-01 >"$tmp/restart" 2>&1
grep -q 'rancher' "$tmp/restart"
ok $? "a Rancher job fails with the server's error"
is "$(leaks "$tmp/restart")" "" "no secret in the Rancher job's output"
grep -q '\*\*\*\*\*\*\*\*' "$tmp/restart"
ok $? "the Rancher credential it reflected is masked"

is "$(leaks "$tmp/log")" "" "no secret in the log"
[ -s "$tmp"/state/bbbctl/audit-*.spool ]
ok $? "the jobs' records are in the audit spool"
is "$(leaks "$tmp"/state/bbbctl/audit-*.spool)" "" "no secret in the audit spool"

done_testing
