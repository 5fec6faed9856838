#!/bin/sh
# probe-meeting.sh: bbbctl probe meeting against a BBB API and a
# scalelite in front of it (tests/integration/bbb-meeting.py, which
# checks every checksum): through scalelite (the node it landed on
# named from the join redirect), on one node (its secret from
# getServers), a step that fails, a wrong secret, --dry-run and
# --readonly; no secret printed (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
command -v jq >/dev/null 2>&1 || skip_all "no jq"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-meet.XXXXXX") || exit 1
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export HOME="$tmp"
unset BBBCTL_CONFIG
secret=Sl-3b9e0c7d51
nsecret=Node-8a1f2e
conf=$tmp/bbbctl.conf

serve() {	# [FAILCALL]
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -f "$tmp/srv.out"
	python3 "$top/tests/integration/bbb-meeting.py" "$secret" "$nsecret" \
	    "$@" >"$tmp/srv.out" 2>"$tmp/srv.err" &
	spid=$!
	wait_for sh -c "[ -s '$tmp/srv.out' ]"
	port=$(head -1 "$tmp/srv.out")
	printf '[scalelite]\nurl = http://127.0.0.1:%s\nsecret = %s\n' \
	    "$port" "$secret" >"$conf"
	chmod 600 "$conf"
}
serve
ok $? "BBB API and scalelite on 127.0.0.1:$port"

"$bbbctl" --config "$conf" probe meeting --json >"$tmp/m.json" 2>"$tmp/err"
is "$?" 0 "through scalelite: exit 0"
is "$(jq -r '.ok' "$tmp/m.json")" true "every step passed"
is "$(jq -r '[.steps[].step] | join(",")' "$tmp/m.json")" \
    "create,getMeetingInfo,join,join URL,end,gone" "the six steps, in order"
is "$(jq -r '.node' "$tmp/m.json")" bbb-07 "the node it landed on is named"
jq -r '.meeting_id' "$tmp/m.json" | grep -qE '^bbbctl-probe-[0-9a-f]{16}$'
ok $? "a random meeting id that says bbbctl-probe"
is "$(jq -r '[.steps[] | select(.ms >= 0)] | length' "$tmp/m.json")" 6 \
    "each step timed"
is "$(grep -c '^call' "$tmp/srv.out")" 6 \
    "the server saw create, info, join (scalelite + node), end, info"
grep -q 'call node join' "$tmp/srv.out"
ok $? "the join redirect was followed to the node"

"$bbbctl" --config "$conf" probe meeting bbb-07 >"$tmp/n.txt" 2>&1
is "$?" 0 "on node bbb-07 directly: exit 0"
grep -q '^OK: every step passed' "$tmp/n.txt"; ok $? "all steps ok"
is "$(grep -c '^call node' "$tmp/srv.out")" 6 \
    "every call went to the node, signed with its own secret"

"$bbbctl" --config "$conf" probe meeting bbb-99 >/dev/null 2>"$tmp/e"
is "$?" 3 "an unknown node: exit 3"
grep -q 'no server bbb-99 in scalelite' "$tmp/e"; ok $? "and says so"

serve end
"$bbbctl" --config "$conf" probe meeting --json >"$tmp/f.json" 2>/dev/null
is "$?" 2 "end fails: exit 2"
is "$(jq -r '.steps[] | select(.step == "end") | .ok' "$tmp/f.json")" \
    false "the end step failed"
jq -r '.steps[] | select(.step == "end") | .detail' "$tmp/f.json" |
    grep -q 'FAILED internalError'
ok $? "with the answer's messageKey"

serve
printf '[scalelite]\nurl = http://127.0.0.1:%s\nsecret = wrong\n' "$port" \
    >"$conf"
"$bbbctl" --config "$conf" probe meeting >"$tmp/w.txt" 2>&1
is "$?" 2 "wrong secret: exit 2"
grep -q '^create .*FAILED.*checksumError' "$tmp/w.txt"
ok $? "create fails with checksumError"
is "$(grep -c '^call' "$tmp/srv.out")" 1 "nothing else was tried"

printf '[scalelite]\nurl = http://127.0.0.1:%s\nsecret = %s\n' "$port" \
    "$secret" >"$conf"
"$bbbctl" --config "$conf" --dry-run probe meeting >"$tmp/d.txt" 2>&1
is "$?" 0 "--dry-run: exit 0"
is "$(grep -c '^call' "$tmp/srv.out")" 1 "--dry-run: no call made"
"$bbbctl" --config "$conf" --readonly probe meeting >/dev/null 2>"$tmp/r"
is "$?" 1 "--readonly: refused"
cat "$tmp"/*.txt "$tmp"/*.json "$tmp/e" "$tmp/err" | grep -q "$secret\|$nsecret"
ok $(( ! $? )) "no secret printed"

done_testing
