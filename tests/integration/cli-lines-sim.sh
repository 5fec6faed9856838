#!/bin/sh
# cli-lines-sim.sh: the exact lines a job prints on the command line
# (against bbbctl-sim): one line per step, none twice.  A step's progress
# is on its own line ("[ 50%] ..."), never a second copy of the line;
# the final update does not repeat the last step.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 5 --speed 4
# The step lines (the audit line names a temporary path).
steps() { grep -v '^bbbctl: audit: ' "$1"; }
# No step printed twice, whatever its percentage.
no_repeat() {
	sed 's/^bbbctl: \[ *[0-9]*%\] /bbbctl: /' "$1" | sort | uniq -d |
	    sed 's/^/# twice: /'
	[ -z "$(sed 's/^bbbctl: \[ *[0-9]*%\] /bbbctl: /' "$1" | sort |
	    uniq -d)" ]
}
curl -s -X POST "$control/poll" >/dev/null

# server cordon
run --yes server cordon bbb-04 >"$tmp/c.out" 2>"$tmp/c.err"
ok $? "server cordon bbb-04"
steps "$tmp/c.err" >"$tmp/c.steps"
sid=$(curl -s "$control/state" |
    jq -r '.nodes[] | select(.name == "bbb-04") | .sl_id // empty')
cat >"$tmp/c.want" <<EOT
bbbctl: starting
bbbctl: taking the cluster lock
bbbctl: finding bbb-04 in scalelite
EOT
head -n 3 "$tmp/c.steps" >"$tmp/c.head"
cmp -s "$tmp/c.head" "$tmp/c.want"
ok $? "cordon: the first lines"
sed 's/^/# /' "$tmp/c.steps"
is "$(sed -n 4p "$tmp/c.steps" | sed 's/(scalelite server .*)/(scalelite server ID)/')" \
    "bbbctl: cordon bbb-04 (scalelite server ID)" "cordon: the step that changes it"
is "$(wc -l <"$tmp/c.steps")" 4 "cordon: four lines, no more"
is "$(cat "$tmp/c.out")" "server cordon bbb-04: done: bbb-04 is cordoned" \
    "cordon: the result on standard output"
run --yes server enable bbb-04 >/dev/null 2>&1

# stack redeploy: one line per service and phase, with its progress.
run --yes stack redeploy --poll 200ms --image bbb=bigbluebutton/bbb:9.9 \
    bbb-01 >"$tmp/r.out" 2>"$tmp/r.err"
ok $? "stack redeploy bbb-01"
steps "$tmp/r.err" >"$tmp/r.steps"
sed 's/^/# /' "$tmp/r.steps"
cat >"$tmp/r.want" <<EOT
bbbctl: starting
bbbctl: taking the cluster lock
bbbctl: finding stack bbb-01 in Rancher
bbbctl: new image for bbb-01/bbb: bigbluebutton/bbb:9.9 (now bigbluebutton/bigbluebutton:v2.7.12)
bbbctl: [  0%] upgrading bbb-01/bbb (1 of 3)
bbbctl: [ 16%] upgrading bbb-01/bbb-exporter (2 of 3)
bbbctl: [ 33%] upgrading bbb-01/lb (3 of 3)
bbbctl: [ 50%] finishing the upgrade of bbb-01/bbb
bbbctl: [ 66%] finishing the upgrade of bbb-01/bbb-exporter
bbbctl: [ 83%] finishing the upgrade of bbb-01/lb
EOT
cmp -s "$tmp/r.steps" "$tmp/r.want"
ok $? "redeploy: exactly these lines"
is "$(cat "$tmp/r.out")" \
    "stack redeploy bbb-01: done: stack bbb-01 redeployed: 3 services upgraded, bbb=bigbluebutton/bbb:9.9" \
    "redeploy: the result on standard output"

# stack restart
run --yes stack restart bbb-02 >"$tmp/s.out" 2>"$tmp/s.err"
ok $? "stack restart bbb-02"
steps "$tmp/s.err" >"$tmp/s.steps"
cat >"$tmp/s.want" <<EOT
bbbctl: starting
bbbctl: taking the cluster lock
bbbctl: finding stack bbb-02 in Rancher
bbbctl: [  0%] restarting bbb-02/bbb (1 of 3)
bbbctl: [ 33%] restarting bbb-02/bbb-exporter (2 of 3)
bbbctl: [ 66%] restarting bbb-02/lb (3 of 3)
EOT
cmp -s "$tmp/s.steps" "$tmp/s.want"
ok $? "restart: exactly these lines"

# server drain: the load steps come once each (the load is the sim's).
"$bbbctl" --config "$conf" --log "$tmp/log" --yes server drain \
    --poll 200ms bbb-05 >"$tmp/d.out" 2>"$tmp/d.err" &
dp=$!
wait_for grep -q 'draining' "$tmp/d.err"
ok $? "drain follows the load"
curl -s -X POST "$control/tick?ms=43200000" >/dev/null
curl -s -X POST "$control/poll" >/dev/null
wait "$dp"
ok $? "drain ends when scalelite disables the server"
# (The 12 h tick also expires the lock's session in the sim: the release
# warns; that line is not a step.)
steps "$tmp/d.err" | grep -v '^bbbctl: lock: ' >"$tmp/d.steps"
sed 's/^/# /' "$tmp/d.steps"
is "$(sed -n 4p "$tmp/d.steps" | sed 's/(scalelite server .*)/(scalelite server ID)/')" \
    "bbbctl: cordon bbb-05 (scalelite server ID)" "drain: cordon first"
is "$(sed -n 5p "$tmp/d.steps")" \
    "bbbctl: [  0%] draining bbb-05: following its load" \
    "drain: then follows the load, at 0%"
[ "$(grep -c 'following its load' "$tmp/d.steps")" -eq 1 ]
ok $? "drain: that line once"
! grep -v '^bbbctl: \[ *[0-9]*%\] draining: load [0-9.]* of [0-9.]*$' "$tmp/d.steps" |
    sed 1,5d | grep -q .
ok $? "drain: then only 'draining: load L of L0' lines, with their progress"
is "$(cat "$tmp/d.out")" "server drain bbb-05: done: bbb-05 drained: disabled by scalelite, no meetings left" \
    "drain: the result on standard output"

for f in c r s d; do
	no_repeat "$tmp/$f.steps"
	ok $? "no line printed twice ($f)"
done

done_testing
