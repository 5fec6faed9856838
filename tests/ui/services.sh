#!/bin/sh
# services.sh: the services view (7, :services) in the dashboard; a
# coturn that is not there (UDP probes wait for their timeout) and a
# Greenlight that hangs never freeze the dashboard; a failing service
# shows its state and usual fix, and recovers.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
ui_sim || skip_all "bbbctl-sim did not start"
# coturn on a port where nothing listens; short probes, often.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
sed -i "s/^\[probes\]\$/[probes]\ncoturn_host = 127.0.0.1\ncoturn_port = $port\ncoturn_tls_port = 0\ninterval = 2s\ntimeout = 4s/" \
    "$ui_conf"
curl -fsS -X POST "$ui_control/faults?spec=greenlight:/b:hang" \
    >/dev/null 2>&1
ok $? "Greenlight hangs"

ui_start 120 30 "$ui_bbbctl" --ascii --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-12 "; ok $? "started"
t0=$(date +%s%N)
ui_keys 7
WAIT_DEADLINE=5 wait_for_text "SERVICE"; ok $? "7 opens the services view"
ui_screen | grep -q "consul-leader"; ok $? "consul-leader listed"
ui_keys 1
WAIT_DEADLINE=5 wait_for_text "HEALTH"; ok $? "1 goes back at once"
ui_keys : 'services' Enter
WAIT_DEADLINE=5 wait_for_text "SERVICE"; ok $? ":services opens it"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 3000 ]
ok $? "keys answered while the probes wait ($ms ms)"

WAIT_DEADLINE=15 wait_for_re "stun-tcp +stun +refused"
ok $? "stun-tcp: refused"
WAIT_DEADLINE=15 wait_for_re "stun-udp +stun +timeout"
ok $? "stun-udp: timeout"
WAIT_DEADLINE=15 wait_for_re "greenlight +http +timeout"
ok $? "greenlight: timeout"
ui_screen | grep -q "start coturn"
ok $? "the usual fix is shown"
ui_keys 3
WAIT_DEADLINE=5 wait_for_re "stun-tcp refused"
ok $? "the problems view lists the service problems"

curl -fsS -X DELETE "$ui_control/faults" >/dev/null 2>&1
ui_keys 7
WAIT_DEADLINE=20 wait_for_re "greenlight +http +ok"
ok $? "greenlight recovers when the fault is gone"

pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
