#!/bin/sh
# sim-empty.sh: bbbctl-sim --profile empty (TAP): OpenStack with the
# Rancher server and infra VMs only, a Rancher environment with its
# infra host and no stack, no BBB node; consul, Prometheus, scalelite
# and Greenlight refuse connections.  Once their stacks are created with
# POST /stacks (the shipped templates) and are active, each answers on
# its port (empty: no node), Rancher publishes that port; scalelite takes
# the stack's LOADBALANCER_SECRET.  Removing the stacks makes them refuse
# connections again.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"

sim_init
sim_start --profile empty --speed 20
stacks="$top/data/stacks"
url() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/out"; }
consul=$(url consul)
prom=$(url prometheus)
sl=$(url scalelite)
gl=$(url greenlight)
ra() {	# ra METHOD PATH [BODY]: Rancher's API
	curl -sS -m 10 -u "$ak:$sk" -X "$1" -H 'Content-Type: application/json' \
	    ${3:+--data-binary "$3"} "$rurl/projects/1a5$2"
}
refused() {	# refused URL: curl's "couldn't connect" (7)
	curl -sS -m 5 -o /dev/null "$1" 2>/dev/null
	[ $? -eq 7 ]
}
slsum() {	# the checksum of getMeetings with secret $1
	printf 'getMeetings%s' "$1" | sha256sum | cut -d' ' -f1
}
answers() {	# answers SYSTEM-URL: what each system answers
	curl -sS -m 5 -o /dev/null -w '%{http_code}' "$consul/v1/status/leader"
	printf ' %s ' "$(curl -sS -m 5 "$prom/api/v1/query?query=up" |
	    jq -r .status)"
	curl -sS -m 5 "$sl/bigbluebutton/api/getMeetings?checksum=$(slsum "$1")" |
	    grep -o '<returncode>[A-Z]*</returncode>'
}

is "$(ra GET /stacks | jq '[.data[] | select(.state != "removed")] | length')" 0 \
    "empty: Rancher has no stack"
is "$(ra GET /hosts | jq -r '[.data[].hostname] | join(",")')" \
    "infra-01.localhost" "empty: Rancher's one host is the infra host"
cid=$(awk -F' = ' '$1 == "application_credential_id" { print $2 }' "$conf")
csec=$(awk -F' = ' '$1 == "application_credential_secret" { print $2 }' "$conf")
tok=$(jq -n --arg i "$cid" --arg s "$csec" '{auth: {identity: {methods:
    ["application_credential"], application_credential: {id: $i,
    secret: $s}}}}' | curl -sS -m 10 -X POST -H 'Content-Type: application/json' \
    --data-binary @- -D - -o /dev/null "$(url openstack)/v3/auth/tokens" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "x-subject-token" { print $2 }')
nova=$(curl -sS -m 10 -H "X-Auth-Token: $tok" \
    "$(url openstack)/compute/v2.1/servers" | jq -r '[.servers[].name] | sort | join(",")')
is "$nova" "infra-01,rancher-server" "empty: Nova has the Rancher server and infra VMs only"
for s in "$consul" "$prom" "$sl" "$gl"; do
	refused "$s/"
	ok $? "empty: $s refuses connections before its stack exists"
done

secret=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
env() {	# the environment a stack names
	jq -n --arg s "$secret" '{DOMAIN: "bbb.example.org",
	    CONSUL_SERVICE: "bbb", LOADBALANCER_SECRET: $s,
	    SECRET_KEY_BASE: "k", POSTGRES_PASSWORD: "p",
	    GRAFANA_ADMIN_PASSWORD: "g"}'
}
ids=
for st in consul metrics bbb-scalelite bbb-greenlight; do
	body=$(jq -n --arg n "$st" --rawfile dc "$stacks/$st/docker-compose.yml" \
	    --rawfile rc "$stacks/$st/rancher-compose.yml" --argjson env "$(env)" \
	    '{name: $n, dockerCompose: $dc, rancherCompose: $rc,
	    environment: $env, startOnCreate: true}')
	id=$(ra POST /stacks "$body" | jq -r .id)
	case $id in 1st*) ok 0 "stack $st created ($id)" ;;
	*) ok 1 "stack $st created"; diag "$id" ;; esac
	ids="$ids $id"
done
active() { [ "$(ra GET "/stacks/$1" | jq -r .state)" = active ]; }
for id in $ids; do
	wait_for active "$id"
	ok $? "stack $id becomes active"
done
up() { ! refused "$consul/" && ! refused "$prom/" && ! refused "$sl/" &&
    ! refused "$gl/"; }
wait_for up
is "$(answers "$secret")" "200 success <returncode>SUCCESS</returncode>" \
    "consul, Prometheus and scalelite (with the stack's secret) answer once their stacks are active"
is "$(curl -sS -m 5 "$consul/v1/catalog/service/bbb")" "[]" \
    "consul starts empty: no BBB node registered"
is "$(curl -sS -m 5 "$sl/bigbluebutton/api/getMeetings?checksum=$(slsum "$secret")" |
    grep -c '<meeting>')" 0 "scalelite starts empty: no meeting"
curl -sS -m 5 -o /dev/null "$gl/"
ok $? "Greenlight answers once its stack is active"
port=$(ra GET "/services?name=consul" | jq -r '.data[] |
    select(.publicEndpoints | length > 0) | .publicEndpoints[0].port')
is "$port" "${consul##*:}" "Rancher publishes consul's port on its service"

for id in $ids; do
	is "$(ra POST "/stacks/$id?action=remove" '{}' | jq -r .id)" "$id" \
	    "stack $id removal accepted"
done
gone() { refused "$consul/" && refused "$prom/" && refused "$sl/" && refused "$gl/"; }
wait_for gone
ok $? "after the stacks are removed every system refuses connections again"
is "$(ra GET /stacks | jq '[.data[] | select(.state != "removed")] | length')" 0 \
    "Rancher lists no live stack after the removal"

# created again: it answers again on the same port
body=$(jq -n --rawfile dc "$stacks/consul/docker-compose.yml" \
    --rawfile rc "$stacks/consul/rancher-compose.yml" \
    '{name: "consul", dockerCompose: $dc, rancherCompose: $rc,
    environment: {}, startOnCreate: true}')
id=$(ra POST /stacks "$body" | jq -r .id)
wait_for sh -c "curl -sS -m 2 -o /dev/null '$consul/v1/status/leader'"
ok $? "consul answers again on its port once a new consul stack is active"
done_testing
