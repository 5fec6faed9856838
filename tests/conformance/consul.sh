#!/bin/sh
# consul.sh: python-consul against bbbctl-sim's consul: catalog, health
# with blocking, KV with cas and recurse, sessions, locks, ACLs, agent.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "${top_srcdir:-.}/tests/lib/sim.sh"
. "${top_srcdir:-.}/tests/conformance/lib.sh"

sim_init
conf_python consul || conf_missing "python3-consul (Debian)"
sim_start --nodes 4 --profile clean --seed 19
CONSUL_URL=$consul CONSUL_TOKEN=$token CONTROL_URL=$control
export CONSUL_URL CONSUL_TOKEN CONTROL_URL
conf_run "$py" "$conf_dir/consul-client.py"
done_testing
