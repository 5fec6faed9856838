#!/bin/sh
# clients-sim.sh: the jobs go through the same clients as the dashboard
# (src/api/): a [rancher] url without /v2-beta (as the example
# configuration gives it) works for stack restart too; a wrong scalelite
# secret or consul token fails in plain words, and no secret reaches the
# output or the log.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 2 --speed 4

# A copy of the config with one key of one section changed.
conf_with() {
	awk -v sec="[$1]" -v key="$2" -v val="$3" '
	    /^\[/ { in_sec = ($0 == sec) }
	    in_sec && $1 == key { print key " = " val; next }
	    { print }' "$tmp/bbbctl.conf" >"$tmp/$4.conf"
	chmod 600 "$tmp/$4.conf"
	echo "$tmp/$4.conf"
}

bare=${rurl%/v2-beta}
[ "$bare" != "$rurl" ]
ok $? "the simulator's Rancher URL ends in /v2-beta ($rurl)"
conf=$(conf_with rancher url "$bare" bare)
run --yes stack restart bbb-01 >"$tmp/rs" 2>"$tmp/rs.err"
ok $? "stack restart with a Rancher URL without /v2-beta"
grep -q 'restarting bbb-01/' "$tmp/rs.err"
ok $? "it restarted the services"
states=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/services" |
    jq -r '[.data[].state] | unique | join(",")')
is "$states" "active" "every service is active again"

conf=$(conf_with scalelite secret wrong-sl-secret badsl)
run --yes server cordon bbb-01 >"$tmp/sl" 2>"$tmp/sl.err"
rc=$?
sed 's/^/# /' "$tmp/sl.err"
[ $rc -ne 0 ] && grep -q "checksumError: the \[scalelite\] secret is not scalelite's LOADBALANCER_SECRET" "$tmp/sl.err"
ok $? "a wrong scalelite secret: checksumError in plain words"
! grep -q "wrong-sl-secret" "$tmp/sl.err" "$tmp/sl" "$tmp/log"
ok $? "the secret is not in the output or the log"

[ -n "$token" ]
ok $? "the simulator's consul has ACLs on (a token)"
conf=$(conf_with consul token wrong-consul-token badtok)
run --yes server cordon bbb-01 >"$tmp/ct" 2>"$tmp/ct.err"
rc=$?
sed 's/^/# /' "$tmp/ct.err"
[ $rc -ne 0 ] && grep -q "HTTP 403: ACL not found (consul does not know the \[consul\] token)" "$tmp/ct.err"
ok $? "a wrong consul token: the lock is refused in plain words"
! grep -q "wrong-consul-token" "$tmp/ct.err" "$tmp/ct" "$tmp/log"
ok $? "the token is not in the output or the log"

done_testing
