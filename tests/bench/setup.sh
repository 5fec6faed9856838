#!/bin/sh
# setup.sh: bbbctl setup --answers against bbbctl-sim --profile empty with
# the VMs' boot delay at 0: the full bootstrap (5 stacks created and
# waited for, 3 BBB nodes by scale out, the probes, the test meeting),
# then setup --undo.
# Prints bbbctl's own CPU (user+sys ms, from /usr/bin/time), its peak RSS
# and the wall time of each; most of the wall time is waiting for the
# sim's simulated processes.  Asserts nothing about timings.
top_srcdir=$(cd "${top_srcdir:-.}" && pwd)
top_builddir=${top_builddir:-.}
sim="$top_builddir/bbbctl-sim"
bbbctl="$top_builddir/bbbctl"

[ -x /usr/bin/time ] || { echo "setup: no /usr/bin/time, skipped"; exit 0; }
${MAKE:-make} -s -C "$top_builddir" bbbctl bbbctl-sim >/dev/null || exit 1

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
export BBBCTL_STACKS_DIR="$top_srcdir/data/stacks"
unset BBBCTL_CONFIG

"$sim" --profile empty --poll-interval 1 --boot-delay 0 --speed 10 \
    --write-config "$tmp/sim.conf" >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -qx ready "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "setup: the sim did not start"; exit 1; }
	sleep 0.1
done
key() {
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$tmp/sim.conf"
}
cat >"$tmp/answers.ini" <<EOT
[cluster]
name = bench
domain = localhost
nodes = 3
turn = none
[openstack]
auth_url = $(key openstack auth_url)
application_credential_id = $(key openstack application_credential_id)
application_credential_secret = $(key openstack application_credential_secret)
flavor = m1.xlarge
image = ubuntu-20.04-bbb
networks = bbb-net
[rancher]
url = $(key rancher url)
access_key = $(key rancher access_key)
secret_key = $(key rancher secret_key)
project = 1a5
[consul]
mode = create
[prometheus]
mode = create
[scalelite]
mode = create
[postgres]
mode = create
[backup]
dir = $tmp/backups
EOT
chmod 600 "$tmp/answers.ini"
conf=$tmp/config/bbbctl/bbbctl.conf

# timed LABEL ARGS...: one bbbctl run; prints wall and CPU ms.
timed() {
	label=$1
	shift
	t0=$(date +%s%3N)
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$bbbctl" \
	    --config "$conf" --log "$tmp/log" "$@" </dev/null \
	    >"$tmp/run.out" 2>"$tmp/run.err"
	rc=$?
	t1=$(date +%s%3N)
	set -- $(tail -1 "$tmp/time")
	cpu=$(echo "$1 $2" | awk '{ printf "%d", ($1 + $2) * 1000 }')
	printf 'setup %-34s rc %d  wall %6d ms  cpu %5d ms  rss %6d KiB\n' \
	    "$label" "$rc" $((t1 - t0)) "$cpu" "$3"
	[ "$rc" -ne 0 ] && sed 's/^/  /' "$tmp/run.err" | tail -3
}

timed "bootstrap: 5 stacks, 3 nodes, probes, test meeting" setup --answers "$tmp/answers.ini"
printf '\n[scale]\ndrain_timeout = 1s\n' >>"$conf"
timed "undo" setup --undo
exit 0
