#!/bin/sh
# sim-apis.sh: the simulator's scalelite, Rancher and Nova answers at fleet
# scale.  Prints (never asserts): HTTP code, size and best-of-3 time of
# scalelite getMeetings and getServers, a Rancher page of stacks, hosts
# and containers (and a filtered listing), and Nova servers/detail.
# Nodes: SIM_BENCH_NODES (default 1000).
sim="${top_builddir:-.}/bbbctl-sim"
nodes=${SIM_BENCH_NODES:-1000}
command -v curl >/dev/null 2>&1 || { echo "sim-apis: curl missing"; exit 0; }
command -v sha1sum >/dev/null 2>&1 || { echo "sim-apis: sha1sum missing"; exit 0; }
[ -x "$sim" ] || { echo "sim-apis: bbbctl-sim not built"; exit 0; }

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
	kill -0 "$pid" 2>/dev/null || { echo "sim-apis: sim died"; cat "$tmp/err"; exit 1; }
	[ $(( $(now_ms) - t0 )) -gt 60000 ] && { echo "sim-apis: no ready in 60 s"; exit 1; }
	sleep 0.02
done
echo "sim-apis: nodes $nodes"

url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
conf() { awk -v sec="[$1]" -v k="$2" '$0 == sec { s = 1; next } /^\[/ { s = 0 }
    s && $1 == k { print $3; exit }' "$tmp/c.conf"; }

measure() {
	name=$1; shift
	best=
	for i in 1 2 3; do
		r=$(curl -s -o "$tmp/body" -w '%{http_code} %{time_total} %{size_download}' "$@")
		code=${r%% *}; rest=${r#* }; t=${rest%% *}; size=${rest#* }
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "sim-apis: $name: HTTP $code, $size bytes, best of 3: ${best} s"
}

secret=$(conf scalelite secret)
sl=$(url scalelite)
sum=$(printf 'getMeetings%s' "$secret" | sha1sum | cut -d' ' -f1)
measure "scalelite getMeetings" "$sl/bigbluebutton/api/getMeetings?checksum=$sum"
sum=$(printf 'getServers%s' "$secret" | sha1sum | cut -d' ' -f1)
measure "scalelite getServers" "$sl/scalelite/api/getServers?checksum=$sum"

ra=$(url rancher)/v2-beta/projects/1a5
auth="$(conf rancher access_key):$(conf rancher secret_key)"
for c in stacks hosts containers 'stacks?name_prefix=bbb-'; do
	measure "rancher $c" -u "$auth" "$ra/$c"
done

os=$(url openstack)
body=$(printf '{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"%s","secret":"%s"}}}}' \
    "$(conf openstack application_credential_id)" \
    "$(conf openstack application_credential_secret)")
token=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "$body" "$os/v3/auth/tokens" | awk -F': ' 'tolower($1) == "x-subject-token" { sub(/\r$/, "", $2); print $2 }')
measure "nova servers/detail" -H "X-Auth-Token: $token" \
    "$os/compute/v2.1/servers/detail"
exit 0
