#!/bin/sh
# ui.sh: dashboard figures.  Prints; asserts nothing about timings.
#   - frame time of the nodes view at 1000 nodes (bench-draw, headless)
#   - start to the first complete frame with 100 nodes (the log's figure)
#   - CPU over BENCH_IDLE_SECONDS (default 60) idle at the default
#     refresh with 100 nodes, and peak RSS (against bbbctl-sim, in tmux)
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
ui_sim --nodes 100 || exit 1

secs=${BENCH_IDLE_SECONDS:-60}
hz=$(getconf CLK_TCK)
ui_start 200 60 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
WAIT_DEADLINE=30 wait_for grep -q "first complete frame" "$ui_tmp/log" ||
    { echo "ui: no complete frame within 30 s"; exit 1; }
first=$(sed -n 's/.*first complete frame \([0-9]*\) ms.*/\1/p' \
    "$ui_tmp/log" | head -1)
frame=$(sed -n 's/.*first frame \([0-9]*\) ms.*/\1/p' "$ui_tmp/log" | head -1)
echo "ui live: 100 nodes (bbbctl-sim), 200x60, default refresh"
echo "  start to the first frame            $frame ms"
echo "  start to first complete frame       $first ms (every source answered)"
sed -n 's/.*first complete frame [0-9]* ms after start; */  sources: /p' \
    "$ui_tmp/log" | head -1
pid=$(ui_pid)
ticks() { awk '{ print $14 + $15 }' /proc/"$pid"/stat; }
t0=$(ticks)
sleep "$secs"
t1=$(ticks)
echo "  CPU idle over ${secs}s                $(awk -v a="$t0" -v b="$t1" \
    -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f %% of one core", \
    (b - a) * 100 / hz / s }')"
echo "  peak RSS                            $(awk '/VmHWM/ { print $2, $3 }' \
    /proc/"$pid"/status)"
echo "  RSS now                             $(awk '/VmRSS/ { print $2, $3 }' \
    /proc/"$pid"/status)"
ui_keys q
exit 0
