#!/bin/sh
# ui.sh: dashboard figures.  Prints; asserts nothing about timings.
#   - frame time of the nodes view at 1000 nodes (bench-draw, headless)
#   - start to the first complete frame with 100 nodes (the log's figure)
#   - CPU over BENCH_IDLE_SECONDS (default 60) idle at the default
#     refresh, as a share of one core and per refresh, and peak RSS
#     (against bbbctl-sim, in tmux) at BENCH_UI_NODES (default "100
#     1000") nodes; then the same with the meetings view open (the
#     meetings are fetched only while a view shows them)
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
${MAKE:-make} -s -C "$top_builddir" tests/bench/bench-draw >/dev/null ||
    exit 1
"$top_builddir/tests/bench/bench-draw" -n 1000 -f 200 -W 200 -H 50 || exit 1
"$top_builddir/tests/bench/bench-draw" -n 1000 -f 200 -W 80 -H 24 || exit 1

command -v tmux >/dev/null 2>&1 || { echo "ui: no tmux, live figures skipped"; exit 0; }
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"
skip_all() { echo "ui: live figures skipped: $*"; exit 0; }
ui_init

secs=${BENCH_IDLE_SECONDS:-60}
hz=$(getconf CLK_TCK)
refresh_s=2		# the default refresh
cpu_over() {	# cpu_over WHAT: CPU of the program over $secs
	local t0 t1
	t0=$(ticks)
	sleep "$secs"
	t1=$(ticks)
	echo "  CPU over ${secs}s, $1: $(awk -v a="$t0" -v b="$t1" \
	    -v hz="$hz" -v s="$secs" -v r="$refresh_s" 'BEGIN {
	    printf "%.2f %% of one core, %.1f ms per refresh", \
	    (b - a) * 100 / hz / s, (b - a) * 1000 / hz / (s / r) }')"
}
ticks() { awk '{ print $14 + $15 }' /proc/"$pid"/stat; }

for n in ${BENCH_UI_NODES:-100 1000}; do
	ui_sim --nodes "$n" || exit 1
	rm -f "$ui_tmp/log"
	ui_start 200 60 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
	WAIT_DEADLINE=60 wait_for grep -q "first complete frame" \
	    "$ui_tmp/log" || { echo "ui: no complete frame within 60 s"; exit 1; }
	first=$(sed -n 's/.*first complete frame \([0-9]*\) ms.*/\1/p' \
	    "$ui_tmp/log" | head -1)
	frame=$(sed -n 's/.*first frame \([0-9]*\) ms.*/\1/p' "$ui_tmp/log" |
	    head -1)
	echo "ui live: $n nodes (bbbctl-sim), 200x60, default refresh"
	echo "  start to the first frame            $frame ms"
	echo "  start to first complete frame       $first ms (every source answered)"
	sed -n 's/.*first complete frame [0-9]* ms after start; */  sources: /p' \
	    "$ui_tmp/log" | head -1
	pid=$(ui_pid)
	sleep 5		# past the start: the steady state
	cpu_over "nodes view"
	ui_keys 2
	WAIT_DEADLINE=30 wait_for_re "^ meetings " >/dev/null 2>&1
	sleep 5
	cpu_over "meetings view"
	echo "  peak RSS                            $(awk '/VmHWM/ { print $2, $3 }' \
	    /proc/"$pid"/status)"
	echo "  RSS now                             $(awk '/VmRSS/ { print $2, $3 }' \
	    /proc/"$pid"/status)"
	ui_keys q
	ui_tmux kill-server >/dev/null 2>&1
	kill "$ui_sim_pid" 2>/dev/null
	wait "$ui_sim_pid" 2>/dev/null
	ui_sim_pid=
done
exit 0
