#!/bin/sh
# sim-prom.sh: how long bbbctl-sim's query API takes for each default
# query of src/prom-queries.h on a large fleet, and how long one node's
# exporters take to render.  Prints figures; asserts nothing.
#   BENCH_NODES (default 200), BENCH_WARMUP seconds of history (default 65)
top_srcdir=${top_srcdir:-.}
sim="${top_builddir:-.}/bbbctl-sim"
nodes=${BENCH_NODES:-200}
warm=${BENCH_WARMUP:-65}
for t in curl perl; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "sim-prom: no $t, skipped"
		exit 0
	fi
done
[ -x "$sim" ] || { echo "sim-prom: bbbctl-sim not built, skipped"; exit 0; }
cpp=${CPP:-cpp}
command -v "${cpp%% *}" >/dev/null 2>&1 || cpp="cc -E"

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
"$sim" --nodes "$nodes" --speed 1 --write-config "$tmp/c.conf" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q '^ready$' "$tmp/out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "sim-prom: no ready"; exit 1; }
	sleep 0.1
done
prom=$(awk '$1 == "prometheus" { print $2 }' "$tmp/out")
metrics=$(awk '$1 == "metrics" { print $2 }' "$tmp/out")
pass=$(awk '/^\[/ { s = ($0 == "[prometheus]") }
    s && $1 == "password" { print $3; exit }' "$tmp/c.conf")
echo "sim-prom: $nodes nodes, ${warm}s of history (one view a second)"
sleep "$warm"
printf '#include "prom-queries.h"\nQ PROM_QUERY_DEFAULTS\n' |
    $cpp -P -I"$top_srcdir/src" - 2>/dev/null |
    perl -0777 -ne 's/"\s+"//g;
	while (/\{\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\}/g) {
		my ($n, $q) = ($1, $2);
		$q =~ s/\\(.)/$1/g;
		print "$n\t$q\n";
	}' \
    >"$tmp/q"
while IFS='	' read -r name q; do
	curl -s -o "$tmp/r" -w "%{time_total} %{size_download}" \
	    -u "bbbctl:$pass" --data-urlencode "query=$q" \
	    "$prom/api/v1/query" >"$tmp/t"
	read -r secs bytes <"$tmp/t"
	awk -v n="$name" -v s="$secs" -v b="$bytes" 'BEGIN {
	    printf "sim-prom: query %-13s %7.1f ms %9d bytes\n", n,
	    s * 1000, b }'
done <"$tmp/q"
for e in node process bbb; do
	curl -s -o /dev/null -w "%{time_total} %{size_download}" \
	    "$metrics/metrics/bbb-001/$e" >"$tmp/t" 2>/dev/null ||
	    curl -s -o /dev/null -w "%{time_total} %{size_download}" \
	    "$metrics/metrics/bbb-01/$e" >"$tmp/t"
	read -r secs bytes <"$tmp/t"
	awk -v n="$e" -v s="$secs" -v b="$bytes" 'BEGIN {
	    printf "sim-prom: /metrics %-8s %7.1f ms %9d bytes\n", n,
	    s * 1000, b }'
done

# At fleet scale (BENCH_BIG_NODES, default 5000; 0 skips): the history
# store's RSS once every ring is full (--speed 60 for BENCH_BIG_FILL real
# seconds, default 15: 15 simulated minutes, more than any ring spans)
# and each default query, best of 3.
big=${BENCH_BIG_NODES:-5000}
[ "$big" -gt 0 ] 2>/dev/null || exit 0
# The engine alone (no HTTP, no lock), CPU time of each default query.
if ${MAKE:-make} -s -C "${top_builddir:-.}" tests/bench/bench-promql \
    >/dev/null 2>&1; then
	"${top_builddir:-.}/tests/bench/bench-promql" -n "$big" -r 3
fi
kill $pid 2>/dev/null
wait $pid 2>/dev/null
"$sim" --nodes "$big" --speed 60 --write-config "$tmp/big.conf" \
    >"$tmp/bigout" 2>"$tmp/bigerr" &
pid=$!
i=0
while ! grep -q '^ready$' "$tmp/bigout" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 600 ] && { echo "sim-prom: no ready"; exit 1; }
	sleep 0.1
done
prom=$(awk '$1 == "prometheus" { print $2 }' "$tmp/bigout")
pass=$(awk '/^\[/ { s = ($0 == "[prometheus]") }
    s && $1 == "password" { print $3; exit }' "$tmp/big.conf")
rss() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 }
    END { printf "RSS %d MB, peak %d MB", r / 1024, h / 1024 }' \
    /proc/$pid/status 2>/dev/null; }
echo "sim-prom: $big nodes at --speed 60: ready, $(rss)"
sleep "${BENCH_BIG_FILL:-15}"
echo "sim-prom: $big nodes, history full: $(rss)"
while IFS='	' read -r name q; do
	best=
	for i in 1 2 3; do
		curl -s -o "$tmp/r" -w "%{time_total} %{size_download}" \
		    -u "bbbctl:$pass" --data-urlencode "query=$q" \
		    "$prom/api/v1/query" >"$tmp/t"
		read -r secs bytes <"$tmp/t"
		if [ -z "$best" ] || awk -v a="$secs" -v b="$best" \
		    'BEGIN { exit !(a < b) }'; then
			best=$secs
		fi
	done
	awk -v n="$name" -v s="$best" -v b="$bytes" -v N="$big" 'BEGIN {
	    printf "sim-prom: %d nodes query %-13s %7.1f ms %9d bytes\n",
	    N, n, s * 1000, b }'
done <"$tmp/q"
echo "sim-prom: $big nodes after the queries: $(rss)"
