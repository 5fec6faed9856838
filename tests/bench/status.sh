#!/bin/sh
# status.sh: `bbbctl status --json` against bbbctl-sim at 100, 1000 and
# 5000 nodes (BENCH_STATUS_NODES to change), and the same URLs fetched
# with `curl --parallel` (the physical limit).  Prints, per size:
#   status   wall ms (median of 3), user+sys CPU ms, peak RSS, the bytes
#            bbbctl reports per source;
#   curl     wall ms and bytes of the same requests in parallel (the
#            Keystone token and the page URLs are found beforehand, so
#            this is a lower bound: no round trip waits for another);
#            then, apart, the meetings (scalelite's and every node's
#            getMeetings), which status does not fetch;
#   refresh  CPU ms of one refresh in-process on those answers
#            (bench-refresh -d: decode + join + problems);
#   steady   the same answers and a second set fetched 2 s later
#            (ans/next/) replayed alternately through the pollers' path
#            (bench-refresh -s: only what changed is decoded);
#   decode   per JSON source, the streaming decoders, the jansson (DOM)
#            decoders they replaced and jscan alone (bench-decode -d).
# Asserts nothing about timings.  BENCH_KEEP=DIR keeps the answers.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
sim="$top_builddir/bbbctl-sim"
bbbctl="$top_builddir/bbbctl"
sizes=${BENCH_STATUS_NODES:-100 1000 5000}
par=${BENCH_CURL_PARALLEL:-64}

for t in curl jq perl; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "status: no $t, skipped"; exit 0; }
done
[ -x /usr/bin/time ] || { echo "status: no /usr/bin/time, skipped"; exit 0; }
${MAKE:-make} -s -C "$top_builddir" bbbctl bbbctl-sim \
    tests/bench/bench-refresh tests/bench/bench-decode >/dev/null || exit 1

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG

now_ms() { date +%s%3N; }
ini() {	# ini SECTION KEY
	awk -v s="[$1]" -v k="$2" '/^\[/ { in_s = ($1 == s) }
	    in_s && $1 == k { sub(/^[^=]*= */, ""); print; exit }' "$tmp/c.conf"
}
sha() { perl -MDigest::SHA=sha256_hex -e 'print sha256_hex($ARGV[0])' "$1"; }
# options of every transfer (a curl config's "next" resets them)
per='silent
compressed
write-out = "%{size_download}\n"'
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
# add URL FILE [curl options...]: one transfer of the curl config $cfg
cfg=
add() {
	u=$1
	o=$2
	shift 2
	{
		[ -s "$cfg" ] && echo next
		printf 'url = "%s"\noutput = "%s/ans/%s"\n' "$u" "$tmp" "$o"
		echo "$per"
		for x in "$@"; do
			printf '%s\n' "$x"
		done
	} >>"$cfg"
}

