# sources.sh: what every source of a bbbctl-sim holds, for the setup
# tests (sourced after tap.sh).
#
#   src_sim CONF OUT   the sim's configuration (--write-config) and its
#                      standard output (the "SYSTEM URL" lines)
#   sources            one line each: the Rancher environment's stacks
#                      and hosts, the Nova servers, and whether consul,
#                      Prometheus, scalelite and Greenlight answer

src_conf=
src_out=

src_sim() { src_conf=$1; src_out=$2; }

src_key() {	# src_key SECTION KEY: a value of the sim's configuration
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$src_conf"
}

src_url() { awk -v s="$1" '$1 == s { print $2 }' "$src_out"; }

src_ra() {	# src_ra PATH: Rancher's API, environment 1a5
	curl -sS -m 10 -u "$(src_key rancher access_key):$(src_key rancher \
	    secret_key)" "$(src_key rancher url)/projects/1a5$1"
}

src_refused() { curl -sS -m 5 -o /dev/null "$1" 2>/dev/null; [ $? -eq 7 ]; }

src_ostoken() {
	jq -n --arg i "$(src_key openstack application_credential_id)" \
	    --arg s "$(src_key openstack application_credential_secret)" \
	    '{auth: {identity: {methods: ["application_credential"],
	    application_credential: {id: $i, secret: $s}}}}' |
	    curl -sS -m 10 -X POST -H 'Content-Type: application/json' \
	    --data-binary @- -D - -o /dev/null \
	    "$(src_url openstack)/v3/auth/tokens" |
	    tr -d '\r' |
	    awk -F': ' 'tolower($1) == "x-subject-token" { print $2 }'
}

sources() {
	printf 'stacks: %s\n' "$(src_ra /stacks | jq -r '[.data[] |
	    select(.state != "removed" and .state != "removing") | .name] |
	    sort | join(",")')"
	printf 'hosts: %s\n' "$(src_ra /hosts | jq -r '[.data[] |
	    select(.state != "removed" and .state != "purged") | .hostname] |
	    sort | join(",")')"
	printf 'nova: %s\n' "$(curl -sS -m 10 -H "X-Auth-Token: $(src_ostoken)" \
	    "$(src_url openstack)/compute/v2.1/servers" |
	    jq -r '[.servers[].name] | sort | join(",")')"
	for s in consul prometheus scalelite greenlight; do
		if src_refused "$(src_url $s)/"; then
			printf '%s: refused\n' "$s"
		else
			printf '%s: answers\n' "$s"
		fi
	done
}

# The sim of --profile empty, as it starts.
SRC_EMPTY="stacks: 
hosts: infra-01.localhost
nova: infra-01,rancher-server
consul: refused
prometheus: refused
scalelite: refused
greenlight: refused"

# After setup made the stacks and 3 nodes.
SRC_SERVING="stacks: bbb-01,bbb-02,bbb-03,bbb-greenlight,bbb-scalelite,consul,metrics,postgres
hosts: bbb-01.localhost,bbb-02.localhost,bbb-03.localhost,infra-01.localhost
nova: bbb-01,bbb-02,bbb-03,infra-01,rancher-server
consul: answers
prometheus: answers
scalelite: answers
greenlight: answers"
