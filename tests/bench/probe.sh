#!/bin/sh
# probe.sh: what the service probes cost a refresh at 1000 nodes
# (BENCH_PROBE_NODES to change).  bbbctl-sim answers the HTTP health
# probes (scalelite, Greenlight, consul leader, Rancher); a coturn on
# loopback (when turnserver is installed) the STUN, TURN (UDP, TCP,
# TLS) and certificate probes.  Prints:
#   refresh  CPU ms of one refresh in-process (bench-refresh: decode +
#            join + problems), without probes;
#   probe    CPU ms of one round of every probe on a model of as many
#            nodes (bench-probe: the probes, their results applied);
#   share    a round against a refresh, and per refresh at the default
#            pace (a round every [probes] interval 60 s, a refresh every
#            [ui] refresh 2 s).
# Asserts nothing about timings.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
sim="$top_builddir/bbbctl-sim"
n=${BENCH_PROBE_NODES:-1000}

${MAKE:-make} -s -C "$top_builddir" bbbctl-sim tests/bench/bench-refresh \
    tests/bench/bench-probe >/dev/null || exit 1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null
    [ -f "$tmp/turn.pid" ] && kill "$(cat "$tmp/turn.pid")" 2>/dev/null
    rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp"

"$sim" --nodes "$n" --write-config "$tmp/c.conf" >"$tmp/out" 2>&1 &
pid=$!
i=0
while ! grep -qx ready "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "probe: the sim did not start"; exit 1; }
	sleep 0.1
done

turn=
if command -v turnserver >/dev/null 2>&1 && command -v openssl >/dev/null &&
    command -v python3 >/dev/null; then
	port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
	p=$(port)
	tp=$(port)
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/t.key" \
	    -out "$tmp/t.pem" -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	turnserver -n --listening-ip=127.0.0.1 --listening-port="$p" \
	    --tls-listening-port="$tp" --relay-ip=127.0.0.1 \
	    --min-port=49400 --max-port=49500 --realm=bench.local \
	    --use-auth-secret --static-auth-secret=bench --no-cli --no-dtls \
	    --cert="$tmp/t.pem" --pkey="$tmp/t.key" --userdb="$tmp/turndb" \
	    --log-file="$tmp/turn.log" --simple-log \
	    --pidfile="$tmp/turn.pid" >/dev/null 2>&1 &
	sleep 1
	sed -i "s|^\[probes\]\$|[probes]\ncoturn_host = 127.0.0.1\ncoturn_port = $p\ncoturn_tls_port = $tp\nturn_secret = bench\nca_file = $tmp/t.pem|" \
	    "$tmp/c.conf"
	turn=" + coturn (STUN/TURN over UDP, TCP, TLS)"
fi

ref=$("$top_builddir/tests/bench/bench-refresh" -n "$n" -r 10)
pr=$("$top_builddir/tests/bench/bench-probe" -c "$tmp/c.conf" -n "$n" -r 20)
echo "probe: $n nodes, the sim's HTTP health endpoints$turn"
echo "  $(printf '%s\n' "$ref" | head -1)"
echo "  $pr"
r=$(printf '%s\n' "$ref" | sed -n 's/.*total median \([0-9.]*\).*/\1/p' | head -1)
q=$(printf '%s\n' "$pr" | sed -n 's/.*median \([0-9.]*\) (max.*/\1/p')
awk -v r="$r" -v q="$q" 'BEGIN {
	printf "  share: a probe round is %.1f %% of a refresh; at the " \
	    "default pace (a round per 30 refreshes) %.2f %% per refresh\n",
	    100 * q / r, 100 * q / 30 / r }'
