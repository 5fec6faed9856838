#!/bin/sh
# scale.sh: bbbctl scale against bbbctl-sim with the VMs' boot delay at 0.
#   out      `scale out --count N` (BENCH_SCALE_COUNT, default 10; all at
#            once): bbbctl's own CPU (user+sys ms, from /usr/bin/time)
#            and wall ms; the target is under 2 s of CPU for 10 nodes
#   plan     at BENCH_SCALE_FLEET nodes (default 1000): `scale out
#            --dry-run` (the plan: the quota read, GET /limits and
#            flavors/detail, and nothing else) and `scale check` (the
#            five sources listed, every page, as a scale out's first step
#            does to pick names): wall and CPU ms
# Asserts nothing about timings.
top_srcdir=$(cd "${top_srcdir:-.}" && pwd)
top_builddir=${top_builddir:-.}
sim="$top_builddir/bbbctl-sim"
bbbctl="$top_builddir/bbbctl"
count=${BENCH_SCALE_COUNT:-10}
fleet=${BENCH_SCALE_FLEET:-1000}

[ -x /usr/bin/time ] || { echo "scale: no /usr/bin/time, skipped"; exit 0; }
${MAKE:-make} -s -C "$top_builddir" bbbctl bbbctl-sim >/dev/null || exit 1

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG

start() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	"$sim" --profile clean --poll-interval 1 --boot-delay 0 "$@" \
	    --write-config "$tmp/c.conf" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	i=0
	while ! grep -qx ready "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "scale: the sim did not start"; exit 1; }
		sleep 0.1
	done
	cat >>"$tmp/c.conf" <<EOF2

[scale]
flavor = m1.xlarge
image = ubuntu-20.04-bbb
networks = bbb-net
user_data = $top_srcdir/data/cloud-init/bbb-node.yaml
stack_dir = $top_srcdir/data/stacks/bbb-node
bbb_secret = benchsecretbenchsecret
max_parallel = 32
poll = 200ms
EOF2
}
# timed LABEL ARGS...: one bbbctl run; prints wall and CPU ms.
timed() {
	label=$1
	shift
	t0=$(date +%s%3N)
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$bbbctl" \
	    --config "$tmp/c.conf" --yes "$@" >"$tmp/run.out" 2>"$tmp/run.err"
	rc=$?
	t1=$(date +%s%3N)
	set -- $(tail -1 "$tmp/time")
	cpu=$(echo "$1 $2" | awk '{ printf "%d", ($1 + $2) * 1000 }')
	printf 'scale %-28s rc %d  wall %6d ms  cpu %5d ms  rss %6d KiB\n' \
	    "$label" "$rc" $((t1 - t0)) "$cpu" "$3"
	[ "$rc" -ne 0 ] && sed 's/^/  /' "$tmp/run.err" | tail -3
}

start --nodes 12 --quota-instances $((count + 40))
timed "out --count $count" scale out --count "$count"

start --nodes "$fleet" --quota-instances $((fleet + 40))
timed "plan (dry-run) at $fleet nodes" --dry-run scale out --count 10
timed "check at $fleet nodes" scale check
exit 0
