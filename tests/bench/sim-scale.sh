#!/bin/sh
# sim-scale.sh: bbbctl-sim at fleet scale.  Prints (never asserts): time
# until "ready", time of a full consul health query, of scalelite
# getServers and of a Prometheus query, and the peak RSS (VmHWM).
# Nodes: SIM_BENCH_NODES (default 5000).
sim="${top_builddir:-.}/bbbctl-sim"
nodes=${SIM_BENCH_NODES:-5000}
command -v curl >/dev/null 2>&1 || { echo "sim-scale: curl missing"; exit 0; }
[ -x "$sim" ] || { echo "sim-scale: bbbctl-sim not built"; exit 0; }

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }

t0=$(now_ms)
"$sim" --nodes "$nodes" --write-config "$tmp/c.conf" >"$tmp/out" 2>"$tmp/err" &
pid=$!
while ! grep -q '^ready$' "$tmp/out"; do
	kill -0 "$pid" 2>/dev/null || { echo "sim-scale: sim died"; cat "$tmp/err"; exit 1; }
	[ $(( $(now_ms) - t0 )) -gt 60000 ] && { echo "sim-scale: no ready in 60 s"; exit 1; }
	sleep 0.02
done
t1=$(now_ms)
echo "sim-scale: nodes $nodes"
echo "sim-scale: start to ready: $((t1 - t0)) ms"
echo "sim-scale: load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
conf() { awk -v sec="[$1]" -v k="$2" '$0 == sec { s = 1; next } /^\[/ { s = 0 }
    s && $1 == k { print $3; exit }' "$tmp/c.conf"; }
token=$(conf consul token)

# CPU time of the sim (all threads), in ms: unlike wall time it does
# not depend on what else the machine runs
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' \
    /proc/$pid/stat 2>/dev/null || echo 0; }

# best of 3 for each, so that a cold first call does not dominate
measure() {
	name=$1; shift
	best=
	c0=$(cpu_ms)
	for i in 1 2 3; do
		r=$(curl -s -o "$tmp/body" -w '%{http_code} %{time_total} %{size_download}' "$@")
		code=${r%% *}; rest=${r#* }; t=${rest%% *}; size=${rest#* }
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	c1=$(cpu_ms)
	echo "sim-scale: $name: HTTP $code, $size bytes, best of 3:" \
	    "${best} s wall, $(( (c1 - c0) / 3 )) ms CPU per call"
}

measure "consul /v1/health/service/bbb" -H "X-Consul-Token: $token" \
    "$(url consul)/v1/health/service/bbb"
measure "consul /v1/health/service/bbb (gzip)" -H "X-Consul-Token: $token" \
    --compressed "$(url consul)/v1/health/service/bbb"

# scalelite getServers: checksum = sha1("getServers" + secret)
secret=$(conf scalelite secret)
if command -v sha1sum >/dev/null 2>&1; then
	sum=$(printf 'getServers%s' "$secret" | sha1sum | cut -d' ' -f1)
	measure "scalelite getServers" \
	    "$(url scalelite)/scalelite/api/getServers?checksum=$sum"
fi
user=$(conf prometheus user)
pass=$(conf prometheus password)
measure "prometheus query up" -u "$user:$pass" \
    "$(url prometheus)/api/v1/query?query=up"

hwm=$(awk '/^VmHWM/ { print $2, $3 }' /proc/$pid/status 2>/dev/null)
rss=$(awk '/^VmRSS/ { print $2, $3 }' /proc/$pid/status 2>/dev/null)
echo "sim-scale: peak RSS (VmHWM): $hwm; now (VmRSS): $rss"
exit 0
