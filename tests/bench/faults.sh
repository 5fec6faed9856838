#!/bin/sh
# faults.sh: the fault matrix.  `bbbctl status` against bbbctl-sim with
# one system broken at a time, for every system (consul, prometheus,
# scalelite, rancher, openstack), and `bbbctl probe meeting bbb-01` for
# the sixth, a BBB node's own API (bbb), with every fault:
#   hang slow 500 503 malformed truncated 1GB reset chunked (the sim's)
#   html xml tls late                                  (hostile.py)
#   refused                                            (a closed port)
# (A node's URL comes from scalelite, not from the configuration, so the
# bbb row has the simulator's faults only; the others say n/a.)
# Prints one line a cell: system, fault, exit code, wall seconds, peak
# RSS, and the cause status gives for that system; then the clean run's
# figures and the worst RSS over the clean one.  Every cell must end
# (status --timeout bounds it) with the cause named; asserts nothing
# about timings.  FAULTS_SYSTEMS, FAULTS_LIST and FAULTS_NODES (24)
# choose a part; FAULTS_TIMEOUT (3s) is status's --timeout.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
sim="$top_builddir/bbbctl-sim"
bbbctl="$top_builddir/bbbctl"
systems=${FAULTS_SYSTEMS:-consul prometheus scalelite rancher openstack bbb}
faults=${FAULTS_LIST:-hang slow 500 503 malformed truncated 1GB reset chunked html xml tls late refused}
nodes=${FAULTS_NODES:-24}
tmo=${FAULTS_TIMEOUT:-3s}

for t in curl python3 openssl; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "faults: no $t, skipped"; exit 0; }
done
[ -x /usr/bin/time ] || { echo "faults: no /usr/bin/time, skipped"; exit 0; }
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM

"$sim" --nodes "$nodes" --write-config "$tmp/sim.conf" >"$tmp/sim.out" \
    2>"$tmp/sim.err" &
pids="$pids $!"
i=0
while ! grep -q '^ready$' "$tmp/sim.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "faults: no sim"; exit 1; }
	sleep 0.1
done
control=$(awk '$1 == "control" { print $2 }' "$tmp/sim.out")
chmod 600 "$tmp/sim.conf"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
for m in html xml tls late; do
	python3 "$top_srcdir/tests/bench/hostile.py" $m "$tmp/cert.pem" \
	    "$tmp/key.pem" >"$tmp/$m.port" 2>/dev/null &
	pids="$pids $!"
done
for m in html xml tls late; do
	while [ ! -s "$tmp/$m.port" ]; do sleep 0.1; done
done
refused=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# conf SYSTEM URL: the sim's config with SYSTEM's URL replaced.
conf() {
	case $1 in
	rancher) u="$2/v2-beta" k=url ;;
	openstack) u="$2/v3" k=auth_url ;;
	*) u=$2 k=url ;;
	esac
	awk -v s="[$1]" -v k="$k" -v u="$u" '/^\[/ { sec = $0 }
	    sec == s && $1 == k { print k " = " u; next } { print }' \
	    "$tmp/sim.conf" >"$tmp/c.conf"
	chmod 600 "$tmp/c.conf"
}
# run: status once (bbb: a test meeting on bbb-01); sets rc wall rss
# cause (of $sys)
run() {
	if [ "$sys" = bbb ]; then
		set -- "$1" --yes probe meeting bbb-01
	else
		set -- "$1" status --timeout "$tmo"
	fi
	c1=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$bbbctl" --config "$c1" \
	    --log /dev/null "$@" >"$tmp/out" 2>&1
	rc=$?
	wall=$(tail -1 "$tmp/time" | cut -d' ' -f1)
	rss=$(( $(tail -1 "$tmp/time" | cut -d' ' -f2) / 1024 ))
	if [ "$sys" = bbb ]; then
		cause=$(awk '$2 == "FAILED" { $2 = $3 = ""; print; exit }' \
		    "$tmp/out" | tr -s ' ' | cut -c1-70)
	else
		cause=$(awk -v s="$sys" '$1 == s && $2 != "ok" {
		    $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print; exit }' \
		    "$tmp/out" | cut -c1-70)
	fi
}

sys=none
run "$tmp/sim.conf"
clean=$rss
printf 'faults: %s nodes, status --timeout %s; clean: exit %s, %ss, %s MB\n' \
    "$nodes" "$tmo" "$rc" "$wall" "$clean"
printf '%-10s %-9s %4s %6s %6s  %s\n' SYSTEM FAULT EXIT WALL RSS_MB CAUSE
worst=0
for sys in $systems; do
	for f in $faults; do
		curl -s -X DELETE "$control/faults" >/dev/null
		c="$tmp/sim.conf"
		if [ "$sys" = bbb ]; then
			case $f in
			refused|tls|html|xml|late)
				printf '%-10s %-9s %4s %6s %6s  %s\n' "$sys" \
				    "$f" - - - "n/a (the node's URL is scalelite's)"
				continue ;;
			esac
		fi
		case $f in
		hang) spec=hang ;;
		slow) spec=latency:2000 ;;
		500) spec=status:500 ;;
		503) spec=status:503 ;;
		malformed|truncated|reset|chunked) spec=$f ;;
		1GB) spec=huge:1000000000 ;;
		refused) spec= ; conf "$sys" "http://127.0.0.1:$refused"
			c="$tmp/c.conf" ;;
		tls) spec= ; conf "$sys" "https://127.0.0.1:$(cat "$tmp/tls.port")"
			c="$tmp/c.conf" ;;
		*) spec= ; conf "$sys" "http://127.0.0.1:$(cat "$tmp/$f.port")"
			c="$tmp/c.conf" ;;
		esac
		fs=$sys:/ ; [ "$sys" = bbb ] && fs=metrics:/bigbluebutton/api
		[ -n "$spec" ] && curl -s -X POST \
		    "$control/faults?spec=$fs:$spec" >/dev/null
		run "$c"
		[ "$rss" -gt "$worst" ] && worst=$rss
		printf '%-10s %-9s %4s %6s %6s  %s\n' "$sys" "$f" "$rc" \
		    "$wall" "$rss" "${cause:--}"
	done
done
curl -s -X DELETE "$control/faults" >/dev/null
printf 'faults: worst peak RSS %s MB, clean %s MB\n' "$worst" "$clean"