for n in $sizes; do
	rm -rf "$tmp/ans" "$tmp/curl.cfg" "$tmp/curl-meet.cfg"
	mkdir -p "$tmp/ans"
	"$sim" --nodes "$n" --write-config "$tmp/c.conf" >"$tmp/out" \
	    2>"$tmp/err" &
	pid=$!
	i=0
	while ! grep -q '^ready$' "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "status: sim not ready"; exit 1; }
		sleep 0.1
	done
	sleep 3		# two samples for irate()

	# --- bbbctl status --json, three times ---
	walls=
	for r in 1 2 3; do
		t0=$(now_ms)
		/usr/bin/time -f '%M %U %S' -o "$tmp/time.$r" \
		    "$bbbctl" --config "$tmp/c.conf" status --timeout 60s \
		    --json >"$tmp/status.json" 2>"$tmp/status.err"
		walls="$walls $(( $(now_ms) - t0 ))"
	done
	wall=$(median3 $walls)
	rss=$(tail -n 1 "$tmp/time.3" | awk '{ print $1 }')
	cpu=$(tail -n 1 "$tmp/time.3" | awk '{ printf "%d", ($2 + $3) * 1000 }')
	srcbytes=$(jq -r '[.sources[] | "\(.name)=\(.bytes)"] | join(" ")' \
	    "$tmp/status.json")
	sbytes=$(jq '[.sources[].bytes] | add' "$tmp/status.json")
	nn=$(jq '.nodes | length' "$tmp/status.json")
	np=$(jq '.problems | length' "$tmp/status.json")
	failed=$(jq -r '[.sources[] | select(.state != "ok") | .name] |
	    join(",")' "$tmp/status.json")

	# --- the same requests for curl (what status fetches) ---
	cfg=$tmp/curl.cfg
	consul=$(ini consul url)
	add "$consul/v1/health/service/$(ini consul service)" consul.json \
	    "header = \"X-Consul-Token: $(ini consul token)\""
	prom=$(ini prometheus url)
	pauth="user = \"$(ini prometheus user):$(ini prometheus password)\""
	"$bbbctl" config check "$tmp/c.conf" | sed -n 's/^query_\([a-z_0-9]*\) = /\1 /p' |
	while read -r name q; do
		e=$(jq -rn --arg q "$q" '$q | @uri')
		add "$prom/api/v1/query?query=$e" "prom-$name.json" "$pauth"
	done
	sl=$(ini scalelite url)
	ssec=$(ini scalelite secret)
	add "$sl/scalelite/api/getServers?checksum=$(sha "getServers$ssec")" \
	    getservers.json
	# the meetings (status does not fetch them; the dashboard does while
	# a view shows them): fetched for bench-refresh -m, timed apart
	cfg=$tmp/curl-meet.cfg
	add "$sl/bigbluebutton/api/getMeetings?checksum=$(sha "getMeetings$ssec")" \
	    getmeetings.xml
	curl -s "$sl/scalelite/api/getServers?checksum=$(sha "getServers$ssec")" |
	    jq -r '.[] | select(.state != "disabled" and .online == "online") |
	    "\(.url) \(.secret)"' >"$tmp/nodes"
	ANS="$tmp" PER="$per" perl -MDigest::SHA=sha256_hex -ne 'chomp; my ($u, $s) = split / /;
	    $u .= "/" unless $u =~ m{/$}; $i++;
	    printf "next\nurl = \"%sgetMeetings?checksum=%s\"\noutput = \"%s/ans/node-%d.xml\"\n%s\n",
	    $u, sha256_hex("getMeetings$s"), $ENV{ANS}, $i, $ENV{PER}' \
	    <"$tmp/nodes" >>"$tmp/curl-meet.cfg"
	cfg=$tmp/curl.cfg
	rbase=$(ini rancher url)
	rauth="user = \"$(ini rancher access_key):$(ini rancher secret_key)\""
	project=$(ini rancher project)
	add "$rbase/projects?limit=1000" projects.json "$rauth"
	for kind in stacks services hosts; do
		u="$rbase/projects/$project/$kind?limit=1000"
		p=1
		while [ -n "$u" ]; do
			[ $p -eq 1 ] && f=$kind.json || f=$kind.$p.json
			add "$u" "$f" "$rauth"
			u=$(curl -s -u "$(ini rancher access_key):$(ini rancher secret_key)" \
			    "$u" | jq -r '.pagination.next // empty')
			p=$((p + 1))
		done
	done
	ks=$(ini openstack auth_url)
	body=$(jq -cn --arg id "$(ini openstack application_credential_id)" \
	    --arg s "$(ini openstack application_credential_secret)" \
	    '{auth: {identity: {methods: ["application_credential"],
	    application_credential: {id: $id, secret: $s}}}}')
	curl -s -D "$tmp/ks.h" -o "$tmp/ks.json" -H 'Content-Type: application/json' \
	    -d "$body" "${ks%/}/auth/tokens"
	token=$(awk 'tolower($1) == "x-subject-token:" { print $2 }' "$tmp/ks.h" |
	    tr -d '\r')
	compute=$(jq -r '[.token.catalog[] | select(.type == "compute") |
	    .endpoints[] | select(.interface == "public")][0].url' "$tmp/ks.json")
	u="${compute%/}/servers/detail"
	p=1
	while [ -n "$u" ]; do
		[ $p -eq 1 ] && f=servers.json || f=servers.$p.json
		add "$u" "$f" "header = \"X-Auth-Token: $token\""
		u=$(curl -s -H "X-Auth-Token: $token" "$u" |
		    jq -r '.servers_links[]? | select(.rel == "next") | .href')
		p=$((p + 1))
	done
	nreq=$(grep -c '^url = ' "$tmp/curl.cfg")

	cwalls=
	for r in 1 2 3; do
		t0=$(now_ms)
		curl -s --parallel --parallel-max "$par" -K "$tmp/curl.cfg" \
		    >"$tmp/sizes" 2>/dev/null
		cwalls="$cwalls $(( $(now_ms) - t0 ))"
	done
	cwall=$(median3 $cwalls)
	cbytes=$(awk '{ s += $1 } END { print s }' "$tmp/sizes")
	nmreq=$(grep -c '^url = ' "$tmp/curl-meet.cfg")
	t0=$(now_ms)
	curl -s --parallel --parallel-max "$par" -K "$tmp/curl-meet.cfg" \
	    >"$tmp/sizes" 2>/dev/null
	mwall=$(( $(now_ms) - t0 ))
	mbytes=$(awk '{ s += $1 } END { print s }' "$tmp/sizes")
	# a second answer set a refresh later (bench-refresh -s replays both)
	sleep 2
	mkdir -p "$tmp/ans/next"
	sed "s|^output = \"$tmp/ans/|output = \"$tmp/ans/next/|" \
	    "$tmp/curl.cfg" >"$tmp/curl-next.cfg"
	curl -s --parallel --parallel-max "$par" -K "$tmp/curl-next.cfg" \
	    >/dev/null 2>&1
	sed "s|^output = \"$tmp/ans/|output = \"$tmp/ans/next/|" \
	    "$tmp/curl-meet.cfg" >"$tmp/curl-next.cfg"
	curl -s --parallel --parallel-max "$par" -K "$tmp/curl-next.cfg" \
	    >/dev/null 2>&1

	echo "status: $n nodes ($nn in the model, $np problems${failed:+, NOT OK: $failed})"
	echo "  bbbctl status --json: wall ${wall} ms (runs:$walls), cpu ${cpu} ms, peak RSS $((rss / 1024)) MB"
	echo "    bytes as reported: $sbytes ($srcbytes; per-node getMeetings not counted)"
	echo "  curl --parallel ($nreq requests, $par at once): wall ${cwall} ms (runs:$cwalls), $cbytes bytes"
	if [ "$cwall" -gt 0 ]; then
		echo "  ratio status/curl: $(awk -v a="$wall" -v b="$cwall" 'BEGIN { printf "%.2f", a / b }')"
	fi
	echo "  (not fetched by status) the meetings, curl --parallel ($nmreq requests): wall ${mwall} ms, $mbytes bytes"
	"$top_builddir/tests/bench/bench-refresh" -d "$tmp/ans" -r 5 |
	    sed 's/^/  /'
	"$top_builddir/tests/bench/bench-refresh" -s -d "$tmp/ans" -r 5 |
	    sed 's/^/  /'
	# the JSON decoders on the same answers: jscan and jansson (DOM)
	"$top_builddir/tests/bench/bench-decode" -d "$tmp/ans" -r 5 |
	    sed 's/^/  /'
	[ -n "$BENCH_KEEP" ] && mkdir -p "$BENCH_KEEP" &&
	    cp -r "$tmp/ans" "$BENCH_KEEP/$n"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
done
